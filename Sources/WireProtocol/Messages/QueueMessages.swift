extension ProtoReader {
    /// The "when" of a request: local_time (+ timezone) or scheduled_for_ms, not both.
    func when(required: Bool, zoneRequiredWithLocalTime: Bool) throws(RPCError) -> (String, String, Int64) {
        let local = try localTime("local_time")
        let zone = try zone("timezone")
        let ms = try instant("scheduled_for_ms")
        if required && local.isEmpty && ms == 0 { throw invalid("local_time", "required (or scheduled_for_ms)") }
        if !local.isEmpty && ms != 0 {
            throw invalid("scheduled_for_ms", "set local_time or scheduled_for_ms, not both")
        }
        if zoneRequiredWithLocalTime && !local.isEmpty && zone.isEmpty {
            throw invalid("timezone", "required with local_time")
        }
        return (local, zone, ms)
    }
}

extension SchedulerV1 {
    /// Create a schedule (`scheduler.v1.EnqueueRequest`).
    public struct EnqueueRequest: WireMessage {
        public static let protoMessageName = "scheduler.v1.EnqueueRequest"
        /// The project (the caller's token must allow it).
        public var projectID: String
        /// The caller's id of the content to publish.
        public var contentID: String
        /// "YYYY-MM-DDTHH:MM:SS" in ``timezone``; or use ``scheduledForMs``.
        public var localTime: String
        /// The IANA zone of `localTime`, e.g. "Europe/Berlin" (with `scheduledForMs`: only the display zone; default "UTC").
        public var timezone: String
        /// The due instant (Unix ms); 0 when the time is `localTime` in `timezone`.
        public var scheduledForMs: Int64
        /// 1–32 platform ids.
        public var platforms: [String]
        /// 1–10; 0 = default 5.
        public var priority: Int32
        /// nil = one-off.
        public var recurrence: Recurrence?
        /// When a recurring series ends (Unix ms); 0 = no end.
        public var recurringUntilMs: Int64
        /// A staggering delay added to the time, in seconds (>= 0).
        public var publishDelaySeconds: Int32
        /// nil = server default (3).
        public var maxRetries: Int32?
        /// nil = server default (300).
        public var retryDelaySeconds: Int32?
        /// Free text for people.
        public var notes: String
        /// A JSON object stored with the schedule, opaque to the service.
        public var metadataJSON: String
        /// Move the time to the first conflict-free 15-minute slot within 24 h instead of refusing a blocking conflict.
        public var autoResolve: Bool
        /// A repeat with the same key returns the first schedule; the Swift client fills in one when "".
        public var idempotencyKey: String
        /// What a lease lost mid-publish does; `.unspecified` = HOLD.
        public var leaseLossPolicy: LeaseLossPolicy

        /// The request, field by field; a parameter left out keeps its default (see the property).
        public init(
            projectID: String,
            contentID: String,
            localTime: String = "",
            timezone: String = "",
            scheduledForMs: Int64 = 0,
            platforms: [String],
            priority: Int32 = 0,
            recurrence: Recurrence? = nil,
            recurringUntilMs: Int64 = 0,
            publishDelaySeconds: Int32 = 0,
            maxRetries: Int32? = nil,
            retryDelaySeconds: Int32? = nil,
            notes: String = "",
            metadataJSON: String = "",
            autoResolve: Bool = false,
            idempotencyKey: String = "",
            leaseLossPolicy: LeaseLossPolicy = .unspecified
        ) {
            self.projectID = projectID
            self.contentID = contentID
            self.localTime = localTime
            self.timezone = timezone
            self.scheduledForMs = scheduledForMs
            self.platforms = platforms
            self.priority = priority
            self.recurrence = recurrence
            self.recurringUntilMs = recurringUntilMs
            self.publishDelaySeconds = publishDelaySeconds
            self.maxRetries = maxRetries
            self.retryDelaySeconds = retryDelaySeconds
            self.notes = notes
            self.metadataJSON = metadataJSON
            self.autoResolve = autoResolve
            self.idempotencyKey = idempotencyKey
            self.leaseLossPolicy = leaseLossPolicy
        }

