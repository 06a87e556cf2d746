/*
 * Block exits and helper calls.
 *
 * A direct exit (exit_tb, and the taken side of exit_cond) is a single
 * `jmp rel32` or `jcc rel32` whose displacement is 4-byte aligned, so
 * jit_patch_chain retargets it with one atomic store while other threads
 * may be executing it.  Until patched it lands on a per-site stub after the
 * block that stores the target pc and returns EXEC_EXIT_CHAIN; a patched
 * exit is a bare jump.  So the state's pc slot is only up to date when
 * control returns to the execution loop (every path there stores it: the
 * stubs, the exit_ind miss path, exit_trap), never inside generated code.
 * An exit to the block's own pc (a loop) jumps to the block start at once.
 * exit_ind probes the thread's jmp_cache inline and jumps straight to the
 * cached block on a hit.
 */
#include "codegen.h"

#include <string.h>

#include "translate/exec.h"

static struct x86_mem pc_slot(void)
{
    return X86_MEM(JIT_STATE_REG, exec_config.guest->pc_offset);
}

static void store_pc_imm(struct x86_buf *b, uint64_t pc)
{
    if (x86_fits_s32((int64_t)pc)) {
        x86_store_imm(b, X86_S64, (int32_t)pc, pc_slot());
    } else {
        x86_mov_ri(b, X86_RAX, pc);
        x86_store(b, X86_S64, X86_RAX, pc_slot());
    }
}

/* the rel32 of a direct exit to pc, just emitted at disp */
static void chain_site(struct cg *cg, uint8_t *disp, uint64_t pc)
{
    if (cg->chain_self && pc == cg->blk->guest_pc) {
        x86_patch32(disp, cg->b->start);
        return;
    }
    cg->sites[cg->n_sites++] = (struct cg_site){ disp, pc };
}

void cg_emit_stubs(struct cg *cg)
{
    for (unsigned k = 0; k < cg->n_sites; k++) {
        x86_patch32(cg->sites[k].disp, cg->b->p);
        store_pc_imm(cg->b, cg->sites[k].pc);
        x86_mov_ri(cg->b, X86_RAX,
                   EXEC_EXIT(EXEC_EXIT_CHAIN, jit_chain_site(cg->sites[k].disp)));
        x86_jmp32(cg->b, jit_epilogue());
    }
}

void cg_exit_tb(struct cg *cg, const struct ir_insn *i)
{
    x86_align(cg->b, 4, 1);
    chain_site(cg, x86_jmp32(cg->b, NULL), (uint64_t)i->imm);
}

void cg_exit_cond(struct cg *cg, const struct ir_insn *i)
{
    struct cg_cmp x;
    cg_cmp_prepare(cg, &x, i->type, i->cond, i->in[0], i->in[1]);
    /* The jcc's rel32 must be 4-byte aligned.  The padding goes before the
     * compare, not between it and the jcc, so that the two still fuse into
     * one macro-op: emit the compare, then slide it up past the nops (it
     * has no rip-relative operand). */
    uint8_t *at = cg->b->p;
    cg_cmp_emit(cg, &x);
    unsigned len = (unsigned)(cg->b->p - at);
    unsigned pad = (unsigned)((4 - ((uintptr_t)cg->b->p + 2) % 4) % 4);
    if (pad) {
        memmove(at + pad, at, len);
        struct x86_buf nops = { at, at, at + pad };
        x86_nop(&nops, pad);
        cg->b->p = at + pad + len;
    }
    chain_site(cg, x86_jcc32(cg->b, x.cc, NULL), (uint64_t)i->imm);
}

