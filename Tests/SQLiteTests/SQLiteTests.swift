import Foundation
import SQLite
import Synchronization
import Testing

/// A fresh, empty directory for one test's database.
private func makeTempDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sqlite-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// A fresh database file in a fresh directory, removed afterwards.
func withTempDatabase(_ body: (String) throws -> Void) throws {
    let dir = try makeTempDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    try body(dir.appendingPathComponent("test.sqlite").path)
}

/// The same for an async body.
func withTempDatabase(_ body: (String) async throws -> Void) async throws {
    let dir = try makeTempDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    try await body(dir.appendingPathComponent("test.sqlite").path)
}

@Suite("SQLite wrapper")
struct SQLiteTests {
    @Test func typedBindStepAndColumns() throws {
        try withTempDatabase { path in
            let db = try Connection(path: path)
            defer { try? db.close() }
            try db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)")
            let ins = try db.cached("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)")
            ins.bind(Int64(42), at: 1)
            ins.bind(2.5, at: 2)
            ins.bind("héllo", at: 3)
            ins.bind([1, 2, 3] as [UInt8], at: 4)
            ins.bind(nil as String?, at: 5)
            try ins.run()
            #expect(db.changes == 1)
            let q = try db.cached("SELECT i, r, s, b, n FROM t")
            let row = try q.firstRow { s in (s.int64(0), s.double(1), s.string(2), s.blob(3), s.optionalString(4)) }
            #expect(row?.0 == 42)
            #expect(row?.1 == 2.5)
            #expect(row?.2 == "héllo")
            #expect(row?.3 == [1, 2, 3])
            #expect(row?.4 == nil)
            ins.bind("", at: 3)
            try ins.run()
            #expect(try db.scalarInt64("SELECT count(*) FROM t WHERE s = ''") == 1)
        }
    }

    /// Bound text and blobs are copied into the statement's arena (SQLite takes them without a
    /// copy): a reused statement stores exactly what each use bound, whatever the sizes (growing
    /// the arena, or past its limit), after a rebind of the same parameter, and after a failed step.
    @Test func boundValuesSurviveArenaReuseGrowthAndFailures() throws {
        try withTempDatabase { path in
            let db = try Connection(path: path)
            defer { try? db.close() }
            try db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, a TEXT NOT NULL, b BLOB, c TEXT UNIQUE)")
            let ins = try db.cached("INSERT INTO t (k, a, b, c) VALUES (?1, ?2, ?3, ?4)")
            var expected: [Int: (String, [UInt8], String)] = [:]
            let sizes = [0, 1, 7, 300, 5, 70_000, 12, 2_000, 0, 40_000, 3]
            for (k, n) in sizes.enumerated() {
                let a = String(repeating: Character(UnicodeScalar(UInt8(97 + k % 26))), count: n)
                let b = (0..<(n % 977)).map { UInt8(($0 * 31 + k) & 0xff) }
                let c = "unique-\(k)-" + String(repeating: "é", count: n % 50)
                ins.bind(k, at: 1)
                ins.bind("a value bound first, then replaced", at: 2)
                ins.bind(a, at: 2)
                ins.bind(b, at: 3)
                ins.bind(c, at: 4)
                try ins.run()
                expected[k] = (a, b, c)
                // A failing step (the UNIQUE column repeated), then the statement is used again.
                ins.bind(1_000 + k, at: 1)
                ins.bind(a, at: 2)
                ins.bind(b, at: 3)
                ins.bind(c, at: 4)
                #expect(throws: SQLiteError.self) { try ins.run() }
            }
            let q = try db.cached("SELECT k, a, b, c FROM t ORDER BY k")
            var seen = 0
            try q.forEachRow { row in
                let k = row.int(0)
                #expect(row.string(1) == expected[k]?.0)
                #expect(row.blob(2) == expected[k]?.1)
                #expect(row.string(3) == expected[k]?.2)
                seen += 1
            }
            #expect(seen == sizes.count)
        }
    }

    @Test func cachedStatementsAreReused() throws {
        try withTempDatabase { path in
            let db = try Connection(path: path)
            defer { try? db.close() }
            let a = try db.cached("SELECT 1")
            let b = try db.cached("SELECT 1")
            #expect(a === b)
            #expect(try db.scalarInt64("SELECT ?1 + 1", [.integer(41)]) == 42)
        }
    }

    /// A cached statement comes back reset with its bindings cleared, however its last use
    /// ended: run to the end, stepped part way, only bound, or failed on a bind.
    @Test func aCachedStatementComesBackResetWhateverItsLastUseLeft() throws {
        try withTempDatabase { path in
            let db = try Connection(path: path)
            defer { try? db.close() }
            try db.execute("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2), (3)")
            let sql = "SELECT v, ?1 FROM t ORDER BY v"
            func firstRow() throws -> (Int64, Bool) {
                let s = try db.cached(sql)
                guard try s.step() else { throw SQLiteError(code: .misuse, message: "no row", sql: sql) }
                return (s.int64(0), s.isNull(1))
            }
            // Run to the end (reset by forEachRow).
            var seen: [Int64] = []
            let all = try db.cached(sql)
            all.bind(7, at: 1)
            try all.forEachRow { seen.append($0.int64(0)) }
            #expect(seen == [1, 2, 3])
            #expect(try firstRow() == (1, true))
            // Stepped part way with a value bound, then taken again: from the first row, unbound.
            let part = try db.cached(sql)
            part.bind(7, at: 1)
            #expect(try part.step() && part.step() && part.int64(0) == 2)
            #expect(try firstRow() == (1, true))
            // Only bound.
            try db.cached(sql).bind("x", at: 1)
            #expect(try firstRow() == (1, true))
            // A failed bind (index out of range) is not carried to the next use.
            let failed = try db.cached(sql)
            failed.bind(1, at: 9)
            #expect(throws: SQLiteError.self) { try failed.step() }
            #expect(try firstRow() == (1, true))
        }
    }

    @Test func errorsCarryExtendedCodeAndMessageButNotArguments() throws {
        try withTempDatabase { path in
            let db = try Connection(path: path)
            defer { try? db.close() }
            try db.execute("CREATE TABLE u (k TEXT UNIQUE)")
            try db.run("INSERT INTO u VALUES (?1)", [.text("secret-value")])
            do {
                try db.run("INSERT INTO u VALUES (?1)", [.text("secret-value")])
                Issue.record("expected a constraint error")
            } catch let error as SQLiteError {
                #expect(error.code.primary == .constraint)
                #expect(error.code.rawValue == 2067)  // SQLITE_CONSTRAINT_UNIQUE
                #expect(error.message.contains("UNIQUE"))
                #expect(!error.description.contains("secret-value"))
                #expect(error.sql != nil)
            }
            #expect(throws: SQLiteError.self) { try db.execute("SELEC nonsense") }
        }
    }

    @Test func transactionsCommitAndRollBack() throws {
        try withTempDatabase { path in
            let db = try Connection(path: path)
            defer { try? db.close() }
            try db.execute("CREATE TABLE t (v INTEGER)")
            try db.transaction { try db.run("INSERT INTO t VALUES (1)") }
            struct Boom: Error {}
            #expect(throws: Boom.self) {
                try db.transaction {
                    try db.run("INSERT INTO t VALUES (2)")
                    throw Boom()
                }
            }
            #expect(try db.scalarInt64("SELECT count(*) FROM t") == 1)
            #expect(db.isAutocommit)
        }
    }

    @Test func savepointUndoesOnlyItsOwnWrites() throws {
        try withTempDatabase { path in
            let db = try Connection(path: path)
            defer { try? db.close() }
            try db.execute("CREATE TABLE t (v INTEGER)")
            struct Boom: Error {}
            try db.transaction {
                try db.savepoint { try db.run("INSERT INTO t VALUES (1)") }
                _ = try? db.savepoint {
                    try db.run("INSERT INTO t VALUES (2)")
                    throw Boom()
                }
                try db.savepoint { try db.run("INSERT INTO t VALUES (3)") }
            }
            var values: [Int64] = []
            try db.cached("SELECT v FROM t ORDER BY v").forEachRow { values.append($0.int64(0)) }
            #expect(values == [1, 3])
        }
    }

    @Test func migrationsRunOnceAndRefuseDowngrade() throws {
        try withTempDatabase { path in
            let m1 = Migration(version: 1, name: "one", sql: "CREATE TABLE a (x)")
            let m2 = Migration(version: 2, name: "two", sql: "CREATE TABLE b (x)")
            do {
                let db = try Connection(path: path)
                defer { try? db.close() }
                try db.migrate([m1])
                #expect(try db.userVersion() == 1)
                try db.migrate([m1, m2])
                try db.migrate([m1, m2])
                #expect(try db.userVersion() == 2)
            }
            let db = try Connection(path: path)
            defer { try? db.close() }
            #expect(throws: SQLiteError.self) { try db.migrate([m1]) }
            #expect(throws: SQLiteError.self) { try db.migrate([m2, m1]) }
        }
    }

    @Test func readOnlyConnectionsCannotWrite() throws {
        try withTempDatabase { path in
            let rw = try Connection(path: path)
            defer { try? rw.close() }
            try rw.execute("PRAGMA journal_mode = WAL; CREATE TABLE t (v); INSERT INTO t VALUES (1)")
            let ro = try Connection(path: path, mode: .readOnly)
            defer { try? ro.close() }
            #expect(try ro.scalarInt64("SELECT count(*) FROM t") == 1)
            do {
                try ro.execute("INSERT INTO t VALUES (2)")
                Issue.record("expected SQLITE_READONLY")
            } catch let error as SQLiteError {
                #expect(error.code.primary == .readOnly)
            }
            #expect(try rw.pragma("journal_mode") == "wal")
        }
    }

    @Test func lockedDatabaseIsAnErrorNotAHang() throws {
        try withTempDatabase { path in
            let a = try Connection(path: path)
            defer { try? a.close() }
            try a.execute("PRAGMA journal_mode = WAL; CREATE TABLE t (v)")
            let b = try Connection(path: path, busyTimeoutMilliseconds: 50)
            defer { try? b.close() }
            try a.begin(.immediate)
            do {
                try b.begin(.immediate)
                Issue.record("expected SQLITE_BUSY")
            } catch let error as SQLiteError {
                #expect(error.isBusy)
            }
            try a.rollback()
        }
    }

    @Test func openingAMissingFileReadOnlyFails() throws {
        #expect(throws: SQLiteError.self) {
            _ = try Connection(path: "/nonexistent-dir/x.sqlite", mode: .readOnly)
        }
    }

    @Test func closeIsIdempotentAndUseAfterCloseThrows() throws {
        try withTempDatabase { path in
            let db = try Connection(path: path)
            try db.close()
            try db.close()
            #expect(db.isClosed)
            do {
                _ = try db.cached("SELECT 1")
                Issue.record("expected misuse")
            } catch let error as SQLiteError {
                #expect(error.code == .misuse)
            }
        }
    }

    @Test func tableDefinitionsAreReplacedInPlaceAndABadOneRollsBack() throws {
        try withTempDatabase { path in
            let db = try Connection(path: path)
            defer { try? db.close() }
            try db.execute(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT CHECK (s IN ('a','b','c'))); INSERT INTO t (s) VALUES ('b');")
            func definition() throws -> String? {
                try db.prepare("SELECT sql FROM sqlite_master WHERE name = 't'").firstRow { $0.string(0) }
            }
            let stricter = "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT CHECK (s = 'a' OR s = 'b'))"

            // Outside a transaction: refused, nothing changed.
            #expect(throws: SQLiteError.self) { try db.replaceTableDefinitions([("t", stricter)]) }
            // A definition SQLite cannot parse fails, and the rollback restores the old one.
            try db.begin(.immediate)
            #expect(throws: SQLiteError.self) { try db.replaceTableDefinitions([("t", "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT CHECK (")]) }
            try db.rollback()
            #expect(try definition()?.contains("s IN ('a','b','c')") == true)
            try db.execute("INSERT INTO t (s) VALUES ('c')")
            // A table that does not exist is an error, not a silent no-op.
            try db.begin(.immediate)
            #expect(throws: SQLiteError.self) { try db.replaceTableDefinitions([("missing", stricter)]) }
            try db.rollback()

            // The new definition must hold for every stored row (integrity_check checks CHECKs).
            try db.execute("DELETE FROM t WHERE s = 'c'; INSERT INTO t (s) VALUES ('a');")
            try db.transaction { try db.replaceTableDefinitions([("t", stricter)]) }
            #expect(try definition() == stricter)
            #expect(try db.scalarInt64("SELECT count(*) FROM t") == 2, "rows stay")
            do {
                try db.execute("INSERT INTO t (s) VALUES ('c')")
                Issue.record("the new CHECK did not apply")
            } catch let e as SQLiteError {
                #expect(e.code.primary == .constraint)
            }
            try db.execute("INSERT INTO t (s) VALUES ('a')")
            #expect(try db.pragma("integrity_check") == "ok")
            // Another connection sees the new definition too.
            let other = try Connection(path: path)
            defer { try? other.close() }
            #expect(throws: SQLiteError.self) { try other.execute("INSERT INTO t (s) VALUES ('c')") }
        }
    }
}

