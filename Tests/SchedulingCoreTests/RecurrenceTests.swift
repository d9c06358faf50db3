import SchedulingCore
import Testing

private func zone(_ id: String) throws -> Zone { try TimeZoneDatabase.system.zone(id) }
private func local(_ s: String) throws -> LocalDateTime { try LocalDateTime.parse(s) }
private func utc(_ s: String) throws -> Instant { try Instant.parse(iso8601: s) }

private func series(
    _ rule: String, _ start: String, _ tz: String, until: Instant? = nil
) throws -> Recurrence {
    Recurrence(kind: .rrule(try RecurrenceRule.parse(rule), start: try local(start)), zone: try zone(tz), until: until)
}

@Suite("RRULE parsing errors")
struct RecurrenceRuleErrorTests {
    @Test(
        "each bad rule names the part and the reason",
        arguments: [
            ("FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY=32: out of range 1…31 or -31…-1"),
            ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY=0: out of range 1…31 or -31…-1"),
            ("FREQ=DAILY;INTERVAL=0", "INTERVAL=0: out of range 1…999999999"),
            ("FREQ=DAILY;INTERVAL=-2", "INTERVAL=-2: out of range 1…999999999"),
            ("FREQ=DAILY;INTERVAL=1000000000", "INTERVAL=1000000000: out of range 1…999999999"),
            ("FREQ=DAILY;INTERVAL=1.5", "INTERVAL=1.5: \"1.5\" is not an integer"),
            ("FREQ=DAILY;INTERVAL=x", "INTERVAL=x: \"X\" is not an integer"),
            ("FREQ=DAILY;FOO=1", "FOO=1: unknown rule part"),
            ("INTERVAL=2", "FREQ: required rule part is missing"),
            (
                "FREQ=SECONDLY",
                "FREQ=SECONDLY: not supported: a series fires at most once an hour "
                    + "(use HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY)"
            ),
            (
                "FREQ=MINUTELY;INTERVAL=60",
                "FREQ=MINUTELY: not supported: a series fires at most once an hour "
                    + "(use HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY)"
            ),
            (
                "FREQ=FORTNIGHTLY",
                "FREQ=FORTNIGHTLY: unknown frequency (use HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY)"
            ),
            (
                "FREQ=HOURLY;BYMINUTE=0,30",
                "BYMINUTE=0,30: one value only with FREQ=HOURLY (a series fires at most once an hour)"
            ),
            (
                "FREQ=HOURLY;BYSECOND=0,30",
                "BYSECOND=0,30: one value only with FREQ=HOURLY (a series fires at most once an hour)"
            ),
            ("FREQ=HOURLY;INTERVAL=0", "INTERVAL=0: out of range 1…999999999"),
            ("FREQ=HOURLY;BYDAY=1MO", "BYDAY=1MO: ordinals (2TU, -1FR) only with FREQ=MONTHLY or FREQ=YEARLY"),
            ("FREQ=DAILY;FREQ=WEEKLY", "FREQ=WEEKLY: duplicate rule part (FREQ may appear once)"),
            ("FREQ=DAILY;COUNT=0", "COUNT=0: out of range 1…999999999"),
            ("FREQ=DAILY;COUNT=1000000000", "COUNT=1000000000: out of range 1…999999999"),
            ("FREQ=DAILY;COUNT=99999999999999999999999", "COUNT=99999999999999999999999: out of range 1…999999999"),
            ("FREQ=DAILY;COUNT=ten", "COUNT=ten: \"TEN\" is not an integer"),
            ("FREQ=DAILY;BYHOUR=1234567890", "BYHOUR=1234567890: out of range 0…23"),
            (
                "FREQ=DAILY;COUNT=3;UNTIL=20270101T000000Z",
                "UNTIL=20270101T000000Z: COUNT and UNTIL cannot both be given (RFC 5545)"
            ),
            (
                "FREQ=DAILY;UNTIL=2027-01-01",
                "UNTIL=2027-01-01: expected YYYYMMDD, YYYYMMDDTHHMMSS or YYYYMMDDTHHMMSSZ"
            ),
            ("FREQ=DAILY;UNTIL=20270230", "UNTIL=20270230: not a valid date and time"),
            ("FREQ=YEARLY;BYMONTH=13", "BYMONTH=13: out of range 1…12"),
            ("FREQ=YEARLY;BYYEARDAY=367", "BYYEARDAY=367: out of range 1…366 or -366…-1"),
            ("FREQ=YEARLY;BYWEEKNO=54", "BYWEEKNO=54: out of range 1…53 or -53…-1"),
            ("FREQ=MONTHLY;BYWEEKNO=1", "BYWEEKNO=1: only allowed with FREQ=YEARLY"),
            ("FREQ=MONTHLY;BYYEARDAY=1", "BYYEARDAY=1: only allowed with FREQ=YEARLY or FREQ=HOURLY"),
            ("FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY=1: not allowed with FREQ=WEEKLY"),
            ("FREQ=DAILY;BYHOUR=24", "BYHOUR=24: out of range 0…23"),
            ("FREQ=DAILY;BYMINUTE=60", "BYMINUTE=60: out of range 0…59"),
            ("FREQ=DAILY;BYSECOND=60", "BYSECOND=60: out of range 0…59"),
            ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=0", "BYSETPOS=0: out of range 1…366 or -366…-1"),
            ("FREQ=MONTHLY;BYSETPOS=1", "BYSETPOS=1: must be used with another BYxxx rule part"),
            ("FREQ=WEEKLY;BYDAY=XX", "BYDAY=XX: \"XX\" is not a weekday ([±n]MO, TU, WE, TH, FR, SA or SU)"),
            ("FREQ=WEEKLY;BYDAY=2MO", "BYDAY=2MO: ordinals (2TU, -1FR) only with FREQ=MONTHLY or FREQ=YEARLY"),
            ("FREQ=MONTHLY;BYDAY=0MO", "BYDAY=0MO: ordinal 0 out of range 1…53 or -53…-1"),
            ("FREQ=YEARLY;BYWEEKNO=1;BYDAY=1MO", "BYDAY=1MO: ordinals cannot be combined with BYWEEKNO"),
            ("FREQ=WEEKLY;WKST=XY", "WKST=XY: expected a weekday MO, TU, WE, TH, FR, SA or SU"),
            ("FREQ=DAILY;BYHOUR=1,,2", "BYHOUR=1,,2: empty list item"),
            ("FREQ=DAILY;INTERVAL", "INTERVAL: expected NAME=VALUE"),
        ])
    func badRule(_ rule: String, _ message: String) {
        #expect(throws: RecurrenceError.self) { try RecurrenceRule.parse(rule) }
        do {
            _ = try RecurrenceRule.parse(rule)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func acceptsPrefixCaseAndSigns() throws {
        let rule = try RecurrenceRule.parse("RRULE:freq=monthly;byday=+2tu,-1fr;bymonthday=+1;wkst=su;")
        #expect(rule.frequency == .monthly)
        #expect(rule.byDay == [.init(weekday: 2, ordinal: 2), .init(weekday: 5, ordinal: -1)])
        #expect(rule.text == "FREQ=MONTHLY;BYMONTHDAY=1;BYDAY=2TU,-1FR;WKST=SU")
    }

    @Test func untilForms() throws {
        #expect(
            try RecurrenceRule.parse("FREQ=DAILY;UNTIL=20270101T000000").until
                == .local(try local("2027-01-01T00:00:00")))
        #expect(try RecurrenceRule.parse("FREQ=DAILY;UNTIL=20270101").until == .local(try local("2027-01-01T00:00:00")))
        #expect(
            try RecurrenceRule.parse("FREQ=DAILY;UNTIL=20270101T120000Z").until == .utc(try utc("2027-01-01T12:00:00Z"))
        )
    }
}

