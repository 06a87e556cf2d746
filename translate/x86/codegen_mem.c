/*
 * Guest state access (get_reg/set_reg at [rbp + offset]), guest memory
 * loads and stores (address = in0 + imm + guest_base, a single host access),
 * atomics and fences.  Atomics use locked x86 instructions, which are
 * sequentially consistent; plain accesses need no fence on x86-TSO except to
 * order a store before a later load.
 */
#include "codegen.h"
#include "peephole.h"

#include "translate/exec.h"

static enum x86_size mem_size(const struct ir_insn *i)
{
    return (enum x86_size)(i->mem & IR_MEM_SIZE_MASK);
}

/* The host operand for guest address a + disp.  scratch may be used for
 * constants that do not fit a displacement.  *base gets a's register or -1. */
static struct x86_mem guest_addr(struct cg *cg, ir_temp a, int64_t disp, int scratch, int *base)
{
    struct ra *ra = &cg->ra;
    uint64_t off = (uint64_t)disp + exec_config.guest_base;
    *base = -1;
    if (ra_is_const(ra, a)) {
        uint64_t addr = (uint64_t)ra_const(ra, a) + off;
        if (x86_fits_s32((int64_t)addr))
            return X86_MEM(X86_NO_REG, addr);
        x86_mov_ri(cg->b, scratch, addr);
        return X86_MEM(scratch, 0);
    }
    int ar = ra_reg(ra, a, 0);
    *base = ar;
    if (x86_fits_s32((int64_t)off))
        return X86_MEM(ar, off);
    x86_mov_ri(cg->b, scratch, off);
    return X86_MEM_IDX(ar, scratch, 0, 0);
}

/* The host operand of a ld/st: [in0 + imm], or with X86_MEM_INDEXED
 * (peephole.h) [in0 + in2 << cond + imm] where in0 may be absent.
 * *base gets a register the result may reuse, or -1. */
static struct x86_mem mem_operand(struct cg *cg, const struct ir_insn *i, int scratch, int *base)
{
    struct ra *ra = &cg->ra;
    if (!(i->mem & X86_MEM_INDEXED))
        return guest_addr(cg, i->in[0], i->imm, scratch, base);
    uint64_t off = (uint64_t)i->imm + exec_config.guest_base;
    int xr = ra_reg(ra, i->in[2], 0);
    int br = i->in[0] != IR_NO_TEMP ? ra_reg(ra, i->in[0], 0) : -1;
    *base = br >= 0 ? br : xr;
    if (!x86_fits_s32((int64_t)off)) {
        /* the displacement goes into scratch, folded with the base */
        x86_mov_ri(cg->b, scratch, off);
        if (br >= 0)
            x86_alu_rr(cg->b, X86_ADD, true, scratch, br);
        br = scratch;
        off = 0;
    }
    return X86_MEM_IDX(br, xr, i->cond, (int64_t)off);
}

void cg_get_reg(struct cg *cg, const struct ir_insn *i)
{
    if (ra_defer_get_reg(&cg->ra, i))
        return;
    int out = ra_alloc_out(&cg->ra, i->out, -1, 0);
    x86_load(cg->b, i->type == IR_I64 ? X86_LD64 : X86_LD32, i->type == IR_I64, out,
             X86_MEM(JIT_STATE_REG, i->imm));
}

void cg_set_reg(struct cg *cg, const struct ir_insn *i)
{
    bool w = i->type == IR_I64;
    struct ra_opnd v = ra_opnd(&cg->ra, i->in[0], w);
    struct x86_mem m = X86_MEM(JIT_STATE_REG, i->imm);
    if (v.is_imm)
        x86_store_imm(cg->b, w ? X86_S64 : X86_S32, v.imm, m);
    else
        x86_store(cg->b, w ? X86_S64 : X86_S32, v.reg, m);
}

void cg_ld(struct cg *cg, const struct ir_insn *i)
{
    static const enum x86_load kinds[2][4] = {
        { X86_LD8U, X86_LD16U, X86_LD32, X86_LD64 },
        { X86_LD8S, X86_LD16S, X86_LD32S, X86_LD64 },
    };
    int base;
    struct x86_mem m = mem_operand(cg, i, X86_RAX, &base);
    ra_release_dead(&cg->ra);
    int out = ra_alloc_out(&cg->ra, i->out, base, 0);
    x86_load(cg->b, kinds[!!(i->mem & IR_MEM_SIGN)][mem_size(i)], i->type == IR_I64, out, m);
}

