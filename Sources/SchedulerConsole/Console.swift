import Foundation
import Logging
import SchedulerClient
import SchedulingCore
import WireProtocol

/// The web console: turns ``ConsoleRequest``s into ``ConsoleResponse``s, calling schedulerd through
/// one shared ``SchedulerClient`` with each signed-in browser's own bearer token.
///
/// Independent of the HTTP server: `scheduler-console` adapts its server's requests to this, and
/// tests call ``handle(_:)`` directly.
public final class Console: Sendable {
    /// The configuration it was made with.
    public let configuration: ConsoleConfiguration
    /// The signed-in browsers.
    public let sessions: SessionStore
    /// The cap on failed sign-ins.
    public let signInLimiter: SignInLimiter
    let client: SchedulerClient
    let clock: any WallClock
    let zones: TimeZoneDatabase
    let logger: Logger

    /// The session cookie's name.
    public static let sessionCookie = "sc_session"
    /// The cookie that ties the sign-in form to the browser that loaded it (double submit).
    public static let signInCookie = "sc_signin"

    /// A console calling schedulerd through `client`, which must carry no token of its own
    /// (each call carries the session's).
    public init(
        client: SchedulerClient, configuration: ConsoleConfiguration = ConsoleConfiguration(),
        clock: any WallClock = SystemClock(), zones: TimeZoneDatabase = .system,
        logger: Logger = Logger(label: "scheduler.console")
    ) {
        self.client = client
        self.configuration = configuration
        self.clock = clock
        self.zones = zones
        self.logger = logger
        self.sessions = SessionStore(clock: clock, idleTimeoutSeconds: configuration.sessionIdleSeconds)
        self.signInLimiter = SignInLimiter(clock: clock)
    }

    /// Answers one request. Never throws: failures become error pages (or JSON for script calls).
    /// HEAD is answered as GET without the body.
    /// Over the console's own TLS every cookie set is `Secure`.
    public func handle(_ request: ConsoleRequest) async -> ConsoleResponse {
        var response: ConsoleResponse
        if request.method == "HEAD" {
            var get = request
            get.method = "GET"
            response = await answer(get)
            response.body = []
        } else {
            response = await answer(request)
        }
        if request.isTLS { response.secureCookies() }
        return response
    }

    func answer(_ request: ConsoleRequest) async -> ConsoleResponse {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: true).map { $0.removingPercentEncoding ?? String($0) }
        switch (request.method, segments.first) {
        case ("GET", "assets") where segments.count == 2: return Assets.response(for: segments[1])
        case ("GET", "healthz") where segments.count == 1: return .text("ok\n", status: 200)
        case ("GET", "sign-in") where segments.count == 1: return signInPage(request)
        case ("POST", "sign-in") where segments.count == 1: return await signIn(request)
        default: break
        }
        guard request.method == "GET" || request.method == "POST" else {
            return .text("method not allowed\n", status: 405)
        }
        // Everything else needs a session (or dev mode's automatic sign-in).
        var newCookie: String?
        var session = request.cookies[Self.sessionCookie].flatMap { sessions.session(id: $0) }
        if session == nil, request.method == "GET", let token = configuration.autoSignInToken {
            let s = sessions.create(token: token, project: configuration.defaultProject ?? "")
            newCookie = sessionCookie(s.id)
            session = s
        }
        guard let session else {
            if request.method == "POST" || request.headers["accept"]?.contains("application/json") == true {
                return .json(#"{"ok":false,"message":"signed out: sign in again"}"#, status: 401)
            }
            return .redirect("/sign-in")
        }
        if request.method == "POST" {
            if let refusal = csrfRefusal(request, session: session) { return refusal }
        }
        var response = await route(request, segments: segments, session: session)
        if let newCookie { response.headers.append(("set-cookie", newCookie)) }
        return response
    }

    /// A state-changing request must carry the session's CSRF token (form field `csrf` or header
    /// `x-csrf-token`) and, when the browser sends an Origin, come from the console's own origin.
    func csrfRefusal(_ request: ConsoleRequest, session: ConsoleSession) -> ConsoleResponse? {
        if isCrossOrigin(request) { return .text("cross-origin request refused\n", status: 403) }
        let sent = request.headers["x-csrf-token"] ?? request.form["csrf"] ?? ""
        guard SessionStore.constantTimeEqual(sent, session.csrf) else {
            return .text("missing or wrong CSRF token: reload the page and try again\n", status: 403)
        }
        return nil
    }

    /// Whether the browser says the request comes from a page of another origin (an `Origin`
    /// whose host is not the `Host` asked for).
    func isCrossOrigin(_ request: ConsoleRequest) -> Bool {
        guard let origin = request.headers["origin"], let host = request.headers["host"] else { return false }
        let originHost = origin.split(separator: "/").dropFirst(1).first.map(String.init) ?? ""
        return originHost != host
    }