@Suite("Recurrence semantics")
struct RecurrenceSemanticsTests {
    @Test func untilLocalAndUTCAreInclusive() throws {
        let floating = try series("FREQ=DAILY;UNTIL=20260103T090000", "2026-01-01T09:00:00", "Europe/Berlin")
        #expect(floating.occurrences(after: nil, count: 10).count == 3)
        let z = try series("FREQ=DAILY;UNTIL=20260103T080000Z", "2026-01-01T09:00:00", "Europe/Berlin")
        #expect(
            z.occurrences(after: nil, count: 10).map(\.iso8601)
                == ["2026-01-01T08:00:00Z", "2026-01-02T08:00:00Z", "2026-01-03T08:00:00Z"])
        // Date-only UNTIL reads as local midnight (python-dateutil): the 09:00 on that day is out.
        let dateOnly = try series("FREQ=DAILY;UNTIL=20260103", "2026-01-01T09:00:00", "Europe/Berlin")
        #expect(dateOnly.occurrences(after: nil, count: 10).count == 2)
    }

    @Test func recurringUntilBoundsEveryKind() throws {
        let bound = try utc("2026-01-03T08:00:00Z")
        let daily = try series("FREQ=DAILY", "2026-01-01T09:00:00", "Europe/Berlin", until: bound)
        #expect(daily.occurrences(after: nil, count: 10).count == 3)
        #expect(daily.next(after: try utc("2026-01-02T12:00:00Z")) == bound)
        #expect(daily.next(after: bound) == nil)
        let monthly = try series(
            "FREQ=MONTHLY;BYDAY=-1FR", "2026-01-01T09:00:00", "UTC", until: try utc("2026-03-31T00:00:00Z"))
        #expect(
            monthly.occurrences(after: nil, count: 10).map(\.iso8601)
                == ["2026-01-01T09:00:00Z", "2026-01-30T09:00:00Z", "2026-02-27T09:00:00Z", "2026-03-27T09:00:00Z"])
        let cron = Recurrence(
            kind: .cron(try CronExpression.parse("0 9 * * *")), zone: try zone("UTC"),
            until: try utc("2026-01-02T09:00:00Z"))
        #expect(cron.occurrences(after: try utc("2026-01-01T00:00:00Z"), count: 10).count == 2)
        #expect(cron.next(after: try utc("2026-01-02T09:00:00Z")) == nil)
    }

    @Test func countCountsEmittedOccurrencesAndEndsTheSeries() throws {
        let s = try series("FREQ=DAILY;COUNT=3", "2026-01-01T09:00:00", "UTC")
        #expect(s.occurrences(after: nil, count: 10).count == 3)
        #expect(s.next(after: try utc("2026-01-02T12:00:00Z")) == (try utc("2026-01-03T09:00:00Z")))
        #expect(s.next(after: try utc("2026-01-03T09:00:00Z")) == nil)
    }

    @Test func dtstartIsTheFirstOccurrenceAndCountsTowardCount() throws {
        // 2026-01-01 is a Thursday: not a Monday-Wednesday-Friday, yet the first occurrence
        // (RFC 5545 §3.8.5.3), and one of the COUNT.
        let s = try series("FREQ=WEEKLY;BYDAY=MO,WE,FR", "2026-01-01T10:00:00", "UTC")
        #expect(s.occurrences(after: nil, count: 2).map(\.iso8601) == ["2026-01-01T10:00:00Z", "2026-01-02T10:00:00Z"])
        #expect(s.next(after: try utc("2025-12-31T00:00:00Z"))?.iso8601 == "2026-01-01T10:00:00Z")
        #expect(s.next(after: try utc("2026-01-01T10:00:00Z"))?.iso8601 == "2026-01-02T10:00:00Z")
        let counted = try series("FREQ=WEEKLY;BYDAY=MO;COUNT=3", "2027-02-03T10:00:00", "UTC")
        let three = ["2027-02-03T10:00:00Z", "2027-02-08T10:00:00Z", "2027-02-15T10:00:00Z"]
        #expect(counted.occurrences(after: nil, count: 10).map(\.iso8601) == three)
        #expect(counted.next(after: try utc("2027-02-15T10:00:00Z")) == nil)
        // A start that matches is counted once.
        let matching = try series("FREQ=WEEKLY;BYDAY=MO;COUNT=3", "2027-02-08T10:00:00", "UTC")
        #expect(matching.occurrences(after: nil, count: 10).count == 3)
    }

    @Test func eachOccurrenceFiresOnceAcrossFallBack() throws {
        // 01:30 happens twice in New York on 2026-11-01: the series fires at the first one only.
        let s = try series("FREQ=DAILY", "2026-10-31T01:30:00", "America/New_York")
        let expected = ["2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"]
        #expect(s.occurrences(after: nil, count: 3).map(\.iso8601) == expected)
        #expect(s.next(after: try utc("2026-11-01T05:30:00Z"))?.iso8601 == "2026-11-02T06:30:00Z")
        #expect(s.next(after: try utc("2026-11-01T06:00:00Z"))?.iso8601 == "2026-11-02T06:30:00Z")
        let cron = Recurrence(kind: .cron(try CronExpression.parse("* 1 * * *")), zone: try zone("America/New_York"))
        #expect(cron.next(after: try utc("2026-11-01T05:59:00Z"))?.iso8601 == "2026-11-02T06:00:00Z")
    }

    @Test func gapTimesTakeTheOffsetBeforeAndCoincidingInstantsCollapse() throws {
        // 02:00-03:00 does not exist in New York on 2026-03-08: 02:30 is read as 03:30 EDT,
        // the same instant as 03:30, which is emitted once.
        let s = try series("FREQ=DAILY;BYHOUR=2,3;BYMINUTE=30", "2026-03-07T02:30:00", "America/New_York")
        #expect(
            s.occurrences(after: nil, count: 4).map(\.iso8601)
                == ["2026-03-07T07:30:00Z", "2026-03-07T08:30:00Z", "2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z"])
    }

    @Test func neverMatchingRulesEndAfterTheStart() throws {
        for rule in [
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
            "FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31", "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30",
        ] {
            let s = try series(rule, "2026-01-01T09:00:00", "Europe/Berlin")
            let start = try utc("2026-01-01T08:00:00Z")
            #expect(s.next(after: try utc("2026-01-01T00:00:00Z")) == start)
            #expect(s.next(after: start) == nil, "\(rule)")
            #expect(s.occurrences(after: nil, count: 5) == [start])
        }
        // Only a stored expression can be like this: parse(_:) refuses them.
        for expr in ["0 0 30 2 *", "0 0 31 2 *", "0 0 31 4,6,9,11 *"] {
            let cron = Recurrence(
                kind: .cron(try CronExpression.parse(expr, allowingNeverFiring: true)), zone: try zone("UTC"))
            let after = try utc("2026-01-01T00:00:00Z")
            let clock = ContinuousClock()
            var next: Instant?
            var list: [Instant] = []
            let took = clock.measure {
                next = cron.next(after: after)
                list = cron.occurrences(after: after, count: 5)
            }
            #expect(next == nil && list.isEmpty, "\(expr)")
            #expect(took < .milliseconds(50), "\(expr) took \(took)")
        }
    }

    @Test func datesPast2038UseTheZoneFooter() throws {
        // Europe/Berlin springs forward on 2040-03-25: 02:30 is read as 03:30 CEST.
        let s = try series("FREQ=DAILY", "2040-03-23T02:30:00", "Europe/Berlin")
        #expect(
            s.occurrences(after: nil, count: 5).map(\.iso8601) == [
                "2040-03-23T01:30:00Z", "2040-03-24T01:30:00Z", "2040-03-25T01:30:00Z",
                "2040-03-26T00:30:00Z", "2040-03-27T00:30:00Z",
            ])
        let far = try series("FREQ=DAILY", "2026-01-01T09:00:00", "Europe/Berlin")
        #expect(far.next(after: try utc("2077-07-01T12:00:00Z"))?.iso8601 == "2077-07-02T07:00:00Z")
        #expect(far.next(after: try utc("2077-12-01T12:00:00Z"))?.iso8601 == "2077-12-02T08:00:00Z")
    }

    @Test func nextMatchesTheGeneralPathForDailyAndWeeklySeries() throws {
        for (rule, start, tz) in [
            ("FREQ=DAILY", "2026-01-01T02:30:00", "America/New_York"),
            ("FREQ=DAILY;INTERVAL=3", "2026-02-27T01:30:00", "Europe/London"),
            ("FREQ=WEEKLY;INTERVAL=2", "2026-01-04T02:15:00", "Europe/Berlin"),
            ("FREQ=DAILY;BYHOUR=6;BYMINUTE=0", "2026-01-01T09:00:00", "Asia/Kolkata"),
        ] {
            let s = try series(rule, start, tz)
            let all = s.occurrences(after: nil, count: 400)
            var cursor = all[0].adding(seconds: -86_400 * 3)
            for expected in all {
                // Probe a few points between occurrences, including exact hits.
                let n = s.next(after: cursor)
                #expect(n == expected, "\(rule) after \(cursor)")
                cursor = expected.adding(seconds: -1)
                #expect(s.next(after: cursor) == expected)
                cursor = expected
            }
        }
    }

    @Test func nextBeforeDTSTARTIsTheFirstOccurrenceInItsOwnOffset() throws {
        // Asked in winter (CET) for a series starting in summer (CEST).
        let s = try series("FREQ=DAILY", "2026-07-01T09:00:00", "Europe/Berlin")
        #expect(s.next(after: try utc("2026-01-01T00:00:00Z"))?.iso8601 == "2026-07-01T07:00:00Z")
        #expect(
            s.occurrences(after: try utc("2020-01-01T00:00:00Z"), count: 1).map(\.iso8601) == ["2026-07-01T07:00:00Z"])
    }

    @Test func millisecondsAfterAnOccurrenceSkipIt() throws {
        let s = try series("FREQ=DAILY", "2026-01-01T09:00:00", "UTC")
        #expect(s.next(after: try utc("2026-01-02T09:00:00.001Z"))?.iso8601 == "2026-01-03T09:00:00Z")
        #expect(s.next(after: try utc("2026-01-02T08:59:59.999Z"))?.iso8601 == "2026-01-02T09:00:00Z")
    }
}

