internal import CSQLite
internal import CSQLiteWAL

/// One SQLite database connection. Owns its `sqlite3*`.
///
/// A connection is confined to one thread: it is opened with `SQLITE_OPEN_NOMUTEX` and is not
/// `Sendable`; open it on the thread that uses it. Because closing has side effects (checkpoint,
/// lock release), it must be closed explicitly with ``close()``; `deinit` asserts that happened.
public final class Connection {
    /// How to open the database file.
    public struct OpenMode: Sendable, Hashable {
        let flags: Int32
        /// Read-only: writes fail with `SQLITE_READONLY`.
        public static let readOnly = OpenMode(flags: SQLITE_OPEN_READONLY)
        /// Read and write an existing database.
        public static let readWrite = OpenMode(flags: SQLITE_OPEN_READWRITE)
        /// Read and write, creating the file when missing. The default.
        public static let readWriteCreate = OpenMode(flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
    }

    /// How a transaction takes its locks.
    public enum TransactionKind: String, Sendable {
        /// Takes locks when first needed.
        case deferred = "DEFERRED"
        /// Takes the write lock at BEGIN: the only kind that cannot fail with BUSY half way.
        case immediate = "IMMEDIATE"
        case exclusive = "EXCLUSIVE"
    }

    /// The sqlite3 handle; nil once closed. Internal so extensions in this module can reach it.
    var handle: OpaquePointer?

    /// Library-wide settings, applied once before the first connection initializes SQLite.
    /// Memory statistics are off: nothing reads them, and their global mutex is taken on every
    /// allocation by every connection. The default VFS becomes "unix-walbuffer" (wal_buffer.c in
    /// CSQLiteWAL): the unix VFS, with each commit's WAL frames written in one call instead of two
    /// per page. The page cache is SQLite's own, wrapped so that the truncate ending every write
    /// transaction returns at once when it cannot drop a page (pcache_truncate.c in CSQLiteWAL):
    /// after a b-tree split borrowed the lock byte's page number, pcache1 scanned every cached page
    /// at the next commit (~80 µs for a 64 MiB cache).
    private static let libraryConfigured: Bool = {
        let memstatus = csqlite_disable_memstatus()
        let pcache = csqlite_pcache_register()
        return memstatus == SQLITE_OK && pcache == SQLITE_OK && csqlite_walbuffer_register() == SQLITE_OK
    }()

    /// Whether the library-wide settings above all took (false when SQLite was initialized
    /// before the first ``Connection`` opened, e.g. by another library in the process).
    public static var isLibraryConfigured: Bool { libraryConfigured }

    /// Page-cache truncates that returned without scanning the cache, over every connection of
    /// the process since it started (pcache_truncate.c).
    public static var skippedCacheTruncates: Int64 { csqlite_pcache_skipped_truncates() }
    /// The path given at open.
    public let path: String
    private var cache: [String: Statement] = [:]
    /// The same statements by the address of their SQL text's UTF-8 storage: the statements of
    /// the store are string constants, whose address does not change, so a hit costs an integer
    /// hash and an identity comparison instead of hashing the whole text (2 % of the server's CPU
    /// under EnqueueBatch). A hit is used only when the text is equal (an address can be reused
    /// by another string); cleared when it grows past ``fastCacheLimit`` (texts built per call
    /// each bring a new address).
    private var fastCache: [Int: Statement] = [:]
    private static let fastCacheLimit = 512
    /// The pre-update hook's context, kept alive while the hook is registered.
    var preUpdateBox: AnyObject?
    /// Keeps the WAL hook's closure alive while SQLite holds a pointer to it.
    var walHookBox: AnyObject?

    /// Opens (or creates) the database at `path`.
    ///
    /// - Parameters:
    ///   - mode: read-only, read-write, or read-write-create (default).
    ///   - busyTimeoutMilliseconds: how long a call waits for another connection's lock before
    ///     failing with `SQLITE_BUSY`, retrying every 0.1–1 ms. Default 5000.
    public init(path: String, mode: OpenMode = .readWriteCreate, busyTimeoutMilliseconds: Int32 = 5000)
        throws(SQLiteError)
    {
        self.path = path
        _ = Connection.libraryConfigured
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, mode.flags | SQLITE_OPEN_NOMUTEX, nil)
        if rc != SQLITE_OK {
            let error = makeError(rc, db)
            sqlite3_close_v2(db)
            throw error
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        // Short, even retries instead of sqlite3_busy_timeout's back-off (steps of up to 100 ms):
        // the writer waiting out a 5 ms checkpoint should resume within a millisecond of it.
        csqlite_set_fine_busy_timeout(db, busyTimeoutMilliseconds)
    }

    deinit {
        assert(handle == nil, "Connection to \(path) was not closed")
        if let handle { sqlite3_close_v2(handle) }
    }

    /// Whether ``close()`` has run.
    public var isClosed: Bool { handle == nil }

