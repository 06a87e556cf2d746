/*
 * The riscv64 integer front-end: instructions are assembled here with small
 * encoders written from the ISA manual's format tables (independent of the
 * decoder's own), translated with rv_guest.translate and run three ways --
 * raw IR in the interpreter, optimised IR in the interpreter, and optimised
 * IR compiled by the JIT -- which must agree with each other and with the
 * expected register and memory state.  Also: every RVC instruction, reserved
 * encodings, block-ending rules, IR shape and the disassembler.
 */
#include "isa/riscv64/cpu.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "translate/exec.h"
#include "translate/jit.h"

/* ---- TAP, buffered so that the plan comes first ---- */
static int n_test, n_fail;
static char *tap_buf;
static size_t tap_len;
static FILE *tap;

static bool ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool ok(bool cond, const char *fmt, ...)
{
    va_list ap;
    n_test++;
    if (!cond)
        n_fail++;
    fprintf(tap, "%sok %d - ", cond ? "" : "not ", n_test);
    va_start(ap, fmt);
    vfprintf(tap, fmt, ap);
    va_end(ap);
    fputc('\n', tap);
    return cond;
}

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
    va_list ap;
    fputs("# ", tap);
    va_start(ap, fmt);
    vfprintf(tap, fmt, ap);
    va_end(ap);
    fputc('\n', tap);
}

/* ---- encoders (ISA manual, "Base Instruction Formats" and "RVC formats") ---- */
enum {
    LOAD = 0x03, LOAD_FP = 0x07, MISC = 0x0f, OPI = 0x13, AUIPC = 0x17, OPI32 = 0x1b,
    STORE = 0x23, STORE_FP = 0x27, AMO = 0x2f, OP = 0x33, LUI = 0x37, OP32 = 0x3b,
    BRANCH = 0x63, JALR = 0x67, JAL = 0x6f, SYSTEM = 0x73,
};
enum { ZERO = 0, RA = 1, SP = 2, A0 = 10, A1 = 11, A2 = 12, A3 = 13, A4 = 14, S0 = 8, S1 = 9 };

static uint32_t enc_r(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3, unsigned rd,
                      unsigned op)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}
