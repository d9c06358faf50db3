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
    @Test func anOperationThatFailsAfterWritingIsUndoneAloneAndTheRestOfItsBatchCommits() async throws {
        let f = try StoreFixture()
        let store = f.store
        // Hold the writer thread so the next three operations queue up and run as one batch.
        let hold = try await WriterHold(store)

        @Sendable func request(_ name: String, minutes: Int64) -> EnqueueRequest {
            EnqueueRequest(
                projectID: "p1", contentID: name, time: .instant(t0.adding(seconds: minutes * 60)),
                platforms: ["twitter", "linkedin"])
        }
        let runs = Atomic(0)
        let a = Task { try await store.enqueue(request("a", minutes: 0)) }
        #expect(await eventually { store.writer.queuedCount == 1 })
        let b = Task {
            try await store.writer.submit { state in
                runs.add(1, ordering: .relaxed)
                _ = try state.enqueue(request("b", minutes: 10))  // rows and occupancy written…
                throw StoreError(code: .internal, message: "injected after writing")  // …then a failure
            }
        }
        #expect(await eventually { store.writer.queuedCount == 2 })
        let c = Task { try await store.enqueue(request("c", minutes: 20)) }
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
        let db = try Connection(path: f.path, mode: .readOnly)
        defer { try? db.close() }
        #expect(try db.scalarInt64("SELECT count(*) FROM schedule_platforms") == 4, "no platform rows of b")
    }

    @Test func anOperationThatFailsBeforeWritingLeavesItsBatchAlone() async throws {
        let f = try StoreFixture()
        let store = f.store
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
