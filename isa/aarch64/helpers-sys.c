/*
 * System-register helpers: FPCR/FPSR access, the virtual counter, and the
 * constant ID registers Linux lets EL0 read (Documentation/arch/arm64/
 * cpu-feature-registers.rst: CRn=0 ID space is emulated; unknown fields read
 * as zero).  The ID values describe what this front-end implements, and
 * a64_hwcap() says the same thing to the loader.
 */
#include "isa/aarch64/helpers.h"

#include <time.h>

#include "isa/aarch64/cpu.h"
#include "translate/exec.h"

#define FPCR_MASK (A64_FPCR_AHP | A64_FPCR_DN | A64_FPCR_FZ | 3u << 22 | A64_FPCR_FZ16)
#define FPSR_MASK 0xf800009fu

A64_HELPER(a64_helper_get_fpcr)
{
    return ((struct a64_cpu *)state)->fpcr;
}

A64_HELPER(a64_helper_set_fpcr)
{
    ((struct a64_cpu *)state)->fpcr = (uint32_t)a0 & FPCR_MASK;
    return 0;
}

A64_HELPER(a64_helper_get_fpsr)
{
    a64_fp_sync_flags(state);   /* part of FPSR waits in MXCSR */
    return ((struct a64_cpu *)state)->fpsr;
}

A64_HELPER(a64_helper_set_fpsr)
{
    a64_fp_sync_flags(state);   /* the flags pending in MXCSR are overwritten too */
    ((struct a64_cpu *)state)->fpsr = (uint32_t)a0 & FPSR_MASK;
    return 0;
}

A64_HELPER(a64_helper_counter)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The line is CTR_EL0.IminLine's (below): 64 bytes. */
A64_HELPER(a64_helper_ic_ivau)
{
    uint64_t line = a0 & ~63ull;
    exec_icache_note(line, line + 64);
    return 0;
}

#define KEY(op0, op1, crn, crm, op2) \
    (((op0) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))

/* ID_AA64ISAR0_EL1: AES = 2 (with PMULL), SHA1 = 1, SHA2 = 2 (with SHA512),
 * CRC32 = 1, Atomic = 2 (LSE), SHA3 = 1 */
#define ISAR0 0x0000000100212120ull
/* ID_AA64ISAR1_EL1: LRCPC = 2 (LDAPR and LDAPUR/STLUR) */
#define ISAR1 0x0000000000200000ull
/* ID_AA64PFR0_EL1: EL0 and EL1 AArch64 only; FP and AdvSIMD fields 1 =
 * present with half-precision arithmetic (FEAT_FP16, translate-fp16.c) */
#define PFR0 0x0000000000110011ull

bool a64_sysreg_const(unsigned key, uint64_t *v)
{
    switch (key) {
    case KEY(3, 3, 0, 0, 1): *v = 0x8444c004; return true;     /* CTR_EL0: 64-byte lines, PIPT */
    case KEY(3, 3, 0, 0, 7): *v = 4; return true;              /* DCZID_EL0: 64-byte DC ZVA */
    case KEY(3, 3, 14, 0, 0): *v = A64_CNTFRQ; return true;    /* CNTFRQ_EL0 */
    case KEY(3, 0, 0, 0, 0): *v = 0x410fd083; return true;     /* MIDR_EL1: Cortex-A72 */
    case KEY(3, 0, 0, 0, 5): *v = 0x80000000; return true;     /* MPIDR_EL1 */
    case KEY(3, 0, 0, 0, 6): *v = 0; return true;              /* REVIDR_EL1 */
    case KEY(3, 0, 0, 4, 0): *v = PFR0; return true;
    case KEY(3, 0, 0, 6, 0): *v = ISAR0; return true;
    case KEY(3, 0, 0, 6, 1): *v = ISAR1; return true;
    default:
        /* the rest of the emulated ID space (CRm 1..7) reads as zero */
        if ((key & ~0x3fu) == KEY(3, 0, 0, 0, 0) && (key & 0x38) != 0) {
            *v = 0;
            return true;
        }
        return false;
    }
}

/* AT_HWCAP bits (Linux arch/arm64 uapi hwcap.h) matching the ID values */
enum {
    HWCAP_FP = 1 << 0, HWCAP_ASIMD = 1 << 1, HWCAP_AES = 1 << 3, HWCAP_PMULL = 1 << 4,
    HWCAP_SHA1 = 1 << 5, HWCAP_SHA2 = 1 << 6, HWCAP_CRC32 = 1 << 7, HWCAP_ATOMICS = 1 << 8,
    HWCAP_FPHP = 1 << 9, HWCAP_ASIMDHP = 1 << 10, HWCAP_CPUID = 1 << 11, HWCAP_LRCPC = 1 << 15,
    HWCAP_SHA3 = 1 << 17,
    HWCAP_SHA512 = 1 << 21, HWCAP_ILRCPC = 1 << 26,
};

uint64_t a64_hwcap(void)
{
    return HWCAP_FP | HWCAP_ASIMD | HWCAP_AES | HWCAP_PMULL | HWCAP_SHA1 | HWCAP_SHA2 |
           HWCAP_CRC32 | HWCAP_ATOMICS | HWCAP_FPHP | HWCAP_ASIMDHP | HWCAP_CPUID | HWCAP_LRCPC |
           HWCAP_SHA3 | HWCAP_SHA512 | HWCAP_ILRCPC;
}

uint64_t a64_hwcap2(void)
{
    return 0;
}
