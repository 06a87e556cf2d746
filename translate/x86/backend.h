/*
 * What the pieces of the x86-64 backend share: host features, the fixed
 * frame that jit_enter builds, and the code buffer's trampolines.
 *
 * Frame (set up once by the entry trampoline; every compiled block runs in
 * it, so blocks can jump to each other directly):
 *   [rsp + JIT_FRAME_JMP_CACHE]        the jmp_cache pointer of this thread
 *   [rsp + JIT_FRAME_SPILL + 8 * n]    spill slot n
 * rbp holds the guest state pointer for the whole run; rsp is 16-byte
 * aligned inside blocks so helpers can be called directly.
 */
#ifndef TRANSLATE_X86_BACKEND_H
#define TRANSLATE_X86_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "translate/ir.h"
#include "emit.h"

/* Filled once by jit_init from CPUID.  Tests may clear bits afterwards to
 * exercise the baseline fallbacks; nothing else writes it. */
struct x86_features {
    bool lzcnt, bmi1, bmi2, popcnt;
};
extern struct x86_features x86_host;

#define JIT_STATE_REG X86_RBP
#define JIT_FRAME_JMP_CACHE 0
#define JIT_FRAME_SPILL 8
#define JIT_SPILL_SLOTS 512
#define JIT_FRAME_SIZE (JIT_FRAME_SPILL + 8 * JIT_SPILL_SLOTS)

/* buffer.c */
const uint8_t *jit_epilogue(void);
/* the EXEC_EXIT_CHAIN payload naming the rel32 at disp (4-byte aligned) */
uint64_t jit_chain_site(const uint8_t *disp);

/*
 * buffer.c: the guest pc of the instruction whose code contains host_pc,
 * for a host fault handler (async-signal-safe, lock-free).  Generated code
 * does not keep the state's pc up to date, so this is how a fault inside
 * generated code finds the guest instruction it happened in.
 * (Meant for jit.h; declared here until the lead adds it there.)
 */
bool jit_guest_pc_of(const void *host_pc, uint64_t *guest_pc);

/* codegen.c: compile into b; false when the block cannot be compiled */
bool x86_codegen_block(struct x86_buf *b, const struct ir_block *blk);
/* Where the code of each guest instruction of the last compiled block
 * begins (its insn_start): host offset from the block's first byte and
 * guest pc offset from the block's pc, ascending in host offset; guest
 * instructions without host code are left out.  Returns how many. */
struct x86_insn_mark {
    uint32_t host_off, pc_off;
};
uint32_t x86_last_insn_marks(const struct x86_insn_mark **marks);
/* Bytes from the start of the last compiled block to the end of its last
 * exit, i.e. without the out-of-line exit stubs (for code-quality tests). */
uint32_t x86_last_body_size(void);

#endif
