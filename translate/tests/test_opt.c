/*
 * The optimiser: hand-built blocks checked before/after for folding, copy
 * propagation, simplification, exit_cond folding, state forwarding, dead
 * set_reg and DCE; then random valid blocks run through the interpreter
 * before and after ir_optimize from the same state and memory, which must
 * end identical.
 */
#include "translate/exec.h"
#include "translate/opt.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The engine defines exec_config; this lets the test link with or without it. */
__attribute__((weak)) struct exec_config exec_config;

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

struct fake_cpu {
    uint64_t r[16];
    uint64_t pc;
    uint64_t side;              /* touched by helpers only, never by get/set_reg */
};
#define R(n) ((uint32_t)offsetof(struct fake_cpu, r) + 8u * (n))
#define PC_OFF ((uint32_t)offsetof(struct fake_cpu, pc))

static const struct guest_desc fake_guest = {
    .name = "fake",
    .state_size = sizeof(struct fake_cpu),
    .pc_offset = PC_OFF,
};

static uint64_t rng_state = 0x853c49e6748fea9bull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static unsigned count_op(const struct ir_block *b, enum ir_opcode op)
{
    unsigned n = 0;
    for (uint32_t k = 0; k < b->n_insns; k++)
        n += b->insns[k].op == op;
    return n;
}

static const struct ir_insn *find_op(const struct ir_block *b, enum ir_opcode op, unsigned nth)
{
    for (uint32_t k = 0; k < b->n_insns; k++)
        if (b->insns[k].op == op && nth-- == 0)
            return &b->insns[k];
    return NULL;
}

/* the insn defining temp t, or NULL */
static const struct ir_insn *def_of(const struct ir_block *b, ir_temp t)
{
    for (uint32_t k = 0; k < b->n_insns; k++)
        if (b->insns[k].out == t)
            return &b->insns[k];
    return NULL;
}

/* the value stored by the nth set_reg, if it is a movi: true and *v */
static bool stored_const(const struct ir_block *b, unsigned nth, uint64_t *v)
{
    const struct ir_insn *s = find_op(b, IR_set_reg, nth);
    const struct ir_insn *d = s ? def_of(b, s->in[0]) : NULL;
    if (!d || d->op != IR_movi)
        return false;
    *v = (uint64_t)d->imm;
    return true;
}

static struct ir_block blk;

static bool optimize_valid(struct ir_block *b)
{
    if (!ir_validate(b, stderr))
        return false;
    ir_optimize(b);
    if (!ir_validate(b, stderr)) {
        ir_print(b, stderr);
        return false;
    }
    return true;
}

/* ---- folding ---- */

static void test_fold(void)
{
    uint64_t v;
    ir_block_init(&blk, 0);
    ir_temp a = ir_movi(&blk, IR_I64, 0x123456789ull);
    ir_temp c = ir_movi(&blk, IR_I64, 7);
    ir_temp s = ir_mul(&blk, IR_I64, ir_add(&blk, IR_I64, a, c), c);
    ir_temp sh = ir_shl(&blk, IR_I64, s, ir_movi(&blk, IR_I32, 68));
    ir_set_reg(&blk, IR_I64, R(1), sh);
    ir_temp x32 = ir_movi(&blk, IR_I32, 0x80000000u);
    ir_temp d32 = ir_binop(&blk, IR_divs, IR_I32, x32, ir_movi(&blk, IR_I32, 0xffffffffu));
    ir_set_reg(&blk, IR_I32, R(2), d32);
    ir_temp cl = ir_unop(&blk, IR_clz, IR_I64, ir_movi(&blk, IR_I64, 0));
    ir_set_reg(&blk, IR_I64, R(3), cl);
    ir_exit_tb(&blk, 0);
    ok(optimize_valid(&blk), "fold: block still valid");
    ok(blk.n_insns == 7, "fold: only movi/set_reg/exit remain (%u insns)", blk.n_insns);
    ok(stored_const(&blk, 0, &v) && v == ((0x123456789ull + 7) * 7) << 4,
       "fold: (a+c)*c << (68 mod 64)");
    ok(stored_const(&blk, 1, &v) && v == 0x80000000u, "fold: divs i32 MIN/-1 = MIN");
    ok(stored_const(&blk, 2, &v) && v == 64, "fold: clz i64 0 = 64");
}

