/// Connection-level constants of the protocol (see docs/PROTOCOL.md).
public enum ALPN {
    /// The ALPN protocol id both sides must negotiate over TLS: "scheduler/1".
    /// The trailing number is the major protocol version; it changes only on a breaking change.
    public static let protocolID = "scheduler/1"

    /// `protocolID` as the bytes OpenSSL's ALPN APIs expect (without the length prefix).
    public static var protocolIDBytes: [UInt8] { Array(protocolID.utf8) }
}
