import ScheduleStore
import SchedulingCore
import Testing

@Suite struct PlatformCountsTests {
    @Test(arguments: StoreBackend.all) func eachPlatformCountsItsSchedulesByStatusInOnePass(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        #expect(try await f.store.platformCounts(projectID: "p1") == [], "no schedules, no platforms")
        let both = try await f.add(minutes: 0, platforms: ["twitter", "linkedin"])
        let twitter = try await f.add(minutes: 10, platforms: ["twitter"])
        _ = try await f.add(minutes: 20, platforms: ["twitter"])
        _ = try await f.add(minutes: 30, platforms: ["medium"])
        _ = try await f.add("p2", minutes: 40, platforms: ["reddit"])
        #expect(try await f.store.batchPause(projectID: "p1", scheduleIDs: [both.id]) == 1)
        _ = try await f.store.cancel(projectID: "p1", scheduleID: twitter.id)

        let counts = try await f.store.platformCounts(projectID: "p1")
        var linkedin = PlatformQueueCounts(platform: "LINKEDIN")
        linkedin.paused = 1
        var medium = PlatformQueueCounts(platform: "MEDIUM")
        medium.pending = 1
        var tw = PlatformQueueCounts(platform: "TWITTER")
        tw.pending = 1
        tw.paused = 1
        tw.cancelled = 1
        // Sorted by platform; a schedule on two platforms counts for each; p2's reddit is not here.
        #expect(counts == [linkedin, medium, tw])
        // The sum over one platform is what Stats counts for the project's schedules on it.
        let stats = try await f.store.queueStats(projectID: "p1")
        #expect(stats.pending + stats.paused + stats.cancelled == 4)
        var reddit = PlatformQueueCounts(platform: "REDDIT")
        reddit.pending = 1
        #expect(try await f.store.platformCounts(projectID: "p2") == [reddit])
    }
}
