/*
 * Precise guest faults: a block whose first two guest instructions write
 * registers and whose third faults (a store, a load, or a helper that
 * stores) must leave the guest exactly as after the second instruction —
 * pc at the third, the first two's writes done, nothing of the third or
 * fourth — in the interpreter and in generated code, through the real
 * execution loop and a host SIGSEGV handler like the runner's.  After the
 * page is made writable, resuming there must give the same final state as
 * an uninterrupted run.  Also the optimiser rules that make this possible
 * (opt_state.c) and the host pc -> guest pc map (jit_guest_pc_of).
 */
#include "translate/exec.h"
#include "translate/jit.h"
#include "translate/opt.h"

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

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

/* ---- the test guest: blocks are built from the pc, not read from memory ---- */
struct tstate {
    uint64_t r[8];
    uint64_t pc;
};
#define R(n) ((uint32_t)offsetof(struct tstate, r) + 8u * (n))
#define PC_OFF ((uint32_t)offsetof(struct tstate, pc))

enum fault_kind { K_STORE, K_LOAD, K_HELPER, N_KINDS };
static const char *const kind_names[] = { "store", "load", "helper store" };

#define PROG_PC(kind, tier) (0x10000u * (1 + (kind) + N_KINDS * (tier)))
#define STOP_PC 0x900000u
#define TRAP_DONE (IR_TRAP_GUEST_BASE + 1)

static uint64_t helper_store(void *st, uint64_t addr, uint64_t v, uint64_t a2, uint64_t a3)
{
    (void)st, (void)a2, (void)a3;
    *(volatile uint64_t *)(uintptr_t)addr = v;
    return 0;
}

/*
 * insn 0 (pc+0): r1 = r1 * 3 + 1
 * insn 1 (pc+4): r2 = r2 + r1; r3 = 7
 * insn 2 (pc+8): the faulting access at [r4 + 8] (r5 = loaded value for a
 *                load, r2 stored otherwise); then r1 = 0
 * insn 3 (pc+12): r3 = 9; r2 = r2 + 1
 * exit to STOP_PC
 * Every write of insns 0 and 1 is covered by a later one in the block, so
 * without precision the optimiser would drop them all.
 */
static void build_prog(struct ir_block *b, uint64_t pc, enum fault_kind kind, unsigned first)
{
    if (first > 0)
        goto insn1;
    ir_insn_start(b, pc);
    ir_temp r1 = ir_get_reg(b, IR_I64, R(1));
    r1 = ir_add(b, IR_I64, ir_mul(b, IR_I64, r1, ir_movi(b, IR_I64, 3)), ir_movi(b, IR_I64, 1));
    ir_set_reg(b, IR_I64, R(1), r1);

insn1:
    if (first > 1)
        goto insn2;
    ir_insn_start(b, pc + 4);
    ir_temp r2 = ir_add(b, IR_I64, ir_get_reg(b, IR_I64, R(2)), ir_get_reg(b, IR_I64, R(1)));
    ir_set_reg(b, IR_I64, R(2), r2);
    ir_set_reg(b, IR_I64, R(3), ir_movi(b, IR_I64, 7));

insn2:
    if (first > 2)
        goto insn3;
    ir_insn_start(b, pc + 8);
    ir_temp r4 = ir_get_reg(b, IR_I64, R(4));
    ir_temp v = ir_get_reg(b, IR_I64, R(2));
    switch (kind) {
    case K_STORE:
        ir_st(b, IR_MEM_64, r4, 8, v);
        break;
    case K_LOAD:
        ir_set_reg(b, IR_I64, R(5), ir_ld(b, IR_I64, IR_MEM_64, r4, 8));
        break;
    default:
        ir_call(b, helper_store, IR_CALL_NO_REGS, false, IR_I64,
                ir_add(b, IR_I64, r4, ir_movi(b, IR_I64, 8)), v, IR_NO_TEMP, IR_NO_TEMP);
        break;
    }
    ir_set_reg(b, IR_I64, R(1), ir_movi(b, IR_I64, 0));

insn3:
    ir_insn_start(b, pc + 12);
    ir_set_reg(b, IR_I64, R(3), ir_movi(b, IR_I64, 9));
    ir_set_reg(b, IR_I64, R(2), ir_add(b, IR_I64, ir_get_reg(b, IR_I64, R(2)),
                                       ir_movi(b, IR_I64, 1)));
    ir_exit_tb(b, STOP_PC);
}

static void test_translate(struct ir_block *b, const void *state, uint64_t pc, unsigned max)
{
    (void)state, (void)max;
    if (pc == STOP_PC) {
        ir_insn_start(b, pc);
        ir_exit_trap(b, TRAP_DONE, pc);
        b->guest_insns = 1;
        b->guest_size = 4;
        return;
    }
    /* a block may start at any of the program's insns (a resumed fault) */
    unsigned first = (unsigned)(pc % 0x10000u) / 4;
    build_prog(b, pc - 4 * first, (enum fault_kind)((pc / 0x10000u - 1) % N_KINDS), first);
    b->guest_insns = 4 - first;
    b->guest_size = 16 - 4 * first;
}

