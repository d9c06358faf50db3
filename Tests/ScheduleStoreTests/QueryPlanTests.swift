import SQLite
import Testing

@testable import ScheduleStore

@Suite("Schema: hot queries search indexes, settings")
struct QueryPlanTests {
    static let hot: [(String, String)] = [
        ("inFlight", HotQueries.inFlight), ("due", HotQueries.due),
        ("expiredLeases", HotQueries.expiredLeases), ("missedWindows", HotQueries.missedWindows),
        ("dispatchingProjects", ScheduleStore.dispatchingProjectsSQL),
        ("nextProject", HotQueries.nextProject), ("projectActive", HotQueries.projectActive),
    ]

    @Test func everyHotQuerySearchesAnIndexAndNeverScans() async throws {
        let f = try StoreFixture()
        _ = try await f.add()
        let db = try Connection(path: f.path, mode: .readOnly)
        defer { try? db.close() }
        for (name, sql) in Self.hot {
            var details: [String] = []
            try db.prepare("EXPLAIN QUERY PLAN " + sql).forEachRow { details.append($0.string(3)) }
            #expect(details.contains { $0.hasPrefix("SEARCH") }, "\(name): \(details)")
            // Structure lines (a subquery, a temp b-tree for ORDER BY, the one-row SELECT around
            // EXISTS probes) are fine; a SCAN of a table is not.
            for d in details where d.hasPrefix("SCAN") {
                #expect(d == "SCAN CONSTANT ROW", "\(name): \(d)")
            }
        }
    }

    /// ListConflicts of one schedule reads that schedule's conflicts through its two indexes,
    /// never the project's (which would read every conflict of the project).
    @Test func oneSchedulesConflictsAreFoundThroughTheScheduleIndexes() async throws {
        let f = try StoreFixture()
        _ = try await f.add()
        let db = try Connection(path: f.path, mode: .readOnly)
        defer { try? db.close() }
        for resolved in [false, true] {
            let q = ConflictQuery(ConflictListRequest(projectID: "p1", includeResolved: resolved, scheduleID: "sch_1"))
            for sql in [q.countSQL, q.pageSQL] {
                var details: [String] = []
                try db.prepare("EXPLAIN QUERY PLAN " + sql).forEachRow { details.append($0.string(3)) }
                #expect(details.contains { $0.contains("USING INDEX schedule_conflicts_schedule (schedule1_id=?)") }, "\(details)")
                #expect(details.contains { $0.contains("USING INDEX schedule_conflicts_schedule2 (schedule2_id=?)") }, "\(details)")
                #expect(!details.contains { $0.contains("schedule_conflicts_project") || $0.hasPrefix("SCAN") }, "\(details)")
            }
        }
        // A project's list still reads the project's index.
        let all = ConflictQuery(ConflictListRequest(projectID: "p1"))
        var details: [String] = []
        try db.prepare("EXPLAIN QUERY PLAN " + all.pageSQL).forEachRow { details.append($0.string(3)) }
        #expect(details.contains { $0.contains("USING INDEX schedule_conflicts_project") }, "\(details)")
    }

    @Test func walModeAndSchemaVersionWithEitherSynchronousSetting() async throws {
        let normal = try StoreFixture()
        let full = try StoreFixture { $0.synchronous = .full }
        for f in [normal, full] {
            _ = try await f.add()
            let db = try Connection(path: f.path, mode: .readOnly)
            defer { try? db.close() }
            #expect(try db.pragma("journal_mode") == "wal")
            #expect(try db.userVersion() == Schema.migrations.last?.version)
        }
    }

    @Test func enumsAreCheckedByTheSchema() async throws {
        let f = try StoreFixture()
        let s = try await f.add()
        f.store.close()
        let db = try Connection(path: f.path)
        defer { try? db.close() }
        for sql in [
            "UPDATE schedules SET queue_status = 'LOST' WHERE id = ?1",
            "UPDATE schedules SET status = 'GONE' WHERE id = ?1",
            "UPDATE schedules SET priority = 11 WHERE id = ?1",
            "UPDATE schedules SET metadata = '{bad' WHERE id = ?1",
        ] {
            do {
                try db.run(sql, [.text(s.id)])
                Issue.record("accepted: \(sql)")
            } catch {
                #expect(error.code.primary == .constraint)
            }
        }
        // Every value the enums allow still passes (the constraints are OR chains since
        // migration 3; a value left out of a chain would fail here).
        try db.begin(.immediate)
        for status in Schema.queueStatuses.split(separator: ",") {
            try db.run("UPDATE schedules SET queue_status = \(status) WHERE id = ?1", [.text(s.id)])
        }
        for status in Schema.scheduleStatuses.split(separator: ",") {
            try db.run("UPDATE schedules SET status = \(status) WHERE id = ?1", [.text(s.id)])
        }
        for pattern in ["'daily'", "'weekly'", "'monthly'", "'custom'", "NULL"] {
            try db.run("UPDATE schedules SET recurring_pattern = \(pattern) WHERE id = ?1", [.text(s.id)])
        }
        try db.rollback()
        try f.reopen()
    }

