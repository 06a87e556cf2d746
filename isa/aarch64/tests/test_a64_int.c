/*
 * aarch64 front-end: integer, branch, load/store, atomic and system
 * instructions, run through the IR interpreter with and without the
 * optimiser.  Expected values come from independent C reference code.
 * The instruction words were produced with aarch64-linux-gnu-as; the
 * assembly is kept beside each word.
 */
#include "isa/aarch64/tests/a64_harness.h"

#include <stdlib.h>

static const uint32_t code_arith[] = {
    0xab020020, /* adds x0, x1, x2 */
    0xd53b420a, /* mrs x10, nzcv */
    0xeb020023, /* subs x3, x1, x2 */
    0xd53b420b, /* mrs x11, nzcv */
    0x2b020024, /* adds w4, w1, w2 */
    0xd53b420c, /* mrs x12, nzcv */
    0x6b020025, /* subs w5, w1, w2 */
    0xd53b420d, /* mrs x13, nzcv */
    0xba020026, /* adcs x6, x1, x2 */
    0xd53b420e, /* mrs x14, nzcv */
    0x7a020027, /* sbcs w7, w1, w2 */
    0xd53b420f, /* mrs x15, nzcv */
    0x1a020028, /* adc w8, w1, w2 */
    0xda020029, /* sbc x9, x1, x2 */
    0xd4200000, /* brk #0 */
};
static const uint32_t code_logic[] = {
    0x9200f020, /* and x0, x1, #0x5555555555555555 */
    0x32089fe2, /* orr w2, wzr, #0xff00ff00 */
    0xd27ff823, /* eor x3, x1, #0xfffffffffffffffe */
    0x72010424, /* ands w4, w1, #0x80000001 */
    0xd53b420a, /* mrs x10, nzcv */
    0xea220c25, /* bics x5, x1, x2, lsl #3 */
    0xd53b420b, /* mrs x11, nzcv */
    0x2ae21c26, /* orn w6, w1, w2, ror #7 */
    0xcaa2f027, /* eon x7, x1, x2, asr #60 */
    0x2a6207e8, /* mvn w8, w2, lsr #1 */
    0xd4200000, /* brk #0 */
};
static const uint32_t code_bitfield[] = {
    0xd3485c20, /* ubfx x0, x1, #8, #16 */
    0x937cfc22, /* sbfx x2, x1, #60, #4 */
    0xb37c1c23, /* bfi x3, x1, #4, #8 */
    0x33031c24, /* bfxil w4, w1, #3, #5 */
    0x53196025, /* lsl w5, w1, #7 */
    0x937ffc26, /* asr x6, x1, #63 */
    0x93401c27, /* sxtb x7, w1 */
    0x53003c28, /* uxth w8, w1 */
    0x93407c29, /* sxtw x9, w1 */
    0x93c2302a, /* extr x10, x1, x2, #12 */
    0x1381142b, /* ror w11, w1, #5 */
    0x93581c2c, /* sbfiz x12, x1, #40, #8 */
    0x531f7c2d, /* lsr w13, w1, #31 */
    0xd4200000, /* brk #0 */
};
static const uint32_t code_mul[] = {
    0x9b020c20, /* madd x0, x1, x2, x3 */
    0x1b028c24, /* msub w4, w1, w2, w3 */
    0x9b220c25, /* smaddl x5, w1, w2, x3 */
    0x9ba28c26, /* umsubl x6, w1, w2, x3 */
    0x9b427c27, /* smulh x7, x1, x2 */
    0x9bc27c28, /* umulh x8, x1, x2 */
    0x9ac20c29, /* sdiv x9, x1, x2 */
    0x1ac2082a, /* udiv w10, w1, w2 */
    0x1ac20c2b, /* sdiv w11, w1, w2 */
    0xd4200000, /* brk #0 */
};
static const uint32_t code_misc[] = {
    0xdac01020, /* clz x0, x1 */
    0x5ac0142f, /* cls w15, w1 */
    0xdac01423, /* cls x3, x1 */
    0xdac00024, /* rbit x4, x1 */
    0x5ac00025, /* rbit w5, w1 */
    0xdac00c26, /* rev x6, x1 */
    0x5ac00827, /* rev w7, w1 */
    0xdac00428, /* rev16 x8, x1 */
    0xdac00829, /* rev32 x9, x1 */
    0x9ac2202a, /* lslv x10, x1, x2 */
    0x1ac2242b, /* lsrv w11, w1, w2 */
    0x9ac2282c, /* asrv x12, x1, x2 */
    0x1ac22c2d, /* rorv w13, w1, w2 */
    0x5ac0102e, /* clz w14, w1 */
    0xd4200000, /* brk #0 */
};
static const uint32_t code_movw[] = {
    0xd2c24680, /* movz x0, #0x1234, lsl #32 */
    0x12aacf01, /* movn w1, #0x5678, lsl #16 */
    0xf297dde0, /* movk x0, #0xbeef, lsl #0 */
    0x72b95fc2, /* movk w2, #0xcafe, lsl #16 */
    0x92800003, /* movn x3, #0 */
    0x10000004, /* adr x4, . */
    0x90000005, /* adrp x5, . */
    0xd4200000, /* brk #0 */
};
static const uint32_t code_ccmp[] = {
    0xeb02003f, /* cmp x1, x2 */
    0xfa440065, /* ccmp x3, x4, #0b0101, eq */
    0xd53b420a, /* mrs x10, nzcv */
    0x3a45186a, /* ccmn w3, #5, #0b1010, ne */
    0xd53b420b, /* mrs x11, nzcv */
    0x9a828025, /* csel x5, x1, x2, hi */
    0x5a822026, /* csinv w6, w1, w2, hs */
    0xda823427, /* csneg x7, x1, x2, lo */
    0x1a9fb7e8, /* cset w8, ge */
    0xd4200000, /* brk #0 */
};
static const uint32_t code_ext[] = {
    0x8b21cbe0, /* add x0, sp, w1, sxtw #2 */
    0xcb220023, /* sub x3, x1, w2, uxtb */
    0x2b22a424, /* adds w4, w1, w2, sxth #1 */
    0x914043ff, /* add sp, sp, #0x10, lsl #12 */
    0xd10007e5, /* sub x5, sp, #1 */
    0xeb22503f, /* cmp x1, w2, uxtw #4 */
    0xd53b420a, /* mrs x10, nzcv */
    0xd4200000, /* brk #0 */
};
static const uint32_t code_branch[] = {
    0x94000003, /* bl 1f */
    0x91019000, /* add x0, x0, #100 */
    0x14000003, /* b 2f */
    0x91000400, /* add x0, x0, #1 */
    0xd65f03c0, /* ret */
    0xb4000041, /* cbz x1, 3f */
    0x910fa000, /* add x0, x0, #1000 */
    0x37180042, /* tbnz w2, #3, 4f */
    0x911f4000, /* add x0, x0, #2000 */
    0x10000069, /* adr x9, 5f */
    0xd61f0120, /* br x9 */
    0x91001c00, /* add x0, x0, #7 */
    0xd4200000, /* brk #0 */
};
static const uint32_t code_ldst[] = {
    0xf9000001, /* str x1, [x0] */
    0xb9000802, /* str w2, [x0, #8] */
    0x39003001, /* strb w1, [x0, #12] */
    0x79001c01, /* strh w1, [x0, #14] */
    0xf9400003, /* ldr x3, [x0] */
    0xb9800804, /* ldrsw x4, [x0, #8] */
    0x39c03005, /* ldrsb w5, [x0, #12] */
    0x79801c06, /* ldrsh x6, [x0, #14] */
    0x39403c07, /* ldrb w7, [x0, #15] */
    0xf8401008, /* ldur x8, [x0, #1] */
    0xf8010c02, /* str x2, [x0, #16]! */
    0xf85f0409, /* ldr x9, [x0], #-16 */
    0xa9020801, /* stp x1, x2, [x0, #32] */
    0x29442c0a, /* ldp w10, w11, [x0, #32] */
    0x6944340c, /* ldpsw x12, x13, [x0, #32] */
    0xa9c23c0e, /* ldp x14, x15, [x0, #32]! */
    0xd2800090, /* mov x16, #4 */
    0xb8706811, /* ldr w17, [x0, x16] */
    0x928001f0, /* mov x16, #-16 */
    0xf870c812, /* ldr x18, [x0, w16, sxtw] */
    0xd2800030, /* mov x16, #1 */
    0xf8707813, /* ldr x19, [x0, x16, lsl #3] */
    0x58000054, /* ldr x20, 6f */
    0xd4200000, /* brk #0 */
    0x55667788, /* .word 0x55667788 */
    0x11223344, /* .word 0x11223344 */
};
static const uint32_t code_vldst[] = {
    0x3dc00000, /* ldr q0, [x0] */
    0xfd400401, /* ldr d1, [x0, #8] */
    0xbd400402, /* ldr s2, [x0, #4] */
    0x7d400403, /* ldr h3, [x0, #2] */
    0x3d400404, /* ldr b4, [x0, #1] */
    0x3d800400, /* str q0, [x0, #16] */
    0x6d020801, /* stp d1, d2, [x0, #32] */
    0xacc11805, /* ldp q5, q6, [x0], #32 */
    0xbc1ffc02, /* str s2, [x0, #-1]! */
    0xd4200000, /* brk #0 */
};
static const uint32_t code_atomic[] = {
    0xc85f7c02, /* ldxr x2, [x0] */
    0x91000442, /* add x2, x2, #1 */
    0xc8037c02, /* stxr w3, x2, [x0] */
    0xc8047c02, /* stxr w4, x2, [x0] */
    0x885ffc05, /* ldaxr w5, [x0] */
    0x91001001, /* add x1, x0, #4 */
    0x8806fc25, /* stlxr w6, w5, [x1] */
    0xc87f2007, /* ldxp x7, x8, [x0] */
    0xc8291c08, /* stxp w9, x8, x7, [x0] */
    0xd28000aa, /* mov x10, #5 */
    0xf82a000b, /* ldadd x10, x11, [x0] */
    0x91004001, /* add x1, x0, #16 */
    0xd280100c, /* mov x12, #0x80 */
    0x382c402d, /* ldsmaxb w12, w13, [x1] */
    0x782c602e, /* ldumaxh w12, w14, [x1] */
    0x91006001, /* add x1, x0, #24 */
    0xd2801fef, /* mov x15, #0xff */
    0xf8ef1030, /* ldclral x15, x16, [x1] */
    0x91007001, /* add x1, x0, #28 */
    0xb8718032, /* swpl w17, w18, [x1] */
    0x91008001, /* add x1, x0, #32 */
    0xd2800133, /* mov x19, #9 */
    0xc8b37c31, /* cas x19, x17, [x1] */
    0xd28000f4, /* mov x20, #7 */
    0xc8f47c31, /* casa x20, x17, [x1] */
    0x9100c001, /* add x1, x0, #48 */
    0x48367c38, /* casp x22, x23, x24, x25, [x1] */
    0x91010001, /* add x1, x0, #64 */
    0xc89ffc35, /* stlr x21, [x1] */
    0xc8dffc3a, /* ldar x26, [x1] */
    0xb8bfc03b, /* ldapr w27, [x1] */
    0xd4200000, /* brk #0 */
};
static const uint32_t code_sys[] = {
    0xd51bd041, /* msr tpidr_el0, x1 */
    0xd53bd040, /* mrs x0, tpidr_el0 */
    0xd53b0022, /* mrs x2, ctr_el0 */
    0xd53b00e3, /* mrs x3, dczid_el0 */
    0xd5380004, /* mrs x4, midr_el1 */
    0xd5380605, /* mrs x5, id_aa64isar0_el1 */
    0xd50b7426, /* dc zva, x6 */
    0xd2802467, /* mov x7, #0x123 */
    0xd51b4207, /* msr nzcv, x7 */
    0xd53b4208, /* mrs x8, nzcv */
    0xd2a08009, /* mov x9, #0x4000000 */
    0xd51b4409, /* msr fpcr, x9 */
    0xd53b440a, /* mrs x10, fpcr */
    0xd53be04b, /* mrs x11, cntvct_el0 */
    0xd5033bbf, /* dmb ish */
    0xd503201f, /* nop */
    0xd503233f, /* paciasp */
    0xd50323bf, /* autiasp */
    0xd5033fdf, /* isb */
    0xd4000001, /* svc #0 */
};
static const uint32_t code_ic[] = {
    0xd50b7520, /* ic ivau, x0 */
};
static const uint32_t code_udf[] = {
    0x00000001, /* udf #1 */
};
static const uint32_t code_crc[] = {
    0x1ac24020, /* crc32b w0, w1, w2 */
    0x9ac25c23, /* crc32cx w3, w1, x2 */
    0xd4200000, /* brk #0 */
};


