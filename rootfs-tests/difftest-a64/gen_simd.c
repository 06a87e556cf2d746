/*
 * Generator: AdvSIMD — integer vector ops (arithmetic, halving, absolute
 * difference, compares, logic, shifts by immediate and by register,
 * saturating and rounding forms, widening/narrowing/long, pairwise,
 * across-lanes, by-element multiplies, scalar forms), FP vector ops
 * (arithmetic, fused, min/max, pairwise, across-lanes, compares,
 * estimates, conversions and rounding, widening/narrowing), and permutes
 * and moves (zip/uzp/trn/ext/tbl/tbx, dup/ins/umov/smov, movi/mvni/orr/bic).
 */
#include "gen.h"

static const struct tpl t_simd_int[] = {
    /* three same */
    { "$k{add|sub|cmeq|cmge|cmgt|cmhi|cmhs|cmtst} v$V.$A, v$V.$A, v$V.$A", SH_BHSD },
    { "$k{mul|mla|mls|shadd|uhadd|shsub|uhsub|srhadd|urhadd} v$V.$A, v$V.$A, v$V.$A", SH_BHS },
    { "$k{smax|smin|umax|umin|sabd|uabd|saba|uaba} v$V.$A, v$V.$A, v$V.$A", SH_BHS },
    { "$k{smaxp|sminp|umaxp|uminp} v$V.$A, v$V.$A, v$V.$A", SH_BHS },
    { "addp v$V.$A, v$V.$A, v$V.$A", SH_BHSD },
    { "$k{sqadd|uqadd|sqsub|uqsub} v$V.$A, v$V.$A, v$V.$A", SH_BHSD | TF_FPSR },
    { "$k{sshl|ushl|srshl|urshl} v$V.$A, v$V.$A, v$V.$A", SH_BHSD },
    { "$k{sqshl|uqshl|sqrshl|uqrshl} v$V.$A, v$V.$A, v$V.$A", SH_BHSD | TF_FPSR },
    { "$k{sqdmulh|sqrdmulh} v$V.$A, v$V.$A, v$V.$A", SH_HS | TF_FPSR },
    { "$k{and|orr|eor|bic|orn|bsl|bit|bif} v$V.$A, v$V.$A, v$V.$A", SH_B },
    { "pmul v$V.$A, v$V.$A, v$V.$A", SH_B },
    /* two-register misc */
    { "$k{abs|neg} v$V.$A, v$V.$A", SH_BHSD },
    { "$k{sqabs|sqneg|suqadd|usqadd} v$V.$A, v$V.$A", SH_BHSD | TF_FPSR },
    { "$k{cls|clz} v$V.$A, v$V.$A", SH_BHS },
    { "$k{cnt|not|rbit|rev16} v$V.$A, v$V.$A", SH_B },
    { "rev32 v$V.$A, v$V.$A", SH_B | SH_H },
    { "rev64 v$V.$A, v$V.$A", SH_BHS },
    { "$k{cmeq|cmge|cmgt|cmle|cmlt} v$V.$A, v$V.$A, #0", SH_BHSD },
    { "$k{saddlp|uaddlp|sadalp|uadalp} v$V.$D, v$V.$A", SH_BHS },
    { "$k{urecpe|ursqrte} v$V.$A, v$V.$A", SH_S | TF_FPSR },
    /* shift by immediate */
    { "$k{sshr|ushr|srshr|urshr|ssra|usra|srsra|ursra|sri} v$V.$A, v$V.$A, #$S", SH_BHSD },
    { "$k{shl|sli} v$V.$A, v$V.$A, #$s", SH_BHSD },
    { "$k{sqshl|uqshl|sqshlu} v$V.$A, v$V.$A, #$s", SH_BHSD | TF_FPSR },
    { "$k{shrn|rshrn}$2 v$V.$A, v$V.$B, #$S", SH_BHS },
    { "$k{sqshrn|uqshrn|sqrshrn|uqrshrn|sqshrun|sqrshrun}$2 v$V.$A, v$V.$B, #$S", SH_BHS | TF_FPSR },
    { "$k{sshll|ushll}$2 v$V.$B, v$V.$A, #$s", SH_BHS },
    /* long, wide, narrow */
    { "$k{saddl|uaddl|ssubl|usubl|sabdl|uabdl|sabal|uabal}$2 v$V.$B, v$V.$A, v$V.$A", SH_BHS },
    { "$k{smull|umull|smlal|umlal|smlsl|umlsl}$2 v$V.$B, v$V.$A, v$V.$A", SH_BHS },
    { "$k{sqdmull|sqdmlal|sqdmlsl}$2 v$V.$B, v$V.$A, v$V.$A", SH_HS | TF_FPSR },
    { "$k{saddw|uaddw|ssubw|usubw}$2 v$V.$B, v$V.$B, v$V.$A", SH_BHS },
    { "$k{addhn|raddhn|subhn|rsubhn}$2 v$V.$A, v$V.$B, v$V.$B", SH_BHS },
    { "xtn$2 v$V.$A, v$V.$B", SH_BHS },
    { "$k{sqxtn|uqxtn|sqxtun}$2 v$V.$A, v$V.$B", SH_BHS | TF_FPSR },
    { "shll$2 v$V.$B, v$V.$A, #$k{8}", SH_B },
    { "pmull$2 v$V.8h, v$V.$A, v$V.$A", SH_B },
    /* by element */
    { "$k{mul|mla|mls} v$V.$A, v$V.$A, v$M.$E[$L]", SH_H },
    { "$k{mul|mla|mls} v$V.$A, v$V.$A, v$V.$E[$L]", SH_S },
    { "$k{sqdmulh|sqrdmulh} v$V.$A, v$V.$A, v$M.$E[$L]", SH_H | TF_FPSR },
    { "$k{smull|umull|smlal|umlal|sqdmull}$2 v$V.$B, v$V.$A, v$V.$E[$L]", SH_S | TF_FPSR },
    /* across lanes */
    { "$k{addv|smaxv|sminv|umaxv|uminv} $E$V, v$V.$A", SH_B | SH_H | SH_4S },
    { "$k{saddlv|uaddlv} $F$V, v$V.$A", SH_B | SH_H | SH_4S },
    /* scalar forms */
    { "$k{add|sub|cmeq|cmge|cmgt|cmhi|cmhs|cmtst|sshl|ushl|srshl|urshl} d$V, d$V, d$V", 0 },
    { "$k{sqadd|uqadd|sqsub|uqsub|sqshl|uqshl|sqrshl|uqrshl} $P$V, $P$V, $P$V", SC_BHSD | TF_FPSR },
    { "$k{sqabs|sqneg|suqadd|usqadd} $P$V, $P$V", SC_BHSD | TF_FPSR },
    { "$k{abs|neg} d$V, d$V", 0 },
    { "$k{sshr|ushr|srshr|urshr|ssra|usra|srsra|ursra|sri} d$V, d$V, #$i{1,64}", 0 },
    { "$k{shl|sli} d$V, d$V, #$i{0,63}", 0 },
    { "$k{sqdmulh|sqrdmulh} $P$V, $P$V, $P$V", SC_H | SC_S | TF_FPSR },
    { "sqdmull $F$V, $P$V, $P$V", SC_H | SC_S | TF_FPSR },
    { "$k{sqxtn|uqxtn|sqxtun} $P$V, $F$V", SC_B | SC_H | SC_S | TF_FPSR },
    { "addp d$V, v$V.2d", 0 },
};

