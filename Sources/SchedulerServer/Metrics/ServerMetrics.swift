import CoreMetrics
import ScheduleStore
import SchedulingCore
import Synchronization
import WireProtocol

/// The server's metrics, made once from a swift-metrics factory: every counter and timer a call
/// records is created here or when the method table is built, so recording is an atomic add or
/// a short locked histogram update, with no string formatting and no label lookup per call.
///
/// Figures that only the database or the server's tables know (queue depth, due backlog, open
/// connections, calls in flight) are not recorded here: ``MetricsEndpoint`` reads them when
/// scraped. Labels are bounded: method names from the method table, status codes, enums; never
/// a schedule id, a token or a free-text reason.
public final class ServerMetrics: Sendable {
    let factory: any MetricsFactory

    // Connections and TLS.
    let connectionsAccepted: Counter
    let connectionsRefused: Counter
    let tlsHandshakes: Counter
    let tlsHandshakeFailures: Counter
    let goAways: GoAwayCounters

    // Calls to names the method table does not hold.
    let unknownMethod: MethodMetrics

    // The work itself.
    let leasesGranted: Counter
    let leasesExpired: LeaseExpiryCounters
    let retriesAfterFail: Counter
    let retriesAfterLeaseLoss: Counter
    let outcomeUnknownHolds: Counter
    let finished: FinishCounters
    /// ConfirmOutcome's answers applied: published, not published.
    let confirmedPublished: Counter
    let confirmedNotPublished: Counter
    let missedExpired: Counter
    let missedSkipped: Counter
    /// Indexed by ``conflictIndex(_:_:)``: every type × severity, made up front.
    let conflicts: [Counter]
    let autoResolved: Counter

    // Alerts: every kind's counters, made up front.
    let alertDeliveries: [AlertKind: AlertDeliveryCounters]

    // Maintenance.
    let maintenanceSucceeded: Counter
    let maintenanceFailed: Counter
    let maintenanceDuration: CoreMetrics.Timer

    // Scrape-time reads.
    let scrapeStoreErrors: Counter

