/*
 * A64 scalar floating point (Arm ARM C4.1.96, "Data Processing -- Scalar
 * Floating-Point and Advanced SIMD", the scalar FP classes): moves and
 * immediates and selects inline; arithmetic, compares, conversions and
 * rounding through helpers-fp.c.  Half-precision arithmetic (FEAT_FP16,
 * ftype 11) is translate-fp16.c's; only FCVT from half is here.
 */
#include "isa/aarch64/translate.h"

#include "isa/aarch64/helpers.h"

#define FP_FLAGS IR_CALL_NO_REGS        /* helpers touch only fpcr/fpsr */

/* the raw bits of scalar register n at precision ft (0 S, 1 D, 3 H), as I64 */
static ir_temp get_fp(struct a64_dc *dc, unsigned n, unsigned ft)
{
    struct ir_block *b = dc->b;
    ir_temp v = ir_get_reg(b, IR_I64, A64_V(n, 0));
    if (ft == 0)
        return ir_unop(b, IR_zext32, IR_I64, v);
    if (ft == 3)
        return ir_unop(b, IR_zext16, IR_I64, v);
    return v;
}

/* write a scalar: the rest of the 128-bit register becomes zero */
static void set_fp(struct a64_dc *dc, unsigned d, ir_temp v)
{
    ir_set_reg(dc->b, IR_I64, A64_V(d, 0), v);
    ir_set_reg(dc->b, IR_I64, A64_V(d, 1), ir_movi(dc->b, IR_I64, 0));
}

static ir_temp c64(struct a64_dc *dc, uint64_t v)
{
    return ir_movi(dc->b, IR_I64, v);
}

static ir_temp call_fp(struct a64_dc *dc, ir_helper_fn fn, ir_temp a0, ir_temp a1, ir_temp a2,
                       ir_temp a3)
{
    return a64_call(dc, fn, FP_FLAGS, a0, a1, a2, a3);
}

static unsigned ftype(uint32_t insn)
{
    return a64_bits(insn, 23, 22);
}

/* S and D only (no FEAT_FP16) */
static bool sd_ok(uint32_t insn)
{
    return ftype(insn) <= 1 && !(insn & 0xa0000000);
}

/* FMADD, FMSUB, FNMADD, FNMSUB */
static bool trans_fp3(struct a64_dc *dc, uint32_t insn)
{
    unsigned ft = ftype(insn), op = (a64_bits(insn, 21, 21) << 1) | a64_bits(insn, 15, 15);
    if (!sd_ok(insn))
        return false;
    ir_temp n = get_fp(dc, a64_bits(insn, 9, 5), ft), m = get_fp(dc, a64_bits(insn, 20, 16), ft);
    ir_temp a = get_fp(dc, a64_bits(insn, 14, 10), ft);
    set_fp(dc, a64_bits(insn, 4, 0), call_fp(dc, a64_helper_fp3, n, m, a, c64(dc, op | ft << 8)));
    return true;
}

/* FMUL, FDIV, FADD, FSUB, FMAX, FMIN, FMAXNM, FMINNM, FNMUL */
static bool trans_fp2(struct a64_dc *dc, uint32_t insn)
{
    static const int ops[16] = {
        A64_FP_MUL, A64_FP_DIV, A64_FP_ADD, A64_FP_SUB, A64_FP_MAX, A64_FP_MIN, A64_FP_MAXNM,
        A64_FP_MINNM, A64_FP_NMUL, -1, -1, -1, -1, -1, -1, -1,
    };
    unsigned ft = ftype(insn);
    int op = ops[a64_bits(insn, 15, 12)];
    if (!sd_ok(insn) || op < 0)
        return false;
    ir_temp n = get_fp(dc, a64_bits(insn, 9, 5), ft), m = get_fp(dc, a64_bits(insn, 20, 16), ft);
    set_fp(dc, a64_bits(insn, 4, 0),
           call_fp(dc, a64_helper_fp2, n, m, c64(dc, (unsigned)op | ft << 8), IR_NO_TEMP));
    return true;
}

