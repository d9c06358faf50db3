import Foundation
import PostgreSQL
import SQLite
import SchedulingCore
import Synchronization

/// The schedule store on PostgreSQL, shared by several schedulerd nodes.
///
/// The same workflow as ``ScheduleStore`` (Sources/ScheduleStore/Workflow) runs against
/// ``PostgresRepository`` in one transaction per call, on a pool of connections each on its own
/// thread. What one node's memory decides on SQLite is decided in the database here, so any number
/// of nodes can serve the same schedules:
/// - conflict decisions (slot capacity, hourly platform limits, same-time warnings, in-flight
///   limits, idempotency keys) take the project's advisory transaction lock first (``ProjectLocks``);
/// - Dequeue and the maintenance passes claim rows `FOR UPDATE SKIP LOCKED`: a lease is never held
///   by two workers, and two nodes' reapers never take the same item;
/// - the metrics rollup is serialized by an advisory lock: a node that finds another one computing
///   the same day waits for it and answers with its figures.
///
/// Every call has committed before it returns. A refused or lost database connection is
/// `unavailable` for the call; the pool reconnects on the next one.
public final class PostgresStore: SchedulingStore {
    /// The schedules' rules (conflicts, retries, clock); its `path` is unused.
    public let configuration: StoreConfiguration
    public let postgres: PostgresStoreConfiguration
    private let pool: PostgresPool
    private let settings: PostgresSession.Settings
    private let closed = Mutex(false)
    /// Where this node's retention scan continues (``purgeFinished(olderThan:limit:)``).
    private let purgeCursor = Mutex<PurgeCursor?>(nil)
    /// The tables ``analyzeGrownTables()`` analyzed, and whether it has nothing left to check.
    private let analyzed = Mutex<(tables: Set<String>, settled: Bool)>(([], false))

    /// Connects, creates the schema when missing and applies the migrations it lacks (one node
    /// at a time), then opens the pool.
    ///
    /// - Throws: `unavailable` when the database cannot be reached (the message names host and
    ///   port, never the password); `failedPrecondition` when the database's schema is newer
    ///   than this program's.
    public init(configuration: StoreConfiguration, postgres: PostgresStoreConfiguration) throws(StoreError) {
        self.configuration = configuration
        self.postgres = postgres
        let schema = try postgres.checkedSchema()
        guard (1...256).contains(postgres.poolSize) else {
            throw StoreError(code: .failedPrecondition, message: "PostgreSQL pool size: must be 1…256 (got \(postgres.poolSize))")
        }
        settings = PostgresSession.Settings(
            url: postgres.url, password: try postgres.password(),
            redacted: PostgreSQL.Connection.redact(postgres.url),
            applicationName: Self.applicationName(schema: schema, nodeID: postgres.nodeID), schema: schema,
            connectTimeoutSeconds: postgres.connectTimeoutSeconds,
            statementTimeoutMilliseconds: postgres.statementTimeoutMilliseconds,
            lockTimeoutMilliseconds: postgres.lockTimeoutMilliseconds,
            maxTransactionRetries: postgres.maxTransactionRetries)
        let db = try settings.connect()
        defer { db.close() }
        do {
            if schema != "public" {
                // Two nodes creating it at once: the second one's IF NOT EXISTS can still fail
                // with a unique violation; the migration lock orders them.
                try db.transaction {
                    try db.advisoryTransactionLock(PostgresSchema.migrationLock)
                    _ = try db.execute("CREATE SCHEMA IF NOT EXISTS \(schema)")
                }
            }
            try PostgresSchema.migrate(db)
        } catch let e as StoreError {
            throw e
        } catch {
            throw PostgresRepository.storeError(error)
        }
        pool = PostgresPool(settings: settings, size: postgres.poolSize, maxQueued: configuration.maxQueuedWrites)
    }

    /// How a node's connections name themselves in `pg_stat_activity.application_name`:
    /// `scheduler:<schema>:<node id>`. PostgreSQL keeps 63 bytes of it, so a schema name longer
    /// than 32 bytes is replaced by a hash of it, and the node id is cut to 20 bytes: the name
    /// always fits, and the nodes of one deployment share its prefix.
    public static func applicationName(schema: String, nodeID: String) -> String {
        let tag =
            schema.utf8.count <= 32
            ? schema : "#" + String(UInt64(bitPattern: PostgreSQL.Connection.advisoryLockKey("schema:" + schema)), radix: 16)
        return "scheduler:\(tag):" + String(decoding: Array(nodeID.utf8.prefix(20)), as: UTF8.self)
    }

    /// Finishes queued calls, then closes every connection. Later calls fail with `cancelled`.
    public func close() {
        let first = closed.withLock { c -> Bool in
            defer { c = true }
            return !c
        }
        guard first else { return }
        pool.close()
    }

    deinit { close() }

    private var now: Instant { configuration.clock.now() }

