/* Bit-fields: signed and unsigned fields of odd widths, fields straddling
 * storage units, read-modify-write of neighbours, and the byte image of
 * the packed struct (identical little-endian SysV-style layout on all
 * three ABIs). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct flags {
    unsigned int a : 1;
    unsigned int b : 3;
    signed int c : 5;
    unsigned int d : 7;
    signed int e : 16;
    unsigned long long f : 33;
    signed long long g : 31;
    unsigned char h : 2;
    unsigned int : 0;   /* forces the next field to a new unit */
    unsigned int i : 9;
};

struct __attribute__((packed)) packed_hdr {
    uint8_t version : 4;
    uint8_t ihl : 4;
    uint16_t len;
    uint32_t off : 13;
    uint32_t fl : 3;
    uint32_t ttl : 8;
    uint32_t proto : 8;
};

static void dump(const char *tag, const void *p, size_t n)
{
    const unsigned char *b = p;
    printf("%s:", tag);
    for (size_t i = 0; i < n; i++)
        printf(" %02x", b[i]);
    printf("\n");
}

static volatile int src[] = { 0, 1, -1, 7, -16, 15, 100, -100, 12345, -32768, 65535, 0x7fffffff };

int main(void)
{
    struct flags x;
    memset(&x, 0, sizeof(x));
    printf("sizeof flags=%zu packed=%zu\n", sizeof(struct flags), sizeof(struct packed_hdr));
    uint64_t h = 0;
    for (unsigned i = 0; i < sizeof(src) / sizeof(src[0]); i++) {
        int v = src[i];
        x.a = (unsigned)v & 1u;
        x.b = (unsigned)v & 7u;
        x.c = (v & 31) >= 16 ? (v & 31) - 32 : v & 31;
        x.d = (unsigned)v & 127u;
        x.e = (int16_t)(uint16_t)v;
        x.f = (unsigned long long)(int64_t)v * 3ull & 0x1ffffffffull;
        x.g = (v & 0x3fffffff) - (v & 0x40000000);
        x.h = (unsigned char)((unsigned)v & 3u);
        x.i = (unsigned)v & 511u;
        printf("v=%d a=%u b=%u c=%d d=%u e=%d f=%llu g=%lld h=%u i=%u\n", v, x.a, x.b, x.c,
               x.d, x.e, (unsigned long long)x.f, (long long)x.g, x.h, x.i);
        dump("  bytes", &x, sizeof(x));
        /* increments wrap within the field, neighbours untouched */
        x.b++;
        x.c--;
        x.d += 100;
        x.f += 0x100000000ull;
        x.h += 3;
        unsigned char img[sizeof(x)];
        memcpy(img, &x, sizeof(x));
        for (size_t k = 0; k < sizeof(x); k++)
            h = h * 131 + img[k];
        printf("  after b=%u c=%d d=%u f=%llu h=%u\n", x.b, x.c, x.d,
               (unsigned long long)x.f, x.h);
    }
    printf("hash %016llx\n", (unsigned long long)h);

    struct packed_hdr p;
    memset(&p, 0, sizeof(p));
    p.version = 4;
    p.ihl = 5;
    p.len = 0x1234;
    p.off = 0x1abc;
    p.fl = 5;
    p.ttl = 64;
    p.proto = 17;
    dump("packed", &p, sizeof(p));
    unsigned char raw[sizeof(p)];
    for (unsigned i = 0; i < sizeof(raw); i++)
        raw[i] = (unsigned char)(0x11 * (i + 3));
    memcpy(&p, raw, sizeof(p));
    printf("decoded version=%u ihl=%u len=%u off=%u fl=%u ttl=%u proto=%u\n", p.version, p.ihl,
           p.len, p.off, p.fl, p.ttl, p.proto);
    return 0;
}
