/*
 * Processes: wait4 (struct rusage), waitid (siginfo: exited, stopped,
 * continued, killed), prctl (name, pdeathsig, dumpable, keepcaps, child
 * subreaper), personality, prlimit64/getrlimit/setrlimit, getrusage,
 * sessions and process groups, times, sysinfo, getgroups, capget,
 * sched_getaffinity/setaffinity and getcpu, System V semaphores (struct
 * semid_ds differs between x86-64 and the guests), shared memory (seen in
 * /proc/self/maps), message queues.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <unistd.h>

#define SHOW(what, r) printf("%-30s %s\n", what, (r) < 0 ? strerrorname_np(errno) : "ok")

static volatile unsigned long sink;
static int *volatile bad_ptr;

static void burn(void)
{
    for (unsigned long i = 0; i < 20000000; i++)
        sink += i * i;
}

static void t_wait(void)
{
    pid_t c = fork();
    int st;
    struct rusage ru;
    siginfo_t si;

    if (c == 0) {
        burn();
        _exit(7);
    }
    memset(&si, 0, sizeof(si));
    SHOW("waitid WEXITED|WNOWAIT", waitid(P_PID, c, &si, WEXITED | WNOWAIT));
    printf("waitid: pid %d signo-chld %d code-exited %d status %d\n", si.si_pid == c,
           si.si_signo == SIGCHLD, si.si_code == CLD_EXITED, si.si_status);
    memset(&ru, 0, sizeof(ru));
    printf("wait4 is the child %d\n", wait4(c, &st, 0, &ru) == c);
    printf("wait4: exited %d code %d, rusage cpu>0 %d maxrss>0 %d\n", WIFEXITED(st),
           WEXITSTATUS(st), ru.ru_utime.tv_sec + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec > 0,
           ru.ru_maxrss > 0);
    getrusage(RUSAGE_CHILDREN, &ru);
    printf("RUSAGE_CHILDREN cpu>0 %d\n", ru.ru_utime.tv_sec + ru.ru_utime.tv_usec > 0);

    c = fork();
    if (c == 0) {
        raise(SIGSTOP);
        pause();
        _exit(0);
    }
    memset(&si, 0, sizeof(si));
    waitid(P_PID, c, &si, WSTOPPED);
    printf("stopped: code %d status-sigstop %d\n", si.si_code == CLD_STOPPED, si.si_status == SIGSTOP);
    kill(c, SIGCONT);
    memset(&si, 0, sizeof(si));
    waitid(P_PID, c, &si, WCONTINUED);
    printf("continued: code %d\n", si.si_code == CLD_CONTINUED);
    kill(c, SIGKILL);
    waitpid(c, &st, 0);
    printf("killed: signaled %d sig-kill %d\n", WIFSIGNALED(st), WTERMSIG(st) == SIGKILL);
    c = fork();
    if (c == 0) {
        signal(SIGSEGV, SIG_DFL);
        *bad_ptr = 1;
        _exit(0);
    }
    waitpid(c, &st, 0);
    printf("segv: signaled %d sig-segv %d\n", WIFSIGNALED(st), WTERMSIG(st) == SIGSEGV);
    printf("waitpid no child: %s\n", waitpid(-1, &st, WNOHANG) < 0 ? strerrorname_np(errno) : "?");
}

static void t_prctl(void)
{
    char name[32] = "";
    int v = -1;
    pid_t c;

    SHOW("PR_SET_NAME", prctl(PR_SET_NAME, "abi2-renamed", 0, 0, 0));
    prctl(PR_GET_NAME, name, 0, 0, 0);
    printf("PR_GET_NAME %s\n", name);
    {
        FILE *f = fopen("/proc/self/comm", "r");
        char comm[32] = "";

        if (f) {
            fgets(comm, sizeof(comm), f);
            fclose(f);
        }
        printf("/proc/self/comm %s", comm);
    }
    SHOW("PR_SET_PDEATHSIG", prctl(PR_SET_PDEATHSIG, SIGUSR2, 0, 0, 0));
    prctl(PR_GET_PDEATHSIG, &v, 0, 0, 0);
    printf("PR_GET_PDEATHSIG usr2 %d\n", v == SIGUSR2);
    prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    SHOW("PR_SET_DUMPABLE 0", prctl(PR_SET_DUMPABLE, 0, 0, 0, 0));
    printf("PR_GET_DUMPABLE %d\n", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    printf("PR_GET_DUMPABLE %d\n", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
    SHOW("PR_SET_KEEPCAPS", prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
    printf("PR_GET_KEEPCAPS %d\n", prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
    SHOW("PR_SET_NO_NEW_PRIVS", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
    printf("PR_GET_NO_NEW_PRIVS %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    SHOW("PR_SET_CHILD_SUBREAPER", prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
    v = 0;
    prctl(PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0);
    printf("PR_GET_CHILD_SUBREAPER %d\n", v);
    /* an orphaned grandchild comes to us */
    c = fork();
    if (c == 0) {
        pid_t top = getppid();
        int p[2];

        pipe(p);
        if (fork() == 0) {
            char x;

            close(p[1]);
            read(p[0], &x, 1);      /* until the middle process is gone */
            while (getppid() != top)
                usleep(1000);
            _exit(getppid() == top ? 42 : 1);
        }
        _exit(0);
    }
    {
        int st, got42 = 0;
        pid_t w;

        while ((w = wait(&st)) > 0)
            if (w != c && WIFEXITED(st) && WEXITSTATUS(st) == 42)
                got42 = 1;
        printf("subreaper reaped the orphan %d\n", got42);
    }
    printf("PR_SET_SECCOMP bad mode: %s\n",
           prctl(PR_SET_SECCOMP, 99, 0, 0, 0) < 0 ? strerrorname_np(errno) : "ok");
    printf("prctl unknown option: %s\n", prctl(0x7fff1234, 0, 0, 0, 0) < 0 ? strerrorname_np(errno) : "ok");
}