    /// Runs one workflow operation in its own transaction; `items`: an operation of batch items,
    /// run first without a savepoint per item (``PostgresSession/transaction(items:_:)``).
    private func write<T: Sendable>(
        items: Bool = false, _ body: @escaping @Sendable (PostgresRepository) throws -> T
    ) async throws(StoreError) -> T {
        let config = configuration
        return try await pool.run { session throws(StoreError) in
            let started = DispatchTime.now().uptimeNanoseconds
            do throws(StoreError) {
                let value = try session.transaction(items: items) { db, perItem in
                    try body(PostgresRepository(db: db, config: config, savepointPerItem: perItem))
                }
                config.metrics.recordBatch(
                    operations: 1, nanoseconds: Int64(DispatchTime.now().uptimeNanoseconds - started), committed: true)
                return value
            } catch {
                // A refused operation rolled back on purpose; only the database's failures count.
                if error.code == .unavailable || error.code == .internal || error.code == .resourceExhausted {
                    config.metrics.recordBatch(operations: 1, nanoseconds: 0, committed: false)
                }
                throw error
            }
        }
    }

    /// Runs `body` in a read-only transaction that sees one snapshot (REPEATABLE READ), as
    /// SQLite's readers do: a page and its total, or Stats' counts and metrics, agree under
    /// concurrent writes.
    func read<T: Sendable>(_ body: @escaping @Sendable (PostgreSQL.Connection) throws -> T) async throws(StoreError)
        -> T
    {
        try await pool.run { session throws(StoreError) in try session.transaction(readOnly: true, body) }
    }

    /// Runs `body`, one read statement, without a transaction: one round trip, where a read
    /// transaction takes two (BEGIN travels with the statement, COMMIT alone).
    private func readStatement<T: Sendable>(_ body: @escaping @Sendable (PostgreSQL.Connection) throws -> T)
        async throws(StoreError) -> T
    {
        try await pool.run { session throws(StoreError) in try session.statement(body) }
    }

    // MARK: Schedules

    /// Round trips made so far by the pool connection that runs the next job: with a pool of one,
    /// the difference around a call is what the call cost (tests).
    func roundTrips() async throws(StoreError) -> Int {
        try await pool.run { $0.roundTrips }
    }

    public func enqueue(_ request: EnqueueRequest) async throws(StoreError) -> EnqueueResult {
        let checked = try CheckedEnqueue(request)
        return try await write { try $0.enqueue(checked) }
    }

    public func get(projectID: String, scheduleID: String) async throws(StoreError) -> Schedule {
        try await readStatement { db in
            guard
                let r = try db.executeCached(
                    "SELECT \(Rows.scheduleColumns) FROM schedules WHERE id = $1 AND project_id = $2",
                    [.text(scheduleID), .text(projectID)]
                ).first
            else { throw StoreError.notFound("schedule \(scheduleID)") }
            return Rows.decodeRow(PostgresColumns(row: r)).schedule
        }
    }

    public func list(_ request: ListRequest) async throws(StoreError) -> ListResult {
        try ScheduleStore.checkPaging(page: request.page, limit: request.limit, from: request.from, to: request.to)
        var platform: String?
        if let p = request.platform {
            platform = PlatformRateLimits.normalize(p)
            if platform!.isEmpty { throw .invalidArgument("platform", "must not be empty") }
        }
        let query = ListQuery(request, platform: platform, postgres: true)
        return try await readPage(
            countSQL: query.countSQL, pageSQL: query.pageSQL, arguments: query.arguments, page: request.page,
            limit: request.limit) { Rows.decodeRow($0).schedule }
    }

    /// One page in one transaction: the total (`countSQL`) and the rows (`pageSQL`, taking the
    /// offset after `arguments`).
    private func readPage<Item: Sendable & Hashable>(
        countSQL: String, pageSQL: String, arguments: [SQLiteValue], page: Int, limit: Int,
        decode: @escaping @Sendable (PostgresColumns) -> Item
    ) async throws(StoreError) -> Page<Item> {
        let values = arguments.map(PostgresRepository.value)
        return try await read { db in
            let total = try db.executeCached(countSQL, values).first?.int(0) ?? 0
            let rows = try db.executeCached(pageSQL, values + [.int64(Int64((page - 1) * limit))])
            return Page(
                items: rows.map { decode(PostgresColumns(row: $0)) }, page: page, limit: limit, total: total,
                totalPages: (total + limit - 1) / limit)
        }
    }


    public func update(_ request: UpdateRequest) async throws(StoreError) -> EnqueueResult {
        try await write { try $0.update(request) }
    }

    public func cancel(projectID: String, scheduleID: String, reason: String? = nil) async throws(StoreError) -> Schedule {
        try await write { try $0.transition(.cancel, project: projectID, id: scheduleID, reason: reason) }
    }

    public func pause(projectID: String, scheduleID: String) async throws(StoreError) -> Schedule {
        try await write { try $0.transition(.pause, project: projectID, id: scheduleID) }
    }

    public func resume(projectID: String, scheduleID: String) async throws(StoreError) -> Schedule {
        try await write { try $0.transition(.resume, project: projectID, id: scheduleID) }
    }

