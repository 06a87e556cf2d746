#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "check.h"
#include "textstat.h"

enum { THREADS = 6, BUF = 1 << 16 };

static unsigned char bufs[THREADS][BUF];
static uint32_t results[THREADS];
static atomic_ulong bytes_done;

static void *worker(void *arg)
{
    int t = (int)(intptr_t)arg;

    for (size_t i = 0; i < BUF; i += 512) {
        results[t] = crc32_update(results[t], bufs[t] + i, 512);
        atomic_fetch_add(&bytes_done, 512);
    }
    return NULL;
}

int main(void)
{
    pthread_t th[THREADS];
    uint32_t x = 12345;

    for (int t = 0; t < THREADS; t++)
        for (int i = 0; i < BUF; i++) {
            x = x * 1103515245u + 12345u;
            bufs[t][i] = (unsigned char)(x >> 16);
        }
    for (int t = 0; t < THREADS; t++)
        CHECK(pthread_create(&th[t], NULL, worker, (void *)(intptr_t)t) == 0);
    for (int t = 0; t < THREADS; t++)
        CHECK(pthread_join(th[t], NULL) == 0);
    /* the threads' results equal a serial computation */
    for (int t = 0; t < THREADS; t++)
        CHECK(results[t] == crc32_update(0, bufs[t], BUF));
    CHECK(atomic_load(&bytes_done) == (unsigned long)THREADS * BUF);
    printf("unit_threads: %d failures\n", check_failures);
    return check_failures != 0;
}
