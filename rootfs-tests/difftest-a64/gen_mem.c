/*
 * Generator: memory accesses into the scratch buffer at x28 — integer and
 * FP/SIMD loads and stores of every size and addressing mode (unsigned and
 * unscaled offsets, pre/post-index, register offsets with every extend,
 * sp-relative, unprivileged), pairs, AdvSIMD structure loads/stores,
 * exclusives, acquire/release and LSE atomics (naturally aligned).
 */
#include "gen.h"

/* set a fresh base register to x28 + t; returns it (busy until release) */
static int base_at(struct gen *g, struct item *it, int32_t t)
{
    int b = x_tmp(g);
    item_add(it, "add x%d, x28, #%d", b, t);
    return b;
}

struct ldst {
    const char *op;
    int size;       /* bytes accessed */
    int reg;        /* 'w' 'x' or an FP letter 'b' 'h' 's' 'd' 'q' */
    int store;
};

static const struct ldst int_ops[] = {
    { "ldrb", 1, 'w', 0 }, { "ldrh", 2, 'w', 0 }, { "ldr", 4, 'w', 0 }, { "ldr", 8, 'x', 0 },
    { "ldrsb", 1, 'w', 0 }, { "ldrsb", 1, 'x', 0 }, { "ldrsh", 2, 'w', 0 },
    { "ldrsh", 2, 'x', 0 }, { "ldrsw", 4, 'x', 0 },
    { "strb", 1, 'w', 1 }, { "strh", 2, 'w', 1 }, { "str", 4, 'w', 1 }, { "str", 8, 'x', 1 },
};

static const struct ldst fp_ops[] = {
    { "ldr", 1, 'b', 0 }, { "ldr", 2, 'h', 0 }, { "ldr", 4, 's', 0 }, { "ldr", 8, 'd', 0 },
    { "ldr", 16, 'q', 0 }, { "str", 1, 'b', 1 }, { "str", 2, 'h', 1 }, { "str", 4, 's', 1 },
    { "str", 8, 'd', 1 }, { "str", 16, 'q', 1 },
};

static int log2i(int v)
{
    int l = 0;
    while ((1 << l) < v)
        l++;
    return l;
}

