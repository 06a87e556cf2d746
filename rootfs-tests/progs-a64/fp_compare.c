/*
 * Scalar floating-point compares through inline assembly against a C
 * model: fcmp and fcmpe (register and #0.0) set NZCV to 0110/1000/0010/0011
 * for equal/less/greater/unordered and raise IOC for signalling NaNs (fcmp)
 * or any NaN (fcmpe); fccmp/fccmpe compare only when their condition holds
 * on the incoming flags, else load the immediate NZCV; fcsel picks by a
 * condition.  Singles and doubles, every condition code.
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t rng = 0xa54ff53a5f1d36f1ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static const uint64_t dedge[] = {
    0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull, 0x7ff0000000000000ull,
    0xfff0000000000000ull, 0x7ff8000000000000ull, 0x7ff4000000000000ull, 0x0000000000000001ull,
    0x3ff0000000000001ull,
};

static double pick(void)
{
    uint64_t k = rnd(), s = rnd();
    double d;
    if (k % 2)
        memcpy(&d, &dedge[s % (sizeof(dedge) / 8)], 8);
    else
        d = (double)((int)(s % 9) - 4) / 2.0;
    return d;
}

static int is_snan(double x, int single)
{
    uint64_t u;
    if (single) {
        float f = (float)x;     /* never used with an sNaN: see main */
        uint32_t v;
        memcpy(&v, &f, 4);
        return isnan(f) && !(v >> 22 & 1);
    }
    memcpy(&u, &x, 8);
    return isnan(x) && !(u >> 51 & 1);
}

/* NZCV bits 3..0 */
static unsigned m_cmp(double a, double b, int e, int single, int *ioc)
{
    *ioc = 0;
    if (isnan(a) || isnan(b)) {
        *ioc = e || is_snan(a, single) || is_snan(b, single);
        return 3;
    }
    return a == b ? 6 : a < b ? 8 : 2;
}

static int cond_holds(unsigned nzcv, unsigned cond)
{
    int n = nzcv >> 3 & 1, z = nzcv >> 2 & 1, c = nzcv >> 1 & 1, v = nzcv & 1, r;
    switch (cond >> 1) {
    case 0: r = z; break;
    case 1: r = c; break;
    case 2: r = n; break;
    case 3: r = v; break;
    case 4: r = c && !z; break;
    case 5: r = n == v; break;
    case 6: r = n == v && !z; break;
    default: r = 1; break;
    }
    return (cond & 1) && cond != 15 ? !r : r;
}

#ifdef __aarch64__
#define CC(X) X(eq, 0) X(ne, 1) X(cs, 2) X(cc, 3) X(mi, 4) X(pl, 5) X(vs, 6) X(vc, 7) \
              X(hi, 8) X(ls, 9) X(ge, 10) X(lt, 11) X(gt, 12) X(le, 13) X(al, 14) X(nv, 15)
