import Foundation
import MetricsTestKit
import ScheduleStore
import SchedulerClient
import SchedulingCore
import Testing
import WireProtocol

@testable import SchedulerServer

/// ConfirmOutcome through the real service over TLS on loopback: the answer, what Get and Stats
/// show afterwards, the metric, and each refusal's status and field path.
@Suite("ConfirmOutcome over the wire")
struct ConfirmOutcomeRPCTests {
    typealias V1 = SchedulerV1

    /// The service on a SQLite store in a temp directory, on a manual clock, behind ``RPCHarness``.
    final class Server: @unchecked Sendable {
        // Set once in init and only read afterwards.
        let dir: URL
        let clock = ManualClock(try! Instant.parse(iso8601: "2026-03-01T12:00:00Z"))
        let store: ScheduleStore
        let metrics = TestMetrics()
        let harness: RPCHarness
        /// A token for project "blog" and its id (the principal's name).
        let token: String
        let tokenID: String
        let newsToken: String

        init() throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("confirm-rpc-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            var config = StoreConfiguration(path: dir.appendingPathComponent("scheduler.db").path)
            config.clock = clock
            config.retryJitter = 0
            store = try ScheduleStore(configuration: config)
            let serverMetrics = ServerMetrics(factory: metrics)
            let service = SchedulerService(store: store, clock: clock, metrics: serverMetrics, isDraining: { false })
            harness = try RPCHarness(methods: service.methods(), clock: clock, metrics: serverMetrics)
            let blog = try harness.tokens.create(projects: ["blog"], admin: false)
            token = blog.token
            tokenID = blog.record.id
            newsToken = try harness.tokens.create(projects: ["news"], admin: false).token
        }

        func client(token: String? = nil) throws -> SchedulerClient {
            var c = SchedulerClientConfiguration(
                address: "\(harness.address)", caFile: harness.caFile, token: token ?? self.token)
            c.retry.initialBackoff = .milliseconds(5)
            return try SchedulerClient(configuration: c)
        }

