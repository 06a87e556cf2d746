/*
 * Small NEON kernels of the kind real code runs in hot loops, each with a
 * scalar C twin: int8 dot product (smull + sadalp), sum of absolute
 * differences (uabdl + uadalp), strlen/memchr (cmeq + umaxv), 4x4 float
 * matrix products (fmla by lane, fused like the twin's fmaf), RGB to grey
 * (ld3 + umull/umlal + shrn), hex encoding (tbl), saturating audio mixing
 * (sqadd + sqxtn), and a float min/max scan.  On aarch64 both versions run
 * and must agree; elsewhere the twins run alone.  Results are printed.
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __aarch64__
#include <arm_neon.h>
#endif

#define N 4096
static int8_t sa[N], sb[N];
static uint8_t ua[N], ub[N], rgb[3 * N], text[N + 64];
static int16_t snd1[N], snd2[N];
static float fm[N];
static int mismatches;

static void check(const char *what, int same)
{
    if (!same && mismatches++ < 20)
        printf("%s: NEON and scalar results differ\n", what);
}

static int32_t dot_c(const int8_t *a, const int8_t *b, int n)
{
    int32_t s = 0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}
static int32_t dot_v(const int8_t *a, const int8_t *b, int n)
{
#ifdef __aarch64__
    int32x4_t acc = vdupq_n_s32(0);
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        int8x16_t x = vld1q_s8(a + i), y = vld1q_s8(b + i);
        acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(x), vget_low_s8(y)));
        acc = vpadalq_s16(acc, vmull_high_s8(x, y));
    }
    return vaddvq_s32(acc) + dot_c(a + i, b + i, n - i);
#else
    return dot_c(a, b, n);
#endif
}

static uint32_t sad_c(const uint8_t *a, const uint8_t *b, int n)
{
    uint32_t s = 0;
    for (int i = 0; i < n; i++)
        s += (uint32_t)abs(a[i] - b[i]);
    return s;
}
static uint32_t sad_v(const uint8_t *a, const uint8_t *b, int n)
{
#ifdef __aarch64__
    uint32x4_t acc = vdupq_n_u32(0);
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        uint8x16_t x = vld1q_u8(a + i), y = vld1q_u8(b + i);
        uint16x8_t d = vabdl_u8(vget_low_u8(x), vget_low_u8(y));
        d = vabal_high_u8(d, x, y);
        acc = vpadalq_u16(acc, d);
    }
    return vaddvq_u32(acc) + sad_c(a + i, b + i, n - i);
#else
    return sad_c(a, b, n);
#endif
}

static size_t len_c(const uint8_t *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}
/* reads whole 16-byte blocks: the buffer has padding */
static size_t len_v(const uint8_t *s)
{
#ifdef __aarch64__
    for (size_t i = 0;; i += 16) {
        uint8x16_t z = vceqq_u8(vld1q_u8(s + i), vdupq_n_u8(0));
        if (vmaxvq_u8(z)) {
            uint64_t lo = vgetq_lane_u64(vreinterpretq_u64_u8(z), 0);
            uint64_t hi = vgetq_lane_u64(vreinterpretq_u64_u8(z), 1);
            return i + (lo ? (size_t)__builtin_ctzll(lo) / 8 : 8 + (size_t)__builtin_ctzll(hi) / 8);
        }
    }
#else
    return len_c(s);
#endif
}

static void mat_c(const float *a, const float *b, float *c)
{
    for (int r = 0; r < 4; r++)
        for (int k = 0; k < 4; k++) {
            float acc = 0;
            for (int j = 0; j < 4; j++)
                acc = fmaf(b[4 * j + k], a[4 * r + j], acc);
            c[4 * r + k] = acc;
        }
}
static void mat_v(const float *a, const float *b, float *c)
{
#ifdef __aarch64__
    float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4), b2 = vld1q_f32(b + 8),
                b3 = vld1q_f32(b + 12);
    for (int r = 0; r < 4; r++) {
        float32x4_t ar = vld1q_f32(a + 4 * r), acc = vdupq_n_f32(0);
        acc = vfmaq_laneq_f32(acc, b0, ar, 0);
        acc = vfmaq_laneq_f32(acc, b1, ar, 1);
        acc = vfmaq_laneq_f32(acc, b2, ar, 2);
        acc = vfmaq_laneq_f32(acc, b3, ar, 3);
        vst1q_f32(c + 4 * r, acc);
    }
