internal import CLinux
import Glibc
import Synchronization
import TLS

/// A listening TCP socket that accepts TLS connections and spreads them over an event loop group.
///
/// The TLS context is read through a closure for every new connection, so a certificate
/// reload (a new ``TLSContext``) applies to new connections while open ones carry on.
public final class Listener: Selectable, @unchecked Sendable {
    // @unchecked Sendable: `closed` is only touched on `acceptLoop`; the counts are behind a
    // Mutex (connections close on every loop) or atomics.
    let fileDescriptor: Int32
    /// The bound address (the real port when 0 was asked for).
    public let localAddress: SocketAddress
    private let acceptLoop: EventLoop
    private let group: EventLoopGroup
    private let context: @Sendable () -> TLSContext
    private let limits: ConnectionLimits
    private let makeDelegate: @Sendable (Connection) -> ConnectionDelegate
    private let pool: Mutex<AdmissionPool>
    private let refusedTotal = Atomic<Int>(0)
    private let trims = Atomic<Int>(0)
    private var closed = false

    /// Connections open now.
    public var connectionCount: Int { pool.withLock { $0.open } }
    /// Open connections that have not authenticated (see ``Connection/markAuthenticated()``).
    public var unauthenticatedCount: Int { pool.withLock { $0.unauthenticated } }
    /// Connections refused at accept because a connection limit was reached.
    public var refusedCount: Int { refusedTotal.load(ordering: .relaxed) }
    /// Times the heap was trimmed after a burst of closes.
    public var heapTrimCount: Int { trims.load(ordering: .relaxed) }

    /// Binds and starts accepting.
    ///
    /// - Parameters:
    ///   - address: numeric IPv4 or IPv6 address; port 0 picks a free port.
    ///   - maxConnections: connections beyond this are closed at once after accept.
    ///   - maxUnauthenticated: connections not yet authenticated (handshaking, or active until the
    ///     delegate calls ``Connection/markAuthenticated()``) beyond this are closed at once after
    ///     accept. Nil: only `maxConnections` applies.
    ///   - maxUnauthenticatedPerAddress: the same, per source address. Nil: no separate cap.
    ///   - trimAfterClosing: the heap is trimmed (jemalloc's purge, glibc's `malloc_trim`) once the
    ///     open count has fallen this far below its peak, and to half of it or less. Default 256.
    public init(
        address: SocketAddress, group: EventLoopGroup, context: @escaping @Sendable () -> TLSContext,
        limits: ConnectionLimits = ConnectionLimits(), maxConnections: Int = 10_000, maxUnauthenticated: Int? = nil,
        maxUnauthenticatedPerAddress: Int? = nil, trimAfterClosing: Int = 256, backlog: Int32 = 1024,
        makeDelegate: @escaping @Sendable (Connection) -> ConnectionDelegate
    ) throws(IOError) {
        let (fd, local) = try address.listeningSocket(nonBlocking: true, backlog: backlog)
        self.localAddress = local
        self.fileDescriptor = fd
        self.group = group
        self.acceptLoop = group.loops[0]
        self.context = context
        self.limits = limits
        self.pool = Mutex(
            AdmissionPool(
                maxOpen: maxConnections, maxUnauthenticated: maxUnauthenticated ?? maxConnections,
                maxUnauthenticatedPerAddress: maxUnauthenticatedPerAddress ?? maxConnections,
                trimAfterClosing: trimAfterClosing))
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
            let remote = SocketAddress(storage: storage)
            let source = remote?.host ?? ""
            // Refused before a TLS session exists: a refused peer costs a descriptor for a moment.
            if pool.withLock({ $0.admit(source) }) != nil {
                refusedTotal.add(1, ordering: .relaxed)
                Sys.close(fd)
                continue
            }
            _ = try? Sys.setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
            let session: TLSSession
            do {
                session = try TLSSession(context: context())
            } catch {
                _ = pool.withLock { $0.closed(source, wasAuthenticated: false) }
                Sys.close(fd)
                continue
            }
            let loop = group.nextLoop()
            let connection = Connection(fd: fd, loop: loop, session: session, limits: limits, remote: remote, connecting: false)
            connection.onAuthenticated = { [self] in self.pool.withLock { $0.authenticated(source) } }
            connection.onClose = { [self] wasAuthenticated in
                if self.pool.withLock({ $0.closed(source, wasAuthenticated: wasAuthenticated) }) {
                    // Freed connection state (OpenSSL's record buffers above all) stays mapped in
                    // the loops' malloc arenas after a burst; give it back to the kernel.
                    Sys.trimHeap()
                    self.trims.add(1, ordering: .relaxed)
                }
            }
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
