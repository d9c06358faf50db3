import Foundation
import SchedulerClient
import SchedulerServer
import SchedulingCore
import TestSupport
import Synchronization
import Testing
import WireProtocol

/// EnqueueBatch, Acknowledge and reports carried on Dequeue over TLS: one result per item, bad
/// items refused alone.
@Suite("End to end: batch methods", .timeLimit(.minutes(3)))
struct BatchEndToEndTests {
    typealias S = V1.Scheduler

    @Test("EnqueueBatch: items in order, each checked against the earlier ones; bad items refused alone, nothing else lost")
    func enqueueBatch() async throws {
        let e = try E2E()
        let c = try e.client()
        var items: [V1.EnqueueRequest] = (1...6).map { i in
            var r = enqueueRequest("burst-\(i)", at: "2026-03-02T12:00:00")
            r.idempotencyKey = "burst-\(i)"
            return r
        }
        items.append(V1.EnqueueRequest(projectID: "blog", contentID: "no-platform", localTime: "2026-03-02T13:00:00", timezone: "UTC", platforms: []))
        items.append(enqueueRequest("myspace", at: "2026-03-02T14:00:00", platforms: ["myspace"]))
        items.append(enqueueRequest("news", at: "2026-03-02T15:00:00", project: "news"))
        items.append(enqueueRequest("last", at: "2026-03-02T16:00:00"))
        let response = try await c.call(S.EnqueueBatch.self, V1.EnqueueBatchRequest(items: items))
        let r = response.results
        #expect(r.count == 10)
        // Five fill the slot's publish capacity; the sixth, in the same call, is refused by them.
        for i in 0..<5 { #expect(r[i].created?.schedule.contentID == "burst-\(i + 1)", "item \(i)") }
        #expect(r[5].error?.code == .failedPrecondition && r[5].error?.conflicts.isEmpty == false)
        #expect(r[5].created == nil)
        // A malformed item names its own field inside the batch.
        #expect(r[6].error?.code == .invalidArgument && r[6].error?.field == "enqueue_batch.items[6].platforms")
        #expect(r[7].error?.code == .invalidArgument && r[7].error?.field == "enqueue_batch.items[7].platforms[0]")
        #expect(r[7].error?.message.hasPrefix("enqueue_batch.items[7].platforms[0]: unknown platform") == true)
        #expect(r[8].error?.code == .permissionDenied)
        #expect(r[9].created?.schedule.contentID == "last")
        let stored = try await c.list(V1.ListRequest(projectID: "blog", limit: 100)).items.map(\.contentID).sorted()
        #expect(stored == ["burst-1", "burst-2", "burst-3", "burst-4", "burst-5", "last"])

        // The same batch again: the keyed items are replays of the first call, not new schedules.
        let again = try await c.call(S.EnqueueBatch.self, V1.EnqueueBatchRequest(items: Array(items.prefix(5))))
        #expect(again.results.map { $0.created?.schedule.id } == r.prefix(5).map { $0.created?.schedule.id })
        #expect(try await c.list(V1.ListRequest(projectID: "blog", limit: 100)).pagination.total == 6)

        // An empty batch or more than 500 items is a bad call, not a batch of errors.
        for count in [0, 501] {
            await #expect {
                _ = try await c.call(
                    S.EnqueueBatch.self,
                    V1.EnqueueBatchRequest(items: Array(repeating: enqueueRequest("x", at: "2026-03-03T09:00:00"), count: count)))
            } throws: { error in
                (error as? SchedulerError)?.code == .invalidArgument && (error as? SchedulerError)?.field == "enqueue_batch.items"
            }
        }
        await e.shutdown()
    }

