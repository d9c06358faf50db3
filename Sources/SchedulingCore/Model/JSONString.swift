/// JSON text for the few places that write JSON by hand (alert bodies, schedctl's `--json`).
public enum JSONString {
    /// `s` as a JSON string literal (RFC 8259): the quote, the backslash and control characters
    /// escaped, everything else as it is (UTF-8 output). With `htmlSafe`, also `<` `>` `&` and
    /// U+2028/U+2029, so the text is safe inside an HTML page (a `<script>` or an attribute).
    public static func quote(_ s: String, htmlSafe: Bool = false) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || (htmlSafe && ["<", ">", "&", "\u{2028}", "\u{2029}"].contains(u)) {
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
