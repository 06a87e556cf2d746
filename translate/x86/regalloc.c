/*
 * The local register allocator (see regalloc.h for the policy).  All state
 * lives in struct ra, which the caller owns for the duration of one block.
 */
#include "regalloc.h"

#include "peephole.h"

#include <assert.h>
#include <string.h>

#define RA_ALLOCATABLE (RA_CALLER_SAVED | RA_CALLEE_SAVED)
#define RA_NEVER 0xffffu

/* caller-saved first for short-lived temps: they need no save around calls */
static const int8_t order_plain[] = {
    X86_RSI, X86_RDI, X86_R8, X86_R9, X86_R10, X86_R11,
    X86_RBX, X86_R12, X86_R13, X86_R14, X86_R15,
};
static const int8_t order_call[] = {
    X86_RBX, X86_R12, X86_R13, X86_R14, X86_R15,
    X86_RSI, X86_RDI, X86_R8, X86_R9, X86_R10, X86_R11,
};
#define N_ORDER ((int)sizeof(order_plain))

/*
 * A get_reg's value stays in its state slot until something writes the slot:
 * a set_reg that overlaps it, or a helper that may touch registers.  If that
 * cannot happen before the temp's last use, the temp is in_state: evicting
 * it stores nothing, and it is reloaded from the slot (or read from it as a
 * memory operand).
 */
static void mark_in_state(struct ra *ra, const struct ir_block *blk)
{
    static ir_temp open[IR_MAX_INSNS];
    unsigned n_open = 0;
    for (uint32_t n = 0; n < blk->n_insns; n++) {
        const struct ir_insn *i = &blk->insns[n];
        /* retire temps whose last use is behind us; those left may be clobbered here */
        unsigned w = 0;
        for (unsigned k = 0; k < n_open; k++)
            if (ra->t[open[k]].last_use > n)
                open[w++] = open[k];
        n_open = w;
        if (i->op == IR_set_reg) {
            uint32_t size = i->type == IR_I64 ? 8 : 4;
            for (unsigned k = 0; k < n_open; k++) {
                struct ra_temp *rt = &ra->t[open[k]];
                uint32_t osize = blk->temp_type[open[k]] == IR_I64 ? 8 : 4;
                if (rt->in_state && i->imm < rt->state_off + (int64_t)osize &&
                    rt->state_off < i->imm + (int64_t)size)
                    rt->in_state = false;
            }
        } else if (i->op == IR_call &&
                   (!(i->cond & IR_CALL_NO_REGS) || (i->cond & IR_CALL_MAY_EXIT))) {
            for (unsigned k = 0; k < n_open; k++)
                ra->t[open[k]].in_state = false;
        } else if (i->op == IR_get_reg && i->out != IR_NO_TEMP && x86_fits_s32(i->imm)) {
            struct ra_temp *rt = &ra->t[i->out];
            rt->in_state = true;
            rt->state_off = (int32_t)i->imm;
            if (rt->last_use > n)
                open[n_open++] = i->out;
        }
    }
}

void ra_init(struct ra *ra, struct x86_buf *b, const struct ir_block *blk)
{
    static uint16_t calls_before[IR_MAX_INSNS + 1];
    uint32_t n_temps = blk->n_temps;

    ra->b = b;
    ra->blk = blk;
    ra->cur = 0;
    ra->locked = 0;
    ra->failed = false;
    memset(ra->reg_temp, 0, sizeof(ra->reg_temp));
    memset(ra->t, 0, sizeof(ra->t[0]) * n_temps);
    for (uint32_t t = 0; t < n_temps; t++) {
        ra->t[t].reg = -1;
        ra->t[t].slot = -1;
    }
    ra->n_free_slots = 0;
    for (int s = JIT_SPILL_SLOTS - 1; s >= 0; s--)
        ra->free_slots[ra->n_free_slots++] = (int16_t)s;

    /* definitions, last uses, use counts */
    uint16_t ncalls = 0;
    for (uint32_t n = 0; n < blk->n_insns; n++) {
        const struct ir_insn *i = &blk->insns[n];
        calls_before[n] = ncalls;
        if (i->op == IR_call)
            ncalls++;
        ir_temp in[4];
        for (unsigned k = 0, n_in = x86_insn_inputs(i, in); k < n_in; k++) {
            ra->t[in[k]].last_use = (uint16_t)n;
            ra->t[in[k]].use_end++;
        }
        if (i->out != IR_NO_TEMP) {
            struct ra_temp *rt = &ra->t[i->out];
            rt->def = (uint16_t)n;
            if (rt->use_end == 0)
                rt->last_use = (uint16_t)n;
            if (i->op == IR_movi) {
                rt->is_const = true;
                rt->val = i->imm;
            }
        }
    }
    calls_before[blk->n_insns] = ncalls;

    /* use positions grouped by temp, in block order */
    uint16_t at = 0;
    for (uint32_t t = 0; t < n_temps; t++) {
        struct ra_temp *rt = &ra->t[t];
        uint16_t cnt = rt->use_end;
        rt->use_first = rt->use_next = at;
        rt->use_end = at;
        at = (uint16_t)(at + cnt);
        rt->across_call = calls_before[rt->last_use] > calls_before[rt->def + 1u > blk->n_insns ?
                                                                    blk->n_insns : rt->def + 1u];
    }
    for (uint32_t n = 0; n < blk->n_insns; n++) {
        ir_temp in[4];
        for (unsigned k = 0, n_in = x86_insn_inputs(&blk->insns[n], in); k < n_in; k++)
            ra->uses[ra->t[in[k]].use_end++] = (uint16_t)n;
    }
    mark_in_state(ra, blk);
}

