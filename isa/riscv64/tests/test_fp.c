/*
 * riscv64 F and D: the helpers called directly on the edge cases of the
 * unprivileged spec (expected bit patterns worked out by hand from the spec,
 * not from the code), the exact software path checked against the host FPU
 * in the four modes the host has, and the translator's decoding and IR run
 * through the interpreter.  The helper-level checks run twice: with lazy
 * host flags (the fast round-to-nearest path) and with every operation on
 * the eager path, whose underflow guard this host never needs otherwise.
 */
#include "isa/riscv64/cpu.h"
#include "isa/riscv64/decode.h"
#include "isa/riscv64/helpers-fp.h"
#include "isa/riscv64/translate.h"

#include <fenv.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "translate/exec.h"

/* TAP: results are buffered so that the "1..N" plan can come first */
static int n_test, n_fail;
static const char *pass_tag = "";   /* names the flag mode of the second pass */
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
    if (!cond)
        n_fail++;
    fprintf(tap, "%sok %d - ", cond ? "" : "not ", n_test);
    va_start(ap, fmt);
    vfprintf(tap, fmt, ap);
    va_end(ap);
    fprintf(tap, "%s\n", pass_tag);
}

static int tap_finish(void)
{
    if (!tap)
        tap = open_memstream(&tap_buf, &tap_len);
    fclose(tap);
    printf("1..%d\n%s", n_test, tap_buf);
    return n_fail != 0;
}

enum { NV = RV_FFLAG_NV, DZ = RV_FFLAG_DZ, OF = RV_FFLAG_OF, UF = RV_FFLAG_UF,
       NX = RV_FFLAG_NX };
enum { RNE, RTZ, RDN, RUP, RMM, DYN = 7 };
static const char *const rm_name[8] = { "rne", "rtz", "rdn", "rup", "rmm", "5", "6", "dyn" };

/* a boxed single */
#define S(x) (0xffffffff00000000ull | (uint32_t)(x))
#define CANON_S S(0x7fc00000)
#define CANON_D 0x7ff8000000000000ull
#define PC 0x10078

static struct rv_cpu cpu;
typedef uint64_t (*helper)(void *, uint64_t, uint64_t, uint64_t, uint64_t);

/* drop whatever flags the test's own C code left in MXCSR */
static void host_flags_discard(void)
{
    struct rv_cpu scratch = { 0 };
    rv_fp_sync_flags(&scratch);
}

/*
 * The specialised helpers the translator picks for a static rm, checked
 * against the generic one on every call the edge-case tables make.
 */
static const struct { helper fn, fn_static; bool exact; } variants[] = {
    { rv_fadd_s, rv_fadd_s_rne, false }, { rv_fsub_s, rv_fsub_s_rne, false },
    { rv_fmul_s, rv_fmul_s_rne, false }, { rv_fdiv_s, rv_fdiv_s_rne, false },
    { rv_fadd_d, rv_fadd_d_rne, false }, { rv_fsub_d, rv_fsub_d_rne, false },
    { rv_fmul_d, rv_fmul_d_rne, false }, { rv_fdiv_d, rv_fdiv_d_rne, false },
    { rv_fsqrt_s, rv_fsqrt_s_rne, false }, { rv_fsqrt_d, rv_fsqrt_d_rne, false },
    { rv_fmadd_s, rv_fmadd_s_rne, false }, { rv_fmsub_s, rv_fmsub_s_rne, false },
    { rv_fnmsub_s, rv_fnmsub_s_rne, false }, { rv_fnmadd_s, rv_fnmadd_s_rne, false },
    { rv_fmadd_d, rv_fmadd_d_rne, false }, { rv_fmsub_d, rv_fmsub_d_rne, false },
    { rv_fnmsub_d, rv_fnmsub_d_rne, false }, { rv_fnmadd_d, rv_fnmadd_d_rne, false },
    { rv_fcvt_s_w, rv_fcvt_s_w_rne, false }, { rv_fcvt_s_wu, rv_fcvt_s_wu_rne, false },
    { rv_fcvt_s_l, rv_fcvt_s_l_rne, false }, { rv_fcvt_s_lu, rv_fcvt_s_lu_rne, false },
    { rv_fcvt_d_w, rv_fcvt_d_w_rne, true }, { rv_fcvt_d_wu, rv_fcvt_d_wu_rne, true },
    { rv_fcvt_d_l, rv_fcvt_d_l_rne, false }, { rv_fcvt_d_lu, rv_fcvt_d_lu_rne, false },
    { rv_fcvt_s_d, rv_fcvt_s_d_rne, false }, { rv_fcvt_d_s, rv_fcvt_d_s_exact, true },
};
static unsigned n_variant_checks;

/* n is the number of operands; the rmarg follows them */
static uint64_t run(helper fn, unsigned n, uint64_t a, uint64_t b, uint64_t c, unsigned rm)
{
    uint64_t op[4] = { a, b, c, 0 };
    op[n] = RV_FP_RMARG(rm, PC);
    for (unsigned i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
        if (variants[i].fn != fn || !(rm == RNE || (variants[i].exact && rm <= RMM)))
            continue;
        host_flags_discard();
        cpu.fflags = 0;
        uint64_t rs = variants[i].fn_static(&cpu, a, b, c, 0);
        rv_fp_sync_flags(&cpu);
        uint32_t fs = cpu.fflags;
        host_flags_discard();
        cpu.fflags = 0;
        uint64_t rg = fn(&cpu, op[0], op[1], op[2], op[3]);
        rv_fp_sync_flags(&cpu);
        n_variant_checks++;
        if (rs != rg || fs != cpu.fflags)
            ok(false, "static-rm helper #%u (%016" PRIx64 ", %016" PRIx64 ", %016" PRIx64
               ") %s = %016" PRIx64 "/%02x, generic %016" PRIx64 "/%02x", i, a, b, c,
               rm_name[rm], rs, fs, rg, cpu.fflags);
        return rg;
    }
    host_flags_discard();
    cpu.fflags = 0;
    uint64_t r = fn(&cpu, op[0], op[1], op[2], op[3]);
    rv_fp_sync_flags(&cpu);
    return r;
}
static uint64_t run1(helper fn, uint64_t a, unsigned rm) { return run(fn, 1, a, 0, 0, rm); }
static uint64_t run2(helper fn, uint64_t a, uint64_t b, unsigned rm)
{
    return run(fn, 2, a, b, 0, rm);
}
static uint64_t run3(helper fn, uint64_t a, uint64_t b, uint64_t c, unsigned rm)
{
    return run(fn, 3, a, b, c, rm);
}
static uint64_t runn(helper fn, uint64_t a, uint64_t b)
{
    host_flags_discard();
    cpu.fflags = 0;
    uint64_t r = fn(&cpu, a, b, 0, 0);
    rv_fp_sync_flags(&cpu);
    return r;
}

static void expect(const char *what, uint64_t got, uint64_t want, uint32_t want_fl)
{
    ok(got == want && cpu.fflags == want_fl, "%s = %016" PRIx64 " flags %02x (want %016" PRIx64
       " flags %02x)", what, got, cpu.fflags, want, want_fl);
}

