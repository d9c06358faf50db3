import Foundation
import SchedulerClient
import SchedulingCore
import WireProtocol

/// The new-schedule form's fields as typed, kept to show them again with the server's errors.
struct ScheduleFormInput {
    var contentID = ""
    /// `YYYY-MM-DDTHH:MM` from the datetime-local input (seconds allowed).
    var localTime = ""
    var timezone = ""
    var platforms: [String] = []
    var priority = "5"
    /// `none`, `daily`, `weekly`, `monthly` (the builder), `rrule` or `cron`.
    var recurrenceKind = "none"
    /// The written rule, for `rrule` and `cron`.
    var rule = ""
    /// The builder's fields, for `daily`, `weekly` and `monthly`, and the end (`until`) of any
    /// recurring kind.
    var builder = RecurrenceBuilder()
    var notes = ""
    var autoResolve = false
    /// Generated when the form is shown, so a double submit creates one schedule.
    var idempotencyKey = ""

    init() {}

    init(_ request: ConsoleRequest) {
        let f = request.form
        contentID = (f["content_id"] ?? "").trimmingCharacters(in: .whitespaces)
        localTime = f["local_time"] ?? ""
        timezone = (f["timezone"] ?? "").trimmingCharacters(in: .whitespaces)
        platforms = request.formValues("platform").filter { !$0.isEmpty }
        priority = f["priority"] ?? "5"
        recurrenceKind = ["daily", "weekly", "monthly", "rrule", "cron"].contains(f["recurrence"] ?? "") ? f["recurrence"]! : "none"
        rule = (f["rule"] ?? "").trimmingCharacters(in: .whitespaces)
        builder = RecurrenceBuilder(request)
        notes = f["notes"] ?? ""
        autoResolve = f["auto_resolve"] == "1"
        idempotencyKey = f["idempotency_key"] ?? ""
    }

    /// The fields of a stored schedule, for the edit form.
    init(_ s: SchedulerV1.Schedule) {
        contentID = s.contentID
        localTime = s.localTime.hasSuffix(":00") ? String(s.localTime.prefix(16)) : s.localTime
        timezone = s.timezone
        platforms = s.platforms.map(Labels.platform)
        priority = "\(s.priority)"
        notes = s.notes
    }

    /// The local time as the wire wants it: `YYYY-MM-DDTHH:MM:SS`.
    var wireLocalTime: String { localTime.count == 16 ? localTime + ":00" : localTime }

    /// The builder's frequency for `daily`, `weekly` and `monthly`; nil for the other kinds.
    var builderFrequency: RecurrenceRule.Frequency? {
        switch recurrenceKind {
        case "daily": .daily
        case "weekly": .weekly
        case "monthly": .monthly
        default: nil
        }
    }

    /// The recurrence to send: the builder's composed RRULE, or the written rule (nil while it is
    /// empty, and for "once"). Bad builder input is refused here, naming its form field.
    func recurrence() throws(RecurrenceBuilder.InputError) -> SchedulerV1.Recurrence? {
        if let frequency = builderFrequency { return .rrule(try builder.rule(frequency).text) }
        switch recurrenceKind {
        case "rrule" where !rule.isEmpty: return .rrule(rule)
        case "cron" where !rule.isEmpty: return .cron(rule)
        default: return nil
        }
    }

    /// The builder's composed rule as shown under it; "" for the other kinds or bad input.
    var composedRule: String {
        guard let frequency = builderFrequency, let rule = try? builder.rule(frequency) else { return "" }
        return rule.text
    }

    /// `recurringUntil` (Unix ms, 0 for none): the end of the `until` day in the form's zone, for
    /// a recurring schedule. Nothing when the zone is unknown: the server then names the zone.
    func recurringUntilMs(zones: TimeZoneDatabase) throws(RecurrenceBuilder.InputError) -> Int64 {
        guard recurrenceKind != "none", let zone = try? zones.zone(timezone) else { return 0 }
        return try builder.untilInstant(in: zone)?.unixMilliseconds ?? 0
    }

