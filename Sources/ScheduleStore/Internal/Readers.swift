import Foundation
import SQLite

/// Read-only connections (WAL lets them read while the writer writes), each on its own thread,
/// taking jobs from one shared queue.
final class Readers: Sendable {
    private let queue = JobQueue<@Sendable (Connection) -> Void>()
    private let threads: [ConnectionThread]

    init(config: StoreConfiguration) throws {
        let queue = self.queue
        var threads: [ConnectionThread] = []
        do {
            for i in 0..<max(1, config.readerCount) {
                threads.append(
                    try ConnectionThread(
                        name: "store-reader-\(i)",
                        open: {
                            let db = try Connection(
                                path: config.path, mode: .readOnly,
                                busyTimeoutMilliseconds: config.busyTimeoutMilliseconds)
                            try? db.execute("PRAGMA cache_size = -\(config.cacheSizeKiB / 4)")
                            return db
                        },
                        loop: { db in
                            while let jobs = queue.take(max: 1) {
                                for job in jobs { job(db) }
                            }
                        }))
            }
        } catch {
            queue.close()
            for t in threads { t.join() }
            throw error
        }
        self.threads = threads
    }

    /// Runs `body` in a read transaction (one consistent snapshot) on a reader thread.
    func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws(StoreError) -> T {
        let result: Result<T, StoreError> = await withCheckedContinuation {
            (c: CheckedContinuation<Result<T, StoreError>, Never>) in
            let pushed = queue.push { db in
                do {
                    let value = try db.transaction(.deferred) { try body(db) }
                    c.resume(returning: .success(value))
                } catch {
                    c.resume(returning: .failure(StoreError.wrap(error)))
                }
            }
            if !pushed { c.resume(returning: .failure(StoreError(code: .cancelled, message: "the store is closed"))) }
        }
        return try result.get()
    }

    func close() {
        queue.close()
        for t in threads { t.join() }
    }
}