/* one access of op through a random addressing mode */
static void access(struct gen *g, struct item *it, const struct ldst *o)
{
    int fp = o->reg != 'w' && o->reg != 'x';
    int rt = fp ? (int)rng_below(&g->r, 32) : o->store ? x_src(g) : x_dst(g);
    char rn[8];
    if (fp)
        snprintf(rn, sizeof(rn), "%c%d", o->reg, rt);
    else
        snprintf(rn, sizeof(rn), "%s", xname(o->store && rng_pct(&g->r, 8) ? 31 : rt,
                                             o->reg == 'x'));
    int sz = o->size, b, idx;
    uint32_t saved = g->busy;
    if (!fp)
        g->busy |= 1u << rt;        /* a writeback base must differ from rt */
    switch (rng_below(&g->r, 8)) {
    case 0: /* unsigned offset from x28 */
        item_add(it, "%s %s, [x28, #%d]", o->op, rn, scratch_off(g, sz, sz));
        break;
    case 1: { /* sp-relative, unsigned or unscaled negative */
        int32_t a = scratch_off(g, sz, rng_pct(&g->r, 70) ? sz : 1) - DT_SP_OFF;
        if (a >= 0 && a % sz == 0)
            item_add(it, "%s %s, [sp, #%d]", o->op, rn, a);
        else if (a >= -256 && a <= 255)
            item_add(it, "%s%s %s, [sp, #%d]", o->op[0] == 'l' ? "ldur" : "stur", o->op + 3, rn,
                     a);
        else
            item_add(it, "%s %s, [x28, #%d]", o->op, rn, scratch_off(g, sz, sz));
        break;
    }
    case 2: /* unscaled, possibly misaligned, or unprivileged */
    case 3: {
        int32_t a = scratch_off(g, sz, 1);
        int32_t t = a - 255 + (int32_t)rng_below(&g->r, 511);
        if (t < 0)
            t = 0;
        if (t > 4095)
            t = 4095;
        if (a - t < -256 || a - t > 255)
            t = a;
        b = base_at(g, it, t);
        int unpriv = !fp && rng_pct(&g->r, 30);
        item_add(it, "%s%s%s %s, [x%d, #%d]", o->op[0] == 'l' ? "ld" : "st", unpriv ? "tr" : "ur",
                 o->op + 3, rn, b, a - t);
        break;
    }
    case 4: /* pre-index */
    case 5: { /* post-index */
        int pre = rng_pct(&g->r, 50);
        int32_t a = scratch_off(g, sz, rng_pct(&g->r, 80) ? sz : 1);
        int32_t d = (int32_t)rng_below(&g->r, 512) - 256;
        int32_t t = pre ? a - d : a;
        if (t < 0 || t > 4095) {
            d = 0;
            t = a;
        }
        b = base_at(g, it, t);
        if (pre)
            item_add(it, "%s %s, [x%d, #%d]!", o->op, rn, b, d);
        else
            item_add(it, "%s %s, [x%d], #%d", o->op, rn, b, d);
        if (rng_pct(&g->r, 30))
            record_x(g, it, b);
        break;
    }
    default: { /* register offset: lsl / uxtw / sxtw / sxtx, scaled or not */
        int scaled = rng_pct(&g->r, 50), sh = scaled ? log2i(sz) : 0;
        int32_t a = scratch_off(g, sz, scaled ? sz : 1);
        unsigned ext = rng_below(&g->r, 4);
        int32_t k = (int32_t)rng_below(&g->r, 64) - (ext == 1 ? 0 : 32);  /* uxtw: k >= 0 */
        int32_t t = a - k * (1 << sh);
        if (t < 0 || t > 4095) {
            k = 0;
            t = a;
        }
        b = base_at(g, it, t);
        idx = x_tmp(g);
        item_add(it, "mov %s, #%d", xname(idx, ext == 0 || ext == 3), k);
        static const char *const exts[] = { "lsl", "uxtw", "sxtw", "sxtx" };
        if (sh || rng_pct(&g->r, 50))
            item_add(it, "%s %s, [x%d, %s, %s #%d]", o->op, rn, b, xname(idx, ext == 0 || ext == 3),
                     exts[ext], sh);
        else
            item_add(it, "%s %s, [x%d, %s%s%s]", o->op, rn, b, xname(idx, ext == 0 || ext == 3),
                     ext ? ", " : "", ext ? exts[ext] : "");
        break;
    }
    }
    g->busy = saved;
    if (!o->store && rng_pct(&g->r, 25)) {
        if (fp)
            record_v(g, it, rt);
        else
            record_x(g, it, rt);
    }
}

void emit_mem(struct gen *g)
{
    struct item *it = item_new(g);
    unsigned k = rng_below(&g->r, 100);
    if (k < 3) {
        item_add(it, "prfm %s, [x28, #%d]", rng_pct(&g->r, 50) ? "pldl1keep" : "pstl2strm",
                 scratch_off(g, 8, 8));
        return;
    }
    if (k < 7) {
        /* pc-relative literal loads: the stream's own first instructions */
        static const char *const lit[] = { "ldr w%d", "ldr x%d", "ldrsw x%d", "ldr s%d",
                                           "ldr d%d", "ldr q%d" };
        unsigned f = rng_below(&g->r, 6);
        int r = f < 3 ? x_dst(g) : (int)rng_below(&g->r, 32);
        char op[16];
        snprintf(op, sizeof(op), lit[f], r);
        item_add(it, "%s, .Li0", op);
        if (f < 3)
            record_x(g, it, r);
        else
            record_v(g, it, r);
        return;
    }
    access(g, it, &int_ops[rng_below(&g->r, sizeof(int_ops) / sizeof(int_ops[0]))]);
}

void emit_fp_mem(struct gen *g)
{
    struct item *it = item_new(g);
    access(g, it, &fp_ops[rng_below(&g->r, sizeof(fp_ops) / sizeof(fp_ops[0]))]);
}

