/*
 * Generator: the $-token template expander (see gen.h) and the records
 * that store results, NZCV and FPSR to the scratch buffer's upper half.
 */
#include <string.h>

#include "gen.h"

/* ---- records ---- */

int32_t record_slot(struct gen *g, int size)
{
    return (int32_t)rng_below(&g->r, (unsigned)(DT_SCRATCH_BYTES - DT_SP_OFF) / (unsigned)size) *
           size;
}

int32_t scratch_off(struct gen *g, int size, int align)
{
    int32_t a = (int32_t)rng_below(&g->r, (unsigned)(DT_SCRATCH_BYTES - size + 1));
    return a & ~(align - 1);
}

void record_x(struct gen *g, struct item *it, int rd)
{
    item_add(it, "str x%d, [sp, #%d]", rd, record_slot(g, 8));
}

void record_v(struct gen *g, struct item *it, int vd)
{
    item_add(it, "str q%d, [sp, #%d]", vd, record_slot(g, 16));
}

void record_nzcv(struct gen *g, struct item *it)
{
    int t = x_dst(g);
    item_add(it, "mrs x%d, nzcv", t);
    record_x(g, it, t);
}

void record_fpsr(struct gen *g, struct item *it)
{
    int t = x_dst(g);
    item_add(it, "mrs x%d, fpsr", t);
    record_x(g, it, t);
    item_add(it, "msr fpsr, xzr");
}

/* ---- templates ---- */

static const char *const conds[] = {
    "eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al", "nv",
};
static const char *const arr[8] = { "8b", "16b", "4h", "8h", "2s", "4s", "1d", "2d" };
static const char letters[] = "bhsdq";

/* read "{a,b}" or "{a|b}" at *pp into buf; advance */
static void brace_arg(const char **pp, char *buf, size_t n)
{
    const char *p = *pp;
    if (*p != '{')
        gen_die("template: { expected");
    const char *e = strchr(p, '}');
    if (!e || (size_t)(e - p - 1) >= n)
        gen_die("template: bad {}");
    memcpy(buf, p + 1, (size_t)(e - p - 1));
    buf[e - p - 1] = 0;
    *pp = e + 1;
}