    public func batch(_ action: BatchAction, projectID: String, scheduleIDs: [String], reason: String? = nil)
        async throws(StoreError) -> BatchResult
    {
        try ScheduleStore.checkBatch(scheduleIDs)
        let event: LifecycleEvent =
            switch action {
            case .pause: .pause
            case .resume: .resume
            case .cancel: .cancel
            }
        return try await write { try $0.batch(event, project: projectID, ids: scheduleIDs, reason: reason) }
    }

    public func publishNow(projectID: String, scheduleID: String) async throws(StoreError) -> Schedule {
        try await write { try $0.publishNow(project: projectID, id: scheduleID) }
    }

    public func confirmOutcome(_ request: ConfirmOutcomeRequest) async throws(StoreError) -> ConfirmResult {
        try await write { try $0.confirmOutcome(request) }
    }

    public func reschedule(
        projectID: String, scheduleID: String, to time: ScheduleTime, timeZone: String? = nil, autoResolve: Bool = false
    ) async throws(StoreError) -> EnqueueResult {
        try await write {
            try $0.reschedule(
                project: projectID, id: scheduleID, time: time, timeZone: timeZone, autoResolve: autoResolve)
        }
    }

    public func enqueueBatch(_ requests: [EnqueueRequest]) async throws(StoreError) -> [Result<EnqueueResult, StoreError>] {
        try ScheduleStore.checkItems(requests.count)
        let checked = CheckedEnqueue.each(requests, config: configuration)
        return try await write(items: true) { try $0.enqueueBatch(checked) }
    }

    // MARK: Workers

    public func dequeue(_ request: DequeueRequest) async throws(StoreError) -> [Lease] {
        try await write { try $0.dequeue(request) }
    }

    public func markProcessing(projectID: String, scheduleID: String, leaseToken: String) async throws(StoreError)
        -> Schedule
    {
        try await write { try $0.markProcessing(project: projectID, id: scheduleID, token: leaseToken) }
    }

    public func heartbeat(projectID: String, scheduleID: String, leaseToken: String, leaseSeconds: Int64 = 300)
        async throws(StoreError) -> Instant
    {
        try await write {
            try $0.heartbeat(project: projectID, id: scheduleID, token: leaseToken, extendSeconds: leaseSeconds)
        }
    }

    public func complete(
        projectID: String, scheduleID: String, leaseToken: String, results: [PlatformResult], publishedAt: Instant?
    ) async throws(StoreError) -> FinishResult {
        try await write {
            try $0.complete(project: projectID, id: scheduleID, token: leaseToken, results: results, publishedAt: publishedAt)
        }
    }

    public func fail(
        projectID: String, scheduleID: String, leaseToken: String, results: [PlatformResult] = [], error: String,
        retryable: Bool = true
    ) async throws(StoreError) -> FinishResult {
        try await write {
            try $0.fail(
                project: projectID, id: scheduleID, token: leaseToken, results: results, error: error,
                retryable: retryable)
        }
    }

    public func acknowledge(_ items: [Acknowledgement]) async throws(StoreError) -> [Result<FinishResult, StoreError>] {
        try ScheduleStore.checkItems(items.count)
        return try await write(items: true) { try $0.acknowledge(items) }
    }

    public func dequeue(_ request: DequeueRequest, acknowledging items: [Acknowledgement]) async throws(StoreError)
        -> (acknowledged: [Result<FinishResult, StoreError>], leases: [Lease])
    {
        if !items.isEmpty { try ScheduleStore.checkItems(items.count) }
        return try await write(items: !items.isEmpty) { try $0.dequeue(request, acknowledging: items) }
    }

    public func history(projectID: String, scheduleID: String) async throws(StoreError) -> [AttemptRecord] {
        try await read { db in
            var out: [AttemptRecord] = []
            for r in try db.executeCached(
                """
                SELECT attempt, worker_id, idempotency_key, dequeued_at, started_at, ended_at, outcome, error,
                       \(OutcomeConfirmation.columns)
                  FROM attempts WHERE schedule_id = $1 AND project_id = $2 ORDER BY attempt LIMIT 1000
                """, [.text(scheduleID), .text(projectID)])
            {
                out.append(
                    AttemptRecord(
                        attempt: try r.int(0), workerID: try r.string(1), idempotencyKey: try r.string(2),
                        dequeuedAt: Instant(unixMilliseconds: try r.int64(3)),
                        startedAt: try r.optionalInt64(4).map(Instant.init(unixMilliseconds:)),
                        endedAt: try r.optionalInt64(5).map(Instant.init(unixMilliseconds:)),
                        outcome: r.optionalString(6), error: r.optionalString(7), results: [],
                        confirmation: OutcomeConfirmation(
                            columns: r.optionalString(8), try r.optionalInt64(9), r.optionalString(10),
                            r.optionalString(11))))
            }
            guard !out.isEmpty else { return out }
            for r in try db.executeCached(
                """
                SELECT attempt, platform, success, url, error FROM attempt_results
                 WHERE schedule_id = $1 ORDER BY attempt, platform
                """, [.text(scheduleID)])
            {
                let n = try r.int(0)
                guard let i = out.firstIndex(where: { $0.attempt == n }) else { continue }
                let ok = try r.int(2) == 1
                out[i].results.append(
                    PlatformResult(
                        platform: try r.string(1), url: ok ? r.optionalString(3) : nil,
                        error: ok ? nil : (r.optionalString(4) ?? "failed")))
            }
            return out
        }
    }

