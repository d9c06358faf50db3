import Foundation
import SQLite
import Synchronization

/// Runs WAL checkpoints on its own connection and thread, so the writer never stops for the
/// fsyncs a checkpoint makes (auto-checkpoint is switched off on the writer's connection).
///
/// A PASSIVE checkpoint every `interval` never waits for the writer or readers; when the WAL has
/// grown past `truncateAbovePages` (the checkpoints kept losing the race) a TRUNCATE checkpoint,
/// which waits for the busy timeout, brings it back to zero.
final class Checkpointer: Sendable {
    private let wake = DispatchSemaphore(value: 0)
    private let stopped = StopFlag()
    private let thread: ConnectionThread

    init(
        config: StoreConfiguration, interval: DispatchTimeInterval = .milliseconds(100),
        truncateAbovePages: Int = 65_536
    )
        throws
    {
        let wake = self.wake
        let stopped = self.stopped
        thread = try ConnectionThread(
            name: "schedule-store.checkpointer",
            open: {
                try Connection(
                    path: config.path, mode: .readWrite, busyTimeoutMilliseconds: config.busyTimeoutMilliseconds)
            },
            loop: { db in
                while !stopped.value.load(ordering: .acquiring) {
                    _ = wake.wait(timeout: .now() + interval)
                    // Result row: busy flag, frames in the WAL, frames checkpointed.
                    guard let s = try? db.prepare("PRAGMA wal_checkpoint(PASSIVE)") else { continue }
                    let walFrames = ((try? s.firstRow { $0.int(1) }) ?? nil) ?? 0
                    if walFrames > truncateAbovePages {
                        try? db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    }
                }
            })
    }

    func close() {
        stopped.value.store(true, ordering: .releasing)
        wake.signal()
        thread.join()
    }
}

/// A flag threads can share (an `Atomic` cannot be captured by a closure itself).
final class StopFlag: Sendable {
    let value = Atomic<Bool>(false)
}
