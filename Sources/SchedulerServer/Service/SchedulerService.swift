import Foundation
import Logging
import ScheduleStore
import SchedulingCore
import WireProtocol

/// Limits on dispatching work to workers (the seed's Inngest concurrency settings).
public struct DispatchLimits: Sendable, Hashable {
    /// Items a project may have handed out (QUEUED or PROCESSING under a live lease). Default 5.
    public var maxInFlightPerProject: Int = 5
    /// Projects that may hold handed-out items at once. Default 10.
    public var maxDispatchingProjects: Int = 10

    public init() {}
}

/// The `scheduler.v1.Scheduler` service: one handler per method, each decoding its request,
/// checking the caller may act on the project it names, calling the store and encoding the answer.
public final class SchedulerService: Sendable {
    typealias V1 = SchedulerV1
    typealias S = SchedulerV1.Scheduler

    let store: any SchedulingStore
    let dispatch: DispatchLimits
    let clock: any WallClock
    let isDraining: @Sendable () -> Bool
    /// Leases, finished work, conflicts and auto-resolved moves are counted here.
    let metrics: ServerMetrics

    public init(
        store: any SchedulingStore, dispatch: DispatchLimits = DispatchLimits(), clock: any WallClock = SystemClock(),
        metrics: ServerMetrics = ServerMetrics(), isDraining: @escaping @Sendable () -> Bool
    ) {
        self.store = store
        self.metrics = metrics
        self.dispatch = dispatch
        self.clock = clock
        self.isDraining = isDraining
    }

