/*
 * Readiness and event fds: epoll (x86-64 packs struct epoll_event to 12
 * bytes, the guest's is 16, so events are converted), eventfd, inotify,
 * signalfd (struct signalfd_siginfo is 128 bytes with one layout
 * everywhere; the fd sees signals the guest blocks, which the runner
 * blocks on the host too).  ppoll and pselect6 (temporary signal masks)
 * are in signal.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>

#include "syscall/sys.h"
#include "syscall/target.h"

int64_t signal_epoll_pwait(long nr, const uint64_t *a, void *events, int max);

SYS_PASS(epoll_create1)
SYS_PASS(eventfd2)
SYS_PASS(inotify_init1)
SYS_PASS(inotify_add_watch)
SYS_PASS(inotify_rm_watch)

int64_t sys_signalfd4(void *cpu, const uint64_t *a)
{
    uint64_t m;

    if (a[2] != 8)
        return -EINVAL;
    if (guest_read(&m, a[1], 8))
        return -EFAULT;
    return host_syscall6(SYS_signalfd4, a[0], (uintptr_t)&m, 8, open_flags_to_host(a[3]), 0, 0);
}

int64_t sys_epoll_ctl(void *cpu, const uint64_t *a)
{
    struct guest_epoll_event g;
    struct epoll_event h;
    int err;

    if (!a[3] || (int)a[1] == EPOLL_CTL_DEL)
        return host_syscall6(SYS_epoll_ctl, a[0], a[1], a[2], 0, 0, 0);
    err = guest_read(&g, a[3], sizeof(g));
    if (err)
        return err;
    h.events = g.events;
    h.data.u64 = g.data;
    return host_syscall6(SYS_epoll_ctl, a[0], a[1], a[2], (uintptr_t)&h, 0, 0);
}

#define EPOLL_BATCH 64

static int64_t epoll_wait_common(long nr, const uint64_t *a)
{
    struct epoll_event h[EPOLL_BATCH];
    struct guest_epoll_event g[EPOLL_BATCH];
    int max = (int)a[2];
    int64_t r;

    if (max <= 0)
        return -EINVAL;
    /* a larger maxevents only returns fewer events per call */
    if (max > EPOLL_BATCH)
        max = EPOLL_BATCH;
    r = signal_epoll_pwait(nr, a, h, max);
    if (r <= 0)
        return r;
    for (int64_t i = 0; i < r; i++) {
        g[i].events = h[i].events;
        g[i].__pad = 0;
        g[i].data = h[i].data.u64;
    }
    /* an unwritable buffer loses these events, as it would natively */
    if (guest_write(a[1], g, (size_t)r * sizeof(g[0])))
        return -EFAULT;
    return r;
}

int64_t sys_epoll_pwait(void *cpu, const uint64_t *a)
{
    return epoll_wait_common(SYS_epoll_pwait, a);
}

int64_t sys_epoll_pwait2(void *cpu, const uint64_t *a)
{
    return epoll_wait_common(SYS_epoll_pwait2, a);
}
