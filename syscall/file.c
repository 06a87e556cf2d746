/*
 * File descriptors and paths: open/close/read/write, the *at family,
 * directories, fcntl, dup, pipes.  Most calls pass straight through; the
 * exceptions are open flags (aarch64's encoding), /proc/self/exe (the
 * guest program, not the runner) and the runner's own log fd.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "syscall/sys.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452       /* Linux 6.6 */
#endif

SYS_PASS(read)
SYS_PASS(write)
SYS_PASS(readv)
SYS_PASS(writev)
SYS_PASS(pread64)
SYS_PASS(pwrite64)
SYS_PASS(preadv)
SYS_PASS(pwritev)
SYS_PASS(lseek)
SYS_PASS(sendfile)
SYS_PASS(splice)
SYS_PASS(tee)
SYS_PASS(copy_file_range)
SYS_PASS(getdents64)
SYS_PASS(mkdirat)
SYS_PASS(mknodat)
SYS_PASS(unlinkat)
SYS_PASS(symlinkat)
SYS_PASS(linkat)
SYS_PASS(renameat)
SYS_PASS(renameat2)
SYS_PASS(fchmod)
SYS_PASS(fchmodat)
SYS_PASS(fchown)
SYS_PASS(fchownat)
SYS_PASS(utimensat)
SYS_PASS(truncate)
SYS_PASS(ftruncate)
SYS_PASS(fallocate)
SYS_PASS(fadvise64)
SYS_PASS(fsync)
SYS_PASS(fdatasync)
SYS_PASS(sync)
SYS_PASS(flock)
SYS_PASS(getcwd)
SYS_PASS(chdir)
SYS_PASS(fchdir)
SYS_PASS(chroot)
SYS_PASS(umask)
SYS_PASS(dup)
SYS_PASS(mount)
SYS_PASS(umount2)
SYS_PASS(memfd_create)
SYS_PASS(vmsplice)
SYS_PASS(sync_file_range)
SYS_PASS(syncfs)
SYS_PASS(readahead)
SYS_PASS(preadv2)
SYS_PASS(pwritev2)
SYS_PASS(fchmodat2)
SYS_PASS(name_to_handle_at)

uint64_t path_remap(uint64_t guest_path, char *buf, size_t n)
{
    const char *root = sys_state.guest.sysroot;
    size_t rl;
    int64_t len;

    if (!root || !root[0])
        return guest_path;
    rl = strlen(root);
    if (rl + 2 > n)
        return guest_path;
    len = guest_read_str(buf + rl, guest_path, n - rl);
    if (len <= 0 || buf[rl] != '/')
        return guest_path;
    memcpy(buf, root, rl);
    /* the root itself stays the host's: chdir("/") is not remapped, so
     * listing "/" must show the same directory as listing "." there */
    if (strspn(buf + rl, "/.") == strlen(buf + rl))
        return guest_path;
    /* /proc, /sys and /dev are the host's, whatever the sysroot holds */
    if (!strncmp(buf + rl, "/proc/", 6) || !strncmp(buf + rl, "/sys/", 5) ||
        !strncmp(buf + rl, "/dev/", 5))
        return guest_path;
    if (faccessat(AT_FDCWD, buf, F_OK, AT_SYMLINK_NOFOLLOW) != 0)
        return guest_path;
    return (uint64_t)(uintptr_t)buf;
}

int64_t sys_faccessat(void *cpu, const uint64_t *a)
{
    char buf[PATH_MAX];

    return host_syscall6(SYS_faccessat, a[0], path_remap(a[1], buf, sizeof(buf)), a[2], 0, 0,
                         0);
}

int64_t sys_faccessat2(void *cpu, const uint64_t *a)
{
    char buf[PATH_MAX];

    return host_syscall6(SYS_faccessat2, a[0], path_remap(a[1], buf, sizeof(buf)), a[2], a[3],
                         0, 0);
}

/* Is path the guest's view of its own executable? */
bool path_is_self_exe(const char *path)
{
    char mine[64];

    if (!strcmp(path, "/proc/self/exe") || !strcmp(path, "/proc/thread-self/exe"))
        return true;
    snprintf(mine, sizeof(mine), "/proc/%d/exe", (int)getpid());
    return !strcmp(path, mine);
}

/* 1 if the guest path at addr names /proc/self/exe, 0 if not, -errno */
static int guest_path_is_self_exe(uint64_t addr)
{
    char path[32];
    int64_t n = guest_read_str(path, addr, sizeof(path));

    if (n == -ENAMETOOLONG)
        return 0;           /* longer than any /proc/PID/exe */
    if (n < 0)
        return (int)n;
    return path_is_self_exe(path);
}

/* openat and openat2 after flag conversion: /proc/self/exe, the emulated
 * /proc files, then the -L sysroot; how (a host struct open_how) or NULL */
static int64_t openat_common(uint64_t dirfd, uint64_t gpath, uint64_t flags, uint64_t mode,
                             struct open_how *how)
{
    char buf[PATH_MAX];
    int self = guest_path_is_self_exe(gpath);
    uint64_t hpath = gpath;
    int64_t r;

