/*
 * Generator: the C extension (RV64C) — every compressed form except the
 * ones that write sp (c.addi16sp) or trap (c.ebreak).  Loads and stores use
 * s0, a copy of s0 plus a small (possibly misaligning) offset, or sp, all of
 * which point into the scratch buffer.
 */
#include "gen.h"

static int32_t imm6(struct gen *g, int nonzero)
{
    for (;;) {
        int32_t v = (int32_t)rng_below(&g->r, 64) - 32;
        if (v || !nonzero)
            return v;
    }
}

static int x_src_nz(struct gen *g)
{
    for (;;) {
        int r = x_src(g);
        if (r)
            return r;
    }
}

/* base for CL/CS forms: s0, or x9..x15 = s0 + 1..31 */
static int cl_base(struct gen *g, struct item *it)
{
    if (rng_pct(&g->r, 50))
        return DT_REG_BASE;
    int t = xc_dst(g);
    item_put16(it, (4u << 13) | ((unsigned)t << 7) | (DT_REG_BASE << 2) | 2);   /* c.mv t, s0 */
    int32_t k = 1 + (int32_t)rng_below(&g->r, 31);
    item_put16(it, enc_ci(0, 1, t, (uint32_t)k >> 5, (uint32_t)k));             /* c.addi t, k */
    return t;
}

static void emit_rvc_mem(struct gen *g, struct item *it)
{
    uint32_t u;
    int base;
    switch (rng_below(&g->r, 12)) {
    case 0:                                     /* c.lw / c.sw */
    case 1:
        base = cl_base(g, it);
        u = rng_below(&g->r, 32) * 4;
        item_put16(it, enc_cl(rng_pct(&g->r, 50) ? 2 : 6, 0, base, xc_dst(g) , u >> 3,
                              (bit(u, 2) << 1) | bit(u, 6)));
        break;
    case 2:                                     /* c.ld / c.sd */
    case 3:
        base = cl_base(g, it);
        u = rng_below(&g->r, 32) * 8;
        item_put16(it, enc_cl(rng_pct(&g->r, 50) ? 3 : 7, 0, base, xc_dst(g), u >> 3, u >> 6));
        break;
    case 4:                                     /* c.fld / c.fsd */
        base = cl_base(g, it);
        u = rng_below(&g->r, 32) * 8;
        item_put16(it, enc_cl(rng_pct(&g->r, 50) ? 1 : 5, 0, base, fc_any(g), u >> 3, u >> 6));
        break;
    case 5:                                     /* c.lwsp */
        u = rng_below(&g->r, 64) * 4;
        item_put16(it, enc_ci(2, 2, x_dst(g), u >> 5, ((u >> 2 & 7) << 2) | (u >> 6 & 3)));
        break;
    case 6:                                     /* c.ldsp */
        u = rng_below(&g->r, 64) * 8;
        item_put16(it, enc_ci(3, 2, x_dst(g), u >> 5, ((u >> 3 & 3) << 3) | (u >> 6 & 7)));
        break;
    case 7:                                     /* c.fldsp */
        u = rng_below(&g->r, 64) * 8;
        item_put16(it, enc_ci(1, 2, f_any(g), u >> 5, ((u >> 3 & 3) << 3) | (u >> 6 & 7)));
        break;
    case 8:                                     /* c.swsp */
        u = rng_below(&g->r, 64) * 4;
        item_put16(it, enc_css(6, x_src(g), ((u >> 2 & 15) << 2) | (u >> 6 & 3)));
        break;
    case 9:                                     /* c.sdsp */
        u = rng_below(&g->r, 64) * 8;
        item_put16(it, enc_css(7, x_src(g), ((u >> 3 & 7) << 3) | (u >> 6 & 7)));
        break;
    case 10:                                    /* c.fsdsp */
        u = rng_below(&g->r, 64) * 8;
        item_put16(it, enc_css(5, f_any(g), ((u >> 3 & 7) << 3) | (u >> 6 & 7)));
        break;
    default:                                    /* c.addi4spn */
        u = (1 + rng_below(&g->r, 255)) * 4;
        item_put16(it, (bit(u, 5) << 12) | (bit(u, 4) << 11) | ((u >> 6 & 15) << 7) |
                       (bit(u, 2) << 6) | (bit(u, 3) << 5) | (cr3(xc_dst(g)) << 2));
        break;
    }
}

