import Foundation
import Logging

/// Writes one line per record to stderr, as text or JSON, with the record's metadata.
///
/// Libraries log with dotted metadata keys (`rpc.method`, `schedule.id`); secrets are never
/// passed to the logger in the first place, so nothing here needs to scrub them.
struct LineLogHandler: LogHandler {
    enum Format: String { case text, json }

    let label: String
    let format: Format
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = metadataProvider?.get() { merged.merge(extra) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let time = Self.timestamp()
        let line: String
        switch format {
        case .text:
            let meta = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            line = "\(time) \(event.level.rawValue.uppercased()) \(label): \(event.message)\(meta.isEmpty ? "" : " " + meta)\n"
        case .json:
            var object: [String: Any] = ["ts": time, "level": event.level.rawValue, "logger": label, "msg": "\(event.message)"]
            for (k, v) in merged { object[k] = Self.plain(v) }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            line = String(decoding: data, as: UTF8.self) + "\n"
        }
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func plain(_ v: Logger.MetadataValue) -> Any {
        switch v {
        case .string(let s): return s
        case .stringConvertible(let s): return s.description
        case .array(let a): return a.map(plain)
        case .dictionary(let d): return d.mapValues(plain)
        }
    }

    static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var tm = tm()
        var seconds = ts.tv_sec
        gmtime_r(&seconds, &tm)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
            tm.tm_min, tm.tm_sec, Int(ts.tv_nsec / 1_000_000))
    }
}
