/*
 * Code that the program writes, runs, rewrites and runs again, the way a
 * JIT does: in place after __builtin___clear_cache (IC IVAU on aarch64,
 * fence.i or riscv_flush_icache on riscv64), one line of a longer function
 * among neighbours that stay, through a second (writable) mapping of the
 * same memfd, by flipping pages between RW and RX, by mapping freshly
 * written file pages over old code, and from another thread.  A runner
 * that keeps a stale translation prints a different sum than the native
 * build, where the host's caches are coherent.
 *
 * Each function is int f(int x) { return x + k; } for a k the test picks,
 * preceded by `pad` no-ops so that k's instruction can sit in a later cache
 * line than the function's entry.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef int (*fn_t)(int);

#define PAGE 4096
#define MAX_FN 160              /* bytes one function may take */

/* The bytes of f, and where k's instruction starts in them. */
static size_t emit_fn(uint8_t *buf, int pad, unsigned k, size_t *k_off)
{
    size_t n = 0;
#if defined(__aarch64__)
    uint32_t w[64];
    for (int i = 0; i < pad; i++)
        w[n++] = 0xd503201f;                    /* nop */
    *k_off = n * 4;
    w[n++] = 0x52800001 | (k & 0xffff) << 5;    /* movz w1, #k */
    w[n++] = 0x0b010000;                        /* add w0, w0, w1 */
    w[n++] = 0xd65f03c0;                        /* ret */
    memcpy(buf, w, n * 4);
    return n * 4;
#elif defined(__riscv) && __riscv_xlen == 64
    uint32_t w[64];
    for (int i = 0; i < pad; i++)
        w[n++] = 0x00000013;                    /* nop */
    *k_off = n * 4;
    w[n++] = (k & 0x7ff) << 20 | 10 << 15 | 10 << 7 | 0x1b;    /* addiw a0, a0, k */
    w[n++] = 0x00008067;                        /* ret */
    memcpy(buf, w, n * 4);
    return n * 4;
#elif defined(__x86_64__)
    for (int i = 0; i < pad; i++)
        buf[n++] = 0x90;                        /* nop */
    *k_off = n;
    buf[n++] = 0x8d;                            /* lea eax, [rdi + k] */
    buf[n++] = 0x87;
    memcpy(buf + n, &k, 4);
    n += 4;
    buf[n++] = 0xc3;                            /* ret */
    return n;
#else
#error "no code generator for this architecture"
#endif
}

/* k values fit every generator: 11 bits */
static unsigned pick_k(unsigned round, unsigned salt)
{
    return (round * 97 + salt * 31 + 5) & 0x7ff;
}

static void sync_code(void *start, size_t len)
{
    __builtin___clear_cache((char *)start, (char *)start + len);
}

/* Run f often enough that the runner compiles it, and check every result. */
static uint64_t run_fn(fn_t f, unsigned k, unsigned *bad)
{
    uint64_t sum = 0;
    for (int x = 0; x < 200; x++) {
        int r = f(x);
        if (r != x + (int)k)
            (*bad)++;
        sum = sum * 31 + (uint64_t)r;
    }
    return sum;
}

static void report(const char *what, uint64_t sum, unsigned bad)
{
    printf("%-10s sum %016llx, %u wrong results\n", what, (unsigned long long)sum, bad);
}

static void *map_anon(int prot)
{
    void *p = mmap(NULL, 4 * PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        exit(2);
    }
    return p;
}

/* Rewrite one function in place, many rounds. */
static void test_in_place(void)
{
    uint8_t *buf = map_anon(PROT_READ | PROT_WRITE | PROT_EXEC);
    uint64_t sum = 0;
    unsigned bad = 0;
    size_t k_off;
    for (unsigned round = 0; round < 40; round++) {
        unsigned k = pick_k(round, 1);
        size_t len = emit_fn(buf, 0, k, &k_off);
        sync_code(buf, len);
        sum = sum * 7 + run_fn((fn_t)buf, k, &bad);
    }
    report("in place", sum, bad);
    munmap(buf, 4 * PAGE);
}

/* Sixteen functions side by side, some longer than a cache line; each round
 * changes k in one of them and announces only that instruction's bytes. */
static void test_neighbours(void)
{
    enum { N = 16, STRIDE = 128 };
    uint8_t *buf = map_anon(PROT_READ | PROT_WRITE | PROT_EXEC);
    unsigned ks[N];
    uint64_t sum = 0;
    unsigned bad = 0;
    size_t k_off, len;
    for (int j = 0; j < N; j++) {
        ks[j] = pick_k(0, (unsigned)j);
        emit_fn(buf + j * STRIDE, (j % 4) * 7, ks[j], &k_off);
    }
    sync_code(buf, N * STRIDE);
    for (unsigned round = 0; round < 48; round++) {
        int j = (int)(round * 5 % N);
        ks[j] = pick_k(round + 1, (unsigned)j);
        len = emit_fn(buf + j * STRIDE, (j % 4) * 7, ks[j], &k_off);
        (void)len;
        sync_code(buf + j * STRIDE + k_off, 4);
        for (int i = 0; i < N; i++)
            sum = sum * 7 + run_fn((fn_t)(buf + i * STRIDE), ks[i], &bad);
    }
    report("neighbours", sum, bad);
    munmap(buf, 4 * PAGE);
}

static int make_memfd(const char *name, size_t size)
{
    int fd = memfd_create(name, 0);
    if (fd < 0 || ftruncate(fd, (off_t)size) != 0) {
        perror("memfd_create");
        exit(2);
    }
    return fd;
}

