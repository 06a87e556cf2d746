/*
 * AdvSIMD permutes and lane moves over every integer lane type: zip1/zip2,
 * uzp1/uzp2, trn1/trn2, ext, rev16/rev32/rev64, dup from a lane and from a
 * scalar, lane get/set/copy, combine of halves, reinterpret, and the table
 * lookups tbl/tbx with 1-4 table registers (out-of-range indexes give 0 or
 * keep the destination).  On aarch64 each op runs through arm_neon.h and is
 * checked against the portable C reference; elsewhere only the reference
 * runs.  One FNV-1a hash per op over all inputs is printed.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "neon_harness.h"

#define ALL(X) X(s8, int8_t) X(s16, int16_t) X(s32, int32_t) X(s64, int64_t) \
               X(u8, uint8_t) X(u16, uint16_t) X(u32, uint32_t) X(u64, uint64_t)
#define NO64(X) X(s8, int8_t) X(s16, int16_t) X(s32, int32_t) \
                X(u8, uint8_t) X(u16, uint16_t) X(u32, uint32_t)
#define B8(X) X(s8, int8_t) X(u8, uint8_t)
#define B816(X) X(s8, int8_t) X(u8, uint8_t) X(s16, int16_t) X(u16, uint16_t)

#define NL(T) ((int)(16 / sizeof(T)))
/* element i reversed within groups of g bytes */
#define REV(T, i, g) (((i) / ((g) / (int)sizeof(T))) * ((g) / (int)sizeof(T)) + \
                      ((g) / (int)sizeof(T)) - 1 - (i) % ((g) / (int)sizeof(T)))

/* a (an array of T) with each 64-bit group's bytes reversed, element i */
#define rev_bytes64(a, i)                                                                \
    ({                                                                                   \
        uint8_t by_[16], rb_[16];                                                        \
        memcpy(by_, a, 16);                                                              \
        for (int k_ = 0; k_ < 16; k_++)                                                  \
            rb_[k_] = by_[(k_ / 8) * 8 + 7 - k_ % 8];                                    \
        __typeof__(x) e_;                                                                \
        memcpy(&e_, rb_ + i * sizeof(e_), sizeof(e_));                                   \
        e_;                                                                              \
    })

