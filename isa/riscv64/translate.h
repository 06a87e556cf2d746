/*
 * Shared by the riscv64 translator files (translate-*.c): the per-instruction
 * decoder context and the register accessors every instruction class uses.
 */
#ifndef ISA_RISCV64_TRANSLATE_H
#define ISA_RISCV64_TRANSLATE_H

#include <stdbool.h>
#include <stdint.h>

#include "isa/riscv64/cpu.h"
#include "translate/ir.h"

struct rv_dc {
    struct ir_block *b;
    uint64_t pc;                /* this instruction */
    uint64_t next_pc;           /* pc + 2 (compressed) or pc + 4 */
    bool end;                   /* the instruction ended the block */
};

/* x0 reads as a constant 0; writes to x0 are dropped */
ir_temp rv_get_x(struct rv_dc *dc, unsigned r);
void rv_set_x(struct rv_dc *dc, unsigned r, ir_temp v);
ir_temp rv_get_f(struct rv_dc *dc, unsigned r);         /* raw 64-bit pattern */
void rv_set_f(struct rv_dc *dc, unsigned r, ir_temp v);
/* end the block with the guest's illegal-instruction trap */
void rv_gen_illegal(struct rv_dc *dc, uint32_t insn);

/* translate-fp.c: F and D extensions (LOAD-FP, STORE-FP, OP-FP, F[N]MADD/SUB).
 * Returns false for an encoding it does not recognise (the caller raises SIGILL). */
bool rv_translate_fp(struct rv_dc *dc, uint32_t insn);

#endif