/* ---- reference semantics ---- */

static uint32_t ref_nzcv(uint64_t res, unsigned bits, bool c, bool v)
{
    uint64_t m = bits == 64 ? ~0ull : 0xffffffffull;
    res &= m;
    return (uint32_t)((res >> (bits - 1)) & 1) << 31 | (uint32_t)(res == 0) << 30 |
           (uint32_t)c << 29 | (uint32_t)v << 28;
}

/* AddWithCarry() of the Arm ARM, at 32 or 64 bits */
static uint64_t ref_adc(uint64_t a, uint64_t b, unsigned carry, unsigned bits, uint32_t *nzcv)
{
    if (bits == 32) {
        uint64_t us = (uint64_t)(uint32_t)a + (uint32_t)b + carry;
        int64_t ss = (int64_t)(int32_t)a + (int32_t)b + carry;
        uint32_t r = (uint32_t)us;
        *nzcv = ref_nzcv(r, 32, us != r, ss != (int32_t)r);
        return r;
    }
    unsigned __int128 us = (unsigned __int128)a + b + carry;
    __int128 ss = (__int128)(int64_t)a + (int64_t)b + carry;
    uint64_t r = (uint64_t)us;
    *nzcv = ref_nzcv(r, 64, us != r, ss != (int64_t)r);
    return r;
}

