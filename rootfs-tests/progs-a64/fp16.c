/*
 * Half-precision arithmetic (FEAT_FP16): scalar _Float16 code and the
 * arm_neon.h float16x8_t intrinsics (arithmetic, fused, min/max, compares,
 * rounding, conversions, pairwise and across-lanes reductions, by-lane
 * multiplies) on edge and random operands, under the default FPCR.
 *
 * On aarch64 the results come from the FP16 instructions; elsewhere from a
 * portable reference that computes in double and rounds once to half (exact
 * for + - * and the fused product, and for / and sqrt double's 53 bits are
 * more than the 2 * 11 + 2 that make the second rounding harmless), with
 * Arm's NaN rules.  Each operation prints a hash of its results, so the
 * native output is the expected one; on aarch64 each result is also
 * compared with the reference and the first mismatches are printed.
 */
#ifdef __aarch64__
#pragma GCC target("arch=armv8.2-a+fp16")
#include <arm_fp16.h>
#include <arm_neon.h>
#endif
#include <math.h>
#include <stdint.h>
#ifdef __aarch64__
#include <sys/auxv.h>
#endif
#include <stdio.h>
#include <string.h>

typedef uint16_t h16;

/* ---- the portable reference ---- */

static double h2d(h16 h)
{
    int e = (h >> 10) & 31;
    double m = h & 0x3ff, v;
    if (e == 31)
        v = (h & 0x3ff) ? NAN : INFINITY;
    else if (e == 0)
        v = ldexp(m, -24);
    else
        v = ldexp(m + 1024, e - 25);
    return (h & 0x8000) ? -v : v;
}

/* round to nearest even; a NaN becomes the default NaN */
static h16 d2h(double d)
{
    if (isnan(d))
        return 0x7e00;
    h16 s = signbit(d) ? 0x8000 : 0;
    double a = fabs(d);
    if (a < ldexp(1, -14))
        return s | (h16)nearbyint(ldexp(a, 24));    /* 1024 is the smallest normal */
    int k;
    frexp(a, &k);
    int e = k - 1;
    double q = nearbyint(ldexp(a, 10 - e));
    if (q == 2048) {
        q = 1024;
        e++;
    }
    if (e > 15 || isinf(a))
        return s | 0x7c00;
    return s | (h16)((e + 15) << 10 | ((int)q - 1024));
}

static int is_nan(h16 h) { return (h & 0x7fff) > 0x7c00; }
static int is_snan(h16 h) { return is_nan(h) && !(h & 0x200); }

/* FPProcessNaNs: the first signalling NaN, then the first quiet one, quietened */
static int nans(const h16 *ops, int n, h16 *r)
{
    for (int i = 0; i < n; i++)
        if (is_snan(ops[i])) {
            *r = ops[i] | 0x200;
            return 1;
        }
    for (int i = 0; i < n; i++)
        if (is_nan(ops[i])) {
            *r = ops[i];
            return 1;
        }
    return 0;
}

enum op {
    ADD, SUB, MUL, DIV, SQRT, FMA, FMS, MAX, MIN, MAXNM, MINNM, ABD, ABS, NEG,
    RNDN, RNDM, RNDP, RNDZ, RNDA, CVTZS, CVTNS, CVTAU, SCVTF, UCVTF, CVTZS_N4,
    CGE, CEQ, CLT, RECPS, MULX, N_OPS
};
static const char *const names[N_OPS] = {
    "add", "sub", "mul", "div", "sqrt", "fma", "fms", "max", "min", "maxnm", "minnm", "abd",
    "abs", "neg", "rndn", "rndm", "rndp", "rndz", "rnda", "cvtzs", "cvtns", "cvtau", "scvtf",
    "ucvtf", "cvtzs_n4", "cge", "ceq", "clt", "recps", "mulx",
};

static double round_mode(double x, enum op op)
{
    switch (op) {
    case RNDM: return floor(x);
    case RNDP: return ceil(x);
    case RNDZ: return trunc(x);
    case RNDA: case CVTAU: return round(x);
    case CVTZS: case CVTZS_N4: return trunc(x);
    default: return nearbyint(x);
    }
}

static h16 sat(double v, int is_unsigned)
{
    double lo = is_unsigned ? 0 : -32768, hi = is_unsigned ? 65535 : 32767;
    if (isnan(v))
        return 0;
    v = v < lo ? lo : v > hi ? hi : v;
    return (h16)(int32_t)v;
}

/* Arm FPCompare as a 16-bit mask; cmp is (a OP b) on non-NaN values */
static h16 mask(int t) { return t ? 0xffff : 0; }

