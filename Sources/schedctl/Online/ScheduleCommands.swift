import ArgumentParser
import Foundation
import SchedulerClient
import SchedulingCore
import WireProtocol

typealias V1 = SchedulerV1

struct Enqueue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Schedule content for publishing at a local time in a zone, once or recurring.",
        discussion: "schedctl enqueue --project blog --content post-1 --at 2026-12-01T09:00 --tz Europe/Berlin --platform twitter --platform linkedin")

    @Option(help: "Project id.") var project: String
    @Option(help: "Content id.") var content: String
    @Option(help: "Local wall-clock time YYYY-MM-DDTHH:MM[:SS] in --tz.") var at: String
    @Option(help: "IANA zone.") var tz: String = "UTC"
    @Option(name: .customLong("platform"), help: "Platform (repeat for more), e.g. twitter.") var platforms: [String] = []
    @Option(help: "Priority 1…10, higher first.") var priority: Int = 5
    @Option(help: "RFC 5545 RRULE for a recurring schedule.") var rrule: String?
    @Option(help: "5-field cron expression for a recurring schedule.") var cron: String?
    @Option(help: "Last instant of a recurring series, UTC.") var until: String?
    @Option(help: "Maximum retries, 0…100 (default 3).") var maxRetries: Int?
    @Option(help: "First retry delay in seconds, 0…604800 (default 300, doubling).") var retryDelay: Int?
    @Option(help: "Seconds added to the time to stagger posts, 0…86400.") var publishDelay: Int = 0
    @Option(help: "Notes.") var notes: String?
    @Option(help: "A JSON object kept with the schedule, e.g. '{\"campaign\":\"launch\"}'.") var metadata: String?
    @Flag(help: "Move to the next free 15-minute slot when the time conflicts.") var autoResolve = false
    @Option(help: "Idempotency key: the same key and request return the same schedule.") var idempotencyKey: String?
    @Option(help: "When a lease runs out mid-publish: hold (FAILED \"outcome unknown\", the default) or retry.")
    var onLeaseLoss: String?
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        guard !platforms.isEmpty else { throw CommandFailure.badArgument("--platform", "at least one is required") }
        guard (1...10).contains(priority) else { throw CommandFailure.badArgument("--priority", "\(priority) out of range 1…10") }
        if rrule != nil && cron != nil { throw CommandFailure.badArgument("--rrule/--cron", "give one, not both") }
        if let m = maxRetries, !(0...100).contains(m) { throw CommandFailure.badArgument("--max-retries", "\(m) out of range 0…100") }
        if let d = retryDelay, !(0...604_800).contains(d) {
            throw CommandFailure.badArgument("--retry-delay", "\(d) out of range 0…604800 seconds")
        }
        guard (0...86_400).contains(publishDelay) else {
            throw CommandFailure.badArgument("--publish-delay", "\(publishDelay) out of range 0…86400 seconds")
        }
        let local = try Arg.local(at, option: "--at")
        _ = try Arg.zone(tz)
        var recurrence: V1.Recurrence?
        if let rrule {
            do { _ = try RecurrenceRule.parse(rrule) } catch { throw CommandFailure.badArgument("--rrule", error.description) }
            recurrence = .rrule(rrule)
        } else if let cron {
            do { _ = try CronExpression.parse(cron) } catch { throw CommandFailure.badArgument("--cron", error.description) }
            recurrence = .cron(cron)
        }
        if until != nil && recurrence == nil { throw CommandFailure.badArgument("--until", "only applies with --rrule or --cron") }
        var request = V1.EnqueueRequest(projectID: project, contentID: content, platforms: platforms)
        request.localTime = local.description
        request.timezone = tz
        request.priority = Int32(priority)
        request.recurrence = recurrence
        request.recurringUntilMs = try millis(until, option: "--until", side: .upper)
        request.maxRetries = maxRetries.map(Int32.init)
        request.retryDelaySeconds = retryDelay.map(Int32.init)
        request.publishDelaySeconds = Int32(publishDelay)
        request.notes = notes ?? ""
        request.metadataJSON = metadata ?? ""
        request.autoResolve = autoResolve
        request.idempotencyKey = idempotencyKey ?? ""
        request.leaseLossPolicy = try Arg.leaseLossPolicy(onLeaseLoss)
        let client = try connection.makeClient()
        let r = try await rpc { try await client.enqueue(request) }
        var fields: [(String, JSON)] = [("schedule", Render.schedule(r.schedule))]
        if r.adjusted || r.pastDue { fields.append(("warning", .string(r.warning))) }
        if r.adjusted {
            fields += [("originalTime", Render.instant(r.originalTimeMs)), ("adjustedTime", Render.instant(r.adjustedTimeMs))]
        }
        fields.append(("pastDue", .bool(r.pastDue)))
        fields.append(("conflicts", .array(r.conflicts.map(Render.conflict))))
        var text = "created \(r.schedule.id) for \(Render.text(r.schedule.scheduledForMs)) (\(r.schedule.localTime) \(r.schedule.timezone))"
        if r.adjusted { text += "\n\(r.warning): \(Render.text(r.originalTimeMs)) → \(Render.text(r.adjustedTimeMs))" }
        if r.pastDue && !r.adjusted { text += "\n\(r.warning)" }
        if !r.conflicts.isEmpty { text += "\nconflicts:\n" + Render.conflictLines(r.conflicts) }
        connection.output(.object(fields), text)
    }
}

