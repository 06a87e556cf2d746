/* Timer signals interrupt a busy loop that makes no system calls (the
 * translated loop must notice the signal by itself). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static volatile sig_atomic_t fired;

static void on_alarm(int sig)
{
    fired++;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);

    struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
    setitimer(ITIMER_REAL, &it, NULL);
    volatile unsigned long spins = 0;
    while (fired < 5)
        spins++;
    memset(&it, 0, sizeof(it));
    setitimer(ITIMER_REAL, &it, NULL);
    printf("itimer: fired=%d spun=%d\n", (int)fired, spins > 0);

    fired = 0;
    alarm(1);
    unsigned long x = 1;
    while (!fired)
        x = x * 6364136223846793005ul + 1;
    printf("alarm: fired=%d\n", (int)fired);
    return x == 0;
}
