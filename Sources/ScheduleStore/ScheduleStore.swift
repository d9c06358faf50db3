import SQLite
import SchedulingCore
import Synchronization

/// The durable schedule store: the seed's queue, conflicts and metrics on SQLite.
///
/// One writer thread applies concurrent write operations in batched transactions (group commit):
/// each operation runs in its own savepoint, and its caller is answered only after the batch's
/// COMMIT, so an acknowledged operation is durable (any process crash with the default
/// `synchronous = NORMAL`; power loss too with `.full`). Reads run on separate read-only
/// connections on their own threads. Blocking SQLite calls never run on the cooperative pool.
///
/// Every operation validates its input and throws a ``StoreError`` naming the field or the
/// schedule's current state; nothing is half-written. Call ``close()`` before dropping the store.
public final class ScheduleStore: Sendable {
    /// The configuration the store was opened with.
    public let configuration: StoreConfiguration
    let writer: Writer
    let readers: Readers
    /// Keeps other stores (in this or another process) off the file while this one is open.
    private let ownerLock: OwnerLock
    /// The conflict checks' in-memory view, shared by the writer and `checkConflicts`.
    let occupancy: OccupancyIndex
    private let closed = Mutex(false)
    /// Where the retention scan continues (``purgeFinished(olderThan:limit:)``).
    let purgeCursor = Mutex<PurgeCursor?>(nil)

    /// The CPU the writer thread is pinned to (``StoreConfiguration/writerCPU``); nil when it is
    /// not pinned.
    public var writerCPU: Int? { writer.pinnedCPU }

    /// The CPUs the writer thread may run on, asked on that thread.
    func writerAllowedCPUs() async throws -> [Int] {
        try await writer.submit { _ in Writer.allowedCPUs() }
    }

    /// Opens (creating and migrating when needed) the database at `configuration.path`.
    public init(configuration: StoreConfiguration) throws(StoreError) {
        let size = configuration.pageSize
        guard (512...65_536).contains(size), size & (size - 1) == 0 else {
            throw .invalidArgument("pageSize", "must be a power of two from 512 to 65536 (got \(size))")
        }
        let wal = configuration.walSizeLimitBytes
        guard StoreConfiguration.walSizeLimitRange.contains(wal) else {
            throw .invalidArgument("walSizeLimitBytes", "must be from 1 MiB to 64 GiB (got \(wal) bytes)")
        }
        self.configuration = configuration
        let widest = configuration.conflictPolicy.widestWindowSeconds
        occupancy = OccupancyIndex(horizonSeconds: max(configuration.occupancyHorizonSeconds, 2 * widest))
        ownerLock = try OwnerLock(databasePath: configuration.path)
        do {
            writer = try Writer(config: configuration, occupancy: occupancy)
        } catch {
            ownerLock.release()
            throw StoreError.wrap(error)
        }
        do {
            readers = try Readers(config: configuration)
        } catch {
            writer.close()
            ownerLock.release()
            throw StoreError.wrap(error)
        }
    }

    /// Finishes queued operations, then closes every connection. Later calls fail with
    /// `cancelled`. Blocks the calling thread until the threads have finished.
    public func close() {
        let first = closed.withLock { c -> Bool in
            defer { c = true }
            return !c
        }
        guard first else { return }
        readers.close()
        writer.close()
        ownerLock.release()
    }

    private var now: Instant { configuration.clock.now() }

    // MARK: Schedules

    /// Creates a schedule (the seed's enqueue / Create Schedule) after the conflict checks.
    ///
    /// Blocking conflicts refuse it with `failedPrecondition` and the conflicts, unless
    /// `autoResolve` finds a free slot within 24 hours, where it is stored instead
    /// (``EnqueueResult/adjustedTime``). WARNING findings are persisted as ``ScheduleConflict``s.
    public func enqueue(_ request: EnqueueRequest) async throws(StoreError) -> EnqueueResult {
        // The request's own checks and its fingerprint here, on the caller's thread: the writer
        // does only what needs the database.
        let checked = try CheckedEnqueue(request)
        return try await writer.submit { try $0.enqueue(checked) }
    }

