/*
 * Multiply, multiply-high, divide/remainder and bit counting.  Division is
 * guarded inline so that the host never raises #DE: x / 0 = 0, x % 0 = x,
 * MIN / -1 = MIN, MIN % -1 = 0 (ir_ops.def).  Bit counts use LZCNT/TZCNT/
 * POPCNT when the host has them and baseline sequences otherwise.
 */
#include "codegen.h"

void cg_mul(struct cg *cg, const struct ir_insn *i)
{
    struct ra *ra = &cg->ra;
    struct x86_buf *b = cg->b;
    bool w = i->type == IR_I64;
    ir_temp a = i->in[0], c = i->in[1];

    if (ra_is_const(ra, a) && !ra_is_const(ra, c)) {
        a = i->in[1];
        c = i->in[0];
    }
    struct ra_opnd oc = ra_opnd(ra, c, w);
    if (oc.is_imm) {
        int ar = ra_reg(ra, a, 0);
        ra_release_dead(ra);
        int out = ra_alloc_out(ra, i->out, ar, 0);
        x86_imul_rri(b, w, out, ar, oc.imm);
        return;
    }
    if (a != c && ra_dies(ra, c) && !ra_dies(ra, a)) {
        ir_temp tmp = a;
        a = c;
        c = tmp;
    }
    int ar = ra_reg(ra, a, 0);
    int cr = ra_reg(ra, c, 0);
    ra_release_dead(ra);
    int out = ra_alloc_out(ra, i->out, ar, cr == ar ? 0 : 1u << cr);
    if (out != ar)
        x86_mov_rr(b, w, out, ar);
    x86_imul_rr(b, w, out, cr);
}

void cg_mulh(struct cg *cg, const struct ir_insn *i)
{
    struct ra *ra = &cg->ra;
    struct x86_buf *b = cg->b;
    int ar = ra_reg(ra, i->in[0], 0);
    int cr = ra_reg(ra, i->in[1], 0);

    if (i->type == IR_I32) {
        /* the full product fits in 64 bits: one imul, keep bits 63..32 */
        if (i->op == IR_mulhu)
            x86_mov_rr(b, false, X86_RAX, ar);
        else
            x86_movsx(b, X86_S32, true, X86_RAX, ar);
        if (i->op == IR_mulh) {
            x86_movsx(b, X86_S32, true, X86_RDX, cr);
            x86_imul_rr(b, true, X86_RAX, X86_RDX);
        } else {
            x86_imul_rr(b, true, X86_RAX, cr);
        }
        x86_shift_ri(b, X86_SHR, true, X86_RAX, 32);
        ra_release_dead(ra);
        int out = ra_alloc_out(ra, i->out, -1, 0);
        x86_mov_rr(b, false, out, X86_RAX);
        return;
    }
    x86_mov_rr(b, true, X86_RAX, ar);
    x86_unary(b, i->op == IR_mulh ? X86_IMUL1 : X86_MUL, true, cr);
    if (i->op == IR_mulhsu) {
        /* signed a * unsigned c: the unsigned high half minus c when a < 0 */
        x86_mov_rr(b, true, X86_RAX, ar);
        x86_shift_ri(b, X86_SAR, true, X86_RAX, 63);
        x86_alu_rr(b, X86_AND, true, X86_RAX, cr);
        x86_alu_rr(b, X86_SUB, true, X86_RDX, X86_RAX);
    }
    ra_release_dead(ra);
    int out = ra_alloc_out(ra, i->out, -1, 0);
    x86_mov_rr(b, true, out, X86_RDX);
}

static bool is_pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

