/*
 * A64 integer semantics that C leaves undefined or that have no C operator,
 * through inline assembly on aarch64 and a C model elsewhere: sdiv/udiv by
 * zero (0, no trap) and INT_MIN / -1, shifts by register (count modulo the
 * width), rotates, clz/cls/rbit/rev/rev16/rev32, umulh/smulh, the
 * multiply-long-accumulate forms, extr, bitfield moves (bfi/bfxil/ubfx/
 * sbfx/sbfiz), the NZCV results of adds/subs/adcs/sbcs/ands and of ccmp,
 * and csel/csinc/csinv/csneg on them.  One hash per operation over a pool
 * of edge and random operands is printed, plus a few sample results.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

static int mismatches;

static const uint64_t edge[] = {
    0, 1, 2, 3, 31, 32, 63, 64, 65, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull,
    0x8000000000000000ull, 0xffffffffffffffffull, 0xfffffffffffffffeull, 0x8000000000000001ull,
    0xffffffff80000000ull, 0x00000000fffffffeull, 0x123456789abcdef0ull, 0x0f0f0f0f0f0f0f0full,
};
#define NE (sizeof(edge) / sizeof(edge[0]))
#define NP 96
static uint64_t pool[NP];

static uint64_t rng = 0x1f83d9abfb41bd6bull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* ---- C models ---- */
static uint64_t m_sdiv64(uint64_t a, uint64_t b)
{
    int64_t x = (int64_t)a, y = (int64_t)b;
    if (y == 0)
        return 0;
    if (x == INT64_MIN && y == -1)
        return a;
    return (uint64_t)(x / y);
}
static uint64_t m_udiv64(uint64_t a, uint64_t b) { return b ? a / b : 0; }
static uint64_t m_sdiv32(uint64_t a, uint64_t b)
{
    int32_t x = (int32_t)a, y = (int32_t)b;
    if (y == 0)
        return 0;
    if (x == INT32_MIN && y == -1)
        return (uint32_t)x;
    return (uint32_t)(x / y);
}
static uint64_t m_udiv32(uint64_t a, uint64_t b) { return (uint32_t)b ? (uint32_t)a / (uint32_t)b : 0; }
static uint64_t m_lsl64(uint64_t a, uint64_t b) { return a << (b & 63); }
static uint64_t m_lsr32(uint64_t a, uint64_t b) { return (uint32_t)a >> (b & 31); }
static uint64_t m_asr64(uint64_t a, uint64_t b) { return (uint64_t)((int64_t)a >> (b & 63)); }
static uint64_t m_ror32(uint64_t a, uint64_t b)
{
    uint32_t x = (uint32_t)a, n = b & 31;
    return n ? (uint32_t)(x >> n | x << (32 - n)) : x;
}
static uint64_t m_clz64(uint64_t a, uint64_t b) { (void)b; return a ? (uint64_t)__builtin_clzll(a) : 64; }
static uint64_t m_clz32(uint64_t a, uint64_t b) { (void)b; return (uint32_t)a ? (uint64_t)__builtin_clz((uint32_t)a) : 32; }
static uint64_t m_cls64(uint64_t a, uint64_t b)
{
    (void)b;
    uint64_t x = a ^ (uint64_t)((int64_t)a >> 63);
    return (x ? (uint64_t)__builtin_clzll(x) : 64) - 1;
}
static uint64_t m_rbit64(uint64_t a, uint64_t b)
{
    (void)b;
    uint64_t r = 0;
    for (int i = 0; i < 64; i++)
        r |= (a >> i & 1) << (63 - i);
    return r;
}
static uint64_t m_rev64(uint64_t a, uint64_t b) { (void)b; return __builtin_bswap64(a); }
static uint64_t m_rev16_64(uint64_t a, uint64_t b)
{
    (void)b;
    return (a & 0xff00ff00ff00ff00ull) >> 8 | (a & 0x00ff00ff00ff00ffull) << 8;
}
static uint64_t m_rev32_64(uint64_t a, uint64_t b)
{
    (void)b;
    return (uint64_t)__builtin_bswap32((uint32_t)(a >> 32)) << 32 | __builtin_bswap32((uint32_t)a);
}
static uint64_t m_umulh(uint64_t a, uint64_t b) { return (uint64_t)((unsigned __int128)a * b >> 64); }
static uint64_t m_smulh(uint64_t a, uint64_t b)
{
    return (uint64_t)((__int128)(int64_t)a * (int64_t)b >> 64);
}
static uint64_t m_smaddl(uint64_t a, uint64_t b)
{
    return (uint64_t)((int64_t)(int32_t)a * (int32_t)b) + (a ^ b);
}
static uint64_t m_umsubl(uint64_t a, uint64_t b)
{
    return (a ^ b) - (uint64_t)(uint32_t)a * (uint32_t)b;
}
static uint64_t m_extr(uint64_t a, uint64_t b) { return b >> 13 | a << 51; }
static uint64_t m_bfi(uint64_t a, uint64_t b) { return (a & ~(0xfffull << 20)) | (b & 0xfff) << 20; }
static uint64_t m_bfxil(uint64_t a, uint64_t b) { return (a & ~0xffffull) | (b >> 40 & 0xffff); }
static uint64_t m_ubfx(uint64_t a, uint64_t b) { (void)b; return a >> 7 & 0x1ffffff; }
static uint64_t m_sbfx(uint64_t a, uint64_t b)
{
    (void)b;
    return (uint64_t)((int64_t)(a << (64 - 33 - 30)) >> (64 - 33));
}
static uint64_t m_sbfiz32(uint64_t a, uint64_t b)
{
    (void)b;
    return (uint32_t)((uint32_t)(int32_t)(int8_t)a << 5);
}

