import Foundation
import ScheduleStore
import SchedulingCore
import Testing

@Suite("Capacity: per-project limits on pending schedules")
struct CapacityTests {
    @Test(arguments: StoreBackend.all)
    func anEnqueuePastTheLimitIsRefusedNamingTheLimitAndTheCount(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend) {
            $0.maxPendingPerProject = 3
            $0.maxPendingOverrides = ["big": 0, "small": 1]
        }
        let a = try await f.add(minutes: 0) { $0.idempotencyKey = "a" }
        let b = try await f.add(minutes: 10)
        _ = try await f.add(minutes: 20)
        _ = try await f.store.pause(projectID: "p1", scheduleID: b.id)  // PAUSED still counts
        let e = await storeError { _ = try await f.add(minutes: 30) }
        #expect(e?.code == .resourceExhausted)
        #expect(e?.message.contains("3 pending schedules") == true && e?.message.contains("limit of 3") == true)
        // A replay of an accepted request is not a new schedule: it gets its answer.
        let replay = try await f.store.enqueue(
            EnqueueRequest(
                projectID: "p1", contentID: "content-0", time: .instant(t0), platforms: ["twitter"], idempotencyKey: "a"))
        #expect(replay.replayed && replay.schedule.id == a.id)
        // Other projects have their own count; overrides replace the default (0 = no limit).
        for m in 0..<4 { _ = try await f.add("big", minutes: Int64(m) * 10) }
        _ = try await f.add("small", minutes: 0)
        #expect(await storeError { _ = try await f.add("small", minutes: 10) }?.code == .resourceExhausted)

        // Leased and started items count until they finish; a cancel frees a place.
        let lease = try #require(try await f.store.dequeue(DequeueRequest(projectID: "p1", workerID: "w")).first)
        _ = try await f.store.markProcessing(projectID: "p1", scheduleID: lease.schedule.id, leaseToken: lease.token)
        #expect(await storeError { _ = try await f.add(minutes: 30) }?.code == .resourceExhausted)
        _ = try await f.store.complete(projectID: "p1", scheduleID: lease.schedule.id, leaseToken: lease.token)
        _ = try await f.add(minutes: 30)
        #expect(await storeError { _ = try await f.add(minutes: 40) }?.code == .resourceExhausted)
        _ = try await f.store.cancel(projectID: "p1", scheduleID: b.id)
        _ = try await f.add(minutes: 40)

        let stats = try await f.store.queueStats(projectID: "p1")
        #expect(stats.pendingTotal == 3 && stats.pendingLimit == 3)
        #expect(try await f.store.queueStats(projectID: "big").pendingLimit == nil)
    }

    @Test(arguments: StoreBackend.all)
    func aBatchIsCheckedItemByItem(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend) { $0.maxPendingOverrides = ["p1": 5] }
        for m in 0..<3 { _ = try await f.add(minutes: Int64(m) * 10) }
        let items = (3..<7).map { m in
            EnqueueRequest(projectID: "p1", contentID: "b\(m)", time: .instant(t0.adding(seconds: Int64(m) * 600)), platforms: ["twitter"])
        }
        let results = try await f.store.enqueueBatch(items)
        #expect(results.count == 4)
        for (i, r) in results.enumerated() {
            switch r {
            case .success: #expect(i < 2, "item \(i) accepted")
            case .failure(let e):
                #expect(i >= 2, "item \(i) refused: \(e)")
                #expect(e.code == .resourceExhausted && e.message.contains("5 pending schedules"))
            }
        }
        #expect(try await f.store.queueStats(projectID: "p1").pendingTotal == 5)
    }

    @Test func theSQLiteCountIsRebuiltAtOpen() async throws {
        let f = try StoreFixture { $0.maxPendingPerProject = 4 }
        for m in 0..<3 { _ = try await f.add(minutes: Int64(m) * 10) }
        // A refused item of a batch is not counted.
        let bad = EnqueueRequest(projectID: "p1", contentID: "x", time: .instant(t0), platforms: ["myspace"])
        let ok = EnqueueRequest(projectID: "p1", contentID: "y", time: .instant(t0.adding(seconds: 3000)), platforms: ["twitter"])
        let r = try await f.store.enqueueBatch([bad, ok])
        #expect(r.map { if case .success = $0 { true } else { false } } == [false, true])
        #expect(await storeError { _ = try await f.add(minutes: 60) }?.code == .resourceExhausted)
        try f.reopen()
        #expect(await storeError { _ = try await f.add(minutes: 60) }?.code == .resourceExhausted)
        #expect(try await f.store.queueStats(projectID: "p1").pendingTotal == 4)
    }

    /// Two nodes (two stores on one database) enqueue for one project at once: the count is
    /// taken under the project's lock, so exactly the limit gets in.
    @Test func twoPostgresNodesCannotBothPassTheLimit() async throws {
        guard StoreBackend.postgresURL != nil else { return }
        let f = try StoreFixture(.postgres) { $0.maxPendingPerProject = 5 }
        let other = try StoreFixture.open(.postgres, f.config, schema: f.schema)
        defer { other.close() }
        let nodes = [f.store, other]
        let accepted = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<20 {
                let store = nodes[i % 2]
                group.addTask {
                    let r = EnqueueRequest(
                        projectID: "p1", contentID: "c\(i)", time: .instant(t0.adding(seconds: Int64(i) * 3600)),
                        platforms: ["twitter"])
                    do {
                        _ = try await store.enqueue(r)
                        return true
                    } catch {
                        #expect((error as? StoreError)?.code == .resourceExhausted, "\(error)")
                        return false
                    }
                }
            }
            var n = 0
            for await ok in group where ok { n += 1 }
            return n
        }
        #expect(accepted == 5)
        #expect(try f.scalar("SELECT count(*) FROM schedules") == 5)
    }
}
