import SchedulingCore

/// What one ``SchedulingStore/purgeFinished(olderThan:limit:)`` call did.
public struct PurgeResult: Sendable, Hashable {
    /// Finished schedules deleted, each with its platform rows.
    public var schedules = 0
    /// Their attempts (the audit trail).
    public var attempts = 0
    /// Their attempts' per-platform results.
    public var attemptResults = 0
    /// Their recorded conflicts (resolved or not).
    public var conflicts = 0
    /// Old finished schedules looked at but kept: an earlier occurrence of their recurring series
    /// still exists (see docs/STORE.md, "Retention"), or they changed since they were found.
    public var kept = 0
    /// True when this call reached the end of the old finished schedules (the next call starts
    /// over from the first project): wait for the next retention run instead of calling again.
    public var reachedEnd = false

    /// A result, field by field.
    public init(
        schedules: Int = 0, attempts: Int = 0, attemptResults: Int = 0, conflicts: Int = 0, kept: Int = 0,
        reachedEnd: Bool = false
    ) {
        self.schedules = schedules
        self.attempts = attempts
        self.attemptResults = attemptResults
        self.conflicts = conflicts
        self.kept = kept
        self.reachedEnd = reachedEnd
    }
}

/// The limits of a purge call: at most this many schedules per call, so one call's deletes stay
/// a short write (SQLite: one operation of the writer's batch; PostgreSQL: one transaction).
public enum RetentionLimits {
    /// Most schedules one ``SchedulingStore/purgeFinished(olderThan:limit:)`` call looks at.
    public static let maxSchedulesPerCall = 500
    /// Most daily metrics rows one ``SchedulingStore/purgeMetrics(olderThan:limit:)`` call deletes.
    public static let maxMetricsPerCall = 5000

    static func check(_ limit: Int, max: Int) throws(StoreError) {
        guard (1...max).contains(limit) else { throw .invalidArgument("limit", "must be 1…\(max)") }
    }
}

/// Where the scan for old finished schedules stands: the next candidates come after this
/// (project, terminal status, time, id), in the order of the `schedules_status` index.
struct PurgeCursor: Sendable, Hashable {
    var project: String
    var status: Int
    var time: Int64
    var id: String
}

/// A finished schedule old enough to delete, as the scan found it.
struct PurgeCandidate: Sendable, Hashable {
    var id: String
    var time: Int64
    var seriesID: String?
    var nominalTime: Int64
}

/// The retention SQL, shared by both backends. Parameters are written `?1`, `?2`…: SQLite reads
/// them as they are, PostgreSQL as `$1`, `$2`… (``postgres(_:)``).
enum RetentionSQL {
    /// The finished queue statuses, in scan order. EXPIRED schedules are FAILED in the queue,
    /// SKIPPED ones CANCELLED (Lifecycle), so these three cover every finished schedule.
    static let finishedStatuses: [QueueStatus] = [.completed, .failed, .cancelled]

    /// The first project holding a schedule after `?1`: one index seek.
    static let nextProject = "SELECT MIN(project_id) FROM schedules WHERE project_id > ?1"

    /// Up to `?6` schedules of project `?1` in finished status `?2` whose time and last change
    /// are both before `?3`, after (`?4`, `?5`) in (time, id) order: one range of
    /// `schedules_status (project_id, queue_status, scheduled_for)`.
    static let candidates = """
        SELECT id, scheduled_for, series_id, nominal_time FROM schedules
         WHERE project_id = ?1 AND queue_status = ?2 AND scheduled_for < ?3 AND updated_at < ?3
           AND (scheduled_for > ?4 OR (scheduled_for = ?4 AND id > ?5))
         ORDER BY scheduled_for, id LIMIT ?6
        """

    /// Deletes schedule `?1` if it is still finished, its time and last change are before `?2`,
    /// and no earlier occurrence of its series exists (one seek of `schedules_series`). So the
    /// deleted rows of a series are always its earliest ones, and no follow-up computed from a
    /// row that stays can land on a deleted slot and publish it again.
    static let deleteSchedule = """
        DELETE FROM schedules
         WHERE id = ?1 AND (queue_status = 'COMPLETED' OR queue_status = 'FAILED' OR queue_status = 'CANCELLED')
           AND scheduled_for < ?2 AND updated_at < ?2
           AND (series_id IS NULL OR NOT EXISTS (
                SELECT 1 FROM schedules o WHERE o.series_id = schedules.series_id AND o.nominal_time < schedules.nominal_time))
        """