    if (self < 0)
        return self;
    if (self && sys_state.img.exe_path[0]) {
        dirfd = AT_FDCWD;
        hpath = (uintptr_t)sys_state.img.exe_path;
    } else if (guest_read(buf, gpath, 6) == 0 && !memcmp(buf, "/proc/", 6) &&
               guest_read_str(buf, gpath, sizeof(buf)) > 0 && procfs_open(buf, flags, &r)) {
        /* only absolute /proc paths are looked at */
        return r;
    } else {
        hpath = path_remap(gpath, buf, sizeof(buf));
    }
    if (how)
        return host_syscall6(SYS_openat2, dirfd, hpath, (uintptr_t)how, sizeof(*how), 0, 0);
    return host_syscall6(SYS_openat, dirfd, hpath, flags, mode, 0, 0);
}

int64_t sys_openat(void *cpu, const uint64_t *a)
{
    return openat_common(a[0], a[1], open_flags_to_host(a[2]), a[3], NULL);
}

int64_t sys_openat2(void *cpu, const uint64_t *a)
{
    struct open_how how;
    int err;

    /* struct open_how may grow: the first version is what we know */
    if (a[3] < sizeof(how))
        return -EINVAL;
    if (a[3] > sizeof(how))
        return -E2BIG;
    err = guest_read(&how, a[2], sizeof(how));
    if (err)
        return err;
    how.flags = open_flags_to_host(how.flags);
    return openat_common(a[0], a[1], how.flags, how.mode, &how);
}

int64_t sys_readlinkat(void *cpu, const uint64_t *a)
{
    int self = guest_path_is_self_exe(a[1]);

    if (self < 0)
        return self;
    if (self && sys_state.img.exe_path[0]) {
        const char *link = procfs_exe_link();
        size_t len = strlen(link);
        int64_t bufsiz = (int64_t)a[3];
        int err;

        if ((int)bufsiz <= 0)
            return -EINVAL;
        if (len > (size_t)bufsiz)
            len = (size_t)bufsiz;
        err = guest_write(a[2], link, len);
        return err ? err : (int64_t)len;
    }
    {
        char buf[PATH_MAX];

        return host_syscall6(SYS_readlinkat, a[0], path_remap(a[1], buf, sizeof(buf)), a[2],
                             a[3], 0, 0);
    }
}

int64_t sys_open_by_handle_at(void *cpu, const uint64_t *a)
{
    /* struct file_handle is the same everywhere; the flags are open(2)'s */
    return host_syscall6(SYS_open_by_handle_at, a[0], a[1], open_flags_to_host(a[2]), 0, 0, 0);
}

int64_t sys_close(void *cpu, const uint64_t *a)
{
    int logfd = sys_log_fd();

    /* the -D log belongs to the runner: to the guest it is not open */
    if (logfd >= 0 && (int)a[0] == logfd)
        return -EBADF;
    return host_syscall(SYS_close, a);
}

int64_t sys_close_range(void *cpu, const uint64_t *a)
{
    unsigned first = (unsigned)a[0], last = (unsigned)a[1];
    int logfd = sys_log_fd();
    int64_t r;

    if (logfd < 0 || (unsigned)logfd < first || (unsigned)logfd > last || first > last)
        return host_syscall(SYS_close_range, a);
    /* close around the log fd */
    r = 0;
    if ((unsigned)logfd > first)
        r = host_syscall6(SYS_close_range, first, (unsigned)logfd - 1, a[2], 0, 0, 0);
    if (r == 0 && (unsigned)logfd < last)
        r = host_syscall6(SYS_close_range, (unsigned)logfd + 1, last, a[2], 0, 0, 0);
    return r;
}

int64_t sys_dup3(void *cpu, const uint64_t *a)
{
    int logfd = sys_log_fd();

    if (logfd >= 0 && (int)a[1] == logfd)
        return -EBADF;
    return host_syscall6(SYS_dup3, a[0], a[1], open_flags_to_host(a[2]), 0, 0, 0);
}

int64_t sys_pipe2(void *cpu, const uint64_t *a)
{
    /* O_DIRECT (packet mode) is one of aarch64's renumbered bits */
    return host_syscall6(SYS_pipe2, a[0], open_flags_to_host(a[1]), 0, 0, 0, 0);
}

int64_t sys_fcntl(void *cpu, const uint64_t *a)
{
    int64_t r;

    switch ((int)a[1]) {
    case F_GETFL:
        r = host_syscall(SYS_fcntl, a);
        return r < 0 ? r : (int64_t)open_flags_to_guest((uint64_t)r);
    case F_SETFL:
        return host_syscall6(SYS_fcntl, a[0], a[1], open_flags_to_host(a[2]), 0, 0, 0);
    default:
        /* F_GETLK/F_SETLK*, F_OFD_*: struct flock is the same on 64-bit
         * asm-generic and x86-64; the other commands take integers */
        return host_syscall(SYS_fcntl, a);
    }
}
