/// An RFC 5545 recurrence rule (the body of an `RRULE` property).
///
/// Supported: `FREQ` (HOURLY, DAILY, WEEKLY, MONTHLY, YEARLY), `INTERVAL`, `COUNT`, `UNTIL`,
/// `BYMONTH`, `BYMONTHDAY`, `BYYEARDAY`, `BYWEEKNO`, `BYDAY`, `BYHOUR`, `BYMINUTE`, `BYSECOND`,
/// `BYSETPOS`, `WKST`. Expansion follows the table of RFC 5545 §3.3.10 exactly as python-dateutil's
/// `rrule` implements it (see ``Recurrence`` for evaluation in a zone).
///
/// A series fires at most once per hour from its frequency: `FREQ=HOURLY` (INTERVAL ≥ 1) is the
/// shortest period, and with it `BYMINUTE` and `BYSECOND` take one value each (more would fire
/// several times an hour). SECONDLY and MINUTELY are refused.
public struct RecurrenceRule: Sendable, Hashable, CustomStringConvertible {
    /// The `FREQ` rule part.
    public enum Frequency: String, Sendable, Hashable, CaseIterable {
        case hourly = "HOURLY"
        case daily = "DAILY"
        case weekly = "WEEKLY"
        case monthly = "MONTHLY"
        case yearly = "YEARLY"
    }

    /// The `UNTIL` bound (inclusive).
    public enum Until: Sendable, Hashable {
        /// `20270101T000000` (floating, compared with the wall-clock occurrence) or the date-only
        /// `20270101`, read like python-dateutil as local midnight at the start of that day.
        case local(LocalDateTime)
        /// `20270101T000000Z`, compared with the occurrence's instant.
        case utc(Instant)
    }

    /// A `BYDAY` entry: a weekday with an optional ordinal (`MO`, `2TU`, `-1FR`).
    public struct WeekdayNumber: Sendable, Hashable {
        /// ISO weekday, 1 = Monday … 7 = Sunday.
        public var weekday: Int
        /// 0 for every such weekday, otherwise the ±n-th within the month or year.
        public var ordinal: Int

        public init(weekday: Int, ordinal: Int = 0) {
            self.weekday = weekday
            self.ordinal = ordinal
        }
    }

    /// `FREQ`: the length of one period.
    public var frequency: Frequency
    /// `INTERVAL`, 1…``maxInterval``: every n-th period.
    public var interval: Int = 1
    /// `COUNT`, 1…``maxCount``: the number of occurrences emitted (after coinciding instants
    /// collapse), DTSTART included (RFC 5545 §3.8.5.3).
    public var count: Int?
    /// `UNTIL`: the last possible occurrence (inclusive).
    public var until: Until?
    /// `BYMONTH`, 1…12. Empty lists mean the part is absent.
    public var byMonth: [Int] = []
    /// `BYMONTHDAY`, 1…31 or -31…-1 (from the end of the month).
    public var byMonthDay: [Int] = []
    /// `BYYEARDAY`, 1…366 or -366…-1 (YEARLY or HOURLY).
    public var byYearDay: [Int] = []
    /// `BYWEEKNO`, 1…53 or -53…-1, weeks as numbered with ``weekStart`` (YEARLY only).
    public var byWeekNo: [Int] = []
    /// `BYDAY`; ordinals only with MONTHLY or YEARLY.
    public var byDay: [WeekdayNumber] = []
    /// `BYHOUR`, 0…23; absent means DTSTART's hour (with HOURLY: absent means every hour).
    public var byHour: [Int] = []
    /// `BYMINUTE`, 0…59; absent means DTSTART's minute. One value at most with HOURLY.
    public var byMinute: [Int] = []
    /// `BYSECOND`, 0…59; absent means DTSTART's second. One value at most with HOURLY.
    public var bySecond: [Int] = []
    /// `BYSETPOS`, 1…366 or -366…-1: picks from each period's occurrence set.
    public var bySetPos: [Int] = []
    /// `WKST` as an ISO weekday (default 1 = Monday).
    public var weekStart: Int = 1

    /// The largest `INTERVAL` and `COUNT` accepted (nine digits, as stored series have always had).
    public static let maxInterval = 999_999_999
    public static let maxCount = 999_999_999

    /// A rule with the given frequency and no other parts.
    public init(frequency: Frequency) {
        self.frequency = frequency
    }

