import SchedulingCore
/// Minimal JSON writing with a stable key order, so scripts and tests can compare output.
enum JSON {
    indirect case object([(String, JSON)])
    case array([JSON])
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case null

    static func int(_ v: Int) -> JSON { .int(Int64(v)) }

    var text: String {
        switch self {
        case .object(let fields):
            return "{" + fields.map { "\(JSON.quote($0.0)): \($0.1.text)" }.joined(separator: ", ") + "}"
        case .array(let items):
            return "[" + items.map(\.text).joined(separator: ", ") + "]"
        case .string(let s): return JSON.quote(s)
        case .int(let i): return String(i)
        case .double(let d): return d.isFinite ? String(d) : "null"
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    static func quote(_ s: String) -> String { JSONString.quote(s) }
}
