/// A request naming one schedule of a project (Pause, Resume, PublishNow).
public protocol ScheduleTargetRequest: WireMessage {
    var projectID: String { get set }
    var scheduleID: String { get set }
    init(projectID: String, scheduleID: String)
}

extension ScheduleTargetRequest {
    public init(from r: ProtoReader) throws(RPCError) {
        self.init(projectID: try r.requiredID("project_id"), scheduleID: try r.requiredID("schedule_id"))
    }

    public func write(to w: inout ProtoWriter) {
        w.set("project_id", projectID)
        w.set("schedule_id", scheduleID)
    }
}

/// A response carrying one schedule (Get, Cancel, Pause, Resume).
public protocol ScheduleResponse: WireMessage {
    var schedule: SchedulerV1.Schedule { get set }
    init(schedule: SchedulerV1.Schedule)
}

extension ScheduleResponse {
    public init(from r: ProtoReader) throws(RPCError) { self.init(schedule: try r.requiredMessage("schedule")) }
    public func write(to w: inout ProtoWriter) { w.set("schedule", message: schedule) }
}

/// A batch request (BatchPause, BatchResume): 1–1000 schedule ids of one project.
public protocol BatchRequest: WireMessage {
    var projectID: String { get set }
    var scheduleIDs: [String] { get set }
    init(projectID: String, scheduleIDs: [String])
}

extension BatchRequest {
    public init(from r: ProtoReader) throws(RPCError) {
        self.init(projectID: try r.requiredID("project_id"), scheduleIDs: try r.batchIDs("schedule_ids"))
    }

    public func write(to w: inout ProtoWriter) {
        w.set("project_id", projectID)
        w.set("schedule_ids", strings: scheduleIDs)
    }
}

/// A batch response: how many schedules changed, and which ids were skipped (not found, or in a
/// state the action does not apply to).
public protocol BatchResponse: WireMessage {
    var affected: Int32 { get set }
    var skippedIDs: [String] { get set }
    init(affected: Int32, skippedIDs: [String])
}

extension BatchResponse {
    public init(from r: ProtoReader) throws(RPCError) {
        self.init(affected: r.int32("affected"), skippedIDs: try r.strings("skipped_ids", max: Limits.maxBatchIDs))
    }

    public func write(to w: inout ProtoWriter) {
        w.set("affected", affected)
        w.set("skipped_ids", strings: skippedIDs)
    }
}

extension SchedulerV1 {
    /// `scheduler.v1.GetRequest`.
    public struct GetRequest: WireMessage {
        public static let protoMessageName = "scheduler.v1.GetRequest"
        /// The project (the caller's token must allow it).
        public var projectID: String
        /// The schedule's id.
        public var scheduleID: String
        /// Also return the content's body in `content`.
        public var includeContentBody: Bool

        /// The request, field by field; a parameter left out keeps its default (see the property).
        public init(projectID: String, scheduleID: String, includeContentBody: Bool = false) {
            self.projectID = projectID
            self.scheduleID = scheduleID
            self.includeContentBody = includeContentBody
        }

        public init(from r: ProtoReader) throws(RPCError) {
            projectID = try r.requiredID("project_id")
            scheduleID = try r.requiredID("schedule_id")
            includeContentBody = r.bool("include_content_body")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("project_id", projectID)
            w.set("schedule_id", scheduleID)
            w.set("include_content_body", includeContentBody)
        }
    }

    /// `scheduler.v1.GetResponse`.
    public struct GetResponse: ScheduleResponse {
        public static let protoMessageName = "scheduler.v1.GetResponse"
        /// The schedule as it now is.
        public var schedule: Schedule
        /// The message, field by field.
        public init(schedule: Schedule) { self.schedule = schedule }
    }

