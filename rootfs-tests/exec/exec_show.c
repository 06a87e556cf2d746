/*
 * The program that exec tests start: prints its argv, its environment in
 * order and which descriptors above 2 are open, so that the caller can
 * check that all of them arrived exactly.  Exits with status 3.
 */
#include <fcntl.h>
#include <stdio.h>

int main(int argc, char **argv, char **envp)
{
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d]=<%s>\n", i, argv[i]);
    for (int i = 0; envp[i]; i++)
        printf("env[%d]=<%s>\n", i, envp[i]);
    printf("fds:");
    for (int fd = 3; fd < 64; fd++)
        if (fcntl(fd, F_GETFD) >= 0)
            printf(" %d", fd);
    printf("\n");
    return 3;
}
