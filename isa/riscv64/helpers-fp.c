/*
 * riscv64 F and D helpers (unprivileged ISA, chapters "F" and "D").
 *
 * The common case runs on the host SSE unit.  In round-to-nearest the
 * operation is one instruction whose flags stay in MXCSR until something
 * reads fflags (lazy flags, see rv_fp_sync_flags); in a directed mode the
 * mode is loaded into MXCSR around the instruction and its flags are read
 * back at once.  What SSE cannot do is done by an exact integer
 * path (soft_*): round-to-nearest-ties-to-max-magnitude (RMM), and, as a
 * guard, underflow at the normal/subnormal boundary: RISC-V detects tininess
 * after rounding.  The x86 manuals say SSE does too (and this host measures
 * so; test_fp pins it), but a host detecting it before rounding would
 * differ exactly when the delivered result is +-2^emin with UE raised, and
 * that case is recomputed exactly.
 * Float-to-integer conversions, comparisons, min/max and fclass are pure
 * integer code: their RISC-V results (saturation, NaN rules) have nothing in
 * common with x86's.
 *
 * Every NaN produced by arithmetic is the canonical NaN; a single operand
 * that is not NaN-boxed reads as the canonical NaN.
 */
#include "isa/riscv64/helpers-fp.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "isa/riscv64/cpu.h"

typedef unsigned __int128 u128;

/* ---- formats ---- */

struct fp_fmt {
    int p;                      /* significand bits, hidden bit included */
    int emin, emax;             /* emax is also the bias */
    uint64_t sign, inf, qnan;   /* qnan is the canonical NaN */
};

static const struct fp_fmt fmt_s = { 24, -126, 127, 0x80000000u, 0x7f800000u, 0x7fc00000u };
static const struct fp_fmt fmt_d = { 53, -1022, 1023, 1ull << 63, 0x7ff0000000000000ull,
                                     0x7ff8000000000000ull };

#define BOX_S 0xffffffff00000000ull

static inline uint64_t unbox_s(uint64_t v)
{
    return (v & BOX_S) == BOX_S ? (uint32_t)v : fmt_s.qnan;
}

static inline uint64_t fp_abs(const struct fp_fmt *f, uint64_t x) { return x & ~f->sign; }
static inline bool fp_is_nan(const struct fp_fmt *f, uint64_t x) { return fp_abs(f, x) > f->inf; }
static inline bool fp_is_inf(const struct fp_fmt *f, uint64_t x) { return fp_abs(f, x) == f->inf; }
static inline bool fp_is_zero(const struct fp_fmt *f, uint64_t x) { return fp_abs(f, x) == 0; }
static inline bool fp_is_snan(const struct fp_fmt *f, uint64_t x)
{
    return fp_is_nan(f, x) && !(x & (1ull << (f->p - 2)));
}
static inline uint64_t fp_min_normal(const struct fp_fmt *f) { return 1ull << (f->p - 1); }

/* finite nonzero value = (-1)^sign * sig * 2^exp */
struct fp_num {
    int sign;
    int exp;
    uint64_t sig;
};

static void fp_unpack(const struct fp_fmt *f, uint64_t x, struct fp_num *n)
{
    uint64_t frac = x & (fp_min_normal(f) - 1);
    int be = (int)(fp_abs(f, x) >> (f->p - 1));
    n->sign = (x & f->sign) != 0;
    if (be == 0) {
        n->sig = frac;
        n->exp = f->emin - (f->p - 1);
    } else {
        n->sig = frac | fp_min_normal(f);
        n->exp = be - f->emax - (f->p - 1);
    }
}

/* ---- exact rounding ---- */

/*
 * Round sig * 2^-drop to an integer in mode rm (sign is the value's sign).
 * Past 65 every dropped pattern is "nonzero, below half", as at 65.
 */
static uint64_t round_shift(uint64_t sig, int drop, unsigned rm, int sign, bool *inexact)
{
    if (drop <= 0) {
        *inexact = false;
        return sig;
    }
    if (drop > 65)
        drop = 65;
    u128 x = sig;
    uint64_t k = (uint64_t)(x >> drop);
    u128 rem = x & (((u128)1 << drop) - 1);
    u128 half = (u128)1 << (drop - 1);
    bool up;
    switch (rm) {
    case RV_RM_RNE: up = rem > half || (rem == half && (k & 1)); break;
    case RV_RM_RTZ: up = false; break;
    case RV_RM_RDN: up = rem != 0 && sign; break;
    case RV_RM_RUP: up = rem != 0 && !sign; break;
    default:        up = rem >= half; break;        /* RMM */
    }
    *inexact = rem != 0;
    return k + up;
}

static uint64_t fp_overflow(const struct fp_fmt *f, int sign, unsigned rm, uint32_t *fl)
{
    bool to_inf = rm == RV_RM_RNE || rm == RV_RM_RMM || (rm == RV_RM_RDN && sign) ||
                  (rm == RV_RM_RUP && !sign);
    *fl |= RV_FFLAG_OF | RV_FFLAG_NX;
    return (sign ? f->sign : 0) | (to_inf ? f->inf : f->inf - 1);
}

/*
 * Pack sign * sig * 2^exp (sig != 0) rounded to format f.  Bits of the exact
 * value below sig's bit 0 must have been ORed into bit 0 ("jammed"); sig
 * keeps at least p + 2 significant bits then, which is all rounding needs.
 * Tininess is detected after rounding, as RISC-V requires.
 */
