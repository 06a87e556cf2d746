/*
 * The contract between the generic signal layer (syscall/signal*.c) and a
 * guest's signal frame layout (isa/<arch>/signal.c): what goes into a frame
 * and what rt_sigreturn gives back.  siginfo is the generic 64-bit layout
 * (128 bytes), identical on x86-64 and the asm-generic guests.
 */
#ifndef SYSCALL_SIG_FRAME_H
#define SYSCALL_SIG_FRAME_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

struct exec_ctx;

#define GUEST_SA_NOCLDSTOP 0x00000001u
#define GUEST_SA_NOCLDWAIT 0x00000002u
#define GUEST_SA_SIGINFO   0x00000004u
#define GUEST_SA_RESTORER  0x04000000u
#define GUEST_SA_ONSTACK   0x08000000u
#define GUEST_SA_RESTART   0x10000000u
#define GUEST_SA_NODEFER   0x40000000u
#define GUEST_SA_RESETHAND 0x80000000u

#define GUEST_SS_ONSTACK 1
#define GUEST_SS_DISABLE 2
#define GUEST_SS_AUTODISARM (1u << 31)

struct guest_stack {
    uint64_t sp;
    uint32_t flags;
    uint64_t size;
};

struct sig_frame_in {
    int sig;
    const void *info;           /* 128 bytes of guest siginfo */
    uint64_t handler, flags, restorer;
    uint64_t sp;                /* the stack to build the frame below */
    uint64_t mask;              /* uc_sigmask: restored by rt_sigreturn */
    struct guest_stack stack;   /* uc_stack */
    uint64_t trampoline;        /* return address when there is no sa_restorer */
};

struct sig_frame_out {
    uint64_t mask;
    struct guest_stack stack;
};

/* A guest's frame code and the other per-guest pieces the thread layer needs. */
struct sig_arch {
    /* build the frame and point the CPU at the handler; -EFAULT if the
     * stack is not writable */
    int (*setup_frame)(void *cpu, const struct sig_frame_in *in);
    /* rt_sigreturn: reload everything from the frame at the guest sp */
    int (*restore_frame)(void *cpu, struct sig_frame_out *out);
    uint64_t (*get_sp)(const void *cpu);
    /* machine code of "rt_sigreturn" for the trampoline page */
    const uint32_t *tramp;
    unsigned tramp_words;
    /* a new thread's CPU from its parent's: stack, TLS, return value 0 */
    void (*clone_child)(void *cpu, uint64_t newsp, uint64_t tls);
    /* run a thread (the cpu loop) */
    void (*cpu_loop)(struct exec_ctx *ctx) __attribute__((noreturn));
    /* the syscall convention: state offsets of the number register and of
     * the six argument registers (the first is also the return register) */
    uint32_t sys_nr_offset, sys_args_offset;
    uint32_t insn_trap_offset;          /* raw bits of a trapping instruction */
    /* guest-only syscalls (riscv_flush_icache); true when handled */
    bool (*arch_syscall)(void *cpu, uint64_t nr);
    const char *illegal_what;           /* "illegal instruction" */
    const char *breakpoint_what;        /* "breakpoint (ebreak)" */
};

/* syscall/cpu_loop.c: run guest code and act on what stops it, for any guest */
void guest_cpu_loop(struct exec_ctx *ctx, const struct sig_arch *arch)
    __attribute__((noreturn));

/* isa/<arch>/signal.c */
int rv_signal_setup_frame(void *cpu, const struct sig_frame_in *in);
int rv_signal_restore_frame(void *cpu, struct sig_frame_out *out);
int a64_signal_setup_frame(void *cpu, const struct sig_frame_in *in);
int a64_signal_restore_frame(void *cpu, struct sig_frame_out *out);

/* guest memory access that fails with -EFAULT (syscall/guest_mem.c) */
int guest_read(void *dst, uint64_t src, size_t n);
int guest_write(uint64_t dst, const void *src, size_t n);

#endif
