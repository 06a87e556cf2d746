/*
 * Generator: integer instructions — RV64I register and immediate operations
 * (with the W forms), lui/auipc, edge-value constants, forward branches and
 * jumps, the M extension and Zba/Zbb/Zbs.
 */
#include "gen.h"

struct rop {
    unsigned opc, f3, f7;
};

static const struct rop ops_i_rr[] = {
    { OPC_OP, 0, 0x00 }, { OPC_OP, 0, 0x20 }, { OPC_OP, 1, 0 }, { OPC_OP, 2, 0 },
    { OPC_OP, 3, 0 }, { OPC_OP, 4, 0 }, { OPC_OP, 5, 0x00 }, { OPC_OP, 5, 0x20 },
    { OPC_OP, 6, 0 }, { OPC_OP, 7, 0 },
    { OPC_OP_32, 0, 0x00 }, { OPC_OP_32, 0, 0x20 }, { OPC_OP_32, 1, 0 },
    { OPC_OP_32, 5, 0x00 }, { OPC_OP_32, 5, 0x20 },
};

static const struct rop ops_m[] = {
    { OPC_OP, 0, 1 }, { OPC_OP, 1, 1 }, { OPC_OP, 2, 1 }, { OPC_OP, 3, 1 },
    { OPC_OP, 4, 1 }, { OPC_OP, 5, 1 }, { OPC_OP, 6, 1 }, { OPC_OP, 7, 1 },
    { OPC_OP_32, 0, 1 }, { OPC_OP_32, 4, 1 }, { OPC_OP_32, 5, 1 }, { OPC_OP_32, 6, 1 },
    { OPC_OP_32, 7, 1 },
};

/* Zba, Zbb, Zbs register-register forms */
static const struct rop ops_zb_rr[] = {
    { OPC_OP_32, 0, 0x04 },                             /* add.uw */
    { OPC_OP, 2, 0x10 }, { OPC_OP, 4, 0x10 }, { OPC_OP, 6, 0x10 },  /* shNadd */
    { OPC_OP_32, 2, 0x10 }, { OPC_OP_32, 4, 0x10 }, { OPC_OP_32, 6, 0x10 }, /* shNadd.uw */
    { OPC_OP, 7, 0x20 }, { OPC_OP, 6, 0x20 }, { OPC_OP, 4, 0x20 },  /* andn orn xnor */
    { OPC_OP, 6, 0x05 }, { OPC_OP, 7, 0x05 }, { OPC_OP, 4, 0x05 }, { OPC_OP, 5, 0x05 },
    { OPC_OP, 1, 0x30 }, { OPC_OP, 5, 0x30 },           /* rol ror */
    { OPC_OP_32, 1, 0x30 }, { OPC_OP_32, 5, 0x30 },     /* rolw rorw */
    { OPC_OP, 1, 0x24 }, { OPC_OP, 5, 0x24 }, { OPC_OP, 1, 0x34 }, { OPC_OP, 1, 0x14 },
};

/* Zbb/Zbs unary forms and shift-immediate forms: opcode, f3, imm[11:0] */
struct iop {
    unsigned opc, f3, imm;
    unsigned shamt_bits;        /* 0: fixed imm, 5 or 6: low bits are a shift amount */
};

static const struct iop ops_zb_imm[] = {
    { OPC_OP_IMM, 1, 0x600, 0 }, { OPC_OP_IMM, 1, 0x601, 0 }, { OPC_OP_IMM, 1, 0x602, 0 },
    { OPC_OP_IMM, 1, 0x604, 0 }, { OPC_OP_IMM, 1, 0x605, 0 },          /* clz ctz cpop sext */
    { OPC_OP_IMM_32, 1, 0x600, 0 }, { OPC_OP_IMM_32, 1, 0x601, 0 },
    { OPC_OP_IMM_32, 1, 0x602, 0 },                                     /* clzw ctzw cpopw */
    { OPC_OP_32, 4, 0x080, 0 },                                         /* zext.h */
    { OPC_OP_IMM, 5, 0x287, 0 }, { OPC_OP_IMM, 5, 0x6b8, 0 },           /* orc.b rev8 */
    { OPC_OP_IMM, 5, 0x600, 6 }, { OPC_OP_IMM_32, 5, 0x600, 5 },        /* rori roriw */
    { OPC_OP_IMM_32, 1, 0x080, 6 },                                     /* slli.uw */
    { OPC_OP_IMM, 1, 0x480, 6 }, { OPC_OP_IMM, 5, 0x480, 6 },           /* bclri bexti */
    { OPC_OP_IMM, 1, 0x680, 6 }, { OPC_OP_IMM, 1, 0x280, 6 },           /* binvi bseti */
};

