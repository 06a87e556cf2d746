/*
 * aarch64 front-end: Advanced SIMD and crypto instructions that static glibc
 * and common code use, run through the IR interpreter with and without the
 * optimiser.  Expected values come from plain C reference loops below (the
 * broad check against qemu is tests/guest/run_neon.sh).
 */
#include "isa/aarch64/tests/a64_harness.h"

static const uint32_t code_simd[] = {
    0x4e010c20, /* dup v0.16b, w1 */
    0x6e228c01, /* cmeq v1.16b, v0.16b, v2.16b */
    0x6e30a823, /* umaxv b3, v1.16b */
    0x4ea5bc44, /* addp v4.4s, v2.4s, v5.4s */
    0x4e050046, /* tbl v6.16b, {v2.16b}, v5.16b */
    0x4e451847, /* uzp1 v7.8h, v2.8h, v5.8h */
    0x4f002648, /* movi v8.4s, #0x12, lsl #8 */
    0x4ea21d08, /* orr v8.16b, v8.16b, v2.16b */
    0x6e052849, /* ext v9.16b, v2.16b, v5.16b, #5 */
    0x4cdf086a, /* ld4 {v10.4s-v13.4s}, [x3], #64 */
    0x4c857082, /* st1 {v2.16b}, [x4], x5 */
    0x0e1a3ca6, /* umov w6, v5.h[6] */
    0x4e0c1c2e, /* mov v14.s[1], w1 */
    0x0e20584f, /* cnt v15.8b, v2.8b */
    0x4e284850, /* aese v16.16b, v2.16b */
    0xd4200000, /* brk #0 */
};

static uint8_t b2[16], b5[16];

static uint8_t byte_of(int reg, int i)
{
    return (uint8_t)(cpu.v[reg][i / 8] >> (8 * (i % 8)));
}

static uint32_t word_of(const uint8_t *b, int i)
{
    return (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 | (uint32_t)b[4 * i + 2] << 16 |
           (uint32_t)b[4 * i + 3] << 24;
}

static void check_bytes(int reg, const uint8_t *want, const char *what)
{
    bool good = true;
    for (int i = 0; i < 16; i++)
        good &= byte_of(reg, i) == want[i];
    ok(good, "%s", what);
    if (!good)
        printf("#   got %016" PRIx64 "%016" PRIx64 "\n", cpu.v[reg][1], cpu.v[reg][0]);
}

static void set_bytes(int reg, const uint8_t *b)
{
    memcpy(cpu.v[reg], b, 16);
}

static void test_simd(void)
{
    static uint32_t data[16];
    static uint8_t out[32];
    uint8_t want[16];
    for (int i = 0; i < 16; i++) {
        b2[i] = (uint8_t)(i * 17 + 3);
        b5[i] = (uint8_t)(i * 5 % 20);
        data[i] = 0x1000u * (uint32_t)i + 7;
    }
    cpu_reset();
    set_bytes(2, b2);
    set_bytes(5, b5);
    set_bytes(16, b2);          /* AESE key XOR state = 0: SubBytes(0) everywhere */
    cpu.v[14][0] = 0xaaaaaaaabbbbbbbbull;
    cpu.x[1] = 0x1234500 + b2[5];
    cpu.x[3] = (uint64_t)(uintptr_t)data;
    cpu.x[4] = (uint64_t)(uintptr_t)out;
    cpu.x[5] = 16;
    memset(out, 0, sizeof(out));
    if (!RUN(code_simd))
        return;
    for (int i = 0; i < 16; i++)
        want[i] = b2[5];
    check_bytes(0, want, "dup v0.16b, w1");
    for (int i = 0; i < 16; i++)
        want[i] = b2[i] == b2[5] ? 0xff : 0;
    check_bytes(1, want, "cmeq");
    check_eq(cpu.v[3][0], 0xff, "umaxv b3");
    check_eq(cpu.v[3][1], 0, "umaxv clears the top");
    uint32_t w4[4] = { word_of(b2, 0) + word_of(b2, 1), word_of(b2, 2) + word_of(b2, 3),
                       word_of(b5, 0) + word_of(b5, 1), word_of(b5, 2) + word_of(b5, 3) };
    check_bytes(4, (const uint8_t *)w4, "addp v4.4s");
    for (int i = 0; i < 16; i++)
        want[i] = b5[i] < 16 ? b2[b5[i]] : 0;
    check_bytes(6, want, "tbl");
    for (int i = 0; i < 8; i++) {
        const uint8_t *src = i < 4 ? b2 : b5;
        want[2 * i] = src[4 * (i % 4)];
        want[2 * i + 1] = src[4 * (i % 4) + 1];
    }
    check_bytes(7, want, "uzp1 v7.8h");
    for (int i = 0; i < 16; i++)
        want[i] = b2[i] | (i % 4 == 1 ? 0x12 : 0);
    check_bytes(8, want, "movi lsl 8 then orr");
    for (int i = 0; i < 16; i++)
        want[i] = i + 5 < 16 ? b2[i + 5] : b5[i + 5 - 16];
    check_bytes(9, want, "ext #5");
    bool ld4 = true;
    for (int r = 0; r < 4; r++)
        for (int e = 0; e < 4; e++)
            ld4 &= (uint32_t)(cpu.v[10 + r][e / 2] >> (32 * (e % 2))) == data[4 * e + r];
    ok(ld4, "ld4 de-interleaves");
    check_eq(cpu.x[3], (uint64_t)(uintptr_t)data + 64, "ld4 post-index by 64");
    ok(memcmp(out, b2, 16) == 0 && out[16] == 0, "st1 stores 16 bytes");
    check_eq(cpu.x[4], (uint64_t)(uintptr_t)out + 16, "st1 post-index by x5");
    check_eq(cpu.x[6], (uint64_t)b5[12] | (uint64_t)b5[13] << 8, "umov w6, v5.h[6]");
    check_eq(cpu.v[14][0], (cpu.x[1] & 0xffffffff) << 32 | 0xbbbbbbbb, "ins v14.s[1], w1");
    uint64_t cnt = 0;
    for (int i = 0; i < 8; i++)
        cnt |= (uint64_t)__builtin_popcount(b2[i]) << (8 * i);
    check_eq(cpu.v[15][0], cnt, "cnt v15.8b");
    check_eq(cpu.v[15][1], 0, "cnt 8b clears the top");
    check_eq(cpu.v[16][0], 0x6363636363636363ull, "aese: S-box(0) = 0x63 (FIPS-197)");
}

/* an unallocated AdvSIMD encoding must raise SIGILL, not run */
static void test_unallocated(void)
{
    /* add v0.1d, v0.1d, v0.1d: size 11 with Q 0 is reserved */
    static const uint32_t code[] = { 0x0ee08400, 0xd4200000 };
    cpu_reset();
    ok(run_code(code) == IR_TRAP_ILLEGAL && cpu.insn_trap == code[0],
       "reserved add .1d is SIGILL");
}

int main(void)
{
    for (int pass = 0; pass < 2; pass++) {
        use_opt = pass;
        test_simd();
        test_unallocated();
    }
    return test_done();
}
