import SchedulingCore

/// What an alert is about.
public enum AlertKind: String, Sendable, Hashable, CaseIterable {
    /// A schedule reached FAILED: its last retry failed, or a worker reported a non-retryable failure.
    case scheduleFailed = "SCHEDULE_FAILED"
    /// An attempt is held as "outcome unknown": the worker's lease ran out while it was publishing
    /// (lease-loss policy HOLD), so a person must check the platform.
    case outcomeUnknown = "OUTCOME_UNKNOWN"
    /// A project's oldest due item has waited longer than its threshold (no worker keeps up).
    case dueBacklog = "DUE_BACKLOG"
    /// A platform's count within an hour of a new schedule reached a fraction of its hourly limit.
    case platformLimit = "PLATFORM_LIMIT"
}

/// Where an alert is in its delivery.
public enum AlertDeliveryState: String, Sendable, Hashable, CaseIterable {
    /// Waiting for (another) delivery attempt.
    case pending = "PENDING"
    /// The receiver answered 2xx.
    case delivered = "DELIVERED"
    /// Every attempt failed; the dispatcher gave up.
    case failed = "FAILED"
}

/// Which alerts a project gets, and their thresholds. Plain values; the server fills them from
/// its config file.
public struct AlertRules: Sendable, Hashable {
    /// Alert when a schedule reaches FAILED. Default on.
    public var scheduleFailed = true
    /// Alert when an attempt is held as "outcome unknown". Default on.
    public var outcomeUnknown = true
    /// Alert when the oldest due item has waited at least this long (seconds); nil = off.
    public var dueWaitingSeconds: Int64?
    /// Alert when an Enqueue brings a platform's count within an hour of the new schedule to at
    /// least this fraction (0 < f ≤ 1) of its hourly limit; nil = off.
    public var platformLimitFraction: Double?

    /// Rules with the defaults: failures and outcome-unknown holds on, thresholds off.
    public init(
        scheduleFailed: Bool = true, outcomeUnknown: Bool = true, dueWaitingSeconds: Int64? = nil,
        platformLimitFraction: Double? = nil
    ) {
        self.scheduleFailed = scheduleFailed
        self.outcomeUnknown = outcomeUnknown
        self.dueWaitingSeconds = dueWaitingSeconds
        self.platformLimitFraction = platformLimitFraction
    }
}

/// Which projects get alerts written to the outbox. Empty by default: nothing is written.
public struct AlertPolicy: Sendable, Hashable {
    /// The rules of every project without its own; nil = only the projects in ``projects``.
    public var global: AlertRules?
    /// Per project rules, replacing ``global`` for that project.
    public var projects: [String: AlertRules] = [:]
    /// A threshold alert (due backlog) that persists is raised at most once per project per
    /// window of this many seconds (UTC-aligned). Default 3600. Platform-limit alerts are raised
    /// at most once per project, platform and UTC hour of the schedules' time.
    public var thresholdWindowSeconds: Int64 = 3600

    /// No alerts.
    public init() {}

    /// The rules of `project`, or nil when it gets no alerts.
    public func rules(for project: String) -> AlertRules? { projects[project] ?? global }

    /// Whether any project has a due-backlog threshold (the server reads the queue only then).
    public var watchesBacklog: Bool {
        global?.dueWaitingSeconds != nil || projects.values.contains { $0.dueWaitingSeconds != nil }
    }
}

/// One alert of the outbox and its delivery state.
public struct Alert: Sendable, Hashable {
    /// `alr_` + ULID: fixed when the alert is written, sent with every delivery attempt, so a
    /// receiver can drop repeats.
    public var id: String
    /// The project the alert is about (its webhook is this project's, or the global one).
    public var projectID: String
    /// What the alert is about.
    public var kind: AlertKind
    /// The schedule it is about (SCHEDULE_FAILED, OUTCOME_UNKNOWN, PLATFORM_LIMIT).
    public var scheduleID: String?
    /// The platform it is about (PLATFORM_LIMIT).
    public var platform: String?
    /// One line for people.
    public var message: String
    /// The kind's figures as a JSON object (docs/OPERATIONS.md, "Alerts").
    public var detailsJSON: String
    /// When the event happened (the alert was written in its transaction).
    public var createdAt: Instant
    /// Where its delivery is.
    public var state: AlertDeliveryState
    /// Delivery attempts begun so far.
    public var attempts: Int
    /// When the next attempt is due (while PENDING).
    public var nextAttemptAt: Instant
    /// When the receiver accepted it.
    public var deliveredAt: Instant?
    /// The last failed attempt's error.
    public var lastError: String?