    /// The method table for ``RPCServer``.
    public func methods() -> [String: MethodHandler] {
        var table: [String: MethodHandler] = [:]
        let metrics = self.metrics
        func add<M: RPCMethod>(
            _ m: M.Type, auth: Bool = true, _ body: @escaping @Sendable (CallContext, M.Request) async throws -> M.Response
        ) {
            table[M.path] = MethodHandler(requiresAuthentication: auth) { ctx, bytes in
                let request = try M.Request(serializedBytes: bytes)
                do {
                    return Frame.Response.ok(try await body(ctx, request))
                } catch let e as StoreError {
                    // An enqueue, update or reschedule refused by blocking conflicts names them.
                    metrics.recordConflicts(e.conflicts)
                    throw Wire.error(e, method: Wire.snake(M.name), request: request)
                }
            }
        }
        add(S.Enqueue.self) { [self] in try await enqueue($0, $1) }
        add(S.Dequeue.self) { [self] in try await dequeue($0, $1) }
        add(S.Start.self) { [self] ctx, r in
            try ctx.authorize(project: r.projectID)
            return S.Start.Response(schedule: Wire.schedule(try await store.markProcessing(projectID: r.projectID, scheduleID: r.scheduleID, leaseToken: r.leaseToken)))
        }
        add(S.Heartbeat.self) { [self] ctx, r in
            try ctx.authorize(project: r.projectID)
            let expires = try await store.heartbeat(
                projectID: r.projectID, scheduleID: r.scheduleID, leaseToken: r.leaseToken,
                leaseSeconds: Int64(r.extendSeconds == 0 ? 300 : r.extendSeconds))
            return S.Heartbeat.Response(leaseExpiresAtMs: expires.unixMilliseconds)
        }
        add(S.Complete.self) { [self] ctx, r in
            try ctx.authorize(project: r.projectID)
            let done = try await store.complete(
                projectID: r.projectID, scheduleID: r.scheduleID, leaseToken: r.leaseToken,
                results: Wire.platformResults(r.results), publishedAt: r.publishedAtMs == 0 ? nil : Instant(unixMilliseconds: r.publishedAtMs))
            metrics.recordFinished(done)
            return Self.completeResponse(done)
        }
        add(S.Fail.self) { [self] ctx, r in
            try ctx.authorize(project: r.projectID)
            let done = try await store.fail(
                projectID: r.projectID, scheduleID: r.scheduleID, leaseToken: r.leaseToken,
                results: Wire.platformResults(r.results), error: r.error, retryable: r.retryable)
            metrics.recordFinished(done)
            return Self.failResponse(done)
        }
        add(S.Get.self) { [self] ctx, r in
            try ctx.authorize(project: r.projectID)
            let schedule = try await store.get(projectID: r.projectID, scheduleID: r.scheduleID)
            let history = try await store.history(projectID: r.projectID, scheduleID: r.scheduleID)
            return S.Get.Response(schedule: Wire.withHistory(Wire.schedule(schedule), history))
        }
        add(S.List.self) { [self] in try await list($0, $1) }
        add(S.Update.self) { [self] in try await update($0, $1) }
        add(S.Cancel.self) { [self] ctx, r in
            try ctx.authorize(project: r.projectID)
            return S.Cancel.Response(
                schedule: Wire.schedule(try await store.cancel(projectID: r.projectID, scheduleID: r.scheduleID, reason: r.reason)))
        }
        add(S.Pause.self) { [self] ctx, r in
            try ctx.authorize(project: r.projectID)
            return S.Pause.Response(schedule: Wire.schedule(try await store.pause(projectID: r.projectID, scheduleID: r.scheduleID)))
        }
        add(S.Resume.self) { [self] ctx, r in
            try ctx.authorize(project: r.projectID)
            return S.Resume.Response(schedule: Wire.schedule(try await store.resume(projectID: r.projectID, scheduleID: r.scheduleID)))
        }
        add(S.BatchPause.self) { [self] ctx, r in
            try ctx.authorize(project: r.projectID)
            let b = try await store.batch(.pause, projectID: r.projectID, scheduleIDs: r.scheduleIDs)
            return S.BatchPause.Response(affected: Int32(b.affected), skippedIDs: b.skippedIDs)
        }
        add(S.BatchResume.self) { [self] ctx, r in
            try ctx.authorize(project: r.projectID)
            let b = try await store.batch(.resume, projectID: r.projectID, scheduleIDs: r.scheduleIDs)
            return S.BatchResume.Response(affected: Int32(b.affected), skippedIDs: b.skippedIDs)
        }
        add(S.BatchCancel.self) { [self] ctx, r in
            try ctx.authorize(project: r.projectID)
            let b = try await store.batch(.cancel, projectID: r.projectID, scheduleIDs: r.scheduleIDs, reason: r.reason)
            return S.BatchCancel.Response(affected: Int32(b.affected), skippedIDs: b.skippedIDs)
        }
        add(S.PublishNow.self) { [self] ctx, r in
            try ctx.authorize(project: r.projectID)
            let s = try await store.publishNow(projectID: r.projectID, scheduleID: r.scheduleID)
            return S.PublishNow.Response(schedule: Wire.schedule(s), message: "Manual publish triggered")
        }
        add(S.ConfirmOutcome.self) { [self] in try await confirmOutcome($0, $1) }
        add(S.Reschedule.self) { [self] ctx, r in
            try ctx.authorize(project: r.projectID)
            let time = try Self.requiredTime(localTime: r.localTime, scheduledForMs: r.scheduledForMs, method: "reschedule")
            let result = try await store.reschedule(
                projectID: r.projectID, scheduleID: r.scheduleID, to: time, timeZone: r.timezone.isEmpty ? nil : r.timezone,
                autoResolve: r.autoResolve)
            metrics.recordEnqueued(result)
            let adjusted = result.adjustedTime != nil
            return S.Reschedule.Response(
                schedule: Wire.schedule(result.schedule), adjusted: adjusted, originalTimeMs: result.originalTime.unixMilliseconds,
                adjustedTimeMs: result.adjustedTime?.unixMilliseconds ?? 0, conflicts: result.conflicts.map(Wire.conflict),
                warning: Wire.warning(adjusted: adjusted, pastDue: result.pastDue), pastDue: result.pastDue)
        }
        add(S.EnqueueBatch.self) { [self] in try await enqueueBatch($0, $1) }
        add(S.Acknowledge.self) { [self] in try await acknowledge($0, $1) }
        add(S.Validate.self) { [self] in try await validate($0, $1) }
        add(S.Stats.self) { [self] in try await stats($0, $1) }
        add(S.ListConflicts.self) { [self] in try await listConflicts($0, $1) }
        add(S.ListAlerts.self) { [self] ctx, r in
            try ctx.authorize(project: r.projectID)
            let alerts = try await store.listAlerts(projectID: r.projectID, limit: r.limit == 0 ? 20 : Int(r.limit))
            return S.ListAlerts.Response(alerts: alerts.map(Wire.alert))
        }
        add(S.ResolveConflict.self) { [self] ctx, r in
            try ctx.authorize(project: r.projectID)
            let by = r.resolvedBy.isEmpty ? (ctx.principal?.name ?? "") : r.resolvedBy
            let c = try await store.resolveConflict(projectID: r.projectID, conflictID: r.conflictID, resolution: r.resolution, resolvedBy: by)
            return S.ResolveConflict.Response(conflict: Wire.storedConflict(c))
        }
        add(S.PreviewOccurrences.self) { [self] ctx, r in
            // Expanding up to 1000 occurrences is the one handler that computes for milliseconds
            // without awaiting: run it on the global pool, not on the connection's event loop.
            try await withTaskExecutorPreference(globalConcurrentExecutor) { try preview(ctx, r) }
        }
        // Answered on the connection's loop as it arrives (it awaits nothing).
        table[S.Health.path] = MethodHandler(requiresAuthentication: false, immediate: { [isDraining] bytes throws(RPCError) in
            let request = try S.Health.Request(serializedBytes: bytes)
            // As grpc.health.v1: "" is the whole server; a service this server does not run is
            // SERVICE_UNKNOWN rather than a status it cannot vouch for.
            guard request.service.isEmpty || request.service == S.serviceName else {
                return .ok(S.Health.Response(status: .serviceUnknown))
            }
            return .ok(S.Health.Response(status: isDraining() ? .notServing : .serving))
        })
        return table
    }

