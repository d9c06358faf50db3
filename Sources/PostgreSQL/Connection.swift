internal import CPostgreSQL

/// One PostgreSQL connection (libpq). Owns its `PGconn*`.
///
/// Every call blocks the calling thread until the server answers (libpq's synchronous API): run
/// connections on threads of their own, never on Swift's cooperative pool, as the store does for
/// SQLite. A connection is confined to one thread at a time and is not `Sendable`. Because
/// closing has side effects (the server ends the session, releasing its session locks), it must be
/// closed explicitly with ``close()``; `deinit` asserts that happened.
///
/// Connection strings are libpq's, in either form: `postgresql://user@127.0.0.1:5432/db?sslmode=verify-full`
/// or `host=127.0.0.1 port=5432 dbname=db user=user`. A password may be in the string, in a
/// password file (the `passfile` keyword, or `PGPASSFILE`; libpq wants it mode 0600) or in
/// `PGPASSWORD`. Never log the string itself: log ``redactedConnectionString``.
/// TLS to the server is libpq's: `sslmode=verify-full sslrootcert=/path/ca.pem` (libpq uses the
/// system's OpenSSL 3).
public final class Connection: CustomStringConvertible {
    /// The libpq handle; nil once closed. Internal so extensions in this module can reach it.
    var handle: OpaquePointer?
    /// The connection string with its password (and any other secret option) replaced by `***`.
    public let redactedConnectionString: String
    private var statements: [String: PreparedStatement] = [:]
    private var nextStatementNumber = 0
    /// Statements that run just before the next one, in the same round trip: a transaction's
    /// BEGIN (``begin(_:readOnly:)``) and statements whose results nobody reads
    /// (``executeDeferred(_:_:)``). See Connection+Deferred.swift.
    var deferred: [(statement: PreparedStatement, parameters: [PostgreSQLValue], answer: DeferredAnswer?)] = []
    /// The first of `deferred` is the open transaction's BEGIN, not sent yet.
    var beginDeferred = false
    /// How many statements were queued or sent so far: the next one's number. Whatever is sent
    /// takes the queue with it, so the queued statements are always the last numbers given.
    var statementSequence = 0
    /// The number of the latest statement whose answer said it changed rows; -1 before any.
    var lastChangeSequence = -1
    /// Round trips to the server so far: each statement sent alone, each pipeline chunk, a
    /// prepare (two: PQprepare, PQdescribePrepared). For tests and diagnostics.
    public internal(set) var roundTrips = 0

