/*
 * Every real-time signal the kernel has (32..64, SIGRTMIN..SIGRTMAX as the
 * kernel numbers them; glibc keeps 32 and 33 for itself, so the first parts
 * go through raw syscalls) can be blocked, sent, seen pending, taken with
 * rt_sigtimedwait and caught by an SA_SIGINFO handler that sees the right
 * si_signo, si_code, si_pid and si_value; queued real-time signals arrive
 * lowest number first and each instance of a repeated one arrives; a
 * process-directed one reaches the only thread that has it unblocked; and
 * glibc's own SIGRTMIN..SIGRTMAX work through sigprocmask, sigqueue and
 * sigtimedwait.  A runner that kept any of them for itself fails here.  The
 * native build prints the same.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define RT_FIRST 32
#define RT_LAST 64
#define RT_COUNT (RT_LAST - RT_FIRST + 1)
#define RECORDS 256

/* the kernel's struct sigaction */
struct ksigaction {
    void *handler;
    unsigned long flags;
#ifndef __riscv
    void *restorer;
#endif
    uint64_t mask;
};

struct record {
    int sig, signo, code, value, from_self, tid;
};

static struct ksigaction rt_action;
static struct record rec[RECORDS];
static _Atomic int n_rec;

static void on_rt(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    int i = atomic_load(&n_rec);
    if (i < RECORDS) {
        rec[i] = (struct record){ sig, si->si_signo, si->si_code, si->si_value.sival_int,
                                  si->si_pid == getpid(), gettid() };
        atomic_store(&n_rec, i + 1);
    }
}

static uint64_t bit(int sig)
{
    return 1ull << (sig - 1);
}

static const uint64_t all_rt = ~0ull << (RT_FIRST - 1);

static long mask(int how, uint64_t set)
{
    return syscall(SYS_rt_sigprocmask, how, &set, NULL, 8);
}

static uint64_t pending(void)
{
    uint64_t pend = 0;

    syscall(SYS_rt_sigpending, &pend, 8);
    return pend;
}

static long queue(int sig, int value)
{
    siginfo_t si;

    memset(&si, 0, sizeof si);
    si.si_signo = sig;
    si.si_code = SI_QUEUE;
    si.si_pid = getpid();
    si.si_uid = getuid();
    si.si_value.sival_int = value;
    return syscall(SYS_rt_tgsigqueueinfo, getpid(), gettid(), sig, &si);
}

/* one per signal: blocked, queued with a value, pending, taken by
 * rt_sigtimedwait (nothing is left pending, no handler runs) */
static void part_sigtimedwait(void)
{
    int ok_block = 0, ok_pending = 0, ok_wait = 0;

    for (int s = RT_FIRST; s <= RT_LAST; s++) {
        siginfo_t si;
        struct timespec zero = { 0, 0 };
        uint64_t set = bit(s);

        ok_block += mask(SIG_BLOCK, bit(s)) == 0;
        queue(s, s * 100);
        ok_pending += (pending() & bit(s)) != 0;
        memset(&si, 0, sizeof si);
        ok_wait += syscall(SYS_rt_sigtimedwait, &set, &si, &zero, 8) == s && si.si_signo == s &&
                   si.si_value.sival_int == s * 100 && si.si_code == SI_QUEUE &&
                   (pending() & bit(s)) == 0;
    }
    printf("blocked: %d, seen pending: %d, taken by rt_sigtimedwait with the value: %d\n",
           ok_block, ok_pending, ok_wait);
    printf("handler calls meanwhile: %d\n", atomic_load(&n_rec));
}

/* one per signal: blocked, sent with tgkill, pending, caught by the handler
 * as soon as it is unblocked, with si_code SI_TKILL */
static void part_tgkill(void)
{
    int ok_pending = 0, ok_caught = 0;

    for (int s = RT_FIRST; s <= RT_LAST; s++) {
        int before = atomic_load(&n_rec);

        syscall(SYS_tgkill, getpid(), gettid(), s);
        ok_pending += (pending() & bit(s)) != 0 && atomic_load(&n_rec) == before;
        mask(SIG_UNBLOCK, bit(s));
        struct record *r = &rec[before];
        ok_caught += atomic_load(&n_rec) == before + 1 && r->sig == s && r->signo == s &&
                     r->code == SI_TKILL && r->from_self;
        mask(SIG_BLOCK, bit(s));
    }
    printf("tgkill: pending while blocked %d, caught on unblock with SI_TKILL %d\n", ok_pending,
           ok_caught);
}

