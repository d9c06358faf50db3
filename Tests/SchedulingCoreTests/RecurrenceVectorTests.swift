import SchedulingCore
import Testing

/// Every `rrule` and `cron` case of `Fixtures/recurrence-public.json` (python-dateutil + zoneinfo).
@Suite("Recurrence reference vectors")
struct RecurrenceVectorTests {
    @Test("rrule", arguments: Vectors.cases("rrule"))
    func rrule(_ v: VectorCase) throws {
        let zone = try TimeZoneDatabase.system.zone(v.tz!)
        let rule = try RecurrenceRule.parse(v.rule!)
        let start = try LocalDateTime.parse(v.start!)
        let series = Recurrence(kind: .rrule(rule, start: start), zone: zone, until: nil)
        let after = try v.after.map { try Instant.parse(iso8601: $0) }
        guard case .instants(let expected) = v.expect else {
            Issue.record("bad fixture")
            return
        }
        let got = series.occurrences(after: after, count: v.count!).map(\.iso8601)
        #expect(got == expected)
        // next(after:) walks the same series one step at a time.
        var walked: [String] = []
        var cursor = after ?? zone.resolve(start).instant.adding(milliseconds: -1)
        while walked.count < v.count!, let t = series.next(after: cursor) {
            walked.append(t.iso8601)
            cursor = t
        }
        if rule.count == nil { #expect(walked == expected) }
    }

    @Test("cron", arguments: Vectors.cases("cron"))
    func cron(_ v: VectorCase) throws {
        let zone = try TimeZoneDatabase.system.zone(v.tz!)
        let expr = try CronExpression.parse(v.expr!)
        let series = Recurrence(kind: .cron(expr), zone: zone, until: nil)
        let after = try Instant.parse(iso8601: v.after!)
        guard case .instants(let expected) = v.expect else {
            Issue.record("bad fixture")
            return
        }
        #expect(series.occurrences(after: after, count: v.count!).map(\.iso8601) == expected)
    }
}
