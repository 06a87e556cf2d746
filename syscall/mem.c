/*
 * Guest memory management: mmap and friends pass through (guest address ==
 * host address) after two checks: aarch64-only PROT bits are dropped and
 * no call may touch the runner's own memory.  brk is emulated inside a
 * region reserved at the image's brk_start.  Changes to mapped memory
 * invalidate translations (DESIGN.md decision 5).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "syscall/sys.h"
#include "syscall/syscall.h"
#include "translate/exec.h"

/* Weak so that syscall/ links (in unit tests) without the execution engine. */
extern void exec_invalidate(uint64_t start, uint64_t end) __attribute__((weak));

#define PAGE 4096ull
#define PAGE_UP(x) (((x) + PAGE - 1) & ~(PAGE - 1))

/* ---- the runner's own memory ---- */

/*
 * Snapshot of the runner's mappings, taken before the loader maps anything
 * (constructor), plus room for its heap to grow.  Written once at start-up.
 */
#define RUNNER_RANGES_MAX 64
#define RUNNER_HEAP_ROOM (64ull << 30)
static struct { uint64_t lo, hi; } runner_ranges[RUNNER_RANGES_MAX];
static unsigned n_runner_ranges;

void syscall_snapshot_runner_memory(void)
{
    FILE *f = fopen("/proc/self/maps", "re");
    char line[512];

    if (!f)
        return;
    n_runner_ranges = 0;
    while (fgets(line, sizeof(line), f) && n_runner_ranges < RUNNER_RANGES_MAX) {
        unsigned long long lo, hi;

        if (sscanf(line, "%llx-%llx", &lo, &hi) != 2)
            continue;
        if (strstr(line, "[heap]"))
            hi += RUNNER_HEAP_ROOM;
        if (strstr(line, "[vsyscall]"))
            continue;       /* above the user address space anyway */
        runner_ranges[n_runner_ranges].lo = lo;
        runner_ranges[n_runner_ranges].hi = hi;
        n_runner_ranges++;
    }
    fclose(f);
}

/* Before anything else runs (unit tests rely on it); the runner takes the
 * snapshot again once its code buffer exists, before the guest is loaded. */
__attribute__((constructor)) static void runner_ranges_snapshot(void)
{
    syscall_snapshot_runner_memory();
}

/* Does [addr, addr + len) touch memory the runner owns? */
bool mem_range_is_runner(uint64_t addr, uint64_t len)
{
    uint64_t end = addr + len;

    if (end < addr)
        return true;
    for (unsigned i = 0; i < n_runner_ranges; i++)
        if (addr < runner_ranges[i].hi && runner_ranges[i].lo < end)
            return true;
    return false;
}

static void mem_invalidate(uint64_t start, uint64_t len)
{
    if (exec_invalidate)
        exec_invalidate(start, start + len);
}

static uint64_t prot_to_host(uint64_t prot)
{
    /* arm64's PROT_BTI (0x10) and PROT_MTE (0x20) have no x86-64 meaning */
    if (sys_state.arm_open_flags)
        prot &= ~(uint64_t)0x30;
    /* the translator reads the code it runs */
    if (prot & PROT_EXEC)
        prot |= PROT_READ;
    return prot;
}

/* ---- mmap family ---- */

int64_t sys_mmap(void *cpu, const uint64_t *a)
{
    /* 0x40 is x86-64's MAP_32BIT, meaningless (and ignored) for the guest */
    uint64_t flags = a[3] & ~(uint64_t)0x40;
    int64_t r;

    if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && mem_range_is_runner(a[0], PAGE_UP(a[1]))) {
        exec_log(LOG_GUEST_ERRORS, "mmap: 0x%llx+0x%llx overlaps the runtime's memory\n",
                 (unsigned long long)a[0], (unsigned long long)a[1]);
        return (flags & MAP_FIXED_NOREPLACE) ? -EEXIST : -ENOMEM;
    }
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE))
        r = host_syscall6(SYS_mmap, a[0], a[1], prot_to_host(a[2]), flags, a[4], a[5]);
    else
        r = mmap_layout_map(a[0], a[1], prot_to_host(a[2]), flags, a[4], a[5]);
    if (r >= 0 && (flags & MAP_FIXED))
        mem_invalidate((uint64_t)r, a[1]);
    if (r >= 0)
        vma_add((uint64_t)r, (uint64_t)r + PAGE_UP(a[1]));
    return r;
}

int64_t sys_munmap(void *cpu, const uint64_t *a)
{
    int64_t r;

    if (mem_range_is_runner(a[0], PAGE_UP(a[1])))
        return -EINVAL;
    r = host_syscall(SYS_munmap, a);
    if (r == 0) {
        mem_invalidate(a[0], a[1]);
        vma_remove(a[0], a[0] + PAGE_UP(a[1]));
    }
    return r;
}

int64_t sys_mprotect(void *cpu, const uint64_t *a)
{
    int64_t r;

    if (mem_range_is_runner(a[0], PAGE_UP(a[1])))
        return -ENOMEM;
    r = host_syscall6(SYS_mprotect, a[0], a[1], prot_to_host(a[2]), 0, 0, 0);
    /* A change of protection leaves the bytes as they were: code written
     * while a page was writable is announced by IC IVAU or fence.i, as both
     * architectures require, so a JIT flipping its code pages between RWX
     * and RX (V8) costs no flush.  A page that can no longer be read must
     * fault when run, so its translations go. */
    if (r == 0 && !(a[2] & (PROT_READ | PROT_EXEC)))
        mem_invalidate(a[0], a[1]);
    return r;
}

