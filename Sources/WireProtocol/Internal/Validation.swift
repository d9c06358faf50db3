/// Syntax checks shared by the field checks (WireRuntime.swift) and the cross-field rules.
enum Validation {
    /// "YYYY-MM-DDTHH:MM:SS" with month 1–12, day 1–31, hour 0–23, minute and second 0–59.
    static func isLocalTime(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count == 19, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":")
        else { return false }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                guard b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") else { return nil }
                v = v * 10 + Int(b[i] - UInt8(ascii: "0"))
            }
            return v
        }
        guard let y = num(0..<4), let mo = num(5..<7), let d = num(8..<10), let h = num(11..<13),
            let mi = num(14..<16), let se = num(17..<19)
        else { return false }
        return y >= 1 && (1...12).contains(mo) && (1...31).contains(d) && h <= 23 && mi <= 59 && se <= 59
    }

    /// Letters, digits and "/_+-", 1–64 bytes, no "." path parts (e.g. "America/New_York", "UTC", "Etc/GMT+5").
    static func isZoneName(_ s: String) -> Bool {
        guard (1...64).contains(s.utf8.count), !s.hasPrefix("/"), !s.hasSuffix("/") else { return false }
        return s.utf8.allSatisfy { b in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "/")
                || b == UInt8(ascii: "_") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
        }
    }
}
