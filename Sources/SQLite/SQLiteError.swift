internal import CSQLite

/// An SQLite result code: the primary code in the low 8 bits, the extended code in full.
///
/// Compare with the static members (``busy``, ``constraint``…) through ``primary``:
/// `error.code.primary == .busy`. Never match errors by message text.
public struct ResultCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The extended result code as SQLite reports it (e.g. 2067 = SQLITE_CONSTRAINT_UNIQUE).
    public var rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The primary result code (the low 8 bits).
    public var primary: ResultCode { ResultCode(rawValue: rawValue & 0xff) }

    public static let ok = ResultCode(rawValue: 0)
    public static let error = ResultCode(rawValue: 1)
    public static let `internal` = ResultCode(rawValue: 2)
    public static let permission = ResultCode(rawValue: 3)
    public static let abort = ResultCode(rawValue: 4)
    public static let busy = ResultCode(rawValue: 5)
    public static let locked = ResultCode(rawValue: 6)
    public static let noMemory = ResultCode(rawValue: 7)
    public static let readOnly = ResultCode(rawValue: 8)
    public static let interrupt = ResultCode(rawValue: 9)
    public static let ioError = ResultCode(rawValue: 10)
    public static let corrupt = ResultCode(rawValue: 11)
    public static let full = ResultCode(rawValue: 13)
    public static let cantOpen = ResultCode(rawValue: 14)
    public static let `protocol` = ResultCode(rawValue: 15)
    public static let schema = ResultCode(rawValue: 17)
    public static let tooBig = ResultCode(rawValue: 18)
    public static let constraint = ResultCode(rawValue: 19)
    public static let mismatch = ResultCode(rawValue: 20)
    public static let misuse = ResultCode(rawValue: 21)
    public static let range = ResultCode(rawValue: 25)
    public static let notADatabase = ResultCode(rawValue: 26)
    public static let row = ResultCode(rawValue: 100)
    public static let done = ResultCode(rawValue: 101)

    /// SQLite's own English name for the code ("database is locked").
    public var description: String {
        "\(String(cString: sqlite3_errstr(rawValue))) (\(rawValue))"
    }
}

/// An error reported by SQLite.
///
/// Carries the (extended) result code and `sqlite3_errmsg` captured right after the failing
/// call, and the SQL text when a statement was involved. Bound arguments are never recorded:
/// they may hold user data or secrets.
public struct SQLiteError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The extended result code.
    public var code: ResultCode
    /// SQLite's message for the failure.
    public var message: String
    /// The statement's SQL, without its arguments, when known.
    public var sql: String?

    public init(code: ResultCode, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    public var description: String {
        var s = "SQLite error \(code.rawValue) (\(String(cString: sqlite3_errstr(code.rawValue)))): \(message)"
        if let sql { s += " — in \(sql)" }
        return s
    }

    /// Whether the database was busy or locked by another connection (worth retrying later).
    public var isBusy: Bool { code.primary == .busy || code.primary == .locked }
}

/// The one return-code checker: captures the code and `sqlite3_errmsg` before anything else runs.
@inline(__always)
func check(_ rc: Int32, _ db: OpaquePointer?, sql: String? = nil) throws(SQLiteError) {
    if rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE {
        throw makeError(rc, db, sql: sql)
    }
}

func makeError(_ rc: Int32, _ db: OpaquePointer?, sql: String? = nil) -> SQLiteError {
    // sqlite3_extended_errcode gives the extended code of the most recent failure on `db`;
    // prefer it when its primary part agrees with `rc`.
    var code = rc
    var message = String(cString: sqlite3_errstr(rc))
    if let db {
        let ext = sqlite3_extended_errcode(db)
        if ext & 0xff == rc & 0xff { code = ext }
        if let m = sqlite3_errmsg(db) { message = String(cString: m) }
    }
    return SQLiteError(code: ResultCode(rawValue: code), message: message, sql: sql)
}
