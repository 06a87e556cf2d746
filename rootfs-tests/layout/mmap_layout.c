/*
 * The address-space layout a Linux program sees, as properties that hold
 * on every 64-bit Linux with the default top-down layout (so the native
 * x86-64 build prints the same): mappings without an address come from
 * below the stack and above the program and its heap, each new one below
 * the last, a free hint is taken as given and an occupied one is not,
 * shared libraries sit in the same area, and the stack is the highest
 * mapping but for the vDSO/vvar pages.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void check(const char *what, int cond)
{
    printf("%s: %s\n", what, cond ? "yes" : "NO");
}

static uintptr_t map(uintptr_t hint, size_t len)
{
    void *p = mmap((void *)hint, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    return p == MAP_FAILED ? 0 : (uintptr_t)p;
}

static void *thread_sp(void *arg)
{
    int local;

    *(uintptr_t *)arg = (uintptr_t)&local;
    return NULL;
}

/* the [stack] line of /proc/self/maps, and the highest mapping that is
 * neither the stack nor a kernel-provided page ([vdso], [vvar], [vsyscall]) */
static void read_maps(uintptr_t *stack_lo, uintptr_t *stack_hi, uintptr_t *top_other)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];

    *stack_lo = *stack_hi = *top_other = 0;
    while (f && fgets(line, sizeof line, f)) {
        unsigned long lo, hi;

        if (sscanf(line, "%lx-%lx", &lo, &hi) != 2)
            continue;
        if (strstr(line, "[stack]")) {
            *stack_lo = lo;
            *stack_hi = hi;
        } else if (!strstr(line, "[vdso]") && !strstr(line, "[vvar]") &&
                   !strstr(line, "[vsyscall]") && hi > *top_other) {
            *top_other = hi;
        }
    }
    if (f)
        fclose(f);
}

int main(void)
{
    int on_stack;
    uintptr_t sp = (uintptr_t)&on_stack;
    uintptr_t heap = (uintptr_t)sbrk(0);
    uintptr_t code = (uintptr_t)&main;
    uintptr_t a = map(0, 1 << 16), b = map(0, 1 << 16), big = map(0, 64 << 20);
    uintptr_t libc = (uintptr_t)&printf;

    check("anonymous mmaps succeed", a && b && big);
    check("an mmap lands below the stack", a < sp && big < sp);
    check("an mmap lands above the program and its heap", a > code && a > heap && big > heap);
    check("a second mmap lands below the first", b < a);
    check("a large mmap lands below the earlier ones", big < b);
    check("shared libraries (or a static libc) are outside the mmap-to-stack gap",
          !(libc > a && libc < sp) || libc > big);

    munmap((void *)a, 1 << 16);
    uintptr_t again = map(a, 1 << 16);
    check("a free hint is taken as given", again == a);
    uintptr_t clash = map(b, 1 << 16);
    check("an occupied hint is not taken", clash && clash != b);

    pthread_t th;
    uintptr_t tsp = 0;
    pthread_create(&th, NULL, thread_sp, &tsp);
    pthread_join(th, NULL);
    check("a thread's stack is an mmap below the main stack", tsp && tsp < sp && tsp > heap);

    uintptr_t slo, shi, top;
    read_maps(&slo, &shi, &top);
    check("/proc/self/maps shows the stack holding sp", slo <= sp && sp < shi);
    check("the stack is the highest mapping", top <= slo);
    check("a gap of at least 128 MiB separates the stack and the mmaps", slo - a >= (128u << 20));
    return 0;
}
