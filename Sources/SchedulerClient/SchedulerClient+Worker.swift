import Foundation
import Synchronization
import WireProtocol

/// One leased item handed to a worker's handler by
/// ``SchedulerClient/work(project:concurrency:lease:workerID:pollInterval:stopWhenIdle:handler:)``.
public struct WorkItem: Sendable {
    /// The schedule to publish, as dequeued (already PROCESSING).
    public var schedule: SchedulerV1.Schedule
    /// 1-based attempt number.
    public var attempt: Int
    /// Stable per attempt: pass it to the platform's API so a repeated call publishes once.
    public var idempotencyKey: String
    /// Platforms still to publish (those that succeeded in an earlier attempt are left out).
    public var platforms: [String]
    /// When the lease expires as dequeued; the worker loop extends it with heartbeats while the
    /// handler runs.
    public var leaseExpiresAt: Date
}

/// What a worker's handler reports for an item.
public enum PublishOutcome: Sendable {
    /// Published everywhere (URLs per platform, optional).
    case published([SchedulerV1.PlatformResult])
    /// Some or all platforms failed; the server retries with backoff (or completes a partial
    /// success at the last retry). `retryable: false` fails the item for good.
    case failed(error: String, results: [SchedulerV1.PlatformResult], retryable: Bool)
}

extension SchedulerClient {
    /// Runs a worker loop: dequeues due items of `project` already started (one call: Dequeue with
    /// `start`), heartbeats each lease while `handler` publishes, and reports the outcomes in
    /// batches: the items finished since the last call ride on the next Dequeue, so a busy worker
    /// pays one call per batch of items (and the server one transaction), not one per item. What
    /// finishes after the last Dequeue goes out in one Acknowledge before the loop returns.
    ///
    /// A handler that throws fails the item as retryable with the error's description. Heartbeat
    /// failures are ignored (a lost lease shows in the report that follows).
    ///
    /// ```swift
    /// try await client.work(project: "blog", concurrency: 4) { item in
    ///     let urls = try await publish(item.schedule.contentID, to: item.platforms, key: item.idempotencyKey)
    ///     return .published(urls.map { SchedulerV1.PlatformResult(platform: $0.platform, success: true, publishedURL: $0.url) })
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - project: the project whose due items to publish.
    ///   - concurrency: items handled at once (at least 1).
    ///   - lease: lease length (whole seconds, at least 1); while the handler runs, one heartbeat
    ///     task of the loop extends the lease between a third and a half of its length after the
    ///     last extension.
    ///   - workerID: the lease owner's name; default `worker-<host>-<pid>`.
    ///   - pollInterval: wait when nothing is due.
    ///   - stopWhenIdle: return once nothing is due and nothing is in flight (batch jobs, tests);
    ///     otherwise run until the surrounding task is cancelled.
    ///   - handler: publishes one item and says how it went.
    /// - Returns: the number of items handled.
    /// - Throws: the ``SchedulerError`` of a Dequeue or Acknowledge that failed (after the client's
    ///   own retries), which ends the loop; `CancellationError` when cancelled while waiting. An item
    ///   whose report the server refuses (its lease was lost meanwhile) is left to the server's lease
    ///   rules; the loop goes on. Let the loop return before ``close()``: after it, the loop's next
    ///   call fails with FAILED_PRECONDITION, and the items not yet reported keep their leases until
    ///   they expire (then their lease-loss policy applies).
    @discardableResult
    public func work(
        project: String, concurrency: Int = 1, lease: Duration = .seconds(300), workerID: String? = nil,
        pollInterval: Duration = .seconds(1), stopWhenIdle: Bool = false,
        handler: @escaping @Sendable (WorkItem) async throws -> PublishOutcome
    ) async throws -> Int {
        precondition(concurrency >= 1, "concurrency must be at least 1")
        let worker = workerID ?? "worker-\(ProcessInfo.processInfo.hostName)-\(getpid())"
        let leaseSeconds = Int32(max(1, lease.components.seconds))
        let finished = FinishedItems()
        let leases = LeaseKeeper()
        // One task extends every lease in hand (not a task and a timer per item).
        let heartbeats = Task { [self] in await keep(leases, leaseSeconds: leaseSeconds) }
        defer { heartbeats.cancel() }
        let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        var handled = 0
        var inFlight = 0
        /// Takes what finished since the last report; sends all but the last `keep` (at most one
        /// Dequeue's worth) in Acknowledge calls, and returns those `keep` for the next Dequeue.
        func report(keeping keep: Int) async throws -> [SchedulerV1.Acknowledgement] {
            var acks = finished.takeAll()
            inFlight -= acks.count
            handled += acks.count
            while acks.count > keep {
                let chunk = Array(acks.prefix(min(Limits.maxBatchItems, acks.count - keep)))
                _ = try await acknowledge(chunk)
                acks.removeFirst(chunk.count)
            }
            return acks
        }
        try await withThrowingDiscardingTaskGroup { group in
            var wakes = wakeups.makeAsyncIterator()
            while !Task.isCancelled {
                // An item finished frees its slot, so with anything to report there is room to ask.
                let acks = try await report(keeping: Limits.maxBatchItems)
                let free = concurrency - inFlight
                var items: [SchedulerV1.DequeuedItem] = []
                if free > 0 {
                    items = try await dequeue(
                        SchedulerV1.DequeueRequest(
                            projectID: project, limit: Int32(min(free, 100)), leaseSeconds: leaseSeconds, workerID: worker,
                            start: true),
                        reporting: acks)
                }
                if concurrency == 1, items.count == 1 {
                    // One item at a time: the loop would only wait for it, so it runs here, with
                    // no child task and no wake-up (a third of the client's task switches).
                    inFlight += 1
                    finished.append(await process(items[0], project: project, leases: leases, handler: handler))
                    continue
                }
                for item in items {
                    inFlight += 1
                    group.addTask { [self] in
                        let ack = await self.process(item, project: project, leases: leases, handler: handler)
                        finished.append(ack)
                        wake.yield()
                    }
                }
                if items.isEmpty || inFlight >= concurrency {
                    if inFlight > 0 {
                        // Full, or nothing more due: wait until an item finishes.
                        _ = await wakes.next()
                    } else if stopWhenIdle {
                        break
                    } else {
                        try await Task.sleep(for: pollInterval)
                    }
                }
            }
        }
        // Every handler has returned: report the last ones.
        _ = try await report(keeping: 0)
        return handled
    }

