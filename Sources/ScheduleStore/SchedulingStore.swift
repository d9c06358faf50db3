import SchedulingCore

/// What the server and the maintenance engine need from a store, whatever the database behind it.
///
/// ``ScheduleStore`` (SQLite, one node) implements it; a PostgreSQL store shared by several nodes
/// is the second implementation (docs/STORE.md). Every operation validates its request, names the
/// offending field in a ``StoreError`` (never a database type), and has committed before it
/// returns; a refused operation writes nothing.
public protocol SchedulingStore: AnyObject, Sendable, QueueGaugeSource, AlertOutbox {
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
    /// A person's answer for a schedule held as "outcome unknown" (a FAILED schedule whose latest
    /// attempt ended OUTCOME_UNKNOWN): published → COMPLETED / PUBLISHED, counted as completed in
    /// the metrics; not published → due now, as ``publishNow(projectID:scheduleID:)``. The attempt
    /// keeps its outcome and gains the confirmation. A repeat of the recorded confirmation is
    /// `replayed` and changes nothing; the other answer, or a schedule not held, is
    /// failedPrecondition.
    func confirmOutcome(_ request: ConfirmOutcomeRequest) async throws(StoreError) -> ConfirmResult
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
    /// Throws UNAVAILABLE unless the database answers a trivial query now (readiness probes:
    /// `/readyz`). SQLite: a read on the readers; PostgreSQL: `SELECT 1` on a pooled connection.
    func checkReachable() async throws(StoreError)

    /// Every platform published, at `publishedAt` (nil: now; kept between the item's start and now).
    func complete(
        projectID: String, scheduleID: String, leaseToken: String, results: [PlatformResult], publishedAt: Instant?
    ) async throws(StoreError) -> FinishResult
    func fail(
        projectID: String, scheduleID: String, leaseToken: String, results: [PlatformResult], error: String,
        retryable: Bool
    ) async throws(StoreError) -> FinishResult
    /// Applies 1…500 Completes and Fails in order, one result each.
    func acknowledge(_ items: [Acknowledgement]) async throws(StoreError) -> [Result<FinishResult, StoreError>]
    /// A worker's report and its next lease in one transaction: applies 0…500 Completes and Fails
    /// in order, exactly as ``acknowledge(_:)`` (a refused item is its own result and stops
    /// nothing), then leases as ``dequeue(_:)``, so the items just finished no longer count against
    /// the request's in-flight cap. An error of the lease itself (or of the database) rolls the
    /// whole call back: nothing is acknowledged.
    func dequeue(_ request: DequeueRequest, acknowledging items: [Acknowledgement]) async throws(StoreError)
        -> (acknowledged: [Result<FinishResult, StoreError>], leases: [Lease])
    /// The attempts of a schedule, oldest first, with their per-platform results.
    func history(projectID: String, scheduleID: String) async throws(StoreError) -> [AttemptRecord]
    /// Projects holding handed-out items under live leases (the dispatch limit).
    func dispatchingProjects() async throws(StoreError) -> Set<String>
    /// Whether `projectID` may be handed new items under "at most `limit` projects dispatching at
    /// once": it already dispatches, or fewer than `limit` projects do (``dispatchingProjects()``).
    /// Asked by every Dequeue.
    func mayDispatch(projectID: String, limit: Int) async throws(StoreError) -> Bool

    // MARK: Conflicts, statistics

    /// The conflict checks alone, for Validate.
    func checkConflicts(
        projectID: String, excluding scheduleID: String?, time: ScheduleTime, timeZone: String, platforms: [String],
        recurrence: RecurrenceSpec?, autoResolve: Bool
    ) async throws(StoreError) -> ConflictChecker.Validation
    func listConflicts(_ request: ConflictListRequest) async throws(StoreError) -> ConflictListResult
    func resolveConflict(projectID: String, conflictID: String, resolution: String, resolvedBy: String)
        async throws(StoreError) -> ScheduleConflict
    /// What Stats answers, read in one snapshot (one read transaction), so that under concurrent
    /// writes its parts still describe the same moment: the counts per status now with the
    /// averages, success rate and peak of the last 24 hours (the seed's getQueueStats); with
    /// `history`, the stored daily metrics whose period starts within it, oldest first
    /// (`from` after `to` is INVALID_ARGUMENT naming `from`); with `byPlatform`, the schedules
    /// per platform and status, sorted by platform (platforms without schedules left out).
    func projectStats(projectID: String, history: (from: Instant, to: Instant)?, byPlatform: Bool)
        async throws(StoreError) -> ProjectStats

    // MARK: Maintenance (the server drives these on a timer)

