import Foundation
import Synchronization
import Testing
import Transport

/// One plain HTTP/1.0 GET over a blocking socket; returns the status line.
func httpGet(port: Int, path: String) -> String {
    httpResponse(port: port, path: path).components(separatedBy: "\r\n").first ?? ""
}

/// One plain HTTP/1.0 GET over a blocking socket; returns the whole response.
func httpResponse(port: Int, path: String) -> String {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var a = sockaddr_in()
    a.sin_family = sa_family_t(AF_INET)
    a.sin_port = in_port_t(UInt16(port).bigEndian)
    a.sin_addr.s_addr = inet_addr("127.0.0.1")
    let r = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    guard r == 0 else { return "connect failed" }
    let request = "GET \(path) HTTP/1.0\r\n\r\n"
    _ = request.withCString { send(fd, $0, strlen($0), 0) }
    var buffer = [UInt8](repeating: 0, count: 512)
    var out: [UInt8] = []
    while true {
        let n = read(fd, &buffer, buffer.count)
        if n <= 0 { break }
        out += buffer[0..<n]
    }
    return String(decoding: out, as: UTF8.self)
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
