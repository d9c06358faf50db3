import SchedulerClient
import SchedulingCore
import WireProtocol

/// A calendar month: year and month, read from `YYYY-MM` within the supported years.
struct CalendarMonth: Hashable, Sendable {
    var year: Int
    var month: Int

    /// `YYYY-MM`, years 1900–9999; nil otherwise.
    init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1]),
            (1900...9999).contains(y), (1...12).contains(m)
        else { return nil }
        (year, month) = (y, m)
    }

    init(year: Int, month: Int) { (self.year, self.month) = (year, month) }

    var text: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }
    var days: Int { LocalDateTime.daysInMonth(year: year, month: month) }
    var previous: CalendarMonth { month == 1 ? CalendarMonth(year: year - 1, month: 12) : CalendarMonth(year: year, month: month - 1) }
    var next: CalendarMonth { month == 12 ? CalendarMonth(year: year + 1, month: 1) : CalendarMonth(year: year, month: month + 1) }
    static let names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    var title: String { "\(Self.names[month - 1]) \(year)" }
}

/// `YYYY-MM-DD` and `YYYY-MM-DDTHH:MM:SS` for local date-times.
enum LocalFormat {
    static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    static func date(_ l: LocalDateTime) -> String { "\(l.year)-\(two(l.month))-\(two(l.day))" }
    static func time(_ l: LocalDateTime) -> String { "\(two(l.hour)):\(two(l.minute))" }
    static func dateTime(_ l: LocalDateTime) -> String { "\(date(l))T\(time(l)):\(two(l.second))" }

    /// `YYYY-MM-DD` as days since 1970-01-01; nil when malformed.
    static func days(_ text: String) -> Int64? {
        let p = text.split(separator: "-")
        guard p.count == 3, let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]), LocalDateTime(year: y, month: m, day: d) != nil else {
            return nil
        }
        return LocalDateTime.days(year: y, month: m, day: d)
    }
}

extension Console {
    /// The most schedules one calendar page reads (20 List pages of 100).
    static let calendarLimit = 2000

    /// The viewer's zone: `tz` from the query, else the configured default.
    func viewZone(_ request: ConsoleRequest) -> Zone {
        if let id = request.query["tz"], !id.isEmpty, let z = try? zones.zone(id) { return z }
        return (try? zones.zone(configuration.defaultTimeZone)) ?? (try! zones.zone("UTC"))  // UTC is built in
    }

    /// `GET /projects/{project}/calendar?month=YYYY-MM&tz=ZONE`: a month grid, Monday first, with
    /// the project's schedules on their days in the viewer's zone, coloured by platform. Items that
    /// Reschedule accepts can be dragged to another day (or moved with the keyboard).
    /// The project's schedules due in `from`…`to` (the calendar's filters applied), in due order,
    /// page by page up to ``calendarLimit``; `truncated` when more were left out. Month, week and
    /// day views all read them so.
    func calendarSchedules(
        _ request: ConsoleRequest, project: String, from: Instant, to: Instant, session: ConsoleSession
    ) async throws -> (items: [SchedulerV1.Schedule], truncated: Bool) {
        let filter = CalendarFilter(request)
        var items: [SchedulerV1.Schedule] = []
        var page: Int32 = 1
        while true {
            var list = SchedulerV1.ListRequest(
                projectID: project, status: filter.status, fromMs: from.unixMilliseconds, toMs: to.unixMilliseconds,
                platform: filter.platform, page: page, limit: 100)
            list.sortBy = .scheduledFor
            let r = try await call(SchedulerV1.Scheduler.List.self, list, session)
            items += r.items
            if page >= r.pagination.totalPages || r.items.isEmpty { return (items, false) }
            if items.count >= Self.calendarLimit { return (items, true) }
            page += 1
        }
    }

