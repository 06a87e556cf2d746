/*
 * Constant folding, copy propagation, algebraic simplification and common
 * subexpression elimination of pure ops (constants included), in one
 * forward sweep.  Temps are SSA, so an instruction that reduces to an
 * existing temp is dropped and its output renamed (through repl) in every
 * later use; one that reduces to a constant becomes a movi in place.
 * Values are evaluated with ir_eval_pure so that folding cannot disagree
 * with the interpreter.
 */
#include "opt.h"

#include <string.h>

enum fold_kind { FOLD_NONE, FOLD_ALIAS, FOLD_CONST };

/* value numbering: insn indices (+1, 0 = empty) of kept pure ops, by hash */
#define CSE_MAX (2 * IR_MAX_INSNS)

struct fold_ctx {
    const struct ir_block *b;
    uint32_t cse_mask;
    uint16_t cse[CSE_MAX];
    ir_temp repl[IR_MAX_TEMPS];
    uint8_t known[IR_MAX_TEMPS];
    uint64_t val[IR_MAX_TEMPS];
    uint16_t def[IR_MAX_TEMPS];         /* index + 1 of the kept insn defining a temp */
};

struct fold_result {
    enum fold_kind kind;
    ir_temp alias;
    uint64_t value;
};

static inline struct fold_result fold_alias(ir_temp t)
{
    return (struct fold_result){ FOLD_ALIAS, t, 0 };
}

static inline struct fold_result fold_const(uint64_t v)
{
    return (struct fold_result){ FOLD_CONST, IR_NO_TEMP, v };
}

/* setcond/exit_cond on two equal operands, or -1 when it depends on them */
static int cond_same_operands(enum ir_cond cond)
{
    switch (cond) {
    case IR_EQ: case IR_GE: case IR_LE: case IR_GEU: case IR_LEU:
        return 1;
    case IR_NE: case IR_LT: case IR_GT: case IR_LTU: case IR_GTU:
        return 0;
    default:
        return -1;
    }
}

/* Identities of one pure op with at least one non-constant input. */
static struct fold_result simplify(const struct fold_ctx *x, const struct ir_insn *i)
{
    const struct fold_result none = { FOLD_NONE, IR_NO_TEMP, 0 };
    ir_temp a = i->in[0], c = i->in[1];
    bool ka = a && x->known[a], kc = c && x->known[c];
    uint64_t va = ka ? x->val[a] : 0, vc = kc ? x->val[c] : 0;
    uint64_t m = opt_type_mask(i->type);
    uint64_t wbits = i->type == IR_I32 ? 31 : 63;

    switch (i->op) {
    case IR_add:
        if (kc && vc == 0)
            return fold_alias(a);
        if (ka && va == 0)
            return fold_alias(c);
        break;
    case IR_sub:
        if (kc && vc == 0)
            return fold_alias(a);
        if (a == c)
            return fold_const(0);
        break;
    case IR_mul:
        if ((kc && vc == 0) || (ka && va == 0))
            return fold_const(0);
        if (kc && vc == 1)
            return fold_alias(a);
        if (ka && va == 1)
            return fold_alias(c);
        break;
    case IR_divs: case IR_divu:
        if (kc && vc == 1)
            return fold_alias(a);
        if (kc && vc == 0)
            return fold_const(0);
        break;
    case IR_rems: case IR_remu:
        if (kc && vc == 1)
            return fold_const(0);
        if (kc && vc == 0)
            return fold_alias(a);
        break;
    case IR_and:
        if ((kc && vc == 0) || (ka && va == 0))
            return fold_const(0);
        if ((kc && vc == m) || a == c)
            return fold_alias(a);
        if (ka && va == m)
            return fold_alias(c);
        break;
    case IR_or:
        if ((kc && vc == m) || (ka && va == m))
            return fold_const(m);
        if ((kc && vc == 0) || a == c)
            return fold_alias(a);
        if (ka && va == 0)
            return fold_alias(c);
        break;
    case IR_xor:
        if (a == c)
            return fold_const(0);
        if (kc && vc == 0)
            return fold_alias(a);
        if (ka && va == 0)
            return fold_alias(c);
        break;
    case IR_andn:
        if (a == c || (ka && va == 0) || (kc && vc == m))
            return fold_const(0);
        if (kc && vc == 0)
            return fold_alias(a);
        break;
    case IR_orn:
        if (a == c || (ka && va == m) || (kc && vc == 0))
            return fold_const(m);
        if (kc && vc == m)
            return fold_alias(a);
        break;
    case IR_xnor:
        if (a == c)
            return fold_const(m);
        if (kc && vc == m)
            return fold_alias(a);
        if (ka && va == m)
            return fold_alias(c);
        break;
    case IR_shl: case IR_shr: case IR_sar: case IR_rotl: case IR_rotr:
        if (kc && (vc & wbits) == 0)
            return fold_alias(a);
        if (ka && va == 0)
            return fold_const(0);
        if (ka && va == m && i->op != IR_shl && i->op != IR_shr)
            return fold_const(m);
        break;
    case IR_select:
        if (ka)
            return fold_alias(va ? i->in[1] : i->in[2]);
        if (i->in[1] == i->in[2])
            return fold_alias(i->in[1]);
        break;
    case IR_setcond:
        if (a == c) {
            int r = cond_same_operands((enum ir_cond)i->cond);
            if (r >= 0)
                return fold_const((uint64_t)r);
        }
        break;
    default:
        break;
    }
    return none;
}

