/// Settings of a TLS endpoint: plain values, no OpenSSL types.
///
/// Defaults follow Mozilla's "intermediate" profile: TLS 1.2 minimum (1.3 preferred), only
/// forward-secret AEAD suites for 1.2, no compression, no renegotiation.
public struct TLSConfiguration: Sendable, Hashable {
    public enum Role: Sendable, Hashable { case server, client }

    public enum Version: Sendable, Hashable {
        case tls12, tls13
    }

    /// What a server with ``trustRootsFile`` does about client certificates.
    public enum ClientCertificates: Sendable, Hashable {
        /// Every client must present a certificate that verifies against the trust roots; any
        /// other client is refused at the handshake (mutual TLS). The default.
        case required
        /// The server asks for a certificate but completes the handshake without one, or with one
        /// that does not verify: only a verified certificate gives the session a
        /// ``TLSSession/peerIdentity``, and ``TLSSession/peerCertificateProblem`` says why another
        /// gave none. For a server that offers certificate sign-in beside other kinds (a browser
        /// whose certificate fails should see a page saying so, not a failed handshake).
        case requested
    }

    public var role: Role
    /// PEM file with the certificate chain (leaf first). Required for servers; optional client certificate.
    public var certificateChainFile: String?
    /// PEM file with the private key of the leaf certificate.
    public var privateKeyFile: String?
    /// PEM file of CAs that verify the peer: the server's CA for a client; for a server, setting
    /// it turns on mutual TLS (clients without a valid certificate are refused at the handshake).
    public var trustRootsFile: String?
    /// For a server with ``trustRootsFile``: whether a verified client certificate is required or
    /// only asked for. Default ``ClientCertificates/required``. Clients ignore it.
    public var clientCertificates: ClientCertificates = .required
    /// ALPN protocol ids offered (client) or accepted (server), most preferred first.
    public var alpnProtocols: [String]
    /// A server refuses clients that negotiate no ALPN protocol at all. Default true.
    public var requireALPN: Bool
    /// Lowest protocol version. Default TLS 1.2.
    public var minimumVersion: Version
    /// Highest protocol version; nil (the default) allows the newest OpenSSL offers (TLS 1.3).
    public var maximumVersion: Version? = nil
    /// For clients: the name checked against the server certificate (and sent as SNI when it is
    /// a DNS name). Nil disables the host check (still verifies the chain).
    public var serverName: String?

    /// A server endpoint: certificate and key; `clientCAFile` turns on mutual TLS.
    public static func server(
        certificateChainFile: String, privateKeyFile: String, clientCAFile: String? = nil, alpnProtocols: [String]
    ) -> TLSConfiguration {
        TLSConfiguration(
            role: .server, certificateChainFile: certificateChainFile, privateKeyFile: privateKeyFile,
            trustRootsFile: clientCAFile, alpnProtocols: alpnProtocols, requireALPN: true, minimumVersion: .tls12,
            serverName: nil)
    }

    /// A client endpoint trusting `trustRootsFile`, with an optional client certificate for mutual TLS.
    public static func client(
        trustRootsFile: String?, serverName: String?, certificateChainFile: String? = nil, privateKeyFile: String? = nil,
        alpnProtocols: [String]
    ) -> TLSConfiguration {
        TLSConfiguration(
            role: .client, certificateChainFile: certificateChainFile, privateKeyFile: privateKeyFile,
            trustRootsFile: trustRootsFile, alpnProtocols: alpnProtocols, requireALPN: true, minimumVersion: .tls12,
            serverName: serverName)
    }

    /// TLS 1.2 suites: Mozilla intermediate without DHE (ECDHE only, AEAD only).
    static let tls12CipherList =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
        + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
}