static void test_copy_and_simplify(void)
{
    ir_block_init(&blk, 0);
    ir_temp x = ir_get_reg(&blk, IR_I64, R(0));
    ir_temp y = ir_get_reg(&blk, IR_I64, R(1));
    ir_temp zero = ir_movi(&blk, IR_I64, 0), one = ir_movi(&blk, IR_I64, 1);
    ir_temp ones = ir_movi(&blk, IR_I64, ~0ull);
    ir_temp m = ir_unop(&blk, IR_mov, IR_I64, x);
    ir_temp m2 = ir_unop(&blk, IR_mov, IR_I64, m);
    ir_set_reg(&blk, IR_I64, R(2), ir_add(&blk, IR_I64, m2, zero));        /* x */
    ir_set_reg(&blk, IR_I64, R(3), ir_mul(&blk, IR_I64, one, y));          /* y */
    ir_set_reg(&blk, IR_I64, R(4), ir_mul(&blk, IR_I64, y, zero));         /* 0 */
    ir_set_reg(&blk, IR_I64, R(5), ir_xor(&blk, IR_I64, y, y));            /* 0 */
    ir_set_reg(&blk, IR_I64, R(6), ir_sub(&blk, IR_I64, x, m));            /* 0 */
    ir_set_reg(&blk, IR_I64, R(7), ir_and(&blk, IR_I64, ones, y));         /* y */
    ir_set_reg(&blk, IR_I64, R(8), ir_or(&blk, IR_I64, x, ones));          /* -1 */
    ir_set_reg(&blk, IR_I64, R(9), ir_sar(&blk, IR_I64, x, ir_movi(&blk, IR_I64, 128))); /* x */
    ir_set_reg(&blk, IR_I64, R(10), ir_select(&blk, IR_I64, one, y, x));  /* y */
    ir_set_reg(&blk, IR_I64, R(11), ir_setcond(&blk, IR_I64, IR_LEU, x, m2)); /* 1 */
    ir_set_reg(&blk, IR_I64, R(12), ir_and(&blk, IR_I64, x, zero));        /* 0 */
    ir_exit_tb(&blk, 0);
    ok(optimize_valid(&blk), "simplify: block still valid");
    static const int want_reg[] = { 0, 1, -1, -1, -1, 1, -1, 0, 1, -1, -1 };
    static const uint64_t want_const[] = { 0, 0, 0, 0, 0, 0, ~0ull, 0, 0, 1, 0 };
    bool good = true;
    for (unsigned k = 0; k < 11; k++) {
        const struct ir_insn *s = find_op(&blk, IR_set_reg, k);
        const struct ir_insn *d = s ? def_of(&blk, s->in[0]) : NULL;
        if (!s || s->imm != R(k + 2) || !d) {
            good = false;
            continue;
        }
        if (want_reg[k] >= 0) {
            if (d->op != IR_get_reg || d->imm != R(want_reg[k]))
                good = false;
        } else if (d->op != IR_movi || (uint64_t)d->imm != want_const[k]) {
            good = false;
        }
    }
    ok(good, "simplify: x+0, 1*y, y*0, y^y, x-x, -1&y, x|-1, sar by 64k, select(1), leu(x,x), x&0");
    ok(count_op(&blk, IR_mov) == 0 && count_op(&blk, IR_get_reg) == 2,
       "copy propagation: movs gone, two get_regs left");
    ok(blk.n_insns == 2 + 3 + 11 + 1, "simplify: nothing but reads, constants, writes (%u)",
       blk.n_insns);
}

