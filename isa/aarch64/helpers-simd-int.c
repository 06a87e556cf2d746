/*
 * Advanced SIMD integer data processing (Arm ARM C4.1.95 classes "three
 * same", "three different", "two-register miscellaneous", "across lanes",
 * "scalar pairwise", "shift by immediate", "x indexed element" in their
 * vector and scalar forms).  Each class function decodes the fields it
 * needs, returns false for unallocated encodings and forwards FP opcodes to
 * helpers-simd-fp.c.  Operands are copied out before the result is written,
 * so Vd may alias a source.
 */
#include "isa/aarch64/simd.h"

#include "isa/aarch64/helpers.h"

uint64_t simd_sat_s(struct a64_cpu *c, __int128 v, unsigned size)
{
    __int128 max = ((__int128)1 << ((8u << size) - 1)) - 1, min = -max - 1;
    if (v > max) {
        c->fpsr |= A64_FPSR_QC;
        v = max;
    } else if (v < min) {
        c->fpsr |= A64_FPSR_QC;
        v = min;
    }
    return (uint64_t)v & elt_mask(size);
}

uint64_t simd_sat_u(struct a64_cpu *c, __int128 v, unsigned size)
{
    __int128 max = ((__int128)1 << (8u << size)) - 1;
    if (v > max) {
        c->fpsr |= A64_FPSR_QC;
        v = max;
    } else if (v < 0) {
        c->fpsr |= A64_FPSR_QC;
        v = 0;
    }
    return (uint64_t)v;
}

static unsigned n_elems(uint32_t insn, unsigned size)
{
    if (f_scalar(insn))
        return 1;
    return (f_q(insn) ? 16u : 8u) >> size;
}

/* the integer value of element bits x as signed or unsigned */
static __int128 ival(uint64_t x, unsigned size, bool u)
{
    return u ? (__int128)(x & elt_mask(size)) : (__int128)elt_sext(x, size);
}

/* SSHL/USHL/SRSHL/URSHL/SQSHL/UQSHL/SQRSHL/UQRSHL: shift by a signed byte */
static uint64_t shift_reg(struct a64_cpu *c, uint64_t a, int shift, unsigned size, bool u,
                          bool sat, bool round)
{
    unsigned es = 8u << size;
    __int128 val = ival(a, size, u), res;
    if (shift >= 0) {
        if ((unsigned)shift >= es) {
            if (!sat || val == 0)
                return 0;
            __int128 big = (__int128)1 << 100;
            return u ? simd_sat_u(c, big, size) : simd_sat_s(c, val > 0 ? big : -big, size);
        }
        res = val * ((__int128)1 << shift);
    } else {
        unsigned n = (unsigned)-shift;
        if (n > 64)
            res = round ? 0 : (val < 0 ? -1 : 0);
        else
            res = (val + (round ? (__int128)1 << (n - 1) : 0)) >> n;
    }
    if (sat)
        return u ? simd_sat_u(c, res, size) : simd_sat_s(c, res, size);
    return (uint64_t)res & elt_mask(size);
}

static uint8_t pmul8(uint8_t a, uint8_t b)
{
    uint8_t r = 0;
    for (int i = 0; i < 8; i++)
        if (b & (1u << i))
            r ^= (uint8_t)(a << i);
    return r;
}

static uint16_t pmull8(uint8_t a, uint8_t b)
{
    uint16_t r = 0;
    for (int i = 0; i < 8; i++)
        if (b & (1u << i))
            r ^= (uint16_t)(a << i);
    return r;
}

static uint64_t sqdmulh(struct a64_cpu *c, uint64_t a, uint64_t b, unsigned size, bool round)
{
    unsigned es = 8u << size;
    __int128 p = 2 * (__int128)elt_sext(a, size) * elt_sext(b, size);
    if (round)
        p += (__int128)1 << (es - 1);
    return simd_sat_s(c, p >> es, size);
}

