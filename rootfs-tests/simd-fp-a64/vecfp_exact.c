/*
 * AdvSIMD FADD, FSUB, FMUL, FDIV, FMLA, FMLS (vector, 2S/4S/2D), FMUL,
 * FMLA, FMLS by element, and the scalar FMUL, FNMUL, FDIV, FMADD, FMSUB,
 * FNMSUB, FCVT and FCVTN from double to single, FMAX, FMIN, FMAXNM, FMINNM,
 * FCMEQ, FCMGE and FCMGT (vector), SCVTF, FCVTZS and FSQRT (vector), on
 * operands chosen to reach every rule an emulator
 * may shortcut: NaN propagation (signalling and quiet, in each operand),
 * the default NaN of invalid operations, infinities, denormals, overflow
 * and underflow, with FPCR at its defaults and with FZ, DN and each
 * rounding mode; the upper half of a 64-bit vector's sources holds
 * signalling NaNs that must raise nothing.  Prints each result's bits and
 * FPSR; compared with qemu-aarch64-static by simd-fp-a64.bats.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct { uint64_t lo, hi; } v128;

static const uint32_t fs[] = {
    0x3f800000, 0x40490fdb, 0xbf800000, 0x00000000, 0x80000000, 0x7f800000, 0xff800000,
    0x7fc00000, 0x7fa00001, 0xffc12345, 0x7f812345, 0x00000001, 0x807fffff, 0x00800000,
    0x7f7fffff, 0x0c000000, 0x3eaaaaab, 0x4b000001,
    /* the edges of int32 (FCVTZS), and as integers, inexact ones (SCVTF) */
    0x4f000000, 0xcf000000, 0x4effffff, 0xcf000001, 0x7fffffff, 0x01000001,
};
static const uint64_t fd[] = {
    0x3ff0000000000000ull, 0x400921fb54442d18ull, 0xbff0000000000000ull, 0, 1ull << 63,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull, 0x7ff4000000000001ull,
    0xfff8000000012345ull, 0x7ff0000000012345ull, 1, 0x800fffffffffffffull,
    0x0010000000000000ull, 0x7fefffffffffffffull, 0x2000000000000000ull, 0x3fd5555555555555ull,
    /* just below single precision's smallest normal: FCVT rounds them up */
    0x380fffffffc00000ull, 0xb80fffffe0000000ull,
};
#define NS (sizeof(fs) / sizeof(fs[0]))
#define ND (sizeof(fd) / sizeof(fd[0]))

static uint64_t fpcr_modes[] = {
    0,                  /* defaults */
    1u << 24,           /* FZ */
    1u << 25,           /* DN */
    1u << 22,           /* RP */
    2u << 22,           /* RM */
    3u << 22,           /* RZ */
};

#define SNAN_PAIR 0x7fa000017fa00001ull

#define OP3(name, insn)                                                                  \
    static v128 name(v128 n, v128 m, v128 d, uint64_t fpcr, uint64_t *fpsr)             \
    {                                                                                    \
        uint64_t r0, r1;                                                                 \
        __asm__ volatile("msr fpcr, %[c]\n\tmsr fpsr, xzr\n\t"                           \
                         "fmov d0, %[n0]\n\tmov v0.d[1], %[n1]\n\t"                      \
                         "fmov d1, %[m0]\n\tmov v1.d[1], %[m1]\n\t"                      \
                         "fmov d2, %[d0]\n\tmov v2.d[1], %[d1]\n\t" insn "\n\t"          \
                         "mrs %[s], fpsr\n\tmsr fpcr, xzr\n\t"                           \
                         "fmov %[r0], d2\n\tmov %[r1], v2.d[1]"                          \
                         : [r0] "=&r"(r0), [r1] "=&r"(r1), [s] "=&r"(*fpsr)              \
                         : [n0] "r"(n.lo), [n1] "r"(n.hi), [m0] "r"(m.lo), [m1] "r"(m.hi), \
                           [d0] "r"(d.lo), [d1] "r"(d.hi), [c] "r"(fpcr)                 \
                         : "v0", "v1", "v2");                                            \
        return (v128){ r0, r1 };                                                         \
    }

