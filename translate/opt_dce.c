/*
 * Dead-code elimination: one backward sweep marking the temps that are used.
 * An instruction whose result nobody uses goes when it has no other effect:
 * pure ops, get_reg, and calls flagged IR_CALL_PURE (unless they may leave
 * the block).  A load stays (it may fault, and the guest sees the fault); an
 * impure call keeps running but loses its unused result.
 */
#include "opt.h"

#include <string.h>

static bool removable(const struct ir_insn *i)
{
    if (ir_op_info[i->op].flags & IR_F_PURE)
        return true;
    if (i->op == IR_get_reg)
        return true;
    if (i->op == IR_call)
        return (i->cond & IR_CALL_PURE) && !(i->cond & IR_CALL_MAY_EXIT);
    return false;
}

void opt_dce(struct ir_block *b)
{
    bool used[IR_MAX_TEMPS];
    bool dead[IR_MAX_INSNS];
    bool any = false;

    memset(used, 0, b->n_temps);
    for (uint32_t r = b->n_insns; r-- > 0;) {
        struct ir_insn *i = &b->insns[r];
        bool out_dead = i->out == IR_NO_TEMP || !used[i->out];
        dead[r] = false;
        if (out_dead && removable(i) && (i->out != IR_NO_TEMP || i->op == IR_call)) {
            dead[r] = any = true;
            continue;
        }
        if (i->op == IR_call && i->out != IR_NO_TEMP && out_dead)
            i->out = IR_NO_TEMP;
        unsigned n = ir_op_info[i->op].n_in;
        for (unsigned k = 0; k < n; k++)
            used[i->in[k]] = true;
    }
    if (!any)
        return;
    uint32_t w = 0;
    for (uint32_t r = 0; r < b->n_insns; r++) {
        if (dead[r])
            continue;
        if (w != r)
            b->insns[w] = b->insns[r];
        w++;
    }
    b->n_insns = w;
}