#define E1(fn, a, rm, want, fl) expect(#fn "(" #a ") " #rm, run1(fn, a, rm), want, fl)
#define E2(fn, a, b, rm, want, fl) \
    expect(#fn "(" #a ", " #b ") " #rm, run2(fn, a, b, rm), want, fl)
#define E3(fn, a, b, c, rm, want, fl) \
    expect(#fn "(" #a ", " #b ", " #c ") " #rm, run3(fn, a, b, c, rm), want, fl)
#define EN(fn, a, b, want, fl) expect(#fn "(" #a ", " #b ")", runn(fn, a, b), want, fl)

/* ---- constants (IEEE 754 binary32 / binary64 encodings) ---- */
#define S_ONE 0x3f800000u
#define S_TWO 0x40000000u
#define S_QNAN 0x7fc00000u
#define S_SNAN 0x7f800001u
#define S_INF 0x7f800000u
#define D_ONE 0x3ff0000000000000ull
#define D_TWO 0x4000000000000000ull
#define D_THREE 0x4008000000000000ull
#define D_QNAN_PAYLOAD 0x7ff8000000000123ull
#define D_SNAN 0x7ff0000000000001ull
#define D_INF 0x7ff0000000000000ull
#define D_NINF 0xfff0000000000000ull
#define D_MAX 0x7fefffffffffffffull
#define D_MIN_NORMAL 0x0010000000000000ull
#define D_MAX_SUB 0x000fffffffffffffull
#define D_NZERO 0x8000000000000000ull

static void test_nan_boxing(void)
{
    E2(rv_fadd_s, S(S_ONE), S(S_TWO), RNE, S(0x40400000), 0);
    /* an unboxed operand is the canonical (quiet) NaN: no NV */
    E2(rv_fadd_s, 0x000000003f800000ull, S(S_ONE), RNE, CANON_S, 0);
    E2(rv_fadd_s, 0xfffffffe3f800000ull, S(S_ONE), RNE, CANON_S, 0);
    E1(rv_fclass_s, 0x000000003f800000ull, 0, 1u << 9, 0);
    E1(rv_fcvt_d_s, 0x00000000ff800000ull, RNE, CANON_D, 0);
    EN(rv_fmin_s, 0x0000000000000000ull, S(S_ONE), S(S_ONE), 0);
    EN(rv_feq_s, 0x000000003f800000ull, 0x000000003f800000ull, 0, 0);
    EN(rv_flt_s, 0x000000003f800000ull, S(S_ONE), 0, NV);
    E1(rv_fcvt_w_s, 0x0000000040000000ull, RNE, 0x7fffffff, NV);
}

static void test_canonical_nan(void)
{
    E2(rv_fadd_d, D_QNAN_PAYLOAD, D_ONE, RNE, CANON_D, 0);
    E2(rv_fadd_d, D_SNAN, D_ONE, RNE, CANON_D, NV);
    E2(rv_fmul_s, S(S_SNAN), S(S_ONE), RNE, CANON_S, NV);
    E2(rv_fmul_s, S(0xffc00001), S(S_ONE), RNE, CANON_S, 0);
    E2(rv_fmul_d, D_INF, 0, RNE, CANON_D, NV);
    E2(rv_fadd_d, D_INF, D_NINF, RNE, CANON_D, NV);
    E2(rv_fsub_d, D_INF, D_INF, RTZ, CANON_D, NV);
    E2(rv_fdiv_d, 0, D_NZERO, RNE, CANON_D, NV);
    E2(rv_fdiv_d, D_INF, D_NINF, RNE, CANON_D, NV);
    E2(rv_fdiv_d, D_ONE, 0, RNE, D_INF, DZ);
    E2(rv_fdiv_d, D_ONE, D_NZERO, RNE, D_NINF, DZ);
    E2(rv_fdiv_s, S(S_ONE), S(0x80000000), RMM, S(0xff800000), DZ);
    E2(rv_fdiv_d, D_INF, 0, RNE, D_INF, 0);
    E1(rv_fsqrt_d, 0xbff0000000000000ull, RNE, CANON_D, NV);
    E1(rv_fsqrt_d, D_NZERO, RNE, D_NZERO, 0);
    E1(rv_fsqrt_s, S(S_TWO), RNE, S(0x3fb504f3), NX);
    E1(rv_fsqrt_s, S(S_TWO), RUP, S(0x3fb504f4), NX);
    E1(rv_fsqrt_s, S(S_TWO), RMM, S(0x3fb504f3), NX);
    E1(rv_fsqrt_d, 0x4010000000000000ull, RMM, D_TWO, 0);
    E1(rv_fsqrt_s, S(0xff800000), RNE, CANON_S, NV);
    E1(rv_fcvt_d_s, S(S_SNAN), RNE, CANON_D, NV);
    E1(rv_fcvt_d_s, S(0xffc12345), RNE, CANON_D, 0);
    E1(rv_fcvt_s_d, D_SNAN, RNE, CANON_S, NV);
    E1(rv_fcvt_s_d, 0xfff8000000000001ull, RMM, CANON_S, 0);
    E1(rv_fcvt_d_s, S(0x00000001), RNE, 0x36a0000000000000ull, 0);    /* 2^-149 exactly */
    E1(rv_fcvt_d_s, S(0x807fffff), RNE, 0xb80fffffc0000000ull, 0);
}

/* fcvt.w.s of 2.5, -2.5, 3.5, -0.5 in every mode, static and dynamic */
static void test_round_to_int(void)
{
    static const struct { uint32_t in; int32_t want[5]; } t[] = {
        { 0x40200000, { 2, 2, 2, 3, 3 } },        /* 2.5 */
        { 0xc0200000, { -2, -2, -3, -2, -3 } },   /* -2.5 */
        { 0x40600000, { 4, 3, 3, 4, 4 } },        /* 3.5 */
        { 0xbf000000, { 0, 0, -1, 0, -1 } },      /* -0.5 */
    };
    for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        for (unsigned rm = 0; rm < 5; rm++) {
            uint64_t want = (uint64_t)(int64_t)t[i].want[rm];
            uint64_t r = run1(rv_fcvt_w_s, S(t[i].in), rm);
            ok(r == want && cpu.fflags == NX, "fcvt.w.s(%08x) %s = %" PRId64 " flags %02x",
               t[i].in, rm_name[rm], (int64_t)r, cpu.fflags);
            cpu.frm = rm;
            r = run1(rv_fcvt_w_s, S(t[i].in), DYN);
            ok(r == want && cpu.fflags == NX, "fcvt.w.s(%08x) dyn frm=%s = %" PRId64
               " flags %02x", t[i].in, rm_name[rm], (int64_t)r, cpu.fflags);
        }
    }
    cpu.frm = 0;
    /* the same in double through fcvt.l.d, and an exact value raises nothing */
    E1(rv_fcvt_l_d, 0x4004000000000000ull, RMM, 3, NX);                   /* 2.5 */
    E1(rv_fcvt_l_d, 0xc004000000000000ull, RMM, (uint64_t)-3, NX);
    E1(rv_fcvt_l_d, 0xc004000000000000ull, RNE, (uint64_t)-2, NX);
    E1(rv_fcvt_l_d, 0xc08f400000000000ull, RDN, (uint64_t)-1000, 0);
    E1(rv_fcvt_lu_s, S(0xbf000000), RNE, 0, NX);       /* -0.5 -> -0: representable */
    E1(rv_fcvt_lu_s, S(0xbf000000), RDN, 0, NV);       /* -0.5 -> -1: invalid, no NX */
    E1(rv_fcvt_wu_d, 0xbfd3333333333333ull, RTZ, 0, NX);                  /* -0.3 */
    E1(rv_fcvt_l_s, S(0x00000001), RUP, 1, NX);        /* smallest subnormal */
    E1(rv_fcvt_l_s, S(0x80000001), RUP, 0, NX);
}

/* exact ties: RMM goes away from zero, RNE to even */
static void test_rmm_ties(void)
{
    /* 1 + 2^-53: halfway between 1 and 1 + 2^-52 */
    static const uint64_t want_p[5] = { D_ONE, D_ONE, D_ONE, D_ONE + 1, D_ONE + 1 };
    static const uint64_t want_n[5] = { 0xbff0000000000000ull, 0xbff0000000000000ull,
                                        0xbff0000000000001ull, 0xbff0000000000000ull,
                                        0xbff0000000000001ull };
    for (unsigned rm = 0; rm < 5; rm++) {
        uint64_t r = run2(rv_fadd_d, D_ONE, 0x3ca0000000000000ull, rm);
        ok(r == want_p[rm] && cpu.fflags == NX, "fadd.d(1, 2^-53) %s = %016" PRIx64 " %02x",
           rm_name[rm], r, cpu.fflags);
        r = run2(rv_fsub_d, 0xbff0000000000000ull, 0x3ca0000000000000ull, rm);
        ok(r == want_n[rm] && cpu.fflags == NX, "fsub.d(-1, 2^-53) %s = %016" PRIx64 " %02x",
           rm_name[rm], r, cpu.fflags);
        r = run3(rv_fmadd_d, D_ONE, D_ONE, 0x3ca0000000000000ull, rm);
        ok(r == want_p[rm] && cpu.fflags == NX, "fmadd.d(1, 1, 2^-53) %s = %016" PRIx64
           " %02x", rm_name[rm], r, cpu.fflags);
    }
    E2(rv_fadd_s, S(S_ONE), S(0x33800000), RMM, S(0x3f800001), NX);      /* 1 + 2^-24 */
    E2(rv_fadd_s, S(S_ONE), S(0x33800000), RNE, S(0x3f800000), NX);
    /* (2^23 + 3) * 1.5 = 12582916.5 */
    E2(rv_fmul_s, S(0x4b000003), S(0x3fc00000), RMM, S(0x4b400005), NX);
    E2(rv_fmul_s, S(0x4b000003), S(0x3fc00000), RNE, S(0x4b400004), NX);
    E2(rv_fmul_s, S(0xcb000003), S(0x3fc00000), RMM, S(0xcb400005), NX);
    E2(rv_fmul_d, 0x4340000000000003ull, 0x3ff8000000000000ull, RMM, 0x4348000000000005ull, NX);
    E2(rv_fmul_d, 0x4340000000000003ull, 0x3ff8000000000000ull, RNE, 0x4348000000000004ull, NX);
    /* not a tie: 1/3 is the same in RMM and RNE */
    E2(rv_fdiv_d, D_ONE, D_THREE, RMM, 0x3fd5555555555555ull, NX);
    E2(rv_fdiv_d, D_TWO, D_THREE, RMM, 0x3fe5555555555555ull, NX);
    E2(rv_fdiv_d, D_TWO, D_THREE, RTZ, 0x3fe5555555555555ull, NX);
    E2(rv_fdiv_d, D_TWO, D_THREE, RUP, 0x3fe5555555555556ull, NX);
    /* integer to float: 2^24 + 1 and 2^53 + 1 */
    E1(rv_fcvt_s_w, 16777217, RMM, S(0x4b800001), NX);
    E1(rv_fcvt_s_w, 16777217, RNE, S(0x4b800000), NX);
    E1(rv_fcvt_s_w, (uint64_t)-16777217, RMM, S(0xcb800001), NX);
    E1(rv_fcvt_d_l, (1ull << 53) + 1, RMM, 0x4340000000000001ull, NX);
    E1(rv_fcvt_d_l, (1ull << 53) + 1, RNE, 0x4340000000000000ull, NX);
    E1(rv_fcvt_d_l, (1ull << 53) + 1, RUP, 0x4340000000000001ull, NX);
    E1(rv_fcvt_d_lu, ~0ull, RMM, 0x43f0000000000000ull, NX);
    E1(rv_fcvt_d_lu, ~0ull, RTZ, 0x43efffffffffffffull, NX);
    E1(rv_fcvt_d_lu, ~0ull, RNE, 0x43f0000000000000ull, NX);
    E1(rv_fcvt_s_lu, (1ull << 63) + (1ull << 39), RMM, S(0x5f000001), NX);
    E1(rv_fcvt_s_lu, (1ull << 63) + (1ull << 39), RNE, S(0x5f000000), NX);
    E1(rv_fcvt_s_d, 0x3ff0000010000000ull, RMM, S(0x3f800001), NX);     /* 1 + 2^-24 */
    E1(rv_fcvt_s_d, 0x3ff0000010000000ull, RNE, S(0x3f800000), NX);
    E1(rv_fcvt_s_d, 0x3ff0000030000000ull, RNE, S(0x3f800002), NX);     /* 1 + 3*2^-24 */
}

static void test_int_conversions(void)
{
    E1(rv_fcvt_w_s, S(0x4f000000), RNE, 0x7fffffff, NV);                 /* 2^31 */
    E1(rv_fcvt_w_s, S(0xcf000000), RNE, 0xffffffff80000000ull, 0);       /* -2^31 */
    E1(rv_fcvt_w_s, S(0xcf000001), RNE, 0xffffffff80000000ull, NV);
    E1(rv_fcvt_w_s, S(S_QNAN), RNE, 0x7fffffff, NV);
    E1(rv_fcvt_w_s, S(0xffc00000), RNE, 0x7fffffff, NV);                 /* -NaN too */
    E1(rv_fcvt_w_s, S(S_INF), RNE, 0x7fffffff, NV);
    E1(rv_fcvt_w_s, S(0xff800000), RNE, 0xffffffff80000000ull, NV);
    E1(rv_fcvt_w_d, 0x41dfffffffe00000ull, RNE, 0x7fffffff, NV);         /* 2^31 - 0.5 */
    E1(rv_fcvt_w_d, 0x41dfffffffe00000ull, RTZ, 0x7fffffff, NX);
    E1(rv_fcvt_w_d, 0xc1e0000000100000ull, RNE, 0xffffffff80000000ull, NX); /* -2^31 - .5 */
    E1(rv_fcvt_w_d, 0xc1e0000000100000ull, RMM, 0xffffffff80000000ull, NV);
    E1(rv_fcvt_w_d, 0xc1e0000000100000ull, RUP, 0xffffffff80000000ull, NX);
    E1(rv_fcvt_wu_s, S(0xbf800000), RNE, 0, NV);                         /* -1 */
    E1(rv_fcvt_wu_s, S(0x4f800000), RNE, ~0ull, NV);                     /* 2^32 */
    E1(rv_fcvt_wu_s, S(0x4f7fffff), RNE, 0xffffffffffffff00ull, 0);      /* sign-extended */
    E1(rv_fcvt_wu_s, S(S_QNAN), RNE, ~0ull, NV);
    E1(rv_fcvt_wu_d, 0x41effffffff00000ull, RNE, ~0ull, NV);             /* 2^32 - 0.5 */
    E1(rv_fcvt_wu_d, 0x41effffffff00000ull, RDN, ~0ull, NX);
    E1(rv_fcvt_wu_d, 0x4000000000000000ull, RNE, 2, 0);
    E1(rv_fcvt_l_d, 0x43e0000000000000ull, RNE, 0x7fffffffffffffffull, NV);  /* 2^63 */
    E1(rv_fcvt_l_d, 0xc3e0000000000000ull, RNE, 0x8000000000000000ull, 0);
    E1(rv_fcvt_l_d, 0x43dfffffffffffffull, RNE, 0x7ffffffffffffc00ull, 0);
    E1(rv_fcvt_l_d, D_NINF, RNE, 0x8000000000000000ull, NV);
    E1(rv_fcvt_l_d, D_SNAN, RNE, 0x7fffffffffffffffull, NV);
    E1(rv_fcvt_l_s, S(S_QNAN), RNE, 0x7fffffffffffffffull, NV);
    E1(rv_fcvt_l_s, S(0xdf000000), RNE, 0x8000000000000000ull, 0);       /* -2^63 */
    E1(rv_fcvt_lu_d, 0x43f0000000000000ull, RNE, ~0ull, NV);             /* 2^64 */
    E1(rv_fcvt_lu_d, 0x43efffffffffffffull, RNE, 0xfffffffffffff800ull, 0);
    E1(rv_fcvt_lu_d, 0xbff0000000000000ull, RNE, 0, NV);
    E1(rv_fcvt_lu_d, D_NINF, RNE, 0, NV);
    E1(rv_fcvt_lu_d, D_QNAN_PAYLOAD, RNE, ~0ull, NV);
    E1(rv_fcvt_lu_d, D_NZERO, RNE, 0, 0);
    E1(rv_fcvt_lu_s, S(0x5f800000), RNE, ~0ull, NV);                     /* 2^64 */
    E1(rv_fcvt_l_d, 0x7fefffffffffffffull, RNE, 0x7fffffffffffffffull, NV);
    /* integer to float */
    E1(rv_fcvt_s_wu, ~0ull, RNE, S(0x4f800000), NX);     /* only the low 32 bits count */
    E1(rv_fcvt_s_wu, ~0ull, RTZ, S(0x4f7fffff), NX);
    E1(rv_fcvt_s_w, 0xffffffff80000000ull, RNE, S(0xcf000000), 0);
    E1(rv_fcvt_s_w, 0, RNE, S(0), 0);
    E1(rv_fcvt_d_w, 0x00000001ffffffffull, RNE, 0xbff0000000000000ull, 0);
    E1(rv_fcvt_d_wu, 0xffffffff00000005ull, RNE, 0x4014000000000000ull, 0);
    E1(rv_fcvt_d_l, 0x8000000000000000ull, RNE, 0xc3e0000000000000ull, 0);
    E1(rv_fcvt_s_l, 0x8000000000000001ull, RTZ, S(0xdeffffff), NX);
    E1(rv_fcvt_s_l, 0x8000000000000001ull, RDN, S(0xdf000000), NX);
}

static void test_minmax_compare(void)
{
    EN(rv_fmin_d, 0, D_NZERO, D_NZERO, 0);
    EN(rv_fmin_d, D_NZERO, 0, D_NZERO, 0);
    EN(rv_fmax_d, D_NZERO, 0, 0, 0);
    EN(rv_fmax_d, 0, D_NZERO, 0, 0);
    EN(rv_fmin_s, S(0x80000000), S(0), S(0x80000000), 0);
    EN(rv_fmax_s, S(0x80000000), S(0), S(0), 0);
    EN(rv_fmin_s, S(S_QNAN), S(S_ONE), S(S_ONE), 0);
    EN(rv_fmin_s, S(S_SNAN), S(S_ONE), S(S_ONE), NV);
    EN(rv_fmax_s, S(S_ONE), S(S_SNAN), S(S_ONE), NV);
    EN(rv_fmax_d, D_QNAN_PAYLOAD, D_QNAN_PAYLOAD, CANON_D, 0);
    EN(rv_fmax_d, D_SNAN, D_QNAN_PAYLOAD, CANON_D, NV);
    EN(rv_fmin_d, D_NINF, D_ONE, D_NINF, 0);
    EN(rv_fmax_d, D_ONE, D_TWO, D_TWO, 0);
    EN(rv_fmin_d, 0xc000000000000000ull, 0xbff0000000000000ull, 0xc000000000000000ull, 0);
    EN(rv_fmax_d, 0xc000000000000000ull, 0xbff0000000000000ull, 0xbff0000000000000ull, 0);
    EN(rv_feq_d, D_QNAN_PAYLOAD, D_ONE, 0, 0);
    EN(rv_feq_d, D_SNAN, D_ONE, 0, NV);
    EN(rv_feq_d, D_QNAN_PAYLOAD, D_QNAN_PAYLOAD, 0, 0);
    EN(rv_flt_d, D_QNAN_PAYLOAD, D_ONE, 0, NV);
    EN(rv_fle_s, S(S_ONE), S(S_QNAN), 0, NV);
    EN(rv_feq_d, 0, D_NZERO, 1, 0);
    EN(rv_flt_d, D_NZERO, 0, 0, 0);
    EN(rv_fle_d, 0, D_NZERO, 1, 0);
    EN(rv_flt_s, S(0xbf800000), S(S_ONE), 1, 0);
    EN(rv_flt_d, 0xc000000000000000ull, 0xbff0000000000000ull, 1, 0);
    EN(rv_flt_d, 0xbff0000000000000ull, 0xc000000000000000ull, 0, 0);
    EN(rv_fle_d, D_ONE, D_ONE, 1, 0);
    EN(rv_flt_d, D_ONE, D_ONE, 0, 0);
    EN(rv_feq_s, S(S_ONE), S(S_ONE), 1, 0);
    EN(rv_fle_d, D_NINF, D_INF, 1, 0);
    EN(rv_flt_s, S(0x00000001), S(0x00000002), 1, 0);
}

static void test_fclass(void)
{
    static const struct { uint64_t s; uint64_t d; unsigned bit; const char *what; } t[] = {
        { S(0xff800000), D_NINF, 0, "-inf" },
        { S(0xbf800000), 0xbff0000000000000ull, 1, "-normal" },
        { S(0x80000001), 0x8000000000000001ull, 2, "-subnormal" },
        { S(0x80000000), D_NZERO, 3, "-0" },
        { S(0), 0, 4, "+0" },
        { S(0x007fffff), D_MAX_SUB, 5, "+subnormal" },
        { S(0x00800000), D_MIN_NORMAL, 6, "+normal" },
        { S(S_INF), D_INF, 7, "+inf" },
        { S(0xffbfffff), 0xfff7ffffffffffffull, 8, "sNaN" },
        { S(0xffc00000), 0xfff8000000000000ull, 9, "qNaN" },
    };
    for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        uint64_t rs = runn(rv_fclass_s, t[i].s, 0);
        uint64_t rd = runn(rv_fclass_d, t[i].d, 0);
        ok(rs == 1u << t[i].bit && rd == 1u << t[i].bit && cpu.fflags == 0,
           "fclass %s: s %03" PRIx64 " d %03" PRIx64, t[i].what, rs, rd);
    }
}

