internal import CLinux
import Foundation
import Logging
import ScheduleStore
import SchedulingCore
import Synchronization
import TLS
import Transport

/// Where one project's alerts (or every project's) are posted, and the secret that signs them.
public struct AlertWebhook: Sendable, Hashable {
    /// The receiver's URL (http or https).
    public var target: HTTPTarget
    /// The HMAC-SHA256 key of `X-Scheduler-Signature`.
    public var secret: [UInt8]
    /// PEM roots that verify an https receiver's certificate; nil = the system's roots.
    public var trustRootsFile: String?

    /// A webhook, field by field.
    public init(target: HTTPTarget, secret: [UInt8], trustRootsFile: String? = nil) {
        self.target = target
        self.secret = secret
        self.trustRootsFile = trustRootsFile
    }
}

/// Sends one alert delivery; the default posts over HTTP(S) (``HTTPAlertPoster``), tests may
/// substitute their own.
public protocol AlertPoster: Sendable {
    /// Posts `body` with `headers` to `webhook`; returns the HTTP status, throws when no status
    /// came back (connection refused, timeout, TLS failure).
    func post(_ webhook: AlertWebhook, headers: [(String, String)], body: [UInt8], timeoutMilliseconds: Int64)
        async throws -> Int
}

/// ``AlertPoster`` over ``HTTPPost``, each POST on a thread of its own (the socket calls block).
public struct HTTPAlertPoster: AlertPoster {
    private let contexts = TLSContextCache()

    /// The default poster.
    public init() {}

    public func post(_ webhook: AlertWebhook, headers: [(String, String)], body: [UInt8], timeoutMilliseconds: Int64)
        async throws -> Int
    {
        let tls = webhook.target.isTLS ? try contexts.context(for: webhook) : nil
        let result: Result<HTTPPost.Response, HTTPClientError> = await withCheckedContinuation { c in
            let thread = Thread {
                _ = clinux_name_thread("alert-webhook")
                do throws(HTTPClientError) {
                    c.resume(
                        returning: .success(
                            try HTTPPost.send(
                                to: webhook.target, headers: headers, body: body, tls: tls,
                                timeoutMilliseconds: timeoutMilliseconds)))
                } catch {
                    c.resume(returning: .failure(error))
                }
            }
            thread.start()
        }
        return try result.get().status
    }
}

/// One TLS client context per https webhook (contexts load trust roots; sessions are cheap).
final class TLSContextCache: Sendable {
    private let contexts = Mutex<[AlertWebhook: TLSContext]>([:])

    func context(for webhook: AlertWebhook) throws(HTTPClientError) -> TLSContext {
        if let c = contexts.withLock({ $0[webhook] }) { return c }
        let c = try HTTPPost.clientTLSContext(for: webhook.target, trustRootsFile: webhook.trustRootsFile)
        contexts.withLock { $0[webhook] = c }
        return c
    }
}

/// Delivers the store's alert outbox to webhooks, and raises the due-backlog threshold alerts.
///
/// Every `intervalMilliseconds` a pass (1) reads the queue's due backlog when some project has a
/// `dueWaitingSeconds` threshold (at most every `backlogCheckIntervalMilliseconds`) and writes
/// DUE_BACKLOG alerts for those over it, deduplicated per project and window by the store; (2)
/// claims due alerts (a lease, so one node of several delivers each), posts each as signed JSON,
/// and records the result: delivered on 2xx, otherwise the next attempt after an exponential
/// backoff, and FAILED after `maxAttempts`. A process killed before it records the result leaves
/// the alert PENDING, and it is posted again once its lease ends: delivery is at least once, and
/// receivers drop repeats by the alert's id.
public final class AlertDispatcher: Sendable {
    /// Settings; the server fills them from the config file's `alerts` section.
    public struct Configuration: Sendable {
        /// The webhook of every project without its own; nil = only the projects in ``projectWebhooks``.
        public var webhook: AlertWebhook?
        /// Per project webhooks, replacing ``webhook`` for that project.
        public var projectWebhooks: [String: AlertWebhook] = [:]
        /// Time between passes. Default 1 s.
        public var intervalMilliseconds: Int64 = 1000
        /// Alerts claimed per pass. Default 20.
        public var batchLimit = 20
        /// The whole exchange of one POST (connect, TLS, request, response head). Default 10 s.
        public var timeoutMilliseconds: Int64 = 10_000
        /// The first retry's delay; each next one doubles it. Default 5 s.
        public var retryBaseMilliseconds: Int64 = 5_000
        /// The longest delay between attempts. Default 10 min.
        public var retryMaxMilliseconds: Int64 = 600_000
        /// Attempts before an alert is given up (FAILED). Default 12 (about an hour with the defaults).
        public var maxAttempts = 12
        /// How often the due backlog is read for DUE_BACKLOG alerts. Default 30 s.
        public var backlogCheckIntervalMilliseconds: Int64 = 30_000
        /// Whether some project has a due-backlog threshold (``AlertPolicy/watchesBacklog``).
        public var watchesBacklog = false