    // MARK: Handlers with more to them

    /// A request's time as the store takes it: a local wall-clock time (in the request's zone)
    /// or a UTC instant; nil when the request sets neither.
    ///
    /// Each rule about a request's time is checked once, where it can be: the decoder
    /// (`ProtoReader.when`, and UpdateRequest's) checks the syntax of `local_time`, the range of
    /// `scheduled_for_ms`, that at most one is set and that a required one is; here only what
    /// needs the calendar (a 30 February passes the syntax but is no date); the store checks the
    /// instant a local time resolves to in its zone. Every message reaching a handler was decoded.
    static func time(localTime: String, scheduledForMs: Int64, method: String) throws(RPCError) -> ScheduleTime? {
        if !localTime.isEmpty {
            do throws(TimeParseError) {
                return .local(try LocalDateTime.parse(localTime))
            } catch {
                throw RPCError.invalidArgument(field: "\(method).local_time", error.reason)
            }
        }
        return scheduledForMs == 0 ? nil : .instant(Instant(unixMilliseconds: scheduledForMs))
    }

    /// ``time(localTime:scheduledForMs:method:)`` of a request whose decoder requires a time.
    static func requiredTime(localTime: String, scheduledForMs: Int64, method: String) throws(RPCError) -> ScheduleTime {
        guard let t = try time(localTime: localTime, scheduledForMs: scheduledForMs, method: method) else {
            // Unreachable for a decoded message; a hand-built one gets the decoder's answer.
            throw RPCError.invalidArgument(field: "\(method).local_time", "required (or scheduled_for_ms)")
        }
        return t
    }

    private func enqueue(_ ctx: CallContext, _ r: S.Enqueue.Request) async throws -> S.Enqueue.Response {
        let key = r.idempotencyKey.isEmpty ? ctx.metadata.first(MetadataKey.idempotencyKey) : r.idempotencyKey
        let result = try await store.enqueue(try storeRequest(ctx, r, idempotencyKey: key))
        metrics.recordEnqueued(result)
        return Self.enqueueResponse(result)
    }

