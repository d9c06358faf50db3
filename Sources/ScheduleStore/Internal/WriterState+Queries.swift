import SQLite
import SchedulingCore

extension WriterState {
    /// Leases that ran out, or run out before `deadline`, now last until `deadline` (see
    /// ``ScheduleStore/extendLeases(until:)``); returns how many.
    func extendLeases(until deadline: Instant) throws -> Int {
        try db.run(
            """
            UPDATE schedules SET lease_expires_at = ?1
             WHERE (queue_status = 'QUEUED' OR queue_status = 'PROCESSING') AND lease_expires_at < ?1
            """, [.integer(deadline.unixMilliseconds)])
        return db.changes
    }

    func replacePlatforms(of sc: Schedule, with platforms: [String]) throws {
        var kept: [String: (Int64?, String?)] = [:]
        let q = try db.cached(
            "SELECT platform, published_at, published_url FROM schedule_platforms WHERE schedule_id = ?1")
        q.bind(sc.id, at: 1)
        try q.forEachRow { kept[$0.string(0)] = ($0.optionalInt64(1), $0.optionalString(2)) }
        try db.run("DELETE FROM schedule_platforms WHERE schedule_id = ?1", [.text(sc.id)])
        try insertPlatforms(platforms, of: sc, published: kept)
    }

    func markConflictResolved(project: String, id: String, resolution: String, resolvedBy: String, at now: Instant)
        throws -> ScheduleConflict
    {
        let s = try db.cached(
            """
            UPDATE schedule_conflicts SET resolved = 1, resolved_at = ?3, resolution = ?4, resolved_by = ?5
             WHERE id = ?1 AND project_id = ?2 RETURNING \(Rows.conflictColumns)
            """)
        s.bind(id, at: 1)
        s.bind(project, at: 2)
        s.bind(now.unixMilliseconds, at: 3)
        s.bind(resolution, at: 4)
        s.bind(resolvedBy, at: 5)
        guard let c = try s.firstRow({ Rows.decodeConflict($0) }) else { throw StoreError.notFound("conflict \(id)") }
        return c
    }

    /// From memory: the occupancy index counts them as the pre-update hook sees rows change.
    func pendingCount(project: String) throws -> Int { occupancy.pendingCount(project: project) }

    /// From the occupancy index's lease entries, which follow every change of this transaction
    /// too; `HotQueries.inFlight` is the same count in SQL (DispatchTests compares the two).
    func inFlightCount(project: String, at now: Instant) throws -> Int {
        occupancy.inFlightCount(project: project, now: now)
    }

    /// One index seek per priority that holds PENDING or QUEUED schedules (the occupancy index
    /// counts them), highest first: the cost depends on the items handed out, not on how many
    /// wait in the future.
    func dueRows(project: String, limit: Int, at now: Instant) throws -> [Rows.Row] {
        var rows: [Rows.Row] = []
        rows.reserveCapacity(max(0, min(limit, 64)))
        let s = try db.cached(HotQueries.due)
        for priority in occupancy.duePriorities(project: project) where rows.count < limit {
            s.bind(project, at: 1)
            s.bind(priority, at: 2)
            s.bind(now.unixMilliseconds, at: 3)
            s.bind(limit - rows.count, at: 4)
            try s.forEachRow { rows.append(tracked(Rows.decodeRow($0))) }
        }
        return rows
    }

    func loadByIdempotencyKey(project: String, key: String) throws -> Rows.Row? {
        let s = try db.cached(
            "SELECT \(Rows.scheduleColumns) FROM schedules WHERE project_id = ?1 AND idempotency_key = ?2")
        s.bind(project, at: 1)
        s.bind(key, at: 2)
        return try s.firstRow { Rows.decodeRow($0) }
    }

    func jsonKind(_ text: String) throws -> JSONKind {
        // CASE, not AND: json_type raises an error on malformed JSON, and AND need not stop early.
        let kind = try db.scalarInt64(
            "SELECT CASE WHEN NOT json_valid(?1) THEN 0 WHEN json_type(?1) = 'object' THEN 1 ELSE 2 END",
            [.text(text)])
        switch kind {
        case 0: return .invalid
        case 1: return .object
        default: return .other
        }
    }