/* RISC-V detects tininess after rounding (to p bits, exponent unbounded) */
static void test_underflow(void)
{
    /* (1 + 2^-52) * (2^-1022 - 2^-1074) = 2^-1022 (1 - 2^-104): rounds to 2^-1022 with an
     * unbounded exponent, so it is not tiny in RNE/RUP/RMM; it is in RTZ/RDN */
    uint64_t a = 0x3ff0000000000001ull, b = D_MAX_SUB;
    E2(rv_fmul_d, a, b, RNE, D_MIN_NORMAL, NX);
    E2(rv_fmul_d, a, b, RUP, D_MIN_NORMAL, NX);
    E2(rv_fmul_d, a, b, RMM, D_MIN_NORMAL, NX);
    E2(rv_fmul_d, a, b, RTZ, D_MAX_SUB, UF | NX);
    E2(rv_fmul_d, a, b, RDN, D_MAX_SUB, UF | NX);
    E2(rv_fmul_d, a | D_NZERO, b, RDN, D_MIN_NORMAL | D_NZERO, NX);
    E3(rv_fmadd_d, a, b, 0, RNE, D_MIN_NORMAL, NX);
    E3(rv_fmadd_d, a, b, D_NZERO, RMM, D_MIN_NORMAL, NX);
    E3(rv_fmadd_d, a, b, 0, RTZ, D_MAX_SUB, UF | NX);
    E2(rv_fmul_s, S(0x3f800001), S(0x007fffff), RNE, S(0x00800000), NX);
    E2(rv_fmul_s, S(0x3f800001), S(0x007fffff), RTZ, S(0x007fffff), UF | NX);
    E2(rv_fmul_s, S(0x3f800001), S(0x007fffff), RMM, S(0x00800000), NX);
    /* 2^-126 (1 - 2^-26) narrowed */
    E1(rv_fcvt_s_d, 0x380ffffff8000000ull, RNE, S(0x00800000), NX);
    E1(rv_fcvt_s_d, 0x380ffffff8000000ull, RMM, S(0x00800000), NX);
    E1(rv_fcvt_s_d, 0x380ffffff8000000ull, RTZ, S(0x007fffff), UF | NX);
    /* 2^-1022 (1 - 2^-53) is a p-bit number, hence tiny, yet rounds to 2^-1022 */
    E2(rv_fmul_d, 0x3fefffffffffffffull, D_MIN_NORMAL, RNE, D_MIN_NORMAL, UF | NX);
    E2(rv_fmul_d, 0x3fefffffffffffffull, D_MIN_NORMAL, RMM, D_MIN_NORMAL, UF | NX);
    E2(rv_fmul_d, 0x3fefffffffffffffull, D_MIN_NORMAL, RUP, D_MIN_NORMAL, UF | NX);
    E2(rv_fmul_d, 0x3fefffffffffffffull, D_MIN_NORMAL, RTZ, D_MAX_SUB, UF | NX);
    /* exact subnormal results raise nothing; inexact ones raise UF|NX */
    E2(rv_fmul_d, D_MIN_NORMAL, 0x3fe0000000000000ull, RNE, 0x0008000000000000ull, 0);
    E2(rv_fmul_d, 1, 0x3fe0000000000000ull, RNE, 0, UF | NX);
    E2(rv_fmul_d, 1, 0x3fe0000000000000ull, RMM, 1, UF | NX);
    E2(rv_fmul_d, 1, 0xbfe0000000000000ull, RUP, D_NZERO, UF | NX);
    E2(rv_fmul_d, 1, 0x3fe0000000000000ull, RUP, 1, UF | NX);
    E2(rv_fsub_d, D_MIN_NORMAL, 0x0010000000000001ull, RNE, 0x8000000000000001ull, 0);
    E2(rv_fdiv_s, S(0x00800000), S(0x40400000), RMM, S(0x002aaaab), UF | NX);
    /* overflow: the mode decides between infinity and the largest finite */
    E2(rv_fmul_d, D_MAX, D_TWO, RNE, D_INF, OF | NX);
    E2(rv_fmul_d, D_MAX, D_TWO, RMM, D_INF, OF | NX);
    E2(rv_fmul_d, D_MAX, D_TWO, RTZ, D_MAX, OF | NX);
    E2(rv_fmul_d, D_MAX, D_TWO, RDN, D_MAX, OF | NX);
    E2(rv_fmul_d, D_MAX | D_NZERO, D_TWO, RDN, D_NINF, OF | NX);
    E2(rv_fmul_d, D_MAX | D_NZERO, D_TWO, RUP, D_MAX | D_NZERO, OF | NX);
    E2(rv_fadd_s, S(0x7f7fffff), S(0x7f7fffff), RNE, S(S_INF), OF | NX);
    E2(rv_fadd_s, S(0x7f7fffff), S(0x7f7fffff), RMM, S(S_INF), OF | NX);
    E1(rv_fcvt_s_d, D_MAX, RTZ, S(0x7f7fffff), OF | NX);
    E1(rv_fcvt_s_d, D_MAX, RMM, S(S_INF), OF | NX);
    /* RMM rounds exactly halfway below the overflow threshold up to infinity */
    E1(rv_fcvt_s_d, 0x47effffff0000000ull, RMM, S(S_INF), OF | NX);
    E1(rv_fcvt_s_d, 0x47effffff0000000ull, RTZ, S(0x7f7fffff), NX);
}

