/*
 * Random RV64GC stream generator: command line, RNG, value pools, item list,
 * layout with branch fix-ups, and the stream file writer.
 *
 *   gen -s SEED -n INSNS -c CLASS -o FILE [-k ITEMS] [-m MAPFILE] [-a ASMFILE] [-q]
 *
 * The same seed and class always give the same file.  -k keeps only the
 * first ITEMS items (register and memory set-up unchanged, jumps past the cut
 * land on the end), which is how the driver bisects a divergence.  -m writes
 * one line "index byte_offset byte_length" per item; -a writes the stream as
 * ".insn" directives, which GNU as turns into an object that objdump can
 * disassemble with the Zb* extensions enabled (raw-binary disassembly
 * cannot be told the extensions).  -q avoids operand patterns on which
 * Debian's qemu-user 7.2 is known to be wrong, for comparisons against it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gen.h"

static const char *const class_names[CL_COUNT] = {
    [CL_INT] = "int", [CL_M] = "m", [CL_A] = "a", [CL_FD] = "fd",
    [CL_C] = "c", [CL_ZB] = "zb", [CL_MIXED] = "mixed",
};

uint64_t rng_next(struct rng *r)
{
    /* splitmix64: tiny, and good enough for test streams */
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void die(const char *msg)
{
    fprintf(stderr, "gen: %s\n", msg);
    exit(2);
}

/* ---- registers ---- */

int x_dst(struct gen *g)
{
    for (;;) {
        int r = 1 + (int)rng_below(&g->r, 31);
        if (r != DT_REG_SP && r != DT_REG_BASE && !(g->busy >> r & 1))
            return r;
    }
}

int x_src(struct gen *g)
{
    if (rng_pct(&g->r, 10))
        return 0;
    return (int)rng_below(&g->r, 32);
}

int xc_dst(struct gen *g)
{
    for (;;) {
        int r = 9 + (int)rng_below(&g->r, 7);
        if (!(g->busy >> r & 1))
            return r;
    }
}

int xc_src(struct gen *g)
{
    return 8 + (int)rng_below(&g->r, 8);
}

int rm_any(struct gen *g)
{
    static const int rms[] = { 0, 1, 2, 3, 4, 7, 7, 7 };
    return rms[rng_below(&g->r, 8)];
}

/* ---- value pools ---- */

uint64_t val_int(struct rng *r)
{
    static const uint64_t edge[] = {
        0, 1, 2, 3, UINT64_MAX, UINT64_MAX - 1, 0x8000000000000000ull,
        0x7fffffffffffffffull, 0xffffffff80000000ull, 0x7fffffff, 0x80000000,
        0xffffffff, 0x100000000ull, 31, 32, 63, 64, 0x8000, 0xffff, 0x80, 0xff,
        0xffffffff7fffffffull, 0x8000000000000001ull, 0x00000000fffffffeull,
    };
    uint64_t v = rng_next(r);
    switch (rng_below(r, 7)) {
    case 0:
    case 1:
        return edge[rng_below(r, sizeof(edge) / sizeof(edge[0]))];
    case 2:
        return v;
    case 3:
        return (uint64_t)(int64_t)(int32_t)v;
    case 4:
        return (uint64_t)((int64_t)(v % 129) - 64);
    case 5:
        return v & 0xffffffff;
    default:
        return v >> rng_below(r, 64);
    }
}

