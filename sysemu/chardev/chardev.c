/*
 * Chardev core: spec parsing, the back-end table, front-end attachment and
 * the write path shared by every back-end.  The back-ends live in their own
 * files (stdio.c, file.c, pty.c, socket.c); mux.c interprets Ctrl-A.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysemu/chardev/chardev.h"

extern const struct chardev_ops chardev_stdio_ops, chardev_file_ops, chardev_pty_ops,
    chardev_unix_ops, chardev_null_ops;

static const struct chardev_ops *const backends[] = {
    &chardev_stdio_ops, &chardev_file_ops, &chardev_pty_ops, &chardev_unix_ops, &chardev_null_ops,
};

static int null_open(struct chardev *c, const char *arg, char *err, size_t errlen)
{
    return 0;
}

const struct chardev_ops chardev_null_ops = {
    .name = "null",
    .open = null_open,
};

struct chardev *chardev_open(const char *spec, const char *label, struct chardev_loop *loop,
                             char *err, size_t errlen)
{
    bool mux = false;
    if (!strncmp(spec, "mon:", 4)) {
        mux = true;
        spec += 4;
    }
    size_t name_len = strcspn(spec, ":");
    const char *arg = spec[name_len] == ':' ? spec + name_len + 1 : NULL;
    const struct chardev_ops *ops = NULL;
    for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
        if (strlen(backends[i]->name) == name_len && !strncmp(backends[i]->name, spec, name_len))
            ops = backends[i];
    if (!ops) {
        snprintf(err, errlen, "chardev '%s': unknown back-end '%.*s' (stdio, file:PATH, pty, "
                 "unix:PATH[,server][,wait=off], null, with an optional mon: prefix)",
                 label, (int)name_len, spec);
        return NULL;
    }
    /* a socket client that hangs up, a closed pipe on stdout: the write
     * fails with EPIPE and is dropped; SIGPIPE must not end the machine */
    signal(SIGPIPE, SIG_IGN);
    struct chardev *c = calloc(1, sizeof(*c));
    if (!c) {
        snprintf(err, errlen, "chardev '%s': out of memory", label);
        return NULL;
    }
    c->ops = ops;
    snprintf(c->label, sizeof(c->label), "%s", label);
    c->arg = arg ? strdup(arg) : NULL;
    c->loop = loop;
    c->fd_in = -1;
    c->fd_out = -1;
    c->connected = true;
    c->mux = mux;
    c->escapes = mux;
    pthread_mutex_init(&c->lock, NULL);
    if (ops->open(c, c->arg, err, errlen) < 0) {
        free(c->arg);
        free(c);
        return NULL;
    }
    return c;
}

void chardev_close(struct chardev *c)
{
    if (!c)
        return;
    chardev_set_input(c, -1);
    if (c->ops->close)
        c->ops->close(c);
    free(c->arg);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

int chardev_attach(struct chardev *c, chardev_read_fn *on_read, chardev_event_fn *on_event,
                   void *opaque)
{
    if (c->fe_count >= (c->mux ? CHARDEV_MAX_FE : 1))
        return -1;
    int i = c->fe_count++;
    c->fe[i] = (struct chardev_fe){ on_read, on_event, opaque };
    /* the first front-end keeps the input until Ctrl-A c: attach the
     * serial port before the monitor for -serial mon:stdio, as in QEMU */
    if (c->connected && on_event)
        on_event(opaque, CHARDEV_OPENED);
    return i;
}

ssize_t chardev_write(struct chardev *c, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    size_t done = 0;
    pthread_mutex_lock(&c->lock);
    while (done < len && c->fd_out >= 0 && c->connected) {
        ssize_t n = write(c->fd_out, p + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            /* a peer that does not read (a pty nobody opened, a QMP client
             * that only writes) must not hang the main loop or a vCPU: give
             * it CHARDEV_STALL_MS once, then drop output until it drains */
            struct pollfd pfd = { .fd = c->fd_out, .events = POLLOUT };
            if (!c->stalled && poll(&pfd, 1, CHARDEV_STALL_MS) > 0)
                continue;
            if (c->stalled && poll(&pfd, 1, 0) > 0) {
                c->stalled = false;
                continue;
            }
            c->stalled = true;
            break;
        }
        if (n < 0)
            break;      /* a client that went away: its hang-up is handled on the loop */
        c->stalled = false;
        done += n;
    }
    pthread_mutex_unlock(&c->lock);
    return len;
}

ssize_t chardev_printf(struct chardev *c, const char *fmt, ...)
{
    char small[512], *buf = small;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return -EINVAL;
    if ((size_t)n >= sizeof(small)) {
        buf = malloc(n + 1);
        if (!buf)
            return -ENOMEM;
        va_start(ap, fmt);
        vsnprintf(buf, n + 1, fmt, ap);
        va_end(ap);
    }
    ssize_t r = chardev_write(c, buf, n);
    if (buf != small)
        free(buf);
    return r;
}

void chardev_event(struct chardev *c, enum chardev_event ev)
{
    for (int i = 0; i < c->fe_count; i++)
        if (c->fe[i].on_event)
            c->fe[i].on_event(c->fe[i].opaque, ev);
}

static void input_ready(void *opaque, int fd)
{
    struct chardev *c = opaque;
    c->ops->readable(c, fd);
}

void chardev_set_input(struct chardev *c, int fd)
{
    if (c->fd_in >= 0 && c->loop)
        c->loop->unwatch(c->loop, c->fd_in);
    c->fd_in = fd;
    if (fd >= 0 && c->loop && c->ops->readable)
        c->loop->watch(c->loop, fd, input_ready, c);
}
