/*
 * ir_eval_pure / ir_eval_cond against the rules of ir_ops.def: spot values
 * for the documented edge cases, then every op over random and boundary
 * inputs against a reference written here a different way (loops, limbs,
 * explicit masks) so that a shared mistake is unlikely.
 */
#include "translate/ir.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* TAP: results are buffered so that the "1..N" plan can come first */
static int n_test, n_fail;
static char *tap_buf;
static size_t tap_len;
static FILE *tap;

static void ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ok(bool cond, const char *fmt, ...)
{
    va_list ap;
    if (!tap)
        tap = open_memstream(&tap_buf, &tap_len);
    n_test++;
    if (!cond)
        n_fail++;
    fprintf(tap, "%sok %d - ", cond ? "" : "not ", n_test);
    va_start(ap, fmt);
    vfprintf(tap, fmt, ap);
    va_end(ap);
    fputc('\n', tap);
}

static int tap_finish(void)
{
    if (!tap)
        tap = open_memstream(&tap_buf, &tap_len);
    fclose(tap);
    printf("1..%d\n%s", n_test, tap_buf);
    return n_fail != 0;
}

static uint64_t ev(enum ir_opcode op, enum ir_type t, uint64_t a, uint64_t c, uint64_t d)
{
    struct ir_insn i;
    memset(&i, 0, sizeof(i));
    i.op = (uint8_t)op;
    i.type = (uint8_t)t;
    return ir_eval_pure(&i, a, c, d);
}

static uint64_t evc(enum ir_cond cond, enum ir_type t, uint64_t a, uint64_t c)
{
    struct ir_insn i;
    memset(&i, 0, sizeof(i));
    i.op = IR_setcond;
    i.type = (uint8_t)t;
    i.cond = (uint8_t)cond;
    return ir_eval_pure(&i, a, c, 0);
}

/* ---- reference model ---- */

static uint64_t mask_of(enum ir_type t)
{
    return t == IR_I32 ? 0xffffffffull : ~0ull;
}

static unsigned width_of(enum ir_type t)
{
    return t == IR_I32 ? 32 : 64;
}

/* sign-extend the low w bits of v to 64 bits */
static int64_t sx(uint64_t v, unsigned w)
{
    uint64_t m = 1ull << (w - 1);
    v &= (w == 64) ? ~0ull : ((1ull << w) - 1);
    return (int64_t)((v ^ m) - m);
}

