internal import CSQLite

extension Connection {
    /// Why an application-defined SQL function refused its arguments; the statement that called
    /// it fails with this message (SQLITE_ERROR).
    public struct FunctionError: Error, Sendable {
        public var message: String
        public init(_ message: String) { self.message = message }
    }

    /// Registers the scalar SQL function `name(…)` taking `argumentCount` arguments. It runs
    /// `body` on the connection's thread each time a statement evaluates it, returns NULL, and
    /// makes the statement fail when `body` throws. Meant for TEMP triggers that tell the
    /// application about row changes as SQLite makes them, whichever statement made them.
    public func createFunction(
        _ name: String, argumentCount: Int32, _ body: @escaping ([SQLiteValue]) throws(FunctionError) -> Void
    ) throws(SQLiteError) {
        guard let db = handle else { throw SQLiteError(code: .misuse, message: "connection is closed") }
        let box = Unmanaged.passRetained(FunctionBox(body)).toOpaque()
        let rc = sqlite3_create_function_v2(
            db, name, argumentCount, SQLITE_UTF8, box,
            { context, argc, argv in
                let box = Unmanaged<FunctionBox>.fromOpaque(sqlite3_user_data(context)!).takeUnretainedValue()
                var args: [SQLiteValue] = []
                args.reserveCapacity(Int(argc))
                for i in 0..<Int(argc) { args.append(SQLiteValue(argv![i])) }
                do throws(Connection.FunctionError) {
                    try box.body(args)
                    sqlite3_result_null(context)
                } catch {
                    sqlite3_result_error(context, error.message, -1)
                }
            }, nil, nil,
            { box in Unmanaged<FunctionBox>.fromOpaque(box!).release() })
        // On failure SQLite has already called the destructor, which released the box.
        if rc != SQLITE_OK { throw SQLiteError(code: ResultCode(rawValue: rc), message: "cannot create function \(name)") }
    }
}

private final class FunctionBox {
    let body: ([SQLiteValue]) throws(Connection.FunctionError) -> Void
    init(_ body: @escaping ([SQLiteValue]) throws(Connection.FunctionError) -> Void) { self.body = body }
}

extension SQLiteValue {
    /// The value of a function argument.
    init(_ value: OpaquePointer?) {
        switch sqlite3_value_type(value) {
        case SQLITE_INTEGER: self = .integer(sqlite3_value_int64(value))
        case SQLITE_FLOAT: self = .real(sqlite3_value_double(value))
        case SQLITE_TEXT:
            let n = Int(sqlite3_value_bytes(value))
            if let p = sqlite3_value_text(value) {
                self = .text(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
            } else {
                self = .text("")
            }
        case SQLITE_BLOB:
            let n = Int(sqlite3_value_bytes(value))
            if let p = sqlite3_value_blob(value), n > 0 {
                self = .blob(Array(UnsafeRawBufferPointer(start: p, count: n)))
            } else {
                self = .blob([])
            }
        default: self = .null
        }
    }
}
