/*
 * The vector ops (translate/ir_vec.h) three ways: the interpreter, the x86
 * backend and the C reference (ir_vec_eval_vop/ir_vec_eval_reduce) on random
 * and boundary 128-bit values, every kind, element size and flag, with the
 * SSSE3/SSE4 paths on and off; then the optimiser and register allocator
 * around them: random blocks mixing vector ops with get_reg/set_reg of
 * overlapping halves, run unoptimised in the interpreter (the reference) and
 * optimised in the interpreter and the JIT.
 */
#include "translate/exec.h"
#include "translate/ir_vec.h"
#include "translate/jit.h"
#include "translate/x86/backend.h"
#include "translate/x86/emit_sse.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- TAP ---- */
static int n_test, n_fail;
static char diag[512];

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
    if (diag[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(diag, sizeof(diag), fmt, ap);
    va_end(ap);
}

static char *tap_buf;
static size_t tap_len;
static FILE *tap;

static void ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ok(bool cond, const char *fmt, ...)
{
    va_list ap;
    if (!tap)
        tap = open_memstream(&tap_buf, &tap_len);
    n_test++;
    n_fail += !cond;
    fprintf(tap, "%sok %d - ", cond ? "" : "not ", n_test);
    va_start(ap, fmt);
    vfprintf(tap, fmt, ap);
    va_end(ap);
    fputc('\n', tap);
    if (diag[0])
        fprintf(tap, "# %s\n", diag);
    diag[0] = 0;
}

/* ---- the test guest ---- */
#define NSLOTS 6
struct vstate {
    uint64_t r[16];
    uint64_t pc;
    uint64_t pad;
    uint8_t v[NSLOTS][16];
    uint8_t mem[64];
};
#define R(n) ((uint32_t)offsetof(struct vstate, r) + 8u * (n))
#define V(n) ((uint32_t)offsetof(struct vstate, v) + 16u * (n))
#define PC_OFF ((uint32_t)offsetof(struct vstate, pc))

static const struct guest_desc test_guest = {
    .name = "vec", .state_size = sizeof(struct vstate), .pc_offset = PC_OFF, .insn_shift = 2,
};

static struct ir_block blk;
static struct jmp_cache_entry jcache[JMP_CACHE_SIZE];

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static const uint8_t edge_bytes[] = { 0, 1, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x40 };

/* random lanes, often boundary values, often equal between slots */
static void fill(struct vstate *s)
{
    memset(s, 0, sizeof(*s));
    for (unsigned k = 0; k < 16; k++)
        s->r[k] = rnd();
    unsigned style = rnd() % 4;
    for (unsigned n = 0; n < NSLOTS; n++)
        for (unsigned k = 0; k < 16; k++) {
            uint64_t x = rnd();
            s->v[n][k] = style == 0 ? (uint8_t)x : edge_bytes[x % sizeof(edge_bytes)];
        }
    if (style == 2)
        for (unsigned k = 0; k < 16; k += 2)
            memcpy(&s->v[1][k], &s->v[0][k], 2);  /* some lanes equal */
    for (unsigned k = 0; k < 64; k++)
        s->mem[k] = (uint8_t)rnd();
}

static bool run_block(struct vstate *interp_s, struct vstate *jit_s)
{
    if (!ir_validate(&blk, stderr)) {
        note("invalid block");
        return false;
    }
    struct tb tb = { .pc = 0x1000, .insns = blk.insns, .n_insns = blk.n_insns,
                     .n_temps = blk.n_temps };
    interp_run(interp_s, &tb);
    void *code = jit_compile(&blk);
    if (!code) {
        jit_flush();
        code = jit_compile(&blk);
    }
    if (!code) {
        note("jit_compile failed");
        return false;
    }
    jit_enter(jit_s, code, jcache);
    return true;
}

static void hex16(char *out, const uint8_t *v)
{
    for (int k = 15; k >= 0; k--)
        out += sprintf(out, "%02x", v[k]);
}

static bool same_state(const struct vstate *a, const struct vstate *b, const char *what)
{
    if (!memcmp(a, b, sizeof(*a)))
        return true;
    for (unsigned n = 0; n < NSLOTS; n++)
        if (memcmp(a->v[n], b->v[n], 16)) {
            char x[40], y[40];
            hex16(x, a->v[n]);
            hex16(y, b->v[n]);
            note("%s: v%u %s vs %s", what, n, x, y);
            return false;
        }
    for (unsigned k = 0; k < 16; k++)
        if (a->r[k] != b->r[k]) {
            note("%s: r%u %#" PRIx64 " vs %#" PRIx64, what, k, a->r[k], b->r[k]);
            return false;
        }
    note("%s: memory differs", what);
    return false;
}

/* ---- single ops against the reference ---- */

static bool kind_valid(unsigned kind, unsigned es)
{
    if (kind == IR_VOP_SHRN || kind == IR_VOP_ADDHN || kind == IR_VOP_PADALU ||
        kind == IR_VOP_PADALS || kind == IR_VOP_MULLU || kind == IR_VOP_MULLS ||
        kind == IR_VOP_XTLU || kind == IR_VOP_XTLS)
        return es <= 2;
    if (kind == IR_VOP_EXT)
        return es == 0;
    return true;
}

static bool check_vop(unsigned kind, unsigned es, unsigned flags, unsigned x, unsigned d,
                      unsigned a, unsigned b)
{
    ir_block_init(&blk, 0x1000);
    ir_vop(&blk, kind, flags, es, V(d), V(a), V(b), x);
    ir_exit_trap(&blk, 5, 0x2000);
    struct vstate s0, s1, s2;
    fill(&s0);
    s1 = s2 = s0;
    if (!run_block(&s1, &s2))
        return false;
    uint8_t expect[16];
    ir_vec_eval_vop(expect, s0.v[a], s0.v[b], kind | flags, es, x);
    struct vstate ref = s0;
    memcpy(ref.v[d], expect, 16);
    ref.pc = 0x2000;
    return same_state(&ref, &s1, "interp vs reference") && same_state(&ref, &s2, "jit vs reference");
}

static void test_vops(const char *level)
{
    for (unsigned kind = 0; kind < IR_VOP_NUM_KINDS; kind++)
        for (unsigned es = 0; es < 4; es++) {
            if (!kind_valid(kind, es))
                continue;
            bool good = true;
            for (unsigned trial = 0; trial < 48 && good; trial++) {
                unsigned flags = 0, x = 0;
                bool full_only = kind == IR_VOP_SHRN || kind == IR_VOP_ADDHN ||
                                 kind == IR_VOP_XTLU || kind == IR_VOP_XTLS ||
                                 kind == IR_VOP_MULLU || kind == IR_VOP_MULLS;
                if (!full_only && (trial & 1))
                    flags |= IR_VF_HALF;
                if (kind < IR_VOP_ADDP && (trial & 2))
                    flags |= IR_VF_BZERO;
                if (kind == IR_VOP_EXT)
                    x = (unsigned)(rnd() % ((flags & IR_VF_HALF) ? 8 : 16));
                if (kind == IR_VOP_SHRN)
                    x = 1 + (unsigned)(rnd() % (8u << es));
                if (kind == IR_VOP_SHL || kind == IR_VOP_SHRU || kind == IR_VOP_SHRS)
                    x = (unsigned)(rnd() % ((8u << es) + 2));   /* and past the size */
                if (kind == IR_VOP_XTLU || kind == IR_VOP_XTLS)
                    x = (unsigned)(rnd() % ((8u << es) + 1)) | (trial & 4u) << 6;
                if (kind == IR_VOP_MULLU || kind == IR_VOP_MULLS)
                    x = trial >> 2 & 1;
                if ((kind == IR_VOP_PADALU || kind == IR_VOP_PADALS) && (trial & 2))
                    flags |= IR_VF_BZERO;
                /* distinct slots, aliased destination, same source twice */
                unsigned d = 2, a = 0, b = 1;
                if (trial % 8 == 4)
                    d = a;
                if (trial % 8 == 6)
                    b = a;
                if (trial % 8 == 7)
                    d = b;
                good = check_vop(kind, es, flags, x, d, a, b);
                if (!good)
                    note("(flags %#x x %u d %u a %u b %u)", flags, x, d, a, b);
            }
            ok(good, "%svop kind %u e%u: interp and jit match the reference", level, kind,
               8u << es);
        }
}

static void test_reduce(const char *level)
{
    for (unsigned kind = 0; kind < IR_VRED_NUM_KINDS; kind++)
        for (unsigned es = 0; es < 3; es++) {
            bool good = true;
            for (unsigned trial = 0; trial < 32 && good; trial++) {
                unsigned flags = (trial & 1) ? IR_VF_HALF : 0;
                enum ir_type t = (trial & 2) ? IR_I32 : IR_I64;
                ir_block_init(&blk, 0x1000);
                ir_temp r = ir_vreduce(&blk, t, kind, flags, es, V(3));
                ir_set_reg(&blk, IR_I64, R(1), t == IR_I32 ? ir_unop(&blk, IR_zext32, IR_I64, r) : r);
                ir_exit_trap(&blk, 5, 0x2000);
                struct vstate s0, s1, s2;
                fill(&s0);
                s1 = s2 = s0;
                good = run_block(&s1, &s2);
                uint64_t expect = ir_vec_eval_reduce(s0.v[3], kind | flags, es);
                if (good && (s1.r[1] != expect || s2.r[1] != expect)) {
                    note("flags %#x: interp %#" PRIx64 " jit %#" PRIx64 " reference %#" PRIx64,
                         flags, s1.r[1], s2.r[1], expect);
                    good = false;
                }
            }
            ok(good, "%svreduce kind %u e%u", level, kind, 8u << es);
        }
}

static void test_dup_ldst(void)
{
    bool good = true;
    for (unsigned trial = 0; trial < 64 && good; trial++) {
        unsigned es = trial % 4, flags = (trial & 4) ? IR_VF_HALF : 0;
        enum ir_type t = es == 3 || (trial & 8) ? IR_I64 : IR_I32;
        ir_block_init(&blk, 0x1000);
        ir_vdup(&blk, flags, es, V(4), ir_get_reg(&blk, t, R(2)));
        ir_exit_trap(&blk, 5, 0x2000);
        struct vstate s0, s1, s2;
        fill(&s0);
        s1 = s2 = s0;
        good = run_block(&s1, &s2);
        struct vstate ref = s0;
        ref.pc = 0x2000;
        memset(ref.v[4], 0, 16);
        uint64_t v = t == IR_I32 ? (uint32_t)s0.r[2] : s0.r[2];
        for (unsigned k = 0; k < (flags ? 8u : 16u) >> es; k++)
            memcpy(&ref.v[4][k << es], &v, 1u << es);
        good = good && same_state(&ref, &s1, "interp") && same_state(&ref, &s2, "jit");
    }
    ok(good, "vdup: every element size, 64 and 128 bits, i32 and i64 values");

    good = true;
    for (unsigned trial = 0; trial < 32 && good; trial++) {
        unsigned mem = (trial & 1) ? IR_VMEM_128 : IR_MEM_64, disp = (unsigned)(rnd() % 32);
        ir_block_init(&blk, 0x1000);
        struct vstate s0, s1, s2;
        fill(&s0);
        s1 = s2 = s0;
        /* the address is the state's own mem[] in each copy: pass it in r3 */
        ir_temp base = ir_get_reg(&blk, IR_I64, R(3));
        if (trial & 2)
            ir_vst(&blk, mem, V(1), base, disp);
        else
            ir_vld(&blk, mem, V(1), base, disp);
        ir_exit_trap(&blk, 5, 0x2000);
        struct vstate ref = s0;
        ref.pc = 0x2000;
        unsigned n = mem == IR_VMEM_128 ? 16 : 8;
        if (trial & 2) {
            memcpy(ref.mem + disp, s0.v[1], n);
        } else {
            memset(ref.v[1], 0, 16);
            memcpy(ref.v[1], s0.mem + disp, n);
        }
        s1.r[3] = (uint64_t)(uintptr_t)s1.mem;
        s2.r[3] = (uint64_t)(uintptr_t)s2.mem;
        good = run_block(&s1, &s2);
        ref.r[3] = s1.r[3];
        good = good && same_state(&ref, &s1, "interp");
        ref.r[3] = s2.r[3];
        good = good && same_state(&ref, &s2, "jit");
    }
    ok(good, "vld/vst: 8 and 16 bytes at any displacement");
}

/* ---- the optimiser and the allocator around vector ops ---- */

/*
 * A random block over slots v0..v3 and registers r0..r7: vector ops, 8-byte
 * get_reg/set_reg of slot halves, scalar arithmetic on those temps, temps
 * kept live across vector ops that overwrite their slot, and many live temps
 * (register pressure: spills and state reloads).
 */
static void random_block(void)
{
    ir_temp live[64];
    unsigned n_live = 0;
    ir_block_init(&blk, 0x1000);
    unsigned n = 8 + (unsigned)(rnd() % 40);
    for (unsigned k = 0; k < n; k++) {
        unsigned slot = (unsigned)(rnd() % 4);
        switch (rnd() % 8) {
        case 0: case 1: case 2: {
            static const unsigned kinds[] = {
                IR_VOP_ADD, IR_VOP_XOR, IR_VOP_CMPEQ, IR_VOP_CMPGEU, IR_VOP_MAXPU, IR_VOP_ADDP,
                IR_VOP_EXT, IR_VOP_SHRN, IR_VOP_ANDN, IR_VOP_MIN,
            };
            unsigned kind = kinds[rnd() % (sizeof(kinds) / sizeof(kinds[0]))];
            unsigned es = kind == IR_VOP_EXT ? 0 : (unsigned)(rnd() % (kind == IR_VOP_SHRN ? 3 : 4));
            unsigned flags = (kind != IR_VOP_SHRN && (rnd() & 1)) ? IR_VF_HALF : 0;
            unsigned x = kind == IR_VOP_EXT ? (unsigned)(rnd() % (flags ? 8 : 16)) :
                         kind == IR_VOP_SHRN ? 1 + (unsigned)(rnd() % (8u << es)) : 0;
            ir_vop(&blk, kind, flags, es, V(slot), V(rnd() % 4), V(rnd() % 4), x);
            break;
        }
        case 3:
            if (n_live < 64)
                live[n_live++] = ir_get_reg(&blk, IR_I64, V(slot) + 8 * (rnd() & 1));
            break;
        case 4:
            if (n_live)
                ir_set_reg(&blk, IR_I64, V(slot) + 8 * (rnd() & 1), live[rnd() % n_live]);
            else
                ir_set_reg(&blk, IR_I64, V(slot), ir_get_reg(&blk, IR_I64, R(rnd() % 8)));
            break;
        case 5:
            if (n_live >= 2 && n_live < 64) {
                ir_temp sum = ir_add(&blk, IR_I64, live[rnd() % n_live], live[rnd() % n_live]);
                live[n_live++] = sum;
            }
            break;
        case 6:
            if (rnd() & 1)
                ir_vdup(&blk, 0, (unsigned)(rnd() % 4), V(slot), ir_get_reg(&blk, IR_I64, R(rnd() % 8)));
            else if (n_live < 64)
                live[n_live++] = ir_vreduce(&blk, IR_I64, (unsigned)(rnd() % IR_VRED_NUM_KINDS),
                                            0, 0, V(slot));
            break;
        default:
            if (n_live < 64)
                live[n_live++] = ir_unop(&blk, IR_zext32, IR_I64,
                                         ir_get_reg(&blk, IR_I32, V(slot) + 4 * (rnd() % 4)));
            break;
        }
    }
    /* everything still live is observed */
    for (unsigned k = 0; k < n_live; k++) {
        ir_temp t = live[k];
        ir_set_reg(&blk, IR_I64, R(8 + k % 8), k >= 8 ? ir_xor(&blk, IR_I64, t,
                                                             ir_get_reg(&blk, IR_I64, R(8 + k % 8))) : t);
    }
    ir_exit_trap(&blk, 5, 0x2000);
}

static void test_random_blocks(const char *level)
{
    static struct ir_block orig;
    bool good = true;
    for (unsigned trial = 0; trial < 3000 && good; trial++) {
        random_block();
        orig = blk;
        struct vstate s0, ref, s1, s2;
        fill(&s0);
        ref = s1 = s2 = s0;
        struct tb tb = { .pc = 0x1000, .insns = orig.insns, .n_insns = orig.n_insns,
                         .n_temps = orig.n_temps };
        interp_run(&ref, &tb);
        ir_optimize(&blk);
        good = run_block(&s1, &s2) && same_state(&ref, &s1, "optimised interp") &&
               same_state(&ref, &s2, "optimised jit");
        if (!good) {
            fprintf(stderr, "--- failing block (unoptimised)\n");
            ir_print(&orig, stderr);
            fprintf(stderr, "--- optimised\n");
            ir_print(&blk, stderr);
        }
    }
    ok(good, "%srandom blocks of vector ops and overlapping get_reg/set_reg: optimised "
       "interp and jit match the unoptimised interp", level);
}

/* the optimiser must see vector ops as state accesses */
static void test_optimiser(void)
{
    ir_block_init(&blk, 0x1000);
    ir_temp x = ir_get_reg(&blk, IR_I64, R(0));
    ir_set_reg(&blk, IR_I64, V(0), x);          /* read by the vop: must stay */
    ir_vop(&blk, IR_VOP_ADD, 0, 0, V(1), V(0), V(0), 0);
    ir_set_reg(&blk, IR_I64, V(0), ir_movi(&blk, IR_I64, 7));
    ir_temp y = ir_get_reg(&blk, IR_I64, V(1));  /* written by the vop: no forwarding */
    ir_set_reg(&blk, IR_I64, R(1), y);
    ir_exit_trap(&blk, 5, 0x2000);
    ir_optimize(&blk);
    unsigned set_v0 = 0, get_v1 = 0;
    for (uint32_t n = 0; n < blk.n_insns; n++) {
        set_v0 += blk.insns[n].op == IR_set_reg && blk.insns[n].imm == V(0);
        get_v1 += blk.insns[n].op == IR_get_reg && blk.insns[n].imm == V(1);
    }
    ok(set_v0 == 2, "a set_reg read by a vector op survives dead-store elimination (%u)", set_v0);
    ok(get_v1 == 1, "a get_reg of a slot a vector op wrote is not forwarded (%u)", get_v1);

    ir_block_init(&blk, 0x1000);
    ir_vop(&blk, IR_VOP_XOR, 0, 0, V(2), V(0), V(1), 0);
    ir_exit_trap(&blk, 5, 0x2000);
    ir_optimize(&blk);
    ok(blk.n_insns == 2 && blk.insns[0].op == IR_vop, "dead-code elimination keeps vector ops");
}

int main(void)
{
    exec_config.guest = &test_guest;
    if (!jit_init()) {
        printf("1..1\nnot ok 1 - jit_init\n");
        return 1;
    }
    test_optimiser();
    /* compile once so the backend has read CPUID before we override it */
    ir_block_init(&blk, 0x1000);
    ir_exit_trap(&blk, 5, 0x2000);
    jit_compile(&blk);
    struct x86_sse_features native = x86_sse;
    test_vops("");
    test_reduce("");
    test_dup_ldst();
    test_random_blocks("");
    memset(&x86_sse, 0, sizeof(x86_sse));
    test_vops("sse2 only: ");
    test_reduce("sse2 only: ");
    test_random_blocks("sse2 only: ");
    x86_sse = native;

    printf("1..%d\n", n_test);
    fflush(tap);
    fwrite(tap_buf, 1, tap_len, stdout);
    return n_fail != 0;
}
