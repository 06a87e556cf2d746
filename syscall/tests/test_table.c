/*
 * Syscall table sanity: numbers unique and in range, every name the one
 * libseccomp gives that number on riscv64 (or, for aarch64-only rows, on
 * aarch64), argument kinds well-formed; the ioctl table likewise unique.
 */
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct row { int nr; const char *name, *kinds; } rows[] = {
#define SYSCALL(nr, name, handler, kinds) { nr, #name, kinds },
#include "syscall/generic/table.def"
#undef SYSCALL
};
static const struct { unsigned g; const char *name; } ioctls[] = {
#define IOCTL(g, name, h) { g, #name },
#include "syscall/generic/ioctl.def"
#undef IOCTL
};
#define N_ROWS (sizeof(rows) / sizeof(rows[0]))
#define N_IOCTLS (sizeof(ioctls) / sizeof(ioctls[0]))

int main(void)
{
    int n = 0, fails = 0;

    printf("1..%zu\n", 2 * N_ROWS + 2);
    for (size_t i = 0; i < N_ROWS; i++) {
        char *rv = seccomp_syscall_resolve_num_arch(SCMP_ARCH_RISCV64, rows[i].nr);
        char *arm = seccomp_syscall_resolve_num_arch(SCMP_ARCH_AARCH64, rows[i].nr);
        int good = (rv && !strcmp(rv, rows[i].name)) ||
                   (!rv && arm && !strcmp(arm, rows[i].name));

        printf("%sok %d - %d is %s (libseccomp riscv64: %s, aarch64: %s)\n", good ? "" : "not ",
               ++n, rows[i].nr, rows[i].name, rv ? rv : "-", arm ? arm : "-");
        fails += !good;
        free(rv);
        free(arm);
    }
    for (size_t i = 0; i < N_ROWS; i++) {
        int good = rows[i].nr >= 0 && rows[i].nr < 512;
        const char *k = rows[i].kinds;
        size_t nargs = strcspn(k, ":");

        for (size_t j = 0; j < i; j++)
            good &= rows[j].nr != rows[i].nr && strcmp(rows[j].name, rows[i].name);
        good &= nargs <= 6 && strspn(k, "iluxopsfOPMASFH") == nargs;
        good &= k[nargs] == 0 || (k[nargs + 1] && strchr("iluxp", k[nargs + 1]) &&
                                  !k[nargs + 2]);
        printf("%sok %d - %s: number unique and below 512, kinds \"%s\" well-formed\n",
               good ? "" : "not ", ++n, rows[i].name, k);
        fails += !good;
    }
    {
        int good = 1;

        for (size_t i = 0; i < N_IOCTLS; i++)
            for (size_t j = 0; j < i; j++)
                good &= ioctls[i].g != ioctls[j].g;
        printf("%sok %d - %zu ioctl rows, request numbers unique\n", good ? "" : "not ", ++n,
               N_IOCTLS);
        fails += !good;
    }
    {
        /* a table emptied by a bad merge or macro must not pass quietly */
        int good = N_ROWS > 100;

        printf("%sok %d - table has %zu rows\n", good ? "" : "not ", ++n, N_ROWS);
        fails += !good;
    }
    return fails != 0;
}
