/*
 * The riscv64 cpu loop: run translated code, and act on what stops it
 * (ecall, ebreak, undefined instructions, fence.i).
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "isa/riscv64/cpu.h"
#include "syscall/guest_fault.h"
#include "syscall/syscall.h"

/* riscv's arch-specific syscall: __NR_arch_specific_syscall + 15 */
#define RV_NR_RISCV_FLUSH_ICACHE 259

void rv_cpu_loop(struct exec_ctx *ctx) __attribute__((noreturn));

void rv_cpu_loop(struct exec_ctx *ctx)
{
    struct rv_cpu *cpu = ctx->state;
    for (;;) {
        unsigned trap = exec_run(ctx);
        switch (trap) {
        case IR_TRAP_SYSCALL: {
            uint64_t nr = cpu->x[17];
            cpu->pc += 4;
            if (nr == RV_NR_RISCV_FLUSH_ICACHE) {
                exec_invalidate(0, UINT64_MAX);
                cpu->x[10] = 0;
                break;
            }
            cpu->x[10] = (uint64_t)syscall_dispatch(cpu, nr, &cpu->x[10]);
            break;
        }
        case IR_TRAP_FLUSH_ICACHE:
            exec_invalidate(0, UINT64_MAX);
            break;
        case IR_TRAP_INTERRUPT:
            break;
        case IR_TRAP_ILLEGAL:
            guest_fault_fatal(SIGILL, cpu->pc, "illegal instruction 0x%08" PRIx64,
                              cpu->insn_trap);
        case IR_TRAP_BREAKPOINT:
            guest_fault_fatal(SIGTRAP, cpu->pc, "breakpoint (ebreak)");
        default:
            fprintf(stderr, "runtime-riscv64: internal error: unknown trap %u at pc 0x%" PRIx64
                    "\n", trap, cpu->pc);
            abort();
        }
    }
}