/* ldp/stp of w, x, sw (ldpsw), s, d, q: offset, pre and post-index, non-temporal */
void emit_pair(struct gen *g)
{
    static const struct { const char *ld, *st; int size; char reg; } kinds[] = {
        { "ldp", "stp", 4, 'w' }, { "ldp", "stp", 8, 'x' }, { "ldpsw", NULL, 4, 'x' },
        { "ldp", "stp", 4, 's' }, { "ldp", "stp", 8, 'd' }, { "ldp", "stp", 16, 'q' },
        { "ldnp", "stnp", 8, 'x' }, { "ldnp", "stnp", 16, 'q' },
    };
    struct item *it = item_new(g);
    unsigned k = rng_below(&g->r, sizeof(kinds) / sizeof(kinds[0]));
    int sz = kinds[k].size, fp = kinds[k].reg != 'w' && kinds[k].reg != 'x';
    int store = kinds[k].st && rng_pct(&g->r, 50);
    int nt = kinds[k].ld[2] == 'n';
    uint32_t saved = g->busy;
    int r1, r2;
    if (fp) {
        r1 = (int)rng_below(&g->r, 32);
        do
            r2 = (int)rng_below(&g->r, 32);
        while (r2 == r1);
    } else if (store) {
        r1 = x_src(g);
        r2 = x_src(g);
    } else {
        r1 = x_tmp(g);
        r2 = x_tmp(g);
    }
    if (!fp && store) {     /* a writeback base must differ from the data registers */
        g->busy |= 1u << r1 | 1u << r2;
    }
    char n1[8], n2[8];
    if (fp) {
        snprintf(n1, sizeof(n1), "%c%d", kinds[k].reg, r1);
        snprintf(n2, sizeof(n2), "%c%d", kinds[k].reg, r2);
    } else {
        snprintf(n1, sizeof(n1), "%s", xname(r1, kinds[k].reg == 'x'));
        snprintf(n2, sizeof(n2), "%s", xname(r2, kinds[k].reg == 'x'));
    }
    const char *op = store ? kinds[k].st : kinds[k].ld;
    int32_t a = scratch_off(g, 2 * sz, sz);
    int32_t d = ((int32_t)rng_below(&g->r, 128) - 64) * sz;
    unsigned mode = nt ? 0 : rng_below(&g->r, 4);
    if (mode == 3) {
        /* sp-relative pair, offset form */
        int32_t o = a - DT_SP_OFF;
        if (o >= -64 * sz && o <= 63 * sz)
            item_add(it, "%s %s, %s, [sp, #%d]", op, n1, n2, o);
        else
            mode = 0;
    }
    if (mode < 3) {
        int32_t t = mode == 2 ? a : a - d;
        if (t < 0 || t > 4095) {
            d = 0;
            t = a;
        }
        int b = base_at(g, it, t);
        if (mode == 0)
            item_add(it, "%s %s, %s, [x%d, #%d]", op, n1, n2, b, d);
        else if (mode == 1)
            item_add(it, "%s %s, %s, [x%d, #%d]!", op, n1, n2, b, d);
        else
            item_add(it, "%s %s, %s, [x%d], #%d", op, n1, n2, b, d);
    }
    g->busy = saved;
    if (!store && rng_pct(&g->r, 30)) {
        if (fp)
            record_v(g, it, r2);
        else
            record_x(g, it, r1);
    }
}