/* one element of a "three same" integer op; d is the old destination element */
static bool three_same_elem(struct a64_cpu *c, unsigned op, bool u, unsigned size, uint64_t a,
                            uint64_t b, uint64_t d, uint64_t *r)
{
    __int128 x = ival(a, size, u), y = ival(b, size, u);
    uint64_t m = elt_mask(size);
    switch (op) {
    case 0x00: *r = (uint64_t)((x + y) >> 1); break;                    /* SHADD */
    case 0x01: *r = u ? simd_sat_u(c, x + y, size) : simd_sat_s(c, x + y, size); break;
    case 0x02: *r = (uint64_t)((x + y + 1) >> 1); break;                /* SRHADD */
    case 0x04: *r = (uint64_t)((x - y) >> 1); break;                    /* SHSUB */
    case 0x05: *r = u ? simd_sat_u(c, x - y, size) : simd_sat_s(c, x - y, size); break;
    case 0x06: *r = x > y ? ~0ull : 0; break;                           /* CMGT, CMHI */
    case 0x07: *r = x >= y ? ~0ull : 0; break;                          /* CMGE, CMHS */
    case 0x08: *r = shift_reg(c, a, (int8_t)b, size, u, false, false); break;
    case 0x09: *r = shift_reg(c, a, (int8_t)b, size, u, true, false); break;
    case 0x0a: *r = shift_reg(c, a, (int8_t)b, size, u, false, true); break;
    case 0x0b: *r = shift_reg(c, a, (int8_t)b, size, u, true, true); break;
    case 0x0c: *r = (uint64_t)(x > y ? x : y); break;                   /* SMAX, UMAX */
    case 0x0d: *r = (uint64_t)(x < y ? x : y); break;                   /* SMIN, UMIN */
    case 0x0e: *r = (uint64_t)(x > y ? x - y : y - x); break;           /* SABD, UABD */
    case 0x0f: *r = d + (uint64_t)(x > y ? x - y : y - x); break;       /* SABA, UABA */
    case 0x10: *r = u ? a - b : a + b; break;                           /* ADD, SUB */
    case 0x11: *r = u ? ((a & m) == (b & m) ? ~0ull : 0) : ((a & b & m) ? ~0ull : 0); break;
    case 0x12: *r = u ? d - a * b : d + a * b; break;                   /* MLA, MLS */
    case 0x13: *r = u ? pmul8((uint8_t)a, (uint8_t)b) : a * b; break;   /* MUL, PMUL */
    case 0x16: *r = sqdmulh(c, a, b, size, u); break;                   /* SQDMULH, SQRDMULH */
    default: return false;
    }
    *r &= m;
    return true;
}

static bool three_same_logic(struct a64_cpu *c, uint32_t insn)
{
    union a64_vec n = vec_read(c, f_rn(insn)), m = vec_read(c, f_rm(insn));
    union a64_vec d = vec_read(c, f_rd(insn)), r = { 0 };
    unsigned op = f_size(insn) | f_u(insn) << 2;
    for (unsigned i = 0; i < (f_q(insn) ? 2u : 1u); i++) {
        uint64_t a = n.d[i], b = m.d[i], x = d.d[i];
        switch (op) {
        case 0: r.d[i] = a & b; break;                  /* AND */
        case 1: r.d[i] = a & ~b; break;                 /* BIC */
        case 2: r.d[i] = a | b; break;                  /* ORR */
        case 3: r.d[i] = a | ~b; break;                 /* ORN */
        case 4: r.d[i] = a ^ b; break;                  /* EOR */
        case 5: r.d[i] = (x & a) | (~x & b); break;     /* BSL */
        case 6: r.d[i] = (b & a) | (~b & x); break;     /* BIT */
        default: r.d[i] = (~b & a) | (b & x); break;    /* BIF */
        }
    }
    vec_write(c, f_rd(insn), &r);
    return true;
}