/* NZCV of a + b + carry at the width: N Z C V as bits 31..28 */
static uint64_t flags_add(uint64_t a, uint64_t b, int carry, int w)
{
    uint64_t m = w == 64 ? ~0ull : 0xffffffffull, sb = 1ull << (w - 1);
    a &= m;
    b &= m;
    unsigned __int128 s = (unsigned __int128)a + b + (unsigned)carry;
    uint64_t r = (uint64_t)s & m;
    int n = !!(r & sb), z = r == 0, c = (s >> w) != 0;
    int v = ((a & sb) == (b & sb)) && ((r & sb) != (a & sb));
    return (uint64_t)(n << 3 | z << 2 | c << 1 | v) << 28;
}
static uint64_t m_adds64(uint64_t a, uint64_t b) { return flags_add(a, b, 0, 64); }
static uint64_t m_subs32(uint64_t a, uint64_t b) { return flags_add(a, ~b, 1, 32); }
static uint64_t m_adcs64(uint64_t a, uint64_t b) { return flags_add(a, b, (int)(a >> 5 & 1), 64); }
static uint64_t m_sbcs32(uint64_t a, uint64_t b) { return flags_add(a, ~b, (int)(b >> 3 & 1), 32); }
static uint64_t m_ands64(uint64_t a, uint64_t b)
{
    uint64_t r = a & b;
    return (uint64_t)((r >> 63) << 3 | (r == 0) << 2) << 28;
}
/* cmp a, b then: ccmp a, #5, #0b0110, lt ; the result NZCV */
static uint64_t m_ccmp(uint64_t a, uint64_t b)
{
    int lt = (int64_t)a < (int64_t)b;
    return lt ? flags_add(a, ~5ull, 1, 64) : 0x6ull << 28;
}
/* cmp a, b then csel/csinc/csinv/csneg on hi, ge, eq, vs */
static uint64_t m_csel(uint64_t a, uint64_t b)
{
    uint64_t f = flags_add(a, ~b, 1, 64) >> 28;
    int n = f >> 3 & 1, z = f >> 2 & 1, c = f >> 1 & 1, v = f & 1;
    uint64_t r1 = (c && !z) ? a : b;
    uint64_t r2 = (n == v) ? a : b + 1;
    uint64_t r3 = z ? a : ~b;
    uint64_t r4 = v ? a : -b;
    return r1 ^ r2 * 3 ^ r3 * 5 ^ r4 * 7;
}

#ifdef __aarch64__
#define OP2(name, insn)                                                                    \
    static uint64_t a_##name(uint64_t a, uint64_t b)                                       \
    {                                                                                      \
        uint64_t r;                                                                        \
        __asm__(insn : "=&r"(r) : "r"(a), "r"(b) : "cc");                                  \
        return r;                                                                          \
    }
