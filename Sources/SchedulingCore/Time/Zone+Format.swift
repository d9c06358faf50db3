extension Zone {
    /// The seed's `getLocalTimeString` style: `2025-01-15 09:00 AM PST`.
    public static let defaultFormat = "yyyy-MM-dd hh:mm a zzz"

    /// Formats `instant` as wall-clock time in this zone.
    ///
    /// Pattern letters (a subset of Unicode TR35, as date-fns uses): `yyyy` year, `MM` month,
    /// `MMM` Jan, `MMMM` January, `dd` day, `EEE` Mon, `EEEE` Monday, `HH` 0–23, `hh` 1–12,
    /// `mm` minute, `ss` second, `a` AM/PM, `zzz` abbreviation (EDT, +0545), `xxx` offset
    /// (`-04:00`), `XXX` offset or `Z` for UTC. Text in single quotes is literal (`''` is a quote);
    /// other characters are copied.
    public func format(_ instant: Instant, pattern: String = Zone.defaultFormat) -> String {
        let t = type(at: instant.unixSeconds)
        let l = LocalDateTime(secondsSinceLocalEpoch: instant.unixSeconds + Int64(t.utcOffset))
        let chars = Array(pattern)
        var out = ""
        var i = 0
        func pad(_ v: Int, _ n: Int) -> String {
            let s = String(v)
            return s.count >= n ? s : String(repeating: "0", count: n - s.count) + s
        }
        func offsetText(_ seconds: Int32, zulu: Bool) -> String {
            if zulu && seconds == 0 { return "Z" }
            let sign = seconds < 0 ? "-" : "+"
            let a = Int(abs(seconds))
            return "\(sign)\(pad(a / 3600, 2)):\(pad((a % 3600) / 60, 2))"
        }
        while i < chars.count {
            let c = chars[i]
            if c == "'" {
                var j = i + 1
                if j < chars.count, chars[j] == "'" {
                    out.append("'")
                    i += 2
                    continue
                }
                while j < chars.count, chars[j] != "'" {
                    out.append(chars[j])
                    j += 1
                }
                i = j + 1
                continue
            }
            var n = 1
            while i + n < chars.count, chars[i + n] == c { n += 1 }
            switch c {
            case "y": out += n == 2 ? pad(l.year % 100, 2) : pad(l.year, n)
            case "M":
                switch n {
                case 1: out += String(l.month)
                case 2: out += pad(l.month, 2)
                case 3: out += String(Self.monthNames[l.month - 1].prefix(3))
                default: out += Self.monthNames[l.month - 1]
                }
            case "d": out += pad(l.day, n)
            case "E":
                let name = Self.weekdayNames[l.isoWeekday - 1]
                out += n >= 4 ? name : String(name.prefix(3))
            case "H": out += pad(l.hour, n)
            case "h": out += pad(l.hour % 12 == 0 ? 12 : l.hour % 12, n)
            case "m": out += pad(l.minute, n)
            case "s": out += pad(l.second, n)
            case "a": out += l.hour < 12 ? "AM" : "PM"
            case "z": out += t.abbreviation
            case "x": out += offsetText(t.utcOffset, zulu: false)
            case "X": out += offsetText(t.utcOffset, zulu: true)
            default: out += String(repeating: c, count: n)
            }
            i += n
        }
        return out
    }

    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]
    static let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
}
