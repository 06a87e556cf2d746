/*
 * riscv64 LR/SC and AMOs at misaligned addresses.  The A extension needs
 * them naturally aligned and Linux does not emulate misaligned atomics (it
 * does plain loads and stores), so each must raise SIGBUS with BUS_ADRALN,
 * si_addr the address and the pc at the instruction, before memory
 * changes; aligned ones run.  Plain ld/sd at the same addresses are the
 * control that stays misaligned-tolerant.  Elsewhere a model of the rule
 * prints what riscv64 must print, so the outputs compare.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

static _Alignas(64) unsigned char buf[128];

#if defined(__riscv) && __riscv_xlen == 64
static sigjmp_buf env;
static volatile uint64_t insn_pc;
static volatile int got_sig, got_code, pc_ok;
static void *volatile got_addr;

/* T(name, align, insn): insn runs with a0 = address, a1 = a value; the
 * address of the instruction is stored to insn_pc first */
#define CASES(T)                                   \
    T(ld, 0, "ld a1, 0(a0)")                        \
    T(sd, 0, "sd a1, 0(a0)")                        \
    T(lr_w, 4, "lr.w a1, (a0)")                     \
    T(lr_d, 8, "lr.d.aq a1, (a0)")                  \
    T(sc_w, 4, "sc.w a1, a1, (a0)")                 \
    T(sc_d, 8, "sc.d.rl a1, a1, (a0)")              \
    T(amoswap_w, 4, "amoswap.w a1, a1, (a0)")       \
    T(amoadd_w, 4, "amoadd.w.aqrl a1, a1, (a0)")    \
    T(amoadd_d, 8, "amoadd.d a1, a1, (a0)")         \
    T(amoand_d, 8, "amoand.d a1, a1, (a0)")         \
    T(amoor_w, 4, "amoor.w a1, a1, (a0)")           \
    T(amoxor_d, 8, "amoxor.d a1, a1, (a0)")         \
    T(amomin_w, 4, "amomin.w a1, a1, (a0)")         \
    T(amomax_d, 8, "amomax.d a1, a1, (a0)")         \
    T(amominu_w, 4, "amominu.w a1, a1, (a0)")       \
    T(amomaxu_d, 8, "amomaxu.d a1, a1, (a0)")

#define DEFINE(name, align, insn)                                               \
    static void run_##name(unsigned char *p)                                    \
    {                                                                           \
        register unsigned char *a0 __asm__("a0") = p;                           \
        register uint64_t a1 __asm__("a1") = 0x0102030405060708ull;             \
        __asm__ __volatile__("lla t0, 1f\n\tsd t0, %2\n1:\t" insn                \
                             : "+r"(a0), "+r"(a1), "=m"(insn_pc)                \
                             :                                                  \
                             : "t0", "memory");                                 \
    }
CASES(DEFINE)

static void on_bus(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;

    got_sig = sig;
    got_code = si->si_code;
    got_addr = si->si_addr;
    pc_ok = uc->uc_mcontext.__gregs[REG_PC] == insn_pc;
    siglongjmp(env, 1);
}

/* runs one case at p: 1 if it faulted */
static int attempt(void (*fn)(unsigned char *), unsigned char *p)
{
    got_sig = 0;
    if (sigsetjmp(env, 1) == 0) {
        fn(p);
        return 0;
    }
    return 1;
}
#else
#define CASES(T)                                   \
    T(ld, 0, "")                                    \
    T(sd, 0, "")                                    \
    T(lr_w, 4, "")                                  \
    T(lr_d, 8, "")                                  \
    T(sc_w, 4, "")                                  \
    T(sc_d, 8, "")                                  \
    T(amoswap_w, 4, "")                             \
    T(amoadd_w, 4, "")                              \
    T(amoadd_d, 8, "")                              \
    T(amoand_d, 8, "")                              \
    T(amoor_w, 4, "")                               \
    T(amoxor_d, 8, "")                              \
    T(amomin_w, 4, "")                              \
    T(amomax_d, 8, "")                              \
    T(amominu_w, 4, "")                             \
    T(amomaxu_d, 8, "")
#endif

struct one {
    const char *name;
    unsigned align;
#if defined(__riscv) && __riscv_xlen == 64
    void (*fn)(unsigned char *);
#endif
};

#if defined(__riscv) && __riscv_xlen == 64
#define ENTRY(name, align, insn) { #name, align, run_##name },
#else
#define ENTRY(name, align, insn) { #name, align },
#endif
static const struct one cases[] = { CASES(ENTRY) };

int main(void)
{
    static const unsigned offsets[] = { 0, 1, 2, 4, 8, 12 };

#if defined(__riscv) && __riscv_xlen == 64
    struct sigaction sa = { .sa_sigaction = on_bus, .sa_flags = SA_SIGINFO };
    sigaction(SIGBUS, &sa, NULL);
#endif
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (size_t k = 0; k < sizeof(offsets) / sizeof(offsets[0]); k++) {
            unsigned off = offsets[k];
            unsigned char *p = buf + 16 + off, before[sizeof(buf)];
            int faulted, must = cases[i].align && off % cases[i].align;

            for (size_t j = 0; j < sizeof(buf); j++)
                buf[j] = (unsigned char)(j * 7 + 1);
            memcpy(before, buf, sizeof(buf));
#if defined(__riscv) && __riscv_xlen == 64
            (void)must;
            faulted = attempt(cases[i].fn, p);
            if (faulted)
                printf("%s +%u: signal %d code %s addr %s pc %s memory %s\n", cases[i].name,
                       off, got_sig, got_code == BUS_ADRALN ? "BUS_ADRALN" : "other",
                       got_addr == p ? "exact" : "wrong", pc_ok ? "exact" : "wrong",
                       memcmp(before, buf, sizeof(buf)) ? "changed" : "unchanged");
            else
                printf("%s +%u: ran\n", cases[i].name, off);
#else
            (void)p;
            (void)before;
            faulted = must;
            if (faulted)
                printf("%s +%u: signal %d code BUS_ADRALN addr exact pc exact memory unchanged\n",
                       cases[i].name, off, SIGBUS);
            else
                printf("%s +%u: ran\n", cases[i].name, off);
#endif
        }
    }
    return 0;
}
