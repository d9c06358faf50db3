import Foundation
import Testing
import Transport

@Suite("Process signals", .timeLimit(.minutes(1)))
struct ProcessSignalsTests {
    /// A routing that fails (SIGKILL cannot be caught) leaves nothing behind, so a later one
    /// works; every signal sent to the process then arrives on the stream, in order, whichever
    /// thread takes it; a second routing in the same process is refused. (SIGUSR1/SIGUSR2:
    /// nothing else in the test process uses them. Routing is once per process, so this is the
    /// only test that routes.)
    @Test func signalsSentToTheProcessArriveOnTheStreamAndRoutingIsOncePerProcess() async throws {
        #expect(throws: IOError.self) { try ProcessSignals([SIGUSR1, SIGKILL]) }
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
