/*
 * A64 exception generation and system instructions (Arm ARM C4.1.87):
 * SVC/BRK, hints, barriers, PSTATE, SYS (cache maintenance an EL0 program may
 * use) and MRS/MSR of the registers Linux gives EL0.
 */
#include "isa/aarch64/translate.h"

#include "isa/aarch64/helpers.h"

/* SVC, BRK; HVC, SMC, HLT, DCPS* are not available at EL0 */
static bool trans_exception(struct a64_dc *dc, uint32_t insn)
{
    unsigned opc = a64_bits(insn, 23, 21), op2 = a64_bits(insn, 4, 2), ll = a64_bits(insn, 1, 0);
    if (op2 != 0)
        return false;
    if (opc == 0 && ll == 1) {
        a64_gen_trap(dc, IR_TRAP_SYSCALL, dc->pc);
        return true;
    }
    if (opc == 1 && ll == 0) {
        a64_gen_trap(dc, IR_TRAP_BREAKPOINT, dc->pc);
        return true;
    }
    return false;
}

/* NOP, YIELD, WFE, WFI, SEV, SEVL, PAC*, AUT*, XPACLRI, BTI, CSDB, ...: every
 * hint, allocated or not, executes as a NOP here.  PAC and BTI are not
 * advertised, so leaving pointers unsigned is the architected behaviour of a
 * CPU without them. */
static bool trans_hint(struct a64_dc *dc, uint32_t insn)
{
    return true;
}

/* CLREX, DSB, DMB, ISB, SB */
static bool trans_barrier(struct a64_dc *dc, uint32_t insn)
{
    unsigned crm = a64_bits(insn, 11, 8), op2 = a64_bits(insn, 7, 5);
    switch (op2) {
    case 2:             /* CLREX */
        a64_call(dc, a64_helper_clrex, IR_CALL_NO_REGS, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP,
                 IR_NO_TEMP);
        return true;
    case 4: case 5: {   /* DSB, DMB: CRm<1:0> names the access types ordered */
        unsigned kind;
        switch (crm & 3) {
        case 1: kind = IR_FENCE_LD_LD | IR_FENCE_LD_ST; break;
        case 2: kind = IR_FENCE_ST_ST; break;
        default: kind = IR_FENCE_ALL; break;
        }
        ir_fence(dc->b, kind);
        return true;
    }
    case 6:             /* ISB: later instructions are refetched, so end the block */
        ir_fence(dc->b, IR_FENCE_ALL);
        ir_exit_tb(dc->b, dc->pc + 4);
        dc->end = true;
        return true;
    case 7:             /* SB */
        ir_fence(dc->b, IR_FENCE_ALL);
        return true;
    default:
        return false;
    }
}

/* MSR (immediate): only CFINV is meaningful at EL0 for us */
static bool trans_pstate(struct a64_dc *dc, uint32_t insn)
{
    unsigned op1 = a64_bits(insn, 18, 16), op2 = a64_bits(insn, 7, 5), crm = a64_bits(insn, 11, 8);
    if (op1 == 0 && op2 == 0 && crm == 0) {         /* CFINV */
        struct ir_block *b = dc->b;
        ir_temp c = ir_get_reg(b, IR_I64, A64_CF);
        ir_set_reg(b, IR_I64, A64_CF, ir_xor(b, IR_I64, c, ir_movi(b, IR_I64, 1)));
        return true;
    }
    return false;
}

#define SYS_KEY(op1, crn, crm, op2) (((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))

/* SYS: the cache-maintenance operations EL0 may issue */
static bool trans_sys(struct a64_dc *dc, uint32_t insn)
{
    unsigned key = a64_bits(insn, 18, 5), rt = a64_bits(insn, 4, 0);
    struct ir_block *b = dc->b;
    if (insn & (1u << 21))
        return false;           /* SYSL */
    switch (key) {
    case SYS_KEY(3, 7, 4, 1): { /* DC ZVA: zero the 64-byte block (DCZID_EL0.BS = 4) */
        ir_temp a = ir_and(b, IR_I64, a64_get_x(dc, rt, true), ir_movi(b, IR_I64, ~63ull));
        ir_temp z = ir_movi(b, IR_I64, 0);
        for (int i = 0; i < 64; i += 8)
            ir_st(b, IR_MEM_64, a, i, z);
        return true;
    }
    case SYS_KEY(3, 7, 11, 1):  /* DC CVAU */
    case SYS_KEY(3, 7, 10, 1):  /* DC CVAC */
    case SYS_KEY(3, 7, 12, 1):  /* DC CVAP */
    case SYS_KEY(3, 7, 13, 1):  /* DC CVADP */
    case SYS_KEY(3, 7, 14, 1):  /* DC CIVAC */
        return true;            /* the host's caches are coherent */
    case SYS_KEY(3, 7, 5, 1):   /* IC IVAU: the loop drops translations of the line, goes on after */
        a64_call(dc, a64_helper_ic_ivau, IR_CALL_NO_REGS, a64_get_x(dc, rt, true), IR_NO_TEMP,
                 IR_NO_TEMP, IR_NO_TEMP);
        a64_gen_trap(dc, IR_TRAP_FLUSH_ICACHE, dc->pc + 4);
        return true;
    default:
        return false;
    }
}

