/* Signal delivery: handlers with and without SA_SIGINFO, si_code/si_value
 * from sigqueue, blocking with sigprocmask and pending sets, delivery on
 * unblock, nested signals (sa_mask during a handler is in signal_mask.c),
 * SA_RESETHAND, sigaltstack, SIGALRM-free
 * self-signalling with kill(getpid()), and a guarded SIGSEGV from a NULL
 * write. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t log_buf[64];
static volatile sig_atomic_t log_n;
static volatile int last_code, last_value, on_alt;
static char altstack[65536];
static sigjmp_buf jb;

static void note(int v)
{
    if (log_n < 64)
        log_buf[log_n++] = v;
}

static void plain(int sig) { note(sig); }

static void info(int sig, siginfo_t *si, void *uc)
{
    note(100 + sig);
    last_code = si->si_code;
    last_value = si->si_value.sival_int;
}

/* Raises a second signal from inside the first handler. */
static void nesting(int sig)
{
    note(200 + sig);
    if (sig == SIGUSR1)
        raise(SIGUSR2);
    note(300 + sig);
}

static void check_alt(int sig)
{
    char local;
    on_alt = (uintptr_t)&local >= (uintptr_t)altstack &&
             (uintptr_t)&local < (uintptr_t)altstack + sizeof(altstack);
    note(400 + sig);
}

static void segv(int sig, siginfo_t *si, void *uc)
{
    last_value = si->si_addr == (void *)16 ? 1 : 0;
    siglongjmp(jb, 1);
}

static void flush_log(const char *what)
{
    printf("%-28s", what);
    for (int i = 0; i < log_n; i++)
        printf(" %d", (int)log_buf[i]);
    printf("\n");
    log_n = 0;
}

static void set(int sig, void (*fn)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

int main(void)
{
    printf("SIGUSR1=%d SIGUSR2=%d SIGSEGV=%d SIGRTMIN+1 valid=%d\n", SIGUSR1, SIGUSR2,
           SIGSEGV, SIGRTMIN + 1 <= SIGRTMAX);
    set(SIGUSR1, plain, 0);
    raise(SIGUSR1);
    kill(getpid(), SIGUSR1);
    flush_log("raise+kill");

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = info;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR2, &sa, NULL);
    sigaction(SIGRTMIN + 1, &sa, NULL);
    union sigval v = { .sival_int = 4242 };
    sigqueue(getpid(), SIGUSR2, v);
    flush_log("sigqueue usr2");
    printf("  si_code is SI_QUEUE=%d value=%d\n", last_code == SI_QUEUE, last_value);
    raise(SIGUSR2);
    flush_log("raise usr2");
    printf("  si_code is SI_TKILL=%d\n", last_code == SI_TKILL);

    /* block, queue several, check pending, unblock: standard signals
     * coalesce, real-time ones queue */
    sigset_t block, pend, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &block, &old);
    raise(SIGUSR1);
    raise(SIGUSR1);
    for (int i = 0; i < 3; i++) {
        v.sival_int = i;
        sigqueue(getpid(), SIGRTMIN + 1, v);
    }
    flush_log("while blocked");
    sigpending(&pend);
    printf("  pending usr1=%d rt1=%d usr2=%d\n", sigismember(&pend, SIGUSR1),
           sigismember(&pend, SIGRTMIN + 1), sigismember(&pend, SIGUSR2));
    sigprocmask(SIG_SETMASK, &old, NULL);
    /* real-time signal numbers differ per ISA only in theory; print offsets */
    for (int i = 0; i < log_n; i++)
        if (log_buf[i] > 100 + SIGUSR2)
            log_buf[i] = 1000 + (log_buf[i] - 100 - SIGRTMIN);
    flush_log("after unblock");
    printf("  last rt value=%d\n", last_value);

    set(SIGUSR1, nesting, 0);
    set(SIGUSR2, nesting, 0);
    raise(SIGUSR1);
    flush_log("nested");

    set(SIGUSR1, plain, SA_RESETHAND);
    raise(SIGUSR1);
    struct sigaction cur;
    sigaction(SIGUSR1, NULL, &cur);
    flush_log("resethand");
    printf("  handler now SIG_DFL=%d\n", cur.sa_handler == SIG_DFL);

    signal(SIGUSR2, SIG_IGN);
    raise(SIGUSR2);
    flush_log("ignored");

    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack), .ss_flags = 0 };
    sigaltstack(&ss, NULL);
    set(SIGUSR1, check_alt, SA_ONSTACK);
    raise(SIGUSR1);
    flush_log("altstack");
    printf("  ran on altstack=%d\n", on_alt);
    set(SIGUSR2, check_alt, 0);
    raise(SIGUSR2);
    flush_log("no SA_ONSTACK");
    printf("  ran on altstack=%d\n", on_alt);

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    if (sigsetjmp(jb, 1) == 0) {
        static volatile uintptr_t bad_addr = 16;
        volatile int *p = (volatile int *)bad_addr;
        *p = 1;
        printf("no fault?\n");
    } else {
        printf("SIGSEGV caught, si_addr==16: %d\n", last_value);
    }

    /* finally: terminate by an unhandled signal the parent can see */
    fflush(stdout);
    signal(SIGTERM, SIG_DFL);
    raise(SIGTERM);
    printf("not reached\n");
    return 0;
}