/// The "unix-walbuffer" VFS (CSQLiteWAL): a commit's WAL frames reach the file in one write, and
/// what other connections read is exactly what was committed.
@Suite("WAL write buffering")
struct WALBufferTests {
    /// A read-write connection as the store opens its writer: WAL, and no sync at COMMIT (a
    /// sync would write the buffer out anyway, so a missing flush could not show).
    func walConnection(_ path: String) throws -> Connection {
        let db = try Connection(path: path)
        do {
            try db.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
        } catch {
            try? db.close()
            throw error
        }
        return db
    }

    /// The WAL hook reports the WAL's length after each commit, not after a rollback, and a
    /// commit after a RESTART checkpoint (by another connection) writes from the start again.
    @Test func theWALHookReportsTheLengthAfterEachCommit() throws {
        try withTempDatabase { path in
            let db = try walConnection(path)
            defer { try? db.close() }
            try db.execute("PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
            let seen = Mutex<[Int]>([])
            try db.setWALHook { frames in seen.withLock { $0.append(frames) } }
            let ins = try db.cached("INSERT INTO t (k, v) VALUES (?1, ?2)")
            for k in 0..<3 {
                try db.transaction {
                    ins.bind(k, at: 1)
                    ins.bind(String(repeating: "x", count: 3_000), at: 2)
                    try ins.run()
                }
            }
            let afterCommits = seen.withLock { $0 }
            #expect(afterCommits.count == 3)
            #expect(zip(afterCommits, afterCommits.dropFirst()).allSatisfy { $0 < $1 }, "\(afterCommits)")

            try db.execute("BEGIN IMMEDIATE; DELETE FROM t; ROLLBACK")
            #expect(seen.withLock { $0.count } == 3, "a rollback writes nothing to the WAL")

            let other = try Connection(path: path)
            defer { try? other.close() }
            let restart = try other.cached("PRAGMA wal_checkpoint(RESTART)").firstRow { ($0.int(0), $0.int(1)) }
            #expect(restart?.0 == 0, "the checkpoint was not blocked")
            #expect(restart?.1 == afterCommits.last)
            try db.transaction {
                ins.bind(99, at: 1)
                ins.bind("small", at: 2)
                try ins.run()
            }
            let last = try #require(seen.withLock { $0.last })
            #expect(last > 0 && last < afterCommits[0], "\(last) frames after the restart, \(afterCommits[0]) at first")
        }
    }

    /// A transaction that dirties many pages is two writes per page for SQLite, and one write per
    /// commit (or per 128 KiB) for the file system.
    @Test func aCommitReachesTheWALInOneWritePer128KiB() throws {
        try withTempDatabase { path in
            let db = try walConnection(path)
            defer { try? db.close() }
            // Room for the large transaction: a page cache that spills writes pages one by one
            // between reads of the WAL, which the buffer cannot gather (the next test covers it).
            try db.execute("PRAGMA cache_size = -32000")
            try db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
            try db.execute("CREATE INDEX t_v ON t(v)")
            guard let before = db.walWrites else {
                Issue.record("the connection does not use the unix-walbuffer VFS")
                return
            }
            // About 20 pages: a small commit.
            try db.transaction {
                let ins = try db.cached("INSERT INTO t (k, v) VALUES (?1, ?2)")
                for k in 0..<200 {
                    ins.bind(k * 7919 % 100_000, at: 1)
                    ins.bind(String(repeating: "x", count: 200) + "\(k)", at: 2)
                    try ins.run()
                }
            }
            let small = try #require(db.walWrites)
            let given = small.given - before.given
            #expect(given >= 20, "SQLite wrote \(given) times")
            // One write for the frames, at most one more for the WAL header of a fresh file.
            #expect(small.made - before.made <= 2, "\(small.made - before.made) writes for \(given)")
            // About 600 pages (2.4 MiB): one write per 128 KiB.
            try db.transaction {
                let ins = try db.cached("INSERT INTO t (k, v) VALUES (?1, ?2)")
                for k in 200..<6_200 {
                    ins.bind(k * 7919 % 1_000_003 + 100_000, at: 1)
                    ins.bind(String(repeating: "y", count: 300) + "\(k)", at: 2)
                    try ins.run()
                }
            }
            let large = try #require(db.walWrites)
            let frames = (large.given - small.given) / 2
            #expect(frames > 500)
            // 31 frames of 4,120 bytes fit in one write of at most 128 KiB - 1.
            #expect(large.made - small.made <= frames / 31 + 2)
            #expect(try db.scalarInt64("SELECT count(*) FROM t") == 6_200)
        }
    }

    /// `syncFiles()` syncs the database file and, once it is open, the WAL, through the
    /// connection's own file handles, and holds no lock: a writer in the middle of a transaction
    /// is not in its way, nor it in the writer's.
    @Test func syncFilesSyncsTheDatabaseAndItsWALWithoutALock() throws {
        try withTempDatabase { path in
            let writer = try walConnection(path)
            defer { try? writer.close() }
            try writer.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
            let other = try Connection(path: path, mode: .readWrite)
            defer { try? other.close() }
            let fresh = try #require(other.syncs)
            // Not read yet: no WAL open on this connection, so only the database file.
            try other.syncFiles()
            let first = try #require(other.syncs)
            #expect(first.database == fresh.database + 1)
            #expect(first.wal == fresh.wal)
            #expect(try other.scalarInt64("SELECT count(*) FROM t") == 0)
            try writer.begin()
            try writer.run("INSERT INTO t (v) VALUES ('x')")
            try other.syncFiles()  // the writer holds the WAL's write lock meanwhile
            let second = try #require(other.syncs)
            #expect(second.database == first.database + 1)
            #expect(second.wal == first.wal + 1)
            try writer.commit()
            #expect(try other.scalarInt64("SELECT count(*) FROM t") == 1)
            try other.close()
            #expect(throws: SQLiteError.self) { try other.syncFiles() }
        }
    }

    /// What a COMMIT returned for is in the file: another connection reads it at once.
    @Test func anotherConnectionReadsEachCommitAsSoonAsItReturns() throws {
        try withTempDatabase { path in
            let writer = try walConnection(path)
            defer { try? writer.close() }
            try writer.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)")
            let reader = try Connection(path: path, mode: .readOnly)
            defer { try? reader.close() }
            for txn in 1...50 {
                try writer.transaction {
                    let ins = try writer.cached("INSERT INTO t (v) VALUES (?1)")
                    for i in 0..<(txn % 5 + 1) * 20 {
                        ins.bind("\(txn).\(i) " + String(repeating: "w", count: 150), at: 1)
                        try ins.run()
                    }
                }
                let expected = (1...txn).reduce(0) { $0 + ($1 % 5 + 1) * 20 }
                #expect(try reader.scalarInt64("SELECT count(*) FROM t") == Int64(expected))
                #expect(try reader.scalarInt64("SELECT count(*) FROM t WHERE v LIKE '\(txn).%'") == Int64((txn % 5 + 1) * 20))
            }
        }
    }

