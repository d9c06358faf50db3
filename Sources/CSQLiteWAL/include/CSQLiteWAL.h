#ifndef CSQLITEWAL_H
#define CSQLITEWAL_H
#include <stdint.h>

/// Registers "unix-walbuffer" as SQLite's default VFS: the default (unix) VFS, except that writes
/// to a WAL file are gathered and reach the file as one write per commit instead of two per page
/// (each 24-byte frame header, then the page). See wal_buffer.c. Returns an SQLite result code;
/// idempotent.
int csqlite_walbuffer_register(void);

/// The file-control opcode (sqlite3_file_control on "main") that reports a database file's WAL
/// writes: its argument is an int64_t[2] that receives the writes the WAL file was given by SQLite
/// and the writes that reached the unix VFS, since the connection opened. SQLITE_NOTFOUND when the
/// connection does not use this VFS.
#define CSQLITE_WALBUFFER_FCNTL_COUNTS 0x57414c42

/// The file-control opcode that reports a database file's syncs: its argument is an int64_t[2]
/// that receives the xSync calls made on the database file and on its WAL files, since the
/// connection opened. SQLITE_NOTFOUND when the connection does not use this VFS.
#define CSQLITE_WALBUFFER_FCNTL_SYNCS 0x57414c53

/// Installs SQLite's default page cache wrapped so that a truncate which cannot drop a page
/// returns at once instead of scanning every cached page (pcache_truncate.c). Must run before the
/// library initializes (the first open); returns an SQLite result code; idempotent.
int csqlite_pcache_register(void);

/// Truncates answered by the wrapper without a scan, over all connections since the process
/// started (tests and benchmarks).
int64_t csqlite_pcache_skipped_truncates(void);

/// Test hooks (SQLiteTests): one wrapped page cache driven through the methods SQLite calls.
/// `add` creates (or finds) the page with a key and unpins it; `rekey` gives an existing page
/// another key; `contains` asks the cache underneath, bypassing the wrapper. The library must
/// be initialized (a connection opened) first.
void *csqlite_pcache_test_create(int pageSize);
int csqlite_pcache_test_add(void *cache, unsigned key);
int csqlite_pcache_test_rekey(void *cache, unsigned oldKey, unsigned newKey);
int csqlite_pcache_test_contains(void *cache, unsigned key);
void csqlite_pcache_test_truncate(void *cache, unsigned limit);
int csqlite_pcache_test_pagecount(void *cache);
unsigned csqlite_pcache_test_lock_page(void *cache);
int64_t csqlite_pcache_test_skipped(void *cache);
void csqlite_pcache_test_destroy(void *cache);
#endif
