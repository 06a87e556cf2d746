/*
 * A64 "Loads and Stores" (Arm ARM C4.1.88): single registers (unsigned
 * offset, unscaled, pre/post-index, register offset, literal), pairs, and the
 * SIMD&FP forms of each.  Exclusive, ordered and atomic accesses are in
 * translate-atomic.c; SIMD structure loads in translate-simd.c.
 */
#include "isa/aarch64/translate.h"

/* What one single-register access does, from size:opc (and V). */
struct ldst_kind {
    unsigned size;              /* log2 bytes, 0..4 (4 only for SIMD&FP Q) */
    bool load, sign, ext64;     /* ext64: a signed load extends to 64 bits */
    bool vec, prefetch;
};

/* Arm ARM C4.1.88.9 ff.: the size/opc decode shared by every addressing mode */
static bool ldst_kind_decode(uint32_t insn, struct ldst_kind *k)
{
    unsigned size = a64_bits(insn, 31, 30), opc = a64_bits(insn, 23, 22);
    *k = (struct ldst_kind){ .size = size };
    if (insn & (1u << 26)) {
        k->vec = true;
        k->size = size | ((opc & 2) << 1);
        k->load = opc & 1;
        return k->size <= 4;
    }
    switch (opc) {
    case 0: return true;
    case 1: k->load = true; return true;
    case 2:
        if (size == 3) {
            k->prefetch = true;
            return true;
        }
        k->load = k->sign = k->ext64 = true;
        return true;
    default:
        if (size >= 2)
            return false;
        k->load = k->sign = true;
        return true;
    }
}

static void set_v_zero_top(struct a64_dc *dc, unsigned rt, ir_temp lo)
{
    ir_set_reg(dc->b, IR_I64, A64_V(rt, 0), lo);
    ir_set_reg(dc->b, IR_I64, A64_V(rt, 1), ir_movi(dc->b, IR_I64, 0));
}

/* Perform the access at addr + disp for register rt. */
static void ldst_do(struct a64_dc *dc, const struct ldst_kind *k, unsigned rt, ir_temp addr,
                    int64_t disp)
{
    struct ir_block *b = dc->b;
    if (k->prefetch)
        return;
    if (k->vec) {
        if (k->size == 4) {
            if (k->load) {
                ir_temp lo = ir_ld(b, IR_I64, IR_MEM_64, addr, disp);
                ir_temp hi = ir_ld(b, IR_I64, IR_MEM_64, addr, disp + 8);
                ir_set_reg(b, IR_I64, A64_V(rt, 0), lo);
                ir_set_reg(b, IR_I64, A64_V(rt, 1), hi);
            } else {
                ir_st(b, IR_MEM_64, addr, disp, ir_get_reg(b, IR_I64, A64_V(rt, 0)));
                ir_st(b, IR_MEM_64, addr, disp + 8, ir_get_reg(b, IR_I64, A64_V(rt, 1)));
            }
        } else if (k->load) {
            set_v_zero_top(dc, rt, ir_ld(b, IR_I64, k->size, addr, disp));
        } else {
            ir_temp v = ir_get_reg(b, k->size == 3 ? IR_I64 : IR_I32, A64_V(rt, 0));
            ir_st(b, k->size, addr, disp, v);
        }
        return;
    }
    if (k->load) {
        bool sf = !k->sign || k->ext64;
        ir_temp v = ir_ld(b, a64_type(sf), k->size | (k->sign ? IR_MEM_SIGN : 0), addr, disp);
        a64_set_x(dc, rt, sf, v);
    } else {
        ir_st(b, k->size, addr, disp, a64_get_x(dc, rt, k->size == 3));
    }
}

/* Base + imm with the three index forms; wb: 0 none, 1 post, 3 pre */
static void ldst_imm(struct a64_dc *dc, const struct ldst_kind *k, unsigned rt, unsigned rn,
                     int64_t imm, unsigned wb)
{
    struct ir_block *b = dc->b;
    ir_temp base = a64_get_xsp(dc, rn, true);
    if (wb == 0) {
        ldst_do(dc, k, rt, base, imm);
        return;
    }
    ir_temp upd = ir_add(b, IR_I64, base, ir_movi(b, IR_I64, (uint64_t)imm));
    ldst_do(dc, k, rt, wb == 3 ? upd : base, 0);
    a64_set_xsp(dc, rn, true, upd);
}

