import SchedulerServer
import SchedulingCore
import Testing

@Suite("Rate limiter")
struct RateLimiterTests {
    @Test("burst, then refill at the rate, per principal")
    func tokenBucket() {
        let clock = ManualClock(Instant(unixSeconds: 1_000))
        let limiter = RateLimiter(ratePerSecond: 10, burst: 3, clock: clock)
        #expect(limiter.acquire("a") == .allowed)
        #expect(limiter.acquire("a") == .allowed)
        #expect(limiter.acquire("a") == .allowed)
        #expect(limiter.acquire("a") == .limited(retryAfterMilliseconds: 100))
        #expect(limiter.acquire("b") == .allowed, "buckets are per principal")
        clock.advance(seconds: 0)
        clock.set(Instant(unixMilliseconds: 1_000_050))
        #expect(limiter.acquire("a") == .limited(retryAfterMilliseconds: 50))
        clock.set(Instant(unixMilliseconds: 1_000_100))
        #expect(limiter.acquire("a") == .allowed)
        clock.advance(seconds: 60)
        for _ in 0..<3 { #expect(limiter.acquire("a") == .allowed) }
        #expect(limiter.acquire("a") != .allowed, "never more than the burst")
    }

    @Test("buckets of keys that come and go (source addresses) are dropped once refilled")
    func pruning() {
        let clock = ManualClock(Instant(unixSeconds: 1_000))
        let limiter = RateLimiter(ratePerSecond: 10, burst: 3, clock: clock)
        for i in 0..<1024 { _ = limiter.acquire("10.0.\(i / 256).\(i % 256)") }
        #expect(limiter.keyCount == 1024)
        // A second later every bucket is full again, the same as none: the next new key prunes them.
        clock.advance(seconds: 1)
        #expect(limiter.acquire("a") == .allowed)
        #expect(limiter.keyCount == 1)
        // A key whose bucket is not full yet keeps its state.
        for _ in 0..<3 { _ = limiter.acquire("b") }
        for i in 0..<1100 { _ = limiter.acquire("k\(i)") }
        #expect(limiter.acquire("b") != .allowed)
    }

    @Test("principals and projects")
    func access() {
        let p = Principal(name: "tok_1", projects: ["blog"])
        #expect(p.mayAccess(project: "blog"))
        #expect(!p.mayAccess(project: "news"))
        #expect(Principal(name: "root", projects: [], isAdmin: true).mayAccess(project: "news"))
    }
}
