import WireProtocol

/// An RPC that ended with an error status: the code, the server's message and its details
/// (the conflicts that refused an enqueue, the fields that were invalid, when to retry), and
/// ``cause``: how far the call got, which decides whether sending it again is safe.
public struct SchedulerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The canonical status code, e.g. `StatusCode.notFound`.
    public var code: StatusCode
    /// A message for people: the server's, or the client's when the call was not answered. Never
    /// decide by its text; use ``code``, ``cause`` and ``details``.
    public var message: String
    /// The structured details: conflicts, field violations, retry info.
    public var details: ErrorDetails
    /// How far the call got before it failed. ``SchedulerClient`` decides its retries from this,
    /// never from ``message``; callers deciding whether to repeat a mutating call should too.
    public var cause: Cause

    /// An error; `cause` defaults to ``Cause/answered`` (the server sent this status).
    public init(code: StatusCode, message: String, details: ErrorDetails = ErrorDetails(), cause: Cause = .answered) {
        self.code = code
        self.message = message
        self.details = details
        self.cause = cause
    }

    init(_ e: RPCError, cause: Cause) {
        self.init(code: e.code, message: e.message, details: e.details, cause: cause)
    }

    /// The conflicts that refused an Enqueue, Update or Reschedule.
    public var conflicts: [SchedulerV1.Conflict] { details.conflicts }
    /// The first invalid field's path, e.g. `enqueue.platforms[1]`.
    public var field: String? { details.fieldViolations.first?.field }

    /// "INVALID_ARGUMENT: enqueue.priority: 11 out of range 1…10"
    public var description: String { "\(code.name): \(message)" }

    /// The error as it would cross the wire (code, message, details; the cause is local knowledge).
    var rpcError: RPCError { RPCError(code: code, message: message, details: details) }

    /// How far a failed call got: whether the server can have acted on it.
    ///
    /// A struct rather than an enum so that later kinds can be added without breaking callers.
    public struct Cause: Hashable, Sendable, CustomStringConvertible {
        private let rawValue: UInt8
        private init(_ rawValue: UInt8) { self.rawValue = rawValue }

        /// The server answered the call with this status (or with a response this client could not
        /// read). What the server did is what the status says.
        public static let answered = Cause(0)
        /// The request never reached a server that acted on it: no connection could be made, the
        /// connection was already closed or closing, the request could not be encoded, the deadline
        /// passed before it was written, or the server's go-away said it stopped before this call.
        /// Sending it again is safe whatever the method.
        public static let notSent = Cause(1)
        /// The request was written but no answer came: the connection was lost, the deadline passed
        /// or the caller cancelled. The server may have acted on it.
        public static let sentNoAnswer = Cause(2)

        /// "answered", "not sent" or "sent, no answer".
        public var description: String {
            switch rawValue {
            case 0: "answered"
            case 1: "not sent"
            default: "sent, no answer"
            }
        }
    }
}
