import ScheduleStore
import SchedulingCore
import Testing

@Suite("Dequeue, leases, complete, fail")
struct LeaseTests {
    func dequeue(_ f: StoreFixture, limit: Int = 10, worker: String = "w1", lease: Int64 = 60, maxInFlight: Int? = nil)
        async throws -> [Lease]
    {
        try await f.store.dequeue(
            DequeueRequest(
                projectID: "p1", limit: limit, leaseSeconds: lease, workerID: worker, maxInFlight: maxInFlight))
    }

    @Test(arguments: StoreBackend.all) func dequeueHandsOutDueItemsByPriorityThenTime(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let late = try await f.add(minutes: 20, priority: 5)
        let early = try await f.add(minutes: 10, priority: 5)
        let urgent = try await f.add(minutes: 30, priority: 9)
        let future = try await f.add(minutes: 120, priority: 10)
        f.clock.advance(seconds: 3600)
        let leases = try await dequeue(f)
        #expect(leases.map(\.schedule.id) == [urgent.id, early.id, late.id])
        #expect(!leases.map(\.schedule.id).contains(future.id))
        for l in leases {
            #expect(l.schedule.queueStatus == .queued && l.schedule.status == .scheduled)
            #expect(l.token.count == 32)
            #expect(l.expiresAt == t0.adding(seconds: 3660))
            #expect(l.attempt == 1)
            #expect(l.idempotencyKey == "\(l.schedule.id)/1")
            #expect(l.schedule.leaseOwner == "w1")
            #expect(l.remainingPlatforms == ["TWITTER"])
        }
        #expect(Set(leases.map(\.token)).count == 3)
        #expect(try await dequeue(f, worker: "w2").isEmpty, "leased items are not handed out twice")
        // Another project's queue is separate.
        #expect(try await f.store.dequeue(DequeueRequest(projectID: "p2", workerID: "w")).isEmpty)
    }

    @Test(arguments: StoreBackend.all) func expiredLeaseIsHandedOutAgainAndTheOldTokenIsFenced(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await f.add()
        let first = try #require(try await dequeue(f, lease: 30).first)
        f.clock.advance(seconds: 31)
        let second = try #require(try await dequeue(f, worker: "w2").first)
        #expect(second.schedule.id == s.id)
        #expect(second.attempt == 2)
        #expect(second.token != first.token)
        let e = await storeError {
            _ = try await f.store.complete(projectID: "p1", scheduleID: s.id, leaseToken: first.token)
        }
        #expect(e?.code == .failedPrecondition)
        #expect(e?.field == "leaseToken")
        #expect(e?.currentState?.queue == .queued)
        let done = try await f.store.complete(projectID: "p1", scheduleID: s.id, leaseToken: second.token)
        #expect(done.schedule.queueStatus == .completed)
    }

    @Test(arguments: StoreBackend.all) func maxInFlightCapsLiveLeases(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        for i in 0..<6 { try await f.add(minutes: Int64(i * 10)) }
        f.clock.advance(seconds: 7200)
        #expect(try await dequeue(f, limit: 10, maxInFlight: 2).count == 2)
        #expect(try await dequeue(f, limit: 10, maxInFlight: 2).isEmpty)
        #expect(try await dequeue(f, limit: 10, maxInFlight: 3).count == 1)
        f.clock.advance(seconds: 61)  // the leases lapse: they no longer count
        #expect(try await dequeue(f, limit: 10, maxInFlight: 4).count == 4)
    }

    @Test(arguments: StoreBackend.all) func dequeueValidatesItsInput(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        for (req, field) in [
            (DequeueRequest(projectID: "p1", limit: 0, workerID: "w"), "limit"),
            (DequeueRequest(projectID: "p1", limit: 101, workerID: "w"), "limit"),
            (DequeueRequest(projectID: "p1", leaseSeconds: 0, workerID: "w"), "leaseSeconds"),
            (DequeueRequest(projectID: "p1", workerID: ""), "workerID"),
            (DequeueRequest(projectID: "p1", workerID: "w", maxInFlight: 0), "maxInFlight"),
        ] {
            let e = await storeError { _ = try await f.store.dequeue(req) }
            #expect(e?.field == field)
        }
    }

