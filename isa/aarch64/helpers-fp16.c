/*
 * Half-precision arithmetic (FEAT_FP16) with Arm semantics (Arm ARM J1
 * shared/functions/float: FPUnpack, FPRound, FPProcessNaNs, FPMulAdd,
 * FPToFixed, FixedToFP, FPRoundInt, the estimates).
 *
 * Done in integers rather than on the host FPU: a half is m * 2^e with an
 * 11-bit m and e in -24..5, so sums, products, fused products (under 2^80
 * at a common exponent of 2^-48), quotients and square roots (to 40 extra
 * bits, with a sticky bit) are exact in 64- or 128-bit integers, and one
 * rounding step (round_pack) gives the correctly rounded result in every
 * FPCR mode with tininess detected before rounding, as Arm does.  No
 * double rounding to argue about, and the host's MXCSR is never touched:
 * the flags are computed here and ORed into cpu->fpsr, which the guest's
 * FPSR includes whatever the lazy MXCSR scheme of helpers-fp.c holds.
 *
 * FPCR.FZ16 (not FZ) flushes half-precision denormals, on input without
 * IDC (FPUnpack sets no flag for N == 16) and on output with UFC.  AHP only
 * affects conversions, which live in helpers-fp.c.
 */
#include "isa/aarch64/fp16.h"

#include "isa/aarch64/cpu.h"
#include "isa/aarch64/simd.h"

typedef unsigned __int128 u128;

enum { H_SIGN = 0x8000, H_EXP = 0x7c00, H_FRAC = 0x3ff, H_QUIET = 0x200, H_INF = 0x7c00,
       H_DEFAULT_NAN = 0x7e00, H_MAX = 0x7bff, H_ONE = 0x3c00 };
enum { RN, RP, RM, RZ, RA };    /* Arm FPRounding; RA is ties away */

struct henv {
    struct a64_cpu *c;
    uint32_t fpcr, flags;
};

static struct henv env_begin(void *state)
{
    struct henv e = { .c = state, .fpcr = ((struct a64_cpu *)state)->fpcr };
    return e;
}

static void env_end(const struct henv *e)
{
    e->c->fpsr |= e->flags;
}

static unsigned fpcr_rmode(const struct henv *e)
{
    return (e->fpcr >> A64_FPCR_RMODE_SHIFT) & 3;
}

static bool h_is_nan(uint64_t h)
{
    return (h & 0x7fff) > H_INF;
}

static bool h_is_snan(uint64_t h)
{
    return h_is_nan(h) && !(h & H_QUIET);
}

/* FPUnpack: value = m * 2^e; FZ16 makes a denormal a zero, with no flag */
enum { H_ZERO, H_NUM, H_INFTY, H_NANV };
struct hval {
    unsigned cls;
    bool sign;
    uint32_t m;
    int e;
};

static struct hval unpack(const struct henv *env, uint64_t h)
{
    struct hval v = { .sign = (h >> 15) & 1 };
    unsigned exp = (h >> 10) & 31, frac = h & H_FRAC;
    if (exp == 31) {
        v.cls = frac ? H_NANV : H_INFTY;
    } else if (exp == 0) {
        if (!frac || (env->fpcr & A64_FPCR_FZ16)) {
            v.cls = H_ZERO;
        } else {
            v.cls = H_NUM;
            v.m = frac;
            v.e = -24;
        }
    } else {
        v.cls = H_NUM;
        v.m = frac | 0x400;
        v.e = (int)exp - 25;
    }
    return v;
}

/* the flushed input as bits (what min/max and compares work on) */
static uint64_t flushed(const struct henv *env, uint64_t h)
{
    h &= 0xffff;
    if ((env->fpcr & A64_FPCR_FZ16) && !(h & H_EXP))
        return h & H_SIGN;
    return h;
}

