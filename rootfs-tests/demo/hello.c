/* The `make run` demo: a foreign binary saying where it thinks it runs. */
#include <stdio.h>
#include <sys/utsname.h>

int main(int argc, char **argv)
{
    struct utsname u;
    if (uname(&u) != 0) {
        perror("uname");
        return 1;
    }
    printf("Hello from Linux/%s (argv[0] = %s, %d argument%s)\n", u.machine, argv[0],
           argc - 1, argc == 2 ? "" : "s");
    return 0;
}
