/*
 * riscv64 F and D extensions: LOAD-FP, STORE-FP, OP-FP and the fused
 * multiply-adds, translated to IR.  Arithmetic goes to the helpers in
 * helpers-fp.c; loads, stores, moves and sign injection are plain bit
 * operations emitted inline.  Encodings are listed as in the unprivileged
 * ISA's opcode map (chapter "RV32/64G Instruction Set Listings").
 */
#include <stddef.h>

#include "isa/riscv64/helpers-fp.h"
#include "isa/riscv64/translate.h"

#define BOX_S 0xffffffff00000000ull
#define CANON_S_BOXED 0xffffffff7fc00000ull
#define SIGN_S 0x80000000ull
#define SIGN_D 0x8000000000000000ull

static inline unsigned f_rd(uint32_t i) { return (i >> 7) & 31; }
static inline unsigned f_rm(uint32_t i) { return (i >> 12) & 7; }
static inline unsigned f_rs1(uint32_t i) { return (i >> 15) & 31; }
static inline unsigned f_rs2(uint32_t i) { return (i >> 20) & 31; }
static inline unsigned f_rs3(uint32_t i) { return i >> 27; }
static inline int64_t f_imm_i(uint32_t i) { return (int64_t)(int32_t)i >> 20; }
static inline int64_t f_imm_s(uint32_t i)
{
    return ((int64_t)(int32_t)i >> 25 << 5) | ((i >> 7) & 31);
}

/* operand shapes: which register files the operands and the result use */
enum fp_kind {
    K_LOAD_W, K_LOAD_D, K_STORE_W, K_STORE_D,
    K_FFF_RM,           /* fd = op(fs1, fs2), rounding */
    K_FF_RM,            /* fd = op(fs1), rounding */
    K_FFFF_RM,          /* fd = op(fs1, fs2, fs3), rounding */
    K_FFF,              /* fd = op(fs1, fs2) */
    K_XFF,              /* xd = op(fs1, fs2) */
    K_XF,               /* xd = op(fs1) */
    K_XF_RM,            /* xd = op(fs1), rounding */
    K_FX_RM,            /* fd = op(xs1), rounding */
    K_SGNJ_S, K_SGNJN_S, K_SGNJX_S, K_SGNJ_D, K_SGNJN_D, K_SGNJX_D,
    K_MV_X_W, K_MV_X_D, K_MV_W_X, K_MV_D_X,
};

struct fp_pattern {
    uint32_t mask, match;
    const char *name;
    enum fp_kind kind;
    ir_helper_fn fn;            /* takes the rmarg when the kind has _RM */
    ir_helper_fn fn_rne;        /* no rmarg: for static rm RNE (or any static rm if exact) */
    bool exact;                 /* the result never depends on the rounding mode */
};

/* masks: opcode+width, funct7 (rm free), funct7+rs2 (rm free), funct7+funct3,
 * funct7+rs2+funct3, fmt of the R4 format */
#define M_LS 0x0000707fu
#define M_R_RM 0xfe00007fu
#define M_R2_RM 0xfff0007fu
#define M_R_F3 0xfe00707fu
#define M_R2_F3 0xfff0707fu
#define M_R4 0x0600007fu

/* helper columns: rmarg only; plus an RNE specialisation; exact, any static rm */
#define ANY(fn) fn, NULL, false
#define RNE(fn) fn, fn##_rne, false
#define EXACT(fn, fn_static) fn, fn_static, true

