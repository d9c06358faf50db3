import Foundation
import PostgreSQL
import SQLite
@testable import ScheduleStore
import SchedulingCore
import TestSupport
import Testing

/// What only the PostgreSQL store has: connections that come and go, nodes that share the
/// database. (Everything else runs in the contract suites, on both backends.)
@Suite(
    "The PostgreSQL store's connections and nodes",
    .enabled(if: StoreBackend.postgresURL != nil, "SCHEDULER_TEST_POSTGRES_URL is unset (scripts/test starts a cluster)"),
    .serialized, .timeLimit(.minutes(2)))
final class PostgresStoreTests {
    let schema = "ps_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    let clock = ManualClock(t0)

    deinit {
        if let db = try? PostgreSQL.Connection(StoreBackend.postgresURL!) {
            _ = try? db.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE")
            db.close()
        }
    }

    func store(url: String = StoreBackend.postgresURL!, node: String = "n1", pool: Int = 1) throws -> PostgresStore {
        var c = StoreConfiguration(path: "")
        c.clock = clock
        c.retryJitter = 0
        var pg = PostgresStoreConfiguration(url: url)
        pg.schema = schema
        pg.poolSize = pool
        pg.nodeID = node
        pg.connectTimeoutSeconds = 2
        return try PostgresStore(configuration: c, postgres: pg)
    }

    /// Two nodes on this test's schema (node ids "a" and "b"), both closed when `body` returns.
    func withTwoNodes(pool: Int, _ body: (PostgresStore, PostgresStore) async throws -> Void) async throws {
        let a = try store(node: "a", pool: pool)
        defer { a.close() }
        let b = try store(node: "b", pool: pool)
        defer { b.close() }
        try await body(a, b)
    }

    func request(_ content: String, minutes: Int64 = 0) -> EnqueueRequest {
        EnqueueRequest(
            projectID: "p1", contentID: content, time: .instant(t0.adding(seconds: minutes * 60)), platforms: ["twitter"])
    }

    /// The test database's URL with another port (through a forwarder).
    static func url(port: Int) throws -> String {
        var c = try #require(URLComponents(string: StoreBackend.postgresURL!))
        c.port = port
        return try #require(c.string)
    }

