import SchedulerClient
import SchedulingCore
import WireProtocol

extension Console {
    /// `GET /projects/{project}/calendar?view=week&week=YYYY-MM-DD&tz=ZONE`: the week (Monday
    /// first) holding that day, one row per hour of the viewer's zone. Dropping an item on a cell
    /// moves it to that day and hour (its minutes kept); the keyboard works as in the month.
    ///
    /// With `view=day&day=YYYY-MM-DD`, the same grid for one day.
    func weekPage(_ request: ConsoleRequest, project: String, session: ConsoleSession) async throws -> ConsoleResponse {
        let zone = viewZone(request)
        let today = zone.localDateTime(at: clock.now()).daysSinceEpoch
        let single = request.query["view"] == "day"
        let parameter = single ? "day" : "week"
        var day = today
        if let text = request.query[parameter] {
            guard let d = LocalFormat.days(text), (1900...9998).contains(LocalDateTime.civil(fromDays: d).year) else {
                throw SchedulerError(code: .invalidArgument, message: "\(parameter) \"\(text)\": expected a day YYYY-MM-DD (1900…9998)")
            }
            day = d
        }
        let monday = single ? day : day - Int64(LocalDateTime.isoWeekday(days: day) - 1)
        let span: Int64 = single ? 1 : 7
        let days = (0..<span).map { monday + $0 }
        func local(_ d: Int64) -> LocalDateTime {
            let c = LocalDateTime.civil(fromDays: d)
            return LocalDateTime(uncheckedYear: c.year, month: c.month, day: c.day, hour: 0, minute: 0, second: 0)
        }
        let from = zone.resolve(local(monday)).instant
        let to = zone.resolve(local(monday + span)).instant.adding(milliseconds: -1)
        let (items, truncated) = try await calendarSchedules(request, project: project, from: from, to: to, session: session)
        var cells: [Int64: [Int: [SchedulerV1.Schedule]]] = [:]
        var platforms = Set<String>()
        for s in items {
            let l = zone.localDateTime(at: Instant(unixMilliseconds: s.scheduledForMs))
            cells[l.daysSinceEpoch, default: [:]][l.hour, default: []].append(s)
            platforms.formUnion(s.platforms)
        }
        let p = FormCoding.escape(project)
        let filter = CalendarFilter(request)
        let tzQuery = "&tz=" + FormCoding.escape(zone.identifier) + filter.query
        let first = local(monday), last = local(monday + span - 1)
        let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        let title = single
            ? "\(weekdayNames[LocalDateTime.isoWeekday(days: monday) - 1]) \(first.day) \(CalendarMonth.names[first.month - 1]) \(first.year)"
            : "Week of \(first.day) \(CalendarMonth.names[first.month - 1]) \(first.year)"
        let monthText = CalendarMonth(year: first.year, month: first.month).text
        var html = """
            <div class="toolbar"><h1>\(HTML.escape(title))</h1>
            <a class="button" href="/projects/\(p)/calendar?view=\(parameter)&amp;\(parameter)=\(LocalFormat.date(local(monday - span)))\(tzQuery)" rel="prev">← previous \(parameter)</a>
            <a class="button" href="/projects/\(p)/calendar?view=\(parameter)\(tzQuery)">\(single ? "Today" : "This week")</a>
            <a class="button" href="/projects/\(p)/calendar?view=\(parameter)&amp;\(parameter)=\(LocalFormat.date(local(monday + span)))\(tzQuery)" rel="next">next \(parameter) →</a>
            <a class="button" href="/projects/\(p)/calendar?month=\(monthText)\(tzQuery)">Month</a>
            \(single ? "<a class=\"button\" href=\"/projects/\(p)/calendar?view=week&amp;week=\(LocalFormat.date(first))\(tzQuery)\">Week</a>" : "")
            <form method="get" class="inline tz"><input type="hidden" name="view" value="\(parameter)"><input type="hidden" name="\(parameter)" value="\(LocalFormat.date(first))">
            <label>Time zone <input name="tz" list="zones" value="\(HTML.escape(zone.identifier))" size="22"></label>\(filter.controls)<button type="submit">Show</button></form>
            </div>
            <datalist id="zones">\(TimeZoneGroups.all.flatMap(\.zones).map { "<option value=\"\(HTML.escape($0))\">" }.joined())</datalist>
            <p class="hint">Times in \(HTML.escape(zone.identifier)), \(LocalFormat.date(first)) to \(LocalFormat.date(last)). Drag an item to another day and hour
            (it keeps its minutes), or focus it, press Enter, move with the arrow keys (left/right a day, up/down an hour) and press Enter again.</p>
            """
        if truncated { html += "<p class=\"error\">This week has more than \(Self.calendarLimit) schedules: only the first are shown.</p>" }
        html += "<ul class=\"legend\">" + platforms.sorted().map { "<li><span class=\"dot \(Labels.platformClass($0))\"></span>\(HTML.escape(Labels.platform($0)))</li>" }.joined() + "</ul>"
        html += "<table class=\"calendar week\" id=\"calendar\" data-columns=\"\(span)\" data-project=\"\(HTML.escape(project))\" data-tz=\"\(HTML.escape(zone.identifier))\"><thead><tr><th></th>"
        let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        for d in days {
            let l = local(d)
            html += "<th scope=\"col\"\(d == today ? " class=\"today\"" : "")><a href=\"/projects/\(p)/calendar?view=day&amp;day=\(LocalFormat.date(l))\(tzQuery)\">\(names[(LocalDateTime.isoWeekday(days: d) - 1)]) \(l.day)/\(l.month)</a></th>"
        }
        html += "</tr></thead><tbody>"
        for hour in 0..<24 {
            html += "<tr><th scope=\"row\" class=\"hour\">\(LocalFormat.two(hour)):00</th>"
            for d in days {
                let date = LocalFormat.date(local(d))
                html += "<td class=\"day slot\" data-date=\"\(date)\" data-hour=\"\(hour)\"><ol>"
                for s in cells[d]?[hour] ?? [] { html += calendarItem(s, zone: zone, date: date, project: project) }
                html += "</ol></td>"
            }
            html += "</tr>"
        }
        html += "</tbody></table>" + moveDialog
        return .html(HTML.page(title: "\(title) · \(project)", project: project, csrf: session.csrf, active: "calendar", body: html))
    }

    /// The dialog a refused move opens, and the live region the script announces moves in.
    var moveDialog: String {
        """
        <div id="move-dialog" class="dialog" role="dialog" aria-modal="true" aria-labelledby="move-title" hidden>
        <h2 id="move-title">The move was refused</h2><p id="move-message"></p><ul id="move-conflicts"></ul>
        <button type="button" id="move-resolve">Move to the next free time</button> <button type="button" id="move-cancel">Cancel</button></div>
        <p id="live" class="sr-only" aria-live="polite"></p>
        """
    }
}
