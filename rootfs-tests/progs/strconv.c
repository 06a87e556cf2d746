/* Integer <-> string conversion: strtol/strtoul/strtoll/strtoull with every
 * base, overflow (ERANGE), end pointers and signs; snprintf/sscanf round
 * trips; a hand-written itoa checked against snprintf. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const inputs[] = { "0", "-0", "42", "  -42xyz", "+17", "0x1f", "0X1F",
    "077", "0b101", "z", "Zz", "9223372036854775807", "9223372036854775808",
    "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
    "18446744073709551616", "-1", "2147483648", "4294967296", "   ", "", "-", "0x",
    "1e5", "0777777777777777777777", "1777777777777777777777", "ffffffffffffffff",
    "7fffffffffffffff", "-ffffffff", "\t\n +123" };
static const int bases[] = { 0, 2, 8, 10, 16, 36 };

/* Digits of v in base b, most significant first. */
static void utoa_base(uint64_t v, unsigned b, char *out)
{
    char tmp[72];
    int n = 0;
    do {
        unsigned d = (unsigned)(v % b);
        tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= b;
    } while (v);
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = 0;
}

int main(void)
{
    for (unsigned i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        const char *s = inputs[i];
        printf("\"%s\":", s[0] == '\t' ? "\\t\\n +123" : s);
        for (unsigned bi = 0; bi < sizeof(bases) / sizeof(bases[0]); bi++) {
            char *e1, *e2, *e3;
            errno = 0;
            long l = strtol(s, &e1, bases[bi]);
            int er1 = errno;
            errno = 0;
            unsigned long long ull = strtoull(s, &e2, bases[bi]);
            int er2 = errno;
            errno = 0;
            int32_t i32 = (int32_t)strtol(s, &e3, bases[bi]);
            printf(" b%d=%ld/%d/%td,%llu/%d/%td,%d", bases[bi], l, er1 == ERANGE,
                   e1 - s, ull, er2 == ERANGE, e2 - s, i32);
        }
        printf("\n");
    }

    /* snprintf -> strto* round trip for many values in several bases */
    uint64_t x = 1, h = 0;
    int mismatches = 0;
    for (int i = 0; i < 20000; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t v = x >> (i % 64);
        int64_t sv = (int64_t)v;
        char buf[80], mine[80];
        snprintf(buf, sizeof(buf), "%" PRIu64, v);
        mismatches += strtoull(buf, NULL, 10) != v;
        utoa_base(v, 10, mine);
        mismatches += strcmp(mine, buf) != 0;
        snprintf(buf, sizeof(buf), "%" PRIx64, v);
        utoa_base(v, 16, mine);
        mismatches += strcmp(mine, buf) != 0 || strtoull(buf, NULL, 16) != v;
        snprintf(buf, sizeof(buf), "%" PRIo64, v);
        mismatches += strtoull(buf, NULL, 8) != v;
        snprintf(buf, sizeof(buf), "%" PRId64, sv);
        mismatches += strtoll(buf, NULL, 10) != sv;
        utoa_base(v, 36, mine);
        mismatches += strtoull(mine, NULL, 36) != v;
        for (const char *p = mine; *p; p++)
            h = h * 37 + (unsigned char)*p;
        int64_t a = 0;
        unsigned long long b = 0;
        mismatches += sscanf(buf, "%" SCNd64, &a) != 1 || a != sv;
        snprintf(buf, sizeof(buf), "%#llx", (unsigned long long)v);
        mismatches += sscanf(buf, "%llx", &b) != 1 || b != v;
    }
    printf("round trips: mismatches=%d base36 hash=%016" PRIx64 "\n", mismatches, h);

    char buf[128];
    snprintf(buf, sizeof(buf), "[%d] [%5d] [%-5d] [%05d] [%+d] [% d] [%x] [%X] [%#o] [%#x]",
             INT_MIN, 42, 42, -42, 7, 7, 255u, 255u, 8u, 0u);
    printf("%s\n", buf);
    snprintf(buf, sizeof(buf), "[%hhu] [%hu] [%lu] [%llx] [%jd] [%zd] [%.3d] [%8.3x]",
             (unsigned char)300, (unsigned short)70000, ULONG_MAX, (unsigned long long)LLONG_MIN,
             INTMAX_MIN, (ssize_t)-5, 5, 0xabu);
    printf("%s\n", buf);
    int n1 = 0, n2 = 0;
    unsigned u = 0;
    char word[16];
    int got = sscanf("  123 -0x1a  hello 99rest", "%d %i %15s %u%n", &n1, &n2, word, &u, &n1);
    printf("sscanf got=%d n2=%d word=%s u=%u consumed=%d\n", got, n2, word, u, n1);
    printf("atoi %d %d atol %ld atoll %lld\n", atoi("  -77abc"), atoi("x"), atol("123456789012"),
           atoll("-9223372036854775808"));
    return 0;
}
