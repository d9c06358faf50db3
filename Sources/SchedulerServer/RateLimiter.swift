import SchedulingCore
import Synchronization

/// A token bucket per principal: `burst` requests at once, refilled at `ratePerSecond`.
///
/// Time comes from an injected ``WallClock`` so tests move it by hand.
public final class RateLimiter: Sendable {
    /// Requests per second each principal may sustain. Default 1000.
    public let ratePerSecond: Double
    /// Requests a principal may make at once after being idle. Default 2000.
    public let burst: Double
    private let clock: any WallClock
    private let buckets = Mutex<[String: Bucket]>([:])

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
        return buckets.withLock { buckets in
            var b = buckets[principal] ?? Bucket(tokens: burst, updatedMs: now)
            let elapsed = Double(max(0, now - b.updatedMs)) / 1000
            b.tokens = min(burst, b.tokens + elapsed * ratePerSecond)
            b.updatedMs = now
            defer { buckets[principal] = b }
            if b.tokens >= 1 {
                b.tokens -= 1
                return .allowed
            }
            let missing = 1 - b.tokens
            return .limited(retryAfterMilliseconds: Int64((missing / ratePerSecond * 1000).rounded(.up)))
        }
    }
}
