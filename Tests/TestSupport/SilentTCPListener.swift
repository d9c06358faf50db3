import Dispatch
import Foundation
import Glibc
import Synchronization

/// A TCP listener on 127.0.0.1 (ephemeral port) that accepts connections and reads and drops
/// whatever arrives, never writing a byte: to a TLS client, a server that hangs in the handshake.
///
/// One thread of its own waits in `poll` (on the sockets and a wake-up pipe, no timer); ``stop()``
/// wakes it, closes every socket and waits for the thread to end; call it once the test is done
/// (the thread keeps the listener alive until then).
public final class SilentTCPListener: Sendable {
    /// The bound port.
    public let port: Int
    /// `127.0.0.1:<port>`.
    public var address: String { "127.0.0.1:\(port)" }
    /// Connections accepted so far.
    public var acceptedCount: Int { accepted.load(ordering: .relaxed) }

    private let listener: ListenerThread
    private let accepted = Atomic<Int>(0)

    public init() throws {
        listener = try ListenerThread()
        port = listener.port
        listener.start(name: "silent-tcp-listener") { [self] in run() }
    }

    /// Closes the listener and every accepted connection; waits for the thread. Idempotent.
    public func stop() { listener.stop() }

    private func run() {
        var connections: [Int32] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        loop: while true {
            var fds = [
                pollfd(fd: listener.wakeFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: listener.listenFD, events: Int16(POLLIN), revents: 0),
            ]
            fds += connections.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let n = poll(&fds, nfds_t(fds.count), -1)
            if n < 0 {
                if errno == EINTR { continue }
                break
            }
            if fds[0].revents != 0 { break loop }
            if fds[1].revents & Int16(POLLIN) != 0 {
                let c = accept(listener.listenFD, nil, nil)
                if c >= 0 {
                    _ = fcntl(c, F_SETFD, FD_CLOEXEC)
                    connections.append(c)
                    accepted.add(1, ordering: .relaxed)
                }
            }
            for p in fds.dropFirst(2) where p.revents != 0 {
                // Read and drop; at EOF or an error, forget the connection.
                if read(p.fd, &buffer, buffer.count) <= 0 {
                    close(p.fd)
                    connections.removeAll { $0 == p.fd }
                }
            }
        }
        for c in connections { close(c) }
    }
}