    /// Makes every metric with `factory` (default: the process's, a no-op until bootstrapped).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        func counter(_ name: String, _ dimensions: [(String, String)] = []) -> Counter {
            Counter(label: name, dimensions: dimensions, factory: factory)
        }
        connectionsAccepted = counter(MetricName.connectionsAccepted)
        connectionsRefused = counter(MetricName.connectionsRefused)
        tlsHandshakes = counter(MetricName.tlsHandshakes)
        tlsHandshakeFailures = counter(MetricName.tlsHandshakeFailures)
        goAways = GoAwayCounters(
            shutdown: counter(MetricName.goAways, [("reason", GoAwayReason.shutdown.rawValue)]),
            badFrame: counter(MetricName.goAways, [("reason", GoAwayReason.badFrame.rawValue)]),
            protocolViolation: counter(MetricName.goAways, [("reason", GoAwayReason.protocolViolation.rawValue)]),
            unauthenticatedCalls: counter(MetricName.goAways, [("reason", GoAwayReason.unauthenticatedCalls.rawValue)]))
        unknownMethod = MethodMetrics(label: "unknown", factory: factory, timed: false)
        leasesGranted = counter(MetricName.leasesGranted)
        leasesExpired = LeaseExpiryCounters(
            released: counter(MetricName.leasesExpired, [("outcome", "released")]),
            retried: counter(MetricName.leasesExpired, [("outcome", "retried")]),
            failed: counter(MetricName.leasesExpired, [("outcome", "failed")]),
            outcomeUnknown: counter(MetricName.leasesExpired, [("outcome", "outcome_unknown")]))
        retriesAfterFail = counter(MetricName.retries, [("cause", "fail")])
        retriesAfterLeaseLoss = counter(MetricName.retries, [("cause", "lease_expired")])
        outcomeUnknownHolds = counter(MetricName.outcomeUnknownHolds)
        finished = FinishCounters(
            completed: counter(MetricName.finished, [("outcome", "completed")]),
            completedPartially: counter(MetricName.finished, [("outcome", "completed_partially")]),
            failed: counter(MetricName.finished, [("outcome", "failed")]),
            retryScheduled: counter(MetricName.finished, [("outcome", "retry_scheduled")]))
        confirmedPublished = counter(MetricName.outcomeConfirmations, [("published", "true")])
        confirmedNotPublished = counter(MetricName.outcomeConfirmations, [("published", "false")])
        missedExpired = counter(MetricName.missedWindows, [("outcome", "expired")])
        missedSkipped = counter(MetricName.missedWindows, [("outcome", "skipped")])
        var conflicts: [Counter] = []
        for type in ConflictType.allCases {
            for severity in ConflictSeverity.allCases {
                conflicts.append(counter(MetricName.conflicts, [("type", type.rawValue), ("severity", severity.rawValue)]))
            }
        }
        self.conflicts = conflicts
        autoResolved = counter(MetricName.autoResolved)
        alertDeliveries = Dictionary(uniqueKeysWithValues: AlertKind.allCases.map { kind in
            func c(_ result: String) -> Counter { counter(MetricName.alertDeliveries, [("kind", kind.rawValue), ("result", result)]) }
            return (kind, AlertDeliveryCounters(delivered: c("delivered"), retry: c("retry"), gaveUp: c("gave_up")))
        })
        maintenanceSucceeded = counter(MetricName.maintenanceRuns, [("result", "ok")])
        maintenanceFailed = counter(MetricName.maintenanceRuns, [("result", "error")])
        maintenanceDuration = CoreMetrics.Timer(label: MetricName.maintenanceDuration, dimensions: [], factory: factory)
        scrapeStoreErrors = counter(MetricName.scrapeStoreErrors)
    }

    /// The per-method metrics for a method table entry (made once, when the server starts).
    func method(_ path: String) -> MethodMetrics {
        MethodMetrics(label: MethodMetrics.label(path), factory: factory, timed: true)
    }

    // MARK: Recording (cheap: counters made up front)

    static func conflictIndex(_ type: ConflictType, _ severity: ConflictSeverity) -> Int {
        let t: Int
        switch type {
        case .sameTime: t = 0
        case .rateLimit: t = 1
        case .resource: t = 2
        case .custom: t = 3
        }
        let s: Int
        switch severity {
        case .info: s = 0
        case .warning: s = 1
        case .error: s = 2
        case .critical: s = 3
        }
        return t * ConflictSeverity.allCases.count + s
    }

    /// One alert delivery attempt's result.
    func recordAlertDelivery(_ kind: AlertKind, _ result: AlertDeliveryResult) {
        guard let c = alertDeliveries[kind] else { return }
        switch result {
        case .delivered: c.delivered.increment()
        case .retry: c.retry.increment()
        case .gaveUp: c.gaveUp.increment()
        }
    }

    /// The findings of an enqueue, update or reschedule (stored, or refused with them).
    func recordConflicts(_ found: [Conflict]) {
        for c in found { conflicts[Self.conflictIndex(c.type, c.severity)].increment() }
    }

    /// An accepted enqueue, update or reschedule: its findings, and whether auto-resolve moved it.
    func recordEnqueued(_ result: EnqueueResult) {
        if result.replayed { return }  // the first call counted it
        recordConflicts(result.conflicts)
        if result.adjustedTime != nil { autoResolved.increment() }
    }

    /// A Complete or Fail that the store applied.
    func recordFinished(_ result: FinishResult) {
        switch result.outcome {
        case nil: finished.completed.increment()
        case .completedPartially: finished.completedPartially.increment()
        case .failed: finished.failed.increment()
        case .retryScheduled:
            finished.retryScheduled.increment()
            retriesAfterFail.increment()
        }
    }

    /// A ConfirmOutcome the store applied (a repeat is not counted again).
    func recordConfirmed(published: Bool) {
        (published ? confirmedPublished : confirmedNotPublished).increment()
    }

    /// One maintenance pass's work.
    func recordMaintenance(leases: ReapResult, windows: MissedWindowResult) {
        let failed = max(0, leases.failed - leases.heldOutcomeUnknown)
        if leases.released > 0 { leasesExpired.released.increment(by: leases.released) }
        if leases.retried > 0 {
            leasesExpired.retried.increment(by: leases.retried)
            retriesAfterLeaseLoss.increment(by: leases.retried)
        }
        if failed > 0 { leasesExpired.failed.increment(by: failed) }
        if leases.heldOutcomeUnknown > 0 {
            leasesExpired.outcomeUnknown.increment(by: leases.heldOutcomeUnknown)
            outcomeUnknownHolds.increment(by: leases.heldOutcomeUnknown)
        }
        if windows.expired > 0 { missedExpired.increment(by: windows.expired) }
        if windows.skipped > 0 { missedSkipped.increment(by: windows.skipped) }
    }

    struct GoAwayCounters: Sendable {
        let shutdown, badFrame, protocolViolation, unauthenticatedCalls: Counter

        func callAsFunction(_ reason: GoAwayReason) -> Counter {
            switch reason {
            case .shutdown: shutdown
            case .badFrame: badFrame
            case .protocolViolation: protocolViolation
            case .unauthenticatedCalls: unauthenticatedCalls
            }
        }
    }

    struct LeaseExpiryCounters: Sendable {
        let released, retried, failed, outcomeUnknown: Counter
    }

    struct FinishCounters: Sendable {
        let completed, completedPartially, failed, retryScheduled: Counter
    }

    struct AlertDeliveryCounters: Sendable {
        let delivered, retry, gaveUp: Counter
    }
}

