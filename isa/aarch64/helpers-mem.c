/*
 * Exclusive monitor and atomic helpers.  Guest memory is host memory
 * (exec_config.guest_base added), so these are host atomics on it.  A
 * store-exclusive succeeds when the monitor holds this address and memory
 * still holds the value the load-exclusive saw: a compare-and-swap, as
 * DESIGN.md decision 6 prescribes (an ABA in between goes unnoticed, which
 * no correct LL/SC user can observe).
 */
#include "isa/aarch64/helpers.h"

#include <signal.h>

#include "isa/aarch64/cpu.h"
#include "syscall/guest_fault.h"

/*
 * Exclusive, atomic and ordered accesses must be aligned to their size (a
 * pair's whole size): without FEAT_LSE2, which we do not advertise, the
 * Arm ARM's CheckAlignment raises an Alignment fault for them, which Linux
 * reports as SIGBUS/BUS_ADRALN at the address.  The x86 host would just do
 * the access.  A macro, so that the return address is the helper's own.
 */
#define CHECK_ALIGN(addr, bytes)                                                      \
    do {                                                                              \
        if ((addr) & ((bytes) - 1))                                                   \
            guest_fault_raise(SIGBUS, BUS_ADRALN, addr, __builtin_return_address(0),  \
                              __builtin_frame_address(0));                            \
    } while (0)

static void *host(uint64_t addr)
{
    return (void *)(exec_config.guest_base + (uintptr_t)addr);
}

static uint64_t load_size(uint64_t addr, unsigned size)
{
    void *p = host(addr);
    switch (size) {
    case 0: return __atomic_load_n((uint8_t *)p, __ATOMIC_RELAXED);
    case 1: return __atomic_load_n((uint16_t *)p, __ATOMIC_RELAXED);
    case 2: return __atomic_load_n((uint32_t *)p, __ATOMIC_RELAXED);
    default: return __atomic_load_n((uint64_t *)p, __ATOMIC_RELAXED);
    }
}

