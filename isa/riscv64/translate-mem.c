/*
 * Loads, stores and the A extension.  AMOs become one locked host
 * instruction (ir_atomic_rmw), which is a full barrier on x86-64, so the aq
 * and rl bits need nothing more; a helper checks their alignment first,
 * as for LR/SC, which go through helpers-int.c, which keep
 * the reservation in struct rv_cpu outside anything the IR reads or writes.
 */
#include "isa/riscv64/decode.h"

bool rv_trans_load(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    ir_temp v = ir_ld(dc->b, IR_I64, (unsigned)p->arg, rv_get_x(dc, rv_rs1(insn)), rv_imm_i(insn));
    rv_set_x(dc, rv_rd(insn), v);
    return true;
}

bool rv_trans_store(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    ir_st(dc->b, (unsigned)p->arg, rv_get_x(dc, rv_rs1(insn)), rv_imm_s(insn),
          rv_get_x(dc, rv_rs2(insn)));
    return true;
}

/* arg: IR_MEM_32 or IR_MEM_64 */
bool rv_trans_lr(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    ir_temp v = ir_call(dc->b, rv_helper_lr, IR_CALL_NO_REGS | IR_CALL_MAY_EXIT, true, IR_I64,
                        rv_get_x(dc, rv_rs1(insn)), ir_movi(dc->b, IR_I64, (uint64_t)p->arg),
                        IR_NO_TEMP, IR_NO_TEMP);
    rv_set_x(dc, rv_rd(insn), v);
    return true;
}

bool rv_trans_sc(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    ir_temp v = ir_call(dc->b, rv_helper_sc, IR_CALL_NO_REGS | IR_CALL_MAY_EXIT, true, IR_I64,
                        rv_get_x(dc, rv_rs1(insn)), rv_get_x(dc, rv_rs2(insn)),
                        ir_movi(dc->b, IR_I64, (uint64_t)p->arg), IR_NO_TEMP);
    rv_set_x(dc, rv_rd(insn), v);
    return true;
}

/* arg: IR_MEM_* size | IR_RMW_* kind << 4 */
bool rv_trans_amo(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    unsigned size = (unsigned)p->arg & IR_MEM_SIZE_MASK;
    enum ir_rmw kind = (enum ir_rmw)(p->arg >> 4);
    ir_temp addr = rv_get_x(dc, rv_rs1(insn)), v = rv_get_x(dc, rv_rs2(insn));

    ir_call(dc->b, rv_helper_check_align, IR_CALL_NO_REGS | IR_CALL_MAY_EXIT, false, IR_I64,
            addr, ir_movi(dc->b, IR_I64, size == IR_MEM_64 ? 8 : 4), IR_NO_TEMP, IR_NO_TEMP);
    if (size == IR_MEM_64) {
        v = ir_atomic_rmw(dc->b, IR_I64, size, kind, addr, v);
    } else {
        /* 32-bit compare for min/max; the old value is sign-extended */
        v = ir_unop(dc->b, IR_trunc32, IR_I32, v);
        v = ir_atomic_rmw(dc->b, IR_I32, size, kind, addr, v);
        v = ir_unop(dc->b, IR_sext32, IR_I64, v);
    }
    rv_set_x(dc, rv_rd(insn), v);
    return true;
}
