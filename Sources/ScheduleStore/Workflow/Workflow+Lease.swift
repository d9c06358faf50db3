import SchedulingCore

extension ScheduleRepository {
    // MARK: Dequeue

    func dequeue(_ req: DequeueRequest) throws -> [Lease] {
        try Self.checkID(req.projectID, "projectID")
        try Self.checkID(req.workerID, "workerID")
        guard (1...100).contains(req.limit) else { throw StoreError.invalidArgument("limit", "must be 1…100") }
        guard (1...86_400).contains(req.leaseSeconds) else {
            throw StoreError.invalidArgument("leaseSeconds", "must be 1…86400")
        }
        let now = self.now
        let rows: [Rows.Row]
        if let cap = req.maxInFlight {
            guard cap >= 1 else { throw StoreError.invalidArgument("maxInFlight", "must be at least 1") }
            rows = try dueRows(project: req.projectID, limit: req.limit, maxInFlight: cap, at: now)
        } else {
            rows = try dueRows(project: req.projectID, limit: req.limit, at: now)
        }

        let expires = now.adding(seconds: req.leaseSeconds)
        var leases: [Lease] = []
        leases.reserveCapacity(rows.count)
        for var row in rows {
            if row.schedule.queueStatus == .queued {
                // A lease that ran out before the worker started: that attempt is over.
                try closeAttempt(row, outcome: "RELEASED", error: "lease expired", at: now)
            }
            try apply(.dequeue, to: &row)
            if req.start {
                try apply(.start, to: &row)
                row.schedule.processingAt = now
            }
            let token = IDs.token()
            row.leaseToken = token
            row.schedule.leaseOwner = req.workerID
            row.schedule.leaseExpiresAt = expires
            row.schedule.queuedAt = now
            row.schedule.attemptCount += 1
            row.schedule.updatedAt = now
            try save(&row)
            let attempt = row.schedule.attemptCount
            let key = "\(row.schedule.id)/\(attempt)"
            try insertAttempt(
                NewAttempt(
                    scheduleID: row.schedule.id, attempt: attempt, projectID: row.schedule.projectID,
                    workerID: req.workerID, idempotencyKey: key, dueAt: row.schedule.scheduledFor, dequeuedAt: now,
                    startedAt: req.start ? now : nil, leaseToken: token))
            leases.append(
                Lease(schedule: row.schedule, token: token, expiresAt: expires, attempt: attempt, idempotencyKey: key))
        }
        return leases
    }

    /// Loads a leased item and checks the fencing token.
    ///
    /// The token is the fence: it is replaced when the item is dequeued again and cleared when a
    /// lease is reaped, so a matching token proves nobody else holds the item, even if the lease
    /// has run out in the meantime.
    func loadLeased(_ project: String, _ id: String, token: String) throws -> Rows.Row {
        switch try leased(project, id, token: token) {
        case .current(let row): return row
        case .ended(let row, _): throw StoreError.staleLease(row.schedule.state)
        }
    }

    /// The token's lease: the current one, or one a worker call already ended. Any other token
    /// (a lease that expired, was reaped or handed to another worker) is a stale lease.
    func leased(_ project: String, _ id: String, token: String) throws -> LeaseCheck {
        guard !token.isEmpty else { throw StoreError.invalidArgument("leaseToken", "required") }
        let row = try load(project, id)
        if let current = row.leaseToken, current.utf8.count == token.utf8.count, constantTimeEquals(current, token) {
            return .current(row)
        }
        guard let ended = try endedAttempt(scheduleID: id, token: token) else {
            throw StoreError.staleLease(row.schedule.state)
        }
        return .ended(row, ended)
    }

    /// A repeated call that does not match the call that ended the lease.
    private func endedByOther(_ ended: EndedAttempt, _ row: Rows.Row) -> StoreError {
        StoreError(
            code: .failedPrecondition,
            message: "this lease was already ended by \(ended.endedBy == .complete ? "Complete" : "Fail") "
                + "(schedule is \(row.schedule.state))",
            field: "leaseToken", currentState: row.schedule.state)
    }

    /// The occurrence a finished recurring schedule's follow-up created (the series' next slot).
    private func nextOccurrence(after row: Rows.Row) throws -> Schedule? {
        guard let series = row.schedule.seriesID else { return nil }
        return try nextOccurrence(series: series, after: row.schedule.nominalTime)
    }

