import Foundation
import SQLite
@testable import ScheduleStore
import SchedulingCore
import Testing

/// The in-memory occupancy index must always equal what the table says occupies a slot.
@Suite("Occupancy index")
struct OccupancyIndexTests {
    /// The index's entries recomputed from the committed table, in `OccupancyIndex.entries()` form.
    static func fromTable(_ path: String) throws -> [String] {
        let db = try Connection(path: path, mode: .readOnly)
        defer { try? db.close() }
        var out: [String] = []
        try db.prepare(OccupancyIndex.occupyingRows).forEachRow { r in
            let (project, id, time) = (r.string(0), r.string(1), r.int64(2))
            out.append("\(project) \(time) \(id)")
            for p in r.string(3).split(separator: ",") { out.append("\(project)/\(p) \(time) \(id)") }
        }
        return out.sorted()
    }

    /// PENDING and QUEUED schedules per project and priority from the committed table, in
    /// `OccupancyIndex.dueEntries()` form (what Dequeue's seeks are limited to).
    static func dueFromTable(_ path: String) throws -> [String] {
        let db = try Connection(path: path, mode: .readOnly)
        defer { try? db.close() }
        var out: [String] = []
        try db.prepare(
            "SELECT project_id, priority, count(*) FROM schedules WHERE queue_status IN ('PENDING','QUEUED') GROUP BY 1, 2"
        ).forEachRow { r in out.append("\(r.string(0)) \(r.int(1)) \(r.int(2))") }
        return out.sorted()
    }

    @Test func followsEveryKindOfChangeAndIsRebuiltOnOpen() async throws {
        let f = try StoreFixture()
        var ids: [String] = []
        for i in 0..<40 {
            let s = try await f.add(i % 2 == 0 ? "p1" : "p2", minutes: Int64(i) * 10, platforms: i % 3 == 0 ? ["twitter", "linkedin"] : ["medium"])
            ids.append(s.id)
        }
        #expect(f.sqlite.occupancy.entries() == (try Self.fromTable(f.path)))
        #expect(f.sqlite.occupancy.entries().count == 40 + 40 + 14)

        // Moved, re-platformed, cancelled (leaves), batch-cancelled, paused (stays), failed for good.
        _ = try await f.store.update(UpdateRequest(projectID: "p1", scheduleID: ids[0], time: .instant(t0.adding(seconds: 86_400))))
        _ = try await f.store.update(UpdateRequest(projectID: "p1", scheduleID: ids[2], platforms: ["facebook", "medium"]))
        _ = try await f.store.cancel(projectID: "p1", scheduleID: ids[4])
        #expect(try await f.store.batchCancel(projectID: "p2", scheduleIDs: [ids[1], ids[3]]) == 2)
        _ = try await f.store.pause(projectID: "p1", scheduleID: ids[6])
        _ = try await f.store.update(UpdateRequest(projectID: "p2", scheduleID: ids[5], priority: 9))
        #expect(f.sqlite.occupancy.entries() == (try Self.fromTable(f.path)))
        #expect(f.sqlite.occupancy.dueEntries() == (try Self.dueFromTable(f.path)))
        #expect(f.sqlite.occupancy.dueEntries().contains("p2 9 1"))

        // (An operation that fails after writing is undone with its rows: see the full-database
        // test in DurabilityTests.)
        let before = f.sqlite.occupancy.entries()
        let dueBefore = f.sqlite.occupancy.dueEntries()

        // Rebuilt from the table when the store opens.
        try f.reopen()
        #expect(f.sqlite.occupancy.entries() == before)
        #expect(f.sqlite.occupancy.dueEntries() == dueBefore)
    }

    @Test func aCompletedLeaseAndARetryMoveTheirSlots() async throws {
        let f = try StoreFixture()
        let a = try await f.add("p1", minutes: 0)
        _ = try await f.add("p1", minutes: 10, platforms: ["linkedin"]) { $0.maxRetries = 0 }
        f.clock.advance(seconds: 3600)
        let leases = try await f.store.dequeue(DequeueRequest(projectID: "p1", limit: 10, leaseSeconds: 60, workerID: "w"))
        #expect(leases.count == 2)
        for l in leases {
            if l.schedule.id == a.id {
                _ = try await f.store.fail(projectID: "p1", scheduleID: l.schedule.id, leaseToken: l.token, error: "boom")
            } else {
                _ = try await f.store.fail(projectID: "p1", scheduleID: l.schedule.id, leaseToken: l.token, error: "final")
            }
        }
        // The first is back at a later time (retry), the second failed for good and left.
        let entries = f.sqlite.occupancy.entries()
        #expect(entries == (try Self.fromTable(f.path)))
        #expect(entries.count == 2)
        #expect(!entries.contains { $0.hasPrefix("p1 \(a.scheduledFor.unixMilliseconds) ") })
    }

