/*
 * The guest's own address ranges: what the loader mapped plus every
 * successful guest mmap/mremap, minus munmap.  /proc/self/maps shows the
 * host's mappings clipped to this set, so the runner's code buffer, heap,
 * host thread stacks and libraries stay invisible to the guest (as
 * qemu-user does with its page flags).
 *
 * A sorted array of disjoint, non-adjacent ranges under one mutex: guest
 * threads map and unmap concurrently.  A fork holds the lock (vma_fork_lock)
 * so that the child never inherits it taken by a thread it does not have.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "syscall/sys.h"

static pthread_mutex_t vma_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vma_range *vma_set;       /* under vma_lock */
static size_t vma_n, vma_cap;

static int vma_reserve(size_t n)
{
    struct vma_range *p;
    size_t cap;

    if (n <= vma_cap)
        return 0;
    cap = vma_cap ? vma_cap * 2 : 64;
    while (cap < n)
        cap *= 2;
    p = realloc(vma_set, cap * sizeof(*p));
    if (!p)
        return -1;
    vma_set = p;
    vma_cap = cap;
    return 0;
}

/* remove [lo, hi) from the set; needs room for one more entry (a split) */
static void vma_cut(uint64_t lo, uint64_t hi)
{
    size_t out = 0;
    struct vma_range tail;

    for (size_t i = 0; i < vma_n; i++) {
        struct vma_range r = vma_set[i];

        if (r.hi <= lo || r.lo >= hi) {
            vma_set[out++] = r;
            continue;
        }
        if (r.lo < lo && r.hi > hi) {
            tail.lo = hi;
            tail.hi = r.hi;
            r.hi = lo;
            vma_set[out++] = r;
            /* the tail goes right after, keeping the order */
            memmove(&vma_set[out + 1], &vma_set[i + 1], (vma_n - i - 1) * sizeof(r));
            vma_set[out++] = tail;
            vma_n = out + (vma_n - i - 1);
            return;
        }
        if (r.lo < lo)
            r.hi = lo;
        else if (r.hi > hi)
            r.lo = hi;
        else
            continue;
        vma_set[out++] = r;
    }
    vma_n = out;
}

void vma_add(uint64_t lo, uint64_t hi)
{
    size_t i, j;

    if (hi <= lo)
        return;
    pthread_mutex_lock(&vma_lock);
    if (vma_reserve(vma_n + 2)) {
        pthread_mutex_unlock(&vma_lock);
        return;
    }
    /* first range that ends at or after lo, last that starts at or before hi:
     * everything between merges with the new one */
    for (i = 0; i < vma_n && vma_set[i].hi < lo; i++)
        ;
    for (j = i; j < vma_n && vma_set[j].lo <= hi; j++) {
        if (vma_set[j].lo < lo)
            lo = vma_set[j].lo;
        if (vma_set[j].hi > hi)
            hi = vma_set[j].hi;
    }
    /* entries i..j-1 become one */
    if (j == i) {
        memmove(&vma_set[i + 1], &vma_set[i], (vma_n - i) * sizeof(*vma_set));
        vma_n++;
    } else if (j > i + 1) {
        memmove(&vma_set[i + 1], &vma_set[j], (vma_n - j) * sizeof(*vma_set));
        vma_n -= j - i - 1;
    }
    vma_set[i].lo = lo;
    vma_set[i].hi = hi;
    pthread_mutex_unlock(&vma_lock);
}

void vma_remove(uint64_t lo, uint64_t hi)
{
    if (hi <= lo)
        return;
    pthread_mutex_lock(&vma_lock);
    if (vma_reserve(vma_n + 1) == 0)
        vma_cut(lo, hi);
    pthread_mutex_unlock(&vma_lock);
}

void vma_fork_lock(void)
{
    pthread_mutex_lock(&vma_lock);
}

void vma_fork_unlock(void)
{
    pthread_mutex_unlock(&vma_lock);
}

size_t vma_snapshot(struct vma_range **out)
{
    size_t n;

    pthread_mutex_lock(&vma_lock);
    n = vma_n;
    *out = malloc((n ? n : 1) * sizeof(**out));
    if (*out)
        memcpy(*out, vma_set, n * sizeof(**out));
    else
        n = 0;
    pthread_mutex_unlock(&vma_lock);
    return n;
}

uint64_t vma_gap_below(uint64_t top, uint64_t floor, uint64_t len)
{
    uint64_t cur = top, at = 0;

    pthread_mutex_lock(&vma_lock);
    for (size_t i = vma_n; i-- > 0;) {
        if (vma_set[i].lo >= cur)
            continue;
        if (vma_set[i].hi <= cur && cur - vma_set[i].hi >= len)
            break;
        cur = vma_set[i].lo;
    }
    if (cur >= floor && cur - floor >= len)
        at = cur - len;
    pthread_mutex_unlock(&vma_lock);
    return at;
}
