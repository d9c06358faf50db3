import Foundation
import SchedulerClient
import Testing
import WireProtocol

/// The steps of SchedulerClient.docc/GettingStarted.md as written there (the server is the test's
/// own, not `scripts/run`'s), so the article's code keeps compiling and doing what it says.
@Suite("Getting started article", .timeLimit(.minutes(1)))
struct GettingStartedTests {
    @Test("connect, enqueue at a local time in a zone, work, handle errors, deadlines, close")
    func article() async throws {
        let e = try E2E(now: "2026-11-30T12:00:00Z")
        var config = SchedulerClientConfiguration(address: "\(e.server.localAddress!)", caFile: e.caFile)
        config.token = e.adminToken
        config.defaultTimeout = .seconds(5)

        let published = try await withSchedulerClient(configuration: config) { client in
            #expect(try await client.health() == .serving)

            // Enqueue at a local time in a zone.
            let created = try await client.enqueue(SchedulerV1.EnqueueRequest(
                projectID: "blog", contentID: "post-42",
                localTime: "2026-12-01T09:00:00", timezone: "Europe/Berlin",
                platforms: ["twitter", "linkedin"]))
            #expect(created.schedule.scheduledFor == ISO8601DateFormatter().date(from: "2026-12-01T08:00:00Z"))
            #expect(!created.pastDue)
            let inAnHour = SchedulerV1.EnqueueRequest(
                projectID: "blog", contentID: "post-43", scheduledFor: Date(timeIntervalSince1970: 1_796_043_600),  // 2026-11-30T13:00:00Z: in an hour
                platforms: ["twitter"])
            #expect(try await client.enqueue(inAnHour).pastDue == false)

            // A worker loop (stopWhenIdle for the test) once both are due.
            e.clock.advance(seconds: 86_400)
            let urls = Urls()
            let handled = try await client.work(project: "blog", concurrency: 4, lease: .seconds(120), stopWhenIdle: true) { item in
                var results: [SchedulerV1.PlatformResult] = []
                for platform in item.platforms {
                    let url = "https://example.com/\(item.schedule.contentID)/\(platform)?key=\(item.idempotencyKey)"
                    urls.add(url)
                    results.append(SchedulerV1.PlatformResult(platform: platform, success: true, publishedURL: url))
                }
                return .published(results)
            }
            #expect(handled == 2)

            // Errors: decided by the code and the details.
            var invalid = SchedulerV1.EnqueueRequest(projectID: "blog", contentID: "bad", platforms: ["twitter"])
            invalid.localTime = "2026-12-02T09:00:00"  // no timezone
            var field: String?
            do {
                _ = try await client.enqueue(invalid)
            } catch let error as SchedulerError where error.code == .failedPrecondition && !error.conflicts.isEmpty {
                Issue.record("unexpected conflicts: \(error)")
            } catch let error as SchedulerError where error.code == .invalidArgument {
                field = error.field
            }
            #expect(field == "enqueue.timezone")

            // Deadlines.
            let schedule = try await client.get(projectID: "blog", scheduleID: created.schedule.id, timeout: .milliseconds(500))
            #expect(schedule.queueStatus == .completed)
            return urls.count
        }
        #expect(published == 3)
        await e.shutdown()
    }

    final class Urls: @unchecked Sendable {
        // Guarded by `lock`; the handler runs concurrently.
        private let lock = NSLock()
        private var all: [String] = []
        func add(_ url: String) { lock.withLock { all.append(url) } }
        var count: Int { lock.withLock { all.count } }
    }
}
