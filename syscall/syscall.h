/*
 * The Linux user ABI for the asm-generic guests (riscv64, aarch64): one
 * syscall table (generic/table.def) drives dispatch and the -strace printer.
 */
#ifndef SYSCALL_SYSCALL_H
#define SYSCALL_SYSCALL_H

#include <stdint.h>

#include "loader/loader.h"

struct syscall_guest {
    const char *uname_machine;  /* "riscv64", "aarch64" */
    uint32_t seccomp_arch;      /* SCMP_ARCH_RISCV64 / SCMP_ARCH_AARCH64: names for logs */
    const char *sysroot;        /* -L: absolute guest paths found under it are used from
                                 * there (as qemu-user does); NULL for none */
    uint16_t e_machine;         /* EM_RISCV / EM_AARCH64: the ELF files execve runs here */
    char *const *runner_argv;   /* the user's runner options (no -0/-E/-U), NULL-terminated:
                                 * execve of a guest program starts the runner with them */
};

/* Once, before the first guest instruction runs; img is copied. */
void syscall_init(const struct syscall_guest *g, const struct guest_image *img);

/*
 * Run guest syscall nr with its six argument registers.  Returns the value
 * for the guest's return register (negative errno on error).  exit and
 * exit_group do not return.
 */
int64_t syscall_dispatch(void *cpu_state, uint64_t nr, const uint64_t args[6]);

/* syscall_dispatch's answer when a signal came before a blocking call could
 * start (syscall/safe_syscall.c): deliver it, then run the syscall again.
 * The kernel's internal ERESTARTSYS, never seen by a guest. */
#define SYSCALL_RESTART (-512)
#define SYSCALL_RESTART_STR "-512"

/*
 * Record the runner's own mappings (code buffer included) so that guest
 * mmap/munmap/mprotect can never touch them.  Call after the execution
 * engine is initialised and before the guest is loaded.
 */
void syscall_snapshot_runner_memory(void);

/* Name of a syscall number of this guest (static storage), or NULL. */
const char *syscall_name(uint64_t nr);

#endif