static void test_fma(void)
{
    E3(rv_fmadd_d, D_TWO, D_THREE, D_ONE, RNE, 0x401c000000000000ull, 0);     /* 7 */
    E3(rv_fmsub_d, D_TWO, D_THREE, D_ONE, RNE, 0x4014000000000000ull, 0);     /* 5 */
    E3(rv_fnmsub_d, D_TWO, D_THREE, D_ONE, RNE, 0xc014000000000000ull, 0);    /* -5 */
    E3(rv_fnmadd_d, D_TWO, D_THREE, D_ONE, RNE, 0xc01c000000000000ull, 0);    /* -7 */
    E3(rv_fnmadd_s, S(S_TWO), S(0x40400000), S(S_ONE), RMM, S(0xc0e00000), 0);
    /* signs of exact zeros: fnmadd is -(a*b) - c */
    E3(rv_fnmadd_d, 0, D_ONE, 0, RNE, D_NZERO, 0);
    E3(rv_fnmsub_d, 0, D_ONE, 0, RNE, 0, 0);
    E3(rv_fmadd_d, 0, D_ONE, D_NZERO, RNE, 0, 0);
    E3(rv_fmadd_d, 0, D_ONE, D_NZERO, RDN, D_NZERO, 0);
    E3(rv_fmsub_d, 0, D_ONE, 0, RDN, D_NZERO, 0);
    E3(rv_fmsub_d, D_ONE, D_ONE, D_ONE, RNE, 0, 0);
    E3(rv_fmsub_d, D_ONE, D_ONE, D_ONE, RDN, D_NZERO, 0);
    E3(rv_fmsub_d, D_ONE, D_ONE, D_ONE, RMM, 0, 0);
    /* fused: (1 + 2^-52)^2 - (1 + 2^-51) leaves 2^-104 */
    E3(rv_fmsub_d, 0x3ff0000000000001ull, 0x3ff0000000000001ull, 0x3ff0000000000002ull, RNE,
       0x3970000000000000ull, 0);
    E3(rv_fmsub_d, 0x3ff0000000000001ull, 0x3ff0000000000001ull, 0x3ff0000000000002ull, RMM,
       0x3970000000000000ull, 0);
    /* one rounding only: 1 + 2^-53 + 2^-105 is above the tie, so RNE goes up */
    E3(rv_fmadd_d, 0x3ff0000000000001ull, 0x3ca0000000000000ull, D_ONE, RNE, D_ONE + 1, NX);
    E3(rv_fmadd_s, S(0x3f800001), S(0x33800000), S(S_ONE), RNE, S(0x3f800001), NX);
    /* invalid: inf * 0, even with a quiet NaN addend */
    E3(rv_fmadd_d, D_INF, 0, D_ONE, RNE, CANON_D, NV);
    E3(rv_fmadd_d, 0, D_NINF, D_QNAN_PAYLOAD, RNE, CANON_D, NV);
    E3(rv_fmadd_s, S(S_INF), S(0), S(S_QNAN), RMM, CANON_S, NV);
    E3(rv_fmadd_d, D_INF, D_ONE, D_NINF, RNE, CANON_D, NV);
    E3(rv_fnmadd_d, D_INF, D_ONE, D_NINF, RNE, CANON_D, NV);
    E3(rv_fmsub_d, D_INF, D_ONE, D_INF, RNE, CANON_D, NV);
    E3(rv_fnmsub_d, D_INF, D_ONE, D_INF, RNE, CANON_D, NV);
    E3(rv_fnmsub_d, D_INF, D_ONE, D_NINF, RNE, D_NINF, 0);
    E3(rv_fmadd_s, S(S_QNAN), S(S_ONE), S(S_ONE), RNE, CANON_S, 0);
    E3(rv_fmadd_s, S(S_ONE), S(S_ONE), S(S_SNAN), RNE, CANON_S, NV);
    E3(rv_fmadd_d, D_MAX, D_TWO, D_NINF, RNE, D_NINF, 0);
    E3(rv_fmadd_d, D_MAX, D_TWO, 0xffefffffffffffffull, RNE, D_MAX, 0);
}

