import TLS
import WireProtocol

/// Turns a request's credentials into a ``Principal``: a bearer token in the `authorization`
/// metadata, or else a verified client certificate mapped to projects in the config file.
public struct Authenticator: Sendable {
    public var tokens: TokenStore?
    public var identities: [IdentityMapping]

    public init(tokens: TokenStore?, identities: [IdentityMapping] = []) {
        self.tokens = tokens
        self.identities = identities
    }

    /// The principal, or UNAUTHENTICATED saying what was wrong (never echoing the token).
    public func authenticate(metadata: [MetadataEntry], peer: PeerIdentity?) throws(RPCError) -> Principal {
        if let header = metadata.first(MetadataKey.authorization) {
            guard header.hasPrefix("Bearer "), header.count > 7 else {
                throw RPCError(code: .unauthenticated, message: "authorization metadata must be \"Bearer <token>\"")
            }
            guard let principal = tokens?.authenticate(String(header.dropFirst(7))) else {
                throw RPCError(code: .unauthenticated, message: "invalid, expired or revoked token")
            }
            return principal
        }
        if let peer {
            for m in identities where peer.uris.contains(m.identity) || peer.subject == m.identity {
                return Principal(name: m.identity, projects: Set(m.projects), isAdmin: m.admin)
            }
            throw RPCError(
                code: .unauthenticated, message: "client certificate \(peer) is not mapped to any project and no token was sent")
        }
        throw RPCError(code: .unauthenticated, message: "missing credentials: send authorization: Bearer <token>")
    }
}