    /// An Enqueue request as the store takes it, after the caller's access to its project.
    private func storeRequest(_ ctx: CallContext, _ r: S.Enqueue.Request, idempotencyKey key: String?) throws
        -> EnqueueRequest
    {
        try ctx.authorize(project: r.projectID)
        let time = try Self.requiredTime(localTime: r.localTime, scheduledForMs: r.scheduledForMs, method: "enqueue")
        return EnqueueRequest(
            projectID: r.projectID, contentID: r.contentID, time: time, timeZone: r.timezone.isEmpty ? "UTC" : r.timezone,
            platforms: r.platforms, priority: r.priority == 0 ? 5 : Int(r.priority),
            recurrence: try Wire.recurrenceSpec(r.recurrence, field: "enqueue.recurrence"),
            recurringUntil: r.recurringUntilMs == 0 ? nil : Instant(unixMilliseconds: r.recurringUntilMs),
            publishDelaySeconds: Int64(r.publishDelaySeconds), maxRetries: r.maxRetries.map(Int.init) ?? 3,
            retryDelaySeconds: Int64(r.retryDelaySeconds ?? 300), notes: r.notes.isEmpty ? nil : r.notes,
            metadataJSON: r.metadataJSON.isEmpty ? nil : r.metadataJSON, autoResolve: r.autoResolve,
            idempotencyKey: key?.isEmpty == false ? key : nil,
            leaseLossPolicy: Wire.leaseLossPolicy(r.leaseLossPolicy) ?? .holdOutcomeUnknown)
    }

    private static func completeResponse(_ done: FinishResult) -> S.Complete.Response {
        S.Complete.Response(schedule: Wire.schedule(done.schedule), nextOccurrence: done.nextOccurrence.map(Wire.schedule))
    }

    private static func failResponse(_ done: FinishResult) -> S.Fail.Response {
        var next: Int64 = 0
        if case .retryScheduled(let at, _) = done.outcome { next = at.unixMilliseconds }
        return S.Fail.Response(willRetry: next != 0, nextAttemptAtMs: next, schedule: Wire.schedule(done.schedule))
    }

    private static func enqueueResponse(_ result: EnqueueResult) -> S.Enqueue.Response {
        let adjusted = result.adjustedTime != nil
        return S.Enqueue.Response(
            schedule: Wire.schedule(result.schedule), adjusted: adjusted, originalTimeMs: result.originalTime.unixMilliseconds,
            adjustedTimeMs: result.adjustedTime?.unixMilliseconds ?? 0, conflicts: result.conflicts.map(Wire.conflict),
            warning: Wire.warning(adjusted: adjusted, pastDue: result.pastDue), pastDue: result.pastDue)
    }

    /// Each item as Enqueue would take it; an item that does not decode, convert or pass the
    /// caller's access is refused alone, and the others go to the store in one batch.
    private func enqueueBatch(_ ctx: CallContext, _ r: S.EnqueueBatch.Request) async throws -> S.EnqueueBatch.Response {
        let results = try await Self.batch(
            r.items, decodeErrors: r.itemErrors,
            prepare: { _, item in
                try storeRequest(ctx, item, idempotencyKey: item.idempotencyKey.isEmpty ? nil : item.idempotencyKey)
            },
            run: { try await store.enqueueBatch($0) },
            answer: { i, outcome in
                switch outcome {
                case .success(let created):
                    metrics.recordEnqueued(created)
                    return V1.EnqueueBatchResult(created: Self.enqueueResponse(created))
                case .failure(let e):
                    if let s = e as? StoreError { metrics.recordConflicts(s.conflicts) }
                    return V1.EnqueueBatchResult(error: Self.itemError(e, method: "enqueue", request: r.items[i], at: "enqueue_batch.items[\(i)]"))
                }
            })
        return S.EnqueueBatch.Response(results: results)
    }

    /// Each item as Complete or Fail would take it, applied in one batch; refused items alone.
    private func acknowledge(_ ctx: CallContext, _ r: S.Acknowledge.Request) async throws -> S.Acknowledge.Response {
        let results = try await Self.batch(
            r.items, decodeErrors: r.itemErrors, prepare: { _, item in try Self.acknowledgement(ctx, item) },
            run: { try await store.acknowledge($0) },
            answer: { i, outcome in acknowledgeResult(outcome, r.items[i], at: "acknowledge.items[\(i)]") })
        return S.Acknowledge.Response(results: results)
    }