/* fccmp[e] a, b, #imm, cond after msr nzcv, flags; returns NZCV, FPSR.IOC */
static unsigned hw_ccmp(double a, double b, unsigned in, unsigned imm, unsigned cond, int e,
                        int single, int *ioc)
{
    uint64_t out = 0, sr = 0, fin = (uint64_t)in << 28;
    float af = (float)a, bf = (float)b;
#define ONE(c, k)                                                                          \
    case k:                                                                                \
        if (single && e)                                                                   \
            __asm__ volatile("msr fpsr, xzr\n\tmsr nzcv, %2\n\tfccmpe %s3, %s4, #%5, " #c  \
                             "\n\tmrs %0, nzcv\n\tmrs %1, fpsr" : "=&r"(out), "=&r"(sr)    \
                             : "r"(fin), "w"(af), "w"(bf), "i"(0) : "cc");                 \
        else if (single)                                                                   \
            __asm__ volatile("msr fpsr, xzr\n\tmsr nzcv, %2\n\tfccmp %s3, %s4, #%5, " #c   \
                             "\n\tmrs %0, nzcv\n\tmrs %1, fpsr" : "=&r"(out), "=&r"(sr)    \
                             : "r"(fin), "w"(af), "w"(bf), "i"(0) : "cc");                 \
        else if (e)                                                                        \
            __asm__ volatile("msr fpsr, xzr\n\tmsr nzcv, %2\n\tfccmpe %d3, %d4, #%5, " #c  \
                             "\n\tmrs %0, nzcv\n\tmrs %1, fpsr" : "=&r"(out), "=&r"(sr)    \
                             : "r"(fin), "w"(a), "w"(b), "i"(0) : "cc");                   \
        else                                                                               \
            __asm__ volatile("msr fpsr, xzr\n\tmsr nzcv, %2\n\tfccmp %d3, %d4, #%5, " #c   \
                             "\n\tmrs %0, nzcv\n\tmrs %1, fpsr" : "=&r"(out), "=&r"(sr)    \
                             : "r"(fin), "w"(a), "w"(b), "i"(0) : "cc");                   \
        break;
    (void)imm;
    switch (cond) {
        CC(ONE)
    }
    *ioc = (int)(sr & 1);
    return (unsigned)(out >> 28);
}
/* fcsel on cond after msr nzcv */
static double hw_csel(double a, double b, unsigned in, unsigned cond)
{
    double r = 0;
    uint64_t fin = (uint64_t)in << 28;
#define SEL(c, k)                                                                          \
    case k:                                                                                \
        __asm__ volatile("msr nzcv, %1\n\tfcsel %d0, %d2, %d3, " #c : "=w"(r)               \
                         : "r"(fin), "w"(a), "w"(b) : "cc");                               \
        break;
    switch (cond) {
        CC(SEL)
    }
    return r;
}
/* fcmp/fcmpe, register and zero forms */
static unsigned hw_cmp(double a, double b, int e, int zero, int single, int *ioc)
{
    uint64_t out, sr;
    float af = (float)a, bf = (float)b;
    if (single) {
        if (zero && e)
            __asm__ volatile("msr fpsr, xzr\n\tfcmpe %s2, #0.0\n\tmrs %0, nzcv\n\tmrs %1, fpsr"
                             : "=&r"(out), "=&r"(sr) : "w"(af) : "cc");
        else if (zero)
            __asm__ volatile("msr fpsr, xzr\n\tfcmp %s2, #0.0\n\tmrs %0, nzcv\n\tmrs %1, fpsr"
                             : "=&r"(out), "=&r"(sr) : "w"(af) : "cc");
        else if (e)
            __asm__ volatile("msr fpsr, xzr\n\tfcmpe %s2, %s3\n\tmrs %0, nzcv\n\tmrs %1, fpsr"
                             : "=&r"(out), "=&r"(sr) : "w"(af), "w"(bf) : "cc");
        else
            __asm__ volatile("msr fpsr, xzr\n\tfcmp %s2, %s3\n\tmrs %0, nzcv\n\tmrs %1, fpsr"
                             : "=&r"(out), "=&r"(sr) : "w"(af), "w"(bf) : "cc");
    } else {
        if (zero && e)
            __asm__ volatile("msr fpsr, xzr\n\tfcmpe %d2, #0.0\n\tmrs %0, nzcv\n\tmrs %1, fpsr"
                             : "=&r"(out), "=&r"(sr) : "w"(a) : "cc");
        else if (zero)
            __asm__ volatile("msr fpsr, xzr\n\tfcmp %d2, #0.0\n\tmrs %0, nzcv\n\tmrs %1, fpsr"
                             : "=&r"(out), "=&r"(sr) : "w"(a) : "cc");
        else if (e)
            __asm__ volatile("msr fpsr, xzr\n\tfcmpe %d2, %d3\n\tmrs %0, nzcv\n\tmrs %1, fpsr"
                             : "=&r"(out), "=&r"(sr) : "w"(a), "w"(b) : "cc");
        else
            __asm__ volatile("msr fpsr, xzr\n\tfcmp %d2, %d3\n\tmrs %0, nzcv\n\tmrs %1, fpsr"
                             : "=&r"(out), "=&r"(sr) : "w"(a), "w"(b) : "cc");
    }
    *ioc = (int)(sr & 1);
    return (unsigned)(out >> 28);
}
#endif

int main(void)
{
    int bad = 0;
    uint64_t h = 0xcbf29ce484222325ull;
    for (int n = 0; n < 4000; n++) {
        double a = pick(), b = pick();
        int single = n % 2, e = n / 2 % 2, zero = n % 7 == 0;
        if (single) {   /* a double sNaN would be quietened on the way to single */
            if (is_snan(a, 0))
                a = NAN;
            if (is_snan(b, 0))
                b = NAN;
            a = (float)a;       /* compare what the single-precision form sees */
            b = (float)b;
        }
        if (zero)
            b = 0;
        unsigned in = (unsigned)(rnd() % 16), cond = (unsigned)(rnd() % 16);
        int ioc_m, ioc_h;
        unsigned f_m = m_cmp(a, b, e, single, &ioc_m);
        unsigned c_m = cond_holds(in, cond) ? f_m : 0;   /* immediate #0 */
        int cioc_m = cond_holds(in, cond) ? ioc_m : 0;
        double s_m = cond_holds(in, cond) ? a : b;
#ifdef __aarch64__
        int cioc_h;
        unsigned f_h = hw_cmp(a, b, e, zero, single, &ioc_h);
        unsigned c_h = hw_ccmp(a, b, in, 0, cond, e, single, &cioc_h);
        double s_h = hw_csel(a, b, in, cond);
#else
        int cioc_h = cioc_m;
        unsigned f_h = f_m, c_h = c_m;
        double s_h = s_m;
        ioc_h = ioc_m;
#endif
        if (f_h != f_m || ioc_h != ioc_m || c_h != c_m || cioc_h != cioc_m ||
            memcmp(&s_h, &s_m, 8)) {
            if (bad++ < 10)
                printf("%s %a %a in %x cond %u: %x/%d %x/%d, model %x/%d %x/%d\n",
                       e ? "fcmpe" : "fcmp", a, b, in, cond, f_h, ioc_h, c_h, cioc_h, f_m, ioc_m,
                       c_m, cioc_m);
        }
        uint64_t sb;
        memcpy(&sb, &s_h, 8);
        h = (h ^ f_h ^ (unsigned)ioc_h << 4 ^ c_h << 8 ^ (unsigned)cioc_h << 12 ^ sb) *
            0x100000001b3ull;
    }
    printf("fcmp/fcmpe/fccmp/fccmpe/fcsel over 4000 cases: %016" PRIx64 "\n", h);
    printf("mismatches against the C model: %d\n", bad);
    return bad != 0;
}
