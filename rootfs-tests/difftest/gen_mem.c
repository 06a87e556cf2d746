/*
 * Generator: memory accesses — integer and FP loads/stores of every size
 * (aligned, and misaligned now and then: qemu-user and the runner both
 * perform plain misaligned accesses), A-extension AMOs and lr/sc pairs.
 * Every address lies inside the scratch buffer at s0.
 */
#include "gen.h"

/* an address for an access of `size` bytes: base register and offset;
 * may add an "addi temp, s0, t" to the item so other registers serve as base */
static void pick_addr(struct gen *g, struct item *it, int size, int aligned, int *base,
                      int32_t *imm)
{
    int32_t a = (int32_t)rng_below(&g->r, (unsigned)(DT_SCRATCH_BYTES - size + 1));
    if (aligned)
        a &= ~(size - 1);
    unsigned k = rng_below(&g->r, 3);
    if ((k == 0 && a > 2047) || (k == 2 && a > 4094))
        k = 1;
    switch (k) {
    case 0:
        *base = DT_REG_BASE;
        *imm = a;
        break;
    case 1:
        *base = DT_REG_SP;
        *imm = a - DT_SP_OFF;
        break;
    default: {
        /* t in reach of addi from s0, and a in reach of t */
        int32_t lo = a > 2047 ? a - 2047 : 0;
        int32_t t = lo + (int32_t)rng_below(&g->r, (unsigned)(2047 - lo + 1));
        *base = x_dst(g);
        item_put32(it, enc_addi(*base, DT_REG_BASE, t));
        *imm = a - t;
        break;
    }
    }
}

/* records go to the upper half of the scratch buffer (sp + 0..2040), so
 * that they do not wipe out the edge values that loads draw from below sp */
static int32_t record_slot(struct gen *g)
{
    return (int32_t)rng_below(&g->r, (DT_SCRATCH_BYTES - DT_SP_OFF) / 8) * 8;
}

void record_x(struct gen *g, struct item *it, int rd)
{
    item_put32(it, enc_s(OPC_STORE, 3, DT_REG_SP, rd, record_slot(g)));
}

void record_f(struct gen *g, struct item *it, int fd)
{
    item_put32(it, enc_s(OPC_STORE_FP, 3, DT_REG_SP, fd, record_slot(g)));
}

void record_fflags(struct gen *g, struct item *it)
{
    int t = x_dst(g);
    item_put32(it, (1u << 20) | (1u << 12) | ((unsigned)t << 7) | OPC_SYSTEM); /* csrrw t, fflags, x0 */
    record_x(g, it, t);
}

void emit_mem(struct gen *g)
{
    /* load f3: lb lh lw ld lbu lhu lwu; store f3: sb sh sw sd */
    static const int load_size[] = { 1, 2, 4, 8, 1, 2, 4 };
    struct item *it = item_new(g);
    int aligned = !rng_pct(&g->r, 15), base;
    int32_t imm;
    if (rng_pct(&g->r, 50)) {
        unsigned f3 = rng_below(&g->r, 7);
        pick_addr(g, it, load_size[f3], aligned, &base, &imm);
        item_put32(it, enc_i(OPC_LOAD, f3, x_dst(g), base, imm));
    } else {
        unsigned f3 = rng_below(&g->r, 4);
        pick_addr(g, it, 1 << f3, aligned, &base, &imm);
        item_put32(it, enc_s(OPC_STORE, f3, base, x_src(g), imm));
    }
}

void emit_fp_mem(struct gen *g)
{
    struct item *it = item_new(g);
    int aligned = !rng_pct(&g->r, 10), base;
    unsigned f3 = rng_pct(&g->r, 50) ? 2 : 3;   /* flw/fsw, fld/fsd */
    int32_t imm;
    pick_addr(g, it, f3 == 2 ? 4 : 8, aligned, &base, &imm);
    if (rng_pct(&g->r, 60))
        item_put32(it, enc_i(OPC_LOAD_FP, f3, f_any(g), base, imm));
    else
        item_put32(it, enc_s(OPC_STORE_FP, f3, base, f_any(g), imm));
}

/* AMO base: s0, sp, or a temporary pointing at an aligned scratch word */
static int amo_base(struct gen *g, struct item *it, int size)
{
    int32_t a = (int32_t)rng_below(&g->r, 2048 / (unsigned)size) * size;
    switch (rng_below(&g->r, 4)) {
    case 0:
        return DT_REG_BASE;
    case 1:
        return DT_REG_SP;
    default: {
        int t = x_dst(g);
        item_put32(it, enc_addi(t, DT_REG_BASE, a));
        return t;
    }
    }
}

static uint32_t enc_amo(unsigned f5, unsigned f3, int aq, int rl, int rd, int rs1, int rs2)
{
    return enc_r(OPC_AMO, f3, (f5 << 2) | ((unsigned)aq << 1) | (unsigned)rl, rd, rs1, rs2);
}

void emit_amo(struct gen *g)
{
    static const unsigned amo_f5[] = {
        0x01, 0x00, 0x04, 0x0c, 0x08, 0x10, 0x14, 0x18, 0x1c,  /* swap add xor and or min max minu maxu */
    };
    struct item *it = item_new(g);
    unsigned f3 = rng_pct(&g->r, 50) ? 2 : 3;
    int size = f3 == 2 ? 4 : 8;
    int aq = (int)rng_below(&g->r, 2), rl = (int)rng_below(&g->r, 2);
    unsigned k = rng_below(&g->r, 10);
    int base = amo_base(g, it, size);
    if (k < 6) {
        unsigned f5 = amo_f5[rng_below(&g->r, sizeof(amo_f5) / sizeof(amo_f5[0]))];
        item_put32(it, enc_amo(f5, f3, aq, rl, rng_pct(&g->r, 10) ? 0 : x_dst(g), base,
                               x_src(g)));
    } else if (k < 9) {
        /* lr ... sc to the same address, nothing but register ops in between */
        int rd;
        do
            rd = x_dst(g);
        while (rd == base);
        item_put32(it, enc_amo(0x02, f3, aq, rl, rd, base, 0));
        for (int n = (int)rng_below(&g->r, 3); n > 0; n--) {
            int d;
            do
                d = x_dst(g);
            while (d == base);
            item_put32(it, enc_r(OPC_OP, 0, 0, d, x_src(g), x_src(g)));
        }
        item_put32(it, enc_amo(0x03, f3, aq, rl, x_dst(g), base, x_src(g)));
    } else {
        /* sc with no reservation: must fail and leave memory alone */
        item_put32(it, enc_amo(0x03, f3, aq, rl, x_dst(g), base, x_src(g)));
    }
}
