/* Ending the process the way an unhandled synchronous guest signal would,
 * and raising one that a helper (not the host) detected. */
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

/*
 * A synchronous fault that a helper called from guest code found itself
 * (a misaligned atomic access, which the x86 host performs without
 * complaint): queued and unwound exactly as a host fault in guest code
 * is, so the guest's handler sees sig/code/addr and the state before the
 * instruction.  host_ret is the helper's return address, host_sp its
 * frame: they locate the guest instruction in generated code.
 */
void guest_fault_raise(int sig, int code, uint64_t addr, const void *host_ret,
                       const void *host_sp) __attribute__((noreturn));

#endif
