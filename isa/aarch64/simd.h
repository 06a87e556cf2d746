/*
 * Shared by the Advanced SIMD helpers (helpers-simd-*.c, helpers-crypto.c)
 * and translate-simd.c: the 128-bit register view, element access, and the
 * execute functions of each AdvSIMD encoding class.
 *
 * An execute function decodes its instruction word and runs it on the CPU
 * state, returning false for an unallocated encoding.  The translator calls
 * it once at translation time on a scratch state to learn whether the
 * encoding is allocated (so decode and execution cannot disagree), then
 * emits a call to it through a64_helper_simd.
 */
#ifndef ISA_AARCH64_SIMD_H
#define ISA_AARCH64_SIMD_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "isa/aarch64/cpu.h"

typedef bool (*a64_simd_fn)(struct a64_cpu *c, uint32_t insn);

union a64_vec {
    uint8_t b[16];
    uint16_t h[8];
    uint32_t s[4];
    uint64_t d[2];
};

static inline union a64_vec vec_read(const struct a64_cpu *c, unsigned n)
{
    union a64_vec v;
    memcpy(&v, c->v[n & 31], 16);
    return v;
}

static inline void vec_write(struct a64_cpu *c, unsigned n, const union a64_vec *v)
{
    memcpy(c->v[n & 31], v, 16);
}

/* element i of log2-byte size (0..3), zero-extended */
static inline uint64_t vec_get(const union a64_vec *v, unsigned size, unsigned i)
{
    switch (size) {
    case 0: return v->b[i];
    case 1: return v->h[i];
    case 2: return v->s[i];
    default: return v->d[i];
    }
}

static inline int64_t vec_sget(const union a64_vec *v, unsigned size, unsigned i)
{
    switch (size) {
    case 0: return (int8_t)v->b[i];
    case 1: return (int16_t)v->h[i];
    case 2: return (int32_t)v->s[i];
    default: return (int64_t)v->d[i];
    }
}

static inline void vec_set(union a64_vec *v, unsigned size, unsigned i, uint64_t x)
{
    switch (size) {
    case 0: v->b[i] = (uint8_t)x; break;
    case 1: v->h[i] = (uint16_t)x; break;
    case 2: v->s[i] = (uint32_t)x; break;
    default: v->d[i] = x; break;
    }
}

static inline uint64_t elt_mask(unsigned size)
{
    return size >= 3 ? ~0ull : (1ull << (8u << size)) - 1;
}

static inline int64_t elt_sext(uint64_t x, unsigned size)
{
    unsigned sh = 64 - (8u << size);
    return (int64_t)(x << sh) >> sh;
}

/* instruction fields shared by the classes */
static inline unsigned f_rd(uint32_t i) { return i & 31; }
static inline unsigned f_rn(uint32_t i) { return (i >> 5) & 31; }
static inline unsigned f_rm(uint32_t i) { return (i >> 16) & 31; }
static inline unsigned f_q(uint32_t i) { return (i >> 30) & 1; }
static inline unsigned f_u(uint32_t i) { return (i >> 29) & 1; }
static inline unsigned f_size(uint32_t i) { return (i >> 22) & 3; }
static inline bool f_scalar(uint32_t i) { return (i >> 28) & 1; }

/* saturate to an element of size, setting FPSR.QC when clamped */
uint64_t simd_sat_s(struct a64_cpu *c, __int128 v, unsigned size);
uint64_t simd_sat_u(struct a64_cpu *c, __int128 v, unsigned size);

/* helpers-simd-int.c */
bool simd_three_same(struct a64_cpu *c, uint32_t insn);
bool simd_three_diff(struct a64_cpu *c, uint32_t insn);
bool simd_two_misc(struct a64_cpu *c, uint32_t insn);
bool simd_across(struct a64_cpu *c, uint32_t insn);
bool simd_pairwise_scalar(struct a64_cpu *c, uint32_t insn);
bool simd_shift_imm(struct a64_cpu *c, uint32_t insn);
bool simd_indexed(struct a64_cpu *c, uint32_t insn);
bool simd_permute(struct a64_cpu *c, uint32_t insn);
bool simd_extract(struct a64_cpu *c, uint32_t insn);
bool simd_table(struct a64_cpu *c, uint32_t insn);
/* LD2..LD4 / ST2..ST4 (multiple structures): between the registers and the
 * state's simd_buf, which the translator fills from or stores to memory */
bool simd_ldst_deinterleave(struct a64_cpu *c, uint32_t insn);
bool simd_ldst_interleave(struct a64_cpu *c, uint32_t insn);

/* helpers-simd-fp.c: the FP parts of the classes above (the integer
 * functions forward to these for FP opcodes) */
bool simd_fp_three_same(struct a64_cpu *c, uint32_t insn);
bool simd_fp_two_misc(struct a64_cpu *c, uint32_t insn);
bool simd_fp_across(struct a64_cpu *c, uint32_t insn);
bool simd_fp_pairwise_scalar(struct a64_cpu *c, uint32_t insn);
bool simd_fp_indexed(struct a64_cpu *c, uint32_t insn);
bool simd_fp_shift_imm(struct a64_cpu *c, uint32_t insn);
uint32_t simd_recip_estimate_u32(uint32_t x);
uint32_t simd_rsqrt_estimate_u32(uint32_t x);

/* helpers-crypto.c */
bool simd_crypto_aes(struct a64_cpu *c, uint32_t insn);
bool simd_crypto_sha3reg(struct a64_cpu *c, uint32_t insn);
bool simd_crypto_sha2reg(struct a64_cpu *c, uint32_t insn);
bool simd_crypto_sha512_3(struct a64_cpu *c, uint32_t insn);
bool simd_crypto_sha512_2(struct a64_cpu *c, uint32_t insn);
bool simd_crypto_four(struct a64_cpu *c, uint32_t insn);
bool simd_crypto_xar(struct a64_cpu *c, uint32_t insn);
/* carry-less product of two 64-bit values; *hi gets bits 127..64 */
uint64_t simd_clmul64(uint64_t a, uint64_t b, uint64_t *hi);

/* helpers-simd-fp-fast.c: d = n op m (or d +- n * m, fused; or a compare
 * mask) on every lane of
 * a single (q: 4 lanes, else 2) or double vector, or false when the exact
 * lane-by-lane path must run (FPCR not at its defaults, a NaN operand) */
enum simd_fp_fast_op {
    SIMD_FP_ADD, SIMD_FP_SUB, SIMD_FP_MUL, SIMD_FP_DIV, SIMD_FP_MLA, SIMD_FP_MLS,
    SIMD_FP_MAX, SIMD_FP_MIN,           /* FMAXNM and FMINNM too: NaNs take the exact path */
    SIMD_FP_CMEQ, SIMD_FP_CMGE, SIMD_FP_CMGT,
};
bool simd_fp_fast(const struct a64_cpu *c, enum simd_fp_fast_op op, bool dbl, bool q,
                  const union a64_vec *n, const union a64_vec *m, union a64_vec *d);
/* the same for d = op(n): SCVTF and FCVTZS (integer lanes of single size
 * only), FSQRT */
enum simd_fp_fast_unop { SIMD_FP_SCVTF, SIMD_FP_FCVTZS, SIMD_FP_SQRT };
bool simd_fp_fast_unary(const struct a64_cpu *c, enum simd_fp_fast_unop op, bool dbl, bool q,
                        const union a64_vec *n, union a64_vec *d);

#endif