static uint64_t nan_result(struct henv *e, uint64_t h)
{
    if (h_is_snan(h))
        e->flags |= A64_FPSR_IOC;
    if (e->fpcr & A64_FPCR_DN)
        return H_DEFAULT_NAN;
    return (h | H_QUIET) & 0xffff;
}

/* FPProcessNaNs(3): the first signalling NaN in operand order, then the first quiet one */
static bool process_nans(struct henv *e, const uint64_t *ops, unsigned n, uint64_t *res)
{
    for (unsigned i = 0; i < n; i++)
        if (h_is_snan(ops[i])) {
            *res = nan_result(e, ops[i]);
            return true;
        }
    for (unsigned i = 0; i < n; i++)
        if (h_is_nan(ops[i])) {
            *res = nan_result(e, ops[i]);
            return true;
        }
    return false;
}

static uint64_t invalid(struct henv *e)
{
    e->flags |= A64_FPSR_IOC;
    return H_DEFAULT_NAN;
}

static int msb128(u128 x)
{
    uint64_t hi = (uint64_t)(x >> 64);
    return hi ? 127 - __builtin_clzll(hi) : 63 - __builtin_clzll((uint64_t)x);
}

/*
 * mag >> sh rounded to an integer in mode (sign picks the direction of RP
 * and RM); sticky says the exact value has nonzero bits below mag.  Sets
 * *inexact.  sh <= 0 shifts left.
 */
static u128 round_shift(u128 mag, int sh, bool sticky, bool sign, unsigned mode, bool *inexact)
{
    if (sh <= 0) {
        *inexact = sticky;
        mag <<= -sh;
        bool up = sticky && ((mode == RP && !sign) || (mode == RM && sign));
        return mag + up;
    }
    u128 kept = sh >= 128 ? 0 : mag >> sh;
    bool half = sh <= 128 && ((mag >> (sh - 1)) & 1);
    bool below = sticky || (sh >= 2 && (sh > 128 || (mag & (((u128)1 << (sh - 1)) - 1)) != 0));
    *inexact = half || below;
    bool up;
    switch (mode) {
    case RN: up = half && (below || (kept & 1)); break;
    case RA: up = half; break;
    case RP: up = !sign && (half || below); break;
    case RM: up = sign && (half || below); break;
    default: up = false; break;
    }
    return kept + up;
}

/*
 * FPRound to half: the exact value is (mag + a nonzero fraction if sticky)
 * * 2^exp, mag nonzero, in the FPCR mode.
 */
static uint64_t round_pack(struct henv *env, bool sign, u128 mag, int exp, bool sticky)
{
    uint64_t s = sign ? H_SIGN : 0;
    int ue = msb128(mag) + exp;         /* value in [2^ue, 2^(ue+1)) */
    bool tiny = ue < -14;
    if (tiny && (env->fpcr & A64_FPCR_FZ16)) {
        env->flags |= A64_FPSR_UFC;     /* flushed before rounding: not inexact */
        return s;
    }
    int lsb = (tiny ? -14 : ue) - 10;
    unsigned mode = fpcr_rmode(env);
    bool inexact;
    uint64_t kept = (uint64_t)round_shift(mag, lsb - exp, sticky, sign, mode, &inexact);
    if (kept == 2048) {
        kept = 1024;
        lsb++;
    }
    if (kept >= 1024 && lsb + 10 > 15) {
        env->flags |= A64_FPSR_OFC | A64_FPSR_IXC;
        bool to_inf = mode == RN || (mode == RP && !sign) || (mode == RM && sign);
        return s | (to_inf ? H_INF : H_MAX);
    }
    if (inexact)
        env->flags |= A64_FPSR_IXC | (tiny ? A64_FPSR_UFC : 0);
    if (kept >= 1024)
        return s | (uint64_t)(lsb + 10 + 15) << 10 | (kept - 1024);
    return s | kept;
}

