internal import CPostgreSQL

/// An error from PostgreSQL or from libpq.
///
/// Carries the SQLSTATE ``code`` (compare with the static members: `error.code == .uniqueViolation`;
/// never match errors by message text), the primary ``message`` and, when the server sent them,
/// ``detail``, ``hint`` and the ``constraint`` name. The SQL text is kept; bound parameters never are.
///
/// ``description`` (what logs print) leaves out ``detail``, which for constraint errors quotes the
/// offending row's values (`Key (k)=(…) already exists.`), and cuts the quoted input out of data
/// exceptions' messages (`invalid input syntax for type integer: "…"`): both may hold user data.
public struct PostgreSQLError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A SQLSTATE code: five characters, the first two naming the class (`23` integrity constraint
    /// violation, `40` transaction rollback, `08` connection exception…). Extensible: any code the
    /// server sends is representable; the static members name the ones the store acts on.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
        /// The five-character SQLSTATE, e.g. `23505`.
        public var rawValue: String

        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }

        /// The class: the first two characters (`08` for every connection exception).
        public var errorClass: Substring { rawValue.prefix(2) }

        public var description: String { rawValue }

        // Class 08: connection exception. libpq reports no SQLSTATE for a failed connect or a
        // lost connection; the wrapper assigns 08001 and 08006 then, as JDBC drivers do.
        public static let connectionException: Code = "08000"
        public static let sqlClientUnableToEstablishConnection: Code = "08001"
        public static let connectionDoesNotExist: Code = "08003"
        public static let serverRejectedConnection: Code = "08004"
        public static let connectionFailure: Code = "08006"
        public static let protocolViolation: Code = "08P01"
        // Class 0A
        public static let featureNotSupported: Code = "0A000"
        // Class 22: data exception
        public static let dataException: Code = "22000"
        public static let numericValueOutOfRange: Code = "22003"
        public static let nullValueNotAllowed: Code = "22004"
        public static let invalidParameterValue: Code = "22023"
        public static let invalidTextRepresentation: Code = "22P02"
        // Class 23: integrity constraint violation
        public static let notNullViolation: Code = "23502"
        public static let foreignKeyViolation: Code = "23503"
        public static let uniqueViolation: Code = "23505"
        public static let checkViolation: Code = "23514"
        public static let exclusionViolation: Code = "23P01"
        // Class 25: invalid transaction state
        public static let activeSQLTransaction: Code = "25001"
        public static let readOnlySQLTransaction: Code = "25006"
        public static let noActiveSQLTransaction: Code = "25P01"
        public static let inFailedSQLTransaction: Code = "25P02"
        public static let idleInTransactionSessionTimeout: Code = "25P03"
        // Class 28: invalid authorization specification
        public static let invalidAuthorizationSpecification: Code = "28000"
        public static let invalidPassword: Code = "28P01"
        // Class 40: transaction rollback
        public static let serializationFailure: Code = "40001"
        public static let deadlockDetected: Code = "40P01"
        // Class 42: syntax error or access rule violation
        public static let insufficientPrivilege: Code = "42501"
        public static let syntaxError: Code = "42601"
        public static let undefinedColumn: Code = "42703"
        public static let undefinedObject: Code = "42704"
        public static let undefinedTable: Code = "42P01"
        public static let duplicateSchema: Code = "42P06"
        public static let duplicateTable: Code = "42P07"
        // Class 53: insufficient resources
        public static let insufficientResources: Code = "53000"
        public static let diskFull: Code = "53100"
        public static let outOfMemory: Code = "53200"
        public static let tooManyConnections: Code = "53300"
        // Class 55: object not in prerequisite state
        public static let lockNotAvailable: Code = "55P03"
        // Class 57: operator intervention
        public static let queryCanceled: Code = "57014"
        public static let adminShutdown: Code = "57P01"
        public static let crashShutdown: Code = "57P02"
        public static let cannotConnectNow: Code = "57P03"
        // Class XX
        public static let internalError: Code = "XX000"
    }

    /// The SQLSTATE code.
    public var code: Code
    /// The primary message (`MESSAGE_PRIMARY`), or libpq's message when the server sent none.
    public var message: String
    /// The server's `DETAIL`. May quote row values: not part of ``description``.
    public var detail: String?
    /// The server's `HINT`.
    public var hint: String?
    /// The constraint violated, for class 23 errors (e.g. `schedules_idempotency_key_key`).
    public var constraint: String?
    /// The statement's SQL text, without its parameters, when a statement was involved.
    public var sql: String?
    /// Whether the server sent the code; false for errors libpq or this wrapper made up
    /// (a refused connection, a NULL read as a non-optional value…).
    public var isFromServer: Bool
    /// Whether the connection is unusable or could not be made: the caller should answer
    /// UNAVAILABLE and reconnect. True for class 08, for 57P01–57P03 (the server is shutting
    /// down or restarting) and whenever libpq reported the connection bad after the failure.
    public var isConnectionError: Bool
    /// Whether the connection failed in the round trip that opened a transaction (its deferred
    /// BEGIN, with the statements that rode along, COMMIT not among them): none of the
    /// transaction can have taken effect, so it may be run again whole on a new connection.
    public var failedBeforeTransaction = false

    public init(
        code: Code, message: String, detail: String? = nil, hint: String? = nil, constraint: String? = nil,
        sql: String? = nil, isFromServer: Bool = false, isConnectionError: Bool? = nil
    ) {
        self.code = code
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.sql = sql
        self.isFromServer = isFromServer
        self.isConnectionError =
            isConnectionError
            ?? (code.errorClass == "08" || [.adminShutdown, .crashShutdown, .cannotConnectNow].contains(code))
    }

    /// Whether running the whole transaction again may succeed: a serialization failure (40001)
    /// or a deadlock (40P01), where PostgreSQL rolled the transaction back.
    public var isRetryableTransactionFailure: Bool { code == .serializationFailure || code == .deadlockDetected }

    /// Whether the server refused a feature (0A000), which it does to a cached prepared statement
    /// whose result columns changed type since it was prepared ("cached plan must not change
    /// result type": another node migrated the schema). Preparing the statements again mends it;
    /// the statement was not run.
    public var mayBeStalePreparedStatement: Bool { code == .featureNotSupported }

    public var description: String {
        var s = "PostgreSQL error \(code.rawValue)"
        if !isFromServer { s += " (client)" }
        s += ": \(PostgreSQLError.redacted(message, code: code))"
        if let constraint { s += " [constraint \(constraint)]" }
        if let hint { s += " (hint: \(hint))" }
        if let sql { s += " — in \(sql)" }
        if isConnectionError { s += " [connection error]" }
        return s
    }

    /// The message without a quoted input value: data exceptions (class 22) end with the
    /// value that failed to parse (`invalid input syntax for type uuid: "…"`), which may be a
    /// bound parameter.
    static func redacted(_ message: String, code: Code) -> String {
        guard code.errorClass == "22", let range = message.firstRange(of: ": \"") else { return message }
        return message[..<range.lowerBound] + ": \"…\""
    }
}

