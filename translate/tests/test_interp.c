/*
 * The IR interpreter: guest state access, memory ops on a buffer (sizes,
 * signs, unaligned, displacement, guest_base), atomics (including a
 * multi-threaded counter), helper calls, every exit kind and the pc slot,
 * and every pure op against ir_eval_pure (the interpreter inlines some).
 */
#include "translate/exec.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The engine defines exec_config; this lets the test link with or without it. */
__attribute__((weak)) struct exec_config exec_config;

/* TAP: results are buffered so that the "1..N" plan can come first */
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
    if (!cond)
        n_fail++;
    fprintf(tap, "%sok %d - ", cond ? "" : "not ", n_test);
    va_start(ap, fmt);
    vfprintf(tap, fmt, ap);
    va_end(ap);
    fputc('\n', tap);
}

static int tap_finish(void)
{
    if (!tap)
        tap = open_memstream(&tap_buf, &tap_len);
    fclose(tap);
    printf("1..%d\n%s", n_test, tap_buf);
    return n_fail != 0;
}

/* a fake guest: 16 64-bit registers, then the pc, then a 32-bit slot */
struct fake_cpu {
    uint64_t r[16];
    uint64_t pc;
    uint32_t w;
    uint32_t pad;
};
#define R(n) ((uint32_t)offsetof(struct fake_cpu, r) + 8u * (n))
#define PC_OFF ((uint32_t)offsetof(struct fake_cpu, pc))
#define W_OFF ((uint32_t)offsetof(struct fake_cpu, w))

static const struct guest_desc fake_guest = {
    .name = "fake",
    .state_size = sizeof(struct fake_cpu),
    .pc_offset = PC_OFF,
};

static struct ir_block blk;

static uint64_t run_unchecked(struct ir_block *b, struct fake_cpu *cpu);

static uint64_t run(struct ir_block *b, struct fake_cpu *cpu)
{
    if (!ir_validate(b, stderr)) {
        ir_print(b, stderr);
        abort();
    }
    return run_unchecked(b, cpu);
}

/* ir_validate keeps static scratch space, so threads skip it */
static uint64_t run_unchecked(struct ir_block *b, struct fake_cpu *cpu)
{
    struct tb tb = { .pc = b->guest_pc, .insns = b->insns, .n_insns = b->n_insns,
                     .n_temps = b->n_temps };
    return interp_run(cpu, &tb);
}

static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void test_state(void)
{
    struct fake_cpu cpu;
    memset(&cpu, 0, sizeof(cpu));
    cpu.r[1] = 0x1111222233334444ull;
    cpu.w = 0xdeadbeef;
    ir_block_init(&blk, 0x1000);
    ir_temp a = ir_get_reg(&blk, IR_I64, R(1));
    ir_temp w = ir_get_reg(&blk, IR_I32, W_OFF);
    ir_temp lo = ir_get_reg(&blk, IR_I32, R(1));    /* low half of r1 */
    ir_set_reg(&blk, IR_I64, R(2), a);
    ir_set_reg(&blk, IR_I32, R(3), w);              /* writes only 4 bytes */
    ir_temp x = ir_add(&blk, IR_I32, w, lo);
    ir_set_reg(&blk, IR_I32, W_OFF, x);
    ir_exit_tb(&blk, 0x2000);
    cpu.r[3] = ~0ull;
    uint64_t ret = run(&blk, &cpu);
    ok(cpu.r[2] == 0x1111222233334444ull, "get_reg/set_reg i64");
    ok(cpu.r[3] == 0xffffffffdeadbeefull, "set_reg i32 writes 4 bytes only");
    ok(cpu.w == (uint32_t)(0xdeadbeefu + 0x33334444u), "get_reg i32 reads low half, add i32");
    ok(ret == EXEC_EXIT(EXEC_EXIT_LOOKUP, 0) && cpu.pc == 0x2000, "exit_tb sets pc, LOOKUP");
}

