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

    /// Whether ``normalize(_:)`` would return `platform` unchanged.
    public static func isCanonical(_ platform: String) -> Bool {
        platform.utf8.allSatisfy { !isRemoved($0) && !isLowercase($0) }
    }

    /// Canonical platform name: ASCII upper-case, `-`, `.` and spaces removed (`dev.to` → `DEVTO`).
    public static func normalize(_ platform: String) -> String {
        // A name already canonical (every stored one) comes back as it is: no new string.
        if isCanonical(platform) { return platform }
        // Byte-wise: the removed characters and a–z are ASCII, and UTF-8 never uses ASCII byte
        // values inside a multi-byte sequence, so other characters pass through intact.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(platform.utf8.count)
        for b in platform.utf8 where !isRemoved(b) {
            bytes.append(isLowercase(b) ? b - 32 : b)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The bytes ``normalize(_:)`` drops.
    private static func isRemoved(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: " ")
    }

    /// The bytes ``normalize(_:)`` upper-cases.
    private static func isLowercase(_ b: UInt8) -> Bool { b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") }
}
