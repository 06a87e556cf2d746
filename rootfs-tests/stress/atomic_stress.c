/*
 * 16 threads hammer shared counters with every kind of atomic the guest
 * has: on aarch64 the exclusives (LDXR/STXR and LDAXR/STLXR, 32 and 64 bit;
 * LDXP/STXP and LDAXP/STLXP pairs), LSE (LDADD, LDADDAL 32 and 64 bit, CAS
 * and CASAL loops, a SWPA spinlock, LDUMAXAL, LDSMAXAL); on riscv64 LR/SC
 * (.w and .d, plain and .aq/.rl), AMOADD (.w and .d), compare-and-swap
 * loops, an AMOSWAP spinlock, AMOMAXU and AMOMAX; C11 atomics on every
 * build.  The totals must be exact (each is checked against the value
 * the parameters give); the native build (C11 atomics in place of the
 * inline assembly) prints the same lines.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>

#define THREADS 16
/* odd threads offer maxima with the top bit set (negative when signed), so
 * a maximum taken with the wrong signedness ends on the wrong thread's value */
#define TOP_BIT (1ull << 63)

static int iters = 12000;
static _Atomic int started;
static uint64_t c_x64, c_ax64, c_pair[2] __attribute__((aligned(16)));
static uint64_t c_apair[2] __attribute__((aligned(16)));
static uint32_t c_x32, c_ax32, c_add32;
static uint64_t c_add, c_addal, c_cas, c_casal, c_locked, c_max;
static int64_t c_smax = INT64_MIN;
static uint32_t lock_word;
static _Atomic uint64_t c_c11;

