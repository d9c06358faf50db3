/// A wall-clock date and time without a zone: what a person in some zone reads on a clock.
///
/// Fields are proleptic Gregorian, seconds precision. Values are always valid calendar dates
/// (construct through ``init(year:month:day:hour:minute:second:)`` which validates, or the
/// unchecked arithmetic helpers used by the recurrence engine).
public struct LocalDateTime: Hashable, Comparable, Sendable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int

    /// Creates a validated date-time; nil when a field is out of range (e.g. February 30).
    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...LocalDateTime.daysInMonth(year: year, month: month)).contains(day),
            (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        self.init(uncheckedYear: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    @inlinable
    public init(uncheckedYear year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The date-time `seconds` after 1970-01-01T00:00:00 on the same (zone-less) clock.
    @inlinable
    public init(secondsSinceLocalEpoch seconds: Int64) {
        let days = seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
        let rem = Int(seconds - days * 86_400)
        let (y, m, d) = LocalDateTime.civil(fromDays: days)
        self.init(uncheckedYear: y, month: m, day: d, hour: rem / 3600, minute: (rem % 3600) / 60, second: rem % 60)
    }

    /// Seconds since 1970-01-01T00:00:00 on the same clock (what UTC would read).
    @inlinable
    public var secondsSinceLocalEpoch: Int64 {
        LocalDateTime.days(year: year, month: month, day: day) * 86_400
            + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Days since 1970-01-01 of this date.
    @inlinable
    public var daysSinceEpoch: Int64 { LocalDateTime.days(year: year, month: month, day: day) }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    @inlinable
    public var isoWeekday: Int { LocalDateTime.isoWeekday(days: daysSinceEpoch) }

    /// Day of the year, 1-based.
    @inlinable
    public var dayOfYear: Int {
        Int(daysSinceEpoch - LocalDateTime.days(year: year, month: 1, day: 1)) + 1
    }

    @inlinable
    public static func < (a: LocalDateTime, b: LocalDateTime) -> Bool {
        if a.year != b.year { return a.year < b.year }
        if a.month != b.month { return a.month < b.month }
        if a.day != b.day { return a.day < b.day }
        if a.hour != b.hour { return a.hour < b.hour }
        if a.minute != b.minute { return a.minute < b.minute }
        return a.second < b.second
    }

    // MARK: Calendar arithmetic (Howard Hinnant's civil-from-days algorithms)

    @inlinable
    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    @inlinable
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    @inlinable
    public static func daysInYear(_ year: Int) -> Int { isLeap(year) ? 366 : 365 }

    /// Days from 1970-01-01 to the given civil date.
    @inlinable
    public static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64(month > 2 ? month - 3 : month + 9)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date `days` after 1970-01-01.
    @inlinable
    public static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }

    /// ISO weekday (1 = Monday … 7 = Sunday) of the day `days` after 1970-01-01 (a Thursday).
    @inlinable
    public static func isoWeekday(days: Int64) -> Int {
        let w = Int(((days % 7) + 7 + 3) % 7)  // 0 = Monday
        return w + 1
    }
}

extension LocalDateTime: CustomStringConvertible {
    /// `YYYY-MM-DDTHH:MM:SS`, the form the wire and the CLI use for local times.
    public var description: String {
        // The fields are public and mutable: outside the ranges `init?` guarantees, pad as text.
        guard (0...9999).contains(year), (0...99).contains(month), (0...99).contains(day), (0...99).contains(hour),
            (0...99).contains(minute), (0...99).contains(second)
        else {
            func pad(_ v: Int, _ n: Int) -> String {
                let s = String(v)
                return s.count >= n ? s : String(repeating: "0", count: n - s.count) + s
            }
            return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
        }
        // Written digit by digit into the string's one buffer (every Enqueue stores this text).
        return String(unsafeUninitializedCapacity: 19) { b in
            func put(_ value: Int, digits: Int, at: Int) {
                var v = value
                for i in stride(from: at + digits - 1, through: at, by: -1) {
                    b[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
                    v /= 10
                }
            }
            put(year, digits: 4, at: 0)
            b[4] = UInt8(ascii: "-")
            put(month, digits: 2, at: 5)
            b[7] = UInt8(ascii: "-")
            put(day, digits: 2, at: 8)
            b[10] = UInt8(ascii: "T")
            put(hour, digits: 2, at: 11)
            b[13] = UInt8(ascii: ":")
            put(minute, digits: 2, at: 14)
            b[16] = UInt8(ascii: ":")
            put(second, digits: 2, at: 17)
            return 19
        }
    }
}

extension LocalDateTime {
    /// Parses `YYYY-MM-DDTHH:MM[:SS]` (a space instead of `T` is accepted).
    public static func parse(_ text: String) throws(TimeParseError) -> LocalDateTime {
        var bytes = Array(text.utf8)
        if bytes.count == 16 { bytes += Array(":00".utf8) }
        return try parse(bytes: bytes, original: text)
    }

    /// Parses a 19-byte `YYYY-MM-DDTHH:MM:SS`.
    static func parse(bytes: [UInt8], original: String) throws(TimeParseError) -> LocalDateTime {
        let shape = "expected YYYY-MM-DDTHH:MM:SS"
        guard bytes.count == 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "t"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let y = Instant.digits(bytes, 0, 4), let mo = Instant.digits(bytes, 5, 2),
            let d = Instant.digits(bytes, 8, 2), let h = Instant.digits(bytes, 11, 2),
            let mi = Instant.digits(bytes, 14, 2), let s = Instant.digits(bytes, 17, 2)
        else { throw TimeParseError(input: original, reason: shape) }
        guard (1...12).contains(mo) else { throw TimeParseError(input: original, reason: "month \(mo) out of range 1…12") }
        guard y >= 1 else { throw TimeParseError(input: original, reason: "year out of range 1…9999") }
        let dim = daysInMonth(year: y, month: mo)
        guard (1...dim).contains(d) else {
            throw TimeParseError(input: original, reason: "day \(d) out of range 1…\(dim) for \(y)-\(mo < 10 ? "0" : "")\(mo)")
        }
        guard h <= 23 else { throw TimeParseError(input: original, reason: "hour \(h) out of range 0…23") }
        guard mi <= 59 else { throw TimeParseError(input: original, reason: "minute \(mi) out of range 0…59") }
        guard s <= 59 else { throw TimeParseError(input: original, reason: "second \(s) out of range 0…59") }
        return LocalDateTime(uncheckedYear: y, month: mo, day: d, hour: h, minute: mi, second: s)
    }
}
