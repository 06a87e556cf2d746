/*
 * runtime-slirp: user-mode networking for runtime-system, in a process of
 * its own.  runtime-system is a static binary and Debian ships libslirp only
 * as a shared library, so the slirp stack runs here, dynamically linked,
 * and exchanges Ethernet frames with the machine over a SOCK_SEQPACKET
 * socket (one frame per message) that runtime-system passes as fd 3.  The
 * first message answers the set-up: "OK", or "ERR reason".
 *
 * usage (runtime-system runs it): runtime-slirp [--net A.B.C.D/N] [--host A]
 *   [--dns A] [--dhcpstart A] [--hostname NAME] [--restrict]
 *   [--hostfwd tcp|udp:[HADDR]:HPORT-[GADDR]:GPORT]...
 */
#include <slirp/libslirp.h>

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME_FD 3
#define MAX_POLL 256
#define MAX_TIMERS 16

struct timer {
    SlirpTimerCb cb;
    void *opaque;
    int64_t expire_ms;          /* -1: not armed */
    bool used;
};

static struct timer timers[MAX_TIMERS];
static struct pollfd pfd[MAX_POLL];
static int npfd;

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static __attribute__((format(printf, 1, 2), noreturn)) void fail(const char *fmt, ...)
{
    char msg[512] = "ERR ";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + 4, sizeof(msg) - 4, fmt, ap);
    va_end(ap);
    /* run by hand, without the machine's socket: say it on stderr */
    if (send(FRAME_FD, msg, strlen(msg), MSG_NOSIGNAL) < 0)
        fprintf(stderr, "runtime-slirp: %s\n", msg + 4);
    exit(1);
}

static const char usage[] =
    "usage: runtime-slirp [--net A.B.C.D/N] [--host A] [--dns A] [--dhcpstart A]\n"
    "                     [--hostname NAME] [--restrict]\n"
    "                     [--hostfwd tcp|udp:[HADDR]:HPORT-[GADDR]:GPORT]...\n"
    "User-mode networking (libslirp) for runtime-system's -netdev user; runtime-system\n"
    "starts it with the machine's frame socket as descriptor 3.  See runtime-slirp(8).\n";

static ssize_t send_packet(const void *buf, size_t len, void *opaque)
{
    /* the machine not keeping up: drop, as a wire would (TCP retransmits) */
    ssize_t r = send(FRAME_FD, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
    return r < 0 && errno != EAGAIN ? -errno : (ssize_t)len;
}

static void guest_error(const char *msg, void *opaque)
{
    fprintf(stderr, "runtime-slirp: guest error: %s\n", msg);
}

static int64_t clock_ns(void *opaque)
{
    return now_ns();
}

static void *timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    for (int i = 0; i < MAX_TIMERS; i++) {
        if (!timers[i].used) {
            timers[i] = (struct timer){ cb, cb_opaque, -1, true };
            return &timers[i];
        }
    }
    fprintf(stderr, "runtime-slirp: out of timers\n");
    abort();
}

static void timer_free(void *t, void *opaque)
{
    ((struct timer *)t)->used = false;
}

static void timer_mod(void *t, int64_t expire_ms, void *opaque)
{
    ((struct timer *)t)->expire_ms = expire_ms;
}

static void register_fd(int fd, void *opaque) {}
static void unregister_fd(int fd, void *opaque) {}
static void notify(void *opaque) {}

static const SlirpCb callbacks = {
    .send_packet = send_packet,
    .guest_error = guest_error,
    .clock_get_ns = clock_ns,
    .timer_new = timer_new,
    .timer_free = timer_free,
    .timer_mod = timer_mod,
    .register_poll_fd = register_fd,
    .unregister_poll_fd = unregister_fd,
    .notify = notify,
};

static int add_poll(int fd, int events, void *opaque)
{
    if (npfd == MAX_POLL)
        return -1;
    short ev = 0;
    if (events & SLIRP_POLL_IN) ev |= POLLIN;
    if (events & SLIRP_POLL_OUT) ev |= POLLOUT;
    if (events & SLIRP_POLL_PRI) ev |= POLLPRI;
    pfd[npfd] = (struct pollfd){ fd, ev, 0 };
    return npfd++;
}

static int get_revents(int idx, void *opaque)
{
    short r = pfd[idx].revents;
    int ev = 0;
    if (r & POLLIN) ev |= SLIRP_POLL_IN;
    if (r & POLLOUT) ev |= SLIRP_POLL_OUT;
    if (r & POLLPRI) ev |= SLIRP_POLL_PRI;
    if (r & POLLERR) ev |= SLIRP_POLL_ERR;
    if (r & POLLHUP) ev |= SLIRP_POLL_HUP;
    return ev;
}

static struct in_addr addr(const char *s, const char *what)
{
    struct in_addr a;
    if (inet_pton(AF_INET, s, &a) != 1)
        fail("%s '%s' is not an IPv4 address", what, s);
    return a;
}