    /// One schedule of a project.
    public func get(projectID: String, scheduleID: String) async throws(StoreError) -> Schedule {
        try await readers.read { db in
            let s = try db.cached(HotQueries.loadSchedule)
            s.bind(scheduleID, at: 1)
            s.bind(projectID, at: 2)
            guard let sc = try s.firstRow({ Rows.decodeSchedule($0) }) else {
                throw StoreError.notFound("schedule \(scheduleID)")
            }
            return sc
        }
    }

    /// A page of a project's schedules with filters, sort and the total count.
    public func list(_ request: ListRequest) async throws(StoreError) -> ListResult {
        try Self.checkPaging(page: request.page, limit: request.limit, from: request.from, to: request.to)
        var platform: String?
        if let p = request.platform {
            platform = PlatformRateLimits.normalize(p)
            if platform!.isEmpty { throw .invalidArgument("platform", "must not be empty") }
        }
        let query = ListQuery(request, platform: platform)
        return try await readPage(
            countSQL: query.countSQL, pageSQL: query.pageSQL, arguments: query.arguments, page: request.page,
            limit: request.limit, decode: Rows.decodeSchedule)
    }

    public func checkReachable() async throws(StoreError) {
        _ = try await readers.read { db in try db.scalarInt64("SELECT 1", []) }
    }

    /// The checks every listing makes: page ≥ 1 (and within Int32), limit 1…100, `from` not
    /// after `to`.
    static func checkPaging(page: Int, limit: Int, from: Instant?, to: Instant?) throws(StoreError) {
        guard page >= 1 else { throw .invalidArgument("page", "must be at least 1") }
        guard page <= Int(Int32.max) else { throw .invalidArgument("page", "at most \(Int32.max)") }
        guard (1...100).contains(limit) else { throw .invalidArgument("limit", "must be 1…100") }
        if let f = from, let t = to, f > t { throw .invalidArgument("from", "must not be after 'to'") }
    }

    /// One page, read in one read transaction: the total (`countSQL`, taking `arguments`) and the
    /// page's rows (`pageSQL`, taking `arguments` and then the offset).
    private func readPage<Item: Sendable & Hashable>(
        countSQL: String, pageSQL: String, arguments: [SQLiteValue], page: Int, limit: Int,
        decode: @escaping @Sendable (Statement) -> Item
    ) async throws(StoreError) -> Page<Item> {
        try await readers.read { db in
            let total = Int(try db.scalarInt64(countSQL, arguments) ?? 0)
            let s = try db.cached(pageSQL)
            s.bind(arguments)
            s.bind((page - 1) * limit, at: Int32(arguments.count + 1))
            var items: [Item] = []
            try s.forEachRow { items.append(decode($0)) }
            return Page(items: items, page: page, limit: limit, total: total, totalPages: (total + limit - 1) / limit)
        }
    }

    /// Edits time, zone, platforms, priority or notes; re-validated excluding itself. A QUEUED
    /// item loses its lease and goes back to PENDING.
    public func update(_ request: UpdateRequest) async throws(StoreError) -> EnqueueResult {
        try await writer.submit { try $0.update(request) }
    }

    /// Cancels a PENDING, QUEUED or PAUSED schedule (the seed's Delete). Cancelling stops a series. A
    /// `reason` is kept as the schedule's failure reason ("cancelled: …").
    public func cancel(projectID: String, scheduleID: String, reason: String? = nil) async throws(StoreError)
        -> Schedule
    {
        try await writer.submit { try $0.transition(.cancel, project: projectID, id: scheduleID, reason: reason) }
    }

    /// Pauses a PENDING or QUEUED schedule.
    public func pause(projectID: String, scheduleID: String) async throws(StoreError) -> Schedule {
        try await writer.submit { try $0.transition(.pause, project: projectID, id: scheduleID) }
    }

    /// Resumes a PAUSED schedule.
    public func resume(projectID: String, scheduleID: String) async throws(StoreError) -> Schedule {
        try await writer.submit { try $0.transition(.resume, project: projectID, id: scheduleID) }
    }

