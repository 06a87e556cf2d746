/*
 * The executable definition of the pure IR ops (ir_ops.def gives the rules in
 * prose).  The interpreter and the constant folder both call this, so the
 * cold tier and folded constants cannot drift apart; the x86-64 backend is
 * tested against it.
 *
 * Conventions beyond ir_ops.def, pinned here:
 *  - I32 ops read the low 32 bits of every input and return the result
 *    zero-extended to 64 bits.
 *  - select tests its condition input (in0) over all 64 bits.  Temps are kept
 *    at their own width (I32 temps zero-extended), so this is "cond != 0 at
 *    the condition temp's own type", whatever the select's type.
 *  - sext32/zext32/trunc32 read their input as 64 bits (an I32 input is
 *    already zero-extended).
 */
#include "ir.h"

#include <assert.h>
#include <stdlib.h>

static inline uint64_t mulh_s64(uint64_t a, uint64_t c)
{
    return (uint64_t)(((__int128)(int64_t)a * (__int128)(int64_t)c) >> 64);
}

static inline uint64_t mulh_u64(uint64_t a, uint64_t c)
{
    return (uint64_t)(((unsigned __int128)a * (unsigned __int128)c) >> 64);
}

static inline uint64_t mulh_su64(uint64_t a, uint64_t c)
{
    return (uint64_t)(((__int128)(int64_t)a * (__int128)c) >> 64);
}

bool ir_eval_cond(enum ir_cond cond, enum ir_type t, uint64_t a, uint64_t c)
{
    if (t == IR_I32) {
        uint32_t ua = (uint32_t)a, uc = (uint32_t)c;
        int32_t sa = (int32_t)ua, sc = (int32_t)uc;
        switch (cond) {
        case IR_EQ: return ua == uc;
        case IR_NE: return ua != uc;
        case IR_LT: return sa < sc;
        case IR_GE: return sa >= sc;
        case IR_LE: return sa <= sc;
        case IR_GT: return sa > sc;
        case IR_LTU: return ua < uc;
        case IR_GEU: return ua >= uc;
        case IR_LEU: return ua <= uc;
        case IR_GTU: return ua > uc;
        case IR_TSTEQ: return (ua & uc) == 0;
        case IR_TSTNE: return (ua & uc) != 0;
        default: break;
        }
    } else {
        int64_t sa = (int64_t)a, sc = (int64_t)c;
        switch (cond) {
        case IR_EQ: return a == c;
        case IR_NE: return a != c;
        case IR_LT: return sa < sc;
        case IR_GE: return sa >= sc;
        case IR_LE: return sa <= sc;
        case IR_GT: return sa > sc;
        case IR_LTU: return a < c;
        case IR_GEU: return a >= c;
        case IR_LEU: return a <= c;
        case IR_GTU: return a > c;
        case IR_TSTEQ: return (a & c) == 0;
        case IR_TSTNE: return (a & c) != 0;
        default: break;
        }
    }
    assert(!"ir_eval_cond: bad condition");
    abort();
}

static uint64_t eval32(const struct ir_insn *insn, uint32_t a, uint32_t c, uint64_t d)
{
    int32_t sa = (int32_t)a, sc = (int32_t)c;
    switch (insn->op) {
    case IR_movi: return (uint32_t)insn->imm;
    case IR_mov: return a;
    case IR_add: return (uint32_t)(a + c);
    case IR_sub: return (uint32_t)(a - c);
    case IR_mul: return (uint32_t)(a * c);
    case IR_mulh: return (uint32_t)(uint64_t)(((int64_t)sa * (int64_t)sc) >> 32);
    case IR_mulhu: return (uint32_t)(((uint64_t)a * (uint64_t)c) >> 32);
    case IR_mulhsu: return (uint32_t)(uint64_t)(((int64_t)sa * (int64_t)(uint64_t)c) >> 32);
    case IR_divs:
        if (c == 0)
            return 0;
        if (sa == INT32_MIN && sc == -1)
            return a;
        return (uint32_t)(sa / sc);
    case IR_divu: return c == 0 ? 0 : a / c;
    case IR_rems:
        if (c == 0)
            return a;
        if (sa == INT32_MIN && sc == -1)
            return 0;
        return (uint32_t)(sa % sc);
    case IR_remu: return c == 0 ? a : a % c;
    case IR_and: return a & c;
    case IR_or: return a | c;
    case IR_xor: return a ^ c;
    case IR_andn: return a & ~c;
    case IR_orn: return (uint32_t)(a | ~c);
    case IR_xnor: return (uint32_t)~(a ^ c);
    case IR_shl: return (uint32_t)(a << (c & 31));
    case IR_shr: return a >> (c & 31);
    case IR_sar: return (uint32_t)(sa >> (c & 31));
    case IR_rotl: c &= 31; return c ? (uint32_t)((a << c) | (a >> (32 - c))) : a;
    case IR_rotr: c &= 31; return c ? (uint32_t)((a >> c) | (a << (32 - c))) : a;
    case IR_neg: return (uint32_t)(0u - a);
    case IR_not: return (uint32_t)~a;
    case IR_clz: return a ? (uint64_t)__builtin_clz(a) : 32;
    case IR_ctz: return a ? (uint64_t)__builtin_ctz(a) : 32;
    case IR_popcnt: return (uint64_t)__builtin_popcount(a);
    case IR_bswap: return __builtin_bswap32(a);
    case IR_sext8: return (uint32_t)(int32_t)(int8_t)a;
    case IR_sext16: return (uint32_t)(int32_t)(int16_t)a;
    case IR_zext8: return (uint8_t)a;
    case IR_zext16: return (uint16_t)a;
    default: break;
    }
    (void)d;
    assert(!"ir_eval_pure: op has no I32 form");
    abort();
}

