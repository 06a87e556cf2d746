/*
 * Block compilation driver and the simple ops: moves, two-address ALU ops
 * (with lea and immediate forms), shifts and rotates (BMI2 when present),
 * unary ops, width changes, compares, setcond and select.
 *
 * Invariant: an I32 value is kept zero-extended in its 64-bit register, so
 * 32-bit instructions (which zero the upper half) produce I32 results and
 * any I32 value may be read as 64 bits.
 */
#include "codegen.h"
#include "peephole.h"

#include <stdio.h>

#include "translate/exec.h"

static unsigned bit(int r)
{
    return r >= 0 ? 1u << r : 0;
}

static enum ir_cond swap_cond(enum ir_cond c)
{
    switch (c) {
    case IR_LT: return IR_GT;
    case IR_GT: return IR_LT;
    case IR_LE: return IR_GE;
    case IR_GE: return IR_LE;
    case IR_LTU: return IR_GTU;
    case IR_GTU: return IR_LTU;
    case IR_LEU: return IR_GEU;
    case IR_GEU: return IR_LEU;
    default: return c;
    }
}

static const enum x86_cc cc_of[IR_NUM_CONDS] = {
    [IR_EQ] = X86_CC_E, [IR_NE] = X86_CC_NE,
    [IR_LT] = X86_CC_L, [IR_GE] = X86_CC_GE, [IR_LE] = X86_CC_LE, [IR_GT] = X86_CC_G,
    [IR_LTU] = X86_CC_B, [IR_GEU] = X86_CC_AE, [IR_LEU] = X86_CC_BE, [IR_GTU] = X86_CC_A,
    [IR_TSTEQ] = X86_CC_E, [IR_TSTNE] = X86_CC_NE,
};

void cg_cmp_prepare(struct cg *cg, struct cg_cmp *x, enum ir_type t, enum ir_cond cond,
                    ir_temp a, ir_temp c)
{
    struct ra *ra = &cg->ra;
    struct x86_mem m;
    x->w64 = t == IR_I64;
    /* constants and state operands go second, where x86 takes them */
    if ((ra_is_const(ra, a) && !ra_is_const(ra, c)) ||
        (ra_state_mem(ra, a, &m) && !ra_is_const(ra, c) && !ra_state_mem(ra, c, &m))) {
        ir_temp tmp = a;
        a = c;
        c = tmp;
        cond = swap_cond(cond);
    }
    x->cc = cc_of[cond];
    x->tst = cond == IR_TSTEQ || cond == IR_TSTNE;
    x->a = ra_reg(ra, a, 0);
    x->c_mem = !x->tst && a != c && ra_state_mem(ra, c, &x->cm);
    if (x->c_mem)
        x->c = (struct ra_opnd){ .is_imm = false, .reg = -1 };
    else
        x->c = ra_opnd(ra, c, x->w64);
}

/* Emits only the flag-setting instruction, so nothing that clobbers flags
 * (e.g. materialising a zero with xor) may come between it and the use. */
void cg_cmp_emit(struct cg *cg, const struct cg_cmp *x)
{
    if (x->tst) {
        if (x->c.is_imm)
            x86_test_ri(cg->b, x->w64, x->a, x->c.imm);
        else
            x86_test_rr(cg->b, x->w64, x->a, x->c.reg);
    } else if (x->c_mem) {
        x86_alu_rm(cg->b, X86_CMP, x->w64, x->a, x->cm);
    } else if (x->c.is_imm) {
        /* test a, a sets exactly the flags of cmp a, 0 */
        if (x->c.imm == 0)
            x86_test_rr(cg->b, x->w64, x->a, x->a);
        else
            x86_alu_ri(cg->b, X86_CMP, x->w64, x->a, x->c.imm);
    } else {
        x86_alu_rr(cg->b, X86_CMP, x->w64, x->a, x->c.reg);
    }
}

