import Foundation
@testable import ScheduleStore
import TestSupport
import Testing

/// The store's threads carry names that `ps -L`, `top -H` and perf show (docs/STORE.md, "Threads
/// and connections"); before, every one of them showed as Dispatch's `oot.default-qos`.
@Suite("Thread names")
struct ThreadNameTests {
    @Test func theStoresThreadsAreNamedForPsAndPerf() async throws {
        let f = try StoreFixture()
        defer { f.store.close() }
        _ = try await f.add()
        let names = threadNamesOfThisProcess()
        for expected in ["store-writer", "store-responder", "store-checkpt", "store-reader-0", "store-reader-1"] {
            #expect(names.contains(expected), "no thread named \(expected) among \(names.sorted())")
        }
    }
}
