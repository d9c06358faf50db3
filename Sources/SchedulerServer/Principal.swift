/// Who is calling, once authenticated: from a bearer token or a mapped mTLS identity.
public struct Principal: Sendable, Hashable, CustomStringConvertible {
    /// A stable name for logs and rate limiting: the token's id ("tok_…") or the certificate identity.
    public var name: String
    /// Projects this principal may act on.
    public var projects: Set<String>
    /// Admins may act on every project.
    public var isAdmin: Bool

    public init(name: String, projects: Set<String>, isAdmin: Bool = false) {
        self.name = name
        self.projects = projects
        self.isAdmin = isAdmin
    }

    /// Whether this principal may act on `project`.
    public func mayAccess(project: String) -> Bool {
        isAdmin || projects.contains(project)
    }

    public var description: String { name }
}

/// Maps verified client-certificate identities to projects (from the config file).
public struct IdentityMapping: Sendable, Hashable, Codable {
    /// A URI SAN (`spiffe://example.org/ns/prod/sa/publisher`) or an RFC 2253 subject (`CN=worker-1`).
    public var identity: String
    public var projects: [String]
    public var admin: Bool

    public init(identity: String, projects: [String], admin: Bool = false) {
        self.identity = identity
        self.projects = projects
        self.admin = admin
    }
}
