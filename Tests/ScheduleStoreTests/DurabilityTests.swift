import Foundation
import SQLite
@testable import ScheduleStore
import SchedulingCore
import Synchronization
import TestSupport
import Testing

@Suite("Concurrency, crashes and faults")
struct DurabilityTests {
    /// Enqueues `count` items due before t0 from 64 concurrent callers (exercises group commit).
    func fill(_ f: StoreFixture, count: Int, project: String = "p1") async throws {
        let store = f.store
        try await withThrowingTaskGroup(of: Void.self) { group in
            for c in 0..<64 {
                group.addTask {
                    for i in stride(from: c, to: count, by: 64) {
                        _ = try await store.enqueue(
                            EnqueueRequest(
                                projectID: project, contentID: "c\(i)",
                                time: .instant(t0.adding(seconds: -Int64(i + 1) * 151)), platforms: ["twitter"],
                                priority: i % 10 + 1))
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    @Test func sixteenWorkersDequeueTenThousandItemsEachExactlyOnce() async throws {
        let f = try StoreFixture()
        try await fill(f, count: 10_000)
        let store = f.store
        let delivered = try await withThrowingTaskGroup(of: [String].self) { group in
            for w in 0..<16 {
                group.addTask {
                    var mine: [String] = []
                    while true {
                        let leases = try await store.dequeue(
                            DequeueRequest(projectID: "p1", limit: 50, leaseSeconds: 600, workerID: "w\(w)"))
                        if leases.isEmpty { return mine }
                        for l in leases {
                            #expect(l.schedule.leaseOwner == "w\(w)")
                            mine.append(l.schedule.id)
                        }
                    }
                }
            }
            var all: [[String]] = []
            for try await ids in group { all.append(ids) }
            return all
        }
        let flat = delivered.flatMap { $0 }
        #expect(flat.count == 10_000)
        #expect(Set(flat).count == 10_000)
        #expect(delivered.filter { !$0.isEmpty }.count > 1, "work was spread over several workers")
        let stats = try await f.store.queueStats(projectID: "p1")
        #expect(stats.queued == 10_000 && stats.pending == 0)
    }

    @Test func everyAcknowledgedEnqueueSurvivesSIGKILL() async throws {
        let f = try StoreFixture()
        f.store.close()
        let bench = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("scheduler-bench")
        let binary =
            FileManager.default.fileExists(atPath: bench.path)
            ? bench : Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("scheduler-bench")
        try #require(
            FileManager.default.isExecutableFile(atPath: binary.path), "scheduler-bench is built next to the tests")
        let child = Process()
        child.executableURL = binary
        child.arguments = ["store", "crash-writer", "--db", f.path]
        let pipe = Pipe()
        child.standardOutput = pipe
        try await ProcessGate.runAsync(child)
        var output = Data()
        let reader = pipe.fileHandleForReading
        let deadline = Date().addingTimeInterval(20)
        while output.filter({ $0 == 10 }).count < 400 && Date() < deadline {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            output.append(chunk)
        }
        // While the child writes, a second store on its file is refused and names the child.
        let refused = await storeError { _ = try ScheduleStore(configuration: f.config) }
        #expect(refused?.code == .unavailable)
        #expect(refused?.message.contains("process \(child.processIdentifier)") == true)
        kill(child.processIdentifier, SIGKILL)
        output.append(reader.readDataToEndOfFile())
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)
        // Only complete lines were acknowledged.
        let text = String(decoding: output, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if text.last != "\n" { lines.removeLast() }
        let acked = lines.filter { !$0.isEmpty }.map { $0.split(separator: " ").map(String.init) }
        #expect(acked.count >= 400)
        try f.reopen()
        for pair in acked {
            let s = try await f.store.get(projectID: pair[0], scheduleID: pair[1])
            #expect(s.queueStatus == .pending)
        }
    }

    /// The writer's in-memory conflict view must see every write, so one store owns a file.
    @Test func aSecondStoreOnTheSameFileIsRefusedUntilTheFirstCloses() async throws {
        let f = try StoreFixture()
        let s = try await f.add()
        let e = await storeError { _ = try ScheduleStore(configuration: f.config) }
        #expect(e?.code == .unavailable)
        #expect(e?.message.contains("one server per database file") == true)
        #expect(try await f.store.get(projectID: "p1", scheduleID: s.id) == s, "the first store is untouched")
        f.store.close()
        let second = try ScheduleStore(configuration: f.config)
        #expect(try await second.get(projectID: "p1", scheduleID: s.id) == s)
        second.close()
        try f.reopen()
    }

    @Test func aLockedDatabaseIsAnErrorNotACrash() async throws {
        let f = try StoreFixture { $0.busyTimeoutMilliseconds = 100 }
        let s = try await f.add()
        let other = try Connection(path: f.path)
        defer { try? other.close() }
        try other.begin(.immediate)
        let e = await storeError { _ = try await f.add(minutes: 10) }
        #expect(e?.code == .unavailable)
        #expect(e?.backendCode == "sqlite:5")  // SQLITE_BUSY
        #expect(try await f.store.get(projectID: "p1", scheduleID: s.id) == s, "reads go on under WAL")
        try other.rollback()
        _ = try await f.add(minutes: 10)
    }

    @Test func aFullDatabaseIsAnErrorAndLeavesNothingHalfWritten() async throws {
        let f = try StoreFixture()
        let pages = try Connection(path: f.path)
        let used = try pages.scalarInt64("PRAGMA page_count") ?? 0
        try pages.close()
        f.store.close()
        f.config.maxPageCount = Int(used) + 8
        try f.reopen()
        var stored = 0
        var failure: StoreError?
        for i in 0..<5_000 {
            do {
                _ = try await f.add(minutes: Int64(i * 10)) { $0.notes = String(repeating: "n", count: 2_000) }
                stored += 1
            } catch let e as StoreError {
                failure = e
                break
            }
        }
        let e = try #require(failure)
        #expect(e.code == .resourceExhausted)
        #expect(e.backendCode == "sqlite:13")  // SQLITE_FULL
        #expect(try await f.store.list(ListRequest(projectID: "p1")).total == stored)
        // The failed operation's index changes were undone with its rows.
        #expect(f.sqlite.occupancy.entries() == (try OccupancyIndexTests.fromTable(f.path)))
        #expect(f.sqlite.occupancy.entries().count == 2 * stored)
        // Still serving: freeing room lets writes succeed again.
        let first = try await f.store.list(ListRequest(projectID: "p1", limit: 1)).items[0]
        _ = try await f.store.update(UpdateRequest(projectID: "p1", scheduleID: first.id, notes: .some(nil)))
    }

    /// A new database gets the configured page size; an existing one keeps its own, and works.
    /// The WAL's restart threshold follows the file's page size, not the configured one, and the
    /// configured WAL size limit.
    @Test func aNewDatabaseTakesThePageSizeAnExistingOneKeepsItsOwn() async throws {
        func pageSize(_ path: String) throws -> Int64? {
            let db = try Connection(path: path)
            defer { try? db.close() }
            return try db.scalarInt64("PRAGMA page_size")
        }
        let f = try StoreFixture()
        #expect(f.config.pageSize == 2048)
        let s = try await f.add(minutes: 10)
        #expect(try pageSize(f.path) == 2048)
        #expect(f.sqlite.writer.walRestartAbovePages == 226_719)

        // A database made at 4096 (SQLite's default, and this store's before) stays at 4096.
        let g = try StoreFixture { $0.pageSize = 4096 }
        let old = try await g.add(minutes: 10)
        #expect(try pageSize(g.path) == 4096)
        g.store.close()
        g.config.pageSize = 2048
        try g.reopen()
        #expect(try pageSize(g.path) == 4096)
        #expect(g.sqlite.writer.walRestartAbovePages == 114_019)
        #expect(try await g.store.get(projectID: "p1", scheduleID: old.id) == old)
        _ = try await g.add(minutes: 20)
        #expect(try await g.store.list(ListRequest(projectID: "p1")).total == 2)
        #expect(try await f.store.get(projectID: "p1", scheduleID: s.id) == s)
        g.store.close()
        g.config.walSizeLimitBytes = 134_217_728
        try g.reopen()
        #expect(g.sqlite.writer.walRestartAbovePages == 28_504)
        #expect(try await g.store.list(ListRequest(projectID: "p1")).total == 2)
    }

    /// A page size SQLite cannot use, or a WAL size limit out of range: refused at open, naming
    /// the setting, before any file is made.
    @Test(arguments: [
        ("pageSize", 0), ("pageSize", 256), ("pageSize", 1000), ("pageSize", 3072), ("pageSize", 131_072),
        ("walSizeLimitBytes", 0), ("walSizeLimitBytes", -1), ("walSizeLimitBytes", (1 << 20) - 1),
        ("walSizeLimitBytes", (1 << 36) + 1),
    ])
    func aSettingTheStoreCannotUseIsRefusedAtOpen(_ field: String, _ value: Int) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("store-tests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var c = StoreConfiguration(path: dir.appendingPathComponent("store.sqlite").path)
        if field == "pageSize" { c.pageSize = value } else { c.walSizeLimitBytes = value }
        let e = #expect(throws: StoreError.self) { _ = try ScheduleStore(configuration: c) }
        #expect(e?.code == .invalidArgument && e?.field == field)
        #expect(!FileManager.default.fileExists(atPath: c.path), "nothing was created")
    }
}
