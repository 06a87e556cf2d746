/*
 * Generator: half precision (FEAT_FP16), scalar and AdvSIMD — arithmetic,
 * fused, min/max, compares, selects, estimates and steps, every rounding
 * and integer/fixed-point conversion, moves, and the vector forms (three
 * same, two-register misc, by element, pairwise, across lanes, fmov
 * immediate); FPCR changes include FZ16.  Half-precision register values
 * come from val_half4 (gen_main.c), so NaNs, infinities, denormals and
 * near-overflow values are frequent.
 */
#include "gen.h"

static const struct tpl t_fp16_scalar[] = {
    { "$k{fadd|fsub|fmul|fdiv|fnmul|fmax|fmin|fmaxnm|fminnm} $P$V, $P$V, $P$V", SC_H | TF_FPSR },
    { "$k{fmadd|fmsub|fnmadd|fnmsub} $P$V, $P$V, $P$V, $P$V", SC_H | TF_FPSR },
    { "$k{fabs|fneg|fsqrt|fmov} $P$V, $P$V", SC_H | TF_FPSR },
    { "$k{fabd|fmulx|frecps|frsqrts} $P$V, $P$V, $P$V", SC_H | TF_FPSR },
    { "$k{frecpe|frsqrte|frecpx} $P$V, $P$V", SC_H | TF_FPSR },
    { "$k{fcmp|fcmpe} $P$V, $P$V", SC_H | TF_FLAGS | TF_FPSR },
    { "$k{fcmp|fcmpe} $P$V, #0.0", SC_H | TF_FLAGS | TF_FPSR },
    { "$k{fccmp|fccmpe} $P$V, $P$V, #$i{0,15}, $c", SC_H | TF_FLAGS | TF_FPSR },
    { "fcsel $P$V, $P$V, $P$V, $c", SC_H },
    { "fmov $P$V, #$f", SC_H },
    { "$k{fcmeq|fcmge|fcmgt|facge|facgt} $P$V, $P$V, $P$V", SC_H | TF_FPSR },
    { "$k{fcmeq|fcmge|fcmgt|fcmle|fcmlt} $P$V, $P$V, #0.0", SC_H | TF_FPSR },
    { "$k{fmaxnmp|fminnmp|fmaxp|fminp|faddp} $P$V, v$V.2$P", SC_H | TF_FPSR },
    { "$k{fmul|fmulx|fmla|fmls} $P$V, $P$V, v$M.$P[$L]", SC_H | TF_FPSR },
    { "frint$k{n|m|p|z|a|x|i} $P$V, $P$V", SC_H | TF_FPSR },
    { "fcvt$k{n|m|p|a|z}$k{s|u} $R, h$V", SH_WX | TF_FPSR },
    { "fcvtz$k{s|u} $W, h$V, #$i{1,32}", TF_FPSR },
    { "fcvtz$k{s|u} $X, h$V, #$i{1,64}", TF_FPSR },
    { "$k{scvtf|ucvtf} h$V, $r", SH_WX | TF_FPSR },
    { "$k{scvtf|ucvtf} h$V, $w, #$i{1,32}", TF_FPSR },
    { "$k{scvtf|ucvtf} h$V, $x, #$i{1,64}", TF_FPSR },
    { "fcvt$k{n|m|p|a|z}$k{s|u} $P$V, $P$V", SC_H | TF_FPSR },
    { "$k{scvtf|ucvtf} $P$V, $P$V", SC_H | TF_FPSR },
    { "$k{scvtf|ucvtf} $P$V, $P$V, #$i{1,16}", SC_H | TF_FPSR },
    { "fmov $R, h$V", SH_WX },
    { "fmov h$V, $r", SH_WX },
    { "fcvt $k{s|d}$V, h$V", TF_FPSR },
    { "fcvt h$V, $k{s|d}$V", TF_FPSR },
};

/*
 * FCVTZS/FCVTZU Hd, Hn, #fbits: qemu 7.2 writes the 16-bit result
 * sign-extended to 32 bits (README, Q1).  With -b an FMOV Hd, Hd follows,
 * which keeps the value compared and zeroes what qemu gets wrong.
 */
static void emit_fcvtz_fixed_h(struct gen *g, struct item *it)
{
    int d = (int)rng_below(&g->r, 32), n = (int)rng_below(&g->r, 32);
    item_add(it, "fcvtz%c h%d, h%d, #%u", rng_pct(&g->r, 50) ? 's' : 'u', d, n,
             1 + rng_below(&g->r, 16));
    if (g->avoid_bugs)
        item_add(it, "fmov h%d, h%d", d, d);
    if (rng_pct(&g->r, 30))
        record_v(g, it, d);
    if (rng_pct(&g->r, 12))
        record_fpsr(g, it);
}

void emit_fp16_scalar(struct gen *g)
{
    struct item *it = item_new(g);
    if (rng_pct(&g->r, 3))
        emit_fcvtz_fixed_h(g, it);
    else
        EMIT_TABLE(g, it, t_fp16_scalar);
}

static const struct tpl t_fp16_vec[] = {
    { "$k{fadd|fsub|fmul|fdiv|fmax|fmin|fmaxnm|fminnm|fmulx|fabd} v$V.$A, v$V.$A, v$V.$A",
      SH_H | TF_FPSR },
    { "$k{frecps|frsqrts|fmla|fmls} v$V.$A, v$V.$A, v$V.$A", SH_H | TF_FPSR },
    { "$k{faddp|fmaxp|fminp|fmaxnmp|fminnmp} v$V.$A, v$V.$A, v$V.$A", SH_H | TF_FPSR },
    { "$k{fcmeq|fcmge|fcmgt|facge|facgt} v$V.$A, v$V.$A, v$V.$A", SH_H | TF_FPSR },
    { "$k{fcmeq|fcmge|fcmgt|fcmle|fcmlt} v$V.$A, v$V.$A, #0.0", SH_H | TF_FPSR },
    { "$k{fabs|fneg|fsqrt|frecpe|frsqrte} v$V.$A, v$V.$A", SH_H | TF_FPSR },
    { "frint$k{n|m|p|z|a|x|i} v$V.$A, v$V.$A", SH_H | TF_FPSR },
    { "fcvt$k{n|m|p|a|z}$k{s|u} v$V.$A, v$V.$A", SH_H | TF_FPSR },
    { "fcvtz$k{s|u} v$V.$A, v$V.$A, #$S", SH_H | TF_FPSR },
    { "$k{scvtf|ucvtf} v$V.$A, v$V.$A", SH_H | TF_FPSR },
    { "$k{scvtf|ucvtf} v$V.$A, v$V.$A, #$S", SH_H | TF_FPSR },
    { "$k{fmaxnmv|fminnmv|fmaxv|fminv} h$V, v$V.$A", SH_H | TF_FPSR },
    { "$k{fmul|fmulx|fmla|fmls} v$V.$A, v$V.$A, v$M.h[$L]", SH_H | TF_FPSR },
    { "fmov v$V.$A, #$f", SH_H },
};

void emit_fp16_vec(struct gen *g)
{
    struct item *it = item_new(g);
    EMIT_TABLE(g, it, t_fp16_vec);
}
