import SchedulingCore

/// One transaction's view of the stored schedules: the reads and writes the scheduling workflow
/// (Workflow*.swift) is built from, and nothing else.
///
/// The workflow (validation, idempotency, lifecycle, leases, attempts, retries, follow-up
/// occurrences) is written once, as an extension of this protocol, and every backend supplies the
/// primitives: SQLite's single writer (`WriterState`), and a PostgreSQL transaction. Every method
/// runs inside the operation's transaction, so a throw undoes all of the operation's writes.
/// Errors are ``StoreError``s or the backend's own errors, which the store maps to
/// ``StoreError`` before a caller sees them.
protocol ScheduleRepository: AnyObject {
    associatedtype Occupancy: OccupancySource

    var config: StoreConfiguration { get }
    /// What the conflict checks count: schedules by time and platform.
    var occupancy: Occupancy { get }
    /// The store's clock.
    var now: Instant { get }
    /// The conflict checker with the project's rate limits.
    func checker(for project: String) -> ConflictChecker
    /// Runs `body` as one item of a batch: its writes are undone when it fails, and its error is
    /// its result; the operation goes on. Throws only when the whole operation must fail (the
    /// backend lost the transaction).
    func isolated<T>(_ body: () throws -> T) throws -> Result<T, StoreError>

    // MARK: Schedules

    /// A schedule of `project` (tracked for ``save(_:)``); notFound when absent.
    func load(_ project: String, _ id: String) throws -> Rows.Row
    /// The schedule a project's idempotency key created, if any.
    func loadByIdempotencyKey(project: String, key: String) throws -> Rows.Row?
    /// How Enqueue finds the schedule a repeated request created.
    var idempotencyKeyLookup: IdempotencyKeyLookup { get }
    /// Queues the lookup of `project`'s `key` to travel with the next read, which the next
    /// ``loadByIdempotencyKey(project:key:)`` of the same key answers from
    /// (``IdempotencyKeyLookup/queuedWithChecks``).
    func queueIdempotencyKeyLookup(project: String, key: String) throws
    /// Inserts a new schedule and its platforms. With `ignoreDuplicateOccurrence`, an existing row
    /// for the same series slot makes it a no-op returning false. An external job id already
    /// used is alreadyExists naming `externalJobID`.
    func insert(_ row: Rows.Row, ignoreDuplicateOccurrence: Bool) throws -> Bool
    /// Writes a loaded row's changes.
    func save(_ row: inout Rows.Row) throws
    /// Replaces a schedule's platforms, keeping the publish state of those that stay.
    func replacePlatforms(of schedule: Schedule, with platforms: [String]) throws
    /// What `text` is as JSON.
    func jsonKind(_ text: String) throws -> JSONKind

    // MARK: The queue

    /// Schedules of `project` counted by its capacity limit (``QueueStatus/pendingStatuses``).
    /// PostgreSQL counts under the project's lock, so two nodes cannot both pass the limit.
    func pendingCount(project: String) throws -> Int
    /// Items of `project` handed out under live leases (QUEUED or PROCESSING) at `now`.
    func inFlightCount(project: String, at now: Instant) throws -> Int
    /// Up to `limit` due items of `project` (PENDING, or QUEUED with an expired lease) in dispatch
    /// order: priority descending, then time; tracked for ``save(_:)``. An item whose
    /// missed-publish window has ended is never handed out: the maintenance pass expires or
    /// skips it (a series' stale follow-up, say, is not published late).
    func dueRows(project: String, limit: Int, at now: Instant) throws -> [Rows.Row]
    /// The same, fewer when `maxInFlight` caps the project's items in flight: at most
    /// `maxInFlight` minus ``inFlightCount(project:at:)``, none at the cap. PostgreSQL asks both in
    /// one statement, under the project's lock.
    func dueRows(project: String, limit: Int, maxInFlight: Int, at now: Instant) throws -> [Rows.Row]
    /// Up to `limit` QUEUED or PROCESSING items whose lease expired before `now`, tracked.
    func expiredLeaseRows(at now: Instant, limit: Int) throws -> [Rows.Row]
    /// Up to `limit` PENDING or QUEUED items whose missed-publish window ended before `now`, tracked.
    func missedWindowRows(at now: Instant, limit: Int) throws -> [Rows.Row]
    /// Extends every lease that ends before `deadline` to `deadline`; returns how many.
    func extendLeases(until deadline: Instant) throws -> Int
    /// The first occurrence of `series` after its slot `after`.
    func nextOccurrence(series: String, after: Instant) throws -> Schedule?

    // MARK: Attempts and results

