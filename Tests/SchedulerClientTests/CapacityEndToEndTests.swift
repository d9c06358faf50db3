import Foundation
import SchedulerClient
import SchedulerServer
import SchedulingCore
import Testing
import WireProtocol

/// The capacity limit over TLS: RESOURCE_EXHAUSTED naming the limit and the count, batch items
/// refused one by one, and Stats showing the usage against the limit.
@Suite("End to end: per-project capacity", .timeLimit(.minutes(3)))
struct CapacityEndToEndTests {
    typealias S = V1.Scheduler

    @Test("an Enqueue past the project's limit is RESOURCE_EXHAUSTED naming the limit and the count")
    func enqueuePastTheLimit() async throws {
        let e = try E2E(store: { $0.maxPendingOverrides = ["blog": 2] })
        let c = try e.client(retries: 1)
        _ = try await c.enqueue(enqueueRequest("one", at: "2026-03-02T09:00:00"))
        _ = try await c.enqueue(enqueueRequest("two", at: "2026-03-02T10:00:00"))
        await #expect {
            _ = try await c.enqueue(enqueueRequest("three", at: "2026-03-02T11:00:00"))
        } throws: { error in
            guard let s = error as? SchedulerError else { return false }
            return s.code == .resourceExhausted && s.message.contains("2 pending schedules")
                && s.message.contains("limit of 2")
        }
        // In a batch, the items past the limit get their own error; the project's other
        // schedules and other projects are unaffected.
        let news = try e.client(token: e.adminToken, retries: 1)
        let batch = try await news.call(
            S.EnqueueBatch.self,
            V1.EnqueueBatchRequest(items: [
                enqueueRequest("n1", at: "2026-03-02T12:00:00", project: "news"),
                enqueueRequest("four", at: "2026-03-02T12:00:00"),
            ]))
        #expect(batch.results[0].created != nil)
        #expect(batch.results[1].error?.code == .resourceExhausted)
        #expect(batch.results[1].error?.message.contains("limit of 2") == true)

        let stats = try await c.stats(V1.StatsRequest(projectID: "blog"))
        #expect(stats.pendingSchedules == 2 && stats.maxPendingSchedules == 2)
        let newsStats = try await news.stats(V1.StatsRequest(projectID: "news"))
        #expect(newsStats.pendingSchedules == 1 && newsStats.maxPendingSchedules == 0)
        await e.shutdown()
    }
}
