import ScheduleStore
import SchedulingCore
import Testing

/// ConfirmOutcome (docs/PROTOCOL.md section 4.1): a person's answer for a schedule held as
/// "outcome unknown", on every backend.
@Suite("ConfirmOutcome")
struct ConfirmOutcomeTests {
    /// A schedule on TWITTER and LINKEDIN whose worker started publishing and lost its lease:
    /// FAILED "outcome unknown" (policy HOLD), its attempt OUTCOME_UNKNOWN.
    func held(_ f: StoreFixture, configure: (inout EnqueueRequest) -> Void = { _ in }) async throws -> Schedule {
        let s = try await f.add(platforms: ["twitter", "linkedin"], configure: configure)
        _ = try #require(
            try await f.store.dequeue(
                DequeueRequest(projectID: "p1", limit: 1, leaseSeconds: 30, workerID: "w1", start: true)
            ).first)
        f.clock.advance(seconds: 31)
        #expect(try await f.store.reapExpiredLeases().heldOutcomeUnknown == 1)
        let h = try await f.store.get(projectID: "p1", scheduleID: s.id)
        #expect(h.state == ScheduleState(queue: .failed, schedule: .failed))
        return h
    }

    func confirm(
        _ f: StoreFixture, _ id: String, _ outcome: ConfirmedOutcome, project: String = "p1", note: String? = nil
    ) async throws -> ConfirmResult {
        try await f.store.confirmOutcome(
            ConfirmOutcomeRequest(
                projectID: project, scheduleID: id, outcome: outcome, note: note, confirmedBy: "tok_ann"))
    }

    @Test(arguments: StoreBackend.all) func aHeldScheduleConfirmedPublishedIsCompletedAndCountsAsCompleted(
        _ backend: StoreBackend
    ) async throws {
        let f = try StoreFixture(backend)
        let s = try await held(f)
        _ = try await f.store.rollupMetrics(day: f.clock.now())
        let before = try await f.store.queueStats(projectID: "p1")
        #expect(before.failed == 1 && before.successRate == 0)

        f.clock.advance(seconds: 600)
        let at = t0.adding(seconds: 20)
        let r = try await confirm(
            f, s.id,
            .published(
                at: at, results: [PlatformResult(platform: "Twitter", url: "https://twitter.com/x/status/1")]),
            note: "seen on the timeline")
        #expect(!r.replayed)
        #expect(r.schedule.state == ScheduleState(queue: .completed, schedule: .published))
        #expect(r.schedule.publishedAt == at)
        #expect(r.schedule.failureReason == nil)
        #expect(r.schedule.publishedPlatforms == ["TWITTER", "LINKEDIN"], "every platform went out")
        #expect(try await f.store.get(projectID: "p1", scheduleID: s.id) == r.schedule)

        // The attempt keeps what the server knew, and gains the confirmation and the URL.
        let history = try await f.store.history(projectID: "p1", scheduleID: s.id)
        #expect(history.count == 1)
        #expect(history[0].outcome == "OUTCOME_UNKNOWN")
        #expect(
            history[0].confirmation
                == OutcomeConfirmation(
                    published: true, confirmedAt: f.clock.now(), confirmedBy: "tok_ann", note: "seen on the timeline"))
        #expect(history[0].results == [PlatformResult(platform: "TWITTER", url: "https://twitter.com/x/status/1")])

        // Stats and the day's stored figures count it completed, without waiting for a rollup.
        let after = try await f.store.queueStats(projectID: "p1")
        #expect(after.completed == 1 && after.failed == 0)
        #expect(after.successRate == 100)
        let day = try #require(try await f.store.metricsHistory(projectID: "p1", from: t0.adding(seconds: -86_400), to: t0).last)
        #expect(day.totalCompleted == 1 && day.totalFailed == 0 && day.successRate == 100)
        #expect(day.totalProcessed == 1, "the same attempt, not a second one")
    }

    @Test(arguments: StoreBackend.all) func aConfirmationDaysLaterCorrectsThatDaysStoredFigures(_ backend: StoreBackend)
        async throws
    {
        let f = try StoreFixture(backend)
        let s = try await held(f)
        let rolled = try await f.store.rollupMetrics(day: f.clock.now())
        #expect(rolled.first?.totalFailed == 1)
        // Two days on, the rollup no longer looks at that day.
        f.clock.advance(seconds: 2 * 86_400)
        _ = try await f.store.rollupMetrics(day: f.clock.now())
        _ = try await confirm(f, s.id, .published(at: nil, results: []))
        let day = try #require(
            try await f.store.metricsHistory(projectID: "p1", from: t0.adding(seconds: -86_400), to: t0).last)
        #expect(day.periodStart == rolled.first?.periodStart)
        #expect(day.totalCompleted == 1 && day.totalFailed == 0 && day.successRate == 100)
        // Published "now": the confirmation's time.
        #expect(try await f.store.get(projectID: "p1", scheduleID: s.id).publishedAt == f.clock.now())
    }

    @Test(arguments: StoreBackend.all) func notPublishedMakesItDueNowForTheNextWorkerLikePublishNow(
        _ backend: StoreBackend
    ) async throws {
        let f = try StoreFixture(backend)
        let s = try await held(f)
        f.clock.advance(seconds: 300)
        // TWITTER did go out; LINKEDIN did not.
        let r = try await confirm(
            f, s.id, .notPublished(results: [PlatformResult(platform: "twitter", url: "https://twitter.com/x/1")]),
            note: "only the tweet is there")
        #expect(!r.replayed)
        #expect(r.schedule.state == ScheduleState(queue: .pending, schedule: .scheduled))
        #expect(r.schedule.scheduledFor == f.clock.now())
        #expect(r.schedule.failureReason == nil && r.schedule.retryCount == 0)
        #expect(r.schedule.publishedPlatforms == ["TWITTER"])
        let history = try await f.store.history(projectID: "p1", scheduleID: s.id)
        #expect(history[0].outcome == "OUTCOME_UNKNOWN")
        #expect(history[0].confirmation?.published == false && history[0].confirmation?.note == "only the tweet is there")

        // A repeat while it waits changes nothing (its time stays).
        f.clock.advance(seconds: 5)
        let again = try await confirm(f, s.id, .notPublished(results: []))
        #expect(again.replayed && again.schedule == r.schedule)

        // The next worker takes it, for the platform left.
        let lease = try #require(
            try await f.store.dequeue(DequeueRequest(projectID: "p1", limit: 5, leaseSeconds: 60, workerID: "w2")).first)
        #expect(lease.schedule.id == s.id && lease.attempt == 2)
        #expect(lease.remainingPlatforms == ["LINKEDIN"])
        // Handed out again, it is no longer held: a late repeat is refused.
        let late = await storeError { _ = try await confirm(f, s.id, .notPublished(results: [])) }
        #expect(late?.code == .failedPrecondition)
        #expect(late?.message.contains("not held for confirmation: the schedule is QUEUED") == true)
        let done = try await f.store.complete(projectID: "p1", scheduleID: s.id, leaseToken: lease.token)
        #expect(done.schedule.publishedPlatforms == ["TWITTER", "LINKEDIN"])
        // Stats: the held attempt failed (it did not publish), the second completed.
        let stats = try await f.store.queueStats(projectID: "p1")
        #expect(stats.successRate == 50)
    }

    @Test(arguments: StoreBackend.all) func aRepeatChangesNothingAndTheOtherAnswerIsRefused(_ backend: StoreBackend)
        async throws
    {
        let f = try StoreFixture(backend)
        let s = try await held(f)
        let first = try await confirm(f, s.id, .published(at: t0.adding(seconds: 5), results: []), note: "first")
        f.clock.advance(seconds: 60)
        let again = try await confirm(
            f, s.id, .published(at: t0.adding(seconds: 9), results: [PlatformResult(platform: "twitter", url: "u")]),
            note: "second")
        #expect(again.replayed)
        #expect(again.schedule == first.schedule, "the repeat's time and results are not applied")
        let history = try await f.store.history(projectID: "p1", scheduleID: s.id)
        #expect(history[0].confirmation?.note == "first" && history[0].results.isEmpty)
        let stats = try await f.store.queueStats(projectID: "p1")
        #expect(stats.completed == 1 && stats.successRate == 100)

        let other = await storeError { _ = try await confirm(f, s.id, .notPublished(results: [])) }
        #expect(other?.code == .failedPrecondition && other?.field == "published")
        #expect(other?.message.hasPrefix("already confirmed: attempt 1 was confirmed published") == true)
        #expect(try await f.store.get(projectID: "p1", scheduleID: s.id).queueStatus == .completed)
    }

    @Test(arguments: StoreBackend.all) func schedulesThatAreNotHeldAreRefused(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        // Never attempted.
        let pending = try await f.add(minutes: 10)
        let e1 = await storeError { _ = try await confirm(f, pending.id, .published(at: nil, results: [])) }
        #expect(e1?.code == .failedPrecondition)
        #expect(e1?.message.hasPrefix("not held for confirmation: the schedule is PENDING/SCHEDULED") == true)
        #expect(e1?.currentState == pending.state)

        // FAILED by its worker: the outcome is known.
        let failed = try await f.add(minutes: 20, priority: 9) { $0.maxRetries = 0 }
        f.clock.advance(seconds: 20 * 60)
        let lease = try #require(
            try await f.store.dequeue(DequeueRequest(projectID: "p1", limit: 1, leaseSeconds: 60, workerID: "w")).first)
        #expect(lease.schedule.id == failed.id)
        _ = try await f.store.fail(
            projectID: "p1", scheduleID: failed.id, leaseToken: lease.token, error: "banned", retryable: false)
        let e2 = await storeError { _ = try await confirm(f, failed.id, .published(at: nil, results: [])) }
        #expect(e2?.code == .failedPrecondition)
        #expect(e2?.message.contains("its last attempt (1) ended FAILED, not OUTCOME_UNKNOWN") == true)

        // Completed by its worker.
        let done = try await f.add(minutes: 30, priority: 8)
        f.clock.advance(seconds: 10 * 60)
        let l2 = try #require(
            try await f.store.dequeue(DequeueRequest(projectID: "p1", limit: 1, leaseSeconds: 60, workerID: "w")).first)
        #expect(l2.schedule.id == done.id)
        _ = try await f.store.complete(projectID: "p1", scheduleID: done.id, leaseToken: l2.token)
        let e3 = await storeError { _ = try await confirm(f, done.id, .notPublished(results: [])) }
        #expect(e3?.code == .failedPrecondition && e3?.message.contains("COMPLETED/PUBLISHED") == true)

        // Unknown, and another project's.
        let e4 = await storeError { _ = try await confirm(f, "sch_nope", .published(at: nil, results: [])) }
        #expect(e4?.code == .notFound)
        let s = try await held(f)
        let e5 = await storeError { _ = try await confirm(f, s.id, .published(at: nil, results: []), project: "p2") }
        #expect(e5?.code == .notFound)
        #expect(try await f.store.get(projectID: "p1", scheduleID: s.id).queueStatus == .failed)
    }

    @Test(arguments: StoreBackend.all) func badArgumentsNameTheFieldAndWriteNothing(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await held(f)
        let cases: [(ConfirmedOutcome, String?, String)] = [
            (.published(at: f.clock.now().adding(seconds: 60), results: []), nil, "publishedAt"),
            (.published(at: nil, results: [PlatformResult(platform: "twitter", error: "404")]), nil, "results[0]"),
            (.published(at: nil, results: [PlatformResult(platform: "twitter"), PlatformResult(platform: "reddit")]), nil,
             "results[1].platform"),
            (.notPublished(results: [PlatformResult(platform: "twitter"), PlatformResult(platform: "linkedin")]), nil,
             "results"),
            (.published(at: nil, results: []), String(repeating: "x", count: StoreLimits.maxTextBytes + 1), "note"),
        ]
        for (outcome, note, field) in cases {
            let e = await storeError { _ = try await confirm(f, s.id, outcome, note: note) }
            #expect(e?.code == .invalidArgument && e?.field == field, "\(field)")
        }
        let after = try await f.store.get(projectID: "p1", scheduleID: s.id)
        #expect(after == s, "a refused confirmation writes nothing")
        #expect(try await f.store.history(projectID: "p1", scheduleID: s.id).first?.confirmation == nil)
        #expect(try await f.store.history(projectID: "p1", scheduleID: s.id).first?.results.isEmpty == true)
    }

    @Test(arguments: StoreBackend.all) func aRecurringSeriesKeepsExactlyOneNextOccurrence(_ backend: StoreBackend)
        async throws
    {
        let f = try StoreFixture(backend)
        // Confirmed published: the series' next occurrence is the one the reaper created.
        let a = try await held(f) { $0.recurrence = .rrule("FREQ=DAILY;COUNT=5") }
        let afterHold = try await f.store.list(ListRequest(projectID: "p1", limit: 100)).items
        #expect(afterHold.count == 2, "the hold ended the occurrence, so the series went on")
        let next = try #require(afterHold.first { $0.id != a.id })
        #expect(next.nominalTime == a.nominalTime.adding(seconds: 86_400) && next.seriesID == a.seriesID)
        _ = try await confirm(f, a.id, .published(at: nil, results: []))
        let afterConfirm = try await f.store.list(ListRequest(projectID: "p1", limit: 100)).items
        #expect(afterConfirm.map(\.id).sorted() == afterHold.map(\.id).sorted())

        // Not published, published again by a worker: still one occurrence for that slot.
        let b = try await held(f) {
            $0.contentID = "series-b"
            $0.time = .instant(f.clock.now())
            $0.recurrence = .rrule("FREQ=DAILY;COUNT=5")
        }
        _ = try await confirm(f, b.id, .notPublished(results: []))
        let lease = try #require(
            try await f.store.dequeue(DequeueRequest(projectID: "p1", limit: 5, leaseSeconds: 60, workerID: "w2")).first)
        #expect(lease.schedule.id == b.id)
        _ = try await f.store.complete(projectID: "p1", scheduleID: b.id, leaseToken: lease.token)
        let seriesB = try await f.store.list(ListRequest(projectID: "p1", limit: 100)).items.filter {
            $0.seriesID == b.seriesID
        }
        #expect(seriesB.count == 2)
        #expect(Set(seriesB.map(\.nominalTime)).count == 2)
    }

    @Test(arguments: StoreBackend.all) func anUnknownOutcomeAfterTheLastRetryCanBeConfirmedToo(_ backend: StoreBackend)
        async throws
    {
        // Policy RETRY with no retries left: FAILED, its last attempt OUTCOME_UNKNOWN.
        let f = try StoreFixture(backend)
        let s = try await f.add {
            $0.leaseLossPolicy = .retry
            $0.maxRetries = 0
        }
        _ = try await f.store.dequeue(
            DequeueRequest(projectID: "p1", limit: 1, leaseSeconds: 30, workerID: "w1", start: true))
        f.clock.advance(seconds: 31)
        #expect(try await f.store.reapExpiredLeases().failed == 1)
        #expect(try await f.store.history(projectID: "p1", scheduleID: s.id).last?.outcome == "OUTCOME_UNKNOWN")
        let r = try await confirm(f, s.id, .published(at: nil, results: []))
        #expect(r.schedule.queueStatus == .completed)
    }
}
