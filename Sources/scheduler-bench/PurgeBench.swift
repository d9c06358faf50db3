import Foundation
import SQLite
import ScheduleStore
import SchedulingCore
import Synchronization

/// `scheduler-bench store purge`: what retention costs the writers. A database holds `finished`
/// old COMPLETED schedules (each with a platform row, an attempt and a result, all from 2020);
/// 64 callers enqueue `count` schedules once with nothing else running (the baseline), then
/// again while a purge loop deletes the old rows `purgeBatch` at a time, as the maintenance
/// engine does (pausing `pauseMilliseconds` between calls, as the engine's
/// `retentionPauseMilliseconds`). The result is the second phase's enqueue latency, with the baseline's and the
/// purge's rate beside it.
enum PurgeBench {
    static func run(_ o: BenchOptions, finished: Int, purgeBatch: Int, pauseMilliseconds: Int) async throws -> BenchResult {
        try Scenarios.createSchema(o.path)
        try fillFinished(o.path, count: finished)
        let store = try Scenarios.open(o)
        defer { store.close() }
        let baseline = try await enqueueLoad(store, o, offset: 0)
        let stop = Mutex(false)
        let cutoff = SystemClock().now().adding(seconds: -30 * 86_400)
        let purgeStart = monotonicMicros()
        let purger = Task { () throws -> (rows: Int, calls: Int, seconds: Double) in
            var rows = 0
            var calls = 0
            while !stop.withLock({ $0 }) {
                let r = try await store.purgeFinished(olderThan: cutoff, limit: purgeBatch)
                rows += r.schedules
                calls += 1
                if r.reachedEnd { break }
                if pauseMilliseconds > 0 { try await Task.sleep(for: .milliseconds(pauseMilliseconds)) }
            }
            return (rows, calls, (monotonicMicros() - purgeStart) / 1_000_000)
        }
        let during = try await enqueueLoad(store, o, offset: o.count)
        stop.withLock { $0 = true }
        let purged = try await purger.value
        return BenchResult(
            scenario: "purge", opsPerSec: during.opsPerSec, p50: during.latencies.percentile(0.5),
            p99: during.latencies.percentile(0.99),
            extra: [
                ("baseline_ops_per_sec", baseline.opsPerSec.rounded()), ("baseline_p50_us", baseline.latencies.percentile(0.5)),
                ("baseline_p99_us", baseline.latencies.percentile(0.99)), ("purged", Double(purged.rows)),
                ("purge_calls", Double(purged.calls)), ("purged_per_sec", (Double(purged.rows) / purged.seconds).rounded()),
                ("purge_batch", Double(purgeBatch)), ("purge_pause_ms", Double(pauseMilliseconds)),
                ("finished_before", Double(finished)),
            ])
    }

    /// `o.callers` callers enqueue `o.count` schedules (as the enqueue scenario), numbered from `offset`.
    static func enqueueLoad(_ store: any SchedulingStore, _ o: BenchOptions, offset: Int) async throws
        -> (latencies: Latencies, opsPerSec: Double)
    {
        let callers = max(1, o.callers)
        let per = o.count / callers
        let start = monotonicMicros()
        let lat = try await withThrowingTaskGroup(of: Latencies.self) { group in
            for c in 0..<callers {
                group.addTask {
                    var l = Latencies()
                    l.samples.reserveCapacity(per)
                    for i in 0..<per {
                        let n = Int64(offset + i * callers + c)
                        let t0 = monotonicMicros()
                        _ = try await store.enqueue(
                            EnqueueRequest(
                                projectID: o.project(c), contentID: "c\(n)",
                                time: .instant(Scenarios.base.adding(seconds: n * 151)), timeZone: "Europe/Berlin",
                                platforms: o.platformList(Int(n)), priority: Int(n % 10) + 1))
                        l.add(monotonicMicros() - t0)
                    }
                    return l
                }
            }
            var all = Latencies()
            for try await l in group { all.merge(l) }
            return all
        }
        return (lat, Double(per * callers) / ((monotonicMicros() - start) / 1_000_000))
    }

    /// `count` COMPLETED schedules of 2020 in project "bench", each with one platform row, one
    /// attempt and one result: what a month of publishing leaves behind.
    static func fillFinished(_ path: String, count: Int) throws {
        let db = try SQLite.Connection(path: path)
        defer { try? db.close() }
        let t = "1580000000000 + n * 60000"
        try db.transaction {
            try db.execute(
                """
                WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < \(count))
                INSERT INTO schedules (id, content_id, project_id, scheduled_for, local_time, timezone, nominal_time,
                    platforms, published_platforms, priority, queue_status, status, published_at, attempt_count,
                    created_at, updated_at)
                SELECT printf('sch_old%010d', n), 'old' || n, 'bench', \(t),
                       strftime('%Y-%m-%dT%H:%M:%S', (\(t)) / 1000, 'unixepoch'), 'UTC', \(t), 'TWITTER', 'TWITTER',
                       5, 'COMPLETED', 'PUBLISHED', \(t) + 1000, 1, \(t) - 86400000, \(t) + 1000
                  FROM seq;
                WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < \(count))
                INSERT INTO schedule_platforms (schedule_id, platform, project_id, published_at, published_url)
                SELECT printf('sch_old%010d', n), 'TWITTER', 'bench', \(t) + 1000, 'https://t.example/' || n FROM seq;
                WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < \(count))
                INSERT INTO attempts (schedule_id, attempt, project_id, worker_id, idempotency_key, due_at, dequeued_at,
                    started_at, ended_at, outcome, lease_token, ended_by)
                SELECT printf('sch_old%010d', n), 1, 'bench', 'w1', printf('sch_old%010d/1', n), \(t), \(t), \(t),
                       \(t) + 1000, 'COMPLETED', 'tok' || n, 'COMPLETE' FROM seq;
                WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < \(count))
                INSERT INTO attempt_results (schedule_id, attempt, platform, success, url, reported_at)
                SELECT printf('sch_old%010d', n), 1, 'TWITTER', 1, 'https://t.example/' || n, \(t) + 1000 FROM seq;
                """)
        }
    }
}