    /// Pauses, resumes or cancels many schedules in one transaction. Ids not found in the project,
    /// or in a state the action does not apply to, are left alone and listed in
    /// ``BatchResult/skippedIDs``; a repeated id counts (and is reported) once.
    public func batch(_ action: BatchAction, projectID: String, scheduleIDs: [String], reason: String? = nil)
        async throws(StoreError) -> BatchResult
    {
        try Self.checkBatch(scheduleIDs)
        let event: LifecycleEvent
        switch action {
        case .pause: event = .pause
        case .resume: event = .resume
        case .cancel: event = .cancel
        }
        return try await writer.submit { try $0.batch(event, project: projectID, ids: scheduleIDs, reason: reason) }
    }

    static func checkBatch(_ ids: [String]) throws(StoreError) {
        guard !ids.isEmpty else { throw .invalidArgument("scheduleIDs", "must not be empty") }
        guard ids.count <= 1000 else { throw .invalidArgument("scheduleIDs", "at most 1000 per call") }
    }

    /// The seed's manual publish: due now (back to PENDING, retries reset). Refused for
    /// COMPLETED and PROCESSING items.
    public func publishNow(projectID: String, scheduleID: String) async throws(StoreError) -> Schedule {
        try await writer.submit { try $0.publishNow(project: projectID, id: scheduleID) }
    }

    /// Records what a person found on the platforms for a schedule held as "outcome unknown":
    /// published (COMPLETED) or not (due now, as ``publishNow(projectID:scheduleID:)``), in one
    /// transaction with the attempt's confirmation and the affected day's stored metrics. See
    /// ``SchedulingStore/confirmOutcome(_:)``.
    public func confirmOutcome(_ request: ConfirmOutcomeRequest) async throws(StoreError) -> ConfirmResult {
        try await writer.submit { try $0.confirmOutcome(request) }
    }

    /// Moves a schedule to a new time, back to PENDING, re-validated excluding itself. A local
    /// time is read in `timeZone`, which becomes the schedule's zone (default: its own zone).
    public func reschedule(
        projectID: String, scheduleID: String, to time: ScheduleTime, timeZone: String? = nil, autoResolve: Bool = false
    ) async throws(StoreError) -> EnqueueResult {
        try await writer.submit {
            try $0.reschedule(
                project: projectID, id: scheduleID, time: time, timeZone: timeZone, autoResolve: autoResolve)
        }
    }

    // MARK: Workers

    /// Hands out due items (PENDING, or QUEUED with an expired lease), priority DESC then
    /// scheduledFor ASC, each under a fresh lease. One writer makes this atomic: no item is held
    /// by two workers at once, however many dequeue concurrently.
    public func dequeue(_ request: DequeueRequest) async throws(StoreError) -> [Lease] {
        try await writer.submit { try $0.dequeue(request) }
    }

    /// The worker started publishing (QUEUED → PROCESSING).
    public func markProcessing(projectID: String, scheduleID: String, leaseToken: String) async throws(StoreError)
        -> Schedule
    {
        try await writer.submit { try $0.markProcessing(project: projectID, id: scheduleID, token: leaseToken) }
    }

    /// Extends the lease to now + `leaseSeconds`; returns the new expiry.
    public func heartbeat(projectID: String, scheduleID: String, leaseToken: String, leaseSeconds: Int64 = 300)
        async throws(StoreError) -> Instant
    {
        try await writer.submit {
            try $0.heartbeat(project: projectID, id: scheduleID, token: leaseToken, extendSeconds: leaseSeconds)
        }
    }

    /// Every platform published. A recurring schedule's next occurrence is created in the same
    /// transaction (``FinishResult/nextOccurrence``).
    public func complete(
        projectID: String, scheduleID: String, leaseToken: String, results: [PlatformResult], publishedAt: Instant?
    ) async throws(StoreError) -> FinishResult {
        try await writer.submit {
            try $0.complete(project: projectID, id: scheduleID, token: leaseToken, results: results, publishedAt: publishedAt)
        }
    }

    /// The attempt failed. The retry policy decides: PENDING at the backoff time, FAILED at
    /// maxRetries (or when not `retryable`), COMPLETED when some platforms published at the last
    /// retry. Published platforms stay recorded; a retry only needs ``Schedule/remainingPlatforms``.
    public func fail(
        projectID: String, scheduleID: String, leaseToken: String, results: [PlatformResult] = [], error: String,
        retryable: Bool = true
    ) async throws(StoreError) -> FinishResult {
        try await writer.submit {
            try $0.fail(
                project: projectID, id: scheduleID, token: leaseToken, results: results, error: error,
                retryable: retryable)
        }
    }