    /// The form field a field path names: the server's (`enqueue.platforms[1]` → `platform`) or
    /// the console's own for builder input (`console.interval` → `interval`).
    static func formField(_ path: String?) -> String? {
        guard let path else { return nil }
        let name = path.split(separator: ".").dropFirst().first.map { String($0.prefix { $0 != "[" }) } ?? ""
        switch name {
        case "content_id": return "content_id"
        case "local_time", "scheduled_for_ms": return "local_time"
        case "timezone": return "timezone"
        case "platforms": return "platform"
        case "priority": return "priority"
        case "recurrence": return "rule"
        case "recurring_until_ms", "until_ms", "until": return "until"
        case "interval", "byday", "month_day", "nth": return name
        case "notes": return "notes"
        default: return nil
        }
    }
}

extension Console {
    /// `GET /projects/{project}/schedules/new`: the create form; as you type, the page's script
    /// asks `POST …/validate` and shows the conflicts before anything is saved.
    func newSchedulePage(_ request: ConsoleRequest, project: String, session: ConsoleSession) -> ConsoleResponse {
        var input = ScheduleFormInput()
        input.timezone = viewZone(request).identifier
        input.idempotencyKey = "console-" + SessionStore.randomHex()
        if let day = request.query["date"], LocalFormat.days(day) != nil { input.localTime = day + "T09:00" }
        return .html(scheduleForm(input, project: project, session: session))
    }

    /// The create form, or with `editing` the edit form of that schedule (content and recurrence
    /// are fixed once created: Update changes the time, zone, platforms, priority and notes).
    func scheduleForm(
        _ input: ScheduleFormInput, project: String, session: ConsoleSession, error: SchedulerError? = nil,
        editing: SchedulerV1.Schedule? = nil
    ) -> String {
        let p = FormCoding.escape(project)
        let errorField = ScheduleFormInput.formField(error?.field)
        func fieldError(_ name: String) -> String {
            guard let error, errorField == name else { return "" }
            return "<span class=\"field-error\" id=\"error-\(name)\" role=\"alert\">\(HTML.escape(error.message))</span>"
        }
        func invalid(_ name: String) -> String { errorField == name ? " aria-invalid=\"true\" aria-describedby=\"error-\(name)\"" : "" }
        let known = PlatformRateLimits.defaults.keys.map(Labels.platform).sorted()
        let chosen = Set(input.platforms.map(Labels.platform))
        let boxes = (known + chosen.subtracting(known).sorted()).map { name in
            "<label class=\"check\"><input type=\"checkbox\" name=\"platform\" value=\"\(HTML.escape(name))\"\(chosen.contains(name) ? " checked" : "")>"
                + "<span class=\"dot \(Labels.platformClass(name))\"></span>\(HTML.escape(name))</label>"
        }.joined()
        var banner = ""
        if let error, errorField == nil || !error.conflicts.isEmpty {
            banner = "<div class=\"error\" role=\"alert\" id=\"form-error\"><p>\(HTML.escape(error.code.name)): \(HTML.escape(error.message))</p>"
            if !error.conflicts.isEmpty {
                banner += "<ul>" + error.conflicts.map { conflictLine($0) }.joined() + "</ul><p>Tick “move to the next free time” to let the server pick one.</p>"
            }
            banner += "</div>"
        }
        let action = editing.map { "/projects/\(p)/schedules/\(FormCoding.escape($0.id))/edit" } ?? "/projects/\(p)/schedules"
        let hidden = editing.map { "<input type=\"hidden\" name=\"schedule_id\" value=\"\(HTML.escape($0.id))\">" }
            ?? "<input type=\"hidden\" name=\"idempotency_key\" value=\"\(HTML.escape(input.idempotencyKey))\">"
        let recurrenceRow: String
        if let editing {
            recurrenceRow = "<p class=\"hint\">Repeats: \(HTML.escape(Labels.recurrence(editing.recurrence))) (fixed once created).</p>"
        } else {
            recurrenceRow = recurrenceFields(input, fieldError: fieldError, invalid: invalid)
        }
        let body = """
            <h1>\(editing == nil ? "New schedule" : "Edit schedule")</h1>\(banner)
            <form method="post" action="\(action)" class="card form" id="schedule-form" data-validate="/projects/\(p)/validate" novalidate>
            <input type="hidden" name="csrf" value="\(session.csrf)">\(hidden)
            <label>Content id <input name="content_id" id="content_id" required value="\(HTML.escape(input.contentID))"\(editing == nil ? "" : " readonly")\(invalid("content_id"))>\(fieldError("content_id"))</label>
            <div class="row"><label>Local time <input type="datetime-local" name="local_time" id="local_time" required step="60" value="\(HTML.escape(input.localTime))"\(invalid("local_time"))>\(fieldError("local_time"))</label>
            <label>Time zone <input name="timezone" id="timezone" list="zones" required value="\(HTML.escape(input.timezone))"\(invalid("timezone"))>\(fieldError("timezone"))</label>
            <label>Priority <input type="number" name="priority" id="priority" min="1" max="10" value="\(HTML.escape(input.priority))"\(invalid("priority"))>\(fieldError("priority"))</label></div>
            <fieldset id="platforms" data-field="platform"\(invalid("platform"))><legend>Platforms</legend>\(boxes)\(fieldError("platform"))</fieldset>
            \(recurrenceRow)
            <label>Notes <textarea name="notes" id="notes" rows="2">\(HTML.escape(input.notes))</textarea></label>
            <label class="check"><input type="checkbox" name="auto_resolve" value="1"\(input.autoResolve ? " checked" : "")> move to the next free time if the slot is taken</label>
            <div id="validation" class="validation" aria-live="polite"></div>
            <button type="submit">\(editing == nil ? "Create" : "Save")</button>
            </form>
            <datalist id="zones">\(TimeZoneGroups.all.flatMap(\.zones).map { "<option value=\"\(HTML.escape($0))\">" }.joined())</datalist>
            """
        return HTML.page(
            title: "\(editing == nil ? "New" : "Edit") schedule · \(project)", project: project, csrf: session.csrf,
            active: editing == nil ? "schedules/new" : "schedules", body: body)
    }

