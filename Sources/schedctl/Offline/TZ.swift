import ArgumentParser
import SchedulingCore

/// `schedctl tz …`: time zone facts from the system's tzdata.
struct TZ: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tz",
        abstract: "Inspect IANA time zones (offsets, abbreviations, DST, transitions).",
        subcommands: [Info.self, Resolve.self, List.self]
    )

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Offset, abbreviation, DST flag and next transition of a zone at an instant.")

        @Argument(help: "IANA zone, e.g. America/New_York.") var zone: String
        @Option(help: "UTC instant, e.g. 2026-03-08T12:00:00Z (default: now).") var at: String?
        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() throws {
            let z = try Arg.zone(zone, option: "zone")
            let t = try at.map { try Arg.instant($0, option: "--at") } ?? SystemClock().now()
            let offset = z.offset(at: t)
            let next = z.nextTransition(after: t)
            if json {
                print(
                    JSON.object([
                        ("offsetSeconds", .int(offset)),
                        ("abbreviation", .string(z.abbreviation(at: t))),
                        ("isDST", .bool(z.isDaylightSavingTime(at: t))),
                        ("nextTransition", next.map { .string($0.iso8601) } ?? .null),
                    ]).text)
                return
            }
            print("\(z.identifier) at \(t.iso8601)")
            print("  local time     \(z.format(t, pattern: "yyyy-MM-dd HH:mm:ss EEE"))")
            print("  offset         UTC\(z.format(t, pattern: "xxx")) (\(offset) s)")
            print("  abbreviation   \(z.abbreviation(at: t))")
            print("  DST            \(z.isDaylightSavingTime(at: t) ? "yes" : "no")")
            if let next {
                print("  next change    \(next.iso8601) (\(z.format(next, pattern: "yyyy-MM-dd HH:mm zzz")), UTC\(z.format(next, pattern: "xxx")))")
            } else {
                print("  next change    none")
            }
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The UTC instant of a wall-clock time in a zone (RFC 5545 rules for gaps and overlaps).")

        @Argument(help: "IANA zone, e.g. Europe/Berlin.") var zone: String
        @Option(help: "Local time YYYY-MM-DDTHH:MM[:SS].") var local: String
        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() throws {
            let z = try Arg.zone(zone, option: "zone")
            let l = try Arg.local(local, option: "--local")
            let r = z.resolve(l)
            if json {
                print(JSON.object([("utc", .string(r.instant.iso8601)), ("status", .string(r.status.rawValue))]).text)
                return
            }
            let note: String
            switch r.status {
            case .ok: note = ""
            case .nonexistent: note = "  (does not exist: clocks skip it; read with the offset before the gap)"
            case .ambiguous: note = "  (occurs twice: the first occurrence)"
            }
            print("\(l) \(z.identifier) = \(r.instant.iso8601) = \(z.format(r.instant, pattern: "yyyy-MM-dd HH:mm:ss zzz"))\(note)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List zone identifiers (all, or the common ones by region).")

        @Flag(help: "Only the common zones, grouped by region.") var groups = false
        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() throws {
            if groups {
                if json {
                    print(JSON.object(TimeZoneGroups.all.map { ($0.region, .array($0.zones.map { .string($0) })) }).text)
                } else {
                    for g in TimeZoneGroups.all {
                        print("\(g.region):")
                        for z in g.zones { print("  \(z)") }
                    }
                }
                return
            }
            let all = TimeZoneDatabase.system.allIdentifiers()
            if json {
                print(JSON.array(all.map { .string($0) }).text)
            } else {
                all.forEach { print($0) }
            }
        }
    }
}
