import CSQLiteWAL
import SQLite
import Testing

extension Connection {
    /// The text in column 0 of the first row of `sql`.
    fileprivate func text(_ sql: String) throws -> String? { try cached(sql).firstRow { $0.string(0) } }
}

/// The page cache wrapper (pcache_truncate.c in CSQLiteWAL): a truncate that cannot drop a page
/// returns at once, and one that can still drops every page at or above its limit, including a
/// page that holds the lock byte's page number a b-tree split borrowed.
@Suite("Page cache truncates")
struct PageCacheTests {
    /// A wrapped cache of 4 KiB pages, driven as SQLite drives it; the library is initialized by
    /// opening a connection first.
    func withCache(_ body: (UnsafeMutableRawPointer) throws -> Void) throws {
        try withTempDatabase { path in
            let db = try Connection(path: path)
            try db.close()
            #expect(Connection.isLibraryConfigured)
            let cache = try #require(csqlite_pcache_test_create(4096))
            defer { csqlite_pcache_test_destroy(cache) }
            try body(cache)
        }
    }

    @Test func aTruncateDropsEveryPageAtOrAboveItsLimitAndSkipsOnlyWhenThereIsNone() throws {
        try withCache { cache in
            let lock = csqlite_pcache_test_lock_page(cache)
            #expect(lock == 262_145)  // 1 GiB / 4 KiB + 1
            for key in UInt32(1)...20 { #expect(csqlite_pcache_test_add(cache, key) == 1) }
            #expect(csqlite_pcache_test_pagecount(cache) == 20)

            // Nothing at or above 21: answered without the cache underneath.
            csqlite_pcache_test_truncate(cache, 21)
            #expect(csqlite_pcache_test_skipped(cache) == 1)
            #expect(csqlite_pcache_test_pagecount(cache) == 20)

            // Pages 16…20 are above the limit: dropped.
            csqlite_pcache_test_truncate(cache, 16)
            #expect(csqlite_pcache_test_skipped(cache) == 1)
            #expect(csqlite_pcache_test_pagecount(cache) == 15)
            #expect(csqlite_pcache_test_contains(cache, 15) == 1)
            #expect(csqlite_pcache_test_contains(cache, 16) == 0)

            // A page left on the lock byte's number is far above the limit: dropped.
            #expect(csqlite_pcache_test_rekey(cache, 5, lock) == 1)
            csqlite_pcache_test_truncate(cache, 16)
            #expect(csqlite_pcache_test_skipped(cache) == 1)
            #expect(csqlite_pcache_test_pagecount(cache) == 14)
            #expect(csqlite_pcache_test_contains(cache, lock) == 0)

            // balance_nonroot's swap of two pages through the lock byte's number leaves nothing
            // above the limit: skipped, and both pages kept under their new numbers.
            #expect(csqlite_pcache_test_rekey(cache, 7, lock) == 1)
            #expect(csqlite_pcache_test_rekey(cache, 8, 7) == 1)
            #expect(csqlite_pcache_test_rekey(cache, lock, 8) == 1)
            csqlite_pcache_test_truncate(cache, 16)
            #expect(csqlite_pcache_test_skipped(cache) == 2)
            #expect(csqlite_pcache_test_pagecount(cache) == 14)
            #expect(csqlite_pcache_test_contains(cache, 7) == 1)
            #expect(csqlite_pcache_test_contains(cache, 8) == 1)

            // A page moved above the limit (not to the lock byte's number) and a new page above
            // it are both dropped.
            #expect(csqlite_pcache_test_rekey(cache, 9, 40) == 1)
            #expect(csqlite_pcache_test_add(cache, 30) == 1)
            csqlite_pcache_test_truncate(cache, 16)
            #expect(csqlite_pcache_test_skipped(cache) == 2)
            #expect(csqlite_pcache_test_pagecount(cache) == 13)
            #expect(csqlite_pcache_test_contains(cache, 30) == 0)
            #expect(csqlite_pcache_test_contains(cache, 40) == 0)

            // Truncating to 1 empties the cache.
            csqlite_pcache_test_truncate(cache, 1)
            #expect(csqlite_pcache_test_pagecount(cache) == 0)
        }
    }

    /// Inserts in random key order split index pages out of order (the swaps above), a VACUUM
    /// shrinks the file under cached pages, and the database still checks out and reads back
    /// exactly, from this connection and a new one; most commits' truncates were skipped.
    @Test func randomInsertsAndAVacuumKeepTheDatabaseIntact() throws {
        try withTempDatabase { path in
            let db = try Connection(path: path)
            defer { try? db.close() }
            try db.execute(
                """
                PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;
                CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL, pad TEXT NOT NULL);
                CREATE INDEX t_v ON t(v);
                """)
            let before = Connection.skippedCacheTruncates
            var rng = SystemRandomNumberGenerator()
            let insert = try db.cached("INSERT INTO t (k, v, pad) VALUES (?1, ?2, ?3)")
            var rows: Int64 = 0
            let commits = 400
            for _ in 0..<commits {
                try db.transaction {
                    for _ in 0..<25 {
                        let v = Int64.random(in: 0..<1_000_000_000, using: &rng)
                        insert.bind("k\(v)-\(rows)", at: 1)
                        insert.bind(v, at: 2)
                        insert.bind(String(repeating: "x", count: 100), at: 3)
                        try insert.run()
                        rows += 1
                    }
                }
            }
            #expect(Connection.skippedCacheTruncates - before >= Int64(commits / 2))
            #expect(try db.text("PRAGMA integrity_check") == "ok")

            // Delete most rows, shrink the file, then grow it again over the freed page numbers.
            let kept = try db.scalarInt64("SELECT count(*) FROM t WHERE v % 4 = 0") ?? 0
            let keptSum = try db.scalarInt64("SELECT sum(v) FROM t WHERE v % 4 = 0") ?? 0
            try db.execute("DELETE FROM t WHERE v % 4 != 0")
            try db.execute("VACUUM")
            var added: Int64 = 0
            var addedSum: Int64 = 0
            try db.transaction {
                for i in 0..<3000 {
                    let v = Int64.random(in: 0..<1_000_000_000, using: &rng) * 4
                    insert.bind("n\(v)-\(i)", at: 1)
                    insert.bind(v, at: 2)
                    insert.bind(String(repeating: "y", count: 100), at: 3)
                    try insert.run()
                    added += 1
                    addedSum &+= v
                }
            }
            #expect(try db.text("PRAGMA integrity_check") == "ok")
            #expect(try db.scalarInt64("SELECT count(*) FROM t") == kept + added)
            #expect(try db.scalarInt64("SELECT sum(v) FROM t") == keptSum &+ addedSum)

            let other = try Connection(path: path, mode: .readOnly)
            defer { try? other.close() }
            #expect(try other.text("PRAGMA integrity_check") == "ok")
            #expect(try other.scalarInt64("SELECT count(*) FROM t") == kept + added)
            #expect(try other.scalarInt64("SELECT sum(v) FROM t INDEXED BY t_v") == keptSum &+ addedSum)
        }
    }
}
