/*
 * A64 exclusive, ordered and atomic accesses (Arm ARM C4.1.88): LDXR/STXR
 * and pairs (helpers against the monitor in the CPU state), LDAR/STLR and
 * friends, CAS/CASP, and the LSE atomic memory operations.
 *
 * Ordering on an x86 host (TSO): a load-acquire needs no fence; a
 * store-release followed by a load-acquire must not be reordered (the Arm
 * model is RCsc), so store-release is an xchg, which is also the C11 seq_cst
 * store mapping.  The fences we emit are for the optimiser's sake.
 *
 * Every one of these accesses must be aligned to its size (a pair to its
 * whole size), or it raises an Alignment fault (Arm ARM, CheckAlignment
 * for atomic and ordered accesses; we do not advertise FEAT_LSE2), which
 * x86 would not: the helpers check their own addresses, the inline
 * accesses call a64_helper_check_align first.  Helpers that may raise it
 * are IR_CALL_MAY_EXIT.
 */
#include "isa/aarch64/translate.h"

#include "isa/aarch64/helpers.h"

#define ACQ_FENCE (IR_FENCE_LD_LD | IR_FENCE_LD_ST)
#define REL_FENCE (IR_FENCE_LD_ST | IR_FENCE_ST_ST)

static ir_temp c64(struct a64_dc *dc, uint64_t v)
{
    return ir_movi(dc->b, IR_I64, v);
}

void a64_gen_check_align(struct a64_dc *dc, ir_temp addr, unsigned bytes)
{
    if (bytes > 1)
        a64_call(dc, a64_helper_check_align, IR_CALL_NO_REGS | IR_CALL_MAY_EXIT, addr,
                 c64(dc, bytes), IR_NO_TEMP, IR_NO_TEMP);
}

static ir_temp zext_size(struct a64_dc *dc, unsigned size, ir_temp v)
{
    static const enum ir_opcode ext[3] = { IR_zext8, IR_zext16, IR_zext32 };
    return size < 3 ? ir_unop(dc->b, ext[size], IR_I64, v) : v;
}

/* STXR, STLXR, LDXR, LDAXR */
static void excl_single(struct a64_dc *dc, uint32_t insn, unsigned size)
{
    bool load = (insn >> 22) & 1, ordered = (insn >> 15) & 1;
    unsigned rs = a64_bits(insn, 20, 16), rn = a64_bits(insn, 9, 5), rt = a64_bits(insn, 4, 0);
    ir_temp addr = a64_get_xsp(dc, rn, true);
    if (load) {
        ir_temp v = a64_call(dc, a64_helper_ldxr, IR_CALL_NO_REGS | IR_CALL_MAY_EXIT, addr,
                             c64(dc, size), IR_NO_TEMP, IR_NO_TEMP);
        if (ordered)
            ir_fence(dc->b, ACQ_FENCE);
        a64_set_x(dc, rt, true, v);
    } else {
        if (ordered)
            ir_fence(dc->b, REL_FENCE);
        ir_temp v = a64_get_x(dc, rt, true);
        ir_temp st = a64_call(dc, a64_helper_stxr, IR_CALL_NO_REGS | IR_CALL_MAY_EXIT, addr, v,
                              c64(dc, size), IR_NO_TEMP);
        a64_set_x(dc, rs, true, st);
    }
}

/* STXP, STLXP, LDXP, LDAXP (size 2: 32-bit pair, 3: 64-bit pair) */
static void excl_pair(struct a64_dc *dc, uint32_t insn, unsigned size)
{
    bool load = (insn >> 22) & 1, ordered = (insn >> 15) & 1;
    unsigned rs = a64_bits(insn, 20, 16), rt2 = a64_bits(insn, 14, 10);
    unsigned rn = a64_bits(insn, 9, 5), rt = a64_bits(insn, 4, 0);
    ir_temp addr = a64_get_xsp(dc, rn, true);
    if (load) {
        /* writes Rt and Rt2 in the state itself */
        a64_call(dc, a64_helper_ldxp, IR_CALL_MAY_EXIT, addr, c64(dc, rt | rt2 << 8 | size << 16),
                 IR_NO_TEMP, IR_NO_TEMP);
        if (ordered)
            ir_fence(dc->b, ACQ_FENCE);
    } else {
        if (ordered)
            ir_fence(dc->b, REL_FENCE);
        ir_temp st = a64_call(dc, a64_helper_stxp, IR_CALL_NO_REGS | IR_CALL_MAY_EXIT, addr,
                              a64_get_x(dc, rt, true), a64_get_x(dc, rt2, true), c64(dc, size));
        a64_set_x(dc, rs, true, st);
    }
}

/* STLLR, STLR, LDLAR, LDAR */
static void ordered_single(struct a64_dc *dc, uint32_t insn, unsigned size)
{
    bool load = (insn >> 22) & 1;
    unsigned rn = a64_bits(insn, 9, 5), rt = a64_bits(insn, 4, 0);
    ir_temp addr = a64_get_xsp(dc, rn, true);
    a64_gen_check_align(dc, addr, 1u << size);
    if (load) {
        ir_temp v = ir_ld(dc->b, IR_I64, size, addr, 0);
        ir_fence(dc->b, ACQ_FENCE);
        a64_set_x(dc, rt, true, v);
    } else {
        ir_atomic_rmw(dc->b, IR_I64, size, IR_RMW_XCHG, addr, a64_get_x(dc, rt, true));
    }
}

