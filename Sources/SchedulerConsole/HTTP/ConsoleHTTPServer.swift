import FlyingFox
import FlyingSocks
import Foundation
import Logging

/// Serves a ``Console`` over plain HTTP/1.1 with FlyingFox (docs/CONSOLE.md says why this layer).
///
/// The adapter is the only code that knows the HTTP library: it turns FlyingFox's requests into
/// ``ConsoleRequest``s, refusing bodies over ``ConsoleRequest/maxBodyBytes`` before reading them,
/// and ``ConsoleResponse``s back.
public final class ConsoleHTTPServer: Sendable {
    private let server: HTTPServer
    private let console: Console

    /// A server for `console` on `host:port` (an IPv4 or IPv6 literal; port 0 picks a free one).
    public init(console: Console, host: String, port: UInt16, logger: Logger) throws {
        self.console = console
        let address: any SocketAddress = host.contains(":") ? try sockaddr_in6.inet6(ip6: host, port: port) : try sockaddr_in.inet(ip4: host, port: port)
        let handler = Handler(console: console)
        server = HTTPServer(address: address, timeout: 15, logger: SwiftLogBridge(logger: logger), handler: handler)
    }

    /// Serves until cancelled or ``stop()``.
    public func run() async throws {
        try await server.run()
    }

    /// Stops accepting, lets requests in flight finish for up to `timeout` seconds, then closes
    /// the connections.
    public func stop(timeout: TimeInterval = 1) async {
        await server.stop(timeout: timeout)
    }

    /// Waits until the socket listens (at most `timeout` seconds) and returns `HOST:PORT`.
    public func waitUntilListening(timeout: TimeInterval = 10) async throws -> String {
        try await server.waitUntilListening(timeout: timeout)
        switch await server.listeningAddress {
        case .ip4(let host, let port): return "\(host):\(port)"
        case .ip6(let host, let port): return "[\(host)]:\(port)"
        default: return "?"
        }
    }

    struct Handler: HTTPHandler {
        let console: Console

        func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
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
            var remote = ""
            switch request.remoteAddress {
            case .ip4(let host, _), .ip6(let host, _): remote = host
            default: break
            }
            let r = await console.handle(
                ConsoleRequest(method: request.method.rawValue, path: path, query: query, headers: headers, body: body, remoteAddress: remote))
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
