/*
 * The vector ops (translate/ir_vec.h) on SSE: sources are loaded from their
 * state slots into xmm1/xmm2, the result is formed in xmm0 and stored back.
 * No xmm register is allocated: every vector op starts from the state, so
 * xmm0..xmm6 are scratch.  Two cheap refinements keep chains of vector ops
 * fast:
 *
 *  - xmm0 still holds the result of the vector op at the previous insn, so
 *    a source equal to that slot is a register copy (cmeq then umaxp).
 *  - A slot last written in this block by 8-byte set_regs (a q load done in
 *    two halves) is loaded in two halves too (movq + movhps): a 16-byte load
 *    of two recent 8-byte stores cannot be store-forwarded and stalls.
 *
 * Kind/size combinations without an inline sequence here (or whose
 * SSSE3/SSE4 instruction the host lacks) call ir_vec_eval out of line.
 *
 * The register allocator knows only set_reg and calls as writers of the
 * state; a get_reg temp it keeps "in_state" (reloadable from its slot) must
 * be moved into a register before a vector op overwrites that slot.
 */
#include "codegen.h"
#include "emit_sse.h"

#include "translate/exec.h"
#include "translate/ir_vec.h"

enum { X0, X1, X2, X3, X4, X5, X6 };

static bool sse_ready;

void cg_vec_begin(struct cg *cg)
{
    cg->vec_at = UINT32_MAX;
    if (!sse_ready) {
        x86_sse_detect();
        sse_ready = true;
    }
}

static bool overlap16(int64_t a, uint32_t asize, int64_t slot)
{
    return a < slot + 16 && slot < a + asize;
}

/* Make the allocator stop treating temps of the bytes [slot, slot + 16) as
 * reloadable from the state: load each still-needed one now. */
static void vec_clobber(struct cg *cg, int64_t slot)
{
    struct ra *ra = &cg->ra;
    const struct ir_block *blk = cg->blk;
    for (uint32_t t = 1; t < blk->n_temps; t++) {
        struct ra_temp *rt = &ra->t[t];
        if (!rt->in_state || rt->def >= ra->cur || rt->last_use <= ra->cur)
            continue;
        if (!overlap16(rt->state_off, blk->temp_type[t] == IR_I64 ? 8 : 4, slot))
            continue;
        if (rt->reg < 0)
            ra_reg(ra, t, 0);
        rt->in_state = false;
    }
}

/* Was slot last written (in this block) by something other than a 16-byte
 * vector store?  Then a 16-byte load of it would miss store forwarding. */
static bool needs_split_load(const struct cg *cg, int64_t slot)
{
    for (uint32_t n = cg->ra.cur; n-- > 0;) {
        const struct ir_insn *i = &cg->blk->insns[n];
        uint8_t flags = ir_op_info[i->op].flags;
        if (i->op == IR_set_reg && overlap16(i->imm, i->type == IR_I64 ? 8 : 4, slot))
            return true;
        if ((flags & IR_F_VEC) && (flags & IR_F_WRITES_STATE) && overlap16(i->imm, 16, slot))
            return false;
        if (i->op == IR_call && !(i->cond & IR_CALL_NO_REGS))
            return true;
    }
    return false;
}

static struct x86_mem state_mem(int64_t off)
{
    return X86_MEM(JIT_STATE_REG, off);
}

/* xmm0 holds slot: the vector op just before this insn left it there */
static bool cached(const struct cg *cg, int64_t slot)
{
    return cg->vec_at != UINT32_MAX && cg->vec_at + 1 == cg->ra.cur && cg->vec_slot == slot;
}

static void vload(struct cg *cg, int x, int64_t slot)
{
    struct x86_buf *b = cg->b;
    if (cached(cg, slot)) {
        if (x != X0)
            x86_sse_rr(b, X86_MOVDQA, x, X0);
        return;
    }
    if (needs_split_load(cg, slot)) {
        x86_sse_rm(b, X86_MOVQ_LD, x, state_mem(slot));
        x86_sse_rm(b, X86_MOVHPS_LD, x, state_mem(slot + 8));
    } else {
        x86_sse_rm(b, X86_MOVDQU_LD, x, state_mem(slot));
    }
}

