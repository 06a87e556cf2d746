/*
 * SHA-512 and SHA-3 with the ARMv8.2 crypto extensions against portable C.
 * SHA-512 blocks go through vsha512hq/vsha512h2q/vsha512su0q/vsha512su1q;
 * Keccak-f[1600] (SHA3-256 and SHA3-512) through veor3q/vrax1q/vxarq/
 * vbcaxq, two independent states side by side in the 64-bit lanes.  The
 * messages are the FIPS 180/202 examples, a million 'a', every length up to
 * 300 bytes and a 1 MiB buffer.  On aarch64 both paths run and are
 * compared; elsewhere the C path stands in for the instructions, so the
 * printed digests must be the same everywhere.
 */
#ifdef __aarch64__
/* the progs-a64 suite builds with -march=armv8-a+crypto+crc */
#pragma GCC target("arch=armv8.2-a+crypto+sha3")
#include <arm_neon.h>
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int mismatches;

static uint64_t ror64(uint64_t x, unsigned n) { return n ? x >> n | x << (64 - n) : x; }
static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* ---- SHA-512 (FIPS 180-4 6.4) ---- */
/* first 64 bits of the fractional parts of the cube roots of the first 80 primes */
static const uint64_t K5[80] = {
    0x428a2f98d728ae22ull, 0x7137449123ef65cdull, 0xb5c0fbcfec4d3b2full,
    0xe9b5dba58189dbbcull, 0x3956c25bf348b538ull, 0x59f111f1b605d019ull,
    0x923f82a4af194f9bull, 0xab1c5ed5da6d8118ull, 0xd807aa98a3030242ull,
    0x12835b0145706fbeull, 0x243185be4ee4b28cull, 0x550c7dc3d5ffb4e2ull,
    0x72be5d74f27b896full, 0x80deb1fe3b1696b1ull, 0x9bdc06a725c71235ull,
    0xc19bf174cf692694ull, 0xe49b69c19ef14ad2ull, 0xefbe4786384f25e3ull,
    0x0fc19dc68b8cd5b5ull, 0x240ca1cc77ac9c65ull, 0x2de92c6f592b0275ull,
    0x4a7484aa6ea6e483ull, 0x5cb0a9dcbd41fbd4ull, 0x76f988da831153b5ull,
    0x983e5152ee66dfabull, 0xa831c66d2db43210ull, 0xb00327c898fb213full,
    0xbf597fc7beef0ee4ull, 0xc6e00bf33da88fc2ull, 0xd5a79147930aa725ull,
    0x06ca6351e003826full, 0x142929670a0e6e70ull, 0x27b70a8546d22ffcull,
    0x2e1b21385c26c926ull, 0x4d2c6dfc5ac42aedull, 0x53380d139d95b3dfull,
    0x650a73548baf63deull, 0x766a0abb3c77b2a8ull, 0x81c2c92e47edaee6ull,
    0x92722c851482353bull, 0xa2bfe8a14cf10364ull, 0xa81a664bbc423001ull,
    0xc24b8b70d0f89791ull, 0xc76c51a30654be30ull, 0xd192e819d6ef5218ull,
    0xd69906245565a910ull, 0xf40e35855771202aull, 0x106aa07032bbd1b8ull,
    0x19a4c116b8d2d0c8ull, 0x1e376c085141ab53ull, 0x2748774cdf8eeb99ull,
    0x34b0bcb5e19b48a8ull, 0x391c0cb3c5c95a63ull, 0x4ed8aa4ae3418acbull,
    0x5b9cca4f7763e373ull, 0x682e6ff3d6b2b8a3ull, 0x748f82ee5defb2fcull,
    0x78a5636f43172f60ull, 0x84c87814a1f0ab72ull, 0x8cc702081a6439ecull,
    0x90befffa23631e28ull, 0xa4506cebde82bde9ull, 0xbef9a3f7b2c67915ull,
    0xc67178f2e372532bull, 0xca273eceea26619cull, 0xd186b8c721c0c207ull,
    0xeada7dd6cde0eb1eull, 0xf57d4f7fee6ed178ull, 0x06f067aa72176fbaull,
    0x0a637dc5a2c898a6ull, 0x113f9804bef90daeull, 0x1b710b35131c471bull,
    0x28db77f523047d84ull, 0x32caab7b40c72493ull, 0x3c9ebe0a15c9bebcull,
    0x431d67c49c100d4cull, 0x4cc5d4becb3e42b6ull, 0x597f299cfc657e2aull,
    0x5fcb6fab3ad6faecull, 0x6c44198c4a475817ull,
};

