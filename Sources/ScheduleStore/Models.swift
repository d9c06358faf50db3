import SchedulingCore

/// How a recurring schedule repeats.
public enum RecurrenceSpec: Sendable, Hashable {
    /// An RFC 5545 RRULE (`FREQ=WEEKLY;BYDAY=MO,WE`); DTSTART is the schedule's local time.
    case rrule(String)
    /// A five-field cron expression evaluated on wall-clock time in the schedule's zone.
    case cron(String)
    /// The seed's shorthand: `pattern` is daily, weekly or monthly; `configJSON` the seed's
    /// recurringConfig (`{"daysOfWeek":[1,3,5],"hour":14,"minute":0}`), compiled to an RRULE.
    case shorthand(pattern: String, configJSON: String?)
}

/// When a schedule should publish.
public enum ScheduleTime: Sendable, Hashable {
    /// A UTC instant; the local time is derived in the schedule's zone.
    case instant(Instant)
    /// A wall-clock time in the schedule's zone (RFC 5545 gap/overlap rules apply).
    case local(LocalDateTime)
}

/// What happens when a worker's lease expires while the item is PROCESSING.
public enum LeaseLossPolicy: String, Sendable, Hashable, CaseIterable {
    /// Retry under the schedule's retry policy (may publish twice).
    case retry = "RETRY"
    /// FAILED with reason "outcome unknown" for a person to confirm. The default: a repeated
    /// social post is a visible mistake.
    case holdOutcomeUnknown = "HOLD"
}

/// A scheduled publish: the seed's ScheduledContent plus what a real queue needs.
public struct Schedule: Sendable, Hashable {
    public var id: String
    public var contentID: String
    public var projectID: String
    /// The UTC instant it is due.
    public var scheduledFor: Instant
    /// The wall-clock time in ``timeZone`` (what the user asked for).
    public var localTime: LocalDateTime
    /// IANA zone identifier.
    public var timeZone: String
    /// The occurrence's slot in its series (before any retry moved ``scheduledFor``).
    public var nominalTime: Instant
    /// Canonical platform names (upper case).
    public var platforms: [String]
    /// Platforms that have published (kept across retries).
    public var publishedPlatforms: [String]
    /// 1…10, higher first.
    public var priority: Int
    public var queueStatus: QueueStatus
    public var status: ScheduleStatus
    public var queuedAt: Instant?
    public var processingAt: Instant?
    public var publishedAt: Instant?
    public var isRecurring: Bool
    /// The seed's recurringPattern: daily, weekly, monthly or custom.
    public var recurringPattern: String?
    /// The seed's recurringConfig JSON, as given.
    public var recurringConfig: String?
    /// The rule the series follows.
    public var recurrence: RecurrenceSpec?
    public var recurringUntil: Instant?
    /// Links the occurrences of one recurring series (the first occurrence's id).
    public var seriesID: String?
    public var retryCount: Int
    public var maxRetries: Int
    public var retryDelaySeconds: Int64
    /// Seconds a worker waits before publishing (the seed's staggered publishing).
    public var publishDelaySeconds: Int64
    /// The seed's inngestJobId: an external job id, unique when set.
    public var externalJobID: String?
    public var leaseOwner: String?
    public var leaseExpiresAt: Instant?
    /// Attempts handed out so far.
    public var attemptCount: Int
    public var leaseLossPolicy: LeaseLossPolicy
    /// Seconds after ``scheduledFor`` within which it must start, else EXPIRED; nil = never.
    public var expiryWindowSeconds: Int64?
    public var failureReason: String?
    public var notes: String?
    /// Caller's JSON metadata, as given.
    public var metadataJSON: String?
    public var idempotencyKey: String?
    public var createdAt: Instant
    public var updatedAt: Instant

    /// The platforms a retry still has to publish to.
    public var remainingPlatforms: [String] {
        let done = Set(publishedPlatforms)
        return platforms.filter { !done.contains($0) }
    }

    /// Queue and schedule status together.
    public var state: ScheduleState { ScheduleState(queue: queueStatus, schedule: status) }
}

