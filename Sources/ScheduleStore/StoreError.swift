import SQLite
import SchedulingCore

/// An error from a store operation.
///
/// The ``Code`` is an open set (a struct with static members, like gRPC's status codes) so new
/// codes can be added without breaking callers. Messages name the offending field or the
/// schedule's current state; they never contain lease tokens or bound SQL arguments.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; maps onto gRPC's canonical status codes.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A request field is missing, malformed or out of range (see ``StoreError/field``).
        public static let invalidArgument = Code(rawValue: "INVALID_ARGUMENT")
        /// The schedule (or conflict) does not exist in this project.
        public static let notFound = Code(rawValue: "NOT_FOUND")
        /// The idempotency key was used before for a different request.
        public static let alreadyExists = Code(rawValue: "ALREADY_EXISTS")
        /// The operation is not allowed in the current state (illegal transition, stale lease,
        /// blocking conflicts). ``StoreError/currentState`` or ``StoreError/conflicts`` say why.
        public static let failedPrecondition = Code(rawValue: "FAILED_PRECONDITION")
        /// Out of room: the disk is full, or a limit such as maxInFlight is reached.
        public static let resourceExhausted = Code(rawValue: "RESOURCE_EXHAUSTED")
        /// The database is locked by another process; try again later.
        public static let unavailable = Code(rawValue: "UNAVAILABLE")
        /// The store is closed.
        public static let cancelled = Code(rawValue: "CANCELLED")
        /// An unexpected failure (see ``StoreError/backendCode``).
        public static let `internal` = Code(rawValue: "INTERNAL")
    }

    public var code: Code
    /// What went wrong, for a person.
    public var message: String
    /// The request field at fault (`priority`, `timeZone`, `platforms[1]`…), for invalidArgument.
    public var field: String?
    /// The schedule's state when a transition was refused.
    public var currentState: ScheduleState?
    /// The blocking conflicts when an enqueue / update / reschedule was refused.
    public var conflicts: [Conflict]
    /// The database's own code for a failure it reported, prefixed with the backend's name:
    /// `sqlite:5` (SQLite's primary result code, here SQLITE_BUSY), or a PostgreSQL SQLSTATE
    /// (`postgres:40001`). For logs and diagnosis; decide on ``code``.
    public var backendCode: String?

    public init(
        code: Code, message: String, field: String? = nil, currentState: ScheduleState? = nil,
        conflicts: [Conflict] = [], backendCode: String? = nil
    ) {
        self.code = code
        self.message = message
        self.field = field
        self.currentState = currentState
        self.conflicts = conflicts
        self.backendCode = backendCode
    }

    public var description: String {
        var s = "\(code.rawValue): \(message)"
        if let field { s += " [field \(field)]" }
        if let backendCode { s += " [\(backendCode)]" }
        return s
    }

    /// A bad request field.
    public static func invalidArgument(_ field: String, _ message: String) -> StoreError {
        StoreError(code: .invalidArgument, message: "\(field): \(message)", field: field)
    }

    /// A missing schedule or conflict.
    public static func notFound(_ what: String) -> StoreError {
        StoreError(code: .notFound, message: "\(what) not found")
    }

    /// A refused transition, naming the current state.
    public static func illegal(_ t: IllegalTransition) -> StoreError {
        StoreError(code: .failedPrecondition, message: t.description, currentState: t.current)
    }

    /// A lease token that does not match the item's current lease.
    public static func staleLease(_ state: ScheduleState) -> StoreError {
        StoreError(
            code: .failedPrecondition,
            message: "lease token does not match the current lease (schedule is \(state))", field: "leaseToken",
            currentState: state)
    }

    /// An Enqueue refused by the project's capacity limit, naming the limit and the count.
    public static func capacity(project: String, pending: Int, limit: Int) -> StoreError {
        StoreError(
            code: .resourceExhausted,
            message:
                "project \"\(project)\" has \(pending) pending schedules (PENDING, QUEUED, PROCESSING or PAUSED), "
                + "at its limit of \(limit): let some publish, or cancel some, before enqueueing more")
    }

    /// Maps an SQLite failure: full disk → resourceExhausted, busy/locked → unavailable.
    static func sqlite(_ e: SQLiteError) -> StoreError {
        let code: Code
        switch e.code.primary {
        case .full: code = .resourceExhausted
        case .busy, .locked: code = .unavailable
        default: code = .internal
        }
        return StoreError(code: code, message: "database: \(e.message)", backendCode: "sqlite:\(e.code.primary.rawValue)")
    }

    /// Any error as a StoreError.
    static func wrap(_ error: any Error) -> StoreError {
        switch error {
        case let e as StoreError: e
        case let e as SQLiteError: .sqlite(e)
        case let e as IllegalTransition: .illegal(e)
        default: StoreError(code: .internal, message: String(describing: error))
        }
    }
}
