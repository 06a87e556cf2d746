/*
 * A stand-in for a guest /bin/sh inside a test sysroot: "sh -c 'a b c'"
 * splits the command at spaces and execs it (no other shell syntax), so
 * that system() can be tested without a guest shell.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char *words[64];
    int n = 0;

    if (argc != 3 || strcmp(argv[1], "-c")) {
        fprintf(stderr, "mini_sh: usage: sh -c 'command args'\n");
        return 2;
    }
    for (char *w = strtok(argv[2], " "); w && n < 63; w = strtok(NULL, " "))
        words[n++] = w;
    words[n] = NULL;
    if (!n)
        return 0;
    execv(words[0], words);
    fprintf(stderr, "mini_sh: %s: %s\n", words[0], strerror(errno));
    return 127;
}
