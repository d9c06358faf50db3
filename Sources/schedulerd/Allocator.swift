import CJemalloc

/// The allocator behind this process's malloc, for the start-up line: "jemalloc 5.3.0" when the
/// jemalloc schedulerd links is the one malloc reaches, "libc" otherwise.
///
/// Why jemalloc: the writer thread allocates the rows and schedules that the event loops free.
/// With glibc's malloc the freed memory goes to the freeing thread's cache, so the writer's own
/// allocations keep missing its cache and take the slow path (`_int_malloc` 6 % and
/// `malloc_consolidate` 2 % of the server's time under the work loop); SQLite here allocates for
/// every statement too (Debian builds it without lookaside). With jemalloc the work loop ran
/// +15 % on two vCPUs (docs/BENCHMARKS.md, "Session 16").
enum Allocator {
    static var description: String {
        guard let v = cjemalloc_serving_version() else { return "libc" }
        let version = String(cString: v)
        return "jemalloc " + (version.split(separator: "-").first.map(String.init) ?? version)
    }
}
