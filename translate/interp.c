/*
 * The cold tier: runs a block's optimised IR directly.  Short-lived processes
 * spend most of their time here, so dispatch is a computed goto over the
 * opcode and the hottest ops are inlined; everything else pure goes through
 * ir_eval_pure, the single definition of the ops (ir_eval.c).  The inlined
 * ops rely on the IR invariant that an I32 temp always holds a zero-extended
 * value, which every writer below maintains.
 */
#include "exec.h"
#include "ir_vec.h"

#include <stdlib.h>
#include <string.h>

/* Result masks indexed by insn->type; count masks for shifts likewise. */
static const uint64_t type_mask[2] = { 0xffffffffull, ~0ull };
static const uint64_t count_mask[2] = { 31, 63 };

static inline uint64_t mem_load(const void *p, unsigned mem, unsigned type)
{
    uint64_t v;
    switch (mem & IR_MEM_SIZE_MASK) {
    case IR_MEM_8: {
        uint8_t x;
        memcpy(&x, p, 1);
        v = (mem & IR_MEM_SIGN) ? (uint64_t)(int64_t)(int8_t)x : x;
        break;
    }
    case IR_MEM_16: {
        uint16_t x;
        memcpy(&x, p, 2);
        v = (mem & IR_MEM_SIGN) ? (uint64_t)(int64_t)(int16_t)x : x;
        break;
    }
    case IR_MEM_32: {
        uint32_t x;
        memcpy(&x, p, 4);
        v = (mem & IR_MEM_SIGN) ? (uint64_t)(int64_t)(int32_t)x : x;
        break;
    }
    default:
        memcpy(&v, p, 8);
        break;
    }
    return v & type_mask[type];
}

static inline void mem_store(void *p, unsigned mem, uint64_t v)
{
    switch (mem & IR_MEM_SIZE_MASK) {
    case IR_MEM_8: { uint8_t x = (uint8_t)v; memcpy(p, &x, 1); break; }
    case IR_MEM_16: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
    case IR_MEM_32: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
    default: memcpy(p, &v, 8); break;
    }
}

/* The value an rmw stores, computed at the access size (signed kinds compare
 * the sign-extended size-wide values). */
static uint64_t rmw_apply(unsigned kind, unsigned size, uint64_t old, uint64_t v)
{
    unsigned shift = 64 - (8u << size);
    int64_t so = (int64_t)(old << shift) >> shift, sv = (int64_t)(v << shift) >> shift;
    uint64_t m = ~0ull >> shift;
    old &= m;
    v &= m;
    switch (kind) {
    case IR_RMW_XCHG: return v;
    case IR_RMW_ADD: return old + v;
    case IR_RMW_AND: return old & v;
    case IR_RMW_OR: return old | v;
    case IR_RMW_XOR: return old ^ v;
    case IR_RMW_SMIN: return so < sv ? old : v;
    case IR_RMW_SMAX: return so > sv ? old : v;
    case IR_RMW_UMIN: return old < v ? old : v;
    case IR_RMW_UMAX: return old > v ? old : v;
    default: abort();   /* front-end bug: unknown rmw kind */
    }
}

