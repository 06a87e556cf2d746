/*
 * A64 scalar half-precision floating point (FEAT_FP16): the scalar FP
 * classes with ftype = 11 (Arm ARM C4.1.96) other than FCVT, which
 * translate-fp.c keeps, and FMOV (vector, immediate, half-precision).
 * Moves, selects and immediates are inline IR; arithmetic, compares and
 * conversions call helpers-fp16.c.
 */
#include "isa/aarch64/translate.h"

#include "isa/aarch64/fp16.h"

#define FP_FLAGS IR_CALL_NO_REGS        /* helpers touch only fpcr/fpsr */

/* Hn zero-extended to I64 */
static ir_temp get_h(struct a64_dc *dc, unsigned n)
{
    return ir_unop(dc->b, IR_zext16, IR_I64, ir_get_reg(dc->b, IR_I64, A64_V(n, 0)));
}

/* write Hd from a value whose bits above 15 are zero: the rest of Vd becomes zero */
static void set_h(struct a64_dc *dc, unsigned d, ir_temp v)
{
    ir_set_reg(dc->b, IR_I64, A64_V(d, 0), v);
    ir_set_reg(dc->b, IR_I64, A64_V(d, 1), ir_movi(dc->b, IR_I64, 0));
}

static ir_temp c64(struct a64_dc *dc, uint64_t v)
{
    return ir_movi(dc->b, IR_I64, v);
}

static ir_temp call(struct a64_dc *dc, ir_helper_fn fn, ir_temp a0, ir_temp a1, ir_temp a2,
                    ir_temp a3)
{
    return a64_call(dc, fn, FP_FLAGS, a0, a1, a2, a3);
}

static unsigned rd_of(uint32_t insn) { return a64_bits(insn, 4, 0); }
static unsigned rn_of(uint32_t insn) { return a64_bits(insn, 9, 5); }
static unsigned rm_of(uint32_t insn) { return a64_bits(insn, 20, 16); }

/* FMADD, FMSUB, FNMADD, FNMSUB */
static bool trans_h3(struct a64_dc *dc, uint32_t insn)
{
    unsigned op = a64_bits(insn, 21, 21) << 1 | a64_bits(insn, 15, 15);
    ir_temp r = call(dc, a64_helper_h3, get_h(dc, rn_of(insn)), get_h(dc, rm_of(insn)),
                     get_h(dc, a64_bits(insn, 14, 10)), c64(dc, op));
    set_h(dc, rd_of(insn), r);
    return true;
}

/* FMUL, FDIV, FADD, FSUB, FMAX, FMIN, FMAXNM, FMINNM, FNMUL */
static bool trans_h2(struct a64_dc *dc, uint32_t insn)
{
    static const int ops[16] = {
        A64_FP_MUL, A64_FP_DIV, A64_FP_ADD, A64_FP_SUB, A64_FP_MAX, A64_FP_MIN, A64_FP_MAXNM,
        A64_FP_MINNM, A64_FP_NMUL, -1, -1, -1, -1, -1, -1, -1,
    };
    int op = ops[a64_bits(insn, 15, 12)];
    if (op < 0)
        return false;
    set_h(dc, rd_of(insn), call(dc, a64_helper_h2, get_h(dc, rn_of(insn)),
                                get_h(dc, rm_of(insn)), c64(dc, (unsigned)op), IR_NO_TEMP));
    return true;
}

/* FMOV, FABS, FNEG, FSQRT, FRINT* (FCVT stays in translate-fp.c) */
static bool trans_h1(struct a64_dc *dc, uint32_t insn)
{
    unsigned opcode = a64_bits(insn, 20, 15);
    struct ir_block *b = dc->b;
    ir_temp v = get_h(dc, rn_of(insn)), r;
    switch (opcode) {
    case 0: r = v; break;
    case 1: r = ir_and(b, IR_I64, v, c64(dc, 0x7fff)); break;  /* FABS: no NaN processing */
    case 2: r = ir_xor(b, IR_I64, v, c64(dc, 0x8000)); break;  /* FNEG */
    case 3: r = call(dc, a64_helper_h1, v, c64(dc, A64_FP_SQRT), IR_NO_TEMP, IR_NO_TEMP); break;
    case 8: case 9: case 10: case 11: case 12: case 14: case 15: {
        /* FRINTN, P, M, Z, A, X, I -> helper modes 0, 1, 2, 3, 4, 6, 5 */
        static const unsigned mode[8] = { 0, 1, 2, 3, 4, 0, 6, 5 };
        r = call(dc, a64_helper_h1, v, c64(dc, A64_FP_RINT_BASE + mode[opcode - 8]), IR_NO_TEMP,
                 IR_NO_TEMP);
        break;
    }
    default:
        return false;
    }
    set_h(dc, rd_of(insn), r);
    return true;
}

