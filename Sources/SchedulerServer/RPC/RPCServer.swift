import Logging
import SchedulingCore
import Synchronization
import TLS
import Transport
import WireProtocol

/// The RPC server: a listener on an event loop group, TLS, a method table, authentication,
/// rate limiting, certificate reload and graceful drain. Knows nothing of scheduling; the
/// ``SchedulerService`` fills the method table.
public final class RPCServer: Sendable {
    public let limits: ServerLimits
    /// The method table, each entry with its metrics (made once, so a call looks up one entry).
    let methods: [String: Method]
    /// Where calls, connections, handshakes and go-aways are counted.
    let metrics: ServerMetrics
    let authenticator: Authenticator
    let rateLimiter: RateLimiter
    /// Calls without a valid principal, per source address.
    let unauthenticatedRateLimiter: RateLimiter
    let clock: any WallClock
    let logger: Logger
    private let group: EventLoopGroup
    private let tls: Mutex<TLSContext>
    private let tlsConfiguration: TLSConfiguration
    private let listener: Mutex<Listener?> = Mutex(nil)
    private let connections = Mutex<[UInt64: (Connection, RPCConnection)]>([:])
    private let draining = Atomic<Bool>(false)
    private let callsInFlight = Atomic<Int>(0)
    private let closedConnections = Atomic<Int>(0)

    /// The bound address (with the real port when 0 was asked for), once started.
    public var localAddress: SocketAddress? { listener.withLock { $0?.localAddress } }
    /// Whether a drain has begun (Health then reports NOT_SERVING).
    public var isDraining: Bool { draining.load(ordering: .relaxed) }
    /// Open connections.
    public var connectionCount: Int { connections.withLock { $0.count } }
    /// Open connections that have made no call with valid credentials yet (handshaking included).
    public var unauthenticatedConnectionCount: Int { listener.withLock { $0?.unauthenticatedCount ?? 0 } }
    /// Connections refused at accept by `maxConnections` or the unauthenticated limits.
    public var refusedConnectionCount: Int { listener.withLock { $0?.refusedCount ?? 0 } }
    /// Calls being handled now, over all connections.
    public var inFlightCount: Int { callsInFlight.load(ordering: .relaxed) }
    /// Connections closed since the server started, for whatever reason.
    public var closedConnectionCount: Int { closedConnections.load(ordering: .relaxed) }

    public init(
        tls: TLSConfiguration, methods: [String: MethodHandler], authenticator: Authenticator,
        limits: ServerLimits = ServerLimits(), loops: Int = 2, clock: any WallClock = SystemClock(),
        metrics: ServerMetrics = ServerMetrics(), logger: Logger
    ) throws {
        var tlsConfiguration = tls
        tlsConfiguration.alpnProtocols = [ALPN.protocolID]
        tlsConfiguration.requireALPN = true
        self.tlsConfiguration = tlsConfiguration
        self.tls = Mutex(try TLSContext(configuration: tlsConfiguration))
        self.methods = Dictionary(
            uniqueKeysWithValues: methods.map { path, handler in (path, Method(handler: handler, metrics: metrics.method(path))) })
        self.metrics = metrics
        self.authenticator = authenticator
        self.limits = limits
        self.clock = clock
        self.logger = logger
        self.rateLimiter = RateLimiter(ratePerSecond: limits.ratePerSecond, burst: limits.rateBurst, clock: clock)
        self.unauthenticatedRateLimiter = RateLimiter(
            ratePerSecond: limits.unauthenticatedRatePerSecond, burst: limits.unauthenticatedRateBurst, clock: clock)
        self.group = try EventLoopGroup(count: loops)
    }

    /// Binds and starts accepting connections.
    public func start(address: SocketAddress) throws {
        let l = try Listener(
            address: address, group: group, context: { [self] in self.tls.withLock { $0 } }, limits: limits.connection,
            maxConnections: limits.maxConnections, maxUnauthenticated: limits.effectiveMaxUnauthenticatedConnections,
            maxUnauthenticatedPerAddress: limits.maxUnauthenticatedConnectionsPerAddress
        ) { [self] connection in
            metrics.connectionsAccepted.increment()
            let rpc = RPCConnection(connection: connection, server: self)
            connections.withLock { $0[connection.id] = (connection, rpc) }
            return rpc
        }
        listener.withLock { $0 = l }
        logger.info("listening", metadata: ["listen": "\(l.localAddress)", "tls.alpn": "\(ALPN.protocolID)"])
    }

    /// Re-reads the certificate, key and client CA files. New connections use them; open
    /// connections keep theirs. On failure the old context stays and the error is returned.
    public func reloadCertificates() throws {
        let fresh = try TLSContext(configuration: tlsConfiguration)
        tls.withLock { $0 = fresh }
        logger.info("TLS certificates reloaded")
    }

    /// Closes every open connection at once, without go-away: clients see a lost connection.
    /// For fault drills (and the tests that prove retries after a dropped connection are safe).
    public func disconnectAll() {
        for (connection, _) in connections.withLock({ Array($0.values) }) {
            connection.loop.execute { connection.close(error: ConnectionError("disconnected by the server")) }
        }
    }

    func unregister(_ id: UInt64) {
        if connections.withLock({ $0.removeValue(forKey: id) }) != nil {
            closedConnections.add(1, ordering: .relaxed)
        }
    }

    /// A method table entry: the handler and its metrics.
    struct Method: Sendable {
        let handler: MethodHandler
        let metrics: MethodMetrics
    }

    /// The metrics of the method a call names (the "unknown" entry for names not in the table).
    func methodMetrics(_ path: String) -> MethodMetrics { methods[path]?.metrics ?? metrics.unknownMethod }

    func callStarted() { callsInFlight.add(1, ordering: .relaxed) }
    func callFinished() { callsInFlight.subtract(1, ordering: .relaxed) }

    /// Graceful shutdown: stop accepting, send go-away on every connection, let in-flight calls
    /// finish for up to `timeoutMilliseconds`, then close what is left and stop the loops.
    /// Returns the number of calls that were still running at the deadline (0 = nothing lost).
    @discardableResult
    public func drain(timeoutMilliseconds: Int64 = 20_000) async -> Int {
        draining.store(true, ordering: .relaxed)
        listener.withLock { $0?.close() }
        for (connection, rpc) in connections.withLock({ Array($0.values) }) {
            connection.loop.execute { rpc.startGoAway(reason: "server is shutting down", code: .unavailable) }
        }
        let deadline = ContinuousClock.now + .milliseconds(timeoutMilliseconds)
        while connectionCount > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let abandoned = inFlightCount
        for (connection, _) in connections.withLock({ Array($0.values) }) {
            connection.loop.execute { connection.close(error: ConnectionError("drain timeout")) }
        }
        group.shutdown()
        logger.info("drained", metadata: ["calls.abandoned": "\(abandoned)"])
        return abandoned
    }
}
