import SchedulingCore

/// What Enqueue's insert of a new schedule did.
private enum NewSchedule {
    case inserted(Schedule, asked: Instant, SlotCheck)
    /// The request repeats an earlier one: its answer.
    case replayed(EnqueueResult)
}

extension ScheduleRepository {
    // MARK: Enqueue

    func enqueue(_ req: EnqueueRequest) throws -> EnqueueResult {
        try enqueue(CheckedEnqueue(req))
    }

    /// Enqueues a request whose own fields were checked (``CheckedEnqueue``): the rest needs
    /// the database.
    func enqueue(_ checked: CheckedEnqueue) throws -> EnqueueResult {
        try enqueue(checked, checked.request)
    }

    /// The same, with the checked request borrowed from it (not copied out: a copy retains each
    /// of its strings).
    private func enqueue(_ checked: CheckedEnqueue, _ req: EnqueueRequest) throws -> EnqueueResult {
        if let m = req.metadataJSON {
            switch try jsonKind(m) {
            case .invalid: throw StoreError.invalidArgument("metadata", "not valid JSON")
            case .other: throw StoreError.invalidArgument("metadata", "must be a JSON object")
            case .object: break
            }
        }
        let fingerprint = checked.fingerprint
        // The key a repeated request would carry: its lookup travels with the checks' reads, or
        // the insert finds it taken (``IdempotencyKeyLookup``).
        let repeatKey = fingerprint == nil ? nil : req.idempotencyKey
        let queued = repeatKey != nil && idempotencyKeyLookup == .queuedWithChecks
        if queued, let repeatKey { try queueIdempotencyKeyLookup(project: req.projectID, key: repeatKey) }
        let schedule: Schedule
        let asked: Instant
        let v: SlotCheck
        do {
            switch try insertNew(checked, req, replayingFirst: queued) {
            case .replayed(let result): return result
            case .inserted(let s, let a, let check): (schedule, asked, v) = (s, a, check)
            }
        } catch {
            // A request refused before anything was written may repeat one whose schedule
            // exists (a repeat is answered as the first even when it would now be refused: its
            // time has passed, its slot is taken by itself), and so may one whose insert found
            // the key taken.
            guard let key = repeatKey, let fingerprint, error is StoreError || error is IdempotencyKeyTaken
            else { throw error }
            if let replay = try replay(project: req.projectID, key: key, fingerprint: fingerprint) { return replay }
            if error is IdempotencyKeyTaken {
                throw StoreError(code: .internal, message: "the idempotency key is taken but its schedule was not found")
            }
            throw error
        }
        try recordConflicts(v.atStoredTime, schedule: schedule.id, project: req.projectID)
        try alertPlatformLoad(schedule)
        return EnqueueResult(
            schedule: schedule, originalTime: asked, adjustedTime: v.adjusted ? v.time : nil, conflicts: v.conflicts,
            replayed: false, pastDue: asked < schedule.createdAt)
    }

    /// The answer to a repeated Enqueue: the schedule its key created, when there is one and the
    /// request is the same; alreadyExists when the key was used for a different request.
    private func replay(project: String, key: String, fingerprint: String) throws -> EnqueueResult? {
        guard let existing = try loadByIdempotencyKey(project: project, key: key) else { return nil }
        guard existing.fingerprint == fingerprint else {
            throw StoreError(
                code: .alreadyExists, message: "idempotency key was used for a different request",
                field: "idempotencyKey")
        }
        return EnqueueResult(
            schedule: existing.schedule, originalTime: existing.schedule.scheduledFor, adjustedTime: nil,
            conflicts: [], replayed: true)
    }