    /// List a project's schedules (`scheduler.v1.ListRequest`).
    public struct ListRequest: WireMessage {
        public static let protoMessageName = "scheduler.v1.ListRequest"
        /// The project (the caller's token must allow it).
        public var projectID: String
        /// UNSPECIFIED = any.
        public var status: QueueStatus
        /// scheduled_for >= fromMs; 0 = open.
        public var fromMs: Int64
        /// scheduled_for < toMs; 0 = open.
        public var toMs: Int64
        /// "" = any.
        public var platform: String
        /// 1-based; 0 = 1.
        public var page: Int32
        /// 1–100; 0 = 20.
        public var limit: Int32
        /// The sort field; `.unspecified` = scheduled time.
        public var sortBy: SortField
        /// The sort order; `.unspecified` = ascending.
        public var sortOrder: SortOrder

        /// The request, field by field; a parameter left out keeps its default (see the property).
        public init(
            projectID: String,
            status: QueueStatus = .unspecified,
            fromMs: Int64 = 0,
            toMs: Int64 = 0,
            platform: String = "",
            page: Int32 = 0,
            limit: Int32 = 0,
            sortBy: SortField = .unspecified,
            sortOrder: SortOrder = .unspecified
        ) {
            self.projectID = projectID
            self.status = status
            self.fromMs = fromMs
            self.toMs = toMs
            self.platform = platform
            self.page = page
            self.limit = limit
            self.sortBy = sortBy
            self.sortOrder = sortOrder
        }

        public init(from r: ProtoReader) throws(RPCError) {
            projectID = try r.requiredID("project_id")
            status = r.enumValue("status")
            guard status.isKnown else { throw r.invalid("status", "unknown value \(status.rawValue)") }
            fromMs = try r.instant("from_ms")
            toMs = try r.instant("to_ms")
            if fromMs != 0 && toMs != 0 && toMs < fromMs { throw r.invalid("to_ms", "before from_ms") }
            platform = try r.optionalID("platform")
            page = try r.int32("page", in: 1...Int32.max)
            limit = try r.int32("limit", in: 1...Int32(Limits.maxPageSize))
            sortBy = r.enumValue("sort_by")
            guard sortBy.isKnown else { throw r.invalid("sort_by", "unknown value \(sortBy.rawValue)") }
            sortOrder = r.enumValue("sort_order")
            guard sortOrder.isKnown else { throw r.invalid("sort_order", "unknown value \(sortOrder.rawValue)") }
        }

        public func write(to w: inout ProtoWriter) {
            w.set("project_id", projectID)
            w.set("status", status)
            w.set("from_ms", fromMs)
            w.set("to_ms", toMs)
            w.set("platform", platform)
            w.set("page", page)
            w.set("limit", limit)
            w.set("sort_by", sortBy)
            w.set("sort_order", sortOrder)
        }
    }

    /// `scheduler.v1.ListResponse`.
    public struct ListResponse: WireMessage {
        public static let protoMessageName = "scheduler.v1.ListResponse"
        /// This page's schedules.
        public var items: [Schedule]
        /// Where this page is in the whole result.
        public var pagination: Pagination

        /// The message, field by field.
        public init(items: [Schedule], pagination: Pagination) {
            self.items = items
            self.pagination = pagination
        }

        public init(from r: ProtoReader) throws(RPCError) {
            items = try r.messages("items", max: Limits.maxPageSize)
            pagination = try r.requiredMessage("pagination")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("items", messages: items)
            w.set("pagination", message: pagination)
        }
    }

    /// Partial update: only non-nil fields change (`scheduler.v1.UpdateRequest`).
    public struct UpdateRequest: WireMessage {
        public static let protoMessageName = "scheduler.v1.UpdateRequest"
        /// The project (the caller's token must allow it).
        public var projectID: String
        /// The schedule's id.
        public var scheduleID: String
        /// A new wall-clock time, "YYYY-MM-DDTHH:MM:SS", in `timezone` (or the schedule's zone); nil keeps the time.
        public var localTime: String?
        /// A new IANA zone; nil keeps the zone.
        public var timezone: String?
        /// A new due instant (Unix ms); nil keeps the time.
        public var scheduledForMs: Int64?
        /// New platform ids; nil keeps them.
        public var platforms: [String]?
        /// A new priority, 1–10; nil keeps it.
        public var priority: Int32?
        /// New notes; nil keeps them.
        public var notes: String?
        /// A new JSON object; nil keeps it.
        public var metadataJSON: String?
        /// Move the time to the first conflict-free 15-minute slot within 24 h instead of refusing a blocking conflict.
        public var autoResolve: Bool
        /// `.unspecified` keeps the schedule's policy.
        public var leaseLossPolicy: LeaseLossPolicy

