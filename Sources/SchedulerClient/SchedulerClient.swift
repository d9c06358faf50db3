import Foundation
import Synchronization
internal import TLS
internal import Transport
import WireProtocol

/// The Swift client of the scheduler service: every RPC as an async method.
///
/// ## Requests and responses
///
/// Every RPC has a method taking its request struct (`SchedulerV1.<Method>Request`), for example
/// ``get(_:timeout:)`` or ``pause(_:timeout:)``. Many also have a convenience overload with
/// labelled parameters, such as ``get(projectID:scheduleID:timeout:)``.
///
/// **The return-type rule:** a method that takes a request struct returns the RPC's response message
/// (`SchedulerV1.<Method>Response`), so nothing the server says is lost and fields added later
/// need no new API. A labelled-parameter convenience returns the one value a caller usually wants:
/// the `SchedulerV1.Schedule` (Get, Cancel, Pause, Resume), the number of schedules changed
/// (the batch calls) or the `SchedulerV1.ServingStatus` (Health). Two request methods are older
/// than the rule and keep returning the only field of their response, for compatibility:
/// ``resolveConflict(_:timeout:)`` (the `SchedulerV1.StoredConflict`) and
/// ``previewOccurrences(_:timeout:)`` (the occurrences). ``call(_:_:timeout:metadata:)`` returns
/// the response message of any RPC.
///
/// Times are milliseconds since the Unix epoch on the wire (`scheduledForMs`); the message types
/// also have `Date` and `Duration` views of them (``WireProtocol/SchedulerV1/Schedule/scheduledFor``,
/// ``WireProtocol/SchedulerV1/EnqueueRequest/init(projectID:contentID:scheduledFor:platforms:priority:)``).
///
/// ## Connections, retries and deadlines
///
/// One TLS connection carries many concurrent calls; `connections` > 1 spreads calls over a small
/// pool. A lost connection or a go-away is replaced on the next call. Calls are retried with
/// exponential backoff and jitter on UNAVAILABLE and lost connections when they are safe to repeat
/// (reads, Heartbeat, and Enqueue, which always carries an idempotency key — generated when the
/// caller gives none); a call the server never saw (``SchedulerError/Cause/notSent``) is retried
/// whatever the method. Other errors are returned at once.
///
/// Every call has a deadline (its `timeout`, else ``SchedulerClientConfiguration/defaultTimeout``)
/// that covers connecting, the TLS handshake, every attempt and the backoff between them. The client
/// enforces it itself, whether or not the server or the connection answers: when it passes, the call
/// sends a cancel frame if its request was written, and fails with DEADLINE_EXCEEDED. Each attempt
/// also tells the server the time left (`timeout_ms`).
///
/// ## Closing
///
/// ``close()`` refuses new calls at once (they fail with FAILED_PRECONDITION, cause
/// ``SchedulerError/Cause/notSent``), lets the calls already in flight finish (each within its own
/// deadline), then closes the connections and returns. ``withSchedulerClient(configuration:isolation:_:)``
/// closes the client when its body returns or throws.
///
/// ```swift
/// var config = SchedulerClientConfiguration(address: "127.0.0.1:7443", caFile: ".scheduler/ca.pem")
/// config.token = try String(contentsOfFile: ".scheduler/admin.token", encoding: .utf8)
///     .trimmingCharacters(in: .whitespacesAndNewlines)
/// try await withSchedulerClient(configuration: config) { client in
///     let created = try await client.enqueue(.init(projectID: "blog", contentID: "post-1",
///         localTime: "2026-12-01T09:00:00", timezone: "Europe/Berlin", platforms: ["twitter"]))
///     print(created.schedule.id, created.schedule.scheduledFor)
/// }
/// ```
public final class SchedulerClient: Sendable {
    /// A short name for the message namespace: `SchedulerClient.V1.Schedule`.
    public typealias V1 = SchedulerV1
    typealias S = SchedulerV1.Scheduler

    /// The configuration the client was made with.
    public let configuration: SchedulerClientConfiguration
    private let address: SocketAddress
    private let tls: TLSConfiguration
    /// The I/O threads: one per connection, up to the number of processors. Connection slot `i`
    /// lives on loop `i % loops.count`.
    private let loops: [EventLoop]
    /// A slot holds a usable channel, one still connecting (concurrent calls share its handshake,
    /// each waiting no longer than its own deadline), a dead one to replace, or nothing yet.
    private let pool: Mutex<[RPCChannel?]>
    private let next = Atomic<Int>(0)
    /// The `authorization` entry every call carries when the configuration has a token, made once.
    private let authorization: MetadataEntry?
    /// Whether ``close()`` was called, and the calls still running (they keep the client open).
    private let lifecycle = Mutex(Lifecycle())

