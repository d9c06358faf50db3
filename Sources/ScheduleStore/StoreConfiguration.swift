import SchedulingCore

/// How the store opens and runs. Plain values with documented defaults; executables fill it
/// from flags or files.
public struct StoreConfiguration: Sendable {
    /// SQLite's `synchronous` setting for the writer.
    public enum Synchronous: String, Sendable, Hashable {
        /// WAL + NORMAL: an acknowledged write survives any process crash (kill -9); the last
        /// commits may be lost on power failure. The default.
        case normal = "NORMAL"
        /// WAL + FULL: fsync on every commit; survives power loss. Group commit keeps it fast.
        case full = "FULL"
    }

    /// The writer connection's settings, run when it opens (also by `scheduler-bench store
    /// floor-*`, so the floor writes under the same settings). Checkpoints run on their own
    /// connection, so the writer's automatic ones are off. The page size comes first: it only
    /// takes effect while the file is still empty, before WAL mode is entered.
    package var writerPragmas: String {
        """
        PRAGMA page_size = \(pageSize);
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = \(synchronous.rawValue);
        PRAGMA cache_size = -\(cacheSizeKiB);
        PRAGMA temp_store = MEMORY;
        PRAGMA wal_autocheckpoint = 0;
        PRAGMA journal_size_limit = \(walSizeLimitBytes);
        """
    }

    /// The database file (created when missing).
    public var path: String
    /// Default `.normal`.
    public var synchronous: Synchronous = .normal
    /// Read-only connections, each on its own thread. Default 2.
    public var readerCount: Int = 2
    /// How long a connection waits for a lock held by another process. Default 5000 ms.
    public var busyTimeoutMilliseconds: Int32 = 5000
    /// Most operations the writer applies in one transaction. Default 512.
    public var maxBatchSize: Int = 512
    /// Write operations allowed to wait for the writer; beyond it calls fail at once with
    /// `resourceExhausted` (backpressure instead of unbounded memory). Default 100,000.
    public var maxQueuedWrites: Int = 100_000
    /// SQLite's page size for a database this store creates, in bytes: a power of two from 512
    /// to 65,536 (``StoreError/invalidArgument(_:_:)`` at open otherwise). An existing
    /// database keeps the page size it was created with. Default 2048: every commit writes each
    /// page it changed to the WAL, and most commits here change a row and one leaf of each index,
    /// so half-size pages halve the bytes written and checkpointed (against 4096: store enqueue
    /// +24 %, store cycle +11 %; the SQLite floor's 100-row transactions −2 %:
    /// docs/BENCHMARKS.md, "Session 14").
    public var pageSize: Int = 2048
    /// How long the WAL file may grow, in bytes: SQLite's `journal_size_limit` (a WAL that grew
    /// beyond it is cut back to it when it starts over), and the writer asks for a RESTART
    /// checkpoint once the WAL passes 7/8 of it
    /// (``WALMonitor/restartThreshold(pageSize:walSizeLimitBytes:)``). Each restart holds the
    /// writer for a few milliseconds whatever the WAL's length, so a longer WAL means rarer stalls,
    /// at the price of the disk space and of a longer recovery after a crash (the next open reads
    /// the whole WAL: ~0.15 s for 450 MiB in the page cache). Default 512 MiB: against 128 MiB,
    /// a quarter of the restarts; at 6,000 single Enqueues/s the p99 from when each call was due
    /// fell from 6.2 to 3.6 ms, and under EnqueueBatch the writer's time held by restarts from
    /// 0.3–0.9 s to 0.01–0.25 s in 12 s (docs/BENCHMARKS.md, "Session 29"). From 1 MiB to 64 GiB
    /// (``StoreError/invalidArgument(_:_:)`` at open otherwise).
    public var walSizeLimitBytes: Int = 536_870_912
    /// The values ``walSizeLimitBytes`` may take: 1 MiB to 64 GiB.
    public static let walSizeLimitRange = (1 << 20)...(1 << 36)
    /// Where the writer thread runs.
    public enum WriterCPU: Sendable, Hashable {
        /// Wherever the kernel places it.
        case unpinned
        /// Pinned to the highest-numbered CPU the process may run on, when it may run on two or
        /// more (otherwise unpinned). The default.
        case lastAllowed
        /// Pinned to this CPU; the store refuses to open (``StoreError`` `invalidArgument`, field
        /// `writerCPU`) when the process may not run on it.
        case cpu(Int)
    }
    /// The CPU the writer thread is pinned to. Every write goes through that one thread, and
    /// when the kernel moves it from core to core as it sleeps and wakes, it leaves its caches
    /// behind (SQLite's pages, the occupancy index): pinned, the work loop ran +20 % and
    /// single Enqueues +4 % on two vCPUs (docs/BENCHMARKS.md, "Session 14"). Other threads may
    /// still run on that CPU when the writer waits. Default ``WriterCPU/lastAllowed``; choose
    /// distinct CPUs, or ``WriterCPU/unpinned``, for several stores busy on one machine.
    public var writerCPU: WriterCPU = .lastAllowed
    /// SQLite page cache per connection, KiB. Default 65536 (64 MiB).
    public var cacheSizeKiB: Int = 65_536
    /// A cap on the database size in pages (`PRAGMA max_page_count`); nil = SQLite's default.
    /// Reaching it behaves like a full disk: writes fail with `resourceExhausted`.
    public var maxPageCount: Int?
    /// The conflict rules; rate limits may be overridden per project below.
    public var conflictPolicy = ConflictPolicy()
    /// Per project: platform → hourly limit, on top of ``conflictPolicy``'s table.
    public var rateLimitOverrides: [String: [String: Int]] = [:]
    /// A one-off schedule not started this long after its time is EXPIRED. Default 24 h;
    /// nil = never. A schedule may set its own.
    public var defaultExpiryWindowSeconds: Int64? = 86_400
    /// A recurring occurrence not started this long after its time is SKIPPED and the series
    /// moves on. Default 1 h.
    public var catchUpWindowSeconds: Int64 = 3_600
    /// How far into the past the in-memory conflict index keeps schedules. Entries older than
    /// this (published, cancelled or simply past) are dropped from memory once a minute, so the
    /// index and the start-up load follow the recent and future schedule, not the whole
    /// history. A proposal more than this far in the past is checked against what is left (such
    /// a schedule is due at once anyway). Raised to twice the widest conflict window when
    /// smaller; default 35 days.
    public var occupancyHorizonSeconds: Int64 = 35 * 86_400
    /// The most pending schedules (``QueueStatus/pendingStatuses``: PENDING, QUEUED, PROCESSING
    /// or PAUSED) a project may hold: an Enqueue (or an EnqueueBatch item) that would go past it
    /// is refused with `resourceExhausted` naming the limit and the count. Default nil: no limit
    /// (docs/OPERATIONS.md, "Capacity", says why). Follow-up occurrences of a recurring series,
    /// resumes and reschedules are not refused: they replace or revive a schedule, they do not
    /// add one.
    public var maxPendingPerProject: Int?
    /// Per project, a limit that replaces ``maxPendingPerProject``; 0 = no limit for that project.
    public var maxPendingOverrides: [String: Int] = [:]
    /// Upper bound of any retry backoff. Default 24 h.
    public var maxRetryDelaySeconds: Int64 = 86_400
    /// Retry backoff jitter (fraction, 0…1). Default 0.1.
    public var retryJitter: Double = 0.1
    /// Where zones come from. Default the system tzdata.
    public var zones: TimeZoneDatabase = .system
    /// The source of "now". Default the system clock; tests inject a ``ManualClock``.
    public var clock: any WallClock = SystemClock()
    /// Where the writer records its batches (size, commit latency). Default the process's
    /// swift-metrics factory, a no-op until an executable bootstraps one.
    public var metrics = StoreMetrics()
    /// Which projects get alerts written to the outbox, and their thresholds. Default none.
    public var alerts = AlertPolicy()

