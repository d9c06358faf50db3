#define _GNU_SOURCE
#include <sys/socket.h>
#include "CLinux.h"

// accept4 is declared only under _GNU_SOURCE, which the Glibc module is not built with.
int clinux_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
    return accept4(fd, addr, len, flags);
}
