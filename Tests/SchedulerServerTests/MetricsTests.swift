import Foundation
import Logging
import MetricsTestKit
import ScheduleStore
import SchedulerClient
@testable import SchedulerServer
import SchedulingCore
import Synchronization
import TLS
import TestSupport
import Testing
import Transport
import WireProtocol

/// Queue figures a test sets by hand, counting the reads.
final class FakeGaugeSource: QueueGaugeSource {
    let gauges: Mutex<QueueGauges>
    let reads = Atomic<Int>(0)

    init(_ gauges: QueueGauges) { self.gauges = Mutex(gauges) }

    func queueGauges(now: Instant) async throws(StoreError) -> QueueGauges {
        reads.add(1, ordering: .relaxed)
        return gauges.withLock { $0 }
    }
}

/// The value of the sample `series` (name and labels exactly as exposed), or nil.
func sample(_ exposition: String, _ series: String) -> Double? {
    for line in exposition.split(separator: "\n") where line.hasPrefix(series + " ") {
        return Double(line.dropFirst(series.count + 1))
    }
    return nil
}

@Suite("Metrics: RPC counters and the /metrics exposition", .timeLimit(.minutes(3)))
struct MetricsTests {
    static var logger: Logger {
        var l = Logger(label: "metrics-test")
        l.logLevel = .critical
        return l
    }

    @Test("calls by method and status, latency of handled calls, handshakes, go-aways by reason")
    func rpcMetrics() async throws {
        let test = TestMetrics()
        let h = try RPCHarness(methods: testMethods(), metrics: ServerMetrics(factory: test))
        let channel = try await h.channel()
        let auth = [MetadataEntry].bearer(h.adminToken)
        for i in 0..<3 {
            #expect(try await channel.call(method: "test.v1.T/Echo", payload: payload(UInt64(i)), metadata: auth).code == .ok)
        }
        #expect(try await channel.call(method: "test.v1.T/Echo", payload: payload(1)).code == .unauthenticated)
        #expect(try await channel.call(method: "test.v1.T/Nope", payload: [], metadata: auth).code == .unimplemented)
        let late = try await channel.call(method: "test.v1.T/Slow", payload: payload(10_000), metadata: auth, timeoutMilliseconds: 50)
        #expect(late.code == .deadlineExceeded)

        func calls(_ method: String, _ code: String) throws -> Int64 {
            try test.expectCounter(MetricName.rpcCalls, [("method", method), ("code", code)]).totalValue
        }
        #expect(try calls("Echo", "OK") == 3)
        #expect(try calls("Echo", "UNAUTHENTICATED") == 1)
        #expect(try calls("unknown", "UNIMPLEMENTED") == 1)
        #expect(try calls("Slow", "DEADLINE_EXCEEDED") == 1)
        // Latency is recorded for calls whose handler ran, however they were answered.
        #expect(try test.expectTimer(MetricName.rpcDuration, [("method", "Echo")]).values.count == 3)
        let slow = try test.expectTimer(MetricName.rpcDuration, [("method", "Slow")]).values
        // About the 50 ms deadline: the server's deadline timer may fire a few milliseconds early
        // (its tick), and the duration starts when the call is dispatched; the point is that a
        // call answered by its deadline has its latency recorded, not its exact value.
        #expect(slow.count == 1 && slow[0] >= 30_000_000, "\(slow)")
        #expect(try test.expectCounter(MetricName.tlsHandshakes).totalValue == 1)
        #expect(try test.expectCounter(MetricName.connectionsAccepted).totalValue == 1)

        // A peer that does not speak TLS: a handshake failure.
        let fd = plainConnect(port: h.address.port, from: "127.0.0.1")
        #expect(fd >= 0)
        _ = "GET / HTTP/1.0\r\n\r\n".withCString { send(fd, $0, strlen($0), 0) }
        #expect(await eventually { (try? test.expectCounter(MetricName.tlsHandshakeFailures).totalValue) == 1 })
        close(fd)

        // Protocol violations and bad frames end a connection with go-away, counted by reason.
        let ctx = try TLSContext(configuration: .client(trustRootsFile: h.caFile, serverName: "127.0.0.1", alpnProtocols: [ALPN.protocolID]))
        for bytes in [try FrameEncoder().encode(Frame(callID: 1, kind: .response(Frame.Response()))), [0xFF, 0xFF, 0xFF, 0xFF]] {
            let peer = RawPeer()
            let raw = try Connection.connect(to: h.address, context: ctx, loop: h.clientLoop) { _ in peer }
            var events = peer.events.makeAsyncIterator()
            guard case .active = await events.next() else {
                Issue.record("no handshake")
                return
            }
            raw.loop.execute { raw.send(bytes) }
            while await events.next() != nil {}
        }
        func goAways(_ reason: String) throws -> Int64 {
            try test.expectCounter(MetricName.goAways, [("reason", reason)]).totalValue
        }
        #expect(try goAways("protocol_violation") == 1)
        #expect(try goAways("bad_frame") == 1)
        #expect(try goAways("shutdown") == 0)
        await h.shutdown()  // drains: go-away to the one connection left
        #expect(try goAways("shutdown") == 1)
    }