#else
    mat_c(a, b, c);
#endif
}

/* grey = (77 R + 150 G + 29 B) >> 8 */
static void grey_c(const uint8_t *p, uint8_t *g, int n)
{
    for (int i = 0; i < n; i++)
        g[i] = (uint8_t)((77 * p[3 * i] + 150 * p[3 * i + 1] + 29 * p[3 * i + 2]) >> 8);
}
static void grey_v(const uint8_t *p, uint8_t *g, int n)
{
#ifdef __aarch64__
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        uint8x8x3_t px = vld3_u8(p + 3 * i);
        uint16x8_t s = vmull_u8(px.val[0], vdup_n_u8(77));
        s = vmlal_u8(s, px.val[1], vdup_n_u8(150));
        s = vmlal_u8(s, px.val[2], vdup_n_u8(29));
        vst1_u8(g + i, vshrn_n_u16(s, 8));
    }
    grey_c(p + 3 * i, g + i, n - i);
#else
    grey_c(p, g, n);
#endif
}

static const char hexd[] = "0123456789abcdef";
static void hex_c(const uint8_t *in, char *out, int n)
{
    for (int i = 0; i < n; i++) {
        out[2 * i] = hexd[in[i] >> 4];
        out[2 * i + 1] = hexd[in[i] & 15];
    }
}
static void hex_v(const uint8_t *in, char *out, int n)
{
#ifdef __aarch64__
    uint8x16_t tab = vld1q_u8((const uint8_t *)hexd);
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        uint8x16_t x = vld1q_u8(in + i);
        uint8x16_t hi = vqtbl1q_u8(tab, vshrq_n_u8(x, 4)), lo = vqtbl1q_u8(tab, vandq_u8(x, vdupq_n_u8(15)));
        uint8x16x2_t z = { { vzip1q_u8(hi, lo), vzip2q_u8(hi, lo) } };
        vst1q_u8_x2((uint8_t *)out + 2 * i, z);
    }
    hex_c(in + i, out + 2 * i, n - i);
#else
    hex_c(in, out, n);
#endif
}

/* mix two 16-bit streams, then narrow to 8 bits with saturation */
static void mix_c(const int16_t *a, const int16_t *b, int8_t *o, int n)
{
    for (int i = 0; i < n; i++) {
        int s = a[i] + b[i];
        s = s > 32767 ? 32767 : s < -32768 ? -32768 : s;
        s >>= 4;
        o[i] = (int8_t)(s > 127 ? 127 : s < -128 ? -128 : s);
    }
}
static void mix_v(const int16_t *a, const int16_t *b, int8_t *o, int n)
{
#ifdef __aarch64__
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        int16x8_t s = vqaddq_s16(vld1q_s16(a + i), vld1q_s16(b + i));
        vst1_s8(o + i, vqmovn_s16(vshrq_n_s16(s, 4)));
    }
    mix_c(a + i, b + i, o + i, n - i);
#else
    mix_c(a, b, o, n);
#endif
}

static void minmax_c(const float *f, int n, float *mn, float *mx)
{
    *mn = *mx = f[0];
    for (int i = 1; i < n; i++) {
        *mn = f[i] < *mn ? f[i] : *mn;
        *mx = f[i] > *mx ? f[i] : *mx;
    }
}
static void minmax_v(const float *f, int n, float *mn, float *mx)
{
#ifdef __aarch64__
    float32x4_t lo = vld1q_f32(f), hi = lo;
    for (int i = 4; i + 4 <= n; i += 4) {
        float32x4_t x = vld1q_f32(f + i);
        lo = vminq_f32(lo, x);
        hi = vmaxq_f32(hi, x);
    }
    *mn = vminvq_f32(lo);
    *mx = vmaxvq_f32(hi);
#else
    minmax_c(f, n, mn, mx);
#endif
}