        public init(from r: ProtoReader) throws(RPCError) {
            projectID = try r.requiredID("project_id")
            contentID = try r.requiredID("content_id")
            (localTime, timezone, scheduledForMs) = try r.when(required: true, zoneRequiredWithLocalTime: true)
            platforms = try r.platforms("platforms", required: true)
            priority = try r.int32("priority", in: 1...10)
            recurrence = try r.message("recurrence")
            recurringUntilMs = try r.instant("recurring_until_ms")
            if recurringUntilMs != 0 && recurrence == nil { throw r.invalid("recurring_until_ms", "needs recurrence") }
            publishDelaySeconds = try r.int32("publish_delay_seconds", in: 0...86_400)
            maxRetries = r.wrappedInt32("max_retries")
            if let m = maxRetries, !(0...100).contains(m) { throw r.invalid("max_retries", "must be 0–100") }
            retryDelaySeconds = r.wrappedInt32("retry_delay_seconds")
            if let d = retryDelaySeconds, !(1...86_400).contains(d) {
                throw r.invalid("retry_delay_seconds", "must be 1–86400")
            }
            notes = try r.text("notes")
            metadataJSON = try r.text("metadata_json", max: Limits.maxMetadataJSONBytes)
            autoResolve = r.bool("auto_resolve")
            idempotencyKey = try r.optionalID("idempotency_key")
            leaseLossPolicy = try r.knownEnum("lease_loss_policy")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("project_id", projectID)
            w.set("content_id", contentID)
            w.set("local_time", localTime)
            w.set("timezone", timezone)
            w.set("scheduled_for_ms", scheduledForMs)
            w.set("platforms", strings: platforms)
            w.set("priority", priority)
            w.set("recurrence", message: recurrence)
            w.set("recurring_until_ms", recurringUntilMs)
            w.set("publish_delay_seconds", publishDelaySeconds)
            w.set("max_retries", wrapped: maxRetries)
            w.set("retry_delay_seconds", wrapped: retryDelaySeconds)
            w.set("notes", notes)
            w.set("metadata_json", metadataJSON)
            w.set("auto_resolve", autoResolve)
            w.set("idempotency_key", idempotencyKey)
            w.set("lease_loss_policy", leaseLossPolicy)
        }
    }

    /// The created schedule and what the conflict check said (`scheduler.v1.EnqueueResponse`).
    public struct EnqueueResponse: WireMessage {
        public static let protoMessageName = "scheduler.v1.EnqueueResponse"
        /// The schedule as it now is.
        public var schedule: Schedule
        /// auto_resolve moved the time.
        public var adjusted: Bool
        /// The time asked for when `adjusted` (Unix ms); else 0.
        public var originalTimeMs: Int64
        /// The time chosen when `adjusted` (Unix ms); else 0.
        public var adjustedTimeMs: Int64
        /// Non-blocking findings, or those that caused the move.
        public var conflicts: [Conflict]
        /// A note for people, e.g. that a time in the past made the schedule due now; "" for none.
        public var warning: String
        /// The time was in the past (within the missed-publish window): due now.
        public var pastDue: Bool

        /// The message, field by field.
        public init(
            schedule: Schedule,
            adjusted: Bool = false,
            originalTimeMs: Int64 = 0,
            adjustedTimeMs: Int64 = 0,
            conflicts: [Conflict] = [],
            warning: String = "",
            pastDue: Bool = false
        ) {
            self.schedule = schedule
            self.adjusted = adjusted
            self.originalTimeMs = originalTimeMs
            self.adjustedTimeMs = adjustedTimeMs
            self.conflicts = conflicts
            self.warning = warning
            self.pastDue = pastDue
        }

        public init(from r: ProtoReader) throws(RPCError) {
            schedule = try r.requiredMessage("schedule")
            adjusted = r.bool("adjusted")
            originalTimeMs = r.int64("original_time_ms")
            adjustedTimeMs = r.int64("adjusted_time_ms")
            conflicts = try r.messages("conflicts", max: Limits.maxConflicts)
            warning = try r.text("warning")
            pastDue = r.bool("past_due")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("schedule", message: schedule)
            w.set("adjusted", adjusted)
            w.set("original_time_ms", originalTimeMs)
            w.set("adjusted_time_ms", adjustedTimeMs)
            w.set("conflicts", messages: conflicts)
            w.set("warning", warning)
            w.set("past_due", pastDue)
        }
    }