static uint64_t round_pack(const struct fp_fmt *f, int sign, int exp, uint64_t sig,
                           unsigned rm, uint32_t *fl)
{
    int sh = __builtin_clzll(sig);
    sig <<= sh;
    exp -= sh;
    int e = exp + 63;                           /* value in [2^e, 2^(e+1)) */
    int drop = 64 - f->p;
    bool tiny = false, inexact;
    if (e > f->emax)
        return fp_overflow(f, sign, rm, fl);
    if (e < f->emin) {
        /* tiny unless rounding to p bits, exponent unbounded, reaches 2^emin */
        tiny = e < f->emin - 1 || round_shift(sig, drop, rm, sign, &inexact) >> f->p == 0;
        drop += f->emin - e;
    }
    uint64_t k = round_shift(sig, drop, rm, sign, &inexact);
    uint64_t bits;
    if (e < f->emin)
        bits = k;       /* subnormal; a carry into bit p-1 makes it the smallest normal */
    else
        bits = ((uint64_t)(e + f->emax - 1) << (f->p - 1)) + k;
    if (bits >= f->inf)
        return fp_overflow(f, sign, rm, fl);
    if (inexact)
        *fl |= RV_FFLAG_NX | (tiny ? RV_FFLAG_UF : 0);
    return bits | (sign ? f->sign : 0);
}

/* shrink a 128-bit significand to 64 bits, jamming what falls off */
static uint64_t jam_128(u128 x, int *exp)
{
    uint64_t hi = (uint64_t)(x >> 64);
    if (!hi)
        return (uint64_t)x;
    int s = 64 - __builtin_clzll(hi);
    bool lost = (x & (((u128)1 << s) - 1)) != 0;
    *exp += s;
    return (uint64_t)(x >> s) | lost;
}

static int msb_128(u128 x)
{
    uint64_t hi = (uint64_t)(x >> 64);
    return hi ? 127 - __builtin_clzll(hi) : 63 - __builtin_clzll((uint64_t)x);
}

/*
 * sa * A * 2^ea + sb * B * 2^eb for nonzero A, B below 2^126, rounded.
 * Both are normalised to bit 125, so their low bits are zero and a jammed
 * bit 0 of the aligned smaller one never changes which side of a rounding
 * boundary the difference falls on.
 */
static uint64_t add_core(const struct fp_fmt *f, int sa, u128 A, int ea, int sb, u128 B, int eb,
                         unsigned rm, uint32_t *fl)
{
    int s = 125 - msb_128(A);
    A <<= s;
    ea -= s;
    s = 125 - msb_128(B);
    B <<= s;
    eb -= s;
    if (ea < eb) {
        u128 t = A; A = B; B = t;
        int ti = ea; ea = eb; eb = ti;
        ti = sa; sa = sb; sb = ti;
    }
    int diff = ea - eb;
    if (diff > 127)
        B = 1;
    else if (diff > 0)
        B = (B >> diff) | ((B & (((u128)1 << diff) - 1)) != 0);
    int sign = sa;
    u128 S;
    if (sa == sb) {
        S = A + B;
    } else if (A >= B) {
        S = A - B;
    } else {
        S = B - A;
        sign = sb;
    }
    if (S == 0)
        return rm == RV_RM_RDN ? f->sign : 0;
    uint64_t sig = jam_128(S, &ea);
    return round_pack(f, sign, ea, sig, rm, fl);
}

/* ---- the exact operations, special values included ---- */

static uint64_t soft_add(const struct fp_fmt *f, uint64_t a, uint64_t b, unsigned rm,
                         uint32_t *fl)
{
    if (fp_is_nan(f, a) || fp_is_nan(f, b)) {
        if (fp_is_snan(f, a) || fp_is_snan(f, b))
            *fl |= RV_FFLAG_NV;
        return f->qnan;
    }
    if (fp_is_inf(f, a)) {
        if (fp_is_inf(f, b) && ((a ^ b) & f->sign)) {
            *fl |= RV_FFLAG_NV;
            return f->qnan;
        }
        return a;
    }
    if (fp_is_inf(f, b))
        return b;
    if (fp_is_zero(f, a) && fp_is_zero(f, b))
        return ((a ^ b) & f->sign) ? (rm == RV_RM_RDN ? f->sign : 0) : a;
    if (fp_is_zero(f, a))
        return b;
    if (fp_is_zero(f, b))
        return a;
    struct fp_num x, y;
    fp_unpack(f, a, &x);
    fp_unpack(f, b, &y);
    return add_core(f, x.sign, x.sig, x.exp, y.sign, y.sig, y.exp, rm, fl);
}

static uint64_t soft_mul(const struct fp_fmt *f, uint64_t a, uint64_t b, unsigned rm,
                         uint32_t *fl)
{
    uint64_t sign = (a ^ b) & f->sign;
    if (fp_is_nan(f, a) || fp_is_nan(f, b)) {
        if (fp_is_snan(f, a) || fp_is_snan(f, b))
            *fl |= RV_FFLAG_NV;
        return f->qnan;
    }
    if (fp_is_inf(f, a) || fp_is_inf(f, b)) {
        if (fp_is_zero(f, a) || fp_is_zero(f, b)) {
            *fl |= RV_FFLAG_NV;
            return f->qnan;
        }
        return sign | f->inf;
    }
    if (fp_is_zero(f, a) || fp_is_zero(f, b))
        return sign;
    struct fp_num x, y;
    fp_unpack(f, a, &x);
    fp_unpack(f, b, &y);
    int exp = x.exp + y.exp;
    uint64_t sig = jam_128((u128)x.sig * y.sig, &exp);
    return round_pack(f, sign != 0, exp, sig, rm, fl);
}

