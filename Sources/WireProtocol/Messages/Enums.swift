/// The scheduler.v1 messages as Swift value types (one type per protobuf message).
///
/// Instants are Int64 Unix milliseconds (`…Ms`), 0 meaning "not set"; local times are
/// "YYYY-MM-DDTHH:MM:SS" strings with an IANA zone.
public enum SchedulerV1 {}

extension SchedulerV1 {
    /// `scheduler.v1.QueueStatus`.
    public struct QueueStatus: WireEnum {
        /// The wire number (a value unknown to this build is kept as is).
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        /// Not set (a filter: any status).
        public static let unspecified = Self(rawValue: 0)
        /// Waiting in the queue until its time.
        public static let pending = Self(rawValue: 1)
        /// Handed to a worker under a lease, not yet started.
        public static let queued = Self(rawValue: 2)
        /// A worker is publishing it.
        public static let processing = Self(rawValue: 3)
        /// Published.
        public static let completed = Self(rawValue: 4)
        /// Permanently failed.
        public static let failed = Self(rawValue: 5)
        /// Cancelled by a user or skipped by the system.
        public static let cancelled = Self(rawValue: 6)
        /// Held by a user.
        public static let paused = Self(rawValue: 7)
        public static let protoNames: [Int32: String] = [
            0: "QUEUE_STATUS_UNSPECIFIED", 1: "QUEUE_STATUS_PENDING", 2: "QUEUE_STATUS_QUEUED",
            3: "QUEUE_STATUS_PROCESSING", 4: "QUEUE_STATUS_COMPLETED", 5: "QUEUE_STATUS_FAILED",
            6: "QUEUE_STATUS_CANCELLED", 7: "QUEUE_STATUS_PAUSED",
        ]
    }

    /// `scheduler.v1.ScheduleStatus`.
    public struct ScheduleStatus: WireEnum {
        /// The wire number (a value unknown to this build is kept as is).
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        /// Not set.
        public static let unspecified = Self(rawValue: 0)
        /// Waiting for its time.
        public static let scheduled = Self(rawValue: 1)
        /// Being published.
        public static let active = Self(rawValue: 2)
        /// Published.
        public static let published = Self(rawValue: 3)
        /// Failed.
        public static let failed = Self(rawValue: 4)
        /// Cancelled.
        public static let cancelled = Self(rawValue: 5)
        /// Missed its publishing window.
        public static let expired = Self(rawValue: 6)
        /// Skipped by the system.
        public static let skipped = Self(rawValue: 7)
        public static let protoNames: [Int32: String] = [
            0: "SCHEDULE_STATUS_UNSPECIFIED", 1: "SCHEDULE_STATUS_SCHEDULED", 2: "SCHEDULE_STATUS_ACTIVE",
            3: "SCHEDULE_STATUS_PUBLISHED", 4: "SCHEDULE_STATUS_FAILED", 5: "SCHEDULE_STATUS_CANCELLED",
            6: "SCHEDULE_STATUS_EXPIRED", 7: "SCHEDULE_STATUS_SKIPPED",
        ]
    }

    /// `scheduler.v1.ConflictType`.
    public struct ConflictType: WireEnum {
        /// The wire number (a value unknown to this build is kept as is).
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        /// Not set.
        public static let unspecified = Self(rawValue: 0)
        /// Another schedule within one minute.
        public static let sameTime = Self(rawValue: 1)
        /// A platform's hourly limit would be reached.
        public static let rateLimit = Self(rawValue: 2)
        /// Too many concurrent publishes.
        public static let resource = Self(rawValue: 3)
        /// Another rule, e.g. a DST transition nearby.
        public static let custom = Self(rawValue: 4)
        public static let protoNames: [Int32: String] = [
            0: "CONFLICT_TYPE_UNSPECIFIED", 1: "CONFLICT_TYPE_SAME_TIME", 2: "CONFLICT_TYPE_RATE_LIMIT",
            3: "CONFLICT_TYPE_RESOURCE", 4: "CONFLICT_TYPE_CUSTOM",
        ]
    }

    /// `scheduler.v1.ConflictSeverity`.
    public struct ConflictSeverity: WireEnum {
        /// The wire number (a value unknown to this build is kept as is).
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        /// Not set.
        public static let unspecified = Self(rawValue: 0)
        /// For information.
        public static let info = Self(rawValue: 1)
        /// Worth a look; does not block.
        public static let warning = Self(rawValue: 2)
        /// Blocks Enqueue, Update and Reschedule (unless `autoResolve` moves the time).
        public static let error = Self(rawValue: 3)
        /// Blocks Enqueue, Update and Reschedule (unless `autoResolve` moves the time).
        public static let critical = Self(rawValue: 4)
        public static let protoNames: [Int32: String] = [
            0: "CONFLICT_SEVERITY_UNSPECIFIED", 1: "CONFLICT_SEVERITY_INFO", 2: "CONFLICT_SEVERITY_WARNING",
            3: "CONFLICT_SEVERITY_ERROR", 4: "CONFLICT_SEVERITY_CRITICAL",
        ]
    }

