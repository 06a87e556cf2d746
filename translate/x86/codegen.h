/*
 * Per-op code generators of the x86-64 backend, split by op class:
 * codegen.c (driver, moves, ALU, shifts, compares), codegen_arith.c
 * (multiply, divide, bit counting), codegen_mem.c (state, memory, atomics),
 * codegen_exit.c (exits, chaining, helper calls).
 */
#ifndef TRANSLATE_X86_CODEGEN_H
#define TRANSLATE_X86_CODEGEN_H

#include "regalloc.h"

/* a direct exit whose stub (store pc, return EXEC_EXIT_CHAIN) is still to emit */
struct cg_site {
    uint8_t *disp;              /* the 4-byte aligned rel32 of the jmp or jcc */
    uint64_t pc;                /* guest target */
};

struct cg {
    struct ra ra;
    struct x86_buf *b;
    const struct ir_block *blk;
    bool chain_self;            /* exits to the block's own pc may jump to its start */
    unsigned n_sites;
    struct cg_site sites[IR_MAX_INSNS];
    /* codegen_vec.c: xmm0 holds the 16-byte slot vec_slot as written by
     * the vector op at insn vec_at (UINT32_MAX: nothing) */
    uint32_t vec_at;
    int64_t vec_slot;
};

/* a compare lowered to x86 flags */
struct cg_cmp {
    enum x86_cc cc;
    bool w64, tst;
    int a;                      /* register */
    struct ra_opnd c;
    bool c_mem;                 /* c is the state slot cm, not c */
    struct x86_mem cm;
};
void cg_cmp_prepare(struct cg *cg, struct cg_cmp *x, enum ir_type t, enum ir_cond cond,
                    ir_temp a, ir_temp c);
void cg_cmp_emit(struct cg *cg, const struct cg_cmp *x);

void cg_mul(struct cg *cg, const struct ir_insn *i);
void cg_mulh(struct cg *cg, const struct ir_insn *i);
void cg_divrem(struct cg *cg, const struct ir_insn *i);
void cg_bitcount(struct cg *cg, const struct ir_insn *i);

void cg_get_reg(struct cg *cg, const struct ir_insn *i);
void cg_set_reg(struct cg *cg, const struct ir_insn *i);
void cg_ld(struct cg *cg, const struct ir_insn *i);
void cg_st(struct cg *cg, const struct ir_insn *i);
void cg_atomic_rmw(struct cg *cg, const struct ir_insn *i);
void cg_atomic_cmpxchg(struct cg *cg, const struct ir_insn *i);
void cg_fence(struct cg *cg, const struct ir_insn *i);

void cg_exit_cond(struct cg *cg, const struct ir_insn *i);
void cg_exit_tb(struct cg *cg, const struct ir_insn *i);
void cg_exit_ind(struct cg *cg, const struct ir_insn *i);
void cg_exit_trap(struct cg *cg, const struct ir_insn *i);
void cg_call(struct cg *cg, const struct ir_insn *i);
void cg_emit_stubs(struct cg *cg);

/* codegen_vec.c: the vector ops (IR_F_VEC, translate/ir_vec.h) */
void cg_vec_begin(struct cg *cg);
void cg_vec(struct cg *cg, const struct ir_insn *i);

#endif
