extension SchedulerV1 {
    /// The conflict check without creating anything (`scheduler.v1.ValidateRequest`).
    public struct ValidateRequest: WireMessage {
        public static let protoMessageName = "scheduler.v1.ValidateRequest"
        /// The project (the caller's token must allow it).
        public var projectID: String
        /// The schedule being changed ("" for a new one); excluded from the checks.
        public var scheduleID: String
        /// The wall-clock time to check, in `timezone`; or use `scheduledForMs`.
        public var localTime: String
        /// The IANA zone of `localTime`, e.g. "Europe/Berlin".
        public var timezone: String
        /// The instant to check (Unix ms); 0 when the time is `localTime`.
        public var scheduledForMs: Int64
        /// The platforms the schedule would publish on.
        public var platforms: [String]
        /// The recurrence the schedule would have; nil for a one-off.
        public var recurrence: Recurrence?
        /// Also search a suggested time.
        public var autoResolve: Bool

        /// The request, field by field; a parameter left out keeps its default (see the property).
        public init(
            projectID: String,
            scheduleID: String = "",
            localTime: String = "",
            timezone: String = "",
            scheduledForMs: Int64 = 0,
            platforms: [String],
            recurrence: Recurrence? = nil,
            autoResolve: Bool = false
        ) {
            self.projectID = projectID
            self.scheduleID = scheduleID
            self.localTime = localTime
            self.timezone = timezone
            self.scheduledForMs = scheduledForMs
            self.platforms = platforms
            self.recurrence = recurrence
            self.autoResolve = autoResolve
        }

        public init(from r: ProtoReader) throws(RPCError) {
            projectID = try r.requiredID("project_id")
            scheduleID = try r.optionalID("schedule_id")
            (localTime, timezone, scheduledForMs) = try r.when(required: true, zoneRequiredWithLocalTime: true)
            platforms = try r.platforms("platforms", required: true)
            recurrence = try r.message("recurrence")
            autoResolve = r.bool("auto_resolve")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("project_id", projectID)
            w.set("schedule_id", scheduleID)
            w.set("local_time", localTime)
            w.set("timezone", timezone)
            w.set("scheduled_for_ms", scheduledForMs)
            w.set("platforms", strings: platforms)
            w.set("recurrence", message: recurrence)
            w.set("auto_resolve", autoResolve)
        }
    }

    /// `scheduler.v1.ValidateResponse`.
    public struct ValidateResponse: WireMessage {
        public static let protoMessageName = "scheduler.v1.ValidateResponse"
        /// No blocking (ERROR/CRITICAL) conflict.
        public var valid: Bool
        /// Any conflict at all.
        public var hasConflict: Bool
        /// Every finding, blocking or not.
        public var conflicts: [Conflict]
        /// 0 = none.
        public var suggestedTimeMs: Int64
        /// The instant that was checked.
        public var scheduledForMs: Int64
        /// The platforms that were checked.
        public var platforms: [String]

        /// The message, field by field.
        public init(
            valid: Bool,
            hasConflict: Bool,
            conflicts: [Conflict] = [],
            suggestedTimeMs: Int64 = 0,
            scheduledForMs: Int64,
            platforms: [String]
        ) {
            self.valid = valid
            self.hasConflict = hasConflict
            self.conflicts = conflicts
            self.suggestedTimeMs = suggestedTimeMs
            self.scheduledForMs = scheduledForMs
            self.platforms = platforms
        }

        public init(from r: ProtoReader) throws(RPCError) {
            valid = r.bool("valid")
            hasConflict = r.bool("has_conflict")
            conflicts = try r.messages("conflicts", max: Limits.maxConflicts)
            suggestedTimeMs = r.int64("suggested_time_ms")
            scheduledForMs = r.int64("scheduled_for_ms")
            platforms = try r.platforms("platforms", required: false)
        }

        public func write(to w: inout ProtoWriter) {
            w.set("valid", valid)
            w.set("has_conflict", hasConflict)
            w.set("conflicts", messages: conflicts)
            w.set("suggested_time_ms", suggestedTimeMs)
            w.set("scheduled_for_ms", scheduledForMs)
            w.set("platforms", strings: platforms)
        }
    }

