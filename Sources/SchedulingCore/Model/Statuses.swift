/// Where an item is in the publishing queue (the seed's `QueueStatus`).
public enum QueueStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// Waiting in the queue until its time.
    case pending = "PENDING"
    /// Handed to a worker under a lease; not yet started.
    case queued = "QUEUED"
    /// A worker is publishing it.
    case processing = "PROCESSING"
    /// Published (fully, or partially at the last retry).
    case completed = "COMPLETED"
    /// Permanently failed (retries exhausted, expired, or outcome unknown).
    case failed = "FAILED"
    /// Cancelled by a user, or skipped by the system.
    case cancelled = "CANCELLED"
    /// Held by a user; not dequeued until resumed.
    case paused = "PAUSED"

    /// Terminal queue states: nothing happens to the item on its own any more.
    public var isTerminal: Bool { self == .completed || self == .failed || self == .cancelled }

    /// The statuses a project's capacity limit counts: every schedule not finished yet, PAUSED
    /// included (a resume puts it back in the queue without a new Enqueue).
    public static let pendingStatuses: [QueueStatus] = [.pending, .queued, .processing, .paused]

    /// Whether a schedule in this status counts against its project's capacity limit
    /// (``pendingStatuses``): every status but the terminal ones.
    public var countsAsPending: Bool { !isTerminal }
}

/// The schedule's outcome as a person sees it (the seed's `ScheduleStatus`).
public enum ScheduleStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case scheduled = "SCHEDULED"
    case active = "ACTIVE"
    case published = "PUBLISHED"
    case failed = "FAILED"
    case cancelled = "CANCELLED"
    /// Missed its window: not started within the expiry window after its time.
    case expired = "EXPIRED"
    /// Skipped by the system (a missed recurring occurrence beyond the catch-up window).
    case skipped = "SKIPPED"
}

/// The seed's `ConflictType`.
public enum ConflictType: String, Sendable, Hashable, CaseIterable, Codable {
    /// Another schedule within one minute.
    case sameTime = "SAME_TIME"
    /// A platform's hourly rate limit would be reached.
    case rateLimit = "RATE_LIMIT"
    /// Too many publishes at once (max concurrent within ±2.5 minutes).
    case resource = "RESOURCE"
    /// Other business rules, e.g. a DST transition nearby.
    case custom = "CUSTOM"
}

/// The seed's `ConflictSeverity`, ordered from least to most severe.
public enum ConflictSeverity: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case info = "INFO"
    case warning = "WARNING"
    case error = "ERROR"
    case critical = "CRITICAL"

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        case .critical: 3
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }

    /// ERROR and CRITICAL block a schedule; INFO and WARNING are advice.
    public var isBlocking: Bool { self >= .error }
}