static bool ref_cond(unsigned cc, uint32_t nzcv)
{
    bool n = nzcv >> 31, z = (nzcv >> 30) & 1, c = (nzcv >> 29) & 1, v = (nzcv >> 28) & 1;
    bool r;
    switch (cc >> 1) {
    case 0: r = z; break;
    case 1: r = c; break;
    case 2: r = n; break;
    case 3: r = v; break;
    case 4: r = c && !z; break;
    case 5: r = n == v; break;
    case 6: r = n == v && !z; break;
    default: return true;
    }
    return (cc & 1) ? !r : r;
}

static const uint64_t edge[] = {
    0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull,
    0x8000000000000000ull, 0xffffffffffffffffull, 0x123456789abcdef0ull, 0xfedcba9876543210ull,
};
#define N_EDGE (sizeof(edge) / sizeof(edge[0]))

/* compare x[i] for the registers in mask; report the first difference */
static bool regs_match(const uint64_t *want, uint32_t mask, const char *name, uint64_t a,
                       uint64_t b)
{
    for (unsigned i = 0; i < 31; i++)
        if ((mask >> i & 1) && cpu.x[i] != want[i]) {
            printf("#   %s(0x%" PRIx64 ", 0x%" PRIx64 "): x%u = 0x%" PRIx64 ", want 0x%" PRIx64
                   "\n", name, a, b, i, cpu.x[i], want[i]);
            return false;
        }
    return true;
}