static uint32_t enc_i(int32_t imm, unsigned rs1, unsigned f3, unsigned rd, unsigned op)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}
static uint32_t enc_s(int32_t imm, unsigned rs2, unsigned rs1, unsigned f3, unsigned op)
{
    uint32_t u = (uint32_t)imm;
    return (u >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 31) << 7 | op;
}
static uint32_t enc_b(int32_t off, unsigned rs2, unsigned rs1, unsigned f3)
{
    uint32_t u = (uint32_t)off;
    return (u >> 12 & 1) << 31 | (u >> 5 & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           (u >> 1 & 15) << 8 | (u >> 11 & 1) << 7 | BRANCH;
}
static uint32_t enc_u(uint32_t imm20, unsigned rd, unsigned op)
{
    return imm20 << 12 | rd << 7 | op;
}
static uint32_t enc_j(int32_t off, unsigned rd)
{
    uint32_t u = (uint32_t)off;
    return (u >> 20 & 1) << 31 | (u >> 1 & 0x3ff) << 21 | (u >> 11 & 1) << 20 |
           (u >> 12 & 0xff) << 12 | rd << 7 | JAL;
}
static uint32_t addi(unsigned rd, unsigned rs1, int32_t imm) { return enc_i(imm, rs1, 0, rd, OPI); }
static uint32_t amo(unsigned f5, unsigned aqrl, unsigned rs2, unsigned rs1, unsigned f3,
                    unsigned rd)
{
    return enc_r(f5 << 2 | aqrl, rs2, rs1, f3, rd, AMO);
}
static uint32_t csr(unsigned f3, unsigned rd, unsigned n, unsigned rs1)
{
    return n << 20 | rs1 << 15 | f3 << 12 | rd << 7 | SYSTEM;
}

/* v[hi:lo] placed at bit `at` */
static uint16_t put(uint32_t v, unsigned hi, unsigned lo, unsigned at)
{
    return (uint16_t)(((v >> lo) & ((1u << (hi - lo + 1)) - 1)) << at);
}
/* registers x8..x15 in the 3-bit fields */
static unsigned p3(unsigned r) { return r - 8; }

static uint16_t c_addi4spn(unsigned rd, uint32_t u)
{
    return put(u, 5, 4, 11) | put(u, 9, 6, 7) | put(u, 2, 2, 6) | put(u, 3, 3, 5) |
           p3(rd) << 2 | 0;
}
/* CL/CS word and double layouts */
static uint16_t c_lsw(unsigned f3, unsigned r, unsigned rs1, uint32_t u, unsigned op)
{
    return (uint16_t)(f3 << 13 | put(u, 5, 3, 10) | p3(rs1) << 7 | put(u, 2, 2, 6) |
                      put(u, 6, 6, 5) | p3(r) << 2 | op);
}
static uint16_t c_lsd(unsigned f3, unsigned r, unsigned rs1, uint32_t u, unsigned op)
{
    return (uint16_t)(f3 << 13 | put(u, 5, 3, 10) | p3(rs1) << 7 | put(u, 7, 6, 5) |
                      p3(r) << 2 | op);
}
static uint16_t c_ci(unsigned f3, unsigned rd, int32_t imm, unsigned op)
{
    return (uint16_t)(f3 << 13 | put((uint32_t)imm, 5, 5, 12) | rd << 7 |
                      put((uint32_t)imm, 4, 0, 2) | op);
}
static uint16_t c_addi16sp(int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return (uint16_t)(3u << 13 | put(u, 9, 9, 12) | SP << 7 | put(u, 4, 4, 6) |
                      put(u, 6, 6, 5) | put(u, 8, 7, 3) | put(u, 5, 5, 2) | 1);
}
/* c.srli, c.srai, c.andi: funct2 in bits 11:10 */
static uint16_t c_cb_alu(unsigned f2, unsigned rd, int32_t imm)
{
    return (uint16_t)(4u << 13 | put((uint32_t)imm, 5, 5, 12) | f2 << 10 | p3(rd) << 7 |
                      put((uint32_t)imm, 4, 0, 2) | 1);
}
static uint16_t c_ca(unsigned b12, unsigned f2, unsigned rd, unsigned rs2)
{
    return (uint16_t)(0x8c01 | b12 << 12 | p3(rd) << 7 | f2 << 5 | p3(rs2) << 2);
}
static uint16_t c_j(int32_t off)
{
    uint32_t u = (uint32_t)off;
    return (uint16_t)(5u << 13 | put(u, 11, 11, 12) | put(u, 4, 4, 11) | put(u, 9, 8, 9) |
                      put(u, 10, 10, 8) | put(u, 6, 6, 7) | put(u, 7, 7, 6) | put(u, 3, 1, 3) |
                      put(u, 5, 5, 2) | 1);
}
static uint16_t c_br(unsigned f3, unsigned rs1, int32_t off)
{
    uint32_t u = (uint32_t)off;
    return (uint16_t)(f3 << 13 | put(u, 8, 8, 12) | put(u, 4, 3, 10) | p3(rs1) << 7 |
                      put(u, 7, 6, 5) | put(u, 2, 1, 3) | put(u, 5, 5, 2) | 1);
}
static uint16_t c_lwsp(unsigned rd, uint32_t u)
{
    return (uint16_t)(2u << 13 | put(u, 5, 5, 12) | rd << 7 | put(u, 4, 2, 4) | put(u, 7, 6, 2) |
                      2);
}
static uint16_t c_ldsp(unsigned f3, unsigned rd, uint32_t u)
{
    return (uint16_t)(f3 << 13 | put(u, 5, 5, 12) | rd << 7 | put(u, 4, 3, 5) | put(u, 8, 6, 2) |
                      2);
}
static uint16_t c_swsp(unsigned rs2, uint32_t u)
{
    return (uint16_t)(6u << 13 | put(u, 5, 2, 9) | put(u, 7, 6, 7) | rs2 << 2 | 2);
}
static uint16_t c_sdsp(unsigned f3, unsigned rs2, uint32_t u)
{
    return (uint16_t)(f3 << 13 | put(u, 5, 3, 10) | put(u, 8, 6, 7) | rs2 << 2 | 2);
}
static uint16_t c_cr(unsigned f4, unsigned rs1, unsigned rs2)
{
    return (uint16_t)(f4 << 12 | rs1 << 7 | rs2 << 2 | 2);
}

/* ---- the code buffer: two readable pages and a PROT_NONE guard page ---- */
static uint8_t *code;           /* page 0 and 1 readable, page 2 not */
static uint32_t code_len;
static uint64_t code_pc;        /* where the current program starts */

static void prog_at(uint64_t pc)
{
    memset(code, 0, 2 * 4096);
    code_pc = pc;
    code_len = 0;
}
static void prog(void) { prog_at((uintptr_t)code); }
static void a32(uint32_t insn)
{
    memcpy((uint8_t *)(uintptr_t)code_pc + code_len, &insn, 4);
    code_len += 4;
}
static void a16(uint16_t insn)
{
    memcpy((uint8_t *)(uintptr_t)code_pc + code_len, &insn, 2);
    code_len += 2;
}

/* ---- running ---- */
static struct ir_block blk;
static struct jmp_cache_entry jcache[JMP_CACHE_SIZE];
static uint64_t data_init[8] __attribute__((aligned(16)));
static uint64_t data[8] __attribute__((aligned(16)));

enum { TIER_RAW, TIER_OPT, TIER_JIT, N_TIERS };
static const char *const tier_name[N_TIERS] = { "interp", "interp+opt", "jit" };
enum { DONE = 0, BROKEN = 1000 };

static void translate_at(uint64_t pc, unsigned max_insns)
{
    ir_block_init(&blk, pc);
    rv_guest.translate(&blk, NULL, pc, max_insns);
}

/* Run from cpu->pc until a trap.  Falling off the end of the program meets
 * the zero padding (c.illegal, reserved) at code_pc + code_len: DONE. */
static unsigned run_tier(struct rv_cpu *cpu, int tier)
{
    for (int n = 0; n < 200; n++) {
        translate_at(cpu->pc, 64);
        if (!ir_validate(&blk, stderr)) {
            ir_print(&blk, stderr);
            return BROKEN;
        }
        if (tier != TIER_RAW) {
            ir_optimize(&blk);
            if (!ir_validate(&blk, stderr))
                return BROKEN;
        }
        uint64_t w;
        if (tier == TIER_JIT) {
            void *host = jit_compile(&blk);
            if (!host) {
                jit_flush();
                host = jit_compile(&blk);
            }
            if (!host)
                return BROKEN;
            w = jit_enter(cpu, host, jcache);
        } else {
            struct tb tb = { .pc = blk.guest_pc, .size = blk.guest_size, .insns = blk.insns,
                             .n_insns = blk.n_insns, .n_temps = blk.n_temps };
            w = interp_run(cpu, &tb);
        }
        if (EXEC_EXIT_KIND(w) == EXEC_EXIT_TRAP) {
            unsigned reason = (unsigned)EXEC_EXIT_PAYLOAD(w);
            if (reason == IR_TRAP_ILLEGAL && cpu->pc == code_pc + code_len &&
                cpu->insn_trap == 0)
                return DONE;
            return reason;
        }
    }
    return BROKEN;
}

static struct rv_cpu init;      /* set up by each test; pc is set by run() */
static struct rv_cpu out;       /* state after the run (raw tier) */
static bool compare_tiers = true;

static void reset_init(void)
{
    memset(&init, 0, sizeof(init));
    init.res_addr = ~0ull;
    data_init[0] = 0x8899aabbccddeeffull;
    data_init[1] = 0x0123456789abcdefull;
    data_init[2] = 0xfedcba9876543210ull;
    data_init[3] = 0x7fffffff80000000ull;
    for (int i = 4; i < 8; i++)
        data_init[i] = 0x1111111111111111ull * (uint64_t)i;
}

/* Run the program on every tier; returns the trap reason (DONE for the end).
 * Tiers that disagree with the raw interpreter are reported as failures. */
static unsigned run(void)
{
    struct rv_cpu st[N_TIERS];
    uint64_t mem[N_TIERS][8];
    unsigned reason[N_TIERS];
    init.pc = code_pc;
    for (int t = 0; t < N_TIERS; t++) {
        st[t] = init;
        memcpy(data, data_init, sizeof(data));
        reason[t] = run_tier(&st[t], t);
        memcpy(mem[t], data, sizeof(data));
    }
    for (int t = 1; t < N_TIERS && compare_tiers; t++) {
        if (reason[t] != reason[0] || memcmp(&st[t], &st[0], sizeof(st[0])) ||
            memcmp(mem[t], mem[0], sizeof(mem[0]))) {
            ok(false, "%s agrees with the raw interpreter (insn 0x%08x)", tier_name[t],
               code_len >= 4 ? *(uint32_t *)(uintptr_t)code_pc : 0);
            for (int r = 0; r < 32; r++)
                if (st[t].x[r] != st[0].x[r])
                    note("x%d: %" PRIx64 " vs %" PRIx64, r, st[t].x[r], st[0].x[r]);
        }
    }
    out = st[0];
    return reason[0];
}

/* ---- register-register and register-immediate instructions ---- */
struct alu_case {
    const char *name;
    uint32_t insn;              /* rd = a2, rs1 = a0, rs2 = a1 */
    uint64_t a, b, want;
};

#define RR(f7, f3, op) enc_r(f7, A1, A0, f3, A2, op)
#define RI(imm, f3, op) enc_i(imm, A0, f3, A2, op)
#define UN(f12, f3, op) enc_i(f12, A0, f3, A2, op)
#define MIN64 0x8000000000000000ull
#define NEG(x) ((uint64_t)(x))

static void test_alu(void)
{
    const struct alu_case alu_cases[] = {
    /* RV64I register-immediate */
    { "addi", RI(-5, 0, OPI), 3, 0, NEG(-2) },
    { "addi wraps", RI(1, 0, OPI), ~0ull, 0, 0 },
    { "slti true", RI(-1, 2, OPI), NEG(-2), 0, 1 },
    { "slti false", RI(-1, 2, OPI), 0, 0, 0 },
    { "sltiu -1 is all ones", RI(-1, 3, OPI), 0xfffffffffffffffeull, 0, 1 },
    { "sltiu false", RI(1, 3, OPI), 1, 0, 0 },
    { "xori -1 (not)", RI(-1, 4, OPI), 0x00ff00ff00ff00ffull, 0, 0xff00ff00ff00ff00ull },
    { "ori", RI(0x7f0, 6, OPI), 0x0f, 0, 0x7ff },
    { "andi negative", RI(-16, 7, OPI), 0x12345, 0, 0x12340 },
    { "slli 63", RI(63, 1, OPI), 3, 0, MIN64 },
    { "srli 63", RI(63, 5, OPI), MIN64, 0, 1 },
    { "srai 63", RI(0x400 | 63, 5, OPI), MIN64, 0, ~0ull },
    { "srai 4", RI(0x400 | 4, 5, OPI), NEG(-256), 0, NEG(-16) },
    /* RV64I register-register */
    { "add", RR(0, 0, OP), 5, NEG(-7), NEG(-2) },
    { "sub", RR(0x20, 0, OP), 5, 7, NEG(-2) },
    { "sll count mod 64", RR(0, 1, OP), 1, 65, 2 },
    { "slt", RR(0, 2, OP), NEG(-1), 1, 1 },
    { "sltu", RR(0, 3, OP), NEG(-1), 1, 0 },
    { "xor", RR(0, 4, OP), 0xff00, 0x0ff0, 0xf0f0 },
    { "srl", RR(0, 5, OP), MIN64, 63 + 64, 1 },
    { "sra", RR(0x20, 5, OP), MIN64, 62, NEG(-2) },
    { "or", RR(0, 6, OP), 0xf0, 0x0f, 0xff },
    { "and", RR(0, 7, OP), 0xf0, 0x3c, 0x30 },
    /* RV64I word forms: 32-bit results sign-extended */
    { "addiw overflow", RI(1, 0, OPI32), 0x7fffffff, 0, 0xffffffff80000000ull },
    { "addiw ignores upper", RI(0, 0, OPI32), 0x1234567800000001ull, 0, 1 },
    { "slliw 31", RI(31, 1, OPI32), 1, 0, 0xffffffff80000000ull },
    { "srliw 0 sign-extends", RI(0, 5, OPI32), 0x80000000ull, 0, 0xffffffff80000000ull },
    { "srliw 1", RI(1, 5, OPI32), 0xffffffff00000000ull, 0, 0 },
    { "srliw 4", RI(4, 5, OPI32), 0xabcd0000f0000000ull, 0, 0x0f000000 },
    { "sraiw 4", RI(0x400 | 4, 5, OPI32), 0x0000000080000000ull, 0, 0xfffffffff8000000ull },
    { "addw", RR(0, 0, OP32), 0x7fffffff, 1, 0xffffffff80000000ull },
    { "subw", RR(0x20, 0, OP32), 0x100000000ull, 1, ~0ull },
    { "sllw count 32 is 0", RR(0, 1, OP32), 0x12345678, 32, 0x12345678 },
    { "sllw count 33", RR(0, 1, OP32), 0x40000000, 33, 0xffffffff80000000ull },
    { "srlw count 33", RR(0, 5, OP32), 0xffffffff80000000ull, 33, 0x40000000 },
    { "sraw count 63", RR(0x20, 5, OP32), 0x80000000ull, 63, ~0ull },
    /* M */
    { "mul", RR(1, 0, OP), NEG(-3), 7, NEG(-21) },
    { "mulh", RR(1, 1, OP), MIN64, MIN64, 0x4000000000000000ull },
    { "mulh negative", RR(1, 1, OP), NEG(-1), 5, ~0ull },
    { "mulhsu", RR(1, 2, OP), NEG(-1), ~0ull, ~0ull },
    { "mulhu", RR(1, 3, OP), ~0ull, ~0ull, 0xfffffffffffffffeull },
    { "div", RR(1, 4, OP), NEG(-7), 2, NEG(-3) },
    { "div by zero", RR(1, 4, OP), 42, 0, ~0ull },
    { "div overflow", RR(1, 4, OP), MIN64, NEG(-1), MIN64 },
    { "divu", RR(1, 5, OP), ~0ull, 2, 0x7fffffffffffffffull },
    { "divu by zero", RR(1, 5, OP), 42, 0, ~0ull },
    { "rem", RR(1, 6, OP), NEG(-7), 2, NEG(-1) },
    { "rem by zero", RR(1, 6, OP), NEG(-42), 0, NEG(-42) },
    { "rem overflow", RR(1, 6, OP), MIN64, NEG(-1), 0 },
    { "remu", RR(1, 7, OP), 7, 4, 3 },
    { "remu by zero", RR(1, 7, OP), NEG(-42), 0, NEG(-42) },
    { "mulw", RR(1, 0, OP32), 0x10000, 0x8000, 0xffffffff80000000ull },
    { "divw", RR(1, 4, OP32), 0x1fffffff9ull, 2, NEG(-3) },
    { "divw by zero", RR(1, 4, OP32), 42, 0x100000000ull, ~0ull },
    { "divw overflow", RR(1, 4, OP32), 0x80000000ull, 0xffffffffull, 0xffffffff80000000ull },
    { "divuw", RR(1, 5, OP32), 0xffffffff00000000ull | 0x80000000ull, 1,
      0xffffffff80000000ull },
    { "divuw by zero", RR(1, 5, OP32), 42, 0, ~0ull },
    { "remw", RR(1, 6, OP32), 0xfffffff9ull, 2, NEG(-1) },
    { "remw by zero", RR(1, 6, OP32), 0x1234580000000ull | 0x80000005ull, 0,
      0xffffffff80000005ull },
    { "remw overflow", RR(1, 6, OP32), 0x80000000ull, ~0ull, 0 },
    { "remuw", RR(1, 7, OP32), 0xffffffffull, 0x10, 0xf },
    { "remuw by zero", RR(1, 7, OP32), 0x80000001ull, 0, 0xffffffff80000001ull },
    /* Zba */
    { "sh1add", RR(0x10, 2, OP), 3, 100, 106 },
    { "sh2add", RR(0x10, 4, OP), 3, 100, 112 },
    { "sh3add", RR(0x10, 6, OP), NEG(-1), 100, 92 },
    { "add.uw", RR(0x04, 0, OP32), 0xffffffff80000000ull, 1, 0x80000001ull },
    { "zext.w (add.uw rs2=x0)", enc_r(0x04, 0, A0, 0, A2, OP32), ~0ull, 0, 0xffffffffull },
    { "sh1add.uw", RR(0x10, 2, OP32), 0xffffffff80000000ull, 1, 0x100000001ull },
    { "sh2add.uw", RR(0x10, 4, OP32), 0x1ffffffffull, 0, 0x3fffffffcull },
    { "sh3add.uw", RR(0x10, 6, OP32), 0x100000001ull, 1, 9 },
    { "slli.uw", RI(0x080 | 40, 1, OPI32), 0xffffffff00000003ull, 0, 3ull << 40 },
    /* Zbb */
    { "andn", RR(0x20, 7, OP), 0xff, 0x0f, 0xf0 },
    { "orn", RR(0x20, 6, OP), 0, ~0x0full, 0x0f },
    { "xnor", RR(0x20, 4, OP), 0xff, 0x0f, ~0xf0ull },
    { "clz", UN(0x600, 1, OPI), 0x00ff000000000000ull, 0, 8 },
    { "clz of 0", UN(0x600, 1, OPI), 0, 0, 64 },
    { "ctz", UN(0x601, 1, OPI), 0x100, 0, 8 },
    { "ctz of 0", UN(0x601, 1, OPI), 0, 0, 64 },
    { "cpop", UN(0x602, 1, OPI), 0xf00000000000000full, 0, 8 },
    { "clzw ignores upper", UN(0x600, 1, OPI32), 0xffffffff00000000ull, 0, 32 },
    { "clzw", UN(0x600, 1, OPI32), 0x00010000, 0, 15 },
    { "ctzw of 0", UN(0x601, 1, OPI32), 0x100000000ull, 0, 32 },
    { "ctzw", UN(0x601, 1, OPI32), 0x80000000ull, 0, 31 },
    { "cpopw", UN(0x602, 1, OPI32), 0xffffffff00000007ull, 0, 3 },
    { "max", RR(0x05, 6, OP), NEG(-5), 3, 3 },
    { "maxu", RR(0x05, 7, OP), NEG(-5), 3, NEG(-5) },
    { "min", RR(0x05, 4, OP), NEG(-5), 3, NEG(-5) },
    { "minu", RR(0x05, 5, OP), NEG(-5), 3, 3 },
    { "sext.b", UN(0x604, 1, OPI), 0x1280, 0, NEG(-128) },
    { "sext.h", UN(0x605, 1, OPI), 0x12348000, 0, NEG(-32768) },
    { "zext.h", UN(0x080, 4, OP32), NEG(-1), 0, 0xffff },
    { "rol", RR(0x30, 1, OP), MIN64 | 1, 1, 3 },
    { "ror", RR(0x30, 5, OP), 3, 65, MIN64 | 1 },
    { "rolw", RR(0x30, 1, OP32), 0x80000001ull, 1, 3 },
    { "rorw", RR(0x30, 5, OP32), 0x3, 33, 0xffffffff80000001ull },
    { "rori", RI(0x600 | 4, 5, OPI), 0xf1, 0, 0x100000000000000full },
    { "roriw", RI(0x600 | 4, 5, OPI32), 0xffffffff000000f1ull, 0, 0x1000000full },
    { "orc.b", UN(0x287, 5, OPI), 0x0001800000fe0010ull, 0, 0x00ffff0000ff00ffull },
    { "orc.b all", UN(0x287, 5, OPI), 0x0101010101010101ull, 0, ~0ull },
    { "rev8", UN(0x6b8, 5, OPI), 0x0102030405060708ull, 0, 0x0807060504030201ull },
    /* Zbs */
    { "bclr", RR(0x24, 1, OP), ~0ull, 63, 0x7fffffffffffffffull },
    { "bext", RR(0x24, 5, OP), 0x10, 64 + 4, 1 },
    { "binv", RR(0x34, 1, OP), 0, 40, 1ull << 40 },
    { "bset", RR(0x14, 1, OP), 1, 1, 3 },
    { "bclri", RI(0x480 | 0, 1, OPI), 3, 0, 2 },
    { "bexti", RI(0x480 | 63, 5, OPI), MIN64, 0, 1 },
    { "binvi", RI(0x680 | 63, 1, OPI), MIN64, 0, 0 },
    { "bseti", RI(0x280 | 33, 1, OPI), 0, 0, 1ull << 33 },
    };
    for (size_t n = 0; n < sizeof(alu_cases) / sizeof(alu_cases[0]); n++) {
        const struct alu_case *c = &alu_cases[n];
        reset_init();
        init.x[A0] = c->a;
        init.x[A1] = c->b;
        prog();
        a32(c->insn);
        unsigned r = run();
        if (!ok(r == DONE && out.x[A2] == c->want && out.x[A0] == c->a, "%s", c->name))
            note("got %" PRIx64 " want %" PRIx64 " (trap %u)", out.x[A2], c->want, r);
    }
}

static void test_upper_imm(void)
{
    reset_init();
    prog();
    a32(enc_u(0x80000, A2, LUI));
    a32(enc_u(0xfffff, A3, AUIPC));
    a32(enc_u(0x12345, A4, LUI));
    ok(run() == DONE && out.x[A2] == 0xffffffff80000000ull &&
       out.x[A3] == code_pc + 4 - 0x1000 && out.x[A4] == 0x12345000,
       "lui/auipc with negative immediates sign-extend");

    reset_init();
    init.x[A0] = 9;
    prog();
    a32(addi(ZERO, A0, 5));                     /* writes to x0 are dropped */
    a32(enc_r(0, ZERO, ZERO, 0, A2, OP));
    a32(addi(A3, ZERO, -1));                    /* li */
    ok(run() == DONE && out.x[0] == 0 && out.x[A2] == 0 && out.x[A3] == ~0ull,
       "x0 reads zero after a write; li -1");
}

/* ---- loads, stores, atomics ---- */
static void test_memory(void)
{
    uint64_t base = (uintptr_t)data;
    const struct { const char *name; unsigned f3; int32_t off; uint64_t want; } loads[] = {
        { "lb", 0, 0, NEG(-1) },
        { "lh", 1, 2, 0xffffffffffffccddull },
        { "lw", 2, 4, 0xffffffff8899aabbull },
        { "ld", 3, 8, 0x0123456789abcdefull },
        { "lbu", 4, 7, 0x88 },
        { "lhu", 5, 6, 0x8899 },
        { "lwu", 6, 4, 0x8899aabb },
        { "lw positive", 2, 8, 0xffffffff89abcdefull },
    };
    for (size_t n = 0; n < sizeof(loads) / sizeof(loads[0]); n++) {
        reset_init();
        init.x[A0] = base + 16;                 /* negative displacements */
        prog();
        a32(enc_i(loads[n].off - 16, A0, loads[n].f3, A2, LOAD));
        ok(run() == DONE && out.x[A2] == loads[n].want, "%s", loads[n].name);
    }

    reset_init();
    init.x[A0] = base + 64;
    init.x[A1] = 0x1122334455667788ull;
    prog();
    a32(enc_s(-64, A1, A0, 0, STORE));          /* sb at data+0 */
    a32(enc_s(-62, A1, A0, 1, STORE));          /* sh at data+2 */
    a32(enc_s(-60, A1, A0, 2, STORE));          /* sw at data+4 */
    a32(enc_s(-56, A1, A0, 3, STORE));          /* sd at data+8 */
    ok(run() == DONE && data[0] == 0x556677887788ee88ull && data[1] == init.x[A1] &&
       data[2] == data_init[2], "sb/sh/sw/sd with negative offsets");

    /* lr/sc: success, and failure without a reservation or at another address */
    reset_init();
    init.x[A0] = base;
    prog();
    a32(amo(0x02, 0, 0, A0, 3, A2));            /* lr.d a2, (a0) */
    a32(addi(A2, A2, 1));
    a32(amo(0x03, 0, A2, A0, 3, A3));           /* sc.d a3, a2, (a0) */
    ok(run() == DONE && out.x[A3] == 0 && data[0] == data_init[0] + 1 &&
       out.res_addr == ~0ull, "lr.d/sc.d succeed");
    reset_init();
    init.x[A0] = base;
    init.x[A1] = 5;
    prog();
    a32(amo(0x03, 1, A1, A0, 3, A3));           /* sc.d.rl without lr */
    ok(run() == DONE && out.x[A3] == 1 && data[0] == data_init[0], "sc.d without lr fails");
    reset_init();
    init.x[A0] = base;
    init.x[A1] = 5;
    init.x[A4] = base + 8;
    prog();
    a32(amo(0x02, 2, 0, A0, 2, A2));            /* lr.w.aq a2, (a0) */
    a32(amo(0x03, 0, A1, A4, 2, A3));           /* sc.w a3, a1, (a4) */
    ok(run() == DONE && out.x[A2] == 0xffffffffccddeeffull && out.x[A3] == 1 &&
       data[1] == data_init[1], "lr.w sign-extends; sc.w at another address fails");
    reset_init();
    init.x[A0] = base;
    init.x[A1] = 7;
    prog();
    a32(amo(0x02, 0, 0, A0, 2, A2));
    a32(amo(0x03, 0, A1, A0, 2, A3));
    ok(run() == DONE && out.x[A3] == 0 && data[0] == 0x8899aabb00000007ull,
       "sc.w writes 32 bits");

    const struct {
        const char *name; unsigned f5, f3; uint64_t v, want_rd, want_mem;
    } amos[] = {
        { "amoadd.w", 0x00, 2, 1, 0xffffffffccddeeffull, 0x8899aabbccddef00ull },
        { "amoswap.d", 0x01, 3, 42, 0x8899aabbccddeeffull, 42 },
        { "amoxor.w", 0x04, 2, 0xff, 0xffffffffccddeeffull, 0x8899aabbccddee00ull },
        { "amoand.d", 0x0c, 3, 0xff, 0x8899aabbccddeeffull, 0xff },
        { "amoor.w", 0x08, 2, 0x100, 0xffffffffccddeeffull, 0x8899aabbccddefffull },
        { "amomin.w signed", 0x10, 2, 5, 0xffffffffccddeeffull, 0x8899aabbccddeeffull },
        { "amomax.w signed", 0x14, 2, 5, 0xffffffffccddeeffull, 0x8899aabb00000005ull },
        { "amominu.w", 0x18, 2, 0x100000005ull, 0xffffffffccddeeffull,
          0x8899aabb00000005ull },
        { "amomaxu.d", 0x1c, 3, 5, 0x8899aabbccddeeffull, 0x8899aabbccddeeffull },
        { "amomin.d", 0x10, 3, 5, 0x8899aabbccddeeffull, 0x8899aabbccddeeffull },
        { "amomax.d", 0x14, 3, 5, 0x8899aabbccddeeffull, 5 },
        { "amominu.d", 0x18, 3, 5, 0x8899aabbccddeeffull, 5 },
        { "amomaxu.w", 0x1c, 2, 0xffffffff00000005ull, 0xffffffffccddeeffull,
          0x8899aabbccddeeffull },
        { "amoadd.d", 0x00, 3, 1, 0x8899aabbccddeeffull, 0x8899aabbccddef00ull },
    };
    for (size_t n = 0; n < sizeof(amos) / sizeof(amos[0]); n++) {
        reset_init();
        init.x[A0] = base;
        init.x[A1] = amos[n].v;
        prog();
        a32(amo(amos[n].f5, 3, A1, A0, amos[n].f3, A2));
        unsigned r = run();
        if (!ok(r == DONE && out.x[A2] == amos[n].want_rd && data[0] == amos[n].want_mem &&
                data[1] == data_init[1], "%s", amos[n].name))
            note("rd %" PRIx64 " mem %" PRIx64, out.x[A2], data[0]);
    }
}

/* ---- control transfer ---- */
static void test_branches(void)
{
    const struct { const char *name; unsigned f3; uint64_t a, b; bool taken; } br[] = {
        { "beq taken", 0, 5, 5, true }, { "beq not taken", 0, 5, 6, false },
        { "bne taken", 1, 5, 6, true }, { "bne not taken", 1, 5, 5, false },
        { "blt taken", 4, NEG(-1), 0, true }, { "blt not taken", 4, 0, NEG(-1), false },
        { "bge taken (equal)", 5, 3, 3, true }, { "bge not taken", 5, NEG(-1), 0, false },
        { "bltu taken", 6, 0, NEG(-1), true }, { "bltu not taken", 6, NEG(-1), 0, false },
        { "bgeu taken", 7, NEG(-1), 0, true }, { "bgeu not taken", 7, 0, 1, false },
    };
    for (size_t n = 0; n < sizeof(br) / sizeof(br[0]); n++) {
        reset_init();
        init.x[A0] = br[n].a;
        init.x[A1] = br[n].b;
        prog();
        a32(enc_b(8, A1, A0, br[n].f3));
        a32(addi(A2, ZERO, 1));
        a32(addi(A3, ZERO, 2));
        ok(run() == DONE && out.x[A2] == (br[n].taken ? 0u : 1u) && out.x[A3] == 2, "%s",
           br[n].name);
    }

    /* a loop: backward branch, several blocks */
    reset_init();
    init.x[A0] = 10;
    prog();
    a32(addi(A1, A1, 3));
    a32(addi(A0, A0, -1));
    a32(enc_b(-8, ZERO, A0, 1));
    ok(run() == DONE && out.x[A1] == 30 && out.x[A0] == 0, "backward branch loop");

    reset_init();
    prog();
    a32(enc_j(8, RA));
    a32(addi(A2, ZERO, 1));
    a32(addi(A3, ZERO, 2));
    ok(run() == DONE && out.x[RA] == code_pc + 4 && out.x[A2] == 0 && out.x[A3] == 2,
       "jal links and jumps");

    reset_init();
    prog();
    init.x[A0] = (uintptr_t)code + 7;           /* + 1 = odd: bit 0 is cleared */
    a32(enc_i(1, A0, 0, A0, JALR));             /* jalr a0, 1(a0): rd == rs1 */
    a32(addi(A2, ZERO, 1));
    a32(addi(A3, ZERO, 2));
    ok(run() == DONE && out.x[A0] == code_pc + 4 && out.x[A2] == 0 && out.x[A3] == 2,
       "jalr with rd == rs1 and an odd target");

    reset_init();
    prog();
    init.x[A1] = (uintptr_t)code + 12;
    a32(enc_i(-4, A1, 0, ZERO, JALR));          /* jr -4(a1) -> +8 */
    a32(addi(A2, ZERO, 1));
    a32(addi(A3, ZERO, 2));
    ok(run() == DONE && out.x[A2] == 0 && out.x[A3] == 2 && out.x[0] == 0,
       "jalr with rd = x0 and a negative offset");
}

/* ---- system ---- */
static bool block_has(enum ir_opcode op, int64_t imm, bool check_imm)
{
    for (uint32_t n = 0; n < blk.n_insns; n++)
        if (blk.insns[n].op == op && (!check_imm || blk.insns[n].imm == imm))
            return true;
    return false;
}

static void test_system(void)
{
    reset_init();
    prog();
    a32(addi(A0, ZERO, 93));
    a32(0x00000073);
    ok(run() == IR_TRAP_SYSCALL && out.pc == code_pc + 4 && out.x[A0] == 93,
       "ecall traps with pc at the ecall");
    reset_init();
    prog();
    a32(0x00100073);
    ok(run() == IR_TRAP_BREAKPOINT && out.pc == code_pc, "ebreak");
    reset_init();
    prog();
    a32(addi(A0, ZERO, 1));
    a32(0x0000100f);
    ok(run() == IR_TRAP_FLUSH_ICACHE && out.pc == code_pc + 8 && out.x[A0] == 1,
       "fence.i exits to the next pc");

    const struct { const char *name; uint32_t insn; int64_t kind; } fences[] = {
        { "fence rw,rw", 0x0330000f, IR_FENCE_ALL },
        { "fence iorw,iorw", 0x0ff0000f, IR_FENCE_ALL },
        { "fence r,r", 0x0220000f, IR_FENCE_LD_LD },
        { "fence w,w", 0x0110000f, IR_FENCE_ST_ST },
        { "fence w,r", 0x0120000f, IR_FENCE_ST_LD },
        { "fence r,rw", 0x0230000f, IR_FENCE_LD_LD | IR_FENCE_LD_ST },
        { "fence.tso", 0x8330000f, IR_FENCE_LD_LD | IR_FENCE_LD_ST | IR_FENCE_ST_ST },
    };
    for (size_t n = 0; n < sizeof(fences) / sizeof(fences[0]); n++) {
        prog();
        a32(fences[n].insn);
        translate_at(code_pc, 1);
        ok(block_has(IR_fence, fences[n].kind, true) && ir_validate(&blk, stderr), "%s",
           fences[n].name);
    }
    prog();
    a32(0x0100000f);
    translate_at(code_pc, 1);
    ok(!block_has(IR_fence, 0, false) && blk.guest_insns == 1, "pause emits no fence");

    /* FP CSRs */
    reset_init();
    init.fflags = 0x3;
    init.frm = 2;
    init.x[A0] = 0xff;
    prog();
    a32(csr(1, A2, 0x003, A0));                 /* csrrw a2, fcsr, a0 */
    ok(run() == DONE && out.x[A2] == 0x43 && out.fflags == 0x1f && out.frm == 7,
       "csrrw fcsr");
    reset_init();
    init.fflags = 0x1;
    init.x[A0] = 0x4;
    prog();
    a32(csr(2, A2, 0x001, A0));                 /* csrrs a2, fflags, a0 */
    a32(csr(3, A3, 0x001, A0));                 /* csrrc a3, fflags, a0 */
    ok(run() == DONE && out.x[A2] == 1 && out.x[A3] == 5 && out.fflags == 1,
       "csrrs/csrrc fflags");
    reset_init();
    init.frm = 4;
    init.fflags = 0x10;
    prog();
    a32(csr(5, A2, 0x002, 3));                  /* csrrwi a2, frm, 3 */
    a32(csr(6, A3, 0x001, 0));                  /* csrrsi a3, fflags, 0: read only */
    a32(csr(7, A4, 0x003, 0x10));               /* csrrci a4, fcsr, 0x10 */
    ok(run() == DONE && out.x[A2] == 4 && out.frm == 3 && out.x[A3] == 0x10 &&
       out.x[A4] == 0x70 && out.fflags == 0, "csrrwi/csrrsi/csrrci");
    reset_init();
    init.fflags = 0x1f;
    prog();
    a32(csr(1, ZERO, 0x001, ZERO));             /* fsflags zero (no read) */
    ok(run() == DONE && out.fflags == 0, "csrrw with rd = x0 writes");

    /* counters: values differ between tiers, so no cross-tier comparison */
    compare_tiers = false;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t now = ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) / 100;
    reset_init();
    prog();
    a32(csr(2, A2, 0xc01, ZERO));               /* rdtime */
    a32(csr(2, A3, 0xc00, ZERO));               /* rdcycle */
    a32(csr(2, A4, 0xc02, ZERO));               /* rdinstret */
    a32(csr(2, A1, 0xc01, ZERO));
    ok(run() == DONE && out.x[A2] >= now && out.x[A2] < now + 10000000 &&
       out.x[A1] >= out.x[A2] && out.x[A3] != 0 && out.x[A4] >= out.x[A3],
       "time runs at 10 MHz; cycle and instret count");
    compare_tiers = true;

    const struct { const char *name; uint32_t insn; } bad_csr[] = {
        { "csrrw cycle", csr(1, A2, 0xc00, A0) },
        { "csrrs time with rs1 != x0", csr(2, A2, 0xc01, A0) },
        { "csrrwi instret", csr(5, A2, 0xc02, 0) },
        { "unknown csr (mstatus)", csr(2, A2, 0x300, 0) },
        { "unknown csr (hpmcounter3)", csr(2, A2, 0xc03, 0) },
        { "vector csr (vl)", csr(2, A2, 0xc20, 0) },
    };
    for (size_t n = 0; n < sizeof(bad_csr) / sizeof(bad_csr[0]); n++) {
        reset_init();
        init.x[A2] = 77;
        prog();
        a32(bad_csr[n].insn);
        ok(run() == IR_TRAP_ILLEGAL && out.pc == code_pc && out.insn_trap == bad_csr[n].insn &&
           out.x[A2] == 77, "%s is illegal", bad_csr[n].name);
    }
}

