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
/// - **The restart's preparation.** Under a steady stream of commits the PASSIVE passes never
///   quite catch up, and SQLite only starts the WAL over when a checkpoint has copied every
///   frame. The writer's WAL hook reports the WAL's length after each commit (``WALMonitor``);
///   past `restartAbovePages` frames it wakes this thread (at normal priority: the RESTART waits
///   for its rounds). It copies and syncs in rounds, a PASSIVE pass and then the database
///   file and the WAL synced (no lock: the writer goes on), each round taking what the writer
///   appended during the one before, until a round finds fewer than ``quietFrames`` new (at most
///   ``maxRounds``). Then the writer itself, between two transactions, runs the RESTART
///   checkpoint (``WALMonitor/restartIfReady(on:metrics:)``): it copies and syncs the little
///   still missing, and the next commit writes from the start of the file again.
///   When this thread ran the RESTART, it had to win the write lock between two of the writer's
///   transactions; under EnqueueBatch, with transactions back to back, it waited up to 0.7 s
///   while the WAL kept growing, and then held the writer while it copied all of that
///   (docs/BENCHMARKS.md, "Session 31"). Waiting for a longer WAL made the copy, and the
///   writer's stall, grow with it: 340–540 ms at 256 MB.
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
                        for _ in 0..<Checkpointer.maxRounds {
                            // Result row: busy flag (1: could not run, e.g. the background pass
                            // held the checkpoint lock), frames in the WAL, frames checkpointed.
                            let pass = try? db.prepare("PRAGMA wal_checkpoint(PASSIVE)").firstRow { ($0.int(0), $0.int(1)) }
                            guard let (busy, frames) = pass, busy == 0 else {
                                usleep(1000)
                                continue
                            }
                            // The database file's pages the passes copied, then the WAL's frames,
                            // flushed while the writer goes on: the RESTART's own two syncs, made
                            // while the writer waits, then flush only what came after. Left to
                            // them, they took most of its stall.
                            try? db.syncFiles()
                            // What the writer appended while this round copied and synced.
                            if monitor.frames - frames < Checkpointer.quietFrames { break }
                        }
                        monitor.readyToRestart()
                    }
                })
        } catch {
            stopped.value.store(true, ordering: .releasing)
            wakePass.signal()
            pass.join()
            throw error
        }
    }

    /// A round that found fewer new frames than this (2–4 MiB with 2–4 KiB pages) leaves the
    /// RESTART only a few milliseconds of copying and syncing.
    static let quietFrames = 1_024
    /// Rounds before the RESTART at most, should the writer append faster than a round copies.
    static let maxRounds = 8

    /// Stops both threads; from then on no RESTART runs (the writer's ``WALMonitor/restartIfReady(on:metrics:)``
    /// finds nothing ready).
    func close() {
        stopped.value.store(true, ordering: .releasing)
        wakePass.signal()
        monitor.wake.signal()
        pass.join()
        restart.join()
        monitor.restartFinished()
    }
}

/// The WAL's length as the writer's commits leave it (from the writer connection's WAL hook), and
/// the restart thread's wake-up.
final class WALMonitor: Sendable {
    let wake = DispatchSemaphore(value: 0)
    private let threshold: Atomic<Int>
    private let requested = Atomic<Bool>(false)
    private let ready = Atomic<Bool>(false)
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

    /// The restart thread's preparation is done: the writer's next ``restartIfReady(on:metrics:)``
    /// runs the RESTART.
    func readyToRestart() { ready.store(true, ordering: .releasing) }

    /// Whether the restart thread's preparation is done and the RESTART not yet run.
    var isReadyToRestart: Bool { ready.load(ordering: .acquiring) }

    /// Called on the writer's thread between transactions (`db` is the writer's connection, in
    /// no transaction): when the restart thread has copied and synced all but the last few
    /// frames, runs the RESTART checkpoint, which copies and syncs those while the writer waits
    /// and starts the WAL over, and records how long it took (the writer's stall). A RESTART
    /// that could not run (the background pass held the checkpoint lock, a reader did not
    /// finish within the busy timeout) is asked for again by the next commit past the threshold.
    /// True when a RESTART started the WAL over.
    @discardableResult
    func restartIfReady(on db: Connection, metrics: StoreMetrics) -> Bool {
        guard ready.load(ordering: .acquiring), db.isAutocommit else { return false }
        let started = DispatchTime.now().uptimeNanoseconds
        let busy = try? db.prepare("PRAGMA wal_checkpoint(RESTART)").firstRow { $0.int(0) }
        if busy == 0 { metrics.recordWALRestart(nanoseconds: Int64(DispatchTime.now().uptimeNanoseconds - started)) }
        restartFinished()
        return busy == 0
    }

    /// Ends a restart request (done, refused, or the checkpointer closed): the next commit past
    /// the threshold wakes the restart thread again.
    func restartFinished() {
        ready.store(false, ordering: .releasing)
        requested.store(false, ordering: .releasing)
    }
}

/// A flag threads can share (an `Atomic` cannot be captured by a closure itself).
final class StopFlag: Sendable {
    let value = Atomic<Bool>(false)
}