static const struct guest_desc test_guest = {
    .name = "test", .state_size = sizeof(struct tstate), .pc_offset = PC_OFF, .insn_shift = 2,
    .translate = test_translate,
};

/* ---- the host fault handler, as the runner's signal_host.c does it ---- */
static struct exec_ctx ctx;
static volatile uintptr_t fault_addr;
static volatile int n_faults;

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
    const ucontext_t *uc = ucv;
    (void)sig;
    fault_addr = (uintptr_t)si->si_addr;
    n_faults++;
    exec_fault_unwind(&ctx, (uintptr_t)uc->uc_mcontext.gregs[REG_RIP],
                      (uintptr_t)uc->uc_mcontext.gregs[REG_RSP]);
    abort();    /* not a fault in guest code: a bug in this test */
}

static uint8_t *page;

static void init_state(struct tstate *s, uint64_t pc)
{
    memset(s, 0, sizeof(*s));
    for (int k = 0; k < 8; k++)
        s->r[k] = 0x1000u * (k + 1) + 5;
    s->r[4] = (uintptr_t)page;
    s->pc = pc;
}

static void run_case(enum fault_kind kind, enum exec_tier tier)
{
    const char *tn = tier == EXEC_TIER_INTERP ? "interp" : "jit";
    uint64_t pc = PROG_PC(kind, tier == EXEC_TIER_INTERP);
    struct tstate s, want;
    exec_config.tier = tier;

    /* the reference: an uninterrupted run */
    init_state(&want, pc);
    mprotect(page, 4096, PROT_READ | PROT_WRITE);
    memset(page, 0, 4096);
    ctx.state = &want;
    unsigned trap = exec_run(&ctx);
    uint64_t want_mem = *(uint64_t *)(page + 8);
    ok(trap == TRAP_DONE && want.pc == STOP_PC, "%s %s: the run without a fault ends", tn,
       kind_names[kind]);

    /* compile for the jit case before the faulting run (threshold 0 does it) */
    init_state(&s, pc);
    mprotect(page, 4096, kind == K_LOAD ? PROT_NONE : PROT_READ);
    ctx.state = &s;
    n_faults = 0;
    trap = exec_run(&ctx);
    struct tstate after0 = { 0 };
    init_state(&after0, pc);
    after0.r[1] = after0.r[1] * 3 + 1;
    after0.r[2] = after0.r[2] + after0.r[1];
    after0.r[3] = 7;
    ok(trap == IR_TRAP_INTERRUPT && n_faults == 1 && fault_addr == (uintptr_t)page + 8,
       "%s %s: the fault unwinds with si_addr of the access", tn, kind_names[kind]);
    ok(s.pc == pc + 8, "%s %s: pc is the faulting insn (0x%llx, want 0x%llx)", tn,
       kind_names[kind], (unsigned long long)s.pc, (unsigned long long)(pc + 8));
    ok(!memcmp(s.r, after0.r, sizeof(s.r)),
       "%s %s: registers as after the 2nd insn (r1 %llx/%llx r2 %llx/%llx r3 %llu/%llu)", tn,
       kind_names[kind], (unsigned long long)s.r[1], (unsigned long long)after0.r[1],
       (unsigned long long)s.r[2], (unsigned long long)after0.r[2],
       (unsigned long long)s.r[3], (unsigned long long)after0.r[3]);

    /* the guest handler makes the page writable and returns */
    mprotect(page, 4096, PROT_READ | PROT_WRITE);
    if (kind == K_LOAD)
        *(uint64_t *)(page + 8) = 0;
    trap = exec_run(&ctx);
    ok(trap == TRAP_DONE && !memcmp(&s, &want, sizeof(s)) &&
       *(uint64_t *)(page + 8) == want_mem,
       "%s %s: resuming at the faulting insn ends as the uninterrupted run", tn,
       kind_names[kind]);
}

/* ---- optimiser rules ---- */
static struct ir_block blk;

static unsigned count_set_reg(const struct ir_block *b, uint32_t off)
{
    unsigned n = 0;
    for (uint32_t j = 0; j < b->n_insns; j++)
        n += b->insns[j].op == IR_set_reg && b->insns[j].imm == off;
    return n;
}