    func route(_ request: ConsoleRequest, segments: [String], session: ConsoleSession) async -> ConsoleResponse {
        switch (request.method, segments.count) {
        case ("GET", 0): return home(request, session: session)
        case ("POST", 1) where segments[0] == "sign-out":
            sessions.remove(id: session.id)
            return ConsoleResponse.redirect("/sign-in").with(cookie: expiredCookie(Self.sessionCookie))
        default: break
        }
        guard segments.count >= 3, segments[0] == "projects" else { return notFound(session) }
        let project = segments[1]
        do {
            switch (request.method, Array(segments[2...])) {
            case ("GET", ["calendar"]): return try await calendarPage(request, project: project, session: session)
            case ("GET", ["queue"]): return try await queuePage(request, project: project, session: session)
            case ("GET", ["schedules"]): return try await schedulesPage(request, project: project, session: session)
            case ("GET", ["schedules", "new"]): return newSchedulePage(request, project: project, session: session)
            case ("POST", ["schedules"]): return await createSchedule(request, project: project, session: session)
            case ("POST", ["schedules", "bulk"]): return try await bulk(request, project: project, session: session)
            case ("POST", ["validate"]): return await validate(request, project: project, session: session)
            case ("GET", ["conflicts"]): return try await conflictsPage(request, project: project, session: session)
            case ("POST", let rest) where rest.count == 3 && rest[0] == "conflicts" && rest[2] == "resolve":
                return try await resolveConflict(request, project: project, id: rest[1], session: session)
            case ("GET", let rest) where rest.count == 3 && rest[0] == "schedules" && rest[2] == "edit":
                return try await editSchedulePage(request, project: project, id: rest[1], session: session)
            case ("POST", let rest) where rest.count == 3 && rest[0] == "schedules" && rest[2] == "edit":
                return await updateSchedule(request, project: project, id: rest[1], session: session)
            case ("GET", let rest) where rest.count == 2 && rest[0] == "schedules":
                return try await schedulePage(request, project: project, id: rest[1], session: session)
            case ("POST", let rest) where rest.count == 3 && rest[0] == "schedules" && rest[2] == "move":
                return await move(request, project: project, id: rest[1], session: session)
            case ("POST", let rest) where rest.count == 3 && rest[0] == "schedules" && rest[2] == "publish-now":
                return try await publishNow(request, project: project, id: rest[1], session: session)
            case ("POST", let rest) where rest.count == 3 && rest[0] == "schedules" && rest[2] == "confirm-outcome":
                return try await confirmOutcome(request, project: project, id: rest[1], session: session)
            default: return notFound(session)
            }
        } catch {
            return errorPage(error, project: project, session: session)
        }
    }

    // MARK: Calls with the session's token

    /// Calls `M` as the session's principal: its bearer token rides on this call only.
    func call<M: RPCMethod>(_ method: M.Type, _ request: M.Request, _ session: ConsoleSession) async throws(SchedulerError) -> M.Response {
        try await client.call(method, request, metadata: [MetadataEntry(key: MetadataKey.authorization, value: "Bearer \(session.token)")])
    }

    // MARK: Cookies

    func sessionCookie(_ id: String) -> String {
        "\(Self.sessionCookie)=\(id); Path=/; HttpOnly; SameSite=Strict\(configuration.secureCookies ? "; Secure" : "")"
    }

    func expiredCookie(_ name: String) -> String {
        "\(name)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict\(configuration.secureCookies ? "; Secure" : "")"
    }

    // MARK: Pages that need no call

    func home(_ request: ConsoleRequest, session: ConsoleSession) -> ConsoleResponse {
        if let p = request.query["project"], !p.isEmpty { return .redirect("/projects/\(FormCoding.escape(p))/calendar") }
        let project = session.project.isEmpty ? configuration.defaultProject : session.project
        if let project, !project.isEmpty { return .redirect("/projects/\(FormCoding.escape(project))/calendar") }
        let body = """
            <h1>Open a project</h1>
            <form method="get" action="/" class="card narrow"><label>Project <input name="project" required autofocus placeholder="blog"></label>
            <button type="submit">Open</button></form>
            """
        return .html(HTML.page(title: "Projects", project: nil, csrf: session.csrf, body: body))
    }

    func notFound(_ session: ConsoleSession?) -> ConsoleResponse {
        .html(HTML.page(title: "Not found", project: nil, csrf: session?.csrf, body: "<h1>Not found</h1><p><a href=\"/\">Home</a></p>"), status: 404)
    }

    /// An error from a call, as a page: a revoked token signs the browser out.
    func errorPage(_ error: any Error, project: String, session: ConsoleSession) -> ConsoleResponse {
        guard let e = error as? SchedulerError else {
            return .html(HTML.page(title: "Error", project: project, csrf: session.csrf, body: "<h1>Error</h1><p>\(HTML.escape("\(error)"))</p>"), status: 500)
        }
        let status: Int
        switch e.code {
        case .unauthenticated:
            sessions.remove(id: session.id)
            return ConsoleResponse.redirect("/sign-in?expired=1").with(cookie: expiredCookie(Self.sessionCookie))
        case .permissionDenied: status = 403
        case .notFound: status = 404
        case .invalidArgument: status = 400
        default:
            status = 502
            // schedulerd unreachable or failing: worth an operator's look (never the token).
            logger.warning("schedulerd call failed", metadata: ["rpc.code": "\(e.code.name)", "rpc.cause": "\(e.cause)", "console.project": "\(project)"])
        }
        let body = "<h1>\(HTML.escape(e.code.name))</h1><p class=\"error\">\(HTML.escape(e.message))</p><p><a href=\"/\">Home</a></p>"
        return .html(HTML.page(title: e.code.name, project: project, csrf: session.csrf, body: body), status: status)
    }
}

extension ConsoleResponse {
    /// Marks every cookie this response sets `Secure` (those that are not already).
    mutating func secureCookies() {
        for i in headers.indices where headers[i].name == "set-cookie" && !headers[i].value.hasSuffix("; Secure") {
            headers[i].value += "; Secure"
        }
    }

    /// This response with a `set-cookie` header added.
    func with(cookie: String) -> ConsoleResponse {
        var r = self
        r.headers.append(("set-cookie", cookie))
        return r
    }
}
