/*
 * The cpu loop shared by every guest: run translated code and act on what
 * stops it (system calls, undefined instructions, breakpoints, instruction
 * cache maintenance, pending signals).  The guest's registers are reached
 * through the offsets in its sig_arch.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "syscall/guest_fault.h"
#include "syscall/sig_frame.h"
#include "syscall/signal.h"
#include "syscall/syscall.h"

static uint64_t *state_u64(void *cpu, uint32_t offset)
{
    return (uint64_t *)((char *)cpu + offset);
}

static void guest_syscall(void *cpu, const struct sig_arch *arch, uint64_t *pc,
                          const volatile uint32_t *interrupt)
{
    uint64_t nr = *state_u64(cpu, arch->sys_nr_offset);
    uint64_t *args = state_u64(cpu, arch->sys_args_offset);
    uint64_t arg0 = args[0];

    /* a signal that arrived before the syscall instruction is delivered
     * first; the syscall runs after the handler returns */
    if (*interrupt)
        return;
    *pc += 4;
    if (nr == GUEST_NR_RT_SIGRETURN) {
        signal_sigreturn(cpu);
        return;
    }
    if (arch->arch_syscall && arch->arch_syscall(cpu, nr))
        return;
    int64_t r = syscall_dispatch(cpu, nr, args);
    if (r == SYSCALL_RESTART || (r == -EINTR && signal_syscall_restart(nr))) {
        *pc -= 4;
        args[0] = arg0;
        return;
    }
    args[0] = (uint64_t)r;
}

void guest_cpu_loop(struct exec_ctx *ctx, const struct sig_arch *arch)
{
    void *cpu = ctx->state;
    uint64_t *pc = state_u64(cpu, exec_config.guest->pc_offset);
    const volatile uint32_t *interrupt =
        (const volatile uint32_t *)((char *)cpu + exec_config.guest->interrupt_offset);

    signal_thread_start(ctx, arch);
    for (;;) {
        unsigned trap = exec_run(ctx);
        switch (trap) {
        case IR_TRAP_SYSCALL:
            guest_syscall(cpu, arch, pc, interrupt);
            break;
        case IR_TRAP_FLUSH_ICACHE:
            exec_icache_sync();
            break;
        case IR_TRAP_INTERRUPT:
            break;
        case IR_TRAP_ILLEGAL:
            if (!signal_trap(cpu, SIGILL, ILL_ILLOPC, *pc))
                guest_fault_fatal(SIGILL, *pc, "%s 0x%08" PRIx64, arch->illegal_what,
                                  *state_u64(cpu, arch->insn_trap_offset));
            break;
        case IR_TRAP_BREAKPOINT:
            if (!signal_trap(cpu, SIGTRAP, TRAP_BRKPT, *pc))
                guest_fault_fatal(SIGTRAP, *pc, "%s", arch->breakpoint_what);
            break;
        default:
            fprintf(stderr, "runtime-%s: internal error: unknown trap %u at pc 0x%" PRIx64 "\n",
                    exec_config.guest->name, trap, *pc);
            abort();
        }
        if (*interrupt)
            signal_deliver(cpu);
    }
}