/* store xmm0 to slot and remember it is there */
static void vstore_result(struct cg *cg, int64_t slot)
{
    x86_sse_rm(cg->b, X86_MOVDQU_ST, X0, state_mem(slot));
    cg->vec_at = cg->ra.cur;
    cg->vec_slot = slot;
}

static void all_ones(struct x86_buf *b, int x)
{
    x86_sse_rr(b, X86_PCMPEQD, x, x);
}

static void invert(struct x86_buf *b, int x, int tmp)
{
    all_ones(b, tmp);
    x86_sse_rr(b, X86_PXOR, x, tmp);
}

/* x = (x == y) per 64-bit lane, without SSE4.1: both dword halves equal */
static void cmpeq64(struct x86_buf *b, int x, int y, int tmp)
{
    if (x86_sse.sse41) {
        x86_sse_rr(b, X86_PCMPEQQ, x, y);
        return;
    }
    x86_sse_rr(b, X86_PCMPEQD, x, y);
    x86_sse_rri(b, X86_PSHUFD, tmp, x, 0xb1);
    x86_sse_rr(b, X86_PAND, x, tmp);
}

/* flip the sign bit of every lane of x and y (unsigned compare via signed) */
static void bias(struct x86_buf *b, unsigned es, int x, int y, int tmp)
{
    all_ones(b, tmp);
    x86_sse_shift(b, es == 2 ? X86_PSLLD : X86_PSLLQ, tmp, es == 2 ? 31 : 63);
    x86_sse_rr(b, X86_PXOR, x, tmp);
    x86_sse_rr(b, X86_PXOR, y, tmp);
}

static const unsigned op_add[4] = { X86_PADDB, X86_PADDW, X86_PADDD, X86_PADDQ };
static const unsigned op_sub[4] = { X86_PSUBB, X86_PSUBW, X86_PSUBD, X86_PSUBQ };
static const unsigned op_eq[3] = { X86_PCMPEQB, X86_PCMPEQW, X86_PCMPEQD };
static const unsigned op_gt[3] = { X86_PCMPGTB, X86_PCMPGTW, X86_PCMPGTD };