    @Test("Acknowledge: Completes and Fails in one call, each as the single call would answer; a repeat gets the same")
    func acknowledge() async throws {
        let e = try E2E()
        let c = try e.client()
        let leased = try await enqueueAndLease(c, "a")
        #expect(leased.count == 3)
        let acks: [V1.Acknowledgement] = [
            .complete(V1.CompleteRequest(projectID: "blog", scheduleID: leased[0].schedule.id, leaseToken: leased[0].leaseToken)),
            .fail(
                V1.FailRequest(
                    projectID: "blog", scheduleID: leased[1].schedule.id, leaseToken: leased[1].leaseToken, error: "HTTP 503",
                    retryable: true)),
            .complete(V1.CompleteRequest(projectID: "blog", scheduleID: leased[2].schedule.id, leaseToken: "0123456789abcdef0123456789abcdef")),
            .fail(V1.FailRequest(projectID: "blog", scheduleID: leased[2].schedule.id, leaseToken: leased[2].leaseToken, error: "")),
        ]
        let r = try await c.call(S.Acknowledge.self, V1.AcknowledgeRequest(items: acks)).results
        #expect(r.count == 4)
        #expect(r[0].completed?.schedule.queueStatus == .completed)
        #expect(r[1].failed?.willRetry == true && r[1].failed?.schedule.queueStatus == .pending)
        #expect(r[2].error?.code == .failedPrecondition && r[2].error?.field == "acknowledge.items[2].complete.lease_token")
        #expect(r[3].error?.code == .invalidArgument && r[3].error?.field == "acknowledge.items[3].fail.error")
        // The item a stale token could not complete is untouched, still leased to its worker.
        #expect(try await c.get(projectID: "blog", scheduleID: leased[2].schedule.id).queueStatus == .processing)
        // A repeat of the call (its answer lost) gets the same answers for the applied items.
        let again = try await c.call(S.Acknowledge.self, V1.AcknowledgeRequest(items: Array(acks.prefix(2)))).results
        #expect(again[0].completed?.schedule.id == leased[0].schedule.id && again[0].completed?.schedule.queueStatus == .completed)
        #expect(again[1].failed?.nextAttemptAtMs == r[1].failed?.nextAttemptAtMs)
        await e.shutdown()
    }

