import Foundation
import Testing

@Suite("schedctl offline commands against the reference vectors", .serialized)
struct OfflineVectorTests {
    @Test("preview --rrule", arguments: Vector.cases("rrule"))
    func rrule(_ v: Vector) async throws {
        var args = ["preview", "--rrule", v["rule"]!, "--start", v["start"]!, "--tz", v["tz"]!, "--count", String(v.count), "--json"]
        if let after = v["after"] { args += ["--after", after] }
        let out = try await CLI.json(args)
        #expect(out["occurrences"] as? [String] == v.expect as? [String])
    }

    @Test("preview --cron", arguments: Vector.cases("cron"))
    func cron(_ v: Vector) async throws {
        let out = try await CLI.json(["preview", "--cron", v["expr"]!, "--tz", v["tz"]!, "--after", v["after"]!, "--count", String(v.count), "--json"])
        #expect(out["occurrences"] as? [String] == v.expect as? [String])
    }

    @Test("tz info", arguments: Vector.cases("tzinfo"))
    func tzinfo(_ v: Vector) async throws {
        let out = try await CLI.json(["tz", "info", v["tz"]!, "--at", v["at"]!, "--json"])
        let e = try #require(v.expect as? [String: Any])
        #expect(out["offsetSeconds"] as? Int == e["offsetSeconds"] as? Int)
        #expect(out["abbreviation"] as? String == e["abbreviation"] as? String)
        #expect(out["isDST"] as? Bool == e["isDST"] as? Bool)
        #expect((out["nextTransition"] as? String) == (e["nextTransition"] as? String))
        #expect(out.keys.contains("nextTransition"))
    }

    @Test("tz resolve", arguments: Vector.cases("localToUtc"))
    func resolve(_ v: Vector) async throws {
        let out = try await CLI.json(["tz", "resolve", v["tz"]!, "--local", v["local"]!, "--json"])
        let e = try #require(v.expect as? [String: Any])
        #expect(out["utc"] as? String == e["utc"] as? String)
        #expect(out["status"] as? String == e["status"] as? String)
    }
}

