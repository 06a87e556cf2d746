/*
 * Half-precision arithmetic (FEAT_FP16): the helpers the scalar translator
 * calls (translate-fp16.c) and the AdvSIMD execute functions of the FP16
 * encoding classes (helpers-simd-fp16.c).  Values are raw 16-bit patterns
 * in the low bits of a 64-bit argument.
 */
#ifndef ISA_AARCH64_FP16_H
#define ISA_AARCH64_FP16_H

#include <stdbool.h>
#include <stdint.h>

#include "isa/aarch64/helpers.h"

struct a64_cpu;

/* two-operand ops: the enum a64_fp2_op values, then these */
enum a64_h2_op {
    A64_H_MULX = 16,            /* FMULX: inf * 0 = 2 */
    A64_H_ABD,                  /* FABD: |a - b| */
    A64_H_RECPS,                /* FRECPS: 2 - a * b, fused */
    A64_H_RSQRTS,               /* FRSQRTS: (3 - a * b) / 2, fused */
};
/* one-operand ops: the enum a64_fp1_op values (FSQRT, FRINT*), then these */
enum a64_h1_op {
    A64_H_RECPE = 32,
    A64_H_RSQRTE,
    A64_H_RECPX,
};

/* helpers-fp16.c */
A64_HELPER(a64_helper_h2);      /* a, b, op -> half */
A64_HELPER(a64_helper_h1);      /* a, op -> half */
A64_HELPER(a64_helper_h3);      /* n, m, acc, enum a64_fp3_op -> half */
A64_HELPER(a64_helper_hcmp);    /* a, b, signal_qnan -> NZCV word */
A64_HELPER(a64_helper_hccmp);   /* a, b, signal_qnan | holds << 16, nzcv -> NZCV word */
/* FPToFixed: a1 = rmode << 8 (7: FPCR's) | unsigned << 12 | width << 13 | fbits << 16,
 * width 0: 32-bit, 1: 64-bit, 2: 16-bit result (zero-extended) */
A64_HELPER(a64_helper_h_to_int);
/* FixedToFP: a1 = unsigned << 12 | width << 13 | fbits << 16 (width as above) */
A64_HELPER(a64_helper_int_to_h);
enum { A64_H_W32 = 0, A64_H_W64 = 1, A64_H_W16 = 2 };

/* helpers-simd-fp16.c: AdvSIMD execute functions (simd.h conventions) */
bool simd_fp16_three_same(struct a64_cpu *c, uint32_t insn);   /* vector and scalar */
bool simd_fp16_two_misc(struct a64_cpu *c, uint32_t insn);     /* vector and scalar */
bool simd_fp16_across(struct a64_cpu *c, uint32_t insn);
bool simd_fp16_pairwise(struct a64_cpu *c, uint32_t insn);     /* scalar pairwise */
bool simd_fp16_indexed(struct a64_cpu *c, uint32_t insn);      /* vector and scalar */
bool simd_fp16_shift_imm(struct a64_cpu *c, uint32_t insn);    /* fixed-point conversions */

#endif
