extension SchedulerV1 {
    /// `scheduler.v1.AlertKind`: what an alert is about.
    public struct AlertKind: WireEnum {
        /// The wire number (a value unknown to this build is kept as is).
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        /// Not set.
        public static let unspecified = Self(rawValue: 0)
        /// A schedule reached FAILED (its last retry, or a non-retryable failure).
        public static let scheduleFailed = Self(rawValue: 1)
        /// An attempt is held as "outcome unknown" (the lease ran out mid-publish).
        public static let outcomeUnknown = Self(rawValue: 2)
        /// Due items waited longer than the project's threshold.
        public static let dueBacklog = Self(rawValue: 3)
        /// A platform's hourly count reached the threshold of its limit.
        public static let platformLimit = Self(rawValue: 4)
        public static let protoNames: [Int32: String] = [
            0: "ALERT_KIND_UNSPECIFIED", 1: "ALERT_KIND_SCHEDULE_FAILED", 2: "ALERT_KIND_OUTCOME_UNKNOWN",
            3: "ALERT_KIND_DUE_BACKLOG", 4: "ALERT_KIND_PLATFORM_LIMIT",
        ]
    }

    /// `scheduler.v1.AlertDeliveryState`: where an alert is in its delivery.
    public struct AlertDeliveryState: WireEnum {
        /// The wire number (a value unknown to this build is kept as is).
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        /// Not set.
        public static let unspecified = Self(rawValue: 0)
        /// Waiting for (another) delivery attempt.
        public static let pending = Self(rawValue: 1)
        /// The webhook answered 2xx.
        public static let delivered = Self(rawValue: 2)
        /// Every attempt failed; given up.
        public static let failed = Self(rawValue: 3)
        public static let protoNames: [Int32: String] = [
            0: "ALERT_DELIVERY_STATE_UNSPECIFIED", 1: "ALERT_DELIVERY_STATE_PENDING",
            2: "ALERT_DELIVERY_STATE_DELIVERED", 3: "ALERT_DELIVERY_STATE_FAILED",
        ]
    }

    /// One webhook alert and its delivery state (`scheduler.v1.AlertRecord`).
    public struct AlertRecord: WireMessage {
        public static let protoMessageName = "scheduler.v1.AlertRecord"
        /// "alr_…": the id the webhook body carries; receivers drop repeats by it.
        public var id: String
        /// The project the alert is about.
        public var projectID: String
        /// What the alert is about.
        public var kind: AlertKind
        /// The schedule it is about; "" when none.
        public var scheduleID: String
        /// The platform it is about (PLATFORM_LIMIT); "" otherwise.
        public var platform: String
        /// One line for people.
        public var message: String
        /// The kind's figures as a JSON object (the webhook body's `details`).
        public var detailsJSON: String
        /// When the event happened (Unix ms).
        public var createdAtMs: Int64
        /// Where its delivery is.
        public var state: AlertDeliveryState
        /// Delivery attempts begun.
        public var attempts: Int32
        /// When the next attempt is due (Unix ms), while PENDING.
        public var nextAttemptAtMs: Int64
        /// When the webhook accepted it (Unix ms); 0 until DELIVERED.
        public var deliveredAtMs: Int64
        /// The last failed attempt's error; "" when none.
        public var lastError: String

        /// The message, field by field; a parameter left out keeps its default (see the property).
        public init(
            id: String, projectID: String, kind: AlertKind, scheduleID: String = "", platform: String = "",
            message: String, detailsJSON: String = "{}", createdAtMs: Int64, state: AlertDeliveryState,
            attempts: Int32 = 0, nextAttemptAtMs: Int64 = 0, deliveredAtMs: Int64 = 0, lastError: String = ""
        ) {
            self.id = id
            self.projectID = projectID
            self.kind = kind
            self.scheduleID = scheduleID
            self.platform = platform
            self.message = message
            self.detailsJSON = detailsJSON
            self.createdAtMs = createdAtMs
            self.state = state
            self.attempts = attempts
            self.nextAttemptAtMs = nextAttemptAtMs
            self.deliveredAtMs = deliveredAtMs
            self.lastError = lastError
        }

        public init(from r: ProtoReader) throws(RPCError) {
            id = try r.requiredID("id")
            projectID = try r.optionalID("project_id")
            kind = r.enumValue("kind")
            scheduleID = try r.optionalID("schedule_id")
            platform = try r.optionalID("platform")
            message = try r.text("message")
            detailsJSON = try r.text("details_json")
            createdAtMs = r.int64("created_at_ms")
            state = r.enumValue("state")
            attempts = r.int32("attempts")
            nextAttemptAtMs = r.int64("next_attempt_at_ms")
            deliveredAtMs = r.int64("delivered_at_ms")
            lastError = try r.text("last_error")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("id", id)
            w.set("project_id", projectID)
            w.set("kind", kind)
            w.set("schedule_id", scheduleID)
            w.set("platform", platform)
            w.set("message", message)
            w.set("details_json", detailsJSON)
            w.set("created_at_ms", createdAtMs)
            w.set("state", state)
            w.set("attempts", attempts)
            w.set("next_attempt_at_ms", nextAttemptAtMs)
            w.set("delivered_at_ms", deliveredAtMs)
            w.set("last_error", lastError)
        }
    }

    /// `scheduler.v1.ListAlertsRequest`: a project's recent alerts.
    public struct ListAlertsRequest: WireMessage {
        public static let protoMessageName = "scheduler.v1.ListAlertsRequest"
        /// The project (the caller's token must allow it).
        public var projectID: String
        /// 1–100; 0 = 20.
        public var limit: Int32

        /// The request, field by field; a parameter left out keeps its default (see the property).
        public init(projectID: String, limit: Int32 = 0) {
            self.projectID = projectID
            self.limit = limit
        }

        public init(from r: ProtoReader) throws(RPCError) {
            projectID = try r.requiredID("project_id")
            limit = try r.int32("limit", in: 1...Int32(Limits.maxPageSize))
        }

        public func write(to w: inout ProtoWriter) {
            w.set("project_id", projectID)
            w.set("limit", limit)
        }
    }

    /// `scheduler.v1.ListAlertsResponse`.
    public struct ListAlertsResponse: WireMessage {
        public static let protoMessageName = "scheduler.v1.ListAlertsResponse"
        /// The alerts, newest first.
        public var alerts: [AlertRecord]

        /// The message, field by field.
        public init(alerts: [AlertRecord]) {
            self.alerts = alerts
        }

        public init(from r: ProtoReader) throws(RPCError) {
            alerts = try r.messages("alerts", max: Limits.maxPageSize)
        }

        public func write(to w: inout ProtoWriter) {
            w.set("alerts", messages: alerts)
        }
    }
}
