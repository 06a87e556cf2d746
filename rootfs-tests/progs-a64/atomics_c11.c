/*
 * C11 <stdatomic.h> on aarch64: 8-, 16-, 32- and 64-bit atomic objects and
 * atomic_flag with every fetch-op, exchange and compare-exchange (strong
 * and weak, success and failure, every memory order), fences; then four
 * threads contending on a fetch_add counter, a compare-exchange loop, a
 * 16-bit counter that wraps, an atomic_flag spinlock guarding plain data
 * and a ticket lock.  aarch64 GCC reaches these through the outline-atomics
 * helpers, which pick LSE (ldadd, swp, cas) from AT_HWCAP or fall back to
 * exclusive-pair loops.  Output is the same on every architecture.
 */
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#define ORDERS(X) X(memory_order_relaxed) X(memory_order_acquire) X(memory_order_release) \
                  X(memory_order_acq_rel) X(memory_order_seq_cst)

/* one width's single-threaded walk through every operation */
#define WALK(T, name)                                                                      \
    static void walk_##name(void)                                                          \
    {                                                                                      \
        static _Atomic T v;                                                                \
        T old, exp;                                                                        \
        uint64_t h = 0;                                                                    \
        atomic_init(&v, (T)0x5a);                                                          \
        for (int i = 0; i < 40; i++) {                                                     \
            T k = (T)(0x9e3779b97f4a7c15ull >> (i % 48) ^ (uint64_t)i * 0x1111);           \
            switch (i % 10) {                                                              \
            case 0: old = atomic_fetch_add(&v, k); break;                                  \
            case 1: old = atomic_fetch_sub_explicit(&v, k, memory_order_acq_rel); break;   \
            case 2: old = atomic_fetch_and_explicit(&v, (T)(k | 0x81), memory_order_release); break; \
            case 3: old = atomic_fetch_or_explicit(&v, k, memory_order_acquire); break;    \
            case 4: old = atomic_fetch_xor_explicit(&v, k, memory_order_relaxed); break;   \
            case 5: old = atomic_exchange(&v, k); break;                                   \
            case 6:                                                                        \
                exp = atomic_load(&v);                                                     \
                old = atomic_compare_exchange_strong(&v, &exp, (T)(exp + k));              \
                break;                                                                     \
            case 7:                                                                        \
                exp = (T)(atomic_load_explicit(&v, memory_order_acquire) + 1);             \
                old = atomic_compare_exchange_strong_explicit(&v, &exp, k, memory_order_seq_cst, \
                                                              memory_order_relaxed);       \
                old = (T)(old * 2 + exp);                                                  \
                break;                                                                     \
            case 8:                                                                        \
                exp = atomic_load(&v);                                                     \
                while (!atomic_compare_exchange_weak(&v, &exp, (T)(exp ^ k)))              \
                    ;                                                                      \
                old = exp;                                                                 \
                break;                                                                     \
            default:                                                                       \
                atomic_store_explicit(&v, k, memory_order_release);                        \
                old = atomic_load_explicit(&v, memory_order_relaxed);                      \
                break;                                                                     \
            }                                                                              \
            h = h * 1000003 ^ (uint64_t)old ^ (uint64_t)atomic_load(&v) << 7;              \
        }                                                                                  \
        printf("%-8s lock-free %d  walk %016" PRIx64 "  final %016" PRIx64 "\n", #name,     \
               atomic_is_lock_free(&v), h, (uint64_t)atomic_load(&v));                     \
    }
WALK(uint8_t, u8)
WALK(int16_t, s16)
WALK(uint32_t, u32)
WALK(int64_t, s64)
WALK(uint64_t, u64)

