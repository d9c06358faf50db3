import ScheduleStore
import SchedulingCore
import Synchronization

/// Whether the store's database answers, for `/readyz`: a probe asks it every `interval`, and the
/// server is ready while the last success is recent. A probe that hangs (a database that stopped
/// answering without closing the connection) makes the last success go stale too, so no timeout
/// of its own is needed. A node whose database is gone then drops out of its load balancer instead
/// of taking calls it can only answer UNAVAILABLE.
public final class StoreReadiness: Sendable {
    private let clock: any WallClock
    /// How old the last success may be: a few probe intervals.
    private let staleAfterMilliseconds: Int64
    private let lastSuccessMs: Atomic<Int64>
    private let lastError = Mutex<String?>(nil)
    private let loop = PeriodicTask()

    /// A tracker that counts as ready at creation (the store has just opened).
    public init(clock: any WallClock = SystemClock(), staleAfterMilliseconds: Int64 = 6000) {
        self.clock = clock
        self.staleAfterMilliseconds = staleAfterMilliseconds
        lastSuccessMs = Atomic(clock.now().unixMilliseconds)
    }

    /// One probe: records a success, or the error it got.
    public func probe(_ store: any SchedulingStore) async {
        do {
            try await store.checkReachable()
            lastSuccessMs.store(clock.now().unixMilliseconds, ordering: .relaxed)
            lastError.withLock { $0 = nil }
        } catch {
            lastError.withLock { $0 = error.message }
        }
    }

    /// nil while ready; else why not ("database unreachable …").
    public var notReadyReason: String? {
        let age = clock.now().unixMilliseconds - lastSuccessMs.load(ordering: .relaxed)
        guard age > staleAfterMilliseconds else { return nil }
        let why = lastError.withLock { $0 } ?? "no answer"
        return "database unreachable for \(age / 1000) s: \(why)"
    }

    /// Probes `store` every `intervalMilliseconds` until ``stop()``.
    public func start(_ store: any SchedulingStore, intervalMilliseconds: Int64 = 2000) {
        loop.start(intervalMilliseconds: intervalMilliseconds) { [self] in await probe(store) }
    }

    /// Stops probing and waits for a probe in progress.
    public func stop() async { await loop.stop() }
}
