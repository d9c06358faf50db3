import Foundation
import PostgreSQL
import Synchronization
import Testing

/// The test cluster's URL (scripts/pg-test-cluster env); nil when the tests run without one.
let postgresURL = ProcessInfo.processInfo.environment["SCHEDULER_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

/// The test cluster's server certificate (scripts/pg-test-cluster env), for sslrootcert.
let postgresCA = ProcessInfo.processInfo.environment["SCHEDULER_TEST_POSTGRES_CA"].flatMap { $0.isEmpty ? nil : $0 }

/// Why the suites below are skipped: say how to run them.
let noPostgres: Comment = """
    SCHEDULER_TEST_POSTGRES_URL is unset: these tests need PostgreSQL. Run scripts/test, or \
    `scripts/pg-test-cluster start && export $(scripts/pg-test-cluster env)` before swift test.
    """

/// A connection to the test database, inside a schema of its own (first on `search_path`),
/// dropped with everything in it afterwards.
func withSchema(_ body: (Connection) throws -> Void) throws {
    let url = try #require(postgresURL)
    let db = try Connection(url, applicationName: "PostgreSQLTests")
    defer { db.close() }
    let schema = "pgtest_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
    try db.executeScript("CREATE SCHEMA \(schema); SET search_path TO \(schema)")
    defer { try? db.executeScript("DROP SCHEMA \(schema) CASCADE") }
    try body(db)
}

/// A random advisory lock key, so concurrent runs never share one.
func randomLockKey() -> Int64 { Int64.random(in: 1...Int64.max) }

/// Runs `body` with the test database's URL and two connections to it (a lock one holds, the
/// other meets), closed when it returns.
func withTwoConnections(_ body: (_ url: String, _ a: Connection, _ b: Connection) throws -> Void) throws {
    let url = try #require(postgresURL)
    let a = try Connection(url)
    defer { a.close() }
    let b = try Connection(url)
    defer { b.close() }
    try body(url, a, b)
}

@Suite("PostgreSQL wrapper", .enabled(if: postgresURL != nil, noPostgres))
struct PostgreSQLTests {
    @Test func parametersAndTypesRoundTrip() throws {
        try withSchema { db in
            try db.execute("CREATE TABLE t (id int8 PRIMARY KEY, s text, d float8, b bool, y bytea, i4 int4)")
            let rows: [(Int64, String, Double, Bool, [UInt8])] = [
                (1, "héllo 🌍", 2.5, true, [0, 1, 2, 254, 255]),
                (Int64.max, "", 0.1, false, []),
                (Int64.min, "'); DROP TABLE t; --", -1e-300, true, Array(0...255)),
                (4, "tab\tnew\nline \"quoted\" \\back", .infinity, false, [0]),
                (5, "x", -.infinity, true, [1]),
            ]
            for r in rows {
                let result = try db.execute(
                    "INSERT INTO t (id, s, d, b, y) VALUES ($1, $2, $3, $4, $5)",
                    [.int64(r.0), .text(r.1), .double(r.2), .bool(r.3), .bytes(r.4)])
                #expect(result.affectedRows == 1)
            }
            let result = try db.execute("SELECT id, s, d, b, y FROM t ORDER BY id")
            #expect(result.count == rows.count)
            #expect(result.columnCount == 5)
            #expect(result.columnName(1) == "s")
            #expect(result.columnType(0) == .int8)
            #expect(result.columnType(4) == .bytea)
            #expect(result.columnIndex(named: "y") == 4)
            let read = try result.map { row in
                (try row.int64(0), try row.string(1), try row.double(2), try row.bool(3), try row.bytes(4))
            }
            for expected in rows {
                let got = try #require(read.first { $0.0 == expected.0 })
                #expect(got.1 == expected.1)
                #expect(got.2 == expected.2)
                #expect(got.3 == expected.3)
                #expect(got.4 == expected.4)
            }
            #expect(try db.execute("SELECT count(*) FROM t").first?.int(0) == rows.count)  // not dropped
            // NaN, and the value(_:) view by column type.
            let nan = try #require(try db.execute("SELECT $1::float8", [.double(.nan)]).first?.double(0))
            #expect(nan.isNaN)
            let v = try #require(
                try db.execute("SELECT 42::int4, 1.5::float4, true, 'x'::text, '\\x01ff'::bytea, 12.50::numeric").first)
            #expect(try v.value(0) == .int64(42))
            #expect(try v.value(1) == .double(1.5))
            #expect(try v.value(2) == .bool(true))
            #expect(try v.value(3) == .text("x"))
            #expect(try v.value(4) == .bytes([1, 255]))
            #expect(try v.value(5) == .text("12.50"))
            // A text parameter cast by the SQL; an int8 parameter into an int4 column.
            #expect(try db.execute("SELECT $1::int4 + 1", [.text("41")]).first?.int(0) == 42)
            try db.execute("UPDATE t SET i4 = $1 WHERE id = 1", [.int64(7)])
            #expect(try db.execute("SELECT i4 FROM t WHERE id = 1").first?.int64(0) == 7)
            // Reading a value as the wrong type is a typed error, and does not quote the value.
            do {
                _ = try db.execute("SELECT $1::text", ["not-a-number-secret"]).first?.int64(0)
                Issue.record("expected a parse error")
            } catch let error as PostgreSQLError {
                #expect(error.code == .invalidTextRepresentation)
                #expect(!error.isFromServer)
                #expect(!error.description.contains("secret"))
            }
        }
    }

    @Test func nullsAreNullAware() throws {
        try withSchema { db in
            try db.execute("CREATE TABLE n (s text, i int8, d float8, b bool, y bytea)")
            try db.execute("INSERT INTO n VALUES ($1, $2, $3, $4, $5)", [nil, nil, nil, nil, nil])
            try db.execute(
                "INSERT INTO n VALUES ($1, $2, $3, $4, $5)",
                [.text("a"), .int(nil), .optional(nil as Double?, { .double($0) }), .null, .null])
            let rows = try db.execute("SELECT s, i, d, b, y FROM n ORDER BY s NULLS FIRST")
            let row = try #require(rows.first)
            for c in 0..<5 { #expect(row.isNull(c)) }
            #expect(row.optionalString(0) == nil)
            #expect(try row.optionalInt64(1) == nil)
            #expect(try row.optionalDouble(2) == nil)
            #expect(try row.optionalBool(3) == nil)
            #expect(try row.optionalBytes(4) == nil)
            #expect(try row.value(0) == .null)
            do {
                _ = try row.int64(1)
                Issue.record("expected a NULL error")
            } catch let error as PostgreSQLError {
                #expect(error.code == .nullValueNotAllowed)
            }
            #expect(try rows[1].string(0) == "a")
            #expect(rows[1].isNull(1))
            // NULL is typeless: it fits a parameter the server typed as anything.
            #expect(try db.execute("SELECT $1::int8 IS NULL", [.null]).first?.bool(0) == true)
        }
    }

    @Test func uniqueViolationHasItsSQLSTATEAndNoParameters() throws {
        try withSchema { db in
            try db.execute("CREATE TABLE u (k text CONSTRAINT u_k_unique UNIQUE)")
            try db.execute("INSERT INTO u VALUES ($1)", ["secret-value"])
            do {
                try db.execute("INSERT INTO u VALUES ($1)", ["secret-value"])
                Issue.record("expected a unique violation")
            } catch let error as PostgreSQLError {
                #expect(error.code == .uniqueViolation)
                #expect(error.code.rawValue == "23505")
                #expect(error.code.errorClass == "23")
                #expect(error.constraint == "u_k_unique")
                #expect(error.isFromServer)
                #expect(!error.isConnectionError)
                #expect(!error.isRetryableTransactionFailure)
                #expect(error.sql == "INSERT INTO u VALUES ($1)")
                // The server's DETAIL quotes the row; the description leaves it out.
                #expect(error.detail?.contains("secret-value") == true)
                #expect(!error.description.contains("secret-value"))
                #expect(error.description.contains("23505"))
            }
            // A data exception's message quotes the input; the description cuts it.
            do {
                try db.execute("SELECT $1::int8", [.text("secret-input")])
                Issue.record("expected a data exception")
            } catch let error as PostgreSQLError {
                #expect(error.code == .invalidTextRepresentation)
                #expect(error.isFromServer)
                #expect(error.message.contains("secret-input"))
                #expect(!error.description.contains("secret-input"))
            }
            #expect(throws: PostgreSQLError.self) { try db.execute("SELEC nonsense") }
            // The connection is still usable after errors outside a transaction.
            #expect(try db.execute("SELECT 1").first?.int(0) == 1)
        }
    }

    @Test func transactionRollsBackOnAThrownError() throws {
        try withSchema { db in
            try db.execute("CREATE TABLE t (v int8)")
            try db.transaction { try db.execute("INSERT INTO t VALUES (1)") }
            struct Boom: Error {}
            #expect(throws: Boom.self) {
                try db.transaction(.serializable) {
                    try db.execute("INSERT INTO t VALUES (2)")
                    throw Boom()
                }
            }
            #expect(db.transactionStatus == .idle)
            #expect(try db.execute("SELECT array_agg(v ORDER BY v)::text FROM t").first?.string(0) == "{1}")
            // A failed statement whose error the body swallowed: no silent COMMIT-as-ROLLBACK.
            do {
                try db.transaction {
                    try db.execute("INSERT INTO t VALUES (3)")
                    _ = try? db.execute("SELECT 1/0")
                }
                Issue.record("expected inFailedSQLTransaction")
            } catch let error as PostgreSQLError {
                #expect(error.code == .inFailedSQLTransaction)
            }
            #expect(db.transactionStatus == .idle)
            #expect(try db.execute("SELECT count(*) FROM t").first?.int(0) == 1)
            // Nested transactions are refused; a read-only one refuses writes.
            try db.transaction {
                #expect(db.transactionStatus == .inTransaction)
                #expect(throws: PostgreSQLError.self) { try db.transaction {} }
            }
            do {
                try db.transaction(.repeatableRead, readOnly: true) { try db.execute("INSERT INTO t VALUES (4)") }
                Issue.record("expected a read-only error")
            } catch let error as PostgreSQLError {
                #expect(error.code == .readOnlySQLTransaction)
            }
            let level = try db.transaction(.serializable) {
                try db.execute("SHOW transaction_isolation").first?.string(0)
            }
            #expect(level == "serializable")
        }
    }

    @Test func advisoryTransactionLockSerializesTwoConnections() throws {
        try withTwoConnections { url, a, b in
            let key = randomLockKey()
            // Outside a transaction a transaction-level lock would be released at once: refused.
            #expect(throws: PostgreSQLError.self) { try a.advisoryTransactionLock(key) }

            try a.begin()
            try a.advisoryTransactionLock(key)
            // While A holds it, B cannot take it: try fails at once, a wait ends at lock_timeout.
            try b.begin()
            #expect(try b.tryAdvisoryTransactionLock(key) == false)
            try b.setParameter("lock_timeout", "100ms", local: true)
            do throws(PostgreSQLError) {
                try b.advisoryTransactionLock(key)
                Issue.record("expected lock_timeout")
            } catch {
                #expect(error.code == .lockNotAvailable)
            }
            #expect(b.transactionStatus == .inFailedTransaction)
            try b.rollback()
            #expect(b.transactionStatus == .idle)

            // B waits on its own thread (bounded by lock_timeout) until A commits.
            let events = Mutex<[String]>([])
            let done = DispatchSemaphore(value: 0)
            let waiter = Thread {
                defer { done.signal() }
                do {
                    let c = try Connection(url)
                    defer { c.close() }
                    try c.transaction {
                        try c.setParameter("lock_timeout", "10s", local: true)
                        events.withLock { $0.append("waiting") }
                        try c.advisoryTransactionLock(key)
                        events.withLock { $0.append("acquired") }
                    }
                } catch {
                    events.withLock { $0.append("error: \(error)") }
                }
            }
            waiter.start()
            // Give the waiter time to block on the lock; it must not get it while A holds it.
            let deadline = Date().addingTimeInterval(5)
            while events.withLock({ $0 }) != ["waiting"] && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            Thread.sleep(forTimeInterval: 0.2)
            events.withLock { $0.append("committing") }
            try a.commit()
            #expect(done.wait(timeout: .now() + 15) == .success)
            #expect(events.withLock { $0 } == ["waiting", "committing", "acquired"])

            // Session-level locks: held across transactions until unlocked.
            #expect(try a.tryAdvisoryLock(key))
            #expect(try b.tryAdvisoryLock(key) == false)
            #expect(try a.advisoryUnlock(key))
            #expect(try b.tryAdvisoryLock(key))
            #expect(try b.advisoryUnlock(key))
            #expect(Connection.advisoryLockKey("project-1") == Connection.advisoryLockKey("project-1"))
            #expect(Connection.advisoryLockKey("project-1") != Connection.advisoryLockKey("project-2"))
        }
    }

    @Test func preparedStatementsAreCachedAndReused() throws {
        try withSchema { db in
            try db.execute("CREATE TABLE p (id int8, i4 int4, ts timestamptz)")
            let insert = "INSERT INTO p (id, i4) VALUES ($1, $2)"
            for i in 0..<10 { try db.executeCached(insert, [.int64(Int64(i)), .int64(Int64(i * 2))]) }
            #expect(db.cachedStatementCount == 1)
            let s1 = try db.cached(insert)
            let s2 = try db.cached(insert)
            #expect(s1 === s2)
            // Prepared with the first call's types, as execute(_:_:) sends them.
            #expect(s1.parameterTypes == [.int8, .int8])
            let prepared = try db.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", [.text(insert)])
            #expect(try prepared.first?.int(0) == 1)
            // Prepared without types, the server infers them from the columns; values of another
            // type are sent as text and parsed by the server.
            let update = try db.cached("UPDATE p SET i4 = $1, ts = $2 WHERE id = $3")
            #expect(update.parameterTypes == [.int4, .timestamptz, .int8])
            try db.executeCached("UPDATE p SET i4 = $1, ts = $2 WHERE id = $3", [100, "2026-12-05T10:00:00Z", 1])
            #expect(db.cachedStatementCount == 2)
            #expect(
                try db.execute("SELECT extract(epoch FROM ts)::int8 FROM p WHERE id = 1").first?.int64(0)
                    == 1_796_464_800)
            // A statement the caller prepares itself.
            #expect(try db.executeCached("SELECT sum(i4) FROM p").first?.int(0) == 90 - 2 + 100)
            let own = try db.prepare("SELECT $1::text || $2::text")
            #expect(try db.execute(own, ["a", "b"]).first?.string(0) == "ab")
            try db.clearStatementCache()
            #expect(db.cachedStatementCount == 0)
            #expect(try db.executeCached("SELECT count(*) FROM p").first?.int(0) == 10)
        }
    }

    @Test func lostConnectionIsAConnectionError() throws {
        let url = try #require(postgresURL)
        let victim = try Connection(url)
        defer { victim.close() }
        let killer = try Connection(url)
        defer { killer.close() }
        #expect(victim.isHealthy)
        #expect(
            try killer.execute("SELECT pg_terminate_backend($1::int4)", [.int64(Int64(victim.backendPID))]).first?.bool(
                0) == true)
        do {
            try victim.execute("SELECT 1")
            Issue.record("expected a connection error")
        } catch {
            #expect(error.isConnectionError)
            // The server says why before it hangs up (57P01); libpq alone would say 08006.
            #expect(error.code == .adminShutdown || error.code == .connectionFailure)
        }
        #expect(!victim.isHealthy)
        #expect(victim.transactionStatus == .unknown)
    }

    /// What another session sees of `db`'s backend: `idle`, `idle in transaction`…
    private func backendState(of db: Connection, seenBy other: Connection) throws -> String? {
        try other.execute("SELECT state FROM pg_stat_activity WHERE pid = $1::int4", [.int64(Int64(db.backendPID))])
            .first?.optionalString(0)
    }

    @Test func aTransactionsBeginAndDeferredStatementsRideWithItsNextStatement() throws {
        let url = try #require(postgresURL)
        let observer = try Connection(url)
        defer { observer.close() }
        try withSchema { db in
            try db.execute("CREATE TABLE t (v int8 PRIMARY KEY)")
            let schema = try db.execute("SELECT current_schema()").first?.string(0) ?? ""
            // BEGIN waits for the first statement: the server sees no transaction yet.
            try db.begin()
            #expect(db.transactionStatus == .inTransaction)
            try db.executeDeferred("INSERT INTO t VALUES ($1)", [.int64(1)])
            try db.executeDeferred("INSERT INTO t VALUES ($1)", [.int64(2)])
            #expect(db.deferredCount == 3)
            #expect(try backendState(of: db, seenBy: observer) == "idle")
            // The next statement sends them first, in order, in its own round trip.
            #expect(try db.execute("SELECT array_agg(v ORDER BY v)::text FROM t").first?.string(0) == "{1,2}")
            #expect(db.deferredCount == 0)
            #expect(try backendState(of: db, seenBy: observer) == "idle in transaction")
            // COMMIT takes what is still queued.
            try db.executeDeferred("INSERT INTO t VALUES ($1)", [.int64(3)])
            try db.commit()
            #expect(db.transactionStatus == .idle)
            #expect(try observer.execute("SELECT count(*) FROM \(schema).t").first?.int(0) == 3)

            // A transaction that runs nothing costs nothing: commit and rollback send nothing.
            try db.begin(.serializable)
            try db.commit()
            try db.begin()
            try db.executeDeferred("INSERT INTO t VALUES ($1)", [.int64(4)])
            try db.rollback()
            #expect(db.transactionStatus == .idle && db.deferredCount == 0)
            #expect(try db.execute("SELECT count(*) FROM t").first?.int(0) == 3)

            // A deferred statement's error is thrown by the call that sent it; the statements
            // after it in that round trip are not run.
            try db.begin()
            try db.executeDeferred("INSERT INTO t VALUES ($1)", [.int64(1)])  // duplicate key
            do {
                try db.execute("INSERT INTO t VALUES (5)")
                Issue.record("expected the deferred INSERT's unique violation")
            } catch let error as PostgreSQLError {
                #expect(error.code == .uniqueViolation)
            }
            #expect(db.transactionStatus == .inFailedTransaction)
            try db.rollback()
            // At COMMIT: the error, and the transaction rolled back.
            do {
                try db.transaction {
                    try db.execute("INSERT INTO t VALUES (6)")
                    try db.executeDeferred("INSERT INTO t VALUES ($1)", [.int64(2)])
                }
                Issue.record("expected the deferred INSERT's unique violation at COMMIT")
            } catch let error as PostgreSQLError {
                #expect(error.code == .uniqueViolation)
            }
            #expect(db.transactionStatus == .idle)
            #expect(try db.execute("SELECT array_agg(v ORDER BY v)::text FROM t").first?.string(0) == "{1,2,3}")
            // Rolling back to a savepoint drops what was queued after it, unsent.
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (10)")
                try db.execute("SAVEPOINT s")
                try db.executeDeferred("INSERT INTO t VALUES ($1)", [.int64(1)])  // would fail
                try db.rollback(toSavepoint: "s")
                #expect(db.deferredCount == 0 && db.transactionStatus == .inTransaction)
            }
            #expect(try db.execute("SELECT array_agg(v ORDER BY v)::text FROM t").first?.string(0) == "{1,2,3,10}")
            try db.execute("DELETE FROM t WHERE v = 10")
            // Counted, with the statements prepared already: the lock, two INSERTs and BEGIN ride
            // with the SELECT, the last INSERT with COMMIT.
            let key = randomLockKey()
            for pass in 1...2 {  // the first prepares the statements
                let before = db.roundTrips
                try db.transaction {
                    try db.deferAdvisoryTransactionLock(key)
                    try db.executeDeferred("INSERT INTO t VALUES ($1)", [.int64(20)])
                    try db.executeDeferred("INSERT INTO t VALUES ($1)", [.int64(21)])
                    #expect(
                        try db.executeCached("SELECT count(*) FROM t WHERE v >= $1", [.int64(20)]).first?.int(0) == 2)
                    try db.executeDeferred("INSERT INTO t VALUES ($1)", [.int64(22)])
                }
                if pass == 2 { #expect(db.roundTrips - before == 2) }
                try db.execute("DELETE FROM t WHERE v >= 20")
            }
            // Outside a transaction a deferred statement runs at once.
            try db.executeDeferred("INSERT INTO t VALUES ($1)", [.int64(7)])
            #expect(db.deferredCount == 0)
            #expect(try observer.execute("SELECT count(*) FROM \(schema).t").first?.int(0) == 4)
        }
    }

    @Test func aDeferredAdvisoryLockIsTakenWithTheNextStatement() throws {
        try withTwoConnections { _, a, b in
            let key = randomLockKey()
            #expect(throws: PostgreSQLError.self) { try a.deferAdvisoryTransactionLock(key) }
            try a.begin()
            try a.deferAdvisoryTransactionLock(key)
            #expect(try b.transaction { try b.tryAdvisoryTransactionLock(key) } == true, "not taken yet")
            #expect(try a.execute("SELECT 1").first?.int(0) == 1)
            #expect(try b.transaction { try b.tryAdvisoryTransactionLock(key) } == false, "taken with the SELECT")
            try a.commit()
            #expect(try b.transaction { try b.tryAdvisoryTransactionLock(key) } == true, "released at COMMIT")
        }
    }

    @Test func aConnectionLostInATransactionsFirstRoundTripSaysNothingTookEffect() throws {
        let url = try #require(postgresURL)
        let killer = try Connection(url)
        defer { killer.close() }
        for sentBefore in [false, true] {
            let victim = try Connection(url)
            defer { victim.close() }
            try victim.begin()
            if sentBefore { try victim.execute("SELECT 1") }
            _ = try killer.execute("SELECT pg_terminate_backend($1::int4)", [.int64(Int64(victim.backendPID))])
            do {
                try victim.execute("SELECT 2")
                Issue.record("expected a connection error")
            } catch {
                #expect(error.isConnectionError)
                #expect(error.failedBeforeTransaction == !sentBefore)
            }
        }
    }

    @Test func passwordFromAPasswordFile() throws {
        let string = try #require(postgresURL)
        let url = try #require(URLComponents(string: string))
        let password = try #require(url.password)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pgpass-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("pgpass").path
        _ = FileManager.default.createFile(
            atPath: file, contents: Data("127.0.0.1:\(url.port!):*:\(url.user!):\(password)\n".utf8),
            attributes: [.posixPermissions: 0o600])
        let conninfo =
            "host=127.0.0.1 port=\(url.port!) user=\(url.user!) dbname=\(url.path.dropFirst()) passfile=\(file)"
        let db = try Connection(conninfo)
        defer { db.close() }
        #expect(try db.execute("SELECT current_user").first?.string(0) == url.user)
        #expect(!db.description.contains(password))
    }

    @Test func pipelineBatchesAndMeasuresAgainstOneByOne() throws {
        try withSchema { db in
            try db.execute("CREATE TABLE q (id int8 PRIMARY KEY, s text)")
            let n = 1000
            let statements = (0..<n).map { i in
                (
                    sql: "INSERT INTO q VALUES ($1, $2)",
                    parameters: [PostgreSQLValue.int64(Int64(i)), .text("row \(i)")]
                )
            }
            // A bounded micro-benchmark: each way three times (1,000 INSERTs each), best kept.
            let clock = ContinuousClock()
            func best(_ body: () throws -> Void) throws -> Duration {
                var times: [Duration] = []
                for _ in 0..<3 {
                    try db.execute("TRUNCATE q")
                    times.append(try clock.measure(body))
                }
                return times.min()!
            }
            let pipelined = try best {
                let results = try db.pipeline(statements)
                #expect(results.count == n)
                #expect(results.allSatisfy { $0.affectedRows == 1 })
            }
            let oneByOne = try best {
                try db.transaction {
                    for s in statements { try db.execute(s.sql, s.parameters) }
                }
            }
            let oneByOneCached = try best {
                try db.transaction {
                    for s in statements { try db.executeCached(s.sql, s.parameters) }
                }
            }
            func ms(_ d: Duration) -> String {
                let (s, a) = d.components
                return String(format: "%.1f ms", Double(s) * 1000 + Double(a) / 1e15)
            }
            print(
                "pipeline: \(n) INSERTs over loopback, best of 3: pipelined \(ms(pipelined)), one by one in a "
                    + "transaction \(ms(oneByOne)) (cached statement: \(ms(oneByOneCached)))")
            #expect(try db.execute("SELECT count(*) FROM q").first?.int(0) == n)

            // A failing statement: the batch is one implicit transaction, nothing of it stays,
            // the first error is thrown, and the connection is usable afterwards.
            try db.execute("TRUNCATE q")
            var bad = Array(statements.prefix(100))
            bad[70] = (sql: "INSERT INTO q VALUES ($1, $2)", parameters: [.int64(5), .text("duplicate")])
            do {
                _ = try db.pipeline(bad)
                Issue.record("expected a unique violation")
            } catch let error as PostgreSQLError {
                #expect(error.code == .uniqueViolation)
            }
            #expect(try db.execute("SELECT count(*) FROM q").first?.int(0) == 0)
            #expect(try db.pipeline([]).isEmpty)
            // Inside an explicit transaction the batch is part of it.
            try db.transaction {
                _ = try db.pipeline(Array(statements.prefix(3)))
                #expect(try db.execute("SELECT count(*) FROM q").first?.int(0) == 3)
            }
        }
    }

    @Test func listenAndNotify() throws {
        let url = try #require(postgresURL)
        let listener = try Connection(url)
        defer { listener.close() }
        let sender = try Connection(url)
        defer { sender.close() }
        let channel = "due items \(randomLockKey())"  // needs quoting as an identifier
        try listener.listen(channel)
        #expect(try listener.nextNotification(timeout: .milliseconds(50)) == nil)
        try sender.transaction {
            try sender.notify(channel, payload: "project-7")
            try sender.notify("some other channel", payload: "x")
        }
        let n = try #require(try listener.nextNotification(timeout: .seconds(5)))
        #expect(n.channel == channel)
        #expect(n.payload == "project-7")
        #expect(n.senderPID == sender.backendPID)
        #expect(try listener.nextNotification(timeout: .zero) == nil)
        try listener.unlisten(channel)
        try sender.notify(channel, payload: "after unlisten")
        #expect(try listener.nextNotification(timeout: .milliseconds(100)) == nil)
    }

    @Test(
        .enabled(
            if: postgresCA != nil, "SCHEDULER_TEST_POSTGRES_CA (the server's certificate) is unset: no TLS to check"))
    func tlsToTheDatabaseIsVerified() throws {
        let url = try #require(postgresURL)
        let ca = try #require(postgresCA)
        let separator = url.contains("?") ? "&" : "?"
        let db = try Connection(url + separator + "sslmode=verify-full&sslrootcert=\(ca)")
        defer { db.close() }
        let row = try #require(
            try db.execute("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()").first)
        #expect(try row.bool(0))
        #expect(try row.string(1).hasPrefix("TLSv1."))
        // Roots that did not sign the server's certificate: refused, as a connection error.
        do {
            let other = try Connection(
                url + separator + "sslmode=verify-full&sslrootcert=/etc/ssl/certs/ca-certificates.crt")
            other.close()
            Issue.record("expected certificate verification to fail")
        } catch {
            #expect(error.isConnectionError)
            #expect(error.message.contains("certificate verify failed"))
        }
    }

    @Test func closedConnectionThrows() throws {
        let db = try Connection(try #require(postgresURL))
        db.close()
        db.close()
        #expect(db.isClosed)
        do {
            try db.execute("SELECT 1")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .connectionDoesNotExist)
            #expect(error.isConnectionError)
        }
    }
}

