/*
 * Every real-time signal the kernel has (32..64, SIGRTMIN..SIGRTMAX as the
 * kernel numbers them; glibc keeps 32 and 33 for itself, so everything here
 * goes through raw syscalls) can be blocked, queued with a value, seen
 * pending, taken with rt_sigtimedwait and caught by an SA_SIGINFO handler;
 * queued real-time signals arrive lowest number first and each instance of
 * a repeated one arrives.  A runner that kept any of them for itself fails
 * here.  The native build prints the same.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define RT_FIRST 32
#define RT_LAST 64

/* the kernel's struct sigaction */
struct ksigaction {
    void *handler;
    unsigned long flags;
#ifndef __riscv
    void *restorer;
#endif
    uint64_t mask;
};

static int order[256], n_order;
static int values[256];

static void on_rt(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if (n_order < 256) {
        values[n_order] = si->si_value.sival_int;
        order[n_order++] = sig;
    }
}

static uint64_t bit(int sig)
{
    return 1ull << (sig - 1);
}

static long mask(int how, uint64_t set)
{
    return syscall(SYS_rt_sigprocmask, how, &set, NULL, 8);
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

int main(void)
{
    struct ksigaction ka;
    struct sigaction sa;
    int ok_block = 0, ok_pending = 0, ok_wait = 0, ok_install = 0;

    /* glibc's own flags and restorer for a handler, read back from the
     * kernel, reused for every real-time signal */
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_rt;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    if (syscall(SYS_rt_sigaction, SIGUSR1, NULL, &ka, 8) != 0)
        return 2;
    /* a handler blocks every real-time signal, so that they run one after
     * the other in delivery order instead of nesting */
    for (int s = RT_FIRST; s <= RT_LAST; s++)
        ka.mask |= 1ull << (s - 1);

    for (int s = RT_FIRST; s <= RT_LAST; s++) {
        uint64_t pend = 0;
        siginfo_t si;
        struct timespec zero = { 0, 0 };

        ok_install += syscall(SYS_rt_sigaction, s, &ka, NULL, 8) == 0;
        ok_block += mask(SIG_BLOCK, bit(s)) == 0;
        queue(s, s * 100);
        syscall(SYS_rt_sigpending, &pend, 8);
        ok_pending += (pend & bit(s)) != 0;
        uint64_t set = bit(s);
        memset(&si, 0, sizeof si);
        ok_wait += syscall(SYS_rt_sigtimedwait, &set, &si, &zero, 8) == s &&
                   si.si_value.sival_int == s * 100 && si.si_code == SI_QUEUE;
    }
    printf("handlers installed: %d of %d\n", ok_install, RT_LAST - RT_FIRST + 1);
    printf("blocked: %d, seen pending: %d, taken by rt_sigtimedwait with the value: %d\n",
           ok_block, ok_pending, ok_wait);

    /* all blocked; queue each twice, highest first, then unblock at once */
    for (int s = RT_LAST; s >= RT_FIRST; s--) {
        queue(s, s);
        queue(s, -s);
    }
    mask(SIG_UNBLOCK, ~0ull);
    printf("delivered: %d\n", n_order);
    int in_order = 1, values_ok = 1;
    for (int i = 0; i < n_order; i++) {
        if (order[i] != RT_FIRST + i / 2)
            in_order = 0;
        if (values[i] != (i % 2 ? -order[i] : order[i]))
            values_ok = 0;
    }
    printf("lowest first, both instances, in queue order: %s\n", in_order && values_ok ? "yes" : "no");
    for (int i = 0; i < n_order; i += 11)
        printf("  #%d: signal %d value %d\n", i, order[i], values[i]);
    return !(in_order && values_ok && n_order == 2 * (RT_LAST - RT_FIRST + 1));
}
