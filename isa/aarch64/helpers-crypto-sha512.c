/*
 * FEAT_SHA512 (SHA512H, SHA512H2, SHA512SU0, SHA512SU1) and FEAT_SHA3
 * (EOR3, RAX1, XAR, BCAX), as the Arm ARM's pseudocode defines them: each
 * SHA512 instruction does half of two rounds (or of the schedule update) on
 * 64-bit lanes, element 1 first where one half feeds the other.
 */
#include "isa/aarch64/simd.h"

static uint64_t ror64(uint64_t x, unsigned n)
{
    return n ? x >> n | x << (64 - n) : x;
}

static uint64_t sigma1_big(uint64_t x)
{
    return ror64(x, 14) ^ ror64(x, 18) ^ ror64(x, 41);
}

static uint64_t sigma0_big(uint64_t x)
{
    return ror64(x, 28) ^ ror64(x, 34) ^ ror64(x, 39);
}

/* Cryptographic three-register SHA512: SHA512H, SHA512H2, SHA512SU1, RAX1 */
bool simd_crypto_sha512_3(struct a64_cpu *c, uint32_t insn)
{
    union a64_vec x = vec_read(c, f_rn(insn)), y = vec_read(c, f_rm(insn));
    union a64_vec w = vec_read(c, f_rd(insn)), r;

    switch ((insn >> 10) & 3) {
    case 0: {                   /* SHA512H Qd, Qn, Vm.2D */
        uint64_t hi = (y.d[1] & x.d[0]) ^ (~y.d[1] & x.d[1]);
        hi += sigma1_big(y.d[1]) + w.d[1];
        uint64_t t = hi + y.d[0];
        r.d[1] = hi;
        r.d[0] = ((t & y.d[1]) ^ (~t & x.d[0])) + sigma1_big(t) + w.d[0];
        break;
    }
    case 1: {                   /* SHA512H2 Qd, Qn, Vm.2D */
        uint64_t hi = (x.d[0] & y.d[1]) ^ (x.d[0] & y.d[0]) ^ (y.d[1] & y.d[0]);
        hi += sigma0_big(y.d[0]) + w.d[1];
        r.d[1] = hi;
        r.d[0] = ((hi & y.d[0]) ^ (hi & y.d[1]) ^ (y.d[1] & y.d[0])) + sigma0_big(hi) + w.d[0];
        break;
    }
    case 2:                     /* SHA512SU1 Vd.2D, Vn.2D, Vm.2D */
        for (unsigned e = 0; e < 2; e++) {
            uint64_t s1 = ror64(x.d[e], 19) ^ ror64(x.d[e], 61) ^ (x.d[e] >> 6);
            r.d[e] = w.d[e] + s1 + y.d[e];
        }
        break;
    default:                    /* RAX1 Vd.2D, Vn.2D, Vm.2D */
        for (unsigned e = 0; e < 2; e++)
            r.d[e] = x.d[e] ^ ror64(y.d[e], 63);
        break;
    }
    vec_write(c, f_rd(insn), &r);
    return true;
}

/* Cryptographic two-register SHA512: SHA512SU0 (SM4E is not implemented) */
bool simd_crypto_sha512_2(struct a64_cpu *c, uint32_t insn)
{
    if ((insn >> 10) & 3)
        return false;
    union a64_vec w = vec_read(c, f_rd(insn)), x = vec_read(c, f_rn(insn)), r;
    uint64_t s0 = ror64(w.d[1], 1) ^ ror64(w.d[1], 8) ^ (w.d[1] >> 7);

    r.d[0] = w.d[0] + s0;
    s0 = ror64(x.d[0], 1) ^ ror64(x.d[0], 8) ^ (x.d[0] >> 7);
    r.d[1] = w.d[1] + s0;
    vec_write(c, f_rd(insn), &r);
    return true;
}

/* Cryptographic four-register: EOR3, BCAX (SM3SS1 is not implemented) */
bool simd_crypto_four(struct a64_cpu *c, uint32_t insn)
{
    unsigned op0 = (insn >> 21) & 3;
    if (op0 > 1)
        return false;
    union a64_vec n = vec_read(c, f_rn(insn)), m = vec_read(c, f_rm(insn));
    union a64_vec a = vec_read(c, (insn >> 10) & 31), r;

    for (unsigned e = 0; e < 2; e++)
        r.d[e] = op0 == 0 ? n.d[e] ^ m.d[e] ^ a.d[e] : n.d[e] ^ (m.d[e] & ~a.d[e]);
    vec_write(c, f_rd(insn), &r);
    return true;
}

/* XAR Vd.2D, Vn.2D, Vm.2D, #imm6 */
bool simd_crypto_xar(struct a64_cpu *c, uint32_t insn)
{
    union a64_vec n = vec_read(c, f_rn(insn)), m = vec_read(c, f_rm(insn)), r;
    unsigned imm6 = (insn >> 10) & 63;

    for (unsigned e = 0; e < 2; e++)
        r.d[e] = ror64(n.d[e] ^ m.d[e], imm6);
    vec_write(c, f_rd(insn), &r);
    return true;
}
