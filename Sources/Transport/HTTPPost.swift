internal import CLinux
import Glibc
import TLS

/// An `http://` or `https://` URL as a webhook target: scheme, host, port and request target.
public struct HTTPTarget: Sendable, Hashable, CustomStringConvertible {
    /// Whether the connection is TLS (`https`).
    public var isTLS: Bool
    /// A DNS name or an IP address (without the brackets of an IPv6 literal).
    public var host: String
    /// The TCP port (default 80 for http, 443 for https).
    public var port: UInt16
    /// The path and query sent in the request line, e.g. "/hooks/scheduler?x=1".
    public var path: String

    /// Parses `http[s]://host[:port][/path][?query]`; no user info, no fragment.
    public init(parsing url: String) throws(HTTPClientError) {
        let rest: Substring
        if url.hasPrefix("https://") {
            isTLS = true
            rest = url.dropFirst(8)
        } else if url.hasPrefix("http://") {
            isTLS = false
            rest = url.dropFirst(7)
        } else {
            throw HTTPClientError("the URL must start with http:// or https://")
        }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var target = String(rest[authorityEnd...])
        if target.isEmpty { target = "/" } else if target.hasPrefix("?") { target = "/" + target }
        guard !authority.contains("@") else { throw HTTPClientError("credentials in the URL are not supported") }
        guard !target.contains("#"), !target.contains(where: { $0 == " " || $0.asciiValue.map { $0 < 0x20 } == true })
        else { throw HTTPClientError("the path must not contain spaces, control characters or a fragment") }
        var hostPart = Substring(authority)
        var portText: Substring?
        if hostPart.hasPrefix("[") {
            guard let close = hostPart.firstIndex(of: "]") else { throw HTTPClientError("unclosed [ in the host") }
            let after = hostPart[hostPart.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty {
                throw HTTPClientError("unexpected text after the IPv6 address")
            }
            hostPart = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
        } else if let colon = hostPart.lastIndex(of: ":") {
            portText = hostPart[hostPart.index(after: colon)...]
            hostPart = hostPart[..<colon]
        }
        guard !hostPart.isEmpty else { throw HTTPClientError("the URL has no host") }
        host = String(hostPart)
        if let portText {
            guard let p = UInt16(portText), p > 0 else { throw HTTPClientError("bad port \"\(portText)\"") }
            port = p
        } else {
            port = isTLS ? 443 : 80
        }
        path = target
    }

    /// The URL again, normalized.
    public var description: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "\(isTLS ? "https" : "http")://\(h):\(port)\(path)"
    }

    /// The `Host` header's value.
    var hostHeader: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return (port == (isTLS ? 443 : 80)) ? h : "\(h):\(port)"
    }
}

/// A failed HTTP exchange: what went wrong, for logs and the alert's `last_error`.
public struct HTTPClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What failed.
    public var description: String
    /// An error with its message.
    public init(_ description: String) { self.description = description }
}

/// One HTTP/1.1 POST on its own connection (`Connection: close`), blocking the calling thread,
/// bounded by one deadline for the whole exchange (resolve, connect, TLS handshake, request,
/// response head). Enough for webhooks: the answer's status line is read, its body is not.
/// Call it from a thread of its own, never from Swift's cooperative pool.
public enum HTTPPost {
    /// What the receiver answered.
    public struct Response: Sendable, Hashable {
        /// The status code, e.g. 200.
        public var status: Int
        /// The status line's reason phrase.
        public var reason: String
    }

    /// The largest response head read (status line and headers).
    static let maxHeadBytes = 16_384

    /// Posts `body` to `target` with `headers` (Host, Content-Length and Connection are added).
    /// For https, `tls` is a client context whose server name is the target's host (see
    /// ``clientTLSContext(for:trustRootsFile:)``).
    public static func send(
        to target: HTTPTarget, headers: [(String, String)], body: [UInt8], tls: TLSContext?,
        timeoutMilliseconds: Int64
    ) throws(HTTPClientError) -> Response {
        let deadline = Sys.monotonicMilliseconds() + timeoutMilliseconds
        let fd = try connect(target, deadline: deadline)
        defer { Sys.close(fd) }
        var head = "POST \(target.path) HTTP/1.1\r\nHost: \(target.hostHeader)\r\n"
        for (name, value) in headers {
            guard !name.contains(where: { $0 == "\r" || $0 == "\n" || $0 == ":" }),
                !value.contains(where: { $0 == "\r" || $0 == "\n" })
            else { throw HTTPClientError("header \(name): line breaks are not allowed") }
            head += "\(name): \(value)\r\n"
        }
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let request = Array(head.utf8) + body

        if target.isTLS {
            guard let tls else { throw HTTPClientError("https needs a TLS context") }
            let session: TLSSession
            do { session = try TLSSession(context: tls) } catch { throw HTTPClientError("TLS: \(error)") }
            var received: [UInt8] = []
            var sent = false
            while true {
                let plain: [UInt8]
                do { plain = try session.readPlaintext() } catch { throw HTTPClientError("TLS: \(error)") }
                received += plain
                if session.state == .established && !sent {
                    do { try session.write(plaintext: request) } catch { throw HTTPClientError("TLS: \(error)") }
                    sent = true
                }
                let out = session.takeCiphertext()
                if !out.isEmpty { try writeAll(fd, out, deadline: deadline) }
                if let response = try parseHead(received) { return response }
                if session.state == .closed { throw HTTPClientError("the server closed the connection before answering") }
                guard let bytes = try readSome(fd, deadline: deadline) else {
                    throw HTTPClientError("the server closed the connection before answering")
                }
                session.receive(ciphertext: bytes)
            }
        } else {
            try writeAll(fd, request, deadline: deadline)
            var received: [UInt8] = []
            while true {
                if let response = try parseHead(received) { return response }
                guard let bytes = try readSome(fd, deadline: deadline) else {
                    throw HTTPClientError("the server closed the connection before answering")
                }
                received += bytes
            }
        }
    }

