// Session 25's throwaway tool (docs/BENCHMARKS.md, "Session 25"): gcc -O2 -o setslice session25-setslice.c
// Used on a fresh dev schedulerd and on scheduler-bench while it ran (both PIDs), before and
// during the measured run; reading back with sched_getattr showed the slice taken.
// setslice SLICE_NS PID...: sets the EEVDF slice (sched_attr.sched_runtime, Linux 6.12+) of every
// SCHED_OTHER thread of the given processes; prints how many were set. 0 = back to the default.
#define _GNU_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
struct attr { uint32_t size, policy; uint64_t flags; int32_t nice; uint32_t prio; uint64_t runtime, deadline, period; uint32_t umin, umax; };
int main(int argc, char **argv) {
  uint64_t slice = strtoull(argv[1], 0, 10); int set = 0, skipped = 0, failed = 0;
  for (int i = 2; i < argc; i++) {
    char path[64]; snprintf(path, sizeof path, "/proc/%s/task", argv[i]);
    DIR *d = opendir(path); if (!d) continue; struct dirent *e;
    while ((e = readdir(d))) {
      if (e->d_name[0] == '.') continue;
      int tid = atoi(e->d_name); struct attr a; memset(&a, 0, sizeof a);
      if (syscall(SYS_sched_getattr, tid, &a, sizeof a, 0) != 0) { failed++; continue; }
      if (a.policy != 0) { skipped++; continue; }
      a.size = sizeof a; a.runtime = slice; a.flags = 0;
      if (syscall(SYS_sched_setattr, tid, &a, 0) != 0) { perror("sched_setattr"); failed++; } else set++;
    }
    closedir(d);
  }
  fprintf(stderr, "setslice %llu: %d set, %d not SCHED_OTHER, %d failed\n", (unsigned long long)slice, set, skipped, failed);
  return 0;
}