    /// The projects holding a live lease, in order, one index seek each (`schedules_live_leases`):
    /// from the first such project, the next one after it, and so on. The parent's LIMIT stops
    /// the recursion: PostgreSQL computes a recursive query's rows only as they are fetched.
    /// `now` names the parameter holding the time, in milliseconds.
    static func dispatchingProjectsSQL(now: String) -> String {
        """
        WITH RECURSIVE live(project_id) AS (
            (SELECT project_id FROM schedules
              WHERE queue_status IN ('QUEUED','PROCESSING') AND lease_expires_at > \(now)
              ORDER BY project_id LIMIT 1)
            UNION ALL
            SELECT (SELECT s.project_id FROM schedules s
                     WHERE s.queue_status IN ('QUEUED','PROCESSING') AND s.lease_expires_at > \(now)
                       AND s.project_id > live.project_id
                     ORDER BY s.project_id LIMIT 1)
              FROM live WHERE live.project_id IS NOT NULL)
        SELECT project_id FROM live WHERE project_id IS NOT NULL
        """
    }

    private static let dispatchingProjectsNowSQL = dispatchingProjectsSQL(now: "$1")

    /// Dequeue's question: whether the project (`$1`) holds a live lease at `$2`, and only when
    /// it does not, whether fewer than `$3` projects do. PostgreSQL runs an OR's uncorrelated
    /// subqueries when first needed, and the count stops at `$3` projects.
    static let mayDispatchSQL = """
        SELECT EXISTS (SELECT 1 FROM schedules
                        WHERE project_id = $1 AND queue_status IN ('QUEUED','PROCESSING')
                          AND lease_expires_at > $2)
            OR (SELECT count(*) FROM (\(dispatchingProjectsSQL(now: "$2"))
                                      LIMIT $3) d) < $3
        """

    /// One statement, no transaction (``mayDispatchSQL``). Asked by every Dequeue, so it must not
    /// read every live lease, nor every lease finished since the last VACUUM, each time. A limit
    /// below zero is zero (PostgreSQL refuses a negative LIMIT): only a dispatching project may.
    public func mayDispatch(projectID: String, limit: Int) async throws(StoreError) -> Bool {
        let now = self.now
        return try await readStatement { db in
            try db.executeCached(
                Self.mayDispatchSQL, [.text(projectID), .int64(now.unixMilliseconds), .int64(Int64(max(0, limit)))]
            ).first?.bool(0) ?? false
        }
    }

    public func dispatchingProjects() async throws(StoreError) -> Set<String> {
        let now = self.now
        return try await read { db in
            Set(try db.executeCached(Self.dispatchingProjectsNowSQL, [.int64(now.unixMilliseconds)]).map { try $0.string(0) })
        }
    }

    // MARK: Conflicts, statistics

    public func checkConflicts(
        projectID: String, excluding scheduleID: String? = nil, time: ScheduleTime, timeZone: String = "UTC",
        platforms: [String], recurrence: RecurrenceSpec? = nil, autoResolve: Bool = false
    ) async throws(StoreError) -> ConflictChecker.Validation {
        let config = configuration
        return try await read { db in
            try PostgresRepository(db: db, config: config, locking: false).checkConflicts(
                project: projectID, excluding: scheduleID, time: time, timeZone: timeZone, platforms: platforms,
                recurrence: recurrence, autoResolve: autoResolve)
        }
    }

    public func listConflicts(_ request: ConflictListRequest) async throws(StoreError) -> ConflictListResult {
        try ScheduleStore.checkPaging(page: request.page, limit: request.limit, from: request.from, to: request.to)
        let query = ConflictQuery(request, postgres: true)
        return try await readPage(
            countSQL: query.countSQL, pageSQL: query.pageSQL, arguments: query.arguments, page: request.page,
            limit: request.limit) { Rows.decodeConflict($0) }
    }

    public func resolveConflict(projectID: String, conflictID: String, resolution: String, resolvedBy: String)
        async throws(StoreError) -> ScheduleConflict
    {
        try await write {
            try $0.resolveConflict(project: projectID, id: conflictID, resolution: resolution, resolvedBy: resolvedBy)
        }
    }

    /// Stats' reads in one read transaction (one snapshot, ``read(_:)``).
    public func projectStats(projectID: String, history: (from: Instant, to: Instant)?, byPlatform: Bool)
        async throws(StoreError) -> ProjectStats
    {
        try StoreChecks.statsRange(history)
        let now = self.now
        let limit = configuration.pendingLimit(for: projectID)
        return try await read { db in
            ProjectStats(
                queue: try Self.queueStats(db: db, projectID: projectID, now: now, limit: limit),
                history: try history.map { try Self.metricsHistory(db: db, projectID: projectID, from: $0.from, to: $0.to) } ?? [],
                platforms: byPlatform ? try Self.platformCounts(db: db, projectID: projectID) : [])
        }
    }

