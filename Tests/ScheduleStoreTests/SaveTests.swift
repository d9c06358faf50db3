import SQLite
@testable import ScheduleStore
import SchedulingCore
import Testing

/// `WriterState.save` writes exactly the mutable columns whose fields changed: each one when its
/// field changes, and no other.
@Suite("Saving a row")
struct SaveTests {
    typealias Mutation = @Sendable (inout Rows.Row) -> Void

    /// One change per mutable column, in the order of `WriterState.mutableColumns`.
    static let mutations: [(column: String, change: Mutation)] = [
        ("scheduled_for", { $0.schedule.scheduledFor = $0.schedule.scheduledFor.adding(seconds: 60) }),
        ("local_time", { $0.schedule.localTime = LocalDateTime(year: 2031, month: 2, day: 3, hour: 4, minute: 5, second: 6)! }),
        ("timezone", { $0.schedule.timeZone = $0.schedule.timeZone == "Asia/Tokyo" ? "UTC" : "Asia/Tokyo" }),
        ("platforms", { $0.schedule.platforms.append("MEDIUM") }),
        ("published_platforms", { $0.schedule.publishedPlatforms.append("TWITTER") }),
        ("priority", { $0.schedule.priority = $0.schedule.priority % 10 + 1 }),
        ("queue_status", { $0.schedule.queueStatus = $0.schedule.queueStatus == .paused ? .pending : .paused }),
        ("status", { $0.schedule.status = $0.schedule.status == .active ? .scheduled : .active }),
        ("queued_at", { $0.schedule.queuedAt = later($0.schedule.queuedAt) }),
        ("processing_at", { $0.schedule.processingAt = later($0.schedule.processingAt) }),
        ("published_at", { $0.schedule.publishedAt = later($0.schedule.publishedAt) }),
        ("failed_at", { $0.failedAt = later($0.failedAt) }),
        ("cancelled_at", { $0.cancelledAt = later($0.cancelledAt) }),
        ("retry_count", { $0.schedule.retryCount += 1 }),
        ("lease_owner", { $0.schedule.leaseOwner = ($0.schedule.leaseOwner ?? "") + "w" }),
        ("lease_token", { $0.leaseToken = ($0.leaseToken ?? "") + "t" }),
        ("lease_expires_at", { $0.schedule.leaseExpiresAt = later($0.schedule.leaseExpiresAt) }),
        ("attempt_count", { $0.schedule.attemptCount += 1 }),
        ("expires_at", { $0.expiresAt = later($0.expiresAt) }),
        ("failure_reason", { $0.schedule.failureReason = ($0.schedule.failureReason ?? "") + "r" }),
        ("notes", { $0.schedule.notes = ($0.schedule.notes ?? "") + "n" }),
        ("updated_at", { $0.schedule.updatedAt = $0.schedule.updatedAt.adding(seconds: 1) }),
        ("nominal_time", { $0.schedule.nominalTime = $0.schedule.nominalTime.adding(seconds: 60) }),
        ("lease_loss_policy", { $0.schedule.leaseLossPolicy = $0.schedule.leaseLossPolicy == .retry ? .holdOutcomeUnknown : .retry }),
    ]

    static func later(_ t: Instant?) -> Instant { (t ?? t0).adding(seconds: 1) }

    /// What one change did, read inside the writer and checked in the test.
    struct Outcome: Sendable {
        var mask: Int
        var expected: [SQLiteValue]
        var stored: [SQLiteValue]
        var maskAfterReload: Int
    }

    @Test func eachMutableColumnIsWrittenWhenItsFieldChangesAndNoOther() async throws {
        #expect(Self.mutations.map(\.column) == WriterState.mutableColumns)
        let f = try StoreFixture()
        let id = try await f.add(minutes: 0).id
        for (k, m) in Self.mutations.enumerated() {
            let o = try await f.sqlite.writer.submit { state in
                let before = try state.load("p1", id)
                var row = before
                m.change(&row)
                let mask = WriterState.changedColumns(row)
                try state.save(&row)
                let after = try state.load("p1", id)
                let columns = WriterState.mutableColumns.indices
                return Outcome(
                    mask: mask,
                    expected: columns.map { WriterState.mutableValue($0, of: $0 == k ? row : before) },
                    stored: columns.map { WriterState.mutableValue($0, of: after) },
                    maskAfterReload: WriterState.changedColumns(after))
            }
            #expect(o.mask == 1 << k, "changing \(m.column) marks exactly its column")
            for (j, name) in WriterState.mutableColumns.enumerated() {
                #expect(o.stored[j] == o.expected[j], "after changing \(m.column): \(name)")
            }
            #expect(o.maskAfterReload == 0, "a freshly loaded row has no changes")
        }
    }

    /// A second save of the same row compares with what the first one stored: a field set back
    /// to its loaded value is written again, and nothing is written twice.
    @Test func savingARowTwiceWritesTheSecondChangeAgainstTheFirst() async throws {
        let f = try StoreFixture()
        let id = try await f.add(minutes: 0).id
        let masks = try await f.sqlite.writer.submit { state in
            var row = try state.load("p1", id)
            let loaded = row.schedule.scheduledFor
            row.schedule.scheduledFor = loaded.adding(seconds: 600)
            let first = WriterState.changedColumns(row)
            try state.save(&row)
            row.schedule.queueStatus = .paused
            let second = WriterState.changedColumns(row)
            try state.save(&row)
            row.schedule.scheduledFor = loaded
            let third = WriterState.changedColumns(row)
            try state.save(&row)
            return [first, second, third]
        }
        #expect(masks == [1 << 0, 1 << 6, 1 << 0], "scheduled_for, queue_status alone, scheduled_for back")
        let stored = try await f.store.get(projectID: "p1", scheduleID: id)
        #expect(stored.scheduledFor == t0 && stored.queueStatus == .paused)
        #expect(f.sqlite.occupancy.entries() == (try OccupancyIndexTests.fromTable(f.path)))
    }

    @Test func anUntrackedRowWritesEveryColumn() async throws {
        let f = try StoreFixture()
        let id = try await f.add(minutes: 0).id
        let mask = try await f.sqlite.writer.submit { state in
            var row = try state.load("p1", id)
            row.snapshot = nil
            return WriterState.changedColumns(row)
        }
        #expect(mask == (1 << WriterState.mutableColumns.count) - 1)
    }
}
