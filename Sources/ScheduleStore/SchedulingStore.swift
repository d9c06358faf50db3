import SchedulingCore

/// What the server and the maintenance engine need from a store, whatever the database behind it.
///
/// ``ScheduleStore`` (SQLite, one node) implements it; a PostgreSQL store shared by several nodes
/// is the second implementation (docs/STORE.md). Every operation validates its request, names the
/// offending field in a ``StoreError`` (never a database type), and has committed before it
/// returns; a refused operation writes nothing.
public protocol SchedulingStore: AnyObject, Sendable, QueueGaugeSource {
    // MARK: Schedules

    /// Creates a schedule after the conflict checks (``ScheduleStore/enqueue(_:)``).
    func enqueue(_ request: EnqueueRequest) async throws(StoreError) -> EnqueueResult
    /// One schedule of a project; notFound for an unknown id or another project's.
    func get(projectID: String, scheduleID: String) async throws(StoreError) -> Schedule
    /// A page of a project's schedules with the filters, sort and total.
    func list(_ request: ListRequest) async throws(StoreError) -> ListResult
    /// A partial update, re-validated.
    func update(_ request: UpdateRequest) async throws(StoreError) -> EnqueueResult
    /// Cancels a schedule; the reason is kept as its failure reason.
    func cancel(projectID: String, scheduleID: String, reason: String?) async throws(StoreError) -> Schedule
    func pause(projectID: String, scheduleID: String) async throws(StoreError) -> Schedule
    func resume(projectID: String, scheduleID: String) async throws(StoreError) -> Schedule
    /// Pause, resume or cancel many; ids not found or in another state are reported as skipped.
    func batch(_ action: BatchAction, projectID: String, scheduleIDs: [String], reason: String?)
        async throws(StoreError) -> BatchResult
    /// Makes a schedule due now.
    func publishNow(projectID: String, scheduleID: String) async throws(StoreError) -> Schedule
    /// A new time (and optionally zone), re-validated; back to PENDING.
    func reschedule(projectID: String, scheduleID: String, to time: ScheduleTime, timeZone: String?, autoResolve: Bool)
        async throws(StoreError) -> EnqueueResult

    /// Enqueues 1…500 requests in order, one result each; a refused item does not stop the others.
    func enqueueBatch(_ requests: [EnqueueRequest]) async throws(StoreError) -> [Result<EnqueueResult, StoreError>]

    // MARK: Workers

    /// Leases due items (priority, then time) to a worker.
    func dequeue(_ request: DequeueRequest) async throws(StoreError) -> [Lease]
    /// Start: the leased item is being published.
    func markProcessing(projectID: String, scheduleID: String, leaseToken: String) async throws(StoreError) -> Schedule
    /// Extends a lease; returns the new expiry.
    func heartbeat(projectID: String, scheduleID: String, leaseToken: String, leaseSeconds: Int64)
        async throws(StoreError) -> Instant
    func complete(projectID: String, scheduleID: String, leaseToken: String, results: [PlatformResult])
        async throws(StoreError) -> FinishResult
    func fail(
        projectID: String, scheduleID: String, leaseToken: String, results: [PlatformResult], error: String,
        retryable: Bool
    ) async throws(StoreError) -> FinishResult
    /// Applies 1…500 Completes and Fails in order, one result each.
    func acknowledge(_ items: [Acknowledgement]) async throws(StoreError) -> [Result<FinishResult, StoreError>]
    /// The attempts of a schedule, oldest first, with their per-platform results.
    func history(projectID: String, scheduleID: String) async throws(StoreError) -> [AttemptRecord]
    /// Projects holding handed-out items under live leases (the dispatch limit).
    func dispatchingProjects() async throws(StoreError) -> Set<String>

    // MARK: Conflicts, statistics

    /// The conflict checks alone, for Validate.
    func checkConflicts(
        projectID: String, excluding scheduleID: String?, time: ScheduleTime, timeZone: String, platforms: [String],
        recurrence: RecurrenceSpec?, autoResolve: Bool
    ) async throws(StoreError) -> ConflictChecker.Validation
    func listConflicts(_ request: ConflictListRequest) async throws(StoreError) -> ConflictListResult
    func resolveConflict(projectID: String, conflictID: String, resolution: String, resolvedBy: String)
        async throws(StoreError) -> ScheduleConflict
    func queueStats(projectID: String, windowSeconds: Int64) async throws(StoreError) -> QueueStats
    func metricsHistory(projectID: String, from: Instant, to: Instant) async throws(StoreError) -> [QueueMetrics]

    // MARK: Maintenance (the server drives these on a timer)

    /// Extends leases that ran out (or run out before `deadline`) to `deadline`, at start-up.
    func extendLeases(until deadline: Instant) async throws(StoreError) -> Int
    func reapExpiredLeases(limit: Int) async throws(StoreError) -> ReapResult
    func expireMissedWindows(limit: Int) async throws(StoreError) -> MissedWindowResult
    func rollupMetrics(day: Instant, projectIDs: [String]?) async throws(StoreError) -> [QueueMetrics]
}

extension SchedulingStore {
    /// ``rollupMetrics(day:projectIDs:)`` for every project.
    public func rollupMetrics(day: Instant) async throws(StoreError) -> [QueueMetrics] {
        try await rollupMetrics(day: day, projectIDs: nil)
    }

    /// ``queueStats(projectID:windowSeconds:)`` over the last day.
    public func queueStats(projectID: String) async throws(StoreError) -> QueueStats {
        try await queueStats(projectID: projectID, windowSeconds: 86_400)
    }

    /// ``batch(_:projectID:scheduleIDs:reason:)`` without a reason.
    public func batch(_ action: BatchAction, projectID: String, scheduleIDs: [String]) async throws(StoreError)
        -> BatchResult
    {
        try await batch(action, projectID: projectID, scheduleIDs: scheduleIDs, reason: nil)
    }
}

extension ScheduleStore: SchedulingStore {}
