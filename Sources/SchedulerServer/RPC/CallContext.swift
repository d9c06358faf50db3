import Logging
import Synchronization
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
    /// The connection's logger, without the call's metadata.
    var connectionLogger: Logger

    /// The connection's logger with the call's metadata: `rpc.call_id`, `rpc.method`,
    /// `auth.principal` and `trace.parent` when known. Built on use: most calls never log, and
    /// adding four metadata entries to a logger per call showed in the profile.
    public var logger: Logger {
        var logger = connectionLogger
        logger[metadataKey: "rpc.call_id"] = "\(callID)"
        logger[metadataKey: "rpc.method"] = "\(method)"
        if let p = principal { logger[metadataKey: "auth.principal"] = "\(p.name)" }
        if let trace = traceparent { logger[metadataKey: "trace.parent"] = "\(trace)" }
        return logger
    }
    /// Metadata a handler adds for the call's closing log line (e.g. `rpc.project`).
    public let annotations = CallAnnotations()

    /// Throws PERMISSION_DENIED unless the caller may act on `project`; records the project for the log.
    public func authorize(project: String) throws(RPCError) {
        annotations.set("rpc.project", project)
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

/// Log metadata gathered while a call runs; thread-safe.
public final class CallAnnotations: Sendable {
    private let values = Mutex<Logger.Metadata>([:])

    public func set(_ key: String, _ value: String) {
        values.withLock { $0[key] = .string(value) }
    }

    public var metadata: Logger.Metadata { values.withLock { $0 } }
}

/// One RPC method: whether it needs a principal, and its handler (payload in, response out).
///
/// A handler throws ``RPCError`` for outcomes the caller should see; any other error becomes
/// INTERNAL with a generic message (its text goes to the log, never to the caller).
///
/// Handlers run on the event loop of the call's connection, between its I/O events: they must
/// not block, and work that computes for milliseconds without awaiting should move to the global
/// pool (`withTaskExecutorPreference(globalConcurrentExecutor) { … }`).
public struct MethodHandler: Sendable {
    public var requiresAuthentication: Bool
    public var handle: @Sendable (CallContext, [UInt8]) async throws -> Frame.Response
    /// Set for a method that answers without awaiting anything (Health): the connection calls it
    /// on its loop as the request arrives and sends the answer at once, with no task, deadline
    /// timer or call context (a task per call was a third of a Health call's server time).
    public var immediate: (@Sendable ([UInt8]) throws(RPCError) -> Frame.Response)?

    public init(
        requiresAuthentication: Bool = true,
        _ handle: @escaping @Sendable (CallContext, [UInt8]) async throws -> Frame.Response
    ) {
        self.requiresAuthentication = requiresAuthentication
        self.handle = handle
        self.immediate = nil
    }

    /// A method answered on the connection's loop: it must not block and should take
    /// microseconds. ``handle`` calls the same closure.
    public init(
        requiresAuthentication: Bool = true,
        immediate: @escaping @Sendable ([UInt8]) throws(RPCError) -> Frame.Response
    ) {
        self.requiresAuthentication = requiresAuthentication
        self.handle = { _, bytes in try immediate(bytes) }
        self.immediate = immediate
    }
}