    /// Resolves, checks and inserts a new schedule. Nothing is written before the insert, and the
    /// insert's refusals (the key or the external job id taken) write nothing. With
    /// `replayingFirst`, a request whose idempotency key already made a schedule is answered
    /// with it just before the insert (the lookup was queued to travel with the checks' reads).
    private func insertNew(_ checked: CheckedEnqueue, _ req: EnqueueRequest, replayingFirst: Bool) throws
        -> NewSchedule
    {
        let fingerprint = checked.fingerprint
        let r =
            try checked.resolved?.get()
            ?? CheckedEnqueue.Resolved(req, zones: config.zones, known: checker(for: req.projectID).policy.rateLimits)
        let (zone, platforms, asked, askedLocal) = (r.zone, r.platforms, r.asked, r.askedLocal)
        let now = self.now
        let compiled = try checkRecurrence(
            req.recurrence, start: askedLocal, first: asked, zone: zone, until: req.recurringUntil)

        if let limit = config.pendingLimit(for: req.projectID) {
            let pending = try pendingCount(project: req.projectID)
            if pending >= limit { throw StoreError.capacity(project: req.projectID, pending: pending, limit: limit) }
        }

        let recurring = compiled != nil
        let window =
            req.expiryWindowSeconds ?? (recurring ? config.catchUpWindowSeconds : config.defaultExpiryWindowSeconds)
        let v = try validate(
            project: req.projectID, excluding: nil, time: asked, zone: zone, platforms: platforms,
            autoResolve: req.autoResolve)
        let id = IDs.make("sch_", now: now)
        let local = v.adjusted ? zone.localDateTime(at: v.time) : askedLocal
        // The schedule is built in its row and taken back out: one copy of its strings, not two.
        let row = Rows.Row(
            schedule: Schedule(
                id: id, contentID: req.contentID, projectID: req.projectID, scheduledFor: v.time, localTime: local,
                timeZone: zone.identifier, nominalTime: v.time, platforms: platforms, publishedPlatforms: [],
                priority: req.priority,
                queueStatus: .pending, status: .scheduled, queuedAt: nil, processingAt: nil, publishedAt: nil,
                isRecurring: recurring, recurringPattern: compiled?.pattern, recurringConfig: compiled?.configJSON,
                recurrence: req.recurrence, recurringUntil: recurring ? req.recurringUntil : nil,
                seriesID: recurring ? id : nil, retryCount: 0, maxRetries: req.maxRetries,
                retryDelaySeconds: req.retryDelaySeconds, publishDelaySeconds: req.publishDelaySeconds,
                externalJobID: req.externalJobID, leaseOwner: nil, leaseExpiresAt: nil, attemptCount: 0,
                leaseLossPolicy: req.leaseLossPolicy, expiryWindowSeconds: window, failureReason: nil, notes: req.notes,
                metadataJSON: req.metadataJSON, idempotencyKey: req.idempotencyKey, createdAt: now, updatedAt: now
            ),
            leaseToken: nil, fingerprint: fingerprint, recurrenceKind: compiled?.kind,
            recurrenceText: compiled?.text, recurrenceStart: recurring ? local.description : nil,
            expiresAt: expiresAt(dueFrom(v.time, now: now), window: window),
            localTimeText: v.adjusted ? nil : r.askedLocalText)
        if replayingFirst, let key = req.idempotencyKey, let fingerprint,
            let replay = try replay(project: req.projectID, key: key, fingerprint: fingerprint)
        {
            return .replayed(replay)
        }
        try insert(row)
        return .inserted((consume row).schedule, asked: asked, v)
    }

    /// When a time a user asked for becomes due: at once when it is already past. A requested
    /// time in the past is accepted and dispatched at once (as Cloud Tasks does; the answer says
    /// so), and its missed-publish window counts from now, so it never expires the moment it is
    /// stored.
    func dueFrom(_ time: Instant, now: Instant? = nil) -> Instant { max(time, now ?? self.now) }

    /// The recurrence checks of Enqueue, which Validate makes too: the rule compiles for a series
    /// whose first occurrence is `start` (`first` in UTC), `until` (recurringUntil) lies after
    /// that first occurrence, and a shorthand's config is valid JSON. Nil for a one-off.
    func checkRecurrence(
        _ spec: RecurrenceSpec?, start: LocalDateTime, first: Instant, zone: Zone, until: Instant?
    ) throws -> CompiledRecurrence? {
        guard let spec else { return nil }
        let compiled = try CompiledRecurrence.compile(spec, start: start, zone: zone, until: until)
        if let until, until <= first {
            throw StoreError.invalidArgument("recurringUntil", "must be after the first occurrence")
        }
        if let config = compiled.configJSON {
            guard try jsonKind(config) != .invalid else {
                throw StoreError.invalidArgument("recurringConfig", "not valid JSON")
            }
        }
        return compiled
    }

