import Foundation
import SchedulerClient
import SchedulerServer
import SchedulingCore
import Testing
import WireProtocol

/// The worker-protocol and contract decisions of docs/PROTOCOL.md, over TLS from the client.
@Suite("End to end: worker protocol decisions", .timeLimit(.minutes(3)))
struct WorkerProtocolEndToEndTests {
    @Test("a repeated Start, Complete or Fail with the same lease token gets the original answer")
    func repeatedWorkerCalls() async throws {
        let e = try E2E()
        let c = try e.client()
        let a = try await c.enqueue(enqueueRequest("a", at: "2026-03-01T11:00:00")).schedule.id
        let b = try await c.enqueue(enqueueRequest("b", at: "2026-03-01T11:10:00")).schedule.id
        let items = try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 2, leaseSeconds: 60, workerID: "w1")).items
        let token = Dictionary(uniqueKeysWithValues: items.map { ($0.schedule.id, $0.leaseToken) })
        let started = try await c.start(V1.StartRequest(projectID: "blog", scheduleID: a, leaseToken: token[a]!))
        #expect(try await c.start(V1.StartRequest(projectID: "blog", scheduleID: a, leaseToken: token[a]!)) == started)
        let done = try await c.complete(V1.CompleteRequest(projectID: "blog", scheduleID: a, leaseToken: token[a]!))
        #expect(try await c.complete(V1.CompleteRequest(projectID: "blog", scheduleID: a, leaseToken: token[a]!)) == done)
        let failed = try await c.fail(
            V1.FailRequest(projectID: "blog", scheduleID: b, leaseToken: token[b]!, error: "HTTP 503", retryable: true))
        let again = try await c.fail(
            V1.FailRequest(projectID: "blog", scheduleID: b, leaseToken: token[b]!, error: "HTTP 503", retryable: true))
        #expect(again.willRetry && again.nextAttemptAtMs == failed.nextAttemptAtMs)
        // The lease ended with Fail: a Complete with its token is refused as FAILED_PRECONDITION.
        await #expect {
            _ = try await c.complete(V1.CompleteRequest(projectID: "blog", scheduleID: b, leaseToken: token[b]!))
        } throws: { error in
            (error as? SchedulerError)?.code == .failedPrecondition
                && (error as? SchedulerError)?.message.contains("already ended by Fail") == true
        }
        await e.shutdown()
    }

    @Test("the lease-loss policy is set on Enqueue and Update and shown on the schedule")
    func leaseLossPolicy() async throws {
        let e = try E2E()
        let c = try e.client()
        var r = enqueueRequest("retry-me", at: "2026-03-01T13:00:00")
        r.leaseLossPolicy = .retry
        let created = try await c.enqueue(r).schedule
        #expect(created.leaseLossPolicy == .retry)
        #expect(try await c.enqueue(enqueueRequest("default", at: "2026-03-01T13:10:00")).schedule.leaseLossPolicy == .hold)
        var update = V1.UpdateRequest(projectID: "blog", scheduleID: created.id)
        update.leaseLossPolicy = .hold
        #expect(try await c.update(update).schedule.leaseLossPolicy == .hold)
        #expect(try await c.get(projectID: "blog", scheduleID: created.id).leaseLossPolicy == .hold)
        // A value this server does not know is refused, naming the field.
        var unknown = enqueueRequest("unknown", at: "2026-03-01T13:20:00")
        unknown.leaseLossPolicy = V1.LeaseLossPolicy(rawValue: 7)
        await #expect {
            _ = try await c.enqueue(unknown)
        } throws: { error in
            (error as? SchedulerError)?.code == .invalidArgument && (error as? SchedulerError)?.field == "enqueue.lease_loss_policy"
        }
        await e.shutdown()
    }

    @Test("a time in the past is accepted, due now, and the answer says so")
    func pastTime() async throws {
        let e = try E2E()  // the clock reads 2026-03-01T12:00:00Z
        let c = try e.client()
        let past = try await c.enqueue(enqueueRequest("late", at: "2026-02-01T09:00:00"))
        #expect(past.pastDue && past.warning.contains("due now"))
        #expect(try await e.engine.runOnce().windows == .init(), "not expired by the next maintenance pass")
        let items = try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 5, workerID: "w1")).items
        #expect(items.map(\.schedule.id) == [past.schedule.id])
        let future = try await c.enqueue(enqueueRequest("on-time", at: "2026-03-01T12:30:00"))
        #expect(!future.pastDue && future.warning.isEmpty)
        await e.shutdown()
    }

    @Test("leases that ran out while the server was down get a grace at start-up")
    func leaseGraceAfterStart() async throws {
        let e = try E2E()
        let c = try e.client()
        let id = try await c.enqueue(enqueueRequest("p", at: "2026-03-01T11:00:00")).schedule.id
        let item = try #require(
            try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 1, leaseSeconds: 30, workerID: "w1", start: true))
                .items.first)
        e.clock.advance(seconds: 600)  // down for ten minutes
        #expect(try await e.engine.graceLeasesAfterStart() == 1)
        #expect(try await e.engine.runOnce().leases == .init(), "held for the worker, not outcome-unknown")
        let done = try await c.complete(V1.CompleteRequest(projectID: "blog", scheduleID: id, leaseToken: item.leaseToken))
        #expect(done.schedule.queueStatus == .completed)
        await e.shutdown()
    }

    @Test("an expired token is UNAUTHENTICATED")
    func expiredToken() async throws {
        let e = try E2E()
        let (token, record) = try e.tokens.create(projects: ["blog"], admin: false, expiresInSeconds: 3600)
        #expect(record.expiresAt == "2026-03-01T13:00:00Z")
        let c = try e.client(token: token)
        _ = try await c.list(V1.ListRequest(projectID: "blog"))
        e.clock.advance(seconds: 3600)
        await #expect {
            _ = try await c.list(V1.ListRequest(projectID: "blog"))
        } throws: { error in
            (error as? SchedulerError)?.code == .unauthenticated
        }
        await e.shutdown()
    }
}
