/*
 * Generator: F and D — arithmetic, fused multiply-add, sqrt, min/max,
 * compares, fclass, conversions among every integer and float type, moves,
 * sign injection; static rounding modes 0..4 and dynamic; and reads/writes
 * of fflags, frm and fcsr.  frm is only ever set to a valid mode (0..4) so
 * that dynamic-rounding instructions stay legal.
 */
#include "gen.h"

enum { CSR_FFLAGS = 1, CSR_FRM = 2, CSR_FCSR = 3 };

/* f0..f15 mostly hold singles and f16..f31 doubles (see the init table in
 * gen_main.c): mixing formats freely would turn most values into NaN within
 * a few dozen instructions (a double read as a single is not NaN-boxed, a
 * boxed single read as a double is a NaN), leaving little to compare */
static int f_of(struct gen *g, unsigned fmt)
{
    if (rng_pct(&g->r, 12))
        return f_any(g);
    return (int)(fmt * 16 + rng_below(&g->r, 16));
}

static uint32_t fp_op(unsigned f5, unsigned fmt, unsigned f3, int rd, int rs1, int rs2)
{
    return enc_r(OPC_OP_FP, f3, (f5 << 2) | fmt, rd, rs1, rs2);
}

void emit_fp(struct gen *g)
{
    struct item *it = item_new(g);
    unsigned fmt = rng_below(&g->r, 2);         /* 0: S, 1: D */
    unsigned rm = (unsigned)rm_any(g);
    int fd = f_of(g, fmt), xd = x_dst(g), f_out = 1;
    switch (rng_below(&g->r, 16)) {
    case 0:
    case 1:
    case 2:                                     /* fadd fsub fmul fdiv */
        item_put32(it, fp_op(rng_below(&g->r, 4), fmt, rm, fd, f_of(g, fmt), f_of(g, fmt)));
        break;
    case 3:                                     /* fsqrt */
        item_put32(it, fp_op(0x0b, fmt, rm, fd, f_of(g, fmt), 0));
        break;
    case 4:
    case 5: {                                   /* fmadd fmsub fnmsub fnmadd */
        static const unsigned opc[] = { OPC_MADD, OPC_MSUB, OPC_NMSUB, OPC_NMADD };
        item_put32(it, enc_r4(opc[rng_below(&g->r, 4)], fmt, rm, fd, f_of(g, fmt),
                              f_of(g, fmt), f_of(g, fmt)));
        break;
    }
    case 6:                                     /* fsgnj fsgnjn fsgnjx */
        item_put32(it, fp_op(0x04, fmt, rng_below(&g->r, 3), fd, f_of(g, fmt), f_of(g, fmt)));
        break;
    case 7:                                     /* fmin fmax */
        item_put32(it, fp_op(0x05, fmt, rng_below(&g->r, 2), fd, f_of(g, fmt), f_of(g, fmt)));
        break;
    case 8:                                     /* fle flt feq */
        item_put32(it, fp_op(0x14, fmt, rng_below(&g->r, 3), xd, f_of(g, fmt), f_of(g, fmt)));
        f_out = 0;
        break;
    case 9:                                     /* fclass, fmv.x.w / fmv.x.d */
        item_put32(it, fp_op(0x1c, fmt, rng_below(&g->r, 2), xd, f_of(g, fmt), 0));
        f_out = 0;
        break;
    case 10:
    case 11:                                    /* fcvt.{w,wu,l,lu}.{s,d} */
        item_put32(it, fp_op(0x18, fmt, rm, xd, f_of(g, fmt), (int)rng_below(&g->r, 4)));
        f_out = 0;
        break;
    case 12:
    case 13:                                    /* fcvt.{s,d}.{w,wu,l,lu} */
        item_put32(it, fp_op(0x1a, fmt, rm, fd, x_src(g), (int)rng_below(&g->r, 4)));
        break;
    case 14:                                    /* fcvt.s.d / fcvt.d.s */
        item_put32(it, fp_op(0x08, fmt, rm, fd, f_of(g, !fmt), fmt ? 0 : 1));
        break;
    default:                                    /* fmv.w.x / fmv.d.x */
        item_put32(it, fp_op(0x1e, fmt, 0, fd, x_src(g), 0));
        break;
    }
    if (rng_pct(&g->r, 40)) {
        if (f_out)
            record_f(g, it, fd);
        else
            record_x(g, it, xd);
    }
    if (rng_pct(&g->r, 30))
        record_fflags(g, it);
}

static uint32_t csr(unsigned f3, int rd, unsigned csrno, unsigned rs1_or_uimm)
{
    return (csrno << 20) | (rs1_or_uimm << 15) | (f3 << 12) | ((unsigned)rd << 7) | OPC_SYSTEM;
}

void emit_fcsr(struct gen *g)
{
    struct item *it = item_new(g);
    int rd = rng_pct(&g->r, 15) ? 0 : x_dst(g);
    switch (rng_below(&g->r, 12)) {
    case 0:                     /* csrrw/csrrs/csrrc fflags, any register */
        item_put32(it, csr(1 + rng_below(&g->r, 3), rd, CSR_FFLAGS, (unsigned)x_src(g)));
        break;
    case 1:                     /* csrrwi/csrrsi/csrrci fflags */
        item_put32(it, csr(5 + rng_below(&g->r, 3), rd, CSR_FFLAGS, rng_below(&g->r, 32)));
        break;
    case 2:                     /* read (csrrs rd, csr, x0) */
        item_put32(it, csr(2, x_dst(g), 1 + rng_below(&g->r, 3), 0));
        break;
    case 3:                     /* csrrwi frm, valid mode */
        item_put32(it, csr(5, rd, CSR_FRM, rng_below(&g->r, 5)));
        break;
    case 4:                     /* clearing bits of a valid mode keeps it valid */
        item_put32(it, csr(7, rd, CSR_FRM, rng_below(&g->r, 8)));
        break;
    case 5:
        item_put32(it, csr(3, rd, CSR_FRM, (unsigned)x_src(g)));
        break;
    case 6: {                   /* csrrw frm from a register holding 0..4 */
        int t = x_dst(g);
        item_put32(it, enc_addi(t, 0, (int32_t)rng_below(&g->r, 5)));
        item_put32(it, csr(1, rd, CSR_FRM, (unsigned)t));
        break;
    }
    case 7:
    case 8: {                   /* csrrw fcsr, valid frm, random flags and high garbage */
        int t = x_dst(g);
        int32_t low = (int32_t)((rng_below(&g->r, 5) << 5) | rng_below(&g->r, 32));
        if (rng_pct(&g->r, 50)) {
            /* bits 31..8 of fcsr are ignored on write: set some */
            item_put32(it, enc_u(OPC_LUI, t, (uint32_t)rng_next(&g->r) & 0xfffff));
            item_put32(it, enc_addi(t, t, low));
        } else {
            item_put32(it, enc_addi(t, 0, low));
        }
        item_put32(it, csr(1, rd, CSR_FCSR, (unsigned)t));
        break;
    }
    case 9:                     /* csrrc fcsr: clearing keeps frm valid */
        item_put32(it, csr(3, rd, CSR_FCSR, (unsigned)x_src(g)));
        break;
    case 10:                    /* csrrsi/csrrci fcsr: the immediate reaches flags only */
        item_put32(it, csr(6 + rng_below(&g->r, 2), rd, CSR_FCSR, rng_below(&g->r, 32)));
        break;
    default:                    /* csrrs fflags, any register */
        item_put32(it, csr(2, rd, CSR_FFLAGS, (unsigned)x_src(g)));
        break;
    }
}