/* LDR/STR (unsigned immediate), incl. SIMD&FP and PRFM */
static bool trans_ldst_uimm(struct a64_dc *dc, uint32_t insn)
{
    struct ldst_kind k;
    if (!ldst_kind_decode(insn, &k))
        return false;
    int64_t imm = (int64_t)a64_bits(insn, 21, 10) << k.size;
    ldst_imm(dc, &k, a64_bits(insn, 4, 0), a64_bits(insn, 9, 5), imm, 0);
    return true;
}

/* LDUR/STUR, post-index, LDTR/STTR (unprivileged = normal at EL0), pre-index */
static bool trans_ldst_imm9(struct a64_dc *dc, uint32_t insn)
{
    struct ldst_kind k;
    unsigned op4 = a64_bits(insn, 11, 10);
    if (!ldst_kind_decode(insn, &k))
        return false;
    if (op4 == 2 && k.vec)
        return false;           /* no unprivileged SIMD&FP form */
    if (k.prefetch && (op4 & 1))
        return false;
    ldst_imm(dc, &k, a64_bits(insn, 4, 0), a64_bits(insn, 9, 5), a64_sbits(insn, 20, 12),
             op4 == 2 ? 0 : op4);
    return true;
}

/* LDAPUR*, STLUR* (RCpc, unscaled offset) */
static bool trans_ldst_rcpc_imm9(struct a64_dc *dc, uint32_t insn)
{
    struct ldst_kind k;
    if (!ldst_kind_decode(insn & ~(1u << 26), &k) || k.prefetch)
        return false;
    unsigned rt = a64_bits(insn, 4, 0), rn = a64_bits(insn, 9, 5);
    int64_t imm = a64_sbits(insn, 20, 12);
    /* ordered accesses, aligned as LDAR/STLR must be */
    a64_gen_check_align(dc, ir_add(dc->b, IR_I64, a64_get_xsp(dc, rn, true),
                                   ir_movi(dc->b, IR_I64, (uint64_t)imm)),
                        1u << k.size);
    if (k.load) {
        ldst_imm(dc, &k, rt, rn, imm, 0);
        ir_fence(dc->b, IR_FENCE_LD_LD | IR_FENCE_LD_ST);
    } else {
        ir_fence(dc->b, IR_FENCE_LD_ST | IR_FENCE_ST_ST);
        ldst_imm(dc, &k, rt, rn, imm, 0);
    }
    return true;
}

/* LDR/STR (register offset): base + ExtendReg(Rm, option, S ? size : 0) */
static bool trans_ldst_reg(struct a64_dc *dc, uint32_t insn)
{
    struct ldst_kind k;
    unsigned option = a64_bits(insn, 15, 13), s = (insn >> 12) & 1;
    unsigned rm = a64_bits(insn, 20, 16), rn = a64_bits(insn, 9, 5), rt = a64_bits(insn, 4, 0);
    if (!ldst_kind_decode(insn, &k) || !(option & 2))
        return false;
    struct ir_block *b = dc->b;
    ir_temp off = a64_get_x(dc, rm, true);
    if (option == 2)
        off = ir_unop(b, IR_zext32, IR_I64, off);
    else if (option == 6)
        off = ir_unop(b, IR_sext32, IR_I64, off);
    if (s && k.size)
        off = ir_shl(b, IR_I64, off, ir_movi(b, IR_I64, k.size));
    ldst_do(dc, &k, rt, ir_add(b, IR_I64, a64_get_xsp(dc, rn, true), off), 0);
    return true;
}

