/* Single-threaded use of the __atomic builtins on 32- and 64-bit objects
 * (riscv64 AMOs and LR/SC loops, aarch64 LDXR/STXR or LSE): fetch-ops,
 * exchange, strong and weak compare-exchange success and failure paths,
 * and the values they return.  C11 <stdatomic.h> on top. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <inttypes.h>

static uint64_t v64;
static uint32_t v32;
static int32_t s32;

int main(void)
{
    uint64_t h = 0;
    v64 = 0xfffffffffffffff0ull;
    v32 = 0xfffffff0u;
    s32 = -5;
    for (int i = 0; i < 100; i++) {
        uint64_t o1 = __atomic_fetch_add(&v64, (uint64_t)i * 3, __ATOMIC_SEQ_CST);
        uint64_t o2 = __atomic_fetch_xor(&v64, 0x5555aaaa5555aaaaull >> (i & 31), __ATOMIC_ACQ_REL);
        uint64_t o3 = __atomic_fetch_and(&v64, ~(1ull << (i & 63)), __ATOMIC_RELAXED);
        uint64_t o4 = __atomic_fetch_or(&v64, 1ull << ((i * 7) & 63), __ATOMIC_RELEASE);
        uint64_t o5 = __atomic_fetch_sub(&v64, 12345, __ATOMIC_ACQUIRE);
        uint32_t p1 = __atomic_fetch_add(&v32, (uint32_t)i * 0x01000001u, __ATOMIC_SEQ_CST);
        uint32_t p2 = __atomic_exchange_n(&v32, p1 ^ 0xdeadbeefu, __ATOMIC_SEQ_CST);
        int32_t q1 = __atomic_fetch_add(&s32, -3, __ATOMIC_SEQ_CST);
        /* min/max via CAS loops (AMOMIN* have no builtin) */
        int32_t cur = __atomic_load_n(&s32, __ATOMIC_RELAXED);
        int32_t want = cur < i - 50 ? cur : i - 50;
        while (!__atomic_compare_exchange_n(&s32, &cur, want, 1, __ATOMIC_SEQ_CST,
                                            __ATOMIC_RELAXED))
            want = cur < i - 50 ? cur : i - 50;
        h = h * 1099511628211ull ^ o1 ^ (o2 << 1) ^ (o3 << 2) ^ (o4 << 3) ^ (o5 << 4);
        h = h * 1099511628211ull ^ p1 ^ ((uint64_t)p2 << 32) ^ (uint64_t)(int64_t)q1;
    }
    printf("v64=%016" PRIx64 " v32=%08x s32=%d h=%016" PRIx64 "\n", v64, v32, s32, h);

    /* compare-exchange: failure writes back the current value */
    uint64_t expect = 1;
    int ok = __atomic_compare_exchange_n(&v64, &expect, 42, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    printf("cas fail: ok=%d expect=%016" PRIx64 " v64=%016" PRIx64 "\n", ok, expect, v64);
    ok = __atomic_compare_exchange_n(&v64, &expect, 42, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    printf("cas ok: ok=%d v64=%" PRIu64 "\n", ok, v64);
    uint32_t e32 = 7;
    ok = __atomic_compare_exchange_n(&v32, &e32, 9, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    printf("cas32 fail: ok=%d expect=%08x\n", ok, e32);
    /* a weak CAS may fail spuriously; loop until it succeeds */
    int tries = 0;
    do {
        tries++;
    } while (!__atomic_compare_exchange_n(&v32, &e32, 9, 1, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) &&
             tries < 1000);
    printf("cas32 weak: v32=%u succeeded=%d\n", v32, tries < 1000);
    /* sign handling of 32-bit results in 64-bit registers */
    s32 = INT32_MIN;
    int32_t before = __atomic_fetch_sub(&s32, 1, __ATOMIC_SEQ_CST);
    printf("wrap: before=%d after=%d\n", before, s32);
    uint32_t big = 0x80000000u;
    uint32_t xr = __atomic_exchange_n(&big, 0xffffffffu, __ATOMIC_SEQ_CST);
    int64_t widened = (int32_t)xr;
    printf("xchg old=%08x widened=%" PRId64 " new=%08x\n", xr, widened, big);

    atomic_int ai = ATOMIC_VAR_INIT(10);
    atomic_ullong al = 1;
    for (int i = 0; i < 1000; i++) {
        atomic_fetch_add(&ai, i % 7 - 3);
        unsigned long long old = atomic_load(&al);
        while (!atomic_compare_exchange_weak(&al, &old, old * 3 + 1))
            ;
    }
    atomic_flag fl = ATOMIC_FLAG_INIT;
    int t1 = atomic_flag_test_and_set(&fl), t2 = atomic_flag_test_and_set(&fl);
    atomic_flag_clear(&fl);
    int t3 = atomic_flag_test_and_set(&fl);
    atomic_thread_fence(memory_order_seq_cst);
    printf("stdatomic ai=%d al=%llx flag=%d%d%d lockfree=%d%d\n", atomic_load(&ai),
           (unsigned long long)atomic_load(&al), t1, t2, t3, atomic_is_lock_free(&ai),
           atomic_is_lock_free(&al));
    return 0;
}