/// An enqueue request with every option of the seed.
public struct EnqueueRequest: Sendable, Hashable {
    public var projectID: String
    public var contentID: String
    public var time: ScheduleTime
    /// IANA zone. Default "UTC".
    public var timeZone: String
    /// Platform names (any case; `dev.to` → `DEVTO`); non-empty, known to the rate-limit table.
    public var platforms: [String]
    /// 1…10. Default 5.
    public var priority: Int
    public var recurrence: RecurrenceSpec?
    public var recurringUntil: Instant?
    /// Default 0.
    public var publishDelaySeconds: Int64
    /// 0…100. Default 3.
    public var maxRetries: Int
    /// Base backoff in seconds (doubles per retry). Default 300.
    public var retryDelaySeconds: Int64
    public var notes: String?
    /// A JSON object (checked with SQLite's JSON functions).
    public var metadataJSON: String?
    /// Store at the first conflict-free slot within 24 hours when the time is blocked.
    public var autoResolve: Bool
    /// Same key + same request → the existing schedule; different request → alreadyExists.
    public var idempotencyKey: String?
    /// nil = the store's default.
    public var expiryWindowSeconds: Int64?
    public var leaseLossPolicy: LeaseLossPolicy
    public var externalJobID: String?

    public init(
        projectID: String, contentID: String, time: ScheduleTime, timeZone: String = "UTC", platforms: [String],
        priority: Int = 5, recurrence: RecurrenceSpec? = nil, recurringUntil: Instant? = nil,
        publishDelaySeconds: Int64 = 0, maxRetries: Int = 3, retryDelaySeconds: Int64 = 300, notes: String? = nil,
        metadataJSON: String? = nil, autoResolve: Bool = false, idempotencyKey: String? = nil,
        expiryWindowSeconds: Int64? = nil, leaseLossPolicy: LeaseLossPolicy = .holdOutcomeUnknown,
        externalJobID: String? = nil
    ) {
        self.projectID = projectID
        self.contentID = contentID
        self.time = time
        self.timeZone = timeZone
        self.platforms = platforms
        self.priority = priority
        self.recurrence = recurrence
        self.recurringUntil = recurringUntil
        self.publishDelaySeconds = publishDelaySeconds
        self.maxRetries = maxRetries
        self.retryDelaySeconds = retryDelaySeconds
        self.notes = notes
        self.metadataJSON = metadataJSON
        self.autoResolve = autoResolve
        self.idempotencyKey = idempotencyKey
        self.expiryWindowSeconds = expiryWindowSeconds
        self.leaseLossPolicy = leaseLossPolicy
        self.externalJobID = externalJobID
    }
}

/// The outcome of an enqueue.
public struct EnqueueResult: Sendable, Hashable {
    public var schedule: Schedule
    /// The time asked for.
    public var originalTime: Instant
    /// Set when auto-resolve moved the schedule.
    public var adjustedTime: Instant?
    /// The findings at the requested time (and, when adjusted, advice at the new time).
    public var conflicts: [Conflict]
    /// True when an earlier request with the same idempotency key produced ``schedule``.
    public var replayed: Bool
    /// The time asked for was already in the past (within the missed-publish window): the
    /// schedule is due at once. A time past that window is refused.
    public var pastDue: Bool = false
}

/// Sort fields for ``ListRequest``.
public enum ScheduleSortField: String, Sendable, Hashable, CaseIterable {
    case scheduledFor, createdAt, priority
}

/// Sort direction.
public enum SortOrder: String, Sendable, Hashable, CaseIterable {
    case asc, desc
}

/// The seed's list query.
public struct ListRequest: Sendable, Hashable {
    public var projectID: String
    public var queueStatus: QueueStatus?
    /// Inclusive lower bound on scheduledFor.
    public var from: Instant?
    /// Inclusive upper bound on scheduledFor.
    public var to: Instant?
    public var platform: String?
    /// ≥ 1. Default 1.
    public var page: Int
    /// 1…100. Default 20.
    public var limit: Int
    public var sortBy: ScheduleSortField
    public var order: SortOrder

    public init(
        projectID: String, queueStatus: QueueStatus? = nil, from: Instant? = nil, to: Instant? = nil,
        platform: String? = nil, page: Int = 1, limit: Int = 20, sortBy: ScheduleSortField = .scheduledFor,
        order: SortOrder = .asc
    ) {
        self.projectID = projectID
        self.queueStatus = queueStatus
        self.from = from
        self.to = to
        self.platform = platform
        self.page = page
        self.limit = limit
        self.sortBy = sortBy
        self.order = order
    }
}