    /// An Acknowledge item (or one carried on Dequeue) as the store takes it, once the caller's
    /// token allows its project.
    private static func acknowledgement(_ ctx: CallContext, _ item: V1.Acknowledgement) throws -> Acknowledgement {
        switch item {
        case .complete(let c):
            try ctx.authorize(project: c.projectID)
            return .complete(
                projectID: c.projectID, scheduleID: c.scheduleID, leaseToken: c.leaseToken,
                results: Wire.platformResults(c.results),
                publishedAt: c.publishedAtMs == 0 ? nil : Instant(unixMilliseconds: c.publishedAtMs))
        case .fail(let f):
            try ctx.authorize(project: f.projectID)
            return .fail(
                projectID: f.projectID, scheduleID: f.scheduleID, leaseToken: f.leaseToken,
                results: Wire.platformResults(f.results), error: f.error, retryable: f.retryable)
        }
    }

    /// One acknowledgement's answer; `path` names the item in its request
    /// (`acknowledge.items[1]`, `dequeue.acknowledge[0]`).
    /// `brief`: an applied item is answered `applied` alone, without its schedule
    /// (`DequeueRequest.brief_acknowledgements`).
    private func acknowledgeResult(
        _ outcome: Result<FinishResult, any Error>, _ item: V1.Acknowledgement, at path: String, brief: Bool = false
    ) -> V1.AcknowledgeResult {
        if case .success(let done) = outcome { metrics.recordFinished(done) }
        return switch (outcome, item) {
        case (.success, _) where brief: V1.AcknowledgeResult(applied: true)
        case (.success(let done), .complete): V1.AcknowledgeResult(completed: Self.completeResponse(done))
        case (.success(let done), .fail): V1.AcknowledgeResult(failed: Self.failResponse(done))
        case (.failure(let e), let item): V1.AcknowledgeResult(error: Self.itemError(e, acknowledgement: item, at: path))
        }
    }

    /// A batch call's shape: each item is prepared on its own (an item that did not decode, or
    /// whose preparation throws, is answered with its error), the prepared ones go to the store in
    /// one call, and every item is answered in the request's order.
    private static func batch<Item, Prepared: Sendable, Done: Sendable, Answer>(
        _ items: [Item], decodeErrors: [Int: RPCError], prepare: (Int, Item) throws -> Prepared,
        run: ([Prepared]) async throws -> [Result<Done, StoreError>],
        answer: (Int, Result<Done, any Error>) -> Answer
    ) async throws -> [Answer] {
        var answers = [Answer?](repeating: nil, count: items.count)
        var prepared: [Prepared] = []
        var positions: [Int] = []
        for (i, item) in items.enumerated() {
            if let e = decodeErrors[i] {
                answers[i] = answer(i, .failure(e))
                continue
            }
            do {
                prepared.append(try prepare(i, item))
                positions.append(i)
            } catch {
                answers[i] = answer(i, .failure(error))
            }
        }
        if !prepared.isEmpty {
            for (k, outcome) in try await run(prepared).enumerated() {
                answers[positions[k]] = answer(positions[k], outcome.mapError { $0 })
            }
        }
        return answers.map { $0! }
    }

    private static func itemError(_ error: any Error, acknowledgement item: V1.Acknowledgement, at path: String) -> V1.ItemError {
        switch item {
        case .complete(let c): itemError(error, method: "complete", request: c, at: path + ".complete")
        case .fail(let f): itemError(error, method: "fail", request: f, at: path + ".fail")
        }
    }

