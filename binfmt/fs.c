/*
 * The binfmt_misc file system: mounting it where it is missing, reading
 * the handlers it holds, and writing to register, status and handler
 * files.  Every failure becomes one line naming the file and the reason.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binfmt/binfmt.h"

int binfmt_fs_ensure(const char *dir, char *err, size_t errlen)
{
    char reg[PATH_MAX];
    struct stat st;

    snprintf(reg, sizeof(reg), "%s/register", dir);
    if (!stat(reg, &st))
        return 0;
    if (stat(dir, &st)) {
        if (stat("/proc/self", &st))
            snprintf(err, errlen, "%s: /proc is not mounted", dir);
        else
            snprintf(err, errlen,
                     "%s: no such directory: this kernel has no binfmt_misc "
                     "(CONFIG_BINFMT_MISC; try modprobe binfmt_misc)", dir);
        return -1;
    }
    if (mount("binfmt_misc", dir, "binfmt_misc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)) {
        if (errno == EPERM || errno == EACCES)
            snprintf(err, errlen,
                     "%s: binfmt_misc is not mounted, and mounting it needs root (CAP_SYS_ADMIN)",
                     dir);
        else if (errno == ENODEV)
            snprintf(err, errlen,
                     "%s: this kernel has no binfmt_misc file system "
                     "(CONFIG_BINFMT_MISC; try modprobe binfmt_misc)", dir);
        else
            snprintf(err, errlen, "%s: mounting binfmt_misc failed: %s", dir, strerror(errno));
        return -1;
    }
    if (stat(reg, &st)) {
        snprintf(err, errlen, "%s: mounted binfmt_misc but it has no register file", dir);
        return -1;
    }
    return 0;
}

static int read_small(const char *path, char *buf, size_t n)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t got = 0;
    ssize_t r;

    if (fd < 0)
        return -1;
    while (got + 1 < n && (r = read(fd, buf + got, n - 1 - got)) > 0)
        got += (size_t)r;
    close(fd);
    buf[got] = 0;
    return 0;
}

int binfmt_fs_handlers(const char *dir, struct binfmt_handler *h, int max, char *err,
                       size_t errlen)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (!d) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    while ((e = readdir(d)) && n < max) {
        char path[PATH_MAX], text[PATH_MAX + 1024];

        if (e->d_name[0] == '.' || !strcmp(e->d_name, "register") ||
            !strcmp(e->d_name, "status"))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        /* a handler removed meanwhile, or one we cannot read, is not one */
        if (read_small(path, text, sizeof(text)) || binfmt_handler_parse(e->d_name, text, &h[n]))
            continue;
        n++;
    }
    closedir(d);
    return n;
}

int binfmt_fs_write(const char *dir, const char *file, const char *text)
{
    char path[PATH_MAX];
    size_t len = strlen(text);
    ssize_t w;
    int fd;

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    w = write(fd, text, len);
    if (w < 0) {
        int e = errno;

        close(fd);
        return -e;
    }
    close(fd);
    return (size_t)w == len ? 0 : -EIO;
}