    /// The canonical RRULE body, parts in a fixed order (`FREQ=WEEKLY;BYDAY=MO,WE`).
    public var text: String {
        var parts = ["FREQ=\(frequency.rawValue)"]
        if interval != 1 { parts.append("INTERVAL=\(interval)") }
        if let count { parts.append("COUNT=\(count)") }
        if let until {
            switch until {
            case .local(let l): parts.append("UNTIL=\(Self.compact(l))")
            case .utc(let i): parts.append("UNTIL=\(Self.compact(i.utcDateTime))Z")
            }
        }
        func list(_ name: String, _ values: [Int]) {
            if !values.isEmpty { parts.append("\(name)=" + values.map(String.init).joined(separator: ",")) }
        }
        list("BYMONTH", byMonth)
        list("BYWEEKNO", byWeekNo)
        list("BYYEARDAY", byYearDay)
        list("BYMONTHDAY", byMonthDay)
        if !byDay.isEmpty {
            parts.append(
                "BYDAY="
                    + byDay.map { ($0.ordinal != 0 ? String($0.ordinal) : "") + Self.dayNames[$0.weekday - 1] }
                    .joined(separator: ","))
        }
        list("BYHOUR", byHour)
        list("BYMINUTE", byMinute)
        list("BYSECOND", bySecond)
        list("BYSETPOS", bySetPos)
        if weekStart != 1 { parts.append("WKST=\(Self.dayNames[weekStart - 1])") }
        return parts.joined(separator: ";")
    }

    public var description: String { text }

    static let dayNames = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]

    static func compact(_ l: LocalDateTime) -> String {
        func pad(_ v: Int, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        return pad(l.year, 4) + pad(l.month, 2) + pad(l.day, 2) + "T" + pad(l.hour, 2) + pad(l.minute, 2)
            + pad(l.second, 2)
    }
}

// MARK: - Parsing

