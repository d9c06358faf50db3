import Dispatch
import Foundation
import SchedulingCore
import Testing

@Suite("schedctl online commands against a real server", .timeLimit(.minutes(3)))
struct OnlineCommandTests {
    @Test("every subcommand succeeds in a worker's and an operator's day")
    func everySubcommand() async throws {
        let s = try CLIServer()
        let health = try await s.run(["health"])
        #expect(health.status == 0 && health.stdout == "SERVING\n")

        let due = try await s.json(["enqueue", "--project", "blog", "--content", "due", "--at", "2020-01-01T09:00", "--tz", "UTC", "--platform", "twitter", "--platform", "medium"])
        let dueID = try #require((due["schedule"] as? [String: Any])?["id"] as? String)
        // A time in the past is due now, and the answer says so.
        #expect(due["pastDue"] as? Bool == true && (due["warning"] as? String)?.contains("due now") == true)
        #expect((due["schedule"] as? [String: Any])?["onLeaseLoss"] as? String == "hold")
        let later = try await s.json(["enqueue", "--project", "blog", "--content", "later", "--at", "2030-06-01T09:00", "--tz", "Europe/Berlin", "--platform", "twitter", "--priority", "7", "--idempotency-key", "k-1"])
        let laterID = try #require((later["schedule"] as? [String: Any])?["id"] as? String)
        #expect((later["schedule"] as? [String: Any])?["scheduledFor"] as? String == "2030-06-01T07:00:00Z")
        let text = try await s.run(["enqueue", "--project", "blog", "--content", "series", "--at", "2030-07-01T09:00", "--tz", "UTC", "--platform", "medium", "--rrule", "FREQ=WEEKLY;BYDAY=MO", "--until", "2030-12-31T00:00:00Z"])
        #expect(text.status == 0 && text.stdout.hasPrefix("created sch_"))

        #expect(try await s.json(["get", laterID, "--project", "blog"])["contentId"] as? String == "later")
        let listed = try await s.json(["list", "--project", "blog", "--status", "pending", "--sort", "priority", "--order", "desc", "--limit", "2"])
        #expect((listed["items"] as? [[String: Any]])?.first?["id"] as? String == laterID)
        #expect((listed["pagination"] as? [String: Any])?["total"] as? Int == 3)
        let table = try await s.run(["list", "--project", "blog", "--platform", "twitter"])
        #expect(table.stdout.contains("SCHEDULED FOR") && table.stdout.contains("2 schedules"))

        #expect(((try await s.json(["update", laterID, "--project", "blog", "--priority", "8"]))["schedule"] as? [String: Any])?["priority"] as? Int == 8)
        #expect(try await s.json(["validate", "--project", "blog", "--at", "2030-06-01T09:00", "--tz", "Europe/Berlin", "--platform", "twitter"])["hasConflict"] as? Bool == true)
        #expect(try await s.json(["pause", laterID, "--project", "blog"])["queueStatus"] as? String == "PAUSED")
        #expect(try await s.json(["resume", laterID, "--project", "blog"])["queueStatus"] as? String == "PENDING")
        let batchPaused = try await s.json(["batch", "pause", laterID, "--project", "blog"])
        #expect(batchPaused["affected"] as? Int == 1 && (batchPaused["skippedIds"] as? [Any])?.isEmpty == true)
        #expect(try await s.json(["batch", "resume", laterID, "--project", "blog"])["affected"] as? Int == 1)

        let dequeued = try await s.json(["dequeue", "--project", "blog", "--limit", "5", "--lease", "120"])
        let item = try #require((dequeued["items"] as? [[String: Any]])?.first)
        let token = try #require(item["leaseToken"] as? String)
        #expect((item["schedule"] as? [String: Any])?["id"] as? String == dueID)
        #expect(try await s.json(["start", dueID, "--project", "blog", "--lease-token", token])["queueStatus"] as? String == "PROCESSING")
        #expect(try await s.json(["heartbeat", dueID, "--project", "blog", "--lease-token", token, "--extend", "300"])["leaseExpiresAt"] is String)
        let failed = try await s.json(["fail", dueID, "--project", "blog", "--lease-token", token, "--error", "medium down", "--result", "twitter=https://x.com/1", "--result", "medium!HTTP 502"])
        #expect(failed["willRetry"] as? Bool == true)

        let moved = try await s.json(["reschedule", laterID, "--project", "blog", "--at", "2030-06-02T10:00"])
        #expect((moved["schedule"] as? [String: Any])?["localTime"] as? String == "2030-06-02T10:00:00")
        #expect(try await s.json(["publish-now", laterID, "--project", "blog"])["success"] as? Bool == true)
        let again = try await s.json(["dequeue", "--project", "blog", "--limit", "1"])
        let laterItem = try #require((again["items"] as? [[String: Any]])?.first)
        let laterToken = try #require(laterItem["leaseToken"] as? String)
        let completed = try await s.json(["complete", laterID, "--project", "blog", "--lease-token", laterToken, "--result", "twitter=https://x.com/2"])
        #expect((completed["schedule"] as? [String: Any])?["queueStatus"] as? String == "COMPLETED")

        // Two schedules a few seconds apart record a SAME_TIME warning to list and resolve.
        _ = try await s.json(["enqueue", "--project", "blog", "--content", "a", "--at", "2030-08-01T09:00", "--platform", "twitter"])
        let b = try await s.json(["enqueue", "--project", "blog", "--content", "b", "--at", "2030-08-01T09:00:30", "--platform", "twitter"])
        let bID = try #require((b["schedule"] as? [String: Any])?["id"] as? String)
        let conflicts = try await s.json(["conflicts", "list", "--project", "blog"])
        let conflictID = try #require((conflicts["conflicts"] as? [[String: Any]])?.first?["id"] as? String)
        let aboutB = try await s.json(["conflicts", "list", "--project", "blog", "--schedule", bID])
        #expect((aboutB["conflicts"] as? [[String: Any]])?.count == 1 && aboutB["total"] as? Int == 1)
        #expect(try await s.json(["conflicts", "list", "--project", "blog", "--schedule", "sch_none"])["total"] as? Int == 0)
        #expect(try await s.json(["conflicts", "resolve", conflictID, "--project", "blog", "--resolution", "fine"])["resolved"] as? Bool == true)
        #expect(try await s.json(["cancel", bID, "--project", "blog", "--reason", "same audience"])["success"] as? Bool == true)
        #expect(try await s.json(["get", bID, "--project", "blog"])["failureReason"] as? String == "cancelled: same audience")
        let batchCancelled = try await s.json(["batch", "cancel", bID, "sch_nope", "--project", "blog"])
        #expect(batchCancelled["affected"] as? Int == 0)
        #expect(batchCancelled["skippedIds"] as? [String] == [bID, "sch_nope"])
        let batchText = try await s.run(["batch", "cancel", bID, "--project", "blog"])
        #expect(batchText.status == 0 && batchText.stdout == "cancel: 0 of 1 changed\nskipped (not found, or not in a state to cancel): \(bID)\n")
        let f = try await s.json([
            "enqueue", "--project", "blog", "--content", "f", "--at", "2030-08-05T09:00", "--platform", "medium", "--publish-delay", "30",
            "--metadata", #"{"campaign":"launch"}"#,
        ])
        #expect((f["schedule"] as? [String: Any])?["publishDelay"] as? Int == 30)
        #expect((f["schedule"] as? [String: Any])?["metadataJson"] as? String == #"{"campaign":"launch"}"#)
        let fID = try #require((f["schedule"] as? [String: Any])?["id"] as? String)
        #expect(try await s.json(["batch", "cancel", fID, "--project", "blog", "--reason", "campaign dropped"])["affected"] as? Int == 1)
        #expect(try await s.json(["get", fID, "--project", "blog"])["failureReason"] as? String == "cancelled: campaign dropped")
        // The lease-loss policy, set on enqueue and changed by update.
        let retrying = try await s.json(["enqueue", "--project", "blog", "--content", "r", "--at", "2030-10-01T09:00", "--platform", "twitter", "--on-lease-loss", "retry"])
        let retryingID = try #require((retrying["schedule"] as? [String: Any])?["id"] as? String)
        #expect((retrying["schedule"] as? [String: Any])?["onLeaseLoss"] as? String == "retry")
        let held = try await s.json(["update", retryingID, "--project", "blog", "--on-lease-loss", "HOLD"])
        #expect((held["schedule"] as? [String: Any])?["onLeaseLoss"] as? String == "hold")
        let badPolicy = try await s.run(["enqueue", "--project", "blog", "--content", "r", "--at", "2030-10-01T09:00", "--platform", "twitter", "--on-lease-loss", "maybe"])
        #expect(badPolicy.status == 2 && badPolicy.stderr.contains("--on-lease-loss"))

        let stats = try await s.json(["stats", "--project", "blog"])
        #expect((stats["stats"] as? [String: Any])?["completed"] as? Int == 1)
        let perPlatform = try await s.json(["stats", "--project", "blog", "--by-platform"])["platforms"] as? [[String: Any]]
        let twitter = try #require(perPlatform?.first { $0["platform"] as? String == "TWITTER" })
        #expect(twitter["completed"] as? Int == 1)
        let platformTable = try await s.run(["stats", "--project", "blog", "--by-platform"])
        #expect(platformTable.status == 0 && platformTable.stdout.contains("PLATFORM") && platformTable.stdout.contains("TWITTER"))
        #expect(try await s.json(["stats", "--project", "blog"])["platforms"] == nil, "only with --by-platform")
        let watch = try await s.run(["stats", "--project", "blog", "--watch", "--iterations", "2"])
        #expect(watch.status == 0 && watch.stdout.contains("success rate, last 30 days"))
        let calendar = try await s.run(["calendar", "--project", "blog", "--month", "2030-08"])
        #expect(calendar.status == 0 && calendar.stdout.contains("August 2030") && calendar.stdout.contains("1:2"))
        #expect(try await s.json(["calendar", "--project", "blog", "--month", "2030-08", "--tz", "Asia/Tokyo"])["month"] as? String == "2030-08")

        // In text, each finding names the time it is about (auto-resolve lists the blocked time's).
        _ = try await s.run(["enqueue", "--project", "blog", "--content", "c", "--at", "2030-09-01T09:00", "--platform", "medium"])
        let warned = try await s.run(["enqueue", "--project", "blog", "--content", "d", "--at", "2030-09-01T09:00:20", "--platform", "medium"])
        #expect(warned.status == 0 && warned.stdout.contains("WARNING SAME_TIME at 2030-09-01T09:00:20Z: "))

        // Stored text cannot drive the terminal: control characters print as escapes (JSON keeps them).
        let hostile = try await s.json(["enqueue", "--project", "blog", "--content", "e", "--at", "2030-10-01T09:00", "--platform", "medium", "--notes", "x\u{1B}[31mred\u{07}"])
        let hostileID = try #require((hostile["schedule"] as? [String: Any])?["id"] as? String)
        let shown = try await s.run(["get", hostileID, "--project", "blog"])
        #expect(shown.status == 0 && shown.stdout.contains("x\\u{1b}[31mred\\u{7}") && !shown.stdout.contains("\u{1B}"))
        #expect(try await s.json(["get", hostileID, "--project", "blog"])["notes"] as? String == "x\u{1B}[31mred\u{07}")
        await s.shutdown()
    }