    @Test("Dequeue carries finished items: applied first, each answered as in Acknowledge; a bad one refused alone; a bad call applies nothing")
    func dequeueCarriesReports() async throws {
        let e = try E2E(dispatch: { var d = DispatchLimits(); d.maxInFlightPerProject = 2; return d }())
        let c = try e.client()
        let leased = try await enqueueAndLease(c, "d")
        #expect(leased.map(\.schedule.contentID) == ["d1", "d2"], "the project's cap of 2 in flight")
        let reports: [V1.Acknowledgement] = [
            .complete(V1.CompleteRequest(projectID: "blog", scheduleID: leased[0].schedule.id, leaseToken: leased[0].leaseToken)),
            .fail(V1.FailRequest(projectID: "blog", scheduleID: leased[1].schedule.id, leaseToken: "0123456789abcdef0123456789abcdef", error: "HTTP 503")),
            .fail(V1.FailRequest(projectID: "blog", scheduleID: leased[1].schedule.id, leaseToken: leased[1].leaseToken, error: "")),
            .complete(V1.CompleteRequest(projectID: "news", scheduleID: leased[1].schedule.id, leaseToken: leased[1].leaseToken)),
        ]
        // A bad Dequeue field refuses the whole call, and none of its reports is applied.
        await #expect {
            _ = try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 101, workerID: "w1", acknowledge: reports))
        } throws: { ($0 as? SchedulerError)?.field == "dequeue.limit" }
        #expect(try await c.get(projectID: "blog", scheduleID: leased[0].schedule.id).queueStatus == .processing)

        let r = try await c.dequeue(
            V1.DequeueRequest(projectID: "blog", limit: 3, leaseSeconds: 60, workerID: "w1", start: true, acknowledge: reports))
        #expect(r.acknowledged.count == 4)
        #expect(r.acknowledged[0].completed?.schedule.queueStatus == .completed)
        #expect(r.acknowledged[1].error?.code == .failedPrecondition && r.acknowledged[1].error?.field == "dequeue.acknowledge[1].fail.lease_token")
        #expect(r.acknowledged[2].error?.code == .invalidArgument && r.acknowledged[2].error?.field == "dequeue.acknowledge[2].fail.error")
        #expect(r.acknowledged[3].error?.code == .permissionDenied)
        // The completion freed a slot under the cap before the lease: d3 comes in the same call.
        #expect(r.items.map(\.schedule.contentID) == ["d3"])
        #expect(try await c.get(projectID: "blog", scheduleID: leased[1].schedule.id).queueStatus == .processing)
        #expect(e.calls["Acknowledge"] == 0)
        await e.shutdown()
    }

    @Test("Dequeue with brief results: an applied report answers `applied` without its schedule, a refused one its error")
    func dequeueBriefReports() async throws {
        let e = try E2E()
        let c = try e.client()
        let leased = try await enqueueAndLease(c, "b")
        #expect(leased.count == 3)
        let reports: [V1.Acknowledgement] = [
            .complete(V1.CompleteRequest(projectID: "blog", scheduleID: leased[0].schedule.id, leaseToken: leased[0].leaseToken)),
            .fail(V1.FailRequest(projectID: "blog", scheduleID: leased[1].schedule.id, leaseToken: leased[1].leaseToken, error: "HTTP 503")),
            .fail(V1.FailRequest(projectID: "blog", scheduleID: leased[2].schedule.id, leaseToken: leased[2].leaseToken, error: "")),
        ]
        let r = try await c.dequeue(
            V1.DequeueRequest(projectID: "blog", limit: 1, workerID: "w1", acknowledge: reports, briefAcknowledgements: true))
        #expect(r.acknowledged.count == 3)
        #expect(r.acknowledged[0] == V1.AcknowledgeResult(applied: true))
        #expect(r.acknowledged[1] == V1.AcknowledgeResult(applied: true))
        #expect(!r.acknowledged[2].applied && r.acknowledged[2].error?.field == "dequeue.acknowledge[2].fail.error")
        // Applied as in full: completed, and failed with a retry.
        #expect(try await c.get(projectID: "blog", scheduleID: leased[0].schedule.id).queueStatus == .completed)
        #expect(try await c.get(projectID: "blog", scheduleID: leased[1].schedule.id).queueStatus == .pending)
        // A repeat of an applied report is answered the same way, briefly or in full.
        let again = try await c.dequeue(
            V1.DequeueRequest(projectID: "blog", limit: 1, workerID: "w1", acknowledge: [reports[0]], briefAcknowledgements: true))
        #expect(again.acknowledged == [V1.AcknowledgeResult(applied: true)])
        let full = try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 1, workerID: "w1", acknowledge: [reports[0]]))
        #expect(full.acknowledged.first?.completed?.schedule.queueStatus == .completed && full.acknowledged.first?.applied == false)
        await e.shutdown()
    }

    @Test("the worker loop's reports reach a server older than carried reports: Acknowledge when no results come back")
    func workerLoopFallsBackToAcknowledge() async throws {
        let e = try E2E(dispatch: { var d = DispatchLimits(); d.maxInFlightPerProject = 100; return d }(), dequeueIgnoresReports: true)
        let c = try e.client()
        let created = try await c.enqueueBatch((0..<12).map { enqueueRequest("o\($0)", at: "2026-03-01T11:\(10 + $0):00") }).results
        #expect(created.allSatisfy { $0.created != nil })
        let handled = try await c.work(project: "blog", concurrency: 3, lease: .seconds(60), stopWhenIdle: true) { _ in .published([]) }
        #expect(handled == 12)
        var r = V1.ListRequest(projectID: "blog")
        r.status = .completed
        #expect(try await c.list(r).pagination.total == 12)
        #expect(e.calls["Acknowledge"] >= 1)
        await e.shutdown()
    }

    @Test("the worker loop keeps the lease of a long publish: heartbeats while the handler runs")
    func workerLoopHeartbeatsLongPublishes() async throws {
        let e = try E2E()
        let c = try e.client()
        let created = try await c.enqueue(enqueueRequest("slow", at: "2026-03-01T11:00:00")).schedule
        let calls = e.calls
        // A 1 s lease: extended a third to a half of a second after each extension. The handler
        // publishes once two heartbeats have extended it.
        let handled = try await c.work(project: "blog", lease: .seconds(1), stopWhenIdle: true) { item in
            #expect(await eventually(timeout: .seconds(20)) { calls["Heartbeat"] >= 2 })
            return .published([])
        }
        #expect(handled == 1)
        #expect(try await c.get(projectID: "blog", scheduleID: created.id).queueStatus == .completed)
        await e.shutdown()
    }

    @Test("the worker loop at concurrency 1 runs each item in turn and reports it on the next Dequeue")
    func workerLoopOneAtATime() async throws {
        let e = try E2E()
        let c = try e.client()
        let items: [V1.EnqueueRequest] = (0..<5).map { i in
            enqueueRequest("one\(i)", at: "2026-03-01T11:0\(i):00", platforms: ["facebook"])
        }
        #expect(try await c.enqueueBatch(items).results.allSatisfy { $0.created != nil })
        let running = Atomic<Int>(0)
        let most = Atomic<Int>(0)
        let handled = try await c.work(project: "blog", stopWhenIdle: true) { item in
            let now = running.add(1, ordering: .relaxed).newValue
            most.max(now, ordering: .relaxed)
            defer { running.subtract(1, ordering: .relaxed) }
            return item.schedule.contentID == "one2" ? .failed(error: "HTTP 400", results: [], retryable: false) : .published([])
        }
        #expect(handled == 5)
        #expect(most.load(ordering: .relaxed) == 1)
        var r = V1.ListRequest(projectID: "blog")
        r.status = .completed
        #expect(try await c.list(r).pagination.total == 4)
        r.status = .failed
        #expect(try await c.list(r).items.map(\.contentID) == ["one2"])
        // Five Dequeues each leased one item and carried the report of the one before; the sixth
        // (empty) carried the last report.
        #expect(e.calls["Complete"] == 0 && e.calls["Fail"] == 0 && e.calls["Acknowledge"] == 0)
        #expect(e.calls["Dequeue"] == 6)
        await e.shutdown()
    }

    @Test("the worker loop reports finished items on its next Dequeue: never one Complete, Fail or Acknowledge per item")
    func workerLoopAcknowledgesInBatches() async throws {
        let e = try E2E(dispatch: { var d = DispatchLimits(); d.maxInFlightPerProject = 100; return d }())
        let c = try e.client()
        let items: [V1.EnqueueRequest] = (0..<60).map { i in
            enqueueRequest("w\(i)", at: "2026-03-01T1\(i % 2):\(String(format: "%02d", i % 60)):00", platforms: ["facebook"])
        }
        let created = try await c.enqueueBatch(items).results
        #expect(created.allSatisfy { $0.created != nil })
        let handled = try await c.work(project: "blog", concurrency: 10, lease: .seconds(60), stopWhenIdle: true) { item in
            item.schedule.contentID == "w7" ? .failed(error: "HTTP 400", results: [], retryable: false) : .published([])
        }
        #expect(handled == 60)
        var r = V1.ListRequest(projectID: "blog")
        r.status = .completed
        #expect(try await c.list(r).pagination.total == 59)
        r.status = .failed
        #expect(try await c.list(r).items.map(\.contentID) == ["w7"])
        #expect(e.calls["Complete"] == 0 && e.calls["Fail"] == 0)
        // Every report rode on a Dequeue: the last Dequeue (empty) carried the last ones.
        #expect(e.calls["Acknowledge"] == 0)
        #expect(e.calls["Dequeue"] < 60, "\(e.calls["Dequeue"]) calls for 60 items")
        #expect(e.calls["EnqueueBatch"] == 1)
        await e.shutdown()
    }
}

/// Enqueues `prefix`1…3 in project "blog", due at 11:01–11:03 on 2026-03-01, then dequeues with
/// start = true as worker "w1" (at most three; the project's in-flight cap may hand out fewer).
private func enqueueAndLease(_ c: SchedulerClient, _ prefix: String) async throws -> [V1.DequeuedItem] {
    for i in 1...3 { _ = try await c.enqueue(enqueueRequest("\(prefix)\(i)", at: "2026-03-01T11:0\(i):00")) }
    return try await c.dequeue(
        V1.DequeueRequest(projectID: "blog", limit: 3, leaseSeconds: 60, workerID: "w1", start: true)
    ).items
}