#if defined(__aarch64__)
#define LSE ".arch_extension lse\n"
static void inc_x64(uint64_t *p)
{
    uint64_t v;
    uint32_t fail;
    __asm__ volatile("1: ldxr %0, [%2]\n add %0, %0, #1\n stxr %w1, %0, [%2]\n cbnz %w1, 1b"
                     : "=&r"(v), "=&r"(fail) : "r"(p) : "memory");
}
static void inc_ax64(uint64_t *p)
{
    uint64_t v;
    uint32_t fail;
    __asm__ volatile("1: ldaxr %0, [%2]\n add %0, %0, #1\n stlxr %w1, %0, [%2]\n cbnz %w1, 1b"
                     : "=&r"(v), "=&r"(fail) : "r"(p) : "memory");
}
static void inc_x32(uint32_t *p)
{
    uint32_t v, fail;
    __asm__ volatile("1: ldxr %w0, [%2]\n add %w0, %w0, #1\n stxr %w1, %w0, [%2]\n cbnz %w1, 1b"
                     : "=&r"(v), "=&r"(fail) : "r"(p) : "memory");
}
static void inc_ax32(uint32_t *p)
{
    uint32_t v, fail;
    __asm__ volatile("1: ldaxr %w0, [%2]\n add %w0, %w0, #1\n stlxr %w1, %w0, [%2]\n cbnz %w1, 1b"
                     : "=&r"(v), "=&r"(fail) : "r"(p) : "memory");
}
static void inc_pair(uint64_t *p)
{
    uint64_t a, b;
    uint32_t fail;
    __asm__ volatile("1: ldxp %0, %1, [%3]\n add %0, %0, #1\n add %1, %1, #2\n"
                     " stxp %w2, %0, %1, [%3]\n cbnz %w2, 1b"
                     : "=&r"(a), "=&r"(b), "=&r"(fail) : "r"(p) : "memory");
}
static void inc_apair(uint64_t *p)
{
    uint64_t a, b;
    uint32_t fail;
    __asm__ volatile("1: ldaxp %0, %1, [%3]\n add %0, %0, #1\n add %1, %1, #2\n"
                     " stlxp %w2, %0, %1, [%3]\n cbnz %w2, 1b"
                     : "=&r"(a), "=&r"(b), "=&r"(fail) : "r"(p) : "memory");
}
static void inc_add(uint64_t *p)
{
    uint64_t old;
    __asm__ volatile(LSE "ldadd %1, %0, [%2]" : "=r"(old) : "r"(1ul), "r"(p) : "memory");
}
static void inc_addal(uint64_t *p)
{
    uint64_t old;
    __asm__ volatile(LSE "ldaddal %1, %0, [%2]" : "=r"(old) : "r"(1ul), "r"(p) : "memory");
}
static void add32(uint32_t *p, uint32_t v)
{
    uint32_t old;
    __asm__ volatile(LSE "ldaddal %w1, %w0, [%2]" : "=r"(old) : "r"(v), "r"(p) : "memory");
}
static void inc_cas(uint64_t *p)
{
    uint64_t seen = __atomic_load_n(p, __ATOMIC_RELAXED), expect;
    do {
        expect = seen;
        __asm__ volatile(LSE "cas %0, %2, [%1]" : "+r"(seen) : "r"(p), "r"(seen + 1) : "memory");
    } while (seen != expect);
}
static void inc_casal(uint64_t *p)
{
    uint64_t seen = __atomic_load_n(p, __ATOMIC_RELAXED), expect;
    do {
        expect = seen;
        __asm__ volatile(LSE "casal %0, %2, [%1]" : "+r"(seen) : "r"(p), "r"(seen + 1) : "memory");
    } while (seen != expect);
}
static void lock(uint32_t *l)
{
    uint32_t old;
    for (;;) {
        __asm__ volatile(LSE "swpa %w1, %w0, [%2]" : "=r"(old) : "r"(1u), "r"(l) : "memory");
        if (!old)
            return;
        while (__atomic_load_n(l, __ATOMIC_RELAXED))
            __asm__ volatile("yield");
    }
}
static void unlock(uint32_t *l)
{
    __asm__ volatile("stlr wzr, [%0]" : : "r"(l) : "memory");
}
static void max_into(uint64_t *p, uint64_t v)
{
    uint64_t old;
    __asm__ volatile(LSE "ldumaxal %1, %0, [%2]" : "=r"(old) : "r"(v), "r"(p) : "memory");
}
static void smax_into(int64_t *p, int64_t v)
{
    int64_t old;
    __asm__ volatile(LSE "ldsmaxal %1, %0, [%2]" : "=r"(old) : "r"(v), "r"(p) : "memory");
}
#elif defined(__riscv)
static void inc_x64(uint64_t *p)
{
    uint64_t v, fail;
    __asm__ volatile("1: lr.d %0, (%2)\n addi %0, %0, 1\n sc.d %1, %0, (%2)\n bnez %1, 1b"
                     : "=&r"(v), "=&r"(fail) : "r"(p) : "memory");
}
static void inc_ax64(uint64_t *p)
{
    uint64_t v, fail;
    __asm__ volatile("1: lr.d.aq %0, (%2)\n addi %0, %0, 1\n sc.d.rl %1, %0, (%2)\n bnez %1, 1b"
                     : "=&r"(v), "=&r"(fail) : "r"(p) : "memory");
}
static void inc_x32(uint32_t *p)
{
    uint32_t v, fail;
    __asm__ volatile("1: lr.w %0, (%2)\n addiw %0, %0, 1\n sc.w %1, %0, (%2)\n bnez %1, 1b"
                     : "=&r"(v), "=&r"(fail) : "r"(p) : "memory");
}
static void inc_ax32(uint32_t *p)
{
    uint32_t v, fail;
    __asm__ volatile("1: lr.w.aq %0, (%2)\n addiw %0, %0, 1\n sc.w.rl %1, %0, (%2)\n bnez %1, 1b"
                     : "=&r"(v), "=&r"(fail) : "r"(p) : "memory");
}
/* no double-word LR/SC on riscv64: two AMOADDs, plain and ordered */
static void inc_pair(uint64_t *p)
{
    __asm__ volatile("amoadd.d zero, %1, (%0)\n amoadd.d zero, %2, (%3)"
                     : : "r"(p), "r"(1ul), "r"(2ul), "r"(p + 1) : "memory");
}
static void inc_apair(uint64_t *p)
{
    __asm__ volatile("amoadd.d.aq zero, %1, (%0)\n amoadd.d.rl zero, %2, (%3)"
                     : : "r"(p), "r"(1ul), "r"(2ul), "r"(p + 1) : "memory");
}
static void inc_add(uint64_t *p)
{
    __asm__ volatile("amoadd.d zero, %1, (%0)" : : "r"(p), "r"(1ul) : "memory");
}
static void inc_addal(uint64_t *p)
{
    __asm__ volatile("amoadd.d.aqrl zero, %1, (%0)" : : "r"(p), "r"(1ul) : "memory");
}
static void add32(uint32_t *p, uint32_t v)
{
    __asm__ volatile("amoadd.w.aqrl zero, %1, (%0)" : : "r"(p), "r"(v) : "memory");
}
/* compare-and-swap is an LR/SC loop on riscv64 */
static void inc_cas(uint64_t *p)
{
    uint64_t seen = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(p, &seen, seen + 1, 0, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED))
        ;
}
static void inc_casal(uint64_t *p)
{
    uint64_t seen = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(p, &seen, seen + 1, 0, __ATOMIC_SEQ_CST,
                                        __ATOMIC_RELAXED))
        ;
}
static void lock(uint32_t *l)
{
    uint32_t old;
    for (;;) {
        __asm__ volatile("amoswap.w.aq %0, %1, (%2)" : "=r"(old) : "r"(1), "r"(l) : "memory");
        if (!old)
            return;
        while (__atomic_load_n(l, __ATOMIC_RELAXED))
            ;
    }
}
static void unlock(uint32_t *l)
{
    __asm__ volatile("amoswap.w.rl zero, zero, (%0)" : : "r"(l) : "memory");
}
static void max_into(uint64_t *p, uint64_t v)
{
    __asm__ volatile("amomaxu.d.aqrl zero, %1, (%0)" : : "r"(p), "r"(v) : "memory");
}
static void smax_into(int64_t *p, int64_t v)
{
    __asm__ volatile("amomax.d.aqrl zero, %1, (%0)" : : "r"(p), "r"(v) : "memory");
}
#else
static void inc_x64(uint64_t *p) { __atomic_fetch_add(p, 1, __ATOMIC_RELAXED); }
static void inc_ax64(uint64_t *p) { __atomic_fetch_add(p, 1, __ATOMIC_ACQ_REL); }
static void inc_x32(uint32_t *p) { __atomic_fetch_add(p, 1, __ATOMIC_RELAXED); }
static void inc_ax32(uint32_t *p) { __atomic_fetch_add(p, 1, __ATOMIC_ACQ_REL); }
static void inc_pair(uint64_t *p)
{
    __atomic_fetch_add(&p[0], 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&p[1], 2, __ATOMIC_RELAXED);
}
static void inc_apair(uint64_t *p)
{
    __atomic_fetch_add(&p[0], 1, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&p[1], 2, __ATOMIC_SEQ_CST);
}
static void inc_add(uint64_t *p) { __atomic_fetch_add(p, 1, __ATOMIC_RELAXED); }
static void inc_addal(uint64_t *p) { __atomic_fetch_add(p, 1, __ATOMIC_SEQ_CST); }
static void add32(uint32_t *p, uint32_t v) { __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
static void inc_cas(uint64_t *p)
{
    uint64_t seen = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(p, &seen, seen + 1, 0, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED))
        ;
}
static void inc_casal(uint64_t *p)
{
    uint64_t seen = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(p, &seen, seen + 1, 0, __ATOMIC_SEQ_CST,
                                        __ATOMIC_RELAXED))
        ;
}
static void lock(uint32_t *l)
{
    while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(l, __ATOMIC_RELAXED))
            ;
}
static void unlock(uint32_t *l) { __atomic_store_n(l, 0, __ATOMIC_RELEASE); }
static void max_into(uint64_t *p, uint64_t v)
{
    uint64_t seen = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (seen < v && !__atomic_compare_exchange_n(p, &seen, v, 0, __ATOMIC_SEQ_CST,
                                                    __ATOMIC_RELAXED))
        ;
}
static void smax_into(int64_t *p, int64_t v)
{
    int64_t seen = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (seen < v && !__atomic_compare_exchange_n(p, &seen, v, 0, __ATOMIC_SEQ_CST,
                                                    __ATOMIC_RELAXED))
        ;
}
#endif