/* Written through a read-write mapping, run through a read-execute one of
 * the same pages; the cache maintenance names the executable alias. */
static void test_alias(void)
{
    int fd = make_memfd("selfmod-alias", 2 * PAGE);
    uint8_t *rw = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    uint8_t *rx = mmap(NULL, 2 * PAGE, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    uint64_t sum = 0;
    unsigned bad = 0;
    size_t k_off;
    if (rw == MAP_FAILED || rx == MAP_FAILED) {
        perror("mmap memfd");
        exit(2);
    }
    for (unsigned round = 0; round < 40; round++) {
        unsigned k = pick_k(round, 3);
        size_t off = (round % 3) * 64;  /* the same spots come back */
        size_t len = emit_fn(rw + off, 9, k, &k_off);
        sync_code(rx + off, len);
        sum = sum * 7 + run_fn((fn_t)(rx + off), k, &bad);
    }
    report("alias", sum, bad);
    munmap(rw, 2 * PAGE);
    munmap(rx, 2 * PAGE);
    close(fd);
}

/* W^X: the page is writable or executable, never both. */
static void test_wx_flip(void)
{
    uint8_t *buf = map_anon(PROT_READ | PROT_WRITE);
    uint64_t sum = 0;
    unsigned bad = 0;
    size_t k_off;
    for (unsigned round = 0; round < 40; round++) {
        unsigned k = pick_k(round, 4);
        if (mprotect(buf, PAGE, PROT_READ | PROT_WRITE) != 0)
            perror("mprotect rw");
        size_t len = emit_fn(buf + 256, 2, k, &k_off);
        if (mprotect(buf, PAGE, PROT_READ | PROT_EXEC) != 0)
            perror("mprotect rx");
        sync_code(buf + 256, len);
        sum = sum * 7 + run_fn((fn_t)(buf + 256), k, &bad);
    }
    report("wx flip", sum, bad);
    munmap(buf, 4 * PAGE);
}

/* New file pages mapped over old code at the same address: a new mapping
 * needs no cache maintenance from the program. */
static void test_remap(void)
{
    int fd[2] = { make_memfd("selfmod-a", PAGE), make_memfd("selfmod-b", PAGE) };
    uint8_t *at = map_anon(PROT_READ | PROT_EXEC);
    uint8_t code[MAX_FN];
    uint64_t sum = 0;
    unsigned bad = 0;
    size_t k_off;
    for (unsigned round = 0; round < 40; round++) {
        unsigned k = pick_k(round, 5);
        size_t len = emit_fn(code, 4, k, &k_off);
        if (pwrite(fd[round & 1], code, len, 128) != (ssize_t)len) {
            perror("pwrite");
            exit(2);
        }
        if (mmap(at, PAGE, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED, fd[round & 1], 0) != at) {
            perror("mmap fixed");
            exit(2);
        }
        sum = sum * 7 + run_fn((fn_t)(at + 128), k, &bad);
    }
    report("remap", sum, bad);
    munmap(at, 4 * PAGE);
    close(fd[0]);
    close(fd[1]);
}

/* One thread rewrites, another runs: the writer's cache maintenance is
 * complete before it publishes the round, and the runner synchronises its
 * own instruction stream before calling. */
static struct {
    uint8_t *code;
    unsigned round, done;       /* atomics */
    unsigned k;
    uint64_t sum;
    unsigned bad;
} xt;

static void sync_own_stream(void)
{
#if defined(__aarch64__)
    __asm__ volatile("isb" ::: "memory");
#elif defined(__riscv)
    __asm__ volatile("fence.i" ::: "memory");
#endif
}

static void *runner_thread(void *arg)
{
    (void)arg;
    for (unsigned seen = 0;;) {
        unsigned r;
        while ((r = __atomic_load_n(&xt.round, __ATOMIC_ACQUIRE)) == seen)
            sched_yield();
        if (r == ~0u)
            return NULL;
        seen = r;
        sync_own_stream();
        xt.sum = xt.sum * 7 + run_fn((fn_t)xt.code, xt.k, &xt.bad);
        __atomic_store_n(&xt.done, r, __ATOMIC_RELEASE);
    }
}

static void test_threads(void)
{
    pthread_t t;
    size_t k_off;
    xt.code = map_anon(PROT_READ | PROT_WRITE | PROT_EXEC);
    if (pthread_create(&t, NULL, runner_thread, NULL) != 0) {
        fprintf(stderr, "pthread_create failed\n");
        exit(2);
    }
    for (unsigned round = 1; round <= 40; round++) {
        xt.k = pick_k(round, 6);
        size_t len = emit_fn(xt.code, 12, xt.k, &k_off);
        size_t from = round == 1 ? 0 : k_off;  /* later rounds change only k */
        sync_code(xt.code + from, len - from);
        __atomic_store_n(&xt.round, round, __ATOMIC_RELEASE);
        while (__atomic_load_n(&xt.done, __ATOMIC_ACQUIRE) != round)
            sched_yield();
    }
    __atomic_store_n(&xt.round, ~0u, __ATOMIC_RELEASE);
    pthread_join(t, NULL);
    report("threads", xt.sum, xt.bad);
    munmap(xt.code, 4 * PAGE);
}

int main(void)
{
    test_in_place();
    test_neighbours();
    test_alias();
    test_wx_flip();
    test_remap();
    test_threads();
    return 0;
}