    @Test("list and calendar across the supported range: before 1970, from 1900, to 9999")
    func supportedRange() async throws {
        let s = try CLIServer()
        let old = try await s.json(["enqueue", "--project", "blog", "--content", "old", "--at", "1950-06-15T09:00", "--tz", "UTC", "--platform", "twitter"])
        let oldID = try #require((old["schedule"] as? [String: Any])?["id"] as? String)
        let epoch = try await s.json(["enqueue", "--project", "blog", "--content", "epoch", "--at", "1970-01-01T00:00", "--tz", "UTC", "--platform", "twitter"])
        let epochID = try #require((epoch["schedule"] as? [String: Any])?["id"] as? String)
        func ids(_ args: [String]) async throws -> [String] {
            let r = try await s.json(["list", "--project", "blog"] + args)
            return ((r["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
        }
        // A --from before 1900 selects what the range's start does.
        #expect(try await ids(["--from", "1800-01-01T00:00:00Z"]) == [oldID, epochID])
        #expect(try await ids(["--from", "1900-01-01T00:00:00Z", "--to", "1960-01-01T00:00:00Z"]) == [oldID])
        #expect(try await ids(["--to", "9999-12-31T23:59:59.999Z"]) == [oldID, epochID])
        // Exactly the epoch (0 ms, "open" on the wire) still bounds the list.
        #expect(try await ids(["--from", "1970-01-01T00:00:00Z"]) == [epochID])
        #expect(try await ids(["--to", "1970-01-01T00:00:00Z"]) == [oldID, epochID])
        #expect(try await ids(["--to", "1969-12-31T23:59:59Z"]) == [oldID])

        let june1950 = try await s.run(["calendar", "--project", "blog", "--month", "1950-06"])
        #expect(june1950.status == 0 && june1950.stdout.contains("June 1950"), "\(june1950.stderr)")
        #expect(june1950.stdout.contains("15:1"))
        for month in ["1900-01", "1970-01", "9999-12"] {
            let r = try await s.run(["calendar", "--project", "blog", "--month", month])
            #expect(r.status == 0 && r.stderr.isEmpty, "\(month): \(r.stderr)")
        }
        let jan1970 = try await s.json(["calendar", "--project", "blog", "--month", "1970-01"])
        #expect(((jan1970["days"] as? [[String: Any]])?.first)?["day"] as? Int == 1)
        // Outside the range: refused, naming the option the user gave.
        for (args, option) in [
            (["calendar", "--project", "blog", "--month", "1899-12"], "--month"),
            (["list", "--project", "blog", "--to", "1800-01-01T00:00:00Z"], "--to"),
        ] {
            let r = try await s.run(args)
            #expect(r.status == 2 && r.stderr.contains(option) && !r.stderr.contains("_ms"), "\(args): \(r.stderr)")
        }
        await s.shutdown()
    }

    @Test("confirm-outcome: a schedule held as outcome unknown, confirmed published with a URL and a note, or not published")
    func confirmOutcome() async throws {
        let clock = ManualClock(SystemClock().now())
        let s = try CLIServer(clock: clock)
        func held(_ content: String) async throws -> String {
            let created = try await s.json([
                "enqueue", "--project", "blog", "--content", content, "--at", "2020-01-01T09:00", "--tz", "UTC",
                "--platform", "twitter", "--platform", "medium",
            ])
            let id = try #require((created["schedule"] as? [String: Any])?["id"] as? String)
            let dequeued = try await s.json(["dequeue", "--project", "blog", "--limit", "1", "--lease", "30", "--start"])
            #expect(((dequeued["items"] as? [[String: Any]])?.first?["schedule"] as? [String: Any])?["id"] as? String == id)
            clock.advance(seconds: 31)
            #expect(try await s.store.reapExpiredLeases().heldOutcomeUnknown == 1)
            return id
        }
        let out = try await held("went-out")
        let published = try await s.run([
            "confirm-outcome", out, "--project", "blog", "--published", "--url", "twitter=https://x.com/b/1",
            "--note", "Ann saw it",
        ])
        #expect(published.status == 0, "\(published.stderr)")
        #expect(published.stdout.hasPrefix("confirmed \(out) published: COMPLETED at "), "\(published.stdout)")
        let got = try await s.json(["get", out, "--project", "blog"])
        #expect(got["queueStatus"] as? String == "COMPLETED")
        let attempt = try #require((got["attempts"] as? [[String: Any]])?.last)
        #expect(attempt["outcome"] as? String == "OUTCOME_UNKNOWN")
        let confirmation = try #require(attempt["confirmation"] as? [String: Any])
        #expect(confirmation["published"] as? Bool == true && confirmation["note"] as? String == "Ann saw it")
        let urls = (got["results"] as? [[String: Any]])?.compactMap { $0["url"] as? String }
        #expect(urls == ["https://x.com/b/1"])
        let text = try await s.run(["get", out, "--project", "blog"])
        #expect(text.stdout.contains("  confirmed:   published by tok_"), "\(text.stdout)")
        #expect(text.stdout.contains(" — Ann saw it"))
        // The same answer again is harmless; the other one is refused.
        #expect(try await s.json(["confirm-outcome", out, "--project", "blog", "--published"])["published"] as? Bool == true)
        let other = try await s.run(["confirm-outcome", out, "--project", "blog", "--not-published"])
        #expect(other.status == 1 && other.stderr.hasPrefix("schedctl: FAILED_PRECONDITION: already confirmed"), "\(other.stderr)")

        let lost = try await held("did-not")
        let again = try await s.json(["confirm-outcome", lost, "--project", "blog", "--not-published", "--url", "medium"])
        #expect(again["published"] as? Bool == false)
        #expect((again["schedule"] as? [String: Any])?["queueStatus"] as? String == "PENDING")
        #expect((again["schedule"] as? [String: Any])?["publishedPlatforms"] as? [String] == ["MEDIUM"])
        let next = try await s.json(["dequeue", "--project", "blog", "--limit", "5"])
        #expect(((next["items"] as? [[String: Any]])?.first?["schedule"] as? [String: Any])?["id"] as? String == lost)

        // Not held: a pending schedule.
        let pending = try await s.json(["enqueue", "--project", "blog", "--content", "later", "--at", "2040-01-01T09:00", "--platform", "twitter"])
        let pendingID = try #require((pending["schedule"] as? [String: Any])?["id"] as? String)
        let refused = try await s.run(["confirm-outcome", pendingID, "--project", "blog", "--published"])
        #expect(refused.status == 1 && refused.stderr.contains("not held for confirmation"), "\(refused.stderr)")
        await s.shutdown()
    }

    @Test("an error status exits 1 with its name on stderr")
    func errorStatus() async throws {
        let s = try CLIServer()
        let missing = try await s.run(["get", "sch_nope", "--project", "blog"])
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("schedctl: NOT_FOUND:"))
        let denied = try await s.run(["list", "--project", "news"])
        #expect(denied.status == 1 && denied.stderr.contains("PERMISSION_DENIED"))
        let unreachable = try await CLI.runAsync(["health", "--server", "127.0.0.1:1", "--ca", s.caFile, "--timeout", "2"], directory: s.dir)
        #expect(unreachable.status == 1 && unreachable.stderr.contains("UNAVAILABLE"))
        await s.shutdown()
    }

    @Test("connection and output options may come before the subcommand; given twice, the later one wins")
    func globalOptionsFirst() async throws {
        let s = try CLIServer()
        let address = "\(s.server.localAddress!)"
        let connection = ["--server", address, "--ca", s.caFile, "--token", s.token, "--timeout", "60"]
        let enqueued = try await CLI.runAsync(
            connection + ["--json", "enqueue", "--project", "blog", "--content", "first", "--at", "2030-01-01T09:00", "--platform", "twitter"],
            directory: s.dir)
        #expect(enqueued.status == 0 && enqueued.stdout.hasPrefix("{"), "\(enqueued.stderr)")

        let listed = try await CLI.runAsync(connection + ["--json", "list", "--project", "blog"], directory: s.dir)
        #expect(listed.status == 0, "\(listed.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any]
        #expect((object?["pagination"] as? [String: Any])?["total"] as? Int == 1)

        // Some before and some after, and a nested subcommand.
        let conflicts = try await CLI.runAsync(
            ["--server", address, "--ca", s.caFile, "conflicts", "list", "--project", "blog", "--token", s.token, "--json"], directory: s.dir)
        #expect(conflicts.status == 0 && conflicts.stdout.hasPrefix("{"), "\(conflicts.stderr)")

        // Before and after: the later one wins, either way round.
        let laterReal = try await CLI.runAsync(
            ["--server", "127.0.0.1:1"] + ["health"] + connection, directory: s.dir)
        #expect(laterReal.status == 0 && laterReal.stdout == "SERVING\n", "\(laterReal.stderr)")
        let laterWrong = try await CLI.runAsync(
            connection + ["health", "--server", "127.0.0.1:1"], directory: s.dir)
        #expect(laterWrong.status == 1 && laterWrong.stderr.contains("127.0.0.1:1"), "\(laterWrong.stderr)")

        // Checked wherever they stand.
        let badTimeout = try await CLI.runAsync(["--timeout", "0", "health"], directory: s.dir)
        #expect(badTimeout.status == 2 && badTimeout.stderr.contains("--timeout"), "\(badTimeout.stderr)")

        // --json reaches offline commands from either side too.
        let offline = try await CLI.runAsync(["--json", "tz", "info", "UTC", "--at", "2026-01-01T00:00:00Z"], directory: s.dir)
        #expect(offline.status == 0 && offline.stdout.hasPrefix("{\"offsetSeconds\": 0"), "\(offline.stderr)")
        let offlineAfter = try await CLI.runAsync(["tz", "info", "UTC", "--at", "2026-01-01T00:00:00Z", "--json"], directory: s.dir)
        #expect(offlineAfter.stdout == offline.stdout)

        // The root's help says so.
        let help = try await CLI.runAsync(["--help"], directory: s.dir)
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: schedctl [<connection options>] <subcommand>"), "\(help.stdout)")
        #expect(help.stdout.contains("CONNECTION OPTIONS (BEFORE OR AFTER THE SUBCOMMAND):"))
        for option in ["--server", "--ca", "--cert", "--key", "--token", "--timeout", "--json"] {
            #expect(help.stdout.contains("  \(option) "), "\(option) in schedctl --help")
        }
        await s.shutdown()
    }

    static let badArguments: [([String], String)] = [
        (["enqueue", "--project", "blog", "--content", "c", "--at", "2030-01-01T09:00"], "--platform"),
        (["enqueue", "--project", "blog", "--content", "c", "--at", "2030-01-01T09:00", "--platform", "x", "--priority", "11"], "--priority"),
        (["enqueue", "--project", "blog", "--content", "c", "--at", "2030-01-01T09:00", "--platform", "x", "--max-retries", "99999999999"], "--max-retries"),
        (["enqueue", "--project", "blog", "--content", "c", "--at", "2030-01-01T09:00", "--platform", "x", "--retry-delay", "-1"], "--retry-delay"),
        (["enqueue", "--project", "blog", "--content", "c", "--at", "2030-01-01T09:00", "--platform", "x", "--publish-delay", "86401"], "--publish-delay"),
        (["enqueue", "--project", "blog", "--content", "c", "--at", "tomorrow", "--platform", "x"], "--at"),
        (["enqueue", "--project", "blog", "--content", "c", "--at", "2030-01-01T09:00", "--platform", "x", "--rrule", "FREQ=MINUTELY"], "--rrule"),
        (["enqueue", "--project", "blog", "--content", "c", "--at", "2030-01-01T09:00", "--platform", "x", "--rrule", "FREQ=DAILY;COUNT=1000000000"], "out of range 1…999999999"),
        (["enqueue", "--project", "blog", "--content", "c", "--at", "2030-01-01T09:00", "--platform", "x", "--cron", "0 0 31 2 *"], "--cron"),
        (["enqueue", "--project", "blog", "--content", "c", "--at", "2030-01-01T09:00", "--platform", "x", "--tz", "localtime"], "--tz"),
        (["get", "sch_1"], "--project"),
        (["list", "--project", "blog", "--limit", "101"], "--limit"),
        (["list", "--project", "blog", "--page", "99999999999"], "--page"),
        (["conflicts", "list", "--project", "blog", "--page", "3000000000"], "--page"),
        (["list", "--project", "blog", "--sort", "name"], "--sort"),
        (["list", "--project", "blog", "--status", "lost"], "--status"),
        (["update", "sch_1", "--project", "blog"], "nothing to change"),
        (["cancel", "--project", "blog"], "id"),
        (["pause", "sch_1"], "--project"),
        (["resume", "sch_1"], "--project"),
        (["batch", "delete", "sch_1", "--project", "blog"], "action"),
        (["batch", "pause", "sch_1", "--project", "blog", "--reason", "x"], "--reason"),
        (["dequeue", "--project", "blog", "--limit", "0"], "--limit"),
        (["start", "sch_1", "--project", "blog"], "--lease-token"),
        (["heartbeat", "sch_1", "--project", "blog", "--lease-token", "t", "--extend", "90000"], "--extend"),
        (["complete", "sch_1", "--project", "blog", "--lease-token", "t", "--result", ""], "--result"),
        (["fail", "sch_1", "--project", "blog", "--lease-token", "t"], "--error"),
        (["publish-now", "--project", "blog"], "id"),
        (["confirm-outcome", "sch_1", "--project", "blog"], "--published"),
        (["confirm-outcome", "sch_1", "--project", "blog", "--published", "--not-published"], "--published"),
        (["confirm-outcome", "sch_1", "--project", "blog", "--published", "--url", "=https://x"], "--url"),
        (["confirm-outcome", "sch_1", "--project", "blog", "--not-published", "--published-at", "2030-01-01T00:00:00Z"], "--published-at"),
        (["confirm-outcome", "sch_1", "--project", "blog", "--published", "--published-at", "yesterday"], "--published-at"),
        (["reschedule", "sch_1", "--project", "blog", "--at", "2030-02-30T09:00"], "--at"),
        (["validate", "--project", "blog", "--at", "2030-01-01T09:00"], "--platform"),
        (["stats", "--project", "blog", "--days", "0"], "--days"),
        (["conflicts", "list", "--project", "blog", "--limit", "0"], "--limit"),
        (["conflicts", "resolve", "c_1", "--project", "blog"], "--resolution"),
        (["health", "--timeout", "0"], "--timeout"),
        (["calendar", "--project", "blog", "--month", "2026-13"], "--month"),
        (["list", "--project", "blog", "--server", "nowhere"], "--server"),
    ]

    @Test("bad arguments exit 2 with one line naming the argument", arguments: OnlineCommandTests.badArguments.indices)
    func badArgument(_ index: Int) async throws {
        let (args, mention) = Self.badArguments[index]
        let r = try await CLI.runAsync(args)
        #expect(r.status == 2, "\(args): \(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
        #expect(r.stderr.contains(mention), "\(args): \(r.stderr)")
    }
}

@Suite("schedctl enqueue-batch", .timeLimit(.minutes(3)))
struct EnqueueBatchCommandTests {
    @Test("a JSON Lines file becomes one EnqueueBatch: one answer per line, a refused line does not stop the others")
    func enqueueBatch() async throws {
        let s = try CLIServer()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("batch-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        try """
            # posts for June
            {"content": "a", "at": "2030-06-01T09:00", "tz": "Europe/Berlin", "platforms": ["twitter"], "onLeaseLoss": "retry"}

            {"content": "b", "at": "2030-06-01T10:00", "platforms": ["myspace"]}
            {"project": "blog", "content": "c", "at": "2030-06-02T09:00", "platforms": ["medium"], "rrule": "FREQ=DAILY;COUNT=2", "metadata": {"campaign": "june"}}
            """.write(to: file, atomically: true, encoding: .utf8)
        let text = try await s.run(["enqueue-batch", "--project", "blog", "--file", file.path])
        #expect(text.status == 1, "stderr: \(text.stderr)")
        let lines = text.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("line 2: created sch_") && lines[0].contains("(2030-06-01T09:00:00 Europe/Berlin)"))
        #expect(lines[1].hasPrefix("line 4: INVALID_ARGUMENT: enqueue_batch.items[1].platforms[0]: unknown platform"))
        #expect(lines[2].hasPrefix("line 5: created sch_"))
        #expect(lines[3] == "2 of 3 created")
        #expect(text.stderr.contains("1 of 3 refused"))
        let listed = try await s.json(["list", "--project", "blog"])
        #expect((listed["pagination"] as? [String: Any])?["total"] as? Int == 2)

        // Bad lines are usage errors naming the line; nothing is sent.
        for (line, problem) in [
            (#"{"content": "x", "at": "2030-06-01T09:00"}"#, "line 1: platforms must be a non-empty array of strings"),
            (#"[1, 2]"#, "line 1: not a JSON object"),
            (#"{"content": "x", "at": "June", "platforms": ["twitter"]}"#, "line 1: at:"),
            (#"{"content": "x", "at": "2030-06-01T09:00", "platforms": ["twitter"], "colour": "red"}"#, #"line 1: unknown key "colour""#),
        ] {
            try line.write(to: file, atomically: true, encoding: .utf8)
            let r = try await s.run(["enqueue-batch", "--project", "blog", "--file", file.path])
            #expect(r.status == 2 && r.stderr.contains(problem), "\(line): \(r.stderr)")
        }
        #expect((try await s.json(["list", "--project", "blog"])["pagination"] as? [String: Any])?["total"] as? Int == 2)
        await s.shutdown()
    }
}