static void test_dynamic_rm(void)
{
    cpu.frm = RUP;
    E2(rv_fdiv_d, D_TWO, D_THREE, DYN, 0x3fe5555555555556ull, NX);
    cpu.frm = RMM;
    E2(rv_fmul_s, S(0x4b000003), S(0x3fc00000), DYN, S(0x4b400005), NX);
    E1(rv_fcvt_s_w, 16777217, DYN, S(0x4b800001), NX);
    cpu.frm = RTZ;
    E1(rv_fcvt_w_d, 0xc004000000000000ull, DYN, (uint64_t)-2, NX);
    cpu.frm = RNE;
    /* flags accrue: bits already set stay set */
    host_flags_discard();
    cpu.fflags = NX;
    uint64_t r = rv_fdiv_d(&cpu, D_ONE, 0, RV_FP_RMARG(RNE, PC), 0);
    rv_fp_sync_flags(&cpu);
    ok(r == D_INF && cpu.fflags == (NX | DZ), "fflags accrue (%02x)", cpu.fflags);
    cpu.fflags = UF;
    rv_fadd_d(&cpu, D_ONE, D_ONE, RV_FP_RMARG(RNE, PC), 0);
    rv_fp_sync_flags(&cpu);
    ok(cpu.fflags == UF, "an exact operation leaves fflags alone (%02x)", cpu.fflags);
}

/* reading fflags through the CSR helper */
static uint64_t csr(unsigned which, unsigned op, uint64_t val)
{
    return rv_helper_csr_fp(&cpu, which, val, op, 0);
}

/* flags split between cpu->fflags and MXCSR add up, whichever path raised them */
static void test_flag_accrual(void)
{
    bool lazy = rv_fp_lazy_flags(-1);
    host_flags_discard();
    cpu.fflags = 0;
    rv_fadd_d_rne(&cpu, D_ONE, 0x3ca0000000000000ull, 0, 0);    /* inexact */
    if (lazy)
        ok(cpu.fflags == 0, "an RNE operation leaves its flags in MXCSR (%02x)", cpu.fflags);
    rv_fp_sync_flags(&cpu);
    ok(cpu.fflags == NX, "synced: NX (%02x)", cpu.fflags);
    rv_fp_sync_flags(&cpu);
    ok(cpu.fflags == NX, "a second sync adds nothing (%02x)", cpu.fflags);

    /* RNE flags pending, then a directed-mode op, then RNE again */
    host_flags_discard();
    cpu.fflags = 0;
    rv_fdiv_d_rne(&cpu, D_ONE, 0, 0, 0);
    uint64_t r = rv_fmul_d(&cpu, D_MAX, D_TWO, RV_FP_RMARG(RTZ, PC), 0);
    uint64_t r2 = rv_fadd_d_rne(&cpu, D_ONE, 0x3ca8000000000000ull, 0, 0);  /* 1 + 3/4 ulp */
    uint32_t direct = cpu.fflags;
    rv_fp_sync_flags(&cpu);
    ok(r == D_MAX && r2 == D_ONE + 1 && cpu.fflags == (DZ | OF | NX) &&
       (!lazy || direct == (OF | NX)),
       "RNE, RTZ, RNE: modes restored, flags kept (%02x, %02x before the sync)", cpu.fflags,
       direct);

    /* the CSR helper sees both halves, and a write replaces both */
    host_flags_discard();
    cpu.fflags = UF;
    cpu.frm = RDN;
    rv_fdiv_s_rne(&cpu, S(S_ONE), S(0), 0, 0);
    ok(csr(RV_CSR_FFLAGS, RV_CSR_READ, 0) == (UF | DZ), "csrr fflags = UF|DZ");
    rv_fsqrt_d_rne(&cpu, 0xbff0000000000000ull, 0, 0, 0);
    ok(csr(RV_CSR_FCSR, RV_CSR_READ, 0) == (RDN << 5 | UF | DZ | NV), "csrr fcsr = rdn|UF|DZ|NV");
    rv_fadd_d_rne(&cpu, D_ONE, 0x3ca0000000000000ull, 0, 0);
    ok(csr(RV_CSR_FFLAGS, RV_CSR_WRITE, 0) == (UF | DZ | NV | NX), "csrrw fflags returns all");
    rv_fp_sync_flags(&cpu);
    ok(cpu.fflags == 0, "csrw fflags, 0 clears the host's half too (%02x)", cpu.fflags);
    rv_fmul_d_rne(&cpu, D_MAX, D_TWO, 0, 0);
    ok(csr(RV_CSR_FRM, RV_CSR_WRITE, RNE) == RDN && csr(RV_CSR_FFLAGS, RV_CSR_CLEAR, NX) ==
       (OF | NX), "csrw frm, then csrrc fflags, NX");
    rv_fp_sync_flags(&cpu);
    ok(cpu.fflags == OF, "csrrc fflags left OF (%02x)", cpu.fflags);
    cpu.fflags = 0;
}