/// One page of a listing, with the total across all pages.
public struct Page<Item: Sendable & Hashable>: Sendable, Hashable {
    public var items: [Item]
    public var page: Int
    public var limit: Int
    public var total: Int
    public var totalPages: Int
}

/// One page of schedules.
public typealias ListResult = Page<Schedule>

/// An edit of a schedule; nil fields stay as they are.
public struct UpdateRequest: Sendable, Hashable {
    public var projectID: String
    public var scheduleID: String
    /// A new time. When only ``timeZone`` changes, the wall-clock time is kept and re-read in it.
    public var time: ScheduleTime?
    public var timeZone: String?
    public var platforms: [String]?
    public var priority: Int?
    /// `.some(nil)` clears the notes.
    public var notes: String??
    public var autoResolve: Bool
    /// nil keeps the schedule's policy.
    public var leaseLossPolicy: LeaseLossPolicy?

    public init(
        projectID: String, scheduleID: String, time: ScheduleTime? = nil, timeZone: String? = nil,
        platforms: [String]? = nil, priority: Int? = nil, notes: String?? = nil, autoResolve: Bool = false,
        leaseLossPolicy: LeaseLossPolicy? = nil
    ) {
        self.projectID = projectID
        self.scheduleID = scheduleID
        self.time = time
        self.timeZone = timeZone
        self.platforms = platforms
        self.priority = priority
        self.notes = notes
        self.autoResolve = autoResolve
        self.leaseLossPolicy = leaseLossPolicy
    }
}

/// One finished item reported in a batch (``SchedulingStore/acknowledge(_:)``): a Complete or a
/// Fail with the arguments of ``ScheduleStore/complete(projectID:scheduleID:leaseToken:results:)``
/// and ``ScheduleStore/fail(projectID:scheduleID:leaseToken:results:error:retryable:)``.
public enum Acknowledgement: Sendable, Hashable {
    case complete(
        projectID: String, scheduleID: String, leaseToken: String, results: [PlatformResult], publishedAt: Instant? = nil)
    case fail(
        projectID: String, scheduleID: String, leaseToken: String, results: [PlatformResult], error: String,
        retryable: Bool)
}

/// The user transitions ``ScheduleStore/batch(_:projectID:scheduleIDs:reason:)`` applies.
public enum BatchAction: String, Sendable, Hashable, CaseIterable {
    case pause, resume, cancel
}

/// The outcome of a batch pause / resume / cancel.
public struct BatchResult: Sendable, Hashable {
    /// Schedules that changed.
    public var affected: Int
    /// Requested ids that did not change: not found in the project, or in a state the action
    /// does not apply to. In request order, each id once.
    public var skippedIDs: [String]

    public init(affected: Int = 0, skippedIDs: [String] = []) {
        self.affected = affected
        self.skippedIDs = skippedIDs
    }
}

/// A dequeue request.
public struct DequeueRequest: Sendable, Hashable {
    public var projectID: String
    /// 1…100. Default 10.
    public var limit: Int
    /// Lease length, 1 s … 24 h. Default 300.
    public var leaseSeconds: Int64
    public var workerID: String
    /// Cap on the project's items in flight (QUEUED or PROCESSING under a live lease).
    public var maxInFlight: Int?
    /// Hand the items out already started (PROCESSING), as if ``ScheduleStore/markProcessing``
    /// had been called for each in the same transaction.
    public var start: Bool

    public init(
        projectID: String, limit: Int = 10, leaseSeconds: Int64 = 300, workerID: String, maxInFlight: Int? = nil,
        start: Bool = false
    ) {
        self.projectID = projectID
        self.limit = limit
        self.leaseSeconds = leaseSeconds
        self.workerID = workerID
        self.maxInFlight = maxInFlight
        self.start = start
    }
}

/// An item handed to a worker.
public struct Lease: Sendable, Hashable {
    public var schedule: Schedule
    /// The fencing token Complete / Fail / Heartbeat must present. Random, 128 bits.
    public var token: String
    public var expiresAt: Instant
    /// 1 for the first attempt.
    public var attempt: Int
    /// Stable for this attempt: pass it on to platform APIs.
    public var idempotencyKey: String
    /// What this attempt still has to publish.
    public var remainingPlatforms: [String] { schedule.remainingPlatforms }
}

/// The outcome on one platform in one attempt.
public struct PlatformResult: Sendable, Hashable {
    public var platform: String
    /// The published URL on success.
    public var url: String?
    /// The error on failure; nil means published.
    public var error: String?