static h16 ref(enum op op, h16 a, h16 b, h16 c)
{
    h16 ops[3] = { a, b, c }, r;
    double x = h2d(a), y = h2d(b), z = h2d(c);
    switch (op) {
    case ADD: return nans(ops, 2, &r) ? r : d2h(x + y);
    case SUB: return nans(ops, 2, &r) ? r : d2h(x - y);
    case MUL: return nans(ops, 2, &r) ? r : d2h(x * y);
    case DIV: return nans(ops, 2, &r) ? r : d2h(x / y);
    case SQRT: return nans(ops, 1, &r) ? r : d2h(sqrt(x));
    case MULX:
        if (nans(ops, 2, &r))
            return r;
        if ((isinf(x) && y == 0) || (x == 0 && isinf(y)))
            return ((a ^ b) & 0x8000) | 0x4000;
        return d2h(x * y);
    case FMA: case FMS: {
        /* vfmaq_f16(c, a, b) = c + a * b: FPMulAdd(addend c, a, b); FMS negates a */
        h16 n = op == FMS ? a ^ 0x8000 : a;
        h16 o3[3] = { c, n, b };
        double xn = h2d(n);
        int inf_zero = (isinf(xn) && y == 0) || (xn == 0 && isinf(y));
        if (is_nan(c) && !is_snan(c) && inf_zero && !is_snan(n) && !is_snan(b))
            return 0x7e00;
        if (nans(o3, 3, &r))
            return r;
        return d2h(z + xn * y);     /* the product is exact in double */
    }
    case RECPS: {
        /* FRECPS: 2 - a*b, fused; infinity times zero gives 2 */
        h16 n = a ^ 0x8000;
        h16 o2[2] = { n, b };
        if (nans(o2, 2, &r))
            return r;
        double xn = h2d(n);
        if ((isinf(xn) && y == 0) || (xn == 0 && isinf(y)))
            return 0x4000;
        return d2h(2.0 + xn * y);
    }
    case MAXNM: case MINNM:
        if (is_nan(a) && !is_snan(a) && !is_nan(b))
            return b;
        if (is_nan(b) && !is_snan(b) && !is_nan(a))
            return a;
        /* fall through */
    case MAX: case MIN: {
        if (nans(ops, 2, &r))
            return r;
        int max = op == MAX || op == MAXNM;
        if (x == 0 && y == 0)
            return max ? (a & b) : (a | b);
        return (max ? x > y : x < y) ? a : b;
    }
    case ABD: return nans(ops, 2, &r) ? r & 0x7fff : d2h(fabs(x - y));
    case ABS: return a & 0x7fff;
    case NEG: return a ^ 0x8000;
    case RNDN: case RNDM: case RNDP: case RNDZ: case RNDA:
        if (nans(ops, 1, &r))
            return r;
        if (isinf(x))
            return a;
        return (h16)(d2h(round_mode(x, op)) | (a & 0x8000));    /* keeps -0 */
    case CVTZS: case CVTNS: return sat(round_mode(x, op), 0);
    case CVTAU: return sat(round_mode(x, op), 1);
    case CVTZS_N4: return sat(round_mode(x * 16, op), 0);
    case SCVTF: return d2h((int16_t)a);
    case UCVTF: return d2h(a);
    case CGE: return mask(!isnan(x) && !isnan(y) && x >= y);
    case CEQ: return mask(x == y);
    case CLT: return mask(!isnan(x) && !isnan(y) && x < y);
    default: return 0;
    }
}

/* ---- the FP16 instructions ---- */

#ifdef __aarch64__
static float16x8_t ld(const h16 *p) { return vreinterpretq_f16_u16(vld1q_u16(p)); }
static void st(h16 *p, float16x8_t v) { vst1q_u16(p, vreinterpretq_u16_f16(v)); }

