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

    /// The transaction status libpq tracked from the server's last answer (no round trip).
    public var transactionStatus: TransactionStatus {
        guard let handle else { return .unknown }
        switch PQtransactionStatus(handle) {
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
    public func begin(_ isolation: IsolationLevel = .readCommitted, readOnly: Bool = false) throws(PostgreSQLError) {
        try executeCached("BEGIN ISOLATION LEVEL \(isolation.rawValue)\(readOnly ? " READ ONLY" : "")")
    }

    /// Commits the open transaction. Throws `inFailedSQLTransaction` (25P02) when the server
    /// rolled back instead (the transaction had failed).
    public func commit() throws(PostgreSQLError) {
        let result = try executeCached("COMMIT")
        if result.commandTag == "ROLLBACK" {
            throw PostgreSQLError(
                code: .inFailedSQLTransaction, message: "the transaction had failed: COMMIT rolled it back",
                sql: "COMMIT")
        }
    }

    /// Rolls back the open transaction.
    public func rollback() throws(PostgreSQLError) { try executeCached("ROLLBACK") }

    /// Rolls back if a transaction is open, ignoring errors (used on error paths; a lost
    /// connection has no transaction left to roll back).
    public func rollbackQuietly() {
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