    public init(platform: String, url: String? = nil, error: String? = nil) {
        self.platform = platform
        self.url = url
        self.error = error
    }

    public var succeeded: Bool { error == nil }
}

/// What a Fail led to.
public enum FailOutcome: Sendable, Hashable {
    /// Back to PENDING, due at `at`.
    case retryScheduled(at: Instant, retryCount: Int)
    /// FAILED for good.
    case failed
    /// Some platforms published at the last retry: COMPLETED (the seed's rule).
    case completedPartially
}

/// The outcome of Complete / Fail.
public struct FinishResult: Sendable, Hashable {
    public var schedule: Schedule
    /// For Fail: what happened.
    public var outcome: FailOutcome?
    /// The recurring series' next occurrence, created in the same transaction.
    public var nextOccurrence: Schedule?
}

/// What a lease reaper pass did.
public struct ReapResult: Sendable, Hashable {
    /// QUEUED items put back to PENDING.
    public var released: Int = 0
    /// PROCESSING items put back for a retry.
    public var retried: Int = 0
    /// PROCESSING items failed with "outcome unknown" (or retries exhausted).
    public var failed: Int = 0
    /// Of ``failed``: those held as "outcome unknown" for a person to confirm (lease-loss policy HOLD).
    public var heldOutcomeUnknown: Int = 0

    public init(released: Int = 0, retried: Int = 0, failed: Int = 0, heldOutcomeUnknown: Int = 0) {
        self.released = released
        self.retried = retried
        self.failed = failed
        self.heldOutcomeUnknown = heldOutcomeUnknown
    }
}

/// What a missed-window pass did.
public struct MissedWindowResult: Sendable, Hashable {
    /// One-off items that were not started within their window: EXPIRED.
    public var expired: Int = 0
    /// Recurring occurrences beyond the catch-up window: SKIPPED.
    public var skipped: Int = 0
    /// Next occurrences created for series that moved on.
    public var followUps: Int = 0

    public init(expired: Int = 0, skipped: Int = 0, followUps: Int = 0) {
        self.expired = expired
        self.skipped = skipped
        self.followUps = followUps
    }
}

/// The seed's getQueueStats.
public struct QueueStats: QueueStatusCounts, Sendable, Hashable {
    public var pending = 0, queued = 0, processing = 0, completed = 0, failed = 0, cancelled = 0, paused = 0
    /// Mean seconds from due to dequeued, over the window; nil without data.
    public var avgWaitTime: Int?
    /// Mean seconds from start to finish, over the window; nil without data.
    public var avgProcessingTime: Int?
    /// Completed ÷ (completed + failed) × 100 over the window; nil without data.
    public var successRate: Double?
    /// Most items due and waiting for a worker at one moment, over the window.
    public var peakQueueLength = 0
    /// The project's capacity limit on pending schedules (``StoreConfiguration/pendingLimit(for:)``);
    /// nil = none.
    public var pendingLimit: Int?

    public init() {}

    /// The schedules the capacity limit counts (``QueueStatus/pendingStatuses``): PENDING, QUEUED,
    /// PROCESSING and PAUSED.
    public var pendingTotal: Int { pending + queued + processing + paused }

    /// The window of the averages, success rate and peak: the last 24 hours (the seed's).
    static let windowSeconds: Int64 = 86_400

    /// Takes the averages, success rate and peak of `window`, the figures computed over the
    /// stats' window.
    mutating func takeWindow(_ window: QueueMetrics) {
        avgWaitTime = window.avgWaitTime
        avgProcessingTime = window.avgProcessingTime
        successRate = window.successRate
        peakQueueLength = window.peakQueueLength
    }
}

/// What a Stats call answers, read in one snapshot so its figures agree with each other
/// (``SchedulingStore/projectStats(projectID:history:byPlatform:)``).
public struct ProjectStats: Sendable, Hashable {
    /// Counts per status now; averages, success rate and peak over the last 24 hours.
    public var queue: QueueStats
    /// Stored daily metrics whose period starts within the asked range, oldest first; empty
    /// when no range was asked for.
    public var history: [QueueMetrics]
    /// Per platform and status, sorted by platform; empty unless asked for.
    public var platforms: [PlatformQueueCounts]

    public init(queue: QueueStats, history: [QueueMetrics], platforms: [PlatformQueueCounts]) {
        self.queue = queue
        self.history = history
        self.platforms = platforms
    }
}

