/* Benchmark kernel: table-driven (byte-at-a-time) CRC-32 over a 16 MiB
 * buffer, 6 passes.  argv[1] scales the pass count. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    int passes = 6 * (argc > 1 ? atoi(argv[1]) : 1);
    uint32_t tab[256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & -(c & 1));
        tab[i] = c;
    }
    size_t n = 16 << 20;
    unsigned char *buf = malloc(n);
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = (unsigned char)x;
    }
    uint32_t acc = 0;
    for (int p = 0; p < passes; p++) {
        uint32_t c = 0xffffffffu ^ (uint32_t)p;
        for (size_t i = 0; i < n; i++)
            c = tab[(c ^ buf[i]) & 0xff] ^ (c >> 8);
        acc = acc * 31 + ~c;
        buf[p] ^= (unsigned char)c;
    }
    printf("checksum %08x\n", acc);
    free(buf);
    return 0;
}
