import SQLite
import SchedulingCore

/// The schedules columns every query reads, in the order ``decodeSchedule(_:)`` expects.
enum Rows {
    static let scheduleColumns = """
        id, content_id, project_id, scheduled_for, local_time, timezone, nominal_time, platforms, \
        published_platforms, priority, queue_status, status, queued_at, processing_at, published_at, \
        is_recurring, recurring_pattern, recurring_config, recurrence_kind, recurrence_text, recurring_until, \
        series_id, retry_count, max_retries, retry_delay, publish_delay, inngest_job_id, lease_owner, \
        lease_expires_at, attempt_count, lease_loss_policy, expiry_window, failure_reason, notes, metadata, \
        idempotency_key, created_at, updated_at, lease_token, request_fingerprint, recurrence_start, failed_at, \
        cancelled_at, expires_at
        """

    /// Same columns qualified with `s.` for joins.
    static let qualifiedScheduleColumns = scheduleColumns.split(separator: ",").map {
        "s." + String($0.filter { $0 != " " && $0 != "\n" })
    }.joined(separator: ", ")

    static func instant(_ s: some ColumnReader, _ i: Int32) -> Instant { Instant(unixMilliseconds: s.int64(i)) }
    static func optionalInstant(_ s: some ColumnReader, _ i: Int32) -> Instant? {
        s.isNull(i) ? nil : Instant(unixMilliseconds: s.int64(i))
    }

    static func list(_ text: String) -> [String] {
        if text.isEmpty { return [] }
        // Most schedules name one platform: the text itself, not a split and a new string.
        if !text.utf8.contains(UInt8(ascii: ",")) { return [text] }
        return text.split(separator: ",").map(String.init)
    }

    /// A schedules row plus the fields the public model leaves out.
    struct Row {
        var schedule: Schedule
        var leaseToken: String?
        var fingerprint: String?
        var recurrenceKind: String?
        var recurrenceText: String?
        var recurrenceStart: String?
        var failedAt: Instant?
        var cancelledAt: Instant?
        var expiresAt: Instant?
        /// The row as loaded (writer only), so saves write just the changes.
        var snapshot: Snapshot? = nil
        /// `schedule.localTime` as stored text, when a new row's was formatted before the writer
        /// (EnqueueBatch): its insert binds this instead of formatting it again.
        var localTimeText: String? = nil
    }

    /// The mutable fields of a row as loaded (see `WriterState.mutableColumns`).
    struct Snapshot {
        var schedule: Schedule
        var leaseToken: String?
        var failedAt: Instant?
        var cancelledAt: Instant?
        var expiresAt: Instant?
    }

    static func decodeSchedule(_ s: Statement) -> Schedule { decodeRow(s).schedule }

    static func decodeRow(_ s: some ColumnReader) -> Row {
        let pattern = s.optionalString(16)
        let config = s.optionalString(17)
        let kind = s.optionalString(18)
        let text = s.optionalString(19)
        var recurrence: RecurrenceSpec?
        if let pattern, pattern != "custom" {
            recurrence = .shorthand(pattern: pattern, configJSON: config)
        } else if kind == "CRON", let text {
            recurrence = .cron(text)
        } else if kind == "RRULE", let text {
            recurrence = .rrule(text)
        }
        let localText = s.string(4)
        let local = (try? LocalDateTime.parse(localText)) ?? LocalDateTime(secondsSinceLocalEpoch: 0)
        let schedule = Schedule(
            id: s.string(0), contentID: s.string(1), projectID: s.string(2), scheduledFor: instant(s, 3),
            localTime: local, timeZone: s.string(5), nominalTime: instant(s, 6), platforms: list(s.string(7)),
            publishedPlatforms: list(s.string(8)), priority: s.int(9),
            queueStatus: QueueStatus(rawValue: s.string(10)) ?? .pending,
            status: ScheduleStatus(rawValue: s.string(11)) ?? .scheduled, queuedAt: optionalInstant(s, 12),
            processingAt: optionalInstant(s, 13), publishedAt: optionalInstant(s, 14), isRecurring: s.bool(15),
            recurringPattern: pattern, recurringConfig: config, recurrence: recurrence,
            recurringUntil: optionalInstant(s, 20), seriesID: s.optionalString(21), retryCount: s.int(22),
            maxRetries: s.int(23), retryDelaySeconds: s.int64(24), publishDelaySeconds: s.int64(25),
            externalJobID: s.optionalString(26), leaseOwner: s.optionalString(27),
            leaseExpiresAt: optionalInstant(s, 28), attemptCount: s.int(29),
            leaseLossPolicy: LeaseLossPolicy(rawValue: s.string(30)) ?? .holdOutcomeUnknown,
            expiryWindowSeconds: s.optionalInt64(31), failureReason: s.optionalString(32),
            notes: s.optionalString(33), metadataJSON: s.optionalString(34), idempotencyKey: s.optionalString(35),
            createdAt: instant(s, 36), updatedAt: instant(s, 37))
        return Row(
            schedule: schedule, leaseToken: s.optionalString(38), fingerprint: s.optionalString(39),
            recurrenceKind: kind, recurrenceText: text, recurrenceStart: s.optionalString(40),
            failedAt: optionalInstant(s, 41), cancelledAt: optionalInstant(s, 42), expiresAt: optionalInstant(s, 43))
    }