int main(void)
{
    uint64_t s = 0x510e527fade682d1ull;
    for (int i = 0; i < N; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        sa[i] = (int8_t)(s >> 56);
        sb[i] = (int8_t)(s >> 48);
        ua[i] = (uint8_t)(s >> 40);
        ub[i] = (uint8_t)(s >> 32);
        snd1[i] = (int16_t)(s >> 24);
        snd2[i] = (int16_t)(s >> 8);
        fm[i] = (float)(int32_t)(s >> 33) / 65536.0f;
        for (int k = 0; k < 3; k++)
            rgb[3 * i + k] = (uint8_t)(s >> (8 * k + 3));
    }
    for (int n = 1; n <= N; n = n * 3 + 1) {
        int32_t d1 = dot_v(sa, sb, n), d2 = dot_c(sa, sb, n);
        uint32_t s1 = sad_v(ua, ub, n), s2 = sad_c(ua, ub, n);
        check("dot", d1 == d2);
        check("sad", s1 == s2);
        printf("n=%4d dot %" PRId32 " sad %" PRIu32 "\n", n, d1, s1);
    }
    for (int len = 0; len < 200; len += 7) {
        memset(text, 'x', sizeof(text));
        text[len] = 0;
        check("strlen", len_v(text) == len_c(text));
    }
    printf("strlen ok through 196\n");

    float a[16], b[16], c1[16], c2[16];
    uint64_t hm = 0;
    for (int t = 0; t < 200; t++) {
        for (int i = 0; i < 16; i++) {
            a[i] = fm[(t * 16 + i) % N];
            b[i] = fm[(t * 7 + i * 13) % N];
        }
        mat_v(a, b, c1);
        mat_c(a, b, c2);
        check("matmul", !memcmp(c1, c2, sizeof(c1)));
        for (int i = 0; i < 16; i++) {
            uint32_t u;
            memcpy(&u, &c1[i], 4);
            hm = hm * 1000003 ^ u;
        }
    }
    printf("matmul %016" PRIx64 "\n", hm);

    static uint8_t g1[N], g2[N];
    grey_v(rgb, g1, N - 3);
    grey_c(rgb, g2, N - 3);
    check("grey", !memcmp(g1, g2, N - 3));
    uint32_t gs = 0;
    for (int i = 0; i < N - 3; i++)
        gs = gs * 31 + g1[i];
    printf("grey %08" PRIx32 "\n", gs);

    static char h1[2 * N], h2[2 * N];
    hex_v(ua, h1, N - 5);
    hex_c(ua, h2, N - 5);
    check("hex", !memcmp(h1, h2, 2 * (N - 5)));
    printf("hex %.32s...\n", h1);

    static int8_t m1[N], m2[N];
    mix_v(snd1, snd2, m1, N - 1);
    mix_c(snd1, snd2, m2, N - 1);
    check("mix", !memcmp(m1, m2, N - 1));
    uint32_t ms = 0;
    for (int i = 0; i < N - 1; i++)
        ms = ms * 7 + (uint32_t)m1[i];
    printf("mix %08" PRIx32 "\n", ms);

    float mn1, mx1, mn2, mx2;
    minmax_v(fm, N, &mn1, &mx1);
    minmax_c(fm, N, &mn2, &mx2);
    check("minmax", mn1 == mn2 && mx1 == mx2);
    printf("min %.6f max %.6f\n", (double)mn1, (double)mx1);
    printf("mismatches between NEON and scalar: %d\n", mismatches);
    return mismatches != 0;
}
