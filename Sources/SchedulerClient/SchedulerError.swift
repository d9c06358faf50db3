import WireProtocol

/// An RPC that ended with an error status: the code, the server's message and its details
/// (the conflicts that refused an enqueue, the fields that were invalid, when to retry).
public struct SchedulerError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: StatusCode
    public var message: String
    public var details: ErrorDetails

    public init(code: StatusCode, message: String, details: ErrorDetails = ErrorDetails()) {
        self.code = code
        self.message = message
        self.details = details
    }

    init(_ e: RPCError) {
        self.init(code: e.code, message: e.message, details: e.details)
    }

    /// The conflicts that refused an Enqueue, Update or Reschedule.
    public var conflicts: [SchedulerV1.Conflict] { details.conflicts }
    /// The first invalid field's path, e.g. `enqueue.platforms[1]`.
    public var field: String? { details.fieldViolations.first?.field }

    /// "INVALID_ARGUMENT: enqueue.priority: 11 out of range 1…10"
    public var description: String { "\(code.name): \(message)" }
}
