/* pthreads: 8 threads with a mutex-protected counter, a condition-variable
 * rendezvous, C11 atomics under contention, thread-local storage, join
 * results, and a signal sent to one thread with pthread_kill. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define N 8
#define ITERS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter;
static int arrived, go;
static atomic_long acount;
static atomic_int cas_count;
static _Atomic unsigned long long wide;
static __thread int tls_id = -1;
static __thread long tls_sum;
static volatile sig_atomic_t usr1_in, ready;

static void on_usr1(int sig)
{
    usr1_in = tls_id + 100;
}

static void *worker(void *arg)
{
    int id = (int)(long)arg;
    tls_id = id;
    pthread_mutex_lock(&lock);
    arrived++;
    if (arrived == N) {
        go = 1;
        pthread_cond_broadcast(&cond);
    }
    while (!go)
        pthread_cond_wait(&cond, &lock);
    pthread_mutex_unlock(&lock);

    for (int i = 0; i < ITERS; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
        atomic_fetch_add(&acount, 2);
        int old = atomic_load(&cas_count);
        while (!atomic_compare_exchange_weak(&cas_count, &old, old + 1))
            ;
        atomic_fetch_add(&wide, 1ull << 33);
        tls_sum += id;
    }
    return (void *)(long)(tls_sum + tls_id * 1000000L);
}

static void *sig_target(void *arg)
{
    tls_id = 7;
    ready = 1;
    while (!usr1_in)
        ;
    return NULL;
}

int main(void)
{
    pthread_t th[N];
    for (long i = 0; i < N; i++)
        pthread_create(&th[i], NULL, worker, (void *)i);
    long total = 0;
    for (int i = 0; i < N; i++) {
        void *r;
        pthread_join(th[i], &r);
        total += (long)r;
    }
    printf("counter=%ld atomic=%ld cas=%d wide=%llu\n", counter, (long)atomic_load(&acount),
           atomic_load(&cas_count), (unsigned long long)(atomic_load(&wide) >> 33));
    printf("join total=%ld main tls_id=%d\n", total, tls_id);

    signal(SIGUSR1, on_usr1);
    pthread_t t;
    pthread_create(&t, NULL, sig_target, NULL);
    while (!ready)
        ;
    pthread_kill(t, SIGUSR1);
    pthread_join(t, NULL);
    printf("pthread_kill handled on thread with tls_id=%d\n", (int)usr1_in - 100);
    return 0;
}
