/*
 * AdvSIMD structure loads and stores: LD1 with 1-4 registers, LD2/LD3/LD4
 * (de-interleave) and ST2/ST3/ST4 (interleave) for 8-, 16-, 32- and 64-bit
 * elements, single-lane LD1-LD4/ST1-ST4, replicating LD1R-LD4R, at every
 * misalignment of a byte buffer.  On aarch64 the arm_neon.h intrinsics do
 * the work; elsewhere C loops do; the buffers after each operation are
 * hashed, and on aarch64 compared with the C result.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifdef __aarch64__
#include <arm_neon.h>
#endif

static uint8_t src[512], dst[512], ref[512];
static int mismatches;
static uint64_t hash = 0xcbf29ce484222325ull;

static void account(const char *what, int off)
{
    if (memcmp(dst, ref, sizeof(dst))) {
        if (mismatches++ < 10)
            printf("%s at offset %d differs from the C reference\n", what, off);
    }
    for (size_t i = 0; i < sizeof(dst); i++)
        hash = (hash ^ dst[i]) * 0x100000001b3ull;
}

/* C model: n-way (de)interleave of `count` elements of `es` bytes per register */
static void deinterleave(uint8_t *out, const uint8_t *in, int n, int es, int count)
{
    for (int r = 0; r < n; r++)
        for (int e = 0; e < count; e++)
            memcpy(out + (r * count + e) * es, in + (e * n + r) * es, (size_t)es);
}
static void interleave(uint8_t *out, const uint8_t *in, int n, int es, int count)
{
    for (int r = 0; r < n; r++)
        for (int e = 0; e < count; e++)
            memcpy(out + (e * n + r) * es, in + (r * count + e) * es, (size_t)es);
}