    /// Extends leases that ran out (or run out before `deadline`) to `deadline`, at start-up.
    func extendLeases(until deadline: Instant) async throws(StoreError) -> Int
    func reapExpiredLeases(limit: Int) async throws(StoreError) -> ReapResult
    func expireMissedWindows(limit: Int) async throws(StoreError) -> MissedWindowResult
    func rollupMetrics(day: Instant, projectIDs: [String]?) async throws(StoreError) -> [QueueMetrics]
    /// Gives the database's query planner the statistics of tables that grew without any, and
    /// returns the tables analyzed. PostgreSQL: `ANALYZE` of each of the store's tables that has
    /// reached ``PostgresStore/analyzeThresholdBytes`` with none (`reltuples` ≤ 0), once per
    /// table and process; SQLite: nothing (it plans without statistics, `QueryPlanTests`).
    func analyzeGrownTables() async throws(StoreError) -> [String]

    /// Retention: deletes up to `limit` (1…500) finished schedules whose time and last change are
    /// both before `cutoff`, with their platforms, attempts, results and recorded conflicts,
    /// continuing the scan where the previous call stopped; a recurring series only ever loses
    /// its earliest occurrences (docs/STORE.md, "Retention").
    func purgeFinished(olderThan cutoff: Instant, limit: Int) async throws(StoreError) -> PurgeResult
    /// Retention: deletes up to `limit` (1…5000) daily metrics rows of days starting before
    /// `cutoff`; returns how many.
    func purgeMetrics(olderThan cutoff: Instant, limit: Int) async throws(StoreError) -> Int
    /// Retention: deletes up to `limit` (1…5000) alerts delivered or given up that were created
    /// before `cutoff` (PENDING ones are kept whatever their age); returns how many.
    func purgeAlerts(olderThan cutoff: Instant, limit: Int) async throws(StoreError) -> Int

    /// Finishes queued calls and closes the database connections; later calls fail with
    /// `cancelled`. Safe to call twice.
    func close()
}

extension SchedulingStore {
    /// ``rollupMetrics(day:projectIDs:)`` for every project.
    public func rollupMetrics(day: Instant) async throws(StoreError) -> [QueueMetrics] {
        try await rollupMetrics(day: day, projectIDs: nil)
    }

    /// ``projectStats(projectID:history:byPlatform:)``'s counts and last-day figures alone.
    public func queueStats(projectID: String) async throws(StoreError) -> QueueStats {
        try await projectStats(projectID: projectID, history: nil, byPlatform: false).queue
    }

    /// ``projectStats(projectID:history:byPlatform:)``'s stored daily metrics within [from, to].
    public func metricsHistory(projectID: String, from: Instant, to: Instant) async throws(StoreError)
        -> [QueueMetrics]
    {
        try await projectStats(projectID: projectID, history: (from, to), byPlatform: false).history
    }

    /// ``projectStats(projectID:history:byPlatform:)``'s per-platform counts.
    public func platformCounts(projectID: String) async throws(StoreError) -> [PlatformQueueCounts] {
        try await projectStats(projectID: projectID, history: nil, byPlatform: true).platforms
    }

    public func analyzeGrownTables() async throws(StoreError) -> [String] { [] }

    /// The dispatch limit's question from the set of dispatching projects (PostgreSQL asks the
    /// database; SQLite's store answers from memory without building the set).
    public func mayDispatch(projectID: String, limit: Int) async throws(StoreError) -> Bool {
        let projects = try await dispatchingProjects()
        return projects.count < limit || projects.contains(projectID)
    }

    // The protocol's requirements take every argument; these give the defaults the concrete
    // stores' methods have, for callers holding `any SchedulingStore`.

    /// ``cancel(projectID:scheduleID:reason:)`` without a reason.
    public func cancel(projectID: String, scheduleID: String) async throws(StoreError) -> Schedule {
        try await cancel(projectID: projectID, scheduleID: scheduleID, reason: nil)
    }

    /// ``reschedule(projectID:scheduleID:to:timeZone:autoResolve:)`` in the schedule's own zone.
    public func reschedule(projectID: String, scheduleID: String, to time: ScheduleTime, autoResolve: Bool = false)
        async throws(StoreError) -> EnqueueResult
    {
        try await reschedule(projectID: projectID, scheduleID: scheduleID, to: time, timeZone: nil, autoResolve: autoResolve)
    }

    /// ``reschedule(projectID:scheduleID:to:timeZone:autoResolve:)`` without auto-resolve.
    public func reschedule(projectID: String, scheduleID: String, to time: ScheduleTime, timeZone: String?)
        async throws(StoreError) -> EnqueueResult
    {
        try await reschedule(projectID: projectID, scheduleID: scheduleID, to: time, timeZone: timeZone, autoResolve: false)
    }

    /// ``heartbeat(projectID:scheduleID:leaseToken:leaseSeconds:)`` for 300 seconds.
    public func heartbeat(projectID: String, scheduleID: String, leaseToken: String) async throws(StoreError) -> Instant {
        try await heartbeat(projectID: projectID, scheduleID: scheduleID, leaseToken: leaseToken, leaseSeconds: 300)
    }

