import Foundation
import SchedulerClient
import Synchronization
import TestSupport
import Testing
import WireProtocol

private typealias V1 = SchedulerV1

private let pgURL = ProcessInfo.processInfo.environment["SCHEDULER_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

/// Several schedulerd processes on one PostgreSQL database (issue 15): started together in one
/// dev-mode directory, so they share its CA, certificates and token file, with their tables in a
/// schema of the test's own.
final class Cluster: @unchecked Sendable {
    // Set once in init; `nodes` entries are only read after.
    let dir: URL
    let schema = "mn_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    var nodes: [ServerProcess] = []
    var ports: [Int] = []

    init(nodes count: Int, extraArguments: [String] = []) async throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let arguments =
            ["--store", "postgres", "--postgres-url", pgURL!, "--postgres-schema", schema, "--postgres-pool-size", "6"]
            + extraArguments
        // All at once: dev mode's files and the schema's migration are each made by one of them.
        nodes = try await withThrowingTaskGroup(of: (Int, ServerProcess).self) { group in
            for i in 0..<count {
                group.addTask { (i, try await ServerProcess.start(dir: self.dir, arguments: arguments)) }
            }
            var out: [(Int, ServerProcess)] = []
            for try await n in group { out.append(n) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
        for n in nodes { ports.append(try await n.port()) }
    }

    /// A client of node `i` (dev CA and admin token), not retrying: the tests see every failure.
    func client(_ i: Int, timeout: Duration = .seconds(120)) throws -> SchedulerClient {
        var config = try nodes[i].client().configuration
        config.address = "127.0.0.1:\(ports[i])"
        config.defaultTimeout = timeout
        return try SchedulerClient(configuration: config)
    }

    /// Runs `body` with a cluster of `count` nodes, stopped afterwards whether `body` throws or not.
    static func with<T>(nodes count: Int, _ body: (Cluster) async throws -> T) async throws -> T {
        let cluster = try await Cluster(nodes: count)
        do {
            let value = try await body(cluster)
            await cluster.stop()
            return value
        } catch {
            await cluster.stop()
            throw error
        }
    }

    /// A cluster dropped without ``stop()`` (a test that crashed) still kills its processes.
    deinit {
        for n in nodes where n.process.isRunning { kill(n.process.processIdentifier, SIGKILL) }
    }

    func stop() async {
        for n in nodes where n.process.isRunning {
            kill(n.process.processIdentifier, SIGTERM)
            if await n.waitForExit(seconds: 20) == nil { kill(n.process.processIdentifier, SIGKILL) }
        }
        try? FileManager.default.removeItem(at: dir)
        // The schema goes with the cluster's throwaway database; dropping it here would need a
        // connection of our own for nothing.
    }
}

/// Set once, by the worker that kills the victim.
final class KillSwitch: Sendable {
    private let value = Atomic<Bool>(false)
    var done: Bool { value.load(ordering: .acquiring) }
    /// True for the one caller that flips it.
    func claim() -> Bool { value.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged }
}

/// What the workers did, shared by their tasks.
final class Ledger: Sendable {
    private let state = Mutex<(completed: [String: Int], abandoned: Set<String>, errors: [String])>(([:], [], []))

    func completed(_ id: String) { state.withLock { $0.completed[id, default: 0] += 1 } }
    func abandoned(_ ids: [String]) { state.withLock { $0.abandoned.formUnion(ids) } }
    func error(_ text: String) { state.withLock { $0.errors.append(text) } }
    var completedCount: Int { state.withLock { $0.completed.count } }
    var snapshot: (completed: [String: Int], abandoned: Set<String>, errors: [String]) { state.withLock { $0 } }
}

@Suite(
    "Several schedulerd nodes on one PostgreSQL",
    .enabled(if: pgURL != nil, "SCHEDULER_TEST_POSTGRES_URL is unset (scripts/test starts a cluster)"),
    .serialized, .timeLimit(.minutes(5)))
struct MultiNodeTests {
    static let projects = (0..<20).map { "mn\($0)" }

    @Test("16 workers over 3 nodes complete 10,000 items exactly once; a node killed -9 mid-run loses nothing acknowledged")
    func sixteenWorkersThreeNodesExactlyOnceThroughAKill() async throws {
        try await Cluster.with(nodes: 3) { cluster in
            let clients = try (0..<3).map { try cluster.client($0) }

            // 10,000 due items: 500 in each of 20 projects, 151 s apart in the past (clear of the
            // per-slot capacity and the hourly limits), each project's batch sent to another node.
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (k, project) in Self.projects.enumerated() {
                    group.addTask {
                        var items: [V1.EnqueueRequest] = []
                        for i in 0..<500 {
                            let at: Int64 = now - Int64(i + 1) * 151_000
                            items.append(
                                V1.EnqueueRequest(
                                    projectID: project, contentID: "c\(i)", scheduledForMs: at, platforms: ["twitter"],
                                    priority: Int32(i % 10 + 1)))
                        }
                        let response = try await clients[k % 3].enqueueBatch(items)
                        #expect(response.results.allSatisfy { $0.created != nil }, "\(response.results.compactMap(\.error).prefix(3))")
                    }
                }
                try await group.waitForAll()
            }
            let ledger = Ledger()
            let victim = 2
            let killed = KillSwitch()
            let deadline = ContinuousClock.now + .seconds(200)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<16 {
                    group.addTask {
                        var node = w % 3
                        var idle = 0
                        while ledger.completedCount < 10_000 && ContinuousClock.now < deadline {
                            if node == victim && killed.done { node = (node + 1) % 3 }
                            var got = 0
                            for p in 0..<Self.projects.count {
                                let project = Self.projects[(p + w) % Self.projects.count]
                                let items: [V1.DequeuedItem]
                                do {
                                    items = try await clients[node].dequeue(
                                        V1.DequeueRequest(projectID: project, limit: 25, leaseSeconds: 3, workerID: "w\(w)")
                                    ).items
                                } catch {
                                    guard node == victim && killed.done else { throw error }
                                    break  // its node is gone: take the next one
                                }
                                if items.isEmpty { continue }
                                got += items.count
                                // Past 3,000 completions, a worker of the victim kills it while holding
                                // these leases, and drops them: never acknowledged anywhere, they must
                                // come back to the queue when their leases lapse.
                                if node == victim && ledger.completedCount >= 3_000 && killed.claim() {
                                    kill(cluster.nodes[victim].process.processIdentifier, SIGKILL)
                                    ledger.abandoned(items.map(\.schedule.id))
                                    break
                                }
                                let acks = items.map {
                                    V1.Acknowledgement.complete(
                                        V1.CompleteRequest(projectID: project, scheduleID: $0.schedule.id, leaseToken: $0.leaseToken))
                                }
                                let response: V1.AcknowledgeResponse
                                do {
                                    response = try await clients[node].acknowledge(acks)
                                } catch {
                                    guard node == victim && killed.done else { throw error }
                                    // The node died with this call in flight: it may have committed
                                    // or not. A worker repeats it on another node; a Complete under
                                    // the same lease token gets its first answer.
                                    response = try await clients[(victim + 1) % 3].acknowledge(acks)
                                }
                                for (item, result) in zip(items, response.results) {
                                    if result.completed != nil {
                                        ledger.completed(item.schedule.id)
                                    } else if result.error?.code == .failedPrecondition && node == victim {
                                        // Its lease lapsed before the repeat and another worker has it.
                                    } else {
                                        ledger.error("\(item.schedule.id): \(result.error.map { "\($0.code) \($0.message)" } ?? "?")")
                                    }
                                }
                            }
                            if got == 0 {
                                // Nothing due: the abandoned items wait for their leases to run out.
                                idle += 1
                                try await Task.sleep(for: .milliseconds(min(200, 10 * idle)))
                            } else {
                                idle = 0
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let result = ledger.snapshot
            let wasKilled = killed.done
            #expect(wasKilled, "the victim was killed mid-run")
            #expect(!result.abandoned.isEmpty, "the victim held leases when it died")
            #expect(result.errors.isEmpty, "\(result.errors.prefix(5))")
            #expect(result.completed.count == 10_000)
            #expect(result.completed.values.allSatisfy { $0 == 1 }, "every item completed exactly once")
            #expect(result.abandoned.allSatisfy { result.completed[$0] == 1 }, "leased items of the dead node came back")
            // Nothing acknowledged is lost: the database agrees, read through a surviving node.
            var completed = 0
            for project in Self.projects {
                let stats = try await clients[0].stats(V1.StatsRequest(projectID: project))
                completed += Int(stats.stats.completed)
                #expect(stats.stats.pending == 0 && stats.stats.queued == 0 && stats.stats.processing == 0)
            }
            #expect(completed == 10_000)
        }
    }

    @Test("50 concurrent enqueues for one slot over 3 nodes: exactly 5 accepted; with auto-resolve all land, never more than 5 in a slot")
    func capacityHoldsAcrossNodes() async throws {
        try await Cluster.with(nodes: 3) { cluster in
            let clients = try (0..<3).map { try cluster.client($0) }
            let slot = Int64(Date().timeIntervalSince1970 * 1000) / 3_600_000 * 3_600_000 + 48 * 3_600_000

            func race(project: String, autoResolve: Bool) async throws -> [V1.EnqueueResponse?] {
                try await withThrowingTaskGroup(of: V1.EnqueueResponse?.self) { group in
                    for i in 0..<50 {
                        group.addTask {
                            var r = V1.EnqueueRequest(
                                projectID: project, contentID: "c\(i)", scheduledForMs: slot, platforms: ["linkedin"])
                            r.autoResolve = autoResolve
                            do {
                                return try await clients[i % 3].enqueue(r)
                            } catch let e as SchedulerError where e.code == .failedPrecondition {
                                return nil
                            }
                        }
                    }
                    var out: [V1.EnqueueResponse?] = []
                    for try await r in group { out.append(r) }
                    return out
                }
            }

            let plain = try await race(project: "cap", autoResolve: false)
            #expect(plain.compactMap { $0 }.count == 5, "exactly five accepted")
            #expect(plain.compactMap { $0 }.allSatisfy { $0.schedule.scheduledForMs == slot })

            let moved = try await race(project: "cap-auto", autoResolve: true)
            let accepted = moved.compactMap { $0 }
            #expect(accepted.count == 50, "auto-resolve finds each a free slot")
            let times = accepted.map(\.schedule.scheduledForMs).sorted()
            // The capacity rule: at most 5 schedules within any 2.5-minute window.
            for (i, t) in times.enumerated() {
                let inWindow = times[i...].prefix { $0 - t < 150_000 }.count
                #expect(inWindow <= 5, "more than 5 within 2.5 minutes from \(t)")
            }
            #expect(times.filter { $0 == slot }.count == 5)
        }
    }

    @Test("a token revoked on one node's token file is refused by every node within seconds")
    func revocationReachesEveryNode() async throws {
        try await Cluster.with(nodes: 2) { cluster in
            let file = cluster.dir.appendingPathComponent(".scheduler/tokens.json").path
            let created = try await CLI.runAsync(
                ["token", "create", "--project", "shared", "--tokens", file], binary: ServerProcess.binary)
            #expect(created.status == 0, "\(created.stderr)")
            let token = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let id = "tok_" + token.split(separator: "_")[1]
            let clients = try (0..<2).map { i -> SchedulerClient in
                var config = try cluster.client(i).configuration
                config.token = token
                return try SchedulerClient(configuration: config)
            }
            for c in clients { _ = try await c.stats(V1.StatsRequest(projectID: "shared")) }

            let revoked = try await CLI.runAsync(["token", "revoke", id, "--tokens", file], binary: ServerProcess.binary)
            #expect(revoked.status == 0, "\(revoked.stderr)")
            // Each node re-reads the file when it changed, checking at most once a second.
            let deadline = ContinuousClock.now + .seconds(10)
            for (i, c) in clients.enumerated() {
                var refused = false
                while !refused && ContinuousClock.now < deadline {
                    do {
                        _ = try await c.stats(V1.StatsRequest(projectID: "shared"))
                        try await Task.sleep(for: .milliseconds(100))
                    } catch let error as SchedulerError {
                        #expect(error.code == .unauthenticated, "node \(i): \(error)")
                        refused = true
                    }
                }
                #expect(refused, "node \(i) still accepts the revoked token")
            }
        }
    }

    @Test("a node that cannot reach PostgreSQL at start-up exits with a clear error and never prints the password")
    func unreachableDatabaseAtStart() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pg-down-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let node = try await ServerProcess.start(
            dir: dir, arguments: ["--store", "postgres", "--postgres-url", "postgresql://someone:topsecret@127.0.0.1:1/nowhere"])
        let status = await node.waitForExit(seconds: 30)
        #expect(status == 1)
        #expect(node.output.contains("cannot connect to PostgreSQL"), "\(node.output)")
        #expect(!node.output.contains("topsecret"))

        let bad = try await CLI.runAsync(["serve", "--store", "postgres"], directory: dir, binary: ServerProcess.binary)
        #expect(bad.status == 2 && bad.stderr.contains("--postgres-url"), "\(bad.stderr)")
    }
}
