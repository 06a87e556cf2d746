/* The guest range set behind /proc/self/maps: merge, split, remove. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syscall/sys.h"

static int n_test;

static void ok(int cond, const char *desc)
{
    printf("%sok %d - %s\n", cond ? "" : "not ", ++n_test, desc);
}

/* the set as "lo-hi,lo-hi" in hex */
static const char *show(void)
{
    static char buf[512];
    struct vma_range *r;
    size_t n = vma_snapshot(&r), off = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < n; i++)
        off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%llx-%llx", i ? "," : "",
                                (unsigned long long)r[i].lo, (unsigned long long)r[i].hi);
    free(r);
    return buf;
}

int main(void)
{
    printf("1..13\n");
    ok(!strcmp(show(), ""), "empty at start");
    vma_add(0x5000, 0x6000);
    vma_add(0x1000, 0x2000);
    ok(!strcmp(show(), "1000-2000,5000-6000"), "kept sorted");
    vma_add(0x2000, 0x3000);
    ok(!strcmp(show(), "1000-3000,5000-6000"), "adjacent ranges merge");
    vma_add(0x2800, 0x5800);
    ok(!strcmp(show(), "1000-6000"), "an overlap joins three");
    vma_remove(0x3000, 0x4000);
    ok(!strcmp(show(), "1000-3000,4000-6000"), "a hole splits");
    vma_remove(0x0, 0x1800);
    ok(!strcmp(show(), "1800-3000,4000-6000"), "removing a head clips");
    vma_remove(0x2000, 0x5000);
    ok(!strcmp(show(), "1800-2000,5000-6000"), "removal across ranges");
    vma_add(0x9000, 0x8000);
    ok(!strcmp(show(), "1800-2000,5000-6000"), "an empty range is ignored");
    for (int i = 0; i < 300; i++)
        vma_add(0x100000 + 0x2000 * (uint64_t)i, 0x101000 + 0x2000 * (uint64_t)i);
    vma_remove(0x100000, 0x100000 + 0x2000 * 300);
    ok(!strcmp(show(), "1800-2000,5000-6000"), "300 ranges grow and go");
    ok(vma_gap_below(0x9000, 0x1000, 0x1000) == 0x8000, "a gap right under the top");
    ok(vma_gap_below(0x6000, 0x1000, 0x2000) == 0x3000, "a gap below a range that reaches the top");
    ok(vma_gap_below(0x5800, 0x1000, 0x3800) == 0, "no gap big enough above the floor");
    ok(vma_gap_below(0x5800, 0x1000, 0x3000) == 0x2000, "a gap that ends where a range starts");
    return 0;
}