OP3(fadd_4s, "fadd v2.4s, v0.4s, v1.4s")
OP3(fsub_4s, "fsub v2.4s, v0.4s, v1.4s")
OP3(fmul_4s, "fmul v2.4s, v0.4s, v1.4s")
OP3(fdiv_4s, "fdiv v2.4s, v0.4s, v1.4s")
OP3(fmla_4s, "fmla v2.4s, v0.4s, v1.4s")
OP3(fmls_4s, "fmls v2.4s, v0.4s, v1.4s")
OP3(fadd_2s, "fadd v2.2s, v0.2s, v1.2s")
OP3(fdiv_2s, "fdiv v2.2s, v0.2s, v1.2s")
OP3(fmla_2s, "fmla v2.2s, v0.2s, v1.2s")
OP3(fmls_2s, "fmls v2.2s, v0.2s, v1.2s")
OP3(fmul_2s, "fmul v2.2s, v0.2s, v1.2s")
OP3(fadd_2d, "fadd v2.2d, v0.2d, v1.2d")
OP3(fsub_2d, "fsub v2.2d, v0.2d, v1.2d")
OP3(fmul_2d, "fmul v2.2d, v0.2d, v1.2d")
OP3(fdiv_2d, "fdiv v2.2d, v0.2d, v1.2d")
OP3(fmla_2d, "fmla v2.2d, v0.2d, v1.2d")
OP3(fmls_2d, "fmls v2.2d, v0.2d, v1.2d")
OP3(fmul_e4s, "fmul v2.4s, v0.4s, v1.s[1]")
OP3(fmla_e4s, "fmla v2.4s, v0.4s, v1.s[2]")
OP3(fmls_e4s, "fmls v2.4s, v0.4s, v1.s[3]")
OP3(fmla_e2s, "fmla v2.2s, v0.2s, v1.s[0]")
OP3(fmul_e2d, "fmul v2.2d, v0.2d, v1.d[1]")
OP3(fmla_e2d, "fmla v2.2d, v0.2d, v1.d[0]")
OP3(fmls_e2d, "fmls v2.2d, v0.2d, v1.d[1]")
OP3(fmul_s, "fmul s2, s0, s1")
OP3(fnmul_s, "fnmul s2, s0, s1")
OP3(fdiv_s, "fdiv s2, s0, s1")
OP3(fmadd_s, "fmadd s2, s0, s1, s2")
OP3(fnmsub_s, "fnmsub s2, s0, s1, s2")
OP3(fmul_d, "fmul d2, d0, d1")
OP3(fdiv_d, "fdiv d2, d0, d1")
OP3(fmsub_d, "fmsub d2, d0, d1, d2")
OP3(fcvt_sd, "fcvt s2, d0")
OP3(fcvtn_2s, "fcvtn v2.2s, v0.2d")
OP3(scvtf_4s, "scvtf v2.4s, v0.4s")
OP3(scvtf_2s, "scvtf v2.2s, v0.2s")
OP3(fcvtzs_4s, "fcvtzs v2.4s, v0.4s")
OP3(fcvtzs_2s, "fcvtzs v2.2s, v0.2s")
OP3(fsqrt_4s, "fsqrt v2.4s, v0.4s")
OP3(fsqrt_2s, "fsqrt v2.2s, v0.2s")
OP3(fsqrt_2d, "fsqrt v2.2d, v0.2d")
OP3(fmax_4s, "fmax v2.4s, v0.4s, v1.4s")
OP3(fmax_2s, "fmax v2.2s, v0.2s, v1.2s")
OP3(fmax_2d, "fmax v2.2d, v0.2d, v1.2d")
OP3(fmin_4s, "fmin v2.4s, v0.4s, v1.4s")
OP3(fmin_2s, "fmin v2.2s, v0.2s, v1.2s")
OP3(fmin_2d, "fmin v2.2d, v0.2d, v1.2d")
OP3(fmaxnm_4s, "fmaxnm v2.4s, v0.4s, v1.4s")
OP3(fmaxnm_2s, "fmaxnm v2.2s, v0.2s, v1.2s")
OP3(fmaxnm_2d, "fmaxnm v2.2d, v0.2d, v1.2d")
OP3(fminnm_4s, "fminnm v2.4s, v0.4s, v1.4s")
OP3(fminnm_2s, "fminnm v2.2s, v0.2s, v1.2s")
OP3(fminnm_2d, "fminnm v2.2d, v0.2d, v1.2d")
OP3(fcmeq_4s, "fcmeq v2.4s, v0.4s, v1.4s")
OP3(fcmeq_2s, "fcmeq v2.2s, v0.2s, v1.2s")
OP3(fcmeq_2d, "fcmeq v2.2d, v0.2d, v1.2d")
OP3(fcmge_4s, "fcmge v2.4s, v0.4s, v1.4s")
OP3(fcmge_2s, "fcmge v2.2s, v0.2s, v1.2s")
OP3(fcmge_2d, "fcmge v2.2d, v0.2d, v1.2d")
OP3(fcmgt_4s, "fcmgt v2.4s, v0.4s, v1.4s")
OP3(fcmgt_2s, "fcmgt v2.2s, v0.2s, v1.2s")
OP3(fcmgt_2d, "fcmgt v2.2d, v0.2d, v1.2d")