    private struct Lifecycle {
        var closed = false
        var inFlight = 0
        var drained: [CheckedContinuation<Void, Never>] = []
    }

    /// Makes a client. Connects lazily: the first call opens the first connection.
    ///
    /// - Throws: ``SchedulerError`` INVALID_ARGUMENT when ``SchedulerClientConfiguration/address``
    ///   cannot be parsed; a TLS error when the CA, certificate or key files cannot be read.
    public init(configuration: SchedulerClientConfiguration) throws {
        self.configuration = configuration
        authorization = configuration.token.map { MetadataEntry(key: MetadataKey.authorization, value: "Bearer \($0)") }
        do {
            address = try SocketAddress.parse(configuration.address)
        } catch {
            throw SchedulerError(code: .invalidArgument, message: "address: \(error)", cause: .notSent)
        }
        tls = .client(
            trustRootsFile: configuration.caFile, serverName: configuration.serverName ?? address.host,
            certificateChainFile: configuration.certificateFile, privateKeyFile: configuration.keyFile, alpnProtocols: [])
        _ = try TLSContext(configuration: tls)  // fail early on unreadable files
        if let n = configuration.ioThreads, !(1...64).contains(n) {
            throw SchedulerError(code: .invalidArgument, message: "ioThreads: must be 1…64 (got \(n))", cause: .notSent)
        }
        let slots = max(1, configuration.connections)
        let threads = configuration.ioThreads ?? EventLoopGroup.allowedCPUCount
        loops = try (0..<min(slots, 64, threads)).map { _ in
            try EventLoop(name: "scheduler-client")
        }
        for loop in loops { loop.start() }
        pool = Mutex(Array(repeating: nil, count: slots))
    }

    deinit {
        for channel in pool.withLock({ $0 }) { channel?.abort() }
        for loop in loops { loop.shutdown() }
    }

    /// The client's I/O threads, as executors. A task that prefers one
    /// (`Task(executorPreference: client.executors[i])`, or `group.addTask(executorPreference:)`)
    /// makes its calls on that thread's connections: its request is written and its answer read
    /// on the thread it runs on, without a hop to another thread and back. For callers that do
    /// little between calls (load generators, worker loops whose handlers await I/O); a caller
    /// that computes for long should stay on the default executor, as it would hold up every
    /// call on that thread's connections.
    public var executors: [any TaskExecutor] { loops }