OP2(sdiv64, "sdiv %0, %1, %2")
OP2(udiv64, "udiv %0, %1, %2")
OP2(sdiv32, "sdiv %w0, %w1, %w2")
OP2(udiv32, "udiv %w0, %w1, %w2")
OP2(lsl64, "lsl %0, %1, %2")
OP2(lsr32, "lsr %w0, %w1, %w2")
OP2(asr64, "asr %0, %1, %2")
OP2(ror32, "ror %w0, %w1, %w2")
OP2(clz64, "clz %0, %1")
OP2(clz32, "clz %w0, %w1")
OP2(cls64, "cls %0, %1")
OP2(rbit64, "rbit %0, %1")
OP2(rev64, "rev %0, %1")
OP2(rev16_64, "rev16 %0, %1")
OP2(rev32_64, "rev32 %0, %1")
OP2(umulh, "umulh %0, %1, %2")
OP2(smulh, "smulh %0, %1, %2")
OP2(smaddl, "eor %0, %1, %2\n\tsmaddl %0, %w1, %w2, %0")
OP2(umsubl, "eor %0, %1, %2\n\tumsubl %0, %w1, %w2, %0")
OP2(extr, "extr %0, %1, %2, #13")
OP2(bfi, "mov %0, %1\n\tbfi %0, %2, #20, #12")
OP2(bfxil, "mov %0, %1\n\tbfxil %0, %2, #40, #16")
OP2(ubfx, "ubfx %0, %1, #7, #25")
OP2(sbfx, "sbfx %0, %1, #30, #33")
OP2(sbfiz32, "sbfiz %w0, %w1, #5, #8")
OP2(adds64, "adds %0, %1, %2\n\tmrs %0, nzcv")
OP2(subs32, "subs %w0, %w1, %w2\n\tmrs %0, nzcv")
OP2(adcs64, "ubfx %0, %1, #5, #1\n\tlsl %0, %0, #29\n\tmsr nzcv, %0\n\tadcs %0, %1, %2\n\tmrs %0, nzcv")
OP2(sbcs32, "ubfx %0, %2, #3, #1\n\tlsl %0, %0, #29\n\tmsr nzcv, %0\n\tsbcs %w0, %w1, %w2\n\tmrs %0, nzcv")
OP2(ands64, "ands %0, %1, %2\n\tmrs %0, nzcv")
OP2(ccmp, "cmp %1, %2\n\tccmp %1, #5, #6, lt\n\tmrs %0, nzcv")
static uint64_t a_csel(uint64_t a, uint64_t b)
{
    uint64_t r1, r2, r3, r4;
    __asm__("cmp %4, %5\n\t"
            "csel %0, %4, %5, hi\n\t"
            "csinc %1, %4, %5, ge\n\t"
            "csinv %2, %4, %5, eq\n\t"
            "csneg %3, %4, %5, vs"
            : "=&r"(r1), "=&r"(r2), "=&r"(r3), "=&r"(r4) : "r"(a), "r"(b) : "cc");
    return r1 ^ r2 * 3 ^ r3 * 5 ^ r4 * 7;
}
#define IMPL(name) a_##name
#else
#define IMPL(name) m_##name
#endif

static void run(const char *name, uint64_t (*impl)(uint64_t, uint64_t),
                uint64_t (*model)(uint64_t, uint64_t))
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (int i = 0; i < NP; i++)
        for (int j = 0; j < NP; j++) {
            uint64_t r = impl(pool[i], pool[j]);
            if (r != model(pool[i], pool[j])) {
                if (mismatches++ < 20)
                    printf("%s(%#" PRIx64 ", %#" PRIx64 "): %#" PRIx64 ", model %#" PRIx64 "\n",
                           name, pool[i], pool[j], r, model(pool[i], pool[j]));
            }
            h = (h ^ r) * 0x100000001b3ull;
        }
    printf("%-9s %016" PRIx64 "  (%#" PRIx64 ", %#" PRIx64 ") -> %#" PRIx64 "\n", name, h,
           pool[20], pool[21], impl(pool[20], pool[21]));
}

int main(void)
{
    for (unsigned i = 0; i < NP; i++) {
        uint64_t r = rnd(), s = rnd();  /* sequenced: one rnd() per declarator */
        pool[i] = i < NE ? edge[i] : i % 3 ? r : r >> (s % 64);
    }
#define RUN(name) run(#name, IMPL(name), m_##name);
    RUN(sdiv64) RUN(udiv64) RUN(sdiv32) RUN(udiv32) RUN(lsl64) RUN(lsr32) RUN(asr64)
    RUN(ror32) RUN(clz64) RUN(clz32) RUN(cls64) RUN(rbit64) RUN(rev64) RUN(rev16_64)
    RUN(rev32_64) RUN(umulh) RUN(smulh) RUN(smaddl) RUN(umsubl) RUN(extr) RUN(bfi)
    RUN(bfxil) RUN(ubfx) RUN(sbfx) RUN(sbfiz32) RUN(adds64) RUN(subs32) RUN(adcs64)
    RUN(sbcs32) RUN(ands64) RUN(ccmp) RUN(csel)
    printf("mismatches against the C model: %d\n", mismatches);
    return mismatches != 0;
}
