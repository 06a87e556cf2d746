/*
 * The executable definition of the vector ops (ir_vec.h): plain per-lane C
 * over 16-byte values, used by the interpreter, by the x86 backend for the
 * kind/size combinations it has no inline sequence for, and by the tests as
 * the reference.  Lanes are little-endian in the slot, lane 0 lowest.
 */
#include "ir_vec.h"

#include <stdlib.h>
#include <string.h>

static uint64_t lane_get(const uint8_t *v, unsigned es, unsigned i)
{
    uint64_t x = 0;
    memcpy(&x, v + (i << es), 1u << es);
    return x;
}

static void lane_set(uint8_t *v, unsigned es, unsigned i, uint64_t x)
{
    memcpy(v + (i << es), &x, 1u << es);
}

static int64_t sext(uint64_t x, unsigned es)
{
    unsigned sh = 64 - (8u << es);
    return (int64_t)(x << sh) >> sh;
}

static uint64_t lane_mask(unsigned es)
{
    return es >= 3 ? ~0ull : (1ull << (8u << es)) - 1;
}

static uint64_t lanewise(unsigned kind, unsigned es, uint64_t a, uint64_t b)
{
    int64_t sa = sext(a, es), sb = sext(b, es);
    switch (kind) {
    case IR_VOP_ADD: return a + b;
    case IR_VOP_SUB: return a - b;
    case IR_VOP_AND: return a & b;
    case IR_VOP_OR: return a | b;
    case IR_VOP_XOR: return a ^ b;
    case IR_VOP_ANDN: return a & ~b;
    case IR_VOP_ORN: return a | ~b;
    case IR_VOP_CMPEQ: return a == b ? ~0ull : 0;
    case IR_VOP_CMPGT: return sa > sb ? ~0ull : 0;
    case IR_VOP_CMPGE: return sa >= sb ? ~0ull : 0;
    case IR_VOP_CMPGTU: return a > b ? ~0ull : 0;
    case IR_VOP_CMPGEU: return a >= b ? ~0ull : 0;
    case IR_VOP_CMPTST: return (a & b) ? ~0ull : 0;
    case IR_VOP_MIN: case IR_VOP_MINP: return sa < sb ? a : b;
    case IR_VOP_MAX: case IR_VOP_MAXP: return sa > sb ? a : b;
    case IR_VOP_MINU: case IR_VOP_MINPU: return a < b ? a : b;
    case IR_VOP_MAXU: case IR_VOP_MAXPU: return a > b ? a : b;
    case IR_VOP_ADDP: return a + b;
    case IR_VOP_MUL: return a * b;
    default: abort();   /* front-end bug: not a lane-wise kind */
    }
}

static uint64_t shift(unsigned kind, unsigned es, uint64_t a, unsigned x)
{
    unsigned bits = 8u << es;
    if (kind == IR_VOP_SHRS)
        return (uint64_t)(sext(a, es) >> (x >= bits ? bits - 1 : x));
    if (x >= bits)
        return 0;
    return kind == IR_VOP_SHL ? a << x : a >> x;
}

/* lane i of v, zero- or sign-extended */
static uint64_t widen(const uint8_t *v, unsigned es, unsigned i, bool sign)
{
    uint64_t x = lane_get(v, es, i);
    return sign ? (uint64_t)sext(x, es) : x;
}

