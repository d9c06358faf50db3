import SchedulingCore
import Synchronization

/// Caps failed sign-ins per client address and in all, per minute of an injected clock.
///
/// Every sign-in is a call to schedulerd over the console's one connection, and schedulerd closes
/// a connection that sends too many calls without valid credentials: without this cap, someone
/// guessing tokens through the console would disconnect everyone using it (the client reconnects,
/// but calls in flight fail), besides guessing at full speed.
public final class SignInLimiter: Sendable {
    private struct Window {
        var minute: Int64 = 0
        var failures: [String: Int] = [:]
        var total = 0
    }

    private let window = Mutex(Window())
    private let clock: any WallClock
    /// Failed sign-ins allowed from one address in a minute. Default 10.
    public let perAddress: Int
    /// Failed sign-ins allowed in all in a minute. Default 60.
    public let total: Int

    /// A limiter on `clock`.
    public init(clock: any WallClock, perAddress: Int = 10, total: Int = 60) {
        self.clock = clock
        self.perAddress = perAddress
        self.total = total
    }

    /// Whether a sign-in from `address` may be tried now.
    public func allows(_ address: String) -> Bool {
        current { w in w.total < total && w.failures[address, default: 0] < perAddress }
    }

    /// Counts a failed sign-in from `address`.
    public func recordFailure(_ address: String) {
        current { w in
            w.total += 1
            // Bounded: past 10 000 addresses in a minute, only the total limits.
            if w.failures.count < 10_000 || w.failures[address] != nil { w.failures[address, default: 0] += 1 }
        }
    }

    private func current<T>(_ body: (inout Window) -> T) -> T {
        let minute = clock.now().unixMilliseconds / 60_000
        return window.withLock { w in
            if w.minute != minute { w = Window(minute: minute) }
            return body(&w)
        }
    }
}
