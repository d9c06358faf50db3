import PostgreSQL
import SQLite
import SchedulingCore

/// A batch item that failed after writing, run without a savepoint: the transaction must run
/// again, with one per item.
struct ReplayWithSavepoints: Error {}

/// PostgreSQL's ``ScheduleRepository``: the workflow's primitives as SQL on one connection, inside
/// the operation's transaction (the caller opens it, and takes the project's advisory lock for
/// operations that decide conflicts, so two nodes never both accept the sixth post of a full slot).
///
/// The conflict counts are SQL counts in the same transaction (``PostgresOccupancy``), not a
/// node's memory: every node sees every node's schedules. Due items, expired leases and missed
/// windows are claimed `FOR UPDATE SKIP LOCKED`, so a lease is never handed to two workers,
/// whichever node they call.
final class PostgresRepository: ScheduleRepository {
    let db: PostgreSQL.Connection
    let config: StoreConfiguration
    let occupancy: PostgresOccupancy
    /// The project locks this transaction holds.
    let locks: ProjectLocks
    private var checkers: [String: ConflictChecker] = [:]
    private var savepoints = 0
    /// Whether ``isolated(_:)`` runs each batch item in a savepoint of its own (a round trip
    /// each for its RELEASE), or directly in the transaction (``PostgresSession/transaction(items:_:)``
    /// runs the transaction again with savepoints when an item cannot be undone alone).
    let savepointPerItem: Bool

    /// A repository on `db`'s open transaction. With `locking`, every read a conflict decision
    /// rests on (occupancy counts, in-flight counts, idempotency keys) first takes the project's
    /// advisory transaction lock (``ProjectLocks``); without it (Validate) they only read.
    init(db: PostgreSQL.Connection, config: StoreConfiguration, locking: Bool = true, savepointPerItem: Bool = true) {
        self.db = db
        self.config = config
        self.savepointPerItem = savepointPerItem
        self.locks = ProjectLocks(db: db, enabled: locking)
        self.occupancy = PostgresOccupancy(db: db, locks: locks)
    }

    var now: Instant { config.clock.now() }

    func checker(for project: String) -> ConflictChecker {
        if let c = checkers[project] { return c }
        let c = ConflictChecker(policy: config.conflictPolicy(for: project))
        checkers[project] = c
        return c
    }

    func isolated<T>(_ body: () throws -> T) throws -> Result<T, StoreError> {
        guard savepointPerItem else { return try direct(body) }
        savepoints += 1
        let name = "item\(savepoints)"
        _ = try db.execute("SAVEPOINT \(name)")
        do {
            let value = try body()
            _ = try db.execute("RELEASE SAVEPOINT \(name)")
            return .success(value)
        } catch {
            if let e = error as? PostgreSQLError, e.isConnectionError { throw error }
            try db.rollback(toSavepoint: name)
            return .failure(Self.storeError(error))
        }
    }

    /// A batch item run directly in the transaction. Most refusals (a stale lease token, a
    /// conflict, a bad value) come before the item's writes, which wait in the connection's queue
    /// to travel with the next statement: such an item failed with nothing to undo. When it had
    /// queued a write, a statement of it changed rows, or a statement failed (the database then
    /// fails the whole transaction), it cannot be undone alone: ``ReplayWithSavepoints`` (or the
    /// database's error) sends the transaction back, and it runs again with a savepoint per item.
    private func direct<T>(_ body: () throws -> T) throws -> Result<T, StoreError> {
        let mark = db.statementMark
        do {
            return .success(try body())
        } catch let e as PostgreSQLError {
            throw e
        } catch {
            if db.changedRows(since: mark) || db.hasQueued(since: mark) { throw ReplayWithSavepoints() }
            return .failure(Self.storeError(error))
        }
    }

