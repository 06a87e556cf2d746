/*
 * The AdvSIMD FP arithmetic that FP kernels run (FADD, FSUB, FMUL, FDIV,
 * FMLA, FMLS, vector and by element; FMAX, FMIN, FMAXNM, FMINNM, FCMEQ,
 * FCMGE, FCMGT; FSQRT, and SCVTF and FCVTZS on single precision) on whole
 * host vectors, under the
 * conditions of the scalar fast paths in helpers-fp.c: FPCR at RN with FZ
 * clear, and no NaN among the operands.  Each lane is then exactly the IEEE
 * operation of the host, except that an invalid operation gives the host's
 * default NaN where Arm's is positive, and that a lane that comes out as
 * the smallest normal may have been tiny before rounding (Arm's UFC); the
 * flags stay in MXCSR like the scalar ones (lazy FPSR).  Anything else
 * takes the lane-by-lane exact path.
 * Lanes a 64-bit vector does not use are fed zeros (and ones as divisors),
 * which raise no flag.
 */
#include "isa/aarch64/simd.h"

#include <immintrin.h>

#include "isa/aarch64/helpers.h"

static bool host_has_fma(void)
{
    static int has = -1;

    if (has < 0) {
        __builtin_cpu_init();
        has = __builtin_cpu_supports("fma") != 0;
    }
    return has;
}

__attribute__((target("fma"))) static __m128 fma_ps(__m128 a, __m128 b, __m128 acc, bool neg)
{
    return neg ? _mm_fnmadd_ps(a, b, acc) : _mm_fmadd_ps(a, b, acc);
}

__attribute__((target("fma"))) static __m128d fma_pd(__m128d a, __m128d b, __m128d acc,
                                                    bool neg)
{
    return neg ? _mm_fnmadd_pd(a, b, acc) : _mm_fmadd_pd(a, b, acc);
}

static __m128 half_ps(__m128 v, float fill)
{
    return _mm_movelh_ps(v, _mm_set1_ps(fill));
}

static bool fast_s(enum simd_fp_fast_op op, bool q, const union a64_vec *n,
                   const union a64_vec *m, union a64_vec *d)
{
    __m128 a = _mm_loadu_ps((const float *)n->s), b = _mm_loadu_ps((const float *)m->s);
    __m128 acc = _mm_loadu_ps((const float *)d->s), r;

    if (!q) {
        a = half_ps(a, 0.0f);
        b = half_ps(b, op == SIMD_FP_DIV ? 1.0f : 0.0f);
        acc = half_ps(acc, 0.0f);
    }
    if (op >= SIMD_FP_CMEQ) {
        /* x86's EQ_OQ and GE/GT_OS treat NaNs (and raise) as FCMEQ, FCMGE
         * and FCMGT do */
        r = op == SIMD_FP_CMEQ ? _mm_cmpeq_ps(a, b)
            : op == SIMD_FP_CMGE ? _mm_cmpge_ps(a, b) : _mm_cmpgt_ps(a, b);
        _mm_storeu_ps((float *)d->s, q ? r : half_ps(r, 0.0f));
        return true;
    }
    __m128 bad = _mm_or_ps(_mm_cmpunord_ps(a, a), _mm_cmpunord_ps(b, b));
    if (op == SIMD_FP_MLA || op == SIMD_FP_MLS)
        bad = _mm_or_ps(bad, _mm_cmpunord_ps(acc, acc));
    if (_mm_movemask_ps(bad))
        return false;
    if (op == SIMD_FP_MAX || op == SIMD_FP_MIN) {
        /* equal operands are both zeros or the same bits: max(+0, -0) is
         * +0 and min -0 on Arm, x86 returns the second */
        __m128 eq = _mm_cmpeq_ps(a, b);
        __m128 tie = op == SIMD_FP_MAX ? _mm_and_ps(a, b) : _mm_or_ps(a, b);
        r = op == SIMD_FP_MAX ? _mm_max_ps(a, b) : _mm_min_ps(a, b);
        r = _mm_or_ps(_mm_andnot_ps(eq, r), _mm_and_ps(eq, tie));
        _mm_storeu_ps((float *)d->s, q ? r : half_ps(r, 0.0f));
        return true;
    }
    switch (op) {
    case SIMD_FP_ADD: r = _mm_add_ps(a, b); break;
    case SIMD_FP_SUB: r = _mm_sub_ps(a, b); break;
    case SIMD_FP_MUL: r = _mm_mul_ps(a, b); break;
    case SIMD_FP_DIV: r = _mm_div_ps(a, b); break;
    default: r = fma_ps(a, b, acc, op == SIMD_FP_MLS); break;
    }
    /* the smallest normal may have been tiny before rounding (Arm's UFC) */
    __m128 mag = _mm_and_ps(r, _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff)));
    if (_mm_movemask_ps(_mm_cmpeq_ps(mag, _mm_castsi128_ps(_mm_set1_epi32(0x00800000)))))
        return false;
    __m128 nan = _mm_cmpunord_ps(r, r);
    r = _mm_or_ps(_mm_andnot_ps(nan, r),
                  _mm_and_ps(nan, _mm_castsi128_ps(_mm_set1_epi32(0x7fc00000))));
    if (!q)
        r = half_ps(r, 0.0f);
    _mm_storeu_ps((float *)d->s, r);
    return true;
}

static bool fast_d(enum simd_fp_fast_op op, const union a64_vec *n, const union a64_vec *m,
                   union a64_vec *d)
{
    __m128d a = _mm_loadu_pd((const double *)n->d), b = _mm_loadu_pd((const double *)m->d);
    __m128d acc = _mm_loadu_pd((const double *)d->d), r;