static void t_limits(void)
{
    struct rlimit r, r2;
    struct rusage ru;
    struct tms t;
    struct sysinfo si;
    int n;

    printf("personality query %#x\n", personality(0xffffffff) & 0xff);
    SHOW("prlimit64 get NOFILE", prlimit(0, RLIMIT_NOFILE, NULL, &r));
    r2 = r;
    r2.rlim_cur = r.rlim_cur > 64 ? 64 : r.rlim_cur;
    SHOW("setrlimit NOFILE", setrlimit(RLIMIT_NOFILE, &r2));
    getrlimit(RLIMIT_NOFILE, &r2);
    printf("soft NOFILE now %llu\n", (unsigned long long)r2.rlim_cur);
    SHOW("prlimit64 restore", prlimit(0, RLIMIT_NOFILE, &r, &r2));
    printf("old soft returned %llu\n", (unsigned long long)r2.rlim_cur);
    r2.rlim_cur = r.rlim_max + 1;
    r2.rlim_max = r.rlim_max;
    printf("soft above hard: %s\n", setrlimit(RLIMIT_NOFILE, &r2) ? strerrorname_np(errno) : "ok");
    SHOW("getrusage SELF", getrusage(RUSAGE_SELF, &ru));
    printf("self maxrss>0 %d\n", ru.ru_maxrss > 0);
    printf("times nonzero %d\n", times(&t) != (clock_t)-1);
    SHOW("sysinfo", sysinfo(&si));
    printf("sysinfo uptime>0 %d ram>0 %d unit>=1 %d procs>0 %d\n", si.uptime > 0, si.totalram > 0,
           si.mem_unit >= 1, si.procs > 0);
    n = getgroups(0, NULL);
    {
        gid_t g[256];
        int m = getgroups(256, g);

        printf("getgroups count agrees %d\n", n == m);
        printf("setgroups same list: %s\n", setgroups(m, g) ? strerrorname_np(errno) : "ok");
    }
    {
        struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
        struct __user_cap_data_struct d[2];
        FILE *f = fopen("/proc/self/status", "r");
        char line[256];
        unsigned long long eff = 0;

        SHOW("capget v3", syscall(SYS_capget, &h, d));
        while (f && fgets(line, sizeof(line), f))
            sscanf(line, "CapEff: %llx", &eff);
        if (f)
            fclose(f);
        printf("capget matches CapEff %d\n",
               (((unsigned long long)d[1].effective << 32) | d[0].effective) == eff);
        SHOW("capset same", syscall(SYS_capset, &h, d));
    }
}

