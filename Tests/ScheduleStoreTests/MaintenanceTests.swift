import ScheduleStore
import SchedulingCore
import Testing

@Suite("Maintenance: leases, missed windows, recurring follow-ups, metrics")
struct MaintenanceTests {
    @Test(arguments: StoreBackend.all) func reaperReleasesQueuedAndAppliesThePolicyToProcessing(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let queued = try await f.add(minutes: 0)
        let held = try await f.add(minutes: 10)
        let retried = try await f.add(minutes: 20) {
            $0.leaseLossPolicy = .retry
            $0.retryDelaySeconds = 60
        }
        f.clock.advance(seconds: 1200)
        let leases = try await f.store.dequeue(DequeueRequest(projectID: "p1", leaseSeconds: 30, workerID: "w"))
        #expect(leases.count == 3)
        for l in leases where l.schedule.id != queued.id {
            _ = try await f.store.markProcessing(projectID: "p1", scheduleID: l.schedule.id, leaseToken: l.token)
        }
        #expect(try await f.store.reapExpiredLeases() == ReapResult())
        f.clock.advance(seconds: 31)
        let r = try await f.store.reapExpiredLeases()
        #expect(r == ReapResult(released: 1, retried: 1, failed: 1, heldOutcomeUnknown: 1))
        #expect(try await f.store.get(projectID: "p1", scheduleID: queued.id).queueStatus == .pending)
        let h = try await f.store.get(projectID: "p1", scheduleID: held.id)
        #expect(h.queueStatus == .failed && h.failureReason?.contains("outcome unknown") == true)
        let t = try await f.store.get(projectID: "p1", scheduleID: retried.id)
        #expect(t.queueStatus == .pending && t.retryCount == 1 && t.scheduledFor == f.clock.now().adding(seconds: 60))
        // The reaped worker's token no longer works.
        let old = try #require(leases.first { $0.schedule.id == queued.id })
        let e = await storeError {
            _ = try await f.store.complete(projectID: "p1", scheduleID: queued.id, leaseToken: old.token)
        }
        #expect(e?.code == .failedPrecondition)
    }

    @Test(arguments: StoreBackend.all) func oneOffsExpireAfterTheirWindow(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await f.add { $0.expiryWindowSeconds = 600 }
        let keep = try await f.add(minutes: 10) { $0.expiryWindowSeconds = 86_400 }
        f.clock.advance(seconds: 600)
        #expect(try await f.store.expireMissedWindows() == MissedWindowResult())
        f.clock.advance(seconds: 1)
        #expect(try await f.store.expireMissedWindows() == MissedWindowResult(expired: 1))
        let x = try await f.store.get(projectID: "p1", scheduleID: s.id)
        #expect(x.queueStatus == .failed && x.status == .expired)
        #expect(try await f.store.get(projectID: "p1", scheduleID: keep.id).queueStatus == .pending)
    }