static const struct fp_pattern fp_patterns[] = {
    { M_LS, 0x00002007, "flw", K_LOAD_W, ANY(NULL) },
    { M_LS, 0x00003007, "fld", K_LOAD_D, ANY(NULL) },
    { M_LS, 0x00002027, "fsw", K_STORE_W, ANY(NULL) },
    { M_LS, 0x00003027, "fsd", K_STORE_D, ANY(NULL) },

    { M_R4, 0x00000043, "fmadd.s", K_FFFF_RM, RNE(rv_fmadd_s) },
    { M_R4, 0x00000047, "fmsub.s", K_FFFF_RM, RNE(rv_fmsub_s) },
    { M_R4, 0x0000004b, "fnmsub.s", K_FFFF_RM, RNE(rv_fnmsub_s) },
    { M_R4, 0x0000004f, "fnmadd.s", K_FFFF_RM, RNE(rv_fnmadd_s) },
    { M_R4, 0x02000043, "fmadd.d", K_FFFF_RM, RNE(rv_fmadd_d) },
    { M_R4, 0x02000047, "fmsub.d", K_FFFF_RM, RNE(rv_fmsub_d) },
    { M_R4, 0x0200004b, "fnmsub.d", K_FFFF_RM, RNE(rv_fnmsub_d) },
    { M_R4, 0x0200004f, "fnmadd.d", K_FFFF_RM, RNE(rv_fnmadd_d) },

    { M_R_RM, 0x00000053, "fadd.s", K_FFF_RM, RNE(rv_fadd_s) },
    { M_R_RM, 0x08000053, "fsub.s", K_FFF_RM, RNE(rv_fsub_s) },
    { M_R_RM, 0x10000053, "fmul.s", K_FFF_RM, RNE(rv_fmul_s) },
    { M_R_RM, 0x18000053, "fdiv.s", K_FFF_RM, RNE(rv_fdiv_s) },
    { M_R2_RM, 0x58000053, "fsqrt.s", K_FF_RM, RNE(rv_fsqrt_s) },
    { M_R_F3, 0x20000053, "fsgnj.s", K_SGNJ_S, ANY(NULL) },
    { M_R_F3, 0x20001053, "fsgnjn.s", K_SGNJN_S, ANY(NULL) },
    { M_R_F3, 0x20002053, "fsgnjx.s", K_SGNJX_S, ANY(NULL) },
    { M_R_F3, 0x28000053, "fmin.s", K_FFF, ANY(rv_fmin_s) },
    { M_R_F3, 0x28001053, "fmax.s", K_FFF, ANY(rv_fmax_s) },
    { M_R2_RM, 0xc0000053, "fcvt.w.s", K_XF_RM, ANY(rv_fcvt_w_s) },
    { M_R2_RM, 0xc0100053, "fcvt.wu.s", K_XF_RM, ANY(rv_fcvt_wu_s) },
    { M_R2_RM, 0xc0200053, "fcvt.l.s", K_XF_RM, ANY(rv_fcvt_l_s) },
    { M_R2_RM, 0xc0300053, "fcvt.lu.s", K_XF_RM, ANY(rv_fcvt_lu_s) },
    { M_R2_F3, 0xe0000053, "fmv.x.w", K_MV_X_W, ANY(NULL) },
    { M_R_F3, 0xa0002053, "feq.s", K_XFF, ANY(rv_feq_s) },
    { M_R_F3, 0xa0001053, "flt.s", K_XFF, ANY(rv_flt_s) },
    { M_R_F3, 0xa0000053, "fle.s", K_XFF, ANY(rv_fle_s) },
    { M_R2_F3, 0xe0001053, "fclass.s", K_XF, ANY(rv_fclass_s) },
    { M_R2_RM, 0xd0000053, "fcvt.s.w", K_FX_RM, RNE(rv_fcvt_s_w) },
    { M_R2_RM, 0xd0100053, "fcvt.s.wu", K_FX_RM, RNE(rv_fcvt_s_wu) },
    { M_R2_RM, 0xd0200053, "fcvt.s.l", K_FX_RM, RNE(rv_fcvt_s_l) },
    { M_R2_RM, 0xd0300053, "fcvt.s.lu", K_FX_RM, RNE(rv_fcvt_s_lu) },
    { M_R2_F3, 0xf0000053, "fmv.w.x", K_MV_W_X, ANY(NULL) },

    { M_R_RM, 0x02000053, "fadd.d", K_FFF_RM, RNE(rv_fadd_d) },
    { M_R_RM, 0x0a000053, "fsub.d", K_FFF_RM, RNE(rv_fsub_d) },
    { M_R_RM, 0x12000053, "fmul.d", K_FFF_RM, RNE(rv_fmul_d) },
    { M_R_RM, 0x1a000053, "fdiv.d", K_FFF_RM, RNE(rv_fdiv_d) },
    { M_R2_RM, 0x5a000053, "fsqrt.d", K_FF_RM, RNE(rv_fsqrt_d) },
    { M_R_F3, 0x22000053, "fsgnj.d", K_SGNJ_D, ANY(NULL) },
    { M_R_F3, 0x22001053, "fsgnjn.d", K_SGNJN_D, ANY(NULL) },
    { M_R_F3, 0x22002053, "fsgnjx.d", K_SGNJX_D, ANY(NULL) },
    { M_R_F3, 0x2a000053, "fmin.d", K_FFF, ANY(rv_fmin_d) },
    { M_R_F3, 0x2a001053, "fmax.d", K_FFF, ANY(rv_fmax_d) },
    { M_R2_RM, 0x40100053, "fcvt.s.d", K_FF_RM, RNE(rv_fcvt_s_d) },
    { M_R2_RM, 0x42000053, "fcvt.d.s", K_FF_RM, EXACT(rv_fcvt_d_s, rv_fcvt_d_s_exact) },
    { M_R_F3, 0xa2002053, "feq.d", K_XFF, ANY(rv_feq_d) },
    { M_R_F3, 0xa2001053, "flt.d", K_XFF, ANY(rv_flt_d) },
    { M_R_F3, 0xa2000053, "fle.d", K_XFF, ANY(rv_fle_d) },
    { M_R2_F3, 0xe2001053, "fclass.d", K_XF, ANY(rv_fclass_d) },
    { M_R2_RM, 0xc2000053, "fcvt.w.d", K_XF_RM, ANY(rv_fcvt_w_d) },
    { M_R2_RM, 0xc2100053, "fcvt.wu.d", K_XF_RM, ANY(rv_fcvt_wu_d) },
    { M_R2_RM, 0xc2200053, "fcvt.l.d", K_XF_RM, ANY(rv_fcvt_l_d) },
    { M_R2_RM, 0xc2300053, "fcvt.lu.d", K_XF_RM, ANY(rv_fcvt_lu_d) },
    { M_R2_F3, 0xe2000053, "fmv.x.d", K_MV_X_D, ANY(NULL) },
    { M_R2_RM, 0xd2000053, "fcvt.d.w", K_FX_RM, EXACT(rv_fcvt_d_w, rv_fcvt_d_w_rne) },
    { M_R2_RM, 0xd2100053, "fcvt.d.wu", K_FX_RM, EXACT(rv_fcvt_d_wu, rv_fcvt_d_wu_rne) },
    { M_R2_RM, 0xd2200053, "fcvt.d.l", K_FX_RM, RNE(rv_fcvt_d_l) },
    { M_R2_RM, 0xd2300053, "fcvt.d.lu", K_FX_RM, RNE(rv_fcvt_d_lu) },
    { M_R2_F3, 0xf2000053, "fmv.d.x", K_MV_D_X, ANY(NULL) },
};

