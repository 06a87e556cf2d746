/* safe_syscall6: a pending guest signal stops a blocking host call from
 * starting; the host handler's fixup moves a thread caught between the
 * check and the syscall instruction to the bail-out path. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <ucontext.h>
#include <unistd.h>

#include "syscall/sys.h"
#include "syscall/thread.h"

extern const char safe_syscall_start[], safe_syscall_end[], safe_syscall_bail[];

static int n_test;

static void ok(int cond, const char *desc)
{
    printf("%sok %d - %s\n", cond ? "" : "not ", ++n_test, desc);
}

static int pending_bytes(int fd)
{
    int n = -1;

    ioctl(fd, FIONREAD, &n);
    return n;
}

static struct sys_thread self;
static volatile uint32_t irq;

/* what the runner's host handler does for a guest signal */
static void on_usr1(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)si;
    irq = 1;
    safe_syscall_fixup(uc);
}

static void *kick(void *arg)
{
    pthread_t target = *(pthread_t *)arg;

    usleep(20000);
    pthread_kill(target, SIGUSR1);
    return NULL;
}

int main(void)
{
    int fds[2];
    char c = 'x';

    printf("1..8\n");
    if (pipe(fds) != 0)
        return 1;

    sys_self = NULL;
    ok(safe_syscall6(SYS_write, (uint64_t)fds[1], (uintptr_t)&c, 1, 0, 0, 0) == 1 &&
           pending_bytes(fds[0]) == 1,
       "without a guest thread the call is made");
    if (read(fds[0], &c, 1) != 1)
        return 1;

    self.irq = &irq;
    sys_self = &self;
    irq = 1;
    ok(safe_syscall6(SYS_write, (uint64_t)fds[1], (uintptr_t)&c, 1, 0, 0, 0) == SYSCALL_RESTART,
       "a pending signal: SYSCALL_RESTART");
    ok(pending_bytes(fds[0]) == 0, "... and the call was not made");
    irq = 0;
    ok(safe_syscall6(SYS_write, (uint64_t)fds[1], (uintptr_t)&c, 1, 0, 0, 0) == 1 &&
           pending_bytes(fds[0]) == 1,
       "no signal: the call is made with all its arguments");
    if (read(fds[0], &c, 1) != 1)
        return 1;

    /* the fixup on every pc of the window, and just outside it */
    ucontext_t uc;
    int moved = 1;
    memset(&uc, 0, sizeof uc);
    for (const char *p = safe_syscall_start; p < safe_syscall_end; p++) {
        uc.uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)p;
        safe_syscall_fixup(&uc);
        moved &= uc.uc_mcontext.gregs[REG_RIP] == (greg_t)(uintptr_t)safe_syscall_bail;
    }
    ok(moved && (uintptr_t)safe_syscall_end > (uintptr_t)safe_syscall_start, "a pc before the syscall goes to the bail-out");
    uc.uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)safe_syscall_end;
    safe_syscall_fixup(&uc);
    ok(uc.uc_mcontext.gregs[REG_RIP] == (greg_t)(uintptr_t)safe_syscall_end,
       "a pc after the syscall (the kernel had it) stays");
    uc.uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)main;
    safe_syscall_fixup(&uc);
    ok(uc.uc_mcontext.gregs[REG_RIP] == (greg_t)(uintptr_t)main, "a pc elsewhere stays");

    /* a signal during a blocking read on an empty pipe ends it */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;       /* no SA_RESTART, as the runner's handler */
    sigaction(SIGUSR1, &sa, NULL);
    pthread_t me = pthread_self(), th;
    pthread_create(&th, NULL, kick, &me);
    int64_t r = safe_syscall6(SYS_read, (uint64_t)fds[0], (uintptr_t)&c, 1, 0, 0, 0);
    pthread_join(th, NULL);
    ok((r == -EINTR || r == SYSCALL_RESTART) && irq == 1,
       "a signal ends a blocked read (EINTR, or SYSCALL_RESTART in the window)");
    return 0;
}
