import Foundation
import Logging
import ScheduleStore
import Synchronization
import SchedulerClient
import SchedulerServer
import SchedulingCore
import TLS
import TestSupport
import Transport
import WireProtocol

typealias V1 = SchedulerV1

/// A real server (TLS on an ephemeral loopback port, the service, a SQLite store in a temp
/// directory) on a manual clock, and clients for it. Stops by itself in `shutdown()`.
final class E2E: @unchecked Sendable {
    // Every stored property is set once in init and only read afterwards.
    let dir: URL
    let clock: ManualClock
    let store: ScheduleStore
    let server: RPCServer
    let engine: MaintenanceEngine
    /// The server's /metrics (with `withMetrics`), on the same clock.
    let metrics: MetricsEndpoint?
    let caFile: String
    let tokens: TokenStore
    let adminToken: String
    let blogToken: String
    let newsToken: String

    /// Enqueue calls the server has handled.
    let enqueueCalls = Counter()
    /// Calls the server has handled, by method name.
    let calls = MethodCounts()

    final class MethodCounts: Sendable {
        private let counts = Mutex<[String: Int]>([:])
        subscript(_ method: String) -> Int { counts.withLock { $0[method, default: 0] } }
        func increment(_ method: String) { counts.withLock { $0[method, default: 0] += 1 } }
    }

    final class Counter: Sendable {
        private let v = Mutex<Int>(0)
        var value: Int { v.withLock { $0 } }
        func increment() -> Int { v.withLock { $0 += 1; return $0 } }
    }

    final class ServerBox: Sendable {
        let server = Mutex<RPCServer?>(nil)
    }

    init(
        now: String = "2026-03-01T12:00:00Z", dropConnectionAfterFirstEnqueue: Bool = false,
        dispatch: DispatchLimits = DispatchLimits(), withMetrics: Bool = false, dequeueIgnoresReports: Bool = false,
        store configure: (inout StoreConfiguration) -> Void = { _ in }
    ) throws {
        let pki = try TestPKI(name: "e2e")
        dir = pki.dir
        clock = ManualClock(try Instant.parse(iso8601: now))
        caFile = pki.caFile
        let cert = pki.serverCert
        let key = pki.serverKey
        tokens = TokenStore(path: dir.appendingPathComponent("tokens.json").path, clock: clock)
        adminToken = try tokens.create(projects: [], admin: true).token
        blogToken = try tokens.create(projects: ["blog"], admin: false).token
        newsToken = try tokens.create(projects: ["news"], admin: false).token
        var config = StoreConfiguration(path: dir.appendingPathComponent("scheduler.db").path)
        config.clock = clock
        config.retryJitter = 0
        configure(&config)
        var logger = Logger(label: "e2e")
        logger.logLevel = .critical
        if withMetrics {
            var m = MetricsEndpoint.Configuration()
            m.storeCacheMilliseconds = 0  // every scrape reads the store
            metrics = MetricsEndpoint(configuration: m, clock: clock, logger: logger)
        } else {
            metrics = nil
        }
        if let metrics { config.metrics = metrics.storeMetrics }
        store = try ScheduleStore(configuration: config)
        let serverMetrics = metrics?.serverMetrics ?? ServerMetrics()
        let service = SchedulerService(
            store: store, dispatch: dispatch, clock: clock, metrics: serverMetrics, isDraining: { false })
        var methods = service.methods()
        for (path, handler) in methods {
            let name = String(path.split(separator: "/").last!)
            let counts = calls
            methods[path] = MethodHandler(requiresAuthentication: handler.requiresAuthentication) { ctx, bytes in
                counts.increment(name)
                return try await handler.handle(ctx, bytes)
            }
        }
        if dequeueIgnoresReports {
            // A server older than `DequeueRequest.acknowledge`: the field is unknown, so dropped.
            let real = methods[SchedulerV1.Scheduler.Dequeue.path]!
            methods[SchedulerV1.Scheduler.Dequeue.path] = MethodHandler { ctx, bytes in
                var request = try SchedulerV1.DequeueRequest(serializedBytes: bytes)
                request.acknowledge = []
                return try await real.handle(ctx, request.serializedBytes())
            }
        }
        let path = SchedulerV1.Scheduler.Enqueue.path
        let real = methods[path]!
        let calls = enqueueCalls
        let serverBox = ServerBox()
        methods[path] = MethodHandler { ctx, bytes in
            let response = try await real.handle(ctx, bytes)
            if calls.increment() == 1 && dropConnectionAfterFirstEnqueue, let server = serverBox.server.withLock({ $0 }) {
                let closedBefore = server.closedConnectionCount
                server.disconnectAll()
                // Answer only once the connection is gone: the answer goes nowhere.
                _ = await eventually { server.closedConnectionCount > closedBefore }
            }
            return response
        }
        let rpc = try RPCServer(
            tls: .server(certificateChainFile: cert, privateKeyFile: key, alpnProtocols: []), methods: methods,
            authenticator: Authenticator(tokens: tokens), loops: 2, clock: clock, metrics: serverMetrics, logger: logger)
        serverBox.server.withLock { $0 = rpc }
        server = rpc
        try rpc.start(address: SocketAddress(host: "127.0.0.1", port: 0))
        engine = MaintenanceEngine(store: store, clock: clock, metrics: serverMetrics, logger: logger)
        metrics?.attach(store: store, server: rpc)
    }

    func client(token: String? = nil, retries: Int = 4) throws -> SchedulerClient {
        var config = SchedulerClientConfiguration(address: "\(server.localAddress!)", caFile: caFile, token: token ?? blogToken)
        config.retry.maxAttempts = retries
        config.retry.initialBackoff = .milliseconds(5)
        return try SchedulerClient(configuration: config)
    }

    func instant(_ text: String) -> Instant { try! Instant.parse(iso8601: text) }

    func shutdown() async {
        await server.drain(timeoutMilliseconds: 2000)
        store.close()
        try? FileManager.default.removeItem(at: dir)
    }
}

/// An Enqueue request for project `blog` at a local time.
func enqueueRequest(
    _ content: String, at local: String, tz: String = "UTC", platforms: [String] = ["twitter"], priority: Int32 = 5,
    project: String = "blog"
) -> V1.EnqueueRequest {
    var r = V1.EnqueueRequest(projectID: project, contentID: content, platforms: platforms)
    r.localTime = local
    r.timezone = tz
    r.priority = priority
    return r
}
