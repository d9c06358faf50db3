import ScheduleStore
import SchedulingCore
import Testing

/// The worker protocol's decisions (docs/PROTOCOL.md, "Worker calls"): repeated calls under one
/// lease token, the lease-loss policy, times in the past, and the lease grace after a restart.
@Suite("Worker protocol decisions")
struct WorkerProtocolTests {
    func lease(_ f: StoreFixture, worker: String = "w1", seconds: Int64 = 60, start: Bool = false) async throws -> Lease {
        try #require(
            try await f.store.dequeue(
                DequeueRequest(projectID: "p1", limit: 1, leaseSeconds: seconds, workerID: worker, start: start)
            ).first)
    }

    @Test(arguments: StoreBackend.all) func aRepeatedCompleteReturnsTheOriginalResultWithTheSeriesNextOccurrence(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await f.add { $0.recurrence = .rrule("FREQ=DAILY;COUNT=3") }
        let l = try await lease(f, start: true)
        let done = try await f.store.complete(projectID: "p1", scheduleID: s.id, leaseToken: l.token)
        let next = try #require(done.nextOccurrence)
        f.clock.advance(seconds: 30)
        let again = try await f.store.complete(projectID: "p1", scheduleID: s.id, leaseToken: l.token)
        #expect(again == done, "the answer of the call that committed, not a stale-lease refusal")
        // Nothing was applied twice: one attempt, one follow-up.
        #expect(try await f.store.history(projectID: "p1", scheduleID: s.id).count == 1)
        let series = try await f.store.list(ListRequest(projectID: "p1", limit: 100))
        #expect(series.items.map(\.id).sorted() == [s.id, next.id].sorted())
        // The same token cannot now report a failure: that lease ended with Complete.
        let e = await storeError {
            _ = try await f.store.fail(projectID: "p1", scheduleID: s.id, leaseToken: l.token, error: "late")
        }
        #expect(e?.code == .failedPrecondition && e?.field == "leaseToken")
        #expect(e?.message.contains("already ended by Complete") == true)
    }

    /// Complete's `published_at_ms`: the worker's time is kept, within the attempt (not before the
    /// item went PROCESSING, not after the server's now); nil is now. Acknowledge's completes too.
    @Test(arguments: StoreBackend.all) func completeKeepsTheWorkersPublishedTimeWithinTheAttempt(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        // Reported 20 s after the start, 40 s before the Complete: kept as reported.
        let a = try await f.add { $0.contentID = "a" }
        let la = try await lease(f, start: true)
        let startedA = try #require(try await f.store.get(projectID: "p1", scheduleID: a.id).processingAt)
        f.clock.advance(seconds: 60)
        let at = startedA.adding(seconds: 20)
        let doneA = try await f.store.complete(
            projectID: "p1", scheduleID: a.id, leaseToken: la.token, results: [], publishedAt: at)
        #expect(doneA.schedule.publishedAt == at)
        #expect(try await f.store.get(projectID: "p1", scheduleID: a.id).publishedAt == at)
        // In the future (a worker clock running ahead): the server's now. Before the start: the start.
        let b = try await f.add { $0.contentID = "b" }
        let lb = try await lease(f, start: true)
        let doneB = try await f.store.complete(
            projectID: "p1", scheduleID: b.id, leaseToken: lb.token, results: [], publishedAt: f.clock.now().adding(seconds: 3600))
        #expect(doneB.schedule.publishedAt == f.clock.now())
        let c = try await f.add { $0.contentID = "c" }
        let lc = try await lease(f, start: true)
        let startedC = try #require(try await f.store.get(projectID: "p1", scheduleID: c.id).processingAt)
        f.clock.advance(seconds: 10)
        let doneC = try await f.store.complete(
            projectID: "p1", scheduleID: c.id, leaseToken: lc.token, results: [], publishedAt: startedC.adding(seconds: -3600))
        #expect(doneC.schedule.publishedAt == startedC)
        // Through Acknowledge, and nil: now.
        let d = try await f.add { $0.contentID = "d" }
        let ld = try await lease(f, start: true)
        let e = try await f.add { $0.contentID = "e" }
        let le = try await lease(f, start: true)
        f.clock.advance(seconds: 5)
        let acks = try await f.store.acknowledge([
            .complete(projectID: "p1", scheduleID: d.id, leaseToken: ld.token, results: [], publishedAt: f.clock.now().adding(seconds: -2)),
            .complete(projectID: "p1", scheduleID: e.id, leaseToken: le.token, results: []),
        ])
        #expect(try acks[0].get().schedule.publishedAt == f.clock.now().adding(seconds: -2))
        #expect(try acks[1].get().schedule.publishedAt == f.clock.now())
    }

    /// Dequeue carrying a worker's report: the items are applied first, in the same transaction,
    /// each answered as Acknowledge answers it, so a finished item frees its in-flight slot for the
    /// lease that follows; a refused item stops nothing; a refused lease rolls the report back.
    @Test(arguments: StoreBackend.all) func aDequeueCarriesTheReportOfFinishedItems(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let a = try await f.add { $0.contentID = "a" }
        let b = try await f.add { $0.contentID = "b" }
        let c = try await f.add { $0.contentID = "c" }
        let la = try await lease(f, start: true)
        let lb = try await lease(f, start: true)
        #expect(Set([la.schedule.id, lb.schedule.id]) == [a.id, b.id])
        let next = DequeueRequest(projectID: "p1", limit: 5, leaseSeconds: 60, workerID: "w1", maxInFlight: 2, start: true)
        // A lease the request cannot have (limit 0) refuses the whole call: the report is not applied.
        var bad = next
        bad.limit = 0
        let refused = await storeError {
            _ = try await f.store.dequeue(bad, acknowledging: [.complete(projectID: "p1", scheduleID: la.schedule.id, leaseToken: la.token, results: [])])
        }
        #expect(refused?.code == .invalidArgument && refused?.field == "limit")
        #expect(try await f.store.get(projectID: "p1", scheduleID: la.schedule.id).queueStatus == .processing)
        // Two in flight at the cap of 2: the completion frees a slot, so the same call leases c.
        let done = try await f.store.dequeue(
            next,
            acknowledging: [
                .complete(projectID: "p1", scheduleID: la.schedule.id, leaseToken: la.token, results: []),
                .fail(projectID: "p1", scheduleID: lb.schedule.id, leaseToken: "stale-token", results: [], error: "x", retryable: true),
            ])
        #expect(done.acknowledged.count == 2)
        #expect(try done.acknowledged[0].get().schedule.queueStatus == .completed)
        guard case .failure(let e) = done.acknowledged[1] else {
            Issue.record("a stale token must be refused")
            return
        }
        #expect(e.code == .failedPrecondition && e.field == "leaseToken")
        #expect(done.leases.map(\.schedule.id) == [c.id])
        #expect(try await f.store.get(projectID: "p1", scheduleID: lb.schedule.id).queueStatus == .processing)
        // The same report again is answered as the first; no report at all is a plain dequeue.
        let again = try await f.store.dequeue(
            next, acknowledging: [.complete(projectID: "p1", scheduleID: la.schedule.id, leaseToken: la.token, results: [])])
        #expect(try again.acknowledged[0].get() == done.acknowledged[0].get())
        #expect(again.leases.isEmpty)
        let plain = try await f.store.dequeue(next, acknowledging: [])
        #expect(plain.acknowledged.isEmpty && plain.leases.isEmpty, "b and c are in flight at the cap")
        #expect(try await f.store.history(projectID: "p1", scheduleID: la.schedule.id).count == 1)
    }

    @Test(arguments: StoreBackend.all) func aRepeatedFailReturnsTheOriginalDecision(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await f.add { $0.retryDelaySeconds = 60 }
        let l = try await lease(f, start: true)
        let first = try await f.store.fail(projectID: "p1", scheduleID: s.id, leaseToken: l.token, error: "rate limited")
        guard case .retryScheduled(let at, 1) = first.outcome else {
            Issue.record("expected a retry, got \(String(describing: first.outcome))")
            return
        }
        #expect(at == t0.adding(seconds: 60))
        f.clock.advance(seconds: 10)
        let again = try await f.store.fail(projectID: "p1", scheduleID: s.id, leaseToken: l.token, error: "rate limited")
        #expect(again == first)
        #expect(try await f.store.get(projectID: "p1", scheduleID: s.id).retryCount == 1, "not counted twice")
        let e = await storeError {
            _ = try await f.store.complete(projectID: "p1", scheduleID: s.id, leaseToken: l.token)
        }
        #expect(e?.message.contains("already ended by Fail") == true)

        // A permanent failure repeats as FAILED.
        f.clock.advance(seconds: 60)
        let second = try await lease(f, worker: "w2", start: true)
        let failed = try await f.store.fail(
            projectID: "p1", scheduleID: s.id, leaseToken: second.token, error: "banned", retryable: false)
        #expect(failed.outcome == .failed)
        #expect(try await f.store.fail(projectID: "p1", scheduleID: s.id, leaseToken: second.token, error: "x") == failed)
        // The first lease's token still names the first decision, not the later one.
        #expect(try await f.store.fail(projectID: "p1", scheduleID: s.id, leaseToken: l.token, error: "x").outcome == first.outcome)
    }

    @Test(arguments: StoreBackend.all) func aFencedOffWorkerIsStillRefused(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await f.add()
        let first = try await lease(f, seconds: 30)
        f.clock.advance(seconds: 31)
        let second = try await lease(f, worker: "w2")
        for call in ["start", "heartbeat", "complete", "fail"] {
            let e = await storeError {
                switch call {
                case "start": _ = try await f.store.markProcessing(projectID: "p1", scheduleID: s.id, leaseToken: first.token)
                case "heartbeat": _ = try await f.store.heartbeat(projectID: "p1", scheduleID: s.id, leaseToken: first.token)
                case "complete": _ = try await f.store.complete(projectID: "p1", scheduleID: s.id, leaseToken: first.token)
                default: _ = try await f.store.fail(projectID: "p1", scheduleID: s.id, leaseToken: first.token, error: "e")
                }
            }
            #expect(e?.code == .failedPrecondition, "\(call)")
            #expect(e?.message.contains("does not match the current lease") == true, "\(call)")
        }
        // A lease reaped mid-publish (outcome unknown) is not "ended by" its worker either.
        _ = try await f.store.markProcessing(projectID: "p1", scheduleID: s.id, leaseToken: second.token)
        f.clock.advance(seconds: 61)
        #expect(try await f.store.reapExpiredLeases().failed == 1)
        let late = await storeError {
            _ = try await f.store.complete(projectID: "p1", scheduleID: s.id, leaseToken: second.token)
        }
        #expect(late?.code == .failedPrecondition)
    }

    @Test(arguments: StoreBackend.all) func theLeaseLossPolicyIsSetOnEnqueueAndUpdate(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await f.add { $0.leaseLossPolicy = .retry }
        #expect(s.leaseLossPolicy == .retry)
        let l = try await lease(f, seconds: 30, start: true)
        f.clock.advance(seconds: 31)
        #expect(try await f.store.reapExpiredLeases().retried == 1)
        let retried = try await f.store.get(projectID: "p1", scheduleID: s.id)
        #expect(retried.queueStatus == .pending && retried.retryCount == 1)
        _ = l

        let updated = try await f.store.update(
            UpdateRequest(projectID: "p1", scheduleID: s.id, leaseLossPolicy: .holdOutcomeUnknown))
        #expect(updated.schedule.leaseLossPolicy == .holdOutcomeUnknown)
        try f.reopen()
        #expect(try await f.store.get(projectID: "p1", scheduleID: s.id).leaseLossPolicy == .holdOutcomeUnknown)
        // Leaving it out of an update keeps it.
        _ = try await f.store.update(UpdateRequest(projectID: "p1", scheduleID: s.id, priority: 7))
        #expect(try await f.store.get(projectID: "p1", scheduleID: s.id).leaseLossPolicy == .holdOutcomeUnknown)
    }

    @Test(arguments: StoreBackend.all) func aTimeInThePastIsAcceptedAndDueNowAndItsWindowCountsFromNow(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let hourAgo = t0.adding(seconds: -3600)
        let r = try await f.store.enqueue(
            EnqueueRequest(projectID: "p1", contentID: "c", time: .instant(hourAgo), platforms: ["twitter"]))
        #expect(r.pastDue && r.schedule.scheduledFor == hourAgo)
        #expect(try await lease(f).schedule.id == r.schedule.id, "due at once")
        let future = try await f.store.enqueue(
            EnqueueRequest(projectID: "p1", contentID: "c2", time: .instant(t0.adding(seconds: 60)), platforms: ["twitter"]))
        #expect(!future.pastDue)

        // Far beyond the one-off's 24 h window: still due now, and it does not expire at the
        // next maintenance pass (it used to, silently).
        let old = try await f.store.enqueue(
            EnqueueRequest(
                projectID: "p1", contentID: "c3", time: .local(try LocalDateTime.parse("2029-06-05T12:00:00")),
                platforms: ["twitter"]))
        #expect(old.pastDue)
        #expect(try await f.store.expireMissedWindows() == MissedWindowResult())
        // Its window (24 h) runs from now: a day later, never dequeued, it expires.
        f.clock.advance(seconds: 86_401)
        #expect(try await f.store.expireMissedWindows().expired >= 1)
        #expect(try await f.store.get(projectID: "p1", scheduleID: old.schedule.id).status == .expired)

        // A recurring series starting in the past: its first occurrence is due now, not skipped.
        let series = try await f.store.enqueue(
            EnqueueRequest(
                projectID: "p1", contentID: "c4", time: .instant(f.clock.now().adding(seconds: -7200)),
                platforms: ["twitter"], recurrence: .rrule("FREQ=DAILY")))
        #expect(series.pastDue)
        #expect(try await f.store.expireMissedWindows().skipped == 0)

        // Reschedule and update say so too.
        let later = try await f.add(minutes: 3 * 1440)
        let moved = try await f.store.reschedule(projectID: "p1", scheduleID: later.id, to: .instant(hourAgo))
        #expect(moved.pastDue)
        let back = try await f.store.update(
            UpdateRequest(projectID: "p1", scheduleID: later.id, time: .instant(t0.adding(seconds: 5 * 86_400))))
        #expect(!back.pastDue)
    }

    @Test(arguments: StoreBackend.all) func leasesThatRanOutWhileTheServerWasDownGetAGrace(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let a = try await f.add()
        let b = try await f.add(minutes: 10)
        f.clock.advance(seconds: 600)
        let started = try await lease(f, seconds: 60, start: true)
        let queued = try await lease(f, worker: "w2", seconds: 60)
        #expect(Set([started.schedule.id, queued.schedule.id]) == [a.id, b.id])
        // The server is down for ten minutes; at start-up the leases get 60 s from now.
        f.clock.advance(seconds: 600)
        try f.reopen()
        #expect(try await f.store.extendLeases(until: f.clock.now().adding(seconds: 60)) == 2)
        #expect(try await f.store.reapExpiredLeases() == ReapResult(), "the reaper waits for the grace")
        // The worker reconnects and reports with its token.
        let done = try await f.store.complete(projectID: "p1", scheduleID: started.schedule.id, leaseToken: started.token)
        #expect(done.schedule.queueStatus == .completed)
        // The other worker never comes back: after the grace the item returns to the queue.
        f.clock.advance(seconds: 61)
        #expect(try await f.store.reapExpiredLeases().released == 1)
        #expect(try await f.store.get(projectID: "p1", scheduleID: queued.schedule.id).queueStatus == .pending)
    }

    @Test(arguments: StoreBackend.all) func anItemPastItsMissedPublishWindowIsNeverHandedOutBeforeTheMaintenancePass(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        // A daily series that started two days ago: its start is due now (accepted in the past),
        // and the follow-up its completion creates (yesterday's slot) is already past its 1 h
        // catch-up window.
        let start = t0.adding(seconds: -2 * 86_400)
        let s = try await f.store.enqueue(
            EnqueueRequest(
                projectID: "p1", contentID: "daily", time: .instant(start), platforms: ["twitter"],
                recurrence: .rrule("FREQ=DAILY")))
        let l = try await lease(f, start: true)
        #expect(l.schedule.id == s.schedule.id)
        let done = try await f.store.complete(projectID: "p1", scheduleID: s.schedule.id, leaseToken: l.token)
        let stale = try #require(done.nextOccurrence)
        #expect(stale.scheduledFor == start.adding(seconds: 86_400))
        // Before the maintenance pass gets to it, no worker can lease it and publish a day late.
        #expect(try await f.store.dequeue(DequeueRequest(projectID: "p1", workerID: "w2")).isEmpty)
        let pass = try await f.store.expireMissedWindows()
        #expect(pass.skipped == 1 && pass.followUps == 1)
        #expect(try await f.store.get(projectID: "p1", scheduleID: stale.id).status == .skipped)
    }
}
