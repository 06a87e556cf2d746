/*
 * riscv64 F and D extension helpers, called from translated code (see
 * translate-fp.c).  Every helper has the ir_helper_fn signature: the state is
 * the struct rv_cpu, operands are raw 64-bit register patterns (singles
 * NaN-boxed), results are raw patterns ready for the destination register
 * (singles boxed; integer results already sign-extended).  Helpers touch only
 * fflags and frm in the state.
 */
#ifndef ISA_RISCV64_HELPERS_FP_H
#define ISA_RISCV64_HELPERS_FP_H

#include <stdint.h>

/*
 * The rounding-mode argument: the instruction's rm field in bits 2..0 and its
 * guest pc above, so that a dynamic rounding mode found invalid at run time
 * can be reported against the right instruction.
 */
#define RV_FP_RMARG(rm, pc) ((uint64_t)(rm) | ((uint64_t)(pc) << 3))

#define RV_FP_HELPER(name) \
    uint64_t name(void *env, uint64_t a, uint64_t b, uint64_t c, uint64_t d)

/* (rs1, rs2, rmarg) */
RV_FP_HELPER(rv_fadd_s);
RV_FP_HELPER(rv_fsub_s);
RV_FP_HELPER(rv_fmul_s);
RV_FP_HELPER(rv_fdiv_s);
RV_FP_HELPER(rv_fadd_d);
RV_FP_HELPER(rv_fsub_d);
RV_FP_HELPER(rv_fmul_d);
RV_FP_HELPER(rv_fdiv_d);
/* (rs1, rmarg) */
RV_FP_HELPER(rv_fsqrt_s);
RV_FP_HELPER(rv_fsqrt_d);
/* (rs1, rs2, rs3, rmarg) */
RV_FP_HELPER(rv_fmadd_s);
RV_FP_HELPER(rv_fmsub_s);
RV_FP_HELPER(rv_fnmsub_s);
RV_FP_HELPER(rv_fnmadd_s);
RV_FP_HELPER(rv_fmadd_d);
RV_FP_HELPER(rv_fmsub_d);
RV_FP_HELPER(rv_fnmsub_d);
RV_FP_HELPER(rv_fnmadd_d);
/* (rs1, rs2): no rounding */
RV_FP_HELPER(rv_fmin_s);
RV_FP_HELPER(rv_fmax_s);
RV_FP_HELPER(rv_fmin_d);
RV_FP_HELPER(rv_fmax_d);
RV_FP_HELPER(rv_feq_s);         /* 0 or 1 */
RV_FP_HELPER(rv_flt_s);
RV_FP_HELPER(rv_fle_s);
RV_FP_HELPER(rv_feq_d);
RV_FP_HELPER(rv_flt_d);
RV_FP_HELPER(rv_fle_d);
/* (rs1) */
RV_FP_HELPER(rv_fclass_s);
RV_FP_HELPER(rv_fclass_d);
/* float -> integer (rs1, rmarg); result is the x register value */
RV_FP_HELPER(rv_fcvt_w_s);
RV_FP_HELPER(rv_fcvt_wu_s);
RV_FP_HELPER(rv_fcvt_l_s);
RV_FP_HELPER(rv_fcvt_lu_s);
RV_FP_HELPER(rv_fcvt_w_d);
RV_FP_HELPER(rv_fcvt_wu_d);
RV_FP_HELPER(rv_fcvt_l_d);
RV_FP_HELPER(rv_fcvt_lu_d);
/* integer -> float (x rs1, rmarg) */
RV_FP_HELPER(rv_fcvt_s_w);
RV_FP_HELPER(rv_fcvt_s_wu);
RV_FP_HELPER(rv_fcvt_s_l);
RV_FP_HELPER(rv_fcvt_s_lu);
RV_FP_HELPER(rv_fcvt_d_w);
RV_FP_HELPER(rv_fcvt_d_wu);
RV_FP_HELPER(rv_fcvt_d_l);
RV_FP_HELPER(rv_fcvt_d_lu);
/* float -> float (rs1, rmarg) */
RV_FP_HELPER(rv_fcvt_s_d);
RV_FP_HELPER(rv_fcvt_d_s);

/*
 * The exact software path (used for RMM and where the host's tininess
 * detection differs), exposed so the unit test can check it against the
 * host FPU.  fmt is 0 for single, 1 for double; operands are unboxed
 * patterns; rm is 0..4; the RISC-V fflags raised are ORed into *flags.
 */
enum rv_fp_soft_op {
    RV_SOFT_ADD, RV_SOFT_MUL, RV_SOFT_DIV, RV_SOFT_FMA, RV_SOFT_CVT_S_D,
};
uint64_t rv_fp_soft(enum rv_fp_soft_op op, int fmt, uint64_t a, uint64_t b, uint64_t c,
                    unsigned rm, uint32_t *flags);

#endif
