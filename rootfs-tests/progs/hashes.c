/* SHA-256, CRC-32 (bitwise and table-driven) and Adler-32 over standard test
 * vectors (checked against their published digests) and a generated 1 MiB
 * buffer processed at several split points. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sha256 { uint32_t h[8]; uint64_t len; unsigned char buf[64]; size_t n; };

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2 };

static uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void sha_block(struct sha256 *s, const unsigned char *p)
{
    uint32_t w[64], a, b, c, d, e, f, g, h;
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3];
    e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
    s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

static void sha_init(struct sha256 *s)
{
    static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    memcpy(s->h, iv, sizeof(iv));
    s->len = 0;
    s->n = 0;
}

static void sha_update(struct sha256 *s, const unsigned char *p, size_t n)
{
    s->len += n;
    while (n) {
        size_t take = 64 - s->n < n ? 64 - s->n : n;
        memcpy(s->buf + s->n, p, take);
        s->n += take;
        p += take;
        n -= take;
        if (s->n == 64) {
            sha_block(s, s->buf);
            s->n = 0;
        }
    }
}

static void sha_final(struct sha256 *s, char hex[65])
{
    uint64_t bits = s->len * 8;
    unsigned char pad = 0x80, zero = 0, lenb[8];
    sha_update(s, &pad, 1);
    while (s->n != 56)
        sha_update(s, &zero, 1);
    for (int i = 0; i < 8; i++)
        lenb[i] = (unsigned char)(bits >> (56 - 8 * i));
    sha_update(s, lenb, 8);
    for (int i = 0; i < 8; i++)
        snprintf(hex + 8 * i, 9, "%08x", s->h[i]);
}

static uint32_t crc_tab[256];

static uint32_t crc_bitwise(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & -(c & 1));
    }
    return ~c;
}

static uint32_t crc_table(uint32_t c, const unsigned char *p, size_t n)
{
    c = ~c;
    for (size_t i = 0; i < n; i++)
        c = crc_tab[(c ^ p[i]) & 0xff] ^ (c >> 8);
    return ~c;
}

static uint32_t adler32(const unsigned char *p, size_t n)
{
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < n; i++) {
        a = (a + p[i]) % 65521;
        b = (b + a) % 65521;
    }
    return b << 16 | a;
}

int main(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & -(c & 1));
        crc_tab[i] = c;
    }
    static const struct { const char *msg, *sha; uint32_t crc, adler; } vec[] = {
        { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 0, 1 },
        { "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
          0x352441c2, 0x024d0127 },
        { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", 0x171a3f5f,
          0x807416f9 },
        { "123456789", "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225",
          0xcbf43926, 0x091e01de },
    };
    int bad = 0;
    for (unsigned i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
        const unsigned char *m = (const unsigned char *)vec[i].msg;
        size_t n = strlen(vec[i].msg);
        struct sha256 s;
        char hex[65];
        sha_init(&s);
        sha_update(&s, m, n);
        sha_final(&s, hex);
        uint32_t c1 = crc_bitwise(m, n), c2 = crc_table(0, m, n), ad = adler32(m, n);
        int ok = strcmp(hex, vec[i].sha) == 0 && c1 == vec[i].crc && c2 == c1 &&
                 ad == vec[i].adler;
        bad += !ok;
        printf("\"%s\": sha256=%s crc32=%08x adler32=%08x %s\n", vec[i].msg, hex, c1, ad,
               ok ? "ok" : "MISMATCH");
    }
    /* one million 'a' */
    unsigned char *buf = malloc(1 << 20);
    memset(buf, 'a', 1000000);
    struct sha256 s;
    char hex[65];
    sha_init(&s);
    sha_update(&s, buf, 1000000);
    sha_final(&s, hex);
    int ok = strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") == 0;
    bad += !ok;
    printf("million a: %s %s\n", hex, ok ? "ok" : "MISMATCH");

    /* generated data, hashed whole and in uneven pieces */
    uint32_t x = 2463534242u;
    for (int i = 0; i < 1 << 20; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (unsigned char)(x >> 11);
    }
    static const size_t steps[] = { 1 << 20, 1, 63, 64, 65, 1000, 4097 };
    for (unsigned k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
        sha_init(&s);
        uint32_t crc = 0;
        for (size_t off = 0; off < 1 << 20; off += steps[k]) {
            size_t n = (1 << 20) - off < steps[k] ? (1 << 20) - off : steps[k];
            sha_update(&s, buf + off, n);
            crc = crc_table(crc, buf + off, n);
        }
        sha_final(&s, hex);
        printf("gen step %zu: sha256=%s crc32=%08x\n", steps[k], hex, crc);
    }
    printf("gen adler32=%08x\n", adler32(buf, 1 << 20));
    free(buf);
    return bad;
}
