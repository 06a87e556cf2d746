/*
 * AdvSIMD widening and narrowing integer ops for every lane pair
 * (8->16, 16->32, 32->64, signed and unsigned), low and "2" (high-half)
 * forms: sxtl/uxtl, [su]addl/subl/abdl/mull, [su]mlal/mlsl/abal, [su]addw/
 * subw, shll, [su]addlp/adalp; xtn, sqxtn/uqxtn/sqxtun, shrn/rshrn,
 * sqshrn/uqshrn/sqrshrn/uqrshrn/sqshrun/sqrshrun, addhn/raddhn/subhn/rsubhn.
 * On aarch64 each op runs through arm_neon.h and is checked against the
 * portable C reference; elsewhere only the reference runs.  One FNV-1a hash
 * per op over all inputs is printed.
 */
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

typedef __int128 i128;
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
    printf("%-12s e%d %016llx\n", name, 8 * esize, (unsigned long long)h);
}

/*
 * DEF2(name, TN, TW, SN, SW, RT, SR, NEONEXPR, REFEXPR): narrow inputs va vb
 * (lanes TN), wide inputs wa wb wc (lanes TW), result lanes RT (store
 * suffix SR).  In REFEXPR: i the result lane, a b narrow arrays, p q w the
 * wide arrays (the same bytes as a, b, c).
 */