/* FCMP, FCMPE (register and with zero) */
static bool trans_hcmp(struct a64_dc *dc, uint32_t insn)
{
    unsigned op2 = a64_bits(insn, 4, 0);
    if ((op2 & 7) || a64_bits(insn, 15, 14))
        return false;
    ir_temp n = get_h(dc, rn_of(insn));
    ir_temp m = (op2 & 8) ? c64(dc, 0) : get_h(dc, rm_of(insn));
    a64_set_nzcv_word(dc, call(dc, a64_helper_hcmp, n, m, c64(dc, op2 >> 4), IR_NO_TEMP));
    return true;
}

/* FCCMP, FCCMPE: the compare (and its exceptions) only when the condition holds */
static bool trans_hccmp(struct a64_dc *dc, uint32_t insn)
{
    struct ir_block *b = dc->b;
    ir_temp holds = a64_cond_value(dc, a64_bits(insn, 15, 12));
    ir_temp arg = ir_or(b, IR_I64, c64(dc, (insn >> 4) & 1), ir_shl(b, IR_I64, holds, c64(dc, 16)));
    ir_temp res = call(dc, a64_helper_hccmp, get_h(dc, rn_of(insn)), get_h(dc, rm_of(insn)), arg,
                       c64(dc, (uint64_t)a64_bits(insn, 3, 0) << 28));
    a64_set_nzcv_word(dc, res);
    return true;
}

/* FCSEL */
static bool trans_hcsel(struct a64_dc *dc, uint32_t insn)
{
    ir_temp holds = a64_cond_value(dc, a64_bits(insn, 15, 12));
    ir_temp n = get_h(dc, rn_of(insn)), m = get_h(dc, rm_of(insn));
    set_h(dc, rd_of(insn), ir_select(dc->b, IR_I64, holds, n, m));
    return true;
}

/* VFPExpandImm for N = 16: sign, NOT(b), b b, imm8<5:4> exponent; imm8<3:0> fraction top */
static uint64_t expand_imm16(unsigned imm8)
{
    unsigned b6 = (imm8 >> 6) & 1;
    return (uint64_t)(imm8 >> 7) << 15 | (uint64_t)!b6 << 14 | (b6 ? 3u : 0u) << 12 |
           (uint64_t)((imm8 >> 4) & 3) << 10 | (uint64_t)(imm8 & 15) << 6;
}

/* FMOV (scalar, immediate) */
static bool trans_hmov_imm(struct a64_dc *dc, uint32_t insn)
{
    if (a64_bits(insn, 9, 5))
        return false;
    set_h(dc, rd_of(insn), c64(dc, expand_imm16(a64_bits(insn, 20, 13))));
    return true;
}

/* SCVTF, UCVTF, FCVTZS, FCVTZU (fixed-point) */
static bool trans_h_fixed(struct a64_dc *dc, uint32_t insn)
{
    bool sf = insn >> 31;
    unsigned rmode = a64_bits(insn, 20, 19), opcode = a64_bits(insn, 18, 16);
    unsigned scale = a64_bits(insn, 15, 10);
    if (!sf && scale < 32)
        return false;
    uint64_t kind = (uint64_t)(sf ? A64_H_W64 : A64_H_W32) << 13 | (uint64_t)(64 - scale) << 16;
    if (rmode == 0 && (opcode == 2 || opcode == 3)) {
        kind |= (uint64_t)(opcode & 1) << 12;
        set_h(dc, rd_of(insn), call(dc, a64_helper_int_to_h, a64_get_x(dc, rn_of(insn), true),
                                    c64(dc, kind), IR_NO_TEMP, IR_NO_TEMP));
        return true;
    }
    if (rmode == 3 && opcode <= 1) {
        kind |= 3u << 8 | (uint64_t)opcode << 12;
        a64_set_x(dc, rd_of(insn), true, call(dc, a64_helper_h_to_int, get_h(dc, rn_of(insn)),
                                              c64(dc, kind), IR_NO_TEMP, IR_NO_TEMP));
        return true;
    }
    return false;
}

