/*
 * AdvSIMD across-lanes and scalar pairwise reductions: addv, smaxv/umaxv,
 * sminv/uminv, saddlv/uaddlv over every integer lane type (128- and 64-bit
 * vectors), addp (scalar), and the float reductions fmaxv/fminv/fmaxnmv/
 * fminnmv and faddp (pairwise tree order) on float32 and float64.  On
 * aarch64 each op runs through arm_neon.h and is checked against the
 * portable C reference; elsewhere only the reference runs.  One FNV-1a hash
 * per op over all inputs is printed (float results with NaNs made canonical).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifdef __aarch64__
#include <arm_neon.h>
#endif

#define NV 40
static uint8_t A[NV][16], B[NV][16], C[NV][16];
static int mismatches;

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* lanes of esize bytes with many edge values */
static void fill(uint8_t *p, int esize)
{
    for (int i = 0; i < 16; i += esize) {
        uint64_t v = rnd(), top = 1ull << (8 * esize - 1);
        switch (rnd() % 8) {
        case 0: v = 0; break;
        case 1: v = 1; break;
        case 2: v = ~0ull; break;
        case 3: v = top; break;
        case 4: v = top - 1; break;
        case 5: v = rnd() % 9; break;
        default: break;
        }
        memcpy(p + i, &v, (size_t)esize);
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
        if (memcmp(ri, rr, 16)) {
            mismatches++;
            printf("%s: input %d differs from the C reference\n", name, v);
        }
        for (int i = 0; i < 16; i++)
            h = (h ^ ri[i]) * 0x100000001b3ull;
    }
    printf("%-10s e%d %016llx\n", name, 8 * esize, (unsigned long long)h);
}


/* DEFS(name, T, SFX, RT, NEONEXPR, REFEXPR): a scalar RT from va (or the
 * low half vl) and, in REFEXPR, the lane array a with n lanes */