/* xmm1 op xmm2 lane-wise into the register returned, or -1 if not inline */
static int emit_lanewise(struct x86_buf *b, unsigned kind, unsigned es)
{
    bool s41 = x86_sse.sse41;
    switch (kind) {
    case IR_VOP_ADD: x86_sse_rr(b, op_add[es], X1, X2); return X1;
    case IR_VOP_SUB: x86_sse_rr(b, op_sub[es], X1, X2); return X1;
    case IR_VOP_AND: x86_sse_rr(b, X86_PAND, X1, X2); return X1;
    case IR_VOP_OR: x86_sse_rr(b, X86_POR, X1, X2); return X1;
    case IR_VOP_XOR: x86_sse_rr(b, X86_PXOR, X1, X2); return X1;
    case IR_VOP_ANDN: x86_sse_rr(b, X86_PANDN, X2, X1); return X2;
    case IR_VOP_ORN:
        invert(b, X2, X3);
        x86_sse_rr(b, X86_POR, X1, X2);
        return X1;
    case IR_VOP_CMPEQ:
        if (es == 3)
            cmpeq64(b, X1, X2, X3);
        else
            x86_sse_rr(b, op_eq[es], X1, X2);
        return X1;
    case IR_VOP_CMPTST:
        x86_sse_rr(b, X86_PAND, X1, X2);
        x86_sse_rr(b, X86_PXOR, X3, X3);
        if (es == 3)
            cmpeq64(b, X1, X3, X4);
        else
            x86_sse_rr(b, op_eq[es], X1, X3);
        invert(b, X1, X3);
        return X1;
    case IR_VOP_CMPGT: case IR_VOP_CMPGE: case IR_VOP_CMPGTU: case IR_VOP_CMPGEU: {
        bool ge = kind == IR_VOP_CMPGE || kind == IR_VOP_CMPGEU;
        bool u = kind == IR_VOP_CMPGTU || kind == IR_VOP_CMPGEU;
        if (u && es < 2) {
            /* a >u b  <=>  sat(a - b) != 0;  a >=u b  <=>  sat(b - a) == 0 */
            int x = ge ? X2 : X1, y = ge ? X1 : X2;
            x86_sse_rr(b, es ? X86_PSUBUSW : X86_PSUBUSB, x, y);
            x86_sse_rr(b, X86_PXOR, X3, X3);
            x86_sse_rr(b, op_eq[es], x, X3);
            if (!ge)
                invert(b, x, X3);
            return x;
        }
        if (es == 3 && !x86_sse.sse42)
            return -1;
        if (u)
            bias(b, es, X1, X2, X3);
        /* gt: a > b;  ge: !(b > a) */
        int x = ge ? X2 : X1, y = ge ? X1 : X2;
        x86_sse_rr(b, es == 3 ? X86_PCMPGTQ : op_gt[es], x, y);
        if (ge)
            invert(b, x, X3);
        return x;
    }
    case IR_VOP_MIN: case IR_VOP_MAX: case IR_VOP_MINU: case IR_VOP_MAXU: {
        static const unsigned tab[4][3] = {
            /* b, h, s */
            [IR_VOP_MIN - IR_VOP_MIN] = { X86_PMINSB, X86_PMINSW, X86_PMINSD },
            [IR_VOP_MAX - IR_VOP_MIN] = { X86_PMAXSB, X86_PMAXSW, X86_PMAXSD },
            [IR_VOP_MINU - IR_VOP_MIN] = { X86_PMINUB, X86_PMINUW, X86_PMINUD },
            [IR_VOP_MAXU - IR_VOP_MIN] = { X86_PMAXUB, X86_PMAXUW, X86_PMAXUD },
        };
        if (es == 3)
            return -1;
        unsigned opc = tab[kind - IR_VOP_MIN][es];
        if ((opc & X86_P_0F38) && !s41)
            return -1;
        x86_sse_rr(b, opc, X1, X2);
        return X1;
    }
    default:
        return -1;
    }
}

/* byte pairs of x to 16-bit lanes combined, masked to their low byte */
static void pair_bytes(struct x86_buf *b, unsigned kind, int x, int odd, int mask)
{
    bool sign = kind == IR_VOP_MAXP || kind == IR_VOP_MINP;
    x86_sse_rr(b, X86_MOVDQA, odd, x);
    if (sign) {
        x86_sse_shift(b, X86_PSLLW, x, 8);
        x86_sse_shift(b, X86_PSRAW, x, 8);
        x86_sse_shift(b, X86_PSRAW, odd, 8);
    } else {
        x86_sse_rr(b, X86_PAND, x, mask);
        x86_sse_shift(b, X86_PSRLW, odd, 8);
    }
    switch (kind) {
    case IR_VOP_ADDP: x86_sse_rr(b, X86_PADDW, x, odd); break;
    case IR_VOP_MAXP: case IR_VOP_MAXPU: x86_sse_rr(b, X86_PMAXSW, x, odd); break;
    default: x86_sse_rr(b, X86_PMINSW, x, odd); break;
    }
    x86_sse_rr(b, X86_PAND, x, mask);
}

static void byte_mask(struct x86_buf *b, int x)
{
    all_ones(b, x);
    x86_sse_shift(b, X86_PSRLW, x, 8);
}