        /// The request, field by field; a parameter left out keeps its default (see the property).
        public init(
            projectID: String,
            scheduleID: String,
            localTime: String? = nil,
            timezone: String? = nil,
            scheduledForMs: Int64? = nil,
            platforms: [String]? = nil,
            priority: Int32? = nil,
            notes: String? = nil,
            metadataJSON: String? = nil,
            autoResolve: Bool = false,
            leaseLossPolicy: LeaseLossPolicy = .unspecified
        ) {
            self.projectID = projectID
            self.scheduleID = scheduleID
            self.localTime = localTime
            self.timezone = timezone
            self.scheduledForMs = scheduledForMs
            self.platforms = platforms
            self.priority = priority
            self.notes = notes
            self.metadataJSON = metadataJSON
            self.autoResolve = autoResolve
            self.leaseLossPolicy = leaseLossPolicy
        }

        public init(from r: ProtoReader) throws(RPCError) {
            projectID = try r.requiredID("project_id")
            scheduleID = try r.requiredID("schedule_id")
            localTime = r.wrappedString("local_time")
            if let t = localTime, !Validation.isLocalTime(t) {
                throw r.invalid("local_time", "must be a local time YYYY-MM-DDTHH:MM:SS")
            }
            timezone = r.wrappedString("timezone")
            if let z = timezone, !Validation.isZoneName(z) { throw r.invalid("timezone", "not a time zone name") }
            scheduledForMs = r.wrappedInt64("scheduled_for_ms")
            if let ms = scheduledForMs {
                // Set means set here, but the server reads 0 as "keep the time": refused, not ignored.
                guard ms != 0 else { throw r.invalid("scheduled_for_ms", "must not be 0 (1970-01-01T00:00:00Z)") }
                guard Limits.supportedInstantMilliseconds.contains(ms) else {
                    throw r.invalid("scheduled_for_ms", "outside the supported range (years 1900–9999)")
                }
            }
            if localTime != nil && scheduledForMs != nil {
                throw r.invalid("scheduled_for_ms", "set local_time or scheduled_for_ms, not both")
            }
            platforms = try r.stringList("platforms", max: Limits.maxPlatforms)
            if let p = platforms {
                if p.isEmpty { throw r.invalid("platforms", "at least one platform required") }
                for (i, id) in p.enumerated() where id.isEmpty || id.utf8.count > 64 {
                    throw r.invalid("platforms[\(i)]", id.isEmpty ? "empty" : "longer than 64 bytes")
                }
            }
            priority = r.wrappedInt32("priority")
            if let p = priority, !(1...10).contains(p) { throw r.invalid("priority", "must be 1–10") }
            notes = r.wrappedString("notes")
            if let n = notes, n.utf8.count > Limits.maxTextBytes {
                throw r.invalid("notes", "longer than \(Limits.maxTextBytes) bytes")
            }
            metadataJSON = r.wrappedString("metadata_json")
            if let m = metadataJSON, m.utf8.count > Limits.maxMetadataJSONBytes {
                throw r.invalid("metadata_json", "longer than \(Limits.maxMetadataJSONBytes) bytes")
            }
            autoResolve = r.bool("auto_resolve")
            leaseLossPolicy = try r.knownEnum("lease_loss_policy")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("project_id", projectID)
            w.set("schedule_id", scheduleID)
            w.set("local_time", wrapped: localTime)
            w.set("timezone", wrapped: timezone)
            w.set("scheduled_for_ms", wrapped: scheduledForMs)
            w.set("platforms", stringList: platforms)
            w.set("priority", wrapped: priority)
            w.set("notes", wrapped: notes)
            w.set("metadata_json", wrapped: metadataJSON)
            w.set("auto_resolve", autoResolve)
            w.set("lease_loss_policy", leaseLossPolicy)
        }
    }

