/*
 * riscv64 signal frames (arch/riscv/kernel/signal.c layout):
 *
 *   struct rt_sigframe { siginfo (128); ucontext; }
 *   ucontext: uc_flags 0, uc_link 8, uc_stack 16 (sp, flags, size),
 *             uc_sigmask 40, padding to 176, uc_mcontext 176:
 *     sc_regs: pc, x1..x31 (32 x 8)
 *     __riscv_d_ext_state: f0..f31 (32 x 8), fcsr (u32), then the rest of
 *     the 528-byte FP union (zero: no further extension records)
 *
 * The handler gets a0 = sig, a1 = &info, a2 = &uc, sp = the frame (16-byte
 * aligned), ra = the rt_sigreturn trampoline (the kernel uses its vDSO; we
 * have none, so the signal layer maps a page with "li a7, 139; ecall").
 */
#include <errno.h>
#include <string.h>

#include "isa/riscv64/cpu.h"
#include "isa/riscv64/helpers-fp.h"
#include "syscall/sig_frame.h"

enum {
    RV_UC_FLAGS = 128 + 0,
    RV_UC_STACK = 128 + 16,
    RV_UC_SIGMASK = 128 + 40,
    RV_UC_MCONTEXT = 128 + 176,
    RV_SC_FP = RV_UC_MCONTEXT + 256,
    RV_SC_FCSR = RV_SC_FP + 256,
    RV_FRAME_SIZE = 128 + 960,
};

static void put64(uint8_t *f, unsigned off, uint64_t v)
{
    memcpy(f + off, &v, 8);
}

static uint64_t get64(const uint8_t *f, unsigned off)
{
    uint64_t v;
    memcpy(&v, f + off, 8);
    return v;
}

int rv_signal_setup_frame(void *cpu_v, const struct sig_frame_in *in)
{
    struct rv_cpu *cpu = cpu_v;
    uint8_t f[RV_FRAME_SIZE];
    uint64_t addr = (in->sp - RV_FRAME_SIZE) & ~15ull;
    rv_fp_sync_flags(cpu);      /* host-accrued flags belong in the saved fcsr */
    uint32_t fcsr = (cpu->frm & 7) << 5 | (cpu->fflags & 0x1f);

    memset(f, 0, sizeof(f));
    memcpy(f, in->info, 128);
    put64(f, RV_UC_STACK, in->stack.sp);
    memcpy(f + RV_UC_STACK + 8, &in->stack.flags, 4);
    put64(f, RV_UC_STACK + 16, in->stack.size);
    put64(f, RV_UC_SIGMASK, in->mask);
    put64(f, RV_UC_MCONTEXT, cpu->pc);
    for (unsigned r = 1; r < 32; r++)
        put64(f, RV_UC_MCONTEXT + 8 * r, cpu->x[r]);
    for (unsigned r = 0; r < 32; r++)
        put64(f, RV_SC_FP + 8 * r, cpu->f[r]);
    memcpy(f + RV_SC_FCSR, &fcsr, 4);
    if (guest_write(addr, f, sizeof(f)))
        return -EFAULT;

    cpu->x[10] = (uint64_t)in->sig;
    cpu->x[11] = addr;
    cpu->x[12] = addr + 128;
    cpu->x[2] = addr;
    cpu->x[1] = in->trampoline;
    cpu->pc = in->handler;
    cpu->res_addr = ~0ull;
    return 0;
}

int rv_signal_restore_frame(void *cpu_v, struct sig_frame_out *out)
{
    struct rv_cpu *cpu = cpu_v;
    uint8_t f[RV_FRAME_SIZE];
    uint32_t fcsr;

    if (guest_read(f, cpu->x[2], sizeof(f)))
        return -EFAULT;
    cpu->pc = get64(f, RV_UC_MCONTEXT);
    for (unsigned r = 1; r < 32; r++)
        cpu->x[r] = get64(f, RV_UC_MCONTEXT + 8 * r);
    for (unsigned r = 0; r < 32; r++)
        cpu->f[r] = get64(f, RV_SC_FP + 8 * r);
    memcpy(&fcsr, f + RV_SC_FCSR, 4);
    rv_fp_sync_flags(cpu);      /* drop flags the handler accrued on the host */
    cpu->fflags = fcsr & 0x1f;
    cpu->frm = (fcsr >> 5) & 7;
    cpu->res_addr = ~0ull;
    out->mask = get64(f, RV_UC_SIGMASK);
    out->stack.sp = get64(f, RV_UC_STACK);
    memcpy(&out->stack.flags, f + RV_UC_STACK + 8, 4);
    out->stack.size = get64(f, RV_UC_STACK + 16);
    return 0;
}
