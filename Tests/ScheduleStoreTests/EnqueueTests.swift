import ScheduleStore
import SchedulingCore
import Testing

@Suite("Enqueue, get, list, update")
struct EnqueueTests {
    @Test(arguments: StoreBackend.all) func idsAndTextUpToTheLimitsAreAccepted(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let r = try await f.store.enqueue(
            EnqueueRequest(
                projectID: "p1", contentID: String(repeating: "c", count: StoreLimits.maxIDBytes), time: .instant(t0),
                platforms: ["twitter"], notes: String(repeating: "n", count: StoreLimits.maxTextBytes)))
        #expect(try await f.store.get(projectID: "p1", scheduleID: r.schedule.id).notes?.utf8.count == StoreLimits.maxTextBytes)
    }

    @Test(arguments: StoreBackend.all) func aLongBadValueIsEchoedCut(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let zone = String(repeating: "Z", count: 5_000)
        let e = await storeError {
            _ = try await f.store.enqueue(EnqueueRequest(projectID: "p1", contentID: "c", time: .instant(t0), timeZone: zone, platforms: ["twitter"]))
        }
        #expect(e?.field == "timeZone")
        #expect(e?.message == "timeZone: unknown time zone \"\(String(repeating: "Z", count: 64))…\"")
    }

    /// EnqueueBatch resolves its items' zones, platforms and times before the writer; each bad
    /// item is still refused exactly as the same request alone: same code, field and message,
    /// and the same first refusal when a request has several faults (the metadata, which the
    /// writer checks, comes before the zone).
    @Test(arguments: StoreBackend.all) func aBatchItemIsRefusedAsTheSameRequestAlone(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend) { $0.rateLimitOverrides = ["p2": ["mastodon": 30]] }
        func item(_ n: Int, project: String = "p1", zone: String = "UTC", platforms: [String] = ["twitter"],
                  time: ScheduleTime? = nil, metadata: String? = nil, priority: Int = 5) -> EnqueueRequest {
            EnqueueRequest(
                projectID: project, contentID: "c\(n)", time: time ?? .instant(t0.adding(seconds: Int64(n) * 600)),
                timeZone: zone, platforms: platforms, priority: priority, metadataJSON: metadata)
        }
        let bad: [EnqueueRequest] = [
            item(1, zone: "Mars/Olympus"),
            item(2, platforms: ["twitter", "myspace"]),
            item(3, platforms: ["mastodon"]),  // known to p2 only
            item(4, time: .instant(Instant(unixMilliseconds: 400_000_000_000_000))),
            item(5, zone: "Mars/Olympus", metadata: "{"),
            item(6, zone: "Mars/Olympus", priority: 0),
            item(7, platforms: []),
        ]
        let fields = ["timeZone", "platforms[1]", "platforms[0]", "time", "metadata", "priority", "platforms"]
        for (i, r) in bad.enumerated() {
            let alone = await storeError { _ = try await f.store.enqueue(r) }
            #expect(alone?.field == fields[i], "item \(i): \(String(describing: alone))")
            let results = try await f.store.enqueueBatch([
                item(100 + 2 * i), r, item(101 + 2 * i, project: "p2", platforms: ["Mastodon"]),
            ])
            #expect(results.count == 3)
            guard case .failure(let inBatch) = results[1] else {
                Issue.record("item \(i) was accepted in a batch")
                continue
            }
            #expect(alone?.code == inBatch.code, "item \(i)")
            #expect(alone?.field == inBatch.field, "item \(i): \(inBatch)")
            #expect(alone?.message == inBatch.message, "item \(i)")
            // Its neighbours, one in another project with a platform only that project knows, are stored.
            #expect((try? results[0].get()) != nil && (try? results[2].get()) != nil, "item \(i)")
        }
        let p2 = try await f.store.enqueueBatch([item(200, project: "p2", platforms: ["mastodon"])])
        #expect(try p2[0].get().schedule.platforms == ["MASTODON"])
    }

    /// A batch item's local time is formatted before the writer, as asked; one that auto-resolve
    /// moves is stored with the local time where it landed, not the one it asked for.
    /// An external job id another schedule holds is refused naming the field, alone and as a
    /// batch item, and nothing of the refused request is stored. (On PostgreSQL the INSERT travels
    /// with the next statement or with COMMIT, so its refusal comes from there.)
    @Test(arguments: StoreBackend.all) func anExternalJobIDAlreadyUsedIsRefusedAndNothingIsStored(
        _ backend: StoreBackend
    ) async throws {
        let f = try StoreFixture(backend)
        func request(_ content: String, minutes: Int64, job: String?) -> EnqueueRequest {
            var r = EnqueueRequest(
                projectID: "p1", contentID: content, time: .instant(t0.adding(seconds: minutes * 60)),
                platforms: ["twitter"])
            r.externalJobID = job
            return r
        }
        _ = try await f.store.enqueue(request("first", minutes: 0, job: "job-1"))
        let e = await storeError { _ = try await f.store.enqueue(request("second", minutes: 10, job: "job-1")) }
        #expect(e?.code == .alreadyExists)
        #expect(e?.field == "externalJobID")

        let results = try await f.store.enqueueBatch([
            request("a", minutes: 20, job: "job-2"), request("b", minutes: 30, job: "job-1"),
            request("c", minutes: 40, job: nil),
        ])
        #expect(results.count == 3)
        if case .failure(let item) = results[1] {
            #expect(item.code == .alreadyExists)
            #expect(item.field == "externalJobID")
        } else {
            Issue.record("the batch item naming a used job id was stored")
        }
        #expect((try? results[0].get()) != nil)
        #expect((try? results[2].get()) != nil)
        let stored = try await f.store.list(ListRequest(projectID: "p1")).items.map(\.contentID).sorted()
        #expect(stored == ["a", "c", "first"])
    }

    @Test(arguments: StoreBackend.all) func aMovedBatchItemKeepsTheLocalTimeItLandedOn(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let asked = try #require(LocalDateTime(year: 2030, month: 7, day: 2, hour: 12, minute: 0))
        let items = (1...6).map { i in
            EnqueueRequest(
                projectID: "p1", contentID: "b\(i)", time: .local(asked), timeZone: "Europe/Berlin", platforms: ["twitter"],
                autoResolve: true)
        }
        let results = try await f.store.enqueueBatch(items).map { try $0.get() }
        let berlin = try TimeZoneDatabase.system.zone("Europe/Berlin")
        for (i, r) in results.enumerated() {
            let stored = try await f.store.get(projectID: "p1", scheduleID: r.schedule.id)
            #expect(stored.localTime == berlin.localDateTime(at: stored.scheduledFor), "item \(i)")
            #expect((stored.localTime == asked) == (r.adjustedTime == nil), "item \(i): \(stored.localTime)")
        }
        // The publish capacity (five at once) moves the sixth.
        #expect(results.prefix(5).allSatisfy { $0.adjustedTime == nil } && results[5].adjustedTime != nil)
    }

    @Test(arguments: StoreBackend.all) func enqueueStoresEveryFieldAndGetReadsItBack(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let r = try await f.store.enqueue(
            EnqueueRequest(
                projectID: "p1", contentID: "c1",
                time: .local(LocalDateTime(year: 2030, month: 1, day: 7, hour: 9, minute: 30)!),
                timeZone: "America/New_York", platforms: ["twitter", "dev.to", "Twitter"], priority: 7,
                publishDelaySeconds: 30, maxRetries: 5, retryDelaySeconds: 60, notes: "hello",
                metadataJSON: #"{"campaign":"launch"}"#, expiryWindowSeconds: 600, leaseLossPolicy: .retry,
                externalJobID: "job-1"))
        #expect(!r.replayed)
        #expect(r.adjustedTime == nil)
        let s = try await f.store.get(projectID: "p1", scheduleID: r.schedule.id)
        #expect(s == r.schedule)
        #expect(s.scheduledFor == Instant(iso8601: "2030-01-07T14:30:00Z"))
        #expect(s.localTime == LocalDateTime(year: 2030, month: 1, day: 7, hour: 9, minute: 30))
        #expect(s.timeZone == "America/New_York")
        #expect(s.platforms == ["TWITTER", "DEVTO"])
        #expect(s.priority == 7)
        #expect(s.queueStatus == .pending && s.status == .scheduled)
        #expect(s.publishDelaySeconds == 30 && s.maxRetries == 5 && s.retryDelaySeconds == 60)
        #expect(s.notes == "hello")
        #expect(s.metadataJSON == #"{"campaign":"launch"}"#)
        #expect(s.expiryWindowSeconds == 600)
        #expect(s.leaseLossPolicy == .retry)
        #expect(s.externalJobID == "job-1")
        #expect(s.createdAt == t0 && s.updatedAt == t0)
        #expect(!s.isRecurring && s.seriesID == nil)
        #expect(s.remainingPlatforms == ["TWITTER", "DEVTO"])
        // Another project cannot see it.
        let e = await storeError { _ = try await f.store.get(projectID: "p2", scheduleID: r.schedule.id) }
        #expect(e?.code == .notFound)
    }

    static var badInputs: [(String, (inout EnqueueRequest) -> Void)] {
        [
            ("priority", { (r: inout EnqueueRequest) in r.priority = 11 }),
            ("priority", { (r: inout EnqueueRequest) in r.priority = 0 }),
            ("timeZone", { (r: inout EnqueueRequest) in r.timeZone = "Mars/Olympus" }),
            ("timeZone", { (r: inout EnqueueRequest) in r.timeZone = "localtime" }),
            ("platforms", { (r: inout EnqueueRequest) in r.platforms = [] }),
            ("platforms[1]", { (r: inout EnqueueRequest) in r.platforms = ["twitter", "myspace"] }),
            ("metadata", { (r: inout EnqueueRequest) in r.metadataJSON = "{not json" }),
            ("metadata", { (r: inout EnqueueRequest) in r.metadataJSON = "42" }),
            ("metadata", { (r: inout EnqueueRequest) in r.metadataJSON = #"["a"]"# }),
            ("projectID", { (r: inout EnqueueRequest) in r.projectID = "" }),
            ("contentID", { (r: inout EnqueueRequest) in r.contentID = "" }),
            ("contentID", { (r: inout EnqueueRequest) in r.contentID = String(repeating: "c", count: StoreLimits.maxIDBytes + 1) }),
            ("notes", { (r: inout EnqueueRequest) in r.notes = String(repeating: "n", count: StoreLimits.maxTextBytes + 1) }),
            ("maxRetries", { (r: inout EnqueueRequest) in r.maxRetries = -1 }),
            ("publishDelaySeconds", { (r: inout EnqueueRequest) in r.publishDelaySeconds = -5 }),
            ("time", { (r: inout EnqueueRequest) in r.time = .instant(Instant(unixSeconds: 400_000_000_000)) }),
            ("recurrence", { (r: inout EnqueueRequest) in r.recurrence = .rrule("FREQ=SOMETIMES") }),
            ("recurrence", { (r: inout EnqueueRequest) in r.recurrence = .cron("61 * * * *") }),
            ("recurrence", { (r: inout EnqueueRequest) in r.recurrence = .cron("0 0 31 2 *") }),
            (
                "recurringPattern",
                { (r: inout EnqueueRequest) in r.recurrence = .shorthand(pattern: "hourly", configJSON: nil) }
            ),
            (
                "recurringUntil",
                { (r: inout EnqueueRequest) in
                    r.recurrence = .rrule("FREQ=DAILY")
                    r.recurringUntil = t0.adding(seconds: -1)
                }
            ),
        ]
    }

    @Test(arguments: StoreBackend.all, 0..<EnqueueTests.badInputs.count)
    func badInputNamesTheField(_ backend: StoreBackend, index: Int) async throws {
        let (field, mutate) = Self.badInputs[index]
        let f = try StoreFixture(backend)
        var r = EnqueueRequest(projectID: "p1", contentID: "c", time: .instant(t0), platforms: ["twitter"])
        mutate(&r)
        let e = await storeError { _ = try await f.store.enqueue(r) }
        #expect(e?.code == .invalidArgument)
        #expect(e?.field == field)
        let page = try await f.store.list(ListRequest(projectID: r.projectID.isEmpty ? "p1" : r.projectID))
        #expect(page.total == 0, "nothing half-written")
    }

    @Test(arguments: StoreBackend.all) func idempotencyKeyReplaysTheSameRequestAndRefusesADifferentOne(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        var r = EnqueueRequest(
            projectID: "p1", contentID: "c", time: .instant(t0), platforms: ["twitter"], idempotencyKey: "k1")
        let first = try await f.store.enqueue(r)
        f.clock.advance(seconds: 10)
        let again = try await f.store.enqueue(r)
        #expect(again.replayed)
        #expect(again.schedule.id == first.schedule.id)
        r.priority = 9
        let e = await storeError { _ = try await f.store.enqueue(r) }
        #expect(e?.code == .alreadyExists)
        #expect(e?.field == "idempotencyKey")
        // The key is per project.
        r.projectID = "p2"
        #expect(try await !f.store.enqueue(r).replayed)
    }

    /// Inside one EnqueueBatch, a later item with an earlier item's key repeats it (same request)
    /// or is refused (a different one), and a refused keyed item leaves the next item with the
    /// same key free to be stored. (PostgreSQL queues each item's key lookup to travel with the
    /// item's conflict reads: these are the answers it must read back, per item.)
    @Test(arguments: StoreBackend.all) func aBatchItemRepeatingAnEarlierItemsKeyIsAnsweredAsThatItem(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let a = EnqueueRequest(
            projectID: "p1", contentID: "a", time: .instant(t0), platforms: ["twitter"], idempotencyKey: "k-a")
        var different = a
        different.contentID = "a2"
        var refused = EnqueueRequest(
            projectID: "p1", contentID: "b", time: .instant(t0), platforms: ["twitter"], idempotencyKey: "k-b")
        refused.metadataJSON = "[1]"
        var stored = refused
        stored.metadataJSON = nil
        let results = try await f.store.enqueueBatch([a, a, different, refused, stored, stored])
        let first = try results[0].get()
        #expect(!first.replayed)
        #expect(try results[1].get().replayed)
        #expect(try results[1].get().schedule.id == first.schedule.id)
        #expect(results[2].failure?.code == .alreadyExists)
        #expect(results[2].failure?.field == "idempotencyKey")
        #expect(results[3].failure?.field == "metadata")
        let b = try results[4].get()
        #expect(!b.replayed)
        #expect(try results[5].get().replayed)
        #expect(try results[5].get().schedule.id == b.schedule.id)
        #expect(try await f.store.list(ListRequest(projectID: "p1")).total == 2)
    }

    /// A repeat is answered as the first even when the request would now be refused: its own
    /// schedule fills the slot, or its external job id is its own. A different request with the
    /// key is alreadyExists, not the refusal. (SQLite looks the key up only after a refusal or an
    /// insert that finds it taken; PostgreSQL queues the lookup with the conflict checks' reads and
    /// reads its answer before the insert or after a refusal: both answer the same.)
    @Test(arguments: StoreBackend.all) func aRepeatIsAnsweredAsTheFirstWhenItWouldNowBeRefused(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        for i in 0..<4 {  // four at the same minute; the keyed fifth fills the resource window (max 5)
            _ = try await f.store.enqueue(
                EnqueueRequest(projectID: "p1", contentID: "c\(i)", time: .instant(t0), platforms: ["twitter"]))
        }
        var r = EnqueueRequest(
            projectID: "p1", contentID: "x", time: .instant(t0), platforms: ["twitter"], idempotencyKey: "k-full")
        r.externalJobID = "job-1"
        let first = try await f.store.enqueue(r)
        #expect(!first.replayed)
        let again = try await f.store.enqueue(r)
        #expect(again.replayed)
        #expect(again.schedule.id == first.schedule.id)
        var other = r
        other.contentID = "y"
        let e = await storeError { _ = try await f.store.enqueue(other) }
        #expect(e?.code == .alreadyExists)
        #expect(e?.field == "idempotencyKey")
        // A fresh key on the full slot is refused, as before.
        var fresh = r
        fresh.idempotencyKey = "k-new"
        fresh.externalJobID = nil
        let refused = await storeError { _ = try await f.store.enqueue(fresh) }
        #expect(refused?.code == .failedPrecondition)
        let page = try await f.store.list(ListRequest(projectID: "p1"))
        #expect(page.total == 5)
    }

    @Test(arguments: StoreBackend.all) func blockingConflictsRefuseUnlessAutoResolve(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        for i in 0..<5 {  // five at the same minute fill the resource window (max 5)
            _ = try await f.store.enqueue(
                EnqueueRequest(projectID: "p1", contentID: "c\(i)", time: .instant(t0), platforms: ["twitter"]))
        }
        let req = EnqueueRequest(projectID: "p1", contentID: "x", time: .instant(t0), platforms: ["twitter"])
        let e = await storeError { _ = try await f.store.enqueue(req) }
        #expect(e?.code == .failedPrecondition)
        #expect(e?.conflicts.contains { $0.type == .resource && $0.severity == .error } == true)

        var auto = req
        auto.autoResolve = true
        let r = try await f.store.enqueue(auto)
        #expect(r.originalTime == t0)
        #expect(r.adjustedTime == t0.adding(seconds: 900))
        #expect(r.schedule.scheduledFor == t0.adding(seconds: 900))
        #expect(r.schedule.localTime == LocalDateTime(year: 2030, month: 1, day: 7, hour: 12, minute: 15))
        #expect(r.conflicts.contains { $0.type == .sameTime })
    }

    @Test(arguments: StoreBackend.all) func conflictsPageWithFiltersAndATotalPastAnyCap(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        // 25 pairs 10 minutes apart; the second of each pair warns about the first (SAME_TIME).
        var firsts: [String] = []
        var seconds: [String] = []
        for i in 0..<25 {
            let at = t0.adding(seconds: Int64(i) * 600)
            let a = try await f.store.enqueue(EnqueueRequest(projectID: "p1", contentID: "a\(i)", time: .instant(at), platforms: ["twitter"]))
            firsts.append(a.schedule.id)
            let b = try await f.store.enqueue(
                EnqueueRequest(projectID: "p1", contentID: "b\(i)", time: .instant(at.adding(seconds: 20)), platforms: ["twitter"]))
            seconds.append(b.schedule.id)
        }
        let page2 = try await f.store.listConflicts(ConflictListRequest(projectID: "p1", page: 2, limit: 10))
        #expect(page2.total == 25 && page2.totalPages == 3 && page2.items.count == 10)
        // Newest conflict time first: page 2 starts at the 11th newest pair (i = 14).
        #expect(page2.items.first?.schedule1ID == seconds[14])
        let last = try await f.store.listConflicts(ConflictListRequest(projectID: "p1", page: 3, limit: 10))
        #expect(last.items.map(\.schedule1ID) == Array(seconds[0..<5].reversed()))
        let past = try await f.store.listConflicts(ConflictListRequest(projectID: "p1", page: 4, limit: 10))
        #expect(past.items.isEmpty && past.total == 25)
        // Either side of the pair; a time window, inclusive.
        let one = try await f.store.listConflicts(ConflictListRequest(projectID: "p1", scheduleID: seconds[3]))
        #expect(one.total == 1 && one.items.first?.schedule1ID == seconds[3])
        let named = try await f.store.listConflicts(ConflictListRequest(projectID: "p1", scheduleID: firsts[3]))
        #expect(named.total == 1 && named.items.map(\.id) == one.items.map(\.id) && named.items.first?.schedule2ID == firsts[3])
        #expect(try await f.store.listConflicts(ConflictListRequest(projectID: "p2", scheduleID: firsts[3])).total == 0)
        let window = try await f.store.listConflicts(
            ConflictListRequest(projectID: "p1", from: t0.adding(seconds: 600 + 20), to: t0.adding(seconds: 3 * 600 + 20)))
        #expect(window.total == 3)
        // Resolved ones only with includeResolved.
        _ = try await f.store.resolveConflict(projectID: "p1", conflictID: one.items[0].id, resolution: "ok", resolvedBy: "a")
        #expect(try await f.store.listConflicts(ConflictListRequest(projectID: "p1")).total == 24)
        #expect(try await f.store.listConflicts(ConflictListRequest(projectID: "p1", includeResolved: true)).total == 25)
        #expect(try await f.store.listConflicts(ConflictListRequest(projectID: "p1", scheduleID: firsts[3])).total == 0)
        let resolved = try await f.store.listConflicts(
            ConflictListRequest(projectID: "p1", includeResolved: true, scheduleID: firsts[3]))
        #expect(resolved.total == 1 && resolved.items.first?.resolved == true)
        let e = await storeError { _ = try await f.store.listConflicts(ConflictListRequest(projectID: "p1", limit: 101)) }
        #expect(e?.field == "limit")
    }

    @Test(arguments: StoreBackend.all) func sameTimeConflictsNameTheOthersByTimeThenID(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        var others: [Schedule] = []
        for (n, seconds) in [Int64(40), 0, -40, 0].enumerated() {
            others.append(
                try await f.store.enqueue(
                    EnqueueRequest(
                        projectID: "p1", contentID: "other-\(n)", time: .instant(t0.adding(seconds: seconds)),
                        platforms: ["twitter"])
                ).schedule)
        }
        let r = try await f.store.enqueue(
            EnqueueRequest(projectID: "p1", contentID: "new", time: .instant(t0.adding(seconds: 10)), platforms: ["twitter"]))
        let named = r.conflicts.filter { $0.type == .sameTime }.map(\.conflictingScheduleID)
        let expected = others.sorted { ($0.scheduledFor, $0.id) < ($1.scheduledFor, $1.id) }.map(\.id)
        #expect(named == expected)
    }

    @Test(arguments: StoreBackend.all) func warningsArePersistedAsScheduleConflictsAndCanBeResolved(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let a = try await f.add(minutes: 0)
        let b = try await f.store.enqueue(
            EnqueueRequest(
                projectID: "p1", contentID: "b", time: .instant(t0.adding(seconds: 30)), platforms: ["twitter"]))
        #expect(b.conflicts.contains { $0.type == .sameTime && $0.conflictingScheduleID == a.id })
        let list = try await f.store.listConflicts(projectID: "p1")
        #expect(list.count == 1)
        let c = try #require(list.first)
        #expect(c.schedule1ID == b.schedule.id && c.schedule2ID == a.id)
        #expect(c.type == .sameTime && c.severity == .warning && !c.resolved)
        let resolved = try await f.store.resolveConflict(
            projectID: "p1", conflictID: c.id, resolution: "fine, different audiences", resolvedBy: "alice")
        #expect(resolved.resolved && resolved.resolvedBy == "alice" && resolved.resolvedAt == t0)
        #expect(try await f.store.listConflicts(projectID: "p1").isEmpty)
        #expect(try await f.store.listConflicts(projectID: "p1", includeResolved: true).count == 1)
        let e = await storeError {
            _ = try await f.store.resolveConflict(projectID: "p2", conflictID: c.id, resolution: "x", resolvedBy: "bob")
        }
        #expect(e?.code == .notFound)
    }

    @Test(arguments: StoreBackend.all) func rateLimitCountsUseThePlatformIndex(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend) { $0.rateLimitOverrides = ["p1": ["reddit": 2]] }
        _ = try await f.add(minutes: 0, platforms: ["reddit"])
        _ = try await f.add(minutes: 10, platforms: ["reddit"])
        let e = await storeError { _ = try await f.add(minutes: 20, platforms: ["reddit", "twitter"]) }
        #expect(e?.conflicts.first?.type == .rateLimit)
        #expect(e?.conflicts.first?.platform == "REDDIT")
        // Cancelled schedules free their slot.
        let page = try await f.store.list(ListRequest(projectID: "p1"))
        _ = try await f.store.cancel(projectID: "p1", scheduleID: page.items[0].id)
        _ = try await f.add(minutes: 20, platforms: ["reddit"])
        let check = try await f.store.checkConflicts(projectID: "p1", time: .instant(t0), platforms: ["reddit"])
        #expect(!check.valid)
    }

    @Test(arguments: StoreBackend.all) func listFiltersSortsAndPages(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        for i in 0..<25 {
            f.clock.advance(seconds: 1)
            _ = try await f.add(
                minutes: Int64(i * 10), platforms: i % 2 == 0 ? ["twitter"] : ["linkedin"], priority: i % 10 + 1)
        }
        var page = try await f.store.list(ListRequest(projectID: "p1", page: 2, limit: 10))
        #expect(page.total == 25 && page.totalPages == 3 && page.items.count == 10)
        #expect(page.items.first?.scheduledFor == t0.adding(seconds: 100 * 60))
        page = try await f.store.list(ListRequest(projectID: "p1", platform: "LinkedIn", limit: 100))
        #expect(page.total == 12)
        page = try await f.store.list(
            ListRequest(projectID: "p1", from: t0.adding(seconds: 600), to: t0.adding(seconds: 1800), limit: 100))
        #expect(page.items.map(\.scheduledFor) == [600, 1200, 1800].map { t0.adding(seconds: Int64($0)) })
        page = try await f.store.list(ListRequest(projectID: "p1", limit: 3, sortBy: .priority, order: .desc))
        #expect(page.items.map(\.priority) == [10, 10, 9])
        page = try await f.store.list(ListRequest(projectID: "p1", limit: 1, sortBy: .createdAt, order: .desc))
        #expect(page.items.first?.createdAt == t0.adding(seconds: 25))
        let first = try await f.store.list(ListRequest(projectID: "p1", limit: 1)).items[0]
        _ = try await f.store.pause(projectID: "p1", scheduleID: first.id)
        page = try await f.store.list(ListRequest(projectID: "p1", queueStatus: .paused))
        #expect(page.items.map(\.id) == [first.id])
        for bad in [
            ListRequest(projectID: "p1", page: 0), ListRequest(projectID: "p1", limit: 101),
            ListRequest(projectID: "p1", page: Int.max),  // its offset would overflow
        ] {
            let e = await storeError { _ = try await f.store.list(bad) }
            #expect(e?.code == .invalidArgument)
        }
    }

    @Test(arguments: StoreBackend.all) func updateRevalidatesExcludingItselfAndKeepsWallClockAcrossZoneChange(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await f.add(minutes: 0)
        // Moving by 30 s would conflict with itself if it were not excluded.
        var r = try await f.store.update(
            UpdateRequest(
                projectID: "p1", scheduleID: s.id, time: .instant(t0.adding(seconds: 30)), priority: 9, notes: "n"))
        #expect(r.schedule.scheduledFor == t0.adding(seconds: 30))
        #expect(r.conflicts.isEmpty)
        #expect(r.schedule.priority == 9 && r.schedule.notes == "n")
        r = try await f.store.update(UpdateRequest(projectID: "p1", scheduleID: s.id, timeZone: "Europe/Berlin"))
        #expect(r.schedule.timeZone == "Europe/Berlin")
        #expect(r.schedule.localTime == LocalDateTime(year: 2030, month: 1, day: 7, hour: 12, minute: 0, second: 30))
        #expect(r.schedule.scheduledFor == t0.adding(seconds: 30 - 3600))
        r = try await f.store.update(
            UpdateRequest(projectID: "p1", scheduleID: s.id, platforms: ["linkedin", "medium"]))
        #expect(r.schedule.platforms == ["LINKEDIN", "MEDIUM"])
        let got = try await f.store.get(projectID: "p1", scheduleID: s.id)
        #expect(got == r.schedule)
        let e = await storeError {
            _ = try await f.store.update(UpdateRequest(projectID: "p1", scheduleID: s.id, priority: 0))
        }
        #expect(e?.field == "priority")
        #expect(try await f.store.get(projectID: "p1", scheduleID: s.id).priority == 9, "nothing half-written")
    }

    @Test(arguments: StoreBackend.all) func dataSurvivesReopen(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let s = try await f.add(minutes: 0)
        try f.reopen()
        #expect(try await f.store.get(projectID: "p1", scheduleID: s.id) == s)
    }
}

extension Result where Failure == StoreError {
    /// The item's error, nil when it succeeded.
    fileprivate var failure: StoreError? {
        if case .failure(let e) = self { return e }
        return nil
    }
}
