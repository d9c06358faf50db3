import Foundation
import Logging
import ScheduleStore
import SchedulerClient
import SchedulerServer
import SchedulingCore
import Testing
import WireProtocol

/// The maintenance engine's retention step, against a real server's store.
@Suite("End to end: retention in the maintenance engine", .timeLimit(.minutes(3)))
struct RetentionEndToEndTests {
    @Test("the engine deletes finished schedules after 30 days and daily metrics after 400; 0 keeps them")
    func engineRetention() async throws {
        let e = try E2E()
        let c = try e.client()
        let s = try await c.enqueue(enqueueRequest("old", at: "2026-03-01T13:00:00")).schedule
        _ = try await c.cancel(projectID: "blog", scheduleID: s.id)
        _ = try await e.store.rollupMetrics(day: e.clock.now(), projectIDs: ["blog"])

        var keep = MaintenanceEngine.Configuration()
        keep.finishedRetentionSeconds = 0
        keep.metricsRetentionSeconds = 0
        let keeper = MaintenanceEngine(store: e.store, configuration: keep, clock: e.clock, logger: Logger(label: "t"))

        e.clock.advance(seconds: 30 * 86_400)
        #expect(try await e.engine.runOnce(forceRetention: true).purged.schedules == 0, "30 days: not yet")
        // Its time (13:00) and its cancel (12:00) are both more than 30 days ago now.
        e.clock.advance(seconds: 2 * 3600)
        #expect(try await keeper.runOnce(forceRetention: true).purged.schedules == 0, "0 keeps forever")
        let pass = try await e.engine.runOnce(forceRetention: true)
        #expect(pass.purged.schedules == 1 && pass.purged.reachedEnd)
        await #expect {
            _ = try await c.get(projectID: "blog", scheduleID: s.id)
        } throws: { ($0 as? SchedulerError)?.code == .notFound }

        e.clock.advance(seconds: 370 * 86_400)
        #expect(try await keeper.runOnce(forceRetention: true).purgedMetrics == 0)
        #expect(try await e.engine.runOnce(forceRetention: true).purgedMetrics == 1)
        await e.shutdown()
    }
}