/* ---- RVC: every instruction, run against what it expands to ---- */
struct rvc_case {
    const char *name;
    uint16_t insn;
    unsigned reg;               /* register to check */
    uint64_t want;
};

static void test_rvc(void)
{
    uint64_t base = (uintptr_t)data;
    /* initial registers: sp = data, s0 = data + 8, s1 = 100, a0 = -3, a1 = 0x0f0f */
    const struct rvc_case cases[] = {
        { "c.addi4spn", c_addi4spn(A2, 1020), A2, base + 1020 },
        { "c.lw", c_lsw(2, A2, S0, 4, 0), A2, 0x0123456789abcdefull >> 32 },
        { "c.ld", c_lsd(3, A2, S0, 8, 0), A2, data_init[2] },
        { "c.nop", 0x0001, A2, 0 },
        { "c.addi", c_ci(0, A0, -32, 1), A0, NEG(-35) },
        { "c.addiw", c_ci(1, S1, 31, 1), S1, 131 },
        { "c.li", c_ci(2, A2, -1, 1), A2, ~0ull },
        { "c.addi16sp", c_addi16sp(-512), SP, base - 512 },
        { "c.lui", c_ci(3, A2, -1, 1), A2, NEG(-4096) },
        { "c.srli", c_cb_alu(0, A0, 60), A0, 15 },
        { "c.srai", c_cb_alu(1, A0, 1), A0, NEG(-2) },
        { "c.andi", c_cb_alu(2, A1, -2), A1, 0x0f0e },
        { "c.sub", c_ca(0, 0, A1, A0), A1, 0x0f12 },
        { "c.xor", c_ca(0, 1, A1, A0), A1, ~0x0f0full ^ 2 },
        { "c.or", c_ca(0, 2, A1, A0), A1, NEG(-3) | 0x0f0f },
        { "c.and", c_ca(0, 3, A1, A0), A1, 0x0f0d },
        { "c.subw", c_ca(1, 0, S1, A0), S1, 103 },
        { "c.addw", c_ca(1, 1, A0, A0), A0, NEG(-6) },
        { "c.slli", c_ci(0, A1, 52, 2), A1, 0xf0f0000000000000ull },
        { "c.lwsp", c_lwsp(A2, 252), A2, 0 },
        { "c.lwsp", c_lwsp(A2, 4), A2, 0xffffffff8899aabbull },
        { "c.ldsp", c_ldsp(3, A2, 16), A2, data_init[2] },
        { "c.mv", c_cr(8, A2, A0), A2, NEG(-3) },
        { "c.add", c_cr(9, A1, A0), A1, 0x0f0c },
    };
    for (size_t n = 0; n < sizeof(cases) / sizeof(cases[0]); n++) {
        reset_init();
        init.x[SP] = base;
        init.x[S0] = base + 8;
        init.x[S1] = 100;
        init.x[A0] = NEG(-3);
        init.x[A1] = 0x0f0f;
        if (cases[n].insn == c_lwsp(A2, 252))
            init.x[SP] = base - 252 + 24;       /* lands on data[3] low word = 0x80000000 */
        prog();
        a16(cases[n].insn);
        uint64_t want = cases[n].want;
        if (cases[n].insn == c_lwsp(A2, 252))
            want = 0xffffffff80000000ull;
        unsigned r = run();
        if (!ok(r == DONE && out.x[cases[n].reg] == want, "%s", cases[n].name))
            note("insn %04x: got %" PRIx64 " want %" PRIx64 " trap %u", cases[n].insn,
                 out.x[cases[n].reg], want, r);
    }

    /* stores */
    reset_init();
    init.x[SP] = base;
    init.x[S0] = base + 8;
    init.x[A0] = 0x1122334455667788ull;
    prog();
    a16(c_lsw(6, A0, S0, 4, 0));                /* c.sw a0, 4(s0) -> data+12 */
    a16(c_lsd(7, A0, S0, 8, 0));                /* c.sd a0, 8(s0) -> data+16 */
    a16(c_swsp(A0, 0));                         /* c.swsp a0, 0(sp) */
    a16(c_sdsp(7, A0, 24));                     /* c.sdsp a0, 24(sp) */
    ok(run() == DONE && data[0] == 0x8899aabb55667788ull && data[1] == 0x5566778889abcdefull &&
       data[2] == init.x[A0] && data[3] == init.x[A0], "c.sw c.sd c.swsp c.sdsp");

    /* FP loads and stores go to the FP translator */
    reset_init();
    init.x[SP] = base;
    init.x[S0] = base + 8;
    prog();
    a16(c_lsd(1, S1, S0, 8, 0));                /* c.fld fs1, 8(s0) */
    a16(c_ldsp(1, 5, 8));                       /* c.fldsp ft5, 8(sp) */
    a16(c_lsd(5, S1, S0, 16, 0));               /* c.fsd fs1, 16(s0) -> data+24 */
    a16(c_sdsp(5, 5, 32));                      /* c.fsdsp ft5, 32(sp) */
    ok(run() == DONE && out.f[9] == data_init[2] && out.f[5] == data_init[1] &&
       data[3] == data_init[2] && data[4] == data_init[1], "c.fld c.fldsp c.fsd c.fsdsp");

    /* control transfer */
    reset_init();
    prog();
    a16(c_j(4));
    a16(c_ci(2, A2, 1, 1));
    a16(c_ci(2, A3, 2, 1));
    ok(run() == DONE && out.x[A2] == 0 && out.x[A3] == 2, "c.j");
    reset_init();
    init.x[S0] = 0;
    init.x[S1] = 1;
    prog();
    a16(c_br(6, S0, 4));                        /* c.beqz s0, +4: taken */
    a16(c_ci(2, A2, 1, 1));
    a16(c_br(7, S1, 4));                        /* c.bnez s1, +4: taken */
    a16(c_ci(2, A3, 1, 1));
    a16(c_br(6, S1, 4));                        /* c.beqz s1: not taken */
    a16(c_ci(2, A4, 1, 1));
    ok(run() == DONE && out.x[A2] == 0 && out.x[A3] == 0 && out.x[A4] == 1,
       "c.beqz c.bnez");
    reset_init();
    prog();
    init.x[A0] = (uintptr_t)code + 4;
    a16(c_cr(9, A0, 0));                        /* c.jalr a0 */
    a16(c_ci(2, A2, 1, 1));
    a16(c_ci(2, A3, 2, 1));
    ok(run() == DONE && out.x[RA] == code_pc + 2 && out.x[A2] == 0 && out.x[A3] == 2,
       "c.jalr links pc + 2");
    reset_init();
    prog();
    init.x[A0] = (uintptr_t)code + 4;
    a16(c_cr(8, A0, 0));                        /* c.jr a0 */
    a16(c_ci(2, A2, 1, 1));
    a16(c_ci(2, A3, 2, 1));
    ok(run() == DONE && out.x[RA] == 0 && out.x[A2] == 0 && out.x[A3] == 2, "c.jr");
    reset_init();
    prog();
    a16(0x9002);
    ok(run() == IR_TRAP_BREAKPOINT && out.pc == code_pc, "c.ebreak");

    /* reserved encodings */
    const struct { const char *name; uint16_t insn; } bad[] = {
        { "all zeros", 0x0000 },
        { "c.addi4spn with imm 0", 0x0004 },
        { "c.addiw with rd = 0", 0x2005 },
        { "c.addi16sp with imm 0", 0x6101 },
        { "c.lui with imm 0", 0x6501 },
        { "c.lwsp with rd = 0", 0x4002 },
        { "c.ldsp with rd = 0", 0x6002 },
        { "c.jr with rs1 = 0", 0x8002 },
        { "quadrant 0 funct3 100", 0x8000 },
        { "CA funct 10 with bit 12", 0x9c41 },
        { "CA funct 11 with bit 12", 0x9c61 },
    };
    for (size_t n = 0; n < sizeof(bad) / sizeof(bad[0]); n++) {
        reset_init();
        prog();
        a16(c_ci(2, A2, 5, 1));
        a16(bad[n].insn);
        ok(run() == IR_TRAP_ILLEGAL && out.pc == code_pc + 2 && out.insn_trap == bad[n].insn &&
           out.x[A2] == 5, "%s is illegal", bad[n].name);
    }
}