    private static func platformCounts(db: PostgreSQL.Connection, projectID: String) throws -> [PlatformQueueCounts] {
        PlatformQueueCounts.tally(
            try db.executeCached(StatsSQL.postgresPlatformCounts, [.text(projectID)]).map { r in
                (try r.string(0), try r.string(1), try r.int(2))
            })
    }

    /// Counts per status now; averages, success rate and peak over the day before `now`.
    private static func queueStats(db: PostgreSQL.Connection, projectID: String, now: Instant, limit: Int?) throws
        -> QueueStats
    {
        var stats = QueueStats()
        for r in try db.executeCached(StatsSQL.postgresStatusCounts, [.text(projectID)]) {
            stats.add(try r.int(1), status: try r.string(0))
        }
        let m = try computeMetrics(db: db, project: projectID, from: now.adding(seconds: -QueueStats.windowSeconds), to: now)
        stats.takeWindow(m)
        stats.pendingLimit = limit
        return stats
    }

    private static func metricsHistory(db: PostgreSQL.Connection, projectID: String, from: Instant, to: Instant) throws
        -> [QueueMetrics]
    {
        try db.executeCached(
            StatsSQL.postgresHistory, [.text(projectID), .int64(from.unixMilliseconds), .int64(to.unixMilliseconds)]
        ).map(decodeMetrics)
    }

    // MARK: Maintenance

    /// Extends the leases that ran out while no node was running. When another node of this
    /// deployment is connected (`pg_stat_activity`), the service never stopped: its workers'
    /// expired leases are left to the reaper, and this returns 0.
    public func extendLeases(until deadline: Instant) async throws(StoreError) -> Int {
        let prefix = Self.applicationName(schema: settings.schema, nodeID: "")
        let mine = settings.applicationName
        let config = configuration
        return try await pool.run { session throws(StoreError) in
            try session.transaction { db in
                let others =
                    try db.executeCached(
                        """
                        SELECT count(*) FROM pg_stat_activity
                         WHERE datname = current_database() AND starts_with(application_name, $1)
                           AND application_name <> $2
                        """, [.text(prefix), .text(mine)]
                    ).first?.int(0) ?? 0
                guard others == 0 else { return 0 }
                return try PostgresRepository(db: db, config: config).extendLeases(until: deadline)
            }
        }
    }

    public func reapExpiredLeases(limit: Int = 1000) async throws(StoreError) -> ReapResult {
        try await write { try $0.reapExpiredLeases(limit: limit) }
    }

    public func expireMissedWindows(limit: Int = 1000) async throws(StoreError) -> MissedWindowResult {
        try await write { try $0.expireMissedWindows(limit: limit) }
    }

    /// Computes and stores the day's figures (``ScheduleStore/rollupMetrics(day:projectIDs:)``).
    /// One node at a time: a node that finds another one rolling up waits for it, and then
    /// answers with the figures just stored instead of computing them again.
    public func rollupMetrics(day: Instant, projectIDs: [String]? = nil) async throws(StoreError) -> [QueueMetrics] {
        let now = self.now
        return try await pool.run { session throws(StoreError) in
            try session.transaction { db in
                let (start, end) = WriterState.dayBounds(day)
                let key = PostgreSQL.Connection.advisoryLockKey("scheduler.rollup")
                if try !db.tryAdvisoryTransactionLock(key) {
                    try db.advisoryTransactionLock(key)
                    var stored = try db.executeCached(
                        "SELECT \(Rows.metricsColumns) FROM queue_metrics WHERE period_start = $1 ORDER BY project_id",
                        [.int64(start.unixMilliseconds)]
                    ).map(Self.decodeMetrics)
                    if let ids = projectIDs { stored = stored.filter { ids.contains($0.projectID) } }
                    if projectIDs == nil || stored.count == Set(projectIDs!).count { return stored }
                }
                let ids = try projectIDs ?? Self.activeProjects(db: db, from: start, to: end)
                return try ids.map { project in
                    try Self.saveMetrics(
                        db: db, Self.computeMetrics(db: db, project: project, from: start, to: end), now: now)
                }
            }
        }
    }

    /// Stores one project's figures for a day, replacing the row it had; returns the row stored.
    static func saveMetrics(db: PostgreSQL.Connection, _ figures: QueueMetrics, now: Instant) throws -> QueueMetrics {
        var m = figures
        m.id = IDs.make("qm_", now: now)
        let saved = try db.executeCached(
            Rows.upsertMetricsSQL(parameter: "$"),
            [
                .text(m.id), .text(m.projectID), .int64(m.periodStart.unixMilliseconds),
                .int64(m.periodEnd.unixMilliseconds), .int64(Int64(m.totalQueued)),
                .int64(Int64(m.totalProcessed)), .int64(Int64(m.totalCompleted)),
                .int64(Int64(m.totalFailed)), .int64(Int64(m.totalCancelled)),
                m.avgWaitTime.map { .int64(Int64($0)) } ?? .null,
                m.avgProcessingTime.map { .int64(Int64($0)) } ?? .null,
                .int64(Int64(m.peakQueueLength)), m.successRate.map(PostgreSQLValue.double) ?? .null,
            ]
        ).first
        return try saved.map(Self.decodeMetrics) ?? m
    }