static uint64_t soft_div(const struct fp_fmt *f, uint64_t a, uint64_t b, unsigned rm,
                         uint32_t *fl)
{
    uint64_t sign = (a ^ b) & f->sign;
    if (fp_is_nan(f, a) || fp_is_nan(f, b)) {
        if (fp_is_snan(f, a) || fp_is_snan(f, b))
            *fl |= RV_FFLAG_NV;
        return f->qnan;
    }
    if (fp_is_inf(f, a)) {
        if (fp_is_inf(f, b)) {
            *fl |= RV_FFLAG_NV;
            return f->qnan;
        }
        return sign | f->inf;
    }
    if (fp_is_inf(f, b))
        return sign;
    if (fp_is_zero(f, b)) {
        if (fp_is_zero(f, a)) {
            *fl |= RV_FFLAG_NV;
            return f->qnan;
        }
        *fl |= RV_FFLAG_DZ;
        return sign | f->inf;
    }
    if (fp_is_zero(f, a))
        return sign;
    struct fp_num x, y;
    fp_unpack(f, a, &x);
    fp_unpack(f, b, &y);
    int ca = __builtin_clzll(x.sig), cb = __builtin_clzll(y.sig);
    uint64_t na = x.sig << ca, nb = y.sig << cb;
    /* na / nb is in (1/2, 2), so the quotient has 63 or 64 bits */
    u128 num = (u128)na << 63;
    uint64_t q = (uint64_t)(num / nb);
    q |= (num % nb) != 0;
    return round_pack(f, sign != 0, x.exp - ca - (y.exp - cb) - 63, q, rm, fl);
}

/* a * b + c; the caller has applied the fnmadd/fmsub negations to a and c */
static uint64_t soft_fma(const struct fp_fmt *f, uint64_t a, uint64_t b, uint64_t c,
                         unsigned rm, uint32_t *fl)
{
    uint64_t psign = (a ^ b) & f->sign;
    bool inf_zero = (fp_is_inf(f, a) && fp_is_zero(f, b)) ||
                    (fp_is_zero(f, a) && fp_is_inf(f, b));
    if (fp_is_nan(f, a) || fp_is_nan(f, b) || fp_is_nan(f, c)) {
        /* the spec requires NV for inf * 0 even when c is a quiet NaN */
        if (fp_is_snan(f, a) || fp_is_snan(f, b) || fp_is_snan(f, c) || inf_zero)
            *fl |= RV_FFLAG_NV;
        return f->qnan;
    }
    if (inf_zero) {
        *fl |= RV_FFLAG_NV;
        return f->qnan;
    }
    if (fp_is_inf(f, a) || fp_is_inf(f, b)) {
        if (fp_is_inf(f, c) && (c & f->sign) != psign) {
            *fl |= RV_FFLAG_NV;
            return f->qnan;
        }
        return psign | f->inf;
    }
    if (fp_is_inf(f, c))
        return c;
    if (fp_is_zero(f, a) || fp_is_zero(f, b)) {
        if (!fp_is_zero(f, c))
            return c;
        if ((c & f->sign) == psign)
            return c;
        return rm == RV_RM_RDN ? f->sign : 0;
    }
    struct fp_num x, y, z;
    fp_unpack(f, a, &x);
    fp_unpack(f, b, &y);
    u128 P = (u128)x.sig * y.sig;
    int pe = x.exp + y.exp;
    if (fp_is_zero(f, c)) {
        uint64_t sig = jam_128(P, &pe);
        return round_pack(f, psign != 0, pe, sig, rm, fl);
    }
    fp_unpack(f, c, &z);
    return add_core(f, psign != 0, P, pe, z.sign, z.sig, z.exp, rm, fl);
}

static uint64_t soft_cvt_s_d(uint64_t a, unsigned rm, uint32_t *fl)
{
    uint64_t sign = (a >> 32) & fmt_s.sign;
    if (fp_is_nan(&fmt_d, a)) {
        if (fp_is_snan(&fmt_d, a))
            *fl |= RV_FFLAG_NV;
        return fmt_s.qnan;
    }
    if (fp_is_inf(&fmt_d, a))
        return sign | fmt_s.inf;
    if (fp_is_zero(&fmt_d, a))
        return sign;
    struct fp_num x;
    fp_unpack(&fmt_d, a, &x);
    return round_pack(&fmt_s, x.sign, x.exp, x.sig, rm, fl);
}

uint64_t rv_fp_soft(enum rv_fp_soft_op op, int fmt, uint64_t a, uint64_t b, uint64_t c,
                    unsigned rm, uint32_t *flags)
{
    const struct fp_fmt *f = fmt ? &fmt_d : &fmt_s;
    switch (op) {
    case RV_SOFT_ADD: return soft_add(f, a, b, rm, flags);
    case RV_SOFT_MUL: return soft_mul(f, a, b, rm, flags);
    case RV_SOFT_DIV: return soft_div(f, a, b, rm, flags);
    case RV_SOFT_FMA: return soft_fma(f, a, b, c, rm, flags);
    case RV_SOFT_CVT_S_D: return soft_cvt_s_d(a, rm, flags);
    }
    abort();
}

/* ---- the host FPU ---- */

#define MXCSR_DEFAULT 0x1f80u   /* all exceptions masked, RNE, flags clear */
#define MXCSR_FLAGS 0x3fu       /* IE DE ZE OE UE PE */

/* MXCSR.RC for RNE, RTZ, RDN, RUP (RMM never reaches the host) */
static const uint32_t mxcsr_rc[4] = { 0u << 13, 3u << 13, 1u << 13, 2u << 13 };

static inline uint32_t mxcsr_read(void)
{
    uint32_t m;
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    return m;
}

static inline void mxcsr_write(uint32_t m)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(m));
}

/* IE DE ZE OE UE PE (bits 0..5) -> NV DZ OF UF NX; DE has no counterpart */
static inline uint32_t mxcsr_to_fflags(uint32_t m)
{
    return ((m & 1) << 4) | ((m & 4) << 1) | ((m & 8) >> 1) | ((m & 16) >> 3) |
           ((m & 32) >> 5);
}

