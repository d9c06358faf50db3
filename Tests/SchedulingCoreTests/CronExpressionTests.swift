import SchedulingCore
import Testing

private func utc(_ s: String) throws -> Instant { try Instant.parse(iso8601: s) }

private func fires(_ expr: String, _ tz: String, after: String, count: Int) throws -> [String] {
    let r = Recurrence(kind: .cron(try CronExpression.parse(expr)), zone: try TimeZoneDatabase.system.zone(tz))
    return r.occurrences(after: try utc(after), count: count).map(\.iso8601)
}

@Suite("Cron expressions")
struct CronExpressionTests {
    @Test(
        "bad expressions name the field and the reason",
        arguments: [
            ("61 * * * *", "cron minute field \"61\": out of range 0…59"),
            ("0 24 * * *", "cron hour field \"24\": out of range 0…23"),
            ("0 0 0 * *", "cron day-of-month field \"0\": out of range 1…31"),
            ("0 0 32 * *", "cron day-of-month field \"32\": out of range 1…31"),
            ("0 0 * 13 *", "cron month field \"13\": out of range 1…12"),
            ("0 0 * * 8", "cron day-of-week field \"8\": out of range 0…7"),
            ("0 0 * FOO *", "cron month field \"FOO\": unknown name \"FOO\""),
            ("0 0 * * FUN", "cron day-of-week field \"FUN\": unknown name \"FUN\""),
            ("MON 0 * * *", "cron minute field \"MON\": names are not allowed here"),
            ("*/0 * * * *", "cron minute field \"*/0\": step must be ≥ 1"),
            ("*/x * * * *", "cron minute field \"*/x\": step \"x\" is not a number"),
            ("*/10000 * * * *", "cron minute field \"*/10000\": step must be ≤ 9999"),
            ("*/99999999999999999999 * * * *", "cron minute field \"*/99999999999999999999\": step must be ≤ 9999"),
            ("12345 * * * *", "cron minute field \"12345\": out of range 0…59"),
            ("0 99999999999999999999 * * *", "cron hour field \"99999999999999999999\": out of range 0…23"),
            ("5-1 * * * *", "cron minute field \"5-1\": range 5-1 runs backwards"),
            ("1,,2 * * * *", "cron minute field \"1,,2\": empty list item"),
            (
                "0 9 * *",
                "cron expression \"0 9 * *\": expected 5 fields (minute hour day-of-month month day-of-week), found 4"
            ),
            (
                "0 9 * * * *",
                "cron expression \"0 9 * * * *\": expected 5 fields (minute hour day-of-month month day-of-week), found 6"
            ),
            ("@sometimes", "cron expression \"@sometimes\": unknown shortcut"),
            ("a 0 * * *", "cron minute field \"a\": names are not allowed here"),
            ("1.5 0 * * *", "cron minute field \"1.5\": \"1.5\" is not a number"),
            ("0 0 31 2 *", "cron expression \"0 0 31 2 *\": never fires: day 31 does not occur in February"),
            ("0 0 30 2 *", "cron expression \"0 0 30 2 *\": never fires: day 30 does not occur in February"),
            ("0 0 31 4 *", "cron expression \"0 0 31 4 *\": never fires: day 31 does not occur in April"),
            (
                "0 0 30,31 FEB *",
                "cron expression \"0 0 30,31 FEB *\": never fires: days 30 and 31 do not occur in February"
            ),
            (
                "0 0 31 2,4,6 *",
                "cron expression \"0 0 31 2,4,6 *\": never fires: day 31 does not occur in February, April or June"
            ),
            ("0 0 31 2 */2", "cron expression \"0 0 31 2 */2\": never fires: day 31 does not occur in February"),
        ])
    func badExpression(_ expr: String, _ message: String) {
        do {
            _ = try CronExpression.parse(expr)
            Issue.record("expected an error for \(expr)")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test(
        "day fields that can meet are accepted",
        arguments: [
            "0 0 29 2 *",  // leap days
            "0 0 31 2,3 *",  // 31 March
            "0 0 31 2 MON",  // both day fields restricted: any Monday in February
            "0 0 30-31 1-2 *",
        ])
    func possibleExpressionsParse(_ expr: String) throws {
        _ = try CronExpression.parse(expr)
    }

    @Test func namesAreCaseInsensitiveAndSevenIsSunday() throws {
        let a = try fires("0 9 * jan,Jul sun", "UTC", after: "2026-01-01T00:00:00Z", count: 3)
        let b = try fires("0 9 * 1,7 7", "UTC", after: "2026-01-01T00:00:00Z", count: 3)
        let c = try fires("0 9 * JAN,JUL 0", "UTC", after: "2026-01-01T00:00:00Z", count: 3)
        #expect(a == ["2026-01-04T09:00:00Z", "2026-01-11T09:00:00Z", "2026-01-18T09:00:00Z"])
        #expect(a == b)
        #expect(a == c)
        #expect(
            try fires("0 9 * * fri-sun", "UTC", after: "2026-01-01T00:00:00Z", count: 3)
                == ["2026-01-02T09:00:00Z", "2026-01-03T09:00:00Z", "2026-01-04T09:00:00Z"])
        #expect(
            try fires("0 9 * * 5-7", "UTC", after: "2026-01-01T00:00:00Z", count: 3)
                == ["2026-01-02T09:00:00Z", "2026-01-03T09:00:00Z", "2026-01-04T09:00:00Z"])
    }

