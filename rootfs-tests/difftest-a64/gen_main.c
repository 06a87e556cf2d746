/*
 * Random A64 stream generator: command line, RNG, value pools, items,
 * loops, and the output (stream header + assembly).
 *
 *   gen -s SEED -n INSNS -c CLASS -o HEADER -a ASMFILE [-k ITEMS] [-b]
 *
 * The same seed and class always give the same files.  HEADER is the
 * struct dt_header (initial registers, flags, FPCR/FPSR, scratch memory);
 * ASMFILE is the stream as GNU as input, one label per item.  The driver
 * assembles it and appends the code to HEADER.  -k keeps only the first
 * ITEMS items (set-up unchanged, jumps past the cut land on the end), which
 * is how the driver bisects a divergence.  -b avoids the known
 * bugs of our runner listed in README.md (so that the suite stays green
 * while they are open; drop -b to see them).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gen.h"

static const char *const class_names[CL_COUNT] = {
    [CL_INT] = "int", [CL_MEM] = "mem", [CL_ATOMIC] = "atomic", [CL_FP] = "fp",
    [CL_SIMDI] = "simdi", [CL_SIMDF] = "simdf", [CL_CRYPTO] = "crypto", [CL_MIXED] = "mixed",
    [CL_FP16] = "fp16",
};

uint64_t rng_next(struct rng *r)
{
    /* splitmix64 */
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void gen_die(const char *msg)
{
    fprintf(stderr, "gen: %s\n", msg);
    exit(2);
}

/* ---- registers ---- */

int x_dst(struct gen *g)
{
    for (;;) {
        int r = (int)rng_below(&g->r, 31);
        if (r != DT_REG_BASE && !(g->busy >> r & 1))
            return r;
    }
}

int x_src(struct gen *g)
{
    return (int)rng_below(&g->r, 31);
}

int x_tmp(struct gen *g)
{
    int r = x_dst(g);
    g->busy |= 1u << r;
    return r;
}

const char *xname(int r, int sf)
{
    static char buf[8][8];
    static int k;
    char *b = buf[k++ & 7];
    if (r == 31)
        return sf ? "xzr" : "wzr";
    snprintf(b, 8, "%c%d", sf ? 'x' : 'w', r);
    return b;
}

/* ---- value pools ---- */

uint64_t val_int(struct rng *r)
{
    static const uint64_t edge[] = {
        0, 1, 2, 3, UINT64_MAX, UINT64_MAX - 1, 0x8000000000000000ull,
        0x7fffffffffffffffull, 0xffffffff80000000ull, 0x7fffffff, 0x80000000,
        0xffffffff, 0x100000000ull, 31, 32, 63, 64, 0x8000, 0xffff, 0x80, 0xff,
        0xffffffff7fffffffull, 0x8000000000000001ull, 0x00000000fffffffeull,
        0x7f7f7f7f80808080ull, 0x00ff00ff00ff00ffull, 0x8000800080008000ull,
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
        0x40f0000000000000ull, 0x3e80000000000000ull,   /* 65536, 2^-23 */
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
        return (rng_next(r) & 0x800fffffffffffffull) |
               ((uint64_t)(1023 - 40 + rng_below(r, 80)) << 52);
    default:
        return rng_next(r);
    }
}

