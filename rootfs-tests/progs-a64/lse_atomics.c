/*
 * The A64 atomic instructions one by one through inline assembly, against
 * a C model of their single-threaded effect: LSE ldadd/ldclr/ldeor/ldset/
 * ldsmax/ldsmin/ldumax/ldumin, swp and cas in byte, halfword, word and
 * doubleword sizes with every ordering suffix, casp on pairs, st<op>
 * aliases, and load/store-exclusive read-modify-write loops (ldxr/stxr,
 * ldaxr/stlxr, ldxp/stxp) with their status results, plus ldar/stlr/ldapr.
 * Build for aarch64 with -march=armv8-a: the assembler is told
 * .arch_extension lse/rcpc here.  Elsewhere the C model stands in.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int mismatches;
static uint64_t rng = 0xbb67ae8584caa73bull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* the model: new memory value and returned old value of ld<op> */
static uint64_t apply(int op, uint64_t m, uint64_t s, int bits)
{
    uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
    int64_t sm = (int64_t)(m << (64 - bits)) >> (64 - bits), ss = (int64_t)(s << (64 - bits)) >> (64 - bits);
    m &= mask;
    s &= mask;
    switch (op) {
    case 0: return (m + s) & mask;
    case 1: return m & ~s;
    case 2: return m ^ s;
    case 3: return m | s;
    case 4: return (uint64_t)(sm > ss ? sm : ss) & mask;
    case 5: return (uint64_t)(sm < ss ? sm : ss) & mask;
    case 6: return m > s ? m : s;
    case 7: return m < s ? m : s;
    default: return s;          /* swp */
    }
}

static _Alignas(16) uint64_t cell[2];

#ifdef __aarch64__
__asm__(".arch_extension lse\n\t.arch_extension rcpc");
#define LD_OP(mn, sz, reg)                                                                 \
    case __COUNTER__: {                                                                    \
        uint64_t old;                                                                      \
        __asm__ volatile(mn " %" reg "1, %" reg "0, [%2]" : "=&r"(old) : "r"(s), "r"(cell) : "memory"); \
        return old;                                                                        \
    }
#endif

/* one LSE instruction (index k of the table below) on cell with operand s */
static uint64_t lse(int k, uint64_t s, int *op, int *bits, const char **name)
{
    static const char *const names[] = {
#define N4(o) "ld" o "b", "ld" o "alh", "ld" o "a", "ld" o "l",
        N4("add") N4("clr") N4("eor") N4("set") N4("smax") N4("smin") N4("umax") N4("umin")
        "swpb", "swpah", "swpl", "swpal",
    };
    static const int sizes[4] = { 8, 16, 32, 64 };
    *op = k / 4;
    *bits = sizes[k % 4];
    *name = names[k];
#ifdef __aarch64__
    enum { BASE = __COUNTER__ + 1 };
    switch (k + BASE) {
#define L4(o)                                                                              \
    LD_OP("ld" o "b", 8, "w") LD_OP("ld" o "alh", 16, "w") LD_OP("ld" o "a", 32, "w")      \
    LD_OP("ld" o "l", 64, "x")
        L4("add") L4("clr") L4("eor") L4("set") L4("smax") L4("smin") L4("umax") L4("umin")
        LD_OP("swpb", 8, "w") LD_OP("swpah", 16, "w") LD_OP("swpl", 32, "w") LD_OP("swpal", 64, "x")
    default:
        return 0;
    }
#else
    uint64_t mask = *bits == 64 ? ~0ull : (1ull << *bits) - 1, old = cell[0] & mask;
    cell[0] = (cell[0] & ~mask) | apply(*op, cell[0], s, *bits);
    return old;
#endif
}
#define NLSE 36

