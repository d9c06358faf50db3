import Logging
import SchedulingCore
import TLS
import WireProtocol

/// What a method handler knows about the call it serves.
public struct CallContext: Sendable {
    public var callID: UInt64
    /// The full method name, e.g. `scheduler.v1.Scheduler/Enqueue`.
    public var method: String
    /// Who is calling; nil only for methods that need no authentication (Health).
    public var principal: Principal?
    public var metadata: [MetadataEntry]
    /// The verified client certificate, with mutual TLS.
    public var peer: PeerIdentity?
    /// When the call's deadline passes (the handler's task is cancelled then).
    public var deadline: Instant
    public var logger: Logger

    /// Throws PERMISSION_DENIED unless the caller may act on `project`.
    public func authorize(project: String) throws(RPCError) {
        guard let principal else {
            throw RPCError(code: .unauthenticated, message: "authentication required")
        }
        guard principal.mayAccess(project: project) else {
            throw RPCError(code: .permissionDenied, message: "\(principal.name) may not act on project \"\(project)\"")
        }
    }

    /// The W3C trace context the caller sent, if any.
    public var traceparent: String? { metadata.first(MetadataKey.traceparent) }
}

/// One RPC method: whether it needs a principal, and its handler (payload in, response out).
///
/// A handler throws ``RPCError`` for outcomes the caller should see; any other error becomes
/// INTERNAL with a generic message (its text goes to the log, never to the caller).
public struct MethodHandler: Sendable {
    public var requiresAuthentication: Bool
    public var handle: @Sendable (CallContext, [UInt8]) async throws -> Frame.Response

    public init(
        requiresAuthentication: Bool = true,
        _ handle: @escaping @Sendable (CallContext, [UInt8]) async throws -> Frame.Response
    ) {
        self.requiresAuthentication = requiresAuthentication
        self.handle = handle
    }
}
