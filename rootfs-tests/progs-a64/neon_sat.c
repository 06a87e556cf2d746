/*
 * AdvSIMD saturating arithmetic and shifts over every integer lane type:
 * sqadd/uqadd/sqsub/uqsub, suqadd/usqadd, sqabs/sqneg, shifts by register
 * (sshl/ushl, srshl/urshl, sqshl/uqshl, sqrshl/uqrshl, with negative and
 * out-of-range counts) and by immediate (shr, rshr, sra, rsra, shl, sri,
 * sli, sqshl/uqshl, sqshlu) at the edges of the immediate range.  On
 * aarch64 each op runs through arm_neon.h and is checked against the
 * portable C reference; elsewhere only the reference runs.  One FNV-1a hash
 * per op over all inputs is printed.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "neon_harness.h"

typedef __int128 i128;

/* (S, T, conversion of a shift-count vector to signed lanes, width, signed?) */
#define ID(v) (v)
#define ALL(X) X(s8, int8_t, ID, 8, 1) X(s16, int16_t, ID, 16, 1) X(s32, int32_t, ID, 32, 1)     \
    X(s64, int64_t, ID, 64, 1) X(u8, uint8_t, vreinterpretq_s8_u8, 8, 0)                        \
    X(u16, uint16_t, vreinterpretq_s16_u16, 16, 0) X(u32, uint32_t, vreinterpretq_s32_u32, 32, 0) \
    X(u64, uint64_t, vreinterpretq_s64_u64, 64, 0)
#define SIGNED(X) X(s8, int8_t, u8, 8, 1) X(s16, int16_t, u16, 16, 1) X(s32, int32_t, u32, 32, 1) \
    X(s64, int64_t, u64, 64, 1)
#define UNSIGNED(X) X(u8, uint8_t, s8, 8, 0) X(u16, uint16_t, s16, 16, 0)                     \
    X(u32, uint32_t, s32, 32, 0) X(u64, uint64_t, s64, 64, 0)

static i128 lo_of(int w, int sg) { return sg ? -((i128)1 << (w - 1)) : 0; }
static i128 hi_of(int w, int sg) { return sg ? ((i128)1 << (w - 1)) - 1 : ((i128)1 << w) - 1; }

static i128 sat(i128 v, int w, int sg)
{
    i128 lo = lo_of(w, sg), hi = hi_of(w, sg);
    return v < lo ? lo : v > hi ? hi : v;
}

/* shift x (a lane value, width w) by the signed count c as [SU][R][Q]SHL do */
static i128 shift(i128 x, int w, int sg, int c, int round, int saturate)
{
    if (c >= 0) {
        if (saturate) {
            if (x == 0)
                return 0;
            if (c >= w)
                return x > 0 ? hi_of(w, sg) : lo_of(w, sg);
            return sat(x << c, w, sg);
        }
        return c >= w ? 0 : x << c;
    }
    int n = -c;
    if (round)
        return n > 66 ? 0 : (x + ((i128)1 << (n - 1))) >> n;
    if (n >= w)
        return x < 0 ? -1 : 0;
    return x >> n;
}

/* the low byte of a lane as a signed count */
#define CNT(y) ((int)(int8_t)(uint8_t)(y))

