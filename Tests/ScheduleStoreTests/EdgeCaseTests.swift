import ScheduleStore
import SchedulingCore
import Testing

@Suite("Edge cases")
struct EdgeCaseTests {
    @Test(arguments: StoreBackend.all) func editingAQueuedItemReleasesItsLease(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await f.add()
        let lease = try #require(try await f.store.dequeue(DequeueRequest(projectID: "p1", workerID: "w")).first)
        let r = try await f.store.update(UpdateRequest(projectID: "p1", scheduleID: s.id, priority: 8))
        #expect(r.schedule.queueStatus == .pending && r.schedule.leaseOwner == nil)
        let e = await storeError {
            _ = try await f.store.complete(projectID: "p1", scheduleID: s.id, leaseToken: lease.token)
        }
        #expect(e?.code == .failedPrecondition)
        let again = try #require(try await f.store.dequeue(DequeueRequest(projectID: "p1", workerID: "w2")).first)
        #expect(again.attempt == 2 && again.schedule.priority == 8)
    }

    @Test(arguments: StoreBackend.all) func aReapedWorkerCannotHeartbeat(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await f.add()
        let lease = try #require(
            try await f.store.dequeue(DequeueRequest(projectID: "p1", leaseSeconds: 10, workerID: "w")).first)
        f.clock.advance(seconds: 11)
        #expect(try await f.store.reapExpiredLeases().released == 1)
        let e = await storeError {
            _ = try await f.store.heartbeat(projectID: "p1", scheduleID: s.id, leaseToken: lease.token)
        }
        #expect(e?.field == "leaseToken")
        #expect(e?.currentState?.queue == .pending)
    }

    @Test(arguments: StoreBackend.all) func checkConflictsStoresNothing(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        for i in 0..<5 { _ = try await f.add { $0.contentID = "c\(i)" } }
        let v = try await f.store.checkConflicts(
            projectID: "p1", time: .instant(t0), platforms: ["twitter"], autoResolve: true)
        #expect(!v.valid)
        #expect(v.suggestedTime == t0.adding(seconds: 900))
        #expect(try await f.store.list(ListRequest(projectID: "p1")).total == 5)
        let bad = await storeError {
            _ = try await f.store.checkConflicts(projectID: "p1", time: .instant(t0), platforms: ["fax"])
        }
        #expect(bad?.field == "platforms[0]")
    }

    @Test(arguments: StoreBackend.all) func rangeAndSizeLimitsAreChecked(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        var e = await storeError {
            _ = try await f.store.metricsHistory(projectID: "p1", from: t0, to: t0.adding(seconds: -1))
        }
        #expect(e?.field == "from")
        e = await storeError {
            _ = try await f.store.batchCancel(projectID: "p1", scheduleIDs: Array(repeating: "x", count: 1001))
        }
        #expect(e?.field == "scheduleIDs")
        e = await storeError {
            _ = try await f.store.list(ListRequest(projectID: "p1", from: t0, to: t0.adding(seconds: -1)))
        }
        #expect(e?.field == "from")
        e = await storeError { _ = try await f.store.listConflicts(projectID: "p1", limit: 0) }
        #expect(e?.field == "limit")
    }

    @Test(arguments: StoreBackend.all) func aClosedStoreAnswersCancelled(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await f.add()
        f.store.close()
        var e = await storeError { _ = try await f.add(minutes: 10) }
        #expect(e?.code == .cancelled)
        e = await storeError { _ = try await f.store.get(projectID: "p1", scheduleID: s.id) }
        #expect(e?.code == .cancelled)
        f.store.close()  // twice is fine
    }

    @Test(arguments: StoreBackend.all) func localTimesInADSTGapFollowRFC5545(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        // 02:30 on 2030-03-10 does not exist in New York (clocks jump 02:00 → 03:00): it is read
        // with the offset before the gap, i.e. 03:30 EDT = 07:30Z. The DST check warns about it.
        let r = try await f.store.enqueue(
            EnqueueRequest(
                projectID: "p1", contentID: "gap",
                time: .local(LocalDateTime(year: 2030, month: 3, day: 10, hour: 2, minute: 30)!),
                timeZone: "America/New_York", platforms: ["twitter"]))
        #expect(r.schedule.scheduledFor == Instant(iso8601: "2030-03-10T07:30:00Z"))
        #expect(r.schedule.localTime == LocalDateTime(year: 2030, month: 3, day: 10, hour: 2, minute: 30))
        #expect(r.conflicts.contains { $0.type == .custom && $0.severity == .warning })
        let stored = try await f.store.listConflicts(projectID: "p1")
        #expect(stored.contains { $0.type == .custom })
    }

    @Test(arguments: StoreBackend.all) func weeklyShorthandFollowsTheSeedsDaysOfWeek(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        // t0 is Monday 12:00Z; Mon/Wed/Fri at 12:00 UTC.
        let first = try await f.add {
            $0.recurrence = .shorthand(pattern: "weekly", configJSON: #"{"daysOfWeek":[1,3,5],"hour":12,"minute":0}"#)
        }
        #expect(
            first.recurrence
                == .shorthand(pattern: "weekly", configJSON: #"{"daysOfWeek":[1,3,5],"hour":12,"minute":0}"#))
        let lease = try #require(try await f.store.dequeue(DequeueRequest(projectID: "p1", workerID: "w")).first)
        let done = try await f.store.complete(projectID: "p1", scheduleID: first.id, leaseToken: lease.token)
        #expect(done.nextOccurrence?.scheduledFor == t0.adding(seconds: 2 * 86_400))
        let bad = await storeError {
            _ = try await f.add(minutes: 10) {
                $0.recurrence = .shorthand(pattern: "weekly", configJSON: #"{"daysOfWeek":[9]}"#)
            }
        }
        #expect(bad?.field == "recurringConfig")
    }

    @Test(arguments: StoreBackend.all) func aFullWriteQueueRefusesWithResourceExhausted(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend) { $0.maxQueuedWrites = 1 }
        let store = f.store
        let outcomes = await withTaskGroup(of: StoreError.Code?.self) { group in
            for i in 0..<200 {
                group.addTask {
                    do {
                        _ = try await store.enqueue(
                            EnqueueRequest(
                                projectID: "p1", contentID: "c\(i)", time: .instant(t0.adding(seconds: Int64(i) * 151)),
                                platforms: ["twitter"]))
                        return nil
                    } catch let e as StoreError {
                        return e.code
                    } catch {
                        return .internal
                    }
                }
            }
            var all: [StoreError.Code?] = []
            for await o in group { all.append(o) }
            return all
        }
        let stored = outcomes.filter { $0 == nil }.count
        #expect(outcomes.allSatisfy { $0 == nil || $0 == StoreError.Code.resourceExhausted })
        #expect(try await f.store.list(ListRequest(projectID: "p1")).total == stored)
    }
}