/* CAS, CASA, CASL, CASAL (all sizes) */
static void cas_single(struct a64_dc *dc, uint32_t insn, unsigned size)
{
    unsigned rs = a64_bits(insn, 20, 16), rn = a64_bits(insn, 9, 5), rt = a64_bits(insn, 4, 0);
    ir_temp addr = a64_get_xsp(dc, rn, true);
    a64_gen_check_align(dc, addr, 1u << size);
    ir_temp expected = zext_size(dc, size, a64_get_x(dc, rs, true));
    ir_temp old = ir_atomic_cmpxchg(dc->b, IR_I64, size, addr, expected,
                                    a64_get_x(dc, rt, true));
    a64_set_x(dc, rs, true, zext_size(dc, size, old));
}

/* CASP, CASPA, CASPL, CASPAL: Rs, Rt even; compares and swaps a pair */
static bool cas_pair(struct a64_dc *dc, uint32_t insn, unsigned size)
{
    unsigned rs = a64_bits(insn, 20, 16), rn = a64_bits(insn, 9, 5), rt = a64_bits(insn, 4, 0);
    if ((rs & 1) || (rt & 1))
        return false;
    ir_temp addr = a64_get_xsp(dc, rn, true);
    a64_call(dc, a64_helper_casp, IR_CALL_MAY_EXIT, addr, c64(dc, rs | rt << 8 | size << 16),
             IR_NO_TEMP, IR_NO_TEMP);
    return true;
}

/* Load/store exclusive, ordered and compare-and-swap: size:o2:L:o1:o0 */
static bool trans_excl(struct a64_dc *dc, uint32_t insn)
{
    unsigned size = a64_bits(insn, 31, 30);
    bool o2 = (insn >> 23) & 1, l = (insn >> 22) & 1, o1 = (insn >> 21) & 1;
    bool o0 = (insn >> 15) & 1;
    unsigned rt2 = a64_bits(insn, 14, 10);
    if (!o2 && !o1) {
        excl_single(dc, insn, size);
        return true;
    }
    if (!o2 && o1) {
        if (size >= 2) {
            excl_pair(dc, insn, size);
            return true;
        }
        if (rt2 != 31)
            return false;
        return cas_pair(dc, insn, size);
    }
    if (o2 && !o1) {
        (void)l;
        (void)o0;
        ordered_single(dc, insn, size);
        return true;
    }
    if (rt2 != 31)
        return false;
    cas_single(dc, insn, size);
    return true;
}

/* LDADD, LDCLR, LDEOR, LDSET, LD{S,U}{MAX,MIN}, SWP, LDAPR */
static bool trans_lse(struct a64_dc *dc, uint32_t insn)
{
    unsigned size = a64_bits(insn, 31, 30), opc = a64_bits(insn, 14, 12);
    bool o3 = (insn >> 15) & 1, a = (insn >> 23) & 1, r = (insn >> 22) & 1;
    unsigned rs = a64_bits(insn, 20, 16), rn = a64_bits(insn, 9, 5), rt = a64_bits(insn, 4, 0);
    struct ir_block *b = dc->b;
    if (insn & (1u << 26))
        return false;
    if (o3 && opc == 4 && a && !r && rs == 31) {        /* LDAPR */
        ir_temp addr = a64_get_xsp(dc, rn, true);
        a64_gen_check_align(dc, addr, 1u << size);
        ir_temp v = ir_ld(b, IR_I64, size, addr, 0);
        ir_fence(b, ACQ_FENCE);
        a64_set_x(dc, rt, true, v);
        return true;
    }
    if (o3 && opc != 0)
        return false;
    ir_temp addr = a64_get_xsp(dc, rn, true);
    a64_gen_check_align(dc, addr, 1u << size);
    ir_temp v = a64_get_x(dc, rs, size == 3), old;
    enum ir_type t = a64_type(size == 3);
    enum ir_rmw kind;
    if (o3) {
        kind = IR_RMW_XCHG;
    } else {
        /* the IR compares min/max at the access size, as the Arm ARM does */
        static const enum ir_rmw kinds[8] = {
            IR_RMW_ADD, IR_RMW_AND, IR_RMW_XOR, IR_RMW_OR,
            IR_RMW_SMAX, IR_RMW_SMIN, IR_RMW_UMAX, IR_RMW_UMIN,
        };
        kind = kinds[opc];
        if (opc == 1)           /* LDCLR clears the bits set in Rs */
            v = ir_unop(b, IR_not, t, v);
    }
    old = ir_atomic_rmw(b, t, size, kind, addr, v);
    if (size < 2)
        old = ir_unop(b, size ? IR_zext16 : IR_zext8, t, old);
    a64_set_x(dc, rt, size == 3, old);
    return true;
}

static const struct a64_pattern atomic_tab[] = {
    { 0x3f000000, 0x08000000, trans_excl, "Load/store exclusive, ordered, CAS" },
    { 0x3b200c00, 0x38200000, trans_lse, "Atomic memory operations" },
};

bool a64_trans_atomic(struct a64_dc *dc, uint32_t insn)
{
    return A64_DECODE(dc, insn, atomic_tab);
}