    /// Deletes up to `limit` (1…500) old finished schedules and their rows in one transaction
    /// (``ScheduleStore/purgeFinished(olderThan:limit:)`` has the rules). Each candidate range is
    /// claimed `FOR UPDATE SKIP LOCKED`, so nodes purging at the same time split the rows instead
    /// of repeating each other's work, and a row another transaction is changing (a Reschedule
    /// reviving it) is left for the next pass. Each node keeps its own scan position.
    public func purgeFinished(olderThan cutoff: Instant, limit: Int = 200) async throws(StoreError) -> PurgeResult {
        try RetentionLimits.check(limit, max: RetentionLimits.maxSchedulesPerCall)
        let start = purgeCursor.withLock { $0 }
        let time = cutoff.unixMilliseconds
        let nextSQL = RetentionSQL.postgres(RetentionSQL.nextProject)
        let pageSQL = RetentionSQL.postgres(RetentionSQL.candidates) + " FOR UPDATE SKIP LOCKED"
        let (result, next) = try await write { repo in
            let db = repo.db
            let found = try RetentionSQL.scan(
                from: start, cutoff: time, limit: limit,
                nextProject: { after in try db.executeCached(nextSQL, [.text(after)]).first?.optionalString(0) },
                page: { project, status, afterTime, afterID, n in
                    try db.executeCached(
                        pageSQL,
                        [.text(project), .text(status), .int64(time), .int64(afterTime), .text(afterID), .int64(Int64(n))]
                    ).map {
                        PurgeCandidate(
                            id: try $0.string(0), time: try $0.int64(1), seriesID: $0.optionalString(2),
                            nominalTime: try $0.int64(3))
                    }
                })
            var result = try RetentionSQL.delete(found.candidates, cutoff: time) { sql, text, number in
                try db.executeCached(
                    RetentionSQL.postgres(sql), number.map { [.text(text), .int64($0)] } ?? [.text(text)]
                ).affectedRows
            }
            result.reachedEnd = found.reachedEnd
            return (result, found.next)
        }
        purgeCursor.withLock { $0 = next }
        return result
    }

    /// Deletes up to `limit` (1…5000) daily metrics rows of days that start before `cutoff` in
    /// one transaction, rows claimed `FOR UPDATE SKIP LOCKED`; returns how many.
    public func purgeMetrics(olderThan cutoff: Instant, limit: Int = 1000) async throws(StoreError) -> Int {
        try await purgeRows(RetentionSQL.metricsPurge, olderThan: cutoff, limit: limit)
    }

    public func purgeAlerts(olderThan cutoff: Instant, limit: Int = 1000) async throws(StoreError) -> Int {
        try await purgeRows(RetentionSQL.alertsPurge, olderThan: cutoff, limit: limit)
    }

    /// The size from which a table without statistics is analyzed: 8 pages, some 60 schedules.
    public static let analyzeThresholdBytes: Int64 = 8 * 8192

    /// A plan is made once per pooled connection and statement, and kept until the table's
    /// statistics change. A new deployment's tables have none until autovacuum's first pass (a
    /// minute, `autovacuum_naptime`), and without them the planner cannot tell a unique index
    /// from any other index on the project: the idempotency-key lookup of every Enqueue, planned
    /// on the young table, walked one of the project's indexes and read all of its rows, to the
    /// end of that minute (~800 rows a lookup after 6 s of the Enqueue benchmark). So the
    /// maintenance pass analyzes each table that has grown past the threshold with no
    /// statistics; the plans made before are then made again. Once `schedules` and every grown
    /// table have statistics, autovacuum keeps them and this costs a flag check.
    public func analyzeGrownTables() async throws(StoreError) -> [String] {
        if analyzed.withLock({ $0.settled }) { return [] }
        let done = analyzed.withLock { $0.tables }
        let tables = try await readStatement { db in
            try db.executeCached(
                """
                SELECT c.relname, c.reltuples > 0, pg_relation_size(c.oid) >= $1 FROM pg_class c
                 WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
                """, [.int64(Self.analyzeThresholdBytes)]
            ).map { (name: try $0.string(0), hasStatistics: try $0.bool(1), grown: try $0.bool(2)) }
        }
        let due = tables.filter { !$0.hasStatistics && $0.grown && !done.contains($0.name) }.map(\.name)
        for table in due {
            // A table of another owner is skipped with a warning, not an error: tried once.
            let quoted = "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            try await readStatement { db in _ = try db.execute("ANALYZE \(quoted)") }
        }
        analyzed.withLock { state in
            state.tables.formUnion(due)
            // Small side tables may never reach the threshold (nor autovacuum's): the check
            // stops once `schedules`, which the others grow with, has statistics.
            state.settled = tables.allSatisfy { table in
                table.hasStatistics || state.tables.contains(table.name) || (!table.grown && table.name != "schedules")
            }
        }
        return due
    }

