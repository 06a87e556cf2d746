/*
 * The optimiser's passes, run in order by ir_optimize (opt.c).  Each pass
 * rewrites a block in place and compacts its instruction list; temporaries
 * keep their numbers.  Shared helpers for renaming uses live here.
 */
#ifndef TRANSLATE_OPT_H
#define TRANSLATE_OPT_H

#include "ir.h"

/*
 * 1: a fault shows the guest exactly the state before the faulting guest
 * instruction: no set_reg of an earlier instruction is removed when a later
 * instruction of the block may fault before the slot is written again
 * (opt_state_dead; needs the front-end's insn_start markers).  0: the old
 * imprecise model, for measuring what precision costs.  Measured cost: about
 * 15% more set_regs in the optimised blocks of the bench kernels (both
 * guests) and 16% more host instructions on riscv64 crc32 (callgrind); the
 * way to win it back is to rebuild elided writes at fault time from where
 * the backend holds them instead of storing them.
 */
#ifndef OPT_PRECISE_MEM_FAULTS
#define OPT_PRECISE_MEM_FAULTS 1
#endif

/* get_reg after set_reg/get_reg of the same slot reuses the known temp */
void opt_state_forward(struct ir_block *b);
/* constant folding, copy propagation, algebraic simplification */
void opt_fold(struct ir_block *b);
/* set_reg overwritten before anything can observe it is removed */
void opt_state_dead(struct ir_block *b);
/* unused pure results are removed */
void opt_dce(struct ir_block *b);

static inline uint64_t opt_type_mask(unsigned type)
{
    return type == IR_I32 ? 0xffffffffull : ~0ull;
}

static inline unsigned opt_state_size(const struct ir_insn *i)
{
    return i->type == IR_I32 ? 4 : 8;
}

/* Rewrite the inputs of i through repl (a temp's final replacement). */
static inline void opt_rename(struct ir_insn *i, const ir_temp *repl)
{
    unsigned n = ir_op_info[i->op].n_in;
    for (unsigned k = 0; k < n; k++)
        if (i->in[k] != IR_NO_TEMP)
            i->in[k] = repl[i->in[k]];
}

#endif
