/*
 * Guest signal syscalls: dispositions (process-wide), per-thread masks and
 * alternate stacks, pending sets, sigsuspend, sigtimedwait, and the
 * pass-through senders.  Signal numbers and siginfo agree between the
 * asm-generic guests and x86-64.
 *
 * Calls that take a temporary mask (rt_sigsuspend, ppoll, pselect6,
 * epoll_pwait) hand the host the same mask, so the kernel's atomic
 * swap-and-wait is kept; when they return -EINTR, delivery runs under the
 * temporary mask and the frame saves the original (restore_mask), as the
 * kernel does.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "syscall/signal.h"
#include "syscall/sys.h"
#include "syscall/target.h"
#include "syscall/thread.h"

#define GUEST_MINSIGSTKSZ 2048

/* dispositions are process-wide (shared by threads): under sig_lock */
static pthread_mutex_t sig_lock = PTHREAD_MUTEX_INITIALIZER;
static struct guest_sigaction sig_actions[GUEST_NSIG + 1];

static size_t sigaction_guest_size(void)
{
    return sys_state.sa_restorer ? 32 : 24;
}

static int sigaction_read(struct guest_sigaction *k, uint64_t addr)
{
    uint64_t w[4] = { 0 };
    int err = guest_read(w, addr, sigaction_guest_size());

    if (err)
        return err;
    k->handler = w[0];
    k->flags = w[1];
    k->restorer = sys_state.sa_restorer ? w[2] : 0;
    k->mask = sys_state.sa_restorer ? w[3] : w[2];
    return 0;
}

static int sigaction_write(uint64_t addr, const struct guest_sigaction *k)
{
    uint64_t w[4] = { k->handler, k->flags, 0, 0 };

    if (sys_state.sa_restorer) {
        w[2] = k->restorer;
        w[3] = k->mask;
    } else {
        w[2] = k->mask;
    }
    return guest_write(addr, w, sigaction_guest_size());
}

void sig_action_get(int sig, struct guest_sigaction *out)
{
    pthread_mutex_lock(&sig_lock);
    *out = sig_actions[sig];
    pthread_mutex_unlock(&sig_lock);
}

void signal_get_action(int sig, struct guest_sigaction *out)
{
    sig_action_get(sig, out);
}

void sig_fork_lock(void)
{
    pthread_mutex_lock(&sig_lock);
}

void sig_fork_unlock(void)
{
    pthread_mutex_unlock(&sig_lock);
}

void sig_action_reset(int sig)
{
    pthread_mutex_lock(&sig_lock);
    sig_actions[sig].handler = 0;
    sig_actions[sig].flags &= ~(uint64_t)GUEST_SA_SIGINFO;
    sig_host_update(sig, 0, sig_actions[sig].flags);
    pthread_mutex_unlock(&sig_lock);
}

/* Once per process: dispositions inherited through exec (SIG_IGN) stay,
 * and the fault signals get the host handler. */
void signal_process_init(void)
{
    for (int sig = 1; sig <= GUEST_NSIG; sig++) {
        uint64_t old[4] = { 0 };

        if (sig == SIGKILL || sig == SIGSTOP)
            continue;
        if (host_syscall6(SYS_rt_sigaction, (uint64_t)sig, 0, (uintptr_t)old, 8, 0, 0) == 0 &&
            old[0] == (uintptr_t)SIG_IGN)
            sig_actions[sig].handler = 1;
        if (SIG_BIT(sig) & SIG_SYNC_SET)
            sig_host_update(sig, sig_actions[sig].handler, 0);
    }
}

uint64_t signal_get_mask(void)
{
    return sys_self ? sys_self->mask : 0;
}

int64_t sys_rt_sigaction(void *cpu, const uint64_t *a)
{
    int sig = (int)a[0];
    struct guest_sigaction act, old;
    int err;

    if (a[3] != 8 || sig < 1 || sig > GUEST_NSIG)
        return -EINVAL;
    if (a[1]) {
        if (sig == SIGKILL || sig == SIGSTOP)
            return -EINVAL;
        err = sigaction_read(&act, a[1]);
        if (err)
            return err;
        act.mask &= ~SIG_UNBLOCKABLE;
    }
    pthread_mutex_lock(&sig_lock);
    old = sig_actions[sig];
    if (a[1]) {
        sig_actions[sig] = act;
        sig_host_update(sig, act.handler, act.flags);
    }
    pthread_mutex_unlock(&sig_lock);
    if (a[2])
        return sigaction_write(a[2], &old);
    return 0;
}