static void test_illegal32(void)
{
    const struct { const char *name; uint32_t insn; } bad[] = {
        { "all ones", 0xffffffff },
        { "slliw with shamt bit 5", enc_i(32, A0, 1, A2, OPI32) },
        { "srai with funct6 010001", enc_i(0x440, A0, 5, A2, OPI) },
        { "add with funct7 0000010", enc_r(2, A1, A0, 0, A2, OP) },
        { "load funct3 111", enc_i(0, A0, 7, A2, LOAD) },
        { "store funct3 100", enc_s(0, A1, A0, 4, STORE) },
        { "branch funct3 010", enc_b(8, A1, A0, 2) },
        { "jalr funct3 001", enc_i(0, A0, 1, A2, JALR) },
        { "lr.d with rs2 != 0", amo(0x02, 0, 1, A0, 3, A2) },
        { "amo funct3 000", amo(0x00, 0, A1, A0, 0, A2) },
        { "amo funct5 00101", amo(0x05, 0, A1, A0, 3, A2) },
        { "mret", 0x30200073 },
        { "wfi", 0x10500073 },
        { "48-bit encoding", 0x0000001f },
        { "opcode 0x0b (custom-0)", 0x0000000b },
    };
    for (size_t n = 0; n < sizeof(bad) / sizeof(bad[0]); n++) {
        reset_init();
        prog();
        a32(addi(A2, ZERO, 7));
        a32(bad[n].insn);
        ok(run() == IR_TRAP_ILLEGAL && out.pc == code_pc + 4 && out.insn_trap == bad[n].insn &&
           out.x[A2] == 7, "%s is illegal", bad[n].name);
    }
}

