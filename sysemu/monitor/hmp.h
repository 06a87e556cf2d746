/*
 * The human monitor's commands (HMP), in QEMU's words and output formats so
 * that scripts written against QEMU's monitor keep working.  hmp_execute()
 * runs one command line and writes its text to a FILE (a memstream), which
 * serves both the interactive monitor (monitor.c) and QMP's
 * human-monitor-command.
 */
#ifndef SYSEMU_MONITOR_HMP_H
#define SYSEMU_MONITOR_HMP_H

#include <stdbool.h>
#include <stdio.h>

#include "sysemu/control.h"

/* what query-version and `info version` report */
#define RUNTIME_SYSTEM_VERSION_MAJOR 0
#define RUNTIME_SYSTEM_VERSION_MINOR 1
#define RUNTIME_SYSTEM_VERSION_MICRO 0
#define RUNTIME_SYSTEM_PACKAGE "runtime-system"

struct hmp_ctx {
    const struct machine_control *ctl;
    void *m;
    int cpu;            /* the monitor's current CPU (`info registers`, the '*' of `info cpus`) */
    bool quitting;      /* `quit` ran: no prompt after it, as QEMU's monitor is gone by then */
};

/* run one command line; output lines end in "\n" */
void hmp_execute(struct hmp_ctx *h, const char *line, FILE *out);

/* QEMU's monitor ends its lines in "\r\n"; returns a malloc'ed copy of s converted */
char *hmp_crlf(const char *s, size_t len, size_t *out_len);

/* ---- hmp_info.c ---- */
/* run `info ARGS`; false when there is no such subcommand */
int hmp_info(struct hmp_ctx *h, const char *sub, const char *args, FILE *out);
void hmp_info_help(FILE *out);

#endif
