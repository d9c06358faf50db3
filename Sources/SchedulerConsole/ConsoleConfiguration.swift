/// What the console needs besides the client: plain values with documented defaults.
public struct ConsoleConfiguration: Sendable {
    /// Mark the session cookie `Secure` (the console is reached over HTTPS through a
    /// TLS-terminating proxy). Default false. Requests over the console's own TLS get `Secure`
    /// cookies whatever this says.
    public var secureCookies = false
    /// Client-certificate identities whose verified certificate signs a browser in with that
    /// person's token (`--certificate-tokens`). Default empty: sign-in by token only.
    public var certificateTokens = CertificateTokens()
    /// A token every visitor without a session is signed in with, for dev mode on loopback only
    /// (the executable sets it from `./.scheduler/admin.token` when it listens on a loopback
    /// address). Default nil: everyone signs in by pasting a token.
    public var autoSignInToken: String?
    /// The project the home page opens, when set. Default nil: the home page asks for one.
    public var defaultProject: String?
    /// The time zone the calendar shows when the viewer chose none. Default `UTC`.
    public var defaultTimeZone = "UTC"
    /// Seconds of inactivity after which a session ends. Default 12 hours.
    public var sessionIdleSeconds: Int64 = 12 * 3600

    /// The defaults.
    public init() {}
}