    /// Entries older than the horizon leave memory (once a minute, between batches) and are not
    /// loaded on open; everything newer stays exactly as the table says.
    @Test func entriesOlderThanTheHorizonLeaveMemory() async throws {
        let f = try StoreFixture { $0.occupancyHorizonSeconds = 2 * 86_400 }
        func recent(_ horizon: Instant) throws -> [String] {
            try Self.fromTable(f.path).filter { line in
                let time = Int64(line.split(separator: " ")[1])!
                return time >= horizon.unixMilliseconds
            }
        }
        let old = try await f.add(minutes: -3 * 1440, platforms: ["twitter", "linkedin"])  // 3 days ago
        let now = try await f.add(minutes: 0)
        let later = try await f.add(minutes: 1440, platforms: ["medium"])
        // The first commit evicted at once: the 3-day-old schedule is in the table, not in memory.
        #expect(f.sqlite.occupancy.entries() == (try recent(t0.adding(seconds: -2 * 86_400))))
        #expect(f.sqlite.occupancy.entries().count == 2 + 2)
        #expect(!f.sqlite.occupancy.entries().contains { $0.hasSuffix(old.id) })

        // Cancelling an evicted schedule changes nothing in memory, and undoing nothing is safe.
        _ = try await f.store.cancel(projectID: "p1", scheduleID: old.id)
        #expect(f.sqlite.occupancy.entries().count == 4)

        // 2.5 days later the next write drops what is now older than two days (`now`).
        f.clock.advance(seconds: 60 * 60 * 60)
        _ = try await f.add(minutes: 2 * 1440)
        let horizon = t0.adding(seconds: 60 * 60 * 60 - 2 * 86_400)
        #expect(f.sqlite.occupancy.entries() == (try recent(horizon)))
        #expect(!f.sqlite.occupancy.entries().contains { $0.hasSuffix(now.id) })
        #expect(f.sqlite.occupancy.entries().contains { $0.hasSuffix(later.id) })

        // What remains still drives the checks.
        let near = try await f.store.enqueue(
            EnqueueRequest(projectID: "p1", contentID: "near", time: .instant(later.scheduledFor.adding(seconds: 30)), platforms: ["medium"]))
        #expect(near.conflicts.contains { $0.type == .sameTime && $0.conflictingScheduleID == later.id })

        // A reopened store loads only what is newer than the horizon.
        try f.reopen()
        #expect(f.sqlite.occupancy.entries() == (try recent(horizon)))
    }

    /// A horizon narrower than the conflict windows would hide schedules the checks need: it is
    /// raised to twice the widest window (the rate-limit hour by default).
    @Test func theHorizonIsNeverNarrowerThanTwiceTheWidestWindow() async throws {
        let f = try StoreFixture { $0.occupancyHorizonSeconds = 60 }
        let kept = try await f.add(minutes: -90)
        _ = try await f.add(minutes: -150)  // beyond two hours: dropped at the next eviction
        f.clock.advance(seconds: 61)  // evictions run at most once a minute
        _ = try await f.add(minutes: 0)
        let entries = f.sqlite.occupancy.entries()
        #expect(entries.contains { $0.hasSuffix(kept.id) })
        #expect(entries.count == 2 * 2)
    }

    @Test func sortedEntriesDropEverythingBeforeATimeAcrossChunks() {
        var e = SortedEntries()
        for t in (0..<2_000).shuffled() { e.insert(.init(time: Int64(t), id: "s\(t)")) }
        e.insert(.init(time: 1_234, id: "a"))  // a tie at the boundary stays
        e.removeAll(before: 1_234)
        #expect(e.count == 767)
        var times: [Int64] = []
        e.forEach(in: Int64.min...Int64.max) { times.append($0.time); return true }
        #expect(times.first == 1_234 && times.count == 767 && times == times.sorted())
        e.removeAll(before: 5_000)
        #expect(e.count == 0)
        e.insert(.init(time: 7, id: "x"))
        #expect(e.count == 1)
    }

