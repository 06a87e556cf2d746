/*
 * aarch64 signal frames (arch/arm64/kernel/signal.c layout):
 *
 *   struct rt_sigframe { siginfo (128); ucontext; }, then a frame record
 *   { x29, x30 } just above it, which x29 points at in the handler.
 *   ucontext: uc_flags 0, uc_link 8, uc_stack 16, uc_sigmask 40, padding
 *   to 176, uc_mcontext 176 (struct sigcontext, 4384 bytes):
 *     fault_address 0, regs[31] 8, sp 256, pc 264, pstate 272,
 *     __reserved[4096] 288: a list of records, here one fpsimd_context
 *     (magic 0x46508001, size 528: fpsr, fpcr, v0..v31) and the null
 *     terminator record.
 *
 * The handler gets x0 = sig, x1 = &info, x2 = &uc, sp = the frame, x30 =
 * sa_restorer (glibc always sets SA_RESTORER) or else the trampoline page
 * ("mov x8, #139; svc #0") standing in for the vDSO's sigreturn.
 */
#include <errno.h>
#include <string.h>

#include "isa/aarch64/cpu.h"
#include "isa/aarch64/helpers.h"
#include "syscall/sig_frame.h"

enum {
    A64_UC_STACK = 128 + 16,
    A64_UC_SIGMASK = 128 + 40,
    A64_SC = 128 + 176,
    A64_SC_FAULT = A64_SC,
    A64_SC_REGS = A64_SC + 8,
    A64_SC_SP = A64_SC + 256,
    A64_SC_PC = A64_SC + 264,
    A64_SC_PSTATE = A64_SC + 272,
    A64_SC_RESERVED = A64_SC + 288,
    A64_FPSIMD_MAGIC = 0x46508001,
    A64_FPSIMD_SIZE = 528,
    A64_FRAME_SIZE = 128 + 4560,
};

static void put64(uint8_t *f, unsigned off, uint64_t v)
{
    memcpy(f + off, &v, 8);
}

static void put32(uint8_t *f, unsigned off, uint32_t v)
{
    memcpy(f + off, &v, 4);
}

static uint64_t get64(const uint8_t *f, unsigned off)
{
    uint64_t v;
    memcpy(&v, f + off, 8);
    return v;
}

static uint32_t get32(const uint8_t *f, unsigned off)
{
    uint32_t v;
    memcpy(&v, f + off, 4);
    return v;
}

int a64_signal_setup_frame(void *cpu_v, const struct sig_frame_in *in)
{
    struct a64_cpu *cpu = cpu_v;
    static __thread uint8_t f[A64_FRAME_SIZE + 16];
    uint64_t record = (in->sp - 16) & ~15ull;
    uint64_t addr = record - A64_FRAME_SIZE;
    unsigned fp = A64_SC_RESERVED;

    memset(f, 0, sizeof(f));
    memcpy(f, in->info, 128);
    put64(f, A64_UC_STACK, in->stack.sp);
    put32(f, A64_UC_STACK + 8, in->stack.flags);
    put64(f, A64_UC_STACK + 16, in->stack.size);
    put64(f, A64_UC_SIGMASK, in->mask);
    /* fault_address: si_addr for the fault signals */
    if (in->sig == 11 || in->sig == 7)
        memcpy(f + A64_SC_FAULT, (const uint8_t *)in->info + 16, 8);
    for (unsigned r = 0; r < 31; r++)
        put64(f, A64_SC_REGS + 8 * r, cpu->x[r]);
    put64(f, A64_SC_SP, cpu->sp);
    put64(f, A64_SC_PC, cpu->pc);
    put64(f, A64_SC_PSTATE, a64_nzcv_get(cpu));
    put32(f, fp, A64_FPSIMD_MAGIC);
    put32(f, fp + 4, A64_FPSIMD_SIZE);
    a64_fp_sync_flags(cpu);     /* host-accrued flags belong in the saved FPSR */
    put32(f, fp + 8, cpu->fpsr);
    put32(f, fp + 12, cpu->fpcr);
    memcpy(f + fp + 16, cpu->v, 32 * 16);
    /* the terminator record after it is already zero */
    put64(f, A64_FRAME_SIZE, cpu->x[29]);
    put64(f, A64_FRAME_SIZE + 8, cpu->x[30]);
    if (guest_write(addr, f, sizeof(f)))
        return -EFAULT;

    cpu->x[0] = (uint64_t)in->sig;
    cpu->x[1] = addr;
    cpu->x[2] = addr + 128;
    cpu->x[29] = record;
    cpu->x[30] = (in->flags & GUEST_SA_RESTORER) ? in->restorer : in->trampoline;
    cpu->sp = addr;
    cpu->pc = in->handler;
    cpu->excl_addr = ~0ull;
    return 0;
}

int a64_signal_restore_frame(void *cpu_v, struct sig_frame_out *out)
{
    struct a64_cpu *cpu = cpu_v;
    static __thread uint8_t f[A64_FRAME_SIZE];
    unsigned fp = A64_SC_RESERVED;

    if (cpu->sp & 15)
        return -EFAULT;
    if (guest_read(f, cpu->sp, sizeof(f)))
        return -EFAULT;
    for (unsigned r = 0; r < 31; r++)
        cpu->x[r] = get64(f, A64_SC_REGS + 8 * r);
    cpu->sp = get64(f, A64_SC_SP);
    cpu->pc = get64(f, A64_SC_PC);
    a64_nzcv_set(cpu, (uint32_t)get64(f, A64_SC_PSTATE));
    if (get32(f, fp) == A64_FPSIMD_MAGIC && get32(f, fp + 4) == A64_FPSIMD_SIZE) {
        a64_fp_sync_flags(cpu); /* drop flags the handler accrued on the host */
        cpu->fpsr = get32(f, fp + 8);
        cpu->fpcr = get32(f, fp + 12);
        memcpy(cpu->v, f + fp + 16, 32 * 16);
    } else {
        return -EFAULT;         /* the kernel insists on the FP record too */
    }
    cpu->excl_addr = ~0ull;
    out->mask = get64(f, A64_UC_SIGMASK);
    out->stack.sp = get64(f, A64_UC_STACK);
    out->stack.flags = get32(f, A64_UC_STACK + 8);
    out->stack.size = get64(f, A64_UC_STACK + 16);
    return 0;
}