@Suite("Shorthand configs")
struct RecurrenceConfigTests {
    @Test func dailyCompilesAndRuns() throws {
        let config = RecurrenceConfig(pattern: .daily, hour: 9, minute: 30)
        #expect(try config.rruleText() == "FREQ=DAILY;BYHOUR=9;BYMINUTE=30;BYSECOND=0")
        let s = Recurrence(
            kind: .rrule(try config.rrule(), start: try local("2026-03-28T09:30:00")), zone: try zone("Europe/Berlin"))
        #expect(
            s.occurrences(after: nil, count: 3).map(\.iso8601)
                == ["2026-03-28T08:30:00Z", "2026-03-29T07:30:00Z", "2026-03-30T07:30:00Z"])
    }

    @Test func weeklyUsesJavaScriptWeekdays() throws {
        let config = RecurrenceConfig(pattern: .weekly, daysOfWeek: [5, 1, 3], hour: 14, minute: 0)
        #expect(try config.rruleText() == "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=14;BYMINUTE=0;BYSECOND=0")
        let s = Recurrence(
            kind: .rrule(try config.rrule(), start: try local("2026-01-02T14:00:00")),
            zone: try zone("America/New_York"))
        #expect(
            s.occurrences(after: nil, count: 3).map(\.iso8601)
                == ["2026-01-02T19:00:00Z", "2026-01-05T19:00:00Z", "2026-01-07T19:00:00Z"])
        #expect(
            try RecurrenceConfig(pattern: .weekly, daysOfWeek: [0, 6], hour: 8).rruleText()
                == "FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=8;BYMINUTE=0;BYSECOND=0")
    }

    @Test func monthlySkipsMonthsWithoutTheDay() throws {
        let config = RecurrenceConfig(pattern: .monthly, dayOfMonth: 31, hour: 9, minute: 0)
        #expect(try config.rruleText() == "FREQ=MONTHLY;BYMONTHDAY=31;BYHOUR=9;BYMINUTE=0;BYSECOND=0")
        let s = Recurrence(
            kind: .rrule(try config.rrule(), start: try local("2026-01-31T09:00:00")), zone: try zone("UTC"))
        #expect(
            s.occurrences(after: nil, count: 5).map(\.iso8601) == [
                "2026-01-31T09:00:00Z", "2026-03-31T09:00:00Z", "2026-05-31T09:00:00Z",
                "2026-07-31T09:00:00Z", "2026-08-31T09:00:00Z",
            ])
        let last = RecurrenceConfig(pattern: .monthly, dayOfMonth: -1, hour: 9)
        let l = Recurrence(
            kind: .rrule(try last.rrule(), start: try local("2026-01-01T00:00:00")), zone: try zone("UTC"))
        // The start (a time the rule does not match) comes first, then the last days.
        #expect(
            l.occurrences(after: nil, count: 3).map(\.iso8601)
                == ["2026-01-01T00:00:00Z", "2026-01-31T09:00:00Z", "2026-02-28T09:00:00Z"])
    }

    @Test(
        "bad configs name the field",
        arguments: [
            (RecurrenceConfig(pattern: .daily, hour: 24), "hour 24: out of range 0…23"),
            (RecurrenceConfig(pattern: .daily, hour: 1, minute: 60), "minute 60: out of range 0…59"),
            (
                RecurrenceConfig(pattern: .weekly, hour: 1),
                "daysOfWeek: weekly needs at least one day (0 = Sunday … 6 = Saturday)"
            ),
            (
                RecurrenceConfig(pattern: .weekly, daysOfWeek: [7], hour: 1),
                "daysOfWeek 7: out of range 0…6 (0 = Sunday)"
            ),
            (RecurrenceConfig(pattern: .monthly, hour: 1), "dayOfMonth: monthly needs a day of the month"),
            (
                RecurrenceConfig(pattern: .monthly, dayOfMonth: 32, hour: 1),
                "dayOfMonth 32: out of range 1…31 or -31…-1"
            ),
        ])
    func badConfig(_ config: RecurrenceConfig, _ message: String) {
        do {
            _ = try config.rrule()
            Issue.record("expected an error")
        } catch {
            #expect(error.description == message)
        }
    }
}

