import FlyingFox
import FlyingSocks
import Foundation
import Logging
import Transport

/// Serves a ``Console`` over HTTP/1.1 with FlyingFox (docs/CONSOLE.md says why this layer), or
/// over HTTPS with the project's own TLS in front of it.
///
/// The adapter is the only code that knows the HTTP library: it turns FlyingFox's requests into
/// ``ConsoleRequest``s, refusing bodies over ``ConsoleRequest/maxBodyBytes`` before reading them,
/// and ``ConsoleResponse``s back.
///
/// With TLS, FlyingFox listens on a private ephemeral port of 127.0.0.1 and a ``TLSFront``
/// (Transport's `TLSTerminator`) serves the public address, forwarding each connection's decrypted
/// bytes to it. A request on the private port is served only when the terminator made the
/// connection: the adapter looks its source port up there, which also gives the browser's address
/// and verified client certificate. Any other connection gets 421.
public final class ConsoleHTTPServer: Sendable {
    private let server: HTTPServer
    private let console: Console
    private let front: TLSFront?

    /// A server for `console` on `host:port` (an IPv4 or IPv6 literal; port 0 picks a free one),
    /// plain HTTP, or HTTPS with `tls` (its certificate, key and CA files are read here: a bad one
    /// fails at once).
    public init(console: Console, host: String, port: UInt16, tls: ConsoleTLSConfiguration? = nil, logger: Logger) throws {
        self.console = console
        let address: any FlyingSocks.SocketAddress
        if let tls {
            front = try TLSFront(address: Transport.SocketAddress(host: host, port: Int(port)), configuration: tls)
            address = try sockaddr_in.inet(ip4: "127.0.0.1", port: 0)
        } else {
            front = nil
            address = host.contains(":") ? try sockaddr_in6.inet6(ip6: host, port: port) : try sockaddr_in.inet(ip4: host, port: port)
        }
        let handler = Handler(console: console, front: front)
        server = HTTPServer(address: address, timeout: 15, logger: SwiftLogBridge(logger: logger), handler: handler)
    }

    /// Serves until cancelled or ``stop()``. With TLS, the terminator starts once FlyingFox listens
    /// and stops when it stops.
    public func run() async throws {
        guard let front else {
            try await server.run()
            return
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.server.run() }
            do {
                try await server.waitUntilListening()
                guard case .ip4(_, let backendPort) = await server.listeningAddress else {
                    throw SocketError.unsupportedAddress
                }
                try front.start(backendPort: Int(backendPort))
            } catch {
                front.stop()
                throw error  // ends FlyingFox too: the group cancels it
            }
            defer { front.stop() }
            try await group.next()
        }
    }

    /// Stops accepting, lets requests in flight finish for up to `timeout` seconds, then closes
    /// the connections (with TLS, the terminator's too).
    public func stop(timeout: TimeInterval = 1) async {
        await server.stop(timeout: timeout)
        front?.stop()
    }

    /// Waits until the socket listens (at most `timeout` seconds) and returns `HOST:PORT`: the
    /// public one (the terminator's, with TLS).
    public func waitUntilListening(timeout: TimeInterval = 10) async throws -> String {
        try await server.waitUntilListening(timeout: timeout)
        if let front { return try await front.waitForAddress() }
        switch await server.listeningAddress {
        case .ip4(let host, let port): return "\(host):\(port)"
        case .ip6(let host, let port): return "[\(host)]:\(port)"
        default: return "?"
        }
    }

    /// With TLS, the private loopback `HOST:PORT` FlyingFox listens on (it serves only the
    /// terminator's connections); nil without TLS or before it listens.
    public var backendAddress: String? { front?.backendAddress }

    struct Handler: HTTPHandler {
        let console: Console
        let front: TLSFront?

        func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
            var remote = ""
            var certificate: ClientCertificate?
            if let front {
                // Only the terminator's own connections: anything else reached the private port directly.
                guard case .ip4(let host, let port) = request.remoteAddress, let peer = front.peer(host: host, port: Int(port)) else {
                    return Self.plain(421, "this port serves only the console's TLS front: use https://\(front.address)/\n")
                }
                remote = peer.remoteAddress
                certificate = peer.clientCertificate
            } else {
                switch request.remoteAddress {
                case .ip4(let host, _), .ip6(let host, _): remote = host
                default: break
                }
            }
            var headers: [String: String] = [:]
            for (name, value) in request.headers {
                let key = name.rawValue.lowercased()
                headers[key] = headers[key].map { $0 + (key == "cookie" ? "; " : ", ") + value } ?? value
            }
            var body: [UInt8] = []
            if request.method == .POST {
                if headers["transfer-encoding"] != nil { return Self.plain(411, "send a content-length\n") }
                let length = Int(headers["content-length"] ?? "0") ?? -1
                guard (0...ConsoleRequest.maxBodyBytes).contains(length) else { return Self.plain(413, "request body too large\n") }
                body = Array(try await request.bodyData)
            }
            var query: [String: String] = [:]
            for item in request.query { query[item.name] = item.value }
            let path = request.path
            let r = await console.handle(
                ConsoleRequest(
                    method: request.method.rawValue, path: path, query: query, headers: headers, body: body, remoteAddress: remote,
                    isTLS: front != nil, clientCertificate: certificate))
            var out = HTTPHeaders()
            for (name, value) in r.headers { out.addValue(value, for: HTTPHeader(name)) }
            return HTTPResponse(statusCode: HTTPStatusCode(r.status, phrase: Self.phrase(r.status)), headers: out, body: Data(r.body))
        }

        static func plain(_ status: Int, _ text: String) -> HTTPResponse {
            HTTPResponse(statusCode: HTTPStatusCode(status, phrase: phrase(status)), headers: [.contentType: "text/plain"], body: Data(text.utf8))
        }

        static func phrase(_ status: Int) -> String {
            switch status {
            case 200: "OK"
            case 303: "See Other"
            case 400: "Bad Request"
            case 401: "Unauthorized"
            case 403: "Forbidden"
            case 404: "Not Found"
            case 405: "Method Not Allowed"
            case 409: "Conflict"
            case 411: "Length Required"
            case 413: "Content Too Large"
            case 421: "Misdirected Request"
            case 500: "Internal Server Error"
            case 502: "Bad Gateway"
            default: "Status"
            }
        }
    }
}

/// FlyingFox's log lines into swift-log (the server's own errors; requests are not logged).
struct SwiftLogBridge: FlyingSocks.Logging {
    let logger: Logger
    func logDebug(_ debug: @autoclosure () -> String) { logger.debug("\(debug())") }
    func logInfo(_ info: @autoclosure () -> String) { logger.debug("\(info())") }
    func logWarning(_ warning: @autoclosure () -> String) { logger.warning("\(warning())") }
    func logError(_ error: @autoclosure () -> String) { logger.error("\(error())") }
    func logCritical(_ critical: @autoclosure () -> String) { logger.critical("\(critical())") }
}
