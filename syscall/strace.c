/*
 * -strace: one line per guest syscall, "PID name(args) = ret", in the
 * style of qemu-user, to the -D log.  Argument kinds come from the table.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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

/*
 * Each line is built in a per-thread buffer and written with one call when
 * it is complete: a forked child, an exec'd runner and sibling threads all
 * append to the same log, and a line written in pieces would be split by
 * theirs.  A blocking call therefore shows when it returns.
 */
static __thread FILE *line;
static __thread char *line_buf;
static __thread size_t line_len;
static __thread bool line_pending;

static FILE *line_start(void)
{
    if (!line)
        line = open_memstream(&line_buf, &line_len);
    if (line)
        rewind(line);
    line_pending = line != NULL;
    return line;
}

/* writes the pending line, if any, to the log */
void strace_line_end(const char *tail)
{
    FILE *log = exec_config.log ? exec_config.log : stderr;

    if (!line_pending)
        return;
    line_pending = false;
    fputs(tail, line);
    fflush(line);
    fflush(log);
    /* one write: with O_APPEND it lands whole */
    for (size_t off = 0; off < line_len;) {
        ssize_t n = write(fileno(log), line_buf + off, line_len - off);

        if (n <= 0 && errno != EINTR)
            break;
        off += n > 0 ? (size_t)n : 0;
    }
    rewind(line);
    fflush(line);
}

/* a guest thread's end: its line buffer goes with it */
void strace_thread_end(void)
{
    if (line) {
        fclose(line);
        free(line_buf);
        line = NULL;
        line_buf = NULL;
        line_pending = false;
    }
}

void strace_call(uint64_t nr, const uint64_t *a)
{
    FILE *f = line_start();
    const char *name = syscall_name(nr);
    const char *k = syscall_kinds(nr);

    if (!f)
        return;
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
        strace_line_end("\n");
}

void strace_ret(uint64_t nr, int64_t ret)
{
    const char *k = syscall_kinds(nr);
    const char *rk = k ? strchr(k, ':') : NULL;

    /* after an exec that failed late the call line is out already */
    if (!line_pending && !line_start())
        return;
    if (ret < 0 && ret >= -4095)
        strace_errno(line, (int)-ret);
    else if (rk && rk[1] == 'p')
        fprintf(line, " = 0x%llx\n", (unsigned long long)ret);
    else
        fprintf(line, " = %lld\n", (long long)ret);
    strace_line_end("");
}
