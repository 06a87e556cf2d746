/*
 * Advanced SIMD floating point, vector and scalar forms: lane-wise
 * arithmetic and compares, pairwise and across-lanes reductions, by-element
 * multiplies, conversions, rounding, and the reciprocal (square root)
 * estimate and step instructions.  Each lane goes through the scalar FP
 * helpers of helpers-fp.c, so NaN rules, FPCR and FPSR behave exactly as in
 * scalar code.  Half precision (FEAT_FP16) lanes are unallocated.
 */
#include "isa/aarch64/simd.h"

#include <math.h>

#include "isa/aarch64/helpers.h"

static uint64_t fp2(struct a64_cpu *c, unsigned op, uint64_t a, uint64_t b, unsigned ft)
{
    return a64_helper_fp2(c, a, b, op | ft << 8, 0);
}

static uint64_t fp_sign(unsigned ft)
{
    return ft ? 1ull << 63 : 1ull << 31;
}

static bool fp_is_nan(uint64_t v, unsigned ft)
{
    return ft ? (v & ~(1ull << 63)) > 0x7ff0000000000000ull
              : (v & 0x7fffffffu) > 0x7f800000u;
}

static bool fp_is_inf(uint64_t v, unsigned ft)
{
    return ft ? (v & ~(1ull << 63)) == 0x7ff0000000000000ull : (v & 0x7fffffffu) == 0x7f800000u;
}

static bool fp_is_zero(uint64_t v, unsigned ft)
{
    return (v & (fp_sign(ft) - 1)) == 0;
}

