import SchedulerClient
import SchedulingCore
import WireProtocol

extension Console {
    /// `GET /projects/{project}/schedules?status=S&platform=P&sort=F&order=asc|desc&page=N`: the
    /// project's schedules, 50 a page, filtered and sorted as List allows (by due time by default).
    func schedulesPage(_ request: ConsoleRequest, project: String, session: ConsoleSession) async throws -> ConsoleResponse {
        let statuses: [SchedulerV1.QueueStatus] = [.pending, .queued, .processing, .completed, .failed, .cancelled, .paused]
        let statusName = request.query["status"] ?? ""
        let status = statuses.first { Labels.status($0) == statusName } ?? .unspecified
        let platform = request.query["platform"] ?? ""
        let page = max(1, min(Int32(request.query["page"] ?? "") ?? 1, 10_000))
        let sorts: [(String, String, SchedulerV1.SortField)] = [("scheduledFor", "due time", .scheduledFor), ("createdAt", "created", .createdAt), ("priority", "priority", .priority)]
        let sortName = sorts.first { $0.0 == request.query["sort"] }?.0 ?? "scheduledFor"
        let descending = request.query["order"] == "desc"
        var list = SchedulerV1.ListRequest(projectID: project, status: status, platform: platform, page: page, limit: 50)
        list.sortBy = sorts.first { $0.0 == sortName }!.2
        list.sortOrder = descending ? .desc : .asc
        let r = try await call(SchedulerV1.Scheduler.List.self, list, session)
        let p = FormCoding.escape(project)
        var html = """
            <h1>Schedules</h1><form method="get" class="inline filters"><label>Status <select name="status"><option value="">any</option>
            \(statuses.map { s in let n = Labels.status(s); return "<option\(n == statusName ? " selected" : "")>\(n)</option>" }.joined())
            </select></label> <label>Platform <input name="platform" value="\(HTML.escape(platform))" size="12"></label>
            <label>Sort by <select name="sort">\(sorts.map { "<option value=\"\($0.0)\"\($0.0 == sortName ? " selected" : "")>\($0.1)</option>" }.joined())</select></label>
            <select name="order" aria-label="order"><option value="asc">ascending</option><option value="desc"\(descending ? " selected" : "")>descending</option></select>
            <button type="submit">Filter</button></form>
            <form method="post" action="/projects/\(p)/schedules/bulk" id="bulk"><input type="hidden" name="csrf" value="\(session.csrf)">
            <input type="hidden" name="back" value="\(HTML.escape("status=\(FormCoding.escape(statusName))&platform=\(FormCoding.escape(platform))&sort=\(sortName)&order=\(descending ? "desc" : "asc")&page=\(page)"))">
            <p class="bulk">Selected: <button type="submit" name="action" value="pause">Pause</button>
            <button type="submit" name="action" value="resume">Resume</button> <button type="submit" name="action" value="cancel">Cancel</button></p>
            <table class="list" id="schedules"><thead><tr><th><span class="sr-only">select</span></th><th>Due (its zone)</th><th>Content</th><th>Platforms</th><th>Status</th><th>Priority</th></tr></thead><tbody>
            """
        if let notice = request.query["bulk"] { html = "<p class=\"notice\" role=\"status\" id=\"bulk-result\">\(HTML.escape(notice))</p>" + html }
        if let e = request.query["error"] { html = "<p class=\"error\" role=\"alert\">\(HTML.escape(e))</p>" + html }
        for s in r.items {
            let title = s.content.map { $0.title.isEmpty ? s.contentID : $0.title } ?? s.contentID
            let status = Labels.status(s.queueStatus)
            html += """
                <tr data-id="\(HTML.escape(s.id))"><td><input type="checkbox" name="id" value="\(HTML.escape(s.id))" aria-label="select \(HTML.escape(title))"></td>\
                <td>\(HTML.escape(s.localTime.replacingOccurrences(of: "T", with: " "))) \(HTML.escape(s.timezone))</td>\
                <td><a href="/projects/\(p)/schedules/\(FormCoding.escape(s.id))">\(HTML.escape(title))</a></td>\
                <td>\(s.platforms.map { "<span class=\"dot \(Labels.platformClass($0))\"></span>\(HTML.escape(Labels.platform($0)))" }.joined(separator: " "))</td>\
                <td><span class="badge st-\(status)">\(status)</span></td><td>\(s.priority)</td></tr>
                """
        }
        html += "</tbody></table></form>"
        let pages = max(1, r.pagination.totalPages)
        let query = "status=\(FormCoding.escape(statusName))&amp;platform=\(FormCoding.escape(platform))&amp;sort=\(sortName)&amp;order=\(descending ? "desc" : "asc")"
        html += "<p class=\"pager\">\(r.pagination.total) schedules · page \(page) of \(pages) "
        if page > 1 { html += "<a href=\"?\(query)&amp;page=\(page - 1)\">← previous</a> " }
        if page < pages { html += "<a href=\"?\(query)&amp;page=\(page + 1)\">next →</a>" }
        html += "</p>"
        return .html(HTML.page(title: "Schedules · \(project)", project: project, csrf: session.csrf, active: "schedules", body: html))
    }