static bool inputs_known(const struct fold_ctx *x, const struct ir_insn *i)
{
    unsigned n = ir_op_info[i->op].n_in;
    for (unsigned k = 0; k < n; k++)
        if (!x->known[i->in[k]])
            return false;
    return true;
}

static void make_movi(struct fold_ctx *x, struct ir_insn *i, uint64_t v)
{
    v &= opt_type_mask(i->type);
    i->op = IR_movi;
    i->cond = 0;
    i->mem = 0;
    memset(i->in, 0, sizeof(i->in));
    i->imm = (int64_t)v;
    i->imm2 = 0;
    x->known[i->out] = 1;
    x->val[i->out] = v;
}

static bool commutative(const struct ir_insn *i)
{
    switch (i->op) {
    case IR_add: case IR_mul: case IR_mulh: case IR_mulhu: case IR_and: case IR_or:
    case IR_xor: case IR_xnor:
        return true;
    case IR_setcond:
        return i->cond == IR_EQ || i->cond == IR_NE || i->cond == IR_TSTEQ ||
               i->cond == IR_TSTNE;
    default:
        return false;
    }
}

/* Two pure ops compute the same value: same op, width, inputs, and the
 * fields that op reads (cond for setcond, imm for movi). */
static bool same_value(const struct ir_insn *p, const struct ir_insn *i)
{
    if (p->op != i->op || p->type != i->type)
        return false;
    if (i->op == IR_movi)
        return p->imm == i->imm;
    if (i->op == IR_setcond && p->cond != i->cond)
        return false;
    for (unsigned k = 0; k < ir_op_info[i->op].n_in; k++)
        if (p->in[k] != i->in[k])
            return false;
    return true;
}

static uint32_t cse_hash(const struct ir_insn *i)
{
    uint64_t h = (uint64_t)i->op << 1 | i->type;
    unsigned n = ir_op_info[i->op].n_in;
    if (i->op == IR_movi)
        h ^= (uint64_t)i->imm * 0x9e3779b97f4a7c15ull;
    for (unsigned k = 0; k < n; k++)
        h ^= (uint64_t)i->in[k] << (11 * (k + 1));
    if (i->op == IR_setcond)
        h ^= (uint64_t)i->cond << 44;
    h *= 0xff51afd7ed558ccdull;
    return (uint32_t)(h >> 32);
}

