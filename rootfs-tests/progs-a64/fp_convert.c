/*
 * Scalar A64 conversions through inline assembly against a C model:
 * fcvt[nmpaz][su] from single and double to 32- and 64-bit registers
 * (saturating, NaN to 0), fixed-point fcvtzs/fcvtzu/scvtf/ucvtf with
 * fraction bits, scvtf/ucvtf from w and x registers, and precision changes
 * between half, single and double (fcvt h/s/d) with the FPSR flags each
 * raises (IOC, IXC, OFC, UFC).  Elsewhere the C model stands in.
 */
#include <fenv.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum { IOC = 1, OFC = 4, UFC = 8, IXC = 16 };

static uint64_t rng = 0x3c6ef372fe94f82bull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static double pick(void)
{
    static const double edge[] = {
        0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, 2147483647.0,
        2147483647.5, 2147483648.0, -2147483648.0, -2147483648.5, -2147483649.0, 4294967295.0,
        4294967295.5, 4294967296.0, 9223372036854775807.0, 9223372036854775808.0,
        -9223372036854775808.0, -9223372036854777856.0, 18446744073709551615.0,
        18446744073709551616.0, INFINITY, -INFINITY, NAN, -NAN, 1e-300, -1e-310, 65504.0,
        65519.99, 65520.0, 5.960464477539063e-08, 2.9802322387695312e-08, 6.097555160522461e-05,
        1e38, 3.4028235677973366e38, 3.4028235e38, 1e-45, 1.401298464324817e-45, -7.5e-46,
    };
    uint64_t k = rnd(), s = rnd(), t = rnd();
    switch (k % 4) {
    case 0: return edge[s % (sizeof(edge) / sizeof(edge[0]))];
    case 1: return (double)(int64_t)(s % 4001 - 2000) / 4.0;
    case 2: return ldexp((double)(int64_t)s, (int)(t % 100) - 80);
    default: return ldexp((double)(int64_t)s, -(int)(t % 64));
    }
}

/* ---- model ---- */
static double rnd_mode(double x, char m)
{
    switch (m) {
    case 'n': { double t = floor(x), d = x - t; return d > 0.5 || (d == 0.5 && fmod(t, 2) != 0) ? t + 1 : t; }
    case 'm': return floor(x);
    case 'p': return ceil(x);
    case 'a': return round(x);
    default: return trunc(x);
    }
}
static uint64_t m_fcvt_int(double x, char m, int sgn, int bits, int *fl)
{
    if (isnan(x)) {
        *fl = IOC;
        return 0;
    }
    double r = rnd_mode(x, m);
    *fl = r != x ? IXC : 0;
    if (sgn) {
        double lim = ldexp(1.0, bits - 1);
        if (r >= lim || r < -lim) {
            *fl = IOC;
            uint64_t v = r >= lim ? (1ull << (bits - 1)) - 1 : (uint64_t)-(int64_t)(1ull << (bits - 1));
            return bits == 64 ? v : v & 0xffffffff;
        }
        uint64_t v = (uint64_t)(int64_t)r;
        return bits == 64 ? v : v & 0xffffffff;
    }
    double lim = ldexp(1.0, bits);
    if (r >= lim || r < 0) {
        *fl = r < 0 && r > -1 ? *fl : IOC;     /* -0.5 rounds to -0: no saturation */
        if (r >= lim)
            return bits == 64 ? ~0ull : 0xffffffff;
        if (r <= -1)
            return 0;
    }
    return (uint64_t)r;
}

__attribute__((unused)) static int host_flags(void)
{
    int e = fetestexcept(FE_ALL_EXCEPT);
    return (e & FE_INVALID ? IOC : 0) | (e & FE_OVERFLOW ? OFC : 0) |
           (e & FE_UNDERFLOW ? UFC : 0) | (e & FE_INEXACT ? IXC : 0);
}

/* ---- the instructions ---- */
#ifdef __aarch64__
#define CVT(insn, out, in, outc, inc)                                                      \
    __asm__ volatile("msr fpsr, xzr\n\t" insn "\n\tmrs %1, fpsr" : "=" outc(out), "=r"(sr) \
                     : inc(in))
