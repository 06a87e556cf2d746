/*
 * A64 "Data Processing -- Register" (Arm ARM C4.1.88): logical and add/sub
 * (shifted and extended register), add/sub with carry, conditional compare
 * and select, 1-source, 2-source and 3-source operations.
 */
#include "isa/aarch64/translate.h"

#include "isa/aarch64/helpers.h"

static ir_temp cst(struct a64_dc *dc, bool sf, uint64_t v)
{
    return a64_const(dc, sf, v);
}

/* ShiftReg(): LSL, LSR, ASR, ROR by a constant */
static ir_temp shift_reg(struct a64_dc *dc, bool sf, ir_temp v, unsigned type, unsigned amount)
{
    static const enum ir_opcode ops[4] = { IR_shl, IR_shr, IR_sar, IR_rotr };
    if (amount == 0)
        return v;
    return ir_binop(dc->b, ops[type], a64_type(sf), v, cst(dc, sf, amount));
}

/* AND, BIC, ORR, ORN, EOR, EON, ANDS, BICS (shifted register) */
static bool trans_logic_reg(struct a64_dc *dc, uint32_t insn)
{
    bool sf = insn >> 31, n = (insn >> 21) & 1;
    unsigned opc = a64_bits(insn, 30, 29), shift = a64_bits(insn, 23, 22);
    unsigned imm6 = a64_bits(insn, 15, 10), rm = a64_bits(insn, 20, 16);
    unsigned rn = a64_bits(insn, 9, 5), rd = a64_bits(insn, 4, 0);
    if (!sf && imm6 >= 32)
        return false;
    static const enum ir_opcode ops[2][4] = {
        { IR_and, IR_or, IR_xor, IR_and },
        { IR_andn, IR_orn, IR_xnor, IR_andn },
    };
    enum ir_type t = a64_type(sf);
    ir_temp m = shift_reg(dc, sf, a64_get_x(dc, rm, sf), shift, imm6);
    ir_temp res;
    if (rn == 31 && opc == 1 && !n)
        res = m;                /* MOV (register) */
    else if (rn == 31 && opc == 1)
        res = ir_unop(dc->b, IR_not, t, m);     /* MVN */
    else
        res = ir_binop(dc->b, ops[n][opc], t, a64_get_x(dc, rn, sf), m);
    if (opc == 3)
        a64_set_nz_clear_cv(dc, sf, res);
    a64_set_x(dc, rd, sf, res);
    return true;
}

static ir_temp addsub(struct a64_dc *dc, bool sf, bool sub, bool setflags, ir_temp a, ir_temp c)
{
    if (setflags)
        return sub ? a64_sub_flags(dc, sf, a, c) : a64_add_flags(dc, sf, a, c, IR_NO_TEMP);
    return ir_binop(dc->b, sub ? IR_sub : IR_add, a64_type(sf), a, c);
}

/* ADD, ADDS, SUB, SUBS (shifted register) */
static bool trans_addsub_shift(struct a64_dc *dc, uint32_t insn)
{
    bool sf = insn >> 31, sub = (insn >> 30) & 1, setflags = (insn >> 29) & 1;
    unsigned shift = a64_bits(insn, 23, 22), imm6 = a64_bits(insn, 15, 10);
    unsigned rm = a64_bits(insn, 20, 16), rn = a64_bits(insn, 9, 5), rd = a64_bits(insn, 4, 0);
    if (shift == 3 || (!sf && imm6 >= 32))
        return false;
    ir_temp m = shift_reg(dc, sf, a64_get_x(dc, rm, sf), shift, imm6);
    a64_set_x(dc, rd, sf, addsub(dc, sf, sub, setflags, a64_get_x(dc, rn, sf), m));
    return true;
}

/* ExtendReg(): UXTB .. SXTX of a register, then LSL #shift, at width sf */
static ir_temp extend_reg(struct a64_dc *dc, bool sf, unsigned rm, unsigned option, unsigned shift)
{
    static const enum ir_opcode ext[8] = {
        IR_zext8, IR_zext16, IR_zext32, IR_mov, IR_sext8, IR_sext16, IR_sext32, IR_mov,
    };
    enum ir_type t = a64_type(sf);
    ir_temp v = a64_get_x(dc, rm, sf);
    enum ir_opcode op = ext[option];
    if ((op == IR_zext32 || op == IR_sext32) && !sf)
        op = IR_mov;
    if (op != IR_mov)
        v = ir_unop(dc->b, op, t, v);
    return shift ? ir_shl(dc->b, t, v, cst(dc, sf, shift)) : v;
}

