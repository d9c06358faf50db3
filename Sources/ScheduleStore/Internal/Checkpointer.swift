import CLinux
import Foundation
import SQLite
import Synchronization

/// Runs WAL checkpoints on connections and threads of their own, so the writer never stops for
/// the fsyncs a checkpoint makes (auto-checkpoint is switched off on the writer's connection).
///
/// Two threads:
/// - **The background pass** runs a PASSIVE checkpoint every `interval`. PASSIVE never waits for
///   the writer or readers. The thread runs at the lowest CPU priority (SCHED_IDLE): at normal
///   priority each of its wake-ups preempted the writer or an event loop on a two-CPU machine, and
///   that was most of a paced Enqueue's p99 (BENCHMARKS.md, session 19).
/// - **The restart.** Under a steady stream of commits the PASSIVE passes never quite catch up,
///   and SQLite only starts the WAL over when a checkpoint has copied every frame. The writer's
///   WAL hook reports the WAL's length after each commit (``WALMonitor``); past
///   `restartAbovePages` frames it wakes this thread, which runs at normal priority because the
///   writer waits while it holds the lock. A PASSIVE pass copies the bulk without blocking
///   anyone, the database file and the WAL are synced (no lock), then a RESTART checkpoint
///   copies and syncs the little still missing while the writer waits (milliseconds), and the
///   next commit writes from the start of the file again. Waiting
///   longer made the copy, and the writer's stall, grow with the WAL: 340–540 ms at 256 MB.
///
/// Should the background pass get no CPU at all (a machine saturated by other work), the WAL still
/// stops at the restart threshold: the restart thread then does the copying.
final class Checkpointer: Sendable {
    private let wakePass = DispatchSemaphore(value: 0)
    private let stopped = StopFlag()
    private let monitor: WALMonitor
    private let pass: ConnectionThread
    private let restart: ConnectionThread
    /// The background pass's scheduling policy as the thread read it back (SCHED_IDLE, 5, unless
    /// the system refused it), or -1.
    let passPolicy: Int32

    init(
        config: StoreConfiguration, monitor: WALMonitor, interval: DispatchTimeInterval = .milliseconds(25)
    ) throws {
        self.monitor = monitor
        let wakePass = self.wakePass
        let stopped = self.stopped
        let open: @Sendable () throws -> Connection = {
            try Connection(path: config.path, mode: .readWrite, busyTimeoutMilliseconds: config.busyTimeoutMilliseconds)
        }
        let policy = OpenedValue<Int32>(-1)
        pass = try ConnectionThread(
            name: "store-checkpt",
            open: {
                policy.value = clinux_idle_priority()
                return try open()
            },
            loop: { db in
                while true {
                    _ = wakePass.wait(timeout: .now() + interval)
                    if stopped.value.load(ordering: .acquiring) { break }
                    // The restart thread is about to copy the same frames at normal priority.
                    if monitor.restartRequested { continue }
                    try? db.execute("PRAGMA wal_checkpoint(PASSIVE)")
                }
            })
        passPolicy = policy.value
        do {
            restart = try ConnectionThread(
                name: "store-restart", open: open,
                loop: { db in
                    while true {
                        monitor.wake.wait()
                        if stopped.value.load(ordering: .acquiring) { break }
                        try? db.execute("PRAGMA wal_checkpoint(PASSIVE)")
                        // The database file's pages that passes copied since the last restart,
                        // then the WAL's frames since the pass began, flushed while the writer
                        // goes on: the RESTART's own two syncs, made under the write lock, then
                        // flush only what came after. Left to them, they took most of its stall.
                        try? db.syncFiles()
                        // Result row: busy flag (1: could not finish, e.g. the background pass
                        // held the checkpoint lock), frames in the WAL, frames checkpointed.
                        let started = DispatchTime.now().uptimeNanoseconds
                        let busy = try? db.prepare("PRAGMA wal_checkpoint(RESTART)").firstRow { $0.int(0) }
                        if busy == 0 {
                            // From taking the write lock (after the commit in progress) to the
                            // WAL's new start: the writer's stall.
                            config.metrics.recordWALRestart(nanoseconds: Int64(DispatchTime.now().uptimeNanoseconds - started))
                        } else {
                            usleep(1000)  // the next commit asks again
                        }
                        monitor.restartFinished()
                    }
                })
        } catch {
            stopped.value.store(true, ordering: .releasing)
            wakePass.signal()
            pass.join()
            throw error
        }
    }

    func close() {
        stopped.value.store(true, ordering: .releasing)
        wakePass.signal()
        monitor.wake.signal()
        pass.join()
        restart.join()
    }
}

/// The WAL's length as the writer's commits leave it (from the writer connection's WAL hook), and
/// the restart thread's wake-up.
final class WALMonitor: Sendable {
    let wake = DispatchSemaphore(value: 0)
    private let threshold: Atomic<Int>
    private let requested = Atomic<Bool>(false)
    private let lastFrames = Atomic<Int>(0)

    /// `restartAbovePages`: until the writer sets the database's own
    /// (``restartThreshold(pageSize:walSizeLimitBytes:)``).
    init(restartAbovePages: Int = 32_768) {
        threshold = Atomic(restartAbovePages)
    }

    /// The WAL length, in frames, past which a commit asks for a RESTART checkpoint.
    var restartAbovePages: Int {
        get { threshold.load(ordering: .relaxed) }
        set { threshold.store(newValue, ordering: .relaxed) }
    }

    /// The threshold for a database of `pageSize`-byte pages: 7/8 of the WAL size SQLite keeps
    /// after a restart (``StoreConfiguration/walSizeLimitBytes``), in frames (a page and its
    /// 24-byte frame header). Every restart holds the writer a few milliseconds whatever the WAL's
    /// length (the restart thread copies and syncs the bulk first), so the longer the WAL may
    /// grow, the fewer the stalls; past `walSizeLimitBytes` each restart would also truncate the
    /// file. With the default 512 MiB: 226,719 frames of 2 KiB pages (448 MiB), a restart every
    /// ~5 s at 6,000 single Enqueues/s; 114,019 frames of 4 KiB pages (BENCHMARKS.md, "Session
    /// 28" and "Session 29").
    static func restartThreshold(pageSize: Int, walSizeLimitBytes: Int) -> Int {
        max(1, walSizeLimitBytes / 8 * 7 / (pageSize + 24))
    }

    /// Called on the writer's thread after each commit. Wakes the restart thread once per request.
    func committed(frames: Int) {
        lastFrames.store(frames, ordering: .relaxed)
        guard frames > restartAbovePages,
            !requested.exchange(true, ordering: .acquiringAndReleasing)
        else { return }
        wake.signal()
    }

    /// The WAL's length in frames after the last commit (0 before the first).
    var frames: Int { lastFrames.load(ordering: .relaxed) }

    var restartRequested: Bool { requested.load(ordering: .acquiring) }

    func restartFinished() { requested.store(false, ordering: .releasing) }
}

/// A flag threads can share (an `Atomic` cannot be captured by a closure itself).
final class StopFlag: Sendable {
    let value = Atomic<Bool>(false)
}
