/*
 * setuid/setgid family in a threaded program.  Linux credentials belong to
 * each thread; glibc makes the POSIX process-wide behaviour by signalling
 * every other thread with its internal signal 33 (SIGSETXID) and having
 * each one make the same system call.  So this needs guest signal 33 to
 * reach the guest's glibc in every thread: a runner whose own libc takes
 * host signal 33 crashes or hangs here.  Every thread then reports the ids
 * the kernel holds for it (raw getresuid/getresgid, per thread).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define THREADS 4

static _Atomic int phase, answered;
static char report[THREADS][96];

/* the ids the kernel holds for the calling thread alone */
static void thread_ids(char *buf, size_t n)
{
    unsigned r, e, s, gr, ge, gs;

    syscall(SYS_getresuid, &r, &e, &s);
    syscall(SYS_getresgid, &gr, &ge, &gs);
    snprintf(buf, n, "uid %u/%u/%u gid %u/%u/%u", r, e, s, gr, ge, gs);
}

static void *worker(void *arg)
{
    int id = (int)(long)arg, seen = 0;

    while (seen < 3) {
        int p = atomic_load(&phase);
        if (p > seen) {
            thread_ids(report[id], sizeof report[id]);
            seen = p;
            atomic_fetch_add(&answered, 1);
        }
        usleep(200);
    }
    return NULL;
}

/* each thread's ids after the change, all equal to the main thread's */
static void check(const char *what, int rc, int err)
{
    char mine[96];
    int same = 1;

    atomic_store(&answered, 0);
    atomic_fetch_add(&phase, 1);
    while (atomic_load(&answered) < THREADS)
        usleep(200);
    thread_ids(mine, sizeof mine);
    for (int i = 0; i < THREADS; i++)
        same &= strcmp(report[i], mine) == 0;
    printf("%s: %s; main thread %s; the %d other threads %s\n", what,
           rc == 0 ? "ok" : strerror(err), mine, THREADS, same ? "agree" : "DIFFER");
}

int main(void)
{
    pthread_t th[THREADS];
    uid_t uid = getuid();
    gid_t gid = getgid();
    int rc, err;

    setvbuf(stdout, NULL, _IOLBF, 0);
    for (long i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, worker, (void *)i);

    /* as root these change the effective ids; otherwise they set the ids
     * already held (allowed) or fail the same way natively */
    rc = setegid(uid == 0 ? 65534 : gid);
    err = errno;
    check("setegid", rc, err);
    rc = seteuid(uid == 0 ? 65534 : uid);
    err = errno;
    check("seteuid", rc, err);
    rc = seteuid(uid);
    err = errno;
    if (rc == 0) {
        rc = setegid(gid);
        err = errno;
    }
    check("back to the real ids", rc, err);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    return 0;
}
