import Foundation
import SchedulerClient
import SchedulingCore
import TestSupport
import Testing
import WireProtocol

/// The `Date` of an ISO 8601 UTC text, e.g. "2026-03-01T12:00:00Z".
private func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

/// The manual clock's time as a `Date`.
private func now(_ e: E2E) -> Date { Date(timeIntervalSince1970: Double(e.clock.now().unixMilliseconds) / 1000) }

@Suite("Client API: Date and Duration views of the wire's times")
struct TimeConvenienceTests {
    @Test("a Date round-trips through the wire's milliseconds, to the nearest millisecond")
    func dateMilliseconds() {
        var r = V1.EnqueueRequest(projectID: "blog", contentID: "c", scheduledFor: utc("2026-12-01T08:00:00Z"), platforms: ["x"])
        #expect(r.scheduledForMs == 1_796_112_000_000)
        #expect(r.scheduledFor == utc("2026-12-01T08:00:00Z"))
        r.scheduledFor = Date(timeIntervalSince1970: 1.2345)
        #expect(r.scheduledForMs == 1235)
        r.localTime = "2026-12-01T09:00:00"
        r.scheduledFor = nil
        #expect(r.scheduledForMs == 0 && r.scheduledFor == nil && r.localTime == "2026-12-01T09:00:00")
        r.scheduledFor = utc("2026-12-01T08:00:00Z")
        #expect(r.localTime.isEmpty, "an instant replaces the local time: the server takes one or the other")
        r.retryDelay = .seconds(90)
        r.publishDelay = .milliseconds(1500)
        #expect(r.retryDelaySeconds == 90 && r.publishDelaySeconds == 2)
        r.retryDelay = nil
        #expect(r.retryDelaySeconds == nil)
    }

    @Test("a time that is 0 on the wire reads as nil where a time may be absent")
    func zeroIsNil() {
        var list = V1.ListRequest(projectID: "blog")
        #expect(list.from == nil && list.to == nil)
        list.from = utc("2026-03-01T00:00:00Z")
        list.to = utc("2026-03-02T00:00:00Z")
        #expect(list.toMs - list.fromMs == 86_400_000)
        var update = V1.UpdateRequest(projectID: "blog", scheduleID: "s")
        #expect(update.scheduledFor == nil && update.scheduledForMs == nil)
        update.scheduledFor = Date(timeIntervalSince1970: 0)
        #expect(update.scheduledForMs == 0, "an Update's time is optional on the wire: the epoch is a time")
        let failed = V1.FailResponse(willRetry: false, nextAttemptAtMs: 0, schedule: Self.schedule)
        #expect(failed.nextAttemptAt == nil)
        #expect(Self.schedule.publishedAt == nil && Self.schedule.recurringUntil == nil)
    }

    @Test("lengths of time are whole seconds on the wire, rounded up")
    func durations() {
        let dequeue = V1.DequeueRequest(projectID: "blog", limit: 2, lease: .milliseconds(90_001), workerID: "w")
        #expect(dequeue.leaseSeconds == 91 && dequeue.lease == .seconds(91))
        #expect(V1.DequeueRequest(projectID: "blog", workerID: "w").lease == nil)
        var heartbeat = V1.HeartbeatRequest(projectID: "blog", scheduleID: "s", leaseToken: "t", extend: .seconds(120))
        #expect(heartbeat.extendSeconds == 120)
        heartbeat.extend = nil
        #expect(heartbeat.extendSeconds == 0)
        #expect(V1.HeartbeatRequest(projectID: "b", scheduleID: "s", leaseToken: "t", extend: .seconds(1 << 40)).extendSeconds == .max)
    }

    static let schedule: V1.Schedule = {
        var s = V1.Schedule(id: "s", projectID: "blog", contentID: "c", scheduledForMs: 1000, platforms: ["x"])
        s.createdAtMs = 500
        return s
    }()