    /// `GET /projects/{project}/schedules/{id}`: one schedule with its per-platform results and
    /// attempts (Get) and the conflicts recorded about it (ListConflicts).
    func schedulePage(_ request: ConsoleRequest, project: String, id: String, session: ConsoleSession) async throws -> ConsoleResponse {
        let s = try await call(SchedulerV1.Scheduler.Get.self, SchedulerV1.GetRequest(projectID: project, scheduleID: id), session).schedule
        let p = FormCoding.escape(project)
        let title = s.content.map { $0.title.isEmpty ? s.contentID : $0.title } ?? s.contentID
        let status = Labels.status(s.queueStatus)
        let utc = Instant(unixMilliseconds: s.scheduledForMs)
        func row(_ k: String, _ v: String) -> String { "<tr><th scope=\"row\">\(k)</th><td>\(v)</td></tr>" }
        var html = "<h1>\(HTML.escape(title))</h1>"
        if request.query["created"] != nil { html += "<p class=\"notice\" role=\"status\">Created.</p>" }
        if request.query["updated"] != nil { html += "<p class=\"notice\" role=\"status\">Saved.</p>" }
        if request.query["unchanged"] != nil { html += "<p class=\"notice\" role=\"status\">Nothing changed.</p>" }
        if let r = request.query["retried"] { html += "<p class=\"notice\" role=\"status\">Schedule \(HTML.escape(r)) is due now.</p>" }
        if let r = request.query["confirmed"] {
            html += "<p class=\"notice\" role=\"status\">Schedule \(HTML.escape(r)) is recorded as published.</p>"
        }
        if let e = request.query["error"] { html += "<p class=\"error\" role=\"alert\">\(HTML.escape(e))</p>" }
        html += "<table class=\"detail\" id=\"schedule\" data-id=\"\(HTML.escape(s.id))\">"
        html += row("id", HTML.escape(s.id))
        html += row("status", "<span class=\"badge st-\(status)\" id=\"status\">\(status)</span>")
        html += row("local time", "<span id=\"local-time\">\(HTML.escape(s.localTime))</span> \(HTML.escape(s.timezone))")
        html += row("UTC", HTML.escape(utc.iso8601))
        html += row("platforms", s.platforms.map { "<span class=\"dot \(Labels.platformClass($0))\"></span>\(HTML.escape(Labels.platform($0)))" }.joined(separator: " "))
        html += row("priority", "\(s.priority)")
        html += row("retries", "\(s.retryCount) of \(s.maxRetries)")
        if !s.failureReason.isEmpty { html += row("failure", HTML.escape(s.failureReason)) }
        if s.isRecurring {
            var repeats = "<code id=\"recurrence\">\(HTML.escape(Labels.recurrence(s.recurrence)))</code>"
            if s.recurringUntilMs != 0, let zone = try? zones.zone(s.timezone) {
                let t = Instant(unixMilliseconds: s.recurringUntilMs)
                let l = zone.localDateTime(at: t)
                repeats += " until \(LocalFormat.date(l)) \(LocalFormat.time(l)) \(HTML.escape(zone.abbreviation(at: t)))"
            }
            html += row("repeats", repeats)
            html += row("series", HTML.escape(s.seriesID))
        }
        if !s.notes.isEmpty { html += row("notes", HTML.escape(s.notes)) }
        html += "</table>"
        if [.pending, .paused].contains(s.queueStatus) {
            html += "<p><a class=\"button\" id=\"edit\" href=\"/projects/\(p)/schedules/\(FormCoding.escape(s.id))/edit\">Edit</a></p>"
        }
        if Self.isHeld(s) {
            // Held as "outcome unknown": a person says what they found rather than publishing
            // blindly (PublishNow would leave the attempt counted as a failure, and may post twice).
            html += "<p class=\"hint\">The worker's lease ran out while it was publishing: check the platforms.</p>"
            html += "<div class=\"actions\" id=\"confirm-outcome\">\(confirmForms(s, back: "schedule", project: project, session: session))</div>"
        } else if Labels.canReschedule(s.queueStatus) && s.queueStatus != .queued {
            html += """
                <form method="post" action="/projects/\(p)/schedules/\(FormCoding.escape(s.id))/publish-now" class="inline">\
                <input type="hidden" name="csrf" value="\(session.csrf)"><input type="hidden" name="back" value="schedule">\
                <button type="submit">Publish now</button></form>
                """
        }
        if !s.results.isEmpty {
            html += "<h2>Results</h2><table class=\"list\" id=\"results\"><thead><tr><th>Platform</th><th>Outcome</th><th>Link or error</th></tr></thead><tbody>"
            for r in s.results {
                // Only http(s) links become links: a result URL is whatever the worker reported.
                let url = r.publishedURL
                let link = url.hasPrefix("https://") || url.hasPrefix("http://")
                    ? "<a href=\"\(HTML.escape(url))\" rel=\"noopener noreferrer\">\(HTML.escape(url))</a>" : HTML.escape(url)
                html += "<tr><td>\(HTML.escape(Labels.platform(r.platform)))</td><td>\(r.success ? "published" : "failed")</td>"
                html += "<td>\(r.success ? link : HTML.escape(r.error))</td></tr>"
            }
            html += "</tbody></table>"
        }
        if !s.attempts.isEmpty {
            html += "<h2>Attempts</h2><table class=\"list\"><thead><tr><th>#</th><th>Started (UTC)</th><th>Worker</th><th>Outcome</th><th>Error</th></tr></thead><tbody>"
            for a in s.attempts {
                html += "<tr><td>\(a.number)</td><td>\(HTML.escape(Instant(unixMilliseconds: a.startedAtMs).iso8601))</td><td>\(HTML.escape(a.workerID))</td>"
                var outcome = HTML.escape(a.outcome.protoName.replacingOccurrences(of: "ATTEMPT_OUTCOME_", with: "").lowercased())
                if let c = a.confirmation {
                    outcome += "<br><span class=\"confirmation\">confirmed \(c.published ? "published" : "not published") by "
                        + "\(HTML.escape(c.confirmedBy)) at \(HTML.escape(Instant(unixMilliseconds: c.confirmedAtMs).iso8601))"
                        + (c.note.isEmpty ? "" : ": \(HTML.escape(c.note))") + "</span>"
                }
                html += "<td>\(outcome)</td><td>\(HTML.escape(a.error))</td></tr>"
            }
            html += "</tbody></table>"
        }
        let conflicts = try await call(
            SchedulerV1.Scheduler.ListConflicts.self,
            SchedulerV1.ListConflictsRequest(projectID: project, scheduleID: s.id, includeResolved: true, limit: 50), session)
        if !conflicts.conflicts.isEmpty {
            html += "<h2>Conflicts</h2><ul id=\"schedule-conflicts\">"
            for c in conflicts.conflicts {
                html += "<li>\(HTML.escape(Labels.severity(c.severity))) · \(HTML.escape(Labels.conflictType(c.type))): \(HTML.escape(c.reason))"
                html += c.resolved ? " <span class=\"hint\">(resolved: \(HTML.escape(c.resolution)))</span>" : " <a href=\"/projects/\(p)/conflicts\">resolve…</a>"
                html += "</li>"
            }
            html += "</ul>"
        }
        html += "<p><a href=\"/projects/\(p)/calendar?month=\(String(s.localTime.prefix(7)))&amp;tz=\(FormCoding.escape(s.timezone))\">Show in the calendar</a></p>"
        return .html(HTML.page(title: title, project: project, csrf: session.csrf, active: "schedules", body: html))
    }

