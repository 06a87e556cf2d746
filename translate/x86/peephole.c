/*
 * Backend-local rewrites of a private copy of the block, run before register
 * allocation, for what x86 does in one instruction and the shared IR spells
 * in several:
 *
 *  - Address modes.  RISC-V has no indexed addressing, so `a[i]` arrives as
 *    shl + add (+ add of a constant) feeding a ld/st.  When those adds and
 *    shifts have no other use, the ld/st takes [base + index << s + disp]
 *    (X86_MEM_INDEXED below) and they disappear.
 *  - 32-bit reads.  *W instructions arrive as trunc32 + an i32 op.  An op
 *    that reads only the low 32 bits of its operands can take the i64 temp
 *    directly, so the `mov r32, r32` of the trunc32 disappears.
 *  - Repeated sign extension: sext32 of a value that already is one.
 *
 * The copy stays valid SSA; liveness is computed on it.  Only the backend
 * sees it: the interpreter and the optimiser are unaffected.
 */
#include "peephole.h"

#include <string.h>

/* use counts of the copy, kept up to date by the rewrites */
static uint16_t uses[IR_MAX_TEMPS];
static int16_t def_at[IR_MAX_TEMPS];

static void count_uses(const struct ir_block *b)
{
    memset(uses, 0, sizeof(uses[0]) * b->n_temps);
    for (uint32_t t = 0; t < b->n_temps; t++)
        def_at[t] = -1;
    for (uint32_t n = 0; n < b->n_insns; n++) {
        const struct ir_insn *i = &b->insns[n];
        ir_temp in[4];
        unsigned k = x86_insn_inputs(i, in);
        while (k--)
            uses[in[k]]++;
        if (i->out != IR_NO_TEMP)
            def_at[i->out] = (int16_t)n;
    }
}

static const struct ir_insn *def_of(const struct ir_block *b, ir_temp t)
{
    return def_at[t] >= 0 ? &b->insns[def_at[t]] : NULL;
}

/* Does op i read input k only in its low 32 bits (as x86 32-bit forms do)? */
static bool reads_low32(const struct ir_insn *i, unsigned k)
{
    switch (i->op) {
    case IR_add: case IR_sub: case IR_and: case IR_or: case IR_xor:
    case IR_andn: case IR_orn: case IR_xnor: case IR_mul:
    case IR_shl: case IR_shr: case IR_sar: case IR_rotl: case IR_rotr:
    case IR_setcond: case IR_exit_cond:
        return i->type == IR_I32;
    case IR_sext32: case IR_sext8: case IR_sext16: case IR_zext8: case IR_zext16:
        return true;
    case IR_set_reg:
        return i->type == IR_I32;
    case IR_st:
        return k == 1 && (i->mem & IR_MEM_SIZE_MASK) <= IR_MEM_32;
    default:
        return false;
    }
}

static void forward_trunc32(struct ir_block *b)
{
    for (uint32_t n = 0; n < b->n_insns; n++) {
        struct ir_insn *i = &b->insns[n];
        unsigned n_in = ir_op_info[i->op].n_in;
        for (unsigned k = 0; k < n_in && k < 3; k++) {
            ir_temp t = i->in[k];
            if (t == IR_NO_TEMP || !reads_low32(i, k))
                continue;
            const struct ir_insn *d = def_of(b, t);
            if (!d || d->op != IR_trunc32 || b->temp_type[d->in[0]] != IR_I64)
                continue;
            i->in[k] = d->in[0];
            uses[d->in[0]]++;
            if (--uses[t] == 0)
                uses[d->in[0]]--;       /* the trunc32 goes */
        }
    }
}

static bool is_const(const struct ir_block *b, ir_temp t, int64_t *v)
{
    const struct ir_insn *d = def_of(b, t);
    if (!d || d->op != IR_movi)
        return false;
    *v = d->imm;
    return true;
}

/* An address term: temp << shift. */
struct term {
    ir_temp t;
    unsigned shift;
};

/*
 * Splits address temp a (+ disp) into at most two register terms, at most
 * one of them shifted, through single-use i64 adds and shifts by 1..3.
 * Returns false when nothing would be gained.
 */
static bool split_address(const struct ir_block *b, ir_temp a, int64_t *disp,
                          struct term *out, unsigned *n_out)
{
    struct term t[4] = { { a, 0 } };
    unsigned n = 1;
    int64_t d = *disp;
    bool changed = false;

    for (bool again = true; again;) {
        again = false;
        for (unsigned k = 0; k < n; k++) {
            const struct ir_insn *def = def_of(b, t[k].t);
            if (!def || uses[t[k].t] != 1 || def->type != IR_I64)
                continue;
            int64_t v;
            if (def->op == IR_add && t[k].shift == 0) {
                ir_temp x = def->in[0], y = def->in[1];
                if (is_const(b, y, &v) && x86_fits_s32(d + v)) {
                    t[k].t = x;
                    d += v;
                } else if (is_const(b, x, &v) && x86_fits_s32(d + v)) {
                    t[k].t = y;
                    d += v;
                } else if (n < 2 && !is_const(b, x, &v) && !is_const(b, y, &v)) {
                    t[k].t = x;
                    t[n++] = (struct term){ y, 0 };
                } else {
                    continue;
                }
            } else if (def->op == IR_shl && t[k].shift == 0 && is_const(b, def->in[1], &v) &&
                       v >= 1 && v <= 3 && !(n == 2 && t[!k].shift)) {
                t[k] = (struct term){ def->in[0], (unsigned)v };
            } else {
                continue;
            }
            again = changed = true;
            break;
        }
    }
    if (!changed)
        return false;
    /* the scaled term is the index */
    if (n == 2 && t[0].shift) {
        struct term s = t[0];
        t[0] = t[1];
        t[1] = s;
    }
    *disp = d;
    out[0] = t[0];
    out[1] = n == 2 ? t[1] : (struct term){ IR_NO_TEMP, 0 };
    *n_out = n;
    return true;
}