    /// `scheduler.v1.RecurrencePattern`.
    public struct RecurrencePattern: WireEnum {
        /// The wire number (a value unknown to this build is kept as is).
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        /// Not set.
        public static let unspecified = Self(rawValue: 0)
        /// Every day at the hour and minute.
        public static let daily = Self(rawValue: 1)
        /// On the days of the week at the hour and minute.
        public static let weekly = Self(rawValue: 2)
        /// On the day of the month at the hour and minute.
        public static let monthly = Self(rawValue: 3)
        public static let protoNames: [Int32: String] = [
            0: "RECURRENCE_PATTERN_UNSPECIFIED", 1: "RECURRENCE_PATTERN_DAILY", 2: "RECURRENCE_PATTERN_WEEKLY",
            3: "RECURRENCE_PATTERN_MONTHLY",
        ]
    }

    /// `scheduler.v1.AttemptOutcome`.
    public struct AttemptOutcome: WireEnum {
        /// The wire number (a value unknown to this build is kept as is).
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        /// Not set.
        public static let unspecified = Self(rawValue: 0)
        /// The attempt is running.
        public static let inProgress = Self(rawValue: 1)
        /// Published.
        public static let succeeded = Self(rawValue: 2)
        /// The worker reported a failure.
        public static let failed = Self(rawValue: 3)
        /// The lease expired before the worker started.
        public static let leaseExpired = Self(rawValue: 4)
        /// The lease expired mid-publish; a person must confirm.
        public static let outcomeUnknown = Self(rawValue: 5)
        public static let protoNames: [Int32: String] = [
            0: "ATTEMPT_OUTCOME_UNSPECIFIED", 1: "ATTEMPT_OUTCOME_IN_PROGRESS", 2: "ATTEMPT_OUTCOME_SUCCEEDED",
            3: "ATTEMPT_OUTCOME_FAILED", 4: "ATTEMPT_OUTCOME_LEASE_EXPIRED", 5: "ATTEMPT_OUTCOME_OUTCOME_UNKNOWN",
        ]
    }

    /// `scheduler.v1.LeaseLossPolicy`: what happens when a lease runs out mid-publish.
    public struct LeaseLossPolicy: WireEnum {
        /// The wire number (a value unknown to this build is kept as is).
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        /// Enqueue: HOLD; Update: keep the schedule's policy.
        public static let unspecified = Self(rawValue: 0)
        /// FAILED with "outcome unknown" for a person to confirm (the default).
        public static let hold = Self(rawValue: 1)
        /// Retry under the retry policy (the post may go out twice).
        public static let retry = Self(rawValue: 2)
        public static let protoNames: [Int32: String] = [
            0: "LEASE_LOSS_POLICY_UNSPECIFIED", 1: "LEASE_LOSS_POLICY_HOLD", 2: "LEASE_LOSS_POLICY_RETRY",
        ]
    }

    /// `scheduler.v1.SortField`.
    public struct SortField: WireEnum {
        /// The wire number (a value unknown to this build is kept as is).
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        /// The default: the scheduled time.
        public static let unspecified = Self(rawValue: 0)
        /// By the due instant.
        public static let scheduledFor = Self(rawValue: 1)
        /// By creation time.
        public static let createdAt = Self(rawValue: 2)
        /// By priority.
        public static let priority = Self(rawValue: 3)
        public static let protoNames: [Int32: String] = [
            0: "SORT_FIELD_UNSPECIFIED", 1: "SORT_FIELD_SCHEDULED_FOR", 2: "SORT_FIELD_CREATED_AT",
            3: "SORT_FIELD_PRIORITY",
        ]
    }

    /// `scheduler.v1.SortOrder`.
    public struct SortOrder: WireEnum {
        /// The wire number (a value unknown to this build is kept as is).
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        /// The default: ascending.
        public static let unspecified = Self(rawValue: 0)
        /// Ascending.
        public static let asc = Self(rawValue: 1)
        /// Descending.
        public static let desc = Self(rawValue: 2)
        public static let protoNames: [Int32: String] = [
            0: "SORT_ORDER_UNSPECIFIED", 1: "SORT_ORDER_ASC", 2: "SORT_ORDER_DESC",
        ]
    }

    /// `scheduler.v1.ServingStatus`.
    public struct ServingStatus: WireEnum {
        /// The wire number (a value unknown to this build is kept as is).
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        /// Not set.
        public static let unspecified = Self(rawValue: 0)
        /// The server takes calls.
        public static let serving = Self(rawValue: 1)
        /// The server does not take new calls, e.g. while draining before shutdown.
        public static let notServing = Self(rawValue: 2)
        /// The request named a service this server does not have.
        public static let serviceUnknown = Self(rawValue: 3)
        public static let protoNames: [Int32: String] = [
            0: "SERVING_STATUS_UNSPECIFIED", 1: "SERVING_STATUS_SERVING", 2: "SERVING_STATUS_NOT_SERVING",
            3: "SERVING_STATUS_SERVICE_UNKNOWN",
        ]
    }
}
