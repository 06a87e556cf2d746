/*
 * The aarch64 front-end's entry: the block translation loop, the top-level
 * A64 encoding table (Arm ARM C4.1 "op0" groups), and the register, flag and
 * condition accessors every instruction class shares.
 */
#include "isa/aarch64/translate.h"

#include <stddef.h>

#include "isa/aarch64/disas.h"

bool a64_decode_table(struct a64_dc *dc, uint32_t insn, const struct a64_pattern *tab,
                      unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if ((insn & tab[i].mask) == tab[i].match)
            return tab[i].fn(dc, insn);
    return false;
}

/* ---- registers ---- */

ir_temp a64_const(struct a64_dc *dc, bool sf, uint64_t v)
{
    return ir_movi(dc->b, a64_type(sf), v);
}

ir_temp a64_get_x(struct a64_dc *dc, unsigned r, bool sf)
{
    if (r == 31)
        return a64_const(dc, sf, 0);
    return ir_get_reg(dc->b, a64_type(sf), A64_X(r));
}

ir_temp a64_get_xsp(struct a64_dc *dc, unsigned r, bool sf)
{
    /* A64_X(31) is the sp slot (cpu.h keeps sp right after x30) */
    return ir_get_reg(dc->b, a64_type(sf), A64_X(r));
}

void a64_set_xsp(struct a64_dc *dc, unsigned r, bool sf, ir_temp v)
{
    if (!sf)
        v = ir_unop(dc->b, IR_zext32, IR_I64, v);
    ir_set_reg(dc->b, IR_I64, A64_X(r), v);
}

void a64_set_x(struct a64_dc *dc, unsigned r, bool sf, ir_temp v)
{
    if (r != 31)
        a64_set_xsp(dc, r, sf, v);
}

/* ---- flags ---- */

static ir_temp flag(struct a64_dc *dc, uint32_t off)
{
    return ir_get_reg(dc->b, IR_I64, off);
}

static void set_flag(struct a64_dc *dc, uint32_t off, ir_temp v)
{
    ir_set_reg(dc->b, IR_I64, off, v);
}

/* N and Z from a result of width sf */
static void set_nz(struct a64_dc *dc, bool sf, ir_temp res)
{
    struct ir_block *b = dc->b;
    set_flag(dc, A64_NF, sf ? res : ir_unop(b, IR_sext32, IR_I64, res));
    set_flag(dc, A64_ZF, sf ? res : ir_unop(b, IR_zext32, IR_I64, res));
}

/* V from an expression whose top bit (of width sf) is the overflow */
static void set_v(struct a64_dc *dc, bool sf, ir_temp v)
{
    set_flag(dc, A64_VF, sf ? v : ir_unop(dc->b, IR_sext32, IR_I64, v));
}

void a64_set_nz_clear_cv(struct a64_dc *dc, bool sf, ir_temp res)
{
    set_nz(dc, sf, res);
    ir_temp zero = ir_movi(dc->b, IR_I64, 0);
    set_flag(dc, A64_CF, zero);
    set_flag(dc, A64_VF, zero);
}

ir_temp a64_add_flags(struct a64_dc *dc, bool sf, ir_temp a, ir_temp c, ir_temp carry_in)
{
    struct ir_block *b = dc->b;
    enum ir_type t = a64_type(sf);
    ir_temp res, cf;
    if (sf) {
        ir_temp s = ir_add(b, t, a, c);
        if (carry_in) {
            res = ir_add(b, t, s, carry_in);
            cf = ir_or(b, t, ir_setcond(b, t, IR_LTU, s, a), ir_setcond(b, t, IR_LTU, res, s));
        } else {
            res = s;
            cf = ir_setcond(b, t, IR_LTU, res, a);
        }
    } else {
        /* the carry out is bit 32 of the zero-extended sum */
        ir_temp s = ir_add(b, IR_I64, ir_unop(b, IR_zext32, IR_I64, a),
                           ir_unop(b, IR_zext32, IR_I64, c));
        if (carry_in)
            s = ir_add(b, IR_I64, s, carry_in);
        cf = ir_shr(b, IR_I64, s, ir_movi(b, IR_I64, 32));
        res = ir_unop(b, IR_trunc32, IR_I32, s);
    }
    /* overflow: operands of equal sign, result of the other sign */
    ir_temp v = ir_binop(b, IR_andn, t, ir_xor(b, t, res, a), ir_xor(b, t, a, c));
    set_nz(dc, sf, res);
    set_flag(dc, A64_CF, cf);
    set_v(dc, sf, v);
    return res;
}