static void test_arith(void)
{
    bool all = true;
    for (unsigned i = 0; i < N_EDGE; i++)
        for (unsigned j = 0; j < N_EDGE; j++) {
            uint64_t a = edge[i], b = edge[j], w[31] = { 0 };
            uint32_t f;
            cpu_reset();
            cpu.x[1] = a;
            cpu.x[2] = b;
            if (run_code(code_arith) != IR_TRAP_BREAKPOINT) {
                all = false;
                continue;
            }
            w[1] = a;
            w[2] = b;
            w[0] = ref_adc(a, b, 0, 64, &f);
            w[10] = f;
            w[3] = ref_adc(a, ~b, 1, 64, &f);
            w[11] = f;
            w[4] = ref_adc(a, b, 0, 32, &f);
            w[12] = f;
            w[5] = ref_adc(a, ~b, 1, 32, &f);
            w[13] = f;
            w[6] = ref_adc(a, b, (w[13] >> 29) & 1, 64, &f);
            w[14] = f;
            w[7] = ref_adc(a, ~b, (w[14] >> 29) & 1, 32, &f);
            w[15] = f;
            w[8] = ref_adc(a, b, (w[15] >> 29) & 1, 32, &f);
            w[9] = ref_adc(a, ~b, (w[15] >> 29) & 1, 64, &f);
            all &= regs_match(w, 0xffff, "arith", a, b);
        }
    ok(all, "adds/subs/adcs/sbcs/adc/sbc, 32 and 64 bits, flags via mrs nzcv");
}

/* every condition against every NZCV value, through csel and b.cond */
static void test_conditions(void)
{
    static uint32_t code[6];
    bool all = true;
    for (unsigned cc = 0; cc < 16; cc++)
        for (uint32_t f = 0; f < 16; f++) {
            code[0] = 0xd51b4201;                               /* msr nzcv, x1 */
            code[1] = 0x9a800000 | 3 << 16 | cc << 12 | 2 << 5 | 0;  /* csel x0, x2, x3, cc */
            code[2] = 0x54000040 | cc;                          /* b.cc +8 */
            code[3] = 0x91000484;                               /* add x4, x4, #1 */
            code[4] = 0xd4200000;                               /* brk #0 */
            cpu_reset();
            cpu.x[1] = (uint64_t)f << 28;
            cpu.x[2] = 1;
            cpu.x[3] = 0;
            unsigned r = run_code(code);
            bool want = ref_cond(cc, f << 28);
            if (r != IR_TRAP_BREAKPOINT || cpu.x[0] != want || cpu.x[4] != !want) {
                printf("#   cc %u nzcv %x: csel %" PRIu64 " b.cond skipped %d, want %d\n", cc,
                       f, cpu.x[0], cpu.x[4] == 0, want);
                all = false;
            }
            if (a64_nzcv_get(&cpu) != f << 28)
                all = false;
        }
    ok(all, "all 16 conditions x 16 NZCV values (csel, b.cond, msr nzcv)");
}

static void test_logic(void)
{
    uint64_t a = 0x8123456789abcdefull, b = 0xf0f0f0f00f0f0f0full;
    cpu_reset();
    cpu.x[1] = a;
    cpu.x[2] = b;
    if (!RUN(code_logic))
        return;
    check_eq(cpu.x[0], a & 0x5555555555555555ull, "and (bitmask imm)");
    check_eq(cpu.x[2], 0xff00ff00, "orr w (bitmask imm) from wzr");
    check_eq(cpu.x[3], a ^ 0xfffffffffffffffeull, "eor (bitmask imm)");
    uint32_t r4 = (uint32_t)a & 0x80000001u;
    check_eq(cpu.x[4], r4, "ands w");
    check_eq(cpu.x[10], ref_nzcv(r4, 32, 0, 0), "ands w flags");
    uint64_t r5 = a & ~(0xff00ff00ull << 3);
    check_eq(cpu.x[5], r5, "bics shifted");
    check_eq(cpu.x[11], ref_nzcv(r5, 64, 0, 0), "bics flags");
    uint32_t m6 = 0xff00ff00u;
    m6 = (m6 >> 7) | (m6 << 25);
    check_eq(cpu.x[6], (uint32_t)a | ~m6, "orn w ror");
    check_eq(cpu.x[7], a ^ ~(uint64_t)((int64_t)0xff00ff00ull >> 60), "eon asr");
    check_eq(cpu.x[8], (uint32_t)~(0xff00ff00u >> 1), "mvn w lsr");
}