static void cg_setcond(struct cg *cg, const struct ir_insn *i)
{
    struct cg_cmp x;
    cg_cmp_prepare(cg, &x, i->type, i->cond, i->in[0], i->in[1]);
    ra_release_dead(&cg->ra);
    int out = ra_alloc_out(&cg->ra, i->out, -1, bit(x.a) | bit(x.c.reg));
    x86_alu_rr(cg->b, X86_XOR, false, out, out);
    cg_cmp_emit(cg, &x);
    x86_setcc(cg->b, x.cc, out);
}

static void cg_select(struct cg *cg, const struct ir_insn *i)
{
    struct ra *ra = &cg->ra;
    bool w = i->type == IR_I64;
    ir_temp c = i->in[0], vt = i->in[1], vf = i->in[2];

    if (ra_is_const(ra, c) || vt == vf) {
        ir_temp v = (vt == vf || ra_const(ra, c) != 0) ? vt : vf;
        if (ra_is_const(ra, v)) {
            ra_release_dead(ra);
            int out = ra_alloc_out(ra, i->out, -1, 0);
            x86_mov_ri(cg->b, out, (uint64_t)ra_const(ra, v));
            return;
        }
        int r = ra_reg(ra, v, 0);
        ra_release_dead(ra);
        int out = ra_alloc_out(ra, i->out, r, 0);
        if (out != r)
            x86_mov_rr(cg->b, w, out, r);
        return;
    }
    int cr = ra_reg(ra, c, 0);
    int tr = ra_reg(ra, vt, 0);
    int fr = ra_reg(ra, vf, 0);
    bool f_dies = ra_dies(ra, vf) && vf != c;
    ra_release_dead(ra);
    int out = ra_alloc_out(ra, i->out, f_dies ? fr : -1, 0);
    /* test reads c before anything below can overwrite its register */
    x86_test_rr(cg->b, true, cr, cr);
    if (out == tr) {
        x86_cmov(cg->b, X86_CC_E, w, out, fr);
    } else {
        if (out != fr)
            x86_mov_rr(cg->b, w, out, fr);
        x86_cmov(cg->b, X86_CC_NE, w, out, tr);
    }
}

static void emit_alu_op(struct cg *cg, enum x86_alu op, bool w, int out, struct ra_opnd c)
{
    if (c.is_imm)
        x86_alu_ri(cg->b, op, w, out, c.imm);
    else
        x86_alu_rr(cg->b, op, w, out, c.reg);
}

