/// A POSIX TZ string (the TZif footer), e.g. `EST5EDT,M3.2.0,M11.1.0` or `<+0545>-5:45`.
///
/// It describes local time for instants after the last transition in the table, which is
/// how a zone is evaluated in 2038 and beyond. Offsets here are stored east of UTC
/// (the POSIX text is west-positive; the parser flips the sign).
struct PosixTZ: Sendable, Hashable {
    struct Rule: Sendable, Hashable {
        enum Day: Sendable, Hashable {
            /// `Jn`: day 1…365, February 29 never counted.
            case julianNoLeap(Int)
            /// `n`: day 0…365, February 29 counted in leap years.
            case zeroBased(Int)
            /// `Mm.w.d`: day d (0 = Sunday) of week w (5 = last) of month m.
            case monthWeekDay(month: Int, week: Int, weekday: Int)
        }
        var day: Day
        /// Local time of the change in seconds (may be negative or exceed 24 h, per RFC 8536 §3.3.1).
        var time: Int

        /// The local date-time (as seconds since the local epoch) of this rule in `year`.
        func localSeconds(year: Int) -> Int64 {
            let days: Int64
            switch day {
            case .julianNoLeap(let n):
                var d = n - 1
                if LocalDateTime.isLeap(year), n >= 60 { d += 1 }
                days = LocalDateTime.days(year: year, month: 1, day: 1) + Int64(d)
            case .zeroBased(let n):
                days = LocalDateTime.days(year: year, month: 1, day: 1) + Int64(n)
            case .monthWeekDay(let m, let w, let wd):
                let first = LocalDateTime.days(year: year, month: m, day: 1)
                let firstWeekday = LocalDateTime.isoWeekday(days: first) % 7  // 0 = Sunday
                var dom = 1 + (wd - firstWeekday + 7) % 7 + (w - 1) * 7
                let dim = LocalDateTime.daysInMonth(year: year, month: m)
                while dom > dim { dom -= 7 }
                days = first + Int64(dom - 1)
            }
            return days * 86_400 + Int64(time)
        }
    }

    var standard: TZifData.TimeType
    var daylight: TZifData.TimeType?
    var start: Rule?
    var end: Rule?

    /// The DST start and end instants (Unix seconds) in `year`, when the rule has DST.
    func transitions(year: Int) -> (start: Int64, end: Int64)? {
        guard let dst = daylight, let start, let end else { return nil }
        // The start rule is expressed in standard local time, the end rule in daylight local time.
        let s = start.localSeconds(year: year) - Int64(standard.utcOffset)
        let e = end.localSeconds(year: year) - Int64(dst.utcOffset)
        return (s, e)
    }

    /// The local time type in force at `t` (Unix seconds).
    func type(at t: Int64) -> TZifData.TimeType {
        guard let dst = daylight, let tr = transitions(year: LocalDateTime(secondsSinceLocalEpoch: t).year) else {
            return standard
        }
        // "All-year DST" footers (start at Jan 1 00:00, end at Dec 31 24:00 + offset) land here too.
        if tr.start < tr.end {
            return (t >= tr.start && t < tr.end) ? dst : standard
        } else {
            // Southern hemisphere: DST spans the new year.
            return (t >= tr.end && t < tr.start) ? standard : dst
        }
    }

    /// The first instant strictly after `t` at which the footer changes type, if any.
    func nextChange(after t: Int64) -> Int64? {
        guard daylight != nil else { return nil }
        let year = LocalDateTime(secondsSinceLocalEpoch: t).year
        var candidates: [Int64] = []
        for y in (year - 1)...(year + 1) {
            if let tr = transitions(year: y) {
                candidates.append(tr.start)
                candidates.append(tr.end)
            }
        }
        return candidates.filter { $0 > t }.min()
    }

    /// The last instant at or before `t` at which the footer changed type, if any.
    func previousChange(atOrBefore t: Int64) -> Int64? {
        guard daylight != nil else { return nil }
        let year = LocalDateTime(secondsSinceLocalEpoch: t).year
        var candidates: [Int64] = []
        for y in (year - 1)...(year + 1) {
            if let tr = transitions(year: y) {
                candidates.append(tr.start)
                candidates.append(tr.end)
            }
        }
        return candidates.filter { $0 <= t }.max()
    }

    // MARK: Parsing