    /// A backend failure as a ``StoreError``: connection loss and lock waits are UNAVAILABLE,
    /// serialization failures and deadlocks ABORTED-like (UNAVAILABLE, retry the call); a schedule
    /// whose external job id or idempotency key another holds is refused naming that field.
    static func storeError(_ error: any Error) -> StoreError {
        guard let e = error as? PostgreSQLError else { return StoreError.wrap(error) }
        if e.code == .uniqueViolation && e.constraint == "schedules_job" {
            return StoreError(
                code: .alreadyExists, message: "externalJobID is already used by another schedule", field: "externalJobID")
        }
        if e.code == .uniqueViolation && e.constraint == "schedules_idempotency" {
            // Another node stored the same key first (this transaction did not see it yet).
            return StoreError(
                code: .unavailable, message: "the idempotency key was just used by a concurrent request: retry",
                field: "idempotencyKey")
        }
        let code: StoreError.Code =
            e.isConnectionError || e.isRetryableTransactionFailure || e.code == .lockNotAvailable
            ? .unavailable : e.code == .diskFull ? .resourceExhausted : .internal
        return StoreError(code: code, message: "database: \(e.message)", backendCode: "postgres:\(e.code.rawValue)")
    }

    // MARK: Schedules

    private func rows(_ sql: String, _ parameters: [PostgreSQLValue]) throws -> [Rows.Row] {
        rows(try db.executeCached(sql, parameters))
    }

    private func rows(_ result: QueryResult) -> [Rows.Row] {
        result.map { tracked(Rows.decodeRow(PostgresColumns(row: $0))) }
    }

    private func tracked(_ row: Rows.Row) -> Rows.Row {
        var r = row
        r.snapshot = WriterState.snapshot(of: row)
        return r
    }

    func load(_ project: String, _ id: String) throws -> Rows.Row {
        guard
            let row = try rows(
                "SELECT \(Rows.scheduleColumns) FROM schedules WHERE id = $1 AND project_id = $2 FOR UPDATE",
                [.text(id), .text(project)]
            ).first
        else { throw StoreError.notFound("schedule \(id)") }
        return row
    }

    /// A failed insert would abort the transaction, so Enqueue looks the key up before it; the
    /// lookup is queued to travel with the conflict checks' reads (no round trip of its own).
    var idempotencyKeyLookup: IdempotencyKeyLookup { .queuedWithChecks }

    /// The key lookup queued by ``queueIdempotencyKeyLookup(project:key:)``, until it is read.
    private var queuedKeyLookup: (project: String, key: String, answer: DeferredAnswer)?

    private static let keyLookupSQL =
        "SELECT \(Rows.scheduleColumns) FROM schedules WHERE project_id = $1 AND idempotency_key = $2"

    /// Queues the lookup after the project's lock (queued too): a concurrent request with the
    /// same key on another node waits for this transaction, then finds its schedule.
    func queueIdempotencyKeyLookup(project: String, key: String) throws {
        try locks.lock(project)
        queuedKeyLookup = (project, key, try db.queryDeferred(Self.keyLookupSQL, [.text(project), .text(key)]))
    }

    func loadByIdempotencyKey(project: String, key: String) throws -> Rows.Row? {
        if let queued = queuedKeyLookup, queued.project == project, queued.key == key {
            queuedKeyLookup = nil
            return rows(try db.answer(queued.answer)).first
        }
        // Under the project's lock: a concurrent request with the same key on another node
        // waits, then finds this one's schedule and gets its answer.
        try locks.lock(project)
        return try rows(Self.keyLookupSQL, [.text(project), .text(key)]).first
    }

    static let insertSQL = """
        INSERT INTO schedules (id, content_id, project_id, scheduled_for, local_time, timezone, nominal_time,
            platforms, published_platforms, priority, queue_status, status, is_recurring, recurring_pattern,
            recurring_config, recurrence_kind, recurrence_text, recurrence_start, recurring_until, series_id,
            retry_count, max_retries, retry_delay, publish_delay, inngest_job_id, attempt_count,
            lease_loss_policy, expiry_window, expires_at, notes, metadata, idempotency_key, request_fingerprint,
            created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
            $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35)
        ON CONFLICT (series_id, nominal_time) WHERE series_id IS NOT NULL DO NOTHING
        """

