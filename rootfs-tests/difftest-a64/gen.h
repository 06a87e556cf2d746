/*
 * Random A64 stream generator: shared state, the item list and the template
 * expander.  Streams are written as assembly text (GNU as turns them into
 * code, so every emitted instruction is checked to be a valid encoding).  An
 * item is a short group of instructions that must stay together (an address
 * set-up and the access using it, an exclusive pair, a branch); streams are
 * cut only at item boundaries, which is what lets the driver bisect a
 * divergence down to one item.
 */
#ifndef DIFFTEST_A64_GEN_H
#define DIFFTEST_A64_GEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

struct item {
    char *text;                 /* one instruction per line; "@T" is the jump target */
    int len, cap;
    int n;                      /* instructions */
    int has_target;
    int skip;                   /* target: the start of item (this + 1 + skip) */
};

enum gen_class {
    CL_INT, CL_MEM, CL_ATOMIC, CL_FP, CL_SIMDI, CL_SIMDF, CL_CRYPTO, CL_MIXED,
    CL_FP16,                    /* after the others: their seeds stay as they were */
    CL_COUNT
};

struct gen {
    struct rng r;
    enum gen_class cls;
    struct item *items;
    int n_items, cap;
    int n_insns;
    int avoid_bugs;             /* steer clear of known runtime bugs (README) */
    uint32_t busy;              /* x registers the stream must not write now */
    struct loop { int head, tail; } *loops;     /* item indexes */
    int n_loops, loops_cap;
};

/* print "gen: MSG" and exit 2 */
void gen_die(const char *msg) __attribute__((noreturn));

struct item *item_new(struct gen *g);
/* append one instruction line (printf format) */
void item_add(struct item *it, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* register choice: the stream writes neither sp nor x28 */
int x_dst(struct gen *g);       /* writable x register, not busy */
int x_src(struct gen *g);       /* any x register 0..30 */
int x_tmp(struct gen *g);       /* writable and marked busy until busy_restore */
const char *xname(int r, int sf);   /* "x5" / "w5", r == 31: xzr/wzr */

/*
 * Templates: one instruction with $-tokens, expanded per use.
 *   $R $r $n   GPR in the template's width: destination / source (may be
 *              zr) / source (never zr);  $X $x $W $w  explicit widths
 *   $V         any vector register number;  $M  v0..v15 (by-element Vm of .h)
 *   $A         arrangement of (esize, q);  $B  double-width full arrangement;
 *   $D         double-width arrangement with the same q;  $N  half-width one
 *   $2         "2" when q;  $E $F $G  letters of esize, 2*esize, esize/2
 *   $P         FP register letter of esize (h s d)
 *   $L         lane index of esize in 128 bits;  $l  in 64 bits
 *   $S         shift 1..esize;  $s  0..esize-1
 *   $i{a,b}    integer in [a, b];  $k{a|b|c}  one of the words
 *   $c         condition;  $C  condition but al/nv;  $m  logical immediate of the width;  $f  FMOV immediate
 *   $T         the item's jump target
 * The first $R/$X/$W/$V is the destination that may be recorded to memory.
 */
enum {
    SH_8B = 1 << 0, SH_16B = 1 << 1, SH_4H = 1 << 2, SH_8H = 1 << 3,
    SH_2S = 1 << 4, SH_4S = 1 << 5, SH_1D = 1 << 6, SH_2D = 1 << 7,
    SH_W = 1 << 8, SH_X = 1 << 9,
    SH_B = SH_8B | SH_16B, SH_H = SH_4H | SH_8H, SH_S = SH_2S | SH_4S, SH_D = SH_2D,
    SH_BHS = SH_B | SH_H | SH_S, SH_BHSD = SH_BHS | SH_D, SH_HS = SH_H | SH_S,
    SH_SD = SH_S | SH_D, SH_WX = SH_W | SH_X,
    /* scalar forms: esize from the arrangement bit, q unused */
    SC_B = SH_8B, SC_H = SH_4H, SC_S = SH_2S, SC_D = SH_1D,
    SC_SD = SC_S | SC_D, SC_HSD = SC_H | SC_S | SC_D, SC_BHSD = SC_B | SC_H | SC_S | SC_D,
    /* flags of a template, above the shapes */
    TF_FLAGS = 1 << 16,         /* sets NZCV: record it now and then */
    TF_FPSR = 1 << 17,          /* may raise FP flags: record FPSR now and then */
};

struct tpl {
    const char *t;
    unsigned shapes;            /* SH_* and TF_* */
};

/* expand a random template of the table into item it (and maybe a record) */
void emit_tpl(struct gen *g, struct item *it, const struct tpl *tab, int n);
#define EMIT_TABLE(g, it, tab) emit_tpl(g, it, tab, (int)(sizeof(tab) / sizeof((tab)[0])))

/* store a result to a random slot of the record area (sp + 0..2047) */
void record_x(struct gen *g, struct item *it, int rd);
void record_v(struct gen *g, struct item *it, int vd);
void record_nzcv(struct gen *g, struct item *it);
void record_fpsr(struct gen *g, struct item *it);    /* and clear it */

/* value pools shared by register and memory initialisation */
uint64_t val_int(struct rng *r);
uint64_t val_double(struct rng *r);
uint32_t val_single(struct rng *r);
uint64_t val_lane64(struct rng *r);     /* a double, two singles, an int ... */
uint64_t val_half4(struct rng *r);      /* four halves */
uint64_t val_bitmask(struct rng *r, int sf);

/* emitters, one per instruction group (gen_int.c, gen_mem.c, ...) */
void emit_int(struct gen *g);
void emit_const(struct gen *g);
void emit_branch(struct gen *g);
void emit_mem(struct gen *g);
void emit_pair(struct gen *g);
void emit_excl(struct gen *g);
void emit_lse(struct gen *g);
void emit_fp(struct gen *g);
void emit_fp_cvt(struct gen *g);
void emit_fp_mem(struct gen *g);
void emit_fpcr(struct gen *g);
void emit_simd_int(struct gen *g);
void emit_simd_fp(struct gen *g);
void emit_simd_mem(struct gen *g);
void emit_simd_move(struct gen *g);
void emit_crypto(struct gen *g);
void emit_crc(struct gen *g);
void emit_fp16_scalar(struct gen *g);
void emit_fp16_vec(struct gen *g);

/* a scratch address for an access of `size` bytes, 0 <= off <= 4096-size */
int32_t scratch_off(struct gen *g, int size, int align);
/* a record-area offset from sp, multiple of `align` */
int32_t record_slot(struct gen *g, int size);

#endif