void cg_divrem(struct cg *cg, const struct ir_insn *i)
{
    struct ra *ra = &cg->ra;
    struct x86_buf *b = cg->b;
    bool w = i->type == IR_I64;
    bool sign = i->op == IR_divs || i->op == IR_rems;
    bool rem = i->op == IR_rems || i->op == IR_remu;
    ir_temp a = i->in[0], c = i->in[1];

    if (ra_is_const(ra, c)) {
        uint64_t v = (uint64_t)ra_const(ra, c);
        if (!w)
            v = (uint32_t)v;
        bool minus1 = w ? v == UINT64_MAX : v == UINT32_MAX;
        if (v == 0 || (sign && minus1) || (!sign && is_pow2(v))) {
            int ar = ra_reg(ra, a, 0);
            ra_release_dead(ra);
            int out = ra_alloc_out(ra, i->out, ar, 0);
            if (v == 0 && !rem) {
                x86_mov_ri(b, out, 0);
            } else if (v == 0) {
                if (out != ar)
                    x86_mov_rr(b, w, out, ar);
            } else if (minus1 && sign) {
                if (rem) {
                    x86_mov_ri(b, out, 0);
                } else {
                    if (out != ar)
                        x86_mov_rr(b, w, out, ar);
                    x86_unary(b, X86_NEG, w, out);
                }
            } else {
                if (out != ar)
                    x86_mov_rr(b, w, out, ar);
                if (rem && v - 1 <= INT32_MAX)
                    x86_alu_ri(b, X86_AND, w, out, (int32_t)(v - 1));
                else if (rem) {
                    x86_mov_ri(b, X86_RAX, v - 1);
                    x86_alu_rr(b, X86_AND, w, out, X86_RAX);
                } else
                    x86_shift_ri(b, X86_SHR, w, out, (unsigned)__builtin_ctzll(v));
            }
            return;
        }
        /* any other constant divisor cannot fault */
        if (ra_is_const(ra, a))
            x86_mov_ri(b, X86_RAX, (uint64_t)ra_const(ra, a));
        else
            x86_mov_rr(b, w, X86_RAX, ra_reg(ra, a, 0));
        x86_mov_ri(b, X86_RCX, v);
        if (sign) {
            x86_cqo(b, w);
            x86_unary(b, X86_IDIV, w, X86_RCX);
        } else {
            x86_alu_rr(b, X86_XOR, false, X86_RDX, X86_RDX);
            x86_unary(b, X86_DIV, w, X86_RCX);
        }
    } else {
        int cr = ra_reg(ra, c, 0);
        if (ra_is_const(ra, a))
            x86_mov_ri(b, X86_RAX, (uint64_t)ra_const(ra, a));
        else
            x86_mov_rr(b, w, X86_RAX, ra_reg(ra, a, 0));
        x86_test_rr(b, w, cr, cr);
        uint8_t *to_zero = x86_jcc8(b, X86_CC_E);
        uint8_t *to_minus1 = NULL;
        if (sign) {
            x86_alu_ri(b, X86_CMP, w, cr, -1);
            to_minus1 = x86_jcc8(b, X86_CC_E);
            x86_cqo(b, w);
            x86_unary(b, X86_IDIV, w, cr);
        } else {
            x86_alu_rr(b, X86_XOR, false, X86_RDX, X86_RDX);
            x86_unary(b, X86_DIV, w, cr);
        }
        uint8_t *to_done = x86_jmp8(b);
        x86_patch8(to_zero, b->p);
        if (rem)
            x86_mov_rr(b, w, X86_RDX, X86_RAX);
        else
            x86_alu_rr(b, X86_XOR, false, X86_RAX, X86_RAX);
        if (sign) {
            uint8_t *to_done2 = x86_jmp8(b);
            x86_patch8(to_minus1, b->p);
            if (rem)
                x86_alu_rr(b, X86_XOR, false, X86_RDX, X86_RDX);
            else
                x86_unary(b, X86_NEG, w, X86_RAX);
            x86_patch8(to_done2, b->p);
        }
        x86_patch8(to_done, b->p);
    }
    ra_release_dead(ra);
    int out = ra_alloc_out(ra, i->out, -1, 0);
    x86_mov_rr(b, w, out, rem ? X86_RDX : X86_RAX);
}