/* the 64-bit result of narrowing the wide lanes of x (shifted right by sh) */
static void narrow(struct x86_buf *b, unsigned es, int x, unsigned sh)
{
    switch (es) {
    case 0:
        x86_sse_shift(b, X86_PSRLW, x, (uint8_t)sh);
        byte_mask(b, X3);
        x86_sse_rr(b, X86_PAND, x, X3);
        x86_sse_rr(b, X86_PACKUSWB, x, x);
        break;
    case 1:
        x86_sse_shift(b, X86_PSRLD, x, (uint8_t)sh);
        /* sign-extend the low 16 bits so the signed pack keeps them exactly */
        x86_sse_shift(b, X86_PSLLD, x, 16);
        x86_sse_shift(b, X86_PSRAD, x, 16);
        x86_sse_rr(b, X86_PACKSSDW, x, x);
        break;
    default:
        x86_sse_shift(b, X86_PSRLQ, x, (uint8_t)sh);
        x86_sse_rri(b, X86_PSHUFD, x, x, 0x08);
        break;
    }
    x86_sse_rr(b, X86_MOVQ_LD, x, x);
}

static const enum x86_sse_shift op_shl[4] = { X86_PSLLW, X86_PSLLW, X86_PSLLD, X86_PSLLQ };
static const enum x86_sse_shift op_shr[4] = { X86_PSRLW, X86_PSRLW, X86_PSRLD, X86_PSRLQ };
/* no 64-bit arithmetic shift before AVX-512: callers leave es 3 out of line */
static const enum x86_sse_shift op_sar[3] = { X86_PSRAW, X86_PSRAW, X86_PSRAD };

/* xmm1 lane-wise shifted by the immediate x; -1: not inline */
static int emit_shift(struct x86_buf *b, unsigned kind, unsigned es, unsigned x)
{
    unsigned bits = 8u << es;
    if (kind == IR_VOP_SHRS) {
        if (x >= bits)
            x = bits - 1;
        if (es == 3)
            return -1;
        if (es > 0) {
            x86_sse_shift(b, op_sar[es], X1, (uint8_t)x);
            return X1;
        }
        /* bytes: the even ones shifted at the top of their word, the odd
         * ones in place, then each kept where its own bits landed */
        x86_sse_rr(b, X86_MOVDQA, X3, X1);
        x86_sse_shift(b, X86_PSLLW, X3, 8);
        x86_sse_shift(b, X86_PSRAW, X3, (uint8_t)(8 + x));
        x86_sse_shift(b, X86_PSRAW, X1, (uint8_t)x);
        byte_mask(b, X4);
        x86_sse_rr(b, X86_PAND, X3, X4);
        x86_sse_rr(b, X86_PANDN, X4, X1);
        x86_sse_rr(b, X86_POR, X3, X4);
        return X3;
    }
    if (x >= bits) {
        x86_sse_rr(b, X86_PXOR, X1, X1);
        return X1;
    }
    enum x86_sse_shift op = kind == IR_VOP_SHL ? op_shl[es] : op_shr[es];
    x86_sse_shift(b, op, X1, (uint8_t)x);
    if (es == 0) {
        /* word shifts moved bits across bytes: mask each byte to what a
         * byte shift keeps, (0xff << x) or (0xff >> x) */
        all_ones(b, X3);
        if (kind == IR_VOP_SHL) {
            x86_sse_shift(b, X86_PSLLW, X3, (uint8_t)(8 + x));
            x86_sse_shift(b, X86_PSRLW, X3, 8);
        } else {
            x86_sse_shift(b, X86_PSRLW, X3, (uint8_t)(8 + x));
        }
        x86_sse_rr(b, X86_PACKUSWB, X3, X3);
        x86_sse_rr(b, X86_PAND, X1, X3);
    }
    return X1;
}

