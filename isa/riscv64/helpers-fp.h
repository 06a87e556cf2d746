/*
 * riscv64 F and D extension helpers, called from translated code (see
 * translate-fp.c).  Every helper has the ir_helper_fn signature: the state is
 * the struct rv_cpu, operands are raw 64-bit register patterns (singles
 * NaN-boxed), results are raw patterns ready for the destination register
 * (singles boxed; integer results already sign-extended).  Helpers touch only
 * fflags and frm in the state -- and the host thread's MXCSR flags, which
 * hold part of fflags (see rv_fp_sync_flags).
 */
#ifndef ISA_RISCV64_HELPERS_FP_H
#define ISA_RISCV64_HELPERS_FP_H

#include <stdbool.h>
#include <stdint.h>

struct rv_cpu;

/*
 * The guest's fflags are cpu->fflags ORed with the sticky flags that the
 * host thread's MXCSR accumulated since the last call of this function:
 * round-to-nearest operations leave their flags there instead of paying for
 * an MXCSR round trip each.  This folds them into cpu->fflags and clears
 * them in MXCSR.  Call it on the guest thread itself (MXCSR is per thread),
 * and before anything that reads or replaces cpu->fflags from outside the
 * helpers: the fflags/fcsr CSR helper does; a signal frame must (sync, then
 * save fcsr; on sigreturn sync, then load fcsr); and so must the clone of a
 * guest thread, before the state is copied, so that the child -- which
 * inherits the parent's MXCSR from the kernel -- starts with clean host
 * flags.  A host signal handler that siglongjmps out of guest code must
 * first reload the interrupted MXCSR from its ucontext (the kernel enters
 * handlers with a fresh MXCSR), or those flags are lost.  The runner's own
 * C code must do no floating-point arithmetic between guest instructions:
 * it would show up in the guest's fflags.
 */
void rv_fp_sync_flags(struct rv_cpu *cpu);

/*
 * Lazy flags are only exact on a host that detects tininess after rounding
 * (measured once at start-up; x86 does).  enable: 1 turns them on if the
 * host qualifies, 0 off (every operation then takes the eager path with
 * its underflow guard), -1 only asks.  Returns the previous setting.  For
 * tests; set it before guest threads exist.
 */
bool rv_fp_lazy_flags(int enable);

/*
 * The rounding-mode argument: the instruction's rm field in bits 2..0 and its
 * guest pc above, so that a dynamic rounding mode found invalid at run time
 * can be reported against the right instruction.
 */
#define RV_FP_RMARG(rm, pc) ((uint64_t)(rm) | ((uint64_t)(pc) << 3))

#define RV_FP_HELPER(name) \
    uint64_t name(void *env, uint64_t a, uint64_t b, uint64_t c, uint64_t d)

/*
 * Static rm = RNE variants (named _rne) take no rmarg: (rs1, rs2),
 * (rs1), (rs1, rs2, rs3) or (xs1).  fcvt.d.s and fcvt.d.w[u] are exact, so
 * with any static rm fcvt_d_s_exact (rs1) and the _rne conversions serve.
 */
RV_FP_HELPER(rv_fadd_s_rne);
RV_FP_HELPER(rv_fsub_s_rne);
RV_FP_HELPER(rv_fmul_s_rne);
RV_FP_HELPER(rv_fdiv_s_rne);
RV_FP_HELPER(rv_fadd_d_rne);
RV_FP_HELPER(rv_fsub_d_rne);
RV_FP_HELPER(rv_fmul_d_rne);
RV_FP_HELPER(rv_fdiv_d_rne);
RV_FP_HELPER(rv_fsqrt_s_rne);
RV_FP_HELPER(rv_fsqrt_d_rne);
RV_FP_HELPER(rv_fmadd_s_rne);
RV_FP_HELPER(rv_fmsub_s_rne);
RV_FP_HELPER(rv_fnmsub_s_rne);
RV_FP_HELPER(rv_fnmadd_s_rne);
RV_FP_HELPER(rv_fmadd_d_rne);
RV_FP_HELPER(rv_fmsub_d_rne);
RV_FP_HELPER(rv_fnmsub_d_rne);
RV_FP_HELPER(rv_fnmadd_d_rne);
RV_FP_HELPER(rv_fcvt_s_w_rne);
RV_FP_HELPER(rv_fcvt_s_wu_rne);
RV_FP_HELPER(rv_fcvt_s_l_rne);
RV_FP_HELPER(rv_fcvt_s_lu_rne);
RV_FP_HELPER(rv_fcvt_d_w_rne);
RV_FP_HELPER(rv_fcvt_d_wu_rne);
RV_FP_HELPER(rv_fcvt_d_l_rne);
RV_FP_HELPER(rv_fcvt_d_lu_rne);
RV_FP_HELPER(rv_fcvt_s_d_rne);
RV_FP_HELPER(rv_fcvt_d_s_exact);

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
