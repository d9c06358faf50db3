/// The seed's shorthand recurrence (`recurringPattern` + `recurringConfig`), compiled into an RRULE.
///
/// - `daily`: every day at `hour:minute` → `FREQ=DAILY;BYHOUR=h;BYMINUTE=m;BYSECOND=0`.
/// - `weekly`: on `daysOfWeek` (0 = Sunday … 6 = Saturday, as JavaScript's `Date.getDay()`) →
///   `FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=…`.
/// - `monthly`: on `dayOfMonth` → `FREQ=MONTHLY;BYMONTHDAY=d;BYHOUR=…`. As RFC 5545 says, a month
///   without that day is skipped (day 31 fires in 7 months a year, day 30 never in February).
///   Use `dayOfMonth = -1` for "the last day of every month".
public struct RecurrenceConfig: Sendable, Hashable {
    /// `recurringPattern`.
    public enum Pattern: String, Sendable, Hashable, CaseIterable {
        case daily, weekly, monthly
    }

    public var pattern: Pattern
    /// Weekly only: 0 = Sunday … 6 = Saturday.
    public var daysOfWeek: [Int]
    /// Monthly only: 1…31, or -31…-1 counting from the end of the month.
    public var dayOfMonth: Int?
    /// Wall-clock hour in the schedule's zone, 0…23.
    public var hour: Int
    /// Wall-clock minute, 0…59.
    public var minute: Int

    public init(pattern: Pattern, daysOfWeek: [Int] = [], dayOfMonth: Int? = nil, hour: Int, minute: Int = 0) {
        self.pattern = pattern
        self.daysOfWeek = daysOfWeek
        self.dayOfMonth = dayOfMonth
        self.hour = hour
        self.minute = minute
    }

    /// The equivalent RRULE body, e.g. `FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=14;BYMINUTE=0;BYSECOND=0`.
    public func rruleText() throws(RecurrenceError) -> String {
        try rrule().text
    }

    /// The equivalent rule; errors name the config field (`hour`, `daysOfWeek`, `dayOfMonth`).
    public func rrule() throws(RecurrenceError) -> RecurrenceRule {
        guard (0...23).contains(hour) else {
            throw RecurrenceError(part: "hour \(hour)", reason: "out of range 0…23")
        }
        guard (0...59).contains(minute) else {
            throw RecurrenceError(part: "minute \(minute)", reason: "out of range 0…59")
        }
        var rule: RecurrenceRule
        switch pattern {
        case .daily:
            rule = RecurrenceRule(frequency: .daily)
        case .weekly:
            guard !daysOfWeek.isEmpty else {
                throw RecurrenceError(
                    part: "daysOfWeek", reason: "weekly needs at least one day (0 = Sunday … 6 = Saturday)")
            }
            rule = RecurrenceRule(frequency: .weekly)
            for d in daysOfWeek.sorted() {
                guard (0...6).contains(d) else {
                    throw RecurrenceError(part: "daysOfWeek \(d)", reason: "out of range 0…6 (0 = Sunday)")
                }
                let w = RecurrenceRule.WeekdayNumber(weekday: d == 0 ? 7 : d)
                if !rule.byDay.contains(w) { rule.byDay.append(w) }
            }
            rule.byDay.sort { $0.weekday < $1.weekday }
        case .monthly:
            guard let day = dayOfMonth else {
                throw RecurrenceError(part: "dayOfMonth", reason: "monthly needs a day of the month")
            }
            guard (1...31).contains(day) || (-31 ... -1).contains(day) else {
                throw RecurrenceError(part: "dayOfMonth \(day)", reason: "out of range 1…31 or -31…-1")
            }
            rule = RecurrenceRule(frequency: .monthly)
            rule.byMonthDay = [day]
        }
        rule.byHour = [hour]
        rule.byMinute = [minute]
        rule.bySecond = [0]
        return rule
    }
}