static void test_cse(void)
{
    ir_block_init(&blk, 0);
    ir_temp x = ir_get_reg(&blk, IR_I64, R(0));
    ir_temp y = ir_get_reg(&blk, IR_I64, R(1));
    ir_temp a1 = ir_add(&blk, IR_I64, x, y);
    ir_temp a2 = ir_add(&blk, IR_I64, y, x);                       /* same as a1 */
    ir_temp s1 = ir_sub(&blk, IR_I64, x, y);
    ir_temp s2 = ir_sub(&blk, IR_I64, y, x);                       /* differs */
    ir_temp c1 = ir_setcond(&blk, IR_I64, IR_LT, x, y);
    ir_temp c2 = ir_setcond(&blk, IR_I64, IR_LTU, x, y);           /* differs */
    ir_temp l1 = ir_ld(&blk, IR_I64, IR_MEM_64, a1, 0);
    ir_temp l2 = ir_ld(&blk, IR_I64, IR_MEM_64, a2, 0);            /* loads stay */
    ir_temp k1 = ir_movi(&blk, IR_I64, 42), k2 = ir_movi(&blk, IR_I64, 42);
    ir_temp k3 = ir_movi(&blk, IR_I32, 42);                        /* other width */
    ir_temp outs[] = { a1, a2, s1, s2, c1, c2, l1, l2, k1, k2 };
    for (unsigned k = 0; k < 10; k++)
        ir_set_reg(&blk, IR_I64, R(k + 2), outs[k]);
    ir_set_reg(&blk, IR_I32, R(12), k3);
    ir_exit_tb(&blk, 0);
    ok(optimize_valid(&blk), "cse: valid");
    ok(count_op(&blk, IR_add) == 1 && count_op(&blk, IR_sub) == 2 &&
       count_op(&blk, IR_setcond) == 2 && count_op(&blk, IR_ld) == 2 &&
       count_op(&blk, IR_movi) == 2,
       "cse: commuted add merged, sub/setcond kept apart, loads kept, constants shared by width");
    const struct ir_insn *l = find_op(&blk, IR_ld, 1);
    ok(l && l->in[0] == find_op(&blk, IR_add, 0)->out, "cse: second load addresses the one add");
}

static void test_exit_cond_fold(void)
{
    ir_block_init(&blk, 0);
    ir_temp x = ir_get_reg(&blk, IR_I64, R(0));
    ir_temp five = ir_movi(&blk, IR_I64, 5), six = ir_movi(&blk, IR_I64, 6);
    ir_exit_cond(&blk, IR_I64, IR_EQ, five, six, 0x100);        /* never */
    ir_exit_cond(&blk, IR_I64, IR_NE, x, x, 0x200);             /* never */
    ir_set_reg(&blk, IR_I64, R(1), x);
    ir_exit_cond(&blk, IR_I64, IR_LTU, five, six, 0x300);       /* always */
    ir_set_reg(&blk, IR_I64, R(2), x);
    ir_exit_cond(&blk, IR_I64, IR_EQ, x, six, 0x400);
    ir_exit_trap(&blk, 1, 0x500);
    ok(optimize_valid(&blk), "exit_cond fold: valid");
    const struct ir_insn *last = &blk.insns[blk.n_insns - 1];
    ok(count_op(&blk, IR_exit_cond) == 0 && last->op == IR_exit_tb && last->imm == 0x300,
       "exit_cond: never-taken removed, always-taken becomes exit_tb and ends the block");
    ok(count_op(&blk, IR_set_reg) == 1 && count_op(&blk, IR_exit_trap) == 0,
       "exit_cond: code after an always-taken exit is dropped");
}

static uint64_t run_block(const struct ir_block *b, struct fake_cpu *cpu);