static const struct iop ops_i_imm[] = {
    { OPC_OP_IMM, 0, 0, 0 }, { OPC_OP_IMM, 2, 0, 0 }, { OPC_OP_IMM, 3, 0, 0 },
    { OPC_OP_IMM, 4, 0, 0 }, { OPC_OP_IMM, 6, 0, 0 }, { OPC_OP_IMM, 7, 0, 0 },
    { OPC_OP_IMM_32, 0, 0, 0 },
    { OPC_OP_IMM, 1, 0x000, 6 }, { OPC_OP_IMM, 5, 0x000, 6 }, { OPC_OP_IMM, 5, 0x400, 6 },
    { OPC_OP_IMM_32, 1, 0x000, 5 }, { OPC_OP_IMM_32, 5, 0x000, 5 },
    { OPC_OP_IMM_32, 5, 0x400, 5 },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int32_t imm12(struct gen *g)
{
    switch (rng_below(&g->r, 4)) {
    case 0:
        return (int32_t)rng_below(&g->r, 33) - 16;
    case 1: {
        static const int32_t e[] = { 0, -1, 1, 2047, -2048, 0x7ff, 31, 32, 63, -32 };
        return e[rng_below(&g->r, N(e))];
    }
    default:
        return (int32_t)rng_below(&g->r, 4096) - 2048;
    }
}

static void emit_iop(struct gen *g, struct item *it, const struct iop *op)
{
    int32_t imm;
    if (op->shamt_bits)
        imm = (int32_t)(op->imm | rng_below(&g->r, 1u << op->shamt_bits));
    else if (op->imm || op->opc == OPC_OP_32)
        imm = (int32_t)op->imm;
    else
        imm = imm12(g);
    item_put32(it, enc_i(op->opc, op->f3, x_dst(g), x_src(g), imm));
}

/* the destination of the last instruction of it */
static int last_rd(const struct item *it)
{
    return (int)(it->w[it->n - 1] >> 7 & 31);
}

static void maybe_record(struct gen *g, struct item *it)
{
    if (rng_pct(&g->r, 20))
        record_x(g, it, last_rd(it));
}

void emit_int(struct gen *g)
{
    struct item *it = item_new(g);
    unsigned k = rng_below(&g->r, 20);
    if (k < 9) {
        const struct rop *op = &ops_i_rr[rng_below(&g->r, N(ops_i_rr))];
        item_put32(it, enc_r(op->opc, op->f3, op->f7, x_dst(g), x_src(g), x_src(g)));
    } else if (k < 17) {
        emit_iop(g, it, &ops_i_imm[rng_below(&g->r, N(ops_i_imm))]);
    } else if (k < 19) {
        item_put32(it, enc_u(OPC_LUI, x_dst(g), (uint32_t)rng_next(&g->r) & 0xfffff));
    } else {
        item_put32(it, enc_u(OPC_AUIPC, x_dst(g), (uint32_t)rng_next(&g->r) & 0xfffff));
    }
    maybe_record(g, it);
}

/* put an edge value in rd with one or two instructions */
static void put_const(struct gen *g, struct item *it, int rd)
{
    switch (rng_below(&g->r, 7)) {
    case 0:                     /* INT64_MIN */
        item_put32(it, enc_addi(rd, 0, 1));
        item_put32(it, enc_i(OPC_OP_IMM, 1, rd, rd, 63));
        break;
    case 1:                     /* INT64_MAX */
        item_put32(it, enc_addi(rd, 0, -1));
        item_put32(it, enc_i(OPC_OP_IMM, 5, rd, rd, 1));
        break;
    case 2:                     /* INT32_MIN, sign-extended */
        item_put32(it, enc_u(OPC_LUI, rd, 0x80000));
        break;
    case 3:                     /* -1 */
        item_put32(it, enc_addi(rd, 0, -1));
        break;
    case 4:                     /* 0x80000000 zero-extended */
        item_put32(it, enc_addi(rd, 0, 1));
        item_put32(it, enc_i(OPC_OP_IMM, 1, rd, rd, 31));
        break;
    case 5:                     /* a 32-bit value */
        item_put32(it, enc_u(OPC_LUI, rd, (uint32_t)rng_next(&g->r) & 0xfffff));
        item_put32(it, enc_i(OPC_OP_IMM_32, 0, rd, rd, imm12(g)));
        break;
    default:
        item_put32(it, enc_addi(rd, 0, imm12(g)));
        break;
    }
}

void emit_const(struct gen *g)
{
    put_const(g, item_new(g), x_dst(g));
}

void emit_branch(struct gen *g)
{
    struct item *it = item_new(g);
    int skip = (int)rng_below(&g->r, 5);
    unsigned k = rng_below(&g->r, 10);
    if (k < 6) {
        static const unsigned f3s[] = { 0, 1, 4, 5, 6, 7 };
        item_put32(it, enc_b(f3s[rng_below(&g->r, 6)], x_src(g), x_src(g), 0));
        item_branch(it, FIX_B, 0, 0, skip);
    } else if (k < 8) {
        item_put32(it, enc_j(rng_pct(&g->r, 30) ? 0 : x_dst(g), 0));
        item_branch(it, FIX_J, 0, 0, skip);
    } else {
        /* indirect: auipc base; jalr rd, off(base) to a later item */
        int base = x_dst(g);
        item_put32(it, enc_u(OPC_AUIPC, base, 0));
        if (rng_pct(&g->r, 40))
        {
            int t;
            do
                t = x_dst(g);
            while (t == base);
            put_const(g, it, t);                        /* something between */
        }
        item_put32(it, enc_i(OPC_JALR, 0, rng_pct(&g->r, 30) ? 0 : x_dst(g), base, 0));
        item_branch(it, FIX_I, it->n - 1, 0, skip);
    }
}

void emit_m(struct gen *g)
{
    const struct rop *op = &ops_m[rng_below(&g->r, N(ops_m))];
    struct item *it = item_new(g);
    int rs1 = x_src(g), rs2 = x_src(g);
    unsigned k = rng_below(&g->r, 10);
    if (k < 3) {
        /* overflow case: INT_MIN / -1 in the operation's width */
        rs1 = x_dst(g);
        do
            rs2 = x_dst(g);
        while (rs2 == rs1);
        if (op->opc == OPC_OP_32) {
            item_put32(it, enc_u(OPC_LUI, rs1, 0x80000));
        } else {
            item_put32(it, enc_addi(rs1, 0, 1));
            item_put32(it, enc_i(OPC_OP_IMM, 1, rs1, rs1, 63));
        }
        item_put32(it, enc_addi(rs2, 0, -1));
    } else if (k < 5) {
        rs2 = 0;                /* division by zero */
    } else if (k < 6) {
        rs2 = x_dst(g);
        item_put32(it, enc_addi(rs2, 0, 0));
    }
    item_put32(it, enc_r(op->opc, op->f3, op->f7, x_dst(g), rs1, rs2));
    maybe_record(g, it);
}

void emit_zb(struct gen *g)
{
    struct item *it = item_new(g);
    if (rng_pct(&g->r, 55)) {
        const struct rop *op = &ops_zb_rr[rng_below(&g->r, N(ops_zb_rr))];
        item_put32(it, enc_r(op->opc, op->f3, op->f7, x_dst(g), x_src(g), x_src(g)));
    } else {
        const struct iop *op = &ops_zb_imm[rng_below(&g->r, N(ops_zb_imm))];
        if (g->qemu_quirks && op->opc == OPC_OP_IMM_32 && op->imm == 0x601) {
            /* qemu 7.2's ctzw returns ctz of all 64 bits when bits 31..0 are
             * zero and the upper half is not (e.g. 0x200000000 gives 33,
             * not 32): feed it a sign-extended copy, whose upper half is
             * zero whenever the lower one is */
            int t = x_dst(g);
            item_put32(it, enc_i(OPC_OP_IMM_32, 0, t, x_src(g), 0));
            item_put32(it, enc_i(op->opc, op->f3, x_dst(g), t, (int32_t)op->imm));
        } else {
            emit_iop(g, it, op);
        }
    }
    maybe_record(g, it);
}
