/*
 * System V IPC and POSIX message queues.  The structs agree between
 * 64-bit asm-generic and x86-64 except struct semid64_ds: x86-64 keeps an
 * unused word after each time field (104 bytes against 88), so semctl's
 * IPC_STAT, SEM_STAT, SEM_STAT_ANY and IPC_SET convert.  Attached shared
 * memory is guest memory: shmat and shmdt update the ranges that
 * /proc/self/maps shows, and shmat may not land on the runner.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include "syscall/sys.h"

/* asm-generic/sembuf.h, 64-bit */
struct guest_semid64_ds {
    uint8_t perm[48];           /* struct ipc64_perm: same on both */
    int64_t sem_otime;
    int64_t sem_ctime;
    uint64_t sem_nsems;
    uint64_t unused3, unused4;
};
_Static_assert(sizeof(struct guest_semid64_ds) == 88, "asm-generic semid64_ds");

/* x86-64's arch/x86/include/uapi/asm/sembuf.h */
struct host_semid64_ds {
    uint8_t perm[48];
    int64_t sem_otime;
    uint64_t unused1;
    int64_t sem_ctime;
    uint64_t unused2;
    uint64_t sem_nsems;
    uint64_t unused3, unused4;
};
_Static_assert(sizeof(struct host_semid64_ds) == 104, "x86-64 semid64_ds");

SYS_PASS(semget)
SYS_PASS(semop)
SYS_PASS(semtimedop)
SYS_PASS(msgget)
SYS_PASS(msgsnd)
SYS_PASS(msgrcv)
SYS_PASS(msgctl)
SYS_PASS(shmget)
SYS_PASS(shmctl)
SYS_PASS(mq_open)
SYS_PASS(mq_unlink)
SYS_PASS(mq_timedsend)
SYS_PASS(mq_timedreceive)
SYS_PASS(mq_notify)
SYS_PASS(mq_getsetattr)

int64_t sys_semctl(void *cpu, const uint64_t *a)
{
    /* IPC_64 (0x100) is a version flag some libcs add; the kernel ignores it */
    int cmd = (int)a[2] & ~0x100;
    struct host_semid64_ds h;
    struct guest_semid64_ds g;
    int64_t r;
    int err;

    switch (cmd) {
    case IPC_STAT:
    case SEM_STAT:
    case SEM_STAT_ANY:
        memset(&h, 0, sizeof(h));
        r = host_syscall6(SYS_semctl, a[0], a[1], a[2], (uintptr_t)&h, 0, 0);
        if (r < 0)
            return r;
        memset(&g, 0, sizeof(g));
        memcpy(g.perm, h.perm, sizeof(g.perm));
        g.sem_otime = h.sem_otime;
        g.sem_ctime = h.sem_ctime;
        g.sem_nsems = h.sem_nsems;
        err = guest_write(a[3], &g, sizeof(g));
        return err ? err : r;
    case IPC_SET:
        err = guest_read(&g, a[3], sizeof(g));
        if (err)
            return err;
        memset(&h, 0, sizeof(h));
        memcpy(h.perm, g.perm, sizeof(h.perm));
        h.sem_otime = g.sem_otime;
        h.sem_ctime = g.sem_ctime;
        h.sem_nsems = g.sem_nsems;
        return host_syscall6(SYS_semctl, a[0], a[1], a[2], (uintptr_t)&h, 0, 0);
    default:
        /* values, arrays of unsigned short, semid-free commands */
        return host_syscall(SYS_semctl, a);
    }
}

int64_t sys_shmat(void *cpu, const uint64_t *a)
{
    struct shmid_ds ds;
    int64_t r;

    if (host_syscall6(SYS_shmctl, a[0], IPC_STAT, (uintptr_t)&ds, 0, 0, 0) < 0)
        memset(&ds, 0, sizeof(ds));
    if (a[1] && mem_range_is_runner(a[1], ds.shm_segsz ? ds.shm_segsz : 1))
        return -EINVAL;
    r = host_syscall(SYS_shmat, a);
    if (r >= 0 && ds.shm_segsz)
        vma_add((uint64_t)r, ((uint64_t)r + ds.shm_segsz + 4095) & ~4095ull);
    return r;
}

/* the size of the mapping that starts at addr, from the host's maps */
static uint64_t mapping_len_at(uint64_t addr)
{
    FILE *f = fopen("/proc/self/maps", "re");
    char line[512];
    uint64_t len = 0;

    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f)) {
        unsigned long long lo, hi;

        if (sscanf(line, "%llx-%llx", &lo, &hi) == 2 && lo == addr) {
            len = hi - lo;
            break;
        }
    }
    fclose(f);
    return len;
}

int64_t sys_shmdt(void *cpu, const uint64_t *a)
{
    uint64_t len = mapping_len_at(a[0]);
    int64_t r;

    if (mem_range_is_runner(a[0], 1))
        return -EINVAL;
    r = host_syscall(SYS_shmdt, a);
    if (r == 0 && len)
        vma_remove(a[0], a[0] + len);
    return r;
}
