/*
 * The AdvSIMD half-precision classes (FEAT_FP16, Arm ARM C4.1.95): three
 * same (FP16), two-register misc (FP16), their scalar forms, across lanes
 * and scalar pairwise with U = 0, by element with size 00, and the
 * fixed-point conversions with immh = 001x.  Each lane goes through the
 * half-precision helpers of helpers-fp16.c, so NaN rules, FPCR and FPSR
 * behave as in scalar code.
 */
#include "isa/aarch64/fp16.h"
#include "isa/aarch64/simd.h"

enum { HS = 1 };                /* element size: 16 bits */

static uint64_t h2(struct a64_cpu *c, unsigned op, uint64_t a, uint64_t b)
{
    return a64_helper_h2(c, a, b, op, 0);
}

/* FPCompare{EQ,GE,GT} as a lane mask */
enum { CMP_EQ, CMP_GE, CMP_GT };
static uint64_t hcmp(struct a64_cpu *c, unsigned kind, uint64_t a, uint64_t b)
{
    uint64_t w = a64_helper_hcmp(c, a, b, kind != CMP_EQ, 0);
    bool z = w & A64_NZCV_Z, nv = !!(w & A64_NZCV_N) == !!(w & A64_NZCV_V);
    bool t = kind == CMP_EQ ? z : kind == CMP_GE ? nv : nv && !z;
    return t ? 0xffff : 0;
}

static unsigned lanes(uint32_t insn)
{
    return f_scalar(insn) ? 1 : f_q(insn) ? 8 : 4;
}

/* three same (FP16): key = U:a:opcode<2:0>, the single/double table's layout */
static bool three_same_op(struct a64_cpu *c, unsigned k, uint64_t a, uint64_t b, uint64_t d,
                          uint64_t *r)
{
    switch (k) {
    case 0x00: case 0x10: *r = h2(c, A64_FP_MAXNM, a, b); break;    /* FMAXNM(P) */
    case 0x08: case 0x18: *r = h2(c, A64_FP_MINNM, a, b); break;    /* FMINNM(P) */
    case 0x01: *r = a64_helper_h3(c, a, b, d, A64_FP_MADD); break;  /* FMLA */
    case 0x09: *r = a64_helper_h3(c, a, b, d, A64_FP_MSUB); break;  /* FMLS */
    case 0x02: case 0x12: *r = h2(c, A64_FP_ADD, a, b); break;      /* FADD(P) */
    case 0x0a: *r = h2(c, A64_FP_SUB, a, b); break;
    case 0x03: *r = h2(c, A64_H_MULX, a, b); break;
    case 0x04: *r = hcmp(c, CMP_EQ, a, b); break;
    case 0x06: case 0x16: *r = h2(c, A64_FP_MAX, a, b); break;      /* FMAX(P) */
    case 0x0e: case 0x1e: *r = h2(c, A64_FP_MIN, a, b); break;      /* FMIN(P) */
    case 0x07: *r = h2(c, A64_H_RECPS, a, b); break;
    case 0x0f: *r = h2(c, A64_H_RSQRTS, a, b); break;
    case 0x13: *r = h2(c, A64_FP_MUL, a, b); break;
    case 0x14: *r = hcmp(c, CMP_GE, a, b); break;
    case 0x1c: *r = hcmp(c, CMP_GT, a, b); break;
    case 0x15: *r = hcmp(c, CMP_GE, a & 0x7fff, b & 0x7fff); break;  /* FACGE */
    case 0x1d: *r = hcmp(c, CMP_GT, a & 0x7fff, b & 0x7fff); break;  /* FACGT */
    case 0x17: *r = h2(c, A64_FP_DIV, a, b); break;
    case 0x1a: *r = h2(c, A64_H_ABD, a, b); break;
    default: return false;
    }
    return true;
}

bool simd_fp16_three_same(struct a64_cpu *c, uint32_t insn)
{
    unsigned k = f_u(insn) << 4 | ((insn >> 23) & 1) << 3 | ((insn >> 11) & 7);
    static const uint32_t scalar_ok = 1u << 0x03 | 1u << 0x04 | 1u << 0x07 | 1u << 0x0f |
                                      1u << 0x14 | 1u << 0x15 | 1u << 0x1a | 1u << 0x1c |
                                      1u << 0x1d;
    static const uint32_t allocated = scalar_ok | 1u << 0x00 | 1u << 0x08 | 1u << 0x01 |
                                      1u << 0x09 | 1u << 0x02 | 1u << 0x12 | 1u << 0x0a |
                                      1u << 0x06 | 1u << 0x16 | 1u << 0x0e | 1u << 0x1e |
                                      1u << 0x13 | 1u << 0x17 | 1u << 0x10 | 1u << 0x18;
    if (!((f_scalar(insn) ? scalar_ok : allocated) >> k & 1))
        return false;
    bool pairwise = k == 0x10 || k == 0x18 || k == 0x12 || k == 0x16 || k == 0x1e;
    union a64_vec n = vec_read(c, f_rn(insn)), m = vec_read(c, f_rm(insn));
    union a64_vec d = vec_read(c, f_rd(insn)), r = { 0 };
    unsigned elems = lanes(insn);
    for (unsigned i = 0; i < elems; i++) {
        uint64_t a, b, res = 0;
        if (pairwise) {
            const union a64_vec *src = i < elems / 2 ? &n : &m;
            unsigned j = 2 * (i % (elems / 2));
            a = src->h[j];
            b = src->h[j + 1];
        } else {
            a = n.h[i];
            b = m.h[i];
        }
        three_same_op(c, k, a, b, d.h[i], &res);
        r.h[i] = (uint16_t)res;
    }
    vec_write(c, f_rd(insn), &r);
    return true;
}

