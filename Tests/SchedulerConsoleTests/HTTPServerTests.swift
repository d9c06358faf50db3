import Foundation
import Logging
import SchedulerConsole
import TestSupport
import Testing

@Suite("The console over real HTTP on loopback")
struct HTTPServerTests {
    /// One HTTP/1.1 exchange on 127.0.0.1:`port` (blocking, 5 s timeouts): the raw response. On
    /// a Dispatch thread: a blocked thread of the cooperative pool (two here) would starve the
    /// server it talks to when another test blocks the other one.
    static func exchange(port: Int, request: String) async throws -> String {
        try await ProcessGate.offPool {
            String(decoding: loopbackExchange(port: port, request: Array(request.utf8)) ?? [], as: UTF8.self)
        }
    }

    @Test func servesPagesAndRefusesLargeBodies() async throws {
        let h = try ConsoleHarness()
        let logger = Logger(label: "console-http-test", factory: { _ in SwiftLogNoOpLogHandler() })
        let server = try ConsoleHTTPServer(console: h.console, host: "127.0.0.1", port: 0, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let address = try await server.waitUntilListening()
            let port = try #require(Int(address.split(separator: ":").last ?? ""))
            let signIn = try await Self.exchange(
                port: port, request: "GET /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            #expect(signIn.hasPrefix("HTTP/1.1 200"))
            #expect(signIn.lowercased().contains("set-cookie: sc_signin="))
            #expect(signIn.contains("name=\"token\""))
            let big = try await Self.exchange(
                port: port,
                request: "POST /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000000\r\nConnection: close\r\n\r\nx=1")
            #expect(big.hasPrefix("HTTP/1.1 413"))
            let redirect = try await Self.exchange(
                port: port, request: "GET /projects/blog/queue HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            #expect(redirect.hasPrefix("HTTP/1.1 303"))
            #expect(redirect.lowercased().contains("location: /sign-in"))
            await server.stop(timeout: 0)
            group.cancelAll()
        }
        await h.shutdown()
    }
}