    /// Dequeues with `acks` carried on the call. A server older than carried reports answers no
    /// results for them (and applied none): they go again in an Acknowledge. When the Dequeue
    /// fails, whether its reports were applied is unknown: they go in an Acknowledge (a repeat is
    /// answered as the first), and the Dequeue's error is thrown.
    private func dequeue(_ request: SchedulerV1.DequeueRequest, reporting acks: [SchedulerV1.Acknowledgement])
        async throws(SchedulerError) -> [SchedulerV1.DequeuedItem]
    {
        var request = request
        request.acknowledge = acks
        // The loop only needs to know each report took: no schedules back.
        request.briefAcknowledgements = true
        let response: SchedulerV1.DequeueResponse
        do {
            response = try await dequeue(request)
        } catch {
            if !acks.isEmpty { _ = try? await acknowledge(acks) }
            throw error
        }
        if response.acknowledged.count != acks.count { _ = try await acknowledge(acks) }
        return response.items
    }

    /// Publishes one leased item through `handler`, its lease kept by the loop's heartbeat task
    /// meanwhile; returns its report.
    private func process(
        _ item: SchedulerV1.DequeuedItem, project: String, leases: LeaseKeeper,
        handler: @escaping @Sendable (WorkItem) async throws -> PublishOutcome
    ) async -> SchedulerV1.Acknowledgement {
        let id = item.schedule.id
        let token = item.leaseToken  // dequeued with `start`: already PROCESSING
        let done = item.schedule.results.filter(\.success).map(\.platform)
        let work = WorkItem(
            schedule: item.schedule, attempt: Int(item.attempt), idempotencyKey: item.attemptIdempotencyKey,
            platforms: item.schedule.platforms.filter { !done.contains($0) }, leaseExpiresAt: item.leaseExpiresAt)
        leases.hold(id, project: project, token: token)
        let outcome: PublishOutcome
        do {
            outcome = try await handler(work)
        } catch {
            outcome = .failed(error: "\(error)", results: [], retryable: true)
        }
        leases.release(id)
        switch outcome {
        case .published(let results):
            return .complete(SchedulerV1.CompleteRequest(projectID: project, scheduleID: id, leaseToken: token, results: results))
        case .failed(let error, let results, let retryable):
            return .fail(
                SchedulerV1.FailRequest(
                    projectID: project, scheduleID: id, leaseToken: token, error: error.isEmpty ? "failed" : error,
                    retryable: retryable, results: results))
        }
    }
}

extension SchedulerClient {
    /// The work loop's heartbeat task: every sixth of the lease, extends each lease in hand that
    /// was last extended (or taken) a third of a lease ago or more, so every lease is extended
    /// between a third and a half of its length after the last extension. Failures are ignored: a
    /// lost lease shows in the item's report. Ends when cancelled.
    fileprivate func keep(_ leases: LeaseKeeper, leaseSeconds: Int32) async {
        let lease = Duration.seconds(Int(leaseSeconds))
        while !Task.isCancelled {
            try? await Task.sleep(for: lease / 6)
            for held in leases.due(after: lease / 3) where !Task.isCancelled {
                _ = try? await heartbeat(
                    SchedulerV1.HeartbeatRequest(
                        projectID: held.project, scheduleID: held.scheduleID, leaseToken: held.token, extendSeconds: leaseSeconds))
            }
        }
    }
}

/// The leases a work loop holds while their handlers run, and when each was last extended.
private final class LeaseKeeper: Sendable {
    struct Held {
        var scheduleID: String
        var project: String
        var token: String
        var extended: ContinuousClock.Instant
    }

    private let held = Mutex<[String: Held]>([:])

    func hold(_ id: String, project: String, token: String) {
        held.withLock { $0[id] = Held(scheduleID: id, project: project, token: token, extended: .now) }
    }

    func release(_ id: String) { _ = held.withLock { $0.removeValue(forKey: id) } }

    /// The leases last extended `age` ago or more, marked extended now.
    func due(after age: Duration) -> [Held] {
        let now = ContinuousClock.now
        return held.withLock { all in
            var due: [Held] = []
            for (id, h) in all where h.extended.duration(to: now) >= age {
                due.append(h)
                all[id]?.extended = now
            }
            return due
        }
    }
}

/// Reports of finished items waiting for the next Acknowledge; filled by the item tasks.
private final class FinishedItems: Sendable {
    private let items = Mutex<[SchedulerV1.Acknowledgement]>([])

    func append(_ ack: SchedulerV1.Acknowledgement) { items.withLock { $0.append(ack) } }
    func takeAll() -> [SchedulerV1.Acknowledgement] {
        items.withLock { all in
            defer { all = [] }
            return all
        }
    }
}
