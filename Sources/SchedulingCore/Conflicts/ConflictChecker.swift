/// The seed's four conflict checks and `validateSchedule`, as pure functions over an
/// ``OccupancySource``.
public struct ConflictChecker: Sendable {
    public var policy: ConflictPolicy

    public init(policy: ConflictPolicy = ConflictPolicy()) {
        self.policy = policy
    }

    /// A schedule proposal to check.
    public struct Proposal: Sendable, Hashable {
        public var project: String
        /// The schedule being re-validated (an update), excluded from the counts.
        public var scheduleID: String?
        public var time: Instant
        /// Canonical platform names.
        public var platforms: [String]
        public var zone: Zone

        public init(project: String, scheduleID: String? = nil, time: Instant, platforms: [String], zone: Zone) {
            self.project = project
            self.scheduleID = scheduleID
            self.time = time
            self.platforms = platforms
            self.zone = zone
        }
    }

    /// The outcome of `validateSchedule`.
    public struct Validation: Sendable, Hashable {
        /// True when no conflict blocks the schedule (none of ERROR or CRITICAL severity).
        public var valid: Bool
        /// Every finding at the requested time.
        public var conflicts: [Conflict]
        /// With auto-resolve: the first slot in the next 24 hours (15-minute steps) without a
        /// blocking conflict; nil when the requested time is valid or no slot was found.
        public var suggestedTime: Instant?
        /// The findings at the suggested time (advice that still applies there).
        public var suggestedConflicts: [Conflict]

        public init(valid: Bool, conflicts: [Conflict], suggestedTime: Instant? = nil, suggestedConflicts: [Conflict] = []) {
            self.valid = valid
            self.conflicts = conflicts
            self.suggestedTime = suggestedTime
            self.suggestedConflicts = suggestedConflicts
        }
    }

    private func window(_ t: Instant, _ seconds: Int64) -> ClosedRange<Instant> {
        t.adding(seconds: -seconds)...t.adding(seconds: seconds)
    }

    /// Same-time: another schedule within ±1 minute → WARNING naming it.
    public func sameTime(_ p: Proposal, in source: some OccupancySource) throws -> [Conflict] {
        sameTime(p, ids: try source.scheduleIDs(project: p.project, in: sameTimeWindow(p), excluding: p.scheduleID, limit: 10))
    }

    /// Rate limit: per platform, schedules in ±1 hour; ≥ 80 % of the limit WARNING, ≥ 100 % ERROR.
    public func rateLimit(_ p: Proposal, in source: some OccupancySource) throws -> [Conflict] {
        let platforms = limitedPlatforms(p)
        return rateLimit(
            p, platforms: platforms,
            counts: try platforms.map {
                try source.count(project: p.project, platform: $0, in: rateWindow(p), excluding: p.scheduleID)
            })
    }

    /// Resource: publishes within ±2.5 minutes; at the maximum (5) ERROR, at 80 % WARNING.
    public func resource(_ p: Proposal, in source: some OccupancySource) throws -> [Conflict] {
        resource(p, count: try source.count(project: p.project, in: resourceWindow(p), excluding: p.scheduleID))
    }

    private func sameTimeWindow(_ p: Proposal) -> ClosedRange<Instant> { window(p.time, policy.sameTimeWindowSeconds) }
    private func rateWindow(_ p: Proposal) -> ClosedRange<Instant> { window(p.time, policy.rateLimitWindowSeconds) }
    private func resourceWindow(_ p: Proposal) -> ClosedRange<Instant> { window(p.time, policy.resourceWindowSeconds) }

    /// The proposal's platforms that have a rate limit (the others are not counted).
    private func limitedPlatforms(_ p: Proposal) -> [String] {
        p.platforms.filter { policy.rateLimits.limit(for: $0) != nil }
    }

    private func sameTime(_ p: Proposal, ids: [String]) -> [Conflict] {
        ids.map { id in
            Conflict(
                type: .sameTime, severity: .warning,
                reason: "Another schedule exists within 1 minute",
                suggestion: "Space schedules at least 5 minutes apart",
                conflictingScheduleID: id, time: p.time)
        }
    }

