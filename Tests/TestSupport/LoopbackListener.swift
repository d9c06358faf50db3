import Dispatch
import Foundation
import Glibc
import Synchronization

/// A listening TCP socket on 127.0.0.1, shared by the test servers (SilentTCPListener,
/// WebhookReceiver, TCPForwarder).
enum LoopbackListener {
    /// Binds 127.0.0.1:`port` (0 = ephemeral; `reuseAddress` to take a port back at once) and
    /// listens; returns the socket and the bound port.
    static func open(port: Int = 0, backlog: Int32 = 16, reuseAddress: Bool = false) throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        if reuseAddress {
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        var addr = loopback(port: UInt16(port))
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) }
        }
        guard bound == 0, listen(fd, backlog) == 0 else {
            let e = errno
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: e) ?? .EIO)
        }
        _ = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return (fd, Int(UInt16(bigEndian: addr.sin_port)))
    }

    /// 127.0.0.1:`port` as a socket address.
    static func loopback(port: UInt16) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = port.bigEndian
        return addr
    }
}

/// A listening socket on 127.0.0.1 served by a thread of its own, which waits in `poll` on it and
/// on a wake-up pipe (no timer): the frame of the test servers that are not a forwarder.
/// ``stop()`` wakes the thread, waits for its `serve` to return and closes the sockets.
final class ListenerThread: Sendable {
    /// The bound port.
    let port: Int
    /// The listening socket, for `serve`.
    let listenFD: Int32
    /// Readable once ``stop()`` was called: `serve` polls it with the sockets and returns.
    let wakeFD: Int32
    private let wakeWrite: Int32
    private let finished = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)

    /// Binds and listens (``LoopbackListener/open(port:backlog:reuseAddress:)``); ``start(name:_:)``
    /// starts the thread.
    init(port: Int = 0, reuseAddress: Bool = false) throws {
        let (fd, boundPort) = try LoopbackListener.open(port: port, reuseAddress: reuseAddress)
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else {
            close(fd)
            throw POSIXError(.EIO)
        }
        for p in pipeFDs { _ = fcntl(p, F_SETFD, FD_CLOEXEC) }  // child processes of other tests must not inherit them
        listenFD = fd
        wakeFD = pipeFDs[0]
        wakeWrite = pipeFDs[1]
        self.port = boundPort
    }

    /// Runs `serve` on a thread named `name` until it returns (it should once ``wakeFD`` is
    /// readable); then closes the listener.
    func start(name: String, _ serve: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            serve()
            close(listenFD)
            finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Wakes the thread and waits for it to end. Idempotent.
    func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        finished.wait()
        close(wakeWrite)
        close(wakeFD)
    }
}
