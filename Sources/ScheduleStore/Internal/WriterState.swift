import SQLite
import SchedulingCore

/// SQLite's ``ScheduleRepository``: everything the writer thread owns (the read-write connection,
/// the per-project checkers, the in-memory occupancy index) and the SQL behind each primitive. The
/// scheduling workflow itself is backend-neutral (Workflow*.swift) and runs on this repository.
///
/// Lives on the writer thread only; every method runs inside the batch transaction and inside
/// the operation's savepoint, so a throw undoes exactly that operation's writes.
final class WriterState: ScheduleRepository {
    let db: Connection
    let config: StoreConfiguration
    /// What the conflict checks count (see ``OccupancyIndex``).
    let occupancy: OccupancyIndex
    private var checkers: [String: ConflictChecker] = [:]
    /// The last checker ``checker(for:)`` returned: a batch's items are one project's, and
    /// comparing its name is cheaper than hashing it for each.
    private var lastChecker: (project: String, checker: ConflictChecker)?
    /// UPDATE statements by changed-column mask.
    private var updateSQL: [Int: String] = [:]
    /// When the occupancy index last dropped its old entries.
    private var lastEviction = Instant(unixMilliseconds: 0)

    init(db: Connection, config: StoreConfiguration, occupancy: OccupancyIndex) {
        self.db = db
        self.config = config
        self.occupancy = occupancy
    }

    var now: Instant { config.clock.now() }

    /// Drops the occupancy index's entries older than its horizon, at most once a minute.
    /// Runs between batches, where the index's journal is empty.
    func evictOldOccupancy() {
        let now = self.now
        guard now.unixMilliseconds - lastEviction.unixMilliseconds >= 60_000 else { return }
        lastEviction = now
        occupancy.evict(now: now)
    }

    // MARK: Helpers shared by the operations

    /// Whether ``isolated(_:)`` puts each item in a savepoint: set by the writer while it replays
    /// a batch in which an item failed after writing rows.
    var savepointPerItem = false

    /// One item of a batch operation (EnqueueBatch, Acknowledge, a Dequeue's carried reports): a
    /// refused item is its own failure and the others go on.
    ///
    /// Items run without a savepoint of their own, as the writer runs its jobs: a savepoint per
    /// item made SQLite copy every page the item touched into its sub-journal, a third of the cost
    /// of writing the rows (`scheduler-bench store floor-enqueue` with and without, BENCHMARKS.md).
    /// Most refusals (validation, a conflict, a stale token) come before an item writes anything,
    /// and cost nothing to undo. An item that fails after writing rows throws
    /// ``ItemWroteBeforeFailing``: the writer rolls the batch transaction back and runs it again
    /// with ``savepointPerItem``, so that item's rows vanish alone. Nothing is answered before
    /// the transaction commits, so the replay is invisible to callers.
    func isolated<T>(_ body: () throws -> T) throws -> Result<T, StoreError> {
        let mark = occupancy.mark()
        let changesBefore = db.totalChanges
        do {
            return .success(savepointPerItem ? try db.savepoint("item", body) : try body())
        } catch {
            // SQLITE_FULL or an I/O error can roll the whole transaction back: the items before
            // this one are gone too, so the operation fails as a whole.
            if db.isAutocommit { throw error }
            if !savepointPerItem && db.totalChanges != changesBefore { throw ItemWroteBeforeFailing() }
            occupancy.undo(to: mark)
            return .failure(StoreError.wrap(error))
        }
    }

    func checker(for project: String) -> ConflictChecker {
        if let last = lastChecker, last.project == project { return last.checker }
        let c: ConflictChecker
        if let cached = checkers[project] {
            c = cached
        } else {
            c = ConflictChecker(policy: config.conflictPolicy(for: project))
            checkers[project] = c
        }
        lastChecker = (project, c)
        return c
    }

    func load(_ project: String, _ id: String) throws -> Rows.Row {
        if let row = occupancy.leasedRow(id), row.schedule.projectID == project { return row }
        let s = try db.cached(HotQueries.loadSchedule)
        s.bind(id, at: 1)
        s.bind(project, at: 2)
        guard let row = try s.firstRow({ Rows.decodeRow($0) }) else { throw StoreError.notFound("schedule \(id)") }
        return tracked(row)
    }

