import Foundation
import SQLite
import ScheduleStore

/// What SQLite alone does with the store's schema: the floor under `store enqueue` and `store
/// cycle`.
///
/// One thread writes the rows the store writes, with the store's pragmas, statements and batch
/// shapes, through the same thin `SQLite` wrapper, and nothing else: no validation, no occupancy
/// index, no callers to answer, no lifecycle checks, and no checkpoints (the store runs them on
/// another thread; here the WAL just grows). With `--inline-checkpoints` the writing thread also
/// checkpoints, as SQLite does by default: the other bound, all the work on one thread. The store can approach these figures but not
/// pass them while it keeps this schema, so they say how far code around SQLite can take each
/// target (docs/BENCHMARKS.md, "The SQLite floor").
///
/// The statements are the store's own (`WriteSQL`, `HotQueries`), except the two UPDATEs of the
/// schedule row, which the store builds from the columns that changed: here they name the columns
/// a dequeue and a complete change.
enum SQLiteFloor {
    /// Enqueues in one transaction, as the store's group commit sees them from 64 callers.
    static let enqueueBatch = 64
    /// Items per dequeue, as in `store cycle`.
    static let cycleBatch = 32
    /// Dequeues per transaction, as the store's group commit sees them from `store cycle`'s eight
    /// workers; their items are then completed in one transaction.
    static let cycleDequeues = 8

    /// The store writer's pragmas (with SQLite's own checkpoints when `--inline-checkpoints`),
    /// then the indexes `--without-index` names dropped (an unknown name is an error: a typo must
    /// not pass for a measurement).
    static func connection(_ o: BenchOptions) throws -> Connection {
        let db = try Connection(path: o.path)
        do {
            var config = StoreConfiguration(path: o.path)
            config.synchronous = o.full ? .full : .normal
            try db.execute(config.writerPragmas)
            if o.inlineCheckpoints { try db.execute("PRAGMA wal_autocheckpoint = 1000") }
            for name in o.withoutIndexes { try db.execute("DROP INDEX \(name)") }
        } catch {
            try? db.close()
            throw error
        }
        return db
    }

    /// Inserts `count` schedules (two platforms each unless `--platforms 1`, Europe/Berlin,
    /// priorities 1–10, an expiry window) in transactions of ``enqueueBatch`` rows unless `--batch`
    /// says otherwise; with `--projects N` transaction t writes to project t mod N. Latency samples
    /// are per transaction: what a caller in that batch waits at least.
    static func enqueue(_ o: BenchOptions) throws -> BenchResult {
        try Scenarios.createSchema(o.path)
        let db = try connection(o)
        defer { try? db.close() }
        let insert = try db.prepare(WriteSQL.insertSchedule)
        let platform = try db.prepare(WriteSQL.insertPlatform)
        let created = Int64(Date().timeIntervalSince1970 * 1000)
        var lat = Latencies()
        var n = 0
        var transactions = 0
        let start = monotonicMicros()
        while n < o.count {
            let t0 = monotonicMicros()
            let project = o.project(transactions)
            transactions += 1
            try db.begin()
            for _ in 0..<min(o.batch, o.count - n) {
                let platforms = o.platformList(n)
                let id = ulidLike(time: created + Int64(n / 16), sequence: n)
                let at = Scenarios.base.unixMilliseconds + Int64(n) * 151_000
                insert.bind(id, at: 1)
                insert.bind("c\(n)", at: 2)
                insert.bind(project, at: 3)
                insert.bind(at, at: 4)
                insert.bind("2030-03-17T19:46:40", at: 5)
                insert.bind("Europe/Berlin", at: 6)
                insert.bind(at, at: 7)
                insert.bind(platforms.joined(separator: ","), at: 8)
                insert.bind("", at: 9)
                insert.bind(n % 10 + 1, at: 10)
                insert.bind("PENDING", at: 11)
                insert.bind("SCHEDULED", at: 12)
                insert.bind(false, at: 13)
                for i: Int32 in 14...20 { insert.bindNull(at: i) }
                insert.bind(0, at: 21)
                insert.bind(3, at: 22)
                insert.bind(300, at: 23)
                insert.bind(0, at: 24)
                insert.bindNull(at: 25)
                insert.bind(0, at: 26)
                insert.bind("HOLD", at: 27)
                insert.bind(86_400, at: 28)
                insert.bind(at + 86_400_000, at: 29)
                for i: Int32 in 30...31 { insert.bindNull(at: i) }
                if o.idempotencyKeys {
                    // A key and a request fingerprint (16 hex characters, as the store's), as every RPC Enqueue carries.
                    insert.bind("k\(n)", at: 32)
                    insert.bind(String(UInt64(n) &* 0x100_0000_01b3 | 1 << 63, radix: 16), at: 33)
                } else {
                    for i: Int32 in 32...33 { insert.bindNull(at: i) }
                }
                insert.bind(created, at: 34)
                insert.bind(created, at: 35)
                try insert.run()
                for p in platforms {
                    platform.bind(id, at: 1)
                    platform.bind(p, at: 2)
                    platform.bind(project, at: 3)
                    platform.bindNull(at: 4)
                    platform.bindNull(at: 5)
                    try platform.run()
                }
                n += 1
            }
            try db.commit()
            lat.add(monotonicMicros() - t0)
        }
        let elapsed = (monotonicMicros() - start) / 1_000_000
        return BenchResult(
            scenario: "floor-enqueue", opsPerSec: Double(o.count) / elapsed, p50: lat.percentile(0.5),
            p99: lat.percentile(0.99),
            extra: [
                ("batch", Double(o.batch)), ("projects", Double(o.projects)), ("platforms", Double(o.platforms)),
                ("idempotency_keys", o.idempotencyKeys ? 1 : 0),
            ])
    }

