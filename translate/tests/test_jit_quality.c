/*
 * Code quality of the x86-64 backend, pinned like FEX's InstructionCountCI:
 * typical blocks (shaped like the riscv64 front-end's output for hot loops
 * of the benchmark kernels) are compiled and the host instructions and bytes
 * of their straight-line body (block entry to the last exit, without the
 * out-of-line exit stubs) must match the numbers recorded here.  A change
 * that adds instructions fails; one that removes some fails too, so the
 * improvement gets recorded.  Properties that matter more than a count
 * (a patched chain is a bare jump, compare and jcc are adjacent so they
 * fuse) are checked on the instructions themselves.  Every block is also
 * run once, so a pinned listing is a correct one.  Host features are fixed
 * (BMI1/2, LZCNT, POPCNT on) so the counts do not depend on the machine;
 * blocks that would execute a feature-dependent instruction run only when
 * the host has it.
 */
#include "translate/exec.h"
#include "translate/jit.h"
#include "translate/x86/backend.h"

#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static int n_test, n_fail;

static void ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ok(bool cond, const char *fmt, ...)
{
    va_list ap;
    n_test++;
    n_fail += !cond;
    printf("%sok %d - ", cond ? "" : "not ", n_test);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

/* ---- the test guest ---- */
struct tstate {
    uint64_t r[32];
    uint64_t pc;
    uint32_t interrupt;
    uint32_t pad;
};
#define R(n) ((uint32_t)offsetof(struct tstate, r) + 8u * (n))

static const struct guest_desc test_guest = {
    .name = "test", .state_size = sizeof(struct tstate),
    .pc_offset = offsetof(struct tstate, pc), .insn_shift = 1,
    .interrupt_offset = offsetof(struct tstate, interrupt),
};

static struct ir_block blk;
static struct jmp_cache_entry jcache[JMP_CACHE_SIZE];
static csh cs;

/* the body of the last compiled block, disassembled */
struct listing {
    cs_insn *insn;
    size_t n;
    uint32_t bytes;
};

static void listing_free(struct listing *l)
{
    if (l->n)
        cs_free(l->insn, l->n);
    l->n = 0;
}

static void *compile_body(struct listing *l)
{
    void *code = jit_compile(&blk);
    if (!code) {
        jit_flush();
        code = jit_compile(&blk);
    }
    l->n = 0;
    if (!code)
        return NULL;
    l->bytes = x86_last_body_size();
    l->n = cs_disasm(cs, code, l->bytes, (uint64_t)(uintptr_t)code, 0, &l->insn);
    return code;
}

static void listing_print(const struct listing *l)
{
    for (size_t k = 0; k < l->n; k++)
        printf("#   %-8s %s\n", l->insn[k].mnemonic, l->insn[k].op_str);
}

/* Pins the body: instruction count (nops excluded: they are alignment) and bytes. */
static void pin(const char *name, const struct listing *l, unsigned want_insns,
                unsigned want_bytes)
{
    unsigned n = 0;
    for (size_t k = 0; k < l->n; k++)
        n += strcmp(l->insn[k].mnemonic, "nop") != 0;
    bool good = n == want_insns && l->bytes == want_bytes;
    ok(good, "%s: %u host instructions, %u bytes (pinned %u, %u)", name, n, l->bytes,
       want_insns, want_bytes);
    if (!good)
        listing_print(l);
}

static bool mnemonic_is(const cs_insn *i, const char *m)
{
    return strcmp(i->mnemonic, m) == 0;
}

static bool is_jcc(const cs_insn *i)
{
    return i->mnemonic[0] == 'j' && !mnemonic_is(i, "jmp");
}

/* every jcc in the body directly follows the instruction that sets its flags */
static bool jcc_fusable(const struct listing *l)
{
    for (size_t k = 1; k < l->n; k++)
        if (is_jcc(&l->insn[k]) && !mnemonic_is(&l->insn[k - 1], "cmp") &&
            !mnemonic_is(&l->insn[k - 1], "test"))
            return false;
    return true;
}

/* how many body instructions write the state's pc slot */
static unsigned pc_stores(const struct listing *l)
{
    char pat[32];
    snprintf(pat, sizeof(pat), "[rbp + 0x%x]", (unsigned)test_guest.pc_offset);
    unsigned n = 0;
    for (size_t k = 0; k < l->n; k++)
        n += mnemonic_is(&l->insn[k], "mov") && strncmp(l->insn[k].op_str, "qword ptr ", 10) == 0 &&
             strstr(l->insn[k].op_str, pat) == l->insn[k].op_str + 10;
    return n;
}

static unsigned count_mnemonic(const struct listing *l, const char *m)
{
    unsigned n = 0;
    for (size_t k = 0; k < l->n; k++)
        n += mnemonic_is(&l->insn[k], m);
    return n;
}

/* ---- blocks ---- */

/* crc32 table loop (riscv64 -O2): lbu, srliw, addi, xor, andi, slli, add,
 * lw, xor(w) + sext, bne back to itself */
static void block_crc32(void)
{
    enum { PTR = 10, CRC = 11, TAB = 12, END = 13, TMP = 14 };
    ir_block_init(&blk, 0x105fe);
    ir_temp p = ir_get_reg(&blk, IR_I64, R(PTR));
    ir_temp byte = ir_ld(&blk, IR_I64, IR_MEM_8, p, 0);
    ir_set_reg(&blk, IR_I64, R(TMP), byte);
    ir_temp crc = ir_get_reg(&blk, IR_I64, R(CRC));
    ir_temp hi = ir_unop(&blk, IR_sext32, IR_I64,
                         ir_binop(&blk, IR_shr, IR_I32, ir_unop(&blk, IR_trunc32, IR_I32, crc),
                                  ir_movi(&blk, IR_I32, 8)));
    ir_temp p1 = ir_add(&blk, IR_I64, p, ir_movi(&blk, IR_I64, 1));
    ir_set_reg(&blk, IR_I64, R(PTR), p1);
    ir_temp idx = ir_and(&blk, IR_I64, ir_xor(&blk, IR_I64, byte, crc), ir_movi(&blk, IR_I64, 0xff));
    ir_temp off = ir_add(&blk, IR_I64, ir_shl(&blk, IR_I64, idx, ir_movi(&blk, IR_I64, 2)),
                         ir_movi(&blk, IR_I64, 0x400));
    ir_temp addr = ir_add(&blk, IR_I64, off, ir_get_reg(&blk, IR_I64, R(TAB)));
    ir_temp ent = ir_ld(&blk, IR_I64, IR_MEM_32 | IR_MEM_SIGN, addr, -1024);
    ir_temp ncrc = ir_unop(&blk, IR_sext32, IR_I64, ir_xor(&blk, IR_I64, hi, ent));
    ir_set_reg(&blk, IR_I64, R(CRC), ncrc);
    ir_exit_cond(&blk, IR_I64, IR_NE, p1, ir_get_reg(&blk, IR_I64, R(END)), 0x105fe);
    ir_exit_tb(&blk, 0x10622);
}

/* sieve marking loop: add, sb, add, bgtu */
static void block_sieve(void)
{
    ir_block_init(&blk, 0x105be);
    ir_temp j = ir_get_reg(&blk, IR_I64, R(15));
    ir_temp a = ir_add(&blk, IR_I64, j, ir_get_reg(&blk, IR_I64, R(8)));
    ir_set_reg(&blk, IR_I64, R(13), a);
    ir_st(&blk, IR_MEM_8, a, 0, ir_get_reg(&blk, IR_I64, R(23)));
    ir_temp j2 = ir_add(&blk, IR_I64, j, ir_get_reg(&blk, IR_I64, R(14)));
    ir_set_reg(&blk, IR_I64, R(15), j2);
    ir_exit_cond(&blk, IR_I64, IR_GTU, j2, ir_get_reg(&blk, IR_I64, R(22)), 0x105aa);
    ir_exit_tb(&blk, 0x105cc);
}

/* counted loop against an immediate: addi, sext, blt imm */
static void block_count(void)
{
    ir_block_init(&blk, 0x2000);
    ir_temp i = ir_get_reg(&blk, IR_I64, R(5));
    ir_temp n = ir_unop(&blk, IR_sext32, IR_I64,
                        ir_add(&blk, IR_I32, ir_unop(&blk, IR_trunc32, IR_I32, i),
                               ir_movi(&blk, IR_I32, 1)));
    ir_set_reg(&blk, IR_I64, R(5), n);
    ir_exit_cond(&blk, IR_I64, IR_LT, n, ir_movi(&blk, IR_I64, 1000), 0x2000);
    ir_exit_trap(&blk, 9, 0x2008);
}

/* switch dispatch: load a jump-table entry and jump through it */
static void block_dispatch(void)
{
    ir_block_init(&blk, 0x10668);
    ir_temp op = ir_get_reg(&blk, IR_I64, R(15));
    ir_temp a = ir_add(&blk, IR_I64, ir_shl(&blk, IR_I64, op, ir_movi(&blk, IR_I64, 2)),
                       ir_get_reg(&blk, IR_I64, R(13)));
    ir_temp rel = ir_ld(&blk, IR_I64, IR_MEM_32 | IR_MEM_SIGN, a, 0);
    ir_temp t = ir_add(&blk, IR_I64, ir_get_reg(&blk, IR_I64, R(13)), rel);
    ir_set_reg(&blk, IR_I64, R(15), t);
    ir_exit_ind(&blk, ir_and(&blk, IR_I64, t, ir_movi(&blk, IR_I64, -2)));
}

static uint64_t helper_fadd(void *st, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    (void)st, (void)c, (void)d;
    return a + b;
}

/* an FP-style helper call: two state operands and a rounding-mode constant
 * in, the result back to the state */
static void block_call(void)
{
    ir_block_init(&blk, 0x3000);
    ir_temp x = ir_get_reg(&blk, IR_I64, R(1));
    ir_temp y = ir_get_reg(&blk, IR_I64, R(2));
    ir_temp r = ir_call(&blk, helper_fadd, IR_CALL_NO_REGS, true, IR_I64, x, y,
                        ir_movi(&blk, IR_I64, 7), IR_NO_TEMP);
    ir_set_reg(&blk, IR_I64, R(3), r);
    ir_exit_tb(&blk, 0x3010);
}

/* sha256's rotation of working variables: sext.w (addiw x, 0) moves */
static void block_shuffle(void)
{
    ir_block_init(&blk, 0x5000);
    for (int k = 0; k < 4; k++)
        ir_set_reg(&blk, IR_I64, R(k + 1),
                   ir_unop(&blk, IR_sext32, IR_I64, ir_get_reg(&blk, IR_I64, R(k + 10))));
    ir_temp s = ir_unop(&blk, IR_sext32, IR_I64,
                        ir_add(&blk, IR_I64, ir_get_reg(&blk, IR_I64, R(20)),
                               ir_get_reg(&blk, IR_I64, R(21))));
    ir_set_reg(&blk, IR_I64, R(5), ir_unop(&blk, IR_sext32, IR_I64, s));
    ir_exit_tb(&blk, 0x5010);
}

static void test_shuffle(void)
{
    struct listing l;
    block_shuffle();
    void *code = compile_body(&l);
    pin("sext.w register moves", &l, 13, 60);
    ok(count_mnemonic(&l, "movsxd") == 5, "sext.w moves: one extending load each, no re-extension");
    struct tstate s = { 0 };
    for (int k = 0; k < 4; k++)
        s.r[k + 10] = 0x1234567880000000ull + (uint64_t)k;
    s.r[20] = 0x7fffffff;
    s.r[21] = 1;
    jit_enter(&s, code, jcache);
    bool good = s.r[5] == 0xffffffff80000000ull;
    for (int k = 0; k < 4; k++)
        good = good && s.r[k + 1] == 0xffffffff80000000ull + (uint64_t)k;
    ok(good, "sext.w register moves: values");
    listing_free(&l);
}

static uint8_t table[0x400 + 1024];
static uint8_t buf[64];

static void test_crc32(void)
{
    struct listing l;
    block_crc32();
    void *code = compile_body(&l);
    pin("crc32 byte loop", &l, 21, 92);
    ok(jcc_fusable(&l), "crc32 byte loop: loop branch fuses with its compare");
    ok(pc_stores(&l) == 0, "crc32 byte loop: no pc store on the chained paths");
    ok(count_mnemonic(&l, "shl") == 0, "crc32 byte loop: table index scaled in the address mode");

    /* run it: 4 bytes of a table lookup, looping in place */
    for (unsigned k = 0; k < sizeof(table); k++)
        table[k] = (uint8_t)(k * 37 + 1);
    const uint8_t msg[4] = { 1, 2, 3, 250 };
    struct tstate s = { 0 };
    s.r[10] = (uint64_t)(uintptr_t)msg;
    s.r[13] = s.r[10] + 4;
    s.r[12] = (uint64_t)(uintptr_t)table;
    s.r[11] = 0x12345678;
    uint64_t w = jit_enter(&s, code, jcache);
    uint32_t crc = 0x12345678;
    for (int k = 0; k < 4; k++) {
        int32_t e;
        memcpy(&e, table + 4 * ((msg[k] ^ crc) & 0xff), 4);
        crc = (crc >> 8) ^ (uint32_t)e;
    }
    ok(EXEC_EXIT_KIND(w) == EXEC_EXIT_CHAIN && s.pc == 0x10622 &&
       s.r[11] == (uint64_t)(int64_t)(int32_t)crc,
       "crc32 byte loop: runs to the fall-through exit with the right crc");
    listing_free(&l);
}

static void test_sieve(void)
{
    struct listing l;
    block_sieve();
    void *code = compile_body(&l);
    pin("sieve store loop", &l, 13, 68);
    ok(count_mnemonic(&l, "cmp") == 2 && jcc_fusable(&l),
       "sieve store loop: compares against state operands, fused with jcc");
    struct tstate s = { 0 };
    memset(buf, 0, sizeof(buf));
    s.r[8] = (uint64_t)(uintptr_t)buf;
    s.r[15] = 3;
    s.r[14] = 5;
    s.r[22] = 40;
    s.r[23] = 1;
    uint64_t w = jit_enter(&s, code, jcache);
    ok(EXEC_EXIT_KIND(w) == EXEC_EXIT_CHAIN && s.pc == 0x105cc && buf[3] == 1 && s.r[15] == 8,
       "sieve store loop: one iteration, fall-through exit");
    listing_free(&l);
}

static void test_count(void)
{
    struct listing l;
    block_count();
    void *code = compile_body(&l);
    pin("counted loop vs immediate", &l, 11, 61);
    struct tstate s = { 0 };
    uint64_t w = jit_enter(&s, code, jcache);
    ok(w == EXEC_EXIT(EXEC_EXIT_TRAP, 9) && s.r[5] == 1000 && s.pc == 0x2008,
       "counted loop: 1000 iterations without leaving generated code");
    listing_free(&l);
}

static void test_dispatch(void)
{
    struct listing l;
    block_dispatch();
    compile_body(&l);
    pin("jump-table dispatch (exit_ind)", &l, 18, 76);
    ok(pc_stores(&l) == 1, "dispatch: pc stored only on the jmp_cache miss path");
    listing_free(&l);
}

static void test_call(void)
{
    struct listing l;
    block_call();
    void *code = compile_body(&l);
    pin("helper call", &l, 9, 36);
    struct tstate s = { 0 };
    s.r[1] = 40;
    s.r[2] = 2;
    uint64_t w = jit_enter(&s, code, jcache);
    ok(EXEC_EXIT_KIND(w) == EXEC_EXIT_CHAIN && s.r[3] == 42 && s.pc == 0x3010,
       "helper call: result stored");
    listing_free(&l);
}

/* a patched direct exit is one jump: nothing else runs between blocks */
static void test_patched_chain(void)
{
    struct listing l;
    ir_block_init(&blk, 0x4000);
    ir_exit_trap(&blk, 3, 0x4444);
    void *target = compile_body(&l);
    listing_free(&l);
    block_sieve();
    void *code = compile_body(&l);
    struct tstate s = { 0 };
    memset(buf, 0, sizeof(buf));
    s.r[8] = (uint64_t)(uintptr_t)buf;
    s.r[14] = 1;
    s.r[22] = 40;
    uint64_t w = jit_enter(&s, code, jcache);
    jit_patch_chain(EXEC_EXIT_PAYLOAD(w), target);
    listing_free(&l);
    l.n = cs_disasm(cs, code, l.bytes, (uint64_t)(uintptr_t)code, 0, &l.insn);
    /* the last body instruction is the fall-through jmp, now aimed at target */
    const cs_insn *last = &l.insn[l.n - 1];
    char want[32];
    snprintf(want, sizeof(want), "0x%" PRIxPTR, (uintptr_t)target);
    ok(mnemonic_is(last, "jmp") && strcmp(last->op_str, want) == 0 && pc_stores(&l) == 0,
       "patched exit_tb: a bare jmp to the next block, no pc store");
    memset(&s, 0, sizeof(s));
    s.r[8] = (uint64_t)(uintptr_t)buf;
    s.r[14] = 1;
    s.r[22] = 40;
    w = jit_enter(&s, code, jcache);
    ok(w == EXEC_EXIT(EXEC_EXIT_TRAP, 3) && s.pc == 0x4444, "patched exit_tb: runs the target");
    listing_free(&l);
}

/* the interrupt flag is tested by blocks that can close a cycle only */
static void test_interrupt_check(void)
{
    struct listing l;
    block_count();                      /* loops to itself */
    void *loop = compile_body(&l);
    bool loop_checks = l.n && mnemonic_is(&l.insn[0], "cmp") &&
                       strstr(l.insn[0].op_str, "dword ptr [rbp") != NULL;
    listing_free(&l);
    struct tstate s = { 0 };
    s.interrupt = 1;
    uint64_t w = jit_enter(&s, loop, jcache);
    ok(loop_checks && w == EXEC_EXIT(EXEC_EXIT_TRAP, IR_TRAP_INTERRUPT) && s.pc == 0x2000 &&
       s.r[5] == 0, "loop block: tests the interrupt flag on entry, returns before running");

    block_call();                       /* forward exit only */
    void *fwd = compile_body(&l);
    bool fwd_checks = count_mnemonic(&l, "cmp") != 0;
    listing_free(&l);
    memset(&s, 0, sizeof(s));
    s.interrupt = 1;
    s.r[1] = 1;
    w = jit_enter(&s, fwd, jcache);
    ok(!fwd_checks && EXEC_EXIT_KIND(w) == EXEC_EXIT_CHAIN && s.r[3] == 1,
       "forward-only block: no interrupt test, runs to its exit");

    block_dispatch();                   /* indirect exit */
    compile_body(&l);
    ok(l.n && mnemonic_is(&l.insn[0], "cmp"), "exit_ind block: tests the interrupt flag");
    listing_free(&l);
}

/* host code address -> guest block, for fault handlers */
static void test_guest_pc_of(void)
{
    struct listing l;
    block_sieve();
    uint8_t *a = compile_body(&l);
    uint32_t a_body = l.bytes;
    listing_free(&l);
    block_count();
    uint8_t *c = compile_body(&l);
    listing_free(&l);
    uint64_t pa = 0, pa2 = 0, pc = 0, junk = 0;
    bool good = jit_guest_pc_of(a, &pa) && jit_guest_pc_of(a + a_body - 1, &pa2) &&
                jit_guest_pc_of(c + 3, &pc) && pa == 0x105be && pa2 == 0x105be && pc == 0x2000 &&
                !jit_guest_pc_of(&junk, &junk);
    jit_flush();
    ok(good && !jit_guest_pc_of(a, &pa), "jit_guest_pc_of: block of a host address, none after a flush");
}

int main(void)
{
    exec_config.guest = &test_guest;
    if (!jit_init() || cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) {
        printf("1..1\nnot ok 1 - jit_init and capstone\n");
        return 1;
    }
    printf("1..23\n");
    struct x86_features native = x86_host;
    x86_host = (struct x86_features){ .lzcnt = true, .bmi1 = true, .bmi2 = true, .popcnt = true };
    /* none of these blocks contains an op whose code depends on the features
     * except through shifts by constants, which need none */
    test_crc32();
    test_sieve();
    test_count();
    test_dispatch();
    test_call();
    test_patched_chain();
    test_interrupt_check();
    test_shuffle();
    test_guest_pc_of();
    x86_host = native;
    cs_close(&cs);
    return n_fail != 0;
}
