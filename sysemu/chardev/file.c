/*
 * file:PATH back-end: output only, the file truncated at open like QEMU's
 * (a serial log of this run, not of every run).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sysemu/chardev/chardev.h"

static int file_open(struct chardev *c, const char *arg, char *err, size_t errlen)
{
    if (!arg || !*arg) {
        snprintf(err, errlen, "chardev '%s': file: needs a path (file:PATH)", c->label);
        return -1;
    }
    int fd = open(arg, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        snprintf(err, errlen, "chardev '%s': %s: %s", c->label, arg, strerror(errno));
        return -1;
    }
    c->fd_out = fd;
    return 0;
}

static void file_close(struct chardev *c)
{
    if (c->fd_out >= 0)
        close(c->fd_out);
    c->fd_out = -1;
}

const struct chardev_ops chardev_file_ops = {
    .name = "file",
    .open = file_open,
    .close = file_close,
};