/* an exact zero from a sum: the common sign of two zeros, else +0 (-0 in RM) */
static uint64_t zero_sum(const struct henv *e, bool sa, bool sb)
{
    if (sa == sb)
        return sa ? H_SIGN : 0;
    return fpcr_rmode(e) == RM ? H_SIGN : 0;
}

/* the exact sum of two numbers (zeros included) at exponents >= base, then FPRound */
static uint64_t add_exact(struct henv *env, bool sa, u128 ma, int ea, bool sb, u128 mb, int eb,
                          int exp_adjust)
{
    if (!ma)
        ea = eb;
    if (!mb)
        eb = ea;
    int base = ea < eb ? ea : eb;
    __int128 a = (__int128)(ma << (ea - base)), b = (__int128)(mb << (eb - base));
    __int128 sum = (sa ? -a : a) + (sb ? -b : b);
    if (sum == 0)
        return zero_sum(env, sa, sb);
    bool sign = sum < 0;
    return round_pack(env, sign, (u128)(sign ? -sum : sum), base + exp_adjust, false);
}

static uint64_t h_add(struct henv *env, uint64_t a, uint64_t b, bool sub)
{
    uint64_t ops[2] = { a, b }, r;
    if (process_nans(env, ops, 2, &r))
        return r;
    struct hval x = unpack(env, a), y = unpack(env, b);
    if (sub)
        y.sign = !y.sign;
    if (x.cls == H_INFTY && y.cls == H_INFTY && x.sign != y.sign)
        return invalid(env);
    if (x.cls == H_INFTY)
        return H_INF | (x.sign ? H_SIGN : 0);
    if (y.cls == H_INFTY)
        return H_INF | (y.sign ? H_SIGN : 0);
    return add_exact(env, x.sign, x.m, x.e, y.sign, y.m, y.e, 0);
}

static uint64_t h_mul(struct henv *env, uint64_t a, uint64_t b, bool mulx)
{
    uint64_t ops[2] = { a, b }, r;
    if (process_nans(env, ops, 2, &r))
        return r;
    struct hval x = unpack(env, a), y = unpack(env, b);
    uint64_t s = x.sign != y.sign ? H_SIGN : 0;
    if ((x.cls == H_INFTY && y.cls == H_ZERO) || (x.cls == H_ZERO && y.cls == H_INFTY)) {
        if (mulx)
            return s | 0x4000;          /* FMULX: 2.0 */
        return invalid(env);
    }
    if (x.cls == H_INFTY || y.cls == H_INFTY)
        return s | H_INF;
    if (x.cls == H_ZERO || y.cls == H_ZERO)
        return s;
    return round_pack(env, s, (u128)x.m * y.m, x.e + y.e, false);
}

static uint64_t h_div(struct henv *env, uint64_t a, uint64_t b)
{
    uint64_t ops[2] = { a, b }, r;
    if (process_nans(env, ops, 2, &r))
        return r;
    struct hval x = unpack(env, a), y = unpack(env, b);
    uint64_t s = x.sign != y.sign ? H_SIGN : 0;
    if ((x.cls == H_INFTY && y.cls == H_INFTY) || (x.cls == H_ZERO && y.cls == H_ZERO))
        return invalid(env);
    if (x.cls == H_INFTY)
        return s | H_INF;
    if (y.cls == H_ZERO) {
        env->flags |= A64_FPSR_DZC;
        return s | H_INF;
    }
    if (x.cls == H_ZERO || y.cls == H_INFTY)
        return s;
    /* at least 29 quotient bits beyond the divisor's 11, and a sticky remainder */
    uint64_t num = (uint64_t)x.m << 48;
    return round_pack(env, s, num / y.m, x.e - y.e - 48, num % y.m != 0);
}

