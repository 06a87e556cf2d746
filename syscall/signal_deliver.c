/*
 * Delivering guest signals at the cpu loop: default actions, guest
 * handlers through the guest's frame layout (sys_arch), rt_sigreturn,
 * SA_RESTART, and synchronous exceptions (SIGILL, SIGTRAP, faults).
 *
 * Host faults in guest code report the pc of the start of the block that
 * faulted (exec_fault_unwind): guest handlers that siglongjmp or exit see
 * the right si_addr, but one that returns re-runs the block from its start.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "syscall/signal.h"
#include "syscall/sys.h"
#include "syscall/target.h"
#include "syscall/thread.h"

int signal_altstack_set(struct sys_thread *t, const struct guest_stack *ss, uint64_t cur_sp);
struct guest_stack signal_altstack_get(const struct sys_thread *t, uint64_t cur_sp);

__thread struct sys_thread *sys_self;
const struct sig_arch *sys_arch;
static struct sys_thread main_thread;
static uint64_t tramp_page;
static pthread_once_t tramp_once = PTHREAD_ONCE_INIT;

static void tramp_map(void)
{
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED)
        return;
    memcpy(p, sys_arch->tramp, sys_arch->tramp_words * 4);
    mprotect(p, 4096, PROT_READ | PROT_EXEC);
    tramp_page = (uintptr_t)p;
}

void signal_process_init(void);

void signal_thread_start(struct exec_ctx *ctx, const struct sig_arch *arch)
{
    struct sys_thread *t = sys_self;

    if (!t) {                   /* the main thread */
        t = &main_thread;
        t->altstack.flags = GUEST_SS_DISABLE;
        sys_arch = arch;
        sys_self = t;
        signal_process_init();
    }
    t->cpu = ctx->state;
    t->ctx = ctx;
    t->irq = (volatile uint32_t *)((char *)ctx->state + exec_config.guest->interrupt_offset);
    sig_host_mask_sync(t);
}

void sig_mask_changed(struct sys_thread *t)
{
    sig_host_mask_sync(t);
    if (t->irq && (sig_queue_bits(t) & ~t->mask))
        *t->irq = 1;
}

static bool sig_default_ignores(int sig)
{
    return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

static bool sig_default_stops(int sig)
{
    return sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU || sig == SIGSTOP;
}

static void deliver_one(struct sys_thread *t, void *cpu, struct sig_queued *q)
{
    int sig = q->info.si_signo;
    struct guest_sigaction act;

    sig_action_get(sig, &act);
    /* a fault the guest blocks or ignores kills it, as force_sig does */
    if (q->forced && (act.handler == 1 || (t->mask & SIG_BIT(sig))))
        act.handler = 0;
    if (act.handler == 1)
        return;
    if (act.handler == 0) {
        if (sig_default_ignores(sig))
            return;
        if (sig_default_stops(sig)) {
            host_syscall6(SYS_kill, (uint64_t)getpid(), SIGSTOP, 0, 0, 0, 0);
            return;
        }
        sig_die(sig);
    }

    uint64_t sp = sys_arch->get_sp(cpu);
    struct sig_frame_in in = {
        .sig = sig,
        .info = &q->info,
        .handler = act.handler,
        .flags = act.flags,
        .restorer = act.restorer,
        .mask = t->restore_mask ? t->saved_mask : t->mask,
        .stack = signal_altstack_get(t, sp),
    };
    if ((act.flags & GUEST_SA_ONSTACK) && !(t->altstack.flags & GUEST_SS_DISABLE) &&
        !(in.stack.flags & GUEST_SS_ONSTACK)) {
        sp = t->altstack.sp + t->altstack.size;
        if (t->altstack.flags & GUEST_SS_AUTODISARM)
            t->altstack = (struct guest_stack){ 0, GUEST_SS_DISABLE, 0 };
    }
    in.sp = sp;
    if (!(act.flags & GUEST_SA_RESTORER) || !sys_state.sa_restorer) {
        pthread_once(&tramp_once, tramp_map);
        in.trampoline = tramp_page;
    }
    if (sys_arch->setup_frame(cpu, &in) < 0)
        sig_die(SIGSEGV);
    t->restore_mask = false;
    t->mask |= act.mask;
    if (!(act.flags & GUEST_SA_NODEFER))
        t->mask |= SIG_BIT(sig);
    t->mask &= ~SIG_UNBLOCKABLE;
    if (act.flags & GUEST_SA_RESETHAND)
        sig_action_reset(sig);
}

void signal_deliver(void *cpu)
{
    struct sys_thread *t = sys_self;
    struct sig_queued q;

    *t->irq = 0;
    while (sig_queue_take(t, t->mask, &q))
        deliver_one(t, cpu, &q);
    if (t->restore_mask) {
        t->mask = t->saved_mask;
        t->restore_mask = false;
    }
    sig_host_mask_sync(t);
}

/* syscalls the kernel never restarts once a handler has run (they return
 * EINTR whatever SA_RESTART says: signal(7), "Interruption of system calls") */
static bool sys_never_restarted(uint64_t nr)
{
    switch (nr) {
    case 22:    /* epoll_pwait */
    case 72:    /* pselect6 */
    case 73:    /* ppoll */
    case 98:    /* futex (waits: callers loop on EINTR) */
    case 101:   /* nanosleep */
    case 115:   /* clock_nanosleep */
    case 133:   /* rt_sigsuspend */
    case 137:   /* rt_sigtimedwait */
    case 186:   /* msgrcv */
    case 189:   /* msgsnd */
    case 192:   /* semtimedop */
    case 193:   /* semop */
    case 441:   /* epoll_pwait2 */
        return true;
    default:
        return false;
    }
}

bool signal_syscall_restart(uint64_t nr)
{
    struct sys_thread *t = sys_self;
    struct guest_sigaction act;
    int sig = 0;
    uint64_t old = sig_host_block_all();

    for (unsigned i = 0; i < t->nq; i++) {
        int s = t->q[i].info.si_signo;
        if (!(t->mask & SIG_BIT(s)) && (!sig || s < sig))
            sig = s;
    }
    sig_host_mask_restore(old);
    if (!sig)
        return false;
    sig_action_get(sig, &act);
    if (act.handler <= 1)
        return !sys_never_restarted(nr);
    return (act.flags & GUEST_SA_RESTART) && !sys_never_restarted(nr);
}

void signal_sigreturn(void *cpu)
{
    struct sys_thread *t = sys_self;
    struct sig_frame_out out;

    if (sys_arch->restore_frame(cpu, &out) < 0)
        sig_die(SIGSEGV);
    t->mask = out.mask & ~SIG_UNBLOCKABLE;
    /* as restore_altstack: errors are ignored */
    signal_altstack_set(t, &out.stack, sys_arch->get_sp(cpu));
    sig_mask_changed(t);
}

bool signal_trap(void *cpu, int sig, int code, uint64_t addr)
{
    struct sys_thread *t = sys_self;
    struct guest_sigaction act;

    sig_action_get(sig, &act);
    if (act.handler <= 1 || (t->mask & SIG_BIT(sig)))
        return false;
    sig_queue_fault(t, sig, code, addr);
    return true;
}
