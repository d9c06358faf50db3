import Foundation
import Synchronization
import TestSupport
import Testing
import Transport

/// One plain HTTP/1.0 GET over a blocking socket; returns the status line.
func httpGet(port: Int, path: String) -> String {
    httpResponse(port: port, path: path).components(separatedBy: "\r\n").first ?? ""
}

/// One plain HTTP/1.0 GET over a blocking socket; returns the whole response.
func httpResponse(port: Int, path: String) -> String {
    guard let bytes = loopbackExchange(port: port, request: Array("GET \(path) HTTP/1.0\r\n\r\n".utf8)) else {
        return "connect failed"
    }
    return String(decoding: bytes, as: UTF8.self)
}

@Suite("HTTP health endpoint")
struct HealthHTTPServerTests {
    final class Flag: Sendable { let ready = Atomic<Bool>(true) }

    @Test("/healthz is 200; /readyz follows readiness; unknown paths 404")
    func probes() throws {
        let flag = Flag()
        let server = try HealthHTTPServer(address: SocketAddress(host: "127.0.0.1", port: 0)) { flag.ready.load(ordering: .relaxed) }
        defer { server.stop() }
        let port = server.localAddress.port
        #expect(httpGet(port: port, path: "/healthz") == "HTTP/1.1 200 OK")
        #expect(httpGet(port: port, path: "/readyz") == "HTTP/1.1 200 OK")
        flag.ready.store(false, ordering: .relaxed)
        #expect(httpGet(port: port, path: "/readyz") == "HTTP/1.1 503 Service Unavailable")
        #expect(httpGet(port: port, path: "/healthz") == "HTTP/1.1 200 OK")
        #expect(httpGet(port: port, path: "/nope") == "HTTP/1.1 404 Not Found")
        #expect(httpGet(port: port, path: "/metrics") == "HTTP/1.1 404 Not Found", "no metrics without a source")
        // Its thread (which answered those) carries a name for ps, top and perf.
        #expect(threadNamesOfThisProcess().contains("health-http"))
    }

    @Test("/metrics answers the source's text whole, as the Prometheus text format")
    func metrics() throws {
        // Larger than a socket buffer: the server must send it in several writes.
        let page = String(repeating: "# TYPE x_total counter\nx_total 1\n", count: 100_000)
        let server = try HealthHTTPServer(address: SocketAddress(host: "127.0.0.1", port: 0), ready: { true }, metrics: { page })
        defer { server.stop() }
        let response = httpResponse(port: server.localAddress.port, path: "/metrics")
        let parts = response.components(separatedBy: "\r\n\r\n")
        #expect(parts.count == 2)
        #expect(parts[0].hasPrefix("HTTP/1.1 200 OK"))
        #expect(parts[0].contains("Content-Type: text/plain; version=0.0.4; charset=utf-8"))
        #expect(parts[0].contains("Content-Length: \(page.utf8.count)"))
        #expect(parts.last == page)
    }
}
