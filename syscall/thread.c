/*
 * Guest threads (DESIGN decision 6): clone with CLONE_VM|CLONE_THREAD
 * becomes a host thread with its own copy of the CPU state (new sp, TLS,
 * return value 0), its own exec_ctx and syscall-layer data, running the
 * guest's cpu loop.
 *
 * Why pthread_create and not a raw clone: the runner's own libc code
 * (malloc's per-thread caches, errno, stdio locks) needs a TLS block per
 * thread, which only the libc can build.  That does not cost the guest any
 * signal: the host libc's internal real-time signals are only reserved by
 * its sigaction/sigprocmask wrappers, and every signal call here is a raw
 * syscall, so SIGRTMIN..SIGRTMAX reach the guest unchanged.  One exception
 * is undone by hand: glibc's first pthread_create in a process installs its
 * own handler for signal 33 (for setuid in threaded programs) over ours,
 * which would hand the guest's 33 (its own glibc's setxid signal) to code
 * that knows nothing of it (libc_signals_save/restore).
 *
 * Futex words, the set_tid_address word and robust lists are guest memory
 * at host addresses, so futex passes through.  CLONE_CHILD_CLEARTID is done
 * by hand when the guest thread exits (the host thread's own tid word
 * belongs to its libc).
 */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __GLIBC__
#include <sys/single_threaded.h>
#endif

#include "syscall/signal.h"
#include "syscall/sys.h"
#include "syscall/thread.h"
#include "translate/cache.h"

#define THREAD_FLAGS_NEEDED (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)
#define THREAD_FLAGS_KNOWN (THREAD_FLAGS_NEEDED | CLONE_SYSVSEM | CLONE_SETTLS | \
                            CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | \
                            CLONE_DETACHED)

struct thread_start {
    void *cpu;
    uint64_t flags, ptid, ctid;
    uint64_t mask;
    int tid;                    /* futex word: 0 until the child runs */
};