        /// Defaults, no webhook.
        public init() {}

        /// The webhook of `project`, if any.
        public func webhook(for project: String) -> AlertWebhook? { projectWebhooks[project] ?? webhook }

        /// The delay before attempt `attempt + 1` after attempt `attempt` (1-based) failed:
        /// base × 2^(attempt − 1), at most ``retryMaxMilliseconds``.
        public func retryDelayMilliseconds(afterAttempt attempt: Int) -> Int64 {
            let shift = min(max(attempt - 1, 0), 40)
            let (d, overflow) = retryBaseMilliseconds.multipliedReportingOverflow(by: Int64(1) << shift)
            return overflow ? retryMaxMilliseconds : min(d, retryMaxMilliseconds)
        }

        /// How long a claim holds an alert: the POST's timeout twice over plus 5 s, so a slow
        /// POST is never posted twice by another node while it is still running.
        var leaseSeconds: Int64 { (timeoutMilliseconds * 2 + 999) / 1000 + 5 }
    }

    /// What one pass did.
    public struct Pass: Sendable, Hashable {
        /// DUE_BACKLOG alerts written.
        public var backlogAlerts = 0
        /// Alerts accepted by their receiver.
        public var delivered = 0
        /// Attempts that failed and will be retried.
        public var retried = 0
        /// Alerts given up.
        public var gaveUp = 0

        /// A pass that did nothing.
        public init() {}
    }

    private let store: any SchedulingStore
    private let configuration: Configuration
    private let clock: any WallClock
    private let poster: any AlertPoster
    private let logger: Logger
    private let metrics: ServerMetrics
    private let lastBacklogCheck = Mutex<Int64?>(nil)
    private let loop = PeriodicTask()

    /// A dispatcher over `store`; `clock` must be the store's. Each delivery attempt counts in
    /// `metrics` (``MetricName/alertDeliveries``).
    public init(
        store: any SchedulingStore, configuration: Configuration, clock: any WallClock = SystemClock(),
        poster: any AlertPoster = HTTPAlertPoster(), metrics: ServerMetrics = ServerMetrics(), logger: Logger
    ) {
        self.store = store
        self.configuration = configuration
        self.clock = clock
        self.poster = poster
        self.metrics = metrics
        self.logger = logger
    }

    /// The JSON body of an alert (docs/OPERATIONS.md, "Alerts"): the same bytes for every attempt.
    public static func body(of alert: Alert) -> [UInt8] {
        func q(_ s: String?) -> String { s.map { JSONString.quote($0) } ?? "null" }
        let details = alert.detailsJSON.isEmpty ? "{}" : alert.detailsJSON
        let text =
            "{\"id\":\(q(alert.id)),\"kind\":\(q(alert.kind.rawValue)),\"project\":\(q(alert.projectID)),"
            + "\"scheduleId\":\(q(alert.scheduleID)),\"platform\":\(q(alert.platform)),"
            + "\"message\":\(q(alert.message)),\"createdAt\":\(q(alert.createdAt.iso8601)),\"details\":\(details)}"
        return Array(text.utf8)
    }

    /// The signature header's value: `sha256=` + hex HMAC-SHA256 of "`timestamp`.`body`" under `secret`.
    public static func signature(secret: [UInt8], timestamp: Int64, body: [UInt8]) -> String {
        "sha256=" + HMACSHA256.hex(key: secret, message: Array("\(timestamp).".utf8) + body)
    }