/* A growing mremap that may move: in place if it can, else to a spot
 * the guest layout picks (reserved first, so no other thread takes it),
 * not to wherever the host kernel would put it. */
static int64_t mremap_in_layout(const uint64_t *a)
{
    int64_t r = host_syscall6(SYS_mremap, a[0], a[1], a[2], 0, 0, 0);
    int64_t spot;

    if (r != -ENOMEM)
        return r;
    spot = mmap_layout_map(0, a[2], PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                           (uint64_t)-1, 0);
    if (spot < 0)
        return host_syscall(SYS_mremap, a);
    r = host_syscall6(SYS_mremap, a[0], a[1], a[2], a[3] | MREMAP_FIXED, (uint64_t)spot, 0);
    if (r < 0)
        host_syscall6(SYS_munmap, (uint64_t)spot, a[2], 0, 0, 0, 0);
    return r;
}

int64_t sys_mremap(void *cpu, const uint64_t *a)
{
    int64_t r;

    if (mem_range_is_runner(a[0], PAGE_UP(a[1])))
        return -EFAULT;
    if ((a[3] & MREMAP_FIXED) && mem_range_is_runner(a[4], PAGE_UP(a[2])))
        return -EINVAL;
    if ((a[3] & MREMAP_MAYMOVE) && !(a[3] & MREMAP_FIXED) && a[2] > a[1])
        r = mremap_in_layout(a);
    else
        r = host_syscall(SYS_mremap, a);
    if (r >= 0) {
        mem_invalidate(a[0], a[1]);
        mem_invalidate((uint64_t)r, a[2]);
        /* MREMAP_DONTUNMAP (4) leaves the old range mapped */
        if (!(a[3] & 4))
            vma_remove(a[0], a[0] + PAGE_UP(a[1]));
        vma_add((uint64_t)r, (uint64_t)r + PAGE_UP(a[2]));
    }
    return r;
}

int64_t sys_madvise(void *cpu, const uint64_t *a)
{
    int adv = (int)a[2];
    int64_t r;

    if (adv == MADV_DONTNEED || adv == MADV_FREE || adv == MADV_REMOVE) {
        if (mem_range_is_runner(a[0], PAGE_UP(a[1])))
            return -EINVAL;
    }
    r = host_syscall(SYS_madvise, a);
    if (r == 0 && (adv == MADV_DONTNEED || adv == MADV_REMOVE))
        mem_invalidate(a[0], a[1]);
    return r;
}

SYS_PASS(msync)
SYS_PASS(mlock)
SYS_PASS(munlock)
SYS_PASS(mincore)
SYS_PASS(mlockall)
SYS_PASS(munlockall)
SYS_PASS(mlock2)
/* guest threads are host threads: the host's barrier is the guest's */
SYS_PASS(membarrier)

/* riscv_flush_icache(start, end, flags): the guest wrote code */
int64_t sys_riscv_flush_icache(void *cpu, const uint64_t *a)
{
    if (a[2] & ~1ull)
        return -EINVAL;
    /* the kernel flushes everything whatever the range; so do we */
    mem_invalidate(0, ~0ull);
    return 0;
}

/* ---- brk ---- */

#define BRK_RESERVE (1ull << 30)

static pthread_mutex_t brk_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t brk_start, brk_cur, brk_limit;   /* under brk_lock */

void mem_brk_init(uint64_t start)
{
    uint64_t size = BRK_RESERVE;

    pthread_mutex_lock(&brk_lock);
    brk_start = brk_cur = brk_limit = start;
    /* reserve address space now so that later guest mmaps cannot land in
     * the way; a smaller reservation is fine when something sits there */
    while (start && size >= 16 * PAGE) {
        void *p = mmap((void *)(uintptr_t)start, size, PROT_NONE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);

        if (p == (void *)(uintptr_t)start) {
            brk_limit = start + size;
            break;
        }
        if (p != MAP_FAILED)
            munmap(p, size);        /* old kernel: the address was only a hint */
        size /= 2;
    }
    pthread_mutex_unlock(&brk_lock);
}

void mem_brk_range(uint64_t *lo, uint64_t *hi)
{
    pthread_mutex_lock(&brk_lock);
    *lo = brk_start;
    *hi = PAGE_UP(brk_cur);
    pthread_mutex_unlock(&brk_lock);
}

void mem_brk_reserved(uint64_t *lo, uint64_t *hi)
{
    pthread_mutex_lock(&brk_lock);
    *lo = brk_start;
    *hi = brk_limit;
    pthread_mutex_unlock(&brk_lock);
}

void mem_fork_lock(void)
{
    pthread_mutex_lock(&brk_lock);
}

void mem_fork_unlock(void)
{
    pthread_mutex_unlock(&brk_lock);
}

int64_t sys_brk(void *cpu, const uint64_t *a)
{
    uint64_t want = a[0], ret;

    pthread_mutex_lock(&brk_lock);
    if (want >= brk_start && want <= brk_limit) {
        uint64_t old_end = PAGE_UP(brk_cur), new_end = PAGE_UP(want);
        int ok = 1;

        if (new_end > old_end)
            ok = mprotect((void *)(uintptr_t)old_end, new_end - old_end,
                          PROT_READ | PROT_WRITE) == 0;
        else if (new_end < old_end)
            /* give the pages back, so that growing again reads zeros */
            ok = mmap((void *)(uintptr_t)new_end, old_end - new_end, PROT_NONE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0)
                 != MAP_FAILED;
        if (ok)
            brk_cur = want;
    }
    /* Linux returns the (possibly unchanged) break; failure is ret < want */
    ret = brk_cur;
    pthread_mutex_unlock(&brk_lock);
    return (int64_t)ret;
}