static void *thread_main(void *arg)
{
    struct thread_start *st = arg;
    struct sys_thread *t = calloc(1, sizeof(*t));
    struct exec_ctx *ctx = calloc(1, sizeof(*ctx));
    int tid = (int)gettid();

    if (!t || !ctx) {
        fprintf(stderr, "runtime: out of memory for a thread\n");
        exit(1);
    }
    t->mask = st->mask;
    t->altstack.flags = GUEST_SS_DISABLE;
    t->is_child = true;
    if (st->flags & CLONE_CHILD_CLEARTID)
        t->clear_tid = st->ctid;
    if (st->flags & CLONE_CHILD_SETTID)
        guest_write(st->ctid, &tid, 4);
    if (st->flags & CLONE_PARENT_SETTID)
        guest_write(st->ptid, &tid, 4);
    sys_self = t;
    void *cpu = st->cpu;
    exec_ctx_init(ctx, cpu);
    __atomic_store_n(&st->tid, tid, __ATOMIC_RELEASE);
    host_syscall6(SYS_futex, (uintptr_t)&st->tid, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
    /* st belongs to the parent from here on */

    if (!setjmp(t->exit_jmp))
        sys_arch->cpu_loop(ctx);        /* signal_thread_start sets the host mask */

    /* the guest thread called exit */
    sig_host_block_all();
    exec_ctx_destroy(ctx);
    if (t->clear_tid) {
        int zero = 0;
        if (!guest_write(t->clear_tid, &zero, 4))
            host_syscall6(SYS_futex, t->clear_tid, FUTEX_WAKE, 1, 0, 0, 0);
    }
    sys_self = NULL;
    free(t);
    free(cpu);
    return NULL;
}

/* the host signals glibc's NPTL takes for itself (SIGCANCEL, SIGSETXID) */
#define LIBC_SIG_FIRST SIG_RTMIN
#define LIBC_SIG_COUNT 2

/* a host struct sigaction as the kernel reads and writes it (x86-64:
 * handler, flags, restorer, mask) */
struct libc_sig_saved {
    uint64_t act[LIBC_SIG_COUNT][4];
    bool saved;
};

/* glibc runs its one-time thread set-up (which takes signal 33) in the
 * pthread_create of a process that is still single-threaded, so saving
 * then cannot race with a guest rt_sigaction on another thread; a forked
 * child that starts threads again is single-threaded again. */
static void libc_signals_save(struct libc_sig_saved *s)
{
    s->saved = false;
#ifdef __GLIBC__
    if (!__libc_single_threaded)
        return;
    for (int i = 0; i < LIBC_SIG_COUNT; i++)
        if (host_syscall6(SYS_rt_sigaction, LIBC_SIG_FIRST + i, 0, (uintptr_t)s->act[i], 8, 0,
                          0))
            return;
    s->saved = true;
#endif
}

static void libc_signals_restore(const struct libc_sig_saved *s)
{
    if (!s->saved)
        return;
    for (int i = 0; i < LIBC_SIG_COUNT; i++)
        host_syscall6(SYS_rt_sigaction, LIBC_SIG_FIRST + i, (uintptr_t)s->act[i], 0, 8, 0, 0);
}

static int64_t thread_create(void *cpu, uint64_t flags, uint64_t newsp, uint64_t ptid,
                             uint64_t tls, uint64_t ctid)
{
    struct thread_start st = { .flags = flags, .ptid = ptid, .ctid = ctid };
    struct libc_sig_saved libc_sigs;
    pthread_attr_t attr;
    pthread_t th;
    uint64_t all = ~0ull;
    int err;

    if ((flags & THREAD_FLAGS_NEEDED) != THREAD_FLAGS_NEEDED ||
        (flags & ~(uint64_t)(THREAD_FLAGS_KNOWN | 0xff))) {
        exec_log(LOG_UNIMP, "clone: flags 0x%llx not supported\n", (unsigned long long)flags);
        return -EINVAL;
    }
    st.cpu = malloc(exec_config.guest->state_size);
    if (!st.cpu)
        return -ENOMEM;
    memcpy(st.cpu, cpu, exec_config.guest->state_size);
    __atomic_store_n((uint32_t *)((char *)st.cpu + exec_config.guest->interrupt_offset), 0,
                     __ATOMIC_RELAXED);
    sys_arch->clone_child(st.cpu, newsp, (flags & CLONE_SETTLS) ? tls : ~0ull);
    st.mask = sys_self->mask;

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 1u << 20);
    /* the child starts with every host signal blocked until it is set up */
    host_syscall6(SYS_rt_sigprocmask, SIG_SETMASK, (uintptr_t)&all, 0, 8, 0, 0);
    libc_signals_save(&libc_sigs);
    err = pthread_create(&th, &attr, thread_main, &st);
    /* still blocked: a signal 33 that came meanwhile waits for our handler */
    libc_signals_restore(&libc_sigs);
    sig_host_mask_sync(sys_self);
    pthread_attr_destroy(&attr);
    if (err) {
        free(st.cpu);
        return -err;
    }
    while (!__atomic_load_n(&st.tid, __ATOMIC_ACQUIRE))
        host_syscall6(SYS_futex, (uintptr_t)&st.tid, FUTEX_WAIT_PRIVATE, 0, 0, 0, 0);
    return st.tid;
}

/* what glibc's fork() does itself: the exit signal SIGCHLD and the tid words */
static bool fork_by_libc(uint64_t flags)
{
    const uint64_t tids = CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CLONE_PARENT_SETTID;

    return (flags & CSIGNAL) == SIGCHLD && !(flags & ~(uint64_t)(CSIGNAL | tids));
}

/*
 * fork-like clones.  The child has only the forking thread, so no lock may
 * be held by another one at the moment of the fork: the runner's own locks
 * are taken here; the allocator's and stdio's are glibc fork()'s business,
 * which is used whenever the flags allow (with a raw clone a python
 * multiprocessing child hung in the log's fflush about one run in twenty;
 * then only the log's own lock is taken here).  Host signals stay blocked
 * meanwhile, since their handlers take some of these locks.
 */
