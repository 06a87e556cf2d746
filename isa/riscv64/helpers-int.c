/*
 * C helpers called from riscv64 generated code for the integer side: the
 * LR/SC reservation, the FP control CSRs and the counters.  They touch only
 * state fields that the IR never accesses with get_reg/set_reg (res_addr,
 * res_val, fflags, frm), which is what makes IR_CALL_NO_REGS true.
 */
#include "isa/riscv64/decode.h"
#include "isa/riscv64/helpers-fp.h"

#include <signal.h>
#include <time.h>

#include "syscall/guest_fault.h"

/*
 * LR, SC and the AMOs need naturally aligned addresses (the A extension:
 * otherwise an address-misaligned or access fault), and Linux does not
 * emulate misaligned atomics as it does plain loads and stores: the
 * program gets SIGBUS, BUS_ADRALN, at the instruction, memory unchanged.
 * x86 would perform them, so it is checked here.
 */
#define CHECK_ALIGN(addr, bytes)                                                      \
    do {                                                                              \
        if ((addr) & ((bytes) - 1))                                                   \
            guest_fault_raise(SIGBUS, BUS_ADRALN, addr, __builtin_return_address(0),  \
                              __builtin_frame_address(0));                            \
    } while (0)

uint64_t rv_helper_check_align(void *state, uint64_t addr, uint64_t bytes, uint64_t a2,
                               uint64_t a3)
{
    CHECK_ALIGN(addr, bytes);
    return 0;
}

/*
 * LR records the address and the loaded value; SC succeeds when memory still
 * holds that value, by a host compare-and-swap.  A store of the same value
 * by another hart in between goes unnoticed (the usual user-mode emulator
 * compromise); the LR/SC loops that compilers and libcs emit do not care.
 * The reservation lives in rv_cpu, so it is per hart.
 */
uint64_t rv_helper_lr(void *state, uint64_t addr, uint64_t size, uint64_t a2, uint64_t a3)
{
    struct rv_cpu *cpu = state;
    void *host = (void *)(exec_config.guest_base + (uintptr_t)addr);
    uint64_t v;

    CHECK_ALIGN(addr, size == IR_MEM_32 ? 4u : 8u);
    if (size == IR_MEM_32)
        v = (uint64_t)(int64_t)__atomic_load_n((int32_t *)host, __ATOMIC_SEQ_CST);
    else
        v = __atomic_load_n((uint64_t *)host, __ATOMIC_SEQ_CST);
    cpu->res_addr = addr;
    cpu->res_val = v;
    return v;
}

/* returns 0 on success, 1 on failure, as SC writes to rd */
uint64_t rv_helper_sc(void *state, uint64_t addr, uint64_t val, uint64_t size, uint64_t a3)
{
    struct rv_cpu *cpu = state;
    void *host = (void *)(exec_config.guest_base + (uintptr_t)addr);
    bool ok = false;

    CHECK_ALIGN(addr, size == IR_MEM_32 ? 4u : 8u);
    if (cpu->res_addr == addr) {
        if (size == IR_MEM_32) {
            uint32_t expected = (uint32_t)cpu->res_val;
            ok = __atomic_compare_exchange_n((uint32_t *)host, &expected, (uint32_t)val, false,
                                             __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        } else {
            uint64_t expected = cpu->res_val;
            ok = __atomic_compare_exchange_n((uint64_t *)host, &expected, val, false,
                                             __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        }
    }
    cpu->res_addr = ~0ull;      /* SC always gives up the reservation */
    return ok ? 0 : 1;
}

/*
 * fflags (5 bits), frm (3 bits) and fcsr = frm << 5 | fflags; returns the old
 * value.  fflags partly live in the host MXCSR (see rv_fp_sync_flags): folded
 * into cpu->fflags first, they are read whole and a write replaces them all.
 */
uint64_t rv_helper_csr_fp(void *state, uint64_t csr, uint64_t val, uint64_t op, uint64_t a3)
{
    struct rv_cpu *cpu = state;
    uint64_t old, v;

    if (csr != RV_CSR_FRM)
        rv_fp_sync_flags(cpu);
    switch (csr) {
    case RV_CSR_FFLAGS:
        old = cpu->fflags;
        break;
    case RV_CSR_FRM:
        old = cpu->frm;
        break;
    default:
        old = (uint64_t)cpu->frm << 5 | cpu->fflags;
        break;
    }
    switch (op) {
    case RV_CSR_WRITE:
        v = val;
        break;
    case RV_CSR_SET:
        v = old | val;
        break;
    case RV_CSR_CLEAR:
        v = old & ~val;
        break;
    default:
        return old;
    }
    switch (csr) {
    case RV_CSR_FFLAGS:
        cpu->fflags = v & 0x1f;
        break;
    case RV_CSR_FRM:
        cpu->frm = v & 7;
        break;
    default:
        cpu->fflags = v & 0x1f;
        cpu->frm = (v >> 5) & 7;
        break;
    }
    return old;
}

/*
 * time counts at 10 MHz, the timebase of the common boards: user mode has no
 * device tree to announce another one.  cycle and instret count nanoseconds
 * so that short intervals still differ.
 */
uint64_t rv_helper_counter(void *state, uint64_t csr, uint64_t a1, uint64_t a2, uint64_t a3)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    return csr == RV_CSR_TIME ? ns / 100 : ns;
}