static void *worker(void *arg)
{
    uint64_t id = (uintptr_t)arg;

    /* all threads start together, so that they really contend */
    atomic_fetch_add(&started, 1);
    while (atomic_load(&started) < THREADS)
        ;
    for (int i = 0; i < iters; i++) {
        uint64_t v = id * 1000003u + (uint64_t)i;

        inc_x64(&c_x64);
        inc_ax64(&c_ax64);
        inc_x32(&c_x32);
        inc_ax32(&c_ax32);
        inc_pair(c_pair);
        inc_apair(c_apair);
        inc_add(&c_add);
        inc_addal(&c_addal);
        add32(&c_add32, (uint32_t)id + 1);
        inc_cas(&c_cas);
        inc_casal(&c_casal);
        lock(&lock_word);
        c_locked++;             /* plain: only the lock makes it exact */
        unlock(&lock_word);
        max_into(&c_max, id & 1 ? v | TOP_BIT : v);
        smax_into(&c_smax, id & 1 ? -(int64_t)v - 1 : (int64_t)v);
        atomic_fetch_add_explicit(&c_c11, 3, memory_order_relaxed);
    }
    return NULL;
}

static int report(const char *what, uint64_t got, uint64_t want)
{
    printf("%-28s %llu %s\n", what, (unsigned long long)got, got == want ? "exact" : "WRONG");
    return got != want;
}

