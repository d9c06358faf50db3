import Foundation
import WireProtocol

// Date and Duration views of the messages' wire times (milliseconds since the Unix epoch, whole
// seconds for lengths of time). The wire fields stay the source of truth: each view reads or writes
// its field, and 0 (the wire's "not set") reads as nil where a time may be absent.

/// The `Date` of a wire time in milliseconds since the Unix epoch.
func wireDate(milliseconds ms: Int64) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }

/// A wire time: `date` in whole milliseconds since the Unix epoch, rounded to the nearest.
func wireMilliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

/// nil for the wire's 0 ("not set").
func optionalWireDate(milliseconds ms: Int64) -> Date? { ms == 0 ? nil : wireDate(milliseconds: ms) }

/// A wire length in whole seconds: `d` rounded up (a lease is never shorter than asked), within Int32.
func wireSeconds(_ d: Duration) -> Int32 {
    let (s, atto) = d.components
    let whole = atto > 0 ? s + 1 : s
    return Int32(clamping: whole)
}

// MARK: Responses and models

extension SchedulerV1.Schedule {
    /// The instant it is due (`scheduledForMs`).
    public var scheduledFor: Date { wireDate(milliseconds: scheduledForMs) }
    /// When it was created (`createdAtMs`).
    public var createdAt: Date { wireDate(milliseconds: createdAtMs) }
    /// When it last changed (`updatedAtMs`).
    public var updatedAt: Date { wireDate(milliseconds: updatedAtMs) }
    /// When it was leased to a worker (`queuedAtMs`); nil if never.
    public var queuedAt: Date? { optionalWireDate(milliseconds: queuedAtMs) }
    /// When publishing began (`processingAtMs`); nil if never.
    public var processingAt: Date? { optionalWireDate(milliseconds: processingAtMs) }
    /// When it was published (`publishedAtMs`); nil if not yet.
    public var publishedAt: Date? { optionalWireDate(milliseconds: publishedAtMs) }
    /// When a recurring series ends (`recurringUntilMs`); nil for no end.
    public var recurringUntil: Date? { optionalWireDate(milliseconds: recurringUntilMs) }
    /// The base delay before a retry (`retryDelaySeconds`).
    public var retryDelay: Duration { .seconds(retryDelaySeconds) }
    /// The delay after the due time before publishing (`publishDelaySeconds`).
    public var publishDelay: Duration { .seconds(publishDelaySeconds) }
}

extension SchedulerV1.Lease {
    /// When the lease expires (`expiresAtMs`).
    public var expiresAt: Date { wireDate(milliseconds: expiresAtMs) }
}

extension SchedulerV1.Attempt {
    /// When the attempt started (`startedAtMs`).
    public var startedAt: Date { wireDate(milliseconds: startedAtMs) }
    /// When it ended (`endedAtMs`); nil while in progress.
    public var endedAt: Date? { optionalWireDate(milliseconds: endedAtMs) }
}

extension SchedulerV1.AttemptConfirmation {
    /// When the confirmation was recorded (`confirmedAtMs`).
    public var confirmedAt: Date { wireDate(milliseconds: confirmedAtMs) }
}

extension SchedulerV1.DequeuedItem {
    /// When the item's lease expires unless extended by a heartbeat (`leaseExpiresAtMs`).
    public var leaseExpiresAt: Date { wireDate(milliseconds: leaseExpiresAtMs) }
}

extension SchedulerV1.HeartbeatResponse {
    /// When the extended lease now expires (`leaseExpiresAtMs`).
    public var leaseExpiresAt: Date { wireDate(milliseconds: leaseExpiresAtMs) }
}

extension SchedulerV1.FailResponse {
    /// When the server retries (`nextAttemptAtMs`); nil when it will not (`willRetry` false).
    public var nextAttemptAt: Date? { willRetry ? wireDate(milliseconds: nextAttemptAtMs) : nil }
}

extension SchedulerV1.EnqueueResponse {
    /// The time asked for, when `autoResolve` moved it (`originalTimeMs`); else nil.
    public var originalTime: Date? { adjusted ? wireDate(milliseconds: originalTimeMs) : nil }
    /// The time chosen, when `autoResolve` moved it (`adjustedTimeMs`); else nil.
    public var adjustedTime: Date? { adjusted ? wireDate(milliseconds: adjustedTimeMs) : nil }
}

