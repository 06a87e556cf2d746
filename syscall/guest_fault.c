/* Ending the process the way an unhandled synchronous guest signal would. */
#include "syscall/guest_fault.h"

#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

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
