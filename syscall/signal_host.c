/*
 * The host side of guest signals: raw rt_sigaction/rt_sigprocmask (glibc's
 * wrappers hide the real-time signals its threads use, DESIGN decision 7),
 * the host handler that queues a signal for its guest thread and raises the
 * state's interrupt flag, and the per-thread queue it fills.
 *
 * Host dispositions follow the guest's: a guest handler gets our handler,
 * SIG_IGN and SIG_DFL are installed as such (so the kernel itself ignores,
 * stops, or kills with the exact wait status).  The synchronous fault
 * signals always get our handler: a fault in guest code becomes the guest's
 * signal (exec_fault_unwind), a fault of the runner itself kills it.
 */
#include <errno.h>
#include <signal.h>
#include <ucontext.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "syscall/signal.h"
#include "syscall/sys.h"
#include "syscall/target.h"
#include "syscall/thread.h"

#define HOST_SA_RESTORER 0x04000000ul

struct host_ksigaction {
    void *handler;
    unsigned long flags;
    void (*restorer)(void);
    uint64_t mask;
};

void sig_host_restorer(void);
__asm__(".text\n"
        ".globl sig_host_restorer\n"
        ".type sig_host_restorer, @function\n"
        "sig_host_restorer:\n"
        "    mov $15, %eax\n"       /* rt_sigreturn */
        "    syscall\n"
        ".size sig_host_restorer, . - sig_host_restorer\n");

static bool sig_is_sync(int sig)
{
    return SIG_BIT(sig) & SIG_SYNC_SET;
}

/* A nearly full queue: the host kernel keeps further signals pending (it
 * has room for thousands of real-time ones) until delivery drains ours, so
 * none is ever dropped; one slot stays free for a synchronous fault. */
static bool sig_queue_nearly_full(const struct sys_thread *t)
{
    return t->nq >= SIG_QUEUE_MAX - 1;
}

void sig_host_mask_sync(const struct sys_thread *t)
{
    uint64_t m = t->mask & ~(SIG_SYNC_SET | SIG_UNBLOCKABLE);

    if (sig_queue_nearly_full(t))
        m = ~(SIG_SYNC_SET | SIG_UNBLOCKABLE);

    host_syscall6(SYS_rt_sigprocmask, SIG_SETMASK, (uintptr_t)&m, 0, 8, 0, 0);
}

uint64_t sig_host_block_all(void)
{
    uint64_t m = ~0ull, old = 0;

    host_syscall6(SYS_rt_sigprocmask, SIG_SETMASK, (uintptr_t)&m, (uintptr_t)&old, 8, 0, 0);
    return old;
}

void sig_host_mask_restore(uint64_t old)
{
    host_syscall6(SYS_rt_sigprocmask, SIG_SETMASK, (uintptr_t)&old, 0, 8, 0, 0);
}

void sig_queue_push(struct sys_thread *t, const siginfo_t *si, bool forced)
{
    int sig = si->si_signo;

    /* standard signals do not queue twice; real-time ones do, up to the limit */
    if (sig < SIG_RTMIN)
        for (unsigned i = 0; i < t->nq; i++)
            if (t->q[i].info.si_signo == sig && !forced)
                return;
    if (t->nq == SIG_QUEUE_MAX)
        return;
    t->q[t->nq].info = *si;
    t->q[t->nq].forced = forced;
    t->nq++;
}

void sig_queue_fault(struct sys_thread *t, int sig, int code, uint64_t addr)
{
    siginfo_t si;

    memset(&si, 0, sizeof(si));
    si.si_signo = sig;
    si.si_code = code;
    si.si_addr = (void *)(uintptr_t)addr;
    uint64_t old = sig_host_block_all();
    sig_queue_push(t, &si, true);
    sig_host_mask_restore(old);
    *t->irq = 1;
}

uint64_t sig_queue_bits(struct sys_thread *t)
{
    uint64_t bits = 0;
    uint64_t old = sig_host_block_all();

    for (unsigned i = 0; i < t->nq; i++)
        bits |= SIG_BIT(t->q[i].info.si_signo);
    sig_host_mask_restore(old);
    return bits;
}

