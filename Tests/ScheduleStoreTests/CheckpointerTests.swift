import Foundation
import MetricsTestKit
import SQLite
@testable import ScheduleStore
import Synchronization
import Testing

/// The WAL checkpointer: a background pass at idle priority, and a RESTART when the writer's
/// commits leave the WAL longer than the threshold.
@Suite("WAL checkpoints")
struct CheckpointerTests {
    /// A database the way the store's writer opens it, with the writer's WAL hook feeding
    /// `monitor` and recording every length it reports; each commit is followed, as in the
    /// store's writer, by the RESTART when the restart thread made it ready.
    final class Database {
        let dir: URL
        let config: StoreConfiguration
        let writer: Connection
        let monitor: WALMonitor
        let reported = Lengths()
        /// RESTARTs the commits ran.
        private(set) var restartsRun = 0

        init(monitor: WALMonitor, metrics: StoreMetrics = StoreMetrics()) throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("checkpointer-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            var config = StoreConfiguration(path: dir.appendingPathComponent("test.db").path)
            config.metrics = metrics
            self.config = config
            self.monitor = monitor
            writer = try Connection(path: config.path)
            try writer.execute(config.writerPragmas)
            try writer.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
            let reported = self.reported
            try writer.setWALHook { frames in
                reported.list.withLock { $0.append(frames) }
                monitor.committed(frames: frames)
            }
        }

        /// One transaction of `rows` rows of about 1 KB; then, unless `restarting` is false, the
        /// writer's RESTART when it is due.
        func commit(rows: Int, from k: Int, restarting: Bool = true) throws {
            try writer.transaction {
                let ins = try writer.cached("INSERT INTO t (k, v) VALUES (?1, ?2)")
                for i in 0..<rows {
                    ins.bind(k + i, at: 1)
                    ins.bind(String(repeating: "v", count: 1_000), at: 2)
                    try ins.run()
                }
            }
            if restarting, monitor.restartIfReady(on: writer, metrics: config.metrics) { restartsRun += 1 }
        }

        deinit {
            try? writer.close()
            try? FileManager.default.removeItem(at: dir)
        }
    }

    /// The lengths the WAL hook reported, in order.
    final class Lengths: Sendable {
        let list = Mutex<[Int]>([])
    }

    @Test func theBackgroundPassRunsAtIdlePriority() throws {
        let monitor = WALMonitor()
        let db = try Database(monitor: monitor)
        let checkpointer = try Checkpointer(config: db.config, monitor: monitor)
        defer { checkpointer.close() }
        #expect(checkpointer.passPolicy == 5, "SCHED_IDLE is 5; got \(checkpointer.passPolicy)")
    }

    /// A database whose WAL is restarted past 200 frames, with a checkpointer whose background
    /// pass is idle (an hour between passes), and the metrics the restarts are recorded in.
    private func restarting() throws -> (WALMonitor, TestMetrics, Database, Checkpointer) {
        let monitor = WALMonitor(restartAbovePages: 200)
        let metrics = TestMetrics()
        let db = try Database(monitor: monitor, metrics: StoreMetrics(factory: metrics))
        return (monitor, metrics, db, try Checkpointer(config: db.config, monitor: monitor, interval: .seconds(3_600)))
    }

    /// With the background pass idle (an hour between passes), only the restart can start the
    /// WAL over: the lengths the writer's commits report must drop back, again and again, and
    /// each RESTART's duration is recorded. (A commit may also start the WAL over by itself when
    /// a round has just copied all of it, as SQLite does: unrecorded, it stalls nobody.)
    @Test func aLongWALIsRestartedWhileTheWriterKeepsCommitting() throws {
        let (monitor, metrics, db, checkpointer) = try restarting()
        defer { checkpointer.close() }
        // Each commit adds ~10 frames; 3,000 commits would be 30,000 frames without restarts.
        var restarts = 0
        var longest = 0
        var k = 0
        let deadline = ContinuousClock.now + .seconds(20)
        while restarts < 3 && k < 60_000 && ContinuousClock.now < deadline {
            try db.commit(rows: 20, from: k)
            k += 20
            let r = db.reported.list.withLock { $0.suffix(2) }
            if r.count == 2, r[r.startIndex + 1] < r[r.startIndex] { restarts += 1 }
            longest = max(longest, r.last ?? 0)
        }
        #expect(restarts >= 3, "restarts seen in \(k / 20) commits: \(restarts); longest WAL \(longest) frames")
        #expect(monitor.frames == db.reported.list.withLock { $0.last })
        let rows = try db.writer.scalarInt64("SELECT count(*) FROM t")
        #expect(rows == Int64(k))
        // The writer runs each RESTART and records it before its next commit.
        let durations = try metrics.expectTimer(StoreMetrics.Name.walRestartDuration).values
        #expect(db.restartsRun >= 1 && durations.count == db.restartsRun, "\(durations) for \(db.restartsRun) RESTARTs")
        #expect(durations.allSatisfy { $0 > 0 })
    }