uint64_t val_double(struct rng *r)
{
    static const uint64_t edge[] = {
        0x0000000000000000ull, 0x8000000000000000ull,   /* +-0 */
        0x7ff0000000000000ull, 0xfff0000000000000ull,   /* +-inf */
        0x7ff8000000000000ull, 0xfff8000000000000ull,   /* qNaN */
        0x7ff8000000000123ull, 0x7ff0000000000001ull,   /* qNaN payload, sNaN */
        0xfff4000000000000ull,                          /* -sNaN */
        0x0000000000000001ull, 0x000fffffffffffffull,   /* denormals */
        0x8000000000000001ull, 0x0010000000000000ull,   /* min normal */
        0x3ff0000000000000ull, 0xbff0000000000000ull,   /* +-1 */
        0x7fefffffffffffffull, 0xffefffffffffffffull,   /* +-max */
        0x3fe0000000000000ull, 0x3ff8000000000000ull,   /* 0.5, 1.5 */
        0x4004000000000000ull, 0xbff8000000000000ull,   /* 2.5, -1.5 */
        0x43e0000000000000ull, 0xc3e0000000000000ull,   /* +-2^63 */
        0x43f0000000000000ull, 0x41e0000000000000ull,   /* 2^64, 2^31 */
        0xc1e0000000000000ull, 0x41f0000000000000ull,   /* -2^31, 2^32 */
        0xc1e0000000200000ull, 0x41dfffffffc00000ull,   /* -2^31-1, 2^31-1 */
        0x43dfffffffffffffull, 0x3ff0000000000001ull,
    };
    union { double d; uint64_t u; } c;
    switch (rng_below(r, 5)) {
    case 0:
    case 1:
        return edge[rng_below(r, sizeof(edge) / sizeof(edge[0]))];
    case 2:
        /* small exact values: exact sums and equal compares are likely */
        c.d = (double)((int)rng_below(r, 41) - 20) / (double)(1 + rng_below(r, 4));
        return c.u;
    case 3:
        /* moderate exponent, random mantissa */
        return (rng_next(r) & 0x800fffffffffffffull) |
               ((uint64_t)(1023 - 40 + rng_below(r, 80)) << 52);
    default:
        return rng_next(r);
    }
}

static uint32_t val_single(struct rng *r)
{
    static const uint32_t edge[] = {
        0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000,
        0x7fc00123, 0x7f800001, 0xffa00000, 0x00000001, 0x007fffff, 0x80000001,
        0x00800000, 0x3f800000, 0xbf800000, 0x7f7fffff, 0xff7fffff, 0x3f000000,
        0x3fc00000, 0x40200000, 0xbfc00000, 0x5f000000, 0xdf000000, 0x5f800000,
        0x4f000000, 0xcf000000, 0x4f800000, 0x4effffff, 0x3f800001,
    };
    union { float f; uint32_t u; } c;
    switch (rng_below(r, 5)) {
    case 0:
    case 1:
        return edge[rng_below(r, sizeof(edge) / sizeof(edge[0]))];
    case 2:
        c.f = (float)((int)rng_below(r, 41) - 20) / (float)(1 + rng_below(r, 4));
        return c.u;
    case 3:
        return ((uint32_t)rng_next(r) & 0x807fffff) | ((127 - 20 + rng_below(r, 40)) << 23);
    default:
        return (uint32_t)rng_next(r);
    }
}

uint64_t val_single_boxed(struct rng *r)
{
    return 0xffffffff00000000ull | val_single(r);
}

uint64_t val_fp(struct rng *r)
{
    unsigned k = rng_below(r, 20);
    if (k < 9)
        return val_double(r);
    if (k < 18)
        return val_single_boxed(r);
    /* an improperly boxed single: single-precision ops must see canonical NaN */
    return (rng_pct(r, 50) ? 0 : (rng_next(r) & 0xfffffffe00000000ull)) | val_single(r);
}

/* ---- items ---- */

struct item *item_new(struct gen *g)
{
    if (g->n_items == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 256;
        g->items = realloc(g->items, (size_t)g->cap * sizeof(*g->items));
        if (!g->items)
            die("out of memory");
    }
    struct item *it = &g->items[g->n_items++];
    memset(it, 0, sizeof(*it));
    return it;
}

void item_put32(struct item *it, uint32_t w)
{
    if (it->n == ITEM_MAX)
        die("item overflow");
    if ((w & 3) != 3)
        die("32-bit encoding with a compressed opcode");
    it->w[it->n] = w;
    it->sz[it->n++] = 4;
}

void item_put16(struct item *it, uint32_t h)
{
    if (it->n == ITEM_MAX)
        die("item overflow");
    if ((h & 3) == 3 || h > 0xffff || h == 0)
        die("bad compressed encoding");
    it->w[it->n] = h;
    it->sz[it->n++] = 2;
}

void item_branch(struct item *it, enum fix_kind k, int fix_insn, int fix_ref, int skip)
{
    it->fix = k;
    it->fix_insn = fix_insn;
    it->fix_ref = fix_ref;
    it->skip = skip;
}

