import ArgumentParser
import SchedulingCore

/// `schedctl preview`: the next occurrences of an RRULE or cron expression in a zone.
struct Preview: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Preview occurrences of an RFC 5545 RRULE or a 5-field cron expression in a time zone.",
        discussion: """
            schedctl preview --rrule "FREQ=WEEKLY;BYDAY=MO,WE,FR" --start 2026-03-02T09:00:00 --tz Europe/Berlin --count 5
            schedctl preview --cron "0 9 * * MON-FRI" --tz America/New_York --after 2026-03-01T00:00:00Z --count 5 --json
            """
    )

    @Option(help: "RFC 5545 RRULE body, e.g. FREQ=DAILY;INTERVAL=2.") var rrule: String?
    @Option(help: "Classic 5-field cron expression, e.g. \"0 9 * * MON-FRI\".") var cron: String?
    @Option(help: "Local DTSTART YYYY-MM-DDTHH:MM[:SS] (required with --rrule).") var start: String?
    @Option(help: "IANA time zone the rule is evaluated in.") var tz: String
    @Option(help: "Number of occurrences (1…10000).") var count: Int = 10
    @Option(help: "Only occurrences strictly after this UTC instant (required with --cron).") var after: String?
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
            guard afterInstant != nil else { throw CommandFailure.badArgument("--after", "required with --cron") }
            if start != nil { throw CommandFailure.badArgument("--start", "only applies to --rrule") }
            do {
                kind = .cron(try CronExpression.parse(c))
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