ir_temp a64_sub_flags(struct a64_dc *dc, bool sf, ir_temp a, ir_temp c)
{
    struct ir_block *b = dc->b;
    enum ir_type t = a64_type(sf);
    ir_temp res = ir_sub(b, t, a, c);
    /* C is NOT borrow */
    ir_temp cf = ir_setcond(b, t, IR_GEU, a, c);
    if (!sf)
        cf = ir_unop(b, IR_zext32, IR_I64, cf);
    ir_temp v = ir_and(b, t, ir_xor(b, t, a, c), ir_xor(b, t, a, res));
    set_nz(dc, sf, res);
    set_flag(dc, A64_CF, cf);
    set_v(dc, sf, v);
    return res;
}

void a64_set_nzcv_word(struct a64_dc *dc, ir_temp w)
{
    struct ir_block *b = dc->b;
    set_flag(dc, A64_NF, ir_shl(b, IR_I64, w, ir_movi(b, IR_I64, 32)));
    set_flag(dc, A64_ZF, ir_binop(b, IR_andn, IR_I64, ir_movi(b, IR_I64, A64_NZCV_Z), w));
    set_flag(dc, A64_CF, ir_and(b, IR_I64, ir_shr(b, IR_I64, w, ir_movi(b, IR_I64, 29)),
                                ir_movi(b, IR_I64, 1)));
    set_flag(dc, A64_VF, ir_shl(b, IR_I64, w, ir_movi(b, IR_I64, 35)));
}

ir_temp a64_get_nzcv_word(struct a64_dc *dc)
{
    struct ir_block *b = dc->b;
    ir_temp n = ir_and(b, IR_I64, ir_shr(b, IR_I64, flag(dc, A64_NF), ir_movi(b, IR_I64, 32)),
                       ir_movi(b, IR_I64, A64_NZCV_N));
    ir_temp z = ir_shl(b, IR_I64, ir_setcond(b, IR_I64, IR_EQ, flag(dc, A64_ZF),
                                             ir_movi(b, IR_I64, 0)),
                       ir_movi(b, IR_I64, 30));
    ir_temp c = ir_shl(b, IR_I64, flag(dc, A64_CF), ir_movi(b, IR_I64, 29));
    ir_temp v = ir_and(b, IR_I64, ir_shr(b, IR_I64, flag(dc, A64_VF), ir_movi(b, IR_I64, 35)),
                       ir_movi(b, IR_I64, A64_NZCV_V));
    return ir_or(b, IR_I64, ir_or(b, IR_I64, n, z), ir_or(b, IR_I64, c, v));
}

/* ---- conditions (Arm ARM C1.2.4, ConditionHolds) ---- */

struct a64_test a64_cond_test(struct a64_dc *dc, unsigned cc)
{
    struct ir_block *b = dc->b;
    struct a64_test t = { .t = IR_I64 };
    bool invert = cc & 1;
    ir_temp zero = ir_movi(b, IR_I64, 0);
    t.b = zero;
    switch (cc >> 1) {
    case 0:     /* EQ: Z */
        t.a = flag(dc, A64_ZF);
        t.cond = IR_EQ;
        break;
    case 1:     /* CS: C */
        t.a = flag(dc, A64_CF);
        t.cond = IR_NE;
        break;
    case 2:     /* MI: N */
        t.a = flag(dc, A64_NF);
        t.cond = IR_LT;
        break;
    case 3:     /* VS: V */
        t.a = flag(dc, A64_VF);
        t.cond = IR_LT;
        break;
    case 4:     /* HI: C && !Z; -C is all ones exactly when C is set */
        t.a = ir_and(b, IR_I64, ir_unop(b, IR_neg, IR_I64, flag(dc, A64_CF)), flag(dc, A64_ZF));
        t.cond = IR_NE;
        break;
    case 5:     /* GE: N == V */
        t.a = ir_xor(b, IR_I64, flag(dc, A64_NF), flag(dc, A64_VF));
        t.cond = IR_GE;
        break;
    case 6: {   /* GT: !Z && N == V; the sar mask is all ones when N != V */
        ir_temp nv = ir_xor(b, IR_I64, flag(dc, A64_NF), flag(dc, A64_VF));
        ir_temp m = ir_sar(b, IR_I64, nv, ir_movi(b, IR_I64, 63));
        t.a = ir_binop(b, IR_andn, IR_I64, flag(dc, A64_ZF), m);
        t.cond = IR_NE;
        break;
    }
    default:    /* AL, NV: always */
        t.a = zero;
        t.cond = IR_EQ;
        invert = false;
        break;
    }
    if (invert) {
        static const enum ir_cond inv[IR_NUM_CONDS] = {
            [IR_EQ] = IR_NE, [IR_NE] = IR_EQ, [IR_LT] = IR_GE, [IR_GE] = IR_LT,
        };
        t.cond = inv[t.cond];
    }
    return t;
}

