import Foundation
import Logging
import MetricsTestKit
import ScheduleStore
import SchedulerServer
import SchedulingCore
import Synchronization
import TLS
import TestSupport
import Testing
import Transport

/// The alert dispatcher against a real HTTP receiver on loopback, with the store's clock injected
/// (retries are driven by advancing it, never by sleeping).
@Suite("Alert dispatcher")
struct AlertDispatcherTests {
    static let secret = Array("a-test-secret-of-32-bytes-length".utf8)
    let t0 = Instant(unixSeconds: 1_894_017_600)

    /// A store in a temporary directory with alerts for every project, one FAILED schedule (so
    /// one SCHEDULE_FAILED alert waits in the outbox), and a dispatcher posting to `receiver`.
    func setUp(
        _ receiver: WebhookReceiver, clock: ManualClock, trustRoots: String? = nil, metrics: ServerMetrics = ServerMetrics(),
        tweak: (inout AlertDispatcher.Configuration) -> Void = { _ in }
    )
        async throws -> (ScheduleStore, AlertDispatcher, Schedule)
    {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("alerts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var config = StoreConfiguration(path: dir.appendingPathComponent("s.sqlite").path)
        config.clock = clock
        config.alerts.global = AlertRules()
        let store = try ScheduleStore(configuration: config)
        let s = try await store.enqueue(
            EnqueueRequest(projectID: "blog", contentID: "post-1", time: .instant(t0), platforms: ["twitter"])
        ).schedule
        let lease = try #require(try await store.dequeue(DequeueRequest(projectID: "blog", workerID: "w")).first)
        _ = try await store.fail(
            projectID: "blog", scheduleID: s.id, leaseToken: lease.token, error: "HTTP 401 from twitter", retryable: false)
        var d = AlertDispatcher.Configuration()
        d.webhook = AlertWebhook(target: try HTTPTarget(parsing: receiver.url), secret: Self.secret, trustRootsFile: trustRoots)
        d.timeoutMilliseconds = 5_000
        tweak(&d)
        return (store, AlertDispatcher(store: store, configuration: d, clock: clock, metrics: metrics, logger: Logger(label: "test")), s)
    }

    @Test func aRealReceiverGetsTheSignedBody() async throws {
        let receiver = try WebhookReceiver()
        defer { receiver.stop() }
        let clock = ManualClock(t0)
        let test = TestMetrics()
        let (store, dispatcher, s) = try await setUp(receiver, clock: clock, metrics: ServerMetrics(factory: test))
        defer { store.close() }

        let pass = try await dispatcher.runOnce()
        #expect(pass.delivered == 1 && pass.retried == 0)
        #expect(
            try test.expectCounter(MetricName.alertDeliveries, [("kind", "SCHEDULE_FAILED"), ("result", "delivered")])
                .totalValue == 1)
        try #require(receiver.requests.count == 1)
        let r = receiver.requests[0]
        #expect(r.method == "POST" && r.path == "/hook")
        #expect(r.headers["content-type"] == "application/json")
        #expect(r.headers["x-scheduler-delivery-attempt"] == "1")
        let timestamp = try #require(r.headers["x-scheduler-timestamp"])
        #expect(timestamp == String(t0.unixSeconds))
        // The receiver's check: HMAC-SHA256 over "<timestamp>.<raw body>" with the shared secret.
        let expected = "sha256=" + HMACSHA256.hex(key: Self.secret, message: Array("\(timestamp).".utf8) + r.body)
        #expect(r.headers["x-scheduler-signature"] == expected)
        #expect(HMACSHA256.hex(key: Array("other".utf8), message: r.body) != expected.dropFirst(7).description)

        let body = try #require(try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])
        let alert = try #require(try await store.listAlerts(projectID: "blog", limit: 5).first)
        #expect(body["id"] as? String == alert.id && r.headers["x-scheduler-alert-id"] == alert.id)
        #expect(body["kind"] as? String == "SCHEDULE_FAILED" && body["project"] as? String == "blog")
        #expect(body["scheduleId"] as? String == s.id && body["platform"] is NSNull)
        #expect(body["createdAt"] as? String == t0.iso8601)
        let details = try #require(body["details"] as? [String: Any])
        #expect(details["error"] as? String == "HTTP 401 from twitter" && details["contentId"] as? String == "post-1")
        #expect(alert.state == .delivered && alert.attempts == 1 && alert.deliveredAt == t0)

        // Delivered once: the next passes send nothing.
        #expect(try await dispatcher.runOnce().delivered == 0)
        #expect(receiver.requests.count == 1)
    }

