import Foundation
import SchedulerClient
import SchedulingCore
import WireProtocol

extension Console {
    /// `GET /projects/{project}/conflicts?all=1&page=N`: the recorded conflicts, newest first
    /// (unresolved only unless `all`), each unresolved one with a note field and a Resolve button.
    func conflictsPage(_ request: ConsoleRequest, project: String, session: ConsoleSession) async throws -> ConsoleResponse {
        let all = request.query["all"] == "1"
        let page = max(1, min(Int32(request.query["page"] ?? "") ?? 1, 10_000))
        let r = try await call(
            SchedulerV1.Scheduler.ListConflicts.self,
            SchedulerV1.ListConflictsRequest(projectID: project, includeResolved: all, page: page, limit: 50), session)
        let p = FormCoding.escape(project)
        var html = "<h1>Conflicts</h1>"
        if let id = request.query["resolved"] { html += "<p class=\"notice\" role=\"status\">Conflict \(HTML.escape(id)) is resolved.</p>" }
        if let e = request.query["error"] { html += "<p class=\"error\" role=\"alert\">\(HTML.escape(e))</p>" }
        html += all
            ? "<p><a href=\"/projects/\(p)/conflicts\">Only unresolved</a></p>"
            : "<p><a href=\"/projects/\(p)/conflicts?all=1\">Show resolved ones too</a></p>"
        if r.conflicts.isEmpty {
            html += "<p class=\"hint\">No \(all ? "" : "unresolved ")conflicts recorded.</p>"
        } else {
            html += "<table class=\"list\" id=\"conflicts\"><thead><tr><th>Time (UTC)</th><th>Kind</th><th>Severity</th><th>Reason</th><th>Schedules</th><th>Resolution</th></tr></thead><tbody>"
            for c in r.conflicts {
                let schedules = [c.schedule1ID, c.schedule2ID].filter { !$0.isEmpty }.map {
                    "<a href=\"/projects/\(p)/schedules/\(FormCoding.escape($0))\">\(HTML.escape($0))</a>"
                }.joined(separator: "<br>")
                let resolution = c.resolved
                    ? "\(HTML.escape(c.resolution)) <span class=\"hint\">(\(HTML.escape(c.resolvedBy)))</span>"
                    : """
                    <form method="post" action="/projects/\(p)/conflicts/\(FormCoding.escape(c.id))/resolve" class="inline resolve">\
                    <input type="hidden" name="csrf" value="\(session.csrf)">\
                    <input name="resolution" required placeholder="note" aria-label="Resolution note for \(HTML.escape(c.id))">\
                    <button type="submit">Resolve</button></form>
                    """
                html += """
                    <tr data-id="\(HTML.escape(c.id))"><td>\(HTML.escape(Instant(unixMilliseconds: c.conflictTimeMs).iso8601))</td>\
                    <td>\(HTML.escape(Labels.conflictType(c.type)))</td><td>\(HTML.escape(Labels.severity(c.severity)))</td>\
                    <td>\(HTML.escape(c.reason))</td><td>\(schedules)</td><td>\(resolution)</td></tr>
                    """
            }
            html += "</tbody></table>"
            let pages = max(1, r.pagination.totalPages)
            html += "<p class=\"pager\">\(r.pagination.total) conflicts · page \(page) of \(pages) "
            if page > 1 { html += "<a href=\"?all=\(all ? 1 : 0)&amp;page=\(page - 1)\">← previous</a> " }
            if page < pages { html += "<a href=\"?all=\(all ? 1 : 0)&amp;page=\(page + 1)\">next →</a>" }
            html += "</p>"
        }
        return .html(HTML.page(title: "Conflicts · \(project)", project: project, csrf: session.csrf, active: "conflicts", body: html))
    }

    /// `POST /projects/{project}/conflicts/{id}/resolve` (`resolution`): ResolveConflict, then back
    /// to the list.
    func resolveConflict(_ request: ConsoleRequest, project: String, id: String, session: ConsoleSession) async throws -> ConsoleResponse {
        let back = "/projects/\(FormCoding.escape(project))/conflicts"
        let note = (request.form["resolution"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty else { return .redirect(back + "?error=" + FormCoding.escape("Write a resolution note.")) }
        let result: Result<SchedulerV1.StoredConflict, SchedulerError>
        do {
            result = .success(
                try await call(
                    SchedulerV1.Scheduler.ResolveConflict.self,
                    SchedulerV1.ResolveConflictRequest(projectID: project, conflictID: id, resolution: note), session
                ).conflict)
        } catch {
            result = .failure(error)
        }
        switch result {
        case .success: return .redirect(back + "?resolved=" + FormCoding.escape(id))
        case .failure(let e) where e.code == .notFound || e.code == .invalidArgument:
            return .redirect(back + "?error=" + FormCoding.escape("\(e.code.name): \(e.message)"))
        case .failure(let e): throw e
        }
    }
}
