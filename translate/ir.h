/*
 * The shared intermediate representation.  A block is a straight-line list of
 * instructions in SSA form: every temporary is defined exactly once, by one
 * instruction, before any use.  Control leaves a block only through exit_*
 * instructions; the last instruction is always an IR_F_END exit.  Guest
 * registers are not temporaries: they live in the guest CPU state and are
 * read and written with get_reg/set_reg at a byte offset, which is all this
 * layer knows of any guest.
 */
#ifndef TRANSLATE_IR_H
#define TRANSLATE_IR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum ir_opcode {
#define IR_OP(name, n_out, n_in, flags) IR_##name,
#include "ir_ops.def"
#undef IR_OP
    IR_NUM_OPS
};

/* ir_op_info[].flags */
enum {
    IR_F_PURE = 1 << 0,         /* no side effect: removable when unused */
    IR_F_READS_STATE = 1 << 1,
    IR_F_WRITES_STATE = 1 << 2,
    IR_F_MEM = 1 << 3,          /* touches guest memory or orders it */
    IR_F_CALL = 1 << 4,
    IR_F_EXIT = 1 << 5,
    IR_F_END = 1 << 6,          /* unconditional exit: ends the block */
    IR_F_VEC = 1 << 7,          /* vector op on 16-byte state slots (ir_vec.h) */
};

struct ir_op_info {
    const char *name;
    uint8_t n_out, n_in, flags;
};
extern const struct ir_op_info ir_op_info[IR_NUM_OPS];

enum ir_type { IR_I32 = 0, IR_I64 = 1 };

enum ir_cond {
    IR_EQ, IR_NE,
    IR_LT, IR_GE, IR_LE, IR_GT,         /* signed */
    IR_LTU, IR_GEU, IR_LEU, IR_GTU,     /* unsigned */
    IR_TSTEQ, IR_TSTNE,                 /* (a & b) == 0, (a & b) != 0 */
    IR_NUM_CONDS
};

/* insn->mem for ld, st and atomics */
enum {
    IR_MEM_8 = 0, IR_MEM_16 = 1, IR_MEM_32 = 2, IR_MEM_64 = 3,
    IR_MEM_SIZE_MASK = 3,
    IR_MEM_SIGN = 1 << 2,       /* ld: sign-extend to insn->type */
};

/* insn->cond for atomic_rmw */
enum ir_rmw {
    IR_RMW_XCHG, IR_RMW_ADD, IR_RMW_AND, IR_RMW_OR, IR_RMW_XOR,
    IR_RMW_SMIN, IR_RMW_SMAX, IR_RMW_UMIN, IR_RMW_UMAX,
};

/* imm of fence: which earlier accesses are ordered before which later ones */
enum {
    IR_FENCE_LD_LD = 1, IR_FENCE_LD_ST = 2, IR_FENCE_ST_LD = 4, IR_FENCE_ST_ST = 8,
    IR_FENCE_ALL = 15,
};

/* insn->cond for call */
enum {
    IR_CALL_PURE = 1 << 0,      /* result depends only on the arguments; no side effect */
    IR_CALL_NO_REGS = 1 << 1,   /* does not read or write any state slot that the IR
                                 * accesses with get_reg/set_reg (it may use others) */
    IR_CALL_MAY_EXIT = 1 << 2,  /* may longjmp out of the block (e.g. to raise a trap);
                                 * state must be fully written back before it */
};

/* exit_trap reasons are chosen by the front-end; these are the common ones */
enum {
    IR_TRAP_SYSCALL = 1,
    IR_TRAP_ILLEGAL = 2,        /* undefined instruction: guest SIGILL */
    IR_TRAP_BREAKPOINT = 3,
    IR_TRAP_FLUSH_ICACHE = 4,   /* translations changed: caller invalidates, continues at pc */
    IR_TRAP_INTERRUPT = 5,      /* the state's interrupt flag was set (signal, thread request);
                                 * pc is the block that did not run */
    IR_TRAP_GUEST_BASE = 16,    /* guest-specific reasons start here */
};

typedef uint32_t ir_temp;
#define IR_NO_TEMP 0u           /* temp 0 is never defined */

struct ir_insn {
    uint8_t op;                 /* enum ir_opcode */
    uint8_t type;               /* enum ir_type: width of the operation */
    uint8_t cond;               /* enum ir_cond, enum ir_rmw, or IR_CALL_* */
    uint8_t mem;                /* IR_MEM_* */
    ir_temp out;
    ir_temp in[4];
    int64_t imm;                /* constant, state offset, displacement, target pc, helper */
    uint64_t imm2;              /* exit_trap: guest pc; others: 0 */
};

#define IR_MAX_INSNS 1024
#define IR_MAX_TEMPS 2048

/*
 * A block under construction or ready to run.  A front-end fills it with the
 * ir_* builders below; the optimiser rewrites it in place.
 */
