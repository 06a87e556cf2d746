/*
 * pthreads under load: 8 threads, 1M operations in all — mutex-protected
 * counters, C11 atomics, a rwlock-protected table, and a bounded queue
 * passed between producers and consumers with condition variables.  The
 * totals and the consumed items' checksum are exact; output equals the
 * native build's.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#define THREADS 8
#define OPS_PER_THREAD 125000   /* 8 x 125000 = 1M operations */
#define QCAP 64

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static uint64_t locked_sum, locked_count;
static atomic_ulong atomic_count;
static atomic_ulong atomic_xor;

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static uint64_t table[256];

static pthread_mutex_t qmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;
static uint64_t queue[QCAP];
static unsigned qhead, qlen;
static uint64_t consumed_sum, consumed_n;

static void put(uint64_t v)
{
    pthread_mutex_lock(&qmu);
    while (qlen == QCAP)
        pthread_cond_wait(&not_full, &qmu);
    queue[(qhead + qlen++) % QCAP] = v;
    pthread_cond_signal(&not_empty);
    pthread_mutex_unlock(&qmu);
}

static uint64_t take(void)
{
    pthread_mutex_lock(&qmu);
    while (qlen == 0)
        pthread_cond_wait(&not_empty, &qmu);
    uint64_t v = queue[qhead];
    qhead = (qhead + 1) % QCAP;
    qlen--;
    consumed_sum += v;
    consumed_n++;
    pthread_cond_signal(&not_full);
    pthread_mutex_unlock(&qmu);
    return v;
}

static void *worker(void *arg)
{
    uint64_t id = (uintptr_t)arg, x = id * 0x9e3779b97f4a7c15ull + 1;

    for (int i = 0; i < OPS_PER_THREAD; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        switch (i % 5) {
        case 0:
            pthread_mutex_lock(&mu);
            locked_sum += x & 0xffff;
            locked_count++;
            pthread_mutex_unlock(&mu);
            break;
        case 1:
            atomic_fetch_add(&atomic_count, 1);
            atomic_fetch_xor(&atomic_xor, x);
            break;
        case 2:
            pthread_rwlock_wrlock(&rw);
            table[x & 255] += 1;
            pthread_rwlock_unlock(&rw);
            break;
        case 3: {
            uint64_t s = 0;
            pthread_rwlock_rdlock(&rw);
            s = table[(x >> 8) & 255];
            pthread_rwlock_unlock(&rw);
            (void)s;
            break;
        }
        case 4:
            /* even threads produce, odd ones consume the same number */
            if (id % 2 == 0)
                put(x & 0xffffff);
            else
                take();
            break;
        }
    }
    return NULL;
}

int main(void)
{
    pthread_t th[THREADS];
    uint64_t expect_sum = 0, expect_xor = 0, expect_locked = 0, table_total = 0;

    for (uintptr_t t = 0; t < THREADS; t++)
        pthread_create(&th[t], NULL, worker, (void *)t);
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);

    /* the same sequences, serially */
    for (uint64_t id = 0; id < THREADS; id++) {
        uint64_t x = id * 0x9e3779b97f4a7c15ull + 1;
        for (int i = 0; i < OPS_PER_THREAD; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if (i % 5 == 0)
                expect_locked += x & 0xffff;
            if (i % 5 == 1)
                expect_xor ^= x;
            if (i % 5 == 4 && id % 2 == 0)
                expect_sum += x & 0xffffff;
        }
    }
    for (int i = 0; i < 256; i++)
        table_total += table[i];
    printf("mutex: count %llu sum %s\n", (unsigned long long)locked_count,
           locked_sum == expect_locked ? "exact" : "WRONG");
    printf("atomics: count %lu xor %s\n", (unsigned long)atomic_load(&atomic_count),
           atomic_load(&atomic_xor) == expect_xor ? "exact" : "WRONG");
    printf("rwlock: writes %llu\n", (unsigned long long)table_total);
    printf("queue: consumed %llu sum %s %llx\n", (unsigned long long)consumed_n,
           consumed_sum == expect_sum ? "exact" : "WRONG", (unsigned long long)consumed_sum);
    return 0;
}