    /// `scheduler.v1.StatsRequest`.
    public struct StatsRequest: WireMessage {
        public static let protoMessageName = "scheduler.v1.StatsRequest"
        /// The project (the caller's token must allow it).
        public var projectID: String
        /// Metrics history start; 0 = 30 days before ``toMs``.
        public var fromMs: Int64
        /// 0 = now.
        public var toMs: Int64

        /// The request, field by field; a parameter left out keeps its default (see the property).
        public init(projectID: String, fromMs: Int64 = 0, toMs: Int64 = 0) {
            self.projectID = projectID
            self.fromMs = fromMs
            self.toMs = toMs
        }

        public init(from r: ProtoReader) throws(RPCError) {
            projectID = try r.requiredID("project_id")
            fromMs = try r.instant("from_ms")
            toMs = try r.instant("to_ms")
            if fromMs != 0 && toMs != 0 && toMs < fromMs { throw r.invalid("to_ms", "before from_ms") }
        }

        public func write(to w: inout ProtoWriter) {
            w.set("project_id", projectID)
            w.set("from_ms", fromMs)
            w.set("to_ms", toMs)
        }
    }

    /// `scheduler.v1.StatsResponse`.
    public struct StatsResponse: WireMessage {
        public static let protoMessageName = "scheduler.v1.StatsResponse"
        /// The queue as it is now.
        public var stats: QueueStats
        /// One per day, oldest first.
        public var metrics: [QueueMetrics]
        /// The schedules the project's capacity limit counts: PENDING + QUEUED + PROCESSING + PAUSED.
        public var pendingSchedules: Int64
        /// The project's limit on ``pendingSchedules``; 0 = no limit.
        public var maxPendingSchedules: Int64

        /// The message, field by field.
        public init(stats: QueueStats, metrics: [QueueMetrics] = [], pendingSchedules: Int64 = 0, maxPendingSchedules: Int64 = 0) {
            self.stats = stats
            self.metrics = metrics
            self.pendingSchedules = pendingSchedules
            self.maxPendingSchedules = maxPendingSchedules
        }

        public init(from r: ProtoReader) throws(RPCError) {
            stats = try r.requiredMessage("stats")
            metrics = try r.messages("metrics", max: Limits.maxMetricsDays)
            pendingSchedules = r.int64("pending_schedules")
            maxPendingSchedules = r.int64("max_pending_schedules")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("stats", message: stats)
            w.set("metrics", messages: metrics)
            w.set("pending_schedules", pendingSchedules)
            w.set("max_pending_schedules", maxPendingSchedules)
        }
    }

    /// `scheduler.v1.ListConflictsRequest`.
    public struct ListConflictsRequest: WireMessage {
        public static let protoMessageName = "scheduler.v1.ListConflictsRequest"
        /// The project (the caller's token must allow it).
        public var projectID: String
        /// "" = any.
        public var scheduleID: String
        /// Also list conflicts already resolved.
        public var includeResolved: Bool
        /// Only conflicts at or after this time (Unix ms); 0 = open.
        public var fromMs: Int64
        /// Only conflicts at or before this time (Unix ms, inclusive); 0 = open.
        public var toMs: Int64
        /// 1-based; 0 = 1.
        public var page: Int32
        /// 1–100; 0 = 20.
        public var limit: Int32

        /// The request, field by field; a parameter left out keeps its default (see the property).
        public init(
            projectID: String,
            scheduleID: String = "",
            includeResolved: Bool = false,
            fromMs: Int64 = 0,
            toMs: Int64 = 0,
            page: Int32 = 0,
            limit: Int32 = 0
        ) {
            self.projectID = projectID
            self.scheduleID = scheduleID
            self.includeResolved = includeResolved
            self.fromMs = fromMs
            self.toMs = toMs
            self.page = page
            self.limit = limit
        }

        public init(from r: ProtoReader) throws(RPCError) {
            projectID = try r.requiredID("project_id")
            scheduleID = try r.optionalID("schedule_id")
            includeResolved = r.bool("include_resolved")
            fromMs = try r.instant("from_ms")
            toMs = try r.instant("to_ms")
            if fromMs != 0 && toMs != 0 && toMs < fromMs { throw r.invalid("to_ms", "before from_ms") }
            page = try r.int32("page", in: 1...Int32.max)
            limit = try r.int32("limit", in: 1...Int32(Limits.maxPageSize))
        }

