/*
 * Integer computation: RV64I register-immediate and register-register ops,
 * LUI/AUIPC, M (multiply/divide), Zba, Zbb and Zbs.  *W forms compute at
 * 32 bits (or at 64 where the low half is the same) and sign-extend.
 * Each handler's pattern arg is the IR opcode or condition it needs.
 */
#include "isa/riscv64/decode.h"

static ir_temp imm64(struct rv_dc *dc, int64_t v) { return ir_movi(dc->b, IR_I64, (uint64_t)v); }

static ir_temp low32(struct rv_dc *dc, ir_temp v) { return ir_unop(dc->b, IR_trunc32, IR_I32, v); }

static ir_temp sext32(struct rv_dc *dc, ir_temp v) { return ir_unop(dc->b, IR_sext32, IR_I64, v); }

bool rv_trans_lui(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    rv_set_x(dc, rv_rd(insn), imm64(dc, rv_imm_u(insn)));
    return true;
}

bool rv_trans_auipc(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    rv_set_x(dc, rv_rd(insn), imm64(dc, (int64_t)dc->pc + rv_imm_u(insn)));
    return true;
}

/* the immediate of an OP-IMM instruction: a shift amount or a sign-extended imm */
static int64_t op_imm(uint32_t insn, enum ir_opcode op, unsigned width)
{
    switch (op) {
    case IR_shl: case IR_shr: case IR_sar: case IR_rotl: case IR_rotr:
        return rv_shamt(insn) & (width - 1);
    default:
        return rv_imm_i(insn);
    }
}

bool rv_trans_alu_imm(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    enum ir_opcode op = (enum ir_opcode)p->arg;
    unsigned rs1 = rv_rs1(insn);
    int64_t imm = op_imm(insn, op, 64);
    ir_temp v;

    if (rs1 == 0 && op != IR_and)
        /* li, and the shifts/rotates of 0 */
        v = imm64(dc, (op == IR_add || op == IR_or || op == IR_xor) ? imm : 0);
    else if (rs1 == 0 || (op == IR_and && imm == 0))
        v = imm64(dc, 0);
    else if (imm == 0 && op != IR_and)
        v = rv_get_x(dc, rs1);                  /* mv */
    else
        v = ir_binop(dc->b, op, IR_I64, rv_get_x(dc, rs1), imm64(dc, imm));
    rv_set_x(dc, rv_rd(insn), v);
    return true;
}

bool rv_trans_alu_immw(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    enum ir_opcode op = (enum ir_opcode)p->arg;
    unsigned rs1 = rv_rs1(insn);
    int64_t imm = op_imm(insn, op, 32);
    ir_temp v;

    if (rs1 == 0 && op == IR_add) {
        v = imm64(dc, imm);
    } else if (op == IR_add || op == IR_shl) {
        /* the low 32 bits do not depend on the upper input bits */
        v = rv_get_x(dc, rs1);
        if (imm)
            v = ir_binop(dc->b, op, IR_I64, v, imm64(dc, imm));
        v = sext32(dc, v);                      /* sext.w when imm == 0 */
    } else {
        v = ir_binop(dc->b, op, IR_I32, low32(dc, rv_get_x(dc, rs1)),
                     ir_movi(dc->b, IR_I32, (uint64_t)imm));
        v = sext32(dc, v);
    }
    rv_set_x(dc, rv_rd(insn), v);
    return true;
}

bool rv_trans_slt_imm(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    ir_temp v = ir_setcond(dc->b, IR_I64, (enum ir_cond)p->arg, rv_get_x(dc, rv_rs1(insn)),
                           imm64(dc, rv_imm_i(insn)));
    rv_set_x(dc, rv_rd(insn), v);
    return true;
}

bool rv_trans_alu(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    unsigned rs1 = rv_rs1(insn), rs2 = rv_rs2(insn);
    ir_temp v;

    if (p->arg == IR_add && (rs1 == 0 || rs2 == 0))
        v = rv_get_x(dc, rs1 | rs2);            /* mv */
    else
        v = ir_binop(dc->b, (enum ir_opcode)p->arg, IR_I64, rv_get_x(dc, rs1),
                     rv_get_x(dc, rs2));
    rv_set_x(dc, rv_rd(insn), v);
    return true;
}

bool rv_trans_aluw(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    enum ir_opcode op = (enum ir_opcode)p->arg;
    ir_temp a = rv_get_x(dc, rv_rs1(insn)), c = rv_get_x(dc, rv_rs2(insn)), v;

    if (op == IR_add || op == IR_sub || op == IR_mul)
        v = ir_binop(dc->b, op, IR_I64, a, c);
    else    /* shifts and rotates: count modulo 32, upper input bits ignored */
        v = ir_binop(dc->b, op, IR_I32, low32(dc, a), c);
    rv_set_x(dc, rv_rd(insn), sext32(dc, v));
    return true;
}

bool rv_trans_slt(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    ir_temp v = ir_setcond(dc->b, IR_I64, (enum ir_cond)p->arg, rv_get_x(dc, rv_rs1(insn)),
                           rv_get_x(dc, rv_rs2(insn)));
    rv_set_x(dc, rv_rd(insn), v);
    return true;
}

/*
 * The IR already gives RISC-V's remainder by zero (the dividend) and the
 * overflow results (MIN / -1 = MIN, MIN % -1 = 0); only a quotient by zero,
 * all ones on RISC-V, needs a select on the divisor.
 */
static ir_temp gen_div(struct rv_dc *dc, enum ir_opcode op, enum ir_type t, ir_temp a, ir_temp c)
{
    ir_temp q = ir_binop(dc->b, op, t, a, c);
    if (op == IR_divs || op == IR_divu)
        q = ir_select(dc->b, t, c, q, ir_movi(dc->b, t, ~0ull));
    return q;
}

