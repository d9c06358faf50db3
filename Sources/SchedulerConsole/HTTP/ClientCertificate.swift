/// The client certificate a browser presented over the console's own TLS (`--client-ca`), as the
/// HTTP adapter hands it to the handlers: plain values, no TLS types.
public enum ClientCertificate: Sendable, Hashable {
    /// It verified against the client CA. `identities` are the names schedulerd's identity
    /// mappings match, in the order the console tries them: the URI subject alternative names,
    /// then the subject (RFC 2253, e.g. `CN=alice`).
    case verified(identities: [String])
    /// It did not verify: OpenSSL's reason (e.g. "unable to verify the first certificate").
    case unverified(reason: String)
}
