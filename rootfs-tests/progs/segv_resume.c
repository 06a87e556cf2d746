/* Synchronous faults that the guest handler repairs and returns from
 * (mprotect-and-retry, the pattern of GC write barriers, libsigsegv and
 * lazy allocation).  The faulting accesses sit in loops right after
 * non-idempotent register updates in the same basic block, so a fault that
 * resumes anywhere but exactly at the faulting instruction, or with
 * registers that earlier instructions already changed, alters the
 * checksums.  The handler checks si_addr lies in the region and hashes its
 * offset, and checks that the signal frame's pc points at a memory-access
 * instruction.  Each access pattern runs cold (first executions) and hot
 * (after a warm-up on writable memory), so both execution tiers fault. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#define NPAGES 16

static char *region;
static size_t page;
static volatile unsigned long faults, bad_pc, addr_hash;

/* Is the instruction at the interrupted pc a load, store or atomic? */
static int pc_is_memory_insn(const void *ucv)
{
    const ucontext_t *uc = ucv;
#if defined(__riscv)
    const uint16_t *pc = (const uint16_t *)uc->uc_mcontext.__gregs[REG_PC];
    uint32_t lo = pc[0];
    if ((lo & 3) != 3) {
        unsigned op = lo & 3, f3 = lo >> 13;
        /* c.lw c.ld c.sw c.sd (op 0), c.lwsp c.ldsp c.swsp c.sdsp (op 2) */
        return (op == 0 || op == 2) && (f3 == 2 || f3 == 3 || f3 == 6 || f3 == 7);
    }
    unsigned opc = lo & 0x7f;
    return opc == 0x03 || opc == 0x07 || opc == 0x23 || opc == 0x27 || opc == 0x2f;
#elif defined(__aarch64__)
    uint32_t insn = *(const uint32_t *)uc->uc_mcontext.pc;
    return ((insn >> 25) & 5) == 4;     /* the loads and stores encoding group */
#else
    (void)uc;
    return 1;                           /* the native build is the reference */
#endif
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    char *a = si->si_addr;
    (void)sig;
    if (a < region || a >= region + NPAGES * page) {
        static const char msg[] = "fault outside the region\n";
        write(2, msg, sizeof(msg) - 1);
        _exit(3);
    }
    addr_hash = addr_hash * 1000003u + (unsigned long)(a - region);
    if (!pc_is_memory_insn(uc))
        bad_pc++;
    faults++;
    mprotect(a - (a - region) % page, page, PROT_READ | PROT_WRITE);
}

/* every store goes to its own page: each one faults when the page is read-only */
__attribute__((noinline)) static uint64_t store_loop(uint64_t *p, unsigned n, unsigned step)
{
    uint64_t acc = 1;
    for (unsigned i = 0; i < n; i++) {
        acc = acc * 31 + i;
        ((volatile uint64_t *)p)[(uint64_t)i * step + i] = acc;
    }
    return acc;
}

/* narrow stores with two updated registers */
__attribute__((noinline)) static uint32_t store_loop_narrow(uint8_t *p, unsigned n, unsigned step)
{
    uint32_t h = 7, k = 3;
    for (unsigned i = 0; i < n; i++) {
        h = h * 33 ^ i;
        k += h >> 3;
        ((volatile uint16_t *)p)[(uint64_t)i * step + 1] = (uint16_t)(h + k);
        ((volatile uint8_t *)p)[((uint64_t)i * step + 5) * 2] = (uint8_t)k;
    }
    return h ^ k;
}

/* loads that fault: an index walk updated right before each load */
__attribute__((noinline)) static uint64_t load_loop(const uint64_t *p, unsigned n, unsigned step)
{
    uint64_t sum = 0, idx = 1;
    for (unsigned i = 0; i < n; i++) {
        idx = idx * 5 + 3;
        sum = sum * 3 + ((const volatile uint64_t *)p)[(idx % NPAGES) * step + i];
    }
    return sum ^ idx;
}

/* compare-and-swap: lr/sc go through helpers in some translators */
__attribute__((noinline)) static uint64_t cas_loop(uint64_t *p, unsigned n, unsigned step)
{
    uint64_t acc = 5;
    for (unsigned i = 0; i < n; i++) {
        acc = acc * 17 + i;
        uint64_t expect = 0;
        __atomic_compare_exchange_n(&p[(uint64_t)i * step], &expect, acc, 0,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        acc += expect;
    }
    return acc;
}

static void reset(int prot)
{
    mprotect(region, NPAGES * page, PROT_READ | PROT_WRITE);
    memset(region, 0, NPAGES * page);
    for (unsigned k = 0; k < NPAGES; k++)
        region[k * page + 8] = (char)(k * 7 + 1);
    mprotect(region, NPAGES * page, prot);
    faults = bad_pc = addr_hash = 0;
}

static uint64_t region_sum(void)
{
    uint64_t s = 0;
    for (size_t k = 0; k < NPAGES * page; k++)
        s = s * 131 + (unsigned char)region[k];
    return s;
}

static void report(const char *what, uint64_t r)
{
    printf("%-14s result %016llx memory %016llx faults %lu addr %016lx bad-pc %lu\n", what,
           (unsigned long long)r, (unsigned long long)region_sum(), faults, addr_hash, bad_pc);
}

/* warm a loop up on writable memory so that its blocks get hot */
#define WARM(call)                                  \
    do {                                            \
        reset(PROT_READ | PROT_WRITE);              \
        for (int w = 0; w < 300; w++)               \
            (void)call;                             \
    } while (0)

int main(void)
{
    struct sigaction sa;
    page = (size_t)sysconf(_SC_PAGESIZE);
    unsigned step = (unsigned)(page / 8), step16 = (unsigned)(page / 2);
    region = mmap(NULL, NPAGES * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                  -1, 0);
    if (region == MAP_FAILED)
        return 1;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);

    for (int hot = 0; hot < 2; hot++) {
        const char *tier = hot ? "hot" : "cold";
        char name[32];
        uint64_t r;

        if (hot)
            WARM(store_loop((uint64_t *)region, NPAGES, step));
        reset(PROT_READ);
        r = store_loop((uint64_t *)region, NPAGES, step);
        snprintf(name, sizeof(name), "store/%s", tier);
        report(name, r);

        if (hot)
            WARM(store_loop_narrow((uint8_t *)region, NPAGES, step16));
        reset(PROT_READ);
        r = store_loop_narrow((uint8_t *)region, NPAGES, step16);
        snprintf(name, sizeof(name), "narrow/%s", tier);
        report(name, r);

        if (hot)
            WARM(load_loop((uint64_t *)region, NPAGES, step));
        reset(PROT_NONE);
        r = load_loop((uint64_t *)region, NPAGES, step);
        snprintf(name, sizeof(name), "load/%s", tier);
        report(name, r);

        if (hot)
            WARM(cas_loop((uint64_t *)region, NPAGES, step));
        reset(PROT_NONE);
        r = cas_loop((uint64_t *)region, NPAGES, step);
        snprintf(name, sizeof(name), "cas/%s", tier);
        report(name, r);
    }
    return 0;
}
