import SchedulerClient
import WireProtocol

extension Console {
    /// `GET /sign-in`: paste a token and name a project, or, when the browser presented a verified
    /// client certificate mapped by `--certificate-tokens`, sign in as that certificate. Both forms
    /// carry a value also set as a cookie (double submit), so another site cannot sign a browser in
    /// with its own token or with the browser's certificate.
    ///
    /// `message` is shown in the certificate form when `byCertificate`, else in the token form.
    func signInPage(_ request: ConsoleRequest, message: String? = nil, project: String = "", byCertificate: Bool = false) -> ConsoleResponse {
        let nonce = request.cookies[Self.signInCookie].flatMap { $0.count == 64 && $0.allSatisfy(\.isHexDigit) ? $0 : nil }
            ?? SessionStore.randomHex()
        var notice = message.map { "<p class=\"error\" role=\"alert\">\(HTML.escape($0))</p>" } ?? ""
        if message == nil, request.query["expired"] != nil {
            notice = "<p class=\"error\" role=\"alert\">The token is no longer valid: sign in again.</p>"
        }
        let certificate = certificateSignIn(request, nonce: nonce, project: project, notice: byCertificate ? notice : "")
        let body = """
            <h1>Sign in</h1>\(certificate)
            <form method="post" action="/sign-in" class="card narrow" id="sign-in">\(byCertificate ? "" : notice)
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

    /// The certificate part of the sign-in page: a form to sign in as the browser's mapped
    /// certificate, a note saying why its certificate cannot sign in, or nothing when it presented none.
    func certificateSignIn(_ request: ConsoleRequest, nonce: String, project: String, notice: String) -> String {
        switch request.clientCertificate {
        case nil:
            return ""
        case .unverified(let reason):
            return """

                <p class="card narrow hint" id="certificate-note">Your browser presented a client certificate that the \
                console's client CA does not vouch for (\(HTML.escape(reason))): sign in with a token.</p>
                """
        case .verified(let identities):
            guard let (identity, _) = configuration.certificateTokens.match(identities) else {
                let name = identities.first ?? "?"
                return """

                    <p class="card narrow hint" id="certificate-note">Your certificate (\(HTML.escape(name))) is not \
                    mapped to a token on this console: sign in with a token.</p>
                    """
            }
            return """

                <form method="post" action="/sign-in" class="card narrow" id="certificate-sign-in">\(notice)
                <input type="hidden" name="signin" value="\(nonce)">
                <input type="hidden" name="certificate" value="1">
                <label>Project <input name="project" id="certificate-project" required value="\(HTML.escape(project))" placeholder="blog"></label>
                <button type="submit">Sign in as \(HTML.escape(identity)) (your certificate)</button>
                <p class="hint">Your browser's certificate is mapped to your own token: the console acts only as that token may.</p>
                </form>
                """
        }
    }

    /// `POST /sign-in`: checks the token (pasted, or mapped from the browser's verified client
    /// certificate when the form says `certificate`) by a call to schedulerd (Stats of the project)
    /// and starts a session on success.
    func signIn(_ request: ConsoleRequest) async -> ConsoleResponse {
        let form = request.form
        guard let nonce = form["signin"], let cookie = request.cookies[Self.signInCookie],
            SessionStore.constantTimeEqual(nonce, cookie)
        else {
            return .text("the sign-in form expired: reload the page and try again\n", status: 403)
        }
        let byCertificate = form["certificate"] != nil
        let project = (form["project"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let token: String
        if byCertificate {
            // The certificate acts without anything typed: refuse a post from another origin too.
            if isCrossOrigin(request) { return .text("cross-origin request refused\n", status: 403) }
            guard case .verified(let identities) = request.clientCertificate,
                let mapped = configuration.certificateTokens.match(identities)
            else {
                return signInPage(request, message: "Your browser presented no client certificate mapped to a token: sign in with a token.", project: project)
            }
            token = mapped.token
        } else {
            token = (form["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func refused(_ message: String) -> ConsoleResponse {
            signInPage(request, message: message, project: project, byCertificate: byCertificate)
        }
        guard !token.isEmpty, !project.isEmpty else { return refused(byCertificate ? "Name a project." : "Give a token and a project.") }
        guard signInLimiter.allows(request.remoteAddress) else {
            var page = refused("Too many failed sign-ins: wait a minute and try again.")
            page.status = 429
            page.headers.append(("retry-after", "60"))
            return page
        }
        let probe = ConsoleSession(id: "", token: token, csrf: "", project: project, lastUsed: clock.now())
        do {
            _ = try await call(SchedulerV1.Scheduler.Stats.self, SchedulerV1.StatsRequest(projectID: project), probe)
        } catch {
            if error.code == .unauthenticated || error.code == .permissionDenied { signInLimiter.recordFailure(request.remoteAddress) }
            let whose = byCertificate ? "the token mapped to your certificate" : "that token"
            switch error.code {
            case .unauthenticated: return refused("schedulerd does not accept \(whose) (unknown, expired or revoked).")
            case .permissionDenied: return refused("\(byCertificate ? "The token mapped to your certificate" : "That token") may not act on project \"\(project)\".")
            default: return refused("schedulerd answered \(error.code.name): \(error.message)")
            }
        }
        let session = sessions.create(token: token, project: project)
        return ConsoleResponse.redirect("/projects/\(FormCoding.escape(project))/calendar")
            .with(cookie: sessionCookie(session.id))
            .with(cookie: "\(Self.signInCookie)=; Path=/sign-in; Max-Age=0; HttpOnly; SameSite=Strict")
    }
}
