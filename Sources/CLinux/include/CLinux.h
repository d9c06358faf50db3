#ifndef CLINUX_H
#define CLINUX_H
// Linux headers the Glibc module does not export (epoll, eventfd). Declarations only.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <netinet/tcp.h>

/// accept4(2), exported without requiring _GNU_SOURCE in Swift.
int clinux_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
#endif