/* eight lanes of op on a, b, c */
static void hw8(enum op op, const h16 *a, const h16 *b, const h16 *c, h16 *r)
{
    float16x8_t x = ld(a), y = ld(b), z = ld(c);
    int16x8_t xi = vreinterpretq_s16_f16(x);
    uint16x8_t xu = vreinterpretq_u16_f16(x);
    switch (op) {
    case ADD: st(r, vaddq_f16(x, y)); break;
    case SUB: st(r, vsubq_f16(x, y)); break;
    case MUL: st(r, vmulq_f16(x, y)); break;
    case DIV: st(r, vdivq_f16(x, y)); break;
    case SQRT: st(r, vsqrtq_f16(x)); break;
    case FMA: st(r, vfmaq_f16(z, x, y)); break;
    case FMS: st(r, vfmsq_f16(z, x, y)); break;
    case MAX: st(r, vmaxq_f16(x, y)); break;
    case MIN: st(r, vminq_f16(x, y)); break;
    case MAXNM: st(r, vmaxnmq_f16(x, y)); break;
    case MINNM: st(r, vminnmq_f16(x, y)); break;
    case ABD: st(r, vabdq_f16(x, y)); break;
    case ABS: st(r, vabsq_f16(x)); break;
    case NEG: st(r, vnegq_f16(x)); break;
    case RNDN: st(r, vrndnq_f16(x)); break;
    case RNDM: st(r, vrndmq_f16(x)); break;
    case RNDP: st(r, vrndpq_f16(x)); break;
    case RNDZ: st(r, vrndq_f16(x)); break;
    case RNDA: st(r, vrndaq_f16(x)); break;
    case CVTZS: vst1q_s16((int16_t *)r, vcvtq_s16_f16(x)); break;
    case CVTNS: vst1q_s16((int16_t *)r, vcvtnq_s16_f16(x)); break;
    case CVTAU: vst1q_u16(r, vcvtaq_u16_f16(x)); break;
    case CVTZS_N4: vst1q_s16((int16_t *)r, vcvtq_n_s16_f16(x, 4)); break;
    case SCVTF: st(r, vcvtq_f16_s16(xi)); break;
    case UCVTF: st(r, vcvtq_f16_u16(xu)); break;
    case CGE: vst1q_u16(r, vcgeq_f16(x, y)); break;
    case CEQ: vst1q_u16(r, vceqq_f16(x, y)); break;
    case CLT: vst1q_u16(r, vcltq_f16(x, y)); break;
    case RECPS: st(r, vrecpsq_f16(x, y)); break;
    case MULX: st(r, vmulxq_f16(x, y)); break;
    default: break;
    }
}

/* the scalar instructions: _Float16 operators and arm_fp16.h */
static h16 hw1(enum op op, h16 a, h16 b, h16 c)
{
    _Float16 x, y, z, r = 0;
    memcpy(&x, &a, 2);
    memcpy(&y, &b, 2);
    memcpy(&z, &c, 2);
    h16 out;
    switch (op) {
    case ADD: r = x + y; break;
    case SUB: r = x - y; break;
    case MUL: r = x * y; break;
    case DIV: r = x / y; break;
    case SQRT: r = vsqrth_f16(x); break;
    case FMA: r = vfmah_f16(z, x, y); break;
    case MAXNM: r = vmaxnmh_f16(x, y); break;
    case MINNM: r = vminnmh_f16(x, y); break;
    case ABD: r = vabdh_f16(x, y); break;
    case RNDM: r = vrndmh_f16(x); break;
    case RNDA: r = vrndah_f16(x); break;
    case CVTZS: return (h16)vcvth_s16_f16(x);
    case CVTAU: return vcvtah_u16_f16(x);
    case SCVTF: r = vcvth_f16_s16((int16_t)a); break;
    case CGE: return vcgeh_f16(x, y);
    case CLT: return vclth_f16(x, y);
    case RECPS: r = vrecpsh_f16(x, y); break;
    case MULX: r = vmulxh_f16(x, y); break;
    default: return ref(op, a, b, c);   /* no scalar form exercised */
    }
    memcpy(&out, &r, 2);
    return out;
}
#endif

/* ---- operands ---- */

#define N 512
static h16 A[N], B[N], C[N];

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static h16 operand(void)
{
    static const h16 edge[] = {
        0x0000, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x7c01, 0xfe55, 0x0001, 0x8001, 0x03ff,
        0x0400, 0x3c00, 0xbc00, 0x7bff, 0xfbff, 0x3800, 0x3e00, 0xc100, 0x3555, 0x77ff,
        0x5800, 0x57ff, 0x1400, 0x0200,
    };
    switch (rnd() % 4) {
    case 0: return edge[rnd() % (sizeof(edge) / sizeof(edge[0]))];
    case 1: return (h16)((rnd() & 0x83ff) | (9 + rnd() % 12) << 10);     /* near 1 */
    case 2: return d2h((double)((int)(rnd() % 81) - 40) / (double)(1 + rnd() % 4));
    default: return (h16)rnd();
    }
}

static int mismatches;

/* what the CPU says about FEAT_FP16: AT_HWCAP FPHP (bit 9) and ASIMDHP
 * (bit 10), ID_AA64PFR0_EL1.FP and .AdvSIMD = 1; natively, what it must say */
