import Foundation
import ScheduleStore
import SchedulingCore
import Testing

/// 2030-01-07T12:00:00Z, a Monday far from any DST transition in Europe and America.
let t0 = Instant(unixSeconds: 1_894_017_600)

/// A store on a fresh temporary database, with a manual clock at `t0`.
final class StoreFixture {
    let dir: URL
    let clock = ManualClock(t0)
    var store: ScheduleStore
    var config: StoreConfiguration

    init(_ tweak: (inout StoreConfiguration) -> Void = { _ in }) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("store-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var c = StoreConfiguration(path: dir.appendingPathComponent("store.sqlite").path)
        c.clock = clock
        c.retryJitter = 0
        tweak(&c)
        config = c
        store = try ScheduleStore(configuration: c)
    }

    var path: String { config.path }

    /// Closes and reopens the store on the same file.
    func reopen() throws {
        store.close()
        store = try ScheduleStore(configuration: config)
    }

    deinit {
        store.close()
        try? FileManager.default.removeItem(at: dir)
    }

    /// Enqueues a simple schedule `minutes` after t0 (a 10-minute grid keeps checks quiet).
    @discardableResult
    func add(
        _ project: String = "p1", minutes: Int64 = 0, platforms: [String] = ["twitter"], priority: Int = 5,
        configure: (inout EnqueueRequest) -> Void = { _ in }
    ) async throws -> Schedule {
        var r = EnqueueRequest(
            projectID: project, contentID: "content-\(minutes)", time: .instant(t0.adding(seconds: minutes * 60)),
            platforms: platforms, priority: priority)
        configure(&r)
        return try await store.enqueue(r).schedule
    }
}

/// Runs `body` and returns the StoreError it throws (records an issue when it does not).
func storeError(_ body: () async throws -> Void) async -> StoreError? {
    do {
        try await body()
        Issue.record("expected a StoreError")
        return nil
    } catch let e as StoreError {
        return e
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}
