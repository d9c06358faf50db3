import Foundation

/// One HTTP request as the console sees it, independent of the HTTP server that received it:
/// the server adapter fills it in, and handler tests build it directly.
public struct ConsoleRequest: Sendable {
    /// `GET`, `POST`, … in upper case.
    public var method: String
    /// The path without the query, as sent (percent-encoded), e.g. `/projects/blog/calendar`.
    public var path: String
    /// Query parameters, decoded; the last value of a repeated name wins.
    public var query: [String: String]
    /// Header fields with lower-case names; repeated fields joined with ", " (cookies with "; ").
    public var headers: [String: String]
    /// The body (form posts), at most ``ConsoleRequest/maxBodyBytes``.
    public var body: [UInt8]
    /// The client's address as the HTTP server saw it (a proxy's, behind one; the browser's
    /// with the console's own TLS); "" when unknown.
    public var remoteAddress: String
    /// Whether the request came over the console's own TLS: every cookie it sets is then `Secure`.
    public var isTLS: Bool
    /// The client certificate the browser presented over the console's own TLS, if any.
    public var clientCertificate: ClientCertificate?

    /// The largest body the console reads: forms are small.
    public static let maxBodyBytes = 64 * 1024

    /// A request; header names are lower-cased here.
    public init(
        method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:], body: [UInt8] = [],
        remoteAddress: String = "", isTLS: Bool = false, clientCertificate: ClientCertificate? = nil
    ) {
        self.remoteAddress = remoteAddress
        self.isTLS = isTLS
        self.clientCertificate = clientCertificate
        self.method = method.uppercased()
        self.path = path
        self.query = query
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, b in a + ", " + b })
        self.body = body
    }

    /// Cookies sent in the `cookie` header, by name.
    public var cookies: [String: String] {
        var result: [String: String] = [:]
        for part in (headers["cookie"] ?? "").split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            result[pair[0].trimmingCharacters(in: .whitespaces)] = pair[1].trimmingCharacters(in: .whitespaces)
        }
        return result
    }

    /// The fields of an `application/x-www-form-urlencoded` body, decoded (the last value of a
    /// repeated name); empty for another type.
    public var form: [String: String] {
        Dictionary(formPairs.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
    }

    /// Every value of form field `name`, in order (checkboxes sharing a name).
    public func formValues(_ name: String) -> [String] {
        formPairs.filter { $0.name == name }.map(\.value)
    }

    /// The form body's fields in order, repeated names included.
    var formPairs: [(name: String, value: String)] {
        guard (headers["content-type"] ?? "").lowercased().hasPrefix("application/x-www-form-urlencoded") else { return [] }
        return FormCoding.decodePairs(String(decoding: body, as: UTF8.self))
    }
}

/// `application/x-www-form-urlencoded`, as browsers send forms and query strings.
public enum FormCoding {
    /// Decodes `a=1&b=x+y` into fields; malformed escapes are kept as typed; the last value of a
    /// repeated name wins.
    public static func decode(_ text: String) -> [String: String] {
        Dictionary(decodePairs(text).map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
    }

    /// Decodes `a=1&a=2&b=x` into its pairs, in order, repeated names kept.
    public static func decodePairs(_ text: String) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = unescape(String(kv[0]))
            guard !name.isEmpty else { continue }
            pairs.append((name, kv.count > 1 ? unescape(String(kv[1])) : ""))
        }
        return pairs
    }

    /// `+` as space, then percent-decoding; invalid UTF-8 or escapes give the text as it came.
    public static func unescape(_ text: String) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// Percent-encodes a value for a URL path segment or query value.
    public static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
