/*
 * The aarch64 cpu loop: run translated code, and act on what stops it
 * (svc, brk, undefined instructions, IC IVAU, signals), plus the per-guest
 * pieces of the signal and thread layers (sig_arch).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "isa/aarch64/cpu.h"
#include "syscall/guest_fault.h"
#include "syscall/signal.h"
#include "syscall/syscall.h"

void a64_cpu_loop(struct exec_ctx *ctx) __attribute__((noreturn));

static uint64_t a64_get_sp(const void *cpu)
{
    return ((const struct a64_cpu *)cpu)->sp;
}

static void a64_clone_child(void *cpu_v, uint64_t newsp, uint64_t tls)
{
    struct a64_cpu *cpu = cpu_v;

    if (newsp)
        cpu->sp = newsp;
    if (tls != ~0ull)
        cpu->tpidr_el0 = tls;
    cpu->x[0] = 0;
    cpu->excl_addr = ~0ull;
}

/* mov x8, #139; svc #0 */
static const uint32_t a64_sigreturn_code[] = { 0xd2801168, 0xd4000001 };

static const struct sig_arch a64_sig_arch = {
    .setup_frame = a64_signal_setup_frame,
    .restore_frame = a64_signal_restore_frame,
    .get_sp = a64_get_sp,
    .tramp = a64_sigreturn_code,
    .tramp_words = 2,
    .clone_child = a64_clone_child,
    .cpu_loop = a64_cpu_loop,
};

static void a64_syscall(struct a64_cpu *cpu)
{
    uint64_t nr = cpu->x[8];
    uint64_t x0 = cpu->x[0];

    if (cpu->interrupt)
        return;             /* deliver first; the svc runs after the handler */
    cpu->pc += 4;
    if (nr == GUEST_NR_RT_SIGRETURN) {
        signal_sigreturn(cpu);
        return;
    }
    int64_t r = syscall_dispatch(cpu, nr, &cpu->x[0]);
    if (r == -EINTR && signal_syscall_restart(nr)) {
        cpu->pc -= 4;
        cpu->x[0] = x0;
        return;
    }
    cpu->x[0] = (uint64_t)r;
}

void a64_cpu_loop(struct exec_ctx *ctx)
{
    struct a64_cpu *cpu = ctx->state;

    signal_thread_start(ctx, &a64_sig_arch);
    for (;;) {
        unsigned trap = exec_run(ctx);
        switch (trap) {
        case IR_TRAP_SYSCALL:
            a64_syscall(cpu);
            break;
        case IR_TRAP_FLUSH_ICACHE:
            exec_invalidate(0, UINT64_MAX);
            break;
        case IR_TRAP_INTERRUPT:
            break;
        case IR_TRAP_ILLEGAL:
            if (!signal_trap(cpu, SIGILL, ILL_ILLOPC, cpu->pc))
                guest_fault_fatal(SIGILL, cpu->pc, "undefined instruction 0x%08" PRIx64,
                                  cpu->insn_trap);
            break;
        case IR_TRAP_BREAKPOINT:
            if (!signal_trap(cpu, SIGTRAP, TRAP_BRKPT, cpu->pc))
                guest_fault_fatal(SIGTRAP, cpu->pc, "breakpoint (brk)");
            break;
        default:
            fprintf(stderr, "runtime-aarch64: internal error: unknown trap %u at pc 0x%" PRIx64
                    "\n", trap, cpu->pc);
            abort();
        }
        if (cpu->interrupt)
            signal_deliver(cpu);
    }
}
