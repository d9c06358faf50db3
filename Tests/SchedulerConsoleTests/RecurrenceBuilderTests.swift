import Foundation
import SchedulerClient
import SchedulerConsole
import SchedulingCore
import Testing

/// The create form's recurrence builder: the rule the server composes from the posted fields (the
/// source of truth, also without the page's script), the preview and Validate using it, the end
/// date, and bad input refused next to its field with nothing saved.
@Suite("Recurrence builder")
struct RecurrenceBuilderTests {
    /// Builder fields (URL-encoded, after `recurrence=`) → the composed RRULE → the first five
    /// occurrences from the given start (UTC, 09:00), as python-dateutil's rrule lists them.
    static let cases: [(fields: String, start: String, rule: String, dates: [String])] = [
        ("weekly&byday=WE&byday=MO", "2026-03-16", "FREQ=WEEKLY;BYDAY=MO,WE",
            ["2026-03-16", "2026-03-18", "2026-03-23", "2026-03-25", "2026-03-30"]),
        ("weekly&interval=2&byday=MO&byday=WE", "2026-03-16", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE",
            ["2026-03-16", "2026-03-18", "2026-03-30", "2026-04-01", "2026-04-13"]),
        ("weekly&interval=1", "2026-03-19", "FREQ=WEEKLY",
            ["2026-03-19", "2026-03-26", "2026-04-02", "2026-04-09", "2026-04-16"]),
        ("monthly&interval=2&monthly_by=day&month_day=15", "2026-03-15", "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15",
            ["2026-03-15", "2026-05-15", "2026-07-15", "2026-09-15", "2026-11-15"]),
        ("monthly&monthly_by=day&month_day=-1", "2026-01-31", "FREQ=MONTHLY;BYMONTHDAY=-1",
            ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"]),
        ("monthly&monthly_by=day&month_day=", "2026-03-15", "FREQ=MONTHLY",
            ["2026-03-15", "2026-04-15", "2026-05-15", "2026-06-15", "2026-07-15"]),
        ("monthly&monthly_by=weekday&nth=2&nth_weekday=TU&month_day=15", "2026-03-10", "FREQ=MONTHLY;BYDAY=2TU",
            ["2026-03-10", "2026-04-14", "2026-05-12", "2026-06-09", "2026-07-14"]),
        ("monthly&monthly_by=weekday&nth=-1&nth_weekday=FR", "2026-03-27", "FREQ=MONTHLY;BYDAY=-1FR",
            ["2026-03-27", "2026-04-24", "2026-05-29", "2026-06-26", "2026-07-31"]),
        ("daily&interval=3&byday=MO", "2026-03-01", "FREQ=DAILY;INTERVAL=3",
            ["2026-03-01", "2026-03-04", "2026-03-07", "2026-03-10", "2026-03-13"]),
    ]

    @Test func theServerComposesTheRuleAndPreviewsIt() async throws {
        let h = try ConsoleHarness()
        let (session, csrf) = try await h.signIn()
        for c in Self.cases {
            // The rule engine takes the composed text as it is, in its own canonical order.
            #expect(try RecurrenceRule.parse(c.rule).text == c.rule)
            let body = "local_time=\(c.start)T09%3A00&timezone=UTC&platform=twitter&recurrence=\(c.fields)"
            let r = await h.console.handle(h.post("/projects/blog/validate", body: body, session: session, headers: ["X-CSRF-Token": csrf]))
            #expect(r.text.contains("\"rule\":\"\(c.rule)\""), "\(c.fields): \(r.text)")
            let dates = c.dates.map { "\"\($0) 09:00 UTC\"" }.joined(separator: ",")
            #expect(r.text.contains("\"occurrences\":[\(dates)]"), "\(c.fields): \(r.text)")
        }
        // While the rest of the form is incomplete the rule is composed all the same.
        let incomplete = await h.console.handle(
            h.post("/projects/blog/validate", body: "recurrence=weekly&byday=FR&timezone=UTC", session: session, headers: ["X-CSRF-Token": csrf]))
        #expect(incomplete.text == #"{"ok":true,"incomplete":true,"rule":"FREQ=WEEKLY;BYDAY=FR"}"#)
        await h.shutdown()
    }

    @Test func theFormShowsTheBuilderAndTheComposedRuleWithoutScript() async throws {
        let h = try ConsoleHarness()
        let (session, csrf) = try await h.signIn()
        let page = await h.get("/projects/blog/schedules/new", cookie: session)
        for part in [
            "<select name=\"recurrence\" id=\"recurrence\">", "name=\"interval\"", "name=\"byday\" value=\"MO\"", "name=\"byday\" value=\"SU\"",
            "name=\"monthly_by\" value=\"day\" checked", "<option value=\"-1\">last day</option>", "name=\"nth\"", "name=\"nth_weekday\"",
            "<output id=\"composed-rule\"", "type=\"date\" name=\"until\"",
        ] {
            #expect(page.text.contains(part), "\(part)")
        }
        // Shown again after a refusal (here: the zone), the builder keeps its fields and shows its rule.
        let body = "csrf=\(csrf)&idempotency_key=k&content_id=c&local_time=2026-03-16T09%3A00&timezone=Mars%2FOlympus&platform=twitter"
            + "&recurrence=weekly&interval=2&byday=MO&byday=WE&until=2026-06-30"
        let r = await h.console.handle(h.post("/projects/blog/schedules", body: body, session: session))
        #expect(r.status == 400)
        #expect(r.text.contains("id=\"error-timezone\""))
        #expect(r.text.contains("<option value=\"weekly\" selected>"))
        #expect(r.text.contains("name=\"byday\" value=\"MO\" checked"))
        #expect(r.text.contains("name=\"byday\" value=\"WE\" checked"))
        #expect(!r.text.contains("name=\"byday\" value=\"TU\" checked"))
        #expect(r.text.contains("value=\"2\""))
        #expect(r.text.contains("<span id=\"interval-unit\">weeks</span>"))
        #expect(r.text.contains(">FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE</output>"))
        #expect(r.text.contains("name=\"until\" id=\"until\" value=\"2026-06-30\""))
        await h.shutdown()
    }

    @Test func aCreatedScheduleStoresTheComposedRuleAndEndsAtTheEndOfTheUntilDay() async throws {
        let h = try ConsoleHarness()
        let (session, csrf) = try await h.signIn()
        let c = try h.directClient()
        func create(_ key: String, _ fields: String) async throws -> V1.Schedule {
            let body = "csrf=\(csrf)&idempotency_key=\(key)&content_id=\(key)&timezone=Europe%2FBerlin&platform=twitter&priority=5&" + fields
            let r = await h.console.handle(h.post("/projects/blog/schedules", body: body, session: session))
            #expect(r.status == 303, "\(fields): \(r.text)")
            let location = try #require(r.header("location"))
            let id = String(try #require(location.split(separator: "/").last?.split(separator: "?").first))
            return try await c.get(projectID: "blog", scheduleID: id)
        }
        let weekly = try await create(
            "weekly", "local_time=2026-03-16T09%3A00&recurrence=weekly&interval=2&byday=WE&byday=MO&until=2026-06-30")
        #expect(weekly.recurrence == .rrule("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE"))
        // The end of 30 June on Berlin's wall clock (CEST, UTC+2): 21:59:59.999 UTC.
        #expect(weekly.recurringUntilMs == h.instant("2026-06-30T22:00:00Z").unixMilliseconds - 1)
        let lastDay = try await create("last-day", "local_time=2026-01-31T09%3A00&recurrence=monthly&monthly_by=day&month_day=-1")
        #expect(lastDay.recurrence == .rrule("FREQ=MONTHLY;BYMONTHDAY=-1"))
        #expect(lastDay.recurringUntilMs == 0)
        let nth = try await create("nth", "local_time=2026-03-27T09%3A00&recurrence=monthly&monthly_by=weekday&nth=-1&nth_weekday=FR")
        #expect(nth.recurrence == .rrule("FREQ=MONTHLY;BYDAY=-1FR"))
        // The winter end of a day: 31 October 2026 ends at 23:00 UTC (CET, UTC+1).
        let daily = try await create("daily", "local_time=2026-10-20T09%3A00&recurrence=daily&interval=5&until=2026-10-31")
        #expect(daily.recurrence == .rrule("FREQ=DAILY;INTERVAL=5"))
        #expect(daily.recurringUntilMs == h.instant("2026-10-31T23:00:00Z").unixMilliseconds - 1)
        // The end applies to a written rule too.
        let cron = try await create("cron", "local_time=2026-03-16T09%3A00&recurrence=cron&rule=0+9+*+*+1&until=2026-04-01")
        #expect(cron.recurrence == .cron("0 9 * * 1"))
        #expect(cron.recurringUntilMs == h.instant("2026-04-01T22:00:00Z").unixMilliseconds - 1)
        // The schedule's page shows the stored rule and its end in the schedule's zone.
        let page = await h.get("/projects/blog/schedules/\(weekly.id)", cookie: session)
        #expect(page.text.contains("<code id=\"recurrence\">RRULE FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE</code> until 2026-06-30 23:59 CEST"))
        let open = await h.get("/projects/blog/schedules/\(lastDay.id)", cookie: session)
        #expect(open.text.contains("<code id=\"recurrence\">RRULE FREQ=MONTHLY;BYMONTHDAY=-1</code></td>"))
        await c.close()
        await h.shutdown()
    }

    @Test func thePreviewStopsAtTheEndDayAcrossADSTChange() async throws {
        let h = try ConsoleHarness()
        let (session, csrf) = try await h.signIn()
        // Berlin springs forward on 29 March 2026: three days, the last ending at 22:00 UTC.
        let body = "local_time=2026-03-28T09%3A00&timezone=Europe%2FBerlin&platform=twitter&recurrence=daily&until=2026-03-30"
        let r = await h.console.handle(h.post("/projects/blog/validate", body: body, session: session, headers: ["X-CSRF-Token": csrf]))
        #expect(r.text.contains(#""occurrences":["2026-03-28 09:00 CET","2026-03-29 09:00 CEST","2026-03-30 09:00 CEST"]"#), "\(r.text)")
        // An end before the first occurrence: Validate has no end date, the preview refuses it.
        let early = await h.console.handle(
            h.post("/projects/blog/validate", body: body.replacingOccurrences(of: "2026-03-30", with: "2026-03-27"), session: session,
                headers: ["X-CSRF-Token": csrf]))
        #expect(early.text.contains("\"ok\":false"))
        #expect(early.text.contains("\"field\":\"until\""), "\(early.text)")
        await h.shutdown()
    }

    /// Posted fields → the form field whose error the page shows.
    static let badInput: [(fields: String, field: String)] = [
        ("recurrence=daily&interval=0", "interval"),
        ("recurrence=weekly&interval=100", "interval"),
        ("recurrence=monthly&interval=two", "interval"),
        ("recurrence=weekly&byday=MO&byday=XX", "byday"),
        ("recurrence=monthly&monthly_by=day&month_day=32", "month_day"),
        ("recurrence=monthly&monthly_by=day&month_day=-2", "month_day"),
        ("recurrence=monthly&monthly_by=weekday&nth=5&nth_weekday=MO", "nth"),
        ("recurrence=monthly&monthly_by=weekday&nth=1&nth_weekday=XY", "nth"),
        ("recurrence=daily&until=2026-02-30", "until"),
        ("recurrence=weekly&until=next+week", "until"),
        // The server's refusal: the end lies before the first occurrence.
        ("recurrence=weekly&byday=MO&until=2026-03-15", "until"),
    ]

    @Test func badBuilderInputIsRefusedNextToItsFieldAndNothingIsSaved() async throws {
        let h = try ConsoleHarness()
        let (session, csrf) = try await h.signIn()
        for (i, bad) in Self.badInput.enumerated() {
            let fields = "content_id=bad-\(i)&local_time=2026-03-16T09%3A00&timezone=UTC&platform=twitter&priority=5&" + bad.fields
            let r = await h.console.handle(
                h.post("/projects/blog/schedules", body: "csrf=\(csrf)&idempotency_key=bad-\(i)&" + fields, session: session))
            #expect(r.status == 400, "\(bad.fields)")
            #expect(r.text.contains("<span class=\"field-error\" id=\"error-\(bad.field)\" role=\"alert\">"), "\(bad.fields)")
            #expect(r.text.contains("aria-describedby=\"error-\(bad.field)\""), "\(bad.fields)")
            #expect(!r.text.contains("id=\"form-error\""), "\(bad.fields)")
            #expect(r.text.contains("value=\"bad-\(i)\""))  // what was typed stays
            let live = await h.console.handle(h.post("/projects/blog/validate", body: fields, session: session, headers: ["X-CSRF-Token": csrf]))
            #expect(live.text.contains("\"ok\":false"), "\(bad.fields)")
            #expect(live.text.contains("\"field\":\"\(bad.field)\""), "\(bad.fields): \(live.text)")
        }
        let c = try h.directClient()
        let listed = try await c.list(V1.ListRequest(projectID: "blog"))
        #expect(listed.pagination.total == 0)
        #expect(listed.items.isEmpty)
        await c.close()
        await h.shutdown()
    }
}