#define OPS_ALL(S, T, SS, W, SG)                                                         \
    DEF(qadd_##S, T, S, vqaddq_##S(va, vb), sat((i128)x + y, W, SG))                     \
    DEF(qsub_##S, T, S, vqsubq_##S(va, vb), sat((i128)x - y, W, SG))                     \
    DEF(shl_##S, T, S, vshlq_##S(va, SS(vb)),                      \
        shift(x, W, SG, CNT(y), 0, 0))                                                   \
    DEF(rshl_##S, T, S, vrshlq_##S(va, SS(vb)),                    \
        shift(x, W, SG, CNT(y), 1, 0))                                                   \
    DEF(qshl_##S, T, S, vqshlq_##S(va, SS(vb)),                    \
        shift(x, W, SG, CNT(y), 0, 1))                                                   \
    DEF(qrshl_##S, T, S, vqrshlq_##S(va, SS(vb)),                  \
        shift(x, W, SG, CNT(y), 1, 1))                                                   \
    DEF(shr1_##S, T, S, vshrq_n_##S(va, 1), shift(x, W, SG, -1, 0, 0))                   \
    DEF(shrw_##S, T, S, vshrq_n_##S(va, W), shift(x, W, SG, -(W), 0, 0))                 \
    DEF(rshr3_##S, T, S, vrshrq_n_##S(va, 3), shift(x, W, SG, -3, 1, 0))                 \
    DEF(rshrw_##S, T, S, vrshrq_n_##S(va, W), shift(x, W, SG, -(W), 1, 0))               \
    DEF(sra5_##S, T, S, vsraq_n_##S(va, vb, 5), (i128)x + shift(y, W, SG, -5, 0, 0))     \
    DEF(rsraw_##S, T, S, vrsraq_n_##S(va, vb, W), (i128)x + shift(y, W, SG, -(W), 1, 0)) \
    DEF(shl0_##S, T, S, vshlq_n_##S(va, 0), x)                                           \
    DEF(shlm_##S, T, S, vshlq_n_##S(va, W - 1), shift(x, W, SG, W - 1, 0, 0))            \
    DEF(qshl3_##S, T, S, vqshlq_n_##S(va, 3), shift(x, W, SG, 3, 0, 1))                  \
    DEF(qshlm_##S, T, S, vqshlq_n_##S(va, W - 1), shift(x, W, SG, W - 1, 0, 1))          \
    DEF(sri1_##S, T, S, vsriq_n_##S(va, vb, 1), sri(x, y, W, 1))                         \
    DEF(sriw_##S, T, S, vsriq_n_##S(va, vb, W), sri(x, y, W, W))                         \
    DEF(sli0_##S, T, S, vsliq_n_##S(va, vb, 0), sli(x, y, W, 0))                         \
    DEF(slim_##S, T, S, vsliq_n_##S(va, vb, W - 1), sli(x, y, W, W - 1))

static uint64_t ones(int w) { return w == 64 ? ~0ull : (1ull << w) - 1; }

/* shift right and insert: keep the top n bits of x */
static uint64_t sri(uint64_t x, uint64_t y, int w, int n)
{
    if (n == w)
        return x;
    uint64_t m = ones(w) >> n;
    return (x & ~m) | ((y & ones(w)) >> n);
}

/* shift left and insert: keep the low n bits of x */
static uint64_t sli(uint64_t x, uint64_t y, int w, int n)
{
    uint64_t m = (ones(w) << n) & ones(w);
    return (x & ~m) | ((y << n) & m);
}

ALL(OPS_ALL)

#define OPS_SIGNED(S, T, US, W, SG)                                                      \
    DEF(qabs_##S, T, S, vqabsq_##S(va), sat(x < 0 ? -(i128)x : x, W, 1))                 \
    DEF(qneg_##S, T, S, vqnegq_##S(va), sat(-(i128)x, W, 1))                             \
    DEF(uqadd_##S, T, S, vuqaddq_##S(va, vreinterpretq_##US##_##S(vb)),                  \
        sat((i128)x + (i128)(uint64_t)(U64(y) & ones(W)), W, 1))                         \
    DEF(qshlu_##S, T, S, vreinterpretq_##S##_##US(vqshluq_n_##S(va, 2)),                 \
        sat((i128)x * 4, W, 0))
SIGNED(OPS_SIGNED)

#define OPS_UNSIGNED(S, T, SS, W, SG)                                                    \
    DEF(sqadd_##S, T, S, vsqaddq_##S(va, vreinterpretq_##SS##_##S(vb)),                  \
        sat((i128)x + (i128)(SS##_t)y, W, 0))
typedef int8_t s8_t;
typedef int16_t s16_t;
typedef int32_t s32_t;
typedef int64_t s64_t;
UNSIGNED(OPS_UNSIGNED)

int main(void)
{
    for (int v = 0; v < NV; v++) {
        int es = 1 << (v % 4);
        fill(A[v], es);
        fill(B[v], es);
        fill(C[v], es);
        if (v % 3 == 0)         /* shift counts around the lane width */
            for (int i = 0; i < 16; i++)
                B[v][i] = (uint8_t)((int)(rnd() % 140) - 70);
    }
#define RUN(name, T) run(#name, (int)sizeof(T), name##_impl, name##_ref);
#define RUN_ALL(S, T, SS, W, SG) RUN(qadd_##S, T) RUN(qsub_##S, T) RUN(shl_##S, T)          \
    RUN(rshl_##S, T) RUN(qshl_##S, T) RUN(qrshl_##S, T) RUN(shr1_##S, T) RUN(shrw_##S, T)  \
    RUN(rshr3_##S, T) RUN(rshrw_##S, T) RUN(sra5_##S, T) RUN(rsraw_##S, T)                 \
    RUN(shl0_##S, T) RUN(shlm_##S, T) RUN(qshl3_##S, T) RUN(qshlm_##S, T) RUN(sri1_##S, T) \
    RUN(sriw_##S, T) RUN(sli0_##S, T) RUN(slim_##S, T)
#define RUN_SIGNED(S, T, US, W, SG) RUN(qabs_##S, T) RUN(qneg_##S, T) RUN(uqadd_##S, T)     \
    RUN(qshlu_##S, T)
#define RUN_UNSIGNED(S, T, SS, W, SG) RUN(sqadd_##S, T)
    ALL(RUN_ALL)
    SIGNED(RUN_SIGNED)
    UNSIGNED(RUN_UNSIGNED)
    printf("mismatches against the C reference: %d\n", mismatches);
    return mismatches != 0;
}
