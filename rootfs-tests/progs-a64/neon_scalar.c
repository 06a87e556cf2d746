/*
 * AdvSIMD scalar forms (one element in a SIMD&FP register) through their
 * arm_neon.h intrinsics against C: 64-bit add/sub/abs/neg/compares/tst,
 * shifts by register and immediate (sshl/urshl, ushr #64, ssra, sli/sri),
 * the saturating family on b/h/s/d elements (sqadd/uqsub/sqabs/sqneg/
 * suqadd/usqadd/sqshl/uqrshl, sqdmulh), and saturating narrows (sqxtn,
 * uqxtn, sqxtun, sqrshrn, uqshrn).  On aarch64 both run and are compared;
 * elsewhere only C runs.  One hash per op over a pool of edge operands.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#ifdef __aarch64__
#include <arm_neon.h>
#endif

typedef __int128 i128;
static int mismatches;

static i128 sat(i128 v, int w, int sg)
{
    i128 lo = sg ? -((i128)1 << (w - 1)) : 0, hi = sg ? ((i128)1 << (w - 1)) - 1 : ((i128)1 << w) - 1;
    return v < lo ? lo : v > hi ? hi : v;
}
static i128 sx(uint64_t v, int w) { return (i128)((int64_t)(v << (64 - w)) >> (64 - w)); }
static i128 zx(uint64_t v, int w) { return (i128)(w == 64 ? v : v & ((1ull << w) - 1)); }
/* [SU][R]SHL by the signed low byte of c, saturating or not */
static i128 shl(i128 x, int w, int sg, int c, int round, int satur)
{
    if (c >= 0) {
        if (satur)
            return x == 0 ? 0 : c >= w ? (x > 0 ? sat((i128)1 << 100, w, sg) : sat(-((i128)1 << 100), w, sg))
                                       : sat(x << c, w, sg);
        return c >= w ? 0 : x << c;
    }
    int n = -c;
    if (round)
        return n > 66 ? 0 : (x + ((i128)1 << (n - 1))) >> n;
    return n >= w ? (x < 0 ? -1 : 0) : x >> n;
}
#define CNT(y) ((int)(int8_t)(uint8_t)(y))

#ifdef __aarch64__
#define HW(e) (uint64_t)(e)
#else
#define HW(e) 0
#endif

struct op {
    const char *name;
    uint64_t (*hw)(uint64_t, uint64_t);
    uint64_t (*ref)(uint64_t, uint64_t);
};

/* OP(name, width of the result, intrinsic expression in x y, C expression in x y) */
#define OP(name, w, IMPL, REF)                                                             \
    static uint64_t name##_hw(uint64_t x, uint64_t y)                                      \
    {                                                                                      \
        (void)x; (void)y;                                                                  \
        return HW(IMPL) & (w == 64 ? ~0ull : (1ull << w) - 1);                              \
    }                                                                                      \
    static uint64_t name##_ref(uint64_t x, uint64_t y)                                     \
    {                                                                                      \
        (void)x; (void)y;                                                                  \
        return (uint64_t)(REF) & (w == 64 ? ~0ull : (1ull << w) - 1);                       \
    }