static uint64_t eval64(const struct ir_insn *insn, uint64_t a, uint64_t c)
{
    int64_t sa = (int64_t)a, sc = (int64_t)c;
    switch (insn->op) {
    case IR_movi: return (uint64_t)insn->imm;
    case IR_mov: return a;
    case IR_add: return a + c;
    case IR_sub: return a - c;
    case IR_mul: return a * c;
    case IR_mulh: return mulh_s64(a, c);
    case IR_mulhu: return mulh_u64(a, c);
    case IR_mulhsu: return mulh_su64(a, c);
    case IR_divs:
        if (c == 0)
            return 0;
        if (sa == INT64_MIN && sc == -1)
            return a;
        return (uint64_t)(sa / sc);
    case IR_divu: return c == 0 ? 0 : a / c;
    case IR_rems:
        if (c == 0)
            return a;
        if (sa == INT64_MIN && sc == -1)
            return 0;
        return (uint64_t)(sa % sc);
    case IR_remu: return c == 0 ? a : a % c;
    case IR_and: return a & c;
    case IR_or: return a | c;
    case IR_xor: return a ^ c;
    case IR_andn: return a & ~c;
    case IR_orn: return a | ~c;
    case IR_xnor: return ~(a ^ c);
    case IR_shl: return a << (c & 63);
    case IR_shr: return a >> (c & 63);
    case IR_sar: return (uint64_t)(sa >> (c & 63));
    case IR_rotl: c &= 63; return c ? (a << c) | (a >> (64 - c)) : a;
    case IR_rotr: c &= 63; return c ? (a >> c) | (a << (64 - c)) : a;
    case IR_neg: return 0 - a;
    case IR_not: return ~a;
    case IR_clz: return a ? (uint64_t)__builtin_clzll(a) : 64;
    case IR_ctz: return a ? (uint64_t)__builtin_ctzll(a) : 64;
    case IR_popcnt: return (uint64_t)__builtin_popcountll(a);
    case IR_bswap: return __builtin_bswap64(a);
    case IR_sext8: return (uint64_t)(int64_t)(int8_t)a;
    case IR_sext16: return (uint64_t)(int64_t)(int16_t)a;
    case IR_sext32: return (uint64_t)(int64_t)(int32_t)a;
    case IR_zext8: return (uint8_t)a;
    case IR_zext16: return (uint16_t)a;
    case IR_zext32: return (uint32_t)a;
    default: break;
    }
    assert(!"ir_eval_pure: op has no I64 form");
    abort();
}

uint64_t ir_eval_pure(const struct ir_insn *insn, uint64_t a, uint64_t c, uint64_t d)
{
    switch (insn->op) {
    case IR_setcond:
        return ir_eval_cond((enum ir_cond)insn->cond, (enum ir_type)insn->type, a, c);
    case IR_select:
        /* a is the condition at its own width; c and d are at the op width */
        if (insn->type == IR_I32)
            return a ? (uint32_t)c : (uint32_t)d;
        return a ? c : d;
    case IR_trunc32:
        return (uint32_t)a;
    default:
        break;
    }
    if (insn->type == IR_I32)
        return eval32(insn, (uint32_t)a, (uint32_t)c, d);
    return eval64(insn, a, c);
}