    func insert(_ row: Rows.Row, ignoreDuplicateOccurrence: Bool) throws -> Bool {
        let sc = row.schedule
        let values: [PostgreSQLValue] = [
            .text(sc.id), .text(sc.contentID), .text(sc.projectID), pg(sc.scheduledFor), .text(sc.localTime.description),
            .text(sc.timeZone), pg(sc.nominalTime), .text(sc.platforms.joined(separator: ",")),
            .text(sc.publishedPlatforms.joined(separator: ",")), .int64(Int64(sc.priority)), .text(sc.queueStatus.rawValue),
            .text(sc.status.rawValue), .int64(sc.isRecurring ? 1 : 0), pg(sc.recurringPattern), pg(sc.recurringConfig),
            pg(row.recurrenceKind), pg(row.recurrenceText), pg(row.recurrenceStart), pg(sc.recurringUntil), pg(sc.seriesID),
            .int64(Int64(sc.retryCount)), .int64(Int64(sc.maxRetries)), .int64(sc.retryDelaySeconds),
            .int64(sc.publishDelaySeconds), pg(sc.externalJobID), .int64(Int64(sc.attemptCount)),
            .text(sc.leaseLossPolicy.rawValue), pg(sc.expiryWindowSeconds), pg(row.expiresAt),
            pg(sc.notes), pg(sc.metadataJSON), pg(sc.idempotencyKey), pg(row.fingerprint), pg(sc.createdAt), pg(sc.updatedAt),
        ]
        // Outside a series the ON CONFLICT clause cannot apply, so there is nothing to read back:
        // the INSERT waits and travels with the next statement (or COMMIT), one round trip fewer.
        // Its error, should there be one, comes from that call; `storeError` names the external
        // job id or idempotency key taken either way.
        guard sc.seriesID != nil else {
            try db.executeDeferred(Self.insertSQL, values)
            try insertPlatforms(sc.platforms, of: sc, published: [:])
            return true
        }
        if try db.executeCached(Self.insertSQL, values).affectedRows == 0 {
            guard ignoreDuplicateOccurrence else {
                throw StoreError(code: .alreadyExists, message: "the series already has an occurrence at that time")
            }
            return false
        }
        try insertPlatforms(sc.platforms, of: sc, published: [:])
        return true
    }

    private func insertPlatforms(_ platforms: [String], of sc: Schedule, published: [String: (Int64?, String?)]) throws {
        for p in platforms {
            try db.executeDeferred(
                """
                INSERT INTO schedule_platforms (schedule_id, platform, project_id, published_at, published_url)
                VALUES ($1, $2, $3, $4, $5)
                """,
                [
                    .text(sc.id), .text(p), .text(sc.projectID), pg(published[p]?.0), pg(published[p]?.1),
                ])
        }
    }

    func save(_ row: inout Rows.Row) throws {
        let mask = WriterState.changedColumns(row)
        guard mask != 0 else { return }
        var sets: [String] = []
        var values: [PostgreSQLValue] = [.text(row.schedule.id)]
        for (k, name) in WriterState.mutableColumns.enumerated() where mask & (1 << k) != 0 {
            values.append(Self.value(WriterState.mutableValue(k, of: row)))
            sets.append("\(name) = $\(values.count)")
        }
        try db.executeDeferred("UPDATE schedules SET \(sets.joined(separator: ", ")) WHERE id = $1", values)
        row.snapshot = WriterState.snapshot(of: row)
    }

    /// A value in PostgreSQL's terms: a mutable column's (``WriterState/mutableValue(_:of:)``), a
    /// shared query's argument (``SQLFilter``).
    static func value(_ v: SQLiteValue) -> PostgreSQLValue {
        switch v {
        case .integer(let i): .int64(i)
        case .real(let d): .double(d)
        case .text(let s): .text(s)
        case .blob(let b): .bytes(b)
        case .null: .null
        }
    }

    func replacePlatforms(of sc: Schedule, with platforms: [String]) throws {
        var kept: [String: (Int64?, String?)] = [:]
        for r in try db.executeCached(
            "SELECT platform, published_at, published_url FROM schedule_platforms WHERE schedule_id = $1", [.text(sc.id)])
        {
            kept[(try? r.string(0)) ?? ""] = ((try? r.optionalInt64(1)) ?? nil, r.optionalString(2))
        }
        try db.executeDeferred("DELETE FROM schedule_platforms WHERE schedule_id = $1", [.text(sc.id)])
        try insertPlatforms(platforms, of: sc, published: kept)
    }

