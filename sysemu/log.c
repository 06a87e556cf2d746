/*
 * -d/-D logging for runtime-system (log.h).
 */
#include "sysemu/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int sysemu_log_mask;
static FILE *log_out;

int sysemu_log_parse(const char *items)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", items);
    for (char *save, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (!strcmp(t, "guest_errors"))
            sysemu_log_mask |= LOG_GUEST_ERRORS;
        else if (!strcmp(t, "unimp"))
            sysemu_log_mask |= LOG_UNIMP;
        else
            return -1;
    }
    return 0;
}

int sysemu_log_file(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    setvbuf(f, NULL, _IOLBF, 0);
    log_out = f;
    return 0;
}

void sysemu_log(int mask, const char *fmt, ...)
{
    if (!(sysemu_log_mask & mask))
        return;
    va_list ap;
    va_start(ap, fmt);
    flockfile(log_out ? log_out : stderr);
    vfprintf(log_out ? log_out : stderr, fmt, ap);
    fputc('\n', log_out ? log_out : stderr);
    funlockfile(log_out ? log_out : stderr);
    va_end(ap);
}