static unsigned next_use(struct ra *ra, ir_temp t)
{
    struct ra_temp *rt = &ra->t[t];
    while (rt->use_next < rt->use_end && ra->uses[rt->use_next] <= ra->cur)
        rt->use_next++;
    return rt->use_next < rt->use_end ? ra->uses[rt->use_next] : RA_NEVER;
}

struct x86_mem ra_slot_mem(const struct ra *ra, ir_temp t)
{
    return X86_MEM(X86_RSP, JIT_FRAME_SPILL + 8 * ra->t[t].slot);
}

static void free_slot(struct ra *ra, struct ra_temp *rt)
{
    if (rt->slot >= 0) {
        ra->free_slots[ra->n_free_slots++] = rt->slot;
        rt->slot = -1;
        rt->in_mem = false;
    }
}

/* make sure t's value survives without its register */
static void save(struct ra *ra, ir_temp t)
{
    struct ra_temp *rt = &ra->t[t];
    if (rt->is_const || rt->in_mem || rt->in_state)
        return;
    if (ra->n_free_slots == 0) {
        ra->failed = true;
        rt->slot = 0;
    } else {
        rt->slot = ra->free_slots[--ra->n_free_slots];
    }
    x86_store(ra->b, X86_S64, rt->reg, ra_slot_mem(ra, t));
    rt->in_mem = true;
}

static void evict(struct ra *ra, int r)
{
    ir_temp t = ra->reg_temp[r];
    if (t) {
        save(ra, t);
        ra->t[t].reg = -1;
        ra->reg_temp[r] = 0;
    }
}

/* a register from allowed: a free one in preference order, else evict the
 * value needed farthest in the future (free to drop if already in memory) */
static int pick(struct ra *ra, unsigned allowed, bool callee_first)
{
    const int8_t *order = callee_first ? order_call : order_plain;
    for (int k = 0; k < N_ORDER; k++) {
        int r = order[k];
        if ((allowed & (1u << r)) && ra->reg_temp[r] == 0)
            return r;
    }
    int best = -1;
    unsigned best_score = 0;
    for (int k = 0; k < N_ORDER; k++) {
        int r = order[k];
        if (!(allowed & (1u << r)) || (ra->locked & (1u << r)))
            continue;
        ir_temp t = ra->reg_temp[r];
        unsigned score = next_use(ra, t) * 2u +
                         (ra->t[t].is_const || ra->t[t].in_mem || ra->t[t].in_state);
        if (best < 0 || score > best_score) {
            best = r;
            best_score = score;
        }
    }
    assert(best >= 0 && "no register left to allocate");
    evict(ra, best);
    return best;
}

static void bind(struct ra *ra, ir_temp t, int r)
{
    ra->reg_temp[r] = t;
    ra->t[t].reg = (int8_t)r;
    ra->locked |= (uint16_t)(1u << r);
    ra->released &= (uint16_t)~(1u << r);
}

int ra_reg(struct ra *ra, ir_temp t, unsigned avoid)
{
    struct ra_temp *rt = &ra->t[t];
    if (rt->reg >= 0) {
        ra->locked |= (uint16_t)(1u << rt->reg);
        return rt->reg;
    }
    int r = pick(ra, RA_ALLOCATABLE & ~avoid & ~ra->locked, rt->across_call);
    if (rt->is_const)
        x86_mov_ri(ra->b, r, (uint64_t)rt->val);
    else if (rt->in_mem)
        x86_load(ra->b, X86_LD64, true, r, ra_slot_mem(ra, t));
    else if (rt->in_state && ra->blk->temp_type[t] == IR_I64)
        x86_load(ra->b, X86_LD64, true, r, X86_MEM(JIT_STATE_REG, rt->state_off));
    else if (rt->in_state)
        x86_load(ra->b, X86_LD32, false, r, X86_MEM(JIT_STATE_REG, rt->state_off));
    else
        assert(!"temp used before it has a value");
    bind(ra, t, r);
    return r;
}

struct ra_opnd ra_opnd(struct ra *ra, ir_temp t, bool w64)
{
    struct ra_temp *rt = &ra->t[t];
    if (rt->is_const && (!w64 || x86_fits_s32(rt->val)))
        return (struct ra_opnd){ .is_imm = true, .reg = -1, .imm = (int32_t)rt->val };
    return (struct ra_opnd){ .is_imm = false, .reg = ra_reg(ra, t, 0) };
}