/* two-register misc (FP16): key = U:a:opcode, as for single/double */
static bool two_misc_allocated(unsigned k, bool scalar)
{
    switch (k) {
    case 0x1a: case 0x1b: case 0x1c: case 0x3a: case 0x3b:     /* FCVT*S */
    case 0x5a: case 0x5b: case 0x5c: case 0x7a: case 0x7b:     /* FCVT*U */
    case 0x1d: case 0x5d:                                      /* SCVTF, UCVTF */
    case 0x2c: case 0x2d: case 0x2e: case 0x6c: case 0x6d:     /* compares with zero */
    case 0x3d: case 0x7d:                                      /* FRECPE, FRSQRTE */
        return true;
    case 0x3f:                                                 /* FRECPX */
        return scalar;
    case 0x18: case 0x19: case 0x38: case 0x39: case 0x58: case 0x59: case 0x79: /* FRINT* */
    case 0x2f: case 0x6f: case 0x7f:                           /* FABS, FNEG, FSQRT */
        return !scalar;
    default:
        return false;
    }
}

bool simd_fp16_two_misc(struct a64_cpu *c, uint32_t insn)
{
    unsigned op = (insn >> 12) & 31, a = (insn >> 23) & 1, u = f_u(insn);
    unsigned k = u << 6 | a << 5 | op;
    if (!two_misc_allocated(k, f_scalar(insn)))
        return false;
    union a64_vec n = vec_read(c, f_rn(insn)), r = { 0 };
    unsigned elems = lanes(insn);
    for (unsigned i = 0; i < elems; i++) {
        uint64_t x = n.h[i], res;
        switch (k) {
        case 0x2c: res = hcmp(c, CMP_GT, x, 0); break;     /* FCMGT #0 */
        case 0x6c: res = hcmp(c, CMP_GE, x, 0); break;     /* FCMGE #0 */
        case 0x2d: res = hcmp(c, CMP_EQ, x, 0); break;     /* FCMEQ #0 */
        case 0x6d: res = hcmp(c, CMP_GE, 0, x); break;     /* FCMLE #0 */
        case 0x2e: res = hcmp(c, CMP_GT, 0, x); break;     /* FCMLT #0 */
        case 0x2f: res = x & 0x7fff; break;                /* FABS */
        case 0x6f: res = x ^ 0x8000; break;                /* FNEG */
        case 0x7f: res = a64_helper_h1(c, x, A64_FP_SQRT, 0, 0); break;
        case 0x18: case 0x38: case 0x19: case 0x39: case 0x58: case 0x59: case 0x79: {
            /* FRINTN, FRINTP, FRINTM, FRINTZ, FRINTA, FRINTX, FRINTI */
            unsigned mode = k == 0x58 ? 4 : k == 0x59 ? 6 : k == 0x79 ? 5 : (op & 1) << 1 | a;
            res = a64_helper_h1(c, x, A64_FP_RINT_BASE + mode, 0, 0);
            break;
        }
        case 0x1a: case 0x3a: case 0x1b: case 0x3b: case 0x1c:
        case 0x5a: case 0x7a: case 0x5b: case 0x7b: case 0x5c: {
            /* FCVT{N,P,M,Z,A}{S,U} to 16-bit integers */
            unsigned mode = op == 0x1c ? 4 : (op & 1) << 1 | a;
            res = a64_helper_h_to_int(c, x, mode << 8 | u << 12 | A64_H_W16 << 13, 0, 0);
            break;
        }
        case 0x1d: case 0x5d:   /* SCVTF, UCVTF from 16-bit integers */
            res = a64_helper_int_to_h(c, x, u << 12 | A64_H_W16 << 13, 0, 0);
            break;
        case 0x3d: res = a64_helper_h1(c, x, A64_H_RECPE, 0, 0); break;
        case 0x7d: res = a64_helper_h1(c, x, A64_H_RSQRTE, 0, 0); break;
        case 0x3f: res = a64_helper_h1(c, x, A64_H_RECPX, 0, 0); break;
        default: return false;
        }
        r.h[i] = (uint16_t)res;
    }
    vec_write(c, f_rd(insn), &r);
    return true;
}

