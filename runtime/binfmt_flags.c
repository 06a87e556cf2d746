/*
 * The runner's side of binfmt_misc (fs/binfmt_misc.c, load_misc_binary):
 * without flags the kernel starts "runner full-path args...", which reads
 * like a command line; P adds the original argv[0] after the path and sets
 * AT_FLAGS_PRESERVE_ARGV0; O (and C, which implies it) passes the program
 * open in AT_EXECFD; C computes credentials from the program, so a setuid
 * program makes the runner privileged and AT_SECURE 1.  Then the runner
 * takes nothing from the caller's RUNTIME_* variables (main.c), and the
 * guest sees AT_SECURE 1 too, so that its own dynamic linker is as careful
 * as on a native system.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader/loader.h"
#include "runtime/binfmt_flags.h"

void binfmt_start_from_auxv(struct binfmt_start *s, unsigned long at_flags, bool have_execfd,
                            unsigned long execfd, unsigned long at_secure)
{
    s->preserve_argv0 = (at_flags & BINFMT_AT_FLAGS_PRESERVE_ARGV0) != 0;
    s->execfd = have_execfd ? (int)execfd : -1;
    s->by_kernel = s->preserve_argv0 || have_execfd;
    s->secure = at_secure != 0;
    s->copyfd = -1;
}

void binfmt_start_read(struct binfmt_start *s)
{
    unsigned long execfd;
    bool have_execfd;

    /* 0 is a valid descriptor: only errno tells a missing entry */
    errno = 0;
    execfd = getauxval(AT_EXECFD);
    have_execfd = errno == 0;
    binfmt_start_from_auxv(s, getauxval(AT_FLAGS), have_execfd, execfd, getauxval(AT_SECURE));
}

int binfmt_start_guest_argv(const struct binfmt_start *s, int n, char ***argv)
{
    /* without P the program's argv[0] is the full path, as the kernel
     * leaves it; a P layout too short to hold argv[0] is taken as such */
    if (s->preserve_argv0 && n >= 2) {
        *argv += 1;
        return n - 1;
    }
    return n;
}

/* the whole of fd in a new memfd; -1 on failure */
static int binfmt_copy(int fd)
{
    char buf[65536];
    off_t off = 0;
    ssize_t r;
    int copy = memfd_create("runtime-exe", MFD_CLOEXEC);

    if (copy < 0)
        return -1;
    while ((r = pread(fd, buf, sizeof(buf), off)) > 0) {
        if (write(copy, buf, (size_t)r) != r) {
            r = -1;
            break;
        }
        off += r;
    }
    if (r < 0) {
        close(copy);
        return -1;
    }
    return copy;
}

const char *binfmt_start_load_path(struct binfmt_start *s, const char *path, char *buf,
                                   size_t n)
{
    int fd;

    if (s->execfd < 0)
        return path;
    snprintf(buf, n, "/proc/self/fd/%d", s->execfd);
    fd = open(buf, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        close(fd);
        return buf;
    }
    if (errno == ENOENT)
        return path;
    /* reopening checks read permission; the kernel's descriptor does not */
    s->copyfd = binfmt_copy(s->execfd);
    if (s->copyfd < 0)
        return buf;
    snprintf(buf, n, "/proc/self/fd/%d", s->copyfd);
    return buf;
}

void binfmt_start_finish(struct binfmt_start *s, struct guest_image *img)
{
    if (s->secure && img->auxv) {
        for (uint64_t *a = (uint64_t *)(uintptr_t)img->auxv; a[0] != AT_NULL; a += 2)
            if (a[0] == AT_SECURE)
                a[1] = 1;
    }
    if (s->execfd >= 0) {
        char proc[64], target[sizeof(img->exe_path)];
        ssize_t len;

        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", s->execfd);
        len = readlink(proc, target, sizeof(target) - 1);
        if (len > 0 && target[0] == '/') {
            target[len] = 0;
            memcpy(img->exe_path, target, (size_t)len + 1);
        }
        close(s->execfd);
        s->execfd = -1;
    }
    if (s->copyfd >= 0) {
        close(s->copyfd);
        s->copyfd = -1;
    }
}