    private func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        var diff: UInt8 = 0
        for (x, y) in zip(a.utf8, b.utf8) { diff |= x ^ y }
        return diff == 0
    }

    func markProcessing(project: String, id: String, token: String) throws -> Schedule {
        var row = try loadLeased(project, id, token: token)
        // A repeated Start (or a Start after Dequeue with start) under the same lease: already done.
        if row.schedule.queueStatus == .processing { return row.schedule }
        try apply(.start, to: &row)
        let now = self.now
        row.schedule.processingAt = now
        row.schedule.updatedAt = now
        try save(&row)
        try markAttemptStarted(scheduleID: id, attempt: row.schedule.attemptCount, at: now)
        return row.schedule
    }

    func heartbeat(project: String, id: String, token: String, extendSeconds: Int64) throws -> Instant {
        guard (1...86_400).contains(extendSeconds) else {
            throw StoreError.invalidArgument("leaseSeconds", "must be 1…86400")
        }
        var row = try loadLeased(project, id, token: token)
        guard row.schedule.queueStatus == .queued || row.schedule.queueStatus == .processing else {
            throw StoreError.staleLease(row.schedule.state)
        }
        let now = self.now
        let expires = now.adding(seconds: extendSeconds)
        row.schedule.leaseExpiresAt = expires
        row.schedule.updatedAt = now
        try save(&row)
        return expires
    }

    /// Records per-platform results of the current attempt and marks the successful platforms
    /// published (at `publishedAt`, default now) in `row`.
    func recordResults(_ results: [PlatformResult], row: inout Rows.Row, now: Instant, publishedAt: Instant? = nil)
        throws
    {
        var published = row.schedule.publishedPlatforms
        for (i, r) in results.enumerated() {
            let p = PlatformRateLimits.normalize(r.platform)
            guard row.schedule.platforms.contains(p) else {
                throw StoreError.invalidArgument(
                    "results[\(i)].platform", "\(Self.quoted(r.platform)) is not a platform of this schedule")
            }
            try recordResult(
                scheduleID: row.schedule.id, attempt: row.schedule.attemptCount, platform: p, result: r, at: now)
            if r.succeeded && !published.contains(p) {
                published.append(p)
                try markPublished(scheduleID: row.schedule.id, platform: p, at: publishedAt ?? now, url: r.url)
            }
        }
        row.schedule.publishedPlatforms = row.schedule.platforms.filter { published.contains($0) }
    }

    /// `publishedAt` is when the worker says it published (nil: now). It is kept within the
    /// attempt: a time before the item went PROCESSING is that moment, one after now is now (a
    /// worker's clock may run ahead; refusing would lose the completion).
    func complete(
        project: String, id: String, token: String, results: [PlatformResult], publishedAt: Instant? = nil
    ) throws -> FinishResult {
        if let bad = results.firstIndex(where: { !$0.succeeded }) {
            throw StoreError.invalidArgument("results[\(bad)]", "a failed platform must be reported with fail")
        }
        var row: Rows.Row
        switch try leased(project, id, token: token) {
        case .current(let r): row = r
        case .ended(let r, let ended):
            guard ended.endedBy == .complete else { throw endedByOther(ended, r) }
            return FinishResult(schedule: r.schedule, outcome: nil, nextOccurrence: try nextOccurrence(after: r))
        }
        let started = row.schedule.processingAt
        try apply(.complete, to: &row)
        let now = self.now
        var at = publishedAt.map { min($0, now) } ?? now
        if let started, at < started { at = started }
        try recordResults(results, row: &row, now: now, publishedAt: at)
        // Complete means every platform is published: mark the ones not reported explicitly.
        let missing = row.schedule.remainingPlatforms
        if !missing.isEmpty {
            try markRemainingPublished(scheduleID: id, at: at)
            row.schedule.publishedPlatforms = row.schedule.platforms
        }
        try closeAttempt(row, outcome: "COMPLETED", error: nil, at: now, endedBy: .complete, retryAt: nil)
        clearLease(&row)
        row.schedule.publishedAt = at
        row.schedule.failureReason = nil
        row.schedule.updatedAt = now
        try save(&row)
        let next = try followUp(after: row)
        return FinishResult(schedule: row.schedule, outcome: nil, nextOccurrence: next)
    }

    func fail(
        project: String, id: String, token: String, results: [PlatformResult], error: String, retryable: Bool
    ) throws -> FinishResult {
        guard !error.isEmpty, error.utf8.count <= StoreLimits.maxTextBytes else {
            throw StoreError.invalidArgument("error", "must be 1…\(StoreLimits.maxTextBytes) bytes")
        }
        var row: Rows.Row
        switch try leased(project, id, token: token) {
        case .current(let r): row = r
        case .ended(let r, let ended):
            guard ended.endedBy == .fail else { throw endedByOther(ended, r) }
            let outcome: FailOutcome?
            switch ended.outcome {
            case "RETRY":
                outcome = .retryScheduled(at: ended.retryAt ?? r.schedule.scheduledFor, retryCount: r.schedule.retryCount)
            case "FAILED": outcome = .failed
            case "PARTIAL": outcome = .completedPartially
            default: outcome = nil  // every platform had published after all: COMPLETED
            }
            let finished: Bool
            if case .retryScheduled = outcome { finished = false } else { finished = true }
            return FinishResult(
                schedule: r.schedule, outcome: outcome, nextOccurrence: finished ? try nextOccurrence(after: r) : nil)
        }
        guard Lifecycle.can(.fail, from: row.schedule.state) else {
            throw StoreError.illegal(IllegalTransition(event: .fail, current: row.schedule.state))
        }
        let now = self.now
        try recordResults(results, row: &row, now: now)
        if row.schedule.remainingPlatforms.isEmpty {
            // Every platform has published after all.
            try apply(.complete, to: &row)
            try closeAttempt(row, outcome: "COMPLETED", error: error, at: now, endedBy: .fail, retryAt: nil)
            clearLease(&row)
            row.schedule.publishedAt = now
            row.schedule.updatedAt = now
            try save(&row)
            return FinishResult(schedule: row.schedule, outcome: nil, nextOccurrence: try followUp(after: row))
        }
        let outcome = try decideFailure(
            &row, error: error, retryable: retryable, now: now, attemptOutcome: nil, endedBy: .fail)
        let next = row.schedule.queueStatus.isTerminal ? try followUp(after: row) : nil
        return FinishResult(schedule: row.schedule, outcome: outcome, nextOccurrence: next)
    }

    /// Applies the retry policy to a failed attempt and saves the row.
    func decideFailure(
        _ row: inout Rows.Row, error: String, retryable: Bool, now: Instant, attemptOutcome: String?,
        endedBy: WorkerCall? = nil
    ) throws -> FailOutcome {
        let policy = RetryPolicy(
            maxRetries: row.schedule.maxRetries, baseDelaySeconds: max(1, row.schedule.retryDelaySeconds),
            maxDelaySeconds: config.maxRetryDelaySeconds, jitter: config.retryJitter)
        let decision = policy.decide(
            retryCount: row.schedule.retryCount, partialSuccess: !row.schedule.publishedPlatforms.isEmpty,
            retryable: retryable, now: now, random: Double.random(in: 0...1))
        let outcome: FailOutcome
        switch decision {
        case .retry(let at, let n):
            try apply(.retry, to: &row)
            try closeAttempt(row, outcome: attemptOutcome ?? "RETRY", error: error, at: now, endedBy: endedBy, retryAt: at)
            row.schedule.scheduledFor = at
            row.schedule.localTime = try storedZone(row.schedule.timeZone).localDateTime(at: at)
            row.schedule.retryCount = n
            row.expiresAt = expiresAt(at, window: row.schedule.expiryWindowSeconds)
            outcome = .retryScheduled(at: at, retryCount: n)
        case .fail:
            try apply(.fail, to: &row)
            try closeAttempt(row, outcome: attemptOutcome ?? "FAILED", error: error, at: now, endedBy: endedBy, retryAt: nil)
            row.failedAt = now
            outcome = .failed
        case .completePartially:
            try apply(.complete, to: &row)
            try closeAttempt(row, outcome: "PARTIAL", error: error, at: now, endedBy: endedBy, retryAt: nil)
            row.schedule.publishedAt = now
            outcome = .completedPartially
        }
        clearLease(&row)
        row.schedule.failureReason = error
        row.schedule.updatedAt = now
        try save(&row)
        if case .failed = outcome { try alertScheduleFailed(row, error: error, at: now) }
        return outcome
    }

    // MARK: Recurring follow-ups

    /// Inserts the series' next occurrence after `row`'s slot (wall-clock time in its zone,
    /// bounded by recurringUntil), in the current transaction. Nil when the series has ended or
    /// the occurrence already exists.
    func followUp(after row: Rows.Row, notBefore: Instant? = nil) throws -> Schedule? {
        let sc = row.schedule
        guard sc.isRecurring, let kind = row.recurrenceKind, let text = row.recurrenceText else { return nil }
        let zone = try storedZone(sc.timeZone)
        let start = row.recurrenceStart.flatMap { try? LocalDateTime.parse($0) } ?? sc.localTime
        var after = sc.nominalTime
        if let notBefore, notBefore > after { after = notBefore }
        guard
            let next = try CompiledRecurrence.next(
                kind: kind, text: text, start: start, zone: zone, until: sc.recurringUntil, after: after)
        else { return nil }
        let now = self.now
        var n = sc
        n.id = IDs.make("sch_", now: now)
        n.scheduledFor = next
        n.nominalTime = next
        n.localTime = zone.localDateTime(at: next)
        n.publishedPlatforms = []
        n.queueStatus = .pending
        n.status = .scheduled
        n.queuedAt = nil
        n.processingAt = nil
        n.publishedAt = nil
        n.retryCount = 0
        n.externalJobID = nil
        n.leaseOwner = nil
        n.leaseExpiresAt = nil
        n.attemptCount = 0
        n.failureReason = nil
        n.idempotencyKey = nil
        n.createdAt = now
        n.updatedAt = now
        let newRow = Rows.Row(
            schedule: n, leaseToken: nil, fingerprint: nil, recurrenceKind: kind, recurrenceText: text,
            recurrenceStart: row.recurrenceStart, expiresAt: expiresAt(next, window: sc.expiryWindowSeconds))
        guard try insert(newRow, ignoreDuplicateOccurrence: true) else { return nil }
        // The series is committed to by the user: follow-ups are stored even when busy, and
        // their advisory findings are recorded for a person to look at.
        let proposal = ConflictChecker.Proposal(
            project: n.projectID, scheduleID: n.id, time: next, platforms: n.platforms, zone: zone)
        let found = try checker(for: n.projectID).check(proposal, in: occupancy)
        try recordConflicts(found, schedule: n.id, project: n.projectID)
        return n
    }
}

