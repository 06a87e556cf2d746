/*
 * AdvSIMD floating point on float32x4 and float64x2: add/sub/mul/div,
 * fused multiply-add/subtract, mulx, recip step, min/max (NaN-propagating)
 * and minnm/maxnm (number-preferring, signed zeros), abs/neg/sqrt/abd,
 * compares and absolute compares, the rounding family (frintn/m/p/z/a/i/x),
 * pairwise add/max/min/maxnm, and multiplies by a lane.  NaN results are
 * compared as "some NaN" (payload propagation is architecture-specific).
 * On aarch64 each op runs through arm_neon.h and is checked against the
 * portable C reference; elsewhere only the reference runs.  One FNV-1a hash
 * per op over all inputs is printed.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifdef __aarch64__
#include <arm_neon.h>
#endif

#define NV 48
static uint8_t A[NV][16], B[NV][16], C[NV][16];
static int mismatches;

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static const uint32_t f32_edge[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000,
    0x7f800001, 0xffc00001, 0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0xff7fffff,
    0x3f000000, 0x3fc00000, 0x40200000, 0xbfc00000, 0x4b000001, 0x4affffff, 0x3effffff,
    0x40400000, 0x40000000,
};
static const uint64_t f64_edge[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull, 0x7ff0000000000001ull,
    0xfff8000000000001ull, 0x0000000000000001ull, 0x800fffffffffffffull, 0x0010000000000000ull,
    0x7fefffffffffffffull, 0xffefffffffffffffull, 0x3fe0000000000000ull, 0x3ff8000000000000ull,
    0x4004000000000000ull, 0xbff8000000000000ull, 0x4330000000000001ull, 0x432fffffffffffffull,
    0x4008000000000000ull, 0x4000000000000000ull,
};

static void fill(uint8_t *p, int esize)
{
    for (int i = 0; i < 16; i += esize) {
        if (esize == 4) {
            /* one rnd() per expression: argument evaluation order varies by target */
            uint32_t v;
            uint64_t k = rnd(), s = rnd(), t = rnd();
            union { float f; uint32_t u; } c;
            switch (k % 4) {
            case 0: v = f32_edge[s % (sizeof(f32_edge) / 4)]; break;
            case 1: c.f = (float)((int)(s % 41) - 20) / (float)(1 + t % 4); v = c.u; break;
            case 2: v = ((uint32_t)s & 0x807fffff) | (uint32_t)(107 + t % 40) << 23; break;
            default: v = (uint32_t)s; break;
            }
            memcpy(p + i, &v, 4);
        } else {
            uint64_t v;
            uint64_t k = rnd(), s = rnd(), t = rnd();
            union { double d; uint64_t u; } c;
            switch (k % 4) {
            case 0: v = f64_edge[s % (sizeof(f64_edge) / 8)]; break;
            case 1: c.d = (double)((int)(s % 41) - 20) / (double)(1 + t % 4); v = c.u; break;
            case 2: v = (s & 0x800fffffffffffffull) | (983 + t % 80) << 52; break;
            default: v = s; break;
            }
            memcpy(p + i, &v, 8);
        }
    }
}

/* every NaN becomes one pattern: payloads and signs of NaN results differ
 * between architectures by design */
static void canon(uint8_t *r, int esize)
{
    for (int i = 0; i < 16; i += esize) {
        if (esize == 4) {
            uint32_t v;
            memcpy(&v, r + i, 4);
            if ((v & 0x7f800000) == 0x7f800000 && (v & 0x7fffff))
                v = 0x7fc00000;
            memcpy(r + i, &v, 4);
        } else {
            uint64_t v;
            memcpy(&v, r + i, 8);
            if ((v & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (v & 0xfffffffffffffull))
                v = 0x7ff8000000000000ull;
            memcpy(r + i, &v, 8);
        }
    }
}

typedef void opfn(const void *a, const void *b, const void *c, void *r);

static void run(const char *name, int esize, opfn *impl, opfn *ref)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (int v = 0; v < NV; v++) {
        uint8_t ri[16], rr[16];
        impl(A[v], B[v], C[v], ri);
        ref(A[v], B[v], C[v], rr);
        canon(ri, esize);
        canon(rr, esize);
        if (memcmp(ri, rr, 16)) {
            mismatches++;
            printf("%s: input %d differs from the C reference\n", name, v);
        }
        for (int i = 0; i < 16; i++)
            h = (h ^ ri[i]) * 0x100000001b3ull;
    }
    printf("%-10s e%d %016llx\n", name, 8 * esize, (unsigned long long)h);
}