    func nextOccurrence(series: String, after: Instant) throws -> Schedule? {
        let s = try db.cached(
            """
            SELECT \(Rows.scheduleColumns) FROM schedules
             WHERE series_id = ?1 AND nominal_time > ?2 ORDER BY nominal_time LIMIT 1
            """)
        s.bind(series, at: 1)
        s.bind(after.unixMilliseconds, at: 2)
        return try s.firstRow { Rows.decodeRow($0).schedule }
    }

    func insertAttempt(_ a: NewAttempt) throws {
        let s = try db.cached(WriteSQL.insertAttempt)
        s.bind(a.scheduleID, at: 1)
        s.bind(a.attempt, at: 2)
        s.bind(a.projectID, at: 3)
        s.bind(a.workerID, at: 4)
        s.bind(a.idempotencyKey, at: 5)
        s.bind(a.dueAt.unixMilliseconds, at: 6)
        s.bind(a.dequeuedAt.unixMilliseconds, at: 7)
        s.bind(a.startedAt?.unixMilliseconds, at: 8)
        s.bind(a.leaseToken, at: 9)
        try s.run()
    }

    func markAttemptStarted(scheduleID: String, attempt: Int, at now: Instant) throws {
        try db.run(
            "UPDATE attempts SET started_at = ?3 WHERE schedule_id = ?1 AND attempt = ?2",
            [.text(scheduleID), .integer(Int64(attempt)), .integer(now.unixMilliseconds)])
    }

    func endedAttempt(scheduleID: String, token: String) throws -> EndedAttempt? {
        let s = try db.cached(WriteSQL.attemptByToken)
        s.bind(scheduleID, at: 1)
        s.bind(token, at: 2)
        let ended = try s.firstRow { r -> EndedAttempt? in
            guard let by = r.optionalString(1).flatMap(WorkerCall.init(rawValue:)) else { return nil }
            return EndedAttempt(
                outcome: r.string(0), endedBy: by, retryAt: r.optionalInt64(2).map(Instant.init(unixMilliseconds:)))
        }
        return ended ?? nil
    }

    func recordResult(scheduleID: String, attempt: Int, platform: String, result r: PlatformResult, at now: Instant)
        throws
    {
        let s = try db.cached(
            """
            INSERT INTO attempt_results (schedule_id, attempt, platform, success, url, error, reported_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            ON CONFLICT (schedule_id, attempt, platform) DO UPDATE
               SET success = excluded.success, url = excluded.url, error = excluded.error,
                   reported_at = excluded.reported_at
            """)
        s.bind(scheduleID, at: 1)
        s.bind(attempt, at: 2)
        s.bind(platform, at: 3)
        s.bind(r.succeeded, at: 4)
        s.bind(r.url, at: 5)
        s.bind(r.error, at: 6)
        s.bind(now.unixMilliseconds, at: 7)
        try s.run()
    }

    func markPublished(scheduleID: String, platform: String, at now: Instant, url: String?) throws {
        try db.run(
            """
            UPDATE schedule_platforms SET published_at = ?3, published_url = ?4
             WHERE schedule_id = ?1 AND platform = ?2
            """, [.text(scheduleID), .text(platform), .integer(now.unixMilliseconds), url.map { .text($0) } ?? .null])
    }

    func markRemainingPublished(scheduleID: String, at now: Instant) throws {
        try db.run(WriteSQL.publishRemaining, [.text(scheduleID), .integer(now.unixMilliseconds)])
    }

    func attemptState(scheduleID: String, attempt: Int) throws -> AttemptState? {
        let s = try db.cached(
            """
            SELECT outcome, ended_at, \(OutcomeConfirmation.columns) FROM attempts
             WHERE schedule_id = ?1 AND attempt = ?2
            """)
        s.bind(scheduleID, at: 1)
        s.bind(attempt, at: 2)
        return try s.firstRow { r in
            AttemptState(
                outcome: r.optionalString(0), endedAt: r.optionalInt64(1).map(Instant.init(unixMilliseconds:)),
                confirmation: OutcomeConfirmation(
                    columns: r.optionalString(2), r.optionalInt64(3), r.optionalString(4), r.optionalString(5)))
        }
    }