/* FMOV, FABS, FNEG, FSQRT, FCVT, FRINT* */
static bool trans_fp1(struct a64_dc *dc, uint32_t insn)
{
    unsigned ft = ftype(insn), opcode = a64_bits(insn, 20, 15);
    unsigned rn = a64_bits(insn, 9, 5), rd = a64_bits(insn, 4, 0);
    struct ir_block *b = dc->b;
    if (insn & 0xa0000000 || ft == 2)
        return false;
    if (opcode >= 4 && opcode <= 7) {   /* FCVT between S, D, H */
        unsigned to = opcode & 3;
        if (to == 2 || to == ft)
            return false;
        ir_temp r = call_fp(dc, a64_helper_fcvt, get_fp(dc, rn, ft), c64(dc, ft | to << 8),
                            IR_NO_TEMP, IR_NO_TEMP);
        set_fp(dc, rd, r);
        return true;
    }
    if (ft == 3)
        return false;
    uint64_t sign = ft ? 1ull << 63 : 1ull << 31;
    ir_temp v = get_fp(dc, rn, ft), r;
    switch (opcode) {
    case 0: r = v; break;
    case 1: r = ir_and(b, IR_I64, v, c64(dc, ~sign)); break;       /* FABS: no NaN processing */
    case 2: r = ir_xor(b, IR_I64, v, c64(dc, sign)); break;        /* FNEG */
    case 3:
        r = call_fp(dc, a64_helper_fp1, v, c64(dc, A64_FP_SQRT | ft << 8), IR_NO_TEMP,
                    IR_NO_TEMP);
        break;
    case 8: case 9: case 10: case 11: case 12: case 14: case 15: {
        /* FRINTN, P, M, Z, A, X, I -> helper modes 0, 1, 2, 3, 4, 6, 5 */
        static const unsigned mode[8] = { 0, 1, 2, 3, 4, 0, 6, 5 };
        r = call_fp(dc, a64_helper_fp1, v,
                    c64(dc, (A64_FP_RINT_BASE + mode[opcode - 8]) | ft << 8), IR_NO_TEMP,
                    IR_NO_TEMP);
        break;
    }
    default:
        return false;
    }
    set_fp(dc, rd, r);
    return true;
}

/* FCMP, FCMPE (register and with zero) */
static bool trans_fcmp(struct a64_dc *dc, uint32_t insn)
{
    unsigned ft = ftype(insn), op2 = a64_bits(insn, 4, 0);
    if (!sd_ok(insn) || (op2 & 7) || a64_bits(insn, 15, 14))
        return false;
    ir_temp n = get_fp(dc, a64_bits(insn, 9, 5), ft);
    ir_temp m = (op2 & 8) ? c64(dc, 0) : get_fp(dc, a64_bits(insn, 20, 16), ft);
    ir_temp nzcv = call_fp(dc, a64_helper_fcmp, n, m, c64(dc, (op2 >> 4) | ft << 8), IR_NO_TEMP);
    a64_set_nzcv_word(dc, nzcv);
    return true;
}

/* FCCMP, FCCMPE */
static bool trans_fccmp(struct a64_dc *dc, uint32_t insn)
{
    unsigned ft = ftype(insn), cc = a64_bits(insn, 15, 12), nzcv = a64_bits(insn, 3, 0);
    bool e = (insn >> 4) & 1;
    if (!sd_ok(insn))
        return false;
    struct ir_block *b = dc->b;
    ir_temp holds = a64_cond_value(dc, cc);
    ir_temp n = get_fp(dc, a64_bits(insn, 9, 5), ft), m = get_fp(dc, a64_bits(insn, 20, 16), ft);
    /* the compare runs only when the condition holds: its exceptions must not
     * accrue otherwise, so the helper gets a "skip" flag rather than a select */
    ir_temp arg = ir_or(b, IR_I64, c64(dc, (unsigned)e | ft << 8),
                        ir_shl(b, IR_I64, holds, c64(dc, 16)));
    ir_temp res = call_fp(dc, a64_helper_fccmp, n, m, arg, c64(dc, (uint64_t)nzcv << 28));
    a64_set_nzcv_word(dc, res);
    return true;
}

/* FCSEL */
static bool trans_fcsel(struct a64_dc *dc, uint32_t insn)
{
    unsigned ft = ftype(insn);
    if (!sd_ok(insn))
        return false;
    ir_temp holds = a64_cond_value(dc, a64_bits(insn, 15, 12));
    ir_temp n = get_fp(dc, a64_bits(insn, 9, 5), ft), m = get_fp(dc, a64_bits(insn, 20, 16), ft);
    set_fp(dc, a64_bits(insn, 4, 0), ir_select(dc->b, IR_I64, holds, n, m));
    return true;
}

/* VFPExpandImm */
static uint64_t fp_expand_imm(unsigned imm8, unsigned ft)
{
    uint64_t sign = imm8 >> 7, b6 = (imm8 >> 6) & 1, low = imm8 & 0x3f;
    if (ft == 0) {
        uint64_t exp = (!b6) << 7 | (b6 ? 0x3e : 0) << 1;
        return sign << 31 | (exp | (low >> 4)) << 23 | (low & 15) << 19;
    }
    uint64_t exp = (!b6) << 10 | (b6 ? 0xff : 0) << 2;
    return sign << 63 | (exp | (low >> 4)) << 52 | (low & 15) << 48;
}

/* FMOV (scalar, immediate) */
static bool trans_fmov_imm(struct a64_dc *dc, uint32_t insn)
{
    unsigned ft = ftype(insn);
    if (!sd_ok(insn) || a64_bits(insn, 9, 5))
        return false;
    set_fp(dc, a64_bits(insn, 4, 0), c64(dc, fp_expand_imm(a64_bits(insn, 20, 13), ft)));
    return true;
}

