import CoreMetrics
import MetricsTestKit
import SQLite
import SchedulingCore
import Testing

@testable import ScheduleStore

@Suite("Metrics: queue gauges read at scrape time, the writer's batch metrics")
struct QueueGaugesTests {
    @Test(arguments: StoreBackend.all) func depthDueBacklogAndOldestDuePerExistingProject(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        #expect(try await f.store.queueGauges(now: f.clock.now()).projects.isEmpty)
        let a = try await f.add("blog", minutes: 0)
        _ = try await f.add("blog", minutes: 10)
        _ = try await f.add("blog", minutes: 20)
        let later = try await f.add("blog", minutes: 600)
        _ = try await f.add("news", minutes: 30)
        _ = try await f.store.pause(projectID: "blog", scheduleID: later.id)
        f.clock.advance(seconds: 25 * 60)  // blog's 0, 10 and 20 are due; news's 30 is not

        let leased = try await f.store.dequeue(DequeueRequest(projectID: "blog", limit: 1, leaseSeconds: 60, workerID: "w"))
        #expect(leased.map(\.schedule.id) == [a.id])
        let g = try await f.store.queueGauges(now: f.clock.now())
        #expect(g.projects.map(\.projectID) == ["blog", "news"])
        let blog = g.projects[0], news = g.projects[1]
        #expect(blog.depth == [.pending: 2, .queued: 1, .paused: 1])
        #expect(blog.dueBacklog == 2)
        #expect(blog.oldestDue == t0.adding(seconds: 600))
        #expect(blog.oldestDueAgeSeconds(at: f.clock.now()) == 15 * 60)
        #expect(news.depth == [.pending: 1] && news.dueBacklog == 0 && news.oldestDue == nil)
        #expect(news.oldestDueAgeSeconds(at: f.clock.now()) == 0)
        #expect((g.databaseBytes ?? 0) > 0)
        #expect(g.walBytes != nil || f.backend == .postgres, "PostgreSQL's WAL is the server's, not the store's")

        // Finished items leave the queue; the project still exists, with zero depth.
        _ = try await f.store.complete(projectID: "blog", scheduleID: a.id, leaseToken: leased[0].token)
        for s in try await f.store.list(ListRequest(projectID: "news")).items {
            _ = try await f.store.cancel(projectID: "news", scheduleID: s.id)
        }
        let after = try await f.store.queueGauges(now: f.clock.now())
        #expect(after.projects.map(\.projectID) == ["blog", "news"])
        #expect(after.projects[0].depth == [.pending: 2, .paused: 1])
        #expect(after.projects[1].depth.isEmpty && after.projects[1].dueBacklog == 0)
    }

    @Test(arguments: StoreBackend.all) func anItemPastItsWindowIsNotDue(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        _ = try await f.add { $0.expiryWindowSeconds = 600 }
        f.clock.advance(seconds: 300)
        #expect(try await f.store.queueGauges(now: f.clock.now()).projects.map(\.dueBacklog) == [1])
        f.clock.advance(seconds: 301)  // the reaper has not run yet: still PENDING, but missed
        let g = try await f.store.queueGauges(now: f.clock.now())
        #expect(g.projects[0].depth == [.pending: 1] && g.projects[0].dueBacklog == 0 && g.projects[0].oldestDue == nil)
    }

    @Test func queueGaugeQueriesSearchAnIndexAndNeverScanTheTable() async throws {
        let f = try StoreFixture()
        _ = try await f.add()
        let db = try Connection(path: f.path, mode: .readOnly)
        defer { try? db.close() }
        for sql in [QueueGaugeQueries.nextProject, QueueGaugeQueries.depth, QueueGaugeQueries.due] {
            var details: [String] = []
            try db.prepare("EXPLAIN QUERY PLAN " + sql).forEachRow { details.append($0.string(3)) }
            #expect(details.contains { $0.hasPrefix("SEARCH") }, "\(sql): \(details)")
            #expect(!details.contains { $0.hasPrefix("SCAN") }, "\(sql): \(details)")
        }
    }

    @Test func theWriterRecordsEachBatchSizeAndCommitLatency() async throws {
        let metrics = TestMetrics()
        let f = try StoreFixture { $0.metrics = StoreMetrics(factory: metrics) }
        _ = try await f.add(minutes: 0)
        _ = try await f.add(minutes: 10)
        let sizes = try metrics.expectRecorder(StoreMetrics.Name.commitBatchSize)
        let durations = try metrics.expectTimer(StoreMetrics.Name.commitDuration)
        // Opening the store may commit too (the occupancy load): count from the enqueues' batches.
        #expect(sizes.values.count >= 2 && sizes.values.allSatisfy { $0 >= 1 })
        #expect(durations.values.count == sizes.values.count && durations.values.allSatisfy { $0 > 0 })
        #expect(try metrics.expectCounter(StoreMetrics.Name.commitFailures).totalValue == 0)
    }
}
