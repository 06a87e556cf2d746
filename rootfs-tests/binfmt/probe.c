/*
 * A guest program for rootfs-tests/binfmt.bats: prints what a binfmt_misc
 * start changes, one key=value per line: the machine, argv, the
 * credentials, AT_SECURE, how many descriptors above 2 are open, and
 * $INJECTED (set through RUNTIME_SET_ENV by the tests).
 * "probe exec PATH ARGS..." execs PATH instead (a guest's own execve).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct utsname u;
    int fds = 0;

    if (argc > 2 && !strcmp(argv[1], "exec")) {
        execv(argv[2], &argv[2]);
        perror("execv");
        return 127;
    }
    for (int fd = 3; fd < 1024; fd++)
        fds += fcntl(fd, F_GETFD) >= 0;
    uname(&u);
    printf("machine=%s\n", u.machine);
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv%d=%s\n", i, argv[i]);
    printf("uid=%d euid=%d\n", (int)getuid(), (int)geteuid());
    printf("secure=%lu\n", getauxval(AT_SECURE));
    printf("fds=%d\n", fds);
    printf("injected=%s\n", getenv("INJECTED") ? getenv("INJECTED") : "");
    return 0;
}