    /// A database written before migration 2 (schema version 1, with the two SQL indexes the
    /// conflict counts used, and the trigger that copied times into schedule_platforms) is
    /// upgraded on open, and its schedules count for conflicts at once.
    @Test func aVersionOneDatabaseIsUpgradedAndItsSchedulesCount() async throws {
        let f = try StoreFixture()
        try f.replaceWithDatabase(
            atVersion: 1,
            holding: [
                OldSchedule(id: "sch_old_a", minutes: 0, platforms: ["TWITTER", "LINKEDIN"]),
                OldSchedule(id: "sch_old_b", minutes: 30),
            ])
        f.store = try ScheduleStore(configuration: f.config)
        let db = try Connection(path: f.path, mode: .readOnly)
        defer { try? db.close() }
        #expect(try db.userVersion() == Schema.migrations.last?.version)
        #expect(try db.pragma("integrity_check") == "ok")
        var gone: [String] = []
        try db.prepare(
            """
            SELECT name FROM sqlite_master
             WHERE name IN ('schedules_occupancy', 'schedule_platforms_rate', 'schedules_sync_platforms')
            """
        ).forEachRow { gone.append($0.string(0)) }
        #expect(gone.isEmpty)
        var columns: [String] = []
        try db.prepare("SELECT name FROM pragma_table_info('schedule_platforms')").forEachRow { columns.append($0.string(0)) }
        #expect(columns == ["schedule_id", "platform", "project_id", "published_at", "published_url"])
        #expect(f.sqlite.occupancy.entries() == (try Self.fromTable(f.path)))
        #expect(f.sqlite.occupancy.entries().count == 2 + 3)
        #expect(try await f.store.get(projectID: "p1", scheduleID: "sch_old_a").platforms == ["TWITTER", "LINKEDIN"])

        // The upgraded rows are seen by the conflict checks, and the list's platform filter
        // still finds them through schedule_platforms.
        let b = try await f.store.enqueue(
            EnqueueRequest(projectID: "p1", contentID: "late", time: .instant(t0.adding(seconds: 30)), platforms: ["linkedin"]))
        #expect(b.conflicts.contains { $0.type == .sameTime && $0.conflictingScheduleID == "sch_old_a" })
        let linkedIn = try await f.store.list(ListRequest(projectID: "p1", platform: "linkedin"))
        #expect(Set(linkedIn.items.map(\.id)) == ["sch_old_a", b.schedule.id])
    }
}

/// The rows the writer keeps from its own saves of leased items (`OccupancyIndex.leasedRow`):
/// a kept row must always be the row in the table.
@Suite("Leased rows kept by the writer")
struct LeasedRowsTests {
    @Test func aKeptRowIsDroppedByAnyOtherChangeAndByAnUndoneOperation() async throws {
        let f = try StoreFixture()
        let a = try await f.add("p1", minutes: 0)
        let b = try await f.add("p1", minutes: 10)
        f.clock.advance(seconds: 3600)
        let leases = try await f.store.dequeue(DequeueRequest(projectID: "p1", limit: 1, leaseSeconds: 30, workerID: "w"))
        let lease = try #require(leases.first)
        #expect(lease.schedule.id == a.id)
        // The Dequeue's save keeps the row as stored.
        let kept = try #require(f.sqlite.occupancy.leasedRow(a.id))
        #expect(kept.schedule == (try await f.store.get(projectID: "p1", scheduleID: a.id)))

        // A statement other than the writer's save (the start-up grace for leases) drops it, and
        // the next call reads the row back with the new expiry.
        f.clock.advance(seconds: 60)
        #expect(f.sqlite.occupancy.dispatchingProjects(now: f.clock.now()).isEmpty, "the lease ran out")
        #expect(try await f.store.extendLeases(until: f.clock.now().adding(seconds: 600)) == 1)
        #expect(f.sqlite.occupancy.leasedRow(a.id) == nil)
        // The hook read that statement's change from the record: the lease entry moved with it.
        #expect(f.sqlite.occupancy.dispatchingProjects(now: f.clock.now()) == ["p1"])
        #expect(try await f.store.reapExpiredLeases() == ReapResult(), "the extended lease has not run out")
        let expires = try await f.store.heartbeat(projectID: "p1", scheduleID: a.id, leaseToken: lease.token, leaseSeconds: 120)
        #expect(expires == f.clock.now().adding(seconds: 120))
        #expect(f.sqlite.occupancy.leasedRow(a.id)?.schedule == (try await f.store.get(projectID: "p1", scheduleID: a.id)))

        // An operation that fails is undone, and every kept row with it.
        let other = try #require(try await f.store.dequeue(DequeueRequest(projectID: "p1", limit: 1, leaseSeconds: 300, workerID: "w")).first)
        #expect(other.schedule.id == b.id)
        #expect(f.sqlite.occupancy.leasedRow(b.id) != nil)
        _ = await storeError {
            _ = try await f.store.complete(
                projectID: "p1", scheduleID: b.id, leaseToken: other.token, results: [PlatformResult(platform: "myspace")])
        }
        #expect(f.sqlite.occupancy.leasedRow(a.id) == nil && f.sqlite.occupancy.leasedRow(b.id) == nil)

        // A finished item is not kept.
        let done = try await f.store.complete(projectID: "p1", scheduleID: a.id, leaseToken: lease.token)
        #expect(done.schedule.queueStatus == .completed)
        #expect(f.sqlite.occupancy.leasedRow(a.id) == nil)
        #expect(try await f.store.complete(projectID: "p1", scheduleID: b.id, leaseToken: other.token).schedule.queueStatus == .completed)

        // A row with long notes is read back instead of kept (bounds the memory kept).
        let long = try await f.add("p2", minutes: 0) { $0.notes = String(repeating: "n", count: 5000) }
        let longLease = try #require(try await f.store.dequeue(DequeueRequest(projectID: "p2", limit: 1, workerID: "w")).first)
        #expect(longLease.schedule.id == long.id)
        #expect(f.sqlite.occupancy.leasedRow(long.id) == nil)
        #expect(try await f.store.complete(projectID: "p2", scheduleID: long.id, leaseToken: longLease.token).schedule.notes?.count == 5000)
    }
}
