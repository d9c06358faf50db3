import Transport

/// The console's own HTTPS (`scheduler-console --tls-cert --tls-key [--client-ca]`): plain values
/// with documented defaults.
public struct ConsoleTLSConfiguration: Sendable {
    /// PEM file with the console's certificate chain (leaf first).
    public var certificateChainFile: String
    /// PEM file with the leaf certificate's private key.
    public var privateKeyFile: String
    /// PEM file of CAs that vouch for browsers' client certificates. When set, the console asks
    /// every browser for a certificate during the handshake (it does not require one) and
    /// verifies what it gets against these CAs. Default nil: no certificate is asked for.
    public var clientCAFile: String?
    /// Connection caps and timeouts (``TLSTerminator/Limits``: 512 connections, 64 handshakes at
    /// once and 16 per address, 10 s handshake, 120 s idle).
    public var limits = TLSTerminator.Limits()

    /// HTTPS with this certificate and key; `clientCAFile` asks browsers for client certificates.
    public init(certificateChainFile: String, privateKeyFile: String, clientCAFile: String? = nil) {
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
        self.clientCAFile = clientCAFile
    }
}
