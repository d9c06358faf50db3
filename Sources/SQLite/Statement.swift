internal import CSQLite

/// A value SQLite stores: the five storage classes.
public enum SQLiteValue: Hashable, Sendable, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral,
    ExpressibleByFloatLiteral, ExpressibleByNilLiteral
{
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
    public init(nilLiteral: ()) { self = .null }
}

/// A prepared statement. Owns its `sqlite3_stmt*` and finalizes it in `deinit`.
///
/// Parameters are bound by 1-based index, columns read by 0-based index (SQLite's conventions).
/// A bind failure is remembered and thrown by the next ``step()``, so binding code stays flat.
/// A statement belongs to its connection and is used on that connection's thread only.
public final class Statement {
    let handle: OpaquePointer
    /// The SQL text (never the arguments).
    public let sql: String
    private var bindError: SQLiteError?
    /// Where bound text and blobs are copied, so SQLite can take them without a copy of its own
    /// (SQLITE_STATIC): one malloc per statement instead of one per bound value (SQLite's copy of a
    /// transient value, and its free at the next bind). Bytes from `arenaUsed` on are free; SQLite
    /// stops referring to the rest at ``reset()`` (sqlite3_clear_bindings), which rewinds it.
    private var arena: UnsafeMutableRawPointer?
    private var arenaCapacity = 0
    private var arenaUsed = 0
    /// What this use of the statement wanted to copy: ``reset()`` grows the arena to it.
    private var arenaWanted = 0
    /// Whether anything was bound or stepped since the last ``reset()``: a statement taken from
    /// the cache right after its last run reset it needs no second reset (`sqlite3_clear_bindings`
    /// walks every parameter: 1 % of the writer's time per EnqueueBatch item).
    private var used = false

    init(handle: OpaquePointer, sql: String) {
        self.handle = handle
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
        arena?.deallocate()
    }

    /// A copy of `bytes` that stays put until ``reset()``, or nil when the arena is full (the
    /// value is then bound as a transient copy, and the next reset makes room).
    @inline(__always)
    private func stable(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawPointer? {
        arenaWanted += bytes.count
        guard let arena, let base = bytes.baseAddress, arenaUsed + bytes.count <= arenaCapacity else { return nil }
        let copy = arena + arenaUsed
        copy.copyMemory(from: base, byteCount: bytes.count)
        arenaUsed += bytes.count
        return UnsafeRawPointer(copy)
    }

    private var db: OpaquePointer? { sqlite3_db_handle(handle) }

    @inline(__always)
    private func noteBind(_ rc: Int32) {
        used = true
        if rc != SQLITE_OK && bindError == nil { bindError = makeError(rc, db, sql: sql) }
    }

    // MARK: Binding

    /// Binds an integer to parameter `index` (1-based).
    public func bind(_ value: Int64, at index: Int32) { noteBind(sqlite3_bind_int64(handle, index, value)) }
    /// Binds an integer to parameter `index` (1-based).
    public func bind(_ value: Int, at index: Int32) { noteBind(sqlite3_bind_int64(handle, index, Int64(value))) }
    /// Binds a Boolean as 0 or 1.
    public func bind(_ value: Bool, at index: Int32) { noteBind(sqlite3_bind_int64(handle, index, value ? 1 : 0)) }
    /// Binds a double.
    public func bind(_ value: Double, at index: Int32) { noteBind(sqlite3_bind_double(handle, index, value)) }
    /// Binds text (copied into the statement's arena, or by SQLite).
    public func bind(_ value: String, at index: Int32) {
        var v = value
        let rc = v.withUTF8 { buf -> Int32 in
            // An empty String may have no base address; bind a zero-length text from a literal then.
            guard let base = buf.baseAddress, buf.count > 0 else {
                return sqlite3_bind_text(handle, index, "", 0, csqlite_transient())
            }
            if let copy = stable(UnsafeRawBufferPointer(buf)) {
                return sqlite3_bind_text(
                    handle, index, copy.assumingMemoryBound(to: CChar.self), Int32(buf.count), csqlite_static())
            }
            return base.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                sqlite3_bind_text(handle, index, $0, Int32(buf.count), csqlite_transient())
            }
        }
        noteBind(rc)
    }
    /// Binds a blob (copied into the statement's arena, or by SQLite).
    public func bind(_ value: [UInt8], at index: Int32) {
        let rc = value.withUnsafeBytes { buf in
            if !buf.isEmpty, let copy = stable(buf) {
                return sqlite3_bind_blob(handle, index, copy, Int32(buf.count), csqlite_static())
            }
            return sqlite3_bind_blob(
                handle, index, buf.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(buf.count), csqlite_transient()
            )
        }
        noteBind(rc)
    }
    /// Binds NULL.
    public func bindNull(at index: Int32) { noteBind(sqlite3_bind_null(handle, index)) }
    /// Binds an optional integer (NULL when nil).
    public func bind(_ value: Int64?, at index: Int32) {
        if let value { bind(value, at: index) } else { bindNull(at: index) }
    }
    /// Binds an optional integer (NULL when nil).
    public func bind(_ value: Int?, at index: Int32) {
        if let value { bind(value, at: index) } else { bindNull(at: index) }
    }
    /// Binds optional text (NULL when nil).
    public func bind(_ value: String?, at index: Int32) {
        if let value { bind(value, at: index) } else { bindNull(at: index) }
    }
    /// Binds optional double (NULL when nil).
    public func bind(_ value: Double?, at index: Int32) {
        if let value { bind(value, at: index) } else { bindNull(at: index) }
    }
    /// Binds a ``SQLiteValue``.
    public func bind(_ value: SQLiteValue, at index: Int32) {
        switch value {
        case .null: bindNull(at: index)
        case .integer(let v): bind(v, at: index)
        case .real(let v): bind(v, at: index)
        case .text(let v): bind(v, at: index)
        case .blob(let v): bind(v, at: index)
        }
    }
    /// Binds values to parameters 1, 2, 3… in order.
    public func bind(_ values: [SQLiteValue]) {
        for (i, v) in values.enumerated() { bind(v, at: Int32(i + 1)) }
    }