/* conversions between half and integer registers, FMOV (general) */
static bool trans_h_int(struct a64_dc *dc, uint32_t insn)
{
    bool sf = insn >> 31;
    unsigned rmode = a64_bits(insn, 20, 19), opcode = a64_bits(insn, 18, 16);
    unsigned rn = rn_of(insn), rd = rd_of(insn);
    uint64_t width = (uint64_t)(sf ? A64_H_W64 : A64_H_W32) << 13;
    if (opcode >= 6) {          /* FMOV Wd/Xd, Hn and FMOV Hd, Wn/Xn */
        if (rmode != 0)
            return false;
        if (opcode == 6)
            a64_set_x(dc, rd, true, get_h(dc, rn));
        else
            set_h(dc, rd, ir_unop(dc->b, IR_zext16, IR_I64, a64_get_x(dc, rn, true)));
        return true;
    }
    if (opcode == 2 || opcode == 3) {           /* SCVTF, UCVTF */
        if (rmode != 0)
            return false;
        set_h(dc, rd, call(dc, a64_helper_int_to_h, a64_get_x(dc, rn, true),
                           c64(dc, width | (uint64_t)(opcode & 1) << 12), IR_NO_TEMP,
                           IR_NO_TEMP));
        return true;
    }
    /* FCVT{N,P,M,Z}{S,U} (opcode 0/1 with rmode), FCVTA{S,U} (opcode 4/5, rmode 0) */
    unsigned mode;
    if (opcode <= 1)
        mode = rmode;
    else if (opcode <= 5 && rmode == 0)
        mode = 4;
    else
        return false;
    uint64_t kind = width | (uint64_t)mode << 8 | (uint64_t)(opcode & 1) << 12;
    a64_set_x(dc, rd, true, call(dc, a64_helper_h_to_int, get_h(dc, rn), c64(dc, kind),
                                 IR_NO_TEMP, IR_NO_TEMP));
    return true;
}

/* the scalar FP classes as translate-fp.c lists them, with ftype = 11 and M = S = 0 */
static const struct a64_pattern fp16_tab[] = {
    { 0xffc00000, 0x1fc00000, trans_h3, "Floating-point data-processing (3 source)" },
    { 0x7fe00000, 0x1ec00000, trans_h_fixed, "Conversion between FP and fixed-point" },
    { 0x7fe0fc00, 0x1ee00000, trans_h_int, "Conversion between FP and integer" },
    { 0xffe07c00, 0x1ee04000, trans_h1, "Floating-point data-processing (1 source)" },
    { 0xffe03c00, 0x1ee02000, trans_hcmp, "Floating-point compare" },
    { 0xffe01c00, 0x1ee01000, trans_hmov_imm, "Floating-point immediate" },
    { 0xffe00c00, 0x1ee00400, trans_hccmp, "Floating-point conditional compare" },
    { 0xffe00c00, 0x1ee00800, trans_h2, "Floating-point data-processing (2 source)" },
    { 0xffe00c00, 0x1ee00c00, trans_hcsel, "Floating-point conditional select" },
};

bool a64_trans_fp16(struct a64_dc *dc, uint32_t insn)
{
    unsigned opcode = a64_bits(insn, 20, 15);
    /* FCVT from half (1 source, opcodes 4..7) is translate-fp.c's */
    if ((insn & 0xffe07c00) == 0x1ee04000 && opcode >= 4 && opcode <= 7)
        return false;
    return A64_DECODE(dc, insn, fp16_tab);
}

/* FMOV (vector, immediate, half-precision): op = 0, cmode = 1111, o2 = 1 */
bool a64_trans_fp16_vmov_imm(struct a64_dc *dc, uint32_t insn)
{
    unsigned imm8 = a64_bits(insn, 18, 16) << 5 | a64_bits(insn, 9, 5), rd = rd_of(insn);
    uint64_t imm = expand_imm16(imm8) * 0x0001000100010001ull;
    ir_set_reg(dc->b, IR_I64, A64_V(rd, 0), c64(dc, imm));
    ir_set_reg(dc->b, IR_I64, A64_V(rd, 1), c64(dc, (insn >> 30) & 1 ? imm : 0));
    return true;
}