/* out = a op c; invert_c applies ~ to c first (andn, orn) */
static void cg_alu(struct cg *cg, const struct ir_insn *i, enum x86_alu op, bool commut,
                   bool invert_c)
{
    struct ra *ra = &cg->ra;
    struct x86_buf *b = cg->b;
    bool w = i->type == IR_I64;
    ir_temp a = i->in[0], c = i->in[1];

    if (commut && !invert_c && a != c &&
        ((ra_is_const(ra, a) && !ra_is_const(ra, c)) ||
         (!ra_is_const(ra, c) && ra_dies(ra, c) && !ra_dies(ra, a) && ra_where(ra, c) >= 0))) {
        a = i->in[1];
        c = i->in[0];
    }
    if (invert_c && !ra_is_const(ra, c)) {
        int cr = ra_reg(ra, c, 0);
        if (op == X86_AND && x86_host.bmi1) {
            int ar = ra_reg(ra, a, 0);
            ra_release_dead(ra);
            int out = ra_alloc_out(ra, i->out, ar, 0);
            x86_andn(b, w, out, cr, ar);
            return;
        }
        int ar = ra_reg(ra, a, 0);
        ra_release_dead(ra);
        int out = ra_alloc_out(ra, i->out, ar, 0);
        x86_mov_rr(b, w, X86_RAX, cr);
        x86_unary(b, X86_NOT, w, X86_RAX);
        if (out != ar)
            x86_mov_rr(b, w, out, ar);
        x86_alu_rr(b, op, w, out, X86_RAX);
        return;
    }

    struct x86_mem cm;
    if (commut && !invert_c && a != c && ra_state_mem(ra, a, &cm) && !ra_is_const(ra, c) &&
        !ra_state_mem(ra, c, &cm)) {
        ir_temp tmp = a;
        a = c;
        c = tmp;
    }
    if (!invert_c && a != c && !ra_is_const(ra, a) && ra_state_mem(ra, c, &cm)) {
        int ar = ra_reg(ra, a, 0);
        ra_release_dead(ra);
        int out = ra_alloc_out(ra, i->out, ar, 0);
        if (out != ar)
            x86_mov_rr(b, w, out, ar);
        x86_alu_rm(b, op, w, out, cm);
        return;
    }

    struct ra_opnd oc;
    if (invert_c) {
        int64_t v = ~ra_const(ra, c);
        if (w && !x86_fits_s32(v)) {
            x86_mov_ri(b, X86_RAX, (uint64_t)v);
            oc = (struct ra_opnd){ .is_imm = false, .reg = X86_RAX };
        } else {
            oc = (struct ra_opnd){ .is_imm = true, .reg = -1, .imm = (int32_t)v };
        }
    } else {
        oc = ra_opnd(ra, c, w);
    }

    if (ra_is_const(ra, a)) {
        ra_release_dead(ra);
        int out = ra_alloc_out(ra, i->out, -1, bit(oc.reg));
        x86_mov_ri(b, out, (uint64_t)ra_const(ra, a));
        emit_alu_op(cg, op, w, out, oc);
        return;
    }
    int ar = ra_reg(ra, a, bit(oc.reg));
    ra_release_dead(ra);
    int out = ra_alloc_out(ra, i->out, ar, oc.is_imm || oc.reg == ar ? 0 : bit(oc.reg));

    if (out != ar) {
        /* three-operand forms avoid the copy */
        if (op == X86_ADD || (op == X86_SUB && oc.is_imm)) {
            if (oc.is_imm) {
                int64_t d = op == X86_SUB ? -(int64_t)oc.imm : oc.imm;
                if (!w)
                    d = (int32_t)d;
                if (x86_fits_s32(d)) {
                    x86_lea(b, w, out, X86_MEM(ar, d));
                    return;
                }
            } else {
                x86_lea(b, w, out, X86_MEM_IDX(ar, oc.reg, 0, 0));
                return;
            }
        }
        if (op == X86_AND && oc.is_imm && (oc.imm == 0xff || oc.imm == 0xffff)) {
            x86_movzx(b, oc.imm == 0xff ? X86_S8 : X86_S16, out, ar);
            return;
        }
        x86_mov_rr(b, w, out, ar);
    }
    if (op == X86_AND && oc.is_imm && w && oc.imm == -1)
        return;
    emit_alu_op(cg, op, w, out, oc);
}

static void cg_shift(struct cg *cg, const struct ir_insn *i, enum x86_shift op)
{
    struct ra *ra = &cg->ra;
    struct x86_buf *b = cg->b;
    bool w = i->type == IR_I64;
    unsigned mask = w ? 63 : 31;
    ir_temp a = i->in[0], c = i->in[1];

    if (ra_is_const(ra, c)) {
        unsigned n = (unsigned)ra_const(ra, c) & mask;
        int ar = ra_reg(ra, a, 0);
        ra_release_dead(ra);
        int out = ra_alloc_out(ra, i->out, ar, 0);
        if (n && (op == X86_ROL || op == X86_ROR) && x86_host.bmi2) {
            x86_rorx(b, w, out, ar, op == X86_ROR ? n : (mask + 1 - n) & mask);
            return;
        }
        if (out != ar)
            x86_mov_rr(b, w, out, ar);
        if (n)
            x86_shift_ri(b, op, w, out, n);
        return;
    }
    int ar = ra_reg(ra, a, 0);
    int cr = ra_reg(ra, c, 0);
    ra_release_dead(ra);
    if (x86_host.bmi2 && (op == X86_SHL || op == X86_SHR || op == X86_SAR)) {
        int out = ra_alloc_out(ra, i->out, ar, 0);
        x86_shiftx(b, op == X86_SHL ? X86_SHLX : op == X86_SHR ? X86_SHRX : X86_SARX, w,
                   out, ar, cr);
        return;
    }
    int out = ra_alloc_out(ra, i->out, ar, 0);
    x86_mov_rr(b, false, X86_RCX, cr);
    if (out != ar)
        x86_mov_rr(b, w, out, ar);
    x86_shift_cl(b, op, w, out);
}