        /// A post on TWITTER and LINKEDIN whose worker started and lost its lease: held.
        func held(_ c: SchedulerClient, content: String) async throws -> String {
            _ = try await c.enqueue(
                V1.EnqueueRequest(
                    projectID: "blog", contentID: content, localTime: "2026-03-01T11:00:00", timezone: "UTC",
                    platforms: ["twitter", "linkedin"]))
            let item = try #require(
                try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 1, leaseSeconds: 10, workerID: "w1", start: true))
                    .items.first)
            clock.advance(seconds: 60)
            #expect(try await store.reapExpiredLeases().heldOutcomeUnknown == 1)
            return item.schedule.id
        }

        func confirmations(published: Bool) throws -> Int64 {
            try metrics.expectCounter(MetricName.outcomeConfirmations, [("published", "\(published)")]).totalValue
        }

        func shutdown() async {
            await harness.shutdown()
            store.close()
            try? FileManager.default.removeItem(at: dir)
        }
    }

    @Test("published: COMPLETED, the attempt keeps OUTCOME_UNKNOWN with the confirmation, Stats count it, a repeat changes nothing")
    func confirmedPublished() async throws {
        let s = try Server()
        let c = try s.client()
        let id = try await s.held(c, content: "lost")
        #expect(try await c.stats(V1.StatsRequest(projectID: "blog")).stats.successRate == 0)

        let at = s.clock.now().adding(seconds: -50)
        let request = V1.ConfirmOutcomeRequest(
            projectID: "blog", scheduleID: id, published: true,
            results: [V1.PlatformResult(platform: "twitter", success: true, publishedURL: "https://twitter.com/b/1")],
            publishedAtMs: at.unixMilliseconds, note: "Ann saw both posts")
        let done = try await c.confirmOutcome(request).schedule
        #expect(done.queueStatus == .completed && done.status == .published)
        #expect(done.publishedAtMs == at.unixMilliseconds && done.failureReason.isEmpty)

        let got = try await c.get(projectID: "blog", scheduleID: id)
        let attempt = try #require(got.attempts.last)
        #expect(attempt.outcome == .outcomeUnknown)
        #expect(
            attempt.confirmation
                == V1.AttemptConfirmation(
                    published: true, confirmedAtMs: s.clock.now().unixMilliseconds, confirmedBy: s.tokenID,
                    note: "Ann saw both posts"))
        #expect(got.results.map(\.platform) == ["TWITTER", "LINKEDIN"])
        #expect(got.results.first?.publishedURL == "https://twitter.com/b/1")
        let stats = try await c.stats(V1.StatsRequest(projectID: "blog")).stats
        #expect(stats.completed == 1 && stats.failed == 0 && stats.successRate == 100)
        #expect(try s.confirmations(published: true) == 1)

        // A repeat (a retry whose answer was lost) gets the schedule; nothing is counted twice.
        let again = try await c.confirmOutcome(request).schedule
        #expect(again == done)
        #expect(try s.confirmations(published: true) == 1)
        await c.close()
        await s.shutdown()
    }

    @Test("not published: due now for the next worker; the labelled convenience")
    func notPublished() async throws {
        let s = try Server()
        let c = try s.client()
        let id = try await s.held(c, content: "lost")
        let schedule = try await c.confirmOutcome(
            projectID: "blog", scheduleID: id, published: false, note: "nothing on either platform")
        #expect(schedule.queueStatus == .pending && schedule.scheduledForMs == s.clock.now().unixMilliseconds)
        let next = try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 5, leaseSeconds: 60, workerID: "w2"))
        #expect(next.items.map(\.schedule.id) == [id])
        #expect(next.items.first?.attempt == 2)
        #expect(try s.confirmations(published: false) == 1)
        await c.close()
        await s.shutdown()
    }

    @Test("refusals: status code and the request's field path")
    func refusals() async throws {
        let s = try Server()
        let c = try s.client()
        let id = try await s.held(c, content: "lost")
        let pending = try await c.enqueue(
            V1.EnqueueRequest(
                projectID: "blog", contentID: "later", localTime: "2026-03-05T09:00:00", timezone: "UTC",
                platforms: ["twitter"])
        ).schedule.id
        let future = s.clock.now().adding(seconds: 3600).unixMilliseconds
        func result(_ platform: String, ok: Bool = true) -> V1.PlatformResult {
            V1.PlatformResult(platform: platform, success: ok, error: ok ? "" : "404")
        }
        let cases: [(V1.ConfirmOutcomeRequest, StatusCode, String?)] = [
            (.init(projectID: "blog", scheduleID: id, published: false, publishedAtMs: 1), .invalidArgument,
             "confirm_outcome.published_at_ms"),
            (.init(projectID: "blog", scheduleID: id, published: true, publishedAtMs: future), .invalidArgument,
             "confirm_outcome.published_at_ms"),
            (.init(projectID: "blog", scheduleID: id, published: true, results: [result("reddit")]), .invalidArgument,
             "confirm_outcome.results[0].platform"),
            (.init(projectID: "blog", scheduleID: id, published: true, results: [result("twitter", ok: false)]),
             .invalidArgument, "confirm_outcome.results[0]"),
            (.init(projectID: "blog", scheduleID: id, published: false, results: [result("twitter"), result("linkedin")]),
             .invalidArgument, "confirm_outcome.results"),
            (.init(projectID: "blog", scheduleID: id, published: true, note: String(repeating: "n", count: Limits.maxTextBytes + 1)),
             .invalidArgument, "confirm_outcome.note"),
            (.init(projectID: "blog", scheduleID: "", published: true), .invalidArgument, "confirm_outcome.schedule_id"),
            (.init(projectID: "blog", scheduleID: "sch_missing", published: true), .notFound, nil),
            (.init(projectID: "blog", scheduleID: pending, published: true), .failedPrecondition, nil),
        ]
        for (request, code, field) in cases {
            do {
                _ = try await c.confirmOutcome(request)
                Issue.record("\(field ?? "\(code)"): the call succeeded")
            } catch {
                #expect(error.code == code, "\(error)")
                #expect(error.field == field, "\(error)")
                if let field {
                    #expect(error.message.hasPrefix(field + ": "), "\(error)")
                    let path = String(field.dropFirst("confirm_outcome.".count))
                    #expect(ContractIntrospection.fieldPathExists(path, inMessage: "scheduler.v1.ConfirmOutcomeRequest"))
                }
            }
        }
        // Nothing of the refused calls was applied.
        #expect(try await c.get(projectID: "blog", scheduleID: id).queueStatus == .failed)

        // Another project's token; then the other answer after a confirmation.
        let news = try s.client(token: s.newsToken)
        do {
            _ = try await news.confirmOutcome(projectID: "blog", scheduleID: id, published: true)
            Issue.record("news confirmed blog's schedule")
        } catch {
            #expect(error.code == .permissionDenied)
        }
        _ = try await c.confirmOutcome(projectID: "blog", scheduleID: id, published: true)
        do {
            _ = try await c.confirmOutcome(projectID: "blog", scheduleID: id, published: false)
            Issue.record("a confirmation was changed")
        } catch {
            #expect(error.code == .failedPrecondition && error.field == "confirm_outcome.published", "\(error)")
            #expect(error.message.hasPrefix("already confirmed: attempt 1 was confirmed published"), "\(error)")
        }
        #expect(try s.confirmations(published: true) == 1)
        await news.close()
        await c.close()
        await s.shutdown()
    }
}