/* setcond results tested against 0/1 by exit_cond, setcond and select */
static void test_flag_fusion(void)
{
    static const int64_t pairs[][2] = { { 1, 2 }, { 2, 2 }, { 2, 1 }, { -1, 1 }, { 1, -1 } };
    static struct ir_block orig;
    unsigned bad = 0, unfused = 0;
    for (int cond = 0; cond < IR_NUM_CONDS; cond++) {
        for (int test = 0; test < 4; test++) {
            enum ir_cond eqne = (test & 1) ? IR_NE : IR_EQ;
            uint64_t k = (uint64_t)(test >> 1);
            for (int t = 0; t < 2; t++) {
                ir_block_init(&orig, 0);
                ir_temp a = ir_get_reg(&orig, t, R(0)), c = ir_get_reg(&orig, t, R(1));
                ir_temp f = ir_setcond(&orig, t, cond, a, c);
                ir_temp kk = ir_movi(&orig, t, k);
                ir_set_reg(&orig, t, R(2), ir_setcond(&orig, t, eqne, f, kk));
                ir_temp z = ir_setcond(&orig, t, eqne, f, ir_movi(&orig, t, 0));
                ir_set_reg(&orig, IR_I64, R(3), ir_select(&orig, IR_I64, z,
                                                          ir_get_reg(&orig, IR_I64, R(4)),
                                                          ir_get_reg(&orig, IR_I64, R(5))));
                ir_exit_cond(&orig, t, eqne, f, kk, 0x40);
                ir_exit_tb(&orig, 0x80);
                memcpy(&blk, &orig, sizeof(blk));
                if (!optimize_valid(&blk)) {
                    bad++;
                    continue;
                }
                const struct ir_insn *e = find_op(&blk, IR_exit_cond, 0);
                if (!e || e->in[0] != a || e->in[1] != c)
                    unfused++;
                for (unsigned p = 0; p < sizeof(pairs) / sizeof(pairs[0]); p++) {
                    struct fake_cpu c1, c2;
                    memset(&c1, 0, sizeof(c1));
                    c1.r[0] = (uint64_t)pairs[p][0];
                    c1.r[1] = (uint64_t)pairs[p][1];
                    c1.r[4] = 4, c1.r[5] = 5;
                    c2 = c1;
                    run_block(&orig, &c1);
                    run_block(&blk, &c2);
                    if (memcmp(&c1, &c2, sizeof(c1)))
                        bad++;
                }
            }
        }
    }
    ok(!bad, "setcond tests against 0/1: same results after fusion (%u bad)", bad);
    ok(!unfused, "exit_cond on a setcond flag compares the operands directly (%u not)", unfused);
}

/* ---- guest state ---- */

static uint64_t helper_noop(void *s, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    return a0;
}

static void test_forwarding(void)
{
    ir_block_init(&blk, 0);
    ir_temp v = ir_add(&blk, IR_I64, ir_get_reg(&blk, IR_I64, R(0)), ir_get_reg(&blk, IR_I64, R(0)));
    ir_set_reg(&blk, IR_I64, R(1), v);
    ir_temp w = ir_get_reg(&blk, IR_I64, R(1));
    ir_set_reg(&blk, IR_I64, R(2), w);
    ir_exit_tb(&blk, 0);
    ok(optimize_valid(&blk), "forward: valid");
    ok(count_op(&blk, IR_get_reg) == 1, "forward: repeated get_reg and get after set reuse temps");
    const struct ir_insn *s = find_op(&blk, IR_set_reg, 1);
    ok(s && s->in[0] == v, "forward: r2 gets the temp stored to r1");

    /* an overlapping narrower write invalidates the wide slot */
    ir_block_init(&blk, 0);
    ir_temp a = ir_get_reg(&blk, IR_I64, R(0));
    ir_set_reg(&blk, IR_I32, R(0) + 4, ir_movi(&blk, IR_I32, 1));
    ir_temp b2 = ir_get_reg(&blk, IR_I64, R(0));
    ir_temp lo = ir_get_reg(&blk, IR_I32, R(0));
    ir_set_reg(&blk, IR_I64, R(1), a);
    ir_set_reg(&blk, IR_I64, R(2), b2);
    ir_set_reg(&blk, IR_I32, R(3), lo);
    ir_exit_tb(&blk, 0);
    ok(optimize_valid(&blk), "forward overlap: valid");
    /* a and b2 are loads (the write in between changed the slot); lo, read
     * after b2 with nothing in between, is b2's low half */
    ok(count_op(&blk, IR_get_reg) == 2,
       "forward: an overlapping write forces a reload; a narrower read after it reuses the reload");

    /* calls: without NO_REGS forget everything, with NO_REGS keep it */
    for (int noregs = 0; noregs < 2; noregs++) {
        ir_block_init(&blk, 0);
        ir_temp p = ir_get_reg(&blk, IR_I64, R(0));
        ir_call(&blk, helper_noop, noregs ? IR_CALL_NO_REGS : 0, false, IR_I64, p,
                IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP);
        ir_set_reg(&blk, IR_I64, R(1), ir_get_reg(&blk, IR_I64, R(0)));
        ir_exit_tb(&blk, 0);
        ok(optimize_valid(&blk) && count_op(&blk, IR_get_reg) == (noregs ? 1u : 2u),
           "forward across a call %s IR_CALL_NO_REGS", noregs ? "with" : "without");
    }
}

