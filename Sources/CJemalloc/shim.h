#ifndef CJEMALLOC_SHIM_H
#define CJEMALLOC_SHIM_H
/* schedulerd links jemalloc (Debian's libjemalloc2, unprefixed): its malloc and free then serve
   the whole process, the Swift runtime, SQLite and OpenSSL included. Only mallctl is declared
   here; jemalloc.h would declare malloc and free a second time beside Glibc's. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen);

/// jemalloc's version when jemalloc is the allocator malloc reaches in this process, else NULL:
/// 4 KiB taken with malloc must show in jemalloc's count of what this thread allocated. (Linked
/// but not reached would happen if another allocator came first, e.g. through LD_PRELOAD.)
static inline const char *cjemalloc_serving_version(void) {
    const char *version = NULL;
    size_t n = sizeof(version);
    if (mallctl("version", &version, &n, NULL, 0) != 0) return NULL;
    uint64_t before = 0, after = 0;
    size_t m = sizeof(before);
    if (mallctl("thread.allocated", &before, &m, NULL, 0) != 0) return NULL;
    void *volatile p = malloc(4096);
    m = sizeof(after);
    int rc = mallctl("thread.allocated", &after, &m, NULL, 0);
    free(p);
    return rc == 0 && after >= before + 4096 ? version : NULL;
}
#endif