    // MARK: Edits

    func update(_ req: UpdateRequest) throws -> EnqueueResult {
        var row = try load(req.projectID, req.scheduleID)
        let wasQueued = row.schedule.queueStatus == .queued
        try apply(.update, to: &row)
        if wasQueued {
            try closeAttempt(row, outcome: "RELEASED", error: "edited", at: now)
            clearLease(&row)
        }
        var sc = row.schedule
        if let p = req.priority {
            guard (1...10).contains(p) else { throw StoreError.invalidArgument("priority", "must be 1…10") }
            sc.priority = p
        }
        if let n = req.notes {
            if let n, n.utf8.count > StoreLimits.maxTextBytes {
                throw StoreError.invalidArgument("notes", "at most \(StoreLimits.maxTextBytes) bytes")
            }
            sc.notes = n
        }
        let zone = try req.timeZone.map { try self.zone($0) } ?? storedZone(sc.timeZone)
        var newPlatforms = sc.platforms
        if let p = req.platforms { newPlatforms = try platforms(p, project: sc.projectID) }
        var time = sc.scheduledFor
        var local = sc.localTime
        if let t = req.time {
            (time, local) = try resolve(t, in: zone)
        } else if req.timeZone != nil {
            // Same wall-clock time, read in the new zone.
            (time, local) = try resolve(.local(sc.localTime), in: zone)
        }
        let original = time
        var adjusted: Instant?
        var conflicts: [Conflict] = []
        let pastDue = time != sc.scheduledFor && time < now
        if let policy = req.leaseLossPolicy { sc.leaseLossPolicy = policy }
        // A new time, zone or platform list: checked as an Enqueue is, and counted for alerts after.
        let placementChanged = time != sc.scheduledFor || newPlatforms != sc.platforms || zone.identifier != sc.timeZone
        if placementChanged {
            let v = try validate(
                project: sc.projectID, excluding: sc.id, time: time, zone: zone, platforms: newPlatforms,
                autoResolve: req.autoResolve)
            if v.adjusted {
                adjusted = v.time
                time = v.time
                local = zone.localDateTime(at: v.time)
            }
            conflicts = v.conflicts
            try recordConflicts(v.atStoredTime, schedule: sc.id, project: sc.projectID)
        }
        if time != sc.scheduledFor {
            row.expiresAt = expiresAt(dueFrom(time), window: sc.expiryWindowSeconds)
            if !sc.isRecurring { sc.nominalTime = time }
        }
        sc.scheduledFor = time
        sc.localTime = local
        sc.timeZone = zone.identifier
        if newPlatforms != sc.platforms {
            try replacePlatforms(of: sc, with: newPlatforms)
            sc.platforms = newPlatforms
            sc.publishedPlatforms = sc.publishedPlatforms.filter { newPlatforms.contains($0) }
        }
        sc.updatedAt = now
        row.schedule = sc
        try save(&row)
        if placementChanged { try alertPlatformLoad(sc) }
        return EnqueueResult(
            schedule: sc, originalTime: original, adjustedTime: adjusted, conflicts: conflicts, replayed: false,
            pastDue: pastDue)
    }

    /// A user transition without other changes: cancel, pause, resume.
    func transition(_ event: LifecycleEvent, project: String, id: String, reason: String? = nil) throws -> Schedule {
        try Self.checkReason(reason)
        var row = try load(project, id)
        try transition(event, &row, reason: reason)
        return row.schedule
    }

    /// What a cancellation's reason is stored after, as the schedule's failure reason.
    static var cancelledPrefix: String { "cancelled: " }

    /// A cancellation's reason: optional, and short enough that the stored failure reason
    /// (``cancelledPrefix`` + reason) stays within ``StoreLimits/maxTextBytes``, which every
    /// reader of the schedule enforces.
    static func checkReason(_ reason: String?) throws(StoreError) {
        let max = StoreLimits.maxTextBytes - cancelledPrefix.utf8.count
        if let r = reason, r.utf8.count > max {
            throw .invalidArgument("reason", "at most \(max) bytes")
        }
    }