void cg_exit_ind(struct cg *cg, const struct ir_insn *i)
{
    struct x86_buf *b = cg->b;
    int tr = ra_reg(&cg->ra, i->in[0], 0);
    unsigned shift = exec_config.guest->insn_shift;

    /* rax = jmp_cache_hash(pc) * sizeof(entry), from the low 32 bits */
    x86_mov_rr(b, false, X86_RAX, tr);
    if (shift < 4)
        x86_shift_ri(b, X86_SHL, false, X86_RAX, 4 - shift);
    else if (shift > 4)
        x86_shift_ri(b, X86_SHR, false, X86_RAX, shift - 4);
    _Static_assert(sizeof(struct jmp_cache_entry) == 16, "entry size is hard-wired");
    x86_alu_ri(b, X86_AND, false, X86_RAX, (int32_t)((JMP_CACHE_SIZE - 1) << 4));
    x86_load(b, X86_LD64, true, X86_RCX, X86_MEM(X86_RSP, JIT_FRAME_JMP_CACHE));
    x86_alu_rm(b, X86_CMP, true, tr, X86_MEM_IDX(X86_RCX, X86_RAX, 0, 0));
    uint8_t *miss = x86_jcc8(b, X86_CC_NE);
    x86_jmp_m(b, X86_MEM_IDX(X86_RCX, X86_RAX, 0, 8));
    x86_patch8(miss, b->p);
    x86_store(b, X86_S64, tr, pc_slot());
    x86_mov_ri(b, X86_RAX, EXEC_EXIT(EXEC_EXIT_LOOKUP, 0));
    x86_jmp32(b, jit_epilogue());
}

void cg_exit_trap(struct cg *cg, const struct ir_insn *i)
{
    store_pc_imm(cg->b, i->imm2);
    x86_mov_ri(cg->b, X86_RAX, EXEC_EXIT(EXEC_EXIT_TRAP, (uint64_t)i->imm));
    x86_jmp32(cg->b, jit_epilogue());
}

/* where an argument comes from */
struct arg_move {
    int dst;
    ir_temp t;
    int src;                    /* register, or -1 for a constant / spill slot */
    bool done;
};

static void move_arg(struct cg *cg, struct arg_move *mv)
{
    if (mv->src >= 0)
        x86_mov_rr(cg->b, true, mv->dst, mv->src);
    else
        ra_load_into(&cg->ra, mv->dst, mv->t);
    mv->done = true;
}

void cg_call(struct cg *cg, const struct ir_insn *i)
{
    static const int arg_regs[4] = { X86_RSI, X86_RDX, X86_RCX, X86_R8 };
    struct ra *ra = &cg->ra;
    struct arg_move mv[4];
    unsigned n = 0;

    ra_save_for_call(ra);
    for (unsigned k = 0; k < 4; k++) {
        if (i->in[k] == IR_NO_TEMP)
            continue;
        mv[n] = (struct arg_move){ arg_regs[k], i->in[k], ra_where(ra, i->in[k]), false };
        if (mv[n].src == mv[n].dst)
            mv[n].done = true;
        n++;
    }
    /* parallel move into the argument registers: emit a move once no
     * pending move still reads its destination; break a cycle through rax */
    for (unsigned left = n; left;) {
        bool progress = false;
        for (unsigned k = 0; k < n; k++) {
            if (mv[k].done)
                continue;
            bool blocked = false;
            for (unsigned j = 0; j < n; j++)
                if (j != k && !mv[j].done && mv[j].src == mv[k].dst)
                    blocked = true;
            if (!blocked) {
                move_arg(cg, &mv[k]);
                left--;
                progress = true;
            }
        }
        if (!progress) {
            for (unsigned k = 0; k < n; k++)
                if (!mv[k].done) {
                    int d = mv[k].dst;
                    x86_mov_rr(cg->b, true, X86_RAX, d);
                    for (unsigned j = 0; j < n; j++)
                        if (!mv[j].done && mv[j].src == d)
                            mv[j].src = X86_RAX;
                    break;
                }
        }
        left = 0;
        for (unsigned k = 0; k < n; k++)
            left += !mv[k].done;
    }
    x86_mov_rr(cg->b, true, X86_RDI, JIT_STATE_REG);
    x86_call(cg->b, (const void *)(uintptr_t)i->imm);
    ra_release_dead(ra);
    if (i->out != IR_NO_TEMP) {
        int out = ra_alloc_out(ra, i->out, -1, 0);
        x86_mov_rr(cg->b, i->type == IR_I64, out, X86_RAX);
    }
}
