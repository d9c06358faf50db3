import Foundation
import SchedulerClient
import SchedulerConsole
import Testing

@Suite("Queue dashboard and schedules")
struct QueueTests {
    /// Enqueues a post due now, leases it and fails it for good; returns its id.
    func failOne(_ c: SchedulerClient, content: String) async throws -> String {
        _ = try await c.enqueue(enqueueRequest(content, at: "2026-03-01T11:00:00"))
        let item = try #require(try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 1, lease: .seconds(60), workerID: "w1", start: true)).items.first)
        _ = try await c.fail(V1.FailRequest(projectID: "blog", scheduleID: item.schedule.id, leaseToken: item.leaseToken, error: "account <suspended>", retryable: false))
        return item.schedule.id
    }

    @Test func theDashboardShowsCountsChartsAndFailedItemsWithARetryButton() async throws {
        let h = try ConsoleHarness()
        let c = try h.directClient()
        let failed = try await failOne(c, content: "doomed")
        _ = try await c.enqueue(enqueueRequest("later", at: "2026-03-05T09:00:00"))
        let (session, csrf) = try await h.signIn()
        let page = await h.get("/projects/blog/queue", cookie: session)
        #expect(page.status == 200)
        let html = page.text
        #expect(html.contains("<span class=\"value\">1</span><span class=\"label\">failed</span>"))
        #expect(html.contains("<span class=\"value\">1</span><span class=\"label\">pending</span>"))
        #expect(html.contains("<span class=\"value\">1 (no limit)</span><span class=\"label\">capacity used</span>"))
        #expect(html.contains("<svg id=\"chart-status\""))
        #expect(html.contains("<svg id=\"chart-finished\""))
        #expect(html.contains("<svg id=\"chart-success\""))
        #expect(html.contains("<svg id=\"chart-wait\""))
        #expect(html.contains("<tr data-id=\"\(failed)\">"))
        #expect(html.contains("account &lt;suspended&gt;"))
        #expect(html.contains("/schedules/\(failed)/publish-now"))
        #expect(html.contains("http-equiv=\"refresh\""))

        let retry = await h.console.handle(h.post("/projects/blog/schedules/\(failed)/publish-now", body: "csrf=\(csrf)&back=queue", session: session))
        #expect(retry.status == 303)
        #expect(retry.header("location") == "/projects/blog/queue?retried=\(failed)")
        let after = try await c.get(projectID: "blog", scheduleID: failed)
        #expect(after.queueStatus == .pending)
        await c.close()
        await h.shutdown()
    }

    @Test func aRetryTheServerRefusesComesBackAsAMessage() async throws {
        let h = try ConsoleHarness()
        let (session, csrf) = try await h.signIn()
        let r = await h.console.handle(h.post("/projects/blog/schedules/nope/publish-now", body: "csrf=\(csrf)", session: session))
        #expect(r.status == 303)
        #expect(r.header("location")?.hasPrefix("/projects/blog/queue?error=NOT_FOUND") == true)
        await h.shutdown()
    }

    @Test func schedulesListAndDetail() async throws {
        let h = try ConsoleHarness()
        let c = try h.directClient()
        let id = try await c.enqueue(enqueueRequest("listed", at: "2026-03-05T09:00:00", tz: "Europe/Berlin", platforms: ["twitter", "medium"])).schedule.id
        let failed = try await failOne(c, content: "broken")
        let (session, _) = try await h.signIn()
        let list = await h.get("/projects/blog/schedules", cookie: session)
        #expect(list.status == 200)
        #expect(list.text.contains("/projects/blog/schedules/\(id)"))
        #expect(list.text.contains("2 schedules"))
        let onlyFailed = await h.get("/projects/blog/schedules?status=failed", cookie: session)
        #expect(onlyFailed.text.contains(failed))
        #expect(!onlyFailed.text.contains(id))
        let detail = await h.get("/projects/blog/schedules/\(id)", cookie: session)
        #expect(detail.status == 200)
        #expect(detail.text.contains("<span id=\"local-time\">2026-03-05T09:00:00</span> Europe/Berlin"))
        #expect(detail.text.contains("2026-03-05T08:00:00"))
        let failedDetail = await h.get("/projects/blog/schedules/\(failed)", cookie: session)
        #expect(failedDetail.text.contains("<h2>Attempts</h2>"))
        #expect(await h.get("/projects/blog/schedules/missing", cookie: session).status == 404)
        await c.close()
        await h.shutdown()
    }