/* Before the cpu loop attaches the main thread (only unit tests issue
 * syscalls then), masks are kept in a placeholder with nowhere to signal. */
static struct sys_thread *self(void)
{
    static struct sys_thread detached;
    return sys_self ? sys_self : &detached;
}

int64_t sys_rt_sigprocmask(void *cpu, const uint64_t *a)
{
    struct sys_thread *t = self();
    uint64_t set, old = t->mask;
    int err;

    if (a[3] != 8)
        return -EINVAL;
    if (a[1]) {
        err = guest_read(&set, a[1], 8);
        if (err)
            return err;
        set &= ~SIG_UNBLOCKABLE;
        switch ((int)a[0]) {
        case SIG_BLOCK:
            t->mask |= set;
            break;
        case SIG_UNBLOCK:
            t->mask &= ~set;
            break;
        case SIG_SETMASK:
            t->mask = set;
            break;
        default:
            return -EINVAL;
        }
    }
    if (a[2]) {
        err = guest_write(a[2], &old, 8);
        if (err) {
            t->mask = old;
            return err;
        }
    }
    if (t->mask != old)
        sig_mask_changed(t);
    return 0;
}

static bool on_altstack(const struct sys_thread *t, uint64_t sp)
{
    return !(t->altstack.flags & GUEST_SS_DISABLE) && sp > t->altstack.sp &&
           sp <= t->altstack.sp + t->altstack.size;
}

int signal_altstack_set(struct sys_thread *t, const struct guest_stack *ss, uint64_t cur_sp)
{
    uint32_t flags = ss->flags;

    if (on_altstack(t, cur_sp))
        return -EPERM;
    if ((flags & ~GUEST_SS_AUTODISARM) == GUEST_SS_DISABLE) {
        t->altstack = (struct guest_stack){ 0, GUEST_SS_DISABLE, 0 };
        return 0;
    }
    if (flags & ~(GUEST_SS_AUTODISARM | GUEST_SS_ONSTACK))
        return -EINVAL;
    if (ss->size < GUEST_MINSIGSTKSZ)
        return -ENOMEM;
    t->altstack = (struct guest_stack){ ss->sp, flags & GUEST_SS_AUTODISARM, ss->size };
    return 0;
}

struct guest_stack signal_altstack_get(const struct sys_thread *t, uint64_t cur_sp)
{
    struct guest_stack s = t->altstack;

    if (on_altstack(t, cur_sp))
        s.flags |= GUEST_SS_ONSTACK;
    return s;
}

int64_t sys_sigaltstack(void *cpu, const uint64_t *a)
{
    /* stack_t: ss_sp at 0, ss_flags (int) at 8, ss_size at 16 */
    struct sys_thread *t = self();
    uint64_t sp = sys_arch->get_sp(cpu);
    uint64_t w[3];
    int err;

    if (a[1]) {
        struct guest_stack s = signal_altstack_get(t, sp);
        w[0] = s.sp;
        w[1] = s.flags;
        w[2] = s.size;
        err = guest_write(a[1], w, sizeof(w));
        if (err)
            return err;
    }
    if (a[0]) {
        err = guest_read(w, a[0], sizeof(w));
        if (err)
            return err;
        struct guest_stack ss = { w[0], (uint32_t)w[1], w[2] };
        return signal_altstack_set(t, &ss, sp);
    }
    return 0;
}

int64_t sys_rt_sigpending(void *cpu, const uint64_t *a)
{
    uint64_t host = 0, set;
    int64_t r;

    if (a[1] != 8)
        return -EINVAL;
    r = host_syscall6(SYS_rt_sigpending, (uintptr_t)&host, 8, 0, 0, 0, 0);
    if (r < 0)
        return r;
    set = (host | sig_queue_bits(self())) & self()->mask;
    return guest_write(a[0], &set, 8);
}

/* Enter a call that waits under a temporary guest mask. */
static void mask_swap_begin(struct sys_thread *t, uint64_t m)
{
    t->saved_mask = t->mask;
    t->restore_mask = true;
    t->mask = m & ~SIG_UNBLOCKABLE;
}

