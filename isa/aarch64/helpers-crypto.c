/*
 * Cryptographic extension (FEAT_AES, FEAT_PMULL, FEAT_SHA1, FEAT_SHA256):
 * AESE/AESD/AESMC/AESIMC, SHA1C/P/M/H/SU0/SU1, SHA256H/H2/SU0/SU1, and the
 * 64x64 carry-less multiply behind PMULL.  The operations follow the Arm ARM
 * pseudocode (shared/functions/crypto); the AES S-boxes are derived from
 * GF(2^8) inversion and the FIPS-197 affine map rather than transcribed.
 */
#include "isa/aarch64/simd.h"

#include <pthread.h>

static uint8_t sbox[256], inv_sbox[256];

static uint8_t gf_mul(uint8_t a, uint8_t b)
{
    uint8_t r = 0;
    while (b) {
        if (b & 1)
            r ^= a;
        a = (uint8_t)((a << 1) ^ ((a & 0x80) ? 0x1b : 0));
        b >>= 1;
    }
    return r;
}

static uint8_t rotl8(uint8_t x, unsigned n)
{
    return (uint8_t)((x << n) | (x >> (8 - n)));
}

/*
 * Built on the first AES instruction, not before main: every process paid
 * ~0.5 ms for it at start-up when the inverses were found by search.  The
 * inverse is exp(255 - log x) over the generator 3 of GF(2^8)*.
 */
static pthread_once_t sbox_once = PTHREAD_ONCE_INIT;

static void sbox_init(void)
{
    uint8_t exp[255], log[256] = { 0 }, x = 1;

    for (unsigned i = 0; i < 255; i++) {
        exp[i] = x;
        log[x] = (uint8_t)i;
        x = gf_mul(x, 3);
    }
    for (unsigned v = 0; v < 256; v++) {
        uint8_t inv = v ? exp[(255 - log[v]) % 255] : 0;
        uint8_t s = inv ^ rotl8(inv, 1) ^ rotl8(inv, 2) ^ rotl8(inv, 3) ^ rotl8(inv, 4) ^ 0x63;
        sbox[v] = s;
        inv_sbox[s] = (uint8_t)v;
    }
}

static void mix_column(uint8_t *col, bool inverse)
{
    static const uint8_t fwd[4] = { 2, 3, 1, 1 }, inv[4] = { 14, 11, 13, 9 };
    const uint8_t *k = inverse ? inv : fwd;
    uint8_t in[4], out[4];
    memcpy(in, col, 4);
    for (unsigned r = 0; r < 4; r++) {
        out[r] = 0;
        for (unsigned j = 0; j < 4; j++)
            out[r] ^= gf_mul(in[(r + j) % 4], k[j]);
    }
    memcpy(col, out, 4);
}

bool simd_crypto_aes(struct a64_cpu *c, uint32_t insn)
{
    unsigned op = (insn >> 12) & 31;
    if (f_size(insn) != 0 || op < 4 || op > 7)
        return false;
    union a64_vec n = vec_read(c, f_rn(insn)), d = vec_read(c, f_rd(insn)), r;
    pthread_once(&sbox_once, sbox_init);
    if (op <= 5) {              /* AESE, AESD: AddRoundKey, (Inv)ShiftRows, (Inv)SubBytes */
        union a64_vec s;
        for (unsigned i = 0; i < 16; i++)
            s.b[i] = n.b[i] ^ d.b[i];
        for (unsigned col = 0; col < 4; col++)
            for (unsigned row = 0; row < 4; row++) {
                if (op == 4)
                    r.b[row + 4 * col] = sbox[s.b[row + 4 * ((col + row) % 4)]];
                else
                    r.b[row + 4 * ((col + row) % 4)] = inv_sbox[s.b[row + 4 * col]];
            }
    } else {                    /* AESMC, AESIMC */
        r = n;
        for (unsigned col = 0; col < 4; col++)
            mix_column(&r.b[4 * col], op == 7);
    }
    vec_write(c, f_rd(insn), &r);
    return true;
}

uint64_t simd_clmul64(uint64_t a, uint64_t b, uint64_t *hi)
{
    uint64_t lo = 0, h = 0;
    for (unsigned i = 0; i < 64; i++)
        if (b & (1ull << i)) {
            lo ^= a << i;
            if (i)
                h ^= a >> (64 - i);
        }
    *hi = h;
    return lo;
}

static uint32_t rol32(uint32_t x, unsigned n)
{
    return (x << n) | (x >> ((32 - n) & 31));
}

static uint32_t ror32(uint32_t x, unsigned n)
{
    return (x >> n) | (x << ((32 - n) & 31));
}

static uint32_t sha_choose(uint32_t x, uint32_t y, uint32_t z)
{
    return ((y ^ z) & x) ^ z;
}

static uint32_t sha_majority(uint32_t x, uint32_t y, uint32_t z)
{
    return (x & y) | ((x | y) & z);
}

static uint32_t sha_parity(uint32_t x, uint32_t y, uint32_t z)
{
    return x ^ y ^ z;
}