struct Get: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show one schedule.")
    @Argument(help: "Schedule id.") var id: String
    @Option(help: "Project id.") var project: String
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let client = try connection.makeClient()
        let s = try await rpc { try await client.get(projectID: project, scheduleID: id) }
        connection.output(Render.schedule(s), Render.details(s))
    }
}

struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List a project's schedules with filters, sorting and pages.")
    @Option(help: "Project id.") var project: String
    @Option(help: "Queue status: pending, queued, processing, completed, failed, cancelled, paused.") var status: String?
    @Option(help: "Only schedules at or after this UTC instant (the service keeps years 1900–9999).") var from: String?
    @Option(help: "Only schedules at or before this UTC instant.") var to: String?
    @Option(help: "Only schedules for this platform.") var platform: String?
    @Option(help: "Page, from 1.") var page: Int = 1
    @Option(help: "Items per page, 1…100.") var limit: Int = 20
    @Option(help: "scheduledFor, createdAt or priority.") var sort: String = "scheduledFor"
    @Option(help: "asc or desc.") var order: String = "asc"
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        guard (1...Int(Int32.max)).contains(page) else { throw CommandFailure.badArgument("--page", "\(page) out of range 1…\(Int32.max)") }
        guard (1...100).contains(limit) else { throw CommandFailure.badArgument("--limit", "\(limit) out of range 1…100") }
        let sortField: V1.SortField
        switch sort {
        case "scheduledFor": sortField = .scheduledFor
        case "createdAt": sortField = .createdAt
        case "priority": sortField = .priority
        default: throw CommandFailure.badArgument("--sort", "\"\(sort)\": expected scheduledFor, createdAt or priority")
        }
        guard order == "asc" || order == "desc" else { throw CommandFailure.badArgument("--order", "\"\(order)\": expected asc or desc") }
        var request = V1.ListRequest(projectID: project)
        request.status = try queueStatus(status)
        request.fromMs = try millis(from, option: "--from", side: .lower)
        request.toMs = try millis(to, option: "--to", side: .upper)
        request.platform = platform ?? ""
        request.page = Int32(page)
        request.limit = Int32(limit)
        request.sortBy = sortField
        request.sortOrder = order == "desc" ? .desc : .asc
        let client = try connection.makeClient()
        let r = try await rpc { try await client.list(request) }
        let p = r.pagination
        connection.output(
            .object([
                ("items", .array(r.items.map(Render.schedule))),
                ("pagination", .object([("page", .int(Int(p.page))), ("limit", .int(Int(p.limit))), ("total", .int(p.total)), ("totalPages", .int(Int(p.totalPages)))])),
            ]),
            Render.table(r.items) + "\npage \(p.page) of \(max(1, p.totalPages)), \(p.total) schedule\(p.total == 1 ? "" : "s")")
    }
}

