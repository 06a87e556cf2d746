/*
 * Process and identity calls: ids, uname (the guest's machine), limits,
 * scheduling, exit, prctl (clone is in thread.c).  Structs here (rlimit,
 * rusage, sysinfo, utsname, sched_param, cpu sets) agree with x86-64's.
 */
#include <errno.h>
#include <linux/prctl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "syscall/sys.h"
#include "translate/exec.h"

void thread_exit_self(void);

SYS_PASS(getpid)
SYS_PASS(getppid)
SYS_PASS(gettid)
SYS_PASS(getuid)
SYS_PASS(geteuid)
SYS_PASS(getgid)
SYS_PASS(getegid)
SYS_PASS(getresuid)
SYS_PASS(getresgid)
SYS_PASS(setuid)
SYS_PASS(setgid)
SYS_PASS(setreuid)
SYS_PASS(setregid)
SYS_PASS(setresuid)
SYS_PASS(setresgid)
SYS_PASS(setfsuid)
SYS_PASS(setfsgid)
SYS_PASS(getgroups)
SYS_PASS(setgroups)
SYS_PASS(getpgid)
SYS_PASS(setpgid)
SYS_PASS(getsid)
SYS_PASS(setsid)
SYS_PASS(getrandom)
SYS_PASS(getrlimit)
SYS_PASS(setrlimit)
SYS_PASS(prlimit64)
SYS_PASS(getrusage)
SYS_PASS(getpriority)
SYS_PASS(setpriority)
SYS_PASS(sched_yield)
SYS_PASS(sched_getaffinity)
SYS_PASS(sched_setaffinity)
SYS_PASS(sched_getparam)
SYS_PASS(sched_setparam)
SYS_PASS(sched_getscheduler)
SYS_PASS(sched_setscheduler)
SYS_PASS(sched_get_priority_max)
SYS_PASS(sched_get_priority_min)
SYS_PASS(getcpu)
SYS_PASS(sysinfo)
SYS_PASS(sethostname)
SYS_PASS(capget)
SYS_PASS(capset)
SYS_PASS(unshare)
SYS_PASS(setns)
SYS_PASS(kcmp)
SYS_PASS(process_vm_readv)
SYS_PASS(process_vm_writev)
SYS_PASS(sched_rr_get_interval)
SYS_PASS(sched_setattr)
SYS_PASS(sched_getattr)
SYS_PASS(pidfd_open)
SYS_PASS(pidfd_send_signal)
SYS_PASS(pidfd_getfd)
SYS_PASS(setdomainname)
SYS_PASS(vhangup)
SYS_PASS(acct)
SYS_PASS(syslog)

/* Deliberately absent features that libcs probe for and fall back from
 * (io_uring, rseq): -ENOSYS without an unimp log line. */
int64_t sys_nosys(void *cpu, const uint64_t *a)
{
    return -ENOSYS;
}

/* A filter written for the guest's syscall numbers would be applied by the
 * host kernel to the runner's x86-64 calls: refused. */
int64_t sys_seccomp(void *cpu, const uint64_t *a)
{
    exec_log(LOG_UNIMP, "seccomp: operation %u refused (filters would apply to the runner)\n",
             (unsigned)a[0]);
    return -EINVAL;
}
SYS_PASS(wait4)
SYS_PASS(waitid)
SYS_PASS(futex)
SYS_PASS(get_robust_list)

/* the kernel clears and wakes *tidptr at thread exit: same address here */
SYS_PASS(set_tid_address)

int64_t sys_set_robust_list(void *cpu, const uint64_t *a)
{
    /* Accepted but not registered: the host list belongs to the runner's
     * libc.  Robust mutexes then lose only their owner-died recovery. */
    if (a[1] != 24)
        return -EINVAL;
    return 0;
}

int64_t sys_personality(void *cpu, const uint64_t *a)
{
    /* The persona is the process's, and the runner sets none of its own:
     * queries (0xffffffff) and flags such as ADDR_NO_RANDOMIZE (setarch -R)
     * go to the host.  arm64 refuses PER_LINUX32 on a CPU without AArch32,
     * which the emulated one is; riscv64's kernel just records it. */
    uint32_t p = (uint32_t)a[0];

    if (p != 0xffffffffu && (p & 0xff) == 0x0008 /* PER_LINUX32 */ &&
        sys_state.guest.e_machine == 183 /* EM_AARCH64 */)
        return -EINVAL;
    return host_syscall6(SYS_personality, p, 0, 0, 0, 0, 0);
}

int64_t sys_uname(void *cpu, const uint64_t *a)
{
    struct utsname u;
    int64_t r = host_syscall6(SYS_uname, (uintptr_t)&u, 0, 0, 0, 0, 0);

    if (r < 0)
        return r;
    snprintf(u.machine, sizeof(u.machine), "%s", sys_state.guest.uname_machine);
    return guest_write(a[0], &u, sizeof(u));
}

static void log_flush(void)
{
    if (exec_config.log)
        fflush(exec_config.log);
}

int64_t sys_exit(void *cpu, const uint64_t *a)
{
    log_flush();
    strace_thread_end();
    /* a thread made by clone goes back to its host thread's start */
    thread_exit_self();
    /* ends this host thread only, like the guest's thread */
    for (;;)
        host_syscall6(SYS_exit, a[0], 0, 0, 0, 0, 0);
}

int64_t sys_exit_group(void *cpu, const uint64_t *a)
{
    log_flush();
    for (;;)
        host_syscall6(SYS_exit_group, a[0], 0, 0, 0, 0, 0);
}

int64_t sys_prctl(void *cpu, const uint64_t *a)
{
    switch ((int)a[0]) {
    case PR_SET_NAME:
    case PR_GET_NAME:
    case PR_SET_PDEATHSIG:
    case PR_GET_PDEATHSIG:
    case PR_SET_DUMPABLE:
    case PR_GET_DUMPABLE:
    case PR_SET_NO_NEW_PRIVS:
    case PR_GET_NO_NEW_PRIVS:
    case PR_SET_CHILD_SUBREAPER:
    case PR_GET_CHILD_SUBREAPER:
    case PR_SET_TIMERSLACK:
    case PR_GET_TIMERSLACK:
    case PR_SET_KEEPCAPS:
    case PR_GET_KEEPCAPS:
        return host_syscall(SYS_prctl, a);
    case PR_GET_SECCOMP:
    case PR_CAPBSET_READ:
    case PR_CAPBSET_DROP:
    case PR_CAP_AMBIENT:
    case PR_SET_PTRACER:
    case PR_GET_THP_DISABLE:
    case PR_SET_THP_DISABLE:
    case PR_GET_TID_ADDRESS:
    case PR_SET_SECUREBITS:
    case PR_GET_SECUREBITS:
    case PR_SET_VMA:
        return host_syscall(SYS_prctl, a);
    case PR_SET_SECCOMP:
        exec_log(LOG_UNIMP, "prctl: PR_SET_SECCOMP refused (filters would apply to the "
                 "runner)\n");
        return -EINVAL;
    default:
        /* the rest change the runner too (mm fields) or are
         * architecture-specific: not passed on */
        exec_log(LOG_UNIMP, "prctl: option %d not supported\n", (int)a[0]);
        return -EINVAL;
    }
}