    static let conflictColumns = """
        id, project_id, schedule1_id, schedule2_id, conflict_type, conflict_time, conflict_reason, suggestion, \
        platform, severity, resolved, resolved_at, resolution, resolved_by, created_at
        """

    static func decodeConflict(_ s: some ColumnReader) -> ScheduleConflict {
        ScheduleConflict(
            id: s.string(0), projectID: s.string(1), schedule1ID: s.string(2), schedule2ID: s.optionalString(3),
            type: ConflictType(rawValue: s.string(4)) ?? .custom, time: instant(s, 5), reason: s.string(6),
            suggestion: s.optionalString(7), platform: s.optionalString(8),
            severity: ConflictSeverity(rawValue: s.string(9)) ?? .warning, resolved: s.bool(10),
            resolvedAt: optionalInstant(s, 11), resolution: s.optionalString(12), resolvedBy: s.optionalString(13),
            createdAt: instant(s, 14))
    }

    static let metricsColumns = """
        id, project_id, period_start, period_end, total_queued, total_processed, total_completed, total_failed, \
        total_cancelled, avg_wait_time, avg_processing_time, peak_queue_length, success_rate
        """

    /// Stores one day's figures, replacing the (project, day)'s previous row; `p` is the
    /// parameter prefix (`?` for SQLite, `$` for PostgreSQL), the 13 values in ``metricsColumns`` order.
    static func upsertMetricsSQL(parameter p: String) -> String {
        """
        INSERT INTO queue_metrics (\(metricsColumns))
        VALUES (\((1...13).map { "\(p)\($0)" }.joined(separator: ", ")))
        ON CONFLICT (project_id, period_start) DO UPDATE SET period_end = excluded.period_end,
            total_queued = excluded.total_queued, total_processed = excluded.total_processed,
            total_completed = excluded.total_completed, total_failed = excluded.total_failed,
            total_cancelled = excluded.total_cancelled, avg_wait_time = excluded.avg_wait_time,
            avg_processing_time = excluded.avg_processing_time,
            peak_queue_length = excluded.peak_queue_length, success_rate = excluded.success_rate
        RETURNING \(metricsColumns)
        """
    }

    static func decodeMetrics(_ s: Statement) -> QueueMetrics {
        QueueMetrics(
            id: s.string(0), projectID: s.string(1), periodStart: instant(s, 2), periodEnd: instant(s, 3),
            totalQueued: s.int(4), totalProcessed: s.int(5), totalCompleted: s.int(6), totalFailed: s.int(7),
            totalCancelled: s.int(8), avgWaitTime: s.optionalInt(9), avgProcessingTime: s.optionalInt(10),
            peakQueueLength: s.int(11), successRate: s.optionalDouble(12))
    }
}

/// The typed columns the row decoders read, by index: SQLite's `Statement`, or a PostgreSQL row.
protocol ColumnReader {
    func string(_ i: Int32) -> String
    func optionalString(_ i: Int32) -> String?
    func int(_ i: Int32) -> Int
    func int64(_ i: Int32) -> Int64
    func optionalInt64(_ i: Int32) -> Int64?
    func bool(_ i: Int32) -> Bool
    func isNull(_ i: Int32) -> Bool
}

extension Statement: ColumnReader {}