    /// The create form's recurrence: the kind, the builder (interval, weekdays, day of the month
    /// or n-th weekday, and the rule it composes, shown read-only), the written rule, and the end.
    /// Every part is in the page; the script hides the parts the chosen kind does not use
    /// (`data-kinds`), so without it the form still posts everything the server composes from.
    func recurrenceFields(
        _ input: ScheduleFormInput, fieldError: (String) -> String, invalid: (String) -> String
    ) -> String {
        let b = input.builder
        let usesBuilder = input.builderFrequency != nil
        func selected(_ on: Bool) -> String { on ? " selected" : "" }
        func checked(_ on: Bool) -> String { on ? " checked" : "" }
        let kinds = [
            ("none", "once"), ("daily", "daily"), ("weekly", "weekly"), ("monthly", "monthly"),
            ("rrule", "RRULE (RFC 5545)"), ("cron", "cron (5 fields)"),
        ]
        let kindOptions = kinds.map { "<option value=\"\($0.0)\"\(selected(input.recurrenceKind == $0.0))>\($0.1)</option>" }.joined()
        let unit = ["daily": "days", "weekly": "weeks", "monthly": "months"][input.recurrenceKind] ?? "days, weeks or months"
        let ticked = Set(b.weekdays.map { $0.uppercased() })
        let dayBoxes = RecurrenceBuilder.weekdayCodes.enumerated().map { i, code in
            "<label class=\"check\"><input type=\"checkbox\" name=\"byday\" value=\"\(code)\"\(checked(ticked.contains(code)))>"
                + "\(RecurrenceBuilder.weekdayNames[i].prefix(3))</label>"
        }.joined()
        let dayOptions = "<option value=\"\">of the first occurrence</option>"
            + (1...31).map { "<option value=\"\($0)\"\(selected(b.monthDay == "\($0)"))>\($0)</option>" }.joined()
            + "<option value=\"-1\"\(selected(b.monthDay == "-1"))>last day</option>"
        let ordinalOptions = RecurrenceBuilder.ordinals.map { "<option value=\"\($0.0)\"\(selected(b.ordinal == $0.0))>\($0.1)</option>" }.joined()
        let weekdayOptions = RecurrenceBuilder.weekdayCodes.enumerated().map { i, code in
            "<option value=\"\(code)\"\(selected(b.ordinalWeekday.uppercased() == code))>\(RecurrenceBuilder.weekdayNames[i])</option>"
        }.joined()
        return """
            <div class="row"><label>Repeats <select name="recurrence" id="recurrence">\(kindOptions)</select></label>
            <label class="grow" data-kinds="rrule cron">Rule <input name="rule" id="rule" value="\(HTML.escape(input.rule))" placeholder="FREQ=WEEKLY;BYDAY=MO,WE or 0 9 * * MON-FRI"\(invalid("rule"))>\(usesBuilder ? "" : fieldError("rule"))</label></div>
            <fieldset id="builder" class="builder" data-kinds="daily weekly monthly"><legend>Pattern</legend>
            <label>Every <input type="number" name="interval" id="interval" class="short" min="1" max="\(RecurrenceBuilder.maxInterval)" placeholder="1" value="\(HTML.escape(b.interval))"\(invalid("interval"))> <span id="interval-unit">\(unit)</span>\(fieldError("interval"))</label>
            <fieldset id="weekdays" data-field="byday" data-kinds="weekly"\(invalid("byday"))><legend>Weekly on (none ticked: the first occurrence’s weekday)</legend>\(dayBoxes)\(fieldError("byday"))</fieldset>
            <fieldset id="monthly" data-kinds="monthly"><legend>Monthly on</legend>
            <label><input type="radio" name="monthly_by" value="day"\(checked(b.monthlyBy != "weekday"))> day <select name="month_day" id="month_day"\(invalid("month_day"))>\(dayOptions)</select>\(fieldError("month_day"))</label>
            <label><input type="radio" name="monthly_by" value="weekday"\(checked(b.monthlyBy == "weekday"))> the <select name="nth" id="nth"\(invalid("nth"))>\(ordinalOptions)</select> <select name="nth_weekday" id="nth_weekday">\(weekdayOptions)</select>\(fieldError("nth"))</label>
            <p class="hint">A month without the chosen day is skipped: choose “last day” for the end of every month.</p>
            </fieldset>
            <p class="composed" data-field="composed-rule">Rule: <output id="composed-rule" for="recurrence interval">\(HTML.escape(input.composedRule))</output> <span class="hint">(the first occurrence is the local time above, on a chosen day or not)</span>\(usesBuilder ? fieldError("rule") : "")</p>
            </fieldset>
            <label data-kinds="daily weekly monthly rrule cron">Ends after <input type="date" name="until" id="until" value="\(HTML.escape(b.until))"\(invalid("until"))> <span class="hint">optional: the last day, to its end in the zone above</span>\(fieldError("until"))</label>
            """
    }

