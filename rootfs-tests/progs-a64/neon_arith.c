/*
 * AdvSIMD integer arithmetic over every integer lane type (int8..int64,
 * uint8..uint64, 128-bit vectors): add/sub/mul/mla/mls, min/max, absolute
 * difference, halving adds, logic, compares (masks), abs/neg, clz/cls/cnt/
 * mvn and pairwise add.  On aarch64 each op runs through arm_neon.h and is
 * checked against the portable C reference; elsewhere only the reference
 * runs.  Output: one FNV-1a hash per op over all inputs, so the native and
 * aarch64 builds must print the same lines.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "neon_harness.h"

/* every type */
#define ALL(X) X(s8, int8_t) X(s16, int16_t) X(s32, int32_t) X(s64, int64_t) \
               X(u8, uint8_t) X(u16, uint16_t) X(u32, uint32_t) X(u64, uint64_t)
/* no 64-bit lanes */
#define NO64(X) X(s8, int8_t) X(s16, int16_t) X(s32, int32_t) \
                X(u8, uint8_t) X(u16, uint16_t) X(u32, uint32_t)
#define SIGNED(X) X(s8, int8_t) X(s16, int16_t) X(s32, int32_t) X(s64, int64_t)
#define SIGNED_NO64(X) X(s8, int8_t) X(s16, int16_t) X(s32, int32_t)

#define ABSD(x, y) ((x) > (y) ? (int64_t)(x) - (int64_t)(y) : (int64_t)(y) - (int64_t)(x))


static int clz_n(uint64_t v, int bits)
{
    int n = 0;
    for (int b = bits - 1; b >= 0 && !(v >> b & 1); b--)
        n++;
    return n;
}

/* lane i of a pairwise op over the concatenation a:b */
#define PAIR0(a, b, i, n) ((i) < (n) / 2 ? (a)[2 * (i)] : (b)[2 * (i) - (n)])
#define PAIR1(a, b, i, n) ((i) < (n) / 2 ? (a)[2 * (i) + 1] : (b)[2 * (i) + 1 - (n)])
#define NL(T) ((int)(16 / sizeof(T)))