    /// Persists the advisory findings (WARNING) at a schedule's stored time.
    func recordConflicts(_ conflicts: [Conflict], schedule: String, project: String) throws {
        for c in conflicts where c.severity == .warning {
            let s = try db.cached(
                """
                INSERT INTO schedule_conflicts (id, project_id, schedule1_id, schedule2_id, conflict_type,
                    conflict_time, conflict_reason, suggestion, platform, severity, created_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                """)
            let now = self.now
            s.bind(IDs.make("cfl_", now: now), at: 1)
            s.bind(project, at: 2)
            s.bind(schedule, at: 3)
            s.bind(c.conflictingScheduleID, at: 4)
            s.bind(c.type.rawValue, at: 5)
            s.bind(c.time.unixMilliseconds, at: 6)
            s.bind(c.reason, at: 7)
            s.bind(c.suggestion, at: 8)
            s.bind(c.platform, at: 9)
            s.bind(c.severity.rawValue, at: 10)
            s.bind(now.unixMilliseconds, at: 11)
            try s.run()
        }
    }

    // MARK: Rows

    /// The insert's ON CONFLICT clause for idempotency keys tells a taken key.
    var idempotencyKeyLookup: IdempotencyKeyLookup { .byInsert }

    func queueIdempotencyKeyLookup(project: String, key: String) throws {}

    /// Inserts a new schedule and its platform rows. With `ignoreDuplicateOccurrence`, an
    /// existing row for the same series slot makes it a no-op returning false. A row whose
    /// idempotency key its project already used is not written: ``IdempotencyKeyTaken``.
    func insert(_ row: Rows.Row, ignoreDuplicateOccurrence: Bool) throws -> Bool {
        let sc = row.schedule
        let s = try db.cached(WriteSQL.insertSchedule)
        s.bind(sc.id, at: 1)
        s.bind(sc.contentID, at: 2)
        s.bind(sc.projectID, at: 3)
        s.bind(sc.scheduledFor.unixMilliseconds, at: 4)
        s.bind(row.localTimeText ?? sc.localTime.description, at: 5)
        s.bind(sc.timeZone, at: 6)
        s.bind(sc.nominalTime.unixMilliseconds, at: 7)
        let platforms = sc.platforms.joined(separator: ",")
        s.bind(platforms, at: 8)
        s.bind(sc.publishedPlatforms.joined(separator: ","), at: 9)
        s.bind(sc.priority, at: 10)
        s.bind(sc.queueStatus.rawValue, at: 11)
        s.bind(sc.status.rawValue, at: 12)
        s.bind(sc.isRecurring, at: 13)
        s.bind(sc.recurringPattern, at: 14)
        s.bind(sc.recurringConfig, at: 15)
        s.bind(row.recurrenceKind, at: 16)
        s.bind(row.recurrenceText, at: 17)
        s.bind(row.recurrenceStart, at: 18)
        s.bind(sc.recurringUntil?.unixMilliseconds, at: 19)
        s.bind(sc.seriesID, at: 20)
        s.bind(sc.retryCount, at: 21)
        s.bind(sc.maxRetries, at: 22)
        s.bind(sc.retryDelaySeconds, at: 23)
        s.bind(sc.publishDelaySeconds, at: 24)
        s.bind(sc.externalJobID, at: 25)
        s.bind(sc.attemptCount, at: 26)
        s.bind(sc.leaseLossPolicy.rawValue, at: 27)
        s.bind(sc.expiryWindowSeconds, at: 28)
        s.bind(row.expiresAt?.unixMilliseconds, at: 29)
        s.bind(sc.notes, at: 30)
        s.bind(sc.metadataJSON, at: 31)
        s.bind(sc.idempotencyKey, at: 32)
        s.bind(row.fingerprint, at: 33)
        s.bind(sc.createdAt.unixMilliseconds, at: 34)
        s.bind(sc.updatedAt.unixMilliseconds, at: 35)
        let written = OccupancyIndex.RowState(
            project: sc.projectID, id: sc.id, time: sc.scheduledFor.unixMilliseconds, platforms: platforms,
            queueStatus: sc.queueStatus, leaseExpiresAt: nil, priority: sc.priority)
        do {
            try occupancy.inserting(written) { try s.run() }
        } catch let e as SQLiteError where e.code.primary == .constraint && sc.externalJobID != nil {
            throw StoreError(
                code: .alreadyExists, message: "externalJobID is already used by another schedule", field: "externalJobID")
        }
        if db.changes == 0 {
            // Nothing written: the series slot or the key is taken. Occurrences carry no key.
            if sc.idempotencyKey != nil { throw IdempotencyKeyTaken() }
            if ignoreDuplicateOccurrence { return false }
        }
        try insertPlatforms(sc.platforms, of: sc, published: [:])
        return true
    }