/* value 2.0, 1.5 or 3.0 at precision ft, with an optional sign */
static uint64_t fp_const(double d, unsigned ft)
{
    if (ft) {
        uint64_t u;
        memcpy(&u, &d, 8);
        return u;
    }
    float f = (float)d;
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

/* FPCompare*: NZCV from the scalar helper, turned into a lane mask */
enum { CMP_EQ, CMP_GE, CMP_GT };
static uint64_t fp_cmp(struct a64_cpu *c, unsigned kind, uint64_t a, uint64_t b, unsigned ft)
{
    uint64_t w = a64_helper_fcmp(c, a, b, (kind != CMP_EQ) | ft << 8, 0);
    bool z = w & A64_NZCV_Z, nv = !!(w & A64_NZCV_N) == !!(w & A64_NZCV_V);
    bool t = kind == CMP_EQ ? z : kind == CMP_GE ? nv : nv && !z;
    return t ? ~0ull : 0;
}

static uint64_t fp_flush_in(struct a64_cpu *c, uint64_t x, unsigned ft);

/* infinity times zero, after FZ flushed the operands (FPUnpack comes first:
 * with FZ a denormal is a zero here, bug A3) */
static bool fp_inf_times_zero(uint64_t a, uint64_t b, unsigned ft)
{
    return !fp_is_nan(a, ft) && !fp_is_nan(b, ft) &&
           ((fp_is_inf(a, ft) && fp_is_zero(b, ft)) || (fp_is_zero(a, ft) && fp_is_inf(b, ft)));
}

/* FMULX: FMUL except that infinity times zero is 2.0 with the product's sign */
static uint64_t fp_mulx(struct a64_cpu *c, uint64_t a, uint64_t b, unsigned ft)
{
    a = fp_flush_in(c, a, ft);
    b = fp_flush_in(c, b, ft);
    if (fp_inf_times_zero(a, b, ft))
        return fp_const(2.0, ft) | ((a ^ b) & fp_sign(ft));
    return fp2(c, A64_FP_MUL, a, b, ft);
}

/* x / 2 exactly, if it is: a zero, an infinity, or a normal above 2^emin */
static bool fp_halve(uint64_t *x, unsigned ft)
{
    unsigned fbits = ft ? 52 : 23;
    uint64_t exp = (*x >> fbits) & (ft ? 0x7ff : 0xff);
    if (fp_is_zero(*x, ft) || fp_is_inf(*x, ft))
        return true;
    if (exp < 2)
        return false;
    *x -= 1ull << fbits;
    return true;
}

/*
 * FRECPS (2 - a*b) and FRSQRTS ((3 - a*b) / 2), fused: one rounding of
 * the exact value (bug A4: rounding 3 - a*b first overflows or rounds
 * twice).  The halving moves onto an operand that halves exactly, so that
 * a single fused multiply-add 1.5 - (a/2)*b gives it; if both are that
 * tiny, a*b is negligible beside 3 and the halving of the rounded sum is
 * exact.
 */
static uint64_t fp_step(struct a64_cpu *c, bool rsqrt, uint64_t a, uint64_t b, unsigned ft)
{
    a = fp_flush_in(c, a ^ fp_sign(ft), ft);
    b = fp_flush_in(c, b, ft);
    if (fp_inf_times_zero(a, b, ft))
        return fp_const(rsqrt ? 1.5 : 2.0, ft);
    if (!rsqrt)
        return a64_helper_fp3(c, a, b, fp_const(2.0, ft), A64_FP_MADD | ft << 8);
    if (!fp_is_nan(a, ft) && !fp_is_nan(b, ft) && (fp_halve(&a, ft) || fp_halve(&b, ft)))
        return a64_helper_fp3(c, a, b, fp_const(1.5, ft), A64_FP_MADD | ft << 8);
    uint64_t r = a64_helper_fp3(c, a, b, fp_const(3.0, ft), A64_FP_MADD | ft << 8);
    if (!fp_is_nan(r, ft))
        r = fp2(c, A64_FP_MUL, r, fp_const(0.5, ft), ft);
    return r;
}

/* the 2-operand op of three-same index k = u << 4 | a << 3 | (opcode - 0x18) */
static bool fp3same_elem(struct a64_cpu *c, unsigned k, uint64_t a, uint64_t b, uint64_t d,
                         unsigned ft, uint64_t *r)
{
    switch (k) {
    case 0x00: case 0x10: *r = fp2(c, A64_FP_MAXNM, a, b, ft); break;
    case 0x08: case 0x18: *r = fp2(c, A64_FP_MINNM, a, b, ft); break;
    case 0x01: *r = a64_helper_fp3(c, a, b, d, A64_FP_MADD | ft << 8); break;   /* FMLA */
    case 0x09: *r = a64_helper_fp3(c, a, b, d, A64_FP_MSUB | ft << 8); break;   /* FMLS */
    case 0x02: case 0x12: *r = fp2(c, A64_FP_ADD, a, b, ft); break;     /* FADD, FADDP */
    case 0x0a: *r = fp2(c, A64_FP_SUB, a, b, ft); break;
    case 0x03: *r = fp_mulx(c, a, b, ft); break;
    case 0x04: *r = fp_cmp(c, CMP_EQ, a, b, ft); break;
    case 0x06: case 0x16: *r = fp2(c, A64_FP_MAX, a, b, ft); break;     /* FMAX, FMAXP */
    case 0x0e: case 0x1e: *r = fp2(c, A64_FP_MIN, a, b, ft); break;
    case 0x07: *r = fp_step(c, false, a, b, ft); break;
    case 0x0f: *r = fp_step(c, true, a, b, ft); break;
    case 0x13: *r = fp2(c, A64_FP_MUL, a, b, ft); break;
    case 0x14: *r = fp_cmp(c, CMP_GE, a, b, ft); break;
    case 0x1c: *r = fp_cmp(c, CMP_GT, a, b, ft); break;
    case 0x15: *r = fp_cmp(c, CMP_GE, a & ~fp_sign(ft), b & ~fp_sign(ft), ft); break;
    case 0x1d: *r = fp_cmp(c, CMP_GT, a & ~fp_sign(ft), b & ~fp_sign(ft), ft); break;
    case 0x17: *r = fp2(c, A64_FP_DIV, a, b, ft); break;
    case 0x1a: {                /* FABD */
        uint64_t s = fp2(c, A64_FP_SUB, a, b, ft);
        *r = s & ~fp_sign(ft);     /* FPAbs clears the sign of a NaN too */
        break;
    }
    default: return false;
    }
    if (ft == 0)
        *r &= 0xffffffffu;
    return true;
}

bool simd_fp_three_same(struct a64_cpu *c, uint32_t insn)
{
    unsigned op = (insn >> 11) & 31, size = f_size(insn), ft = size & 1;
    unsigned k = f_u(insn) << 4 | (size >> 1) << 3 | (op - 0x18);
    bool scalar = f_scalar(insn);
    static const unsigned scalar_ok[] = { 0x03, 0x04, 0x07, 0x0f, 0x14, 0x15, 0x1a, 0x1c, 0x1d };
    if (scalar) {
        bool found = false;
        for (unsigned i = 0; i < sizeof(scalar_ok) / sizeof(scalar_ok[0]); i++)
            found |= scalar_ok[i] == k;
        if (!found)
            return false;
    } else if (ft && !f_q(insn)) {
        return false;
    }
    bool pairwise = k == 0x10 || k == 0x18 || k == 0x12 || k == 0x16 || k == 0x1e;
    union a64_vec n = vec_read(c, f_rn(insn)), m = vec_read(c, f_rm(insn));
    union a64_vec d = vec_read(c, f_rd(insn)), r = { 0 };
    if (!scalar) {
        /* the fast operation + 1 of three-same index k */
        static const unsigned char fast_op[32] = {
            [0x02] = SIMD_FP_ADD + 1, [0x0a] = SIMD_FP_SUB + 1, [0x13] = SIMD_FP_MUL + 1,
            [0x17] = SIMD_FP_DIV + 1, [0x01] = SIMD_FP_MLA + 1, [0x09] = SIMD_FP_MLS + 1,
            [0x06] = SIMD_FP_MAX + 1, [0x0e] = SIMD_FP_MIN + 1, [0x00] = SIMD_FP_MAX + 1,
            [0x08] = SIMD_FP_MIN + 1, [0x04] = SIMD_FP_CMEQ + 1, [0x14] = SIMD_FP_CMGE + 1,
            [0x1c] = SIMD_FP_CMGT + 1,
        };
        if (fast_op[k] &&
            simd_fp_fast(c, (enum simd_fp_fast_op)(fast_op[k] - 1), ft, f_q(insn), &n, &m, &d)) {
            vec_write(c, f_rd(insn), &d);
            return true;
        }
    }
    unsigned es = 2 + ft, elems = scalar ? 1 : (f_q(insn) ? 16u : 8u) >> es;
    for (unsigned i = 0; i < elems; i++) {
        uint64_t a, b, res;
        if (pairwise) {
            const union a64_vec *src = i < elems / 2 ? &n : &m;
            unsigned j = 2 * (i % (elems / 2));
            a = vec_get(src, es, j);
            b = vec_get(src, es, j + 1);
        } else {
            a = vec_get(&n, es, i);
            b = vec_get(&m, es, i);
        }
        if (!fp3same_elem(c, k, a, b, vec_get(&d, es, i), ft, &res))
            return false;
        vec_set(&r, es, i, res);
    }
    vec_write(c, f_rd(insn), &r);
    return true;
}

/* ---- estimates (Arm ARM shared/functions/float: RecipEstimate,
 * RecipSqrtEstimate, FPRecipEstimate, FPRSqrtEstimate) ---- */

static unsigned recip_estimate(unsigned a)      /* a in 256..511 */
{
    a = a * 2 + 1;
    unsigned b = (1u << 19) / a;
    return (b + 1) / 2;
}

static unsigned rsqrt_estimate(unsigned a)      /* a in 128..511 */
{
    if (a < 256)
        a = a * 2 + 1;
    else
        a = ((a >> 1) << 1) * 2 + 2;
    unsigned b = 512;
    while ((uint64_t)a * (b + 1) * (b + 1) < (1ull << 28))
        b++;
    return (b + 1) / 2;
}

uint32_t simd_recip_estimate_u32(uint32_t x)
{
    if (!(x >> 31))
        return 0xffffffffu;
    return (recip_estimate(x >> 23) & 0x1ff) << 23;
}

uint32_t simd_rsqrt_estimate_u32(uint32_t x)
{
    if (!(x >> 30))
        return 0xffffffffu;
    return (rsqrt_estimate(x >> 23) & 0x1ff) << 23;
}

struct fp_parts {
    unsigned bits, fbits;
    uint64_t sign;
    int64_t exp;
    uint64_t frac52;            /* the fraction left-aligned to 52 bits */
};

static struct fp_parts fp_split(uint64_t x, unsigned ft)
{
    struct fp_parts p = { .bits = ft ? 64 : 32, .fbits = ft ? 52 : 23 };
    p.sign = (x >> (p.bits - 1)) & 1;
    p.exp = (int64_t)((x >> p.fbits) & (ft ? 0x7ff : 0xff));
    p.frac52 = (x & ((1ull << p.fbits) - 1)) << (52 - p.fbits);
    return p;
}

static uint64_t fp_join(const struct fp_parts *p, int64_t exp, uint64_t frac52)
{
    return p->sign << (p->bits - 1) | (uint64_t)exp << p->fbits | frac52 >> (52 - p->fbits);
}

static uint64_t fp_default_nan(unsigned ft)
{
    return ft ? 0x7ff8000000000000ull : 0x7fc00000u;
}

static uint64_t fp_nan(struct a64_cpu *c, uint64_t x, unsigned ft)
{
    uint64_t quiet = ft ? 1ull << 51 : 1u << 22;
    if (!(x & quiet))
        c->fpsr |= A64_FPSR_IOC;
    return (c->fpcr & A64_FPCR_DN) ? fp_default_nan(ft) : x | quiet;
}

static double fp_to_double(uint64_t x, unsigned ft)
{
    if (ft) {
        double d;
        memcpy(&d, &x, 8);
        return d;
    }
    uint32_t u = (uint32_t)x;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* FZ on an input denormal: zero of the same sign, IDC */
static uint64_t fp_flush_in(struct a64_cpu *c, uint64_t x, unsigned ft)
{
    struct fp_parts p = fp_split(x, ft);
    if ((c->fpcr & A64_FPCR_FZ) && p.exp == 0 && p.frac52) {
        c->fpsr |= A64_FPSR_IDC;
        return x & fp_sign(ft);
    }
    return x;
}

static uint64_t fp_recpe(struct a64_cpu *c, uint64_t x, unsigned ft)
{
    x = fp_flush_in(c, x, ft);
    struct fp_parts p = fp_split(x, ft);
    uint64_t inf = fp_sign(ft) - 1 - ((1ull << p.fbits) - 1), sgn = x & fp_sign(ft);
    if (fp_is_nan(x, ft))
        return fp_nan(c, x, ft);
    if (fp_is_inf(x, ft))
        return sgn;
    if (fp_is_zero(x, ft)) {
        c->fpsr |= A64_FPSR_DZC;
        return sgn | inf;
    }
    double mag = fabs(fp_to_double(x, ft));
    if (mag < ldexp(1.0, ft ? -1024 : -128)) {
        unsigned rm = (c->fpcr >> A64_FPCR_RMODE_SHIFT) & 3;
        bool to_inf = rm == 0 || (rm == 1 && !p.sign) || (rm == 2 && p.sign);
        c->fpsr |= A64_FPSR_OFC | A64_FPSR_IXC;
        return sgn | (to_inf ? inf : inf - 1);
    }
    if ((c->fpcr & A64_FPCR_FZ) && mag >= ldexp(1.0, ft ? 1022 : 126)) {
        c->fpsr |= A64_FPSR_UFC;
        return sgn;
    }
    int64_t exp = p.exp;
    uint64_t f = p.frac52, m52 = (1ull << 52) - 1;
    if (exp == 0) {
        if (!((f >> 51) & 1)) {
            exp = -1;
            f = (f << 2) & m52;
        } else {
            f = (f << 1) & m52;
        }
    }
    unsigned est = recip_estimate(256 | (unsigned)(f >> 44));
    int64_t rexp = (ft ? 2045 : 253) - exp;
    uint64_t rf = (uint64_t)(est & 0xff) << 44;
    if (rexp == 0) {
        rf = 1ull << 51 | rf >> 1;
    } else if (rexp == -1) {
        rf = 1ull << 50 | rf >> 2;
        rexp = 0;
    }
    return fp_join(&p, rexp, rf);
}

static uint64_t fp_rsqrte(struct a64_cpu *c, uint64_t x, unsigned ft)
{
    x = fp_flush_in(c, x, ft);
    struct fp_parts p = fp_split(x, ft);
    uint64_t inf = fp_sign(ft) - 1 - ((1ull << p.fbits) - 1), sgn = x & fp_sign(ft);
    if (fp_is_nan(x, ft))
        return fp_nan(c, x, ft);
    if (fp_is_zero(x, ft)) {
        c->fpsr |= A64_FPSR_DZC;
        return sgn | inf;
    }
    if (p.sign) {
        c->fpsr |= A64_FPSR_IOC;
        return fp_default_nan(ft);
    }
    if (fp_is_inf(x, ft))
        return 0;
    int64_t exp = p.exp;
    uint64_t f = p.frac52, m52 = (1ull << 52) - 1;
    if (exp == 0) {
        while (!((f >> 51) & 1)) {
            f = (f << 1) & m52;
            exp--;
        }
        f = (f << 1) & m52;
    }
    unsigned scaled = (exp & 1) == 0 ? 256 | (unsigned)(f >> 44) : 128 | (unsigned)(f >> 45);
    int64_t rexp = ((ft ? 3068 : 380) - exp) / 2;
    unsigned est = rsqrt_estimate(scaled);
    return fp_join(&p, rexp, (uint64_t)(est & 0xff) << 44);
}

/* FRECPX: the exponent inverted, fraction zero */
static uint64_t fp_recpx(struct a64_cpu *c, uint64_t x, unsigned ft)
{
    x = fp_flush_in(c, x, ft);
    if (fp_is_nan(x, ft))
        return fp_nan(c, x, ft);
    struct fp_parts p = fp_split(x, ft);
    int64_t emax = ft ? 0x7ff : 0xff;
    int64_t e = p.exp == 0 ? emax - 1 : (~p.exp & emax);
    return fp_join(&p, e, 0);
}

/* FCVTXN: double to single, rounding to odd */
static uint64_t fp_cvt_odd(struct a64_cpu *c, uint64_t x)
{
    if (fp_is_nan(x, 1))
        return a64_helper_fcvt(c, x, 1, 0, 0);
    uint32_t save = c->fpcr;
    c->fpcr = (c->fpcr & ~(3u << A64_FPCR_RMODE_SHIFT)) | 3u << A64_FPCR_RMODE_SHIFT;
    uint32_t before = c->fpsr;
    c->fpsr = 0;
    uint64_t r = a64_helper_fcvt(c, x, 1, 0, 0);
    uint32_t raised = c->fpsr;
    c->fpcr = save;
    c->fpsr = before | raised;
    if ((raised & A64_FPSR_IXC) && !fp_is_inf(r, 0))
        r |= 1;
    return r;
}

bool simd_fp_two_misc(struct a64_cpu *c, uint32_t insn)
{
    unsigned op = (insn >> 12) & 31, size = f_size(insn), ft = size & 1, a = size >> 1;
    bool u = f_u(insn), scalar = f_scalar(insn), q = f_q(insn);
    union a64_vec n = vec_read(c, f_rn(insn)), d = vec_read(c, f_rd(insn)), r = { 0 };
    if (op == 0x16 || op == 0x17) {     /* FCVTN, FCVTXN, FCVTL */
        if (a || (op == 0x17 && (u || scalar)) || (op == 0x16 && !u && scalar) ||
            (u && !ft))
            return false;
        unsigned wide = ft ? 1 : 0, nar = ft ? 0 : 3, ws = 2 + ft, ns = 1 + ft;
        unsigned elems = scalar ? 1 : 8u >> ns, part = scalar ? 0 : q;
        if (op == 0x16) {
            if (part)
                r.d[0] = d.d[0];
            for (unsigned i = 0; i < elems; i++) {
                uint64_t x = vec_get(&n, ws, i);
                uint64_t y = u ? fp_cvt_odd(c, x) : a64_helper_fcvt(c, x, wide | nar << 8, 0, 0);
                vec_set(&r, ns, part * elems + i, y);
            }
        } else {
            for (unsigned i = 0; i < elems; i++)
                vec_set(&r, ws, i, a64_helper_fcvt(c, vec_get(&n, ns, part * elems + i),
                                                   nar | wide << 8, 0, 0));
        }
        vec_write(c, f_rd(insn), &r);
        return true;
    }
    unsigned k = u << 6 | a << 5 | op;
    if (!scalar && ft && !q)
        return false;
    if (scalar) {
        bool ok = (op >= 0x0c && op <= 0x0e && a) || (op >= 0x1a && op <= 0x1b) ||
                  (op == 0x1c && !a) || op == 0x1d || (k == 0x3f);
        if (!ok)
            return false;
    } else if (k == 0x3f) {
        return false;           /* FRECPX is scalar only */
    }
    if (!scalar && (k == 0x1d || k == 0x3b || k == 0x7f)) {
        enum simd_fp_fast_unop fop = k == 0x1d ? SIMD_FP_SCVTF
                                     : k == 0x3b ? SIMD_FP_FCVTZS : SIMD_FP_SQRT;
        if ((fop == SIMD_FP_SQRT || !ft) && simd_fp_fast_unary(c, fop, ft, q, &n, &d)) {
            vec_write(c, f_rd(insn), &d);
            return true;
        }
    }
    unsigned es = 2 + ft, elems = scalar ? 1 : (q ? 16u : 8u) >> es;
    for (unsigned i = 0; i < elems; i++) {
        uint64_t x = vec_get(&n, es, i), res, zero = 0;
        switch (k) {
        case 0x2c: res = fp_cmp(c, CMP_GT, x, zero, ft); break;    /* FCMGT #0 */
        case 0x6c: res = fp_cmp(c, CMP_GE, x, zero, ft); break;    /* FCMGE #0 */
        case 0x2d: res = fp_cmp(c, CMP_EQ, x, zero, ft); break;    /* FCMEQ #0 */
        case 0x6d: res = fp_cmp(c, CMP_GE, zero, x, ft); break;    /* FCMLE #0 */
        case 0x2e: res = fp_cmp(c, CMP_GT, zero, x, ft); break;    /* FCMLT #0 */
        case 0x2f: res = x & ~fp_sign(ft); break;                  /* FABS */
        case 0x6f: res = x ^ fp_sign(ft); break;                   /* FNEG */
        case 0x7f: res = a64_helper_fp1(c, x, A64_FP_SQRT | ft << 8, 0, 0); break;
        case 0x18: case 0x38: case 0x19: case 0x39: case 0x58: case 0x59: case 0x79: {
            /* FRINTN, FRINTP, FRINTM, FRINTZ, FRINTA, FRINTX, FRINTI */
            unsigned mode = k == 0x58 ? 4 : k == 0x59 ? 6 : k == 0x79 ? 5
                                                                       : (op & 1) << 1 | a;
            res = a64_helper_fp1(c, x, (A64_FP_RINT_BASE + mode) | ft << 8, 0, 0);
            break;
        }
        case 0x1a: case 0x3a: case 0x1b: case 0x3b: case 0x1c:
        case 0x5a: case 0x7a: case 0x5b: case 0x7b: case 0x5c: {
            /* FCVT{N,P,M,Z,A}{S,U} */
            unsigned mode = op == 0x1c ? 4 : (op & 1) << 1 | a;
            uint64_t kind = ft | mode << 8 | (uint64_t)u << 12 | (uint64_t)ft << 13;
            res = a64_helper_fp_to_int(c, x, kind, 0, 0);
            break;
        }
        case 0x1d: case 0x5d:   /* SCVTF, UCVTF */
            res = a64_helper_int_to_fp(c, x, ft | (uint64_t)u << 12 | (uint64_t)ft << 13, 0, 0);
            break;
        case 0x3c: case 0x7c:   /* URECPE, URSQRTE */
            if (ft || scalar)
                return false;
            res = u ? simd_rsqrt_estimate_u32((uint32_t)x) : simd_recip_estimate_u32((uint32_t)x);
            break;
        case 0x3d: res = fp_recpe(c, x, ft); break;
        case 0x7d: res = fp_rsqrte(c, x, ft); break;
        case 0x3f: res = fp_recpx(c, x, ft); break;
        default: return false;
        }
        vec_set(&r, es, i, res);
    }
    vec_write(c, f_rd(insn), &r);
    return true;
}

/* Arm's Reduce(): halves combined recursively */
static uint64_t fp_reduce(struct a64_cpu *c, unsigned op, const uint64_t *v, unsigned n,
                          unsigned ft)
{
    if (n == 1)
        return v[0];
    uint64_t lo = fp_reduce(c, op, v, n / 2, ft), hi = fp_reduce(c, op, v + n / 2, n / 2, ft);
    return fp2(c, op, lo, hi, ft);
}

bool simd_fp_across(struct a64_cpu *c, uint32_t insn)
{
    unsigned op = (insn >> 12) & 31, size = f_size(insn);
    if (!f_u(insn) || (size & 1) || !f_q(insn))
        return false;
    bool mn = size >> 1;
    unsigned fop = op == 0x0c ? (mn ? A64_FP_MINNM : A64_FP_MAXNM) : (mn ? A64_FP_MIN : A64_FP_MAX);
    union a64_vec n = vec_read(c, f_rn(insn)), r = { 0 };
    uint64_t v[4] = { n.s[0], n.s[1], n.s[2], n.s[3] };
    r.s[0] = (uint32_t)fp_reduce(c, fop, v, 4, 0);
    vec_write(c, f_rd(insn), &r);
    return true;
}

bool simd_fp_pairwise_scalar(struct a64_cpu *c, uint32_t insn)
{
    unsigned op = (insn >> 12) & 31, size = f_size(insn), ft = size & 1;
    bool mn = size >> 1;
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
    unsigned es = 2 + ft;
    vec_set(&r, es, 0, fp2(c, fop, vec_get(&n, es, 0), vec_get(&n, es, 1), ft));
    vec_write(c, f_rd(insn), &r);
    return true;
}

/* FMLA, FMLS, FMUL, FMULX (by element), vector and scalar */
bool simd_fp_indexed(struct a64_cpu *c, uint32_t insn)
{
    unsigned op = (insn >> 12) & 15, size = f_size(insn), ft = size & 1;
    bool u = f_u(insn), scalar = f_scalar(insn), q = f_q(insn);
    unsigned h = (insn >> 11) & 1, l = (insn >> 21) & 1;
    if (!(size >> 1) || (ft && l) || (ft && !q && !scalar) || (u && op != 9))
        return false;
    unsigned idx = ft ? h : h << 1 | l, es = 2 + ft;
    union a64_vec n = vec_read(c, f_rn(insn)), m = vec_read(c, f_rm(insn));
    union a64_vec d = vec_read(c, f_rd(insn)), r = { 0 };
    uint64_t e = vec_get(&m, es, idx);
    unsigned elems = scalar ? 1 : (q ? 16u : 8u) >> es;
    if (!scalar && !u) {
        union a64_vec b;
        for (unsigned i = 0; i < 16u >> es; i++)
            vec_set(&b, es, i, e);
        if (simd_fp_fast(c, op == 1 ? SIMD_FP_MLA : op == 5 ? SIMD_FP_MLS : SIMD_FP_MUL, ft, q,
                         &n, &b, &d)) {
            vec_write(c, f_rd(insn), &d);
            return true;
        }
    }
    for (unsigned i = 0; i < elems; i++) {
        uint64_t a = vec_get(&n, es, i), x = vec_get(&d, es, i), res;
        if (op == 1)
            res = a64_helper_fp3(c, a, e, x, A64_FP_MADD | ft << 8);
        else if (op == 5)
            res = a64_helper_fp3(c, a, e, x, A64_FP_MSUB | ft << 8);
        else if (u)
            res = fp_mulx(c, a, e, ft);
        else
            res = fp2(c, A64_FP_MUL, a, e, ft);
        vec_set(&r, es, i, res);
    }
    vec_write(c, f_rd(insn), &r);
    return true;
}

/* SCVTF, UCVTF, FCVTZS, FCVTZU (vector and scalar, fixed-point) */
bool simd_fp_shift_imm(struct a64_cpu *c, uint32_t insn)
{
    unsigned immh = (insn >> 19) & 15, immhb = (insn >> 16) & 127, op = (insn >> 11) & 31;
    bool u = f_u(insn), scalar = f_scalar(insn), q = f_q(insn);
    if (immh < 4 || ((immh & 8) && !q && !scalar))
        return false;
    unsigned ft = immh >> 3, es = 2 + ft, fbits = (64u << ft) - immhb;
    union a64_vec n = vec_read(c, f_rn(insn)), r = { 0 };
    unsigned elems = scalar ? 1 : (q ? 16u : 8u) >> es;
    for (unsigned i = 0; i < elems; i++) {
        uint64_t x = vec_get(&n, es, i), res;
        uint64_t kind = ft | (uint64_t)u << 12 | (uint64_t)ft << 13 | (uint64_t)fbits << 16;
        if (op == 0x1c)
            res = a64_helper_int_to_fp(c, x, kind, 0, 0);
        else
            res = a64_helper_fp_to_int(c, x, kind | 3u << 8, 0, 0);
        vec_set(&r, es, i, res);
    }
    vec_write(c, f_rd(insn), &r);
    return true;
}
