/*
 * The execution engine's contract between the guest front-ends, the code
 * cache, the IR interpreter (cold tier) and the x86-64 backend (hot tier).
 * One guest architecture per process: exec_config is set once at start-up.
 */
#ifndef TRANSLATE_EXEC_H
#define TRANSLATE_EXEC_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ir.h"

/* What a guest front-end provides. */
struct guest_desc {
    const char *name;           /* "riscv64" */
    uint32_t state_size;        /* bytes of its CPU state */
    uint32_t pc_offset;         /* byte offset of the 64-bit pc in the state */
    uint32_t insn_shift;        /* log2 of the smallest pc alignment (1 for RVC) */
    /* byte offset of a 32-bit flag in the state, or 0 for none.  Blocks that
     * can close a loop (a direct exit to a pc not above their own, or an
     * indirect exit) and the execution loop test it on entry and return
     * IR_TRAP_INTERRUPT; other blocks may still run while it is set. */
    uint32_t interrupt_offset;
    /* Translate one block at pc (at most max_insns guest instructions).  It
     * must end with an IR_F_END exit and set b->guest_size, b->guest_insns. */
    void (*translate)(struct ir_block *b, const void *state, uint64_t pc, unsigned max_insns);
    /* -d in_asm: one line per guest instruction of [pc, pc + size) */
    void (*disas)(FILE *f, uint64_t pc, uint32_t size);
};

enum exec_tier { EXEC_TIER_AUTO, EXEC_TIER_INTERP, EXEC_TIER_JIT };

/* -d log mask bits */
enum {
    LOG_IN_ASM = 1 << 0, LOG_OP = 1 << 1, LOG_OP_OPT = 1 << 2, LOG_OUT_ASM = 1 << 3,
    LOG_EXEC = 1 << 4, LOG_UNIMP = 1 << 5, LOG_GUEST_ERRORS = 1 << 6, LOG_STRACE = 1 << 7,
};

struct exec_config {
    const struct guest_desc *guest;
    enum exec_tier tier;
    unsigned jit_threshold;     /* interpreted runs before a block is compiled */
    unsigned max_insns;         /* guest insns per block (1 with -one-insn-per-tb) */
    unsigned log_mask;
    FILE *log;                  /* -D file, stderr by default */
    uintptr_t guest_base;       /* host address of guest address 0 */
};
extern struct exec_config exec_config;