static void features(void)
{
    unsigned fphp = 1, asimdhp = 1, fp = 1, simd = 1;
#ifdef __aarch64__
    unsigned long hw = getauxval(AT_HWCAP);
    uint64_t pfr0;
    __asm__ volatile("mrs %0, ID_AA64PFR0_EL1" : "=r"(pfr0));
    fphp = (hw >> 9) & 1;
    asimdhp = (hw >> 10) & 1;
    fp = (pfr0 >> 16) & 15;
    simd = (pfr0 >> 20) & 15;
#endif
    printf("hwcap fphp %u asimdhp %u; id_aa64pfr0 fp %u advsimd %u\n", fphp, asimdhp, fp, simd);
}

int main(void)
{
    features();
    for (int i = 0; i < N; i++) {
        A[i] = operand();
        B[i] = operand();
        C[i] = operand();
    }
    for (int op = 0; op < N_OPS; op++) {
        uint64_t hv = 0xcbf29ce484222325ull, hs = hv;
        for (int i = 0; i < N; i += 8) {
            h16 r8[8], r1[8];
#ifdef __aarch64__
            hw8((enum op)op, &A[i], &B[i], &C[i], r8);
            for (int j = 0; j < 8; j++)
                r1[j] = hw1((enum op)op, A[i + j], B[i + j], C[i + j]);
#endif
            for (int j = 0; j < 8; j++) {
                h16 e = ref((enum op)op, A[i + j], B[i + j], C[i + j]);
#ifdef __aarch64__
                if ((r8[j] != e || r1[j] != e) && mismatches++ < 20)
                    printf("MISMATCH %s(%04x, %04x, %04x): vector %04x scalar %04x, "
                           "reference %04x\n", names[op], A[i + j], B[i + j], C[i + j],
                           r8[j], r1[j], e);
#else
                r8[j] = r1[j] = e;
#endif
                hv = (hv ^ r8[j]) * 0x100000001b3ull;
                hs = (hs ^ r1[j]) * 0x100000001b3ull;
            }
        }
        printf("%-9s vector %016llx scalar %016llx\n", names[op], (unsigned long long)hv,
               (unsigned long long)hs);
    }

    /* reductions: fmaxv/fminnmv/faddp over groups of eight, by-lane fused and multiply */
    uint64_t hr = 0xcbf29ce484222325ull;
    for (int i = 0; i < N; i += 8) {
        h16 e[5];
        /* Reduce(): pairs of halves, recursively: (0,1),(2,3) -> ... */
        h16 t4[4], t2[2];
        for (int j = 0; j < 4; j++)
            t4[j] = ref(MAX, A[i + 2 * j], A[i + 2 * j + 1], 0);
        for (int j = 0; j < 2; j++)
            t2[j] = ref(MAX, t4[2 * j], t4[2 * j + 1], 0);
        e[0] = ref(MAX, t2[0], t2[1], 0);
        for (int j = 0; j < 4; j++)
            t4[j] = ref(MINNM, A[i + 2 * j], A[i + 2 * j + 1], 0);
        for (int j = 0; j < 2; j++)
            t2[j] = ref(MINNM, t4[2 * j], t4[2 * j + 1], 0);
        e[1] = ref(MINNM, t2[0], t2[1], 0);
        e[2] = ref(ADD, A[i + 2], A[i + 3], 0);             /* faddp lane 1 */
        e[3] = ref(FMA, A[i + 5], B[i + 3], C[i + 5]);      /* lane 5 of fma by B[3] */
        e[4] = ref(MUL, A[i + 6], B[i + 7], 0);             /* lane 6 of fmul by B[7] */
#ifdef __aarch64__
        float16x8_t a = ld(&A[i]), b = ld(&B[i]), c = ld(&C[i]);
        h16 got[5], tmp[8];
        _Float16 s;
        s = vmaxvq_f16(a);
        memcpy(&got[0], &s, 2);
        s = vminnmvq_f16(a);
        memcpy(&got[1], &s, 2);
        st(tmp, vpaddq_f16(a, b));
        got[2] = tmp[1];
        st(tmp, vfmaq_laneq_f16(c, a, b, 3));
        got[3] = tmp[5];
        st(tmp, vmulq_laneq_f16(a, b, 7));
        got[4] = tmp[6];
        for (int j = 0; j < 5; j++)
            if (got[j] != e[j] && mismatches++ < 20)
                printf("MISMATCH reduction %d at %d: %04x, reference %04x\n", j, i, got[j], e[j]);
#else
        h16 *got = e;
#endif
        for (int j = 0; j < 5; j++)
            hr = (hr ^ got[j]) * 0x100000001b3ull;
    }
    printf("%-9s %016llx\n", "reduce", (unsigned long long)hr);
    printf("%d mismatches\n", mismatches);
    return mismatches != 0;
}