#define OPS_ALL(S, T)                                                                   \
    DEF(add_##S, T, S, vaddq_##S(va, vb), U64(x) + U64(y))                              \
    DEF(sub_##S, T, S, vsubq_##S(va, vb), U64(x) - U64(y))                              \
    DEF(and_##S, T, S, vandq_##S(va, vb), x & y)                                        \
    DEF(orr_##S, T, S, vorrq_##S(va, vb), x | y)                                        \
    DEF(eor_##S, T, S, veorq_##S(va, vb), x ^ y)                                        \
    DEF(bic_##S, T, S, vbicq_##S(va, vb), x & ~y)                                       \
    DEF(orn_##S, T, S, vornq_##S(va, vb), x | ~y)                                       \
    DEF(ceq_##S, T, S, (__typeof__(va))vceqq_##S(va, vb), MASK(x == y))                 \
    DEF(cge_##S, T, S, (__typeof__(va))vcgeq_##S(va, vb), MASK(x >= y))                 \
    DEF(cgt_##S, T, S, (__typeof__(va))vcgtq_##S(va, vb), MASK(x > y))                  \
    DEF(cle_##S, T, S, (__typeof__(va))vcleq_##S(va, vb), MASK(x <= y))                 \
    DEF(clt_##S, T, S, (__typeof__(va))vcltq_##S(va, vb), MASK(x < y))                  \
    DEF(tst_##S, T, S, (__typeof__(va))vtstq_##S(va, vb), MASK((x & y) != 0))           \
    DEF(padd_##S, T, S, vpaddq_##S(va, vb),                                             \
        U64(PAIR0(a, b, i, NL(T))) + U64(PAIR1(a, b, i, NL(T))))
ALL(OPS_ALL)

#define MAX2(p, q) ((p) > (q) ? (p) : (q))
#define MIN2(p, q) ((p) < (q) ? (p) : (q))

#define OPS_NO64(S, T)                                                                  \
    DEF(mul_##S, T, S, vmulq_##S(va, vb), U64(x) * U64(y))                              \
    DEF(mla_##S, T, S, vmlaq_##S(va, vb, vc), U64(x) + U64(y) * U64(z))                 \
    DEF(mls_##S, T, S, vmlsq_##S(va, vb, vc), U64(x) - U64(y) * U64(z))                 \
    DEF(min_##S, T, S, vminq_##S(va, vb), MIN2(x, y))                                   \
    DEF(max_##S, T, S, vmaxq_##S(va, vb), MAX2(x, y))                                   \
    DEF(abd_##S, T, S, vabdq_##S(va, vb), ABSD(x, y))                                   \
    DEF(aba_##S, T, S, vabaq_##S(va, vb, vc), U64(x) + U64(ABSD(y, z)))                 \
    DEF(hadd_##S, T, S, vhaddq_##S(va, vb), ((int64_t)x + (int64_t)y) >> 1)             \
    DEF(rhadd_##S, T, S, vrhaddq_##S(va, vb), ((int64_t)x + (int64_t)y + 1) >> 1)       \
    DEF(hsub_##S, T, S, vhsubq_##S(va, vb), ((int64_t)x - (int64_t)y) >> 1)             \
    DEF(clz_##S, T, S, vclzq_##S(va), clz_n(U64(x), 8 * (int)sizeof(T)))                \
    DEF(mvn_##S, T, S, vmvnq_##S(va), ~x)                                               \
    DEF(pmax_##S, T, S, vpmaxq_##S(va, vb), MAX2(PAIR0(a, b, i, NL(T)), PAIR1(a, b, i, NL(T)))) \
    DEF(pmin_##S, T, S, vpminq_##S(va, vb), MIN2(PAIR0(a, b, i, NL(T)), PAIR1(a, b, i, NL(T))))
NO64(OPS_NO64)

#define OPS_SIGNED(S, T)                                                                \
    DEF(abs_##S, T, S, vabsq_##S(va), x < 0 ? -U64(x) : U64(x))                         \
    DEF(neg_##S, T, S, vnegq_##S(va), -U64(x))                                          \
    DEF(cgtz_##S, T, S, (__typeof__(va))vcgtzq_##S(va), MASK(x > 0))                    \
    DEF(clez_##S, T, S, (__typeof__(va))vclezq_##S(va), MASK(x <= 0))                   \
    DEF(ceqz_##S, T, S, (__typeof__(va))vceqzq_##S(va), MASK(x == 0))
SIGNED(OPS_SIGNED)

#define OPS_CLS(S, T)                                                                   \
    DEF(cls_##S, T, S, vclsq_##S(va), clz_n(U64(x < 0 ? ~x : x), 8 * (int)sizeof(T)) - 1)
SIGNED_NO64(OPS_CLS)

DEF(cnt_u8, uint8_t, u8, vcntq_u8(va), __builtin_popcount(x))
DEF(cnt_s8, int8_t, s8, vcntq_s8(va), __builtin_popcount((uint8_t)x))

int main(void)
{
    for (int v = 0; v < NV; v++) {
        int es = 1 << (v % 4);
        fill(A[v], es);
        fill(B[v], es);
        fill(C[v], es);
        if (v % 5 == 0)
            memcpy(B[v], A[v], 16);     /* equal operands for compares */
    }
#define RUN(name, T) run(#name, (int)sizeof(T), name##_impl, name##_ref);
#define RUN_ALL(S, T) RUN(add_##S, T) RUN(sub_##S, T) RUN(and_##S, T) RUN(orr_##S, T)     \
    RUN(eor_##S, T) RUN(bic_##S, T) RUN(orn_##S, T) RUN(ceq_##S, T) RUN(cge_##S, T)       \
    RUN(cgt_##S, T) RUN(cle_##S, T) RUN(clt_##S, T) RUN(tst_##S, T) RUN(padd_##S, T)
#define RUN_NO64(S, T) RUN(mul_##S, T) RUN(mla_##S, T) RUN(mls_##S, T) RUN(min_##S, T)    \
    RUN(max_##S, T) RUN(abd_##S, T) RUN(aba_##S, T) RUN(hadd_##S, T) RUN(rhadd_##S, T)    \
    RUN(hsub_##S, T) RUN(clz_##S, T) RUN(mvn_##S, T) RUN(pmax_##S, T) RUN(pmin_##S, T)
#define RUN_SIGNED(S, T) RUN(abs_##S, T) RUN(neg_##S, T) RUN(cgtz_##S, T) RUN(clez_##S, T) \
    RUN(ceqz_##S, T)
#define RUN_CLS(S, T) RUN(cls_##S, T)
    ALL(RUN_ALL)
    NO64(RUN_NO64)
    SIGNED(RUN_SIGNED)
    SIGNED_NO64(RUN_CLS)
    RUN(cnt_u8, uint8_t)
    RUN(cnt_s8, int8_t)
    printf("mismatches against the C reference: %d\n", mismatches);
    return mismatches != 0;
}