    @Test func bulkPauseResumeAndCancelSaySkippedOnes() async throws {
        let h = try ConsoleHarness()
        let c = try h.directClient()
        let a = try await c.enqueue(enqueueRequest("a", at: "2026-03-05T09:00:00")).schedule.id
        let b = try await c.enqueue(enqueueRequest("b", at: "2026-03-06T09:00:00")).schedule.id
        let failed = try await failOne(c, content: "f")
        let (session, csrf) = try await h.signIn()
        let list = await h.get("/projects/blog/schedules", cookie: session)
        #expect(list.text.contains("<input type=\"checkbox\" name=\"id\" value=\"\(a)\""))
        let pause = await h.console.handle(
            h.post("/projects/blog/schedules/bulk", body: "csrf=\(csrf)&back=page%3D1&action=pause&id=\(a)&id=\(b)&id=\(failed)", session: session))
        #expect(pause.status == 303)
        #expect(pause.header("location") == "/projects/blog/schedules?page=1&bulk=2%20paused%2C%201%20skipped%20%28not%20in%20a%20state%20that%20allows%20it%29")
        #expect(try await c.get(projectID: "blog", scheduleID: a).queueStatus == .paused)
        let resume = await h.console.handle(h.post("/projects/blog/schedules/bulk", body: "csrf=\(csrf)&action=resume&id=\(a)", session: session))
        #expect(resume.header("location")?.hasSuffix("bulk=1%20resumed") == true)
        let cancel = await h.console.handle(h.post("/projects/blog/schedules/bulk", body: "csrf=\(csrf)&action=cancel&id=\(a)&id=\(b)", session: session))
        #expect(cancel.header("location")?.hasSuffix("bulk=2%20cancelled") == true)
        #expect(try await c.get(projectID: "blog", scheduleID: b).queueStatus == .cancelled)
        let none = await h.console.handle(h.post("/projects/blog/schedules/bulk", body: "csrf=\(csrf)&action=cancel", session: session))
        #expect(none.header("location")?.contains("error=") == true)
        let shown = await h.get("/projects/blog/schedules?bulk=2%20cancelled", cookie: session)
        #expect(shown.text.contains("id=\"bulk-result\">2 cancelled<"))
        await c.close()
        await h.shutdown()
    }

    @Test func outcomeUnknownItemsAreApartAndTheChartsHaveTheRolledUpDay() async throws {
        let h = try ConsoleHarness()
        let c = try h.directClient()
        let plain = try await failOne(c, content: "plain-failure")
        _ = try await c.enqueue(enqueueRequest("done", at: "2026-03-01T11:00:00"))
        let done = try #require(try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 1, lease: .seconds(60), workerID: "w1", start: true)).items.first)
        _ = try await c.complete(V1.CompleteRequest(projectID: "blog", scheduleID: done.schedule.id, leaseToken: done.leaseToken))
        _ = try await c.enqueue(enqueueRequest("lost", at: "2026-03-01T11:00:00"))
        let lost = try #require(try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 1, lease: .seconds(10), workerID: "w2", start: true)).items.first)
        h.clock.advance(seconds: 60)
        _ = try await h.engine.runOnce(forceRollup: true)
        #expect(try await c.get(projectID: "blog", scheduleID: lost.schedule.id).queueStatus == .failed)
        let (session, _) = try await h.signIn()
        let html = await h.get("/projects/blog/queue", cookie: session).text
        let unknownTable = try #require(html.range(of: "<table class=\"list\" id=\"outcome-unknown\">"))
        let failedTable = try #require(html.range(of: "<table class=\"list\" id=\"failed\">"))
        let lostRow = try #require(html.range(of: "<tr data-id=\"\(lost.schedule.id)\">"))
        let plainRow = try #require(html.range(of: "<tr data-id=\"\(plain)\">"))
        #expect(unknownTable.lowerBound < lostRow.lowerBound && lostRow.lowerBound < failedTable.lowerBound)
        #expect(failedTable.lowerBound < plainRow.lowerBound)
        #expect(html.contains("Publish again"))
        // By platform: all three were twitter posts; one of three finished ones completed.
        #expect(html.contains("</span>twitter</td><td>0</td><td>1</td><td>2</td><td>33.3 %</td></tr>"))
        #expect(!html.contains("</span>reddit</td>"))
        // Today's rolled-up row: a completed and a failed bar in the last column.
        #expect(html.contains("<rect class=\"st-completed\""))
        #expect(html.contains("<rect class=\"st-failed\""))
        await c.close()
        await h.shutdown()
    }