    /// The restart thread prepares a RESTART but never runs one: it could only take the write
    /// lock between two of the writer's transactions, and under a stream of them it waited while
    /// the WAL grew. The writer runs it, between transactions; the next commit then writes from
    /// the WAL's start.
    @Test func onlyTheWriterStartsTheWALOver() throws {
        let (monitor, metrics, db, checkpointer) = try restarting()
        defer { checkpointer.close() }
        // Commits without the writer's step: past the threshold (~10 frames a commit), the
        // restart thread is woken and copies the WAL in rounds, then says it is ready.
        var k = 0
        let deadline = ContinuousClock.now + .seconds(20)
        while !monitor.isReadyToRestart && ContinuousClock.now < deadline {
            try db.commit(rows: 1, from: k, restarting: false)
            k += 1
        }
        #expect(monitor.isReadyToRestart, "the restart thread never got ready in \(k) commits")
        // No RESTART ran. (A commit may still find the WAL copied to its end by a round and start
        // it over by itself, as SQLite does: that stalls nobody.)
        #expect(try metrics.expectTimer(StoreMetrics.Name.walRestartDuration).values.isEmpty)

        #expect(monitor.restartIfReady(on: db.writer, metrics: db.config.metrics))
        #expect(!monitor.isReadyToRestart && !monitor.restartRequested)
        try db.commit(rows: 1, from: k)
        #expect(try #require(db.reported.list.withLock { $0.last }) < 20, "the commit after the RESTART writes from the start")
        #expect(try metrics.expectTimer(StoreMetrics.Name.walRestartDuration).values.count == 1)
    }

    /// In the store, the writer runs the RESTART between its batches: with the smallest WAL
    /// limit (1 MiB: a restart past 442 frames of 2 KiB), EnqueueBatch calls start the WAL over
    /// and record it, and nothing written is lost.
    @Test func theStoresWriterStartsALongWALOver() async throws {
        let metrics = TestMetrics()
        let f = try StoreFixture {
            $0.walSizeLimitBytes = 1 << 20
            $0.metrics = StoreMetrics(factory: metrics)
        }
        let restarts = try metrics.expectTimer(StoreMetrics.Name.walRestartDuration)
        var stored = 0
        let deadline = ContinuousClock.now + .seconds(30)
        while restarts.values.isEmpty && stored < 20_000 && ContinuousClock.now < deadline {
            let items = (stored..<stored + 100).map { n in
                EnqueueRequest(
                    projectID: "p\(n % 4)", contentID: "c\(n)", time: .instant(t0.adding(seconds: Int64(n) * 600)),
                    platforms: ["twitter"])
            }
            let results = try await f.store.enqueueBatch(items)
            #expect(results.allSatisfy { (try? $0.get()) != nil })
            stored += items.count
        }
        #expect(!restarts.values.isEmpty, "no RESTART in \(stored) enqueues")
        var total = 0
        for p in 0..<4 { total += try await f.store.list(ListRequest(projectID: "p\(p)", limit: 1)).total }
        #expect(total == stored)
    }

    /// The restart threshold keeps the WAL within 7/8 of the size SQLite truncates it back to
    /// (a restart never has to truncate), for every page size SQLite allows.
    @Test func theRestartThresholdKeepsTheWALUnderItsSizeLimit() {
        let limit = StoreConfiguration(path: "").walSizeLimitBytes
        #expect(limit == 536_870_912)
        #expect(WALMonitor.restartThreshold(pageSize: 2048, walSizeLimitBytes: limit) == 226_719)
        #expect(WALMonitor.restartThreshold(pageSize: 4096, walSizeLimitBytes: limit) == 114_019)
        #expect(WALMonitor.restartThreshold(pageSize: 2048, walSizeLimitBytes: 134_217_728) == 56_679)
        for limit in [limit, 134_217_728, 1 << 20, 1 << 36] {
            for shift in 9...16 {
                let page = 1 << shift
                let frames = WALMonitor.restartThreshold(pageSize: page, walSizeLimitBytes: limit)
                #expect(frames >= 1)
                // The WAL header (32 bytes), then one frame header (24 bytes) and page per frame.
                #expect(32 + frames * (page + 24) <= limit / 8 * 7, "\(limit) B, \(page)-byte pages: \(frames) frames")
                #expect(32 + (frames + 2) * (page + 24) > limit / 8 * 7, "\(limit) B, \(page)-byte pages: not needlessly short")
            }
        }
        #expect(WALMonitor.restartThreshold(pageSize: 65_536, walSizeLimitBytes: 1_000) == 1)
    }

    @Test func closingStopsBothThreadsWithoutAPass() throws {
        let monitor = WALMonitor(restartAbovePages: 10)
        let db = try Database(monitor: monitor)
        let checkpointer = try Checkpointer(config: db.config, monitor: monitor, interval: .seconds(3_600))
        try db.commit(rows: 50, from: 0)  // past the threshold: the restart thread is woken
        checkpointer.close()  // returns: both threads saw the stop
        // Nothing checkpoints any more: from the next commit on (which may start the WAL over
        // after a restart that ran before the close), the WAL only grows.
        try db.commit(rows: 50, from: 50)
        let before = try #require(db.reported.list.withLock { $0.last })
        try db.commit(rows: 50, from: 100)
        let after = try #require(db.reported.list.withLock { $0.last })
        #expect(after > before)
    }
}