typedef v128 (*op_fn)(v128, v128, v128, uint64_t, uint64_t *);
struct op { const char *name; op_fn fn; int dbl, half; };
static const struct op ops[] = {
    { "fadd.4s", fadd_4s, 0, 0 }, { "fsub.4s", fsub_4s, 0, 0 }, { "fmul.4s", fmul_4s, 0, 0 },
    { "fdiv.4s", fdiv_4s, 0, 0 }, { "fmla.4s", fmla_4s, 0, 0 }, { "fmls.4s", fmls_4s, 0, 0 },
    { "fadd.2s", fadd_2s, 0, 1 }, { "fdiv.2s", fdiv_2s, 0, 1 }, { "fmla.2s", fmla_2s, 0, 1 },
    { "fmls.2s", fmls_2s, 0, 1 }, { "fmul.2s", fmul_2s, 0, 1 },
    { "fadd.2d", fadd_2d, 1, 0 }, { "fsub.2d", fsub_2d, 1, 0 }, { "fmul.2d", fmul_2d, 1, 0 },
    { "fdiv.2d", fdiv_2d, 1, 0 }, { "fmla.2d", fmla_2d, 1, 0 }, { "fmls.2d", fmls_2d, 1, 0 },
    { "fmul.e4s", fmul_e4s, 0, 0 }, { "fmla.e4s", fmla_e4s, 0, 0 },
    { "fmls.e4s", fmls_e4s, 0, 0 }, { "fmla.e2s", fmla_e2s, 0, 1 },
    { "fmul.e2d", fmul_e2d, 1, 0 }, { "fmla.e2d", fmla_e2d, 1, 0 }, { "fmls.e2d", fmls_e2d, 1, 0 },
    { "fmul.s", fmul_s, 0, 0 }, { "fnmul.s", fnmul_s, 0, 0 }, { "fdiv.s", fdiv_s, 0, 0 },
    { "fmadd.s", fmadd_s, 0, 0 }, { "fnmsub.s", fnmsub_s, 0, 0 }, { "fmul.d", fmul_d, 1, 0 },
    { "fdiv.d", fdiv_d, 1, 0 }, { "fmsub.d", fmsub_d, 1, 0 }, { "fcvt.sd", fcvt_sd, 1, 0 },
    { "fcvtn.2s", fcvtn_2s, 1, 0 },
    { "scvtf.4s", scvtf_4s, 0, 0 }, { "scvtf.2s", scvtf_2s, 0, 1 }, { "fcvtzs.4s", fcvtzs_4s, 0, 0 }, { "fcvtzs.2s", fcvtzs_2s, 0, 1 },
    { "fsqrt.4s", fsqrt_4s, 0, 0 }, { "fsqrt.2s", fsqrt_2s, 0, 1 }, { "fsqrt.2d", fsqrt_2d, 1, 0 },
    { "fmax.4s", fmax_4s, 0, 0 }, { "fmax.2s", fmax_2s, 0, 1 }, { "fmax.2d", fmax_2d, 1, 0 },
    { "fmin.4s", fmin_4s, 0, 0 }, { "fmin.2s", fmin_2s, 0, 1 }, { "fmin.2d", fmin_2d, 1, 0 },
    { "fmaxnm.4s", fmaxnm_4s, 0, 0 }, { "fmaxnm.2s", fmaxnm_2s, 0, 1 },
    { "fmaxnm.2d", fmaxnm_2d, 1, 0 }, { "fminnm.4s", fminnm_4s, 0, 0 },
    { "fminnm.2s", fminnm_2s, 0, 1 }, { "fminnm.2d", fminnm_2d, 1, 0 },
    { "fcmeq.4s", fcmeq_4s, 0, 0 }, { "fcmeq.2s", fcmeq_2s, 0, 1 },
    { "fcmeq.2d", fcmeq_2d, 1, 0 }, { "fcmge.4s", fcmge_4s, 0, 0 },
    { "fcmge.2s", fcmge_2s, 0, 1 }, { "fcmge.2d", fcmge_2d, 1, 0 },
    { "fcmgt.4s", fcmgt_4s, 0, 0 }, { "fcmgt.2s", fcmgt_2s, 0, 1 },
    { "fcmgt.2d", fcmgt_2d, 1, 0 },
};