bool simd_three_same(struct a64_cpu *c, uint32_t insn)
{
    unsigned op = (insn >> 11) & 31, size = f_size(insn);
    bool u = f_u(insn), scalar = f_scalar(insn);
    if (op >= 0x18)
        return simd_fp_three_same(c, insn);
    if (op == 0x03)
        return !scalar && three_same_logic(c, insn);
    if (scalar) {
        /* scalar forms: saturating ops at any size, the rest 64-bit only */
        switch (op) {
        case 0x01: case 0x05: case 0x09: case 0x0b: break;
        case 0x06: case 0x07: case 0x08: case 0x0a: case 0x10: case 0x11:
            if (size != 3)
                return false;
            break;
        case 0x16:
            if (size != 1 && size != 2)
                return false;
            break;
        default:
            return false;
        }
    } else {
        if (size == 3 && !f_q(insn))
            return false;
        switch (op) {
        case 0x06: case 0x07: case 0x08: case 0x09: case 0x0a: case 0x0b: case 0x01:
        case 0x05: case 0x10: case 0x11:
            break;
        case 0x13:
            if (u ? size != 0 : size == 3)
                return false;
            break;
        case 0x16:
            if (size != 1 && size != 2)
                return false;
            break;
        case 0x17:
            if (u)
                return false;
            break;
        default:
            if (size == 3)
                return false;
            break;
        }
    }
    union a64_vec n = vec_read(c, f_rn(insn)), m = vec_read(c, f_rm(insn));
    union a64_vec d = vec_read(c, f_rd(insn)), r = { 0 };
    unsigned elems = n_elems(insn, size);
    for (unsigned i = 0; i < elems; i++) {
        uint64_t res;
        if (op == 0x14 || op == 0x15 || op == 0x17) {   /* pairwise: SMAXP, SMINP, ADDP over Vn:Vm */
            const union a64_vec *src = i < elems / 2 ? &n : &m;
            unsigned j = 2 * (i % (elems / 2));
            uint64_t a = vec_get(src, size, j), b = vec_get(src, size, j + 1);
            if (op == 0x17) {
                res = a + b;
            } else {
                __int128 x = ival(a, size, u), y = ival(b, size, u);
                res = (uint64_t)((op == 0x14) == (x > y) ? x : y);
            }
            vec_set(&r, size, i, res);
            continue;
        }
        if (!three_same_elem(c, op, u, size, vec_get(&n, size, i), vec_get(&m, size, i),
                             vec_get(&d, size, i), &res))
            return false;
        vec_set(&r, size, i, res);
    }
    vec_write(c, f_rd(insn), &r);
    return true;
}

/* ---- three different: long, wide and narrowing forms ---- */

bool simd_three_diff(struct a64_cpu *c, uint32_t insn)
{
    unsigned op = (insn >> 12) & 15, size = f_size(insn);
    bool u = f_u(insn), scalar = f_scalar(insn);
    unsigned part = scalar ? 0 : f_q(insn);
    if (scalar && (u || (op != 9 && op != 11 && op != 13)))
        return false;
    if (op == 14) {             /* PMULL, PMULL2 */
        if (u || (size != 0 && size != 3))
            return false;
    } else if (op == 9 || op == 11 || op == 13) {
        if (u || (size != 1 && size != 2))
            return false;
    } else if (op == 15 || size == 3) {
        return false;
    }
    union a64_vec n = vec_read(c, f_rn(insn)), m = vec_read(c, f_rm(insn));
    union a64_vec d = vec_read(c, f_rd(insn)), r = { 0 };
    if (op == 14 && size == 3) {
        r.d[0] = simd_clmul64(n.d[part], m.d[part], &r.d[1]);
        vec_write(c, f_rd(insn), &r);
        return true;
    }
    unsigned elems = scalar ? 1 : 8u >> size, ws = size + 1;
    if (op == 4 || op == 6) {   /* [R]ADDHN (4), [R]SUBHN (6); U rounds */
        if (part)
            r.d[0] = d.d[0];
        for (unsigned i = 0; i < elems; i++) {
            uint64_t a = vec_get(&n, ws, i), b = vec_get(&m, ws, i);
            uint64_t s = op == 6 ? a - b : a + b;
            if (u)
                s += 1ull << ((8u << size) - 1);
            vec_set(&r, size, part * elems + i, s >> (8u << size));
        }
        vec_write(c, f_rd(insn), &r);
        return true;
    }
    for (unsigned i = 0; i < elems; i++) {
        bool wide = op == 1 || op == 3;
        __int128 a = wide ? ival(vec_get(&n, ws, i), ws, u)
                          : ival(vec_get(&n, size, part * elems + i), size, u);
        __int128 b = ival(vec_get(&m, size, part * elems + i), size, u);
        __int128 acc = ival(vec_get(&d, ws, i), ws, false);
        uint64_t res;
        switch (op) {
        case 0: case 1: res = (uint64_t)(a + b); break;                 /* ADDL, ADDW */
        case 2: case 3: res = (uint64_t)(a - b); break;                 /* SUBL, SUBW */
        case 5: res = (uint64_t)(acc + (a > b ? a - b : b - a)); break; /* ABAL */
        case 7: res = (uint64_t)(a > b ? a - b : b - a); break;         /* ABDL */
        case 8: res = (uint64_t)(acc + a * b); break;                   /* MLAL */
        case 10: res = (uint64_t)(acc - a * b); break;                  /* MLSL */
        case 12: res = (uint64_t)(a * b); break;                        /* MULL */
        case 14: res = pmull8((uint8_t)a, (uint8_t)b); break;
        default: {      /* SQDMLAL, SQDMLSL, SQDMULL */
            __int128 p = simd_sat_s(c, 2 * a * b, ws);
            p = elt_sext((uint64_t)p, ws);
            if (op == 9)
                res = simd_sat_s(c, acc + p, ws);
            else if (op == 11)
                res = simd_sat_s(c, acc - p, ws);
            else
                res = (uint64_t)p;
            break;
        }
        }
        vec_set(&r, ws, i, res);
    }
    vec_write(c, f_rd(insn), &r);
    return true;
}

