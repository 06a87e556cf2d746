/*
 * Control transfer: conditional branches, JAL and JALR.  Each ends the
 * block; direct targets use chainable exits, JALR the indirect lookup.
 */
#include "isa/riscv64/decode.h"

/* arg: the IR condition of the branch */
bool rv_trans_branch(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    ir_exit_cond(dc->b, IR_I64, (enum ir_cond)p->arg, rv_get_x(dc, rv_rs1(insn)),
                 rv_get_x(dc, rv_rs2(insn)), dc->pc + (uint64_t)rv_imm_b(insn));
    ir_exit_tb(dc->b, dc->next_pc);
    dc->end = true;
    return true;
}

bool rv_trans_jal(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    rv_set_x(dc, rv_rd(insn), ir_movi(dc->b, IR_I64, dc->next_pc));
    ir_exit_tb(dc->b, dc->pc + (uint64_t)rv_imm_j(insn));
    dc->end = true;
    return true;
}

bool rv_trans_jalr(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    struct ir_block *b = dc->b;
    /* the target is computed before rd is written: rd may be rs1 */
    ir_temp target = rv_get_x(dc, rv_rs1(insn));
    if (rv_imm_i(insn))
        target = ir_add(b, IR_I64, target, ir_movi(b, IR_I64, (uint64_t)rv_imm_i(insn)));
    target = ir_and(b, IR_I64, target, ir_movi(b, IR_I64, ~1ull));
    rv_set_x(dc, rv_rd(insn), ir_movi(b, IR_I64, dc->next_pc));
    ir_exit_ind(b, target);
    dc->end = true;
    return true;
}
