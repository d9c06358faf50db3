import Foundation
import SQLite
import SchedulingCore
import CLinux

/// One write operation waiting for the writer thread.
///
/// `run` executes inside the batch transaction and returns the delivery step, which receives the
/// batch's commit outcome and answers the caller: nobody hears "done" before COMMIT returned.
struct WriteJob: Sendable {
    /// Runs the operation. With `isolated` false it runs directly in the batch transaction and
    /// returns nil when it failed after writing rows, which only a rollback of the whole batch
    /// can undo; with `isolated` true it runs in its own savepoint and always answers.
    let run: @Sendable (WriterState, _ isolated: Bool) -> (@Sendable (StoreError?) -> Void)?
    /// Answers the caller without running the operation (the transaction could not start).
    let reject: @Sendable (StoreError) -> Void
}

/// The single writer: applies queued operations in batched transactions (group commit).
final class Writer: Sendable {
    private let queue = JobQueue<WriteJob>()
    private let thread: ConnectionThread
    /// Answers go out from their own thread: resuming a continuation wakes a pool thread, and on
    /// a small machine the kernel then preempts the waker. Better the responder than the writer.
    private let responses = JobQueue<Response>()
    private let responderDone = DispatchSemaphore(value: 0)
    private let checkpointer: Checkpointer
    private let wal: WALMonitor
    private let maxQueued: Int

    /// One committed (or failed) batch's answers.
    struct Response: Sendable {
        var deliveries: [@Sendable (StoreError?) -> Void]
        var error: StoreError?
    }

    init(config: StoreConfiguration, occupancy: OccupancyIndex) throws {
        maxQueued = config.maxQueuedWrites
        let queue = self.queue
        let responses = self.responses
        let responderDone = self.responderDone
        let responder = Thread {
            _ = clinux_name_thread("store-responder")
            while let batch = responses.take(max: 64) {
                for r in batch {
                    for d in r.deliveries { d(r.error) }
                }
            }
            responderDone.signal()
        }
        let pinned = OpenedValue<Int?>(nil)
        // The WAL's length as the writer's commits leave it; a long WAL wakes the checkpointer.
        let wal = WALMonitor()
        self.wal = wal
        responder.start()
        do {
            thread = try ConnectionThread(
                name: "store-writer",
                open: {
                    pinned.value = try Writer.pin(config.writerCPU)
                    let db = try Connection(
                        path: config.path, mode: .readWriteCreate,
                        busyTimeoutMilliseconds: config.busyTimeoutMilliseconds)
                    do {
                        try db.execute(config.writerPragmas)
                        try db.migrate(Schema.migrations)
                        // The page size is the file's own once it exists (an older database
                        // keeps its 4 KiB pages).
                        wal.restartAbovePages = WALMonitor.restartThreshold(
                            pageSize: Int(try db.scalarInt64("PRAGMA page_size") ?? 4096),
                            walSizeLimitBytes: config.walSizeLimitBytes)
                        if let pages = config.maxPageCount { try db.execute("PRAGMA max_page_count = \(pages)") }
                        try occupancy.install(on: db, now: config.clock.now())
                        try db.setWALHook { wal.committed(frames: $0) }
                    } catch {
                        try? db.close()
                        throw error
                    }
                    return db
                },
                loop: { db in
                    let state = WriterState(db: db, config: config, occupancy: occupancy)
                    while let batch = queue.take(max: config.maxBatchSize) {
                        Writer.process(batch[...], state: state, responses: responses, metrics: config.metrics)
                        // After the batch's answers went out: the WAL restart's stall, when due.
                        wal.restartIfReady(on: db, metrics: config.metrics)
                    }
                    // Leave a small WAL behind on clean shutdown.
                    try? db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                })
        } catch {
            responses.close()
            responderDone.wait()
            throw error
        }
        pinnedCPU = pinned.value
        do {
            checkpointer = try Checkpointer(config: config, monitor: wal)
        } catch {
            queue.close()
            thread.join()
            responses.close()
            responderDone.wait()
            throw error
        }
    }

    /// The CPU the writer thread is pinned to (``StoreConfiguration/writerCPU``); nil when it
    /// is not.
    let pinnedCPU: Int?

    /// Pins the calling thread (the writer's, before it opens its connection) as `choice` says:
    /// the CPU, or nil when not pinned. A CPU the process may not run on is an error; failing to
    /// pin to the default choice is not (the writer then runs unpinned).
    static func pin(_ choice: StoreConfiguration.WriterCPU) throws(StoreError) -> Int? {
        switch choice {
        case .unpinned:
            return nil
        case .lastAllowed:
            let cpu = clinux_pin_thread(-1)
            return cpu >= 0 ? Int(cpu) : nil
        case .cpu(let n):
            let cpu = n >= 0 && n <= Int(Int32.max) ? clinux_pin_thread(Int32(n)) : -1
            guard cpu >= 0 else {
                throw .invalidArgument(
                    "writerCPU", "CPU \(n) is not one this process may run on (it may use \(allowedCPUs().map(String.init).joined(separator: ",")))")
            }
            return Int(cpu)
        }
    }

