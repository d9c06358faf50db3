import Dispatch
import Foundation
import PostgreSQL
@testable import ScheduleStore
import SchedulingCore
import Synchronization
import Testing

private let pgURL = ProcessInfo.processInfo.environment["SCHEDULER_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

/// The workflow on PostgreSQL's repository (issue 15, the backend's first part): the same
/// operations as on SQLite, several connections standing for several nodes.
@Suite(
    "The workflow on PostgreSQL", .enabled(if: pgURL != nil, "SCHEDULER_TEST_POSTGRES_URL is unset (scripts/test starts a cluster)"),
    .timeLimit(.minutes(2)))
final class PostgresRepositoryTests {
    /// Every test in its own schema, dropped at the end.
    let schema = "wf_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    let clock = ManualClock(t0)
    var config: StoreConfiguration

    init() throws {
        config = StoreConfiguration(path: "")
        config.clock = clock
        config.retryJitter = 0
        let db = try connect()
        defer { db.close() }
        _ = try db.execute("CREATE SCHEMA \(schema)")
        _ = try db.execute("SET search_path TO \(schema)")
        try PostgresSchema.migrate(db)
    }

    deinit {
        if let db = try? PostgreSQL.Connection(pgURL!) {
            _ = try? db.execute("DROP SCHEMA \(schema) CASCADE")
            db.close()
        }
    }

    /// A node's connection, in this test's schema.
    func connect() throws -> PostgreSQL.Connection { try Self.connect(schema) }

    static func connect(_ schema: String) throws -> PostgreSQL.Connection {
        let db = try PostgreSQL.Connection(pgURL!)
        _ = try db.execute("SET search_path TO \(schema)")
        return db
    }

    func request(_ content: String, minutes: Int64 = 0, recurrence: RecurrenceSpec? = nil) -> EnqueueRequest {
        Self.request(content, minutes: minutes, recurrence: recurrence)
    }

    static func request(_ content: String, minutes: Int64 = 0, recurrence: RecurrenceSpec? = nil) -> EnqueueRequest {
        EnqueueRequest(
            projectID: "p1", contentID: content, time: .instant(t0.adding(seconds: minutes * 60)), platforms: ["twitter"],
            recurrence: recurrence)
    }

    @Test func migrationsRunOnceAndConcurrentStartsWaitForEachOther() throws {
        let versions = Mutex<[Int64]>([])
        let schema = self.schema
        DispatchQueue.concurrentPerform(iterations: 3) { _ in
            guard let db = try? Self.connect(schema) else { return }
            defer { db.close() }
            try? PostgresSchema.migrate(db)
            if let n = try? db.execute("SELECT count(*) FROM schema_migrations").first?.int64(0) {
                versions.withLock { $0.append(n) }
            }
        }
        let all = Int64(PostgresSchema.migrations.count)
        #expect(versions.withLock { $0 } == [all, all, all])
    }

    @Test func enqueueDequeueCompleteAndARepeatedCompleteOnPostgreSQL() throws {
        let db = try connect()
        defer { db.close() }
        let created = try PostgresRepository.transaction(on: db, config: config, lockingProject: "p1") {
            try $0.enqueue(request("daily", recurrence: .rrule("FREQ=DAILY;COUNT=2")))
        }
        #expect(created.schedule.queueStatus == .pending && created.schedule.platforms == ["TWITTER"])
        let replay = try PostgresRepository.transaction(on: db, config: config, lockingProject: "p1") { repo in
            var r = request("keyed")
            r.idempotencyKey = "k1"
            let first = try repo.enqueue(r)
            return (first, try repo.enqueue(r))
        }
        #expect(replay.1.replayed && replay.1.schedule.id == replay.0.schedule.id)

        let leases = try PostgresRepository.transaction(on: db, config: config, lockingProject: "p1") {
            try $0.dequeue(DequeueRequest(projectID: "p1", limit: 10, leaseSeconds: 60, workerID: "w1", start: true))
        }
        #expect(Set(leases.map(\.schedule.id)) == [created.schedule.id, replay.0.schedule.id])
        let lease = try #require(leases.first { $0.schedule.id == created.schedule.id })
        let done = try PostgresRepository.transaction(on: db, config: config, lockingProject: "p1") {
            try $0.complete(project: "p1", id: lease.schedule.id, token: lease.token, results: [])
        }
        #expect(done.schedule.queueStatus == .completed)
        let next = try #require(done.nextOccurrence)
        #expect(next.scheduledFor == t0.adding(seconds: 86_400))
        let again = try PostgresRepository.transaction(on: db, config: config, lockingProject: "p1") {
            try $0.complete(project: "p1", id: lease.schedule.id, token: lease.token, results: [])
        }
        #expect(again == done, "a repeated Complete gets the original answer")
        // A bad item of a batch is its own error; the others are stored.
        let batch = try PostgresRepository.transaction(on: db, config: config, lockingProject: "p1") {
            try $0.enqueueBatch([self.request("b1", minutes: 30), EnqueueRequest(
                projectID: "p1", contentID: "b2", time: .instant(t0), platforms: ["myspace"]), self.request("b3", minutes: 40)])
        }
        #expect(batch.map { (try? $0.get()) != nil } == [true, false, true])
    }

    /// Ten nodes race to store a post in a slot with room for five: the project's advisory lock
    /// serializes the checks, so exactly five are accepted and the others see them.
    @Test func nodesNeverBothAcceptTheSixthPostOfAFullSlot() throws {
        let outcomes = Mutex<[Bool]>([])
        let (schema, config) = (self.schema, self.config)
        // Every node connected before any starts, and each holds its transaction open a moment
        // after its checks (as a busy node would), so without the lock all ten would check an
        // empty slot together and all commit.
        let nodes = Nodes(try (0..<10).map { _ in try Self.connect(schema) })
        defer { nodes.connections.forEach { $0.close() } }
        DispatchQueue.concurrentPerform(iterations: 10) { i in
            let db = nodes.connections[i]
            let accepted: Bool
            do {
                _ = try PostgresRepository.transaction(on: db, config: config, lockingProject: "p1") { repo in
                    let created = try repo.enqueue(Self.request("race-\(i)"))
                    _ = try db.execute("SELECT pg_sleep(0.05)")
                    return created
                }
                accepted = true
            } catch {
                accepted = false
            }
            outcomes.withLock { $0.append(accepted) }
        }
        let results = outcomes.withLock { $0 }
        #expect(results.count == 10)
        #expect(results.filter { $0 }.count == 5)
    }

    /// Four nodes' workers drain 40 due items at once: every item is leased exactly once.
    @Test func aLeaseIsNeverHeldByTwoWorkers() throws {
        let setup = try connect()
        defer { setup.close() }
        for i in 0..<40 {
            var r = request("due-\(i)", minutes: Int64(-i))
            r.platforms = ["facebook"]
            _ = try PostgresRepository.transaction(on: setup, config: config, lockingProject: nil) {
                try $0.insert(
                    Rows.Row(
                        schedule: try $0.enqueueSchedule(r), leaseToken: nil, fingerprint: nil, recurrenceKind: nil,
                        recurrenceText: nil, recurrenceStart: nil, expiresAt: nil))
            }
        }
        let leased = Mutex<[String]>([])
        let (schema, config) = (self.schema, self.config)
        DispatchQueue.concurrentPerform(iterations: 4) { w in
            guard let db = try? Self.connect(schema) else { return }
            defer { db.close() }
            // No project lock: SKIP LOCKED alone keeps two workers off one item.
            while let got = try? PostgresRepository.transaction(on: db, config: config, lockingProject: nil, {
                try $0.dequeue(DequeueRequest(projectID: "p1", limit: 3, leaseSeconds: 60, workerID: "w\(w)"))
            }), !got.isEmpty {
                leased.withLock { $0 += got.map(\.schedule.id) }
            }
        }
        let ids = leased.withLock { $0 }
        #expect(ids.count == 40)
        #expect(Set(ids).count == 40, "no item leased twice")
    }
}

/// Connections handed to concurrent iterations. `@unchecked Sendable`: iteration i uses element i
/// only, so no connection is ever used by two threads.
private final class Nodes: @unchecked Sendable {
    let connections: [PostgreSQL.Connection]
    init(_ connections: [PostgreSQL.Connection]) { self.connections = connections }
}

extension PostgresRepository {
    /// A schedule as enqueue would build it, without the conflict checks (test fixtures only:
    /// forty items at nearly the same time would be refused by the capacity rule).
    fileprivate func enqueueSchedule(_ req: EnqueueRequest) throws -> Schedule {
        guard case .instant(let at) = req.time else { preconditionFailure("fixtures use instants") }
        let now = self.now
        return Schedule(
            id: IDs.make("sch_", now: now), contentID: req.contentID, projectID: req.projectID, scheduledFor: at,
            localTime: try zone("UTC").localDateTime(at: at), timeZone: "UTC", nominalTime: at,
            platforms: try platforms(req.platforms, project: req.projectID), publishedPlatforms: [], priority: 5,
            queueStatus: .pending, status: .scheduled, queuedAt: nil, processingAt: nil, publishedAt: nil,
            isRecurring: false, recurringPattern: nil, recurringConfig: nil, recurrence: nil, recurringUntil: nil,
            seriesID: nil, retryCount: 0, maxRetries: 3, retryDelaySeconds: 300, publishDelaySeconds: 0,
            externalJobID: nil, leaseOwner: nil, leaseExpiresAt: nil, attemptCount: 0, leaseLossPolicy: .holdOutcomeUnknown,
            expiryWindowSeconds: nil, failureReason: nil, notes: nil, metadataJSON: nil, idempotencyKey: nil,
            createdAt: now, updatedAt: now)
    }
}
