import Foundation
import PostgreSQL
import SQLite
import ScheduleStore
import SchedulingCore
import Synchronization

/// The store scenarios of docs/BENCHMARKS.md.
enum Scenarios {
    static let base = Instant(unixSeconds: 1_900_000_000)  // 2030-03-17, far from "now"

    static func open(_ o: BenchOptions, clock: any WallClock = SystemClock()) throws -> any SchedulingStore {
        var c = StoreConfiguration(path: o.path)
        c.synchronous = o.full ? .full : .normal
        c.clock = clock
        c.metrics = StoreMetrics(factory: CommitStats.shared)
        if let url = o.postgresURL {
            var pg = PostgresStoreConfiguration(url: url)
            pg.schema = o.postgresSchema
            pg.poolSize = min(32, max(2, o.callers))
            return try PostgresStore(configuration: c, postgres: pg)
        }
        return try ScheduleStore(configuration: c)
    }

    /// Drops the run's PostgreSQL schema (nothing on SQLite).
    static func dropPostgresSchema(_ o: BenchOptions) {
        guard let url = o.postgresURL, let db = try? PostgreSQL.Connection(url) else { return }
        _ = try? db.execute("DROP SCHEMA IF EXISTS \(o.postgresSchema) CASCADE")
        db.close()
    }

    /// The cycle's backlog on PostgreSQL, through the store (500 per enqueueBatch): `per` due items
    /// per project, 151 s apart in the past, none expiring.
    static func prefillPostgres(_ o: BenchOptions, projects names: [String]) async throws {
        let store = try open(o)
        defer { store.close() }
        let now = SystemClock().now()
        let per = (o.count + names.count - 1) / names.count
        var offset = 0
        for name in names where offset < o.count {
            let n = min(per, o.count - offset)
            for chunk in stride(from: 0, to: n, by: 500) {
                let requests = (chunk..<min(n, chunk + 500)).map { i in
                    EnqueueRequest(
                        projectID: name, contentID: "c\(offset + i)", time: .instant(now.adding(seconds: -Int64(i + 1) * 151)),
                        platforms: ["twitter"], expiryWindowSeconds: 400 * 86_400)
                }
                for r in try await store.enqueueBatch(requests) { _ = try r.get() }
            }
            offset += n
        }
    }

    /// Concurrent callers (64 unless told) enqueue `count` schedules with full validation; no
    /// conflicts block. Caller c writes to project c mod `projects` (one project unless told).
    static func enqueue(_ o: BenchOptions) async throws -> BenchResult {
        let store = try open(o)
        defer { store.close() }
        let callers = max(1, o.callers)
        let per = o.count / callers
        let start = monotonicMicros()
        let lat = try await withThrowingTaskGroup(of: Latencies.self) { group in
            for c in 0..<callers {
                group.addTask {
                    var l = Latencies()
                    l.samples.reserveCapacity(per)
                    // 151 s apart: at most two neighbours in a resource window (±150 s) and
                    // 48 an hour per platform, so every check runs and none warns or blocks.
                    func request(_ i: Int) -> EnqueueRequest {
                        let n = Int64(i * callers + c)
                        return EnqueueRequest(
                            projectID: o.project(c), contentID: "c\(n)", time: .instant(base.adding(seconds: n * 151)),
                            timeZone: "Europe/Berlin",
                            platforms: o.platforms == 2 ? ["twitter", "linkedin"] : o.platformList(Int(n)),
                            priority: Int(n % 10) + 1, idempotencyKey: o.idempotencyKeys ? "k\(n)" : nil)
                    }
                    if o.enqueueBatch > 1 {
                        // --enqueue-batch: the same requests, that many per enqueueBatch (latency per call).
                        for first in stride(from: 0, to: per, by: o.enqueueBatch) {
                            let requests = (first..<min(per, first + o.enqueueBatch)).map(request)
                            let t0 = monotonicMicros()
                            for r in try await store.enqueueBatch(requests) { _ = try r.get() }
                            l.add(monotonicMicros() - t0)
                        }
                        return l
                    }
                    for i in 0..<per {
                        let r = request(i)
                        let t0 = monotonicMicros()
                        _ = try await store.enqueue(r)
                        l.add(monotonicMicros() - t0)
                    }
                    return l
                }
            }
            var all = Latencies()
            for try await l in group { all.merge(l) }
            return all
        }
        let elapsed = (monotonicMicros() - start) / 1_000_000
        return BenchResult(
            scenario: "enqueue", opsPerSec: Double(per * callers) / elapsed, p50: lat.percentile(0.5),
            p99: lat.percentile(0.99),
            extra: [
                ("callers", Double(callers)), ("projects", Double(o.projects)), ("platforms", Double(o.platforms)),
                ("idempotency_keys", o.idempotencyKeys ? 1 : 0), ("enqueue_batch", Double(o.enqueueBatch)),
            ])
    }