/* ---- per-class mixes ---- */

struct weight {
    void (*emit)(struct gen *g);
    int w;
};

static const struct weight mix_int[] = {
    { emit_int, 50 }, { emit_const, 10 }, { emit_branch, 12 }, { emit_mem, 28 }, { 0, 0 },
};
static const struct weight mix_m[] = {
    { emit_m, 60 }, { emit_const, 15 }, { emit_int, 20 }, { emit_branch, 5 }, { 0, 0 },
};
static const struct weight mix_a[] = {
    { emit_amo, 50 }, { emit_mem, 20 }, { emit_int, 20 }, { emit_const, 10 }, { 0, 0 },
};
static const struct weight mix_fd[] = {
    { emit_fp, 66 }, { emit_fp_mem, 14 }, { emit_fcsr, 8 }, { emit_const, 6 },
    { emit_int, 6 }, { 0, 0 },
};
static const struct weight mix_c[] = {
    { emit_rvc, 90 }, { emit_rvc_branch, 10 }, { 0, 0 },
};
static const struct weight mix_zb[] = {
    { emit_zb, 60 }, { emit_int, 15 }, { emit_const, 20 }, { emit_branch, 5 }, { 0, 0 },
};
static const struct weight mix_mixed[] = {
    { emit_int, 14 }, { emit_const, 5 }, { emit_branch, 6 }, { emit_m, 10 }, { emit_zb, 10 },
    { emit_mem, 10 }, { emit_amo, 6 }, { emit_fp, 16 }, { emit_fp_mem, 5 },
    { emit_fcsr, 3 }, { emit_rvc, 12 }, { emit_rvc_branch, 3 }, { 0, 0 },
};
static const struct weight *const mixes[CL_COUNT] = {
    [CL_INT] = mix_int, [CL_M] = mix_m, [CL_A] = mix_a, [CL_FD] = mix_fd,
    [CL_C] = mix_c, [CL_ZB] = mix_zb, [CL_MIXED] = mix_mixed,
};

static void emit_from_mix(struct gen *g, const struct weight *mix, int total)
{
    int pick = (int)rng_below(&g->r, (unsigned)total);
    const struct weight *w = mix;
    while (pick >= w->w) {
        pick -= w->w;
        w++;
    }
    int before = g->n_items;
    w->emit(g);
    for (int i = before; i < g->n_items; i++)
        g->n_insns += g->items[i].n;
}

/*
 * A counted loop: "addi rc, x0, N" (head), body items from the class mix,
 * "addi rc, rc, -1; bne rc, x0, body" (tail).  Nothing in the body writes
 * rc (it is busy; not ra either, which c.jalr writes), and layout() bends
 * forward jumps from outside into the body back to the head, so every loop
 * ends.  Up to 40 iterations: the runner's hot tier takes over mid-loop.
 */
static void emit_loop(struct gen *g, const struct weight *mix, int total)
{
    int rc;
    do
        rc = x_dst(g);
    while (rc == 1);
    struct item *it = item_new(g);
    item_put32(it, enc_addi(rc, 0, 1 + (int32_t)rng_below(&g->r, 40)));
    g->n_insns++;
    int head = g->n_items - 1;
    g->busy |= 1u << rc;
    for (int n = 1 + (int)rng_below(&g->r, 10); n > 0; n--)
        emit_from_mix(g, mix, total);
    g->busy &= ~(1u << rc);
    it = item_new(g);
    item_put32(it, enc_addi(rc, rc, -1));
    item_put32(it, enc_b(1, rc, 0, 0));
    int tail = g->n_items - 1;
    item_branch(it, FIX_B, 1, 1, head - tail);  /* target: item head + 1 */
    g->n_insns += 2;
    if (g->n_loops == g->loops_cap) {
        g->loops_cap = g->loops_cap ? 2 * g->loops_cap : 16;
        g->loops = realloc(g->loops, (size_t)g->loops_cap * sizeof(*g->loops));
        if (!g->loops)
            die("out of memory");
    }
    g->loops[g->n_loops++] = (struct loop){ head, tail };
}