void ir_vec_eval_vop(uint8_t d[16], const uint8_t a[16], const uint8_t b[16], unsigned cond,
                     unsigned es, unsigned x)
{
    unsigned kind = cond & IR_VF_KIND_MASK;
    bool half = cond & IR_VF_HALF;
    unsigned width = half ? 8 : 16, n = width >> es;
    uint8_t r[16] = { 0 }, zero[16] = { 0 }, cat[32];

    if (cond & IR_VF_BZERO)
        b = zero;
    switch (kind) {
    case IR_VOP_ADDP: case IR_VOP_MAXP: case IR_VOP_MINP:
    case IR_VOP_MAXPU: case IR_VOP_MINPU:
        memcpy(cat, a, width);
        memcpy(cat + width, b, width);
        for (unsigned i = 0; i < n; i++)
            lane_set(r, es, i, lanewise(kind, es, lane_get(cat, es, 2 * i),
                                        lane_get(cat, es, 2 * i + 1)));
        break;
    case IR_VOP_EXT:
        memcpy(cat, a, width);
        memcpy(cat + width, b, width);
        if (x >= width)
            abort();    /* front-end bug: EXT index out of range */
        memcpy(r, cat + x, width);
        break;
    case IR_VOP_SHRN: case IR_VOP_ADDHN: {
        unsigned wide = es + 1;
        if (es >= 3)
            abort();    /* front-end bug: nothing narrows to 128-bit lanes */
        for (unsigned i = 0; i < 8u >> es; i++) {
            uint64_t v = lane_get(a, wide, i);
            if (kind == IR_VOP_SHRN)
                v = x >= 64 ? 0 : v >> x;
            else
                v = ((v + lane_get(b, wide, i)) & lane_mask(wide)) >> (8u << es);
            lane_set(r, es, i, v);
        }
        break;
    }
    case IR_VOP_SHL: case IR_VOP_SHRU: case IR_VOP_SHRS:
        for (unsigned i = 0; i < n; i++)
            lane_set(r, es, i, shift(kind, es, lane_get(a, es, i), x));
        break;
    case IR_VOP_XTLU: case IR_VOP_XTLS: case IR_VOP_MULLU: case IR_VOP_MULLS: {
        bool sign = kind == IR_VOP_XTLS || kind == IR_VOP_MULLS;
        bool mul = kind == IR_VOP_MULLU || kind == IR_VOP_MULLS;
        unsigned hi = mul ? x & 1 : x >> 8 & 1, sh = mul ? 0 : x & 0xff;
        if (es >= 3 || sh > (8u << es))
            abort();    /* front-end bug: nothing widens to 128-bit lanes */
        for (unsigned i = 0; i < 8u >> es; i++) {
            uint64_t va = widen(a, es, hi * (8u >> es) + i, sign);
            uint64_t vb = mul ? widen(b, es, hi * (8u >> es) + i, sign) : 1;
            lane_set(r, es + 1, i, (va * vb) << sh);
        }
        break;
    }
    case IR_VOP_PADALU: case IR_VOP_PADALS:
        if (es >= 3)
            abort();    /* front-end bug: nothing widens to 128-bit lanes */
        for (unsigned i = 0; i < n / 2; i++)
            lane_set(r, es + 1, i, lane_get(b, es + 1, i) +
                     widen(a, es, 2 * i, kind == IR_VOP_PADALS) +
                     widen(a, es, 2 * i + 1, kind == IR_VOP_PADALS));
        break;
    default:
        for (unsigned i = 0; i < n; i++)
            lane_set(r, es, i, lanewise(kind, es, lane_get(a, es, i), lane_get(b, es, i)));
        break;
    }
    memcpy(d, r, 16);
}

uint64_t ir_vec_eval_reduce(const uint8_t a[16], unsigned cond, unsigned es)
{
    unsigned n = ((cond & IR_VF_HALF) ? 8u : 16u) >> es;
    uint64_t acc = lane_get(a, es, 0);
    for (unsigned i = 1; i < n; i++) {
        uint64_t v = lane_get(a, es, i);
        switch (cond & IR_VF_KIND_MASK) {
        case IR_VRED_ADD: acc += v; break;
        case IR_VRED_MAXU: acc = v > acc ? v : acc; break;
        case IR_VRED_MINU: acc = v < acc ? v : acc; break;
        case IR_VRED_MAX: acc = sext(v, es) > sext(acc, es) ? v : acc; break;
        case IR_VRED_MIN: acc = sext(v, es) < sext(acc, es) ? v : acc; break;
        default: abort();   /* front-end bug: unknown reduction */
        }
    }
    return acc & lane_mask(es);
}

uint64_t ir_vec_eval(void *state, const struct ir_insn *i, uint64_t in0, uintptr_t guest_base)
{
    uint8_t *st = state, v[16];
    switch (i->op) {
    case IR_vop: {
        uint8_t a[16], b[16];
        memcpy(a, st + ir_vsrc_a(i), 16);
        memcpy(b, st + ir_vsrc_b(i), 16);
        ir_vec_eval_vop(v, a, b, i->cond, i->mem, ir_vsrc_x(i));
        memcpy(st + i->imm, v, 16);
        return 0;
    }
    case IR_vdup:
        memset(v, 0, 16);
        for (unsigned k = 0; k < ((i->cond & IR_VF_HALF) ? 8u : 16u) >> i->mem; k++)
            lane_set(v, i->mem, k, in0);
        memcpy(st + i->imm, v, 16);
        return 0;
    case IR_vreduce:
        memcpy(v, st + i->imm, 16);
        return ir_vec_eval_reduce(v, i->cond, i->mem) & (i->type == IR_I32 ? 0xffffffffull : ~0ull);
    case IR_vld: {
        const void *p = (const void *)(guest_base + (uintptr_t)in0 + (uintptr_t)i->imm2);
        memset(v, 0, 16);
        memcpy(v, p, i->mem == IR_VMEM_128 ? 16 : 8);
        memcpy(st + i->imm, v, 16);
        return 0;
    }
    case IR_vst: {
        void *p = (void *)(guest_base + (uintptr_t)in0 + (uintptr_t)i->imm2);
        memcpy(p, st + i->imm, i->mem == IR_VMEM_128 ? 16 : 8);
        return 0;
    }
    default:
        abort();        /* not a vector op */
    }
}