    @Test("the exposition: HELP for every family, project labels from the store, cached reads, promtool-clean")
    func exposition() async throws {
        let clock = ManualClock(Instant(unixSeconds: 1_900_000_000))
        var config = MetricsEndpoint.Configuration()
        config.maxProjectLabels = 2
        let endpoint = MetricsEndpoint(configuration: config, clock: clock, logger: Self.logger)
        let now = clock.now()
        let source = FakeGaugeSource(
            QueueGauges(
                projects: [
                    QueueGauges.Project(
                        projectID: "blog", depth: [.pending: 3, .processing: 1], dueBacklog: 2, oldestDue: now.adding(seconds: -90)),
                    QueueGauges.Project(projectID: #"we"ird\"#, depth: [.paused: 1]),
                ], databaseBytes: 4096, walBytes: 0))
        endpoint.attach(store: source, server: nil)
        // Something recorded through the swift-metrics API the server uses.
        endpoint.serverMetrics.leasesGranted.increment(by: 2)

        let text = await endpoint.scrape()
        #expect(sample(text, #"scheduler_queue_depth{project="blog",status="PENDING"}"#) == 3)
        #expect(sample(text, #"scheduler_queue_depth{project="blog",status="QUEUED"}"#) == 0)
        #expect(sample(text, #"scheduler_queue_due{project="blog"}"#) == 2)
        #expect(sample(text, #"scheduler_queue_oldest_due_age_seconds{project="blog"}"#) == 90)
        #expect(sample(text, #"scheduler_queue_depth{project="we\"ird\\",status="PAUSED"}"#) == 1)
        #expect(sample(text, "scheduler_store_database_bytes") == 4096)
        #expect(sample(text, "scheduler_leases_granted_total") == 2)
        #expect(sample(text, #"scheduler_conflicts_found_total{type="RESOURCE",severity="ERROR"}"#) == 0)
        for line in text.split(separator: "\n") where line.hasPrefix("# TYPE ") {
            let name = line.split(separator: " ")[2]
            #expect(text.contains("# HELP \(name) "), "no HELP for \(name)")
        }
        if PrometheusTools.enabled {
            let check = try await PrometheusTools.checkMetrics(text)
            #expect(check.status == 0, "promtool check metrics: \(check.output)")
        }

        // Within the cache time the store is not read again; after it, it is.
        #expect(source.reads.load(ordering: .relaxed) == 1)
        _ = await endpoint.scrape()
        #expect(source.reads.load(ordering: .relaxed) == 1)

        // Over the label limit the last projects in id order are summed as "_other"; a project
        // that is gone loses its series.
        source.gauges.withLock {
            $0.projects = [
                QueueGauges.Project(projectID: "a", depth: [.pending: 1]),
                QueueGauges.Project(projectID: "b", depth: [.pending: 2]),
                QueueGauges.Project(projectID: "c", depth: [.pending: 4], dueBacklog: 1, oldestDue: now),
                QueueGauges.Project(projectID: "d", depth: [.pending: 5], dueBacklog: 2, oldestDue: now.adding(seconds: -10)),
            ]
        }
        clock.advance(seconds: 5)
        let later = await endpoint.scrape()
        #expect(source.reads.load(ordering: .relaxed) == 2)
        #expect(sample(later, #"scheduler_queue_depth{project="a",status="PENDING"}"#) == 1)
        #expect(sample(later, #"scheduler_queue_depth{project="_other",status="PENDING"}"#) == 9)
        #expect(sample(later, #"scheduler_queue_due{project="_other"}"#) == 3)
        #expect(sample(later, #"scheduler_queue_oldest_due_age_seconds{project="_other"}"#) == 15)
        #expect(!later.contains("ird"))
        #expect(sample(later, #"scheduler_queue_due{project="blog"}"#) == nil)
    }

    @Test("a store that cannot be read: the previous figures stay, the error is counted")
    func storeErrors() async throws {
        final class Broken: QueueGaugeSource {
            func queueGauges(now: Instant) async throws(StoreError) -> QueueGauges {
                throw StoreError(code: .unavailable, message: "closed")
            }
        }
        let endpoint = MetricsEndpoint(logger: Self.logger)
        endpoint.attach(store: Broken(), server: nil)
        let text = await endpoint.scrape()
        #expect(sample(text, "scheduler_scrape_store_errors_total") == 1)
        #expect(!text.contains("scheduler_queue_depth{"))
    }
}
