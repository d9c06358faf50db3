/// A classic 5-field cron expression: `minute hour day-of-month month day-of-week`.
///
/// Fields take `*`, numbers, lists (`1,15`), ranges (`1-5`), steps (`*/15`, `1-10/2`, `5/10`),
/// month names `JAN`–`DEC` and weekday names `SUN`–`SAT` (case-insensitive); day-of-week 0 and 7
/// are both Sunday. When both day fields are restricted (neither starts with `*`), a day matches
/// if either matches (Vixie cron). The shortcuts `@yearly`, `@annually`, `@monthly`, `@weekly`,
/// `@daily`, `@midnight` and `@hourly` are accepted too.
///
/// Evaluated on wall-clock minutes in a zone (see ``Recurrence``): a minute inside a DST gap
/// fires at the instant RFC 5545 gives it (offset before the gap), a repeated minute fires once,
/// at its first occurrence.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The expression as given (trimmed).
    public let text: String
    let minutes: UInt64
    let hours: UInt32
    /// Bits 1…31.
    let daysOfMonth: UInt32
    /// Bits 1…12.
    let months: UInt16
    /// Bits 0…6, 0 = Sunday.
    let daysOfWeek: UInt8
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool
    /// No day can ever match (e.g. `0 0 30 2 *`).
    let impossible: Bool

    public var description: String { text }

    /// Parses a 5-field expression; errors name the field and why, e.g.
    /// `cron minute field "61": out of range 0…59`. An expression that can never fire is refused:
    /// `cron expression "0 0 31 2 *": never fires: day 31 does not occur in February`.
    public static func parse(_ expr: String) throws(RecurrenceError) -> CronExpression {
        try parse(expr, allowingNeverFiring: false)
    }

    /// Parses like ``parse(_:)``; with `allowingNeverFiring`, an expression no day can match is
    /// kept (its searches find nothing). For re-reading expressions stored before such
    /// expressions were refused, so an old series ends instead of failing.
    package static func parse(_ expr: String, allowingNeverFiring: Bool) throws(RecurrenceError) -> CronExpression {
        let trimmed = String(expr.trimmingSpaces())
        var source = trimmed
        switch trimmed.lowercased() {
        case "@yearly", "@annually": source = "0 0 1 1 *"
        case "@monthly": source = "0 0 1 * *"
        case "@weekly": source = "0 0 * * 0"
        case "@daily", "@midnight": source = "0 0 * * *"
        case "@hourly": source = "0 * * * *"
        default:
            if trimmed.hasPrefix("@") {
                throw RecurrenceError(part: "cron expression \"\(trimmed)\"", reason: "unknown shortcut")
            }
        }
        let fields = source.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count == 5 else {
            throw RecurrenceError(
                part: "cron expression \"\(trimmed)\"",
                reason: "expected 5 fields (minute hour day-of-month month day-of-week), found \(fields.count)")
        }
        let minute = try field(fields[0], name: "minute", range: 0...59, names: [:])
        let hour = try field(fields[1], name: "hour", range: 0...23, names: [:])
        let dom = try field(fields[2], name: "day-of-month", range: 1...31, names: [:])
        let month = try field(fields[3], name: "month", range: 1...12, names: monthNames)
        let dow = try field(fields[4], name: "day-of-week", range: 0...7, names: weekdayNames)
        var dowBits = UInt8(truncatingIfNeeded: dow & 0x7F)
        if dow & (1 << 7) != 0 { dowBits |= 1 }
        let domRestricted = !fields[2].hasPrefix("*")
        let dowRestricted = !fields[4].hasPrefix("*")
        let never = impossible(
            daysOfMonth: UInt32(dom), months: UInt16(month), daysOfWeek: dowBits,
            dayOfMonthRestricted: domRestricted, dayOfWeekRestricted: dowRestricted)
        if never && !allowingNeverFiring {
            throw RecurrenceError(
                part: "cron expression \"\(trimmed)\"",
                reason: "never fires: " + missingDays(daysOfMonth: UInt32(dom), months: UInt16(month)))
        }
        return CronExpression(
            text: trimmed, minutes: minute, hours: UInt32(hour),
            daysOfMonth: UInt32(dom), months: UInt16(month), daysOfWeek: dowBits,
            dayOfMonthRestricted: domRestricted, dayOfWeekRestricted: dowRestricted, impossible: never)
    }

    /// Why an ``impossible(daysOfMonth:months:daysOfWeek:dayOfMonthRestricted:dayOfWeekRestricted:)``
    /// expression never fires, e.g. `days 30 and 31 do not occur in February`.
    static func missingDays(daysOfMonth: UInt32, months: UInt16) -> String {
        let days = (1...31).filter { daysOfMonth & (1 << UInt32($0)) != 0 }.map(String.init)
        let names = (1...12).filter { months & (1 << UInt16($0)) != 0 }.map { monthFullNames[$0 - 1] }
        func join(_ items: [String], _ word: String) -> String {
            items.count < 2 ? items.joined() : items.dropLast().joined(separator: ", ") + " \(word) " + items.last!
        }
        let subject = days.count == 1 ? "day \(days[0]) does" : "days \(join(days, "and")) do"
        return "\(subject) not occur in \(join(names, "or"))"
    }

    static let monthFullNames = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]

    static let monthNames: [String: Int] = [
        "JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6,
        "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12,
    ]
    static let weekdayNames: [String: Int] = ["SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6]

    /// Parses one field into a bit set over `range`.
    static func field(
        _ text: Substring, name: String, range: ClosedRange<Int>, names: [String: Int]
    ) throws(RecurrenceError) -> UInt64 {
        let part = "cron \(name) field \"\(text)\""
        func value(_ s: Substring) throws(RecurrenceError) -> Int {
            if let n = names[s.uppercased()] { return n }
            guard !s.isEmpty, s.allSatisfy({ $0 >= "0" && $0 <= "9" }) else {
                if s.first?.isLetter == true {
                    let known = names.isEmpty ? "names are not allowed here" : "unknown name \"\(s)\""
                    throw RecurrenceError(part: part, reason: known)
                }
                throw RecurrenceError(part: part, reason: "\"\(s)\" is not a number")
            }
            // Digits too many for Int are a number too, just out of range.
            guard let v = Int(s), range.contains(v) else {
                throw RecurrenceError(part: part, reason: "out of range \(range.lowerBound)…\(range.upperBound)")
            }
            return v
        }
        var bits: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw RecurrenceError(part: part, reason: "empty list item") }
            var body = item
            var step = 1
            if let slash = item.firstIndex(of: "/") {
                body = item[..<slash]
                let stepText = item[item.index(after: slash)...]
                guard !stepText.isEmpty, stepText.allSatisfy({ $0 >= "0" && $0 <= "9" }) else {
                    throw RecurrenceError(part: part, reason: "step \"\(stepText)\" is not a number")
                }
                // Four digits, as always accepted: any step past the field's range fires once.
                guard let s = Int(stepText), s <= 9999 else {
                    throw RecurrenceError(part: part, reason: "step must be ≤ 9999")
                }
                guard s >= 1 else { throw RecurrenceError(part: part, reason: "step must be ≥ 1") }
                step = s
            }
            var lo: Int
            var hi: Int
            if body == "*" {
                lo = range.lowerBound
                hi = range.upperBound
                if range.upperBound == 7 { hi = 6 }  // `*` in day-of-week: 0…6 (7 repeats Sunday)
            } else if let dash = body.firstIndex(of: "-"), dash != body.startIndex {
                lo = try value(body[..<dash])
                hi = try value(body[body.index(after: dash)...])
                // `FRI-SUN`: Sunday closing a weekday range is day 7.
                if range.upperBound == 7 && hi == 0 && lo > 0 { hi = 7 }
                guard lo <= hi else {
                    throw RecurrenceError(part: part, reason: "range \(body) runs backwards")
                }
            } else {
                lo = try value(body)
                // Vixie: `5/10` means `5-max/10`.
                hi = item.contains("/") ? range.upperBound : lo
            }
            var v = lo
            while v <= hi {
                bits |= 1 << UInt64(v)
                v += step
            }
        }
        return bits
    }

    // MARK: Matching

    @inline(__always)
    func dayMatches(day: Int, weekday: Int) -> Bool {
        let domHit = daysOfMonth & (1 << UInt32(day)) != 0
        let dowHit = daysOfWeek & (1 << UInt8(weekday)) != 0
        if dayOfMonthRestricted && dayOfWeekRestricted { return domHit || dowHit }
        return domHit && dowHit
    }

    /// True when no day can ever match (e.g. `0 0 30 2 *`), so searches stop at once. Only
    /// expressions parsed with `allowingNeverFiring` can be like this.
    var neverMatches: Bool { impossible }

    /// Whether no day can ever match. Exact: with both day fields restricted a day matches when
    /// either does, and every weekday falls in every month; otherwise a day needs its day of
    /// month in a selected month, and then also each weekday in turn as the years pass (the
    /// Gregorian 400-year cycle puts every date, 29 February included, on every weekday).
    static func impossible(
        daysOfMonth: UInt32, months: UInt16, daysOfWeek: UInt8, dayOfMonthRestricted: Bool, dayOfWeekRestricted: Bool
    ) -> Bool {
        if dayOfMonthRestricted && dayOfWeekRestricted { return false }
        if daysOfWeek == 0 { return true }
        // Longest month among the selected months: any selected day up to it can occur.
        var longest = 0
        for m in 1...12 where months & (1 << UInt16(m)) != 0 {
            longest = max(longest, m == 2 ? 29 : LocalDateTime.daysInMonth(year: 2001, month: m))
        }
        return UInt64(daysOfMonth) & ((UInt64(1) << UInt64(longest + 1)) - 2) == 0
    }

    /// The first matching local minute at or after `local` (seconds on the local clock since
    /// 1970-01-01T00:00:00, a whole minute) and not after `limit` (nor the year 9999), jumping
    /// by month, day of month and hour, so a firing years away (`0 0 29 2 *`, or 29 February
    /// on a Sunday) costs a few dozen steps a year, never a scan of minutes.
    func nextLocalMinute(atOrAfter local: Int64, notAfter limit: Int64) -> Int64? {
        if neverMatches { return nil }
        var (year, month, day) = LocalDateTime.civil(fromDays: floorDiv(local, 86_400))
        let secOfDay = Int(local - floorDiv(local, 86_400) * 86_400)
        var hour = secOfDay / 3600
        var minute = (secOfDay % 3600) / 60
        let lastYear = LocalDateTime.civil(fromDays: floorDiv(limit, 86_400)).year
        /// Moves to the first minute of the next month.
        func nextMonth() {
            month += 1
            if month > 12 {
                month = 1
                year += 1
            }
            (day, hour, minute) = (1, 0, 0)
        }
        while year <= min(lastYear, 9999) {
            if months & (1 << UInt16(month)) == 0 {
                nextMonth()
                continue
            }
            let dim = LocalDateTime.daysInMonth(year: year, month: month)
            if day > dim {
                nextMonth()
                continue
            }
            if !(dayOfMonthRestricted && dayOfWeekRestricted) {
                // The day of month must match (the weekday too): go straight to the next one selected.
                let later = daysOfMonth & ~((UInt32(1) << UInt32(day)) - 1)
                let next = later.trailingZeroBitCount
                if later == 0 || next > dim {
                    nextMonth()
                    continue
                }
                if next != day { (day, hour, minute) = (next, 0, 0) }
            }
            let days = LocalDateTime.days(year: year, month: month, day: day)
            let weekday = LocalDateTime.isoWeekday(days: days) % 7  // 0 = Sunday
            if !dayMatches(day: day, weekday: weekday) {
                day += 1
                (hour, minute) = (0, 0)
                continue
            }
            let laterHours = hours & ~((UInt32(1) << UInt32(hour)) - 1)
            if laterHours == 0 {
                day += 1
                (hour, minute) = (0, 0)
                continue
            }
            let h = laterHours.trailingZeroBitCount
            if h != hour {
                hour = h
                minute = 0
            }
            let laterMinutes = minutes & ~((UInt64(1) << UInt64(minute)) - 1)
            if laterMinutes == 0 {
                hour += 1
                minute = 0
                if hour > 23 {
                    day += 1
                    hour = 0
                }
                continue
            }
            minute = laterMinutes.trailingZeroBitCount
            let found = days * 86_400 + Int64(hour * 3600 + minute * 60)
            return found <= limit ? found : nil
        }
        return nil
    }

    /// The first firing instant strictly after `after` in `zone`, no later than `limit`.
    func next(after: Instant, in zone: Zone, limit: Instant) -> Instant? {
        let s = after.unixSeconds
        let localAfter = zone.localDateTime(at: after).secondsSinceLocalEpoch
        var candidate = floorDiv(localAfter, 60) * 60 + 60
        // A wall-clock time in a gap that closed shortly before `after` maps to an instant after
        // it (02:30 → 03:30): look from the start of such a gap.
        if let change = zone.previousOffsetChange(atOrBefore: s), s - change < 93_600 {
            let before = Int64(zone.type(at: change - 1).utcOffset)
            let afterOffset = Int64(zone.type(at: change).utcOffset)
            if afterOffset > before {
                candidate = min(candidate, floorDiv(change + before, 60) * 60)
            }
        }
        // Local readings stay within a day of UTC plus the offset, so this bounds the wall clock.
        let localLimit = limit.unixSeconds + 2 * 93_600
        var best: Int64? = nil
        var scanLimit = Int64.max
        for _ in 0..<100_000 {
            guard let local = nextLocalMinute(atOrAfter: candidate, notAfter: localLimit), local <= scanLimit
            else { break }
            let instant = zone.resolveLocalSeconds(local)
            if instant > limit.unixSeconds { break }
            if Instant(unixSeconds: instant) > after {
                if best == nil || instant < best! { best = instant }
                // Later wall-clock minutes map to earlier instants only across a gap, i.e. while
                // the wall clock is still behind this instant's local reading.
                let reading = instant + Int64(zone.type(at: instant).utcOffset)
                if scanLimit == .max { scanLimit = reading - 1 }
                if local >= scanLimit { break }
            }
            candidate = local + 60
        }
        return best.map { Instant(unixSeconds: $0) }
    }
}