/* QEMU's hostfwd syntax: tcp|udp:[hostaddr]:hostport-[guestaddr]:guestport */
static void hostfwd(Slirp *s, const char *rule, struct in_addr def_guest)
{
    char buf[256], *p;
    snprintf(buf, sizeof(buf), "%s", rule);
    int udp = 0;
    p = buf;
    if (!strncmp(p, "tcp:", 4)) {
        p += 4;
    } else if (!strncmp(p, "udp:", 4)) {
        udp = 1;
        p += 4;
    } else if (*p == ':') {
        p++;            /* the protocol defaults to tcp */
    } else {
        fail("Invalid host forwarding rule '%s' (bad protocol name)", rule);
    }
    char *dash = strchr(p, '-'), *hc = strchr(p, ':');
    if (!dash || !hc || hc > dash)
        fail("Invalid host forwarding rule '%s' (missing host-guest separator)", rule);
    *dash = *hc = 0;
    struct in_addr ha = { INADDR_ANY }, ga = def_guest;
    if (*p)
        ha = addr(p, "host address");
    char *end;
    long hp = strtol(hc + 1, &end, 10);
    if (*end || hp < 0 || hp > 65535)
        fail("Invalid host forwarding rule '%s' (bad host port)", rule);
    char *g = dash + 1, *gc = strchr(g, ':');
    if (!gc)
        fail("Invalid host forwarding rule '%s' (missing guest port)", rule);
    *gc = 0;
    if (*g)
        ga = addr(g, "guest address");
    long gp = strtol(gc + 1, &end, 10);
    if (*end || gp < 1 || gp > 65535)
        fail("Invalid host forwarding rule '%s' (bad guest port)", rule);
    if (slirp_add_hostfwd(s, udp, ha, hp, ga, gp) < 0)
        fail("Could not set up host forwarding rule '%s'", rule);
}

int main(int argc, char **argv)
{
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    signal(SIGPIPE, SIG_IGN);
    SlirpConfig cfg = { .version = 3, .in_enabled = true };
    cfg.vnetwork = addr("10.0.2.0", "net");
    cfg.vnetmask = addr("255.255.255.0", "net");
    cfg.vhost = addr("10.0.2.2", "host");
    cfg.vnameserver = addr("10.0.2.3", "dns");
    cfg.vdhcp_start = addr("10.0.2.15", "dhcpstart");
    const char *fwd[32];
    int nfwd = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage, stdout);
            return 0;
        }
        if (!strcmp(a, "--restrict")) {
            cfg.restricted = 1;
            continue;
        }
        if (!v)
            fail("%s needs a value", a);
        i++;
        if (!strcmp(a, "--net")) {
            char b[64];
            snprintf(b, sizeof(b), "%s", v);
            char *slash = strchr(b, '/');
            int bits = 24;
            if (slash) {
                *slash = 0;
                bits = atoi(slash + 1);
                if (bits < 1 || bits > 30)
                    fail("net=%s: bad prefix length", v);
            }
            cfg.vnetwork = addr(b, "net");
            cfg.vnetmask.s_addr = htonl(~0u << (32 - bits));
            /* QEMU's defaults move with the network: host .2, DNS .3, DHCP from .15 */
            uint32_t n = ntohl(cfg.vnetwork.s_addr) & ~0u << (32 - bits);
            cfg.vhost.s_addr = htonl(n | 2);
            cfg.vnameserver.s_addr = htonl(n | 3);
            cfg.vdhcp_start.s_addr = htonl(n | 15);
        } else if (!strcmp(a, "--host")) {
            cfg.vhost = addr(v, "host");
        } else if (!strcmp(a, "--dns")) {
            cfg.vnameserver = addr(v, "dns");
        } else if (!strcmp(a, "--dhcpstart")) {
            cfg.vdhcp_start = addr(v, "dhcpstart");
        } else if (!strcmp(a, "--hostname")) {
            cfg.vhostname = v;
        } else if (!strcmp(a, "--hostfwd") && nfwd < 32) {
            fwd[nfwd++] = v;
        } else {
            fail("unknown option %s", a);
        }
    }
    Slirp *s = slirp_new(&cfg, &callbacks, NULL);
    if (!s)
        fail("libslirp could not start");
    for (int i = 0; i < nfwd; i++)
        hostfwd(s, fwd[i], cfg.vdhcp_start);
    send(FRAME_FD, "OK", 2, MSG_NOSIGNAL);

    static uint8_t frame[65600];
    for (;;) {
        uint32_t timeout = 1000;
        npfd = 0;
        add_poll(FRAME_FD, SLIRP_POLL_IN, NULL);
        slirp_pollfds_fill(s, &timeout, add_poll, NULL);
        int64_t now = now_ns() / 1000000;
        for (int i = 0; i < MAX_TIMERS; i++) {
            if (timers[i].used && timers[i].expire_ms >= 0) {
                int64_t left = timers[i].expire_ms - now;
                if (left < (int64_t)timeout)
                    timeout = left < 0 ? 0 : left;
            }
        }
        int r = poll(pfd, npfd, timeout);
        if (r < 0 && errno != EINTR)
            return 1;
        if (r > 0 && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            /* the machine's frames; end of stream: the machine is gone */
            for (int k = 0; k < 64; k++) {
                ssize_t n = recv(FRAME_FD, frame, sizeof(frame), MSG_DONTWAIT);
                if (n == 0)
                    return 0;
                if (n < 0)
                    break;
                slirp_input(s, frame, n);
            }
        }
        slirp_pollfds_poll(s, r < 0, get_revents, NULL);
        now = now_ns() / 1000000;
        for (int i = 0; i < MAX_TIMERS; i++) {
            if (timers[i].used && timers[i].expire_ms >= 0 && timers[i].expire_ms <= now) {
                timers[i].expire_ms = -1;
                timers[i].cb(timers[i].opaque);
            }
        }
    }
}