        public func write(to w: inout ProtoWriter) {
            w.set("project_id", projectID)
            w.set("schedule_id", scheduleID)
            w.set("include_resolved", includeResolved)
            w.set("from_ms", fromMs)
            w.set("to_ms", toMs)
            w.set("page", page)
            w.set("limit", limit)
        }
    }

    /// `scheduler.v1.ListConflictsResponse`.
    public struct ListConflictsResponse: WireMessage {
        public static let protoMessageName = "scheduler.v1.ListConflictsResponse"
        /// This page's conflicts, newest first.
        public var conflicts: [StoredConflict]
        /// Where this page is in the whole result.
        public var pagination: Pagination

        /// The message, field by field.
        public init(conflicts: [StoredConflict], pagination: Pagination) {
            self.conflicts = conflicts
            self.pagination = pagination
        }

        public init(from r: ProtoReader) throws(RPCError) {
            conflicts = try r.messages("conflicts", max: Limits.maxPageSize)
            pagination = try r.requiredMessage("pagination")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("conflicts", messages: conflicts)
            w.set("pagination", message: pagination)
        }
    }

    /// `scheduler.v1.ResolveConflictRequest`.
    public struct ResolveConflictRequest: WireMessage {
        public static let protoMessageName = "scheduler.v1.ResolveConflictRequest"
        /// The project (the caller's token must allow it).
        public var projectID: String
        /// The recorded conflict's id (`StoredConflict.id`).
        public var conflictID: String
        /// Required free text.
        public var resolution: String
        /// "" = the caller's principal.
        public var resolvedBy: String

        /// The request, field by field; a parameter left out keeps its default (see the property).
        public init(projectID: String, conflictID: String, resolution: String, resolvedBy: String = "") {
            self.projectID = projectID
            self.conflictID = conflictID
            self.resolution = resolution
            self.resolvedBy = resolvedBy
        }

        public init(from r: ProtoReader) throws(RPCError) {
            projectID = try r.requiredID("project_id")
            conflictID = try r.requiredID("conflict_id")
            resolution = try r.requiredText("resolution")
            resolvedBy = try r.optionalID("resolved_by")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("project_id", projectID)
            w.set("conflict_id", conflictID)
            w.set("resolution", resolution)
            w.set("resolved_by", resolvedBy)
        }
    }

    /// `scheduler.v1.ResolveConflictResponse`.
    public struct ResolveConflictResponse: WireMessage {
        public static let protoMessageName = "scheduler.v1.ResolveConflictResponse"
        /// The conflict as now stored, resolved.
        public var conflict: StoredConflict

        /// The message, field by field.
        public init(conflict: StoredConflict) { self.conflict = conflict }
        public init(from r: ProtoReader) throws(RPCError) { conflict = try r.requiredMessage("conflict") }
        public func write(to w: inout ProtoWriter) { w.set("conflict", message: conflict) }
    }

    /// Expand a recurrence rule (`scheduler.v1.PreviewOccurrencesRequest`).
    public struct PreviewOccurrencesRequest: WireMessage {
        public static let protoMessageName = "scheduler.v1.PreviewOccurrencesRequest"
        /// The rule to expand (required).
        public var recurrence: Recurrence
        /// "YYYY-MM-DDTHH:MM:SS": the series' first occurrence for every rule kind, as Enqueue
        /// stores it, whether or not the rule matches it (counted toward an RRULE's COUNT).
        public var startLocalTime: String
        /// The IANA zone the rule is evaluated in (required).
        public var timezone: String
        /// Optional: only occurrences strictly after this; 0 = from the start.
        public var afterMs: Int64
        /// 1–1000; 0 = 10.
        public var count: Int32
        /// 0 = no end; else as `recurring_until_ms`, after the start.
        public var untilMs: Int64

