/*
 * Where a guest mmap without MAP_FIXED goes: Linux's top-down layout,
 * below an mmap base that sits a stack gap under the guest's stack
 * (mm/util.c's mmap_base: the stack rlimit clamped to at least 128 MiB, plus
 * the guard gap; measured from the stack's low end, since the loader maps
 * the whole stack at once instead of letting it grow).  Left to itself the host kernel would put guest mappings
 * in the host's own mmap area (0x7f..., above riscv64's Sv39 space and
 * among the runner's mappings).
 *
 * The free gap comes from the guest's range set (vma.c) and skips the brk
 * reservation; the host mapping is made with MAP_FIXED_NOREPLACE, so a
 * racing thread or an unknown host mapping makes it fail with EEXIST rather
 * than clobber anything, and the search goes on below.
 */
#include <errno.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "syscall/sys.h"

#define PAGE_SIZE_4K    0x1000ull
#define STACK_GAP_MIN   (128ull << 20)
#define STACK_GUARD_GAP (256 * PAGE_SIZE_4K)
/* the lowest address handed out (vm.mmap_min_addr's usual value) */
#define MMAP_FLOOR      0x10000ull
#define PLACE_TRIES     64

static uint64_t mmap_base;      /* 0: layout off, the host chooses */

void mmap_layout_init(uint64_t stack_low)
{
    struct rlimit rl;
    uint64_t gap = 8ull << 20;

    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        gap = rl.rlim_cur;
    if (gap < STACK_GAP_MIN)
        gap = STACK_GAP_MIN;
    gap += STACK_GUARD_GAP;
    if (stack_low <= gap + MMAP_FLOOR)
        return;
    mmap_base = (stack_low - gap) & ~(PAGE_SIZE_4K - 1);
}

static int64_t map_at(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags,
                      uint64_t fd, uint64_t off)
{
    return host_syscall6(SYS_mmap, addr, len, prot, flags | MAP_FIXED_NOREPLACE, fd, off);
}

int64_t mmap_layout_map(uint64_t hint, uint64_t len, uint64_t prot, uint64_t flags,
                        uint64_t fd, uint64_t off)
{
    uint64_t size = (len + PAGE_SIZE_4K - 1) & ~(PAGE_SIZE_4K - 1);
    uint64_t top = mmap_base, brk_lo, brk_hi;
    int64_t r;

    if (!mmap_base || size == 0 || size < len)
        return host_syscall6(SYS_mmap, hint, len, prot, flags, fd, off);
    /* a hint is taken when that space is free, as the kernel does */
    hint = (hint + PAGE_SIZE_4K - 1) & ~(PAGE_SIZE_4K - 1);
    if (hint >= MMAP_FLOOR && hint + size > hint && !mem_range_is_runner(hint, size)) {
        r = map_at(hint, len, prot, flags, fd, off);
        if (r >= 0 || (r != -EEXIST && r != -ENOMEM))
            return r;
    }
    mem_brk_reserved(&brk_lo, &brk_hi);
    for (int i = 0; i < PLACE_TRIES; i++) {
        uint64_t at = vma_gap_below(top, MMAP_FLOOR, size);

        if (!at)
            break;
        if (brk_hi > brk_lo && at < brk_hi && brk_lo < at + size) {
            top = brk_lo;
            continue;
        }
        if (mem_range_is_runner(at, size)) {
            top = at;
            continue;
        }
        r = map_at(at, len, prot, flags, fd, off);
        if (r != -EEXIST)
            return r;
        top = at;
    }
    /* no room in the guest's layout: the host's choice is still a valid one */
    return host_syscall6(SYS_mmap, 0, len, prot, flags, fd, off);
}
