import SchedulingCore

/// What ``ScheduleRepository/validate(project:excluding:time:zone:platforms:autoResolve:)`` found:
/// the time to store, whether it was moved, the findings, and those about the stored time.
typealias SlotCheck = (time: Instant, adjusted: Bool, conflicts: [Conflict], atStoredTime: [Conflict])

/// Helpers shared by the workflow's operations: request checks, zones, lifecycle, conflicts.
extension ScheduleRepository {
    func zone(_ id: String, field: String = "timeZone") throws(StoreError) -> Zone {
        try StoreChecks.zone(id, in: config.zones, field: field)
    }

    /// The zone stored with a schedule. Read even when new requests may no longer name it (see
    /// ``TimeZoneDatabase/storedZone(_:)``); when tzdata no longer has it at all, the operation
    /// is refused naming no request field, since the caller did not send it.
    func storedZone(_ id: String) throws(StoreError) -> Zone {
        do {
            return try config.zones.storedZone(id)
        } catch {
            throw StoreError(
                code: .failedPrecondition,
                message: "the schedule's time zone \(Self.quoted(id)) is not in this server's tzdata (\(error.reason))")
        }
    }

    /// Canonical, de-duplicated platform names, each known to the project's rate-limit table.
    func platforms(_ raw: [String], project: String, field: String = "platforms") throws(StoreError) -> [String] {
        try StoreChecks.platforms(raw, known: checker(for: project).policy.rateLimits, field: field)
    }

    /// `value` in quotes for an error message, cut after 64 characters: a caller's bad value is
    /// echoed to name it, not to send a 16 KiB string back.
    static func quoted(_ value: String) -> String { StoreChecks.quoted(value) }

    static func checkID(_ value: String, _ field: String) throws(StoreError) {
        try StoreChecks.checkID(value, field)
    }

    /// The instant and wall-clock time for `time` in `zone`.
    func resolve(_ time: ScheduleTime, in zone: Zone, field: String = "time") throws(StoreError)
        -> (Instant, LocalDateTime)
    {
        try StoreChecks.resolve(time, in: zone, field: field)
    }

    /// Applies a lifecycle event through the one transition table.
    func apply(_ event: LifecycleEvent, to row: inout Rows.Row) throws(StoreError) {
        do {
            let next = try Lifecycle.apply(event, to: row.schedule.state)
            row.schedule.queueStatus = next.queue
            row.schedule.status = next.schedule
        } catch {
            throw .illegal(error)
        }
    }

    func expiresAt(_ scheduledFor: Instant, window: Int64?) -> Instant? {
        window.map { scheduledFor.adding(seconds: $0) }
    }

    func clearLease(_ row: inout Rows.Row) {
        row.leaseToken = nil
        row.schedule.leaseOwner = nil
        row.schedule.leaseExpiresAt = nil
    }

    /// Runs the conflict checks and applies the auto-resolve rule: returns the time to store,
    /// whether it was moved, and the findings; throws failedPrecondition with the blocking ones.
    func validate(
        project: String, excluding: String?, time: Instant, zone: Zone, platforms: [String], autoResolve: Bool
    ) throws -> SlotCheck {
        let proposal = ConflictChecker.Proposal(
            project: project, scheduleID: excluding, time: time, platforms: platforms, zone: zone)
        let v = try checker(for: project).validate(proposal, autoResolve: autoResolve, in: occupancy)
        if v.valid { return (time, false, v.conflicts, v.conflicts) }
        if autoResolve, let t = v.suggestedTime {
            return (t, true, v.conflicts + v.suggestedConflicts, v.suggestedConflicts)
        }
        let blocking = v.conflicts.filter { $0.severity.isBlocking }
        throw StoreError(
            code: .failedPrecondition,
            message: autoResolve
                ? "schedule conflicts detected and no free slot within the auto-resolve horizon"
                : "schedule conflicts detected", field: "time", conflicts: blocking)
    }
}

/// Checks of a request's own values, shared by the repository and the checks made before the
/// writer (``CheckedEnqueue``).
enum StoreChecks {
    /// `value` in quotes for an error message, cut after 64 characters: a caller's bad value is
    /// echoed to name it, not to send a 16 KiB string back.
    static func quoted(_ value: String) -> String {
        value.count <= 64 ? "\"\(value)\"" : "\"\(value.prefix(64))…\""
    }

    /// A Stats range (``SchedulingStore/projectStats(projectID:history:byPlatform:)``): `from`
    /// after `to` is invalidArgument naming `from`; no range is no check.
    static func statsRange(_ range: (from: Instant, to: Instant)?) throws(StoreError) {
        if let range, range.from > range.to { throw .invalidArgument("from", "must not be after 'to'") }
    }

    /// The zone a request names; invalidArgument naming `field` when tzdata has no such zone.
    static func zone(_ id: String, in zones: TimeZoneDatabase, field: String = "timeZone") throws(StoreError) -> Zone {
        do {
            return try zones.zone(id)
        } catch {
            throw .invalidArgument(field, "unknown time zone \(quoted(id))")
        }
    }

    /// Canonical, de-duplicated platform names, each known to `known` (the project's rate-limit
    /// table).
    static func platforms(_ raw: [String], known: PlatformRateLimits, field: String = "platforms") throws(StoreError)
        -> [String]
    {
        guard !raw.isEmpty else { throw .invalidArgument(field, "at least one platform is required") }
        guard raw.count <= 32 else { throw .invalidArgument(field, "at most 32 platforms") }
        var out: [String] = []
        for (i, p) in raw.enumerated() {
            let n = PlatformRateLimits.normalize(p)
            guard !n.isEmpty, n.utf8.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 }),
                known.limits[n] != nil
            else {
                throw .invalidArgument("\(field)[\(i)]", "unknown platform \(quoted(p))")
            }
            if !out.contains(n) { out.append(n) }
        }
        return out
    }

    /// The instant and wall-clock time for `time` in `zone`.
    static func resolve(_ time: ScheduleTime, in zone: Zone, field: String = "time") throws(StoreError)
        -> (Instant, LocalDateTime)
    {
        let result: (Instant, LocalDateTime)
        switch time {
        case .instant(let i): result = (i, zone.localDateTime(at: i))
        case .local(let l): result = (zone.resolve(l).instant, l)
        }
        guard Instant.supportedRange.contains(result.0) else {
            throw .invalidArgument(field, "outside the supported range (years 1900–9999)")
        }
        return result
    }

    /// An id: non-empty, at most ``StoreLimits/maxIDBytes``.
    static func checkID(_ value: String, _ field: String) throws(StoreError) {
        guard !value.isEmpty else { throw .invalidArgument(field, "must not be empty") }
        guard value.utf8.count <= StoreLimits.maxIDBytes else {
            throw .invalidArgument(field, "at most \(StoreLimits.maxIDBytes) bytes")
        }
    }
}
