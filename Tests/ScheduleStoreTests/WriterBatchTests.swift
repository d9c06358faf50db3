import Foundation
import SQLite
@testable import ScheduleStore
import SchedulingCore
import Synchronization
import TestSupport
import Testing

/// The writer runs each batch's operations directly in one transaction and falls back to a
/// savepoint per operation only when one fails after writing.
@Suite("Writer batches")
struct WriterBatchTests {
    /// A two-platform schedule of project p1, `minutes` after t0.
    static func request(_ name: String, minutes: Int64) -> EnqueueRequest {
        EnqueueRequest(
            projectID: "p1", contentID: name, time: .instant(t0.adding(seconds: minutes * 60)),
            platforms: ["twitter", "linkedin"])
    }

    @Test func anOperationThatFailsAfterWritingIsUndoneAloneAndTheRestOfItsBatchCommits() async throws {
        let f = try StoreFixture()
        let store = f.sqlite
        // Hold the writer thread so the next three operations queue up and run as one batch.
        let hold = try await WriterHold(store)

        let runs = Atomic(0)
        let a = Task { try await store.enqueue(Self.request("a", minutes: 0)) }
        #expect(await eventually { store.writer.queuedCount == 1 })
        let b = Task {
            try await store.writer.submit { state in
                runs.add(1, ordering: .relaxed)
                _ = try state.enqueue(Self.request("b", minutes: 10))  // rows and occupancy written…
                throw StoreError(code: .internal, message: "injected after writing")  // …then a failure
            }
        }
        #expect(await eventually { store.writer.queuedCount == 2 })
        let c = Task { try await store.enqueue(Self.request("c", minutes: 20)) }
        #expect(await eventually { store.writer.queuedCount == 3 })
        try await hold.release()

        let first = try await a.value
        let third = try await c.value
        do {
            try await b.value
            Issue.record("the failing operation succeeded")
        } catch let e as StoreError {
            #expect(e.message == "injected after writing")
        }
        // It ran once in the shared transaction, then once more in its own savepoint.
        #expect(runs.load(ordering: .relaxed) == 2)

        let page = try await store.list(ListRequest(projectID: "p1"))
        #expect(page.items.map(\.contentID) == ["a", "c"])
        #expect(page.items.map(\.id) == [first.schedule.id, third.schedule.id])
        #expect(store.occupancy.entries() == (try OccupancyIndexTests.fromTable(f.path)))
        #expect(store.occupancy.dueEntries() == (try OccupancyIndexTests.dueFromTable(f.path)))
        let db = try Connection(path: f.path, mode: .readOnly)
        defer { try? db.close() }
        #expect(try db.scalarInt64("SELECT count(*) FROM schedule_platforms") == 4, "no platform rows of b")
    }