/* SHA1C/P/M: four rounds on X (abcd) and Y (e) with the words of W */
static void sha1_rounds(union a64_vec *x, uint32_t y, const union a64_vec *w, unsigned kind)
{
    for (unsigned e = 0; e < 4; e++) {
        uint32_t t = kind == 0 ? sha_choose(x->s[1], x->s[2], x->s[3])
                   : kind == 1 ? sha_parity(x->s[1], x->s[2], x->s[3])
                               : sha_majority(x->s[1], x->s[2], x->s[3]);
        y = y + rol32(x->s[0], 5) + t + w->s[e];
        x->s[1] = rol32(x->s[1], 30);
        /* <Y, X> = ROL(Y:X, 32) */
        uint32_t top = x->s[3];
        x->s[3] = x->s[2];
        x->s[2] = x->s[1];
        x->s[1] = x->s[0];
        x->s[0] = y;
        y = top;
    }
}

static uint32_t sigma_big0(uint32_t x)
{
    return ror32(x, 2) ^ ror32(x, 13) ^ ror32(x, 22);
}

static uint32_t sigma_big1(uint32_t x)
{
    return ror32(x, 6) ^ ror32(x, 11) ^ ror32(x, 25);
}

static union a64_vec sha256_hash(union a64_vec x, union a64_vec y, const union a64_vec *w,
                                 bool part1)
{
    for (unsigned e = 0; e < 4; e++) {
        uint32_t chs = sha_choose(y.s[0], y.s[1], y.s[2]);
        uint32_t maj = sha_majority(x.s[0], x.s[1], x.s[2]);
        uint32_t t = y.s[3] + sigma_big1(y.s[0]) + chs + w->s[e];
        x.s[3] = t + x.s[3];
        y.s[3] = t + sigma_big0(x.s[0]) + maj;
        /* <Y, X> = ROL(Y:X, 32) */
        uint32_t xt = x.s[3], yt = y.s[3];
        for (unsigned i = 3; i > 0; i--) {
            x.s[i] = x.s[i - 1];
            y.s[i] = y.s[i - 1];
        }
        x.s[0] = yt;
        y.s[0] = xt;
    }
    return part1 ? x : y;
}

bool simd_crypto_sha3reg(struct a64_cpu *c, uint32_t insn)
{
    unsigned op = (insn >> 12) & 7;
    if (f_size(insn) != 0 || op == 7)
        return false;
    union a64_vec d = vec_read(c, f_rd(insn)), n = vec_read(c, f_rn(insn));
    union a64_vec m = vec_read(c, f_rm(insn)), r = { 0 };
    switch (op) {
    case 0: case 1: case 2:     /* SHA1C, SHA1P, SHA1M */
        r = d;
        sha1_rounds(&r, n.s[0], &m, op);
        break;
    case 3:                     /* SHA1SU0 */
        r.d[0] = d.d[1] ^ d.d[0] ^ m.d[0];
        r.d[1] = n.d[0] ^ d.d[1] ^ m.d[1];
        break;
    case 4: r = sha256_hash(d, n, &m, true); break;        /* SHA256H */
    case 5: r = sha256_hash(n, d, &m, false); break;       /* SHA256H2 */
    default: {                  /* SHA256SU1 */
        uint32_t t0[4] = { n.s[1], n.s[2], n.s[3], m.s[0] };
        for (unsigned e = 0; e < 4; e++) {
            uint32_t elt = e < 2 ? m.s[2 + e] : r.s[e - 2];
            elt = ror32(elt, 17) ^ ror32(elt, 19) ^ (elt >> 10);
            r.s[e] = elt + d.s[e] + t0[e];
        }
        break;
    }
    }
    vec_write(c, f_rd(insn), &r);
    return true;
}

bool simd_crypto_sha2reg(struct a64_cpu *c, uint32_t insn)
{
    unsigned op = (insn >> 12) & 31;
    if (f_size(insn) != 0 || op > 2)
        return false;
    union a64_vec d = vec_read(c, f_rd(insn)), n = vec_read(c, f_rn(insn)), r = { 0 };
    switch (op) {
    case 0:                     /* SHA1H */
        r.s[0] = rol32(n.s[0], 30);
        break;
    case 1: {                   /* SHA1SU1 */
        uint32_t t[4] = { d.s[0] ^ n.s[1], d.s[1] ^ n.s[2], d.s[2] ^ n.s[3], d.s[3] };
        for (unsigned e = 0; e < 4; e++)
            r.s[e] = rol32(t[e], 1);
        r.s[3] ^= rol32(t[0], 2);
        break;
    }
    default: {                  /* SHA256SU0 */
        uint32_t t[4] = { d.s[1], d.s[2], d.s[3], n.s[0] };
        for (unsigned e = 0; e < 4; e++) {
            uint32_t elt = t[e];
            elt = ror32(elt, 7) ^ ror32(elt, 18) ^ (elt >> 3);
            r.s[e] = elt + d.s[e];
        }
        break;
    }
    }
    vec_write(c, f_rd(insn), &r);
    return true;
}
