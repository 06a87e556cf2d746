/*
 * A64 "Data Processing -- Immediate" (Arm ARM C4.1.86): PC-relative
 * addressing, add/subtract immediate, logical immediate, move wide,
 * bitfield and extract.
 */
#include "isa/aarch64/translate.h"

static ir_temp cst(struct a64_dc *dc, bool sf, uint64_t v)
{
    return a64_const(dc, sf, v);
}

static uint64_t ones(unsigned n)
{
    return n >= 64 ? ~0ull : (1ull << n) - 1;
}

/* ADR, ADRP */
static bool trans_adr(struct a64_dc *dc, uint32_t insn)
{
    int64_t imm = (a64_sbits(insn, 23, 5) << 2) | a64_bits(insn, 30, 29);
    uint64_t v;
    if (insn & (1u << 31))
        v = (dc->pc & ~0xfffull) + ((uint64_t)imm << 12);
    else
        v = dc->pc + (uint64_t)imm;
    a64_set_x(dc, a64_bits(insn, 4, 0), true, cst(dc, true, v));
    return true;
}

/* ADD, ADDS, SUB, SUBS (immediate) */
static bool trans_addsub_imm(struct a64_dc *dc, uint32_t insn)
{
    bool sf = insn >> 31, sub = (insn >> 30) & 1, setflags = (insn >> 29) & 1;
    uint64_t imm = a64_bits(insn, 21, 10);
    unsigned rn = a64_bits(insn, 9, 5), rd = a64_bits(insn, 4, 0);
    if (insn & (1u << 22))
        imm <<= 12;
    ir_temp a = a64_get_xsp(dc, rn, sf), c = cst(dc, sf, imm), res;
    if (setflags) {
        res = sub ? a64_sub_flags(dc, sf, a, c) : a64_add_flags(dc, sf, a, c, IR_NO_TEMP);
        a64_set_x(dc, rd, sf, res);
    } else {
        res = ir_binop(dc->b, sub ? IR_sub : IR_add, a64_type(sf), a, c);
        a64_set_xsp(dc, rd, sf, res);
    }
    return true;
}

/* DecodeBitMasks (Arm ARM J1, shared/functions/bitmasks): the wmask of a
 * logical immediate.  Also used for the bitfield aliases' validity. */
bool a64_decode_bitmask(bool sf, unsigned n, unsigned imms, unsigned immr, uint64_t *out)
{
    unsigned combined = (n << 6) | (~imms & 0x3f);
    if (combined == 0)
        return false;
    unsigned len = 31 - (unsigned)__builtin_clz(combined);
    if (len < 1 || (!sf && n))
        return false;
    unsigned esize = 1u << len, levels = esize - 1;
    unsigned s = imms & levels, r = immr & levels;
    if (s == levels)
        return false;
    uint64_t welem = ones(s + 1);
    if (r)
        welem = ((welem >> r) | (welem << (esize - r))) & ones(esize);
    uint64_t v = 0;
    for (unsigned i = 0; i < 64; i += esize)
        v |= welem << i;
    *out = sf ? v : (uint32_t)v;
    return true;
}

/* AND, ORR, EOR, ANDS (immediate) */
static bool trans_logic_imm(struct a64_dc *dc, uint32_t insn)
{
    bool sf = insn >> 31;
    unsigned opc = a64_bits(insn, 30, 29), rn = a64_bits(insn, 9, 5), rd = a64_bits(insn, 4, 0);
    uint64_t imm;
    if (!a64_decode_bitmask(sf, (insn >> 22) & 1, a64_bits(insn, 15, 10),
                            a64_bits(insn, 21, 16), &imm))
        return false;
    static const enum ir_opcode ops[4] = { IR_and, IR_or, IR_xor, IR_and };
    ir_temp res = ir_binop(dc->b, ops[opc], a64_type(sf), a64_get_x(dc, rn, sf), cst(dc, sf, imm));
    if (opc == 3) {
        a64_set_nz_clear_cv(dc, sf, res);
        a64_set_x(dc, rd, sf, res);
    } else {
        a64_set_xsp(dc, rd, sf, res);
    }
    return true;
}

/* MOVN, MOVZ, MOVK */
static bool trans_movw(struct a64_dc *dc, uint32_t insn)
{
    bool sf = insn >> 31;
    unsigned opc = a64_bits(insn, 30, 29), hw = a64_bits(insn, 22, 21), rd = a64_bits(insn, 4, 0);
    if (opc == 1 || (!sf && hw >= 2))
        return false;
    unsigned pos = hw * 16;
    uint64_t imm = (uint64_t)a64_bits(insn, 20, 5) << pos;
    enum ir_type t = a64_type(sf);
    if (opc == 0) {
        a64_set_x(dc, rd, sf, cst(dc, sf, ~imm));
    } else if (opc == 2) {
        a64_set_x(dc, rd, sf, cst(dc, sf, imm));
    } else {
        ir_temp old = a64_get_x(dc, rd, sf);
        ir_temp kept = ir_and(dc->b, t, old, cst(dc, sf, ~(0xffffull << pos)));
        a64_set_x(dc, rd, sf, ir_or(dc->b, t, kept, cst(dc, sf, imm)));
    }
    return true;
}