/* AdvSIMD structure loads/stores: LD1-LD4/ST1-ST4 multiple, single lane, replicate */
void emit_simd_mem(struct gen *g)
{
    static const char *const arrs[] = { "8b", "16b", "4h", "8h", "2s", "4s", "1d", "2d" };
    static const char el[] = "bhsd";
    struct item *it = item_new(g);
    uint32_t saved = g->busy;
    int store = rng_pct(&g->r, 40);
    int v0 = (int)rng_below(&g->r, 32);
    unsigned form = rng_below(&g->r, 3);
    int nreg, bytes, e = (int)rng_below(&g->r, 4), q = (int)rng_below(&g->r, 2);
    char list[96], one[16], lane[8] = "";
    if (form == 2 && store)
        form = 1;
    if (form == 0) {
        /* multiple structures: ld1 with 1-4 registers, ld2-4 (no .1d) */
        int st = (int)rng_below(&g->r, 4) + 1;
        if (st > 1 && e == 3 && !q)
            q = 1;
        nreg = st == 1 ? 1 + (int)rng_below(&g->r, 4) : st;
        bytes = nreg * (q ? 16 : 8);
        int l = 0;
        for (int i = 0; i < nreg; i++)
            l += snprintf(list + l, sizeof(list) - (size_t)l, "%sv%d.%s", i ? ", " : "",
                          (v0 + i) % 32, arrs[e * 2 + q]);
        snprintf(one, sizeof(one), "%s%d", store ? "st" : "ld", st);
    } else {
        /* single structure to/from one lane, or replicate (ld1r..ld4r) */
        nreg = 1 + (int)rng_below(&g->r, 4);
        bytes = nreg << e;
        int l = 0;
        for (int i = 0; i < nreg; i++)
            l += snprintf(list + l, sizeof(list) - (size_t)l, "%sv%d.%s", i ? ", " : "",
                          (v0 + i) % 32, form == 2 ? arrs[e * 2 + q] : (char[2]){ el[e], 0 });
        if (form == 1)
            snprintf(lane, sizeof(lane), "[%u]", rng_below(&g->r, 16u >> e));
        snprintf(one, sizeof(one), "%s%d%s", store ? "st" : "ld", nreg, form == 2 ? "r" : "");
    }
    int32_t a = scratch_off(g, bytes, rng_pct(&g->r, 70) ? 1 << e : 1);
    unsigned mode = rng_below(&g->r, 3);
    int b = base_at(g, it, a);
    if (mode == 0) {
        item_add(it, "%s {%s}%s, [x%d]", one, list, lane, b);
    } else if (mode == 1) {
        item_add(it, "%s {%s}%s, [x%d], #%d", one, list, lane, b, bytes);
    } else {
        int idx = x_tmp(g);
        item_add(it, "mov x%d, #%d", idx, (int)rng_below(&g->r, 64) - 32);
        item_add(it, "%s {%s}%s, [x%d], x%d", one, list, lane, b, idx);
        record_x(g, it, b);
    }
    g->busy = saved;
    if (!store && rng_pct(&g->r, 40))
        record_v(g, it, v0);
}

/* one ALU op that turns the loaded value into the value stored back */
static void modify(struct gen *g, struct item *it, int rv, int rt, int sf)
{
    static const char *const ops[] = { "add", "eor", "orr", "sub" };
    if (rng_pct(&g->r, 20))
        item_add(it, "mov %s, %s", xname(rv, sf), xname(rt, sf));
    else
        item_add(it, "%s %s, %s, #%u", ops[rng_below(&g->r, 2) * 3], xname(rv, sf), xname(rt, sf),
                 1 + rng_below(&g->r, 255));
}

/* exclusive read-modify-write sequences, single and pair; acquire/release */
void emit_excl(struct gen *g)
{
    static const char *const sfx[] = { "b", "h", "", "" };
    struct item *it = item_new(g);
    uint32_t saved = g->busy;
    unsigned e = rng_below(&g->r, 4);
    int sf = e == 3, size = 1 << e;
    unsigned kind = rng_below(&g->r, 10);
    if (kind < 5) {
        int acq = rng_pct(&g->r, 50), rel = rng_pct(&g->r, 50);
        int b = base_at(g, it, scratch_off(g, size, size));
        int rt = x_tmp(g), rv = x_tmp(g), rs = x_tmp(g);
        item_add(it, "ld%sxr%s %s, [x%d]", acq ? "a" : "", sfx[e], xname(rt, sf), b);
        modify(g, it, rv, rt, sf);
        item_add(it, "st%sxr%s w%d, %s, [x%d]", rel ? "l" : "", sfx[e], rs, xname(rv, sf), b);
        if (rng_pct(&g->r, 10)) {
            /* a second store-exclusive without a load: must fail */
            item_add(it, "st%sxr%s w%d, %s, [x%d]", rel ? "l" : "", sfx[e], rs, xname(rt, sf), b);
        }
        record_x(g, it, rs);
    } else if (kind < 7) {
        /* pair: 32- or 64-bit halves, aligned to the pair */
        sf = rng_pct(&g->r, 50);
        size = sf ? 16 : 8;
        int b = base_at(g, it, scratch_off(g, size, size));
        int r1 = x_tmp(g), r2 = x_tmp(g), rs = x_tmp(g), v1 = x_tmp(g);
        int acq = rng_pct(&g->r, 50), rel = rng_pct(&g->r, 50);
        item_add(it, "ld%sxp %s, %s, [x%d]", acq ? "a" : "", xname(r1, sf), xname(r2, sf), b);
        modify(g, it, v1, r1, sf);
        item_add(it, "st%sxp w%d, %s, %s, [x%d]", rel ? "l" : "", rs, xname(v1, sf),
                 xname(r2, sf), b);
        record_x(g, it, rs);
    } else if (kind < 8) {
        /* store-exclusive after clrex fails */
        int b = base_at(g, it, scratch_off(g, size, size));
        int rt = x_tmp(g), rs = x_tmp(g);
        item_add(it, "ld%sxr%s %s, [x%d]", "", sfx[e], xname(rt, sf), b);
        item_add(it, "clrex");
        item_add(it, "stxr%s w%d, %s, [x%d]", sfx[e], rs, xname(rt, sf), b);
        record_x(g, it, rs);
    } else {
        /* load-acquire / store-release (RCpc too) */
        int b = base_at(g, it, scratch_off(g, size, size));
        int rt = x_tmp(g);
        static const char *const lds[] = { "ldar", "ldapr" };
        if (rng_pct(&g->r, 50))
            item_add(it, "%s%s %s, [x%d]", lds[rng_below(&g->r, 2)], sfx[e], xname(rt, sf), b);
        else
            item_add(it, "stlr%s %s, [x%d]", sfx[e], xname(x_src(g), sf), b);
        if (rng_pct(&g->r, 40))
            record_x(g, it, rt);
    }
    g->busy = saved;
}

