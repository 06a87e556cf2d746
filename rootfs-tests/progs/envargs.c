/* argv, the environment and a few auxv entries as the loader set them up;
 * setenv/unsetenv/putenv on top.  The environment is printed sorted:
 * qemu-user (the reference emulator) reverses its order. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv, char **envp)
{
    printf("argc=%d argv0=%s\n", argc, base_name(argv[0]));
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=[%s] len=%zu\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc]=%s\n", argv[argc] == NULL ? "NULL" : "non-null");

    int n = 0;
    for (char **e = envp; *e; e++)
        n++;
    char **sorted = calloc((size_t)n + 1, sizeof(*sorted));
    memcpy(sorted, envp, (size_t)n * sizeof(*sorted));
    qsort(sorted, (size_t)n, sizeof(*sorted), cmp_str);
    for (int i = 0; i < n; i++)
        printf("env[%d]=[%s]\n", i, sorted[i]);
    free(sorted);
    printf("envp==environ %d count=%d\n", envp == environ, n);

    const char *home = getenv("T_B");
    printf("getenv T_B=%s missing=%s\n", home ? home : "(null)",
           getenv("T_NOT_SET_ANYWHERE") ? "set" : "(null)");
    setenv("T_NEW", "value=with=equals", 0);
    setenv("T_A", "replaced", 1);
    setenv("T_B", "kept", 0);
    unsetenv("T_C");
    static char put[] = "T_PUT=put";
    putenv(put);
    printf("after: T_NEW=%s T_A=%s T_B=%s T_C=%s T_PUT=%s\n", getenv("T_NEW"), getenv("T_A"),
           getenv("T_B"), getenv("T_C") ? getenv("T_C") : "(null)", getenv("T_PUT"));
    int m = 0;
    for (char **e = environ; *e; e++)
        m++;
    printf("environ count now %d\n", m);

    printf("AT_PAGESZ=%lu AT_SECURE=%lu AT_RANDOM=%s AT_EXECFN=%s\n",
           getauxval(AT_PAGESZ), getauxval(AT_SECURE),
           getauxval(AT_RANDOM) ? "present" : "missing",
           getauxval(AT_EXECFN) ? base_name((const char *)getauxval(AT_EXECFN)) : "missing");
    printf("AT_UID==getuid %d AT_EGID==getegid %d\n",
           getauxval(AT_UID) == (unsigned long)getuid(),
           getauxval(AT_EGID) == (unsigned long)getegid());
    return 0;
}