/* SBFM, BFM, UBFM (and their aliases: asr, lsl, lsr, sxt*, uxt*, bfi, bfxil, ...) */
static bool trans_bitfield(struct a64_dc *dc, uint32_t insn)
{
    bool sf = insn >> 31;
    unsigned opc = a64_bits(insn, 30, 29), n = (insn >> 22) & 1;
    unsigned immr = a64_bits(insn, 21, 16), imms = a64_bits(insn, 15, 10);
    unsigned rn = a64_bits(insn, 9, 5), rd = a64_bits(insn, 4, 0);
    unsigned width = sf ? 64 : 32;
    if (opc == 3 || n != sf || immr >= width || imms >= width)
        return false;
    struct ir_block *b = dc->b;
    enum ir_type t = a64_type(sf);
    ir_temp src = a64_get_x(dc, rn, sf), res;
    if (opc == 0) {             /* SBFM */
        unsigned up = width - 1 - imms;
        ir_temp hi = ir_shl(b, t, src, cst(dc, sf, up));
        if (imms >= immr) {
            res = ir_sar(b, t, hi, cst(dc, sf, up + immr));
        } else {
            res = ir_sar(b, t, hi, cst(dc, sf, up));
            res = ir_shl(b, t, res, cst(dc, sf, width - immr));
        }
    } else if (opc == 2) {      /* UBFM */
        if (imms >= immr) {
            res = ir_shr(b, t, src, cst(dc, sf, immr));
            if (imms - immr + 1 < width)
                res = ir_and(b, t, res, cst(dc, sf, ones(imms - immr + 1)));
        } else {
            res = ir_and(b, t, src, cst(dc, sf, ones(imms + 1)));
            res = ir_shl(b, t, res, cst(dc, sf, width - immr));
        }
    } else {                    /* BFM: insert into the old destination */
        unsigned len, pos;
        ir_temp field;
        if (imms >= immr) {
            len = imms - immr + 1;
            pos = 0;
            field = ir_shr(b, t, src, cst(dc, sf, immr));
        } else {
            len = imms + 1;
            pos = width - immr;
            field = ir_shl(b, t, src, cst(dc, sf, pos));
        }
        uint64_t mask = ones(len) << pos;
        if (!sf)
            mask = (uint32_t)mask;
        ir_temp dst = a64_get_x(dc, rd, sf);
        res = ir_or(b, t, ir_and(b, t, dst, cst(dc, sf, ~mask)), ir_and(b, t, field, cst(dc, sf, mask)));
    }
    a64_set_x(dc, rd, sf, res);
    return true;
}

/* EXTR (and its alias ROR immediate) */
static bool trans_extr(struct a64_dc *dc, uint32_t insn)
{
    bool sf = insn >> 31;
    unsigned n = (insn >> 22) & 1, o0 = (insn >> 21) & 1, lsb = a64_bits(insn, 15, 10);
    unsigned rm = a64_bits(insn, 20, 16), rn = a64_bits(insn, 9, 5), rd = a64_bits(insn, 4, 0);
    unsigned width = sf ? 64 : 32;
    if (a64_bits(insn, 30, 29) != 0 || o0 || n != sf || lsb >= width)
        return false;
    struct ir_block *b = dc->b;
    enum ir_type t = a64_type(sf);
    ir_temp res, lo = a64_get_x(dc, rm, sf);
    if (lsb == 0) {
        res = lo;
    } else if (rn == rm) {
        res = ir_binop(b, IR_rotr, t, lo, cst(dc, sf, lsb));
    } else {
        ir_temp hi = a64_get_x(dc, rn, sf);
        res = ir_or(b, t, ir_shr(b, t, lo, cst(dc, sf, lsb)),
                    ir_shl(b, t, hi, cst(dc, sf, width - lsb)));
    }
    a64_set_x(dc, rd, sf, res);
    return true;
}

static const struct a64_pattern dp_imm[] = {
    { 0x1f000000, 0x10000000, trans_adr, "PC-rel. addressing" },
    { 0x1f800000, 0x11000000, trans_addsub_imm, "Add/subtract (immediate)" },
    { 0x1f800000, 0x12000000, trans_logic_imm, "Logical (immediate)" },
    { 0x1f800000, 0x12800000, trans_movw, "Move wide (immediate)" },
    { 0x1f800000, 0x13000000, trans_bitfield, "Bitfield" },
    { 0x1f800000, 0x13800000, trans_extr, "Extract" },
};

bool a64_trans_dp_imm(struct a64_dc *dc, uint32_t insn)
{
    return A64_DECODE(dc, insn, dp_imm);
}
