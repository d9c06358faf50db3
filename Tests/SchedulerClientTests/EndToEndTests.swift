import Foundation
import SchedulerClient
import SchedulerServer
import SchedulingCore
import Testing
import WireProtocol

@Suite("End to end: client → TLS → server → store", .timeLimit(.minutes(3)))
struct EndToEndTests {
    @Test("every method of the service answers over TLS")
    func everyMethod() async throws {
        let e = try E2E()
        let c = try e.client()
        #expect(try await c.health() == .serving)
        let created = try await c.enqueue(enqueueRequest("post-1", at: "2026-03-01T11:00:00", platforms: ["twitter", "linkedin"]))
        let id = created.schedule.id
        #expect(created.schedule.queueStatus == .pending)
        #expect(try await c.get(projectID: "blog", scheduleID: id).contentID == "post-1")
        #expect(try await c.list(V1.ListRequest(projectID: "blog")).pagination.total == 1)
        var update = V1.UpdateRequest(projectID: "blog", scheduleID: id)
        update.priority = 9
        #expect(try await c.update(update).schedule.priority == 9)
        let validation = try await c.validate({
            var v = V1.ValidateRequest(projectID: "blog", platforms: ["twitter"])
            v.localTime = "2026-03-01T11:00:00"
            v.timezone = "UTC"
            return v
        }())
        #expect(validation.valid && validation.hasConflict)
        let preview = try await c.previewOccurrences({
            var p = V1.PreviewOccurrencesRequest(recurrence: .rrule("FREQ=DAILY"), startLocalTime: "2026-03-07T09:00:00", timezone: "America/New_York")
            p.count = 2
            return p
        }())
        #expect(preview.map(\.localTime) == ["2026-03-07T09:00:00", "2026-03-08T09:00:00"])
        #expect(preview.map(\.abbreviation) == ["EST", "EDT"])

        // Worker path: dequeue → start → heartbeat → complete.
        let items = try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 5, leaseSeconds: 60, workerID: "w1")).items
        #expect(items.map(\.schedule.id) == [id])
        let token = items[0].leaseToken
        #expect(try await c.start(V1.StartRequest(projectID: "blog", scheduleID: id, leaseToken: token)).schedule.queueStatus == .processing)
        #expect(try await c.heartbeat(V1.HeartbeatRequest(projectID: "blog", scheduleID: id, leaseToken: token, extendSeconds: 120)).leaseExpiresAtMs > 0)
        let done = try await c.complete(V1.CompleteRequest(projectID: "blog", scheduleID: id, leaseToken: token, results: [
            V1.PlatformResult(platform: "twitter", success: true, publishedURL: "https://x.com/1"),
            V1.PlatformResult(platform: "linkedin", success: true, publishedURL: "https://linkedin.com/1"),
        ]))
        #expect(done.schedule.queueStatus == .completed && done.schedule.status == .published)

        // Fail path on a second item.
        let second = try await c.enqueue(enqueueRequest("post-2", at: "2026-03-01T11:30:00"))
        let lease2 = try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 1, leaseSeconds: 60, workerID: "w1")).items[0]
        let failed = try await c.fail(V1.FailRequest(projectID: "blog", scheduleID: second.schedule.id, leaseToken: lease2.leaseToken, error: "HTTP 503", retryable: true))
        #expect(failed.willRetry)
        #expect(failed.nextAttemptAtMs == e.clock.now().adding(seconds: 300).unixMilliseconds)

        // Management: pause, resume, publish now, reschedule, cancel, batch forms.
        let third = try await c.enqueue(enqueueRequest("post-3", at: "2026-03-02T09:00:00")).schedule.id
        #expect(try await c.pause(projectID: "blog", scheduleID: third).queueStatus == .paused)
        #expect(try await c.resume(projectID: "blog", scheduleID: third).queueStatus == .pending)
        #expect(try await c.publishNow(projectID: "blog", scheduleID: third).schedule.scheduledForMs <= e.clock.now().unixMilliseconds)
        var move = V1.RescheduleRequest(projectID: "blog", scheduleID: third)
        move.localTime = "2026-03-05T10:00:00"
        #expect(try await c.reschedule(move).schedule.localTime == "2026-03-05T10:00:00")
        #expect(try await c.batchPause(projectID: "blog", scheduleIDs: [third]) == 1)
        #expect(try await c.batchResume(projectID: "blog", scheduleIDs: [third]) == 1)
        #expect(try await c.cancel(projectID: "blog", scheduleID: third).queueStatus == .cancelled)
        #expect(try await c.batchCancel(projectID: "blog", scheduleIDs: [third]) == 0)

        // Conflicts recorded as warnings can be listed and resolved; stats answer.
        _ = try await c.enqueue(enqueueRequest("post-4", at: "2026-03-06T10:00:00"))
        _ = try await c.enqueue(enqueueRequest("post-5", at: "2026-03-06T10:00:30"))
        let conflicts = try await c.listConflicts(V1.ListConflictsRequest(projectID: "blog"))
        let first = try #require(conflicts.conflicts.first)
        let resolved = try await c.resolveConflict(V1.ResolveConflictRequest(projectID: "blog", conflictID: first.id, resolution: "intended"))
        #expect(resolved.resolved && resolved.resolution == "intended")
        let stats = try await c.stats(V1.StatsRequest(projectID: "blog")).stats
        #expect(stats.completed == 1 && stats.pending >= 2)
        await e.shutdown()
    }

    @Test("Health: the whole server and scheduler.v1.Scheduler are known; another service is SERVICE_UNKNOWN")
    func healthServices() async throws {
        let e = try E2E()
        let c = try e.client()
        typealias Health = SchedulerV1.Scheduler.Health
        #expect(try await c.call(Health.self, V1.HealthRequest(service: "")).status == .serving)
        #expect(try await c.call(Health.self, V1.HealthRequest(service: "scheduler.v1.Scheduler")).status == .serving)
        #expect(try await c.call(Health.self, V1.HealthRequest(service: "grpc.health.v1.Health")).status == .serviceUnknown)
        #expect(try await c.call(Health.self, V1.HealthRequest(service: "scheduler.v1.Schedulers")).status == .serviceUnknown)
        await e.shutdown()
    }

    @Test("conflicts: an ERROR refuses with the conflicts; auto-resolve moves the time and says from and to")
    func conflictsAndAutoResolve() async throws {
        let e = try E2E()
        let c = try e.client()
        for i in 0..<5 { _ = try await c.enqueue(enqueueRequest("burst-\(i)", at: "2026-03-03T12:00:00")) }
        do {
            _ = try await c.enqueue(enqueueRequest("burst-5", at: "2026-03-03T12:00:00"))
            Issue.record("a sixth publish in the same 5 minutes was accepted")
        } catch {
            #expect(error.code == .failedPrecondition)
            #expect(error.conflicts.contains { $0.type == .resource && $0.severity == .error })
        }
        var request = enqueueRequest("burst-5", at: "2026-03-03T12:00:00")
        request.autoResolve = true
        let moved = try await c.enqueue(request)
        #expect(moved.adjusted)
        #expect(moved.originalTimeMs == e.instant("2026-03-03T12:00:00Z").unixMilliseconds)
        #expect(moved.adjustedTimeMs == e.instant("2026-03-03T12:15:00Z").unixMilliseconds)
        #expect(moved.schedule.scheduledForMs == moved.adjustedTimeMs)
        #expect(moved.warning == "Schedule time adjusted to avoid conflicts")
        await e.shutdown()
    }

    @Test("list: filters, sorting and pagination")
    func listing() async throws {
        let e = try E2E()
        let c = try e.client()
        for day in 1...9 {
            _ = try await c.enqueue(enqueueRequest("d\(day)", at: "2026-03-1\(day)T09:00:00", platforms: day % 2 == 0 ? ["medium"] : ["twitter"], priority: Int32(day)))
        }
        var r = V1.ListRequest(projectID: "blog")
        r.limit = 4
        r.page = 3
        let page3 = try await c.list(r)
        #expect(page3.items.map(\.contentID) == ["d9"])
        #expect(page3.pagination.total == 9 && page3.pagination.totalPages == 3)
        r = V1.ListRequest(projectID: "blog")
        r.platform = "medium"
        #expect(try await c.list(r).items.map(\.contentID) == ["d2", "d4", "d6", "d8"])
        r = V1.ListRequest(projectID: "blog")
        r.sortBy = .priority
        r.sortOrder = .desc
        r.limit = 2
        #expect(try await c.list(r).items.map(\.contentID) == ["d9", "d8"])
        r = V1.ListRequest(projectID: "blog")
        r.fromMs = e.instant("2026-03-13T00:00:00Z").unixMilliseconds
        r.toMs = e.instant("2026-03-15T00:00:00Z").unixMilliseconds
        #expect(try await c.list(r).items.map(\.contentID) == ["d3", "d4"])
        r = V1.ListRequest(projectID: "blog")
        r.limit = 101
        do {
            _ = try await c.list(r)
            Issue.record("limit 101 accepted")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.field?.contains("limit") == true)
        }
        await e.shutdown()
    }

    @Test("instants before 1970: list and stats take bounds from 1900 on; outside the range is refused")
    func beforeTheEpoch() async throws {
        let e = try E2E()
        let c = try e.client()
        #expect(
            Limits.supportedInstantMilliseconds
                == Instant.supportedRange.lowerBound.unixMilliseconds...Instant.supportedRange.upperBound.unixMilliseconds)
        let old = try await c.enqueue(enqueueRequest("old", at: "1950-06-01T09:00:00")).schedule
        #expect(old.scheduledForMs == e.instant("1950-06-01T09:00:00Z").unixMilliseconds)
        let from1900 = Limits.supportedInstantMilliseconds.lowerBound
        let to1960 = e.instant("1960-01-01T00:00:00Z").unixMilliseconds
        #expect(try await c.list(V1.ListRequest(projectID: "blog", fromMs: from1900, toMs: to1960)).items.map(\.id) == [old.id])
        #expect(try await c.list(V1.ListRequest(projectID: "blog", fromMs: -1)).items.isEmpty)
        #expect(try await c.list(V1.ListRequest(projectID: "blog", toMs: -1)).items.map(\.id) == [old.id])
        _ = try await c.stats(V1.StatsRequest(projectID: "blog", fromMs: from1900, toMs: to1960))
        do {
            _ = try await c.list(V1.ListRequest(projectID: "blog", fromMs: from1900 - 1))
            Issue.record("a bound before 1900 was accepted")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.field == "list.from_ms")
        }
        await e.shutdown()
    }

    @Test("update re-validates: moving into a full slot is refused, with auto-resolve moved")
    func updateRevalidates() async throws {
        let e = try E2E()
        let c = try e.client()
        for i in 0..<5 { _ = try await c.enqueue(enqueueRequest("full-\(i)", at: "2026-03-04T08:00:00")) }
        let other = try await c.enqueue(enqueueRequest("other", at: "2026-03-04T15:00:00")).schedule.id
        var u = V1.UpdateRequest(projectID: "blog", scheduleID: other)
        u.localTime = "2026-03-04T08:00:00"
        do {
            _ = try await c.update(u)
            Issue.record("update into a full slot accepted")
        } catch {
            #expect(error.code == .failedPrecondition)
            #expect(!error.conflicts.isEmpty)
        }
        u.autoResolve = true
        let moved = try await c.update(u)
        #expect(moved.adjusted)
        #expect(moved.schedule.localTime == "2026-03-04T08:15:00")
        await e.shutdown()
    }

    @Test("pause, resume, cancel and the batch forms; illegal transitions name the state")
    func lifecycle() async throws {
        let e = try E2E()
        let c = try e.client()
        var ids: [String] = []
        for i in 0..<3 { ids.append(try await c.enqueue(enqueueRequest("p\(i)", at: "2026-03-0\(5 + i)T09:00:00")).schedule.id) }
        #expect(try await c.batchPause(projectID: "blog", scheduleIDs: ids) == 3)
        #expect(try await c.batchPause(projectID: "blog", scheduleIDs: ids) == 0)
        #expect(try await c.batchResume(projectID: "blog", scheduleIDs: [ids[0], ids[1]]) == 2)
        #expect(try await c.get(projectID: "blog", scheduleID: ids[2]).queueStatus == .paused)
        #expect(try await c.batchCancel(projectID: "blog", scheduleIDs: ids) == 3)
        do {
            _ = try await c.resume(projectID: "blog", scheduleID: ids[0])
            Issue.record("resumed a cancelled schedule")
        } catch {
            #expect(error.code == .failedPrecondition)
            #expect(error.message.contains("CANCELLED"))
        }
        // The request forms carry the skipped ids over the wire: not found, or not in a state for
        // the action; each once, in request order.
        let fresh = try await c.enqueue(enqueueRequest("fresh", at: "2026-03-09T09:00:00")).schedule.id
        let paused = try await c.batchPause(V1.BatchPauseRequest(projectID: "blog", scheduleIDs: [ids[0], fresh, "sch_nope", fresh, ids[0]]))
        #expect(paused.affected == 1)
        #expect(paused.skippedIDs == [ids[0], "sch_nope"])
        let resumed = try await c.batchResume(V1.BatchResumeRequest(projectID: "blog", scheduleIDs: [ids[1], fresh]))
        #expect(resumed.affected == 1 && resumed.skippedIDs == [ids[1]])
        let cancelled = try await c.batchCancel(V1.BatchCancelRequest(projectID: "blog", scheduleIDs: [fresh, ids[2]], reason: "done"))
        #expect(cancelled.affected == 1 && cancelled.skippedIDs == [ids[2]])
        await e.shutdown()
    }

    @Test("the worker helper publishes due items with per-platform results")
    func workerHelper() async throws {
        let e = try E2E()
        let c = try e.client()
        for i in 0..<6 { _ = try await c.enqueue(enqueueRequest("due-\(i)", at: "2026-03-01T1\(i % 2):0\(i):00", platforms: ["twitter", "medium"], priority: Int32(i + 1))) }
        _ = try await c.enqueue(enqueueRequest("later", at: "2026-03-09T09:00:00"))
        let handled = try await c.work(project: "blog", concurrency: 3, lease: .seconds(60), stopWhenIdle: true) { item in
            // Dequeued with `start`: already PROCESSING when the handler runs, with no Start call.
            #expect(item.schedule.queueStatus == .processing)
            return .published(item.platforms.map { V1.PlatformResult(platform: $0, success: true, publishedURL: "https://\($0.lowercased()).example/\(item.schedule.contentID)") })
        }
        #expect(handled == 6)
        var r = V1.ListRequest(projectID: "blog")
        r.status = .completed
        #expect(try await c.list(r).pagination.total == 6)
        r.status = .pending
        #expect(try await c.list(r).items.map(\.contentID) == ["later"])
        await e.shutdown()
    }

    @Test("a failure is retried with exponential backoff until FAILED")
    func retriesUntilFailed() async throws {
        let e = try E2E()
        let c = try e.client()
        let id = try await c.enqueue(enqueueRequest("flaky", at: "2026-03-01T11:00:00")).schedule.id
        var delays: [Int64] = []
        for attempt in 1...4 {
            let item = try #require(try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 1, leaseSeconds: 60, workerID: "w")).items.first, "attempt \(attempt)")
            #expect(item.attempt == Int32(attempt))
            let r = try await c.fail(V1.FailRequest(projectID: "blog", scheduleID: id, leaseToken: item.leaseToken, error: "HTTP 500"))
            if attempt <= 3 {
                #expect(r.willRetry)
                let delay = (r.nextAttemptAtMs - e.clock.now().unixMilliseconds) / 1000
                delays.append(delay)
                e.clock.set(Instant(unixMilliseconds: r.nextAttemptAtMs))
            } else {
                #expect(!r.willRetry)
                #expect(r.schedule.queueStatus == .failed && r.schedule.status == .failed)
            }
        }
        #expect(delays == [300, 600, 1200])
        await e.shutdown()
    }

    @Test("partial success: retried for the failed platform, completed at the last retry")
    func partialSuccess() async throws {
        let e = try E2E()
        let c = try e.client()
        var req = enqueueRequest("multi", at: "2026-03-01T11:00:00", platforms: ["twitter", "medium"])
        req.maxRetries = 1
        let id = try await c.enqueue(req).schedule.id
        let first = try #require(try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 1, leaseSeconds: 60, workerID: "w")).items.first)
        let r1 = try await c.fail(V1.FailRequest(projectID: "blog", scheduleID: id, leaseToken: first.leaseToken, error: "medium down", results: [
            V1.PlatformResult(platform: "TWITTER", success: true, publishedURL: "https://x.com/9"),
            V1.PlatformResult(platform: "MEDIUM", success: false, error: "HTTP 502"),
        ]))
        #expect(r1.willRetry)
        e.clock.set(Instant(unixMilliseconds: r1.nextAttemptAtMs))
        let second = try #require(try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 1, leaseSeconds: 60, workerID: "w")).items.first)
        let published = second.schedule.results.filter(\.success).map(\.platform)
        #expect(published == ["TWITTER"])
        // Get shows the attempts history and the latest result per platform.
        let seen = try await c.get(projectID: "blog", scheduleID: id)
        #expect(seen.attempts.map(\.number) == [1, 2])
        #expect(seen.attempts.first?.outcome == .failed && seen.attempts.first?.error == "medium down")
        #expect(seen.attempts.last?.outcome == .inProgress)
        #expect(seen.results.first { $0.platform == "TWITTER" }?.publishedURL == "https://x.com/9")
        #expect(seen.results.first { $0.platform == "MEDIUM" }?.error == "HTTP 502")
        let r2 = try await c.fail(V1.FailRequest(projectID: "blog", scheduleID: id, leaseToken: second.leaseToken, error: "medium still down", results: [
            V1.PlatformResult(platform: "MEDIUM", success: false, error: "HTTP 502"),
        ]))
        #expect(!r2.willRetry)
        #expect(r2.schedule.queueStatus == .completed, "partial success at the last retry counts as completed")
        await e.shutdown()
    }

    @Test("a daily series keeps 09:00 New York time across the DST change")
    func recurringAcrossDST() async throws {
        let e = try E2E(now: "2026-03-07T15:00:00Z")
        let c = try e.client()
        var req = enqueueRequest("daily", at: "2026-03-07T09:00:00", tz: "America/New_York")
        req.recurrence = .rrule("FREQ=DAILY")
        let first = try await c.enqueue(req).schedule
        #expect(first.scheduledForMs == e.instant("2026-03-07T14:00:00Z").unixMilliseconds)
        let item = try #require(try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 1, leaseSeconds: 60, workerID: "w")).items.first)
        let done = try await c.complete(V1.CompleteRequest(projectID: "blog", scheduleID: first.id, leaseToken: item.leaseToken))
        let next = try #require(done.nextOccurrence)
        #expect(next.localTime == "2026-03-08T09:00:00")
        #expect(next.scheduledForMs == e.instant("2026-03-08T13:00:00Z").unixMilliseconds, "EDT after the change: UTC-4")
        #expect(next.seriesID == first.seriesID && !next.seriesID.isEmpty)
        await e.shutdown()
    }

    @Test("manual publish: due now; refused while processing or completed")
    func manualPublish() async throws {
        let e = try E2E()
        let c = try e.client()
        let id = try await c.enqueue(enqueueRequest("later", at: "2026-04-01T09:00:00")).schedule.id
        #expect(try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 5, leaseSeconds: 60, workerID: "w")).items.isEmpty)
        let r = try await c.publishNow(projectID: "blog", scheduleID: id)
        #expect(r.message == "Manual publish triggered")
        let item = try #require(try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 5, leaseSeconds: 60, workerID: "w")).items.first)
        _ = try await c.start(V1.StartRequest(projectID: "blog", scheduleID: id, leaseToken: item.leaseToken))
        do {
            _ = try await c.publishNow(projectID: "blog", scheduleID: id)
            Issue.record("manual publish of a processing item accepted")
        } catch {
            #expect(error.code == .failedPrecondition)
        }
        await e.shutdown()
    }

    @Test("stats and daily metrics after a run")
    func statsAndMetrics() async throws {
        let e = try E2E()
        let c = try e.client()
        for i in 0..<4 { _ = try await c.enqueue(enqueueRequest("s\(i)", at: "2026-03-01T11:0\(i):00")) }
        e.clock.advance(seconds: 30)
        try await c.work(project: "blog", concurrency: 2, lease: .seconds(60), stopWhenIdle: true) { item in
            return item.schedule.contentID == "s3" ? .failed(error: "nope", results: [], retryable: false) : .published([])
        }
        try await e.engine.runOnce(forceRollup: true)
        let r = try await c.stats(V1.StatsRequest(projectID: "blog"))
        #expect(r.stats.completed == 3 && r.stats.failed == 1)
        #expect(r.stats.successRate == 75)
        let today = try #require(r.metrics.last)
        #expect(today.totalCompleted == 3 && today.totalFailed == 1)
        await e.shutdown()
    }

    @Test("an idempotent enqueue retried after a dropped connection creates one schedule")
    func idempotentAfterDrop() async throws {
        // The first Enqueue commits, then the server drops every connection before answering:
        // the response is lost, the client sees a lost connection and retries with the same key.
        let e = try E2E(dropConnectionAfterFirstEnqueue: true)
        let c = try e.client()
        var req = enqueueRequest("once", at: "2026-03-06T09:00:00")
        req.idempotencyKey = "release-notes-42"
        let created = try await c.enqueue(req)
        #expect(e.enqueueCalls.value == 2, "the first answer was lost and the call was retried")
        #expect(try await c.list(V1.ListRequest(projectID: "blog")).pagination.total == 1)
        #expect(try await c.get(projectID: "blog", scheduleID: created.schedule.id).contentID == "once")
        // A different request under the same key is refused.
        var other = req
        other.contentID = "twice"
        do {
            _ = try await c.enqueue(other)
            Issue.record("a different request reused the key")
        } catch {
            #expect(error.code == .alreadyExists)
        }
        // Without a key the client generates one, so the same holds for a plain enqueue.
        let plain = try await c.enqueue(enqueueRequest("plain", at: "2026-03-06T10:00:00"))
        #expect(!plain.schedule.idempotencyKey.isEmpty)
        #expect(try await c.list(V1.ListRequest(projectID: "blog")).pagination.total == 2)
        await e.shutdown()
    }

    @Test("Dequeue honours the dispatch limits: 5 in flight per project, N projects at once")
    func dispatchLimits() async throws {
        var limits = DispatchLimits()
        limits.maxDispatchingProjects = 1
        let e = try E2E(dispatch: limits)
        let c = try e.client(token: e.adminToken)
        for i in 0..<8 { _ = try await c.enqueue(enqueueRequest("b\(i)", at: "2026-03-01T11:0\(i):00")) }
        _ = try await c.enqueue(enqueueRequest("n0", at: "2026-03-01T11:00:00", project: "news"))
        let first = try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 10, leaseSeconds: 60, workerID: "w")).items
        #expect(first.count == 5, "at most 5 in flight per project")
        #expect(try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 10, leaseSeconds: 60, workerID: "w")).items.isEmpty)
        #expect(try await c.dequeue(V1.DequeueRequest(projectID: "news", limit: 10, leaseSeconds: 60, workerID: "w")).items.isEmpty, "blog holds the only dispatch slot")
        _ = try await c.complete(V1.CompleteRequest(projectID: "blog", scheduleID: first[0].schedule.id, leaseToken: first[0].leaseToken))
        #expect(try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 10, leaseSeconds: 60, workerID: "w")).items.count == 1)
        // Leases that expire free the slot too.
        e.clock.advance(seconds: 61)
        #expect(try await c.dequeue(V1.DequeueRequest(projectID: "news", limit: 10, leaseSeconds: 60, workerID: "w")).items.count == 1)
        await e.shutdown()
    }

    @Test("store errors over the wire name fields of the method's request message")
    func storeFieldsAreRequestFields() async throws {
        let e = try E2E()
        let c = try e.client()
        let id = try await c.enqueue(enqueueRequest("x", at: "2026-03-06T09:00:00")).schedule.id
        let busy = e.instant("2026-03-03T12:00:00Z").unixMilliseconds
        for i in 0..<5 {
            var r = V1.EnqueueRequest(projectID: "blog", contentID: "burst-\(i)", scheduledForMs: busy, platforms: ["twitter"])
            r.timezone = "UTC"
            _ = try await c.enqueue(r)
        }
        let long = String(repeating: "n", count: 17_000)
        let cases: [(method: String, expected: String, call: @Sendable () async throws -> Void)] = [
            ("Enqueue", "enqueue.metadata_json", {
                var r = enqueueRequest("m", at: "2026-03-07T09:00:00")
                r.metadataJSON = "{not json"
                _ = try await c.enqueue(r)
            }),
            ("Enqueue", "enqueue.timezone", { _ = try await c.enqueue(enqueueRequest("z", at: "2026-03-07T09:00:00", tz: "Mars/Olympus")) }),
            ("Enqueue", "enqueue.local_time", { _ = try await c.enqueue(enqueueRequest("old", at: "1800-01-01T09:00:00")) }),
            ("Enqueue", "enqueue.platforms[1]", { _ = try await c.enqueue(enqueueRequest("p", at: "2026-03-07T09:00:00", platforms: ["twitter", "myspace"])) }),
            ("Enqueue", "enqueue.notes", {
                var r = enqueueRequest("n", at: "2026-03-07T09:00:00")
                r.notes = long
                _ = try await c.enqueue(r)
            }),
            ("Enqueue", "enqueue.recurring_until_ms", {
                var r = enqueueRequest("u", at: "2026-03-07T09:00:00")
                r.recurrence = .rrule("FREQ=DAILY")
                r.recurringUntilMs = e.instant("2026-03-01T00:00:00Z").unixMilliseconds
                _ = try await c.enqueue(r)
            }),
            // A blocking conflict names the time field the request used.
            ("Enqueue", "enqueue.scheduled_for_ms", {
                _ = try await c.enqueue(V1.EnqueueRequest(projectID: "blog", contentID: "burst-5", timezone: "UTC", scheduledForMs: busy, platforms: ["twitter"]))
            }),
            ("Dequeue", "dequeue.worker_id", {
                _ = try await c.dequeue(V1.DequeueRequest(projectID: "blog", workerID: String(repeating: "w", count: 257)))
            }),
            ("Start", "start.lease_token", { _ = try await c.start(V1.StartRequest(projectID: "blog", scheduleID: id, leaseToken: "stale")) }),
            ("Fail", "fail.error", { _ = try await c.fail(V1.FailRequest(projectID: "blog", scheduleID: id, leaseToken: "t", error: long)) }),
            ("Update", "update.platforms[1]", { _ = try await c.update(V1.UpdateRequest(projectID: "blog", scheduleID: id, platforms: ["twitter", "myspace"])) }),
            ("Update", "update.timezone", { _ = try await c.update(V1.UpdateRequest(projectID: "blog", scheduleID: id, timezone: "Mars/Olympus")) }),
            // The zone is the request's when given (it used to be ignored).
            ("Reschedule", "reschedule.timezone", {
                _ = try await c.reschedule(V1.RescheduleRequest(projectID: "blog", scheduleID: id, localTime: "2030-01-01T09:00:00", timezone: "Mars/Olympus"))
            }),
            ("Reschedule", "reschedule.local_time", {
                _ = try await c.reschedule(V1.RescheduleRequest(projectID: "blog", scheduleID: id, localTime: "1800-01-01T09:00:00"))
            }),
            ("Validate", "validate.local_time", {
                _ = try await c.validate(V1.ValidateRequest(projectID: "blog", localTime: "1800-01-01T09:00:00", timezone: "UTC", platforms: ["twitter"]))
            }),
            ("Validate", "validate.timezone", {
                _ = try await c.validate(V1.ValidateRequest(projectID: "blog", localTime: "2026-03-07T09:00:00", timezone: "Mars/Olympus", platforms: ["twitter"]))
            }),
            ("ResolveConflict", "resolve_conflict.resolution", {
                _ = try await c.resolveConflict(V1.ResolveConflictRequest(projectID: "blog", conflictID: "cfl_x", resolution: long))
            }),
        ]
        for (method, expected, call) in cases {
            do {
                try await call()
                Issue.record("\(expected): the call succeeded")
            } catch let error as SchedulerError {
                #expect(error.field == expected, "\(error)")
                #expect(error.message.hasPrefix(expected + ": ") || error.code == .failedPrecondition, "\(error)")
                let request = try #require(V1.Scheduler.methods.first { $0.name == method }).requestMessageName
                let path = String(expected.drop { $0 != "." }.dropFirst())
                #expect(ContractIntrospection.fieldPathExists(path, inMessage: request), "\(expected) in \(request)")
            }
        }
        await e.shutdown()
    }

    @Test("authorization: another project's token is refused; bad fields are named")
    func authorization() async throws {
        let e = try E2E()
        let blog = try e.client()
        let news = try e.client(token: e.newsToken)
        let id = try await blog.enqueue(enqueueRequest("mine", at: "2026-03-06T09:00:00")).schedule.id
        do {
            _ = try await news.get(projectID: "blog", scheduleID: id)
            Issue.record("news read blog's schedule")
        } catch {
            #expect(error.code == .permissionDenied)
        }
        do {
            _ = try await news.get(projectID: "news", scheduleID: id)
            Issue.record("a schedule was visible under another project")
        } catch {
            #expect(error.code == .notFound)
        }
        let anonymous = try e.client(token: "st_000000000000_nope")
        do {
            _ = try await anonymous.list(V1.ListRequest(projectID: "blog"))
            Issue.record("a forged token was accepted")
        } catch {
            #expect(error.code == .unauthenticated)
        }
        do {
            _ = try await blog.enqueue(enqueueRequest("bad", at: "2026-03-06T09:00:00", priority: 11))
            Issue.record("priority 11 accepted")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.field == "enqueue.priority")
        }
        do {
            _ = try await blog.enqueue(enqueueRequest("bad", at: "2026-03-06T09:00:00", tz: "Mars/Olympus"))
            Issue.record("unknown zone accepted")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.field?.contains("time") == true || error.field?.contains("zone") == true)
        }
        await e.shutdown()
    }
}