/// Schedules counted per queue status: ``QueueStats`` (a project's) and ``PlatformQueueCounts``
/// (one platform's).
public protocol QueueStatusCounts {
    var pending: Int { get set }
    var queued: Int { get set }
    var processing: Int { get set }
    var completed: Int { get set }
    var failed: Int { get set }
    var cancelled: Int { get set }
    var paused: Int { get set }
}

extension QueueStatusCounts {
    /// Adds `n` schedules in the queue status named `status` (a stored `queue_status`; an unknown
    /// name counts nowhere).
    mutating func add(_ n: Int, status: String) {
        switch QueueStatus(rawValue: status) {
        case .pending: pending += n
        case .queued: queued += n
        case .processing: processing += n
        case .completed: completed += n
        case .failed: failed += n
        case .cancelled: cancelled += n
        case .paused: paused += n
        case nil: break
        }
    }
}

/// One platform's schedules by queue status (``SchedulingStore/platformCounts(projectID:)``). A
/// schedule on several platforms counts once for each of them.
public struct PlatformQueueCounts: QueueStatusCounts, Sendable, Hashable {
    /// The platform's canonical name, as stored.
    public var platform: String
    /// Its schedules in each queue status.
    public var pending = 0, queued = 0, processing = 0, completed = 0, failed = 0, cancelled = 0, paused = 0

    /// No schedules yet on `platform`.
    public init(platform: String) { self.platform = platform }

    /// Counts per platform from rows of (the stored comma-separated `platforms`, `queue_status`,
    /// count), sorted by platform.
    static func tally(_ rows: [(platforms: String, status: String, count: Int)]) -> [PlatformQueueCounts] {
        var byPlatform: [String: PlatformQueueCounts] = [:]
        for row in rows {
            for p in row.platforms.split(separator: ",") {
                let name = String(p)
                byPlatform[name, default: PlatformQueueCounts(platform: name)].add(row.count, status: row.status)
            }
        }
        return byPlatform.values.sorted { $0.platform < $1.platform }
    }
}

/// The seed's QueueMetrics: one project's figures for one UTC day.
public struct QueueMetrics: Sendable, Hashable {
    public var id: String
    public var projectID: String
    public var periodStart: Instant
    /// Last millisecond of the day (the seed's 23:59:59.999).
    public var periodEnd: Instant
    /// Schedules enqueued that day.
    public var totalQueued: Int
    /// Attempts that finished that day.
    public var totalProcessed: Int
    public var totalCompleted: Int
    public var totalFailed: Int
    public var totalCancelled: Int
    public var avgWaitTime: Int?
    public var avgProcessingTime: Int?
    public var peakQueueLength: Int
    public var successRate: Double?
}

/// The seed's ScheduleConflict: a persisted finding.
/// A page of a project's recorded conflicts, newest conflict time first.
public struct ConflictListRequest: Sendable, Hashable {
    public var projectID: String
    /// Resolved ones too. Default false.
    public var includeResolved: Bool
    /// Only findings about this schedule, as either side of the pair.
    public var scheduleID: String?
    /// Conflict times from (inclusive).
    public var from: Instant?
    /// Conflict times to (inclusive).
    public var to: Instant?
    /// 1-based.
    public var page: Int
    /// 1…100. Default 20.
    public var limit: Int

    public init(
        projectID: String, includeResolved: Bool = false, scheduleID: String? = nil, from: Instant? = nil,
        to: Instant? = nil, page: Int = 1, limit: Int = 20
    ) {
        self.projectID = projectID
        self.includeResolved = includeResolved
        self.scheduleID = scheduleID
        self.from = from
        self.to = to
        self.page = page
        self.limit = limit
    }
}

/// One page of recorded conflicts.
public typealias ConflictListResult = Page<ScheduleConflict>

public struct ScheduleConflict: Sendable, Hashable {
    public var id: String
    public var projectID: String
    /// The schedule the finding is about.
    public var schedule1ID: String
    /// The other schedule (same-time conflicts); nil for rate-limit, resource and DST findings.
    public var schedule2ID: String?
    public var type: ConflictType
    public var time: Instant
    public var reason: String
    public var suggestion: String?
    public var platform: String?
    public var severity: ConflictSeverity
    public var resolved: Bool
    public var resolvedAt: Instant?
    public var resolution: String?
    public var resolvedBy: String?
    public var createdAt: Instant
}
