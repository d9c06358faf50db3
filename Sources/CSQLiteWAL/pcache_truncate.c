// SQLite's default page cache (pcache1) with one change: a truncate that cannot drop anything
// returns at once instead of scanning the whole cache.
//
// Why: when a b-tree rebalance gives its new sibling pages out of page-number order,
// balance_nonroot swaps two of them through a spare page number, the one holding the lock byte
// (PENDING_BYTE / page size + 1: page 262,145 with 4 KiB pages). pcache1 remembers the highest key
// it ever saw (iMaxKey) and lowers it only in a truncate, and every write transaction ends with a
// truncate to the database size (pager_end_transaction). So after any commit whose splits swapped
// pages, the next truncate finds iMaxKey far above the limit and walks every hash bucket and every
// cached page, although the borrowed number was given back at once: ~80 µs for a 64 MiB cache,
// 12 % of the store writer's time in a dequeue/complete cycle (perf, probes on pcache1's
// truncate: maxkey=262145 on every call).
//
// Here each cache keeps its own bound: the highest key any page was given other than the lock
// byte's, and whether a page may hold the lock byte's key (set when a page is given that key,
// cleared when that page is given another key or a truncate drops it; keys are unique in a
// cache, so one page at most). A truncate to iLimit goes to pcache1 unless the bound is below
// iLimit and no page may hold the lock byte's key at or above it. Everything else passes through.
// The bound only ever overstates what is cached (a page evicted or discarded is not subtracted),
// so a truncate that could drop a page is never skipped.
#include <sqlite3.h>
#include "CSQLiteWAL.h"

typedef struct TrackedCache {
    sqlite3_pcache *inner;
    unsigned lockPage;   // the lock byte's page: the number balance_nonroot borrows
    unsigned maxKey;     // no page has a key above this, other than lockPage
    int lockMayExist;    // a page may have the key lockPage
    int64_t skipped;     // truncates answered here
} TrackedCache;

static sqlite3_pcache_methods2 inner_methods;
static int64_t skipped_total;  // truncates answered here, all caches (csqlite_pcache_skipped_truncates)

// SQLite's default PENDING_BYTE (sqliteInt.h); only tests change it.
enum { PENDING_BYTE_OFFSET = 0x40000000 };

#define INNER(p) (((TrackedCache *)(p))->inner)

static int tracked_init(void *unused) {
    (void)unused;
    return inner_methods.xInit(inner_methods.pArg);
}

static void tracked_shutdown(void *unused) {
    (void)unused;
    if (inner_methods.xShutdown) inner_methods.xShutdown(inner_methods.pArg);
}

static sqlite3_pcache *tracked_create(int szPage, int szExtra, int bPurgeable) {
    TrackedCache *cache = sqlite3_malloc(sizeof(TrackedCache));
    if (!cache) return 0;
    cache->inner = inner_methods.xCreate(szPage, szExtra, bPurgeable);
    if (!cache->inner) {
        sqlite3_free(cache);
        return 0;
    }
    cache->lockPage = szPage > 0 ? (unsigned)(PENDING_BYTE_OFFSET / szPage) + 1 : 0;
    cache->maxKey = 0;
    cache->lockMayExist = 0;
    cache->skipped = 0;
    return (sqlite3_pcache *)cache;
}

static void tracked_cachesize(sqlite3_pcache *p, int nCachesize) { inner_methods.xCachesize(INNER(p), nCachesize); }

static int tracked_pagecount(sqlite3_pcache *p) { return inner_methods.xPagecount(INNER(p)); }

// A key given to a page, by a fetch that returned one or by a rekey.
static void note_key(TrackedCache *cache, unsigned key) {
    if (key == cache->lockPage) {
        cache->lockMayExist = 1;
    } else if (key > cache->maxKey) {
        cache->maxKey = key;
    }
}

static sqlite3_pcache_page *tracked_fetch(sqlite3_pcache *p, unsigned key, int createFlag) {
    TrackedCache *cache = (TrackedCache *)p;
    sqlite3_pcache_page *page = inner_methods.xFetch(cache->inner, key, createFlag);
    if (page) note_key(cache, key);
    return page;
}

static void tracked_unpin(sqlite3_pcache *p, sqlite3_pcache_page *page, int discard) {
    inner_methods.xUnpin(INNER(p), page, discard);
}