/* Arm's Reduce(): halves combined recursively */
static uint64_t reduce(struct a64_cpu *c, unsigned op, const uint16_t *v, unsigned n)
{
    if (n == 1)
        return v[0];
    uint64_t lo = reduce(c, op, v, n / 2), hi = reduce(c, op, v + n / 2, n / 2);
    return h2(c, op, lo, hi);
}

/* FMAXNMV, FMINNMV, FMAXV, FMINV (.4h, .8h) */
bool simd_fp16_across(struct a64_cpu *c, uint32_t insn)
{
    unsigned op = (insn >> 12) & 31;
    bool mn = (insn >> 23) & 1;
    if (op != 0x0c && op != 0x0f)
        return false;
    unsigned fop = op == 0x0c ? (mn ? A64_FP_MINNM : A64_FP_MAXNM) : (mn ? A64_FP_MIN : A64_FP_MAX);
    union a64_vec n = vec_read(c, f_rn(insn)), r = { 0 };
    r.h[0] = (uint16_t)reduce(c, fop, n.h, f_q(insn) ? 8 : 4);
    vec_write(c, f_rd(insn), &r);
    return true;
}

/* scalar pairwise: FMAXNMP, FMINNMP, FADDP, FMAXP, FMINP (Hd, Vn.2H) */
bool simd_fp16_pairwise(struct a64_cpu *c, uint32_t insn)
{
    unsigned op = (insn >> 12) & 31;
    bool mn = (insn >> 23) & 1;
    unsigned fop;
    switch (op) {
    case 0x0c: fop = mn ? A64_FP_MINNM : A64_FP_MAXNM; break;
    case 0x0d:
        if (mn)
            return false;
        fop = A64_FP_ADD;
        break;
    case 0x0f: fop = mn ? A64_FP_MIN : A64_FP_MAX; break;
    default: return false;
    }
    union a64_vec n = vec_read(c, f_rn(insn)), r = { 0 };
    r.h[0] = (uint16_t)h2(c, fop, n.h[0], n.h[1]);
    vec_write(c, f_rd(insn), &r);
    return true;
}

/* FMLA, FMLS, FMUL, FMULX (by element, size 00): index H:L:M, Rm in V0-V15 */
bool simd_fp16_indexed(struct a64_cpu *c, uint32_t insn)
{
    unsigned op = (insn >> 12) & 15;
    bool u = f_u(insn);
    if ((op != 1 && op != 5 && op != 9) || (u && op != 9))
        return false;
    unsigned idx = ((insn >> 11) & 1) << 2 | ((insn >> 21) & 1) << 1 | ((insn >> 20) & 1);
    union a64_vec n = vec_read(c, f_rn(insn)), m = vec_read(c, (insn >> 16) & 15);
    union a64_vec d = vec_read(c, f_rd(insn)), r = { 0 };
    uint64_t e = m.h[idx];
    unsigned elems = lanes(insn);
    for (unsigned i = 0; i < elems; i++) {
        uint64_t a = n.h[i], res;
        if (op == 1)
            res = a64_helper_h3(c, a, e, d.h[i], A64_FP_MADD);
        else if (op == 5)
            res = a64_helper_h3(c, a, e, d.h[i], A64_FP_MSUB);
        else
            res = h2(c, u ? A64_H_MULX : A64_FP_MUL, a, e);
        r.h[i] = (uint16_t)res;
    }
    vec_write(c, f_rd(insn), &r);
    return true;
}

/* SCVTF, UCVTF, FCVTZS, FCVTZU (fixed-point, immh = 001x): fbits = 32 - immh:immb */
bool simd_fp16_shift_imm(struct a64_cpu *c, uint32_t insn)
{
    unsigned immhb = (insn >> 16) & 127, op = (insn >> 11) & 31;
    bool u = f_u(insn);
    if (op != 0x1c && op != 0x1f)
        return false;
    uint64_t kind = (uint64_t)u << 12 | A64_H_W16 << 13 | (uint64_t)(32 - immhb) << 16;
    union a64_vec n = vec_read(c, f_rn(insn)), r = { 0 };
    unsigned elems = lanes(insn);
    for (unsigned i = 0; i < elems; i++) {
        uint64_t x = n.h[i];
        r.h[i] = (uint16_t)(op == 0x1c ? a64_helper_int_to_h(c, x, kind, 0, 0)
                                       : a64_helper_h_to_int(c, x, kind | 3u << 8, 0, 0));
    }
    vec_write(c, f_rd(insn), &r);
    return true;
}