    func insertPlatforms(_ platforms: [String], of sc: Schedule, published: [String: (Int64?, String?)]) throws {
        for p in platforms {
            let s = try db.cached(WriteSQL.insertPlatform)
            s.bind(sc.id, at: 1)
            s.bind(p, at: 2)
            s.bind(sc.projectID, at: 3)
            // A new schedule has published nothing: no lookups.
            let (at, url) = published.isEmpty ? (nil, nil) : published[p] ?? (nil, nil)
            s.bind(at, at: 4)
            s.bind(url, at: 5)
            try s.run()
        }
    }

    /// The mutable columns of schedules; bit k of a change mask stands for column k.
    static let mutableColumns = [
        "scheduled_for", "local_time", "timezone", "platforms", "published_platforms", "priority", "queue_status",
        "status", "queued_at", "processing_at", "published_at", "failed_at", "cancelled_at", "retry_count",
        "lease_owner", "lease_token", "lease_expires_at", "attempt_count", "expires_at", "failure_reason", "notes",
        "updated_at", "nominal_time", "lease_loss_policy",
    ]

    /// The mask of the mutable columns whose value differs from the snapshot (all of them for an
    /// untracked row). Typed comparisons: equal fields always store equal column values, so no
    /// change is missed, and nothing is formatted for columns that did not change.
    static func changedColumns(_ row: Rows.Row) -> Int {
        guard let old = row.snapshot else { return (1 << mutableColumns.count) - 1 }
        let a = row.schedule
        let b = old.schedule
        var mask = 0
        var k = 0
        func note(_ changed: Bool) {
            if changed { mask |= 1 << k }
            k += 1
        }
        note(a.scheduledFor != b.scheduledFor)
        note(a.localTime != b.localTime)
        note(a.timeZone != b.timeZone)
        note(a.platforms != b.platforms)
        note(a.publishedPlatforms != b.publishedPlatforms)
        note(a.priority != b.priority)
        note(a.queueStatus != b.queueStatus)
        note(a.status != b.status)
        note(a.queuedAt != b.queuedAt)
        note(a.processingAt != b.processingAt)
        note(a.publishedAt != b.publishedAt)
        note(row.failedAt != old.failedAt)
        note(row.cancelledAt != old.cancelledAt)
        note(a.retryCount != b.retryCount)
        note(a.leaseOwner != b.leaseOwner)
        note(row.leaseToken != old.leaseToken)
        note(a.leaseExpiresAt != b.leaseExpiresAt)
        note(a.attemptCount != b.attemptCount)
        note(row.expiresAt != old.expiresAt)
        note(a.failureReason != b.failureReason)
        note(a.notes != b.notes)
        note(a.updatedAt != b.updatedAt)
        note(a.nominalTime != b.nominalTime)
        note(a.leaseLossPolicy != b.leaseLossPolicy)
        precondition(k == mutableColumns.count, "a mutable column without a comparison")
        return mask
    }

    /// The value of mutable column `k` (``mutableColumns``) of `row`.
    static func mutableValue(_ k: Int, of row: Rows.Row) -> SQLiteValue {
        let sc = row.schedule
        func i(_ v: Instant?) -> SQLiteValue { v.map { .integer($0.unixMilliseconds) } ?? .null }
        func t(_ v: String?) -> SQLiteValue { v.map { .text($0) } ?? .null }
        switch k {
        case 0: return i(sc.scheduledFor)
        case 1: return .text(sc.localTime.description)
        case 2: return .text(sc.timeZone)
        case 3: return .text(sc.platforms.joined(separator: ","))
        case 4: return .text(sc.publishedPlatforms.joined(separator: ","))
        case 5: return .integer(Int64(sc.priority))
        case 6: return .text(sc.queueStatus.rawValue)
        case 7: return .text(sc.status.rawValue)
        case 8: return i(sc.queuedAt)
        case 9: return i(sc.processingAt)
        case 10: return i(sc.publishedAt)
        case 11: return i(row.failedAt)
        case 12: return i(row.cancelledAt)
        case 13: return .integer(Int64(sc.retryCount))
        case 14: return t(sc.leaseOwner)
        case 15: return t(row.leaseToken)
        case 16: return i(sc.leaseExpiresAt)
        case 17: return .integer(Int64(sc.attemptCount))
        case 18: return i(row.expiresAt)
        case 19: return t(sc.failureReason)
        case 20: return t(sc.notes)
        case 21: return i(sc.updatedAt)
        case 22: return i(sc.nominalTime)
        case 23: return .text(sc.leaseLossPolicy.rawValue)
        default: preconditionFailure("no mutable column \(k)")
        }
    }