    static func parse(_ text: String) throws -> PosixTZ {
        var p = Parser(bytes: Array(text.utf8), text: text)
        let stdName = try p.name()
        let stdOffset = try p.offset()  // west-positive
        let standard = TZifData.TimeType(utcOffset: Int32(-stdOffset), isDST: false, abbreviation: stdName)
        if p.atEnd {
            return PosixTZ(standard: standard, daylight: nil, start: nil, end: nil)
        }
        let dstName = try p.name()
        var dstOffset = stdOffset - 3600
        if !p.atEnd, p.peek != UInt8(ascii: ",") {
            dstOffset = try p.offset()
        }
        let daylight = TZifData.TimeType(utcOffset: Int32(-dstOffset), isDST: true, abbreviation: dstName)
        guard !p.atEnd else {
            // No rule: POSIX says implementation-defined; tzdata always writes one. Use US rules.
            return PosixTZ(
                standard: standard, daylight: daylight,
                start: Rule(day: .monthWeekDay(month: 3, week: 2, weekday: 0), time: 7200),
                end: Rule(day: .monthWeekDay(month: 11, week: 1, weekday: 0), time: 7200))
        }
        try p.expect(",")
        let start = try p.rule()
        try p.expect(",")
        let end = try p.rule()
        guard p.atEnd else { throw TZifError(reason: "trailing text in TZ string \"\(text)\"") }
        return PosixTZ(standard: standard, daylight: daylight, start: start, end: end)
    }

    private struct Parser {
        let bytes: [UInt8]
        let text: String
        var i = 0

        var atEnd: Bool { i >= bytes.count }
        var peek: UInt8 { bytes[i] }

        func fail() -> TZifError { TZifError(reason: "bad TZ string \"\(text)\"") }

        mutating func expect(_ c: Character) throws {
            guard !atEnd, peek == c.asciiValue! else { throw fail() }
            i += 1
        }

        mutating func name() throws -> String {
            guard !atEnd else { throw fail() }
            if peek == UInt8(ascii: "<") {
                i += 1
                let s = i
                while !atEnd, peek != UInt8(ascii: ">") { i += 1 }
                guard !atEnd else { throw fail() }
                let n = String(decoding: bytes[s..<i], as: UTF8.self)
                i += 1
                return n
            }
            let s = i
            while !atEnd, (peek >= 65 && peek <= 90) || (peek >= 97 && peek <= 122) { i += 1 }
            guard i - s >= 3 else { throw fail() }
            return String(decoding: bytes[s..<i], as: UTF8.self)
        }

        mutating func number() throws -> Int {
            let s = i
            var v = 0
            while !atEnd, peek >= 48, peek <= 57 {
                v = v * 10 + Int(peek - 48)
                i += 1
            }
            guard i > s else { throw fail() }
            return v
        }

        /// `[+-]hh[:mm[:ss]]` in seconds.
        mutating func hms() throws -> Int {
            var sign = 1
            if !atEnd, peek == UInt8(ascii: "-") || peek == UInt8(ascii: "+") {
                if peek == UInt8(ascii: "-") { sign = -1 }
                i += 1
            }
            var v = try number() * 3600
            if !atEnd, peek == UInt8(ascii: ":") {
                i += 1
                v += try number() * 60
                if !atEnd, peek == UInt8(ascii: ":") {
                    i += 1
                    v += try number()
                }
            }
            return sign * v
        }

        mutating func offset() throws -> Int { try hms() }

        mutating func rule() throws -> Rule {
            guard !atEnd else { throw fail() }
            let day: Rule.Day
            if peek == UInt8(ascii: "J") {
                i += 1
                let n = try number()
                guard (1...365).contains(n) else { throw fail() }
                day = .julianNoLeap(n)
            } else if peek == UInt8(ascii: "M") {
                i += 1
                let m = try number()
                try expect(".")
                let w = try number()
                try expect(".")
                let d = try number()
                guard (1...12).contains(m), (1...5).contains(w), (0...6).contains(d) else { throw fail() }
                day = .monthWeekDay(month: m, week: w, weekday: d)
            } else {
                let n = try number()
                guard (0...365).contains(n) else { throw fail() }
                day = .zeroBased(n)
            }
            var time = 7200
            if !atEnd, peek == UInt8(ascii: "/") {
                i += 1
                time = try hms()
            }
            return Rule(day: day, time: time)
        }
    }
}
