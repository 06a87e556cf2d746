/*
 * A small poll(2) loop implementing struct chardev_loop, for the unit tests
 * and for any caller that has no main loop of its own.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "sysemu/chardev/chardev.h"

static int poll_watch(struct chardev_loop *loop, int fd, void (*cb)(void *, int), void *opaque)
{
    struct chardev_poll *p = (struct chardev_poll *)loop;
    for (int i = 0; i < p->n; i++)
        if (p->w[i].fd == fd) {
            p->w[i].cb = cb;
            p->w[i].opaque = opaque;
            return 0;
        }
    if (p->n == (int)(sizeof(p->w) / sizeof(p->w[0])))
        return -ENOSPC;
    p->w[p->n].fd = fd;
    p->w[p->n].cb = cb;
    p->w[p->n].opaque = opaque;
    p->n++;
    return 0;
}

static void poll_unwatch(struct chardev_loop *loop, int fd)
{
    struct chardev_poll *p = (struct chardev_poll *)loop;
    for (int i = 0; i < p->n; i++)
        if (p->w[i].fd == fd) {
            p->w[i] = p->w[--p->n];
            return;
        }
}

void chardev_poll_init(struct chardev_poll *p)
{
    memset(p, 0, sizeof(*p));
    p->loop.watch = poll_watch;
    p->loop.unwatch = poll_unwatch;
}

int chardev_poll_run(struct chardev_poll *p, int timeout_ms)
{
    struct pollfd fds[32];
    int n = p->n;
    for (int i = 0; i < n; i++)
        fds[i] = (struct pollfd){ .fd = p->w[i].fd, .events = POLLIN };
    int r = poll(fds, n, timeout_ms);
    if (r <= 0)
        return 0;
    int ran = 0;
    for (int i = 0; i < n; i++) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        /* a callback may have unwatched or replaced descriptors: look it up again */
        for (int j = 0; j < p->n; j++)
            if (p->w[j].fd == fds[i].fd) {
                p->w[j].cb(p->w[j].opaque, fds[i].fd);
                ran++;
                break;
            }
    }
    return ran;
}