/* cas: compare with c, swap in s; returns the old value */
static uint64_t cas64(uint64_t c, uint64_t s)
{
#ifdef __aarch64__
    __asm__ volatile("casal %0, %1, [%2]" : "+r"(c) : "r"(s), "r"(cell) : "memory");
    return c;
#else
    uint64_t old = cell[0];
    if (old == c)
        cell[0] = s;
    return old;
#endif
}
static uint64_t cas16(uint64_t c, uint64_t s)
{
#ifdef __aarch64__
    __asm__ volatile("casah %w0, %w1, [%2]" : "+r"(c) : "r"(s), "r"(cell) : "memory");
    return c;
#else
    uint64_t old = cell[0] & 0xffff;
    if (old == (c & 0xffff))
        cell[0] = (cell[0] & ~0xffffull) | (s & 0xffff);
    return old;
#endif
}
/* casp on the 128-bit cell: compare (c0, c1), store (s0, s1) */
static void casp(uint64_t *c0, uint64_t *c1, uint64_t s0, uint64_t s1)
{
#ifdef __aarch64__
    register uint64_t x0 __asm__("x0") = *c0, x1 __asm__("x1") = *c1;
    register uint64_t x2 __asm__("x2") = s0, x3 __asm__("x3") = s1;
    __asm__ volatile("caspl x0, x1, x2, x3, [%4]" : "+r"(x0), "+r"(x1) : "r"(x2), "r"(x3), "r"(cell)
                     : "memory");
    *c0 = x0;
    *c1 = x1;
#else
    uint64_t o0 = cell[0], o1 = cell[1];
    if (o0 == *c0 && o1 == *c1) {
        cell[0] = s0;
        cell[1] = s1;
    }
    *c0 = o0;
    *c1 = o1;
#endif
}
/* st<op> (no result) */
static void stumax_h(uint64_t s)
{
#ifdef __aarch64__
    __asm__ volatile("stumaxlh %w0, [%1]" : : "r"(s), "r"(cell) : "memory");
#else
    cell[0] = (cell[0] & ~0xffffull) | apply(6, cell[0], s, 16);
#endif
}
/* exclusive add loop on a word; returns the old value and counts attempts */
static uint64_t excl_add32(uint64_t s, unsigned *status)
{
#ifdef __aarch64__
    uint64_t old, tmp;
    unsigned st;
    __asm__ volatile("1: ldaxr %w0, [%3]\n\t"
                     "add %w1, %w0, %w4\n\t"
                     "stlxr %w2, %w1, [%3]\n\t"
                     "cbnz %w2, 1b"
                     : "=&r"(old), "=&r"(tmp), "=&r"(st) : "r"(cell), "r"(s) : "memory");
    *status = st;
    return old;
#else
    uint64_t old = cell[0] & 0xffffffff;
    cell[0] = (cell[0] & ~0xffffffffull) | ((old + s) & 0xffffffff);
    *status = 0;
    return old;
#endif
}
/* exclusive pair: swap the two halves, xor with s */
static void excl_pair(uint64_t s, unsigned *status)
{
#ifdef __aarch64__
    uint64_t a, b;
    unsigned st;
    __asm__ volatile("1: ldxp %0, %1, [%3]\n\t"
                     "eor %0, %0, %4\n\t"
                     "stxp %w2, %1, %0, [%3]\n\t"
                     "cbnz %w2, 1b"
                     : "=&r"(a), "=&r"(b), "=&r"(st) : "r"(cell), "r"(s) : "memory");
    *status = st;
#else
    uint64_t a = cell[0] ^ s;
    cell[0] = cell[1];
    cell[1] = a;
    *status = 0;
#endif
}
/* a store-exclusive without a matching load-exclusive fails (status 1) */
static unsigned excl_unpaired(void)
{
#ifdef __aarch64__
    unsigned st;
    uint64_t v;
    __asm__ volatile("ldxr %1, [%2]\n\tclrex\n\tstxr %w0, %1, [%2]"
                     : "=&r"(st), "=&r"(v) : "r"(cell) : "memory");
    return st;
#else
    return 1;
#endif
}
/* release store, acquire loads */
static uint64_t acq_rel(uint64_t s)
{
#ifdef __aarch64__
    uint64_t a, b;
    __asm__ volatile("stlrh %w2, [%3]\n\tldar %0, [%3]\n\tldaprb %w1, [%3]"
                     : "=&r"(a), "=&r"(b) : "r"(s), "r"(cell) : "memory");
    return a ^ b << 40;
#else
    cell[0] = (cell[0] & ~0xffffull) | (s & 0xffff);
    return cell[0] ^ (cell[0] & 0xff) << 40;
#endif
}

int main(void)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (int n = 0; n < 400; n++) {
        for (int k = 0; k < NLSE; k++) {
            uint64_t before = rnd(), s = rnd();
            if (n % 4 == 0)
                s = before;
            if (n % 7 == 0)
                s ^= 1ull << (rnd() % 64);
            cell[0] = before;
            cell[1] = ~before;
            int op, bits;
            const char *name;
            uint64_t old = lse(k, s, &op, &bits, &name);
            uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
            uint64_t want = (before & ~mask) | apply(op, before, s, bits);
            if (old != (before & mask) || cell[0] != want || cell[1] != ~before) {
                if (mismatches++ < 10)
                    printf("%s: mem %#" PRIx64 " op %#" PRIx64 ": returned %#" PRIx64
                           " memory %#" PRIx64 ", model %#" PRIx64 " %#" PRIx64 "\n",
                           name, before, s, old, cell[0], before & mask, want);
            }
            h = (h ^ old ^ cell[0] << 1) * 0x100000001b3ull;
        }
        uint64_t c = n % 2 ? cell[0] : rnd(), s = rnd();
        uint64_t before = cell[0], old = cas64(c, s);
        if (old != before || cell[0] != (before == c ? s : before))
            mismatches++;
        h = (h ^ old ^ cell[0]) * 0x100000001b3ull;
        c = n % 3 ? cell[0] : rnd();
        before = cell[0];
        old = cas16(c, s);
        if (old != (before & 0xffff) ||
            cell[0] != ((before & 0xffff) == (c & 0xffff) ? (before & ~0xffffull) | (s & 0xffff) : before))
            mismatches++;
        h = (h ^ old ^ cell[0]) * 0x100000001b3ull;
        uint64_t c0 = n % 2 ? cell[0] : rnd(), c1 = cell[1], b0 = cell[0], b1 = cell[1];
        casp(&c0, &c1, s, ~s);
        if (c0 != b0 || c1 != b1)
            mismatches++;
        h = (h ^ cell[0] ^ cell[1] * 3) * 0x100000001b3ull;
        stumax_h(rnd());
        unsigned st1, st2;
        old = excl_add32(s, &st1);
        excl_pair(s, &st2);
        h = (h ^ old ^ cell[0] ^ cell[1] ^ st1 ^ st2) * 0x100000001b3ull;
        h = (h ^ acq_rel(rnd())) * 0x100000001b3ull;
    }
    printf("atomics walk %016" PRIx64 ", final cell %016" PRIx64 " %016" PRIx64 "\n", h, cell[0],
           cell[1]);
    printf("store-exclusive after clrex: status %u\n", excl_unpaired());
    printf("mismatches against the C model: %d\n", mismatches);
    return mismatches != 0;
}
