/*
 * Shared by the aarch64 front-end tests: run a guest code array through the
 * front-end and the IR interpreter (optionally after the optimiser) until it
 * traps, and print TAP.  Guest memory is host memory (guest_base 0), so code
 * and data arrays are used in place.
 */
#ifndef ISA_AARCH64_TESTS_A64_HARNESS_H
#define ISA_AARCH64_TESTS_A64_HARNESS_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "isa/aarch64/cpu.h"
#include "translate/exec.h"
#include "translate/ir.h"

static struct a64_cpu cpu;
static int test_num, test_failed;
static bool use_opt;            /* run ir_optimize on each block */

static void ok(bool cond, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%sok %d - %s", cond ? "" : "not ", ++test_num, use_opt ? "[opt] " : "");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    if (!cond)
        test_failed++;
}

static void check_eq(uint64_t got, uint64_t want, const char *what)
{
    ok(got == want, "%s", what);
    if (got != want)
        printf("#   %s: got 0x%" PRIx64 ", want 0x%" PRIx64 "\n", what, got, want);
}

static void cpu_reset(void)
{
    memset(&cpu, 0, sizeof(cpu));
    cpu.excl_addr = ~0ull;
    cpu.zf = 1;
}

/* Run from code[0] until a trap; returns the trap reason (pc is left at the
 * trap's pc), or 0 when something went wrong. */
static unsigned run_code(const uint32_t *code)
{
    static struct ir_block b;
    exec_config.guest = &a64_guest;
    exec_config.guest_base = 0;
    cpu.pc = (uint64_t)(uintptr_t)code;
    for (int iter = 0; iter < 10000; iter++) {
        ir_block_init(&b, cpu.pc);
        a64_guest.translate(&b, &cpu, cpu.pc, 64);
        if (!ir_validate(&b, stdout)) {
            ir_print(&b, stdout);
            return 0;
        }
        if (use_opt)
            ir_optimize(&b);
        struct tb tb = {
            .pc = b.guest_pc, .size = b.guest_size, .insns = b.insns,
            .n_insns = b.n_insns, .n_temps = b.n_temps,
        };
        uint64_t w = interp_run(&cpu, &tb);
        if (EXEC_EXIT_KIND(w) == EXEC_EXIT_TRAP)
            return (unsigned)EXEC_EXIT_PAYLOAD(w);
    }
    return 0;
}

/* run code that must end in BRK at its last word */
static bool run_to_brk(const uint32_t *code, size_t n_words, const char *name)
{
    unsigned r = run_code(code);
    bool good = r == IR_TRAP_BREAKPOINT;
    for (size_t i = 0; i < n_words; i++)
        if (code[i] == 0xd4200000u) {
            good = good && cpu.pc == (uint64_t)(uintptr_t)&code[i];
            break;
        }
    ok(good, "%s runs to its brk", name);
    return good;
}
#define RUN(code) run_to_brk(code, sizeof(code) / sizeof(code[0]), #code)

static int test_done(void)
{
    printf("1..%d\n", test_num);
    return test_failed ? 1 : 0;
}

#endif
