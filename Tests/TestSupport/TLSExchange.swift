import Foundation
import TLS

/// What one ``tlsExchange(port:context:request:)`` got.
public struct TLSExchangeResult: Sendable {
    /// The decrypted bytes received until the server closed (or the error).
    public var received: [UInt8]
    /// Why the exchange ended early: the handshake failed, the connection broke, the 5 s
    /// receive timeout passed. Nil when the server closed the connection in order.
    public var error: String?
    /// Whether the TLS handshake completed.
    public var handshakeCompleted: Bool

    /// The received bytes as text.
    public var text: String { String(decoding: received, as: UTF8.self) }
}

/// One exchange with our TLS stack over a blocking socket to 127.0.0.1:`port` (5 s receive
/// timeout): the handshake, `request` once it completes, then everything the server sends until it
/// closes. Blocks its thread: call it off the cooperative pool (``ProcessGate/offPool(_:)``).
public func tlsExchange(port: Int, context: TLSContext, request: [UInt8]) -> TLSExchangeResult {
    var result = TLSExchangeResult(received: [], error: nil, handshakeCompleted: false)
    let fd = plainConnect(port: port, from: "127.0.0.1")
    guard fd >= 0 else { return TLSExchangeResult(received: [], error: "connect failed", handshakeCompleted: false) }
    defer { close(fd) }
    setReceiveTimeout(fd, seconds: 5)
    let session: TLSSession
    do {
        session = try TLSSession(context: context)
    } catch {
        return TLSExchangeResult(received: [], error: "\(error)", handshakeCompleted: false)
    }
    var sent = false
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        do {
            result.received += try session.readPlaintext()
            if session.state == .established, !sent {
                result.handshakeCompleted = true
                try session.write(plaintext: request)
                sent = true
            }
        } catch {
            result.error = "\(error)"
            let alert = session.takeCiphertext()
            _ = alert.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            return result
        }
        let out = session.takeCiphertext()
        if !out.isEmpty, out.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) != out.count {
            result.error = "send failed"
            return result
        }
        if session.state == .closed { return result }
        let n = read(fd, &buffer, buffer.count)
        if n == 0 {
            result.error = "the server closed the connection without close_notify"
            return result
        }
        if n < 0 {
            result.error = errno == EAGAIN ? "timed out" : "read failed (errno \(errno))"
            return result
        }
        session.receive(ciphertext: Array(buffer[0..<n]))
    }
}
