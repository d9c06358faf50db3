internal import CLinux
import Glibc
import Synchronization
import TLS

/// Receives a connection's events, always on the connection's event loop.
public protocol ConnectionDelegate: AnyObject {
    /// The TLS handshake completed; the peer's identity and ALPN protocol are known.
    func connectionDidBecomeActive(_ connection: Connection)
    /// Decrypted application bytes arrived (any chunking).
    func connection(_ connection: Connection, didReceive bytes: [UInt8])
    /// The connection closed; `error` says why when it was not an orderly close.
    func connectionDidClose(_ connection: Connection, error: (any Error)?)
    /// Whether the delegate holds the start of a message whose rest has not arrived (a partial
    /// frame). Asked after each read; when it (or a partial TLS record) has been true for
    /// ``ConnectionLimits/partialMessageTimeoutMilliseconds`` with no message completed (see
    /// ``Connection/messageReceived()``), the connection is closed. Default false: every
    /// delivery is a whole message.
    func connectionHasPartialMessage(_ connection: Connection) -> Bool
}

extension ConnectionDelegate {
    public func connectionHasPartialMessage(_ connection: Connection) -> Bool { false }
}

/// Limits of one connection. Defaults are documented in docs/OPERATIONS.md.
public struct ConnectionLimits: Sendable, Hashable {
    /// A TLS handshake not finished within this time closes the connection. Default 10 s.
    public var handshakeTimeoutMilliseconds: Int64 = 10_000
    /// A connection with no traffic in either direction for this long is closed. Default 300 s.
    public var idleTimeoutMilliseconds: Int64 = 300_000
    /// A peer that leaves more than this many encrypted bytes unread is disconnected (a slow
    /// reader must not make the server buffer without bound). Default 8 MiB.
    public var maxPendingOutputBytes: Int = 8 << 20
    /// Received bytes that do not complete a message within this time close the connection: a
    /// peer trickling a TLS record or a frame (see ``ConnectionDelegate/connectionHasPartialMessage(_:)``)
    /// must not hold a connection and its buffers with a byte now and then. Default 30 s.
    public var partialMessageTimeoutMilliseconds: Int64 = 30_000
    /// A connection with no traffic for this long gives its TLS record buffers (about 34 KiB)
    /// back to the allocator; its next record allocates them again. A busy connection keeps them:
    /// freeing and allocating them for every record cost ~10 % of the TLS layer's CPU per call.
    /// Default 1 s.
    public var releaseBuffersAfterMilliseconds: Int64 = 1_000

    public init() {}
}

/// Why a connection ended, when it was not an orderly close.
public struct ConnectionError: Error, Hashable, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// A TCP socket with a TLS session, driven by one event loop.
///
/// All state is confined to ``loop``: call ``send(_:)`` and ``close(error:)`` on the loop's
/// thread, or through `connection.loop.execute { … }` from elsewhere.
public final class Connection: Selectable, @unchecked Sendable, CustomStringConvertible {
    // @unchecked Sendable: every mutable field is touched only on `loop` (see the type's doc);
    // other threads may hold a reference and hop onto the loop with `execute`.
    public let loop: EventLoop
    public let remoteAddress: SocketAddress?
    public let id: UInt64
    let fileDescriptor: Int32
    private let session: TLSSession
    private let limits: ConnectionLimits
    private var delegate: ConnectionDelegate?
    private var outbound: [UInt8] = []
    private var outboundOffset = 0
    private var wantsWritable = false
    private var connecting: Bool
    private var closed = false
    /// Orderly close in progress: close_notify queued, no more sends; see ``close(error:)``.
    private var closing = false
    private var closingError: (any Error)?
    private var shutdownSent = false
    private var active = false
    private var lastActivity = Sys.monotonicMilliseconds()
    private var handshakeTimer: EventLoop.TimerID?
    private var idleTimer: EventLoop.TimerID?
    /// Since when received bytes have waited for the rest of their message (nil: none wait).
    private var partialSince: Int64?
    private var partialTimer: EventLoop.TimerID?
    /// The close's grace period: ``finish(_:)`` runs when it ends if the peer has not closed first.
    private var graceTimer: EventLoop.TimerID?
    /// The TLS session may hold its record buffers: traffic set it, and `quietTimer` runs until a
    /// quiet spell of ``ConnectionLimits/releaseBuffersAfterMilliseconds`` releases them.
    private var buffersHeld = false
    private var quietTimer: EventLoop.TimerID?
    /// A message completed during the current read (the partial-message clock restarts).
    private var messageProgress = false
    /// Plaintext was handed to the delegate during the current read.
    private var plaintextDelivered = false
    /// Whether the delegate vouched for the peer (``markAuthenticated()``).
    public private(set) var isAuthenticated = false
    /// Called once by ``markAuthenticated()`` (the listener's bookkeeping).
    var onAuthenticated: (() -> Void)?
    /// Called once when the connection closes, after the delegate, with whether it had
    /// authenticated (the listener's bookkeeping).
    var onClose: ((_ wasAuthenticated: Bool) -> Void)?

