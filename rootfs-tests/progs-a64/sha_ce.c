/*
 * SHA-1 and SHA-256 block functions with the crypto extension (vsha1cq/
 * vsha1pq/vsha1mq/vsha1h/vsha1su0q/vsha1su1q, vsha256hq/vsha256h2q/
 * vsha256su0q/vsha256su1q) against portable C: the FIPS 180 example
 * messages ("", "abc", the 448-bit one, a million 'a') and generated
 * messages of every length up to 300 bytes.  On aarch64 both paths run and
 * are compared; elsewhere the C path stands in for the instructions.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __aarch64__
#include <arm_neon.h>
#endif

static int mismatches;

static uint32_t rol(uint32_t x, int n) { return x << n | x >> (32 - n); }
static uint32_t ror(uint32_t x, int n) { return x >> n | x << (32 - n); }
static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- SHA-1 ---- */
static const uint32_t K1[4] = { 0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6 };

static void sha1_block_ref(uint32_t h[5], const uint8_t *p)
{
    uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 16; i++)
        w[i] = be32(p + 4 * i);
    for (int i = 16; i < 80; i++)
        w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    for (int i = 0; i < 80; i++) {
        uint32_t f = i < 20 ? (b & c) | (~b & d) : i < 40 || i >= 60 ? b ^ c ^ d
                                                                       : (b & c) | (b & d) | (c & d);
        uint32_t t = rol(a, 5) + f + e + K1[i / 20] + w[i];
        e = d;
        d = c;
        c = rol(b, 30);
        b = a;
        a = t;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

static void sha1_block_hw(uint32_t h[5], const uint8_t *p)
{
#ifdef __aarch64__
    uint32x4_t abcd = vld1q_u32(h), abcd0 = abcd, w[4];
    uint32_t e = h[4], e0 = e;
    for (int i = 0; i < 4; i++)
        w[i] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p + 16 * i)));
    for (int g = 0; g < 20; g++) {
        uint32x4_t wk = vaddq_u32(w[g % 4], vdupq_n_u32(K1[g / 5]));
        uint32_t en = vsha1h_u32(vgetq_lane_u32(abcd, 0));
        if (g < 5)
            abcd = vsha1cq_u32(abcd, e, wk);
        else if (g < 10 || g >= 15)
            abcd = vsha1pq_u32(abcd, e, wk);
        else
            abcd = vsha1mq_u32(abcd, e, wk);
        e = en;
        /* W[4g+16 .. 4g+19] from W[4g ..] */
        w[g % 4] = vsha1su1q_u32(vsha1su0q_u32(w[g % 4], w[(g + 1) % 4], w[(g + 2) % 4]),
                                 w[(g + 3) % 4]);
    }
    vst1q_u32(h, vaddq_u32(abcd, abcd0));
    h[4] = e + e0;
#else
    sha1_block_ref(h, p);
#endif
}

/* ---- SHA-256 ---- */
static const uint32_t K2[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static void sha256_block_ref(uint32_t h[8], const uint8_t *p)
{
    uint32_t w[64], s[8];
    for (int i = 0; i < 16; i++)
        w[i] = be32(p + 4 * i);
    for (int i = 16; i < 64; i++)
        w[i] = w[i - 16] + (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ w[i - 15] >> 3) + w[i - 7] +
               (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ w[i - 2] >> 10);
    memcpy(s, h, sizeof(s));
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = s[7] + (ror(s[4], 6) ^ ror(s[4], 11) ^ ror(s[4], 25)) +
                      ((s[4] & s[5]) ^ (~s[4] & s[6])) + K2[i] + w[i];
        uint32_t t2 = (ror(s[0], 2) ^ ror(s[0], 13) ^ ror(s[0], 22)) +
                      ((s[0] & s[1]) ^ (s[0] & s[2]) ^ (s[1] & s[2]));
        memmove(s + 1, s, 7 * sizeof(s[0]));
        s[4] += t1;
        s[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++)
        h[i] += s[i];
}

static void sha256_block_hw(uint32_t h[8], const uint8_t *p)
{
#ifdef __aarch64__
    uint32x4_t abcd = vld1q_u32(h), efgh = vld1q_u32(h + 4), abcd0 = abcd, efgh0 = efgh, w[4];
    for (int i = 0; i < 4; i++)
        w[i] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p + 16 * i)));
    for (int g = 0; g < 16; g++) {
        uint32x4_t wk = vaddq_u32(w[g % 4], vld1q_u32(K2 + 4 * g)), prev = abcd;
        abcd = vsha256hq_u32(abcd, efgh, wk);
        efgh = vsha256h2q_u32(efgh, prev, wk);
        w[g % 4] = vsha256su1q_u32(vsha256su0q_u32(w[g % 4], w[(g + 1) % 4]), w[(g + 2) % 4],
                                   w[(g + 3) % 4]);
    }
    vst1q_u32(h, vaddq_u32(abcd, abcd0));
    vst1q_u32(h + 4, vaddq_u32(efgh, efgh0));