/* The temp of an earlier identical op, or 0 after recording i (at index w). */
static ir_temp cse_lookup(struct fold_ctx *x, struct ir_insn *insns, uint32_t w)
{
    struct ir_insn *i = &insns[w];
    if (i->op != IR_movi && i->op != IR_setcond)
        i->cond = 0;
    for (uint32_t h = cse_hash(i) & x->cse_mask;; h = (h + 1) & x->cse_mask) {
        uint16_t e = x->cse[h];
        if (!e) {
            x->cse[h] = (uint16_t)(w + 1);
            return IR_NO_TEMP;
        }
        if (same_value(&insns[e - 1], i))
            return insns[e - 1].out;
    }
}

static const uint8_t cond_swapped[IR_NUM_CONDS] = {
    [IR_EQ] = IR_EQ, [IR_NE] = IR_NE, [IR_LT] = IR_GT, [IR_GE] = IR_LE, [IR_LE] = IR_GE,
    [IR_GT] = IR_LT, [IR_LTU] = IR_GTU, [IR_GEU] = IR_LEU, [IR_LEU] = IR_GEU,
    [IR_GTU] = IR_LTU, [IR_TSTEQ] = IR_TSTEQ, [IR_TSTNE] = IR_TSTNE,
};
static const uint8_t cond_inverted[IR_NUM_CONDS] = {
    [IR_EQ] = IR_NE, [IR_NE] = IR_EQ, [IR_LT] = IR_GE, [IR_GE] = IR_LT, [IR_LE] = IR_GT,
    [IR_GT] = IR_LE, [IR_LTU] = IR_GEU, [IR_GEU] = IR_LTU, [IR_LEU] = IR_GTU,
    [IR_GTU] = IR_LEU, [IR_TSTEQ] = IR_TSTNE, [IR_TSTNE] = IR_TSTEQ,
};

/*
 * One order for symmetric operands: non-constants first (by number), so that
 * equal values hash alike and a constant ends up where a backend wants an
 * immediate.  Comparisons swap their condition to match.
 */
static void canonicalize(const struct fold_ctx *x, struct ir_insn *i)
{
    bool cmp = i->op == IR_setcond || i->op == IR_exit_cond;
    if (!cmp && !commutative(i))
        return;
    ir_temp a = i->in[0], c = i->in[1];
    uint64_t ka = (uint64_t)x->known[a] << 32 | a, kc = (uint64_t)x->known[c] << 32 | c;
    if (ka <= kc)
        return;
    i->in[0] = c;
    i->in[1] = a;
    if (cmp)
        i->cond = cond_swapped[i->cond];
}

/* the kept setcond defining t, or NULL */
static const struct ir_insn *setcond_def(const struct fold_ctx *x, ir_temp t)
{
    uint16_t d = x->def[t];
    if (!d || x->b->insns[d - 1].op != IR_setcond)
        return NULL;
    return &x->b->insns[d - 1];
}

/*
 * A test of a setcond result against 0 or 1 (how flags and branch
 * conditions usually reach exit_cond) becomes the comparison itself.
 * Returns the setcond and sets *cond, or NULL when i is not such a test.
 */
static const struct ir_insn *setcond_test(const struct fold_ctx *x, const struct ir_insn *i,
                                          uint8_t *cond)
{
    ir_temp k = i->in[1];
    if ((i->cond != IR_EQ && i->cond != IR_NE) || !x->known[k] || x->val[k] > 1)
        return NULL;
    const struct ir_insn *s = setcond_def(x, i->in[0]);
    if (!s)
        return NULL;
    bool same = (i->cond == IR_NE) == (x->val[k] == 0);
    *cond = same ? s->cond : cond_inverted[s->cond];
    return s;
}

static void fuse_setcond(const struct fold_ctx *x, struct ir_insn *i)
{
    uint8_t cond;
    if (i->op == IR_select) {
        /* select(v != 0, a, b) is select(v, a, b): select tests all 64 bits of
         * its condition and v is a temp of the setcond's width */
        const struct ir_insn *s = setcond_def(x, i->in[0]);
        if (s && (s->cond == IR_NE || s->cond == IR_EQ) && x->known[s->in[1]] &&
            x->val[s->in[1]] == 0) {
            i->in[0] = s->in[0];
            if (s->cond == IR_EQ) {
                ir_temp t = i->in[1];
                i->in[1] = i->in[2];
                i->in[2] = t;
            }
        }
        return;
    }
    const struct ir_insn *s = setcond_test(x, i, &cond);
    /* a setcond keeps its own result width; an exit_cond takes the inner one */
    if (!s || (i->op == IR_setcond && s->type != i->type))
        return;
    i->cond = cond;
    i->type = s->type;
    i->in[0] = s->in[0];
    i->in[1] = s->in[1];
}

