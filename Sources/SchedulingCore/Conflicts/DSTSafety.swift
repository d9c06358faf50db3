/// The seed's `validateDSTSafe`: is a time far enough from a DST transition?
public struct DSTSafety: Sendable, Hashable {
    /// True when no transition lies within the window around the time.
    public var safe: Bool
    /// Why it is not safe.
    public var warning: String?
    /// Three hours after the nearby transition.
    public var suggestion: Instant?
    /// The nearby transition.
    public var transition: Instant?

    /// Checks `time` against transitions of `zone` within ± `policy.dstWindowSeconds`.
    public static func check(_ time: Instant, in zone: Zone, policy: ConflictPolicy = ConflictPolicy()) -> DSTSafety {
        let from = time.adding(seconds: -policy.dstWindowSeconds)
        // nextTransition is strictly after `from`; a transition exactly at `from` counts as within.
        guard let t = zone.nextTransition(after: from.adding(milliseconds: -1)),
            t <= time.adding(seconds: policy.dstWindowSeconds)
        else {
            return DSTSafety(safe: true)
        }
        let before = zone.offset(at: t.adding(seconds: -1))
        let after = zone.offset(at: t)
        let kind = after > before ? "clocks go forward" : "clocks go back"
        let minutes = abs(time.milliseconds(since: t)) / 60_000
        let relation = time < t ? "before" : "after"
        let warning =
            "Scheduled \(minutes) minutes \(relation) a DST transition in \(zone.identifier) at \(zone.format(t)) (\(kind) by \(abs(after - before) / 60) minutes)"
        return DSTSafety(
            safe: false, warning: warning, suggestion: t.adding(seconds: policy.dstSuggestionOffsetSeconds),
            transition: t)
    }

    public init(safe: Bool, warning: String? = nil, suggestion: Instant? = nil, transition: Instant? = nil) {
        self.safe = safe
        self.warning = warning
        self.suggestion = suggestion
        self.transition = transition
    }
}
