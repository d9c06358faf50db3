import Testing
import Foundation
import Logging
import ScheduleStore
import SchedulerClient
import SchedulerConsole
import SchedulerServer
import SchedulingCore
import TLS
import TestSupport
import Transport
import WireProtocol

typealias V1 = SchedulerV1

/// A real schedulerd in process (TLS on an ephemeral loopback port, a SQLite store in a temp
/// directory, a manual clock) and a ``Console`` talking to it through a `SchedulerClient` without
/// a token of its own. Stops by itself in `shutdown()`.
final class ConsoleHarness: @unchecked Sendable {
    // Every stored property is set once in init and only read afterwards.
    let dir: URL
    let clock: ManualClock
    let store: ScheduleStore
    let server: RPCServer
    /// The background engine (lease reaper, metrics rollup), run by hand with `runOnce`.
    let engine: MaintenanceEngine
    let caFile: String
    let adminToken: String
    let blogToken: String
    let client: SchedulerClient
    let console: Console

    init(now: String = "2026-03-01T12:00:00Z", configure: (inout ConsoleConfiguration) -> Void = { _ in }) throws {
        let pki = try TestPKI(name: "console")
        dir = pki.dir
        clock = ManualClock(try Instant.parse(iso8601: now))
        caFile = pki.caFile
        let tokens = TokenStore(path: dir.appendingPathComponent("tokens.json").path, clock: clock)
        adminToken = try tokens.create(projects: [], admin: true).token
        blogToken = try tokens.create(projects: ["blog"], admin: false).token
        var config = StoreConfiguration(path: dir.appendingPathComponent("scheduler.db").path)
        config.clock = clock
        config.retryJitter = 0
        var logger = Logger(label: "console-tests")
        logger.logLevel = .critical
        store = try ScheduleStore(configuration: config)
        let service = SchedulerService(store: store, dispatch: DispatchLimits(), clock: clock, metrics: ServerMetrics(), isDraining: { false })
        server = try RPCServer(
            tls: .server(certificateChainFile: pki.serverCert, privateKeyFile: pki.serverKey, alpnProtocols: []),
            methods: service.methods(), authenticator: Authenticator(tokens: tokens), loops: 1, clock: clock,
            metrics: ServerMetrics(), logger: logger)
        try server.start(address: SocketAddress(host: "127.0.0.1", port: 0))
        engine = MaintenanceEngine(store: store, clock: clock, metrics: ServerMetrics(), logger: logger)
        var clientConfig = SchedulerClientConfiguration(address: "\(server.localAddress!)", caFile: caFile)
        clientConfig.retry.initialBackoff = .milliseconds(5)
        client = try SchedulerClient(configuration: clientConfig)
        var consoleConfig = ConsoleConfiguration()
        configure(&consoleConfig)
        console = Console(client: client, configuration: consoleConfig, clock: clock, logger: logger)
    }

    /// A client calling as `token` (default: the blog token), to arrange and check state.
    func directClient(token: String? = nil) throws -> SchedulerClient {
        var config = SchedulerClientConfiguration(address: "\(server.localAddress!)", caFile: caFile, token: token ?? blogToken)
        config.retry.initialBackoff = .milliseconds(5)
        return try SchedulerClient(configuration: config)
    }

    func shutdown() async {
        await client.close()
        await server.drain(timeoutMilliseconds: 2000)
        store.close()
        try? FileManager.default.removeItem(at: dir)
    }

    /// Signs in through the form as `token` on `project`; returns the session cookie's value and
    /// the CSRF token from the page.
    func signIn(token: String? = nil, project: String = "blog") async throws -> (cookie: String, csrf: String) {
        let form = await console.handle(ConsoleRequest(method: "GET", path: "/sign-in"))
        let nonce = try #require(cookieValue(form, Console.signInCookie))
        let body = "signin=\(nonce)&token=\(FormCoding.escape(token ?? blogToken))&project=\(FormCoding.escape(project))"
        let r = await console.handle(post("/sign-in", body: body, cookie: "\(Console.signInCookie)=\(nonce)"))
        guard r.status == 303, let session = cookieValue(r, Console.sessionCookie) else {
            throw HarnessError(message: "sign-in answered \(r.status): \(String(decoding: r.body, as: UTF8.self))")
        }
        let page = await get("/projects/\(project)/calendar", cookie: session)
        return (session, try #require(csrfToken(page)))
    }

    func get(_ pathAndQuery: String, cookie: String? = nil) async -> ConsoleResponse {
        let parts = pathAndQuery.split(separator: "?", maxSplits: 1)
        let query = parts.count > 1 ? FormCoding.decode(String(parts[1])) : [:]
        var headers: [String: String] = [:]
        if let cookie { headers["Cookie"] = "\(Console.sessionCookie)=\(cookie)" }
        return await console.handle(ConsoleRequest(method: "GET", path: String(parts[0]), query: query, headers: headers))
    }

    func post(_ path: String, body: String, cookie: String? = nil, session: String? = nil, headers extra: [String: String] = [:]) -> ConsoleRequest {
        var headers = ["Content-Type": "application/x-www-form-urlencoded"].merging(extra) { $1 }
        if let session { headers["Cookie"] = "\(Console.sessionCookie)=\(session)" }
        if let cookie { headers["Cookie"] = cookie }
        return ConsoleRequest(method: "POST", path: path, headers: headers, body: Array(body.utf8))
    }

    func instant(_ text: String) -> Instant { try! Instant.parse(iso8601: text) }
}

struct HarnessError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// The value a response sets for cookie `name`, if any.
func cookieValue(_ r: ConsoleResponse, _ name: String) -> String? {
    for (n, v) in r.headers where n == "set-cookie" && v.hasPrefix(name + "=") {
        let value = v.dropFirst(name.count + 1).prefix { $0 != ";" }
        return value.isEmpty ? nil : String(value)
    }
    return nil
}

/// The `set-cookie` header for `name`.
func setCookie(_ r: ConsoleResponse, _ name: String) -> String? {
    r.headers.first { $0.name == "set-cookie" && $0.value.hasPrefix(name + "=") }?.value
}

/// The CSRF token a page carries in its `<meta name="csrf-token">`.
func csrfToken(_ r: ConsoleResponse) -> String? {
    let html = String(decoding: r.body, as: UTF8.self)
    guard let range = html.range(of: "<meta name=\"csrf-token\" content=\"") else { return nil }
    return String(html[range.upperBound...].prefix { $0 != "\"" })
}

extension ConsoleResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// An Enqueue request for project `blog` at a local time.
func enqueueRequest(_ content: String, at local: String, tz: String = "UTC", platforms: [String] = ["twitter"], project: String = "blog") -> V1.EnqueueRequest {
    var r = V1.EnqueueRequest(projectID: project, contentID: content, platforms: platforms)
    r.localTime = local
    r.timezone = tz
    r.priority = 5
    return r
}
