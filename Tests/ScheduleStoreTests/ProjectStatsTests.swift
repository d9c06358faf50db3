import ScheduleStore
import SchedulingCore
import Testing

/// What a Stats call reads: ``SchedulingStore/projectStats(projectID:history:byPlatform:)``
/// answers, in one read, what the three separate reads answer.
@Suite struct ProjectStatsTests {
    @Test(arguments: StoreBackend.all) func oneReadAnswersWhatTheThreeReadsAnswer(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let both = try await f.add(minutes: 0, platforms: ["twitter", "linkedin"])
        _ = try await f.add(minutes: 10, platforms: ["medium"])
        _ = try await f.add("p2", minutes: 20, platforms: ["reddit"])
        _ = try await f.store.cancel(projectID: "p1", scheduleID: both.id)
        _ = try await f.store.rollupMetrics(day: t0)
        let from = t0.adding(seconds: -86_400)

        let figures = try await f.store.projectStats(projectID: "p1", history: (from, t0), byPlatform: true)
        #expect(figures.queue == (try await f.store.queueStats(projectID: "p1")))
        #expect(figures.queue.pending == 1 && figures.queue.cancelled == 1)
        #expect(figures.history == (try await f.store.metricsHistory(projectID: "p1", from: from, to: t0)))
        #expect(figures.history.count == 1, "the day rolled up")
        #expect(figures.platforms == (try await f.store.platformCounts(projectID: "p1")))
        #expect(figures.platforms.map(\.platform) == ["LINKEDIN", "MEDIUM", "TWITTER"])

        let without = try await f.store.projectStats(projectID: "p1", history: (from, t0), byPlatform: false)
        #expect(without.platforms == [], "per-platform counts only when asked")
        #expect(without.queue == figures.queue && without.history == figures.history)
    }

    @Test(arguments: StoreBackend.all) func aRangeThatEndsBeforeItStartsNamesFrom(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let e = await storeError {
            _ = try await f.store.projectStats(projectID: "p1", history: (t0, t0.adding(seconds: -1)), byPlatform: false)
        }
        #expect(e?.code == .invalidArgument)
        #expect(e?.field == "from")
    }
}
