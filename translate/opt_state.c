/*
 * Guest-state passes: this is how guest registers end up cached in host
 * registers within a block.
 *
 * Forwarding (forward sweep): a get_reg of a slot (offset, type) whose value
 * is already in a temp, from an earlier set_reg or get_reg of exactly that
 * slot, is dropped and its uses renamed.  A set_reg forgets every slot that
 * overlaps the bytes it writes; a call that may touch registers forgets all.
 * Guest memory never aliases the CPU state, so ld/st/atomics change nothing.
 *
 * Dead stores (backward sweep): a set_reg whose bytes are all written again
 * later before anything can observe them is removed.  Observers: get_reg of
 * an overlapping slot, every exit (the whole state is live at a block exit),
 * a call that may touch registers or leave the block, and, with
 * OPT_PRECISE_MEM_FAULTS, a guest instruction that may fault.
 *
 * A fault makes the guest see the state as it was before the faulting
 * guest instruction (its insn_start): the front-end's pc, with every write
 * of the earlier instructions done and none of its own.  So a guest memory
 * access or an impure helper call (it may access guest memory) observes
 * every slot at its instruction's insn_start, not at the access itself:
 * writes of the same instruction may still cover earlier ones, and writes
 * across instructions that cannot fault are still removed.  Blocks without
 * insn_start markers keep the old imprecise model.
 *
 * Vector ops (ir_vec.h) read and write whole 16-byte slots in place: to
 * forwarding they are a write of their destination, to dead-store
 * elimination a write of the destination and a read of each source.
 */
#include "opt.h"
#include "ir_vec.h"

#include <string.h>

/* slots tracked at once; beyond that the oldest knowledge is dropped */
#define STATE_SLOTS 64

struct slot {
    int64_t off;
    uint32_t size;
    uint8_t type;
    ir_temp temp;
};

struct slot_set {
    unsigned n, next_victim;
    struct slot s[STATE_SLOTS];
};

static inline bool overlaps(const struct slot *s, int64_t off, uint32_t size)
{
    return s->off < off + size && off < s->off + s->size;
}

static void slot_add(struct slot_set *set, int64_t off, uint32_t size, uint8_t type,
                     ir_temp temp)
{
    struct slot *s;
    if (set->n < STATE_SLOTS) {
        s = &set->s[set->n++];
    } else {
        s = &set->s[set->next_victim];
        set->next_victim = (set->next_victim + 1) % STATE_SLOTS;
    }
    s->off = off;
    s->size = size;
    s->type = type;
    s->temp = temp;
}

static void slot_forget_overlap(struct slot_set *set, int64_t off, uint32_t size)
{
    for (unsigned k = 0; k < set->n;) {
        if (overlaps(&set->s[k], off, size))
            set->s[k] = set->s[--set->n];
        else
            k++;
    }
    if (set->next_victim >= set->n)
        set->next_victim = 0;
}

static inline void slot_forget_all(struct slot_set *set)
{
    set->n = 0;
    set->next_victim = 0;
}

static inline bool call_touches_regs(const struct ir_insn *i)
{
    return !(i->cond & IR_CALL_NO_REGS);
}

/*
 * A 32-bit get_reg of the low half of a slot whose 64-bit value is known
 * (a guest writing a 32-bit register result zero-extended, then reading it
 * back as 32 bits): the value's own 32-bit source when it is a zext32 of
 * one, else a trunc32 of it, in place of the get_reg.  The state is
 * little-endian on every host we generate code for.  Returns true when the
 * get_reg was renamed away, false when it was turned into a trunc32 (or
 * left alone).
 */
static bool forward_low_half(struct ir_insn *i, struct slot_set *known, ir_temp *repl,
                             const ir_temp *zext_src)
{
    for (unsigned k = 0; k < known->n; k++) {
        const struct slot *s = &known->s[k];
        if (s->off != i->imm || s->type != IR_I64)
            continue;
        if (zext_src[s->temp] != IR_NO_TEMP) {
            repl[i->out] = zext_src[s->temp];
            return true;
        }
        i->op = IR_trunc32;
        i->in[0] = s->temp;
        i->imm = 0;
        slot_add(known, s->off, 4, IR_I32, i->out);
        return false;
    }
    slot_add(known, i->imm, 4, IR_I32, i->out);
    return false;
}

