/* Ending the process the way an unhandled synchronous guest signal would,
 * and raising one that a helper detected. */
#include "syscall/guest_fault.h"

#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "syscall/thread.h"
#include "translate/exec.h"

void guest_fault_fatal(int sig, uint64_t pc, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "runtime-%s: ", exec_config.guest ? exec_config.guest->name : "?");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " at pc 0x%" PRIx64 "\n", pc);
    fflush(NULL);
    /* a core of the runner would describe the host process, not the guest */
    struct rlimit no_core = { 0, 0 };
    setrlimit(RLIMIT_CORE, &no_core);
    struct sigaction sa = { .sa_handler = SIG_DFL };
    sigaction(sig, &sa, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    _exit(128 + sig);
}

void guest_fault_raise(int sig, int code, uint64_t addr, const void *host_ret,
                       const void *host_sp)
{
    struct sys_thread *t = sys_self;
    if (!t || !t->ctx)
        guest_fault_fatal(sig, 0, "signal %d (code %d, address 0x%" PRIx64 ")", sig, code, addr);
    sig_queue_fault(t, sig, code, addr);
    /* the return address points after the call: look up the call itself */
    exec_fault_unwind(t->ctx, (uintptr_t)host_ret - 1, (uintptr_t)host_sp);
    /* not in guest code after all: the runner's own bug */
    guest_fault_fatal(sig, 0, "internal error: fault raised outside guest code");
}
