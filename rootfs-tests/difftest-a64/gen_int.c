/*
 * Generator: integer data processing (immediate, shifted and extended
 * register, flag-setting forms, carry, conditional select/compare, bitfield,
 * extract, multiply and divide, CLZ/CLS/RBIT/REV), wide constants, adr/adrp
 * and branches of every kind (forward only; loops are gen_main.c's).
 */
#include "gen.h"

static const struct tpl t_int[] = {
    /* add/sub immediate, with and without flags, sp as a source */
    { "add $R, $n, #$i{0,4095}", SH_WX },
    { "sub $R, $n, #$i{0,4095}, lsl #12", SH_WX },
    { "adds $R, $n, #$i{0,4095}", SH_WX | TF_FLAGS },
    { "subs $R, $n, #$i{0,4095}", SH_WX | TF_FLAGS },
    { "cmp $n, #$i{0,4095}", SH_WX | TF_FLAGS },
    { "cmn $n, #$i{0,4095}", SH_WX | TF_FLAGS },
    { "add $X, sp, #$i{0,4095}", 0 },
    /* shifted register */
    { "add $R, $r, $r, $k{lsl|lsr|asr} #$s", SH_WX },
    { "sub $R, $r, $r, $k{lsl|lsr|asr} #$s", SH_WX },
    { "adds $R, $r, $r, $k{lsl|lsr|asr} #$s", SH_WX | TF_FLAGS },
    { "subs $R, $r, $r, $k{lsl|lsr|asr} #$s", SH_WX | TF_FLAGS },
    { "neg $R, $r, $k{lsl|lsr|asr} #$s", SH_WX },
    { "negs $R, $r", SH_WX | TF_FLAGS },
    { "cmp $r, $r, $k{lsl|lsr|asr} #$s", SH_WX | TF_FLAGS },
    /* extended register */
    { "add $X, $n, $w, $k{uxtb|uxth|uxtw|sxtb|sxth|sxtw} #$i{0,4}", 0 },
    { "sub $X, $n, $x, $k{uxtx|sxtx} #$i{0,4}", 0 },
    { "adds $X, $n, $w, $k{uxtb|uxth|sxtb|sxth|sxtw} #$i{0,4}", TF_FLAGS },
    { "subs $W, $n, $w, $k{uxtb|uxth|sxtb|sxth} #$i{0,4}", SH_W | TF_FLAGS },
    { "add $X, sp, $x, lsl #$i{0,4}", 0 },
    { "cmp $n, $w, sxtw #$i{0,4}", TF_FLAGS },
    /* carry */
    { "adc $R, $r, $r", SH_WX },
    { "adcs $R, $r, $r", SH_WX | TF_FLAGS },
    { "sbc $R, $r, $r", SH_WX },
    { "sbcs $R, $r, $r", SH_WX | TF_FLAGS },
    { "ngcs $R, $r", SH_WX | TF_FLAGS },
    /* logical */
    { "and $R, $r, #$m", SH_WX },
    { "orr $R, $r, #$m", SH_WX },
    { "eor $R, $r, #$m", SH_WX },
    { "ands $R, $r, #$m", SH_WX | TF_FLAGS },
    { "tst $r, #$m", SH_WX | TF_FLAGS },
    { "$k{and|orr|eor|bic|orn|eon} $R, $r, $r, $k{lsl|lsr|asr|ror} #$s", SH_WX },
    { "$k{ands|bics} $R, $r, $r, $k{lsl|lsr|asr|ror} #$s", SH_WX | TF_FLAGS },
    { "mvn $R, $r, ror #$s", SH_WX },
    /* conditional */
    { "$k{csel|csinc|csinv|csneg} $R, $r, $r, $c", SH_WX },
    { "$k{cset|csetm} $R, $C", SH_WX },
    { "$k{cinc|cinv|cneg} $R, $r, $C", SH_WX },
    { "$k{ccmp|ccmn} $r, $r, #$i{0,15}, $c", SH_WX | TF_FLAGS },
    { "$k{ccmp|ccmn} $r, #$i{0,31}, #$i{0,15}, $c", SH_WX | TF_FLAGS },
    /* bitfield and extract */
    { "ubfm $W, $w, #$i{0,31}, #$i{0,31}", 0 },
    { "sbfm $X, $x, #$i{0,63}, #$i{0,63}", 0 },
    { "bfm $X, $x, #$i{0,63}, #$i{0,63}", 0 },
    { "bfm $W, $w, #$i{0,31}, #$i{0,31}", 0 },
    { "sbfm $W, $w, #$i{0,31}, #$i{0,31}", 0 },
    { "ubfm $X, $x, #$i{0,63}, #$i{0,63}", 0 },
    { "$k{sxtb|sxth|uxtb|uxth} $W, $w", 0 },
    { "$k{sxtb|sxth|sxtw} $X, $w", 0 },
    { "$k{lsl|lsr|asr|ror} $R, $r, #$s", SH_WX },
    { "$k{lsl|lsr|asr|ror} $R, $r, $r", SH_WX },
    { "extr $R, $r, $r, #$s", SH_WX },
    { "bfi $X, $x, #$i{0,31}, #$i{1,32}", 0 },
    { "bfxil $W, $w, #$i{0,15}, #$i{1,16}", 0 },
    { "sbfx $X, $x, #$i{0,31}, #$i{1,32}", 0 },
    { "ubfiz $W, $w, #$i{0,15}, #$i{1,16}", 0 },
    { "sbfiz $X, $x, #$i{0,31}, #$i{1,32}", 0 },
    /* multiply and divide */
    { "$k{madd|msub} $R, $r, $r, $r", SH_WX },
    { "$k{mul|mneg} $R, $r, $r", SH_WX },
    { "$k{smaddl|umaddl|smsubl|umsubl} $X, $w, $w, $x", 0 },
    { "$k{smull|umull|smnegl|umnegl} $X, $w, $w", 0 },
    { "$k{smulh|umulh} $X, $x, $x", 0 },
    { "$k{sdiv|udiv} $R, $r, $r", SH_WX },
    /* one-source */
    { "$k{clz|cls|rbit|rev|rev16} $R, $r", SH_WX },
    { "rev32 $X, $x", 0 },
    /* nzcv moves, barriers and hints that are no-ops here */
    { "msr nzcv, $x", 0 },
    { "mrs $X, nzcv", 0 },
    { "$k{nop|yield|isb|dmb ish|dmb ishld|dsb sy|sev|sevl}", 0 },
};

