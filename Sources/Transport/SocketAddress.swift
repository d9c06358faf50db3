internal import CLinux
import Glibc

/// An IPv4 or IPv6 address and port.
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    /// The numeric host ("127.0.0.1", "::1").
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses "HOST:PORT", "[V6]:PORT" or "V6" forms like "[::1]:7443"; `localhost` is 127.0.0.1.
    public static func parse(_ text: String) throws(AddressError) -> SocketAddress {
        var host: Substring
        var portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw AddressError(text: text, reason: "missing ']'") }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw AddressError(text: text, reason: "expected [HOST]:PORT") }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":"), text.firstIndex(of: ":") == colon else {
                throw AddressError(text: text, reason: "expected HOST:PORT (IPv6 as [::1]:PORT)")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw AddressError(text: text, reason: "port must be 0…65535")
        }
        if host == "localhost" { host = "127.0.0.1" }
        guard !host.isEmpty else { throw AddressError(text: text, reason: "missing host") }
        let address = SocketAddress(host: String(host), port: port)
        guard address.isIPv6 || address.isIPv4 else {
            throw AddressError(text: text, reason: "host must be a numeric IPv4 or IPv6 address or localhost")
        }
        return address
    }

    var isIPv6: Bool {
        var a = in6_addr()
        return inet_pton(AF_INET6, host, &a) == 1
    }

    var isIPv4: Bool {
        var a = in_addr()
        return inet_pton(AF_INET, host, &a) == 1
    }

    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Calls `body` with a sockaddr for this address.
    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws(IOError) -> R) throws(IOError) -> R {
        if isIPv6 {
            var a = sockaddr_in6()
            a.sin6_family = sa_family_t(AF_INET6)
            a.sin6_port = in_port_t(UInt16(port).bigEndian)
            _ = inet_pton(AF_INET6, host, &a.sin6_addr)
            return try withUnsafePointer(to: &a) { p throws(IOError) in
                try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sp throws(IOError) in
                    try body(sp, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = in_port_t(UInt16(port).bigEndian)
        _ = inet_pton(AF_INET, host, &a.sin_addr)
        return try withUnsafePointer(to: &a) { p throws(IOError) in
            try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sp throws(IOError) in
                try body(sp, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }

    /// Reads a sockaddr_storage filled by accept/getsockname.
    init?(storage: sockaddr_storage) {
        var s = storage
        switch Int32(s.ss_family) {
        case AF_INET:
            let a = withUnsafePointer(to: &s) { $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee } }
            var buf = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            var addr = a.sin_addr
            inet_ntop(AF_INET, &addr, &buf, socklen_t(buf.count))
            self.init(host: Self.text(buf), port: Int(UInt16(bigEndian: a.sin_port)))
        case AF_INET6:
            let a = withUnsafePointer(to: &s) { $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee } }
            var buf = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            var addr = a.sin6_addr
            inet_ntop(AF_INET6, &addr, &buf, socklen_t(buf.count))
            self.init(host: Self.text(buf), port: Int(UInt16(bigEndian: a.sin6_port)))
        default:
            return nil
        }
    }

    /// The NUL-terminated text `inet_ntop` wrote into `buf`.
    private static func text(_ buf: [CChar]) -> String {
        String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// An address that could not be read.
public struct AddressError: Error, Hashable, Sendable, CustomStringConvertible {
    public var text: String
    public var reason: String
    public var description: String { "\"\(text)\": \(reason)" }
}

extension SocketAddress {
    /// A bound, listening TCP socket (SO_REUSEADDR; IPv6 sockets are IPv6-only) and the address it
    /// got (the real port when 0 was asked for). The caller owns the descriptor.
    func listeningSocket(nonBlocking: Bool, backlog: Int32) throws(IOError) -> (fd: Int32, local: SocketAddress) {
        var type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        if nonBlocking { type |= Int32(SOCK_NONBLOCK.rawValue) }
        let fd = try Sys.call("socket") { socket(isIPv6 ? AF_INET6 : AF_INET, type, 0) }
        do throws(IOError) {
            try Sys.setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
            if isIPv6 { try Sys.setOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, 1) }
            _ = try withSockaddr { sa, len throws(IOError) in try Sys.call("bind \(self)") { bind(fd, sa, len) } }
            _ = try Sys.call("listen") { listen(fd, backlog) }
            var storage = sockaddr_storage()
            var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
            _ = try withUnsafeMutablePointer(to: &storage) { p throws(IOError) in
                try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sp throws(IOError) in
                    try Sys.call("getsockname") { getsockname(fd, sp, &len) }
                }
            }
            return (fd, SocketAddress(storage: storage) ?? self)
        } catch {
            Sys.close(fd)
            throw error
        }
    }
}
