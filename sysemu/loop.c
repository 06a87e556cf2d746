/*
 * Main loop: epoll + timerfd + an eventfd for calls from other threads (loop.h).
 */
#include "sysemu/loop.h"
#include "sysemu/chardev/chardev.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define LOOP_MAX_WATCH 64

struct watch {
    int fd;
    loop_fd_fn *cb;
    void *opaque;
};

struct loop_timer {
    int fd;
    loop_fn *cb;
    void *opaque;
};

struct call {
    loop_fn *fn;
    void *opaque;
    struct call *next;
};

static struct {
    int epfd, wake_fd;
    struct watch w[LOOP_MAX_WATCH];
    pthread_mutex_t calls_lock;
    struct call *calls, **calls_tail;
    bool quit;
    int status;
    struct chardev_loop cl;
} lp = { .epfd = -1, .calls_lock = PTHREAD_MUTEX_INITIALIZER };

static void run_calls(void *opaque, int fd)
{
    uint64_t n;
    if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
        return;
    pthread_mutex_lock(&lp.calls_lock);
    struct call *c = lp.calls;
    lp.calls = NULL;
    lp.calls_tail = &lp.calls;
    pthread_mutex_unlock(&lp.calls_lock);
    while (c) {
        struct call *next = c->next;
        c->fn(c->opaque);
        free(c);
        c = next;
    }
}

static int cl_watch(struct chardev_loop *l, int fd, void (*cb)(void *, int), void *opaque)
{
    return loop_watch(fd, cb, opaque);
}

static void cl_unwatch(struct chardev_loop *l, int fd)
{
    loop_unwatch(fd);
}

int loop_init(void)
{
    lp.epfd = epoll_create1(EPOLL_CLOEXEC);
    lp.wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (lp.epfd < 0 || lp.wake_fd < 0)
        return -errno;
    for (int i = 0; i < LOOP_MAX_WATCH; i++)
        lp.w[i].fd = -1;
    lp.calls_tail = &lp.calls;
    lp.cl.watch = cl_watch;
    lp.cl.unwatch = cl_unwatch;
    return loop_watch(lp.wake_fd, run_calls, NULL);
}

struct chardev_loop *loop_chardev(void)
{
    return &lp.cl;
}

int loop_watch(int fd, loop_fd_fn *cb, void *opaque)
{
    for (int i = 0; i < LOOP_MAX_WATCH; i++) {
        if (lp.w[i].fd >= 0)
            continue;
        struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };
        if (epoll_ctl(lp.epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
            return -errno;
        lp.w[i] = (struct watch){ fd, cb, opaque };
        return 0;
    }
    return -ENOSPC;
}

void loop_unwatch(int fd)
{
    for (int i = 0; i < LOOP_MAX_WATCH; i++) {
        if (lp.w[i].fd == fd) {
            epoll_ctl(lp.epfd, EPOLL_CTL_DEL, fd, NULL);
            lp.w[i].fd = -1;
        }
    }
}

static void timer_fired(void *opaque, int fd)
{
    struct loop_timer *t = opaque;
    uint64_t n;
    if (read(fd, &n, sizeof(n)) == sizeof(n))
        t->cb(t->opaque);
}

struct loop_timer *loop_timer_new(loop_fn *cb, void *opaque)
{
    struct loop_timer *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    t->cb = cb;
    t->opaque = opaque;
    if (t->fd < 0 || loop_watch(t->fd, timer_fired, t) < 0) {
        if (t->fd >= 0)
            close(t->fd);
        free(t);
        return NULL;
    }
    return t;
}

void loop_timer_arm(struct loop_timer *t, uint64_t ns, uint64_t period_ns)
{
    struct itimerspec its = {
        .it_value = { ns / 1000000000, ns % 1000000000 },
        .it_interval = { period_ns / 1000000000, period_ns % 1000000000 },
    };
    timerfd_settime(t->fd, 0, &its, NULL);
}

void loop_call(loop_fn *fn, void *opaque)
{
    struct call *c = malloc(sizeof(*c));
    if (!c)
        abort();
    c->fn = fn;
    c->opaque = opaque;
    c->next = NULL;
    pthread_mutex_lock(&lp.calls_lock);
    *lp.calls_tail = c;
    lp.calls_tail = &c->next;
    pthread_mutex_unlock(&lp.calls_lock);
    uint64_t one = 1;
    if (write(lp.wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
        abort();
}

int loop_run(void)
{
    struct epoll_event ev[16];
    while (!lp.quit) {
        int n = epoll_wait(lp.epfd, ev, 16, -1);
        if (n < 0 && errno != EINTR)
            abort();
        for (int i = 0; i < n && !lp.quit; i++) {
            struct watch *w = &lp.w[ev[i].data.u32];
            if (w->fd >= 0)
                w->cb(w->opaque, w->fd);
        }
    }
    return lp.status;
}

void loop_quit(int status)
{
    lp.quit = true;
    lp.status = status;
}