/* out = op(a) for ops that work in place */
static void cg_unary(struct cg *cg, const struct ir_insn *i)
{
    struct ra *ra = &cg->ra;
    struct x86_buf *b = cg->b;
    bool w = i->type == IR_I64;
    ir_temp a = i->in[0];
    bool a64 = ra->blk->temp_type[a] == IR_I64;

    if (i->op == IR_mov && ra_is_const(ra, a)) {
        ra->t[i->out].is_const = true;
        ra->t[i->out].val = ra_const(ra, a);
        return;
    }
    struct x86_mem m;
    if (i->op != IR_mov && i->op != IR_neg && i->op != IR_not && i->op != IR_bswap &&
        ra_state_mem(ra, a, &m)) {
        /* a width change of a guest register: one extending load */
        static const enum x86_load kind[] = {
            [IR_sext8] = X86_LD8S, [IR_sext16] = X86_LD16S, [IR_sext32] = X86_LD32S,
            [IR_zext8] = X86_LD8U, [IR_zext16] = X86_LD16U, [IR_zext32] = X86_LD32,
            [IR_trunc32] = X86_LD32,
        };
        ra_release_dead(ra);
        int out = ra_alloc_out(ra, i->out, -1, 0);
        x86_load(b, kind[i->op], w, out, m);
        return;
    }
    int ar = ra_reg(ra, a, 0);
    ra_release_dead(ra);
    int out = ra_alloc_out(ra, i->out, ar, 0);
    switch (i->op) {
    case IR_mov:
        if (out != ar)
            x86_mov_rr(b, w, out, ar);
        break;
    case IR_neg:
    case IR_not:
        if (out != ar)
            x86_mov_rr(b, w, out, ar);
        x86_unary(b, i->op == IR_neg ? X86_NEG : X86_NOT, w, out);
        break;
    case IR_bswap:
        if (out != ar)
            x86_mov_rr(b, w, out, ar);
        x86_bswap(b, w, out);
        break;
    case IR_sext8:
        x86_movsx(b, X86_S8, w, out, ar);
        break;
    case IR_sext16:
        x86_movsx(b, X86_S16, w, out, ar);
        break;
    case IR_sext32:
        x86_movsx(b, X86_S32, true, out, ar);
        break;
    case IR_zext8:
        x86_movzx(b, X86_S8, out, ar);
        break;
    case IR_zext16:
        x86_movzx(b, X86_S16, out, ar);
        break;
    default:        /* zext32, trunc32: the upper half goes */
        if (out != ar || a64)
            x86_mov_rr(b, false, out, ar);
        break;
    }
}

/* the last block's guest insn boundaries (x86_last_insn_marks) */
static struct x86_insn_mark marks[IR_MAX_INSNS];
static uint32_t n_marks;

uint32_t x86_last_insn_marks(const struct x86_insn_mark **out)
{
    *out = marks;
    return n_marks;
}

/* An insn that emitted no code cannot fault: the next one takes its place. */
static void mark_insn(struct cg *cg, const struct ir_insn *i)
{
    uint32_t host_off = (uint32_t)(cg->b->p - cg->b->start);
    if (n_marks && marks[n_marks - 1].host_off == host_off)
        n_marks--;
    marks[n_marks++] = (struct x86_insn_mark){ host_off,
                                               (uint32_t)((uint64_t)i->imm - cg->blk->guest_pc) };
}