static void tracked_rekey(sqlite3_pcache *p, sqlite3_pcache_page *page, unsigned oldKey, unsigned newKey) {
    TrackedCache *cache = (TrackedCache *)p;
    inner_methods.xRekey(cache->inner, page, oldKey, newKey);
    // The one page that had the lock byte's key has another now.
    if (oldKey == cache->lockPage) cache->lockMayExist = 0;
    note_key(cache, newKey);
}

static void tracked_truncate(sqlite3_pcache *p, unsigned iLimit) {
    TrackedCache *cache = (TrackedCache *)p;
    int lockAbove = cache->lockMayExist && cache->lockPage >= iLimit;
    if (cache->maxKey < iLimit && !lockAbove) {
        cache->skipped++;
        __atomic_fetch_add(&skipped_total, 1, __ATOMIC_RELAXED);
        return;
    }
    inner_methods.xTruncate(cache->inner, iLimit);
    if (iLimit == 0) {
        cache->maxKey = 0;
    } else if (cache->maxKey >= iLimit) {
        cache->maxKey = iLimit - 1;
    }
    if (lockAbove) cache->lockMayExist = 0;
}

static void tracked_destroy(sqlite3_pcache *p) {
    inner_methods.xDestroy(INNER(p));
    sqlite3_free(p);
}

static void tracked_shrink(sqlite3_pcache *p) { inner_methods.xShrink(INNER(p)); }

int csqlite_pcache_register(void) {
    static int registered = 0;
    if (registered) return SQLITE_OK;
    sqlite3_pcache_methods2 current;
    int rc = sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &current);
    if (rc != SQLITE_OK) return rc;
    if (current.iVersion < 1 || !current.xCreate || !current.xTruncate) return SQLITE_ERROR;
    inner_methods = current;
    static const sqlite3_pcache_methods2 tracked = {
        1, 0, tracked_init, tracked_shutdown, tracked_create, tracked_cachesize, tracked_pagecount,
        tracked_fetch, tracked_unpin, tracked_rekey, tracked_truncate, tracked_destroy, tracked_shrink,
    };
    rc = sqlite3_config(SQLITE_CONFIG_PCACHE2, &tracked);
    if (rc == SQLITE_OK) registered = 1;
    return rc;
}

int64_t csqlite_pcache_skipped_truncates(void) { return __atomic_load_n(&skipped_total, __ATOMIC_RELAXED); }

// Test hooks: one wrapped cache driven through the same methods SQLite calls, so the tests can
// check what a truncate keeps and drops without relying on when SQLite happens to truncate.

void *csqlite_pcache_test_create(int pageSize) {
    if (!inner_methods.xCreate) return 0;  // not registered
    sqlite3_pcache *cache = tracked_create(pageSize, 64, 1);
    if (cache) tracked_cachesize(cache, 1000);
    return cache;
}

int csqlite_pcache_test_add(void *cache, unsigned key) {
    sqlite3_pcache_page *page = tracked_fetch(cache, key, 2);
    if (!page) return 0;
    tracked_unpin(cache, page, 0);
    return 1;
}

int csqlite_pcache_test_rekey(void *cache, unsigned oldKey, unsigned newKey) {
    sqlite3_pcache_page *page = tracked_fetch(cache, oldKey, 0);
    if (!page) return 0;
    tracked_rekey(cache, page, oldKey, newKey);
    tracked_unpin(cache, page, 0);
    return 1;
}

int csqlite_pcache_test_contains(void *cache, unsigned key) {
    sqlite3_pcache_page *page = inner_methods.xFetch(INNER(cache), key, 0);
    if (!page) return 0;
    inner_methods.xUnpin(INNER(cache), page, 0);
    return 1;
}

void csqlite_pcache_test_truncate(void *cache, unsigned limit) { tracked_truncate(cache, limit); }

int csqlite_pcache_test_pagecount(void *cache) { return tracked_pagecount(cache); }

unsigned csqlite_pcache_test_lock_page(void *cache) { return ((TrackedCache *)cache)->lockPage; }

int64_t csqlite_pcache_test_skipped(void *cache) { return ((TrackedCache *)cache)->skipped; }

void csqlite_pcache_test_destroy(void *cache) { tracked_destroy(cache); }