    /// A batch item's error as the single call would have answered it, its field path rewritten
    /// from the single request (`enqueue.platforms[0]`) to the item in the batch, `path`
    /// (`enqueue_batch.items[2].platforms[0]`, `acknowledge.items[1].fail.error`).
    private static func itemError(_ error: any Error, method: String, request: any WireMessage, at path: String) -> V1.ItemError {
        let e: RPCError
        switch error {
        case let s as StoreError: e = Wire.error(s, method: method, request: request)
        case let r as RPCError: e = r
        default: e = RPCError(code: .internal, message: "\(error)")
        }
        var item = V1.ItemError(e)
        let single = method + "."
        let inBatch = path + "."
        if item.field.hasPrefix(single) {
            item.field = inBatch + item.field.dropFirst(single.count)
            if item.message.hasPrefix(single) { item.message = inBatch + item.message.dropFirst(single.count) }
        }
        return item
    }

    /// A person's answer for a schedule held as "outcome unknown". `published_at_ms` belongs to a
    /// publish: with `published = false` it is refused here, so the store's request cannot hold it.
    /// The caller's principal is recorded as who confirmed.
    private func confirmOutcome(_ ctx: CallContext, _ r: S.ConfirmOutcome.Request) async throws
        -> S.ConfirmOutcome.Response
    {
        try ctx.authorize(project: r.projectID)
        let results = Wire.platformResults(r.results)
        let outcome: ConfirmedOutcome
        if r.published {
            outcome = .published(at: r.publishedAtMs == 0 ? nil : Instant(unixMilliseconds: r.publishedAtMs), results: results)
        } else {
            guard r.publishedAtMs == 0 else {
                throw RPCError.invalidArgument(field: "confirm_outcome.published_at_ms", "only with published = true")
            }
            outcome = .notPublished(results: results)
        }
        let done = try await store.confirmOutcome(
            ConfirmOutcomeRequest(
                projectID: r.projectID, scheduleID: r.scheduleID, outcome: outcome, note: r.note.isEmpty ? nil : r.note,
                confirmedBy: ctx.principal?.name))
        if !done.replayed { metrics.recordConfirmed(published: r.published) }
        return S.ConfirmOutcome.Response(schedule: Wire.schedule(done.schedule))
    }

    /// Leases due items; finished items carried on the call are applied first, in the same
    /// transaction, each answered on its own like an Acknowledge item.
    private func dequeue(_ ctx: CallContext, _ r: S.Dequeue.Request) async throws -> S.Dequeue.Response {
        try ctx.authorize(project: r.projectID)
        let worker = r.workerID.isEmpty ? (ctx.principal?.name ?? "worker") : r.workerID
        let request = DequeueRequest(
            projectID: r.projectID, limit: r.limit == 0 ? 10 : Int(r.limit),
            leaseSeconds: Int64(r.leaseSeconds == 0 ? 300 : r.leaseSeconds), workerID: worker,
            maxInFlight: dispatch.maxInFlightPerProject, start: r.start)
        // Another project must finish first: no new lease, and an empty answer tells the worker to
        // poll again. The reported items are still applied.
        let mayLease = try await store.mayDispatch(projectID: r.projectID, limit: dispatch.maxDispatchingProjects)
        var leases: [Lease]?  // nil until the store leased
        let acknowledged = try await Self.batch(
            r.acknowledge, decodeErrors: r.itemErrors, prepare: { _, item in try Self.acknowledgement(ctx, item) },
            run: { prepared in
                guard mayLease else { return try await store.acknowledge(prepared) }
                let done = try await store.dequeue(request, acknowledging: prepared)
                leases = done.leases
                return done.acknowledged
            },
            answer: { i, outcome in
                acknowledgeResult(outcome, r.acknowledge[i], at: "dequeue.acknowledge[\(i)]", brief: r.briefAcknowledgements)
            })
        if mayLease, leases == nil {  // nothing reported (or every item refused before the store)
            leases = try await store.dequeue(request)
        }
        let granted = leases ?? []
        if !granted.isEmpty { metrics.leasesGranted.increment(by: granted.count) }
        return S.Dequeue.Response(
            items: granted.map { lease in
                V1.DequeuedItem(
                    schedule: Wire.schedule(lease.schedule), leaseToken: lease.token,
                    leaseExpiresAtMs: lease.expiresAt.unixMilliseconds, attemptIdempotencyKey: lease.idempotencyKey,
                    attempt: Int32(lease.attempt))
            },
            acknowledged: acknowledged)
    }