    /// Applies `event`; a cancellation's `reason` is kept as the schedule's failure reason
    /// ("cancelled: …", why it ended) and on the attempt it ends.
    func transition(_ event: LifecycleEvent, _ row: inout Rows.Row, reason: String? = nil) throws {
        let wasQueued = row.schedule.queueStatus == .queued
        try apply(event, to: &row)
        let now = self.now
        let reason = reason.flatMap { $0.isEmpty ? nil : $0 }
        if wasQueued {
            try closeAttempt(
                row, outcome: event == .cancel ? "CANCELLED" : "RELEASED", error: reason ?? event.rawValue, at: now)
            clearLease(&row)
        }
        if event == .cancel {
            row.cancelledAt = now
            if let reason { row.schedule.failureReason = Self.cancelledPrefix + reason }
        }
        row.schedule.updatedAt = now
        try save(&row)
    }

    /// Batch pause / resume / cancel: items not found in the project, or in a state that does not
    /// allow the event, are left alone and reported as skipped. Each id counts once, however often
    /// it is repeated; ids are handled and reported in request order. Any other failure (storage)
    /// fails the whole batch.
    func batch(_ event: LifecycleEvent, project: String, ids: [String], reason: String? = nil) throws -> BatchResult {
        try Self.checkReason(reason)
        var result = BatchResult()
        var seen = Set<String>()
        for id in ids where seen.insert(id).inserted {
            var row: Rows.Row
            do {
                row = try load(project, id)
            } catch let e as StoreError where e.code == .notFound {
                result.skippedIDs.append(id)
                continue
            }
            guard Lifecycle.can(event, from: row.schedule.state) else {
                result.skippedIDs.append(id)
                continue
            }
            try transition(event, &row, reason: reason)
            result.affected += 1
        }
        return result
    }

    /// The seed's manual publish: due now, back to PENDING, retries reset.
    func publishNow(project: String, id: String) throws -> Schedule {
        var row = try load(project, id)
        try publishNow(&row)
        return row.schedule
    }

    /// Makes a loaded schedule due now and saves it (PublishNow, and ConfirmOutcome's "not
    /// published"): back to PENDING with its time now, retries and failure reason reset, a
    /// QUEUED item's lease released.
    func publishNow(_ row: inout Rows.Row) throws {
        guard row.schedule.queueStatus != .completed, row.schedule.queueStatus != .processing else {
            throw StoreError(
                code: .failedPrecondition,
                message: "cannot publish now a schedule that is \(row.schedule.state)", currentState: row.schedule.state
            )
        }
        let wasQueued = row.schedule.queueStatus == .queued
        try apply(.publishNow, to: &row)
        let now = self.now
        if wasQueued {
            try closeAttempt(row, outcome: "RELEASED", error: "publishNow", at: now)
            clearLease(&row)
        }
        let zone = try storedZone(row.schedule.timeZone)
        row.schedule.scheduledFor = now
        row.schedule.localTime = zone.localDateTime(at: now)
        row.schedule.retryCount = 0
        row.schedule.failureReason = nil
        row.failedAt = nil
        row.cancelledAt = nil
        row.expiresAt = expiresAt(now, window: row.schedule.expiryWindowSeconds)
        row.schedule.updatedAt = now
        try save(&row)
    }