#define OPS(S, T)                                                                        \
    DEF(zip1_##S, T, S, vzip1q_##S(va, vb), i % 2 ? b[i / 2] : a[i / 2])                 \
    DEF(zip2_##S, T, S, vzip2q_##S(va, vb), i % 2 ? b[NL(T) / 2 + i / 2] : a[NL(T) / 2 + i / 2]) \
    DEF(uzp1_##S, T, S, vuzp1q_##S(va, vb), i < NL(T) / 2 ? a[2 * i] : b[2 * i - NL(T)]) \
    DEF(uzp2_##S, T, S, vuzp2q_##S(va, vb),                                              \
        i < NL(T) / 2 ? a[2 * i + 1] : b[2 * i + 1 - NL(T)])                             \
    DEF(trn1_##S, T, S, vtrn1q_##S(va, vb), i % 2 ? b[i - 1] : a[i])                     \
    DEF(trn2_##S, T, S, vtrn2q_##S(va, vb), i % 2 ? b[i] : a[i + 1])                     \
    DEF(ext1_##S, T, S, vextq_##S(va, vb, 1), i + 1 < NL(T) ? a[i + 1] : b[i + 1 - NL(T)]) \
    DEF(extm_##S, T, S, vextq_##S(va, vb, NL(T) - 1),                                    \
        i + NL(T) - 1 < NL(T) ? a[i + NL(T) - 1] : b[i - 1])                             \
    DEF(dupl_##S, T, S, vdupq_laneq_##S(va, 1), a[1])                                    \
    DEF(dupn_##S, T, S, vdupq_n_##S(vgetq_lane_##S(vb, 0)), b[0])                        \
    DEF(setl_##S, T, S, vsetq_lane_##S(vgetq_lane_##S(vb, NL(T) - 1), va, 1),            \
        i == 1 ? b[NL(T) - 1] : a[i])                                                    \
    DEF(copy_##S, T, S, vcopyq_laneq_##S(va, 0, vb, 1), i == 0 ? b[1] : a[i])            \
    DEF(comb_##S, T, S, vcombine_##S(vget_high_##S(va), vget_low_##S(vb)),               \
        i < NL(T) / 2 ? a[i + NL(T) / 2] : b[i - NL(T) / 2])                             \
    DEF(reint_##S, T, S, vreinterpretq_##S##_p8(vrev64q_p8(vreinterpretq_p8_##S(va))),  \
        rev_bytes64(a, i))
ALL(OPS)

#define OPS_REV(S, T) DEF(rev64_##S, T, S, vrev64q_##S(va), a[REV(T, i, 8)])
NO64(OPS_REV)
#define OPS_REV32(S, T) DEF(rev32_##S, T, S, vrev32q_##S(va), a[REV(T, i, 4)])
B816(OPS_REV32)
#define OPS_REV16(S, T) DEF(rev16_##S, T, S, vrev16q_##S(va), a[REV(T, i, 2)])
B8(OPS_REV16)

/* table lookups: indexes in c, tables a, b, a^b, ~a */
static uint8_t tab(const uint8_t *a, const uint8_t *b, int n, uint8_t idx, uint8_t dflt)
{
    if (idx >= 16 * n)
        return dflt;
    const uint8_t *t = idx < 16 ? a : idx < 32 ? b : a;
    uint8_t v = t[idx % 16];
    if (idx >= 32 && idx < 48)
        v = a[idx % 16] ^ b[idx % 16];
    if (idx >= 48)
        v = (uint8_t)~a[idx % 16];
    return v;
}
#ifdef __aarch64__
#define TABS uint8x16x4_t t4 = { { vreinterpretq_u8_s8(va), vreinterpretq_u8_s8(vb),              \
                                   veorq_u8(vreinterpretq_u8_s8(va), vreinterpretq_u8_s8(vb)),    \
                                   vmvnq_u8(vreinterpretq_u8_s8(va)) } };                         \
    uint8x16x3_t t3 = { { t4.val[0], t4.val[1], t4.val[2] } };                                    \
    uint8x16x2_t t2 = { { t4.val[0], t4.val[1] } };                                               \
    uint8x16_t ix = vreinterpretq_u8_s8(vc), d = vreinterpretq_u8_s8(vb);                         \
    (void)t2; (void)t3; (void)d; (void)ix
#endif
#define TBL(name, NEONEXPR, n, tbx)                                                               \
    DEF(name, int8_t, s8, ({ TABS; vreinterpretq_s8_u8(NEONEXPR); }),                              \
        tab((const uint8_t *)a, (const uint8_t *)b, n, (uint8_t)c[i], tbx ? (uint8_t)b[i] : 0))
TBL(tbl1, vqtbl1q_u8(t4.val[0], ix), 1, 0)
TBL(tbl2, vqtbl2q_u8(t2, ix), 2, 0)
TBL(tbl3, vqtbl3q_u8(t3, ix), 3, 0)
TBL(tbl4, vqtbl4q_u8(t4, ix), 4, 0)
TBL(tbx1, vqtbx1q_u8(d, t4.val[0], ix), 1, 1)
TBL(tbx2, vqtbx2q_u8(d, t2, ix), 2, 1)
TBL(tbx3, vqtbx3q_u8(d, t3, ix), 3, 1)
TBL(tbx4, vqtbx4q_u8(d, t4, ix), 4, 1)

int main(void)
{
    for (int v = 0; v < NV; v++) {
        int es = 1 << (v % 4);
        fill(A[v], es);
        fill(B[v], es);
        for (int i = 0; i < 16; i++)    /* table indexes, some out of range */
            C[v][i] = (uint8_t)(rnd() % (v % 2 ? 72 : 256));
    }
#define RUN(name, T) run(#name, (int)sizeof(T), name##_impl, name##_ref);
#define RUN_OPS(S, T) RUN(zip1_##S, T) RUN(zip2_##S, T) RUN(uzp1_##S, T) RUN(uzp2_##S, T)    \
    RUN(trn1_##S, T) RUN(trn2_##S, T) RUN(ext1_##S, T) RUN(extm_##S, T) RUN(dupl_##S, T)    \
    RUN(dupn_##S, T) RUN(setl_##S, T) RUN(copy_##S, T) RUN(comb_##S, T) RUN(reint_##S, T)
#define RUN_REV(S, T) RUN(rev64_##S, T)
#define RUN_REV32(S, T) RUN(rev32_##S, T)
#define RUN_REV16(S, T) RUN(rev16_##S, T)
    ALL(RUN_OPS)
    NO64(RUN_REV)
    B816(RUN_REV32)
    B8(RUN_REV16)
    RUN(tbl1, int8_t) RUN(tbl2, int8_t) RUN(tbl3, int8_t) RUN(tbl4, int8_t)
    RUN(tbx1, int8_t) RUN(tbx2, int8_t) RUN(tbx3, int8_t) RUN(tbx4, int8_t)
    printf("mismatches against the C reference: %d\n", mismatches);
    return mismatches != 0;
}