@Suite("schedctl offline commands: text output and bad input")
struct OfflineCommandTests {
    @Test("--start is the first occurrence for --rrule and --cron alike, counted toward COUNT; --after is optional")
    func startComesFirst() async throws {
        // Wednesday 2027-02-03 10:00: neither rule fires then, yet that is what Enqueue stores first.
        let rrule = try await CLI.json([
            "preview", "--rrule", "FREQ=WEEKLY;BYDAY=MO;COUNT=3", "--start", "2027-02-03T10:00:00", "--tz", "UTC",
            "--count", "10", "--json",
        ])
        #expect(
            rrule["occurrences"] as? [String]
                == ["2027-02-03T10:00:00Z", "2027-02-08T10:00:00Z", "2027-02-15T10:00:00Z"])
        let cron = try await CLI.json([
            "preview", "--cron", "0 9 * * MON", "--start", "2027-02-03T10:00:00", "--tz", "UTC", "--count", "3",
            "--json",
        ])
        #expect(
            cron["occurrences"] as? [String]
                == ["2027-02-03T10:00:00Z", "2027-02-08T09:00:00Z", "2027-02-15T09:00:00Z"])
        let after = try await CLI.json([
            "preview", "--cron", "0 9 * * MON", "--start", "2027-02-03T10:00:00", "--after", "2027-02-08T09:00:00Z",
            "--tz", "UTC", "--count", "2", "--json",
        ])
        #expect(after["occurrences"] as? [String] == ["2027-02-15T09:00:00Z", "2027-02-22T09:00:00Z"])
        let leap = try await CLI.json([
            "preview", "--cron", "0 0 29 2 *", "--tz", "UTC", "--after", "2026-01-01T00:00:00Z", "--count", "3",
            "--json",
        ])
        #expect(
            leap["occurrences"] as? [String]
                == ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z", "2036-02-29T00:00:00Z"])
    }

    @Test("readable text without --json")
    func text() async throws {
        let info = try await CLI.runAsync(["tz", "info", "America/New_York", "--at", "2026-07-01T12:00:00Z"])
        #expect(info.status == 0)
        #expect(info.stdout.contains("EDT"))
        #expect(info.stdout.contains("2026-11-01T06:00:00Z"))
        let resolve = try await CLI.runAsync(["tz", "resolve", "America/New_York", "--local", "2026-03-08T02:30"])
        #expect(resolve.stdout.contains("2026-03-08T07:30:00Z"))
        #expect(resolve.stdout.contains("does not exist"))
        let preview = try await CLI.runAsync(["preview", "--rrule", "FREQ=DAILY", "--start", "2026-03-07T09:00:00", "--tz", "America/New_York", "--count", "3"])
        #expect(preview.status == 0)
        #expect(preview.stdout.split(separator: "\n").count == 3)
        #expect(preview.stdout.contains("Sun 2026-03-08 09:00 EDT"))
        let groups = try await CLI.runAsync(["tz", "list", "--groups"])
        #expect(groups.stdout.contains("Europe/Berlin"))
    }

    @Test("bad input: exit 2, one line on stderr naming the argument", arguments: [
        (["tz", "info", "../../etc/passwd", "--at", "2026-01-01T00:00:00Z"], "zone"),
        (["tz", "info", "Mars/Olympus", "--json"], "unknown time zone"),
        (["tz", "info", "localtime", "--json"], "not an IANA zone name"),
        (["preview", "--cron", "0 9 * * *", "--tz", "posixrules", "--after", "2026-01-01T00:00:00Z"], "--tz"),
        (["tz", "info", "UTC", "--at", "2026-01-01T00:00:00"], "--at"),
        (["tz", "resolve", "UTC", "--local", "2026-02-30T00:00:00"], "--local"),
        (["tz", "resolve", "UTC"], "--local"),
        (["preview", "--rrule", "FREQ=DAILY;BYMONTHDAY=32", "--start", "2026-01-01T09:00:00", "--tz", "UTC"], "BYMONTHDAY=32"),
        (["preview", "--rrule", "FREQ=DAILY", "--tz", "UTC"], "--start"),
        (["preview", "--rrule", "FREQ=DAILY", "--start", "2026-01-01T09:00", "--tz", "Nowhere/Land"], "--tz"),
        (["preview", "--cron", "61 * * * *", "--tz", "UTC", "--after", "2026-01-01T00:00:00Z"], "--cron"),
        (["preview", "--cron", "0 0 31 2 *", "--tz", "UTC", "--after", "2026-01-01T00:00:00Z"], "--cron"),
        (["preview", "--cron", "0 0 30 2 *", "--tz", "UTC", "--after", "2026-01-01T00:00:00Z"], "never fires"),
        (["preview", "--cron", "0 9 * * *", "--tz", "UTC"], "--start"),
        (["preview", "--cron", "0 9 * * *", "--start", "2026-13-01T09:00", "--tz", "UTC"], "--start"),
        (["preview", "--cron", "0 9 * * *", "--rrule", "FREQ=DAILY", "--tz", "UTC"], "--rrule/--cron"),
        (["preview", "--tz", "UTC"], "--rrule/--cron"),
        (["preview", "--rrule", "FREQ=DAILY", "--start", "2026-01-01T09:00", "--tz", "UTC", "--count", "0"], "--count"),
        (["preview", "--rrule", "FREQ=DAILY", "--start", "2026-01-01T09:00", "--tz", "UTC", "--count", "many"], "count"),
        (["preview", "--rrule", "FREQ=DAILY", "--start", "2026-01-01T09:00", "--tz", "UTC", "--bogus"], "--bogus"),
        (["frobnicate"], "frobnicate"),
    ])
    func badInput(_ args: [String], _ mention: String) async throws {
        let r = try await CLI.runAsync(args)
        #expect(r.status == 2)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(r.stderr)")
        #expect(r.stderr.contains(mention), "stderr: \(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(!r.stderr.contains("Fatal error"))
    }

    @Test("help exits 0")
    func help() async throws {
        let r = try await CLI.runAsync(["--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("preview"))
    }
}
