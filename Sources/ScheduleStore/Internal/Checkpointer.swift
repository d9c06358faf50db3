import Foundation
import SQLite
import Synchronization

/// Runs WAL checkpoints on its own connection and thread, so the writer never stops for the
/// fsyncs a checkpoint makes (auto-checkpoint is switched off on the writer's connection).
///
/// A PASSIVE checkpoint every `interval` never waits for the writer or readers, but under a steady
/// stream of commits it never quite catches up, and SQLite only starts the WAL over when a
/// checkpoint has copied every frame. So when the WAL holds more than `restartAbovePages` frames
/// after a PASSIVE pass, a RESTART checkpoint copies the few frames still missing while the
/// writer waits (milliseconds: the PASSIVE pass did the bulk), and the next commit writes from
/// the start of the file again. Waiting longer made the copy, and the writer's stall, grow with
/// the WAL: 340–540 ms at 256 MB.
final class Checkpointer: Sendable {
    private let wake = DispatchSemaphore(value: 0)
    private let stopped = StopFlag()
    private let thread: ConnectionThread

    init(
        config: StoreConfiguration, interval: DispatchTimeInterval = .milliseconds(25),
        restartAbovePages: Int = 32_768
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
                    if walFrames > restartAbovePages {
                        try? db.execute("PRAGMA wal_checkpoint(RESTART)")
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