static void expand(struct gen *g, const struct tpl *t, char *out, size_t cap, int *dkind,
                   int *dreg)
{
    /* choose a shape */
    unsigned sh = t->shapes & 0x3ff, choices[10];
    int nc = 0;
    for (int b = 0; b < 10; b++)
        if (sh >> b & 1)
            choices[nc++] = (unsigned)b;
    int sf = 1, e = 3, q = 1;
    if (nc) {
        unsigned b = choices[rng_below(&g->r, (unsigned)nc)];
        if (b >= 8) {
            sf = b == 9;
            e = sf ? 3 : 2;
        } else {
            e = (int)b / 2;
            q = (int)b & 1;
            sf = e == 3;
        }
    }
    int esize = 8 << e;
    size_t o = 0;
    char arg[64];
    *dkind = 0;
    for (const char *p = t->t; *p;) {
        char tmp[80];
        tmp[0] = 0;
        if (*p != '$') {
            if (o + 2 >= cap)
                gen_die("template too long");
            out[o++] = *p++;
            continue;
        }
        p++;
        char c = *p++;
        int r;
        switch (c) {
        case 'R': case 'X': case 'W':
            r = x_dst(g);
            snprintf(tmp, sizeof(tmp), "%s", xname(r, c == 'R' ? sf : c == 'X'));
            if (!*dkind) {
                *dkind = 1;
                *dreg = r;
            }
            break;
        case 'r': case 'x': case 'w':
            r = rng_pct(&g->r, 8) ? 31 : x_src(g);
            snprintf(tmp, sizeof(tmp), "%s", xname(r, c == 'r' ? sf : c == 'x'));
            break;
        case 'n':
            snprintf(tmp, sizeof(tmp), "%s", xname(x_src(g), sf));
            break;
        case 'V':
            r = (int)rng_below(&g->r, 32);
            snprintf(tmp, sizeof(tmp), "%d", r);
            if (!*dkind) {
                *dkind = 2;
                *dreg = r;
            }
            break;
        case 'M':
            snprintf(tmp, sizeof(tmp), "%u", rng_below(&g->r, 16));
            break;
        case 'A':
            snprintf(tmp, sizeof(tmp), "%s", arr[e * 2 + q]);
            break;
        case 'B':
            snprintf(tmp, sizeof(tmp), "%s", arr[(e + 1) * 2 + 1]);
            break;
        case 'N':
            snprintf(tmp, sizeof(tmp), "%s", arr[(e - 1) * 2 + q]);
            break;
        case '2':
            snprintf(tmp, sizeof(tmp), "%s", q ? "2" : "");
            break;
        case 'E':
            snprintf(tmp, sizeof(tmp), "%c", letters[e]);
            break;
        case 'F':
            snprintf(tmp, sizeof(tmp), "%c", letters[e + 1]);
            break;
        case 'G':
            snprintf(tmp, sizeof(tmp), "%c", letters[e - 1]);
            break;
        case 'P':
            snprintf(tmp, sizeof(tmp), "%c", letters[e]);
            break;
        case 'L':
            snprintf(tmp, sizeof(tmp), "%u", rng_below(&g->r, 16u >> e));
            break;
        case 'l':
            snprintf(tmp, sizeof(tmp), "%u", rng_below(&g->r, 8u >> e));
            break;
        case 'S':
            snprintf(tmp, sizeof(tmp), "%u", 1 + rng_below(&g->r, (unsigned)esize));
            break;
        case 's':
            snprintf(tmp, sizeof(tmp), "%u", rng_below(&g->r, (unsigned)esize));
            break;
        case 'i': {
            long a, b;
            brace_arg(&p, arg, sizeof(arg));
            if (sscanf(arg, "%ld,%ld", &a, &b) != 2 || b < a)
                gen_die("template: bad $i");
            snprintf(tmp, sizeof(tmp), "%ld", a + (long)rng_below(&g->r, (unsigned)(b - a + 1)));
            break;
        }
        case 'k': {
            brace_arg(&p, arg, sizeof(arg));
            int n = 1;
            for (char *s = arg; *s; s++)
                n += *s == '|';
            int pick = (int)rng_below(&g->r, (unsigned)n);
            char *s = arg;
            while (pick--)
                s = strchr(s, '|') + 1;
            char *end = strchr(s, '|');
            if (end)
                *end = 0;
            snprintf(tmp, sizeof(tmp), "%s", s);
            break;
        }
        case 'c':
            snprintf(tmp, sizeof(tmp), "%s", conds[rng_below(&g->r, 16)]);
            break;
        case 'C':
            snprintf(tmp, sizeof(tmp), "%s", conds[rng_below(&g->r, 14)]);
            break;
        case 'D':
            snprintf(tmp, sizeof(tmp), "%s", arr[(e + 1) * 2 + q]);
            break;
        case 'm':
            snprintf(tmp, sizeof(tmp), "0x%llx", (unsigned long long)val_bitmask(&g->r, sf));
            break;
        case 'f': {
            double v = (16 + rng_below(&g->r, 16)) / 16.0;
            int ex = (int)rng_below(&g->r, 8) - 3;
            for (; ex > 0; ex--)
                v *= 2;
            for (; ex < 0; ex++)
                v /= 2;
            snprintf(tmp, sizeof(tmp), "%s%.10g", rng_pct(&g->r, 50) ? "-" : "", v);
            break;
        }
        case 'T':
            snprintf(tmp, sizeof(tmp), "@T");
            break;
        default:
            gen_die("template: unknown token");
        }
        size_t l = strlen(tmp);
        if (o + l + 1 >= cap)
            gen_die("template too long");
        memcpy(out + o, tmp, l);
        o += l;
    }
    out[o] = 0;
}

void emit_tpl(struct gen *g, struct item *it, const struct tpl *tab, int n)
{
    const struct tpl *t = &tab[rng_below(&g->r, (unsigned)n)];
    char line[240];
    int dkind = 0, dreg = 0;
    expand(g, t, line, sizeof(line), &dkind, &dreg);
    item_add(it, "%s", line);
    if (rng_pct(&g->r, 30)) {
        if (dkind == 1)
            record_x(g, it, dreg);
        else if (dkind == 2)
            record_v(g, it, dreg);
    }
    if ((t->shapes & TF_FLAGS) && rng_pct(&g->r, 25))
        record_nzcv(g, it);
    if ((t->shapes & TF_FPSR) && rng_pct(&g->r, 12))
        record_fpsr(g, it);
}
