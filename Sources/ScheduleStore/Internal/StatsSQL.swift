/// The SQL of Stats' reads (``SchedulingStore/projectStats(projectID:history:byPlatform:)``),
/// written once for both stores: numbered `?N` parameters, PostgreSQL's spelling beside each.
enum StatsSQL {
    /// Project `?1`'s schedules per queue status.
    static let statusCounts = "SELECT queue_status, count(*) FROM schedules WHERE project_id = ?1 GROUP BY queue_status"

    /// Project `?1`'s schedules per stored platform list and queue status
    /// (``PlatformQueueCounts/tally(_:)`` splits the lists).
    static let platformCounts =
        "SELECT platforms, queue_status, count(*) FROM schedules WHERE project_id = ?1 GROUP BY platforms, queue_status"

    /// Project `?1`'s stored daily metrics whose period starts within [`?2`, `?3`] (Unix ms),
    /// oldest first.
    static let history = """
        SELECT \(Rows.metricsColumns) FROM queue_metrics
         WHERE project_id = ?1 AND period_start BETWEEN ?2 AND ?3 ORDER BY period_start LIMIT 1000
        """

    static let postgresStatusCounts = SQLText.postgres(statusCounts)
    static let postgresPlatformCounts = SQLText.postgres(platformCounts)
    static let postgresHistory = SQLText.postgres(history)
}
