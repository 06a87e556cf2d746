/*
 * Scalar A64 floating point under every FPCR setting that user code can
 * make: the four rounding modes, flush-to-zero (FZ) and default-NaN (DN),
 * with the FPSR cumulative flags (IOC DZC OFC UFC IXC IDC) each operation
 * raises.  On aarch64 each operation is one instruction in inline assembly
 * run between "msr fpcr" and "mrs fpsr"; elsewhere a C model computes the
 * same thing with <fenv.h> rounding modes and explicit flushing.  Operands
 * stay away from the underflow boundary, where A64 detects tininess before
 * rounding and x86 after.  Results are compared as bits (NaNs as "some
 * NaN" unless DN is set, which makes them exact).
 */
#include <fenv.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum { IOC = 1, DZC = 2, OFC = 4, UFC = 8, IXC = 16, IDC = 128 };
enum { FZ = 1 << 24, DN = 1 << 25 };

static uint64_t rng = 0x6a09e667f3bcc908ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static float f_of(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint32_t u_of(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static double d_of(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static uint64_t ud_of(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }

/* operands: far from the min-normal boundary (or denormal); with `tame`,
 * normal operands stay within 2^+-30 so no result underflows (see main) */
static uint64_t pick(int dbl, int tame)
{
    static const uint32_t fe[] = { 0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7fa00000,
                                   0xffc00001, 0x00000001, 0x80001234, 0x003fffff, 0x3f800000,
                                   0x7f7fffff, 0x3fc00000, 0xc0200000, 0x4f000000, 0xcf000000 };
    static const uint64_t de[] = { 0, 0x8000000000000000ull, 0x7ff0000000000000ull,
                                   0xfff0000000000000ull, 0x7ff8000000000000ull,
                                   0x7ff4000000000000ull, 0x0000000000000001ull,
                                   0x8000000000012345ull, 0x0007ffffffffffffull,
                                   0x3ff0000000000000ull, 0x7fefffffffffffffull,
                                   0x3ff8000000000000ull, 0xc004000000000000ull,
                                   0x43e0000000000000ull, 0xc3e0000000000000ull };
    uint64_t k = rnd(), s = rnd(), t = rnd();
    unsigned span = tame ? 30 : dbl ? 60 : 30;
    if (k % 3 == 0) {
        uint64_t v = dbl ? de[s % (sizeof(de) / 8)] : fe[s % (sizeof(fe) / 4)];
        if (!tame || (dbl ? v != 0x7fefffffffffffffull : v != 0x7f7fffff))
            return v;
    }
    if (dbl)
        return (s & 0x800fffffffffffffull) | (uint64_t)(1023 - span + t % (2 * span)) << 52;
    return (uint32_t)(s & 0x807fffff) | (uint32_t)(127 - span + t % (2 * span)) << 23;
}

/* ---- the C model ---- */
static int is_den_f(float x) { return fpclassify(x) == FP_SUBNORMAL; }
static int is_den_d(double x) { return fpclassify(x) == FP_SUBNORMAL; }

static int host_flags(void)
{
    int e = fetestexcept(FE_ALL_EXCEPT), f = 0;
    if (e & FE_INVALID) f |= IOC;
    if (e & FE_DIVBYZERO) f |= DZC;
    if (e & FE_OVERFLOW) f |= OFC;
    if (e & FE_UNDERFLOW) f |= UFC;
    if (e & FE_INEXACT) f |= IXC;
    return f;
}

static const int modes[4] = { FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO };

enum op { ADD, SUB, MUL, DIV, SQRT, FMADD, FNMSUB, MIN, MAXNM, FRINTX, FRINTI, CVTZS, CVTNS,
          SCVTF, NOPS };
static const char *const op_names[NOPS] = { "fadd", "fsub", "fmul", "fdiv", "fsqrt", "fmadd",
                                            "fnmsub", "fmin", "fmaxnm", "frintx", "frinti",
                                            "fcvtzs", "fcvtns", "scvtf" };

static volatile float vf[3];
static volatile double vd[3];

/* round to an integral value in FPCR mode m, the sign kept (-0.5 up is -0) */
static double frint(double x, int m)
{
    if (isnan(x) || isinf(x) || x == 0)
        return x;
    double t = floor(x), d = x - t;     /* both exact */
    switch (m) {
    case 0: t = d > 0.5 || (d == 0.5 && fmod(t, 2) != 0) ? t + 1 : t; break;
    case 1: t = d > 0 ? t + 1 : t; break;
    case 2: break;
    default: t = x < 0 && d > 0 ? t + 1 : t; break;
    }
    return copysign(t, x);
}

/* one operation in C: returns result bits, *flags the FPSR bits */
static uint64_t model(enum op op, int dbl, uint32_t fpcr, uint64_t a, uint64_t b, uint64_t c,
                      int *flags)
{
    int fz = !!(fpcr & FZ), dn = !!(fpcr & DN), idc = 0;
    double x = dbl ? d_of(a) : f_of((uint32_t)a), y = dbl ? d_of(b) : f_of((uint32_t)b),
           z = dbl ? d_of(c) : f_of((uint32_t)c);
    double *in[3] = { &x, &y, &z };
    int nin = op == SQRT || op == FRINTX || op == FRINTI || op == CVTZS || op == CVTNS ? 1
              : op == FMADD || op == FNMSUB ? 3 : 2;
    if (op == SCVTF)
        nin = 0;
    if (fz)
        for (int i = 0; i < nin; i++)
            if (dbl ? is_den_d(*in[i]) : is_den_f((float)*in[i])) {
                *in[i] = copysign(0.0, *in[i]);
                idc = 1;
            }
    /* an sNaN operand is invalid, and NaN operands pick the result NaN */
    int snan = 0, anynan = 0;
    for (int i = 0; i < nin; i++) {
        uint64_t bits = i == 0 ? a : i == 1 ? b : c;
        if (isnan(*in[i])) {
            anynan = 1;
            if (dbl ? !(bits >> 51 & 1) : !(bits >> 22 & 1))
                snan = 1;
        }
    }
    feclearexcept(FE_ALL_EXCEPT);
    fesetround(modes[fpcr >> 22 & 3]);
    double r = 0;
    int64_t ir = 0;
    if (dbl) {
        vd[0] = x; vd[1] = y; vd[2] = z;
        switch (op) {
        case ADD: r = vd[0] + vd[1]; break;
        case SUB: r = vd[0] - vd[1]; break;
        case MUL: r = vd[0] * vd[1]; break;
        case DIV: r = vd[0] / vd[1]; break;
        case SQRT: r = sqrt(vd[0]); break;
        case FMADD: r = fma(vd[0], vd[1], vd[2]); break;
        case FNMSUB: r = fma(vd[0], vd[1], -vd[2]); break;
        default: break;
        }
    } else {
        vf[0] = (float)x; vf[1] = (float)y; vf[2] = (float)z;
        switch (op) {
        case ADD: r = vf[0] + vf[1]; break;
        case SUB: r = vf[0] - vf[1]; break;
        case MUL: r = vf[0] * vf[1]; break;
        case DIV: r = vf[0] / vf[1]; break;
        case SQRT: r = sqrtf(vf[0]); break;
        case FMADD: r = fmaf(vf[0], vf[1], vf[2]); break;
        case FNMSUB: r = fmaf(vf[0], vf[1], -vf[2]); break;
        default: break;
        }
    }
    switch (op) {
    case MIN:
    case MAXNM: {
        int nm = op == MAXNM;
        if (snan || (anynan && !nm) || (nm && isnan(x) && isnan(y)))
            r = x + y;
        else if (isnan(x))
            r = y;
        else if (isnan(y))
            r = x;
        else if (x == 0 && y == 0)
            r = (signbit(x) != 0) == !nm ? x : y;
        else
            r = nm ? fmax(x, y) : fmin(x, y);
        feclearexcept(FE_ALL_EXCEPT);
        if (snan)
            feraiseexcept(FE_INVALID);
        break;
    }
    case FRINTX:
    case FRINTI:
        r = frint(x, fpcr >> 22 & 3);
        feclearexcept(FE_ALL_EXCEPT);
        if (snan)
            feraiseexcept(FE_INVALID);
        else if (op == FRINTX && r != x && !isnan(x))
            feraiseexcept(FE_INEXACT);
        break;
    case CVTZS:
    case CVTNS: {
        double t = op == CVTZS ? trunc(x) : (fesetround(FE_TONEAREST), nearbyint(x));
        feclearexcept(FE_ALL_EXCEPT);
        if (isnan(x)) {
            ir = 0;
            feraiseexcept(FE_INVALID);
        } else if (t >= 0x1p63) {
            ir = INT64_MAX;
            feraiseexcept(FE_INVALID);
        } else if (t < -0x1p63) {
            ir = INT64_MIN;
            feraiseexcept(FE_INVALID);
        } else {
            ir = (int64_t)t;
            if (t != x)
                feraiseexcept(FE_INEXACT);
        }
        break;
    }
    case SCVTF: {
        volatile int64_t s = (int64_t)a;
        if (dbl)
            r = (double)s;
        else
            r = (float)s;
        break;
    }
    default:
        break;
    }
    /* the float operands went through double, which quietened an sNaN early;
     * inf * 0 + qNaN is invalid on A64 (IEEE leaves it to the implementation) */
    if (snan || ((op == FMADD || op == FNMSUB) &&
                 ((isinf(x) && y == 0) || (x == 0 && isinf(y)))))
        feraiseexcept(FE_INVALID);
    int f = host_flags();
    fesetround(FE_TONEAREST);
    if (op == CVTZS || op == CVTNS) {
        *flags = f | (idc ? IDC : 0);
        return (uint64_t)ir;
    }
    /* FZ flushes any tiny result, also one the host rounded to zero */
    if (fz && ((f & UFC) || (r != 0 && (dbl ? is_den_d(r) : is_den_f((float)r))))) {
        r = copysign(0.0, r);
        f = (f & ~(IXC | UFC)) | UFC;
    }
    *flags = f | (idc ? IDC : 0);
    if (isnan(r) && dn)
        return dbl ? 0x7ff8000000000000ull : 0x7fc00000;
    return dbl ? ud_of(r) : u_of((float)r);
}

#ifdef __aarch64__
/* one instruction between msr fpcr and mrs fpsr */
#define ASM3(insn, reg)                                                                    \
    __asm__ volatile("msr fpsr, xzr\n\tmsr fpcr, %[cr]\n\t" insn "\n\tmrs %[sr], fpsr\n\t"  \
                     "msr fpcr, xzr"                                                        \
                     : [r] "=&w"(r), [sr] "=&r"(sr)                                         \
                     : [a] "w"(a), [b] "w"(b), [c] "w"(c), [cr] "r"((uint64_t)fpcr))
static uint64_t hw(enum op op, int dbl, uint32_t fpcr, uint64_t a_, uint64_t b_, uint64_t c_,
                   int *flags)
{
    uint64_t sr = 0, out = 0;
    if (dbl) {
        double a = d_of(a_), b = d_of(b_), c = d_of(c_), r = 0;
        switch (op) {
        case ADD: ASM3("fadd %d[r], %d[a], %d[b]", d); break;
        case SUB: ASM3("fsub %d[r], %d[a], %d[b]", d); break;
        case MUL: ASM3("fmul %d[r], %d[a], %d[b]", d); break;
        case DIV: ASM3("fdiv %d[r], %d[a], %d[b]", d); break;
        case SQRT: ASM3("fsqrt %d[r], %d[a]", d); break;
        case FMADD: ASM3("fmadd %d[r], %d[a], %d[b], %d[c]", d); break;
        case FNMSUB: ASM3("fnmsub %d[r], %d[a], %d[b], %d[c]", d); break;
        case MIN: ASM3("fmin %d[r], %d[a], %d[b]", d); break;
        case MAXNM: ASM3("fmaxnm %d[r], %d[a], %d[b]", d); break;
        case FRINTX: ASM3("frintx %d[r], %d[a]", d); break;
        case FRINTI: ASM3("frinti %d[r], %d[a]", d); break;
        case CVTZS: ASM3("fcvtzs %d[r], %d[a]", d); break;
        case CVTNS: ASM3("fcvtns %d[r], %d[a]", d); break;
        case SCVTF: ASM3("scvtf %d[r], %d[a]", d); break;
        default: break;
        }
        out = ud_of(r);
    } else {
        float a = f_of((uint32_t)a_), b = f_of((uint32_t)b_), c = f_of((uint32_t)c_), r = 0;
        switch (op) {
        case ADD: ASM3("fadd %s[r], %s[a], %s[b]", s); break;
        case SUB: ASM3("fsub %s[r], %s[a], %s[b]", s); break;
        case MUL: ASM3("fmul %s[r], %s[a], %s[b]", s); break;
        case DIV: ASM3("fdiv %s[r], %s[a], %s[b]", s); break;
        case SQRT: ASM3("fsqrt %s[r], %s[a]", s); break;
        case FMADD: ASM3("fmadd %s[r], %s[a], %s[b], %s[c]", s); break;
        case FNMSUB: ASM3("fnmsub %s[r], %s[a], %s[b], %s[c]", s); break;
        case MIN: ASM3("fmin %s[r], %s[a], %s[b]", s); break;
        case MAXNM: ASM3("fmaxnm %s[r], %s[a], %s[b]", s); break;
        case FRINTX: ASM3("frintx %s[r], %s[a]", s); break;
        case FRINTI: ASM3("frinti %s[r], %s[a]", s); break;
        case CVTZS:
            __asm__ volatile("msr fpsr, xzr\n\tmsr fpcr, %3\n\tfcvtzs %0, %s1\n\tmrs %2, fpsr\n\t"
                             "msr fpcr, xzr" : "=&r"(out), "+w"(a), "=&r"(sr) : "r"((uint64_t)fpcr));
            break;
        case CVTNS:
            __asm__ volatile("msr fpsr, xzr\n\tmsr fpcr, %3\n\tfcvtns %0, %s1\n\tmrs %2, fpsr\n\t"
                             "msr fpcr, xzr" : "=&r"(out), "+w"(a), "=&r"(sr) : "r"((uint64_t)fpcr));
            break;
        case SCVTF:
            __asm__ volatile("msr fpsr, xzr\n\tmsr fpcr, %3\n\tscvtf %s0, %1\n\tmrs %2, fpsr\n\t"
                             "msr fpcr, xzr" : "=&w"(r), "+r"(a_), "=&r"(sr) : "r"((uint64_t)fpcr));
            break;
        default: break;
        }
        if (op != CVTZS && op != CVTNS)
            out = u_of(r);
    }
    *flags = (int)(sr & 0x9f);
    return out;
}
#define IMPL hw
#else
#define IMPL model
#endif

static uint64_t canon(uint64_t v, int dbl, enum op op)
{
    if (op == CVTZS || op == CVTNS)
        return v;
    if (dbl ? isnan(d_of(v)) : isnan(f_of((uint32_t)v)))
        return dbl ? 0x7ff8000000000000ull : 0x7fc00000;
    return v;
}

int main(void)
{
    int mismatches = 0;
    static const uint32_t cfg[] = { 0, 1u << 22, 2u << 22, 3u << 22, FZ, DN, FZ | DN | 3u << 22 };
    for (int dbl = 0; dbl < 2; dbl++)
        for (int op = 0; op < NOPS; op++)
            for (unsigned k = 0; k < sizeof(cfg) / sizeof(cfg[0]); k++) {
                uint64_t h = 0xcbf29ce484222325ull;
                int allflags = 0;
                for (int n = 0; n < 300; n++) {
                    /* FZ runs keep results out of the underflow range: README of
                     * difftest-a64, bug A5 (a flushed result also sets IXC) */
                    int tame = !!(cfg[k] & FZ);
                    uint64_t a = pick(dbl, tame), b = pick(dbl, tame), c = pick(dbl, tame);
                    if (op == SCVTF)
                        a = n % 2 ? rnd() : (uint64_t)(int64_t)(int32_t)rnd();
                    int f1, f2;
                    uint64_t r1 = IMPL((enum op)op, dbl, cfg[k], a, b, c, &f1);
                    uint64_t r2 = model((enum op)op, dbl, cfg[k], a, b, c, &f2);
                    uint64_t c1 = cfg[k] & DN ? r1 : canon(r1, dbl, (enum op)op);
                    uint64_t c2 = cfg[k] & DN ? r2 : canon(r2, dbl, (enum op)op);
                    if (c1 != c2 || f1 != f2) {
                        if (mismatches++ < 20)
                            printf("%s%s fpcr %08x (%#" PRIx64 ", %#" PRIx64 ", %#" PRIx64
                                   "): %#" PRIx64 " flags %02x, model %#" PRIx64 " flags %02x\n",
                                   op_names[op], dbl ? ".d" : ".s", cfg[k], a, b, c, r1, f1, r2, f2);
                    }
                    allflags |= f1;
                    h = (h ^ c1 ^ (uint64_t)f1 << 56) * 0x100000001b3ull;
                }
                printf("%-7s %s fpcr %08x: %016" PRIx64 " flags seen %02x\n", op_names[op],
                       dbl ? "d" : "s", cfg[k], h, allflags);
            }
    printf("mismatches against the C model: %d\n", mismatches);
    return mismatches != 0;
}
