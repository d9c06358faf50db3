import Foundation
import Synchronization

/// Paced (open-loop) load: `rate` permits a second, handed out from one thread that ticks every
/// 250 µs, to whichever worker waits first; a permit no worker waited for is banked (the
/// workers were busy) and taken at once by the next one, so the rate holds.
///
/// Each permit carries the instant the pacer released it: the call was due then. A call that
/// had to wait for a free worker (a banked permit) started late, and measuring its latency from
/// its own start would leave that wait out (coordinated omission); from its release it counts.
///
/// Each worker used to `Task.sleep` until its own next slot: one dispatch timer, and a wake-up of
/// dispatch's timer thread, per call. On 2 shared cores that load-generator CPU (~70 µs a call
/// in all at 6,000 calls/s) is taken from the server whose latency is measured.
final class Pacer: Sendable {
    private struct State {
        var waiters: [CheckedContinuation<ContinuousClock.Instant?, Never>] = []
        var head = 0
        /// Permits released while no worker waited, oldest first: when, and how many.
        var banked: [(at: ContinuousClock.Instant, count: Int)] = []
        var bankHead = 0
        var stopped = false

        /// The oldest banked permit's release instant, taken; nil when none is banked.
        mutating func takeBanked() -> ContinuousClock.Instant? {
            guard bankHead < banked.count else { return nil }
            let at = banked[bankHead].at
            banked[bankHead].count -= 1
            if banked[bankHead].count == 0 {
                bankHead += 1
                if bankHead == banked.count { (banked, bankHead) = ([], 0) }
            }
            return at
        }
    }

    private let state = Mutex(State())
    private let rate: Double
    private let until: ContinuousClock.Instant

    /// Starts handing out `rate` permits a second until `until`; then every wait ends with nil.
    init(rate: Double, until: ContinuousClock.Instant) {
        self.rate = rate
        self.until = until
        Thread.detachNewThread { [self] in run() }
    }

    /// Waits for the next permit and returns the instant it was released (the call's due time);
    /// nil once the run is over.
    func acquire() async -> ContinuousClock.Instant? {
        await withCheckedContinuation { c in
            let now: ContinuousClock.Instant?? = state.withLock { s in
                if s.stopped { return .some(nil) }
                if let at = s.takeBanked() { return .some(at) }
                s.waiters.append(c)
                return nil
            }
            if let now { c.resume(returning: now) }
        }
    }

    private func run() {
        let start = ContinuousClock.now
        var issued = 0
        while true {
            // A steady rate: a 1 ms tick released bursts of 6 calls at 6,000/s, and doubled the p50.
            usleep(250)
            let now = ContinuousClock.now
            let seconds = micros(start.duration(to: now)) / 1e6
            let due = Int(seconds * rate) - issued
            let over = now >= until
            let resumed = state.withLock { s -> [(CheckedContinuation<ContinuousClock.Instant?, Never>, ContinuousClock.Instant?)] in
                if over {
                    s.stopped = true
                    defer { (s.waiters, s.head) = ([], 0) }
                    return s.waiters[s.head...].map { ($0, nil) }
                }
                guard due > 0 else { return [] }
                let n = min(due, s.waiters.count - s.head)
                defer {
                    s.head += n
                    if s.head == s.waiters.count { (s.head, s.waiters) = (0, []) }
                    if due > n { s.banked.append((now, due - n)) }
                }
                return s.waiters[s.head..<(s.head + n)].map { ($0, now) }
            }
            if due > 0 { issued += due }
            for (c, permit) in resumed { c.resume(returning: permit) }
            if over { return }
        }
    }
}
