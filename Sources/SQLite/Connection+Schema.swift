internal import CSQLite

extension Connection {
    /// Replaces the `CREATE TABLE` text of existing tables without touching their rows: SQLite's
    /// documented procedure for schema changes that leave every stored row valid (a CHECK
    /// rewritten into an equivalent form, say), which does not copy the table however large it is.
    ///
    /// Runs inside the caller's transaction (a migration's): `writable_schema` on, the
    /// definitions updated in `sqlite_master`, `schema_version` incremented, `writable_schema`
    /// off, then each table is read once so that a definition SQLite cannot parse fails here and
    /// the transaction can roll back. `SQLITE_DBCONFIG_DEFENSIVE`, which forbids this, is lifted
    /// for the duration when a build of SQLite has it on by default.
    public func replaceTableDefinitions(_ definitions: [(table: String, sql: String)]) throws {
        guard !definitions.isEmpty else { return }
        guard let db = handle else { throw SQLiteError(code: .misuse, message: "connection is closed") }
        guard !isAutocommit else {
            throw SQLiteError(code: .misuse, message: "replaceTableDefinitions must run inside a transaction")
        }
        guard let version = try scalarInt64("PRAGMA schema_version") else {
            throw SQLiteError(code: .schema, message: "no schema_version")
        }
        var defensive: Int32 = 0
        let rc = csqlite_set_defensive(db, 0, &defensive)
        guard rc == SQLITE_OK else { throw SQLiteError(code: ResultCode(rawValue: rc), message: "cannot lift DEFENSIVE") }
        defer { if defensive != 0 { _ = csqlite_set_defensive(db, defensive, &defensive) } }
        try execute("PRAGMA writable_schema = ON")
        do {
            for d in definitions {
                try run(
                    "UPDATE sqlite_master SET sql = ?1 WHERE type = 'table' AND name = ?2",
                    [.text(d.sql), .text(d.table)])
                guard changes == 1 else {
                    throw SQLiteError(code: .misuse, message: "no table \(d.table)")
                }
            }
            try execute("PRAGMA schema_version = \(version + 1)")
            // RESET: off, and this connection drops its parsed schema, so the check below (and
            // every later statement) reads the new definitions.
            try execute("PRAGMA writable_schema = RESET")
        } catch {
            try? execute("PRAGMA writable_schema = RESET")
            throw error
        }
        for d in definitions {
            let quoted = d.table.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"")
            _ = try prepare("SELECT * FROM \"\(quoted)\" LIMIT 0")
        }
    }
}
