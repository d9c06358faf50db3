import Foundation
import WireProtocol

/// The calendar's filters, from the query: `platform` (a name, any case) and `status` (a queue
/// status such as `failed`), passed to List and kept in the calendar's links.
struct CalendarFilter {
    var platform = ""
    var statusName = ""
    var status: SchedulerV1.QueueStatus = .unspecified

    static let statuses: [SchedulerV1.QueueStatus] = [.pending, .queued, .processing, .completed, .failed, .cancelled, .paused]

    init(_ request: ConsoleRequest) {
        platform = (request.query["platform"] ?? "").trimmingCharacters(in: .whitespaces)
        if let s = Self.statuses.first(where: { Labels.status($0) == request.query["status"] }) {
            status = s
            statusName = Labels.status(s)
        }
    }

    /// `&platform=…&status=…` for the ones set.
    var query: String {
        (platform.isEmpty ? "" : "&platform=" + FormCoding.escape(platform)) + (statusName.isEmpty ? "" : "&status=" + statusName)
    }

    /// The two selects of the toolbar's form.
    var controls: String {
        let platforms = Labels.knownPlatforms.filter { $0 != "instagram" }.sorted()
        let chosen = Labels.platform(platform)
        var html = " <label>Platform <select name=\"platform\"><option value=\"\">any</option>"
        html += (platforms.contains(chosen) || chosen.isEmpty ? platforms : platforms + [chosen]).map {
            "<option\($0 == chosen ? " selected" : "")>\(HTML.escape($0))</option>"
        }.joined()
        html += "</select></label> <label>Status <select name=\"status\"><option value=\"\">any</option>"
        html += Self.statuses.map { s in
            let n = Labels.status(s)
            return "<option\(n == statusName ? " selected" : "")>\(n)</option>"
        }.joined()
        return html + "</select></label> "
    }
}
