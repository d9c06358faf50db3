import SQLite
import ScheduleStore
import SchedulingCore
import Testing

@Suite("Cancel, pause, resume, batches, publishNow, reschedule")
struct LifecycleOpsTests {
    @Test(arguments: StoreBackend.all) func pauseResumeCancelFollowTheTransitionTable(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await f.add()
        var x = try await f.store.pause(projectID: "p1", scheduleID: s.id)
        #expect(x.queueStatus == .paused)
        #expect(try await f.store.dequeue(DequeueRequest(projectID: "p1", workerID: "w")).isEmpty, "paused is not due")
        let e1 = await storeError { _ = try await f.store.pause(projectID: "p1", scheduleID: s.id) }
        #expect(e1?.code == .failedPrecondition && e1?.currentState?.queue == .paused)
        x = try await f.store.resume(projectID: "p1", scheduleID: s.id)
        #expect(x.queueStatus == .pending)
        let e2 = await storeError { _ = try await f.store.resume(projectID: "p1", scheduleID: s.id) }
        #expect(e2?.currentState?.queue == .pending)
        x = try await f.store.cancel(projectID: "p1", scheduleID: s.id)
        #expect(x.queueStatus == .cancelled && x.status == .cancelled)
        let e3 = await storeError { _ = try await f.store.pause(projectID: "p1", scheduleID: s.id) }
        #expect(e3?.message.contains("CANCELLED") == true)
        let e4 = await storeError { _ = try await f.store.cancel(projectID: "p1", scheduleID: "sch_nope") }
        #expect(e4?.code == .notFound)
    }

    @Test(arguments: StoreBackend.all) func pausingOrCancellingAQueuedItemRevokesItsLease(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await f.add()
        let lease = try #require(try await f.store.dequeue(DequeueRequest(projectID: "p1", workerID: "w")).first)
        let p = try await f.store.pause(projectID: "p1", scheduleID: s.id)
        #expect(p.leaseOwner == nil)
        let e = await storeError {
            _ = try await f.store.markProcessing(projectID: "p1", scheduleID: s.id, leaseToken: lease.token)
        }
        #expect(e?.code == .failedPrecondition)
    }

    @Test(arguments: StoreBackend.all) func processingCannotBeCancelledPausedEditedOrPublishedNow(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await f.add()
        let lease = try #require(try await f.store.dequeue(DequeueRequest(projectID: "p1", workerID: "w")).first)
        _ = try await f.store.markProcessing(projectID: "p1", scheduleID: s.id, leaseToken: lease.token)
        for op in [
            { _ = try await f.store.cancel(projectID: "p1", scheduleID: s.id) },
            { _ = try await f.store.pause(projectID: "p1", scheduleID: s.id) },
            { _ = try await f.store.update(UpdateRequest(projectID: "p1", scheduleID: s.id, priority: 2)) },
            { _ = try await f.store.publishNow(projectID: "p1", scheduleID: s.id) },
            { _ = try await f.store.reschedule(projectID: "p1", scheduleID: s.id, to: .instant(t0)) },
        ] as [() async throws -> Void] {
            let e = await storeError(op)
            #expect(e?.code == .failedPrecondition)
            #expect(e?.currentState?.queue == .processing)
        }
    }

