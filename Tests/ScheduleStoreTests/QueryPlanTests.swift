import SQLite
import Testing

@testable import ScheduleStore

@Suite("Schema: hot queries search indexes, settings")
struct QueryPlanTests {
    static let hot: [(String, String)] = [
        ("inFlight", HotQueries.inFlight), ("due", HotQueries.due),
        ("expiredLeases", HotQueries.expiredLeases), ("missedWindows", HotQueries.missedWindows),
        ("dispatchingProjects", ScheduleStore.dispatchingProjectsSQL),
    ]

    @Test func everyHotQuerySearchesAnIndexAndNeverScans() async throws {
        let f = try StoreFixture()
        _ = try await f.add()
        let db = try Connection(path: f.path, mode: .readOnly)
        defer { try? db.close() }
        for (name, sql) in Self.hot {
            var details: [String] = []
            try db.prepare("EXPLAIN QUERY PLAN " + sql).forEachRow { details.append($0.string(3)) }
            #expect(!details.isEmpty, "\(name)")
            for d in details where !d.hasPrefix("USE TEMP B-TREE") {
                #expect(d.hasPrefix("SEARCH"), "\(name): \(d)")
            }
        }
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
            } catch let e as SQLiteError {
                #expect(e.code.primary == .constraint)
            }
        }
        try f.reopen()
    }
}