/* all blocked; each queued twice, highest first, then all unblocked at once */
static void part_order(void)
{
    int base = atomic_load(&n_rec);

    for (int s = RT_LAST; s >= RT_FIRST; s--) {
        queue(s, s);
        queue(s, -s);
    }
    printf("pending before unblocking: %s\n", (pending() & all_rt) == all_rt ? "all 33" : "not all");
    mask(SIG_UNBLOCK, all_rt);
    int n = atomic_load(&n_rec) - base, in_order = 1, values_ok = 1, info_ok = 1;
    printf("delivered: %d\n", n);
    for (int i = 0; i < n; i++) {
        struct record *r = &rec[base + i];
        if (r->sig != RT_FIRST + i / 2)
            in_order = 0;
        if (r->value != (i % 2 ? -r->sig : r->sig))
            values_ok = 0;
        if (r->signo != r->sig || r->code != SI_QUEUE || !r->from_self)
            info_ok = 0;
    }
    printf("lowest first: %s, both instances in queue order: %s, si_signo/si_code/si_pid: %s\n",
           in_order ? "yes" : "no", values_ok ? "yes" : "no", info_ok ? "yes" : "no");
    for (int i = 0; i < n; i += 11)
        printf("  #%d: signal %d value %d\n", i, rec[base + i].sig, rec[base + i].value);
    mask(SIG_BLOCK, all_rt);
}

static _Atomic int worker_ready, worker_done;

static void *worker(void *arg)
{
    (void)arg;
    mask(SIG_UNBLOCK, all_rt);
    atomic_store(&worker_ready, 1);
    while (!atomic_load(&worker_done))
        usleep(1000);
    return NULL;
}

/* process-directed (kill) with the main thread blocking them all: each one
 * must reach the worker thread, the only one that accepts it */
static void part_other_thread(void)
{
    pthread_t th;
    int base = atomic_load(&n_rec), to_worker = 0;
    pid_t main_tid = gettid();

    if (pthread_create(&th, NULL, worker, NULL) != 0)
        return;
    /* glibc's first pthread_create takes 33 back for its setxid handler and
     * leaves its creator with 32 and 33 unblocked: undo both */
    for (int s = RT_FIRST; s <= RT_LAST; s++)
        syscall(SYS_rt_sigaction, s, &rt_action, NULL, 8);
    mask(SIG_BLOCK, all_rt);
    while (!atomic_load(&worker_ready))
        usleep(1000);
    for (int s = RT_FIRST; s <= RT_LAST; s++) {
        int want = atomic_load(&n_rec) + 1;
        kill(getpid(), s);
        /* wait (at most 5 s) for the worker's handler */
        for (int t = 0; t < 5000 && atomic_load(&n_rec) < want; t++)
            usleep(1000);
    }
    atomic_store(&worker_done, 1);
    pthread_join(th, NULL);
    int n = atomic_load(&n_rec) - base;
    for (int i = 0; i < n; i++) {
        struct record *r = &rec[base + i];
        to_worker += r->sig == RT_FIRST + i && r->code == SI_USER && r->tid != main_tid;
    }
    printf("kill with only another thread accepting: %d caught there, %d in order with SI_USER\n",
           n, to_worker);
}

/* glibc's view: SIGRTMIN..SIGRTMAX (the ones it leaves to programs) through
 * its own wrappers, process-directed with sigqueue */
static void part_glibc(void)
{
    sigset_t set;
    int ok = 0;

    printf("glibc SIGRTMIN..SIGRTMAX: %d..%d\n", SIGRTMIN, SIGRTMAX);
    for (int s = SIGRTMIN; s <= SIGRTMAX; s++) {
        siginfo_t si;
        struct timespec zero = { 0, 0 };

        sigemptyset(&set);
        sigaddset(&set, s);
        sigprocmask(SIG_BLOCK, &set, NULL);
        sigqueue(getpid(), s, (union sigval){ .sival_int = 7 * s });
        sigset_t pend;
        sigpending(&pend);
        memset(&si, 0, sizeof si);
        ok += sigismember(&pend, s) && sigtimedwait(&set, &si, &zero) == s &&
              si.si_value.sival_int == 7 * s && si.si_code == SI_QUEUE;
    }
    printf("sigprocmask + sigqueue + sigpending + sigtimedwait: %d of %d\n", ok,
           SIGRTMAX - SIGRTMIN + 1);
}

int main(void)
{
    struct ksigaction *ka = &rt_action;
    struct sigaction sa;
    int ok_install = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    /* glibc's own flags and restorer for a handler, read back from the
     * kernel, reused for every real-time signal */
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_rt;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    if (syscall(SYS_rt_sigaction, SIGUSR1, NULL, ka, 8) != 0)
        return 2;
    /* a handler blocks every real-time signal, so that they run one after
     * the other in delivery order instead of nesting */
    ka->mask |= all_rt;
    for (int s = RT_FIRST; s <= RT_LAST; s++) {
        struct ksigaction back;
        ok_install += syscall(SYS_rt_sigaction, s, ka, NULL, 8) == 0 &&
                      syscall(SYS_rt_sigaction, s, NULL, &back, 8) == 0 &&
                      back.handler == (void *)on_rt && (back.mask & all_rt) == all_rt;
    }
    printf("handlers installed and read back: %d of %d\n", ok_install, RT_COUNT);

    part_sigtimedwait();
    part_tgkill();
    part_order();
    part_other_thread();
    part_glibc();
    return 0;
}