#ifdef __aarch64__
#define IMPL(name, T, SFX, NEONEXPR)                                                    \
    static void name##_impl(const void *a_, const void *b_, const void *c_, void *r_)   \
    {                                                                                   \
        __typeof__(vld1q_##SFX((const T *)a_)) va = vld1q_##SFX((const T *)a_),         \
                                                 vb = vld1q_##SFX((const T *)b_),       \
                                                 vc = vld1q_##SFX((const T *)c_);       \
        (void)va; (void)vb; (void)vc;                                                   \
        vst1q_##SFX((T *)r_, NEONEXPR);                                                 \
    }
#else
#define IMPL(name, T, SFX, NEONEXPR)                                                    \
    static void name##_impl(const void *a_, const void *b_, const void *c_, void *r_)   \
    {                                                                                   \
        name##_ref(a_, b_, c_, r_);                                                     \
    }
#endif
/* REFEXPR: x y z are lane i of a b c; the result is stored as its bits when
 * BITS, else as a value of T */
#define DEF(name, T, SFX, NEONEXPR, REFEXPR)                                            \
    static void name##_ref(const void *a_, const void *b_, const void *c_, void *r_)    \
    {                                                                                   \
        const T *a = a_, *b = b_, *c = c_;                                              \
        T *r = r_;                                                                      \
        for (int i = 0; i < (int)(16 / sizeof(T)); i++) {                               \
            T x = a[i], y = b[i], z = c[i];                                             \
            (void)x; (void)y; (void)z;                                                  \
            r[i] = (REFEXPR);                                                           \
        }                                                                               \
    }                                                                                   \
    IMPL(name, T, SFX, NEONEXPR)

/* a compare mask as a value of T */
static float maskf(int c) { union { uint32_t u; float f; } m = { c ? ~0u : 0 }; return m.f; }
static double maskd(int c) { union { uint64_t u; double d; } m = { c ? ~0ull : 0 }; return m.d; }
#define MASK(T, c) (sizeof(T) == 4 ? (T)maskf(c) : (T)maskd(c))

static int is_snan_f(float x) { uint32_t u; memcpy(&u, &x, 4); return isnan(x) && !(u & 0x400000); }
static int is_snan_d(double x) { uint64_t u; memcpy(&u, &x, 8); return isnan(x) && !(u >> 51 & 1); }
#define IS_SNAN(x) (sizeof(x) == 4 ? is_snan_f((float)(x)) : is_snan_d((double)(x)))

/* FMIN/FMAX: NaN in, NaN out; -0 < +0 */
#define FMIN(x, y) (isnan(x) || isnan(y) ? (x) + (y) : (x) == 0 && (y) == 0 ? (signbit(x) ? (x) : (y)) \
                    : (x) < (y) ? (x) : (y))
#define FMAX(x, y) (isnan(x) || isnan(y) ? (x) + (y) : (x) == 0 && (y) == 0 ? (signbit(x) ? (y) : (x)) \
                    : (x) > (y) ? (x) : (y))
/* FMINNM/FMAXNM: a quiet NaN loses to a number */
#define FMINNM(x, y) (IS_SNAN(x) || IS_SNAN(y) ? (x) + (y) : isnan(x) ? (y) : isnan(y) ? (x) : FMIN(x, y))
#define FMAXNM(x, y) (IS_SNAN(x) || IS_SNAN(y) ? (x) + (y) : isnan(x) ? (y) : isnan(y) ? (x) : FMAX(x, y))
/* FMULX: 0 * inf is 2 with the product's sign */
#define MULX(T, x, y) ((isinf(x) && (y) == 0) || ((x) == 0 && isinf(y))                  \
                       ? (signbit(x) != signbit(y) ? (T)-2.0 : (T)2.0) : (x) * (y))
/* FRECPS: 2 - x*y fused, 0 * inf gives 2 */
#define RECPS(T, F, x, y) ((isinf(x) && (y) == 0) || ((x) == 0 && isinf(y)) ? (T)2.0 : F(-(x), (y), (T)2.0))
#define NL(T) ((int)(16 / sizeof(T)))
#define P0(a, b, i, n) ((i) < (n) / 2 ? (a)[2 * (i)] : (b)[2 * (i) - (n)])
#define P1(a, b, i, n) ((i) < (n) / 2 ? (a)[2 * (i) + 1] : (b)[2 * (i) + 1 - (n)])

/* (suffix, type, fma, sqrt, rounding functions) */
#define TYPES(X) X(f32, float, fmaf, sqrtf, nearbyintf, floorf, ceilf, truncf, roundf, rintf) \
                 X(f64, double, fma, sqrt, nearbyint, floor, ceil, trunc, round, rint)

