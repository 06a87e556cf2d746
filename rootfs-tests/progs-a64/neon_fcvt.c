/*
 * AdvSIMD conversions: float32/float64 to signed/unsigned integers with
 * every rounding (fcvtzs/zu, ns/nu, ms/mu, ps/pu, as/au: saturating, NaN to
 * 0), fixed-point both ways, integers to float, float32<->float64 (narrow,
 * widen, high halves, round-to-odd fcvtxn), float32<->float16, and
 * reinterpretation between lane types.  On aarch64 each op runs through
 * arm_neon.h and is checked against the portable C reference; elsewhere
 * only the reference runs.  One FNV-1a hash per op over all inputs.
 */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifdef __aarch64__
#include <arm_neon.h>
#endif

#define NV 64
static uint8_t A[NV][16], B[NV][16];
static int mismatches;

static uint64_t rng = 0x853c49e6748fea9bull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static float f32_of(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint32_t bits_f32(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

static void fill(uint8_t *p, int esize)
{
    static const double edge[] = {
        0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999997, 1e10, -1e10, 2147483647.0,
        2147483648.0, -2147483648.0, -2147483649.0, 4294967295.0, 4294967296.0,
        9223372036854775807.0, 9223372036854775808.0, -9223372036854775808.0,
        18446744073709551616.0, 1e-40, -1e-310, 65504.0, 65520.0, 6e-8, 3e-5, 1e30,
        INFINITY, -INFINITY, NAN, 255.5, 127.5, -128.5, 8388608.5, 4503599627370497.0,
    };
    for (int i = 0; i < 16; i += esize) {
        /* one rnd() per expression: argument evaluation order varies by target */
        double d;
        uint64_t r = rnd(), s = rnd(), t = rnd();
        switch (r % 4) {
        case 0: d = edge[s % (sizeof(edge) / sizeof(edge[0]))]; break;
        case 1: d = (double)((int64_t)(s % 2001) - 1000) / 8.0; break;
        case 2: d = ldexp((double)(int64_t)s, -(int)(t % 90)); break;
        default: d = (double)(int64_t)s / (double)(1 + t % 1000); break;
        }
        if (esize == 4) {
            float f = (float)d;
            memcpy(p + i, &f, 4);
        } else {
            memcpy(p + i, &d, 8);
        }
    }
}

static void canon(uint8_t *r, int esize)
{
    for (int i = 0; i < 16; i += esize) {
        if (esize == 4) {
            uint32_t v;
            memcpy(&v, r + i, 4);
            if ((v & 0x7f800000) == 0x7f800000 && (v & 0x7fffff))
                v = 0x7fc00000;
            memcpy(r + i, &v, 4);
        } else if (esize == 8) {
            uint64_t v;
            memcpy(&v, r + i, 8);
            if ((v & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (v & 0xfffffffffffffull))
                v = 0x7ff8000000000000ull;
            memcpy(r + i, &v, 8);
        } else {
            uint16_t v;
            memcpy(&v, r + i, 2);
            if ((v & 0x7c00) == 0x7c00 && (v & 0x3ff))
                v = 0x7e00;
            memcpy(r + i, &v, 2);
        }
    }
}

typedef void opfn(const void *a, const void *b, void *r);

/* esize: of the result lanes (for NaN canonicalisation; 0: integers) */
static void run(const char *name, int esize, opfn *impl, opfn *ref)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (int v = 0; v < NV; v++) {
        uint8_t ri[16], rr[16];
        impl(A[v], B[v], ri);
        ref(A[v], B[v], rr);
        if (esize) {
            canon(ri, esize);
            canon(rr, esize);
        }
        if (memcmp(ri, rr, 16)) {
            mismatches++;
            printf("%s: input %d differs from the C reference\n", name, v);
        }
        for (int i = 0; i < 16; i++)
            h = (h ^ ri[i]) * 0x100000001b3ull;
    }
    printf("%-10s %016llx\n", name, (unsigned long long)h);
}

/* DEF(name, TI, SI, TO, SO, NEONEXPR, REFEXPR): va vb from TI lanes, result
 * TO lanes; REFEXPR: i the result lane, a b the TI arrays */
#ifdef __aarch64__
#define IMPL(name, TI, SI, TO, SO, NEONEXPR)                                               \
    static void name##_impl(const void *a_, const void *b_, void *r_)                      \
    {                                                                                      \
        __typeof__(vld1q_##SI((const TI *)a_)) va = vld1q_##SI((const TI *)a_),            \
                                                vb = vld1q_##SI((const TI *)b_);           \
        (void)va; (void)vb;                                                                \
        vst1q_##SO((TO *)r_, NEONEXPR);                                                    \
    }
#else
#define IMPL(name, TI, SI, TO, SO, NEONEXPR)                                               \
    static void name##_impl(const void *a_, const void *b_, void *r_)                      \
    {                                                                                      \
        name##_ref(a_, b_, r_);                                                            \
    }
#endif
#define DEF(name, TI, SI, TO, SO, NEONEXPR, REFEXPR)                                       \
    static void name##_ref(const void *a_, const void *b_, void *r_)                       \
    {                                                                                      \
        const TI *a = a_, *b = b_;                                                         \
        TO *r = r_;                                                                        \
        (void)b;                                                                           \
        for (int i = 0; i < (int)(16 / sizeof(TO)); i++)                                   \
            r[i] = (TO)(REFEXPR);                                                          \
    }                                                                                      \
    IMPL(name, TI, SI, TO, SO, NEONEXPR)

/* float -> integer as FCVT*: round with f, saturate, NaN gives 0 */
static int64_t to_s(double x, double (*f)(double), int bits)
{
    if (isnan(x))
        return 0;
    double r = f(x), lim = ldexp(1.0, bits - 1);
    if (r >= lim)
        return (int64_t)((1ull << (bits - 1)) - 1);
    if (r < -lim)
        return bits == 64 ? INT64_MIN : -(int64_t)(1ull << (bits - 1));
    return (int64_t)r;
}

static uint64_t to_u(double x, double (*f)(double), int bits)
{
    if (isnan(x))
        return 0;
    double r = f(x), lim = ldexp(1.0, bits);
    if (r >= lim)
        return bits == 64 ? ~0ull : (1ull << bits) - 1;
    if (r <= 0)
        return 0;
    return (uint64_t)r;
}

static double rne(double x) { return nearbyint(x); }  /* the default mode: ties to even */
static double rzero(double x) { return trunc(x); }

/* the f32 lanes are exactly representable as doubles, so rounding them as
 * doubles is the same; f64 to 64-bit needs the value range checked above */
#define F32(S) X(S##zs, trunc, 32) X(S##ns, rne, 32) X(S##ms, floor, 32) X(S##ps, ceil, 32)
#define CVT_S(name, f, T, TI, SI, TO, SO, NEON, bits)                                      \
    DEF(name, TI, SI, TO, SO, NEON(va), to_s(a[i], f, bits))
#define CVT_U(name, f, T, TI, SI, TO, SO, NEON, bits)                                      \
    DEF(name, TI, SI, TO, SO, NEON(va), to_u(a[i], f, bits))

CVT_S(zs32, rzero, , float, f32, int32_t, s32, vcvtq_s32_f32, 32)
CVT_S(ns32, rne, , float, f32, int32_t, s32, vcvtnq_s32_f32, 32)
CVT_S(ms32, floor, , float, f32, int32_t, s32, vcvtmq_s32_f32, 32)
CVT_S(ps32, ceil, , float, f32, int32_t, s32, vcvtpq_s32_f32, 32)
CVT_S(as32, round, , float, f32, int32_t, s32, vcvtaq_s32_f32, 32)
CVT_U(zu32, rzero, , float, f32, uint32_t, u32, vcvtq_u32_f32, 32)
CVT_U(nu32, rne, , float, f32, uint32_t, u32, vcvtnq_u32_f32, 32)
CVT_U(mu32, floor, , float, f32, uint32_t, u32, vcvtmq_u32_f32, 32)
CVT_U(pu32, ceil, , float, f32, uint32_t, u32, vcvtpq_u32_f32, 32)
CVT_U(au32, round, , float, f32, uint32_t, u32, vcvtaq_u32_f32, 32)
CVT_S(zs64, rzero, , double, f64, int64_t, s64, vcvtq_s64_f64, 64)
CVT_S(ns64, rne, , double, f64, int64_t, s64, vcvtnq_s64_f64, 64)
CVT_S(ms64, floor, , double, f64, int64_t, s64, vcvtmq_s64_f64, 64)
CVT_S(ps64, ceil, , double, f64, int64_t, s64, vcvtpq_s64_f64, 64)
CVT_S(as64, round, , double, f64, int64_t, s64, vcvtaq_s64_f64, 64)
CVT_U(zu64, rzero, , double, f64, uint64_t, u64, vcvtq_u64_f64, 64)
CVT_U(nu64, rne, , double, f64, uint64_t, u64, vcvtnq_u64_f64, 64)
CVT_U(au64, round, , double, f64, uint64_t, u64, vcvtaq_u64_f64, 64)

/* fixed point: scale by 2^n (exact), then as above */
DEF(fxs32_8, float, f32, int32_t, s32, vcvtq_n_s32_f32(va, 8), to_s(ldexp(a[i], 8), trunc, 32))
DEF(fxu32_31, float, f32, uint32_t, u32, vcvtq_n_u32_f32(va, 31), to_u(ldexp(a[i], 31), trunc, 32))
DEF(fxs64_40, double, f64, int64_t, s64, vcvtq_n_s64_f64(va, 40), to_s(ldexp(a[i], 40), trunc, 64))
DEF(fxf32_s8, int32_t, s32, float, f32, vcvtq_n_f32_s32(va, 8), ldexpf((float)a[i], -8))
DEF(fxf32_u32, uint32_t, u32, float, f32, vcvtq_n_f32_u32(va, 32), ldexpf((float)a[i], -32))
DEF(fxf64_s1, int64_t, s64, double, f64, vcvtq_n_f64_s64(va, 1), ldexp((double)a[i], -1))

/* integer -> float: the C conversions round to nearest even too */
DEF(f32_s32, int32_t, s32, float, f32, vcvtq_f32_s32(va), (float)a[i])
DEF(f32_u32, uint32_t, u32, float, f32, vcvtq_f32_u32(va), (float)a[i])
DEF(f64_s64, int64_t, s64, double, f64, vcvtq_f64_s64(va), (double)a[i])
DEF(f64_u64, uint64_t, u64, double, f64, vcvtq_f64_u64(va), (double)a[i])

/* precision changes */
DEF(f32_f64, double, f64, float, f32, vcvt_high_f32_f64(vcvt_f32_f64(va), vb),
    i < 2 ? (float)a[i] : (float)b[i - 2])
DEF(f64_f32, float, f32, double, f64, vcvt_f64_f32(vget_low_f32(va)), (double)a[i])
DEF(f64_f32h, float, f32, double, f64, vcvt_high_f64_f32(va), (double)a[i + 2])

/* round to odd: truncate, then set the last bit if anything was lost */
static float to_odd(double d)
{
    if (isnan(d) || isinf(d))
        return (float)d;
    int old = fegetround();
    fesetround(FE_TOWARDZERO);
    volatile double vd = d;
    float f = (float)vd;
    fesetround(old);
    if ((double)f != d) {
        uint32_t u = bits_f32(f) | 1;
        f = f32_of(u);
    }
    return f;
}
DEF(f32_odd, double, f64, float, f32, vcombine_f32(vcvtx_f32_f64(va), vcvtx_f32_f64(vb)),
    i < 2 ? to_odd(a[i]) : to_odd(b[i - 2]))

/* IEEE half <-> single, round to nearest even */
static uint16_t half_of(float f)
{
    uint32_t u = bits_f32(f), sign = u >> 16 & 0x8000;
    int e = (int)(u >> 23 & 0xff);
    uint32_t m = u & 0x7fffff;
    if (e == 0xff)
        return (uint16_t)(sign | 0x7c00 | (m ? 0x200 | m >> 13 : 0));
    int he = e - 127 + 15;
    if (he >= 31)
        return (uint16_t)(sign | 0x7c00);
    uint32_t full = m | (e ? 0x800000 : 0);     /* 24-bit significand */
    int shift = he >= 1 ? 13 : 13 + 1 - he;    /* bits dropped */
    if (shift > 25)
        return (uint16_t)sign;
    uint32_t q = full >> shift, rem = full & ((1u << shift) - 1), halfway = 1u << (shift - 1);
    if (rem > halfway || (rem == halfway && (q & 1)))
        q++;
    /* a carry out of the significand moves to the exponent by itself */
    uint32_t h = he >= 1 ? ((uint32_t)(he - 1) << 10) + q : q;
    return (uint16_t)(sign | (h >= 0x7c00 ? 0x7c00 : h));
}

static float single_of(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, e = h >> 10 & 0x1f, m = h & 0x3ff;
    if (e == 0x1f)
        return f32_of(sign | 0x7f800000 | m << 13 | (m ? 0x400000 : 0));
    if (e == 0)
        return (sign ? -1.0f : 1.0f) * ldexpf((float)m, -24);
    return f32_of(sign | (e - 15 + 127) << 23 | m << 13);
}

#ifdef __aarch64__
#define F16_NARROW vreinterpretq_u16_f16(vcombine_f16(vcvt_f16_f32(va), vcvt_f16_f32(vb)))
#define F16_WIDEN vcvt_f32_f16(vreinterpret_f16_u16(vget_low_u16(va)))
#endif
DEF(f16_f32, float, f32, uint16_t, u16, F16_NARROW, i < 4 ? half_of(a[i]) : half_of(b[i - 4]))
DEF(f32_f16, uint16_t, u16, float, f32, F16_WIDEN, single_of(a[i]))

int main(void)
{
    for (int v = 0; v < NV; v++) {
        int es = v % 2 ? 8 : 4;
        fill(A[v], es);
        fill(B[v], es);
        if (v % 8 == 7)         /* raw bits: integers for the int -> float ops */
            for (int i = 0; i < 16; i++)
                A[v][i] = (uint8_t)rnd();
    }
#define RUN(name, es) run(#name, es, name##_impl, name##_ref);
    RUN(zs32, 0) RUN(ns32, 0) RUN(ms32, 0) RUN(ps32, 0) RUN(as32, 0)
    RUN(zu32, 0) RUN(nu32, 0) RUN(mu32, 0) RUN(pu32, 0) RUN(au32, 0)
    RUN(zs64, 0) RUN(ns64, 0) RUN(ms64, 0) RUN(ps64, 0) RUN(as64, 0)
    RUN(zu64, 0) RUN(nu64, 0) RUN(au64, 0)
    RUN(fxs32_8, 0) RUN(fxu32_31, 0) RUN(fxs64_40, 0)
    RUN(fxf32_s8, 4) RUN(fxf32_u32, 4) RUN(fxf64_s1, 8)
    RUN(f32_s32, 4) RUN(f32_u32, 4) RUN(f64_s64, 8) RUN(f64_u64, 8)
    RUN(f32_f64, 4) RUN(f64_f32, 8) RUN(f64_f32h, 8) RUN(f32_odd, 4)
    RUN(f16_f32, 2) RUN(f32_f16, 4)
    printf("mismatches against the C reference: %d\n", mismatches);
    return mismatches != 0;
}
