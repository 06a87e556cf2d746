/* Benchmark kernel: byte-array sieve of Eratosthenes up to 40 million,
 * counting primes and summing every 1000th.  argv[1] scales repetitions. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 1;
    size_t n = 40000000;
    unsigned char *composite = malloc(n + 1);
    uint64_t count = 0, sum = 0;
    for (int r = 0; r < reps; r++) {
        memset(composite, 0, n + 1);
        for (size_t i = 2; i * i <= n; i++)
            if (!composite[i])
                for (size_t j = i * i; j <= n; j += i)
                    composite[j] = 1;
        count = 0;
        for (size_t i = 2; i <= n; i++)
            if (!composite[i]) {
                count++;
                if (count % 1000 == 0)
                    sum += i;
            }
    }
    printf("checksum %llu %llu\n", (unsigned long long)count, (unsigned long long)sum);
    free(composite);
    return 0;
}