    private func list(_ ctx: CallContext, _ r: S.List.Request) async throws -> S.List.Response {
        try ctx.authorize(project: r.projectID)
        let sort: ScheduleSortField
        switch r.sortBy {
        case .createdAt: sort = .createdAt
        case .priority: sort = .priority
        default: sort = .scheduledFor
        }
        let result = try await store.list(
            ListRequest(
                projectID: r.projectID, queueStatus: try Wire.queueStatus(r.status, field: "list.status"),
                from: r.fromMs == 0 ? nil : Instant(unixMilliseconds: r.fromMs), to: r.toMs == 0 ? nil : Instant(unixMilliseconds: r.toMs),
                platform: r.platform.isEmpty ? nil : r.platform, page: r.page == 0 ? 1 : Int(r.page),
                limit: r.limit == 0 ? 20 : Int(r.limit), sortBy: sort, order: r.sortOrder == .desc ? .desc : .asc))
        return S.List.Response(
            items: result.items.map(Wire.schedule),
            pagination: V1.Pagination(page: Int32(result.page), limit: Int32(result.limit), total: Int64(result.total), totalPages: Int32(result.totalPages)))
    }

    private func update(_ ctx: CallContext, _ r: S.Update.Request) async throws -> S.Update.Response {
        try ctx.authorize(project: r.projectID)
        if r.metadataJSON != nil {
            throw RPCError.invalidArgument(field: "update.metadata_json", "cannot be changed after enqueue")
        }
        let time = try Self.time(localTime: r.localTime ?? "", scheduledForMs: r.scheduledForMs ?? 0, method: "update")
        let result = try await store.update(
            UpdateRequest(
                projectID: r.projectID, scheduleID: r.scheduleID, time: time, timeZone: r.timezone, platforms: r.platforms,
                priority: r.priority.map(Int.init), notes: r.notes.map { Optional($0) }, autoResolve: r.autoResolve,
                leaseLossPolicy: Wire.leaseLossPolicy(r.leaseLossPolicy)))
        metrics.recordEnqueued(result)
        return S.Update.Response(
            schedule: Wire.schedule(result.schedule), conflicts: result.conflicts.map(Wire.conflict), adjusted: result.adjustedTime != nil,
            originalTimeMs: result.originalTime.unixMilliseconds, adjustedTimeMs: result.adjustedTime?.unixMilliseconds ?? 0,
            pastDue: result.pastDue)
    }

    private func validate(_ ctx: CallContext, _ r: S.Validate.Request) async throws -> S.Validate.Response {
        try ctx.authorize(project: r.projectID)
        let time = try Self.requiredTime(localTime: r.localTime, scheduledForMs: r.scheduledForMs, method: "validate")
        // The store makes Enqueue's own checks of these fields, the recurrence included.
        let v = try await store.checkConflicts(
            projectID: r.projectID, excluding: r.scheduleID.isEmpty ? nil : r.scheduleID, time: time,
            timeZone: r.timezone.isEmpty ? "UTC" : r.timezone, platforms: r.platforms,
            recurrence: try Wire.recurrenceSpec(r.recurrence, field: "validate.recurrence"), autoResolve: r.autoResolve)
        let at: Int64
        switch time {
        case .instant(let t): at = t.unixMilliseconds
        case .local(let l):
            at = (try? TimeZoneDatabase.system.zone(r.timezone.isEmpty ? "UTC" : r.timezone).resolve(l).instant.unixMilliseconds) ?? 0
        }
        return S.Validate.Response(
            valid: v.valid, hasConflict: !v.conflicts.isEmpty, conflicts: v.conflicts.map(Wire.conflict),
            suggestedTimeMs: v.suggestedTime?.unixMilliseconds ?? 0, scheduledForMs: at, platforms: r.platforms.map(PlatformRateLimits.normalize))
    }