/* ---- block shape ---- */
static unsigned count_op(enum ir_opcode op)
{
    unsigned n = 0;
    for (uint32_t k = 0; k < blk.n_insns; k++)
        n += blk.insns[k].op == op;
    return n;
}

static void test_blocks(void)
{
    const struct ir_insn *last;

    prog();
    for (int n = 0; n < 5; n++)
        a16(0x0001);
    translate_at(code_pc, 2);
    last = &blk.insns[blk.n_insns - 1];
    ok(blk.guest_insns == 2 && blk.guest_size == 4 && last->op == IR_exit_tb &&
       (uint64_t)last->imm == code_pc + 4 && ir_validate(&blk, stderr),
       "max_insns ends the block with exit_tb to the next pc");

    /* the page after this one is PROT_NONE: translating must not touch it */
    uint64_t end1 = (uintptr_t)code + 2 * 4096;
    prog_at(end1 - 8);
    a32(addi(A0, A0, 1));
    a32(addi(A0, A0, 2));
    translate_at(code_pc, 64);
    last = &blk.insns[blk.n_insns - 1];
    ok(blk.guest_insns == 2 && blk.guest_size == 8 && last->op == IR_exit_tb &&
       (uint64_t)last->imm == end1, "the block stops at the page end");

    /* a 4-byte instruction straddling pages 0 and 1 is translated whole */
    uint64_t end0 = (uintptr_t)code + 4096;
    prog_at(end0 - 6);
    a16(0x0001);
    a16(0x0001);
    a32(addi(A0, A0, 3));
    a32(addi(A0, A0, 4));
    translate_at(code_pc, 64);
    last = &blk.insns[blk.n_insns - 1];
    ok(blk.guest_insns == 3 && blk.guest_size == 8 && last->op == IR_exit_tb &&
       (uint64_t)last->imm == end0 + 2, "a straddling instruction ends the block after it");
    reset_init();
    init.x[A0] = 1;
    ok(run() == DONE && out.x[A0] == 8, "straddling instruction runs");

    /* IR quality: li and mv need no computation, branches no extra reads */
    prog();
    a32(addi(A2, ZERO, 5));
    translate_at(code_pc, 1);
    ok(count_op(IR_get_reg) == 0 && count_op(IR_add) == 0 &&
       blk.n_insns - count_op(IR_insn_start) == 3,
       "li is movi + set_reg");
    prog();
    a32(enc_r(0, A1, ZERO, 0, A2, OP));
    translate_at(code_pc, 1);
    ok(count_op(IR_get_reg) == 1 && count_op(IR_add) == 0 &&
       blk.n_insns - count_op(IR_insn_start) == 3,
       "mv is get_reg + set_reg");
    prog();
    a32(addi(A2, A2, 0));
    a32(addi(A2, A2, 1));
    a32(addi(A2, A2, 1));
    translate_at(code_pc, 3);
    ir_optimize(&blk);
    ok(count_op(IR_get_reg) == 1 && count_op(IR_set_reg) == 1,
       "register values forward across instructions after optimisation");

    /* a control transfer ends the block */
    prog();
    a32(addi(A2, ZERO, 5));
    a32(enc_j(-4, ZERO));
    a32(addi(A2, ZERO, 6));
    translate_at(code_pc, 64);
    ok(blk.guest_insns == 2 && blk.guest_size == 8, "jal ends the block");
}