#define OPS(S, T, FMA, SQRT, RN, RM, RP, RZ, RA, RX)                                            \
    DEF(add_##S, T, S, vaddq_##S(va, vb), x + y)                                                \
    DEF(sub_##S, T, S, vsubq_##S(va, vb), x - y)                                                \
    DEF(mul_##S, T, S, vmulq_##S(va, vb), x * y)                                                \
    DEF(div_##S, T, S, vdivq_##S(va, vb), x / y)                                                \
    DEF(fma_##S, T, S, vfmaq_##S(va, vb, vc), FMA(y, z, x))                                     \
    DEF(fms_##S, T, S, vfmsq_##S(va, vb, vc), FMA(-y, z, x))                                    \
    DEF(mulx_##S, T, S, vmulxq_##S(va, vb), MULX(T, x, y))                                      \
    DEF(recps_##S, T, S, vrecpsq_##S(va, vb), RECPS(T, FMA, x, y))                              \
    DEF(min_##S, T, S, vminq_##S(va, vb), FMIN(x, y))                                           \
    DEF(max_##S, T, S, vmaxq_##S(va, vb), FMAX(x, y))                                           \
    DEF(minnm_##S, T, S, vminnmq_##S(va, vb), FMINNM(x, y))                                     \
    DEF(maxnm_##S, T, S, vmaxnmq_##S(va, vb), FMAXNM(x, y))                                     \
    DEF(abs_##S, T, S, vabsq_##S(va), fabs(x))                                                  \
    DEF(neg_##S, T, S, vnegq_##S(va), -x)                                                       \
    DEF(sqrt_##S, T, S, vsqrtq_##S(va), SQRT(x))                                                \
    DEF(abd_##S, T, S, vabdq_##S(va, vb), fabs(x - y))                                          \
    DEF(ceq_##S, T, S, (__typeof__(va))vceqq_##S(va, vb), MASK(T, x == y))                      \
    DEF(cge_##S, T, S, (__typeof__(va))vcgeq_##S(va, vb), MASK(T, x >= y))                      \
    DEF(cgt_##S, T, S, (__typeof__(va))vcgtq_##S(va, vb), MASK(T, x > y))                       \
    DEF(clt_##S, T, S, (__typeof__(va))vcltq_##S(va, vb), MASK(T, x < y))                       \
    DEF(cagt_##S, T, S, (__typeof__(va))vcagtq_##S(va, vb), MASK(T, fabs(x) > fabs(y)))         \
    DEF(cale_##S, T, S, (__typeof__(va))vcaleq_##S(va, vb), MASK(T, fabs(x) <= fabs(y)))        \
    DEF(ceqz_##S, T, S, (__typeof__(va))vceqzq_##S(va), MASK(T, x == 0))                        \
    DEF(cltz_##S, T, S, (__typeof__(va))vcltzq_##S(va), MASK(T, x < 0))                         \
    DEF(rndn_##S, T, S, vrndnq_##S(va), RN(x))                                                  \
    DEF(rndm_##S, T, S, vrndmq_##S(va), RM(x))                                                  \
    DEF(rndp_##S, T, S, vrndpq_##S(va), RP(x))                                                  \
    DEF(rndz_##S, T, S, vrndq_##S(va), RZ(x))                                                   \
    DEF(rnda_##S, T, S, vrndaq_##S(va), RA(x))                                                  \
    DEF(rndi_##S, T, S, vrndiq_##S(va), RN(x))                                                  \
    DEF(rndx_##S, T, S, vrndxq_##S(va), RX(x))                                                  \
    DEF(padd_##S, T, S, vpaddq_##S(va, vb), P0(a, b, i, NL(T)) + P1(a, b, i, NL(T)))            \
    DEF(pmax_##S, T, S, vpmaxq_##S(va, vb), FMAX(P0(a, b, i, NL(T)), P1(a, b, i, NL(T))))       \
    DEF(pminnm_##S, T, S, vpminnmq_##S(va, vb), FMINNM(P0(a, b, i, NL(T)), P1(a, b, i, NL(T)))) \
    DEF(mull_##S, T, S, vmulq_laneq_##S(va, vb, 1), x * b[1])                                   \
    DEF(fmal_##S, T, S, vfmaq_laneq_##S(va, vb, vc, 0), FMA(y, c[0], x))
TYPES(OPS)

int main(void)
{
    for (int v = 0; v < NV; v++) {
        int es = v % 2 ? 8 : 4;
        fill(A[v], es);
        fill(B[v], es);
        fill(C[v], es);
        if (v % 6 == 0)
            memcpy(B[v], A[v], 16);
    }
#define RUN(name, T) run(#name, (int)sizeof(T), name##_impl, name##_ref);
#define RUN_OPS(S, T, FMA, SQRT, RN, RM, RP, RZ, RA, RX) RUN(add_##S, T) RUN(sub_##S, T)  \
    RUN(mul_##S, T) RUN(div_##S, T) RUN(fma_##S, T) RUN(fms_##S, T) RUN(mulx_##S, T)       \
    RUN(recps_##S, T) RUN(min_##S, T) RUN(max_##S, T) RUN(minnm_##S, T) RUN(maxnm_##S, T)  \
    RUN(abs_##S, T) RUN(neg_##S, T) RUN(sqrt_##S, T) RUN(abd_##S, T) RUN(ceq_##S, T)       \
    RUN(cge_##S, T) RUN(cgt_##S, T) RUN(clt_##S, T) RUN(cagt_##S, T) RUN(cale_##S, T)      \
    RUN(ceqz_##S, T) RUN(cltz_##S, T) RUN(rndn_##S, T) RUN(rndm_##S, T) RUN(rndp_##S, T)   \
    RUN(rndz_##S, T) RUN(rnda_##S, T) RUN(rndi_##S, T) RUN(rndx_##S, T) RUN(padd_##S, T)   \
    RUN(pmax_##S, T) RUN(pminnm_##S, T) RUN(mull_##S, T) RUN(fmal_##S, T)
    TYPES(RUN_OPS)
    printf("mismatches against the C reference: %d\n", mismatches);
    return mismatches != 0;
}
