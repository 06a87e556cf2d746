/*
 * pty back-end: a new pseudo-terminal whose name is announced the way QEMU
 * does ("char device redirected to /dev/pts/N (label serial0)"), so
 * scripts that scrape that line work unchanged.  We keep a descriptor of
 * the slave side open ourselves: otherwise the master reports a hang-up
 * (and reads fail with EIO) until someone opens it, and the loop would
 * spin on it.  Output nobody reads fills the pty and is then dropped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "sysemu/chardev/chardev.h"

struct pty_state {
    int master, slave;
    char name[64];
};

static int pty_open(struct chardev *c, const char *arg, char *err, size_t errlen)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0) {
        snprintf(err, errlen, "chardev '%s': cannot create a pty: %s", c->label, strerror(errno));
        if (m >= 0)
            close(m);
        return -1;
    }
    struct pty_state *p = calloc(1, sizeof(*p));
    p->master = m;
    if (ptsname_r(m, p->name, sizeof(p->name)) != 0 ||
        (p->slave = open(p->name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
        snprintf(err, errlen, "chardev '%s': cannot open the pty's slave: %s", c->label,
                 strerror(errno));
        close(m);
        free(p);
        return -1;
    }
    /* raw on the slave side: the guest's bytes arrive as written */
    struct termios tio;
    if (tcgetattr(p->slave, &tio) == 0) {
        cfmakeraw(&tio);
        tcsetattr(p->slave, TCSANOW, &tio);
    }
    fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK);
    c->priv = p;
    c->fd_out = m;
    chardev_set_input(c, m);
    fprintf(stderr, "char device redirected to %s (label %s)\n", p->name, c->label);
    return 0;
}

static void pty_readable(struct chardev *c, int fd)
{
    uint8_t buf[256];
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n > 0)
        chardev_input(c, buf, n);
}

static void pty_close(struct chardev *c)
{
    struct pty_state *p = c->priv;
    close(p->master);
    close(p->slave);
    free(p);
}

const char *chardev_pty_name(struct chardev *c)
{
    return c->ops->name[0] == 'p' ? ((struct pty_state *)c->priv)->name : NULL;
}

const struct chardev_ops chardev_pty_ops = {
    .name = "pty",
    .open = pty_open,
    .readable = pty_readable,
    .close = pty_close,
};