    private static let ids = Atomic<UInt64>(1)

    init(fd: Int32, loop: EventLoop, session: TLSSession, limits: ConnectionLimits, remote: SocketAddress?, connecting: Bool) {
        self.fileDescriptor = fd
        self.loop = loop
        self.session = session
        self.limits = limits
        self.remoteAddress = remote
        self.connecting = connecting
        self.id = Self.ids.add(1, ordering: .relaxed).oldValue
    }

    public var description: String { "connection \(id) \(remoteAddress?.description ?? "")" }

    /// The verified client certificate's identity (mutual TLS), once active.
    public var peerIdentity: PeerIdentity? { session.peerIdentity }
    /// Why the client certificate the peer presented did not verify, once active (only a server
    /// that requests rather than requires certificates gets this far with one; see
    /// ``TLSConfiguration/ClientCertificates``).
    public var peerCertificateProblem: String? { session.peerCertificateProblem }
    /// The ALPN protocol agreed on, once active.
    public var negotiatedProtocol: String? { session.negotiatedProtocol }
    /// "TLSv1.3" or "TLSv1.2", once active.
    public var protocolVersion: String { session.protocolVersion }
    /// Whether the handshake completed and the connection is not closed.
    public var isActive: Bool { active && !closed && !closing }
    /// Whether the TLS session may hold its record buffers (traffic since they were last
    /// released; loop thread).
    var holdsTLSBuffers: Bool { buffersHeld }

    /// Encrypted bytes not yet accepted by the kernel.
    public var pendingOutputBytes: Int { outbound.count - outboundOffset }

    /// Registers with the loop and starts the timers (loop thread).
    func start(delegate: ConnectionDelegate) {
        self.delegate = delegate
        // A connecting socket waits for EPOLLOUT; `flush` drops that interest once nothing is
        // pending. Left registered, level-triggered EPOLLOUT would wake the loop on every pass.
        wantsWritable = connecting
        do {
            try loop.register(self, writable: connecting)
        } catch {
            finish(error)
            return
        }
        // The timers hold the connection strongly, and ``finish(_:)`` cancels them all: a weak
        // reference would give the connection a side table, which makes every retain and release
        // of it on the hot path take the slow route (2–4 % of each side's CPU under Health).
        handshakeTimer = loop.schedule(afterMilliseconds: limits.handshakeTimeoutMilliseconds) { [self] in
            guard !self.active, !self.closed else { return }
            self.close(error: ConnectionError("TLS handshake timed out"))
        }
        armIdleTimer()
        if !connecting, session.context.configuration.role == .client { advance() }
    }

    /// The delegate vouches for the peer (it made a call with valid credentials): the connection
    /// stops counting against the listener's unauthenticated limits (loop thread; idempotent).
    public func markAuthenticated() {
        guard !isAuthenticated, !closed else { return }
        isAuthenticated = true
        onAuthenticated?()
        onAuthenticated = nil
    }

    /// The delegate completed a message (a frame): the partial-message clock restarts (loop thread).
    /// A delegate that reports partial messages calls this for every message it completes.
    public func messageReceived() {
        messageProgress = true
    }

    // MARK: Sending

    /// Encrypts and sends application bytes (loop thread). Ignored after close.
    public func send(_ plaintext: [UInt8]) {
        guard !closed, !closing else { return }
        do {
            try session.write(plaintext: plaintext)
        } catch {
            close(error: error)
            return
        }
        holdBuffersUntilQuiet()
        flush()
    }

    /// Closes the connection (loop thread). An active connection closes in order: what is queued is
    /// sent with TLS close_notify, then the write side is shut down and the peer's remaining bytes
    /// are read and dropped until its EOF (at most 2 s). Closing a socket with unread input makes the
    /// kernel send RST, which can destroy responses the peer has not read yet.
    public func close(error: (any Error)? = nil) {
        guard !closed, !closing else { return }
        guard active else {
            finish(error)
            return
        }
        closing = true
        closingError = error
        session.close()
        flush()
        guard !closed else { return }
        graceTimer = loop.schedule(afterMilliseconds: 2000) { [self] in
            graceTimer = nil
            finish(closingError)
        }
        shutdownWriteWhenFlushed()
    }

