import Foundation
import PostgreSQL
import SQLite
import ScheduleStore
import SchedulingCore
import Testing

/// 2030-01-07T12:00:00Z, a Monday far from any DST transition in Europe and America.
let t0 = Instant(unixSeconds: 1_894_017_600)

/// The store backends the contract tests run against: SQLite always, PostgreSQL when
/// `SCHEDULER_TEST_POSTGRES_URL` names a database (scripts/test starts a throwaway cluster).
enum StoreBackend: String, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    static let postgresURL = ProcessInfo.processInfo.environment["SCHEDULER_TEST_POSTGRES_URL"].flatMap {
        $0.isEmpty ? nil : $0
    }

    /// Every backend available here.
    static let all: [StoreBackend] = postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]

    var testDescription: String { rawValue }
}

/// A store on a fresh database (a temporary SQLite file, or a PostgreSQL schema of its own), with
/// a manual clock at `t0`.
final class StoreFixture {
    let backend: StoreBackend
    let dir: URL
    let clock = ManualClock(t0)
    var store: any SchedulingStore
    var config: StoreConfiguration
    /// The PostgreSQL schema holding this fixture's tables.
    let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")

    init(_ backend: StoreBackend = .sqlite, _ tweak: (inout StoreConfiguration) -> Void = { _ in }) throws {
        self.backend = backend
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("store-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var c = StoreConfiguration(path: dir.appendingPathComponent("store.sqlite").path)
        c.clock = clock
        c.retryJitter = 0
        tweak(&c)
        config = c
        store = try Self.open(backend, c, schema: schema)
    }

    convenience init(_ tweak: @escaping (inout StoreConfiguration) -> Void) throws {
        try self.init(.sqlite, tweak)
    }

    static func open(_ backend: StoreBackend, _ c: StoreConfiguration, schema: String) throws -> any SchedulingStore {
        switch backend {
        case .sqlite:
            return try ScheduleStore(configuration: c)
        case .postgres:
            var pg = PostgresStoreConfiguration(url: StoreBackend.postgresURL!)
            pg.schema = schema
            pg.poolSize = 4
            return try PostgresStore(configuration: c, postgres: pg)
        }
    }

    /// Runs `sql` on the fixture's database, behind the store's back (an older row, a damaged
    /// value).
    func execute(_ sql: String) throws {
        switch backend {
        case .sqlite:
            let db = try SQLite.Connection(path: path)
            defer { try? db.close() }
            try db.execute(sql)
        case .postgres:
            let db = try PostgreSQL.Connection(StoreBackend.postgresURL!)
            defer { db.close() }
            _ = try db.execute("SET search_path TO \(schema)")
            _ = try db.execute(sql)
        }
    }

    /// The SQLite store (for the tests of SQLite's own machinery).
    var sqlite: ScheduleStore { store as! ScheduleStore }

    var path: String { config.path }

    /// Closes and reopens the store on the same database.
    func reopen() throws {
        store.close()
        store = try Self.open(backend, config, schema: schema)
    }

    deinit {
        store.close()
        try? FileManager.default.removeItem(at: dir)
        if backend == .postgres, let db = try? PostgreSQL.Connection(StoreBackend.postgresURL!) {
            _ = try? db.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE")
            db.close()
        }
    }

    /// Enqueues a simple schedule `minutes` after t0 (a 10-minute grid keeps checks quiet).
    @discardableResult
    func add(
        _ project: String = "p1", minutes: Int64 = 0, platforms: [String] = ["twitter"], priority: Int = 5,
        configure: (inout EnqueueRequest) -> Void = { _ in }
    ) async throws -> Schedule {
        var r = EnqueueRequest(
            projectID: project, contentID: "content-\(minutes)", time: .instant(t0.adding(seconds: minutes * 60)),
            platforms: platforms, priority: priority)
        configure(&r)
        return try await store.enqueue(r).schedule
    }
}

/// Runs `body` and returns the StoreError it throws (records an issue when it does not).
func storeError(_ body: () async throws -> Void) async -> StoreError? {
    do {
        try await body()
        Issue.record("expected a StoreError")
        return nil
    } catch let e as StoreError {
        return e
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}