    // MARK: Stepping

    /// Advances to the next row: true when a row is available, false when done.
    @discardableResult
    public func step() throws(SQLiteError) -> Bool {
        if let e = bindError {
            bindError = nil
            sqlite3_reset(handle)
            throw e
        }
        used = true
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        let error = makeError(rc, db, sql: sql)
        sqlite3_reset(handle)
        throw error
    }

    /// Resets the statement so it can run again and clears its bindings.
    public func reset() {
        guard used else { return }
        used = false
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        bindError = nil
        // Nothing refers to the arena now: rewind it, and grow it to what this use wanted (up to
        // 64 KiB; larger values are rare and stay transient copies).
        if arenaWanted > arenaCapacity && arenaCapacity < Self.arenaLimit {
            arena?.deallocate()
            arenaCapacity = min(Self.arenaLimit, max(256, 1 << (Int.bitWidth - (arenaWanted - 1).leadingZeroBitCount)))
            arena = UnsafeMutableRawPointer.allocate(byteCount: arenaCapacity, alignment: 16)
        }
        arenaUsed = 0
        arenaWanted = 0
    }

    private static let arenaLimit = 64 * 1024

    /// Runs the statement to completion (INSERT, UPDATE, DELETE…), then resets it.
    public func run() throws(SQLiteError) {
        defer { reset() }
        while try step() {}
    }

    /// Runs a query, calling `body` once per row, then resets the statement.
    public func forEachRow(_ body: (Statement) throws -> Void) throws {
        defer { reset() }
        while try step() { try body(self) }
    }

    /// The first row mapped by `body`, or nil; resets the statement.
    public func firstRow<T>(_ body: (Statement) throws -> T) throws -> T? {
        defer { reset() }
        return try step() ? body(self) : nil
    }

    /// The integer in column 0 of the first row, nil when there is no row or it is NULL.
    public func scalarInt64() throws(SQLiteError) -> Int64? {
        defer { reset() }
        guard try step(), !isNull(0) else { return nil }
        return int64(0)
    }

    // MARK: Columns (0-based)

    /// Number of columns in the result.
    public var columnCount: Int32 { sqlite3_column_count(handle) }
    /// Whether column `i` of the current row is NULL.
    public func isNull(_ i: Int32) -> Bool { sqlite3_column_type(handle, i) == SQLITE_NULL }
    /// Column `i` as an integer (0 for NULL).
    public func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(handle, i) }
    /// Column `i` as an Int (0 for NULL).
    public func int(_ i: Int32) -> Int { Int(sqlite3_column_int64(handle, i)) }
    /// Column `i` as a Boolean (non-zero is true).
    public func bool(_ i: Int32) -> Bool { sqlite3_column_int64(handle, i) != 0 }
    /// Column `i` as a double.
    public func double(_ i: Int32) -> Double { sqlite3_column_double(handle, i) }
    /// Column `i` as text ("" for NULL).
    public func string(_ i: Int32) -> String {
        guard let p = sqlite3_column_text(handle, i) else { return "" }
        let n = Int(sqlite3_column_bytes(handle, i))
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }
    /// Column `i` as text, nil for NULL.
    public func optionalString(_ i: Int32) -> String? { isNull(i) ? nil : string(i) }
    /// Column `i` as an integer, nil for NULL.
    public func optionalInt64(_ i: Int32) -> Int64? { isNull(i) ? nil : int64(i) }
    /// Column `i` as an Int, nil for NULL.
    public func optionalInt(_ i: Int32) -> Int? { isNull(i) ? nil : int(i) }
    /// Column `i` as a double, nil for NULL.
    public func optionalDouble(_ i: Int32) -> Double? { isNull(i) ? nil : double(i) }
    /// Column `i` as bytes (empty for NULL).
    public func blob(_ i: Int32) -> [UInt8] {
        let n = Int(sqlite3_column_bytes(handle, i))
        guard n > 0, let p = sqlite3_column_blob(handle, i) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }
    /// Column `i` as a ``SQLiteValue``.
    public func value(_ i: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, i) {
        case SQLITE_INTEGER: .integer(int64(i))
        case SQLITE_FLOAT: .real(double(i))
        case SQLITE_TEXT: .text(string(i))
        case SQLITE_BLOB: .blob(blob(i))
        default: .null
        }
    }
}