extension SchedulerV1.Conflict {
    /// The time of the conflict (`conflictTimeMs`).
    public var conflictTime: Date { wireDate(milliseconds: conflictTimeMs) }
    /// A free time the check suggests (`suggestedTimeMs`); nil when none.
    public var suggestedTime: Date? { optionalWireDate(milliseconds: suggestedTimeMs) }
}

extension SchedulerV1.StoredConflict {
    /// The time of the conflict (`conflictTimeMs`).
    public var conflictTime: Date { wireDate(milliseconds: conflictTimeMs) }
    /// When it was resolved (`resolvedAtMs`); nil while unresolved.
    public var resolvedAt: Date? { optionalWireDate(milliseconds: resolvedAtMs) }
}

extension SchedulerV1.ValidateResponse {
    /// The instant that was checked (`scheduledForMs`).
    public var scheduledFor: Date { wireDate(milliseconds: scheduledForMs) }
    /// A free time the check suggests (`suggestedTimeMs`); nil when none.
    public var suggestedTime: Date? { optionalWireDate(milliseconds: suggestedTimeMs) }
}

extension SchedulerV1.Occurrence {
    /// The occurrence's instant (`atMs`).
    public var at: Date { wireDate(milliseconds: atMs) }
}

// MARK: Requests

extension SchedulerV1.EnqueueRequest {
    /// A schedule due at an instant (`scheduledForMs`), rather than at a local time in a zone.
    ///
    /// ```swift
    /// let request = SchedulerV1.EnqueueRequest(
    ///     projectID: "blog", contentID: "post-1", scheduledFor: .now.addingTimeInterval(3600), platforms: ["twitter"])
    /// ```
    public init(projectID: String, contentID: String, scheduledFor: Date, platforms: [String], priority: Int32 = 0) {
        self.init(
            projectID: projectID, contentID: contentID, scheduledForMs: wireMilliseconds(scheduledFor), platforms: platforms,
            priority: priority)
    }

    /// The instant it is due (`scheduledForMs`); nil when the time is `localTime` in `timezone`.
    /// Setting it clears `localTime`.
    public var scheduledFor: Date? {
        get { optionalWireDate(milliseconds: scheduledForMs) }
        set {
            scheduledForMs = newValue.map(wireMilliseconds) ?? 0
            if newValue != nil { localTime = "" }
        }
    }

    /// When a recurring series ends (`recurringUntilMs`); nil for no end.
    public var recurringUntil: Date? {
        get { optionalWireDate(milliseconds: recurringUntilMs) }
        set { recurringUntilMs = newValue.map(wireMilliseconds) ?? 0 }
    }

    /// The delay after the due time before publishing (`publishDelaySeconds`), in whole seconds
    /// rounded up.
    public var publishDelay: Duration {
        get { .seconds(publishDelaySeconds) }
        set { publishDelaySeconds = wireSeconds(newValue) }
    }

    /// The base delay before a retry (`retryDelaySeconds`), in whole seconds rounded up; nil for
    /// the server's default (300 s).
    public var retryDelay: Duration? {
        get { retryDelaySeconds.map { .seconds($0) } }
        set { retryDelaySeconds = newValue.map(wireSeconds) }
    }
}

extension SchedulerV1.UpdateRequest {
    /// A new due instant (`scheduledForMs`); nil leaves the time alone (or changes it by `localTime`).
    public var scheduledFor: Date? {
        get { scheduledForMs.map { wireDate(milliseconds: $0) } }
        set { scheduledForMs = newValue.map(wireMilliseconds) }
    }
}

extension SchedulerV1.RescheduleRequest {
    /// Moves a schedule to an instant (`scheduledForMs`) rather than a local time.
    public init(projectID: String, scheduleID: String, scheduledFor: Date) {
        self.init(projectID: projectID, scheduleID: scheduleID)
        self.scheduledForMs = wireMilliseconds(scheduledFor)
    }

