/* Benchmark kernel: 512x512 double matrix multiply (i-k-j order): two
 * rounds of C=A*B, D=C*A.  argv[1] scales the rounds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 512

static void mul(const double *a, const double *b, double *c)
{
    memset(c, 0, sizeof(double) * N * N);
    for (int i = 0; i < N; i++)
        for (int k = 0; k < N; k++) {
            double aik = a[i * N + k];
            const double *brow = b + k * N;
            double *crow = c + i * N;
            for (int j = 0; j < N; j++)
                crow[j] += aik * brow[j];
        }
}

int main(int argc, char **argv)
{
    int reps = 2 * (argc > 1 ? atoi(argv[1]) : 1);
    double *a = malloc(sizeof(double) * N * N), *b = malloc(sizeof(double) * N * N);
    double *c = malloc(sizeof(double) * N * N), *d = malloc(sizeof(double) * N * N);
    for (int i = 0; i < N * N; i++) {
        a[i] = (double)((i * 7 + 3) % 19) / 8.0 - 1.0;
        b[i] = (double)((i * 13 + 5) % 23) / 16.0 - 0.5;
    }
    double sum = 0;
    for (int r = 0; r < reps; r++) {
        mul(a, b, c);
        mul(c, a, d);
        for (int i = 0; i < N * N; i += 7)
            sum += d[i] * (double)(i % 5);
        a[r % (N * N)] += 0.125;
    }
    printf("checksum %a %a\n", sum, d[N * N - 1]);
    return 0;
}