    /// One table's old rows in one transaction, claimed `FOR UPDATE SKIP LOCKED` so nodes split
    /// the work.
    private func purgeRows(_ sql: RetentionSQL.RowPurge, olderThan cutoff: Instant, limit: Int) async throws(StoreError)
        -> Int
    {
        try RetentionLimits.check(limit, max: RetentionLimits.maxMetricsPerCall)
        let time = cutoff.unixMilliseconds
        let nextSQL = RetentionSQL.postgres(sql.nextProject)
        let oldSQL = RetentionSQL.postgres(sql.old) + " FOR UPDATE SKIP LOCKED"
        let deleteSQL = RetentionSQL.postgres(sql.delete)
        return try await write { repo in
            let db = repo.db
            var deleted = 0
            var after = ""
            while deleted < limit, let project = try db.executeCached(nextSQL, [.text(after)]).first?.optionalString(0) {
                for r in try db.executeCached(oldSQL, [.text(project), .int64(time), .int64(Int64(limit - deleted))]) {
                    deleted += try db.executeCached(deleteSQL, [.text(try r.string(0)), .int64(time)]).affectedRows
                }
                after = project
            }
            return deleted
        }
    }

    // MARK: Metrics

    /// ``QueueGaugeSource/queueGauges(now:)`` in one read-only transaction: per project one index
    /// seek for the next project id, the depth from the status index, the due items from the
    /// due index; the database's size from `pg_database_size` (the WAL is the server's, not ours: nil).
    public func checkReachable() async throws(StoreError) {
        try await read { db in _ = try db.execute("SELECT 1") }
    }

    public func queueGauges(now: Instant) async throws(StoreError) -> QueueGauges {
        let next = SQLText.postgres(QueueGaugeQueries.nextProject)
        let depth = SQLText.postgres(QueueGaugeQueries.depth)
        let due = SQLText.postgres(QueueGaugeQueries.due)
        return try await read { db in
            var projects: [QueueGauges.Project] = []
            var after = ""
            while let id = try db.executeCached(next, [.text(after)]).first?.optionalString(0) {
                var project = QueueGauges.Project(projectID: id)
                for r in try db.executeCached(depth, [.text(id)]) {
                    if let status = QueueStatus(rawValue: try r.string(0)) { project.depth[status] = try r.int(1) }
                }
                if let r = try db.executeCached(
                    due, [.text(id), .int64(now.unixMilliseconds), .int64(now.unixMilliseconds)]
                ).first {
                    project.dueBacklog = try r.int(0)
                    project.oldestDue = try r.optionalInt64(1).map(Instant.init(unixMilliseconds:))
                }
                projects.append(project)
                after = id
            }
            let size = try db.executeCached("SELECT pg_database_size(current_database())").first?.int64(0)
            return QueueGauges(projects: projects, databaseBytes: size, walBytes: nil)
        }
    }

    // MARK: Figures

    /// Projects with anything to count between `from` and `to`.
    static func activeProjects(db: PostgreSQL.Connection, from: Instant, to: Instant) throws -> [String] {
        let f = PostgreSQLValue.int64(from.unixMilliseconds)
        let t = PostgreSQLValue.int64(to.unixMilliseconds)
        return try db.executeCached(
            """
            SELECT project_id FROM schedules WHERE created_at BETWEEN $1 AND $2
            UNION SELECT project_id FROM schedules WHERE cancelled_at BETWEEN $1 AND $2
            UNION SELECT project_id FROM attempts WHERE dequeued_at BETWEEN $1 AND $2
            UNION SELECT project_id FROM attempts WHERE ended_at BETWEEN $1 AND $2
            ORDER BY 1
            """, [f, t]
        ).map { try $0.string(0) }
    }

    /// The seed's figures for one project over [from, to] (``QueueMetrics/figures``); an
    /// OUTCOME_UNKNOWN attempt confirmed published counts as completed (as on SQLite).
    static func computeMetrics(db: PostgreSQL.Connection, project: String, from: Instant, to: Instant) throws
        -> QueueMetrics
    {
        let p = PostgreSQLValue.text(project)
        let f = PostgreSQLValue.int64(from.unixMilliseconds)
        let t = PostgreSQLValue.int64(to.unixMilliseconds)
        let counts = try db.executeCached(
            """
            SELECT count(*) FILTER (WHERE created_at BETWEEN $2 AND $3),
                   count(*) FILTER (WHERE cancelled_at BETWEEN $2 AND $3)
              FROM schedules WHERE project_id = $1 AND (created_at BETWEEN $2 AND $3 OR cancelled_at BETWEEN $2 AND $3)
            """, [p, f, t]
        ).first
        let ended = try db.executeCached(
            """
            SELECT count(*),
                   count(*) FILTER (WHERE outcome IN ('COMPLETED','PARTIAL') OR confirmed = 'PUBLISHED'),
                   count(*) FILTER (WHERE outcome = 'FAILED'
                                       OR (outcome = 'OUTCOME_UNKNOWN' AND confirmed IS DISTINCT FROM 'PUBLISHED')),
                   avg(ended_at - started_at) FILTER (WHERE started_at IS NOT NULL)::float8
              FROM attempts
             WHERE project_id = $1 AND ended_at BETWEEN $2 AND $3 AND outcome <> 'RELEASED'
            """, [p, f, t]
        ).first
        let waits = try db.executeCached(
            "SELECT due_at, dequeued_at FROM attempts WHERE project_id = $1 AND dequeued_at BETWEEN $2 AND $3",
            [p, f, t]
        ).map { (due: try $0.int64(0), dequeued: try $0.int64(1)) }
        return QueueMetrics.figures(
            project: project, from: from, to: to, queued: try counts?.int(0) ?? 0, cancelled: try counts?.int(1) ?? 0,
            processed: try ended?.int(0) ?? 0, completed: try ended?.int(1) ?? 0, failed: try ended?.int(2) ?? 0,
            avgProcessingSeconds: try ended?.optionalDouble(3).map { Int(($0 / 1000).rounded()) }, waits: waits)
    }

