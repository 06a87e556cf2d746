/*
 * Scalar floating-point helpers with Arm semantics (Arm ARM J1 shared/
 * functions/float): the host's SSE does the correctly rounded arithmetic
 * under the guest's rounding mode, and this file supplies what differs:
 * NaN propagation order and the default NaN, FPCR.DN and FPCR.FZ, saturating
 * conversions, half precision, and accrual of the FPSR cumulative bits.
 *
 * x86 detects tininess after rounding, Arm before: a product, quotient or
 * fused multiply-add that the host rounded up to the smallest normal is
 * checked again (tiny_before_rounding) for UFC, and for FZ's flush; so is
 * FCVT's narrowing to single.
 */
#include "isa/aarch64/helpers.h"

#include <fenv.h>
#include <math.h>
#include <string.h>

#include "isa/aarch64/cpu.h"

#pragma GCC optimize("-frounding-math", "-fsignaling-nans")

enum { FT_S = 0, FT_D = 1, FT_H = 3 };

/* the classification helpers run several times per emulated FP operation:
 * GCC would otherwise keep them as calls (a third of an FP kernel's time) */
#define ALWAYS_INLINE __attribute__((always_inline))

struct fmt {
    unsigned bits, frac;        /* total and fraction bits */
};
static const struct fmt fmts[4] = { { 32, 23 }, { 64, 52 }, { 0, 0 }, { 16, 10 } };

static inline ALWAYS_INLINE uint64_t sign_bit(unsigned ft)
{
    return 1ull << (fmts[ft].bits - 1);
}

static inline ALWAYS_INLINE uint64_t exp_mask(unsigned ft)
{
    return (sign_bit(ft) - 1) & ~((1ull << fmts[ft].frac) - 1);
}

static inline ALWAYS_INLINE uint64_t quiet_bit(unsigned ft)
{
    return 1ull << (fmts[ft].frac - 1);
}

static inline ALWAYS_INLINE bool is_nan(uint64_t v, unsigned ft)
{
    return (v & exp_mask(ft)) == exp_mask(ft) && (v & ((1ull << fmts[ft].frac) - 1));
}

static inline ALWAYS_INLINE bool is_snan(uint64_t v, unsigned ft)
{
    return is_nan(v, ft) && !(v & quiet_bit(ft));
}

static inline ALWAYS_INLINE bool is_zero(uint64_t v, unsigned ft)
{
    return (v & (sign_bit(ft) - 1)) == 0;
}

static inline ALWAYS_INLINE bool is_inf(uint64_t v, unsigned ft)
{
    return (v & (sign_bit(ft) - 1)) == exp_mask(ft);
}

static inline ALWAYS_INLINE uint64_t default_nan(unsigned ft)
{
    return exp_mask(ft) | quiet_bit(ft);
}

struct fpenv {
    struct a64_cpu *c;
    uint32_t fpcr;
    uint32_t flags;             /* FPSR bits raised so far */
    uint32_t saved;             /* MXCSR set aside by the eager path */
    uint32_t entry;             /* MXCSR when the helper began */
    uint32_t pre;               /* MXCSR before a lazy host operation */
    uint32_t host;              /* MXCSR flags the lazy host operations raised */
};

/* FPCR.FZ on an input: denormals become zero of the same sign, IDC */
static inline ALWAYS_INLINE uint64_t flush_in(struct fpenv *e, uint64_t v, unsigned ft)
{
    if (ft != FT_H && (e->fpcr & A64_FPCR_FZ) && !(v & exp_mask(ft)) && !is_zero(v, ft)) {
        e->flags |= A64_FPSR_IDC;
        return v & sign_bit(ft);
    }
    return v;
}

/*
 * FPCR.FZ on a result: tiny results become zero, UFC and no IXC (FPRound
 * flushes before it rounds, so a flushed result is not inexact).  Tiny is a
 * denormal result, or a zero the host rounded a tiny result to, which its
 * UE tells (FZ always runs on the eager path, so e->flags holds this
 * operation's host flags).
 */
static inline ALWAYS_INLINE uint64_t flush_out(struct fpenv *e, uint64_t v, unsigned ft)
{
    if (ft == FT_H || !(e->fpcr & A64_FPCR_FZ) || (v & exp_mask(ft)))
        return v;
    if (!is_zero(v, ft) || (e->flags & A64_FPSR_UFC)) {
        e->flags = (e->flags & ~A64_FPSR_IXC) | A64_FPSR_UFC;
        return v & sign_bit(ft);
    }
    return v;
}

