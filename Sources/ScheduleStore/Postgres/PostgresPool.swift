import CLinux
import Foundation
import PostgreSQL

/// Connections to PostgreSQL, each owned by a thread of its own (libpq blocks), taking jobs from
/// one queue: at most ``PostgresStoreConfiguration/poolSize`` calls run at once, the rest wait
/// in order. A connection is opened on its thread's first job and opened again after it was lost,
/// so the store recovers by itself when the database comes back.
final class PostgresPool: Sendable {
    private let queue = JobQueue<@Sendable (PostgresSession) -> Void>()
    private let finished: [DispatchSemaphore]
    /// Calls allowed to wait for a connection; beyond it they fail at once with `resourceExhausted`.
    private let maxQueued: Int

    init(settings: PostgresSession.Settings, size: Int, maxQueued: Int) {
        self.maxQueued = maxQueued
        let queue = self.queue
        var finished: [DispatchSemaphore] = []
        for i in 0..<max(1, size) {
            let done = DispatchSemaphore(value: 0)
            finished.append(done)
            let thread = Thread {
                _ = clinux_name_thread("store-pg-\(i)")
                let session = PostgresSession(settings: settings)
                while let jobs = queue.take(max: 1) {
                    for job in jobs { job(session) }
                }
                session.discard()
                done.signal()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        self.finished = finished
    }

    /// Runs `job` on a pooled connection's thread.
    func run<T: Sendable>(_ job: @escaping @Sendable (PostgresSession) throws(StoreError) -> T) async throws(StoreError)
        -> T
    {
        let result: Result<T, StoreError> = await withCheckedContinuation {
            (c: CheckedContinuation<Result<T, StoreError>, Never>) in
            let pushed = queue.push(
                { session in
                    do throws(StoreError) {
                        c.resume(returning: .success(try job(session)))
                    } catch {
                        c.resume(returning: .failure(error))
                    }
                }, limit: maxQueued)
            switch pushed {
            case .queued: break
            case .closed: c.resume(returning: .failure(StoreError(code: .cancelled, message: "the store is closed")))
            case .full:
                c.resume(
                    returning: .failure(
                        StoreError(
                            code: .resourceExhausted,
                            message: "too many calls waiting for a database connection (\(maxQueued)); retry later")))
            }
        }
        return try result.get()
    }

    /// Finishes the queued jobs, closes every connection and waits for the threads.
    func close() {
        queue.close()
        for f in finished { f.wait() }
    }
}

/// One pooled connection, confined to its thread: opened when first needed, replaced after a
/// connection error. Runs transactions with the store's retry rules.
final class PostgresSession {
    struct Settings: Sendable {
        var url: String
        var password: String?
        var redacted: String
        var applicationName: String
        var schema: String
        var connectTimeoutSeconds: Int
        var statementTimeoutMilliseconds: Int
        var lockTimeoutMilliseconds: Int
        var maxTransactionRetries: Int

        /// Opens a connection with the session settings every store connection has.
        func connect() throws(StoreError) -> PostgreSQL.Connection {
            let db: PostgreSQL.Connection
            do {
                db = try PostgreSQL.Connection(
                    url, applicationName: applicationName, connectTimeoutSeconds: connectTimeoutSeconds,
                    password: password)
            } catch {
                throw StoreError(
                    code: .unavailable, message: "cannot connect to PostgreSQL (\(redacted)): \(error.message)",
                    backendCode: "postgres:\(error.code.rawValue)")
            }
            do {
                try db.executeScript(
                    """
                    SET search_path TO \(schema);
                    SET statement_timeout = \(statementTimeoutMilliseconds);
                    SET lock_timeout = \(lockTimeoutMilliseconds);
                    SET idle_in_transaction_session_timeout = \(max(statementTimeoutMilliseconds, 60_000));
                    """)
            } catch {
                db.close()
                throw PostgresRepository.storeError(error)
            }
            return db
        }
    }

    let settings: Settings
    private var connection: PostgreSQL.Connection?

    init(settings: Settings) { self.settings = settings }

    /// The open connection, or a new one.
    func connect() throws(StoreError) -> PostgreSQL.Connection {
        if let c = connection, c.isHealthy { return c }
        discard()
        let c = try settings.connect()
        connection = c
        return c
    }

    /// Round trips of the open connection so far (0 with none): what a call costs, for tests.
    var roundTrips: Int { connection?.roundTrips ?? 0 }

    /// Closes the connection (after it was lost, or at the end).
    func discard() {
        connection?.close()
        connection = nil
    }

    /// Runs `body`, one read-only statement, outside a transaction (one round trip instead of
    /// BEGIN's and COMMIT's two). A connection found broken is replaced and the statement run
    /// again once: a read can run twice. So is a statement refused with 0A000, after the
    /// connection's cached statements are deallocated (see ``transaction(readOnly:_:)``).
    func statement<T>(_ body: (PostgreSQL.Connection) throws -> T) throws(StoreError) -> T {
        var reconnected = false
        var reprepared = false
        while true {
            let db = try connect()
            do {
                return try body(db)
            } catch let e as StoreError {
                throw e
            } catch let e as PostgreSQLError {
                if preparesAgain(after: e, on: db, once: &reprepared) { continue }
                guard e.isConnectionError else { throw PostgresRepository.storeError(e) }
                discard()
                if !reconnected {
                    reconnected = true
                    continue
                }
                throw lost(e)
            } catch {
                throw StoreError.wrap(error)
            }
        }
    }

    /// After a 0A000, the first time for this call (`done` false, then true): deallocates `db`'s
    /// cached statements, so the call can run again on statements prepared anew (a migration by
    /// another node changed the type of a column they return), and says so. False for any other
    /// error, a second time, or when even that fails (the connection is then dropped).
    private func preparesAgain(after e: PostgreSQLError, on db: PostgreSQL.Connection, once done: inout Bool) -> Bool {
        guard e.mayBeStalePreparedStatement, !done else { return false }
        do {
            try db.clearStatementCache()
        } catch {
            discard()
            return false
        }
        done = true
        return true
    }

    /// A lost connection as the call's error.
    private func lost(_ e: PostgreSQLError) -> StoreError {
        StoreError(
            code: .unavailable,
            message: "lost the connection to PostgreSQL (\(settings.redacted)): \(e.message); retry the call",
            backendCode: "postgres:\(e.code.rawValue)")
    }

    /// Runs `body` in one transaction: READ COMMITTED, or with `readOnly` REPEATABLE READ READ
    /// ONLY (one snapshot for all its statements; a read-only transaction never fails for it).
    ///
    /// - A connection found broken before `body` ran, or in the transaction's first round trip
    ///   (where its BEGIN goes: the database restarted while it sat idle), is replaced and the
    ///   transaction started again: nothing of it can have taken effect.
    /// - A serialization failure or deadlock (40001, 40P01) rolls the transaction back and runs it
    ///   again, up to ``Settings/maxTransactionRetries`` times: nothing of it was kept, and
    ///   nobody was answered.
    /// - A statement refused with 0A000 (a cached statement whose result type another node's
    ///   migration changed) rolls it back, deallocates the connection's cached statements and
    ///   runs it again once, on statements prepared anew.
    /// - A connection lost while `body` or COMMIT ran is `unavailable`: the transaction was rolled
    ///   back unless the loss came during COMMIT, which the caller cannot tell; a retried Enqueue
    ///   with an idempotency key is safe either way.
    func transaction<T>(readOnly: Bool = false, _ body: (PostgreSQL.Connection) throws -> T) throws(StoreError) -> T {
        try transaction(readOnly: readOnly, items: false) { db, _ in try body(db) }
    }

    /// The same, for an operation of batch items (``PostgresRepository/isolated(_:)``): `body`
    /// runs first with `savepointPerItem` false, each item directly in the transaction. When
    /// an item cannot be undone alone (``ReplayWithSavepoints``), or a statement fails where
    /// its item cannot be told (a queued write's error comes with a later item's statement, or
    /// with COMMIT), the transaction is rolled back and runs again with a savepoint per item,
    /// where each item's failure is its own. Nobody was answered in between.
    func transaction<T>(readOnly: Bool = false, items: Bool, _ body: (PostgreSQL.Connection, _ savepointPerItem: Bool) throws -> T)
        throws(StoreError) -> T
    {
        var retries = 0
        var reconnected = false
        var reprepared = false
        var perItem = !items
        while true {
            let db = try connect()
            var entered = false
            do {
                // A read-only transaction sees one snapshot; one that writes takes the project's
                // lock before its decisions' reads, each seeing the latest commits.
                return try db.transaction(readOnly ? .repeatableRead : .readCommitted, readOnly: readOnly) {
                    entered = true
                    return try body(db, perItem)
                }
            } catch is ReplayWithSavepoints where !perItem {
                perItem = true
                continue
            } catch let e as StoreError {
                throw e
            } catch let e as PostgreSQLError {
                if e.isConnectionError {
                    discard()
                    if (!entered || e.failedBeforeTransaction) && !reconnected {
                        reconnected = true
                        continue
                    }
                    throw lost(e)
                }
                if preparesAgain(after: e, on: db, once: &reprepared) { continue }
                if e.isRetryableTransactionFailure && retries < settings.maxTransactionRetries {
                    retries += 1
                    continue
                }
                if !perItem {
                    perItem = true
                    continue
                }
                throw PostgresRepository.storeError(e)
            } catch {
                throw StoreError.wrap(error)
            }
        }
    }
}