    /// `scheduler.v1.UpdateResponse`.
    public struct UpdateResponse: WireMessage {
        public static let protoMessageName = "scheduler.v1.UpdateResponse"
        /// The schedule as it now is.
        public var schedule: Schedule
        /// Non-blocking findings, or those that caused the move.
        public var conflicts: [Conflict]
        /// Whether `autoResolve` moved the time to a conflict-free slot.
        public var adjusted: Bool
        /// The time asked for when `adjusted` (Unix ms); else 0.
        public var originalTimeMs: Int64
        /// The time chosen when `adjusted` (Unix ms); else 0.
        public var adjustedTimeMs: Int64
        /// The new time is in the past (within the missed-publish window): due now.
        public var pastDue: Bool

        /// The message, field by field.
        public init(
            schedule: Schedule,
            conflicts: [Conflict] = [],
            adjusted: Bool = false,
            originalTimeMs: Int64 = 0,
            adjustedTimeMs: Int64 = 0,
            pastDue: Bool = false
        ) {
            self.schedule = schedule
            self.conflicts = conflicts
            self.adjusted = adjusted
            self.originalTimeMs = originalTimeMs
            self.adjustedTimeMs = adjustedTimeMs
            self.pastDue = pastDue
        }

        public init(from r: ProtoReader) throws(RPCError) {
            schedule = try r.requiredMessage("schedule")
            conflicts = try r.messages("conflicts", max: Limits.maxConflicts)
            adjusted = r.bool("adjusted")
            originalTimeMs = r.int64("original_time_ms")
            adjustedTimeMs = r.int64("adjusted_time_ms")
            pastDue = r.bool("past_due")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("schedule", message: schedule)
            w.set("conflicts", messages: conflicts)
            w.set("adjusted", adjusted)
            w.set("original_time_ms", originalTimeMs)
            w.set("adjusted_time_ms", adjustedTimeMs)
            w.set("past_due", pastDue)
        }
    }

    /// `scheduler.v1.CancelRequest`.
    public struct CancelRequest: WireMessage {
        public static let protoMessageName = "scheduler.v1.CancelRequest"
        /// The project (the caller's token must allow it).
        public var projectID: String
        /// The schedule's id.
        public var scheduleID: String
        /// Why, for people; "" for none.
        public var reason: String

        /// The request, field by field; a parameter left out keeps its default (see the property).
        public init(projectID: String, scheduleID: String, reason: String = "") {
            self.projectID = projectID
            self.scheduleID = scheduleID
            self.reason = reason
        }

        public init(from r: ProtoReader) throws(RPCError) {
            projectID = try r.requiredID("project_id")
            scheduleID = try r.requiredID("schedule_id")
            reason = try r.text("reason")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("project_id", projectID)
            w.set("schedule_id", scheduleID)
            w.set("reason", reason)
        }
    }

    /// `scheduler.v1.CancelResponse`.
    public struct CancelResponse: ScheduleResponse {
        public static let protoMessageName = "scheduler.v1.CancelResponse"
        /// The schedule as it now is.
        public var schedule: Schedule
        /// The message, field by field.
        public init(schedule: Schedule) { self.schedule = schedule }
    }

    /// `scheduler.v1.PauseRequest`.
    public struct PauseRequest: ScheduleTargetRequest {
        public static let protoMessageName = "scheduler.v1.PauseRequest"
        /// The project (the caller's token must allow it).
        public var projectID: String
        /// The schedule's id.
        public var scheduleID: String
        /// The request, field by field; a parameter left out keeps its default (see the property).
        public init(projectID: String, scheduleID: String) {
            self.projectID = projectID
            self.scheduleID = scheduleID
        }
    }

    /// `scheduler.v1.PauseResponse`.
    public struct PauseResponse: ScheduleResponse {
        public static let protoMessageName = "scheduler.v1.PauseResponse"
        /// The schedule as it now is.
        public var schedule: Schedule
        /// The message, field by field.
        public init(schedule: Schedule) { self.schedule = schedule }
    }