/* ---- two-register miscellaneous ---- */

static uint64_t rev_bits(uint64_t x, unsigned bits)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < bits; i++)
        if (x & (1ull << i))
            r |= 1ull << (bits - 1 - i);
    return r;
}

/* SQXTN, UQXTN, SQXTUN, XTN: a wide element to a narrow one */
static uint64_t narrow(struct a64_cpu *c, unsigned op, bool u, uint64_t x, unsigned size)
{
    unsigned ws = size + 1;
    switch (op) {
    case 0x12:
        if (!u)
            return x & elt_mask(size);                          /* XTN */
        return simd_sat_u(c, elt_sext(x, ws), size);            /* SQXTUN */
    default:
        return u ? simd_sat_u(c, x & elt_mask(ws), size)        /* UQXTN */
                 : simd_sat_s(c, elt_sext(x, ws), size);        /* SQXTN */
    }
}

bool simd_two_misc(struct a64_cpu *c, uint32_t insn)
{
    unsigned op = (insn >> 12) & 31, size = f_size(insn);
    bool u = f_u(insn), scalar = f_scalar(insn), q = f_q(insn);
    unsigned rd = f_rd(insn);
    if (op >= 0x16 || (op >= 0x0c && op <= 0x0f))
        return simd_fp_two_misc(c, insn);
    if (op == 0x13 && !u)
        return false;
    union a64_vec n = vec_read(c, f_rn(insn)), d = vec_read(c, rd), r = { 0 };
    /* narrowing: XTN, SQXTN, UQXTN, SQXTUN */
    if (op == 0x12 || op == 0x14) {
        if (size == 3)
            return false;
        unsigned elems = scalar ? 1 : 8u >> size, part = scalar ? 0 : q;
        if (part)
            r.d[0] = d.d[0];
        if (scalar && op == 0x12 && !u)
            return false;
        for (unsigned i = 0; i < elems; i++)
            vec_set(&r, size, part * elems + i, narrow(c, op, u, vec_get(&n, size + 1, i), size));
        vec_write(c, rd, &r);
        return true;
    }
    if (op == 0x13) {           /* SHLL, SHLL2 */
        if (scalar || size == 3)
            return false;
        unsigned elems = 8u >> size;
        for (unsigned i = 0; i < elems; i++)
            vec_set(&r, size + 1, i, vec_get(&n, size, q * elems + i) << (8u << size));
        vec_write(c, rd, &r);
        return true;
    }
    if (scalar) {
        switch (op) {
        case 0x03: case 0x07: break;                            /* SUQADD/USQADD, SQABS/SQNEG */
        case 0x08: case 0x09: case 0x0b:
            if (size != 3)
                return false;
            break;
        case 0x0a:
            if (size != 3 || u)
                return false;
            break;
        default:
            return false;
        }
    } else if (size == 3 && !q) {
        return false;
    }
    unsigned elems = n_elems(insn, size);
    switch (op) {
    case 0x00: case 0x01: {     /* REV64, REV32, REV16: reverse within containers */
        unsigned cont = op ? 1 : u ? 2 : 3;     /* log2 bytes */
        if ((op && u) || size >= cont)
            return false;
        unsigned per = 1u << (cont - size);
        for (unsigned i = 0; i < elems; i++)
            vec_set(&r, size, i, vec_get(&n, size, (i / per) * per + (per - 1 - i % per)));
        break;
    }
    case 0x02: case 0x06:       /* SADDLP, UADDLP, SADALP, UADALP */
        if (size == 3)
            return false;
        for (unsigned i = 0; i < elems / 2; i++) {
            __int128 s = ival(vec_get(&n, size, 2 * i), size, u) +
                         ival(vec_get(&n, size, 2 * i + 1), size, u);
            if (op == 0x06)
                s += vec_get(&d, size + 1, i);
            vec_set(&r, size + 1, i, (uint64_t)s);
        }
        break;
    case 0x03:                  /* SUQADD, USQADD */
        for (unsigned i = 0; i < elems; i++) {
            uint64_t a = vec_get(&n, size, i), x = vec_get(&d, size, i);
            uint64_t res = u ? simd_sat_u(c, ival(x, size, true) + ival(a, size, false), size)
                             : simd_sat_s(c, ival(x, size, false) + ival(a, size, true), size);
            vec_set(&r, size, i, res);
        }
        break;
    case 0x04:                  /* CLS, CLZ */
        if (size == 3)
            return false;
        for (unsigned i = 0; i < elems; i++) {
            unsigned es = 8u << size;
            uint64_t a = vec_get(&n, size, i);
            if (!u)
                a = (a ^ (a >> 1)) & (elt_mask(size) >> 1);
            unsigned cnt = a ? (unsigned)__builtin_clzll(a) - (64 - es) : es;
            vec_set(&r, size, i, u ? cnt : cnt - 1);
        }
        break;
    case 0x05:                  /* CNT, NOT, RBIT */
        if (size > (u ? 1u : 0u))
            return false;
        for (unsigned i = 0; i < (q ? 16u : 8u); i++) {
            uint8_t a = n.b[i];
            r.b[i] = !u ? (uint8_t)__builtin_popcount(a) : size ? (uint8_t)rev_bits(a, 8)
                                                                : (uint8_t)~a;
        }
        break;
    case 0x07:                  /* SQABS, SQNEG */
        for (unsigned i = 0; i < elems; i++) {
            __int128 a = ival(vec_get(&n, size, i), size, false);
            vec_set(&r, size, i, simd_sat_s(c, u ? -a : (a < 0 ? -a : a), size));
        }
        break;
    case 0x08: case 0x09: case 0x0a:    /* CMGT/CMGE, CMEQ/CMLE, CMLT #0 */
        if (op == 0x0a && u)
            return false;
        for (unsigned i = 0; i < elems; i++) {
            int64_t a = vec_sget(&n, size, i);
            bool t = op == 0x08 ? (u ? a >= 0 : a > 0) : op == 0x09 ? (u ? a <= 0 : a == 0)
                                                                    : a < 0;
            vec_set(&r, size, i, t ? ~0ull : 0);
        }
        break;
    case 0x0b:                  /* ABS, NEG */
        for (unsigned i = 0; i < elems; i++) {
            int64_t a = vec_sget(&n, size, i);
            vec_set(&r, size, i, u || a < 0 ? 0 - (uint64_t)a : (uint64_t)a);
        }
        break;
    default:
        return false;
    }
    vec_write(c, rd, &r);
    return true;
}

