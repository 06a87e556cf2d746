/*
 * Polynomial multiply and CRC instructions against portable C: vmull_p64/
 * vmull_high_p64 (PMULL/PMULL2 .1q), vmull_p8 and vmulq_p8 (8-bit lanes), a
 * GF(2^128) multiply built on them, and __crc32b/h/w/d and __crc32cb/ch/cw/
 * cd against bytewise table CRC-32 and CRC-32C (check values of
 * "123456789", generated buffers at every alignment and length).  On
 * aarch64 both paths run and are compared; elsewhere C stands in.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifdef __aarch64__
#include <arm_acle.h>
#include <arm_neon.h>
#endif

static int mismatches;
static uint64_t rng = 0xda942042e4dd58b5ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void check(const char *what, int same)
{
    if (!same) {
        mismatches++;
        printf("%s: instruction path differs from the C reference\n", what);
    }
}

/* ---- carry-less multiply ---- */
static void clmul64_ref(uint64_t a, uint64_t b, uint64_t r[2])
{
    r[0] = r[1] = 0;
    for (int i = 0; i < 64; i++)
        if (b >> i & 1) {
            r[0] ^= a << i;
            r[1] ^= i ? a >> (64 - i) : 0;
        }
}

static void clmul64_hw(uint64_t a, uint64_t b, uint64_t r[2])
{
#ifdef __aarch64__
    poly128_t p = vmull_p64((poly64_t)a, (poly64_t)b);
    memcpy(r, &p, 16);
#else
    clmul64_ref(a, b, r);
#endif
}

/* the high halves of two 128-bit vectors, as PMULL2 takes them */
static void clmul64_high_hw(const uint64_t a[2], const uint64_t b[2], uint64_t r[2])
{
#ifdef __aarch64__
    poly128_t p = vmull_high_p64(vreinterpretq_p64_u64(vld1q_u64(a)),
                                 vreinterpretq_p64_u64(vld1q_u64(b)));
    memcpy(r, &p, 16);
#else
    clmul64_ref(a[1], b[1], r);
#endif
}

static uint16_t clmul8(uint8_t a, uint8_t b)
{
    uint16_t r = 0;
    for (int i = 0; i < 8; i++)
        if (b >> i & 1)
            r ^= (uint16_t)(a << i);
    return r;
}

static void pmull8_hw(const uint8_t a[16], const uint8_t b[16], uint16_t r[8], uint8_t lo[16])
{
#ifdef __aarch64__
    poly8x16_t va = vreinterpretq_p8_u8(vld1q_u8(a)), vb = vreinterpretq_p8_u8(vld1q_u8(b));
    vst1q_u16(r, vreinterpretq_u16_p16(vmull_p8(vget_low_p8(va), vget_low_p8(vb))));
    vst1q_u8(lo, vreinterpretq_u8_p8(vmulq_p8(va, vb)));
#else
    for (int i = 0; i < 8; i++)
        r[i] = clmul8(a[i], b[i]);
    for (int i = 0; i < 16; i++)
        lo[i] = (uint8_t)clmul8(a[i], b[i]);
#endif
}

/* GF(2^128) with x^128 + x^7 + x^2 + x + 1, bits in plain (not GCM-reflected)
 * order: Karatsuba-free schoolbook on top of a 64x64 multiplier */
static void gf128_mul(void (*mul)(uint64_t, uint64_t, uint64_t *), const uint64_t a[2],
                      const uint64_t b[2], uint64_t r[2])
{
    uint64_t p0[2], p1[2], p2[2], p3[2], z[4];
    mul(a[0], b[0], p0);
    mul(a[1], b[1], p3);
    mul(a[0], b[1], p1);
    mul(a[1], b[0], p2);
    z[0] = p0[0];
    z[1] = p0[1] ^ p1[0] ^ p2[0];
    z[2] = p3[0] ^ p1[1] ^ p2[1];
    z[3] = p3[1];
    /* fold the top 128 bits down twice: x^128 = x^7 + x^2 + x + 1 */
    for (int k = 3; k >= 2; k--) {
        uint64_t t[2];
        mul(z[k], 0x87, t);
        z[k] = 0;
        z[k - 2] ^= t[0];
        z[k - 1] ^= t[1];
    }
    r[0] = z[0];
    r[1] = z[1];
}

/* ---- CRC ---- */
static uint32_t tab32[256], tab32c[256];

static void crc_tables(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t a = i, c = i;
        for (int k = 0; k < 8; k++) {
            a = a >> 1 ^ (a & 1 ? 0xedb88320u : 0);
            c = c >> 1 ^ (c & 1 ? 0x82f63b78u : 0);
        }
        tab32[i] = a;
        tab32c[i] = c;
    }
}

