/*
 * Syscall dispatch for the asm-generic guests: the table in
 * generic/table.def becomes an array indexed by syscall number.  Unknown
 * numbers return -ENOSYS and are logged under -d unimp.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syscall/execve.h"
#include "syscall/sys.h"
#include "translate/exec.h"

struct sys_entry {
    const char *name;
    const char *kinds;
    sys_handler fn;
};

#define SYS_TABLE_SIZE 512
static const struct sys_entry sys_table[SYS_TABLE_SIZE] = {
#define SYSCALL(nr, name, handler, kinds) [nr] = { #name, kinds, handler },
#include "syscall/generic/table.def"
#undef SYSCALL
};

struct sys_state sys_state;

void syscall_init(const struct syscall_guest *g, const struct guest_image *img)
{
    sys_state.guest = *g;
    if (img)
        sys_state.img = *img;
    /* arm64 keeps the 32-bit Arm O_* values and a struct sigaction with
     * sa_restorer; riscv64 follows asm-generic for both */
    sys_state.arm_open_flags = g->seccomp_arch == SCMP_ARCH_AARCH64;
    sys_state.sa_restorer = g->seccomp_arch == SCMP_ARCH_AARCH64;
    if (img && img->brk_start)
        mem_brk_init(img->brk_start);
    if (img) {
        vma_add(img->prog_lo, img->prog_hi);
        vma_add(img->interp_lo, img->interp_hi);
        vma_add(img->stack_low, img->stack_high);
        mmap_layout_init(img->stack_low);
        procfs_init(img);
    }
    execve_init();
}

/* names of numbers outside the table, resolved by libseccomp on first use;
 * threads may race to fill a slot, the loser frees its copy */
static const char *sys_other_names[SYS_TABLE_SIZE];

const char *syscall_name(uint64_t nr)
{
    char *name;
    const char *expected = NULL;

    if (nr >= SYS_TABLE_SIZE)
        return NULL;
    if (sys_table[nr].name)
        return sys_table[nr].name;
    if (__atomic_load_n(&sys_other_names[nr], __ATOMIC_ACQUIRE))
        return sys_other_names[nr];
    /* the string is the caller's to free */
    name = seccomp_syscall_resolve_num_arch(sys_state.guest.seccomp_arch, (int)nr);
    if (!name)
        return NULL;
    if (!__atomic_compare_exchange_n(&sys_other_names[nr], &expected, name, false,
                                     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        free(name);
        return expected;
    }
    return name;
}

const char *syscall_kinds(uint64_t nr)
{
    if (nr < SYS_TABLE_SIZE && sys_table[nr].name)
        return sys_table[nr].kinds;
    return NULL;
}

int64_t syscall_dispatch(void *cpu_state, uint64_t nr, const uint64_t args[6])
{
    const struct sys_entry *e = nr < SYS_TABLE_SIZE ? &sys_table[nr] : NULL;
    bool trace = exec_log_enabled(LOG_STRACE);
    int64_t ret;

    /* the unimp line goes first, so that it never splits a -strace line */
    if (!(e && e->fn) && exec_log_enabled(LOG_UNIMP)) {
        const char *name = syscall_name(nr);

        exec_log(LOG_UNIMP, "Unsupported syscall: %llu (%s)\n", (unsigned long long)nr,
                 name ? name : "unknown");
    }
    if (trace)
        strace_call(nr, args);
    ret = e && e->fn ? e->fn(cpu_state, args) : -ENOSYS;
    if (trace)
        strace_ret(nr, ret);
    return ret;
}

int sys_log_fd(void)
{
    FILE *f = exec_config.log;

    if (!f || f == stderr)
        return -1;
    return fileno(f);
}