    private func stats(_ ctx: CallContext, _ r: S.Stats.Request) async throws -> S.Stats.Response {
        try ctx.authorize(project: r.projectID)
        let now = clock.now()
        let to = r.toMs == 0 ? now : Instant(unixMilliseconds: r.toMs)
        let from = r.fromMs == 0 ? to.adding(seconds: -30 * 86_400) : Instant(unixMilliseconds: r.fromMs)
        let figures = try await store.projectStats(projectID: r.projectID, history: (from, to), byPlatform: r.byPlatform)
        return S.Stats.Response(
            stats: Wire.stats(figures.queue), metrics: figures.history.map(Wire.metrics),
            pendingSchedules: Int64(figures.queue.pendingTotal), maxPendingSchedules: Int64(figures.queue.pendingLimit ?? 0),
            platforms: figures.platforms.prefix(Limits.maxPlatformCounts).map(Wire.platformCounts))
    }

    private func listConflicts(_ ctx: CallContext, _ r: S.ListConflicts.Request) async throws -> S.ListConflicts.Response {
        try ctx.authorize(project: r.projectID)
        let result = try await store.listConflicts(
            ConflictListRequest(
                projectID: r.projectID, includeResolved: r.includeResolved, scheduleID: r.scheduleID.isEmpty ? nil : r.scheduleID,
                from: r.fromMs == 0 ? nil : Instant(unixMilliseconds: r.fromMs), to: r.toMs == 0 ? nil : Instant(unixMilliseconds: r.toMs),
                page: r.page == 0 ? 1 : Int(r.page), limit: r.limit == 0 ? 20 : Int(r.limit)))
        return S.ListConflicts.Response(
            conflicts: result.items.map(Wire.storedConflict),
            pagination: V1.Pagination(
                page: Int32(result.page), limit: Int32(result.limit), total: Int64(result.total), totalPages: Int32(result.totalPages)))
    }

    /// The occurrences Enqueue would store for the same recurrence, time and zone: the series is
    /// built by the store's own compilation (``ScheduleStore/series(_:start:zone:recurringUntil:)``),
    /// so for every kind of rule `start_local_time` is the first occurrence, an RRULE's COUNT
    /// includes it, and `after_ms` (optional) keeps only the occurrences strictly after it.
    private func preview(_ ctx: CallContext, _ r: S.PreviewOccurrences.Request) throws -> S.PreviewOccurrences.Response {
        let zone: Zone
        do throws(ZoneError) {
            zone = try TimeZoneDatabase.system.zone(r.timezone.isEmpty ? "UTC" : r.timezone)
        } catch {
            throw RPCError.invalidArgument(field: "preview_occurrences.timezone", error.reason)
        }
        let count = r.count == 0 ? 10 : Int(r.count)
        guard (1...Limits.maxOccurrences).contains(count) else {
            throw RPCError.invalidArgument(field: "preview_occurrences.count", "must be 1…\(Limits.maxOccurrences)")
        }
        let start: LocalDateTime
        do throws(TimeParseError) {
            start = try LocalDateTime.parse(r.startLocalTime)
        } catch {
            throw RPCError.invalidArgument(field: "preview_occurrences.start_local_time", error.reason)
        }
        guard Instant.supportedRange.contains(zone.resolve(start).instant) else {
            throw RPCError.invalidArgument(
                field: "preview_occurrences.start_local_time", "outside the supported range (years 1900–9999)")
        }
        let spec = try Wire.recurrenceSpec(r.recurrence, field: "preview_occurrences.recurrence")
        guard let spec else {
            throw RPCError.invalidArgument(field: "preview_occurrences.recurrence", "required")
        }
        let series = try ScheduleStore.series(
            spec, start: start, zone: zone, recurringUntil: r.untilMs == 0 ? nil : Instant(unixMilliseconds: r.untilMs))
        let after = r.afterMs == 0 ? nil : Instant(unixMilliseconds: r.afterMs)
        return S.PreviewOccurrences.Response(
            occurrences: series.occurrences(after: after, count: count).map { t in
                V1.Occurrence(
                    atMs: t.unixMilliseconds, localTime: zone.localDateTime(at: t).description,
                    utcOffsetSeconds: Int32(zone.offset(at: t)), abbreviation: zone.abbreviation(at: t))
            })
    }
}
