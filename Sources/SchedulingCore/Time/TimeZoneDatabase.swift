import Foundation
import Synchronization

/// Reads IANA zones from the system's tzdata directory and caches them.
///
/// The directory is `TZDIR` when set, else `/usr/share/zoneinfo`. A tzdata package update
/// reaches a new process without a rebuild. Thread-safe.
public final class TimeZoneDatabase: Sendable {
    /// The database for the system's tzdata.
    public static let system = TimeZoneDatabase(
        directory: ProcessInfo.processInfo.environment["TZDIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "/usr/share/zoneinfo")

    /// The zoneinfo directory read by this database.
    public let directory: String
    private let cache = Mutex<[String: Zone]>([:])
    private let identifierList = Mutex<[String]?>(nil)

    public init(directory: String) {
        self.directory = directory
    }

    /// The zone for an IANA identifier, loading and caching it on first use.
    ///
    /// - Throws: ``ZoneError`` when the identifier is malformed or not a zone in tzdata.
    public func zone(_ identifier: String) throws(ZoneError) -> Zone {
        if Self.nonZoneFiles.contains(identifier) {
            throw ZoneError(identifier: identifier, reason: "not an IANA zone name")
        }
        return try load(identifier)
    }

    /// A zone stored with existing data: like ``zone(_:)``, but the tzdata files that are not
    /// IANA names (``nonZoneFiles``) are still read. ``zone(_:)`` refuses them for new requests;
    /// a database written before it did may hold them, and refusing them there would make those
    /// schedules impossible to update, retry or continue.
    public func storedZone(_ identifier: String) throws(ZoneError) -> Zone {
        try load(identifier)
    }

    private func load(_ identifier: String) throws(ZoneError) -> Zone {
        if let z = cache.withLock({ $0[identifier] }) { return z }
        try Self.checkSyntax(identifier)
        let path = directory + "/" + identifier
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let contents = FileManager.default.contents(atPath: path)
        else {
            throw ZoneError(identifier: identifier, reason: "unknown time zone (not in the IANA tz database)")
        }
        let data: TZifData
        do {
            data = try TZifData.parse(Array(contents))
        } catch {
            throw ZoneError(identifier: identifier, reason: "not a time zone (\(error))")
        }
        let zone = Zone(identifier: identifier, data: data)
        return cache.withLock { cache in
            if let existing = cache[identifier] { return existing }
            cache[identifier] = zone
            return zone
        }
    }

    /// Whether `identifier` names a zone in this database.
    public func isValid(_ identifier: String) -> Bool {
        (try? zone(identifier)) != nil
    }

    /// Every zone identifier in the database, sorted (excludes the `posix/` and `right/` copies,
    /// the ``nonZoneFiles`` and non-zone files such as `zone.tab`).
    public func allIdentifiers() -> [String] {
        if let list = identifierList.withLock({ $0 }) { return list }
        var result: [String] = []
        let fm = FileManager.default
        if let e = fm.enumerator(atPath: directory) {
            while let rel = e.nextObject() as? String {
                if Self.nonZoneDirectories.contains(rel) {
                    e.skipDescendants()
                    continue
                }
                guard !Self.nonZoneFiles.contains(rel), (try? Self.checkSyntax(rel)) != nil else { continue }
                let path = directory + "/" + rel
                var isDir: ObjCBool = false
                guard fm.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
                    let h = FileHandle(forReadingAtPath: path)
                else { continue }
                let magic = h.readData(ofLength: 4)
                try? h.close()
                if magic == Data("TZif".utf8) { result.append(rel) }
            }
        }
        result.sort()
        identifierList.withLock { $0 = result }
        return result
    }

    /// tzdata directories holding copies of the zones rather than zones: `posix/` (the same
    /// zones) and `right/` (with leap seconds).
    static let nonZoneDirectories: Set<String> = ["posix", "right"]

    /// TZif files in tzdata that are not IANA zone names: `localtime` follows the host's setting,
    /// `posixrules` is zic's default-rules file and `Factory` is the "zone not set" placeholder.
    /// Refused by ``zone(_:)`` and left out of ``allIdentifiers()``.
    static let nonZoneFiles: Set<String> = ["localtime", "posixrules", "Factory"]

    /// Identifier syntax: components of letters, digits, `_`, `-`, `+` separated by single `/`;
    /// nothing absolute, no `.` or `..`, no `posix/` or `right/` copies. (``zone(_:)`` also
    /// refuses the ``nonZoneFiles``.)
    static func checkSyntax(_ identifier: String) throws(ZoneError) {
        guard !identifier.isEmpty else { throw ZoneError(identifier: identifier, reason: "empty time zone") }
        guard identifier.utf8.count <= 64 else {
            throw ZoneError(identifier: identifier, reason: "time zone name too long")
        }
        let parts = identifier.split(separator: "/", omittingEmptySubsequences: false)
        for part in parts {
            guard !part.isEmpty else {
                throw ZoneError(identifier: identifier, reason: "not a time zone name (empty path component)")
            }
            guard
                part.utf8.allSatisfy({ b in
                    (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b == 95 || b == 45
                        || b == 43
                }), part.first != "-"
            else {
                throw ZoneError(identifier: identifier, reason: "not a time zone name (bad characters)")
            }
        }
        if let first = parts.first, nonZoneDirectories.contains(String(first)) {
            throw ZoneError(identifier: identifier, reason: "not an IANA zone name")
        }
    }
}

/// A time zone identifier that is malformed or unknown.
public struct ZoneError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The identifier as given.
    public var identifier: String
    /// Why it was refused.
    public var reason: String

    public init(identifier: String, reason: String) {
        self.identifier = identifier
        self.reason = reason
    }

    public var description: String { "\"\(identifier)\": \(reason)" }
}