static int64_t fork_clone(void *cpu, uint64_t flags, uint64_t newsp, uint64_t ptid,
                          uint64_t ctid)
{
    FILE *log = exec_config.log ? exec_config.log : stderr;
    bool by_libc = fork_by_libc(flags);
    uint64_t all = ~0ull, old;
    int64_t r;

    host_syscall6(SYS_rt_sigprocmask, SIG_SETMASK, (uintptr_t)&all, (uintptr_t)&old, 8, 0, 0);
    tb_cache_fork_prepare();
    mem_fork_lock();
    vma_fork_lock();
    sig_fork_lock();
    if (by_libc) {
        r = fork();
        if (r < 0)
            r = -errno;
        int tid = r ? (int)r : (int)host_syscall6(SYS_gettid, 0, 0, 0, 0, 0, 0);

        if (r >= 0 && flags & CLONE_PARENT_SETTID)
            __atomic_store_n((int *)(uintptr_t)ptid, tid, __ATOMIC_RELAXED);
        if (r == 0 && flags & CLONE_CHILD_SETTID)
            __atomic_store_n((int *)(uintptr_t)ctid, tid, __ATOMIC_RELAXED);
        if (r == 0 && flags & CLONE_CHILD_CLEARTID)
            host_syscall6(SYS_set_tid_address, ctid, 0, 0, 0, 0, 0);
    } else {
        flockfile(log);
        r = host_syscall6(SYS_clone, flags, 0, ptid, ctid, 0, 0);
        funlockfile(log);
    }
    sig_fork_unlock();
    vma_fork_unlock();
    mem_fork_unlock();
    if (r == 0) {
        tb_cache_fork_child(sys_self ? sys_self->ctx : NULL);
        /* a vfork child on a stack of its own (posix_spawn): the guest's
         * stack only; the runner's host stack is the forked copy */
        if (newsp)
            sys_arch->clone_child(cpu, newsp, ~0ull);
    } else {
        tb_cache_fork_parent();
    }
    host_syscall6(SYS_rt_sigprocmask, SIG_SETMASK, (uintptr_t)&old, 0, 8, 0, 0);
    return r;
}

/*
 * clone: asm-generic's argument order is (flags, newsp, parent_tid, tls,
 * child_tid); x86-64's is (flags, newsp, parent_tid, child_tid, tls).
 * vfork is run as a fork (as qemu-user does).
 */
int64_t sys_clone(void *cpu, const uint64_t *a)
{
    uint64_t flags = a[0];

    if (flags & CLONE_VM && !(flags & CLONE_VFORK))
        return thread_create(cpu, flags, a[1], a[2], a[3], a[4]);
    if (flags & CLONE_VFORK)
        flags &= ~(uint64_t)(CLONE_VFORK | CLONE_VM);
    if (flags & (CLONE_THREAD | CLONE_SIGHAND | CLONE_SETTLS)) {
        exec_log(LOG_UNIMP, "clone: flags 0x%llx not supported\n", (unsigned long long)a[0]);
        return -EINVAL;
    }
    return fork_clone(cpu, flags, a[1], a[2], a[4]);
}

/* struct clone_args (linux/sched.h), 64-bit fields */
int64_t sys_clone3(void *cpu, const uint64_t *a)
{
    uint64_t ca[11] = { 0 };
    size_t size = a[1];

    if (size < 64 || size > sizeof(ca) * 8)
        return size < 64 ? -EINVAL : -E2BIG;
    if (guest_read(ca, a[0], size < sizeof(ca) ? size : sizeof(ca)))
        return -EFAULT;
    uint64_t flags = ca[0], pidfd = ca[1], ctid = ca[2], ptid = ca[3], exit_sig = ca[4];
    uint64_t stack = ca[5], stack_size = ca[6], tls = ca[7];

    if (pidfd || (size > 64 && (ca[8] || ca[9] || ca[10])))
        return -ENOSYS;         /* CLONE_PIDFD, set_tid, cgroup: let libc fall back */
    if (flags & CLONE_VM && !(flags & CLONE_VFORK)) {
        if (exit_sig)
            return -EINVAL;
        return thread_create(cpu, flags, stack ? stack + stack_size : 0, ptid, tls, ctid);
    }
    if (flags & ~(uint64_t)(CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CLONE_PARENT_SETTID |
                            CLONE_VFORK | CLONE_VM))
        return -ENOSYS;
    flags &= ~(uint64_t)(CLONE_VFORK | CLONE_VM);
    return fork_clone(cpu, flags | (exit_sig & 0xff), stack ? stack + stack_size : 0, ptid,
                      ctid);
}

/* exit: ends only this guest thread */
void thread_exit_self(void)
{
    struct sys_thread *t = sys_self;

    if (t && t->is_child)
        longjmp(t->exit_jmp, 1);
}