    /// The columns of a schedule the occupancy index follows.
    static func occupancyState(_ sc: Schedule) -> OccupancyIndex.RowState {
        OccupancyIndex.RowState(
            project: sc.projectID, id: sc.id, time: sc.scheduledFor.unixMilliseconds,
            platforms: sc.platforms.joined(separator: ","), queueStatus: sc.queueStatus,
            leaseExpiresAt: sc.leaseExpiresAt?.unixMilliseconds, priority: sc.priority)
    }

    /// Remembers a loaded row's mutable fields, so ``save(_:)`` writes only what changed.
    func tracked(_ row: Rows.Row) -> Rows.Row {
        var r = row
        r.snapshot = Self.snapshot(of: row)
        return r
    }

    static func snapshot(of row: Rows.Row) -> Rows.Snapshot {
        Rows.Snapshot(
            schedule: row.schedule, leaseToken: row.leaseToken, failedAt: row.failedAt,
            cancelledAt: row.cancelledAt, expiresAt: row.expiresAt)
    }

    /// Writes the changed mutable columns of `row` back (all of them for an untracked row), and
    /// then remembers the row as stored, so a later save compares with what is in the table.
    ///
    /// SQLite rewrites every index that covers a column named in SET, changed or not, so naming
    /// only the changed columns keeps a status change from touching unrelated indexes.
    func save(_ row: inout Rows.Row) throws {
        let mask = Self.changedColumns(row)
        guard mask != 0 else { return }
        let sql: String
        if let cached = updateSQL[mask] {
            sql = cached
        } else {
            var sets: [String] = []
            for (k, name) in Self.mutableColumns.enumerated() where mask & (1 << k) != 0 {
                sets.append("\(name) = ?\(sets.count + 2)")
            }
            sql = "UPDATE schedules SET \(sets.joined(separator: ", ")) WHERE id = ?1"
            updateSQL[mask] = sql
        }
        let s = try db.cached(sql)
        s.bind(row.schedule.id, at: 1)
        var index: Int32 = 2
        for k in Self.mutableColumns.indices where mask & (1 << k) != 0 {
            s.bind(Self.mutableValue(k, of: row), at: index)
            index += 1
        }
        if let old = row.snapshot {
            try occupancy.updating(from: Self.occupancyState(old.schedule), to: Self.occupancyState(row.schedule)) { try s.run() }
        } else {
            try s.run()
        }
        row.snapshot = Self.snapshot(of: row)
        occupancy.rememberLeased(row)
    }

    /// Ends the open attempt of `row` (if any) with `outcome`. `endedBy` names the worker call
    /// that ended it (nil for the system or a user), `retryAt` when a Fail's retry is due: a
    /// repeat of that call is answered from them (``WriterState/leased(_:_:token:)``).
    func closeAttempt(
        _ row: Rows.Row, outcome: String, error: String?, at now: Instant, endedBy: WorkerCall?, retryAt: Instant?
    ) throws {
        guard row.schedule.attemptCount > 0 else { return }
        let s = try db.cached(WriteSQL.closeAttempt)
        s.bind(row.schedule.id, at: 1)
        s.bind(row.schedule.attemptCount, at: 2)
        s.bind(now.unixMilliseconds, at: 3)
        s.bind(outcome, at: 4)
        s.bind(error, at: 5)
        s.bind(endedBy?.rawValue, at: 6)
        s.bind(retryAt?.unixMilliseconds, at: 7)
        try s.run()
    }
}

/// An item of a batch operation failed after writing rows, outside a savepoint: only a replay of
/// the batch transaction with a savepoint per item can undo its rows alone (``WriterState/isolated(_:)``).
struct ItemWroteBeforeFailing: Error {}