static void sha512_block_ref(uint64_t h[8], const uint8_t *p)
{
    uint64_t w[80], s[8];
    for (int i = 0; i < 16; i++)
        w[i] = be64(p + 8 * i);
    for (int i = 16; i < 80; i++)
        w[i] = w[i - 16] + (ror64(w[i - 15], 1) ^ ror64(w[i - 15], 8) ^ w[i - 15] >> 7) +
               w[i - 7] + (ror64(w[i - 2], 19) ^ ror64(w[i - 2], 61) ^ w[i - 2] >> 6);
    memcpy(s, h, sizeof(s));
    for (int i = 0; i < 80; i++) {
        uint64_t t1 = s[7] + (ror64(s[4], 14) ^ ror64(s[4], 18) ^ ror64(s[4], 41)) +
                      ((s[4] & s[5]) ^ (~s[4] & s[6])) + K5[i] + w[i];
        uint64_t t2 = (ror64(s[0], 28) ^ ror64(s[0], 34) ^ ror64(s[0], 39)) +
                      ((s[0] & s[1]) ^ (s[0] & s[2]) ^ (s[1] & s[2]));
        memmove(s + 1, s, 7 * sizeof(s[0]));
        s[4] += t1;
        s[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++)
        h[i] += s[i];
}

/*
 * Two rounds per step.  The working variables live in pairs, element 0
 * first: ab = {a, b}, cd = {c, d}, ef = {e, f}, gh = {g, h}.  SHA512H takes
 * {f, g} and {d, e} and, in its destination, h and g each plus K[t] + W[t]
 * of their round; it returns the two rounds' T1 values (the second round's
 * in element 0).  Adding {c, d} to those gives the new {e, f}; SHA512H2
 * turns them, with c and {a, b}, into the new {a, b}.
 */
static void sha512_block_hw(uint64_t h[8], const uint8_t *p)
{
#ifdef __aarch64__
    uint64x2_t ab = vld1q_u64(h), cd = vld1q_u64(h + 2), ef = vld1q_u64(h + 4);
    uint64x2_t gh = vld1q_u64(h + 6), w[8];
    for (int i = 0; i < 8; i++)
        w[i] = vreinterpretq_u64_u8(vrev64q_u8(vld1q_u8(p + 16 * i)));
    for (int i = 0; i < 40; i++) {
        uint64x2_t wk = vaddq_u64(w[i % 8], vld1q_u64(K5 + 2 * i));
        uint64x2_t hk = vaddq_u64(gh, vextq_u64(wk, wk, 1));
        uint64x2_t t1 = vsha512hq_u64(hk, vextq_u64(ef, gh, 1), vextq_u64(cd, ef, 1));
        uint64x2_t ef2 = vaddq_u64(cd, t1);
        uint64x2_t ab2 = vsha512h2q_u64(t1, cd, ab);
        gh = ef;
        ef = ef2;
        cd = ab;
        ab = ab2;
        /* W[2i+16], W[2i+17] from W[2i..2i+2], W[2i+9..2i+10], W[2i+14..2i+15] */
        w[i % 8] = vsha512su1q_u64(vsha512su0q_u64(w[i % 8], w[(i + 1) % 8]), w[(i + 7) % 8],
                                   vextq_u64(w[(i + 4) % 8], w[(i + 5) % 8], 1));
    }
    vst1q_u64(h, vaddq_u64(ab, vld1q_u64(h)));
    vst1q_u64(h + 2, vaddq_u64(cd, vld1q_u64(h + 2)));
    vst1q_u64(h + 4, vaddq_u64(ef, vld1q_u64(h + 4)));
    vst1q_u64(h + 6, vaddq_u64(gh, vld1q_u64(h + 6)));
#else
    sha512_block_ref(h, p);
#endif
}

static void sha512(void (*block)(uint64_t *, const uint8_t *), uint64_t h[8], const uint8_t *msg,
                   size_t len)
{
    /* first 64 bits of the fractional parts of the square roots of the first 8 primes */
    static const uint64_t iv[8] = {
        0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull,
        0xa54ff53a5f1d36f1ull, 0x510e527fade682d1ull, 0x9b05688c2b3e6c1full,
        0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull,
    };
    memcpy(h, iv, sizeof(iv));
    size_t i = 0;
    for (; i + 128 <= len; i += 128)
        block(h, msg + i);
    uint8_t tail[256] = { 0 };
    size_t r = len - i, n = r < 112 ? 128 : 256;
    memcpy(tail, msg + i, r);
    tail[r] = 0x80;
    /* a 128-bit length whose upper half is zero here */
    for (int k = 0; k < 8; k++)
        tail[n - 1 - k] = (uint8_t)((uint64_t)len * 8 >> (8 * k));
    block(h, tail);
    if (n == 256)
        block(h, tail + 128);
}

/* ---- Keccak-f[1600] (FIPS 202 3.2), lane A[x + 5y] ---- */
static uint64_t keccak_rc[24];
static unsigned keccak_rho[25];

/* the round constants (rc(t), Algorithm 5) and rotation offsets (3.2.2),
 * computed rather than tabled so the reference does not share a table with
 * the instruction path's immediates */
static void keccak_init(void)
{
    unsigned lfsr = 1;
    for (int r = 0; r < 24; r++) {
        uint64_t rc = 0;
        for (int j = 0; j < 7; j++) {
            if (lfsr & 1)
                rc |= 1ull << ((1u << j) - 1);
            lfsr = lfsr & 0x80 ? (lfsr << 1) ^ 0x171 : lfsr << 1;
        }
        keccak_rc[r] = rc;
    }
    unsigned x = 1, y = 0;
    for (unsigned t = 0; t < 24; t++) {
        keccak_rho[x + 5 * y] = ((t + 1) * (t + 2) / 2) % 64;
        unsigned nx = y, ny = (2 * x + 3 * y) % 5;
        x = nx;
        y = ny;
    }
}

static void keccak_ref(uint64_t a[25])
{
    for (int r = 0; r < 24; r++) {
        uint64_t c[5], b[25];
        for (int x = 0; x < 5; x++)
            c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        for (int x = 0; x < 5; x++) {
            uint64_t d = c[(x + 4) % 5] ^ ror64(c[(x + 1) % 5], 63);
            for (int y = 0; y < 5; y++)
                a[x + 5 * y] ^= d;
        }
        for (int x = 0; x < 5; x++)
            for (int y = 0; y < 5; y++)
                b[y + 5 * ((2 * x + 3 * y) % 5)] = ror64(a[x + 5 * y], (64 - keccak_rho[x + 5 * y]) % 64);
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 5; x++)
                a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
        a[0] ^= keccak_rc[r];
    }
}