    private func shutdownWriteWhenFlushed() {
        guard closing, !closed, !shutdownSent, pendingOutputBytes == 0 else { return }
        shutdownSent = true
        _ = Glibc.shutdown(fileDescriptor, Int32(SHUT_WR))
    }

    /// While closing: read and drop until EOF, then finish.
    private func discardInput() {
        let buffer = loop.scratch
        while true {
            let n = read(fileDescriptor, buffer.baseAddress, buffer.count)
            if n > 0 { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            if n < 0 && errno == EINTR { continue }
            finish(closingError)
            return
        }
    }

    // MARK: Selectable

    func readable() {
        guard !closed else { return }
        if closing {
            discardInput()
            return
        }
        let buffer = loop.scratch
        var gotEOF = false
        while true {
            let n: Int?
            do {
                n = try Sys.nonBlocking("read") { read(fileDescriptor, buffer.baseAddress, buffer.count) }
            } catch {
                finish(error)
                return
            }
            guard let n else { break }
            if n == 0 {
                gotEOF = true
                break
            }
            lastActivity = Sys.monotonicMilliseconds()
            session.receive(ciphertext: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            holdBuffersUntilQuiet()
            if n < buffer.count { break }
        }
        advance()
        if gotEOF, !closed { finish(active ? nil : ConnectionError("peer closed during the TLS handshake")) }
        if !closed, !closing, active { trackPartialMessage() }
    }

    /// Restarts, starts or stops the partial-message clock after a read (the handshake has its own).
    private func trackPartialMessage() {
        let delegateWaits = delegate?.connectionHasPartialMessage(self) ?? false
        // Without partial messages of its own, a delegate was handed whole messages.
        if messageProgress || (plaintextDelivered && !delegateWaits) { partialSince = nil }
        messageProgress = false
        plaintextDelivered = false
        guard delegateWaits || session.hasBufferedInput else {
            partialSince = nil
            return
        }
        if partialSince == nil { partialSince = Sys.monotonicMilliseconds() }
        if partialTimer == nil { armPartialTimer() }
    }

    private func armPartialTimer() {
        guard let since = partialSince else { return }
        let limit = limits.partialMessageTimeoutMilliseconds
        let due = since + limit - Sys.monotonicMilliseconds()
        partialTimer = loop.schedule(afterMilliseconds: max(due, 1)) { [self] in
            guard !self.closed else { return }
            self.partialTimer = nil
            guard let since = self.partialSince else { return }
            if Sys.monotonicMilliseconds() - since >= limit {
                self.close(error: ConnectionError("no complete message within \(limit) ms of its first bytes"))
            } else {
                self.armPartialTimer()
            }
        }
    }

    func writable() {
        guard !closed else { return }
        if closing {
            flush()
            shutdownWriteWhenFlushed()
            return
        }
        if connecting {
            var err: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fileDescriptor, SOL_SOCKET, SO_ERROR, &err, &len)
            if err != 0 {
                finish(IOError("connect", errno: err))
                return
            }
            connecting = false
            advance()  // sends the ClientHello
            return
        }
        flush()
    }

    func hangup() {
        guard !closed else { return }
        readable()  // drain what is left (it may hold close_notify)
        if !closed { finish(active ? nil : ConnectionError("connection reset")) }
    }

    // MARK: Internals

    private func advance() {
        let plaintext: [UInt8]
        do {
            plaintext = try session.readPlaintext(scratch: loop.scratch)
        } catch {
            flush(final: true)  // deliver the alert that explains the failure
            finish(error)
            return
        }
        flush()
        guard !closed else { return }
        if !active, session.state != .handshaking {
            active = true
            if let t = handshakeTimer { loop.cancel(t) }
            delegate?.connectionDidBecomeActive(self)
        }
        if !plaintext.isEmpty, !closed {
            plaintextDelivered = true
            delegate?.connection(self, didReceive: plaintext)
        }
        if session.state == .closed, !closed { finish(nil) }
    }

    private func flush(final: Bool = false) {
        if session.pendingCiphertextCount > 0 {
            if outboundOffset > 0 && outboundOffset >= outbound.count / 2 {
                outbound.removeFirst(outboundOffset)
                outboundOffset = 0
            }
            session.takeCiphertext(appendingTo: &outbound)
        }
        while outboundOffset < outbound.count {
            let written: Int?
            do {
                written = try outbound.withUnsafeBytes { p throws(IOError) in
                    try Sys.nonBlocking("send") {
                        Glibc.send(fileDescriptor, p.baseAddress! + outboundOffset, p.count - outboundOffset, Int32(MSG_NOSIGNAL))
                    }
                }
            } catch {
                if !final { finish(error) }
                return
            }
            guard let written else { break }
            outboundOffset += written
            lastActivity = Sys.monotonicMilliseconds()
        }
        if outboundOffset == outbound.count {
            outbound.removeAll(keepingCapacity: outbound.count < 1 << 20)
            outboundOffset = 0
        }
        if final || closed { return }
        if pendingOutputBytes > limits.maxPendingOutputBytes {
            finish(ConnectionError("slow reader: more than \(limits.maxPendingOutputBytes) bytes unsent"))
            return
        }
        let want = pendingOutputBytes > 0
        if want != wantsWritable {
            wantsWritable = want
            loop.setWritableInterest(self, want)
        }
    }

    /// Traffic made the session allocate its record buffers: release them once it goes quiet
    /// (the timer is armed once per quiet spell, not per record).
    private func holdBuffersUntilQuiet() {
        guard !buffersHeld else { return }
        buffersHeld = true
        armQuietTimer(afterMilliseconds: limits.releaseBuffersAfterMilliseconds)
    }

    private func armQuietTimer(afterMilliseconds delay: Int64) {
        quietTimer = loop.schedule(afterMilliseconds: max(delay, 1)) { [self] in
            self.quietTimer = nil
            guard !self.closed else { return }
            let quiet = self.limits.releaseBuffersAfterMilliseconds
            let idleFor = Sys.monotonicMilliseconds() - self.lastActivity
            if idleFor < quiet {
                self.armQuietTimer(afterMilliseconds: quiet - idleFor)
            } else if self.session.releaseBuffers() {
                self.buffersHeld = false
            } else {
                // Part of a record waits in the buffer: try again after another quiet spell.
                self.armQuietTimer(afterMilliseconds: quiet)
            }
        }
    }

    private func armIdleTimer() {
        let idle = limits.idleTimeoutMilliseconds
        let due = lastActivity + idle - Sys.monotonicMilliseconds()
        idleTimer = loop.schedule(afterMilliseconds: max(due, 1)) { [self] in
            guard !self.closed else { return }
            if Sys.monotonicMilliseconds() - self.lastActivity >= idle {
                self.close(error: ConnectionError("idle timeout"))
            } else {
                self.armIdleTimer()
            }
        }
    }

    private func finish(_ error: (any Error)?) {
        guard !closed else { return }
        closed = true
        if let t = handshakeTimer { loop.cancel(t) }
        if let t = idleTimer { loop.cancel(t) }
        if let t = partialTimer { loop.cancel(t) }
        if let t = graceTimer { loop.cancel(t) }
        if let t = quietTimer { loop.cancel(t) }
        handshakeTimer = nil
        idleTimer = nil
        partialTimer = nil
        graceTimer = nil
        quietTimer = nil
        loop.deregister(self)
        Sys.close(fileDescriptor)
        // Unsent output is dropped now rather than when the last reference goes.
        outbound = []
        outboundOffset = 0
        let d = delegate
        delegate = nil  // break the connection ↔ delegate cycle
        d?.connectionDidClose(self, error: error)
        onAuthenticated = nil
        onClose?(isAuthenticated)
        onClose = nil
    }

    // MARK: Client side

    /// Opens a TLS connection to `address` on `loop`; the delegate hears when it is active.
    public static func connect(
        to address: SocketAddress, context: TLSContext, loop: EventLoop, limits: ConnectionLimits = ConnectionLimits(),
        delegate: @escaping @Sendable (Connection) -> ConnectionDelegate
    ) throws -> Connection {
        let session = try TLSSession(context: context)
        let family = address.isIPv6 ? AF_INET6 : AF_INET
        let fd = try Sys.call("socket") { socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        do {
            try Sys.setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
            let r = try address.withSockaddr { sa, len in Glibc.connect(fd, sa, len) }
            if r != 0 && errno != EINPROGRESS { throw IOError("connect \(address)", errno: errno) }
        } catch {
            Sys.close(fd)
            throw error
        }
        let c = Connection(fd: fd, loop: loop, session: session, limits: limits, remote: address, connecting: true)
        loop.execute { c.start(delegate: delegate(c)) }
        return c
    }
}