void ra_release_dead(struct ra *ra)
{
    ir_temp in[4];
    unsigned n_in = x86_insn_inputs(&ra->blk->insns[ra->cur], in);
    for (unsigned k = 0; k < n_in; k++) {
        ir_temp t = in[k];
        if (ra->t[t].last_use != ra->cur)
            continue;
        int r = ra->t[t].reg;
        if (r >= 0) {
            ra->reg_temp[r] = 0;
            ra->t[t].reg = -1;
            ra->released |= (uint16_t)(1u << r);
        }
        free_slot(ra, &ra->t[t]);
    }
}

int ra_alloc_out(struct ra *ra, ir_temp t, int prefer, unsigned avoid)
{
    unsigned usable = RA_ALLOCATABLE & ~avoid;
    if (prefer >= 0 && (usable & (1u << prefer)) && ra->reg_temp[prefer] == 0 &&
        (!(ra->locked & (1u << prefer)) || (ra->released & (1u << prefer)))) {
        bind(ra, t, prefer);
        return prefer;
    }
    /* registers freed by dead inputs are fine: the output is written last */
    int r = pick(ra, usable & (~ra->locked | ra->released), ra->t[t].across_call);
    bind(ra, t, r);
    return r;
}

int ra_scratch(struct ra *ra, unsigned avoid)
{
    int r = pick(ra, RA_ALLOCATABLE & ~avoid & ~ra->locked & ~ra->released, false);
    ra->locked |= (uint16_t)(1u << r);
    return r;
}

void ra_save_for_call(struct ra *ra)
{
    for (int r = 0; r < 16; r++) {
        ir_temp t = ra->reg_temp[r];
        if (!(RA_CALLER_SAVED & (1u << r)) || !t || ra->t[t].last_use <= ra->cur)
            continue;
        int to = -1;
        if (!ra->t[t].is_const && !ra->t[t].in_mem)
            for (int k = 0; k < N_ORDER && to < 0; k++) {
                int c = order_call[k];
                if ((RA_CALLEE_SAVED & (1u << c)) && ra->reg_temp[c] == 0 &&
                    !(ra->locked & (1u << c)))
                    to = c;
            }
        if (to >= 0) {
            x86_mov_rr(ra->b, true, to, r);
            ra->reg_temp[r] = 0;
            ra->reg_temp[to] = t;
            ra->t[t].reg = (int8_t)to;
        } else {
            evict(ra, r);
        }
    }
}

void ra_begin_insn(struct ra *ra, uint32_t n)
{
    ra->cur = n;
    ra->locked = 0;
    ra->released = 0;
}

void ra_end_insn(struct ra *ra)
{
    const struct ir_insn *i = &ra->blk->insns[ra->cur];
    ra_release_dead(ra);
    if (i->out != IR_NO_TEMP && ra->t[i->out].last_use == ra->cur) {
        int r = ra->t[i->out].reg;
        if (r >= 0)
            ra->reg_temp[r] = 0;
        ra->t[i->out].reg = -1;
    }
    ra->locked = 0;
    ra->released = 0;
}

bool ra_defer_get_reg(struct ra *ra, const struct ir_insn *get)
{
    struct ra_temp *rt = &ra->t[get->out];
    if (!rt->in_state || rt->use_end - rt->use_first != 1)
        return false;
    const struct ir_insn *use = &ra->blk->insns[ra->uses[rt->use_first]];
    switch (use->op) {
    case IR_exit_cond:
    case IR_setcond:
        if (use->cond == IR_TSTEQ || use->cond == IR_TSTNE)
            return false;
        break;
    case IR_add: case IR_sub: case IR_and: case IR_or: case IR_xor:
        break;
    case IR_sext8: case IR_sext16: case IR_sext32:
    case IR_zext8: case IR_zext16: case IR_zext32: case IR_trunc32:
        return true;            /* an extending load of the slot's low bytes */
    default:
        return false;
    }
    /* an i32 op may read the low half of an i64 slot (little-endian) */
    return use->type == get->type || (get->type == IR_I64 && use->type == IR_I32);
}

void ra_load_into(struct ra *ra, int r, ir_temp t)
{
    struct ra_temp *rt = &ra->t[t];
    if (rt->reg >= 0)
        x86_mov_rr(ra->b, true, r, rt->reg);
    else if (rt->is_const)
        x86_mov_ri(ra->b, r, (uint64_t)rt->val);
    else if (rt->in_mem)
        x86_load(ra->b, X86_LD64, true, r, ra_slot_mem(ra, t));
    else if (rt->in_state && ra->blk->temp_type[t] == IR_I64)
        x86_load(ra->b, X86_LD64, true, r, X86_MEM(JIT_STATE_REG, rt->state_off));
    else if (rt->in_state)
        x86_load(ra->b, X86_LD32, false, r, X86_MEM(JIT_STATE_REG, rt->state_off));
    else
        assert(!"temp used before it has a value");
}