bool sig_queue_take(struct sys_thread *t, uint64_t mask, struct sig_queued *out)
{
    int best = -1;
    uint64_t old = sig_host_block_all();

    for (unsigned i = 0; i < t->nq; i++) {
        int sig = t->q[i].info.si_signo;
        if (t->q[i].forced) {
            best = (int)i;
            break;
        }
        if (!(mask & SIG_BIT(sig)) && (best < 0 || sig < t->q[best].info.si_signo))
            best = (int)i;
    }
    if (best >= 0) {
        *out = t->q[best];
        memmove(&t->q[best], &t->q[best + 1], (t->nq - (unsigned)best - 1) * sizeof(t->q[0]));
        t->nq--;
    }
    sig_host_mask_restore(old);
    return best >= 0;
}

static void host_handler(int sig, siginfo_t *si, void *uc)
{
    struct sys_thread *t = sys_self;

    if (sig_is_sync(sig) && si->si_code > 0) {
        /* raised by the kernel for an instruction of this thread */
        if (t && t->ctx && t->ctx->phase != EXEC_PHASE_NONE) {
            sig_queue_push(t, si, true);
            *t->irq = 1;
            const ucontext_t *u = uc;
            /* the kernel entered this handler with a fresh MXCSR; guests keep
             * accrued FP flags there (riscv64 lazy fflags), and siglongjmp
             * does not restore it the way sigreturn would */
            if (u->uc_mcontext.fpregs) {
                uint32_t mxcsr = u->uc_mcontext.fpregs->mxcsr;
                __asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
            }
            exec_fault_unwind(t->ctx, (uintptr_t)u->uc_mcontext.gregs[REG_RIP],
                              (uintptr_t)u->uc_mcontext.gregs[REG_RSP]);
        }
        /* the runner's own fault: let it kill us when the insn re-runs */
        struct host_ksigaction dfl = { .handler = SIG_DFL };
        host_syscall6(SYS_rt_sigaction, (uint64_t)sig, (uintptr_t)&dfl, 0, 8, 0, 0);
        return;
    }
    if (!t)
        return;
    sig_queue_push(t, si, false);
    *t->irq = 1;
    safe_syscall_fixup(uc);
    if (sig_queue_nearly_full(t)) {
        /* the mask the kernel restores when this handler returns */
        uint64_t m = ~(SIG_SYNC_SET | SIG_UNBLOCKABLE);
        memcpy(&((ucontext_t *)uc)->uc_sigmask, &m, sizeof(m));
    }
}

void sig_host_update(int sig, uint64_t handler, uint64_t flags)
{
    struct host_ksigaction ka = { 0 };

    if (sig == SIGKILL || sig == SIGSTOP)
        return;
    if (sig_is_sync(sig) || handler > 1) {
        ka.handler = (void *)host_handler;
        ka.flags = SA_SIGINFO | HOST_SA_RESTORER;
        ka.mask = ~0ull;
    } else {
        ka.handler = handler ? SIG_IGN : SIG_DFL;
        ka.flags = HOST_SA_RESTORER;
    }
    if (sig == SIGCHLD)
        ka.flags |= flags & (GUEST_SA_NOCLDSTOP | GUEST_SA_NOCLDWAIT);
    ka.restorer = sig_host_restorer;
    host_syscall6(SYS_rt_sigaction, (uint64_t)sig, (uintptr_t)&ka, 0, 8, 0, 0);
}

void sig_die(int sig)
{
    struct host_ksigaction dfl = { .handler = SIG_DFL, .flags = HOST_SA_RESTORER,
                                   .restorer = sig_host_restorer };
    uint64_t m = ~SIG_BIT(sig);
    /* a core of the runner would describe the host process, not the guest */
    struct rlimit no_core = { 0, 0 };

    if (exec_config.log)
        fflush(exec_config.log);
    fflush(NULL);
    setrlimit(RLIMIT_CORE, &no_core);
    host_syscall6(SYS_rt_sigaction, (uint64_t)sig, (uintptr_t)&dfl, 0, 8, 0, 0);
    host_syscall6(SYS_tgkill, (uint64_t)getpid(), (uint64_t)gettid(), (uint64_t)sig, 0, 0, 0);
    host_syscall6(SYS_rt_sigprocmask, SIG_SETMASK, (uintptr_t)&m, 0, 8, 0, 0);
    for (;;)
        host_syscall6(SYS_exit_group, 128 + (uint64_t)sig, 0, 0, 0, 0, 0);
}