/* the lower (hi: upper) 64 bits of x widened in place to lanes of twice es */
static void widen(struct x86_buf *b, int x, unsigned es, bool hi, bool sign, int tmp)
{
    static const unsigned lo_op[3] = { X86_PUNPCKLBW, X86_PUNPCKLWD, X86_PUNPCKLDQ };
    static const unsigned hi_op[3] = { X86_PUNPCKHBW, X86_PUNPCKHWD, X86_PUNPCKHDQ };
    unsigned op = hi ? hi_op[es] : lo_op[es];
    if (!sign) {
        x86_sse_rr(b, X86_PXOR, tmp, tmp);
        x86_sse_rr(b, op, x, tmp);
    } else if (es < 2) {
        /* each element doubled, then the upper copy shifted down by sign */
        x86_sse_rr(b, op, x, x);
        x86_sse_shift(b, op_sar[es + 1], x, (uint8_t)(8u << es));
    } else {
        x86_sse_rr(b, X86_MOVDQA, tmp, x);
        x86_sse_shift(b, X86_PSRAD, tmp, 31);
        x86_sse_rr(b, op, x, tmp);
    }
}

/* widening multiply of xmm1 and xmm2; -1: not inline */
static int emit_mull(struct x86_buf *b, unsigned es, bool hi, bool sign)
{
    switch (es) {
    case 0:     /* 8 x 8 bits fit the low 16 bits of a word product */
        widen(b, X1, 0, hi, sign, X3);
        widen(b, X2, 0, hi, sign, X3);
        x86_sse_rr(b, X86_PMULLW, X1, X2);
        return X1;
    case 1:     /* low and high halves of all eight products, interleaved */
        x86_sse_rr(b, X86_MOVDQA, X3, X1);
        x86_sse_rr(b, X86_PMULLW, X1, X2);
        x86_sse_rr(b, sign ? X86_PMULHW : X86_PMULHUW, X3, X2);
        x86_sse_rr(b, hi ? X86_PUNPCKHWD : X86_PUNPCKLWD, X1, X3);
        return X1;
    case 2:     /* pmul(u)dq takes dwords 0 and 2 */
        if (sign && !x86_sse.sse41)
            return -1;
        x86_sse_rri(b, X86_PSHUFD, X1, X1, hi ? 0xfa : 0x50);
        x86_sse_rri(b, X86_PSHUFD, X2, X2, hi ? 0xfa : 0x50);
        x86_sse_rr(b, sign ? X86_PMULDQ : X86_PMULUDQ, X1, X2);
        return X1;
    default:
        return -1;
    }
}

/* lane-wise multiply, low half of each product; -1: not inline */
static int emit_mul(struct x86_buf *b, unsigned es)
{
    switch (es) {
    case 0:     /* even bytes from word products, odd ones from the shifted */
        x86_sse_rr(b, X86_MOVDQA, X3, X1);
        x86_sse_rr(b, X86_MOVDQA, X4, X2);
        x86_sse_rr(b, X86_PMULLW, X1, X2);
        x86_sse_shift(b, X86_PSRLW, X3, 8);
        x86_sse_shift(b, X86_PSRLW, X4, 8);
        x86_sse_rr(b, X86_PMULLW, X3, X4);
        x86_sse_shift(b, X86_PSLLW, X3, 8);
        byte_mask(b, X5);
        x86_sse_rr(b, X86_PAND, X1, X5);
        x86_sse_rr(b, X86_POR, X1, X3);
        return X1;
    case 1:
        x86_sse_rr(b, X86_PMULLW, X1, X2);
        return X1;
    case 2:
        if (!x86_sse.sse41)
            return -1;
        x86_sse_rr(b, X86_PMULLD, X1, X2);
        return X1;
    default:
        return -1;
    }
}

/* pairwise add long of xmm1 plus xmm2: odd and even lanes extended by
 * shifts within the wide lanes, then added; -1: not inline */
static int emit_padal(struct x86_buf *b, unsigned es, bool sign)
{
    unsigned w = es + 1;
    uint8_t bits = (uint8_t)(8u << es);
    if (es >= 3 || (sign && w == 3))
        return -1;
    enum x86_sse_shift down = sign ? op_sar[w] : op_shr[w];
    x86_sse_rr(b, X86_MOVDQA, X3, X1);
    x86_sse_shift(b, down, X3, bits);
    x86_sse_shift(b, op_shl[w], X1, bits);
    x86_sse_shift(b, down, X1, bits);
    x86_sse_rr(b, op_add[w], X1, X3);
    x86_sse_rr(b, op_add[w], X1, X2);
    return X1;
}