#define SYSREG(op0, op1, crn, crm, op2) \
    (((op0) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))
enum {
    SR_NZCV = SYSREG(3, 3, 4, 2, 0),
    SR_FPCR = SYSREG(3, 3, 4, 4, 0),
    SR_FPSR = SYSREG(3, 3, 4, 4, 1),
    SR_TPIDR = SYSREG(3, 3, 13, 0, 2),
    SR_TPIDRRO = SYSREG(3, 3, 13, 0, 3),
    SR_CNTFRQ = SYSREG(3, 3, 14, 0, 0),
    SR_CNTPCT = SYSREG(3, 3, 14, 0, 1),
    SR_CNTVCT = SYSREG(3, 3, 14, 0, 2),
    SR_CNTPCTSS = SYSREG(3, 3, 14, 0, 5),
    SR_CNTVCTSS = SYSREG(3, 3, 14, 0, 6),
};

static ir_temp call0(struct a64_dc *dc, ir_helper_fn fn)
{
    return a64_call(dc, fn, IR_CALL_NO_REGS, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP);
}

/* MRS, MSR (register) */
static bool trans_sysreg(struct a64_dc *dc, uint32_t insn)
{
    bool read = (insn >> 21) & 1;
    unsigned key = a64_bits(insn, 20, 5), rt = a64_bits(insn, 4, 0);
    struct ir_block *b = dc->b;
    if (read) {
        ir_temp v;
        uint64_t cval;
        switch (key) {
        case SR_NZCV: v = a64_get_nzcv_word(dc); break;
        case SR_FPCR: v = call0(dc, a64_helper_get_fpcr); break;
        case SR_FPSR: v = call0(dc, a64_helper_get_fpsr); break;
        case SR_TPIDR: v = ir_get_reg(b, IR_I64, A64_TPIDR); break;
        case SR_TPIDRRO: v = ir_get_reg(b, IR_I64, A64_TPIDRRO); break;
        case SR_CNTPCT: case SR_CNTVCT: case SR_CNTPCTSS: case SR_CNTVCTSS:
            v = call0(dc, a64_helper_counter);
            break;
        default:
            if (!a64_sysreg_const(key, &cval))
                return false;
            v = ir_movi(b, IR_I64, cval);
            break;
        }
        a64_set_x(dc, rt, true, v);
        return true;
    }
    ir_temp v = a64_get_x(dc, rt, true);
    switch (key) {
    case SR_NZCV: a64_set_nzcv_word(dc, v); return true;
    case SR_FPCR:
        a64_call(dc, a64_helper_set_fpcr, IR_CALL_NO_REGS, v, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP);
        return true;
    case SR_FPSR:
        a64_call(dc, a64_helper_set_fpsr, IR_CALL_NO_REGS, v, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP);
        return true;
    case SR_TPIDR: ir_set_reg(b, IR_I64, A64_TPIDR, v); return true;
    default: return false;
    }
}

static const struct a64_pattern system_tab[] = {
    { 0xff000000, 0xd4000000, trans_exception, "Exception generation" },
    { 0xfffff01f, 0xd503201f, trans_hint, "Hints" },
    { 0xfffff01f, 0xd503301f, trans_barrier, "Barriers" },
    { 0xfff8f01f, 0xd500401f, trans_pstate, "PSTATE" },
    { 0xffd80000, 0xd5080000, trans_sys, "System instructions" },
    { 0xffd00000, 0xd5100000, trans_sysreg, "System register move" },
};

bool a64_trans_system(struct a64_dc *dc, uint32_t insn)
{
    return A64_DECODE(dc, insn, system_tab);
}