/// Why the server sent go-away: a bounded label (the frame's own reason text is free-form).
enum GoAwayReason: String, Sendable, CaseIterable {
    /// The server is draining.
    case shutdown
    /// A frame that could not be decoded, or one over the size cap.
    case badFrame = "bad_frame"
    /// A frame a client must not send (a response, call id 0, a call id already in flight).
    case protocolViolation = "protocol_violation"
    /// A whole burst of calls without valid credentials was refused on the connection.
    case unauthenticatedCalls = "unauthenticated_calls"
}

/// One method's call counters (by status code) and latency histogram.
///
/// The OK counter is made up front; a counter for another code is made on its first use and
/// kept (17 codes at most), so the exposition lists only the codes a method has answered.
final class MethodMetrics: Sendable {
    let label: String
    private let factory: any MetricsFactory
    private let ok: Counter
    private let others = Mutex<[Counter?]>(Array(repeating: nil, count: 17))
    /// Handler latency; nil for the "unknown" pseudo-method (nothing ran).
    let latency: CoreMetrics.Timer?

    init(label: String, factory: any MetricsFactory, timed: Bool) {
        self.label = label
        self.factory = factory
        ok = Counter(label: MetricName.rpcCalls, dimensions: [("method", label), ("code", StatusCode.ok.name)], factory: factory)
        latency = timed ? CoreMetrics.Timer(label: MetricName.rpcDuration, dimensions: [("method", label)], factory: factory) : nil
    }

    /// `scheduler.v1.Scheduler/Enqueue` → `Enqueue`.
    static func label(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// A call answered with `code`.
    func record(_ code: StatusCode) {
        if code == .ok {
            ok.increment()
            return
        }
        let slot = Int(min(code.rawValue, 16))
        let counter = others.withLock { slots in
            if let c = slots[slot] { return c }
            let c = Counter(
                label: MetricName.rpcCalls, dimensions: [("method", label), ("code", StatusCode(rawValue: UInt32(slot)).name)],
                factory: factory)
            slots[slot] = c
            return c
        }
        counter.increment()
    }

    /// A call a handler answered with `code` after `nanoseconds`.
    func record(_ code: StatusCode, nanoseconds: Int64) {
        record(code)
        latency?.recordNanoseconds(nanoseconds)
    }
}