    if (op >= SIMD_FP_CMEQ) {
        r = op == SIMD_FP_CMEQ ? _mm_cmpeq_pd(a, b)
            : op == SIMD_FP_CMGE ? _mm_cmpge_pd(a, b) : _mm_cmpgt_pd(a, b);
        _mm_storeu_pd((double *)d->d, r);
        return true;
    }
    __m128d bad = _mm_or_pd(_mm_cmpunord_pd(a, a), _mm_cmpunord_pd(b, b));
    if (op == SIMD_FP_MLA || op == SIMD_FP_MLS)
        bad = _mm_or_pd(bad, _mm_cmpunord_pd(acc, acc));
    if (_mm_movemask_pd(bad))
        return false;
    if (op == SIMD_FP_MAX || op == SIMD_FP_MIN) {
        __m128d eq = _mm_cmpeq_pd(a, b);
        __m128d tie = op == SIMD_FP_MAX ? _mm_and_pd(a, b) : _mm_or_pd(a, b);
        r = op == SIMD_FP_MAX ? _mm_max_pd(a, b) : _mm_min_pd(a, b);
        r = _mm_or_pd(_mm_andnot_pd(eq, r), _mm_and_pd(eq, tie));
        _mm_storeu_pd((double *)d->d, r);
        return true;
    }
    switch (op) {
    case SIMD_FP_ADD: r = _mm_add_pd(a, b); break;
    case SIMD_FP_SUB: r = _mm_sub_pd(a, b); break;
    case SIMD_FP_MUL: r = _mm_mul_pd(a, b); break;
    case SIMD_FP_DIV: r = _mm_div_pd(a, b); break;
    default: r = fma_pd(a, b, acc, op == SIMD_FP_MLS); break;
    }
    __m128d mag = _mm_and_pd(r, _mm_castsi128_pd(_mm_set1_epi64x(0x7fffffffffffffffll)));
    if (_mm_movemask_pd(_mm_cmpeq_pd(mag, _mm_castsi128_pd(_mm_set1_epi64x(0x0010000000000000ll)))))
        return false;
    __m128d nan = _mm_cmpunord_pd(r, r);
    r = _mm_or_pd(_mm_andnot_pd(nan, r),
                  _mm_and_pd(nan, _mm_castsi128_pd(_mm_set1_epi64x(0x7ff8000000000000ll))));
    _mm_storeu_pd((double *)d->d, r);
    return true;
}

bool simd_fp_fast(const struct a64_cpu *c, enum simd_fp_fast_op op, bool dbl, bool q,
                  const union a64_vec *n, const union a64_vec *m, union a64_vec *d)
{
    if (c->fpcr & A64_FP_FAST_FPCR_MASK)
        return false;
    if ((op == SIMD_FP_MLA || op == SIMD_FP_MLS) && !host_has_fma())
        return false;
    return dbl ? fast_d(op, n, m, d) : fast_s(op, q, n, m, d);
}

/* ---- one-operand forms ---- */

static bool unary_s(enum simd_fp_fast_unop op, bool q, const union a64_vec *n, union a64_vec *d)
{
    __m128 a = _mm_loadu_ps((const float *)n->s), r;

    if (!q)
        a = half_ps(a, op == SIMD_FP_SQRT ? 1.0f : 0.0f);
    if (op == SIMD_FP_SCVTF) {
        /* every int32 converts; an inexact one raises PE, Arm's IXC */
        r = _mm_cvtepi32_ps(_mm_castps_si128(a));
    } else {
        if (_mm_movemask_ps(_mm_cmpunord_ps(a, a)))
            return false;
        if (op == SIMD_FP_FCVTZS) {
            /* in range, x86 truncates as Arm does (PE for IXC); outside it
             * Arm saturates where x86 gives 0x80000000 */
            __m128 lo = _mm_set1_ps(-0x1p31f), hi = _mm_set1_ps(0x1p31f);
            __m128 in = _mm_and_ps(_mm_cmpge_ps(a, lo), _mm_cmplt_ps(a, hi));
            if (_mm_movemask_ps(in) != 15)
                return false;
            r = _mm_castsi128_ps(_mm_cvttps_epi32(a));
        } else {
            /* a negative operand gives x86's negative default NaN */
            r = _mm_sqrt_ps(a);
            __m128 nan = _mm_cmpunord_ps(r, r);
            r = _mm_or_ps(_mm_andnot_ps(nan, r),
                          _mm_and_ps(nan, _mm_castsi128_ps(_mm_set1_epi32(0x7fc00000))));
        }
    }
    _mm_storeu_ps((float *)d->s, q ? r : half_ps(r, 0.0f));
    return true;
}

static bool sqrt_d(const union a64_vec *n, union a64_vec *d)
{
    __m128d a = _mm_loadu_pd((const double *)n->d);

    if (_mm_movemask_pd(_mm_cmpunord_pd(a, a)))
        return false;
    __m128d r = _mm_sqrt_pd(a), nan = _mm_cmpunord_pd(r, r);
    r = _mm_or_pd(_mm_andnot_pd(nan, r),
                  _mm_and_pd(nan, _mm_castsi128_pd(_mm_set1_epi64x(0x7ff8000000000000ll))));
    _mm_storeu_pd((double *)d->d, r);
    return true;
}

bool simd_fp_fast_unary(const struct a64_cpu *c, enum simd_fp_fast_unop op, bool dbl, bool q,
                        const union a64_vec *n, union a64_vec *d)
{
    if (c->fpcr & A64_FP_FAST_FPCR_MASK)
        return false;
    if (dbl)
        return op == SIMD_FP_SQRT && sqrt_d(n, d);
    return unary_s(op, q, n, d);
}
