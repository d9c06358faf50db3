import SQLite
import SchedulingCore

extension WriterState {
    func insertAlert(_ new: NewAlert) throws -> Bool {
        let a = new.alert
        let s = try db.cached(AlertSQL.insert)
        s.bind(a.id, at: 1)
        s.bind(a.projectID, at: 2)
        s.bind(a.kind.rawValue, at: 3)
        s.bind(new.dedupeKey, at: 4)
        s.bind(a.scheduleID, at: 5)
        s.bind(a.platform, at: 6)
        s.bind(a.message, at: 7)
        s.bind(a.detailsJSON, at: 8)
        s.bind(a.createdAt.unixMilliseconds, at: 9)
        try s.run()
        return db.changes > 0
    }

    /// Claims due PENDING alerts not under another claim's lease (the writer runs one claim at a
    /// time, so no two claims overlap).
    func claimAlerts(limit: Int, leaseSeconds: Int64) throws -> [Alert] {
        let now = self.now
        let s = try db.cached(
            """
            UPDATE alerts SET attempts = attempts + 1, lease_until = ?2
             WHERE id IN (SELECT id FROM alerts WHERE state = 'PENDING' AND next_attempt_at <= ?1
                            AND (lease_until IS NULL OR lease_until <= ?1)
                          ORDER BY next_attempt_at LIMIT ?3)
            RETURNING \(AlertSQL.columns)
            """)
        s.bind(now.unixMilliseconds, at: 1)
        s.bind(now.adding(seconds: leaseSeconds).unixMilliseconds, at: 2)
        s.bind(limit, at: 3)
        var out: [Alert] = []
        try s.forEachRow { out.append(AlertSQL.decode($0)) }
        return out.sorted { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }
    }

    func finishAlertDelivery(id: String, attempt: Int, result: AlertDeliveryResult) throws {
        let sql: String
        var at: Instant?
        var error: String?
        switch result {
        case .delivered: sql = AlertSQL.delivered
        case .retry(let t, let e): (sql, at, error) = (AlertSQL.retry, t, e)
        case .gaveUp(let e): (sql, error) = (AlertSQL.gaveUp, e)
        }
        let s = try db.cached(sql)
        s.bind(attempt, at: 1)
        s.bind(id, at: 2)
        if sql == AlertSQL.delivered { s.bind(now.unixMilliseconds, at: 3) }
        if sql == AlertSQL.retry { s.bind(at?.unixMilliseconds, at: 4) }
        if sql != AlertSQL.delivered { s.bind(String((error ?? "").prefix(1000)), at: 5) }
        try s.run()
    }
}

extension ScheduleStore: AlertOutbox {
    /// A project's alerts, newest first, with their delivery state (read on a reader).
    public func listAlerts(projectID: String, limit: Int = 20) async throws(StoreError) -> [Alert] {
        try AlertSQL.checkListLimit(limit)
        return try await readers.read { db in
            let s = try db.cached(AlertSQL.list)
            s.bind(projectID, at: 1)
            s.bind(limit, at: 2)
            var out: [Alert] = []
            try s.forEachRow { out.append(AlertSQL.decode($0)) }
            return out
        }
    }

    /// Claims due alerts for delivery (``AlertOutbox/claimAlerts(limit:leaseSeconds:)``).
    public func claimAlerts(limit: Int, leaseSeconds: Int64) async throws(StoreError) -> [Alert] {
        try await writer.submit { try $0.claimAlerts(limit: limit, leaseSeconds: leaseSeconds) }
    }

    /// Records a delivery attempt's result (``AlertOutbox/finishAlertDelivery(id:attempt:result:)``).
    public func finishAlertDelivery(id: String, attempt: Int, result: AlertDeliveryResult) async throws(StoreError) {
        try await writer.submit { try $0.finishAlertDelivery(id: id, attempt: attempt, result: result) }
    }

    /// DUE_BACKLOG alerts from a queue read (``AlertOutbox/recordBacklogAlerts(_:)``).
    public func recordBacklogAlerts(_ gauges: QueueGauges) async throws(StoreError) -> Int {
        try await writer.submit { try $0.recordBacklogAlerts(gauges) }
    }
}
