import Foundation
import SQLite
@testable import ScheduleStore
import SchedulingCore
import Testing

/// `list` sorted by time without a status filter merges one index range per queue status; its
/// pages must be exactly the plain sort's, whatever the statuses, ties, filters and order.
@Suite("List order")
struct ListOrderTests {
    @Test(arguments: StoreBackend.all) func pagesByTimeAcrossEveryStatusEqualOneSortOfTheWholeProject(_ backend: StoreBackend) async throws {
        let f = try StoreFixture(backend)
        let platforms = [["twitter"], ["linkedin"], ["medium"], ["facebook", "twitter"]]
        var all: [Schedule] = []
        for slot in 0..<10 {  // four schedules share each time: ties sort by id
            for k in 0..<4 {
                all.append(try await f.add(minutes: Int64(slot * 10), platforms: platforms[k]))
            }
        }
        _ = try await f.add("p2", minutes: 5)  // another project's rows stay out
        for (i, s) in all.enumerated() where i % 5 == 0 { _ = try await f.store.cancel(projectID: "p1", scheduleID: s.id) }
        for (i, s) in all.enumerated() where i % 7 == 1 && i % 5 != 0 { _ = try await f.store.pause(projectID: "p1", scheduleID: s.id) }
        f.clock.advance(seconds: 3 * 3600)
        let leases = try await f.store.dequeue(DequeueRequest(projectID: "p1", limit: 9, leaseSeconds: 600, workerID: "w"))
        #expect(leases.count == 9)
        for l in leases.prefix(4) {
            _ = try await f.store.complete(projectID: "p1", scheduleID: l.schedule.id, leaseToken: l.token)
        }
        for l in leases.dropFirst(4).prefix(2) {
            _ = try await f.store.fail(
                projectID: "p1", scheduleID: l.schedule.id, leaseToken: l.token, error: "gone", retryable: false)
        }
        _ = try await f.store.markProcessing(projectID: "p1", scheduleID: leases[6].schedule.id, leaseToken: leases[6].token)

        // Current rows, and the statuses they cover (at least five of the seven).
        var current: [Schedule] = []
        for s in all { current.append(try await f.store.get(projectID: "p1", scheduleID: s.id)) }
        #expect(Set(current.map(\.queueStatus)).count >= 5)

        let from = t0.adding(seconds: 20 * 60)
        let to = t0.adding(seconds: 70 * 60)
        let cases: [(ListRequest, (Schedule) -> Bool)] = [
            (ListRequest(projectID: "p1"), { _ in true }),
            (ListRequest(projectID: "p1", from: from, to: to), { $0.scheduledFor >= from && $0.scheduledFor <= to }),
            (ListRequest(projectID: "p1", platform: "twitter"), { $0.platforms.contains("TWITTER") }),
        ]
        for (base, keep) in cases {
            for order in [SortOrder.asc, .desc] {
                var expected = current.filter(keep).sorted {
                    ($0.scheduledFor, $0.id) < ($1.scheduledFor, $1.id)
                }.map(\.id)
                if order == .desc { expected.reverse() }
                for limit in [7, 100] {
                    var got: [String] = []
                    var page = 1
                    while true {
                        var r = base
                        r.order = order
                        r.limit = limit
                        r.page = page
                        let result = try await f.store.list(r)
                        #expect(result.total == expected.count)
                        if result.items.isEmpty { break }
                        got += result.items.map(\.id)
                        page += 1
                    }
                    #expect(got == expected, "order \(order), limit \(limit), \(base)")
                }
            }
        }
    }

    /// The merged query reads each status's rows through the status index; no table scan and
    /// no sort of the whole project.
    @Test func theMergedPageQuerySearchesTheStatusIndexOncePerStatus() async throws {
        let f = try StoreFixture()
        _ = try await f.add()
        let db = try Connection(path: f.path, mode: .readOnly)
        defer { try? db.close() }
        for request in [
            ListRequest(projectID: "p1"), ListRequest(projectID: "p1", from: t0, to: t0, order: .desc),
            ListRequest(projectID: "p1", platform: "TWITTER"),
        ] {
            var details: [String] = []
            try db.prepare("EXPLAIN QUERY PLAN " + ListQuery(request, platform: request.platform).pageSQL)
                .forEachRow { details.append($0.string(3)) }
            #expect(details.filter { $0.hasPrefix("SEARCH s USING INDEX schedules_status") }.count == QueueStatus.allCases.count, "\(details)")
            #expect(details.contains { $0.contains("MERGE (UNION ALL)") })
            #expect(!details.contains { $0.hasPrefix("SCAN s") || $0 == "SCAN schedules" }, "\(details)")
        }
    }
}