static void test_dead_set_reg(void)
{
    static const struct {
        const char *what;
        int between;        /* what sits between the two writes */
        unsigned want;      /* set_regs left */
    } cases[] = {
        { "nothing", 0, 1 }, { "get_reg of another slot", 1, 1 },
        { "overlapping get_reg", 2, 2 }, { "exit_cond", 3, 2 },
        { "call touching regs", 4, 2 }, { "call with NO_REGS", 5, 1 },
        { "a load in a block without insn_start (test_precise_fault.c has those)", 6, 1 },
        { "call with NO_REGS|MAY_EXIT", 7, 2 },
    };
    for (unsigned k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        ir_block_init(&blk, 0);
        ir_temp x = ir_get_reg(&blk, IR_I64, R(0));
        ir_temp y = ir_get_reg(&blk, IR_I64, R(1));
        ir_set_reg(&blk, IR_I64, R(2), x);
        switch (cases[k].between) {
        case 1: ir_set_reg(&blk, IR_I64, R(3), ir_get_reg(&blk, IR_I64, R(4))); break;
        case 2: ir_set_reg(&blk, IR_I32, R(3), ir_get_reg(&blk, IR_I32, R(2) + 4)); break;
        case 3: ir_exit_cond(&blk, IR_I64, IR_EQ, x, y, 0x40); break;
        case 4: ir_call(&blk, helper_noop, 0, false, IR_I64, x, 0, 0, 0); break;
        case 5: ir_call(&blk, helper_noop, IR_CALL_NO_REGS, false, IR_I64, x, 0, 0, 0); break;
        case 6: ir_ld(&blk, IR_I64, IR_MEM_64, x, 0); break;
        case 7: ir_call(&blk, helper_noop, IR_CALL_NO_REGS | IR_CALL_MAY_EXIT, false, IR_I64, x,
                        0, 0, 0); break;
        }
        ir_set_reg(&blk, IR_I64, R(2), y);
        ir_exit_tb(&blk, 0);
        bool valid = optimize_valid(&blk);
        unsigned n = 0;
        for (uint32_t j = 0; j < blk.n_insns; j++)
            n += blk.insns[j].op == IR_set_reg && blk.insns[j].imm == R(2);
        ok(valid && n == cases[k].want, "dead set_reg with %s between: %u left, want %u",
           cases[k].what, n, cases[k].want);
    }
    /* a narrow write covered by a later wide one is dead; the reverse is not */
    ir_block_init(&blk, 0);
    ir_temp x = ir_get_reg(&blk, IR_I64, R(0));
    ir_temp x32 = ir_get_reg(&blk, IR_I32, R(1));
    ir_set_reg(&blk, IR_I32, R(2) + 4, x32);
    ir_set_reg(&blk, IR_I64, R(2), x);
    ir_set_reg(&blk, IR_I64, R(3), x);
    ir_set_reg(&blk, IR_I32, R(3), x32);
    ir_exit_tb(&blk, 0);
    ok(optimize_valid(&blk) && count_op(&blk, IR_set_reg) == 3,
       "dead set_reg: narrow under a later wide write goes, wide under narrow stays");
}

/* ---- DCE ---- */

static uint64_t helper_side(void *s, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    ((struct fake_cpu *)s)->side += a0;
    return a0 + 1;
}

static void test_dce(void)
{
    ir_block_init(&blk, 0);
    ir_temp x = ir_get_reg(&blk, IR_I64, R(0));
    ir_get_reg(&blk, IR_I64, R(1));                                  /* unused */
    ir_temp u = ir_add(&blk, IR_I64, x, x);                          /* used only by dead */
    ir_mul(&blk, IR_I64, u, x);                                      /* unused */
    ir_ld(&blk, IR_I64, IR_MEM_64, x, 8);                            /* unused, stays */
    ir_call(&blk, helper_side, IR_CALL_PURE | IR_CALL_NO_REGS, true, IR_I64, x, 0, 0, 0);
    ir_call(&blk, helper_side, IR_CALL_NO_REGS, true, IR_I64, x, 0, 0, 0);
    ir_exit_tb(&blk, 0);
    ok(optimize_valid(&blk), "dce: valid");
    ok(count_op(&blk, IR_add) == 0 && count_op(&blk, IR_mul) == 0 &&
       count_op(&blk, IR_get_reg) == 1, "dce: unused pure chain and get_reg removed");
    ok(count_op(&blk, IR_ld) == 1, "dce: unused load kept");
    const struct ir_insn *c = find_op(&blk, IR_call, 0);
    ok(count_op(&blk, IR_call) == 1 && c && c->cond == IR_CALL_NO_REGS && c->out == IR_NO_TEMP,
       "dce: unused pure call removed, impure call kept without its result");
}