static bool cg_insn(struct cg *cg, const struct ir_insn *i)
{
    switch (i->op) {
    case IR_movi:
        break;
    case IR_mov: case IR_neg: case IR_not: case IR_bswap:
    case IR_sext8: case IR_sext16: case IR_sext32:
    case IR_zext8: case IR_zext16: case IR_zext32: case IR_trunc32:
        cg_unary(cg, i);
        break;
    case IR_add: cg_alu(cg, i, X86_ADD, true, false); break;
    case IR_sub: cg_alu(cg, i, X86_SUB, false, false); break;
    case IR_and: cg_alu(cg, i, X86_AND, true, false); break;
    case IR_or: cg_alu(cg, i, X86_OR, true, false); break;
    case IR_xor: cg_alu(cg, i, X86_XOR, true, false); break;
    case IR_andn: cg_alu(cg, i, X86_AND, false, true); break;
    case IR_orn: cg_alu(cg, i, X86_OR, false, true); break;
    case IR_xnor:
        cg_alu(cg, i, X86_XOR, true, false);
        x86_unary(cg->b, X86_NOT, i->type == IR_I64, ra_where(&cg->ra, i->out));
        break;
    case IR_shl: cg_shift(cg, i, X86_SHL); break;
    case IR_shr: cg_shift(cg, i, X86_SHR); break;
    case IR_sar: cg_shift(cg, i, X86_SAR); break;
    case IR_rotl: cg_shift(cg, i, X86_ROL); break;
    case IR_rotr: cg_shift(cg, i, X86_ROR); break;
    case IR_mul: cg_mul(cg, i); break;
    case IR_mulh: case IR_mulhu: case IR_mulhsu: cg_mulh(cg, i); break;
    case IR_divs: case IR_divu: case IR_rems: case IR_remu: cg_divrem(cg, i); break;
    case IR_clz: case IR_ctz: case IR_popcnt: cg_bitcount(cg, i); break;
    case IR_setcond: cg_setcond(cg, i); break;
    case IR_select: cg_select(cg, i); break;
    case IR_get_reg: cg_get_reg(cg, i); break;
    case IR_set_reg: cg_set_reg(cg, i); break;
    case IR_ld: cg_ld(cg, i); break;
    case IR_st: cg_st(cg, i); break;
    case IR_atomic_rmw: cg_atomic_rmw(cg, i); break;
    case IR_atomic_cmpxchg: cg_atomic_cmpxchg(cg, i); break;
    case IR_fence: cg_fence(cg, i); break;
    case IR_call: cg_call(cg, i); break;
    case IR_exit_cond: cg_exit_cond(cg, i); break;
    case IR_exit_tb: cg_exit_tb(cg, i); break;
    case IR_exit_ind: cg_exit_ind(cg, i); break;
    case IR_exit_trap: cg_exit_trap(cg, i); break;
    case IR_insn_start: mark_insn(cg, i); break;
    case IR_vop: case IR_vdup: case IR_vreduce: case IR_vld: case IR_vst: cg_vec(cg, i); break;
    default:
        fprintf(stderr, "jit: x86 backend has no code for IR op %s\n",
                i->op < IR_NUM_OPS ? ir_op_info[i->op].name : "?");
        return false;
    }
    return true;
}

static uint32_t last_body_size;

uint32_t x86_last_body_size(void)
{
    return last_body_size;
}

bool x86_codegen_block(struct x86_buf *b, const struct ir_block *blk)
{
    /* ~50 KiB of allocator state: static, so jit_compile serialises callers */
    static struct cg cg;

    /* the backend's private copy of the block (peephole.h) */
    static struct ir_block copy;
    x86_peephole(&copy, blk);
    blk = &copy;

    cg.b = b;
    cg.blk = blk;
    /* -d exec must see every block go through the execution loop */
    cg.chain_self = !exec_log_enabled(LOG_EXEC);
    cg.n_sites = 0;
    n_marks = 0;
    cg_vec_begin(&cg);
    ra_init(&cg.ra, b, blk);
    for (uint32_t n = 0; n < blk->n_insns; n++) {
        ra_begin_insn(&cg.ra, n);
        if (!cg_insn(&cg, &blk->insns[n]))
            return false;
        ra_end_insn(&cg.ra);
        if (cg.ra.failed)
            return false;
    }
    last_body_size = (uint32_t)(b->p - b->start);
    cg_emit_stubs(&cg);
    return true;
}