static uint64_t isqrt64(uint64_t x, bool *exact)
{
    uint64_t r = 0, bit = 1ull << 62;
    while (bit > x)
        bit >>= 2;
    while (bit) {
        if (x >= r + bit) {
            x -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
        bit >>= 2;
    }
    *exact = x == 0;
    return r;
}

static uint64_t h_sqrt(struct henv *env, uint64_t a)
{
    uint64_t ops[1] = { a }, r;
    if (process_nans(env, ops, 1, &r))
        return r;
    struct hval x = unpack(env, a);
    if (x.cls == H_ZERO)
        return x.sign ? H_SIGN : 0;
    if (x.sign)
        return invalid(env);
    if (x.cls == H_INFTY)
        return H_INF;
    uint64_t m = x.m;
    int e = x.e;
    if (e & 1) {
        m <<= 1;
        e--;
    }
    bool exact;
    uint64_t root = isqrt64(m << 40, &exact);      /* 20+ bits, a sticky remainder */
    return round_pack(env, false, root, (e - 40) / 2, !exact);
}

/*
 * FPMulAdd: acc + n * m with one rounding.  scale_down halves the exact
 * result before rounding (FRSQRTS).  The product is exact at 2^-48 and the
 * addend is aligned to it, so the sum is exact in 128 bits.
 */
static uint64_t h_fma(struct henv *env, uint64_t n, uint64_t m, uint64_t acc, int scale_down)
{
    uint64_t ops[3] = { acc, n, m }, r;
    struct hval a = unpack(env, acc), x = unpack(env, n), y = unpack(env, m);
    bool inf_zero = (x.cls == H_INFTY && y.cls == H_ZERO) || (x.cls == H_ZERO && y.cls == H_INFTY);
    if (h_is_nan(acc) && !h_is_snan(acc) && inf_zero && !h_is_snan(n) && !h_is_snan(m))
        return invalid(env);
    if (process_nans(env, ops, 3, &r))
        return r;
    bool ps = x.sign != y.sign;
    bool pinf = x.cls == H_INFTY || y.cls == H_INFTY;
    if (inf_zero || (pinf && a.cls == H_INFTY && a.sign != ps))
        return invalid(env);
    if (pinf)
        return H_INF | (ps ? H_SIGN : 0);
    if (a.cls == H_INFTY)
        return H_INF | (a.sign ? H_SIGN : 0);
    u128 pm = (u128)x.m * y.m;
    return add_exact(env, ps, pm, x.e + y.e, a.sign, a.m, a.e, -scale_down);
}

/* a non-NaN half as an integer that orders like its value (-0 == +0) */
static int key(uint64_t h)
{
    int mag = (int)(h & 0x7fff);
    return (h & H_SIGN) ? -mag : mag;
}

static uint64_t h_minmax(struct henv *env, unsigned op, uint64_t a, uint64_t b)
{
    bool max = op == A64_FP_MAX || op == A64_FP_MAXNM;
    a = flushed(env, a);
    b = flushed(env, b);
    if (op == A64_FP_MAXNM || op == A64_FP_MINNM) {
        /* FPMaxNum/FPMinNum: one quiet NaN loses against a number */
        bool qa = h_is_nan(a) && !h_is_snan(a), qb = h_is_nan(b) && !h_is_snan(b);
        if (qa && !h_is_nan(b))
            return b;
        if (qb && !h_is_nan(a))
            return a;
    }
    uint64_t ops[2] = { a, b }, r;
    if (process_nans(env, ops, 2, &r))
        return r;
    if (!(a & 0x7fff) && !(b & 0x7fff))
        return max ? (a & b) : (a | b);     /* max(+0,-0) = +0, min = -0 */
    int c = key(a) - key(b);
    return (max ? c > 0 : c < 0) ? a : b;
}

/* FRECPS (2 - a*b) and FRSQRTS ((3 - a*b) / 2): FPRecipStepFused, FPRSqrtStepFused */
static uint64_t h_step(struct henv *env, uint64_t a, uint64_t b, bool rsqrt)
{
    a ^= H_SIGN;
    uint64_t ops[2] = { a, b }, r;
    if (process_nans(env, ops, 2, &r))
        return r;
    struct hval x = unpack(env, a), y = unpack(env, b);
    if ((x.cls == H_INFTY && y.cls == H_ZERO) || (x.cls == H_ZERO && y.cls == H_INFTY))
        return rsqrt ? 0x3e00 : 0x4000;     /* 1.5, 2.0 */
    if (x.cls == H_INFTY || y.cls == H_INFTY)
        return H_INF | (x.sign != y.sign ? H_SIGN : 0);
    uint64_t three_or_two = rsqrt ? 0x4200 : 0x4000;
    return h_fma(env, a, b, three_or_two, rsqrt);
}

/* ---- estimates (FPRecipEstimate, FPRSqrtEstimate, FPRecpX for N = 16) ---- */

/* RecipEstimate / RecipSqrtEstimate through helpers-simd-fp.c's 9-bit tables */
static unsigned recip_est(unsigned a)
{
    return simd_recip_estimate_u32(a << 23) >> 23;
}

static unsigned rsqrt_est(unsigned a)
{
    return simd_rsqrt_estimate_u32(a << 23) >> 23;
}

static uint64_t h_recpe(struct henv *env, uint64_t h)
{
    uint64_t ops[1] = { h }, r;
    if (process_nans(env, ops, 1, &r))
        return r;
    struct hval v = unpack(env, h);
    uint64_t s = v.sign ? H_SIGN : 0;
    if (v.cls == H_INFTY)
        return s;
    if (v.cls == H_ZERO) {
        env->flags |= A64_FPSR_DZC;
        return s | H_INF;
    }
    unsigned exp = (h >> 10) & 31;
    if (exp == 0 && (h & H_FRAC) < 0x100) {     /* |x| < 2^-16: the result overflows */
        unsigned mode = fpcr_rmode(env);
        bool to_inf = mode == RN || (mode == RP && !v.sign) || (mode == RM && v.sign);
        env->flags |= A64_FPSR_OFC | A64_FPSR_IXC;
        return s | (to_inf ? H_INF : H_MAX);
    }
    if ((env->fpcr & A64_FPCR_FZ16) && exp >= 29) {     /* |x| >= 2^14 */
        env->flags |= A64_FPSR_UFC;
        return s;
    }
    uint64_t frac = (h & H_FRAC) << 42;                 /* 52-bit fraction */
    int e = (int)exp;
    uint64_t m52 = (1ull << 52) - 1;
    if (e == 0) {
        if (!((frac >> 51) & 1)) {
            e = -1;
            frac = (frac << 2) & m52;
        } else {
            frac = (frac << 1) & m52;
        }
    }
    unsigned est = recip_est(256 | (unsigned)(frac >> 44));
    int rexp = 29 - e;
    uint64_t rf = (uint64_t)(est & 0xff) << 44;
    if (rexp == 0) {
        rf = 1ull << 51 | rf >> 1;
    } else if (rexp == -1) {
        rf = 1ull << 50 | rf >> 2;
        rexp = 0;
    }
    return s | (uint64_t)rexp << 10 | rf >> 42;
}

static uint64_t h_rsqrte(struct henv *env, uint64_t h)
{
    uint64_t ops[1] = { h }, r;
    if (process_nans(env, ops, 1, &r))
        return r;
    struct hval v = unpack(env, h);
    if (v.cls == H_ZERO) {
        env->flags |= A64_FPSR_DZC;
        return (v.sign ? H_SIGN : 0) | H_INF;
    }
    if (v.sign)
        return invalid(env);
    if (v.cls == H_INFTY)
        return 0;
    uint64_t frac = (h & H_FRAC) << 42, m52 = (1ull << 52) - 1;
    int e = (int)((h >> 10) & 31);
    if (e == 0) {
        while (!((frac >> 51) & 1)) {
            frac = (frac << 1) & m52;
            e--;
        }
        frac = (frac << 1) & m52;
    }
    unsigned scaled = (e & 1) == 0 ? 256 | (unsigned)(frac >> 44) : 128 | (unsigned)(frac >> 45);
    int rexp = (44 - e) / 2;
    unsigned est = rsqrt_est(scaled);
    return (uint64_t)rexp << 10 | (uint64_t)(est & 0xff) << 2;
}

static uint64_t h_recpx(struct henv *env, uint64_t h)
{
    uint64_t ops[1] = { h }, r;
    if (process_nans(env, ops, 1, &r))
        return r;
    unsigned exp = (h >> 10) & 31;
    unsigned e = exp == 0 ? 30 : (~exp & 31);
    return (h & H_SIGN) | (uint64_t)e << 10;
}

/* FPRoundInt: mode 0..4 as FPRounding, 5 FPCR's (FRINTI), 6 FPCR's and IXC (FRINTX) */
static uint64_t h_rint(struct henv *env, uint64_t h, unsigned mode)
{
    uint64_t ops[1] = { h }, r;
    if (process_nans(env, ops, 1, &r))
        return r;
    struct hval v = unpack(env, h);
    uint64_t s = v.sign ? H_SIGN : 0;
    if (v.cls == H_ZERO)
        return s;
    if (v.cls == H_INFTY || v.e >= 0)
        return h & 0xffff;              /* already integral */
    bool exact_flag = mode == 6;
    if (mode >= 5)
        mode = fpcr_rmode(env);
    bool inexact;
    uint64_t i = (uint64_t)round_shift(v.m, -v.e, false, v.sign, mode, &inexact);
    if (inexact && exact_flag)
        env->flags |= A64_FPSR_IXC;
    if (i == 0)
        return s;
    /* an integer below 2^11 is exact in half: FPRound cannot round it */
    int p = 63 - __builtin_clzll(i);
    return s | (uint64_t)(p + 15) << 10 | ((i << (10 - p)) & H_FRAC);
}

/* ---- helpers called from IR ---- */

A64_HELPER(a64_helper_h2)
{
    struct henv e = env_begin(state);
    uint64_t a = a0 & 0xffff, b = a1 & 0xffff, r;
    switch (a2) {
    case A64_FP_ADD: r = h_add(&e, a, b, false); break;
    case A64_FP_SUB: r = h_add(&e, a, b, true); break;
    case A64_FP_MUL: r = h_mul(&e, a, b, false); break;
    case A64_FP_NMUL: r = h_mul(&e, a, b, false) ^ H_SIGN; break;     /* NaN or not */
    case A64_FP_DIV: r = h_div(&e, a, b); break;
    case A64_H_MULX: r = h_mul(&e, a, b, true); break;
    case A64_H_ABD: r = h_add(&e, a, b, true) & ~(uint64_t)H_SIGN; break;
    case A64_H_RECPS: r = h_step(&e, a, b, false); break;
    case A64_H_RSQRTS: r = h_step(&e, a, b, true); break;
    default: r = h_minmax(&e, (unsigned)a2, a, b); break;
    }
    env_end(&e);
    return r;
}

A64_HELPER(a64_helper_h1)
{
    struct henv e = env_begin(state);
    uint64_t a = a0 & 0xffff, r;
    switch (a1) {
    case A64_FP_SQRT: r = h_sqrt(&e, a); break;
    case A64_H_RECPE: r = h_recpe(&e, a); break;
    case A64_H_RSQRTE: r = h_rsqrte(&e, a); break;
    case A64_H_RECPX: r = h_recpx(&e, a); break;
    default: r = h_rint(&e, a, (unsigned)a1 - A64_FP_RINT_BASE); break;
    }
    env_end(&e);
    return r;
}

A64_HELPER(a64_helper_h3)
{
    struct henv e = env_begin(state);
    uint64_t n = a0 & 0xffff, m = a1 & 0xffff, acc = a2 & 0xffff;
    /* FMSUB, FNMADD, FNMSUB negate operands before FPMulAdd, NaNs included */
    if (a3 == A64_FP_MSUB || a3 == A64_FP_NMADD)
        n ^= H_SIGN;
    if (a3 == A64_FP_NMADD || a3 == A64_FP_NMSUB)
        acc ^= H_SIGN;
    uint64_t r = h_fma(&e, n, m, acc, 0);
    env_end(&e);
    return r;
}

A64_HELPER(a64_helper_hcmp)
{
    struct henv e = env_begin(state);
    uint64_t a = flushed(&e, a0), b = flushed(&e, a1);
    uint32_t nzcv;
    if (h_is_nan(a) || h_is_nan(b)) {
        if ((a2 & 1) || h_is_snan(a) || h_is_snan(b))
            e.flags |= A64_FPSR_IOC;
        nzcv = A64_NZCV_C | A64_NZCV_V;
    } else {
        int c = key(a) - key(b);
        nzcv = c == 0 ? A64_NZCV_Z | A64_NZCV_C : c < 0 ? A64_NZCV_N : A64_NZCV_C;
    }
    env_end(&e);
    return nzcv;
}

A64_HELPER(a64_helper_hccmp)
{
    if (!((a2 >> 16) & 1))
        return a3;
    return a64_helper_hcmp(state, a0, a1, a2 & 1, 0);
}

static unsigned width_bits(unsigned w)
{
    return w == A64_H_W16 ? 16 : w == A64_H_W64 ? 64 : 32;
}

A64_HELPER(a64_helper_h_to_int)
{
    struct henv e = env_begin(state);
    unsigned mode = (a1 >> 8) & 7, fbits = (a1 >> 16) & 127, bits = width_bits((a1 >> 13) & 3);
    bool is_unsigned = (a1 >> 12) & 1;
    if (mode == 7)
        mode = fpcr_rmode(&e);
    struct hval v = unpack(&e, a0 & 0xffff);
    uint64_t max = is_unsigned ? (bits == 64 ? ~0ull : (1ull << bits) - 1)
                               : (1ull << (bits - 1)) - 1;
    uint64_t min_neg = is_unsigned ? 0 : 1ull << (bits - 1);     /* magnitude of the minimum */
    uint64_t r;
    if (v.cls == H_NANV) {
        e.flags |= A64_FPSR_IOC;
        r = 0;
    } else if (v.cls == H_INFTY) {
        e.flags |= A64_FPSR_IOC;
        r = v.sign ? -min_neg : max;
    } else if (v.cls == H_ZERO) {
        r = 0;
    } else {
        bool inexact;
        /* |value| * 2^fbits < 2^(16 + 64): fits in 128 bits */
        u128 i = round_shift(v.m, -(v.e + (int)fbits), false, v.sign, mode, &inexact);
        if (v.sign ? i > min_neg : i > max) {
            e.flags |= A64_FPSR_IOC;
            r = v.sign ? -min_neg : max;
        } else {
            if (inexact)
                e.flags |= A64_FPSR_IXC;
            r = v.sign ? -(uint64_t)i : (uint64_t)i;
        }
    }
    env_end(&e);
    return bits == 64 ? r : r & ((1ull << bits) - 1);
}

A64_HELPER(a64_helper_int_to_h)
{
    struct henv e = env_begin(state);
    unsigned fbits = (a1 >> 16) & 127, bits = width_bits((a1 >> 13) & 3);
    bool is_unsigned = (a1 >> 12) & 1;
    uint64_t v = bits == 64 ? a0 : a0 & ((1ull << bits) - 1);
    bool sign = !is_unsigned && ((v >> (bits - 1)) & 1);
    if (sign)
        v = (bits == 64 ? 0 : 1ull << bits) - v;   /* the magnitude, 2^(bits-1) for the minimum */
    uint64_t r = v ? round_pack(&e, sign, v, -(int)fbits, false) : 0;
    env_end(&e);
    return r;
}
