/* A blocking pipe read interrupted by SIGALRM: restarted with SA_RESTART
 * (the read then gets the byte a child writes later), failing with EINTR
 * without it.  Also sigsuspend, sigpending and sigtimedwait with blocked
 * signals. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t hits;

static void h(int sig)
{
    hits++;
}

static void one(int flags)
{
    int fd[2];
    pipe(fd);
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec ts = { 0, 400 * 1000 * 1000 };
        nanosleep(&ts, NULL);
        write(fd[1], "x", 1);
        _exit(0);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = h;
    sa.sa_flags = flags;
    sigaction(SIGALRM, &sa, NULL);
    hits = 0;
    struct itimerval it = { { 0, 0 }, { 0, 100 * 1000 } };
    setitimer(ITIMER_REAL, &it, NULL);
    char c = 0;
    ssize_t n = read(fd[0], &c, 1);
    int e = n < 0 ? errno : 0;
    printf("%s: n=%zd errno=%s c=%c hits=%d\n", flags ? "SA_RESTART" : "no restart", n,
           e == EINTR ? "EINTR" : e ? "other" : "0", c ? c : '-', (int)hits);
    waitpid(pid, NULL, 0);
    close(fd[0]);
    close(fd[1]);
}

int main(void)
{
    one(SA_RESTART);
    one(0);

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = h;
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t block, old, pend, none;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, &old);
    hits = 0;
    raise(SIGUSR1);
    sigpending(&pend);
    printf("blocked: hits=%d pending=%d\n", (int)hits, sigismember(&pend, SIGUSR1));
    sigemptyset(&none);
    int r = sigsuspend(&none);
    printf("sigsuspend: r=%d eintr=%d hits=%d\n", r, errno == EINTR, (int)hits);
    sigprocmask(SIG_SETMASK, NULL, &pend);
    printf("mask restored: %d\n", sigismember(&pend, SIGUSR1));

    raise(SIGUSR2);
    siginfo_t si;
    struct timespec ts = { 1, 0 };
    sigset_t want;
    sigemptyset(&want);
    sigaddset(&want, SIGUSR2);
    int s = sigtimedwait(&want, &si, &ts);
    printf("sigtimedwait: sig_is_usr2=%d code=%d\n", s == SIGUSR2, si.si_code);
    ts.tv_sec = 0;
    ts.tv_nsec = 1000 * 1000;
    s = sigtimedwait(&want, &si, &ts);
    printf("sigtimedwait empty: r=%d eagain=%d\n", s, errno == EAGAIN);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return 0;
}