    @Test func stepsAndRanges() throws {
        #expect(
            try fires("1-10/4 0 * * *", "UTC", after: "2026-01-01T00:00:00Z", count: 3)
                == ["2026-01-01T00:01:00Z", "2026-01-01T00:05:00Z", "2026-01-01T00:09:00Z"])
        #expect(
            try fires("50/5 0 * * *", "UTC", after: "2026-01-01T00:00:00Z", count: 3)
                == ["2026-01-01T00:50:00Z", "2026-01-01T00:55:00Z", "2026-01-02T00:50:00Z"])
        #expect(
            try fires("@hourly", "UTC", after: "2026-01-01T00:00:00Z", count: 2)
                == ["2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"])
    }

    @Test func vixieRuleMatchesEitherDayFieldWhenBothAreRestricted() throws {
        // The 13th (a Tuesday in January 2026) or any Friday.
        #expect(
            try fires("0 9 13 * FRI", "UTC", after: "2026-01-08T00:00:00Z", count: 3)
                == ["2026-01-09T09:00:00Z", "2026-01-13T09:00:00Z", "2026-01-16T09:00:00Z"])
        // `*/2` starts with `*`: not restricted, so both must match (odd days that are Fridays).
        #expect(
            try fires("0 9 */2 * FRI", "UTC", after: "2026-01-01T00:00:00Z", count: 2)
                == ["2026-01-09T09:00:00Z", "2026-01-23T09:00:00Z"])
    }

    @Test func gapMinutesFireAtTheGapRuleAndRepeatedMinutesOnce() throws {
        // New York springs forward 2026-03-08 02:00 → 03:00: 02:30 fires at 03:30 EDT.
        #expect(
            try fires("30 2 * * *", "America/New_York", after: "2026-03-07T12:00:00Z", count: 2)
                == ["2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z"])
        // 02:00 and 03:00 land on the same instant that day and fire once.
        #expect(
            try fires("0 2,3 * * *", "America/New_York", after: "2026-03-07T12:00:00Z", count: 3)
                == ["2026-03-08T07:00:00Z", "2026-03-09T06:00:00Z", "2026-03-09T07:00:00Z"])
        // Asked just after the gap closed, the gap minute is still ahead.
        #expect(
            try fires("30 2 * * *", "America/New_York", after: "2026-03-08T07:10:00Z", count: 1)
                == ["2026-03-08T07:30:00Z"])
        // Fall back 2026-11-01: 01:30 happens twice and fires at the first.
        #expect(
            try fires("30 1 * * *", "America/New_York", after: "2026-10-31T12:00:00Z", count: 2)
                == ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"])
        #expect(
            try fires("*/30 * * * *", "America/New_York", after: "2026-11-01T05:00:00Z", count: 4)
                == ["2026-11-01T05:30:00Z", "2026-11-01T07:00:00Z", "2026-11-01T07:30:00Z", "2026-11-01T08:00:00Z"])
    }

    @Test func leapDayCronFiresOnEveryLeapDay() throws {
        // 29 Feb 2032 is 1,461 days after 29 Feb 2028: a series never ends because the next
        // firing is far away.
        #expect(
            try fires("0 0 29 2 *", "UTC", after: "2026-01-01T00:00:00Z", count: 3)
                == ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z", "2036-02-29T00:00:00Z"])
        let r = Recurrence(
            kind: .cron(try CronExpression.parse("0 0 29 2 *")), zone: try TimeZoneDatabase.system.zone("UTC"))
        #expect(r.next(after: try utc("2028-02-29T00:00:00Z"))?.iso8601 == "2032-02-29T00:00:00Z")
        // 2100 is not a leap year: eight years between firings.
        #expect(r.next(after: try utc("2096-03-01T00:00:00Z"))?.iso8601 == "2104-02-29T00:00:00Z")
        // The supported range ends with 9999: no firing after the last leap day in it.
        #expect(r.next(after: try utc("9996-02-29T00:00:00Z")) == nil)
        #expect(r.occurrences(after: nil, count: 3).isEmpty)
    }

    @Test func rareFiringsAreFoundQuickly() throws {
        // 29 February on a Sunday (the weekday field starts with `*`, so both must match): 28
        // and more years apart. Day-of-month and month skipping keep this to a few steps a year.
        let clock = ContinuousClock()
        var got: [String] = []
        let took = try clock.measure {
            got = try fires("0 0 29 2 */7", "UTC", after: "2026-01-01T00:00:00Z", count: 3)
        }
        #expect(got == ["2032-02-29T00:00:00Z", "2060-02-29T00:00:00Z", "2088-02-29T00:00:00Z"])
        #expect(took < .milliseconds(50), "took \(took)")
    }

    @Test func aStartIsTheFirstOccurrenceThenTheFiringsAfterIt() throws {
        let zone = try TimeZoneDatabase.system.zone("UTC")
        let cron = try CronExpression.parse("0 9 * * MON")
        // Wednesday 2027-02-03 10:00 is not a firing; the store keeps it as the first occurrence.
        let s = Recurrence(kind: .cron(cron, start: try LocalDateTime.parse("2027-02-03T10:00:00")), zone: zone)
        #expect(
            s.occurrences(after: nil, count: 3).map(\.iso8601)
                == ["2027-02-03T10:00:00Z", "2027-02-08T09:00:00Z", "2027-02-15T09:00:00Z"])
        #expect(s.next(after: try utc("2027-01-01T00:00:00Z"))?.iso8601 == "2027-02-03T10:00:00Z")
        #expect(
            s.occurrences(after: try utc("2027-02-03T10:00:00Z"), count: 1).map(\.iso8601) == ["2027-02-08T09:00:00Z"])
        // A start that is a firing appears once.
        let on = Recurrence(kind: .cron(cron, start: try LocalDateTime.parse("2027-02-08T09:00:00")), zone: zone)
        #expect(
            on.occurrences(after: nil, count: 2).map(\.iso8601) == ["2027-02-08T09:00:00Z", "2027-02-15T09:00:00Z"])
    }

    @Test func longListsAreNotCutByTheSearchWindow() throws {
        let daily = try fires("0 9 * * *", "UTC", after: "2026-01-01T00:00:00Z", count: 2_000)
        #expect(daily.count == 2_000)
        #expect(daily.last == "2031-06-23T09:00:00Z")
    }

    @Test func textIsKept() throws {
        #expect(try CronExpression.parse("  */15 9-17 * * MON-FRI ").description == "*/15 9-17 * * MON-FRI")
    }
}
