import SchedulingCore

/// One delivery attempt of a schedule: the audit trail.
public struct AttemptRecord: Sendable, Hashable {
    public var attempt: Int
    public var workerID: String
    public var idempotencyKey: String
    public var dequeuedAt: Instant
    public var startedAt: Instant?
    public var endedAt: Instant?
    /// COMPLETED, PARTIAL, RETRY, FAILED, RELEASED, OUTCOME_UNKNOWN or CANCELLED; nil while in progress.
    public var outcome: String?
    public var error: String?
    /// What the worker reported per platform in this attempt (and, for an attempt whose outcome
    /// was unknown, the platforms a person confirmed).
    public var results: [PlatformResult]
    /// A person's confirmation of an OUTCOME_UNKNOWN attempt (ConfirmOutcome); `outcome` keeps
    /// what the server recorded.
    public var confirmation: OutcomeConfirmation? = nil
}

extension ScheduleStore {
    /// The attempts of a schedule, oldest first, with their per-platform results; empty for a
    /// schedule with no attempts or none in the project (call ``get(projectID:scheduleID:)`` for NOT_FOUND).
    public func history(projectID: String, scheduleID: String) async throws(StoreError) -> [AttemptRecord] {
        try await readers.read { db in
            let a = try db.cached(
                """
                SELECT attempt, worker_id, idempotency_key, dequeued_at, started_at, ended_at, outcome, error,
                       \(OutcomeConfirmation.columns)
                  FROM attempts WHERE schedule_id = ?1 AND project_id = ?2 ORDER BY attempt LIMIT 1000
                """)
            a.bind(scheduleID, at: 1)
            a.bind(projectID, at: 2)
            var out: [AttemptRecord] = []
            try a.forEachRow { r in
                out.append(
                    AttemptRecord(
                        attempt: r.int(0), workerID: r.string(1), idempotencyKey: r.string(2),
                        dequeuedAt: Instant(unixMilliseconds: r.int64(3)),
                        startedAt: r.optionalInt64(4).map { Instant(unixMilliseconds: $0) },
                        endedAt: r.optionalInt64(5).map { Instant(unixMilliseconds: $0) },
                        outcome: r.optionalString(6), error: r.optionalString(7), results: [],
                        confirmation: OutcomeConfirmation(
                            columns: r.optionalString(8), r.optionalInt64(9), r.optionalString(10), r.optionalString(11))))
            }
            let p = try db.cached(
                "SELECT attempt, platform, success, url, error FROM attempt_results WHERE schedule_id = ?1 ORDER BY attempt, platform")
            p.bind(scheduleID, at: 1)
            try p.forEachRow { r in
                let n = r.int(0)
                guard let i = out.firstIndex(where: { $0.attempt == n }) else { return }
                let ok = r.int(2) == 1
                out[i].results.append(
                    PlatformResult(platform: r.string(1), url: ok ? r.optionalString(3) : nil, error: ok ? nil : (r.optionalString(4) ?? "failed")))
            }
            return out
        }
    }
}