static void emit_rvc_alu(struct gen *g, struct item *it)
{
    uint32_t v;
    switch (rng_below(&g->r, 13)) {
    case 0:                                     /* c.addi */
        v = (uint32_t)imm6(g, 1);
        item_put16(it, enc_ci(0, 1, x_dst(g), v >> 5, v));
        break;
    case 1:                                     /* c.addiw */
        v = (uint32_t)imm6(g, 0);
        item_put16(it, enc_ci(1, 1, x_dst(g), v >> 5, v));
        break;
    case 2:                                     /* c.li */
        v = (uint32_t)imm6(g, 0);
        item_put16(it, enc_ci(2, 1, x_dst(g), v >> 5, v));
        break;
    case 3:                                     /* c.lui */
        v = (uint32_t)imm6(g, 1);
        item_put16(it, enc_ci(3, 1, x_dst(g), v >> 5, v));
        break;
    case 4:                                     /* c.srli c.srai */
        v = 1 + rng_below(&g->r, 63);
        item_put16(it, (4u << 13) | (bit(v, 5) << 12) | (rng_below(&g->r, 2) << 10) |
                       (cr3(xc_dst(g)) << 7) | ((v & 31) << 2) | 1);
        break;
    case 5:                                     /* c.andi */
        v = (uint32_t)imm6(g, 0);
        item_put16(it, (4u << 13) | (bit(v, 5) << 12) | (2u << 10) | (cr3(xc_dst(g)) << 7) |
                       ((v & 31) << 2) | 1);
        break;
    case 6:
    case 7:                                     /* c.sub c.xor c.or c.and c.subw c.addw */
        v = rng_below(&g->r, 6);
        item_put16(it, (4u << 13) | ((v >> 2) << 12) | (3u << 10) | (cr3(xc_dst(g)) << 7) |
                       ((v & 3) << 5) | (cr3(xc_src(g)) << 2) | 1);
        break;
    case 8:                                     /* c.slli */
        v = 1 + rng_below(&g->r, 63);
        item_put16(it, enc_ci(0, 2, x_dst(g), v >> 5, v));
        break;
    case 9:                                     /* c.mv */
        item_put16(it, (4u << 13) | ((unsigned)x_dst(g) << 7) | ((unsigned)x_src_nz(g) << 2) | 2);
        break;
    case 10:                                    /* c.add */
        item_put16(it, (4u << 13) | (1u << 12) | ((unsigned)x_dst(g) << 7) |
                       ((unsigned)x_src_nz(g) << 2) | 2);
        break;
    case 11:                                    /* c.nop */
        item_put16(it, 1);
        break;
    default:                                    /* c.addiw that is sext.w */
        item_put16(it, enc_ci(1, 1, x_dst(g), 0, 0));
        break;
    }
}

void emit_rvc(struct gen *g)
{
    struct item *it = item_new(g);
    if (rng_pct(&g->r, 35))
        emit_rvc_mem(g, it);
    else
        emit_rvc_alu(g, it);
}

void emit_rvc_branch(struct gen *g)
{
    struct item *it = item_new(g);
    int skip = (int)rng_below(&g->r, 5);
    switch (rng_below(&g->r, 4)) {
    case 0:                                     /* c.j */
        item_put16(it, enc_cj(5, 0));
        item_branch(it, FIX_CJ, 0, 0, skip);
        break;
    case 1:                                     /* c.beqz c.bnez */
        item_put16(it, enc_cb(rng_pct(&g->r, 50) ? 6 : 7, xc_src(g), 0));
        item_branch(it, FIX_CB, 0, 0, skip);
        break;
    default: {                                  /* auipc t; addi t, t, off; c.jr / c.jalr t */
        int t = x_dst(g);
        item_put32(it, enc_u(OPC_AUIPC, t, 0));
        item_put32(it, enc_addi(t, t, 0));
        item_put16(it, (4u << 13) | (rng_below(&g->r, 2) << 12) | ((unsigned)t << 7) | 2);
        item_branch(it, FIX_I, 1, 0, skip);
        break;
    }
    }
}