/* SCVTF, UCVTF, FCVTZS, FCVTZU (fixed-point) */
static bool trans_fp_fixed(struct a64_dc *dc, uint32_t insn)
{
    bool sf = insn >> 31;
    unsigned ft = ftype(insn), rmode = a64_bits(insn, 20, 19), opcode = a64_bits(insn, 18, 16);
    unsigned scale = a64_bits(insn, 15, 10), rn = a64_bits(insn, 9, 5), rd = a64_bits(insn, 4, 0);
    if (ft > 1 || (insn & (1u << 29)) || (!sf && scale < 32))
        return false;
    uint64_t fbits = 64 - scale;
    uint64_t kind = ft | (uint64_t)sf << 13 | fbits << 16;
    if (rmode == 0 && (opcode == 2 || opcode == 3)) {
        kind |= (uint64_t)(opcode & 1) << 12;
        ir_temp r = call_fp(dc, a64_helper_int_to_fp, a64_get_x(dc, rn, true), c64(dc, kind),
                            IR_NO_TEMP, IR_NO_TEMP);
        set_fp(dc, rd, r);
        return true;
    }
    if (rmode == 3 && opcode <= 1) {
        kind |= 3u << 8 | (uint64_t)opcode << 12;
        ir_temp r = call_fp(dc, a64_helper_fp_to_int, get_fp(dc, rn, ft), c64(dc, kind),
                            IR_NO_TEMP, IR_NO_TEMP);
        a64_set_x(dc, rd, true, r);
        return true;
    }
    return false;
}

/* conversions between FP and integer registers, FMOV (general) */
static bool trans_fp_int(struct a64_dc *dc, uint32_t insn)
{
    bool sf = insn >> 31;
    unsigned ft = ftype(insn), rmode = a64_bits(insn, 20, 19), opcode = a64_bits(insn, 18, 16);
    unsigned rn = a64_bits(insn, 9, 5), rd = a64_bits(insn, 4, 0);
    struct ir_block *b = dc->b;
    if (insn & (1u << 29))
        return false;
    if (opcode >= 6) {          /* FMOV between general and FP registers */
        bool to_gpr = opcode == 6;
        if (rmode == 1 && sf && ft == 2) {      /* Xd <-> Vn.D[1] */
            if (to_gpr) {
                a64_set_x(dc, rd, true, ir_get_reg(b, IR_I64, A64_V(rn, 1)));
            } else {
                ir_set_reg(b, IR_I64, A64_V(rd, 1), a64_get_x(dc, rn, true));
            }
            return true;
        }
        if (rmode != 0 || (ft == 0 && sf) || (ft == 1 && !sf) || ft == 2 || ft == 3)
            return false;
        if (to_gpr)
            a64_set_x(dc, rd, true, get_fp(dc, rn, ft));
        else
            set_fp(dc, rd, ft == 0 ? ir_unop(b, IR_zext32, IR_I64, a64_get_x(dc, rn, true))
                                   : a64_get_x(dc, rn, true));
        return true;
    }
    if (ft > 1)
        return false;
    if (opcode == 2 || opcode == 3) {           /* SCVTF, UCVTF */
        if (rmode != 0)
            return false;
        uint64_t kind = ft | (uint64_t)(opcode & 1) << 12 | (uint64_t)sf << 13;
        set_fp(dc, rd, call_fp(dc, a64_helper_int_to_fp, a64_get_x(dc, rn, true), c64(dc, kind),
                               IR_NO_TEMP, IR_NO_TEMP));
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
    uint64_t kind = ft | (uint64_t)mode << 8 | (uint64_t)(opcode & 1) << 12 | (uint64_t)sf << 13;
    a64_set_x(dc, rd, true, call_fp(dc, a64_helper_fp_to_int, get_fp(dc, rn, ft), c64(dc, kind),
                                    IR_NO_TEMP, IR_NO_TEMP));
    return true;
}

static const struct a64_pattern fp_tab[] = {
    { 0x5f000000, 0x1f000000, trans_fp3, "Floating-point data-processing (3 source)" },
    { 0x5f200000, 0x1e000000, trans_fp_fixed, "Conversion between FP and fixed-point" },
    { 0x5f20fc00, 0x1e200000, trans_fp_int, "Conversion between FP and integer" },
    { 0x5f207c00, 0x1e204000, trans_fp1, "Floating-point data-processing (1 source)" },
    { 0x5f203c00, 0x1e202000, trans_fcmp, "Floating-point compare" },
    { 0x5f201c00, 0x1e201000, trans_fmov_imm, "Floating-point immediate" },
    { 0x5f200c00, 0x1e200400, trans_fccmp, "Floating-point conditional compare" },
    { 0x5f200c00, 0x1e200800, trans_fp2, "Floating-point data-processing (2 source)" },
    { 0x5f200c00, 0x1e200c00, trans_fcsel, "Floating-point conditional select" },
};

bool a64_trans_fp(struct a64_dc *dc, uint32_t insn)
{
    if (ftype(insn) == 3 && a64_trans_fp16(dc, insn))
        return true;            /* FEAT_FP16: translate-fp16.c */
    return A64_DECODE(dc, insn, fp_tab);
}
