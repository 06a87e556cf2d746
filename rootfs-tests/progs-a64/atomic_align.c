/*
 * Alignment faults of the atomic and ordered accesses: exclusives
 * (LDXR/STXR, LDAXR/STLXR and the pairs), LDAR/STLR/LDAPR and the RCpc2
 * unscaled forms, CAS/CASP and the LSE read-modify-write instructions at
 * addresses 0, 1, 2, 4 and 8 bytes past a 64-byte boundary, with ordinary
 * loads and stores as the control that stays unaligned-tolerant.
 *
 * Without FEAT_LSE2 (not advertised: no HWCAP_USCAT) every one of them
 * must raise SIGBUS with si_code BUS_ADRALN and si_addr = the address when
 * the address is not a multiple of the access size (a pair's whole size),
 * as Linux reports the Alignment fault: at the instruction's pc, before
 * memory changes.  On aarch64 the instructions run under a SIGBUS handler
 * that checks all of that; elsewhere a model of the rule stands in, so the
 * printed lines must agree.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

/*
 * T(id, align, setup, insn): the instruction insn runs with x0 = address,
 * x1 = a value, after setup; align is the size that must divide the
 * address (0: none, an ordinary access).  x0 is returned.
 */
#define CASES(T)                                                              \
    T(ldr_x, 0, "", "ldr x0, [x0]")                                           \
    T(str_w, 0, "", "str w1, [x0]")                                           \
    T(ldp_x, 0, "", "ldp x0, x1, [x0]")                                       \
    T(ldr_q, 0, "", "ldr q0, [x0]")                                           \
    T(ldxrb, 1, "", "ldxrb w0, [x0]")                                         \
    T(ldxrh, 2, "", "ldxrh w0, [x0]")                                         \
    T(ldxr_w, 4, "", "ldxr w0, [x0]")                                         \
    T(ldxr_x, 8, "", "ldxr x0, [x0]")                                         \
    T(ldaxr_x, 8, "", "ldaxr x0, [x0]")                                       \
    T(stxr_w, 4, "", "stxr w2, w1, [x0]")                                     \
    T(stlxr_x, 8, "", "stlxr w2, x1, [x0]")                                   \
    T(stxrh, 2, "", "stxrh w2, w1, [x0]")                                     \
    T(ldxp_w, 8, "", "ldxp w0, w1, [x0]")                                     \
    T(ldxp_x, 16, "", "ldxp x0, x1, [x0]")                                    \
    T(ldaxp_x, 16, "", "ldaxp x2, x3, [x0]")                                  \
    T(stxp_x, 16, "", "stxp w2, x1, x1, [x0]")                                \
    T(stlxp_w, 8, "", "stlxp w2, w1, w1, [x0]")                               \
    T(ldarb, 1, "", "ldarb w0, [x0]")                                         \
    T(ldarh, 2, "", "ldarh w0, [x0]")                                         \
    T(ldar_w, 4, "", "ldar w0, [x0]")                                         \
    T(ldar_x, 8, "", "ldar x0, [x0]")                                         \
    T(stlrh, 2, "", "stlrh w1, [x0]")                                         \
    T(stlr_w, 4, "", "stlr w1, [x0]")                                         \
    T(stlr_x, 8, "", "stlr x1, [x0]")                                         \
    T(ldaprh, 2, "", "ldaprh w0, [x0]")                                       \
    T(ldapr_w, 4, "", "ldapr w0, [x0]")                                       \
    T(ldapr_x, 8, "", "ldapr x0, [x0]")                                       \
    T(ldapur_x, 8, "", "ldapur x0, [x0]")                                     \
    T(ldapursh, 2, "", "ldapursh x0, [x0]")                                   \
    T(stlur_w, 4, "", "stlur w1, [x0]")                                       \
    T(casb, 1, "mov w2, w1", "casb w2, w1, [x0]")                             \
    T(cash, 2, "mov w2, w1", "cash w2, w1, [x0]")                             \
    T(casa_w, 4, "mov w2, w1", "casa w2, w1, [x0]")                           \
    T(casal_x, 8, "mov x2, x1", "casal x2, x1, [x0]")                         \
    T(casp_w, 8, "mov x2, x1\n\tmov x3, x1\n\tmov x4, x1\n\tmov x5, x1",       \
      "casp w2, w3, w4, w5, [x0]")                                            \
    T(caspal_x, 16, "mov x2, x1\n\tmov x3, x1\n\tmov x4, x1\n\tmov x5, x1",    \
      "caspal x2, x3, x4, x5, [x0]")                                          \
    T(ldaddb, 1, "", "ldaddb w1, w0, [x0]")                                   \
    T(ldclrh, 2, "", "ldclrh w1, w0, [x0]")                                   \
    T(ldadd_w, 4, "", "ldadd w1, w0, [x0]")                                   \
    T(ldeoral_x, 8, "", "ldeoral x1, x0, [x0]")                               \
    T(ldseta_w, 4, "", "ldseta w1, w0, [x0]")                                 \
    T(ldsmaxl_x, 8, "", "ldsmaxl x1, x0, [x0]")                               \
    T(lduminh, 2, "", "lduminh w1, w0, [x0]")                                 \
    T(swp_x, 8, "", "swp x1, x0, [x0]")                                       \
    T(swpal_w, 4, "", "swpal w1, w0, [x0]")                                   \
    T(stadd_w, 4, "", "stadd w1, [x0]")                                       \
    T(stclrl_x, 8, "", "stclrl x1, [x0]")

