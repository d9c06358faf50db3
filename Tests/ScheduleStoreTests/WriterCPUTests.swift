import Foundation
@testable import ScheduleStore
import Testing

/// The writer thread's CPU (`StoreConfiguration.writerCPU`), checked on the thread itself.
@Suite("The writer thread's CPU")
struct WriterCPUTests {
    /// The CPUs this test process may run on (the writer inherits them unless pinned).
    let allowed = Writer.allowedCPUs()

    @Test func byDefaultTheWriterIsPinnedToTheLastCPUTheProcessMayUse() async throws {
        try #require(!allowed.isEmpty)
        let f = try StoreFixture()
        let store = try #require(f.store as? ScheduleStore)
        #expect(f.config.writerCPU == .lastAllowed)
        if allowed.count >= 2 {
            #expect(store.writerCPU == allowed.last)
            #expect(try await store.writerAllowedCPUs() == [allowed.last!])
        } else {
            #expect(store.writerCPU == nil, "one CPU: nothing to choose")
            #expect(try await store.writerAllowedCPUs() == allowed)
        }
        // The caller's own thread is not pinned by it.
        #expect(Writer.allowedCPUs() == allowed)
        _ = try await f.add(minutes: 10)
    }

    @Test func unpinnedLeavesTheWriterWhereverTheKernelPutsIt() async throws {
        let f = try StoreFixture { $0.writerCPU = .unpinned }
        let store = try #require(f.store as? ScheduleStore)
        #expect(store.writerCPU == nil)
        #expect(try await store.writerAllowedCPUs() == allowed)
    }

    @Test func anExplicitCPUIsTheOneTheWriterRunsOn() async throws {
        let first = try #require(allowed.first)
        let f = try StoreFixture { $0.writerCPU = .cpu(first) }
        let store = try #require(f.store as? ScheduleStore)
        #expect(store.writerCPU == first)
        #expect(try await store.writerAllowedCPUs() == [first])
        _ = try await f.add(minutes: 10)
    }

    @Test func aCPUTheProcessMayNotUseIsRefusedAtOpenAndLeavesTheFileFree() async throws {
        let missing = (allowed.max() ?? 0) + 1
        for cpu in [missing, -1, 100_000] {
            let f = try StoreFixture { $0.writerCPU = .unpinned }
            f.store.close()
            f.config.writerCPU = .cpu(cpu)
            let e = #expect(throws: StoreError.self) { try f.reopen() }
            #expect(e?.code == .invalidArgument && e?.field == "writerCPU")
            #expect(e?.message.contains("CPU \(cpu) is not one this process may run on") == true)
            // Nothing is left holding the database: a store with a usable choice opens it.
            f.config.writerCPU = .unpinned
            try f.reopen()
            _ = try await f.add(minutes: 10)
        }
    }
}