static void gen_items(struct gen *g, int n_insns)
{
    const struct weight *mix = mixes[g->cls];
    int total = 0;
    for (const struct weight *w = mix; w->emit; w++)
        total += w->w;
    while (g->n_insns < n_insns) {
        if (rng_pct(&g->r, 2))
            emit_loop(g, mix, total);
        else
            emit_from_mix(g, mix, total);
    }
}

/* a forward jump from item `from` must not land inside a loop body it is
 * not in (the counter would not be set): land on that loop's head instead */
static int jump_target(const struct gen *g, int from, int tgt)
{
    for (int i = 0; i < g->n_loops; i++) {
        const struct loop *l = &g->loops[i];
        if (from < l->head && tgt > l->head && tgt <= l->tail)
            return l->head;
    }
    return tgt;
}

/* ---- layout ---- */

static int32_t checked(int32_t off, int32_t lo, int32_t hi, const char *what)
{
    if (off < lo || off > hi) {
        fprintf(stderr, "gen: %s offset %d out of range\n", what, off);
        exit(2);
    }
    return off;
}

/* lay out the first n items into buf; returns the byte count (a multiple of 4) */
static uint32_t layout(struct gen *g, int n, uint8_t **out, uint32_t *item_off)
{
    uint32_t size = 0;
    for (int i = 0; i < n; i++) {
        item_off[i] = size;
        for (int k = 0; k < g->items[i].n; k++)
            size += g->items[i].sz[k];
    }
    item_off[n] = size;
    uint8_t *buf = malloc(size + 2);
    if (!buf)
        die("out of memory");
    uint32_t pos = 0;
    for (int i = 0; i < n; i++) {
        struct item *it = &g->items[i];
        uint32_t ins_off[ITEM_MAX];
        uint32_t p = item_off[i];
        for (int k = 0; k < it->n; k++) {
            ins_off[k] = p;
            p += it->sz[k];
        }
        if (it->fix != FIX_NONE) {
            int tgt_item = it->skip >= 0 ? jump_target(g, i, i + 1 + it->skip) : i + 1 + it->skip;
            uint32_t tgt = item_off[tgt_item < n ? tgt_item : n];
            uint32_t *w = &it->w[it->fix_insn];
            int32_t off;
            switch (it->fix) {
            case FIX_B:
                off = checked((int32_t)(tgt - ins_off[it->fix_insn]), -4096, 4094, "branch");
                *w = enc_b(*w >> 12 & 7, (int)(*w >> 15 & 31), (int)(*w >> 20 & 31), off);
                break;
            case FIX_J:
                off = checked((int32_t)(tgt - ins_off[it->fix_insn]), -(1 << 20), (1 << 20) - 2,
                              "jal");
                *w = enc_j((int)(*w >> 7 & 31), off);
                break;
            case FIX_CJ:
                off = checked((int32_t)(tgt - ins_off[it->fix_insn]), -2048, 2046, "c.j");
                *w = enc_cj(*w >> 13 & 7, off);
                break;
            case FIX_CB:
                off = checked((int32_t)(tgt - ins_off[it->fix_insn]), -256, 254, "c.b");
                *w = enc_cb(*w >> 13 & 7, 8 + (int)(*w >> 7 & 7), off);
                break;
            case FIX_I:
                off = checked((int32_t)(tgt - ins_off[it->fix_ref]), -2048, 2047, "jalr");
                *w = (*w & 0xfffff) | ((uint32_t)off << 20);
                break;
            default:
                break;
            }
        }
        for (int k = 0; k < it->n; k++) {
            uint32_t v = it->w[k];
            for (int b = 0; b < it->sz[k]; b++)
                buf[pos++] = (uint8_t)(v >> (8 * b));
        }
    }
    /* keep the harness's tail 4-byte aligned: pad with c.nop */
    if (pos & 2) {
        buf[pos++] = 0x01;
        buf[pos++] = 0x00;
    }
    *out = buf;
    return pos;
}