static void orders(void)
{
    static _Atomic uint32_t v;
    uint32_t h = 0;
#define ONE(o)                                                                             \
    atomic_store(&v, 100);                                                                 \
    h = h * 31 + atomic_fetch_add_explicit(&v, 3, o);                                      \
    h = h * 31 + atomic_exchange_explicit(&v, 7, o);                                       \
    atomic_thread_fence(o);                                                                \
    atomic_signal_fence(o);                                                                \
    h = h * 31 + atomic_load(&v);
    ORDERS(ONE)
    atomic_flag f = ATOMIC_FLAG_INIT;
    int first = atomic_flag_test_and_set(&f), second = atomic_flag_test_and_set(&f);
    atomic_flag_clear(&f);
    int third = atomic_flag_test_and_set_explicit(&f, memory_order_acquire);
    printf("orders %08x flag %d %d %d\n", h, first, second, third);
}

/* ---- four threads ---- */
#define NT 4
#define ITERS 100000

static _Atomic uint64_t counter, cas_counter;
static _Atomic uint16_t wrap16;
static atomic_flag spin = ATOMIC_FLAG_INIT;
static uint64_t guarded;                        /* plain: the spinlock protects it */
static _Atomic uint32_t next_ticket, now_serving;
static uint64_t ticket_guarded;
static _Atomic uint64_t max_seen;

static void *worker(void *arg)
{
    uint64_t id = (uint64_t)(uintptr_t)arg;
    for (int i = 0; i < ITERS; i++) {
        atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed);
        uint64_t c = atomic_load_explicit(&cas_counter, memory_order_relaxed);
        while (!atomic_compare_exchange_weak_explicit(&cas_counter, &c, c + id + 1,
                                                      memory_order_acq_rel, memory_order_relaxed))
            ;
        atomic_fetch_add(&wrap16, 3);
        if (i % 8 == 0) {
            /* yield while spinning: four threads may share fewer host CPUs */
            while (atomic_flag_test_and_set_explicit(&spin, memory_order_acquire))
                sched_yield();
            guarded += id + 1;
            atomic_flag_clear_explicit(&spin, memory_order_release);
        }
        if (i % 16 == 0) {
            uint32_t t = atomic_fetch_add_explicit(&next_ticket, 1, memory_order_relaxed);
            while (atomic_load_explicit(&now_serving, memory_order_acquire) != t)
                sched_yield();
            ticket_guarded = ticket_guarded * 3 % 1000003 + 1;
            atomic_store_explicit(&now_serving, t + 1, memory_order_release);
        }
        uint64_t m = atomic_load(&max_seen), want = id * ITERS + (uint64_t)i;
        while (m < want && !atomic_compare_exchange_weak(&max_seen, &m, want))
            ;
    }
    return NULL;
}

int main(void)
{
    walk_u8();
    walk_s16();
    walk_u32();
    walk_s64();
    walk_u64();
    orders();
    pthread_t th[NT];
    for (uint64_t i = 0; i < NT; i++)
        if (pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)i)) {
            printf("pthread_create failed\n");
            return 1;
        }
    for (int i = 0; i < NT; i++)
        pthread_join(th[i], NULL);
    /* the ticket lock serialises the LCG steps: their count, not order, matters */
    uint64_t lcg = 0;
    for (int i = 0; i < NT * ((ITERS + 15) / 16); i++)
        lcg = lcg * 3 % 1000003 + 1;
    printf("fetch_add counter %" PRIu64 " (expect %d)\n", atomic_load(&counter), NT * ITERS);
    printf("cas counter %" PRIu64 " (expect %d)\n", atomic_load(&cas_counter),
           ITERS * (1 + 2 + 3 + 4));
    printf("16-bit wrap %u (expect %u)\n", (unsigned)atomic_load(&wrap16),
           (unsigned)(uint16_t)(3u * NT * ITERS));
    printf("spinlock-guarded sum %" PRIu64 " (expect %d)\n", guarded, (ITERS / 8) * (1 + 2 + 3 + 4));
    printf("ticket lock: %u tickets, guarded value %s\n", (unsigned)atomic_load(&now_serving),
           ticket_guarded == lcg ? "consistent" : "LOST UPDATES");
    printf("max seen %" PRIu64 "\n", atomic_load(&max_seen));
    return 0;
}
