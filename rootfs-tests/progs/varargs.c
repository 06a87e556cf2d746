/* Variadic functions: mixed int/long/double/pointer arguments beyond the
 * register-passed ones, va_copy, forwarding a va_list to vsnprintf, and
 * float promotion. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* fmt letters: i=int, l=long long, d=double, s=string, c=char (as int),
 * u=unsigned, p=uint64_t via pointer */
static double sum_mixed(const char *fmt, ...)
{
    va_list ap, ap2;
    double total = 0;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    for (const char *f = fmt; *f; f++) {
        switch (*f) {
        case 'i': total += va_arg(ap, int); break;
        case 'l': total += (double)va_arg(ap, long long); break;
        case 'd': total += va_arg(ap, double); break;
        case 's': total += (double)strlen(va_arg(ap, const char *)); break;
        case 'c': total += (unsigned char)va_arg(ap, int); break;
        case 'u': total += va_arg(ap, unsigned); break;
        case 'p': total += (double)*va_arg(ap, const uint64_t *); break;
        }
    }
    va_end(ap);
    /* second pass through the copy must see the same arguments */
    double again = 0;
    for (const char *f = fmt; *f; f++) {
        switch (*f) {
        case 'i': again += va_arg(ap2, int); break;
        case 'l': again += (double)va_arg(ap2, long long); break;
        case 'd': again += va_arg(ap2, double); break;
        case 's': again += (double)strlen(va_arg(ap2, const char *)); break;
        case 'c': again += (unsigned char)va_arg(ap2, int); break;
        case 'u': again += va_arg(ap2, unsigned); break;
        case 'p': again += (double)*va_arg(ap2, const uint64_t *); break;
        }
    }
    va_end(ap2);
    return total == again ? total : -1.0;
}

static int my_printf(char *out, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(out, n, fmt, ap);
    va_end(ap);
    return r;
}

static long long sum_ints(int count, ...)
{
    va_list ap;
    long long s = 0;
    va_start(ap, count);
    for (int i = 0; i < count; i++)
        s = s * 3 + va_arg(ap, int);
    va_end(ap);
    return s;
}

static double sum_doubles(int count, ...)
{
    va_list ap;
    double s = 0;
    va_start(ap, count);
    for (int i = 0; i < count; i++)
        s = s * 0.5 + va_arg(ap, double);
    va_end(ap);
    return s;
}

/* Passes its va_list on to a helper that consumes part of it. */
static int take_two(va_list *ap)
{
    int a = va_arg(*ap, int);
    int b = va_arg(*ap, int);
    return a * 100 + b;
}

static int nested(int n, ...)
{
    va_list ap;
    int r = 0;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        r = r * 7 + take_two(&ap);
    va_end(ap);
    return r;
}

int main(void)
{
    uint64_t big = 1ull << 40;
    float f = 1.25f;   /* promoted to double */
    signed char sc = -5;
    short sh = -1234;
    printf("mixed1 %a\n", sum_mixed("iidl", 1, -2, 0.5, 1234567890123LL));
    printf("mixed2 %a\n", sum_mixed("dddddddddddi", 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8,
                                   0.9, 1.0, 1.1, 42));
    printf("mixed3 %a\n", sum_mixed("ilililililiiiiiii", 1, 2LL, 3, 4LL, 5, 6LL, 7, 8LL, 9,
                                   10LL, 11, 12, 13, 14, 15, 16, 17));
    printf("mixed4 %a\n", sum_mixed("sdcpudsic", "hello", (double)f, 'x', &big, 4000000000u,
                                   -1e10, "", (int)sc, 200));
    printf("ints %lld\n", sum_ints(20, 1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12, 13,
                                  -14, 15, -16, 17, -18, 19, sh));
    printf("doubles %a\n", sum_doubles(12, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0,
                                      (double)f, -0.0));
    printf("nested %d\n", nested(4, 1, 2, 3, 4, 5, 6, 7, 8));
    char buf[256];
    int r = my_printf(buf, sizeof(buf), "[%d|%5.2f|%-6s|%c|%llx|%hd|%hhd|%zu|%%|%e]", -42, 3.14159,
                      "ab", 'Z', 0xdeadbeefcafeULL, sh, sc, sizeof(buf), 6.02e23);
    printf("vsnprintf %d %s\n", r, buf);
    r = my_printf(buf, 10, "%s", "truncated output here");
    printf("truncated %d [%s]\n", r, buf);
    r = my_printf(buf, sizeof(buf), "%1$s-%2$d-%1$s", "pos", 9);
    printf("positional %d [%s]\n", r, buf);
    r = my_printf(buf, sizeof(buf), "%*d|%-*d|%.*s", 6, 42, 5, 7, 3, "abcdef");
    printf("star %d [%s]\n", r, buf);
    return 0;
}