static uint64_t nan_result(struct fpenv *e, uint64_t v, unsigned ft)
{
    if (is_snan(v, ft))
        e->flags |= A64_FPSR_IOC;
    if (e->fpcr & A64_FPCR_DN)
        return default_nan(ft);
    return v | quiet_bit(ft);
}

/* FPProcessNaNs3: SNaNs first (in operand order), then QNaNs; n operands */
static inline ALWAYS_INLINE bool process_nans(struct fpenv *e, const uint64_t *ops,
                                              unsigned n, unsigned ft, uint64_t *res)
{
    bool any = false;

    /* the common case first: no operand has an all-ones exponent */
    for (unsigned i = 0; i < n; i++)
        any |= (ops[i] & exp_mask(ft)) == exp_mask(ft);
    if (!any)
        return false;
    for (unsigned i = 0; i < n; i++)
        if (is_snan(ops[i], ft)) {
            *res = nan_result(e, ops[i], ft);
            return true;
        }
    for (unsigned i = 0; i < n; i++)
        if (is_nan(ops[i], ft)) {
            *res = nan_result(e, ops[i], ft);
            return true;
        }
    return false;
}

static unsigned fpcr_rmode(const struct fpenv *e)
{
    return (e->fpcr >> A64_FPCR_RMODE_SHIFT) & 3;
}

/*
 * The host FPU.  Guest FP runs on SSE only, so MXCSR holds every flag that
 * matters (straight through MXCSR: glibc's fenv calls also reload the x87
 * environment, which once cost ~90% of an FP-heavy guest's time).
 *
 * Lazy flags, as on riscv64 (see a64_fp_sync_flags): while guest code runs,
 * MXCSR stays in round-to-nearest with every exception masked, and its
 * sticky flags are not cleared.  With the default FPCR (RN, FZ clear) an
 * operation is then the bare host instruction, and what it raises stays in
 * MXCSR until the guest reads FPSR: loading MXCSR around every operation
 * was most of an FP kernel's time.  FPCR.DN needs no host support (NaN
 * operands never reach the host; a NaN the host makes becomes the default
 * NaN in software either way).  A directed rounding mode or FZ takes the
 * eager path: the accumulated flags are set aside, the operation runs in its
 * mode with clean flags, which are read back for the FZ fix-ups, and MXCSR
 * returns to round-to-nearest with the accumulated flags intact.
 */
enum { MXCSR_DEFAULT = 0x1f80, MXCSR_FLAGS = 0x3f, MXCSR_RC_SHIFT = 13 };

static inline ALWAYS_INLINE uint32_t mxcsr_read(void)
{
    uint32_t m;
    __asm__ volatile("stmxcsr %0" : "=m"(m) : : "memory");
    return m;
}

static inline ALWAYS_INLINE void mxcsr_write(uint32_t m)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(m) : "memory");
}

/* IE 0x1, DE 0x2 (no Arm counterpart: IDC is FZ's input flush), ZE 0x4,
 * OE 0x8, UE 0x10, PE 0x20 -> FPSR IOC DZC OFC UFC IXC (bits 0..4) */
static inline ALWAYS_INLINE uint32_t mxcsr_to_fpsr(uint32_t m)
{
    return (m & 1) | ((m >> 1) & 0x1e);
}

void a64_fp_sync_flags(struct a64_cpu *c)
{
    uint32_t m = mxcsr_read();
    if (m & MXCSR_FLAGS) {
        c->fpsr |= mxcsr_to_fpsr(m);
        mxcsr_write(m & ~MXCSR_FLAGS);
    }
}

uint32_t a64_fp_host_save(void)
{
    return mxcsr_read();
}

void a64_fp_host_restore(uint32_t saved)
{
    if (mxcsr_read() != saved)
        mxcsr_write(saved);
}

/* the lazy path serves FPCR RN with FZ clear */
static inline ALWAYS_INLINE bool env_lazy(const struct fpenv *e)
{
    return !(e->fpcr & (A64_FPCR_FZ | 3u << A64_FPCR_RMODE_SHIFT));
}

static inline ALWAYS_INLINE void host_begin(struct fpenv *e)
{
    /* Arm RMode 0 RN, 1 RP, 2 RM, 3 RZ -> x86 RC 0 nearest, 2 up, 1 down, 3 zero */
    static const uint32_t rc[4] = { 0, 2, 1, 3 };
    if (env_lazy(e)) {
        e->pre = mxcsr_read();
        return;
    }
    e->saved = mxcsr_read();
    mxcsr_write(MXCSR_DEFAULT | rc[fpcr_rmode(e)] << MXCSR_RC_SHIFT);
}