/* the whole op from xmm1 (a) and xmm2 (b) into a register; -1: not inline */
static int emit_vop(struct x86_buf *b, const struct ir_insn *i)
{
    unsigned kind = i->cond & IR_VF_KIND_MASK, es = i->mem, x = ir_vsrc_x(i);
    bool half = i->cond & IR_VF_HALF;
    int r;
    switch (kind) {
    case IR_VOP_ADDP: case IR_VOP_MAXP: case IR_VOP_MINP: case IR_VOP_MAXPU:
    case IR_VOP_MINPU:
        if (es != 0)
            return -1;
        byte_mask(b, X5);
        if (half) {
            x86_sse_rr(b, X86_PUNPCKLQDQ, X1, X2);
            pair_bytes(b, kind, X1, X3, X5);
            x86_sse_rr(b, X86_PACKUSWB, X1, X1);
            x86_sse_rr(b, X86_MOVQ_LD, X1, X1);
        } else {
            pair_bytes(b, kind, X1, X3, X5);
            pair_bytes(b, kind, X2, X4, X5);
            x86_sse_rr(b, X86_PACKUSWB, X1, X2);
        }
        return X1;
    case IR_VOP_EXT:
        if (half) {
            x86_sse_rr(b, X86_PUNPCKLQDQ, X1, X2);
            if (x)
                x86_sse_shift(b, X86_PSRLDQ, X1, (uint8_t)x);
            x86_sse_rr(b, X86_MOVQ_LD, X1, X1);
            return X1;
        }
        if (x == 0)
            return X1;
        if (x86_sse.ssse3) {
            x86_sse_rri(b, X86_PALIGNR, X2, X1, (uint8_t)x);
            return X2;
        }
        x86_sse_shift(b, X86_PSRLDQ, X1, (uint8_t)x);
        x86_sse_shift(b, X86_PSLLDQ, X2, (uint8_t)(16 - x));
        x86_sse_rr(b, X86_POR, X1, X2);
        return X1;
    case IR_VOP_SHRN:
        if (es > 2)
            return -1;
        narrow(b, es, X1, x);
        return X1;
    case IR_VOP_ADDHN:
        if (es > 2)
            return -1;
        x86_sse_rr(b, op_add[es + 1], X1, X2);
        narrow(b, es, X1, 8u << es);
        return X1;
    case IR_VOP_XTLU: case IR_VOP_XTLS:
        if (es > 2)
            return -1;
        widen(b, X1, es, x >> 8 & 1, kind == IR_VOP_XTLS, X3);
        if (x & 0xff)
            x86_sse_shift(b, op_shl[es + 1], X1, (uint8_t)(x & 0xff));
        return X1;
    case IR_VOP_MULLU: case IR_VOP_MULLS:
        return emit_mull(b, es, x & 1, kind == IR_VOP_MULLS);
    default:
        if (kind == IR_VOP_SHL || kind == IR_VOP_SHRU || kind == IR_VOP_SHRS)
            r = emit_shift(b, kind, es, x);
        else if (kind == IR_VOP_MUL)
            r = emit_mul(b, es);
        else if (kind == IR_VOP_PADALU || kind == IR_VOP_PADALS)
            r = emit_padal(b, es, kind == IR_VOP_PADALS);
        else
            r = emit_lanewise(b, kind, es);
        if (r >= 0 && half)
            x86_sse_rr(b, X86_MOVQ_LD, r, r);
        return r;
    }
}

