/* Integer arithmetic edge cases: division semantics made total in C,
 * 128-bit products, overflow builtins, variable shift counts. */
#include <stdint.h>
#include <stdio.h>
#include <inttypes.h>

/* Volatile sources keep the compiler from folding everything at build time. */
static volatile int64_t vals64[] = {
    0, 1, -1, 2, -2, 3, -3, 7, -7, 100, -100, 0x7fffffff, -0x7fffffff - 1,
    INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1, 0x123456789abcdefLL,
    -0x0fedcba987654321LL, 1000000007, 65536, -65536,
};
#define NV (sizeof(vals64) / sizeof(vals64[0]))

/* RISC-V-like total division: defined for every input pair. */
static int64_t sdiv64(int64_t a, int64_t b)
{
    if (b == 0)
        return -1;
    if (a == INT64_MIN && b == -1)
        return INT64_MIN;
    return a / b;
}

static int64_t srem64(int64_t a, int64_t b)
{
    if (b == 0)
        return a;
    if (a == INT64_MIN && b == -1)
        return 0;
    return a % b;
}

static int32_t sdiv32(int32_t a, int32_t b)
{
    if (b == 0)
        return -1;
    if (a == INT32_MIN && b == -1)
        return INT32_MIN;
    return a / b;
}

static int32_t srem32(int32_t a, int32_t b)
{
    if (b == 0)
        return a;
    if (a == INT32_MIN && b == -1)
        return 0;
    return a % b;
}

static void print_u128(const char *tag, unsigned __int128 v)
{
    printf("%s=%016" PRIx64 "%016" PRIx64 "\n", tag,
           (uint64_t)(v >> 64), (uint64_t)v);
}

int main(void)
{
    uint64_t sum = 0;

    for (unsigned i = 0; i < NV; i++) {
        for (unsigned j = 0; j < NV; j++) {
            int64_t a = vals64[i], b = vals64[j];
            uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
            int64_t q = sdiv64(a, b), r = srem64(a, b);
            uint64_t uq = ub ? ua / ub : UINT64_MAX;
            uint64_t ur = ub ? ua % ub : ua;
            int32_t a32 = (int32_t)(uint32_t)ua, b32 = (int32_t)(uint32_t)ub;
            int32_t q32 = sdiv32(a32, b32), r32 = srem32(a32, b32);
            uint32_t uq32 = (uint32_t)b32 ? (uint32_t)a32 / (uint32_t)b32 : UINT32_MAX;
            __int128 p = (__int128)a * b;
            unsigned __int128 up = (unsigned __int128)ua * ub;
            int64_t sres;
            int ovf_add = __builtin_add_overflow(a, b, &sres);
            int64_t sadd = sres;
            int ovf_sub = __builtin_sub_overflow(a, b, &sres);
            int64_t ssub = sres;
            int ovf_mul = __builtin_mul_overflow(a, b, &sres);
            int64_t smul = sres;
            uint64_t ures;
            int uovf = __builtin_add_overflow(ua, ub, &ures) * 4 +
                       __builtin_sub_overflow(ua, ub, &ures) * 2 +
                       __builtin_mul_overflow(ua, ub, &ures);
            int32_t s32res;
            int ovf32 = __builtin_mul_overflow(a32, b32, &s32res);

            printf("%" PRId64 " %" PRId64 ": q=%" PRId64 " r=%" PRId64
                   " uq=%" PRIu64 " ur=%" PRIu64 " q32=%d r32=%d uq32=%u"
                   " mulh=%" PRId64 " mulhu=%" PRIu64 " ovf=%d%d%d/%d/%d"
                   " add=%" PRId64 " sub=%" PRId64 " mul=%" PRId64 " m32=%d"
                   " lt=%d ult=%d\n",
                   a, b, q, r, uq, ur, q32, r32, uq32,
                   (int64_t)(p >> 64), (uint64_t)(up >> 64),
                   ovf_add, ovf_sub, ovf_mul, uovf, ovf32,
                   sadd, ssub, smul, s32res, a < b, ua < ub);
            sum = sum * 31 + (uint64_t)q + (uint64_t)r * 7 + (uint64_t)p;
        }
    }

    /* Shifts with run-time counts masked to the width, as the ISA does. */
    for (unsigned i = 0; i < NV; i++) {
        for (volatile unsigned s = 0; s < 130; s += 3) {
            int64_t a = vals64[i];
            uint64_t sl = (uint64_t)a << (s & 63);
            int64_t sra = a >> (s & 63);
            uint64_t srl = (uint64_t)a >> (s & 63);
            uint32_t sl32 = (uint32_t)a << (s & 31);
            int32_t sra32 = (int32_t)(uint32_t)a >> (s & 31);
            sum ^= sl + (uint64_t)sra * 3 + srl * 5 + sl32 * 7ull + (uint64_t)(int64_t)sra32;
            sum = (sum << 7) | (sum >> 57);
            if (s % 21 == 0)
                printf("shift %" PRId64 " by %u: %016" PRIx64 " %016" PRIx64
                       " %016" PRIx64 " %08x %08x\n", a, s, sl, (uint64_t)sra,
                       srl, sl32, (uint32_t)sra32);
        }
    }

    /* Signed/unsigned widening and narrowing. */
    for (unsigned i = 0; i < NV; i++) {
        int64_t a = vals64[i];
        printf("conv %" PRId64 ": s8=%d u8=%u s16=%d u16=%u s32=%d u32=%u\n", a,
               (int)(int8_t)(uint8_t)a, (unsigned)(uint8_t)a,
               (int)(int16_t)(uint16_t)a, (unsigned)(uint16_t)a,
               (int32_t)(uint32_t)a, (uint32_t)a);
    }

    unsigned __int128 big = 1;
    for (int i = 0; i < 40; i++)
        big = big * 3 + (unsigned)i;
    print_u128("pow3ish", big);
    print_u128("div128", big / 1000000007u);
    print_u128("mod128", big % 1000000007u);
    printf("checksum %016" PRIx64 "\n", sum);
    return 0;
}