    /// The items of a batch operation run without a savepoint each; one that fails after
    /// writing rows sends the batch transaction back for a replay with a savepoint per item, and
    /// vanishes alone: the items before and after it, and the other operations, commit.
    @Test func aBatchItemThatFailsAfterWritingIsUndoneAloneAndTheOtherItemsCommit() async throws {
        let f = try StoreFixture()
        let store = f.sqlite
        let hold = try await WriterHold(store)
        let a = Task { try await store.enqueue(Self.request("a", minutes: 0)) }
        #expect(await eventually { store.writer.queuedCount == 1 })
        let runs = Atomic(0)
        let savepointed = Atomic(0)
        let batch = Task {
            try await store.writer.submit { state -> [Result<EnqueueResult, StoreError>] in
                runs.add(1, ordering: .relaxed)
                if state.savepointPerItem { savepointed.add(1, ordering: .relaxed) }
                return try ["b1", "b2", "b3", "b4"].enumerated().map { i, name in
                    try state.isolated {
                        if name == "b3" { throw StoreError.invalidArgument("platforms", "refused before writing") }
                        let created = try state.enqueue(Self.request(name, minutes: 10 + Int64(i) * 10))
                        if name == "b2" { throw StoreError(code: .internal, message: "injected after writing") }
                        return created
                    }
                }
            }
        }
        #expect(await eventually { store.writer.queuedCount == 2 })
        let c = Task { try await store.enqueue(Self.request("c", minutes: 90)) }
        #expect(await eventually { store.writer.queuedCount == 3 })
        try await hold.release()

        _ = try await a.value
        _ = try await c.value
        let results = try await batch.value
        #expect(results.count == 4)
        #expect((try? results[0].get())?.schedule.contentID == "b1")
        guard case .failure(let written) = results[1], case .failure(let refused) = results[2] else {
            Issue.record("b2 and b3 must fail: \(results)")
            return
        }
        #expect(written.message == "injected after writing")
        #expect(refused.field == "platforms")
        #expect((try? results[3].get())?.schedule.contentID == "b4")
        // Once in the shared transaction without savepoints, then replayed with one per item.
        #expect(runs.load(ordering: .relaxed) == 2 && savepointed.load(ordering: .relaxed) == 1)
        #expect(try await !store.writer.submit { $0.savepointPerItem }, "the next batch runs without savepoints again")

        let page = try await store.list(ListRequest(projectID: "p1", limit: 100))
        #expect(page.items.map(\.contentID) == ["a", "b1", "b4", "c"])
        #expect(store.occupancy.entries() == (try OccupancyIndexTests.fromTable(f.path)))
        #expect(store.occupancy.dueEntries() == (try OccupancyIndexTests.dueFromTable(f.path)))
        let db = try Connection(path: f.path, mode: .readOnly)
        defer { try? db.close() }
        #expect(try db.scalarInt64("SELECT count(*) FROM schedule_platforms") == 8, "no platform rows of b2")
    }

    @Test func anOperationThatFailsBeforeWritingLeavesItsBatchAlone() async throws {
        let f = try StoreFixture()
        let store = f.sqlite
        let hold = try await WriterHold(store)
        let a = Task {
            try await store.enqueue(
                EnqueueRequest(projectID: "p1", contentID: "a", time: .instant(t0), platforms: ["twitter"]))
        }
        #expect(await eventually { store.writer.queuedCount == 1 })
        let bad = Task {
            try await store.enqueue(
                EnqueueRequest(projectID: "p1", contentID: "bad", time: .instant(t0), platforms: ["nowhere"]))
        }
        #expect(await eventually { store.writer.queuedCount == 2 })
        try await hold.release()
        _ = try await a.value
        do {
            _ = try await bad.value
            Issue.record("an unknown platform was accepted")
        } catch let e as StoreError {
            #expect(e.field == "platforms[0]")
        }
        #expect(try await store.list(ListRequest(projectID: "p1")).total == 1)
    }
}

/// Keeps the store's writer thread busy until ``release()``, so that the operations submitted in
/// the meantime queue up and run as one batch.
final class WriterHold: Sendable {
    private let gate = DispatchSemaphore(value: 0)
    private let held: Task<Void, any Error>

    init(_ store: ScheduleStore) async throws {
        let gate = self.gate
        let started = DispatchSemaphore(value: 0)
        held = Task { try await store.writer.submit { _ in started.signal(); gate.wait() } }
        // Off the cooperative pool: wait until the writer runs the holding job.
        await withCheckedContinuation { c in DispatchQueue.global().async { started.wait(); c.resume() } }
    }

    func release() async throws {
        gate.signal()
        try await held.value
    }
}

