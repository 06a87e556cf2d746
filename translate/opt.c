/*
 * ir_optimize: the pass pipeline.  Every block goes through it, the cold
 * tier's included, so each pass is one linear sweep with no allocation.
 *
 * Order: forwarding first, so that folding sees through guest registers
 * (a register set to a constant and read back folds); folding next, which
 * also cuts the block at an exit_cond that is always taken; dead set_reg
 * elimination then sees the final exits; DCE last removes whatever the
 * earlier passes left unused (forwarded get_regs, folded inputs, movs).
 */
#include "exec.h"
#include "opt.h"

void ir_optimize(struct ir_block *b)
{
    if (b->n_insns == 0)
        return;
    opt_state_forward(b);
    opt_fold(b);
    opt_state_dead(b);
    opt_dce(b);
}
