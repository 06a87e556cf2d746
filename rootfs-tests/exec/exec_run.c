/*
 * The guest side of the exec tests: one way of starting a program per
 * mode, with a fixed environment unless the mode says otherwise; prints
 * only what the caller cannot see itself (a child's status, an errno).
 *
 *   exec_run execve PATH ARGV0 [ARG...]          fixed environment
 *   exec_run execve-env PATH ARGV0 [ARG...]      this process's environment
 *   exec_run execveat-dir DIR NAME ARGV0 [ARG...]
 *   exec_run fexecve PATH ARGV0 [ARG...]         execveat(fd, "", AT_EMPTY_PATH)
 *   exec_run fork PATH ARGV0 [ARG...]            fork, execve, wait
 *   exec_run vfork PATH ARGV0 [ARG...]           vfork, execve, wait
 *   exec_run spawn PATH ARGV0 [ARG...]           posix_spawn, wait
 *   exec_run spawnp NAME ARGV0 [ARG...]          posix_spawnp ($PATH search)
 *   exec_run system COMMAND
 * Any other first argument: print argv like exec_show (for exec of
 * /proc/self/exe).  Before every exec, two more descriptors are opened on
 * /dev/null, the second with O_CLOEXEC.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char *fixed_env[] = { "E1=one", "E2=with space", "E3=", "EQ=a=b", NULL };

static const char *errno_name(int e)
{
    static const struct { int e; const char *name; } names[] = {
        { ENOENT, "ENOENT" }, { EACCES, "EACCES" }, { ENOEXEC, "ENOEXEC" },
        { ENOTDIR, "ENOTDIR" }, { ELOOP, "ELOOP" }, { EFAULT, "EFAULT" },
        { EINVAL, "EINVAL" }, { E2BIG, "E2BIG" }, { ENAMETOOLONG, "ENAMETOOLONG" },
    };
    static char buf[32];

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].e == e)
            return names[i].name;
    snprintf(buf, sizeof(buf), "errno %d", e);
    return buf;
}

/* one descriptor that an exec keeps and one that it closes; the started
 * program lists what it got */
static void fds_prepare(void)
{
    if (open("/dev/null", O_RDONLY) < 0 || open("/dev/null", O_RDONLY | O_CLOEXEC) < 0) {
        printf("setup: /dev/null: %s\n", errno_name(errno));
        exit(1);
    }
}

static int report_status(const char *what, int st)
{
    if (WIFEXITED(st))
        printf("%s: exit %d\n", what, WEXITSTATUS(st));
    else
        printf("%s: signal %d\n", what, WTERMSIG(st));
    return 0;
}

static int wait_child(const char *what, pid_t pid)
{
    int st;

    if (waitpid(pid, &st, 0) != pid) {
        printf("%s: waitpid: %s\n", what, errno_name(errno));
        return 1;
    }
    return report_status(what, st);
}

static int show(int argc, char **argv)
{
    printf("self argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("self argv[%d]=<%s>\n", i, argv[i]);
    return 5;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    pid_t pid;
    int r;

    if (!strcmp(mode, "system") && argc == 3) {
        fflush(stdout);
        r = system(argv[2]);
        return r == -1 ? printf("system: %s\n", errno_name(errno)), 1
                       : report_status("system", r);
    }
    if (!strcmp(mode, "execveat-dir") && argc >= 5) {
        int dirfd;

        fds_prepare();
        dirfd = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0) {
            printf("open: %s\n", errno_name(errno));
            return 1;
        }
        fflush(stdout);
        syscall(SYS_execveat, dirfd, argv[3], &argv[4], fixed_env, 0);
        printf("%s: %s\n", mode, errno_name(errno));
        return 1;
    }
    if (argc < 4 || (strcmp(mode, "execve") && strcmp(mode, "execve-env") &&
                     strcmp(mode, "fexecve") && strcmp(mode, "fork") &&
                     strcmp(mode, "vfork") && strcmp(mode, "spawn") && strcmp(mode, "spawnp")))
        return show(argc, argv);

    const char *path = argv[2];
    char **args = &argv[3];
    char **env = strcmp(mode, "execve-env") ? fixed_env : environ;

    fds_prepare();
    fflush(stdout);
    if (!strcmp(mode, "execve") || !strcmp(mode, "execve-env")) {
        execve(path, args, env);
    } else if (!strcmp(mode, "fexecve")) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);

        if (fd < 0) {
            printf("open: %s\n", errno_name(errno));
            return 1;
        }
        syscall(SYS_execveat, fd, "", args, env, AT_EMPTY_PATH);
    } else if (!strcmp(mode, "fork")) {
        pid = fork();
        if (pid == 0) {
            execve(path, args, env);
            _exit(100 + errno);
        }
        return wait_child("fork", pid);
    } else if (!strcmp(mode, "vfork")) {
        pid = vfork();
        if (pid == 0) {
            execve(path, args, env);
            _exit(100 + errno);
        }
        return wait_child("vfork", pid);
    } else {
        r = !strcmp(mode, "spawn") ? posix_spawn(&pid, path, NULL, NULL, args, env)
                                   : posix_spawnp(&pid, path, NULL, NULL, args, env);
        if (r) {
            printf("%s: %s\n", mode, errno_name(r));
            return 1;
        }
        return wait_child(mode, pid);
    }
    printf("%s: %s\n", mode, errno_name(errno));
    return 1;
}
