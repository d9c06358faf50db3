import SchedulerClient
import WireProtocol

extension Console {
    /// `GET /sign-in`: paste a token and name a project. The form carries a value also set as a
    /// cookie (double submit), so another site cannot sign a browser in with its own token.
    func signInPage(_ request: ConsoleRequest, message: String? = nil, project: String = "") -> ConsoleResponse {
        let nonce = request.cookies[Self.signInCookie].flatMap { $0.count == 64 && $0.allSatisfy(\.isHexDigit) ? $0 : nil }
            ?? SessionStore.randomHex()
        var notice = message.map { "<p class=\"error\" role=\"alert\">\(HTML.escape($0))</p>" } ?? ""
        if message == nil, request.query["expired"] != nil {
            notice = "<p class=\"error\" role=\"alert\">The token is no longer valid: sign in again.</p>"
        }
        let body = """
            <h1>Sign in</h1>
            <form method="post" action="/sign-in" class="card narrow" id="sign-in">\(notice)
            <input type="hidden" name="signin" value="\(nonce)">
            <label>Bearer token <input type="password" name="token" id="token" required autocomplete="off" placeholder="st_…"></label>
            <label>Project <input name="project" id="project" required value="\(HTML.escape(project))" placeholder="blog"></label>
            <button type="submit">Sign in</button>
            <p class="hint">The console checks the token with schedulerd and then acts only as that token may.
            It keeps the token on the server side; your browser holds only a session cookie.</p>
            </form>
            """
        let cookie = "\(Self.signInCookie)=\(nonce); Path=/sign-in; Max-Age=3600; HttpOnly; SameSite=Strict\(configuration.secureCookies ? "; Secure" : "")"
        return ConsoleResponse.html(HTML.page(title: "Sign in", project: nil, csrf: nil, body: body), status: message == nil ? 200 : 401)
            .with(cookie: cookie)
    }

    /// `POST /sign-in`: checks the token by a call to schedulerd (Stats of the project) and starts a
    /// session on success.
    func signIn(_ request: ConsoleRequest) async -> ConsoleResponse {
        let form = request.form
        guard let nonce = form["signin"], let cookie = request.cookies[Self.signInCookie],
            SessionStore.constantTimeEqual(nonce, cookie)
        else {
            return .text("the sign-in form expired: reload the page and try again\n", status: 403)
        }
        let token = (form["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let project = (form["project"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty, !project.isEmpty else { return signInPage(request, message: "Give a token and a project.", project: project) }
        guard signInLimiter.allows(request.remoteAddress) else {
            var page = signInPage(request, message: "Too many failed sign-ins: wait a minute and try again.", project: project)
            page.status = 429
            page.headers.append(("retry-after", "60"))
            return page
        }
        let probe = ConsoleSession(id: "", token: token, csrf: "", project: project, lastUsed: clock.now())
        do {
            _ = try await call(SchedulerV1.Scheduler.Stats.self, SchedulerV1.StatsRequest(projectID: project), probe)
        } catch {
            if error.code == .unauthenticated || error.code == .permissionDenied { signInLimiter.recordFailure(request.remoteAddress) }
            switch error.code {
            case .unauthenticated: return signInPage(request, message: "schedulerd does not accept that token (unknown, expired or revoked).", project: project)
            case .permissionDenied: return signInPage(request, message: "That token may not act on project \"\(project)\".", project: project)
            default: return signInPage(request, message: "schedulerd answered \(error.code.name): \(error.message)", project: project)
            }
        }
        let session = sessions.create(token: token, project: project)
        return ConsoleResponse.redirect("/projects/\(FormCoding.escape(project))/calendar")
            .with(cookie: sessionCookie(session.id))
            .with(cookie: "\(Self.signInCookie)=; Path=/sign-in; Max-Age=0; HttpOnly; SameSite=Strict")
    }
}