extension ScheduleRepository {
    // MARK: Batches

    /// Enqueues each request in order, each in its own savepoint: a refused item writes nothing
    /// and is its own result; later items see the earlier ones (conflicts, idempotency keys).
    func enqueueBatch(_ requests: [EnqueueRequest]) throws -> [Result<EnqueueResult, StoreError>] {
        try enqueueBatch(CheckedEnqueue.each(requests, config: config))
    }

    /// The same for requests checked before the writer: an item refused by those checks is its
    /// own result without touching the database.
    func enqueueBatch(_ items: [Result<CheckedEnqueue, StoreError>]) throws -> [Result<EnqueueResult, StoreError>] {
        try items.map { item in
            switch item {
            case .failure(let error): return .failure(error)
            case .success(let checked): return try isolated { try enqueue(checked) }
            }
        }
    }

    /// A worker's report, then its next lease, in the caller's one transaction
    /// (``SchedulingStore/dequeue(_:acknowledging:)``).
    func dequeue(_ request: DequeueRequest, acknowledging items: [Acknowledgement]) throws
        -> (acknowledged: [Result<FinishResult, StoreError>], leases: [Lease])
    {
        let acknowledged = try acknowledge(items)
        return (acknowledged, try dequeue(request))
    }

    /// Applies each acknowledgement in order, each on its own (``isolated(_:)``), as Complete or
    /// Fail would.
    func acknowledge(_ items: [Acknowledgement]) throws -> [Result<FinishResult, StoreError>] {
        try items.map { a in
            try isolated {
                switch a {
                case .complete(let project, let id, let token, let results, let publishedAt):
                    return try complete(project: project, id: id, token: token, results: results, publishedAt: publishedAt)
                case .fail(let project, let id, let token, let results, let error, let retryable):
                    return try fail(
                        project: project, id: id, token: token, results: results, error: error, retryable: retryable)
                }
            }
        }
    }
}
