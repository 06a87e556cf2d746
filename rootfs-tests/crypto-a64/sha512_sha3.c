/*
 * FEAT_SHA512 and FEAT_SHA3 instructions on pseudo-random operands: each
 * instruction runs 4000 times with fresh inputs (the destination is an
 * input for the accumulating ones) and its results are folded into one
 * digest per instruction, plus the first results in full.  Compared with
 * qemu-aarch64-static -cpu max, which implements both features; and the
 * HWCAP bits must advertise them.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/auxv.h>

typedef struct { uint64_t lo, hi; } v128;

static uint64_t state = 0x243f6a8885a308d3ull;

static uint64_t rnd(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

#define OP3(name, insn)                                                       \
    static v128 name(v128 d, v128 n, v128 m)                                  \
    {                                                                         \
        __asm__("ldr q0, [%0]\n ldr q1, [%1]\n ldr q2, [%2]\n" insn "\n"      \
                "str q0, [%0]"                                                \
                : : "r"(&d), "r"(&n), "r"(&m) : "v0", "v1", "v2", "memory");  \
        return d;                                                             \
    }

OP3(sha512h, "sha512h q0, q1, v2.2d")
OP3(sha512h2, "sha512h2 q0, q1, v2.2d")
OP3(sha512su1, "sha512su1 v0.2d, v1.2d, v2.2d")
OP3(sha512su0, "sha512su0 v0.2d, v1.2d")
OP3(rax1, "rax1 v0.2d, v1.2d, v2.2d")
OP3(eor3, "eor3 v0.16b, v1.16b, v2.16b, v0.16b")
OP3(bcax, "bcax v0.16b, v1.16b, v2.16b, v0.16b")
OP3(xar13, "xar v0.2d, v1.2d, v2.2d, #13")
OP3(xar0, "xar v0.2d, v1.2d, v2.2d, #0")
OP3(xar63, "xar v0.2d, v1.2d, v2.2d, #63")

static const struct {
    const char *name;
    v128 (*fn)(v128, v128, v128);
} ops[] = {
    { "sha512h", sha512h }, { "sha512h2", sha512h2 }, { "sha512su0", sha512su0 },
    { "sha512su1", sha512su1 }, { "rax1", rax1 }, { "eor3", eor3 }, { "bcax", bcax },
    { "xar #13", xar13 }, { "xar #0", xar0 }, { "xar #63", xar63 },
};

int main(void)
{
    unsigned long hw = getauxval(AT_HWCAP);

    printf("hwcap sha3 %d sha512 %d\n", !!(hw & (1ul << 17)), !!(hw & (1ul << 21)));
    for (unsigned o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
        uint64_t h = 0xcbf29ce484222325ull;
        v128 first = { 0, 0 }, d = { rnd(), rnd() };

        for (int i = 0; i < 4000; i++) {
            v128 n = { rnd(), rnd() }, m = { rnd(), rnd() };
            d = ops[o].fn(d, n, m);
            if (i == 0)
                first = d;
            h = (h ^ d.lo) * 0x100000001b3ull;
            h = (h ^ d.hi) * 0x100000001b3ull;
            if (i % 500 == 499)     /* keep the accumulators from settling */
                d.lo ^= rnd();
        }
        printf("%-10s first %016llx %016llx digest %016llx\n", ops[o].name,
               (unsigned long long)first.hi, (unsigned long long)first.lo,
               (unsigned long long)h);
    }
    return 0;
}