static uint32_t crc_ref(const uint32_t *t, uint32_t crc, const uint8_t *p, size_t n)
{
    while (n--)
        crc = crc >> 8 ^ t[(crc ^ *p++) & 0xff];
    return crc;
}

/* widest steps first, as real code does: d, then w, h, b */
static uint32_t crc_hw(int castagnoli, uint32_t crc, const uint8_t *p, size_t n)
{
#ifdef __aarch64__
    while (n >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        crc = castagnoli ? __crc32cd(crc, v) : __crc32d(crc, v);
        p += 8;
        n -= 8;
    }
    if (n >= 4) {
        uint32_t v;
        memcpy(&v, p, 4);
        crc = castagnoli ? __crc32cw(crc, v) : __crc32w(crc, v);
        p += 4;
        n -= 4;
    }
    if (n >= 2) {
        uint16_t v;
        memcpy(&v, p, 2);
        crc = castagnoli ? __crc32ch(crc, v) : __crc32h(crc, v);
        p += 2;
        n -= 2;
    }
    if (n)
        crc = castagnoli ? __crc32cb(crc, *p) : __crc32b(crc, *p);
    return crc;
#else
    return crc_ref(castagnoli ? tab32c : tab32, crc, p, n);
#endif
}

int main(void)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (int n = 0; n < 3000; n++) {
        uint64_t a[2], b[2], x[2], y[2];
        a[0] = rnd();           /* one rnd() per statement: initialiser order is unspecified */
        a[1] = rnd();
        b[0] = rnd();
        b[1] = rnd();
        if (n % 7 == 0)
            a[0] = ~0ull;
        if (n % 11 == 0)
            b[1] = 1ull << 63;
        clmul64_hw(a[0], b[0], x);
        clmul64_ref(a[0], b[0], y);
        check("pmull", !memcmp(x, y, 16));
        h = (h ^ x[0] ^ x[1] * 3) * 0x100000001b3ull;
        clmul64_high_hw(a, b, x);
        clmul64_ref(a[1], b[1], y);
        check("pmull2", !memcmp(x, y, 16));
        h = (h ^ x[0] ^ x[1] * 5) * 0x100000001b3ull;
        gf128_mul(clmul64_hw, a, b, x);
        gf128_mul(clmul64_ref, a, b, y);
        check("gf128", !memcmp(x, y, 16));
        h = (h ^ x[0] ^ x[1] * 7) * 0x100000001b3ull;
        uint8_t a8[16], b8[16], lo[16];
        uint16_t r8[8];
        memcpy(a8, a, 16);
        memcpy(b8, b, 16);
        pmull8_hw(a8, b8, r8, lo);
        for (int i = 0; i < 8; i++)
            check("pmull.8h", r8[i] == clmul8(a8[i], b8[i]));
        for (int i = 0; i < 16; i++)
            check("pmul.16b", lo[i] == (uint8_t)clmul8(a8[i], b8[i]));
        for (int i = 0; i < 8; i++)
            h = (h ^ r8[i] ^ (uint64_t)lo[2 * i] << 16) * 0x100000001b3ull;
    }
    uint64_t one[2] = { 1, 0 }, g[2] = { 0x0123456789abcdefull, 0xfedcba9876543210ull }, r[2];
    gf128_mul(clmul64_hw, g, one, r);
    printf("gf128: g*1 == g: %s\n", r[0] == g[0] && r[1] == g[1] ? "yes" : "no");
    printf("pmull/pmull2/gf128/pmull8 hash %016llx\n", (unsigned long long)h);

    crc_tables();
    const uint8_t *chk = (const uint8_t *)"123456789";
    printf("crc32(\"123456789\") = %08x (check cbf43926)\n", ~crc_hw(0, ~0u, chk, 9));
    printf("crc32c(\"123456789\") = %08x (check e3069283)\n", ~crc_hw(1, ~0u, chk, 9));
    static uint8_t buf[4096 + 16];
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)rnd();
    uint64_t hc = 0;
    for (int off = 0; off < 16; off++)
        for (size_t len = 0; len < 300; len += 1 + len / 16) {
            uint32_t a = crc_hw(0, ~0u, buf + off, len), b = crc_hw(1, ~0u, buf + off, len);
            check("crc32", a == crc_ref(tab32, ~0u, buf + off, len));
            check("crc32c", b == crc_ref(tab32c, ~0u, buf + off, len));
            hc = hc * 31 + a + ((uint64_t)b << 32);
        }
    printf("crc over offsets 0..15 and lengths 0..299: %016llx\n", (unsigned long long)hc);
    printf("crc32 of 4 KiB: %08x, crc32c: %08x\n", ~crc_hw(0, ~0u, buf, 4096),
           ~crc_hw(1, ~0u, buf, 4096));
    printf("mismatches against the C reference: %d\n", mismatches);
    return mismatches != 0;
}
