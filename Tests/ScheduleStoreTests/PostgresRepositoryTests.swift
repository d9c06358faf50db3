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

    /// Migration 7: the tables' rules are carried by domain types (no CHECK constraint is left
    /// on the tables a call writes: PostgreSQL re-reads those for every INSERT and UPDATE), and
    /// the database still refuses every value they forbid and takes every value they allow.
    @Test func theRulesLiveInDomainsAndStillRefuseWhatTheyForbid() throws {
        let db = try connect()
        defer { db.close() }
        let checks = try db.execute(
            """
            SELECT count(*) FROM pg_constraint WHERE contype = 'c' AND conrelid IN
                ('schedules'::regclass, 'attempts'::regclass, 'attempt_results'::regclass, 'schedule_conflicts'::regclass)
            """)
        #expect(try checks.first?.int64(0) == 0)
        let id = try PostgresRepository.transaction(on: db, config: config, lockingProject: "p1") {
            try $0.enqueue(request("rules"))
        }.schedule.id
        try Self.expectRefusals(on: db, scheduleID: id)
        do {
            try db.transaction {
                for status in Schema.queueStatuses.split(separator: ",") {
                    _ = try db.execute("UPDATE schedules SET queue_status = \(status) WHERE id = $1", [.text(id)])
                }
                for status in Schema.scheduleStatuses.split(separator: ",") {
                    _ = try db.execute("UPDATE schedules SET status = \(status) WHERE id = $1", [.text(id)])
                }
                for pattern in ["'daily'", "'weekly'", "'monthly'", "'custom'", "NULL"] {
                    _ = try db.execute("UPDATE schedules SET recurring_pattern = \(pattern) WHERE id = $1", [.text(id)])
                }
                _ = try db.execute(
                    "UPDATE schedules SET priority = 10, retry_count = 0, expiry_window = NULL, is_recurring = 1 WHERE id = $1",
                    [.text(id)])
                throw RolledBack()
            }
        } catch is RolledBack {}
    }

    struct RolledBack: Error {}

    /// Each statement breaks one rule; each is refused as a check violation.
    static func expectRefusals(on db: PostgreSQL.Connection, scheduleID id: String) throws {
        for sql in [
            "UPDATE schedules SET queue_status = 'LOST' WHERE id = $1",
            "UPDATE schedules SET status = 'GONE' WHERE id = $1",
            "UPDATE schedules SET priority = 11 WHERE id = $1",
            "UPDATE schedules SET priority = 0 WHERE id = $1",
            "UPDATE schedules SET is_recurring = 2 WHERE id = $1",
            "UPDATE schedules SET recurring_pattern = 'hourly' WHERE id = $1",
            "UPDATE schedules SET recurrence_kind = 'ICAL' WHERE id = $1",
            "UPDATE schedules SET retry_count = -1 WHERE id = $1",
            "UPDATE schedules SET max_retries = -1 WHERE id = $1",
            "UPDATE schedules SET retry_delay = -1 WHERE id = $1",
            "UPDATE schedules SET publish_delay = -1 WHERE id = $1",
            "UPDATE schedules SET lease_loss_policy = 'DROP' WHERE id = $1",
            "UPDATE schedules SET expiry_window = 0 WHERE id = $1",
            """
            INSERT INTO attempts (schedule_id, attempt, project_id, worker_id, idempotency_key, due_at, dequeued_at, outcome)
                VALUES ($1, 99, 'p1', 'w', 'k', 0, 0, 'DONE')
            """,
            """
            INSERT INTO attempts (schedule_id, attempt, project_id, worker_id, idempotency_key, due_at, dequeued_at, ended_by)
                VALUES ($1, 99, 'p1', 'w', 'k', 0, 0, 'CANCEL')
            """,
            """
            INSERT INTO attempts (schedule_id, attempt, project_id, worker_id, idempotency_key, due_at, dequeued_at, confirmed)
                VALUES ($1, 99, 'p1', 'w', 'k', 0, 0, 'MAYBE')
            """,
            "INSERT INTO attempt_results (schedule_id, attempt, platform, success, reported_at) VALUES ($1, 1, 'TWITTER', 2, 0)",
            """
            INSERT INTO schedule_conflicts (id, project_id, schedule1_id, conflict_type, conflict_time, conflict_reason, severity)
                VALUES ($1, 'p1', $1, 'OVERLAP', 0, 'r', 'INFO')
            """,
            """
            INSERT INTO schedule_conflicts (id, project_id, schedule1_id, conflict_type, conflict_time, conflict_reason, severity)
                VALUES ($1, 'p1', $1, 'SAME_TIME', 0, 'r', 'FATAL')
            """,
            """
            INSERT INTO schedule_conflicts (id, project_id, schedule1_id, conflict_type, conflict_time, conflict_reason, severity, resolved)
                VALUES ($1, 'p1', $1, 'SAME_TIME', 0, 'r', 'INFO', 3)
            """,
        ] {
            do {
                _ = try db.execute(sql, [.text(id)])
                Issue.record("accepted: \(sql)")
            } catch {
                #expect(error.code == .checkViolation, "\(sql): \(error)")
            }
        }
    }

    /// A database at version 6 (CHECK constraints on the tables) keeps its rows through
    /// migration 7, and its rules hold after it.
    @Test func aVersionSixDatabaseKeepsItsRowsThroughTheMoveToDomains() throws {
        let schema = "old_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let db = try PostgreSQL.Connection(pgURL!)
        defer {
            _ = try? db.execute("DROP SCHEMA \(schema) CASCADE")
            db.close()
        }
        _ = try db.execute("CREATE SCHEMA \(schema)")
        _ = try db.execute("SET search_path TO \(schema)")
        try PostgresSchema.migrate(db, through: 6)
        let before = try db.execute("SELECT count(*) FROM pg_constraint WHERE contype = 'c' AND conrelid = 'schedules'::regclass")
        #expect(try before.first?.int64(0) == 12)
        let stored = try PostgresRepository.transaction(on: db, config: config, lockingProject: "p1") { repo in
            try (0..<3).map { try repo.enqueue(Self.request("old-\($0)", minutes: Int64($0) * 30)).schedule }
        }
        let leased = try PostgresRepository.transaction(on: db, config: config, lockingProject: "p1") {
            try $0.dequeue(DequeueRequest(projectID: "p1", limit: 1, leaseSeconds: 60, workerID: "w1", start: true))
        }
        #expect(leased.count == 1)

        // More rows than migration 7 can move within a node's statement timeout (here 50 ms,
        // 30 s in a node): the migration lifts the limit for its own transaction.
        _ = try db.execute(
            """
            INSERT INTO schedules (id, content_id, project_id, scheduled_for, local_time, nominal_time, platforms,
                                   queue_status, created_at, updated_at)
            SELECT 'bulk-' || g, 'c', 'bulk', g, '2026-01-01T00:00', g, 'TWITTER', 'COMPLETED', 0, 0
              FROM generate_series(1, 100000) g
            """)
        _ = try db.execute("SET statement_timeout = '50ms'")
        try PostgresSchema.migrate(db)
        _ = try db.execute("SET statement_timeout = 0")
        try db.clearStatementCache()  // the columns' types changed under the cached statements
        let version = try db.execute("SELECT max(version) FROM schema_migrations").first?.int64(0)
        #expect(version == Int64(PostgresSchema.migrations.last!.version))
        let after = try stored.map { s in
            let row = try #require(
                try db.execute("SELECT \(Rows.scheduleColumns) FROM schedules WHERE id = $1", [.text(s.id)]).first)
            return Rows.decodeRow(PostgresColumns(row: row)).schedule
        }
        #expect(after.map(\.id) == stored.map(\.id))
        #expect(after.map(\.queueStatus) == [.processing, .pending, .pending])
        try Self.expectRefusals(on: db, scheduleID: stored[1].id)
        // The leased item still completes, and the rest are still due in order.
        let lease = try #require(leased.first)
        let done = try PostgresRepository.transaction(on: db, config: config, lockingProject: "p1") {
            try $0.complete(project: "p1", id: lease.schedule.id, token: lease.token, results: [])
        }
        #expect(done.schedule.queueStatus == .completed)
        clock.advance(seconds: 3600)
        let next = try PostgresRepository.transaction(on: db, config: config, lockingProject: "p1") {
            try $0.dequeue(DequeueRequest(projectID: "p1", limit: 10, leaseSeconds: 60, workerID: "w1", start: true))
        }
        #expect(next.map(\.schedule.id) == [stored[1].id, stored[2].id])
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