static void test_bitfield(void)
{
    uint64_t a = 0x9876543210fedcbaull, b = 0x0123456789abcdefull, old3 = 0xaaaaaaaaaaaaaaaaull;
    cpu_reset();
    cpu.x[1] = a;
    cpu.x[2] = b;
    cpu.x[3] = old3;
    cpu.x[4] = 0xffffffff5555aaaaull;
    if (!RUN(code_bitfield))
        return;
    check_eq(cpu.x[0], (a >> 8) & 0xffff, "ubfx");
    check_eq(cpu.x[2], (uint64_t)((int64_t)a >> 60), "sbfx");
    check_eq(cpu.x[3], (old3 & ~0xff0ull) | ((a & 0xff) << 4), "bfi");
    check_eq(cpu.x[4], (0x5555aaaau & ~0x1fu) | ((a >> 3) & 0x1f), "bfxil w (clears top)");
    check_eq(cpu.x[5], (uint32_t)((uint32_t)a << 7), "lsl w");
    check_eq(cpu.x[6], ~0ull, "asr #63");
    check_eq(cpu.x[7], (uint64_t)(int64_t)(int8_t)a, "sxtb");
    check_eq(cpu.x[8], (uint16_t)a, "uxth");
    check_eq(cpu.x[9], (uint64_t)(int64_t)(int32_t)a, "sxtw");
    check_eq(cpu.x[10], ((uint64_t)((int64_t)a >> 60) >> 12) | (a << 52), "extr (x2 from sbfx)");
    check_eq(cpu.x[11], (uint32_t)(((uint32_t)a >> 5) | ((uint32_t)a << 27)), "ror w");
    check_eq(cpu.x[12], (uint64_t)(int64_t)(int8_t)a << 40, "sbfiz");
    check_eq(cpu.x[13], (uint32_t)a >> 31, "lsr w #31");
}

static void test_mul(void)
{
    for (unsigned k = 0; k < 3; k++) {
        static const uint64_t as[] = { 0xfffffffffffffff9ull, 0x8000000000000000ull, 77 };
        static const uint64_t bs[] = { 0x123456789ull, 0xffffffffffffffffull, 0 };
        uint64_t a = as[k], b = bs[k], c = 0x1000;
        cpu_reset();
        cpu.x[1] = a;
        cpu.x[2] = b;
        cpu.x[3] = c;
        if (!RUN(code_mul))
            return;
        uint64_t w[31] = { 0 };
        w[0] = c + a * b;
        w[4] = (uint32_t)((uint32_t)c - (uint32_t)a * (uint32_t)b);
        w[5] = c + (uint64_t)((int64_t)(int32_t)a * (int64_t)(int32_t)b);
        w[6] = c - (uint64_t)(uint32_t)a * (uint32_t)b;
        w[7] = (uint64_t)(((__int128)(int64_t)a * (int64_t)b) >> 64);
        w[8] = (uint64_t)(((unsigned __int128)a * b) >> 64);
        if (b == 0)
            w[9] = 0;
        else if ((int64_t)a == INT64_MIN && (int64_t)b == -1)
            w[9] = a;
        else
            w[9] = (uint64_t)((int64_t)a / (int64_t)b);
        w[10] = (uint32_t)b ? (uint32_t)a / (uint32_t)b : 0;
        int32_t sa = (int32_t)a, sb = (int32_t)b;
        w[11] = sb == 0 ? 0 : (sa == INT32_MIN && sb == -1) ? (uint32_t)sa : (uint32_t)(sa / sb);
        ok(regs_match(w, 0xff1 | 1u << 11 | 1u << 10 | 1u << 9, "mul", a, b),
           "madd/msub/smaddl/umsubl/smulh/umulh/sdiv/udiv case %u", k);
    }
}

static uint64_t ref_rbit(uint64_t x, unsigned bits)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < bits; i++)
        if (x >> i & 1)
            r |= 1ull << (bits - 1 - i);
    return r;
}

static unsigned ref_cls(uint64_t x, unsigned bits)
{
    unsigned top = x >> (bits - 1) & 1, n = 0;
    for (int i = (int)bits - 2; i >= 0 && (x >> i & 1) == top; i--)
        n++;
    return n;
}