    @Test("a schedule, its lease and the worker calls' answers read as Dates over a real server")
    func endToEnd() async throws {
        let e = try E2E()
        let c = try e.client()
        // A local time in a zone: 09:00 in Berlin is 08:00 UTC in winter.
        let berlin = try await c.enqueue(.init(projectID: "blog", contentID: "berlin", localTime: "2026-03-10T09:00:00",
            timezone: "Europe/Berlin", platforms: ["twitter"]))
        #expect(berlin.schedule.scheduledFor == utc("2026-03-10T08:00:00Z"))
        #expect(berlin.schedule.createdAt == now(e))
        // An instant, due now.
        let due = try await c.enqueue(V1.EnqueueRequest(projectID: "blog", contentID: "now", scheduledFor: now(e), platforms: ["twitter"]))
        #expect(due.schedule.scheduledFor == now(e))

        let item = try #require(try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 1, lease: .seconds(90), workerID: "w1")).items.first)
        #expect(item.schedule.id == due.schedule.id)
        #expect(item.leaseExpiresAt == now(e).addingTimeInterval(90))
        let started = try await c.start(V1.StartRequest(projectID: "blog", scheduleID: item.schedule.id, leaseToken: item.leaseToken))
        #expect(started.schedule.lease?.expiresAt == item.leaseExpiresAt)
        #expect(started.schedule.processingAt == now(e))

        e.clock.advance(seconds: 30)
        let beat = try await c.heartbeat(V1.HeartbeatRequest(projectID: "blog", scheduleID: item.schedule.id, leaseToken: item.leaseToken, extend: .seconds(120)))
        #expect(beat.leaseExpiresAt == now(e).addingTimeInterval(120))

        let failed = try await c.fail(V1.FailRequest(projectID: "blog", scheduleID: item.schedule.id, leaseToken: item.leaseToken, error: "HTTP 503", retryable: true))
        #expect(failed.willRetry && failed.nextAttemptAt == now(e).addingTimeInterval(300))

        // A time window as Dates: only the Berlin schedule is due on the 10th.
        var window = V1.ListRequest(projectID: "blog")
        window.from = utc("2026-03-10T00:00:00Z")
        window.to = utc("2026-03-11T00:00:00Z")
        #expect(try await c.list(window).items.map(\.contentID) == ["berlin"])

        // Reschedule and Update to an instant.
        let moved = try await c.reschedule(V1.RescheduleRequest(projectID: "blog", scheduleID: berlin.schedule.id, scheduledFor: utc("2026-03-12T07:30:00Z")))
        #expect(moved.schedule.scheduledFor == utc("2026-03-12T07:30:00Z"))
        var update = V1.UpdateRequest(projectID: "blog", scheduleID: berlin.schedule.id)
        update.scheduledFor = utc("2026-03-13T07:30:00Z")
        #expect(try await c.update(update).schedule.scheduledFor == utc("2026-03-13T07:30:00Z"))
        await e.shutdown()
    }
}

