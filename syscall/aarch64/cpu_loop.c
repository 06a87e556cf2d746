/*
 * The aarch64 cpu loop: run translated code, and act on what stops it
 * (svc, brk, undefined instructions, IC IVAU).
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "isa/aarch64/cpu.h"
#include "syscall/guest_fault.h"
#include "syscall/syscall.h"

void a64_cpu_loop(struct exec_ctx *ctx) __attribute__((noreturn));

void a64_cpu_loop(struct exec_ctx *ctx)
{
    struct a64_cpu *cpu = ctx->state;
    for (;;) {
        unsigned trap = exec_run(ctx);
        switch (trap) {
        case IR_TRAP_SYSCALL:
            cpu->pc += 4;
            cpu->x[0] = (uint64_t)syscall_dispatch(cpu, cpu->x[8], &cpu->x[0]);
            break;
        case IR_TRAP_FLUSH_ICACHE:
            exec_invalidate(0, UINT64_MAX);
            break;
        case IR_TRAP_INTERRUPT:
            break;
        case IR_TRAP_ILLEGAL:
            guest_fault_fatal(SIGILL, cpu->pc, "undefined instruction 0x%08" PRIx64,
                              cpu->insn_trap);
        case IR_TRAP_BREAKPOINT:
            guest_fault_fatal(SIGTRAP, cpu->pc, "breakpoint (brk)");
        default:
            fprintf(stderr, "runtime-aarch64: internal error: unknown trap %u at pc 0x%" PRIx64
                    "\n", trap, cpu->pc);
            abort();
        }
    }
}
