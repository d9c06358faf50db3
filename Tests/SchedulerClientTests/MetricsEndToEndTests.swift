import Foundation
import SchedulerClient
import SchedulerServer
import SchedulingCore
import TestSupport
import Testing
import Transport
import WireProtocol

/// The value of the sample `series` (name and labels exactly as exposed), or nil.
private func sample(_ exposition: String, _ series: String) -> Double? {
    for line in exposition.split(separator: "\n") where line.hasPrefix(series + " ") {
        return Double(line.dropFirst(series.count + 1))
    }
    return nil
}

@Suite("Metrics end to end: the work of real calls on /metrics, scraped by Prometheus", .timeLimit(.minutes(3)))
struct MetricsEndToEndTests {
    @Test("calls, leases, retries, holds, conflicts, auto-resolve, the queue and the store show on /metrics")
    func theWorkShows() async throws {
        let e = try E2E(withMetrics: true)
        let metrics = try #require(e.metrics)
        let c = try e.client()
        let overdue = try await c.enqueue(enqueueRequest("overdue", at: "2026-03-01T11:59:00"))  // due at once
        _ = try await c.enqueue(enqueueRequest("later", at: "2026-03-01T13:00:00"))
        for i in 0..<5 { _ = try await c.enqueue(enqueueRequest("burst-\(i)", at: "2026-03-03T12:00:00")) }
        await #expect(throws: SchedulerError.self) { try await c.enqueue(enqueueRequest("burst-5", at: "2026-03-03T12:00:00")) }
        var moved = enqueueRequest("burst-5", at: "2026-03-03T12:00:00")
        moved.autoResolve = true
        #expect(try await c.enqueue(moved).adjusted)

        // The overdue item: leased, failed with a retry. Then a new one: leased, started, lost.
        let first = try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 1, leaseSeconds: 30, workerID: "w")).items
        #expect(first.map(\.schedule.id) == [overdue.schedule.id])
        let failed = try await c.fail(
            V1.FailRequest(projectID: "blog", scheduleID: overdue.schedule.id, leaseToken: first[0].leaseToken, error: "503", retryable: true))
        #expect(failed.willRetry)
        let held = try await c.enqueue(enqueueRequest("held", at: "2026-03-01T12:00:00"))
        let second = try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 1, leaseSeconds: 30, workerID: "w")).items
        #expect(second.map(\.schedule.id) == [held.schedule.id])
        _ = try await c.start(V1.StartRequest(projectID: "blog", scheduleID: held.schedule.id, leaseToken: second[0].leaseToken))
        let due = try await c.enqueue(enqueueRequest("due", at: "2026-03-01T12:00:00"))
        e.clock.advance(seconds: 31)
        let pass = try await e.engine.runOnce()
        #expect(pass.leases.heldOutcomeUnknown == 1)

        let text = await metrics.scrape()
        #expect(sample(text, #"scheduler_rpc_calls_total{method="Enqueue",code="OK"}"#) == 10)
        #expect(sample(text, #"scheduler_rpc_calls_total{method="Enqueue",code="FAILED_PRECONDITION"}"#) == 1)
        #expect(sample(text, #"scheduler_rpc_call_duration_seconds_count{method="Enqueue"}"#) == 11)
        #expect(sample(text, #"scheduler_rpc_calls_total{method="Dequeue",code="OK"}"#) == 2)
        #expect((sample(text, #"scheduler_conflicts_found_total{type="RESOURCE",severity="ERROR"}"#) ?? 0) >= 1)
        #expect(sample(text, "scheduler_auto_resolved_total") == 1)
        #expect(sample(text, "scheduler_leases_granted_total") == 2)
        #expect(sample(text, #"scheduler_publishes_finished_total{outcome="retry_scheduled"}"#) == 1)
        #expect(sample(text, #"scheduler_retries_total{cause="fail"}"#) == 1)
        #expect(sample(text, "scheduler_outcome_unknown_holds_total") == 1)
        #expect(sample(text, #"scheduler_leases_expired_total{outcome="outcome_unknown"}"#) == 1)
        #expect(sample(text, #"scheduler_maintenance_runs_total{result="ok"}"#) == 1)
        #expect(sample(text, "scheduler_maintenance_duration_seconds_count") == 1)
        // The queue, read from the store: "due" waits 31 s; the retry is due in 5 minutes.
        #expect(sample(text, #"scheduler_queue_depth{project="blog",status="PENDING"}"#) == 9)
        #expect(sample(text, #"scheduler_queue_depth{project="blog",status="PROCESSING"}"#) == 0)
        #expect(sample(text, #"scheduler_queue_due{project="blog"}"#) == 1)
        #expect(sample(text, #"scheduler_queue_oldest_due_age_seconds{project="blog"}"#) == 31)
        #expect((sample(text, "scheduler_store_commit_batch_size_count") ?? 0) >= 10)
        #expect((sample(text, "scheduler_store_database_bytes") ?? 0) > 0)
        #expect(sample(text, "scheduler_connections_open") == 1)
        #expect(sample(text, "scheduler_tls_handshakes_total") == 1)
        // Bounded labels: no schedule id, no token.
        for secret in [overdue.schedule.id, held.schedule.id, due.schedule.id, e.blogToken, first[0].leaseToken] {
            #expect(!text.contains(secret))
        }
        if PrometheusTools.enabled {
            let check = try await PrometheusTools.checkMetrics(text)
            #expect(check.status == 0, "promtool check metrics: \(check.output)")
        }
        await e.shutdown()
    }

    @Test(
        "a real Prometheus server scrapes /metrics on the health listener",
        .enabled(if: PrometheusTools.enabled, "needs /usr/bin/prometheus (Debian package prometheus)"))
    func prometheusScrapes() async throws {
        let e = try E2E(withMetrics: true)
        let metrics = try #require(e.metrics)
        let health = try HealthHTTPServer(
            address: SocketAddress(host: "127.0.0.1", port: 0), ready: { true }, metrics: { metrics.scrapeBlocking() })
        defer { health.stop() }
        let c = try e.client()
        _ = try await c.enqueue(enqueueRequest("scraped", at: "2026-03-01T13:00:00"))

        let dir = e.dir.appendingPathComponent("prometheus")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let config = """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: scheduler
                static_configs:
                  - targets: ["127.0.0.1:\(health.localAddress.port)"]
            """
        try config.write(to: dir.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        let port = try #require(freeLoopbackPort())
        let p = Process()
        p.executableURL = URL(fileURLWithPath: PrometheusTools.prometheus)
        p.arguments = [
            "--config.file=\(dir.appendingPathComponent("prometheus.yml").path)",
            "--storage.tsdb.path=\(dir.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)", "--log.level=error",
        ]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try await ProcessGate.runAsync(p)
        defer { if p.isRunning { p.terminate() } }

        // Prometheus scrapes every second; its query API answers once a scrape has landed.
        @Sendable func query(_ q: String) async -> String? {
            let path = "/api/v1/query?query=" + (q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            return try? await ProcessGate.offPool { loopbackHTTPGet(port: port, path: path) }.flatMap {
                $0.status == 200 ? $0.body : nil
            }
        }
        @Sendable func value(_ body: String?) -> String? {
            guard let data = body?.data(using: .utf8),
                let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let result = (json["data"] as? [String: Any])?["result"] as? [[String: Any]],
                let first = result.first, let v = first["value"] as? [Any], v.count == 2
            else { return nil }
            return v[1] as? String
        }
        let scraped = await eventually(timeout: .seconds(60)) {
            value(await query(#"scheduler_rpc_calls_total{job="scheduler",method="Enqueue",code="OK"}"#)) == "1"
        }
        #expect(scraped, "Prometheus did not get the Enqueue count from /metrics")
        #expect(value(await query(#"up{job="scheduler"}"#)) == "1")
        #expect(value(await query(#"scheduler_queue_depth{project="blog",status="PENDING"}"#)) == "1")

        p.terminate()
        try await ProcessGate.offPool { p.waitUntilExit() }
        await e.shutdown()
    }
}