static const struct fp_pattern *fp_decode(uint32_t insn)
{
    for (size_t n = 0; n < sizeof(fp_patterns) / sizeof(fp_patterns[0]); n++) {
        if ((insn & fp_patterns[n].mask) == fp_patterns[n].match)
            return &fp_patterns[n];
    }
    return NULL;
}

/* a single operand that is not NaN-boxed reads as the canonical NaN */
static ir_temp gen_unbox_s(struct ir_block *b, ir_temp v)
{
    ir_temp boxed = ir_setcond(b, IR_I64, IR_GEU, v, ir_movi(b, IR_I64, BOX_S));
    return ir_select(b, IR_I64, boxed, v, ir_movi(b, IR_I64, CANON_S_BOXED));
}

/*
 * fsgnj{,n,x}: the result takes fs1 with its sign bit replaced by fs2's, its
 * complement, or the xor of both.  No canonicalisation; for singles the
 * unboxed inputs read as the canonical NaN and the result stays boxed.
 */
static ir_temp gen_sgnj(struct rv_dc *dc, uint32_t insn, enum fp_kind k)
{
    struct ir_block *b = dc->b;
    bool single = k <= K_SGNJX_S;
    unsigned op = single ? k - K_SGNJ_S : k - K_SGNJ_D;        /* 0 j, 1 jn, 2 jx */
    ir_temp sign = ir_movi(b, IR_I64, single ? SIGN_S : SIGN_D);
    ir_temp x = rv_get_f(dc, f_rs1(insn));
    if (single)
        x = gen_unbox_s(b, x);
    if (f_rs1(insn) == f_rs2(insn)) {
        /* the fmv, fneg and fabs idioms */
        if (op == 0)
            return x;
        if (op == 1)
            return ir_xor(b, IR_I64, x, sign);
        return ir_binop(b, IR_andn, IR_I64, x, sign);
    }
    ir_temp y = rv_get_f(dc, f_rs2(insn));
    if (single)
        y = gen_unbox_s(b, y);
    ir_temp ysign;
    if (op == 2)
        return ir_xor(b, IR_I64, x, ir_and(b, IR_I64, y, sign));
    if (op == 0)
        ysign = ir_and(b, IR_I64, y, sign);
    else
        ysign = ir_binop(b, IR_andn, IR_I64, sign, y);
    return ir_or(b, IR_I64, ir_binop(b, IR_andn, IR_I64, x, sign), ysign);
}

static ir_temp gen_call(struct rv_dc *dc, ir_helper_fn fn, ir_temp a0, ir_temp a1, ir_temp a2,
                        ir_temp a3)
{
    return ir_call(dc->b, fn, IR_CALL_NO_REGS, true, IR_I64, a0, a1, a2, a3);
}

