import ArgumentParser
import Foundation
import SchedulerClient
import SchedulingCore
import WireProtocol

/// Whether to use ANSI colours: stdout is a terminal and NO_COLOR is unset.
var useColour: Bool { isatty(1) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil }

struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Queue statistics and daily metrics; --watch refreshes every second.")
    @Option(help: "Project id.") var project: String
    @Option(help: "Days of daily metrics to show (1…365).") var days: Int = 30
    @Flag(help: "Refresh every second until interrupted.") var watch = false
    @Flag(help: "Also count each platform's schedules by status (one pass over the project's schedules).")
    var byPlatform = false
    @Option(help: .hidden) var iterations: Int = 0
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        guard (1...365).contains(days) else { throw CommandFailure.badArgument("--days", "\(days) out of range 1…365") }
        if watch && connection.json { throw CommandFailure.badArgument("--watch", "cannot be combined with --json") }
        let client = try connection.makeClient()
        var round = 0
        repeat {
            round += 1
            let now = SystemClock().now()
            let r = try await rpc {
                try await client.stats(
                    V1.StatsRequest(
                        projectID: project, fromMs: now.adding(seconds: -Int64(days) * 86_400).unixMilliseconds,
                        toMs: now.unixMilliseconds, byPlatform: byPlatform))
            }
            if connection.json {
                var fields: [(String, JSON)] = [
                    ("stats", Render.stats(r.stats)), ("metrics", .array(r.metrics.map(Render.metrics))),
                    ("capacity", Render.capacity(r)),
                ]
                if byPlatform { fields.append(("platforms", .array(r.platforms.map(Render.platformCounts)))) }
                print(JSON.object(fields).text)
                return
            }
            let screen = dashboard(r, now: now)
            print(watch ? "\u{1B}[H\u{1B}[2J" + screen : screen)
            if watch {
                if iterations > 0 && round >= iterations { return }
                try await Task.sleep(for: .seconds(1))
            }
        } while watch
    }

    func dashboard(_ r: V1.StatsResponse, now: Instant) -> String {
        let s = r.stats
        func secs(_ v: Double?) -> String { v.map { "\(Int($0.rounded())) s" } ?? "-" }
        // The project is the only text from outside; escaped before the styling is added.
        var out = Style.bold.apply("Queue — \(Render.terminalSafe(project))   \(now.iso8601)", enabled: useColour) + "\n"
        var t = Table("PENDING", "QUEUED", "PROCESSING", "COMPLETED", "FAILED", "CANCELLED", "PAUSED")
        t.add("\(s.pending)", "\(s.queued)", "\(s.processing)", "\(s.completed)", "\(s.failed)", "\(s.cancelled)", "\(s.paused)")
        out += t.text + "\n\n"
        out += "avg wait \(secs(s.avgWaitSeconds))   avg processing \(secs(s.avgProcessingSeconds))   "
        out += "success rate \(s.successRate.map { String(format: "%.1f %%", $0) } ?? "-")   peak queue \(s.peakQueueLength)\n"
        out += r.maxPendingSchedules > 0
            ? "capacity \(r.pendingSchedules) / \(r.maxPendingSchedules) pending schedules\n"
            : "capacity \(r.pendingSchedules) pending schedules (no limit)\n"
        // One slot per day of the window, oldest first; days without metrics stay blank.
        var byDay: [Int64: Double?] = [:]
        for m in r.metrics { byDay[m.periodStartMs / 86_400_000] = m.successRate }
        let today = now.unixMilliseconds / 86_400_000
        let series: [Double?] = (0..<Int64(days)).reversed().map { byDay[today - $0] ?? nil }
        out += "success rate, last \(days) days: [\(sparkline(series))]"
        if byPlatform {
            var p = Table("PLATFORM", "PENDING", "QUEUED", "PROCESSING", "COMPLETED", "FAILED", "CANCELLED", "PAUSED")
            for c in r.platforms {
                p.add(
                    Render.terminalSafe(c.platform), "\(c.pending)", "\(c.queued)", "\(c.processing)", "\(c.completed)",
                    "\(c.failed)", "\(c.cancelled)", "\(c.paused)")
            }
            out += "\n\n" + (r.platforms.isEmpty ? "no schedules on any platform" : p.text)
        }
        return out
    }
}

struct CalendarView: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: "A month grid with the number of schedules per day, coloured by status.")
    @Option(help: "Project id.") var project: String
    @Option(help: "Month YYYY-MM.") var month: String
    @Option(help: "Show days in this zone (default: each schedule's own zone).") var tz: String?
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let parts = month.split(separator: "-")
        guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (1...9999).contains(y), (1...12).contains(m) else {
            throw CommandFailure.badArgument("--month", "\"\(month)\": expected YYYY-MM")
        }
        guard (1900...9999).contains(y) else {
            throw CommandFailure.badArgument("--month", "\"\(month)\": outside the supported range 1900-01…9999-12")
        }
        let zone = try tz.map { try Arg.zone($0) }
        // Fetch a day of margin on both sides: local days in any zone fall inside. The margin of
        // 1900-01 and 9999-12 lies outside the supported range, where nothing is stored: cut there
        // (the server refuses bounds outside it, and the user gave none).
        let range = Instant.supportedRange
        let from = max(range.lowerBound, Instant(unixSeconds: LocalDateTime.days(year: y, month: m, day: 1) * 86_400 - 86_400))
        let to = min(range.upperBound, Instant(unixSeconds: LocalDateTime.days(year: y, month: m, day: LocalDateTime.daysInMonth(year: y, month: m)) * 86_400 + 2 * 86_400))
        let client = try connection.makeClient()
        var calendar = MonthCalendar(year: y, month: m)
        var page: Int32 = 1
        var items: [V1.Schedule] = []
        while true {
            var request = V1.ListRequest(projectID: project)
            request.fromMs = wireBound(from, side: .lower)
            request.toMs = wireBound(to, side: .upper)
            request.page = page
            request.limit = 100
            let r = try await rpc { try await client.list(request) }
            items += r.items
            if page >= r.pagination.totalPages || r.items.isEmpty || page >= 100 { break }
            page += 1
        }
        for s in items {
            let local: LocalDateTime
            if let zone {
                local = zone.localDateTime(at: Instant(unixMilliseconds: s.scheduledForMs))
            } else {
                guard let l = try? LocalDateTime.parse(s.localTime) else { continue }
                local = l
            }
            guard local.year == y, local.month == m else { continue }
            let status: QueueStatus
            switch s.queueStatus {
            case .queued: status = .queued
            case .processing: status = .processing
            case .completed: status = .completed
            case .failed: status = .failed
            case .cancelled: status = .cancelled
            case .paused: status = .paused
            default: status = .pending
            }
            calendar.add(day: local.day, status: status)
        }
        if connection.json {
            let days = calendar.days.keys.sorted().map { d -> JSON in
                let counts = calendar.days[d]!
                return .object([("day", .int(d)), ("total", .int(counts.values.reduce(0, +))),
                                ("byStatus", .object(counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key.rawValue, .int($0.value)) }))])
            }
            print(JSON.object([("month", .string(month)), ("days", .array(days))]).text)
        } else {
            print(calendar.render(colour: useColour, title: Render.terminalSafe(project + (tz.map { " (\($0))" } ?? ""))))
        }
    }
}