    static func decodeMetrics(_ r: PostgreSQL.Row) throws -> QueueMetrics {
        QueueMetrics(
            id: try r.string(0), projectID: try r.string(1), periodStart: Instant(unixMilliseconds: try r.int64(2)),
            periodEnd: Instant(unixMilliseconds: try r.int64(3)), totalQueued: try r.int(4),
            totalProcessed: try r.int(5), totalCompleted: try r.int(6), totalFailed: try r.int(7),
            totalCancelled: try r.int(8), avgWaitTime: try r.optionalInt(9), avgProcessingTime: try r.optionalInt(10),
            peakQueueLength: try r.int(11), successRate: try r.optionalDouble(12))
    }
}

// MARK: The alert outbox

extension PostgresStore: AlertOutbox {
    /// A project's alerts, newest first, with their delivery state.
    public func listAlerts(projectID: String, limit: Int = 20) async throws(StoreError) -> [Alert] {
        try AlertSQL.checkListLimit(limit)
        return try await read { db in
            try db.executeCached(AlertSQL.postgres(AlertSQL.list), [.text(projectID), .int64(Int64(limit))])
                .map { AlertSQL.decode(PostgresColumns(row: $0)) }
        }
    }

    /// Claims due alerts for delivery: the rows are locked `FOR UPDATE SKIP LOCKED` and leased
    /// (`lease_until`) in one transaction, so two nodes' dispatchers never claim the same alert,
    /// and the POST happens after COMMIT, holding no row lock.
    public func claimAlerts(limit: Int, leaseSeconds: Int64) async throws(StoreError) -> [Alert] {
        let now = self.now
        return try await write { repo in
            try repo.db.executeCached(
                """
                UPDATE alerts SET attempts = attempts + 1, lease_until = $2
                 WHERE id IN (SELECT id FROM alerts WHERE state = 'PENDING' AND next_attempt_at <= $1
                                AND (lease_until IS NULL OR lease_until <= $1)
                              ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
                RETURNING \(AlertSQL.columns)
                """,
                [
                    .int64(now.unixMilliseconds), .int64(now.adding(seconds: leaseSeconds).unixMilliseconds),
                    .int64(Int64(limit)),
                ]
            ).map { AlertSQL.decode(PostgresColumns(row: $0)) }
            .sorted { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }
        }
    }

    /// Records a delivery attempt's result (``AlertOutbox/finishAlertDelivery(id:attempt:result:)``).
    public func finishAlertDelivery(id: String, attempt: Int, result: AlertDeliveryResult) async throws(StoreError) {
        let now = self.now
        try await write { repo in
            let head: [PostgreSQLValue] = [.int64(Int64(attempt)), .text(id)]
            switch result {
            case .delivered:
                _ = try repo.db.executeCached(AlertSQL.postgres(AlertSQL.delivered), head + [.int64(now.unixMilliseconds)])
            case .retry(let at, let error):
                // $3 is unused by this statement; PostgreSQL wants every parameter typed, so it
                // is left out and the later ones renumbered.
                _ = try repo.db.executeCached(
                    """
                    UPDATE alerts SET next_attempt_at = $3, last_error = $4, lease_until = NULL
                     WHERE id = $2 AND attempts = $1 AND state = 'PENDING'
                    """, head + [.int64(at.unixMilliseconds), .text(String(error.prefix(1000)))])
            case .gaveUp(let error):
                _ = try repo.db.executeCached(
                    """
                    UPDATE alerts SET state = 'FAILED', last_error = $3, lease_until = NULL
                     WHERE id = $2 AND attempts = $1 AND state = 'PENDING'
                    """, head + [.text(String(error.prefix(1000)))])
            }
        }
    }

    /// DUE_BACKLOG alerts from a queue read (``AlertOutbox/recordBacklogAlerts(_:)``).
    public func recordBacklogAlerts(_ gauges: QueueGauges) async throws(StoreError) -> Int {
        try await write { try $0.recordBacklogAlerts(gauges) }
    }
}