/* ---- random differential ---- */

static uint8_t mem_init[128], mem_a[128], mem_b[128];
static uint8_t *mem_cur;

static uint64_t h_regs(void *s, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    struct fake_cpu *cpu = s;
    cpu->r[5] = cpu->r[5] * 31 + a0 + cpu->r[3];
    return cpu->r[2] ^ a1 ^ (a3 << 3);
}

static uint64_t h_noregs(void *s, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    struct fake_cpu *cpu = s;
    cpu->side = cpu->side * 7 + a0;
    return a0 * 3 + a1 + cpu->side;
}

static uint64_t h_pure(void *s, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    return (a0 * 0x9e3779b97f4a7c15ull) ^ a1 ^ (a2 << 1) ^ (a3 >> 1);
}

static const uint64_t specials[] = {
    0, 1, 2, 31, 32, 63, 64, 0x80, 0xff, 0x7fffffff, 0x80000000, 0xffffffff,
    0x8000000000000000ull, ~0ull, 0x100000000ull,
};

struct pool {
    ir_temp t[2][512];
    unsigned n[2];
};

static ir_temp pool_pick(struct ir_block *b, struct pool *p, enum ir_type t)
{
    if (p->n[t] == 0 || (rnd() % 5) == 0) {
        uint64_t v = (rnd() & 1) ? specials[rnd() % (sizeof(specials) / sizeof(specials[0]))]
                                 : rnd() >> (rnd() % 64);
        ir_temp x = ir_movi(b, t, v);
        p->t[t][p->n[t]++ % 512] = x;
        return x;
    }
    return p->t[t][rnd() % (p->n[t] < 512 ? p->n[t] : 512)];
}

static void pool_add(struct pool *p, enum ir_type t, ir_temp x)
{
    p->t[t][p->n[t]++ % 512] = x;
}

/* a guest-register slot: small register numbers so that accesses collide */
static uint32_t pick_slot(enum ir_type t)
{
    uint32_t off = R(rnd() % 6);
    if (t == IR_I32 && (rnd() & 1))
        off += 4;
    return off;
}

static const enum ir_opcode rand_ops[] = {
    IR_mov, IR_add, IR_sub, IR_mul, IR_mulh, IR_mulhu, IR_mulhsu, IR_divs, IR_divu, IR_rems,
    IR_remu, IR_and, IR_or, IR_xor, IR_andn, IR_orn, IR_xnor, IR_shl, IR_shr, IR_sar,
    IR_rotl, IR_rotr, IR_neg, IR_not, IR_clz, IR_ctz, IR_popcnt, IR_bswap, IR_setcond,
    IR_select, IR_sext8, IR_sext16, IR_sext32, IR_zext8, IR_zext16, IR_zext32, IR_trunc32,
};

