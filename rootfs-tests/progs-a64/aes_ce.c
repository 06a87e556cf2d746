/*
 * AES with the crypto extension (vaeseq_u8/vaesmcq_u8/vaesdq_u8/
 * vaesimcq_u8) against a portable C AES: the FIPS-197 example vectors for
 * 128-, 192- and 256-bit keys (encrypt and decrypt), each primitive on
 * generated blocks, and a 4096-block CBC chain.  On aarch64 both paths run
 * and are compared; elsewhere the C path stands in for the instructions.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifdef __aarch64__
#include <arm_neon.h>
#endif

static uint8_t sbox[256], inv_sbox[256];
static int mismatches;

static uint8_t xtime(uint8_t x) { return (uint8_t)(x << 1 ^ (x >> 7) * 0x1b); }

static uint8_t gmul(uint8_t a, uint8_t b)
{
    uint8_t p = 0;
    for (; b; b >>= 1, a = xtime(a))
        if (b & 1)
            p ^= a;
    return p;
}

/* S-box from its definition: multiplicative inverse, then the affine map */
static void sbox_init(void)
{
    for (int x = 0; x < 256; x++) {
        uint8_t inv = 0;
        for (int y = 1; y < 256 && x; y++)
            if (gmul((uint8_t)x, (uint8_t)y) == 1)
                inv = (uint8_t)y;
        uint8_t s = inv;
        for (int k = 1; k < 5; k++)
            s ^= (uint8_t)(inv << k | inv >> (8 - k));
        s ^= 0x63;
        sbox[x] = s;
        inv_sbox[s] = (uint8_t)x;
    }
}

/* ---- reference primitives, named after the instructions ---- */
static void ref_aese(uint8_t s[16], const uint8_t k[16])
{
    uint8_t t[16];
    for (int i = 0; i < 16; i++)
        t[i] = s[i] ^ k[i];
    for (int c = 0; c < 4; c++)         /* ShiftRows then SubBytes */
        for (int r = 0; r < 4; r++)
            s[4 * c + r] = sbox[t[4 * ((c + r) % 4) + r]];
}

static void ref_aesd(uint8_t s[16], const uint8_t k[16])
{
    uint8_t t[16];
    for (int i = 0; i < 16; i++)
        t[i] = s[i] ^ k[i];
    for (int c = 0; c < 4; c++)
        for (int r = 0; r < 4; r++)
            s[4 * ((c + r) % 4) + r] = inv_sbox[t[4 * c + r]];
}

static void mix(uint8_t s[16], const uint8_t m[4])
{
    for (int c = 0; c < 4; c++) {
        uint8_t a[4];
        memcpy(a, s + 4 * c, 4);
        for (int r = 0; r < 4; r++)
            s[4 * c + r] = gmul(a[0], m[(4 - r) % 4]) ^ gmul(a[1], m[(5 - r) % 4]) ^
                           gmul(a[2], m[(6 - r) % 4]) ^ gmul(a[3], m[(7 - r) % 4]);
    }
}
static void ref_aesmc(uint8_t s[16]) { mix(s, (const uint8_t[4]){ 2, 3, 1, 1 }); }
static void ref_aesimc(uint8_t s[16]) { mix(s, (const uint8_t[4]){ 14, 11, 13, 9 }); }

/* ---- the instruction path (C reference elsewhere) ---- */
static void hw_aese(uint8_t s[16], const uint8_t k[16])
{
#ifdef __aarch64__
    vst1q_u8(s, vaeseq_u8(vld1q_u8(s), vld1q_u8(k)));
#else
    ref_aese(s, k);
#endif
}
static void hw_aesd(uint8_t s[16], const uint8_t k[16])
{
#ifdef __aarch64__
    vst1q_u8(s, vaesdq_u8(vld1q_u8(s), vld1q_u8(k)));
#else
    ref_aesd(s, k);
#endif
}
static void hw_aesmc(uint8_t s[16])
{
#ifdef __aarch64__
    vst1q_u8(s, vaesmcq_u8(vld1q_u8(s)));
#else
    ref_aesmc(s);
#endif
}
static void hw_aesimc(uint8_t s[16])
{
#ifdef __aarch64__
    vst1q_u8(s, vaesimcq_u8(vld1q_u8(s)));
#else
    ref_aesimc(s);
#endif
}

struct prims {
    void (*aese)(uint8_t *, const uint8_t *), (*aesd)(uint8_t *, const uint8_t *);
    void (*aesmc)(uint8_t *), (*aesimc)(uint8_t *);
};
static const struct prims REF = { ref_aese, ref_aesd, ref_aesmc, ref_aesimc };
static const struct prims HW = { hw_aese, hw_aesd, hw_aesmc, hw_aesimc };

/* FIPS-197 key expansion: nk words of key, nr rounds */
static void expand(const uint8_t *key, int nk, int nr, uint8_t rk[15][16])
{
    uint8_t w[60][4];
    uint8_t rcon = 1;
    memcpy(w, key, 4 * (size_t)nk);
    for (int i = nk; i < 4 * (nr + 1); i++) {
        uint8_t t[4];
        memcpy(t, w[i - 1], 4);
        if (i % nk == 0) {
            uint8_t t0 = t[0];
            t[0] = sbox[t[1]] ^ rcon;
            t[1] = sbox[t[2]];
            t[2] = sbox[t[3]];
            t[3] = sbox[t0];
            rcon = xtime(rcon);
        } else if (nk > 6 && i % nk == 4) {
            for (int k = 0; k < 4; k++)
                t[k] = sbox[t[k]];
        }
        for (int k = 0; k < 4; k++)
            w[i][k] = w[i - nk][k] ^ t[k];
    }
    memcpy(rk, w, 16 * (size_t)(nr + 1));
}