/// Concurrent operations of every kind, some failing after they wrote, batched together: after
/// each round the in-memory occupancy index must equal what the committed table says.
@Suite("Writer batches, randomized")
struct WriterBatchRandomTests {
    struct Ref: Sendable {
        var project: String
        var id: String
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func theOccupancyIndexFollowsTheTableThroughMixedBatches(seed: UInt64) async throws {
        let f = try StoreFixture()
        let store = f.sqlite
        let platforms = [["twitter"], ["linkedin"], ["medium", "twitter"], ["facebook"]]
        var rng = SeededGenerator(seed: seed)
        var refs: [Ref] = []
        for round in 0..<6 {
            // Eight concurrent callers, five operations each: they meet in shared batches.
            let plans: [[(op: Int, n: Int, p: Int)]] = (0..<8).map { _ in
                (0..<5).map { _ in
                    (Int.random(in: 0..<9, using: &rng), Int.random(in: 0..<10_000, using: &rng), Int.random(in: 0..<4, using: &rng))
                }
            }
            let known = refs
            refs += try await withThrowingTaskGroup(of: [Ref].self) { group in
                for plan in plans {
                    group.addTask {
                        var made: [Ref] = []
                        for (op, n, p) in plan {
                            let project = "p\(n % 3)"
                            let at = t0.adding(seconds: Int64(n % 2_000) * 7 * 60)
                            let target = known.isEmpty ? nil : known[n % known.count]
                            do {
                                switch op {
                                case 0, 1:
                                    let r = try await store.enqueue(
                                        EnqueueRequest(
                                            projectID: project, contentID: "c\(n)", time: .instant(at), platforms: platforms[p],
                                            autoResolve: true))
                                    made.append(Ref(project: project, id: r.schedule.id))
                                case 2:
                                    // Writes a schedule, then fails: its rows and entries must vanish.
                                    _ = try await store.writer.submit { state in
                                        _ = try state.enqueue(
                                            EnqueueRequest(
                                                projectID: project, contentID: "doomed", time: .instant(at), platforms: platforms[p],
                                                autoResolve: true))
                                        throw StoreError(code: .internal, message: "injected")
                                    }
                                case 3:
                                    if let t = target {
                                        _ = try await store.update(
                                            UpdateRequest(
                                                projectID: t.project, scheduleID: t.id, time: .instant(at.adding(seconds: 180)),
                                                autoResolve: true))
                                    }
                                case 4:
                                    if let t = target {
                                        _ = try await store.update(
                                            UpdateRequest(projectID: t.project, scheduleID: t.id, platforms: platforms[(p + 1) % 4]))
                                    }
                                case 5:
                                    if let t = target { _ = try await store.cancel(projectID: t.project, scheduleID: t.id) }
                                case 6:
                                    if let t = target { _ = try await store.pause(projectID: t.project, scheduleID: t.id) }
                                case 7:
                                    if let t = target { _ = try await store.resume(projectID: t.project, scheduleID: t.id) }
                                default:
                                    let some = known.filter { $0.project == project }.prefix(3).map(\.id)
                                    if !some.isEmpty { _ = try await store.batchCancel(projectID: project, scheduleIDs: some) }
                                }
                            } catch is StoreError {
                                // Refusals (conflicts, illegal transitions, the injected failure) belong to the mix.
                            }
                        }
                        return made
                    }
                }
                var all: [Ref] = []
                for try await m in group { all += m }
                return all
            }
            #expect(store.occupancy.entries() == (try OccupancyIndexTests.fromTable(f.path)), "seed \(seed), round \(round)")
            #expect(store.occupancy.dueEntries() == (try OccupancyIndexTests.dueFromTable(f.path)), "seed \(seed), round \(round)")
        }
        #expect(refs.count > 20)
        let db = try Connection(path: f.path, mode: .readOnly)
        defer { try? db.close() }
        #expect(try db.scalarInt64("SELECT count(*) FROM schedules WHERE content_id = 'doomed'") == 0)
        #expect(try db.scalarInt64("SELECT count(*) FROM schedule_platforms WHERE schedule_id NOT IN (SELECT id FROM schedules)") == 0)
        #expect(try db.pragma("integrity_check") == "ok")
    }
}
