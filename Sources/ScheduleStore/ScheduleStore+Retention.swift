import SQLite
import SchedulingCore

extension ScheduleStore {
    /// Deletes up to `limit` (1…500) finished schedules (COMPLETED, FAILED, CANCELLED: EXPIRED and
    /// SKIPPED included) whose time and last change are both before `cutoff`, with their
    /// platforms, attempts, attempt results and recorded conflicts. A recurring series loses its
    /// earliest occurrences only: an occurrence stays while an earlier one of its series exists.
    ///
    /// A reader finds the candidates (index ranges per project and status, continuing where the
    /// previous call stopped), and the writer deletes them as one operation of its batch,
    /// checking each again, so a purge never holds the writer for more than `limit` small
    /// deletes. Call again while ``PurgeResult/reachedEnd`` is false.
    public func purgeFinished(olderThan cutoff: Instant, limit: Int = 200) async throws(StoreError) -> PurgeResult {
        try RetentionLimits.check(limit, max: RetentionLimits.maxSchedulesPerCall)
        let start = purgeCursor.withLock { $0 }
        let time = cutoff.unixMilliseconds
        let found = try await readers.read { db in
            try RetentionSQL.scan(
                from: start, cutoff: time, limit: limit,
                nextProject: { after in
                    let s = try db.cached(RetentionSQL.nextProject)
                    s.bind(after, at: 1)
                    return try s.firstRow { $0.optionalString(0) } ?? nil
                },
                page: { project, status, afterTime, afterID, n in
                    let s = try db.cached(RetentionSQL.candidates)
                    s.bind(project, at: 1)
                    s.bind(status, at: 2)
                    s.bind(time, at: 3)
                    s.bind(afterTime, at: 4)
                    s.bind(afterID, at: 5)
                    s.bind(n, at: 6)
                    var out: [PurgeCandidate] = []
                    try s.forEachRow {
                        out.append(
                            PurgeCandidate(
                                id: $0.string(0), time: $0.int64(1), seriesID: $0.optionalString(2),
                                nominalTime: $0.int64(3)))
                    }
                    return out
                })
        }
        var result = PurgeResult()
        if !found.candidates.isEmpty {
            let candidates = found.candidates
            result = try await writer.submit { state in
                try RetentionSQL.delete(candidates, cutoff: time) { sql, text, number in
                    let s = try state.db.cached(sql)
                    s.bind(text, at: 1)
                    if let number { s.bind(number, at: 2) }
                    try s.run()
                    return state.db.changes
                }
            }
        }
        purgeCursor.withLock { $0 = found.next }
        result.reachedEnd = found.reachedEnd
        return result
    }

    /// Deletes up to `limit` (1…5000) daily metrics rows (`queue_metrics`) of days that start
    /// before `cutoff`; returns how many. A reader finds them (one seek per project), the writer
    /// deletes them by id. Call again while it returns `limit`.
    public func purgeMetrics(olderThan cutoff: Instant, limit: Int = 1000) async throws(StoreError) -> Int {
        try await purgeRows(RetentionSQL.metricsPurge, olderThan: cutoff, limit: limit)
    }

    /// Deletes up to `limit` (1…5000) alerts delivered or given up that were created before
    /// `cutoff` (a PENDING one is never deleted); returns how many.
    public func purgeAlerts(olderThan cutoff: Instant, limit: Int = 1000) async throws(StoreError) -> Int {
        try await purgeRows(RetentionSQL.alertsPurge, olderThan: cutoff, limit: limit)
    }

    /// One table's old rows: a reader finds them (one seek per project), the writer deletes
    /// them by id, re-checking each.
    private func purgeRows(_ sql: RetentionSQL.RowPurge, olderThan cutoff: Instant, limit: Int) async throws(StoreError)
        -> Int
    {
        try RetentionLimits.check(limit, max: RetentionLimits.maxMetricsPerCall)
        let time = cutoff.unixMilliseconds
        let ids = try await readers.read { db in
            var ids: [String] = []
            var after = ""
            while ids.count < limit {
                let next = try db.cached(sql.nextProject)
                next.bind(after, at: 1)
                guard let project = try next.firstRow({ $0.optionalString(0) }) ?? nil else { break }
                let s = try db.cached(sql.old)
                s.bind(project, at: 1)
                s.bind(time, at: 2)
                s.bind(limit - ids.count, at: 3)
                try s.forEachRow { ids.append($0.string(0)) }
                after = project
            }
            return ids
        }
        guard !ids.isEmpty else { return 0 }
        return try await writer.submit { state in
            var deleted = 0
            for id in ids {
                let s = try state.db.cached(sql.delete)
                s.bind(id, at: 1)
                s.bind(time, at: 2)
                try s.run()
                deleted += state.db.changes
            }
            return deleted
        }
    }
}
