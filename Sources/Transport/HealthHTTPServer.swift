internal import CLinux
import Glibc
import Synchronization

/// A tiny plain-HTTP endpoint for orchestrators that cannot speak the RPC protocol:
/// `GET /healthz` answers 200 while the process runs; `GET /readyz` answers 200 while the server
/// accepts work and 503 with the reason while it does not (draining, or its database unreachable); `GET /metrics`, when a `metrics` closure is given, answers
/// its text in the Prometheus exposition format. One thread, one request at a time, 2 s socket
/// timeouts: it serves probes and scrapers, not traffic.
public final class HealthHTTPServer: Sendable {
    public let localAddress: SocketAddress
    private let fd: Int32
    /// nil while ready; else the reason `/readyz` gives with its 503.
    private let notReadyReason: @Sendable () -> String?
    private let metrics: (@Sendable () -> String)?
    private let stopped = Atomic<Bool>(false)

    /// The media type of `/metrics`: the Prometheus text format, version 0.0.4.
    public static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// A server whose `/readyz` answers 503 "draining" while `ready` is false.
    public convenience init(
        address: SocketAddress, ready: @escaping @Sendable () -> Bool, metrics: (@Sendable () -> String)? = nil
    ) throws(IOError) {
        try self.init(address: address, notReadyReason: { ready() ? nil : "draining" }, metrics: metrics)
    }

    /// A server whose `/readyz` answers 503 with the reason `notReadyReason` gives, 200 when nil.
    public init(
        address: SocketAddress, notReadyReason: @escaping @Sendable () -> String?,
        metrics: (@Sendable () -> String)? = nil
    ) throws(IOError) {
        let (fd, local) = try address.listeningSocket(nonBlocking: false, backlog: 64)
        localAddress = local
        self.fd = fd
        self.notReadyReason = notReadyReason
        self.metrics = metrics
        let box = Unmanaged.passRetained(self)
        var tid = pthread_t()
        let r = pthread_create(&tid, nil, { arg in
            _ = clinux_name_thread("health-http")
            let server = Unmanaged<HealthHTTPServer>.fromOpaque(arg!).takeRetainedValue()
            server.serve()
            return nil
        }, box.toOpaque())
        if r != 0 {
            box.release()
            Sys.close(fd)
            throw IOError("pthread_create", errno: r)
        }
        pthread_detach(tid)
    }

    /// Stops serving (the listening socket is closed).
    public func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        shutdown(fd, Int32(SHUT_RDWR))
    }

    private func serve() {
        defer { Sys.close(fd) }
        while !stopped.load(ordering: .relaxed) {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            handle(client)
            Sys.close(client)
        }
    }

    private func handle(_ client: Int32) {
        var tv = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 2048)
        var used = 0
        // Read until the end of the request line (probes send small requests).
        while used < buffer.count {
            let n = buffer.withUnsafeMutableBytes { read(client, $0.baseAddress! + used, $0.count - used) }
            if n <= 0 { break }
            used += n
            if buffer[0..<used].contains(0x0A) { break }
        }
        let line = String(decoding: buffer[0..<used].prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)
        let parts = line.split(separator: " ")
        let (status, body): (String, String)
        var contentType = "text/plain"
        if parts.count >= 2, parts[0] == "GET" || parts[0] == "HEAD" {
            switch parts[1].prefix(while: { $0 != "?" }) {
            case "/healthz": (status, body) = ("200 OK", "ok\n")
            case "/readyz":
                if let reason = notReadyReason() {
                    (status, body) = ("503 Service Unavailable", reason + "\n")
                } else {
                    (status, body) = ("200 OK", "ready\n")
                }
            case "/metrics":
                if let metrics {
                    (status, body) = ("200 OK", metrics())
                    contentType = Self.metricsContentType
                } else {
                    (status, body) = ("404 Not Found", "not found\n")
                }
            default: (status, body) = ("404 Not Found", "not found\n")
            }
        } else {
            (status, body) = ("400 Bad Request", "bad request\n")
        }
        let response = "HTTP/1.1 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(parts.first == "HEAD" ? "" : body)"
        // A metrics page can exceed one send's worth of socket buffer: send until all is out.
        var bytes = Array(response.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            bytes = bytes.dropFirst(n)
        }
    }
}
