/*
 * Readiness and event fds: poll, ppoll, select, pselect6, epoll (the
 * guest's 16-byte epoll_event against x86-64's packed 12), eventfd2,
 * timerfd, signalfd4 (struct signalfd_siginfo), inotify.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static void t_poll(void)
{
    int p[2];
    struct pollfd fds[2];
    struct timespec ts = { 0, 1000000 };
    fd_set r;
    struct timeval tv = { 0, 1000 };
    sigset_t m;
    int n;

    pipe(p);
    fds[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
    fds[1] = (struct pollfd){ .fd = p[1], .events = POLLOUT };
    n = poll(fds, 2, 0);
    printf("poll: %d in=%d out=%d\n", n, fds[0].revents, fds[1].revents);
    write(p[1], "x", 1);
    sigemptyset(&m);
    n = ppoll(fds, 1, &ts, &m);
    printf("ppoll: %d in=%d\n", n, fds[0].revents);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    n = select(p[0] + 1, &r, NULL, NULL, &tv);
    printf("select: %d set=%d\n", n, FD_ISSET(p[0], &r));
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    n = pselect(p[0] + 1, &r, NULL, NULL, &ts, &m);
    printf("pselect: %d set=%d\n", n, FD_ISSET(p[0], &r));
    close(p[0]);
    n = poll(&fds[1], 1, 0);
    printf("poll closed reader: %d revents=%d\n", n, fds[1].revents);
    close(p[1]);
}

static void t_epoll(void)
{
    int ep = epoll_create1(EPOLL_CLOEXEC), p[2], q[2];
    struct epoll_event ev, out[4];
    struct timespec ts = { 0, 1000000 };
    int n;

    printf("epoll cloexec: %d\n", fcntl(ep, F_GETFD));
    pipe(p);
    pipe(q);
    ev.events = EPOLLIN;
    ev.data.u64 = 0x1122334455667788ull;
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    ev.events = EPOLLIN | EPOLLET;
    ev.data.u64 = 0xdeadbeefcafef00dull;
    epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &ev);
    printf("epoll_wait empty: %d\n", epoll_wait(ep, out, 4, 0));
    write(p[1], "a", 1);
    write(q[1], "b", 1);
    n = epoll_wait(ep, out, 4, 100);
    printf("epoll_wait: %d\n", n);
    for (int i = 0; i < n; i++)
        printf("  events %x data %llx\n", out[i].events, (unsigned long long)out[i].data.u64);
    n = epoll_wait(ep, out, 4, 0);
    printf("again (edge-triggered q not repeated): %d data %llx\n", n,
           n > 0 ? (unsigned long long)out[0].data.u64 : 0ull);
    ev.events = EPOLLOUT;
    ev.data.u64 = 42;
    printf("EPOLL_CTL_MOD: %d\n", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    printf("EPOLL_CTL_DEL: %d\n", epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL));
    printf("EPOLL_CTL_DEL again: %s\n", epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL) ? strerrorname_np(errno) : "ok");
    ev.events = EPOLLIN;
    ev.data.u64 = 7;
    epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &ev);
    n = syscall(SYS_epoll_pwait2, ep, out, 4, &ts, NULL, 8);
    printf("epoll_pwait2: %d data %llx\n", n, n > 0 ? (unsigned long long)out[0].data.u64 : 0ull);
    close(ep);
}

static void t_eventfd(void)
{
    int fd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
    uint64_t v = 0;

    for (int i = 0; i < 4; i++) {
        ssize_t n = read(fd, &v, 8);
        printf("eventfd semaphore read %d: %s %llu\n", i, n == 8 ? "ok" : strerrorname_np(errno),
               (unsigned long long)v);
    }
    v = 5;
    write(fd, &v, 8);
    printf("eventfd after write: %zd\n", read(fd, &v, 8));
    close(fd);
}

static void t_timerfd(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    struct itimerspec its = { { 0, 2000000 }, { 0, 2000000 } }, cur;
    uint64_t exp = 0;

    printf("timerfd settime: %d\n", timerfd_settime(fd, 0, &its, NULL));
    timerfd_gettime(fd, &cur);
    printf("timerfd interval %ld ns, armed %d\n", cur.it_interval.tv_nsec,
           cur.it_value.tv_sec || cur.it_value.tv_nsec);
    read(fd, &exp, 8);
    printf("timerfd expired at least once: %d\n", exp >= 1);
    close(fd);
}

static void t_signalfd(void)
{
    sigset_t m;
    struct signalfd_siginfo si;
    int fd;
    ssize_t n;

    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigaddset(&m, SIGRTMIN + 3);
    sigprocmask(SIG_BLOCK, &m, NULL);
    fd = signalfd(-1, &m, SFD_NONBLOCK | SFD_CLOEXEC);
    printf("signalfd: %s, nonblock %d\n", fd >= 0 ? "ok" : strerrorname_np(errno),
           !!(fcntl(fd, F_GETFL) & O_NONBLOCK));
    n = read(fd, &si, sizeof(si));
    printf("empty read: %s\n", n < 0 ? strerrorname_np(errno) : "data?");
    raise(SIGUSR1);
    n = read(fd, &si, sizeof(si));
    printf("read %zd: signo-usr1 %d code-tkill %d pid-self %d\n", n, si.ssi_signo == SIGUSR1,
           si.ssi_code == SI_TKILL, si.ssi_pid == (uint32_t)getpid());
    {
        union sigval sv = { .sival_int = 1234 };
        sigqueue(getpid(), SIGRTMIN + 3, sv);
    }
    n = read(fd, &si, sizeof(si));
    printf("read %zd: signo-rt3 %d code-queue %d int %d\n", n, si.ssi_signo == (uint32_t)SIGRTMIN + 3,
           si.ssi_code == SI_QUEUE, si.ssi_int);
    close(fd);
    sigprocmask(SIG_UNBLOCK, &m, NULL);
}

static void t_inotify(void)
{
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC), wd, wd2;
    char buf[4096] __attribute__((aligned(8)));
    ssize_t n;

    mkdir("watched", 0755);
    wd = inotify_add_watch(fd, "watched", IN_CREATE | IN_DELETE);
    printf("inotify watch: %s\n", wd >= 0 ? "ok" : strerrorname_np(errno));
    close(open("watched/newfile", O_CREAT | O_WRONLY, 0644));
    unlink("watched/newfile");
    n = read(fd, buf, sizeof(buf));
    for (char *p = buf; n > 0 && p < buf + n;) {
        struct inotify_event *e = (struct inotify_event *)p;

        printf("  event %s%s name %s same-wd %d\n", e->mask & IN_CREATE ? "CREATE" : "",
               e->mask & IN_DELETE ? "DELETE" : "", e->len ? e->name : "", e->wd == wd);
        p += sizeof(*e) + e->len;
    }
    wd2 = inotify_add_watch(fd, "watched", IN_MODIFY);
    printf("re-add same wd: %d\n", wd2 == wd);
    printf("rm_watch: %d\n", inotify_rm_watch(fd, wd));
    printf("rm_watch again: %s\n", inotify_rm_watch(fd, wd) ? strerrorname_np(errno) : "ok");
    rmdir("watched");
    close(fd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    t_poll();
    t_epoll();
    t_eventfd();
    t_timerfd();
    t_signalfd();
    t_inotify();
    return 0;
}