@Suite("Client API: a request-struct method for every RPC, returning its response message", .timeLimit(.minutes(1)))
struct RequestStructTests {
    @Test("every RPC through its request struct")
    func everyRPC() async throws {
        let e = try E2E()
        let c = try e.client()
        let health: V1.HealthResponse = try await c.health(V1.HealthRequest())
        #expect(health.status == .serving)

        let created: V1.EnqueueResponse = try await c.enqueue(enqueueRequest("post-1", at: "2026-03-01T11:00:00"))
        let id = created.schedule.id
        let got: V1.GetResponse = try await c.get(V1.GetRequest(projectID: "blog", scheduleID: id))
        #expect(got.schedule.contentID == "post-1")
        let listed: V1.ListResponse = try await c.list(V1.ListRequest(projectID: "blog"))
        #expect(listed.items.map(\.id) == [id])
        var change = V1.UpdateRequest(projectID: "blog", scheduleID: id)
        change.priority = 8
        let updated: V1.UpdateResponse = try await c.update(change)
        #expect(updated.schedule.priority == 8)

        let dequeued: V1.DequeueResponse = try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 1, lease: .seconds(60), workerID: "w"))
        let token = try #require(dequeued.items.first).leaseToken
        let started: V1.StartResponse = try await c.start(V1.StartRequest(projectID: "blog", scheduleID: id, leaseToken: token))
        #expect(started.schedule.queueStatus == .processing)
        let beat: V1.HeartbeatResponse = try await c.heartbeat(V1.HeartbeatRequest(projectID: "blog", scheduleID: id, leaseToken: token))
        #expect(beat.leaseExpiresAtMs > 0)
        let done: V1.CompleteResponse = try await c.complete(
            V1.CompleteRequest(projectID: "blog", scheduleID: id, leaseToken: token, results: [V1.PlatformResult(platform: "twitter", success: true)]))
        #expect(done.schedule.queueStatus == .completed)

        let second = try await c.enqueue(enqueueRequest("post-2", at: "2026-03-01T11:30:00")).schedule.id
        let lease = try #require(try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 1, workerID: "w")).items.first)
        let failed: V1.FailResponse = try await c.fail(
            V1.FailRequest(projectID: "blog", scheduleID: second, leaseToken: lease.leaseToken, error: "boom", retryable: false))
        #expect(!failed.willRetry)

        // A lease lost mid-publish, held as "outcome unknown", then confirmed by a person.
        let held = try await c.enqueue(enqueueRequest("post-h", at: "2026-03-01T11:45:00")).schedule.id
        let lost = try #require(
            try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 1, lease: .seconds(10), workerID: "w", start: true)).items.first)
        #expect(lost.schedule.id == held)
        e.clock.advance(seconds: 30)
        #expect(try await e.store.reapExpiredLeases().heldOutcomeUnknown == 1)
        let confirmed: V1.ConfirmOutcomeResponse = try await c.confirmOutcome(
            V1.ConfirmOutcomeRequest(projectID: "blog", scheduleID: held, published: true, note: "checked"))
        #expect(confirmed.schedule.queueStatus == .completed)

        let third = try await c.enqueue(enqueueRequest("post-3", at: "2026-03-02T09:00:00")).schedule.id
        let paused: V1.PauseResponse = try await c.pause(V1.PauseRequest(projectID: "blog", scheduleID: third))
        #expect(paused.schedule.queueStatus == .paused)
        let resumed: V1.ResumeResponse = try await c.resume(V1.ResumeRequest(projectID: "blog", scheduleID: third))
        #expect(resumed.schedule.queueStatus == .pending)
        let now: V1.PublishNowResponse = try await c.publishNow(V1.PublishNowRequest(projectID: "blog", scheduleID: third))
        #expect(now.schedule.scheduledForMs <= e.clock.now().unixMilliseconds)
        let moved: V1.RescheduleResponse = try await c.reschedule(
            V1.RescheduleRequest(projectID: "blog", scheduleID: third, localTime: "2026-03-05T10:00:00"))
        #expect(moved.schedule.localTime == "2026-03-05T10:00:00")
        let batchPaused: V1.BatchPauseResponse = try await c.batchPause(V1.BatchPauseRequest(projectID: "blog", scheduleIDs: [third]))
        #expect(batchPaused.affected == 1 && batchPaused.skippedIDs.isEmpty)
        let batchResumed: V1.BatchResumeResponse = try await c.batchResume(V1.BatchResumeRequest(projectID: "blog", scheduleIDs: [third]))
        #expect(batchResumed.affected == 1)
        let cancelled: V1.CancelResponse = try await c.cancel(V1.CancelRequest(projectID: "blog", scheduleID: third, reason: "dropped"))
        #expect(cancelled.schedule.queueStatus == .cancelled)
        let batchCancelled: V1.BatchCancelResponse = try await c.batchCancel(V1.BatchCancelRequest(projectID: "blog", scheduleIDs: [third]))
        #expect(batchCancelled.affected == 0 && batchCancelled.skippedIDs == [third])

        let validated: V1.ValidateResponse = try await c.validate(
            V1.ValidateRequest(projectID: "blog", localTime: "2026-03-06T10:00:00", timezone: "UTC", platforms: ["twitter"]))
        #expect(validated.valid)
        _ = try await c.enqueue(enqueueRequest("post-4", at: "2026-03-06T10:00:00"))
        _ = try await c.enqueue(enqueueRequest("post-5", at: "2026-03-06T10:00:30"))
        let conflicts: V1.ListConflictsResponse = try await c.listConflicts(V1.ListConflictsRequest(projectID: "blog"))
        let conflict = try #require(conflicts.conflicts.first)
        let resolved: V1.StoredConflict = try await c.resolveConflict(
            V1.ResolveConflictRequest(projectID: "blog", conflictID: conflict.id, resolution: "intended"))
        #expect(resolved.resolved)
        let stats: V1.StatsResponse = try await c.stats(V1.StatsRequest(projectID: "blog"))
        #expect(stats.stats.completed == 2)
        #expect(stats.platforms.isEmpty, "counted per platform only when asked")
        // Every schedule here is on twitter alone: its counts are the project's.
        let byPlatform = try await c.stats(V1.StatsRequest(projectID: "blog", byPlatform: true))
        let s = stats.stats
        #expect(
            byPlatform.platforms == [
                V1.PlatformQueueCounts(
                    platform: "TWITTER", pending: s.pending, queued: s.queued, processing: s.processing, completed: s.completed,
                    failed: s.failed, cancelled: s.cancelled, paused: s.paused)
            ])
        let occurrences: [V1.Occurrence] = try await c.previewOccurrences(
            V1.PreviewOccurrencesRequest(recurrence: .rrule("FREQ=DAILY"), startLocalTime: "2026-03-07T09:00:00", timezone: "UTC", count: 2))
        #expect(occurrences.map(\.at) == [utc("2026-03-07T09:00:00Z"), utc("2026-03-08T09:00:00Z")])
        // The generic form returns any RPC's response message.
        let preview = try await c.call(
            V1.Scheduler.PreviewOccurrences.self,
            V1.PreviewOccurrencesRequest(recurrence: .rrule("FREQ=DAILY"), startLocalTime: "2026-03-07T09:00:00", timezone: "UTC", count: 1))
        #expect(preview.occurrences.count == 1)
        await e.shutdown()
    }

    @Test("the labelled conveniences return the unwrapped value")
    func conveniences() async throws {
        let e = try E2E()
        let c = try e.client()
        let id = try await c.enqueue(enqueueRequest("post-1", at: "2026-03-02T09:00:00")).schedule.id
        let schedule: V1.Schedule = try await c.get(projectID: "blog", scheduleID: id)
        #expect(schedule.id == id)
        let count: Int = try await c.batchPause(projectID: "blog", scheduleIDs: [id])
        #expect(count == 1)
        let status: V1.ServingStatus = try await c.health()
        #expect(status == .serving)
        _ = try await c.enqueue(enqueueRequest("post-2", at: "2026-03-02T09:00:20"))
        let conflict = try #require(try await c.listConflicts(V1.ListConflictsRequest(projectID: "blog")).conflicts.first)
        let resolved = try await c.resolveConflict(projectID: "blog", conflictID: conflict.id, resolution: "fine")
        #expect(resolved.resolution == "fine")

        _ = try await c.enqueue(enqueueRequest("post-3", at: "2026-03-01T11:00:00"))
        let lost = try #require(
            try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 1, lease: .seconds(10), workerID: "w", start: true)).items.first)
        e.clock.advance(seconds: 30)
        _ = try await e.store.reapExpiredLeases()
        let at = now(e).addingTimeInterval(-20)
        let confirmed: V1.Schedule = try await c.confirmOutcome(
            projectID: "blog", scheduleID: lost.schedule.id, published: true, urls: ["twitter": "https://twitter.com/b/9"],
            publishedAt: at, note: "checked")
        #expect(confirmed.publishedAt == at)
        let attempt = try #require(try await c.get(projectID: "blog", scheduleID: lost.schedule.id).attempts.last)
        #expect(attempt.outcome == .outcomeUnknown && attempt.confirmation?.confirmedAt == now(e))
        #expect(try await c.get(projectID: "blog", scheduleID: lost.schedule.id).results.first?.publishedURL == "https://twitter.com/b/9")
        await e.shutdown()
    }
}