/* ---- across lanes: ADDV, SADDLV, UADDLV, SMAXV, UMAXV, SMINV, UMINV ---- */

bool simd_across(struct a64_cpu *c, uint32_t insn)
{
    unsigned op = (insn >> 12) & 31, size = f_size(insn);
    bool u = f_u(insn), q = f_q(insn);
    if (op == 0x0c || op == 0x0f)
        return simd_fp_across(c, insn);
    if (size == 3 || (size == 2 && !q))
        return false;
    if (op != 0x03 && op != 0x0a && op != 0x1a && !(op == 0x1b && !u))
        return false;
    union a64_vec n = vec_read(c, f_rn(insn)), r = { 0 };
    unsigned elems = (q ? 16u : 8u) >> size;
    __int128 acc = ival(vec_get(&n, size, 0), size, u);
    for (unsigned i = 1; i < elems; i++) {
        __int128 x = ival(vec_get(&n, size, i), size, u);
        if (op == 0x03 || op == 0x1b)
            acc += x;
        else if (op == 0x0a ? x > acc : x < acc)
            acc = x;
    }
    vec_set(&r, op == 0x03 ? size + 1 : size, 0, (uint64_t)acc);
    vec_write(c, f_rd(insn), &r);
    return true;
}

/* ---- scalar pairwise: ADDP (scalar) and the FP reductions of two ---- */

bool simd_pairwise_scalar(struct a64_cpu *c, uint32_t insn)
{
    unsigned op = (insn >> 12) & 31;
    if (f_u(insn))
        return simd_fp_pairwise_scalar(c, insn);
    if (op != 0x1b || f_size(insn) != 3)
        return false;
    union a64_vec n = vec_read(c, f_rn(insn)), r = { 0 };
    r.d[0] = n.d[0] + n.d[1];
    vec_write(c, f_rd(insn), &r);
    return true;
}

/* ---- shift by immediate ---- */

