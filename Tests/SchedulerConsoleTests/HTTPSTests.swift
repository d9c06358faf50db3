import Foundation
import Logging
import SchedulerCommandLine
import SchedulerConsole
import TLS
import TestSupport
import Testing

/// One HTTP response read off the wire.
struct WireResponse {
    var status: Int
    /// Header fields in order, names lower-cased.
    var headers: [(name: String, value: String)]
    var body: String

    /// Parses `HTTP/1.1 200 OK\r\n…\r\n\r\nbody`; nil when it is not an HTTP response.
    init?(_ text: String) {
        guard text.hasPrefix("HTTP/1."), let split = text.range(of: "\r\n\r\n") else { return nil }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        self.status = status
        headers = lines.dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        body = String(text[split.upperBound...])
    }

    /// The `set-cookie` header for cookie `name`.
    func setCookie(_ name: String) -> String? {
        headers.first { $0.name == "set-cookie" && $0.value.hasPrefix(name + "=") }?.value
    }

    /// The value set for cookie `name`.
    func cookie(_ name: String) -> String? {
        setCookie(name).map { String($0.dropFirst(name.count + 1).prefix { $0 != ";" }) }.flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// The console served over its own TLS on an ephemeral loopback port, with client certificates
/// asked for and verified against a throwaway CA, and `alice`'s certificate mapped to the blog
/// token through a `--certificate-tokens` file; browsers played by our TLS client.
final class HTTPSConsole: @unchecked Sendable {
    // Every stored property is set once in init and only read afterwards.
    let h: ConsoleHarness
    /// The console's HTTPS CA, server certificate and alice's client certificate.
    let web: TestPKI
    let server: ConsoleHTTPServer
    static let alice = "spiffe://example.org/people/alice"
    static let bob = "spiffe://example.org/people/bob"

    init() async throws {
        h = try ConsoleHarness()
        web = try TestPKI(name: "console-https", clientURI: Self.alice)
        let tokenFile = try web.write("alice.token", h.blogToken + "\n")
        let map = try web.write("certificate-tokens.json", #"{"\#(Self.alice)": "alice.token"}"#)
        for file in [tokenFile, map] { chmod(file, 0o600) }
        let resolved = try #require(
            try ConsoleTLSOptions.parse([
                "--tls-cert", web.serverCert, "--tls-key", web.serverKey, "--client-ca", web.caFile, "--certificate-tokens", map,
            ]).resolve(environment: [:]))
        var config = ConsoleConfiguration()
        config.certificateTokens = CertificateTokens(resolved.certificateTokens)
        let logger = Logger(label: "console-https-test", factory: { _ in SwiftLogNoOpLogHandler() })
        let console = Console(client: h.client, configuration: config, clock: h.clock, logger: logger)
        server = try ConsoleHTTPServer(
            console: console, host: "127.0.0.1", port: 0,
            tls: ConsoleTLSConfiguration(
                certificateChainFile: resolved.certificateFile, privateKeyFile: resolved.keyFile, clientCAFile: resolved.clientCAFile),
            logger: logger)
    }

    /// A browser: trusts the console's CA, optionally with a client certificate.
    func browser(certificate: String? = nil, key: String? = nil) throws -> TLSContext {
        var config = TLSConfiguration.client(
            trustRootsFile: web.caFile, serverName: "127.0.0.1", certificateChainFile: certificate, privateKeyFile: key,
            alpnProtocols: ["http/1.1"])
        config.requireALPN = false
        return try TLSContext(configuration: config)
    }

    /// One request over TLS to `port` as `browser`; the response, or nil with the exchange's error.
    func request(
        _ port: Int, _ browser: TLSContext, _ method: String, _ path: String, cookie: String? = nil, form: String? = nil
    ) async throws -> WireResponse {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let cookie { head += "Cookie: \(cookie)\r\n" }
        if let form {
            head += "Origin: https://127.0.0.1:\(port)\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: \(form.utf8.count)\r\n"
        }
        let bytes = Array((head + "\r\n" + (form ?? "")).utf8)
        let result = try await ProcessGate.offPool { tlsExchange(port: port, context: browser, request: bytes) }
        guard let response = WireResponse(result.text) else {
            throw HarnessError(message: "no HTTP response over TLS: \(result.error ?? "?") \(result.text.prefix(200))")
        }
        return response
    }

    /// Signs in through the sign-in page as `browser`: with its certificate when `form` has
    /// `certificate=1`, else with the token it holds. Returns the sign-in answer.
    func signIn(_ port: Int, _ browser: TLSContext, form: String) async throws -> WireResponse {
        let page = try await request(port, browser, "GET", "/sign-in")
        let nonce = try #require(page.cookie(Console.signInCookie))
        return try await request(port, browser, "POST", "/sign-in", cookie: "\(Console.signInCookie)=\(nonce)", form: "signin=\(nonce)&" + form)
    }

    func shutdown() async {
        await h.shutdown()
        web.cleanup()
    }
}

@Suite("The console over its own HTTPS")
struct HTTPSTests {
    @Test func signInByTokenAndByClientCertificateOverTLS() async throws {
        let s = try await HTTPSConsole()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await s.server.run() }
            let address = try await s.server.waitUntilListening()
            let port = try #require(Int(address.split(separator: ":").last ?? ""))

            // No certificate: the token form only, and every cookie Secure.
            let anonymous = try s.browser()
            let page = try await s.request(port, anonymous, "GET", "/sign-in")
            #expect(page.status == 200)
            #expect(page.body.contains("name=\"token\""))
            #expect(!page.body.contains("certificate-sign-in"))
            #expect(page.setCookie(Console.signInCookie)?.hasSuffix("; Secure") == true)
            let byToken = try await s.signIn(port, anonymous, form: "token=\(s.h.blogToken)&project=blog")
            #expect(byToken.status == 303)
            let sessionCookie = try #require(byToken.setCookie(Console.sessionCookie))
            #expect(sessionCookie.contains("; HttpOnly"))
            #expect(sessionCookie.contains("; SameSite=Strict"))
            #expect(sessionCookie.contains("; Secure"))

            // Alice's certificate is mapped to her (the blog) token: she signs in with it and sees only blog.
            let alice = try s.browser(certificate: s.web.clientCert, key: s.web.clientKey)
            let offered = try await s.request(port, alice, "GET", "/sign-in")
            #expect(offered.body.contains("Sign in as \(HTTPSConsole.alice) (your certificate)"))
            #expect(offered.body.contains("name=\"token\""))  // the token form stays
            let wrongProject = try await s.signIn(port, alice, form: "certificate=1&project=news")
            #expect(wrongProject.status == 401)
            #expect(wrongProject.body.contains("The token mapped to your certificate may not act on project &quot;news&quot;"))
            let byCertificate = try await s.signIn(port, alice, form: "certificate=1&project=blog")
            #expect(byCertificate.status == 303)
            #expect(byCertificate.headers.first { $0.name == "location" }?.value == "/projects/blog/calendar")
            let aliceSession = try #require(byCertificate.cookie(Console.sessionCookie))
            #expect(byCertificate.setCookie(Console.sessionCookie)?.contains("; Secure") == true)
            let cookie = "\(Console.sessionCookie)=\(aliceSession)"
            let blog = try await s.request(port, alice, "GET", "/projects/blog/calendar?month=2026-03", cookie: cookie)
            #expect(blog.status == 200)
            let news = try await s.request(port, alice, "GET", "/projects/news/calendar?month=2026-03", cookie: cookie)
            #expect(news.status == 403)

            // Bob's certificate verifies but is not mapped: the token form, with why.
            let bobCert = try s.web.ca.issue(commonName: "bob", usage: .client, uris: [HTTPSConsole.bob])
            let bob = try s.browser(
                certificate: s.web.write("bob.pem", bobCert.certificatePEM), key: s.web.write("bob.key", bobCert.privateKeyPEM))
            let bobPage = try await s.request(port, bob, "GET", "/sign-in")
            #expect(bobPage.body.contains("Your certificate (\(HTTPSConsole.bob)) is not mapped to a token"))
            #expect(!bobPage.body.contains("certificate-sign-in"))
            let bobTries = try await s.signIn(port, bob, form: "certificate=1&project=blog")
            #expect(bobTries.status == 401)
            #expect(bobTries.cookie(Console.sessionCookie) == nil)

            // Alice's name on a certificate from another CA: it does not verify, so no sign-in by it.
            let forged = try CertificateAuthority.create(commonName: "Other CA").issue(
                commonName: "alice", usage: .client, uris: [HTTPSConsole.alice])
            let mallory = try s.browser(
                certificate: s.web.write("forged.pem", forged.certificatePEM), key: s.web.write("forged.key", forged.privateKeyPEM))
            let malloryPage = try await s.request(port, mallory, "GET", "/sign-in")
            #expect(malloryPage.status == 200)
            #expect(malloryPage.body.contains("does not vouch for (unable to verify the first certificate)"))
            #expect(!malloryPage.body.contains("certificate-sign-in"))
            let malloryTries = try await s.signIn(port, mallory, form: "certificate=1&project=blog")
            #expect(malloryTries.status == 401)

            // Plain HTTP to the TLS port gets no HTTP answer.
            let plain = try await HTTPServerTests.exchange(
                port: port, request: "GET /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            #expect(!plain.hasPrefix("HTTP/"))

            // The private port serves only the terminator's connections.
            let backend = try #require(s.server.backendAddress)
            let backendPort = try #require(Int(backend.split(separator: ":").last ?? ""))
            #expect(backendPort != port)
            let direct = try await HTTPServerTests.exchange(
                port: backendPort, request: "GET /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            #expect(direct.hasPrefix("HTTP/1.1 421"))
            #expect(!direct.contains("name=\"token\""))

            await s.server.stop(timeout: 0)
            group.cancelAll()
        }
        await s.shutdown()
    }

    @Test func startupRefusesTokenFilesOthersCanRead() throws {
        let dir = try TestPKI(name: "console-token-files")
        defer { dir.cleanup() }
        let token = try dir.write("alice.token", "st_secret_value\n")
        let map = try dir.write("map.json", #"{"spiffe://example.org/people/alice": "alice.token"}"#)
        chmod(map, 0o600)
        func resolve() throws -> ConsoleTLSOptions.Resolved? {
            try ConsoleTLSOptions.parse([
                "--tls-cert", dir.serverCert, "--tls-key", dir.serverKey, "--client-ca", dir.caFile, "--certificate-tokens", map,
            ]).resolve(environment: [:])
        }
        chmod(token, 0o644)
        let worldReadable = #expect(throws: ClientConnectionOptions.Problem.self) { try resolve() }
        #expect(worldReadable?.description.contains("alice.token is open to group or others (mode 644)") == true)
        #expect(worldReadable?.description.contains("st_secret") == false)
        chmod(token, 0o640)
        #expect(throws: ClientConnectionOptions.Problem.self) { try resolve() }
        chmod(token, 0o600)
        #expect(try resolve()?.certificateTokens == ["spiffe://example.org/people/alice": "st_secret_value"])
        chmod(map, 0o604)
        let openMap = #expect(throws: ClientConnectionOptions.Problem.self) { try resolve() }
        #expect(openMap?.description.contains("map.json is open to group or others") == true)
        chmod(map, 0o600)
        try FileManager.default.removeItem(atPath: token)
        let missing = #expect(throws: ClientConnectionOptions.Problem.self) { try resolve() }
        #expect(missing?.description.contains("No such file") == true)
    }

    @Test func tlsFlagsComeFromTheEnvironmentTooAndNeedEachOther() throws {
        let env = ["SCHEDULER_CONSOLE_TLS_CERT": "console.pem", "SCHEDULER_CONSOLE_TLS_KEY": "console.key"]
        let fromEnv = try #require(try ConsoleTLSOptions.parse([]).resolve(environment: env))
        #expect(fromEnv.certificateFile == "console.pem" && fromEnv.keyFile == "console.key" && fromEnv.clientCAFile == nil)
        let flagWins = try #require(try ConsoleTLSOptions.parse(["--tls-cert", "flag.pem"]).resolve(environment: env))
        #expect(flagWins.certificateFile == "flag.pem")
        #expect(try ConsoleTLSOptions.parse([]).resolve(environment: [:]) == nil)
        #expect(throws: ClientConnectionOptions.Problem.self) { try ConsoleTLSOptions.parse(["--tls-cert", "a.pem"]).resolve(environment: [:]) }
        #expect(throws: ClientConnectionOptions.Problem.self) { try ConsoleTLSOptions.parse(["--client-ca", "ca.pem"]).resolve(environment: [:]) }
        #expect(throws: ClientConnectionOptions.Problem.self) {
            try ConsoleTLSOptions.parse(["--tls-cert", "a.pem", "--tls-key", "a.key", "--certificate-tokens", "m.json"]).resolve(environment: [:])
        }
    }
}