/* ADD, ADDS, SUB, SUBS (extended register) */
static bool trans_addsub_ext(struct a64_dc *dc, uint32_t insn)
{
    bool sf = insn >> 31, sub = (insn >> 30) & 1, setflags = (insn >> 29) & 1;
    unsigned opt = a64_bits(insn, 23, 22), option = a64_bits(insn, 15, 13);
    unsigned imm3 = a64_bits(insn, 12, 10), rm = a64_bits(insn, 20, 16);
    unsigned rn = a64_bits(insn, 9, 5), rd = a64_bits(insn, 4, 0);
    if (opt != 0 || imm3 > 4)
        return false;
    ir_temp m = extend_reg(dc, sf, rm, option, imm3);
    ir_temp res = addsub(dc, sf, sub, setflags, a64_get_xsp(dc, rn, sf), m);
    if (setflags)
        a64_set_x(dc, rd, sf, res);
    else
        a64_set_xsp(dc, rd, sf, res);
    return true;
}

/* ADC, ADCS, SBC, SBCS */
static bool trans_adc(struct a64_dc *dc, uint32_t insn)
{
    bool sf = insn >> 31, sub = (insn >> 30) & 1, setflags = (insn >> 29) & 1;
    unsigned rm = a64_bits(insn, 20, 16), rn = a64_bits(insn, 9, 5), rd = a64_bits(insn, 4, 0);
    struct ir_block *b = dc->b;
    enum ir_type t = a64_type(sf);
    ir_temp a = a64_get_x(dc, rn, sf), c = a64_get_x(dc, rm, sf);
    ir_temp carry = ir_get_reg(b, IR_I64, A64_CF);
    if (sub)
        c = ir_unop(b, IR_not, t, c);
    ir_temp res;
    if (setflags) {
        res = a64_add_flags(dc, sf, a, c, carry);
    } else {
        if (!sf)
            carry = ir_unop(b, IR_trunc32, IR_I32, carry);
        res = ir_add(b, t, ir_add(b, t, a, c), carry);
    }
    a64_set_x(dc, rd, sf, res);
    return true;
}

/* CCMN, CCMP (register and immediate) */
static bool trans_ccmp(struct a64_dc *dc, uint32_t insn)
{
    bool sf = insn >> 31, sub = (insn >> 30) & 1, is_imm = (insn >> 11) & 1;
    unsigned cc = a64_bits(insn, 15, 12), nzcv = a64_bits(insn, 3, 0);
    unsigned rm = a64_bits(insn, 20, 16), rn = a64_bits(insn, 9, 5);
    if (!((insn >> 29) & 1) || (insn & (1u << 10)) || (insn & (1u << 4)))
        return false;
    struct ir_block *b = dc->b;
    ir_temp holds = a64_cond_value(dc, cc);
    ir_temp a = a64_get_x(dc, rn, sf);
    ir_temp c = is_imm ? cst(dc, sf, rm) : a64_get_x(dc, rm, sf);
    if (sub)
        a64_sub_flags(dc, sf, a, c);
    else
        a64_add_flags(dc, sf, a, c, IR_NO_TEMP);
    /* the flags when the condition fails, in the unpacked form */
    const uint64_t alt[4] = {
        (nzcv & 8) ? ~0ull : 0, (nzcv & 4) ? 0 : 1, (nzcv >> 1) & 1, (nzcv & 1) ? ~0ull : 0,
    };
    static const uint32_t offs[4] = { A64_NF, A64_ZF, A64_CF, A64_VF };
    for (int i = 0; i < 4; i++) {
        ir_temp f = ir_get_reg(b, IR_I64, offs[i]);
        ir_set_reg(b, IR_I64, offs[i], ir_select(b, IR_I64, holds, f, ir_movi(b, IR_I64, alt[i])));
    }
    return true;
}

