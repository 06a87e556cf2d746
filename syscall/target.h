/*
 * Guest (asm-generic, 64-bit) struct layouts that differ from x86-64's.
 * Checked against the riscv64/aarch64 uapi headers in syscall/tests.
 */
#ifndef SYSCALL_TARGET_H
#define SYSCALL_TARGET_H

#include <stdint.h>

/* asm-generic/stat.h: 128 bytes; x86-64 swaps mode/nlink and widens nlink */
struct guest_stat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint32_t st_mode;
    uint32_t st_nlink;
    uint32_t st_uid;
    uint32_t st_gid;
    uint64_t st_rdev;
    uint64_t __pad1;
    int64_t st_size;
    int32_t st_blksize;
    int32_t __pad2;
    int64_t st_blocks;
    int64_t st_atime_;
    uint64_t st_atime_nsec;
    int64_t st_mtime_;
    uint64_t st_mtime_nsec;
    int64_t st_ctime_;
    uint64_t st_ctime_nsec;
    uint32_t __unused4;
    uint32_t __unused5;
};
_Static_assert(sizeof(struct guest_stat) == 128, "asm-generic struct stat is 128 bytes");

/* struct epoll_event: naturally aligned (16 bytes); x86-64's is packed (12) */
struct guest_epoll_event {
    uint32_t events;
    uint32_t __pad;
    uint64_t data;
};

/*
 * Kernel struct sigaction: handler, flags, [restorer,] mask.  aarch64 has
 * SA_RESTORER (restorer at 16, mask at 24); riscv64 has not (mask at 16).
 */
struct guest_sigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;          /* 0 when the guest has none */
    uint64_t mask;
};

/* aarch64's O_* bits that differ from asm-generic (arch/arm64 uapi fcntl.h) */
#define ARM64_O_DIRECTORY 0040000
#define ARM64_O_NOFOLLOW  0100000
#define ARM64_O_DIRECT    0200000
#define ARM64_O_LARGEFILE 0400000

#endif