static void test_memory(void)
{
    static uint8_t buf[64];
    struct fake_cpu cpu;
    memset(&cpu, 0, sizeof(cpu));
    for (unsigned k = 0; k < sizeof(buf); k++)
        buf[k] = (uint8_t)(0x80 + k * 7);
    uintptr_t p = (uintptr_t)buf;
    cpu.r[0] = p;

    static const struct {
        unsigned mem;
        enum ir_type t;
        int64_t disp;
    } lds[] = {
        { IR_MEM_8, IR_I64, 0 }, { IR_MEM_8 | IR_MEM_SIGN, IR_I64, 0 },
        { IR_MEM_8 | IR_MEM_SIGN, IR_I32, 0 }, { IR_MEM_16, IR_I64, 1 },
        { IR_MEM_16 | IR_MEM_SIGN, IR_I64, 3 }, { IR_MEM_16 | IR_MEM_SIGN, IR_I32, 5 },
        { IR_MEM_32, IR_I64, 7 }, { IR_MEM_32 | IR_MEM_SIGN, IR_I64, 9 },
        { IR_MEM_32, IR_I32, 2 }, { IR_MEM_64, IR_I64, 11 }, { IR_MEM_64, IR_I32, 13 },
    };
    ir_block_init(&blk, 0);
    ir_temp base = ir_get_reg(&blk, IR_I64, R(0));
    for (unsigned k = 0; k < sizeof(lds) / sizeof(lds[0]); k++) {
        ir_temp v = ir_ld(&blk, lds[k].t, lds[k].mem, base, lds[k].disp);
        if (lds[k].t == IR_I32)
            v = ir_unop(&blk, IR_zext32, IR_I64, v);
        ir_set_reg(&blk, IR_I64, R(1 + k), v);
    }
    ir_exit_trap(&blk, 7, 0x4444);
    uint64_t ret = run(&blk, &cpu);
    bool good = true;
    for (unsigned k = 0; k < sizeof(lds) / sizeof(lds[0]); k++) {
        const uint8_t *q = buf + lds[k].disp;
        unsigned bytes = 1u << (lds[k].mem & 3);
        uint64_t v = 0;
        for (unsigned j = 0; j < bytes; j++)
            v |= (uint64_t)q[j] << (8 * j);
        if ((lds[k].mem & IR_MEM_SIGN) && (v >> (8 * bytes - 1)) & 1)
            v |= ~0ull << (8 * bytes - 1);
        if (lds[k].t == IR_I32)
            v &= 0xffffffff;
        if (cpu.r[1 + k] != v) {
            good = false;
            fprintf(stderr, "ld %u: got %#" PRIx64 " want %#" PRIx64 "\n", k, cpu.r[1 + k], v);
        }
    }
    ok(good, "ld: every size, sign and type, unaligned, with displacement");
    ok(ret == EXEC_EXIT(EXEC_EXIT_TRAP, 7) && cpu.pc == 0x4444, "exit_trap: reason and pc slot");

    /* stores: sizes, unaligned, negative displacement */
    memset(buf, 0, sizeof(buf));
    cpu.r[0] = p + 40;
    cpu.r[1] = 0x0123456789abcdefull;
    ir_block_init(&blk, 0);
    base = ir_get_reg(&blk, IR_I64, R(0));
    ir_temp v = ir_get_reg(&blk, IR_I64, R(1));
    ir_temp v32 = ir_unop(&blk, IR_trunc32, IR_I32, v);
    ir_st(&blk, IR_MEM_8, base, -40, v);
    ir_st(&blk, IR_MEM_16, base, -37, v);
    ir_st(&blk, IR_MEM_32, base, -33, v32);
    ir_st(&blk, IR_MEM_64, base, -27, v);
    ir_exit_tb(&blk, 0);
    run(&blk, &cpu);
    uint8_t want[64] = { 0 };
    uint64_t x = 0x0123456789abcdefull;
    want[0] = 0xef;
    want[3] = 0xef, want[4] = 0xcd;
    for (int j = 0; j < 4; j++)
        want[7 + j] = (uint8_t)(x >> (8 * j));
    for (int j = 0; j < 8; j++)
        want[13 + j] = (uint8_t)(x >> (8 * j));
    ok(!memcmp(buf, want, sizeof(buf)), "st: every size, unaligned, negative displacement");

    /* guest_base: a guest address is an offset from it */
    memset(buf, 0, sizeof(buf));
    buf[20] = 0x5a;
    exec_config.guest_base = p;
    cpu.r[0] = 16;
    ir_block_init(&blk, 0);
    base = ir_get_reg(&blk, IR_I64, R(0));
    ir_set_reg(&blk, IR_I64, R(1), ir_ld(&blk, IR_I64, IR_MEM_8, base, 4));
    ir_st(&blk, IR_MEM_8, base, 5, ir_movi(&blk, IR_I32, 0xa5));
    ir_exit_tb(&blk, 0);
    run(&blk, &cpu);
    exec_config.guest_base = 0;
    ok(cpu.r[1] == 0x5a && buf[21] == 0xa5, "guest_base is added to ld/st addresses");
}