/*
 * Lazy flags.  While guest code runs, MXCSR stays in RNE and its sticky
 * flags are not cleared: a round-to-nearest operation is then the bare host
 * instruction, and whatever it raises simply accumulates in MXCSR.  The
 * guest's fflags are cpu->fflags | (MXCSR flags since the last sync);
 * rv_fp_sync_flags folds the second into the first.  MXCSR is per host
 * thread, as the guest's fflags are per hart.  This is only exact when the
 * host detects tininess after rounding, as RISC-V does: the constructor
 * below measures that once (before main, so before any guest thread) and
 * otherwise leaves lazy mode off, so that every operation goes through the
 * eager path and its underflow-boundary guard.
 */
static bool fp_lazy;
static bool host_has_fma;

void rv_fp_sync_flags(struct rv_cpu *cpu)
{
    uint32_t m = mxcsr_read();
    if (m & MXCSR_FLAGS) {
        cpu->fflags |= mxcsr_to_fflags(m);
        mxcsr_write(m & ~MXCSR_FLAGS);
    }
}

/*
 * The eager path, for the directed modes (and for every mode on a host
 * that fails the probe).  The accumulated flags are set aside, the
 * operation runs with clean flags in its own mode, and then MXCSR goes back
 * to RNE with the accumulated flags intact; this operation's flags are
 * returned, for the guard below to inspect before they are accrued.  The
 * operations are volatile asm, so the compiler can neither fold them nor
 * move them across the mode change.
 */
static inline uint32_t host_begin(unsigned rm)
{
    uint32_t saved = mxcsr_read();
    mxcsr_write(MXCSR_DEFAULT | mxcsr_rc[rm]);
    return saved;
}

static inline uint32_t host_end(uint32_t saved)
{
    uint32_t m = mxcsr_read();
    mxcsr_write(MXCSR_DEFAULT | (saved & MXCSR_FLAGS));
    return mxcsr_to_fflags(m);
}

enum fp_op { OP_ADD, OP_SUB, OP_MUL, OP_DIV };

static inline uint64_t host_arith_d(enum fp_op op, uint64_t a, uint64_t b)
{
    double x, y;
    __builtin_memcpy(&x, &a, 8);
    __builtin_memcpy(&y, &b, 8);
    switch (op) {
    case OP_ADD: __asm__ volatile("addsd %1, %0" : "+x"(x) : "x"(y)); break;
    case OP_SUB: __asm__ volatile("subsd %1, %0" : "+x"(x) : "x"(y)); break;
    case OP_MUL: __asm__ volatile("mulsd %1, %0" : "+x"(x) : "x"(y)); break;
    case OP_DIV: __asm__ volatile("divsd %1, %0" : "+x"(x) : "x"(y)); break;
    }
    __builtin_memcpy(&a, &x, 8);
    return a;
}

static inline uint64_t host_arith_s(enum fp_op op, uint64_t a, uint64_t b)
{
    float x, y;
    uint32_t r, ua = (uint32_t)a, ub = (uint32_t)b;
    __builtin_memcpy(&x, &ua, 4);
    __builtin_memcpy(&y, &ub, 4);
    switch (op) {
    case OP_ADD: __asm__ volatile("addss %1, %0" : "+x"(x) : "x"(y)); break;
    case OP_SUB: __asm__ volatile("subss %1, %0" : "+x"(x) : "x"(y)); break;
    case OP_MUL: __asm__ volatile("mulss %1, %0" : "+x"(x) : "x"(y)); break;
    case OP_DIV: __asm__ volatile("divss %1, %0" : "+x"(x) : "x"(y)); break;
    }
    __builtin_memcpy(&r, &x, 4);
    return r;
}

static inline uint64_t host_fma(const struct fp_fmt *f, uint64_t a, uint64_t b, uint64_t c)
{
    if (f == &fmt_d) {
        double x, y, z;
        __builtin_memcpy(&x, &a, 8);
        __builtin_memcpy(&y, &b, 8);
        __builtin_memcpy(&z, &c, 8);
        __asm__ volatile("vfmadd213sd %2, %1, %0" : "+x"(x) : "x"(y), "x"(z));
        __builtin_memcpy(&a, &x, 8);
        return a;
    }
    float x, y, z;
    uint32_t r, ua = (uint32_t)a, ub = (uint32_t)b, uc = (uint32_t)c;
    __builtin_memcpy(&x, &ua, 4);
    __builtin_memcpy(&y, &ub, 4);
    __builtin_memcpy(&z, &uc, 4);
    __asm__ volatile("vfmadd213ss %2, %1, %0" : "+x"(x) : "x"(y), "x"(z));
    __builtin_memcpy(&r, &x, 4);
    return r;
}

static inline uint64_t host_sqrt(const struct fp_fmt *f, uint64_t a)
{
    if (f == &fmt_d) {
        double x;
        __builtin_memcpy(&x, &a, 8);
        __asm__ volatile("sqrtsd %0, %0" : "+x"(x));
        __builtin_memcpy(&a, &x, 8);
        return a;
    }
    float x;
    uint32_t r, ua = (uint32_t)a;
    __builtin_memcpy(&x, &ua, 4);
    __asm__ volatile("sqrtss %0, %0" : "+x"(x));
    __builtin_memcpy(&r, &x, 4);
    return r;
}

static inline uint64_t host_cvt_s_d(uint64_t a)
{
    double x;
    float y;
    uint32_t r;
    __builtin_memcpy(&x, &a, 8);
    __asm__ volatile("cvtsd2ss %1, %0" : "=x"(y) : "x"(x));
    __builtin_memcpy(&r, &y, 4);
    return r;
}

/*
 * 2^-1022 (1 - 2^-104) and 2^-126 (1 - 2^-46) as products: tiny before
 * rounding, not after (with an unbounded exponent they round up to 2^emin).
 * A host that detects tininess after rounding raises PE alone for them.
 */