    /// A TLS client context for an https webhook: verifies the certificate against
    /// `trustRootsFile` (or the system's roots) and `target.host`; offers ALPN `http/1.1`
    /// without requiring it.
    public static func clientTLSContext(for target: HTTPTarget, trustRootsFile: String?) throws(HTTPClientError)
        -> TLSContext
    {
        var config = TLSConfiguration.client(
            trustRootsFile: trustRootsFile, serverName: target.host, alpnProtocols: ["http/1.1"])
        config.requireALPN = false
        do { return try TLSContext(configuration: config) } catch { throw HTTPClientError("TLS: \(error)") }
    }

    /// The status line once the whole head has arrived; nil while it is incomplete.
    static func parseHead(_ bytes: [UInt8]) throws(HTTPClientError) -> Response? {
        let end: Int? = bytes.count < 4 ? nil : (0...(bytes.count - 4)).first { i in
            bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10
        }
        guard let end else {
            if bytes.count > maxHeadBytes { throw HTTPClientError("the response head is over \(maxHeadBytes) bytes") }
            return nil
        }
        let line = String(decoding: bytes[..<(bytes[..<end].firstIndex(of: 13) ?? end)], as: UTF8.self)
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]), (100...599).contains(status)
        else { throw HTTPClientError("not an HTTP/1.x response: \(line.prefix(80))") }
        return Response(status: status, reason: parts.count > 2 ? String(parts[2]) : "")
    }

    private static func remaining(_ deadline: Int64) throws(HTTPClientError) -> Int32 {
        let left = deadline - Sys.monotonicMilliseconds()
        guard left > 0 else { throw HTTPClientError("timed out") }
        return Int32(clamping: left)
    }

    private static func wait(_ fd: Int32, for events: Int16, deadline: Int64) throws(HTTPClientError) {
        while true {
            var p = pollfd(fd: fd, events: events, revents: 0)
            let r = poll(&p, 1, try remaining(deadline))
            if r > 0 { return }
            if r == 0 { throw HTTPClientError("timed out") }
            if errno != EINTR { throw HTTPClientError("poll: \(String(cString: strerror(errno)))") }
        }
    }

    private static func connect(_ target: HTTPTarget, deadline: Int64) throws(HTTPClientError) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let r = getaddrinfo(target.host, String(target.port), &hints, &list)
        guard r == 0, let first = list else {
            throw HTTPClientError("cannot resolve \(target.host): \(String(cString: gai_strerror(r)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let ai = cursor {
            cursor = ai.pointee.ai_next
            let fd = socket(
                ai.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
                    | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else {
                lastError = "socket: \(String(cString: strerror(errno)))"
                continue
            }
            if Glibc.connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 { return fd }
            guard errno == EINPROGRESS else {
                lastError = String(cString: strerror(errno))
                Sys.close(fd)
                continue
            }
            do throws(HTTPClientError) {
                try wait(fd, for: Int16(POLLOUT), deadline: deadline)
            } catch {
                Sys.close(fd)
                throw error
            }
            var soError: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &len)
            if soError == 0 { return fd }
            lastError = String(cString: strerror(soError))
            Sys.close(fd)
        }
        throw HTTPClientError("connect \(target.host):\(target.port): \(lastError)")
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], deadline: Int64) throws(HTTPClientError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                offset += n
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                try wait(fd, for: Int16(POLLOUT), deadline: deadline)
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                throw HTTPClientError("send: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Some bytes, or nil at end of stream.
    private static func readSome(_ fd: Int32, deadline: Int64) throws(HTTPClientError) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { return Array(buffer[..<n]) }
            if n == 0 { return nil }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                try wait(fd, for: Int16(POLLIN), deadline: deadline)
            } else if errno != EINTR {
                throw HTTPClientError("recv: \(String(cString: strerror(errno)))")
            }
        }
    }
}