static uint64_t mulhu_limbs(uint64_t a, uint64_t b)
{
    uint64_t al = a & 0xffffffff, ah = a >> 32, bl = b & 0xffffffff, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (lh & 0xffffffff) + (hl & 0xffffffff);
    return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

static uint64_t ref_eval(enum ir_opcode op, enum ir_type t, uint64_t a, uint64_t c, uint64_t d)
{
    unsigned w = width_of(t);
    uint64_t m = mask_of(t);
    uint64_t A = a & m, C = c & m, r = 0;
    int64_t sA = sx(A, w), sC = sx(C, w);
    int64_t smin = sx(1ull << (w - 1), w);
    unsigned k;
    switch (op) {
    case IR_mov: r = A; break;
    case IR_add: r = A + C; break;
    case IR_sub: r = A + (~C + 1); break;
    case IR_mul: r = A * C; break;
    case IR_mulhu:
        r = (w == 32) ? (A * C) >> 32 : mulhu_limbs(A, C);
        break;
    case IR_mulh:
        if (w == 32) {
            r = (uint64_t)(sA * sC) >> 32;
        } else {
            r = mulhu_limbs(A, C) - (sA < 0 ? C : 0) - (sC < 0 ? A : 0);
        }
        break;
    case IR_mulhsu:
        if (w == 32)
            r = (uint64_t)(sA * (int64_t)C) >> 32;
        else
            r = mulhu_limbs(A, C) - (sA < 0 ? C : 0);
        break;
    case IR_divu: r = C ? A / C : 0; break;
    case IR_remu: r = C ? A % C : A; break;
    case IR_divs:
        if (!C)
            r = 0;
        else if (sA == smin && sC == -1)
            r = (uint64_t)smin;
        else
            r = (uint64_t)(sA / sC);
        break;
    case IR_rems:
        if (!C)
            r = A;
        else if (sA == smin && sC == -1)
            r = 0;
        else
            r = (uint64_t)(sA % sC);
        break;
    case IR_and: r = A & C; break;
    case IR_or: r = A | C; break;
    case IR_xor: r = A ^ C; break;
    case IR_andn: r = A & (C ^ m); break;
    case IR_orn: r = A | (C ^ m); break;
    case IR_xnor: r = (A ^ C) ^ m; break;
    case IR_shl: r = A; for (k = 0; k < (c % w); k++) r <<= 1; break;
    case IR_shr: r = A; for (k = 0; k < (c % w); k++) r >>= 1; break;
    case IR_sar:
        r = A;
        for (k = 0; k < (c % w); k++)
            r = (r >> 1) | (r & (1ull << (w - 1)));
        break;
    case IR_rotl:
        r = A;
        for (k = 0; k < (c % w); k++)
            r = ((r << 1) | (r >> (w - 1))) & m;
        break;
    case IR_rotr:
        r = A;
        for (k = 0; k < (c % w); k++)
            r = (r >> 1) | ((r & 1) << (w - 1));
        break;
    case IR_neg: r = (A ^ m) + 1; break;
    case IR_not: r = A ^ m; break;
    case IR_clz:
        for (r = 0; r < w && !(A & (1ull << (w - 1 - r))); r++)
            ;
        break;
    case IR_ctz:
        for (r = 0; r < w && !(A & (1ull << r)); r++)
            ;
        break;
    case IR_popcnt:
        for (k = 0; k < w; k++)
            r += (A >> k) & 1;
        break;
    case IR_bswap:
        for (k = 0; k < w / 8; k++)
            r |= ((A >> (8 * k)) & 0xff) << (w - 8 - 8 * k);
        break;
    case IR_select: r = a ? C : (d & m); break;
    case IR_sext8: r = (uint64_t)sx(a, 8); break;
    case IR_sext16: r = (uint64_t)sx(a, 16); break;
    case IR_sext32: r = (uint64_t)sx(a, 32); break;
    case IR_zext8: r = a & 0xff; break;
    case IR_zext16: r = a & 0xffff; break;
    case IR_zext32: r = a & 0xffffffff; break;
    case IR_trunc32: r = a & 0xffffffff; break;
    default: r = 0xdeadbeef; break;
    }
    return r & m;
}

static bool ref_cond(enum ir_cond cond, enum ir_type t, uint64_t a, uint64_t c)
{
    unsigned w = width_of(t);
    uint64_t m = mask_of(t), A = a & m, C = c & m;
    int64_t sA = sx(A, w), sC = sx(C, w);
    switch (cond) {
    case IR_EQ: return A == C;
    case IR_NE: return !(A == C);
    case IR_LT: return sA < sC;
    case IR_GE: return !(sA < sC);
    case IR_LE: return !(sC < sA);
    case IR_GT: return sC < sA;
    case IR_LTU: return A < C;
    case IR_GEU: return !(A < C);
    case IR_LEU: return !(C < A);
    case IR_GTU: return C < A;
    case IR_TSTEQ: return !(A & C);
    case IR_TSTNE: return !!(A & C);
    default: return false;
    }
}

/* ---- random inputs ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static const uint64_t specials[] = {
    0, 1, 2, 3, 31, 32, 33, 63, 64, 65, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull,
    0x8000000000000000ull, 0xffffffffffffffffull, 0xfffffffffffffffeull,
    0xffffffff80000000ull, 0x00000000fffffffeull,
};
#define N_SPECIALS (sizeof(specials) / sizeof(specials[0]))

static uint64_t pick(void)
{
    uint64_t r = rnd();
    switch (r & 7) {
    case 0: case 1: return specials[(r >> 8) % N_SPECIALS];
    case 2: return (r >> 8) & 0xff;
    case 3: return (uint64_t)(int64_t)(int8_t)(r >> 8);
    default: return rnd();
    }
}

/* An I32 temp always holds a zero-extended value; feed the ops what the IR would. */
static uint64_t fit(uint64_t v, enum ir_type t)
{
    return v & mask_of(t);
}

static void random_op(enum ir_opcode op, enum ir_type t, enum ir_type in_t)
{
    unsigned bad = 0;
    uint64_t ba = 0, bc = 0, bd = 0, got = 0, want = 0;
    for (int n = 0; n < 20000; n++) {
        uint64_t a = fit(pick(), in_t), c = fit(pick(), t), d = fit(pick(), t);
        if (op == IR_select && (n & 1))
            a = (n & 2) ? 0 : a;
        uint64_t g = ev(op, t, a, c, d), w = ref_eval(op, t, a, c, d);
        if (g != w && !bad++) {
            ba = a, bc = c, bd = d, got = g, want = w;
        }
    }
    ok(!bad, "%s.%s random (%u bad; first a=%#" PRIx64 " c=%#" PRIx64 " d=%#" PRIx64
       " got %#" PRIx64 " want %#" PRIx64 ")", ir_op_info[op].name, t ? "i64" : "i32", bad,
       ba, bc, bd, got, want);
}

static void random_cond(enum ir_cond cond, enum ir_type t)
{
    unsigned bad = 0;
    for (int n = 0; n < 20000; n++) {
        uint64_t a = fit(pick(), t), c = (n & 3) ? fit(pick(), t) : a;
        if ((n & 7) == 1)
            c = a ^ 0x80000000ull;
        uint64_t g = evc(cond, t, a, c);
        bool w = ref_cond(cond, t, a, c);
        if (g != (uint64_t)w || ir_eval_cond(cond, t, a, c) != w)
            bad++;
    }
    ok(!bad, "setcond cond=%d %s random (%u bad)", cond, t ? "i64" : "i32", bad);
}

int main(void)
{
    const uint64_t M64 = 0x8000000000000000ull;
    const uint64_t M32 = 0x80000000ull;

    /* documented edge cases, spelled out */
    ok(ev(IR_divs, IR_I64, 7, 0, 0) == 0, "divs i64 x/0 = 0");
    ok(ev(IR_divu, IR_I64, 7, 0, 0) == 0, "divu i64 x/0 = 0");
    ok(ev(IR_divs, IR_I32, 7, 0, 0) == 0, "divs i32 x/0 = 0");
    ok(ev(IR_divu, IR_I32, 7, 0x100000000ull, 0) == 0, "divu i32 divisor high bits ignored");
    ok(ev(IR_rems, IR_I64, 7, 0, 0) == 7, "rems i64 x%%0 = x");
    ok(ev(IR_remu, IR_I64, (uint64_t)-5, 0, 0) == (uint64_t)-5, "remu i64 x%%0 = x");
    ok(ev(IR_rems, IR_I32, 0xfffffffbu, 0, 0) == 0xfffffffbu, "rems i32 x%%0 = x, zero-extended");
    ok(ev(IR_divs, IR_I64, M64, ~0ull, 0) == M64, "divs i64 MIN/-1 = MIN");
    ok(ev(IR_rems, IR_I64, M64, ~0ull, 0) == 0, "rems i64 MIN%%-1 = 0");
    ok(ev(IR_divs, IR_I32, M32, 0xffffffffu, 0) == M32, "divs i32 MIN/-1 = MIN");
    ok(ev(IR_rems, IR_I32, M32, 0xffffffffu, 0) == 0, "rems i32 MIN%%-1 = 0");
    ok(ev(IR_divs, IR_I32, 0xfffffff9u, 2, 0) == 0xfffffffdu, "divs i32 -7/2 = -3 zero-extended");
    ok(ev(IR_rems, IR_I64, (uint64_t)-7, 2, 0) == (uint64_t)-1, "rems i64 -7%%2 = -1");
    ok(ev(IR_shl, IR_I64, 1, 65, 0) == 2, "shl i64 count mod 64");
    ok(ev(IR_shl, IR_I32, 1, 33, 0) == 2, "shl i32 count mod 32");
    ok(ev(IR_shl, IR_I32, 0x80000001u, 1, 0) == 2, "shl i32 drops bit 31 out");
    ok(ev(IR_shr, IR_I32, 0xffffffffffffffffull, 4, 0) == 0x0fffffff, "shr i32 reads low 32 bits");
    ok(ev(IR_sar, IR_I32, M32, 31, 0) == 0xffffffffu, "sar i32 sign fill, zero-extended");
    ok(ev(IR_sar, IR_I64, M64, 63, 0) == ~0ull, "sar i64 sign fill");
    ok(ev(IR_rotl, IR_I32, 0x80000001u, 1, 0) == 3, "rotl i32");
    ok(ev(IR_rotr, IR_I64, 1, 1, 0) == M64, "rotr i64");
    ok(ev(IR_rotl, IR_I64, 0x1234, 64, 0) == 0x1234, "rotl i64 by 64 = identity");
    ok(ev(IR_clz, IR_I64, 0, 0, 0) == 64 && ev(IR_clz, IR_I32, 0, 0, 0) == 32, "clz(0) = width");
    ok(ev(IR_ctz, IR_I64, 0, 0, 0) == 64 && ev(IR_ctz, IR_I32, 0x100000000ull, 0, 0) == 32,
       "ctz(0) = width, i32 ignores high bits");
    ok(ev(IR_clz, IR_I32, 1, 0, 0) == 31 && ev(IR_clz, IR_I64, 1, 0, 0) == 63, "clz(1)");
    ok(ev(IR_bswap, IR_I32, 0x11223344u, 0, 0) == 0x44332211u, "bswap i32");
    ok(ev(IR_bswap, IR_I64, 0x1122334455667788ull, 0, 0) == 0x8877665544332211ull, "bswap i64");
    ok(ev(IR_mulhu, IR_I64, ~0ull, ~0ull, 0) == ~0ull - 1, "mulhu i64 max*max");
    ok(ev(IR_mulh, IR_I64, ~0ull, ~0ull, 0) == 0, "mulh i64 -1*-1");
    ok(ev(IR_mulh, IR_I64, M64, M64, 0) == 0x4000000000000000ull, "mulh i64 MIN*MIN");
    ok(ev(IR_mulhsu, IR_I64, ~0ull, ~0ull, 0) == ~0ull, "mulhsu i64 -1*max");
    ok(ev(IR_mulh, IR_I32, 0xffffffffu, 2, 0) == 0xffffffffu, "mulh i32 -1*2 high = -1 zext");
    ok(ev(IR_mulhsu, IR_I32, 0xffffffffu, 0xffffffffu, 0) == 0xffffffffu,
       "mulhsu i32 -1*0xffffffff");
    ok(ev(IR_add, IR_I32, 0xffffffffu, 1, 0) == 0, "add i32 wraps, zero-extended");
    ok(ev(IR_sub, IR_I32, 0, 1, 0) == 0xffffffffu, "sub i32 zero-extended");
    ok(ev(IR_neg, IR_I32, 1, 0, 0) == 0xffffffffu && ev(IR_neg, IR_I64, 1, 0, 0) == ~0ull, "neg");
    ok(ev(IR_not, IR_I32, 0, 0, 0) == 0xffffffffu, "not i32 zero-extended");
    ok(ev(IR_andn, IR_I64, 0xff, 0x0f, 0) == 0xf0 && ev(IR_orn, IR_I32, 0, 0xffff0000u, 0) == 0xffff,
       "andn/orn");
    ok(ev(IR_xnor, IR_I32, 0xf0f0f0f0u, 0x0f0f0f0fu, 0) == 0 &&
       ev(IR_xnor, IR_I64, 5, 5, 0) == ~0ull, "xnor");
    ok(ev(IR_sext8, IR_I64, 0x180, 0, 0) == 0xffffffffffffff80ull, "sext8 i64");
    ok(ev(IR_sext8, IR_I32, 0x80, 0, 0) == 0xffffff80u, "sext8 i32 zero-extended");
    ok(ev(IR_sext16, IR_I32, 0x8000, 0, 0) == 0xffff8000u, "sext16 i32");
    ok(ev(IR_sext32, IR_I64, M32, 0, 0) == 0xffffffff80000000ull, "sext32");
    ok(ev(IR_zext8, IR_I64, ~0ull, 0, 0) == 0xff && ev(IR_zext16, IR_I32, ~0ull, 0, 0) == 0xffff,
       "zext8/zext16");
    ok(ev(IR_zext32, IR_I64, ~0ull, 0, 0) == 0xffffffffu, "zext32");
    ok(ev(IR_trunc32, IR_I32, 0x123456789ull, 0, 0) == 0x23456789u, "trunc32");
    ok(ev(IR_select, IR_I64, 1, 10, 20) == 10 && ev(IR_select, IR_I64, 0, 10, 20) == 20,
       "select");
    ok(ev(IR_select, IR_I64, 0x100000000ull, 10, 20) == 10,
       "select tests the condition over 64 bits");
    ok(evc(IR_LT, IR_I32, 0xffffffffu, 0) == 1 && evc(IR_LTU, IR_I32, 0xffffffffu, 0) == 0,
       "setcond i32 signed vs unsigned");
    ok(evc(IR_EQ, IR_I32, 0x100000005ull, 5) == 1, "setcond i32 ignores high bits");
    ok(evc(IR_TSTEQ, IR_I64, 0xf0, 0x0f) == 1 && evc(IR_TSTNE, IR_I64, 0xf0, 0x10) == 1,
       "setcond tsteq/tstne");
    ok(evc(IR_GT, IR_I64, 0, M64) == 1 && evc(IR_GTU, IR_I64, 0, M64) == 0, "setcond i64 gt/gtu");

    /* every op, every width, against the reference */
    static const enum ir_opcode binops[] = {
        IR_add, IR_sub, IR_mul, IR_mulh, IR_mulhu, IR_mulhsu, IR_divs, IR_divu, IR_rems,
        IR_remu, IR_and, IR_or, IR_xor, IR_andn, IR_orn, IR_xnor, IR_shl, IR_shr, IR_sar,
        IR_rotl, IR_rotr, IR_neg, IR_not, IR_clz, IR_ctz, IR_popcnt, IR_bswap, IR_mov,
        IR_select, IR_sext8, IR_sext16, IR_zext8, IR_zext16,
    };
    for (unsigned k = 0; k < sizeof(binops) / sizeof(binops[0]); k++) {
        random_op(binops[k], IR_I32, IR_I32);
        random_op(binops[k], IR_I64, IR_I64);
    }
    random_op(IR_sext32, IR_I64, IR_I32);
    random_op(IR_sext32, IR_I64, IR_I64);
    random_op(IR_zext32, IR_I64, IR_I64);
    random_op(IR_trunc32, IR_I32, IR_I64);
    for (int cond = 0; cond < IR_NUM_CONDS; cond++) {
        random_cond((enum ir_cond)cond, IR_I32);
        random_cond((enum ir_cond)cond, IR_I64);
    }

    return tap_finish();
}
