import ArgumentParser
import Foundation
import SQLite
import ScheduleStore
import SchedulingCore

/// `scheduler-bench`: measurements of the service's components.
@main
struct SchedulerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler-bench",
        abstract: "Benchmarks of the scheduler's components (build with -c release).",
        subcommands: [
            StoreBench.self, CoreBench.self, WireBench.self, TLSBench.self, RPCBench.self, HiccupsBench.self, FillCommand.self,
        ])
}

/// `scheduler-bench store SCENARIO [--json]`.
struct StoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Schedule store scenarios: enqueue, cycle, dequeue-scale, validate, purge, all.",
        discussion: """
            floor-enqueue and floor-cycle write the same rows with SQLite alone (the store's schema, \
            pragmas and statements, one thread, nothing else): the floor under enqueue and cycle. \
            floor runs floor-enqueue, enqueue, floor-cycle and cycle back to back.
            """)

    @Argument(help: "enqueue | cycle | dequeue-scale | validate | purge | all | floor-enqueue | floor-cycle | floor")
    var scenario: String

    @Flag(help: "Print one JSON object per scenario.")
    var json = false

    @Option(help: "Database path (default: a temporary directory, removed afterwards; PATH.SCENARIO for each of several).")
    var db: String?

    @Option(help: "Operations for enqueue / cycle.")
    var count: Int = 100_000

    @Flag(help: "synchronous=FULL instead of NORMAL.")
    var full = false

    @Option(help: "Concurrent callers: enqueue's (default 64) and cycle's workers (default 8).")
    var callers: Int?

    @Option(
        help: """
            Projects: enqueue's callers take them round-robin (caller c writes project c mod N, as `rpc \
            enqueue` gives each connection its own), floor-enqueue's transactions likewise, cycle's due items \
            are spread over them and its workers take them round-robin. Default 1 (project "bench").
            """)
    var projects: Int = 1

    @Option(help: "enqueue, floor-enqueue: platforms per schedule, 2 (TWITTER, LINKEDIN; the default) or 1 (rotating over five, as `rpc enqueue`).")
    var platforms: Int = 2

    @Flag(
        name: .customLong("idempotency-keys"),
        help: "enqueue, floor-enqueue: every schedule carries an idempotency key (and floor-enqueue a request fingerprint), as every RPC Enqueue does.")
    var idempotencyKeys = false

    @Option(help: "floor-enqueue: rows per transaction (default 64, what the store's group commit sees from 64 callers).")
    var batch: Int = SQLiteFloor.enqueueBatch

    @Option(name: .customLong("enqueue-batch"), help: "enqueue: requests per store.enqueueBatch call (default 1: one enqueue per call).")
    var enqueueBatch: Int = 1

    @Option(name: .customLong("dequeue-limit"), help: "cycle: items per Dequeue (1…100, default 32).")
    var dequeueLimit: Int = 32

    @Flag(name: .customLong("dequeue-starts"), help: "cycle: hand the items out started (DequeueRequest.start), as the client's work loop asks.")
    var dequeueStarts = false

    @Flag(help: "cycle: finish each dequeued batch with one acknowledge (all Completes in one call) instead of a complete per item.")
    var acknowledge = false

    @Flag(
        name: .customLong("carry-reports"),
        help: "cycle: report each dequeued batch on the worker's next dequeue (one transaction: the report, then the lease), as the client's work loop does.")
    var carryReports = false

    @Option(
        name: .customLong("without-index"),
        help: "floor-enqueue, floor-cycle: drop this index of the store's schema first (repeatable): what the floor would be without it."
    )
    var withoutIndexes: [String] = []

    @Flag(
        name: .customLong("inline-checkpoints"),
        help: "floor-enqueue, floor-cycle: checkpoint in the writing thread (SQLite's default, every 1000 pages) instead of never."
    )
    var inlineCheckpoints = false

    @Option(
        name: .customLong("postgres-url"),
        help: "enqueue, cycle: run against the PostgreSQL store at this libpq URL (in a schema of its own, dropped afterwards) instead of SQLite.")
    var postgresURL: String?

    @Option(help: "purge: old finished schedules in the database before the run (each with an attempt and a result).")
    var finished: Int = 200_000

    @Option(name: .customLong("purge-batch"), help: "purge: schedules per purgeFinished call (1…500, default 50, the engine's).")
    var purgeBatch: Int = 50

    @Option(name: .customLong("purge-pause-ms"), help: "purge: pause between purgeFinished calls (default 0: back to back; the engine's is 100).")
    var purgePauseMs: Int = 0

    mutating func validate() throws {
        if (finished != 200_000 || purgeBatch != 50 || purgePauseMs != 0) && scenario != "purge" {
            throw ValidationError("--finished, --purge-batch and --purge-pause-ms apply to purge only")
        }
        guard purgePauseMs >= 0 else { throw ValidationError("--purge-pause-ms must be at least 0") }
        guard (1...500).contains(purgeBatch) else { throw ValidationError("--purge-batch: 1…500") }
        guard finished >= 1 else { throw ValidationError("--finished must be at least 1") }
        if postgresURL != nil && scenario != "enqueue" && scenario != "cycle" {
            throw ValidationError("--postgres-url applies to enqueue and cycle only")
        }
        if let callers { guard callers >= 1 else { throw ValidationError("--callers must be at least 1") } }
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
        guard (1...1000).contains(projects) else { throw ValidationError("--projects: 1…1000") }
        guard platforms == 1 || platforms == 2 else { throw ValidationError("--platforms: 1 or 2") }
        guard (1...500).contains(batch) else { throw ValidationError("--batch: 1…500") }
        guard (1...100).contains(dequeueLimit) else { throw ValidationError("--dequeue-limit: 1…100") }
        if idempotencyKeys && scenario != "enqueue" && scenario != "floor-enqueue" {
            throw ValidationError("--idempotency-keys applies to enqueue and floor-enqueue only")
        }
        if batch != SQLiteFloor.enqueueBatch && scenario != "floor-enqueue" {
            throw ValidationError("--batch applies to floor-enqueue only")
        }
        if (dequeueLimit != 32 || dequeueStarts || acknowledge || carryReports) && scenario != "cycle" {
            throw ValidationError("--dequeue-limit, --dequeue-starts, --acknowledge and --carry-reports apply to cycle only")
        }
        if enqueueBatch != 1 && scenario != "enqueue" { throw ValidationError("--enqueue-batch applies to enqueue only") }
        guard (1...500).contains(enqueueBatch) else { throw ValidationError("--enqueue-batch: 1…500") }
        if acknowledge && carryReports { throw ValidationError("--acknowledge or --carry-reports, not both") }
        if (!withoutIndexes.isEmpty || inlineCheckpoints) && scenario != "floor-enqueue" && scenario != "floor-cycle" {
            throw ValidationError("--without-index and --inline-checkpoints apply to floor-enqueue and floor-cycle only")
        }
        for name in withoutIndexes where name.isEmpty || !name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
            throw ValidationError("--without-index \"\(name)\": not an index name")
        }
        if scenario == "enqueue" || scenario == "all" || scenario == "floor" || scenario == "purge" {
            guard count >= (callers ?? 64) else { throw ValidationError("--count must be at least --callers") }
        }
    }

    mutating func run() async throws {
        if scenario == "crash-writer" {
            // Hidden: the child process of the crash test.
            guard let db else { throw ValidationError("crash-writer needs --db PATH") }
            try await CrashWriter.run(path: db)
            return
        }
        let names =
            switch scenario {
            case "all": ["enqueue", "cycle", "dequeue-scale", "validate"]
            case "floor": ["floor-enqueue", "enqueue", "floor-cycle", "cycle"]
            default: [scenario]
            }
        for name in names {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
                "scheduler-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            // Each scenario fills its own database: with --db and several scenarios, PATH.NAME.
            let path = db.map { names.count > 1 ? "\($0).\(name)" : $0 } ?? dir.appendingPathComponent("bench.sqlite").path
            let options = BenchOptions(
                path: path, count: count, full: full, callers: callers ?? (name == "cycle" ? 8 : 64),
                withoutIndexes: withoutIndexes, inlineCheckpoints: inlineCheckpoints, projects: projects,
                platforms: platforms, batch: batch, dequeueLimit: dequeueLimit, dequeueStarts: dequeueStarts,
                acknowledge: acknowledge, carryReports: carryReports, enqueueBatch: enqueueBatch, idempotencyKeys: idempotencyKeys, postgresURL: postgresURL)
            defer { Scenarios.dropPostgresSchema(options) }
            let result: BenchResult
            switch name {
            case "enqueue": result = try await Scenarios.enqueue(options)
            case "cycle": result = try await Scenarios.cycle(options)
            case "dequeue-scale": result = try await Scenarios.dequeueScale(options)
            case "validate": result = try await Scenarios.validate(options)
            case "purge": result = try await PurgeBench.run(
                    options, finished: finished, purgeBatch: purgeBatch, pauseMilliseconds: purgePauseMs)
            case "floor-enqueue": result = try SQLiteFloor.enqueue(options)
            case "floor-cycle": result = try SQLiteFloor.cycle(options)
            default:
                throw ValidationError(
                    "unknown scenario \"\(name)\": enqueue, cycle, dequeue-scale, validate, purge, all, floor-enqueue, "
                        + "floor-cycle, floor")
            }
            print(json ? result.json : result.text)
            if let commits = CommitStats.shared.summary { FileHandle.standardError.write(Data("\(name): \(commits)\n".utf8)) }
        }
    }
}