/* the reduction of xmm1 into eax; false: not inline */
static bool emit_reduce(struct x86_buf *b, const struct ir_insn *i)
{
    unsigned kind = i->cond & IR_VF_KIND_MASK;
    bool half = i->cond & IR_VF_HALF;
    if (i->mem != 0)
        return false;
    switch (kind) {
    case IR_VRED_ADD:
        x86_sse_rr(b, X86_PXOR, X3, X3);
        x86_sse_rr(b, X86_PSADBW, X1, X3);
        if (!half) {
            x86_sse_rri(b, X86_PSHUFD, X3, X1, 0x4e);
            x86_sse_rr(b, X86_PADDQ, X1, X3);
        }
        break;
    case IR_VRED_MAXU: case IR_VRED_MINU: {
        unsigned opc = kind == IR_VRED_MAXU ? X86_PMAXUB : X86_PMINUB;
        if (!half) {
            x86_sse_rri(b, X86_PSHUFD, X3, X1, 0x4e);
            x86_sse_rr(b, opc, X1, X3);
        }
        for (unsigned sh = 32; sh >= 8; sh >>= 1) {
            x86_sse_rr(b, X86_MOVDQA, X3, X1);
            x86_sse_shift(b, X86_PSRLQ, X3, (uint8_t)sh);
            x86_sse_rr(b, opc, X1, X3);
        }
        break;
    }
    default:
        return false;
    }
    x86_sse_to_gpr(b, false, X86_RAX, X1);
    x86_movzx(b, X86_S8, X86_RAX, X86_RAX);
    return true;
}

/* ---- out-of-line fallback ---- */

static uint64_t vec_fallback(void *state, uint64_t desc, int64_t imm, uint64_t imm2)
{
    struct ir_insn i = {
        .op = (uint8_t)desc, .cond = (uint8_t)(desc >> 8), .mem = (uint8_t)(desc >> 16),
        .type = (uint8_t)(desc >> 24), .imm = imm, .imm2 = imm2,
    };
    return ir_vec_eval(state, &i, 0, exec_config.guest_base);
}

/* vop or vreduce through ir_vec_eval; a vreduce result is left in rax */
static void emit_fallback(struct cg *cg, const struct ir_insn *i)
{
    struct x86_buf *b = cg->b;
    ra_save_for_call(&cg->ra);
    x86_mov_ri(b, X86_RSI, (uint64_t)i->op | (uint64_t)i->cond << 8 | (uint64_t)i->mem << 16 |
                               (uint64_t)i->type << 24);
    x86_mov_ri(b, X86_RDX, (uint64_t)i->imm);
    x86_mov_ri(b, X86_RCX, i->imm2);
    x86_mov_rr(b, true, X86_RDI, JIT_STATE_REG);
    x86_call(b, (const void *)(uintptr_t)vec_fallback);
    cg->vec_at = UINT32_MAX;    /* the call clobbered the xmm registers */
}

/* ---- the ops ---- */

/* [in0 + disp + guest_base] */
static struct x86_mem guest_mem(struct cg *cg, ir_temp a, int64_t disp)
{
    struct ra *ra = &cg->ra;
    uint64_t off = (uint64_t)disp + exec_config.guest_base;
    if (ra_is_const(ra, a)) {
        uint64_t addr = (uint64_t)ra_const(ra, a) + off;
        if (x86_fits_s32((int64_t)addr))
            return X86_MEM(X86_NO_REG, addr);
        x86_mov_ri(cg->b, X86_RAX, addr);
        return X86_MEM(X86_RAX, 0);
    }
    int ar = ra_reg(ra, a, 0);
    if (x86_fits_s32((int64_t)off))
        return X86_MEM(ar, off);
    x86_mov_ri(cg->b, X86_RAX, off);
    return X86_MEM_IDX(ar, X86_RAX, 0, 0);
}

