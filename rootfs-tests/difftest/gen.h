/*
 * Random RV64GC stream generator: shared state, the item list and the
 * instruction encoders.  An item is a short group of instructions that must
 * stay together (an address set-up and the access using it, an lr/sc pair, a
 * branch); streams are cut only at item boundaries, which is what lets the
 * driver bisect a divergence down to one item.
 */
#ifndef DIFFTEST_GEN_H
#define DIFFTEST_GEN_H

#include <stdint.h>

#include "stream.h"

struct rng {
    uint64_t s;
};

uint64_t rng_next(struct rng *r);
/* uniform in [0, n) */
static inline unsigned rng_below(struct rng *r, unsigned n)
{
    return (unsigned)(rng_next(r) % n);
}
/* true with probability pct/100 */
static inline int rng_pct(struct rng *r, unsigned pct)
{
    return rng_below(r, 100) < pct;
}

#define ITEM_MAX 8

enum fix_kind {
    FIX_NONE,
    FIX_B,      /* conditional branch, offset from itself */
    FIX_J,      /* jal */
    FIX_CJ,     /* c.j */
    FIX_CB,     /* c.beqz / c.bnez */
    FIX_I,      /* I-type immediate, offset from insn fix_ref (auipc) */
};

struct item {
    int n;
    uint32_t w[ITEM_MAX];
    uint8_t sz[ITEM_MAX];       /* 2 or 4 bytes */
    enum fix_kind fix;
    int fix_insn;               /* instruction to patch */
    int fix_ref;                /* instruction the offset is taken from */
    int skip;                   /* target: the start of item (this + 1 + skip) */
};

enum gen_class {
    CL_INT, CL_M, CL_A, CL_FD, CL_C, CL_ZB, CL_MIXED, CL_COUNT
};

struct gen {
    struct rng r;
    enum gen_class cls;
    struct item *items;
    int n_items, cap;
    int n_insns;
    int qemu_quirks;            /* steer clear of known qemu-user 7.2 bugs */
    uint32_t busy;              /* x registers the stream must not write now */
    struct loop { int head, tail; } *loops;     /* item indexes */
    int n_loops, loops_cap;
};

struct item *item_new(struct gen *g);
void item_put32(struct item *it, uint32_t w);
void item_put16(struct item *it, uint32_t h);
/* mark insn fix_insn of it as a forward jump over `skip` items */
void item_branch(struct item *it, enum fix_kind k, int fix_insn, int fix_ref, int skip);

/* register choice: the stream writes neither sp nor s0 */
int x_dst(struct gen *g);       /* writable x register */
int x_src(struct gen *g);       /* any x register, x0 likely */
int xc_dst(struct gen *g);      /* writable x8..x15 (so x9..x15) */
int xc_src(struct gen *g);      /* any of x8..x15 */
static inline int f_any(struct gen *g) { return (int)rng_below(&g->r, 32); }
static inline int fc_any(struct gen *g) { return 8 + (int)rng_below(&g->r, 8); }
int rm_any(struct gen *g);      /* 0..4 or 7 (dynamic) */

/* store a result to a random scratch slot: memory keeps intermediate
 * values that later writes to the register would hide */
void record_x(struct gen *g, struct item *it, int rd);
void record_f(struct gen *g, struct item *it, int fd);
/* read-and-clear fflags into a register and record it */
void record_fflags(struct gen *g, struct item *it);

/* value pools shared by register and memory initialisation */
uint64_t val_int(struct rng *r);
uint64_t val_double(struct rng *r);
uint64_t val_single_boxed(struct rng *r);
uint64_t val_fp(struct rng *r);  /* double, boxed single or unboxed single */

/* emitters, one per instruction class (gen_int.c, gen_mem.c, ...) */
void emit_int(struct gen *g);
void emit_const(struct gen *g);
void emit_branch(struct gen *g);
void emit_m(struct gen *g);
void emit_zb(struct gen *g);
void emit_mem(struct gen *g);
void emit_amo(struct gen *g);
void emit_fp(struct gen *g);
void emit_fp_mem(struct gen *g);
void emit_fcsr(struct gen *g);
void emit_rvc(struct gen *g);
void emit_rvc_branch(struct gen *g);

/* ---- 32-bit encoders ---- */
enum {
    OPC_LOAD = 0x03, OPC_LOAD_FP = 0x07, OPC_OP_IMM = 0x13, OPC_AUIPC = 0x17,
    OPC_OP_IMM_32 = 0x1b, OPC_STORE = 0x23, OPC_STORE_FP = 0x27, OPC_AMO = 0x2f,
    OPC_OP = 0x33, OPC_LUI = 0x37, OPC_OP_32 = 0x3b, OPC_MADD = 0x43,
    OPC_MSUB = 0x47, OPC_NMSUB = 0x4b, OPC_NMADD = 0x4f, OPC_OP_FP = 0x53,
    OPC_BRANCH = 0x63, OPC_JALR = 0x67, OPC_JAL = 0x6f, OPC_SYSTEM = 0x73,
};

