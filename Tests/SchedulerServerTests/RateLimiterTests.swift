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

    @Test("principals and projects")
    func access() {
        let p = Principal(name: "tok_1", projects: ["blog"])
        #expect(p.mayAccess(project: "blog"))
        #expect(!p.mayAccess(project: "news"))
        #expect(Principal(name: "root", projects: [], isAdmin: true).mayAccess(project: "news"))
    }
}
