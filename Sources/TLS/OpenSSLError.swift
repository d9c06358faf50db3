internal import COpenSSL

/// A failure reported by OpenSSL, with its error queue drained at the moment it happened.
public struct TLSError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What we were doing ("load certificate chain", "handshake").
    public var operation: String
    /// OpenSSL's reasons, oldest first (e.g. "error:0A000086:SSL routines::certificate verify failed").
    public var reasons: [String]

    public init(operation: String, reasons: [String]) {
        self.operation = operation
        self.reasons = reasons
    }

    public var description: String {
        reasons.isEmpty ? operation : "\(operation): \(reasons.joined(separator: "; "))"
    }

    /// Captures and clears the calling thread's OpenSSL error queue.
    static func drain(_ operation: String) -> TLSError {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return TLSError(operation: operation, reasons: reasons)
    }

    /// Clears stale errors before a call whose failure we will inspect. The queue is almost
    /// always empty (our failures drain it): a look at it costs less than clearing all of its
    /// slots, which OpenSSL 3 does on every ERR_clear_error (4 % of a small call's client CPU).
    static func clearQueue() {
        if ERR_peek_error() != 0 { ERR_clear_error() }
    }
}

/// The one return-code checker for OpenSSL calls that return 1 on success.
@inline(__always)
func check(_ result: Int32, _ operation: @autoclosure () -> String) throws(TLSError) {
    if result != 1 { throw TLSError.drain(operation()) }
}