    private func rateLimit(_ p: Proposal, platforms: [String], counts: [Int]) -> [Conflict] {
        var result: [Conflict] = []
        for (platform, n) in zip(platforms, counts) {
            guard let limit = policy.rateLimits.limit(for: platform) else { continue }
            if n >= limit {
                result.append(
                    Conflict(
                        type: .rateLimit, severity: .error,
                        reason: "\(platform) rate limit (\(limit)/hour) would be exceeded: \(n) posts scheduled within an hour",
                        suggestion: "Schedule for different time or reduce posts", platform: platform, time: p.time))
            } else if n >= policy.warningThreshold(limit) {
                result.append(
                    Conflict(
                        type: .rateLimit, severity: .warning,
                        reason: "\(platform) approaching rate limit. \(n)/\(limit) posts scheduled.",
                        suggestion: "Consider spacing out posts", platform: platform, time: p.time))
            }
        }
        return result
    }

    private func resource(_ p: Proposal, count n: Int) -> [Conflict] {
        let max = policy.maxConcurrent
        if n >= max {
            return [
                Conflict(
                    type: .resource, severity: .error,
                    reason: "Maximum concurrent publishes (\(max)) reached: \(n) schedules within 2.5 minutes",
                    suggestion: "Move the schedule to a less busy time", time: p.time)
            ]
        }
        if n >= policy.warningThreshold(max) {
            return [
                Conflict(
                    type: .resource, severity: .warning,
                    reason: "Approaching maximum concurrent publishes: \(n)/\(max) within 2.5 minutes",
                    suggestion: "Consider a less busy time", time: p.time)
            ]
        }
        return []
    }

    /// DST: within 2 hours of a transition in the schedule's zone → WARNING, suggesting 3 hours after it.
    public func dst(time: Instant, zone: Zone) -> [Conflict] {
        let check = DSTSafety.check(time, in: zone, policy: policy)
        guard !check.safe, let warning = check.warning else { return [] }
        return [
            Conflict(
                type: .custom, severity: .warning, reason: warning,
                suggestion: check.suggestion.map { "Schedule at \(zone.format($0)) instead" }, time: time,
                suggestedTime: check.suggestion)
        ]
    }

    /// All four checks at the proposal's time.
    /// The three counts are asked of the source in one ``OccupancySource/occupancy(_:)`` call.
    public func check(_ p: Proposal, in source: some OccupancySource) throws -> [Conflict] {
        let platforms = limitedPlatforms(p)
        let a = try source.occupancy(
            OccupancyQuestions(
                project: p.project, excluding: p.scheduleID, sameTime: sameTimeWindow(p), sameTimeLimit: 10,
                resource: resourceWindow(p), rate: rateWindow(p), platforms: platforms))
        var conflicts = sameTime(p, ids: a.sameTimeIDs)
        conflicts += rateLimit(p, platforms: platforms, counts: a.platformCounts)
        conflicts += resource(p, count: a.resourceCount)
        conflicts += dst(time: p.time, zone: p.zone)
        return conflicts
    }

    /// Whether any check would block the proposal, evaluated cheapest first and stopping early.
    private func hasBlocking(_ p: Proposal, in source: some OccupancySource) throws -> Bool {
        if try resource(p, in: source).contains(where: { $0.severity.isBlocking }) { return true }
        return try rateLimit(p, in: source).contains(where: { $0.severity.isBlocking })
    }

    /// The seed's `validateSchedule`: every check; with `autoResolve`, when the time is blocked,
    /// scans the next 24 hours in 15-minute steps for the first slot with no blocking conflict.
    public func validate(_ p: Proposal, autoResolve: Bool, in source: some OccupancySource) throws -> Validation {
        let conflicts = try check(p, in: source)
        let valid = !conflicts.contains { $0.severity.isBlocking }
        guard !valid, autoResolve else { return Validation(valid: valid, conflicts: conflicts) }
        var step = policy.autoResolveStepSeconds
        while step <= policy.autoResolveHorizonSeconds {
            var candidate = p
            candidate.time = p.time.adding(seconds: step)
            if try !hasBlocking(candidate, in: source) {
                return Validation(
                    valid: false, conflicts: conflicts, suggestedTime: candidate.time,
                    suggestedConflicts: try check(candidate, in: source))
            }
            step += policy.autoResolveStepSeconds
        }
        return Validation(valid: false, conflicts: conflicts)
    }
}
