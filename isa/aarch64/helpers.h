/*
 * Helper functions the aarch64 translator calls from IR (ir_call).  Every
 * one has the ir_helper_fn signature: the CPU state and four raw 64-bit
 * arguments.  Those called with IR_CALL_NO_REGS touch only state fields the
 * IR never accesses directly (monitor, fpcr, fpsr).
 */
#ifndef ISA_AARCH64_HELPERS_H
#define ISA_AARCH64_HELPERS_H

#include <stdbool.h>
#include <stdint.h>

#define A64_HELPER(name) \
    uint64_t name(void *state, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)

/* helpers-int.c */
A64_HELPER(a64_helper_rbit64);          /* a0 bit-reversed */
A64_HELPER(a64_helper_crc32);           /* acc a0, data a1, a2 = size | 4 for CRC32C */

/* helpers-mem.c: exclusives and atomics (size = log2 bytes) */
A64_HELPER(a64_helper_ldxr);            /* addr, size -> value */
A64_HELPER(a64_helper_stxr);            /* addr, value, size -> 0 stored / 1 failed */
A64_HELPER(a64_helper_ldxp);            /* addr, rt | rt2 << 8 | size << 16 */
A64_HELPER(a64_helper_stxp);            /* addr, v1, v2, size -> status */
A64_HELPER(a64_helper_clrex);
A64_HELPER(a64_helper_casp);            /* addr, rs | rt << 8 | sz << 16 (0: W pair, 1: X pair) */
/* addr, bytes (a power of two): SIGBUS/BUS_ADRALN unless aligned (those
 * above check their own address); may leave the block (IR_CALL_MAY_EXIT) */
A64_HELPER(a64_helper_check_align);

/* helpers-sys.c */
A64_HELPER(a64_helper_get_fpcr);
A64_HELPER(a64_helper_set_fpcr);
A64_HELPER(a64_helper_get_fpsr);
A64_HELPER(a64_helper_set_fpsr);
A64_HELPER(a64_helper_counter);         /* CNTVCT_EL0 */
A64_HELPER(a64_helper_ic_ivau);         /* a0 = address: note its line for the FLUSH_ICACHE trap */
/* value of a constant system register (MRS key = insn<20:5>), false if unknown */
bool a64_sysreg_const(unsigned key, uint64_t *value);
#define A64_CNTFRQ 1000000000ull        /* counter ticks in nanoseconds */

/* helpers-fp.c: scalar floating point.  Values are raw bit patterns; the
 * precision is an argument: 0 single, 1 double, 3 half (the Arm ftype). */
A64_HELPER(a64_helper_fp2);             /* a, b, op | ftype << 8 (enum a64_fp2_op) */
A64_HELPER(a64_helper_fp1);             /* a, op | ftype << 8 (enum a64_fp1_op) */
A64_HELPER(a64_helper_fp3);             /* a, b, c, op | ftype << 8: fused multiply-add family */
A64_HELPER(a64_helper_fcmp);            /* a, b, signal_qnan | ftype << 8 -> NZCV word */
A64_HELPER(a64_helper_fccmp);           /* a, b, signal_qnan | ftype << 8 | holds << 16, nzcv -> NZCV word */
A64_HELPER(a64_helper_fcvt);            /* a, from_ftype | to_ftype << 8 */
A64_HELPER(a64_helper_fp_to_int);       /* a, ftype | rmode << 8 | unsigned << 12 | 64bit << 13 | fbits << 16 */
A64_HELPER(a64_helper_int_to_fp);       /* a, ftype | unsigned << 12 | 64bit << 13 | fbits << 16 */
/*
 * The guest's FPSR is cpu->fpsr ORed with the flags the host thread's MXCSR
 * accumulated since the last call (round-to-nearest operations leave them
 * there, see helpers-fp.c).  This folds them into cpu->fpsr and clears them
 * in MXCSR.  Call it on the guest thread before anything reads or replaces
 * cpu->fpsr from outside the FP helpers: MRS/MSR FPSR, signal frames (sync,
 * then save; on sigreturn sync, then load).  A cloned thread inherits the
 * parent's MXCSR and a copy of its state, so the pending flags stay exact.
 * The runner's own C code must do no FP arithmetic while a guest runs.
 */
struct a64_cpu;
void a64_fp_sync_flags(struct a64_cpu *c);
/* The same MXCSR flags make a dry run of an FP helper (the translator's
 * decode check on a scratch state) visible to the guest: bracket it. */
uint32_t a64_fp_host_save(void);
void a64_fp_host_restore(uint32_t saved);

/* helpers-simd-int.c: run an AdvSIMD execute function (simd.h): a0 = insn,
 * a1 = the a64_simd_fn.  Reads and writes V registers (and the simd_buf),
 * so it is never called with IR_CALL_NO_REGS. */
A64_HELPER(a64_helper_simd);

enum a64_fp2_op {
    A64_FP_ADD, A64_FP_SUB, A64_FP_MUL, A64_FP_DIV, A64_FP_MAX, A64_FP_MIN, A64_FP_MAXNM,
    A64_FP_MINNM, A64_FP_NMUL,
};
enum a64_fp1_op {
    A64_FP_SQRT,
    /* round to integral: rmode as the Arm FPRounding (0 RN, 1 RP, 2 RM, 3 RZ, 4 RA),
     * 5 = current FPCR mode (FRINTI), 6 = current mode, inexact signalled (FRINTX) */
    A64_FP_RINT_BASE = 8,
};
enum a64_fp3_op { A64_FP_MADD, A64_FP_MSUB, A64_FP_NMADD, A64_FP_NMSUB };

/* FPCR bits that rule out the host fast paths (helpers-fp.c): a rounding
 * mode other than RN, FZ */
#define A64_FP_FAST_FPCR_MASK (A64_FPCR_FZ | 3u << A64_FPCR_RMODE_SHIFT)

#endif
