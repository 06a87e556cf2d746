/*
 * The riscv64 cpu loop: run translated code, and act on what stops it
 * (ecall, ebreak, undefined instructions, fence.i, signals), plus the
 * per-guest pieces of the signal and thread layers (sig_arch).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "isa/riscv64/cpu.h"
#include "syscall/guest_fault.h"
#include "syscall/signal.h"
#include "syscall/syscall.h"

/* riscv's arch-specific syscall: __NR_arch_specific_syscall + 15 */
#define RV_NR_RISCV_FLUSH_ICACHE 259

void rv_cpu_loop(struct exec_ctx *ctx) __attribute__((noreturn));

static uint64_t rv_get_sp(const void *cpu)
{
    return ((const struct rv_cpu *)cpu)->x[2];
}

static void rv_clone_child(void *cpu_v, uint64_t newsp, uint64_t tls)
{
    struct rv_cpu *cpu = cpu_v;

    if (newsp)
        cpu->x[2] = newsp;
    if (tls != ~0ull)
        cpu->x[4] = tls;
    cpu->x[10] = 0;
    cpu->res_addr = ~0ull;
}

/* li a7, 139; ecall */
static const uint32_t rv_sigreturn_code[] = { 0x08b00893, 0x00000073 };

static const struct sig_arch rv_sig_arch = {
    .setup_frame = rv_signal_setup_frame,
    .restore_frame = rv_signal_restore_frame,
    .get_sp = rv_get_sp,
    .tramp = rv_sigreturn_code,
    .tramp_words = 2,
    .clone_child = rv_clone_child,
    .cpu_loop = rv_cpu_loop,
};

static void rv_syscall(struct rv_cpu *cpu)
{
    uint64_t nr = cpu->x[17];
    uint64_t a0 = cpu->x[10];

    /* a signal that arrived before the ecall is delivered first; the
     * ecall runs after the handler returns */
    if (cpu->interrupt)
        return;
    cpu->pc += 4;
    if (nr == GUEST_NR_RT_SIGRETURN) {
        signal_sigreturn(cpu);
        return;
    }
    if (nr == RV_NR_RISCV_FLUSH_ICACHE) {
        exec_invalidate(0, UINT64_MAX);
        cpu->x[10] = 0;
        return;
    }
    int64_t r = syscall_dispatch(cpu, nr, &cpu->x[10]);
    if (r == -EINTR && signal_syscall_restart(nr)) {
        cpu->pc -= 4;
        cpu->x[10] = a0;
        return;
    }
    cpu->x[10] = (uint64_t)r;
}

void rv_cpu_loop(struct exec_ctx *ctx)
{
    struct rv_cpu *cpu = ctx->state;

    signal_thread_start(ctx, &rv_sig_arch);
    for (;;) {
        unsigned trap = exec_run(ctx);
        switch (trap) {
        case IR_TRAP_SYSCALL:
            rv_syscall(cpu);
            break;
        case IR_TRAP_FLUSH_ICACHE:
            exec_invalidate(0, UINT64_MAX);
            break;
        case IR_TRAP_INTERRUPT:
            break;
        case IR_TRAP_ILLEGAL:
            if (!signal_trap(cpu, SIGILL, ILL_ILLOPC, cpu->pc))
                guest_fault_fatal(SIGILL, cpu->pc, "illegal instruction 0x%08" PRIx64,
                                  cpu->insn_trap);
            break;
        case IR_TRAP_BREAKPOINT:
            if (!signal_trap(cpu, SIGTRAP, TRAP_BRKPT, cpu->pc))
                guest_fault_fatal(SIGTRAP, cpu->pc, "breakpoint (ebreak)");
            break;
        default:
            fprintf(stderr, "runtime-riscv64: internal error: unknown trap %u at pc 0x%" PRIx64
                    "\n", trap, cpu->pc);
            abort();
        }
        if (cpu->interrupt)
            signal_deliver(cpu);
    }
}