/* baseline popcount (Hacker's Delight 5-1) in rax, clobbering rcx/rdx */
static void popcount_swar(struct x86_buf *b, bool w)
{
    uint64_t m1 = 0x5555555555555555ull, m2 = 0x3333333333333333ull;
    uint64_t m4 = 0x0f0f0f0f0f0f0f0full, h01 = 0x0101010101010101ull;
    if (!w) {
        m1 = (uint32_t)m1, m2 = (uint32_t)m2, m4 = (uint32_t)m4, h01 = (uint32_t)h01;
    }
    x86_mov_rr(b, w, X86_RDX, X86_RAX);
    x86_shift_ri(b, X86_SHR, w, X86_RDX, 1);
    x86_mov_ri(b, X86_RCX, m1);
    x86_alu_rr(b, X86_AND, w, X86_RDX, X86_RCX);
    x86_alu_rr(b, X86_SUB, w, X86_RAX, X86_RDX);
    x86_mov_ri(b, X86_RCX, m2);
    x86_mov_rr(b, w, X86_RDX, X86_RAX);
    x86_shift_ri(b, X86_SHR, w, X86_RDX, 2);
    x86_alu_rr(b, X86_AND, w, X86_RAX, X86_RCX);
    x86_alu_rr(b, X86_AND, w, X86_RDX, X86_RCX);
    x86_alu_rr(b, X86_ADD, w, X86_RAX, X86_RDX);
    x86_mov_rr(b, w, X86_RDX, X86_RAX);
    x86_shift_ri(b, X86_SHR, w, X86_RDX, 4);
    x86_alu_rr(b, X86_ADD, w, X86_RAX, X86_RDX);
    x86_mov_ri(b, X86_RCX, m4);
    x86_alu_rr(b, X86_AND, w, X86_RAX, X86_RCX);
    x86_mov_ri(b, X86_RCX, h01);
    x86_imul_rr(b, w, X86_RAX, X86_RCX);
    x86_shift_ri(b, X86_SHR, w, X86_RAX, w ? 56 : 24);
}

void cg_bitcount(struct cg *cg, const struct ir_insn *i)
{
    struct ra *ra = &cg->ra;
    struct x86_buf *b = cg->b;
    bool w = i->type == IR_I64;
    unsigned width = w ? 64 : 32;
    int ar = ra_reg(ra, i->in[0], 0);

    if (i->op == IR_popcnt && !x86_host.popcnt) {
        x86_mov_rr(b, w, X86_RAX, ar);
        popcount_swar(b, w);
        ra_release_dead(ra);
        int out = ra_alloc_out(ra, i->out, -1, 0);
        x86_mov_rr(b, false, out, X86_RAX);
        return;
    }
    ra_release_dead(ra);
    int out = ra_alloc_out(ra, i->out, ar, 0);
    switch (i->op) {
    case IR_clz:
        if (x86_host.lzcnt) {
            x86_lzcnt(b, w, out, ar);
        } else {
            /* bsr gives the top bit's index (ZF when the input is 0);
             * clz = index ^ (width - 1), and 2 * width - 1 maps 0 to width */
            x86_bsr(b, w, out, ar);
            x86_mov_ri(b, X86_RCX, 2 * width - 1);
            x86_cmov(b, X86_CC_E, false, out, X86_RCX);
            x86_alu_ri(b, X86_XOR, false, out, (int32_t)width - 1);
        }
        break;
    case IR_ctz:
        if (x86_host.bmi1) {
            x86_tzcnt(b, w, out, ar);
        } else {
            x86_bsf(b, w, out, ar);
            x86_mov_ri(b, X86_RCX, width);
            x86_cmov(b, X86_CC_E, false, out, X86_RCX);
        }
        break;
    default:
        x86_popcnt(b, w, out, ar);
        break;
    }
}