void cg_st(struct cg *cg, const struct ir_insn *i)
{
    enum x86_size s = mem_size(i);
    int base;
    struct x86_mem m = mem_operand(cg, i, X86_RAX, &base);
    struct ra_opnd v = ra_opnd(&cg->ra, i->in[1], s == X86_S64);
    if (v.is_imm)
        x86_store_imm(cg->b, s, v.imm, m);
    else
        x86_store(cg->b, s, v.reg, m);
}

/* out = rax zero-extended from the access size */
static void result_from_rax(struct cg *cg, const struct ir_insn *i, enum x86_size s)
{
    ra_release_dead(&cg->ra);
    int out = ra_alloc_out(&cg->ra, i->out, -1, 0);
    if (s == X86_S64)
        x86_mov_rr(cg->b, true, out, X86_RAX);
    else
        x86_movzx(cg->b, s, out, X86_RAX);
}

/* dst = src extended from size s, signed or not, to 64 bits */
static void extend(struct x86_buf *b, enum x86_size s, bool sign, int dst, int src)
{
    if (s == X86_S64)
        x86_mov_rr(b, true, dst, src);
    else if (sign)
        x86_movsx(b, s, true, dst, src);
    else
        x86_movzx(b, s, dst, src);
}

void cg_atomic_rmw(struct cg *cg, const struct ir_insn *i)
{
    struct ra *ra = &cg->ra;
    struct x86_buf *b = cg->b;
    enum x86_size s = mem_size(i);
    int base;
    struct x86_mem m = guest_addr(cg, i->in[0], i->imm, X86_RCX, &base);
    int vr = ra_reg(ra, i->in[1], 0);

    switch (i->cond) {
    case IR_RMW_XCHG:
        x86_mov_rr(b, true, X86_RAX, vr);
        x86_xchg_mr(b, s, m, X86_RAX);
        break;
    case IR_RMW_ADD:
        x86_mov_rr(b, true, X86_RAX, vr);
        x86_lock_xadd(b, s, m, X86_RAX);
        break;
    default: {
        /* load, compute into rdx, lock cmpxchg; on failure rax has the
         * current value and we retry */
        bool minmax = i->cond >= IR_RMW_SMIN;
        bool sign = i->cond == IR_RMW_SMIN || i->cond == IR_RMW_SMAX;
        int vx = vr;
        if (minmax && s != X86_S64) {
            vx = ra_scratch(ra, 0);
            extend(b, s, sign, vx, vr);
        }
        static const enum x86_load ld[] = { X86_LD8U, X86_LD16U, X86_LD32, X86_LD64 };
        x86_load(b, ld[s], true, X86_RAX, m);
        uint8_t *loop = b->p;
        if (minmax) {
            static const enum x86_cc take_v[] = {
                [IR_RMW_SMIN] = X86_CC_G, [IR_RMW_SMAX] = X86_CC_L,
                [IR_RMW_UMIN] = X86_CC_A, [IR_RMW_UMAX] = X86_CC_B,
            };
            extend(b, s, sign, X86_RDX, X86_RAX);
            x86_alu_rr(b, X86_CMP, true, X86_RDX, vx);
            x86_cmov(b, take_v[i->cond], true, X86_RDX, vx);
        } else {
            static const enum x86_alu alu[] = {
                [IR_RMW_AND] = X86_AND, [IR_RMW_OR] = X86_OR, [IR_RMW_XOR] = X86_XOR,
            };
            x86_mov_rr(b, true, X86_RDX, X86_RAX);
            x86_alu_rr(b, alu[i->cond], true, X86_RDX, vr);
        }
        x86_lock_cmpxchg(b, s, m, X86_RDX);
        x86_patch8(x86_jcc8(b, X86_CC_NE), loop);
        break;
    }
    }
    result_from_rax(cg, i, s);
}

void cg_atomic_cmpxchg(struct cg *cg, const struct ir_insn *i)
{
    struct ra *ra = &cg->ra;
    enum x86_size s = mem_size(i);
    int base;
    struct x86_mem m = guest_addr(cg, i->in[0], i->imm, X86_RCX, &base);
    int nr = ra_reg(ra, i->in[2], 0);
    if (ra_is_const(ra, i->in[1]))
        x86_mov_ri(cg->b, X86_RAX, (uint64_t)ra_const(ra, i->in[1]));
    else
        x86_mov_rr(cg->b, true, X86_RAX, ra_reg(ra, i->in[1], 0));
    x86_lock_cmpxchg(cg->b, s, m, nr);
    result_from_rax(cg, i, s);
}

void cg_fence(struct cg *cg, const struct ir_insn *i)
{
    if (i->imm & IR_FENCE_ST_LD)
        x86_mfence(cg->b);
}