    /// An alert, field by field.
    public init(
        id: String, projectID: String, kind: AlertKind, scheduleID: String? = nil, platform: String? = nil,
        message: String, detailsJSON: String = "{}", createdAt: Instant, state: AlertDeliveryState = .pending,
        attempts: Int = 0, nextAttemptAt: Instant? = nil, deliveredAt: Instant? = nil, lastError: String? = nil
    ) {
        self.id = id
        self.projectID = projectID
        self.kind = kind
        self.scheduleID = scheduleID
        self.platform = platform
        self.message = message
        self.detailsJSON = detailsJSON
        self.createdAt = createdAt
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt ?? createdAt
        self.deliveredAt = deliveredAt
        self.lastError = lastError
    }
}

/// What one delivery attempt of a claimed alert came to.
public enum AlertDeliveryResult: Sendable, Hashable {
    /// The receiver answered 2xx.
    case delivered
    /// It failed; try again at the instant.
    case retry(at: Instant, error: String)
    /// It failed for the last time.
    case gaveUp(error: String)
}

/// The alert outbox of a store: alerts are written by the workflow in the transaction of the
/// event that caused them; a dispatcher claims due ones, delivers them and reports back.
/// ``SchedulingStore`` refines it, so every backend has one.
public protocol AlertOutbox: Sendable {
    /// A project's alerts, newest first: up to `limit` (1…1000), with their delivery state.
    func listAlerts(projectID: String, limit: Int) async throws(StoreError) -> [Alert]
    /// Claims up to `limit` PENDING alerts whose next attempt is due, for `leaseSeconds`: no other
    /// claim (on any node) gets them until the lease ends or the attempt is reported. Each
    /// claimed alert's ``Alert/attempts`` counts the attempt being made.
    func claimAlerts(limit: Int, leaseSeconds: Int64) async throws(StoreError) -> [Alert]
    /// Records the result of the attempt ``claimAlerts(limit:leaseSeconds:)`` handed out as
    /// attempt number `attempt`; ignored when the alert was claimed again since (its lease ran out).
    func finishAlertDelivery(id: String, attempt: Int, result: AlertDeliveryResult) async throws(StoreError)
    /// Writes a DUE_BACKLOG alert for each project whose oldest due item (in `gauges`) has waited
    /// at least its threshold, at most once per project and threshold window; returns how many
    /// were written.
    func recordBacklogAlerts(_ gauges: QueueGauges) async throws(StoreError) -> Int
}

/// A new outbox row (``ScheduleRepository/insertAlert(_:)``).
struct NewAlert {
    var alert: Alert
    /// Unique: a second alert with the same key is not written (one alert per event, or per
    /// project, kind and window for thresholds).
    var dedupeKey: String
}

/// The SQL both backends share for the outbox (`?N` parameters; PostgreSQL's spelling is made by
/// ``postgres(_:)``).
enum AlertSQL {
    static let columns = """
        id, project_id, kind, schedule_id, platform, message, details, created_at, state, attempts, \
        next_attempt_at, delivered_at, last_error
        """

    static let insert = """
        INSERT INTO alerts (id, project_id, kind, dedupe_key, schedule_id, platform, message, details, created_at,
            next_attempt_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)
        ON CONFLICT (dedupe_key) DO NOTHING
        """

    static let list = """
        SELECT \(columns) FROM alerts WHERE project_id = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2
        """

    /// ?1 attempt number the claim was handed out as, ?2 id, ?3 now, ?4 retry time, ?5 error.
    static let delivered = """
        UPDATE alerts SET state = 'DELIVERED', delivered_at = ?3, lease_until = NULL, last_error = NULL
         WHERE id = ?2 AND attempts = ?1 AND state = 'PENDING'
        """
    static let retry = """
        UPDATE alerts SET next_attempt_at = ?4, last_error = ?5, lease_until = NULL
         WHERE id = ?2 AND attempts = ?1 AND state = 'PENDING'
        """
    static let gaveUp = """
        UPDATE alerts SET state = 'FAILED', last_error = ?5, lease_until = NULL
         WHERE id = ?2 AND attempts = ?1 AND state = 'PENDING'
        """

    /// `?N` → `$N`.
    static func postgres(_ sql: String) -> String { SQLText.postgres(sql) }

    static func decode(_ s: some ColumnReader) -> Alert {
        Alert(
            id: s.string(0), projectID: s.string(1), kind: AlertKind(rawValue: s.string(2)) ?? .scheduleFailed,
            scheduleID: s.optionalString(3), platform: s.optionalString(4), message: s.string(5),
            detailsJSON: s.string(6), createdAt: Instant(unixMilliseconds: s.int64(7)),
            state: AlertDeliveryState(rawValue: s.string(8)) ?? .pending, attempts: s.int(9),
            nextAttemptAt: Instant(unixMilliseconds: s.int64(10)),
            deliveredAt: s.optionalInt64(11).map { Instant(unixMilliseconds: $0) }, lastError: s.optionalString(12))
    }

    static func checkListLimit(_ limit: Int) throws(StoreError) {
        guard (1...1000).contains(limit) else { throw .invalidArgument("limit", "must be 1…1000") }
    }
}