/// Tests that need no server.
@Suite("PostgreSQL wrapper without a server")
struct PostgreSQLOfflineTests {
    @Test func refusedConnectionIsAClearConnectionError() throws {
        // Port 1 on loopback: nothing listens there, so the connect is refused at once.
        do {
            let db = try Connection("postgresql://app:hunter2-secret@127.0.0.1:1/scheduler?connect_timeout=5")
            db.close()
            Issue.record("expected the connection to be refused")
        } catch {
            #expect(error.isConnectionError)
            #expect(error.code == .sqlClientUnableToEstablishConnection)
            #expect(error.message.contains("127.0.0.1"))
            #expect(error.message.contains("port 1"))
            #expect(error.message.contains("refused"))
            #expect(!error.description.contains("hunter2"))
        }
    }

    @Test func redactedDescriptionHidesPasswords() {
        let url = Connection.redact(
            "postgresql://app:hunter2-secret@127.0.0.1:5432/scheduler?sslmode=verify-full&sslrootcert=/etc/ca.pem")
        #expect(!url.contains("hunter2"))
        #expect(url.contains("password=***"))
        #expect(url.contains("user=app"))
        #expect(url.contains("host=127.0.0.1"))
        #expect(url.contains("port=5432"))
        #expect(url.contains("dbname=scheduler"))
        #expect(url.contains("sslmode=verify-full"))
        let kv = Connection.redact(
            "host=127.0.0.1 user=app password='it\\'s secret' sslpassword=keypass dbname='my db'")
        #expect(!kv.contains("secret"))
        #expect(!kv.contains("keypass"))
        #expect(kv.contains("sslpassword=***"))
        #expect(kv.contains("dbname='my db'"))
        // Not parsable: not echoed (it might be a password pasted in the wrong place).
        #expect(Connection.redact("this is not = a 'conninfo") == "<unparsable connection string>")
        // Without a password nothing is invented.
        #expect(!Connection.redact("host=127.0.0.1").contains("password"))
    }

    /// CI (`CI=true`, scripts/test) must run the suite above, never skip it.
    @Test func ciRunsThePostgreSQLTests() {
        guard ProcessInfo.processInfo.environment["CI"] == "true" else { return }
        #expect(
            postgresURL != nil,
            "CI=true but SCHEDULER_TEST_POSTGRES_URL is unset: the PostgreSQL tests would be skipped")
    }

    @Test func errorCodesAreExtensible() {
        let custom = PostgreSQLError.Code(rawValue: "P0001")  // raise_exception from PL/pgSQL
        #expect(custom.errorClass == "P0")
        #expect(PostgreSQLError(code: "08006", message: "x").isConnectionError)
        #expect(PostgreSQLError(code: .adminShutdown, message: "x").isConnectionError)
        #expect(!PostgreSQLError(code: .uniqueViolation, message: "x").isConnectionError)
        #expect(PostgreSQLError(code: .serializationFailure, message: "x").isRetryableTransactionFailure)
        #expect(PostgreSQLError(code: .deadlockDetected, message: "x").isRetryableTransactionFailure)
        #expect(PostgreSQLError.Code.lockNotAvailable.rawValue == "55P03")
    }
}