    /// Lease due items (`scheduler.v1.DequeueRequest`).
    public struct DequeueRequest: WireMessage {
        public static let protoMessageName = "scheduler.v1.DequeueRequest"
        /// The project (the caller's token must allow it).
        public var projectID: String
        /// 1–100; 0 = 10.
        public var limit: Int32
        /// 1–3600; 0 = server default (300).
        public var leaseSeconds: Int32
        /// The worker's name (required); it becomes the lease's owner.
        public var workerID: String
        /// true: the items come back already started (PROCESSING), as if Start had been called.
        public var start: Bool

        /// The request, field by field; a parameter left out keeps its default (see the property).
        public init(projectID: String, limit: Int32 = 0, leaseSeconds: Int32 = 0, workerID: String, start: Bool = false) {
            self.projectID = projectID
            self.limit = limit
            self.leaseSeconds = leaseSeconds
            self.workerID = workerID
            self.start = start
        }

        public init(from r: ProtoReader) throws(RPCError) {
            projectID = try r.requiredID("project_id")
            limit = try r.int32("limit", in: 1...Int32(Limits.maxPageSize))
            leaseSeconds = try r.int32("lease_seconds", in: 1...3600)
            workerID = try r.requiredID("worker_id")
            start = r.bool("start")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("project_id", projectID)
            w.set("limit", limit)
            w.set("lease_seconds", leaseSeconds)
            w.set("worker_id", workerID)
            w.set("start", start)
        }
    }

    /// One leased item (`scheduler.v1.DequeuedItem`).
    public struct DequeuedItem: WireMessage {
        public static let protoMessageName = "scheduler.v1.DequeuedItem"
        /// The leased schedule.
        public var schedule: Schedule
        /// The fencing token Start, Heartbeat, Complete and Fail must present; sent only here.
        public var leaseToken: String
        /// When the lease expires unless extended (Unix ms).
        public var leaseExpiresAtMs: Int64
        /// Stable per attempt; pass it on to platform APIs.
        public var attemptIdempotencyKey: String
        /// 1-based.
        public var attempt: Int32

        /// The message, field by field.
        public init(
            schedule: Schedule,
            leaseToken: String,
            leaseExpiresAtMs: Int64,
            attemptIdempotencyKey: String,
            attempt: Int32
        ) {
            self.schedule = schedule
            self.leaseToken = leaseToken
            self.leaseExpiresAtMs = leaseExpiresAtMs
            self.attemptIdempotencyKey = attemptIdempotencyKey
            self.attempt = attempt
        }

        public init(from r: ProtoReader) throws(RPCError) {
            schedule = try r.requiredMessage("schedule")
            leaseToken = try r.requiredID("lease_token")
            leaseExpiresAtMs = r.int64("lease_expires_at_ms")
            attemptIdempotencyKey = try r.optionalID("attempt_idempotency_key")
            attempt = r.int32("attempt")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("schedule", message: schedule)
            w.set("lease_token", leaseToken)
            w.set("lease_expires_at_ms", leaseExpiresAtMs)
            w.set("attempt_idempotency_key", attemptIdempotencyKey)
            w.set("attempt", attempt)
        }
    }

    /// `scheduler.v1.DequeueResponse`.
    public struct DequeueResponse: WireMessage {
        public static let protoMessageName = "scheduler.v1.DequeueResponse"
        /// The leased items; empty when nothing is due.
        public var items: [DequeuedItem]

        /// The message, field by field.
        public init(items: [DequeuedItem] = []) { self.items = items }
        public init(from r: ProtoReader) throws(RPCError) { items = try r.messages("items", max: Limits.maxPageSize) }
        public func write(to w: inout ProtoWriter) { w.set("items", messages: items) }
    }

    /// Mark a leased item PROCESSING (`scheduler.v1.StartRequest`).
    public struct StartRequest: WireMessage {
        public static let protoMessageName = "scheduler.v1.StartRequest"
        /// The project the schedule belongs to (checked against the caller's access).
        public var projectID: String
        /// The schedule's id.
        public var scheduleID: String
        /// The lease's fencing token, from `DequeuedItem.leaseToken`.
        public var leaseToken: String