    /// `scheduler.v1.ResumeRequest`.
    public struct ResumeRequest: ScheduleTargetRequest {
        public static let protoMessageName = "scheduler.v1.ResumeRequest"
        /// The project (the caller's token must allow it).
        public var projectID: String
        /// The schedule's id.
        public var scheduleID: String
        /// The request, field by field; a parameter left out keeps its default (see the property).
        public init(projectID: String, scheduleID: String) {
            self.projectID = projectID
            self.scheduleID = scheduleID
        }
    }

    /// `scheduler.v1.ResumeResponse`.
    public struct ResumeResponse: ScheduleResponse {
        public static let protoMessageName = "scheduler.v1.ResumeResponse"
        /// The schedule as it now is.
        public var schedule: Schedule
        /// The message, field by field.
        public init(schedule: Schedule) { self.schedule = schedule }
    }

    /// `scheduler.v1.BatchPauseRequest`.
    public struct BatchPauseRequest: BatchRequest {
        public static let protoMessageName = "scheduler.v1.BatchPauseRequest"
        /// The project (the caller's token must allow it).
        public var projectID: String
        /// 1–1000 schedule ids of the project.
        public var scheduleIDs: [String]
        /// The request, field by field; a parameter left out keeps its default (see the property).
        public init(projectID: String, scheduleIDs: [String]) {
            self.projectID = projectID
            self.scheduleIDs = scheduleIDs
        }
    }

    /// `scheduler.v1.BatchPauseResponse`.
    public struct BatchPauseResponse: BatchResponse {
        public static let protoMessageName = "scheduler.v1.BatchPauseResponse"
        /// How many schedules changed.
        public var affected: Int32
        /// The ids not changed (not found, or in a state the action does not apply to), each once, in request order.
        public var skippedIDs: [String]
        /// The message, field by field.
        public init(affected: Int32, skippedIDs: [String] = []) {
            self.affected = affected
            self.skippedIDs = skippedIDs
        }
    }

    /// `scheduler.v1.BatchResumeRequest`.
    public struct BatchResumeRequest: BatchRequest {
        public static let protoMessageName = "scheduler.v1.BatchResumeRequest"
        /// The project (the caller's token must allow it).
        public var projectID: String
        /// 1–1000 schedule ids of the project.
        public var scheduleIDs: [String]
        /// The request, field by field; a parameter left out keeps its default (see the property).
        public init(projectID: String, scheduleIDs: [String]) {
            self.projectID = projectID
            self.scheduleIDs = scheduleIDs
        }
    }

    /// `scheduler.v1.BatchResumeResponse`.
    public struct BatchResumeResponse: BatchResponse {
        public static let protoMessageName = "scheduler.v1.BatchResumeResponse"
        /// How many schedules changed.
        public var affected: Int32
        /// The ids not changed (not found, or in a state the action does not apply to), each once, in request order.
        public var skippedIDs: [String]
        /// The message, field by field.
        public init(affected: Int32, skippedIDs: [String] = []) {
            self.affected = affected
            self.skippedIDs = skippedIDs
        }
    }

    /// `scheduler.v1.BatchCancelRequest`.
    public struct BatchCancelRequest: WireMessage {
        public static let protoMessageName = "scheduler.v1.BatchCancelRequest"
        /// The project (the caller's token must allow it).
        public var projectID: String
        /// 1–1000 schedule ids of the project.
        public var scheduleIDs: [String]
        /// Why, for people; "" for none.
        public var reason: String

        /// The request, field by field; a parameter left out keeps its default (see the property).
        public init(projectID: String, scheduleIDs: [String], reason: String = "") {
            self.projectID = projectID
            self.scheduleIDs = scheduleIDs
            self.reason = reason
        }

        public init(from r: ProtoReader) throws(RPCError) {
            projectID = try r.requiredID("project_id")
            scheduleIDs = try r.batchIDs("schedule_ids")
            reason = try r.text("reason")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("project_id", projectID)
            w.set("schedule_ids", strings: scheduleIDs)
            w.set("reason", reason)
        }
    }

    /// `scheduler.v1.BatchCancelResponse`.
    public struct BatchCancelResponse: BatchResponse {
        public static let protoMessageName = "scheduler.v1.BatchCancelResponse"
        /// How many schedules changed.
        public var affected: Int32
        /// The ids not changed (not found, or in a state the action does not apply to), each once, in request order.
        public var skippedIDs: [String]
        /// The message, field by field.
        public init(affected: Int32, skippedIDs: [String] = []) {
            self.affected = affected
            self.skippedIDs = skippedIDs
        }
    }