static bool cas_size(uint64_t addr, unsigned size, uint64_t *expected, uint64_t newv)
{
    void *p = host(addr);
    bool ok;
    switch (size) {
    case 0: {
        uint8_t e = (uint8_t)*expected;
        ok = __atomic_compare_exchange_n((uint8_t *)p, &e, (uint8_t)newv, false,
                                         __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        *expected = e;
        return ok;
    }
    case 1: {
        uint16_t e = (uint16_t)*expected;
        ok = __atomic_compare_exchange_n((uint16_t *)p, &e, (uint16_t)newv, false,
                                         __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        *expected = e;
        return ok;
    }
    case 2: {
        uint32_t e = (uint32_t)*expected;
        ok = __atomic_compare_exchange_n((uint32_t *)p, &e, (uint32_t)newv, false,
                                         __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        *expected = e;
        return ok;
    }
    default:
        return __atomic_compare_exchange_n((uint64_t *)p, expected, newv, false,
                                           __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    }
}

/* 16-byte compare-and-swap; lo and hi receive the old value.  cmpxchg16b is
 * used directly because the project does not build with -mcx16. */
static bool cas_128(uint64_t addr, uint64_t *lo, uint64_t *hi, uint64_t nlo, uint64_t nhi)
{
    bool ok;
    unsigned __int128 *p = host(addr);
    __asm__ __volatile__("lock cmpxchg16b %1"
                         : "=@ccz"(ok), "+m"(*p), "+a"(*lo), "+d"(*hi)
                         : "b"(nlo), "c"(nhi)
                         : "memory");
    return ok;
}

static void monitor_clear(struct a64_cpu *c)
{
    c->excl_addr = ~0ull;
}

A64_HELPER(a64_helper_check_align)
{
    (void)state;
    (void)a2;
    (void)a3;
    CHECK_ALIGN(a0, a1);
    return 0;
}

A64_HELPER(a64_helper_clrex)
{
    monitor_clear(state);
    return 0;
}

A64_HELPER(a64_helper_ldxr)
{
    struct a64_cpu *c = state;
    CHECK_ALIGN(a0, 1ull << a1);
    uint64_t v = load_size(a0, (unsigned)a1);
    c->excl_addr = a0;
    c->excl_val[0] = v;
    c->excl_size = a1;
    return v;
}

A64_HELPER(a64_helper_stxr)
{
    struct a64_cpu *c = state;
    /* before the monitor, as in the Arm ARM's ExclusiveMonitorsPass */
    CHECK_ALIGN(a0, 1ull << a2);
    bool match = c->excl_addr == a0 && c->excl_size == a2;
    uint64_t expected = c->excl_val[0];
    monitor_clear(c);
    if (!match)
        return 1;
    return cas_size(a0, (unsigned)a2, &expected, a1) ? 0 : 1;
}

A64_HELPER(a64_helper_ldxp)
{
    struct a64_cpu *c = state;
    unsigned rt = a1 & 31, rt2 = (a1 >> 8) & 31, size = (a1 >> 16) & 3;
    uint64_t v1, v2;
    CHECK_ALIGN(a0, 2ull << size);
    if (size == 2) {
        uint64_t w = load_size(a0, 3);
        v1 = (uint32_t)w;
        v2 = w >> 32;
        c->excl_val[0] = w;
    } else {
        /* two loads may tear; the store-exclusive's 16-byte CAS then fails */
        v1 = load_size(a0, 3);
        v2 = load_size(a0 + 8, 3);
        c->excl_val[0] = v1;
        c->excl_val[1] = v2;
    }
    c->excl_addr = a0;
    c->excl_size = 0x100 | size;
    if (rt != 31)
        c->x[rt] = v1;
    if (rt2 != 31)
        c->x[rt2] = v2;
    return 0;
}

A64_HELPER(a64_helper_stxp)
{
    struct a64_cpu *c = state;
    unsigned size = (unsigned)a3;
    CHECK_ALIGN(a0, 2ull << size);
    bool match = c->excl_addr == a0 && c->excl_size == (0x100 | size);
    monitor_clear(c);
    if (!match)
        return 1;
    if (size == 2) {
        uint64_t expected = c->excl_val[0];
        return cas_size(a0, 3, &expected, (uint32_t)a1 | a2 << 32) ? 0 : 1;
    }
    uint64_t lo = c->excl_val[0], hi = c->excl_val[1];
    return cas_128(a0, &lo, &hi, a1, a2) ? 0 : 1;
}

A64_HELPER(a64_helper_casp)
{
    struct a64_cpu *c = state;
    unsigned rs = a1 & 31, rt = (a1 >> 8) & 31;
    bool x = (a1 >> 16) & 1;
    /* register 31 reads as zero in either pair (XZR) */
    uint64_t s0 = rs == 31 ? 0 : c->x[rs], s1 = rs + 1 >= 31 ? 0 : c->x[rs + 1];
    uint64_t t0 = rt == 31 ? 0 : c->x[rt], t1 = rt + 1 >= 31 ? 0 : c->x[rt + 1];
    uint64_t o0, o1;
    CHECK_ALIGN(a0, x ? 16u : 8u);
    if (!x) {
        uint64_t expected = (uint32_t)s0 | (uint64_t)(uint32_t)s1 << 32;
        cas_size(a0, 3, &expected, (uint32_t)t0 | (uint64_t)(uint32_t)t1 << 32);
        o0 = (uint32_t)expected;
        o1 = expected >> 32;
    } else {
        o0 = s0;
        o1 = s1;
        cas_128(a0, &o0, &o1, t0, t1);
    }
    if (rs != 31)
        c->x[rs] = o0;
    if (rs + 1 < 31)
        c->x[rs + 1] = o1;
    return 0;
}