    @Test(arguments: StoreBackend.all) func processingHeartbeatAndCompleteRecordTheAttempt(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await f.add(platforms: ["twitter", "linkedin"])
        let lease = try #require(try await dequeue(f).first)
        f.clock.advance(seconds: 5)
        let p = try await f.store.markProcessing(projectID: "p1", scheduleID: s.id, leaseToken: lease.token)
        #expect(p.queueStatus == .processing && p.status == .active && p.processingAt == t0.adding(seconds: 5))
        // A repeated Start under the same lease (its answer was lost) is answered, not refused.
        f.clock.advance(seconds: 1)
        #expect(try await f.store.markProcessing(projectID: "p1", scheduleID: s.id, leaseToken: lease.token) == p)
        f.clock.advance(seconds: -1)
        let bad = await storeError {
            _ = try await f.store.heartbeat(
                projectID: "p1", scheduleID: s.id, leaseToken: "0123456789abcdef0123456789abcdef")
        }
        #expect(bad?.field == "leaseToken")
        f.clock.advance(seconds: 50)
        let expiry = try await f.store.heartbeat(
            projectID: "p1", scheduleID: s.id, leaseToken: lease.token, leaseSeconds: 120)
        #expect(expiry == t0.adding(seconds: 175))
        f.clock.advance(seconds: 100)  // past the original lease, inside the extended one
        #expect(try await f.store.reapExpiredLeases() == ReapResult())
        let done = try await f.store.complete(
            projectID: "p1", scheduleID: s.id, leaseToken: lease.token,
            results: [PlatformResult(platform: "twitter", url: "https://x.example/1")])
        #expect(done.schedule.queueStatus == .completed && done.schedule.status == .published)
        #expect(done.schedule.publishedAt == t0.adding(seconds: 155))
        #expect(done.schedule.publishedPlatforms == ["TWITTER", "LINKEDIN"])
        #expect(done.schedule.leaseOwner == nil && done.schedule.leaseExpiresAt == nil)
        #expect(done.nextOccurrence == nil)
        // A repeated Complete with the same token gets the original result.
        let again = try await f.store.complete(projectID: "p1", scheduleID: s.id, leaseToken: lease.token)
        #expect(again == done)
        let mixed = await storeError {
            _ = try await f.store.complete(
                projectID: "p1", scheduleID: s.id, leaseToken: lease.token,
                results: [PlatformResult(platform: "twitter", error: "boom")])
        }
        #expect(mixed?.code != nil)
    }

    @Test(arguments: StoreBackend.all) func dequeueWithStartHandsOutStartedItemsWithTheirAttemptStarted(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await f.add(platforms: ["twitter", "linkedin"])
        let other = try await f.add(minutes: 10)
        f.clock.advance(seconds: 3600)
        let leases = try await f.store.dequeue(
            DequeueRequest(projectID: "p1", limit: 10, leaseSeconds: 60, workerID: "w1", start: true))
        #expect(leases.map(\.schedule.id) == [s.id, other.id])
        let now = t0.adding(seconds: 3600)
        for l in leases {
            #expect(l.schedule.queueStatus == .processing && l.schedule.status == .active)
            #expect(l.schedule.processingAt == now && l.schedule.queuedAt == now && l.attempt == 1)
            #expect(try await f.store.get(projectID: "p1", scheduleID: l.schedule.id) == l.schedule)
        }
        // Already started: a separate Start changes nothing and answers with the started item,
        // and the attempt history shows it started when it was dequeued.
        f.clock.advance(seconds: 5)
        let started = try await f.store.markProcessing(projectID: "p1", scheduleID: s.id, leaseToken: leases[0].token)
        #expect(started == leases[0].schedule)
        let history = try await f.store.history(projectID: "p1", scheduleID: s.id)
        #expect(history.count == 1 && history[0].startedAt == now && history[0].dequeuedAt == now)

        let done = try await f.store.complete(projectID: "p1", scheduleID: s.id, leaseToken: leases[0].token)
        #expect(done.schedule.queueStatus == .completed)
        // A started item whose lease runs out follows its lease-loss policy (HOLD: failed, outcome
        // unknown), as after Start; it is not handed out again.
        f.clock.advance(seconds: 61)
        #expect(try await f.store.reapExpiredLeases() == ReapResult(failed: 1, heldOutcomeUnknown: 1))
        #expect(try await f.store.get(projectID: "p1", scheduleID: other.id).queueStatus == .failed)
    }