    public init(path: String) {
        self.path = path
    }

    /// The capacity limit of `project` (``maxPendingOverrides``, else ``maxPendingPerProject``);
    /// nil = none.
    public func pendingLimit(for project: String) -> Int? {
        if let v = maxPendingOverrides[project] { return v > 0 ? v : nil }
        return maxPendingPerProject.flatMap { $0 > 0 ? $0 : nil }
    }

    /// The conflict rules of `project`: ``conflictPolicy`` with the project's rate limits
    /// (``rateLimitOverrides``) on top.
    func conflictPolicy(for project: String) -> ConflictPolicy {
        var policy = conflictPolicy
        for (k, v) in rateLimitOverrides[project] ?? [:] { policy.rateLimits.limits[PlatformRateLimits.normalize(k)] = v }
        return policy
    }
}

/// Size limits the store checks on every operation: the same as the wire protocol's
/// (docs/PROTOCOL.md, section 11), so a value the server accepts is never refused by the store
/// with a different limit, and direct users of the store get the same rules.
public enum StoreLimits {
    /// Ids: project, content, schedule, worker, idempotency key, external job id. Bytes of UTF-8.
    public static let maxIDBytes = 256
    /// Free text: notes, a failure's error, a conflict's resolution. Bytes of UTF-8.
    public static let maxTextBytes = 16_384
    /// Items in one enqueue batch or acknowledgement batch.
    public static let maxBatchItems = 500
}