    /// Make a schedule due now (`scheduler.v1.PublishNowRequest`).
    public struct PublishNowRequest: ScheduleTargetRequest {
        public static let protoMessageName = "scheduler.v1.PublishNowRequest"
        /// The project (the caller's token must allow it).
        public var projectID: String
        /// The schedule's id.
        public var scheduleID: String
        /// The request, field by field; a parameter left out keeps its default (see the property).
        public init(projectID: String, scheduleID: String) {
            self.projectID = projectID
            self.scheduleID = scheduleID
        }
    }

    /// `scheduler.v1.PublishNowResponse`.
    public struct PublishNowResponse: WireMessage {
        public static let protoMessageName = "scheduler.v1.PublishNowResponse"
        /// The schedule as it now is.
        public var schedule: Schedule
        /// What the server did, for people.
        public var message: String

        /// The message, field by field.
        public init(schedule: Schedule, message: String = "") {
            self.schedule = schedule
            self.message = message
        }

        public init(from r: ProtoReader) throws(RPCError) {
            schedule = try r.requiredMessage("schedule")
            message = try r.text("message")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("schedule", message: schedule)
            w.set("message", message)
        }
    }

    /// Move a schedule (`scheduler.v1.RescheduleRequest`).
    public struct RescheduleRequest: WireMessage {
        public static let protoMessageName = "scheduler.v1.RescheduleRequest"
        /// The project (the caller's token must allow it).
        public var projectID: String
        /// The schedule's id.
        public var scheduleID: String
        /// The new wall-clock time, "YYYY-MM-DDTHH:MM:SS", in `timezone` or the schedule's zone; or use `scheduledForMs`.
        public var localTime: String
        /// "" = keep the schedule's zone.
        public var timezone: String
        /// The new due instant (Unix ms); 0 when the new time is `localTime`.
        public var scheduledForMs: Int64
        /// Move the time to the first conflict-free 15-minute slot within 24 h instead of refusing a blocking conflict.
        public var autoResolve: Bool

        /// The request, field by field; a parameter left out keeps its default (see the property).
        public init(
            projectID: String,
            scheduleID: String,
            localTime: String = "",
            timezone: String = "",
            scheduledForMs: Int64 = 0,
            autoResolve: Bool = false
        ) {
            self.projectID = projectID
            self.scheduleID = scheduleID
            self.localTime = localTime
            self.timezone = timezone
            self.scheduledForMs = scheduledForMs
            self.autoResolve = autoResolve
        }

        public init(from r: ProtoReader) throws(RPCError) {
            projectID = try r.requiredID("project_id")
            scheduleID = try r.requiredID("schedule_id")
            (localTime, timezone, scheduledForMs) = try r.when(required: true, zoneRequiredWithLocalTime: false)
            autoResolve = r.bool("auto_resolve")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("project_id", projectID)
            w.set("schedule_id", scheduleID)
            w.set("local_time", localTime)
            w.set("timezone", timezone)
            w.set("scheduled_for_ms", scheduledForMs)
            w.set("auto_resolve", autoResolve)
        }
    }

    /// `scheduler.v1.RescheduleResponse`.
    public struct RescheduleResponse: WireMessage {
        public static let protoMessageName = "scheduler.v1.RescheduleResponse"
        /// The schedule as it now is.
        public var schedule: Schedule
        /// Whether `autoResolve` moved the time to a conflict-free slot.
        public var adjusted: Bool
        /// The time asked for when `adjusted` (Unix ms); else 0.
        public var originalTimeMs: Int64
        /// The time chosen when `adjusted` (Unix ms); else 0.
        public var adjustedTimeMs: Int64
        /// Non-blocking findings, or those that caused the move.
        public var conflicts: [Conflict]
        /// A note for people, e.g. that a time in the past made the schedule due now; "" for none.
        public var warning: String
        /// The new time is in the past (within the missed-publish window): due now.
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
}
