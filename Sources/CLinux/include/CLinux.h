#ifndef CLINUX_H
#define CLINUX_H
// Linux headers the Glibc module does not export (epoll, eventfd). Declarations only.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <netinet/tcp.h>
#include <malloc.h>

/// accept4(2), exported without requiring _GNU_SOURCE in Swift.
int clinux_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);

/// Routes each of `signals` to a pipe: a handler writes the signal's number there as one byte,
/// whichever thread the kernel delivers it to. Returns the read end (close-on-exec), or -1 with
/// errno set (EBUSY when signals are already routed: once per process; EINVAL for more than 64
/// signals). On failure the signals keep the actions they had.
int clinux_route_signals(const int *signals, int count);

/// The CPUs the calling thread may run on (sched_getaffinity), ascending: the first `capacity`
/// of them go to `cpus`. Returns how many there are (more than `capacity` when they did not
/// fit), or -1 with errno set.
int clinux_allowed_cpus(int *cpus, int capacity);

/// Pins the calling thread to `cpu`, which must be one it may run on (else -1, errno EINVAL); or,
/// with `cpu` < 0, to the highest-numbered CPU it may run on when it may run on two or more (-2
/// when only one: nothing changed). Returns the CPU, or -1 with errno set.
int clinux_pin_thread(int cpu);

/// Moves the calling thread to the lowest CPU priority (SCHED_IDLE): it runs when no other thread
/// of normal priority wants its CPU, and waking it never preempts one. Returns the thread's
/// scheduling policy afterwards (SCHED_IDLE, 5, on success), or -1 with errno set.
int clinux_idle_priority(void);

/// Names the calling thread as `ps -L`, `top -H`, perf and gdb show it: the first 15 bytes of
/// `name` (the kernel's limit). Returns 0, or an error number.
int clinux_name_thread(const char *name);

/// Returns free heap memory to the kernel: jemalloc's unused pages in every arena when jemalloc
/// is loaded (schedulerd links it), then glibc's `malloc_trim(0)`.
void clinux_trim_heap(void);
#endif
