// A VFS that wraps SQLite's default one and gathers the writes of a WAL transaction into one.
//
// SQLite appends each page of a commit to the WAL as two writes: the 24-byte frame header, then
// the page. A commit that dirties 45 pages (eight single-row inserts into eight projects' index
// leaves) is 90 pwrite calls, each touching one or two pages of the page cache: a fifth of the
// store's CPU under single enqueues. Here consecutive WAL writes are appended to a buffer and
// written together when the transaction's commit frame (a frame header whose "database size
// after commit" field is not zero) has its page, so a commit costs one write.
//
// Why this is safe: a frame is visible to other connections only once the writer publishes the
// wal-index header, which SQLite does after writing the commit frame (walIndexWriteHdr, after
// sqlite3WalFrames' writes). The buffer is written before that, when the commit frame completes,
// and again as a safety net whenever the database file's shared-memory barrier or lock is used
// (walIndexWriteHdr calls the barrier before the header becomes valid). Any other call on the WAL
// file (read, sync, truncate, size, lock, file control, close) and any write that is not
// contiguous with the buffer first writes the buffer out, so the file always reads as SQLite
// wrote it. A crash loses at most what was buffered and never published, as an unsynced WAL tail
// would be; with synchronous=FULL SQLite syncs, which writes the buffer first.
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include "CSQLiteWAL.h"

typedef struct BufferedFile BufferedFile;
struct BufferedFile {
    sqlite3_file base;
    sqlite3_file *real;       // the default VFS's file, in the memory after this struct
    int isWAL;
    BufferedFile *wal;        // on a main database file: its open WAL file
    BufferedFile *db;         // on a WAL file: its main database file
    unsigned char *buffer;    // WAL writes not yet made, contiguous from bufferOffset
    sqlite3_int64 bufferOffset;
    int bufferLength;
    int bufferCapacity;
    int commitPageNext;       // the last write was a commit frame's header: its page completes the commit
    int deferredError;        // a flush from a void method failed: reported by the next call that can
    int64_t given;            // on a main database file: writes SQLite gave its WAL files
    int64_t made;             // on a main database file: writes that reached the unix VFS
    int64_t syncs;            // on a main database file: its own syncs
    int64_t walSyncs;         // on a main database file: its WAL files' syncs
};

// The most the buffer holds: the unix VFS writes at most 128 KiB - 1 bytes per call (its
// seekAndWriteFd masks the count with 0x1ffff), so a longer buffer is written in several calls.
// Writes longer than this go straight to the file (after the buffer).
enum { BUFFER_LIMIT = 0x1ffff };

static sqlite3_vfs walbuffer_vfs;
static sqlite3_vfs *base_vfs;
static const sqlite3_io_methods buffered_methods;

#define REAL(f) (((BufferedFile *)(f))->real)

static int flush(BufferedFile *p) {
    if (p->bufferLength == 0) return SQLITE_OK;
    int length = p->bufferLength;
    p->bufferLength = 0;
    if (p->db) p->db->made++;
    return p->real->pMethods->xWrite(p->real, p->buffer, length, p->bufferOffset);
}

// Writes the buffer out before a call that reads or depends on the file's contents, and reports
// a failure left by an earlier flush that could not report it.
static int settle(BufferedFile *p) {
    if (p->deferredError) {
        int rc = p->deferredError;
        p->deferredError = 0;
        p->bufferLength = 0;
        return rc;
    }
    return flush(p);
}

static void settle_quietly(BufferedFile *p) {
    if (!p) return;
    int rc = flush(p);
    if (rc != SQLITE_OK && !p->deferredError) p->deferredError = rc;
}

static int big_endian_u32(const unsigned char *b) {
    return (int)(((unsigned)b[0] << 24) | ((unsigned)b[1] << 16) | ((unsigned)b[2] << 8) | (unsigned)b[3]);
}

