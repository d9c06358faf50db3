import Dispatch
import Foundation
import Glibc
import Synchronization
import TLS

/// A tiny HTTP/1.1 server on 127.0.0.1 (ephemeral port) that records every request it gets and
/// answers each with the status `status(n)` gives for the n-th request (0-based): a webhook
/// receiver for the alert tests. One request per connection (the client sends `Connection: close`).
///
/// One thread of its own waits in `poll` (the listener and a wake-up pipe); ``stop()`` wakes it,
/// closes the sockets and waits for the thread. Reading a request is bounded by a 5 s receive
/// timeout, so a stuck client cannot hold the thread.
public final class WebhookReceiver: Sendable {
    /// One request as received.
    public struct Request: Sendable {
        /// e.g. "POST".
        public var method: String
        /// The request target, e.g. "/hook".
        public var path: String
        /// Header names lowercased.
        public var headers: [String: String]
        /// The raw body.
        public var body: [UInt8]
    }

    /// The bound port.
    public let port: Int
    /// `http://127.0.0.1:<port>/hook`.
    public var url: String { "\(tls == nil ? "http" : "https")://127.0.0.1:\(port)/hook" }
    /// Every request so far, in arrival order.
    public var requests: [Request] { received.withLock { $0 } }

    private let listener: ListenerThread
    private let received = Mutex<[Request]>([])
    private let status: @Sendable (Int) -> Int
    private let tls: TLSContext?

    /// Listens on `port` (0 = ephemeral), answering the n-th request with `status(n)` (default 200);
    /// with `tls` (a server context), over TLS: an https receiver.
    public init(port: Int = 0, tls: TLSContext? = nil, status: @escaping @Sendable (Int) -> Int = { _ in 200 }) throws {
        self.status = status
        self.tls = tls
        listener = try ListenerThread(port: port, reuseAddress: true)
        self.port = listener.port
        listener.start(name: "webhook-receiver") { [self] in run() }
    }

    /// Closes the listener; waits for the thread. Idempotent.
    public func stop() { listener.stop() }

    private func run() {
        while true {
            var fds = [
                pollfd(fd: listener.wakeFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: listener.listenFD, events: Int16(POLLIN), revents: 0),
            ]
            let n = poll(&fds, 2, -1)
            if n < 0 {
                if errno == EINTR { continue }
                break
            }
            if fds[0].revents != 0 { break }
            guard fds[1].revents & Int16(POLLIN) != 0 else { continue }
            let c = accept(listener.listenFD, nil, nil)
            guard c >= 0 else { continue }
            _ = fcntl(c, F_SETFD, FD_CLOEXEC)
            var tv = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            let session = tls.flatMap { try? TLSSession(context: $0) }
            var buffer = [UInt8](repeating: 0, count: 16_384)
            /// The next bytes of the request (decrypted over TLS; handshake records answered).
            func next() -> [UInt8]? {
                while true {
                    if let session {
                        let out = session.takeCiphertext()
                        if !out.isEmpty { Self.sendAll(c, out) }
                    }
                    let n = read(c, &buffer, buffer.count)
                    if n <= 0 { return nil }
                    guard let session else { return Array(buffer[..<n]) }
                    session.receive(ciphertext: Array(buffer[..<n]))
                    guard let plain = try? session.readPlaintext() else { return nil }
                    if !plain.isEmpty { return plain }
                }
            }
            if let request = readRequest(next) {
                let index = received.withLock { r in
                    r.append(request)
                    return r.count - 1
                }
                let code = status(index)
                let reply = Array(
                    "HTTP/1.1 \(code) \(code < 300 ? "OK" : "Error")\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
                if let session {
                    try? session.write(plaintext: reply)
                    session.close()
                    Self.sendAll(c, session.takeCiphertext())
                } else {
                    Self.sendAll(c, reply)
                }
            }
            close(c)
        }
    }

    private static func sendAll(_ fd: Int32, _ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    /// Reads one request from `next` (the connection's bytes, plain or decrypted).
    private func readRequest(_ next: () -> [UInt8]?) -> Request? {
        var data: [UInt8] = []
        var headEnd: Int?
        var contentLength = 0
        while data.count < 1 << 20 {
            if let end = headEnd, data.count >= end + 4 + contentLength { break }
            guard let bytes = next() else { return nil }
            data += bytes
            if headEnd == nil, data.count >= 4,
                let i = (0...(data.count - 4)).first(where: {
                    data[$0] == 13 && data[$0 + 1] == 10 && data[$0 + 2] == 13 && data[$0 + 3] == 10
                })
            {
                headEnd = i
                for line in String(decoding: data[..<i], as: UTF8.self).split(separator: "\r\n").dropFirst() {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    if parts.count == 2, parts[0].lowercased() == "content-length" {
                        contentLength = Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0
                    }
                }
            }
        }
        guard let end = headEnd else { return nil }
        let lines = String(decoding: data[..<end], as: UTF8.self).split(separator: "\r\n")
        let requestLine = lines.first?.split(separator: " ") ?? []
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 {
                headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return Request(
            method: requestLine.count > 0 ? String(requestLine[0]) : "",
            path: requestLine.count > 1 ? String(requestLine[1]) : "", headers: headers,
            body: Array(data[(end + 4)..<min(data.count, end + 4 + contentLength)]))
    }
}
