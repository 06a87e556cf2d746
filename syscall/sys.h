/*
 * Internal to syscall/: handler signature, raw host syscalls, safe access
 * to guest memory, and the process-wide state set once by syscall_init.
 */
#ifndef SYSCALL_SYS_H
#define SYSCALL_SYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "syscall/syscall.h"

/* Every handler: guest CPU state (opaque here) and the six argument registers. */
typedef int64_t (*sys_handler)(void *cpu, const uint64_t *a);

#define SYSCALL(nr, name, handler, kinds) int64_t handler(void *cpu, const uint64_t *a);
#include "syscall/generic/table.def"
#undef SYSCALL

/*
 * Raw x86-64 host syscall: the kernel's return value (negative errno on
 * error) comes back unchanged, with no errno and no libc wrapper semantics.
 */
static inline int64_t host_syscall6(long nr, uint64_t a0, uint64_t a1, uint64_t a2,
                                    uint64_t a3, uint64_t a4, uint64_t a5)
{
    int64_t ret;
    register uint64_t r10 __asm__("r10") = a3;
    register uint64_t r8 __asm__("r8") = a4;
    register uint64_t r9 __asm__("r9") = a5;

    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "0"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

static inline int64_t host_syscall(long nr, const uint64_t *a)
{
    return host_syscall6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/*
 * A host syscall that returns SYSCALL_RESTART without being made when a
 * guest signal is pending, even one that arrives just before the kernel
 * takes the call (syscall/safe_syscall.c).  For calls that may block.
 */
int64_t safe_syscall6(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                      uint64_t a4, uint64_t a5);
/* The host signal handler's part: a thread between the check and the
 * syscall instruction is sent to the bail-out path. */
void safe_syscall_fixup(void *ucontext);

/* A handler that forwards its arguments unchanged to the host's syscall
 * of the same name: for calls whose structs and flags agree.  Any of them
 * may block, so all go through safe_syscall6. */
#define SYS_PASS(name)                                                  \
    int64_t sys_##name(void *cpu, const uint64_t *a)                    \
    {                                                                   \
        (void)cpu;                                                      \
        return safe_syscall6(SYS_##name, a[0], a[1], a[2], a[3], a[4], a[5]); \
    }

/* Process-wide, written once by syscall_init before any guest thread. */
struct sys_state {
    struct syscall_guest guest;
    struct guest_image img;
    bool arm_open_flags;        /* aarch64's O_DIRECTORY/O_NOFOLLOW/O_DIRECT/O_LARGEFILE */
    bool sa_restorer;           /* guest struct sigaction has sa_restorer */
};
extern struct sys_state sys_state;

/* Guest memory (guest address == host address).  The copies fail with
 * -EFAULT instead of crashing the runner on a bad guest pointer. */
static inline void *g2h(uint64_t addr)
{
    return (void *)(uintptr_t)addr;
}
int guest_read(void *dst, uint64_t src, size_t n);
int guest_write(uint64_t dst, const void *src, size_t n);
/* Copy a NUL-terminated guest string; -EFAULT, or -ENAMETOOLONG if it
 * does not fit in n bytes; else its length. */
int64_t guest_read_str(char *dst, uint64_t src, size_t n);

/* -L: the host path to use for a guest path argument: the guest pointer
 * itself, or buf holding sysroot + path when that exists */
uint64_t path_remap(uint64_t guest_path, char *buf, size_t n);
/* /proc/self/exe and its aliases: the guest program, not the runner */
bool path_is_self_exe(const char *path);

/* open(2) flags between guest and host encodings */
uint64_t open_flags_to_host(uint64_t f);
uint64_t open_flags_to_guest(uint64_t f);

/* the runner's own log fd, or -1: the guest must not close or replace it */
int sys_log_fd(void);

/* -strace */
const char *syscall_kinds(uint64_t nr);
void strace_call(uint64_t nr, const uint64_t *a);
void strace_ret(uint64_t nr, int64_t ret);
/* writes the pending -strace line with tail appended */
void strace_line_end(const char *tail);
void strace_thread_end(void);

/* mem.c */
bool mem_range_is_runner(uint64_t addr, uint64_t len);
void mem_brk_init(uint64_t start);
/* the guest's heap as /proc/self/maps shows it: [start, page-rounded break) */
void mem_brk_range(uint64_t *lo, uint64_t *hi);

/* vma.c: the guest's own address ranges (for /proc/self/maps) */
struct vma_range {
    uint64_t lo, hi;
};
void vma_add(uint64_t lo, uint64_t hi);
void vma_remove(uint64_t lo, uint64_t hi);
/* a sorted copy of the set in *out (malloc'd, the caller frees); the count */
size_t vma_snapshot(struct vma_range **out);
/* the runner's locks are held across a fork (thread.c fork_clone): a lock
 * taken by a thread the child does not have would never be released */
void vma_fork_lock(void);
void vma_fork_unlock(void);
void mem_fork_lock(void);
void mem_fork_unlock(void);
/* The highest len bytes below top and at or above floor that touch no
 * range of the set; 0 when there is none. */
uint64_t vma_gap_below(uint64_t top, uint64_t floor, uint64_t len);

/* Guest mmaps without MAP_FIXED: Linux's top-down layout below an mmap
 * base a stack gap under the stack (syscall/mmap_layout.c). */
void mmap_layout_init(uint64_t stack_low);
int64_t mmap_layout_map(uint64_t hint, uint64_t len, uint64_t prot, uint64_t flags,
                        uint64_t fd, uint64_t off);
/* the address space reserved for brk, [lo, hi) */
void mem_brk_reserved(uint64_t *lo, uint64_t *hi);

/* procfs.c: /proc files that must describe the guest, not the runner */
void procfs_init(const struct guest_image *img);
/* true if path is one of them: *ret is then the new fd or -errno */
bool procfs_open(const char *path, uint64_t host_flags, int64_t *ret);
/* what readlink("/proc/self/exe") answers: the program's path, under -L
 * as the guest names it (without the sysroot) */
const char *procfs_exe_link(void);
/* signal.c: what the guest asked for, for signal delivery */
struct guest_sigaction;
void signal_get_action(int sig, struct guest_sigaction *out);
uint64_t signal_get_mask(void);

/* struct conversion (stat.c) */
struct stat;
struct guest_stat;
void stat_to_guest(struct guest_stat *g, const struct stat *h);

#endif
