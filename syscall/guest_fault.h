/* Ending the process the way an unhandled synchronous guest signal would. */
#ifndef SYSCALL_GUEST_FAULT_H
#define SYSCALL_GUEST_FAULT_H

#include <stdint.h>

/*
 * Print "runtime-<guest>: <what> at pc 0x..." and die of sig with its default
 * action, so the parent sees the same wait status as for a native process.
 * (Guest handlers for synchronous signals arrive with the signal layer.)
 */
void guest_fault_fatal(int sig, uint64_t pc, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));

#endif
