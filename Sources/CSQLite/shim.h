#ifndef CSQLITE_SHIM_H
#define CSQLITE_SHIM_H
/* Debian's libsqlite3 is built with the pre-update hook (PRAGMA compile_options lists
   ENABLE_PREUPDATE_HOOK); its header declares the functions only under this macro. */
#ifndef SQLITE_ENABLE_PREUPDATE_HOOK
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#endif
#include <sqlite3.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/// SQLITE_TRANSIENT is a macro casting -1 to a function pointer; Swift cannot import it.
static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }
/// SQLITE_STATIC (a null destructor): the caller keeps the buffer alive until the step completes.
static inline sqlite3_destructor_type csqlite_static(void) { return SQLITE_STATIC; }

/// sqlite3_config is variadic; Swift cannot call it. Turns off the global memory statistics,
/// whose mutex every allocation takes. Must run before the library initializes (first open).
static inline int csqlite_disable_memstatus(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

/// A busy handler that retries every 100 µs for the first 2 ms, then every 1 ms, until the
/// timeout (milliseconds, passed as the context pointer's value). SQLite's own busy timeout backs
/// off in steps of up to 100 ms, so a lock held for 5 ms could stall its waiter for 100 ms.
static inline int csqlite_fine_busy(void *context, int count) {
    long timeout_us = (long)(intptr_t)context * 1000L;
    long waited_us = count < 20 ? (long)count * 100L : 2000L + (long)(count - 20) * 1000L;
    if (waited_us >= timeout_us) return 0;
    struct timespec ts = { 0, count < 20 ? 100000L : 1000000L };
    nanosleep(&ts, 0);
    return 1;
}

static inline int csqlite_set_fine_busy_timeout(sqlite3 *db, int milliseconds) {
    if (milliseconds <= 0) return sqlite3_busy_handler(db, 0, 0);
    return sqlite3_busy_handler(db, csqlite_fine_busy, (void *)(intptr_t)milliseconds);
}

/// Flushes the connection's main database file, then its journal (the WAL in WAL mode), to
/// stable storage through the VFS's own xSync (fdatasync on Unix), taking no lock. A file not
/// open yet (no WAL before the first read) is skipped. Returns the first error.
static inline int csqlite_sync_main_files(sqlite3 *db) {
    int ops[2] = { SQLITE_FCNTL_FILE_POINTER, SQLITE_FCNTL_JOURNAL_POINTER };
    for (int i = 0; i < 2; i++) {
        sqlite3_file *file = 0;
        int rc = sqlite3_file_control(db, "main", ops[i], &file);
        if (rc != SQLITE_OK) return rc;
        if (file == 0 || file->pMethods == 0) continue;
        rc = file->pMethods->xSync(file, SQLITE_SYNC_NORMAL);
        if (rc != SQLITE_OK) return rc;
    }
    return SQLITE_OK;
}

/// sqlite3_db_config is variadic. Sets SQLITE_DBCONFIG_DEFENSIVE (which forbids writing the
/// schema table) to `on`; returns the previous setting in `*previous`.
static inline int csqlite_set_defensive(sqlite3 *db, int on, int *previous) {
    int rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, -1, previous);
    if (rc != SQLITE_OK) return rc;
    return sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, on, (int *)0);
}

/// Whether a pre-update hook's database and table names are the main database's `table`.
static inline int csqlite_is_main_table(const char *database, const char *name, const char *table) {
    return database && name && strcmp(database, "main") == 0 && strcmp(name, table) == 0;
}

#endif