/* r2 = x in insn A, something in insn B, r2 = y in insn C */
static unsigned dead_store_case(int between, bool same_insn)
{
    ir_block_init(&blk, 0x100);
    ir_insn_start(&blk, 0x100);
    ir_temp x = ir_get_reg(&blk, IR_I64, R(0));
    ir_temp y = ir_get_reg(&blk, IR_I64, R(1));
    ir_set_reg(&blk, IR_I64, R(2), x);
    if (!same_insn)
        ir_insn_start(&blk, 0x104);
    switch (between) {
    case 0: ir_ld(&blk, IR_I64, IR_MEM_64, x, 0); break;
    case 1: ir_st(&blk, IR_MEM_64, x, 0, y); break;
    case 2: ir_call(&blk, helper_store, IR_CALL_NO_REGS, false, IR_I64, x, y, 0, 0); break;
    case 3: ir_set_reg(&blk, IR_I64, R(3), ir_add(&blk, IR_I64, x, y)); break;
    case 4: ir_call(&blk, helper_store, IR_CALL_NO_REGS | IR_CALL_PURE, false, IR_I64, x, y,
                    0, 0); break;
    }
    ir_insn_start(&blk, 0x108);
    ir_set_reg(&blk, IR_I64, R(2), y);
    ir_exit_tb(&blk, 0x200);
    ir_optimize(&blk);
    return count_set_reg(&blk, R(2));
}

static void test_opt_rules(void)
{
    static const char *const what[] = {
        "a load", "a store", "an impure helper", "no memory access", "a pure helper",
    };
    for (int k = 0; k < 5; k++) {
        unsigned want = OPT_PRECISE_MEM_FAULTS && k < 3 ? 2 : 1;
        unsigned n = dead_store_case(k, false);
        ok(n == want, "opt: a write covered after %s in a later insn: %u left, want %u",
           what[k], n, want);
    }
    /* the covered write is in the faulting insn itself: the fault shows the
     * state before that insn, so the write may still go */
    unsigned n = dead_store_case(0, true);
    ok(n == 1, "opt: a write of the faulting insn itself covered later: %u left, want 1", n);

    /* writes within one insn around its own access: the first is dead */
    ir_block_init(&blk, 0x100);
    ir_insn_start(&blk, 0x100);
    ir_temp x = ir_get_reg(&blk, IR_I64, R(0));
    ir_set_reg(&blk, IR_I64, R(2), x);
    ir_temp v = ir_ld(&blk, IR_I64, IR_MEM_64, x, 0);
    ir_set_reg(&blk, IR_I64, R(2), v);
    ir_exit_tb(&blk, 0x200);
    ir_optimize(&blk);
    ok(count_set_reg(&blk, R(2)) == 1, "opt: covered write before the same insn's load goes");

    /* insn_start is kept by every pass */
    unsigned marks = 0;
    dead_store_case(3, false);
    for (uint32_t j = 0; j < blk.n_insns; j++)
        marks += blk.insns[j].op == IR_insn_start;
    ok(marks == 3, "opt: insn_start markers survive optimisation (%u of 3)", marks);
}

/* ---- host pc -> guest insn pc ---- */
static void test_pc_map(void)
{
    ir_block_init(&blk, 0x4000);
    for (int k = 0; k < 6; k++) {
        ir_insn_start(&blk, 0x4000 + 4 * k);
        if (k == 2)
            continue;   /* an insn without host code */
        ir_temp a = ir_get_reg(&blk, IR_I64, R(k));
        ir_set_reg(&blk, IR_I64, R(k + 1), ir_add(&blk, IR_I64, a, ir_movi(&blk, IR_I64, k)));
    }
    ir_exit_tb(&blk, 0x5000);
    blk.guest_insns = 6;
    blk.guest_size = 24;
    const uint8_t *code = jit_compile(&blk);
    uint32_t size = jit_last_size();
    ok(code != NULL, "map: block compiled");
    if (!code)
        return;
    /* walk the code: the guest pc never decreases and covers insns 0..5
     * except the empty one */
    uint64_t prev = 0, pc = 0;
    unsigned seen = 0;
    bool mono = true, all_found = true;
    for (uint32_t off = 0; off < size; off++) {
        if (!jit_guest_pc_of(code + off, &pc)) {
            all_found = false;
            break;
        }
        mono &= pc >= prev;
        if (pc != prev || off == 0)
            seen |= 1u << ((pc - 0x4000) / 4);
        prev = pc;
    }
    ok(all_found && mono, "map: every byte of the block maps, in ascending guest order");
    ok(seen == 0x3b, "map: insns 0,1,3,4,5 own code, the empty insn 2 none (seen %#x)", seen);
    ok(!jit_guest_pc_of(code + size + 64, &pc) && !jit_guest_pc_of(&pc, &pc),
       "map: addresses outside compiled code do not map");
}

int main(void)
{
    exec_config.guest = &test_guest;
    exec_config.tier = EXEC_TIER_JIT;
    exec_config.jit_threshold = 0;
    exec_config.max_insns = 64;
    exec_init();

    page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);

    struct tstate dummy;
    exec_ctx_init(&ctx, &dummy);
    for (int kind = 0; kind < N_KINDS; kind++) {
        run_case((enum fault_kind)kind, EXEC_TIER_INTERP);
        run_case((enum fault_kind)kind, EXEC_TIER_JIT);
    }
    test_opt_rules();
    test_pc_map();
    return tap_finish();
}
