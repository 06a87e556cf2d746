/* Benchmark kernel: int8 dot products and int16 saturating accumulation
 * over 1 MiB vectors, 200 passes (argv[1] scales), the way quantised
 * inference loops run.  AdvSIMD intrinsics on aarch64 (widening multiply,
 * pairwise add-accumulate, saturating add); the same arithmetic in scalar C
 * elsewhere, so every build prints the same checksum. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef __aarch64__
#include <arm_neon.h>
#endif

#define N (1 << 20)

static int8_t a[N + 16], b[N + 16];   /* dot reads up to 7 bytes past N */
static int16_t acc16[N / 2];

static int64_t dot(const int8_t *x, const int8_t *y)
{
#ifdef __aarch64__
    int32x4_t s = vdupq_n_s32(0);
    for (int i = 0; i < N; i += 16) {
        int8x16_t va = vld1q_s8(x + i), vb = vld1q_s8(y + i);
        int16x8_t lo = vmull_s8(vget_low_s8(va), vget_low_s8(vb));
        int16x8_t hi = vmull_high_s8(va, vb);
        s = vpadalq_s16(s, lo);
        s = vpadalq_s16(s, hi);
    }
    return vaddlvq_s32(s);
#else
    int64_t s = 0;
    for (int i = 0; i < N; i++)
        s += x[i] * y[i];
    return s;
#endif
}

#ifndef __aarch64__
static int16_t sat16(int v)
{
    return (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
}
#endif

/* acc16[i] = sat(acc16[i] + x[2i] * y[2i]) */
static void accumulate(const int8_t *x, const int8_t *y)
{
#ifdef __aarch64__
    for (int i = 0; i < N; i += 32) {
        int8x16x2_t vx = vld2q_s8(x + i), vy = vld2q_s8(y + i);
        int16x8_t plo = vmull_s8(vget_low_s8(vx.val[0]), vget_low_s8(vy.val[0]));
        int16x8_t phi = vmull_high_s8(vx.val[0], vy.val[0]);
        int16_t *d = acc16 + i / 2;
        vst1q_s16(d, vqaddq_s16(vld1q_s16(d), plo));
        vst1q_s16(d + 8, vqaddq_s16(vld1q_s16(d + 8), phi));
    }
#else
    for (int i = 0; i < N; i += 2)
        acc16[i / 2] = sat16(acc16[i / 2] + x[i] * y[i]);
#endif
}

int main(int argc, char **argv)
{
    int scale = argc > 1 ? atoi(argv[1]) : 1;
    uint32_t r = 2463534242u;
    int64_t total = 0;
    uint64_t h = 1469598103934665603ull;

    for (int i = 0; i < N; i++) {
        r ^= r << 13; r ^= r >> 17; r ^= r << 5;
        a[i] = (int8_t)r;
        b[i] = (int8_t)(r >> 8);
    }
    for (int pass = 0; pass < 200 * scale; pass++) {
        total += dot(a + (pass & 7), b) - pass;
        if (pass % 20 == 0)
            accumulate(a, b + (pass & 15));
    }
    for (int i = 0; i < N / 2; i++)
        h = (h ^ (uint16_t)acc16[i]) * 1099511628211ull;
    printf("%lld %016llx\n", (long long)total, (unsigned long long)h);
    return 0;
}