void emit_simd_int(struct gen *g)
{
    struct item *it = item_new(g);
    EMIT_TABLE(g, it, t_simd_int);
}

static const struct tpl t_simd_fp[] = {
    { "$k{fadd|fsub|fmul|fdiv|fmax|fmin|fmaxnm|fminnm|fabd} v$V.$A, v$V.$A, v$V.$A",
      SH_SD | TF_FPSR },
    { "$k{fmla|fmls} v$V.$A, v$V.$A, v$V.$A", SH_SD | TF_FPSR },
    { "$k{fmulx|frecps} v$V.$A, v$V.$A, v$V.$A", SH_SD | TF_FPSR },
    { "frsqrts v$V.$A, v$V.$A, v$V.$A", SH_SD | TF_FPSR },
    { "$k{faddp|fmaxp|fminp|fmaxnmp|fminnmp} v$V.$A, v$V.$A, v$V.$A", SH_SD | TF_FPSR },
    { "$k{fcmeq|fcmge|fcmgt|facge|facgt} v$V.$A, v$V.$A, v$V.$A", SH_SD | TF_FPSR },
    { "$k{fcmeq|fcmge|fcmgt|fcmle|fcmlt} v$V.$A, v$V.$A, #0.0", SH_SD | TF_FPSR },
    { "$k{fabs|fneg|fsqrt|frecpe|frsqrte} v$V.$A, v$V.$A", SH_SD | TF_FPSR },
    { "frint$k{n|m|p|z|a|x|i} v$V.$A, v$V.$A", SH_SD | TF_FPSR },
    { "fcvt$k{n|m|p|a|z}$k{s|u} v$V.$A, v$V.$A", SH_SD | TF_FPSR },
    { "fcvtz$k{s|u} v$V.$A, v$V.$A, #$S", SH_SD | TF_FPSR },
    { "$k{scvtf|ucvtf} v$V.$A, v$V.$A", SH_SD | TF_FPSR },
    { "$k{scvtf|ucvtf} v$V.$A, v$V.$A, #$S", SH_SD | TF_FPSR },
    { "fcvtl$2 v$V.$B, v$V.$A", SH_H | SH_S | TF_FPSR },
    { "fcvtn$2 v$V.$A, v$V.$B", SH_H | TF_FPSR },
    { "fcvtn$2 v$V.$A, v$V.$B", SH_S | TF_FPSR },
    { "fcvtxn$2 v$V.$A, v$V.2d", SH_S | TF_FPSR },
    { "$k{fmul|fmla|fmls} v$V.$A, v$V.$A, v$V.$E[$L]", SH_SD | TF_FPSR },
    { "fmulx v$V.$A, v$V.$A, v$V.$E[$L]", SH_SD | TF_FPSR },
    { "$k{fmaxv|fminv|fmaxnmv|fminnmv} s$V, v$V.4s", TF_FPSR },
    { "fmov v$V.$A, #$f", SH_SD },
};

