/*
 * HMP command table and dispatch.  Each command is one row: name with its
 * aliases ("cont|c"), the argument synopsis and the help text printed by
 * `help`, as QEMU's hmp-commands.hx rows are.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sysemu/monitor/hmp.h"

struct hmp_cmd {
    const char *names;      /* "cont|c" */
    const char *params;
    const char *help;
    void (*run)(struct hmp_ctx *h, const char *args, FILE *out);
};

static void cmd_help(struct hmp_ctx *h, const char *args, FILE *out);

static void cmd_info(struct hmp_ctx *h, const char *args, FILE *out)
{
    if (!*args) {
        hmp_info_help(out);
        return;
    }
    size_t n = strcspn(args, " \t");
    char sub[64];
    snprintf(sub, sizeof(sub), "%.*s", (int)n, args);
    const char *rest = args + n;
    while (isspace((unsigned char)*rest))
        rest++;
    if (!hmp_info(h, sub, rest, out))
        fprintf(out, "unknown command: 'info %s'\n", sub);
}

static void cmd_stop(struct hmp_ctx *h, const char *args, FILE *out)
{
    h->ctl->stop(h->m);
}

static void cmd_cont(struct hmp_ctx *h, const char *args, FILE *out)
{
    const char *st = h->ctl->status(h->m);
    /* as QEMU: a machine that shut down (without -no-shutdown's pause) or
     * hit an internal error has to be reset before it runs again */
    if (!strcmp(st, "shutdown") || !strcmp(st, "internal-error")) {
        fprintf(out, "Resetting the Virtual Machine is required\n");
        return;
    }
    h->ctl->cont(h->m);
}

static void cmd_system_reset(struct hmp_ctx *h, const char *args, FILE *out)
{
    h->ctl->system_reset(h->m);
}

static void cmd_system_powerdown(struct hmp_ctx *h, const char *args, FILE *out)
{
    h->ctl->system_powerdown(h->m);
}

static void cmd_quit(struct hmp_ctx *h, const char *args, FILE *out)
{
    h->quitting = true;
    h->ctl->quit(h->m);
}

static void cmd_cpu(struct hmp_ctx *h, const char *args, FILE *out)
{
    char *end;
    long i = strtol(args, &end, 0);
    struct cpu_info ci;
    if (!*args || *end || h->ctl->cpu_info(h->m, (int)i, &ci) < 0) {
        fprintf(out, "invalid CPU index\n");
        return;
    }
    h->cpu = (int)i;
}

static const struct hmp_cmd cmds[] = {
    { "cont|c", "", "resume emulation", cmd_cont },
    { "cpu", "index", "set the default CPU", cmd_cpu },
    { "help|?", "[cmd]", "show the help", cmd_help },
    { "info", "[subcommand]", "show various information about the system state", cmd_info },
    { "quit|q", "", "quit the emulator", cmd_quit },
    { "stop|s", "", "stop emulation", cmd_stop },
    { "system_powerdown", "", "send system power down event", cmd_system_powerdown },
    { "system_reset", "", "reset the system", cmd_system_reset },
};

/* does `word` (len n) match one of the '|'-separated names? */
static int names_match(const char *names, const char *word, size_t n)
{
    for (const char *p = names; *p;) {
        size_t len = strcspn(p, "|");
        if (len == n && !strncmp(p, word, n))
            return 1;
        p += len + (p[len] == '|');
    }
    return 0;
}

static void print_cmd(const struct hmp_cmd *c, FILE *out)
{
    fprintf(out, "%s %s -- %s\n", c->names, c->params, c->help);
}

static void cmd_help(struct hmp_ctx *h, const char *args, FILE *out)
{
    size_t n = strcspn(args, " \t");
    if (n == 4 && !strncmp(args, "info", 4)) {
        hmp_info_help(out);
        return;
    }
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
        if (!n || names_match(cmds[i].names, args, n))
            print_cmd(&cmds[i], out);
}

void hmp_execute(struct hmp_ctx *h, const char *line, FILE *out)
{
    while (isspace((unsigned char)*line))
        line++;
    if (!*line)
        return;
    size_t n = strcspn(line, " \t\r\n");
    char *args = strdup(line + n);
    char *a = args;
    while (isspace((unsigned char)*a))
        a++;
    for (char *e = a + strlen(a); e > a && isspace((unsigned char)e[-1]);)
        *--e = 0;
    const struct hmp_cmd *c = NULL;
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
        if (names_match(cmds[i].names, line, n))
            c = &cmds[i];
    if (!c)
        fprintf(out, "unknown command: '%.*s'\n", (int)n, line);
    else if (!*c->params && *a)
        fprintf(out, "%.*s: extraneous characters at the end of line\n", (int)n, line);
    else
        c->run(h, a, out);
    free(args);
}

char *hmp_crlf(const char *s, size_t len, size_t *out_len)
{
    char *o = malloc(2 * len + 1);
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
            o[k++] = '\r';
        o[k++] = s[i];
    }
    o[k] = 0;
    *out_len = k;
    return o;
}
