import Foundation
import SchedulerClient
import TestSupport
import Testing
import WireProtocol

@Suite("Webhook alerts from a schedulerd process", .timeLimit(.minutes(3)))
struct AlertProcessTests {
    /// The alert is written in the event's transaction: a server killed with SIGKILL after the
    /// event and before any delivery attempt delivers it, once, after it is started again.
    @Test("a server killed between the event and the delivery delivers the alert exactly once after restart")
    func killedBetweenEventAndDelivery() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("alerts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let receiver = try WebhookReceiver()
        defer { receiver.stop() }
        let secret = dir.appendingPathComponent("webhook.secret")
        try "0123456789abcdef0123456789abcdef\n".write(to: secret, atomically: true, encoding: .utf8)
        let config = dir.appendingPathComponent("config.json")
        func writeConfig(intervalMs: Int) throws {
            try """
            {"alerts": {"webhook": {"url": "\(receiver.url)", "secretFile": "\(secret.path)"}, "intervalMs": \(intervalMs)}}
            """.write(to: config, atomically: true, encoding: .utf8)
        }

        // First run: the dispatcher's first pass runs at start (nothing to send yet); the next
        // one would come after 10 minutes, so nothing is posted before the kill.
        try writeConfig(intervalMs: 600_000)
        let first = try await ServerProcess.start(dir: dir, arguments: ["--config", config.path])
        let firstPort = try await first.port()
        var settings = try first.client().configuration
        settings.address = "127.0.0.1:\(firstPort)"
        let client = try SchedulerClient(configuration: settings)
        var request = SchedulerV1.EnqueueRequest(projectID: "blog", contentID: "doomed", platforms: ["twitter"])
        request.scheduledForMs = Int64(Date().timeIntervalSince1970 * 1000) - 60_000
        let schedule = try await client.enqueue(request).schedule
        let item = try #require(try await client.dequeue(SchedulerV1.DequeueRequest(projectID: "blog", workerID: "w")).items.first)
        let failed = try await client.fail(
            SchedulerV1.FailRequest(
                projectID: "blog", scheduleID: schedule.id, leaseToken: item.leaseToken, error: "account suspended",
                retryable: false))
        #expect(!failed.willRetry)
        kill(first.process.processIdentifier, SIGKILL)
        _ = await first.waitForExit()
        await client.close()
        #expect(receiver.requests.isEmpty)

        // Second run, delivering every 100 ms: the alert written before the kill arrives once.
        try writeConfig(intervalMs: 100)
        let second = try await ServerProcess.start(dir: dir, arguments: ["--config", config.path])
        defer { second.process.terminate() }
        let port = try await second.port()
        #expect(await eventually { receiver.requests.count >= 1 })
        // Its state is DELIVERED once the store recorded it, after which no claim can take it again.
        let cli = ["--server", "127.0.0.1:\(port)", "--ca", dir.appendingPathComponent(".scheduler/ca.pem").path]
        @Sendable func listed() async -> [[String: Any]] {
            guard let r = try? await CLI.runAsync(["alerts", "--project", "blog", "--json"] + cli, directory: dir),
                r.status == 0, let o = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            else { return [] }
            return o["alerts"] as? [[String: Any]] ?? []
        }
        #expect(await eventually { await listed().first?["state"] as? String == "DELIVERED" })
        let alerts = await listed()
        #expect(receiver.requests.count == 1)
        try #require(alerts.count == 1)
        #expect(alerts[0]["kind"] as? String == "SCHEDULE_FAILED" && alerts[0]["scheduleId"] as? String == schedule.id)
        #expect(alerts[0]["attempts"] as? Int == 1)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(receiver.requests[0].body)) as? [String: Any])
        #expect(body["id"] as? String == alerts[0]["id"] as? String)
        #expect((body["details"] as? [String: Any])?["error"] as? String == "account suspended")

        // The text view.
        let text = try await CLI.runAsync(["alerts", "--project", "blog"] + cli, directory: dir)
        #expect(text.status == 0 && text.stdout.contains("SCHEDULE_FAILED") && text.stdout.contains("DELIVERED"))
        kill(second.process.processIdentifier, SIGTERM)
        #expect(await second.waitForExit() == 0)
    }

    @Test("the alerts section refuses unknown keys, bad values and a project without a webhook, naming the key")
    func badAlertConfig() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("alerts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let secret = dir.appendingPathComponent("s")
        try "0123456789abcdef0123456789abcdef".write(to: secret, atomically: true, encoding: .utf8)
        let short = dir.appendingPathComponent("short")
        try "abc".write(to: short, atomically: true, encoding: .utf8)
        let hook = #"{"url": "http://127.0.0.1:9/h", "secretFile": "\#(secret.path)"}"#
        let config = dir.appendingPathComponent("config.json")
        for (json, key) in [
            (#"{"alerts": {"webhok": {}}}"#, #"unknown key "alerts.webhok""#),
            (#"{"alerts": {"webhook": {"url": "http://x/", "secretFile": "\#(secret.path)", "secret": "x"}}}"#, #"alerts.webhook.secret""#),
            (#"{"alerts": {"projects": {"blog": {"dueWaitingSeconds": 60}}}}"#, "alerts.projects.blog: no webhook"),
            (#"{"alerts": {"webhook": \#(hook), "platformLimitFraction": 1.5}}"#, "alerts.platformLimitFraction"),
            (#"{"alerts": {"webhook": {"url": "ftp://x", "secretFile": "\#(secret.path)"}}}"#, "alerts.webhook.url"),
            (#"{"alerts": {"webhook": {"url": "http://x/", "secretFile": "\#(short.path)"}}}"#, "at least 16 bytes"),
            (#"{"alerts": {"webhook": \#(hook), "projects": {"blog": {"maxAttempts": 3}}}}"#, "alerts.projects.blog.maxAttempts"),
        ] {
            try json.write(to: config, atomically: true, encoding: .utf8)
            let server = try await ServerProcess.start(dir: dir, arguments: ["--config", config.path])
            #expect(await server.waitForExit() == 2, "\(json)")
            #expect(server.output.contains(key), "\(json): \(server.output)")
        }
    }
}
