import Foundation
import SchedulerClient
import SchedulerConsole
import Testing

@Suite("New-schedule form, live validation and conflicts")
struct FormTests {
    @Test func theFormCreatesOnceEvenWhenSubmittedTwice() async throws {
        let h = try ConsoleHarness()
        let (session, csrf) = try await h.signIn()
        let page = await h.get("/projects/blog/schedules/new?date=2026-03-12&tz=Europe/Berlin", cookie: session)
        #expect(page.status == 200)
        #expect(page.text.contains("value=\"2026-03-12T09:00\""))
        #expect(page.text.contains("value=\"Europe/Berlin\""))
        let key = try #require(page.text.range(of: "name=\"idempotency_key\" value=\"").map { String(page.text[$0.upperBound...].prefix { $0 != "\"" }) })
        let body = "csrf=\(csrf)&idempotency_key=\(key)&content_id=from-form&local_time=2026-03-12T09%3A00&timezone=Europe%2FBerlin"
            + "&platform=twitter&platform=reddit&priority=7&recurrence=rrule&rule=FREQ%3DWEEKLY&notes=hi"
        let first = await h.console.handle(h.post("/projects/blog/schedules", body: body, session: session))
        #expect(first.status == 303)
        let location = try #require(first.header("location"))
        let again = await h.console.handle(h.post("/projects/blog/schedules", body: body, session: session))
        #expect(again.header("location") == location)
        let id = String(try #require(location.split(separator: "/").last?.split(separator: "?").first))
        let c = try h.directClient()
        let s = try await c.get(projectID: "blog", scheduleID: id)
        #expect(s.localTime == "2026-03-12T09:00:00")
        #expect(s.platforms == ["TWITTER", "REDDIT"])
        #expect(s.priority == 7)
        #expect(s.isRecurring)
        #expect(try await c.list(V1.ListRequest(projectID: "blog")).pagination.total == 1)
        await c.close()
        await h.shutdown()
    }

    @Test func theServersFieldErrorShowsNextToTheFieldAndNothingIsSaved() async throws {
        let h = try ConsoleHarness()
        let (session, csrf) = try await h.signIn()
        let body = "csrf=\(csrf)&idempotency_key=k1&content_id=bad&local_time=2026-03-12T09%3A00&timezone=Europe%2FBerlin&platform=myspace&priority=5"
        let r = await h.console.handle(h.post("/projects/blog/schedules", body: body, session: session))
        #expect(r.status == 400)
        #expect(r.text.contains("<span class=\"field-error\" id=\"error-platform\" role=\"alert\">"))
        #expect(r.text.contains("myspace"))
        #expect(r.text.contains("value=\"bad\""))  // what was typed stays
        let badTime = await h.console.handle(
            h.post("/projects/blog/schedules", body: "csrf=\(csrf)&content_id=t&local_time=2026-02-30T09%3A00&timezone=UTC&platform=twitter", session: session))
        #expect(badTime.status == 400)
        #expect(badTime.text.contains("id=\"error-local_time\""))
        let badZone = await h.console.handle(
            h.post("/projects/blog/schedules", body: "csrf=\(csrf)&content_id=t&local_time=2026-03-02T09%3A00&timezone=Mars%2FOlympus&platform=twitter", session: session))
        #expect(badZone.text.contains("id=\"error-timezone\""))
        let c = try h.directClient()
        #expect(try await c.list(V1.ListRequest(projectID: "blog")).pagination.total == 0)
        await c.close()
        await h.shutdown()
    }

    @Test func validateWarnsBeforeSavingAndSuggestsAFreeTime() async throws {
        let h = try ConsoleHarness()
        let c = try h.directClient()
        for i in 1...5 { _ = try await c.enqueue(enqueueRequest("busy-\(i)", at: "2026-06-02T12:00:00")) }
        let (session, csrf) = try await h.signIn()
        let form = "content_id=x&local_time=2026-06-02T12%3A00&timezone=UTC&platform=twitter"
        let r = await h.console.handle(h.post("/projects/blog/validate", body: form, session: session, headers: ["X-CSRF-Token": csrf]))
        #expect(r.status == 200)
        #expect(r.text.contains("\"valid\":false"))
        #expect(r.text.contains("\"type\":\"resource\""))
        #expect(r.text.contains("\"suggested\":\"2026-06-02 12:15 UTC\""))
        let free = await h.console.handle(
            h.post("/projects/blog/validate", body: "local_time=2026-06-03T12%3A00&timezone=UTC&platform=twitter", session: session, headers: ["X-CSRF-Token": csrf]))
        #expect(free.text.contains("\"valid\":true,\"hasConflict\":false"))
        let incomplete = await h.console.handle(h.post("/projects/blog/validate", body: "local_time=", session: session, headers: ["X-CSRF-Token": csrf]))
        #expect(incomplete.text.contains("\"incomplete\":true"))
        let badRule = await h.console.handle(
            h.post("/projects/blog/validate", body: "local_time=2026-06-03T12%3A00&timezone=UTC&platform=twitter&recurrence=rrule&rule=FREQ%3DSOMETIMES",
                session: session, headers: ["X-CSRF-Token": csrf]))
        #expect(badRule.text.contains("\"ok\":false"))
        #expect(badRule.text.contains("\"field\":\"rule\""))
        // Refused on submit: the conflicts above the form, and nothing saved.
        let refused = await h.console.handle(h.post("/projects/blog/schedules", body: "csrf=\(csrf)&" + form, session: session))
        #expect(refused.status == 409)
        #expect(refused.text.contains("id=\"form-error\""))
        #expect(try await c.list(V1.ListRequest(projectID: "blog")).pagination.total == 5)
        await c.close()
        await h.shutdown()
    }

    @Test func recordedConflictsAreListedAndResolvedWithANote() async throws {
        let h = try ConsoleHarness()
        let c = try h.directClient()
        _ = try await c.enqueue(enqueueRequest("one", at: "2026-06-02T12:00:00"))
        _ = try await c.enqueue(enqueueRequest("two", at: "2026-06-02T12:00:00"))
        let (session, csrf) = try await h.signIn()
        let page = await h.get("/projects/blog/conflicts", cookie: session)
        #expect(page.status == 200)
        #expect(page.text.contains("same time"))
        let id = try #require(page.text.range(of: "<tr data-id=\"").map { String(page.text[$0.upperBound...].prefix { $0 != "\"" }) })
        let empty = await h.console.handle(h.post("/projects/blog/conflicts/\(id)/resolve", body: "csrf=\(csrf)&resolution=+", session: session))
        #expect(empty.header("location")?.contains("error=") == true)
        let r = await h.console.handle(h.post("/projects/blog/conflicts/\(id)/resolve", body: "csrf=\(csrf)&resolution=checked+%3Cok%3E", session: session))
        #expect(r.status == 303)
        #expect(r.header("location") == "/projects/blog/conflicts?resolved=\(id)")
        let open = await h.get("/projects/blog/conflicts", cookie: session)
        #expect(!open.text.contains("<tr data-id=\"\(id)\""))
        let all = await h.get("/projects/blog/conflicts?all=1", cookie: session)
        #expect(all.text.contains("checked &lt;ok&gt;"))
        let schedules = try await c.list(V1.ListRequest(projectID: "blog")).items.map(\.id)
        var shown = 0
        for s in schedules where await h.get("/projects/blog/schedules/\(s)", cookie: session).text.contains("(resolved: checked &lt;ok&gt;)") {
            shown += 1
        }
        #expect(shown >= 1)  // the schedule page lists the conflicts about it
        await c.close()
        await h.shutdown()
    }

    @Test func aRecurringScheduleShowsItsNextOccurrencesAcrossDST() async throws {
        let h = try ConsoleHarness()
        let (session, csrf) = try await h.signIn()
        let r = await h.console.handle(
            h.post("/projects/blog/validate", body: "local_time=2026-03-19T09%3A00&timezone=Europe%2FBerlin&platform=twitter&recurrence=weekly",
                session: session, headers: ["X-CSRF-Token": csrf]))
        #expect(r.text.contains(#""occurrences":["2026-03-19 09:00 CET","2026-03-26 09:00 CET","2026-04-02 09:00 CEST""#))
        let once = await h.console.handle(
            h.post("/projects/blog/validate", body: "local_time=2026-03-19T09%3A00&timezone=Europe%2FBerlin&platform=twitter", session: session, headers: ["X-CSRF-Token": csrf]))
        #expect(once.text.contains(#""occurrences":[]"#))
        await h.shutdown()
    }

    @Test func theEditFormUpdatesOnlyWhatChangedAndShowsFieldErrors() async throws {
        let h = try ConsoleHarness()
        let c = try h.directClient()
        let id = try await c.enqueue(enqueueRequest("editable", at: "2026-03-12T09:00:00", tz: "Europe/Berlin", platforms: ["twitter"])).schedule.id
        let (session, csrf) = try await h.signIn()
        let form = await h.get("/projects/blog/schedules/\(id)/edit", cookie: session)
        #expect(form.status == 200)
        #expect(form.text.contains("value=\"2026-03-12T09:00\""))
        #expect(form.text.contains("name=\"schedule_id\" value=\"\(id)\""))
        #expect(form.text.contains("value=\"editable\" readonly"))
        #expect(form.text.contains("value=\"twitter\" checked"))
        let base = "csrf=\(csrf)&content_id=editable&timezone=Europe%2FBerlin&notes="
        let unchanged = await h.console.handle(
            h.post("/projects/blog/schedules/\(id)/edit", body: base + "&local_time=2026-03-12T09%3A00&platform=twitter&priority=5", session: session))
        #expect(unchanged.header("location") == "/projects/blog/schedules/\(id)?unchanged=1")
        let saved = await h.console.handle(
            h.post("/projects/blog/schedules/\(id)/edit", body: base + "&local_time=2026-03-12T10%3A30&platform=twitter&platform=medium&priority=8", session: session))
        #expect(saved.header("location") == "/projects/blog/schedules/\(id)?updated=1")
        let s = try await c.get(projectID: "blog", scheduleID: id)
        #expect(s.localTime == "2026-03-12T10:30:00")
        #expect(Set(s.platforms) == ["TWITTER", "MEDIUM"])
        #expect(s.priority == 8)
        let bad = await h.console.handle(
            h.post("/projects/blog/schedules/\(id)/edit", body: base + "&local_time=2026-03-12T10%3A30&platform=twitter&priority=11", session: session))
        #expect(bad.status == 400)
        #expect(bad.text.contains("id=\"error-priority\""))
        #expect(try await c.get(projectID: "blog", scheduleID: id).priority == 8)
        await c.close()
        await h.shutdown()
    }

    @Test func validatingAnEditLeavesTheScheduleItselfOutOfTheChecks() async throws {
        let h = try ConsoleHarness()
        let c = try h.directClient()
        var ids: [String] = []
        for i in 1...5 { ids.append(try await c.enqueue(enqueueRequest("slot-\(i)", at: "2026-06-02T12:00:00")).schedule.id) }
        let (session, csrf) = try await h.signIn()
        let fields = "local_time=2026-06-02T12%3A00&timezone=UTC&platform=twitter"
        let asNew = await h.console.handle(h.post("/projects/blog/validate", body: fields, session: session, headers: ["X-CSRF-Token": csrf]))
        #expect(asNew.text.contains("\"valid\":false"))
        let asEdit = await h.console.handle(
            h.post("/projects/blog/validate", body: fields + "&schedule_id=\(ids[0])", session: session, headers: ["X-CSRF-Token": csrf]))
        #expect(asEdit.text.contains("\"valid\":true"))
        await c.close()
        await h.shutdown()
    }
}
