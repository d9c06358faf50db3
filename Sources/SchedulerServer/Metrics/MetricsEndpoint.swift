import CoreMetrics
import Dispatch
import Logging
import Prometheus
import ScheduleStore
import SchedulingCore
import Synchronization

/// `GET /metrics`: the Prometheus text exposition of every metric the server records
/// (swift-metrics over swift-prometheus), plus the figures read when scraped: calls in flight,
/// open connections, and the store's queue gauges (depth by project and status, due backlog,
/// oldest due age, database and WAL size), cached for ``Configuration/storeCacheMilliseconds``.
///
/// Make it first, then hand ``serverMetrics`` to the server, service and engine and
/// ``storeMetrics`` to the store's configuration, then ``attach(store:server:)`` them.
public final class MetricsEndpoint: Sendable {
    /// How often the store is read and how many projects get a label.
    public struct Configuration: Sendable, Hashable {
        /// How long queue figures read from the store are reused. Default 5 s: a few scrapers,
        /// or a scrape per second, cost the database one read every 5 s.
        public var storeCacheMilliseconds: Int64 = 5000
        /// Projects that get their own `project` label; the queue figures of projects beyond
        /// this many (in id order) are summed under `project="_other"`. Default 1000.
        public var maxProjectLabels: Int = 1000

        /// The defaults.
        public init() {}
    }

