/// The SQL of the hot paths, named so tests can check each one searches an index (no scans).
enum HotQueries {
    static let inFlight = """
        SELECT count(*) FROM schedules INDEXED BY schedules_status
         WHERE project_id = ?1 AND queue_status IN ('QUEUED','PROCESSING') AND lease_expires_at > ?2
        """

    static let due = """
        SELECT \(Rows.scheduleColumns) FROM schedules INDEXED BY schedules_due
         WHERE project_id = ?1 AND priority = ?2 AND scheduled_for <= ?3
           AND queue_status IN ('PENDING','QUEUED')
           AND (queue_status = 'PENDING' OR lease_expires_at IS NULL OR lease_expires_at <= ?3)
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