struct tcase {
    const char *insn;
    unsigned align;
    uint64_t (*stub)(uint64_t addr, uint64_t val);
    const char *at;             /* the instruction's address in its stub */
};

#ifdef __aarch64__
__asm__(".arch armv8.4-a+lse+rcpc");
#define STUB(id, align, setup, insn)                                           \
    __asm__(".text\n\t.p2align 2\n\t.globl a_" #id "\n\t.type a_" #id ",%function\n" \
            "a_" #id ":\n\t" setup "\n.globl a_" #id "_at\na_" #id "_at:\n\t" insn \
            "\n\tret\n\t.size a_" #id ", .-a_" #id);                            \
    uint64_t a_##id(uint64_t, uint64_t);                                       \
    extern const char a_##id##_at[];
CASES(STUB)
#define ENTRY(id, align, setup, insn) { insn, align, a_##id, a_##id##_at },
#else
#define ENTRY(id, align, setup, insn) { insn, align, 0, 0 },
#endif
static const struct tcase cases[] = { CASES(ENTRY) };

static _Alignas(64) uint8_t buf[128];
static uint8_t before[sizeof(buf)];

#ifdef __aarch64__
static sigjmp_buf env;
static volatile int got_sig, got_code;
static volatile uintptr_t got_addr, got_pc, got_far;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    const ucontext_t *u = uc;
    got_sig = sig;
    got_code = si->si_code;
    got_addr = (uintptr_t)si->si_addr;
    got_pc = (uintptr_t)u->uc_mcontext.pc;
    got_far = (uintptr_t)u->uc_mcontext.fault_address;
    siglongjmp(env, 1);
}

/* what the instruction did at buf + off: "ok" or the fault as checked */
static void run_case(const struct tcase *c, unsigned off, char *out, size_t n)
{
    uintptr_t addr = (uintptr_t)buf + off;
    got_sig = 0;
    if (!sigsetjmp(env, 1)) {
        c->stub(addr, 0x0123456789abcdefull);
        snprintf(out, n, "ok");
        return;
    }
    if (got_sig != SIGBUS) {
        snprintf(out, n, "signal %d code %d", got_sig, got_code);
        return;
    }
    /* the fault must leave memory as it was and name the access */
    int mem_same = !memcmp(buf, before, sizeof(buf));
    if (got_code == BUS_ADRALN && got_addr == addr && got_far == addr &&
        got_pc == (uintptr_t)c->at && mem_same)
        snprintf(out, n, "ADRALN");
    else
        snprintf(out, n, "SIGBUS code %d addr %+ld far %+ld pc %+ld%s", got_code,
                 (long)(got_addr - addr), (long)(got_far - addr),
                 (long)(got_pc - (uintptr_t)c->at), mem_same ? "" : " memory changed");
}
#else
static void run_case(const struct tcase *c, unsigned off, char *out, size_t n)
{
    snprintf(out, n, "%s", c->align && off % c->align ? "ADRALN" : "ok");
}
#endif

int main(void)
{
    static const unsigned offs[] = { 0, 1, 2, 4, 8 };
#ifdef __aarch64__
    struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO };
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
#endif
    int faults = 0;
    for (unsigned k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        printf("%-28s", cases[k].insn);
        for (unsigned o = 0; o < sizeof(offs) / sizeof(offs[0]); o++) {
            char r[96];
            for (unsigned i = 0; i < sizeof(buf); i++)
                buf[i] = (uint8_t)(i * 37 + 11);
            memcpy(before, buf, sizeof(buf));
            run_case(&cases[k], offs[o], r, sizeof(r));
            faults += !strcmp(r, "ADRALN");
            printf(" +%u %s", offs[o], r);
        }
        printf("\n");
    }
    printf("%d alignment faults\n", faults);
    return 0;
}
