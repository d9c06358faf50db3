import Foundation

/// How a ``SchedulerClient`` reaches and authenticates to a server. Plain values; defaults documented.
public struct SchedulerClientConfiguration: Sendable, Hashable {
    /// `HOST:PORT` or `[V6]:PORT`. Default `127.0.0.1:7443` (the dev server).
    public var address: String = "127.0.0.1:7443"
    /// PEM file of the CA that signed the server's certificate; nil uses the system trust store.
    public var caFile: String?
    /// Client certificate chain (PEM) for mutual TLS; nil for none. Read again for every new
    /// connection, so a rotated certificate applies on the next reconnect.
    public var certificateFile: String?
    /// The private key (PEM) of ``certificateFile``.
    public var keyFile: String?
    /// Bearer token sent as `authorization: Bearer <token>`.
    public var token: String?
    /// Name checked against the server certificate; default: the host of `address`.
    public var serverName: String?
    /// Deadline for a call that does not give its own. Default 10 s.
    public var defaultTimeout: Duration = .seconds(10)
    /// Retries for UNAVAILABLE and lost connections (calls never sent, and methods safe to repeat).
    public var retry = RetryPolicy()
    /// Connections kept open; calls are spread over them. Default 1 (one connection carries many calls).
    public var connections: Int = 1
    /// I/O threads the connections are spread over (``SchedulerClient/executors``), 1…64; never
    /// more than ``connections``. Default nil: one per CPU the process may use. A process that
    /// shares a small machine with the server (a load generator, a sidecar) does better with
    /// fewer: each thread beyond the CPUs is preempted and woken again on every call.
    public var ioThreads: Int?

    /// Exponential backoff with full jitter.
    public struct RetryPolicy: Sendable, Hashable {
        /// Attempts in all, the first included. Default 4.
        public var maxAttempts: Int = 4
        /// Backoff before the first retry. Default 100 ms; doubles each time.
        public var initialBackoff: Duration = .milliseconds(100)
        /// Upper bound of one backoff. Default 2 s.
        public var maxBackoff: Duration = .seconds(2)

        /// The defaults: 4 attempts, 100 ms doubling up to 2 s.
        public init() {}

        /// The wait before retry `n` (1-based): a random duration up to min(max, initial × 2^(n−1)).
        public func backoff(retry n: Int) -> Duration {
            let cap = min(maxBackoff, initialBackoff * (1 << min(n - 1, 20)))
            let ms = Double(cap.components.seconds) * 1000 + Double(cap.components.attoseconds) / 1e15
            return .milliseconds(Int64(Double.random(in: 0...max(ms, 1))))
        }
    }

    /// A configuration for `address`, trusting `caFile`, with a bearer `token`; everything else
    /// takes its default.
    public init(address: String = "127.0.0.1:7443", caFile: String? = nil, token: String? = nil) {
        self.address = address
        self.caFile = caFile
        self.token = token
    }
}
