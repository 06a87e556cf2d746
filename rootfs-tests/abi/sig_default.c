/* Default actions: the process dies by the signal (the shell sees 128+N),
 * SIG_IGN ignores, SA_RESETHAND resets after one handler. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile int hits;
static void h(int sig) { hits++; }

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGUSR1, SIG_IGN);
    raise(SIGUSR1);
    printf("ignored SIGUSR1\n");
    raise(SIGCHLD);
    printf("default-ignored SIGCHLD\n");
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = h;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    sigaction(SIGUSR2, NULL, &sa);
    printf("resethand: hits=%d now_default=%d\n", hits, sa.sa_handler == SIG_DFL);
    if (!strcmp(what, "term"))
        raise(SIGTERM);
    else if (!strcmp(what, "abort"))
        abort();
    else if (!strcmp(what, "kill-usr2"))
        kill(getpid(), SIGUSR2);
    else if (!strcmp(what, "segv"))
        *(volatile int *)16 = 1;
    printf("still alive\n");
    return 3;
}
