import ArgumentParser
import Foundation
import SchedulerClient
import SchedulingCore
import Synchronization
import TLS
import Transport
import WireProtocol

/// `scheduler-bench rpc SCENARIO`: drives a running schedulerd over TLS.
struct RPCBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpc",
        abstract: "Load a running schedulerd over TLS: enqueue, enqueue-batch, cycle, worker, validate, mixed, health, connections.",
        discussion: """
            scheduler-bench rpc enqueue --server 127.0.0.1:7443 --ca .scheduler/ca.pem --token "$(cat .scheduler/admin.token)" --json
            Scenarios: enqueue (validated, distinct times and platforms), enqueue-batch (EnqueueBatch of --batch such
            enqueues per call; ops are items, latency per call), cycle (dequeue → start → complete over a
            pre-filled backlog; with --dequeue-starts, dequeue-and-start → complete), worker (the client's work loop,
            SchedulerClient.work with --concurrency items at once and a no-op publish: Dequeue with start, then one
            Acknowledge of what finished before the next Dequeue; over the same pre-filled backlog), validate (auto-resolve
            against a filled project), mixed (70 % enqueue, 20 % cycle, 10 % reads), health (the Health call: TLS, framing and dispatch without the store or a token check,
            the ceiling of the RPC path on this machine), connections (N idle TLS connections; RSS growth per
            connection with --server-pid).
            The token must be an admin token (the scenarios use several projects).
            """)

    @Argument(help: "enqueue | enqueue-batch | cycle | worker | validate | mixed | health | connections") var scenario: String
    @Option(help: "Server HOST:PORT.") var server: String = "127.0.0.1:7443"
    @Option(help: "CA certificate (PEM) of the server.") var ca: String?
    @Option(help: "Admin bearer token.") var token: String?
    @Option(help: "TLS connections.") var connections: Int = 4
    @Option(help: "Calls in flight per connection.") var inFlight: Int = 4
    @Option(help: "Seconds of load (bounded).") var duration: Double = 10
    @Option(help: "Items pre-filled for cycle, worker, validate and mixed.") var backlog: Int = 20_000
    @Option(help: "enqueue-batch: items per EnqueueBatch call (1…500).") var batch: Int = 100
    @Option(help: "worker: items each work loop handles at once (SchedulerClient.work's concurrency, 1…100); one loop per connection × --in-flight.")
    var concurrency: Int = 1
    @Flag(help: """
        The backlog is already in the server's database (`scheduler-bench fill`, project PREFIX-0 for \
        cycle, PREFIX-v for validate with --backlog its size): no pre-fill over RPC.
        """) var prefilled = false
    @Option(help: "The server's pid, to report its CPU time and RSS.") var serverPid: Int32?
    @Option(help: "Target calls per second over all workers (paced load; default: as fast as possible). A paced run also reports each call's latency from when the pacer released it (p50/p99/p999_from_release_us).") var rate: Double?
    @Option(help: "Prefix of the projects the run creates (a fresh one per run keeps runs independent).") var projectPrefix: String = "bench-\(getpid())"
    @Flag(help: "cycle: start the items in the Dequeue call (DequeueRequest.start) instead of a separate Start: two calls a cycle, not three.")
    var dequeueStarts = false
    @Option(help: """
        Where the load's callers run: on the client's I/O threads (loops: SchedulerClient.executors, \
        each caller on its connection's thread, no thread hop per call) or on Swift's global pool (pool).
        """) var callers: String = "loops"
    @Option(help: """
        The client's I/O threads (SchedulerClientConfiguration.ioThreads, 1…64; default: one per CPU, \
        at most one per connection). bench/compare gives 1, as redis-benchmark runs one thread.
        """) var ioThreads: Int?
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard ["enqueue", "enqueue-batch", "cycle", "worker", "validate", "mixed", "health", "connections"].contains(scenario) else {
            throw ValidationError("scenario: expected enqueue, enqueue-batch, cycle, worker, validate, mixed, health or connections")
        }
        guard ["loops", "pool"].contains(callers) else { throw ValidationError("--callers: loops or pool") }
        guard (1...500).contains(batch) else { throw ValidationError("--batch: 1…500") }
        guard (1...100).contains(concurrency) else { throw ValidationError("--concurrency: 1…100") }
        if rate != nil && scenario == "worker" { throw ValidationError("--rate does not apply to worker (the work loop sets its own pace)") }
        if let ioThreads, !(1...64).contains(ioThreads) { throw ValidationError("--io-threads: 1…64") }
        guard (1...20_000).contains(connections) else { throw ValidationError("--connections: 1…20000") }
        guard (1...256).contains(inFlight) else { throw ValidationError("--in-flight: 1…256") }
        guard duration > 0, duration <= 600 else { throw ValidationError("--duration: 0…600 seconds") }
        guard (0...1_000_000).contains(backlog) else { throw ValidationError("--backlog: 0…1000000") }
        if let rate, !(rate > 0 && rate <= 1_000_000) { throw ValidationError("--rate: 0…1000000 calls per second") }
    }

    func run() async throws {
        let before = ProcessSample(pid: serverPid)
        let result: RPCResult
        switch scenario {
        case "connections": result = try await idleConnections()
        case "worker": result = try await workerLoad()
        default: result = try await load()
        }
        let after = ProcessSample(pid: serverPid)
        var r = result
        if let b = before, let a = after {
            r.extra.append(("server_cpu_s", a.cpuSeconds - (result.serverAtStart ?? b).cpuSeconds))
            r.extra.append(("server_rss_kb", Double(a.rssKB)))
            if scenario == "connections" {
                r.extra.append(("rss_kb_per_connection", Double(a.rssKB - b.rssKB) / Double(max(1, Int(r.calls)))))
            }
        }
        print(json ? r.json : r.text)
    }

    // MARK: Load scenarios

    func makeClient() throws -> SchedulerClient {
        var config = SchedulerClientConfiguration(address: server, caFile: ca, token: token)
        config.connections = connections
        config.ioThreads = ioThreads
        config.defaultTimeout = .seconds(30)
        config.retry.maxAttempts = 1
        return try SchedulerClient(configuration: config)
    }

    /// The executor load worker `w` runs on (`--callers`): nil for the global pool.
    func executor(_ client: SchedulerClient, _ w: Int) -> (any TaskExecutor)? {
        callers == "loops" ? client.executors[w % client.executors.count] : nil
    }

    /// Distinct, conflict-free times, as in the store benchmark: 151 s apart, so a resource window
    /// (±150 s) holds at most two neighbours and no check warns; platforms rotate.
    static let platforms = ["TWITTER", "LINKEDIN", "FACEBOOK", "WORDPRESS", "GHOST"]

    func enqueueRequest(project: String, slot: Int, base: Instant) -> SchedulerV1.EnqueueRequest {
        var r = SchedulerV1.EnqueueRequest(projectID: project, contentID: "c\(slot)", platforms: [Self.platforms[slot % 5]])
        r.scheduledForMs = base.adding(seconds: Int64(slot) * 151).unixMilliseconds
        r.idempotencyKey = "\(project)-\(slot)"
        return r
    }

    /// Fills `count` due items over `projects` projects (at most ~570 per project fit in the 24 h
    /// expiry window at 151 s apart).
    func prefillDue(_ client: SchedulerClient, count: Int, projects: Int) async throws {
        let now = SystemClock().now()
        let perProject = (count + projects - 1) / projects
        let base = now.adding(seconds: -Int64(perProject) * 151 - 60)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<min(64, count) {
                group.addTask {
                    var i = w
                    while i < count {
                        let project = "\(projectPrefix)-\(i % projects)"
                        _ = try await client.enqueue(enqueueRequest(project: project, slot: i / projects, base: base))
                        i += 64
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    func load() async throws -> RPCResult {
        let client = try makeClient()
        let workers = connections * inFlight
        let projectsForCycle = prefilled ? 1 : max(1, min(100, (backlog + 549) / 550))
        if !prefilled, scenario == "cycle" || scenario == "mixed" || scenario == "worker" {
            try await prefillDue(client, count: backlog, projects: projectsForCycle)
        }
        if !prefilled, scenario == "validate" {
            // A project of `backlog` schedules a minute apart, in the future.
            let base = SystemClock().now().adding(seconds: 86_400 * 3)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<64 {
                    group.addTask {
                        var i = w
                        while i < backlog {
                            _ = try await client.enqueue(enqueueRequest(project: "\(projectPrefix)-v", slot: i, base: base))
                            i += 64
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        // Warm-up, untimed: open every pooled connection (TLS handshake, token check) so the
        // figures describe steady state; `connections` measures connection setup on its own.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<(2 * connections) { group.addTask { _ = try await client.health() } }
            try await group.waitForAll()
        }
        // The server's CPU is counted from here: pre-fills and warm-up are not the load measured.
        let serverAtStart = ProcessSample(pid: serverPid)
        let counter = Counters()
        let deadline = ContinuousClock.now + .milliseconds(Int64(duration * 1000))
        let started = ContinuousClock.now
        let base = SystemClock().now().adding(seconds: 86_400 * 30)
        // Paced load: `rate` calls a second over all workers, each started by a permit (Pacer).
        let pacer = rate.map { Pacer(rate: $0, until: deadline) }
        let latencies = try await withThrowingTaskGroup(of: Latencies.self) { group in
            for w in 0..<workers {
                group.addTask(executorPreference: executor(client, w)) { [scenario, projectPrefix, backlog] in
                    var lat = Latencies()
                    var n = 0
                    while ContinuousClock.now < deadline {
                        // Paced: when the pacer released this call (it was due then).
                        var released: ContinuousClock.Instant?
                        if let pacer {
                            guard let at = await pacer.acquire() else { break }
                            released = at
                        }
                        let op: String
                        switch scenario {
                        case "mixed":
                            let r = (w * 7 + n * 13) % 10
                            op = r < 7 ? "enqueue" : (r < 9 ? "cycle" : "read")
                        default: op = scenario
                        }
                        let t0 = ContinuousClock.now
                        var ok = true
                        do {
                            switch op {
                            case "enqueue":
                                // Each worker has its own project: one schedule a minute per project.
                                _ = try await client.enqueue(enqueueRequest(project: "\(projectPrefix)-e\(w)", slot: n, base: base))
                            case "enqueue-batch":
                                // The same items as enqueue, `batch` of them per call, in the worker's project.
                                let items = (0..<batch).map {
                                    enqueueRequest(project: "\(projectPrefix)-e\(w)", slot: n * batch + $0, base: base)
                                }
                                let results = try await client.enqueueBatch(items).results
                                let stored = results.filter { $0.created != nil }.count
                                counter.items.add(stored, ordering: .relaxed)
                                if stored != batch { counter.errors.add(batch - stored, ordering: .relaxed) }
                            case "cycle":
                                // Round-robin over every project, so the whole backlog is reachable
                                // whatever the number of workers.
                                let project = "\(projectPrefix)-\((w + n) % projectsForCycle)"
                                let items = try await client.dequeue(
                                    SchedulerV1.DequeueRequest(
                                        projectID: project, limit: 1, leaseSeconds: 60, workerID: "bench-\(w)", start: dequeueStarts)
                                ).items
                                if let item = items.first {
                                    if !dequeueStarts {
                                        _ = try await client.start(SchedulerV1.StartRequest(projectID: project, scheduleID: item.schedule.id, leaseToken: item.leaseToken))
                                    }
                                    _ = try await client.complete(SchedulerV1.CompleteRequest(projectID: project, scheduleID: item.schedule.id, leaseToken: item.leaseToken))
                                } else {
                                    counter.empty.add(1, ordering: .relaxed)
                                    ok = false
                                }
                            case "health":
                                _ = try await client.health()
                            case "validate":
                                var v = SchedulerV1.ValidateRequest(projectID: "\(projectPrefix)-v", platforms: [Self.platforms[n % 5]])
                                let slot = (w * 7919 + n * 104_729) % max(1, backlog)
                                v.scheduledForMs = SystemClock().now().adding(seconds: 86_400 * 3 + Int64(slot) * 151).unixMilliseconds
                                v.autoResolve = true
                                _ = try await client.validate(v)
                            default:  // read
                                var l = SchedulerV1.ListRequest(projectID: "\(projectPrefix)-\(w % projectsForCycle)")
                                l.limit = 20
                                _ = try await client.list(l)
                            }
                        } catch {
                            counter.errors.add(1, ordering: .relaxed)
                            ok = false
                        }
                        if ok {
                            let end = ContinuousClock.now
                            lat.add(micros(end - t0))
                            if let released { lat.fromRelease.append(micros(end - released)) }
                        }
                        n += 1
                    }
                    return lat
                }
            }
            var all = Latencies()
            for try await l in group { all.merge(l) }
            return all
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var r = RPCResult(
            scenario: scenario, calls: Double(latencies.samples.count), seconds: seconds, latencies: latencies,
            errors: counter.errors.load(ordering: .relaxed), serverAtStart: serverAtStart)
        if scenario == "enqueue-batch" {
            // ops are the items stored; the latencies and `calls` are per EnqueueBatch call.
            r.units = Double(counter.items.load(ordering: .relaxed))
            r.extra.append(("batch", Double(batch)))
            r.extra.append(("calls_per_sec", seconds > 0 ? r.calls / seconds : 0))
        }
        if scenario == "cycle" || scenario == "mixed" { r.extra.append(("empty_dequeues", Double(counter.empty.load(ordering: .relaxed)))) }
        r.extra.append(("connections", Double(connections)))
        r.extra.append(("in_flight", Double(inFlight)))
        r.extra.append(("io_threads", Double(client.executors.count)))
        if let rate { r.extra.append(("target_rate", rate)) }
        await client.close()
        return r
    }

    // MARK: The client's work loop

    /// `worker`: connections × in-flight work loops (`SchedulerClient.work`, `concurrency` items
    /// each, a no-op publish) over the pre-filled backlog. Each loop works one project until it
    /// is drained (`stopWhenIdle`), then the next (projects w, w + loops, w + 2 × loops, … mod
    /// their number), until the deadline, when the loops are cancelled. Ops are the items handed
    /// to a handler before the deadline (those still unacknowledged then are at most loops ×
    /// concurrency); `completed` is what the server counts as COMPLETED afterwards (Stats).
    /// No latency: the loop's calls are inside the client.
    func workerLoad() async throws -> RPCResult {
        let client = try makeClient()
        let loops = connections * inFlight
        let projects = prefilled ? 1 : max(1, min(100, (backlog + 549) / 550))
        if !prefilled { try await prefillDue(client, count: backlog, projects: projects) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<(2 * connections) { group.addTask { _ = try await client.health() } }
            try await group.waitForAll()
        }
        let serverAtStart = ProcessSample(pid: serverPid)
        let counter = Counters()
        let started = ContinuousClock.now
        let deadline = started + .milliseconds(Int64(duration * 1000))
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for w in 0..<loops {
                group.addTask(executorPreference: executor(client, w)) { [projectPrefix, concurrency] in
                    var k = 0
                    while k < projects && ContinuousClock.now < deadline && !Task.isCancelled {
                        let project = "\(projectPrefix)-\((w + k * loops) % projects)"
                        k += 1
                        do {
                            try await client.work(
                                project: project, concurrency: concurrency, lease: .seconds(60), workerID: "bench-\(w)",
                                pollInterval: .milliseconds(20), stopWhenIdle: true
                            ) { _ in
                                let now = ContinuousClock.now
                                if now < deadline {
                                    counter.items.add(1, ordering: .relaxed)
                                    let d = now - started
                                    let ns = Int(d.components.seconds) * 1_000_000_000 + Int(d.components.attoseconds / 1_000_000_000)
                                    counter.lastItemNanos.max(ns, ordering: .relaxed)
                                }
                                return .published([])
                            }
                        } catch {
                            // Calls cut short by the cancellation at the deadline are not errors.
                            if !Task.isCancelled && ContinuousClock.now < deadline { counter.errors.add(1, ordering: .relaxed) }
                        }
                    }
                    return true
                }
            }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return false
            }
            // Stop at the deadline, or when every loop has run out of projects (the backlog ran dry).
            var running = loops
            while let isLoop = try await group.next() {
                if isLoop {
                    running -= 1
                    if running == 0 { group.cancelAll() }
                } else {
                    group.cancelAll()
                }
            }
        }
        let end = min(ContinuousClock.now, deadline)
        let ranDry = ContinuousClock.now < deadline
        let elapsed = end - started
        // When the backlog ran dry, up to the last item handed out.
        let seconds =
            ranDry
            ? Double(counter.lastItemNanos.load(ordering: .relaxed)) / 1e9
            : Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        // What the server recorded: COMPLETED items over the run's projects.
        var completed: Int64 = 0
        for p in 0..<projects {
            completed += (try? await client.stats(SchedulerV1.StatsRequest(projectID: "\(projectPrefix)-\(p)")).stats.completed) ?? 0
        }
        var r = RPCResult(
            scenario: "worker", calls: 0, seconds: seconds, latencies: Latencies(),
            errors: counter.errors.load(ordering: .relaxed), serverAtStart: serverAtStart)
        r.units = Double(counter.items.load(ordering: .relaxed))
        r.extra.append(("completed", Double(completed)))
        r.extra.append(("backlog_ran_dry", ranDry ? 1 : 0))
        r.extra.append(("loops", Double(loops)))
        r.extra.append(("concurrency", Double(concurrency)))
        r.extra.append(("connections", Double(connections)))
        r.extra.append(("in_flight", Double(inFlight)))
        r.extra.append(("io_threads", Double(client.executors.count)))
        await client.close()
        return r
    }

    // MARK: Idle connections

    func idleConnections() async throws -> RPCResult {
        let address = try SocketAddress.parse(server)
        let tls = TLSConfiguration.client(trustRootsFile: ca, serverName: address.host, alpnProtocols: [])
        let loop = try EventLoop(name: "bench-idle")
        loop.start()
        defer { loop.shutdown() }
        var config = tls
        config.alpnProtocols = [ALPN.protocolID]
        let context = try TLSContext(configuration: config)
        var channels: [RPCChannel] = []
        var latencies = Latencies()
        var errors = 0
        let started = ContinuousClock.now
        let deadline = started + .milliseconds(Int64(duration * 1000))
        // 16 handshakes at a time, one shared context.
        while channels.count < connections && ContinuousClock.now < deadline && errors <= 100 {
            let batch = min(16, connections - channels.count)
            let results = await withTaskGroup(of: (RPCChannel?, Double).self) { group in
                for _ in 0..<batch {
                    group.addTask {
                        let t0 = ContinuousClock.now
                        let c = try? await RPCChannel.connect(to: address, context: context, loop: loop)
                        let d = ContinuousClock.now - t0
                        return (c, micros(d))
                    }
                }
                var out: [(RPCChannel?, Double)] = []
                for await r in group { out.append(r) }
                return out
            }
            for (c, us) in results {
                if let c {
                    channels.append(c)
                    latencies.add(us)
                } else {
                    errors += 1
                }
            }
        }
        // Every connection is still usable: a health call on a sample of them.
        var healthy = 0
        for c in channels.enumerated() where c.offset % max(1, channels.count / 50) == 0 {
            let r = try? await c.element.call(method: SchedulerV1.Scheduler.Health.path, payload: SchedulerV1.HealthRequest().serializedBytes())
            if r?.code == .ok { healthy += 1 }
        }
        let elapsed = ContinuousClock.now - started
        var r = RPCResult(
            scenario: "connections", calls: Double(channels.count),
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, latencies: latencies,
            errors: errors)
        r.extra.append(("connections_held", Double(channels.count)))
        r.extra.append(("sampled_healthy", Double(healthy)))
        // Let the server settle before the RSS sample (it is taken after return).
        try await Task.sleep(for: .milliseconds(500))
        let sample = ProcessSample(pid: serverPid)
        if let s = sample { r.extra.append(("server_rss_kb_with_connections", Double(s.rssKB))) }
        for c in channels { c.abort() }
        return r
    }
}

final class Counters: Sendable {
    let errors = Atomic<Int>(0)
    let empty = Atomic<Int>(0)
    /// enqueue-batch: items stored; worker: items handed to the handler before the deadline.
    let items = Atomic<Int>(0)
    /// worker: when the last item was handed out, in nanoseconds after the start.
    let lastItemNanos = Atomic<Int>(0)
}

/// One benchmark's outcome: throughput and latency percentiles in microseconds.
struct RPCResult {
    var scenario: String
    var calls: Double
    var seconds: Double
    var latencies: Latencies
    var errors: Int
    /// The server's sample when the timed load began (after pre-fills and warm-up).
    var serverAtStart: ProcessSample? = nil
    var extra: [(String, Double)] = []
    /// What ops_per_sec counts when it is not the calls (items, for enqueue-batch and worker);
    /// reported as `items`.
    var units: Double? = nil

    var opsPerSecond: Double { seconds > 0 ? (units ?? calls) / seconds : 0 }

    /// Paced runs: the percentiles of each call's latency from when the pacer released it, so a
    /// wait for a free connection counts (no coordinated omission); nil for an unpaced run.
    var fromRelease: (p50: Double, p99: Double, p999: Double)? {
        guard !latencies.fromRelease.isEmpty else { return nil }
        let sorted = Latencies(samples: latencies.fromRelease.sorted())
        return (sorted.sortedPercentile(0.5), sorted.sortedPercentile(0.99), sorted.sortedPercentile(0.999))
    }

    var json: String {
        let sorted = Latencies(samples: latencies.samples.sorted())
        var fields = [
            "\"scenario\":\"\(scenario)\"", "\"ops_per_sec\":\(Int(opsPerSecond.rounded()))", "\"calls\":\(Int(calls))",
            "\"errors\":\(errors)", "\"p50_us\":\(BenchResult.fmt(sorted.sortedPercentile(0.5)))",
            "\"p90_us\":\(BenchResult.fmt(sorted.sortedPercentile(0.9)))", "\"p99_us\":\(BenchResult.fmt(sorted.sortedPercentile(0.99)))",
            "\"p999_us\":\(BenchResult.fmt(sorted.sortedPercentile(0.999)))", "\"seconds\":\(BenchResult.fmt(seconds))",
        ]
        if let units { fields.append("\"items\":\(Int(units))") }
        if let r = fromRelease {
            fields += ["\"p50_from_release_us\":\(BenchResult.fmt(r.p50))", "\"p99_from_release_us\":\(BenchResult.fmt(r.p99))",
                "\"p999_from_release_us\":\(BenchResult.fmt(r.p999))"]
        }
        for (k, v) in extra { fields.append("\"\(k)\":\(BenchResult.fmt(v))") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    var text: String {
        let sorted = Latencies(samples: latencies.samples.sorted())
        var t = "scenario   ops/s      p50 µs    p90 µs    p99 µs    p99.9 µs  errors\n"
        t += String(
            format: "%-10@ %-10d %-9.0f %-9.0f %-9.0f %-9.0f %d", scenario as NSString, Int(opsPerSecond.rounded()),
            sorted.sortedPercentile(0.5), sorted.sortedPercentile(0.9), sorted.sortedPercentile(0.99),
            sorted.sortedPercentile(0.999), errors)
        if let r = fromRelease {
            t += String(format: "\n  from the pacer's release: p50 %.0f  p99 %.0f  p99.9 %.0f µs", r.p50, r.p99, r.p999)
        }
        for (k, v) in extra { t += "\n  \(k): \(BenchResult.fmt(v))" }
        return t
    }
}

extension Latencies {
    /// Percentile of already sorted samples (avoids sorting once per percentile).
    func sortedPercentile(_ p: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        return samples[min(samples.count - 1, Int(Double(samples.count - 1) * p))]
    }
}

/// CPU time and RSS of a process, from /proc.
struct ProcessSample {
    var cpuSeconds: Double
    var rssKB: Int

    init?(pid: Int32?) {
        guard let pid,
            let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        else { return nil }
        // Fields after the command name (which may contain spaces) start after the last ')'.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let utime = Double(fields[11]), let stime = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        cpuSeconds = (utime + stime) / ticks
        rssKB = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
    }
}