/* CSEL, CSINC, CSINV, CSNEG */
static bool trans_csel(struct a64_dc *dc, uint32_t insn)
{
    bool sf = insn >> 31, op = (insn >> 30) & 1;
    unsigned op2 = a64_bits(insn, 11, 10), cc = a64_bits(insn, 15, 12);
    unsigned rm = a64_bits(insn, 20, 16), rn = a64_bits(insn, 9, 5), rd = a64_bits(insn, 4, 0);
    if ((insn >> 29) & 1 || op2 > 1)
        return false;
    struct ir_block *b = dc->b;
    enum ir_type t = a64_type(sf);
    struct a64_test test = a64_cond_test(dc, cc);
    ir_temp holds = ir_setcond(b, test.t, test.cond, test.a, test.b);
    ir_temp m = a64_get_x(dc, rm, sf);
    if (op)
        m = ir_unop(b, op2 ? IR_neg : IR_not, t, m);
    if (op2 && !op)
        m = ir_add(b, t, m, cst(dc, sf, 1));
    a64_set_x(dc, rd, sf, ir_select(b, t, holds, a64_get_x(dc, rn, sf), m));
    return true;
}

/* UDIV, SDIV, LSLV, LSRV, ASRV, RORV, CRC32* */
static bool trans_dp2(struct a64_dc *dc, uint32_t insn)
{
    bool sf = insn >> 31;
    unsigned opcode = a64_bits(insn, 15, 10);
    unsigned rm = a64_bits(insn, 20, 16), rn = a64_bits(insn, 9, 5), rd = a64_bits(insn, 4, 0);
    if ((insn >> 29) & 1)
        return false;
    enum ir_opcode op;
    switch (opcode) {
    case 2: op = IR_divu; break;
    case 3: op = IR_divs; break;        /* IR divs already gives x/0 = 0, MIN/-1 = MIN */
    case 8: op = IR_shl; break;         /* shift counts are taken modulo the width */
    case 9: op = IR_shr; break;
    case 10: op = IR_sar; break;
    case 11: op = IR_rotr; break;
    case 16: case 17: case 18: case 19: case 20: case 21: case 22: case 23: {
        unsigned sz = opcode & 3;
        if ((sz == 3) != sf)
            return false;
        ir_temp acc = a64_get_x(dc, rn, false), v = a64_get_x(dc, rm, sf);
        ir_temp kind = ir_movi(dc->b, IR_I64, sz | (opcode & 4));
        ir_temp r = a64_call(dc, a64_helper_crc32, IR_CALL_PURE | IR_CALL_NO_REGS, acc, v, kind,
                             IR_NO_TEMP);
        a64_set_x(dc, rd, false, ir_unop(dc->b, IR_trunc32, IR_I32, r));
        return true;
    }
    default:
        return false;
    }
    a64_set_x(dc, rd, sf, ir_binop(dc->b, op, a64_type(sf), a64_get_x(dc, rn, sf),
                                   a64_get_x(dc, rm, sf)));
    return true;
}

/* RBIT, REV16, REV32, REV, CLZ, CLS */
static bool trans_dp1(struct a64_dc *dc, uint32_t insn)
{
    bool sf = insn >> 31;
    unsigned opcode = a64_bits(insn, 15, 10), rn = a64_bits(insn, 9, 5), rd = a64_bits(insn, 4, 0);
    if ((insn >> 29) & 1 || a64_bits(insn, 20, 16) != 0)
        return false;
    struct ir_block *b = dc->b;
    enum ir_type t = a64_type(sf);
    ir_temp v = a64_get_x(dc, rn, sf), res;
    switch (opcode) {
    case 0:             /* RBIT */
        res = a64_call(dc, a64_helper_rbit64, IR_CALL_PURE | IR_CALL_NO_REGS,
                       sf ? v : ir_unop(b, IR_zext32, IR_I64, v), IR_NO_TEMP, IR_NO_TEMP,
                       IR_NO_TEMP);
        if (!sf)
            res = ir_unop(b, IR_trunc32, IR_I32,
                          ir_shr(b, IR_I64, res, ir_movi(b, IR_I64, 32)));
        break;
    case 1: {           /* REV16: swap the bytes of every halfword */
        uint64_t m = sf ? 0x00ff00ff00ff00ffull : 0x00ff00ffu;
        ir_temp eight = cst(dc, sf, 8), mask = cst(dc, sf, m);
        res = ir_or(b, t, ir_and(b, t, ir_shr(b, t, v, eight), mask),
                    ir_shl(b, t, ir_and(b, t, v, mask), eight));
        break;
    }
    case 2:             /* REV32 (64-bit) or REV (32-bit) */
        res = ir_unop(b, IR_bswap, t, v);
        if (sf)
            res = ir_binop(b, IR_rotr, t, res, cst(dc, sf, 32));
        break;
    case 3:
        if (!sf)
            return false;
        res = ir_unop(b, IR_bswap, t, v);
        break;
    case 4:
        res = ir_unop(b, IR_clz, t, v);
        break;
    case 5: {           /* CLS(x) = CLZ(x ^ (x >> 1 arithmetic)) - 1 */
        ir_temp y = ir_xor(b, t, v, ir_sar(b, t, v, cst(dc, sf, 1)));
        res = ir_sub(b, t, ir_unop(b, IR_clz, t, y), cst(dc, sf, 1));
        break;
    }
    default:
        return false;
    }
    a64_set_x(dc, rd, sf, res);
    return true;
}

