/*
 * The x86-64 backend against the IR's executable definition: every op, type,
 * condition and operand form (register, immediate, same temp twice, inputs
 * that stay live) over boundary and random inputs is compiled, run through
 * jit_enter and compared with ir_eval_pure; memory ops and atomics with a
 * reference written here; whole random blocks under register pressure with
 * helper calls against the interpreter (interp_run); exits, chaining and
 * the inline jmp_cache probe.  Each feature-dependent op also runs with the
 * BMI/LZCNT/POPCNT paths switched off to cover the baseline fallbacks.
 */
#include "translate/exec.h"
#include "translate/jit.h"
#include "translate/x86/backend.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* ---- TAP (buffered so the plan comes first) ---- */
static int n_test, n_fail;
static char *tap_buf;
static size_t tap_len;
static FILE *tap;

static void ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ok(bool cond, const char *fmt, ...)
{
    va_list ap;
    if (!tap)
        tap = open_memstream(&tap_buf, &tap_len);
    n_test++;
    n_fail += !cond;
    fprintf(tap, "%sok %d - ", cond ? "" : "not ", n_test);
    va_start(ap, fmt);
    vfprintf(tap, fmt, ap);
    va_end(ap);
    fputc('\n', tap);
}

/* first mismatch of a group, printed as a TAP diagnostic */
static char diag[512];
static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
    if (diag[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(diag, sizeof(diag), fmt, ap);
    va_end(ap);
}
static void flush_diag(void)
{
    if (diag[0])
        fprintf(tap, "# %s\n", diag);
    diag[0] = 0;
}

/* ---- the test guest ---- */
#define NREGS 96
struct tstate {
    uint64_t r[NREGS];
    uint64_t pc;
    uint64_t scratch[8];
};
#define R(n) ((uint32_t)offsetof(struct tstate, r) + 8u * (n))
#define PC_OFF ((uint32_t)offsetof(struct tstate, pc))

static const struct guest_desc test_guest = {
    .name = "test", .state_size = sizeof(struct tstate), .pc_offset = PC_OFF, .insn_shift = 2,
};

static struct ir_block blk;
static struct jmp_cache_entry jcache[JMP_CACHE_SIZE];
static unsigned compiled;

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static const uint64_t edge[] = {
    0, 1, 2, 3, 7, 31, 32, 33, 63, 64, 65, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
    0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0x100000000ull, 0x123456789abcdef0ull,
    0x7fffffffffffffffull, 0x8000000000000000ull, 0x8000000000000001ull,
    0xffffffff80000000ull, 0xffffffff7fffffffull, 0xfffffffffffffffeull, ~0ull,
    (uint64_t)-3, (uint64_t)-128, (uint64_t)-129,
};
#define N_EDGE (sizeof(edge) / sizeof(edge[0]))

static void *compile(void)
{
    if (++compiled % 4096 == 0)
        jit_flush();
    void *code = jit_compile(&blk);
    if (!code) {
        jit_flush();
        code = jit_compile(&blk);
    }
    return code;
}

static uint64_t run(struct tstate *s, void *code)
{
    return jit_enter(s, code, jcache);
}

static uint64_t mask_of(enum ir_type t)
{
    return t == IR_I64 ? ~0ull : 0xffffffffull;
}

/* ---- pure ops: out = op(a, c, d) ---- */
enum form { F_REG, F_CONST_LAST, F_CONST_FIRST, F_SAME, F_LIVE, F_CALLS, N_FORMS };
static const char *const form_names[] = {
    "regs", "imm last", "imm first", "same temp", "inputs live", "across call",
};

static uint64_t seen_arg;
static uint64_t helper_id(void *st, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    (void)st, (void)b, (void)c, (void)d;
    seen_arg = a;
    return a;
}
/* clobbers every caller-saved register it can */
static uint64_t helper_clobber(void *st, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    __asm__ volatile("mov $-1, %%rsi; mov $-1, %%rdi; mov $-1, %%r8; mov $-1, %%r9;"
                     "mov $-1, %%r10; mov $-1, %%r11; mov $-1, %%rdx; mov $-1, %%rcx"
                     ::: "rsi", "rdi", "r8", "r9", "r10", "r11", "rdx", "rcx");
    return (uint64_t)st ^ a ^ b ^ c ^ d;
}

struct opspec {
    enum ir_opcode op;
    enum ir_type type;
    unsigned cond;
    enum ir_type in_type[3];
    unsigned n_in;
};

/* Builds and runs one instance; returns false on mismatch. */
static bool check_one(const struct opspec *sp, enum form f, const uint64_t *v)
{
    ir_block_init(&blk, 0x1000);
    ir_temp in[3] = { 0 };
    uint64_t val[3];
    for (unsigned k = 0; k < sp->n_in; k++)
        val[k] = v[k] & mask_of(sp->in_type[k]);
    for (unsigned k = 0; k < sp->n_in; k++) {
        bool as_const = (f == F_CONST_LAST && k == sp->n_in - 1) || (f == F_CONST_FIRST && k == 0);
        if (f == F_SAME && k > 0 && sp->in_type[k] == sp->in_type[0]) {
            in[k] = in[0];
            val[k] = val[0];
        } else if (as_const) {
            in[k] = ir_movi(&blk, sp->in_type[k], val[k]);
        } else {
            in[k] = ir_get_reg(&blk, sp->in_type[k], R(k));
        }
    }
    if (f == F_CALLS)
        ir_call(&blk, helper_clobber, 0, false, IR_I64, 0, 0, 0, 0);
    struct ir_insn *i = ir_emit(&blk, sp->op, sp->type);
    i->cond = (uint8_t)sp->cond;
    for (unsigned k = 0; k < sp->n_in; k++)
        i->in[k] = in[k];
    i->out = ir_new_temp(&blk, sp->type);
    ir_temp out = i->out;
    struct ir_insn copy = *i;
    if (f == F_CALLS)
        ir_call(&blk, helper_clobber, 0, false, IR_I64, 0, 0, 0, 0);
    ir_set_reg(&blk, sp->type, R(10), out);
    if (f == F_LIVE || f == F_CALLS) {
        for (unsigned k = 0; k < sp->n_in; k++)
            ir_set_reg(&blk, sp->in_type[k], R(20 + k), in[k]);
        /* the raw 64 bits of the result reach a helper: I32 must be zero-extended */
        ir_call(&blk, helper_id, 0, false, IR_I64, out, 0, 0, 0);
    }
    ir_exit_trap(&blk, 5, 0x2000);
    if (!ir_validate(&blk, stderr))
        return note("%s: invalid test block", ir_op_info[sp->op].name), false;

    uint64_t expect;
    if (sp->op == IR_mov)
        expect = val[0] & mask_of(sp->type);
    else
        expect = ir_eval_pure(&copy, val[0], val[1], val[2]);

    struct tstate s;
    for (unsigned k = 0; k < NREGS; k++)
        s.r[k] = 0xdeadbeefcafe0000ull + k;
    for (unsigned k = 0; k < sp->n_in; k++)
        s.r[k] = (v[k] & mask_of(sp->in_type[k])) | (sp->in_type[k] == IR_I32 ? 0xa5a5a5a500000000ull : 0);
    void *code = compile();
    if (!code)
        return note("%s: jit_compile failed", ir_op_info[sp->op].name), false;
    seen_arg = 0x5555;
    uint64_t w = run(&s, code);
    uint64_t got = s.r[10];
    uint64_t want_slot = sp->type == IR_I64 ? expect
                                            : (0xdeadbeefcafe0000ull + 10) >> 32 << 32 | expect;
    bool good = w == EXEC_EXIT(EXEC_EXIT_TRAP, 5) && s.pc == 0x2000 && got == want_slot;
    if (f == F_LIVE || f == F_CALLS) {
        good = good && seen_arg == expect;
        for (unsigned k = 0; k < sp->n_in; k++) {
            uint64_t hi = sp->in_type[k] == IR_I64 ? 0 : (0xdeadbeefcafe0000ull + 20 + k) >> 32 << 32;
            good = good && s.r[20 + k] == (hi | val[k]);
        }
    }
    if (!good) {
        note("%s.%s cond %u form %s in 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64
             ": got 0x%" PRIx64 " (helper saw 0x%" PRIx64 ") want 0x%" PRIx64 " exit 0x%" PRIx64,
             ir_op_info[sp->op].name, sp->type ? "i64" : "i32", sp->cond, form_names[f],
             val[0], val[1], sp->n_in > 2 ? val[2] : 0, got, seen_arg, want_slot, w);
        if (getenv("JIT_TEST_DISAS"))
            jit_disas(stderr, code, jit_last_size());
    }
    return good;
}

/* all forms, boundary pairs and random triples; one TAP line per form */
static void check_op(const struct opspec *sp, const char *label)
{
    for (int f = 0; f < N_FORMS; f++) {
        bool good = true;
        uint64_t v[3];
        for (unsigned x = 0; x < N_EDGE && good; x++)
            for (unsigned y = 0; y < (sp->n_in > 1 ? N_EDGE : 1) && good; y++) {
                v[0] = edge[x];
                v[1] = edge[y];
                v[2] = edge[(x + y) % N_EDGE];
                good = check_one(sp, (enum form)f, v);
            }
        for (unsigned n = 0; n < 300 && good; n++) {
            v[0] = rnd(), v[1] = rnd(), v[2] = rnd();
            if (n & 1)
                v[1] &= 0x7f;   /* interesting shift counts */
            good = check_one(sp, (enum form)f, v);
        }
        ok(good, "%s %s", label, form_names[f]);
        flush_diag();
    }
}

static const char *const cond_names[IR_NUM_CONDS] = {
    "eq", "ne", "lt", "ge", "le", "gt", "ltu", "geu", "leu", "gtu", "tsteq", "tstne",
};

static void test_pure_ops(const char *variant)
{
    static const enum ir_opcode binops[] = {
        IR_add, IR_sub, IR_mul, IR_mulh, IR_mulhu, IR_mulhsu, IR_divs, IR_divu, IR_rems,
        IR_remu, IR_and, IR_or, IR_xor, IR_andn, IR_orn, IR_xnor, IR_shl, IR_shr, IR_sar,
        IR_rotl, IR_rotr,
    };
    static const enum ir_opcode unops[] = {
        IR_mov, IR_neg, IR_not, IR_clz, IR_ctz, IR_popcnt, IR_bswap, IR_sext8, IR_sext16,
        IR_zext8, IR_zext16,
    };
    char label[96];
    for (int t = 0; t < 2; t++) {
        for (size_t k = 0; k < sizeof(binops) / sizeof(binops[0]); k++) {
            struct opspec sp = { binops[k], t, 0, { t, t, t }, 2 };
            snprintf(label, sizeof(label), "%s%s.%s", variant, ir_op_info[binops[k]].name,
                     t ? "i64" : "i32");
            check_op(&sp, label);
            bool shift = binops[k] >= IR_shl && binops[k] <= IR_rotr;
            if (shift) {   /* the count may have the other width */
                sp.in_type[1] = !t;
                snprintf(label, sizeof(label), "%s%s.%s count %s", variant,
                         ir_op_info[binops[k]].name, t ? "i64" : "i32", t ? "i32" : "i64");
                check_op(&sp, label);
            }
        }
        for (size_t k = 0; k < sizeof(unops) / sizeof(unops[0]); k++) {
            struct opspec sp = { unops[k], t, 0, { t }, 1 };
            snprintf(label, sizeof(label), "%s%s.%s", variant, ir_op_info[unops[k]].name,
                     t ? "i64" : "i32");
            check_op(&sp, label);
        }
        for (unsigned c = 0; c < IR_NUM_CONDS; c++) {
            struct opspec sp = { IR_setcond, t, c, { t, t }, 2 };
            snprintf(label, sizeof(label), "%ssetcond.%s.%s", variant, t ? "i64" : "i32",
                     cond_names[c]);
            check_op(&sp, label);
        }
        for (int ct = 0; ct < 2; ct++) {
            struct opspec sp = { IR_select, t, 0, { ct, t, t }, 3 };
            snprintf(label, sizeof(label), "%sselect.%s cond %s", variant, t ? "i64" : "i32",
                     ct ? "i64" : "i32");
            check_op(&sp, label);
        }
    }
    struct opspec w[] = {
        { IR_sext32, IR_I64, 0, { IR_I64 }, 1 }, { IR_sext32, IR_I64, 0, { IR_I32 }, 1 },
        { IR_zext32, IR_I64, 0, { IR_I64 }, 1 }, { IR_zext32, IR_I64, 0, { IR_I32 }, 1 },
        { IR_trunc32, IR_I32, 0, { IR_I64 }, 1 },
    };
    for (size_t k = 0; k < sizeof(w) / sizeof(w[0]); k++) {
        snprintf(label, sizeof(label), "%s%s from %s", variant, ir_op_info[w[k].op].name,
                 w[k].in_type[0] ? "i64" : "i32");
        check_op(&w[k], label);
    }
}

/* ---- exit_cond for every condition ---- */
static void test_exit_cond(void)
{
    for (int t = 0; t < 2; t++)
        for (unsigned c = 0; c < IR_NUM_CONDS; c++)
            for (int f = 0; f < 3; f++) {
                bool good = true;
                for (unsigned x = 0; x < N_EDGE && good; x++)
                    for (unsigned y = 0; y < N_EDGE && good; y++) {
                        uint64_t a = edge[x] & mask_of(t), b = edge[y] & mask_of(t);
                        ir_block_init(&blk, 0x1000);
                        ir_temp ta = f == 2 ? ir_movi(&blk, t, a) : ir_get_reg(&blk, t, R(0));
                        ir_temp tb = f == 1 ? ir_movi(&blk, t, b) : ir_get_reg(&blk, t, R(1));
                        ir_exit_cond(&blk, t, c, ta, tb, 0x5000);
                        ir_exit_trap(&blk, 7, 0x6000);
                        struct tstate s = { .r = { a, b } };
                        void *code = compile();
                        uint64_t w = run(&s, code);
                        bool taken = ir_eval_cond(c, t, a, b);
                        if (taken)
                            good = EXEC_EXIT_KIND(w) == EXEC_EXIT_CHAIN && s.pc == 0x5000;
                        else
                            good = w == EXEC_EXIT(EXEC_EXIT_TRAP, 7) && s.pc == 0x6000;
                        if (!good)
                            note("a 0x%" PRIx64 " b 0x%" PRIx64 " exit 0x%" PRIx64, a, b, w);
                    }
                ok(good, "exit_cond.%s.%s %s", t ? "i64" : "i32", cond_names[c],
                   f == 0 ? "regs" : f == 1 ? "imm last" : "imm first");
                flush_diag();
            }
}

/* ---- guest memory ---- */
static uint8_t *lowmem;         /* a page below 2 GiB: absolute addressing */

static void test_memory(void)
{
    static uint8_t heap[64];
    uint8_t *bufs[2] = { heap, lowmem };
    static const int64_t disps[] = { 0, 8, -8, 100, 0x12345 };
    for (unsigned size = 0; size < 4; size++)
        for (int sign = 0; sign < 2; sign++)
            for (int t = 0; t < 2; t++)
                for (int form = 0; form < 2; form++) {
                    bool good = true;
                    for (int bi = 0; bi < 2 && good; bi++) {
                        if (!bufs[bi])
                            continue;
                        for (unsigned di = 0; di < 5 && good; di++) {
                            uint8_t *base = bufs[bi] + 16 - disps[di];
                            uint8_t *at = bufs[bi] + 16;
                            for (int k = 0; k < 16; k++)
                                at[k - 8] = (uint8_t)rnd();
                            ir_block_init(&blk, 0x1000);
                            ir_temp a = form ? ir_movi(&blk, IR_I64, (uint64_t)(uintptr_t)base)
                                             : ir_get_reg(&blk, IR_I64, R(0));
                            ir_temp v = ir_ld(&blk, t, size | (sign ? IR_MEM_SIGN : 0), a,
                                              disps[di]);
                            ir_set_reg(&blk, t, R(1), v);
                            ir_exit_trap(&blk, 1, 0);
                            struct tstate s = { .r = { (uintptr_t)base } };
                            run(&s, compile());
                            uint64_t raw = 0;
                            memcpy(&raw, at, 1u << size);
                            unsigned bits = 8u << size;
                            uint64_t want = raw;
                            if (sign && bits < 64)
                                want = (uint64_t)((int64_t)(raw << (64 - bits)) >> (64 - bits));
                            want &= mask_of(t);
                            good = (s.r[1] & mask_of(t)) == want;
                            if (!good)
                                note("got 0x%" PRIx64 " want 0x%" PRIx64, s.r[1], want);
                        }
                    }
                    ok(good, "ld.%s.m%u%s %s", t ? "i64" : "i32", 8u << size, sign ? "s" : "",
                       form ? "const address" : "reg address");
                    flush_diag();
                }
    for (unsigned size = 0; size < 4; size++)
        for (int form = 0; form < 3; form++) {
            bool good = true;
            for (int bi = 0; bi < 2 && good; bi++)
                for (unsigned n = 0; n < 40 && good; n++) {
                    uint8_t *at = bufs[bi] + 16;
                    uint64_t v = n < N_EDGE ? edge[n] : rnd();
                    uint8_t before[32], want[32];
                    for (int k = 0; k < 32; k++)
                        before[k] = at[k - 8] = (uint8_t)rnd();
                    memcpy(want, before, 32);
                    memcpy(want + 8, &v, 1u << size);
                    ir_block_init(&blk, 0x1000);
                    ir_temp a = form == 1 ? ir_movi(&blk, IR_I64, (uint64_t)(uintptr_t)at - 4)
                                          : ir_get_reg(&blk, IR_I64, R(0));
                    enum ir_type vt = size == 3 ? IR_I64 : IR_I32;
                    ir_temp tv = form == 2 ? ir_movi(&blk, vt, v) : ir_get_reg(&blk, vt, R(1));
                    ir_st(&blk, size, a, 4, tv);
                    ir_exit_trap(&blk, 1, 0);
                    struct tstate s = { .r = { (uintptr_t)at - 4, v } };
                    run(&s, compile());
                    good = memcmp(at - 8, want, 32) == 0;
                    if (!good)
                        note("value 0x%" PRIx64, v);
                }
            ok(good, "st.m%u %s", 8u << size,
               form == 0 ? "regs" : form == 1 ? "const address" : "imm value");
            flush_diag();
        }
}

/* ---- atomics, against a reference written here ---- */
static uint64_t rmw_ref(unsigned kind, unsigned bits, uint64_t old, uint64_t v)
{
    uint64_t m = bits == 64 ? ~0ull : (1ull << bits) - 1;
    int sh = 64 - (int)bits;
    int64_t so = (int64_t)(old << sh) >> sh, sv = (int64_t)(v << sh) >> sh;
    uint64_t uo = old & m, uv = v & m;
    switch (kind) {
    case IR_RMW_XCHG: return uv;
    case IR_RMW_ADD: return (old + v) & m;
    case IR_RMW_AND: return old & v & m;
    case IR_RMW_OR: return (old | v) & m;
    case IR_RMW_XOR: return (old ^ v) & m;
    case IR_RMW_SMIN: return (uint64_t)(so < sv ? so : sv) & m;
    case IR_RMW_SMAX: return (uint64_t)(so > sv ? so : sv) & m;
    case IR_RMW_UMIN: return uo < uv ? uo : uv;
    default: return uo > uv ? uo : uv;
    }
}

static void test_atomics(void)
{
    static const char *const kinds[] = {
        "xchg", "add", "and", "or", "xor", "smin", "smax", "umin", "umax",
    };
    static uint64_t cell[4];
    for (unsigned kind = 0; kind <= IR_RMW_UMAX; kind++)
        for (unsigned size = 0; size < 4; size++)
            for (int t = 0; t < 2; t++) {
                if (size == 3 && t == IR_I32)
                    continue;
                bool good = true;
                unsigned bits = 8u << size;
                uint64_t m = bits == 64 ? ~0ull : (1ull << bits) - 1;
                for (unsigned x = 0; x < N_EDGE && good; x++)
                    for (unsigned y = 0; y < N_EDGE && good; y++) {
                        uint64_t old = edge[x], v = edge[y] & mask_of(t);
                        ir_block_init(&blk, 0x1000);
                        ir_temp a = ir_get_reg(&blk, IR_I64, R(0));
                        ir_temp tv = ir_get_reg(&blk, t, R(1));
                        ir_temp r = ir_atomic_rmw(&blk, t, size, kind, a, tv);
                        ir_set_reg(&blk, IR_I64, R(2), ir_get_reg(&blk, IR_I64, R(3)));
                        ir_set_reg(&blk, t, R(4), r);
                        ir_exit_trap(&blk, 1, 0);
                        cell[1] = 0x1111111111111111ull;
                        cell[2] = 0x2222222222222222ull;
                        memcpy(&cell[1], &old, 8);
                        struct tstate s = { .r = { (uintptr_t)&cell[1], v, 0, 77 } };
                        run(&s, compile());
                        uint64_t now = cell[1] & m;
                        uint64_t want_mem = rmw_ref(kind, bits, old, v);
                        uint64_t hi = bits == 64 ? 0 : old & ~m;
                        good = (s.r[4] & mask_of(t)) == (old & m & mask_of(t)) &&
                               now == want_mem && (cell[1] & ~m) == hi &&
                               cell[2] == 0x2222222222222222ull && s.r[2] == 77;
                        if (!good)
                            note("old 0x%" PRIx64 " v 0x%" PRIx64 ": result 0x%" PRIx64
                                 " mem 0x%" PRIx64 " want mem 0x%" PRIx64,
                                 old, v, s.r[4], cell[1], want_mem);
                    }
                ok(good, "atomic_rmw.%s.%s.m%u", kinds[kind], t ? "i64" : "i32", bits);
                flush_diag();
            }
    for (unsigned size = 0; size < 4; size++) {
        bool good = true;
        unsigned bits = 8u << size;
        uint64_t m = bits == 64 ? ~0ull : (1ull << bits) - 1;
        enum ir_type t = IR_I64;
        for (unsigned n = 0; n < 400 && good; n++) {
            uint64_t old = rnd(), newv = rnd();
            uint64_t expect = (n & 1) ? old & m : rnd() & m;
            ir_block_init(&blk, 0x1000);
            ir_temp a = ir_get_reg(&blk, IR_I64, R(0));
            ir_temp e = ir_get_reg(&blk, t, R(1));
            ir_temp nv = ir_get_reg(&blk, t, R(2));
            ir_temp r = ir_atomic_cmpxchg(&blk, t, size, a, e, nv);
            ir_set_reg(&blk, t, R(4), r);
            ir_exit_trap(&blk, 1, 0);
            cell[1] = old;
            struct tstate s = { .r = { (uintptr_t)&cell[1], expect, newv } };
            run(&s, compile());
            uint64_t want = (old & m) == expect ? (old & ~m) | (newv & m) : old;
            good = s.r[4] == (old & m) && cell[1] == want;
            if (!good)
                note("old 0x%" PRIx64 " expect 0x%" PRIx64 " new 0x%" PRIx64 " -> 0x%" PRIx64
                     " result 0x%" PRIx64, old, expect, newv, cell[1], s.r[4]);
        }
        ok(good, "atomic_cmpxchg.m%u success and failure", bits);
        flush_diag();
    }
}

static bool code_has(const void *code, uint32_t size, const uint8_t *pat, size_t n)
{
    return memmem(code, size, pat, n) != NULL;
}

static void test_fence(void)
{
    static const uint8_t mfence[] = { 0x0f, 0xae, 0xf0 };
    for (unsigned kind = 1; kind <= IR_FENCE_ALL; kind++) {
        ir_block_init(&blk, 0x1000);
        ir_fence(&blk, kind);
        ir_exit_trap(&blk, 1, 0);
        void *code = compile();
        bool has = code_has(code, jit_last_size(), mfence, 3);
        struct tstate s = { 0 };
        uint64_t w = run(&s, code);
        ok(w == EXEC_EXIT(EXEC_EXIT_TRAP, 1) && has == !!(kind & IR_FENCE_ST_LD),
           "fence kind %u: mfence %s", kind, has ? "emitted" : "omitted");
    }
}

/* ---- helper calls ---- */
static uint64_t call_args[5];
static uint64_t helper_rec(void *st, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    call_args[0] = (uint64_t)(uintptr_t)st;
    call_args[1] = a, call_args[2] = b, call_args[3] = c, call_args[4] = d;
    return 0xabcdef0123456789ull;
}

static void test_calls(void)
{
    /* argument registers fed from registers, constants and swapped sources */
    for (int variant = 0; variant < 4; variant++) {
        ir_block_init(&blk, 0x1000);
        ir_temp v[4];
        for (int k = 0; k < 4; k++)
            v[k] = variant == 1 ? ir_movi(&blk, IR_I64, 0x1000000000ull * (k + 1) + k)
                                : ir_get_reg(&blk, IR_I64, R(k));
        ir_temp r;
        if (variant == 2)       /* reversed: forces a register cycle */
            r = ir_call(&blk, helper_rec, 0, true, IR_I32, v[3], v[2], v[1], v[0]);
        else if (variant == 3)  /* the same temp twice and a missing argument */
            r = ir_call(&blk, helper_rec, 0, true, IR_I32, v[1], IR_NO_TEMP, v[1], v[2]);
        else
            r = ir_call(&blk, helper_rec, 0, true, IR_I32, v[0], v[1], v[2], v[3]);
        ir_call(&blk, helper_id, 0, false, IR_I64, r, 0, 0, 0);
        for (int k = 0; k < 4; k++)
            ir_set_reg(&blk, IR_I64, R(10 + k), v[k]);
        ir_set_reg(&blk, IR_I64, R(20), r);
        ir_exit_trap(&blk, 1, 0);
        struct tstate s = { .r = { 0x1111, 0x2222222222ull, 0x33, 0x4444444444444ull } };
        uint64_t src[4];
        for (int k = 0; k < 4; k++)
            src[k] = variant == 1 ? 0x1000000000ull * (k + 1) + k : s.r[k];
        run(&s, compile());
        uint64_t want[4] = { src[0], src[1], src[2], src[3] };
        if (variant == 2)
            want[0] = src[3], want[1] = src[2], want[2] = src[1], want[3] = src[0];
        bool good = call_args[0] == (uintptr_t)&s && seen_arg == 0x23456789 &&
                    s.r[20] == 0x23456789;
        for (int k = 0; k < 4; k++) {
            if (variant == 3 && k == 1)
                continue;
            uint64_t w = variant == 3 ? (k == 0 || k == 2 ? src[1] : src[2]) : want[k];
            good = good && call_args[k + 1] == w;
            good = good && s.r[10 + k] == src[k];
        }
        ok(good, "call: arguments (%s), state pointer, I32 result zero-extended",
           variant == 0 ? "registers" : variant == 1 ? "constants" :
           variant == 2 ? "reversed" : "repeated and missing");
    }
}

/* ---- whole random blocks against the interpreter ---- */
static uint64_t helper_mix(void *st, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    struct tstate *s = st;
    s->scratch[0] += a;         /* not a register the IR accesses */
    __asm__ volatile("mov $-1, %%rsi; mov $-1, %%rdi; mov $-1, %%r8; mov $-1, %%r9;"
                     "mov $-1, %%r10; mov $-1, %%r11" ::: "rsi", "rdi", "r8", "r9", "r10",
                     "r11");
    return a * 3 + (b ^ (c >> 3)) - d;
}

static void gen_random_block(unsigned live_target, bool calls)
{
    static const enum ir_opcode pool[] = {
        IR_add, IR_sub, IR_mul, IR_and, IR_or, IR_xor, IR_shl, IR_shr, IR_sar, IR_rotl,
        IR_divs, IR_remu, IR_mulh, IR_andn, IR_xnor, IR_setcond, IR_select, IR_neg, IR_clz,
        IR_popcnt, IR_sext8, IR_zext16, IR_bswap,
    };
    ir_temp tv[2][IR_MAX_TEMPS];
    unsigned nt[2] = { 0, 0 };
    ir_block_init(&blk, 0x1000);
    for (unsigned k = 0; k < live_target; k++) {
        int t = (int)(rnd() & 1);
        tv[t][nt[t]++] = (rnd() % 5 == 0) ? ir_movi(&blk, t, edge[rnd() % N_EDGE])
                                          : ir_get_reg(&blk, t, R(k % NREGS));
    }
    for (unsigned n = 0; n < 500 && blk.n_insns < IR_MAX_INSNS - 120; n++) {
        int t = (int)(rnd() & 1);
        if (nt[t] == 0)
            continue;
#define PICK(t) tv[t][nt[t] - 1 - (unsigned)(rnd() % (nt[t] < 60 ? nt[t] : 60))]
        if (calls && rnd() % 25 == 0) {
            ir_temp r = ir_call(&blk, helper_mix, IR_CALL_NO_REGS, true, t, PICK(1), PICK(1),
                                nt[0] ? PICK(0) : IR_NO_TEMP, PICK(1));
            tv[t][nt[t]++] = r;
            continue;
        }
        if (rnd() % 10 == 0) {
            ir_set_reg(&blk, t, R(rnd() % NREGS), PICK(t));
            continue;
        }
        enum ir_opcode op = pool[rnd() % (sizeof(pool) / sizeof(pool[0]))];
        ir_temp r;
        if (op == IR_setcond)
            r = ir_setcond(&blk, t, (enum ir_cond)(rnd() % IR_NUM_CONDS), PICK(t), PICK(t));
        else if (op == IR_select)
            r = ir_select(&blk, t, PICK(t), PICK(t), PICK(t));
        else if (ir_op_info[op].n_in == 1)
            r = ir_unop(&blk, op, t, PICK(t));
        else
            r = ir_binop(&blk, op, t, PICK(t), PICK(t));
        tv[t][nt[t]++] = r;
    }
    /* everything still live at the end goes back to the state */
    for (int t = 0; t < 2; t++)
        for (unsigned k = 0; k < nt[t] && k < 40; k++)
            ir_set_reg(&blk, t, R(k + (t ? 40 : 0)), tv[t][nt[t] - 1 - k]);
    for (unsigned k = 0; k < 40 && k < nt[1]; k++)
        ir_set_reg(&blk, IR_I64, R(80 + k % 16), tv[1][k]);
#undef PICK
    ir_exit_trap(&blk, 9, 0x7777);
}

static void test_random_blocks(void)
{
    for (int calls = 0; calls < 2; calls++) {
        bool good = true;
        unsigned max_spill = 0;
        for (unsigned round = 0; round < 300 && good; round++) {
            gen_random_block(calls ? 48 : 44, calls);
            if (!ir_validate(&blk, stderr)) {
                good = false;
                break;
            }
            struct tstate s1, s2;
            for (unsigned k = 0; k < NREGS; k++)
                s1.r[k] = (k & 3) ? rnd() : edge[rnd() % N_EDGE];
            s1.pc = 0;
            memset(s1.scratch, 0, sizeof(s1.scratch));
            s2 = s1;
            struct tb tb = { .pc = 0x1000, .insns = blk.insns, .n_insns = blk.n_insns,
                             .n_temps = blk.n_temps };
            uint64_t w1 = interp_run(&s1, &tb);
            void *code = compile();
            if (!code) {
                good = false;
                note("jit_compile failed");
                break;
            }
            uint64_t w2 = run(&s2, code);
            uint32_t sz = jit_last_size();
            const uint8_t spill_pat[] = { 0x48, 0x89 };     /* any 64-bit store */
            if (code_has(code, sz, spill_pat, 2))
                max_spill++;
            good = w1 == w2 && memcmp(&s1, &s2, sizeof(s1)) == 0;
            if (!good) {
                for (unsigned k = 0; k < NREGS; k++)
                    if (s1.r[k] != s2.r[k]) {
                        note("round %u: r%u interp 0x%" PRIx64 " jit 0x%" PRIx64, round, k,
                             s1.r[k], s2.r[k]);
                        break;
                    }
                note("round %u: exit/pc/scratch differ", round);
                if (getenv("JIT_TEST_DISAS")) {
                    ir_print(&blk, stderr);
                    jit_disas(stderr, code, sz);
                }
            }
        }
        ok(good, "random blocks, 40+ live temps%s: JIT state == interpreter state",
           calls ? ", helper calls in between" : "");
        flush_diag();
    }
}

/* ---- backend rewrites: folded address modes, trunc32 read as 32 bits ---- */
static void test_peephole(void)
{
    static uint64_t arr[64];
    uint8_t *bytes = (uint8_t *)arr;
    static const unsigned sizes[] = { IR_MEM_8, IR_MEM_32, IR_MEM_64 };
    /* shape: 0 base + (i << k), 1 (i << k) + base, 2 ((i << k) + 24) + base,
     * 3 (i << k) alone (absolute, low page), 4 shifted value also stored
     * elsewhere (not folded), 5 base + i + 16 (no shift) */
    for (int shape = 0; shape < 6; shape++)
        for (unsigned k = 0; k < 4; k++)
            for (unsigned sz = 0; sz < 3; sz++)
                for (int store = 0; store < 2; store++) {
                    if (shape == 3 && !lowmem)
                        continue;
                    uint8_t *mem = shape == 3 ? lowmem : bytes;
                    uint64_t idx = 5, disp = shape == 2 ? 8 : shape == 5 ? 16 : 0;
                    uint64_t basev = (uint64_t)(uintptr_t)bytes;
                    if (shape == 3) {
                        idx = ((uint64_t)(uintptr_t)lowmem >> k) + 3;
                        basev = 0;
                    }
                    ir_block_init(&blk, 0x1000);
                    ir_temp it = ir_get_reg(&blk, IR_I64, R(0));
                    ir_temp bt = ir_get_reg(&blk, IR_I64, R(1));
                    ir_temp sh = shape == 5 || k == 0 ? it
                                                      : ir_shl(&blk, IR_I64, it,
                                                               ir_movi(&blk, IR_I64, k));
                    ir_temp a;
                    switch (shape) {
                    case 0: case 4: case 5: a = ir_add(&blk, IR_I64, bt, sh); break;
                    case 1: a = ir_add(&blk, IR_I64, sh, bt); break;
                    case 2:
                        a = ir_add(&blk, IR_I64,
                                   ir_add(&blk, IR_I64, sh, ir_movi(&blk, IR_I64, 24)), bt);
                        break;
                    default: a = sh; break;
                    }
                    if (shape == 4)
                        ir_set_reg(&blk, IR_I64, R(5), sh);
                    int64_t d = shape == 2 ? -16 : (int64_t)disp;
                    unsigned m = sizes[sz];
                    if (store)
                        ir_st(&blk, m, a, d, ir_get_reg(&blk, IR_I64, R(2)));
                    else
                        ir_set_reg(&blk, IR_I64, R(3), ir_ld(&blk, IR_I64, m, a, d));
                    ir_exit_trap(&blk, 1, 0);
                    uint64_t scale = shape == 5 ? 1 : 1ull << k;
                    uint8_t *at = shape == 3 ? lowmem + 3 * (1u << k)
                                             : bytes + idx * scale + disp;
                    for (unsigned q = 0; q < 512 && shape != 3; q++)
                        bytes[q] = (uint8_t)rnd();
                    if (shape == 3)
                        for (unsigned q = 0; q < 64; q++)
                            lowmem[q] = (uint8_t)rnd();
                    struct tstate st = { .r = { idx, basev, 0x1122334455667788ull } };
                    uint64_t want = 0;
                    memcpy(&want, at, 1u << m);
                    run(&st, compile());
                    uint64_t got = 0;
                    memcpy(&got, at, 1u << m);
                    bool good = store ? got == (0x1122334455667788ull & (m == IR_MEM_64 ? ~0ull
                                                   : (1ull << (8u << m)) - 1))
                                      : st.r[3] == want;
                    if (shape == 4)
                        good = good && st.r[5] == (k == 0 ? idx : idx << k);
                    ok(good, "address shape %d, shift %u, %u-byte %s", shape, k, 1u << m,
                       store ? "st" : "ld");
                    (void)mem;
                }

    /* sext32 of what is already sign-extended is a copy; of anything else not */
    for (int src = 0; src < 5; src++) {
        static uint32_t word = 0x80000001u;
        ir_block_init(&blk, 0x1000);
        ir_temp p = ir_movi(&blk, IR_I64, (uint64_t)(uintptr_t)&word);
        ir_temp g = ir_get_reg(&blk, IR_I64, R(0));
        ir_temp x;
        switch (src) {
        case 0: x = ir_ld(&blk, IR_I64, IR_MEM_32 | IR_MEM_SIGN, p, 0); break;
        case 1: x = ir_ld(&blk, IR_I64, IR_MEM_32, p, 0); break;
        case 2: x = ir_unop(&blk, IR_sext32, IR_I64, ir_add(&blk, IR_I64, g, g)); break;
        case 3: x = ir_unop(&blk, IR_sext16, IR_I64, g); break;
        default: x = ir_add(&blk, IR_I64, g, g); break;
        }
        ir_temp y = ir_unop(&blk, IR_sext32, IR_I64, x);
        ir_set_reg(&blk, IR_I64, R(1), ir_add(&blk, IR_I64, y, ir_movi(&blk, IR_I64, 1)));
        ir_set_reg(&blk, IR_I64, R(2), x);
        ir_exit_trap(&blk, 1, 0);
        struct tstate st = { .r = { 0x40000000c0008000ull } };
        run(&st, compile());
        uint64_t g0 = 0x40000000c0008000ull, xv;
        switch (src) {
        case 0: xv = 0xffffffff80000001ull; break;
        case 1: xv = 0x80000001ull; break;
        case 2: xv = (uint64_t)(int64_t)(int32_t)(g0 + g0); break;
        case 3: xv = (uint64_t)(int64_t)(int16_t)g0; break;
        default: xv = g0 + g0; break;
        }
        uint64_t want = (uint64_t)(int64_t)(int32_t)xv + 1;
        ok(st.r[1] == want && st.r[2] == xv, "sext32 of %s",
           (const char *[]){ "ld.m32s", "ld.m32 (not redundant)", "sext32", "sext16",
                             "add.i64 (not redundant)" }[src]);
    }

    /* i32 ops reading trunc32 of i64 values with junk in the upper half */
    static const enum ir_opcode ops[] = {
        IR_add, IR_sub, IR_and, IR_or, IR_xor, IR_andn, IR_orn, IR_xnor, IR_mul,
        IR_shl, IR_shr, IR_sar, IR_rotl, IR_rotr, IR_setcond,
    };
    for (size_t o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
        bool good = true;
        for (unsigned x = 0; x < N_EDGE && good; x++)
            for (unsigned y = 0; y < N_EDGE && good; y += 3) {
                uint64_t av = edge[x] ^ 0xdead000000000000ull, cv = edge[y] ^ 0x5a5a5a5a00000000ull;
                ir_block_init(&blk, 0x1000);
                ir_temp a = ir_unop(&blk, IR_trunc32, IR_I32, ir_get_reg(&blk, IR_I64, R(0)));
                ir_temp c = ir_unop(&blk, IR_trunc32, IR_I32, ir_get_reg(&blk, IR_I64, R(1)));
                ir_temp r = ops[o] == IR_setcond ? ir_setcond(&blk, IR_I32, IR_LT, a, c)
                                                 : ir_binop(&blk, ops[o], IR_I32, a, c);
                ir_set_reg(&blk, IR_I64, R(2), ir_unop(&blk, IR_sext32, IR_I64, r));
                ir_set_reg(&blk, IR_I64, R(3), ir_unop(&blk, IR_zext32, IR_I64, a));
                ir_set_reg(&blk, IR_I32, R(4), c);
                /* consumers that read all 64 bits must see the zero-extended value */
                ir_set_reg(&blk, IR_I64, R(5), ir_call(&blk, helper_id, IR_CALL_PURE, true,
                                                       IR_I64, a, IR_NO_TEMP, IR_NO_TEMP,
                                                       IR_NO_TEMP));
                ir_set_reg(&blk, IR_I32, R(6), ir_select(&blk, IR_I32, c, a, c));
                ir_exit_trap(&blk, 1, 0);
                struct ir_insn ref = { .op = (uint8_t)ops[o], .type = IR_I32, .cond = IR_LT };
                uint64_t want = (uint64_t)(int64_t)(int32_t)ir_eval_pure(&ref, (uint32_t)av,
                                                                         (uint32_t)cv, 0);
                struct tstate st = { .r = { av, cv, 0, 0, ~0ull } };
                run(&st, compile());
                good = st.r[2] == want && st.r[3] == (uint32_t)av &&
                       st.r[4] == (0xffffffff00000000ull | (uint32_t)cv) &&
                       st.r[5] == (uint32_t)av &&
                       (uint32_t)st.r[6] == ((uint32_t)cv ? (uint32_t)av : 0);
                if (!good)
                    note("a 0x%" PRIx64 " c 0x%" PRIx64 ": got 0x%" PRIx64 " want 0x%" PRIx64,
                         av, cv, st.r[2], want);
            }
        ok(good, "%s.i32 of trunc32 inputs (upper halves ignored)", ir_op_info[ops[o]].name);
        flush_diag();
    }
}

/* ---- chaining and the indirect-branch cache ---- */
static uint64_t helper_write_r2(void *st, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    (void)a, (void)b, (void)c, (void)d;
    ((struct tstate *)st)->r[2] = 77;
    return 0;
}

static void test_exits(void)
{
    /* B: trap; A: exit_tb to B */
    ir_block_init(&blk, 0x4000);
    ir_set_reg(&blk, IR_I64, R(1), ir_movi(&blk, IR_I64, 0xb));
    ir_exit_trap(&blk, 3, 0x4444);
    void *b = compile();
    ir_block_init(&blk, 0x3000);
    ir_set_reg(&blk, IR_I64, R(0), ir_movi(&blk, IR_I64, 0xa));
    ir_exit_tb(&blk, 0x4000);
    void *a = compile();
    struct tstate s = { 0 };
    uint64_t w = run(&s, a);
    ok(EXEC_EXIT_KIND(w) == EXEC_EXIT_CHAIN && s.pc == 0x4000 && s.r[0] == 0xa && s.r[1] == 0,
       "exit_tb: unpatched site returns CHAIN with pc stored");
    uint64_t site = EXEC_EXIT_PAYLOAD(w);
    jit_patch_chain(site, b);
    memset(&s, 0, sizeof(s));
    w = run(&s, a);
    ok(w == EXEC_EXIT(EXEC_EXIT_TRAP, 3) && s.r[0] == 0xa && s.r[1] == 0xb && s.pc == 0x4444,
       "exit_tb: patched site runs the next block directly");

    /* exit_cond chaining: a taken side exit, patched */
    ir_block_init(&blk, 0x3000);
    ir_temp x = ir_get_reg(&blk, IR_I64, R(5));
    ir_exit_cond(&blk, IR_I64, IR_NE, x, ir_movi(&blk, IR_I64, 0), 0x4000);
    ir_exit_trap(&blk, 4, 0x3004);
    void *c = compile();
    memset(&s, 0, sizeof(s));
    s.r[5] = 1;
    w = run(&s, c);
    jit_patch_chain(EXEC_EXIT_PAYLOAD(w), b);
    memset(&s, 0, sizeof(s));
    s.r[5] = 1;
    uint64_t w2 = run(&s, c);
    memset(&s, 0, sizeof(s));
    uint64_t w3 = run(&s, c);
    ok(EXEC_EXIT_KIND(w) == EXEC_EXIT_CHAIN && w2 == EXEC_EXIT(EXEC_EXIT_TRAP, 3) &&
       w3 == EXEC_EXIT(EXEC_EXIT_TRAP, 4) && s.pc == 0x3004,
       "exit_cond: chain site patched, fall-through unaffected");

    /* a loop: an exit to the block's own pc runs the block again in place */
    ir_block_init(&blk, 0x3000);
    ir_temp n = ir_add(&blk, IR_I64, ir_get_reg(&blk, IR_I64, R(0)), ir_movi(&blk, IR_I64, 1));
    ir_set_reg(&blk, IR_I64, R(0), n);
    ir_exit_cond(&blk, IR_I64, IR_LTU, n, ir_get_reg(&blk, IR_I64, R(1)), 0x3000);
    ir_exit_trap(&blk, 6, 0x3010);
    void *loop = compile();
    memset(&s, 0, sizeof(s));
    s.r[1] = 100000;
    w = run(&s, loop);
    ok(w == EXEC_EXIT(EXEC_EXIT_TRAP, 6) && s.r[0] == 100000 && s.pc == 0x3010,
       "exit_cond to its own block loops without leaving generated code");

    /* a get_reg whose only use is later, as a memory operand, must not see
     * a set_reg of its slot in between (nor a helper call that writes it) */
    for (int k = 0; k < 8; k++) {
        enum ir_type ty = k & 1 ? IR_I32 : IR_I64;
        bool use_cmp = k & 4;
        ir_block_init(&blk, 0x3000);
        ir_temp old = ir_get_reg(&blk, ty, R(2));
        if (k & 2)
            ir_call(&blk, helper_write_r2, 0, false, IR_I64, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP,
                    IR_NO_TEMP);
        else
            ir_set_reg(&blk, ty, R(2), ir_movi(&blk, ty, 77));
        ir_temp x = ir_get_reg(&blk, ty, R(3));
        if (use_cmp) {
            ir_exit_cond(&blk, ty, IR_LTU, x, old, 0x5000);
        } else {
            ir_set_reg(&blk, IR_I64, R(4), ir_add(&blk, ty, x, old));
        }
        ir_exit_trap(&blk, 6, 0x3010);
        void *code = compile();
        memset(&s, 0, sizeof(s));
        s.r[2] = 0xffffffff00000095ull;
        s.r[3] = 0x0000000100000080ull;
        w = run(&s, code);
        uint64_t m = ty == IR_I32 ? 0xffffffffull : ~0ull;
        bool good;
        if (use_cmp)    /* 0x80 < 0x95 at either width; 77 would say no */
            good = EXEC_EXIT_KIND(w) == EXEC_EXIT_CHAIN && s.pc == 0x5000;
        else
            good = s.r[4] == ((0x0000000100000080ull + 0xffffffff00000095ull) & m);
        ok(good, "get_reg.%s read before a %s of its slot: %s sees the old value",
           k & 1 ? "i32" : "i64", k & 2 ? "call" : "set_reg", use_cmp ? "exit_cond" : "add");
    }

    /* under register pressure, get_reg values are dropped and reloaded from
     * their slots only while nothing has written the slot */
    for (int calls = 0; calls < 2; calls++) {
        ir_block_init(&blk, 0x3000);
        ir_temp v[24];
        for (int k = 0; k < 24; k++)
            v[k] = ir_get_reg(&blk, IR_I64, R(k));
        for (int k = 0; k < 24; k += 2)
            ir_set_reg(&blk, IR_I64, R(k), ir_movi(&blk, IR_I64, 1000 + k));
        if (calls)
            ir_call(&blk, helper_write_r2, 0, false, IR_I64, IR_NO_TEMP, IR_NO_TEMP,
                    IR_NO_TEMP, IR_NO_TEMP);
        ir_temp acc = ir_movi(&blk, IR_I64, 0);
        for (int k = 0; k < 24; k++)
            acc = ir_add(&blk, IR_I64, ir_mul(&blk, IR_I64, acc, ir_movi(&blk, IR_I64, 3)), v[k]);
        ir_set_reg(&blk, IR_I64, R(30), acc);
        ir_exit_trap(&blk, 6, 0x3010);
        void *code = compile();
        memset(&s, 0, sizeof(s));
        uint64_t want = 0;
        for (int k = 0; k < 24; k++) {
            s.r[k] = rnd();
            want = want * 3 + s.r[k];
        }
        run(&s, code);
        ok(s.r[30] == want, "24 live get_regs, half their slots overwritten%s: old values used",
           calls ? ", then a helper writes one" : "");
    }

    /* unpatched stubs store 64-bit target pcs, taken and fall-through */
    ir_block_init(&blk, 0x3000);
    ir_exit_cond(&blk, IR_I64, IR_EQ, ir_get_reg(&blk, IR_I64, R(0)), ir_movi(&blk, IR_I64, 0),
                 0x8765432112345678ull);
    ir_exit_tb(&blk, 0xfedcba9876543210ull);
    void *far = compile();
    memset(&s, 0, sizeof(s));
    w = run(&s, far);
    bool far_taken = EXEC_EXIT_KIND(w) == EXEC_EXIT_CHAIN && s.pc == 0x8765432112345678ull;
    memset(&s, 0, sizeof(s));
    s.r[0] = 1;
    w = run(&s, far);
    ok(far_taken && EXEC_EXIT_KIND(w) == EXEC_EXIT_CHAIN && s.pc == 0xfedcba9876543210ull,
       "exit stubs store 64-bit target pcs");

    /* exit_ind: hit jumps to the cached code, miss returns LOOKUP */
    for (int form = 0; form < 2; form++) {
        ir_block_init(&blk, 0x3000);
        ir_temp target = form ? ir_movi(&blk, IR_I64, 0x4000) : ir_get_reg(&blk, IR_I64, R(7));
        ir_exit_ind(&blk, target);
        void *d = compile();
        memset(jcache, 0, sizeof(jcache));
        memset(&s, 0, sizeof(s));
        s.r[7] = 0x4000;
        w = run(&s, d);
        bool miss_ok = w == EXEC_EXIT(EXEC_EXIT_LOOKUP, 0) && s.pc == 0x4000;
        unsigned h = jmp_cache_hash(0x4000, test_guest.insn_shift);
        jcache[h] = (struct jmp_cache_entry){ 0x4000, b };
        memset(&s, 0, sizeof(s));
        s.r[7] = 0x4000;
        w = run(&s, d);
        bool hit_ok = w == EXEC_EXIT(EXEC_EXIT_TRAP, 3) && s.r[1] == 0xb;
        /* same hash bucket, different pc: a miss */
        jcache[h].pc = 0x4000 + ((uint64_t)JMP_CACHE_SIZE << test_guest.insn_shift);
        memset(&s, 0, sizeof(s));
        s.r[7] = 0x4000;
        w = run(&s, d);
        bool alias_ok = w == EXEC_EXIT(EXEC_EXIT_LOOKUP, 0);
        ok(miss_ok && hit_ok && alias_ok, "exit_ind (%s target): miss, hit, bucket alias",
           form ? "constant" : "register");
    }
    memset(jcache, 0, sizeof(jcache));

    /* exit_trap with a 64-bit pc */
    ir_block_init(&blk, 0x3000);
    ir_exit_trap(&blk, 0x123456, 0xfedcba9876543210ull);
    memset(&s, 0, sizeof(s));
    w = run(&s, compile());
    ok(w == EXEC_EXIT(EXEC_EXIT_TRAP, 0x123456) && s.pc == 0xfedcba9876543210ull,
       "exit_trap: reason and 64-bit pc");

    /* chain sites are 4-byte aligned jmp rel32 */
    ir_block_init(&blk, 0x3000);
    for (int k = 0; k < 6; k++)
        ir_exit_cond(&blk, IR_I64, IR_EQ, ir_get_reg(&blk, IR_I64, R(k)),
                     ir_movi(&blk, IR_I64, 1), 0x100 * k);
    ir_exit_tb(&blk, 0x9000);
    void *e = compile();
    bool aligned = true;
    for (int k = 0; k <= 6; k++) {
        memset(&s, 0, sizeof(s));
        if (k < 6)
            s.r[k] = 1;
        w = run(&s, e);
        (void)e;
        uint64_t site2 = EXEC_EXIT_PAYLOAD(w);
        aligned = aligned && EXEC_EXIT_KIND(w) == EXEC_EXIT_CHAIN && site2 != 0 &&
                  s.pc == (k < 6 ? 0x100u * k : 0x9000u);
    }
    ok(aligned, "every direct exit of a block has its own chain site");
}

int main(void)
{
    exec_config.guest = &test_guest;
    if (!jit_init()) {
        printf("1..1\nnot ok 1 - jit_init\n");
        return 1;
    }
    void *lm = mmap((void *)0x20000000, 4096, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    lowmem = lm == MAP_FAILED ? NULL : lm;
    ok(lowmem != NULL, "low page for absolute addressing mapped");

    struct x86_features native = x86_host;
    test_pure_ops("");
    test_exit_cond();
    test_memory();
    test_atomics();
    test_fence();
    test_calls();
    test_random_blocks();
    test_peephole();
    test_exits();
    /* baseline x86-64: no BMI1/BMI2/LZCNT/POPCNT */
    memset(&x86_host, 0, sizeof(x86_host));
    test_pure_ops("baseline ");
    test_random_blocks();
    x86_host = native;

    fprintf(tap, "# %u blocks compiled\n", compiled);
    fclose(tap);
    printf("1..%d\n%s", n_test, tap_buf);
    free(tap_buf);
    return n_fail != 0;
}