@Suite("Hourly series")
struct HourlyRecurrenceTests {
    @Test func everyNthHourFromTheStart() throws {
        let s = try series("FREQ=HOURLY;INTERVAL=2", "2026-01-01T09:15:00", "UTC")
        #expect(
            s.occurrences(after: nil, count: 3).map(\.iso8601)
                == ["2026-01-01T09:15:00Z", "2026-01-01T11:15:00Z", "2026-01-01T13:15:00Z"])
        #expect(s.next(after: try utc("2026-01-01T11:15:00Z"))?.iso8601 == "2026-01-01T13:15:00Z")
    }

    @Test func byHourLimitsAndByMinutePicksTheMinute() throws {
        let s = try series("FREQ=HOURLY;BYHOUR=9,17;BYMINUTE=5", "2026-01-01T09:05:00", "UTC")
        #expect(
            s.occurrences(after: nil, count: 3).map(\.iso8601)
                == ["2026-01-01T09:05:00Z", "2026-01-01T17:05:00Z", "2026-01-02T09:05:00Z"])
    }

    @Test func dayRulesSkipWholeDaysKeepingTheIntervalPhase() throws {
        // From Thursday 00:00, every 5th hour on Mondays: Monday 00:00 is hour 96, so hours
        // 100, 105, 110 and 115 (04:00, 09:00, 14:00, 19:00).
        let s = try series("FREQ=HOURLY;INTERVAL=5;BYDAY=MO", "2026-01-01T00:00:00", "UTC")
        #expect(
            s.occurrences(after: nil, count: 6).map(\.iso8601) == [
                "2026-01-01T00:00:00Z", "2026-01-05T04:00:00Z", "2026-01-05T09:00:00Z", "2026-01-05T14:00:00Z",
                "2026-01-05T19:00:00Z", "2026-01-12T01:00:00Z",
            ])
        let yearDay = try series("FREQ=HOURLY;BYYEARDAY=1;BYHOUR=12", "2026-01-01T12:00:00", "UTC")
        #expect(
            yearDay.occurrences(after: nil, count: 2).map(\.iso8601)
                == ["2026-01-01T12:00:00Z", "2027-01-01T12:00:00Z"])
    }

    @Test func wallClockHoursAcrossSpringForward() throws {
        // Berlin 2026-03-29: 02:30 is in the gap and reads as 03:30 CEST, which is also the
        // next hour's instant: emitted once.
        let s = try series("FREQ=HOURLY", "2026-03-29T00:30:00", "Europe/Berlin")
        #expect(
            s.occurrences(after: nil, count: 4).map(\.iso8601)
                == ["2026-03-28T23:30:00Z", "2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z", "2026-03-29T02:30:00Z"])
    }

    @Test func nextFromAnyInstantMatchesTheWalkFromTheStart() throws {
        // next(after:) jumps near `after`; occurrences(after: nil) walks every hour from the start.
        for (rule, start, tz) in [
            ("FREQ=HOURLY;INTERVAL=5;BYDAY=MO,TH", "2026-01-01T00:20:00", "UTC"),
            ("FREQ=HOURLY;INTERVAL=2;BYHOUR=1,2,3,4", "2026-03-01T01:00:00", "America/New_York"),
            ("FREQ=HOURLY;INTERVAL=3;BYMONTHDAY=1,15", "2026-02-27T23:45:00", "Europe/Berlin"),
        ] {
            let s = try series(rule, start, tz)
            let all = s.occurrences(after: nil, count: 400)
            #expect(all.count == 400, "\(rule)")
            for (a, b) in zip(all, all.dropFirst()) {
                #expect(s.next(after: a) == b, "\(rule) after \(a)")
                #expect(s.next(after: b.adding(seconds: -1)) == b, "\(rule) before \(b)")
            }
        }
    }

    @Test func nextFarIntoTheSeriesMatchesTheWalk() throws {
        let s = try series("FREQ=HOURLY;INTERVAL=7", "2026-01-01T00:00:00", "UTC")
        // 1 March is hour 1416 (59 days); 1416 = 7 · 202 + 2, so the next is hour 1421 (05:00).
        #expect(s.next(after: try utc("2026-03-01T00:00:00Z"))?.iso8601 == "2026-03-01T05:00:00Z")
        let all = s.occurrences(after: nil, count: 300)
        for (a, b) in zip(all, all.dropFirst()) { #expect(s.next(after: a) == b) }
        let counted = try series("FREQ=HOURLY;COUNT=3;BYMINUTE=30", "2026-01-01T00:00:00", "UTC")
        #expect(
            counted.occurrences(after: nil, count: 10).map(\.iso8601)
                == ["2026-01-01T00:00:00Z", "2026-01-01T00:30:00Z", "2026-01-01T01:30:00Z"])
    }
}
