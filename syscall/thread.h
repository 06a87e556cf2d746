/*
 * Per-guest-thread data of the syscall layer (signal masks, the queue of
 * signals caught by the host handler, alternate stack, thread exit).
 * Guest threads are host threads, so this lives in host TLS.
 */
#ifndef SYSCALL_THREAD_H
#define SYSCALL_THREAD_H

#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "syscall/sig_frame.h"
#include "translate/exec.h"

#define GUEST_NSIG 64
#define SIG_QUEUE_MAX 32
#define SIG_RTMIN 32            /* the kernel's, not glibc's SIGRTMIN */

struct sig_queued {
    siginfo_t info;
    bool forced;                /* a synchronous fault: delivered even if blocked */
};

struct sys_thread {
    void *cpu;
    struct exec_ctx *ctx;
    volatile uint32_t *irq;     /* the state's interrupt flag */
    uint64_t mask;              /* guest signal mask */
    bool restore_mask;          /* sigsuspend & co: put saved_mask back after delivery */
    uint64_t saved_mask;
    struct guest_stack altstack;  /* flags GUEST_SS_DISABLE when none */
    /* filled by the host handler on this thread; read with host signals blocked */
    unsigned nq;
    struct sig_queued q[SIG_QUEUE_MAX];
    /* thread exit (threads created by clone) */
    bool is_child;
    uint64_t clear_tid;
    jmp_buf exit_jmp;
};

extern __thread struct sys_thread *sys_self;
extern const struct sig_arch *sys_arch;

#define SIG_BIT(s) (1ull << ((s) - 1))
/* never blocked on the host: a fault must always reach the runner */
#define SIG_SYNC_SET (SIG_BIT(SIGSEGV) | SIG_BIT(SIGBUS) | SIG_BIT(SIGILL) | SIG_BIT(SIGFPE) | \
                      SIG_BIT(SIGTRAP) | SIG_BIT(SIGSYS))
#define SIG_UNBLOCKABLE (SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP))

/* signal_host.c */
void sig_host_mask_sync(const struct sys_thread *t);
/* block every host signal; returns the previous host mask for sig_host_mask_restore */
uint64_t sig_host_block_all(void);
void sig_host_mask_restore(uint64_t old);
/* install the host disposition matching the guest's action for sig */
void sig_host_update(int sig, uint64_t handler, uint64_t flags);
/* queued signals (bits), for sigpending and the unblock checks */
uint64_t sig_queue_bits(struct sys_thread *t);
/* remove and return the first queued signal deliverable under mask */
bool sig_queue_take(struct sys_thread *t, uint64_t mask, struct sig_queued *out);
void sig_queue_push(struct sys_thread *t, const siginfo_t *si, bool forced);
/* Queue a synchronous fault (forced: blocked or ignored, it kills, as the
 * kernel's force_sig) for t and raise its interrupt flag. */
void sig_queue_fault(struct sys_thread *t, int sig, int code, uint64_t addr);
/* end the process by sig with its default action (no return) */
void sig_die(int sig) __attribute__((noreturn));

/* signal.c */
struct guest_sigaction;
void sig_action_get(int sig, struct guest_sigaction *out);
void sig_fork_lock(void);
void sig_fork_unlock(void);
void sig_action_reset(int sig);     /* SA_RESETHAND */

/* thread.c: the mask changed; wake the cpu loop if something queued is now deliverable */
void sig_mask_changed(struct sys_thread *t);

#endif
