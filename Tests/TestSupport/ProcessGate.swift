import Dispatch
import Foundation
import Synchronization

/// Keeps child-process launches and tests that open many descriptors apart.
///
/// Foundation's `Process.run()` on Linux (swift-corelibs-foundation up to at least Swift 6.3.1)
/// lists `/proc/self/fd` and copies each entry's whole 256-byte `d_name`, reading past glibc's
/// directory buffer; once the process has ~1,300 descriptors open the buffer is full and the read
/// can cross into an unmapped page: SIGSEGV in `Process.run` (upstream fix:
/// swiftlang/swift-corelibs-foundation#5472). Tests run in parallel in one process, so a
/// `schedctl` launch during the 1,000-idle-connections test (2,000 descriptors) crashed the whole
/// test run about one time in three. Launches go through ``run(_:)``; the descriptor-heavy test
/// runs inside ``exclusive(_:)``, which waits for launches in progress and holds new ones back.
public enum ProcessGate {
    private struct State {
        var heavy = false
        var launching = 0
    }
    private static let state = Mutex(State())

    /// `process.run()`, once no descriptor-heavy test is running (waits at most 60 s for one to end).
    /// Blocks its thread while it waits: call it off the cooperative pool (``offPool(_:)``).
    public static func run(_ process: Process) throws {
        let deadline = Date().addingTimeInterval(60)
        var admitted = false
        while !admitted {
            admitted = state.withLock { s -> Bool in
                guard !s.heavy else { return false }
                s.launching += 1
                return true
            }
            if !admitted {
                if Date() > deadline { break }  // run anyway rather than hang the suite
                usleep(10_000)
            }
        }
        defer { if admitted { state.withLock { $0.launching -= 1 } } }
        try process.run()
    }

    /// ``run(_:)`` for async tests: waits without holding a thread of the cooperative pool.
    public static func runAsync(_ process: Process) async throws {
        try await offPool { try run(process) }
    }

    /// Runs `body` (a launch and its blocking waits) on a Dispatch thread. Tests must not block
    /// the cooperative pool (two threads here): the descriptor-heavy test needs it to finish and
    /// release the gate that launches wait for.
    public static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { c in
            DispatchQueue.global().async { c.resume(with: Result { try body() }) }
        }
    }

    /// Runs `body` with no child process being launched meanwhile.
    public static func exclusive<T>(_ body: () async throws -> T) async rethrows -> T {
        while true {
            let acquired = state.withLock { s -> Bool in
                guard !s.heavy, s.launching == 0 else { return false }
                s.heavy = true
                return true
            }
            if acquired { break }
            try? await Task.sleep(for: .milliseconds(10))
        }
        defer { state.withLock { $0.heavy = false } }
        return try await body()
    }
}