static bool host_tiny_after_rounding(void)
{
    uint32_t saved = host_begin(RV_RM_RNE);
    host_arith_d(OP_MUL, 0x3ff0000000000001ull, 0x000fffffffffffffull);
    bool ok = host_end(saved) == RV_FFLAG_NX;
    saved = host_begin(RV_RM_RNE);
    host_arith_s(OP_MUL, 0x3f800001u, 0x007fffffu);
    ok = ok && host_end(saved) == RV_FFLAG_NX;
    if (host_has_fma) {
        saved = host_begin(RV_RM_RNE);
        host_fma(&fmt_d, 0x3ff0000000000001ull, 0x000fffffffffffffull, 0);
        ok = ok && host_end(saved) == RV_FFLAG_NX;
    }
    return ok;
}

static void __attribute__((constructor)) fp_host_probe(void)
{
    __builtin_cpu_init();
    host_has_fma = __builtin_cpu_supports("fma");
    fp_lazy = host_tiny_after_rounding();
    /* start the main thread's accumulation clean, whatever ran before */
    mxcsr_write(MXCSR_DEFAULT);
}

bool rv_fp_lazy_flags(int enable)
{
    bool was = fp_lazy;
    if (enable >= 0)
        fp_lazy = enable && host_tiny_after_rounding();
    return was;
}

/* ---- rounding mode ---- */

static void __attribute__((noreturn, cold)) bad_frm(struct rv_cpu *cpu, uint64_t pc)
{
    fprintf(stderr,
            "runtime-riscv64: pc 0x%" PRIx64 ": floating-point instruction with dynamic "
            "rounding mode, but frm holds reserved value %u: illegal instruction\n",
            pc, cpu->frm);
    exit(132);
}

static inline unsigned rm_resolve(struct rv_cpu *cpu, uint64_t rmarg)
{
    unsigned rm = rmarg & 7;
    if (rm == RV_RM_DYN)
        rm = cpu->frm;
    if (__builtin_expect(rm > RV_RM_RMM, 0))
        bad_frm(cpu, rmarg >> 3);
    return rm;
}

static inline uint64_t box(const struct fp_fmt *f, uint64_t v)
{
    return f == &fmt_s ? v | BOX_S : v;
}

static inline uint64_t operand(const struct fp_fmt *f, uint64_t v)
{
    return f == &fmt_s ? unbox_s(v) : v;
}

static inline uint64_t canonical(const struct fp_fmt *f, uint64_t r)
{
    return fp_is_nan(f, r) ? f->qnan : r;
}

/* the lazy path applies: RNE on a host whose flags can be left to accumulate */
static inline bool fast_rne(unsigned rm)
{
    return __builtin_expect(rm == RV_RM_RNE && fp_lazy, 1);
}

/*
 * UE with a result of +-2^emin is the only case where tininess before and
 * after rounding (to p bits, exponent unbounded) can disagree: take the
 * exact path then, whichever way the host detects it.
 */
static inline bool host_tininess_differs(const struct fp_fmt *f, uint64_t r, uint32_t fl)
{
    return (fl & RV_FFLAG_UF) && fp_abs(f, r) == fp_min_normal(f);
}

/* ---- arithmetic ---- */

/* directed modes, RMM and the guard; a and b are unboxed */
static uint64_t __attribute__((noinline))
arith_slow(struct rv_cpu *cpu, const struct fp_fmt *f, enum fp_op op, uint64_t a, uint64_t b,
           unsigned rm)
{
    uint32_t fl = 0;
    uint64_t r;
    if (rm != RV_RM_RMM) {
        uint32_t saved = host_begin(rm);
        r = f == &fmt_d ? host_arith_d(op, a, b) : host_arith_s(op, a, b);
        fl = host_end(saved);
        r = canonical(f, r);
        if (__builtin_expect(!host_tininess_differs(f, r, fl), 1)) {
            cpu->fflags |= fl;
            return box(f, r);
        }
        fl = 0;
    }
    switch (op) {
    case OP_ADD: r = soft_add(f, a, b, rm, &fl); break;
    case OP_SUB: r = soft_add(f, a, b ^ f->sign, rm, &fl); break;
    case OP_MUL: r = soft_mul(f, a, b, rm, &fl); break;
    default:     r = soft_div(f, a, b, rm, &fl); break;
    }
    cpu->fflags |= fl;
    return box(f, r);
}

/* the fast path is kept free of anything that would need a stack frame */
static inline __attribute__((always_inline)) uint64_t
do_arith(struct rv_cpu *cpu, const struct fp_fmt *f, enum fp_op op, uint64_t a, uint64_t b,
         unsigned rm)
{
    a = operand(f, a);
    b = operand(f, b);
    if (fast_rne(rm)) {
        uint64_t r = f == &fmt_d ? host_arith_d(op, a, b) : host_arith_s(op, a, b);
        return box(f, canonical(f, r));
    }
    return arith_slow(cpu, f, op, a, b, rm);
}