    func recordConfirmation(scheduleID: String, attempt: Int, _ c: OutcomeConfirmation) throws {
        try db.run(
            """
            UPDATE attempts SET confirmed = ?3, confirmed_at = ?4, confirmed_by = ?5, confirmation_note = ?6
             WHERE schedule_id = ?1 AND attempt = ?2
            """,
            [
                .text(scheduleID), .integer(Int64(attempt)), .text(c.storedValue),
                .integer(c.confirmedAt.unixMilliseconds), c.confirmedBy.map { .text($0) } ?? .null,
                c.note.map { .text($0) } ?? .null,
            ])
    }

    /// On the writer's connection, inside the operation's transaction: the figures include its
    /// own writes, and the row commits with them.
    func refreshStoredMetrics(project: String, day: Instant) throws {
        let (start, end) = Self.dayBounds(day)
        let stored = try db.scalarInt64(
            "SELECT count(*) FROM queue_metrics WHERE project_id = ?1 AND period_start = ?2",
            [.text(project), .integer(start.unixMilliseconds)])
        guard (stored ?? 0) > 0 else { return }
        _ = try saveMetrics([Self.computeMetrics(db: db, project: project, from: start, to: end)])
    }

    func expiredLeaseRows(at now: Instant, limit: Int) throws -> [Rows.Row] {
        try trackedRows(HotQueries.expiredLeases, now: now, limit: limit)
    }

    func missedWindowRows(at now: Instant, limit: Int) throws -> [Rows.Row] {
        try trackedRows(HotQueries.missedWindows, now: now, limit: limit)
    }

    /// The rows a maintenance query (bound: ?1 now, ?2 limit) selects, tracked for save.
    private func trackedRows(_ sql: String, now: Instant, limit: Int) throws -> [Rows.Row] {
        let s = try db.cached(sql)
        s.bind(now.unixMilliseconds, at: 1)
        s.bind(limit, at: 2)
        var rows: [Rows.Row] = []
        try s.forEachRow { rows.append(tracked(Rows.decodeRow($0))) }
        return rows
    }

    /// The UTC day containing `day`: its first and last millisecond.
    static func dayBounds(_ day: Instant) -> (start: Instant, end: Instant) {
        let start = Instant(unixSeconds: day.unixSeconds - ((day.unixSeconds % 86_400) + 86_400) % 86_400)
        return (start, start.adding(milliseconds: 86_400_000 - 1))
    }

    /// The projects with anything to count between `from` and `to`: one seek per project, then
    /// four indexed probes, never a scan of the tables. Every attempt's project has schedules
    /// (rows are not deleted), so walking the schedules' projects finds them all.
    static func activeProjects(db: Connection, from: Instant, to: Instant) throws -> [String] {
        let next = try db.cached(HotQueries.nextProject)
        let active = try db.cached(HotQueries.projectActive)
        var ids: [String] = []
        var last = ""
        while true {
            next.reset()
            next.bind(last, at: 1)
            guard let project = try next.firstRow({ $0.string(0) }) else { break }
            last = project
            active.reset()
            active.bind(project, at: 1)
            active.bind(from.unixMilliseconds, at: 2)
            active.bind(to.unixMilliseconds, at: 3)
            if try active.firstRow({ $0.bool(0) }) == true { ids.append(project) }
        }
        return ids
    }

    /// The day's figures for `projects` (nil: every project active that day), unsaved. Runs on a
    /// reader: reading a busy day's attempts takes time the writer should not spend.
    static func dailyFigures(db: Connection, day: Instant, projects: [String]?) throws -> [QueueMetrics] {
        let (start, end) = dayBounds(day)
        let ids = try projects ?? activeProjects(db: db, from: start, to: end)
        return try ids.map { try computeMetrics(db: db, project: $0, from: start, to: end) }
    }