static void gen_block(struct ir_block *b)
{
    struct pool p = { .n = { 0, 0 } };
    unsigned len = 3 + (unsigned)(rnd() % 80);
    ir_block_init(b, 0x1000);
    for (unsigned k = 0; k < len && !ir_block_full(b); k++) {
        unsigned kind = (unsigned)(rnd() % 100);
        enum ir_type t = (rnd() & 1) ? IR_I64 : IR_I32;
        if (kind < 10) {
            pool_pick(b, &p, t);
        } else if (kind < 28) {
            pool_add(&p, t, ir_get_reg(b, t, pick_slot(t)));
        } else if (kind < 65) {
            enum ir_opcode op = rand_ops[rnd() % (sizeof(rand_ops) / sizeof(rand_ops[0]))];
            enum ir_type in_t = t;
            if (op == IR_sext32 || op == IR_zext32) {
                t = IR_I64;
                in_t = (rnd() & 1) ? IR_I64 : IR_I32;
            } else if (op == IR_trunc32) {
                t = IR_I32;
                in_t = IR_I64;
            }
            struct ir_insn *i;
            ir_temp in[3];
            in[0] = pool_pick(b, &p, op == IR_select ? (enum ir_type)(rnd() & 1) : in_t);
            bool count = op == IR_shl || op == IR_shr || op == IR_sar || op == IR_rotl ||
                         op == IR_rotr;
            in[1] = pool_pick(b, &p, count ? (enum ir_type)(rnd() & 1) : t);
            in[2] = pool_pick(b, &p, t);
            if (rnd() % 4 == 0)
                in[1] = (op == IR_select || count) ? in[2] : in[0];     /* equal operands */
            i = ir_emit(b, op, t);
            i->cond = (uint8_t)(rnd() % IR_NUM_CONDS);
            for (unsigned j = 0; j < ir_op_info[op].n_in; j++)
                i->in[j] = in[j];
            i->out = ir_new_temp(b, t);
            pool_add(&p, t, i->out);
        } else if (kind < 82) {
            ir_set_reg(b, t, pick_slot(t), pool_pick(b, &p, t));
        } else if (kind < 84) {
            /* a flag tested against 0 or 1, as branches and csel/czero do */
            ir_temp f = ir_setcond(b, t, (enum ir_cond)(rnd() % IR_NUM_CONDS),
                                   pool_pick(b, &p, t), pool_pick(b, &p, t));
            ir_temp k01 = ir_movi(b, t, rnd() & 1);
            enum ir_cond eqne = (rnd() & 1) ? IR_EQ : IR_NE;
            switch (rnd() % 3) {
            case 0:
                ir_exit_cond(b, t, eqne, f, k01, rnd() & 0xfffe);
                break;
            case 1:
                pool_add(&p, t, ir_setcond(b, t, eqne, (rnd() & 1) ? f : k01,
                                           (rnd() & 1) ? k01 : f));
                break;
            default: {
                enum ir_type vt = (enum ir_type)(rnd() & 1);
                ir_temp z = ir_movi(b, t, 0);
                ir_temp g = ir_setcond(b, t, eqne, pool_pick(b, &p, t), z);
                pool_add(&p, vt, ir_select(b, vt, (rnd() & 1) ? g : f, pool_pick(b, &p, vt),
                                           pool_pick(b, &p, vt)));
                break;
            }
            }
        } else if (kind < 87) {
            ir_temp x = pool_pick(b, &p, t);
            ir_temp y = (rnd() & 3) ? pool_pick(b, &p, t) : x;
            ir_exit_cond(b, t, (enum ir_cond)(rnd() % IR_NUM_CONDS), x, y, rnd() & 0xfffe);
        } else if (kind < 91) {
            static const ir_helper_fn fns[] = { h_regs, h_noregs, h_pure };
            static const unsigned flags[] = { 0, IR_CALL_NO_REGS, IR_CALL_PURE | IR_CALL_NO_REGS };
            unsigned f = (unsigned)(rnd() % 3);
            ir_temp a[4];
            for (int j = 0; j < 4; j++)
                a[j] = (rnd() % 3) ? pool_pick(b, &p, (enum ir_type)(rnd() & 1)) : IR_NO_TEMP;
            bool want = rnd() & 1;
            ir_temp r = ir_call(b, fns[f], flags[f], want, t, a[0], a[1], a[2], a[3]);
            if (want)
                pool_add(&p, t, r);
        } else {
            /* guest memory: the buffer's address is a constant, displacement random */
            ir_temp base = ir_movi(b, IR_I64, (uintptr_t)mem_cur);
            unsigned size = (unsigned)(rnd() % 4);
            int64_t disp = (int64_t)(rnd() % (128 - 8));
            if (size == IR_MEM_64)
                t = IR_I64;
            if (kind < 96)
                pool_add(&p, t, ir_ld(b, t, size | ((rnd() & 1) ? IR_MEM_SIGN : 0), base, disp));
            else
                ir_st(b, size, base, disp, pool_pick(b, &p, size == IR_MEM_64 ? IR_I64
                                                             : (enum ir_type)(rnd() & 1)));
        }
    }
    switch (rnd() % 3) {
    case 0: ir_exit_tb(b, 0x2000 + (rnd() & 0xff)); break;
    case 1: ir_exit_ind(b, pool_pick(b, &p, IR_I64)); break;
    default: ir_exit_trap(b, 1 + (unsigned)(rnd() % 5), rnd()); break;
    }
}

