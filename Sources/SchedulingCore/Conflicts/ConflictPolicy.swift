/// Thresholds of the conflict checks; the defaults are the seed's.
public struct ConflictPolicy: Sendable, Hashable {
    /// Same-time window: another schedule within ± this many seconds is a WARNING. Default 60.
    public var sameTimeWindowSeconds: Int64 = 60
    /// Rate-limit window: schedules counted within ± this many seconds. Default 3600.
    public var rateLimitWindowSeconds: Int64 = 3600
    /// Per-platform hourly limits (the seed's table, overridable per project).
    public var rateLimits = PlatformRateLimits()
    /// Resource window: concurrent publishes counted within ± this many seconds. Default 150 (±2.5 min).
    public var resourceWindowSeconds: Int64 = 150
    /// Maximum concurrent publishes in the resource window. Default 5.
    public var maxConcurrent: Int = 5
    /// Fraction of a capacity at which a WARNING is raised. Default 0.8.
    public var warningRatio: Double = 0.8
    /// A schedule within this many seconds of a DST transition gets a WARNING. Default 7200.
    public var dstWindowSeconds: Int64 = 7200
    /// The DST suggestion: this many seconds after the transition. Default 10800.
    public var dstSuggestionOffsetSeconds: Int64 = 10_800
    /// Auto-resolve step. Default 900 (15 minutes).
    public var autoResolveStepSeconds: Int64 = 900
    /// Auto-resolve horizon. Default 86400 (the next 24 hours).
    public var autoResolveHorizonSeconds: Int64 = 86_400

    public init() {}

    /// The widest window any of the counts looks at around a time (same-time, rate-limit or
    /// resource), in seconds.
    public var widestWindowSeconds: Int64 {
        max(sameTimeWindowSeconds, rateLimitWindowSeconds, resourceWindowSeconds)
    }

    /// The count at which a capacity of `limit` raises a WARNING: ⌈limit × warningRatio⌉.
    public func warningThreshold(_ limit: Int) -> Int {
        Int((Double(limit) * warningRatio).rounded(.up))
    }
}

/// What the conflict checks need to know about existing schedules, answered by the store with
/// indexed range counts (never a scan). Windows are closed intervals; `excluding` omits the
/// schedule being re-validated. Only schedules that occupy their slot count: everything except
/// cancelled, failed, expired and skipped items.
public protocol OccupancySource {
    /// Up to `limit` ids of the project's schedules with a time in `window`.
    func scheduleIDs(project: String, in window: ClosedRange<Instant>, excluding: String?, limit: Int) throws -> [String]
    /// The number of the project's schedules with a time in `window`.
    func count(project: String, in window: ClosedRange<Instant>, excluding: String?) throws -> Int
    /// The number of the project's schedules for `platform` (canonical name) with a time in `window`.
    func count(project: String, platform: String, in window: ClosedRange<Instant>, excluding: String?) throws -> Int
    /// Everything ``ConflictChecker/check(_:in:)`` asks about one time, at once. A source that
    /// pays per question (a database round trip) answers them together; the default asks each
    /// of the three methods above in turn.
    func occupancy(_ q: OccupancyQuestions) throws -> OccupancyAnswers
}

/// The questions the conflict checks ask about one proposed time.
public struct OccupancyQuestions: Sendable, Hashable {
    /// The project whose schedules are counted.
    public var project: String
    /// The schedule being re-validated, left out of every answer.
    public var excluding: String?
    /// Same-time: up to `sameTimeLimit` ids in this window.
    public var sameTime: ClosedRange<Instant>
    /// At most this many same-time ids.
    public var sameTimeLimit: Int
    /// Resource: the count in this window.
    public var resource: ClosedRange<Instant>
    /// Rate limits: one count per platform (canonical names) in this window.
    public var rate: ClosedRange<Instant>
    /// The platforms to count in `rate`.
    public var platforms: [String]

    /// The questions about one time; see each property.
    public init(
        project: String, excluding: String?, sameTime: ClosedRange<Instant>, sameTimeLimit: Int,
        resource: ClosedRange<Instant>, rate: ClosedRange<Instant>, platforms: [String]
    ) {
        self.project = project
        self.excluding = excluding
        self.sameTime = sameTime
        self.sameTimeLimit = sameTimeLimit
        self.resource = resource
        self.rate = rate
        self.platforms = platforms
    }
}

/// The answers to ``OccupancyQuestions``.
public struct OccupancyAnswers: Sendable, Hashable {
    /// Up to `sameTimeLimit` ids in the same-time window, by time, then id.
    public var sameTimeIDs: [String]
    /// The count in the resource window.
    public var resourceCount: Int
    /// One count per asked platform, in the order asked.
    public var platformCounts: [Int]

    /// The answers; see each property.
    public init(sameTimeIDs: [String], resourceCount: Int, platformCounts: [Int]) {
        self.sameTimeIDs = sameTimeIDs
        self.resourceCount = resourceCount
        self.platformCounts = platformCounts
    }
}

extension OccupancySource {
    /// Asks ``scheduleIDs(project:in:excluding:limit:)``, ``count(project:in:excluding:)`` and
    /// ``count(project:platform:in:excluding:)`` once per platform, in turn.
    public func occupancy(_ q: OccupancyQuestions) throws -> OccupancyAnswers {
        OccupancyAnswers(
            sameTimeIDs: try scheduleIDs(project: q.project, in: q.sameTime, excluding: q.excluding, limit: q.sameTimeLimit),
            resourceCount: try count(project: q.project, in: q.resource, excluding: q.excluding),
            platformCounts: try q.platforms.map {
                try count(project: q.project, platform: $0, in: q.rate, excluding: q.excluding)
            })
    }
}
