internal import CPostgreSQL

/// The result of one statement: its rows (a random-access collection of ``Row``), its columns,
/// and the number of rows an INSERT, UPDATE or DELETE changed. Owns its `PGresult*`, freed in
/// `deinit`; reading it makes no call to the server.
///
/// Rows come in PostgreSQL's text format and the typed getters parse them, so every type reads
/// as ``Row/string(_:)``; `int8`/`int4`/`int2` as integers, `float8` as doubles (PostgreSQL 12+
/// prints the shortest text that reads back to the same double), `bool` (`t`/`f`), `bytea`
/// (hex) as bytes.
public final class QueryResult: RandomAccessCollection {
    let handle: OpaquePointer
    /// The statement's SQL text (never its parameters).
    public let sql: String

    init(handle: OpaquePointer, sql: String) {
        self.handle = handle
        self.sql = sql
    }

    deinit { PQclear(handle) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { Int(PQntuples(handle)) }
    public subscript(position: Int) -> Row {
        precondition(position >= 0 && position < endIndex, "row \(position) out of range 0..<\(endIndex)")
        return Row(result: self, row: Int32(position))
    }

    /// The number of columns.
    public var columnCount: Int { Int(PQnfields(handle)) }

    /// The name of column `index` (0-based).
    public func columnName(_ index: Int) -> String {
        precondition(index >= 0 && index < columnCount, "column \(index) out of range 0..<\(columnCount)")
        return String(cString: PQfname(handle, Int32(index)))
    }

    /// The type of column `index` (0-based).
    public func columnType(_ index: Int) -> PostgreSQLType {
        PostgreSQLType(rawValue: PQftype(handle, Int32(index)))
    }

    /// The index of the column named `name`, nil when there is none.
    public func columnIndex(named name: String) -> Int? {
        let i = Int(PQfnumber(handle, "\"\(name.replacingQuotes())\""))
        return i >= 0 ? i : nil
    }

    /// Rows changed by an INSERT, UPDATE, DELETE, MERGE, or returned by a SELECT, as the
    /// command tag says; 0 for other commands.
    public var affectedRows: Int {
        guard let p = PQcmdTuples(handle) else { return 0 }
        return Int(String(cString: p)) ?? 0
    }

    /// The command tag: `INSERT 0 1`, `UPDATE 3`, `SELECT 2`, `BEGIN`…
    public var commandTag: String { PQcmdStatus(handle).map { String(cString: $0) } ?? "" }
}

extension String {
    fileprivate func replacingQuotes() -> String {
        var out = ""
        for c in self { out.append(c == "\"" ? "\"\"" : String(c)) }
        return out
    }
}

/// One row of a ``QueryResult``. Columns are read by 0-based index.
///
/// Getters for a non-optional type throw `nullValueNotAllowed` (22004) on NULL; the `optional…`
/// getters return nil. A value that does not parse as the type asked for throws
/// `invalidTextRepresentation` (22P02), without quoting the value.
public struct Row {
    let result: QueryResult
    let row: Int32

    private var handle: OpaquePointer { result.handle }

    private func checkColumn(_ column: Int) {
        precondition(
            column >= 0 && column < result.columnCount, "column \(column) out of range 0..<\(result.columnCount)")
    }

    /// Whether column `column` is NULL.
    public func isNull(_ column: Int) -> Bool {
        checkColumn(column)
        return PQgetisnull(handle, row, Int32(column)) != 0
    }

    /// The raw text-format bytes of a non-NULL value.
    private func withText<T>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T? {
        if isNull(column) { return nil }
        let n = Int(PQgetlength(handle, row, Int32(column)))
        // PQgetvalue returns NULL only for a row or column out of range, which checkColumn and
        // the collection's subscript have ruled out.
        let p = PQgetvalue(handle, row, Int32(column))!
        return p.withMemoryRebound(to: UInt8.self, capacity: n) { body(UnsafeBufferPointer(start: $0, count: n)) }
    }

    private func nullError(_ column: Int) -> PostgreSQLError {
        PostgreSQLError(
            code: .nullValueNotAllowed, message: "column \(column) (\(result.columnName(column))) is NULL",
            sql: result.sql)
    }

    private func parseError(_ column: Int, _ type: String) -> PostgreSQLError {
        PostgreSQLError(
            code: .invalidTextRepresentation,
            message:
                "column \(column) (\(result.columnName(column)), \(result.columnType(column))) is not a valid \(type)",
            sql: result.sql)
    }

    // MARK: Optional getters (nil for NULL)

