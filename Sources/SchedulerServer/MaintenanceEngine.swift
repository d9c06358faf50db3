import Logging
import ScheduleStore
import SchedulingCore
import Synchronization

/// The server's timer loop: runs the store's maintenance every `interval` (default 1 s, the
/// seed's per-minute cron made tighter): expired leases, missed windows (which also create the
/// follow-ups of skipped recurring occurrences), and the daily metrics rollup.
public final class MaintenanceEngine: Sendable {
    public struct Configuration: Sendable, Hashable {
        /// Time between passes. Default 1 s.
        public var intervalMilliseconds: Int64 = 1000
        /// Rows each step handles per pass, so one pass never holds the writer for long. Default 1000.
        public var batchLimit: Int = 1000
        /// How often the metrics of the current UTC day are recomputed. Default 60 s.
        public var rollupIntervalMilliseconds: Int64 = 60_000
        /// At start-up, leases that ran out while the server was down (or run out within this
        /// time) are extended to start + this, so their workers can reconnect and Complete or
        /// Fail before the reaper acts. 0 = none. Default 60 s.
        public var leaseGraceAfterStartSeconds: Int64 = 60
        /// Retention: finished schedules (COMPLETED, FAILED, CANCELLED; EXPIRED and SKIPPED
        /// included) whose time and last change are both older than this are deleted with their
        /// attempts, results, platforms and conflicts. 0 = kept forever. Default 30 days.
        public var finishedRetentionSeconds: Int64 = 30 * 86_400
        /// Retention: daily metrics of days that started longer ago than this are deleted.
        /// 0 = kept forever. Default 400 days.
        public var metricsRetentionSeconds: Int64 = 400 * 86_400
        /// How often retention runs. Default 60 s.
        public var retentionIntervalMilliseconds: Int64 = 60_000
        /// Schedules per purge call (1…500): one short write each. Default 50 (docs/BENCHMARKS.md,
        /// "Retention": larger batches hold the writer long enough to move enqueue p99).
        public var retentionBatchSize: Int = 50
        /// Most purge calls in one retention run; the next run continues. Default 50.
        public var retentionMaxBatchesPerRun: Int = 50
        /// Pause between two purge calls of a run, so a long backlog is deleted at a bounded duty
        /// cycle instead of back to back (docs/BENCHMARKS.md, "Retention"). Default 100 ms.
        public var retentionPauseMilliseconds: Int64 = 100

        public init() {}
    }

    /// What one pass did.
    public struct Pass: Sendable, Hashable {
        public var leases: ReapResult
        public var windows: MissedWindowResult
        public var rolledUp = 0
        /// What retention deleted (zero when it did not run in this pass).
        public var purged = PurgeResult()
        /// Daily metrics rows retention deleted.
        public var purgedMetrics = 0

        /// Whether the pass changed any schedule.
        public var changedSchedules: Bool {
            leases.released + leases.retried + leases.failed + windows.expired + windows.skipped + windows.followUps > 0
        }
    }

    private let store: any SchedulingStore
    private let clock: any WallClock
    private let configuration: Configuration
    private let logger: Logger
    private let metrics: ServerMetrics
    private let lastRollup = Mutex<Int64?>(nil)
    private let lastRetention = Mutex<Int64?>(nil)
    private let loop = PeriodicTask()

    public init(
        store: any SchedulingStore, configuration: Configuration = Configuration(), clock: any WallClock = SystemClock(),
        metrics: ServerMetrics = ServerMetrics(), logger: Logger
    ) {
        self.store = store
        self.metrics = metrics
        self.clock = clock
        self.configuration = configuration
        self.logger = logger
    }

    /// One pass of every maintenance step. The rollup and retention run when due;
    /// `forceRollup` and `forceRetention` run them now.
    @discardableResult
    public func runOnce(forceRollup: Bool = false, forceRetention: Bool = false) async throws(StoreError) -> Pass {
        let started = ContinuousClock.now
        defer { metrics.maintenanceDuration.recordNanoseconds((ContinuousClock.now - started).nanoseconds) }
        do {
            var pass = try await pass(forceRollup: forceRollup)
            if Self.due(lastRetention, now: clock.now(), every: configuration.retentionIntervalMilliseconds, force: forceRetention) {
                (pass.purged, pass.purgedMetrics) = try await retention()
            }
            metrics.maintenanceSucceeded.increment()
            return pass
        } catch {
            metrics.maintenanceFailed.increment()
            throw error
        }
    }

