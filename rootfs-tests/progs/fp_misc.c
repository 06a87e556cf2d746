/* Floating-point representation details: NaN payloads and signs through
 * bit-level operations, denormals, limits of in-range float<->int
 * conversions, exact libm helpers, and printf/strtod formatting. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>

static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static double dfrom(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static float ffrom(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

static const char *cls(double d)
{
    switch (fpclassify(d)) {
    case FP_NAN: return "nan";
    case FP_INFINITE: return "inf";
    case FP_ZERO: return "zero";
    case FP_SUBNORMAL: return "subnormal";
    case FP_NORMAL: return "normal";
    }
    return "?";
}

int main(void)
{
    /* NaN payloads survive moves, negation, fabs and copysign (pure sign
     * operations); arithmetic results are not printed bit-exactly since
     * default-NaN rules differ between ISAs. */
    static const uint64_t nans[] = { 0x7ff8000000000000ull, 0xfff8000000000000ull,
        0x7ff8dead0000beefull, 0xfff0000000000001ull, 0x7ff4000000001234ull,
        0x7fffffffffffffffull };
    for (unsigned i = 0; i < sizeof(nans) / sizeof(nans[0]); i++) {
        volatile double n = dfrom(nans[i]);
        volatile double neg = -n, ab = fabs(n), cs = copysign(n, -1.0),
                        cp = copysign(1.0, n);
        printf("nan %016" PRIx64 ": isnan=%d signbit=%d neg=%016" PRIx64
               " fabs=%016" PRIx64 " copysign=%016" PRIx64 " sign->1=%a class=%s"
               " eq=%d ne=%d\n",
               nans[i], isnan(n) != 0, signbit(n) != 0, dbits(neg), dbits(ab),
               dbits(cs), cp, cls(n), n == n, n != n);
        volatile double sum = n + 1.0;
        /* fmax/fmin of a signalling NaN give a NaN whose sign is ISA-specific */
        double mx = fmax(n, 2.0), mn = fmin(-3.0, n);
        printf("  arith: isnan=%d fmax=%a fmin=%a\n", isnan(sum) != 0,
               isnan(mx) ? 999.0 : mx, isnan(mn) ? 999.0 : mn);
    }
    static const uint32_t fnans[] = { 0x7fc00000u, 0xffc00000u, 0x7fc0abcdu, 0xff800001u };
    for (unsigned i = 0; i < 4; i++) {
        volatile float n = ffrom(fnans[i]);
        volatile float neg = -n, ab = fabsf(n), cs = copysignf(n, 1.0f);
        printf("fnan %08x: neg=%08x fabs=%08x copysign=%08x signbit=%d\n",
               fnans[i], fbits(neg), fbits(ab), fbits(cs), signbit(n) != 0);
    }

    /* Denormals: not flushed, printed exactly. */
    volatile double d = DBL_MIN;
    for (int i = 0; i < 56; i += 5) {
        volatile double x = d / (double)(1ULL << i);
        volatile double y = x * 3.0;
        printf("denorm 2^-%d: %a %.17g %s y=%a back=%a\n", i, x, x, cls(x), y,
               x * (double)(1ULL << i));
    }
    volatile float fd = FLT_MIN;
    for (int i = 0; i < 26; i += 4) {
        volatile float x = fd / (float)(1u << i);
        printf("fdenorm 2^-%d: %a %.9g %08x\n", i, (double)x, (double)x, fbits(x));
    }
    printf("true_min=%a %.17g next=%a\n", DBL_TRUE_MIN, DBL_TRUE_MIN,
           nextafter(0.0, 1.0));
    printf("nextafter(1,2)=%a nextafter(1,0)=%a nextafterf=%a\n",
           nextafter(1.0, 2.0), nextafter(1.0, 0.0), (double)nextafterf(1.0f, 2.0f));

    /* In-range conversions at the limits. */
    volatile double lim[] = { 0x1.fffffffffffffp+62, -0x1p+63, 2147483647.9,
        -2147483648.9, 4294967295.5, 0x1.fffffffffffffp+63, 0.99999999999999989,
        -0.99999999999999989, 65535.9, -32768.9, 127.5, -128.7, 255.99 };
    printf("i64 %" PRId64 " %" PRId64 "\n", (int64_t)lim[0], (int64_t)lim[1]);
    printf("i32 %d %d u32 %u\n", (int32_t)lim[2], (int32_t)lim[3], (uint32_t)lim[4]);
    printf("u64 %" PRIu64 " frac %d %d\n", (uint64_t)lim[5], (int)lim[6], (int)lim[7]);
    printf("small u16=%u s16=%d s8=%d s8=%d u8=%u\n", (unsigned)(uint16_t)lim[8],
           (int)(int16_t)lim[9], (int)(signed char)lim[10], (int)(signed char)lim[11],
           (unsigned)(unsigned char)lim[12]);
    volatile float flim[] = { 0x1.fffffep+62f, 0x1.fffffep+31f, -0x1p+31f, 16777216.0f };
    printf("f->i %" PRId64 " %" PRIu64 " %d %d\n", (int64_t)flim[0], (uint64_t)flim[1],
           (int32_t)flim[2], (int32_t)flim[3]);
    volatile uint64_t u = UINT64_MAX;
    volatile int64_t s = INT64_MIN;
    printf("u64->f %a %a  i64->f %a %a\n", (double)u, (double)(float)u, (double)s,
           (double)(float)s);
    volatile uint32_t u32 = UINT32_MAX;
    printf("u32->f %a %a\n", (double)u32, (double)(float)u32);

    /* Exact helpers. */
    double vals[] = { 0.0, -0.0, 1.0, -1.5, 1e-310, 123456.789, 1e308, INFINITY,
        -INFINITY, 6.0, 7.25 };
    for (unsigned i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        volatile double v = vals[i];
        int e = 0;
        double m = frexp(v, &e), ip = 0;
        double fr = modf(v, &ip);
        printf("%a: %s frexp=%a,%d ldexp=%a modf=%a,%a logb=%a ilogb=%d"
               " fmod=%a rem=%a scalbn=%a cbrt8=%d\n", v, cls(v), m,
               isinf(v) ? 0 : e, ldexp(v, -3), fr, ip, isinf(v) || v == 0 ? 0 : logb(v),
               isinf(v) || v == 0 ? 0 : ilogb(v), isinf(v) ? 0 : fmod(v, 2.5),
               isinf(v) ? 0 : remainder(v, 2.5), scalbn(v, 5), (int)cbrt(8.0));
    }

    /* Formatting and parsing round trips. */
    static const char *const strs[] = { "0.1", "1e23", "2.2250738585072011e-308",
        "4.9406564584124654e-324", "1.7976931348623157e308", "0x1.8p-3", "-0",
        "inf", "-nan", "123456789012345678901234567890", "3.14159265358979323846",
        "1e-400", "1e400", "0.30000000000000004", "9007199254740993" };
    for (unsigned i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
        char *end;
        double v = strtod(strs[i], &end);
        float f = strtof(strs[i], NULL);
        char buf[64];
        snprintf(buf, sizeof(buf), "%.17g", v);
        double back = strtod(buf, NULL);
        printf("%-32s %a %.17g %.6e %g %f | %a %.9g | rt=%d\n", strs[i], v, v, v,
               v, isinf(v) || fabs(v) > 1e30 ? 0.0 : v, isnan(f) ? 999.0 : (double)f, isnan(f) ? 999.0 : (double)f,
               isnan(v) ? 1 : dbits(back) == dbits(v));
    }
    printf("widths [%10.3f] [%-10.2e] [%+g] [% g] [%#g] [%010.4f] [%.0f] [%.0f] [%.0f]\n",
           3.14159, -2.5e-5, 1.0, 2.0, 3.0, -1.5, 0.5, 1.5, 2.5);
    printf("floats %a %a %a %.9g\n", (double)FLT_MAX, (double)FLT_MIN,
           (double)FLT_EPSILON, (double)(1.0f / 3.0f));
    printf("dbl %a %a %a %.17g\n", DBL_MAX, DBL_MIN, DBL_EPSILON, 1.0 / 3.0);

    /* A float-only iteration: fast-converging sequence with exact printing. */
    float fx = 1.0f;
    double dx = 1.0;
    for (int i = 0; i < 30; i++) {
        fx = fx * 1.0001f + 0.5f / (fx + 1.0f);
        dx = dx * 1.0001 + 0.5 / (dx + 1.0);
    }
    printf("iter %a %a\n", (double)fx, dx);
    return 0;
}
