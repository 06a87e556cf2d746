/* Deep and branchy recursion: Ackermann, naive Fibonacci, Hanoi, N-queens,
 * mutual recursion and a recursive-descent expression evaluator. */
#include <stdint.h>
#include <stdio.h>

static uint64_t calls;

static unsigned ack(unsigned m, unsigned n)
{
    calls++;
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

static uint64_t fib(int n)
{
    calls++;
    return n < 2 ? (uint64_t)n : fib(n - 1) + fib(n - 2);
}

static uint64_t hanoi(int n, int from, int to, int via, uint64_t h)
{
    if (n == 0)
        return h;
    h = hanoi(n - 1, from, via, to, h);
    h = h * 31 + (uint64_t)(from * 3 + to);
    return hanoi(n - 1, via, to, from, h);
}

static int queens(int n, int row, uint32_t cols, uint32_t d1, uint32_t d2)
{
    if (row == n)
        return 1;
    int count = 0;
    uint32_t avail = ~(cols | d1 | d2) & ((1u << n) - 1);
    while (avail) {
        uint32_t bit = avail & -avail;
        avail ^= bit;
        count += queens(n, row + 1, cols | bit, (d1 | bit) << 1, (d2 | bit) >> 1);
    }
    return count;
}

static int is_odd(unsigned n);
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

/* expr := term (('+'|'-') term)*, term := factor (('*'|'/'|'%') factor)*,
 * factor := number | '(' expr ')' | '-' factor.  Integer semantics, with
 * division by zero defined as 0 to stay total. */
static const char *cur;
static int64_t expr(void);

static int64_t factor(void)
{
    if (*cur == '(') {
        cur++;
        int64_t v = expr();
        cur++;   /* ')' */
        return v;
    }
    if (*cur == '-') {
        cur++;
        return -factor();
    }
    int64_t v = 0;
    while (*cur >= '0' && *cur <= '9')
        v = v * 10 + (*cur++ - '0');
    return v;
}

static int64_t term(void)
{
    int64_t v = factor();
    while (*cur == '*' || *cur == '/' || *cur == '%') {
        char op = *cur++;
        int64_t r = factor();
        if (op == '*')
            v *= r;
        else if (r == 0)
            v = 0;
        else
            v = op == '/' ? v / r : v % r;
    }
    return v;
}

static int64_t expr(void)
{
    int64_t v = term();
    while (*cur == '+' || *cur == '-') {
        char op = *cur++;
        int64_t r = term();
        v = op == '+' ? v + r : v - r;
    }
    return v;
}

int main(void)
{
    for (unsigned m = 0; m <= 3; m++)
        for (unsigned n = 0; n <= 5; n++) {
            calls = 0;
            unsigned r = ack(m, n);
            printf("ack(%u,%u)=%u calls=%llu\n", m, n, r, (unsigned long long)calls);
        }
    calls = 0;
    unsigned a = ack(2, 300);
    printf("ack(2,300)=%u calls=%llu\n", a, (unsigned long long)calls);
    calls = 0;
    uint64_t f = fib(27);
    printf("fib(27)=%llu calls=%llu\n", (unsigned long long)f, (unsigned long long)calls);
    printf("hanoi(18)=%016llx\n", (unsigned long long)hanoi(18, 1, 3, 2, 0));
    for (int n = 1; n <= 10; n++)
        printf("queens(%d)=%d\n", n, queens(n, 0, 0, 0, 0));
    printf("even(100001)=%d odd(77777)=%d\n", is_even(100001), is_odd(77777));

    static const char *const exprs[] = { "1+2*3", "(1+2)*3", "-(4-10)*-(3)",
        "100/7%3+2*(3-(4*(5-6)))", "7/0+5", "((((((((((1))))))))))+-2",
        "123456789*1000*1000-5", "2*2*2*2*2*2*2*2*2*2*2*2*2*2*2*2*2*2*2*2*2*2*2*2*2*2*2*2*2*2*2" };
    for (unsigned i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++) {
        cur = exprs[i];
        printf("%s = %lld\n", exprs[i], (long long)expr());
    }
    return 0;
}