    /// The headers of one attempt.
    public static func headers(for alert: Alert, secret: [UInt8], timestamp: Int64, body: [UInt8]) -> [(String, String)]
    {
        [
            ("Content-Type", "application/json"), ("User-Agent", "schedulerd-alerts/1"),
            ("X-Scheduler-Alert-Id", alert.id), ("X-Scheduler-Alert-Kind", alert.kind.rawValue),
            ("X-Scheduler-Delivery-Attempt", String(alert.attempts)), ("X-Scheduler-Timestamp", String(timestamp)),
            ("X-Scheduler-Signature", signature(secret: secret, timestamp: timestamp, body: body)),
        ]
    }

    /// One pass: the backlog check when due (or `forceBacklogCheck`), then one claim of due alerts.
    @discardableResult
    public func runOnce(forceBacklogCheck: Bool = false) async throws(StoreError) -> Pass {
        var pass = Pass()
        if configuration.watchesBacklog {
            let now = clock.now().unixMilliseconds
            let due = lastBacklogCheck.withLock { last in
                guard forceBacklogCheck || last == nil || now - last! >= configuration.backlogCheckIntervalMilliseconds
                else { return false }
                last = now
                return true
            }
            if due {
                let gauges = try await store.queueGauges(now: clock.now())
                pass.backlogAlerts = try await store.recordBacklogAlerts(gauges)
            }
        }
        let claimed = try await store.claimAlerts(
            limit: configuration.batchLimit, leaseSeconds: configuration.leaseSeconds)
        for alert in claimed {
            let result = await deliver(alert)
            switch result {
            case .delivered: pass.delivered += 1
            case .retry: pass.retried += 1
            case .gaveUp: pass.gaveUp += 1
            }
            try await store.finishAlertDelivery(id: alert.id, attempt: alert.attempts, result: result)
            metrics.recordAlertDelivery(alert.kind, result)
        }
        return pass
    }

    private func deliver(_ alert: Alert) async -> AlertDeliveryResult {
        let meta: Logger.Metadata = [
            "alert.id": "\(alert.id)", "alert.kind": "\(alert.kind.rawValue)", "alert.project": "\(alert.projectID)",
            "alert.attempt": "\(alert.attempts)",
        ]
        guard let webhook = configuration.webhook(for: alert.projectID) else {
            logger.warning("alert dropped: no webhook configured for its project", metadata: meta)
            return .gaveUp(error: "no webhook configured for project \(alert.projectID)")
        }
        let body = Self.body(of: alert)
        let timestamp = clock.now().unixSeconds
        let error: String
        do {
            let status = try await poster.post(
                webhook, headers: Self.headers(for: alert, secret: webhook.secret, timestamp: timestamp, body: body),
                body: body, timeoutMilliseconds: configuration.timeoutMilliseconds)
            if (200..<300).contains(status) {
                logger.info("alert delivered", metadata: meta.merging(["http.status": "\(status)"]) { $1 })
                return .delivered
            }
            error = "HTTP \(status) from \(webhook.target)"
        } catch {
            return failed(alert, "\(error) (\(webhook.target))", meta)
        }
        return failed(alert, error, meta)
    }

    private func failed(_ alert: Alert, _ error: String, _ meta: Logger.Metadata) -> AlertDeliveryResult {
        if alert.attempts >= configuration.maxAttempts {
            logger.error("alert given up", metadata: meta.merging(["error": "\(error)"]) { $1 })
            return .gaveUp(error: error)
        }
        let delay = configuration.retryDelayMilliseconds(afterAttempt: alert.attempts)
        let at = Instant(unixMilliseconds: clock.now().unixMilliseconds + delay)
        logger.warning(
            "alert delivery failed; retrying", metadata: meta.merging(["error": "\(error)", "retry.in_ms": "\(delay)"]) { $1 })
        return .retry(at: at, error: error)
    }

    /// Starts the loop.
    public func start() {
        loop.start(intervalMilliseconds: configuration.intervalMilliseconds) { [self] in
            do {
                try await runOnce()
            } catch {
                logger.error("alert pass failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Stops the loop and waits for the current pass to end.
    public func stop() async { await loop.stop() }
}