#ifdef __aarch64__
/* rho and pi of lane (x, y) with its theta column term; XAR rotates right */
#define RHO_PI(x, y, rot) \
    b[(y) + 5 * ((2 * (x) + 3 * (y)) % 5)] = vxarq_u64(s[(x) + 5 * (y)], d[x], (64 - (rot)) % 64)

/* two states: element e of s[i] is lane i of state e */
static void keccak_x2_hw(uint64x2_t s[25])
{
    for (int r = 0; r < 24; r++) {
        uint64x2_t c[5], d[5], b[25];
        for (int x = 0; x < 5; x++)
            c[x] = veor3q_u64(veor3q_u64(s[x], s[x + 5], s[x + 10]), s[x + 15], s[x + 20]);
        for (int x = 0; x < 5; x++)
            d[x] = vrax1q_u64(c[(x + 4) % 5], c[(x + 1) % 5]);
        RHO_PI(0, 0, 0);   RHO_PI(1, 0, 1);   RHO_PI(2, 0, 62);  RHO_PI(3, 0, 28);  RHO_PI(4, 0, 27);
        RHO_PI(0, 1, 36);  RHO_PI(1, 1, 44);  RHO_PI(2, 1, 6);   RHO_PI(3, 1, 55);  RHO_PI(4, 1, 20);
        RHO_PI(0, 2, 3);   RHO_PI(1, 2, 10);  RHO_PI(2, 2, 43);  RHO_PI(3, 2, 25);  RHO_PI(4, 2, 39);
        RHO_PI(0, 3, 41);  RHO_PI(1, 3, 45);  RHO_PI(2, 3, 15);  RHO_PI(3, 3, 21);  RHO_PI(4, 3, 8);
        RHO_PI(0, 4, 18);  RHO_PI(1, 4, 2);   RHO_PI(2, 4, 61);  RHO_PI(3, 4, 56);  RHO_PI(4, 4, 14);
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 5; x++)
                s[x + 5 * y] = vbcaxq_u64(b[x + 5 * y], b[(x + 2) % 5 + 5 * y],
                                          b[(x + 1) % 5 + 5 * y]);
        s[0] = veorq_u64(s[0], vdupq_n_u64(keccak_rc[r]));
    }
}
#endif

