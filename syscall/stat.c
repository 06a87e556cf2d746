/*
 * stat family: x86-64's struct stat differs from asm-generic's (field
 * order and widths), so newfstatat/fstat convert; statx and statfs
 * layouts agree and pass through.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "syscall/sys.h"
#include "syscall/target.h"

SYS_PASS(fstatfs)

int64_t sys_statfs(void *cpu, const uint64_t *a)
{
    char buf[PATH_MAX];

    return host_syscall6(SYS_statfs, path_remap(a[0], buf, sizeof(buf)), a[1], 0, 0, 0, 0);
}

int64_t sys_statx(void *cpu, const uint64_t *a)
{
    char buf[PATH_MAX];

    return host_syscall6(SYS_statx, a[0], path_remap(a[1], buf, sizeof(buf)), a[2], a[3], a[4],
                         0);
}

void stat_to_guest(struct guest_stat *g, const struct stat *h)
{
    memset(g, 0, sizeof(*g));
    g->st_dev = h->st_dev;
    g->st_ino = h->st_ino;
    g->st_mode = h->st_mode;
    g->st_nlink = (uint32_t)h->st_nlink;
    g->st_uid = h->st_uid;
    g->st_gid = h->st_gid;
    g->st_rdev = h->st_rdev;
    g->st_size = h->st_size;
    g->st_blksize = (int32_t)h->st_blksize;
    g->st_blocks = h->st_blocks;
    g->st_atime_ = h->st_atim.tv_sec;
    g->st_atime_nsec = (uint64_t)h->st_atim.tv_nsec;
    g->st_mtime_ = h->st_mtim.tv_sec;
    g->st_mtime_nsec = (uint64_t)h->st_mtim.tv_nsec;
    g->st_ctime_ = h->st_ctim.tv_sec;
    g->st_ctime_nsec = (uint64_t)h->st_ctim.tv_nsec;
}

static int64_t stat_copy_out(int64_t r, const struct stat *h, uint64_t dst)
{
    struct guest_stat g;

    if (r < 0)
        return r;
    stat_to_guest(&g, h);
    return guest_write(dst, &g, sizeof(g));
}

int64_t sys_newfstatat(void *cpu, const uint64_t *a)
{
    struct stat h;
    char buf[PATH_MAX];
    int64_t r = host_syscall6(SYS_newfstatat, a[0], path_remap(a[1], buf, sizeof(buf)),
                              (uintptr_t)&h, a[3], 0, 0);

    return stat_copy_out(r, &h, a[2]);
}

int64_t sys_fstat(void *cpu, const uint64_t *a)
{
    struct stat h;
    int64_t r = host_syscall6(SYS_fstat, a[0], (uintptr_t)&h, 0, 0, 0, 0);

    return stat_copy_out(r, &h, a[1]);
}
