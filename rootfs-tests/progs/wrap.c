/* Unsigned wrap-around in 8/16/32/64-bit arithmetic, 32-bit results
 * sign-extended into 64-bit registers (riscv64 W-ops, aarch64 W regs),
 * and mixed-width promotions. */
#include <stdint.h>
#include <stdio.h>
#include <inttypes.h>

static volatile uint32_t v32[] = { 0, 1, 2, 0x7fffffff, 0x80000000u, 0xffffffffu, 0xfffffffeu,
    0x12345678u, 0x9abcdef0u, 65535, 65536 };
static volatile uint64_t v64[] = { 0, 1, 0x7fffffffffffffffull, 0x8000000000000000ull,
    0xffffffffffffffffull, 0xffffffffull, 0x100000000ull, 0xdeadbeefcafebabeull };

int main(void)
{
    uint64_t h = 0;
    for (unsigned i = 0; i < sizeof(v32) / 4; i++) {
        for (unsigned j = 0; j < sizeof(v32) / 4; j++) {
            uint32_t a = v32[i], b = v32[j];
            uint32_t s = a + b, d = a - b, m = a * b, n = -a, sh = a << (b & 31);
            int32_t sa = (int32_t)a, sb = (int32_t)b;
            int64_t wide = (int64_t)(int32_t)(a + b);    /* sign-extended 32-bit add */
            uint64_t zext = (uint64_t)(a * b);          /* zero-extended 32-bit mul */
            int64_t prod = (int64_t)sa * sb;            /* full 64-bit product */
            uint16_t s16 = (uint16_t)(a + b);
            uint8_t m8 = (uint8_t)(a * b);
            int lt = sa < sb, ult = a < b;
            h = h * 1099511628211ull ^ s ^ ((uint64_t)d << 32);
            h = h * 1099511628211ull ^ m ^ ((uint64_t)n << 32);
            h = h * 1099511628211ull ^ (uint64_t)wide ^ zext ^ (uint64_t)prod;
            h = h * 1099511628211ull ^ sh ^ s16 ^ m8 ^ (uint64_t)(lt * 2 + ult);
            if (j == i || j == 0)
                printf("%08x %08x: add=%08x sub=%08x mul=%08x neg=%08x shl=%08x addw=%016" PRIx64
                       " mulz=%016" PRIx64 " prod=%" PRId64 " s16=%u m8=%u lt=%d ult=%d\n",
                       a, b, s, d, m, n, sh, (uint64_t)wide, zext, prod, s16, m8, lt, ult);
        }
    }
    for (unsigned i = 0; i < sizeof(v64) / 8; i++) {
        for (unsigned j = 0; j < sizeof(v64) / 8; j++) {
            uint64_t a = v64[i], b = v64[j];
            uint64_t s = a + b, d = a - b, m = a * b;
            uint32_t lo = (uint32_t)a + (uint32_t)b;
            int32_t slo = (int32_t)(uint32_t)(a >> 16);
            h = h * 1099511628211ull ^ s ^ (d << 1) ^ (m << 2) ^ lo ^ (uint64_t)(int64_t)slo;
            printf("%016" PRIx64 " %016" PRIx64 ": add=%016" PRIx64 " sub=%016" PRIx64
                   " mul=%016" PRIx64 " lo=%08x slo=%d\n", a, b, s, d, m, lo, slo);
        }
    }
    /* counters that wrap many times */
    uint8_t c8 = 0;
    uint16_t c16 = 0;
    uint32_t c32 = 0xfffff000u;
    uint64_t c64 = 0xfffffffffff00000ull;
    for (int i = 0; i < 1000000; i++) {
        c8 = (uint8_t)(c8 + 7);
        c16 = (uint16_t)(c16 * 3 + 1);
        c32 = c32 * 1664525u + 1013904223u;
        c64 = c64 * 6364136223846793005ull + 1442695040888963407ull;
    }
    printf("counters %u %u %08x %016" PRIx64 "\n", c8, c16, c32, c64);
    printf("hash %016" PRIx64 "\n", h);
    return 0;
}