struct Update: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Change a schedule's time, zone, platforms, priority or notes (re-validated).")
    @Argument(help: "Schedule id.") var id: String
    @Option(help: "Project id.") var project: String
    @Option(help: "New local time YYYY-MM-DDTHH:MM[:SS].") var at: String?
    @Option(help: "New IANA zone.") var tz: String?
    @Option(name: .customLong("platform"), help: "New platforms (repeat; replaces the list).") var platforms: [String] = []
    @Option(help: "New priority 1…10.") var priority: Int?
    @Option(help: "New notes.") var notes: String?
    @Flag(help: "Move to the next free slot when the new time conflicts.") var autoResolve = false
    @Option(help: "When a lease runs out mid-publish: hold or retry.") var onLeaseLoss: String?
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        if let priority, !(1...10).contains(priority) { throw CommandFailure.badArgument("--priority", "\(priority) out of range 1…10") }
        if let tz { _ = try Arg.zone(tz) }
        var request = V1.UpdateRequest(projectID: project, scheduleID: id)
        if let at { request.localTime = try Arg.local(at, option: "--at").description }
        request.timezone = tz
        request.platforms = platforms.isEmpty ? nil : platforms
        request.priority = priority.map(Int32.init)
        request.notes = notes
        request.autoResolve = autoResolve
        request.leaseLossPolicy = try Arg.leaseLossPolicy(onLeaseLoss)
        guard
            request.localTime != nil || tz != nil || !platforms.isEmpty || priority != nil || notes != nil
                || onLeaseLoss != nil
        else {
            throw CommandFailure.badArgument(
                "update", "nothing to change: give --at, --tz, --platform, --priority, --notes or --on-lease-loss")
        }
        let client = try connection.makeClient()
        let r = try await rpc { try await client.update(request) }
        var text = "updated \(r.schedule.id)\n" + Render.details(r.schedule)
        if r.pastDue { text += "\nthe new time is in the past: the schedule is due now" }
        if !r.conflicts.isEmpty { text += "\nconflicts:\n" + Render.conflictLines(r.conflicts) }
        connection.output(.object([("schedule", Render.schedule(r.schedule)), ("conflicts", .array(r.conflicts.map(Render.conflict)))]), text)
    }
}

/// cancel / pause / resume / publish-now share one shape: project + id → schedule.
struct Cancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Cancel a schedule.")
    @Argument(help: "Schedule id.") var id: String
    @Option(help: "Project id.") var project: String
    @Option(help: "Why (recorded).") var reason: String = ""
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let client = try connection.makeClient()
        let s = try await rpc { try await client.cancel(projectID: project, scheduleID: id, reason: reason) }
        connection.output(.object([("success", .bool(true)), ("message", .string("Schedule cancelled")), ("schedule", Render.schedule(s))]), "cancelled \(s.id)")
    }
}

struct Pause: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Pause a schedule (not dequeued until resumed).")
    @Argument(help: "Schedule id.") var id: String
    @Option(help: "Project id.") var project: String
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let client = try connection.makeClient()
        let s = try await rpc { try await client.pause(projectID: project, scheduleID: id) }
        connection.output(Render.schedule(s), "paused \(s.id)")
    }
}

struct Resume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Resume a paused schedule.")
    @Argument(help: "Schedule id.") var id: String
    @Option(help: "Project id.") var project: String
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let client = try connection.makeClient()
        let s = try await rpc { try await client.resume(projectID: project, scheduleID: id) }
        connection.output(Render.schedule(s), "resumed \(s.id)")
    }
}