    @Test(arguments: StoreBackend.all) func recurringCompleteCreatesTheNextOccurrenceOnWallClockTimeAcrossDST(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        // 09:00 Berlin every day from Saturday 2030-03-30; clocks go forward on Sunday the 31st.
        let first = try await f.store.enqueue(
            EnqueueRequest(
                projectID: "p1", contentID: "daily",
                time: .local(LocalDateTime(year: 2030, month: 3, day: 30, hour: 9)!), timeZone: "Europe/Berlin",
                platforms: ["twitter"], recurrence: .shorthand(pattern: "daily", configJSON: #"{"hour":9,"minute":0}"#),
                recurringUntil: Instant(iso8601: "2030-04-01T07:00:00Z"))
        ).schedule
        #expect(first.isRecurring && first.seriesID == first.id && first.recurringPattern == "daily")
        #expect(first.scheduledFor == Instant(iso8601: "2030-03-30T08:00:00Z"))
        f.clock.set(first.scheduledFor)
        var lease = try #require(try await f.store.dequeue(DequeueRequest(projectID: "p1", workerID: "w")).first)
        var done = try await f.store.complete(projectID: "p1", scheduleID: first.id, leaseToken: lease.token)
        let second = try #require(done.nextOccurrence)
        #expect(second.seriesID == first.id)
        #expect(second.scheduledFor == Instant(iso8601: "2030-03-31T07:00:00Z"), "09:00 CEST")
        #expect(second.localTime == LocalDateTime(year: 2030, month: 3, day: 31, hour: 9))
        #expect(second.queueStatus == .pending && second.retryCount == 0)
        f.clock.set(second.scheduledFor)
        lease = try #require(try await f.store.dequeue(DequeueRequest(projectID: "p1", workerID: "w")).first)
        #expect(lease.schedule.id == second.id)
        done = try await f.store.complete(projectID: "p1", scheduleID: second.id, leaseToken: lease.token)
        let third = try #require(done.nextOccurrence)
        #expect(third.scheduledFor == Instant(iso8601: "2030-04-01T07:00:00Z"))
        f.clock.set(third.scheduledFor)
        lease = try #require(try await f.store.dequeue(DequeueRequest(projectID: "p1", workerID: "w")).first)
        done = try await f.store.complete(projectID: "p1", scheduleID: third.id, leaseToken: lease.token)
        #expect(done.nextOccurrence == nil, "bounded by recurringUntil")
        let series = try await f.store.list(ListRequest(projectID: "p1"))
        #expect(series.total == 3)
    }

    /// Completes each occurrence of the series that starts with `first` as it falls due, and
    /// returns the times stored, first included (at most `limit`).
    func publishWholeSeries(_ f: StoreFixture, from first: Schedule, limit: Int = 20) async throws -> [Instant] {
        var stored = [first.scheduledFor]
        var current = first
        while stored.count < limit {
            f.clock.set(current.scheduledFor)
            let lease = try #require(try await f.store.dequeue(DequeueRequest(projectID: "p1", workerID: "w")).first)
            #expect(lease.schedule.id == current.id)
            let done = try await f.store.complete(projectID: "p1", scheduleID: current.id, leaseToken: lease.token)
            guard let next = done.nextOccurrence else { break }
            stored.append(next.scheduledFor)
            current = next
        }
        return stored
    }

    @Test func aCountedSeriesStoresExactlyCountOccurrencesItsNonMatchingStartIncluded() async throws {
        // Monday t0 is not a Wednesday, yet it is the first occurrence and one of the three
        // (RFC 5545 §3.8.5.3), as PreviewOccurrences shows.
        for (rule, count) in [("FREQ=WEEKLY;BYDAY=WE;COUNT=3", 3), ("FREQ=WEEKLY;BYDAY=MO;COUNT=3", 3)] {
            let f = try StoreFixture()
            let first = try await f.add { $0.recurrence = .rrule(rule) }
            let stored = try await publishWholeSeries(f, from: first)
            let preview = Recurrence(
                kind: .rrule(try RecurrenceRule.parse(rule), start: first.localTime),
                zone: try TimeZoneDatabase.system.zone("UTC")
            ).occurrences(after: nil, count: 10)
            #expect(stored.count == count, "\(rule)")
            #expect(stored == preview, "\(rule)")
            #expect(try await f.store.list(ListRequest(projectID: "p1")).total == count)
        }
        let f = try StoreFixture()
        let first = try await f.add { $0.recurrence = .rrule("FREQ=WEEKLY;BYDAY=WE;COUNT=3") }
        #expect(
            try await publishWholeSeries(f, from: first).map(\.iso8601)
                == ["2030-01-07T12:00:00Z", "2030-01-09T12:00:00Z", "2030-01-16T12:00:00Z"])
    }

    @Test(arguments: StoreBackend.all) func aCronSeriesStoresItsStartThenTheFiringsAfterIt(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        // t0 is 12:00; the expression fires at 09:00 on Wednesdays.
        let first = try await f.add { $0.recurrence = .cron("0 9 * * WED") }
        let stored = try await publishWholeSeries(f, from: first, limit: 3)
        let preview = Recurrence(
            kind: .cron(try CronExpression.parse("0 9 * * WED"), start: first.localTime),
            zone: try TimeZoneDatabase.system.zone("UTC")
        ).occurrences(after: nil, count: 3)
        #expect(stored.map(\.iso8601) == ["2030-01-07T12:00:00Z", "2030-01-09T09:00:00Z", "2030-01-16T09:00:00Z"])
        #expect(stored == preview)
    }

    @Test(arguments: StoreBackend.all) func finalFailureOfAnOccurrenceStillContinuesTheSeries(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let first = try await f.add {
            $0.recurrence = .cron("0 12 * * *")
            $0.maxRetries = 0
        }
        let lease = try #require(try await f.store.dequeue(DequeueRequest(projectID: "p1", workerID: "w")).first)
        let r = try await f.store.fail(projectID: "p1", scheduleID: first.id, leaseToken: lease.token, error: "x")
        #expect(r.outcome == .failed)
        #expect(r.nextOccurrence?.scheduledFor == t0.adding(seconds: 86_400))
    }