/* ---- the exact path against the host FPU, in the modes the host has ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* operands biased towards the interesting exponents */
static uint64_t rnd_fp(int d)
{
    int p = d ? 53 : 24, bias = d ? 1023 : 127;
    uint64_t frac = rnd() & ((1ull << (p - 1)) - 1), sign = (rnd() & 1) << (d ? 63 : 31);
    int e;
    switch (rnd() % 6) {
    case 0: e = (int)(rnd() % 4); break;                            /* subnormal edge */
    case 1: e = 2 * bias - (int)(rnd() % 3); break;                 /* overflow edge */
    case 2: e = bias - 10 + (int)(rnd() % 20); break;               /* near 1 */
    case 3:                                                         /* few significant bits */
        frac &= ~0ull << (rnd() % p);
        __attribute__((fallthrough));
    default: e = (int)(rnd() % (2 * bias + 2)); break;               /* anything, inf, NaN */
    }
    return sign | ((uint64_t)e << (p - 1)) | frac;
}

static const int host_mode[4] = { FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD };

static uint32_t host_flags(void)
{
    int e = fetestexcept(FE_ALL_EXCEPT);
    return (e & FE_INVALID ? NV : 0) | (e & FE_DIVBYZERO ? DZ : 0) |
           (e & FE_OVERFLOW ? OF : 0) | (e & FE_UNDERFLOW ? UF : 0) |
           (e & FE_INEXACT ? NX : 0);
}

static double dbl(uint64_t x) { double d; memcpy(&d, &x, 8); return d; }
static uint64_t dbits(double d) { uint64_t x; memcpy(&x, &d, 8); return x; }
static float flt(uint64_t x) { uint32_t u = (uint32_t)x; float f; memcpy(&f, &u, 4); return f; }
static uint64_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

/* host reference for one op; volatile keeps the arithmetic between the mode calls */
static uint64_t host_ref(enum rv_fp_soft_op op, int d, uint64_t a, uint64_t b, uint64_t c,
                         unsigned rm, uint32_t *fl)
{
    volatile double da = dbl(a), db = dbl(b), dc = dbl(c), dr;
    volatile float fa = flt(a), fb = flt(b), fc = flt(c), fr;
    uint64_t r;
    fesetround(host_mode[rm]);
    feclearexcept(FE_ALL_EXCEPT);
    switch (op) {
    case RV_SOFT_ADD: if (d) dr = da + db; else fr = fa + fb; break;
    case RV_SOFT_MUL: if (d) dr = da * db; else fr = fa * fb; break;
    case RV_SOFT_DIV: if (d) dr = da / db; else fr = fa / fb; break;
    case RV_SOFT_FMA: if (d) dr = fma(da, db, dc); else fr = fmaf(fa, fb, fc); break;
    case RV_SOFT_CVT_S_D: fr = (float)da; d = 0; break;
    }
    *fl = host_flags();
    fesetround(FE_TONEAREST);
    r = d ? dbits(dr) : fbits(fr);
    if (d ? isnan(dr) : isnan(fr))
        r = d ? CANON_D : 0x7fc00000u;
    return r;
}

static void test_soft_vs_host(void)
{
    static const char *const names[] = { "add", "mul", "div", "fma", "cvt.s" };
    for (int op = RV_SOFT_ADD; op <= RV_SOFT_CVT_S_D; op++) {
        for (int d = 0; d < 2; d++) {
            if (op == RV_SOFT_CVT_S_D && !d)
                continue;
            unsigned bad = 0, n = 200000;
            char first[160] = "";
            for (unsigned i = 0; i < n; i++) {
                uint64_t a = rnd_fp(d), b = rnd_fp(d), c = rnd_fp(d);
                unsigned rm = rnd() % 4;
                if (op == RV_SOFT_FMA && rnd() % 4 == 0) {
                    /* cancellation: c close to -(a*b) */
                    uint64_t p = d ? dbits(dbl(a) * dbl(b)) : fbits(flt(a) * flt(b));
                    c = (p ^ (d ? 1ull << 63 : 1u << 31)) + rnd() % 5 - 2;
                }
                if (op == RV_SOFT_CVT_S_D)
                    a = rnd_fp(1);
                /* x86 leaves inf * 0 + qNaN quiet; RISC-V does not (tested above) */
                if (op == RV_SOFT_FMA && d ? isnan(dbl(c)) : isnan(flt(c)))
                    continue;
                uint32_t hf, sf = 0;
                uint64_t h = host_ref(op, d, a, b, c, rm, &hf);
                uint64_t s = rv_fp_soft(op, d, a, b, c, rm, &sf);
                if (h != s || hf != sf) {
                    if (!bad++)
                        snprintf(first, sizeof(first), " first: %016" PRIx64 " %016" PRIx64
                                 " %016" PRIx64 " %s: host %016" PRIx64 "/%02x soft %016"
                                 PRIx64 "/%02x", a, b, c, rm_name[rm], h, hf, s, sf);
                }
            }
            ok(bad == 0, "exact %s.%c matches the host FPU on %u random operands (%u differ)%s",
               names[op], d ? 'd' : 's', n, bad, first);
        }
    }
}

/* a reserved frm with a dynamic rounding mode ends the process with 132 and one line */
static void test_bad_frm(void)
{
    int fds[2];
    char msg[256] = "";
    if (pipe(fds) != 0) {
        ok(false, "pipe");
        return;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 2);
        cpu.frm = 5;
        run2(rv_fadd_d, D_ONE, D_ONE, DYN);
        _exit(0);
    }
    close(fds[1]);
    ssize_t n = read(fds[0], msg, sizeof(msg) - 1);
    msg[n > 0 ? n : 0] = 0;
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    bool one_line = n > 0 && strchr(msg, '\n') == msg + n - 1;
    if (one_line)
        msg[n - 1] = 0;
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 132 && strstr(msg, "pc 0x10078") && one_line,
       "dynamic rm with frm=5 exits 132 naming the pc: %s", msg);
}

/* ---- the translator, run through the IR interpreter ---- */

static uint32_t enc_r(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3, unsigned rd,
                      unsigned opc)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
