import Foundation
import SQLite
import Testing

/// A fresh database file in a fresh directory, removed afterwards.
func withTempDatabase(_ body: (String) throws -> Void) throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sqlite-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try body(dir.appendingPathComponent("test.sqlite").path)
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
