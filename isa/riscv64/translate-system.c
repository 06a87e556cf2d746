/*
 * MISC-MEM and SYSTEM: FENCE, FENCE.TSO, FENCE.I (Zifencei), ECALL, EBREAK
 * and the Zicsr instructions on the user-level CSRs that exist in user mode:
 * fflags, frm, fcsr (read-write) and cycle, time, instret (read-only).
 */
#include "isa/riscv64/decode.h"

/*
 * FENCE pred/succ are {I, O, R, W} from bit 3 down.  In user mode device
 * input and output are memory reads and writes, so I joins R and O joins W.
 * FENCE.TSO (fm = 1000) orders everything except stores before loads.
 * Reserved fm values must be treated as a plain fence (ISA manual, FENCE).
 */
bool rv_trans_fence(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    unsigned fm = insn >> 28, pred = (insn >> 24) & 15, succ = (insn >> 20) & 15;
    bool pr = pred & 0xa, pw = pred & 0x5, sr = succ & 0xa, sw = succ & 0x5;
    unsigned kind = (pr && sr ? IR_FENCE_LD_LD : 0) | (pr && sw ? IR_FENCE_LD_ST : 0) |
                    (pw && sr ? IR_FENCE_ST_LD : 0) | (pw && sw ? IR_FENCE_ST_ST : 0);
    if (fm == 8)
        kind &= ~(unsigned)IR_FENCE_ST_LD;
    if (kind)                   /* an empty set (pause is fence w,0) orders nothing */
        ir_fence(dc->b, kind);
    return true;
}

/* The loop invalidates the translations and resumes after the fence.i. */
bool rv_trans_fence_i(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    ir_exit_trap(dc->b, IR_TRAP_FLUSH_ICACHE, dc->next_pc);
    dc->end = true;
    return true;
}

/* ecall, ebreak: pc stays on the instruction; the cpu loop advances it */
bool rv_trans_trap(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    ir_exit_trap(dc->b, (unsigned)p->arg, dc->pc);
    dc->end = true;
    return true;
}

/*
 * arg: bit 2 = immediate form (rs1 field is a 5-bit zero-extended value),
 * low bits = RV_CSR_WRITE/SET/CLEAR.  csrrw with rd = x0 does not read;
 * csrrs/csrrc with rs1 = x0 (or uimm = 0) do not write (Zicsr chapter).
 * Writing a read-only or unknown CSR is an illegal instruction.
 */
bool rv_trans_csr(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    struct ir_block *b = dc->b;
    unsigned csr = rv_csr(insn), rd = rv_rd(insn), src = rv_rs1(insn);
    unsigned op = (unsigned)p->arg & 3;
    bool imm = p->arg & 4;
    bool writes = op == RV_CSR_WRITE || src != 0;
    ir_temp old;

    switch (csr) {
    case RV_CSR_FFLAGS: case RV_CSR_FRM: case RV_CSR_FCSR: {
        ir_temp v = imm ? ir_movi(b, IR_I64, src) : rv_get_x(dc, src);
        old = ir_call(b, rv_helper_csr_fp, IR_CALL_NO_REGS, true, IR_I64,
                      ir_movi(b, IR_I64, csr), v, ir_movi(b, IR_I64, writes ? op : RV_CSR_READ),
                      IR_NO_TEMP);
        break;
    }
    case RV_CSR_CYCLE: case RV_CSR_TIME: case RV_CSR_INSTRET:
        if (writes)
            return false;
        old = ir_call(b, rv_helper_counter, IR_CALL_NO_REGS, true, IR_I64,
                      ir_movi(b, IR_I64, csr), IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP);
        break;
    default:
        return false;
    }
    rv_set_x(dc, rd, old);
    return true;
}
