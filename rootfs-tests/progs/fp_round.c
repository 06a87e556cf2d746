/* Floating-point arithmetic under each of the four IEEE rounding modes:
 * + - * / sqrt fma, rint/nearbyint/lrint/llrint, and float<->int conversions.
 * Operands go through volatile objects so nothing is folded at build time
 * under the default mode. */
#include <fenv.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <inttypes.h>

static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

/* Called through volatile pointers: at -O2 without -frounding-math, GCC may
 * inline rint-like functions with sequences that assume round-to-nearest. */
static double (*volatile p_rint)(double) = rint;
static double (*volatile p_nearbyint)(double) = nearbyint;
static long (*volatile p_lrint)(double) = lrint;
static long long (*volatile p_llrint)(double) = llrint;
static long (*volatile p_lrintf)(float) = lrintf;
static float (*volatile p_rintf)(float) = rintf;
static double (*volatile p_floor)(double) = floor;
static double (*volatile p_ceil)(double) = ceil;
static double (*volatile p_trunc)(double) = trunc;
static double (*volatile p_round)(double) = round;

static const int modes[] = { FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO };
static const char *const mode_names[] = { "nearest", "upward", "downward", "towardzero" };

static volatile double dv[] = { 1.0, -1.0, 3.0, -3.0, 0.1, -0.1, 1e300, -1e300,
    1e-300, 2.5, -2.5, 0.5, -0.5, 1.5, 7.0 / 3.0, 4503599627370497.0,
    -4503599627370495.5, 1.0000000000000002, 0x1.fffffffffffffp-1, 123456789.75,
    -0.0, 2147483647.4, -2147483648.6 };
#define ND (sizeof(dv) / sizeof(dv[0]))

static volatile float fv[] = { 1.0f, -1.0f, 3.0f, 0.1f, -0.1f, 1e30f, 1e-30f,
    2.5f, -2.5f, 0.5f, 1.5f, 16777217.0f, -8388607.5f, 1.0000001f, 12345.678f };
#define NF (sizeof(fv) / sizeof(fv[0]))

int main(void)
{
    for (unsigned m = 0; m < 4; m++) {
        if (fesetround(modes[m]) != 0) {
            printf("fesetround(%s) failed\n", mode_names[m]);
            return 1;
        }
        printf("== mode %s (fegetround ok=%d)\n", mode_names[m], fegetround() == modes[m]);
        uint64_t h = 0;
        for (unsigned i = 0; i < ND; i++) {
            for (unsigned j = 0; j < ND; j++) {
                volatile double a = dv[i], b = dv[j], c = dv[(i + j) % ND];
                volatile double s = a + b, d = a - b, p = a * b, q = a / b;
                volatile double f = fma(a, b, c);
                h = h * 1099511628211ull ^ dbits(s);
                h = h * 1099511628211ull ^ dbits(d);
                h = h * 1099511628211ull ^ dbits(p);
                /* 0/0 gives a NaN whose sign/payload is ISA-specific */
                h = h * 1099511628211ull ^ (isnan(q) ? 1 : dbits(q));
                h = h * 1099511628211ull ^ (isnan(f) ? 1 : dbits(f));
                if (j == (i * 7) % ND)
                    printf("%a %a: %a %a %a %a %a\n", a, b, s, d, p,
                           isnan(q) ? NAN : q, isnan(f) ? NAN : f);
            }
            volatile double a = dv[i];
            volatile double r = p_rint(a), n = p_nearbyint(a), sq = sqrt(fabs(a));
            volatile float af = (float)a;   /* rounding of double->float */
            long lr = (fabs(a) < 1e18) ? p_lrint(a) : 0;
            long long llr = (fabs(a) < 1e18) ? p_llrint(a) : 0;
            long lrf = (fabs(a) < 1e18) ? p_lrintf(af) : 0;
            printf("  %a: rint=%a nearbyint=%a lrint=%ld llrint=%lld sqrt=%a"
                   " f=%a lrintf=%ld floor=%a ceil=%a trunc=%a round=%a\n",
                   a, r, n, lr, llr, sq, (double)af, lrf, p_floor(a), p_ceil(a),
                   p_trunc(a), p_round(a));
        }
        printf("  hash %016" PRIx64 "\n", h);

        uint32_t hf = 0;
        for (unsigned i = 0; i < NF; i++) {
            for (unsigned j = 0; j < NF; j++) {
                volatile float a = fv[i], b = fv[j];
                volatile float s = a + b, d = a - b, p = a * b, q = a / b;
                volatile float f = fmaf(a, b, fv[(i * j) % NF]);
                hf = hf * 16777619u ^ fbits(s);
                hf = hf * 16777619u ^ fbits(d);
                hf = hf * 16777619u ^ fbits(p);
                hf = hf * 16777619u ^ fbits(q);
                hf = hf * 16777619u ^ fbits(f);
            }
            volatile float a = fv[i];
            printf("  f %a: sqrtf=%a rintf=%a x3=%a\n", (double)a,
                   (double)sqrtf(fabsf(a)), (double)p_rintf(a), (double)(a * 3.0f));
        }
        printf("  fhash %08x\n", hf);

        /* Integer -> floating conversions round too. */
        volatile int64_t big[] = { 9007199254740993LL, -9007199254740995LL,
            INT64_MAX, INT64_MIN + 1, 16777217, -16777219, 0x7ffffffffffffdffLL };
        volatile uint64_t ubig[] = { UINT64_MAX, 0x8000000000000401ull, 18446744073709549568ull };
        for (unsigned i = 0; i < sizeof(big) / sizeof(big[0]); i++)
            printf("  i2f %" PRId64 ": %a %a\n", big[i], (double)big[i], (double)(float)big[i]);
        for (unsigned i = 0; i < sizeof(ubig) / sizeof(ubig[0]); i++)
            printf("  u2f %" PRIu64 ": %a %a\n", ubig[i], (double)ubig[i],
                   (double)(float)ubig[i]);
    }
    fesetround(FE_TONEAREST);
    return 0;
}