    @Test(arguments: StoreBackend.all) func missedRecurringOccurrencesAreSkippedAndTheSeriesMovesToTheFuture(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend) { $0.catchUpWindowSeconds = 1800 }
        let first = try await f.add { $0.recurrence = .cron("0 * * * *") }
        f.clock.advance(seconds: 1800)
        #expect(try await f.store.expireMissedWindows() == MissedWindowResult())
        f.clock.advance(seconds: 5 * 3600)  // five hours later: t0 + 5h30
        let r = try await f.store.expireMissedWindows()
        #expect(r == MissedWindowResult(skipped: 1, followUps: 1))
        let old = try await f.store.get(projectID: "p1", scheduleID: first.id)
        #expect(old.queueStatus == .cancelled && old.status == .skipped)
        let page = try await f.store.list(ListRequest(projectID: "p1", queueStatus: .pending))
        #expect(page.items.map(\.scheduledFor) == [t0.adding(seconds: 6 * 3600)])
        #expect(page.items.first?.seriesID == first.id)
    }

    @Test(arguments: StoreBackend.all) func metricsRollupAndQueueStatsFollowTheSeedsFigures(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        var ids: [String] = []
        for i in 0..<4 { ids.append(try await f.add(minutes: Int64(i * 10)).id) }
        _ = try await f.store.cancel(projectID: "p1", scheduleID: ids[3])
        f.clock.advance(seconds: 1800)  // three due: waited 30, 20 and 10 minutes
        let leases = try await f.store.dequeue(DequeueRequest(projectID: "p1", workerID: "w"))
        #expect(leases.count == 3)
        for (i, l) in leases.enumerated() {
            _ = try await f.store.markProcessing(projectID: "p1", scheduleID: l.schedule.id, leaseToken: l.token)
            f.clock.advance(seconds: 10)
            if i < 2 {
                _ = try await f.store.complete(projectID: "p1", scheduleID: l.schedule.id, leaseToken: l.token)
            } else {
                _ = try await f.store.fail(
                    projectID: "p1", scheduleID: l.schedule.id, leaseToken: l.token, error: "x", retryable: false)
            }
        }
        let stats = try await f.store.queueStats(projectID: "p1")
        #expect(stats.completed == 2 && stats.failed == 1 && stats.cancelled == 1 && stats.pending == 0)
        #expect(stats.avgWaitTime == 1200)
        #expect(stats.avgProcessingTime == 10)
        #expect(stats.successRate == 66.7)
        #expect(stats.peakQueueLength == 3)
        let m = try await f.store.rollupMetrics(day: t0)
        #expect(m.count == 1)
        let day = try #require(m.first)
        #expect(day.projectID == "p1")
        #expect(day.periodStart == Instant(iso8601: "2030-01-07T00:00:00Z"))
        #expect(day.periodEnd == Instant(iso8601: "2030-01-07T23:59:59.999Z"))
        #expect(day.totalQueued == 4 && day.totalProcessed == 3 && day.totalCompleted == 2)
        #expect(day.totalFailed == 1 && day.totalCancelled == 1)
        #expect(day.avgWaitTime == 1200 && day.avgProcessingTime == 10 && day.peakQueueLength == 3)
        #expect(day.successRate == 66.7)
        // Re-running replaces the day's row.
        _ = try await f.store.rollupMetrics(day: t0)
        let history = try await f.store.metricsHistory(
            projectID: "p1", from: t0.adding(seconds: -86_400 * 7), to: t0)
        #expect(history.count == 1)
        #expect(history.first?.totalCompleted == 2)
    }

    /// The rollup finds the projects active on a day through the indexes (no table scan): by
    /// creation, by cancellation, and by attempts on schedules created earlier.
    @Test(arguments: StoreBackend.all) func theRollupFindsEveryProjectActiveThatDay(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let yesterday = t0.adding(seconds: -86_400)
        f.clock.set(yesterday)
        let viaAttempt = try await f.add("p2", minutes: 10)
        let viaCancel = try await f.add("p3", minutes: 20)
        _ = try await f.add("p4", minutes: 30)  // nothing happens to it on t0's day
        f.clock.set(t0.adding(seconds: 3_600))
        _ = try await f.add("p1", minutes: 120)
        let leases = try await f.store.dequeue(DequeueRequest(projectID: "p2", limit: 1, leaseSeconds: 60, workerID: "w"))
        #expect(leases.map(\.schedule.id) == [viaAttempt.id])
        _ = try await f.store.complete(projectID: "p2", scheduleID: viaAttempt.id, leaseToken: leases[0].token)
        _ = try await f.store.cancel(projectID: "p3", scheduleID: viaCancel.id)

        let today = try await f.store.rollupMetrics(day: t0)
        #expect(Set(today.map(\.projectID)) == ["p1", "p2", "p3"])
        #expect(today.first { $0.projectID == "p2" }?.totalCompleted == 1)
        let before = try await f.store.rollupMetrics(day: yesterday)
        #expect(Set(before.map(\.projectID)) == ["p2", "p3", "p4"])
        #expect(try await f.store.rollupMetrics(day: t0.adding(seconds: 86_400 * 3)).isEmpty)
    }
}
