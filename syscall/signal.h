/*
 * Guest signals and threads as the cpu loops (syscall/<arch>/cpu_loop.c)
 * see them.  DESIGN decision 7: the guest owns every signal; host handlers
 * are installed with the raw rt_sigaction syscall, and each guest thread's
 * host signal mask mirrors its guest mask (except the synchronous fault
 * signals, which the runner always catches).
 */
#ifndef SYSCALL_SIGNAL_H
#define SYSCALL_SIGNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "syscall/sig_frame.h"
#include "translate/exec.h"

/* The first thing a cpu loop does, on every thread (process-wide arch
 * hooks are recorded on the first call). */
void signal_thread_start(struct exec_ctx *ctx, const struct sig_arch *arch);

/* The state's interrupt flag was seen: deliver what is pending and
 * unblocked (the CPU may be redirected to a guest handler). */
void signal_deliver(void *cpu);

/* A syscall returned -EINTR: should it be re-executed after the handler
 * (SA_RESTART), i.e. the caller rewinds pc to the ecall/svc? */
bool signal_syscall_restart(uint64_t nr);

/* rt_sigreturn: reload the CPU from the frame at the guest sp. */
void signal_sigreturn(void *cpu);

/* A synchronous guest exception (SIGILL, SIGTRAP): queue it for delivery.
 * False when the guest has no handler for it (the caller then ends the
 * process with its own message). */
bool signal_trap(void *cpu, int sig, int code, uint64_t addr);

#define GUEST_NR_RT_SIGRETURN 139

#endif
