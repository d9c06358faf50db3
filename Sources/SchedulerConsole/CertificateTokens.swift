/// Verified client-certificate identities mapped to their owners' own bearer tokens
/// (`scheduler-console --certificate-tokens`): the console cannot show schedulerd a browser's
/// certificate, so a certificate sign-in calls with the token of the person the certificate names.
///
/// Its description names how many identities it maps, never a token.
public struct CertificateTokens: Sendable, CustomStringConvertible {
    private var tokens: [String: String]

    /// A map from identity (a URI SAN or an RFC 2253 subject, as schedulerd's config names them)
    /// to bearer token.
    public init(_ tokens: [String: String] = [:]) {
        self.tokens = tokens
    }

    /// The mapped identities, sorted.
    public var identities: [String] { tokens.keys.sorted() }

    /// Whether no identity is mapped.
    public var isEmpty: Bool { tokens.isEmpty }

    /// The first of `identities` that is mapped, with its token.
    func match(_ identities: [String]) -> (identity: String, token: String)? {
        for identity in identities {
            if let token = tokens[identity] { return (identity, token) }
        }
        return nil
    }

    public var description: String { "CertificateTokens(\(tokens.count) identities)" }
}