    func conflictLine(_ c: SchedulerV1.Conflict) -> String {
        "<li>\(HTML.escape(Labels.severity(c.severity))) · \(HTML.escape(Labels.conflictType(c.type))): \(HTML.escape(c.reason))"
            + (c.suggestion.isEmpty ? "" : " <span class=\"hint\">(\(HTML.escape(c.suggestion)))</span>") + "</li>"
    }

    /// `POST /projects/{project}/schedules`: Enqueue from the form (with the form's idempotency
    /// key), then the new schedule's page; refused, the form again with the server's message next
    /// to the field it names, or the conflicts above the form. Enqueue is one transaction: nothing
    /// is half-saved.
    func createSchedule(_ request: ConsoleRequest, project: String, session: ConsoleSession) async -> ConsoleResponse {
        let input = ScheduleFormInput(request)
        var enqueue = SchedulerV1.EnqueueRequest(projectID: project, contentID: input.contentID, platforms: input.platforms)
        enqueue.localTime = input.wireLocalTime
        enqueue.timezone = input.timezone
        enqueue.notes = input.notes
        enqueue.autoResolve = input.autoResolve
        enqueue.idempotencyKey = input.idempotencyKey
        do {
            guard let priority = Int32(input.priority.trimmingCharacters(in: .whitespaces)) else {
                throw SchedulerError(
                    code: .invalidArgument, message: "\"\(input.priority)\" is not a whole number 1…10",
                    details: ErrorDetails(fieldViolations: [FieldViolation(field: "enqueue.priority", description: "not a number")]))
            }
            enqueue.priority = priority
            do {
                enqueue.recurrence = try input.recurrence()
                enqueue.recurringUntilMs = try input.recurringUntilMs(zones: zones)
            } catch {
                throw error.schedulerError
            }
            if ["rrule", "cron"].contains(input.recurrenceKind) && input.rule.isEmpty {
                throw SchedulerError(
                    code: .invalidArgument, message: "write the rule, or choose “once”",
                    details: ErrorDetails(fieldViolations: [FieldViolation(field: "enqueue.recurrence", description: "empty")]))
            }
            let created = try await call(SchedulerV1.Scheduler.Enqueue.self, enqueue, session)
            return .redirect("/projects/\(FormCoding.escape(project))/schedules/\(FormCoding.escape(created.schedule.id))?created=1")
        } catch let e as SchedulerError {
            if e.code == .unauthenticated {
                sessions.remove(id: session.id)
                return ConsoleResponse.redirect("/sign-in?expired=1").with(cookie: expiredCookie(Self.sessionCookie))
            }
            let status = e.code == .failedPrecondition ? 409 : e.code == .permissionDenied ? 403 : e.code == .invalidArgument ? 400 : 502
            return .html(scheduleForm(input, project: project, session: session, error: e), status: status)
        } catch {
            return .html(scheduleForm(input, project: project, session: session, error: SchedulerError(code: .internal, message: "\(error)")), status: 500)
        }
    }