/* What to do with one instruction after its inputs are renamed. */
enum fold_action { KEEP, DROP, END };

static enum fold_action fold_insn(struct fold_ctx *x, struct ir_insn *i)
{
    const struct ir_block *b = x->b;
    uint8_t flags = ir_op_info[i->op].flags;

    if (i->op == IR_movi) {
        make_movi(x, i, (uint64_t)i->imm);
        return KEEP;
    }
    if (i->op == IR_mov) {
        x->repl[i->out] = i->in[0];
        return DROP;
    }
    canonicalize(x, i);
    if (flags & IR_F_PURE) {
        struct fold_result r;
        if (i->op == IR_setcond || i->op == IR_select)
            fuse_setcond(x, i);
        if (inputs_known(x, i)) {
            r = fold_const(ir_eval_pure(i, x->val[i->in[0]], x->val[i->in[1]],
                                        x->val[i->in[2]]));
        } else {
            r = simplify(x, i);
        }
        if (r.kind == FOLD_ALIAS && b->temp_type[r.alias] == i->type) {
            x->repl[i->out] = r.alias;
            return DROP;
        }
        if (r.kind == FOLD_CONST)
            make_movi(x, i, r.value);
        return KEEP;
    }
    if (i->op == IR_exit_cond) {
        int taken = -1;
        fuse_setcond(x, i);
        if (inputs_known(x, i))
            taken = ir_eval_cond((enum ir_cond)i->cond, (enum ir_type)i->type,
                                 x->val[i->in[0]], x->val[i->in[1]]);
        else if (i->in[0] == i->in[1])
            taken = cond_same_operands((enum ir_cond)i->cond);
        if (taken == 0)
            return DROP;
        if (taken == 1) {
            /* always taken: an unconditional direct exit, and the block ends */
            i->op = IR_exit_tb;
            i->type = IR_I64;
            i->cond = 0;
            memset(i->in, 0, sizeof(i->in));
            return END;
        }
        return KEEP;
    }
    return (flags & IR_F_END) ? END : KEEP;
}

void opt_fold(struct ir_block *b)
{
    struct fold_ctx x;
    uint32_t w = 0;

    x.b = b;
    for (uint32_t t = 0; t < b->n_temps; t++)
        x.repl[t] = t;
    memset(x.known, 0, b->n_temps);
    memset(x.def, 0, sizeof(x.def[0]) * b->n_temps);
    /* temp 0 (an absent input) reads as the constant 0 */
    x.known[0] = 1;
    x.val[0] = 0;
    /* at most one entry per insn: keep the table at most half full */
    for (x.cse_mask = 63; x.cse_mask + 1 < 2 * b->n_insns; x.cse_mask = x.cse_mask * 2 + 1)
        ;
    memset(x.cse, 0, sizeof(x.cse[0]) * (x.cse_mask + 1));

    for (uint32_t r = 0; r < b->n_insns; r++) {
        struct ir_insn *i = &b->insns[w];
        if (w != r)
            *i = b->insns[r];
        opt_rename(i, x.repl);
        enum fold_action act = fold_insn(&x, i);
        if (act == DROP)
            continue;
        if ((ir_op_info[i->op].flags & IR_F_PURE) && i->out != IR_NO_TEMP) {
            ir_temp prev = cse_lookup(&x, b->insns, w);
            if (prev != IR_NO_TEMP) {
                x.repl[i->out] = prev;
                continue;
            }
        }
        if (i->out != IR_NO_TEMP)
            x.def[i->out] = (uint16_t)(w + 1);
        w++;
        if (act == END)
            break;
    }
    b->n_insns = w;
}
