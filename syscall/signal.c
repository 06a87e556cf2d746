/*
 * Guest signal bookkeeping: the dispositions, per-thread masks and
 * alternate stacks the guest asked for.  Nothing is installed on the host
 * yet; delivery (a later layer) reads these.  Signal numbers are the same
 * on asm-generic and x86-64.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "syscall/sys.h"
#include "syscall/target.h"

#define GUEST_NSIG 64
#define GUEST_SS_ONSTACK 1
#define GUEST_SS_DISABLE 2
#define GUEST_SS_AUTODISARM (1u << 31)
#define GUEST_MINSIGSTKSZ 2048

/* dispositions are process-wide (shared by threads): under sig_lock */
static pthread_mutex_t sig_lock = PTHREAD_MUTEX_INITIALIZER;
static struct guest_sigaction sig_actions[GUEST_NSIG + 1];

/* masks and alternate stacks are per thread, as guest threads are host threads */
static __thread uint64_t sig_mask;
static __thread struct { uint64_t sp, size; uint32_t flags; bool set; } sig_altstack;

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

void signal_get_action(int sig, struct guest_sigaction *out)
{
    pthread_mutex_lock(&sig_lock);
    *out = sig_actions[sig];
    pthread_mutex_unlock(&sig_lock);
}

uint64_t signal_get_mask(void)
{
    return sig_mask;
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
        act.mask &= ~((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)));
    }
    pthread_mutex_lock(&sig_lock);
    old = sig_actions[sig];
    if (a[1])
        sig_actions[sig] = act;
    pthread_mutex_unlock(&sig_lock);
    if (a[2])
        return sigaction_write(a[2], &old);
    return 0;
}

int64_t sys_rt_sigprocmask(void *cpu, const uint64_t *a)
{
    uint64_t set, old = sig_mask;
    int err;

    if (a[3] != 8)
        return -EINVAL;
    if (a[1]) {
        err = guest_read(&set, a[1], 8);
        if (err)
            return err;
        set &= ~((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)));
        switch ((int)a[0]) {
        case SIG_BLOCK:
            sig_mask |= set;
            break;
        case SIG_UNBLOCK:
            sig_mask &= ~set;
            break;
        case SIG_SETMASK:
            sig_mask = set;
            break;
        default:
            return -EINVAL;
        }
    }
    if (a[2]) {
        err = guest_write(a[2], &old, 8);
        if (err) {
            sig_mask = old;
            return err;
        }
    }
    return 0;
}

int64_t sys_sigaltstack(void *cpu, const uint64_t *a)
{
    /* stack_t: ss_sp at 0, ss_flags (int) at 8, ss_size at 16 */
    uint64_t w[3];
    int err;

    if (a[1]) {
        w[0] = sig_altstack.set ? sig_altstack.sp : 0;
        w[1] = sig_altstack.set ? sig_altstack.flags : GUEST_SS_DISABLE;
        w[2] = sig_altstack.set ? sig_altstack.size : 0;
        err = guest_write(a[1], w, sizeof(w));
        if (err)
            return err;
    }
    if (a[0]) {
        uint32_t flags;

        err = guest_read(w, a[0], sizeof(w));
        if (err)
            return err;
        flags = (uint32_t)w[1];
        if ((flags & ~GUEST_SS_AUTODISARM) == GUEST_SS_DISABLE) {
            sig_altstack.set = false;
            return 0;
        }
        if (flags & ~GUEST_SS_AUTODISARM)
            return -EINVAL;
        if (w[2] < GUEST_MINSIGSTKSZ)
            return -ENOMEM;
        sig_altstack.sp = w[0];
        sig_altstack.size = w[2];
        sig_altstack.flags = flags;
        sig_altstack.set = true;
    }
    return 0;
}

SYS_PASS(kill)
SYS_PASS(tkill)
SYS_PASS(tgkill)
SYS_PASS(rt_sigpending)