    func calendarPage(_ request: ConsoleRequest, project: String, session: ConsoleSession) async throws -> ConsoleResponse {
        if ["week", "day"].contains(request.query["view"] ?? "") { return try await weekPage(request, project: project, session: session) }
        let zone = viewZone(request)
        let nowLocal = zone.localDateTime(at: clock.now())
        let month: CalendarMonth
        if let text = request.query["month"] {
            guard let m = CalendarMonth(text) else {
                throw SchedulerError(code: .invalidArgument, message: "month \"\(text)\": expected YYYY-MM (1900-01…9999-12)")
            }
            month = m
        } else {
            month = CalendarMonth(year: nowLocal.year, month: nowLocal.month)
        }
        let first = LocalDateTime(uncheckedYear: month.year, month: month.month, day: 1, hour: 0, minute: 0, second: 0)
        let next = LocalDateTime(uncheckedYear: month.next.year, month: month.next.month, day: 1, hour: 0, minute: 0, second: 0)
        let range = Instant.supportedRange
        let from = max(range.lowerBound, zone.resolve(first).instant)
        let to = min(range.upperBound, zone.resolve(next).instant.adding(milliseconds: -1))
        let (items, truncated) = try await calendarSchedules(request, project: project, from: from, to: to, session: session)
        var byDay: [Int: [SchedulerV1.Schedule]] = [:]
        var platforms = Set<String>()
        for s in items {
            let local = zone.localDateTime(at: Instant(unixMilliseconds: s.scheduledForMs))
            guard local.year == month.year, local.month == month.month else { continue }
            byDay[local.day, default: []].append(s)
            platforms.formUnion(s.platforms)
        }
        let p = FormCoding.escape(project)
        let filter = CalendarFilter(request)
        let tzQuery = "&tz=" + FormCoding.escape(zone.identifier) + filter.query
        var html = """
            <div class="toolbar"><h1>\(HTML.escape(month.title))</h1>
            <a class="button" href="/projects/\(p)/calendar?month=\(month.previous.text)\(tzQuery)" rel="prev">← \(CalendarMonth.names[month.previous.month - 1])</a>
            <a class="button" href="/projects/\(p)/calendar?month=\(CalendarMonth(year: nowLocal.year, month: nowLocal.month).text)\(tzQuery)">Today</a>
            <a class="button" href="/projects/\(p)/calendar?month=\(month.next.text)\(tzQuery)" rel="next">\(CalendarMonth.names[month.next.month - 1]) →</a>
            <a class="button" href="/projects/\(p)/calendar?view=week&amp;week=\(month.year == nowLocal.year && month.month == nowLocal.month ? LocalFormat.date(nowLocal) : "\(month.text)-01")\(tzQuery)">Week</a>
            <form method="get" class="inline tz"><input type="hidden" name="month" value="\(month.text)">
            <label>Time zone <input name="tz" list="zones" value="\(HTML.escape(zone.identifier))" size="22"></label>\(filter.controls)<button type="submit">Show</button></form>
            </div>
            <datalist id="zones">\(TimeZoneGroups.all.flatMap(\.zones).map { "<option value=\"\(HTML.escape($0))\">" }.joined())</datalist>
            <p class="hint">Times in \(HTML.escape(zone.identifier)). Drag an item to another day to reschedule it (it keeps its own local time of day in its own zone),
            or focus it, press Enter, move with the arrow keys and press Enter again (Escape cancels).</p>
            """
        if truncated { html += "<p class=\"error\">This month has more than \(Self.calendarLimit) schedules: only the first are shown.</p>" }
        html += "<ul class=\"legend\">" + platforms.sorted().map { "<li><span class=\"dot \(Labels.platformClass($0))\"></span>\(HTML.escape(Labels.platform($0)))</li>" }.joined() + "</ul>"
        html += "<table class=\"calendar\" id=\"calendar\" data-project=\"\(HTML.escape(project))\"><thead><tr>"
        html += ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map { "<th scope=\"col\">\($0)</th>" }.joined() + "</tr></thead><tbody><tr>"
        let firstWeekday = LocalDateTime.isoWeekday(days: LocalDateTime.days(year: month.year, month: month.month, day: 1))
        var column = 1
        for _ in 1..<firstWeekday {
            html += "<td class=\"blank\"></td>"
            column += 1
        }
        for day in 1...month.days {
            if column > 7 {
                html += "</tr><tr>"
                column = 1
            }
            let date = LocalFormat.date(LocalDateTime(uncheckedYear: month.year, month: month.month, day: day, hour: 0, minute: 0, second: 0))
            let today = nowLocal.year == month.year && nowLocal.month == month.month && nowLocal.day == day
            html += "<td class=\"day\(today ? " today" : "")\" data-date=\"\(date)\"><div class=\"num\">\(day)</div><ol>"
            for s in byDay[day] ?? [] { html += calendarItem(s, zone: zone, date: date, project: project) }
            html += "</ol></td>"
            column += 1
        }
        while column <= 7 {
            html += "<td class=\"blank\"></td>"
            column += 1
        }
        html += "</tr></tbody></table>" + moveDialog
        return .html(HTML.page(title: "\(month.title) · \(project)", project: project, csrf: session.csrf, active: "calendar", body: html))
    }

    /// One schedule in a day cell: coloured by its first platform, a dot per platform, and a
    /// tooltip with the content, platforms, status and the local time in the schedule's own zone.
    func calendarItem(_ s: SchedulerV1.Schedule, zone: Zone, date: String, project: String) -> String {
        let instant = Instant(unixMilliseconds: s.scheduledForMs)
        let shown = LocalFormat.time(zone.localDateTime(at: instant))
        let title = s.content.map { $0.title.isEmpty ? s.contentID : $0.title } ?? s.contentID
        let own = (try? zones.zone(s.timezone)).map { z in
            "\(LocalFormat.date(z.localDateTime(at: instant))) \(LocalFormat.time(z.localDateTime(at: instant))) \(z.identifier) (\(z.abbreviation(at: instant)))"
        } ?? s.localTime
        let status = Labels.status(s.queueStatus)
        let movable = Labels.canReschedule(s.queueStatus)
        let platformClass = s.platforms.first.map(Labels.platformClass) ?? "p0"
        let dots = s.platforms.map { "<span class=\"dot \(Labels.platformClass($0))\" title=\"\(HTML.escape(Labels.platform($0)))\"></span>" }.joined()
        let tip = """
            <span class="tip" role="tooltip"><b>\(HTML.escape(title))</b><br>\(HTML.escape(s.platforms.map(Labels.platform).joined(separator: ", ")))<br>\
            status: \(HTML.escape(status))<br>\(HTML.escape(own))</span>
            """
        return """
            <li class="item \(platformClass) st-\(status)\(movable ? " movable" : "")" data-id="\(HTML.escape(s.id))" data-date="\(date)"\
             tabindex="0"\(movable ? " draggable=\"true\" aria-roledescription=\"draggable schedule\"" : "")\
             aria-label="\(HTML.escape("\(shown) \(title), \(s.platforms.map(Labels.platform).joined(separator: ", ")), \(status), \(own)"))">\
            <a href="/projects/\(FormCoding.escape(project))/schedules/\(FormCoding.escape(s.id))" tabindex="-1">\
            <span class="time">\(shown)</span> \(dots) <span class="name">\(HTML.escape(title))</span></a>\(tip)</li>
            """
    }

