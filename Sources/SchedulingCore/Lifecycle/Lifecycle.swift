/// The state of one scheduled item: its queue status and its schedule status, which move together.
public struct ScheduleState: Sendable, Hashable, CustomStringConvertible {
    public var queue: QueueStatus
    public var schedule: ScheduleStatus

    public init(queue: QueueStatus, schedule: ScheduleStatus) {
        self.queue = queue
        self.schedule = schedule
    }

    /// A new schedule: PENDING / SCHEDULED.
    public static let initial = ScheduleState(queue: .pending, schedule: .scheduled)

    public var description: String { "\(queue.rawValue)/\(schedule.rawValue)" }
}

/// Everything that can happen to a scheduled item.
public enum LifecycleEvent: String, Sendable, Hashable, CaseIterable {
    /// A worker leased the item (Dequeue).
    case dequeue
    /// A lease on an item that never started expired: back to the queue.
    case leaseExpired
    /// The worker began publishing (Start).
    case start
    /// Every platform published, or some did at the last retry (Complete).
    case complete
    /// The attempt failed and a retry is due later (Fail with retries left).
    case retry
    /// The attempt failed for good (Fail with no retries left, or a non-retryable failure).
    case fail
    /// A lease expired mid-publish and the schedule's policy holds it for a person to confirm.
    case outcomeUnknown
    /// A person confirmed that an attempt held as outcome unknown did publish (ConfirmOutcome).
    case confirmPublished
    /// A user cancelled it.
    case cancel
    /// A user paused it.
    case pause
    /// A user resumed it.
    case resume
    /// A user edited time, zone, platforms, priority or notes.
    case update
    /// A user asked to publish it now (the seed's manual publish).
    case publishNow
    /// A user moved it to another time (the seed's reschedule job).
    case reschedule
    /// It was not started within its expiry window after its time.
    case expire
    /// The system skipped a missed recurring occurrence.
    case skip
}

/// An event that is not allowed in the item's current state.
public struct IllegalTransition: Error, Sendable, Hashable, CustomStringConvertible {
    public var event: LifecycleEvent
    public var current: ScheduleState

    public init(event: LifecycleEvent, current: ScheduleState) {
        self.event = event
        self.current = current
    }

    public var description: String {
        "cannot \(event.rawValue) a schedule that is \(current.queue.rawValue) (\(current.schedule.rawValue))"
    }
}

/// The one table of legal transitions.
///
/// | event | from queue status | to |
/// |---|---|---|
/// | dequeue | PENDING, QUEUED (lease expired) | QUEUED / SCHEDULED |
/// | leaseExpired | QUEUED | PENDING / SCHEDULED |
/// | start | QUEUED | PROCESSING / ACTIVE |
/// | complete | QUEUED, PROCESSING | COMPLETED / PUBLISHED |
/// | retry | QUEUED, PROCESSING | PENDING / SCHEDULED |
/// | fail | QUEUED, PROCESSING | FAILED / FAILED |
/// | outcomeUnknown | PROCESSING | FAILED / FAILED |
/// | confirmPublished | FAILED | COMPLETED / PUBLISHED |
/// | cancel | PENDING, QUEUED, PAUSED | CANCELLED / CANCELLED |
/// | pause | PENDING, QUEUED | PAUSED / SCHEDULED |
/// | resume | PAUSED | PENDING / SCHEDULED |
/// | update | PENDING, QUEUED, PAUSED | unchanged (QUEUED releases its lease: PENDING) |
/// | publishNow | PENDING, QUEUED, PAUSED, FAILED, CANCELLED | PENDING / SCHEDULED |
/// | reschedule | PENDING, QUEUED, PAUSED, FAILED, CANCELLED | PENDING / SCHEDULED |
/// | expire | PENDING, QUEUED | FAILED / EXPIRED |
/// | skip | PENDING, QUEUED | CANCELLED / SKIPPED |
///
/// COMPLETED is final. PROCESSING only leaves through complete, retry, fail or outcomeUnknown:
/// an item being published cannot be cancelled, paused, edited or published again. FAILED is left
/// by a person: publishNow or reschedule, or confirmPublished for an attempt whose outcome was
/// unknown (the workflow checks that it was; the table knows only queue statuses).
public enum Lifecycle {
    public static func allowedSources(for event: LifecycleEvent) -> Set<QueueStatus> {
        Set(QueueStatus.allCases.filter { allows(event, from: $0) })
    }

    /// Whether `event` may leave a schedule whose queue status is `status`: the table itself.
    /// A bit per status, so the check on every transition builds no set (building one, and
    /// hashing each status's raw string, was ~1 % of the writer in the work loop).
    private static func allows(_ event: LifecycleEvent, from status: QueueStatus) -> Bool {
        let sources: UInt16
        switch event {
        case .dequeue: sources = bit(.pending) | bit(.queued)
        case .leaseExpired: sources = bit(.queued)
        case .start: sources = bit(.queued)
        case .complete, .retry, .fail: sources = bit(.queued) | bit(.processing)
        case .outcomeUnknown: sources = bit(.processing)
        case .confirmPublished: sources = bit(.failed)
        case .cancel: sources = bit(.pending) | bit(.queued) | bit(.paused)
        case .pause: sources = bit(.pending) | bit(.queued)
        case .resume: sources = bit(.paused)
        case .update: sources = bit(.pending) | bit(.queued) | bit(.paused)
        case .publishNow, .reschedule: sources = bit(.pending) | bit(.queued) | bit(.paused) | bit(.failed) | bit(.cancelled)
        case .expire, .skip: sources = bit(.pending) | bit(.queued)
        }
        return sources & bit(status) != 0
    }

    private static func bit(_ status: QueueStatus) -> UInt16 {
        switch status {
        case .pending: 1 << 0
        case .queued: 1 << 1
        case .processing: 1 << 2
        case .completed: 1 << 3
        case .failed: 1 << 4
        case .cancelled: 1 << 5
        case .paused: 1 << 6
        }
    }

    /// The state after `event`, or an ``IllegalTransition`` naming the current state.
    public static func apply(_ event: LifecycleEvent, to state: ScheduleState) throws(IllegalTransition)
        -> ScheduleState
    {
        guard allows(event, from: state.queue) else {
            throw IllegalTransition(event: event, current: state)
        }
        switch event {
        case .dequeue: return ScheduleState(queue: .queued, schedule: .scheduled)
        case .leaseExpired, .retry, .resume, .publishNow, .reschedule:
            return ScheduleState(queue: .pending, schedule: .scheduled)
        case .start: return ScheduleState(queue: .processing, schedule: .active)
        case .complete, .confirmPublished: return ScheduleState(queue: .completed, schedule: .published)
        case .fail, .outcomeUnknown: return ScheduleState(queue: .failed, schedule: .failed)
        case .cancel: return ScheduleState(queue: .cancelled, schedule: .cancelled)
        case .pause: return ScheduleState(queue: .paused, schedule: .scheduled)
        case .update: return state.queue == .queued ? ScheduleState(queue: .pending, schedule: .scheduled) : state
        case .expire: return ScheduleState(queue: .failed, schedule: .expired)
        case .skip: return ScheduleState(queue: .cancelled, schedule: .skipped)
        }
    }

    /// Whether `event` is legal in `state`.
    public static func can(_ event: LifecycleEvent, from state: ScheduleState) -> Bool {
        allows(event, from: state.queue)
    }
}
