/* The `make run` demo: a little compute, checked against a known answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    enum { N = 2000000 };
    unsigned char *composite = calloc(N + 1, 1);
    unsigned count = 0;
    unsigned long long sum = 0;
    for (unsigned i = 2; i <= N; i++) {
        if (composite[i])
            continue;
        count++;
        sum += i;
        for (unsigned long long j = (unsigned long long)i * i; j <= N; j += i)
            composite[j] = 1;
    }
    /* pi(2e6) = 148933 */
    printf("%u primes below %d, sum %llu: %s\n", count, N, sum,
           count == 148933 ? "correct" : "WRONG");
    free(composite);
    return count == 148933 ? 0 : 1;
}