static int buffered_write(sqlite3_file *f, const void *data, int amount, sqlite3_int64 offset) {
    BufferedFile *p = (BufferedFile *)f;
    if (!p->isWAL) return p->real->pMethods->xWrite(p->real, data, amount, offset);
    int rc;
    if (p->db) p->db->given++;
    if (p->deferredError) return settle(p);
    if (p->bufferLength > 0
        && (offset != p->bufferOffset + p->bufferLength || p->bufferLength + amount > BUFFER_LIMIT)) {
        if ((rc = flush(p)) != SQLITE_OK) return rc;
    }
    if (amount > BUFFER_LIMIT) {
        p->commitPageNext = 0;
        if (p->db) p->db->made++;
        return p->real->pMethods->xWrite(p->real, data, amount, offset);
    }
    if (p->bufferLength + amount > p->bufferCapacity) {
        int capacity = p->bufferCapacity ? p->bufferCapacity : 64 * 1024;
        while (capacity < p->bufferLength + amount) capacity *= 2;
        unsigned char *grown = realloc(p->buffer, (size_t)capacity);
        if (!grown) {
            // Out of memory: write what is buffered, then this write, unbuffered.
            if ((rc = flush(p)) != SQLITE_OK) return rc;
            p->commitPageNext = 0;
            if (p->db) p->db->made++;
            return p->real->pMethods->xWrite(p->real, data, amount, offset);
        }
        p->buffer = grown;
        p->bufferCapacity = capacity;
    }
    if (p->bufferLength == 0) p->bufferOffset = offset;
    memcpy(p->buffer + p->bufferLength, data, (size_t)amount);
    p->bufferLength += amount;
    if (p->commitPageNext) {
        p->commitPageNext = 0;
        return flush(p);
    }
    // A frame header: page number, database size after commit (not zero only on a commit frame),
    // salts and checksums, 24 bytes.
    if (amount == 24 && big_endian_u32((const unsigned char *)data + 4) != 0) p->commitPageNext = 1;
    return SQLITE_OK;
}

static int buffered_close(sqlite3_file *f) {
    BufferedFile *p = (BufferedFile *)f;
    int rc = p->isWAL ? settle(p) : SQLITE_OK;
    if (p->isWAL && p->db && p->db->wal == p) p->db->wal = NULL;
    if (!p->isWAL && p->wal && p->wal->db == p) p->wal->db = NULL;
    int closed = p->real->pMethods ? p->real->pMethods->xClose(p->real) : SQLITE_OK;
    free(p->buffer);
    p->buffer = NULL;
    p->bufferCapacity = 0;
    return rc != SQLITE_OK ? rc : closed;
}

static int buffered_read(sqlite3_file *f, void *data, int amount, sqlite3_int64 offset) {
    BufferedFile *p = (BufferedFile *)f;
    if (p->isWAL) {
        int rc = settle(p);
        if (rc != SQLITE_OK) return rc;
    }
    return p->real->pMethods->xRead(p->real, data, amount, offset);
}

#define SETTLED(call)                                                      \
    BufferedFile *p = (BufferedFile *)f;                                   \
    if (p->isWAL) {                                                        \
        int settled = settle(p);                                           \
        if (settled != SQLITE_OK) return settled;                          \
    }                                                                      \
    return call

