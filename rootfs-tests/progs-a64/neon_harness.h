/*
 * Shared by the NEON lane-type programs (neon_arith, neon_perm, neon_qdmul,
 * neon_sat): input vectors, the FNV-1a result hash, the lane accessors and
 * the mismatch report that compares arm_neon.h with the C reference.
 */
#ifndef NEON_HARNESS_H
#define NEON_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifdef __aarch64__
#include <arm_neon.h>
#endif

#define NV 40
static uint8_t A[NV][16], B[NV][16], C[NV][16];
static int mismatches;

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* lanes of esize bytes with many edge values */
static void fill(uint8_t *p, int esize)
{
    for (int i = 0; i < 16; i += esize) {
        uint64_t v = rnd(), top = 1ull << (8 * esize - 1);
        switch (rnd() % 8) {
        case 0: v = 0; break;
        case 1: v = 1; break;
        case 2: v = ~0ull; break;
        case 3: v = top; break;
        case 4: v = top - 1; break;
        case 5: v = rnd() % 9; break;
        default: break;
        }
        memcpy(p + i, &v, (size_t)esize);
    }
}

typedef void opfn(const void *a, const void *b, const void *c, void *r);

static void run(const char *name, int esize, opfn *impl, opfn *ref)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (int v = 0; v < NV; v++) {
        uint8_t ri[16], rr[16];
        impl(A[v], B[v], C[v], ri);
        ref(A[v], B[v], C[v], rr);
        if (memcmp(ri, rr, 16)) {
            mismatches++;
            printf("%s: input %d differs from the C reference\n", name, v);
        }
        for (int i = 0; i < 16; i++)
            h = (h ^ ri[i]) * 0x100000001b3ull;
    }
    printf("%-10s e%d %016llx\n", name, 8 * esize, (unsigned long long)h);
}

/* DEF(name, T, SFX, NEONEXPR, REFEXPR): NEONEXPR uses va vb vc, REFEXPR x y z */
#ifdef __aarch64__
#define IMPL(name, T, SFX, NEONEXPR)                                                    \
    static void name##_impl(const void *a_, const void *b_, const void *c_, void *r_)   \
    {                                                                                   \
        __typeof__(vld1q_##SFX((const T *)a_)) va = vld1q_##SFX((const T *)a_),         \
                                                 vb = vld1q_##SFX((const T *)b_),       \
                                                 vc = vld1q_##SFX((const T *)c_);       \
        (void)va; (void)vb; (void)vc;                                                   \
        vst1q_##SFX((T *)r_, NEONEXPR);                                                 \
    }
#else
#define IMPL(name, T, SFX, NEONEXPR)                                                    \
    static void name##_impl(const void *a_, const void *b_, const void *c_, void *r_)   \
    {                                                                                   \
        name##_ref(a_, b_, c_, r_);                                                     \
    }
#endif
#define DEF(name, T, SFX, NEONEXPR, REFEXPR)                                            \
    static void name##_ref(const void *a_, const void *b_, const void *c_, void *r_)    \
    {                                                                                   \
        const T *a = a_, *b = b_, *c = c_;                                              \
        T *r = r_;                                                                      \
        for (int i = 0; i < (int)(16 / sizeof(T)); i++) {                               \
            T x = a[i], y = b[i], z = c[i];                                             \
            (void)x; (void)y; (void)z;                                                  \
            r[i] = (T)(REFEXPR);                                                        \
        }                                                                               \
    }                                                                                   \
    IMPL(name, T, SFX, NEONEXPR)

#define U64(v) ((uint64_t)(v))
#define MASK(c) ((c) ? ~0ull : 0)

#endif
