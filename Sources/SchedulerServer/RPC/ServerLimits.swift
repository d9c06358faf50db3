import Transport
import WireProtocol

/// Limits of the RPC server. Every default is documented in docs/OPERATIONS.md.
public struct ServerLimits: Sendable, Hashable {
    /// Largest frame accepted or sent, checked before buffering. Default 4 MiB.
    public var maxFrameSize: Int = Limits.defaultMaxFrameSize
    /// Connections open at once; more are closed right after accept. Default 10,000.
    public var maxConnections: Int = 10_000
    /// Calls in flight on one connection; a further call gets RESOURCE_EXHAUSTED. Default 128.
    public var maxInFlightPerConnection: Int = 128
    /// Deadline applied when a request carries none, and the cap on any deadline. Default 60 s.
    public var maxDeadlineMilliseconds: UInt64 = 60_000
    /// Per-connection transport limits (handshake timeout 10 s, idle timeout 300 s, 8 MiB unsent output).
    public var connection = ConnectionLimits()
    /// Requests per second per principal (token bucket). Default 1,000, burst 2,000.
    public var ratePerSecond: Double = 1000
    public var rateBurst: Double = 2000

    public init() {}
}