OP(addd, 64, vaddd_s64((int64_t)x, (int64_t)y), x + y)
OP(subd, 64, vsubd_u64(x, y), x - y)
OP(absd, 64, vabsd_s64((int64_t)x), (int64_t)x < 0 ? -x : x)
OP(negd, 64, vnegd_s64((int64_t)x), -x)
OP(cgtd, 64, vcgtd_s64((int64_t)x, (int64_t)y), (int64_t)x > (int64_t)y ? ~0ull : 0)
OP(chid, 64, vcgtd_u64(x, y), x > y ? ~0ull : 0)
OP(ceqzd, 64, vceqzd_u64(x), x == 0 ? ~0ull : 0)
OP(tstd, 64, vtstd_s64((int64_t)x, (int64_t)y), (x & y) ? ~0ull : 0)
OP(sshld, 64, vshld_s64((int64_t)x, (int64_t)y), shl(sx(x, 64), 64, 1, CNT(y), 0, 0))
OP(urshld, 64, vrshld_u64(x, (int64_t)y), shl(zx(x, 64), 64, 0, CNT(y), 1, 0))
OP(ushr64, 64, vshrd_n_u64(x, 64), 0)
OP(sshr63, 64, vshrd_n_s64((int64_t)x, 63), (int64_t)x >> 63)
OP(ssra7, 64, vsrad_n_s64((int64_t)x, (int64_t)y, 7), x + (uint64_t)((int64_t)y >> 7))
OP(sli9, 64, vslid_n_u64(x, y, 9), (x & 0x1ff) | y << 9)
OP(sri64, 64, vsrid_n_u64(x, y, 64), x)
OP(sqaddb, 8, vqaddb_s8((int8_t)x, (int8_t)y), sat(sx(x, 8) + sx(y, 8), 8, 1))
OP(uqaddh, 16, vqaddh_u16((uint16_t)x, (uint16_t)y), sat(zx(x, 16) + zx(y, 16), 16, 0))
OP(sqsubs, 32, vqsubs_s32((int32_t)x, (int32_t)y), sat(sx(x, 32) - sx(y, 32), 32, 1))
OP(uqsubd, 64, vqsubd_u64(x, y), sat(zx(x, 64) - zx(y, 64), 64, 0))
OP(sqaddd, 64, vqaddd_s64((int64_t)x, (int64_t)y), sat(sx(x, 64) + sx(y, 64), 64, 1))
OP(sqabsb, 8, vqabsb_s8((int8_t)x), sat(sx(x, 8) < 0 ? -sx(x, 8) : sx(x, 8), 8, 1))
OP(sqnegd, 64, vqnegd_s64((int64_t)x), sat(-sx(x, 64), 64, 1))
OP(suqaddh, 16, vuqaddh_s16((int16_t)x, (uint16_t)y), sat(sx(x, 16) + zx(y, 16), 16, 1))
OP(usqadds, 32, vsqadds_u32((uint32_t)x, (int32_t)y), sat(zx(x, 32) + sx(y, 32), 32, 0))
OP(sqshlb, 8, vqshlb_s8((int8_t)x, (int8_t)y), shl(sx(x, 8), 8, 1, CNT(y), 0, 1))
OP(uqrshls, 32, vqrshls_u32((uint32_t)x, (int32_t)y), shl(zx(x, 32), 32, 0, CNT(y), 1, 1))
OP(sqshld3, 64, vqshld_n_s64((int64_t)x, 3), shl(sx(x, 64), 64, 1, 3, 0, 1))
OP(sqdmulhh, 16, vqdmulhh_s16((int16_t)x, (int16_t)y), sat(2 * sx(x, 16) * sx(y, 16) >> 16, 16, 1))
OP(sqdmulls, 64, vqdmulls_s32((int32_t)x, (int32_t)y), sat(2 * sx(x, 32) * sx(y, 32), 64, 1))
OP(sqxtnh, 8, vqmovnh_s16((int16_t)x), sat(sx(x, 16), 8, 1))
OP(uqxtnd, 32, vqmovnd_u64(x), sat(zx(x, 64), 32, 0))
OP(sqxtuns, 16, vqmovuns_s32((int32_t)x), sat(sx(x, 32), 16, 0))
OP(sqrshrn5, 16, vqrshrns_n_s32((int32_t)x, 5), sat((sx(x, 32) + 16) >> 5, 16, 1))
OP(uqshrn1, 32, vqshrnd_n_u64(x, 1), sat(zx(x, 64) >> 1, 32, 0))

static const struct op ops[] = {
#define E(n) { #n, n##_hw, n##_ref },
    E(addd) E(subd) E(absd) E(negd) E(cgtd) E(chid) E(ceqzd) E(tstd) E(sshld) E(urshld)
    E(ushr64) E(sshr63) E(ssra7) E(sli9) E(sri64) E(sqaddb) E(uqaddh) E(sqsubs) E(uqsubd)
    E(sqaddd) E(sqabsb) E(sqnegd) E(suqaddh) E(usqadds) E(sqshlb) E(uqrshls) E(sqshld3)
    E(sqdmulhh) E(sqdmulls) E(sqxtnh) E(uqxtnd) E(sqxtuns) E(sqrshrn5) E(uqshrn1)
};

int main(void)
{
    static const uint64_t edge[] = {
        0, 1, 2, ~0ull, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000,
        0xffffffff, 0x7fffffffffffffffull, 0x8000000000000000ull, 0xfffffffffffffff8ull,
        0x40, 0xc0, 0x3f, 0xffffffffffffff81ull, 0x4000000000000000ull, 0x123456789abcdef0ull,
    };
    enum { NE = sizeof(edge) / sizeof(edge[0]), NP = 48 };
    uint64_t pool[NP], s = 0x9b05688c2b3e6c1full;
    for (int i = 0; i < NP; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        pool[i] = i < NE ? edge[i] : s >> (s % 64);
    }
    for (unsigned k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
        uint64_t h = 0xcbf29ce484222325ull;
        for (int i = 0; i < NP; i++)
            for (int j = 0; j < NP; j++) {
                uint64_t r = ops[k].hw(pool[i], pool[j]);
#ifdef __aarch64__
                if (r != ops[k].ref(pool[i], pool[j]) && mismatches++ < 20)
                    printf("%s(%#" PRIx64 ", %#" PRIx64 ") = %#" PRIx64 ", C %#" PRIx64 "\n",
                           ops[k].name, pool[i], pool[j], r, ops[k].ref(pool[i], pool[j]));
#else
                r = ops[k].ref(pool[i], pool[j]);
#endif
                h = (h ^ r) * 0x100000001b3ull;
            }
        printf("%-9s %016" PRIx64 "\n", ops[k].name, h);
    }
    printf("mismatches against the C reference: %d\n", mismatches);
    return mismatches != 0;
}