ir_temp a64_cond_value(struct a64_dc *dc, unsigned cc)
{
    struct a64_test t = a64_cond_test(dc, cc);
    return ir_setcond(dc->b, t.t, t.cond, t.a, t.b);
}

/* ---- traps and helpers ---- */

void a64_gen_trap(struct a64_dc *dc, unsigned reason, uint64_t pc)
{
    ir_exit_trap(dc->b, reason, pc);
    dc->end = true;
}

void a64_gen_illegal(struct a64_dc *dc, uint32_t insn)
{
    ir_set_reg(dc->b, IR_I64, A64_INSN_TRAP, ir_movi(dc->b, IR_I64, insn));
    a64_gen_trap(dc, IR_TRAP_ILLEGAL, dc->pc);
}

ir_temp a64_call(struct a64_dc *dc, ir_helper_fn fn, unsigned flags, ir_temp a0, ir_temp a1,
                 ir_temp a2, ir_temp a3)
{
    return ir_call(dc->b, fn, flags, true, IR_I64, a0, a1, a2, a3);
}

/* ---- top level: Arm ARM C4.1, op0 = insn<28:25> ---- */

static bool trans_fp_simd(struct a64_dc *dc, uint32_t insn)
{
    /* scalar floating-point: insn<30,28:25> = 0 1111 (C4.1.96 ff.) */
    if ((insn & 0x5e000000) == 0x1e000000)
        return a64_trans_fp(dc, insn);
    return a64_trans_simd(dc, insn);
}

static const struct a64_pattern a64_top[] = {
    { 0x1c000000, 0x10000000, a64_trans_dp_imm, "data processing -- immediate" },
    { 0x1c000000, 0x14000000, a64_trans_branch_sys, "branches, exception, system" },
    { 0x0a000000, 0x08000000, a64_trans_ldst, "loads and stores" },
    { 0x0e000000, 0x0a000000, a64_trans_dp_reg, "data processing -- register" },
    { 0x0e000000, 0x0e000000, trans_fp_simd, "data processing -- SIMD and FP" },
};

static void a64_translate(struct ir_block *b, const void *state, uint64_t pc,
                          unsigned max_insns)
{
    struct a64_dc dc = { .b = b };
    unsigned n = 0;
    (void)state;
    if (max_insns == 0)
        max_insns = 1;
    for (;;) {
        uint32_t insn = *(const uint32_t *)(exec_config.guest_base + (uintptr_t)pc);
        dc.pc = pc;
        ir_insn_start(b, pc);
        if (!A64_DECODE(&dc, insn, a64_top))
            a64_gen_illegal(&dc, insn);
        n++;
        pc += 4;
        if (dc.end)
            break;
        if (n >= max_insns || (pc & 0xfff) == 0 || ir_block_full(b)) {
            ir_exit_tb(b, pc);
            break;
        }
    }
    b->guest_size = 4 * n;
    b->guest_insns = n;
}

const struct guest_desc a64_guest = {
    .name = "aarch64",
    .state_size = sizeof(struct a64_cpu),
    .pc_offset = A64_PC,
    .insn_shift = 2,
    .interrupt_offset = offsetof(struct a64_cpu, interrupt),
    .translate = a64_translate,
    .disas = a64_disas,
};
