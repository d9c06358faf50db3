/// A point on the UTC time line, with millisecond precision.
///
/// Instants are what the store persists and what the wire carries (`int64` Unix milliseconds).
/// Wall-clock times in a zone are ``LocalDateTime`` values; ``Zone`` converts between the two.
public struct Instant: Hashable, Comparable, Sendable {
    /// Milliseconds since 1970-01-01T00:00:00Z (negative before it).
    public var unixMilliseconds: Int64

    @inlinable
    public init(unixMilliseconds: Int64) {
        self.unixMilliseconds = unixMilliseconds
    }

    @inlinable
    public init(unixSeconds: Int64) {
        self.unixMilliseconds = unixSeconds &* 1000
    }

    /// Whole seconds since the epoch, rounded towards negative infinity.
    @inlinable
    public var unixSeconds: Int64 {
        unixMilliseconds >= 0 ? unixMilliseconds / 1000 : -((-unixMilliseconds + 999) / 1000)
    }

    @inlinable
    public static func < (lhs: Instant, rhs: Instant) -> Bool {
        lhs.unixMilliseconds < rhs.unixMilliseconds
    }

    /// The instant `seconds` later (earlier when negative).
    @inlinable
    public func adding(seconds: Int64) -> Instant {
        Instant(unixMilliseconds: unixMilliseconds + seconds * 1000)
    }

    /// The instant `milliseconds` later (earlier when negative).
    @inlinable
    public func adding(milliseconds: Int64) -> Instant {
        Instant(unixMilliseconds: unixMilliseconds + milliseconds)
    }

    /// Signed distance `self - other` in milliseconds.
    @inlinable
    public func milliseconds(since other: Instant) -> Int64 {
        unixMilliseconds - other.unixMilliseconds
    }

    /// The earliest and latest instants the service accepts: years 1900 through 9999.
    public static let supportedRange: ClosedRange<Instant> =
        Instant(unixSeconds: -2_208_988_800)...Instant(unixSeconds: 253_402_300_799)
}

extension Instant {
    /// The UTC calendar date and time of this instant (seconds precision).
    public var utcDateTime: LocalDateTime {
        LocalDateTime(secondsSinceLocalEpoch: unixSeconds)
    }

    /// RFC 3339 / ISO 8601 in UTC: `2026-03-09T13:00:00Z`, with `.SSS` only when the instant has
    /// a millisecond part.
    public var iso8601: String {
        let ms = Int(((unixMilliseconds % 1000) + 1000) % 1000)
        var s = utcDateTime.description
        if ms != 0 {
            s += "." + String(ms + 1000).dropFirst()
        }
        return s + "Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z` or with a numeric offset `±HH:MM`. Returns nil for
    /// anything else (use ``parse(iso8601:)`` for a descriptive error).
    public init?(iso8601 text: String) {
        guard let value = try? Instant.parse(iso8601: text) else { return nil }
        self = value
    }

    /// Parses an RFC 3339 instant, throwing an error that says what is wrong.
    public static func parse(iso8601 text: String) throws(TimeParseError) -> Instant {
        var bytes = Array(text.utf8)
        if bytes.count == 19 {
            throw TimeParseError(input: text, reason: "missing 'Z' or UTC offset: instants must be UTC")
        }
        guard bytes.count >= 20 else {
            throw TimeParseError(input: text, reason: "expected YYYY-MM-DDTHH:MM:SSZ (UTC) or an offset like +02:00")
        }
        var offsetSeconds = 0
        if bytes.last == UInt8(ascii: "Z") || bytes.last == UInt8(ascii: "z") {
            bytes.removeLast()
        } else if bytes.count >= 25,
            bytes[bytes.count - 6] == UInt8(ascii: "+") || bytes[bytes.count - 6] == UInt8(ascii: "-"),
            bytes[bytes.count - 3] == UInt8(ascii: ":")
        {
            let sign = bytes[bytes.count - 6] == UInt8(ascii: "-") ? -1 : 1
            guard let hh = digits(bytes, bytes.count - 5, 2), let mm = digits(bytes, bytes.count - 2, 2),
                hh < 24, mm < 60
            else {
                throw TimeParseError(input: text, reason: "bad UTC offset")
            }
            offsetSeconds = sign * (hh * 3600 + mm * 60)
            bytes.removeLast(6)
        } else {
            throw TimeParseError(input: text, reason: "missing 'Z' or UTC offset: instants must be UTC")
        }
        var millis = 0
        if bytes.count > 19 {
            guard bytes[19] == UInt8(ascii: "."), bytes.count > 20, bytes.count <= 29 else {
                throw TimeParseError(input: text, reason: "expected YYYY-MM-DDTHH:MM:SS[.fff]Z")
            }
            var scale = 100
            for i in 20..<bytes.count {
                guard bytes[i] >= 48, bytes[i] <= 57 else {
                    throw TimeParseError(input: text, reason: "bad fractional seconds")
                }
                millis += Int(bytes[i] - 48) * scale
                scale /= 10
            }
            bytes.removeLast(bytes.count - 19)
        }
        let local = try LocalDateTime.parse(bytes: bytes, original: text)
        let seconds = local.secondsSinceLocalEpoch - Int64(offsetSeconds)
        return Instant(unixMilliseconds: seconds * 1000 + Int64(millis))
    }

    static func digits(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start >= 0, start + count <= bytes.count else { return nil }
        var value = 0
        for i in start..<(start + count) {
            let b = bytes[i]
            guard b >= 48, b <= 57 else { return nil }
            value = value * 10 + Int(b - 48)
        }
        return value
    }
}

extension Instant: CustomStringConvertible {
    public var description: String { iso8601 }
}

/// A date, time or instant string that could not be read.
public struct TimeParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text as given.
    public var input: String
    /// What is wrong with it.
    public var reason: String

    public init(input: String, reason: String) {
        self.input = input
        self.reason = reason
    }

    public var description: String { "\"\(input)\": \(reason)" }
}
