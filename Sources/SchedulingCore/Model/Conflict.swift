/// One finding of the conflict checks for a proposed schedule.
public struct Conflict: Sendable, Hashable, Codable {
    public var type: ConflictType
    public var severity: ConflictSeverity
    /// What is wrong, for a person ("Twitter approaching rate limit. 85/100 posts scheduled.").
    public var reason: String
    /// What to do about it ("Space schedules at least 5 minutes apart").
    public var suggestion: String?
    /// The other schedule involved, for same-time conflicts.
    public var conflictingScheduleID: String?
    /// The platform involved, for rate-limit conflicts.
    public var platform: String?
    /// The instant the conflict is about.
    public var time: Instant
    /// A better time, when the rule can name one (DST: three hours after the transition).
    public var suggestedTime: Instant?

    public init(
        type: ConflictType, severity: ConflictSeverity, reason: String, suggestion: String? = nil,
        conflictingScheduleID: String? = nil, platform: String? = nil, time: Instant, suggestedTime: Instant? = nil
    ) {
        self.type = type
        self.severity = severity
        self.reason = reason
        self.suggestion = suggestion
        self.conflictingScheduleID = conflictingScheduleID
        self.platform = platform
        self.time = time
        self.suggestedTime = suggestedTime
    }
}

extension Instant: Codable {
    public init(from decoder: Decoder) throws {
        self.init(unixMilliseconds: try decoder.singleValueContainer().decode(Int64.self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(unixMilliseconds)
    }
}