#define ARITH(name, f, op)                                                              \
    RV_FP_HELPER(rv_##name) { return do_arith(env, f, op, a, b, rm_resolve(env, c)); } \
    RV_FP_HELPER(rv_##name##_rne) { return do_arith(env, f, op, a, b, RV_RM_RNE); }

ARITH(fadd_s, &fmt_s, OP_ADD)
ARITH(fsub_s, &fmt_s, OP_SUB)
ARITH(fmul_s, &fmt_s, OP_MUL)
ARITH(fdiv_s, &fmt_s, OP_DIV)
ARITH(fadd_d, &fmt_d, OP_ADD)
ARITH(fsub_d, &fmt_d, OP_SUB)
ARITH(fmul_d, &fmt_d, OP_MUL)
ARITH(fdiv_d, &fmt_d, OP_DIV)

/*
 * A square root is never exactly halfway between two floating-point numbers
 * (the square of a midpoint needs more than p bits), so RMM rounds like RNE;
 * and it never underflows.  The host result is always exact.
 */
static uint64_t __attribute__((noinline))
sqrt_directed(struct rv_cpu *cpu, const struct fp_fmt *f, uint64_t a, unsigned rm)
{
    uint32_t saved = host_begin(rm);
    uint64_t r = host_sqrt(f, a);
    cpu->fflags |= host_end(saved);
    return box(f, canonical(f, r));
}

static inline __attribute__((always_inline)) uint64_t
do_sqrt(struct rv_cpu *cpu, const struct fp_fmt *f, uint64_t a, unsigned rm)
{
    a = operand(f, a);
    if (__builtin_expect(rm == RV_RM_RNE || rm == RV_RM_RMM, 1))
        return box(f, canonical(f, host_sqrt(f, a)));
    return sqrt_directed(cpu, f, a, rm);
}

RV_FP_HELPER(rv_fsqrt_s) { return do_sqrt(env, &fmt_s, a, rm_resolve(env, b)); }
RV_FP_HELPER(rv_fsqrt_d) { return do_sqrt(env, &fmt_d, a, rm_resolve(env, b)); }
RV_FP_HELPER(rv_fsqrt_s_rne) { return do_sqrt(env, &fmt_s, a, RV_RM_RNE); }
RV_FP_HELPER(rv_fsqrt_d_rne) { return do_sqrt(env, &fmt_d, a, RV_RM_RNE); }

enum { NEG_PROD = 1, NEG_ADD = 2 };

/* a, b, c unboxed and negated as the instruction asks */
static uint64_t __attribute__((noinline))
fma_slow(struct rv_cpu *cpu, const struct fp_fmt *f, uint64_t a, uint64_t b, uint64_t c,
         unsigned rm)
{
    uint32_t fl = 0;
    uint64_t r;
    /* x86 leaves inf * 0 + qNaN quiet; RISC-V raises NV: the exact path does */
    bool inf_zero = (fp_is_inf(f, a) && fp_is_zero(f, b)) ||
                    (fp_is_zero(f, a) && fp_is_inf(f, b));
    if (rm != RV_RM_RMM && !inf_zero && host_has_fma) {
        uint32_t saved = host_begin(rm);
        r = host_fma(f, a, b, c);
        fl = host_end(saved);
        r = canonical(f, r);
        if (__builtin_expect(!host_tininess_differs(f, r, fl), 1)) {
            cpu->fflags |= fl;
            return box(f, r);
        }
        fl = 0;
    }
    r = soft_fma(f, a, b, c, rm, &fl);
    cpu->fflags |= fl;
    return box(f, r);
}

static inline __attribute__((always_inline)) uint64_t
do_fma(struct rv_cpu *cpu, const struct fp_fmt *f, unsigned neg, uint64_t a, uint64_t b,
       uint64_t c, unsigned rm)
{
    /* fnmadd is -(a*b) - c, not -(a*b + c): the negations are applied to the
     * operands, which is exact and gives the right sign of zero */
    a = operand(f, a) ^ (neg & NEG_PROD ? f->sign : 0);
    b = operand(f, b);
    c = operand(f, c) ^ (neg & NEG_ADD ? f->sign : 0);
    if (fast_rne(rm) && __builtin_expect(host_has_fma, 1)) {
        uint64_t r = host_fma(f, a, b, c);
        /*
         * Every NaN result is recomputed exactly: that catches inf * 0 + qNaN,
         * where x86 raises nothing and RISC-V NV.  What the host raised for
         * the other NaN cases is a subset of what the exact path raises.
         */
        if (__builtin_expect(!fp_is_nan(f, r), 1))
            return box(f, r);
    }
    return fma_slow(cpu, f, a, b, c, rm);
}

#define FMA(name, f, neg)                                                                   \
    RV_FP_HELPER(rv_##name) { return do_fma(env, f, neg, a, b, c, rm_resolve(env, d)); }   \
    RV_FP_HELPER(rv_##name##_rne) { return do_fma(env, f, neg, a, b, c, RV_RM_RNE); }

FMA(fmadd_s, &fmt_s, 0)
FMA(fmsub_s, &fmt_s, NEG_ADD)
FMA(fnmsub_s, &fmt_s, NEG_PROD)
FMA(fnmadd_s, &fmt_s, NEG_PROD | NEG_ADD)
FMA(fmadd_d, &fmt_d, 0)
FMA(fmsub_d, &fmt_d, NEG_ADD)
FMA(fnmsub_d, &fmt_d, NEG_PROD)
FMA(fnmadd_d, &fmt_d, NEG_PROD | NEG_ADD)

/* ---- min/max, comparisons, classification: integer only ---- */

/* an unsigned key ordered like the values, -0 below +0 (NaNs excluded) */
static inline uint64_t order_key(const struct fp_fmt *f, uint64_t x)
{
    return (x & f->sign) ? ~x & (f->sign | (f->sign - 1)) : x | f->sign;
}

/* 2019 semantics (minimumNumber/maximumNumber): a single NaN is ignored */
static inline uint64_t do_minmax(struct rv_cpu *cpu, const struct fp_fmt *f, bool max,
                                 uint64_t a, uint64_t b)
{
    a = operand(f, a);
    b = operand(f, b);
    if (fp_is_snan(f, a) || fp_is_snan(f, b))
        cpu->fflags |= RV_FFLAG_NV;
    uint64_t r;
    if (fp_is_nan(f, a))
        r = fp_is_nan(f, b) ? f->qnan : b;
    else if (fp_is_nan(f, b))
        r = a;
    else
        r = (order_key(f, a) < order_key(f, b)) != max ? a : b;
    return box(f, r);
}

RV_FP_HELPER(rv_fmin_s) { return do_minmax(env, &fmt_s, false, a, b); }
RV_FP_HELPER(rv_fmax_s) { return do_minmax(env, &fmt_s, true, a, b); }
RV_FP_HELPER(rv_fmin_d) { return do_minmax(env, &fmt_d, false, a, b); }
RV_FP_HELPER(rv_fmax_d) { return do_minmax(env, &fmt_d, true, a, b); }

enum cmp_kind { CMP_EQ, CMP_LT, CMP_LE };

/* feq is a quiet comparison (NV only for sNaN); flt and fle signal on any NaN */
static inline uint64_t do_cmp(struct rv_cpu *cpu, const struct fp_fmt *f, enum cmp_kind k,
                              uint64_t a, uint64_t b)
{
    a = operand(f, a);
    b = operand(f, b);
    if (fp_is_nan(f, a) || fp_is_nan(f, b)) {
        if (k != CMP_EQ || fp_is_snan(f, a) || fp_is_snan(f, b))
            cpu->fflags |= RV_FFLAG_NV;
        return 0;
    }
    bool zeros = fp_is_zero(f, a) && fp_is_zero(f, b);
    uint64_t ka = order_key(f, a), kb = order_key(f, b);
    switch (k) {
    case CMP_EQ: return zeros || a == b;
    case CMP_LT: return !zeros && ka < kb;
    default:     return zeros || ka <= kb;
    }
}

RV_FP_HELPER(rv_feq_s) { return do_cmp(env, &fmt_s, CMP_EQ, a, b); }
RV_FP_HELPER(rv_flt_s) { return do_cmp(env, &fmt_s, CMP_LT, a, b); }
RV_FP_HELPER(rv_fle_s) { return do_cmp(env, &fmt_s, CMP_LE, a, b); }
RV_FP_HELPER(rv_feq_d) { return do_cmp(env, &fmt_d, CMP_EQ, a, b); }
RV_FP_HELPER(rv_flt_d) { return do_cmp(env, &fmt_d, CMP_LT, a, b); }
RV_FP_HELPER(rv_fle_d) { return do_cmp(env, &fmt_d, CMP_LE, a, b); }

static inline uint64_t do_class(const struct fp_fmt *f, uint64_t a)
{
    a = operand(f, a);
    bool neg = (a & f->sign) != 0;
    uint64_t m = fp_abs(f, a);
    if (m > f->inf)
        return fp_is_snan(f, a) ? 1u << 8 : 1u << 9;
    if (m == f->inf)
        return neg ? 1u << 0 : 1u << 7;
    if (m >= fp_min_normal(f))
        return neg ? 1u << 1 : 1u << 6;
    if (m)
        return neg ? 1u << 2 : 1u << 5;
    return neg ? 1u << 3 : 1u << 4;
}

RV_FP_HELPER(rv_fclass_s) { return do_class(&fmt_s, a); }
RV_FP_HELPER(rv_fclass_d) { return do_class(&fmt_d, a); }

/* ---- float -> integer ---- */

/*
 * Round to an integer and saturate: NaN and +out-of-range give the largest
 * value, -out-of-range the smallest, with NV and without NX.  bits is 32 or
 * 64; 32-bit results are sign-extended to 64 (for wu too).
 */
static inline uint64_t do_to_int(struct rv_cpu *cpu, const struct fp_fmt *f, bool is_signed,
                                 int bits, uint64_t a, uint64_t rmarg)
{
    unsigned rm = rm_resolve(cpu, rmarg);
    uint64_t max = is_signed ? (1ull << (bits - 1)) - 1 : ~0ull >> (64 - bits);
    uint64_t neg_lim = is_signed ? 1ull << (bits - 1) : 0;     /* largest |negative| */
    uint64_t r;
    a = operand(f, a);
    if (fp_is_nan(f, a)) {
        cpu->fflags |= RV_FFLAG_NV;
        r = max;
        goto out;
    }
    int sign = (a & f->sign) != 0;
    if (fp_is_zero(f, a))
        return 0;
    bool inexact = false;
    uint64_t mag;
    if (fp_is_inf(f, a)) {
        goto invalid;
    } else {
        struct fp_num x;
        fp_unpack(f, a, &x);
        if (x.exp >= 0) {
            if (63 - __builtin_clzll(x.sig) + x.exp > 63)
                goto invalid;
            mag = x.sig << x.exp;
        } else {
            mag = round_shift(x.sig, -x.exp, rm, sign, &inexact);
        }
    }
    if (sign ? mag > neg_lim : mag > max)
        goto invalid;
    r = sign ? -mag : mag;
    if (inexact)
        cpu->fflags |= RV_FFLAG_NX;
    goto out;
invalid:
    cpu->fflags |= RV_FFLAG_NV;
    r = sign ? -neg_lim : max;
out:
    return bits == 32 ? (uint64_t)(int64_t)(int32_t)r : r;
}

RV_FP_HELPER(rv_fcvt_w_s) { return do_to_int(env, &fmt_s, true, 32, a, b); }
RV_FP_HELPER(rv_fcvt_wu_s) { return do_to_int(env, &fmt_s, false, 32, a, b); }
RV_FP_HELPER(rv_fcvt_l_s) { return do_to_int(env, &fmt_s, true, 64, a, b); }
RV_FP_HELPER(rv_fcvt_lu_s) { return do_to_int(env, &fmt_s, false, 64, a, b); }
RV_FP_HELPER(rv_fcvt_w_d) { return do_to_int(env, &fmt_d, true, 32, a, b); }
RV_FP_HELPER(rv_fcvt_wu_d) { return do_to_int(env, &fmt_d, false, 32, a, b); }
RV_FP_HELPER(rv_fcvt_l_d) { return do_to_int(env, &fmt_d, true, 64, a, b); }
RV_FP_HELPER(rv_fcvt_lu_d) { return do_to_int(env, &fmt_d, false, 64, a, b); }

/* ---- integer -> float ---- */

static inline uint64_t host_from_i64(const struct fp_fmt *f, int64_t v)
{
    if (f == &fmt_d) {
        double x;
        uint64_t r;
        __asm__ volatile("cvtsi2sdq %1, %0" : "=x"(x) : "rm"(v));
        __builtin_memcpy(&r, &x, 8);
        return r;
    }
    float x;
    uint32_t r;
    __asm__ volatile("cvtsi2ssq %1, %0" : "=x"(x) : "rm"(v));
    __builtin_memcpy(&r, &x, 4);
    return r;
}

/* the value is sign * mag, mag != 0; exact integer results never underflow */
static uint64_t __attribute__((noinline))
from_int_slow(struct rv_cpu *cpu, const struct fp_fmt *f, int sign, uint64_t mag, unsigned rm)
{
    uint32_t fl = 0;
    uint64_t r;
    if (rm != RV_RM_RMM && mag <= (uint64_t)INT64_MAX) {
        uint32_t saved = host_begin(rm);
        r = host_from_i64(f, sign ? -(int64_t)mag : (int64_t)mag);
        fl = host_end(saved);
    } else {
        r = round_pack(f, sign, 0, mag, rm, &fl);
    }
    cpu->fflags |= fl;
    return box(f, r);
}

static inline __attribute__((always_inline)) uint64_t
do_from_int(struct rv_cpu *cpu, const struct fp_fmt *f, int sign, uint64_t mag, unsigned rm)
{
    if (mag == 0)
        return box(f, 0);
    if (__builtin_expect(rm == RV_RM_RNE && mag <= (uint64_t)INT64_MAX, 1))
        return box(f, host_from_i64(f, sign ? -(int64_t)mag : (int64_t)mag));
    return from_int_slow(cpu, f, sign, mag, rm);
}

static inline int sgn32(uint64_t v) { return (int32_t)v < 0; }
static inline uint64_t mag32(uint64_t v) { return sgn32(v) ? -(uint64_t)(int32_t)v : (uint32_t)v; }
static inline int sgn64(uint64_t v) { return (int64_t)v < 0; }
static inline uint64_t mag64(uint64_t v) { return sgn64(v) ? -v : v; }

#define FROM_INT(name, f, sgn, mag)                                                      \
    RV_FP_HELPER(rv_##name)                                                              \
    {                                                                                    \
        return do_from_int(env, f, sgn, mag, rm_resolve(env, b));                        \
    }                                                                                    \
    RV_FP_HELPER(rv_##name##_rne) { return do_from_int(env, f, sgn, mag, RV_RM_RNE); }

FROM_INT(fcvt_s_w, &fmt_s, sgn32(a), mag32(a))
FROM_INT(fcvt_s_wu, &fmt_s, 0, (uint32_t)a)
FROM_INT(fcvt_s_l, &fmt_s, sgn64(a), mag64(a))
FROM_INT(fcvt_s_lu, &fmt_s, 0, a)
FROM_INT(fcvt_d_w, &fmt_d, sgn32(a), mag32(a))
FROM_INT(fcvt_d_wu, &fmt_d, 0, (uint32_t)a)
FROM_INT(fcvt_d_l, &fmt_d, sgn64(a), mag64(a))
FROM_INT(fcvt_d_lu, &fmt_d, 0, a)

/* ---- float -> float ---- */

static uint64_t __attribute__((noinline))
cvt_s_d_slow(struct rv_cpu *cpu, uint64_t a, unsigned rm)
{
    uint32_t fl = 0;
    uint64_t r;
    if (rm != RV_RM_RMM) {
        uint32_t saved = host_begin(rm);
        r = host_cvt_s_d(a);
        fl = host_end(saved);
        r = canonical(&fmt_s, r);
        if (__builtin_expect(!host_tininess_differs(&fmt_s, r, fl), 1)) {
            cpu->fflags |= fl;
            return r | BOX_S;
        }
        fl = 0;
    }
    r = soft_cvt_s_d(a, rm, &fl);
    cpu->fflags |= fl;
    return r | BOX_S;
}

static inline __attribute__((always_inline)) uint64_t
do_cvt_s_d(struct rv_cpu *cpu, uint64_t a, unsigned rm)
{
    if (fast_rne(rm))
        return canonical(&fmt_s, host_cvt_s_d(a)) | BOX_S;
    return cvt_s_d_slow(cpu, a, rm);
}

RV_FP_HELPER(rv_fcvt_s_d) { return do_cvt_s_d(env, a, rm_resolve(env, b)); }
RV_FP_HELPER(rv_fcvt_s_d_rne) { return do_cvt_s_d(env, a, RV_RM_RNE); }

/* exact: done on the bits, so no host flag (DE) is disturbed */
static uint64_t do_cvt_d_s(struct rv_cpu *cpu, uint64_t a)
{
    uint32_t fl = 0;
    a = unbox_s(a);
    uint64_t sign = (a & fmt_s.sign) << 32;
    if (fp_is_nan(&fmt_s, a)) {
        if (fp_is_snan(&fmt_s, a))
            cpu->fflags |= RV_FFLAG_NV;
        return fmt_d.qnan;
    }
    if (fp_is_inf(&fmt_s, a))
        return sign | fmt_d.inf;
    if (fp_is_zero(&fmt_s, a))
        return sign;
    struct fp_num x;
    fp_unpack(&fmt_s, a, &x);
    return round_pack(&fmt_d, x.sign, x.exp, x.sig, RV_RM_RNE, &fl);
}

RV_FP_HELPER(rv_fcvt_d_s)
{
    rm_resolve(env, b);
    return do_cvt_d_s(env, a);
}

RV_FP_HELPER(rv_fcvt_d_s_exact) { return do_cvt_d_s(env, a); }