struct BenchOptions {
    var path: String
    var count: Int
    var full: Bool
    var callers = 64
    /// Indexes the floor scenarios drop before they run.
    var withoutIndexes: [String] = []
    /// The floor scenarios checkpoint as SQLite does by default, in the writing thread.
    var inlineCheckpoints = false
    /// Projects the rows go to (1: "bench"; more: "bench-0", "bench-1", …).
    var projects = 1
    /// Platforms per enqueued schedule: 2 (TWITTER, LINKEDIN) or 1 (rotating over five).
    var platforms = 2
    /// floor-enqueue: rows per transaction.
    var batch = SQLiteFloor.enqueueBatch
    /// cycle: items per dequeue, started in the dequeue, finished with one acknowledge.
    var dequeueLimit = 32
    var dequeueStarts = false
    var acknowledge = false
    /// cycle: each dequeued batch's Completes ride on the worker's next dequeue.
    var carryReports = false
    /// enqueue: requests per enqueueBatch call (1: one enqueue per call).
    var enqueueBatch = 1
    /// enqueue, floor-enqueue: each schedule carries an idempotency key ("k" + its number).
    var idempotencyKeys = false
    /// enqueue, cycle: the PostgreSQL store at this URL instead of SQLite, in ``postgresSchema``.
    var postgresURL: String?
    var postgresSchema = "bench_\(getpid())"