static void test_misc(void)
{
    static const uint64_t as[] = { 0, 1, 0x00000000ffff0000ull, 0xf123456789abcdefull };
    for (unsigned k = 0; k < 4; k++) {
        uint64_t a = as[k], b = 67 + k * 13;
        cpu_reset();
        cpu.x[1] = a;
        cpu.x[2] = b;
        if (!RUN(code_misc))
            return;
        uint64_t w[31] = { 0 };
        uint32_t a32 = (uint32_t)a;
        w[0] = a ? (uint64_t)__builtin_clzll(a) : 64;
        w[15] = ref_cls(a32, 32);
        w[3] = ref_cls(a, 64);
        w[4] = ref_rbit(a, 64);
        w[5] = ref_rbit(a32, 32);
        w[6] = __builtin_bswap64(a);
        w[7] = __builtin_bswap32(a32);
        w[8] = ((a >> 8) & 0x00ff00ff00ff00ffull) | ((a & 0x00ff00ff00ff00ffull) << 8);
        w[9] = (uint64_t)__builtin_bswap32((uint32_t)(a >> 32)) << 32 | __builtin_bswap32(a32);
        w[10] = a << (b & 63);
        w[11] = a32 >> (b & 31);
        w[12] = (uint64_t)((int64_t)a >> (b & 63));
        unsigned r = b & 31;
        w[13] = r ? (uint32_t)((a32 >> r) | (a32 << (32 - r))) : a32;
        w[14] = a32 ? (uint64_t)__builtin_clz(a32) : 32;
        ok(regs_match(w, 0xfff9, "misc", a, b), "clz/cls/rbit/rev*/shift-by-register case %u", k);
    }
}

static void test_movw(void)
{
    cpu_reset();
    cpu.x[2] = 0xffffffff00001234ull;
    if (!RUN(code_movw))
        return;
    check_eq(cpu.x[0], 0x0000123400000000ull | 0xbeef, "movz/movk x");
    check_eq(cpu.x[1], (uint32_t)~0x56780000u, "movn w");
    check_eq(cpu.x[2], 0xcafe1234, "movk w clears top");
    check_eq(cpu.x[3], ~0ull, "movn x #0");
    uint64_t pc4 = (uint64_t)(uintptr_t)&code_movw[5];
    check_eq(cpu.x[4], pc4, "adr .");
    check_eq(cpu.x[5], (uint64_t)(uintptr_t)&code_movw[6] & ~0xfffull, "adrp .");
}

static void test_ccmp(void)
{
    for (unsigned k = 0; k < 2; k++) {
        uint64_t x1 = 5, x2 = k ? 5 : 6, x3 = 10, x4 = 3;
        cpu_reset();
        cpu.x[1] = x1;
        cpu.x[2] = x2;
        cpu.x[3] = x3;
        cpu.x[4] = x4;
        if (!RUN(code_ccmp))
            return;
        uint32_t f;
        ref_adc(x1, ~x2, 1, 64, &f);
        uint32_t want10 = f;
        if (ref_cond(0, f))
            ref_adc(x3, ~x4, 1, 64, &want10);
        else
            want10 = 0x5u << 28;
        uint32_t want11 = 0xau << 28;
        if (ref_cond(1, want10))
            ref_adc(x3, 5, 0, 32, &want11);
        check_eq(cpu.x[10], want10, k ? "ccmp (condition holds)" : "ccmp (condition fails)");
        check_eq(cpu.x[11], want11, "ccmn imm");
        uint32_t fl = want11;
        uint64_t w5 = ref_cond(8, fl) ? x1 : x2;
        uint64_t w6 = ref_cond(2, fl) ? x1 : (uint32_t)~x2;
        uint64_t w7 = ref_cond(3, fl) ? x1 : -x2;
        check_eq(cpu.x[5] ^ w5 ^ cpu.x[6] ^ w6 ^ cpu.x[7] ^ w7, 0, "csel/csinv/csneg");
        check_eq(cpu.x[8], ref_cond(10, fl), "cset ge");
    }
}

static void test_ext(void)
{
    cpu_reset();
    uint64_t sp = 0x7fff0000;
    cpu.sp = sp;
    cpu.x[1] = 0xfffffffe80000000ull;
    cpu.x[2] = 0x12345ffff;
    if (!RUN(code_ext))
        return;
    check_eq(cpu.x[0], sp + ((uint64_t)(int64_t)(int32_t)0x80000000u << 2), "add x, sp, w, sxtw #2");
    check_eq(cpu.x[3], 0xfffffffe80000000ull - 0xff, "sub uxtb");
    uint32_t f;
    uint64_t r4 = ref_adc(0x80000000u, (uint32_t)(int32_t)(int16_t)0xffff << 1, 0, 32, &f);
    check_eq(cpu.x[4], r4, "adds w sxth #1");
    check_eq(cpu.sp, sp + 0x10000, "add sp, sp, #imm, lsl 12");
    check_eq(cpu.x[5], sp + 0x10000 - 1, "sub from sp");
    ref_adc(cpu.x[1], ~((uint64_t)0x2345ffff << 4), 1, 64, &f);
    check_eq(cpu.x[10], f, "cmp x, w, uxtw #4");
}