#define exec_log_enabled(bit) (exec_config.log_mask & (bit))
void exec_log(unsigned bit, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Exit word returned by generated code and by the interpreter.  The low 3
 * bits are the kind; the payload is the rest shifted right by 8.
 *   LOOKUP: the next pc is in the state; find its block.
 *   CHAIN:  as LOOKUP, and payload is a chain site (jit_patch_chain) that
 *           may be patched to jump straight to that block.
 *   TRAP:   payload is the trap reason; pc was set to the exit's imm2.
 */
enum { EXEC_EXIT_LOOKUP = 0, EXEC_EXIT_CHAIN = 1, EXEC_EXIT_TRAP = 2 };
#define EXEC_EXIT(kind, payload) (((uint64_t)(payload) << 8) | (kind))
#define EXEC_EXIT_KIND(w) ((unsigned)((w) & 7))
#define EXEC_EXIT_PAYLOAD(w) ((w) >> 8)

/* Inline indirect-branch cache, probed by generated code (exit_ind). */
struct jmp_cache_entry {
    uint64_t pc;
    void *code;
};
#define JMP_CACHE_BITS 12
#define JMP_CACHE_SIZE (1u << JMP_CACHE_BITS)
/* An empty entry holds this pc, which no guest can branch to (it is odd and
 * both guests' branch targets are even), so generated code never takes it. */
#define JMP_CACHE_EMPTY_PC UINT64_MAX
static inline void jmp_cache_clear(struct jmp_cache_entry *jc)
{
    for (unsigned i = 0; i < JMP_CACHE_SIZE; i++)
        jc[i] = (struct jmp_cache_entry){ JMP_CACHE_EMPTY_PC, 0 };
}
static inline unsigned jmp_cache_hash(uint64_t pc, unsigned insn_shift)
{
    return (unsigned)(pc >> insn_shift) & (JMP_CACHE_SIZE - 1);
}

/* A translation block: one guest block, interpreted or compiled. */
struct tb {
    uint64_t pc;
    uint32_t size;              /* guest bytes */
    uint32_t exec_count;        /* interpreted runs so far */
    struct ir_insn *insns;      /* optimised IR (kept for the interpreter) */
    uint8_t *temp_types;        /* enum ir_type of each temp, for a later compile */
    uint32_t n_insns, n_temps;
    void *host_code;            /* NULL until compiled */
    struct tb *hash_next;
    /* cache.c's index of code by guest page: the next block in the bucket
     * of this block's first page [0] and of its last page [1] */
    struct tb *page_next[2];
};

/* What a host fault on a guest thread interrupted (exec_ctx.phase):
 * RUN is generated code, INTERP the interpreter (the helpers they call
 * included). */
enum { EXEC_PHASE_NONE, EXEC_PHASE_RUN, EXEC_PHASE_TRANSLATE, EXEC_PHASE_INTERP };

/* Per-thread execution context.  One per guest thread, used only by its
 * own thread, except that a cache flush on another thread reads in_exec,
 * sets the state's interrupt flag and clears jmp_cache while waiting. */
struct exec_ctx {
    void *state;                /* guest CPU state */
    struct jmp_cache_entry *jmp_cache;
    int in_exec;                /* inside exec_run: holds tb pointers (atomic) */
    volatile int phase;         /* EXEC_PHASE_* */
    sigjmp_buf fault_jmp;       /* exec_fault_unwind lands here */
    struct exec_ctx *next;      /* cache.c's list of live contexts */
};

/* Map the code buffer (done by the first exec_ctx_init if not called before). */
void exec_init(void);
void exec_ctx_init(struct exec_ctx *ctx, void *state);
/* Forget a context when its thread ends. */
void exec_ctx_destroy(struct exec_ctx *ctx);
/* Run guest code from the state's pc until a trap; returns the trap reason.
 * IR_TRAP_INTERRUPT when the state's interrupt flag was set or a host fault
 * was unwound (exec_fault_unwind); pc is then the block that did not finish. */
unsigned exec_run(struct exec_ctx *ctx);
/*
 * From a host SIGSEGV/SIGBUS/SIGFPE handler on ctx's own thread: if the
 * fault happened while ctx ran guest code (generated code, the interpreter,
 * helpers, or the front-end reading guest code), abandon that block and
 * make exec_run return IR_TRAP_INTERRUPT (never returns).  Otherwise
 * returns: the fault is the runner's own.  The guest state is then exactly
 * as before the faulting guest instruction (pc at it, earlier instructions'
 * register writes done, its own not) when the front-end emits insn_start
 * (opt.h OPT_PRECISE_MEM_FAULTS); a fault while translating leaves pc at
 * the block's start.
 */
void exec_fault_unwind(struct exec_ctx *ctx, uintptr_t host_pc, uintptr_t host_sp);
/* Forget translations overlapping [start, end). */
void exec_invalidate(uint64_t start, uint64_t end);
/*
 * Instruction-cache maintenance by address (aarch64's IC IVAU): note
 * [start, end) on this thread; the IR_TRAP_FLUSH_ICACHE that follows calls
 * exec_icache_sync, which forgets the translations of what was noted, or of
 * everything when nothing was (riscv64's fence.i names no address).
 */
void exec_icache_note(uint64_t start, uint64_t end);
void exec_icache_sync(void);

/* the cold tier (interp.c) */
uint64_t interp_run(void *state, const struct tb *tb);

/* optimiser (opt.c): all passes in order */
void ir_optimize(struct ir_block *b);

#endif
