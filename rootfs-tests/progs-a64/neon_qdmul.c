/*
 * AdvSIMD saturating doubling multiplies and multiplies by a lane on int16
 * and int32 lanes: sqdmulh/sqrdmulh (vector, by lane, scalar), sqdmull/
 * sqdmlal/sqdmlsl (low and high halves, by lane), mul/mla/mls by lane and
 * mul by a scalar, including INT_MIN * INT_MIN saturation.  On aarch64 each
 * op runs through arm_neon.h and is checked against the portable C
 * reference; elsewhere only the reference runs.  One FNV-1a hash per op.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "neon_harness.h"


typedef __int128 i128;
static i128 sat(i128 v, int w)
{
    i128 hi = ((i128)1 << (w - 1)) - 1, lo = -hi - 1;
    return v < lo ? lo : v > hi ? hi : v;
}
/* SQ[R]DMULH: high half of the doubled product, rounded or not, saturated */
static i128 dmulh(i128 x, i128 y, int w, int round)
{
    return sat((2 * x * y + (round ? (i128)1 << (w - 1) : 0)) >> w, w);
}

#define NL(T) ((int)(16 / sizeof(T)))
#define OPS(S, T, W, SW, TW)                                                            \
    DEF(qdmulh_##S, T, S, vqdmulhq_##S(va, vb), dmulh(x, y, W, 0))                      \
    DEF(qrdmulh_##S, T, S, vqrdmulhq_##S(va, vb), dmulh(x, y, W, 1))                    \
    DEF(qdmulhl_##S, T, S, vqdmulhq_laneq_##S(va, vb, 1), dmulh(x, b[1], W, 0))         \
    DEF(qrdmulhl_##S, T, S, vqrdmulhq_laneq_##S(va, vb, NL(T) - 1), dmulh(x, b[NL(T) - 1], W, 1)) \
    DEF(qdmulhn_##S, T, S, vqdmulhq_n_##S(va, vgetq_lane_##S(vc, 0)), dmulh(x, c[0], W, 0)) \
    DEF(mull_##S, T, S, vmulq_laneq_##S(va, vb, 0), (uint64_t)x * (uint64_t)b[0])      \
    DEF(mlal_##S, T, S, vmlaq_laneq_##S(va, vb, vc, 1),                                 \
        (uint64_t)x + (uint64_t)y * (uint64_t)c[1])                                     \
    DEF(mlsl_##S, T, S, vmlsq_laneq_##S(va, vb, vc, 2),                                 \
        (uint64_t)x - (uint64_t)y * (uint64_t)c[2])                                     \
    DEF(muln_##S, T, S, vmulq_n_##S(va, vgetq_lane_##S(vb, 3)), (uint64_t)x * (uint64_t)b[3])
#define TYPES(X) X(s16, int16_t, 16, s32, int32_t) X(s32, int32_t, 32, s64, int64_t)
TYPES(OPS)

/* long forms: wide results from the low or high half */
#ifdef __aarch64__
#define IMPLW(name, T, S, TW, SW, NEONEXPR)                                             \
    static void name##_impl(const void *a_, const void *b_, const void *c_, void *r_)   \
    {                                                                                   \
        __typeof__(vld1q_##S((const T *)a_)) va = vld1q_##S((const T *)a_),             \
                                              vb = vld1q_##S((const T *)b_);            \
        __typeof__(vld1q_##SW((const TW *)c_)) wc = vld1q_##SW((const TW *)c_);         \
        (void)wc;                                                                       \
        vst1q_##SW((TW *)r_, NEONEXPR);                                                 \
    }
#else
#define IMPLW(name, T, S, TW, SW, NEONEXPR)                                             \
    static void name##_impl(const void *a_, const void *b_, const void *c_, void *r_)   \
    {                                                                                   \
        name##_ref(a_, b_, c_, r_);                                                     \
    }
#endif
#define DEFW(name, T, S, TW, SW, NEONEXPR, REFEXPR)                                     \
    static void name##_ref(const void *a_, const void *b_, const void *c_, void *r_)    \
    {                                                                                   \
        const T *a = a_, *b = b_;                                                       \
        const TW *w = c_;                                                               \
        TW *r = r_;                                                                     \
        for (int i = 0; i < (int)(16 / sizeof(TW)); i++)                                \
            r[i] = (TW)(REFEXPR);                                                       \
        (void)w;                                                                        \
    }                                                                                   \
    IMPLW(name, T, S, TW, SW, NEONEXPR)
#define H(T) ((int)(8 / sizeof(T)))
#define LONG(S, T, W, SW, TW)                                                           \
    DEFW(qdmull_##S, T, S, TW, SW, vqdmull_##S(vget_low_##S(va), vget_low_##S(vb)),     \
         sat(2 * (i128)a[i] * b[i], 2 * W))                                             \
    DEFW(qdmull2_##S, T, S, TW, SW, vqdmull_high_##S(va, vb),                           \
         sat(2 * (i128)a[i + H(T)] * b[i + H(T)], 2 * W))                               \
    DEFW(qdmlal_##S, T, S, TW, SW, vqdmlal_##S(wc, vget_low_##S(va), vget_low_##S(vb)), \
         sat(w[i] + sat(2 * (i128)a[i] * b[i], 2 * W), 2 * W))                          \
    DEFW(qdmlsl2_##S, T, S, TW, SW, vqdmlsl_high_##S(wc, va, vb),                       \
         sat(w[i] - sat(2 * (i128)a[i + H(T)] * b[i + H(T)], 2 * W), 2 * W))            \
    DEFW(qdmulll_##S, T, S, TW, SW, vqdmull_laneq_##S(vget_low_##S(va), vb, 1),         \
         sat(2 * (i128)a[i] * b[1], 2 * W))                                             \
    DEFW(smull2l_##S, T, S, TW, SW, vmull_high_laneq_##S(va, vb, 0),                    \
         (i128)a[i + H(T)] * b[0])
TYPES(LONG)

/* scalar forms */
#ifdef __aarch64__
#define SCALAR_H(x, y) vqdmulhh_s16(x, y)
#define SCALAR_RS(x, y) vqrdmulhs_s32(x, y)
#else
#define SCALAR_H(x, y) 0
#define SCALAR_RS(x, y) 0
#endif
DEF(sqdmulh_h, int16_t, s16, vsetq_lane_s16(SCALAR_H(vgetq_lane_s16(va, 0), vgetq_lane_s16(vb, 0)), va, 0),
    i == 0 ? dmulh(a[0], b[0], 16, 0) : x)
DEF(sqrdmulh_s, int32_t, s32, vsetq_lane_s32(SCALAR_RS(vgetq_lane_s32(va, 3), vgetq_lane_s32(vb, 3)), va, 3),
    i == 3 ? dmulh(a[3], b[3], 32, 1) : x)

int main(void)
{
    for (int v = 0; v < NV; v++) {
        int es = 2 << (v % 2);
        fill(A[v], es);
        fill(B[v], es);
        fill(C[v], es);
        if (v % 5 == 0)
            memcpy(B[v], A[v], 16);     /* squares, INT_MIN * INT_MIN among them */
    }
#define RUN(name, T) run(#name, (int)sizeof(T), name##_impl, name##_ref);
#define RUN_OPS(S, T, W, SW, TW) RUN(qdmulh_##S, T) RUN(qrdmulh_##S, T) RUN(qdmulhl_##S, T)  \
    RUN(qrdmulhl_##S, T) RUN(qdmulhn_##S, T) RUN(mull_##S, T) RUN(mlal_##S, T)              \
    RUN(mlsl_##S, T) RUN(muln_##S, T) RUN(qdmull_##S, T) RUN(qdmull2_##S, T)                \
    RUN(qdmlal_##S, T) RUN(qdmlsl2_##S, T) RUN(qdmulll_##S, T) RUN(smull2l_##S, T)
    TYPES(RUN_OPS)
    RUN(sqdmulh_h, int16_t) RUN(sqrdmulh_s, int32_t)
    printf("mismatches against the C reference: %d\n", mismatches);
    return mismatches != 0;
}
