#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "textstat.h"

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--machine") == 0) {
        struct utsname u;

        if (uname(&u) != 0)
            return 2;
        printf("machine=%s\n", u.machine);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "--exit") == 0)
        return atoi(argv[2]);
    if (argc != 2) {
        fprintf(stderr, "usage: textstat-cli FILE | --machine | --exit N\n");
        return 2;
    }

    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    struct textstat s;
    char buf[7]; /* small on purpose: words and lines cross chunk edges */
    size_t n;
    int in_word = 0;

    textstat_init(&s);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        textstat_feed(&s, buf, n, &in_word);
    fclose(f);
    printf("lines=%zu words=%zu bytes=%zu crc32=%08x\n", s.lines, s.words, s.bytes, s.crc);
    return 0;
}
