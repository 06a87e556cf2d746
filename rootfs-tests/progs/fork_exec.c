/*
 * fork + exec of the program itself + pipes + wait: children re-exec this
 * binary (through /proc/self/exe, through argv[0], with posix_spawn) in a
 * role named by argv[1], talk over pipes, and end with an exit status, a
 * signal or a stop the parent reads back with waitpid/wait4/waitid.  Under
 * a runner every exec starts a new runner on the guest binary (with the
 * same -L), so this checks that path and /proc/self/exe as the guest sees
 * it.  Output equals the native build's.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *self_path;   /* argv[0] of the first process */

/* ---- child roles (argv[1]) ---- */

static int role_upper(void)
{
    int c;

    while ((c = getchar()) != EOF)
        putchar(toupper(c));
    return 0;
}

static int role_count(void)
{
    unsigned long bytes = 0, lines = 0, sum = 0;
    int c;

    while ((c = getchar()) != EOF) {
        bytes++;
        lines += c == '\n';
        sum = sum * 31 + (unsigned char)c;
    }
    printf("%lu bytes, %lu lines, hash %lx\n", bytes, lines, sum);
    return 0;
}

static int role_env(int argc, char **argv)
{
    const char *v = getenv("FE_VAR");

    printf("argc %d, argv[2] '%s', FE_VAR '%s', PATH %s\n", argc, argc > 2 ? argv[2] : "",
           v ? v : "(unset)", getenv("PATH") ? "set" : "unset");
    return argc > 3 ? atoi(argv[3]) : 0;
}

/* tells the parent it is ready, then waits for a signal to end it */
static int role_wait(void)
{
    if (write(1, "r", 1) != 1)
        return 9;
    for (;;)
        pause();
}

static int run_role(int argc, char **argv)
{
    if (!strcmp(argv[1], "upper"))
        return role_upper();
    if (!strcmp(argv[1], "count"))
        return role_count();
    if (!strcmp(argv[1], "env"))
        return role_env(argc, argv);
    if (!strcmp(argv[1], "wait"))
        return role_wait();
    if (!strcmp(argv[1], "exit"))
        return atoi(argv[2]);
    fprintf(stderr, "unknown role %s\n", argv[1]);
    return 99;
}

/* ---- parent side ---- */

static void show_status(const char *what, int st)
{
    if (WIFEXITED(st))
        printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        printf("%s: killed by signal %d%s\n", what, WTERMSIG(st), WCOREDUMP(st) ? " (core)" : "");
    else if (WIFSTOPPED(st))
        printf("%s: stopped by signal %d\n", what, WSTOPSIG(st));
    else if (WIFCONTINUED(st))
        printf("%s: continued\n", what);
    else
        printf("%s: status %#x\n", what, st);
}

/* fork a child whose stdin/stdout are IN/OUT (or -1 to keep), which execs
 * PATH with ARGV; a close-on-exec pipe reports a failed exec's errno.
 * Every pipe here is close-on-exec, so that an exec'd child holds only its
 * own stdin/stdout and no stray write end that would keep a reader from
 * ever seeing end of file. */
static pid_t spawn(const char *path, char *const argv[], char *const envp[], int in, int out,
                   int *exec_errno)
{
    int rep[2];
    pid_t pid;

    if (pipe2(rep, O_CLOEXEC) < 0)
        return -1;
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        if (in >= 0) {
            dup2(in, 0);
            close(in);
        }
        if (out >= 0) {
            dup2(out, 1);
            close(out);
        }
        execve(path, argv, envp ? envp : environ);
        int e = errno;
        if (write(rep[1], &e, sizeof e) != (ssize_t)sizeof e)
            _exit(126);
        _exit(127);
    }
    close(rep[1]);
    *exec_errno = 0;
    if (pid > 0 && read(rep[0], exec_errno, sizeof *exec_errno) <= 0)
        *exec_errno = 0;
    close(rep[0]);
    return pid;
}

static void read_all(int fd, const char *label)
{
    char buf[4096];
    size_t n = 0;
    ssize_t r;

    while (n < sizeof buf - 1 && (r = read(fd, buf + n, sizeof buf - 1 - n)) > 0)
        n += (size_t)r;
    buf[n] = 0;
    printf("%s: %zu bytes: %s", label, n, buf);
    if (n == 0 || buf[n - 1] != '\n')
        putchar('\n');
    close(fd);
}

static void write_text(int fd, int lines)
{
    char line[96];

    for (int i = 0; i < lines; i++) {
        int n = snprintf(line, sizeof line, "line %d: the quick brown fox %x\n", i, i * 2654435761u);
        if (write(fd, line, (size_t)n) != n)
            break;
    }
    close(fd);
}

/* parent -> upper -> count -> parent, both through /proc/self/exe */
static void pipeline(void)
{
    int a[2], b[2], c[2], e1, e2, st;
    char *up[] = { "fork_exec", "upper", NULL }, *cnt[] = { "fork_exec", "count", NULL };

    if (pipe2(a, O_CLOEXEC) || pipe2(b, O_CLOEXEC) || pipe2(c, O_CLOEXEC))
        return;
    pid_t p1 = spawn("/proc/self/exe", up, NULL, a[0], b[1], &e1);
    close(a[0]);
    close(b[1]);
    pid_t p2 = spawn("/proc/self/exe", cnt, NULL, b[0], c[1], &e2);
    close(b[0]);
    close(c[1]);
    printf("pipeline: exec errors %d %d\n", e1, e2);
    write_text(a[1], 500);
    read_all(c[0], "pipeline output");
    /* reap in a fixed order so the output does not depend on scheduling */
    waitpid(p1, &st, 0);
    show_status("upper", st);
    waitpid(p2, &st, 0);
    show_status("count", st);
}

