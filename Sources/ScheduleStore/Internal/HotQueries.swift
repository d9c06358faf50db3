/// The SQL of the hot paths, named so tests can check each one searches an index (no scans).
/// Package-visible: `scheduler-bench store floor-*` runs the same statements with SQLite alone.
package enum HotQueries {
    /// One schedule by id (the primary key), every column of ``Rows/scheduleColumns``.
    package static let loadSchedule = "SELECT \(Rows.scheduleColumns) FROM schedules WHERE id = ?1 AND project_id = ?2"

    /// The in-flight count in SQL. The writer counts from the occupancy index's lease entries
    /// instead (``OccupancyIndex/inFlightCount(project:now:)``); DispatchTests checks the two agree.
    static let inFlight = """
        SELECT count(*) FROM schedules INDEXED BY schedules_status
         WHERE project_id = ?1 AND queue_status IN ('QUEUED','PROCESSING') AND lease_expires_at > ?2
        """

    package static let due = """
        SELECT \(Rows.scheduleColumns) FROM schedules INDEXED BY schedules_due
         WHERE project_id = ?1 AND priority = ?2 AND scheduled_for <= ?3
           AND queue_status IN ('PENDING','QUEUED')
           AND (queue_status = 'PENDING' OR lease_expires_at IS NULL OR lease_expires_at <= ?3)
           AND (expires_at IS NULL OR expires_at >= ?3)
         ORDER BY scheduled_for LIMIT ?4
        """

    static let expiredLeases = """
        SELECT \(Rows.scheduleColumns) FROM schedules INDEXED BY schedules_leases
         WHERE queue_status IN ('QUEUED','PROCESSING') AND lease_expires_at <= ?1
         ORDER BY lease_expires_at LIMIT ?2
        """

    static let missedWindows = """
        SELECT \(Rows.scheduleColumns) FROM schedules INDEXED BY schedules_expiry
         WHERE queue_status IN ('PENDING','QUEUED') AND expires_at IS NOT NULL AND expires_at < ?1
         ORDER BY expires_at LIMIT ?2
        """

    /// The project after ?1 in id order (a skip-scan over an index that leads with project_id).
    static let nextProject = """
        SELECT project_id FROM schedules INDEXED BY schedules_created
         WHERE project_id > ?1 ORDER BY project_id LIMIT 1
        """

    /// Whether project ?1 had anything to count between ?2 and ?3 (the daily rollup).
    static let projectActive = """
        SELECT EXISTS (SELECT 1 FROM schedules INDEXED BY schedules_created
                        WHERE project_id = ?1 AND created_at BETWEEN ?2 AND ?3)
            OR EXISTS (SELECT 1 FROM schedules INDEXED BY schedules_cancelled
                        WHERE project_id = ?1 AND cancelled_at BETWEEN ?2 AND ?3)
            OR EXISTS (SELECT 1 FROM attempts INDEXED BY attempts_dequeued
                        WHERE project_id = ?1 AND dequeued_at BETWEEN ?2 AND ?3)
            OR EXISTS (SELECT 1 FROM attempts INDEXED BY attempts_ended
                        WHERE project_id = ?1 AND ended_at BETWEEN ?2 AND ?3)
        """
}

/// The statements of the write paths that run once per row, shared with `scheduler-bench store
/// floor-*` so the floor writes exactly what the store writes.
package enum WriteSQL {
    /// A new schedule (``WriterState/insert(_:ignoreDuplicateOccurrence:)``): 35 parameters in
    /// column order; a second row for the same series slot, or for an idempotency key its project
    /// already used, is a no-op (the writer tells which).
    package static let insertSchedule = """
        INSERT INTO schedules (id, content_id, project_id, scheduled_for, local_time, timezone, nominal_time,
            platforms, published_platforms, priority, queue_status, status, is_recurring, recurring_pattern,
            recurring_config, recurrence_kind, recurrence_text, recurrence_start, recurring_until, series_id,
            retry_count, max_retries, retry_delay, publish_delay, inngest_job_id, attempt_count,
            lease_loss_policy, expiry_window, expires_at, notes, metadata, idempotency_key,
            request_fingerprint, created_at, updated_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
            ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35)
        ON CONFLICT (series_id, nominal_time) WHERE series_id IS NOT NULL DO NOTHING
        ON CONFLICT (project_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
        """

    /// One platform row of a schedule.
    package static let insertPlatform = """
        INSERT INTO schedule_platforms (schedule_id, platform, project_id, published_at, published_url)
        VALUES (?1, ?2, ?3, ?4, ?5)
        """

    /// The attempt a dequeue opens.
    package static let insertAttempt = """
        INSERT INTO attempts (schedule_id, attempt, project_id, worker_id, idempotency_key, due_at, dequeued_at,
            started_at, lease_token)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
        """

    /// Ends a schedule's open attempt; ?6 is the worker call that ended it ('COMPLETE', 'FAIL' or
    /// NULL), ?7 when a Fail's retry is due.
    package static let closeAttempt = """
        UPDATE attempts SET ended_at = ?3, outcome = ?4, error = ?5, ended_by = ?6, retry_at = ?7
         WHERE schedule_id = ?1 AND attempt = ?2 AND ended_at IS NULL
        """

    /// The attempt a lease token was handed out with, for a repeated worker call.
    static let attemptByToken = """
        SELECT outcome, ended_by, retry_at FROM attempts
         WHERE schedule_id = ?1 AND lease_token = ?2 AND ended_at IS NOT NULL
        """

    /// Marks every platform of a schedule not yet published as published now (complete).
    package static let publishRemaining =
        "UPDATE schedule_platforms SET published_at = ?2 WHERE schedule_id = ?1 AND published_at IS NULL"
}