    /// Runs ``cycleDequeues`` dequeues of ``cycleBatch`` due items (one index seek per priority,
    /// as the store), each item marked leased with an attempt row, in one transaction; then
    /// completes them all in another (load, platforms published, attempt closed, row completed);
    /// until `count` items are done. Latency samples are per transaction.
    static func cycle(_ o: BenchOptions) throws -> BenchResult {
        try Scenarios.prepare(o.path, project: "bench", due: o.count, future: 0)
        let db = try connection(o)
        defer { try? db.close() }
        let due = try db.prepare(HotQueries.due)
        let lease = try db.prepare(
            """
            UPDATE schedules SET queue_status = ?2, queued_at = ?3, lease_owner = ?4, lease_token = ?5,
                lease_expires_at = ?6, attempt_count = ?7, updated_at = ?8 WHERE id = ?1
            """)
        let attempt = try db.prepare(WriteSQL.insertAttempt)
        let load = try db.prepare(HotQueries.loadSchedule)
        let published = try db.prepare(WriteSQL.publishRemaining)
        let close = try db.prepare(WriteSQL.closeAttempt)
        let done = try db.prepare(
            """
            UPDATE schedules SET published_platforms = ?2, queue_status = ?3, status = ?4, published_at = ?5,
                lease_owner = ?6, lease_token = ?7, lease_expires_at = ?8, updated_at = ?9 WHERE id = ?1
            """)
        var lat = Latencies()
        var cycles = 0
        let start = monotonicMicros()
        while cycles < o.count {
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            var items: [(id: String, dueAt: Int64)] = []
            let t0 = monotonicMicros()
            try db.begin()
            for _ in 0..<cycleDequeues {
                let first = items.count
                for priority in stride(from: 10, through: 1, by: -1) where items.count - first < cycleBatch {
                    due.bind("bench", at: 1)
                    due.bind(priority, at: 2)
                    due.bind(now, at: 3)
                    due.bind(cycleBatch - (items.count - first), at: 4)
                    try due.forEachRow { items.append(($0.string(0), $0.int64(3))) }
                }
                for item in items[first...] {
                    let token = String(UInt64.random(in: 0...UInt64.max), radix: 16)
                    lease.bind(item.id, at: 1)
                    lease.bind("QUEUED", at: 2)
                    lease.bind(now, at: 3)
                    lease.bind("w0", at: 4)
                    lease.bind(token, at: 5)
                    lease.bind(now + 60_000, at: 6)
                    lease.bind(1, at: 7)
                    lease.bind(now, at: 8)
                    try lease.run()
                    attempt.bind(item.id, at: 1)
                    attempt.bind(1, at: 2)
                    attempt.bind("bench", at: 3)
                    attempt.bind("w0", at: 4)
                    attempt.bind(item.id + "/1", at: 5)
                    attempt.bind(item.dueAt, at: 6)
                    attempt.bind(now, at: 7)
                    attempt.bindNull(at: 8)
                    attempt.bind(token, at: 9)
                    try attempt.run()
                }
            }
            try db.commit()
            let t1 = monotonicMicros()
            lat.add(t1 - t0)
            guard !items.isEmpty else { break }
            try db.begin()
            for item in items {
                load.bind(item.id, at: 1)
                load.bind("bench", at: 2)
                _ = try load.firstRow { $0.string(0) }
                published.bind(item.id, at: 1)
                published.bind(now, at: 2)
                try published.run()
                close.bind(item.id, at: 1)
                close.bind(1, at: 2)
                close.bind(now, at: 3)
                close.bind("COMPLETED", at: 4)
                close.bindNull(at: 5)
                close.bind("COMPLETE", at: 6)
                close.bindNull(at: 7)
                try close.run()
                done.bind(item.id, at: 1)
                done.bind("TWITTER", at: 2)
                done.bind("COMPLETED", at: 3)
                done.bind("PUBLISHED", at: 4)
                done.bind(now, at: 5)
                for i: Int32 in 6...8 { done.bindNull(at: i) }
                done.bind(now, at: 9)
                try done.run()
            }
            try db.commit()
            lat.add(monotonicMicros() - t1)
            cycles += items.count
        }
        let elapsed = (monotonicMicros() - start) / 1_000_000
        return BenchResult(
            scenario: "floor-cycle", opsPerSec: Double(cycles) / elapsed, p50: lat.percentile(0.5),
            p99: lat.percentile(0.99), extra: [("batch", Double(cycleBatch))])
    }

    /// A 30-character id shaped like the store's (`sch_` + 26 characters, time first), so the
    /// primary key's b-tree grows the same way.
    static func ulidLike(time: Int64, sequence: Int) -> String {
        let t = String(time, radix: 32, uppercase: true)
        let s = String(sequence, radix: 32, uppercase: true)
        return "sch_" + String(repeating: "0", count: max(0, 10 - t.count)) + t
            + String(repeating: "0", count: max(0, 16 - s.count)) + s
    }
}