    /// No CHECK constraint builds a temporary b-tree per statement (`x IN (3+ constants)`).
    @Test func checkConstraintsAreOrChains() async throws {
        let f = try StoreFixture()
        let db = try Connection(path: f.path, mode: .readOnly)
        defer { try? db.close() }
        var tables: [String: String] = [:]
        try db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'").forEachRow {
            tables[$0.string(0)] = $0.string(1)
        }
        for (name, sql) in tables {
            #expect(CheckRewrite.expand(sql) == sql, "\(name) still has an IN list of three or more")
        }
        #expect(tables["attempts"]?.contains("outcome = 'OUTCOME_UNKNOWN' OR outcome = 'CANCELLED'") == true)
        #expect(tables["schedules"]?.contains("lease_loss_policy IN ('RETRY','HOLD')") == true, "two constants stay")
        var plan: [String] = []
        try db.prepare(
            "EXPLAIN INSERT INTO schedules (id, content_id, project_id, scheduled_for, local_time, nominal_time, platforms, created_at, updated_at) VALUES ('i', 'c', 'p', 0, 'l', 0, 'T', 0, 0)"
        ).forEachRow { plan.append($0.string(1)) }
        #expect(!plan.isEmpty)
        #expect(!plan.contains("OpenEphemeral"))
    }

    @Test func checkRewriteKeepsOtherText() {
        #expect(
            CheckRewrite.expand("a TEXT CHECK (a IN ('X','Y','Z')), b INTEGER CHECK (b IN (0, 1, -2))")
                == "a TEXT CHECK ((a = 'X' OR a = 'Y' OR a = 'Z')), b INTEGER CHECK ((b = 0 OR b = 1 OR b = -2))")
        #expect(CheckRewrite.expand("CHECK (a IN ('X','Y'))") == "CHECK (a IN ('X','Y'))")
        #expect(CheckRewrite.expand("CHECK (a NOT IN ('X','Y','Z'))") == "CHECK (a NOT IN ('X','Y','Z'))")
        #expect(CheckRewrite.expand("CHECK (a in\n ('it''s', 'b', 'c'))") == "CHECK ((a = 'it''s' OR a = 'b' OR a = 'c'))")
        #expect(CheckRewrite.expand("CHECK (a IN (SELECT x FROM t))") == "CHECK (a IN (SELECT x FROM t))")
        #expect(CheckRewrite.expand("main IN ('x', 'y', ") == "main IN ('x', 'y', ")
    }

    /// A database at version 2 (IN lists in its CHECK constraints) is rewritten on open; its rows
    /// and indexes stay intact.
    @Test func aVersionTwoDatabaseIsUpgraded() async throws {
        let f = try StoreFixture()
        try f.replaceWithDatabase(atVersion: 2, holding: [OldSchedule(id: "sch_old")])
        let inList = "SELECT count(*) FROM sqlite_master WHERE sql LIKE '%queue_status IN (''PENDING'',''QUEUED'',''PROCESSING''%'"
        do {
            let old = try Connection(path: f.path, mode: .readOnly)
            defer { try? old.close() }
            #expect(try old.scalarInt64(inList) == 1)
        }

        f.store = try ScheduleStore(configuration: f.config)
        let s = try await f.store.get(projectID: "p1", scheduleID: "sch_old")
        #expect(s.queueStatus == .pending && s.platforms == ["TWITTER"])
        let db = try Connection(path: f.path, mode: .readOnly)
        defer { try? db.close() }
        #expect(try db.userVersion() == Schema.migrations.last?.version)
        #expect(try db.pragma("integrity_check") == "ok")
        #expect(try db.scalarInt64(inList) == 0)
        _ = try await f.add(minutes: 10)
    }
}
