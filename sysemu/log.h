/*
 * The -d log mask of runtime-system (guest_errors, unimp) and -D file.
 * Guest misbehaviour is logged here and never ends the run (STYLE.md, 7b).
 */
#ifndef SYSEMU_LOG_H
#define SYSEMU_LOG_H

enum { LOG_GUEST_ERRORS = 1, LOG_UNIMP = 2 };

extern int sysemu_log_mask;
/* "guest_errors,unimp"; -1 on an unknown item */
int sysemu_log_parse(const char *items);
int sysemu_log_file(const char *path);
void sysemu_log(int mask, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