struct Batch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pause, resume or cancel many schedules at once (atomic).",
        discussion: "schedctl batch pause --project blog ID1 ID2 …")

    @Argument(help: "pause, resume or cancel.") var action: String
    @Argument(help: "Schedule ids (1…1000).") var ids: [String] = []
    @Option(help: "Project id.") var project: String
    @Option(help: "Why, for cancel (recorded on each schedule).") var reason: String?
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        guard ["pause", "resume", "cancel"].contains(action) else {
            throw CommandFailure.badArgument("action", "\"\(action)\": expected pause, resume or cancel")
        }
        guard !ids.isEmpty else { throw CommandFailure.badArgument("ids", "at least one schedule id is required") }
        if reason != nil && action != "cancel" { throw CommandFailure.badArgument("--reason", "only applies to cancel") }
        let client = try connection.makeClient()
        let (n, skipped): (Int32, [String]) = try await rpc {
            switch action {
            case "pause":
                let r = try await client.batchPause(V1.BatchPauseRequest(projectID: project, scheduleIDs: ids))
                return (r.affected, r.skippedIDs)
            case "resume":
                let r = try await client.batchResume(V1.BatchResumeRequest(projectID: project, scheduleIDs: ids))
                return (r.affected, r.skippedIDs)
            default:
                let r = try await client.batchCancel(V1.BatchCancelRequest(projectID: project, scheduleIDs: ids, reason: reason ?? ""))
                return (r.affected, r.skippedIDs)
            }
        }
        var text = "\(action): \(n) of \(Set(ids).count) changed"
        if !skipped.isEmpty { text += "\nskipped (not found, or not in a state to \(action)): " + skipped.joined(separator: " ") }
        connection.output(
            .object([("action", .string(action)), ("affected", .int(Int64(n))), ("skippedIds", .array(skipped.map { .string($0) }))]),
            text)
    }
}

struct PublishNow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "publish-now", abstract: "Make a schedule due now (manual publish).")
    @Argument(help: "Schedule id.") var id: String
    @Option(help: "Project id.") var project: String
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let client = try connection.makeClient()
        let r = try await rpc { try await client.publishNow(projectID: project, scheduleID: id) }
        connection.output(
            .object([("success", .bool(true)), ("message", .string(r.message)), ("scheduleId", .string(r.schedule.id))]),
            "\(r.message): \(r.schedule.id)")
    }
}

struct ConfirmOutcome: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm-outcome",
        abstract: "Record what you found on the platforms for a schedule held as \"outcome unknown\".",
        discussion: """
            A worker's lease ran out while it was publishing, so the schedule is FAILED "outcome \
            unknown". Check the platforms, then say what you found:
              --published       it went out: COMPLETED (every platform; --url gives their URLs)
              --not-published   it did not: due now for the next worker, as publish-now (--url names \
            platforms that did go out; they are not published again)
            """)
    @Argument(help: "Schedule id.") var id: String
    @Option(help: "Project id.") var project: String
    @Flag(help: "The post went out.") var published = false
    @Flag(help: "The post did not go out: publish it again.") var notPublished = false
    @Option(name: .customLong("url"), help: "PLATFORM=URL (or PLATFORM) that went out; repeat.") var urls: [String] = []
    @Option(help: "When it went out, an ISO 8601 instant (with --published; default now).") var publishedAt: String?
    @Option(help: "Who checked and what they saw (kept with the confirmation).") var note: String = ""
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        guard published != notPublished else {
            throw CommandFailure.badArgument("--published", "give either --published or --not-published")
        }
        let results = try urls.map { spec -> V1.PlatformResult in
            let (platform, url) = spec.firstIndex(of: "=").map { (String(spec[..<$0]), String(spec[spec.index(after: $0)...])) } ?? (spec, "")
            guard !platform.isEmpty else { throw CommandFailure.badArgument("--url", "\"\(spec)\": expected PLATFORM=URL") }
            return V1.PlatformResult(platform: platform, success: true, publishedURL: url)
        }
        var request = V1.ConfirmOutcomeRequest(projectID: project, scheduleID: id, published: published, results: results, note: note)
        if let publishedAt {
            guard published else { throw CommandFailure.badArgument("--published-at", "only with --published") }
            request.publishedAtMs = try Arg.instant(publishedAt, option: "--published-at").unixMilliseconds
        }
        let client = try connection.makeClient()
        let s = try await rpc { try await client.confirmOutcome(request) }.schedule
        let text =
            published
            ? "confirmed \(s.id) published: \(Render.queue(s.queueStatus)) at \(Render.text(s.publishedAtMs))"
            : "confirmed \(s.id) not published: due now for the next worker (\(Render.queue(s.queueStatus)))"
        connection.output(.object([("published", .bool(published)), ("schedule", Render.schedule(s))]), text)
    }
}