static void write_asm(const char *path, const uint8_t *code, uint32_t size)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    fprintf(f, "\t.text\n");
    for (uint32_t p = 0; p < size;) {
        uint32_t w = code[p] | (uint32_t)code[p + 1] << 8;
        if ((w & 3) == 3) {
            w |= (uint32_t)code[p + 2] << 16 | (uint32_t)code[p + 3] << 24;
            fprintf(f, "\t.insn 4, 0x%08x\n", w);
            p += 4;
        } else {
            fprintf(f, "\t.insn 2, 0x%04x\n", w);
            p += 2;
        }
    }
    fclose(f);
}

static void usage(void)
{
    fprintf(stderr, "usage: gen -s SEED -n INSNS -c CLASS -o FILE [-k ITEMS] [-m MAPFILE] "
                    "[-a ASMFILE] [-q]\n"
                    "classes: int m a fd c zb mixed\n");
    exit(2);
}

int main(int argc, char **argv)
{
    uint64_t seed = 1;
    int n_insns = 1000, keep = -1, quirks = 0, opt;
    const char *out = NULL, *map = NULL, *asmf = NULL, *cls = "mixed";
    while ((opt = getopt(argc, argv, "s:n:c:o:k:m:a:q")) != -1) {
        switch (opt) {
        case 's': seed = strtoull(optarg, NULL, 0); break;
        case 'n': n_insns = atoi(optarg); break;
        case 'c': cls = optarg; break;
        case 'o': out = optarg; break;
        case 'k': keep = atoi(optarg); break;
        case 'm': map = optarg; break;
        case 'a': asmf = optarg; break;
        case 'q': quirks = 1; break;
        default: usage();
        }
    }
    if (!out || n_insns < 1 || n_insns > 100000)
        usage();
    struct gen g = { 0 };
    g.qemu_quirks = quirks;
    g.cls = CL_COUNT;
    for (int c = 0; c < CL_COUNT; c++)
        if (!strcmp(cls, class_names[c]))
            g.cls = (enum gen_class)c;
    if (g.cls == CL_COUNT)
        usage();
    /* the class is part of the seed so that classes do not share streams */
    g.r.s = seed * 0x100000001b3ull + (uint64_t)g.cls;

    struct dt_header h;
    memset(&h, 0, sizeof(h));
    memcpy(h.magic, DT_MAGIC, sizeof(h.magic));
    h.seed = seed;
    for (int i = 1; i < 32; i++)
        if (i != DT_REG_SP && i != DT_REG_BASE)
            h.x[i] = val_int(&g.r);
    /* mostly singles in f0..f15, doubles in f16..f31 (see gen_fp.c) */
    for (int i = 0; i < 32; i++)
        h.f[i] = !rng_pct(&g.r, 75) ? val_fp(&g.r) :
                 i < 16 ? val_single_boxed(&g.r) : val_double(&g.r);
    h.fcsr = (rng_below(&g.r, 5) << 5) | rng_below(&g.r, 32);
    for (int i = 0; i < DT_SCRATCH_BYTES; i += 8) {
        uint64_t v = rng_pct(&g.r, 50) ? val_int(&g.r) : val_fp(&g.r);
        memcpy(&h.scratch[i], &v, 8);
    }

    gen_items(&g, n_insns);
    int n = keep >= 0 && keep < g.n_items ? keep : g.n_items;
    uint32_t *item_off = malloc(((size_t)n + 1) * sizeof(*item_off));
    uint8_t *code;
    h.code_bytes = layout(&g, n, &code, item_off);
    h.n_items = (uint32_t)n;

    FILE *f = fopen(out, "wb");
    if (!f || fwrite(&h, sizeof(h), 1, f) != 1 ||
        (h.code_bytes && fwrite(code, h.code_bytes, 1, f) != 1) || fclose(f)) {
        perror(out);
        return 2;
    }
    if (map) {
        FILE *m = fopen(map, "w");
        if (!m) {
            perror(map);
            return 2;
        }
        for (int i = 0; i < n; i++)
            fprintf(m, "%d %u %u\n", i, item_off[i], item_off[i + 1] - item_off[i]);
        fclose(m);
    }
    if (asmf)
        write_asm(asmf, code, h.code_bytes);
    int kept = 0;
    for (int i = 0; i < n; i++)
        kept += g.items[i].n;
    printf("items %d insns %d bytes %u header %zu\n", n, kept, h.code_bytes, sizeof(h));
    return 0;
}
