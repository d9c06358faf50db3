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

    /// Expired leases: QUEUED → PENDING; PROCESSING → the schedule's lease-loss policy.
    func reapExpiredLeases(limit: Int) throws -> ReapResult {
        let now = self.now
        let s = try db.cached(
            HotQueries.expiredLeases)
        s.bind(now.unixMilliseconds, at: 1)
        s.bind(limit, at: 2)
        var rows: [Rows.Row] = []
        try s.forEachRow { rows.append(tracked(Rows.decodeRow($0))) }
        var result = ReapResult()
        for var row in rows {
            if row.schedule.queueStatus == .queued {
                try apply(.leaseExpired, to: &row)
                try closeAttempt(row, outcome: "RELEASED", error: "lease expired before start", at: now)
                clearLease(&row)
                row.schedule.updatedAt = now
                try save(&row)
                result.released += 1
                continue
            }
            switch row.schedule.leaseLossPolicy {
            case .retry:
                let outcome = try decideFailure(
                    &row, error: "lease expired while publishing", retryable: true, now: now,
                    attemptOutcome: "OUTCOME_UNKNOWN")
                if case .retryScheduled = outcome { result.retried += 1 } else { result.failed += 1 }
            case .holdOutcomeUnknown:
                try apply(.outcomeUnknown, to: &row)
                try closeAttempt(row, outcome: "OUTCOME_UNKNOWN", error: "lease expired while publishing", at: now)
                clearLease(&row)
                row.failedAt = now
                row.schedule.failureReason = "outcome unknown: the worker's lease expired while publishing"
                row.schedule.updatedAt = now
                try save(&row)
                result.failed += 1
            }
            if row.schedule.queueStatus.isTerminal { _ = try followUp(after: row) }
        }
        return result
    }

    /// Missed windows: one-offs not started within their expiry window → EXPIRED; recurring
    /// occurrences beyond the catch-up window → SKIPPED, and the series continues with its next
    /// future occurrence.
    func expireMissedWindows(limit: Int) throws -> MissedWindowResult {
        let now = self.now
        let s = try db.cached(
            HotQueries.missedWindows)
        s.bind(now.unixMilliseconds, at: 1)
        s.bind(limit, at: 2)
        var rows: [Rows.Row] = []
        try s.forEachRow { rows.append(tracked(Rows.decodeRow($0))) }
        var result = MissedWindowResult()
        for var row in rows {
            // A worker holding a live lease is about to start it: leave it alone.
            if row.schedule.queueStatus == .queued, let e = row.schedule.leaseExpiresAt, e > now { continue }
            let wasQueued = row.schedule.queueStatus == .queued
            let event: LifecycleEvent = row.schedule.isRecurring ? .skip : .expire
            try apply(event, to: &row)
            if wasQueued { try closeAttempt(row, outcome: "RELEASED", error: "missed window", at: now) }
            clearLease(&row)
            if event == .expire {
                row.failedAt = now
                row.schedule.failureReason =
                    "missed window: not started within \(row.schedule.expiryWindowSeconds ?? 0) s"
                result.expired += 1
            } else {
                row.cancelledAt = now
                row.schedule.failureReason = "skipped: not started within the catch-up window"
                result.skipped += 1
            }
            row.schedule.updatedAt = now
            try save(&row)
            if row.schedule.isRecurring, try followUp(after: row, notBefore: now) != nil { result.followUps += 1 }
        }
        return result
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
            let s = try db.cached(
                """
                INSERT INTO queue_metrics (\(Rows.metricsColumns))
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                ON CONFLICT (project_id, period_start) DO UPDATE SET period_end = excluded.period_end,
                    total_queued = excluded.total_queued, total_processed = excluded.total_processed,
                    total_completed = excluded.total_completed, total_failed = excluded.total_failed,
                    total_cancelled = excluded.total_cancelled, avg_wait_time = excluded.avg_wait_time,
                    avg_processing_time = excluded.avg_processing_time,
                    peak_queue_length = excluded.peak_queue_length, success_rate = excluded.success_rate
                RETURNING \(Rows.metricsColumns)
                """)
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
    /// Shared with the readers (getQueueStats).
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
                   sum(outcome IN ('COMPLETED','PARTIAL')),
                   sum(outcome IN ('FAILED','OUTCOME_UNKNOWN')),
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
        // Waiting intervals [due, dequeued] of the attempts dequeued in the period: their mean is
        // avgWaitTime, their largest overlap the peak queue length.
        let w = try db.cached(
            """
            SELECT due_at, dequeued_at FROM attempts INDEXED BY attempts_dequeued
             WHERE project_id = ?1 AND dequeued_at BETWEEN ?2 AND ?3
            """)
        w.bind(project, at: 1)
        w.bind(f, at: 2)
        w.bind(t, at: 3)
        var events: [(Int64, Int)] = []
        var waitSum: Int64 = 0
        var waitCount: Int64 = 0
        try w.forEachRow { r in
            let due = max(r.int64(0), f)
            let deq = r.int64(1)
            waitSum += max(0, r.int64(1) - r.int64(0))
            waitCount += 1
            if deq >= due {
                events.append((due, 1))
                events.append((deq, -1))
            }
        }
        // Arrivals before departures at the same instant: an item dequeued the moment another
        // became due still overlapped it.
        events.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 > $1.1 }
        var current = 0
        var peak = 0
        for e in events {
            current += e.1
            peak = max(peak, current)
        }
        let rate: Double? =
            completed + failed > 0 ? (Double(completed) * 1000 / Double(completed + failed)).rounded() / 10 : nil
        return QueueMetrics(
            id: "", projectID: project, periodStart: from, periodEnd: to, totalQueued: Int(queued),
            totalProcessed: processed, totalCompleted: completed, totalFailed: failed, totalCancelled: Int(cancelled),
            avgWaitTime: waitCount > 0 ? Int((Double(waitSum) / Double(waitCount) / 1000).rounded()) : nil,
            avgProcessingTime: avgProcessing, peakQueueLength: peak, successRate: rate)
    }
}