    /// Workers (8 unless told) dequeue (32 at a time unless told) and complete `count` due items; a
    /// cycle is one item. With `--dequeue-starts` the items come out started; with `--acknowledge`
    /// each dequeued batch is finished by one acknowledge instead of a complete per item (32 at
    /// once); with `--carry-reports` those Completes ride on the worker's next dequeue (one
    /// transaction for both, as the client's work loop does). With several projects the items are
    /// spread over them and each worker takes them round-robin, one dequeue each (as `rpc cycle`); a worker stops once every project came back
    /// empty in a row.
    /// A Complete (no per-platform results) for each lease.
    static func completes(_ leases: [Lease]) -> [Acknowledgement] {
        leases.map { .complete(projectID: $0.schedule.projectID, scheduleID: $0.schedule.id, leaseToken: $0.token, results: []) }
    }

    static func cycle(_ o: BenchOptions) async throws -> BenchResult {
        let names = (0..<max(1, o.projects)).map { o.project($0) }
        if o.postgresURL != nil {
            try await prefillPostgres(o, projects: names)
        } else if names.count == 1 {
            try prepare(o.path, project: names[0], due: o.count, future: 0)
        } else {
            try createSchema(o.path)
            let db = try SQLite.Connection(path: o.path)
            defer { try? db.close() }
            let now = SystemClock().now().unixMilliseconds
            let per = (o.count + names.count - 1) / names.count
            try db.transaction {
                var offset = 0
                for name in names where offset < o.count {
                    let n = min(per, o.count - offset)
                    try fill(db, project: name, count: n, timeSQL: "\(now) - (n + 1) * 300000", offset: offset)
                    offset += n
                }
            }
        }
        let store = try open(o)
        defer { store.close() }
        let workers = max(1, o.callers)
        let done = Counter()
        let refused = Counter()
        let start = monotonicMicros()
        let lat = try await withThrowingTaskGroup(of: Latencies.self) { group in
            for w in 0..<workers {
                group.addTask {
                    var l = Latencies()
                    var n = 0
                    var emptyInARow = 0
                    var report: [Acknowledgement] = []  // --carry-reports: the last batch's Completes
                    func count(_ results: [Result<FinishResult, StoreError>]) {
                        let bad = results.filter { if case .failure = $0 { true } else { false } }.count
                        refused.value.add(bad, ordering: .relaxed)
                        done.value.add(results.count - bad, ordering: .relaxed)
                    }
                    while emptyInARow < names.count {
                        let project = names[(w + n) % names.count]
                        n += 1
                        let t0 = monotonicMicros()
                        let request = DequeueRequest(
                            projectID: project, limit: o.dequeueLimit, leaseSeconds: 60, workerID: "w\(w)",
                            start: o.dequeueStarts)
                        let leases: [Lease]
                        if o.carryReports {
                            let answer = try await store.dequeue(request, acknowledging: report)
                            count(answer.acknowledged)
                            leases = answer.leases
                            report = completes(leases)
                        } else {
                            leases = try await store.dequeue(request)
                        }
                        l.add(monotonicMicros() - t0)
                        if leases.isEmpty {
                            emptyInARow += 1
                            continue
                        }
                        emptyInARow = 0
                        if o.carryReports { continue }
                        if o.acknowledge {
                            let t1 = monotonicMicros()
                            let results = try await store.acknowledge(completes(leases))
                            l.add(monotonicMicros() - t1)
                            count(results)
                            continue
                        }
                        try await withThrowingTaskGroup(of: Double.self) { inner in
                            for lease in leases {
                                inner.addTask {
                                    let t1 = monotonicMicros()
                                    _ = try await store.complete(
                                        projectID: project, scheduleID: lease.schedule.id, leaseToken: lease.token)
                                    return monotonicMicros() - t1
                                }
                            }
                            for try await us in inner { l.add(us) }
                        }
                        done.value.add(leases.count, ordering: .relaxed)
                    }
                    if !report.isEmpty { count(try await store.acknowledge(report)) }
                    return l
                }
            }
            var all = Latencies()
            for try await l in group { all.merge(l) }
            return all
        }
        let elapsed = (monotonicMicros() - start) / 1_000_000
        var extra: [(String, Double)] = [
            ("callers", Double(workers)), ("dequeue_limit", Double(o.dequeueLimit)), ("projects", Double(names.count)),
        ]
        if o.dequeueStarts { extra.append(("dequeue_starts", 1)) }
        if o.acknowledge { extra.append(("acknowledge", 1)) }
        if o.carryReports { extra.append(("carry_reports", 1)) }
        let errors = refused.value.load(ordering: .relaxed)
        if errors > 0 { extra.append(("errors", Double(errors))) }
        return BenchResult(
            scenario: "cycle", opsPerSec: Double(done.value.load(ordering: .relaxed)) / elapsed,
            p50: lat.percentile(0.5),
            p99: lat.percentile(0.99), extra: extra)
    }

