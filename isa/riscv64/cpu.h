/*
 * riscv64 guest CPU state (RV64GC user level).  Front-end, helpers, the
 * syscall layer and signal frames all read it; the translator sees only the
 * byte offsets below.
 */
#ifndef ISA_RISCV64_CPU_H
#define ISA_RISCV64_CPU_H

#include <stddef.h>
#include <stdint.h>

#include "translate/exec.h"

struct rv_cpu {
    uint64_t x[32];             /* x[0] is kept 0 and never written */
    uint64_t f[32];             /* raw 64-bit patterns; singles are NaN-boxed */
    uint64_t pc;
    uint32_t fflags;            /* accrued exceptions NV DZ OF UF NX (bits 4..0) */
    uint32_t frm;               /* dynamic rounding mode (0..4 valid) */
    uint64_t res_addr;          /* LR reservation: address, or -1 when none */
    uint64_t res_val;           /* value loaded by LR */
    uint64_t insn_trap;         /* raw bits of the instruction that trapped (SIGILL report) */
    void *os;                   /* per-thread data of the syscall layer */
    uint32_t interrupt;         /* non-zero: leave generated code at the next block (exec.h) */
};

#define RV_X(n) ((uint32_t)offsetof(struct rv_cpu, x) + 8u * (n))
#define RV_F(n) ((uint32_t)offsetof(struct rv_cpu, f) + 8u * (n))
#define RV_PC ((uint32_t)offsetof(struct rv_cpu, pc))

/* fflags bits */
enum { RV_FFLAG_NX = 1, RV_FFLAG_UF = 2, RV_FFLAG_OF = 4, RV_FFLAG_DZ = 8, RV_FFLAG_NV = 16 };
/* rounding modes */
enum { RV_RM_RNE = 0, RV_RM_RTZ = 1, RV_RM_RDN = 2, RV_RM_RUP = 3, RV_RM_RMM = 4, RV_RM_DYN = 7 };

/* exit_trap reasons specific to riscv64 (IR_TRAP_* are the common ones) */
enum {
    RV_TRAP_CSR = IR_TRAP_GUEST_BASE,       /* reserved */
};

extern const struct guest_desc rv_guest;

#endif