static void test_branch(void)
{
    cpu_reset();
    cpu.x[1] = 0;
    cpu.x[2] = 8;
    if (!RUN(code_branch))
        return;
    check_eq(cpu.x[0], 101, "bl/ret/b/cbz/tbnz/br path");
    check_eq(cpu.x[30], (uint64_t)(uintptr_t)&code_branch[1], "bl sets lr");
    cpu_reset();
    cpu.x[1] = 1;
    cpu.x[2] = 0;
    if (!RUN(code_branch))
        return;
    check_eq(cpu.x[0], 3101, "cbz/tbnz not taken");
}

static void test_ldst(void)
{
    static uint64_t mem[16];
    memset(mem, 0, sizeof(mem));
    cpu_reset();
    uint64_t base = (uint64_t)(uintptr_t)mem;
    cpu.x[0] = base;
    cpu.x[1] = 0x8899aabbccddeeffull;
    cpu.x[2] = 0x80000001ull;
    if (!RUN(code_ldst))
        return;
    const uint8_t *m = (const uint8_t *)mem;
    check_eq(cpu.x[3], 0x8899aabbccddeeffull, "str/ldr x");
    check_eq(cpu.x[4], 0xffffffff80000001ull, "ldrsw");
    check_eq(cpu.x[5], (uint32_t)(int32_t)(int8_t)0xff, "ldrsb w (zero top)");
    check_eq(cpu.x[6], (uint64_t)(int64_t)(int16_t)0xeeff, "ldrsh x");
    check_eq(cpu.x[7], m[15], "ldrb");
    uint64_t u;
    memcpy(&u, m + 1, 8);
    check_eq(cpu.x[8], u, "ldur unaligned");
    check_eq(cpu.x[9], 0x80000001ull, "pre-index store, post-index load");
    check_eq(cpu.x[10], 0xccddeeff, "ldp w");
    check_eq(cpu.x[11], 0x8899aabb, "ldp w second");
    check_eq(cpu.x[12], 0xffffffffccddeeffull, "ldpsw");
    check_eq(cpu.x[13], 0xffffffff8899aabbull, "ldpsw second");
    check_eq(cpu.x[14], 0x8899aabbccddeeffull, "ldp x pre-index");
    check_eq(cpu.x[15], 0x80000001ull, "ldp x second");
    check_eq(cpu.x[0], base + 32, "pre-index writeback");
    check_eq(cpu.x[17], 0x8899aabb, "ldr w [x, x]");
    check_eq(cpu.x[18], 0x80000001ull, "ldr x [x, w, sxtw] negative");
    check_eq(cpu.x[19], 0x80000001ull, "ldr x [x, x, lsl 3]");
    check_eq(cpu.x[20], 0x1122334455667788ull, "ldr literal");
}

static void test_vldst(void)
{
    static uint64_t mem[10];
    for (int i = 0; i < 10; i++)
        mem[i] = 0x0706050403020100ull + 0x0808080808080808ull * (uint64_t)i;
    cpu_reset();
    memset(cpu.v, 0xee, sizeof(cpu.v));
    uint64_t base = (uint64_t)(uintptr_t)mem;
    cpu.x[0] = base;
    if (!RUN(code_vldst))
        return;
    check_eq(cpu.v[0][0] ^ cpu.v[0][1], 0x0706050403020100ull ^ 0x0f0e0d0c0b0a0908ull, "ldr q");
    check_eq(cpu.v[1][0] | cpu.v[1][1] << 63 >> 63, 0x0f0e0d0c0b0a0908ull, "ldr d zeroes top");
    check_eq(cpu.v[2][0], 0x07060504, "ldr s");
    check_eq(cpu.v[3][0], 0x0302, "ldr h");
    check_eq(cpu.v[4][0] | cpu.v[4][1], 0x01, "ldr b zeroes the rest");
    check_eq(mem[2], 0x0706050403020100ull, "str q low");
    check_eq(mem[3] << 8, 0x0f0e0d0c0b0a0908ull << 8, "str q high (top byte later overwritten)");
    check_eq(cpu.v[5][0], mem[0], "ldp q post-index");
    check_eq(cpu.v[6][1], 0x0f0e0d0c0b0a0908ull, "ldp q second");
    check_eq(mem[4] >> 24, 0x0f0e0d0c0bull, "stp d");
    check_eq(mem[5], 0x07060504, "stp d second (s2 zero-extended)");
    check_eq(mem[3] >> 56, 0x04, "str s pre-index, first byte");
    check_eq(cpu.x[0], base + 31, "post then pre-index writeback");
    uint32_t s;
    memcpy(&s, (uint8_t *)mem + 31, 4);
    check_eq(s, 0x07060504, "str s pre-index unaligned");
}