    /// Stores computed daily figures, replacing each (project, day)'s previous row.
    func saveMetrics(_ figures: [QueueMetrics]) throws -> [QueueMetrics] {
        var out: [QueueMetrics] = []
        for var m in figures {
            m.id = IDs.make("qm_", now: now)
            let s = try db.cached(Rows.upsertMetricsSQL(parameter: "?"))
            s.bind(m.id, at: 1)
            s.bind(m.projectID, at: 2)
            s.bind(m.periodStart.unixMilliseconds, at: 3)
            s.bind(m.periodEnd.unixMilliseconds, at: 4)
            s.bind(m.totalQueued, at: 5)
            s.bind(m.totalProcessed, at: 6)
            s.bind(m.totalCompleted, at: 7)
            s.bind(m.totalFailed, at: 8)
            s.bind(m.totalCancelled, at: 9)
            s.bind(m.avgWaitTime, at: 10)
            s.bind(m.avgProcessingTime, at: 11)
            s.bind(m.peakQueueLength, at: 12)
            s.bind(m.successRate, at: 13)
            if let saved = try s.firstRow({ Rows.decodeMetrics($0) }) { m = saved }
            out.append(m)
        }
        return out
    }

    /// The seed's figures for one project over [from, to], from the attempts audit trail.
    /// Shared with the readers (getQueueStats). An OUTCOME_UNKNOWN attempt counts as failed
    /// until a person confirms it published (ConfirmOutcome); then it counts as completed, on the
    /// day it ended.
    static func computeMetrics(db: Connection, project: String, from: Instant, to: Instant) throws -> QueueMetrics {
        let f = from.unixMilliseconds
        let t = to.unixMilliseconds
        let queued =
            try db.scalarInt64(
                "SELECT count(*) FROM schedules WHERE project_id = ?1 AND created_at BETWEEN ?2 AND ?3",
                [.text(project), .integer(f), .integer(t)]) ?? 0
        let cancelled =
            try db.scalarInt64(
                "SELECT count(*) FROM schedules WHERE project_id = ?1 AND cancelled_at BETWEEN ?2 AND ?3",
                [.text(project), .integer(f), .integer(t)]) ?? 0
        let s = try db.cached(
            """
            SELECT count(*),
                   sum(outcome IN ('COMPLETED','PARTIAL') OR confirmed IS 'PUBLISHED'),
                   sum(outcome = 'FAILED' OR (outcome = 'OUTCOME_UNKNOWN' AND confirmed IS NOT 'PUBLISHED')),
                   avg(CASE WHEN started_at IS NOT NULL THEN ended_at - started_at END)
              FROM attempts INDEXED BY attempts_ended
             WHERE project_id = ?1 AND ended_at BETWEEN ?2 AND ?3 AND outcome != 'RELEASED'
            """)
        s.bind(project, at: 1)
        s.bind(f, at: 2)
        s.bind(t, at: 3)
        var processed = 0
        var completed = 0
        var failed = 0
        var avgProcessing: Int?
        _ = try s.firstRow { r in
            processed = r.int(0)
            completed = r.int(1)
            failed = r.int(2)
            avgProcessing = r.optionalDouble(3).map { Int(($0 / 1000).rounded()) }
        }
        let w = try db.cached(
            """
            SELECT due_at, dequeued_at FROM attempts INDEXED BY attempts_dequeued
             WHERE project_id = ?1 AND dequeued_at BETWEEN ?2 AND ?3
            """)
        w.bind(project, at: 1)
        w.bind(f, at: 2)
        w.bind(t, at: 3)
        var waits: [(due: Int64, dequeued: Int64)] = []
        try w.forEachRow { r in waits.append((r.int64(0), r.int64(1))) }
        return QueueMetrics.figures(
            project: project, from: from, to: to, queued: Int(queued), cancelled: Int(cancelled), processed: processed,
            completed: completed, failed: failed, avgProcessingSeconds: avgProcessing, waits: waits)
    }
}
