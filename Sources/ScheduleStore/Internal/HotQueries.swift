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
}