    /// Connects, blocking until the server accepted or refused.
    ///
    /// - Parameters:
    ///   - connectionString: a libpq URL or keyword/value string. Its own options win over the
    ///     defaults below.
    ///   - applicationName: shown in `pg_stat_activity` unless the string sets `application_name`.
    ///   - connectTimeoutSeconds: how long to wait for each host, unless the string sets
    ///     `connect_timeout`. Default 10.
    ///   - password: a password kept apart from the string (read from a file, say); it wins over
    ///     one in the string.
    /// - Throws: ``PostgreSQLError`` with code `08001` and ``PostgreSQLError/isConnectionError``
    ///   when the connection cannot be made (refused, unreachable, authentication, TLS); the
    ///   message is libpq's and names the host and port, never the password.
    public init(
        _ connectionString: String, applicationName: String = "scheduler", connectTimeoutSeconds: Int = 10,
        password: String? = nil
    ) throws(PostgreSQLError) {
        redactedConnectionString = Connection.redact(connectionString)
        // Keywords are processed in order, the last value winning; the string comes last (as an
        // expanded `dbname`) so that what it sets overrides these defaults.
        var keywords = ["connect_timeout", "application_name", "client_encoding", "dbname"]
        var values = [String(connectTimeoutSeconds), applicationName, "UTF8", connectionString]
        if let password {
            keywords.append("password")
            values.append(password)
        }
        let conn = withCStrings(keywords) { k in
            withCStrings(values) { v in PQconnectdbParams(k, v, 1) }
        }
        guard let conn else {
            throw PostgreSQLError(
                code: .sqlClientUnableToEstablishConnection, message: "out of memory allocating a connection",
                isConnectionError: true)
        }
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = cleaned(PQerrorMessage(conn))
            PQfinish(conn)
            throw PostgreSQLError(
                code: .sqlClientUnableToEstablishConnection,
                message: message.isEmpty ? "cannot connect to \(redactedConnectionString)" : message,
                isConnectionError: true)
        }
        // libpq prints NOTICE and WARNING messages to stderr by default (`DROP … IF EXISTS`
        // skipping, …); a library must not write to the process's stderr.
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
        handle = conn
    }

    deinit {
        assert(handle == nil, "PostgreSQL connection to \(redactedConnectionString) was not closed")
        if let handle { PQfinish(handle) }
    }

    /// Ends the session and frees the connection. Safe to call twice. Session-level advisory
    /// locks and prepared statements end with the session; an open transaction is rolled back.
    public func close() {
        guard let conn = handle else { return }
        statements.removeAll()
        deferred.removeAll()
        beginDeferred = false
        PQfinish(conn)
        handle = nil
    }

    /// Whether ``close()`` has run.
    public var isClosed: Bool { handle == nil }

    /// Whether the connection is up, as far as libpq knows (it learns of a loss only when a call
    /// fails). A connection that failed with ``PostgreSQLError/isConnectionError`` should be
    /// closed and replaced.
    public var isHealthy: Bool { handle.map { PQstatus($0) == CONNECTION_OK } ?? false }

    /// The server's version as an integer: 150018 for 15.18.
    public var serverVersion: Int { handle.map { Int(PQserverVersion($0)) } ?? 0 }

    /// The process id of the server process serving this connection (`pg_backend_pid()`).
    public var backendPID: Int32 { handle.map { PQbackendPID($0) } ?? 0 }

    public var description: String { "PostgreSQL connection to \(redactedConnectionString)" }

    func conn() throws(PostgreSQLError) -> OpaquePointer {
        guard let handle else {
            throw PostgreSQLError(
                code: .connectionDoesNotExist, message: "connection is closed", isConnectionError: true)
        }
        return handle
    }

    // MARK: Executing

    /// Runs one statement with `parameters` ($1, $2…) and returns its result.
    ///
    /// Parameters travel apart from the SQL text, typed (see ``PostgreSQLValue``); the statement
    /// is parsed and planned on every call (an unnamed statement). For statements run often, use
    /// ``executeCached(_:_:)``.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [PostgreSQLValue] = []) throws(PostgreSQLError) -> QueryResult {
        if !deferred.isEmpty { return try runAfterDeferred([.text(sql, parameters)])[0] }
        let conn = try conn()
        let encoded = EncodedParameters(parameters)
        roundTrips += 1
        let result = try encoded.withPointers { types, values, lengths, formats throws(PostgreSQLError) in
            PQexecParams(conn, sql, encoded.count, types, values, lengths, formats, 0)
        }
        return noted(QueryResult(handle: try check(result, conn, sql: sql), sql: sql), sequence: nextSequence())
    }

    /// Runs SQL text that may hold several statements separated by semicolons (schema scripts),
    /// without parameters. Returns nothing; the first failing statement throws and, outside an
    /// explicit transaction, PostgreSQL runs the whole text as one implicit transaction.
    public func executeScript(_ sql: String) throws(PostgreSQLError) {
        try flushDeferred()
        let conn = try conn()
        roundTrips += 1
        let result = try check(PQexec(conn, sql), conn, sql: sql)
        PQclear(result)
        lastChangeSequence = nextSequence()  // a script's changes are not counted: assume some
    }

    // MARK: Prepared statements

    /// Prepares `sql` as a named statement the caller manages (not cached).
    ///
    /// - Parameter parameterTypes: the types of $1, $2…; fewer than the statement uses, or
    ///   `.unspecified`, lets the server infer them from the SQL.
    public func prepare(_ sql: String, parameterTypes: [PostgreSQLType] = []) throws(PostgreSQLError)
        -> PreparedStatement
    {
        let conn = try conn()
        nextStatementNumber += 1
        let name = "s\(nextStatementNumber)"
        let oids = parameterTypes.map(\.rawValue)
        roundTrips += 2
        let prepared = oids.withUnsafeBufferPointer { p in
            PQprepare(conn, name, sql, Int32(oids.count), p.baseAddress)
        }
        PQclear(try check(prepared, conn, sql: sql))
        // The server's types for every parameter, inferred ones included: values of another type
        // are then sent in text format, which the server parses into the declared type.
        let described = try check(PQdescribePrepared(conn, name), conn, sql: sql)
        defer { PQclear(described) }
        let types = (0..<PQnparams(described)).map { PostgreSQLType(rawValue: PQparamtype(described, $0)) }
        return PreparedStatement(name: name, sql: sql, parameterTypes: types)
    }

    /// The cached prepared statement for `sql`, prepared on first use with `parameterTypes`.
    ///
    /// The cache lives as long as the connection (prepared statements belong to the session).
    /// A schema change under a cached SELECT can make the server refuse it with
    /// `0A000` ("cached plan must not change result type"): call ``clearStatementCache()`` after
    /// migrations on long-lived connections.
    public func cached(_ sql: String, parameterTypes: [PostgreSQLType] = []) throws(PostgreSQLError)
        -> PreparedStatement
    {
        if let s = statements[sql] { return s }
        let s = try prepare(sql, parameterTypes: parameterTypes)
        statements[sql] = s
        return s
    }

    /// Deallocates every cached statement (`DEALLOCATE ALL` also drops uncached ones).
    public func clearStatementCache() throws(PostgreSQLError) {
        statements.removeAll()
        try execute("DEALLOCATE ALL")
    }

    /// The number of statements in the cache.
    public var cachedStatementCount: Int { statements.count }

    /// Runs a prepared statement with `parameters`.
    @discardableResult
    public func execute(_ statement: PreparedStatement, _ parameters: [PostgreSQLValue] = []) throws(PostgreSQLError)
        -> QueryResult
    {
        if !deferred.isEmpty { return try runAfterDeferred([.prepared(statement, parameters)])[0] }
        let conn = try conn()
        let encoded = EncodedParameters(parameters, declared: statement.parameterTypes)
        roundTrips += 1
        let result = try encoded.withPointers { _, values, lengths, formats throws(PostgreSQLError) in
            PQexecPrepared(conn, statement.name, encoded.count, values, lengths, formats, 0)
        }
        return noted(QueryResult(handle: try check(result, conn, sql: statement.sql), sql: statement.sql), sequence: nextSequence())
    }

    /// Runs `sql` as a cached prepared statement (prepared on first use with the parameters'
    /// types, NULLs left for the server to infer): one round trip per call after the first.
    @discardableResult
    public func executeCached(_ sql: String, _ parameters: [PostgreSQLValue] = []) throws(PostgreSQLError)
        -> QueryResult
    {
        try execute(cached(sql, parameterTypes: parameters.map(\.type)), parameters)
    }
}

/// A named prepared statement on one connection (`PQprepare`). Valid while its connection is open.
public final class PreparedStatement: Sendable {
    /// The server-side name (`s1`, `s2`…).
    public let name: String
    /// The SQL text.
    public let sql: String
    /// The types of $1, $2…, as the server decided them.
    public let parameterTypes: [PostgreSQLType]

    init(name: String, sql: String, parameterTypes: [PostgreSQLType]) {
        self.name = name
        self.sql = sql
        self.parameterTypes = parameterTypes
    }
}

/// Calls `body` with a NULL-terminated array of C strings, as libpq's `…Params` functions take.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies: [UnsafeMutablePointer<CChar>] = strings.map { s in
        let c = s.utf8CString
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: c.count)
        c.withUnsafeBufferPointer { p.initialize(from: $0.baseAddress!, count: c.count) }
        return p
    }
    defer { for p in copies { p.deallocate() } }
    let pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) } + [nil]
    // `pointers` holds at least the terminating nil, so it has an address.
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