/* what each rmw kind should leave in memory, computed at the access size */
static uint64_t rmw_ref(unsigned kind, unsigned bytes, uint64_t old, uint64_t v)
{
    uint64_t m = bytes == 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
    old &= m;
    v &= m;
    int64_t so = (int64_t)old, sv = (int64_t)v;
    if (bytes < 8) {
        if (old >> (8 * bytes - 1))
            so = (int64_t)(old | ~m);
        if (v >> (8 * bytes - 1))
            sv = (int64_t)(v | ~m);
    }
    switch (kind) {
    case IR_RMW_XCHG: return v;
    case IR_RMW_ADD: return (old + v) & m;
    case IR_RMW_AND: return old & v;
    case IR_RMW_OR: return old | v;
    case IR_RMW_XOR: return old ^ v;
    case IR_RMW_SMIN: return (so <= sv ? old : v);
    case IR_RMW_SMAX: return (so >= sv ? old : v);
    case IR_RMW_UMIN: return old <= v ? old : v;
    case IR_RMW_UMAX: return old >= v ? old : v;
    }
    return 0;
}

static void test_atomics(void)
{
    struct fake_cpu cpu;
    uint64_t cell[2];
    unsigned bad = 0;
    for (int n = 0; n < 3000; n++) {
        unsigned kind = (unsigned)(rnd() % 9), size = (unsigned)(rnd() % 4);
        unsigned bytes = 1u << size;
        bool sign = rnd() & 1;
        enum ir_type t = (size == 3 || (rnd() & 1)) ? IR_I64 : IR_I32;
        uint64_t oldv = rnd(), v = rnd();
        if (n & 1)
            v = (v & 0xff) | (oldv & ~0xffull);     /* close values for min/max */
        memset(&cpu, 0, sizeof(cpu));
        cell[0] = oldv;
        cell[1] = 0x5555555555555555ull;
        cpu.r[0] = (uintptr_t)cell;
        cpu.r[1] = v;
        ir_block_init(&blk, 0);
        ir_temp a = ir_get_reg(&blk, IR_I64, R(0));
        ir_temp x = ir_get_reg(&blk, t, R(1));
        ir_temp o = ir_atomic_rmw(&blk, t, size | (sign ? IR_MEM_SIGN : 0), kind, a, x);
        ir_set_reg(&blk, t, R(2), o);
        ir_exit_tb(&blk, 0);
        run(&blk, &cpu);
        uint64_t m = bytes == 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
        uint64_t want_old = oldv & m;
        if (sign && bytes < 8 && (want_old >> (8 * bytes - 1)))
            want_old |= ~m;
        if (t == IR_I32)
            want_old &= 0xffffffff;
        uint64_t xv = t == IR_I32 ? (v & 0xffffffff) : v;
        uint64_t want_mem = (oldv & ~m) | rmw_ref(kind, bytes, oldv, xv);
        if (cpu.r[2] != want_old || cell[0] != want_mem || cell[1] != 0x5555555555555555ull) {
            if (!bad)
                fprintf(stderr, "rmw kind %u size %u sign %d t %d: old %#" PRIx64 " v %#"
                        PRIx64 " -> out %#" PRIx64 " mem %#" PRIx64 "\n", kind, size, sign, t,
                        oldv, v, cpu.r[2], cell[0]);
            bad++;
        }
    }
    ok(!bad, "atomic_rmw: every kind, size and sign against a reference (%u bad)", bad);

    /* cmpxchg: success and failure at each size */
    bad = 0;
    for (unsigned size = 0; size < 4; size++) {
        for (int hit = 0; hit < 2; hit++) {
            uint64_t m = size == 3 ? ~0ull : (1ull << (8u << size)) - 1;
            cell[0] = 0xa1b2c3d4e5f60718ull;
            memset(&cpu, 0, sizeof(cpu));
            cpu.r[0] = (uintptr_t)cell;
            /* high bits beyond the size must not matter */
            cpu.r[1] = hit ? (cell[0] & m) | (size == 3 ? 0 : ~m) : (cell[0] & m) ^ 1;
            cpu.r[2] = 0x1122334455667788ull;
            ir_block_init(&blk, 0);
            ir_temp a = ir_get_reg(&blk, IR_I64, R(0));
            ir_temp o = ir_atomic_cmpxchg(&blk, IR_I64, size, a, ir_get_reg(&blk, IR_I64, R(1)),
                                          ir_get_reg(&blk, IR_I64, R(2)));
            ir_set_reg(&blk, IR_I64, R(3), o);
            ir_exit_tb(&blk, 0);
            run(&blk, &cpu);
            uint64_t want_mem = hit ? (0xa1b2c3d4e5f60718ull & ~m) | (0x1122334455667788ull & m)
                                    : 0xa1b2c3d4e5f60718ull;
            if (cpu.r[3] != (0xa1b2c3d4e5f60718ull & m) || cell[0] != want_mem)
                bad++;
        }
    }
    ok(!bad, "atomic_cmpxchg: hit and miss at every size (%u bad)", bad);

    /* fences do nothing visible but must run */
    ir_block_init(&blk, 0);
    ir_fence(&blk, IR_FENCE_ALL);
    ir_fence(&blk, IR_FENCE_LD_LD);
    ir_exit_trap(&blk, 3, 0x99);
    ok(run(&blk, &cpu) == EXEC_EXIT(EXEC_EXIT_TRAP, 3), "fence then exit_trap");
}