    /// Enqueues a post due now on `platforms`, leases it started, and lets the lease run out: held
    /// as "outcome unknown". Returns its id.
    func holdOne(_ h: ConsoleHarness, _ c: SchedulerClient, content: String, platforms: [String] = ["twitter"]) async throws -> String {
        _ = try await c.enqueue(enqueueRequest(content, at: "2026-03-01T11:00:00", platforms: platforms))
        let item = try #require(try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 1, lease: .seconds(10), workerID: "w", start: true)).items.first)
        h.clock.advance(seconds: 60)
        _ = try await h.engine.runOnce()
        #expect(try await c.get(projectID: "blog", scheduleID: item.schedule.id).queueStatus == .failed)
        return item.schedule.id
    }

    @Test func itWentOutConfirmsTheHeldItemWithItsLinkAndNote() async throws {
        let h = try ConsoleHarness()
        let c = try h.directClient()
        let id = try await holdOne(h, c, content: "lost", platforms: ["twitter", "medium"])
        let (session, csrf) = try await h.signIn()
        let html = await h.get("/projects/blog/queue", cookie: session).text
        let table = try #require(html.range(of: "<table class=\"list\" id=\"outcome-unknown\">"))
        let row = try #require(html.range(of: "<tr data-id=\"\(id)\">"))
        #expect(table.lowerBound < row.lowerBound)
        let rowHTML = String(html[row.lowerBound...].prefix { $0 != "\n" })
        #expect(html.contains("action=\"/projects/blog/schedules/\(id)/confirm-outcome\""))
        #expect(html.contains("<input type=\"url\" name=\"url.TWITTER\""))
        #expect(html.contains("<input type=\"url\" name=\"url.MEDIUM\""))
        #expect(html.contains(">It went out</button>") && html.contains(">Publish again</button>"))
        #expect(!html.contains("/schedules/\(id)/publish-now"), "a held item is answered for, not republished blindly: \(rowHTML)")

        let body = "csrf=\(csrf)&back=queue&published=1&url.TWITTER=\(FormCoding.escape("https://twitter.com/b/7"))&url.MEDIUM=&note=\(FormCoding.escape("Ann saw it"))"
        let r = await h.console.handle(h.post("/projects/blog/schedules/\(id)/confirm-outcome", body: body, session: session))
        #expect(r.status == 303)
        #expect(r.header("location") == "/projects/blog/queue?confirmed=\(id)")
        let after = try await c.get(projectID: "blog", scheduleID: id)
        #expect(after.queueStatus == .completed)
        #expect(after.attempts.last?.outcome == .outcomeUnknown)
        #expect(after.attempts.last?.confirmation?.published == true && after.attempts.last?.confirmation?.note == "Ann saw it")
        #expect(after.results.map(\.publishedURL) == ["https://twitter.com/b/7", ""])
        let stats = try await c.stats(V1.StatsRequest(projectID: "blog")).stats
        #expect(stats.completed == 1 && stats.failed == 0 && stats.successRate == 100)

        let dashboard = await h.get("/projects/blog/queue?confirmed=\(id)", cookie: session).text
        #expect(dashboard.contains("Schedule \(id) is recorded as published."))
        #expect(!dashboard.contains("id=\"outcome-unknown\""))
        let detail = await h.get("/projects/blog/schedules/\(id)", cookie: session).text
        #expect(detail.contains("confirmed published by tok_"))
        #expect(detail.contains(": Ann saw it</span>"))

        // Answered twice the other way: the server's refusal comes back as a message.
        let other = await h.console.handle(
            h.post("/projects/blog/schedules/\(id)/confirm-outcome", body: "csrf=\(csrf)&published=0", session: session))
        #expect(other.header("location")?.hasPrefix("/projects/blog/queue?error=FAILED_PRECONDITION") == true)
        await c.close()
        await h.shutdown()
    }