    // MARK: Maintenance (the server drives these on a timer)

    /// Every lease (QUEUED or PROCESSING) that has run out, or runs out before `deadline`, is
    /// extended to `deadline`; returns how many were. The server calls it once at start-up, so
    /// workers whose leases ran out while it was down can reconnect and report before the reaper
    /// takes their items back (or holds them as "outcome unknown").
    public func extendLeases(until deadline: Instant) async throws(StoreError) -> Int {
        try await writer.submit { try $0.extendLeases(until: deadline) }
    }

    // MARK: Batches

    /// Enqueues 1…500 requests in one transaction, in order, each exactly as ``enqueue(_:)``: one
    /// result per request. A refused request writes nothing and does not stop the others; each
    /// request sees the ones before it (conflicts, idempotency keys).
    public func enqueueBatch(_ requests: [EnqueueRequest]) async throws(StoreError)
        -> [Result<EnqueueResult, StoreError>]
    {
        try Self.checkItems(requests.count)
        let checked = CheckedEnqueue.each(requests, config: configuration)
        return try await writer.submit { try $0.enqueueBatch(checked) }
    }

    /// Applies 1…500 Completes and Fails in one transaction, in order, each exactly as
    /// ``complete(projectID:scheduleID:leaseToken:results:)`` or
    /// ``fail(projectID:scheduleID:leaseToken:results:error:retryable:)``: one result per item.
    public func acknowledge(_ items: [Acknowledgement]) async throws(StoreError) -> [Result<FinishResult, StoreError>] {
        try Self.checkItems(items.count)
        return try await writer.submit { try $0.acknowledge(items) }
    }

    /// Applies 0…500 Completes and Fails, then leases, in one transaction
    /// (``SchedulingStore/dequeue(_:acknowledging:)``).
    public func dequeue(_ request: DequeueRequest, acknowledging items: [Acknowledgement]) async throws(StoreError)
        -> (acknowledged: [Result<FinishResult, StoreError>], leases: [Lease])
    {
        if !items.isEmpty { try Self.checkItems(items.count) }
        return try await writer.submit { try $0.dequeue(request, acknowledging: items) }
    }

    static func checkItems(_ count: Int) throws(StoreError) {
        guard (1...StoreLimits.maxBatchItems).contains(count) else {
            throw .invalidArgument("items", "must be 1…\(StoreLimits.maxBatchItems) items (got \(count))")
        }
    }

    /// Expired leases: QUEUED → PENDING; PROCESSING → retry or FAILED "outcome unknown" per the
    /// schedule's ``LeaseLossPolicy``.
    public func reapExpiredLeases(limit: Int = 1000) async throws(StoreError) -> ReapResult {
        try await writer.submit { try $0.reapExpiredLeases(limit: limit) }
    }

    /// Missed windows: EXPIRED one-offs, SKIPPED recurring occurrences (the series moves on).
    public func expireMissedWindows(limit: Int = 1000) async throws(StoreError) -> MissedWindowResult {
        try await writer.submit { try $0.expireMissedWindows(limit: limit) }
    }

    /// Computes and stores the QueueMetrics of the UTC day containing `day` for the given
    /// projects (nil: every project active that day). Re-running replaces the day's figures.
    ///
    /// The figures are computed on a reader (a busy day means many attempts to read), and only
    /// stored by the writer, so writes do not wait for the counting. They describe the database
    /// as of the reader's snapshot, a moment before they are stored; the next rollup of the day
    /// (the server runs one every minute) replaces them.
    public func rollupMetrics(day: Instant, projectIDs: [String]? = nil) async throws(StoreError) -> [QueueMetrics] {
        let figures = try await readers.read { db in
            try WriterState.dailyFigures(db: db, day: day, projects: projectIDs)
        }
        return try await writer.submit { try $0.saveMetrics(figures) }
    }

    // MARK: Stats and conflicts