uint32_t val_single(struct rng *r)
{
    static const uint32_t edge[] = {
        0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000,
        0x7fc00123, 0x7f800001, 0xffa00000, 0x00000001, 0x007fffff, 0x80000001,
        0x00800000, 0x3f800000, 0xbf800000, 0x7f7fffff, 0xff7fffff, 0x3f000000,
        0x3fc00000, 0x40200000, 0xbfc00000, 0x5f000000, 0xdf000000, 0x5f800000,
        0x4f000000, 0xcf000000, 0x4f800000, 0x4effffff, 0x3f800001, 0x47800000,
        0x387fc000, 0x33800000, 0x477fe000,
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

uint64_t val_lane64(struct rng *r)
{
    switch (rng_below(r, 5)) {
    case 0:
        return val_double(r);
    case 1:
    case 2:
        return val_single(r) | (uint64_t)val_single(r) << 32;
    case 3:
        return val_int(r);
    default: {
        /* small lanes of 8 or 16 bits with edge values */
        static const uint16_t e16[] = { 0, 1, 0x7fff, 0x8000, 0xffff, 0x7f, 0x80, 0xff, 0x7f80,
                                        0x3c00, 0xfc00, 0x7e00, 0x0001, 0x8001 };
        uint64_t v = 0;
        for (int i = 0; i < 4; i++)
            v |= (uint64_t)(rng_pct(r, 60) ? e16[rng_below(r, sizeof(e16) / 2)]
                                           : (uint16_t)rng_next(r)) << (16 * i);
        return v;
    }
    }
}

/* a half: edge values, small exact values, any bits */
static uint16_t val_half(struct rng *r)
{
    static const uint16_t edge[] = {
        0x0000, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0xfe00, 0x7e12, 0x7c01,   /* 0 inf qNaN sNaN */
        0xfd00, 0x0001, 0x03ff, 0x8001, 0x0400, 0x8400, 0x3c00, 0xbc00,   /* denormals, 1 */
        0x7bff, 0xfbff, 0x3800, 0x3e00, 0x4100, 0xbe00, 0x7800, 0x0200,   /* max, 0.5 1.5 */
        0x5bff, 0x7a00, 0x3c01, 0x0800, 0x1000, 0x7000, 0x77ff, 0x3555,   /* 2^15, 2^-13 */
    };
    switch (rng_below(r, 5)) {
    case 0:
    case 1:
        return edge[rng_below(r, sizeof(edge) / sizeof(edge[0]))];
    case 2: {
        /* small exact values: integers and halves, quarters, thirds */
        int num = (int)rng_below(r, 81) - 40;
        unsigned den = 1 + rng_below(r, 4);
        /* num / den as a half, rounded to nearest by hand (den 3: inexact on purpose) */
        union { float f; uint32_t u; } c = { .f = (float)num / (float)den };
        uint32_t u = c.u, sign = (u >> 16) & 0x8000;
        int e = (int)((u >> 23) & 0xff) - 127 + 15;
        if (!num)
            return 0;
        return (uint16_t)(sign | (uint32_t)e << 10 | ((u >> 13) & 0x3ff));
    }
    case 3:
        /* exponents near 1, so sums and products stay in range */
        return (uint16_t)((rng_next(r) & 0x83ff) | (uint64_t)(15 - 6 + rng_below(r, 12)) << 10);
    default:
        return (uint16_t)rng_next(r);
    }
}

uint64_t val_half4(struct rng *r)
{
    uint64_t v = 0;
    for (int i = 0; i < 4; i++)
        v |= (uint64_t)val_half(r) << (16 * i);
    return v;
}

uint64_t val_bitmask(struct rng *r, int sf)
{
    int esize;
    do
        esize = 2 << rng_below(r, 6);
    while (!sf && esize == 64);
    int ones = 1 + (int)rng_below(r, (unsigned)esize - 1);
    int rot = (int)rng_below(r, (unsigned)esize);
    uint64_t emask = esize == 64 ? ~0ull : (1ull << esize) - 1;
    uint64_t e = (1ull << ones) - 1;
    if (rot)
        e = ((e >> rot) | (e << (esize - rot))) & emask;
    uint64_t v = 0;
    for (int i = 0; i < 64; i += esize)
        v |= e << i;
    return sf ? v : v & 0xffffffff;
}

/* ---- items ---- */

struct item *item_new(struct gen *g)
{
    if (g->n_items == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 256;
        g->items = realloc(g->items, (size_t)g->cap * sizeof(*g->items));
        if (!g->items)
           gen_die("out of memory");
    }
    struct item *it = &g->items[g->n_items++];
    memset(it, 0, sizeof(*it));
    return it;
}

void item_add(struct item *it, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0 || n >= (int)sizeof(line) - 2)
       gen_die("instruction line too long");
    if (it->len + n + 3 > it->cap) {
        it->cap = it->cap ? 2 * it->cap + n : 256;
        it->text = realloc(it->text, (size_t)it->cap);
        if (!it->text)
           gen_die("out of memory");
    }
    memcpy(it->text + it->len, "\t", 1);
    memcpy(it->text + it->len + 1, line, (size_t)n);
    it->len += n + 1;
    it->text[it->len++] = '\n';
    it->text[it->len] = 0;
    if (strstr(line, "@T"))
        it->has_target = 1;
    it->n++;
}

/* ---- per-class mixes ---- */

struct weight {
    void (*emit)(struct gen *g);
    int w;
};

static const struct weight mix_int[] = {
    { emit_int, 70 }, { emit_const, 10 }, { emit_branch, 12 }, { emit_mem, 8 }, { 0, 0 },
};
static const struct weight mix_mem[] = {
    { emit_mem, 45 }, { emit_pair, 20 }, { emit_fp_mem, 8 }, { emit_simd_mem, 7 },
    { emit_int, 15 }, { emit_const, 5 }, { 0, 0 },
};
static const struct weight mix_atomic[] = {
    { emit_excl, 30 }, { emit_lse, 40 }, { emit_mem, 10 }, { emit_int, 15 }, { emit_const, 5 },
    { 0, 0 },
};
static const struct weight mix_fp[] = {
    { emit_fp, 55 }, { emit_fp_cvt, 25 }, { emit_fpcr, 6 }, { emit_fp_mem, 6 }, { emit_int, 4 },
    { emit_const, 4 }, { 0, 0 },
};
static const struct weight mix_simdi[] = {
    { emit_simd_int, 75 }, { emit_simd_move, 15 }, { emit_simd_mem, 4 }, { emit_fpcr, 2 },
    { emit_const, 4 }, { 0, 0 },
};
static const struct weight mix_simdf[] = {
    { emit_simd_fp, 70 }, { emit_simd_move, 10 }, { emit_fpcr, 8 }, { emit_simd_int, 8 },
    { emit_fp, 4 }, { 0, 0 },
};
static const struct weight mix_crypto[] = {
    { emit_crypto, 55 }, { emit_crc, 25 }, { emit_simd_move, 8 }, { emit_simd_int, 6 },
    { emit_const, 6 }, { 0, 0 },
};
static const struct weight mix_mixed[] = {
    { emit_int, 16 }, { emit_const, 4 }, { emit_branch, 6 }, { emit_mem, 8 }, { emit_pair, 3 },
    { emit_excl, 2 }, { emit_lse, 3 }, { emit_fp, 10 }, { emit_fp_cvt, 5 }, { emit_fp_mem, 2 },
    { emit_fpcr, 2 }, { emit_simd_int, 14 }, { emit_simd_fp, 10 }, { emit_simd_mem, 2 },
    { emit_simd_move, 4 }, { emit_crypto, 4 }, { emit_crc, 3 }, { 0, 0 },
};
static const struct weight mix_fp16[] = {
    { emit_fp16_scalar, 50 }, { emit_fp16_vec, 40 }, { emit_fpcr, 6 }, { emit_const, 4 },
    { 0, 0 },
};
static const struct weight *const mixes[CL_COUNT] = {
    [CL_INT] = mix_int, [CL_MEM] = mix_mem, [CL_ATOMIC] = mix_atomic, [CL_FP] = mix_fp,
    [CL_SIMDI] = mix_simdi, [CL_SIMDF] = mix_simdf, [CL_CRYPTO] = mix_crypto,
    [CL_MIXED] = mix_mixed, [CL_FP16] = mix_fp16,
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
 * A counted loop: "mov xC, #N" (head), body items from the class mix,
 * "sub xC, xC, #1; cbnz xC, body" (tail); flags are untouched.  Nothing in
 * the body writes xC (it is busy), and forward jumps from outside into the
 * body land on the head instead, so every loop ends.  Up to 40 iterations:
 * the runner's hot tier takes over mid-loop.
 */
static void emit_loop(struct gen *g, const struct weight *mix, int total)
{
    int rc;
    do
        rc = x_dst(g);
    while (rc == 30);           /* bl writes x30 */
    struct item *it = item_new(g);
    item_add(it, "mov x%d, #%u", rc, 1 + rng_below(&g->r, 40));
    g->n_insns++;
    int head = g->n_items - 1;
    g->busy |= 1u << rc;
    for (int n = 1 + (int)rng_below(&g->r, 10); n > 0; n--)
        emit_from_mix(g, mix, total);
    g->busy &= ~(1u << rc);
    it = item_new(g);
    item_add(it, "sub x%d, x%d, #1", rc, rc);
    item_add(it, "cbnz x%d, @T", rc);
    int tail = g->n_items - 1;
    it->skip = head - tail;     /* target: item head + 1 */
    g->n_insns += 2;
    if (g->n_loops == g->loops_cap) {
        g->loops_cap = g->loops_cap ? 2 * g->loops_cap : 16;
        g->loops = realloc(g->loops, (size_t)g->loops_cap * sizeof(*g->loops));
        if (!g->loops)
           gen_die("out of memory");
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

static void write_asm(struct gen *g, int n, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    fprintf(f, "\t.text\n");
    for (int i = 0; i < n; i++) {
        const struct item *it = &g->items[i];
        char label[32];
        if (it->has_target) {
            int tgt = it->skip >= 0 ? jump_target(g, i, i + 1 + it->skip) : i + 1 + it->skip;
            if (tgt >= n)
                snprintf(label, sizeof(label), ".Lend");
            else
                snprintf(label, sizeof(label), ".Li%d", tgt);
        }
        fprintf(f, ".Li%d:\t// item %d\n", i, i);
        for (const char *p = it->text; *p; p++) {
            if (p[0] == '@' && p[1] == 'T') {
                fputs(label, f);
                p++;
            } else {
                fputc(*p, f);
            }
        }
    }
    fprintf(f, ".Lend:\n");
    if (fclose(f))
       gen_die("cannot write the assembly file");
}

static void usage(void)
{
    fprintf(stderr, "usage: gen -s SEED -n INSNS -c CLASS -o HEADER -a ASMFILE [-k ITEMS] [-b]\n"
                    "classes: int mem atomic fp simdi simdf crypto mixed fp16\n");
    exit(2);
}

int main(int argc, char **argv)
{
    struct gen g;
    memset(&g, 0, sizeof(g));
    uint64_t seed = 1;
    int n_insns = 1000, keep = -1, opt;
    const char *out = NULL, *asmf = NULL, *cls = "mixed";
    while ((opt = getopt(argc, argv, "s:n:c:o:k:a:b")) != -1) {
        switch (opt) {
        case 's': seed = strtoull(optarg, NULL, 0); break;
        case 'n': n_insns = atoi(optarg); break;
        case 'c': cls = optarg; break;
        case 'o': out = optarg; break;
        case 'k': keep = atoi(optarg); break;
        case 'a': asmf = optarg; break;
        case 'b': g.avoid_bugs = 1; break;
        default: usage();
        }
    }
    if (!out || !asmf || n_insns < 1 || n_insns > 200000)
        usage();
    g.cls = CL_COUNT;
    for (int c = 0; c < CL_COUNT; c++)
        if (!strcmp(cls, class_names[c]))
            g.cls = (enum gen_class)c;
    if (g.cls == CL_COUNT)
        usage();
    /* the class is part of the seed so that classes do not share streams */
    g.r.s = seed * 0x100000001b3ull + (uint64_t)g.cls;

    static struct dt_header h;
    memcpy(h.magic, DT_MAGIC, sizeof(h.magic));
    h.seed = seed;
    for (int i = 0; i < 31; i++)
        if (i != DT_REG_BASE)
            h.x[i] = val_int(&g.r);
    for (int i = 0; i < 32; i++) {
        uint64_t (*lane)(struct rng *) = g.cls == CL_FP16 ? val_half4 : val_lane64;
        h.v[i][0] = lane(&g.r);
        h.v[i][1] = rng_pct(&g.r, 20) ? h.v[i][0] : lane(&g.r);
    }
    h.nzcv = (uint64_t)rng_below(&g.r, 16) << 28;
    h.fpcr = (uint64_t)rng_below(&g.r, 4) << 22;
    if (rng_pct(&g.r, 20))
        h.fpcr |= 1u << 24;     /* FZ */
    if (rng_pct(&g.r, 20))
        h.fpcr |= 1u << 25;     /* DN */
    if (g.cls == CL_FP16 && rng_pct(&g.r, 20))
        h.fpcr |= 1u << 19;     /* FZ16 */
    h.fpsr = rng_below(&g.r, 32) | (rng_pct(&g.r, 20) ? 0x80 : 0) |
             (rng_pct(&g.r, 20) ? 1u << 27 : 0);
    for (int i = 0; i < DT_SCRATCH_BYTES; i += 8) {
        uint64_t v = rng_pct(&g.r, 50) ? val_int(&g.r) : val_lane64(&g.r);
        memcpy(&h.scratch[i], &v, 8);
    }

    gen_items(&g, n_insns);
    int n = keep >= 0 && keep < g.n_items ? keep : g.n_items;
    h.n_items = (uint32_t)n;
    FILE *f = fopen(out, "wb");
    if (!f || fwrite(&h, sizeof(h), 1, f) != 1 || fclose(f)) {
        perror(out);
        return 2;
    }
    write_asm(&g, n, asmf);
    int kept = 0;
    for (int i = 0; i < n; i++)
        kept += g.items[i].n;
    printf("items %d insns %d\n", n, kept);
    return 0;
}