    @Test func eachPostRunsOnAThreadNamedForPsAndPerf() async throws {
        // The receiver answers while the poster's thread waits for the answer: it looks then.
        let seen = Mutex<Set<String>>([])
        let receiver = try WebhookReceiver { _ in
            seen.withLock { $0 = threadNamesOfThisProcess() }
            return 200
        }
        defer { receiver.stop() }
        let (store, dispatcher, _) = try await setUp(receiver, clock: ManualClock(t0))
        defer { store.close() }
        #expect(try await dispatcher.runOnce().delivered == 1)
        #expect(seen.withLock { $0 }.contains("alert-webhook"))
    }

    @Test func anHTTPSReceiverGetsItOverVerifiedTLSAndAnUntrustedOneDoesNot() async throws {
        let pki = try TestPKI(name: "webhook")
        defer { pki.cleanup() }
        let context = try TLSContext(
            configuration: .server(
                certificateChainFile: pki.serverCert, privateKeyFile: pki.serverKey, clientCAFile: nil,
                alpnProtocols: ["http/1.1"]))
        let receiver = try WebhookReceiver(tls: context)
        defer { receiver.stop() }
        #expect(receiver.url.hasPrefix("https://127.0.0.1:"))
        let clock = ManualClock(t0)
        let (store, dispatcher, s) = try await setUp(receiver, clock: clock, trustRoots: pki.caFile)
        defer { store.close() }
        #expect(try await dispatcher.runOnce().delivered == 1)
        try #require(receiver.requests.count == 1)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(receiver.requests[0].body)) as? [String: Any])
        #expect(body["scheduleId"] as? String == s.id)

        // The same receiver, but the dispatcher trusts another CA: no delivery, a retry later.
        let other = try TestPKI(name: "other")
        defer { other.cleanup() }
        let (store2, dispatcher2, _) = try await setUp(receiver, clock: clock, trustRoots: other.caFile)
        defer { store2.close() }
        let pass = try await dispatcher2.runOnce()
        #expect(pass.delivered == 0 && pass.retried == 1)
        #expect(receiver.requests.count == 1, "nothing reached the receiver")
        let alert = try #require(try await store2.listAlerts(projectID: "blog", limit: 5).first)
        #expect(alert.state == .pending && alert.lastError?.contains("TLS") == true, "\(alert.lastError ?? "")")
    }

    @Test func aReceiverThatFailsThenRecoversGetsRetriesWithBackoff() async throws {
        // 503, then a refused connection, then 200.
        let receiver = try WebhookReceiver(status: { $0 == 0 ? 503 : 200 })
        let clock = ManualClock(t0)
        let (store, dispatcher, _) = try await setUp(receiver, clock: clock) {
            $0.retryBaseMilliseconds = 5_000
            $0.retryMaxMilliseconds = 60_000
        }
        defer { store.close() }

        var pass = try await dispatcher.runOnce()
        #expect(pass.retried == 1 && receiver.requests.count == 1)
        var alert = try #require(try await store.listAlerts(projectID: "blog", limit: 5).first)
        #expect(alert.state == .pending && alert.attempts == 1 && alert.lastError?.contains("HTTP 503") == true)
        #expect(alert.nextAttemptAt == t0.adding(seconds: 5))
        // Not due before its backoff: nothing is sent.
        clock.advance(seconds: 4)
        #expect(try await dispatcher.runOnce() == AlertDispatcher.Pass())

        // The receiver is down (its port closed): attempt 2 fails to connect, the delay doubles.
        let port = receiver.port
        receiver.stop()
        clock.advance(seconds: 1)
        pass = try await dispatcher.runOnce()
        #expect(pass.retried == 1)
        alert = try #require(try await store.listAlerts(projectID: "blog", limit: 5).first)
        #expect(alert.attempts == 2 && alert.nextAttemptAt == t0.adding(seconds: 15))
        #expect(alert.lastError?.contains("connect") == true)

        // Back up on the same port: attempt 3, after 10 s, is delivered.
        let again = try WebhookReceiver(port: port)
        defer { again.stop() }
        clock.advance(seconds: 9)
        #expect(try await dispatcher.runOnce() == AlertDispatcher.Pass())
        clock.advance(seconds: 1)
        #expect(try await dispatcher.runOnce().delivered == 1)
        try #require(again.requests.count == 1)
        #expect(again.requests[0].headers["x-scheduler-delivery-attempt"] == "3")
        #expect(again.requests[0].headers["x-scheduler-alert-id"] == alert.id)
        #expect(again.requests[0].body == receiver.requests[0].body)  // the same bytes every attempt
        alert = try #require(try await store.listAlerts(projectID: "blog", limit: 5).first)
        #expect(alert.state == .delivered && alert.attempts == 3)
    }

