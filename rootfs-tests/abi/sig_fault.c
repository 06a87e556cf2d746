/* Synchronous signals: SIGSEGV with si_addr and siglongjmp recovery (read,
 * write, PROT_NONE page), SIGILL/SIGTRAP from __builtin_trap, SIGFPE-free. */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf jb;
static volatile uintptr_t fault_addr;
static volatile int fault_sig, fault_code;

static void h(int sig, siginfo_t *si, void *uc)
{
    fault_sig = sig;
    fault_code = si->si_code;
    fault_addr = (uintptr_t)si->si_addr;
    siglongjmp(jb, 1);
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = h;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGTRAP, &sa, NULL);

    volatile int *bad = (int *)(uintptr_t)0x1230;
    if (!sigsetjmp(jb, 1)) {
        printf("read %d\n", *bad);
    } else {
        printf("read fault: sig=%d code=%d addr_ok=%d\n", fault_sig, fault_code,
               fault_addr == 0x1230);
    }
    char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mprotect(p + 4096, 4096, PROT_NONE);
    for (int round = 0; round < 3; round++) {
        if (!sigsetjmp(jb, 1)) {
            p[4096 + 100 * round] = 1;
            printf("write went through\n");
        } else {
            printf("write fault %d: sig=%d code=%d offset=%ld\n", round, fault_sig, fault_code,
                   (long)(fault_addr - (uintptr_t)p));
        }
    }
    /* the mask saved by sigsetjmp(…, 1) came back: SIGSEGV is not blocked */
    sigset_t cur;
    sigprocmask(SIG_SETMASK, NULL, &cur);
    printf("segv blocked after longjmp: %d\n", sigismember(&cur, SIGSEGV));

    if (!sigsetjmp(jb, 1)) {
        __builtin_trap();
    } else {
        printf("trap: caught=%d\n", fault_sig == SIGILL || fault_sig == SIGTRAP);
    }
    return 0;
}