/* the permutation of two states at once: with the instructions on aarch64 */
static void keccak_x2(uint64_t a0[25], uint64_t a1[25], int hw)
{
#ifdef __aarch64__
    if (hw) {
        uint64x2_t s[25];
        for (int i = 0; i < 25; i++)
            s[i] = vcombine_u64(vcreate_u64(a0[i]), vcreate_u64(a1[i]));
        keccak_x2_hw(s);
        for (int i = 0; i < 25; i++) {
            a0[i] = vgetq_lane_u64(s[i], 0);
            a1[i] = vgetq_lane_u64(s[i], 1);
        }
        return;
    }
#endif
    (void)hw;
    keccak_ref(a0);
    keccak_ref(a1);
}

/* SHA3-<bits> (bits 256 or 512) of two messages of the same length at once */
static void sha3_x2(int hw, unsigned bits, const uint8_t *m0, const uint8_t *m1, size_t len,
                    uint8_t *out0, uint8_t *out1)
{
    size_t rate = 200 - 2 * bits / 8;
    uint64_t a[2][25] = { { 0 } };
    const uint8_t *m[2] = { m0, m1 };
    uint8_t block[2][200];
    size_t done = 0;
    for (;;) {
        size_t n = len - done < rate ? len - done : rate;
        for (int e = 0; e < 2; e++) {
            memset(block[e], 0, rate);
            memcpy(block[e], m[e] + done, n);
            if (n < rate) {
                /* SHA-3 domain bits 01, then pad10*1 */
                block[e][n] ^= 0x06;
                block[e][rate - 1] ^= 0x80;
            }
            for (size_t i = 0; i < rate; i++)
                a[e][i / 8] ^= (uint64_t)block[e][i] << (8 * (i % 8));
        }
        keccak_x2(a[0], a[1], hw);
        if (n < rate)
            break;
        done += n;
    }
    for (size_t i = 0; i < bits / 8; i++) {
        out0[i] = (uint8_t)(a[0][i / 8] >> (8 * (i % 8)));
        out1[i] = (uint8_t)(a[1][i / 8] >> (8 * (i % 8)));
    }
}

/* ---- output ---- */
static void hex(char *dst, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sprintf(dst + 2 * i, "%02x", p[i]);
}

static void show512(const char *label, const uint64_t h[8], const char *want)
{
    char got[129];
    for (int i = 0; i < 8; i++)
        snprintf(got + 16 * i, 17, "%016llx", (unsigned long long)h[i]);
    printf("sha512(%s) = %s%s\n", label, got, !want ? "" : strcmp(got, want) ? " WRONG" : " ok");
}

static void show_bytes(const char *name, const char *label, const uint8_t *p, size_t n,
                       const char *want)
{
    char got[129];
    hex(got, p, n);
    printf("%s(%s) = %s%s\n", name, label, got, !want ? "" : strcmp(got, want) ? " WRONG" : " ok");
}