    /// ``complete(projectID:scheduleID:leaseToken:results:publishedAt:)`` without per-platform results, now.
    public func complete(projectID: String, scheduleID: String, leaseToken: String) async throws(StoreError)
        -> FinishResult
    {
        try await complete(projectID: projectID, scheduleID: scheduleID, leaseToken: leaseToken, results: [], publishedAt: nil)
    }

    /// ``complete(projectID:scheduleID:leaseToken:results:publishedAt:)``, published now.
    public func complete(projectID: String, scheduleID: String, leaseToken: String, results: [PlatformResult])
        async throws(StoreError) -> FinishResult
    {
        try await complete(
            projectID: projectID, scheduleID: scheduleID, leaseToken: leaseToken, results: results, publishedAt: nil)
    }

    /// ``fail(projectID:scheduleID:leaseToken:results:error:retryable:)`` with defaults: no
    /// per-platform results, retryable.
    public func fail(
        projectID: String, scheduleID: String, leaseToken: String, results: [PlatformResult] = [], error: String
    ) async throws(StoreError) -> FinishResult {
        try await fail(
            projectID: projectID, scheduleID: scheduleID, leaseToken: leaseToken, results: results, error: error,
            retryable: true)
    }

    /// ``fail(projectID:scheduleID:leaseToken:results:error:retryable:)`` without per-platform results.
    public func fail(projectID: String, scheduleID: String, leaseToken: String, error: String, retryable: Bool)
        async throws(StoreError) -> FinishResult
    {
        try await fail(
            projectID: projectID, scheduleID: scheduleID, leaseToken: leaseToken, results: [], error: error,
            retryable: retryable)
    }

    /// ``checkConflicts(projectID:excluding:time:timeZone:platforms:recurrence:autoResolve:)``
    /// with its defaults: no schedule excluded, UTC, one-off, no auto-resolve.
    public func checkConflicts(
        projectID: String, time: ScheduleTime, timeZone: String = "UTC", platforms: [String],
        recurrence: RecurrenceSpec? = nil, autoResolve: Bool = false
    ) async throws(StoreError) -> ConflictChecker.Validation {
        try await checkConflicts(
            projectID: projectID, excluding: nil, time: time, timeZone: timeZone, platforms: platforms,
            recurrence: recurrence, autoResolve: autoResolve)
    }

    /// ``reapExpiredLeases(limit:)`` for up to 1000 items.
    public func reapExpiredLeases() async throws(StoreError) -> ReapResult { try await reapExpiredLeases(limit: 1000) }

    /// ``expireMissedWindows(limit:)`` for up to 1000 items.
    public func expireMissedWindows() async throws(StoreError) -> MissedWindowResult {
        try await expireMissedWindows(limit: 1000)
    }

    /// Pauses many schedules; returns how many changed (``batch(_:projectID:scheduleIDs:reason:)``
    /// also says which were skipped).
    public func batchPause(projectID: String, scheduleIDs: [String]) async throws(StoreError) -> Int {
        try await batch(.pause, projectID: projectID, scheduleIDs: scheduleIDs, reason: nil).affected
    }

    /// Resumes many schedules; returns how many changed.
    public func batchResume(projectID: String, scheduleIDs: [String]) async throws(StoreError) -> Int {
        try await batch(.resume, projectID: projectID, scheduleIDs: scheduleIDs, reason: nil).affected
    }

    /// Cancels many schedules; returns how many changed.
    public func batchCancel(projectID: String, scheduleIDs: [String]) async throws(StoreError) -> Int {
        try await batch(.cancel, projectID: projectID, scheduleIDs: scheduleIDs, reason: nil).affected
    }

    /// A project's recorded conflicts, newest conflict time first: up to `limit` (1…1000) of
    /// them, read a page of ``listConflicts(_:)`` at a time.
    public func listConflicts(projectID: String, includeResolved: Bool = false, limit: Int = 100)
        async throws(StoreError) -> [ScheduleConflict]
    {
        guard (1...1000).contains(limit) else { throw .invalidArgument("limit", "must be 1…1000") }
        var out: [ScheduleConflict] = []
        var page = 1
        while out.count < limit {
            let p = try await listConflicts(
                ConflictListRequest(
                    projectID: projectID, includeResolved: includeResolved, page: page, limit: min(100, limit)))
            out += p.items.prefix(limit - out.count)
            if p.items.isEmpty || page >= p.totalPages { break }
            page += 1
        }
        return out
    }

    /// ``batch(_:projectID:scheduleIDs:reason:)`` without a reason.
    public func batch(_ action: BatchAction, projectID: String, scheduleIDs: [String]) async throws(StoreError)
        -> BatchResult
    {
        try await batch(action, projectID: projectID, scheduleIDs: scheduleIDs, reason: nil)
    }
}

extension ScheduleStore: SchedulingStore {}
