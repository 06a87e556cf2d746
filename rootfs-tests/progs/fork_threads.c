/*
 * fork while other threads are busy in the system: a child starts with only
 * the forking thread, so a lock some other thread held at that moment (in
 * the libc, or in an emulator's own memory map, code cache or log) must not
 * stay taken in the child.  Four threads map/unmap, change signal
 * dispositions, allocate and write while the main thread forks 150
 * children; each child does the same kinds of calls, starts and joins a
 * thread of its own, and exits 7.  A child that hangs is killed by the
 * parent's alarm, which fails the run.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define WORKERS 4
#define FORKS 150

static atomic_int stop;

static void on_usr1(int sig)
{
    (void)sig;
}

/* one round of the calls that take locks in a libc or an emulator */
static void churn(unsigned i)
{
    size_t len = 4096 * (1 + i % 7);
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED) {
        perror("mmap");
        exit(2);
    }
    p[len - 1] = (char)i;
    mprotect(p, 4096, PROT_READ);
    munmap(p, len);

    struct sigaction sa = { .sa_handler = i & 1 ? on_usr1 : SIG_IGN };
    sigaction(SIGUSR1, &sa, NULL);

    char *m = malloc(64 + i % 4000);
    if (!m)
        exit(2);
    memset(m, 1, 64);
    free(m);
    /* stdio's locks: a write nobody reads */
    fprintf(stderr, "%s", "");
}

static void *worker(void *arg)
{
    unsigned i = (unsigned)(uintptr_t)arg;

    while (!atomic_load(&stop))
        churn(i++);
    return NULL;
}

static void *child_thread(void *arg)
{
    churn((unsigned)(uintptr_t)arg);
    return NULL;
}

static void child(unsigned n)
{
    pthread_t t;

    churn(n);
    if (pthread_create(&t, NULL, child_thread, (void *)(uintptr_t)n) || pthread_join(t, NULL))
        _exit(3);
    churn(n + 1);
    _exit(7);
}

int main(void)
{
    pthread_t w[WORKERS];
    int ok = 0, bad = 0;

    /* a hung child hangs the waitpid below: end the run instead */
    alarm(100);
    for (int i = 0; i < WORKERS; i++)
        if (pthread_create(&w[i], NULL, worker, (void *)(uintptr_t)(i * 1000))) {
            perror("pthread_create");
            return 1;
        }
    for (unsigned n = 0; n < FORKS; n++) {
        pid_t pid = fork();
        int st;

        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0)
            child(n);
        if (waitpid(pid, &st, 0) != pid) {
            perror("waitpid");
            return 1;
        }
        if (WIFEXITED(st) && WEXITSTATUS(st) == 7)
            ok++;
        else
            bad++;
    }
    atomic_store(&stop, 1);
    for (int i = 0; i < WORKERS; i++)
        pthread_join(w[i], NULL);
    printf("children: %d exited 7, %d otherwise\n", ok, bad);
    return bad != 0;
}