    /// Finalizes cached statements and closes the connection. Safe to call twice.
    ///
    /// Uses `sqlite3_close_v2`: statements still referenced elsewhere keep the handle alive as a
    /// zombie until they are released, so no caller can touch freed memory.
    public func close() throws(SQLiteError) {
        guard let db = handle else { return }
        cache.removeAll()
        fastCache.removeAll()
        removePreUpdateHook()
        let rc = sqlite3_close_v2(db)
        if rc != SQLITE_OK { throw makeError(rc, db) }
        handle = nil
    }

    private func db() throws(SQLiteError) -> OpaquePointer {
        guard let handle else { throw SQLiteError(code: .misuse, message: "connection is closed") }
        return handle
    }

    // MARK: Executing

    /// Runs one or more SQL statements without arguments (schema, pragmas).
    public func execute(_ sql: String) throws(SQLiteError) {
        let db = try db()
        let rc = sqlite3_exec(db, sql, nil, nil, nil)
        if rc != SQLITE_OK { throw makeError(rc, db, sql: sql) }
    }

    /// Prepares a statement the caller owns (not cached).
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        let db = try db()
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, 0, &stmt, nil)
        if rc != SQLITE_OK {
            throw makeError(rc, db, sql: sql)
        }
        guard let stmt else {
            throw SQLiteError(code: .misuse, message: "empty statement", sql: sql)
        }
        return Statement(handle: stmt, sql: sql)
    }

    /// The cached prepared statement for `sql`, prepared on first use (`SQLITE_PREPARE_PERSISTENT`).
    ///
    /// The statement is reset and its bindings cleared before it is returned.
    public func cached(_ sql: String) throws(SQLiteError) -> Statement {
        let address = sql.utf8.withContiguousStorageIfAvailable { Int(bitPattern: $0.baseAddress) }
        if let address, let s = fastCache[address], s.sql == sql {
            s.reset()
            return s
        }
        if let s = cache[sql] {
            s.reset()
            remember(s, at: address)
            return s
        }
        let db = try db()
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        if rc != SQLITE_OK { throw makeError(rc, db, sql: sql) }
        guard let stmt else { throw SQLiteError(code: .misuse, message: "empty statement", sql: sql) }
        let s = Statement(handle: stmt, sql: sql)
        cache[sql] = s
        remember(s, at: address)
        return s
    }

    private func remember(_ s: Statement, at address: Int?) {
        guard let address, address != 0 else { return }
        if fastCache.count >= Self.fastCacheLimit { fastCache.removeAll(keepingCapacity: true) }
        fastCache[address] = s
    }

    /// Runs `sql` with `arguments` (a cached statement) to completion.
    public func run(_ sql: String, _ arguments: [SQLiteValue] = []) throws(SQLiteError) {
        let s = try cached(sql)
        s.bind(arguments)
        try s.run()
    }

    /// The integer in column 0 of the first row of `sql`, nil when no row or NULL.
    public func scalarInt64(_ sql: String, _ arguments: [SQLiteValue] = []) throws(SQLiteError) -> Int64? {
        let s = try cached(sql)
        s.bind(arguments)
        return try s.scalarInt64()
    }

    /// Rowid of the last successful INSERT on this connection.
    public var lastInsertRowID: Int64 { handle.map { sqlite3_last_insert_rowid($0) } ?? 0 }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    public var changes: Int { handle.map { Int(sqlite3_changes($0)) } ?? 0 }

    /// Rows changed by every INSERT, UPDATE and DELETE completed on this connection since it
    /// opened, including those made by triggers. A statement that failed and was rolled back
    /// adds nothing, so an unchanged count across a piece of work means it wrote nothing.
    public var totalChanges: Int64 { handle.map { sqlite3_total_changes64($0) } ?? 0 }

    /// True outside a transaction. After an error inside one, false means the transaction is
    /// still open; true means SQLite rolled it back on its own (e.g. on SQLITE_FULL).
    public var isAutocommit: Bool { handle.map { sqlite3_get_autocommit($0) != 0 } ?? true }

    /// The writes SQLite gave this connection's WAL files since it opened (two per page: each
    /// frame's header, then the page) and those that reached the file system: one per commit, or
    /// one per 128 KiB of a larger one (the "unix-walbuffer" VFS). Nil when the connection does not
    /// use that VFS.
    public var walWrites: (given: Int64, made: Int64)? {
        walBufferCounts(CSQLITE_WALBUFFER_FCNTL_COUNTS).map { (given: $0.0, made: $0.1) }
    }

    /// Flushes the database file and then its WAL (or rollback journal) to stable storage, as a
    /// checkpoint's own syncs would, without taking any lock: other connections go on reading and
    /// writing meanwhile. A checkpoint run right after has only what was written since to flush
    /// while it holds its locks.
    public func syncFiles() throws(SQLiteError) {
        let db = try db()
        let rc = csqlite_sync_main_files(db)
        // The VFS's code (SQLITE_IOERR_FSYNC, …) with its own text: a failed xSync leaves no
        // message on the connection.
        if rc != SQLITE_OK { throw makeError(rc, nil) }
    }

    /// The syncs this connection made of its database file and of its WAL files since it opened
    /// (its own: each connection has its own file handles), through the "unix-walbuffer" VFS. Nil
    /// when the connection does not use that VFS.
    public var syncs: (database: Int64, wal: Int64)? {
        walBufferCounts(CSQLITE_WALBUFFER_FCNTL_SYNCS).map { (database: $0.0, wal: $0.1) }
    }

    /// The two counters the "unix-walbuffer" VFS answers file-control `op` with; nil when the
    /// connection is closed or does not use that VFS.
    private func walBufferCounts(_ op: Int32) -> (Int64, Int64)? {
        guard let handle else { return nil }
        var counts: [Int64] = [0, 0]
        let rc = counts.withUnsafeMutableBufferPointer { sqlite3_file_control(handle, "main", op, $0.baseAddress) }
        return rc == SQLITE_OK ? (counts[0], counts[1]) : nil
    }

    // MARK: Transactions

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws.
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        try execute("BEGIN \(kind.rawValue)")
        let value: T
        do {
            value = try body()
        } catch {
            rollbackQuietly()
            throw error
        }
        do {
            try execute("COMMIT")
        } catch {
            rollbackQuietly()
            throw error
        }
        return value
    }

    /// Starts a transaction (pair with ``commit()`` / ``rollback()``).
    public func begin(_ kind: TransactionKind = .immediate) throws(SQLiteError) {
        try cached("BEGIN \(kind.rawValue)").run()
    }

    /// Commits the open transaction.
    public func commit() throws(SQLiteError) { try cached("COMMIT").run() }

    /// Rolls back the open transaction.
    public func rollback() throws(SQLiteError) { try cached("ROLLBACK").run() }

    /// Rolls back if a transaction is open, ignoring errors (used on error paths).
    public func rollbackQuietly() {
        if !isAutocommit { try? execute("ROLLBACK") }
    }

    /// Runs `body` inside `SAVEPOINT name`: released when it returns, rolled back to (and
    /// released) when it throws, so its writes vanish while the enclosing transaction goes on.
    ///
    /// `name` must be a plain SQL identifier (it is spliced into the SQL text).
    public func savepoint<T>(_ name: String = "sp", _ body: () throws -> T) throws -> T {
        try cached("SAVEPOINT \(name)").run()
        do {
            let value = try body()
            try cached("RELEASE \(name)").run()
            return value
        } catch {
            // When SQLite already rolled the whole transaction back (SQLITE_FULL, IOERR…) there
            // is no savepoint left to roll back to.
            if !isAutocommit {
                try? cached("ROLLBACK TO \(name)").run()
                try? cached("RELEASE \(name)").run()
            }
            throw error
        }
    }

    // MARK: Pragmas and migrations

    /// `PRAGMA user_version`: the schema version migrations have reached.
    public func userVersion() throws(SQLiteError) -> Int {
        Int(try scalarInt64("PRAGMA user_version") ?? 0)
    }

    /// The text value of `PRAGMA name` (e.g. `journal_mode`).
    public func pragma(_ name: String) throws(SQLiteError) -> String? {
        let s = try prepare("PRAGMA \(name)")
        defer { s.reset() }
        return try s.step() ? s.optionalString(0) : nil
    }

    /// Applies the migrations whose version is above `PRAGMA user_version`, in order, each in
    /// its own IMMEDIATE transaction together with the new `user_version`.
    ///
    /// Throws when the database is newer than the last migration (a downgrade), or when the
    /// versions are not strictly increasing.
    public func migrate(_ migrations: [Migration]) throws {
        var previous = 0
        for m in migrations {
            guard m.version > previous else {
                throw SQLiteError(
                    code: .misuse, message: "migration versions must increase: \(m.version) after \(previous)")
            }
            previous = m.version
        }
        let current = try userVersion()
        if current > previous {
            throw SQLiteError(
                code: .schema,
                message: "database schema version \(current) is newer than this program's (\(previous))")
        }
        for m in migrations where m.version > current {
            try transaction(.immediate) {
                // Re-read inside the write lock: another process may have migrated meanwhile.
                guard try userVersion() < m.version else { return }
                try m.apply(self)
                try execute("PRAGMA user_version = \(m.version)")
            }
        }
    }
}

/// One schema step, applied once, identified by the `user_version` it leads to.
public struct Migration: Sendable {
    /// The `user_version` after this step (1, 2, 3…).
    public var version: Int
    /// A short name for logs.
    public var name: String
    /// The step itself, run inside a transaction.
    public var apply: @Sendable (Connection) throws -> Void

    public init(version: Int, name: String, apply: @escaping @Sendable (Connection) throws -> Void) {
        self.version = version
        self.name = name
        self.apply = apply
    }

    /// A step made of plain SQL statements.
    public init(version: Int, name: String, sql: String) {
        self.init(version: version, name: name) { db in try db.execute(sql) }
    }
}
