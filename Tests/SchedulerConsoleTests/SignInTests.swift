import Foundation
import SchedulerConsole
import Testing

@Suite("Sign-in, sessions and CSRF")
struct SignInTests {
    @Test func signInWithAGoodTokenSetsAStrictHttpOnlySessionCookie() async throws {
        let h = try ConsoleHarness()
        let form = await h.console.handle(ConsoleRequest(method: "GET", path: "/sign-in"))
        #expect(form.status == 200)
        #expect(form.text.contains("name=\"token\""))
        let nonce = try #require(cookieValue(form, Console.signInCookie))
        let body = "signin=\(nonce)&token=\(h.blogToken)&project=blog"
        let r = await h.console.handle(h.post("/sign-in", body: body, cookie: "\(Console.signInCookie)=\(nonce)"))
        #expect(r.status == 303)
        #expect(r.header("location") == "/projects/blog/calendar")
        let cookie = try #require(setCookie(r, Console.sessionCookie))
        #expect(cookie.contains("HttpOnly"))
        #expect(cookie.contains("SameSite=Strict"))
        #expect(!cookie.contains("Secure"))
        #expect(h.console.sessions.count == 1)
        await h.shutdown()
    }

    @Test func secureCookiesWhenConfigured() async throws {
        let h = try ConsoleHarness { $0.secureCookies = true }
        let (_, _) = try await h.signIn()
        let form = await h.console.handle(ConsoleRequest(method: "GET", path: "/sign-in"))
        #expect(setCookie(form, Console.signInCookie)?.contains("; Secure") == true)
        let nonce = try #require(cookieValue(form, Console.signInCookie))
        let r = await h.console.handle(h.post("/sign-in", body: "signin=\(nonce)&token=\(h.blogToken)&project=blog", cookie: "\(Console.signInCookie)=\(nonce)"))
        #expect(setCookie(r, Console.sessionCookie)?.contains("; Secure") == true)
        await h.shutdown()
    }

    @Test func aBadTokenOrAProjectTheTokenMayNotUseIsRefusedWithTheReason() async throws {
        let h = try ConsoleHarness()
        let form = await h.console.handle(ConsoleRequest(method: "GET", path: "/sign-in"))
        let nonce = try #require(cookieValue(form, Console.signInCookie))
        let cookie = "\(Console.signInCookie)=\(nonce)"
        let bad = await h.console.handle(h.post("/sign-in", body: "signin=\(nonce)&token=st_nope&project=blog", cookie: cookie))
        #expect(bad.status == 401)
        #expect(bad.text.contains("does not accept that token"))
        #expect(!bad.text.contains("st_nope"))  // the token is never echoed
        let other = await h.console.handle(h.post("/sign-in", body: "signin=\(nonce)&token=\(h.blogToken)&project=news", cookie: cookie))
        #expect(other.status == 401)
        #expect(other.text.contains("may not act on project &quot;news&quot;"))
        #expect(h.console.sessions.count == 0)
        await h.shutdown()
    }

