#define _GNU_SOURCE
#include "CBenchSockets.h"
#include <stddef.h>
#include <sys/resource.h>

_Static_assert(sizeof(struct CBenchSockets_mmsghdr) == sizeof(struct mmsghdr), "mmsghdr layout");
_Static_assert(offsetof(struct CBenchSockets_mmsghdr, msg_len) == offsetof(struct mmsghdr, msg_len), "mmsghdr layout");

int CBenchSockets_sendmmsg(int fd, struct CBenchSockets_mmsghdr *vector, unsigned int count) {
    return sendmmsg(fd, (struct mmsghdr *)vector, count, 0);
}

int CBenchSockets_recvmmsgWaitForOne(int fd, struct CBenchSockets_mmsghdr *vector, unsigned int count) {
    return recvmmsg(fd, (struct mmsghdr *)vector, count, MSG_WAITFORONE, NULL);
}

void CBenchSockets_threadTimes(double *user, double *system) {
    struct rusage usage;
    getrusage(RUSAGE_THREAD, &usage);
    *user = (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6;
    *system = (double)usage.ru_stime.tv_sec + (double)usage.ru_stime.tv_usec / 1e6;
}
