/*
 * Shared by the aarch64 translator files (translate-*.c): the per-instruction
 * decoder context, the pattern-table type, register and flag accessors, and
 * the entry point of each instruction class.
 */
#ifndef ISA_AARCH64_TRANSLATE_H
#define ISA_AARCH64_TRANSLATE_H

#include <stdbool.h>
#include <stdint.h>

#include "isa/aarch64/cpu.h"
#include "translate/ir.h"

struct a64_dc {
    struct ir_block *b;
    uint64_t pc;                /* this instruction */
    bool end;                   /* the instruction ended the block */
};

/*
 * One line of a decode table: the instruction matches when
 * (insn & mask) == match.  Tables are scanned in order, so a more specific
 * pattern (an alias or an unallocated hole) goes before the general one.
 * A handler returns false for an encoding the class leaves unallocated; the
 * caller then raises SIGILL.
 */
typedef bool (*a64_trans_fn)(struct a64_dc *dc, uint32_t insn);
struct a64_pattern {
    uint32_t mask, match;
    a64_trans_fn fn;
    const char *name;
};
/* Runs the first matching handler; false when none matches or it refused. */
bool a64_decode_table(struct a64_dc *dc, uint32_t insn, const struct a64_pattern *tab,
                      unsigned n);
#define A64_DECODE(dc, insn, tab) a64_decode_table(dc, insn, tab, sizeof(tab) / sizeof((tab)[0]))

/* bit-field extraction, as the Arm ARM writes insn<hi:lo> */
static inline uint32_t a64_bits(uint32_t insn, unsigned hi, unsigned lo)
{
    return (insn >> lo) & ((2u << (hi - lo)) - 1);
}
static inline int64_t a64_sbits(uint32_t insn, unsigned hi, unsigned lo)
{
    unsigned n = hi - lo + 1;
    return (int64_t)((uint64_t)a64_bits(insn, hi, lo) << (64 - n)) >> (64 - n);
}

static inline enum ir_type a64_type(bool sf)
{
    return sf ? IR_I64 : IR_I32;
}

/* Register 31 is XZR in a64_get_x/a64_set_x and SP in the _sp variants.
 * Values have the type a64_type(sf); 32-bit writes zero bits 63..32. */
ir_temp a64_get_x(struct a64_dc *dc, unsigned r, bool sf);
ir_temp a64_get_xsp(struct a64_dc *dc, unsigned r, bool sf);
void a64_set_x(struct a64_dc *dc, unsigned r, bool sf, ir_temp v);
void a64_set_xsp(struct a64_dc *dc, unsigned r, bool sf, ir_temp v);
ir_temp a64_const(struct a64_dc *dc, bool sf, uint64_t v);

/* Condition codes (Arm ARM C1.2.4): one IR comparison "a <cond> b". */
struct a64_test {
    enum ir_cond cond;
    ir_temp a, b;
    enum ir_type t;
};
/* cc 14/15 (AL/NV) give a test that is always true */
struct a64_test a64_cond_test(struct a64_dc *dc, unsigned cc);
ir_temp a64_cond_value(struct a64_dc *dc, unsigned cc);   /* I64 0 or 1 */

/* flags from a result: N and Z only, C and V cleared (logical ops) */
void a64_set_nz_clear_cv(struct a64_dc *dc, bool sf, ir_temp res);
/* res = a + b + carry_in (carry_in: IR_NO_TEMP for 0, else an I64 0/1), with flags */
ir_temp a64_add_flags(struct a64_dc *dc, bool sf, ir_temp a, ir_temp b, ir_temp carry_in);
ir_temp a64_sub_flags(struct a64_dc *dc, bool sf, ir_temp a, ir_temp b);
/* store a packed NZCV word (I64, bits 31..28) into the unpacked flags */
void a64_set_nzcv_word(struct a64_dc *dc, ir_temp nzcv);
ir_temp a64_get_nzcv_word(struct a64_dc *dc);

/* end the block with the guest's illegal-instruction trap */
void a64_gen_illegal(struct a64_dc *dc, uint32_t insn);
void a64_gen_trap(struct a64_dc *dc, unsigned reason, uint64_t pc);
/* SIGBUS/BUS_ADRALN unless addr is a multiple of bytes: the alignment that
 * atomic and ordered accesses need (translate-atomic.c) */
void a64_gen_check_align(struct a64_dc *dc, ir_temp addr, unsigned bytes);
/* call a helper; NO_REGS helpers get flags IR_CALL_NO_REGS */
ir_temp a64_call(struct a64_dc *dc, ir_helper_fn fn, unsigned flags, ir_temp a0, ir_temp a1,
                 ir_temp a2, ir_temp a3);

/* instruction classes (Arm ARM C4.1, "A64 instruction set encoding") */
bool a64_trans_dp_imm(struct a64_dc *dc, uint32_t insn);       /* translate-dp-imm.c */
bool a64_trans_dp_reg(struct a64_dc *dc, uint32_t insn);       /* translate-dp-reg.c */
bool a64_trans_branch_sys(struct a64_dc *dc, uint32_t insn);   /* translate-branch.c */
bool a64_trans_system(struct a64_dc *dc, uint32_t insn);       /* translate-system.c */
bool a64_trans_ldst(struct a64_dc *dc, uint32_t insn);         /* translate-ldst.c */
bool a64_trans_atomic(struct a64_dc *dc, uint32_t insn);       /* translate-atomic.c */
bool a64_trans_fp(struct a64_dc *dc, uint32_t insn);           /* translate-fp.c */
bool a64_trans_simd(struct a64_dc *dc, uint32_t insn);         /* translate-simd.c */
/* translate-fp16.c: scalar FP with ftype 11 (false: not half-precision
 * arithmetic, or unallocated), FMOV (vector, immediate, half-precision) */
bool a64_trans_fp16(struct a64_dc *dc, uint32_t insn);
bool a64_trans_fp16_vmov_imm(struct a64_dc *dc, uint32_t insn);

/* decode helpers shared between classes */
bool a64_decode_bitmask(bool sf, unsigned n, unsigned imms, unsigned immr, uint64_t *out);

#endif
