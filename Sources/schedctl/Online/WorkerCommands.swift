import ArgumentParser
import Foundation
import SchedulerClient
import WireProtocol

struct Dequeue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Lease due items, highest priority first (a worker's pull).")
    @Option(help: "Project id.") var project: String
    @Option(help: "Items at most, 1…100.") var limit: Int = 10
    @Option(help: "Lease length in seconds.") var lease: Int = 300
    @Option(help: "Worker id recorded on the lease (default: schedctl-HOSTNAME-PID).") var worker: String?
    @Flag(help: "Hand the items out already started (PROCESSING), with no separate start call.") var start = false
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        guard (1...100).contains(limit) else { throw CommandFailure.badArgument("--limit", "\(limit) out of range 1…100") }
        guard (1...3_600).contains(lease) else { throw CommandFailure.badArgument("--lease", "\(lease) out of range 1…3600 seconds") }
        let client = try connection.makeClient()
        let r = try await rpc {
            try await client.dequeue(V1.DequeueRequest(projectID: project, limit: Int32(limit), leaseSeconds: Int32(lease), workerID: worker ?? "schedctl-\(ProcessInfo.processInfo.hostName)-\(getpid())", start: start))
        }
        var t = Table("ID", "SCHEDULED FOR (UTC)", "PLATFORMS", "PRI", "ATTEMPT", "LEASE TOKEN", "LEASE UNTIL")
        for i in r.items {
            t.add(i.schedule.id, Render.text(i.schedule.scheduledForMs), i.schedule.platforms.joined(separator: ","), "\(i.schedule.priority)", "\(i.attempt)", i.leaseToken, Render.text(i.leaseExpiresAtMs))
        }
        connection.output(
            .object([
                ("items", .array(r.items.map { i in
                    .object([
                        ("schedule", Render.schedule(i.schedule)), ("leaseToken", .string(i.leaseToken)),
                        ("leaseExpiresAt", Render.instant(i.leaseExpiresAtMs)), ("attempt", .int(Int(i.attempt))),
                        ("idempotencyKey", .string(i.attemptIdempotencyKey)),
                    ])
                })),
            ]),
            r.items.isEmpty ? "nothing due" : t.text)
    }
}

struct Start: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Mark a leased item as being published.")
    @Argument(help: "Schedule id.") var id: String
    @Option(help: "Project id.") var project: String
    @Option(help: "The lease token from dequeue.") var leaseToken: String
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let client = try connection.makeClient()
        let r = try await rpc { try await client.start(V1.StartRequest(projectID: project, scheduleID: id, leaseToken: leaseToken)) }
        connection.output(Render.schedule(r.schedule), "processing \(r.schedule.id)")
    }
}

struct Heartbeat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Extend a lease while publishing.")
    @Argument(help: "Schedule id.") var id: String
    @Option(help: "Project id.") var project: String
    @Option(help: "The lease token from dequeue.") var leaseToken: String
    @Option(help: "New lease length in seconds from now (default: the original length).") var extend: Int = 0
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        guard (0...3_600).contains(extend) else { throw CommandFailure.badArgument("--extend", "\(extend) out of range 0…3600 seconds") }
        let client = try connection.makeClient()
        let r = try await rpc { try await client.heartbeat(V1.HeartbeatRequest(projectID: project, scheduleID: id, leaseToken: leaseToken, extendSeconds: Int32(extend))) }
        connection.output(.object([("leaseExpiresAt", Render.instant(r.leaseExpiresAtMs))]), "lease extended to \(Render.text(r.leaseExpiresAtMs))")
    }
}

/// `--result PLATFORM=URL` for a success, `--result PLATFORM!ERROR` for a failure.
func parseResults(_ specs: [String]) throws -> [V1.PlatformResult] {
    try specs.map { spec in
        if let i = spec.firstIndex(of: "!") {
            return V1.PlatformResult(platform: String(spec[..<i]), success: false, error: String(spec[spec.index(after: i)...]))
        }
        if let i = spec.firstIndex(of: "=") {
            return V1.PlatformResult(platform: String(spec[..<i]), success: true, publishedURL: String(spec[spec.index(after: i)...]))
        }
        guard !spec.isEmpty else { throw CommandFailure.badArgument("--result", "empty") }
        return V1.PlatformResult(platform: spec, success: true)
    }
}

struct Complete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Report a successful (or partially successful) publish.")
    @Argument(help: "Schedule id.") var id: String
    @Option(help: "Project id.") var project: String
    @Option(help: "The lease token from dequeue.") var leaseToken: String
    @Option(name: .customLong("result"), help: "PLATFORM=URL (published) or PLATFORM!ERROR (failed); repeat.") var results: [String] = []
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let parsed = try parseResults(results)
        let client = try connection.makeClient()
        let r = try await rpc { try await client.complete(V1.CompleteRequest(projectID: project, scheduleID: id, leaseToken: leaseToken, results: parsed)) }
        var text = "completed \(r.schedule.id)"
        if let n = r.nextOccurrence { text += "\nnext occurrence \(n.id) at \(Render.text(n.scheduledForMs)) (\(n.localTime) \(n.timezone))" }
        connection.output(.object([("schedule", Render.schedule(r.schedule)), ("nextOccurrence", r.nextOccurrence.map(Render.schedule) ?? .null)]), text)
    }
}

struct Fail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Report a failed publish; it is retried with backoff until maxRetries.")
    @Argument(help: "Schedule id.") var id: String
    @Option(help: "Project id.") var project: String
    @Option(help: "The lease token from dequeue.") var leaseToken: String
    @Option(help: "What went wrong.") var error: String
    @Flag(help: "Do not retry: fail for good now.") var permanent = false
    @Option(name: .customLong("result"), help: "PLATFORM=URL (published) or PLATFORM!ERROR (failed); repeat.") var results: [String] = []
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        guard !error.isEmpty else { throw CommandFailure.badArgument("--error", "must not be empty") }
        let parsed = try parseResults(results)
        let client = try connection.makeClient()
        let r = try await rpc {
            try await client.fail(V1.FailRequest(projectID: project, scheduleID: id, leaseToken: leaseToken, error: error, retryable: !permanent, results: parsed))
        }
        let text = r.willRetry ? "will retry at \(Render.text(r.nextAttemptAtMs)) (retry \(r.schedule.retryCount) of \(r.schedule.maxRetries))"
            : "\(Render.queue(r.schedule.queueStatus)): no more retries"
        connection.output(.object([("willRetry", .bool(r.willRetry)), ("nextAttemptAt", Render.instant(r.nextAttemptAtMs)), ("schedule", Render.schedule(r.schedule))]), text)
    }
}