/* After it: on -EINTR delivery puts the old mask back (via the frame). */
static int64_t mask_swap_end(struct sys_thread *t, int64_t r)
{
    if (r == -EINTR) {
        *t->irq = 1;
        return r;
    }
    t->mask = t->saved_mask;
    t->restore_mask = false;
    return r;
}

static uint64_t host_mask_of(uint64_t m)
{
    return m & ~(SIG_SYNC_SET | SIG_UNBLOCKABLE);
}

int64_t sys_rt_sigsuspend(void *cpu, const uint64_t *a)
{
    struct sys_thread *t = self();
    uint64_t m, hm;
    int err;

    if (a[1] != 8)
        return -EINVAL;
    err = guest_read(&m, a[0], 8);
    if (err)
        return err;
    mask_swap_begin(t, m);
    /* something already queued by our handler and now unblocked */
    if (sig_queue_bits(t) & ~t->mask)
        return mask_swap_end(t, -EINTR);
    hm = host_mask_of(m);
    return mask_swap_end(t, host_syscall6(SYS_rt_sigsuspend, (uintptr_t)&hm, 8, 0, 0, 0, 0));
}

int64_t sys_rt_sigtimedwait(void *cpu, const uint64_t *a)
{
    struct sys_thread *t = self();
    struct sig_queued q;
    uint64_t set;
    int err;

    if (a[3] != 8)
        return -EINVAL;
    err = guest_read(&set, a[0], 8);
    if (err)
        return err;
    /* a signal our handler already took counts as pending */
    if (sig_queue_bits(t) & set) {
        if (sig_queue_take(t, ~set, &q)) {
            if (a[1] && guest_write(a[1], &q.info, sizeof(q.info)))
                return -EFAULT;
            return q.info.si_signo;
        }
    }
    return host_syscall6(SYS_rt_sigtimedwait, (uintptr_t)&set, a[1], a[2], 8, 0, 0);
}

int64_t sys_ppoll(void *cpu, const uint64_t *a)
{
    struct sys_thread *t = self();
    uint64_t m, hm;

    /* ppoll(fds, nfds, timeout, sigmask, sigsetsize) */
    if (!a[3])
        return host_syscall(SYS_ppoll, a);
    if (a[4] != 8)
        return -EINVAL;
    if (guest_read(&m, a[3], 8))
        return -EFAULT;
    mask_swap_begin(t, m);
    hm = host_mask_of(m);
    return mask_swap_end(t, host_syscall6(SYS_ppoll, a[0], a[1], a[2], (uintptr_t)&hm, 8, 0));
}

int64_t sys_pselect6(void *cpu, const uint64_t *a)
{
    struct sys_thread *t = self();
    uint64_t pair[2], m, hm;

    if (!a[5])
        return host_syscall(SYS_pselect6, a);
    if (guest_read(pair, a[5], sizeof(pair)))
        return -EFAULT;
    if (!pair[0])
        return host_syscall(SYS_pselect6, a);
    if (pair[1] != 8)
        return -EINVAL;
    if (guest_read(&m, pair[0], 8))
        return -EFAULT;
    mask_swap_begin(t, m);
    hm = host_mask_of(m);
    uint64_t hpair[2] = { (uintptr_t)&hm, 8 };
    return mask_swap_end(t, host_syscall6(SYS_pselect6, a[0], a[1], a[2], a[3], a[4],
                                          (uintptr_t)hpair));
}

/* epoll_pwait's and epoll_pwait2's mask (poll.c converts the events); nr
 * says which, a[3] being an int timeout or a struct timespec pointer */
int64_t signal_epoll_pwait(long nr, const uint64_t *a, void *events, int max)
{
    struct sys_thread *t = self();
    uint64_t m, hm;

    if (!a[4])
        return host_syscall6(nr, a[0], (uintptr_t)events, (uint64_t)max, a[3], 0, 8);
    if (a[5] != 8)
        return -EINVAL;
    if (guest_read(&m, a[4], 8))
        return -EFAULT;
    mask_swap_begin(t, m);
    hm = host_mask_of(m);
    return mask_swap_end(t, host_syscall6(nr, a[0], (uintptr_t)events, (uint64_t)max, a[3],
                                          (uintptr_t)&hm, 8));
}

SYS_PASS(kill)
SYS_PASS(tkill)
SYS_PASS(tgkill)
SYS_PASS(rt_sigqueueinfo)
SYS_PASS(rt_tgsigqueueinfo)