static void cg_vop(struct cg *cg, const struct ir_insn *i)
{
    struct x86_buf *b = cg->b;
    vec_clobber(cg, i->imm);
    vload(cg, X1, ir_vsrc_a(i));
    unsigned kind = i->cond & IR_VF_KIND_MASK;
    bool unary = kind == IR_VOP_SHRN || kind == IR_VOP_SHL || kind == IR_VOP_SHRU ||
                 kind == IR_VOP_SHRS || kind == IR_VOP_XTLU || kind == IR_VOP_XTLS;
    if (i->cond & IR_VF_BZERO)
        x86_sse_rr(b, X86_PXOR, X2, X2);
    else if (!unary && ir_vsrc_b(i) == ir_vsrc_a(i))
        x86_sse_rr(b, X86_MOVDQA, X2, X1);
    else if (!unary)
        vload(cg, X2, ir_vsrc_b(i));
    uint8_t *mark = b->p;
    int r = emit_vop(b, i);
    if (r < 0) {
        b->p = mark;
        emit_fallback(cg, i);
        return;
    }
    if (r != X0)
        x86_sse_rr(b, X86_MOVDQA, X0, r);
    vstore_result(cg, i->imm);
}

static void cg_vdup(struct cg *cg, const struct ir_insn *i)
{
    struct x86_buf *b = cg->b;
    vec_clobber(cg, i->imm);
    int r = ra_reg(&cg->ra, i->in[0], 0);
    x86_sse_from_gpr(b, i->mem == 3, X0, r);
    switch (i->mem) {
    case 0:
        x86_sse_rr(b, X86_PUNPCKLBW, X0, X0);
        /* fall through */
    case 1:
        x86_sse_rr(b, X86_PUNPCKLWD, X0, X0);
        /* fall through */
    case 2:
        x86_sse_rri(b, X86_PSHUFD, X0, X0, 0);
        break;
    default:
        x86_sse_rr(b, X86_PUNPCKLQDQ, X0, X0);
        break;
    }
    if (i->cond & IR_VF_HALF)
        x86_sse_rr(b, X86_MOVQ_LD, X0, X0);
    vstore_result(cg, i->imm);
}

static void cg_vreduce(struct cg *cg, const struct ir_insn *i)
{
    struct ra *ra = &cg->ra;
    vload(cg, X1, i->imm);
    uint8_t *mark = cg->b->p;
    if (!emit_reduce(cg->b, i)) {
        cg->b->p = mark;
        emit_fallback(cg, i);
    }
    ra_release_dead(ra);
    int out = ra_alloc_out(ra, i->out, -1, 0);
    x86_mov_rr(cg->b, i->type == IR_I64, out, X86_RAX);
}

static void cg_vld(struct cg *cg, const struct ir_insn *i)
{
    bool q = i->mem == IR_VMEM_128;
    vec_clobber(cg, i->imm);
    struct x86_mem m = guest_mem(cg, i->in[0], (int64_t)i->imm2);
    x86_sse_rm(cg->b, q ? X86_MOVDQU_LD : X86_MOVQ_LD, X0, m);
    vstore_result(cg, i->imm);
}

static void cg_vst(struct cg *cg, const struct ir_insn *i)
{
    bool q = i->mem == IR_VMEM_128;
    struct x86_mem m = guest_mem(cg, i->in[0], (int64_t)i->imm2);
    if (cached(cg, i->imm)) {
        x86_sse_rm(cg->b, q ? X86_MOVDQU_ST : X86_MOVQ_ST, X0, m);
        cg->vec_at = cg->ra.cur;    /* xmm0 still holds the slot */
        return;
    }
    if (q) {
        vload(cg, X1, i->imm);
        x86_sse_rm(cg->b, X86_MOVDQU_ST, X1, m);
    } else {
        x86_sse_rm(cg->b, X86_MOVQ_LD, X1, state_mem(i->imm));
        x86_sse_rm(cg->b, X86_MOVQ_ST, X1, m);
    }
}

void cg_vec(struct cg *cg, const struct ir_insn *i)
{
    switch (i->op) {
    case IR_vop: cg_vop(cg, i); break;
    case IR_vdup: cg_vdup(cg, i); break;
    case IR_vreduce: cg_vreduce(cg, i); break;
    case IR_vld: cg_vld(cg, i); break;
    default: cg_vst(cg, i); break;
    }
}