        /// The request, field by field; a parameter left out keeps its default (see the property).
        public init(
            recurrence: Recurrence,
            startLocalTime: String,
            timezone: String,
            afterMs: Int64 = 0,
            count: Int32 = 0,
            untilMs: Int64 = 0
        ) {
            self.recurrence = recurrence
            self.startLocalTime = startLocalTime
            self.timezone = timezone
            self.afterMs = afterMs
            self.count = count
            self.untilMs = untilMs
        }

        public init(from r: ProtoReader) throws(RPCError) {
            recurrence = try r.requiredMessage("recurrence")
            startLocalTime = try r.localTime("start_local_time")
            if startLocalTime.isEmpty { throw r.invalid("start_local_time", "required") }
            timezone = try r.zone("timezone")
            if timezone.isEmpty { throw r.invalid("timezone", "required") }
            afterMs = try r.instant("after_ms")
            count = try r.int32("count", in: 1...Int32(Limits.maxOccurrences))
            untilMs = try r.instant("until_ms")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("recurrence", message: recurrence)
            w.set("start_local_time", startLocalTime)
            w.set("timezone", timezone)
            w.set("after_ms", afterMs)
            w.set("count", count)
            w.set("until_ms", untilMs)
        }
    }

    /// One expanded occurrence (`scheduler.v1.Occurrence`).
    public struct Occurrence: WireMessage {
        public static let protoMessageName = "scheduler.v1.Occurrence"
        /// The occurrence's instant (Unix ms).
        public var atMs: Int64
        /// The occurrence's wall-clock time in the request's zone.
        public var localTime: String
        /// The zone's offset from UTC at that instant, in seconds.
        public var utcOffsetSeconds: Int32
        /// tzdata's abbreviation, e.g. "CET".
        public var abbreviation: String

        /// The message, field by field.
        public init(atMs: Int64, localTime: String, utcOffsetSeconds: Int32, abbreviation: String) {
            self.atMs = atMs
            self.localTime = localTime
            self.utcOffsetSeconds = utcOffsetSeconds
            self.abbreviation = abbreviation
        }

        public init(from r: ProtoReader) throws(RPCError) {
            atMs = r.int64("at_ms")
            localTime = try r.localTime("local_time")
            utcOffsetSeconds = r.int32("utc_offset_seconds")
            abbreviation = try r.text("abbreviation", max: 64)
        }

        public func write(to w: inout ProtoWriter) {
            w.set("at_ms", atMs)
            w.set("local_time", localTime)
            w.set("utc_offset_seconds", utcOffsetSeconds)
            w.set("abbreviation", abbreviation)
        }
    }

    /// `scheduler.v1.PreviewOccurrencesResponse`.
    public struct PreviewOccurrencesResponse: WireMessage {
        public static let protoMessageName = "scheduler.v1.PreviewOccurrencesResponse"
        /// The occurrences, in order.
        public var occurrences: [Occurrence]

        /// The message, field by field.
        public init(occurrences: [Occurrence]) { self.occurrences = occurrences }
        public init(from r: ProtoReader) throws(RPCError) {
            occurrences = try r.messages("occurrences", max: Limits.maxOccurrences)
        }
        public func write(to w: inout ProtoWriter) { w.set("occurrences", messages: occurrences) }
    }

    /// `scheduler.v1.HealthRequest` (like grpc.health.v1.HealthCheckRequest).
    public struct HealthRequest: WireMessage {
        public static let protoMessageName = "scheduler.v1.HealthRequest"
        /// "" = the whole server, or "scheduler.v1.Scheduler".
        public var service: String

        /// The request, field by field; a parameter left out keeps its default (see the property).
        public init(service: String = "") { self.service = service }
        public init(from r: ProtoReader) throws(RPCError) { service = try r.optionalID("service") }
        public func write(to w: inout ProtoWriter) { w.set("service", service) }
    }

    /// `scheduler.v1.HealthResponse`.
    public struct HealthResponse: WireMessage {
        public static let protoMessageName = "scheduler.v1.HealthResponse"
        /// SERVING, NOT_SERVING (e.g. draining) or SERVICE_UNKNOWN.
        public var status: ServingStatus

        /// The message, field by field.
        public init(status: ServingStatus) { self.status = status }
        public init(from r: ProtoReader) throws(RPCError) { status = r.enumValue("status") }
        public func write(to w: inout ProtoWriter) { w.set("status", status) }
    }
}
