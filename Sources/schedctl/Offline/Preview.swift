import ArgumentParser
import SchedulingCore

/// `schedctl preview`: the occurrences of an RRULE or cron expression in a zone, as the server
/// stores them: `--start` (the requested time) is the first occurrence for both kinds, counted
/// toward an RRULE's COUNT; a cron series follows with its firings strictly after the start.
struct Preview: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Preview occurrences of an RFC 5545 RRULE or a 5-field cron expression in a time zone.",
        discussion: """
            --start is the series' first occurrence, as Enqueue stores it, whether or not the rule \
            matches it (an RRULE's COUNT includes it). --after keeps only the occurrences strictly \
            after an instant. A cron expression without --start lists its firings after --after.

            schedctl preview --rrule "FREQ=WEEKLY;BYDAY=MO,WE,FR" --start 2026-03-02T09:00:00 --tz Europe/Berlin --count 5
            schedctl preview --cron "0 9 * * MON-FRI" --start 2026-03-02T09:00:00 --tz America/New_York --count 5
            schedctl preview --cron "0 9 * * MON-FRI" --tz America/New_York --after 2026-03-01T00:00:00Z --count 5 --json
            """
    )

    @Option(help: "RFC 5545 RRULE body, e.g. FREQ=DAILY;INTERVAL=2.") var rrule: String?
    @Option(help: "Classic 5-field cron expression, e.g. \"0 9 * * MON-FRI\".") var cron: String?
    @Option(
        help: """
            Local start YYYY-MM-DDTHH:MM[:SS], the first occurrence. Required with --rrule; \
            --cron takes it or --after.
            """
    ) var start: String?
    @Option(help: "IANA time zone the rule is evaluated in.") var tz: String
    @Option(help: "Number of occurrences (1…10000).") var count: Int = 10
    @Option(help: "Only occurrences strictly after this UTC instant (optional with --start).") var after: String?
    @Option(help: "Last allowed instant, UTC (recurringUntil).") var until: String?
    @OptionGroup var output: OutputOptions
    var json: Bool { output.json }

    func run() throws {
        guard (1...10_000).contains(count) else {
            throw CommandFailure.badArgument("--count", "\(count) out of range 1…10000")
        }
        let zone = try Arg.zone(tz)
        let afterInstant = try after.map { try Arg.instant($0, option: "--after") }
        let untilInstant = try until.map { try Arg.instant($0, option: "--until") }
        let kind: Recurrence.Kind
        switch (rrule, cron) {
        case (let r?, nil):
            guard let start else { throw CommandFailure.badArgument("--start", "required with --rrule") }
            let dtstart = try Arg.local(start, option: "--start")
            do {
                kind = .rrule(try RecurrenceRule.parse(r), start: dtstart)
            } catch {
                throw CommandFailure.badArgument("--rrule", error.description)
            }
        case (nil, let c?):
            guard start != nil || afterInstant != nil else {
                throw CommandFailure.badArgument("--start", "required with --cron (or --after)")
            }
            let first = try start.map { try Arg.local($0, option: "--start") }
            do {
                kind = .cron(try CronExpression.parse(c), start: first)
            } catch {
                throw CommandFailure.badArgument("--cron", error.description)
            }
        case (nil, nil):
            throw CommandFailure.badArgument("--rrule/--cron", "one of them is required")
        case (_?, _?):
            throw CommandFailure.badArgument("--rrule/--cron", "give one, not both")
        }
        let series = Recurrence(kind: kind, zone: zone, until: untilInstant)
        let occurrences = series.occurrences(after: afterInstant, count: count)
        if json {
            print(JSON.object([("occurrences", .array(occurrences.map { .string($0.iso8601) }))]).text)
            return
        }
        if occurrences.isEmpty { print("no occurrences") }
        for t in occurrences {
            print("\(t.iso8601)  \(zone.format(t, pattern: "EEE yyyy-MM-dd HH:mm zzz"))")
        }
    }
}
