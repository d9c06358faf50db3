import Foundation
import SchedulerClient
import SchedulerConsole
import Testing

@Suite("Week view and moves to a day and hour")
struct WeekTests {
    @Test func theWeekShowsItemsInHourRowsOfTheViewersZone() async throws {
        let h = try ConsoleHarness()
        let c = try h.directClient()
        // Wednesday 2026-03-11 09:30 Berlin = 08:30 UTC.
        _ = try await c.enqueue(enqueueRequest("wed", at: "2026-03-11T09:30:00", tz: "Europe/Berlin"))
        _ = try await c.enqueue(enqueueRequest("next-week", at: "2026-03-16T09:30:00"))
        let (session, _) = try await h.signIn()
        let page = await h.get("/projects/blog/calendar?view=week&week=2026-03-12&tz=UTC", cookie: session)
        #expect(page.status == 200)
        let html = page.text
        #expect(html.contains("Week of 9 March 2026"))
        #expect(html.contains("<td class=\"day slot\" data-date=\"2026-03-11\" data-hour=\"8\"><ol><li class=\"item p0"))
        #expect(!html.contains("next-week"))
        #expect(html.contains("data-tz=\"UTC\""))
        #expect(await h.get("/projects/blog/calendar?view=week&week=2026-02-31", cookie: session).status == 400)
        await c.close()
        await h.shutdown()
    }

    @Test func droppingOnAnHourMovesToThatHourOfTheViewersZoneKeepingTheMinutes() async throws {
        let h = try ConsoleHarness()
        let c = try h.directClient()
        let id = try await c.enqueue(enqueueRequest("hourly", at: "2026-03-11T09:30:00", tz: "Europe/Berlin")).schedule.id
        let (session, csrf) = try await h.signIn()
        // Shown in New York (04:30 EDT on the 11th), dropped on Friday the 13th at 10:00 New York
        // time: 10:30 EDT = 14:30 UTC = 15:30 in Berlin (CET until the 29th).
        let r = await h.console.handle(
            h.post("/projects/blog/schedules/\(id)/move", body: "from=2026-03-11&to=2026-03-13&toHour=10&tz=America%2FNew_York",
                session: session, headers: ["X-CSRF-Token": csrf]))
        #expect(r.status == 200)
        let moved = try await c.get(projectID: "blog", scheduleID: id)
        #expect(moved.localTime == "2026-03-13T15:30:00")
        #expect(moved.timezone == "Europe/Berlin")
        #expect(moved.scheduledForMs == h.instant("2026-03-13T14:30:00Z").unixMilliseconds)
        let bad = await h.console.handle(
            h.post("/projects/blog/schedules/\(id)/move", body: "from=2026-03-13&to=2026-03-13&toHour=24&tz=UTC", session: session, headers: ["X-CSRF-Token": csrf]))
        #expect(bad.status == 400)
        await c.close()
        await h.shutdown()
    }

    @Test func theDayViewShowsOneDayWithLinksAround() async throws {
        let h = try ConsoleHarness()
        let c = try h.directClient()
        _ = try await c.enqueue(enqueueRequest("today", at: "2026-03-11T14:10:00"))
        _ = try await c.enqueue(enqueueRequest("tomorrow", at: "2026-03-12T14:10:00"))
        let (session, _) = try await h.signIn()
        let html = await h.get("/projects/blog/calendar?view=day&day=2026-03-11&tz=UTC", cookie: session).text
        #expect(html.contains("Wednesday 11 March 2026"))
        #expect(html.contains("data-columns=\"1\""))
        #expect(html.contains("<td class=\"day slot\" data-date=\"2026-03-11\" data-hour=\"14\"><ol><li class=\"item p0"))
        #expect(!html.contains(">tomorrow<"))
        #expect(html.contains("view=day&amp;day=2026-03-12&tz=UTC"))
        #expect(html.contains("view=week&amp;week=2026-03-11&tz=UTC"))
        await c.close()
        await h.shutdown()
    }
}
