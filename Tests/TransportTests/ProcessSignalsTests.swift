import Foundation
import Testing
import Transport

@Suite("Process signals", .timeLimit(.minutes(1)))
struct ProcessSignalsTests {
    /// Every signal sent to the process arrives on the stream, in order, whichever thread takes
    /// it; a second router in the same process is refused. (SIGUSR1/SIGUSR2: nothing else in
    /// the test process uses them. Routing is once per process, so this is the only test.)
    @Test func signalsSentToTheProcessArriveOnTheStreamAndRoutingIsOncePerProcess() async throws {
        let signals = try ProcessSignals([SIGUSR1, SIGUSR2])
        var received: [Int32] = []
        var iterator = signals.stream.makeAsyncIterator()
        for sig in [SIGUSR1, SIGUSR2, SIGUSR1] {
            kill(getpid(), sig)
            // Each is read before the next is sent: a signal already pending is not queued twice.
            if let s = await iterator.next() { received.append(s) }
        }
        #expect(received == [SIGUSR1, SIGUSR2, SIGUSR1])
        #expect(throws: IOError.self) { try ProcessSignals([SIGUSR1]) }
    }
}
