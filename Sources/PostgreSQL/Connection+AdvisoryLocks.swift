extension Connection {
    /// Takes the transaction-level advisory lock `key` (`pg_advisory_xact_lock`), waiting while
    /// another session holds it; released at COMMIT or ROLLBACK. This is how several nodes
    /// serialize work on one key (e.g. a project's conflict checks).
    ///
    /// The wait is bounded only by `lock_timeout` / `statement_timeout` (then it throws
    /// `lockNotAvailable`, 55P03, or `queryCanceled`, 57014) and by deadlock detection (40P01):
    /// set one, e.g. `setParameter("lock_timeout", "5s", local: true)`.
    ///
    /// - Throws: `noActiveSQLTransaction` (25P01) outside a transaction, where the lock would be
    ///   released as soon as it was taken.
    public func advisoryTransactionLock(_ key: Int64) throws(PostgreSQLError) {
        try requireTransaction()
        try executeCached("SELECT pg_advisory_xact_lock($1)", [.int64(key)])
    }

    /// Queues ``advisoryTransactionLock(_:)``: the lock is taken just before the next statement
    /// runs, in the same round trip (``executeDeferred(_:_:)``), so that statement and every later
    /// one run under it. A lock wait that fails (`lock_timeout`, a deadlock) is thrown by that
    /// statement's call.
    ///
    /// - Throws: `noActiveSQLTransaction` (25P01) outside a transaction.
    public func deferAdvisoryTransactionLock(_ key: Int64) throws(PostgreSQLError) {
        try requireTransaction()
        try executeDeferred("SELECT pg_advisory_xact_lock($1)", [.int64(key)])
    }

    /// Takes the transaction-level advisory lock `key` if no other session holds it
    /// (`pg_try_advisory_xact_lock`); true when taken. Never waits.
    public func tryAdvisoryTransactionLock(_ key: Int64) throws(PostgreSQLError) -> Bool {
        try requireTransaction()
        return try executeCached("SELECT pg_try_advisory_xact_lock($1)", [.int64(key)]).first?.bool(0) ?? false
    }

    /// Takes the session-level advisory lock `key` if free (`pg_try_advisory_lock`); true when
    /// taken. Held until ``advisoryUnlock(_:)`` or the end of the session, whatever happens to
    /// transactions; it stacks (taking it twice needs two unlocks). Never waits.
    public func tryAdvisoryLock(_ key: Int64) throws(PostgreSQLError) -> Bool {
        try executeCached("SELECT pg_try_advisory_lock($1)", [.int64(key)]).first?.bool(0) ?? false
    }

    /// Releases one hold of the session-level advisory lock `key` (`pg_advisory_unlock`); false
    /// when this session did not hold it.
    @discardableResult
    public func advisoryUnlock(_ key: Int64) throws(PostgreSQLError) -> Bool {
        try executeCached("SELECT pg_advisory_unlock($1)", [.int64(key)]).first?.bool(0) ?? false
    }

    /// A stable 64-bit advisory lock key for a name (FNV-1a over its UTF-8): the same on every
    /// node and every run, unlike `Hasher`. Distinct names can collide (rarely): a collision
    /// serializes two keys that did not need it, never the reverse.
    public static func advisoryLockKey(_ name: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }

    private func requireTransaction() throws(PostgreSQLError) {
        guard transactionStatus == .inTransaction else {
            throw PostgreSQLError(
                code: .noActiveSQLTransaction, message: "transaction-level advisory locks need an open transaction")
        }
    }
}