#ifdef __aarch64__
#define IMPL2(name, TN, TW, SN, SW, RT, SR, NEONEXPR)                                       \
    static void name##_impl(const void *a_, const void *b_, const void *c_, void *r_)       \
    {                                                                                       \
        __typeof__(vld1q_##SN((const TN *)a_)) va = vld1q_##SN((const TN *)a_),             \
                                                vb = vld1q_##SN((const TN *)b_);            \
        __typeof__(vld1q_##SW((const TW *)a_)) wa = vld1q_##SW((const TW *)a_),             \
                                                wb = vld1q_##SW((const TW *)b_),            \
                                                wc = vld1q_##SW((const TW *)c_);            \
        (void)va; (void)vb; (void)wa; (void)wb; (void)wc;                                   \
        vst1q_##SR((RT *)r_, NEONEXPR);                                                     \
    }
#else
#define IMPL2(name, TN, TW, SN, SW, RT, SR, NEONEXPR)                                       \
    static void name##_impl(const void *a_, const void *b_, const void *c_, void *r_)       \
    {                                                                                       \
        name##_ref(a_, b_, c_, r_);                                                         \
    }
#endif
#define DEF2(name, TN, TW, SN, SW, RT, SR, NEONEXPR, REFEXPR)                               \
    static void name##_ref(const void *a_, const void *b_, const void *c_, void *r_)        \
    {                                                                                       \
        const TN *a = a_, *b = b_;                                                          \
        const TW *p = a_, *q = b_, *w = c_;                                                 \
        RT *r = r_;                                                                         \
        for (int i = 0; i < (int)(16 / sizeof(RT)); i++) {                                  \
            (void)a; (void)b; (void)p; (void)q; (void)w;                                    \
            r[i] = (RT)(REFEXPR);                                                           \
        }                                                                                   \
    }                                                                                       \
    IMPL2(name, TN, TW, SN, SW, RT, SR, NEONEXPR)

/* (narrow suffix, type, wide suffix, type, narrow width, signed?, opposite-sign
 * narrow suffix and type) */
#define PAIRS(X)                                                                            \
    X(s8, int8_t, s16, int16_t, 8, 1, u8, uint8_t)                                          \
    X(s16, int16_t, s32, int32_t, 16, 1, u16, uint16_t)                                     \
    X(s32, int32_t, s64, int64_t, 32, 1, u32, uint32_t)                                     \
    X(u8, uint8_t, u16, uint16_t, 8, 0, s8, int8_t)                                         \
    X(u16, uint16_t, u32, uint32_t, 16, 0, s16, int16_t)                                    \
    X(u32, uint32_t, u64, uint64_t, 32, 0, s32, int32_t)
#define SPAIRS(X)                                                                           \
    X(s8, int8_t, s16, int16_t, 8, 1, u8, uint8_t)                                          \
    X(s16, int16_t, s32, int32_t, 16, 1, u16, uint16_t)                                     \
    X(s32, int32_t, s64, int64_t, 32, 1, u32, uint32_t)

static i128 lo_of(int w, int sg) { return sg ? -((i128)1 << (w - 1)) : 0; }
static i128 hi_of(int w, int sg) { return sg ? ((i128)1 << (w - 1)) - 1 : ((i128)1 << w) - 1; }
static i128 sat(i128 v, int w, int sg)
{
    i128 lo = lo_of(w, sg), hi = hi_of(w, sg);
    return v < lo ? lo : v > hi ? hi : v;
}
/* right shift by n, rounding or not */
static i128 shr(i128 x, int n, int round)
{
    return round ? (x + ((i128)1 << (n - 1))) >> n : x >> n;
}
#define ABSD(x, y) ((x) > (y) ? (i128)(x) - (i128)(y) : (i128)(y) - (i128)(x))
/* half of the narrow lanes */
#define H(TN) ((int)(8 / sizeof(TN)))
/* lane i of the concatenation of two narrowed wide vectors p:q */
#define PQ(i, TN) ((i) < H(TN) ? p[i] : q[(i) - H(TN)])

#define WIDEN(S, TN, SW, TW, N, SG, OS, OT)                                                 \
    DEF2(xtl_##S, TN, TW, S, SW, TW, SW, vmovl_##S(vget_low_##S(va)), a[i])                 \
    DEF2(xtl2_##S, TN, TW, S, SW, TW, SW, vmovl_high_##S(va), a[i + H(TN)])                 \
    DEF2(addl_##S, TN, TW, S, SW, TW, SW, vaddl_##S(vget_low_##S(va), vget_low_##S(vb)),    \
         (i128)a[i] + b[i])                                                                 \
    DEF2(subl2_##S, TN, TW, S, SW, TW, SW, vsubl_high_##S(va, vb),                          \
         (i128)a[i + H(TN)] - b[i + H(TN)])                                                 \
    DEF2(abdl_##S, TN, TW, S, SW, TW, SW, vabdl_##S(vget_low_##S(va), vget_low_##S(vb)),    \
         ABSD(a[i], b[i]))                                                                  \
    DEF2(mull_##S, TN, TW, S, SW, TW, SW, vmull_##S(vget_low_##S(va), vget_low_##S(vb)),    \
         (i128)a[i] * b[i])                                                                 \
    DEF2(mull2_##S, TN, TW, S, SW, TW, SW, vmull_high_##S(va, vb),                          \
         (i128)a[i + H(TN)] * b[i + H(TN)])                                                 \
    DEF2(mlal_##S, TN, TW, S, SW, TW, SW,                                                   \
         vmlal_##S(wc, vget_low_##S(va), vget_low_##S(vb)), (i128)w[i] + (i128)a[i] * b[i]) \
    DEF2(mlsl2_##S, TN, TW, S, SW, TW, SW, vmlsl_high_##S(wc, va, vb),                      \
         (i128)w[i] - (i128)a[i + H(TN)] * b[i + H(TN)])                                    \
    DEF2(abal_##S, TN, TW, S, SW, TW, SW,                                                   \
         vabal_##S(wc, vget_low_##S(va), vget_low_##S(vb)), (i128)w[i] + ABSD(a[i], b[i]))  \
    DEF2(addw_##S, TN, TW, S, SW, TW, SW, vaddw_##S(wc, vget_low_##S(vb)),                  \
         (i128)w[i] + b[i])                                                                 \
    DEF2(subw2_##S, TN, TW, S, SW, TW, SW, vsubw_high_##S(wc, vb),                          \
         (i128)w[i] - b[i + H(TN)])                                                         \
    DEF2(shll3_##S, TN, TW, S, SW, TW, SW, vshll_n_##S(vget_low_##S(va), 3), (i128)a[i] * 8) \
    DEF2(shlln_##S, TN, TW, S, SW, TW, SW, vshll_high_n_##S(va, N),                         \
         (i128)a[i + H(TN)] * ((i128)1 << N))                                               \
    DEF2(addlp_##S, TN, TW, S, SW, TW, SW, vpaddlq_##S(va), (i128)a[2 * i] + a[2 * i + 1])  \
    DEF2(adalp_##S, TN, TW, S, SW, TW, SW, vpadalq_##S(wc, va),                             \
         (i128)w[i] + a[2 * i] + a[2 * i + 1])
PAIRS(WIDEN)

#define NARROW(S, TN, SW, TW, N, SG, OS, OT)                                                \
    DEF2(xtn_##S, TN, TW, S, SW, TN, S, vcombine_##S(vmovn_##SW(wa), vmovn_##SW(wb)),       \
         PQ(i, TN))                                                                         \
    DEF2(xtn2_##S, TN, TW, S, SW, TN, S, vmovn_high_##SW(vmovn_##SW(wa), wb), PQ(i, TN))    \
    DEF2(qxtn_##S, TN, TW, S, SW, TN, S, vcombine_##S(vqmovn_##SW(wa), vqmovn_##SW(wb)),    \
         sat(PQ(i, TN), N, SG))                                                             \
    DEF2(shrn1_##S, TN, TW, S, SW, TN, S,                                                   \
         vcombine_##S(vshrn_n_##SW(wa, 1), vshrn_n_##SW(wb, 1)), shr(PQ(i, TN), 1, 0))      \
    DEF2(rshrnn_##S, TN, TW, S, SW, TN, S,                                                  \
         vrshrn_high_n_##SW(vrshrn_n_##SW(wa, N), wb, N), shr(PQ(i, TN), N, 1))             \
    DEF2(qshrn3_##S, TN, TW, S, SW, TN, S,                                                  \
         vcombine_##S(vqshrn_n_##SW(wa, 3), vqshrn_n_##SW(wb, 3)), sat(shr(PQ(i, TN), 3, 0), N, SG)) \
    DEF2(qrshrn_##S, TN, TW, S, SW, TN, S,                                                  \
         vqrshrn_high_n_##SW(vqrshrn_n_##SW(wa, 1), wb, 1), sat(shr(PQ(i, TN), 1, 1), N, SG)) \
    DEF2(addhn_##S, TN, TW, S, SW, TN, S,                                                   \
         vcombine_##S(vaddhn_##SW(wa, wc), vaddhn_##SW(wb, wc)),                            \
         ((i128)PQ(i, TN) + w[i % H(TN)]) >> N)                                             \
    DEF2(raddhn2_##S, TN, TW, S, SW, TN, S, vraddhn_high_##SW(vraddhn_##SW(wa, wc), wb, wc), \
         ((i128)PQ(i, TN) + w[i % H(TN)] + ((i128)1 << (N - 1))) >> N)                      \
    DEF2(subhn_##S, TN, TW, S, SW, TN, S,                                                   \
         vcombine_##S(vsubhn_##SW(wa, wc), vsubhn_##SW(wb, wc)),                            \
         ((i128)PQ(i, TN) - w[i % H(TN)]) >> N)                                             \
    DEF2(rsubhn2_##S, TN, TW, S, SW, TN, S, vrsubhn_high_##SW(vrsubhn_##SW(wa, wc), wb, wc), \
         ((i128)PQ(i, TN) - w[i % H(TN)] + ((i128)1 << (N - 1))) >> N)
PAIRS(NARROW)

/* signed wide to unsigned narrow */
#define NARROW_U(S, TN, SW, TW, N, SG, OS, OT)                                              \
    DEF2(qxtun_##S, TN, TW, S, SW, OT, OS,                                                  \
         vcombine_##OS(vqmovun_##SW(wa), vqmovun_##SW(wb)), sat(PQ(i, TN), N, 0))           \
    DEF2(qshrun_##S, TN, TW, S, SW, OT, OS,                                                 \
         vcombine_##OS(vqshrun_n_##SW(wa, N), vqshrun_n_##SW(wb, N)),                       \
         sat(shr(PQ(i, TN), N, 0), N, 0))                                                   \
    DEF2(qrshrun_##S, TN, TW, S, SW, OT, OS,                                                \
         vqrshrun_high_n_##SW(vqrshrun_n_##SW(wa, 2), wb, 2), sat(shr(PQ(i, TN), 2, 1), N, 0))
SPAIRS(NARROW_U)

int main(void)
{
    for (int v = 0; v < NV; v++) {
        int es = 1 << (v % 4);
        fill(A[v], es);
        fill(B[v], es);
        fill(C[v], es);
    }
#define RUN(name, T) run(#name, (int)sizeof(T), name##_impl, name##_ref);
#define RUN_W(S, TN, SW, TW, N, SG, OS, OT) RUN(xtl_##S, TN) RUN(xtl2_##S, TN) RUN(addl_##S, TN) \
    RUN(subl2_##S, TN) RUN(abdl_##S, TN) RUN(mull_##S, TN) RUN(mull2_##S, TN)                 \
    RUN(mlal_##S, TN) RUN(mlsl2_##S, TN) RUN(abal_##S, TN) RUN(addw_##S, TN)                  \
    RUN(subw2_##S, TN) RUN(shll3_##S, TN) RUN(shlln_##S, TN) RUN(addlp_##S, TN)               \
    RUN(adalp_##S, TN)
#define RUN_N(S, TN, SW, TW, N, SG, OS, OT) RUN(xtn_##S, TN) RUN(xtn2_##S, TN) RUN(qxtn_##S, TN) \
    RUN(shrn1_##S, TN) RUN(rshrnn_##S, TN) RUN(qshrn3_##S, TN) RUN(qrshrn_##S, TN)            \
    RUN(addhn_##S, TN) RUN(raddhn2_##S, TN) RUN(subhn_##S, TN) RUN(rsubhn2_##S, TN)
#define RUN_NU(S, TN, SW, TW, N, SG, OS, OT) RUN(qxtun_##S, TN) RUN(qshrun_##S, TN)            \
    RUN(qrshrun_##S, TN)
    PAIRS(RUN_W)
    PAIRS(RUN_N)
    SPAIRS(RUN_NU)
    printf("mismatches against the C reference: %d\n", mismatches);
    return mismatches != 0;
}