bool rv_translate_fp(struct rv_dc *dc, uint32_t insn)
{
    const struct fp_pattern *p = fp_decode(insn);
    if (!p)
        return false;
    struct ir_block *b = dc->b;
    unsigned rd = f_rd(insn), rs1 = f_rs1(insn), rs2 = f_rs2(insn), rm = f_rm(insn);
    ir_temp rmarg = IR_NO_TEMP, v;
    ir_helper_fn fn = p->fn;

    switch (p->kind) {
    case K_FFF_RM: case K_FF_RM: case K_FFFF_RM: case K_XF_RM: case K_FX_RM:
        /* rm 5 and 6 are reserved; 7 (dynamic) is checked against frm at run time */
        if (rm == 5 || rm == 6)
            return false;
        /* a static mode the helper can be specialised for needs no argument */
        if (p->fn_rne && (rm == RV_RM_RNE || (p->exact && rm != RV_RM_DYN)))
            fn = p->fn_rne;
        else
            rmarg = ir_movi(b, IR_I64, RV_FP_RMARG(rm, dc->pc));
        break;
    default:
        break;
    }

    switch (p->kind) {
    case K_LOAD_W:
        v = ir_ld(b, IR_I64, IR_MEM_32, rv_get_x(dc, rs1), f_imm_i(insn));
        rv_set_f(dc, rd, ir_or(b, IR_I64, v, ir_movi(b, IR_I64, BOX_S)));
        break;
    case K_LOAD_D:
        rv_set_f(dc, rd, ir_ld(b, IR_I64, IR_MEM_64, rv_get_x(dc, rs1), f_imm_i(insn)));
        break;
    case K_STORE_W:
        ir_st(b, IR_MEM_32, rv_get_x(dc, rs1), f_imm_s(insn), rv_get_f(dc, rs2));
        break;
    case K_STORE_D:
        ir_st(b, IR_MEM_64, rv_get_x(dc, rs1), f_imm_s(insn), rv_get_f(dc, rs2));
        break;
    case K_FFF_RM:
        rv_set_f(dc, rd, gen_call(dc, fn, rv_get_f(dc, rs1), rv_get_f(dc, rs2), rmarg,
                                  IR_NO_TEMP));
        break;
    case K_FF_RM:
        rv_set_f(dc, rd, gen_call(dc, fn, rv_get_f(dc, rs1), rmarg, IR_NO_TEMP, IR_NO_TEMP));
        break;
    case K_FFFF_RM:
        rv_set_f(dc, rd, gen_call(dc, fn, rv_get_f(dc, rs1), rv_get_f(dc, rs2),
                                  rv_get_f(dc, f_rs3(insn)), rmarg));
        break;
    case K_FFF:
        rv_set_f(dc, rd, gen_call(dc, fn, rv_get_f(dc, rs1), rv_get_f(dc, rs2), IR_NO_TEMP,
                                  IR_NO_TEMP));
        break;
    case K_XFF:
        rv_set_x(dc, rd, gen_call(dc, fn, rv_get_f(dc, rs1), rv_get_f(dc, rs2), IR_NO_TEMP,
                                  IR_NO_TEMP));
        break;
    case K_XF:
        rv_set_x(dc, rd, gen_call(dc, fn, rv_get_f(dc, rs1), IR_NO_TEMP, IR_NO_TEMP,
                                  IR_NO_TEMP));
        break;
    case K_XF_RM:
        rv_set_x(dc, rd, gen_call(dc, fn, rv_get_f(dc, rs1), rmarg, IR_NO_TEMP, IR_NO_TEMP));
        break;
    case K_FX_RM:
        rv_set_f(dc, rd, gen_call(dc, fn, rv_get_x(dc, rs1), rmarg, IR_NO_TEMP, IR_NO_TEMP));
        break;
    case K_SGNJ_S: case K_SGNJN_S: case K_SGNJX_S:
    case K_SGNJ_D: case K_SGNJN_D: case K_SGNJX_D:
        rv_set_f(dc, rd, gen_sgnj(dc, insn, p->kind));
        break;
    case K_MV_X_W:
        /* the low 32 bits, sign-extended; the boxing is not checked */
        rv_set_x(dc, rd, ir_unop(b, IR_sext32, IR_I64, rv_get_f(dc, rs1)));
        break;
    case K_MV_X_D:
        rv_set_x(dc, rd, rv_get_f(dc, rs1));
        break;
    case K_MV_W_X:
        rv_set_f(dc, rd, ir_or(b, IR_I64, rv_get_x(dc, rs1), ir_movi(b, IR_I64, BOX_S)));
        break;
    case K_MV_D_X:
        rv_set_f(dc, rd, rv_get_x(dc, rs1));
        break;
    }
    return true;
}
