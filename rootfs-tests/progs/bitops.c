/* Bit manipulation: popcount, leading/trailing zero counts, byte swaps,
 * rotates and bit-field extraction on 8..64-bit widths. */
#include <stdint.h>
#include <stdio.h>
#include <inttypes.h>

static uint64_t rotl64(uint64_t x, unsigned n)
{
    n &= 63;
    return (x << n) | (x >> ((64 - n) & 63));
}

static uint32_t rotr32(uint32_t x, unsigned n)
{
    n &= 31;
    return (x >> n) | (x << ((32 - n) & 31));
}

static int clz64(uint64_t x) { return x ? __builtin_clzll(x) : 64; }
static int ctz64(uint64_t x) { return x ? __builtin_ctzll(x) : 64; }
static int clz32(uint32_t x) { return x ? __builtin_clz(x) : 32; }
static int ctz32(uint32_t x) { return x ? __builtin_ctz(x) : 32; }

/* Bit-reverse by halves so no lookup table is involved. */
static uint64_t bitrev64(uint64_t x)
{
    x = ((x >> 1) & 0x5555555555555555ull) | ((x & 0x5555555555555555ull) << 1);
    x = ((x >> 2) & 0x3333333333333333ull) | ((x & 0x3333333333333333ull) << 2);
    x = ((x >> 4) & 0x0f0f0f0f0f0f0f0full) | ((x & 0x0f0f0f0f0f0f0f0full) << 4);
    return __builtin_bswap64(x);
}

int main(void)
{
    uint64_t x = 0x9e3779b97f4a7c15ull, acc = 0;
    volatile uint64_t edge[] = { 0, 1, 2, 0x80, 0x8000, 0x80000000ull,
        0x8000000000000000ull, ~0ull, 0xffffffffull, 0x00ff00ff00ff00ffull,
        0x0123456789abcdefull, 0xfedcba9876543210ull };

    for (unsigned i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
        uint64_t v = edge[i];
        uint32_t w = (uint32_t)v;
        uint16_t h = (uint16_t)v;
        printf("%016" PRIx64 ": pc=%d/%d clz=%d/%d ctz=%d/%d ffs=%d par=%d"
               " bs64=%016" PRIx64 " bs32=%08x bs16=%04x rev=%016" PRIx64
               " clrsb=%d\n", v,
               __builtin_popcountll(v), __builtin_popcount(w),
               clz64(v), clz32(w), ctz64(v), ctz32(w), __builtin_ffsll((long long)v),
               __builtin_parityll(v), __builtin_bswap64(v), __builtin_bswap32(w),
               (unsigned)__builtin_bswap16(h), bitrev64(v),
               __builtin_clrsbll((long long)v));
        for (volatile unsigned r = 0; r < 70; r += 13)
            printf("  rot %2u: %016" PRIx64 " %08x\n", r, rotl64(v, r), rotr32(w, r));
    }

    for (int i = 0; i < 200000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint32_t lo = (uint32_t)x;
        acc += (uint64_t)__builtin_popcountll(x) * 3 + (uint64_t)clz64(x >> (i & 63))
             + (uint64_t)ctz32(lo >> (i & 31)) + rotl64(x, (unsigned)i)
             + rotr32(lo, (unsigned)i) + __builtin_bswap64(x ^ acc);
        /* andn / orn / xnor style combinations */
        acc ^= (x & ~acc) | (~x & (acc >> 3)) | ~(x ^ (acc << 5));
        /* sign/zero extension of extracted fields */
        int64_t f = (int64_t)(x << (i % 40)) >> 40;
        acc += (uint64_t)f + ((x >> (i % 50)) & 0x3fff);
        /* min/max */
        int64_t sx = (int64_t)x, sa = (int64_t)acc;
        acc += (uint64_t)(sx < sa ? sx : sa) ^ (x > acc ? x : acc);
    }
    printf("acc=%016" PRIx64 " x=%016" PRIx64 "\n", acc, x);
    return 0;
}