    /// The seed's reschedule: a new time, back to PENDING, re-validated excluding itself.
    func reschedule(project: String, id: String, time: ScheduleTime, timeZone: String?, autoResolve: Bool) throws
        -> EnqueueResult
    {
        var row = try load(project, id)
        let wasQueued = row.schedule.queueStatus == .queued
        try apply(.reschedule, to: &row)
        // Every check before the first write: a refused reschedule writes nothing.
        let zone = try timeZone.map { try self.zone($0) } ?? storedZone(row.schedule.timeZone)
        let (asked, askedLocal) = try resolve(time, in: zone)
        let pastDue = asked < self.now
        let v = try validate(
            project: project, excluding: id, time: asked, zone: zone, platforms: row.schedule.platforms,
            autoResolve: autoResolve)
        let now = self.now
        if wasQueued {
            try closeAttempt(row, outcome: "RELEASED", error: "reschedule", at: now)
            clearLease(&row)
        }
        row.schedule.timeZone = zone.identifier
        row.schedule.scheduledFor = v.time
        row.schedule.localTime = v.adjusted ? zone.localDateTime(at: v.time) : askedLocal
        row.schedule.retryCount = 0
        row.schedule.failureReason = nil
        row.failedAt = nil
        row.cancelledAt = nil
        row.expiresAt = expiresAt(dueFrom(v.time), window: row.schedule.expiryWindowSeconds)
        row.schedule.updatedAt = now
        if !row.schedule.isRecurring { row.schedule.nominalTime = v.time }
        try save(&row)
        try recordConflicts(v.atStoredTime, schedule: id, project: project)
        try alertPlatformLoad(row.schedule)
        return EnqueueResult(
            schedule: row.schedule, originalTime: asked, adjustedTime: v.adjusted ? v.time : nil,
            conflicts: v.conflicts, replayed: false, pastDue: pastDue)
    }

    // MARK: Conflicts

    func resolveConflict(project: String, id: String, resolution: String, resolvedBy: String) throws
        -> ScheduleConflict
    {
        try Self.checkID(resolvedBy, "resolvedBy")
        guard !resolution.isEmpty, resolution.utf8.count <= StoreLimits.maxTextBytes else {
            throw StoreError.invalidArgument("resolution", "must be 1…\(StoreLimits.maxTextBytes) bytes")
        }
        return try markConflictResolved(project: project, id: id, resolution: resolution, resolvedBy: resolvedBy, at: now)
    }
}

extension ScheduleRepository {
    /// The seed's Check Conflicts (Validate): the checks Enqueue makes on these fields, with the
    /// findings and a suggested time, storing nothing.
    func checkConflicts(
        project: String, excluding scheduleID: String?, time: ScheduleTime, timeZone: String, platforms: [String],
        recurrence: RecurrenceSpec?, autoResolve: Bool
    ) throws -> ConflictChecker.Validation {
        try Self.checkID(project, "projectID")
        let zone = try self.zone(timeZone)
        let names = try self.platforms(platforms, project: project)
        let (t, local) = try resolve(time, in: zone)
        _ = try checkRecurrence(recurrence, start: local, first: t, zone: zone, until: nil)
        let proposal = ConflictChecker.Proposal(
            project: project, scheduleID: scheduleID, time: t, platforms: names, zone: zone)
        return try checker(for: project).validate(proposal, autoResolve: autoResolve, in: occupancy)
    }
}

/// An Enqueue request whose own fields were checked, with its fingerprint when it carries an
/// idempotency key: all of Enqueue that needs no database, done by the caller before its
/// request goes to the writer (the one thread every write passes through), so the writer does
/// only what needs the database. The same checks, in the same order, as before the split.
final class CheckedEnqueue: Sendable {
    let request: EnqueueRequest
    let fingerprint: String?
    /// The request's zone, platforms and time, resolved before the writer too (EnqueueBatch), or
    /// the first of those three refusals; nil when the writer resolves them (Enqueue). Enqueue
    /// reports a refusal among them at the same point either way, after the checks that need
    /// the database (the metadata, an idempotent replay), as before the split.
    let resolved: Result<Resolved, StoreError>?

    /// What Enqueue resolves from the request with the server's configuration alone.
    struct Resolved: Sendable {
        let zone: Zone
        let platforms: [String]
        let asked: Instant
        let askedLocal: LocalDateTime
        /// `askedLocal` as stored, when formatted before the writer.
        let askedLocalText: String?

        /// `req`'s zone, canonical platforms (known to `known`, its project's rate limits) and
        /// time, checked in that order; with `formatted`, the local time's text too.
        init(_ req: EnqueueRequest, zones: TimeZoneDatabase, known: PlatformRateLimits, formatted: Bool = false)
            throws(StoreError)
        {
            zone = try StoreChecks.zone(req.timeZone, in: zones)
            platforms = try StoreChecks.platforms(req.platforms, known: known)
            (asked, askedLocal) = try StoreChecks.resolve(req.time, in: zone)
            askedLocalText = formatted ? askedLocal.description : nil
        }
    }