    /// Stats' reads in one read transaction of one reader, so their figures agree
    /// (``SchedulingStore/projectStats(projectID:history:byPlatform:)``).
    public func projectStats(projectID: String, history: (from: Instant, to: Instant)?, byPlatform: Bool)
        async throws(StoreError) -> ProjectStats
    {
        try StoreChecks.statsRange(history)
        let now = self.now
        let limit = configuration.pendingLimit(for: projectID)
        return try await readers.read { db in
            ProjectStats(
                queue: try Self.queueStats(db: db, projectID: projectID, now: now, limit: limit),
                history: try history.map { try Self.metricsHistory(db: db, projectID: projectID, from: $0.from, to: $0.to) } ?? [],
                platforms: byPlatform ? try Self.platformCounts(db: db, projectID: projectID) : [])
        }
    }

    /// Counts per status now; averages, success rate and peak over the day before `now`.
    private static func queueStats(db: Connection, projectID: String, now: Instant, limit: Int?) throws -> QueueStats {
        var stats = QueueStats()
        let s = try db.cached(StatsSQL.statusCounts)
        s.bind(projectID, at: 1)
        try s.forEachRow { r in stats.add(r.int(1), status: r.string(0)) }
        let m = try WriterState.computeMetrics(db: db, project: projectID, from: now.adding(seconds: -QueueStats.windowSeconds), to: now)
        stats.takeWindow(m)
        stats.pendingLimit = limit
        return stats
    }

    private static func platformCounts(db: Connection, projectID: String) throws -> [PlatformQueueCounts] {
        let s = try db.cached(StatsSQL.platformCounts)
        s.bind(projectID, at: 1)
        var rows: [(platforms: String, status: String, count: Int)] = []
        try s.forEachRow { r in rows.append((r.string(0), r.string(1), r.int(2))) }
        return PlatformQueueCounts.tally(rows)
    }

    private static func metricsHistory(db: Connection, projectID: String, from: Instant, to: Instant) throws
        -> [QueueMetrics]
    {
        let s = try db.cached(StatsSQL.history)
        s.bind(projectID, at: 1)
        s.bind(from.unixMilliseconds, at: 2)
        s.bind(to.unixMilliseconds, at: 3)
        var out: [QueueMetrics] = []
        try s.forEachRow { out.append(Rows.decodeMetrics($0)) }
        return out
    }

    /// A page of a project's recorded conflicts with filters and the total count, newest
    /// conflict time first (ties by id). Unresolved ones are read in index order; with
    /// `includeResolved` the project's conflicts are sorted.
    public func listConflicts(_ request: ConflictListRequest) async throws(StoreError) -> ConflictListResult {
        try Self.checkPaging(page: request.page, limit: request.limit, from: request.from, to: request.to)
        let query = ConflictQuery(request)
        return try await readPage(
            countSQL: query.countSQL, pageSQL: query.pageSQL, arguments: query.arguments, page: request.page,
            limit: request.limit, decode: Rows.decodeConflict)
    }

    /// Marks a conflict resolved with a note and who resolved it.
    public func resolveConflict(projectID: String, conflictID: String, resolution: String, resolvedBy: String)
        async throws(StoreError) -> ScheduleConflict
    {
        try await writer.submit {
            try $0.resolveConflict(project: projectID, id: conflictID, resolution: resolution, resolvedBy: resolvedBy)
        }
    }

    /// The seed's Check Conflicts: runs the checks without storing anything.
    ///
    /// It refuses what ``enqueue(_:)`` would refuse among the fields it is given, with the same
    /// checks (the project id, zone, platforms, time and `recurrence`, compiled for a series
    /// starting at `time`), so a valid answer is one Enqueue would accept, conflicts aside.
    public func checkConflicts(
        projectID: String, excluding scheduleID: String? = nil, time: ScheduleTime, timeZone: String = "UTC",
        platforms: [String], recurrence: RecurrenceSpec? = nil, autoResolve: Bool = false
    ) async throws(StoreError) -> ConflictChecker.Validation {
        let config = configuration
        let occupancy = self.occupancy
        return try await readers.read { db in
            try WriterState(db: db, config: config, occupancy: occupancy).checkConflicts(
                project: projectID, excluding: scheduleID, time: time, timeZone: timeZone, platforms: platforms,
                recurrence: recurrence, autoResolve: autoResolve)
        }
    }
}