    func jsonKind(_ text: String) throws -> JSONKind {
        // A cast that fails aborts the transaction: try it in a savepoint.
        _ = try db.execute("SAVEPOINT json_check")
        do {
            let kind = try db.execute("SELECT jsonb_typeof($1::jsonb)", [.text(text)]).first?.optionalString(0)
            _ = try db.execute("RELEASE SAVEPOINT json_check")
            return kind == "object" ? .object : .other
        } catch {
            guard error.code == .invalidTextRepresentation else { throw error }
            try db.rollback(toSavepoint: "json_check")
            return .invalid
        }
    }

    // MARK: The queue

    /// Counted under the project's lock (a range of `schedules_status` per status), so the
    /// count includes every node's committed enqueues and no other node's enqueue for the
    /// project can commit before this transaction does.
    func pendingCount(project: String) throws -> Int {
        try locks.lock(project)
        return try db.executeCached(
            """
            SELECT count(*) FROM schedules
             WHERE project_id = $1 AND queue_status IN ('PENDING','QUEUED','PROCESSING','PAUSED')
            """, [.text(project)]
        ).first?.int(0) ?? 0
    }

    func inFlightCount(project: String, at now: Instant) throws -> Int {
        try locks.lock(project)
        return try db.executeCached(
            """
            SELECT count(*) FROM schedules
             WHERE project_id = $1 AND queue_status IN ('QUEUED','PROCESSING') AND lease_expires_at > $2
            """, [.text(project), .int64(now.unixMilliseconds)]
        ).first?.int(0) ?? 0
    }

    /// The due rows of `$1` at `$2`, in dispatch order, claimed; `limit` is the LIMIT expression.
    private static func dueSQL(limit: String) -> String {
        """
        SELECT \(Rows.scheduleColumns) FROM schedules
         WHERE project_id = $1 AND queue_status IN ('PENDING','QUEUED') AND scheduled_for <= $2
           AND (queue_status = 'PENDING' OR lease_expires_at IS NULL OR lease_expires_at <= $2)
           AND (expires_at IS NULL OR expires_at >= $2)
         ORDER BY priority DESC, scheduled_for LIMIT \(limit)
         FOR UPDATE SKIP LOCKED
        """
    }
    private static let dueUpToLimitSQL = dueSQL(limit: "$3")
    /// The room `maxInFlight` (`$4`) leaves, counted in the same statement (and snapshot).
    private static let dueWithinCapSQL = dueSQL(
        limit: """
            LEAST($3, GREATEST(0, $4 - (SELECT count(*) FROM schedules
                                        WHERE project_id = $1 AND queue_status IN ('QUEUED','PROCESSING')
                                          AND lease_expires_at > $2)))
            """)

    func dueRows(project: String, limit: Int, at now: Instant) throws -> [Rows.Row] {
        try rows(Self.dueUpToLimitSQL, [.text(project), .int64(now.unixMilliseconds), .int64(Int64(limit))])
    }

    /// One round trip for the count and the rows, where they took one each: the project's lock
    /// (queued) goes first, and the statement's snapshot follows it.
    func dueRows(project: String, limit: Int, maxInFlight: Int, at now: Instant) throws -> [Rows.Row] {
        try locks.lock(project)
        return try rows(
            Self.dueWithinCapSQL,
            [.text(project), .int64(now.unixMilliseconds), .int64(Int64(limit)), .int64(Int64(maxInFlight))])
    }

    func expiredLeaseRows(at now: Instant, limit: Int) throws -> [Rows.Row] {
        try rows(
            """
            SELECT \(Rows.scheduleColumns) FROM schedules
             WHERE queue_status IN ('QUEUED','PROCESSING') AND lease_expires_at <= $1
             ORDER BY lease_expires_at LIMIT $2 FOR UPDATE SKIP LOCKED
            """, [.int64(now.unixMilliseconds), .int64(Int64(limit))])
    }

