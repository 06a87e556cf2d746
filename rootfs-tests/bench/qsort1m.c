/* Benchmark kernel: libc qsort of 1M ints with a comparator, three
 * differently-seeded arrays.  argv[1] scales the number of arrays. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int arrays = 3 * (argc > 1 ? atoi(argv[1]) : 1);
    size_t n = 1000000;
    int *v = malloc(n * sizeof(*v));
    uint64_t h = 0;
    for (int a = 0; a < arrays; a++) {
        uint32_t x = 2463534242u + (uint32_t)a;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            v[i] = (int)(x % 2000000000u) - 1000000000;
        }
        qsort(v, n, sizeof(*v), cmp);
        for (size_t i = 0; i < n; i += 97)
            h = h * 1000003u + (uint32_t)v[i];
        for (size_t i = 1; i < n; i++)
            if (v[i - 1] > v[i]) {
                printf("not sorted\n");
                return 1;
            }
    }
    printf("checksum %016llx\n", (unsigned long long)h);
    free(v);
    return 0;
}
