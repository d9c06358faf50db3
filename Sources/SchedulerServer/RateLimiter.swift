import SchedulingCore
import Synchronization

/// A token bucket per key (a principal, or a source address): `burst` requests at once, refilled
/// at `ratePerSecond`.
///
/// Time comes from an injected ``WallClock`` so tests move it by hand. A bucket that has refilled
/// completely is the same as none, so once 1,024 keys (or twice the keys left after the last
/// pruning) have buckets, full ones are dropped: keys that come and go (addresses) do not
/// accumulate.
public final class RateLimiter: Sendable {
    /// Requests per second each principal may sustain. Default 1000.
    public let ratePerSecond: Double
    /// Requests a principal may make at once after being idle. Default 2000.
    public let burst: Double
    private let clock: any WallClock
    private let state = Mutex(State())

    struct State {
        var buckets: [String: Bucket] = [:]
        var pruneAt = RateLimiter.minimumPruneAt
    }

    static let minimumPruneAt = 1024

    struct Bucket {
        var tokens: Double
        var updatedMs: Int64
    }

    public init(ratePerSecond: Double = 1000, burst: Double = 2000, clock: any WallClock = SystemClock()) {
        precondition(ratePerSecond > 0 && burst >= 1, "rate must be positive and burst at least 1")
        self.ratePerSecond = ratePerSecond
        self.burst = burst
        self.clock = clock
    }

    /// The outcome of one request.
    public enum Decision: Sendable, Hashable {
        case allowed
        /// Refused; the caller may retry after this many milliseconds.
        case limited(retryAfterMilliseconds: Int64)
    }

    /// Takes one token from `principal`'s bucket.
    public func acquire(_ principal: String) -> Decision {
        let now = clock.now().unixMilliseconds
        return state.withLock { state in
            if state.buckets.count >= state.pruneAt, state.buckets[principal] == nil { prune(&state, now: now) }
            // One hash lookup: the bucket is updated in place.
            return Self.take(&state.buckets[principal, default: Bucket(tokens: burst, updatedMs: now)], now: now,
                             ratePerSecond: ratePerSecond, burst: burst)
        }
    }

    private static func take(_ b: inout Bucket, now: Int64, ratePerSecond: Double, burst: Double) -> Decision {
        let elapsed = Double(max(0, now - b.updatedMs)) / 1000
        b.tokens = min(burst, b.tokens + elapsed * ratePerSecond)
        b.updatedMs = now
        if b.tokens >= 1 {
            b.tokens -= 1
            return .allowed
        }
        let missing = 1 - b.tokens
        return .limited(retryAfterMilliseconds: Int64((missing / ratePerSecond * 1000).rounded(.up)))
    }

    /// Keys with a bucket now.
    public var keyCount: Int { state.withLock { $0.buckets.count } }

    private func prune(_ state: inout State, now: Int64) {
        state.buckets = state.buckets.filter { _, b in
            b.tokens + Double(max(0, now - b.updatedMs)) / 1000 * ratePerSecond < burst
        }
        state.pruneAt = max(Self.minimumPruneAt, state.buckets.count * 2)
    }
}