// MARK: The one checker

/// The one result checker: reads `PQresultStatus` and the error fields of `result` (or
/// `PQerrorMessage` and `PQstatus` when there is no result) before anything else runs on the
/// connection, frees a failed result, and returns a successful one.
///
/// Successful statuses: COMMAND_OK, TUPLES_OK, EMPTY_QUERY, SINGLE_TUPLE, PIPELINE_SYNC.
func check(_ result: OpaquePointer?, _ conn: OpaquePointer, sql: String?) throws(PostgreSQLError) -> OpaquePointer {
    guard let result else { throw connectionError(conn, sql: sql) }
    switch PQresultStatus(result) {
    case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_SINGLE_TUPLE, PGRES_PIPELINE_SYNC:
        return result
    default:
        let error = makeError(result, conn, sql: sql)
        PQclear(result)
        throw error
    }
}

/// The error a failed result describes. Does not free `result`.
func makeError(_ result: OpaquePointer, _ conn: OpaquePointer?, sql: String?) -> PostgreSQLError {
    func field(_ code: Int32) -> String? {
        guard let p = PQresultErrorField(result, code) else { return nil }
        return String(cString: p)
    }
    let broken = conn.map { PQstatus($0) == CONNECTION_BAD } ?? false
    let status = PQresultStatus(result)
    if status == PGRES_PIPELINE_ABORTED {
        return PostgreSQLError(
            code: .inFailedSQLTransaction, message: "not run: an earlier statement of the pipeline failed", sql: sql,
            isConnectionError: broken ? true : nil)
    }
    if let state = field(cpostgresql_diag_sqlstate()) {
        return PostgreSQLError(
            code: PostgreSQLError.Code(rawValue: state),
            message: field(cpostgresql_diag_message_primary()) ?? cleaned(PQresultErrorMessage(result)),
            detail: field(cpostgresql_diag_message_detail()),
            hint: field(cpostgresql_diag_message_hint()),
            constraint: field(cpostgresql_diag_constraint_name()),
            sql: sql,
            isFromServer: true,
            isConnectionError: broken ? true : nil)
    }
    // No SQLSTATE: libpq made the result itself (lost connection, protocol trouble, COPY).
    var message = cleaned(PQresultErrorMessage(result))
    if message.isEmpty, let conn { message = cleaned(PQerrorMessage(conn)) }
    if message.isEmpty { message = "unexpected result status \(String(cString: PQresStatus(status)))" }
    return PostgreSQLError(
        code: broken ? .connectionFailure : .protocolViolation, message: message, sql: sql, isConnectionError: broken)
}

/// The error for a call that returned no result (or failed to send): libpq's connection message.
func connectionError(_ conn: OpaquePointer, sql: String?) -> PostgreSQLError {
    let broken = PQstatus(conn) == CONNECTION_BAD
    var message = cleaned(PQerrorMessage(conn))
    if message.isEmpty { message = broken ? "the connection to the server was lost" : "no result from the server" }
    return PostgreSQLError(
        code: broken ? .connectionFailure : .protocolViolation, message: message, sql: sql, isConnectionError: broken)
}

/// libpq's messages end with a newline and continue lines with "\n\t": one line for logs.
func cleaned(_ p: UnsafePointer<CChar>?) -> String {
    guard let p else { return "" }
    return String(cString: p)
        .split(whereSeparator: { $0 == "\n" || $0 == "\r" })
        .map { $0.trimmingCharacters(in: "\t ") }
        .filter { !$0.isEmpty }
        .joined(separator: " ")
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var s = self
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return s
    }
}
