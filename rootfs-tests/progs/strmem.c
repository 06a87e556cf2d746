/* libc string and memory routines on buffers at every alignment 0..15 and
 * many lengths; the vectorised per-ISA implementations must agree. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>

#define BUF 8192

static uint64_t hash(const unsigned char *p, size_t n, uint64_t h)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static int sgn(int v) { return (v > 0) - (v < 0); }

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (unsigned char)('a' + (seed >> 16) % 26);
    }
}

static const volatile size_t lens[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33,
    63, 64, 65, 100, 127, 128, 255, 256, 1000, 4095, 4096, 4097, 5000 };
#define NL (sizeof(lens) / sizeof(lens[0]))

int main(void)
{
    unsigned char *a = malloc(BUF), *b = malloc(BUF);
    uint64_t h = 0xcbf29ce484222325ull;
    if (!a || !b)
        return 1;

    for (unsigned sa = 0; sa < 16; sa++) {
        for (unsigned da = 0; da < 16; da++) {
            uint64_t hl = 0;
            for (unsigned li = 0; li < NL; li++) {
                size_t n = lens[li];
                if (n > BUF - 64)   /* never true; bounds n for the compiler */
                    n = BUF - 64;
                fill(a, BUF, sa * 16 + da);
                memset(b, 0x55, BUF);
                memcpy(b + da, a + sa, n);
                hl = hash(b, n + 40, hl);
                /* memcmp: equal, then one differing byte at the end/middle */
                int c0 = sgn(memcmp(b + da, a + sa, n));
                int c1 = 0, c2 = 0;
                if (n) {
                    b[da + n - 1] ^= 0x80;
                    c1 = sgn(memcmp(b + da, a + sa, n));
                    b[da + n - 1] ^= 0x80;
                    b[da + n / 2] = (unsigned char)(b[da + n / 2] - 1);
                    c2 = sgn(memcmp(b + da, a + sa, n));
                }
                /* overlapping memmove both ways */
                memmove(a + sa + 3, a + sa, n);
                memmove(b + da, b + da + 5, n);
                hl = hash(a + sa, n + 3, hl);
                hl = hash(b + da, n, hl);
                memset(a + sa, (int)(n & 0xff), n);
                hl = hash(a, n + 32, hl);
                hl = hl * 31 + (uint64_t)(c0 * 9 + c1 * 3 + c2 + 13);
            }
            h ^= hl;
            h = (h << 5) | (h >> 59);
            if (da == sa || da == 15 - sa)
                printf("mem sa=%u da=%u %016" PRIx64 "\n", sa, da, hl);
        }
    }
    printf("mem total %016" PRIx64 "\n", h);

    /* NUL-terminated routines at all alignments. */
    for (unsigned al = 0; al < 16; al++) {
        uint64_t hs = 0;
        for (unsigned li = 0; li < NL; li++) {
            size_t n = lens[li];
            char *s = (char *)a + al;
            fill(a, BUF, al + 100 * li);
            s[n] = 0;
            size_t len = strlen(s);
            char *p = strchr(s, 'q');
            char *r = strrchr(s, 'q');
            char *z = strchr(s, 0);
            char *m = memchr(s, 'z', n);
            char needle[8];
            size_t nl = n > 20 ? 5 : (n > 3 ? 2 : 0);
            memcpy(needle, s + n / 2, nl);
            needle[nl] = 0;
            char *st = strstr(s, needle);
            char *st2 = strstr(s, "zzzq");
            size_t spn = strspn(s, "abcdefghijklm");
            size_t cspn = strcspn(s, "xyz");
            char *d = (char *)b + (15 - al);
            strcpy(d, s);
            int cmp = sgn(strcmp(d, s));
            if (n) {
                d[n - 1] = (char)(d[n - 1] + 1);
                cmp = cmp * 3 + sgn(strcmp(d, s)) + 5 * sgn(strncmp(d, s, n - 1));
            }
            strcat(d, "!tail");
            hs = hs * 1000003 + len + (p ? (uint64_t)(p - s) : 999999) * 7
               + (r ? (uint64_t)(r - s) : 999999) * 11 + (uint64_t)(z - s) * 13
               + (m ? (uint64_t)(m - s) : 999999) * 17 + (st ? (uint64_t)(st - s) : 999999) * 19
               + (st2 ? (uint64_t)(st2 - s) : 999999) * 23 + spn * 29 + cspn * 31
               + strlen(d) * 37 + (uint64_t)(cmp + 10);
        }
        printf("str align %2u: %016" PRIx64 "\n", al, hs);
    }

    /* A few readable results with bytes >= 0x80 (unsigned compare order). */
    unsigned char hi[4] = { 0x80, 0x01, 0x00, 0 }, lo[4] = { 0x7f, 0x01, 0x00, 0 };
    printf("memcmp hi/lo %d strcmp %d strncmp0 %d\n", sgn(memcmp(hi, lo, 3)),
           sgn(strcmp((char *)hi, (char *)lo)), strncmp("abc", "abd", 0));
    printf("strstr empty=%d self=%d strchr nul=%d\n",
           (int)(strstr("hello", "") - "hello" == 0),
           strstr("abcabcabd", "abcabd") != NULL, strchr("abc", 0) != NULL);
    char tok[] = "  alpha,beta;;gamma  delta,";
    char *save = NULL;
    for (char *t = strtok_r(tok, " ,;", &save); t; t = strtok_r(NULL, " ,;", &save))
        printf("tok [%s]\n", t);
    char dup[32];
    strncpy(dup, "abcdef", sizeof(dup));
    printf("strncpy pad=%d memrchr=%ld strnlen=%zu\n", dup[20] == 0,
           (long)((char *)memrchr(dup, 'c', 6) - dup), strnlen(dup, 3));
    free(a);
    free(b);
    return 0;
}