static void encrypt(const struct prims *p, uint8_t rk[15][16], int nr, uint8_t s[16])
{
    for (int r = 0; r < nr - 1; r++) {
        p->aese(s, rk[r]);
        p->aesmc(s);
    }
    p->aese(s, rk[nr - 1]);
    for (int i = 0; i < 16; i++)
        s[i] ^= rk[nr][i];
}

/* the equivalent inverse cipher: round keys 1..nr-1 through InvMixColumns */
static void decrypt(const struct prims *p, uint8_t rk[15][16], int nr, uint8_t s[16])
{
    p->aesd(s, rk[nr]);
    for (int r = nr - 1; r >= 1; r--) {
        uint8_t k[16];
        memcpy(k, rk[r], 16);
        p->aesimc(k);
        p->aesimc(s);
        p->aesd(s, k);
    }
    for (int i = 0; i < 16; i++)
        s[i] ^= rk[0][i];
}

static void hex(const char *label, const uint8_t *b, int n)
{
    printf("%s ", label);
    for (int i = 0; i < n; i++)
        printf("%02x", b[i]);
    printf("\n");
}

static void check(const char *what, const uint8_t *hw, const uint8_t *ref, int n)
{
    if (memcmp(hw, ref, (size_t)n)) {
        mismatches++;
        printf("%s: instruction path differs from the C reference\n", what);
    }
}

static uint64_t rng = 0x0123456789abcdefull;
static uint8_t rnd8(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (uint8_t)(rng >> 56);
}

int main(void)
{
    sbox_init();
    printf("sbox[0x00]=%02x sbox[0x53]=%02x inv[0x63]=%02x\n", sbox[0], sbox[0x53], inv_sbox[0x63]);

    /* FIPS-197 appendix C: key 00 01 02 ..., plaintext 00 11 22 ... ff */
    static const char *const expect[3] = {
        "69c4e0d86a7b0430d8cdb78070b4c55a",
        "dda97ca4864cdfe06eaf70a0ec0d7191",
        "8ea2b7ca516745bfeafc49904b496089",
    };
    for (int v = 0; v < 3; v++) {
        int nk = 4 + 2 * v, nr = nk + 6;
        uint8_t key[32], pt[16], rk[15][16], a[16], b[16];
        for (int i = 0; i < 32; i++)
            key[i] = (uint8_t)i;
        for (int i = 0; i < 16; i++)
            pt[i] = (uint8_t)(0x11 * i);
        expand(key, nk, nr, rk);
        memcpy(a, pt, 16);
        memcpy(b, pt, 16);
        encrypt(&HW, rk, nr, a);
        encrypt(&REF, rk, nr, b);
        check("encrypt", a, b, 16);
        char got[33];
        for (int i = 0; i < 16; i++)
            snprintf(got + 2 * i, 3, "%02x", a[i]);
        printf("AES-%d ciphertext %s (FIPS-197 C.%d: %s)\n", 32 * nk, got, v + 1,
               strcmp(got, expect[v]) ? "WRONG" : "ok");
        decrypt(&HW, rk, nr, a);
        decrypt(&REF, rk, nr, b);
        check("decrypt", a, b, 16);
        printf("AES-%d decrypts back: %s\n", 32 * nk, memcmp(a, pt, 16) ? "no" : "yes");
    }

    /* each primitive on generated blocks */
    uint64_t h[4] = { 0xcbf29ce484222325ull, 0xcbf29ce484222325ull, 0xcbf29ce484222325ull,
                      0xcbf29ce484222325ull };
    for (int n = 0; n < 2000; n++) {
        uint8_t s[16], k[16], x[16], y[16];
        for (int i = 0; i < 16; i++) {
            s[i] = rnd8();
            k[i] = rnd8();
        }
        for (int op = 0; op < 4; op++) {
            memcpy(x, s, 16);
            memcpy(y, s, 16);
            switch (op) {
            case 0: HW.aese(x, k); REF.aese(y, k); break;
            case 1: HW.aesd(x, k); REF.aesd(y, k); break;
            case 2: HW.aesmc(x); REF.aesmc(y); break;
            default: HW.aesimc(x); REF.aesimc(y); break;
            }
            check("primitive", x, y, 16);
            for (int i = 0; i < 16; i++)
                h[op] = (h[op] ^ x[i]) * 0x100000001b3ull;
        }
    }
    printf("aese %016llx aesd %016llx aesmc %016llx aesimc %016llx\n", (unsigned long long)h[0],
           (unsigned long long)h[1], (unsigned long long)h[2], (unsigned long long)h[3]);

    /* CBC over 4096 blocks with a 256-bit key, then back */
    uint8_t key[32], rk[15][16], iv[16], c1[16], c2[16];
    for (int i = 0; i < 32; i++)
        key[i] = rnd8();
    for (int i = 0; i < 16; i++)
        iv[i] = rnd8();
    expand(key, 8, 14, rk);
    memcpy(c1, iv, 16);
    memcpy(c2, iv, 16);
    for (int n = 0; n < 4096; n++) {
        for (int i = 0; i < 16; i++) {
            uint8_t p = (uint8_t)(n * 7 + i);
            c1[i] ^= p;
            c2[i] ^= p;
        }
        encrypt(&HW, rk, 14, c1);
        encrypt(&REF, rk, 14, c2);
    }
    check("cbc", c1, c2, 16);
    hex("CBC last block", c1, 16);
    for (int n = 0; n < 4096; n++)
        decrypt(&HW, rk, 14, c1);
    hex("last block decrypted 4096 times", c1, 16);
    printf("mismatches against the C reference: %d\n", mismatches);
    return mismatches != 0;
}
