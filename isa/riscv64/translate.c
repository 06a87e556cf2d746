/*
 * The riscv64 block translator: fetches guest instructions, expands RVC,
 * dispatches through the pattern table (decode.c), and decides where a block
 * ends.  Also the register accessors shared by every translate-*.c.
 */
#include "isa/riscv64/decode.h"

#include <string.h>

#include "translate/exec.h"

ir_temp rv_get_x(struct rv_dc *dc, unsigned r)
{
    if (r == 0)
        return ir_movi(dc->b, IR_I64, 0);
    return ir_get_reg(dc->b, IR_I64, RV_X(r));
}

void rv_set_x(struct rv_dc *dc, unsigned r, ir_temp v)
{
    if (r != 0)
        ir_set_reg(dc->b, IR_I64, RV_X(r), v);
}

ir_temp rv_get_f(struct rv_dc *dc, unsigned r)
{
    return ir_get_reg(dc->b, IR_I64, RV_F(r));
}

void rv_set_f(struct rv_dc *dc, unsigned r, ir_temp v)
{
    ir_set_reg(dc->b, IR_I64, RV_F(r), v);
}

void rv_gen_illegal(struct rv_dc *dc, uint32_t insn)
{
    /* the SIGILL report (and a debugger) want the faulting bits */
    ir_set_reg(dc->b, IR_I64, offsetof(struct rv_cpu, insn_trap), ir_movi(dc->b, IR_I64, insn));
    ir_exit_trap(dc->b, IR_TRAP_ILLEGAL, dc->pc);
    dc->end = true;
}

bool rv_trans_fp(struct rv_dc *dc, uint32_t insn, const struct rv_pattern *p)
{
    return rv_translate_fp(dc, insn);
}

/* The parcel at pc; the second half of a 4-byte instruction may lie on the
 * next page, which the caller has allowed us to read. */
static uint32_t fetch(uint64_t pc, unsigned *len)
{
    const uint8_t *host = (const uint8_t *)(exec_config.guest_base + (uintptr_t)pc);
    uint16_t lo, hi;
    memcpy(&lo, host, 2);
    if ((lo & 3) != 3) {
        *len = 2;
        return lo;
    }
    memcpy(&hi, host + 2, 2);
    *len = 4;
    return (uint32_t)hi << 16 | lo;
}

/* Translate one guest instruction; false if it is not a valid encoding. */
static bool translate_one(struct rv_dc *dc, uint32_t raw, unsigned len)
{
    uint32_t insn = raw;
    if (len == 2) {
        insn = rv_expand_rvc((uint16_t)raw, NULL);
        if (insn == 0)
            return false;
    } else if ((raw & 0x1f) == 0x1f) {
        return false;           /* 48-bit and longer encodings: none are defined */
    }
    const struct rv_pattern *p = rv_decode32(insn);
    return p && p->trans(dc, insn, p);
}

/* The caller has called ir_block_init(b, pc). */
static void rv_translate(struct ir_block *b, const void *state, uint64_t pc, unsigned max_insns)
{
    struct rv_dc dc = { .b = b };
    uint64_t page_end = (pc | 4095) + 1;

    for (;;) {
        unsigned len;
        uint32_t raw = fetch(pc, &len);
        dc.pc = pc;
        dc.next_pc = pc + len;
        dc.end = false;
        ir_insn_start(b, pc);
        if (!translate_one(&dc, raw, len))
            rv_gen_illegal(&dc, raw);
        b->guest_insns++;
        pc = dc.next_pc;
        b->guest_size = (uint32_t)(pc - b->guest_pc);
        if (dc.end)
            return;
        if (b->guest_insns >= max_insns || pc >= page_end || ir_block_full(b)) {
            ir_exit_tb(b, pc);
            return;
        }
    }
}

/* disas.c */
void rv_disas(FILE *f, uint64_t pc, uint32_t size);

const struct guest_desc rv_guest = {
    .name = "riscv64",
    .state_size = sizeof(struct rv_cpu),
    .pc_offset = RV_PC,
    .insn_shift = 1,
    .interrupt_offset = offsetof(struct rv_cpu, interrupt),
    .translate = rv_translate,
    .disas = rv_disas,
};
