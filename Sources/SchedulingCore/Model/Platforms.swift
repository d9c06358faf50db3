/// Platform identifiers and their hourly publishing limits.
///
/// Platform names are case-insensitive; ``normalize(_:)`` gives the canonical upper-case form
/// the store and the wire use (`twitter` → `TWITTER`).
public struct PlatformRateLimits: Sendable, Hashable {
    /// The seed's default table: posts per hour.
    public static let defaults: [String: Int] = [
        "TWITTER": 100,
        "LINKEDIN": 100,
        "FACEBOOK": 200,
        "REDDIT": 10,
        "HASHNODE": 50,
        "DEVTO": 50,
        "MEDIUM": 20,
        "WORDPRESS": 100,
        "GHOST": 100,
    ]

    /// Limits per platform (canonical names).
    public var limits: [String: Int]

    /// The defaults, with per-project overrides or additions applied on top.
    public init(overrides: [String: Int] = [:]) {
        var l = Self.defaults
        for (k, v) in overrides { l[Self.normalize(k)] = v }
        self.limits = l
    }

    /// The hourly limit for a platform, nil when the platform is unknown.
    public func limit(for platform: String) -> Int? { limits[Self.normalize(platform)] }

    /// Canonical platform name: ASCII upper-case, `-` and `.` removed (`dev.to` → `DEVTO`).
    public static func normalize(_ platform: String) -> String {
        String(
            String.UnicodeScalarView(
                platform.unicodeScalars.filter { $0 != "-" && $0 != "." && $0 != " " }
                    .map { $0.value >= 97 && $0.value <= 122 ? Unicode.Scalar($0.value - 32)! : $0 }))
    }
}
