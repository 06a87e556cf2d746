/*
 * unix:PATH[,server[=on|off]][,wait[=on|off]|,nowait] back-end.  As a
 * server it listens on PATH and serves one client at a time: while a client
 * is connected the listening socket is not watched, so a second client
 * waits in the backlog until the first hangs up, and then gets its own
 * OPENED event (a fresh QMP greeting, a fresh monitor banner).  Without
 * wait=off a server blocks at start-up until the first client arrives, as
 * QEMU's does.  Without "server" it connects to PATH as a client.  Output
 * while nobody is connected is dropped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sysemu/chardev/chardev.h"

struct unix_state {
    int listen_fd;      /* -1 for a client */
    int client_fd;
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

/* "on"/"off" for key=value, or the bare key meaning on */
static int parse_bool(const char *v, bool *out)
{
    if (!v || !strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true"))
        *out = true;
    else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false"))
        *out = false;
    else
        return -1;
    return 0;
}

static void unix_listen_ready(void *opaque, int fd);

static void set_client(struct chardev *c, int fd)
{
    struct unix_state *u = c->priv;
    if (fd >= 0)
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    pthread_mutex_lock(&c->lock);
    c->stalled = false;
    if (u->client_fd >= 0 && u->client_fd != fd)
        close(u->client_fd);
    u->client_fd = fd;
    c->fd_out = fd;
    c->connected = fd >= 0;
    pthread_mutex_unlock(&c->lock);
}

static void client_gone(struct chardev *c)
{
    struct unix_state *u = c->priv;
    chardev_set_input(c, -1);
    set_client(c, -1);
    c->got_escape = false;
    chardev_event(c, CHARDEV_CLOSED);
    if (u->listen_fd >= 0 && c->loop)
        c->loop->watch(c->loop, u->listen_fd, unix_listen_ready, c);
}

static void accept_client(struct chardev *c, int fd)
{
    struct unix_state *u = c->priv;
    if (c->loop)
        c->loop->unwatch(c->loop, u->listen_fd);
    set_client(c, fd);
    chardev_set_input(c, fd);
    chardev_event(c, CHARDEV_OPENED);
}

static void unix_listen_ready(void *opaque, int fd)
{
    struct chardev *c = opaque;
    int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
    if (cfd >= 0)
        accept_client(c, cfd);
}

static int unix_open(struct chardev *c, const char *arg, char *err, size_t errlen)
{
    bool server = false, wait = true;
    char path[256] = "";
    char *opts = strdup(arg ? arg : ""), *save = NULL;
    int rc = -1;
    for (char *tok = strtok_r(opts, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        const char *val = eq ? eq + 1 : NULL;
        if (eq)
            *eq = 0;
        if (tok == opts && !eq) {
            snprintf(path, sizeof(path), "%s", tok);
        } else if (!strcmp(tok, "path") && val) {
            snprintf(path, sizeof(path), "%s", val);
        } else if (!strcmp(tok, "server") && !parse_bool(val, &server)) {
        } else if (!strcmp(tok, "wait") && !parse_bool(val, &wait)) {
        } else if (!strcmp(tok, "nowait") && !val) {
            wait = false;
        } else {
            snprintf(err, errlen, "chardev '%s': unix: bad option '%s%s%s'", c->label, tok,
                     val ? "=" : "", val ? val : "");
            goto out;
        }
    }
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (!*path || strlen(path) >= sizeof(sa.sun_path)) {
        snprintf(err, errlen, "chardev '%s': unix: %s", c->label,
                 *path ? "path too long for a unix socket" : "needs a path (unix:PATH,server)");
        goto out;
    }
    strcpy(sa.sun_path, path);
    struct unix_state *u = calloc(1, sizeof(*u));
    u->listen_fd = u->client_fd = -1;
    snprintf(u->path, sizeof(u->path), "%s", path);
    c->priv = u;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        goto sys_err;
    if (!server) {
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
            close(fd);
            goto sys_err;
        }
        c->connected = false;
        accept_client(c, fd);
        rc = 0;
        goto out;
    }
    unlink(path);   /* a stale socket from an earlier run */
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0) {
        close(fd);
        goto sys_err;
    }
    u->listen_fd = fd;
    c->connected = false;
    if (wait) {
        fprintf(stderr, "QEMU waiting for connection on: disconnected:unix:%s,server=on\n", path);
        int cfd;
        do
            cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
        while (cfd < 0 && errno == EINTR);
        if (cfd < 0)
            goto sys_err;
        set_client(c, cfd);
        chardev_set_input(c, cfd);
    } else if (c->loop) {
        c->loop->watch(c->loop, fd, unix_listen_ready, c);
    }
    rc = 0;
    goto out;
sys_err:
    snprintf(err, errlen, "chardev '%s': %s: %s", c->label, path, strerror(errno));
    if (u->listen_fd >= 0)
        close(u->listen_fd);
    free(u);
    c->priv = NULL;
out:
    free(opts);
    return rc;
}

static void unix_readable(struct chardev *c, int fd)
{
    uint8_t buf[4096];
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        client_gone(c);
        return;
    }
    chardev_input(c, buf, n);
}

static void unix_close(struct chardev *c)
{
    struct unix_state *u = c->priv;
    if (!u)
        return;
    set_client(c, -1);
    if (u->listen_fd >= 0) {
        if (c->loop)
            c->loop->unwatch(c->loop, u->listen_fd);
        close(u->listen_fd);
        unlink(u->path);
    }
    free(u);
}

const struct chardev_ops chardev_unix_ops = {
    .name = "unix",
    .open = unix_open,
    .readable = unix_readable,
    .close = unix_close,
};