static uint64_t counter;

static void *adder(void *arg)
{
    struct fake_cpu cpu;
    memset(&cpu, 0, sizeof(cpu));
    cpu.r[0] = (uintptr_t)&counter;
    for (int n = 0; n < 20000; n++)
        run_unchecked(arg, &cpu);
    return NULL;
}

static void test_atomic_threads(void)
{
    static struct ir_block b;
    ir_block_init(&b, 0);
    ir_temp a = ir_get_reg(&b, IR_I64, R(0));
    ir_atomic_rmw(&b, IR_I64, IR_MEM_64, IR_RMW_ADD, a, ir_movi(&b, IR_I64, 3));
    ir_exit_tb(&b, 0);
    ok(ir_validate(&b, stderr), "atomic counter block is valid");
    pthread_t th[4];
    for (int k = 0; k < 4; k++)
        pthread_create(&th[k], NULL, adder, &b);
    for (int k = 0; k < 4; k++)
        pthread_join(th[k], NULL);
    ok(counter == 4 * 20000 * 3, "atomic add from 4 threads loses nothing (%" PRIu64 ")",
       counter);
}

static uint64_t seen[5];
static uint64_t helper(void *state, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    struct fake_cpu *cpu = state;
    seen[0] = a0, seen[1] = a1, seen[2] = a2, seen[3] = a3;
    seen[4] = cpu->r[5];
    cpu->r[6] = 0x66;
    return 0xffffffff00000000ull | (a0 + a1);
}

static void test_calls(void)
{
    struct fake_cpu cpu;
    memset(&cpu, 0, sizeof(cpu));
    cpu.r[5] = 0x55;
    ir_block_init(&blk, 0);
    ir_temp x = ir_movi(&blk, IR_I64, 10), y = ir_movi(&blk, IR_I64, 20);
    ir_temp r64 = ir_call(&blk, helper, 0, true, IR_I64, x, y, IR_NO_TEMP, x);
    ir_set_reg(&blk, IR_I64, R(1), r64);
    ir_temp r32 = ir_call(&blk, helper, 0, true, IR_I32, y, y, IR_NO_TEMP, IR_NO_TEMP);
    ir_set_reg(&blk, IR_I64, R(2), ir_unop(&blk, IR_zext32, IR_I64, r32));
    ir_call(&blk, helper, 0, false, IR_I64, y, IR_NO_TEMP, IR_NO_TEMP, IR_NO_TEMP);
    ir_exit_tb(&blk, 0);
    run(&blk, &cpu);
    ok(cpu.r[1] == 0xffffffff0000001eull, "call: i64 result");
    ok(cpu.r[2] == 40, "call: i32 result is zero-extended");
    ok(seen[0] == 20 && seen[1] == 0 && seen[2] == 0 && seen[3] == 0,
       "call: unused arguments are 0");
    ok(seen[4] == 0x55 && cpu.r[6] == 0x66, "call: helper gets the state pointer");
}