    /// Closes the client: refuses new calls, lets the calls in flight finish, then closes every
    /// connection and returns once they are closed.
    ///
    /// A call started after `close()` began fails at once with FAILED_PRECONDITION ("the client is
    /// closed") and cause ``SchedulerError/Cause/notSent``, and is not retried. A call already in
    /// flight is not cut short: it ends as it would have (an answer, an error, or DEADLINE_EXCEEDED
    /// at its own deadline), so `close()` waits at most as long as the latest deadline among them.
    /// Calling `close()` again waits in the same way and closes nothing twice.
    public func close() async {
        let inFlight = lifecycle.withLock { s in
            s.closed = true
            return s.inFlight
        }
        if inFlight > 0 {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let now = lifecycle.withLock { s in
                    if s.inFlight == 0 { return true }
                    s.drained.append(c)
                    return false
                }
                if now { c.resume() }
            }
        }
        let channels = pool.withLock { $0.compactMap { $0 } }
        for channel in channels { channel.close() }
        for channel in channels { await channel.waitUntilClosed() }
    }

    /// Whether ``close()`` was called.
    public var isClosed: Bool { lifecycle.withLock { $0.closed } }

    /// Counts a call in; false once the client is closed.
    private func enterCall() -> Bool {
        lifecycle.withLock { s in
            guard !s.closed else { return false }
            s.inFlight += 1
            return true
        }
    }

    private func leaveCall() {
        let waiters = lifecycle.withLock { s in
            s.inFlight -= 1
            guard s.inFlight == 0 else { return [CheckedContinuation<Void, Never>]() }
            defer { s.drained = [] }
            return s.drained
        }
        for w in waiters { w.resume() }
    }

    /// The error of a call made after ``close()``.
    static let closedError = SchedulerError(
        code: .failedPrecondition, message: "the client is closed (call not sent)", cause: .notSent)

    // MARK: Calls

    /// Methods that change nothing, or whose repetition is harmless: Enqueue and EnqueueBatch
    /// carry idempotency keys (``enqueue(_:timeout:)`` and ``enqueueBatch(_:timeout:)`` set one on
    /// each request without), the worker calls are idempotent per lease token (a repeat gets
    /// the original answer: docs/PROTOCOL.md, section 4.1), and a repeated ConfirmOutcome returns
    /// the schedule it confirmed without applying anything again.
    static let safeToRetry: Set<String> = [
        S.Get.name, S.List.name, S.Validate.name, S.Stats.name, S.ListConflicts.name, S.PreviewOccurrences.name,
        S.Health.name, S.Enqueue.name, S.EnqueueBatch.name, S.Heartbeat.name, S.Start.name, S.Complete.name,
        S.Fail.name, S.Acknowledge.name, S.ListAlerts.name, S.ConfirmOutcome.name,
    ]

    /// Calls any RPC `M` with `request` within `timeout` and returns its response message: the
    /// generic form of every method of the client.
    ///
    /// Retries per the configuration's ``SchedulerClientConfiguration/retry`` policy when it is safe:
    /// only on UNAVAILABLE, and only for a call the server never saw or a method safe to repeat.
    ///
    /// - Parameters:
    ///   - method: the RPC, e.g. `SchedulerV1.Scheduler.Get.self`.
    ///   - request: its request message.
    ///   - timeout: the whole call's deadline, from now; nil uses
    ///     ``SchedulerClientConfiguration/defaultTimeout``.
    ///   - metadata: extra metadata entries (the bearer token is added from the configuration).
    /// - Throws: ``SchedulerError``: the server's status; DEADLINE_EXCEEDED once the deadline passes,
    ///   also when the server or the connection never answers (a request already written is then
    ///   cancelled with a cancel frame); UNAVAILABLE when no connection could be made; CANCELLED
    ///   when the calling task is cancelled; FAILED_PRECONDITION after ``close()``.
    public func call<M: RPCMethod>(
        _ method: M.Type, _ request: M.Request, timeout: Duration? = nil, metadata: [MetadataEntry] = []
    ) async throws(SchedulerError) -> M.Response {
        guard enterCall() else { throw Self.closedError }
        defer { leaveCall() }
        var headers = metadata
        if let authorization { headers.append(authorization) }
        let payload = request.serializedBytes()
        let deadline = ContinuousClock.now.advanced(by: timeout ?? configuration.defaultTimeout)
        let progress = CallProgress()
        let headersSent = headers
        let slot = nextSlot()
        let response: Result<Frame.Response, SchedulerError>
        if let channel = pool.withLock({ $0[slot] }), channel.isUsable {
            // The common case, a connection ready: the first attempt runs in the caller's task and
            // the channel enforces the deadline (no task group, no timer per call). Connecting,
            // and any retry with its backoff, race the deadline as below.
            let first = await attempt(
                on: channel, path: M.path, payload: payload, metadata: headersSent, deadline: deadline, progress: progress)
            switch first {
            case .success:
                response = first
            case .failure(let failure):
                let safeToRepeat = Self.safeToRetry.contains(M.name)
                if Self.shouldRetry(failure, safeToRepeat: safeToRepeat), configuration.retry.maxAttempts > 1, !Task.isCancelled {
                    progress.recordRetriedFailure(failure)
                    response = await withDeadline(deadline, progress: progress) {
                        try? await Task.sleep(for: self.configuration.retry.backoff(retry: 1))
                        return await self.attempts(
                            from: 2, slot: slot, path: M.path, payload: payload, metadata: headersSent, deadline: deadline,
                            safeToRepeat: safeToRepeat, progress: progress)
                    }
                } else {
                    response = first
                }
            }
        } else {
            let safeToRepeat = Self.safeToRetry.contains(M.name)
            response = await withDeadline(deadline, progress: progress) {
                await self.attempts(
                    from: 1, slot: slot, path: M.path, payload: payload, metadata: headersSent, deadline: deadline,
                    safeToRepeat: safeToRepeat, progress: progress)
            }
        }
        let answer = try response.get()
        do throws(RPCError) {
            return try answer.result(as: M.Response.self)
        } catch {
            throw SchedulerError(error, cause: .answered)  // a payload this build cannot read
        }
    }

    /// Whether a failed attempt is sent again (backoff and attempt count permitting): only on
    /// UNAVAILABLE; always when the server never saw the call, otherwise only for methods safe to
    /// repeat. Decided from the typed cause, never from the message.
    static func shouldRetry(_ e: SchedulerError, safeToRepeat: Bool) -> Bool {
        e.code == .unavailable && (e.cause == .notSent || safeToRepeat)
    }

    /// One attempt on a connected channel: OK, or the failure (an error status is the server's
    /// answer, cause `answered`). The channel fails it with DEADLINE_EXCEEDED at `deadline`.
    private func attempt(
        on channel: RPCChannel, path: String, payload: [UInt8], metadata: [MetadataEntry], deadline: ContinuousClock.Instant,
        progress: CallProgress
    ) async -> Result<Frame.Response, SchedulerError> {
        let left = ContinuousClock.now.duration(to: deadline)
        let result = await channel.send(
            method: path, payload: payload, metadata: metadata, timeoutMilliseconds: Self.milliseconds(left),
            deadline: deadline, progress: progress)
        guard case .success(let response) = result, let error = response.error else { return result }
        // The caller's decoding would turn it into an error too; here it decides a retry.
        return .failure(SchedulerError(error, cause: .answered))
    }

    /// Attempts number `first`, `first + 1`, … until one is answered with OK or an error not to
    /// retry. Runs inside the deadline race, so every wait here ends when the task is cancelled.
    private func attempts(
        from first: Int, slot: Int, path: String, payload: [UInt8], metadata: [MetadataEntry],
        deadline: ContinuousClock.Instant, safeToRepeat: Bool, progress: CallProgress
    ) async -> Result<Frame.Response, SchedulerError> {
        var attempt = first - 1
        var slot = slot
        while true {
            attempt += 1
            let failure: SchedulerError
            switch await channel(slot: slot, progress: progress) {
            case .failure(let e):
                failure = e
            case .success(let channel):
                switch await self.attempt(
                    on: channel, path: path, payload: payload, metadata: metadata, deadline: deadline, progress: progress)
                {
                case .success(let response): return .success(response)
                case .failure(let e): failure = e
                }
            }
            guard Self.shouldRetry(failure, safeToRepeat: safeToRepeat), attempt < configuration.retry.maxAttempts, !Task.isCancelled
            else {
                return .failure(failure)
            }
            progress.recordRetriedFailure(failure)
            try? await Task.sleep(for: configuration.retry.backoff(retry: attempt))
            slot = nextSlot()
        }
    }

    /// The connection slot for the next attempt: round-robin over all of them, or, for a caller
    /// running on one of the client's loops (``executors``), over that loop's own.
    private func nextSlot() -> Int {
        let slots = configuration.connections.clamped(to: 1...64)
        let n = next.add(1, ordering: .relaxed).oldValue
        if loops.count > 1, let k = loops.firstIndex(where: { $0.inEventLoop }) {
            let own = (slots - k + loops.count - 1) / loops.count  // slots k, k + loops.count, …
            return k + loops.count * (n % own)
        }
        return n % slots
    }

    /// Whole milliseconds, at least 1 (0 on the wire means "no deadline of my own").
    static func milliseconds(_ d: Duration) -> UInt64 {
        let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        return UInt64(max(1, ms))
    }

    /// A usable channel from the pool, connecting when needed. Concurrent callers share one
    /// connecting channel; each waits for its handshake only until its own task is cancelled
    /// (the deadline), and the connection carries on for the others (the transport's handshake
    /// timeout bounds it).
    private func channel(slot: Int, progress: CallProgress) async -> Result<RPCChannel, SchedulerError> {
        let channel: RPCChannel
        do {
            if let c = pool.withLock({ $0[slot] }), c.isUsable || c.isConnecting {
                channel = c
            } else {
                // Read the certificate files for every new connection, so a rotated client
                // certificate applies on the next reconnect; outside the lock, as it reads files.
                var tls = self.tls
                tls.alpnProtocols = [ALPN.protocolID]
                let context = try TLSContext(configuration: tls)
                channel = try pool.withLock { slots in
                    if let c = slots[slot], c.isUsable || c.isConnecting { return c }  // another call was first
                    let c = try RPCChannel.open(to: address, context: context, loop: loops[slot % loops.count])
                    slots[slot] = c
                    return c
                }
            }
        } catch {
            return .failure(SchedulerError(code: .unavailable, message: "cannot connect to \(address) (call not sent): \(error)", cause: .notSent))
        }
        do {
            try await channel.waitUntilActive()
            return .success(channel)
        } catch {
            if Task.isCancelled { return .failure(progress.cancellation(cause: .notSent)) }
            return .failure(SchedulerError(code: .unavailable, message: "cannot connect to \(address) (call not sent): \(error)", cause: .notSent))
        }
    }
}

extension Int {
    func clamped(to r: ClosedRange<Int>) -> Int { Swift.min(Swift.max(self, r.lowerBound), r.upperBound) }
}
