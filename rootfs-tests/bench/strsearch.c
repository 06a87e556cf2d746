/* Benchmark kernel: Boyer-Moore-Horspool and naive search of 24 patterns
 * over a 4 MiB generated word text.  argv[1] scales the number of passes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t horspool(const unsigned char *t, size_t n, const unsigned char *p, size_t m)
{
    size_t shift[256], count = 0;
    for (int i = 0; i < 256; i++)
        shift[i] = m;
    for (size_t i = 0; i + 1 < m; i++)
        shift[p[i]] = m - 1 - i;
    for (size_t pos = 0; pos + m <= n;) {
        unsigned char last = t[pos + m - 1];
        if (last == p[m - 1] && memcmp(t + pos, p, m - 1) == 0)
            count++;
        pos += shift[last];
    }
    return count;
}

static size_t naive(const unsigned char *t, size_t n, const unsigned char *p, size_t m)
{
    size_t count = 0;
    for (size_t pos = 0; pos + m <= n; pos++) {
        size_t k = 0;
        while (k < m && t[pos + k] == p[k])
            k++;
        count += k == m;
    }
    return count;
}

int main(int argc, char **argv)
{
    int passes = 3 * (argc > 1 ? atoi(argv[1]) : 1);
    static const char *const words[] = { "the", "quick", "brown", "fox", "jumps", "over",
        "lazy", "dog", "emulator", "translation", "block", "register", "guest", "host",
        "syscall", "memory", "a", "of", "and", "to" };
    size_t n = 4 << 20;
    unsigned char *t = malloc(n + 16);
    uint32_t x = 1;
    size_t len = 0;
    while (len < n) {
        x = x * 1664525u + 1013904223u;
        const char *w = words[(x >> 16) % 20];
        size_t wl = strlen(w);
        if (len + wl + 1 > n)
            break;
        memcpy(t + len, w, wl);
        len += wl;
        t[len++] = (x >> 8) % 13 == 0 ? '\n' : ' ';
    }
    static const char *const pats[] = { "the quick", "lazy dog", "emulator translation",
        "guest host", "syscall memory block", "fox jumps over", "register", "a of and",
        "translation block register", "dog the", "zzz", "memory memory", "to to to",
        "over lazy", "block\n", "host syscall", "quick brown fox", "of the", "jumps",
        "and to a", "guest register memory", "brown dog", "a a a a", "translation" };
    uint64_t h = 0;
    for (int p = 0; p < passes; p++) {
        for (unsigned i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
            const unsigned char *pat = (const unsigned char *)pats[i];
            size_t m = strlen(pats[i]);
            size_t c1 = horspool(t, len, pat, m);
            size_t c2 = i % 4 == 0 ? naive(t, len, pat, m) : c1;
            if (c1 != c2) {
                printf("mismatch on %s\n", pats[i]);
                return 1;
            }
            h = h * 1000003u + c1;
        }
        t[p * 7919 % len] = 'x';
    }
    printf("checksum %016llx len %zu\n", (unsigned long long)h, len);
    free(t);
    return 0;
}