    /// The CPUs the calling thread may run on.
    static func allowedCPUs() -> [Int] {
        var cpus = [Int32](repeating: 0, count: 1024)
        let n = clinux_allowed_cpus(&cpus, Int32(cpus.count))
        return n <= 0 ? [] : cpus.prefix(Int(n)).map(Int.init)
    }

    /// The WAL length, in frames, past which a commit has the WAL started over (set from the
    /// database's page size when the writer opens it).
    var walRestartAbovePages: Int { wal.restartAbovePages }

    /// Operations queued and not yet taken by the writer thread.
    var queuedCount: Int { queue.count }

    /// Queues an operation; the caller is answered after its batch commits.
    func submit<T: Sendable>(_ body: @escaping @Sendable (WriterState) throws -> T) async throws(StoreError) -> T {
        let result: Result<T, StoreError> = await withCheckedContinuation {
            (c: CheckedContinuation<Result<T, StoreError>, Never>) in
            let job = WriteJob(
                run: { state, isolated in
                    let outcome: Result<T, StoreError>
                    let mark = state.occupancy.mark()
                    let changesBefore = state.db.totalChanges
                    do {
                        outcome = .success(
                            isolated ? try state.db.savepoint("op") { try body(state) } : try body(state))
                    } catch {
                        state.occupancy.undo(to: mark)  // its rows are gone (or will be)
                        if !isolated, state.db.totalChanges != changesBefore, !state.db.isAutocommit {
                            // Rows written before the failure (by the job, or by one of its
                            // items: ItemWroteBeforeFailing): only a batch rollback undoes them.
                            return nil
                        }
                        outcome = .failure(StoreError.wrap(error))
                    }
                    return { commitError in
                        if let commitError, case .success = outcome {
                            c.resume(returning: .failure(commitError))
                        } else {
                            c.resume(returning: outcome)
                        }
                    }
                }, reject: { c.resume(returning: .failure($0)) })
            switch queue.push(job, limit: maxQueued) {
            case .queued: break
            case .closed: c.resume(returning: .failure(StoreError(code: .cancelled, message: "the store is closed")))
            case .full:
                c.resume(
                    returning: .failure(
                        StoreError(
                            code: .resourceExhausted,
                            message: "too many write operations waiting (\(maxQueued)); retry later")))
            }
        }
        return try result.get()
    }

    /// Runs a batch: BEGIN IMMEDIATE, each job, COMMIT, then answers.
    ///
    /// Jobs run directly in the transaction. A savepoint per job would cost more than the
    /// job's own writes: SQLite copies every page a savepoint's statements touch into its
    /// sub-journal. Most failures (validation, a missing row, a stale token, a conflict) happen
    /// before a job writes anything, and those cost nothing to undo. When a job fails after
    /// writing rows, the batch transaction is rolled back and run again from its first job,
    /// this time with each job in its own savepoint, so the failed job's rows vanish alone.
    /// Nothing is answered before the transaction that holds its writes commits, so running a
    /// job twice is invisible to its caller.
    private static func process(
        _ batch: ArraySlice<WriteJob>, state: WriterState, responses: JobQueue<Response>, metrics: StoreMetrics
    ) {
        var rest = batch
        var isolated = false
        defer { state.savepointPerItem = false }
        while !rest.isEmpty {
            let db = state.db
            state.savepointPerItem = isolated
            let began = DispatchTime.now().uptimeNanoseconds
            do {
                try db.begin(.immediate)
            } catch {
                let e = StoreError.sqlite(error)
                for job in rest { job.reject(e) }
                return
            }
            let start = rest
            var deliveries: [@Sendable (StoreError?) -> Void] = []
            deliveries.reserveCapacity(rest.count)
            var aborted = false
            var replay = false
            while let job = rest.first {
                rest = rest.dropFirst()
                guard let delivery = job.run(state, isolated) else {
                    replay = true
                    break
                }
                deliveries.append(delivery)
                if db.isAutocommit {
                    // SQLite rolled the whole transaction back (disk full, I/O error): the
                    // operations before this one are lost with it. Answer them with an error and
                    // go on with the rest in a new transaction.
                    aborted = true
                    break
                }
            }
            if replay {
                db.rollbackQuietly()
                state.occupancy.undo(to: 0)
                rest = start
                isolated = true
                continue
            }
            var commitError: StoreError?
            if aborted {
                commitError = StoreError(
                    code: .unavailable, message: "the batch transaction was rolled back by the database; retry")
            } else {
                do {
                    try db.commit()
                } catch {
                    commitError = StoreError.sqlite(error)
                    db.rollbackQuietly()
                }
            }
            metrics.recordBatch(
                operations: deliveries.count, nanoseconds: Int64(DispatchTime.now().uptimeNanoseconds - began),
                committed: commitError == nil)
            if commitError == nil {
                state.occupancy.commit()
                state.evictOldOccupancy()
            } else {
                state.occupancy.undo(to: 0)  // nothing of this batch reached the database
            }
            _ = responses.push(Response(deliveries: deliveries, error: commitError))
        }
    }

    /// Stops taking operations, finishes the queued ones, closes the connection.
    func close() {
        checkpointer.close()
        queue.close()
        thread.join()
        responses.close()
        responderDone.wait()
    }
}
