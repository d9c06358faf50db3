/// JSON text for the few places that write JSON by hand (alert bodies, schedctl's `--json`).
public enum JSONString {
    /// `s` as a JSON string literal (RFC 8259): the quote, the backslash and control characters
    /// escaped, everything else as it is (UTF-8 output).
    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