static uint32_t enc_r4(unsigned rs3, unsigned fmt, unsigned rs2, unsigned rs1, unsigned rm,
                       unsigned rd, unsigned opc)
{
    return rs3 << 27 | fmt << 25 | rs2 << 20 | rs1 << 15 | rm << 12 | rd << 7 | opc;
}
static uint32_t enc_i(int imm, unsigned rs1, unsigned f3, unsigned rd, unsigned opc)
{
    return (uint32_t)imm << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
static uint32_t enc_s(int imm, unsigned rs2, unsigned rs1, unsigned f3, unsigned opc)
{
    return ((uint32_t)imm >> 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           ((uint32_t)imm & 31) << 7 | opc;
}

static struct ir_block blk;

/* translate one instruction; when it is valid, run it on st */
static bool xlate_run(uint32_t insn, struct rv_cpu *st, bool *valid_ir)
{
    struct rv_dc dc = { .b = &blk, .pc = PC, .next_pc = PC + 4 };
    ir_block_init(&blk, PC);
    if (!rv_translate_fp(&dc, insn))
        return false;
    if (!dc.end)
        ir_exit_tb(&blk, PC + 4);
    *valid_ir = ir_validate(&blk, stderr);
    if (st && *valid_ir) {
        struct tb tb = { .pc = PC, .size = 4, .insns = blk.insns, .temp_types = blk.temp_type,
                         .n_insns = blk.n_insns, .n_temps = blk.n_temps };
        host_flags_discard();
        interp_run(st, &tb);
        rv_fp_sync_flags(st);
    }
    return true;
}

static void test_decode(void)
{
    static const struct { uint32_t insn; bool valid; const char *what; } t[] = {
        { 0x00002007 | 1 << 7, true, "flw" },
        { 0x00003007, true, "fld" },
        { 0x00001007, false, "flh (Zfh)" },
        { 0x00004007, false, "flq (Q)" },
        { 0x00000007, false, "LOAD-FP width 0 (vector)" },
        { 0x00006007, false, "LOAD-FP width 6 (vector)" },
        { 0x00002027, true, "fsw" },
        { 0x00003027, true, "fsd" },
        { 0x00005027, false, "STORE-FP width 5 (vector)" },
        { 0x00000053, true, "fadd.s rne" },
        { 0x00004053, true, "fadd.s rmm" },
        { 0x00005053, false, "fadd.s rm=5" },
        { 0x00006053, false, "fadd.s rm=6" },
        { 0x00007053, true, "fadd.s dyn" },
        { 0x0a006053, false, "fsub.d rm=6" },
        { 0x04000053, false, "fadd.h (fmt 2)" },
        { 0x06000053, false, "fadd.q (fmt 3)" },
        { 0x58000053, true, "fsqrt.s" },
        { 0x58100053, false, "fsqrt.s rs2=1" },
        { 0x5a005053, false, "fsqrt.d rm=5" },
        { 0x20003053, false, "fsgnj.s funct3=3" },
        { 0x22002053, true, "fsgnjx.d" },
        { 0x28002053, false, "fmin.s funct3=2 (Zfa fminm)" },
        { 0xa0003053, false, "feq.s funct3=3" },
        { 0xa2002053, true, "feq.d" },
        { 0xc0400053, false, "fcvt.?.s rs2=4" },
        { 0xc0305053, false, "fcvt.lu.s rm=5" },
        { 0xc2307053, true, "fcvt.lu.d dyn" },
        { 0x40000053, false, "fcvt.s.s (rs2=0)" },
        { 0x40100053, true, "fcvt.s.d" },
        { 0x42000053, true, "fcvt.d.s" },
        { 0x42006053, false, "fcvt.d.s rm=6" },
        { 0x42100053, false, "fcvt.d.d" },
        { 0xe0002053, false, "fmv.x.w funct3=2" },
        { 0xe0100053, false, "fmv.x.w rs2=1" },
        { 0xe2001053, true, "fclass.d" },
        { 0xe2101053, false, "fclass.d rs2=1" },
        { 0xf0001053, false, "fmv.w.x funct3=1" },
        { 0xf2000053, true, "fmv.d.x" },
        { 0xf4000053, false, "fmv.h.x" },
        { 0xd2305053, false, "fcvt.d.lu rm=5" },
        { 0x30000053, false, "funct7 0x18 (unassigned)" },
        { 0x00000043, true, "fmadd.s" },
        { 0x0200704f, true, "fnmadd.d dyn" },
        { 0x04000043, false, "fmadd.h" },
        { 0x06000047, false, "fmsub.q" },
        { 0x0000504b, false, "fnmsub.s rm=5" },
        { 0x00000033, false, "OP (not FP)" },
    };
    for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        bool valid_ir = false;
        bool r = xlate_run(t[i].insn, NULL, &valid_ir);
        ok(r == t[i].valid && (!r || valid_ir), "decode %08x %s: %s%s", t[i].insn, t[i].what,
           r ? "accepted" : "rejected", r && !valid_ir ? " (invalid IR)" : "");
    }
}

static struct rv_cpu st;

static void run_insn(const char *what, uint32_t insn)
{
    bool valid_ir = false;
    bool r = xlate_run(insn, &st, &valid_ir);
    if (!r || !valid_ir)
        ok(false, "%s: %s", what, r ? "invalid IR" : "rejected");
}

static void test_translate_exec(void)
{
    static uint8_t mem[32];
    static const uint8_t pattern[8] = { 0xef, 0xbe, 0xad, 0xde, 0x11, 0x22, 0x33, 0x44 };

    exec_config.guest = &rv_guest;
    exec_config.guest_base = 0;
    memset(&st, 0, sizeof(st));
    memcpy(mem + 4, pattern, 8);
    st.x[10] = (uint64_t)(uintptr_t)mem;

    run_insn("flw", enc_i(4, 10, 2, 1, 0x07));                  /* flw f1, 4(a0) */
    ok(st.f[1] == 0xffffffffdeadbeefull, "flw boxes: %016" PRIx64, st.f[1]);
    run_insn("fld", enc_i(4, 10, 3, 2, 0x07));                  /* fld f2, 4(a0) */
    ok(st.f[2] == 0x44332211deadbeefull, "fld: %016" PRIx64, st.f[2]);
    st.f[3] = 0x0123456789abcdefull;
    run_insn("fsw", enc_s(16, 3, 10, 2, 0x27));                 /* fsw f3, 16(a0) */
    run_insn("fsd", enc_s(20, 3, 10, 3, 0x27));                 /* fsd f3, 20(a0) */
    uint32_t w;
    uint64_t dw;
    memcpy(&w, mem + 16, 4);
    memcpy(&dw, mem + 20, 8);
    ok(w == 0x89abcdef && dw == 0x0123456789abcdefull && mem[28] == 0,
       "fsw stores the low word, fsd all: %08x %016" PRIx64, w, dw);
    st.x[11] = (uint64_t)(uintptr_t)(mem + 8);
    run_insn("flw negative offset", enc_i(-4, 11, 2, 4, 0x07));  /* flw f4, -4(a1) */
    ok(st.f[4] == 0xffffffffdeadbeefull, "flw -4(a1): %016" PRIx64, st.f[4]);

    /* sign injection, singles: unboxed inputs read as the canonical NaN */
    static const struct { unsigned f3; uint64_t a, b, want; const char *what; } sg[] = {
        { 0, S(S_ONE), S(0x80000000), S(0xbf800000), "fsgnj.s" },
        { 1, S(S_ONE), S(0x80000000), S(S_ONE), "fsgnjn.s" },
        { 2, S(0xbf800000), S(0x80000000), S(S_ONE), "fsgnjx.s" },
        { 0, 0x000000003f800000ull, S(0x80000000), S(0xffc00000), "fsgnj.s unboxed rs1" },
        { 0, S(S_ONE), 0x00000000bf800000ull, S(S_ONE), "fsgnj.s unboxed rs2 (+NaN)" },
        { 1, S(S_ONE), 0x00000000bf800000ull, S(0xbf800000), "fsgnjn.s unboxed rs2" },
        { 0, S(S_SNAN), S(0x80000000), S(0xff800001), "fsgnj.s keeps sNaN payload" },
    };
    for (unsigned i = 0; i < sizeof(sg) / sizeof(sg[0]); i++) {
        st.f[5] = sg[i].a;
        st.f[6] = sg[i].b;
        st.fflags = 0;
        run_insn(sg[i].what, enc_r(0x10, 6, 5, sg[i].f3, 7, 0x53));
        ok(st.f[7] == sg[i].want && st.fflags == 0, "%s = %016" PRIx64, sg[i].what, st.f[7]);
    }
    static const struct { unsigned f3; uint64_t a, want; const char *what; } sg1[] = {
        { 0, 0x000000003f800000ull, S(0x7fc00000), "fmv.s of an unboxed value" },
        { 1, S(S_ONE), S(0xbf800000), "fneg.s" },
        { 2, S(0xbf800000), S(S_ONE), "fabs.s" },
        { 1, 0x1234ull, S(0xffc00000), "fneg.s of an unboxed value" },
    };
    for (unsigned i = 0; i < sizeof(sg1) / sizeof(sg1[0]); i++) {
        st.f[5] = sg1[i].a;
        run_insn(sg1[i].what, enc_r(0x10, 5, 5, sg1[i].f3, 7, 0x53));
        ok(st.f[7] == sg1[i].want, "%s = %016" PRIx64, sg1[i].what, st.f[7]);
    }
    st.f[5] = D_SNAN;
    st.f[6] = D_NZERO;
    run_insn("fsgnj.d", enc_r(0x11, 6, 5, 0, 7, 0x53));
    ok(st.f[7] == (D_SNAN | D_NZERO) && st.fflags == 0, "fsgnj.d keeps the payload: %016"
       PRIx64, st.f[7]);
    run_insn("fsgnjx.d", enc_r(0x11, 6, 6, 2, 7, 0x53));
    ok(st.f[7] == 0, "fabs.d(-0) via fsgnjx.d rs1==rs2: %016" PRIx64, st.f[7]);

    /* moves */
    st.f[8] = 0x1234567880000000ull;
    run_insn("fmv.x.w", enc_r(0x70, 0, 8, 0, 12, 0x53));
    ok(st.x[12] == 0xffffffff80000000ull, "fmv.x.w sign-extends, ignores boxing: %016" PRIx64,
       st.x[12]);
    run_insn("fmv.x.d", enc_r(0x71, 0, 8, 0, 12, 0x53));
    ok(st.x[12] == 0x1234567880000000ull, "fmv.x.d: %016" PRIx64, st.x[12]);
    st.x[13] = 0x123456789abcdef0ull;
    run_insn("fmv.w.x", enc_r(0x78, 0, 13, 0, 9, 0x53));
    ok(st.f[9] == 0xffffffff9abcdef0ull, "fmv.w.x boxes: %016" PRIx64, st.f[9]);
    run_insn("fmv.d.x", enc_r(0x79, 0, 13, 0, 9, 0x53));
    ok(st.f[9] == 0x123456789abcdef0ull, "fmv.d.x: %016" PRIx64, st.f[9]);

    /* helpers: operands, rm field and destinations wired right */
    st.f[1] = D_ONE;
    st.f[2] = 0x3ca0000000000000ull;
    st.fflags = 0;
    run_insn("fadd.d rmm", enc_r(0x01, 2, 1, RMM, 3, 0x53));
    ok(st.f[3] == D_ONE + 1 && st.fflags == NX, "fadd.d static rmm: %016" PRIx64, st.f[3]);
    st.f[2] = 0x3c90000000000000ull;                              /* 2^-54 */
    st.frm = RUP;
    run_insn("fsub.d dyn", enc_r(0x05, 1, 2, DYN, 3, 0x53));     /* 2^-54 - 1 */
    ok(st.f[3] == 0xbfefffffffffffffull, "fsub.d dyn rup (rs1 - rs2): %016" PRIx64, st.f[3]);
    st.frm = RNE;
    run_insn("fsub.d dyn", enc_r(0x05, 1, 2, DYN, 3, 0x53));
    ok(st.f[3] == 0xbff0000000000000ull, "fsub.d dyn rne: %016" PRIx64, st.f[3]);
    st.f[4] = S(0x40200000);                                      /* 2.5 */
    run_insn("fcvt.w.s rmm", enc_r(0x60, 0, 4, RMM, 14, 0x53));
    ok(st.x[14] == 3, "fcvt.w.s static rmm to x14: %" PRId64, (int64_t)st.x[14]);
    st.x[15] = (uint64_t)-7;
    run_insn("fcvt.s.w", enc_r(0x68, 0, 15, RNE, 16, 0x53));
    ok(st.f[16] == S(0xc0e00000), "fcvt.s.w from x15: %016" PRIx64, st.f[16]);
    st.x[15] = 0xffffffff;
    run_insn("fcvt.d.wu", enc_r(0x69, 1, 15, RNE, 16, 0x53));
    ok(st.f[16] == 0x41efffffffe00000ull, "fcvt.d.wu: %016" PRIx64, st.f[16]);
    st.f[17] = D_TWO;
    st.f[18] = D_THREE;
    st.f[19] = D_ONE;
    run_insn("fnmsub.d", enc_r4(19, 1, 18, 17, RNE, 20, 0x4b));
    ok(st.f[20] == 0xc014000000000000ull, "fnmsub.d f20 = -(f17*f18) + f19: %016" PRIx64,
       st.f[20]);
    run_insn("fmsub.d", enc_r4(17, 1, 19, 18, RNE, 20, 0x47));
    ok(st.f[20] == D_ONE, "fmsub.d f20 = f18*f19 - f17: %016" PRIx64, st.f[20]);
    run_insn("flt.d", enc_r(0x51, 18, 17, 1, 21, 0x53));
    ok(st.x[21] == 1, "flt.d x21 = f17 < f18: %" PRIu64, st.x[21]);
    run_insn("flt.d", enc_r(0x51, 17, 18, 1, 21, 0x53));
    ok(st.x[21] == 0, "flt.d x21 = f18 < f17: %" PRIu64, st.x[21]);
    run_insn("feq.d to x0", enc_r(0x51, 17, 17, 2, 0, 0x53));
    ok(st.x[0] == 0, "feq.d into x0 is dropped");
    run_insn("fclass.s", enc_r(0x70, 0, 17, 1, 22, 0x53));
    ok(st.x[22] == 1u << 9, "fclass.s of an unboxed double: %" PRIx64, st.x[22]);
    run_insn("fsqrt.d", enc_r(0x2d, 0, 17, RNE, 23, 0x53));
    ok(st.f[23] == 0x3ff6a09e667f3bcdull, "fsqrt.d(2): %016" PRIx64, st.f[23]);
    run_insn("fcvt.s.d", enc_r(0x20, 1, 18, RNE, 24, 0x53));
    ok(st.f[24] == S(0x40400000), "fcvt.s.d(3): %016" PRIx64, st.f[24]);
    run_insn("fcvt.d.s", enc_r(0x21, 0, 24, RNE, 25, 0x53));
    ok(st.f[25] == D_THREE, "fcvt.d.s(3): %016" PRIx64, st.f[25]);
    run_insn("fmax.d", enc_r(0x15, 18, 17, 1, 26, 0x53));
    ok(st.f[26] == D_THREE, "fmax.d: %016" PRIx64, st.f[26]);
}

/* which helper a translated instruction calls, and whether it gets an rmarg */
static void test_static_rm_calls(void)
{
    static const struct { uint32_t insn; helper fn; bool rmarg; const char *what; } t[] = {
        { 0x02000053 | RNE << 12, rv_fadd_d_rne, false, "fadd.d rne" },
        { 0x02000053 | RTZ << 12, rv_fadd_d, true, "fadd.d rtz" },
        { 0x02000053 | DYN << 12, rv_fadd_d, true, "fadd.d dyn" },
        { 0x5a000053 | RNE << 12, rv_fsqrt_d_rne, false, "fsqrt.d rne" },
        { 0x02000043 | RNE << 12, rv_fmadd_d_rne, false, "fmadd.d rne" },
        { 0x0000004f | RMM << 12, rv_fnmadd_s, true, "fnmadd.s rmm" },
        { 0x42000053 | RTZ << 12, rv_fcvt_d_s_exact, false, "fcvt.d.s rtz" },
        { 0x42000053 | DYN << 12, rv_fcvt_d_s, true, "fcvt.d.s dyn" },
        { 0xd2000053 | RDN << 12, rv_fcvt_d_w_rne, false, "fcvt.d.w rdn" },
        { 0xd2200053 | RDN << 12, rv_fcvt_d_l, true, "fcvt.d.l rdn" },
        { 0x40100053 | RNE << 12, rv_fcvt_s_d_rne, false, "fcvt.s.d rne" },
    };
    for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        bool valid_ir = false;
        const struct ir_insn *call = NULL;
        if (xlate_run(t[i].insn, NULL, &valid_ir)) {
            for (unsigned k = 0; k < blk.n_insns; k++) {
                if (blk.insns[k].op == IR_call)
                    call = &blk.insns[k];
            }
        }
        unsigned n_args = 0;
        for (unsigned k = 0; call && k < 4; k++)
            n_args += call->in[k] != IR_NO_TEMP;
        unsigned want_args = (t[i].insn & 0x7f) != 0x53 ? 3 : (t[i].insn >> 27 == 0 ? 2 : 1);
        ok(call && call->imm == (int64_t)(uintptr_t)t[i].fn &&
           n_args == want_args + t[i].rmarg, "%s calls the %s helper with %u arguments",
           t[i].what, t[i].rmarg ? "generic" : "specialised", n_args);
    }
}

static void test_helpers(void)
{
    test_nan_boxing();
    test_canonical_nan();
    test_round_to_int();
    test_rmm_ties();
    test_int_conversions();
    test_minmax_compare();
    test_fclass();
    test_underflow();
    test_fma();
    test_dynamic_rm();
    test_flag_accrual();
}

int main(void)
{
    ok(rv_fp_lazy_flags(-1), "this host detects tininess after rounding: lazy flags are on");
    test_helpers();
    rv_fp_lazy_flags(0);
    pass_tag = " [eager]";
    test_helpers();
    pass_tag = "";
    rv_fp_lazy_flags(1);
    ok(n_variant_checks > 100, "%u calls of static-rm helpers agreed with the generic ones",
       n_variant_checks);
    test_soft_vs_host();
    test_bad_frm();
    test_decode();
    test_static_rm_calls();
    test_translate_exec();
    return tap_finish();
}