    @Test(arguments: StoreBackend.all) func failRetriesWithBackoffThenFailsAtMaxRetries(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await f.add {
            $0.maxRetries = 2
            $0.retryDelaySeconds = 60
        }
        var expectedDelay: Int64 = 60
        for retry in 1...2 {
            let lease = try #require(try await dequeue(f).first)
            let r = try await f.store.fail(
                projectID: "p1", scheduleID: s.id, leaseToken: lease.token, error: "HTTP 503")
            let now = f.clock.now()
            #expect(r.outcome == .retryScheduled(at: now.adding(seconds: expectedDelay), retryCount: retry))
            #expect(r.schedule.queueStatus == .pending && r.schedule.retryCount == retry)
            #expect(r.schedule.scheduledFor == now.adding(seconds: expectedDelay))
            #expect(r.schedule.failureReason == "HTTP 503")
            #expect(try await dequeue(f).isEmpty, "not due before the backoff")
            f.clock.advance(seconds: expectedDelay)
            expectedDelay *= 2
        }
        let lease = try #require(try await dequeue(f).first)
        #expect(lease.attempt == 3)
        let r = try await f.store.fail(projectID: "p1", scheduleID: s.id, leaseToken: lease.token, error: "HTTP 503")
        #expect(r.outcome == .failed)
        #expect(r.schedule.queueStatus == .failed && r.schedule.status == .failed)
    }

    @Test(arguments: StoreBackend.all) func nonRetryableFailureFailsAtOnce(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await f.add()
        let lease = try #require(try await dequeue(f).first)
        let r = try await f.store.fail(
            projectID: "p1", scheduleID: s.id, leaseToken: lease.token, error: "content rejected", retryable: false)
        #expect(r.outcome == .failed)
    }

    @Test(arguments: StoreBackend.all) func partialSuccessKeepsPublishedPlatformsAndCompletesAtTheLastRetry(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await f.add(platforms: ["twitter", "linkedin", "medium"]) {
            $0.maxRetries = 1
            $0.retryDelaySeconds = 10
        }
        var lease = try #require(try await dequeue(f).first)
        #expect(lease.remainingPlatforms == ["TWITTER", "LINKEDIN", "MEDIUM"])
        var r = try await f.store.fail(
            projectID: "p1", scheduleID: s.id, leaseToken: lease.token,
            results: [
                PlatformResult(platform: "twitter", url: "https://t/1"),
                PlatformResult(platform: "linkedin", error: "503"),
            ], error: "linkedin down")
        #expect(r.schedule.publishedPlatforms == ["TWITTER"])
        #expect(r.schedule.remainingPlatforms == ["LINKEDIN", "MEDIUM"])
        f.clock.advance(seconds: 10)
        lease = try #require(try await dequeue(f).first)
        #expect(lease.remainingPlatforms == ["LINKEDIN", "MEDIUM"])
        r = try await f.store.fail(
            projectID: "p1", scheduleID: s.id, leaseToken: lease.token,
            results: [PlatformResult(platform: "medium", url: "https://m/1")], error: "linkedin still down")
        #expect(r.outcome == .completedPartially)
        #expect(r.schedule.queueStatus == .completed && r.schedule.status == .published)
        #expect(r.schedule.publishedPlatforms == ["TWITTER", "MEDIUM"])
        #expect(r.schedule.remainingPlatforms == ["LINKEDIN"])
    }

    @Test(arguments: StoreBackend.all) func reporterMustNameThePlatformsOfTheSchedule(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await f.add()
        let lease = try #require(try await dequeue(f).first)
        let e = await storeError {
            _ = try await f.store.fail(
                projectID: "p1", scheduleID: s.id, leaseToken: lease.token,
                results: [PlatformResult(platform: "reddit", error: "x")], error: "x")
        }
        #expect(e?.field == "results[0].platform")
        #expect(try await f.store.get(projectID: "p1", scheduleID: s.id).queueStatus == .queued, "nothing half-written")
    }
}