    func missedWindowRows(at now: Instant, limit: Int) throws -> [Rows.Row] {
        try rows(
            """
            SELECT \(Rows.scheduleColumns) FROM schedules
             WHERE queue_status IN ('PENDING','QUEUED') AND expires_at IS NOT NULL AND expires_at < $1
             ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED
            """, [.int64(now.unixMilliseconds), .int64(Int64(limit))])
    }

    func extendLeases(until deadline: Instant) throws -> Int {
        try db.executeCached(
            """
            UPDATE schedules SET lease_expires_at = $1
             WHERE queue_status IN ('QUEUED','PROCESSING') AND lease_expires_at < $1
            """, [.int64(deadline.unixMilliseconds)]
        ).affectedRows
    }

    func nextOccurrence(series: String, after: Instant) throws -> Schedule? {
        try rows(
            """
            SELECT \(Rows.scheduleColumns) FROM schedules
             WHERE series_id = $1 AND nominal_time > $2 ORDER BY nominal_time LIMIT 1
            """, [.text(series), .int64(after.unixMilliseconds)]
        ).first?.schedule
    }

    // MARK: Attempts and results

    func insertAttempt(_ a: NewAttempt) throws {
        try db.executeDeferred(
            """
            INSERT INTO attempts (schedule_id, attempt, project_id, worker_id, idempotency_key, due_at, dequeued_at,
                started_at, lease_token)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """,
            [
                .text(a.scheduleID), .int64(Int64(a.attempt)), .text(a.projectID), .text(a.workerID),
                .text(a.idempotencyKey), .int64(a.dueAt.unixMilliseconds), .int64(a.dequeuedAt.unixMilliseconds),
                pg(a.startedAt), .text(a.leaseToken),
            ])
    }

    func markAttemptStarted(scheduleID: String, attempt: Int, at now: Instant) throws {
        try db.executeDeferred(
            "UPDATE attempts SET started_at = $3 WHERE schedule_id = $1 AND attempt = $2",
            [.text(scheduleID), .int64(Int64(attempt)), .int64(now.unixMilliseconds)])
    }

    func closeAttempt(
        _ row: Rows.Row, outcome: String, error: String?, at now: Instant, endedBy: WorkerCall?, retryAt: Instant?
    ) throws {
        guard row.schedule.attemptCount > 0 else { return }
        try db.executeDeferred(
            """
            UPDATE attempts SET ended_at = $3, outcome = $4, error = $5, ended_by = $6, retry_at = $7
             WHERE schedule_id = $1 AND attempt = $2 AND ended_at IS NULL
            """,
            [
                .text(row.schedule.id), .int64(Int64(row.schedule.attemptCount)), .int64(now.unixMilliseconds),
                .text(outcome), pg(error), pg(endedBy?.rawValue),
                pg(retryAt),
            ])
    }

    func endedAttempt(scheduleID: String, token: String) throws -> EndedAttempt? {
        guard
            let r = try db.executeCached(
                """
                SELECT outcome, ended_by, retry_at FROM attempts
                 WHERE schedule_id = $1 AND lease_token = $2 AND ended_at IS NOT NULL
                """, [.text(scheduleID), .text(token)]
            ).first,
            let by = r.optionalString(1).flatMap(WorkerCall.init(rawValue:))
        else { return nil }
        return EndedAttempt(
            outcome: r.optionalString(0) ?? "", endedBy: by,
            retryAt: try r.optionalInt64(2).map(Instant.init(unixMilliseconds:)))
    }

    func recordResult(scheduleID: String, attempt: Int, platform: String, result r: PlatformResult, at now: Instant)
        throws
    {
        try db.executeDeferred(
            """
            INSERT INTO attempt_results (schedule_id, attempt, platform, success, url, error, reported_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (schedule_id, attempt, platform) DO UPDATE
               SET success = excluded.success, url = excluded.url, error = excluded.error,
                   reported_at = excluded.reported_at
            """,
            [
                .text(scheduleID), .int64(Int64(attempt)), .text(platform), .int64(r.succeeded ? 1 : 0),
                pg(r.url), pg(r.error), .int64(now.unixMilliseconds),
            ])
    }

