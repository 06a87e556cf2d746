/*
 * The riscv64 pieces of the cpu loop, signal and thread layers (sig_arch):
 * stack and TLS registers, the sigreturn trampoline, the syscall registers
 * (a7; a0..a5) and riscv_flush_icache.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "isa/riscv64/cpu.h"
#include "syscall/guest_fault.h"
#include "syscall/sig_frame.h"
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

static bool rv_arch_syscall(void *cpu_v, uint64_t nr)
{
    struct rv_cpu *cpu = cpu_v;

    if (nr != RV_NR_RISCV_FLUSH_ICACHE)
        return false;
    exec_invalidate(0, UINT64_MAX);
    cpu->x[10] = 0;
    return true;
}

static const struct sig_arch rv_sig_arch = {
    .setup_frame = rv_signal_setup_frame,
    .restore_frame = rv_signal_restore_frame,
    .get_sp = rv_get_sp,
    .tramp = rv_sigreturn_code,
    .tramp_words = 2,
    .clone_child = rv_clone_child,
    .cpu_loop = rv_cpu_loop,
    .sys_nr_offset = RV_X(17),
    .sys_args_offset = RV_X(10),
    .insn_trap_offset = offsetof(struct rv_cpu, insn_trap),
    .arch_syscall = rv_arch_syscall,
    .illegal_what = "illegal instruction",
    .breakpoint_what = "breakpoint (ebreak)",
};

void rv_cpu_loop(struct exec_ctx *ctx)
{
    guest_cpu_loop(ctx, &rv_sig_arch);
}