    /// `POST /projects/{project}/validate`: the form's fields through Validate (creating nothing),
    /// as JSON for the page's script: `valid`, the `conflicts`, a `suggested` local time when the
    /// slot is blocked, the next `occurrences` of a recurring schedule (to its end), and the
    /// builder's composed `rule`; or the invalid `field` and its `message`.
    func validate(_ request: ConsoleRequest, project: String, session: ConsoleSession) async -> ConsoleResponse {
        let input = ScheduleFormInput(request)
        func refused(_ error: SchedulerError) -> ConsoleResponse {
            var field = ScheduleFormInput.formField(error.field) ?? ""
            // A refused composed rule belongs by the rule shown under the builder.
            if field == "rule" && input.builderFrequency != nil { field = "composed-rule" }
            return .json(
                JSONText.object([
                    ("ok", .bool(false)), ("code", .string(error.code.name)), ("message", .string(error.message)),
                    ("field", .string(field)), ("rule", .string(input.composedRule)),
                ]), status: error.code == .unauthenticated ? 401 : 200)
        }
        // The builder is checked first, even while the rest of the form is incomplete.
        let recurrence: SchedulerV1.Recurrence?
        let untilMs: Int64
        do {
            recurrence = try input.recurrence()
            untilMs = try input.recurringUntilMs(zones: zones)
        } catch {
            return refused(error.schedulerError)
        }
        guard !input.localTime.isEmpty, !input.timezone.isEmpty, !input.platforms.isEmpty else {
            return .json(JSONText.object([("ok", .bool(true)), ("incomplete", .bool(true)), ("rule", .string(input.composedRule))]))
        }
        let v = SchedulerV1.ValidateRequest(
            projectID: project, scheduleID: request.form["schedule_id"] ?? "", localTime: input.wireLocalTime, timezone: input.timezone,
            platforms: input.platforms,
            recurrence: recurrence, autoResolve: true)
        do {
            let r = try await call(SchedulerV1.Scheduler.Validate.self, v, session)
            var suggested = ""
            if r.suggestedTimeMs != 0, let zone = try? zones.zone(input.timezone) {
                let l = zone.localDateTime(at: Instant(unixMilliseconds: r.suggestedTimeMs))
                suggested = "\(LocalFormat.date(l)) \(LocalFormat.time(l)) \(zone.identifier)"
            }
            // A recurring schedule: its next occurrences, as Enqueue would store them. Validate has
            // no end date; the preview checks it (after the first occurrence) and stops there.
            var occurrences: [JSONValue] = []
            if let recurrence {
                let preview = SchedulerV1.PreviewOccurrencesRequest(
                    recurrence: recurrence, startLocalTime: input.wireLocalTime, timezone: input.timezone, count: 5, untilMs: untilMs)
                do {
                    occurrences = try await call(SchedulerV1.Scheduler.PreviewOccurrences.self, preview, session).occurrences.map {
                        .string($0.localTime.replacingOccurrences(of: "T", with: " ").dropLast(3) + " " + $0.abbreviation)
                    }
                } catch where error.code == .invalidArgument {
                    return refused(error)
                } catch {
                    // No preview this time; the conflict check above still stands.
                }
            }
            return .json(
                JSONText.object([
                    ("ok", .bool(true)), ("valid", .bool(r.valid)), ("hasConflict", .bool(r.hasConflict)), ("suggested", .string(suggested)),
                    ("occurrences", .array(occurrences)), ("rule", .string(input.composedRule)),
                    ("conflicts", .array(r.conflicts.map { c in
                        .object([("type", .string(Labels.conflictType(c.type))), ("severity", .string(Labels.severity(c.severity))),
                            ("reason", .string(c.reason)), ("suggestion", .string(c.suggestion))])
                    })),
                ]))
        } catch {
            return refused(error)
        }
    }