struct ir_block {
    uint64_t guest_pc;          /* first guest instruction */
    uint32_t guest_size;        /* bytes of guest code covered */
    uint32_t guest_insns;       /* number of guest instructions */
    uint32_t n_insns;
    uint32_t n_temps;           /* temps 1 .. n_temps-1 are defined */
    bool overflow;              /* ran out of room: the front-end must end the block */
    uint8_t temp_type[IR_MAX_TEMPS];
    struct ir_insn insns[IR_MAX_INSNS];
};

/* Leave this many free insns before each guest instruction so one always fits. */
#define IR_INSN_HEADROOM 96

void ir_block_init(struct ir_block *b, uint64_t guest_pc);
bool ir_block_full(const struct ir_block *b);

/* builders: each returns the new temporary (or nothing for effects) */
ir_temp ir_new_temp(struct ir_block *b, enum ir_type t);
struct ir_insn *ir_emit(struct ir_block *b, enum ir_opcode op, enum ir_type t);
ir_temp ir_movi(struct ir_block *b, enum ir_type t, uint64_t v);
ir_temp ir_unop(struct ir_block *b, enum ir_opcode op, enum ir_type t, ir_temp a);
ir_temp ir_binop(struct ir_block *b, enum ir_opcode op, enum ir_type t, ir_temp a, ir_temp c);
ir_temp ir_setcond(struct ir_block *b, enum ir_type t, enum ir_cond cond, ir_temp a, ir_temp c);
ir_temp ir_select(struct ir_block *b, enum ir_type t, ir_temp c, ir_temp vt, ir_temp vf);
ir_temp ir_get_reg(struct ir_block *b, enum ir_type t, uint32_t offset);
void ir_set_reg(struct ir_block *b, enum ir_type t, uint32_t offset, ir_temp v);
ir_temp ir_ld(struct ir_block *b, enum ir_type t, unsigned mem, ir_temp addr, int64_t disp);
void ir_st(struct ir_block *b, unsigned mem, ir_temp addr, int64_t disp, ir_temp v);
ir_temp ir_atomic_rmw(struct ir_block *b, enum ir_type t, unsigned mem, enum ir_rmw kind,
                      ir_temp addr, ir_temp v);
ir_temp ir_atomic_cmpxchg(struct ir_block *b, enum ir_type t, unsigned mem, ir_temp addr,
                          ir_temp expected, ir_temp newv);
void ir_fence(struct ir_block *b, unsigned kind);

/* helper signature: every argument and the result are raw 64-bit patterns */
typedef uint64_t (*ir_helper_fn)(void *state, uint64_t a0, uint64_t a1, uint64_t a2,
                                 uint64_t a3);
/* n_args unused inputs are IR_NO_TEMP; ret_type is ignored when want_result is false */
ir_temp ir_call(struct ir_block *b, ir_helper_fn fn, unsigned call_flags, bool want_result,
                enum ir_type ret_type, ir_temp a0, ir_temp a1, ir_temp a2, ir_temp a3);

void ir_exit_cond(struct ir_block *b, enum ir_type t, enum ir_cond cond, ir_temp a, ir_temp c,
                  uint64_t target_pc);
void ir_exit_tb(struct ir_block *b, uint64_t target_pc);
void ir_exit_ind(struct ir_block *b, ir_temp target);
void ir_exit_trap(struct ir_block *b, unsigned reason, uint64_t pc);
/* The guest instruction at pc starts here: front-ends emit it first for
 * every instruction, which makes host faults precise (pc and registers as
 * before that instruction). */
void ir_insn_start(struct ir_block *b, uint64_t pc);

/* shorthands */
#define ir_add(b, t, x, y) ir_binop(b, IR_add, t, x, y)
#define ir_sub(b, t, x, y) ir_binop(b, IR_sub, t, x, y)
#define ir_and(b, t, x, y) ir_binop(b, IR_and, t, x, y)
#define ir_or(b, t, x, y)  ir_binop(b, IR_or, t, x, y)
#define ir_xor(b, t, x, y) ir_binop(b, IR_xor, t, x, y)
#define ir_shl(b, t, x, y) ir_binop(b, IR_shl, t, x, y)
#define ir_shr(b, t, x, y) ir_binop(b, IR_shr, t, x, y)
#define ir_sar(b, t, x, y) ir_binop(b, IR_sar, t, x, y)
#define ir_mul(b, t, x, y) ir_binop(b, IR_mul, t, x, y)

/*
 * The executable definition of every pure op (except movi/mov/call), used by
 * the interpreter and the constant folder so that they cannot disagree.
 * Inputs are full 64-bit patterns; the result of an I32 op is zero-extended.
 */
uint64_t ir_eval_pure(const struct ir_insn *insn, uint64_t a, uint64_t c, uint64_t d);
bool ir_eval_cond(enum ir_cond cond, enum ir_type t, uint64_t a, uint64_t c);

/* checks the SSA and typing rules; returns false and prints the reason to f */
bool ir_validate(const struct ir_block *b, FILE *f);
void ir_print(const struct ir_block *b, FILE *f);

#endif