extension RecurrenceRule {
    /// Parses an RRULE body such as `FREQ=MONTHLY;BYDAY=-1FR;COUNT=10`, with or without the
    /// `RRULE:` prefix. Part names and values are case-insensitive.
    ///
    /// Errors name the part as written and the reason: `BYMONTHDAY=32: out of range 1…31 or -31…-1`,
    /// `INTERVAL=0: out of range 1…999999999`, `COUNT=ten: "TEN" is not an integer`,
    /// `FOO=1: unknown rule part`, `FREQ: required rule part is missing`,
    /// `FREQ=MINUTELY: not supported: a series fires at most once an hour (use HOURLY, …)`.
    public static func parse(_ rrule: String) throws(RecurrenceError) -> RecurrenceRule {
        var body = Substring(rrule.trimmingSpaces())
        if body.uppercased().hasPrefix("RRULE:") { body = body.dropFirst(6) }
        var seen: Set<String> = []
        var values: [(name: String, value: String, raw: String)] = []
        for piece in body.split(separator: ";", omittingEmptySubsequences: true) {
            let raw = String(piece)
            guard let eq = piece.firstIndex(of: "=") else {
                throw RecurrenceError(part: raw, reason: "expected NAME=VALUE")
            }
            let name = piece[..<eq].uppercased()
            let value = String(piece[piece.index(after: eq)...]).uppercased()
            guard Self.knownParts.contains(name) else {
                throw RecurrenceError(part: raw, reason: "unknown rule part")
            }
            guard seen.insert(name).inserted else {
                throw RecurrenceError(part: raw, reason: "duplicate rule part (\(name) may appear once)")
            }
            guard !value.isEmpty else { throw RecurrenceError(part: raw, reason: "empty value") }
            values.append((name, value, raw))
        }
        guard let freqPart = values.first(where: { $0.name == "FREQ" }) else {
            throw RecurrenceError(part: "FREQ", reason: "required rule part is missing")
        }
        let frequency: Frequency
        switch freqPart.value {
        case "HOURLY": frequency = .hourly
        case "DAILY": frequency = .daily
        case "WEEKLY": frequency = .weekly
        case "MONTHLY": frequency = .monthly
        case "YEARLY": frequency = .yearly
        case "SECONDLY", "MINUTELY":
            throw RecurrenceError(
                part: freqPart.raw,
                reason: "not supported: a series fires at most once an hour (use \(supportedFrequencies))")
        default:
            throw RecurrenceError(part: freqPart.raw, reason: "unknown frequency (use \(supportedFrequencies))")
        }
        var rule = RecurrenceRule(frequency: frequency)
        var untilRaw = ""
        for (name, value, raw) in values {
            switch name {
            case "FREQ": break
            case "INTERVAL": rule.interval = try integer(value, raw: raw, in: 1...maxInterval)
            case "COUNT": rule.count = try integer(value, raw: raw, in: 1...maxCount)
            case "UNTIL":
                rule.until = try parseUntil(value, raw: raw)
                untilRaw = raw
            case "BYMONTH": rule.byMonth = try list(value, raw: raw, positive: 1...12)
            case "BYMONTHDAY": rule.byMonthDay = try list(value, raw: raw, positive: 1...31, negative: true)
            case "BYYEARDAY": rule.byYearDay = try list(value, raw: raw, positive: 1...366, negative: true)
            case "BYWEEKNO": rule.byWeekNo = try list(value, raw: raw, positive: 1...53, negative: true)
            case "BYHOUR": rule.byHour = try list(value, raw: raw, positive: 0...23)
            case "BYMINUTE": rule.byMinute = try list(value, raw: raw, positive: 0...59)
            case "BYSECOND": rule.bySecond = try list(value, raw: raw, positive: 0...59)
            case "BYSETPOS": rule.bySetPos = try list(value, raw: raw, positive: 1...366, negative: true)
            case "BYDAY": rule.byDay = try weekdays(value, raw: raw)
            case "WKST":
                guard let i = dayNames.firstIndex(of: value) else {
                    throw RecurrenceError(part: raw, reason: "expected a weekday MO, TU, WE, TH, FR, SA or SU")
                }
                rule.weekStart = i + 1
            default: break
            }
        }
        if rule.count != nil && rule.until != nil {
            throw RecurrenceError(part: untilRaw, reason: "COUNT and UNTIL cannot both be given (RFC 5545)")
        }
        func part(_ n: String) -> String { values.first { $0.name == n }?.raw ?? n }
        if !rule.byWeekNo.isEmpty && frequency != .yearly {
            throw RecurrenceError(part: part("BYWEEKNO"), reason: "only allowed with FREQ=YEARLY")
        }
        if !rule.byYearDay.isEmpty && frequency != .yearly && frequency != .hourly {
            throw RecurrenceError(part: part("BYYEARDAY"), reason: "only allowed with FREQ=YEARLY or FREQ=HOURLY")
        }
        if frequency == .hourly {
            // One occurrence per hour at most: HOURLY picks the minute and second, it does not list them.
            let reason = "one value only with FREQ=HOURLY (a series fires at most once an hour)"
            if rule.byMinute.count > 1 { throw RecurrenceError(part: part("BYMINUTE"), reason: reason) }
            if rule.bySecond.count > 1 { throw RecurrenceError(part: part("BYSECOND"), reason: reason) }
        }
        if !rule.byMonthDay.isEmpty && frequency == .weekly {
            throw RecurrenceError(part: part("BYMONTHDAY"), reason: "not allowed with FREQ=WEEKLY")
        }
        if rule.byDay.contains(where: { $0.ordinal != 0 }) {
            if frequency != .monthly && frequency != .yearly {
                throw RecurrenceError(
                    part: part("BYDAY"), reason: "ordinals (2TU, -1FR) only with FREQ=MONTHLY or FREQ=YEARLY")
            }
            if frequency == .yearly && !rule.byWeekNo.isEmpty {
                throw RecurrenceError(part: part("BYDAY"), reason: "ordinals cannot be combined with BYWEEKNO")
            }
        }
        if !rule.bySetPos.isEmpty
            && rule.byMonth.isEmpty && rule.byMonthDay.isEmpty && rule.byYearDay.isEmpty
            && rule.byWeekNo.isEmpty && rule.byDay.isEmpty && rule.byHour.isEmpty && rule.byMinute.isEmpty
            && rule.bySecond.isEmpty
        {
            throw RecurrenceError(part: part("BYSETPOS"), reason: "must be used with another BYxxx rule part")
        }
        return rule
    }

    static let knownParts: Set<String> = [
        "FREQ", "INTERVAL", "COUNT", "UNTIL", "BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYDAY",
        "BYHOUR", "BYMINUTE", "BYSECOND", "BYSETPOS", "WKST",
    ]

    /// The frequencies `FREQ` takes, for error messages.
    static let supportedFrequencies = "HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY"

