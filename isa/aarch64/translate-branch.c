/*
 * A64 "Branches, Exception Generating and System instructions" (Arm ARM
 * C4.1.87): the branch encodings live here; exception generation, hints,
 * barriers, PSTATE, SYS and MRS/MSR go to translate-system.c.
 */
#include "isa/aarch64/translate.h"

static void branch_to(struct a64_dc *dc, uint64_t target)
{
    ir_exit_tb(dc->b, target);
    dc->end = true;
}

/* B.cond (and BC.cond, whose consistency hint we ignore) */
static bool trans_bcond(struct a64_dc *dc, uint32_t insn)
{
    unsigned cc = a64_bits(insn, 3, 0);
    uint64_t target = dc->pc + (uint64_t)(a64_sbits(insn, 23, 5) << 2);
    if (cc >= 14) {
        branch_to(dc, target);
        return true;
    }
    struct a64_test t = a64_cond_test(dc, cc);
    ir_exit_cond(dc->b, t.t, t.cond, t.a, t.b, target);
    branch_to(dc, dc->pc + 4);
    return true;
}

/* B, BL */
static bool trans_b(struct a64_dc *dc, uint32_t insn)
{
    uint64_t target = dc->pc + (uint64_t)(a64_sbits(insn, 25, 0) << 2);
    if (insn >> 31)
        a64_set_x(dc, 30, true, ir_movi(dc->b, IR_I64, dc->pc + 4));
    branch_to(dc, target);
    return true;
}

/* CBZ, CBNZ */
static bool trans_cbz(struct a64_dc *dc, uint32_t insn)
{
    bool sf = insn >> 31, nz = (insn >> 24) & 1;
    uint64_t target = dc->pc + (uint64_t)(a64_sbits(insn, 23, 5) << 2);
    ir_temp v = a64_get_x(dc, a64_bits(insn, 4, 0), sf);
    ir_exit_cond(dc->b, a64_type(sf), nz ? IR_NE : IR_EQ, v, a64_const(dc, sf, 0), target);
    branch_to(dc, dc->pc + 4);
    return true;
}

/* TBZ, TBNZ */
static bool trans_tbz(struct a64_dc *dc, uint32_t insn)
{
    unsigned bit = (a64_bits(insn, 31, 31) << 5) | a64_bits(insn, 23, 19);
    bool nz = (insn >> 24) & 1;
    uint64_t target = dc->pc + (uint64_t)(a64_sbits(insn, 18, 5) << 2);
    ir_temp v = a64_get_x(dc, a64_bits(insn, 4, 0), true);
    ir_exit_cond(dc->b, IR_I64, nz ? IR_TSTNE : IR_TSTEQ, v, ir_movi(dc->b, IR_I64, 1ull << bit),
                 target);
    branch_to(dc, dc->pc + 4);
    return true;
}

/* BR, BLR, RET; RETAA/RETAB as RET (we never sign pointers: PAC hints are NOPs) */
static bool trans_br_reg(struct a64_dc *dc, uint32_t insn)
{
    unsigned opc = a64_bits(insn, 24, 21), op3 = a64_bits(insn, 15, 10);
    unsigned rn = a64_bits(insn, 9, 5), op4 = a64_bits(insn, 4, 0);
    if (a64_bits(insn, 20, 16) != 0x1f)
        return false;
    if (opc == 2 && (op3 == 2 || op3 == 3) && rn == 31 && op4 == 31)
        rn = 30;                /* RETAA, RETAB */
    else if (opc > 2 || op3 != 0 || op4 != 0)
        return false;
    ir_temp target = a64_get_x(dc, rn, true);
    if (opc == 1)
        a64_set_x(dc, 30, true, ir_movi(dc->b, IR_I64, dc->pc + 4));
    ir_exit_ind(dc->b, target);
    dc->end = true;
    return true;
}

static const struct a64_pattern branch_sys[] = {
    { 0xfe000000, 0x54000000, trans_bcond, "Conditional branch (immediate)" },
    { 0xfe000000, 0xd4000000, a64_trans_system, "Exception generation, System" },
    { 0xfe000000, 0xd6000000, trans_br_reg, "Unconditional branch (register)" },
    { 0x7c000000, 0x14000000, trans_b, "Unconditional branch (immediate)" },
    { 0x7e000000, 0x34000000, trans_cbz, "Compare and branch (immediate)" },
    { 0x7e000000, 0x36000000, trans_tbz, "Test and branch (immediate)" },
};

bool a64_trans_branch_sys(struct a64_dc *dc, uint32_t insn)
{
    return A64_DECODE(dc, insn, branch_sys);
}
