/*
 * The CPL-3 workload of the cpl3 guest, shared with its native oracle
 * (oracle/work.c): a xorshift stream folded into a 32-bit sum.
 */
#ifndef WORK_H
#define WORK_H

#include <stdint.h>

static inline uint32_t work(uint32_t n)
{
    uint32_t x = 2463534242u, sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        sum = (sum << 1 | sum >> 31) + (x ^ i);
    }
    return sum;
}

#endif
