import Transport
import WireProtocol

/// Limits of the RPC server. Every default is documented in docs/OPERATIONS.md.
public struct ServerLimits: Sendable, Hashable {
    /// Largest frame accepted or sent, checked before buffering. Default 4 MiB.
    public var maxFrameSize: Int = Limits.defaultMaxFrameSize
    /// Connections open at once; more are closed right after accept. Default 10,000.
    public var maxConnections: Int = 10_000
    /// Unauthenticated connections open at once: from accept, through the TLS handshake, until
    /// the connection's first call with valid credentials (a token, or a mapped client
    /// certificate). More are closed right after accept, so the rest of `maxConnections` stays for
    /// clients that authenticated. Nil (the default): a quarter of `maxConnections` (2,500).
    public var maxUnauthenticatedConnections: Int? = nil
    /// Unauthenticated connections open at once from one source address. Default 64.
    public var maxUnauthenticatedConnectionsPerAddress: Int = 64
    /// Calls in flight on one connection; a further call gets RESOURCE_EXHAUSTED. Default 128.
    public var maxInFlightPerConnection: Int = 128
    /// Deadline applied when a request carries none, and the cap on any deadline. Default 60 s.
    public var maxDeadlineMilliseconds: UInt64 = 60_000
    /// Per-connection transport limits (handshake timeout 10 s, idle timeout 300 s, 8 MiB unsent
    /// output, 30 s for a frame to complete once its first bytes arrived).
    public var connection = ConnectionLimits()
    /// Requests per second per principal (token bucket). Default 1,000, burst 2,000.
    public var ratePerSecond: Double = 1000
    public var rateBurst: Double = 2000
    /// Calls without a valid principal (Health, unknown methods, calls whose credentials fail)
    /// per second per source address (token bucket): further ones get RESOURCE_EXHAUSTED, and a
    /// connection that has had a whole burst of them refused is closed with go-away.
    /// Default 100 per second, burst 200.
    public var unauthenticatedRatePerSecond: Double = 100
    public var unauthenticatedRateBurst: Double = 200

    /// `maxUnauthenticatedConnections`, or its default of a quarter of `maxConnections`.
    public var effectiveMaxUnauthenticatedConnections: Int {
        maxUnauthenticatedConnections ?? max(1, maxConnections / 4)
    }

    public init() {}
}
