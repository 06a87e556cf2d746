/* -strace helpers shared by strace.c and strace_flags.c */
#ifndef SYSCALL_STRACE_H
#define SYSCALL_STRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Print v for a symbolic argument kind (O P M A S F H); false for others. */
bool strace_symbolic(FILE *f, char kind, uint64_t v);
/* " = -1 ENAME (message)\n" for a negative errno result */
void strace_errno(FILE *f, int err);

#endif
