/// The error of a call as it crosses the wire: a canonical status code, a message for people,
/// and structured details (bad fields, conflicts, retry advice).
///
/// Messages never contain secrets (tokens, credentials).
public struct RPCError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The status code; never `.ok`.
    public var code: StatusCode
    /// A human-readable explanation, e.g. "enqueue.platforms[1]: empty".
    public var message: String
    /// Structured details.
    public var details: ErrorDetails

    /// Creates an error.
    public init(code: StatusCode, message: String, details: ErrorDetails = ErrorDetails()) {
        self.code = code
        self.message = message
        self.details = details
    }

    /// An INVALID_ARGUMENT error naming one field: message "`field`: `description`".
    public static func invalidArgument(field: String, _ description: String) -> RPCError {
        RPCError(
            code: .invalidArgument,
            message: "\(field): \(description)",
            details: ErrorDetails(fieldViolations: [FieldViolation(field: field, description: description)])
        )
    }

    public var description: String { "\(code.name): \(message)" }
}

/// Structured details of a non-OK response (`Response.conflicts`, `field_violations`, `retry_info`).
public struct ErrorDetails: Hashable, Sendable {
    /// Conflicts that blocked the operation (FAILED_PRECONDITION on Enqueue / Update / Reschedule).
    public var conflicts: [SchedulerV1.Conflict]
    /// Bad request fields (INVALID_ARGUMENT).
    public var fieldViolations: [FieldViolation]
    /// When to retry (RESOURCE_EXHAUSTED, UNAVAILABLE).
    public var retryInfo: RetryInfo?

    /// Creates details; all parts empty by default.
    public init(
        conflicts: [SchedulerV1.Conflict] = [],
        fieldViolations: [FieldViolation] = [],
        retryInfo: RetryInfo? = nil
    ) {
        self.conflicts = conflicts
        self.fieldViolations = fieldViolations
        self.retryInfo = retryInfo
    }

    /// Whether there are no details at all.
    public var isEmpty: Bool { conflicts.isEmpty && fieldViolations.isEmpty && retryInfo == nil }
}