/* LDR (literal), LDRSW (literal), PRFM (literal), and the SIMD&FP forms */
static bool trans_ld_literal(struct a64_dc *dc, uint32_t insn)
{
    unsigned opc = a64_bits(insn, 31, 30);
    struct ldst_kind k = { .load = true };
    if (insn & (1u << 26)) {
        if (opc == 3)
            return false;
        k.vec = true;
        k.size = 2 + opc;
    } else {
        static const struct ldst_kind gpr[4] = {
            { .size = 2, .load = true }, { .size = 3, .load = true },
            { .size = 2, .load = true, .sign = true, .ext64 = true }, { .prefetch = true },
        };
        k = gpr[opc];
    }
    uint64_t addr = dc->pc + (uint64_t)(a64_sbits(insn, 23, 5) << 2);
    ldst_do(dc, &k, a64_bits(insn, 4, 0), ir_movi(dc->b, IR_I64, addr), 0);
    return true;
}

/* STP, LDP, LDPSW, STNP, LDNP and the SIMD&FP forms; idx: 0 no-allocate,
 * 1 post-index, 2 signed offset, 3 pre-index */
static bool trans_ldst_pair(struct a64_dc *dc, uint32_t insn)
{
    unsigned opc = a64_bits(insn, 31, 30), idx = a64_bits(insn, 24, 23);
    bool vec = (insn >> 26) & 1, load = (insn >> 22) & 1;
    unsigned rt = a64_bits(insn, 4, 0), rt2 = a64_bits(insn, 14, 10), rn = a64_bits(insn, 9, 5);
    struct ldst_kind k = { .load = load, .vec = vec };
    if (opc == 3)
        return false;
    if (vec) {
        k.size = 2 + opc;
    } else if (opc == 1) {
        if (!load || idx == 0)
            return false;       /* STGP (MTE) is not implemented */
        k.size = 2;
        k.sign = k.ext64 = true;
    } else {
        k.size = opc ? 3 : 2;
    }
    struct ir_block *b = dc->b;
    int64_t imm = a64_sbits(insn, 21, 15) << k.size;
    unsigned bytes = 1u << k.size;
    ir_temp base = a64_get_xsp(dc, rn, true), addr = base, upd = IR_NO_TEMP;
    if (idx == 1 || idx == 3) {
        upd = ir_add(b, IR_I64, base, ir_movi(b, IR_I64, (uint64_t)imm));
        if (idx == 3)
            addr = upd;
        imm = 0;
    }
    if (load) {
        /* both loads before either write, so that rt == rn still sees the old base */
        struct ldst_kind k1 = k;
        if (vec) {
            ldst_do(dc, &k1, rt, addr, imm);
            ldst_do(dc, &k1, rt2, addr, imm + bytes);
        } else {
            bool sf = k.size == 3 || k.ext64;
            unsigned mem = k.size | (k.sign ? IR_MEM_SIGN : 0);
            ir_temp v1 = ir_ld(b, a64_type(sf), mem, addr, imm);
            ir_temp v2 = ir_ld(b, a64_type(sf), mem, addr, imm + bytes);
            a64_set_x(dc, rt, sf, v1);
            a64_set_x(dc, rt2, sf, v2);
        }
    } else {
        ldst_do(dc, &k, rt, addr, imm);
        ldst_do(dc, &k, rt2, addr, imm + bytes);
    }
    if (upd)
        a64_set_xsp(dc, rn, true, upd);
    return true;
}

static const struct a64_pattern ldst_tab[] = {
    { 0x3f000000, 0x08000000, a64_trans_atomic, "Load/store exclusive, ordered, CAS" },
    { 0x3b200c00, 0x38200000, a64_trans_atomic, "Atomic memory operations" },
    { 0x3f200c00, 0x19000000, trans_ldst_rcpc_imm9, "LDAPR/STLR (unscaled immediate)" },
    { 0x3b000000, 0x18000000, trans_ld_literal, "Load register (literal)" },
    { 0x3a000000, 0x28000000, trans_ldst_pair, "Load/store register pair" },
    { 0x3b200000, 0x38000000, trans_ldst_imm9, "Load/store register (imm9 forms)" },
    { 0x3b200c00, 0x38200800, trans_ldst_reg, "Load/store register (register offset)" },
    { 0x3b000000, 0x39000000, trans_ldst_uimm, "Load/store register (unsigned immediate)" },
    { 0xbe000000, 0x0c000000, a64_trans_simd, "Advanced SIMD load/store structures" },
};

bool a64_trans_ldst(struct a64_dc *dc, uint32_t insn)
{
    return A64_DECODE(dc, insn, ldst_tab);
}