    /// Each of `requests` checked, or its error (a batch's items are answered one by one), with
    /// its zone, platforms and time resolved under `config`: a batch's writer then has only the
    /// database's part to do. A class, so that handing an item on copies one reference, not the
    /// request's dozen strings.
    static func each(_ requests: [EnqueueRequest], config: StoreConfiguration) -> [Result<CheckedEnqueue, StoreError>] {
        // Each project's rate-limit table once per call: items may alternate between projects.
        var limits: [String: PlatformRateLimits] = [:]
        return requests.map { r in
            let known: PlatformRateLimits
            if let l = limits[r.projectID] {
                known = l
            } else {
                known = config.conflictPolicy(for: r.projectID).rateLimits
                limits[r.projectID] = known
            }
            return Result { () throws(StoreError) in try CheckedEnqueue(r, resolvingWith: (config.zones, known)) }
        }
    }

    /// `req` checked; its zone, platforms and time are left to the writer.
    convenience init(_ req: EnqueueRequest) throws(StoreError) {
        try self.init(req, resolvingWith: nil)
    }

    /// `req` checked, with its zone, platforms and time resolved in `zones` against `known`
    /// (the project's rate limits) when they are given.
    init(_ req: EnqueueRequest, resolvingWith context: (zones: TimeZoneDatabase, known: PlatformRateLimits)?)
        throws(StoreError)
    {
        try StoreChecks.checkID(req.projectID, "projectID")
        try StoreChecks.checkID(req.contentID, "contentID")
        guard (1...10).contains(req.priority) else { throw StoreError.invalidArgument("priority", "must be 1…10") }
        guard (0...100).contains(req.maxRetries) else {
            throw StoreError.invalidArgument("maxRetries", "must be 0…100")
        }
        guard (0...604_800).contains(req.retryDelaySeconds) else {
            throw StoreError.invalidArgument("retryDelaySeconds", "must be 0…604800")
        }
        guard (0...86_400).contains(req.publishDelaySeconds) else {
            throw StoreError.invalidArgument("publishDelaySeconds", "must be 0…86400")
        }
        if let w = req.expiryWindowSeconds, w <= 0 {
            throw StoreError.invalidArgument("expiryWindowSeconds", "must be positive")
        }
        if let n = req.notes, n.utf8.count > StoreLimits.maxTextBytes {
            throw StoreError.invalidArgument("notes", "at most \(StoreLimits.maxTextBytes) bytes")
        }
        if let k = req.idempotencyKey { try StoreChecks.checkID(k, "idempotencyKey") }
        if let j = req.externalJobID { try StoreChecks.checkID(j, "externalJobID") }
        // Whether the metadata is a JSON object is SQLite's to say (json_valid): in the writer.
        if let m = req.metadataJSON, m.utf8.count > 65_536 {
            throw StoreError.invalidArgument("metadata", "at most 64 KiB")
        }
        request = req
        fingerprint = req.idempotencyKey.map { _ in Self.fingerprint(req) }
        resolved = context.map { c in
            Result { () throws(StoreError) in try Resolved(req, zones: c.zones, known: c.known, formatted: true) }
        }
    }

    /// The request fingerprint stored with an idempotency key: `IDs.fingerprint(canonical(r))`,
    /// computed by feeding the canonical text's bytes to the hash as they are produced, without
    /// building the text (an array of 17 strings, their length prefixes and the joined result were
    /// 7 % of the writer's time in EnqueueBatch). A test holds the two equal.
    static func fingerprint(_ r: EnqueueRequest) -> String {
        var h = CanonicalHasher()
        h.field(r.projectID)
        h.field(r.contentID)
        switch r.time {
        case .instant(let i): h.field("i:\(i.unixMilliseconds)")
        case .local(let l): h.field("l:\(l)")
        }
        h.field(r.timeZone)
        h.field(joining: r.platforms)
        h.field(Int64(r.priority))
        switch r.recurrence {
        case .rrule(let t): h.field("rrule:" + t)
        case .cron(let t): h.field("cron:" + t)
        case .shorthand(let p, let c): h.field("short:\(p):\(c.map { "\($0)" } ?? "-")")
        case nil: h.field("-")
        }
        h.field(r.recurringUntil?.unixMilliseconds)
        h.field(r.publishDelaySeconds)
        h.field(Int64(r.maxRetries))
        h.field(r.retryDelaySeconds)
        h.field(r.notes ?? "-")
        h.field(r.metadataJSON ?? "-")
        h.field(r.autoResolve ? "true" : "false")
        h.field(r.expiryWindowSeconds)
        h.field(r.leaseLossPolicy.rawValue)
        h.field(r.externalJobID ?? "-")
        return h.hex
    }

