import CLinux
import Foundation
import SQLite

/// A blocking FIFO shared between async callers and one or more dedicated threads.
///
/// `@unchecked Sendable`: every access to `jobs` and `closed` happens with `condition` locked.
final class JobQueue<Job>: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var closed = false

    enum PushResult { case queued, closed, full }

    /// Adds a job; false when the queue is closed.
    func push(_ job: Job) -> Bool { push(job, limit: .max) == .queued }

    /// Adds a job unless the queue is closed or already holds `limit` jobs.
    func push(_ job: Job, limit: Int) -> PushResult {
        condition.lock()
        defer { condition.unlock() }
        if closed { return .closed }
        if jobs.count >= limit { return .full }
        jobs.append(job)
        condition.signal()
        return .queued
    }

    /// Jobs waiting to be taken.
    var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return jobs.count
    }

    /// Waits for jobs and takes up to `max` of them; nil once closed and drained.
    func take(max: Int) -> [Job]? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty && !closed { condition.wait() }
        if jobs.isEmpty { return nil }
        if jobs.count <= max {
            let all = jobs
            jobs.removeAll(keepingCapacity: true)
            return all
        }
        let head = Array(jobs.prefix(max))
        jobs.removeFirst(max)
        return head
    }

    /// Stops accepting jobs; takers drain what is left, then get nil.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}

/// A thread that owns one connection, opened on that thread (connections are thread-confined).
final class ConnectionThread: Sendable {
    private let done = DispatchSemaphore(value: 0)

    /// Starts a thread that runs `open` and then `loop` with the connection, and closes it when
    /// `loop` returns. Blocks until `open` has finished and rethrows its error.
    init(
        name: String, open: @escaping @Sendable () throws -> Connection,
        loop: @escaping @Sendable (Connection) -> Void
    ) throws {
        let ready = DispatchSemaphore(value: 0)
        let openError = OpenedValue<(any Error)?>(nil)
        let done = self.done
        let thread = Thread {
            _ = clinux_name_thread(name)
            let connection: Connection
            do {
                connection = try open()
            } catch {
                openError.value = error
                ready.signal()
                done.signal()
                return
            }
            ready.signal()
            loop(connection)
            try? connection.close()
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
        ready.wait()
        if let e = openError.value { throw e }
    }

    /// Waits for the thread to finish (after its queue was closed).
    func join() { done.wait() }
}

/// Carries a value set on a ``ConnectionThread``'s thread while it opens (its open error; the
/// writer's CPU, the checkpointer's scheduling policy, set in `open`) to the thread's creator.
///
/// `@unchecked Sendable`: written before the thread signals that opening finished, read by the
/// creator after `ConnectionThread.init` waited for that signal; the semaphore orders the two.
final class OpenedValue<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