    /// Latency buckets of ``MetricName/rpcDuration``: 0.5 ms to 10 s.
    public static let rpcDurationBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
        .seconds(5), .seconds(10),
    ]
    /// Buckets of ``MetricName/maintenanceDuration``: 1 ms to 30 s.
    public static let maintenanceDurationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(50), .milliseconds(100),
        .milliseconds(500), .seconds(1), .seconds(5), .seconds(30),
    ]

    /// The Prometheus registry every metric of this endpoint lives in.
    public let registry: PrometheusCollectorRegistry
    /// The swift-metrics factory writing into ``registry`` (histogram buckets set per metric).
    public let factory: PrometheusMetricsFactory
    /// For ``RPCServer``, ``SchedulerService`` and ``MaintenanceEngine``.
    public let serverMetrics: ServerMetrics
    /// For `StoreConfiguration.metrics`.
    public let storeMetrics: StoreMetrics
    private let configuration: Configuration
    private let clock: any WallClock
    private let logger: Logger
    private let sources = Mutex<Sources>(Sources())
    private let state = Mutex<ScrapeState>(ScrapeState())

    // Scrape-time gauges without labels.
    private let inFlight: Meter
    private let connectionsOpen: Meter
    private let connectionsUnauthenticated: Meter
    private let databaseBytes: Meter
    private let walBytes: Meter

    private struct Sources {
        var store: (any QueueGaugeSource)?
        var server: RPCServer?
    }

    private struct ScrapeState {
        var gauges: QueueGauges?
        var readAt: Int64?
        /// Per project label: its depth meters (by status), due backlog and oldest due age.
        var projects: [String: ProjectMeters] = [:]
        var refusedSeen = 0
    }

    private struct ProjectMeters {
        var depth: [QueueStatus: Meter]
        var due: Meter
        var oldestDueAge: Meter

        func destroy() {
            for m in depth.values { m.destroy() }
            due.destroy()
            oldestDueAge.destroy()
        }
    }

    /// A registry and factory of its own (not the process-wide default), with the histogram
    /// buckets of the server's and the store's metrics; `clock` dates the queue figures.
    public init(configuration: Configuration = Configuration(), clock: any WallClock = SystemClock(), logger: Logger) {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [
            MetricName.rpcDuration: Self.rpcDurationBuckets,
            MetricName.maintenanceDuration: Self.maintenanceDurationBuckets,
            StoreMetrics.Name.commitDuration: StoreMetrics.commitDurationBuckets,
            StoreMetrics.Name.walRestartDuration: StoreMetrics.commitDurationBuckets,
        ]
        factory.valueHistogramBuckets = [StoreMetrics.Name.commitBatchSize: StoreMetrics.commitBatchSizeBuckets]
        self.registry = registry
        self.factory = factory
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        serverMetrics = ServerMetrics(factory: factory)
        storeMetrics = StoreMetrics(factory: factory)
        inFlight = Meter(label: MetricName.rpcInFlight, dimensions: [], factory: factory)
        connectionsOpen = Meter(label: MetricName.connectionsOpen, dimensions: [], factory: factory)
        connectionsUnauthenticated = Meter(label: MetricName.connectionsUnauthenticated, dimensions: [], factory: factory)
        databaseBytes = Meter(label: MetricName.databaseBytes, dimensions: [], factory: factory)
        walBytes = Meter(label: MetricName.walBytes, dimensions: [], factory: factory)
    }

    /// Where the scrape-time figures come from (either may be nil: those figures are then absent).
    public func attach(store: (any QueueGaugeSource)?, server: RPCServer?) {
        sources.withLock { $0 = Sources(store: store, server: server) }
    }

    /// Refreshes the scrape-time figures and returns the exposition (text format 0.0.4).
    public func scrape() async -> String {
        let (store, server) = sources.withLock { ($0.store, $0.server) }
        if let server { readServer(server) }
        if let store { await readStore(store) }
        return Self.withHelp(registry.emitToString())
    }

    /// ``scrape()`` for a caller on a plain thread (the health listener's): blocks that thread,
    /// never a pool thread, until the scrape has finished. The task is owned by this call, which
    /// waits for it.
    public func scrapeBlocking() -> String {
        let result = Mutex<String>("")
        let done = DispatchSemaphore(value: 0)
        Task {
            let text = await scrape()
            result.withLock { $0 = text }
            done.signal()
        }
        done.wait()
        return result.withLock { $0 }
    }

    private func readServer(_ server: RPCServer) {
        inFlight.set(server.inFlightCount)
        connectionsOpen.set(server.connectionCount)
        connectionsUnauthenticated.set(server.unauthenticatedConnectionCount)
        // The listener keeps the refused total; the counter follows it.
        let refused = server.refusedConnectionCount
        let delta = state.withLock { s -> Int in
            defer { s.refusedSeen = max(s.refusedSeen, refused) }
            return max(0, refused - s.refusedSeen)
        }
        if delta > 0 { serverMetrics.connectionsRefused.increment(by: delta) }
    }

    private func readStore(_ store: any QueueGaugeSource) async {
        let now = clock.now()
        let cached = state.withLock { s -> QueueGauges? in
            guard let at = s.readAt, now.unixMilliseconds - at < configuration.storeCacheMilliseconds else { return nil }
            return s.gauges
        }
        let gauges: QueueGauges
        if let cached {
            gauges = cached
        } else {
            do {
                gauges = try await store.queueGauges(now: now)
            } catch {
                serverMetrics.scrapeStoreErrors.increment()
                logger.warning("metrics: cannot read the queue figures", metadata: ["error": "\(error)"])
                return
            }
        }
        if let b = gauges.databaseBytes { databaseBytes.set(b) }
        if let b = gauges.walBytes { walBytes.set(b) }
        let labelled = Self.limitLabels(gauges.projects, max: configuration.maxProjectLabels)
        state.withLock { s in
            if cached == nil {
                s.gauges = gauges
                s.readAt = now.unixMilliseconds
            }
            // Projects that no longer exist lose their series.
            let keep = Set(labelled.map(\.projectID))
            for (id, meters) in s.projects where !keep.contains(id) {
                meters.destroy()
                s.projects[id] = nil
            }
            for p in labelled {
                let meters = s.projects[p.projectID] ?? makeMeters(p.projectID)
                s.projects[p.projectID] = meters
                for status in QueueGauges.depthStatuses { meters.depth[status]?.set(p.depth[status] ?? 0) }
                meters.due.set(p.dueBacklog)
                meters.oldestDueAge.set(p.oldestDueAgeSeconds(at: now))
            }
        }
    }

    /// The first `max` projects keep their id; the rest are summed into one `_other` entry
    /// (the oldest due item is the oldest of theirs).
    static func limitLabels(_ projects: [QueueGauges.Project], max: Int) -> [QueueGauges.Project] {
        guard projects.count > max else { return projects }
        var other = QueueGauges.Project(projectID: "_other")
        for p in projects[max...] {
            other.depth.merge(p.depth, uniquingKeysWith: +)
            other.dueBacklog += p.dueBacklog
            if let d = p.oldestDue, other.oldestDue.map({ d < $0 }) ?? true { other.oldestDue = d }
        }
        return Array(projects[..<max]) + [other]
    }

    private func makeMeters(_ project: String) -> ProjectMeters {
        var depth: [QueueStatus: Meter] = [:]
        for status in QueueGauges.depthStatuses {
            depth[status] = Meter(
                label: MetricName.queueDepth, dimensions: [("project", project), ("status", status.rawValue)], factory: factory)
        }
        return ProjectMeters(
            depth: depth,
            due: Meter(label: MetricName.queueDue, dimensions: [("project", project)], factory: factory),
            oldestDueAge: Meter(label: MetricName.queueOldestDueAge, dimensions: [("project", project)], factory: factory))
    }

    /// Adds a `# HELP` line (from ``MetricName/help``) before each family's `# TYPE` line: the
    /// swift-metrics API carries no help text, and Prometheus's linter wants one per metric.
    static func withHelp(_ exposition: String) -> String {
        var out = ""
        out.reserveCapacity(exposition.utf8.count + 8192)
        for line in exposition.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# TYPE ") {
                let name = line.dropFirst(7).prefix { $0 != " " }
                if let help = MetricName.help[String(name)] {
                    out += "# HELP \(name) "
                    out += help.replacingBackslashesAndNewlines()
                    out += "\n"
                }
            }
            out += line
            out += "\n"
        }
        // split keeps a final empty piece after the last newline: drop the extra newline.
        if out.hasSuffix("\n\n") { out.removeLast() }
        return out
    }
}

extension String {
    /// A HELP text as the exposition format wants it: `\` as `\\`, a line feed as `\n`.
    fileprivate func replacingBackslashesAndNewlines() -> String {
        var s = ""
        for c in self {
            switch c {
            case "\\": s += "\\\\"
            case "\n": s += "\\n"
            default: s.append(c)
            }
        }
        return s
    }
}
