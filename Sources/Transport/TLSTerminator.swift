import Synchronization
import TLS

/// Terminates TLS in process for a plain-TCP server on this machine: accepts TLS connections on
/// an address, and for each one that completes its handshake opens a plain connection to the
/// backend address and copies bytes both ways. It does not parse what it forwards.
///
/// The backend learns who each connection is by asking ``peer(connectedFrom:)`` with the source
/// address it sees: the terminator records every connection it opens to the backend (its source
/// address, chosen by the connect call before any byte is sent) with the TLS peer's address and
/// verified certificate, and forgets it before that socket is closed. A connection to the backend
/// from anywhere else has no record, so the backend can refuse it.
///
/// Bounded like the RPC server: connections in all and handshakes in progress (in all and per
/// source address) are capped at accept, a handshake has a timeout, an idle connection is closed,
/// and bytes waiting for either side are capped (the side that stops reading is disconnected).
public final class TLSTerminator: Sendable {
    /// Limits, with defaults for a web console used by a few people.
    public struct Limits: Sendable, Hashable {
        /// Per-connection limits: TLS handshake timeout (default 10 s), idle timeout (default
        /// 120 s here), encrypted bytes waiting for a slow reader (default 8 MiB), time for a
        /// started TLS record to complete (default 30 s).
        public var connection: ConnectionLimits
        /// Connections open at once; more are closed right after accept. Default 512.
        public var maxConnections = 512
        /// Connections still in their TLS handshake at once; more are closed right after
        /// accept. Default 64.
        public var maxHandshakes = 64
        /// Connections still in their TLS handshake from one source address. Default 16.
        public var maxHandshakesPerAddress = 16
        /// Bytes received from the TLS peer and not yet taken by the backend; past this the
        /// connection is closed. Default 1 MiB.
        public var maxPendingBackendBytes = 1 << 20

        /// The defaults.
        public init() {
            connection = ConnectionLimits()
            connection.idleTimeoutMilliseconds = 120_000
        }
    }

    /// What the terminator knows about one connection it forwards.
    public struct Peer: Sendable, Hashable {
        /// The TLS client's address.
        public var remoteAddress: SocketAddress?
        /// The client certificate's identity, when the client presented one that verified.
        public var identity: PeerIdentity?
        /// Why the client certificate the client presented did not verify, when it did not.
        public var certificateProblem: String?
        /// "TLSv1.3" or "TLSv1.2".
        public var protocolVersion: String
    }

    /// The address TLS is served on (the real port when 0 was asked for).
    public let localAddress: SocketAddress
    /// Where decrypted bytes go.
    public let backend: SocketAddress
    private let group: EventLoopGroup
    private let listener: Listener
    private let forwarded: ForwardedTable

    /// Binds `address` and starts forwarding to `backend` on `loops` event loops of its own.
    public init(
        address: SocketAddress, backend: SocketAddress, context: TLSContext, limits: Limits = Limits(), loops: Int = 1
    ) throws(IOError) {
        let group = try EventLoopGroup(count: loops)
        let forwarded = ForwardedTable()
        do {
            listener = try Listener(
                address: address, group: group, context: { context }, limits: limits.connection,
                maxConnections: limits.maxConnections, maxUnauthenticated: limits.maxHandshakes,
                maxUnauthenticatedPerAddress: limits.maxHandshakesPerAddress
            ) { _ in
                Forwarder(backend: backend, forwarded: forwarded, maxPendingBackendBytes: limits.maxPendingBackendBytes)
            }
        } catch {
            group.shutdown()
            throw error
        }
        self.group = group
        self.forwarded = forwarded
        self.backend = backend
        localAddress = listener.localAddress
    }

    /// The TLS peer behind the backend connection whose source address is `address`, while that
    /// connection is open; nil for a connection the terminator did not make.
    public func peer(connectedFrom address: SocketAddress) -> Peer? {
        forwarded.peers.withLock { $0[address] }
    }

    /// TLS connections open now (handshaking included).
    public var connectionCount: Int { listener.connectionCount }
    /// Connections refused at accept by a limit.
    public var refusedCount: Int { listener.refusedCount }

    /// Stops accepting, closes every connection and stops the event loops (waits for their threads).
    public func close() {
        listener.close()
        group.shutdown()
    }
}

/// The terminator's record of its open backend connections, by source address.
private final class ForwardedTable: Sendable {
    let peers = Mutex<[SocketAddress: TLSTerminator.Peer]>([:])
}

/// One TLS connection's forwarding, on its event loop: the plain leg opens once the handshake
/// completes, and whichever side ends first ends the other.
private final class Forwarder: ConnectionDelegate {
    let backend: SocketAddress
    let forwarded: ForwardedTable
    let maxPendingBackendBytes: Int
    var stream: PlainStream?

    init(backend: SocketAddress, forwarded: ForwardedTable, maxPendingBackendBytes: Int) {
        self.backend = backend
        self.forwarded = forwarded
        self.maxPendingBackendBytes = maxPendingBackendBytes
    }

    func connectionDidBecomeActive(_ connection: Connection) {
        // Past the handshake the connection leaves the listener's handshake caps; the backend
        // decides what the peer may do.
        connection.markAuthenticated()
        let stream: PlainStream
        do {
            stream = try PlainStream.connect(
                to: backend, loop: connection.loop, maxPendingBytes: maxPendingBackendBytes)
        } catch {
            connection.close(error: error)
            return
        }
        let source = stream.localAddress
        let peer = TLSTerminator.Peer(
            remoteAddress: connection.remoteAddress, identity: connection.peerIdentity,
            certificateProblem: connection.peerCertificateProblem, protocolVersion: connection.protocolVersion)
        // Recorded before any byte reaches the backend, so its first request finds it.
        forwarded.peers.withLock { $0[source] = peer }
        stream.onBytes = { [weak connection] bytes in connection?.send(bytes) }
        stream.onClose = { [forwarded, weak connection] error in
            forwarded.peers.withLock { $0[source] = nil }
            connection?.close(error: error)
        }
        self.stream = stream
    }

    func connection(_ connection: Connection, didReceive bytes: [UInt8]) {
        stream?.send(bytes)
    }

    func connectionDidClose(_ connection: Connection, error: (any Error)?) {
        stream?.close()
        stream = nil
    }
}
