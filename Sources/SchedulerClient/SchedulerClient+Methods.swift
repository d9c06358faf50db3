import Foundation
import WireProtocol

/// One method per RPC. Requests and responses are the `SchedulerV1` Swift value types.
extension SchedulerClient {
    public typealias EnqueueRequest = V1.EnqueueRequest
    public typealias EnqueueResponse = V1.EnqueueResponse

    /// Creates a schedule. The request always carries an idempotency key (one is generated when
    /// the caller gives none), so a retry after a lost connection cannot create a second schedule.
    public func enqueue(_ request: V1.EnqueueRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.EnqueueResponse {
        var r = request
        if r.idempotencyKey.isEmpty { r.idempotencyKey = "auto-" + UUID().uuidString.lowercased() }
        return try await call(S.Enqueue.self, r, timeout: timeout)
    }

    /// Up to 500 enqueues in one call and one transaction (EnqueueBatch): one result per item, in
    /// order; a refused item has its own error and does not stop the others. Items without an
    /// idempotency key get one, so the call is retried safely.
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
    /// in order, each as Complete or Fail would answer.
    public func acknowledge(_ items: [V1.Acknowledgement], timeout: Duration? = nil) async throws(SchedulerError)
        -> V1.AcknowledgeResponse
    {
        try await call(S.Acknowledge.self, V1.AcknowledgeRequest(items: items), timeout: timeout)
    }

    public func dequeue(_ r: V1.DequeueRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.DequeueResponse {
        try await call(S.Dequeue.self, r, timeout: timeout)
    }

    public func start(_ r: V1.StartRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.StartResponse {
        try await call(S.Start.self, r, timeout: timeout)
    }

    public func heartbeat(_ r: V1.HeartbeatRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.HeartbeatResponse {
        try await call(S.Heartbeat.self, r, timeout: timeout)
    }

    public func complete(_ r: V1.CompleteRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.CompleteResponse {
        try await call(S.Complete.self, r, timeout: timeout)
    }

    public func fail(_ r: V1.FailRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.FailResponse {
        try await call(S.Fail.self, r, timeout: timeout)
    }

    public func get(projectID: String, scheduleID: String, timeout: Duration? = nil) async throws(SchedulerError) -> V1.Schedule {
        try await call(S.Get.self, V1.GetRequest(projectID: projectID, scheduleID: scheduleID), timeout: timeout).schedule
    }

    public func list(_ r: V1.ListRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.ListResponse {
        try await call(S.List.self, r, timeout: timeout)
    }

    public func update(_ r: V1.UpdateRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.UpdateResponse {
        try await call(S.Update.self, r, timeout: timeout)
    }

    public func cancel(projectID: String, scheduleID: String, reason: String = "", timeout: Duration? = nil) async throws(SchedulerError) -> V1.Schedule {
        try await call(S.Cancel.self, V1.CancelRequest(projectID: projectID, scheduleID: scheduleID, reason: reason), timeout: timeout).schedule
    }

    public func pause(projectID: String, scheduleID: String, timeout: Duration? = nil) async throws(SchedulerError) -> V1.Schedule {
        try await call(S.Pause.self, V1.PauseRequest(projectID: projectID, scheduleID: scheduleID), timeout: timeout).schedule
    }

    public func resume(projectID: String, scheduleID: String, timeout: Duration? = nil) async throws(SchedulerError) -> V1.Schedule {
        try await call(S.Resume.self, V1.ResumeRequest(projectID: projectID, scheduleID: scheduleID), timeout: timeout).schedule
    }

    /// Pauses many schedules atomically; returns how many changed. The request form below also
    /// returns the ids that were skipped.
    public func batchPause(projectID: String, scheduleIDs: [String], timeout: Duration? = nil) async throws(SchedulerError) -> Int {
        Int(try await batchPause(V1.BatchPauseRequest(projectID: projectID, scheduleIDs: scheduleIDs), timeout: timeout).affected)
    }

    public func batchResume(projectID: String, scheduleIDs: [String], timeout: Duration? = nil) async throws(SchedulerError) -> Int {
        Int(try await batchResume(V1.BatchResumeRequest(projectID: projectID, scheduleIDs: scheduleIDs), timeout: timeout).affected)
    }

    public func batchCancel(projectID: String, scheduleIDs: [String], reason: String = "", timeout: Duration? = nil) async throws(SchedulerError) -> Int {
        Int(try await batchCancel(V1.BatchCancelRequest(projectID: projectID, scheduleIDs: scheduleIDs, reason: reason), timeout: timeout).affected)
    }

    /// Pauses many schedules atomically: how many changed, and which ids were skipped (not found,
    /// or in a state the action does not apply to; each once, in request order).
    public func batchPause(_ r: V1.BatchPauseRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.BatchPauseResponse {
        try await call(S.BatchPause.self, r, timeout: timeout)
    }

    /// Resumes many schedules atomically: how many changed, and which ids were skipped.
    public func batchResume(_ r: V1.BatchResumeRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.BatchResumeResponse {
        try await call(S.BatchResume.self, r, timeout: timeout)
    }

    /// Cancels many schedules atomically: how many changed, and which ids were skipped.
    public func batchCancel(_ r: V1.BatchCancelRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.BatchCancelResponse {
        try await call(S.BatchCancel.self, r, timeout: timeout)
    }

    public func publishNow(projectID: String, scheduleID: String, timeout: Duration? = nil) async throws(SchedulerError) -> V1.PublishNowResponse {
        try await call(S.PublishNow.self, V1.PublishNowRequest(projectID: projectID, scheduleID: scheduleID), timeout: timeout)
    }

    public func reschedule(_ r: V1.RescheduleRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.RescheduleResponse {
        try await call(S.Reschedule.self, r, timeout: timeout)
    }

    public func validate(_ r: V1.ValidateRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.ValidateResponse {
        try await call(S.Validate.self, r, timeout: timeout)
    }

    public func stats(_ r: V1.StatsRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.StatsResponse {
        try await call(S.Stats.self, r, timeout: timeout)
    }

    public func listConflicts(_ r: V1.ListConflictsRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.ListConflictsResponse {
        try await call(S.ListConflicts.self, r, timeout: timeout)
    }

    public func resolveConflict(_ r: V1.ResolveConflictRequest, timeout: Duration? = nil) async throws(SchedulerError) -> V1.StoredConflict {
        try await call(S.ResolveConflict.self, r, timeout: timeout).conflict
    }

    public func previewOccurrences(_ r: V1.PreviewOccurrencesRequest, timeout: Duration? = nil) async throws(SchedulerError) -> [V1.Occurrence] {
        try await call(S.PreviewOccurrences.self, r, timeout: timeout).occurrences
    }

    /// SERVING or NOT_SERVING (needs no token).
    public func health(timeout: Duration? = nil) async throws(SchedulerError) -> V1.ServingStatus {
        try await call(S.Health.self, V1.HealthRequest(), timeout: timeout).status
    }
}