    @Test func certificateSignInNeedsAMappedVerifiedCertificateAndTheConsolesOwnOrigin() async throws {
        let h = try ConsoleHarness { $0.certificateTokens = CertificateTokens(["CN=alice": "st_unused"]) }
        let form = await h.console.handle(ConsoleRequest(method: "GET", path: "/sign-in"))
        let nonce = try #require(cookieValue(form, Console.signInCookie))
        #expect(!form.text.contains("certificate-sign-in"))  // no certificate presented: nothing said about one
        func post(_ certificate: ClientCertificate?, origin: String = "https://console.example:7480") async -> ConsoleResponse {
            var r = h.post(
                "/sign-in", body: "signin=\(nonce)&certificate=1&project=blog", cookie: "\(Console.signInCookie)=\(nonce)",
                headers: ["Origin": origin, "Host": "console.example:7480"])
            r.isTLS = true
            r.clientCertificate = certificate
            return await h.console.handle(r)
        }
        let none = await post(nil)
        #expect(none.status == 401)
        #expect(none.text.contains("no client certificate mapped to a token"))
        let unmapped = await post(.verified(identities: ["spiffe://x/bob", "CN=bob"]))
        #expect(unmapped.status == 401)
        let unverified = await post(.unverified(reason: "certificate has expired"))
        #expect(unverified.status == 401)
        let crossSite = await post(.verified(identities: ["CN=alice"]), origin: "https://evil.example")
        #expect(crossSite.status == 403)
        // Mapped and verified: the mapped token is tried (schedulerd refuses this one), never shown.
        let mapped = await post(.verified(identities: ["spiffe://x/alice", "CN=alice"]))
        #expect(mapped.status == 401)
        #expect(mapped.text.contains("does not accept the token mapped to your certificate"))
        #expect(!mapped.text.contains("st_unused"))
        #expect(setCookie(mapped, Console.signInCookie)?.hasSuffix("; Secure") == true)  // over TLS
        #expect(h.console.sessions.count == 0)
        await h.shutdown()
    }

    @Test func signInWithoutTheFormsOwnCookieIsRefused() async throws {
        let h = try ConsoleHarness()
        // Another site posting a sign-in form: it cannot set or read the console's cookie.
        let r = await h.console.handle(h.post("/sign-in", body: "signin=\(String(repeating: "a", count: 64))&token=\(h.blogToken)&project=blog"))
        #expect(r.status == 403)
        #expect(h.console.sessions.count == 0)
        await h.shutdown()
    }

    @Test func pagesNeedASessionAndPostsNeedItsCSRFToken() async throws {
        let h = try ConsoleHarness()
        let anonymous = await h.get("/projects/blog/calendar")
        #expect(anonymous.status == 303)
        #expect(anonymous.header("location") == "/sign-in")
        let anonymousPost = await h.console.handle(h.post("/projects/blog/schedules/x/move", body: "from=2026-03-01&to=2026-03-02"))
        #expect(anonymousPost.status == 401)

        let (session, csrf) = try await h.signIn()
        let page = await h.get("/projects/blog/calendar?month=2026-03", cookie: session)
        #expect(page.status == 200)
        let noToken = await h.console.handle(h.post("/projects/blog/schedules/x/move", body: "from=2026-03-01&to=2026-03-02", session: session))
        #expect(noToken.status == 403)
        let wrongToken = await h.console.handle(
            h.post("/projects/blog/schedules/x/move", body: "from=2026-03-01&to=2026-03-02", session: session, headers: ["X-CSRF-Token": String(csrf.reversed())]))
        #expect(wrongToken.status == 403)
        let crossOrigin = await h.console.handle(
            h.post("/projects/blog/schedules/x/move", body: "from=2026-03-01&to=2026-03-02", session: session,
                headers: ["X-CSRF-Token": csrf, "Origin": "http://evil.example", "Host": "127.0.0.1:7480"]))
        #expect(crossOrigin.status == 403)
        let good = await h.console.handle(
            h.post("/projects/blog/schedules/x/move", body: "csrf=\(csrf)&from=2026-03-01&to=2026-03-02", session: session,
                headers: ["Origin": "http://127.0.0.1:7480", "Host": "127.0.0.1:7480"]))
        #expect(good.status == 404)  // past the CSRF check: schedule x does not exist

        let signOut = await h.console.handle(h.post("/sign-out", body: "csrf=\(csrf)", session: session))
        #expect(signOut.status == 303)
        #expect(setCookie(signOut, Console.sessionCookie)?.contains("Max-Age=0") == true)
        #expect(await h.get("/projects/blog/calendar", cookie: session).status == 303)
        await h.shutdown()
    }

    @Test func sessionsEndAfterTheIdleTimeout() async throws {
        let h = try ConsoleHarness { $0.sessionIdleSeconds = 600 }
        let (session, _) = try await h.signIn()
        h.clock.advance(seconds: 599)
        #expect(await h.get("/projects/blog/calendar", cookie: session).status == 200)
        h.clock.advance(seconds: 600)
        #expect(await h.get("/projects/blog/calendar", cookie: session).status == 303)
        await h.shutdown()
    }