#ifdef __aarch64__
#define IMPLS(name, T, SFX, RT, NEONEXPR)                                               \
    static void name##_impl(const void *a_, const void *b_, const void *c_, void *r_)   \
    {                                                                                   \
        __typeof__(vld1q_##SFX((const T *)a_)) va = vld1q_##SFX((const T *)a_);         \
        __typeof__(vget_low_##SFX(va)) vl = vget_low_##SFX(va);                         \
        (void)b_; (void)c_; (void)vl;                                                   \
        RT res = NEONEXPR;                                                              \
        memset(r_, 0, 16);                                                              \
        memcpy(r_, &res, sizeof(res));                                                  \
    }
#else
#define IMPLS(name, T, SFX, RT, NEONEXPR)                                               \
    static void name##_impl(const void *a_, const void *b_, const void *c_, void *r_)   \
    {                                                                                   \
        name##_ref(a_, b_, c_, r_);                                                     \
    }
#endif
#define DEFS(name, T, SFX, RT, HALF, NEONEXPR, REFEXPR)                                 \
    static void name##_ref(const void *a_, const void *b_, const void *c_, void *r_)    \
    {                                                                                   \
        const T *a = a_;                                                                \
        int n = (int)(16 / sizeof(T)) / (HALF ? 2 : 1);                                 \
        (void)b_; (void)c_; (void)n;                                                    \
        RT res = (RT)(REFEXPR);                                                         \
        memset(r_, 0, 16);                                                              \
        memcpy(r_, &res, sizeof(res));                                                  \
    }                                                                                   \
    IMPLS(name, T, SFX, RT, NEONEXPR)

#define REDUCE(T, init, expr)                                                           \
    ({                                                                                  \
        T acc_ = init;                                                                  \
        for (int i_ = 0; i_ < n; i_++) {                                                \
            T e = a[i_];                                                                \
            acc_ = expr;                                                                \
        }                                                                               \
        acc_;                                                                           \
    })
#define SUM_W(T) REDUCE(T, 0, (T)(acc_ + e))

/* (suffix, type, wide type for addlv) */
#define INTS(X) X(s8, int8_t, int16_t) X(s16, int16_t, int32_t) X(s32, int32_t, int64_t) \
                X(u8, uint8_t, uint16_t) X(u16, uint16_t, uint32_t) X(u32, uint32_t, uint64_t)

#define OPS(S, T, TW)                                                                   \
    DEFS(addv_##S, T, S, T, 0, vaddvq_##S(va), REDUCE(uint64_t, 0, acc_ + (uint64_t)e)) \
    DEFS(addvh_##S, T, S, T, 1, vaddv_##S(vl), REDUCE(uint64_t, 0, acc_ + (uint64_t)e)) \
    DEFS(maxv_##S, T, S, T, 0, vmaxvq_##S(va), REDUCE(T, a[0], e > acc_ ? e : acc_))    \
    DEFS(minv_##S, T, S, T, 0, vminvq_##S(va), REDUCE(T, a[0], e < acc_ ? e : acc_))    \
    DEFS(maxvh_##S, T, S, T, 1, vmaxv_##S(vl), REDUCE(T, a[0], e > acc_ ? e : acc_))    \
    DEFS(addlv_##S, T, S, TW, 0, vaddlvq_##S(va), SUM_W(TW))                            \
    DEFS(addlvh_##S, T, S, TW, 1, vaddlv_##S(vl), SUM_W(TW))
INTS(OPS)

DEFS(addv_s64, int64_t, s64, int64_t, 0, vaddvq_s64(va), (uint64_t)a[0] + (uint64_t)a[1])
DEFS(addv_u64, uint64_t, u64, uint64_t, 0, vaddvq_u64(va), a[0] + a[1])
DEFS(addp_s64, int64_t, s64, int64_t, 0, vpaddd_s64(va), (uint64_t)a[0] + (uint64_t)a[1])

/* float reductions: a balanced pairwise tree, NaNs made canonical by run() */
static int is_snan(double x, int single, uint64_t bits)
{
    return isnan(x) && !(single ? bits >> 22 & 1 : bits >> 51 & 1);
}
static double fmx(double x, double y, int mx, int nm, uint64_t xb, uint64_t yb, int single)
{
    if (nm && !is_snan(x, single, xb) && !is_snan(y, single, yb)) {
        if (isnan(x) && !isnan(y))
            return y;
        if (isnan(y) && !isnan(x))
            return x;
    }
    if (isnan(x) || isnan(y))
        return NAN;
    if (x == 0 && y == 0)
        return (signbit(x) != 0) == !mx ? x : y;
    return mx ? (x > y ? x : y) : (x < y ? x : y);
}
static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
/* four float lanes: tree (0,1) (2,3); the NaN-quietening of the inner level
 * matters for fmaxnmv only through sNaN, so the inner bits are recomputed */
static float tree4(const float *a, int mx, int nm)
{
    float l = (float)fmx(a[0], a[1], mx, nm, fbits(a[0]), fbits(a[1]), 1);
    float r = (float)fmx(a[2], a[3], mx, nm, fbits(a[2]), fbits(a[3]), 1);
    return (float)fmx(l, r, mx, nm, fbits(l), fbits(r), 1);
}
DEFS(fmaxv_f32, float, f32, float, 0, vmaxvq_f32(va), tree4(a, 1, 0))
DEFS(fminv_f32, float, f32, float, 0, vminvq_f32(va), tree4(a, 0, 0))
DEFS(fmaxnmv_f32, float, f32, float, 0, vmaxnmvq_f32(va), tree4(a, 1, 1))
DEFS(fminnmv_f32, float, f32, float, 0, vminnmvq_f32(va), tree4(a, 0, 1))
DEFS(faddv_f32, float, f32, float, 0, vaddvq_f32(va), (a[0] + a[1]) + (a[2] + a[3]))
DEFS(faddv_f64, double, f64, double, 0, vaddvq_f64(va), a[0] + a[1])
DEFS(fmaxv_f64, double, f64, double, 0, vmaxvq_f64(va), fmx(a[0], a[1], 1, 0, dbits(a[0]), dbits(a[1]), 0))
DEFS(fminnmv_f64, double, f64, double, 0, vminnmvq_f64(va), fmx(a[0], a[1], 0, 1, dbits(a[0]), dbits(a[1]), 0))

static void canon(uint8_t *r, int es)
{
    if (es == 4) {
        float f;
        memcpy(&f, r, 4);
        if (isnan(f))
            memcpy(r, &(uint32_t){ 0x7fc00000 }, 4);
    } else {
        double d;
        memcpy(&d, r, 8);
        if (isnan(d))
            memcpy(r, &(uint64_t){ 0x7ff8000000000000ull }, 8);
    }
}
#define FDEF_WRAP(name, es)                                                             \
    static void name##_cimpl(const void *a, const void *b, const void *c, void *r)      \
    {                                                                                   \
        name##_impl(a, b, c, r);                                                        \
        canon(r, es);                                                                   \
    }                                                                                   \
    static void name##_cref(const void *a, const void *b, const void *c, void *r)       \
    {                                                                                   \
        name##_ref(a, b, c, r);                                                         \
        canon(r, es);                                                                   \
    }
FDEF_WRAP(fmaxv_f32, 4) FDEF_WRAP(fminv_f32, 4) FDEF_WRAP(fmaxnmv_f32, 4)
FDEF_WRAP(fminnmv_f32, 4) FDEF_WRAP(faddv_f32, 4) FDEF_WRAP(faddv_f64, 8)
FDEF_WRAP(fmaxv_f64, 8) FDEF_WRAP(fminnmv_f64, 8)

static const uint32_t fedge[] = { 0x7fc00000, 0x7f800001, 0xff800000, 0x7f800000, 0x80000000,
                                  0, 0x3f800000, 0xbf800000, 0x00000001 };

int main(void)
{
    for (int v = 0; v < NV; v++) {
        int es = 1 << (v % 4);
        fill(A[v], es);
        fill(B[v], es);
        fill(C[v], es);
        if (v % 4 == 2)         /* float lanes with NaNs, infinities, signed zeros */
            for (int i = 0; i < 16; i += 4) {
                uint64_t k = rnd();
                if (k % 3)
                    memcpy(&A[v][i], &fedge[k % (sizeof(fedge) / 4)], 4);
            }
    }
#define RUN(name, T) run(#name, (int)sizeof(T), name##_impl, name##_ref);
#define FRUN(name, T) run(#name, (int)sizeof(T), name##_cimpl, name##_cref);
#define RUN_OPS(S, T, TW) RUN(addv_##S, T) RUN(addvh_##S, T) RUN(maxv_##S, T) RUN(minv_##S, T) \
    RUN(maxvh_##S, T) RUN(addlv_##S, T) RUN(addlvh_##S, T)
    INTS(RUN_OPS)
    RUN(addv_s64, int64_t) RUN(addv_u64, uint64_t) RUN(addp_s64, int64_t)
    FRUN(fmaxv_f32, float) FRUN(fminv_f32, float) FRUN(fmaxnmv_f32, float)
    FRUN(fminnmv_f32, float) FRUN(faddv_f32, float) FRUN(faddv_f64, double)
    FRUN(fmaxv_f64, double) FRUN(fminnmv_f64, double)
    printf("mismatches against the C reference: %d\n", mismatches);
    return mismatches != 0;
}