void emit_int(struct gen *g)
{
    struct item *it = item_new(g);
    EMIT_TABLE(g, it, t_int);
}

static const struct tpl t_const[] = {
    { "movz $R, #$i{0,65535}, lsl #$k{0|16}", SH_WX },
    { "movz $X, #$i{0,65535}, lsl #$k{32|48}", 0 },
    { "movn $R, #$i{0,65535}, lsl #$k{0|16}", SH_WX },
    { "movn $X, #$i{0,65535}, lsl #$k{32|48}", 0 },
    { "mov $R, #$m", SH_WX },
    { "mov $R, $r", SH_WX },
};

void emit_const(struct gen *g)
{
    struct item *it = item_new(g);
    if (rng_pct(&g->r, 30)) {
        /* movk into a register the item itself set */
        int r = x_dst(g);
        item_add(it, "movz x%d, #%u", r, rng_below(&g->r, 65536));
        item_add(it, "movk x%d, #%u, lsl #%u", r, rng_below(&g->r, 65536), 16 * rng_below(&g->r, 4));
        if (rng_pct(&g->r, 50))
            item_add(it, "movk w%d, #%u, lsl #16", r, rng_below(&g->r, 65536));
        return;
    }
    EMIT_TABLE(g, it, t_const);
}

static const struct tpl t_branch[] = {
    { "b.$c @T", 0 },
    { "b @T", 0 },
    { "$k{cbz|cbnz} $r, @T", SH_WX },
    { "$k{tbz|tbnz} $X, #$i{0,63}, @T", 0 },
    { "$k{tbz|tbnz} $W, #$i{0,31}, @T", 0 },
    { "bl @T", 0 },
};

void emit_branch(struct gen *g)
{
    struct item *it = item_new(g);
    it->skip = (int)rng_below(&g->r, 4);
    unsigned k = rng_below(&g->r, 10);
    if (k < 7) {
        /* the $X of tbz is a source here: no record of it */
        const struct tpl *t = &t_branch[rng_below(&g->r, 6)];
        emit_tpl(g, it, t, 1);
        /* records appended by emit_tpl would follow the branch: harmless */
    } else if (k < 9) {
        int r = x_dst(g), link = rng_pct(&g->r, 50);
        item_add(it, "adr x%d, @T", r);
        if (link && r != 30)
            item_add(it, "blr x%d", r);
        else
            item_add(it, rng_pct(&g->r, 50) ? "br x%d" : "ret x%d", r);
    } else {
        int r = x_dst(g);
        item_add(it, "%s x%d, .Li0", rng_pct(&g->r, 50) ? "adr" : "adrp", r);
        if (rng_pct(&g->r, 50))
            record_x(g, it, r);
    }
}
