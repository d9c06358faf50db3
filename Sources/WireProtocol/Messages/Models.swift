extension SchedulerV1 {
    /// The seed's recurringPattern/recurringConfig (`scheduler.v1.RecurrenceShorthand`).
    public struct RecurrenceShorthand: WireMessage {
        public static let protoMessageName = "scheduler.v1.RecurrenceShorthand"
        /// DAILY, WEEKLY or MONTHLY.
        public var pattern: RecurrencePattern
        /// 0 = Sunday … 6 = Saturday; required for WEEKLY.
        public var daysOfWeek: [Int32]
        /// 1–31, required for MONTHLY; 0 = unset.
        public var dayOfMonth: Int32
        /// Local hour 0–23.
        public var hour: Int32
        /// Local minute 0–59.
        public var minute: Int32

        /// The message, field by field.
        public init(
            pattern: RecurrencePattern,
            daysOfWeek: [Int32] = [],
            dayOfMonth: Int32 = 0,
            hour: Int32 = 0,
            minute: Int32 = 0
        ) {
            self.pattern = pattern
            self.daysOfWeek = daysOfWeek
            self.dayOfMonth = dayOfMonth
            self.hour = hour
            self.minute = minute
        }

        public init(from r: ProtoReader) throws(RPCError) {
            pattern = r.enumValue("pattern")
            guard pattern.isKnown, pattern != .unspecified else {
                throw r.invalid("pattern", "must be DAILY, WEEKLY or MONTHLY")
            }
            daysOfWeek = try r.int32s("days_of_week", max: 7)
            for (i, d) in daysOfWeek.enumerated() where !(0...6).contains(d) {
                throw r.invalid("days_of_week[\(i)]", "must be 0–6 (0 = Sunday)")
            }
            if pattern == .weekly && daysOfWeek.isEmpty { throw r.invalid("days_of_week", "required for WEEKLY") }
            dayOfMonth = try r.int32("day_of_month", in: 1...31)
            if pattern == .monthly && dayOfMonth == 0 { throw r.invalid("day_of_month", "required for MONTHLY") }
            hour = try r.int32("hour", in: 0...23)
            minute = try r.int32("minute", in: 0...59)
        }

        public func write(to w: inout ProtoWriter) {
            w.set("pattern", pattern)
            w.set("days_of_week", int32s: daysOfWeek)
            w.set("day_of_month", dayOfMonth)
            w.set("hour", hour)
            w.set("minute", minute)
        }
    }

    /// How a schedule repeats (`scheduler.v1.Recurrence`, a oneof).
    public enum Recurrence: WireMessage {
        public static let protoMessageName = "scheduler.v1.Recurrence"
        /// An RFC 5545 RRULE, e.g. "FREQ=WEEKLY;BYDAY=MO,WE,FR".
        case rrule(String)
        /// A 5-field cron expression in the schedule's zone.
        case cron(String)
        /// The seed's daily/weekly/monthly shorthand.
        case shorthand(RecurrenceShorthand)

        public init(from r: ProtoReader) throws(RPCError) {
            if r.has("rrule") {
                let s = try r.requiredText("rrule", max: Limits.maxRuleBytes)
                self = .rrule(s)
            } else if r.has("cron") {
                let s = try r.requiredText("cron", max: Limits.maxRuleBytes)
                self = .cron(s)
            } else if let s = try r.message("shorthand", as: RecurrenceShorthand.self) {
                self = .shorthand(s)
            } else {
                throw r.invalid("rule", "required (one of rrule, cron, shorthand)")
            }
        }

        public func write(to w: inout ProtoWriter) {
            switch self {
            case .rrule(let s): w.set("rrule", s)
            case .cron(let s): w.set("cron", s)
            case .shorthand(let s): w.set("shorthand", message: s)
            }
        }
    }

    /// A worker's lease on a schedule (`scheduler.v1.Lease`).
    public struct Lease: WireMessage {
        public static let protoMessageName = "scheduler.v1.Lease"
        /// The worker id.
        public var owner: String
        /// The fencing token Start/Heartbeat/Complete/Fail must present.
        public var token: String
        /// When the lease expires unless extended (Unix ms).
        public var expiresAtMs: Int64

        /// The message, field by field.
        public init(owner: String, token: String, expiresAtMs: Int64) {
            self.owner = owner
            self.token = token
            self.expiresAtMs = expiresAtMs
        }

        public init(from r: ProtoReader) throws(RPCError) {
            owner = try r.optionalID("owner")
            token = try r.optionalID("token")
            expiresAtMs = r.int64("expires_at_ms")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("owner", owner)
            w.set("token", token)
            w.set("expires_at_ms", expiresAtMs)
        }
    }

    /// One publishing attempt (`scheduler.v1.Attempt`).
    public struct Attempt: WireMessage {
        public static let protoMessageName = "scheduler.v1.Attempt"
        /// 1-based.
        public var number: Int32
        /// When the attempt started (Unix ms).
        public var startedAtMs: Int64
        /// 0 while in progress.
        public var endedAtMs: Int64
        /// The worker that made the attempt.
        public var workerID: String
        /// How the attempt ended.
        public var outcome: AttemptOutcome
        /// Why it failed; "" otherwise.
        public var error: String
        /// The attempt's idempotency key, as handed to the worker.
        public var idempotencyKey: String

        /// The message, field by field.
        public init(
            number: Int32,
            startedAtMs: Int64,
            endedAtMs: Int64 = 0,
            workerID: String,
            outcome: AttemptOutcome,
            error: String = "",
            idempotencyKey: String = ""
        ) {
            self.number = number
            self.startedAtMs = startedAtMs
            self.endedAtMs = endedAtMs
            self.workerID = workerID
            self.outcome = outcome
            self.error = error
            self.idempotencyKey = idempotencyKey
        }

        public init(from r: ProtoReader) throws(RPCError) {
            number = r.int32("number")
            startedAtMs = r.int64("started_at_ms")
            endedAtMs = r.int64("ended_at_ms")
            workerID = try r.optionalID("worker_id")
            outcome = r.enumValue("outcome")
            error = try r.text("error")
            idempotencyKey = try r.optionalID("idempotency_key")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("number", number)
            w.set("started_at_ms", startedAtMs)
            w.set("ended_at_ms", endedAtMs)
            w.set("worker_id", workerID)
            w.set("outcome", outcome)
            w.set("error", error)
            w.set("idempotency_key", idempotencyKey)
        }
    }

    /// The result of publishing to one platform (`scheduler.v1.PlatformResult`).
    public struct PlatformResult: WireMessage {
        public static let protoMessageName = "scheduler.v1.PlatformResult"
        /// The platform id, e.g. "TWITTER".
        public var platform: String
        /// Whether publishing on this platform succeeded.
        public var success: Bool
        /// Where the post can be seen; "" when unknown.
        public var publishedURL: String
        /// Why publishing failed; "" on success.
        public var error: String

        /// The message, field by field.
        public init(platform: String, success: Bool, publishedURL: String = "", error: String = "") {
            self.platform = platform
            self.success = success
            self.publishedURL = publishedURL
            self.error = error
        }

        public init(from r: ProtoReader) throws(RPCError) {
            platform = try r.requiredID("platform")
            success = r.bool("success")
            publishedURL = try r.text("published_url", max: 4096)
            error = try r.text("error")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("platform", platform)
            w.set("success", success)
            w.set("published_url", publishedURL)
            w.set("error", error)
        }
    }

    /// The content a schedule publishes, when the server knows it (`scheduler.v1.ContentSummary`).
    public struct ContentSummary: WireMessage {
        public static let protoMessageName = "scheduler.v1.ContentSummary"
        /// The content's id.
        public var id: String
        /// The content's title.
        public var title: String
        /// A short excerpt of the content.
        public var excerpt: String
        /// Only in Get responses with include_content_body.
        public var body: String
        /// The content's status in the content store.
        public var status: String

        /// The message, field by field.
        public init(id: String, title: String = "", excerpt: String = "", body: String = "", status: String = "") {
            self.id = id
            self.title = title
            self.excerpt = excerpt
            self.body = body
            self.status = status
        }

        public init(from r: ProtoReader) throws(RPCError) {
            id = r.string("id")
            title = r.string("title")
            excerpt = r.string("excerpt")
            body = r.string("body")
            status = r.string("status")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("id", id)
            w.set("title", title)
            w.set("excerpt", excerpt)
            w.set("body", body)
            w.set("status", status)
        }
    }

    /// A scheduled publication (`scheduler.v1.Schedule`): the seed's ScheduledContent plus the
    /// service's local time, series, lease, attempts and results.
    public struct Schedule: WireMessage {
        public static let protoMessageName = "scheduler.v1.Schedule"
        /// The schedule's id.
        public var id: String
        /// The project it belongs to.
        public var projectID: String
        /// The caller's id of the content it publishes.
        public var contentID: String
        /// The UTC instant it is due.
        public var scheduledForMs: Int64
        /// "YYYY-MM-DDTHH:MM:SS" in ``timezone``.
        public var localTime: String
        /// IANA zone.
        public var timezone: String
        /// The platforms it publishes on.
        public var platforms: [String]
        /// 1–10, higher first.
        public var priority: Int32
        /// Where the schedule is in the publishing queue.
        public var queueStatus: QueueStatus
        /// The outcome as a person sees it.
        public var status: ScheduleStatus
        /// When it was last leased to a worker (Unix ms); 0 if never.
        public var queuedAtMs: Int64
        /// When publishing began (Unix ms); 0 if never.
        public var processingAtMs: Int64
        /// When it was published (Unix ms); 0 if not yet.
        public var publishedAtMs: Int64
        /// Whether the schedule is an occurrence of a recurring series.
        public var isRecurring: Bool
        /// The series' rule; nil for a one-off.
        public var recurrence: Recurrence?
        /// When its series ends (Unix ms); 0 = no end.
        public var recurringUntilMs: Int64
        /// Shared by all occurrences of a recurring schedule.
        public var seriesID: String
        /// Retries so far.
        public var retryCount: Int32
        /// Retries allowed after the first attempt.
        public var maxRetries: Int32
        /// The base delay before a retry, in seconds.
        public var retryDelaySeconds: Int32
        /// A staggering delay added to the due time, in seconds.
        public var publishDelaySeconds: Int32
        /// Set while QUEUED or PROCESSING.
        public var lease: Lease?
        /// The publishing attempts, oldest first; filled only by Get (empty elsewhere).
        public var attempts: [Attempt]
        /// Per-platform outcomes so far.
        public var results: [PlatformResult]
        /// The key it was enqueued with.
        public var idempotencyKey: String
        /// Free text for people.
        public var notes: String
        /// A JSON object, opaque to the service.
        public var metadataJSON: String
        /// When the schedule was created (Unix ms).
        public var createdAtMs: Int64
        /// When the schedule last changed (Unix ms).
        public var updatedAtMs: Int64
        /// Why the schedule failed or was skipped; "" otherwise.
        public var failureReason: String
        /// The content the schedule publishes, when the server knows it.
        public var content: ContentSummary?
        /// HOLD or RETRY (UNSPECIFIED only from a server older than this field).
        public var leaseLossPolicy: LeaseLossPolicy

        /// The message, field by field.
        public init(
            id: String,
            projectID: String,
            contentID: String,
            scheduledForMs: Int64,
            localTime: String = "",
            timezone: String = "UTC",
            platforms: [String] = [],
            priority: Int32 = 5,
            queueStatus: QueueStatus = .pending,
            status: ScheduleStatus = .scheduled,
            queuedAtMs: Int64 = 0,
            processingAtMs: Int64 = 0,
            publishedAtMs: Int64 = 0,
            isRecurring: Bool = false,
            recurrence: Recurrence? = nil,
            recurringUntilMs: Int64 = 0,
            seriesID: String = "",
            retryCount: Int32 = 0,
            maxRetries: Int32 = 3,
            retryDelaySeconds: Int32 = 300,
            publishDelaySeconds: Int32 = 0,
            lease: Lease? = nil,
            attempts: [Attempt] = [],
            results: [PlatformResult] = [],
            idempotencyKey: String = "",
            notes: String = "",
            metadataJSON: String = "",
            createdAtMs: Int64 = 0,
            updatedAtMs: Int64 = 0,
            failureReason: String = "",
            content: ContentSummary? = nil,
            leaseLossPolicy: LeaseLossPolicy = .unspecified
        ) {
            self.id = id
            self.projectID = projectID
            self.contentID = contentID
            self.scheduledForMs = scheduledForMs
            self.localTime = localTime
            self.timezone = timezone
            self.platforms = platforms
            self.priority = priority
            self.queueStatus = queueStatus
            self.status = status
            self.queuedAtMs = queuedAtMs
            self.processingAtMs = processingAtMs
            self.publishedAtMs = publishedAtMs
            self.isRecurring = isRecurring
            self.recurrence = recurrence
            self.recurringUntilMs = recurringUntilMs
            self.seriesID = seriesID
            self.retryCount = retryCount
            self.maxRetries = maxRetries
            self.retryDelaySeconds = retryDelaySeconds
            self.publishDelaySeconds = publishDelaySeconds
            self.lease = lease
            self.attempts = attempts
            self.results = results
            self.idempotencyKey = idempotencyKey
            self.notes = notes
            self.metadataJSON = metadataJSON
            self.createdAtMs = createdAtMs
            self.updatedAtMs = updatedAtMs
            self.failureReason = failureReason
            self.content = content
            self.leaseLossPolicy = leaseLossPolicy
        }

        public init(from r: ProtoReader) throws(RPCError) {
            id = try r.requiredID("id")
            projectID = try r.optionalID("project_id")
            contentID = try r.optionalID("content_id")
            scheduledForMs = r.int64("scheduled_for_ms")
            localTime = try r.localTime("local_time")
            timezone = try r.zone("timezone")
            platforms = try r.platforms("platforms", required: false)
            priority = r.int32("priority")
            queueStatus = r.enumValue("queue_status")
            status = r.enumValue("status")
            queuedAtMs = r.int64("queued_at_ms")
            processingAtMs = r.int64("processing_at_ms")
            publishedAtMs = r.int64("published_at_ms")
            isRecurring = r.bool("is_recurring")
            recurrence = try r.message("recurrence")
            recurringUntilMs = r.int64("recurring_until_ms")
            seriesID = try r.optionalID("series_id")
            retryCount = r.int32("retry_count")
            maxRetries = r.int32("max_retries")
            retryDelaySeconds = r.int32("retry_delay_seconds")
            publishDelaySeconds = r.int32("publish_delay_seconds")
            lease = try r.message("lease")
            attempts = try r.messages("attempts", max: Limits.maxAttempts)
            results = try r.messages("results", max: Limits.maxResults)
            idempotencyKey = try r.optionalID("idempotency_key")
            notes = try r.text("notes")
            metadataJSON = try r.text("metadata_json", max: Limits.maxMetadataJSONBytes)
            createdAtMs = r.int64("created_at_ms")
            updatedAtMs = r.int64("updated_at_ms")
            failureReason = try r.text("failure_reason")
            content = try r.message("content")
            leaseLossPolicy = r.enumValue("lease_loss_policy")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("id", id)
            w.set("project_id", projectID)
            w.set("content_id", contentID)
            w.set("scheduled_for_ms", scheduledForMs)
            w.set("local_time", localTime)
            w.set("timezone", timezone)
            w.set("platforms", strings: platforms)
            w.set("priority", priority)
            w.set("queue_status", queueStatus)
            w.set("status", status)
            w.set("queued_at_ms", queuedAtMs)
            w.set("processing_at_ms", processingAtMs)
            w.set("published_at_ms", publishedAtMs)
            w.set("is_recurring", isRecurring)
            w.set("recurrence", message: recurrence)
            w.set("recurring_until_ms", recurringUntilMs)
            w.set("series_id", seriesID)
            w.set("retry_count", retryCount)
            w.set("max_retries", maxRetries)
            w.set("retry_delay_seconds", retryDelaySeconds)
            w.set("publish_delay_seconds", publishDelaySeconds)
            w.set("lease", message: lease)
            w.set("attempts", messages: attempts)
            w.set("results", messages: results)
            w.set("idempotency_key", idempotencyKey)
            w.set("notes", notes)
            w.set("metadata_json", metadataJSON)
            w.set("created_at_ms", createdAtMs)
            w.set("updated_at_ms", updatedAtMs)
            w.set("failure_reason", failureReason)
            w.set("content", message: content)
            w.set("lease_loss_policy", leaseLossPolicy)
        }
    }

    /// One finding of the conflict checks (`scheduler.v1.Conflict`).
    public struct Conflict: WireMessage {
        public static let protoMessageName = "scheduler.v1.Conflict"
        /// The kind of conflict.
        public var type: ConflictType
        /// How serious: ERROR and CRITICAL block.
        public var severity: ConflictSeverity
        /// What the conflict is, for people.
        public var reason: String
        /// What to do about it, for people.
        public var suggestion: String
        /// The other schedule involved; "" when the conflict is not with a schedule.
        public var conflictingScheduleID: String
        /// The platform concerned; "" when none.
        public var platform: String
        /// The time the conflict is about (Unix ms).
        public var conflictTimeMs: Int64
        /// 0 = none.
        public var suggestedTimeMs: Int64

        /// The message, field by field.
        public init(
            type: ConflictType,
            severity: ConflictSeverity,
            reason: String,
            suggestion: String = "",
            conflictingScheduleID: String = "",
            platform: String = "",
            conflictTimeMs: Int64 = 0,
            suggestedTimeMs: Int64 = 0
        ) {
            self.type = type
            self.severity = severity
            self.reason = reason
            self.suggestion = suggestion
            self.conflictingScheduleID = conflictingScheduleID
            self.platform = platform
            self.conflictTimeMs = conflictTimeMs
            self.suggestedTimeMs = suggestedTimeMs
        }

        public init(from r: ProtoReader) throws(RPCError) {
            type = r.enumValue("type")
            severity = r.enumValue("severity")
            reason = try r.text("reason")
            suggestion = try r.text("suggestion")
            conflictingScheduleID = try r.optionalID("conflicting_schedule_id")
            platform = try r.optionalID("platform")
            conflictTimeMs = r.int64("conflict_time_ms")
            suggestedTimeMs = r.int64("suggested_time_ms")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("type", type)
            w.set("severity", severity)
            w.set("reason", reason)
            w.set("suggestion", suggestion)
            w.set("conflicting_schedule_id", conflictingScheduleID)
            w.set("platform", platform)
            w.set("conflict_time_ms", conflictTimeMs)
            w.set("suggested_time_ms", suggestedTimeMs)
        }
    }

    /// A recorded conflict between two schedules (`scheduler.v1.StoredConflict`).
    public struct StoredConflict: WireMessage {
        public static let protoMessageName = "scheduler.v1.StoredConflict"
        /// The recorded conflict's id.
        public var id: String
        /// The project of both schedules.
        public var projectID: String
        /// One schedule of the pair.
        public var schedule1ID: String
        /// The other schedule of the pair.
        public var schedule2ID: String
        /// The kind of conflict.
        public var type: ConflictType
        /// How serious: ERROR and CRITICAL block.
        public var severity: ConflictSeverity
        /// What the conflict is, for people.
        public var reason: String
        /// The time the conflict is about (Unix ms).
        public var conflictTimeMs: Int64
        /// Whether someone resolved the conflict.
        public var resolved: Bool
        /// When it was resolved (Unix ms); 0 while unresolved.
        public var resolvedAtMs: Int64
        /// The note the conflict was resolved with.
        public var resolution: String
        /// Who resolved it.
        public var resolvedBy: String

        /// The message, field by field.
        public init(
            id: String,
            projectID: String,
            schedule1ID: String,
            schedule2ID: String,
            type: ConflictType,
            severity: ConflictSeverity,
            reason: String,
            conflictTimeMs: Int64,
            resolved: Bool = false,
            resolvedAtMs: Int64 = 0,
            resolution: String = "",
            resolvedBy: String = ""
        ) {
            self.id = id
            self.projectID = projectID
            self.schedule1ID = schedule1ID
            self.schedule2ID = schedule2ID
            self.type = type
            self.severity = severity
            self.reason = reason
            self.conflictTimeMs = conflictTimeMs
            self.resolved = resolved
            self.resolvedAtMs = resolvedAtMs
            self.resolution = resolution
            self.resolvedBy = resolvedBy
        }

        public init(from r: ProtoReader) throws(RPCError) {
            id = try r.requiredID("id")
            projectID = try r.optionalID("project_id")
            schedule1ID = try r.optionalID("schedule1_id")
            schedule2ID = try r.optionalID("schedule2_id")
            type = r.enumValue("type")
            severity = r.enumValue("severity")
            reason = try r.text("reason")
            conflictTimeMs = r.int64("conflict_time_ms")
            resolved = r.bool("resolved")
            resolvedAtMs = r.int64("resolved_at_ms")
            resolution = try r.text("resolution")
            resolvedBy = try r.optionalID("resolved_by")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("id", id)
            w.set("project_id", projectID)
            w.set("schedule1_id", schedule1ID)
            w.set("schedule2_id", schedule2ID)
            w.set("type", type)
            w.set("severity", severity)
            w.set("reason", reason)
            w.set("conflict_time_ms", conflictTimeMs)
            w.set("resolved", resolved)
            w.set("resolved_at_ms", resolvedAtMs)
            w.set("resolution", resolution)
            w.set("resolved_by", resolvedBy)
        }
    }

    /// Current queue counts and averages (`scheduler.v1.QueueStats`); nil averages = no data yet.
    public struct QueueStats: WireMessage {
        public static let protoMessageName = "scheduler.v1.QueueStats"
        /// Schedules PENDING (waiting for their time).
        public var pending: Int64
        /// Schedules QUEUED (leased, not yet started).
        public var queued: Int64
        /// Schedules PROCESSING (a worker is publishing them).
        public var processing: Int64
        /// Schedules COMPLETED.
        public var completed: Int64
        /// Schedules FAILED.
        public var failed: Int64
        /// Schedules CANCELLED.
        public var cancelled: Int64
        /// Schedules PAUSED.
        public var paused: Int64
        /// Mean wait in the queue in seconds; nil when nothing has waited yet.
        public var avgWaitSeconds: Double?
        /// Mean processing time in seconds; nil when nothing was processed.
        public var avgProcessingSeconds: Double?
        /// Percentage 0–100.
        public var successRate: Double?
        /// The longest the queue has been.
        public var peakQueueLength: Int64

        /// The message, field by field.
        public init(
            pending: Int64 = 0,
            queued: Int64 = 0,
            processing: Int64 = 0,
            completed: Int64 = 0,
            failed: Int64 = 0,
            cancelled: Int64 = 0,
            paused: Int64 = 0,
            avgWaitSeconds: Double? = nil,
            avgProcessingSeconds: Double? = nil,
            successRate: Double? = nil,
            peakQueueLength: Int64 = 0
        ) {
            self.pending = pending
            self.queued = queued
            self.processing = processing
            self.completed = completed
            self.failed = failed
            self.cancelled = cancelled
            self.paused = paused
            self.avgWaitSeconds = avgWaitSeconds
            self.avgProcessingSeconds = avgProcessingSeconds
            self.successRate = successRate
            self.peakQueueLength = peakQueueLength
        }

        public init(from r: ProtoReader) throws(RPCError) {
            pending = r.int64("pending")
            queued = r.int64("queued")
            processing = r.int64("processing")
            completed = r.int64("completed")
            failed = r.int64("failed")
            cancelled = r.int64("cancelled")
            paused = r.int64("paused")
            avgWaitSeconds = r.wrappedDouble("avg_wait_seconds")
            avgProcessingSeconds = r.wrappedDouble("avg_processing_seconds")
            successRate = r.wrappedDouble("success_rate")
            peakQueueLength = r.int64("peak_queue_length")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("pending", pending)
            w.set("queued", queued)
            w.set("processing", processing)
            w.set("completed", completed)
            w.set("failed", failed)
            w.set("cancelled", cancelled)
            w.set("paused", paused)
            w.set("avg_wait_seconds", wrapped: avgWaitSeconds)
            w.set("avg_processing_seconds", wrapped: avgProcessingSeconds)
            w.set("success_rate", wrapped: successRate)
            w.set("peak_queue_length", peakQueueLength)
        }
    }

    /// One day of queue metrics (`scheduler.v1.QueueMetrics`).
    public struct QueueMetrics: WireMessage {
        public static let protoMessageName = "scheduler.v1.QueueMetrics"
        /// The day's record id.
        public var id: String
        /// The project.
        public var projectID: String
        /// Start of the day (Unix ms).
        public var periodStartMs: Int64
        /// End of the day (Unix ms, exclusive).
        public var periodEndMs: Int64
        /// Schedules leased that day.
        public var totalQueued: Int64
        /// Schedules whose processing ended that day.
        public var totalProcessed: Int64
        /// Schedules completed that day.
        public var totalCompleted: Int64
        /// Schedules failed that day.
        public var totalFailed: Int64
        /// Schedules cancelled that day.
        public var totalCancelled: Int64
        /// Mean wait in the queue in seconds; nil when nothing has waited yet.
        public var avgWaitSeconds: Double?
        /// Mean processing time in seconds; nil when nothing was processed.
        public var avgProcessingSeconds: Double?
        /// The longest the queue has been.
        public var peakQueueLength: Int64
        /// Completed as a percentage (0–100) of finished; nil when nothing finished.
        public var successRate: Double?

        /// The message, field by field.
        public init(
            id: String = "",
            projectID: String,
            periodStartMs: Int64,
            periodEndMs: Int64,
            totalQueued: Int64 = 0,
            totalProcessed: Int64 = 0,
            totalCompleted: Int64 = 0,
            totalFailed: Int64 = 0,
            totalCancelled: Int64 = 0,
            avgWaitSeconds: Double? = nil,
            avgProcessingSeconds: Double? = nil,
            peakQueueLength: Int64 = 0,
            successRate: Double? = nil
        ) {
            self.id = id
            self.projectID = projectID
            self.periodStartMs = periodStartMs
            self.periodEndMs = periodEndMs
            self.totalQueued = totalQueued
            self.totalProcessed = totalProcessed
            self.totalCompleted = totalCompleted
            self.totalFailed = totalFailed
            self.totalCancelled = totalCancelled
            self.avgWaitSeconds = avgWaitSeconds
            self.avgProcessingSeconds = avgProcessingSeconds
            self.peakQueueLength = peakQueueLength
            self.successRate = successRate
        }

        public init(from r: ProtoReader) throws(RPCError) {
            id = try r.optionalID("id")
            projectID = try r.optionalID("project_id")
            periodStartMs = r.int64("period_start_ms")
            periodEndMs = r.int64("period_end_ms")
            totalQueued = r.int64("total_queued")
            totalProcessed = r.int64("total_processed")
            totalCompleted = r.int64("total_completed")
            totalFailed = r.int64("total_failed")
            totalCancelled = r.int64("total_cancelled")
            avgWaitSeconds = r.wrappedDouble("avg_wait_seconds")
            avgProcessingSeconds = r.wrappedDouble("avg_processing_seconds")
            peakQueueLength = r.int64("peak_queue_length")
            successRate = r.wrappedDouble("success_rate")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("id", id)
            w.set("project_id", projectID)
            w.set("period_start_ms", periodStartMs)
            w.set("period_end_ms", periodEndMs)
            w.set("total_queued", totalQueued)
            w.set("total_processed", totalProcessed)
            w.set("total_completed", totalCompleted)
            w.set("total_failed", totalFailed)
            w.set("total_cancelled", totalCancelled)
            w.set("avg_wait_seconds", wrapped: avgWaitSeconds)
            w.set("avg_processing_seconds", wrapped: avgProcessingSeconds)
            w.set("peak_queue_length", peakQueueLength)
            w.set("success_rate", wrapped: successRate)
        }
    }

    /// Page information of a list response (`scheduler.v1.Pagination`).
    public struct Pagination: WireMessage {
        public static let protoMessageName = "scheduler.v1.Pagination"
        /// 1-based.
        public var page: Int32
        /// Items per page.
        public var limit: Int32
        /// Items in the whole result.
        public var total: Int64
        /// Pages in the whole result at this limit.
        public var totalPages: Int32

        /// The message, field by field.
        public init(page: Int32, limit: Int32, total: Int64, totalPages: Int32) {
            self.page = page
            self.limit = limit
            self.total = total
            self.totalPages = totalPages
        }

        public init(from r: ProtoReader) throws(RPCError) {
            page = r.int32("page")
            limit = r.int32("limit")
            total = r.int64("total")
            totalPages = r.int32("total_pages")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("page", page)
            w.set("limit", limit)
            w.set("total", total)
            w.set("total_pages", totalPages)
        }
    }
}