static inline uint32_t enc_r(unsigned opc, unsigned f3, unsigned f7, int rd, int rs1, int rs2)
{
    return (f7 << 25) | ((unsigned)rs2 << 20) | ((unsigned)rs1 << 15) | (f3 << 12) |
           ((unsigned)rd << 7) | opc;
}

static inline uint32_t enc_i(unsigned opc, unsigned f3, int rd, int rs1, int32_t imm)
{
    return ((uint32_t)imm << 20) | ((unsigned)rs1 << 15) | (f3 << 12) | ((unsigned)rd << 7) | opc;
}

static inline uint32_t enc_s(unsigned opc, unsigned f3, int rs1, int rs2, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 5 & 0x7f) << 25) | ((unsigned)rs2 << 20) | ((unsigned)rs1 << 15) |
           (f3 << 12) | ((u & 0x1f) << 7) | opc;
}

static inline uint32_t enc_b(unsigned f3, int rs1, int rs2, int32_t off)
{
    uint32_t u = (uint32_t)off;
    return ((u >> 12 & 1) << 31) | ((u >> 5 & 0x3f) << 25) | ((unsigned)rs2 << 20) |
           ((unsigned)rs1 << 15) | (f3 << 12) | ((u >> 1 & 0xf) << 8) | ((u >> 11 & 1) << 7) |
           OPC_BRANCH;
}

static inline uint32_t enc_u(unsigned opc, int rd, uint32_t imm20)
{
    return (imm20 << 12) | ((unsigned)rd << 7) | opc;
}

static inline uint32_t enc_j(int rd, int32_t off)
{
    uint32_t u = (uint32_t)off;
    return ((u >> 20 & 1) << 31) | ((u >> 1 & 0x3ff) << 21) | ((u >> 11 & 1) << 20) |
           ((u >> 12 & 0xff) << 12) | ((unsigned)rd << 7) | OPC_JAL;
}

static inline uint32_t enc_r4(unsigned opc, unsigned fmt, unsigned rm, int rd, int rs1,
                              int rs2, int rs3)
{
    return ((unsigned)rs3 << 27) | (fmt << 25) | ((unsigned)rs2 << 20) | ((unsigned)rs1 << 15) |
           (rm << 12) | ((unsigned)rd << 7) | opc;
}

static inline uint32_t enc_addi(int rd, int rs1, int32_t imm)
{
    return enc_i(OPC_OP_IMM, 0, rd, rs1, imm);
}

/* ---- 16-bit encoders (the RVC formats) ---- */
static inline unsigned bit(uint32_t v, int b) { return v >> b & 1; }
static inline unsigned cr3(int r) { return (unsigned)(r - 8) & 7; }

static inline uint32_t enc_ci(unsigned f3, unsigned op, int rd, uint32_t b12, uint32_t b6_2)
{
    return (f3 << 13) | ((b12 & 1) << 12) | ((unsigned)rd << 7) | ((b6_2 & 0x1f) << 2) | op;
}
/* CL/CS: f3 | b12_10 | rs1' | b6_5 | rd'/rs2' | op */
static inline uint32_t enc_cl(unsigned f3, unsigned op, int rs1, int r2, uint32_t b12_10,
                              uint32_t b6_5)
{
    return (f3 << 13) | ((b12_10 & 7) << 10) | (cr3(rs1) << 7) | ((b6_5 & 3) << 5) |
           (cr3(r2) << 2) | op;
}
static inline uint32_t enc_css(unsigned f3, int rs2, uint32_t b12_7)
{
    return (f3 << 13) | ((b12_7 & 0x3f) << 7) | ((unsigned)rs2 << 2) | 2;
}
static inline uint32_t enc_cj(unsigned f3, int32_t off)
{
    uint32_t u = (uint32_t)off;
    return (f3 << 13) | (bit(u, 11) << 12) | (bit(u, 4) << 11) | ((u >> 8 & 3) << 9) |
           (bit(u, 10) << 8) | (bit(u, 6) << 7) | (bit(u, 7) << 6) | ((u >> 1 & 7) << 3) |
           (bit(u, 5) << 2) | 1;
}
static inline uint32_t enc_cb(unsigned f3, int rs1, int32_t off)
{
    uint32_t u = (uint32_t)off;
    return (f3 << 13) | (bit(u, 8) << 12) | ((u >> 3 & 3) << 10) | (cr3(rs1) << 7) |
           ((u >> 6 & 3) << 5) | ((u >> 1 & 3) << 3) | (bit(u, 5) << 2) | 1;
}

#endif
