import ArgumentParser
import Foundation
import SchedulerClient
import SchedulingCore
import WireProtocol

/// `schedctl enqueue-batch`: many schedules from a JSON Lines file, 500 per call (EnqueueBatch).
struct EnqueueBatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue-batch",
        abstract: "Schedule many posts from a JSON Lines file, up to 500 per call; each line gets its own answer.",
        discussion: """
            One JSON object per line, with enqueue's options as keys: content, at, tz (default UTC), \
            platforms (an array), and optionally project, priority, rrule, cron, until, notes, metadata \
            (an object), idempotencyKey, autoResolve, onLeaseLoss. Blank lines and lines starting with # \
            are skipped. A refused line does not stop the others; the exit code is 1 when any was refused.

            {"content": "post-1", "at": "2027-06-01T09:00", "tz": "Europe/Berlin", "platforms": ["twitter"]}
            """)

    @Option(help: "JSON Lines file, or - for standard input.") var file: String
    @Option(help: "Project for lines that name none.") var project: String?
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let text: String
        do {
            text =
                file == "-"
                ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                : try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw CommandFailure.badArgument("--file", "cannot read \(file): \(error.localizedDescription)")
        }
        var items: [V1.EnqueueRequest] = []
        var lines: [Int] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            items.append(try Self.request(line, number: n + 1, project: project))
            lines.append(n + 1)
        }
        guard !items.isEmpty else { throw CommandFailure.badArgument("--file", "no items in \(file)") }
        let client = try connection.makeClient()
        var results: [V1.EnqueueBatchResult] = []
        var start = 0
        while start < items.count {
            let chunk = Array(items[start..<min(start + Limits.maxBatchItems, items.count)])
            results += try await rpc { try await client.enqueueBatch(chunk) }.results
            start += chunk.count
        }
        var out: [String] = []
        var refused = 0
        for (k, r) in results.enumerated() {
            if let c = r.created {
                out.append(
                    "line \(lines[k]): created \(c.schedule.id) for \(Render.text(c.schedule.scheduledForMs)) "
                        + "(\(c.schedule.localTime) \(c.schedule.timezone))" + (c.warning.isEmpty ? "" : " — \(c.warning)"))
            } else if let e = r.error {
                refused += 1
                // The server names the field in its own batch; this file's line says where it is.
                out.append("line \(lines[k]): \(e.code.name): \(e.message)")
            }
        }
        out.append("\(results.count - refused) of \(results.count) created")
        connection.output(
            .object([
                ("results", .array(results.enumerated().map { k, r in
                    .object([
                        ("line", .int(lines[k])),
                        ("schedule", r.created.map { Render.schedule($0.schedule) } ?? .null),
                        ("error", r.error.map { e in
                            .object([
                                ("code", .string(e.code.name)), ("message", .string(e.message)),
                                ("field", e.field.isEmpty ? .null : .string(e.field)),
                                ("conflicts", .array(e.conflicts.map(Render.conflict))),
                            ])
                        } ?? .null),
                    ])
                })),
                ("created", .int(results.count - refused)), ("refused", .int(refused)),
            ]), out.joined(separator: "\n"))
        if refused > 0 { throw CommandFailure(message: "\(refused) of \(results.count) refused", exitCode: 1) }
    }

    /// One line as an Enqueue request; a line that is not what enqueue's options accept is a
    /// usage error naming the line.
    static func request(_ line: String, number: Int, project: String?) throws -> V1.EnqueueRequest {
        func bad(_ what: String) -> CommandFailure { .badArgument("--file", "line \(number): \(what)") }
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw bad("not a JSON object")
        }
        let known: Set = [
            "project", "content", "at", "tz", "platforms", "priority", "rrule", "cron", "until", "notes", "metadata",
            "idempotencyKey", "autoResolve", "onLeaseLoss",
        ]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) { throw bad("unknown key \"\(unknown)\"") }
        func string(_ key: String) throws -> String? {
            guard let v = object[key] else { return nil }
            guard let s = v as? String else { throw bad("\(key) must be a string") }
            return s
        }
        guard let projectID = try string("project") ?? project else { throw bad("no project (give \"project\" or --project)") }
        guard let content = try string("content") else { throw bad("content is required") }
        guard let at = try string("at") else { throw bad("at is required") }
        guard let platforms = object["platforms"] as? [String], !platforms.isEmpty else {
            throw bad("platforms must be a non-empty array of strings")
        }
        var r = V1.EnqueueRequest(projectID: projectID, contentID: content, platforms: platforms)
        do {
            r.localTime = try Arg.local(at, option: "at").description
            r.timezone = try string("tz") ?? "UTC"
            _ = try Arg.zone(r.timezone, option: "tz")
            if let p = object["priority"] {
                guard let p = p as? Int, (1...10).contains(p) else { throw bad("priority must be an integer 1…10") }
                r.priority = Int32(p)
            }
            switch (try string("rrule"), try string("cron")) {
            case (let rule?, nil): r.recurrence = .rrule(rule)
            case (nil, let cron?): r.recurrence = .cron(cron)
            case (nil, nil): break
            default: throw bad("give rrule or cron, not both")
            }
            r.recurringUntilMs = try millis(try string("until"), option: "until", side: .upper)
            r.notes = try string("notes") ?? ""
            if let m = object["metadata"] {
                guard JSONSerialization.isValidJSONObject(m), m is [String: Any] else { throw bad("metadata must be an object") }
                r.metadataJSON = String(decoding: try JSONSerialization.data(withJSONObject: m, options: [.sortedKeys]), as: UTF8.self)
            }
            r.idempotencyKey = try string("idempotencyKey") ?? ""
            if let a = object["autoResolve"] {
                guard let a = a as? Bool else { throw bad("autoResolve must be true or false") }
                r.autoResolve = a
            }
            r.leaseLossPolicy = try Arg.leaseLossPolicy(try string("onLeaseLoss"))
        } catch let e as CommandFailure where !e.message.hasPrefix("--file") {
            throw bad(e.message)
        }
        return r
    }
}
