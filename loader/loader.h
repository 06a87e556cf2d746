/*
 * ELF loader for Linux user mode: maps a guest executable (and its
 * PT_INTERP interpreter) at guest == host addresses and builds the initial
 * stack (argc, argv, envp, auxv) exactly as the Linux kernel lays it out.
 */
#ifndef LOADER_LOADER_H
#define LOADER_LOADER_H

#include <stddef.h>
#include <stdint.h>

struct loader_opts {
    const char *sysroot;        /* -L: PT_INTERP is looked up here first; may be NULL */
    uint16_t e_machine;         /* EM_RISCV / EM_AARCH64: anything else is refused */
    const char *platform;       /* AT_PLATFORM string, or NULL for none */
    uint64_t hwcap, hwcap2;     /* AT_HWCAP, AT_HWCAP2 (the latter only if nonzero) */
    int argc;
    char **argv;                /* guest argv; argv[0] as the guest sees it */
    char **envp;                /* guest environment, NULL-terminated (may be NULL) */
    const char *execfn;         /* AT_EXECFN string; NULL means path */
    size_t stack_size;          /* 0 means 8 MiB */
    uint64_t et_dyn_base;       /* load bias of an ET_DYN program; 0 = per-machine default */
};

struct guest_image {
    uint64_t entry;             /* first pc: the interpreter's entry for dynamic binaries */
    uint64_t sp;                /* initial stack pointer (points at argc) */
    uint64_t load_bias;         /* bias added to the program's p_vaddr */
    uint64_t phdr, phnum;       /* guest address and count of the program's phdrs */
    uint64_t prog_entry;        /* the program's own entry (AT_ENTRY) */
    uint64_t interp_bias;       /* AT_BASE: interpreter load bias, 0 if static */
    uint64_t brk_start;         /* page-aligned end of the program's highest segment */
    uint64_t stack_low, stack_high;     /* the stack mapping [low, high) */
    uint64_t auxv;              /* guest address of the auxv array on the stack */
    /* what /proc/self/{maps,cmdline,environ} show: the spans the loader
     * reserved for the program and its interpreter (0 when none), and the
     * argument and environment strings on the stack, [start, end) */
    uint64_t prog_lo, prog_hi, interp_lo, interp_hi;
    uint64_t arg_start, arg_end, env_start, env_end;
    char exe_path[4096];        /* absolute host path of the program (/proc/self/exe) */
};

/*
 * Default layout per machine, like the kernel's ELF_ET_DYN_BASE and
 * mmap/stack placement; riscv64 stays inside Sv39 (below 2^38), aarch64
 * stays below the x86-64 host ASLR area (0x7f..) and above the runner.
 */
#define LOADER_DYN_BASE_RISCV64     0x2aaaaaa000ull
#define LOADER_INTERP_BASE_RISCV64  0x3f00000000ull
#define LOADER_STACK_TOP_RISCV64    0x3ffffff000ull
#define LOADER_DYN_BASE_AARCH64     0x555555554000ull
#define LOADER_INTERP_BASE_AARCH64  0x7d0000000000ull
#define LOADER_STACK_TOP_AARCH64    0x7e0000000000ull

/*
 * Load path into the current address space.  Returns 0, or -1 with err set
 * to one line "PATH: reason" (nothing is left mapped on failure).
 */
int loader_load(const char *path, const struct loader_opts *o, struct guest_image *img,
                char *err, size_t errlen);

#endif