static void test_exits(void)
{
    struct fake_cpu cpu;
    for (int taken = 0; taken < 2; taken++) {
        memset(&cpu, 0, sizeof(cpu));
        cpu.r[0] = taken ? 5 : 6;
        ir_block_init(&blk, 0);
        ir_temp a = ir_get_reg(&blk, IR_I64, R(0));
        ir_set_reg(&blk, IR_I64, R(1), ir_movi(&blk, IR_I64, 1));
        ir_exit_cond(&blk, IR_I64, IR_EQ, a, ir_movi(&blk, IR_I64, 5), 0x8000);
        ir_set_reg(&blk, IR_I64, R(2), ir_movi(&blk, IR_I64, 2));
        ir_exit_tb(&blk, 0x9000);
        uint64_t ret = run(&blk, &cpu);
        if (taken)
            ok(ret == EXEC_EXIT(EXEC_EXIT_LOOKUP, 0) && cpu.pc == 0x8000 && cpu.r[1] == 1 &&
               cpu.r[2] == 0, "exit_cond taken: pc = target, later insns skipped");
        else
            ok(ret == EXEC_EXIT(EXEC_EXIT_LOOKUP, 0) && cpu.pc == 0x9000 && cpu.r[2] == 2,
               "exit_cond not taken: falls through to exit_tb");
    }
    /* i32 condition ignores nothing it should not: 0x1_00000005 vs 5 differ at i64 */
    memset(&cpu, 0, sizeof(cpu));
    cpu.r[0] = 0x100000005ull;
    ir_block_init(&blk, 0);
    ir_temp a = ir_get_reg(&blk, IR_I64, R(0));
    ir_exit_cond(&blk, IR_I64, IR_EQ, a, ir_movi(&blk, IR_I64, 5), 0x8000);
    ir_temp a32 = ir_unop(&blk, IR_trunc32, IR_I32, a);
    ir_exit_cond(&blk, IR_I32, IR_EQ, a32, ir_movi(&blk, IR_I32, 5), 0x8100);
    ir_exit_tb(&blk, 0x9000);
    run(&blk, &cpu);
    ok(cpu.pc == 0x8100, "exit_cond compares at its width");

    memset(&cpu, 0, sizeof(cpu));
    cpu.r[3] = 0xfedcba9876543210ull;
    ir_block_init(&blk, 0);
    ir_exit_ind(&blk, ir_get_reg(&blk, IR_I64, R(3)));
    uint64_t ret = run(&blk, &cpu);
    ok(ret == EXEC_EXIT(EXEC_EXIT_LOOKUP, 0) && cpu.pc == 0xfedcba9876543210ull,
       "exit_ind stores the full 64-bit target");

    ir_block_init(&blk, 0);
    ir_exit_trap(&blk, IR_TRAP_SYSCALL, 0xffffffff12345678ull);
    ret = run(&blk, &cpu);
    ok(EXEC_EXIT_KIND(ret) == EXEC_EXIT_TRAP && EXEC_EXIT_PAYLOAD(ret) == IR_TRAP_SYSCALL &&
       cpu.pc == 0xffffffff12345678ull, "exit_trap: kind, payload, 64-bit pc");
}