    @Test(arguments: StoreBackend.all) func batchesChangeWhatTheyCanAndCount(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        var ids: [String] = []
        for i in 0..<4 { ids.append(try await f.add(minutes: Int64(i * 10)).id) }
        _ = try await f.store.cancel(projectID: "p1", scheduleID: ids[3])
        #expect(try await f.store.batchPause(projectID: "p1", scheduleIDs: ids + ["sch_missing"]) == 3)
        #expect(try await f.store.batchPause(projectID: "p1", scheduleIDs: ids) == 0)
        #expect(try await f.store.batchResume(projectID: "p1", scheduleIDs: [ids[0], ids[1]]) == 2)
        #expect(try await f.store.batchCancel(projectID: "p1", scheduleIDs: ids) == 3)
        #expect(
            try await f.store.batchCancel(projectID: "p2", scheduleIDs: ids) == 0, "other projects' ids are not found")
        let e = await storeError { _ = try await f.store.batchPause(projectID: "p1", scheduleIDs: []) }
        #expect(e?.field == "scheduleIDs")
        let stats = try await f.store.queueStats(projectID: "p1")
        #expect(stats.cancelled == 4)
    }

    @Test(arguments: StoreBackend.all) func batchesReportTheSkippedIDsOnceInRequestOrder(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        var ids: [String] = []
        for i in 0..<4 { ids.append(try await f.add(minutes: Int64(i * 10)).id) }
        let other = try await f.add("p2", minutes: 100).id
        _ = try await f.store.cancel(projectID: "p1", scheduleID: ids[3])

        // Missing, another project's, a cancelled one, and repeats (of a changed and a skipped id).
        let paused = try await f.store.batch(
            .pause, projectID: "p1",
            scheduleIDs: ["sch_missing", ids[0], ids[3], ids[1], other, ids[0], "sch_missing", ids[2]])
        #expect(paused == BatchResult(affected: 3, skippedIDs: ["sch_missing", ids[3], other]))
        #expect(try await f.store.get(projectID: "p2", scheduleID: other).queueStatus == .pending)

        // Already paused: every id is skipped, and nothing changes.
        #expect(try await f.store.batch(.pause, projectID: "p1", scheduleIDs: [ids[1], ids[0]])
            == BatchResult(affected: 0, skippedIDs: [ids[1], ids[0]]))
        // Resume applies only to PAUSED schedules.
        #expect(try await f.store.batch(.resume, projectID: "p1", scheduleIDs: [ids[3], ids[0], ids[0]])
            == BatchResult(affected: 1, skippedIDs: [ids[3]]))
        // Cancel applies to pending and paused alike; the cancelled one is skipped.
        #expect(try await f.store.batch(.cancel, projectID: "p1", scheduleIDs: ids)
            == BatchResult(affected: 3, skippedIDs: [ids[3]]))
        // The count-only forms keep counting the same way.
        #expect(try await f.store.batchCancel(projectID: "p1", scheduleIDs: ids + ids) == 0)
    }

    @Test(arguments: StoreBackend.all) func publishNowMakesItDueAndIsRefusedWhenCompleted(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await f.add(minutes: 600)
        f.clock.advance(seconds: 42)
        let p = try await f.store.publishNow(projectID: "p1", scheduleID: s.id)
        #expect(p.scheduledFor == t0.adding(seconds: 42) && p.queueStatus == .pending)
        let lease = try #require(try await f.store.dequeue(DequeueRequest(projectID: "p1", workerID: "w")).first)
        #expect(lease.schedule.id == s.id)
        _ = try await f.store.complete(projectID: "p1", scheduleID: s.id, leaseToken: lease.token)
        let e = await storeError { _ = try await f.store.publishNow(projectID: "p1", scheduleID: s.id) }
        #expect(e?.code == .failedPrecondition && e?.currentState?.queue == .completed)
    }

    @Test(arguments: StoreBackend.all) func publishNowAndRescheduleReviveFailedItems(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await f.add { $0.maxRetries = 0 }
        let lease = try #require(try await f.store.dequeue(DequeueRequest(projectID: "p1", workerID: "w")).first)
        _ = try await f.store.fail(projectID: "p1", scheduleID: s.id, leaseToken: lease.token, error: "x")
        let r = try await f.store.reschedule(projectID: "p1", scheduleID: s.id, to: .instant(t0.adding(seconds: 7200)))
        #expect(r.schedule.queueStatus == .pending && r.schedule.status == .scheduled)
        #expect(r.schedule.scheduledFor == t0.adding(seconds: 7200))
        #expect(r.schedule.retryCount == 0 && r.schedule.failureReason == nil)
        #expect(r.schedule.localTime == LocalDateTime(year: 2030, month: 1, day: 7, hour: 14))
        // Rescheduling onto a full slot is refused with the conflicts, or moved with autoResolve.
        for i in 0..<5 {
            _ = try await f.store.enqueue(
                EnqueueRequest(
                    projectID: "p1", contentID: "busy\(i)", time: .instant(t0.adding(seconds: 86_400)),
                    platforms: ["twitter"]))
        }
        let e = await storeError {
            _ = try await f.store.reschedule(
                projectID: "p1", scheduleID: s.id, to: .instant(t0.adding(seconds: 86_400)))
        }
        #expect(e?.conflicts.isEmpty == false)
        let moved = try await f.store.reschedule(
            projectID: "p1", scheduleID: s.id, to: .instant(t0.adding(seconds: 86_400)), autoResolve: true)
        #expect(moved.adjustedTime == t0.adding(seconds: 86_400 + 900))
    }

    @Test(arguments: StoreBackend.all) func rescheduleReadsALocalTimeInTheGivenZoneAndKeepsIt(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await f.add()
        #expect(s.timeZone == "UTC")
        let nine = LocalDateTime(year: 2030, month: 1, day: 8, hour: 9)!
        let r = try await f.store.reschedule(projectID: "p1", scheduleID: s.id, to: .local(nine), timeZone: "Asia/Tokyo")
        #expect(r.schedule.timeZone == "Asia/Tokyo")
        #expect(r.schedule.localTime == nine)
        #expect(r.schedule.scheduledFor == Instant(iso8601: "2030-01-08T00:00:00Z"))
        // Without a zone the schedule's own (now Tokyo) is used.
        let again = try await f.store.reschedule(projectID: "p1", scheduleID: s.id, to: .local(LocalDateTime(year: 2030, month: 1, day: 9, hour: 9)!))
        #expect(again.schedule.scheduledFor == Instant(iso8601: "2030-01-09T00:00:00Z"))
        let e = await storeError {
            _ = try await f.store.reschedule(projectID: "p1", scheduleID: s.id, to: .local(nine), timeZone: "Mars/Olympus")
        }
        #expect(e?.field == "timeZone")
        #expect(try await f.store.get(projectID: "p1", scheduleID: s.id).timeZone == "Asia/Tokyo", "nothing half-written")
    }

    @Test(arguments: StoreBackend.all) func aCancellationsReasonIsKeptOnTheScheduleAndItsAttempt(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let queued = try await f.add(minutes: -10)
        let lease = try #require(try await f.store.dequeue(DequeueRequest(projectID: "p1", workerID: "w")).first)
        #expect(lease.schedule.id == queued.id)
        let c = try await f.store.cancel(projectID: "p1", scheduleID: queued.id, reason: "duplicate post")
        #expect(c.queueStatus == .cancelled && c.failureReason == "cancelled: duplicate post")
        let history = try await f.store.history(projectID: "p1", scheduleID: queued.id)
        #expect(history.last?.outcome == "CANCELLED" && history.last?.error == "duplicate post")

        let a = try await f.add(minutes: 60)
        let b = try await f.add(minutes: 120)
        let r = try await f.store.batch(.cancel, projectID: "p1", scheduleIDs: [a.id, b.id], reason: "campaign dropped")
        #expect(r.affected == 2)
        #expect(try await f.store.get(projectID: "p1", scheduleID: b.id).failureReason == "cancelled: campaign dropped")
        // No reason, no failure reason; an oversized one is refused before anything changes.
        let d = try await f.add(minutes: 180)
        #expect(try await f.store.cancel(projectID: "p1", scheduleID: d.id).failureReason == nil)
        let e5 = try await f.add(minutes: 240)
        let e = await storeError {
            _ = try await f.store.cancel(
                projectID: "p1", scheduleID: e5.id, reason: String(repeating: "r", count: StoreLimits.maxTextBytes + 1))
        }
        #expect(e?.field == "reason")
        #expect(try await f.store.get(projectID: "p1", scheduleID: e5.id).queueStatus == .pending)
        // The longest reason accepted still fits the text limit once stored, so every reader
        // (the wire included) can read the schedule back.
        let longest = String(repeating: "r", count: StoreLimits.maxTextBytes - "cancelled: ".utf8.count)
        let cut = try await f.store.cancel(projectID: "p1", scheduleID: e5.id, reason: longest)
        #expect(cut.failureReason?.utf8.count == StoreLimits.maxTextBytes)
    }

    /// Zones that new requests may no longer name (`localtime`, `posixrules`, `Factory`) but an
    /// older database may hold: the schedule can still be updated, retried and rescheduled.
    @Test(arguments: StoreBackend.all) func aStoredZoneThatRequestsMayNoLongerNameStillWorks(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await f.add(minutes: -10) { $0.maxRetries = 2 }
        try f.execute("UPDATE schedules SET timezone = 'Factory' WHERE id = '\(s.id)'")
        let updated = try await f.store.update(UpdateRequest(projectID: "p1", scheduleID: s.id, priority: 7))
        #expect(updated.schedule.priority == 7 && updated.schedule.timeZone == "Factory")
        let lease = try #require(try await f.store.dequeue(DequeueRequest(projectID: "p1", workerID: "w")).first)
        let failed = try await f.store.fail(projectID: "p1", scheduleID: s.id, leaseToken: lease.token, error: "boom")
        #expect(failed.schedule.queueStatus == .pending && failed.schedule.retryCount == 1)
        _ = try await f.store.publishNow(projectID: "p1", scheduleID: s.id)
        // A request naming it is refused, naming the field it sent.
        let e = await storeError {
            _ = try await f.store.reschedule(
                projectID: "p1", scheduleID: s.id, to: .instant(t0.adding(seconds: 3600)), timeZone: "Factory")
        }
        #expect(e?.field == "timeZone")
        _ = try await f.store.reschedule(projectID: "p1", scheduleID: s.id, to: .instant(t0.adding(seconds: 3600)))
    }
}