static void test_atomic(void)
{
    static uint64_t mem[10];
    memset(mem, 0, sizeof(mem));
    mem[0] = 41;
    mem[2] = 0x7f01;            /* byte 0x01 at +16, halfword 0x7f01 */
    mem[3] = 0x1234;
    mem[4] = 9;
    mem[6] = 100;
    mem[7] = 200;
    cpu_reset();
    cpu.x[0] = (uint64_t)(uintptr_t)mem;
    cpu.x[17] = 0x55;
    cpu.x[21] = 0xabcdef;
    cpu.x[22] = 100;
    cpu.x[23] = 200;
    cpu.x[24] = 300;
    cpu.x[25] = 400;
    if (!RUN(code_atomic))
        return;
    check_eq(cpu.x[3], 0, "stxr after ldxr succeeds");
    check_eq(cpu.x[4], 1, "second stxr fails");
    check_eq(cpu.x[6], 1, "stlxr to another address fails");
    check_eq(cpu.x[9], 0, "ldxp/stxp succeed");
    check_eq(mem[1], 42, "stxp swapped the pair");
    check_eq(cpu.x[11], 0, "ldadd returns old (after stxp swap)");
    check_eq(mem[0], 5, "ldadd stores the sum");
    check_eq(cpu.x[13], 0x01, "ldsmaxb old");
    check_eq(cpu.x[14], 0x7f01, "ldumaxh old");
    check_eq(mem[2], 0x7f01, "ldsmaxb keeps 0x01 (0x80 is negative as a byte)");
    check_eq(cpu.x[16], 0x1234, "ldclral old");
    check_eq(mem[3], 0x0000005500001200ull, "ldclral, then swpl into the upper word");
    check_eq(cpu.x[18], 0, "swpl old");
    check_eq(cpu.x[19], 9, "cas old");
    check_eq(cpu.x[20], 0x55, "casa (fails) returns current");
    check_eq(mem[4], 0x55, "cas stored");
    check_eq(cpu.x[22] + cpu.x[23], 300, "casp old pair");
    check_eq(mem[6] + mem[7], 700, "casp stored pair");
    check_eq(cpu.x[26], 0xabcdef, "stlr/ldar");
    check_eq(cpu.x[27], 0xabcdef, "ldapr w");
}

static void test_sys(void)
{
    static uint64_t zva[16] __attribute__((aligned(64)));
    memset(zva, 0xff, sizeof(zva));
    cpu_reset();
    cpu.x[1] = 0x1234abcd;
    cpu.x[6] = (uint64_t)(uintptr_t)&zva[8] + 13;
    unsigned r = run_code(code_sys);
    check_eq(r, IR_TRAP_SYSCALL, "svc traps");
    check_eq(cpu.pc, (uint64_t)(uintptr_t)&code_sys[19], "at the svc's pc");
    check_eq(cpu.x[0], 0x1234abcd, "tpidr_el0 msr/mrs");
    check_eq(cpu.x[2], 0x8444c004, "ctr_el0");
    check_eq(cpu.x[3], 4, "dczid_el0");
    check_eq(cpu.x[5] >> 20 & 0xf, 2, "id_aa64isar0 atomics");
    check_eq(zva[8] | zva[15], 0, "dc zva zeroes the 64-byte block");
    check_eq(zva[7] & zva[0], ~0ull, "dc zva leaves the rest");
    check_eq(cpu.x[8], 0, "msr nzcv ignores bits below 28");
    check_eq(cpu.x[10], 0x4000000, "fpcr");
    ok(cpu.x[11] != 0, "cntvct_el0 counts");
    r = run_code(code_ic);
    check_eq(r, IR_TRAP_FLUSH_ICACHE, "ic ivau traps");
    check_eq(cpu.pc, (uint64_t)(uintptr_t)&code_ic[1], "ic ivau continues after");
    r = run_code(code_udf);
    check_eq(r, IR_TRAP_ILLEGAL, "udf is illegal");
    check_eq(cpu.insn_trap, 1, "insn_trap holds the word");
}

static uint32_t ref_crc(uint32_t crc, uint64_t data, unsigned bytes, uint32_t poly)
{
    for (unsigned i = 0; i < bytes * 8; i++) {
        bool bit = ((crc ^ (uint32_t)(data >> i)) & 1);
        crc = (crc >> 1) ^ (bit ? poly : 0);
    }
    return crc;
}

static void test_crc(void)
{
    cpu_reset();
    cpu.x[1] = 0xffffffff;
    cpu.x[2] = 0x0123456789abcdefull;
    if (!RUN(code_crc))
        return;
    check_eq(cpu.x[0], ref_crc(0xffffffff, 0xef, 1, 0xedb88320), "crc32b");
    check_eq(cpu.x[3], ref_crc(0xffffffff, 0x0123456789abcdefull, 8, 0x82f63b78), "crc32cx");
}

int main(void)
{
    for (int pass = 0; pass < 2; pass++) {
        use_opt = pass;
        test_arith();
        test_conditions();
        test_logic();
        test_bitfield();
        test_mul();
        test_misc();
        test_movw();
        test_ccmp();
        test_ext();
        test_branch();
        test_ldst();
        test_vldst();
        test_atomic();
        test_sys();
        test_crc();
    }
    return test_done();
}
