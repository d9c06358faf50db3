import Foundation
import SchedulerClient
import SchedulingCore
import WireProtocol

/// The create form's recurrence builder as posted: every N days, weeks or months, on chosen
/// weekdays, a day of the month or the n-th weekday, and an optional last day.
///
/// The server composes the rule from these fields (``rule(_:)``); the page's script only shows
/// the rule the server composed. Every rule it composes is one ``RecurrenceRule/parse(_:)``
/// accepts, written in that type's canonical order (`FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE`), so the
/// rule shown, the rule previewed and the rule stored are the same text.
struct RecurrenceBuilder: Hashable, Sendable {
    /// `interval`: every n-th day, week or month, 1…``maxInterval``; empty means 1.
    var interval = "1"
    /// `byday`: the weekly weekdays as posted (`MO` … `SU`); none means the first occurrence's.
    var weekdays: [String] = []
    /// `monthly_by`: `day` (``monthDay``) or `weekday` (``ordinal`` and ``ordinalWeekday``).
    var monthlyBy = "day"
    /// `month_day`: `1`…`31`, `-1` for the last day, or empty for the first occurrence's day.
    var monthDay = ""
    /// `nth`: `1`…`4`, or `-1` for the last such weekday of the month.
    var ordinal = "1"
    /// `nth_weekday`: `MO` … `SU`.
    var ordinalWeekday = "MO"
    /// `until`: `YYYY-MM-DD`, the last day occurrences may fall on; empty for no end.
    var until = ""

    /// The builder offers every 1st to 99th period; longer intervals are for a written RRULE.
    static let maxInterval = 99
    /// RRULE weekday codes, Monday first (ISO weekday − 1).
    static let weekdayCodes = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    static let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    static let ordinals = [("1", "1st"), ("2", "2nd"), ("3", "3rd"), ("4", "4th"), ("-1", "last")]

    /// Builder input the console refuses before calling the server: the form field and why.
    struct InputError: Error, Hashable, Sendable {
        /// The form field's name (`interval`, `byday`, `month_day`, `nth`, `until`).
        var field: String
        var message: String

        /// As the form shows server errors: a field violation named `console.<field>`.
        var schedulerError: SchedulerError {
            let violation = FieldViolation(field: "console.\(field)", description: message)
            return SchedulerError(
                code: .invalidArgument, message: message, details: ErrorDetails(fieldViolations: [violation]))
        }
    }

    init() {}

    init(_ request: ConsoleRequest) {
        let f = request.form
        interval = (f["interval"] ?? "").trimmingCharacters(in: .whitespaces)
        weekdays = request.formValues("byday").filter { !$0.isEmpty }
        monthlyBy = f["monthly_by"] == "weekday" ? "weekday" : "day"
        monthDay = (f["month_day"] ?? "").trimmingCharacters(in: .whitespaces)
        ordinal = f["nth"] ?? "1"
        ordinalWeekday = f["nth_weekday"] ?? "MO"
        until = (f["until"] ?? "").trimmingCharacters(in: .whitespaces)
    }

    /// The rule for `frequency` (DAILY, WEEKLY or MONTHLY) from these fields, or the field that
    /// is wrong. Fields of other frequencies are ignored.
    func rule(_ frequency: RecurrenceRule.Frequency) throws(InputError) -> RecurrenceRule {
        var rule = RecurrenceRule(frequency: frequency)
        if !interval.isEmpty {
            guard let n = Int(interval), (1...Self.maxInterval).contains(n) else {
                throw InputError(
                    field: "interval",
                    message: "\"\(interval)\" is not a whole number from 1 to \(Self.maxInterval)")
            }
            rule.interval = n
        }
        switch frequency {
        case .weekly:
            var days: Set<Int> = []
            for code in weekdays {
                guard let i = Self.weekdayCodes.firstIndex(of: code.uppercased()) else {
                    throw InputError(field: "byday", message: "\"\(code)\" is not a weekday (MO … SU)")
                }
                days.insert(i + 1)
            }
            // None ticked: plain WEEKLY, which repeats on the first occurrence's weekday.
            rule.byDay = days.sorted().map { RecurrenceRule.WeekdayNumber(weekday: $0) }
        case .monthly where monthlyBy == "weekday":
            guard let n = Int(ordinal), Self.ordinals.contains(where: { $0.0 == ordinal }) else {
                throw InputError(field: "nth", message: "choose the 1st, 2nd, 3rd, 4th or last weekday")
            }
            guard let wd = Self.weekdayCodes.firstIndex(of: ordinalWeekday.uppercased()) else {
                throw InputError(field: "nth", message: "\"\(ordinalWeekday)\" is not a weekday (MO … SU)")
            }
            rule.byDay = [RecurrenceRule.WeekdayNumber(weekday: wd + 1, ordinal: n)]
        case .monthly:
            // Empty: plain MONTHLY, which repeats on the first occurrence's day of the month.
            if !monthDay.isEmpty {
                guard let d = Int(monthDay), (1...31).contains(d) || d == -1 else {
                    throw InputError(
                        field: "month_day",
                        message: "\"\(monthDay)\" is not a day of the month (1 to 31, or the last day)")
                }
                rule.byMonthDay = [d]
            }
        case .daily, .hourly, .yearly:
            break
        }
        return rule
    }

    /// `recurringUntil` for the `until` day: the end of that day on `zone`'s wall clock (its last
    /// millisecond, so an occurrence at 23:59 that day is kept); nil without an end.
    func untilInstant(in zone: Zone) throws(InputError) -> Instant? {
        guard !until.isEmpty else { return nil }
        guard let day = LocalFormat.days(until) else {
            throw InputError(field: "until", message: "\"\(until)\" is not a date (YYYY-MM-DD)")
        }
        // The first instant of the next day, even when midnight falls in a DST gap or repeats
        // (Zone.resolve takes the offset before a gap and the first of two times), minus 1 ms.
        let (y, m, d) = LocalDateTime.civil(fromDays: day + 1)
        guard let nextMidnight = LocalDateTime(year: y, month: m, day: d) else {
            throw InputError(field: "until", message: "\"\(until)\" is not a date (YYYY-MM-DD)")
        }
        let start = zone.resolve(nextMidnight).instant
        guard Instant.supportedRange.contains(start) else {
            throw InputError(field: "until", message: "\"\(until)\" is outside the supported years 1900–9999")
        }
        return Instant(unixMilliseconds: start.unixMilliseconds - 1)
    }
}