    func markPublished(scheduleID: String, platform: String, at now: Instant, url: String?) throws {
        try db.executeDeferred(
            "UPDATE schedule_platforms SET published_at = $3, published_url = $4 WHERE schedule_id = $1 AND platform = $2",
            [.text(scheduleID), .text(platform), .int64(now.unixMilliseconds), pg(url)])
    }

    func markRemainingPublished(scheduleID: String, at now: Instant) throws {
        try db.executeDeferred(
            "UPDATE schedule_platforms SET published_at = $2 WHERE schedule_id = $1 AND published_at IS NULL",
            [.text(scheduleID), .int64(now.unixMilliseconds)])
    }

    func attemptState(scheduleID: String, attempt: Int) throws -> AttemptState? {
        guard
            let r = try db.executeCached(
                """
                SELECT outcome, ended_at, \(OutcomeConfirmation.columns) FROM attempts
                 WHERE schedule_id = $1 AND attempt = $2
                """, [.text(scheduleID), .int64(Int64(attempt))]
            ).first
        else { return nil }
        return AttemptState(
            outcome: r.optionalString(0), endedAt: try r.optionalInt64(1).map(Instant.init(unixMilliseconds:)),
            confirmation: OutcomeConfirmation(
                columns: r.optionalString(2), try r.optionalInt64(3), r.optionalString(4), r.optionalString(5)))
    }

    func recordConfirmation(scheduleID: String, attempt: Int, _ c: OutcomeConfirmation) throws {
        try db.executeDeferred(
            """
            UPDATE attempts SET confirmed = $3, confirmed_at = $4, confirmed_by = $5, confirmation_note = $6
             WHERE schedule_id = $1 AND attempt = $2
            """,
            [
                .text(scheduleID), .int64(Int64(attempt)), .text(c.storedValue), pg(c.confirmedAt), pg(c.confirmedBy),
                pg(c.note),
            ])
    }

    // MARK: Metrics

    /// In the operation's transaction, so the row commits with the change it reflects. The
    /// rollup's advisory lock is not taken (a rollup that finds it taken returns the stored rows
    /// without computing): the only rollup that can race this one is of today, or of yesterday in
    /// the first two minutes of a day, and a stale row it writes over this one is today's, which
    /// the next pass recomputes.
    func refreshStoredMetrics(project: String, day: Instant) throws {
        let (start, end) = WriterState.dayBounds(day)
        guard
            try db.executeCached(
                "SELECT 1 FROM queue_metrics WHERE project_id = $1 AND period_start = $2",
                [.text(project), .int64(start.unixMilliseconds)]
            ).first != nil
        else { return }
        _ = try PostgresStore.saveMetrics(
            db: db, PostgresStore.computeMetrics(db: db, project: project, from: start, to: end), now: now)
    }

    // MARK: Alerts

    func insertAlert(_ new: NewAlert) throws -> Bool {
        let a = new.alert
        return try db.executeCached(
            AlertSQL.postgres(AlertSQL.insert),
            [
                .text(a.id), .text(a.projectID), .text(a.kind.rawValue), .text(new.dedupeKey), pg(a.scheduleID),
                pg(a.platform), .text(a.message), .text(a.detailsJSON), .int64(a.createdAt.unixMilliseconds),
            ]
        ).affectedRows > 0
    }

    // MARK: Conflicts

    func recordConflicts(_ conflicts: [Conflict], schedule: String, project: String) throws {
        for c in conflicts where c.severity == .warning {
            try db.executeDeferred(
                """
                INSERT INTO schedule_conflicts (id, project_id, schedule1_id, schedule2_id, conflict_type,
                    conflict_time, conflict_reason, suggestion, platform, severity, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                """,
                [
                    .text(IDs.make("cfl_", now: now)), .text(project), .text(schedule),
                    pg(c.conflictingScheduleID), .text(c.type.rawValue),
                    .int64(c.time.unixMilliseconds), .text(c.reason), pg(c.suggestion),
                    pg(c.platform), .text(c.severity.rawValue), .int64(now.unixMilliseconds),
                ])
        }
    }

