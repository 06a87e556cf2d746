/*
 * Local register allocation over one linear block, TCG-style: a temp gets a
 * host register when it is defined or first needed, loses it after its last
 * use, and when registers run out the value whose next use is farthest is
 * spilled to a frame slot.  Constants (movi) stay immediates until an
 * instruction needs them in a register, and are rematerialised instead of
 * spilled.  Temps that live across a helper call prefer callee-saved
 * registers.
 *
 * rax, rcx and rdx are never allocated: they are the scratch registers for
 * fixed-register instructions (div, mul-high, shifts by cl, cmpxchg) and
 * for call arguments.
 */
#ifndef TRANSLATE_X86_REGALLOC_H
#define TRANSLATE_X86_REGALLOC_H

#include "backend.h"

struct ra_temp {
    int64_t val;                /* movi constant */
    uint16_t def, last_use;     /* insn indices */
    uint16_t use_first, use_end, use_next;  /* range in ra.uses, cursor */
    int16_t slot;               /* spill slot or -1 */
    int8_t reg;                 /* host register or -1 */
    bool is_const, in_mem, across_call;
    bool in_state;              /* a get_reg whose value stays at [state + state_off]
                                 * until its last use (nothing writes the slot before) */
    int32_t state_off;
};

struct ra {
    struct x86_buf *b;
    const struct ir_block *blk;
    uint32_t cur;               /* insn being compiled */
    uint16_t locked;            /* registers holding operands of the current insn */
    uint16_t released;          /* registers of inputs that died at cur (still readable) */
    bool failed;                /* ran out of spill slots */
    uint32_t reg_temp[16];      /* temp in each host register, 0 when free */
    int n_free_slots;
    int16_t free_slots[JIT_SPILL_SLOTS];
    uint16_t uses[IR_MAX_INSNS * 4];
    struct ra_temp t[IR_MAX_TEMPS];
};

/* an operand: an immediate that fits the instruction, or a register */
struct ra_opnd {
    bool is_imm;
    int reg;
    int32_t imm;
};

#define RA_CALLER_SAVED ((1u << X86_RSI) | (1u << X86_RDI) | (1u << X86_R8) | (1u << X86_R9) | \
                         (1u << X86_R10) | (1u << X86_R11))
#define RA_CALLEE_SAVED ((1u << X86_RBX) | (1u << X86_R12) | (1u << X86_R13) | \
                         (1u << X86_R14) | (1u << X86_R15))

void ra_init(struct ra *ra, struct x86_buf *b, const struct ir_block *blk);
void ra_begin_insn(struct ra *ra, uint32_t n);
/* unlock operands, free the registers of temps that died here */
void ra_end_insn(struct ra *ra);

static inline bool ra_is_const(const struct ra *ra, ir_temp t)
{
    return ra->t[t].is_const;
}
static inline int64_t ra_const(const struct ra *ra, ir_temp t)
{
    return ra->t[t].val;
}
static inline bool ra_dies(const struct ra *ra, ir_temp t)
{
    return ra->t[t].last_use == ra->cur;
}
/* the register t is in right now, or -1 */
static inline int ra_where(const struct ra *ra, ir_temp t)
{
    return ra->t[t].reg;
}

/* t in a register (loaded or materialised), locked for this insn; avoid is a mask */
int ra_reg(struct ra *ra, ir_temp t, unsigned avoid);
/* t as an immediate when it is a constant that fits (w64: sign-extended imm32) */
struct ra_opnd ra_opnd(struct ra *ra, ir_temp t, bool w64);
/* Let the registers of inputs that die at this insn be reused by its output
 * (their values stay valid until the output is written). */
void ra_release_dead(struct ra *ra);
/* a register for the output of the current insn: prefer if free, never one in avoid */
int ra_alloc_out(struct ra *ra, ir_temp t, int prefer, unsigned avoid);
/* a free register not holding any live value, for a temporary need within an insn */
int ra_scratch(struct ra *ra, unsigned avoid);
/* before a call: move every value still needed after it out of caller-saved registers */
void ra_save_for_call(struct ra *ra);
/* where a temp's value can be read without allocating: reg, slot or constant */
struct x86_mem ra_slot_mem(const struct ra *ra, ir_temp t);
/*
 * For the get_reg at the current insn: if its only use can read the state
 * slot directly as a memory operand (compares and ALU ops of the same width,
 * or i32 ops of an i64 slot) and the slot keeps its value until then
 * (in_state), return true; the get_reg then emits nothing.
 */
bool ra_defer_get_reg(struct ra *ra, const struct ir_insn *get);
/* copy t's value into register r, wherever it is (r is not allocated) */
void ra_load_into(struct ra *ra, int r, ir_temp t);
/* t is an in_state get_reg not in a register right now: its state operand */
static inline bool ra_state_mem(const struct ra *ra, ir_temp t, struct x86_mem *m)
{
    const struct ra_temp *rt = &ra->t[t];
    if (!rt->in_state || rt->reg >= 0)
        return false;
    *m = X86_MEM(X86_RBP, rt->state_off);
    return true;
}

#endif