@Suite("Client API: close() and withSchedulerClient", .timeLimit(.minutes(1)))
struct CloseTests {
    @Test("close() lets a call in flight finish with its answer, refuses new calls, then closes the connection")
    func closeFinishesInFlightCalls() async throws {
        let server = try ScriptedServer()  // holds every request until answerHeld
        defer { server.shutdown() }
        let client = try server.client()
        let inFlight = Task { try await client.health(timeout: .seconds(30)) }
        for await frame in server.frames { if case .request = frame.kind { break } }

        let closing = Task { await client.close() }
        #expect(await eventually { client.isClosed })
        let refused = await #expect(throws: SchedulerError.self) { try await client.health() }
        #expect(refused?.code == .failedPrecondition && refused?.cause == .notSent, "\(String(describing: refused))")
        #expect(server.requests.count == 1, "a call after close() is not sent")
        #expect(!server.receivedFrames.contains { if case .goAway = $0.kind { true } else { false } },
            "the connection stays open while a call is in flight")

        #expect(server.answerHeld(with: .ok(V1.HealthResponse(status: .serving))) == 1)
        #expect(try await inFlight.value == .serving)
        await closing.value
        // The client said go-away once its last call was answered.
        for await frame in server.frames { if case .goAway(let g) = frame.kind { #expect(g.reason == "client closing"); break } }
        let again = await #expect(throws: SchedulerError.self) { try await client.get(projectID: "blog", scheduleID: "s") }
        #expect(again?.code == .failedPrecondition)
        await client.close()  // a second close returns at once
    }

    @Test("close() with a call the server never answers returns once that call's own deadline ends it")
    func closeWaitsForTheDeadline() async throws {
        let server = try ScriptedServer()
        defer { server.shutdown() }
        let client = try server.client()
        let inFlight = Task { () async -> SchedulerError? in
            do throws(SchedulerError) {
                _ = try await client.health(timeout: .milliseconds(300))
                return nil
            } catch {
                return error
            }
        }
        for await frame in server.frames { if case .request = frame.kind { break } }
        let start = ContinuousClock.now
        await client.close()
        #expect(ContinuousClock.now - start < .seconds(5))
        let error = await inFlight.value
        #expect(error?.code == .deadlineExceeded && error?.cause == .sentNoAnswer, "\(String(describing: error))")
    }

    @Test("close() on a client that never connected returns at once; later calls fail, and are not retried")
    func closeUnused() async throws {
        let server = try ScriptedServer { _ in .ok(V1.HealthResponse(status: .serving)) }
        defer { server.shutdown() }
        let client = try server.client(retries: 4)
        await client.close()
        #expect(client.isClosed)
        let error = await #expect(throws: SchedulerError.self) { try await client.enqueue(enqueueRequest("p", at: "2026-03-01T11:00:00")) }
        #expect(error?.code == .failedPrecondition && error?.message.contains("closed") == true)
        #expect(server.receivedFrames.isEmpty)
    }

    @Test("withSchedulerClient closes the client when the body returns")
    func scopedReturn() async throws {
        let e = try E2E()
        let config = try e.client().configuration
        let (client, status) = try await withSchedulerClient(configuration: config) { client in
            (client, try await client.health())
        }
        #expect(status == .serving)
        #expect(client.isClosed)
        let error = await #expect(throws: SchedulerError.self) { try await client.health() }
        #expect(error?.code == .failedPrecondition)
        await e.shutdown()
    }

    struct BodyFailed: Error {}

    @Test("withSchedulerClient closes the client when the body throws, and rethrows the body's error")
    func scopedThrow() async throws {
        let e = try E2E()
        let config = try e.client().configuration
        let captured = Captured()
        await #expect(throws: BodyFailed.self) {
            try await withSchedulerClient(configuration: config) { client in
                captured.client = client
                _ = try await client.enqueue(enqueueRequest("p", at: "2026-03-01T11:00:00"))
                throw BodyFailed()
            }
        }
        let client = try #require(captured.client)
        #expect(client.isClosed)
        #expect(e.enqueueCalls.value == 1)
        await e.shutdown()
    }

    final class Captured: @unchecked Sendable {
        // Set once inside the body, read after withSchedulerClient returned.
        var client: SchedulerClient?
    }

    @Test("withSchedulerClient with an address that cannot be parsed throws INVALID_ARGUMENT and runs no body")
    func scopedBadAddress() async throws {
        let ran = Captured()
        let error = await #expect(throws: SchedulerError.self) {
            try await withSchedulerClient(configuration: SchedulerClientConfiguration(address: "no port")) { client in
                ran.client = client
            }
        }
        #expect(error?.code == .invalidArgument)
        #expect(ran.client == nil)
    }
}
