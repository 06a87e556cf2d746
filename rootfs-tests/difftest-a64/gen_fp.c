/*
 * Generator: scalar floating point — arithmetic, fused multiply-add,
 * min/max (NaN and signed-zero cases come from the value pools), compares
 * (fcmp/fcmpe/fccmp/fccmpe write NZCV), fcsel, estimates and steps, moves,
 * and every conversion with every rounding variant (fcvt[nmpaz][su],
 * fixed-point forms, scvtf/ucvtf, frint*, precision changes incl. half);
 * FPCR changes (rounding mode, FZ, DN, AHP) at random points.
 */
#include "gen.h"

static const struct tpl t_fp[] = {
    { "$k{fadd|fsub|fmul|fdiv|fnmul|fmax|fmin|fmaxnm|fminnm} $P$V, $P$V, $P$V", SC_SD | TF_FPSR },
    { "$k{fmadd|fmsub|fnmadd|fnmsub} $P$V, $P$V, $P$V, $P$V", SC_SD | TF_FPSR },
    { "$k{fabs|fneg|fsqrt|fmov} $P$V, $P$V", SC_SD | TF_FPSR },
    { "fabd $P$V, $P$V, $P$V", SC_SD | TF_FPSR },
    { "$k{fmulx|frecps} $P$V, $P$V, $P$V", SC_SD | TF_FPSR },
    { "frsqrts $P$V, $P$V, $P$V", SC_SD | TF_FPSR },
    { "$k{frecpe|frsqrte|frecpx} $P$V, $P$V", SC_SD | TF_FPSR },
    { "$k{fcmp|fcmpe} $P$V, $P$V", SC_SD | TF_FLAGS | TF_FPSR },
    { "$k{fcmp|fcmpe} $P$V, #0.0", SC_SD | TF_FLAGS | TF_FPSR },
    { "$k{fccmp|fccmpe} $P$V, $P$V, #$i{0,15}, $c", SC_SD | TF_FLAGS | TF_FPSR },
    { "fcsel $P$V, $P$V, $P$V, $c", SC_SD },
    { "fmov $P$V, #$f", SC_SD },
    { "$k{fcmeq|fcmge|fcmgt|facge|facgt} $P$V, $P$V, $P$V", SC_SD | TF_FPSR },
    { "$k{fcmeq|fcmge|fcmgt|fcmle|fcmlt} $P$V, $P$V, #0.0", SC_SD | TF_FPSR },
    { "$k{fmaxnmp|fminnmp|fmaxp|fminp|faddp} $P$V, v$V.2$P", SC_SD | TF_FPSR },
    { "fmul $P$V, $P$V, v$V.$P[$l]", SC_S | TF_FPSR },
    { "fmla $P$V, $P$V, v$V.$P[$L]", SC_SD | TF_FPSR },
};

void emit_fp(struct gen *g)
{
    struct item *it = item_new(g);
    EMIT_TABLE(g, it, t_fp);
}

static const struct tpl t_fp_cvt[] = {
    { "fcvt$k{n|m|p|a|z}$k{s|u} $R, $k{s|d}$V", SH_WX | TF_FPSR },
    { "fcvtz$k{s|u} $R, $k{s|d}$V, #$i{1,32}", SH_WX | TF_FPSR },
    { "fcvtz$k{s|u} $X, $k{s|d}$V, #$i{33,64}", TF_FPSR },
    { "$k{scvtf|ucvtf} $k{s|d}$V, $r", SH_WX | TF_FPSR },
    { "$k{scvtf|ucvtf} $k{s|d}$V, $r, #$i{1,32}", SH_WX | TF_FPSR },
    { "frint$k{n|m|p|z|a|x|i} $P$V, $P$V", SC_SD | TF_FPSR },
    { "fcvt d$V, $k{s|h}$V", TF_FPSR },
    { "fcvt s$V, h$V", TF_FPSR },
    { "fcvt s$V, d$V", TF_FPSR },
    { "fcvt h$V, $k{s|d}$V", TF_FPSR },
    { "fcvtxn s$V, d$V", TF_FPSR },
    /* the SIMD scalar forms: fp -> same-size int, and back */
    { "fcvt$k{n|m|p|a|z}$k{s|u} $P$V, $P$V", SC_SD | TF_FPSR },
    { "fcvtz$k{s|u} $P$V, $P$V, #$i{1,32}", SC_SD | TF_FPSR },
    { "$k{scvtf|ucvtf} $P$V, $P$V", SC_SD | TF_FPSR },
    { "$k{scvtf|ucvtf} $P$V, $P$V, #$i{1,32}", SC_SD | TF_FPSR },
    /* moves between register files */
    { "fmov $X, d$V", 0 },
    { "fmov $W, s$V", 0 },
    { "fmov d$V, $x", 0 },
    { "fmov s$V, $w", 0 },
    { "fmov $X, v$V.d[1]", 0 },
    { "fmov v$V.d[1], $x", 0 },
};

void emit_fp_cvt(struct gen *g)
{
    struct item *it = item_new(g);
    EMIT_TABLE(g, it, t_fp_cvt);
}

/* msr fpcr: rounding mode, FZ, DN (and AHP for the half conversions) */
void emit_fpcr(struct gen *g)
{
    struct item *it = item_new(g);
    int t = x_dst(g);
    if (rng_pct(&g->r, 15)) {
        /* read-modify-write of the rounding mode alone */
        item_add(it, "mrs x%d, fpcr", t);
        item_add(it, "bfi x%d, %s, #22, #2", t, xname(rng_pct(&g->r, 50) ? 31 : x_src(g), 1));
        item_add(it, "msr fpcr, x%d", t);
        return;
    }
    uint32_t v = rng_below(&g->r, 4) << 22;
    if (rng_pct(&g->r, 25))
        v |= 1u << 24;
    if (rng_pct(&g->r, 25))
        v |= 1u << 25;
    if (rng_pct(&g->r, 5))
        v |= 1u << 26;          /* AHP */
    if (g->cls == CL_FP16 && rng_pct(&g->r, 25))
        v |= 1u << 19;          /* FZ16 (other classes keep their streams) */
    item_add(it, "mov x%d, #0x%x", t, v);
    item_add(it, "msr fpcr, x%d", t);
    if (rng_pct(&g->r, 30))
        record_fpsr(g, it);
}
