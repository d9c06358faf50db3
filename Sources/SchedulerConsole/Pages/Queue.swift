import Foundation
import SchedulerClient
import SchedulingCore
import WireProtocol

extension Console {
    /// `GET /projects/{project}/queue`: status counts, success rate and waits now (Stats), the last
    /// 30 days' metrics (one row per day) as SVG charts, the items held as "outcome unknown" with
    /// "It went out" and "Publish again" (ConfirmOutcome), and the other failed items with a retry
    /// button (PublishNow). Reloads itself every 30 seconds.
    func queuePage(_ request: ConsoleRequest, project: String, session: ConsoleSession) async throws -> ConsoleResponse {
        let stats = try await call(
            SchedulerV1.Scheduler.Stats.self, SchedulerV1.StatsRequest(projectID: project, byPlatform: true), session)
        var failedList = SchedulerV1.ListRequest(projectID: project, status: .failed, limit: 50)
        failedList.sortBy = .scheduledFor
        failedList.sortOrder = .desc
        let failed = try await call(SchedulerV1.Scheduler.List.self, failedList, session)
        // Which failed items are held as "outcome unknown" (the lease ran out mid-publish): their
        // last attempt says so. List carries no attempts, so each is read with Get, concurrently.
        let unknown = await withTaskGroup(of: String?.self) { group in
            for f in failed.items {
                group.addTask {
                    let s = try? await self.call(SchedulerV1.Scheduler.Get.self, SchedulerV1.GetRequest(projectID: project, scheduleID: f.id), session)
                    return s.map { Self.isHeld($0.schedule) } == true ? f.id : nil
                }
            }
            var ids = Set<String>()
            for await id in group { if let id { ids.insert(id) } }
            return ids
        }
        let s = stats.stats
        let p = FormCoding.escape(project)
        func tile(_ label: String, _ value: String, _ cls: String = "", href: String? = nil) -> String {
            let inner = "<span class=\"value\">\(HTML.escape(value))</span><span class=\"label\">\(HTML.escape(label))</span>"
            return "<li class=\"tile \(cls)\">\(href.map { "<a href=\"\($0)\">\(inner)</a>" } ?? "<div>\(inner)</div>")</li>"
        }
        func seconds(_ v: Double?) -> String {
            v.map { $0 < 120 ? String(format: "%.1f s", $0) : $0 < 7200 ? String(format: "%.1f min", $0 / 60) : String(format: "%.1f h", $0 / 3600) } ?? "—"
        }
        let counts: [(String, Int64, SchedulerV1.QueueStatus)] = [
            ("pending", s.pending, .pending), ("queued", s.queued, .queued), ("processing", s.processing, .processing),
            ("completed", s.completed, .completed), ("failed", s.failed, .failed), ("cancelled", s.cancelled, .cancelled),
            ("paused", s.paused, .paused),
        ]
        var html = "<h1>Queue</h1>"
        if let id = request.query["retried"] {
            html += "<p class=\"notice\" role=\"status\">Schedule \(HTML.escape(id)) is due now: the next worker to dequeue takes it.</p>"
        }
        if let id = request.query["confirmed"] {
            html += "<p class=\"notice\" role=\"status\">Schedule \(HTML.escape(id)) is recorded as published.</p>"
        }
        if let e = request.query["error"] { html += "<p class=\"error\" role=\"alert\">\(HTML.escape(e))</p>" }
        html += "<ul class=\"tiles\" id=\"counts\">"
        html += counts.map { tile($0.0, "\($0.1)", "st-\($0.0)", href: "/projects/\(p)/schedules?status=\($0.0)") }.joined()
        html += "</ul><ul class=\"tiles\" id=\"rates\">"
        html += tile("success rate", s.successRate.map { String(format: "%.1f %%", $0) } ?? "—")
        html += tile("average wait", seconds(s.avgWaitSeconds))
        html += tile("average processing", seconds(s.avgProcessingSeconds))
        html += tile("peak queue length", "\(s.peakQueueLength)")
        // The project's capacity (pending, queued, processing and paused count against it).
        let limit = stats.maxPendingSchedules
        html += tile(
            "capacity used", limit > 0 ? "\(stats.pendingSchedules) of \(limit)" : "\(stats.pendingSchedules) (no limit)",
            limit > 0 && stats.pendingSchedules * 10 >= limit * 9 ? "st-failed" : "")
        html += "</ul><div class=\"charts\">"
        html += SVGChart.horizontalBars(
            title: "Schedules by status now", rows: counts.map { ($0.0, Double($0.1), "st-\($0.0)") }, id: "chart-status")
        // One column per day of the last 30, oldest first; days without a metrics row stay empty.
        let utc = try! zones.zone("UTC")  // built in
        let today = utc.localDateTime(at: clock.now()).daysSinceEpoch
        let days = (0..<30).map { today - 29 + Int64($0) }
        var byDay: [Int64: SchedulerV1.QueueMetrics] = [:]
        for m in stats.metrics { byDay[Int64(floor(Double(m.periodStartMs) / 86_400_000))] = m }
        let labels = days.map { d -> String in
            let c = LocalDateTime.civil(fromDays: d)
            return "\(CalendarMonth.names[c.month - 1].prefix(3)) \(c.day)"
        }
        let rows = days.map { byDay[$0] }
        html += SVGChart.stackedBars(
            title: "Finished per day, last 30 days (UTC)", labels: labels,
            series: [
                .init(name: "completed", cssClass: "st-completed", values: rows.map { $0.map { Double($0.totalCompleted) } }),
                .init(name: "failed", cssClass: "st-failed", values: rows.map { $0.map { Double($0.totalFailed) } }),
            ], id: "chart-finished")
        html += SVGChart.lines(
            title: "Success rate per day (%)", labels: labels,
            series: [.init(name: "success rate", cssClass: "st-completed", values: rows.map { $0?.successRate })],
            id: "chart-success", unit: "%", fixedMax: 100)
        // Seconds, minutes or hours, whichever keeps the axis readable.
        let longest = rows.flatMap { [$0?.avgWaitSeconds, $0?.avgProcessingSeconds] }.compactMap { $0 }.max() ?? 0
        let (divisor, unit, unitName) = longest >= 7200 ? (3600.0, "h", "hours") : longest >= 300 ? (60.0, "min", "minutes") : (1.0, "s", "seconds")
        html += SVGChart.lines(
            title: "Average wait and processing time per day (\(unitName))", labels: labels,
            series: [
                .init(name: "wait", cssClass: "st-queued", values: rows.map { $0?.avgWaitSeconds.map { $0 / divisor } }),
                .init(name: "processing", cssClass: "st-processing", values: rows.map { $0?.avgProcessingSeconds.map { $0 / divisor } }),
            ], id: "chart-wait", unit: unit)
        html += "</div>" + platformFigures(stats.platforms)
        let held = failed.items.filter { unknown.contains($0.id) }
        if !held.isEmpty {
            html += """
                <h2>Outcome unknown (\(held.count))</h2><p class="hint">The worker's lease ran out while it was publishing: the post
                may be out. Check the platforms, then record what you found: <strong>It went out</strong> (with the links if
                you have them) marks it published, <strong>Publish again</strong> makes it due now for the next worker.</p>
                """
            html += failedTable(held, id: "outcome-unknown", project: project, session: session) { f in
                confirmForms(f, back: "queue", project: project, session: session)
            }
        }
        let plain = failed.items.filter { !unknown.contains($0.id) }
        html += "<h2>Failed (\(failed.pagination.total - Int64(held.count)))</h2>"
        if plain.isEmpty {
            html += "<p class=\"hint\">No failed schedules.</p>"
        } else {
            html += failedTable(plain, id: "failed", project: project, session: session) { f in
                """
                <form method="post" action="/projects/\(p)/schedules/\(FormCoding.escape(f.id))/publish-now" class="inline">\
                <input type="hidden" name="csrf" value="\(session.csrf)"><input type="hidden" name="back" value="queue">\
                <button type="submit" class="retry">Retry now</button></form>
                """
            }
        }
        let page = HTML.page(title: "Queue · \(project)", project: project, csrf: session.csrf, active: "queue", body: html)
            .replacingOccurrences(of: "<meta charset=\"utf-8\">", with: "<meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"30\">")
        return .html(page)
    }

    /// Whether a schedule is held for a person's confirmation: FAILED, its last attempt's outcome
    /// unknown and not yet confirmed (ConfirmOutcome's precondition).
    static func isHeld(_ s: SchedulerV1.Schedule) -> Bool {
        guard s.queueStatus == .failed, s.status == .failed, let last = s.attempts.last else { return false }
        return last.outcome == .outcomeUnknown && last.confirmation == nil
    }

    /// "Publish again" and "It went out" for a held schedule (ConfirmOutcome, published 0 or 1):
    /// the second with an optional link per platform and a note, folded away.
    func confirmForms(_ s: SchedulerV1.Schedule, back: String, project: String, session: ConsoleSession) -> String {
        let action = "/projects/\(FormCoding.escape(project))/schedules/\(FormCoding.escape(s.id))/confirm-outcome"
        let hidden = "<input type=\"hidden\" name=\"csrf\" value=\"\(session.csrf)\"><input type=\"hidden\" name=\"back\" value=\"\(back)\">"
        var html = """
            <form method="post" action="\(action)" class="inline">\(hidden)<input type="hidden" name="published" value="0">\
            <button type="submit" class="retry">Publish again</button></form> \
            <form method="post" action="\(action)" class="went-out">\(hidden)<input type="hidden" name="published" value="1">\
            <details><summary>Links, note</summary>
            """
        for platform in s.platforms {
            html += "<label>\(HTML.escape(Labels.platform(platform))) link <input type=\"url\" name=\"url.\(HTML.escape(platform))\" placeholder=\"https://…\"></label>"
        }
        // 4000 characters stay within the server's 16 KiB, whatever their encoding.
        html += "<label>Note <input name=\"note\" maxlength=\"4000\" placeholder=\"who checked, what they saw\"></label></details>"
        return html + "<button type=\"submit\" class=\"went-out\">It went out</button></form>"
    }

    /// A table of failed schedules, the last column holding `actions`' buttons for each.
    func failedTable(
        _ items: [SchedulerV1.Schedule], id: String, project: String, session: ConsoleSession,
        actions: (SchedulerV1.Schedule) -> String
    ) -> String {
        let p = FormCoding.escape(project)
        var html = "<table class=\"list\" id=\"\(id)\"><thead><tr><th>Content</th><th>Platforms</th><th>Due</th><th>Retries</th><th>Reason</th><th></th></tr></thead><tbody>"
        for f in items {
            let title = f.content.map { $0.title.isEmpty ? f.contentID : $0.title } ?? f.contentID
            html += """
                <tr data-id="\(HTML.escape(f.id))"><td><a href="/projects/\(p)/schedules/\(FormCoding.escape(f.id))">\(HTML.escape(title))</a></td>\
                <td>\(HTML.escape(f.platforms.map(Labels.platform).joined(separator: ", ")))</td><td>\(HTML.escape(f.localTime)) \(HTML.escape(f.timezone))</td>\
                <td>\(f.retryCount)/\(f.maxRetries)</td><td>\(HTML.escape(f.failureReason))</td>\
                <td class="actions">\(actions(f))</td></tr>
                """
        }
        return html + "</tbody></table>"
    }

    /// `POST /projects/{project}/schedules/{id}/publish-now`: makes the schedule due now
    /// (PublishNow), then back to the queue (or the schedule's page, with `back=schedule`).
    func publishNow(_ request: ConsoleRequest, project: String, id: String, session: ConsoleSession) async throws -> ConsoleResponse {
        let p = FormCoding.escape(project)
        let back = request.form["back"] == "schedule" ? "/projects/\(p)/schedules/\(FormCoding.escape(id))" : "/projects/\(p)/queue"
        let result: Result<SchedulerV1.PublishNowResponse, SchedulerError>
        do {
            result = .success(try await call(SchedulerV1.Scheduler.PublishNow.self, SchedulerV1.PublishNowRequest(projectID: project, scheduleID: id), session))
        } catch {
            result = .failure(error)
        }
        switch result {
        case .success: return .redirect(back + "?retried=" + FormCoding.escape(id))
        case .failure(let e) where e.code == .failedPrecondition || e.code == .notFound:
            return .redirect(back + "?error=" + FormCoding.escape("\(e.code.name): \(e.message)"))
        case .failure(let e): throw e
        }
    }

    /// `POST /projects/{project}/schedules/{id}/confirm-outcome`: ConfirmOutcome with `published`
    /// (1: it went out, 0: publish it again), the non-empty `url.<PLATFORM>` fields as the
    /// platforms' links (with `published` only) and `note`; then back to the queue (or the
    /// schedule's page, with `back=schedule`) saying what happened, or why the server refused.
    func confirmOutcome(_ request: ConsoleRequest, project: String, id: String, session: ConsoleSession) async throws -> ConsoleResponse {
        let p = FormCoding.escape(project)
        let back = request.form["back"] == "schedule" ? "/projects/\(p)/schedules/\(FormCoding.escape(id))" : "/projects/\(p)/queue"
        let published = request.form["published"] == "1"
        var confirm = SchedulerV1.ConfirmOutcomeRequest(projectID: project, scheduleID: id, published: published)
        confirm.note = request.form["note"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if published {
            for (name, value) in request.formPairs where name.hasPrefix("url.") {
                let url = value.trimmingCharacters(in: .whitespacesAndNewlines)
                if !url.isEmpty {
                    confirm.results.append(SchedulerV1.PlatformResult(platform: String(name.dropFirst(4)), success: true, publishedURL: url))
                }
            }
        }
        let result: Result<SchedulerV1.ConfirmOutcomeResponse, SchedulerError>
        do {
            result = .success(try await call(SchedulerV1.Scheduler.ConfirmOutcome.self, confirm, session))
        } catch {
            result = .failure(error)
        }
        switch result {
        case .success: return .redirect(back + (published ? "?confirmed=" : "?retried=") + FormCoding.escape(id))
        case .failure(let e) where [.failedPrecondition, .notFound, .invalidArgument].contains(e.code):
            return .redirect(back + "?error=" + FormCoding.escape("\(e.code.name): \(e.message)"))
        case .failure(let e): throw e
        }
    }

    /// Per-platform figures: pending, completed and failed schedules of each platform the
    /// project's schedules name (Stats with `by_platform`: one pass over the project's schedules
    /// in the same call), with the share of finished ones that completed. Platforms with none of
    /// the three are left out.
    func platformFigures(_ platforms: [SchedulerV1.PlatformQueueCounts]) -> String {
        let rows = platforms.compactMap { t -> String? in
            let p = t.platform
            let pending = t.pending, completed = t.completed, failed = t.failed
            guard pending + completed + failed > 0 else { return nil }
            let rate = completed + failed > 0 ? String(format: "%.1f %%", Double(completed) * 100 / Double(completed + failed)) : "—"
            return "<tr><td><span class=\"dot \(Labels.platformClass(p))\"></span>\(HTML.escape(Labels.platform(p)))</td><td>\(pending)</td><td>\(completed)</td><td>\(failed)</td><td>\(rate)</td></tr>"
        }
        guard !rows.isEmpty else { return "" }
        return "<h2>By platform</h2><table class=\"list\" id=\"platforms\"><thead><tr><th>Platform</th><th>Pending</th><th>Completed</th><th>Failed</th><th>Success rate</th></tr></thead><tbody>"
            + rows.joined() + "</tbody></table>"
    }
}