    @Test func publishAgainConfirmsItDidNotGoOutAndMakesItDue() async throws {
        let h = try ConsoleHarness()
        let c = try h.directClient()
        let id = try await holdOne(h, c, content: "lost")
        let (session, csrf) = try await h.signIn()
        // From the schedule's own page, which offers the same two answers.
        let page = await h.get("/projects/blog/schedules/\(id)", cookie: session).text
        #expect(page.contains("id=\"confirm-outcome\"") && page.contains("<input type=\"hidden\" name=\"back\" value=\"schedule\">"))
        let r = await h.console.handle(
            h.post("/projects/blog/schedules/\(id)/confirm-outcome", body: "csrf=\(csrf)&back=schedule&published=0&note=nothing+there", session: session))
        #expect(r.status == 303)
        #expect(r.header("location") == "/projects/blog/schedules/\(id)?retried=\(id)")
        let after = try await c.get(projectID: "blog", scheduleID: id)
        #expect(after.queueStatus == .pending)
        #expect(after.attempts.last?.confirmation?.published == false && after.attempts.last?.confirmation?.note == "nothing there")
        let next = try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 1, lease: .seconds(60), workerID: "w2"))
        #expect(next.items.first?.schedule.id == id)
        await c.close()
        await h.shutdown()
    }

    @Test func aConfirmationWithoutTheCSRFTokenIsRefusedAndChangesNothing() async throws {
        let h = try ConsoleHarness()
        let c = try h.directClient()
        let id = try await holdOne(h, c, content: "lost")
        let (session, csrf) = try await h.signIn()
        let none = await h.console.handle(h.post("/projects/blog/schedules/\(id)/confirm-outcome", body: "published=1", session: session))
        #expect(none.status == 403)
        let wrong = await h.console.handle(
            h.post("/projects/blog/schedules/\(id)/confirm-outcome", body: "csrf=\(String(csrf.reversed()))&published=1", session: session))
        #expect(wrong.status == 403)
        let crossSite = await h.console.handle(
            h.post(
                "/projects/blog/schedules/\(id)/confirm-outcome", body: "csrf=\(csrf)&published=1", session: session,
                headers: ["Origin": "https://evil.example", "Host": "127.0.0.1:7480"]))
        #expect(crossSite.status == 403)
        #expect(try await c.get(projectID: "blog", scheduleID: id).queueStatus == .failed)
        await c.close()
        await h.shutdown()
    }

    @Test func theListSortsAndTheDetailShowsResultsLinkingOnlyWebAddresses() async throws {
        let h = try ConsoleHarness()
        let c = try h.directClient()
        var low = enqueueRequest("low", at: "2026-03-05T09:00:00")
        low.priority = 2
        var high = enqueueRequest("high", at: "2026-03-06T09:00:00")
        high.priority = 9
        _ = try await c.enqueue(low)
        _ = try await c.enqueue(high)
        _ = try await c.enqueue(enqueueRequest("published", at: "2026-03-01T11:00:00", platforms: ["twitter", "medium"]))
        let item = try #require(try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 1, lease: .seconds(60), workerID: "w1", start: true)).items.first)
        _ = try await c.complete(
            V1.CompleteRequest(
                projectID: "blog", scheduleID: item.schedule.id, leaseToken: item.leaseToken,
                results: [
                    V1.PlatformResult(platform: "twitter", success: true, publishedURL: "https://twitter.com/x/status/1"),
                    V1.PlatformResult(platform: "medium", success: true, publishedURL: "javascript:alert(1)"),
                ]))
        let (session, _) = try await h.signIn()
        let byPriority = await h.get("/projects/blog/schedules?sort=priority&order=desc", cookie: session).text
        let hi = try #require(byPriority.range(of: ">high<")), lo = try #require(byPriority.range(of: ">low<"))
        #expect(hi.lowerBound < lo.lowerBound)
        #expect(byPriority.contains("<option value=\"priority\" selected>"))
        let detail = await h.get("/projects/blog/schedules/\(item.schedule.id)", cookie: session).text
        #expect(detail.contains("<a href=\"https://twitter.com/x/status/1\" rel=\"noopener noreferrer\">"))
        #expect(detail.contains("javascript:alert(1)"))
        #expect(!detail.contains("href=\"javascript:"))
        await c.close()
        await h.shutdown()
    }
}
