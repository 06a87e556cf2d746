/*
 * Backend-local IR rewrites (peephole.c) and what they add to the IR as the
 * backend sees it: a ld/st with X86_MEM_INDEXED in insn->mem also reads
 * in[2] as an index shifted left by insn->cond, and its in[0] (the base)
 * may be IR_NO_TEMP.
 */
#ifndef TRANSLATE_X86_PEEPHOLE_H
#define TRANSLATE_X86_PEEPHOLE_H

#include "backend.h"

#define X86_MEM_INDEXED 0x80

/* out = in with the rewrites applied (out may not alias in) */
void x86_peephole(struct ir_block *out, const struct ir_block *in);
/* the temps insn i reads, in operand order; returns how many */
unsigned x86_insn_inputs(const struct ir_insn *i, ir_temp in[4]);

#endif