    private func pass(forceRollup: Bool) async throws(StoreError) -> Pass {
        let leases = try await store.reapExpiredLeases(limit: configuration.batchLimit)
        let windows = try await store.expireMissedWindows(limit: configuration.batchLimit)
        let analyzed = try await store.analyzeGrownTables()
        if !analyzed.isEmpty {
            logger.info("maintenance: planner statistics", metadata: ["tables": "\(analyzed.joined(separator: ","))"])
        }
        metrics.recordMaintenance(leases: leases, windows: windows)
        var pass = Pass(leases: leases, windows: windows)
        let now = clock.now()
        let due = lastRollup.withLock { last in
            guard forceRollup || last == nil || now.unixMilliseconds - last! >= configuration.rollupIntervalMilliseconds else {
                return false
            }
            last = now.unixMilliseconds
            return true
        }
        if due {
            // Shortly after midnight UTC, finish yesterday's figures too.
            let secondsIntoDay = ((now.unixSeconds % 86_400) + 86_400) % 86_400
            if secondsIntoDay * 1000 < configuration.rollupIntervalMilliseconds * 2 {
                pass.rolledUp += try await store.rollupMetrics(day: now.adding(seconds: -86_400)).count
            }
            pass.rolledUp += try await store.rollupMetrics(day: now).count
        }
        if pass.changedSchedules {
            logger.info(
                "maintenance",
                metadata: [
                    "leases.released": "\(pass.leases.released)", "leases.retried": "\(pass.leases.retried)",
                    "leases.failed": "\(pass.leases.failed)", "windows.expired": "\(pass.windows.expired)",
                    "windows.skipped": "\(pass.windows.skipped)", "windows.follow_ups": "\(pass.windows.followUps)",
                ])
        }
        return pass
    }

    /// Whether a step last run at `last` is due at `now` (and records it as run).
    private static func due(_ last: borrowing Mutex<Int64?>, now: Instant, every interval: Int64, force: Bool) -> Bool {
        last.withLock { last in
            guard force || last == nil || now.unixMilliseconds - last! >= interval else { return false }
            last = now.unixMilliseconds
            return true
        }
    }

    /// Deletes what is older than the retention settings: finished schedules a batch at a time
    /// (at most ``Configuration/retentionMaxBatchesPerRun`` batches; the next run continues),
    /// then old daily metrics. Each batch is its own short write, so other writes go on between.
    public func retention() async throws(StoreError) -> (PurgeResult, Int) {
        let now = clock.now()
        var total = PurgeResult()
        if configuration.finishedRetentionSeconds > 0 {
            let cutoff = now.adding(seconds: -configuration.finishedRetentionSeconds)
            for batch in 0..<max(1, configuration.retentionMaxBatchesPerRun) {
                if batch > 0 && configuration.retentionPauseMilliseconds > 0 {
                    try? await Task.sleep(for: .milliseconds(configuration.retentionPauseMilliseconds))
                }
                let r = try await store.purgeFinished(olderThan: cutoff, limit: configuration.retentionBatchSize)
                total.schedules += r.schedules
                total.attempts += r.attempts
                total.attemptResults += r.attemptResults
                total.conflicts += r.conflicts
                total.kept += r.kept
                total.reachedEnd = r.reachedEnd
                if r.reachedEnd || Task.isCancelled { break }
            }
        }
        var alerts = 0
        if configuration.finishedRetentionSeconds > 0 {
            // Alerts go with the schedules they are about: delivered or given up, after the same age.
            let cutoff = now.adding(seconds: -configuration.finishedRetentionSeconds)
            while !Task.isCancelled {
                let n = try await store.purgeAlerts(olderThan: cutoff, limit: 1000)
                alerts += n
                if n < 1000 { break }
            }
        }
        var metricsRows = 0
        if configuration.metricsRetentionSeconds > 0 {
            let cutoff = now.adding(seconds: -configuration.metricsRetentionSeconds)
            while !Task.isCancelled {
                let n = try await store.purgeMetrics(olderThan: cutoff, limit: 1000)
                metricsRows += n
                if n < 1000 { break }
            }
        }
        if total.schedules + metricsRows + alerts > 0 {
            logger.info(
                "retention",
                metadata: [
                    "retention.schedules": "\(total.schedules)", "retention.attempts": "\(total.attempts)",
                    "retention.attempt_results": "\(total.attemptResults)", "retention.conflicts": "\(total.conflicts)",
                    "retention.kept": "\(total.kept)", "retention.metrics": "\(metricsRows)",
                    "retention.alerts": "\(alerts)",
                ])
        }
        return (total, metricsRows)
    }

    /// Gives the leases that ran out while the server was down their grace
    /// (``Configuration/leaseGraceAfterStartSeconds``); ``start()`` runs it before the first pass.
    @discardableResult
    public func graceLeasesAfterStart() async throws(StoreError) -> Int {
        let grace = configuration.leaseGraceAfterStartSeconds
        guard grace > 0 else { return 0 }
        let extended = try await store.extendLeases(until: clock.now().adding(seconds: grace))
        if extended > 0 {
            logger.notice(
                "leases extended after start-up", metadata: ["leases.extended": "\(extended)", "leases.grace_s": "\(grace)"])
        }
        return extended
    }

    /// Starts the timer loop (after the start-up lease grace).
    public func start() {
        loop.start(
            intervalMilliseconds: configuration.intervalMilliseconds,
            first: { [self] in
                do {
                    try await graceLeasesAfterStart()
                } catch {
                    logger.error("start-up lease grace failed", metadata: ["error": "\(error)"])
                }
            },
            pass: { [self] in
                do {
                    try await runOnce()
                } catch {
                    logger.error("maintenance pass failed", metadata: ["error": "\(error)"])
                }
            })
    }

    /// Stops the loop and waits for the current pass to end.
    public func stop() async { await loop.stop() }
}