/* a large transfer both ways: the child's echo through argv[0] */
static void round_trip(void)
{
    int to[2], from[2], e, st;
    char *up[] = { (char *)self_path, "upper", NULL };

    if (pipe2(to, O_CLOEXEC) || pipe2(from, O_CLOEXEC))
        return;
    pid_t p = spawn(self_path, up, NULL, to[0], from[1], &e);
    close(to[0]);
    close(from[1]);
    printf("round trip via argv[0]: exec error %d\n", e);
    /* 58 KiB in: nearly a full pipe's worth, so writer and reader interleave */
    pid_t w = fork();
    if (w == 0) {
        close(from[0]);
        write_text(to[1], 1500);
        _exit(0);
    }
    close(to[1]);
    unsigned long n = 0, sum = 0;
    char buf[1000];
    ssize_t r;
    while ((r = read(from[0], buf, sizeof buf)) > 0)
        for (ssize_t i = 0; i < r; i++, n++)
            sum = sum * 131 + (unsigned char)buf[i];
    close(from[0]);
    printf("round trip: %lu bytes back, hash %lx\n", n, sum);
    waitpid(w, &st, 0);
    show_status("writer", st);
    waitpid(p, &st, 0);
    show_status("upper", st);
}

static void environment_and_status(void)
{
    int e, st, out[2];
    char *args[] = { "renamed-child", "env", "two words", "42", NULL };
    char *envp[] = { "FE_VAR=hello=world", NULL };

    if (pipe2(out, O_CLOEXEC))
        return;
    pid_t p = spawn("/proc/self/exe", args, envp, -1, out[1], &e);
    close(out[1]);
    read_all(out[0], "env child");
    struct rusage ru;
    pid_t got = wait4(p, &st, 0, &ru);
    printf("wait4 returned the child: %s\n", got == p ? "yes" : "no");
    show_status("env child", st);
}

static void exec_errors(void)
{
    int e, st;
    char *args[] = { "x", NULL };
    const char *paths[] = { "/nonexistent/prog", "/", "/dev/null" };

    for (unsigned i = 0; i < sizeof paths / sizeof *paths; i++) {
        pid_t p = spawn(paths[i], args, NULL, -1, -1, &e);
        waitpid(p, &st, 0);
        printf("exec %s: %s\n", paths[i], strerror(e));
        show_status("  failed child", st);
    }
}

static void signals_and_stops(void)
{
    int out[2], e, st;
    char *args[] = { "fork_exec", "wait", NULL };
    char c;

    if (pipe2(out, O_CLOEXEC))
        return;
    pid_t p = spawn("/proc/self/exe", args, NULL, -1, out[1], &e);
    close(out[1]);
    if (read(out[0], &c, 1) != 1)
        printf("waiting child did not start\n");
    kill(p, SIGSTOP);
    waitpid(p, &st, WUNTRACED);
    show_status("after SIGSTOP", st);
    kill(p, SIGCONT);
    waitpid(p, &st, WCONTINUED);
    show_status("after SIGCONT", st);
    printf("WNOHANG while it runs: %d\n", (int)waitpid(p, &st, WNOHANG));
    kill(p, SIGTERM);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    waitid(P_PID, (id_t)p, &si, WEXITED);
    printf("waitid: pid matches %d, code %s, status %d\n", si.si_pid == p,
           si.si_code == CLD_KILLED ? "CLD_KILLED" : si.si_code == CLD_EXITED ? "CLD_EXITED" : "other",
           si.si_status);
    close(out[0]);
}

static void many_children(void)
{
    enum { N = 12 };
    pid_t pids[N];
    int st, e;

    for (int i = 0; i < N; i++) {
        char code[8];
        snprintf(code, sizeof code, "%d", i * 10);
        char *args[] = { "fork_exec", "exit", code, NULL };
        pids[i] = spawn("/proc/self/exe", args, NULL, -1, -1, &e);
    }
    /* wait for any child, then match it to its slot */
    int seen[N] = { 0 }, sum = 0;
    for (int k = 0; k < N; k++) {
        pid_t p = wait(&st);
        for (int i = 0; i < N; i++)
            if (pids[i] == p && WIFEXITED(st) && WEXITSTATUS(st) == i * 10) {
                seen[i]++;
                sum += WEXITSTATUS(st);
            }
    }
    int all = 1;
    for (int i = 0; i < N; i++)
        all &= seen[i] == 1;
    printf("%d exec'd children reaped by wait: all matched %d, status sum %d\n", N, all, sum);
    pid_t none = wait(&st);
    printf("wait with no children left: %d (%s)\n", (int)none, strerror(errno));
}

static void with_posix_spawn(void)
{
    pid_t p;
    int st, out[2];
    posix_spawn_file_actions_t fa;
    char *args[] = { "spawned", "env", "via posix_spawn", "5", NULL };
    char *envp[] = { "FE_VAR=spawned", "PATH=/bin", NULL };

    if (pipe2(out, O_CLOEXEC))
        return;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    int r = posix_spawn(&p, "/proc/self/exe", &fa, NULL, args, envp);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    printf("posix_spawn: %s\n", strerror(r));
    read_all(out[0], "spawned child");
    waitpid(p, &st, 0);
    show_status("spawned child", st);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return run_role(argc, argv);
    self_path = argv[0];
    pipeline();
    round_trip();
    environment_and_status();
    exec_errors();
    signals_and_stops();
    many_children();
    with_posix_spawn();
    return 0;
}