    @Test func anAlertIsGivenUpAfterItsLastAttempt() async throws {
        let receiver = try WebhookReceiver(status: { _ in 500 })
        defer { receiver.stop() }
        let clock = ManualClock(t0)
        let test = TestMetrics()
        let (store, dispatcher, _) = try await setUp(receiver, clock: clock, metrics: ServerMetrics(factory: test)) {
            $0.maxAttempts = 2
            $0.retryBaseMilliseconds = 1_000
        }
        defer { store.close() }
        func deliveries(_ result: String) throws -> Int64 {
            try test.expectCounter(MetricName.alertDeliveries, [("kind", "SCHEDULE_FAILED"), ("result", result)]).totalValue
        }
        #expect(try await dispatcher.runOnce().retried == 1)
        #expect(try deliveries("retry") == 1 && deliveries("gave_up") == 0)
        clock.advance(seconds: 1)
        #expect(try await dispatcher.runOnce().gaveUp == 1)
        clock.advance(seconds: 3600)
        #expect(try await dispatcher.runOnce() == AlertDispatcher.Pass())
        let alert = try #require(try await store.listAlerts(projectID: "blog", limit: 5).first)
        #expect(alert.state == .failed && alert.attempts == 2 && receiver.requests.count == 2)
        // /metrics counts each attempt once, by the alert's kind and what came of it.
        #expect(try deliveries("retry") == 1 && deliveries("gave_up") == 1 && deliveries("delivered") == 0)
    }

    @Test func theBacklogCheckWritesADueBacklogAlertOncePerWindow() async throws {
        let receiver = try WebhookReceiver()
        defer { receiver.stop() }
        let clock = ManualClock(t0)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("alerts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var config = StoreConfiguration(path: dir.appendingPathComponent("s.sqlite").path)
        config.clock = clock
        config.alerts.global = AlertRules(dueWaitingSeconds: 300)
        let store = try ScheduleStore(configuration: config)
        defer { store.close() }
        _ = try await store.enqueue(EnqueueRequest(projectID: "blog", contentID: "c", time: .instant(t0), platforms: ["twitter"]))
        var d = AlertDispatcher.Configuration()
        d.webhook = AlertWebhook(target: try HTTPTarget(parsing: receiver.url), secret: Self.secret)
        d.watchesBacklog = config.alerts.watchesBacklog
        d.backlogCheckIntervalMilliseconds = 30_000
        let dispatcher = AlertDispatcher(store: store, configuration: d, clock: clock, logger: Logger(label: "test"))
        #expect(try await dispatcher.runOnce().backlogAlerts == 0)
        clock.advance(seconds: 299)
        #expect(try await dispatcher.runOnce().backlogAlerts == 0)  // waited 299 s of 300
        clock.advance(seconds: 1)
        #expect(try await dispatcher.runOnce() == AlertDispatcher.Pass())  // checked 1 s ago: not yet
        clock.advance(seconds: 29)
        let pass = try await dispatcher.runOnce()
        #expect(pass.backlogAlerts == 1 && pass.delivered == 1)
        clock.advance(seconds: 30)
        #expect(try await dispatcher.runOnce() == AlertDispatcher.Pass())  // the same window
        let body = try #require(try JSONSerialization.jsonObject(with: Data(receiver.requests[0].body)) as? [String: Any])
        #expect(body["kind"] as? String == "DUE_BACKLOG")
        #expect((body["details"] as? [String: Any])?["waitedSeconds"] as? Int == 329)
    }

    @Test func retryDelaysDoubleUpToTheMaximum() {
        var c = AlertDispatcher.Configuration()
        c.retryBaseMilliseconds = 5_000
        c.retryMaxMilliseconds = 60_000
        #expect((1...6).map { c.retryDelayMilliseconds(afterAttempt: $0) } == [5_000, 10_000, 20_000, 40_000, 60_000, 60_000])
        #expect(c.retryDelayMilliseconds(afterAttempt: 1000) == 60_000)
    }

    @Test func webhookURLsParse() throws {
        let t = try HTTPTarget(parsing: "https://hooks.example.com/a/b?x=1")
        #expect(t.isTLS && t.host == "hooks.example.com" && t.port == 443 && t.path == "/a/b?x=1")
        let v6 = try HTTPTarget(parsing: "http://[::1]:8080")
        #expect(!v6.isTLS && v6.host == "::1" && v6.port == 8080 && v6.path == "/")
        for bad in ["ftp://x", "http://", "http://u:p@host/", "http://host:0/", "http://host/a b", "http://host:99999/"] {
            #expect(throws: HTTPClientError.self) { try HTTPTarget(parsing: bad) }
        }
    }

    @Test func hmacMatchesRFC4231() {
        // RFC 4231 test case 2.
        #expect(
            HMACSHA256.hex(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }
}