#ifdef __aarch64__
/* LDn then store the registers one after another; STn from consecutive data */
#define LDST(S, T, N)                                                                      \
    static void ld##N##_##S(uint8_t *out, const uint8_t *in)                               \
    {                                                                                      \
        __typeof__(vld##N##q_##S((const T *)in)) v = vld##N##q_##S((const T *)in);         \
        for (int r = 0; r < N; r++)                                                        \
            vst1q_##S((T *)(out + 16 * r), v.val[r]);                                      \
    }                                                                                      \
    static void st##N##_##S(uint8_t *out, const uint8_t *in)                               \
    {                                                                                      \
        __typeof__(vld##N##q_##S((const T *)in)) v;                                        \
        for (int r = 0; r < N; r++)                                                        \
            v.val[r] = vld1q_##S((const T *)(in + 16 * r));                                \
        vst##N##q_##S((T *)out, v);                                                        \
    }                                                                                      \
    static void ld1x##N##_##S(uint8_t *out, const uint8_t *in)                             \
    {                                                                                      \
        __typeof__(vld1q_##S##_x##N((const T *)in)) v = vld1q_##S##_x##N((const T *)in);   \
        vst1q_##S##_x##N((T *)out, v);                                                     \
    }                                                                                      \
    static void lane##N##_##S(uint8_t *out, const uint8_t *in)                             \
    {                                                                                      \
        __typeof__(vld##N##q_##S((const T *)in)) v;                                        \
        for (int r = 0; r < N; r++)                                                        \
            v.val[r] = vld1q_##S((const T *)(out + 16 * r));                               \
        v = vld##N##q_lane_##S((const T *)in, v, 1);                                       \
        for (int r = 0; r < N; r++)                                                        \
            vst1q_##S((T *)(out + 16 * r), v.val[r]);                                      \
        vst##N##q_lane_##S((T *)(out + 200), v, 0);                                        \
    }                                                                                      \
    static void dup##N##_##S(uint8_t *out, const uint8_t *in)                              \
    {                                                                                      \
        __typeof__(vld##N##q_dup_##S((const T *)in)) v = vld##N##q_dup_##S((const T *)in); \
        for (int r = 0; r < N; r++)                                                        \
            vst1q_##S((T *)(out + 16 * r), v.val[r]);                                      \
    }
#else
#define LDST(S, T, N)                                                                      \
    static void ld##N##_##S(uint8_t *out, const uint8_t *in)                               \
    {                                                                                      \
        deinterleave(out, in, N, (int)sizeof(T), (int)(16 / sizeof(T)));                   \
    }                                                                                      \
    static void st##N##_##S(uint8_t *out, const uint8_t *in)                               \
    {                                                                                      \
        interleave(out, in, N, (int)sizeof(T), (int)(16 / sizeof(T)));                     \
    }                                                                                      \
    static void ld1x##N##_##S(uint8_t *out, const uint8_t *in) { memcpy(out, in, 16 * N); } \
    static void lane##N##_##S(uint8_t *out, const uint8_t *in) { lane_ref(out, in, N, sizeof(T)); } \
    static void dup##N##_##S(uint8_t *out, const uint8_t *in) { dup_ref(out, in, N, sizeof(T)); }
#endif

/* lane 1 of each of n registers (initialised from out) loaded from in, then
 * lane 0 of each stored to out + 200 */
static void lane_ref(uint8_t *out, const uint8_t *in, int n, size_t es)
{
    for (int r = 0; r < n; r++)
        memcpy(out + 16 * r + es, in + r * es, es);
    for (int r = 0; r < n; r++)
        memcpy(out + 200 + r * es, out + 16 * r, es);
}
static void dup_ref(uint8_t *out, const uint8_t *in, int n, size_t es)
{
    for (int r = 0; r < n; r++)
        for (size_t e = 0; e < 16 / es; e++)
            memcpy(out + 16 * r + e * es, in + r * es, es);
}

#define ALLN(S, T) LDST(S, T, 2) LDST(S, T, 3) LDST(S, T, 4)
ALLN(u8, uint8_t)
ALLN(u16, uint16_t)
ALLN(u32, uint32_t)
ALLN(u64, uint64_t)

typedef void xfer(uint8_t *, const uint8_t *);

static void one(const char *name, xfer *f, int kind, int n, int es)
{
    for (int off = 0; off < 16; off++) {
        for (size_t i = 0; i < sizeof(dst); i++)
            dst[i] = ref[i] = (uint8_t)(i * 7 + off);
        f(dst + 64, src + 100 + off);
        switch (kind) {
        case 0: deinterleave(ref + 64, src + 100 + off, n, es, 16 / es); break;
        case 1: interleave(ref + 64, src + 100 + off, n, es, 16 / es); break;
        case 2: memcpy(ref + 64, src + 100 + off, 16 * (size_t)n); break;
        case 3: lane_ref(ref + 64, src + 100 + off, n, (size_t)es); break;
        default: dup_ref(ref + 64, src + 100 + off, n, (size_t)es); break;
        }
        account(name, off);
    }
}

int main(void)
{
    uint64_t s = 0x243f6a8885a308d3ull;
    for (size_t i = 0; i < sizeof(src); i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        src[i] = (uint8_t)(s >> 56);
    }
#define ONE(S, T, N)                                                                       \
    one("ld" #N "_" #S, ld##N##_##S, 0, N, (int)sizeof(T));                                \
    one("st" #N "_" #S, st##N##_##S, 1, N, (int)sizeof(T));                                \
    one("ld1x" #N "_" #S, ld1x##N##_##S, 2, N, (int)sizeof(T));                            \
    one("lane" #N "_" #S, lane##N##_##S, 3, N, (int)sizeof(T));                            \
    one("dup" #N "_" #S, dup##N##_##S, 4, N, (int)sizeof(T));                              \
    printf("%-8s %016llx\n", #S " x" #N, (unsigned long long)hash);
#define RUNN(S, T) ONE(S, T, 2) ONE(S, T, 3) ONE(S, T, 4)
    RUNN(u8, uint8_t)
    RUNN(u16, uint16_t)
    RUNN(u32, uint32_t)
    RUNN(u64, uint64_t)
    printf("mismatches against the C reference: %d\n", mismatches);
    return mismatches != 0;
}
