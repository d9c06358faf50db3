import Foundation
import Synchronization
import TLS
import Transport
import WireProtocol

/// The Swift client of the scheduler service: every RPC as an async method.
///
/// One TLS connection carries many concurrent calls; `connections` > 1 spreads calls over a small
/// pool. A lost connection or a go-away is replaced on the next call. Calls are retried with
/// exponential backoff and jitter on UNAVAILABLE and lost connections when they are safe to repeat
/// (reads, and Enqueue, which always carries an idempotency key — generated when the caller gives none);
/// a call the server never saw (``SchedulerError/Cause/notSent``) is retried whatever the method.
///
/// Every call has a deadline (its `timeout`, else ``SchedulerClientConfiguration/defaultTimeout``)
/// that covers connecting, the TLS handshake, every attempt and the backoff between them. The client
/// enforces it itself, whether or not the server or the connection answers: when it passes, the call
/// sends a cancel frame if its request was written, and fails with DEADLINE_EXCEEDED. Each attempt
/// also tells the server the time left (`timeout_ms`).
///
/// ```swift
/// var config = SchedulerClientConfiguration(address: "127.0.0.1:7443", caFile: ".scheduler/ca.pem")
/// config.token = try String(contentsOfFile: ".scheduler/admin.token").trimmingCharacters(in: .whitespacesAndNewlines)
/// let client = try SchedulerClient(configuration: config)
/// let created = try await client.enqueue(.init(projectID: "blog", contentID: "post-1",
///     localTime: "2026-12-01T09:00:00", timezone: "Europe/Berlin", platforms: ["TWITTER"]))
/// ```
public final class SchedulerClient: Sendable {
    public typealias V1 = SchedulerV1
    typealias S = SchedulerV1.Scheduler

    public let configuration: SchedulerClientConfiguration
    private let address: SocketAddress
    private let tls: TLSConfiguration
    private let loop: EventLoop
    /// A slot holds a usable channel, one still connecting (concurrent calls share its handshake,
    /// each waiting no longer than its own deadline), a dead one to replace, or nothing yet.
    private let pool: Mutex<[RPCChannel?]>
    private let next = Atomic<Int>(0)

    public init(configuration: SchedulerClientConfiguration) throws {
        self.configuration = configuration
        do {
            address = try SocketAddress.parse(configuration.address)
        } catch {
            throw SchedulerError(code: .invalidArgument, message: "address: \(error)", cause: .notSent)
        }
        tls = .client(
            trustRootsFile: configuration.caFile, serverName: configuration.serverName ?? address.host,
            certificateChainFile: configuration.certificateFile, privateKeyFile: configuration.keyFile, alpnProtocols: [])
        _ = try TLSContext(configuration: tls)  // fail early on unreadable files
        loop = try EventLoop(name: "scheduler-client")
        loop.start()
        pool = Mutex(Array(repeating: nil, count: max(1, configuration.connections)))
    }

    deinit {
        for channel in pool.withLock({ $0 }) { channel?.abort() }
        loop.shutdown()
    }

    /// Closes every connection (after their in-flight calls).
    public func close() {
        for channel in pool.withLock({ $0 }) { channel?.close() }
    }

    // MARK: Calls

    /// Methods that change nothing, or whose repetition is harmless: Enqueue and EnqueueBatch
    /// carry idempotency keys (``enqueue(_:timeout:)`` and ``enqueueBatch(_:timeout:)`` set one on
    /// each request without), and the worker calls are idempotent per lease token (a repeat gets
    /// the original answer: docs/PROTOCOL.md, section 4.1).
    static let safeToRetry: Set<String> = [
        S.Get.name, S.List.name, S.Validate.name, S.Stats.name, S.ListConflicts.name, S.PreviewOccurrences.name,
        S.Health.name, S.Enqueue.name, S.EnqueueBatch.name, S.Heartbeat.name, S.Start.name, S.Complete.name,
        S.Fail.name, S.Acknowledge.name,
    ]

    /// Calls `M` with `request` within `timeout` (default: the configuration's); retries per the
    /// policy when it is safe (``shouldRetry(_:safeToRepeat:)``).
    ///
    /// Fails with DEADLINE_EXCEEDED once the deadline passes, also when the server or the connection
    /// never answers; a request already written is then cancelled with a cancel frame.
    public func call<M: RPCMethod>(
        _ method: M.Type, _ request: M.Request, timeout: Duration? = nil, metadata: [MetadataEntry] = []
    ) async throws(SchedulerError) -> M.Response {
        var headers = metadata
        if let token = configuration.token { headers.append(MetadataEntry(key: MetadataKey.authorization, value: "Bearer \(token)")) }
        let payload = request.serializedBytes()
        let deadline = ContinuousClock.now.advanced(by: timeout ?? configuration.defaultTimeout)
        let progress = CallProgress()
        let safeToRepeat = Self.safeToRetry.contains(M.name)
        let headersSent = headers
        let response = await withDeadline(deadline, progress: progress) {
            await self.attempts(
                path: M.path, payload: payload, metadata: headersSent, deadline: deadline, safeToRepeat: safeToRepeat,
                progress: progress)
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

    /// Attempts until one is answered with OK or an error not to retry. Runs inside the deadline
    /// race, so every wait here ends when the task is cancelled.
    private func attempts(
        path: String, payload: [UInt8], metadata: [MetadataEntry], deadline: ContinuousClock.Instant, safeToRepeat: Bool,
        progress: CallProgress
    ) async -> Result<Frame.Response, SchedulerError> {
        var attempt = 0
        while true {
            attempt += 1
            let failure: SchedulerError
            switch await channel(progress: progress) {
            case .failure(let e):
                failure = e
            case .success(let channel):
                let left = ContinuousClock.now.duration(to: deadline)
                let result = await channel.send(
                    method: path, payload: payload, metadata: metadata, timeoutMilliseconds: Self.milliseconds(left),
                    progress: progress)
                switch result {
                case .success(let response):
                    // An error status is the server's answer; the caller's decoding turns it into one.
                    guard let error = response.error else { return .success(response) }
                    failure = SchedulerError(error, cause: .answered)
                case .failure(let e):
                    failure = e
                }
            }
            guard Self.shouldRetry(failure, safeToRepeat: safeToRepeat), attempt < configuration.retry.maxAttempts, !Task.isCancelled
            else {
                return .failure(failure)
            }
            progress.recordRetriedFailure(failure)
            try? await Task.sleep(for: configuration.retry.backoff(retry: attempt))
        }
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
    private func channel(progress: CallProgress) async -> Result<RPCChannel, SchedulerError> {
        let slot = next.add(1, ordering: .relaxed).oldValue % configuration.connections.clamped(to: 1...64)
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
                    let c = try RPCChannel.open(to: address, context: context, loop: loop)
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