/* the temps an add/shl chain consumed lose one use each, recursively */
static void drop_uses(const struct ir_block *b, ir_temp t)
{
    if (--uses[t])
        return;
    const struct ir_insn *d = def_of(b, t);
    if (!d)
        return;
    for (unsigned k = 0; k < ir_op_info[d->op].n_in; k++)
        if (d->in[k] != IR_NO_TEMP)
            drop_uses(b, d->in[k]);
}

static void fold_addresses(struct ir_block *b)
{
    for (uint32_t n = 0; n < b->n_insns; n++) {
        struct ir_insn *i = &b->insns[n];
        if (i->op != IR_ld && i->op != IR_st)
            continue;
        struct term t[2];
        unsigned nt;
        int64_t disp = i->imm;
        if (!split_address(b, i->in[0], &disp, t, &nt))
            continue;
        ir_temp old = i->in[0];
        /* keep what the address still reads alive before dropping the chain */
        uses[t[0].t]++;
        if (nt == 2)
            uses[t[1].t]++;
        drop_uses(b, old);
        if (t[0].shift) {
            /* one scaled term: no base */
            i->in[0] = IR_NO_TEMP;
            i->in[2] = t[0].t;
            i->cond = (uint8_t)t[0].shift;
            i->mem |= X86_MEM_INDEXED;
        } else if (nt == 2) {
            i->in[0] = t[0].t;
            i->in[2] = t[1].t;
            i->cond = (uint8_t)t[1].shift;
            i->mem |= X86_MEM_INDEXED;
        } else {
            i->in[0] = t[0].t;
        }
        i->imm = disp;
    }
}

/* drop pure insns whose result lost its last use here */
static void sweep(struct ir_block *b)
{
    uint32_t w = 0;
    for (uint32_t n = 0; n < b->n_insns; n++) {
        const struct ir_insn *i = &b->insns[n];
        bool dead = i->out != IR_NO_TEMP && uses[i->out] == 0 &&
                    (ir_op_info[i->op].flags & IR_F_PURE) && i->op != IR_movi;
        if (dead)
            continue;
        if (w != n)
            b->insns[w] = *i;
        w++;
    }
    b->n_insns = w;
}

/* Is t's i64 value already the sign extension of its low 32 bits? */
static bool is_sext32(const struct ir_block *b, ir_temp t)
{
    const struct ir_insn *d = def_of(b, t);
    if (!d || d->type != IR_I64)
        return false;
    switch (d->op) {
    case IR_sext32: case IR_sext16: case IR_sext8:
        return true;
    case IR_ld:
        return (d->mem & IR_MEM_SIGN) && (d->mem & IR_MEM_SIZE_MASK) <= IR_MEM_32;
    default:
        return false;
    }
}

/* sext32 of a value that is already sign-extended from 32 bits is a copy:
 * its uses read the input instead (riscv64 code re-extends often, e.g. the
 * sext.w of a value an addw produced) */
static void drop_resext(struct ir_block *b)
{
    static ir_temp alias[IR_MAX_TEMPS];
    for (uint32_t t = 0; t < b->n_temps; t++)
        alias[t] = (ir_temp)t;
    for (uint32_t n = 0; n < b->n_insns; n++) {
        struct ir_insn *i = &b->insns[n];
        unsigned n_in = ir_op_info[i->op].n_in;
        for (unsigned k = 0; k < n_in; k++)
            i->in[k] = alias[i->in[k]];
        if (i->op == IR_sext32 && i->type == IR_I64 && b->temp_type[i->in[0]] == IR_I64 &&
            is_sext32(b, i->in[0]))
            alias[i->out] = i->in[0];
        if (i->out != IR_NO_TEMP)
            def_at[i->out] = (int16_t)n;
    }
}

unsigned x86_insn_inputs(const struct ir_insn *i, ir_temp in[4])
{
    unsigned n = 0;
    for (unsigned k = 0; k < ir_op_info[i->op].n_in; k++)
        if (i->in[k] != IR_NO_TEMP)
            in[n++] = i->in[k];
    if ((i->op == IR_ld || i->op == IR_st) && (i->mem & X86_MEM_INDEXED))
        in[n++] = i->in[2];
    return n;
}

void x86_peephole(struct ir_block *out, const struct ir_block *in)
{
    out->guest_pc = in->guest_pc;
    out->guest_size = in->guest_size;
    out->guest_insns = in->guest_insns;
    out->n_insns = in->n_insns;
    out->n_temps = in->n_temps;
    out->overflow = false;
    memcpy(out->temp_type, in->temp_type, in->n_temps);
    memcpy(out->insns, in->insns, sizeof(in->insns[0]) * in->n_insns);
    /* the index slot of ld/st must start empty for x86_insn_inputs */
    for (uint32_t n = 0; n < out->n_insns; n++)
        if (out->insns[n].op == IR_ld || out->insns[n].op == IR_st)
            out->insns[n].mem &= (uint8_t)~X86_MEM_INDEXED;

    for (uint32_t t = 0; t < out->n_temps; t++)
        def_at[t] = -1;
    drop_resext(out);
    count_uses(out);
    forward_trunc32(out);
    fold_addresses(out);
    sweep(out);
}
