/*
 * aarch64 front-end: scalar floating point (arithmetic, fused multiply-add,
 * compares, conversions, rounding) including NaN propagation order, the
 * default NaN, FPCR.DN/FZ/RMode and FPSR accrual.  Expected values are
 * written out from the Arm ARM rules (or computed by the host under the same
 * rounding mode for plain finite arithmetic).
 */
#include "isa/aarch64/tests/a64_harness.h"

#include <fenv.h>
#include <math.h>

static const uint32_t code_fp[] = {
    0x1e612802, /* fadd d2, d0, d1 */
    0x1e210803, /* fmul s3, s0, s1 */
    0x1e611804, /* fdiv d4, d0, d1 */
    0x1e61c005, /* fsqrt d5, d0 */
    0x1f410006, /* fmadd d6, d0, d1, d0 */
    0x1e618807, /* fnmul d7, d0, d1 */
    0x1e614808, /* fmax d8, d0, d1 */
    0x1e617809, /* fminnm d9, d0, d1 */
    0x1e60c02a, /* fabs d10, d1 */
    0x1e21402b, /* fneg s11, s1 */
    0x1e612000, /* fcmp d0, d1 */
    0xd53b420a, /* mrs x10, nzcv */
    0x1e602018, /* fcmpe d0, #0.0 */
    0xd53b420b, /* mrs x11, nzcv */
    0x1e780020, /* fcvtzs w0, d1 */
    0x9e790001, /* fcvtzu x1, d0 */
    0x9e640002, /* fcvtas x2, d0 */
    0x9e700003, /* fcvtms x3, d0 */
    0x9e62008c, /* scvtf d12, x4 */
    0x1e23008d, /* ucvtf s13, w4 */
    0x1e63c00e, /* fcvt h14, d0 */
    0x1ee241cf, /* fcvt s15, h14 */
    0x1e22c030, /* fcvt d16, s1 */
    0x1e664011, /* frinta d17, d0 */
    0x1e674012, /* frintx d18, d0 */
    0x1e7e9013, /* fmov d19, #-1.25 */
    0x9e660005, /* fmov x5, d0 */
    0x1e270094, /* fmov s20, w4 */
    0x1e61cc15, /* fcsel d21, d0, d1, gt */
    0x1e611406, /* fccmp d0, d1, #0b0110, ne */
    0xd53b420c, /* mrs x12, nzcv */
    0x9e58f006, /* fcvtzs x6, d0, #4 */
    0x9e42e096, /* scvtf d22, x4, #8 */
    0xd53b442d, /* mrs x13, fpsr */
    0xd4200000, /* brk #0 */
};

