import Foundation

/// One plain HTTP/1.0 GET to 127.0.0.1:`port` over a blocking socket with a 5 s receive timeout;
/// returns the status code and the body, or nil when the connection fails. Blocks its thread:
/// call it off the cooperative pool (``ProcessGate/offPool(_:)``).
public func loopbackHTTPGet(port: Int, path: String) -> (status: Int, body: String)? {
    guard let out = loopbackExchange(port: port, request: Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8))
    else { return nil }
    let text = String(decoding: out, as: UTF8.self)
    guard let split = text.range(of: "\r\n\r\n") else { return nil }
    let statusLine = text[..<split.lowerBound].prefix { $0 != "\r" }
    let parts = statusLine.split(separator: " ")
    guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
    return (status, String(text[split.upperBound...]))
}

/// A TCP port on 127.0.0.1 that was free a moment ago (bound to 0, read, closed), for a child
/// process that cannot be told to pick its own and report it.
public func freeLoopbackPort() -> Int? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var a = sockaddr_in()
    a.sin_family = sa_family_t(AF_INET)
    a.sin_port = 0
    a.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &a) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p -> Bool in
            bind(fd, p, len) == 0 && getsockname(fd, p, &len) == 0
        }
    }
    return bound ? Int(UInt16(bigEndian: a.sin_port)) : nil
}

/// One exchange with 127.0.0.1:`port` over a blocking socket with a 5 s receive timeout: sends
/// `request`, then reads until the server closes. nil when the connection or the send fails.
/// Blocks its thread: call it off the cooperative pool (``ProcessGate/offPool(_:)``).
public func loopbackExchange(port: Int, request: [UInt8]) -> [UInt8]? {
    let fd = plainConnect(port: port, from: "127.0.0.1")
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    setReceiveTimeout(fd, seconds: 5)
    guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else { return nil }
    var buffer = [UInt8](repeating: 0, count: 65_536)
    var out: [UInt8] = []
    while true {
        let n = read(fd, &buffer, buffer.count)
        if n <= 0 { break }
        out += buffer[0..<n]
    }
    return out
}