/* Every pure op, both widths, random inputs: interpreter == ir_eval_pure. */
static void test_pure_ops(void)
{
    static const enum ir_opcode ops[] = {
        IR_mov, IR_add, IR_sub, IR_mul, IR_mulh, IR_mulhu, IR_mulhsu, IR_divs, IR_divu,
        IR_rems, IR_remu, IR_and, IR_or, IR_xor, IR_andn, IR_orn, IR_xnor, IR_shl, IR_shr,
        IR_sar, IR_rotl, IR_rotr, IR_neg, IR_not, IR_clz, IR_ctz, IR_popcnt, IR_bswap,
        IR_setcond, IR_select, IR_sext8, IR_sext16, IR_zext8, IR_zext16,
    };
    for (unsigned k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
        unsigned bad = 0;
        enum ir_opcode op = ops[k];
        for (int n = 0; n < 4000; n++) {
            enum ir_type t = (n & 1) ? IR_I64 : IR_I32;
            uint64_t m = t == IR_I32 ? 0xffffffffull : ~0ull;
            uint64_t v[3] = { rnd() & m, rnd() & m, rnd() & m };
            if (n & 2)
                v[1] &= 0x7f;
            if ((n & 12) == 4)
                v[1] = 0;
            if ((n & 12) == 8)
                v[0] = v[1];
            struct fake_cpu cpu;
            memset(&cpu, 0, sizeof(cpu));
            ir_block_init(&blk, 0);
            ir_temp in[3];
            for (int j = 0; j < 3; j++)
                in[j] = (n & 16) ? ir_movi(&blk, t, v[j]) : ir_get_reg(&blk, t, R(j));
            memcpy(cpu.r, v, sizeof(v));
            struct ir_insn *i = ir_emit(&blk, op, t);
            i->cond = (uint8_t)(rnd() % IR_NUM_CONDS);
            for (unsigned j = 0; j < ir_op_info[op].n_in; j++)
                i->in[j] = in[j];
            i->out = ir_new_temp(&blk, t);
            ir_set_reg(&blk, t, R(4), i->out);
            ir_exit_tb(&blk, 0);
            cpu.r[4] = 0xaaaaaaaaaaaaaaaaull;
            run(&blk, &cpu);
            uint64_t want = ir_eval_pure(i, v[0], v[1], v[2]);
            uint64_t got = t == IR_I32 ? (cpu.r[4] & 0xffffffff) : cpu.r[4];
            if (got != want || (t == IR_I32 && cpu.r[4] >> 32 != 0xaaaaaaaa) ||
                want > m)
                bad++;
        }
        ok(!bad, "interp %s == ir_eval_pure (%u bad)", ir_op_info[op].name, bad);
    }

    /* width changes: result type and input type differ */
    static const struct {
        enum ir_opcode op;
        enum ir_type out, in;
    } wc[] = {
        { IR_sext32, IR_I64, IR_I32 }, { IR_sext32, IR_I64, IR_I64 },
        { IR_zext32, IR_I64, IR_I32 }, { IR_zext32, IR_I64, IR_I64 },
        { IR_trunc32, IR_I32, IR_I64 },
    };
    for (unsigned k = 0; k < sizeof(wc) / sizeof(wc[0]); k++) {
        unsigned bad = 0;
        for (int n = 0; n < 2000; n++) {
            uint64_t v = rnd() & (wc[k].in == IR_I32 ? 0xffffffffull : ~0ull);
            struct fake_cpu cpu;
            memset(&cpu, 0, sizeof(cpu));
            cpu.r[0] = v;
            cpu.r[4] = 0xaaaaaaaaaaaaaaaaull;
            ir_block_init(&blk, 0);
            ir_temp x = ir_get_reg(&blk, wc[k].in, R(0));
            ir_temp y = ir_unop(&blk, wc[k].op, wc[k].out, x);
            ir_set_reg(&blk, wc[k].out, R(4), y);
            ir_exit_tb(&blk, 0);
            run(&blk, &cpu);
            uint64_t want = ir_eval_pure(&blk.insns[1], v, 0, 0);
            uint64_t got = wc[k].out == IR_I32 ? (cpu.r[4] & 0xffffffff) : cpu.r[4];
            if (got != want || (wc[k].out == IR_I32 && cpu.r[4] >> 32 != 0xaaaaaaaa))
                bad++;
        }
        ok(!bad, "interp %s.%s from %s == ir_eval_pure (%u bad)", ir_op_info[wc[k].op].name,
           wc[k].out ? "i64" : "i32", wc[k].in ? "i64" : "i32", bad);
    }
}

int main(void)
{
    exec_config.guest = &fake_guest;
    exec_config.guest_base = 0;
    test_state();
    test_memory();
    test_atomics();
    test_atomic_threads();
    test_calls();
    test_exits();
    test_pure_ops();
    return tap_finish();
}