    /// `POST /projects/{project}/schedules/{id}/move` (`from`, `to`: days `YYYY-MM-DD`; `autoResolve`):
    /// moves the schedule by the days between them, keeping its local time of day in its own zone.
    /// With `toHour` and `tz` (the week view), it moves to that day and hour of zone `tz` instead,
    /// keeping its minutes.
    /// Answers JSON: `{"ok":true,…}`, or `{"ok":false,"message":…,"conflicts":[…]}` (409 when
    /// conflicts refused the move, so the page can offer auto-resolve).
    func move(_ request: ConsoleRequest, project: String, id: String, session: ConsoleSession) async -> ConsoleResponse {
        let form = request.form
        var viewerZone: Zone?
        guard let from = form["from"].flatMap(LocalFormat.days), let to = form["to"].flatMap(LocalFormat.days),
            abs(to - from) <= 3660
        else {
            return .json(#"{"ok":false,"message":"from and to must be days YYYY-MM-DD at most ten years apart"}"#, status: 400)
        }
        let autoResolve = form["autoResolve"] == "1" || form["autoResolve"] == "true"
        var hour: Int?
        if let text = form["toHour"] {
            guard let h = Int(text), (0...23).contains(h), let tz = form["tz"], let zone = try? zones.zone(tz) else {
                return .json(#"{"ok":false,"message":"toHour must be 0…23 with tz, the zone the hours are in"}"#, status: 400)
            }
            hour = h
            viewerZone = zone
        }
        do {
            let s = try await call(SchedulerV1.Scheduler.Get.self, SchedulerV1.GetRequest(projectID: project, scheduleID: id), session).schedule
            let local = try LocalDateTime.parse(s.localTime)
            var moved = LocalDateTime(secondsSinceLocalEpoch: local.secondsSinceLocalEpoch + (to - from) * 86_400)
            if let hour, let viewerZone, let own = try? zones.zone(s.timezone) {
                // A day and hour of the viewer's zone, the minutes kept, as a local time of the
                // schedule's own zone (which Reschedule keeps).
                let shown = viewerZone.localDateTime(at: Instant(unixMilliseconds: s.scheduledForMs))
                let c = LocalDateTime.civil(fromDays: to)
                let target = LocalDateTime(uncheckedYear: c.year, month: c.month, day: c.day, hour: hour, minute: shown.minute, second: shown.second)
                moved = own.localDateTime(at: viewerZone.resolve(target).instant)
            }
            let request = SchedulerV1.RescheduleRequest(projectID: project, scheduleID: id, localTime: LocalFormat.dateTime(moved), autoResolve: autoResolve)
            let r = try await call(SchedulerV1.Scheduler.Reschedule.self, request, session)
            return .json(
                JSONText.object([
                    ("ok", .bool(true)), ("id", .string(r.schedule.id)), ("localTime", .string(r.schedule.localTime)),
                    ("timezone", .string(r.schedule.timezone)), ("scheduledForMs", .number(Double(r.schedule.scheduledForMs))),
                    ("adjusted", .bool(r.adjusted)), ("warning", .string(r.warning)),
                ]))
        } catch let e as SchedulerError {
            let conflicts = e.conflicts.map { c in
                JSONValue.object([
                    ("type", .string(Labels.conflictType(c.type))), ("severity", .string(Labels.severity(c.severity))),
                    ("reason", .string(c.reason)), ("suggestion", .string(c.suggestion)),
                ])
            }
            let status = e.code == .failedPrecondition && !conflicts.isEmpty ? 409 : e.code == .notFound ? 404 : e.code == .unauthenticated ? 401 : 400
            if e.code == .unauthenticated { sessions.remove(id: session.id) }
            return .json(
                JSONText.object([
                    ("ok", .bool(false)), ("code", .string(e.code.name)), ("message", .string(e.message)), ("conflicts", .array(conflicts)),
                ]), status: status)
        } catch {
            return .json(JSONText.object([("ok", .bool(false)), ("message", .string("\(error)"))]), status: 400)
        }
    }
}
