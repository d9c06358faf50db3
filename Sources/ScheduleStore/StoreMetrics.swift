import CoreMetrics

/// The store's own metrics, made once (when the configuration is built) from a swift-metrics
/// factory and recorded by the writer once per batch, never per operation, and by the
/// checkpointer once per WAL restart.
///
/// The default factory is the process's (`MetricsSystem.factory`, a no-op until an executable
/// bootstraps one); tests and servers pass their own.
public struct StoreMetrics: Sendable {
    /// The metric names and their meanings (the exporter's `# HELP` lines, docs/OPERATIONS.md).
    public enum Name {
        /// Write operations applied in one transaction (histogram).
        public static let commitBatchSize = "scheduler_store_commit_batch_size"
        /// BEGIN to COMMIT returned, per batch transaction (histogram, seconds).
        public static let commitDuration = "scheduler_store_commit_duration_seconds"
        /// Batch transactions that did not commit (rolled back by the database or a failed COMMIT).
        public static let commitFailures = "scheduler_store_commit_failures_total"
        /// Checkpoints that started the WAL over, and how long each took (histogram, seconds):
        /// writes wait for most of it.
        public static let walRestartDuration = "scheduler_store_wal_restart_duration_seconds"
    }

    /// `# HELP` texts by metric name.
    public static let help: [String: String] = [
        Name.commitBatchSize: "Write operations applied in one store transaction (group commit).",
        Name.commitDuration: "Time from BEGIN to COMMIT returned of one store write transaction, in seconds.",
        Name.commitFailures: "Store write transactions that did not commit; their callers got an error.",
        Name.walRestartDuration:
            "Time one checkpoint took to copy the rest of the WAL into the database and start the WAL over, in seconds; writes wait for it.",
    ]

    /// Histogram buckets: batch sizes by powers of two up to the default maximum batch (512).
    public static let commitBatchSizeBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
    /// Histogram buckets: commit latency from 0.1 ms to 1 s.
    public static let commitDurationBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .seconds(1),
    ]

    let commitBatchSize: Recorder
    let commitDuration: CoreMetrics.Timer
    let commitFailures: Counter
    let walRestartDuration: CoreMetrics.Timer

    /// Makes the store's metrics with `factory`.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        commitBatchSize = Recorder(label: Name.commitBatchSize, dimensions: [], aggregate: true, factory: factory)
        commitDuration = CoreMetrics.Timer(label: Name.commitDuration, dimensions: [], factory: factory)
        commitFailures = Counter(label: Name.commitFailures, dimensions: [], factory: factory)
        walRestartDuration = CoreMetrics.Timer(label: Name.walRestartDuration, dimensions: [], factory: factory)
    }

    /// One batch transaction's outcome (the writer thread).
    func recordBatch(operations: Int, nanoseconds: Int64, committed: Bool) {
        if committed {
            commitBatchSize.record(operations)
            commitDuration.recordNanoseconds(nanoseconds)
        } else {
            commitFailures.increment()
        }
    }

    /// One checkpoint that started the WAL over: how long the writer waited for it.
    func recordWALRestart(nanoseconds: Int64) {
        walRestartDuration.recordNanoseconds(nanoseconds)
    }
}