void opt_state_forward(struct ir_block *b)
{
    ir_temp repl[IR_MAX_TEMPS];
    ir_temp zext_src[IR_MAX_TEMPS];     /* t = zext32(zext_src[t]) in this block */
    struct slot_set known;
    uint32_t w = 0;

    for (uint32_t t = 0; t < b->n_temps; t++) {
        repl[t] = t;
        zext_src[t] = IR_NO_TEMP;
    }
    known.n = known.next_victim = 0;

    for (uint32_t r = 0; r < b->n_insns; r++) {
        struct ir_insn *i = &b->insns[w];
        if (w != r)
            *i = b->insns[r];
        opt_rename(i, repl);
        switch (i->op) {
        case IR_get_reg: {
            uint32_t size = opt_state_size(i);
            bool hit = false;
            for (unsigned k = 0; k < known.n; k++) {
                const struct slot *s = &known.s[k];
                if (s->off == i->imm && s->type == i->type) {
                    repl[i->out] = s->temp;
                    hit = true;
                    break;
                }
            }
            if (hit)
                continue;
            if (i->type == IR_I32) {
                if (forward_low_half(i, &known, repl, zext_src))
                    continue;
                break;
            }
            slot_add(&known, i->imm, size, i->type, i->out);
            break;
        }
        case IR_zext32:
            zext_src[i->out] = i->in[0];
            break;
        case IR_set_reg: {
            uint32_t size = opt_state_size(i);
            slot_forget_overlap(&known, i->imm, size);
            slot_add(&known, i->imm, size, i->type, i->in[0]);
            break;
        }
        case IR_call:
            if (call_touches_regs(i))
                slot_forget_all(&known);
            break;
        default:
            if (ir_op_info[i->op].flags & IR_F_VEC && ir_op_info[i->op].flags & IR_F_WRITES_STATE)
                slot_forget_overlap(&known, i->imm, 16);
            break;
        }
        w++;
    }
    b->n_insns = w;
}

/* true when [off, off + size) lies inside one slot of the set */
static bool slot_covered(const struct slot_set *set, int64_t off, uint32_t size)
{
    for (unsigned k = 0; k < set->n; k++) {
        const struct slot *s = &set->s[k];
        if (s->off <= off && off + size <= s->off + s->size)
            return true;
    }
    return false;
}

/*
 * A vector op (ir_vec.h) writes its whole 16-byte destination slot and reads
 * its source slots.  The write goes in first: a source equal to the
 * destination is read before the op writes it, and must stay observable.
 */
static void vec_effect_backward(struct slot_set *later, const struct ir_insn *i)
{
    uint8_t flags = ir_op_info[i->op].flags;
    if ((flags & IR_F_WRITES_STATE) && later->n < STATE_SLOTS)
        slot_add(later, i->imm, 16, IR_I64, IR_NO_TEMP);
    if (i->op == IR_vop) {
        slot_forget_overlap(later, ir_vsrc_a(i), 16);
        slot_forget_overlap(later, ir_vsrc_b(i), 16);
    } else if (flags & IR_F_READS_STATE) {
        slot_forget_overlap(later, i->imm, 16);
    }
}

void opt_state_dead(struct ir_block *b)
{
    /* slots that will be overwritten before they can be observed */
    struct slot_set later;
    bool dead[IR_MAX_INSNS];
    bool any = false;
    /* a fault may happen between here and the end of this guest insn */
    bool may_fault = false;

    later.n = later.next_victim = 0;
    for (uint32_t r = b->n_insns; r-- > 0;) {
        const struct ir_insn *i = &b->insns[r];
        uint8_t flags = ir_op_info[i->op].flags;
        dead[r] = false;
        switch (i->op) {
        case IR_insn_start:
            if (may_fault)
                slot_forget_all(&later);
            may_fault = false;
            break;
        case IR_set_reg: {
            uint32_t size = opt_state_size(i);
            if (slot_covered(&later, i->imm, size)) {
                dead[r] = any = true;
            } else if (later.n < STATE_SLOTS) {
                /* when full, not recording only loses opportunities */
                slot_add(&later, i->imm, size, i->type, IR_NO_TEMP);
            }
            break;
        }
        case IR_get_reg:
            slot_forget_overlap(&later, i->imm, opt_state_size(i));
            break;
        case IR_call:
            if (call_touches_regs(i) || (i->cond & IR_CALL_MAY_EXIT))
                slot_forget_all(&later);
            else if (!(i->cond & IR_CALL_PURE))
                may_fault = OPT_PRECISE_MEM_FAULTS;
            break;
        default:
            if (flags & IR_F_VEC)
                vec_effect_backward(&later, i);
            if (flags & IR_F_EXIT)
                slot_forget_all(&later);
            else if ((flags & IR_F_MEM) && i->op != IR_fence)
                may_fault = OPT_PRECISE_MEM_FAULTS;
            break;
        }
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