    /// Dequeue latency (limit 10) with 9,000 due items among 10k and among 1M pending rows.
    static func dequeueScale(_ o: BenchOptions) async throws -> BenchResult {
        func measure(total: Int, path: String) async throws -> (Latencies, Double) {
            try prepare(path, project: "bench", due: 9_000, future: total - 9_000)
            var opts = o
            opts.path = path
            let store = try open(opts)
            defer { store.close() }
            var l = Latencies()
            let start = monotonicMicros()
            for _ in 0..<900 {
                let t0 = monotonicMicros()
                let leases = try await store.dequeue(
                    DequeueRequest(projectID: "bench", limit: 10, leaseSeconds: 60, workerID: "w"))
                l.add(monotonicMicros() - t0)
                precondition(leases.count == 10, "ran out of due items")
            }
            return (l, 900 / ((monotonicMicros() - start) / 1_000_000))
        }
        let dir = (o.path as NSString).deletingLastPathComponent
        let (small, _) = try await measure(total: 10_000, path: dir + "/scale-10k.sqlite")
        let (large, rate) = try await measure(total: 1_000_000, path: dir + "/scale-1m.sqlite")
        return BenchResult(
            scenario: "dequeue-scale", opsPerSec: rate, p50: large.percentile(0.5), p99: large.percentile(0.99),
            extra: [
                ("p99_us_10k", small.percentile(0.99)), ("p99_us_1m", large.percentile(0.99)),
                ("p50_us_10k", small.percentile(0.5)), ("p50_us_1m", large.percentile(0.5)),
            ])
    }

    /// Enqueue with autoResolve into busy hours: 100k schedules in one project, a busy block
    /// 09:00–15:00 UTC every day (one a minute: the resource window is full), requests at
    /// random minutes inside the block, so every request searches for a slot.
    static func validate(_ o: BenchOptions) async throws -> BenchResult {
        try prepareBusy(o.path, project: "bench", count: 100_000)
        let store = try open(o)
        defer { store.close() }
        var l = Latencies()
        var rng = SystemRandomNumberGenerator()
        let requests = 2_000
        let start = monotonicMicros()
        var adjusted = 0
        for i in 0..<requests {
            let day = Int64.random(in: 0..<270, using: &rng)
            let minute = Int64.random(in: 0..<360, using: &rng)
            let t = base.adding(seconds: day * 86_400 + 9 * 3600 + minute * 60 + 30)
            let t0 = monotonicMicros()
            let r = try await store.enqueue(
                EnqueueRequest(
                    projectID: "bench", contentID: "v\(i)", time: .instant(t), platforms: ["twitter"], autoResolve: true
                ))
            l.add(monotonicMicros() - t0)
            if r.adjustedTime != nil { adjusted += 1 }
        }
        let elapsed = (monotonicMicros() - start) / 1_000_000
        return BenchResult(
            scenario: "validate", opsPerSec: Double(requests) / elapsed, p50: l.percentile(0.5),
            p99: l.percentile(0.99),
            extra: [("adjusted_fraction", Double(adjusted) / Double(requests))])
    }

    // MARK: Bulk fill (straight SQL: fast, outside the measurement)

    /// Creates the schema, then inserts `due` items due in the past (five minutes apart) and
    /// `future` items far in the future.
    static func prepare(_ path: String, project: String, due: Int, future: Int) throws {
        try createSchema(path)
        let db = try SQLite.Connection(path: path)
        defer { try? db.close() }
        let now = SystemClock().now().unixMilliseconds
        try db.transaction {
            try fill(db, project: project, count: due, timeSQL: "\(now) - (n + 1) * 300000")
            try fill(db, project: project, count: future, timeSQL: "\(base.unixMilliseconds) + n * 60000", offset: due)
        }
    }

    static func prepareBusy(_ path: String, project: String, count: Int) throws {
        try createSchema(path)
        let db = try SQLite.Connection(path: path)
        defer { try? db.close() }
        try db.transaction {
            try fill(
                db, project: project, count: count,
                timeSQL: "\(base.unixMilliseconds) + (n / 360) * 86400000 + 32400000 + (n % 360) * 60000")
        }
    }

    static func createSchema(_ path: String) throws {
        var c = StoreConfiguration(path: path)
        c.readerCount = 1
        let store = try ScheduleStore(configuration: c)
        store.close()
    }

    static func fill(_ db: SQLite.Connection, project: String, count: Int, timeSQL: String, offset: Int = 0) throws {
        guard count > 0 else { return }
        try db.execute(
            """
            WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < \(count))
            INSERT INTO schedules (id, content_id, project_id, scheduled_for, local_time, timezone, nominal_time,
                platforms, priority, expiry_window, expires_at, created_at, updated_at)
            SELECT printf('sch_bulk%010d', n + \(offset)), 'c' || n, '\(project)', \(timeSQL),
                   strftime('%Y-%m-%dT%H:%M:%S', (\(timeSQL)) / 1000, 'unixepoch'), 'UTC', \(timeSQL),
                   'TWITTER', 1 + (n % 10), NULL, NULL, 0, 0
              FROM seq;
            WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < \(count))
            INSERT INTO schedule_platforms (schedule_id, platform, project_id)
            SELECT printf('sch_bulk%010d', n + \(offset)), 'TWITTER', '\(project)' FROM seq;
            """)
    }
}

/// A shared counter for tasks.
final class Counter: Sendable {
    let value = Atomic<Int>(0)
}