    /// A writer commits transactions of varied sizes (some larger than the page cache, so SQLite
    /// spills frames before the commit; some rolled back) while a reader on another thread checks
    /// that every snapshot it reads is a committed one. Then a fresh connection finds every
    /// committed row and an intact database. The reader loops on a thread of its own, not on the
    /// cooperative pool (two threads here), which other tests running beside it need.
    @Test func readersSeeOnlyCommittedStatesAndTheFileStaysIntact() throws {
        try withTempDatabase { path in
            let setup = try walConnection(path)
            // Rows of a transaction carry its number; `ledger` holds one row per committed transaction
            // with the count of rows it added, so a snapshot is consistent when the two agree.
            try setup.execute("CREATE TABLE t (txn INTEGER NOT NULL, v TEXT NOT NULL)")
            try setup.execute("CREATE INDEX t_v ON t(v)")
            try setup.execute("CREATE TABLE ledger (txn INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
            try setup.close()

            let transactions = 120
            let done = Mutex(false)
            let outcome = Mutex<Result<(snapshots: Int, torn: [String]), any Error>?>(nil)
            let finished = DispatchSemaphore(value: 0)
            let reader = Thread {
                defer { finished.signal() }
                let result = Result { () throws -> (snapshots: Int, torn: [String]) in
                    let db = try Connection(path: path, mode: .readOnly)
                    defer { try? db.close() }
                    var snapshots = 0
                    var torn: [String] = []
                    while !done.withLock({ $0 }) || snapshots == 0 {
                        try db.transaction(.deferred) {
                            let rows = try db.scalarInt64("SELECT count(*) FROM t") ?? -1
                            let ledger = try db.scalarInt64("SELECT coalesce(sum(n), 0) FROM ledger") ?? -2
                            if rows != ledger { torn.append("\(rows) rows but \(ledger) committed") }
                        }
                        snapshots += 1
                    }
                    return (snapshots, torn)
                }
                outcome.withLock { $0 = result }
            }
            reader.start()
            // Should the writer's part throw, the reader still stops and is waited for.
            var joined = false
            defer {
                if !joined {
                    done.withLock { $0 = true }
                    finished.wait()
                }
            }

            let writer = try walConnection(path)
            try writer.execute("PRAGMA cache_size = 50")  // 50 pages: larger transactions spill
            var committed = 0
            for txn in 0..<transactions {
                let n = txn % 10 == 9 ? 3_000 : (txn * 37) % 200 + 1
                let rollBack = txn % 7 == 3
                try writer.execute("BEGIN IMMEDIATE")
                let ins = try writer.cached("INSERT INTO t (txn, v) VALUES (?1, ?2)")
                for i in 0..<n {
                    ins.bind(txn, at: 1)
                    ins.bind("\(txn)-\(i * 7919 % 10_007)-" + String(repeating: "z", count: 120), at: 2)
                    try ins.run()
                }
                if rollBack {
                    try writer.execute("ROLLBACK")
                } else {
                    let l = try writer.cached("INSERT INTO ledger (txn, n) VALUES (?1, ?2)")
                    l.bind(txn, at: 1)
                    l.bind(n, at: 2)
                    try l.run()
                    try writer.execute("COMMIT")
                    committed += n
                }
                if txn % 40 == 39 { try writer.execute("PRAGMA wal_checkpoint(PASSIVE)") }
            }
            done.withLock { $0 = true }
            finished.wait()
            joined = true
            let (snapshots, torn) = try #require(outcome.withLock { $0 }).get()
            #expect(snapshots > 0)
            #expect(torn.isEmpty, "snapshots that were never committed: \(torn.prefix(5))")
            try writer.close()

            let check = try Connection(path: path)
            defer { try? check.close() }
            #expect(try check.scalarInt64("SELECT count(*) FROM t") == Int64(committed))
            let integrity = try check.cached("PRAGMA integrity_check").firstRow { $0.string(0) }
            #expect(integrity == "ok")
        }
    }
}