void emit_simd_fp(struct gen *g)
{
    struct item *it = item_new(g);
    EMIT_TABLE(g, it, t_simd_fp);
}

static const struct tpl t_simd_move[] = {
    { "$k{zip1|zip2|uzp1|uzp2|trn1|trn2} v$V.$A, v$V.$A, v$V.$A", SH_BHSD },
    { "ext v$V.$A, v$V.$A, v$V.$A, #$i{0,7}", SH_8B },
    { "ext v$V.$A, v$V.$A, v$V.$A, #$i{0,15}", SH_16B },
    { "$k{tbl|tbx} v$V.$A, {v$V.16b}, v$V.$A", SH_B },
    { "dup v$V.$A, v$V.$E[$L]", SH_BHSD },
    { "dup v$V.$A, $w", SH_BHS },
    { "dup v$V.2d, $x", 0 },
    { "ins v$V.$E[$L], v$V.$E[$L]", SH_BHSD },
    { "ins v$V.$E[$L], $w", SH_BHS },
    { "ins v$V.d[$i{0,1}], $x", 0 },
    { "umov $W, v$V.$E[$L]", SH_BHS },
    { "umov $X, v$V.d[$i{0,1}]", 0 },
    { "smov $W, v$V.$E[$L]", SH_B | SH_H },
    { "smov $X, v$V.$E[$L]", SH_BHS },
    { "movi v$V.$A, #$i{0,255}", SH_B },
    { "$k{movi|mvni} v$V.$A, #$i{0,255}, lsl #$k{0|8}", SH_H },
    { "$k{movi|mvni} v$V.$A, #$i{0,255}, lsl #$k{0|8|16|24}", SH_S },
    { "$k{movi|mvni} v$V.$A, #$i{0,255}, msl #$k{8|16}", SH_S },
    { "movi v$V.2d, #0xff00ff0000ffff00", 0 },
    { "movi d$V, #0x00ffff00000000ff", 0 },
    { "$k{orr|bic} v$V.$A, #$i{0,255}, lsl #$k{0|8}", SH_H },
    { "$k{orr|bic} v$V.$A, #$i{0,255}, lsl #$k{0|8|16|24}", SH_S },
    { "mov v$V.16b, v$V.16b", 0 },
    { "mov $P$V, v$V.$P[$L]", SC_BHSD },
};

void emit_simd_move(struct gen *g)
{
    struct item *it = item_new(g);
    if (rng_pct(&g->r, 12)) {
        /* tbl/tbx with 2-4 consecutive table registers */
        int n = 2 + (int)rng_below(&g->r, 3), t0 = (int)rng_below(&g->r, 32);
        char list[64];
        int l = 0;
        for (int i = 0; i < n; i++)
            l += snprintf(list + l, sizeof(list) - (size_t)l, "%sv%d.16b", i ? ", " : "",
                          (t0 + i) % 32);
        const char *a = rng_pct(&g->r, 50) ? "16b" : "8b";
        int d = (int)rng_below(&g->r, 32);
        item_add(it, "%s v%d.%s, {%s}, v%u.%s", rng_pct(&g->r, 50) ? "tbl" : "tbx", d, a, list,
                 rng_below(&g->r, 32), a);
        if (rng_pct(&g->r, 30))
            record_v(g, it, d);
        return;
    }
    EMIT_TABLE(g, it, t_simd_move);
}