    func markConflictResolved(project: String, id: String, resolution: String, resolvedBy: String, at now: Instant)
        throws -> ScheduleConflict
    {
        guard
            let r = try db.executeCached(
                """
                UPDATE schedule_conflicts SET resolved = 1, resolved_at = $3, resolution = $4, resolved_by = $5
                 WHERE id = $1 AND project_id = $2 RETURNING \(Rows.conflictColumns)
                """, [.text(id), .text(project), .int64(now.unixMilliseconds), .text(resolution), .text(resolvedBy)]
            ).first
        else { throw StoreError.notFound("conflict \(id)") }
        return Rows.decodeConflict(PostgresColumns(row: r))
    }
}

/// The conflict counts in SQL, in the operation's transaction: the schedules that occupy their
/// slot (``Schema/occupiesSQL``), by time and by platform, whichever node stored them.
final class PostgresOccupancy: OccupancySource {
    let db: PostgreSQL.Connection
    let locks: ProjectLocks

    init(db: PostgreSQL.Connection, locks: ProjectLocks) {
        self.db = db
        self.locks = locks
    }

    func scheduleIDs(project: String, in window: ClosedRange<Instant>, excluding: String?, limit: Int) throws -> [String] {
        try locks.lock(project)
        let q = Self.idsQuery(project: project, in: window, excluding: excluding, limit: limit)
        return Self.ids(try db.executeCached(q.sql, q.parameters))
    }

    func count(project: String, in window: ClosedRange<Instant>, excluding: String?) throws -> Int {
        try locks.lock(project)
        let q = Self.countQuery(project: project, in: window, excluding: excluding)
        return try db.executeCached(q.sql, q.parameters).first?.int(0) ?? 0
    }

    func count(project: String, platform: String, in window: ClosedRange<Instant>, excluding: String?) throws -> Int {
        try locks.lock(project)
        let q = Self.platformCountQuery(project: project, platform: platform, in: window, excluding: excluding)
        return try db.executeCached(q.sql, q.parameters).first?.int(0) ?? 0
    }

    /// The conflict checks' questions in one round trip (one pipeline), with the project's lock
    /// and whatever else is queued ahead of them.
    func occupancy(_ q: OccupancyQuestions) throws -> OccupancyAnswers {
        try locks.lock(q.project)
        let results = try db.pipelineCached(
            [
                Self.idsQuery(project: q.project, in: q.sameTime, excluding: q.excluding, limit: q.sameTimeLimit),
                Self.countQuery(project: q.project, in: q.resource, excluding: q.excluding),
            ]
                + q.platforms.map {
                    Self.platformCountQuery(project: q.project, platform: $0, in: q.rate, excluding: q.excluding)
                })
        return OccupancyAnswers(
            sameTimeIDs: Self.ids(results[0]), resourceCount: try results[1].first?.int(0) ?? 0,
            platformCounts: try results.dropFirst(2).map { try $0.first?.int(0) ?? 0 })
    }

    typealias Query = (sql: String, parameters: [PostgreSQLValue])

    private static func ids(_ result: QueryResult) -> [String] { result.map { (try? $0.string(0)) ?? "" } }

    private static func idsQuery(project: String, in window: ClosedRange<Instant>, excluding: String?, limit: Int) -> Query {
        (
            """
            SELECT id FROM schedules
             WHERE project_id = $1 AND scheduled_for BETWEEN $2 AND $3 AND \(Schema.occupiesSQL) AND id <> $4
             ORDER BY scheduled_for, id LIMIT $5
            """,
            [
                .text(project), .int64(window.lowerBound.unixMilliseconds), .int64(window.upperBound.unixMilliseconds),
                .text(excluding ?? ""), .int64(Int64(limit)),
            ]
        )
    }

    private static func countQuery(project: String, in window: ClosedRange<Instant>, excluding: String?) -> Query {
        (
            """
            SELECT count(*) FROM schedules
             WHERE project_id = $1 AND scheduled_for BETWEEN $2 AND $3 AND \(Schema.occupiesSQL) AND id <> $4
            """,
            [
                .text(project), .int64(window.lowerBound.unixMilliseconds), .int64(window.upperBound.unixMilliseconds),
                .text(excluding ?? ""),
            ]
        )
    }

