#define _GNU_SOURCE
#include <sys/socket.h>
#include "CLinux.h"

// accept4 is declared only under _GNU_SOURCE, which the Glibc module is not built with.
int clinux_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
    return accept4(fd, addr, len, flags);
}

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

// The write end of the pipe that clinux_route_signals hands signals to; set once, before any
// handler is installed.
static volatile int clinux_signal_write_fd = -1;

// Async-signal-safe: one write(2) of one byte, errno preserved. A full pipe drops the byte (the
// write end is non-blocking) rather than block the interrupted thread.
static void clinux_signal_handler(int sig) {
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    if (clinux_signal_write_fd >= 0) {
        ssize_t n = write(clinux_signal_write_fd, &b, 1);
        (void)n;
    }
    errno = saved;
}

int clinux_route_signals(const int *signals, int count) {
    if (count < 0 || count > 64) {
        errno = EINVAL;
        return -1;
    }
    if (clinux_signal_write_fd >= 0) {
        errno = EBUSY;
        return -1;
    }
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    if (fcntl(fds[1], F_SETFL, O_NONBLOCK) != 0) {
        int saved = errno;
        close(fds[0]);
        close(fds[1]);
        errno = saved;
        return -1;
    }
    clinux_signal_write_fd = fds[1];
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = clinux_signal_handler;
    sa.sa_flags = SA_RESTART;
    sigfillset(&sa.sa_mask);
    struct sigaction previous[64];
    for (int i = 0; i < count; i++) {
        if (sigaction(signals[i], &sa, &previous[i]) != 0) {
            // Undo: the signals routed so far get their previous actions back, nothing leaks.
            int saved = errno;
            for (int j = 0; j < i; j++) sigaction(signals[j], &previous[j], NULL);
            clinux_signal_write_fd = -1;
            close(fds[0]);
            close(fds[1]);
            errno = saved;
            return -1;
        }
    }
    return fds[0];
}

#include <sched.h>

int clinux_allowed_cpus(int *cpus, int capacity) {
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return -1;
    int n = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, &allowed)) continue;
        if (n < capacity) cpus[n] = cpu;
        n++;
    }
    return n;
}

int clinux_pin_thread(int cpu) {
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return -1;
    if (cpu < 0) {
        if (CPU_COUNT(&allowed) < 2) return -2;
        for (int c = 0; c < CPU_SETSIZE; c++) {
            if (CPU_ISSET(c, &allowed)) cpu = c;
        }
    } else if (cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &allowed)) {
        errno = EINVAL;
        return -1;
    }
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    if (sched_setaffinity(0, sizeof one, &one) != 0) return -1;
    return cpu;
}

int clinux_idle_priority(void) {
    struct sched_param none = {0};
    // On Linux, pid 0 means the calling thread, not the whole process.
    if (sched_setscheduler(0, SCHED_IDLE, &none) != 0) return -1;
    return sched_getscheduler(0);
}

#include <malloc.h>

// jemalloc's control interface, when jemalloc is in the process: a weak reference, null without it.
extern int mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen) __attribute__((weak));

void clinux_trim_heap(void) {
    // "arena.<MALLCTL_ARENAS_ALL>.purge" (4096 in jemalloc 5): every arena's unused dirty pages
    // go back to the kernel now, not after jemalloc's decay time (which it only acts on when it
    // allocates again). glibc's malloc_trim cannot see them.
    if (mallctl) (void)mallctl("arena.4096.purge", NULL, NULL, NULL, 0);
    (void)malloc_trim(0);
}

#include <pthread.h>

int clinux_name_thread(const char *name) {
    char short_name[16];
    strncpy(short_name, name, sizeof short_name - 1);
    short_name[sizeof short_name - 1] = 0;
    return pthread_setname_np(pthread_self(), short_name);
}
