/* Benchmark kernel: a separable 5-tap float blur over a 1024x1024 image
 * and a float saxpy, 12 rounds (argv[1] scales).  float32x4 intrinsics
 * (fused multiply-add, by-lane multiplies, loads at odd offsets) on
 * aarch64, scalar C with the same operation order elsewhere, fma() where
 * the vector code fuses, so every build prints the same checksum. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __aarch64__
#include <arm_neon.h>
#endif

#define W 1024
#define H 1024

static float img[H][W], tmp[H][W];
static const float k5[5] = { 0.0625f, 0.25f, 0.375f, 0.25f, 0.0625f };

static void blur_rows(float (*dst)[W], float (*src)[W])
{
    for (int y = 0; y < H; y++) {
        dst[y][0] = src[y][0];
        dst[y][1] = src[y][1];
        dst[y][W - 2] = src[y][W - 2];
        dst[y][W - 1] = src[y][W - 1];
#ifdef __aarch64__
        float32x4_t kv = vld1q_f32(k5);
        int x;
        for (x = 2; x + 4 <= W - 2; x += 4) {
            float32x4_t s = vmulq_laneq_f32(vld1q_f32(&src[y][x - 2]), kv, 0);
            s = vfmaq_laneq_f32(s, vld1q_f32(&src[y][x - 1]), kv, 1);
            s = vfmaq_laneq_f32(s, vld1q_f32(&src[y][x]), kv, 2);
            s = vfmaq_laneq_f32(s, vld1q_f32(&src[y][x + 1]), kv, 3);
            s = vfmaq_n_f32(s, vld1q_f32(&src[y][x + 2]), k5[4]);
            vst1q_f32(&dst[y][x], s);
        }
        for (; x < W - 2; x++) {
#else
        for (int x = 2; x < W - 2; x++) {
#endif
            float s = src[y][x - 2] * k5[0];
            s = fmaf(src[y][x - 1], k5[1], s);
            s = fmaf(src[y][x], k5[2], s);
            s = fmaf(src[y][x + 1], k5[3], s);
            s = fmaf(src[y][x + 2], k5[4], s);
            dst[y][x] = s;
        }
    }
}

/* transpose so that the same row pass blurs columns */
static void transpose(float (*dst)[W], float (*src)[W])
{
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            dst[x][y] = src[y][x];
}

static void saxpy(float a, float *x, const float *y, int n)
{
#ifdef __aarch64__
    float32x4_t va = vdupq_n_f32(a);
    for (int i = 0; i < n; i += 4)
        vst1q_f32(x + i, vfmaq_f32(vld1q_f32(y + i), va, vld1q_f32(x + i)));
#else
    for (int i = 0; i < n; i++)
        x[i] = fmaf(a, x[i], y[i]);
#endif
}

int main(int argc, char **argv)
{
    int scale = argc > 1 ? atoi(argv[1]) : 1;
    uint32_t r = 88172645u;
    double sum = 0;

    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            r ^= r << 13; r ^= r >> 17; r ^= r << 5;
            img[y][x] = (float)(r & 0xffff) / 65536.0f;
        }
    for (int round = 0; round < 12 * scale; round++) {
        blur_rows(tmp, img);
        transpose(img, tmp);
        blur_rows(tmp, img);
        transpose(img, tmp);
        saxpy(0.999f, &img[0][0], &tmp[0][0], W * H);
    }
    for (int y = 0; y < H; y += 7)
        for (int x = 0; x < W; x += 5)
            sum += img[y][x];
    printf("%a\n", sum);
    return 0;
}