#else
    sha256_block_ref(h, p);
#endif
}

/* Merkle-Damgard padding around a block function; returns the digest words */
static void digest(void (*block)(uint32_t *, const uint8_t *), uint32_t *h, int nh,
                   const uint8_t *msg, size_t len)
{
    static const uint32_t iv1[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
    static const uint32_t iv2[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    memcpy(h, nh == 5 ? iv1 : iv2, 4 * (size_t)nh);
    size_t i = 0;
    for (; i + 64 <= len; i += 64)
        block(h, msg + i);
    uint8_t tail[128] = { 0 };
    size_t r = len - i, n = r < 56 ? 64 : 128;
    memcpy(tail, msg + i, r);
    tail[r] = 0x80;
    for (int k = 0; k < 8; k++)
        tail[n - 1 - k] = (uint8_t)((uint64_t)len * 8 >> (8 * k));
    block(h, tail);
    if (n == 128)
        block(h, tail + 64);
}

static void show(const char *name, const char *label, const uint32_t *h, int nh, const char *want)
{
    char got[80];
    for (int i = 0; i < nh; i++)
        snprintf(got + 8 * i, 9, "%08x", h[i]);
    printf("%s(%s) = %s%s\n", name, label, got, !want ? "" : strcmp(got, want) ? " WRONG" : " ok");
}

int main(void)
{
    static const struct { const char *label, *msg, *sha1, *sha256; } vec[] = {
        { "\"\"", "", "da39a3ee5e6b4b0d3255bfef95601890afd80709",
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
        { "\"abc\"", "abc", "a9993e364706816aba3e25717850c26c9cd0d89d",
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
        { "448 bits", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
          "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
    };
    uint32_t h1[8], h2[8];
    for (unsigned v = 0; v < 3; v++) {
        const uint8_t *m = (const uint8_t *)vec[v].msg;
        size_t len = strlen(vec[v].msg);
        digest(sha1_block_hw, h1, 5, m, len);
        digest(sha1_block_ref, h2, 5, m, len);
        mismatches += memcmp(h1, h2, 20) != 0;
        show("sha1", vec[v].label, h1, 5, vec[v].sha1);
        digest(sha256_block_hw, h1, 8, m, len);
        digest(sha256_block_ref, h2, 8, m, len);
        mismatches += memcmp(h1, h2, 32) != 0;
        show("sha256", vec[v].label, h1, 8, vec[v].sha256);
    }
    uint8_t *mil = malloc(1000000);
    if (!mil)
        return 2;
    memset(mil, 'a', 1000000);
    digest(sha1_block_hw, h1, 5, mil, 1000000);
    show("sha1", "a x 10^6", h1, 5, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    digest(sha256_block_hw, h1, 8, mil, 1000000);
    show("sha256", "a x 10^6", h1, 8,
         "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

    /* every length 0..300 of a generated message, hashed together */
    uint64_t acc1 = 0, acc2 = 0;
    for (size_t i = 0; i < 300; i++)
        mil[i] = (uint8_t)(i * 131 + (i >> 3));
    for (size_t len = 0; len <= 300; len++) {
        digest(sha1_block_hw, h1, 5, mil, len);
        digest(sha1_block_ref, h2, 5, mil, len);
        mismatches += memcmp(h1, h2, 20) != 0;
        acc1 = acc1 * 31 + h1[0] + h1[4];
        digest(sha256_block_hw, h1, 8, mil, len);
        digest(sha256_block_ref, h2, 8, mil, len);
        mismatches += memcmp(h1, h2, 32) != 0;
        acc2 = acc2 * 31 + h1[0] + h1[7];
    }
    printf("lengths 0..300: sha1 %016llx sha256 %016llx\n", (unsigned long long)acc1,
           (unsigned long long)acc2);
    free(mil);
    printf("mismatches against the C reference: %d\n", mismatches);
    return mismatches != 0;
}