    /// The new due instant (`scheduledForMs`); nil when the new time is `localTime`.
    /// Setting it clears `localTime`.
    public var scheduledFor: Date? {
        get { optionalWireDate(milliseconds: scheduledForMs) }
        set {
            scheduledForMs = newValue.map(wireMilliseconds) ?? 0
            if newValue != nil { localTime = "" }
        }
    }
}

extension SchedulerV1.ValidateRequest {
    /// The instant to check (`scheduledForMs`); nil when the time is `localTime`.
    /// Setting it clears `localTime`.
    public var scheduledFor: Date? {
        get { optionalWireDate(milliseconds: scheduledForMs) }
        set {
            scheduledForMs = newValue.map(wireMilliseconds) ?? 0
            if newValue != nil { localTime = "" }
        }
    }
}

/// A request with a time window in `fromMs` / `toMs` (0 = open): List, Stats and ListConflicts.
public protocol WireTimeWindow {
    /// The window's lower bound, inclusive (Unix milliseconds; 0 = open).
    var fromMs: Int64 { get set }
    /// The window's upper bound, inclusive (Unix milliseconds; 0 = open).
    var toMs: Int64 { get set }
}

extension WireTimeWindow {
    /// The window's lower bound (`fromMs`), inclusive; nil for none (Stats: the server's default).
    public var from: Date? {
        get { optionalWireDate(milliseconds: fromMs) }
        set { fromMs = newValue.map(wireMilliseconds) ?? 0 }
    }
    /// The window's upper bound (`toMs`), inclusive; nil for none (Stats: now).
    public var to: Date? {
        get { optionalWireDate(milliseconds: toMs) }
        set { toMs = newValue.map(wireMilliseconds) ?? 0 }
    }
}

extension SchedulerV1.ListRequest: WireTimeWindow {}
extension SchedulerV1.StatsRequest: WireTimeWindow {}
extension SchedulerV1.ListConflictsRequest: WireTimeWindow {}

extension SchedulerV1.PreviewOccurrencesRequest {
    /// Only occurrences strictly after this instant (`afterMs`); nil from the start.
    public var after: Date? {
        get { optionalWireDate(milliseconds: afterMs) }
        set { afterMs = newValue.map(wireMilliseconds) ?? 0 }
    }
    /// No occurrences after this instant (`untilMs`); nil for no end.
    public var until: Date? {
        get { optionalWireDate(milliseconds: untilMs) }
        set { untilMs = newValue.map(wireMilliseconds) ?? 0 }
    }
}

extension SchedulerV1.DequeueRequest {
    /// Leases up to `limit` due items for `lease` (whole seconds, rounded up; 1 s to 1 h).
    public init(projectID: String, limit: Int32 = 0, lease: Duration, workerID: String, start: Bool = false) {
        self.init(projectID: projectID, limit: limit, leaseSeconds: wireSeconds(lease), workerID: workerID, start: start)
    }

    /// The lease length asked for (`leaseSeconds`); nil for the server's default (300 s).
    public var lease: Duration? {
        get { leaseSeconds == 0 ? nil : .seconds(leaseSeconds) }
        set { leaseSeconds = newValue.map(wireSeconds) ?? 0 }
    }
}

extension SchedulerV1.HeartbeatRequest {
    /// Extends a lease by `extend` (whole seconds, rounded up; 1 s to 1 h).
    public init(projectID: String, scheduleID: String, leaseToken: String, extend: Duration) {
        self.init(projectID: projectID, scheduleID: scheduleID, leaseToken: leaseToken, extendSeconds: wireSeconds(extend))
    }

    /// How long to extend the lease from now (`extendSeconds`); nil sends 0, the server's default.
    public var extend: Duration? {
        get { extendSeconds == 0 ? nil : .seconds(extendSeconds) }
        set { extendSeconds = newValue.map(wireSeconds) ?? 0 }
    }
}

extension SchedulerV1.CompleteRequest {
    /// When it was published (`publishedAtMs`); nil for the server's receipt time.
    public var publishedAt: Date? {
        get { optionalWireDate(milliseconds: publishedAtMs) }
        set { publishedAtMs = newValue.map(wireMilliseconds) ?? 0 }
    }
}