/* both paths of SHA-512; prints and returns the instruction path's */
static void sha512_both(uint64_t h[8], const uint8_t *m, size_t len)
{
    uint64_t r[8];
    sha512(sha512_block_hw, h, m, len);
    sha512(sha512_block_ref, r, m, len);
    mismatches += memcmp(h, r, sizeof(r)) != 0;
}

static void sha3_both(unsigned bits, const uint8_t *m0, const uint8_t *m1, size_t len,
                      uint8_t *o0, uint8_t *o1)
{
    uint8_t r0[64], r1[64];
    sha3_x2(1, bits, m0, m1, len, o0, o1);
    sha3_x2(0, bits, m0, m1, len, r0, r1);
    mismatches += memcmp(o0, r0, bits / 8) != 0;
    mismatches += memcmp(o1, r1, bits / 8) != 0;
}

int main(void)
{
    static const struct { const char *label, *msg, *sha512; } vec[] = {
        { "\"\"", "",
          "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
          "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e" },
        { "\"abc\"", "abc",
          "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
          "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
        { "896 bits",
          "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
          "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
          "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
          "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909" },
    };
    uint64_t h[8];
    uint8_t d0[64], d1[64];

    keccak_init();
    for (unsigned v = 0; v < 3; v++) {
        sha512_both(h, (const uint8_t *)vec[v].msg, strlen(vec[v].msg));
        show512(vec[v].label, h, vec[v].sha512);
    }
    /* "" and "abc" as the two states of one permutation each */
    sha3_both(256, (const uint8_t *)"", (const uint8_t *)"", 0, d0, d1);
    show_bytes("sha3-256", "\"\"", d0, 32,
               "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
    sha3_both(256, (const uint8_t *)"abc", (const uint8_t *)"abd", 3, d0, d1);
    show_bytes("sha3-256", "\"abc\"", d0, 32,
               "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
    show_bytes("sha3-256", "\"abd\"", d1, 32, NULL);
    sha3_both(512, (const uint8_t *)"abc", (const uint8_t *)"", 0, d0, d1);
    show_bytes("sha3-512", "\"\"", d0, 64,
               "a69f73cca23a9ac5c8b567dc185a756e97c982164fe25859e0d1dcc1475c80a6"
               "15b2123af1f5f94c11e3e9402c3ac558f500199d95b6d3e301758586281dcd26");
    sha3_both(512, (const uint8_t *)"abc", (const uint8_t *)"abc", 3, d0, d1);
    show_bytes("sha3-512", "\"abc\"", d1, 64,
               "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e"
               "10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0");

    size_t mib = 1 << 20;
    uint8_t *buf = malloc(2 * mib);
    if (!buf)
        return 2;
    memset(buf, 'a', 1000000);
    sha512_both(h, buf, 1000000);
    show512("a x 10^6", h,
            "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
            "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b");

    /* every length 0..300 of a generated message (each padding case) */
    uint64_t acc5 = 0, acc3 = 0;
    for (size_t i = 0; i < 2 * mib; i++)
        buf[i] = (uint8_t)(i * 131 + (i >> 3) + (i >> 17));
    for (size_t len = 0; len <= 300; len++) {
        sha512_both(h, buf, len);
        acc5 = acc5 * 31 + h[0] + h[7];
        sha3_both(len & 1 ? 512 : 256, buf, buf + 1000, len, d0, d1);
        acc3 = acc3 * 31 + d0[0] + ((uint64_t)d1[31] << 8);
    }
    printf("lengths 0..300: sha512 %016llx sha3 %016llx\n", (unsigned long long)acc5,
           (unsigned long long)acc3);

    /* 1 MiB: SHA-512 of the buffer; SHA3-256 of it and of the next MiB */
    sha512_both(h, buf, mib);
    show512("1 MiB", h, NULL);
    sha3_both(256, buf, buf + mib, mib, d0, d1);
    show_bytes("sha3-256", "1 MiB", d0, 32, NULL);
    show_bytes("sha3-256", "2nd MiB", d1, 32, NULL);
    free(buf);
    printf("mismatches against the C reference: %d\n", mismatches);
    return mismatches != 0;
}
