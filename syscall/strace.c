/*
 * -strace: one line per guest syscall, "PID name(args) = ret", in the
 * style of qemu-user, to the -D log.  Argument kinds come from the table.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "syscall/strace.h"
#include "syscall/sys.h"
#include "translate/exec.h"

#define STRACE_STR_MAX 64

static void strace_string(FILE *f, uint64_t addr)
{
    char buf[STRACE_STR_MAX + 1];
    int64_t n;

    if (!addr) {
        fputs("NULL", f);
        return;
    }
    n = guest_read_str(buf, addr, sizeof(buf));
    if (n == -EFAULT) {
        fprintf(f, "0x%llx", (unsigned long long)addr);
        return;
    }
    fputc('"', f);
    for (int64_t i = 0; i < (n < 0 ? STRACE_STR_MAX : n); i++) {
        unsigned char c = (unsigned char)buf[i];

        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 32 || c >= 127)
            fprintf(f, "\\%03o", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
    if (n < 0)
        fputs("...", f);
}

static void strace_value(FILE *f, char kind, uint64_t v)
{
    if (strace_symbolic(f, kind, v))
        return;
    switch (kind) {
    case 'i':
        fprintf(f, "%d", (int)v);
        break;
    case 'l':
        fprintf(f, "%lld", (long long)v);
        break;
    case 'u':
        fprintf(f, "%llu", (unsigned long long)v);
        break;
    case 'o':
        fprintf(f, "0%llo", (unsigned long long)v);
        break;
    case 's':
        strace_string(f, v);
        break;
    case 'f':
        if ((int)v == -100)
            fputs("AT_FDCWD", f);
        else
            fprintf(f, "%d", (int)v);
        break;
    case 'p':
        if (!v) {
            fputs("NULL", f);
            break;
        }
        /* fall through */
    default:
        fprintf(f, "0x%llx", (unsigned long long)v);
        break;
    }
}

void strace_call(uint64_t nr, const uint64_t *a)
{
    FILE *f = exec_config.log ? exec_config.log : stderr;
    const char *name = syscall_name(nr);
    const char *k = syscall_kinds(nr);

    if (name)
        fprintf(f, "%d %s(", (int)getpid(), name);
    else
        fprintf(f, "%d syscall_%llu(", (int)getpid(), (unsigned long long)nr);
    if (!k) {
        /* not ours: show all six registers */
        for (int i = 0; i < 6; i++)
            fprintf(f, "%s0x%llx", i ? "," : "", (unsigned long long)a[i]);
    } else {
        for (int i = 0; k[i] && k[i] != ':' && i < 6; i++) {
            if (i)
                fputc(',', f);
            strace_value(f, k[i], a[i]);
        }
    }
    fputc(')', f);
    /* exit never returns: end its line now */
    if (name && (!strcmp(name, "exit") || !strcmp(name, "exit_group")))
        fputc('\n', f);
    fflush(f);
}

void strace_ret(uint64_t nr, int64_t ret)
{
    FILE *f = exec_config.log ? exec_config.log : stderr;
    const char *k = syscall_kinds(nr);
    const char *rk = k ? strchr(k, ':') : NULL;

    if (ret < 0 && ret >= -4095)
        strace_errno(f, (int)-ret);
    else if (rk && rk[1] == 'p')
        fprintf(f, " = 0x%llx\n", (unsigned long long)ret);
    else
        fprintf(f, " = %lld\n", (long long)ret);
    fflush(f);
}