bool rv_trans_div(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    ir_temp v = gen_div(dc, (enum ir_opcode)p->arg, IR_I64, rv_get_x(dc, rv_rs1(insn)),
                        rv_get_x(dc, rv_rs2(insn)));
    rv_set_x(dc, rv_rd(insn), v);
    return true;
}

bool rv_trans_divw(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    ir_temp v = gen_div(dc, (enum ir_opcode)p->arg, IR_I32, low32(dc, rv_get_x(dc, rv_rs1(insn))),
                        low32(dc, rv_get_x(dc, rv_rs2(insn))));
    rv_set_x(dc, rv_rd(insn), sext32(dc, v));
    return true;
}

bool rv_trans_unary(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    ir_temp v = ir_unop(dc->b, (enum ir_opcode)p->arg, IR_I64, rv_get_x(dc, rv_rs1(insn)));
    rv_set_x(dc, rv_rd(insn), v);
    return true;
}

/* clzw, ctzw, cpopw: a count of 0..32, so zero- and sign-extension agree */
bool rv_trans_unaryw(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    ir_temp v = ir_unop(dc->b, (enum ir_opcode)p->arg, IR_I32,
                        low32(dc, rv_get_x(dc, rv_rs1(insn))));
    rv_set_x(dc, rv_rd(insn), ir_unop(dc->b, IR_zext32, IR_I64, v));
    return true;
}

/* arg: the condition under which rs1 is the result */
bool rv_trans_minmax(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    ir_temp a = rv_get_x(dc, rv_rs1(insn)), c = rv_get_x(dc, rv_rs2(insn));
    ir_temp take_a = ir_setcond(dc->b, IR_I64, (enum ir_cond)p->arg, a, c);
    rv_set_x(dc, rv_rd(insn), ir_select(dc->b, IR_I64, take_a, a, c));
    return true;
}

/*
 * orc.b: 0xff in each byte that is non-zero.  Adding 0x7f to the low seven
 * bits of a byte carries into its top bit exactly when they are non-zero;
 * OR in the byte itself for the top bit, then spread each top bit over its
 * byte: m * 0xff = (m << 8) - m with m the top bits moved to bit 0.
 */
bool rv_trans_orc_b(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    struct ir_block *b = dc->b;
    ir_temp x = rv_get_x(dc, rv_rs1(insn));
    ir_temp low7 = imm64(dc, 0x7f7f7f7f7f7f7f7fll);
    ir_temp t = ir_add(b, IR_I64, ir_and(b, IR_I64, x, low7), low7);
    t = ir_binop(b, IR_andn, IR_I64, ir_or(b, IR_I64, t, x), low7);
    t = ir_sub(b, IR_I64, ir_shl(b, IR_I64, t, imm64(dc, 1)), ir_shr(b, IR_I64, t, imm64(dc, 7)));
    rv_set_x(dc, rv_rd(insn), t);
    return true;
}

/* Zba: rd = (rs1 << arg) + rs2 */
bool rv_trans_shadd(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    struct ir_block *b = dc->b;
    ir_temp a = ir_shl(b, IR_I64, rv_get_x(dc, rv_rs1(insn)), imm64(dc, p->arg));
    rv_set_x(dc, rv_rd(insn), ir_add(b, IR_I64, a, rv_get_x(dc, rv_rs2(insn))));
    return true;
}

/* Zba: rd = (zext32(rs1) << arg) + rs2; add.uw with rs2 = x0 is zext.w */
bool rv_trans_shadd_uw(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    struct ir_block *b = dc->b;
    ir_temp a = ir_unop(b, IR_zext32, IR_I64, rv_get_x(dc, rv_rs1(insn)));
    if (p->arg)
        a = ir_shl(b, IR_I64, a, imm64(dc, p->arg));
    if (rv_rs2(insn))
        a = ir_add(b, IR_I64, a, rv_get_x(dc, rv_rs2(insn)));
    rv_set_x(dc, rv_rd(insn), a);
    return true;
}

bool rv_trans_slli_uw(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    struct ir_block *b = dc->b;
    ir_temp a = ir_unop(b, IR_zext32, IR_I64, rv_get_x(dc, rv_rs1(insn)));
    if (rv_shamt(insn))
        a = ir_shl(b, IR_I64, a, imm64(dc, rv_shamt(insn)));
    rv_set_x(dc, rv_rd(insn), a);
    return true;
}

/* Zbs: arg is how the single-bit mask combines with rs1 (IR_shr for bext) */
static ir_temp gen_bit(struct rv_dc *dc, enum ir_opcode op, ir_temp x, ir_temp index,
                       ir_temp mask)
{
    struct ir_block *b = dc->b;
    if (op == IR_shr)
        return ir_and(b, IR_I64, ir_shr(b, IR_I64, x, index), imm64(dc, 1));
    return ir_binop(b, op, IR_I64, x, mask);
}

bool rv_trans_bit(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    enum ir_opcode op = (enum ir_opcode)p->arg;
    ir_temp index = rv_get_x(dc, rv_rs2(insn)), mask = IR_NO_TEMP;
    if (op != IR_shr)
        mask = ir_shl(dc->b, IR_I64, imm64(dc, 1), index);
    rv_set_x(dc, rv_rd(insn), gen_bit(dc, op, rv_get_x(dc, rv_rs1(insn)), index, mask));
    return true;
}

bool rv_trans_bit_imm(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    unsigned n = rv_shamt(insn);
    rv_set_x(dc, rv_rd(insn), gen_bit(dc, (enum ir_opcode)p->arg, rv_get_x(dc, rv_rs1(insn)),
                                      imm64(dc, n), imm64(dc, (int64_t)(1ull << n))));
    return true;
}