bool simd_shift_imm(struct a64_cpu *c, uint32_t insn)
{
    unsigned immh = (insn >> 19) & 15, immhb = (insn >> 16) & 127, op = (insn >> 11) & 31;
    bool u = f_u(insn), q = f_q(insn), scalar = f_scalar(insn);
    if (immh == 0)
        return false;
    if (op == 0x1c || op == 0x1f)
        return simd_fp_shift_imm(c, insn);
    unsigned size = 31 - (unsigned)__builtin_clz(immh), es = 8u << size;
    unsigned rshift = 2 * es - immhb, lshift = immhb - es;
    bool narrowing = op >= 0x10 && op <= 0x13, lengthen = op == 0x14;
    if (narrowing || lengthen) {
        if (size == 3 || (lengthen && scalar))
            return false;
    } else if (scalar ? (size != 3 && op < 0x0c) : (size == 3 && !q)) {
        return false;
    }
    union a64_vec n = vec_read(c, f_rn(insn)), d = vec_read(c, f_rd(insn)), r = { 0 };
    if (narrowing) {            /* SHRN, RSHRN, SQSHRN, SQRSHRN, UQSHRN, UQRSHRN, SQSHRUN, SQRSHRUN */
        if (scalar && !u && op < 0x12)
            return false;
        unsigned nsize = size, ws = size + 1, elems = scalar ? 1 : 8u >> nsize;
        unsigned part = scalar ? 0 : q;
        rshift = 2 * es - immhb;
        if (part)
            r.d[0] = d.d[0];
        bool round = op & 1;
        for (unsigned i = 0; i < elems; i++) {
            bool src_u = u && op >= 0x12;
            __int128 x = ival(vec_get(&n, ws, i), ws, src_u);
            if (round)
                x += (__int128)1 << (rshift - 1);
            x >>= rshift;
            uint64_t res;
            if (op < 0x12)
                res = u ? simd_sat_u(c, x, nsize) : (uint64_t)x;  /* SQSHRUN or SHRN */
            else
                res = u ? simd_sat_u(c, x, nsize) : simd_sat_s(c, x, nsize);
            vec_set(&r, nsize, part * elems + i, res);
        }
        vec_write(c, f_rd(insn), &r);
        return true;
    }
    if (lengthen) {             /* SSHLL, USHLL (SXTL, UXTL) */
        unsigned elems = 8u >> size;
        for (unsigned i = 0; i < elems; i++)
            vec_set(&r, size + 1, i,
                    (uint64_t)(ival(vec_get(&n, size, q * elems + i), size, u) << lshift));
        vec_write(c, f_rd(insn), &r);
        return true;
    }
    unsigned elems = n_elems(insn, size);
    for (unsigned i = 0; i < elems; i++) {
        uint64_t a = vec_get(&n, size, i), x = vec_get(&d, size, i), res;
        __int128 v = ival(a, size, u);
        switch (op) {
        case 0x00: case 0x02: case 0x04: case 0x06: {   /* [U|S][R]SHR, [U|S][R]SRA */
            if (op & 4)
                v += (__int128)1 << (rshift - 1);
            res = (uint64_t)(v >> rshift);
            if (op & 2)
                res += x;
            break;
        }
        case 0x08:              /* SRI */
            if (!u)
                return false;
            {
                uint64_t mask = rshift >= 64 ? 0 : elt_mask(size) >> rshift;
                res = (x & ~mask) | (rshift >= 64 ? 0 : (a >> rshift) & mask);
            }
            break;
        case 0x0a: {            /* SHL, SLI */
            uint64_t sh = a << lshift;
            res = u ? (x & ~(elt_mask(size) << lshift)) | sh : sh;
            break;
        }
        case 0x0c:              /* SQSHLU */
            if (!u)
                return false;
            res = simd_sat_u(c, ival(a, size, false) * ((__int128)1 << lshift), size);
            break;
        case 0x0e:              /* SQSHL, UQSHL (immediate) */
            res = u ? simd_sat_u(c, v * ((__int128)1 << lshift), size)
                    : simd_sat_s(c, v * ((__int128)1 << lshift), size);
            break;
        default:
            return false;
        }
        vec_set(&r, size, i, res);
    }
    vec_write(c, f_rd(insn), &r);
    return true;
}

/* ---- vector and scalar x indexed element ---- */

