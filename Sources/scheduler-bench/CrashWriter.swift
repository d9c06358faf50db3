import Foundation
import ScheduleStore
import SchedulingCore
import Synchronization

/// The child process of the crash test: enqueues forever from 8 concurrent callers and prints
/// each acknowledged "project id" pair on its own line (flushed), until it is killed.
enum CrashWriter {
    static func run(path: String) async throws {
        let store = try ScheduleStore(configuration: StoreConfiguration(path: path))
        let out = LinePrinter()
        let base = Instant(unixSeconds: 1_900_000_000)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<8 {
                group.addTask {
                    var i: Int64 = 0
                    while true {
                        let r = try await store.enqueue(
                            EnqueueRequest(
                                projectID: "crash-\(caller)", contentID: "c\(i)",
                                time: .instant(base.adding(seconds: i * 151)), platforms: ["twitter"]))
                        out.print("\(r.schedule.projectID) \(r.schedule.id)")
                        i += 1
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}

/// Whole lines to stdout from many tasks, each written with one write(2) call.
final class LinePrinter: Sendable {
    private let lock = Mutex(())

    func print(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        lock.withLock { _ in
            bytes.withUnsafeBytes { buf in
                var off = 0
                while off < buf.count {
                    let n = write(1, buf.baseAddress! + off, buf.count - off)
                    if n <= 0 {
                        if errno == EINTR { continue }
                        return
                    }
                    off += n
                }
            }
        }
    }
}