static int buffered_truncate(sqlite3_file *f, sqlite3_int64 size) { SETTLED(REAL(f)->pMethods->xTruncate(REAL(f), size)); }
static int buffered_sync(sqlite3_file *f, int flags) {
    BufferedFile *b = (BufferedFile *)f;
    if (!b->isWAL) b->syncs++;
    else if (b->db) b->db->walSyncs++;
    SETTLED(REAL(f)->pMethods->xSync(REAL(f), flags));
}
static int buffered_file_size(sqlite3_file *f, sqlite3_int64 *size) { SETTLED(REAL(f)->pMethods->xFileSize(REAL(f), size)); }
static int buffered_lock(sqlite3_file *f, int level) { SETTLED(REAL(f)->pMethods->xLock(REAL(f), level)); }
static int buffered_unlock(sqlite3_file *f, int level) { SETTLED(REAL(f)->pMethods->xUnlock(REAL(f), level)); }
static int buffered_check_reserved_lock(sqlite3_file *f, int *out) {
    SETTLED(REAL(f)->pMethods->xCheckReservedLock(REAL(f), out));
}
static int buffered_file_control(sqlite3_file *f, int op, void *arg) {
    if (op == CSQLITE_WALBUFFER_FCNTL_COUNTS && !((BufferedFile *)f)->isWAL) {
        int64_t *out = arg;
        out[0] = ((BufferedFile *)f)->given;
        out[1] = ((BufferedFile *)f)->made;
        return SQLITE_OK;
    }
    if (op == CSQLITE_WALBUFFER_FCNTL_SYNCS && !((BufferedFile *)f)->isWAL) {
        int64_t *out = arg;
        out[0] = ((BufferedFile *)f)->syncs;
        out[1] = ((BufferedFile *)f)->walSyncs;
        return SQLITE_OK;
    }
    SETTLED(REAL(f)->pMethods->xFileControl(REAL(f), op, arg));
}
static int buffered_sector_size(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int buffered_device_characteristics(sqlite3_file *f) {
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

// Shared memory belongs to the main database file. Its barrier and locks order the wal-index
// updates that publish frames: the database's WAL buffer is written out before either.
static int buffered_shm_map(sqlite3_file *f, int region, int size, int extend, void volatile **out) {
    if (REAL(f)->pMethods->iVersion < 2) return SQLITE_IOERR;
    return REAL(f)->pMethods->xShmMap(REAL(f), region, size, extend, out);
}
static int buffered_shm_lock(sqlite3_file *f, int offset, int n, int flags) {
    if (REAL(f)->pMethods->iVersion < 2) return SQLITE_IOERR;
    settle_quietly(((BufferedFile *)f)->wal);
    return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}
static void buffered_shm_barrier(sqlite3_file *f) {
    if (REAL(f)->pMethods->iVersion < 2) return;
    settle_quietly(((BufferedFile *)f)->wal);
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int buffered_shm_unmap(sqlite3_file *f, int deleteFlag) {
    if (REAL(f)->pMethods->iVersion < 2) return SQLITE_OK;
    return REAL(f)->pMethods->xShmUnmap(REAL(f), deleteFlag);
}
static int buffered_fetch(sqlite3_file *f, sqlite3_int64 offset, int amount, void **out) {
    if (REAL(f)->pMethods->iVersion < 3) {
        *out = NULL;
        return SQLITE_OK;
    }
    return REAL(f)->pMethods->xFetch(REAL(f), offset, amount, out);
}
static int buffered_unfetch(sqlite3_file *f, sqlite3_int64 offset, void *page) {
    if (REAL(f)->pMethods->iVersion < 3) return SQLITE_OK;
    return REAL(f)->pMethods->xUnfetch(REAL(f), offset, page);
}

static const sqlite3_io_methods buffered_methods = {
    3,
    buffered_close, buffered_read, buffered_write, buffered_truncate, buffered_sync, buffered_file_size,
    buffered_lock, buffered_unlock, buffered_check_reserved_lock, buffered_file_control, buffered_sector_size,
    buffered_device_characteristics, buffered_shm_map, buffered_shm_lock, buffered_shm_barrier,
    buffered_shm_unmap, buffered_fetch, buffered_unfetch,
};

static int walbuffer_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags, int *outFlags) {
    (void)vfs;
    BufferedFile *p = (BufferedFile *)f;
    memset(p, 0, sizeof(*p));
    p->real = (sqlite3_file *)&p[1];
    int rc = base_vfs->xOpen(base_vfs, name, p->real, flags, outFlags);
    // SQLite calls xClose when pMethods is set, even after a failed open.
    p->base.pMethods = p->real->pMethods ? &buffered_methods : NULL;
    if (rc == SQLITE_OK && (flags & SQLITE_OPEN_WAL) && name) {
        p->isWAL = 1;
        sqlite3_file *db = sqlite3_database_file_object(name);
        if (db && db->pMethods == &buffered_methods) {
            p->db = (BufferedFile *)db;
            p->db->wal = p;
        }
    }
    return rc;
}

static int walbuffer_delete(sqlite3_vfs *v, const char *name, int sync) { (void)v; return base_vfs->xDelete(base_vfs, name, sync); }
static int walbuffer_access(sqlite3_vfs *v, const char *name, int flags, int *out) {
    (void)v;
    return base_vfs->xAccess(base_vfs, name, flags, out);
}
static int walbuffer_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out) {
    (void)v;
    return base_vfs->xFullPathname(base_vfs, name, n, out);
}
static void *walbuffer_dlopen(sqlite3_vfs *v, const char *name) { (void)v; return base_vfs->xDlOpen(base_vfs, name); }
static void walbuffer_dlerror(sqlite3_vfs *v, int n, char *out) { (void)v; base_vfs->xDlError(base_vfs, n, out); }
static void (*walbuffer_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void) {
    (void)v;
    return base_vfs->xDlSym(base_vfs, h, sym);
}
static void walbuffer_dlclose(sqlite3_vfs *v, void *h) { (void)v; base_vfs->xDlClose(base_vfs, h); }
static int walbuffer_randomness(sqlite3_vfs *v, int n, char *out) { (void)v; return base_vfs->xRandomness(base_vfs, n, out); }
static int walbuffer_sleep(sqlite3_vfs *v, int us) { (void)v; return base_vfs->xSleep(base_vfs, us); }
static int walbuffer_current_time(sqlite3_vfs *v, double *out) { (void)v; return base_vfs->xCurrentTime(base_vfs, out); }
static int walbuffer_get_last_error(sqlite3_vfs *v, int n, char *out) {
    (void)v;
    return base_vfs->xGetLastError ? base_vfs->xGetLastError(base_vfs, n, out) : 0;
}
static int walbuffer_current_time_int64(sqlite3_vfs *v, sqlite3_int64 *out) {
    (void)v;
    if (base_vfs->iVersion >= 2 && base_vfs->xCurrentTimeInt64) return base_vfs->xCurrentTimeInt64(base_vfs, out);
    double now;
    int rc = base_vfs->xCurrentTime(base_vfs, &now);
    *out = (sqlite3_int64)(now * 86400000.0);
    return rc;
}

int csqlite_walbuffer_register(void) {
    if (sqlite3_vfs_find("unix-walbuffer")) return SQLITE_OK;
    sqlite3_vfs *base = sqlite3_vfs_find(NULL);
    if (!base) return SQLITE_ERROR;
    base_vfs = base;
    walbuffer_vfs = (sqlite3_vfs){
        .iVersion = 2,
        .szOsFile = (int)sizeof(BufferedFile) + base->szOsFile,
        .mxPathname = base->mxPathname,
        .zName = "unix-walbuffer",
        .xOpen = walbuffer_open,
        .xDelete = walbuffer_delete,
        .xAccess = walbuffer_access,
        .xFullPathname = walbuffer_full_pathname,
        .xDlOpen = walbuffer_dlopen,
        .xDlError = walbuffer_dlerror,
        .xDlSym = walbuffer_dlsym,
        .xDlClose = walbuffer_dlclose,
        .xRandomness = walbuffer_randomness,
        .xSleep = walbuffer_sleep,
        .xCurrentTime = walbuffer_current_time,
        .xGetLastError = walbuffer_get_last_error,
        .xCurrentTimeInt64 = walbuffer_current_time_int64,
    };
    return sqlite3_vfs_register(&walbuffer_vfs, 1);
}