    /// The value as text, nil for NULL.
    public func optionalString(_ column: Int) -> String? {
        withText(column) { String(decoding: $0, as: UTF8.self) }
    }

    /// The value as an integer, nil for NULL.
    public func optionalInt64(_ column: Int) throws(PostgreSQLError) -> Int64? {
        guard let s = optionalString(column) else { return nil }
        guard let v = Int64(s) else { throw parseError(column, "integer") }
        return v
    }

    /// The value as an Int, nil for NULL.
    public func optionalInt(_ column: Int) throws(PostgreSQLError) -> Int? {
        try optionalInt64(column).map { Int($0) }
    }

    /// The value as a double, nil for NULL. Reads `Infinity`, `-Infinity` and `NaN`.
    public func optionalDouble(_ column: Int) throws(PostgreSQLError) -> Double? {
        guard let s = optionalString(column) else { return nil }
        guard let v = Double(s) else { throw parseError(column, "double") }
        return v
    }

    /// The value as a Boolean (`t` or `f`), nil for NULL.
    public func optionalBool(_ column: Int) throws(PostgreSQLError) -> Bool? {
        guard let s = optionalString(column) else { return nil }
        switch s {
        case "t", "true": return true
        case "f", "false": return false
        default: throw parseError(column, "boolean")
        }
    }

    /// The value as bytes, nil for NULL: a `bytea` column decoded from its hex text form, any
    /// other column's text as UTF-8.
    public func optionalBytes(_ column: Int) throws(PostgreSQLError) -> [UInt8]? {
        let isBytea = result.columnType(column) == .bytea
        let decoded: [UInt8]?? = withText(column) { text -> [UInt8]? in
            guard isBytea else { return Array(text) }
            return decodeHexBytea(text)
        }
        guard let decoded else { return nil }
        guard let bytes = decoded else { throw parseError(column, "hex bytea") }
        return bytes
    }

    // MARK: Non-optional getters (throw on NULL)

    /// The value as text; throws on NULL.
    public func string(_ column: Int) throws(PostgreSQLError) -> String {
        guard let v = optionalString(column) else { throw nullError(column) }
        return v
    }

    /// The value as an integer; throws on NULL.
    public func int64(_ column: Int) throws(PostgreSQLError) -> Int64 {
        guard let v = try optionalInt64(column) else { throw nullError(column) }
        return v
    }

    /// The value as an Int; throws on NULL.
    public func int(_ column: Int) throws(PostgreSQLError) -> Int {
        guard let v = try optionalInt(column) else { throw nullError(column) }
        return v
    }

    /// The value as a double; throws on NULL.
    public func double(_ column: Int) throws(PostgreSQLError) -> Double {
        guard let v = try optionalDouble(column) else { throw nullError(column) }
        return v
    }

    /// The value as a Boolean; throws on NULL.
    public func bool(_ column: Int) throws(PostgreSQLError) -> Bool {
        guard let v = try optionalBool(column) else { throw nullError(column) }
        return v
    }

    /// The value as bytes; throws on NULL.
    public func bytes(_ column: Int) throws(PostgreSQLError) -> [UInt8] {
        guard let v = try optionalBytes(column) else { throw nullError(column) }
        return v
    }

    /// The value by its column's type: integers (`int2`, `int4`, `int8`) as `.int64`, `float4`
    /// and `float8` as `.double`, `bool`, `bytea` as `.bytes`, NULL as `.null`, anything else
    /// (numeric, timestamps, uuid, json…) as its text.
    public func value(_ column: Int) throws(PostgreSQLError) -> PostgreSQLValue {
        if isNull(column) { return .null }
        switch result.columnType(column) {
        case .int2, .int4, .int8: return .int64(try int64(column))
        case .float4, .float8: return .double(try double(column))
        case .bool: return .bool(try bool(column))
        case .bytea: return .bytes(try bytes(column))
        default: return .text(try string(column))
        }
    }
}

/// `\x0a1b…` (bytea_output = hex, the default since PostgreSQL 9.0) to bytes; nil when malformed.
private func decodeHexBytea(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
    guard text.count >= 2, text[0] == UInt8(ascii: "\\"), text[1] == UInt8(ascii: "x"), text.count % 2 == 0 else {
        return nil
    }
    func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
    var out: [UInt8] = []
    out.reserveCapacity((text.count - 2) / 2)
    var i = 2
    while i < text.count {
        guard let hi = nibble(text[i]), let lo = nibble(text[i + 1]) else { return nil }
        out.append(hi << 4 | lo)
        i += 2
    }
    return out
}
