/// A recurrence rule, cron expression or shorthand config that cannot be used.
///
/// The description names the offending part and says why, e.g.
/// `BYMONTHDAY=32: out of range 1…31 or -31…-1` or `cron minute field "61": out of range 0…59`.
public struct RecurrenceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The offending part as written (`BYMONTHDAY=32`, `cron minute field "61"`, `FREQ`).
    public var part: String
    /// What is wrong with it.
    public var reason: String

    public init(part: String, reason: String) {
        self.part = part
        self.reason = reason
    }

    public var description: String { "\(part): \(reason)" }
}
