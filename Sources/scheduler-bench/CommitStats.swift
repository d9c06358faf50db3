import CoreMetrics
import ScheduleStore
import Synchronization

/// Counts the store's group commits during a store scenario (the store's own metrics, kept in
/// memory): how many write transactions, how many operations each carried, how long each took.
/// Printed to stderr after the scenario, beside what a server's /metrics says under RPC load
/// (`scheduler_store_commit_batch_size`, `scheduler_store_commit_duration_seconds`).
final class CommitStats: MetricsFactory, Sendable {
    static let shared = CommitStats()

    private let batches = Mutex<(count: Int, operations: Int, nanoseconds: Int64)>((0, 0, 0))

    /// "N transactions, X operations per transaction, Y ms per commit", or nil when none.
    var summary: String? {
        let b = batches.withLock { $0 }
        guard b.count > 0 else { return nil }
        let perTxn = Double(b.operations) / Double(b.count)
        let ms = Double(b.nanoseconds) / Double(b.count) / 1e6
        return "group commit: \(b.count) transactions, \(String(format: "%.1f", perTxn)) operations per transaction, "
            + "\(String(format: "%.3f", ms)) ms from BEGIN to COMMIT on average"
    }

    private final class Batch: RecorderHandler, TimerHandler, CounterHandler, Sendable {
        let stats: CommitStats
        let label: String
        init(_ stats: CommitStats, _ label: String) {
            self.stats = stats
            self.label = label
        }
        func record(_ value: Int64) {
            guard label == StoreMetrics.Name.commitBatchSize else { return }
            stats.batches.withLock {
                $0.count += 1
                $0.operations += Int(value)
            }
        }
        func record(_ value: Double) { record(Int64(value)) }
        func recordNanoseconds(_ duration: Int64) {
            guard label == StoreMetrics.Name.commitDuration else { return }
            stats.batches.withLock { $0.nanoseconds += duration }
        }
        func increment(by: Int64) {}
        func reset() {}
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { Batch(self, label) }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        Batch(self, label)
    }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { Batch(self, label) }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}
