internal import CPostgreSQL

/// A PostgreSQL type, by its OID (`pg_type.oid`). The static members are the built-in types
/// whose OIDs are fixed across versions.
public struct PostgreSQLType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// No type given: the server infers it from the statement.
    public static let unspecified = PostgreSQLType(rawValue: 0)
    public static let bool = PostgreSQLType(rawValue: 16)
    public static let bytea = PostgreSQLType(rawValue: 17)
    public static let int8 = PostgreSQLType(rawValue: 20)
    public static let int2 = PostgreSQLType(rawValue: 21)
    public static let int4 = PostgreSQLType(rawValue: 23)
    public static let text = PostgreSQLType(rawValue: 25)
    public static let oid = PostgreSQLType(rawValue: 26)
    public static let json = PostgreSQLType(rawValue: 114)
    public static let float4 = PostgreSQLType(rawValue: 700)
    public static let float8 = PostgreSQLType(rawValue: 701)
    public static let varchar = PostgreSQLType(rawValue: 1043)
    public static let timestamp = PostgreSQLType(rawValue: 1114)
    public static let timestamptz = PostgreSQLType(rawValue: 1184)
    public static let numeric = PostgreSQLType(rawValue: 1700)
    public static let uuid = PostgreSQLType(rawValue: 2950)
    public static let jsonb = PostgreSQLType(rawValue: 3802)

    public var description: String { "oid \(rawValue)" }
}

/// A parameter or column value.
///
/// Parameters are sent apart from the SQL text (never interpolated into it), in binary with
/// their type's OID: `text` as `text`, `int64` as `int8`, `double` as `float8`, `bool` as
/// `bool`, `bytes` as `bytea`. A prepared statement whose parameter the server typed otherwise
/// (an `int4` column, a `timestamptz` cast…) receives the value in text format, which the server
/// parses into its type. Write casts for other types: `$1::timestamptz`, `$2::uuid`.
public enum PostgreSQLValue: Hashable, Sendable, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    case null
    case text(String)
    case int64(Int64)
    case double(Double)
    case bool(Bool)
    case bytes([UInt8])

    public init(integerLiteral value: Int64) { self = .int64(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }

    /// An Int, sent as `int8`; `.null` for nil.
    public static func int(_ value: Int?) -> PostgreSQLValue { value.map { .int64(Int64($0)) } ?? .null }
    /// `.null` for nil, else the value `wrap` makes: `.optional(name, .text)`.
    public static func optional<T>(_ value: T?, _ wrap: (T) -> PostgreSQLValue) -> PostgreSQLValue {
        value.map(wrap) ?? .null
    }

    /// The type the value is sent as; `.unspecified` for NULL, which fits any type.
    public var type: PostgreSQLType {
        switch self {
        case .null: .unspecified
        case .text: .text
        case .int64: .int8
        case .double: .float8
        case .bool: .bool
        case .bytes: .bytea
        }
    }

    /// The binary wire form for ``type``.
    func appendBinary(to out: inout [UInt8]) {
        switch self {
        case .null: break
        case .text(let s): out.append(contentsOf: s.utf8)
        case .int64(let v): withUnsafeBytes(of: v.bigEndian) { out.append(contentsOf: $0) }
        case .double(let v): withUnsafeBytes(of: v.bitPattern.bigEndian) { out.append(contentsOf: $0) }
        case .bool(let v): out.append(v ? 1 : 0)
        case .bytes(let b): out.append(contentsOf: b)
        }
    }

    /// The text wire form, which the server's input function for any compatible type parses.
    func appendText(to out: inout [UInt8]) {
        switch self {
        case .null: break
        case .text(let s): out.append(contentsOf: s.utf8)
        case .int64(let v): out.append(contentsOf: String(v).utf8)
        case .double(let v):
            let s =
                v.isNaN ? "NaN" : v == .infinity ? "Infinity" : v == -.infinity ? "-Infinity" : String(v)
            out.append(contentsOf: s.utf8)
        case .bool(let v): out.append(contentsOf: (v ? "true" : "false").utf8)
        case .bytes(let b):
            out.append(contentsOf: "\\x".utf8)
            for byte in b {
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0xf)])
            }
        }
    }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

/// Parameters laid out for `PQexecParams` / `PQexecPrepared`: one byte buffer holding every
/// value (each followed by a NUL, so text-format values are C strings and an empty value still
/// has a non-null address), with the types, lengths and formats arrays libpq takes.
struct EncodedParameters {
    private var bytes: [UInt8] = []
    private var offsets: [Int] = []
    private(set) var types: [UInt32] = []
    private var lengths: [Int32] = []
    private var formats: [Int32] = []
    private var isNull: [Bool] = []

    var count: Int32 { Int32(types.count) }

    /// - Parameter declared: the prepared statement's parameter types, when known; a non-NULL
    ///   value whose own type differs is sent in text format.
    init(_ values: [PostgreSQLValue], declared: [PostgreSQLType]? = nil) {
        for (i, value) in values.enumerated() {
            let declaredType = declared.flatMap { i < $0.count ? $0[i] : nil }
            offsets.append(bytes.count)
            isNull.append(value == .null)
            if let declaredType, declaredType != .unspecified, declaredType != value.type, value != .null {
                value.appendText(to: &bytes)
                formats.append(0)
                types.append(declaredType.rawValue)
            } else {
                value.appendBinary(to: &bytes)
                formats.append(1)
                types.append(value.type.rawValue)
            }
            lengths.append(Int32(bytes.count - offsets[i]))
            bytes.append(0)
        }
        bytes.append(0)
    }

    /// Calls `body` with the pointers libpq takes: types, values, lengths, formats.
    func withPointers<R>(
        _ body: (
            UnsafePointer<UInt32>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?
        ) throws(PostgreSQLError) -> R
    ) throws(PostgreSQLError) -> R {
        let result: Result<R, PostgreSQLError> = bytes.withUnsafeBytes { raw in
            // `bytes` always ends with a NUL, so it is never empty and has an address.
            let base = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
            let values: [UnsafePointer<CChar>?] = offsets.indices.map { isNull[$0] ? nil : base + offsets[$0] }
            return types.withUnsafeBufferPointer { t in
                values.withUnsafeBufferPointer { v in
                    lengths.withUnsafeBufferPointer { l in
                        formats.withUnsafeBufferPointer { f in
                            Result { () throws(PostgreSQLError) -> R in
                                try body(t.baseAddress, v.baseAddress, l.baseAddress, f.baseAddress)
                            }
                        }
                    }
                }
            }
        }
        return try result.get()
    }
}
