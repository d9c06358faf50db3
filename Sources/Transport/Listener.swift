internal import CLinux
import Glibc
import Synchronization
import TLS

/// A listening TCP socket that accepts TLS connections and spreads them over an event loop group.
///
/// The TLS context is read through a closure for every new connection, so a certificate
/// reload (a new ``TLSContext``) applies to new connections while open ones carry on.
public final class Listener: Selectable, @unchecked Sendable {
    // @unchecked Sendable: `closed` is only touched on `acceptLoop`; the counters are atomics.
    let fileDescriptor: Int32
    /// The bound address (the real port when 0 was asked for).
    public let localAddress: SocketAddress
    private let acceptLoop: EventLoop
    private let group: EventLoopGroup
    private let context: @Sendable () -> TLSContext
    private let limits: ConnectionLimits
    private let maxConnections: Int
    private let makeDelegate: @Sendable (Connection) -> ConnectionDelegate
    private let open = Atomic<Int>(0)
    private let refusedTotal = Atomic<Int>(0)
    private var closed = false

    /// Connections open now.
    public var connectionCount: Int { open.load(ordering: .relaxed) }
    /// Connections refused because `maxConnections` were open.
    public var refusedCount: Int { refusedTotal.load(ordering: .relaxed) }

    /// Binds and starts accepting.
    ///
    /// - Parameters:
    ///   - address: numeric IPv4 or IPv6 address; port 0 picks a free port.
    ///   - maxConnections: connections beyond this are closed at once after accept.
    public init(
        address: SocketAddress, group: EventLoopGroup, context: @escaping @Sendable () -> TLSContext,
        limits: ConnectionLimits = ConnectionLimits(), maxConnections: Int = 10_000, backlog: Int32 = 1024,
        makeDelegate: @escaping @Sendable (Connection) -> ConnectionDelegate
    ) throws(IOError) {
        let (fd, local) = try address.listeningSocket(nonBlocking: true, backlog: backlog)
        self.localAddress = local
        self.fileDescriptor = fd
        self.group = group
        self.acceptLoop = group.loops[0]
        self.context = context
        self.limits = limits
        self.maxConnections = maxConnections
        self.makeDelegate = makeDelegate
        acceptLoop.execute { [self] in
            do {
                try acceptLoop.register(self)
            } catch {
                self.closed = true
                Sys.close(fd)
            }
        }
    }

    /// Stops accepting (open connections are not touched). Safe from any thread.
    public func close() {
        acceptLoop.execute { [self] in
            guard !closed else { return }
            closed = true
            acceptLoop.deregister(self)
            Sys.close(fileDescriptor)
        }
    }

    func readable() {
        while !closed {
            var storage = sockaddr_storage()
            var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let accepted: Int32?
            do {
                accepted = try withUnsafeMutablePointer(to: &storage) { p throws(IOError) in
                    try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sp throws(IOError) in
                        try Sys.nonBlocking("accept4") {
                            clinux_accept4(fileDescriptor, sp, &len, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
                        }
                    }
                }
            } catch {
                // EMFILE/ENFILE/ECONNABORTED: nothing to accept now; the listener stays up.
                return
            }
            guard let fd = accepted else { return }
            if open.load(ordering: .relaxed) >= maxConnections {
                refusedTotal.add(1, ordering: .relaxed)
                Sys.close(fd)
                continue
            }
            _ = try? Sys.setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
            let remote = SocketAddress(storage: storage)
            let session: TLSSession
            do {
                session = try TLSSession(context: context())
            } catch {
                Sys.close(fd)
                continue
            }
            open.add(1, ordering: .relaxed)
            let loop = group.nextLoop()
            let connection = Connection(fd: fd, loop: loop, session: session, limits: limits, remote: remote, connecting: false)
            connection.onClose = { [self] in self.open.subtract(1, ordering: .relaxed) }
            let makeDelegate = self.makeDelegate
            loop.execute { connection.start(delegate: makeDelegate(connection)) }
        }
    }

    func writable() {}

    func hangup() {
        guard !closed else { return }
        closed = true
        acceptLoop.deregister(self)
        Sys.close(fileDescriptor)
    }
}