bool simd_indexed(struct a64_cpu *c, uint32_t insn)
{
    unsigned op = (insn >> 12) & 15, size = f_size(insn);
    bool u = f_u(insn), scalar = f_scalar(insn), q = f_q(insn);
    unsigned h = (insn >> 11) & 1, l = (insn >> 21) & 1, mbit = (insn >> 20) & 1;
    bool fp = (op == 1 || op == 5 || op == 9) && !(u && op != 9);
    if (fp)
        return simd_fp_indexed(c, insn);
    if (size != 1 && size != 2)
        return false;
    unsigned idx = size == 1 ? h << 2 | l << 1 | mbit : h << 1 | l;
    unsigned rm = size == 1 ? f_rm(insn) & 15 : f_rm(insn);
    bool is_long = false, sat = false;
    switch (op | u << 4) {
    case 0x00: case 0x04: case 0x08: case 0x1c: case 0x1d:
        if (scalar)
            return false;
        break;
    case 0x10: case 0x14:       /* MLA, MLS */
        if (scalar)
            return false;
        break;
    case 0x02: case 0x06: case 0x0a: case 0x12: case 0x16: case 0x1a:
        if (scalar)
            return false;
        is_long = true;
        break;
    case 0x03: case 0x07: case 0x0b:
        is_long = sat = true;
        break;
    case 0x0c: case 0x0d:
        break;
    default:
        return false;
    }
    if ((op | u << 4) == 0x00 || (op | u << 4) == 0x04 || (op | u << 4) == 0x1c ||
        (op | u << 4) == 0x1d)
        return false;           /* unallocated or not implemented (RDM) */
    union a64_vec n = vec_read(c, f_rn(insn)), m = vec_read(c, rm), d = vec_read(c, f_rd(insn));
    union a64_vec r = { 0 };
    uint64_t e = vec_get(&m, size, idx);
    if (is_long) {
        unsigned ws = size + 1, elems = scalar ? 1 : 8u >> size, part = scalar ? 0 : q;
        for (unsigned i = 0; i < elems; i++) {
            __int128 a = ival(vec_get(&n, size, part * elems + i), size, u && !sat);
            __int128 b = ival(e, size, u && !sat), acc = ival(vec_get(&d, ws, i), ws, false);
            uint64_t res;
            if (sat) {
                __int128 p = elt_sext(simd_sat_s(c, 2 * a * b, ws), ws);
                res = op == 0x0b ? (uint64_t)p
                                 : simd_sat_s(c, op == 0x03 ? acc + p : acc - p, ws);
            } else {
                res = (uint64_t)(op == 0x0a ? a * b : op == 0x02 ? acc + a * b : acc - a * b);
            }
            vec_set(&r, ws, i, res);
        }
    } else {
        unsigned elems = n_elems(insn, size);
        for (unsigned i = 0; i < elems; i++) {
            uint64_t a = vec_get(&n, size, i), x = vec_get(&d, size, i), res;
            switch (op | u << 4) {
            case 0x08: res = a * e; break;
            case 0x10: res = x + a * e; break;
            case 0x14: res = x - a * e; break;
            default: res = sqdmulh(c, a, e, size, op == 0x0d); break;
            }
            vec_set(&r, size, i, res);
        }
    }
    vec_write(c, f_rd(insn), &r);
    return true;
}

/* ---- permute, extract, table lookup ---- */

bool simd_permute(struct a64_cpu *c, uint32_t insn)
{
    unsigned op = (insn >> 12) & 7, size = f_size(insn);
    bool q = f_q(insn);
    if (op == 0 || op == 4 || (size == 3 && !q))
        return false;
    union a64_vec n = vec_read(c, f_rn(insn)), m = vec_read(c, f_rm(insn)), r = { 0 };
    unsigned elems = (q ? 16u : 8u) >> size, half = elems / 2, part = op >> 2;
    for (unsigned i = 0; i < elems; i++) {
        uint64_t v;
        switch (op & 3) {
        case 1: {               /* UZP: even (odd) elements of Vn:Vm */
            unsigned j = 2 * i + part;
            v = j < elems ? vec_get(&n, size, j) : vec_get(&m, size, j - elems);
            break;
        }
        case 2: {               /* TRN */
            unsigned j = (i & ~1u) + part;
            v = vec_get(i & 1 ? &m : &n, size, j);
            break;
        }
        default: {              /* ZIP: low (high) halves interleaved */
            unsigned j = part * half + i / 2;
            v = vec_get(i & 1 ? &m : &n, size, j);
            break;
        }
        }
        vec_set(&r, size, i, v);
    }
    vec_write(c, f_rd(insn), &r);
    return true;
}