        /// The request, field by field; a parameter left out keeps its default (see the property).
        public init(projectID: String, scheduleID: String, leaseToken: String) {
            self.projectID = projectID
            self.scheduleID = scheduleID
            self.leaseToken = leaseToken
        }

        public init(from r: ProtoReader) throws(RPCError) {
            projectID = try r.requiredID("project_id")
            scheduleID = try r.requiredID("schedule_id")
            leaseToken = try r.requiredID("lease_token")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("schedule_id", scheduleID)
            w.set("lease_token", leaseToken)
            w.set("project_id", projectID)
        }
    }

    /// `scheduler.v1.StartResponse`.
    public struct StartResponse: WireMessage {
        public static let protoMessageName = "scheduler.v1.StartResponse"
        /// The schedule as it now is.
        public var schedule: Schedule

        /// The message, field by field.
        public init(schedule: Schedule) { self.schedule = schedule }
        public init(from r: ProtoReader) throws(RPCError) { schedule = try r.requiredMessage("schedule") }
        public func write(to w: inout ProtoWriter) { w.set("schedule", message: schedule) }
    }

    /// Extend a lease (`scheduler.v1.HeartbeatRequest`).
    public struct HeartbeatRequest: WireMessage {
        public static let protoMessageName = "scheduler.v1.HeartbeatRequest"
        /// The project the schedule belongs to (checked against the caller's access).
        public var projectID: String
        /// The schedule's id.
        public var scheduleID: String
        /// The lease's fencing token, from `DequeuedItem.leaseToken`.
        public var leaseToken: String
        /// 1–3600; 0 = the original lease length.
        public var extendSeconds: Int32

        /// The request, field by field; a parameter left out keeps its default (see the property).
        public init(projectID: String, scheduleID: String, leaseToken: String, extendSeconds: Int32 = 0) {
            self.projectID = projectID
            self.scheduleID = scheduleID
            self.leaseToken = leaseToken
            self.extendSeconds = extendSeconds
        }

        public init(from r: ProtoReader) throws(RPCError) {
            projectID = try r.requiredID("project_id")
            scheduleID = try r.requiredID("schedule_id")
            leaseToken = try r.requiredID("lease_token")
            extendSeconds = try r.int32("extend_seconds", in: 1...3600)
        }

        public func write(to w: inout ProtoWriter) {
            w.set("schedule_id", scheduleID)
            w.set("lease_token", leaseToken)
            w.set("extend_seconds", extendSeconds)
            w.set("project_id", projectID)
        }
    }

    /// `scheduler.v1.HeartbeatResponse`.
    public struct HeartbeatResponse: WireMessage {
        public static let protoMessageName = "scheduler.v1.HeartbeatResponse"
        /// When the lease expires unless extended (Unix ms).
        public var leaseExpiresAtMs: Int64

        /// The message, field by field.
        public init(leaseExpiresAtMs: Int64) { self.leaseExpiresAtMs = leaseExpiresAtMs }
        public init(from r: ProtoReader) throws(RPCError) { leaseExpiresAtMs = r.int64("lease_expires_at_ms") }
        public func write(to w: inout ProtoWriter) { w.set("lease_expires_at_ms", leaseExpiresAtMs) }
    }

    /// Report success (`scheduler.v1.CompleteRequest`).
    public struct CompleteRequest: WireMessage {
        public static let protoMessageName = "scheduler.v1.CompleteRequest"
        /// The project the schedule belongs to (checked against the caller's access).
        public var projectID: String
        /// The schedule's id.
        public var scheduleID: String
        /// The lease's fencing token, from `DequeuedItem.leaseToken`.
        public var leaseToken: String
        /// Per-platform outcomes (URLs of what was published).
        public var results: [PlatformResult]
        /// 0 = now.
        public var publishedAtMs: Int64

        /// The request, field by field; a parameter left out keeps its default (see the property).
        public init(
            projectID: String,
            scheduleID: String,
            leaseToken: String,
            results: [PlatformResult] = [],
            publishedAtMs: Int64 = 0
        ) {
            self.projectID = projectID
            self.scheduleID = scheduleID
            self.leaseToken = leaseToken
            self.results = results
            self.publishedAtMs = publishedAtMs
        }

