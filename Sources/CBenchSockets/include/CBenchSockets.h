// The GNU socket calls `flexvpn-bench lifecycle`'s floor client needs, which Swift's Glibc
// module does not export (they sit behind _GNU_SOURCE).
#ifndef C_BENCH_SOCKETS_H
#define C_BENCH_SOCKETS_H

#include <sys/socket.h>

/// Same layout as `struct mmsghdr`.
struct CBenchSockets_mmsghdr {
    struct msghdr msg_hdr;
    unsigned int msg_len;
};

/// sendmmsg(2) with no flags.
int CBenchSockets_sendmmsg(int fd, struct CBenchSockets_mmsghdr *vector, unsigned int count);
/// recvmmsg(2) that blocks until one datagram is there, then takes what else is queued.
int CBenchSockets_recvmmsgWaitForOne(int fd, struct CBenchSockets_mmsghdr *vector, unsigned int count);
/// The calling thread's user and system CPU seconds (getrusage RUSAGE_THREAD).
void CBenchSockets_threadTimes(double *user, double *system);

#endif
