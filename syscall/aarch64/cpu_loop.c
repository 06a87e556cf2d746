/*
 * The aarch64 pieces of the cpu loop, signal and thread layers (sig_arch):
 * stack and TLS registers, the sigreturn trampoline and the syscall
 * registers (x8; x0..x5).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "isa/aarch64/cpu.h"
#include "syscall/guest_fault.h"
#include "syscall/sig_frame.h"
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
    .sys_nr_offset = A64_X(8),
    .sys_args_offset = A64_X(0),
    .insn_trap_offset = A64_INSN_TRAP,
    .illegal_what = "undefined instruction",
    .breakpoint_what = "breakpoint (brk)",
};

void a64_cpu_loop(struct exec_ctx *ctx)
{
    guest_cpu_loop(ctx, &a64_sig_arch);
}