        public init(from r: ProtoReader) throws(RPCError) {
            projectID = try r.requiredID("project_id")
            scheduleID = try r.requiredID("schedule_id")
            leaseToken = try r.requiredID("lease_token")
            results = try r.messages("results", max: Limits.maxResults)
            publishedAtMs = try r.instant("published_at_ms")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("schedule_id", scheduleID)
            w.set("lease_token", leaseToken)
            w.set("results", messages: results)
            w.set("published_at_ms", publishedAtMs)
            w.set("project_id", projectID)
        }
    }

    /// `scheduler.v1.CompleteResponse`.
    public struct CompleteResponse: WireMessage {
        public static let protoMessageName = "scheduler.v1.CompleteResponse"
        /// The schedule, completed.
        public var schedule: Schedule
        /// The next occurrence a recurring series created, if any.
        public var nextOccurrence: Schedule?

        /// The message, field by field.
        public init(schedule: Schedule, nextOccurrence: Schedule? = nil) {
            self.schedule = schedule
            self.nextOccurrence = nextOccurrence
        }

        public init(from r: ProtoReader) throws(RPCError) {
            schedule = try r.requiredMessage("schedule")
            nextOccurrence = try r.message("next_occurrence")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("schedule", message: schedule)
            w.set("next_occurrence", message: nextOccurrence)
        }
    }

    /// Report failure (`scheduler.v1.FailRequest`).
    public struct FailRequest: WireMessage {
        public static let protoMessageName = "scheduler.v1.FailRequest"
        /// The project the schedule belongs to (checked against the caller's access).
        public var projectID: String
        /// The schedule's id.
        public var scheduleID: String
        /// The lease's fencing token, from `DequeuedItem.leaseToken`.
        public var leaseToken: String
        /// Required, human-readable.
        public var error: String
        /// false = fail permanently now.
        public var retryable: Bool
        /// Per-platform outcomes: those that published are not retried.
        public var results: [PlatformResult]

        /// The request, field by field; a parameter left out keeps its default (see the property).
        public init(
            projectID: String,
            scheduleID: String,
            leaseToken: String,
            error: String,
            retryable: Bool = true,
            results: [PlatformResult] = []
        ) {
            self.projectID = projectID
            self.scheduleID = scheduleID
            self.leaseToken = leaseToken
            self.error = error
            self.retryable = retryable
            self.results = results
        }

        public init(from r: ProtoReader) throws(RPCError) {
            projectID = try r.requiredID("project_id")
            scheduleID = try r.requiredID("schedule_id")
            leaseToken = try r.requiredID("lease_token")
            error = try r.requiredText("error")
            retryable = r.bool("retryable")
            results = try r.messages("results", max: Limits.maxResults)
        }

        public func write(to w: inout ProtoWriter) {
            w.set("schedule_id", scheduleID)
            w.set("lease_token", leaseToken)
            w.set("error", error)
            w.set("retryable", retryable)
            w.set("results", messages: results)
            w.set("project_id", projectID)
        }
    }

    /// `scheduler.v1.FailResponse`.
    public struct FailResponse: WireMessage {
        public static let protoMessageName = "scheduler.v1.FailResponse"
        /// Whether the server retries the item (at `nextAttemptAtMs`).
        public var willRetry: Bool
        /// Set when ``willRetry``.
        public var nextAttemptAtMs: Int64
        /// The schedule after the failure.
        public var schedule: Schedule

        /// The message, field by field.
        public init(willRetry: Bool, nextAttemptAtMs: Int64 = 0, schedule: Schedule) {
            self.willRetry = willRetry
            self.nextAttemptAtMs = nextAttemptAtMs
            self.schedule = schedule
        }

        public init(from r: ProtoReader) throws(RPCError) {
            willRetry = r.bool("will_retry")
            nextAttemptAtMs = r.int64("next_attempt_at_ms")
            schedule = try r.requiredMessage("schedule")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("will_retry", willRetry)
            w.set("next_attempt_at_ms", nextAttemptAtMs)
            w.set("schedule", message: schedule)
        }
    }
}