static void t_sessions(void)
{
    pid_t c = fork();
    int st;

    if (c == 0) {
        pid_t me = getpid();

        printf("child setsid is pid %d\n", setsid() == me);
        printf("getsid %d getpgid %d getpgrp %d\n", getsid(0) == me, getpgid(0) == me,
               getpgrp() == me);
        printf("setpgid as leader: %s\n", setpgid(0, 0) ? strerrorname_np(errno) : "ok");
        fflush(stdout);
        if (fork() == 0) {
            printf("grandchild setpgid own group: %s\n", setpgid(0, 0) ? strerrorname_np(errno) : "ok");
            printf("grandchild pgid is self %d sid inherited %d\n", getpgid(0) == getpid(),
                   getsid(0) == me);
            _exit(0);
        }
        wait(NULL);
        _exit(0);
    }
    waitpid(c, &st, 0);
    printf("getsid of child gone: %s\n", getsid(c) < 0 ? strerrorname_np(errno) : "exists");
}

static void t_affinity(void)
{
    cpu_set_t s, one;
    int first = -1;
    unsigned cpu = 99, node = 99;

    SHOW("sched_getaffinity", sched_getaffinity(0, sizeof(s), &s));
    printf("cpus>0 %d\n", CPU_COUNT(&s) > 0);
    for (int i = 0; i < CPU_SETSIZE && first < 0; i++)
        if (CPU_ISSET(i, &s))
            first = i;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    SHOW("sched_setaffinity one cpu", sched_setaffinity(0, sizeof(one), &one));
    SHOW("getcpu", syscall(SYS_getcpu, &cpu, &node, NULL));
    printf("getcpu is the pinned cpu %d, sched_getcpu too %d\n", (int)cpu == first,
           sched_getcpu() == first);
    sched_setaffinity(0, sizeof(s), &s);
}

static void t_ipc(void)
{
    int sem = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600), shm, mq;
    struct semid_ds ds;
    struct shmid_ds sds;
    union { int val; struct semid_ds *buf; unsigned short *array; } arg;
    struct sembuf op = { .sem_num = 1, .sem_op = 5, .sem_flg = 0 };
    char *p;

    SHOW("semget", sem);
    arg.buf = &ds;
    SHOW("semctl IPC_STAT", semctl(sem, 0, IPC_STAT, arg));
    printf("sem_nsems %lu mode %o otime %ld ctime>0 %d\n", (unsigned long)ds.sem_nsems,
           ds.sem_perm.mode & 0777, (long)ds.sem_otime, ds.sem_ctime > 0);
    SHOW("semop +5", semop(sem, &op, 1));
    printf("GETVAL %d\n", semctl(sem, 1, GETVAL));
    semctl(sem, 0, IPC_STAT, arg);
    printf("otime set %d\n", ds.sem_otime > 0);
    ds.sem_perm.mode = 0640;
    SHOW("semctl IPC_SET", semctl(sem, 0, IPC_SET, arg));
    semctl(sem, 0, IPC_STAT, arg);
    printf("mode now %o nsems still %lu\n", ds.sem_perm.mode & 0777, (unsigned long)ds.sem_nsems);
    SHOW("semctl IPC_RMID", semctl(sem, 0, IPC_RMID));

    shm = shmget(IPC_PRIVATE, 65536, IPC_CREAT | 0600);
    p = shmat(shm, NULL, 0);
    SHOW("shmat", p == (void *)-1 ? -1 : 0);
    strcpy(p, "shared");
    shmctl(shm, IPC_STAT, &sds);
    printf("shm_segsz %zu nattch %lu\n", sds.shm_segsz, (unsigned long)sds.shm_nattch);
    {
        FILE *f = fopen("/proc/self/maps", "r");
        char line[512];
        int found = 0;

        while (f && fgets(line, sizeof(line), f)) {
            unsigned long lo, hi;
            char perms[8];

            if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3 && lo == (unsigned long)p)
                found = (hi - lo == 65536) + (perms[3] == 's');
        }
        if (f)
            fclose(f);
        printf("shm in maps: size+shared %d\n", found);
    }
    SHOW("shmdt", shmdt(p));
    SHOW("shmctl IPC_RMID", shmctl(shm, IPC_RMID, NULL));

    mq = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    {
        struct { long type; char text[16]; } m = { 3, "queued" }, r;
        struct msqid_ds q;
        ssize_t n;

        SHOW("msgsnd", msgsnd(mq, &m, sizeof(m.text), 0));
        msgctl(mq, IPC_STAT, &q);
        printf("msg_qnum %lu\n", (unsigned long)q.msg_qnum);
        n = msgrcv(mq, &r, sizeof(r.text), 0, 0);
        printf("msgrcv %zd %s type %ld\n", n, r.text, r.type);
        SHOW("msgctl IPC_RMID", msgctl(mq, IPC_RMID, NULL));
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    t_wait();
    t_prctl();
    t_limits();
    t_sessions();
    t_affinity();
    t_ipc();
    return 0;
}