int main(int argc, char **argv)
{
    pthread_t th[THREADS];
    uint64_t n;
    int bad = 0;

    if (argc > 1)
        iters = atoi(argv[1]);
    n = (uint64_t)THREADS * (uint64_t)iters;
    for (uintptr_t t = 0; t < THREADS; t++)
        if (pthread_create(&th[t], NULL, worker, (void *)t) != 0)
            return 2;
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);
    /* the largest values come from the last odd and the last even thread */
    uint64_t top_odd = (THREADS - 1) * 1000003ull + (uint64_t)iters - 1;
    uint64_t top_even = (THREADS - 2) * 1000003ull + (uint64_t)iters - 1;
    bad |= report("exclusive 64-bit", c_x64, n);
    bad |= report("exclusive 64-bit acq/rel", c_ax64, n);
    bad |= report("exclusive 32-bit", c_x32, n);
    bad |= report("exclusive 32-bit acq/rel", c_ax32, n);
    bad |= report("exclusive pair, low word", c_pair[0], n);
    bad |= report("exclusive pair, high word", c_pair[1], 2 * n);
    bad |= report("acq/rel pair, low word", c_apair[0], n);
    bad |= report("acq/rel pair, high word", c_apair[1], 2 * n);
    bad |= report("atomic add (LSE/AMO)", c_add, n);
    bad |= report("atomic add acq/rel", c_addal, n);
    /* thread t adds t + 1: (1 + ... + THREADS) per iteration */
    bad |= report("atomic add 32-bit", c_add32, (uint64_t)iters * THREADS * (THREADS + 1) / 2);
    bad |= report("compare-and-swap loop", c_cas, n);
    bad |= report("compare-and-swap acq/rel", c_casal, n);
    bad |= report("swap spinlock + plain add", c_locked, n);
    bad |= report("atomic max, unsigned", c_max, top_odd | TOP_BIT);
    bad |= report("atomic max, signed", (uint64_t)c_smax, top_even);
    bad |= report("C11 atomic_fetch_add", atomic_load(&c_c11), 3 * n);
    return bad;
}
