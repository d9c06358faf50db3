import Foundation
import Synchronization

/// The source of "now" for everything that depends on time, injected so tests never sleep.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Instant
}

/// The system's real-time clock.
public struct SystemClock: WallClock {
    public init() {}

    public func now() -> Instant {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Instant(unixMilliseconds: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }
}

/// A clock that moves only when told to: for tests and simulations.
public final class ManualClock: WallClock {
    private let current: Mutex<Instant>

    public init(_ start: Instant) {
        current = Mutex(start)
    }

    public func now() -> Instant { current.withLock { $0 } }

    /// Moves the clock forward (or backward with a negative amount).
    public func advance(seconds: Int64) {
        current.withLock { $0 = $0.adding(seconds: seconds) }
    }

    /// Sets the clock to an instant.
    public func set(_ instant: Instant) {
        current.withLock { $0 = instant }
    }
}
