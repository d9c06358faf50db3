import Foundation
import WireProtocol

// One method per RPC taking its request struct and returning its response message, plus
// labelled-parameter conveniences (see the return-type rule in SchedulerClient's documentation).
//
// Every method's `timeout` is the whole call's deadline from now (connecting, every attempt and the
// backoff between them); nil uses `SchedulerClientConfiguration.defaultTimeout`. Every method throws
// `SchedulerError`; the errors listed per method are the server's typical answers, on top of those
// any call can end with: DEADLINE_EXCEEDED, UNAVAILABLE (no connection, or the server is draining),
// UNAUTHENTICATED, PERMISSION_DENIED (the token may not use the project), RESOURCE_EXHAUSTED (rate
// limit, with `retry-after-ms`), CANCELLED (the calling task was cancelled) and FAILED_PRECONDITION
// after `close()`.
extension SchedulerClient {
    /// `SchedulerV1.EnqueueRequest`, under the client's name.
    public typealias EnqueueRequest = V1.EnqueueRequest
    /// `SchedulerV1.EnqueueResponse`, under the client's name.
    public typealias EnqueueResponse = V1.EnqueueResponse

    // MARK: Queue

    /// Creates a one-off or recurring schedule.
    ///
    /// The time is `localTime` in `timezone`, or `scheduledForMs`
    /// (``WireProtocol/SchedulerV1/EnqueueRequest/init(projectID:contentID:scheduledFor:platforms:priority:)``
    /// takes a `Date`). A time in the past is accepted and due at once (`pastDue` and `warning`
    /// in the response).
    ///
    /// - Throws: INVALID_ARGUMENT naming the field (``SchedulerError/field``); FAILED_PRECONDITION
    ///   for blocking conflicts (``SchedulerError/conflicts``) unless `autoResolve` moved the time;
    ///   ALREADY_EXISTS when the idempotency key was used for a different request.
    /// - Retries: safe to repeat. The request always carries an idempotency key (one is generated
    ///   when the caller gives none), so a retry after a lost connection cannot create a second
    ///   schedule; the client retries UNAVAILABLE and lost connections itself.
    public func enqueue(_ request: V1.EnqueueRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.EnqueueResponse {
        var r = request
        if r.idempotencyKey.isEmpty { r.idempotencyKey = "auto-" + UUID().uuidString.lowercased() }
        return try await call(S.Enqueue.self, r, timeout: timeout)
    }

    /// Creates up to 500 schedules in one call and one transaction (EnqueueBatch): one result per
    /// item, in order, each what ``enqueue(_:timeout:)`` would have answered. A refused item has its
    /// own `error` (code, message, conflicts, its field as `enqueue_batch.items[i]…`) and does not
    /// stop the others; later items see the earlier ones.
    ///
    /// - Throws: INVALID_ARGUMENT for no items or more than 500 (the call as a whole).
    /// - Retries: items without an idempotency key get one, so the client retries the call on
    ///   UNAVAILABLE and a repeat returns the first call's schedules.
    public func enqueueBatch(_ items: [V1.EnqueueRequest], timeout: Duration? = nil) async throws(SchedulerError)
        -> V1.EnqueueBatchResponse
    {
        let keyed = items.map { item in
            var r = item
            if r.idempotencyKey.isEmpty { r.idempotencyKey = "auto-" + UUID().uuidString.lowercased() }
            return r
        }
        return try await call(S.EnqueueBatch.self, V1.EnqueueBatchRequest(items: keyed), timeout: timeout)
    }

    /// Completes and fails up to 500 leased items in one call (Acknowledge): one result per item,
    /// in order, each what ``complete(_:timeout:)`` or ``fail(_:timeout:)`` would have answered; a
    /// refused item has its own `error` and does not stop the others.
    ///
    /// - Throws: INVALID_ARGUMENT for no items or more than 500 (the call as a whole).
    /// - Retries: idempotent per lease token; the client retries it on UNAVAILABLE.
    public func acknowledge(_ items: [V1.Acknowledgement], timeout: Duration? = nil) async throws(SchedulerError)
        -> V1.AcknowledgeResponse
    {
        try await call(S.Acknowledge.self, V1.AcknowledgeRequest(items: items), timeout: timeout)
    }

    /// Leases up to `limit` due items of a project to `workerID` (priority first, then earliest).
    ///
    /// Each item carries a lease token, its expiry (``WireProtocol/SchedulerV1/DequeuedItem/leaseExpiresAt``) and
    /// a stable attempt idempotency key. With `start = true` the items come back already PROCESSING.
    /// No item due is an answer with no items, not an error. ``work(project:concurrency:lease:workerID:pollInterval:stopWhenIdle:handler:)``
    /// runs a whole worker loop.
    ///
    /// Finished items can ride on the call (`request.acknowledge`, up to 500): they are applied
    /// first, in the same transaction, each as ``acknowledge(_:timeout:)`` applies it, and answered
    /// one by one in the response's `acknowledged`. A server older than that field answers no
    /// results for them and has not applied them: send them with ``acknowledge(_:timeout:)``.
    ///
    /// - Throws: INVALID_ARGUMENT (a limit or lease length out of range).
    /// - Retries: not retried once sent: a repeat leases further items, and the items of a lost
    ///   answer return to the queue when their lease expires.
    public func dequeue(_ request: V1.DequeueRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.DequeueResponse {
        try await call(S.Dequeue.self, request, timeout: timeout)
    }

    /// Marks a leased item PROCESSING (publishing begins). A worker must not publish unless this
    /// succeeded (or the item was dequeued with `start`).
    ///
    /// - Throws: FAILED_PRECONDITION naming `lease_token` when the lease is no longer this token's
    ///   (expired and reaped, or handed to another worker); NOT_FOUND.
    /// - Retries: idempotent per lease token (a repeat returns the schedule); the client retries it
    ///   on UNAVAILABLE.
    public func start(_ request: V1.StartRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.StartResponse {
        try await call(S.Start.self, request, timeout: timeout)
    }

    /// Extends a lease by `extendSeconds` (``WireProtocol/SchedulerV1/HeartbeatRequest/extend``); the response
    /// says when it now expires (``WireProtocol/SchedulerV1/HeartbeatResponse/leaseExpiresAt``).
    ///
    /// - Throws: FAILED_PRECONDITION naming `lease_token` when the lease was lost; NOT_FOUND.
    /// - Retries: idempotent per lease token; the client retries it on UNAVAILABLE.
    public func heartbeat(_ request: V1.HeartbeatRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.HeartbeatResponse {
        try await call(S.Heartbeat.self, request, timeout: timeout)
    }

    /// Reports a published item with its per-platform results; ends the lease. A recurring series
    /// returns its next occurrence (`nextOccurrence`).
    ///
    /// - Throws: FAILED_PRECONDITION naming `lease_token` when the lease was lost or ended by Fail;
    ///   INVALID_ARGUMENT; NOT_FOUND.
    /// - Retries: idempotent per lease token (a repeat returns the schedule as it is; its results are
    ///   not applied again); the client retries it on UNAVAILABLE.
    public func complete(_ request: V1.CompleteRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.CompleteResponse {
        try await call(S.Complete.self, request, timeout: timeout)
    }

    /// Reports a failed attempt; ends the lease. A retryable failure is retried by the server with
    /// backoff (`willRetry`, ``WireProtocol/SchedulerV1/FailResponse/nextAttemptAt``) until `maxRetries`.
    ///
    /// - Throws: FAILED_PRECONDITION naming `lease_token` when the lease was lost or ended by
    ///   Complete; INVALID_ARGUMENT; NOT_FOUND.
    /// - Retries: idempotent per lease token (a repeat returns the original decision; the retry is
    ///   counted once); the client retries it on UNAVAILABLE.
    public func fail(_ request: V1.FailRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.FailResponse {
        try await call(S.Fail.self, request, timeout: timeout)
    }

    // MARK: Management

    /// Reads one schedule, with its attempt history (`includeContentBody` adds the content's body).
    ///
    /// - Throws: NOT_FOUND (also for a schedule of another project).
    /// - Retries: a read; the client retries it on UNAVAILABLE.
    public func get(_ request: V1.GetRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.GetResponse {
        try await call(S.Get.self, request, timeout: timeout)
    }

    /// Reads one schedule: ``get(_:timeout:)`` returning the `SchedulerV1.Schedule` itself.
    public func get(projectID: String, scheduleID: String, timeout: Duration? = nil) async throws(SchedulerError) -> V1.Schedule {
        try await get(V1.GetRequest(projectID: projectID, scheduleID: scheduleID), timeout: timeout).schedule
    }

    /// Lists a project's schedules: filtered by status, time range (``WireProtocol/SchedulerV1/ListRequest/from``,
    /// ``WireProtocol/SchedulerV1/ListRequest/to``) and platform, sorted, one page at a time. A page past the end
    /// is an answer with no items and the total.
    ///
    /// - Throws: INVALID_ARGUMENT (a limit or range out of bounds).
    /// - Retries: a read; the client retries it on UNAVAILABLE.
    public func list(_ request: V1.ListRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.ListResponse {
        try await call(S.List.self, request, timeout: timeout)
    }

    /// Changes some fields of a schedule: only the fields that are set (non-nil) change.
    ///
    /// - Throws: INVALID_ARGUMENT; NOT_FOUND; FAILED_PRECONDITION when the schedule's state does not
    ///   allow the change or the new time has blocking conflicts (``SchedulerError/conflicts``).
    /// - Retries: not retried by the client once sent (repeating is usually harmless; read the
    ///   schedule with ``get(_:timeout:)`` to check).
    public func update(_ request: V1.UpdateRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.UpdateResponse {
        try await call(S.Update.self, request, timeout: timeout)
    }

    /// Cancels a schedule, with an optional reason.
    ///
    /// - Throws: NOT_FOUND; FAILED_PRECONDITION when its state cannot be cancelled (e.g. it has ended).
    /// - Retries: not retried by the client once sent: a repeat after a lost answer may fail with
    ///   FAILED_PRECONDITION because the first one was applied; read the schedule to check.
    public func cancel(_ request: V1.CancelRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.CancelResponse {
        try await call(S.Cancel.self, request, timeout: timeout)
    }

    /// Cancels a schedule: ``cancel(_:timeout:)`` returning the `SchedulerV1.Schedule` itself.
    public func cancel(projectID: String, scheduleID: String, reason: String = "", timeout: Duration? = nil) async throws(SchedulerError) -> V1.Schedule {
        try await cancel(V1.CancelRequest(projectID: projectID, scheduleID: scheduleID, reason: reason), timeout: timeout).schedule
    }

    /// Pauses a pending schedule: it stays out of the queue until resumed.
    ///
    /// - Throws: NOT_FOUND; FAILED_PRECONDITION when its state cannot be paused (e.g. already paused).
    /// - Retries: not retried by the client once sent (a repeat after a lost answer may fail with
    ///   FAILED_PRECONDITION because the first one was applied).
    public func pause(_ request: V1.PauseRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.PauseResponse {
        try await call(S.Pause.self, request, timeout: timeout)
    }

    /// Pauses a schedule: ``pause(_:timeout:)`` returning the `SchedulerV1.Schedule` itself.
    public func pause(projectID: String, scheduleID: String, timeout: Duration? = nil) async throws(SchedulerError) -> V1.Schedule {
        try await pause(V1.PauseRequest(projectID: projectID, scheduleID: scheduleID), timeout: timeout).schedule
    }

    /// Resumes a paused schedule.
    ///
    /// - Throws: NOT_FOUND; FAILED_PRECONDITION when it is not paused.
    /// - Retries: not retried by the client once sent (a repeat after a lost answer may fail with
    ///   FAILED_PRECONDITION because the first one was applied).
    public func resume(_ request: V1.ResumeRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.ResumeResponse {
        try await call(S.Resume.self, request, timeout: timeout)
    }

    /// Resumes a schedule: ``resume(_:timeout:)`` returning the `SchedulerV1.Schedule` itself.
    public func resume(projectID: String, scheduleID: String, timeout: Duration? = nil) async throws(SchedulerError) -> V1.Schedule {
        try await resume(V1.ResumeRequest(projectID: projectID, scheduleID: scheduleID), timeout: timeout).schedule
    }

    /// Pauses 1–1000 schedules of a project atomically: how many changed, and which ids were skipped
    /// (not found, or in a state the action does not apply to; each once, in request order).
    ///
    /// - Throws: INVALID_ARGUMENT (no ids, too many, an empty id).
    /// - Retries: not retried by the client once sent; a repeat is harmless (the ids already paused
    ///   are skipped).
    public func batchPause(_ request: V1.BatchPauseRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.BatchPauseResponse {
        try await call(S.BatchPause.self, request, timeout: timeout)
    }

    /// Pauses many schedules atomically; returns how many changed (``batchPause(_:timeout:)`` also
    /// returns the ids that were skipped).
    public func batchPause(projectID: String, scheduleIDs: [String], timeout: Duration? = nil) async throws(SchedulerError) -> Int {
        Int(try await batchPause(V1.BatchPauseRequest(projectID: projectID, scheduleIDs: scheduleIDs), timeout: timeout).affected)
    }

    /// Resumes 1–1000 schedules atomically: how many changed, and which ids were skipped.
    ///
    /// - Throws: INVALID_ARGUMENT (no ids, too many, an empty id).
    /// - Retries: not retried by the client once sent; a repeat is harmless.
    public func batchResume(_ request: V1.BatchResumeRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.BatchResumeResponse {
        try await call(S.BatchResume.self, request, timeout: timeout)
    }

    /// Resumes many schedules atomically; returns how many changed.
    public func batchResume(projectID: String, scheduleIDs: [String], timeout: Duration? = nil) async throws(SchedulerError) -> Int {
        Int(try await batchResume(V1.BatchResumeRequest(projectID: projectID, scheduleIDs: scheduleIDs), timeout: timeout).affected)
    }

    /// Cancels 1–1000 schedules atomically: how many changed, and which ids were skipped.
    ///
    /// - Throws: INVALID_ARGUMENT (no ids, too many, an empty id).
    /// - Retries: not retried by the client once sent; a repeat is harmless.
    public func batchCancel(_ request: V1.BatchCancelRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.BatchCancelResponse {
        try await call(S.BatchCancel.self, request, timeout: timeout)
    }

    /// Cancels many schedules atomically; returns how many changed.
    public func batchCancel(projectID: String, scheduleIDs: [String], reason: String = "", timeout: Duration? = nil) async throws(SchedulerError) -> Int {
        Int(try await batchCancel(V1.BatchCancelRequest(projectID: projectID, scheduleIDs: scheduleIDs, reason: reason), timeout: timeout).affected)
    }

    /// Makes a pending or paused schedule due now, for the next Dequeue.
    ///
    /// - Throws: NOT_FOUND; FAILED_PRECONDITION when its state does not allow it (e.g. it has ended).
    /// - Retries: not retried by the client once sent; a repeat is harmless while it is still pending.
    public func publishNow(_ request: V1.PublishNowRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.PublishNowResponse {
        try await call(S.PublishNow.self, request, timeout: timeout)
    }

    /// Makes a schedule due now: ``publishNow(_:timeout:)`` with labelled parameters.
    public func publishNow(projectID: String, scheduleID: String, timeout: Duration? = nil) async throws(SchedulerError) -> V1.PublishNowResponse {
        try await publishNow(V1.PublishNowRequest(projectID: projectID, scheduleID: scheduleID), timeout: timeout)
    }

    /// Records what a person found on the platforms for a schedule held as "outcome unknown" (its
    /// worker's lease ran out while publishing, and the schedule's lease-loss policy holds it).
    ///
    /// `published = true`: it went out; the schedule becomes COMPLETED / PUBLISHED at
    /// `publishedAtMs` (0 = now), with the `results`' URLs, and counts as completed in Stats and the
    /// daily metrics. `published = false`: it did not; the schedule is due now for the next worker,
    /// as after ``publishNow(_:timeout:)`` (platforms listed in `results` did go out and are not
    /// published again). The attempt keeps its OUTCOME_UNKNOWN outcome and gains the confirmation
    /// (``WireProtocol/SchedulerV1/Attempt/confirmation``, in Get), with the caller as who confirmed
    /// and the `note`.
    ///
    /// - Throws: INVALID_ARGUMENT naming the field (`published_at_ms` in the future or without
    ///   `published`, a failed result or a platform the schedule does not have in `results`, a note
    ///   over 16 KiB); NOT_FOUND; FAILED_PRECONDITION when the schedule is not held (not FAILED, or
    ///   its last attempt's outcome is known), or was already confirmed the other way (naming
    ///   `published`).
    /// - Retries: safe to repeat: a repeat of the confirmation returns the schedule as it is and
    ///   applies nothing again; the client retries it on UNAVAILABLE.
    public func confirmOutcome(_ request: V1.ConfirmOutcomeRequest, timeout: Duration? = nil) async throws(SchedulerError)
        -> V1.ConfirmOutcomeResponse
    {
        try await call(S.ConfirmOutcome.self, request, timeout: timeout)
    }

    /// Records what a person found for a schedule held as "outcome unknown":
    /// ``confirmOutcome(_:timeout:)`` with labelled parameters; returns the schedule as it now is.
    ///
    /// - Parameters:
    ///   - published: whether the post went out.
    ///   - urls: published URLs by platform (for the platforms that went out).
    ///   - publishedAt: when it went out (only with `published`); nil = now.
    ///   - note: who checked and what they saw.
    public func confirmOutcome(
        projectID: String, scheduleID: String, published: Bool, urls: [String: String] = [:], publishedAt: Date? = nil,
        note: String = "", timeout: Duration? = nil
    ) async throws(SchedulerError) -> V1.Schedule {
        let results = urls.keys.sorted().map { V1.PlatformResult(platform: $0, success: true, publishedURL: urls[$0]!) }
        let request = V1.ConfirmOutcomeRequest(
            projectID: projectID, scheduleID: scheduleID, published: published, results: results,
            publishedAtMs: publishedAt.map(wireMilliseconds) ?? 0, note: note)
        return try await confirmOutcome(request, timeout: timeout).schedule
    }

    /// Moves a schedule to a new time (a local time in a zone, or ``WireProtocol/SchedulerV1/RescheduleRequest/scheduledFor``),
    /// with the same conflict handling as Enqueue. A time in the past makes it due at once.
    ///
    /// - Throws: INVALID_ARGUMENT; NOT_FOUND; FAILED_PRECONDITION for blocking conflicts or a state
    ///   that cannot be rescheduled.
    /// - Retries: not retried by the client once sent; a repeat with the same time is harmless.
    public func reschedule(_ request: V1.RescheduleRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.RescheduleResponse {
        try await call(S.Reschedule.self, request, timeout: timeout)
    }

    // MARK: Insight

    /// Runs the conflict check alone, creating nothing: `valid` when there is no ERROR or CRITICAL
    /// conflict, with a suggested time when `autoResolve` is set.
    ///
    /// - Throws: INVALID_ARGUMENT.
    /// - Retries: a read; the client retries it on UNAVAILABLE.
    public func validate(_ request: V1.ValidateRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.ValidateResponse {
        try await call(S.Validate.self, request, timeout: timeout)
    }

    /// A project's queue statistics now, and daily metrics between ``WireProtocol/SchedulerV1/StatsRequest/from``
    /// and ``WireProtocol/SchedulerV1/StatsRequest/to``.
    ///
    /// - Throws: INVALID_ARGUMENT (a range out of bounds).
    /// - Retries: a read; the client retries it on UNAVAILABLE.
    public func stats(_ request: V1.StatsRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.StatsResponse {
        try await call(S.Stats.self, request, timeout: timeout)
    }

    /// Lists recorded conflicts, newest first: by schedule, time window and resolution, one page at
    /// a time.
    ///
    /// - Throws: INVALID_ARGUMENT.
    /// - Retries: a read; the client retries it on UNAVAILABLE.
    public func listConflicts(_ request: V1.ListConflictsRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.ListConflictsResponse {
        try await call(S.ListConflicts.self, request, timeout: timeout)
    }

    /// A project's recent webhook alerts, newest first, with their delivery state (pending with
    /// the next attempt's time, delivered, or given up with the last error).
    ///
    /// - Throws: INVALID_ARGUMENT (a limit outside 1…100).
    /// - Retries: a read; the client retries it on UNAVAILABLE.
    public func listAlerts(_ request: V1.ListAlertsRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.ListAlertsResponse {
        try await call(S.ListAlerts.self, request, timeout: timeout)
    }

    /// A project's recent alerts: ``listAlerts(_:timeout:)`` with labelled parameters, returning the alerts.
    public func listAlerts(projectID: String, limit: Int32 = 0, timeout: Duration? = nil) async throws(SchedulerError) -> [V1.AlertRecord] {
        try await listAlerts(V1.ListAlertsRequest(projectID: projectID, limit: limit), timeout: timeout).alerts
    }

    /// Marks a recorded conflict resolved with a note; returns the conflict as stored.
    ///
    /// Older than the return-type rule: returns the response's only field, the
    /// `SchedulerV1.StoredConflict`.
    ///
    /// - Throws: NOT_FOUND; INVALID_ARGUMENT (an empty resolution).
    /// - Retries: not retried by the client once sent; a repeat records the latest note.
    public func resolveConflict(_ request: V1.ResolveConflictRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.StoredConflict {
        try await call(S.ResolveConflict.self, request, timeout: timeout).conflict
    }

    /// Marks a recorded conflict resolved: ``resolveConflict(_:timeout:)`` with labelled parameters.
    public func resolveConflict(
        projectID: String, conflictID: String, resolution: String, timeout: Duration? = nil
    ) async throws(SchedulerError) -> V1.StoredConflict {
        try await resolveConflict(
            V1.ResolveConflictRequest(projectID: projectID, conflictID: conflictID, resolution: resolution), timeout: timeout)
    }

    /// Expands a recurrence (RRULE, cron or shorthand) from a local start time in a zone, creating
    /// nothing. Needs no project.
    ///
    /// Older than the return-type rule: returns the response's only field, the occurrences.
    ///
    /// - Throws: INVALID_ARGUMENT (a rule, time or zone that cannot be read).
    /// - Retries: a read; the client retries it on UNAVAILABLE.
    public func previewOccurrences(_ request: V1.PreviewOccurrencesRequest, timeout: Duration? = nil) async throws(SchedulerError) -> [V1.Occurrence] {
        try await call(S.PreviewOccurrences.self, request, timeout: timeout).occurrences
    }

    /// Whether the server serves calls: SERVING, or NOT_SERVING while it drains; SERVICE_UNKNOWN
    /// for a `service` other than "" and `scheduler.v1.Scheduler`. Needs no token.
    ///
    /// - Throws: RESOURCE_EXHAUSTED past the per-address rate limit for calls without credentials.
    /// - Retries: a read; the client retries it on UNAVAILABLE.
    public func health(_ request: V1.HealthRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.HealthResponse {
        try await call(S.Health.self, request, timeout: timeout)
    }

    /// Whether the whole server serves calls: ``health(_:timeout:)`` returning the status itself.
    public func health(timeout: Duration? = nil) async throws(SchedulerError) -> V1.ServingStatus {
        try await health(V1.HealthRequest(), timeout: timeout).status
    }
}