/* MADD, MSUB, SMADDL, SMSUBL, SMULH, UMADDL, UMSUBL, UMULH */
static bool trans_dp3(struct a64_dc *dc, uint32_t insn)
{
    bool sf = insn >> 31, o0 = (insn >> 15) & 1;
    unsigned op31 = a64_bits(insn, 23, 21), ra = a64_bits(insn, 14, 10);
    unsigned rm = a64_bits(insn, 20, 16), rn = a64_bits(insn, 9, 5), rd = a64_bits(insn, 4, 0);
    if (a64_bits(insn, 30, 29) != 0 || (op31 != 0 && !sf))
        return false;
    struct ir_block *b = dc->b;
    ir_temp prod;
    switch (op31) {
    case 0: {
        enum ir_type t = a64_type(sf);
        prod = ir_mul(b, t, a64_get_x(dc, rn, sf), a64_get_x(dc, rm, sf));
        ir_temp acc = a64_get_x(dc, ra, sf);
        a64_set_x(dc, rd, sf, ir_binop(b, o0 ? IR_sub : IR_add, t, acc, prod));
        return true;
    }
    case 1: case 5: {
        enum ir_opcode ext = op31 == 1 ? IR_sext32 : IR_zext32;
        ir_temp n = ir_unop(b, ext, IR_I64, a64_get_x(dc, rn, false));
        ir_temp m = ir_unop(b, ext, IR_I64, a64_get_x(dc, rm, false));
        prod = ir_mul(b, IR_I64, n, m);
        ir_temp acc = a64_get_x(dc, ra, true);
        a64_set_x(dc, rd, true, ir_binop(b, o0 ? IR_sub : IR_add, IR_I64, acc, prod));
        return true;
    }
    case 2: case 6:
        if (o0)
            return false;
        prod = ir_binop(b, op31 == 2 ? IR_mulh : IR_mulhu, IR_I64, a64_get_x(dc, rn, true),
                        a64_get_x(dc, rm, true));
        a64_set_x(dc, rd, true, prod);
        return true;
    default:
        return false;
    }
}

static const struct a64_pattern dp_reg[] = {
    { 0x1f000000, 0x0a000000, trans_logic_reg, "Logical (shifted register)" },
    { 0x1f200000, 0x0b000000, trans_addsub_shift, "Add/subtract (shifted register)" },
    { 0x1f200000, 0x0b200000, trans_addsub_ext, "Add/subtract (extended register)" },
    { 0x1fe0fc00, 0x1a000000, trans_adc, "Add/subtract (with carry)" },
    { 0x1fe00000, 0x1a400000, trans_ccmp, "Conditional compare (register, immediate)" },
    { 0x1fe00000, 0x1a800000, trans_csel, "Conditional select" },
    { 0x5fe00000, 0x1ac00000, trans_dp2, "Data-processing (2 source)" },
    { 0x5fe00000, 0x5ac00000, trans_dp1, "Data-processing (1 source)" },
    { 0x1f000000, 0x1b000000, trans_dp3, "Data-processing (3 source)" },
};

bool a64_trans_dp_reg(struct a64_dc *dc, uint32_t insn)
{
    return A64_DECODE(dc, insn, dp_reg);
}