#endif

static uint64_t hw_fcvt_int(double x, char m, int sgn, int bits, int single, int *fl)
{
#ifdef __aarch64__
    uint64_t r = 0, sr = 0;
    float xf = (float)x;
#define F4(M, C)                                                                           \
    case C:                                                                                \
        if (single && bits == 64 && sgn)                                                   \
            CVT("fcvt" #M "s %0, %s2", r, xf, "r", "w");                                   \
        else if (single && bits == 64)                                                     \
            CVT("fcvt" #M "u %0, %s2", r, xf, "r", "w");                                   \
        else if (single && sgn)                                                            \
            CVT("fcvt" #M "s %w0, %s2", r, xf, "r", "w");                                  \
        else if (single)                                                                   \
            CVT("fcvt" #M "u %w0, %s2", r, xf, "r", "w");                                  \
        else if (bits == 64 && sgn)                                                        \
            CVT("fcvt" #M "s %0, %d2", r, x, "r", "w");                                    \
        else if (bits == 64)                                                               \
            CVT("fcvt" #M "u %0, %d2", r, x, "r", "w");                                    \
        else if (sgn)                                                                      \
            CVT("fcvt" #M "s %w0, %d2", r, x, "r", "w");                                   \
        else                                                                               \
            CVT("fcvt" #M "u %w0, %d2", r, x, "r", "w");                                   \
        break;
    switch (m) {
        F4(n, 'n') F4(m, 'm') F4(p, 'p') F4(a, 'a') F4(z, 'z')
    }
    *fl = (int)(sr & 0x1f);
    return r;
#else
    return m_fcvt_int(single ? (double)(float)x : x, m, sgn, bits, fl);
#endif
}

/* fixed point: fcvtzs x, d, #20 and scvtf d, x, #20; ucvtf s, w, #7 */
static uint64_t hw_fixed(double x, uint64_t i, int *fl, double *back, float *uf)
{
#ifdef __aarch64__
    uint64_t r, sr;
    double b;
    float u;
    CVT("fcvtzs %0, %d2, #20", r, x, "r", "w");
    *fl = (int)(sr & 0x1f);
    CVT("scvtf %d0, %2, #20", b, i, "w", "r");
    *fl |= (int)(sr & 0x1f) << 8;
    CVT("ucvtf %s0, %w2, #7", u, i, "w", "r");
    *fl |= (int)(sr & 0x1f) << 16;
    *back = b;
    *uf = u;
    return r;
#else
    int f1, f2 = 0, f3 = 0;
    uint64_t r = m_fcvt_int(isnan(x) ? x : ldexp(x, 20), 'z', 1, 64, &f1);
    feclearexcept(FE_ALL_EXCEPT);
    volatile int64_t vi = (int64_t)i;
    *back = ldexp((double)vi, -20);
    f2 = host_flags();
    feclearexcept(FE_ALL_EXCEPT);
    volatile uint32_t vu = (uint32_t)i;
    *uf = ldexpf((float)vu, -7);
    f3 = host_flags();
    *fl = f1 | f2 << 8 | f3 << 16;
    return r;
#endif
}

/* IEEE half <-> single, round to nearest even */
__attribute__((unused)) static uint16_t half_of(float f)
{
    uint32_t u, sign;
    memcpy(&u, &f, 4);
    sign = u >> 16 & 0x8000;
    int e = (int)(u >> 23 & 0xff);
    uint32_t m = u & 0x7fffff;
    if (e == 0xff)
        return (uint16_t)(sign | 0x7c00 | (m ? 0x200 | m >> 13 : 0));
    int he = e - 127 + 15;
    if (he >= 31)
        return (uint16_t)(sign | 0x7c00);
    uint32_t full = m | (e ? 0x800000 : 0);
    int shift = he >= 1 ? 13 : 13 + 1 - he;
    if (shift > 25)
        return (uint16_t)sign;
    uint32_t q = full >> shift, rem = full & ((1u << shift) - 1), halfway = 1u << (shift - 1);
    if (rem > halfway || (rem == halfway && (q & 1)))
        q++;
    uint32_t h = he >= 1 ? ((uint32_t)(he - 1) << 10) + q : q;
    return (uint16_t)(sign | (h >= 0x7c00 ? 0x7c00 : h));
}

__attribute__((unused)) static double double_of_half(uint16_t h)
{
    int e = h >> 10 & 0x1f, m = h & 0x3ff;
    double s = h & 0x8000 ? -1.0 : 1.0;
    if (e == 0x1f)
        return m ? NAN : s * INFINITY;
    return s * (e ? ldexp(1024 + m, e - 25) : ldexp(m, -24));
}

/* double -> single -> half -> double; NaNs compared as NaN */
static uint64_t hw_chain(double x, int *fl)
{
    uint16_t h;
    double d;
    float s;
#ifdef __aarch64__
    uint64_t sr;
    __fp16 hv;
    CVT("fcvt %s0, %d2", s, x, "w", "w");
    *fl = (int)(sr & 0x1f);
    __asm__ volatile("fcvt %h0, %s1" : "=w"(hv) : "w"(s));
    __asm__ volatile("fcvt %d0, %h1" : "=w"(d) : "w"(hv));
    memcpy(&h, &hv, 2);
#else
    feclearexcept(FE_ALL_EXCEPT);
    volatile double vx = x;
    s = (float)vx;
    *fl = host_flags();
    h = half_of(s);
    d = double_of_half(h);
#endif
    uint64_t db;
    uint32_t sb;
    if (isnan(d))
        d = NAN;
    if (isnan(s))
        s = NAN, h = 0x7e00;
    memcpy(&db, &d, 8);
    memcpy(&sb, &s, 4);
    return db ^ (uint64_t)sb << 13 ^ (uint64_t)h << 48;
}

int main(void)
{
    int bad = 0;
    static const char modes[] = "nmpaz";
    for (int single = 0; single < 2; single++)
        for (int mi = 0; mi < 5; mi++)
            for (int sgn = 0; sgn < 2; sgn++)
                for (int bits = 32; bits <= 64; bits += 32) {
                    uint64_t h = 0xcbf29ce484222325ull;
                    for (int n = 0; n < 400; n++) {
                        double x = pick();
                        int f1, f2;
                        uint64_t r = hw_fcvt_int(x, modes[mi], sgn, bits, single, &f1);
                        uint64_t w = m_fcvt_int(single ? (double)(float)x : x, modes[mi], sgn, bits, &f2);
                        if (r != w || f1 != f2) {
                            if (bad++ < 10)
                                printf("fcvt%c%c %s<-%s %a: %#" PRIx64 " flags %x, model %#" PRIx64
                                       " flags %x\n", modes[mi], sgn ? 's' : 'u', bits == 64 ? "x" : "w",
                                       single ? "s" : "d", x, r, f1, w, f2);
                        }
                        h = (h ^ r ^ (uint64_t)f1 << 59) * 0x100000001b3ull;
                    }
                    printf("fcvt%c%c %s <- %s: %016" PRIx64 "\n", modes[mi], sgn ? 's' : 'u',
                           bits == 64 ? "x" : "w", single ? "s" : "d", h);
                }
    uint64_t hf = 0xcbf29ce484222325ull, hc = hf;
    for (int n = 0; n < 3000; n++) {
        double x = pick(), back;
        uint64_t i = rnd(), sh = rnd() % 64;   /* one rnd() per declarator */
        i >>= sh;
        float uf;
        int fl;
        uint64_t r = hw_fixed(x, i, &fl, &back, &uf);
        uint64_t bb, ub = 0;
        memcpy(&bb, &back, 8);
        memcpy(&ub, &uf, 4);
        hf = (hf ^ r ^ bb * 3 ^ ub * 5 ^ (uint64_t)fl << 40) * 0x100000001b3ull;
        hc = (hc ^ hw_chain(x, &fl) ^ (uint64_t)fl << 58) * 0x100000001b3ull;
    }
    printf("fixed point: %016" PRIx64 "\n", hf);
    printf("double->single->half->double: %016" PRIx64 "\n", hc);
    printf("mismatches against the C model: %d\n", bad);
    return bad != 0;
}
