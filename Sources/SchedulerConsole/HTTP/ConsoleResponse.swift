/// One HTTP response from the console, independent of the HTTP server that sends it.
public struct ConsoleResponse: Sendable {
    /// The status code, e.g. 200.
    public var status: Int
    /// Header fields in order; a name may repeat (`set-cookie`).
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: [UInt8]

    /// A response with the console's security headers on every answer: no framing, no sniffing,
    /// no referrer to other sites, and a content security policy that allows only the console's own origin and
    /// its inline assets (no CDN is ever loaded).
    public init(status: Int, contentType: String, body: [UInt8], headers: [(name: String, value: String)] = []) {
        self.status = status
        self.body = body
        self.headers = [
            ("content-type", contentType),
            ("cache-control", "no-store"),
            ("x-content-type-options", "nosniff"),
            ("x-frame-options", "DENY"),
            // same-origin, not no-referrer: with no-referrer Chrome sends `Origin: null` on form posts,
            // which the CSRF check refuses.
            ("referrer-policy", "same-origin"),
            ("content-security-policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"),
        ] + headers
    }

    /// An HTML page.
    public static func html(_ html: String, status: Int = 200) -> ConsoleResponse {
        ConsoleResponse(status: status, contentType: "text/html; charset=utf-8", body: Array(html.utf8))
    }

    /// A JSON body.
    public static func json(_ text: String, status: Int = 200) -> ConsoleResponse {
        ConsoleResponse(status: status, contentType: "application/json", body: Array(text.utf8))
    }

    /// Plain text.
    public static func text(_ text: String, status: Int) -> ConsoleResponse {
        ConsoleResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }

    /// A 303 See Other to `location` (after a form post, so reloading does not post again).
    public static func redirect(_ location: String) -> ConsoleResponse {
        ConsoleResponse(status: 303, contentType: "text/plain; charset=utf-8", body: [], headers: [("location", location)])
    }

    /// The value of the first header named `name` (lower case).
    public func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.value
    }
}