static uint64_t pack_s(uint32_t a, uint32_t b)
{
    return (uint64_t)b << 32 | a;
}

/* the lanes of one case: single lanes pick from fs, double from fd, by a
 * counter that walks every pair and triple over the rounds */
static v128 vec(const struct op *o, unsigned i0, unsigned i1, unsigned i2, unsigned i3,
                int upper_snan)
{
    if (o->dbl)
        return (v128){ fd[i0 % ND], fd[i1 % ND] };
    v128 v = { pack_s(fs[i0 % NS], fs[i1 % NS]), pack_s(fs[i2 % NS], fs[i3 % NS]) };
    if (o->half && upper_snan)
        v.hi = SNAN_PAIR;
    return v;
}

int main(void)
{
    unsigned long sum_cases = 0;
    uint64_t acc_fpsr = 0;

    for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
        const struct op *o = &ops[k];
        unsigned n = o->dbl ? ND : NS;
        for (size_t mode = 0; mode < sizeof(fpcr_modes) / sizeof(fpcr_modes[0]); mode++) {
            /* all pairs in lane 0; the other lanes get rotated companions */
            for (unsigned a = 0; a < n; a++) {
                for (unsigned b = 0; b < n; b++) {
                    unsigned c = (a * 7 + b * 3) % n;
                    uint64_t fpsr;
                    v128 vn = vec(o, a, b + 1, a + 2, b + 5, 1);
                    v128 vm = vec(o, b, a + 3, b + 4, a + 1, 1);
                    v128 vd = vec(o, c, c + 1, c + 6, c + 2, 0);
                    v128 r = o->fn(vn, vm, vd, fpcr_modes[mode], &fpsr);
                    printf("%s m%zu %u %u: %016llx %016llx fpsr %llx\n", o->name, mode, a, b,
                           (unsigned long long)r.hi, (unsigned long long)r.lo,
                           (unsigned long long)fpsr);
                    acc_fpsr |= fpsr;
                    sum_cases++;
                }
            }
        }
    }
    printf("%lu cases, fpsr bits seen %llx\n", sum_cases, (unsigned long long)acc_fpsr);
    return 0;
}
