import Foundation
import SchedulingCore

/// A JSON value for the few small answers the console's script reads.
indirect enum JSONValue {
    case string(String), number(Double), bool(Bool), array([JSONValue]), object([(String, JSONValue)])

    var text: String {
        switch self {
        case .string(let s): return JSONText.quote(s)
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .bool(let b): return b ? "true" : "false"
        case .array(let a): return "[" + a.map(\.text).joined(separator: ",") + "]"
        case .object(let o): return "{" + o.map { JSONText.quote($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}"
        }
    }
}

/// JSON text for ``JSONValue``s.
enum JSONText {
    static func object(_ fields: [(String, JSONValue)]) -> String { JSONValue.object(fields).text }

    /// A JSON string literal; `<` `>` `&` escaped too, so the text is safe inside HTML as well.
    static func quote(_ s: String) -> String { JSONString.quote(s, htmlSafe: true) }
}