bool simd_extract(struct a64_cpu *c, uint32_t insn)
{
    unsigned imm4 = (insn >> 11) & 15, bytes = f_q(insn) ? 16 : 8;
    if (((insn >> 22) & 3) || imm4 >= bytes)
        return false;
    union a64_vec n = vec_read(c, f_rn(insn)), m = vec_read(c, f_rm(insn)), r = { 0 };
    for (unsigned i = 0; i < bytes; i++) {
        unsigned j = i + imm4;
        r.b[i] = j < bytes ? n.b[j] : m.b[j - bytes];
    }
    vec_write(c, f_rd(insn), &r);
    return true;
}

bool simd_table(struct a64_cpu *c, uint32_t insn)
{
    unsigned len = ((insn >> 13) & 3) + 1, rn = f_rn(insn), bytes = f_q(insn) ? 16 : 8;
    bool tbx = (insn >> 12) & 1;
    if ((insn >> 22) & 3)
        return false;
    uint8_t tab[64];
    for (unsigned i = 0; i < len; i++) {
        union a64_vec t = vec_read(c, rn + i);
        memcpy(tab + 16 * i, t.b, 16);
    }
    union a64_vec m = vec_read(c, f_rm(insn)), d = vec_read(c, f_rd(insn)), r = { 0 };
    for (unsigned i = 0; i < bytes; i++) {
        unsigned idx = m.b[i];
        r.b[i] = idx < 16 * len ? tab[idx] : tbx ? d.b[i] : 0;
    }
    vec_write(c, f_rd(insn), &r);
    return true;
}

/* ---- LDn/STn (multiple structures), n = 2..4: element e of register
 * t + k sits at simd_buf byte offset (e * n + k) * esize ---- */

static void ldst_geometry(uint32_t insn, unsigned *n, unsigned *size, unsigned *elems)
{
    unsigned opcode = (insn >> 12) & 15;
    *n = opcode == 0 ? 4 : opcode == 4 ? 3 : 2;
    *size = (insn >> 10) & 3;
    *elems = (f_q(insn) ? 16u : 8u) >> *size;
}

/* Element e of register k is element e * n + k of the memory image.  One
 * loop per element size, so that each copy is a plain move of constant
 * width (these run once per LD2-LD4/ST2-ST4 in byte-shuffling loops). */
#define PERMUTE_ELEMS(bytes, to_mem, mem, regs, n, elems)                          \
    for (unsigned k_ = 0; k_ < (n); k_++)                                         \
        for (unsigned e_ = 0; e_ < (elems); e_++) {                               \
            uint8_t *m_ = (uint8_t *)(mem) + (e_ * (n) + k_) * (bytes);           \
            uint8_t *r_ = (uint8_t *)&(regs)[k_] + e_ * (bytes);                  \
            if (to_mem)                                                           \
                memcpy(m_, r_, bytes);                                            \
            else                                                                  \
                memcpy(r_, m_, bytes);                                            \
        }

static void permute(bool to_mem, unsigned size, uint64_t *mem, union a64_vec *regs,
                    unsigned n, unsigned elems)
{
    switch (size) {
    case 0: PERMUTE_ELEMS(1, to_mem, mem, regs, n, elems); break;
    case 1: PERMUTE_ELEMS(2, to_mem, mem, regs, n, elems); break;
    case 2: PERMUTE_ELEMS(4, to_mem, mem, regs, n, elems); break;
    default: PERMUTE_ELEMS(8, to_mem, mem, regs, n, elems); break;
    }
}

bool simd_ldst_deinterleave(struct a64_cpu *c, uint32_t insn)
{
    unsigned n, size, elems, rt = f_rd(insn);
    ldst_geometry(insn, &n, &size, &elems);
    union a64_vec r[4];
    memset(r, 0, sizeof(r));
    permute(false, size, c->simd_buf, r, n, elems);
    for (unsigned k = 0; k < n; k++)
        vec_write(c, rt + k, &r[k]);
    return true;
}

bool simd_ldst_interleave(struct a64_cpu *c, uint32_t insn)
{
    unsigned n, size, elems, rt = f_rd(insn);
    ldst_geometry(insn, &n, &size, &elems);
    union a64_vec v[4];
    for (unsigned k = 0; k < n; k++)
        v[k] = vec_read(c, rt + k);
    memset(c->simd_buf, 0, sizeof(c->simd_buf));
    permute(true, size, c->simd_buf, v, n, elems);
    return true;
}

A64_HELPER(a64_helper_simd)
{
    ((a64_simd_fn)(uintptr_t)a1)(state, (uint32_t)a0);
    return 0;
}