static inline ALWAYS_INLINE void host_end(struct fpenv *e)
{
    if (env_lazy(e)) {
        e->host |= mxcsr_read() & ~e->pre & MXCSR_FLAGS;
        return;
    }
    uint32_t x = mxcsr_read();
    mxcsr_write(MXCSR_DEFAULT | (e->saved & MXCSR_FLAGS));
    e->flags |= mxcsr_to_fpsr(x);
}

/*
 * The general path (NaN operands, another FPCR, and every operation without
 * a fast path) also computes exact steps in host FP: ldexp, conversions,
 * comparisons.  Whatever those raise is not the guest's, so the helper
 * leaves MXCSR as it found it, plus the flags its lazy host operations
 * raised.  Reading MXCSR is cheap; only a change costs a load.
 */
static inline ALWAYS_INLINE struct fpenv env_begin(void *state)
{
    struct fpenv e = { .c = state, .fpcr = ((struct a64_cpu *)state)->fpcr };
    e.entry = mxcsr_read();
    return e;
}

static inline ALWAYS_INLINE void env_end(struct fpenv *e)
{
    uint32_t want = e->entry | e->host;
    if (mxcsr_read() != want)
        mxcsr_write(want);
    e->c->fpsr |= e->flags;
}

static float to_f(uint64_t v)
{
    uint32_t u = (uint32_t)v;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static double to_d(uint64_t v)
{
    double d;
    memcpy(&d, &v, 8);
    return d;
}

static uint64_t from_f(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static uint64_t from_d(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

/* a host result that is a NaN although no input was: the Arm default NaN */
static inline ALWAYS_INLINE uint64_t fix_host_nan(uint64_t r, unsigned ft)
{
    return is_nan(r, ft) ? default_nan(ft) : r;
}

/* the magnitude is the smallest normal: the one result whose tininess x86
 * and Arm judge differently (x86 after rounding, Arm before) */
static inline ALWAYS_INLINE bool is_min_normal(uint64_t v, unsigned ft)
{
    return ft == FT_S ? (v & 0x7fffffffu) == 0x00800000u
                      : (v & ~(1ull << 63)) == 0x0010000000000000ull;
}

enum { TINY_FMA = 0xff };

/*
 * Whether the exact value of a * b, a / b or a * b + c (op TINY_FMA) lies
 * below the smallest normal: rounded toward zero it stays below it exactly
 * then, since the smallest normal is representable.  MXCSR is left as found.
 */
static bool __attribute__((noinline)) tiny_before_rounding(unsigned op, uint64_t a, uint64_t b,
                                                           uint64_t c, unsigned ft)
{
    uint32_t saved = mxcsr_read();
    uint64_t r;

    mxcsr_write(MXCSR_DEFAULT | 3u << MXCSR_RC_SHIFT);
    if (ft == FT_S) {
        volatile float x = to_f(a), y = to_f(b), z = to_f(c), v;
        v = op == TINY_FMA ? fmaf(x, y, z) : op == A64_FP_DIV ? x / y : x * y;
        r = from_f(v);
    } else {
        volatile double x = to_d(a), y = to_d(b), z = to_d(c), v;
        v = op == TINY_FMA ? fma(x, y, z) : op == A64_FP_DIV ? x / y : x * y;
        r = from_d(v);
    }
    mxcsr_write(saved);
    return !is_min_normal(r, ft);
}

/* r came out of the host as the smallest normal but was tiny before
 * rounding: UFC, or with FZ a signed zero with UFC and no IXC (FPRound) */
static uint64_t tiny_result(struct fpenv *e, uint64_t r, unsigned ft)
{
    if (e->fpcr & A64_FPCR_FZ) {
        e->flags = (e->flags & ~A64_FPSR_IXC) | A64_FPSR_UFC;
        return r & sign_bit(ft);
    }
    e->flags |= A64_FPSR_UFC;
    return r;
}

static uint64_t arith2(struct fpenv *e, unsigned op, uint64_t a, uint64_t b, unsigned ft)
{
    volatile float fa = to_f(a), fb = to_f(b), fr = 0;
    volatile double da = to_d(a), db = to_d(b), dr = 0;
    host_begin(e);
    if (ft == FT_S) {
        switch (op) {
        case A64_FP_ADD: fr = fa + fb; break;
        case A64_FP_SUB: fr = fa - fb; break;
        case A64_FP_DIV: fr = fa / fb; break;
        default: fr = fa * fb; break;
        }
    } else {
        switch (op) {
        case A64_FP_ADD: dr = da + db; break;
        case A64_FP_SUB: dr = da - db; break;
        case A64_FP_DIV: dr = da / db; break;
        default: dr = da * db; break;
        }
    }
    host_end(e);
    uint64_t r = ft == FT_S ? from_f(fr) : from_d(dr);
    if (op != A64_FP_ADD && op != A64_FP_SUB && is_min_normal(r, ft) &&
        tiny_before_rounding(op == A64_FP_DIV ? A64_FP_DIV : A64_FP_MUL, a, b, 0, ft))
        return tiny_result(e, r, ft);
    return flush_out(e, fix_host_nan(r, ft), ft);
}

/* Arm ordering of two non-NaN values: -1, 0, 1 (-0 == +0) */
static int cmp_num(uint64_t a, uint64_t b, unsigned ft)
{
    double x = ft == FT_S ? to_f(a) : to_d(a), y = ft == FT_S ? to_f(b) : to_d(b);
    return x < y ? -1 : x > y;
}

static uint64_t minmax(struct fpenv *e, unsigned op, uint64_t a, uint64_t b, unsigned ft)
{
    bool max = op == A64_FP_MAX || op == A64_FP_MAXNM;
    if (op == A64_FP_MAXNM || op == A64_FP_MINNM) {
        /* FPMaxNum/FPMinNum: one quiet NaN loses against a number */
        bool qa = is_nan(a, ft) && !is_snan(a, ft), qb = is_nan(b, ft) && !is_snan(b, ft);
        if (qa && !is_nan(b, ft))
            return b;
        if (qb && !is_nan(a, ft))
            return a;
    }
    uint64_t ops[2] = { a, b }, r;
    if (process_nans(e, ops, 2, ft, &r))
        return r;
    if (is_zero(a, ft) && is_zero(b, ft))
        return max ? (a & b) : (a | b);     /* max(+0,-0) = +0, min = -0 */
    int c = cmp_num(a, b, ft);
    return (max ? c > 0 : c < 0) ? a : b;
}

/*
 * The fast path of the lazy mode: with FPCR at RN and FZ clear and no NaN
 * operand, an Arm operation is the host's, except that a NaN the host
 * makes (an invalid operation) is the Arm default NaN.  This is what FP
 * kernels run, so it skips the general machinery: no flag bookkeeping at
 * all, the host's stay in MXCSR.
 */
enum { LAZY_FPCR_MASK = A64_FP_FAST_FPCR_MASK };
#define NOT_NAN_S(v) (((v) & 0x7fffffffu) <= 0x7f800000u)
#define NOT_NAN_D(v) (((v) & ~(1ull << 63)) <= 0x7ff0000000000000ull)

static inline ALWAYS_INLINE bool fast_ok(const void *state)
{
    return !(((const struct a64_cpu *)state)->fpcr & LAZY_FPCR_MASK);
}

static inline ALWAYS_INLINE uint64_t fast_arith_s(unsigned op, uint64_t a, uint64_t b)
{
    float x = to_f(a), y = to_f(b), r;
    switch (op) {
    case A64_FP_ADD: r = x + y; break;
    case A64_FP_SUB: r = x - y; break;
    case A64_FP_DIV: r = x / y; break;
    default: r = x * y; break;
    }
    uint64_t u = from_f(r);
    return NOT_NAN_S(u) ? u : default_nan(FT_S);
}

static inline ALWAYS_INLINE uint64_t fast_arith_d(unsigned op, uint64_t a, uint64_t b)
{
    double x = to_d(a), y = to_d(b), r;
    switch (op) {
    case A64_FP_ADD: r = x + y; break;
    case A64_FP_SUB: r = x - y; break;
    case A64_FP_DIV: r = x / y; break;
    default: r = x * y; break;
    }
    uint64_t u = from_d(r);
    return NOT_NAN_D(u) ? u : default_nan(FT_D);
}

static uint64_t __attribute__((noinline)) fp2_general(void *state, uint64_t a0,
                                                     uint64_t a1, uint64_t a2)
{
    struct fpenv e = env_begin(state);
    unsigned op = a2 & 0xff, ft = (a2 >> 8) & 3;
    uint64_t a = flush_in(&e, a0, ft), b = flush_in(&e, a1, ft), r;
    if (op >= A64_FP_MAX && op <= A64_FP_MINNM) {
        r = minmax(&e, op, a, b, ft);
    } else {
        uint64_t ops[2] = { a, b };
        if (!process_nans(&e, ops, 2, ft, &r))
            r = arith2(&e, op, a, b, ft);
        if (op == A64_FP_NMUL)
            r ^= sign_bit(ft);      /* FPNeg of the product, NaN or not */
    }
    env_end(&e);
    return r;
}

A64_HELPER(a64_helper_fp2)
{
    unsigned op = a2 & 0xff;
    if ((op <= A64_FP_DIV || op == A64_FP_NMUL) && fast_ok(state)) {
        unsigned ft = (a2 >> 8) & 3;
        /* the smallest normal may have been tiny: the general path judges */
        if (ft == FT_D && NOT_NAN_D(a0) && NOT_NAN_D(a1)) {
            uint64_t r = fast_arith_d(op, a0, a1);
            if (!is_min_normal(r, FT_D))
                return op == A64_FP_NMUL ? r ^ sign_bit(FT_D) : r;
        } else if (ft == FT_S && NOT_NAN_S(a0) && NOT_NAN_S(a1)) {
            uint64_t r = fast_arith_s(op, a0, a1);
            if (!is_min_normal(r, FT_S))
                return op == A64_FP_NMUL ? r ^ sign_bit(FT_S) : r;
        }
    }
    return fp2_general(state, a0, a1, a2);
}

A64_HELPER(a64_helper_fp3)
{
    unsigned fop = a3 & 0xff, fft = (a3 >> 8) & 3;
    if (fast_ok(state) && fft <= FT_D) {
        uint64_t sb = sign_bit(fft), n = a0, acc = a2;
        if (fop == A64_FP_MSUB || fop == A64_FP_NMADD)
            n ^= sb;
        if (fop == A64_FP_NMADD || fop == A64_FP_NMSUB)
            acc ^= sb;
        if (fft == FT_D && NOT_NAN_D(a0) && NOT_NAN_D(a1) && NOT_NAN_D(a2)) {
            uint64_t u = from_d(fma(to_d(n), to_d(a1), to_d(acc)));
            if (!is_min_normal(u, FT_D))
                return NOT_NAN_D(u) ? u : default_nan(FT_D);
        } else if (fft == FT_S && NOT_NAN_S(a0) && NOT_NAN_S(a1) && NOT_NAN_S(a2)) {
            uint64_t u = from_f(fmaf(to_f(n), to_f(a1), to_f(acc)));
            if (!is_min_normal(u, FT_S))
                return NOT_NAN_S(u) ? u : default_nan(FT_S);
        }
    }
    struct fpenv e = env_begin(state);
    unsigned op = a3 & 0xff, ft = (a3 >> 8) & 3;
    uint64_t n = flush_in(&e, a0, ft), m = flush_in(&e, a1, ft), acc = flush_in(&e, a2, ft), r;
    uint64_t sb = sign_bit(ft);
    /* FMSUB, FNMADD, FNMSUB negate operands before FPMulAdd, NaNs included */
    if (op == A64_FP_MSUB || op == A64_FP_NMADD)
        n ^= sb;
    if (op == A64_FP_NMADD || op == A64_FP_NMSUB)
        acc ^= sb;
    uint64_t ops[3] = { acc, n, m };
    bool inf_zero = (is_inf(n, ft) && is_zero(m, ft)) || (is_zero(n, ft) && is_inf(m, ft));
    if (is_nan(acc, ft) && !is_snan(acc, ft) && inf_zero && !is_snan(n, ft) && !is_snan(m, ft)) {
        e.flags |= A64_FPSR_IOC;
        r = default_nan(ft);
    } else if (!process_nans(&e, ops, 3, ft, &r)) {
        host_begin(&e);
        if (ft == FT_S) {
            volatile float x = to_f(n), y = to_f(m), z = to_f(acc);
            r = from_f(fmaf(x, y, z));
        } else {
            volatile double x = to_d(n), y = to_d(m), z = to_d(acc);
            r = from_d(fma(x, y, z));
        }
        host_end(&e);
        if (ft <= FT_D && is_min_normal(r, ft) && tiny_before_rounding(TINY_FMA, n, m, acc, ft))
            r = tiny_result(&e, r, ft);
        else
            r = flush_out(&e, fix_host_nan(r, ft), ft);
    }
    env_end(&e);
    return r;
}

/* round a double to an integral double in an Arm rounding mode (0..4) */
static double round_int(double x, unsigned rmode)
{
    switch (rmode) {
    case 1: return ceil(x);
    case 2: return floor(x);
    case 3: return trunc(x);
    case 4: return round(x);
    default: {
        volatile double v = x;
        return nearbyint(v);    /* FE_TONEAREST is the resting host mode */
    }
    }
}

A64_HELPER(a64_helper_fp1)
{
    if ((a1 & 0xff) == A64_FP_SQRT && fast_ok(state)) {
        if (((a1 >> 8) & 3) == FT_D && NOT_NAN_D(a0)) {
            uint64_t u = from_d(sqrt(to_d(a0)));
            return NOT_NAN_D(u) ? u : default_nan(FT_D);
        }
        if (((a1 >> 8) & 3) == FT_S && NOT_NAN_S(a0)) {
            uint64_t u = from_f(sqrtf(to_f(a0)));
            return NOT_NAN_S(u) ? u : default_nan(FT_S);
        }
    }
    struct fpenv e = env_begin(state);
    unsigned op = a1 & 0xff, ft = (a1 >> 8) & 3;
    uint64_t a = flush_in(&e, a0, ft), r;
    uint64_t ops[1] = { a };
    if (process_nans(&e, ops, 1, ft, &r)) {
        env_end(&e);
        return r;
    }
    if (op == A64_FP_SQRT) {
        host_begin(&e);
        if (ft == FT_S) {
            volatile float x = to_f(a);
            volatile float y = sqrtf(x);
            r = from_f(y);
        } else {
            volatile double x = to_d(a);
            volatile double y = sqrt(x);
            r = from_d(y);
        }
        host_end(&e);
        r = fix_host_nan(r, ft);
    } else {
        unsigned mode = op - A64_FP_RINT_BASE;
        bool exact = mode == 6;
        if (mode >= 5)
            mode = fpcr_rmode(&e);
        double x = ft == FT_S ? (double)to_f(a) : to_d(a);
        double y = isinf(x) ? x : round_int(x, mode);
        if (exact && y != x)
            e.flags |= A64_FPSR_IXC;
        r = ft == FT_S ? from_f((float)y) : from_d(y);
    }
    env_end(&e);
    return r;
}

A64_HELPER(a64_helper_fcmp)
{
    /* no NaN and no FZ: an ordered comparison, which raises nothing */
    if (!(((struct a64_cpu *)state)->fpcr & A64_FPCR_FZ) && ((a2 >> 8) & 3) <= FT_D) {
        unsigned ft = (a2 >> 8) & 3;
        if (ft == FT_D ? NOT_NAN_D(a0) && NOT_NAN_D(a1) : NOT_NAN_S(a0) && NOT_NAN_S(a1)) {
            int c = cmp_num(a0, a1, ft);
            return c == 0 ? A64_NZCV_Z | A64_NZCV_C : c < 0 ? A64_NZCV_N : A64_NZCV_C;
        }
    }
    struct fpenv e = env_begin(state);
    bool signal_all = a2 & 1;
    unsigned ft = (a2 >> 8) & 3;
    uint64_t a = flush_in(&e, a0, ft), b = flush_in(&e, a1, ft);
    uint32_t nzcv;
    if (is_nan(a, ft) || is_nan(b, ft)) {
        if (signal_all || is_snan(a, ft) || is_snan(b, ft))
            e.flags |= A64_FPSR_IOC;
        nzcv = A64_NZCV_C | A64_NZCV_V;
    } else {
        int c = cmp_num(a, b, ft);
        nzcv = c == 0 ? A64_NZCV_Z | A64_NZCV_C : c < 0 ? A64_NZCV_N : A64_NZCV_C;
    }
    env_end(&e);
    return nzcv;
}

/* ---- precision conversions ---- */

/* half -> double, exact; alt: FPCR.AHP's format, whose top exponent holds
 * numbers up to 131008 instead of infinities and NaNs */
static double half_to_double(uint64_t h, bool alt)
{
    int sign = (h >> 15) & 1, exp = (h >> 10) & 31;
    unsigned frac = h & 0x3ff;
    double v;
    if (exp == 0)
        v = ldexp(frac, -24);
    else if (exp == 31 && !alt)
        v = frac ? NAN : INFINITY;
    else
        v = ldexp(frac | 0x400, exp - 25);
    return sign ? -v : v;
}

/* double (finite or infinite, not NaN) -> half in Arm rounding mode rmode;
 * alt: the AHP format, which saturates with IOC where IEEE half overflows
 * (FPRound: no OFC, and no IXC) */
static uint64_t double_to_half(struct fpenv *e, double d, unsigned rmode, bool alt)
{
    uint64_t sign = signbit(d) ? 0x8000 : 0;
    double m = fabs(d);
    if (isinf(m))
        return sign | 0x7c00;
    if (m == 0)
        return sign;
    int exp;
    frexp(m, &exp);             /* m = f * 2^exp, f in [0.5, 1) */
    int e_unb = exp - 1;        /* m in [2^e_unb, 2^(e_unb+1)) */
    bool tiny = e_unb < -14;
    int q = tiny ? -24 : e_unb - 10;
    double scaled = ldexp(m, -q);       /* exact */
    /* directed modes act on the magnitude according to the sign */
    unsigned mag_mode = rmode;
    if (rmode == 1)
        mag_mode = sign ? 3 : 1;
    else if (rmode == 2)
        mag_mode = sign ? 1 : 3;
    double r = round_int(scaled, mag_mode);
    bool inexact = r != scaled;
    uint64_t bits;
    if (tiny) {
        bits = (uint64_t)r;     /* 0x400 becomes the smallest normal by itself */
    } else {
        uint64_t ir = (uint64_t)r;
        if (ir == 2048) {
            ir = 1024;
            e_unb++;
        }
        if (alt && e_unb > 16) {
            e->flags |= A64_FPSR_IOC;
            return sign | 0x7fff;
        }
        if (e_unb > 15 && !alt) {
            e->flags |= A64_FPSR_OFC | A64_FPSR_IXC;
            bool to_inf = rmode == 0 || (rmode == 1 && !sign) || (rmode == 2 && sign) ||
                          rmode == 4;
            return sign | (to_inf ? 0x7c00 : 0x7bff);
        }
        bits = (uint64_t)(e_unb + 15) << 10 | (ir - 1024);
    }
    if (inexact) {
        e->flags |= A64_FPSR_IXC;
        if (tiny)
            e->flags |= A64_FPSR_UFC;
    }
    return sign | bits;
}

/* FPConvertNaN: keep the sign and the top payload bits, set the quiet bit */
static uint64_t convert_nan(struct fpenv *e, uint64_t v, unsigned from, unsigned to)
{
    if (is_snan(v, from))
        e->flags |= A64_FPSR_IOC;
    if (e->fpcr & A64_FPCR_DN)
        return default_nan(to);
    bool sign = v & sign_bit(from);
    uint64_t payload = v & ((1ull << fmts[from].frac) - 1);
    int shift = (int)fmts[to].frac - (int)fmts[from].frac;
    payload = shift >= 0 ? payload << shift : payload >> -shift;
    return (sign ? sign_bit(to) : 0) | exp_mask(to) | quiet_bit(to) | payload;
}

A64_HELPER(a64_helper_fcvt)
{
    /* single <-> double on the fast path: widening is exact, narrowing is
     * the host's conversion with its flags left in MXCSR */
    if ((a1 == (FT_S | FT_D << 8) && NOT_NAN_S(a0)) ||
        (a1 == (FT_D | FT_S << 8) && NOT_NAN_D(a0))) {
        if (fast_ok(state)) {
            if (a1 == (FT_S | FT_D << 8))
                return from_d((double)to_f(a0));
            uint64_t r = from_f((float)to_d(a0));
            if (!is_min_normal(r, FT_S))
                return r;
        }
    }
    struct fpenv e = env_begin(state);
    unsigned from = a1 & 3, to = (a1 >> 8) & 3;
    uint64_t a = flush_in(&e, a0, from), r;
    bool alt = e.fpcr & A64_FPCR_AHP;
    if (is_nan(a, from) && !(alt && from == FT_H)) {
        if (alt && to == FT_H) {
            /* FPConvert: the AHP format has no NaN; a signed zero and IOC */
            e.flags |= A64_FPSR_IOC;
            r = (a & sign_bit(from)) ? 0x8000 : 0;
        } else {
            r = convert_nan(&e, a, from, to);
        }
    } else {
        double d = from == FT_H ? half_to_double(a, alt) : from == FT_S ? to_f(a) : to_d(a);
        if (to == FT_H && alt && isinf(d)) {
            e.flags |= A64_FPSR_IOC;    /* nor infinities: the largest number */
            r = (signbit(d) ? 0x8000 : 0) | 0x7fff;
        } else if (to == FT_H) {
            r = double_to_half(&e, d, fpcr_rmode(&e), alt);
        } else if (to == FT_S) {
            host_begin(&e);
            /* volatile result: keeps the conversion inside the bracket */
            volatile double vd = d;
            volatile float vf = (float)vd;
            r = from_f(vf);
            host_end(&e);
            /* the input is exact: tiny before rounding is below 2^-126 */
            if (is_min_normal(r, FT_S) && fabs(d) < 0x1p-126)
                r = tiny_result(&e, r, FT_S);
            else
                r = flush_out(&e, r, to);
        } else {
            r = from_d(d);
        }
    }
    env_end(&e);
    return r;
}

/* ---- integer conversions ---- */

/* FPToFixed: a1 = ftype | rmode << 8 (7: FPCR) | unsigned << 12 | 64-bit << 13 | fbits << 16 */
A64_HELPER(a64_helper_fp_to_int)
{
    struct fpenv e = env_begin(state);
    unsigned ft = a1 & 3, rmode = (a1 >> 8) & 7, fbits = (a1 >> 16) & 127;
    bool is_unsigned = (a1 >> 12) & 1, is64 = (a1 >> 13) & 1;
    if (rmode == 7)
        rmode = fpcr_rmode(&e);
    uint64_t a = flush_in(&e, a0, ft), r;
    if (is_nan(a, ft)) {
        e.flags |= A64_FPSR_IOC;
        env_end(&e);
        return 0;
    }
    double x = ft == FT_H ? half_to_double(a, false) : ft == FT_S ? to_f(a) : to_d(a);
    x = ldexp(x, (int)fbits);
    double y = isinf(x) ? x : round_int(x, rmode);
    unsigned bits = is64 ? 64 : 32;
    double hi = ldexp(1.0, is_unsigned ? (int)bits : (int)bits - 1);
    double lo = is_unsigned ? 0.0 : -hi;
    if (y >= hi) {
        e.flags |= A64_FPSR_IOC;
        r = is_unsigned ? ~0ull : (1ull << (bits - 1)) - 1;
    } else if (y < lo) {
        e.flags |= A64_FPSR_IOC;
        r = is_unsigned ? 0 : 1ull << (bits - 1);
        if (!is_unsigned && bits == 32)
            r = 0x80000000u;
    } else {
        if (y != x)
            e.flags |= A64_FPSR_IXC;
        r = is_unsigned ? (uint64_t)y : (uint64_t)(int64_t)y;
    }
    if (!is64)
        r = (uint32_t)r;
    if (!is64 && !is_unsigned && y < lo)
        r = 0x80000000u;
    env_end(&e);
    return r;
}

/* FixedToFP: a1 = ftype | unsigned << 12 | 64-bit << 13 | fbits << 16 */
A64_HELPER(a64_helper_int_to_fp)
{
    if (!(a1 & (127u << 16)) && (a1 & 3) <= FT_D && fast_ok(state)) {
        bool u = (a1 >> 12) & 1, w64 = (a1 >> 13) & 1;
        uint64_t v = w64 ? a0 : u ? (uint32_t)a0 : (uint64_t)(int64_t)(int32_t)a0;
        if ((a1 & 3) == FT_D)
            return from_d(u ? (double)v : (double)(int64_t)v);
        return from_f(u ? (float)v : (float)(int64_t)v);
    }
    struct fpenv e = env_begin(state);
    unsigned ft = a1 & 3, fbits = (a1 >> 16) & 127;
    bool is_unsigned = (a1 >> 12) & 1, is64 = (a1 >> 13) & 1;
    uint64_t v = a0, r;
    if (!is64)
        v = is_unsigned ? (uint32_t)v : (uint64_t)(int64_t)(int32_t)v;
    host_begin(&e);
    if (ft == FT_S) {
        volatile float f = is_unsigned ? (float)v : (float)(int64_t)v;
        r = from_f(ldexpf(f, -(int)fbits));
    } else {
        volatile double d = is_unsigned ? (double)v : (double)(int64_t)v;
        r = from_d(ldexp(d, -(int)fbits));
    }
    host_end(&e);
    r = flush_out(&e, r, ft);
    env_end(&e);
    return r;
}

/* FCCMP(E): a2 = signal_all | ftype << 8 | holds << 16, a3 = NZCV when it fails */
A64_HELPER(a64_helper_fccmp)
{
    if (!((a2 >> 16) & 1))
        return a3;
    return a64_helper_fcmp(state, a0, a1, a2 & 0xffff, 0);
}