struct Reschedule: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Move a schedule to another local time (back to PENDING, re-validated).")
    @Argument(help: "Schedule id.") var id: String
    @Option(help: "Project id.") var project: String
    @Option(help: "New local time YYYY-MM-DDTHH:MM[:SS].") var at: String
    @Option(help: "Zone of --at (default: the schedule's).") var tz: String?
    @Flag(help: "Move to the next free slot when the new time conflicts.") var autoResolve = false
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        if let tz { _ = try Arg.zone(tz) }
        var request = V1.RescheduleRequest(projectID: project, scheduleID: id)
        request.localTime = try Arg.local(at, option: "--at").description
        request.timezone = tz ?? ""
        request.autoResolve = autoResolve
        let client = try connection.makeClient()
        let r = try await rpc { try await client.reschedule(request) }
        var text = "rescheduled \(r.schedule.id) to \(Render.text(r.schedule.scheduledForMs)) (\(r.schedule.localTime) \(r.schedule.timezone))"
        if r.adjusted || r.pastDue { text += "\n\(r.warning)" }
        connection.output(
            .object([
                ("schedule", Render.schedule(r.schedule)), ("adjusted", .bool(r.adjusted)), ("pastDue", .bool(r.pastDue)),
                ("conflicts", .array(r.conflicts.map(Render.conflict))),
            ]), text)
    }
}

struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check a proposed time for conflicts without creating anything.")
    @Option(help: "Project id.") var project: String
    @Option(help: "Local time YYYY-MM-DDTHH:MM[:SS].") var at: String
    @Option(help: "IANA zone.") var tz: String = "UTC"
    @Option(name: .customLong("platform"), help: "Platform (repeat).") var platforms: [String] = []
    @Option(help: "A schedule to leave out (when checking its own move).") var schedule: String?
    @Flag(help: "Suggest the first free slot in the next 24 hours.") var autoResolve = false
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        guard !platforms.isEmpty else { throw CommandFailure.badArgument("--platform", "at least one is required") }
        _ = try Arg.zone(tz)
        var request = V1.ValidateRequest(projectID: project, platforms: platforms)
        request.localTime = try Arg.local(at, option: "--at").description
        request.timezone = tz
        request.scheduleID = schedule ?? ""
        request.autoResolve = autoResolve
        let client = try connection.makeClient()
        let r = try await rpc { try await client.validate(request) }
        var text = r.valid ? "valid" : "blocked"
        text += r.conflicts.isEmpty ? " (no conflicts)" : "\n" + Render.conflictLines(r.conflicts)
        if r.suggestedTimeMs != 0 { text += "\nsuggested time: \(Render.text(r.suggestedTimeMs))" }
        connection.output(
            .object([
                ("valid", .bool(r.valid)), ("hasConflict", .bool(r.hasConflict)), ("conflicts", .array(r.conflicts.map(Render.conflict))),
                ("suggestedTime", Render.instant(r.suggestedTimeMs)), ("scheduledFor", Render.instant(r.scheduledForMs)),
                ("platforms", .array(r.platforms.map { .string($0) })),
            ]), text)
    }
}

struct Health: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Ask the server whether it is serving (no token needed).")
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let client = try connection.makeClient()
        let status = try await rpc { try await client.health() }
        let name = Render.name(status, prefix: "SERVING_STATUS_")
        connection.output(.object([("status", .string(name))]), name)
        if status != .serving { throw CommandFailure(message: "server is \(name)", exitCode: 1) }
    }
}