    /// The rows that belong to a deleted schedule `?1`, each by an index leading with the
    /// schedule id (the tables' primary keys; `schedule_conflicts_schedule`).
    static let deletePlatforms = "DELETE FROM schedule_platforms WHERE schedule_id = ?1"
    static let deleteResults = "DELETE FROM attempt_results WHERE schedule_id = ?1"
    static let deleteAttempts = "DELETE FROM attempts WHERE schedule_id = ?1"
    static let deleteConflicts = "DELETE FROM schedule_conflicts WHERE schedule1_id = ?1"

    /// The first project with daily metrics after `?1` (the unique (project_id, period_start) index).
    static let nextMetricsProject = "SELECT MIN(project_id) FROM queue_metrics WHERE project_id > ?1"
    /// Up to `?3` metrics rows of project `?1` for days starting before `?2`.
    static let oldMetrics = """
        SELECT id FROM queue_metrics WHERE project_id = ?1 AND period_start < ?2 ORDER BY period_start LIMIT ?3
        """
    /// Deletes metrics row `?1` if its day starts before `?2`.
    static let deleteMetrics = "DELETE FROM queue_metrics WHERE id = ?1 AND period_start < ?2"

    /// The three statements that purge one table's old rows a project at a time: the next
    /// project after `?1`; up to `?3` ids of project `?1` older than `?2`; delete id `?1` if it is
    /// still older than `?2` (and still purgeable).
    struct RowPurge: Sendable {
        var nextProject: String
        var old: String
        var delete: String
    }

    /// Daily metrics rows of days starting before the cutoff.
    static let metricsPurge = RowPurge(nextProject: nextMetricsProject, old: oldMetrics, delete: deleteMetrics)

    /// Alerts delivered or given up (never a PENDING one) created before the cutoff.
    static let alertsPurge = RowPurge(
        nextProject: "SELECT MIN(project_id) FROM alerts WHERE project_id > ?1",
        old: """
            SELECT id FROM alerts WHERE project_id = ?1 AND created_at < ?2 AND state <> 'PENDING'
             ORDER BY created_at LIMIT ?3
            """,
        delete: "DELETE FROM alerts WHERE id = ?1 AND created_at < ?2 AND state <> 'PENDING'")

    /// `sql` with PostgreSQL's parameter markers.
    static func postgres(_ sql: String) -> String { SQLText.postgres(sql) }

    /// Deletes `candidates` that still qualify (``deleteSchedule``) and their rows, a series'
    /// occurrences oldest first, so one call can clear several occurrences of one series. `run`
    /// executes a statement with one text and an optional integer parameter and returns the rows
    /// it changed.
    static func delete(
        _ candidates: [PurgeCandidate], cutoff: Int64, run: (String, String, Int64?) throws -> Int
    ) throws -> PurgeResult {
        var result = PurgeResult()
        let ordered = candidates.sorted {
            ($0.seriesID ?? "", $0.nominalTime, $0.id) < ($1.seriesID ?? "", $1.nominalTime, $1.id)
        }
        for c in ordered {
            guard try run(deleteSchedule, c.id, cutoff) == 1 else {
                result.kept += 1
                continue
            }
            result.schedules += 1
            _ = try run(deletePlatforms, c.id, nil)
            result.attemptResults += try run(deleteResults, c.id, nil)
            result.attempts += try run(deleteAttempts, c.id, nil)
            result.conflicts += try run(deleteConflicts, c.id, nil)
        }
        return result
    }

    /// Finds up to `limit` candidates for deletion after `cursor` (nil: from the first project),
    /// project by project, each project's finished statuses one range at a time. Returns them,
    /// the cursor to continue from, and whether the scan reached the last project.
    static func scan(
        from cursor: PurgeCursor?, cutoff: Int64, limit: Int, nextProject: (String) throws -> String?,
        page: (_ project: String, _ status: String, _ afterTime: Int64, _ afterID: String, _ limit: Int) throws
            -> [PurgeCandidate]
    ) throws -> (candidates: [PurgeCandidate], next: PurgeCursor?, reachedEnd: Bool) {
        var c: PurgeCursor
        if let cursor {
            c = cursor
        } else {
            guard let first = try nextProject("") else { return ([], nil, true) }
            c = PurgeCursor(project: first, status: 0, time: Int64.min, id: "")
        }
        var ids: [PurgeCandidate] = []
        while ids.count < limit {
            let want = limit - ids.count
            let rows = try page(c.project, finishedStatuses[c.status].rawValue, c.time, c.id, want)
            ids += rows
            if rows.count == want, let last = rows.last {
                c.time = last.time
                c.id = last.id
                break
            }
            c.status += 1
            c.time = Int64.min
            c.id = ""
            if c.status == finishedStatuses.count {
                guard let p = try nextProject(c.project) else { return (ids, nil, true) }
                c = PurgeCursor(project: p, status: 0, time: Int64.min, id: "")
            }
        }
        return (ids, c, false)
    }
}