static uint64_t run_block(const struct ir_block *b, struct fake_cpu *cpu)
{
    struct tb tb = { .pc = b->guest_pc, .insns = (struct ir_insn *)b->insns,
                     .n_insns = b->n_insns, .n_temps = b->n_temps };
    return interp_run(cpu, &tb);
}

static void test_random(void)
{
    static struct ir_block orig, opt;
    /* make check-long runs many more; TEST_SEED replays another sequence */
    const unsigned n_blocks = getenv("RUNTIME_CHECK_LONG") ? 200000 : 5000;
    if (getenv("TEST_SEED"))
        rng_state = strtoull(getenv("TEST_SEED"), NULL, 0) * 2 + 1;
    unsigned bad_valid = 0, bad_state = 0, insns_before = 0, insns_after = 0;
    for (unsigned n = 0; n < n_blocks; n++) {
        /* the addresses in the IR point at one buffer; both runs use it in turn */
        mem_cur = mem_a;
        gen_block(&orig);
        if (!ir_validate(&orig, stderr)) {
            ir_print(&orig, stderr);
            bad_valid++;
            continue;
        }
        memcpy(&opt, &orig, sizeof(opt));
        ir_optimize(&opt);
        if (n & 1) {
            /* the optimiser's own output must survive another round */
            uint32_t once = opt.n_insns;
            ir_optimize(&opt);
            if (opt.n_insns > once)
                bad_valid++;
        }
        if (!ir_validate(&opt, stderr)) {
            if (!bad_valid) {
                ir_print(&orig, stderr);
                ir_print(&opt, stderr);
            }
            bad_valid++;
            continue;
        }
        insns_before += orig.n_insns;
        insns_after += opt.n_insns;

        struct fake_cpu init, c1, c2;
        for (int j = 0; j < 16; j++)
            init.r[j] = (rnd() & 1) ? rnd() : specials[rnd() % 15];
        /* equal registers make comparisons hit their equal case */
        for (int j = 1; j < 16; j++)
            if (rnd() % 3 == 0)
                init.r[j] = init.r[rnd() % j];
        init.pc = 0x1000;
        init.side = rnd();
        for (unsigned j = 0; j < sizeof(mem_init); j++)
            mem_init[j] = (uint8_t)rnd();
        c1 = init;
        c2 = init;
        memcpy(mem_a, mem_init, sizeof(mem_a));
        uint64_t w1 = run_block(&orig, &c1);
        memcpy(mem_b, mem_a, sizeof(mem_b));
        memcpy(mem_a, mem_init, sizeof(mem_a));
        uint64_t w2 = run_block(&opt, &c2);
        if (w1 != w2 || memcmp(&c1, &c2, sizeof(c1)) || memcmp(mem_a, mem_b, sizeof(mem_a))) {
            if (!bad_state) {
                fprintf(stderr, "random block %u differs after optimisation:\n", n);
                ir_print(&orig, stderr);
                ir_print(&opt, stderr);
                for (int j = 0; j < 16; j++)
                    if (c1.r[j] != c2.r[j])
                        fprintf(stderr, "  r%d: %#" PRIx64 " vs %#" PRIx64 "\n", j, c1.r[j],
                                c2.r[j]);
                if (c1.pc != c2.pc || w1 != w2)
                    fprintf(stderr, "  pc %#" PRIx64 " vs %#" PRIx64 ", exit %#" PRIx64
                            " vs %#" PRIx64 "\n", c1.pc, c2.pc, w1, w2);
            }
            bad_state++;
        }
    }
    ok(!bad_valid, "random: %u blocks valid before and after ir_optimize, once or twice (%u bad)",
       n_blocks,
       bad_valid);
    ok(!bad_state, "random: %u blocks end in the same state, memory and exit (%u differ)",
       n_blocks, bad_state);
    ok(insns_after < insns_before, "random: optimiser shrinks blocks (%u -> %u insns)",
       insns_before, insns_after);
}

int main(void)
{
    exec_config.guest = &fake_guest;
    exec_config.guest_base = 0;
    test_fold();
    test_copy_and_simplify();
    test_cse();
    test_exit_cond_fold();
    test_flag_fusion();
    test_forwarding();
    test_dead_set_reg();
    test_dce();
    test_random();
    return tap_finish();
}
