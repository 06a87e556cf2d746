/*
 * aarch64 guest CPU state (A64, EL0).  Front-end, helpers, the syscall layer
 * and signal frames all read it; the translator sees only the byte offsets
 * below.
 *
 * Flags are kept unpacked so that flag-setting instructions cost a few plain
 * IR ops and no read-modify-write of a packed PSTATE word:
 *   nf: N is bit 63          (for 32-bit ops, the sign-extended result)
 *   zf: Z is (zf == 0)       (the result itself)
 *   cf: C itself, 0 or 1
 *   vf: V is bit 63
 * Use a64_nzcv_get/a64_nzcv_set (MRS/MSR NZCV layout, bits 31..28) whenever
 * the flags are needed as a word (signal frames, debugger).
 */
#ifndef ISA_AARCH64_CPU_H
#define ISA_AARCH64_CPU_H

#include <stddef.h>
#include <stdint.h>

#include "translate/exec.h"

struct a64_cpu {
    uint64_t x[31];             /* x0..x30 */
    uint64_t sp;                /* directly after x30: register number 31 as SP */
    uint64_t pc;
    uint64_t nf, zf, cf, vf;    /* unpacked NZCV, see above */
    uint64_t v[32][2];          /* SIMD&FP registers: [0] low 64 bits, [1] high 64 bits */
    uint32_t fpcr, fpsr;
    uint64_t tpidr_el0;
    uint64_t tpidrro_el0;       /* read-only at EL0 */
    /* exclusive monitor (LDXR/STXR): addr is -1 when clear */
    uint64_t excl_addr;
    uint64_t excl_val[2];       /* value(s) loaded by the last load-exclusive */
    uint64_t excl_size;         /* log2 bytes of one element; pair flag in bit 8 */
    uint64_t insn_trap;         /* raw bits of the instruction that trapped (SIGILL report) */
    /* LD2..4/ST2..4 staging: the IR moves memory here, a helper (de)interleaves */
    uint64_t simd_buf[8];
    void *os;                   /* per-thread data of the syscall layer */
    uint32_t interrupt;         /* non-zero: leave generated code at the next block (exec.h) */
};

#define A64_X(n) ((uint32_t)offsetof(struct a64_cpu, x) + 8u * (n))
#define A64_SP ((uint32_t)offsetof(struct a64_cpu, sp))
#define A64_PC ((uint32_t)offsetof(struct a64_cpu, pc))
#define A64_NF ((uint32_t)offsetof(struct a64_cpu, nf))
#define A64_ZF ((uint32_t)offsetof(struct a64_cpu, zf))
#define A64_CF ((uint32_t)offsetof(struct a64_cpu, cf))
#define A64_VF ((uint32_t)offsetof(struct a64_cpu, vf))
/* half 0 = bits 63..0, half 1 = bits 127..64 */
#define A64_V(n, half) ((uint32_t)offsetof(struct a64_cpu, v) + 16u * (n) + 8u * (half))
#define A64_FPCR ((uint32_t)offsetof(struct a64_cpu, fpcr))
#define A64_FPSR ((uint32_t)offsetof(struct a64_cpu, fpsr))
#define A64_TPIDR ((uint32_t)offsetof(struct a64_cpu, tpidr_el0))
#define A64_TPIDRRO ((uint32_t)offsetof(struct a64_cpu, tpidrro_el0))
#define A64_EXCL_ADDR ((uint32_t)offsetof(struct a64_cpu, excl_addr))
#define A64_INSN_TRAP ((uint32_t)offsetof(struct a64_cpu, insn_trap))
#define A64_SIMD_BUF(i) ((uint32_t)offsetof(struct a64_cpu, simd_buf) + 8u * (i))

/* NZCV word (MRS NZCV, SPSR, sigcontext pstate): N=31 Z=30 C=29 V=28 */
enum { A64_NZCV_N = 1u << 31, A64_NZCV_Z = 1u << 30, A64_NZCV_C = 1u << 29,
       A64_NZCV_V = 1u << 28 };

static inline uint32_t a64_nzcv_get(const struct a64_cpu *c)
{
    return (uint32_t)((c->nf >> 63) << 31) | (uint32_t)(c->zf == 0) << 30 |
           (uint32_t)(c->cf & 1) << 29 | (uint32_t)((c->vf >> 63) << 28);
}

static inline void a64_nzcv_set(struct a64_cpu *c, uint32_t nzcv)
{
    c->nf = (nzcv & A64_NZCV_N) ? ~0ull : 0;
    c->zf = (nzcv & A64_NZCV_Z) ? 0 : 1;
    c->cf = (nzcv >> 29) & 1;
    c->vf = (nzcv & A64_NZCV_V) ? ~0ull : 0;
}

/* FPCR fields */
enum {
    A64_FPCR_RMODE_SHIFT = 22,  /* 0 RN, 1 RP, 2 RM, 3 RZ */
    A64_FPCR_FZ = 1u << 24,
    A64_FPCR_DN = 1u << 25,
    A64_FPCR_AHP = 1u << 26,
    A64_FPCR_FZ16 = 1u << 19,
};
/* FPSR cumulative exception bits */
enum {
    A64_FPSR_IOC = 1, A64_FPSR_DZC = 2, A64_FPSR_OFC = 4, A64_FPSR_UFC = 8,
    A64_FPSR_IXC = 16, A64_FPSR_IDC = 128, A64_FPSR_QC = 1u << 27,
};

/* exit_trap reasons specific to aarch64 (IR_TRAP_* are the common ones) */
enum {
    A64_TRAP_RESERVED = IR_TRAP_GUEST_BASE,
};

/* Values of the ID registers the front-end reports to MRS; the loader's
 * AT_HWCAP should agree with them (see a64_hwcap). */
uint64_t a64_hwcap(void);
uint64_t a64_hwcap2(void);

extern const struct guest_desc a64_guest;

#endif