    /// `GET /projects/{project}/schedules/{id}/edit`: the edit form, filled in (Get).
    func editSchedulePage(_ request: ConsoleRequest, project: String, id: String, session: ConsoleSession) async throws -> ConsoleResponse {
        let s = try await call(SchedulerV1.Scheduler.Get.self, SchedulerV1.GetRequest(projectID: project, scheduleID: id), session).schedule
        return .html(scheduleForm(ScheduleFormInput(s), project: project, session: session, editing: s))
    }

    /// `POST /projects/{project}/schedules/{id}/edit`: Update with the fields that changed, then
    /// the schedule's page; refused, the form again as typed with the server's message by the field
    /// or the conflicts above it (Update changes all or nothing).
    func updateSchedule(_ request: ConsoleRequest, project: String, id: String, session: ConsoleSession) async -> ConsoleResponse {
        let input = ScheduleFormInput(request)
        let current: SchedulerV1.Schedule
        do {
            current = try await call(SchedulerV1.Scheduler.Get.self, SchedulerV1.GetRequest(projectID: project, scheduleID: id), session).schedule
        } catch {
            return errorPage(error, project: project, session: session)
        }
        let detail = "/projects/\(FormCoding.escape(project))/schedules/\(FormCoding.escape(id))"
        do {
            var update = SchedulerV1.UpdateRequest(projectID: project, scheduleID: id, autoResolve: input.autoResolve)
            if input.wireLocalTime != current.localTime || input.timezone != current.timezone {
                update.localTime = input.wireLocalTime
                update.timezone = input.timezone
            }
            if Set(input.platforms.map { $0.uppercased() }) != Set(current.platforms.map { $0.uppercased() }) { update.platforms = input.platforms }
            guard let priority = Int32(input.priority.trimmingCharacters(in: .whitespaces)) else {
                throw SchedulerError(
                    code: .invalidArgument, message: "\"\(input.priority)\" is not a whole number 1…10",
                    details: ErrorDetails(fieldViolations: [FieldViolation(field: "update.priority", description: "not a number")]))
            }
            if priority != current.priority { update.priority = priority }
            if input.notes != current.notes { update.notes = input.notes }
            if update.localTime == nil && update.platforms == nil && update.priority == nil && update.notes == nil {
                return .redirect(detail + "?unchanged=1")
            }
            _ = try await call(SchedulerV1.Scheduler.Update.self, update, session)
            return .redirect(detail + "?updated=1")
        } catch let e as SchedulerError {
            if e.code == .unauthenticated { return errorPage(e, project: project, session: session) }
            let status = e.code == .failedPrecondition ? 409 : e.code == .permissionDenied ? 403 : e.code == .invalidArgument ? 400 : 502
            var shown = input
            shown.contentID = current.contentID
            return .html(scheduleForm(shown, project: project, session: session, error: e, editing: current), status: status)
        } catch {
            return errorPage(error, project: project, session: session)
        }
    }
}
