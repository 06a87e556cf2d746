/* Indirect control flow: dense switch statements (compiled to jump tables),
 * sparse switches, and computed calls through function-pointer tables,
 * including pointers returned by other functions. */
#include <stdint.h>
#include <stdio.h>

typedef uint64_t (*op_fn)(uint64_t, uint64_t);

static uint64_t op_add(uint64_t a, uint64_t b) { return a + b; }
static uint64_t op_sub(uint64_t a, uint64_t b) { return a - b; }
static uint64_t op_mul(uint64_t a, uint64_t b) { return a * b; }
static uint64_t op_xor(uint64_t a, uint64_t b) { return a ^ b; }
static uint64_t op_rol(uint64_t a, uint64_t b) { b &= 63; return (a << b) | (a >> ((64 - b) & 63)); }
static uint64_t op_and(uint64_t a, uint64_t b) { return a & (b | 0xff); }
static uint64_t op_or(uint64_t a, uint64_t b) { return a | (b >> 7); }
static uint64_t op_div(uint64_t a, uint64_t b) { return b ? a / b : a; }

static const op_fn ops[8] = { op_add, op_sub, op_mul, op_xor, op_rol, op_and, op_or, op_div };

static op_fn pick(uint64_t x)
{
    return ops[(x >> 11) & 7];
}

static __attribute__((noinline)) uint64_t dense(unsigned k, uint64_t x)
{
    switch (k) {
    case 0: return x + 1;
    case 1: return x * 3;
    case 2: return x ^ 0x5555;
    case 3: return x >> 3;
    case 4: return x << 2;
    case 5: return ~x;
    case 6: return x - 77;
    case 7: return x * x;
    case 8: return x | 0x100;
    case 9: return x & 0xffffffff;
    case 10: return x + (x >> 32);
    case 11: return x * 0x9e3779b97f4a7c15ull;
    case 12: return (x << 7) | (x >> 57);
    case 13: return x ^ (x >> 17);
    case 14: return x + 0x1234567;
    case 15: return -x;
    default: return x;
    }
}

static __attribute__((noinline)) int sparse(int k)
{
    switch (k) {
    case -1000: return 1;
    case -3: return 2;
    case 0: return 3;
    case 7: return 4;
    case 100: return 5;
    case 1000: return 6;
    case 65536: return 7;
    case 1 << 30: return 8;
    default: return 0;
    }
}

/* Character classifier as a state machine driven by a switch. */
static int count_tokens(const char *s)
{
    enum { START, IDENT, NUMBER, STRING } st = START;
    int tokens = 0;
    for (;; s++) {
        unsigned char c = (unsigned char)*s;
        switch (st) {
        case START:
            if (c == 0)
                return tokens;
            if ((c | 32) >= 'a' && (c | 32) <= 'z') {
                st = IDENT;
                tokens++;
            } else if (c >= '0' && c <= '9') {
                st = NUMBER;
                tokens++;
            } else if (c == '"') {
                st = STRING;
                tokens++;
            } else if (c != ' ') {
                tokens++;
            }
            break;
        case IDENT:
        case NUMBER:
            if (!((c | 32) >= 'a' && (c | 32) <= 'z') && !(c >= '0' && c <= '9')) {
                st = START;
                s--;
            }
            break;
        case STRING:
            if (c == 0)
                return -1;
            if (c == '"')
                st = START;
            break;
        }
    }
}

int main(void)
{
    uint64_t x = 0x0123456789abcdefull, h = 0;
    unsigned hist[8] = { 0 };
    for (int i = 0; i < 300000; i++) {
        x = dense((unsigned)(x >> 59) ^ (unsigned)(i & 15), x) + (uint64_t)i;
        op_fn f = pick(x);
        hist[(x >> 11) & 7]++;
        h = f(h, x) + 0x9e37;
    }
    printf("dense/ops x=%016llx h=%016llx\n", (unsigned long long)x, (unsigned long long)h);
    for (int i = 0; i < 8; i++)
        printf("op%d used %u times\n", i, hist[i]);
    static const int keys[] = { -1000, -3, 0, 7, 100, 1000, 65536, 1 << 30, 5, -1, 999 };
    for (unsigned i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        printf("sparse(%d)=%d\n", keys[i], sparse(keys[i]));
    for (unsigned k = 0; k < 18; k++)
        printf("dense(%u)=%016llx\n", k, (unsigned long long)dense(k, 0xfedcba9876543210ull));
    printf("tokens=%d\n", count_tokens("let x1 = 42 + foo(\"str ing\", 7) ; y"));
    printf("tokens=%d\n", count_tokens("\"unterminated"));
    return 0;
}
