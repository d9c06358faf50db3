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
/// (reads, and Enqueue, which always carries an idempotency key — generated when the caller gives none).
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
    private let pool: Mutex<[RPCChannel?]>
    private let next = Atomic<Int>(0)
    private let connecting = Mutex<[Int: Task<RPCChannel, any Error>]>([:])

    public init(configuration: SchedulerClientConfiguration) throws {
        self.configuration = configuration
        do {
            address = try SocketAddress.parse(configuration.address)
        } catch {
            throw SchedulerError(code: .invalidArgument, message: "address: \(error)")
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

    /// Methods that change nothing, or whose repetition is harmless.
    static let safeToRetry: Set<String> = [
        S.Get.name, S.List.name, S.Validate.name, S.Stats.name, S.ListConflicts.name, S.PreviewOccurrences.name,
        S.Health.name, S.Enqueue.name, S.Heartbeat.name,
    ]

    /// Calls `M` with `request`; retries per the policy when it is safe.
    public func call<M: RPCMethod>(
        _ method: M.Type, _ request: M.Request, timeout: Duration? = nil, metadata: [MetadataEntry] = []
    ) async throws(SchedulerError) -> M.Response {
        var headers = metadata
        if let token = configuration.token { headers.append(MetadataEntry(key: MetadataKey.authorization, value: "Bearer \(token)")) }
        let payload = request.serializedBytes()
        let t = timeout ?? configuration.defaultTimeout
        let timeoutMs = UInt64(max(1, t.components.seconds * 1000 + t.components.attoseconds / 1_000_000_000_000_000))
        let retryable = Self.safeToRetry.contains(M.name)
        var attempt = 0
        while true {
            attempt += 1
            do {
                let channel = try await channel()
                let response = try await channel.call(method: M.path, payload: payload, metadata: headers, timeoutMilliseconds: timeoutMs)
                return try response.result(as: M.Response.self)
            } catch {
                let e = SchedulerError(error)
                // A call the server never saw is always safe to send again.
                let notSent = e.message.contains("(call not sent)")
                guard e.code == .unavailable, retryable || notSent, attempt < configuration.retry.maxAttempts, !Task.isCancelled else {
                    throw e
                }
                try? await Task.sleep(for: configuration.retry.backoff(retry: attempt))
            }
        }
    }

    /// A usable channel from the pool, connecting (once, shared by concurrent callers) when needed.
    private func channel() async throws(RPCError) -> RPCChannel {
        let slot = next.add(1, ordering: .relaxed).oldValue % configuration.connections.clamped(to: 1...64)
        if let c = pool.withLock({ $0[slot] }), c.isUsable { return c }
        let task = connecting.withLock { tasks -> Task<RPCChannel, any Error> in
            if let t = tasks[slot] { return t }
            let t = Task { [address, tls, loop] in
                try await RPCChannel.connect(to: address, tls: tls, loop: loop)
            }
            tasks[slot] = t
            return t
        }
        do {
            let c = try await task.value
            pool.withLock { $0[slot] = c }
            connecting.withLock { _ = $0.removeValue(forKey: slot) }
            return c
        } catch {
            connecting.withLock { _ = $0.removeValue(forKey: slot) }
            throw RPCError(code: .unavailable, message: "cannot connect to \(address) (call not sent): \(error)")
        }
    }
}

extension Int {
    func clamped(to r: ClosedRange<Int>) -> Int { Swift.min(Swift.max(self, r.lowerBound), r.upperBound) }
}