    func insertAttempt(_ attempt: NewAttempt) throws
    /// Records when the open attempt started (Start).
    func markAttemptStarted(scheduleID: String, attempt: Int, at: Instant) throws
    /// Ends `row`'s open attempt (if any): `endedBy` is the worker call that ended it, `retryAt`
    /// when a Fail's retry is due; a repeat of that call is answered from them.
    func closeAttempt(
        _ row: Rows.Row, outcome: String, error: String?, at: Instant, endedBy: WorkerCall?, retryAt: Instant?
    ) throws
    /// The ended attempt handed out with `token`, when a worker call ended it.
    func endedAttempt(scheduleID: String, token: String) throws -> EndedAttempt?
    /// Records one platform's result for an attempt (the latest report per platform wins).
    func recordResult(scheduleID: String, attempt: Int, platform: String, result: PlatformResult, at: Instant) throws
    /// Marks one platform of a schedule published.
    func markPublished(scheduleID: String, platform: String, at: Instant, url: String?) throws
    /// Marks every platform of a schedule not yet published as published now.
    func markRemainingPublished(scheduleID: String, at: Instant) throws
    /// How attempt `attempt` of a schedule ended, and a person's confirmation of it; nil when the
    /// schedule has no such attempt.
    func attemptState(scheduleID: String, attempt: Int) throws -> AttemptState?
    /// Records a person's confirmation of an attempt held as outcome unknown (ConfirmOutcome).
    func recordConfirmation(scheduleID: String, attempt: Int, _ confirmation: OutcomeConfirmation) throws

    // MARK: Metrics

    /// Recomputes a project's stored daily metrics row for the UTC day holding `day` from the
    /// rows as this transaction sees them, when such a row is stored (a day not rolled up yet is
    /// left to the rollup). For a change to an attempt that ended on an earlier day, which the
    /// rollup of today does not look at again.
    func refreshStoredMetrics(project: String, day: Instant) throws

    // MARK: Alerts

    /// Writes an alert to the outbox in this transaction; false (nothing written) when an alert
    /// with the same dedupe key exists.
    func insertAlert(_ alert: NewAlert) throws -> Bool

    // MARK: Conflicts

    /// Persists the advisory findings (WARNING) at a schedule's stored time.
    func recordConflicts(_ conflicts: [Conflict], schedule: String, project: String) throws
    /// Marks a recorded conflict resolved; notFound when it is not the project's.
    func markConflictResolved(project: String, id: String, resolution: String, resolvedBy: String, at: Instant)
        throws -> ScheduleConflict
}

/// The insert of a schedule found its idempotency key already used in its project and wrote
/// nothing (``IdempotencyKeyLookup/byInsert``).
struct IdempotencyKeyTaken: Error {}

/// How Enqueue finds the schedule a repeated request (the same idempotency key) created. Either
/// way a repeat is answered as the first was, even when it would now be refused (its time has
/// passed, its slot is taken by itself), and a key used for a different request is refused.
enum IdempotencyKeyLookup {
    /// ``ScheduleRepository/insert(_:ignoreDuplicateOccurrence:)`` throws ``IdempotencyKeyTaken``
    /// for a key its project already used, and the key is looked up only when a request is
    /// refused or its insert finds the key taken: the unique index makes the check the insert
    /// does anyway (SQLite; a lookup first was a tenth of the writer's time per item in
    /// EnqueueBatch).
    case byInsert
    /// The lookup is queued before the conflict checks and travels with their reads; its answer
    /// is read before the insert, and when the request is refused (PostgreSQL: a failed insert
    /// would abort the transaction, and a lookup sent alone costs a round trip).
    case queuedWithChecks
}

extension ScheduleRepository {
    @discardableResult
    func insert(_ row: Rows.Row) throws -> Bool { try insert(row, ignoreDuplicateOccurrence: false) }

    /// The in-flight count, then the due rows it leaves room for (SQLite: the count is in memory).
    func dueRows(project: String, limit: Int, maxInFlight: Int, at now: Instant) throws -> [Rows.Row] {
        let room = min(limit, max(0, maxInFlight - (try inFlightCount(project: project, at: now))))
        return room > 0 ? try dueRows(project: project, limit: room, at: now) : []
    }

    /// Ends `row`'s open attempt for the system or a user (no worker call, no retry time).
    func closeAttempt(_ row: Rows.Row, outcome: String, error: String?, at: Instant) throws {
        try closeAttempt(row, outcome: outcome, error: error, at: at, endedBy: nil, retryAt: nil)
    }
}

/// What a text is as JSON.
enum JSONKind {
    case invalid, object, other
}

/// A lease's attempt row, written when the lease is handed out.
struct NewAttempt {
    var scheduleID: String
    var attempt: Int
    var projectID: String
    var workerID: String
    var idempotencyKey: String
    /// The item's time when it was dequeued (its wait).
    var dueAt: Instant
    var dequeuedAt: Instant
    /// Set when it was dequeued already started.
    var startedAt: Instant?
    var leaseToken: String
}

/// How an attempt ended, as ConfirmOutcome needs it.
struct AttemptState {
    /// COMPLETED, PARTIAL, RETRY, FAILED, RELEASED, OUTCOME_UNKNOWN or CANCELLED; nil while open.
    var outcome: String?
    var endedAt: Instant?
    /// A person's confirmation, for an OUTCOME_UNKNOWN attempt.
    var confirmation: OutcomeConfirmation?
}

/// The worker call that ended an attempt (`attempts.ended_by`).
enum WorkerCall: String {
    case complete = "COMPLETE"
    case fail = "FAIL"
}

/// What a worker call's lease token stands for.
enum LeaseCheck {
    /// The item's current lease.
    case current(Rows.Row)
    /// A lease that a Complete or Fail with this token already ended: a repeat of that call (its
    /// answer was lost) gets the original result, not a "stale lease" refusal.
    case ended(Rows.Row, EndedAttempt)
}

/// How a worker call ended an attempt.
struct EndedAttempt {
    var outcome: String
    var endedBy: WorkerCall
    var retryAt: Instant?
}
