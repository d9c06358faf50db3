#if canImport(Glibc)
import Glibc
#endif
import Foundation
internal import CLinux

/// Signals sent to the process, as an async stream: a server's shutdown and reload requests.
///
/// A plain signal handler (in C: one `write` of one byte to a pipe) replaces each signal's
/// default action, and a thread of its own reads the pipe. That handler runs on whichever thread
/// the kernel picks, so no thread's signal mask matters. libdispatch's signal sources depend on
/// the signals being blocked where they land, so they can be read through a signalfd. On Linux
/// its parked main thread waits in `sigsuspend` with every signal unblocked, so a signal lands
/// there, and libdispatch forwards it to its manager thread with `pthread_kill`. A server
/// built on those sources was once seen to lose a first SIGINT; a second one worked.
///
/// Once per process: a second instance throws (`EBUSY`).
public final class ProcessSignals: Sendable {
    /// Each signal as it arrives. A signal repeated faster than it is read may arrive once.
    public let stream: AsyncStream<Int32>

    /// Starts routing `signals` (e.g. SIGHUP, SIGINT, SIGTERM) to ``stream``.
    public init(_ signals: [Int32]) throws(IOError) {
        let fd = signals.withUnsafeBufferPointer { clinux_route_signals($0.baseAddress, Int32($0.count)) }
        guard fd >= 0 else { throw IOError("sigaction", errno: errno) }
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        self.stream = stream
        let reader = Thread {
            _ = clinux_name_thread("signals")
            var byte: UInt8 = 0
            while true {
                let n = read(fd, &byte, 1)
                if n == 1 {
                    continuation.yield(Int32(byte))
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            continuation.finish()
        }
        reader.stackSize = 64 << 10
        reader.start()
    }
}
