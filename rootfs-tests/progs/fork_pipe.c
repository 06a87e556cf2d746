/* Processes: fork, pipes between parent and children, waitpid statuses
 * (normal exit codes, death by signal), the child's copy-on-write view of
 * memory, and a child writing to the inherited stdout after the parent
 * flushed.  Output order is fixed by waiting. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int shared_counter = 100;

static void describe(const char *what, int status)
{
    if (WIFEXITED(status))
        printf("%s: exited %d\n", what, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        printf("%s: killed by signal %d\n", what, WTERMSIG(status));
    else
        printf("%s: other status %#x\n", what, status);
}

int main(void)
{
    int p[2];
    if (pipe(p) != 0)
        return 1;
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        shared_counter += 5;   /* not visible to the parent */
        char msg[64];
        uint64_t h = 0;
        for (int i = 0; i < 100000; i++)
            h = h * 31 + (uint64_t)i;
        int n = snprintf(msg, sizeof(msg), "child counter=%d h=%016llx", shared_counter,
                         (unsigned long long)h);
        if (write(p[1], msg, (size_t)n) != n)
            _exit(9);
        _exit(7);
    }
    close(p[1]);
    char buf[128];
    ssize_t total = 0, n;
    while ((n = read(p[0], buf + total, sizeof(buf) - 1 - (size_t)total)) > 0)
        total += n;
    buf[total] = 0;
    close(p[0]);
    int st = 0;
    pid_t w = waitpid(c, &st, 0);
    printf("parent read [%s] (%zd bytes), waited right child=%d\n", buf, total, w == c);
    describe("child 1", st);
    printf("parent counter=%d\n", shared_counter);

    /* a child that dies from SIGKILL sent to itself, and one from abort-like SIGSEGV default */
    fflush(stdout);
    c = fork();
    if (c == 0) {
        kill(getpid(), SIGKILL);
        _exit(1);
    }
    waitpid(c, &st, 0);
    describe("child 2", st);
    c = fork();
    if (c == 0) {
        signal(SIGUSR1, SIG_DFL);
        raise(SIGUSR1);
        _exit(1);
    }
    waitpid(c, &st, 0);
    describe("child 3", st);

    /* several children through one pipe each, reaped in order */
    pid_t kids[5];
    int fds[5];
    for (int i = 0; i < 5; i++) {
        int q[2];
        if (pipe(q) != 0)
            return 1;
        fflush(stdout);
        kids[i] = fork();
        if (kids[i] == 0) {
            close(q[0]);
            char m[32];
            int len = snprintf(m, sizeof(m), "kid%d:%d", i, i * i * 11);
            if (write(q[1], m, (size_t)len) != len)
                _exit(100);
            _exit(10 + i);
        }
        close(q[1]);
        fds[i] = q[0];
    }
    for (int i = 0; i < 5; i++) {
        char m[32] = { 0 };
        ssize_t r = read(fds[i], m, sizeof(m) - 1);
        close(fds[i]);
        waitpid(kids[i], &st, 0);
        printf("kid %d said [%s] r=%zd ", i, m, r);
        describe("status", st);
    }

    /* a child printing on the shared stdout; parent prints after waiting */
    fflush(stdout);
    c = fork();
    if (c == 0) {
        printf("hello from the child on stdout\n");
        fflush(stdout);
        _exit(0);
    }
    waitpid(c, &st, 0);
    printf("parent after child print, status ok=%d\n", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    printf("no more children: %d\n", waitpid(-1, &st, WNOHANG) == -1);
    return 0;
}
