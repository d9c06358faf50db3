import Foundation
import SchedulerClient
import SchedulerConsole
import Testing

@Suite("Calendar page and moving items")
struct CalendarTests {
    @Test func theMonthShowsItemsOnTheirDaysInTheViewersZoneColouredByPlatform() async throws {
        let h = try ConsoleHarness()
        let c = try h.directClient()
        // 23:30 UTC on the 10th is the 11th in Berlin; 09:00 Berlin on the 20th stays the 20th.
        _ = try await c.enqueue(enqueueRequest("late-<b>", at: "2026-03-10T23:30:00", tz: "UTC", platforms: ["twitter", "linkedin"]))
        _ = try await c.enqueue(enqueueRequest("berlin", at: "2026-03-20T09:00:00", tz: "Europe/Berlin", platforms: ["medium"]))
        _ = try await c.enqueue(enqueueRequest("april", at: "2026-04-02T09:00:00", tz: "UTC"))
        let (session, _) = try await h.signIn()
        let page = await h.get("/projects/blog/calendar?month=2026-03&tz=Europe/Berlin", cookie: session)
        #expect(page.status == 200)
        let html = page.text
        #expect(html.contains("March 2026"))
        #expect(html.contains("data-date=\"2026-03-11\"><div class=\"num\">11</div><ol><li class=\"item p0 st-pending movable\""))
        #expect(html.contains("late-&lt;b&gt;"))
        #expect(!html.contains("late-<b>"))
        #expect(html.contains("<span class=\"time\">00:30</span>"))  // shown in Berlin time
        #expect(html.contains("2026-03-10 23:30 UTC (UTC)"))  // the tooltip: its own zone
        #expect(html.contains("2026-03-20 09:00 Europe/Berlin (CET)"))
        #expect(html.contains("class=\"dot p1\""))  // linkedin's dot
        #expect(!html.contains("april"))
        // The same month in UTC puts the first item on the 10th.
        let utc = await h.get("/projects/blog/calendar?month=2026-03&tz=UTC", cookie: session)
        #expect(utc.text.contains("data-date=\"2026-03-10\"><div class=\"num\">10</div><ol><li class=\"item p0"))
        #expect(await h.get("/projects/blog/calendar?month=2026-13", cookie: session).status == 400)
        await c.close()
        await h.shutdown()
    }

    @Test func movingAnItemKeepsItsLocalTimeInItsOwnZone() async throws {
        let h = try ConsoleHarness()
        let c = try h.directClient()
        let created = try await c.enqueue(enqueueRequest("move-me", at: "2026-03-27T09:00:00", tz: "Europe/Berlin"))
        let id = created.schedule.id
        let (session, csrf) = try await h.signIn()
        // Across the DST change (29 March in Berlin): 09:00 CET → 09:00 CEST.
        let r = await h.console.handle(
            h.post("/projects/blog/schedules/\(id)/move", body: "from=2026-03-27&to=2026-03-31", session: session, headers: ["X-CSRF-Token": csrf]))
        #expect(r.status == 200)
        #expect(r.text.contains("\"ok\":true"))
        let moved = try await c.get(projectID: "blog", scheduleID: id)
        #expect(moved.localTime == "2026-03-31T09:00:00")
        #expect(moved.timezone == "Europe/Berlin")
        #expect(moved.scheduledForMs == h.instant("2026-03-31T07:00:00Z").unixMilliseconds)
        await c.close()
        await h.shutdown()
    }

    @Test func aRefusedMoveReturnsTheConflictsAndAutoResolveFindsAFreeTime() async throws {
        let h = try ConsoleHarness()
        let c = try h.directClient()
        for i in 1...5 { _ = try await c.enqueue(enqueueRequest("burst-\(i)", at: "2026-06-02T12:00:00")) }
        let sixth = try await c.enqueue(enqueueRequest("sixth", at: "2026-06-01T12:00:00")).schedule.id
        let (session, csrf) = try await h.signIn()
        let refused = await h.console.handle(
            h.post("/projects/blog/schedules/\(sixth)/move", body: "from=2026-06-01&to=2026-06-02", session: session, headers: ["X-CSRF-Token": csrf]))
        #expect(refused.status == 409)
        #expect(refused.text.contains("\"ok\":false"))
        #expect(refused.text.contains("\"conflicts\":[{"))
        #expect(try await c.get(projectID: "blog", scheduleID: sixth).localTime == "2026-06-01T12:00:00")
        let resolved = await h.console.handle(
            h.post("/projects/blog/schedules/\(sixth)/move", body: "from=2026-06-01&to=2026-06-02&autoResolve=1", session: session, headers: ["X-CSRF-Token": csrf]))
        #expect(resolved.status == 200)
        #expect(resolved.text.contains("\"adjusted\":true"))
        let after = try await c.get(projectID: "blog", scheduleID: sixth)
        #expect(after.localTime.hasPrefix("2026-06-02T"))
        #expect(after.localTime != "2026-06-02T12:00:00")
        await c.close()
        await h.shutdown()
    }

    @Test func badMovesAreRefusedBeforeAnyCall() async throws {
        let h = try ConsoleHarness()
        let (session, csrf) = try await h.signIn()
        for body in ["from=2026-06-01", "from=2026-06-01&to=2026-02-30", "from=2026-06-01&to=2046-06-01", "from=x&to=y"] {
            let r = await h.console.handle(h.post("/projects/blog/schedules/s1/move", body: body, session: session, headers: ["X-CSRF-Token": csrf]))
            #expect(r.status == 400, "\(body)")
        }
        await h.shutdown()
    }

    @Test func filtersByPlatformAndStatusAndKeepsThemInTheLinks() async throws {
        let h = try ConsoleHarness()
        let c = try h.directClient()
        _ = try await c.enqueue(enqueueRequest("tweet", at: "2026-03-10T09:00:00", platforms: ["twitter"]))
        let paused = try await c.enqueue(enqueueRequest("post", at: "2026-03-11T09:00:00", platforms: ["reddit"])).schedule.id
        _ = try await c.pause(projectID: "blog", scheduleID: paused)
        let (session, _) = try await h.signIn()
        let reddit = await h.get("/projects/blog/calendar?month=2026-03&tz=UTC&platform=Reddit", cookie: session).text
        #expect(reddit.contains(">post<"))
        #expect(!reddit.contains(">tweet<"))
        #expect(reddit.contains("month=2026-04&tz=UTC&platform=Reddit"))
        let pausedOnly = await h.get("/projects/blog/calendar?month=2026-03&tz=UTC&status=paused", cookie: session).text
        #expect(pausedOnly.contains(">post<"))
        #expect(!pausedOnly.contains(">tweet<"))
        #expect(pausedOnly.contains("<option selected>paused</option>"))
        let week = await h.get("/projects/blog/calendar?view=week&week=2026-03-10&tz=UTC&platform=twitter", cookie: session).text
        #expect(week.contains(">tweet<"))
        #expect(!week.contains(">post<"))
        await c.close()
        await h.shutdown()
    }
}