    /// `POST /projects/{project}/schedules/bulk` (`action` pause, resume or cancel; `id` repeated):
    /// BatchPause, BatchResume or BatchCancel, each atomic, then back to the list saying how many
    /// changed and how many were skipped (not in a state the action applies to).
    func bulk(_ request: ConsoleRequest, project: String, session: ConsoleSession) async throws -> ConsoleResponse {
        let ids = request.formValues("id").filter { !$0.isEmpty }
        let back = "/projects/\(FormCoding.escape(project))/schedules?" + (request.form["back"] ?? "")
        guard !ids.isEmpty else { return .redirect(back + "&error=" + FormCoding.escape("Select one or more schedules first.")) }
        guard ids.count <= 1000 else { return .redirect(back + "&error=" + FormCoding.escape("At most 1000 at once.")) }
        let affected: Int32, skipped: Int, verb: String
        switch request.form["action"] {
        case "pause":
            let r = try await call(SchedulerV1.Scheduler.BatchPause.self, SchedulerV1.BatchPauseRequest(projectID: project, scheduleIDs: ids), session)
            (affected, skipped, verb) = (r.affected, r.skippedIDs.count, "paused")
        case "resume":
            let r = try await call(SchedulerV1.Scheduler.BatchResume.self, SchedulerV1.BatchResumeRequest(projectID: project, scheduleIDs: ids), session)
            (affected, skipped, verb) = (r.affected, r.skippedIDs.count, "resumed")
        case "cancel":
            let r = try await call(
                SchedulerV1.Scheduler.BatchCancel.self, SchedulerV1.BatchCancelRequest(projectID: project, scheduleIDs: ids, reason: "cancelled in the console"),
                session)
            (affected, skipped, verb) = (r.affected, r.skippedIDs.count, "cancelled")
        default:
            return .redirect(back + "&error=" + FormCoding.escape("Unknown action."))
        }
        let notice = "\(affected) \(verb)" + (skipped > 0 ? ", \(skipped) skipped (not in a state that allows it)" : "")
        return .redirect(back + "&bulk=" + FormCoding.escape(notice))
    }
}
