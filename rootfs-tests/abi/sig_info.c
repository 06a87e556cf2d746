/* SA_SIGINFO handlers reached through raise, kill, tgkill and sigqueue:
 * si_signo, si_code, si_pid, si_value, and the three handler arguments. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile int got_sig, got_code, got_val, got_pid_ok, uc_ok, count;

static void h(int sig, siginfo_t *si, void *uc)
{
    got_sig = sig;
    got_code = si->si_code;
    got_val = si->si_value.sival_int;
    got_pid_ok = si->si_pid == getpid();
    uc_ok = uc != NULL && si->si_signo == sig;
    count++;
}

static void show(const char *what)
{
    printf("%s: sig=%d code=%d pid_ok=%d uc_ok=%d count=%d\n", what, got_sig, got_code,
           got_pid_ok, uc_ok, count);
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = h;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    sigaction(SIGRTMIN + 3, &sa, NULL);

    raise(SIGUSR1);
    show("raise");
    kill(getpid(), SIGUSR2);
    show("kill");
    syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
    show("tgkill");
    union sigval v = { .sival_int = 4242 };
    sigqueue(getpid(), SIGUSR2, v);
    show("sigqueue");
    printf("value=%d\n", got_val);
    v.sival_int = 77;
    sigqueue(getpid(), SIGRTMIN + 3, v);
    printf("rt: sig_is_rtmin3=%d value=%d code=%d\n", got_sig == SIGRTMIN + 3, got_val, got_code);

    /* real-time signals queue while blocked and arrive in order */
    sigset_t b, old;
    sigemptyset(&b);
    sigaddset(&b, SIGRTMIN + 3);
    sigprocmask(SIG_BLOCK, &b, &old);
    for (int i = 0; i < 3; i++) {
        v.sival_int = 100 + i;
        sigqueue(getpid(), SIGRTMIN + 3, v);
    }
    count = 0;
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("rt queued: delivered=%d last=%d\n", count, got_val);
    return 0;
}