/* ---- disassembler ---- */
static void test_disas(void)
{
    prog();
    a32(addi(A0, A0, -1));
    a16(c_ci(0, A0, 1, 1));
    a32(amo(0x02, 2, 0, A1, 2, A2));
    a32(enc_r(0x10, A1, A0, 2, A2, OP32));
    a32(csr(2, A2, 0x003, ZERO));
    a32(enc_b(-4, A1, A0, 0));
    a32(0x0330000f);
    a32(0xffffffff);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    rv_guest.disas(f, code_pc, code_len);
    fclose(f);
    char want[64];
    snprintf(want, sizeof(want), "0x%" PRIx64 ":  fff50513  addi a0, a0, -1\n", code_pc);
    ok(strstr(buf, want) != NULL, "disas: address, bits and operands");
    ok(strstr(buf, "0505      c.addi a0, a0, 1\n") != NULL, "disas: compressed");
    ok(strstr(buf, "lr.w.aq a2, (a1)\n") != NULL, "disas: lr with aq");
    ok(strstr(buf, "sh1add.uw a2, a0, a1\n") != NULL, "disas: Zba");
    ok(strstr(buf, "csrrs a2, fcsr, zero\n") != NULL, "disas: csr");
    snprintf(want, sizeof(want), "beq a0, a1, 0x%" PRIx64 "\n", code_pc + 14);
    ok(strstr(buf, want) != NULL, "disas: branch target");
    ok(strstr(buf, "fence rw, rw\n") != NULL, "disas: fence");
    ok(strstr(buf, "ffffffff  illegal\n") != NULL, "disas: illegal");
    int lines = 0;
    for (char *p = buf; *p; p++)
        lines += *p == '\n';
    ok(lines == 8, "disas: one line per instruction");
    if (n_fail)
        fputs(buf, stderr);
    free(buf);
}

int main(void)
{
    tap = open_memstream(&tap_buf, &tap_len);
    exec_config.guest = &rv_guest;
    exec_config.guest_base = 0;
    code = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED || mprotect(code + 2 * 4096, 4096, PROT_NONE) || !jit_init()) {
        printf("1..1\nnot ok 1 - set-up (mmap, jit_init)\n");
        return 1;
    }
    ok(strcmp(rv_guest.name, "riscv64") == 0 && rv_guest.state_size == sizeof(struct rv_cpu) &&
       rv_guest.pc_offset == RV_PC && rv_guest.insn_shift == 1, "guest descriptor");
    test_alu();
    test_upper_imm();
    test_memory();
    test_branches();
    test_system();
    test_rvc();
    test_illegal32();
    test_blocks();
    test_disas();
    fclose(tap);
    printf("1..%d\n%s", n_test, tap_buf);
    return n_fail != 0;
}