/* LSE: ld<op>, st<op>, swp, cas, casp in every ordering and size */
void emit_lse(struct gen *g)
{
    static const char *const ops[] = { "add", "clr", "eor", "set", "smax", "smin", "umax", "umin" };
    static const char *const ord[] = { "", "a", "l", "al" };
    static const char *const sfx[] = { "b", "h", "", "" };
    struct item *it = item_new(g);
    uint32_t saved = g->busy;
    unsigned e = rng_below(&g->r, 4);
    int sf = e == 3, size = 1 << e;
    unsigned kind = rng_below(&g->r, 10), o = rng_below(&g->r, 4);
    if (kind < 5) {
        int b = base_at(g, it, scratch_off(g, size, size));
        int rs = x_src(g), rt = rng_pct(&g->r, 10) ? 31 : x_tmp(g);
        if (rt == 31)
            /* st<op>: no result register (no acquire forms) */
            item_add(it, "st%s%s%s %s, [x%d]", ops[rng_below(&g->r, 8)], o & 2 ? "l" : "",
                     sfx[e], xname(rs, sf), b);
        else
            item_add(it, "ld%s%s%s %s, %s, [x%d]", ops[rng_below(&g->r, 8)], ord[o], sfx[e],
                     xname(rs, sf), xname(rt, sf), b);
        if (rt != 31 && rng_pct(&g->r, 40))
            record_x(g, it, rt);
    } else if (kind < 6) {
        int b = base_at(g, it, scratch_off(g, size, size));
        int rt = x_tmp(g);
        item_add(it, "swp%s%s %s, %s, [x%d]", ord[o], sfx[e], xname(x_src(g), sf), xname(rt, sf),
                 b);
        if (rng_pct(&g->r, 40))
            record_x(g, it, rt);
    } else if (kind < 8) {
        /* cas: the compare value is often what memory holds */
        int32_t a = scratch_off(g, size, size);
        int b = base_at(g, it, a);
        int rs = x_tmp(g);
        if (rng_pct(&g->r, 60))
            item_add(it, "ldr%s %s, [x%d]", sfx[e], xname(rs, e == 3), b);
        item_add(it, "cas%s%s %s, %s, [x%d]", ord[o], sfx[e], xname(rs, sf),
                 xname(x_src(g), sf), b);
        record_x(g, it, rs);
    } else {
        /* casp: even register pairs, 32- or 64-bit halves */
        sf = rng_pct(&g->r, 50);
        size = sf ? 16 : 8;
        int b = base_at(g, it, scratch_off(g, size, size));
        int rs;
        do
            rs = 2 * (int)rng_below(&g->r, 15);
        while ((g->busy >> rs & 3) || rs == DT_REG_BASE);
        g->busy |= 3u << rs;
        int rt = 2 * (int)rng_below(&g->r, 15);
        if (rng_pct(&g->r, 60))
            item_add(it, "ldp %s, %s, [x%d]", xname(rs, sf), xname(rs + 1, sf), b);
        item_add(it, "casp%s %s, %s, %s, %s, [x%d]", ord[o], xname(rs, sf), xname(rs + 1, sf),
                 xname(rt, sf), xname(rt + 1, sf), b);
        record_x(g, it, rs);
        record_x(g, it, rs + 1);
    }
    g->busy = saved;
}