    /// The project of caller / transaction / item `i`.
    func project(_ i: Int) -> String { projects == 1 ? "bench" : "bench-\(i % projects)" }

    static let fivePlatforms = ["TWITTER", "LINKEDIN", "FACEBOOK", "WORDPRESS", "GHOST"]
    /// The platforms of enqueue number `n`.
    func platformList(_ n: Int) -> [String] { platforms == 2 ? ["TWITTER", "LINKEDIN"] : [Self.fivePlatforms[n % 5]] }
}

struct BenchResult {
    var scenario: String
    var opsPerSec: Double
    var p50: Double
    var p99: Double
    var extra: [(String, Double)] = []

    var json: String {
        var fields = [
            "\"scenario\":\"\(scenario)\"", "\"ops_per_sec\":\(Int(opsPerSec.rounded()))",
            "\"p50_us\":\(Self.fmt(p50))", "\"p99_us\":\(Self.fmt(p99))",
        ]
        for (k, v) in extra { fields.append("\"\(k)\":\(Self.fmt(v))") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    var text: String {
        var s = "\(scenario): \(Int(opsPerSec.rounded())) ops/s, p50 \(Self.fmt(p50)) µs, p99 \(Self.fmt(p99)) µs"
        for (k, v) in extra { s += ", \(k) \(Self.fmt(v))" }
        return s
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }
}

/// Latency samples in microseconds.
struct Latencies {
    var samples: [Double] = []
    /// Paced RPC runs: each call's latency from when the pacer released it (``Pacer``).
    var fromRelease: [Double] = []
    mutating func add(_ us: Double) { samples.append(us) }
    mutating func merge(_ other: Latencies) {
        samples += other.samples
        fromRelease += other.fromRelease
    }
    func percentile(_ p: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
    }
}

/// A duration in microseconds.
func micros(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12
}

@inline(__always)
func monotonicNanoseconds() -> Int64 {
    Int64(DispatchTime.now().uptimeNanoseconds)
}

@inline(__always)
func monotonicMicros() -> Double {
    Double(monotonicNanoseconds()) / 1000
}

/// `scheduler-bench fill`: writes a large backlog straight into a database file (SQL, in one
/// transaction), for an `rpc` run against a server started on that file afterwards. Filling a
/// million schedules over RPC would take longer than the measurement.
struct FillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fill",
        abstract: "Fill a database with a backlog for rpc runs (--prefilled); stop the server first.")

    @Option(help: "Database file (created when missing).") var db: String
    @Option(help: "Project of the schedules.") var project: String
    @Option(help: "Schedules due now (in the past, 5 minutes apart, no expiry): the cycle backlog.") var due: Int = 0
    @Option(help: "Schedules in 2030, a minute apart: rows a dequeue must not look at.") var future: Int = 0
    @Option(name: .customLong("validate"), help: "Schedules 151 s apart from three days after now, as `rpc validate` lays them out.")
    var validateLayout: Int = 0

    mutating func validate() throws {
        for (name, n) in [("due", due), ("future", future), ("validate", validateLayout)] where !(0...5_000_000).contains(n) {
            throw ValidationError("--\(name): 0…5000000")
        }
    }

    mutating func run() throws {
        let started = Date()
        try Scenarios.createSchema(db)
        let conn = try Connection(path: db)
        defer { try? conn.close() }
        let now = SystemClock().now().unixMilliseconds
        // Distinct id ranges per call, so several fills can share a file.
        let offset = Int(try conn.scalarInt64("SELECT count(*) FROM schedules") ?? 0)
        try conn.transaction {
            try Scenarios.fill(conn, project: project, count: due, timeSQL: "\(now) - (n + 1) * 300000", offset: offset)
            try Scenarios.fill(
                conn, project: project, count: future, timeSQL: "\(Scenarios.base.unixMilliseconds) + n * 60000",
                offset: offset + due)
            try Scenarios.fill(
                conn, project: project, count: validateLayout, timeSQL: "\(now + 3 * 86_400_000) + n * 151000",
                offset: offset + due + future)
        }
        print("filled \(due + future + validateLayout) schedules into \(db) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }
}
