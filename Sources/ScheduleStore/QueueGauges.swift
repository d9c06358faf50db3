import SchedulingCore

/// The queue's figures that only the database knows cheaply, read when metrics are scraped.
///
/// Each backend answers from one consistent read. Projects are those that hold at least one
/// schedule (in any status), so a metric labelled by project never names a project that does not
/// exist; schedule ids never appear.
public struct QueueGauges: Sendable, Hashable {
    /// One project's queue.
    public struct Project: Sendable, Hashable {
        /// An existing project (one that holds at least one schedule).
        public var projectID: String
        /// Schedules per queue status, for the statuses an item can still leave by itself or by a
        /// person's action (``QueueGauges/depthStatuses``). A status with no schedule is 0.
        public var depth: [QueueStatus: Int]
        /// PENDING items whose time has come (`scheduled_for` ≤ now): due and waiting for a worker.
        public var dueBacklog: Int
        /// The time of the oldest of those items; nil when none is due.
        public var oldestDue: Instant?

        /// A project's figures (zero and none by default).
        public init(projectID: String, depth: [QueueStatus: Int] = [:], dueBacklog: Int = 0, oldestDue: Instant? = nil) {
            self.projectID = projectID
            self.depth = depth
            self.dueBacklog = dueBacklog
            self.oldestDue = oldestDue
        }

        /// How long the oldest due item has waited at `now`, in seconds (0 when none waits).
        public func oldestDueAgeSeconds(at now: Instant) -> Double {
            guard let oldestDue else { return 0 }
            return max(0, Double(now.unixMilliseconds - oldestDue.unixMilliseconds) / 1000)
        }
    }

    /// The statuses counted in ``Project/depth``: the queue itself. The terminal statuses
    /// (COMPLETED, FAILED, CANCELLED) are history that only grows; Stats reports them.
    public static let depthStatuses: [QueueStatus] = [.pending, .queued, .processing, .paused]

    /// Every project holding a schedule, in id order.
    public var projects: [Project]
    /// The database's size in bytes (SQLite: the main file), nil when the backend cannot say cheaply.
    public var databaseBytes: Int64?
    /// The write-ahead log's size in bytes (SQLite: the `-wal` file), nil when not applicable.
    public var walBytes: Int64?

    /// The figures of one read.
    public init(projects: [Project] = [], databaseBytes: Int64? = nil, walBytes: Int64? = nil) {
        self.projects = projects
        self.databaseBytes = databaseBytes
        self.walBytes = walBytes
    }
}

/// Scrape-time figures of a store. ``SchedulingStore`` refines it, so every backend provides them.
public protocol QueueGaugeSource: Sendable {
    /// The queue's depth per project and status, the due backlog and its oldest item's time,
    /// and the database's size, read in one snapshot. Cheap enough to run on every scrape
    /// (index range scans per project, no table scan); callers still cache it for a few seconds.
    func queueGauges(now: Instant) async throws(StoreError) -> QueueGauges
}

/// The SQL of ``QueueGaugeSource/queueGauges(now:)``, plain ANSI so every backend can run it
/// (numbered `?N` parameters; PostgreSQL's spelling is `SQLText.postgres`).
package enum QueueGaugeQueries {
    /// The first project id after `?` (start with the empty string): one index seek per project
    /// on an index leading with `project_id`, instead of a scan of every schedule.
    package static let nextProject = "SELECT MIN(project_id) FROM schedules WHERE project_id > ?1"

    /// Schedules of project `?` per non-terminal queue status.
    package static let depth = """
        SELECT queue_status, COUNT(*) FROM schedules
         WHERE project_id = ?1 AND queue_status IN ('PENDING', 'QUEUED', 'PROCESSING', 'PAUSED')
         GROUP BY queue_status
        """

    /// Due PENDING items of project `?` at instant `?` (Unix ms, given twice): how many, and the
    /// oldest's time. As Dequeue, an item past its window is not due (maintenance expires it).
    package static let due = """
        SELECT COUNT(*), MIN(scheduled_for) FROM schedules
         WHERE project_id = ?1 AND queue_status = 'PENDING' AND scheduled_for <= ?2
           AND (expires_at IS NULL OR expires_at >= ?3)
        """
}