    @Test func aRefusedDatabaseIsAClearUnavailableErrorWithoutThePassword() throws {
        let e = #expect(throws: StoreError.self) {
            _ = try self.store(url: "postgresql://someone:topsecret@127.0.0.1:1/nowhere")
        }
        #expect(e?.code == .unavailable)
        #expect(e?.message.contains("cannot connect to PostgreSQL") == true)
        #expect(e?.message.contains("127.0.0.1") == true)
        #expect(e?.message.contains("topsecret") == false, "\(e?.message ?? "")")
    }

    @Test func aLostDatabaseIsUnavailableAndTheStoreRecoversWhenItReturns() async throws {
        let target = try #require(URLComponents(string: StoreBackend.postgresURL!)?.port)
        let network = try TCPForwarder(targetPort: target)
        defer { network.stop() }
        let store = try store(url: Self.url(port: network.port))
        defer { store.close() }
        let first = try await store.enqueue(request("before"))

        network.down()
        for attempt in 0..<2 {
            let e = await storeError { _ = try await store.enqueue(self.request("during-\(attempt)", minutes: 10)) }
            #expect(e?.code == .unavailable, "\(e?.message ?? "")")
            #expect(e?.message.contains("PostgreSQL") == true)
        }
        let read = await storeError { _ = try await store.get(projectID: "p1", scheduleID: first.schedule.id) }
        #expect(read?.code == .unavailable)

        network.up()
        let after = try await store.enqueue(request("after", minutes: 20))
        #expect(try await store.get(projectID: "p1", scheduleID: first.schedule.id) == first.schedule)
        let page = try await store.list(ListRequest(projectID: "p1"))
        #expect(Set(page.items.map(\.contentID)) == ["before", "after"], "nothing of the failed calls was kept")
        #expect(after.schedule.contentID == "after")
    }

    @Test func aConnectionTheServerEndedIsReplacedBeforeTheNextCall() async throws {
        let store = try store(node: "victim")
        defer { store.close() }
        _ = try await store.enqueue(request("one"))
        let admin = try PostgreSQL.Connection(StoreBackend.postgresURL!)
        defer { admin.close() }
        let ended = try admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1",
            [.text(PostgresStore.applicationName(schema: schema, nodeID: "victim"))]
        ).first?.int(0)
        #expect(ended == 1)
        // The broken connection is found in the call's first round trip (its BEGIN, with the
        // statements that ride along), before any of it could take effect: it is replaced and
        // the call goes through.
        _ = try await store.enqueue(request("two", minutes: 10))
        #expect(try await store.list(ListRequest(projectID: "p1")).total == 2)
    }

    /// Every statement is a round trip, and on a busy machine each costs both sides a sleep and a
    /// wake-up: what the store sends without waiting (BEGIN, the project lock, writes whose
    /// result it does not read) rides with the next statement or with COMMIT.
    /// Another node's migration changes the type of a column this node's cached statements
    /// return (as migration 7 did, moving the rules onto domains): PostgreSQL then refuses those
    /// statements (0A000, "cached plan must not change result type"). The node prepares them
    /// again and the call goes on, a read (one statement) and a write (a transaction) alike.
    @Test func aNodeWhoseCachedStatementsAMigrationMadeStaleGoesOn() async throws {
        let store = try store()
        defer { store.close() }
        let first = try await store.enqueue(request("before"))
        _ = try await store.get(projectID: "p1", scheduleID: first.schedule.id)
        _ = try await store.enqueue(request("before-2", minutes: 10))

        let admin = try PostgreSQL.Connection(StoreBackend.postgresURL!)
        defer { admin.close() }
        _ = try admin.execute("SET search_path TO \(schema)")
        // A write first (its transaction meets the stale statement), then, after the type
        // changes back, a read (one statement outside a transaction).
        _ = try admin.execute("ALTER TABLE schedules ALTER COLUMN priority TYPE INTEGER")
        let written = try await store.enqueue(request("after", minutes: 20))
        _ = try await store.get(projectID: "p1", scheduleID: first.schedule.id)
        _ = try admin.execute("ALTER TABLE schedules ALTER COLUMN priority TYPE schedule_priority")
        let read = try await store.get(projectID: "p1", scheduleID: written.schedule.id)
        #expect(read.contentID == "after")
        #expect(try await store.get(projectID: "p1", scheduleID: first.schedule.id).id == first.schedule.id)
    }

    @Test func anEnqueueCostsTwoRoundTripsWithAKeyOrWithoutAndAReadOne() async throws {
        let store = try store()
        defer { store.close() }
        var keyed = request("warm")
        keyed.idempotencyKey = "k-warm"
        _ = try await store.enqueue(keyed)  // prepares the statements
        _ = try await store.enqueue(request("warm-2", minutes: 30))

        var before = try await store.roundTrips()
        keyed = request("keyed", minutes: 60)
        keyed.idempotencyKey = "k-1"
        _ = try await store.enqueue(keyed)
        // [BEGIN, lock, key lookup, same-time ids, resource count, platform count],
        // [INSERT schedule, INSERT platform, COMMIT]: 9 when each had its own.
        #expect(try await store.roundTrips() - before == 2)

        before = try await store.roundTrips()
        _ = try await store.enqueue(request("plain", minutes: 90))
        // [BEGIN, lock, same-time ids, resource count, platform count],
        // [INSERT schedule, INSERT platform, COMMIT]: 8 when each had its own.
        #expect(try await store.roundTrips() - before == 2)

        // A single read needs no transaction: Get and the Dequeue's dispatch question are one each.
        let plain = try #require(try await store.list(ListRequest(projectID: "p1")).items.first)
        _ = try await store.mayDispatch(projectID: "p1", limit: 10)  // prepares the statements
        _ = try await store.get(projectID: "p1", scheduleID: plain.id)
        before = try await store.roundTrips()
        #expect(try await store.get(projectID: "p1", scheduleID: plain.id).id == plain.id)
        #expect(try await store.mayDispatch(projectID: "p1", limit: 10))
        #expect(try await store.roundTrips() - before == 2)
    }

    /// The same keyed request sent at once to two nodes, several times each: one schedule is
    /// stored and every call is answered with it. The key lookup travels in the conflict reads'
    /// pipeline behind the project's lock (queued), so a call that waited for the lock reads the
    /// other's committed schedule. (Were the lookup ahead of the lock, calls would miss it and
    /// fail on the unique index: UNAVAILABLE.) A different request with the key is refused.
    @Test func aKeyedRequestSentToTwoNodesAtOnceIsStoredOnce() async throws {
        try await withTwoNodes(pool: 4) { a, b in
            var keyed = self.request("twice", minutes: 5)
            keyed.idempotencyKey = "k-both"
            let r = keyed
            let answers = await withTaskGroup(of: Result<EnqueueResult, StoreError>.self) { group in
                for i in 0..<16 {
                    let node = i % 2 == 0 ? a : b
                    group.addTask {
                        do throws(StoreError) { return .success(try await node.enqueue(r)) } catch { return .failure(error) }
                    }
                }
                var out: [Result<EnqueueResult, StoreError>] = []
                for await answer in group { out.append(answer) }
                return out
            }
            let stored = try await a.list(ListRequest(projectID: "p1"))
            #expect(stored.total == 1)
            let id = try #require(stored.items.first?.id)
            for answer in answers {
                switch answer {
                case .success(let result): #expect(result.schedule.id == id)
                case .failure(let e): Issue.record("a call failed: \(e)")
                }
            }
            #expect(answers.filter { (try? $0.get())?.replayed == false }.count == 1)
            var other = r
            other.contentID = "other"
            let e = await storeError { _ = try await b.enqueue(other) }
            #expect(e?.code == .alreadyExists)
        }
    }

    /// A Dequeue under an in-flight cap counts the project's live leases and claims the rows
    /// the cap leaves room for in one statement, after the project's lock: [BEGIN, lock, count
    /// and due rows], [the leases' writes, COMMIT]. At the cap it hands out nothing.
    @Test func aDequeueUnderAnInFlightCapCostsTwoRoundTrips() async throws {
        let store = try store()
        defer { store.close() }
        for i in 0..<6 { _ = try await store.enqueue(request("d\(i)", minutes: Int64(i * 10))) }
        clock.advance(seconds: 3600)
        func dequeue(_ limit: Int) async throws -> [Lease] {
            try await store.dequeue(
                DequeueRequest(projectID: "p1", limit: limit, leaseSeconds: 60, workerID: "w", maxInFlight: 3))
        }
        #expect(try await dequeue(1).count == 1)  // prepares the statements
        let before = try await store.roundTrips()
        #expect(try await dequeue(5).count == 2, "the cap leaves room for two")
        #expect(try await store.roundTrips() - before == 2)
        #expect(try await dequeue(5).isEmpty, "at the cap")
    }

    /// Acknowledgements run directly in the transaction, not in a savepoint each: an item's
    /// writes travel with the next item's first statement, and an item refused before writing
    /// (here a stale lease token) leaves nothing to undo. The others are applied; the refused one
    /// is its own result.
    @Test func acknowledgementsTakeNoSavepointEach() async throws {
        let store = try store()
        defer { store.close() }
        for i in 0..<7 { _ = try await store.enqueue(request("a\(i)", minutes: Int64(i * 10))) }
        clock.advance(seconds: 3600)
        var leases = try await store.dequeue(
            DequeueRequest(projectID: "p1", limit: 7, leaseSeconds: 600, workerID: "w", start: true))
        #expect(leases.count == 7)
        // The first two prepare the statements.
        for r in try await store.acknowledge(
            leases.prefix(2).map { .complete(projectID: "p1", scheduleID: $0.schedule.id, leaseToken: $0.token, results: []) })
        {
            _ = try r.get()
        }
        leases.removeFirst(2)
        var items: [Acknowledgement] = leases.map {
            .complete(projectID: "p1", scheduleID: $0.schedule.id, leaseToken: $0.token, results: [])
        }
        items[2] = .complete(projectID: "p1", scheduleID: leases[2].schedule.id, leaseToken: "stale", results: [])
        let before = try await store.roundTrips()
        let results = try await store.acknowledge(items)
        // Per item its load (carrying the item before it's writes) and its lease check; COMMIT
        // carries the last one's. 19 with a savepoint per item (SAVEPOINT, RELEASE).
        #expect(try await store.roundTrips() - before == 9)
        #expect(results.map { (try? $0.get()) != nil } == [true, true, false, true, true])
        for (i, lease) in leases.enumerated() {
            let status = try await store.get(projectID: "p1", scheduleID: lease.schedule.id).queueStatus
            #expect(status == (i == 2 ? .processing : .completed), "item \(i)")
        }
    }

    /// A read sees one snapshot, as SQLite's readers do: a page and its total, or Stats' counts,
    /// metrics and per-platform figures, agree while other connections commit. (Under READ
    /// COMMITTED the second count saw the other connection's DELETE: 1, then 0.)
    @Test func aReadSeesOneSnapshotWhileAnotherConnectionCommits() async throws {
        let store = try store()
        defer { store.close() }
        _ = try await store.enqueue(request("one"))
        let url = StoreBackend.postgresURL!
        let schema = self.schema
        let counts = try await store.read { db in
            let before = try db.execute("SELECT count(*) FROM schedules").first?.int(0)
            let other = try PostgreSQL.Connection(url)
            defer { other.close() }
            _ = try other.execute("DELETE FROM \(schema).schedules")  // commits at once
            let after = try db.execute("SELECT count(*) FROM schedules").first?.int(0)
            return [before, after]
        }
        #expect(counts == [1, 1])
        #expect(try await store.list(ListRequest(projectID: "p1")).total == 0, "the DELETE was committed")
    }

    @Test func thePoolsThreadsAreNamedForPsAndPerf() async throws {
        let store = try store(pool: 3)
        defer { store.close() }
        _ = try await store.enqueue(request("named"))
        let names = threadNamesOfThisProcess()
        for i in 0..<3 { #expect(names.contains("store-pg-\(i)"), "\(names.sorted())") }
    }

    @Test func applicationNamesFitPostgreSQLsLimitAndShareTheDeploymentsPrefix() {
        let long = String(repeating: "s", count: 63)
        let a = PostgresStore.applicationName(schema: long, nodeID: String(repeating: "n", count: 40))
        let b = PostgresStore.applicationName(schema: long, nodeID: "")
        #expect(a.utf8.count <= 63 && a.hasPrefix(b))
        #expect(PostgresStore.applicationName(schema: "public", nodeID: "n1") == "scheduler:public:n1")
        #expect(b != PostgresStore.applicationName(schema: long + "t", nodeID: ""))
    }

    @Test func aStartingNodeLeavesExpiredLeasesToTheReaperWhileAnotherNodeRuns() async throws {
        let a = try store(node: "a")
        let b = try store(node: "b")
        defer { b.close() }
        _ = try await a.enqueue(request("leased"))
        let lease = try #require(try await a.dequeue(DequeueRequest(projectID: "p1", leaseSeconds: 30, workerID: "w")).first)
        clock.advance(seconds: 60)
        // Node a is connected: the service never stopped, so b extends nothing.
        #expect(try await b.extendLeases(until: clock.now().adding(seconds: 120)) == 0)
        a.close()
        // Its backends end a moment after the connections close (PostgreSQL notices the socket).
        let admin = try PostgreSQL.Connection(StoreBackend.postgresURL!)
        defer { admin.close() }
        let deadline = ContinuousClock.now + .seconds(10)
        while try admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1",
            [.text(PostgresStore.applicationName(schema: schema, nodeID: "a"))]
        ).first?.int(0) != 0 {
            guard ContinuousClock.now < deadline else { Issue.record("node a's backends did not end"); break }
            try await Task.sleep(for: .milliseconds(10))
        }
        // The last node is gone: b starts alone and gives the lapsed lease its grace.
        #expect(try await b.extendLeases(until: clock.now().adding(seconds: 120)) == 1)
        let held = try await b.get(projectID: "p1", scheduleID: lease.schedule.id)
        #expect(held.queueStatus == .queued && held.leaseExpiresAt == clock.now().adding(seconds: 120))
    }

    @Test func twoNodesRollingUpTogetherStoreOneRowPerProjectAndDay() async throws {
        try await withTwoNodes(pool: 2) { a, b in
            for i in 0..<5 { _ = try await a.enqueue(self.request("c\(i)", minutes: Int64(i) * 10)) }
            async let x = a.rollupMetrics(day: t0)
            async let y = b.rollupMetrics(day: t0)
            let (fromA, fromB) = try await (x, y)
            #expect(fromA.map(\.totalQueued) == [5] && fromB.map(\.totalQueued) == [5])
            let stored = try await a.metricsHistory(projectID: "p1", from: t0.adding(seconds: -86_400), to: t0)
            #expect(stored.count == 1 && stored.first?.totalQueued == 5)
        }
    }

    /// The two schemas are written by hand, one per dialect: the same tables with the same
    /// columns, or a field would be kept by one backend and lost by the other.
    @Test func thePostgreSQLSchemaHasSQLitesTablesAndColumns() async throws {
        let pg = try store()
        pg.close()
        let f = try StoreFixture()
        let lite = try SQLite.Connection(path: f.path, mode: .readOnly)
        defer { try? lite.close() }
        var sqliteColumns: Set<String> = []
        var tables: [String] = []
        try lite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            .forEachRow { tables.append($0.string(0)) }
        for t in tables {
            try lite.prepare("SELECT name FROM pragma_table_info('\(t)')").forEachRow { sqliteColumns.insert("\(t).\($0.string(0))") }
        }
        let db = try PostgreSQL.Connection(StoreBackend.postgresURL!)
        defer { db.close() }
        let postgresColumns = Set(
            try db.execute(
                """
                SELECT table_name || '.' || column_name FROM information_schema.columns
                 WHERE table_schema = $1 AND table_name <> 'schema_migrations'
                """, [.text(schema)]
            ).map { try $0.string(0) })
        #expect(!sqliteColumns.isEmpty)
        #expect(sqliteColumns.subtracting(postgresColumns).isEmpty, "only in SQLite: \(sqliteColumns.subtracting(postgresColumns).sorted())")
        #expect(postgresColumns.subtracting(sqliteColumns).isEmpty, "only in PostgreSQL: \(postgresColumns.subtracting(sqliteColumns).sorted())")
    }

    /// The per-call queries read an index, never the whole schedules table: 5,000 schedules over 10 projects
    /// (analyzed), then every kind of call, counted by PostgreSQL's own statistics. (A platform
    /// count that filtered the project on the platform table scanned all schedules: 20× slower
    /// at 10,000 rows, and worse as the table grows.)
    @Test func theCallsReadIndexesNotWholeTables() async throws {
        let store = try store(pool: 2)
        let projects = (0..<10).map { "ix\($0)" }
        for p in projects {
            let requests = (0..<500).map { i in
                EnqueueRequest(
                    projectID: p, contentID: "c\(i)", time: .instant(t0.adding(seconds: Int64(i - 250) * 151)),
                    platforms: ["twitter"], idempotencyKey: "k\(i)")
            }
            for r in try await store.enqueueBatch(requests) { _ = try r.get() }
        }
        let admin = try PostgreSQL.Connection(StoreBackend.postgresURL!)
        defer { admin.close() }
        _ = try admin.execute("ANALYZE \(schema).schedules, \(schema).schedule_platforms, \(schema).attempts")
        func scans() throws -> [String: Int64] {
            _ = try admin.execute("SELECT pg_stat_clear_snapshot()")
            var out: [String: Int64] = [:]
            for r in try admin.execute(
                "SELECT relname, seq_scan FROM pg_stat_user_tables WHERE schemaname = $1", [.text(schema)])
            {
                out[try r.string(0)] = try r.int64(1)
            }
            return out
        }
        store.close()  // its backends exit and flush their statistics
        let before = try scans()

        let again = try self.store(pool: 2)
        let p = projects[3]
        let request = EnqueueRequest(
            projectID: p, contentID: "new", time: .instant(t0.adding(seconds: 75)), platforms: ["twitter", "linkedin"],
            idempotencyKey: "new")
        let created = try await again.enqueue(request)
        #expect(try await again.enqueue(request).replayed)
        _ = try await again.get(projectID: p, scheduleID: created.schedule.id)
        _ = try await again.checkConflicts(projectID: p, time: .instant(t0), platforms: ["twitter"])
        let leases = try await again.dequeue(
            DequeueRequest(projectID: p, limit: 5, leaseSeconds: 60, workerID: "w", maxInFlight: 50))
        #expect(leases.count == 5)
        _ = try await again.acknowledge(
            leases.map { .complete(projectID: p, scheduleID: $0.schedule.id, leaseToken: $0.token, results: []) })
        _ = try await again.history(projectID: p, scheduleID: leases[0].schedule.id)
        _ = try await again.reapExpiredLeases()
        _ = try await again.expireMissedWindows()
        _ = try await again.list(ListRequest(projectID: p, queueStatus: .pending))
        _ = try await again.list(ListRequest(projectID: p, page: 3))
        _ = try await again.dispatchingProjects()
        again.close()

        let after = try scans()
        // A project's page by time reads the index in order: no sort of the project's rows.
        let list = ListQuery(ListRequest(projectID: p, page: 3), platform: nil, postgres: true)
        _ = try admin.execute("SET search_path TO \(schema)")
        _ = try admin.execute("PREPARE page AS \(list.pageSQL)")
        let plan = try admin.execute("EXPLAIN EXECUTE page('\(p)', 40)").map { try $0.string(0) }
        #expect(!plan.contains { $0.contains("Sort") }, "\(plan)")
        #expect(plan.contains { $0.contains("schedules_project_time") }, "\(plan)")
        // `schedules` only: for the small side tables here (5,000 platform rows, a few attempts)
        // a scan is the planner's cheaper choice, and it switches to their indexes as they grow.
        #expect(after["schedules", default: 0] - before["schedules", default: 0] == 0, "sequential scans of schedules")
    }

    /// A store on a fresh schema, and an administrator's connection; autovacuum leaves the
    /// schedules table alone (neither VACUUM nor ANALYZE), so a test sees only what the store does.
    func storeWithoutAutovacuum() throws -> (PostgresStore, PostgreSQL.Connection) {
        let store = try store()
        do {
            let admin = try PostgreSQL.Connection(StoreBackend.postgresURL!)
            _ = try admin.execute("ALTER TABLE \(schema).schedules SET (autovacuum_enabled = false)")
            return (store, admin)
        } catch {
            store.close()
            throw error
        }
    }

    /// Dequeue asks on every call whether the project may lease (``PostgresStore/mayDispatchSQL``),
    /// and for a project without a live lease, whether fewer than N projects hold one. That must
    /// cost a few index seeks: not a read of every live lease of the deployment, nor of every
    /// lease finished since the last VACUUM (a plan made while the table was young once read
    /// them all, in a bitmap scan, on every Dequeue of an idle project).
    @Test func theDispatchQuestionReadsAFewEntriesNotEveryLease() async throws {
        // No VACUUM during the test: it would remove the finished leases' entries itself.
        let (store, admin) = try storeWithoutAutovacuum()
        defer {
            store.close()
            admin.close()
        }
        _ = try admin.execute("SET search_path TO \(schema)")
        _ = try admin.execute("SET plan_cache_mode = force_generic_plan")
        _ = try admin.execute("PREPARE dispatch(text, bigint, bigint) AS \(PostgresStore.mayDispatchSQL)")
        // The plan is made now, on the young table, and kept by the prepared statement.
        _ = try admin.execute("EXECUTE dispatch('idle', 0, 10)")

        // 500 leases finished in one project; 200 live in each of three others.
        let projects = ["busy", "busy", "busy", "busy", "busy", "l1", "l1", "l2", "l2", "l3", "l3"]
        for (batch, project) in projects.enumerated() {
            let requests = (0..<100).map { i in
                EnqueueRequest(
                    projectID: project, contentID: "c\(batch)-\(i)",
                    time: .instant(t0.adding(seconds: Int64(batch % 5 * 100 + i) * 60)), platforms: ["twitter"])
            }
            for r in try await store.enqueueBatch(requests) { _ = try r.get() }
        }
        clock.advance(seconds: 500 * 60)
        func lease(_ project: String) async throws -> [Lease] {
            let leases = try await store.dequeue(
                DequeueRequest(projectID: project, limit: 100, leaseSeconds: 600, workerID: "w", maxInFlight: 1000))
            #expect(leases.count == 100)
            return leases
        }
        for _ in 0..<5 {
            for r in try await store.acknowledge(
                try await lease("busy").map {
                    .complete(projectID: "busy", scheduleID: $0.schedule.id, leaseToken: $0.token, results: [])
                })
            {
                _ = try r.get()
            }
        }
        for project in ["l1", "l2", "l3"] {
            _ = try await lease(project)
            _ = try await lease(project)
        }
        #expect(try await store.dispatchingProjects() == ["l1", "l2", "l3"])
        #expect(try await store.mayDispatch(projectID: "idle", limit: 4))
        #expect(!(try await store.mayDispatch(projectID: "idle", limit: 3)))
        #expect(try await store.mayDispatch(projectID: "l2", limit: 1))

        func blocksRead(_ limit: Int) throws -> Int {
            let now = clock.now().unixMilliseconds
            let plan = try admin.execute(
                "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE dispatch('idle', \(now), \(limit))")
            let json = try JSONSerialization.jsonObject(with: Data(try #require(plan.first).string(0).utf8))
            let top = try #require(((json as? [[String: Any]])?.first?["Plan"]) as? [String: Any])
            return try #require(top["Shared Hit Blocks"] as? Int) + (top["Shared Read Blocks"] as? Int ?? 0)
        }
        _ = try blocksRead(2)  // the first pass may still meet the finished leases' entries
        // 1,100 rows span ~60 heap pages, the 600 live leases alone ~30 (the statement before
        // this one read 31 with the index `schedules_live_leases`, 84 without it).
        for limit in [2, 10] {
            let read = try blocksRead(limit)
            #expect(read < 20, "\(read) blocks read to count the dispatching projects up to \(limit)")
        }
    }

    /// A new deployment's tables have no planner statistics until autovacuum's first pass, and a
    /// plan made without them is kept by each pooled connection (the idempotency-key lookup then
    /// walked the whole project). The maintenance pass's `analyzeGrownTables` analyzes a table
    /// grown past the threshold with none, once; the lookup is then planned on its unique index.
    @Test func aGrownTableWithoutStatisticsIsAnalyzedOnceAndTheKeyLookupUsesItsIndex() async throws {
        // Only the store analyzes here: autovacuum would give the table statistics on its own.
        let (store, admin) = try storeWithoutAutovacuum()
        defer {
            store.close()
            admin.close()
        }
        #expect(try await store.analyzeGrownTables() == [], "nothing has grown yet")

        let requests = (0..<300).map { i in
            EnqueueRequest(
                projectID: "p1", contentID: "c\(i)", time: .instant(t0.adding(seconds: Int64(i) * 60)),
                platforms: ["twitter"], idempotencyKey: "k\(i)")
        }
        for batch in stride(from: 0, to: requests.count, by: 100) {
            for r in try await store.enqueueBatch(Array(requests[batch..<batch + 100])) { _ = try r.get() }
        }
        func statistics() throws -> Double {
            try admin.execute(
                "SELECT reltuples FROM pg_class WHERE oid = $1::regclass", [.text("\(schema).schedules")]
            ).first?.double(0) ?? -1
        }
        #expect(try statistics() <= 0, "no statistics before the pass")

        let analyzed = try await store.analyzeGrownTables()
        #expect(analyzed.contains("schedules"), "\(analyzed)")
        #expect(try statistics() == 300)
        #expect(try await store.analyzeGrownTables() == [], "once")

        _ = try admin.execute("SET search_path TO \(schema)")
        _ = try admin.execute("SET plan_cache_mode = force_generic_plan")
        _ = try admin.execute("PREPARE lookup(text, text) AS SELECT id FROM schedules WHERE project_id = $1 AND idempotency_key = $2")
        let plan = try admin.execute("EXPLAIN EXECUTE lookup('p1', 'k7')").map { try $0.string(0) }
        #expect(plan.contains { $0.contains("schedules_idempotency") }, "\(plan)")
        #expect(try await store.enqueue(requests[7]).replayed)
    }
}