    /// An optionally signed decimal integer. Text that is not one is refused as "not an integer";
    /// one too long for `Int` comes back as `nil`, to be reported by the caller as out of range.
    static func integerOrHuge(_ text: some StringProtocol, raw: String) throws(RecurrenceError) -> Int? {
        var t = Substring(text)
        var sign = 1
        if t.first == "+" {
            t = t.dropFirst()
        } else if t.first == "-" {
            sign = -1
            t = t.dropFirst()
        }
        guard !t.isEmpty, t.allSatisfy({ $0 >= "0" && $0 <= "9" }) else {
            throw RecurrenceError(part: raw, reason: "\"\(text)\" is not an integer")
        }
        guard let v = Int(t) else { return nil }
        return sign * v
    }

    /// An integer in `range`: "not an integer" or "out of range lo…hi", whichever is the case.
    static func integer(_ text: some StringProtocol, raw: String, in range: ClosedRange<Int>) throws(RecurrenceError)
        -> Int
    {
        guard let v = try integerOrHuge(text, raw: raw), range.contains(v) else {
            throw RecurrenceError(part: raw, reason: "out of range \(range.lowerBound)…\(range.upperBound)")
        }
        return v
    }

    static func list(
        _ value: String, raw: String, positive: ClosedRange<Int>, negative: Bool = false
    ) throws(RecurrenceError) -> [Int] {
        var out: [Int] = []
        for item in value.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw RecurrenceError(part: raw, reason: "empty list item") }
            let parsed = try integerOrHuge(item, raw: raw)
            let ok = parsed.map { v in positive.contains(v) || (negative && v < 0 && -v <= positive.upperBound) }
            guard ok == true, let v = parsed else {
                let range = "\(positive.lowerBound)…\(positive.upperBound)"
                throw RecurrenceError(
                    part: raw,
                    reason: negative ? "out of range \(range) or -\(positive.upperBound)…-1" : "out of range \(range)")
            }
            if !out.contains(v) { out.append(v) }
        }
        return out
    }

    static func weekdays(_ value: String, raw: String) throws(RecurrenceError) -> [WeekdayNumber] {
        var out: [WeekdayNumber] = []
        for item in value.split(separator: ",", omittingEmptySubsequences: false) {
            guard item.count >= 2, let wd = dayNames.firstIndex(of: String(item.suffix(2))) else {
                throw RecurrenceError(
                    part: raw, reason: "\"\(item)\" is not a weekday ([±n]MO, TU, WE, TH, FR, SA or SU)")
            }
            var ordinal = 0
            let prefix = item.dropLast(2)
            if !prefix.isEmpty {
                ordinal = try integerOrHuge(prefix, raw: raw) ?? 0
                guard ordinal != 0, abs(ordinal) <= 53 else {
                    throw RecurrenceError(part: raw, reason: "ordinal \(prefix) out of range 1…53 or -53…-1")
                }
            }
            let w = WeekdayNumber(weekday: wd + 1, ordinal: ordinal)
            if !out.contains(w) { out.append(w) }
        }
        return out
    }

    static func parseUntil(_ value: String, raw: String) throws(RecurrenceError) -> Until {
        let b = Array(value.utf8)
        func num(_ start: Int, _ n: Int) -> Int? { Instant.digits(b, start, n) }
        let bad = RecurrenceError(part: raw, reason: "expected YYYYMMDD, YYYYMMDDTHHMMSS or YYYYMMDDTHHMMSSZ")
        guard b.count == 8 || b.count == 15 || (b.count == 16 && b[15] == UInt8(ascii: "Z")),
            let y = num(0, 4), let mo = num(4, 2), let d = num(6, 2)
        else { throw bad }
        var h = 0
        var mi = 0
        var s = 0
        if b.count > 8 {
            guard b[8] == UInt8(ascii: "T"), let hh = num(9, 2), let mm = num(11, 2), let ss = num(13, 2) else {
                throw bad
            }
            (h, mi, s) = (hh, mm, ss)
        }
        guard let local = LocalDateTime(year: y, month: mo, day: d, hour: h, minute: mi, second: s) else {
            throw RecurrenceError(part: raw, reason: "not a valid date and time")
        }
        if b.count == 16 { return .utc(Instant(unixSeconds: local.secondsSinceLocalEpoch)) }
        return .local(local)
    }
}

extension String {
    func trimmingSpaces() -> Substring {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return s
    }
}