    private static func platformCountQuery(
        project: String, platform: String, in window: ClosedRange<Instant>, excluding: String?
    ) -> Query {
        (
            // The row's `platforms` column (canonical names, comma-separated, written with its
            // `schedule_platforms` rows) answers without a probe of those rows per schedule in the
            // window: 49 blocks read instead of 199 for 48 schedules in an hour's window.
            """
            SELECT count(*) FROM schedules
             WHERE project_id = $1 AND scheduled_for BETWEEN $3 AND $4 AND \(Schema.occupiesSQL) AND id <> $5
               AND position(',' || $2 || ',' IN ',' || platforms || ',') > 0
            """,
            [
                .text(project), .text(platform), .int64(window.lowerBound.unixMilliseconds),
                .int64(window.upperBound.unixMilliseconds), .text(excluding ?? ""),
            ]
        )
    }
}

/// A PostgreSQL row as the row decoders read it. The decoders read non-optional getters only
/// for NOT NULL columns, so the fallbacks are never taken.
struct PostgresColumns: ColumnReader {
    let row: PostgreSQL.Row

    func string(_ i: Int32) -> String { row.optionalString(Int(i)) ?? "" }
    func optionalString(_ i: Int32) -> String? { row.optionalString(Int(i)) }
    func int(_ i: Int32) -> Int { Int(int64(i)) }
    func int64(_ i: Int32) -> Int64 { ((try? row.optionalInt64(Int(i))) ?? nil) ?? 0 }
    func optionalInt64(_ i: Int32) -> Int64? { (try? row.optionalInt64(Int(i))) ?? nil }
    func bool(_ i: Int32) -> Bool { int64(i) != 0 }
    func isNull(_ i: Int32) -> Bool { row.isNull(Int(i)) }
}

/// A column value: NULL for nil.
private func pg(_ v: String?) -> PostgreSQLValue { v.map(PostgreSQLValue.text) ?? .null }
private func pg(_ v: Int64?) -> PostgreSQLValue { v.map(PostgreSQLValue.int64) ?? .null }
private func pg(_ v: Instant?) -> PostgreSQLValue { v.map { PostgreSQLValue.int64($0.unixMilliseconds) } ?? .null }

/// The per-project advisory transaction locks one transaction holds.
///
/// Every decision that counts a project's schedules (capacity per slot, hourly platform limits,
/// same-time warnings, in-flight limits, idempotency keys) is taken under the project's lock,
/// taken just before the first such read and held until COMMIT, so the operations that decide
/// for one project run one at a time across every node, and each sees the others' commits
/// (READ COMMITTED takes a new snapshot per statement). Operations on other projects, and worker
/// calls that decide nothing (Start, Heartbeat, most Completes), never wait for it.
final class ProjectLocks {
    let db: PostgreSQL.Connection
    let enabled: Bool
    private(set) var held: Set<String> = []

    init(db: PostgreSQL.Connection, enabled: Bool) {
        self.db = db
        self.enabled = enabled
    }

    /// Takes `project`'s lock unless this transaction holds it already: queued, it is taken in
    /// the same round trip just before the next statement (the read it guards) runs.
    func lock(_ project: String) throws {
        guard enabled, !held.contains(project) else { return }
        try db.deferAdvisoryTransactionLock(Self.key(project))
        held.insert(project)
    }

    static func key(_ project: String) -> Int64 {
        PostgreSQL.Connection.advisoryLockKey("scheduler.project." + project)
    }
}

extension PostgresRepository {
    /// Runs one operation of the workflow in its own transaction on `db`, first taking the advisory
    /// lock of `project` when given; a database failure is a ``StoreError`` (UNAVAILABLE for a lost
    /// connection, a serialization failure or a deadlock: the call may be retried).
    static func transaction<T>(
        on db: PostgreSQL.Connection, config: StoreConfiguration, lockingProject project: String?,
        _ body: (PostgresRepository) throws -> T
    ) throws(StoreError) -> T {
        do {
            return try db.transaction {
                let repo = PostgresRepository(db: db, config: config)
                if let project { try repo.locks.lock(project) }
                return try body(repo)
            }
        } catch let e as StoreError {
            throw e
        } catch {
            throw storeError(error)
        }
    }
}