/* Generic compare-and-swap loop: every kind at every size, seq_cst. */
#define RMW_LOOP(T)                                                             \
    do {                                                                        \
        T *q = p, o = __atomic_load_n(q, __ATOMIC_RELAXED);                     \
        while (!__atomic_compare_exchange_n(q, &o, (T)rmw_apply(kind, size, o, v), \
                                            false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) \
            ;                                                                   \
        old = o;                                                                \
    } while (0)

#define RMW_FAST(T)                                                             \
    do {                                                                        \
        T *q = p;                                                               \
        switch (kind) {                                                         \
        case IR_RMW_XCHG: old = __atomic_exchange_n(q, (T)v, __ATOMIC_SEQ_CST); break; \
        case IR_RMW_ADD: old = __atomic_fetch_add(q, (T)v, __ATOMIC_SEQ_CST); break; \
        case IR_RMW_AND: old = __atomic_fetch_and(q, (T)v, __ATOMIC_SEQ_CST); break; \
        case IR_RMW_OR: old = __atomic_fetch_or(q, (T)v, __ATOMIC_SEQ_CST); break; \
        case IR_RMW_XOR: old = __atomic_fetch_xor(q, (T)v, __ATOMIC_SEQ_CST); break; \
        default: RMW_LOOP(T); break;                                            \
        }                                                                       \
    } while (0)

static uint64_t atomic_rmw(void *p, unsigned mem, unsigned kind, unsigned type, uint64_t v)
{
    unsigned size = mem & IR_MEM_SIZE_MASK;
    uint64_t old;
    switch (size) {
    case IR_MEM_8: RMW_FAST(uint8_t); break;
    case IR_MEM_16: RMW_FAST(uint16_t); break;
    case IR_MEM_32: RMW_FAST(uint32_t); break;
    default: RMW_FAST(uint64_t); break;
    }
    return mem_load(&old, mem, type);
}

#define CMPXCHG(T)                                                              \
    do {                                                                        \
        T o = (T)expect;                                                        \
        __atomic_compare_exchange_n((T *)p, &o, (T)newv, false, __ATOMIC_SEQ_CST, \
                                    __ATOMIC_SEQ_CST);                          \
        old = o;                                                                \
    } while (0)

static uint64_t atomic_cmpxchg(void *p, unsigned mem, unsigned type, uint64_t expect,
                               uint64_t newv)
{
    uint64_t old;
    switch (mem & IR_MEM_SIZE_MASK) {
    case IR_MEM_8: CMPXCHG(uint8_t); break;
    case IR_MEM_16: CMPXCHG(uint16_t); break;
    case IR_MEM_32: CMPXCHG(uint32_t); break;
    default: CMPXCHG(uint64_t); break;
    }
    return mem_load(&old, mem, type);
}

static void fence(int64_t kind)
{
    /* Only store->load ordering needs a full barrier; the rest is acq_rel. */
    if (kind & IR_FENCE_ST_LD)
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    else
        __atomic_thread_fence(__ATOMIC_ACQ_REL);
}

/* ir_eval_cond, inlined: branches are the commonest thing a block ends on */
static inline bool cond_eval(unsigned cond, unsigned type, uint64_t a, uint64_t c)
{
    if (type == IR_I32) {
        /* compare as 64-bit values with the 32-bit sign moved to bit 63 */
        a <<= 32;
        c <<= 32;
    }
    switch (cond) {
    case IR_EQ: return a == c;
    case IR_NE: return a != c;
    case IR_LT: return (int64_t)a < (int64_t)c;
    case IR_GE: return (int64_t)a >= (int64_t)c;
    case IR_LE: return (int64_t)a <= (int64_t)c;
    case IR_GT: return (int64_t)a > (int64_t)c;
    case IR_LTU: return a < c;
    case IR_GEU: return a >= c;
    case IR_LEU: return a <= c;
    case IR_GTU: return a > c;
    case IR_TSTEQ: return (a & c) == 0;
    case IR_TSTNE: return (a & c) != 0;
    default: abort();   /* front-end bug: unknown condition */
    }
}

static inline void set_pc(char *state, uint32_t pc_offset, uint64_t pc)
{
    memcpy(state + pc_offset, &pc, 8);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"

uint64_t interp_run(void *state_v, const struct tb *tb)
{
    static const void *const labels[IR_NUM_OPS] = {
        [0 ... IR_NUM_OPS - 1] = &&op_pure,
        [IR_movi] = &&op_movi, [IR_mov] = &&op_mov,
        [IR_add] = &&op_add, [IR_sub] = &&op_sub,
        [IR_and] = &&op_and, [IR_or] = &&op_or, [IR_xor] = &&op_xor,
        [IR_shl] = &&op_shl, [IR_shr] = &&op_shr, [IR_sar] = &&op_sar,
        [IR_mul] = &&op_mul, [IR_neg] = &&op_neg, [IR_not] = &&op_not,
        [IR_andn] = &&op_andn, [IR_orn] = &&op_orn,
        [IR_rotl] = &&op_rotl, [IR_rotr] = &&op_rotr,
        [IR_sext8] = &&op_sext8, [IR_sext16] = &&op_sext16, [IR_sext32] = &&op_sext32,
        [IR_zext8] = &&op_zext8, [IR_zext16] = &&op_zext16, [IR_zext32] = &&op_zext32,
        [IR_trunc32] = &&op_trunc32, [IR_select] = &&op_select,
        [IR_setcond] = &&op_setcond,
        [IR_get_reg] = &&op_get_reg, [IR_set_reg] = &&op_set_reg,
        [IR_ld] = &&op_ld, [IR_st] = &&op_st,
        [IR_atomic_rmw] = &&op_atomic_rmw, [IR_atomic_cmpxchg] = &&op_atomic_cmpxchg,
        [IR_fence] = &&op_fence, [IR_call] = &&op_call,
        [IR_exit_cond] = &&op_exit_cond, [IR_exit_tb] = &&op_exit_tb,
        [IR_exit_ind] = &&op_exit_ind, [IR_exit_trap] = &&op_exit_trap,
        [IR_insn_start] = &&op_insn_start,
        [IR_vop] = &&op_vec, [IR_vdup] = &&op_vec, [IR_vreduce] = &&op_vec,
        [IR_vld] = &&op_vec, [IR_vst] = &&op_vec,
    };
    /* No initialisation: SSA guarantees every temp is written before it is
     * read, except temp 0 which stands for an absent call argument. */
    uint64_t t[IR_MAX_TEMPS];
    char *state = state_v;
    const uintptr_t base = exec_config.guest_base;
    const uint32_t pc_offset = exec_config.guest->pc_offset;
    const struct ir_insn *i = tb->insns;
    uint64_t a, c;

    t[0] = 0;
    /* the same check as compiled blocks make at entry (exec.h) */
    if (exec_config.guest->interrupt_offset &&
        __atomic_load_n((uint32_t *)(state + exec_config.guest->interrupt_offset),
                        __ATOMIC_RELAXED)) {
        *(uint64_t *)(state + pc_offset) = tb->pc;
        return EXEC_EXIT(EXEC_EXIT_TRAP, IR_TRAP_INTERRUPT);
    }

#define DISPATCH() goto *labels[i->op]
#define NEXT() do { i++; DISPATCH(); } while (0)
#define IN(k) t[i->in[k]]
#define ADDR() ((void *)(base + (uintptr_t)IN(0) + (uintptr_t)i->imm))

    DISPATCH();

op_movi:
    t[i->out] = (uint64_t)i->imm & type_mask[i->type];
    NEXT();
op_mov:
    t[i->out] = IN(0) & type_mask[i->type];
    NEXT();
op_add:
    t[i->out] = (IN(0) + IN(1)) & type_mask[i->type];
    NEXT();
op_sub:
    t[i->out] = (IN(0) - IN(1)) & type_mask[i->type];
    NEXT();
op_and:
    t[i->out] = IN(0) & IN(1) & type_mask[i->type];
    NEXT();
op_or:
    t[i->out] = (IN(0) | IN(1)) & type_mask[i->type];
    NEXT();
op_xor:
    t[i->out] = (IN(0) ^ IN(1)) & type_mask[i->type];
    NEXT();
op_shl:
    t[i->out] = (IN(0) << (IN(1) & count_mask[i->type])) & type_mask[i->type];
    NEXT();
op_shr:
    t[i->out] = (IN(0) & type_mask[i->type]) >> (IN(1) & count_mask[i->type]);
    NEXT();
op_sar:
    if (i->type == IR_I32)
        t[i->out] = (uint32_t)((int32_t)(uint32_t)IN(0) >> (IN(1) & 31));
    else
        t[i->out] = (uint64_t)((int64_t)IN(0) >> (IN(1) & 63));
    NEXT();
op_rotl:
    a = IN(0);
    c = IN(1);
    if (i->type == IR_I32) {
        uint32_t x = (uint32_t)a;
        unsigned n = (unsigned)c & 31;
        t[i->out] = (uint32_t)((x << n) | (x >> ((32 - n) & 31)));
    } else {
        unsigned n = (unsigned)c & 63;
        t[i->out] = (a << n) | (a >> ((64 - n) & 63));
    }
    NEXT();
op_rotr:
    a = IN(0);
    c = IN(1);
    if (i->type == IR_I32) {
        uint32_t x = (uint32_t)a;
        unsigned n = (unsigned)c & 31;
        t[i->out] = (uint32_t)((x >> n) | (x << ((32 - n) & 31)));
    } else {
        unsigned n = (unsigned)c & 63;
        t[i->out] = (a >> n) | (a << ((64 - n) & 63));
    }
    NEXT();
op_mul:
    t[i->out] = (IN(0) * IN(1)) & type_mask[i->type];
    NEXT();
op_neg:
    t[i->out] = (0 - IN(0)) & type_mask[i->type];
    NEXT();
op_not:
    t[i->out] = ~IN(0) & type_mask[i->type];
    NEXT();
op_andn:
    t[i->out] = IN(0) & ~IN(1) & type_mask[i->type];
    NEXT();
op_orn:
    t[i->out] = (IN(0) | ~IN(1)) & type_mask[i->type];
    NEXT();
op_sext8:
    t[i->out] = (uint64_t)(int64_t)(int8_t)IN(0) & type_mask[i->type];
    NEXT();
op_sext16:
    t[i->out] = (uint64_t)(int64_t)(int16_t)IN(0) & type_mask[i->type];
    NEXT();
op_sext32:
    t[i->out] = (uint64_t)(int64_t)(int32_t)IN(0) & type_mask[i->type];
    NEXT();
op_zext8:
    t[i->out] = (uint8_t)IN(0);
    NEXT();
op_zext16:
    t[i->out] = (uint16_t)IN(0);
    NEXT();
op_zext32:
op_trunc32:
    t[i->out] = (uint32_t)IN(0);
    NEXT();
op_select:
    t[i->out] = IN(0) ? IN(1) : IN(2);
    NEXT();
op_setcond:
    t[i->out] = cond_eval(i->cond, i->type, IN(0), IN(1));
    NEXT();
op_pure:
    t[i->out] = ir_eval_pure(i, IN(0), IN(1), IN(2));
    NEXT();

op_get_reg:
    if (i->type == IR_I32) {
        uint32_t x;
        memcpy(&x, state + i->imm, 4);
        t[i->out] = x;
    } else {
        memcpy(&t[i->out], state + i->imm, 8);
    }
    NEXT();
op_set_reg:
    if (i->type == IR_I32) {
        uint32_t x = (uint32_t)IN(0);
        memcpy(state + i->imm, &x, 4);
    } else {
        memcpy(state + i->imm, &IN(0), 8);
    }
    NEXT();

op_ld:
    t[i->out] = mem_load(ADDR(), i->mem, i->type);
    NEXT();
op_st:
    mem_store(ADDR(), i->mem, IN(1));
    NEXT();
op_atomic_rmw:
    t[i->out] = atomic_rmw(ADDR(), i->mem, i->cond, i->type, IN(1));
    NEXT();
op_atomic_cmpxchg:
    t[i->out] = atomic_cmpxchg(ADDR(), i->mem, i->type, IN(1), IN(2));
    NEXT();
op_fence:
    fence(i->imm);
    NEXT();

op_call:
    a = ((ir_helper_fn)(uintptr_t)i->imm)(state, IN(0), IN(1), IN(2), IN(3));
    if (i->out)
        t[i->out] = a & type_mask[i->type];
    NEXT();

op_vec:
    /* t[0] stands in for the absent in[0] of vop and vreduce */
    a = ir_vec_eval(state, i, IN(0), base);
    if (i->out)
        t[i->out] = a;
    NEXT();

op_insn_start:
    /* a host fault from here on unwinds with the guest at this insn
     * (exec_fault_unwind); every exit overwrites the pc anyway */
    set_pc(state, pc_offset, (uint64_t)i->imm);
    NEXT();

op_exit_cond:
    a = IN(0);
    c = IN(1);
    if (!cond_eval(i->cond, i->type, a, c))
        NEXT();
    set_pc(state, pc_offset, (uint64_t)i->imm);
    return EXEC_EXIT(EXEC_EXIT_LOOKUP, 0);
op_exit_tb:
    set_pc(state, pc_offset, (uint64_t)i->imm);
    return EXEC_EXIT(EXEC_EXIT_LOOKUP, 0);
op_exit_ind:
    set_pc(state, pc_offset, IN(0));
    return EXEC_EXIT(EXEC_EXIT_LOOKUP, 0);
op_exit_trap:
    set_pc(state, pc_offset, i->imm2);
    return EXEC_EXIT(EXEC_EXIT_TRAP, (uint64_t)i->imm);

#undef DISPATCH
#undef NEXT
#undef IN
#undef ADDR
}

#pragma GCC diagnostic pop