struct Conflicts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List or resolve recorded conflicts.", subcommands: [ListConflicts.self, ResolveConflict.self])

    struct ListConflicts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List a project's conflicts.")
        @Option(help: "Project id.") var project: String
        @Flag(help: "Include resolved conflicts.") var all = false
        @Option(help: "Only findings about this schedule (either side of the pair).") var schedule: String?
        @Option(help: "Page, from 1.") var page: Int = 1
        @Option(help: "Items per page, 1…100.") var limit: Int = 20
        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            guard (1...Int(Int32.max)).contains(page) else { throw CommandFailure.badArgument("--page", "\(page) out of range 1…\(Int32.max)") }
            guard (1...100).contains(limit) else { throw CommandFailure.badArgument("--limit", "\(limit) out of range 1…100") }
            var request = V1.ListConflictsRequest(projectID: project)
            request.includeResolved = all
            request.scheduleID = schedule ?? ""
            request.page = Int32(page)
            request.limit = Int32(limit)
            let client = try connection.makeClient()
            let r = try await rpc { try await client.listConflicts(request) }
            var t = Table("ID", "TIME (UTC)", "TYPE", "SEVERITY", "SCHEDULE", "OTHER", "RESOLVED", "REASON")
            for c in r.conflicts {
                t.add(c.id, Render.text(c.conflictTimeMs), Render.name(c.type, prefix: "CONFLICT_TYPE_"), Render.name(c.severity, prefix: "CONFLICT_SEVERITY_"), c.schedule1ID, c.schedule2ID.isEmpty ? "-" : c.schedule2ID, c.resolved ? "yes" : "no", c.reason)
            }
            connection.output(.object([("conflicts", .array(r.conflicts.map(Render.storedConflict))), ("total", .int(r.pagination.total))]), t.text)
        }
    }

    struct ResolveConflict: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "resolve", abstract: "Mark a conflict resolved with a note.")
        @Argument(help: "Conflict id.") var id: String
        @Option(help: "Project id.") var project: String
        @Option(help: "What was done about it.") var resolution: String
        @Option(help: "Who resolved it (default: the caller).") var by: String?
        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            guard !resolution.isEmpty else { throw CommandFailure.badArgument("--resolution", "must not be empty") }
            let client = try connection.makeClient()
            let c = try await rpc { try await client.resolveConflict(V1.ResolveConflictRequest(projectID: project, conflictID: id, resolution: resolution, resolvedBy: by ?? "")) }
            connection.output(Render.storedConflict(c), "resolved \(c.id)")
        }
    }
}

/// `schedctl alerts --project P`: the project's recent webhook alerts and their delivery state.
struct Alerts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a project's recent webhook alerts and their delivery state.")
    @Option(help: "Project id.") var project: String
    @Option(help: "How many, newest first, 1…100.") var limit: Int = 20
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        guard (1...100).contains(limit) else { throw CommandFailure.badArgument("--limit", "\(limit) out of range 1…100") }
        let client = try connection.makeClient()
        let alerts = try await rpc { try await client.listAlerts(projectID: project, limit: Int32(limit)) }
        var t = Table("ID", "CREATED (UTC)", "KIND", "STATE", "ATTEMPTS", "SCHEDULE", "MESSAGE")
        for a in alerts {
            var state = Render.name(a.state, prefix: "ALERT_DELIVERY_STATE_")
            if a.state == .pending, a.attempts > 0 { state += " (next \(Render.text(a.nextAttemptAtMs)))" }
            t.add(
                a.id, Render.text(a.createdAtMs), Render.name(a.kind, prefix: "ALERT_KIND_"), state, "\(a.attempts)",
                a.scheduleID.isEmpty ? "-" : a.scheduleID, a.lastError.isEmpty ? a.message : "\(a.message) [last error: \(a.lastError)]")
        }
        connection.output(.object([("alerts", .array(alerts.map(Render.alert)))]), t.text)
    }
}