    @Test func devModeSignsInAutomaticallyWithTheConfiguredToken() async throws {
        let h = try ConsoleHarness { $0.autoSignInToken = nil }
        #expect(await h.get("/").status == 303)
        await h.shutdown()
        let dev = try ConsoleHarness()
        let auto = Console(client: dev.client, configuration: { var c = ConsoleConfiguration(); c.autoSignInToken = dev.adminToken; c.defaultProject = "news"; return c }(), clock: dev.clock)
        let r = await auto.handle(ConsoleRequest(method: "GET", path: "/"))
        #expect(r.status == 303)
        #expect(r.header("location") == "/projects/news/calendar")
        #expect(setCookie(r, Console.sessionCookie)?.contains("HttpOnly") == true)
        await dev.shutdown()
    }

    @Test func theSessionActsOnlyAsItsTokenMay() async throws {
        let h = try ConsoleHarness()
        let (session, _) = try await h.signIn()  // the blog token
        let news = await h.get("/projects/news/calendar?month=2026-03", cookie: session)
        #expect(news.status == 403)
        #expect(news.text.contains("PERMISSION_DENIED"))
        let queue = await h.get("/projects/news/queue", cookie: session)
        #expect(queue.status == 403)
        await h.shutdown()
    }

    @Test func assetsAreServedFromTheBinaryWithAStrictPolicy() async throws {
        let h = try ConsoleHarness()
        let js = await h.get("/assets/console.js")
        #expect(js.status == 200)
        #expect(js.header("content-type")?.hasPrefix("text/javascript") == true)
        let css = await h.get("/assets/console.css")
        #expect(css.status == 200)
        #expect(css.header("content-security-policy")?.contains("default-src 'self'") == true)
        #expect(await h.get("/assets/other.js").status == 404)
        await h.shutdown()
    }

    @Test func headIsAnsweredAsGetWithoutABody() async throws {
        let h = try ConsoleHarness()
        let head = await h.console.handle(ConsoleRequest(method: "HEAD", path: "/sign-in"))
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.header("content-type")?.hasPrefix("text/html") == true)
        #expect(await h.console.handle(ConsoleRequest(method: "DELETE", path: "/projects/blog/queue")).status == 405)
        await h.shutdown()
    }

    @Test func anUnreachableServerIsA502PageNotACrash() async throws {
        let h = try ConsoleHarness()
        let (session, _) = try await h.signIn()
        await h.server.drain(timeoutMilliseconds: 500)
        let r = await h.get("/projects/blog/queue", cookie: session)
        #expect(r.status == 502)
        #expect(r.text.contains("UNAVAILABLE") || r.text.contains("DEADLINE_EXCEEDED"))
        await h.shutdown()
    }

    @Test func failedSignInsAreCappedPerAddressPerMinute() async throws {
        let h = try ConsoleHarness()
        let form = await h.console.handle(ConsoleRequest(method: "GET", path: "/sign-in"))
        let nonce = try #require(cookieValue(form, Console.signInCookie))
        func attempt(_ token: String, from address: String) async -> ConsoleResponse {
            var r = h.post("/sign-in", body: "signin=\(nonce)&token=\(token)&project=blog", cookie: "\(Console.signInCookie)=\(nonce)")
            r.remoteAddress = address
            return await h.console.handle(r)
        }
        for _ in 0..<10 { #expect(await attempt("st_guess", from: "127.0.0.2").status == 401) }
        let capped = await attempt(h.blogToken, from: "127.0.0.2")
        #expect(capped.status == 429)  // even a good token waits: no call is made
        #expect(capped.header("retry-after") == "60")
        #expect(await attempt(h.blogToken, from: "127.0.0.3").status == 303)  // another address
        h.clock.advance(seconds: 60)
        #expect(await attempt(h.blogToken, from: "127.0.0.2").status == 303)
        await h.shutdown()
    }
}
