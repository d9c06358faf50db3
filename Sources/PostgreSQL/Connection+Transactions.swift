internal import CPostgreSQL

extension Connection {
    /// A transaction's isolation level (PostgreSQL's default is read committed).
    public enum IsolationLevel: String, Sendable {
        /// Each statement sees what was committed before it started. Rows locked with
        /// `FOR UPDATE [SKIP LOCKED]` are re-read after the lock wait.
        case readCommitted = "READ COMMITTED"
        /// The whole transaction sees one snapshot; a write to a row changed since fails with 40001.
        case repeatableRead = "REPEATABLE READ"
        /// As if transactions ran one at a time; any anomaly fails one of them with 40001
        /// (``PostgreSQLError/isRetryableTransactionFailure``): run it again.
        case serializable = "SERIALIZABLE"
    }

    /// Where the connection stands with respect to transactions (`PQtransactionStatus`).
    public enum TransactionStatus: Sendable {
        /// No transaction open.
        case idle
        /// A command is running.
        case active
        /// Inside a transaction, no error so far.
        case inTransaction
        /// Inside a transaction that failed: every statement until ROLLBACK fails with 25P02.
        case inFailedTransaction
        /// The connection is bad or closed.
        case unknown
    }

    /// The transaction status libpq tracked from the server's last answer (no round trip); a
    /// transaction whose BEGIN is still queued (``begin(_:readOnly:)``) counts as open.
    public var transactionStatus: TransactionStatus {
        guard let handle else { return .unknown }
        switch PQtransactionStatus(handle) {
        case PQTRANS_IDLE where beginDeferred: return .inTransaction
        case PQTRANS_IDLE: return .idle
        case PQTRANS_ACTIVE: return .active
        case PQTRANS_INTRANS: return .inTransaction
        case PQTRANS_INERROR: return .inFailedTransaction
        default: return .unknown
        }
    }

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws.
    ///
    /// When a statement inside failed and `body` caught the error and returned anyway, the
    /// transaction is in the failed state and PostgreSQL would turn COMMIT into a silent
    /// ROLLBACK: this throws `inFailedSQLTransaction` (25P02) instead. A COMMIT that fails (a
    /// serializable transaction's 40001, a deferred constraint, a lost connection) throws; the
    /// transaction is over either way. Retrying on ``PostgreSQLError/isRetryableTransactionFailure``
    /// is the caller's choice, since only it knows whether `body` can run twice.
    ///
    /// - Throws: `activeSQLTransaction` (25001) when a transaction is already open.
    @discardableResult
    public func transaction<T>(
        _ isolation: IsolationLevel = .readCommitted, readOnly: Bool = false, _ body: () throws -> T
    ) throws -> T {
        guard transactionStatus == .idle else {
            throw PostgreSQLError(
                code: .activeSQLTransaction, message: "a transaction is already open on this connection")
        }
        try begin(isolation, readOnly: readOnly)
        let value: T
        do {
            value = try body()
        } catch {
            rollbackQuietly()
            throw error
        }
        if transactionStatus == .inFailedTransaction {
            rollbackQuietly()
            throw PostgreSQLError(
                code: .inFailedSQLTransaction,
                message:
                    "a statement in the transaction failed and the error was caught; rolled back instead of committing")
        }
        try commit()
        return value
    }

    /// Starts a transaction (pair with ``commit()`` / ``rollback()``).
    ///
    /// The BEGIN is not sent on its own: it goes with the transaction's first statement, in the
    /// same round trip (Connection+Deferred.swift), and a transaction that runs no statement
    /// costs none. So a lost connection is reported by that first statement, not here.
    public func begin(_ isolation: IsolationLevel = .readCommitted, readOnly: Bool = false) throws(PostgreSQLError) {
        let sql = "BEGIN ISOLATION LEVEL \(isolation.rawValue)\(readOnly ? " READ ONLY" : "")"
        guard transactionStatus == .idle else {
            try executeCached(sql)  // the server's answer: a warning, the transaction unchanged
            return
        }
        enqueue(try cached(sql), [])
        beginDeferred = true
    }

    /// Commits the open transaction. Throws `inFailedSQLTransaction` (25P02) when the server
    /// rolled back instead (the transaction had failed).
    ///
    /// Statements still queued (``executeDeferred(_:_:)``) go in the same round trip; when one of
    /// them fails, this throws its error and the transaction is rolled back.
    public func commit() throws(PostgreSQLError) {
        if beginDeferred && deferred.count == 1 {
            _ = dropDeferred()  // nothing ran: nothing to commit
            return
        }
        let result: QueryResult
        do {
            result = try executeCached("COMMIT")
        } catch {
            rollbackQuietly()  // a queued statement failed: the transaction is still open
            throw error
        }
        if result.commandTag == "ROLLBACK" {
            throw PostgreSQLError(
                code: .inFailedSQLTransaction, message: "the transaction had failed: COMMIT rolled it back",
                sql: "COMMIT")
        }
    }

    /// Rolls back the open transaction. Queued statements are dropped unsent.
    public func rollback() throws(PostgreSQLError) {
        if dropDeferred() { return }  // the server never saw the transaction
        try executeCached("ROLLBACK")
    }

    /// Rolls back to the savepoint `name` (an identifier the caller made: it is not quoted).
    /// Statements still queued (``executeDeferred(_:_:)``) are dropped unsent: they came after
    /// the SAVEPOINT statement, which sent everything queued before it, so they would be undone.
    public func rollback(toSavepoint name: String) throws(PostgreSQLError) {
        _ = dropDeferred()
        try execute("ROLLBACK TO SAVEPOINT \(name)")
    }

    /// Rolls back if a transaction is open, ignoring errors (used on error paths; a lost
    /// connection has no transaction left to roll back). Queued statements are dropped unsent.
    public func rollbackQuietly() {
        if dropDeferred() { return }
        switch transactionStatus {
        case .inTransaction, .inFailedTransaction: _ = try? execute("ROLLBACK")
        default: break
        }
    }

    /// Sets a run-time parameter with `set_config`: for the session, or with `local` until the
    /// end of the current transaction. E.g. `setParameter("lock_timeout", "2s", local: true)`
    /// bounds every lock wait of the transaction.
    public func setParameter(_ name: String, _ value: String, local: Bool = false) throws(PostgreSQLError) {
        try executeCached("SELECT set_config($1, $2, $3)", [.text(name), .text(value), .bool(local)])
    }
}
