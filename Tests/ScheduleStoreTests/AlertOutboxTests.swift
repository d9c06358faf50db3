import Foundation
import ScheduleStore
import SchedulingCore
import Testing

/// The alert outbox, on both backends: alerts are written in the transaction of their event,
/// once per event (or per project, kind and window for thresholds), and claimed by one caller.
@Suite("Alert outbox")
struct AlertOutboxTests {
    static func alerting(_ rules: AlertRules = AlertRules()) -> (inout StoreConfiguration) -> Void {
        { $0.alerts.global = rules }
    }

    @Test(arguments: StoreBackend.all) func aScheduleThatFailsAfterItsLastRetryWritesOneAlert(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend, Self.alerting())
        let s = try await f.add { $0.maxRetries = 1; $0.retryDelaySeconds = 60 }
        var lease = try #require(try await f.store.dequeue(DequeueRequest(projectID: "p1", workerID: "w")).first)
        let first = try await f.store.fail(projectID: "p1", scheduleID: s.id, leaseToken: lease.token, error: "HTTP 503")
        if case .retryScheduled = first.outcome {} else { Issue.record("expected a retry, got \(String(describing: first.outcome))") }
        #expect(try await f.store.listAlerts(projectID: "p1", limit: 10).isEmpty)  // a retry is no alert
        f.clock.advance(seconds: 120)
        lease = try #require(try await f.store.dequeue(DequeueRequest(projectID: "p1", workerID: "w")).first)
        let last = try await f.store.fail(projectID: "p1", scheduleID: s.id, leaseToken: lease.token, error: "HTTP 503 again")
        #expect(last.outcome == .failed)
        // A repeat of the same Fail (its answer lost) writes nothing more.
        _ = try await f.store.fail(projectID: "p1", scheduleID: s.id, leaseToken: lease.token, error: "HTTP 503 again")
        let alerts = try await f.store.listAlerts(projectID: "p1", limit: 10)
        try #require(alerts.count == 1)
        let a = alerts[0]
        #expect(a.kind == .scheduleFailed && a.scheduleID == s.id && a.state == .pending && a.attempts == 0)
        #expect(a.id.hasPrefix("alr_") && a.createdAt == f.clock.now() && a.nextAttemptAt == f.clock.now())
        #expect(a.message.contains("HTTP 503 again"))
        let details = try JSONSerialization.jsonObject(with: Data(a.detailsJSON.utf8)) as? [String: Any]
        #expect(details?["error"] as? String == "HTTP 503 again" && details?["attempts"] as? Int == 2)
    }

    @Test(arguments: StoreBackend.all) func noAlertIsWrittenForAProjectWithoutRules(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend) { $0.alerts.projects["other"] = AlertRules() }
        let s = try await f.add()
        let lease = try #require(try await f.store.dequeue(DequeueRequest(projectID: "p1", workerID: "w")).first)
        _ = try await f.store.fail(projectID: "p1", scheduleID: s.id, leaseToken: lease.token, error: "no", retryable: false)
        #expect(try await f.store.listAlerts(projectID: "p1", limit: 10).isEmpty)
        #expect(try await f.store.claimAlerts(limit: 10, leaseSeconds: 30).isEmpty)
    }

    @Test(arguments: StoreBackend.all) func anAttemptHeldAsOutcomeUnknownWritesAnAlert(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend, Self.alerting())
        let s = try await f.add()
        let lease = try #require(
            try await f.store.dequeue(DequeueRequest(projectID: "p1", leaseSeconds: 30, workerID: "worker-7", start: true)).first)
        #expect(lease.schedule.id == s.id)
        f.clock.advance(seconds: 31)
        #expect(try await f.store.reapExpiredLeases().heldOutcomeUnknown == 1)
        #expect(try await f.store.reapExpiredLeases() == ReapResult())
        let alerts = try await f.store.listAlerts(projectID: "p1", limit: 10)
        try #require(alerts.count == 1)
        #expect(alerts[0].kind == .outcomeUnknown && alerts[0].scheduleID == s.id)
        #expect(alerts[0].detailsJSON.contains("\"worker\":\"worker-7\""))
    }

    @Test(arguments: StoreBackend.all) func aPlatformReachingItsThresholdAlertsOncePerHour(_ backend: StoreBackend) async throws {
        // REDDIT allows 10 an hour; alert at 70 %: the 7th post within an hour of a slot.
        let f = try StoreFixture(backend, Self.alerting(AlertRules(platformLimitFraction: 0.7)))
        for i in 0..<6 { try await f.add(minutes: Int64(i) * 5, platforms: ["reddit"]) }
        #expect(try await f.store.listAlerts(projectID: "p1", limit: 10).isEmpty)
        let seventh = try await f.add(minutes: 30, platforms: ["reddit", "twitter"])
        var alerts = try await f.store.listAlerts(projectID: "p1", limit: 10)
        try #require(alerts.count == 1)
        #expect(alerts[0].kind == .platformLimit && alerts[0].platform == "REDDIT" && alerts[0].scheduleID == seventh.id)
        #expect(alerts[0].detailsJSON.contains("\"count\":7") && alerts[0].detailsJSON.contains("\"limit\":10"))
        // The 8th in the same UTC hour: the condition persists, no second alert.
        try await f.add(minutes: 35, platforms: ["reddit"])
        #expect(try await f.store.listAlerts(projectID: "p1", limit: 10).count == 1)
        // The next hour's slot is another window.
        try await f.add(minutes: 65, platforms: ["reddit"])
        alerts = try await f.store.listAlerts(projectID: "p1", limit: 10)
        #expect(alerts.count == 2 && alerts.allSatisfy { $0.kind == .platformLimit })
    }

    @Test(arguments: StoreBackend.all) func anUpdateOrRescheduleIntoABusyHourAlertsToo(_ backend: StoreBackend) async throws {
        // REDDIT allows 10 an hour; alert at 70 %. Six REDDIT posts in t0's hour, six two hours on.
        let f = try StoreFixture(backend, Self.alerting(AlertRules(platformLimitFraction: 0.7)))
        for i in 0..<6 {
            try await f.add(minutes: Int64(i) * 5, platforms: ["reddit"])
            try await f.add(minutes: 120 + Int64(i) * 5, platforms: ["reddit"])
        }
        let moved = try await f.add(minutes: 600, platforms: ["reddit"])
        let widened = try await f.add(minutes: 150, platforms: ["twitter"])
        #expect(try await f.store.listAlerts(projectID: "p1", limit: 10).isEmpty)
        // An Update that changes neither its time nor its platforms checks nothing.
        _ = try await f.store.update(UpdateRequest(projectID: "p1", scheduleID: widened.id, priority: 7))
        #expect(try await f.store.listAlerts(projectID: "p1", limit: 10).isEmpty)
        // Rescheduled into t0's hour: the 7th REDDIT post within an hour of it.
        _ = try await f.store.reschedule(projectID: "p1", scheduleID: moved.id, to: .instant(t0.adding(seconds: 30 * 60)))
        var alerts = try await f.store.listAlerts(projectID: "p1", limit: 10)
        try #require(alerts.count == 1)
        #expect(alerts[0].kind == .platformLimit && alerts[0].platform == "REDDIT" && alerts[0].scheduleID == moved.id)
        #expect(alerts[0].detailsJSON.contains("\"count\":7"))
        // An Update that adds REDDIT to a post two hours on: the 7th there.
        _ = try await f.store.update(UpdateRequest(projectID: "p1", scheduleID: widened.id, platforms: ["twitter", "reddit"]))
        alerts = try await f.store.listAlerts(projectID: "p1", limit: 10)
        #expect(alerts.count == 2)
        #expect(alerts.contains { $0.kind == .platformLimit && $0.scheduleID == widened.id && $0.platform == "REDDIT" })
    }

    @Test(arguments: StoreBackend.all) func aDueBacklogAlertsOncePerWindow(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend) {
            $0.alerts.global = AlertRules(dueWaitingSeconds: 600)
            $0.alerts.thresholdWindowSeconds = 3600
        }
        try await f.add(minutes: 0)
        f.clock.advance(seconds: 599)
        #expect(try await f.store.recordBacklogAlerts(try await f.store.queueGauges(now: f.clock.now())) == 0)
        f.clock.advance(seconds: 1)
        #expect(try await f.store.recordBacklogAlerts(try await f.store.queueGauges(now: f.clock.now())) == 1)
        f.clock.advance(seconds: 60)
        #expect(try await f.store.recordBacklogAlerts(try await f.store.queueGauges(now: f.clock.now())) == 0)
        f.clock.advance(seconds: 3600)
        #expect(try await f.store.recordBacklogAlerts(try await f.store.queueGauges(now: f.clock.now())) == 1)
        let alerts = try await f.store.listAlerts(projectID: "p1", limit: 10)
        #expect(alerts.count == 2 && alerts.allSatisfy { $0.kind == .dueBacklog && $0.scheduleID == nil })
    }

    @Test(arguments: StoreBackend.all) func claimsLeaseAlertsAndRecordTheirResults(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend, Self.alerting())
        for minutes: Int64 in [0, 10] {
            let s = try await f.add(minutes: minutes)
            let lease = try #require(try await f.store.dequeue(DequeueRequest(projectID: "p1", workerID: "w")).first)
            _ = try await f.store.fail(projectID: "p1", scheduleID: s.id, leaseToken: lease.token, error: "x", retryable: false)
            f.clock.advance(seconds: 600)
        }
        let claimed = try await f.store.claimAlerts(limit: 10, leaseSeconds: 30)
        #expect(claimed.count == 2 && claimed.allSatisfy { $0.attempts == 1 })
        // Leased: another claim (another node) gets nothing until the lease ends.
        #expect(try await f.store.claimAlerts(limit: 10, leaseSeconds: 30).isEmpty)
        let (a, b) = (claimed[0], claimed[1])
        try await f.store.finishAlertDelivery(id: a.id, attempt: 1, result: .delivered)
        let retryAt = f.clock.now().adding(seconds: 5)
        try await f.store.finishAlertDelivery(id: b.id, attempt: 1, result: .retry(at: retryAt, error: "HTTP 500"))
        #expect(try await f.store.claimAlerts(limit: 10, leaseSeconds: 30).isEmpty)  // not due yet
        f.clock.advance(seconds: 5)
        let again = try await f.store.claimAlerts(limit: 10, leaseSeconds: 30)
        #expect(again.map(\.id) == [b.id] && again[0].attempts == 2 && again[0].lastError == "HTTP 500")
        // A late report of attempt 1 (its lease ran out, the alert was claimed again) is ignored.
        try await f.store.finishAlertDelivery(id: b.id, attempt: 1, result: .delivered)
        // An attempt killed before it reported: the alert comes back when its lease ends.
        f.clock.advance(seconds: 31)
        let third = try await f.store.claimAlerts(limit: 10, leaseSeconds: 30)
        #expect(third.map(\.id) == [b.id] && third[0].attempts == 3)
        try await f.store.finishAlertDelivery(id: b.id, attempt: 3, result: .gaveUp(error: "HTTP 410"))
        let listed = Dictionary(uniqueKeysWithValues: try await f.store.listAlerts(projectID: "p1", limit: 10).map { ($0.id, $0) })
        #expect(listed[a.id]?.state == .delivered && listed[a.id]?.deliveredAt == t0.adding(seconds: 1200))
        #expect(listed[b.id]?.state == .failed && listed[b.id]?.lastError == "HTTP 410" && listed[b.id]?.attempts == 3)
        #expect(try await f.store.claimAlerts(limit: 10, leaseSeconds: 30).isEmpty)
    }

    @Test(arguments: StoreBackend.all) func retentionDeletesOldAlertsOnceDeliveredOrGivenUpNeverPendingOnes(
        _ backend: StoreBackend
    ) async throws {
        let f = try StoreFixture(backend, Self.alerting())
        for minutes: Int64 in [0, 10, 20] {
            let s = try await f.add(minutes: minutes)
            let lease = try #require(try await f.store.dequeue(DequeueRequest(projectID: "p1", workerID: "w")).first)
            _ = try await f.store.fail(projectID: "p1", scheduleID: s.id, leaseToken: lease.token, error: "x", retryable: false)
            f.clock.advance(seconds: 600)
        }
        let claimed = try await f.store.claimAlerts(limit: 10, leaseSeconds: 30)
        #expect(claimed.count == 3)
        try await f.store.finishAlertDelivery(id: claimed[0].id, attempt: 1, result: .delivered)
        try await f.store.finishAlertDelivery(id: claimed[1].id, attempt: 1, result: .gaveUp(error: "HTTP 410"))
        try await f.store.finishAlertDelivery(
            id: claimed[2].id, attempt: 1, result: .retry(at: f.clock.now().adding(seconds: 86_400 * 60), error: "HTTP 503"))
        // Not old enough yet: nothing goes.
        #expect(try await f.store.purgeAlerts(olderThan: t0, limit: 1000) == 0)
        f.clock.advance(seconds: 86_400 * 31)
        let cutoff = f.clock.now().adding(seconds: -86_400 * 30)
        #expect(try await f.store.purgeAlerts(olderThan: cutoff, limit: 1000) == 2)
        let left = try await f.store.listAlerts(projectID: "p1", limit: 10)
        #expect(left.map(\.id) == [claimed[2].id] && left[0].state == .pending, "a PENDING alert is kept whatever its age")
        #expect(try await f.store.purgeAlerts(olderThan: cutoff, limit: 1000) == 0)
    }

    @Test(arguments: StoreBackend.all) func anAlertSurvivesAReopenOfTheStore(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend, Self.alerting())
        let s = try await f.add()
        let lease = try #require(try await f.store.dequeue(DequeueRequest(projectID: "p1", workerID: "w")).first)
        _ = try await f.store.fail(projectID: "p1", scheduleID: s.id, leaseToken: lease.token, error: "x", retryable: false)
        try f.reopen()
        let claimed = try await f.store.claimAlerts(limit: 10, leaseSeconds: 30)
        #expect(claimed.count == 1 && claimed[0].scheduleID == s.id)
    }
}
