import Foundation
import SQLite
@testable import ScheduleStore
import SchedulingCore
import Testing

/// The projects holding live leases, answered from memory, must equal the SQL answer through
/// every lease change: dequeue, start, heartbeat, complete, fail and retry, cancel, lapse, reap,
/// an operation that fails after writing, and a reopen.
@Suite("Dispatching projects")
struct DispatchTests {
    static func fromTable(_ f: StoreFixture) throws -> Set<String> {
        let db = try Connection(path: f.path, mode: .readOnly)
        defer { try? db.close() }
        let s = try db.prepare(ScheduleStore.dispatchingProjectsSQL)
        s.bind(f.clock.now().unixMilliseconds, at: 1)
        var out: Set<String> = []
        try s.forEachRow { out.insert($0.string(0)) }
        return out
    }

    /// Per project, the rows in flight (QUEUED or PROCESSING under a live lease), in SQL.
    static func inFlightFromTable(_ f: StoreFixture, _ project: String) throws -> Int {
        let db = try Connection(path: f.path, mode: .readOnly)
        defer { try? db.close() }
        let s = try db.prepare(HotQueries.inFlight)
        s.bind(project, at: 1)
        s.bind(f.clock.now().unixMilliseconds, at: 2)
        return Int(try s.scalarInt64() ?? 0)
    }

    func check(_ f: StoreFixture, _ expected: Set<String>, _ step: String) async throws {
        let memory = try await f.store.dispatchingProjects()
        // PostgreSQL answers with this SQL itself; SQLite from memory, checked against it.
        if f.backend == .sqlite { #expect(memory == (try Self.fromTable(f)), "\(step)") }
        // Dequeue's in-flight limit counts from the same lease entries.
        if let sqlite = f.store as? ScheduleStore {
            #expect(sqlite.occupancy.dueEntries() == (try OccupancyIndexTests.dueFromTable(f.path)), "\(step): due counts")
            for project in ["a", "b", "c", "d"] {
                let counted = sqlite.occupancy.inFlightCount(project: project, now: f.clock.now())
                #expect(counted == (try Self.inFlightFromTable(f, project)), "\(step): in flight in \(project)")
                #expect((counted > 0) == expected.contains(project), "\(step): in flight in \(project)")
            }
        }
        #expect(memory == expected, "\(step)")
        // The Dequeue's question, for a project dispatching or not, under limits around the count.
        for project in ["a", "b", "c", "d"] {
            for limit in 0...4 {
                let may = try await f.store.mayDispatch(projectID: project, limit: limit)
                #expect(may == (expected.count < limit || expected.contains(project)), "\(step): \(project), limit \(limit)")
            }
        }
    }

    @Test(arguments: StoreBackend.all) func followsEveryLeaseChange(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        for p in ["a", "b", "c"] {
            for i in 0..<3 { try await f.add(p, minutes: Int64(i * 10)) }
        }
        try await check(f, [], "nothing leased")
        f.clock.advance(seconds: 3600)
        func dequeue(_ p: String, _ n: Int, lease: Int64 = 60, start: Bool = false) async throws -> [Lease] {
            try await f.store.dequeue(
                DequeueRequest(projectID: p, limit: n, leaseSeconds: lease, workerID: "w", start: start))
        }
        let a = try await dequeue("a", 2)
        let b = try await dequeue("b", 1, lease: 300, start: true)
        let c = try await dequeue("c", 1)
        try await check(f, ["a", "b", "c"], "leased")

        _ = try await f.store.complete(projectID: "c", scheduleID: c[0].schedule.id, leaseToken: c[0].token)
        try await check(f, ["a", "b"], "c completed")
        _ = try await f.store.markProcessing(projectID: "a", scheduleID: a[0].schedule.id, leaseToken: a[0].token)
        _ = try await f.store.cancel(projectID: "a", scheduleID: a[1].schedule.id)
        try await check(f, ["a", "b"], "a started one, cancelled the other")
        _ = try await f.store.fail(projectID: "a", scheduleID: a[0].schedule.id, leaseToken: a[0].token, error: "boom")
        try await check(f, ["b"], "a's failure went back to PENDING for a retry")

        // An operation that leases and then fails leaves nothing behind (SQLite's writer; a
        // PostgreSQL transaction that throws is rolled back by the database).
        if let sqlite = f.store as? ScheduleStore {
            do {
                _ = try await sqlite.writer.submit { state in
                    _ = try state.dequeue(DequeueRequest(projectID: "c", limit: 5, leaseSeconds: 60, workerID: "w"))
                    throw StoreError(code: .internal, message: "injected")
                }
                Issue.record("the injected failure was swallowed")
            } catch {}
            try await check(f, ["b"], "a failed dequeue")
        }

        // Leases lapse with time, before any reaping; a heartbeat keeps one alive.
        _ = try await dequeue("c", 1, lease: 30)
        try await check(f, ["b", "c"], "c leased for 30 s")
        f.clock.advance(seconds: 30)
        try await check(f, ["b"], "c's lease lapsed (live means expiring after now)")
        _ = try await f.store.heartbeat(projectID: "b", scheduleID: b[0].schedule.id, leaseToken: b[0].token, leaseSeconds: 600)
        f.clock.advance(seconds: 400)
        try await check(f, ["b"], "b kept alive by its heartbeat")
        _ = try await f.store.reapExpiredLeases()
        try await check(f, ["b"], "reaped")

        try f.reopen()
        try await check(f, ["b"], "reopened")
        f.clock.advance(seconds: 300)
        try await check(f, [], "all lapsed")
    }
}