    /// Every field of the request except the idempotency key, in a fixed order with explicit
    /// separators: the text behind the request fingerprint (stable across releases).
    static func canonical(_ r: EnqueueRequest) -> String {
        func o<T>(_ v: T?) -> String { v.map { "\($0)" } ?? "-" }
        let time: String
        switch r.time {
        case .instant(let i): time = "i:\(i.unixMilliseconds)"
        case .local(let l): time = "l:\(l)"
        }
        var recurrence = "-"
        switch r.recurrence {
        case .rrule(let t): recurrence = "rrule:\(t)"
        case .cron(let t): recurrence = "cron:\(t)"
        case .shorthand(let p, let c): recurrence = "short:\(p):\(o(c))"
        case nil: break
        }
        let fields: [String] = [
            r.projectID, r.contentID, time, r.timeZone, r.platforms.joined(separator: ","), "\(r.priority)", recurrence,
            o(r.recurringUntil?.unixMilliseconds), "\(r.publishDelaySeconds)", "\(r.maxRetries)",
            "\(r.retryDelaySeconds)", o(r.notes), o(r.metadataJSON), "\(r.autoResolve)", o(r.expiryWindowSeconds),
            r.leaseLossPolicy.rawValue, o(r.externalJobID),
        ]
        // Length-prefixed, so no field's content can imitate a separator.
        return fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
    }
}

/// FNV-1a 64 over the canonical text of ``CheckedEnqueue/canonical(_:)``: each field as its
/// UTF-8 length in decimal, ":", its text, the fields separated by "|" (``IDs/fingerprint(_:)``
/// over that text, without the text).
struct CanonicalHasher {
    private var fnv = FNV1a()
    private var first = true

    private mutating func begin(length: Int) {
        if !first { fnv.add(UInt8(ascii: "|")) }
        first = false
        decimal(Int64(length))
        fnv.add(UInt8(ascii: ":"))
    }

    /// `v`'s digits as `String(v)` writes them, without making the string.
    private mutating func decimal(_ v: Int64) {
        if v < 0 { fnv.add(UInt8(ascii: "-")) }
        let m = v.magnitude
        var power: UInt64 = 1
        while power <= m / 10 { power *= 10 }
        while power > 0 {
            fnv.add(UInt8(ascii: "0") + UInt8(m / power % 10))
            power /= 10
        }
    }

    /// How many characters `String(v)` has.
    private static func decimalLength(_ v: Int64) -> Int {
        var n = v < 0 ? 2 : 1
        var m = v.magnitude
        while m >= 10 {
            m /= 10
            n += 1
        }
        return n
    }

    mutating func field(_ s: String) {
        begin(length: s.utf8.count)
        fnv.add(s)
    }

    mutating func field(_ v: Int64) {
        begin(length: Self.decimalLength(v))
        decimal(v)
    }

    /// An optional number: "-" when nil.
    mutating func field(_ v: Int64?) {
        if let v { field(v) } else { field("-") }
    }

    /// Strings joined by ",".
    mutating func field(joining parts: [String]) {
        begin(length: parts.reduce(max(0, parts.count - 1)) { $0 + $1.utf8.count })
        for (i, p) in parts.enumerated() {
            if i > 0 { fnv.add(UInt8(ascii: ",")) }
            fnv.add(p)
        }
    }

    /// 16 hex digits, as ``IDs/fingerprint(_:)`` writes them.
    var hex: String { fnv.text }
}