static uint64_t dbits(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

static bool run_fp(uint64_t d0, uint64_t d1, uint32_t fpcr, uint64_t x4)
{
    cpu_reset();
    cpu.v[0][0] = d0;
    cpu.v[1][0] = d1;
    cpu.v[0][1] = cpu.v[1][1] = 0x5555;     /* must not leak into scalar results */
    cpu.fpcr = fpcr;
    cpu.x[4] = x4;
    return RUN(code_fp);
}

#define V(n) (cpu.v[n][0])

static void test_normal(void)
{
    double a = 2.5, b = -0.75;
    if (!run_fp(dbits(a), dbits(b), 0, (uint64_t)-1000))
        return;
    volatile double va = a, vb = b;
    check_eq(V(2), dbits(1.75), "fadd d");
    float fa, fb;
    uint32_t ua = (uint32_t)dbits(a), ub = (uint32_t)dbits(b);
    memcpy(&fa, &ua, 4);
    memcpy(&fb, &ub, 4);
    volatile float p = fa * fb;
    uint32_t up;
    memcpy(&up, (const void *)&p, 4);
    check_eq(V(3), up, "fmul s (low words of the d registers)");
    check_eq(cpu.v[3][1], 0, "scalar write zeroes the upper half");
    check_eq(V(4), dbits(va / vb), "fdiv d");
    check_eq(V(5), dbits(sqrt(va)), "fsqrt d");
    check_eq(V(6), dbits(0.625), "fmadd");
    check_eq(V(7), dbits(1.875), "fnmul");
    check_eq(V(8), dbits(2.5), "fmax");
    check_eq(V(9), dbits(-0.75), "fminnm");
    check_eq(V(10), dbits(0.75), "fabs");
    check_eq(V(11), ub ^ 0x80000000u, "fneg s");
    check_eq(cpu.x[10], A64_NZCV_C, "fcmp greater");
    check_eq(cpu.x[11], A64_NZCV_C, "fcmpe with zero, greater");
    check_eq(cpu.x[0], 0, "fcvtzs w of -0.75");
    check_eq(cpu.x[1], 2, "fcvtzu x of 2.5");
    check_eq(cpu.x[2], 3, "fcvtas x of 2.5 (ties away)");
    check_eq(cpu.x[3], 2, "fcvtms");
    check_eq(V(12), dbits(-1000.0), "scvtf d, x");
    float u4 = 4294966296.0f;
    uint32_t uu4;
    memcpy(&uu4, &u4, 4);
    check_eq(V(13), uu4, "ucvtf s, w (w4 = 0xfffffc18)");
    check_eq(V(14), 0x4100, "fcvt h, d");
    check_eq(V(15), 0x40200000, "fcvt s, h");
    check_eq(V(16), dbits((double)fb), "fcvt d, s");
    check_eq(V(17), dbits(3.0), "frinta");
    check_eq(V(18), dbits(2.0), "frintx ties to even");
    check_eq(V(19), dbits(-1.25), "fmov d, #imm");
    check_eq(cpu.x[5], dbits(a), "fmov x, d");
    check_eq(V(20), 0xfffffc18u, "fmov s, w");
    check_eq(V(21), dbits(a), "fcsel gt");
    check_eq(cpu.x[12], A64_NZCV_C, "fccmp compares when ne holds");
    check_eq(cpu.x[6], 40, "fcvtzs fixed #4");
    check_eq(V(22), dbits(-1000.0 / 256), "scvtf fixed #8");
    check_eq(cpu.x[13], A64_FPSR_IXC, "fpsr: inexact only");
}

static void test_nans(void)
{
    uint64_t qnan = 0x7ff8000000000001ull, snan = 0xfff0000000000002ull;
    if (!run_fp(qnan, snan, 0, 0))
        return;
    check_eq(V(2), 0xfff8000000000002ull, "fadd: the SNaN operand wins over an earlier QNaN");
    check_eq(V(6), 0xfff8000000000002ull, "fmadd: SNaN first");
    check_eq(V(7), 0x7ff8000000000002ull, "fnmul negates the propagated NaN");
    check_eq(V(8), 0xfff8000000000002ull, "fmax NaN");
    check_eq(V(9), 0xfff8000000000002ull, "fminnm with an SNaN still propagates");
    check_eq(V(10), 0x7ff0000000000002ull, "fabs leaves an SNaN signalling");
    check_eq(cpu.x[10], A64_NZCV_C | A64_NZCV_V, "fcmp unordered");
    check_eq(cpu.x[0], 0, "fcvtzs NaN = 0");
    check_eq(V(14), 0x7e00, "fcvt h of a QNaN keeps sign and top payload");
    check_eq(V(16), dbits(ldexp(2.0, -149)), "fcvt d, s of a single denormal (low word) is exact");
    check_eq(V(17), qnan, "frinta QNaN");
    check_eq(cpu.x[13] & A64_FPSR_IOC, A64_FPSR_IOC, "fpsr IOC");
    /* fminnm: one quiet NaN loses against a number */
    if (!run_fp(qnan, dbits(-3.0), 0, 0))
        return;
    check_eq(V(9), dbits(-3.0), "fminnm(qnan, -3) = -3");
    check_eq(V(8), qnan, "fmax(qnan, -3) = qnan");
    check_eq(cpu.x[13] & A64_FPSR_IOC, A64_FPSR_IOC, "fcmpe on a QNaN signals");
}

static void test_invalid(void)
{
    if (!run_fp(dbits(INFINITY), dbits(INFINITY), 0, 0))
        return;
    check_eq(V(4), 0x7ff8000000000000ull, "inf/inf is the default NaN (positive)");
    check_eq(cpu.x[0], 0x7fffffff, "fcvtzs w saturates");
    check_eq(cpu.x[1], ~0ull, "fcvtzu x saturates");
    check_eq(cpu.x[10], A64_NZCV_Z | A64_NZCV_C, "fcmp inf == inf");
    check_eq(cpu.x[13] & A64_FPSR_IOC, A64_FPSR_IOC, "IOC accrued");
    if (!run_fp(dbits(-INFINITY), dbits(INFINITY), 0, 0))
        return;
    check_eq(V(2), 0x7ff8000000000000ull, "-inf + inf is the default NaN");
    check_eq(cpu.x[2], 0x8000000000000000ull, "fcvtas saturates negative");
    check_eq(cpu.x[1], 0, "fcvtzu of -inf is 0");
}

static void test_fpcr(void)
{
    /* RMode = RM: -1/3 rounds away from zero */
    if (!run_fp(dbits(1.0), dbits(-3.0), 2u << 22, 0))
        return;
    check_eq(V(4), 0xbfd5555555555556ull, "fdiv under FPCR.RMode = RM");
    check_eq(V(18), dbits(1.0), "frintx exact raises nothing extra");
    /* DN */
    if (!run_fp(0x7ff8000000000123ull, dbits(1.0), A64_FPCR_DN, 0))
        return;
    check_eq(V(2), 0x7ff8000000000000ull, "DN: NaN result is the default NaN");
    check_eq(V(16), 0, "fcvt d, s of +0 (low word of 1.0)");
    /* FZ: denormal inputs are zero, IDC */
    if (!run_fp(1, dbits(1.0), A64_FPCR_FZ, 0))
        return;
    check_eq(V(2), dbits(1.0), "FZ: 1 + denormal = 1 exactly");
    check_eq(V(3), 0, "FZ: single denormal product flushed");
    check_eq(cpu.x[13] & (A64_FPSR_IDC | A64_FPSR_IXC), A64_FPSR_IDC, "FZ: IDC, no IXC for fadd");
    /* signed zeros */
    if (!run_fp(dbits(-0.0), dbits(0.0), 0, 0))
        return;
    check_eq(V(8), 0, "fmax(-0, +0) = +0");
    check_eq(V(9), 0x8000000000000000ull, "fminnm(-0, +0) = -0");
    check_eq(cpu.x[10], A64_NZCV_Z | A64_NZCV_C, "fcmp -0 == +0");
}

static void test_half(void)
{
    if (!run_fp(dbits(65520.0), dbits(1.0), 0, 0))
        return;
    check_eq(V(14), 0x7c00, "fcvt h: 65520 rounds to infinity");
    check_eq(cpu.x[13] & A64_FPSR_OFC, A64_FPSR_OFC, "OFC");
    if (!run_fp(dbits(65520.0), dbits(1.0), 3u << 22, 0))
        return;
    check_eq(V(14), 0x7bff, "fcvt h under RZ saturates to the largest normal");
    if (!run_fp(dbits(ldexp(1.0, -25) * 3), dbits(1.0), 0, 0))
        return;
    check_eq(V(14), 0x0002, "fcvt h: subnormal 1.5 ulp rounds to even");
    check_eq(cpu.x[13] & A64_FPSR_UFC, A64_FPSR_UFC, "UFC on a tiny inexact result");
}

int main(void)
{
    for (int pass = 0; pass < 2; pass++) {
        use_opt = pass;
        test_normal();
        test_nans();
        test_invalid();
        test_fpcr();
        test_half();
    }
    return test_done();
}
