/* Memory mappings: anonymous and file-backed (shared and private), MAP_FIXED
 * replacing part of a mapping, mremap growth, mprotect with the resulting
 * SIGSEGV caught (fault offset and si_code reported), madvise DONTNEED.
 * argv[1] is a scratch directory for the backing file. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PG 4096

static sigjmp_buf jb;
static volatile uintptr_t fault_addr;
static volatile int fault_code;
static int failures;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    fault_addr = (uintptr_t)si->si_addr;
    fault_code = si->si_code;
    siglongjmp(jb, 1);
}

/* Returns 1 if the access faulted; offset of the fault from base printed. */
static int try_write(volatile unsigned char *p, unsigned char *base, const char *what)
{
    fault_addr = 0;
    if (sigsetjmp(jb, 1) == 0) {
        *p = 0x5a;
        printf("%-32s write ok, reads back %#x\n", what, *p);
        return 0;
    }
    printf("%-32s SIGSEGV at base%+ld code=%s\n", what, (long)(fault_addr - (uintptr_t)base),
           fault_code == SEGV_ACCERR ? "ACCERR" : fault_code == SEGV_MAPERR ? "MAPERR" : "other");
    return 1;
}

static int try_read(volatile unsigned char *p, unsigned char *base, const char *what)
{
    fault_addr = 0;
    if (sigsetjmp(jb, 1) == 0) {
        unsigned v = *p;
        printf("%-32s read ok %#x\n", what, v);
        return 0;
    }
    printf("%-32s SIGSEGV at base%+ld code=%s\n", what, (long)(fault_addr - (uintptr_t)base),
           fault_code == SEGV_ACCERR ? "ACCERR" : fault_code == SEGV_MAPERR ? "MAPERR" : "other");
    return 1;
}

static void expect(int ok, const char *what)
{
    printf("%-32s %s\n", what, ok ? "ok" : "FAILED");
    failures += !ok;
}

static uint32_t sum(const unsigned char *p, size_t n)
{
    uint32_t h = 0;
    for (size_t i = 0; i < n; i++)
        h = h * 31 + p[i];
    return h;
}

int main(int argc, char **argv)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    printf("pagesize %ld\n", sysconf(_SC_PAGESIZE));

    /* anonymous: zero-filled, writable */
    unsigned char *a = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    expect(a != MAP_FAILED, "mmap anon 16 pages");
    int zero = 1;
    for (size_t i = 0; i < 16 * PG; i++)
        zero &= a[i] == 0;
    expect(zero, "anon is zero-filled");
    for (size_t i = 0; i < 16 * PG; i++)
        a[i] = (unsigned char)(i * 13 + (i >> 12));
    printf("anon sum %08x\n", sum(a, 16 * PG));

    /* mprotect read-only, then no access, then back */
    expect(mprotect(a + 4 * PG, 2 * PG, PROT_READ) == 0, "mprotect 2 pages RO");
    try_write(a + 4 * PG + 100, a, "write RO page");
    try_write(a + 3 * PG + 100, a, "write page before RO");
    try_read(a + 5 * PG + 7, a, "read RO page");
    expect(mprotect(a + 4 * PG, PG, PROT_NONE) == 0, "mprotect 1 page NONE");
    try_read(a + 4 * PG + 8, a, "read NONE page");
    expect(mprotect(a + 4 * PG, 2 * PG, PROT_READ | PROT_WRITE) == 0, "mprotect back RW");
    try_write(a + 4 * PG + 100, a, "write after restore");
    expect(a[4 * PG + 101] == (unsigned char)((4 * PG + 101) * 13 + 4), "contents kept");

    /* MAP_FIXED replaces pages in the middle with fresh zero pages */
    unsigned char *f = mmap(a + 8 * PG, 2 * PG, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    expect(f == a + 8 * PG, "MAP_FIXED at base+8p");
    expect(a[8 * PG] == 0 && a[10 * PG - 1] == 0 &&
           a[10 * PG] == (unsigned char)(10 * PG * 13 + 10),
           "fixed pages are zero");
    printf("after fixed sum %08x\n", sum(a, 16 * PG));

    /* munmap a hole; accessing it faults with MAPERR */
    expect(munmap(a + 12 * PG, PG) == 0, "munmap 1 page");
    try_read(a + 12 * PG + 1, a, "read unmapped hole");
    try_write(a + 13 * PG, a, "write after hole");

    /* madvise DONTNEED on private anonymous memory drops contents */
    expect(madvise(a, 2 * PG, MADV_DONTNEED) == 0, "madvise DONTNEED");
    expect(a[0] == 0 && a[PG + 5] == 0 && a[2 * PG + 5] != 0, "dropped pages read zero");

    /* mremap growth: may move; contents preserved, new tail zero */
    unsigned char *g = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(g, 0x77, 2 * PG);
    unsigned char *g2 = mremap(g, 2 * PG, 64 * PG, MREMAP_MAYMOVE);
    expect(g2 != MAP_FAILED, "mremap grow to 64 pages");
    expect(g2[0] == 0x77 && g2[2 * PG - 1] == 0x77 && g2[2 * PG] == 0 && g2[64 * PG - 1] == 0,
           "mremap contents");
    memset(g2 + 32 * PG, 1, 32 * PG);
    unsigned char *g3 = mremap(g2, 64 * PG, PG, 0);
    expect(g3 == g2, "mremap shrink in place");
    try_read(g2 + 2 * PG, g2, "read past shrunk mapping");
    munmap(g3, PG);
    munmap(a, 16 * PG);

    /* file-backed mappings */
    if (argc > 1) {
        char path[4200];
        snprintf(path, sizeof(path), "%s/mapped.bin", argv[1]);
        int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
        expect(fd >= 0, "open backing file");
        expect(ftruncate(fd, 3 * PG) == 0, "ftruncate 3 pages");
        unsigned char *s = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        expect(s != MAP_FAILED, "mmap shared");
        for (int i = 0; i < 3 * PG; i++)
            s[i] = (unsigned char)(i % 251);
        expect(msync(s, 3 * PG, MS_SYNC) == 0, "msync");
        unsigned char rb[16];
        expect(pread(fd, rb, 16, PG + 3) == 16 && rb[0] == (PG + 3) % 251, "shared write visible");
        expect(pwrite(fd, "WXYZ", 4, 2 * PG) == 4 && s[2 * PG + 1] == 'X', "pwrite visible in map");

        unsigned char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, PG);
        expect(p != MAP_FAILED && p[0] == PG % 251 && p[PG] == 'W', "private map at offset");
        p[0] = 0xee;
        expect(pread(fd, rb, 1, PG) == 1 && rb[0] == PG % 251, "private write not in file");
        expect(s[PG] == PG % 251, "private write not in shared map");

        /* mapping beyond EOF: the page past the file end gives SIGBUS */
        unsigned char *b = mmap(NULL, 5 * PG, PROT_READ, MAP_SHARED, fd, 0);
        expect(b != MAP_FAILED, "map 5 pages of 3-page file");
        try_read(b + 2 * PG + 2, b, "read last file page");
        fault_code = 0;
        if (sigsetjmp(jb, 1) == 0) {
            volatile unsigned char v = b[3 * PG + 10];
            (void)v;
            printf("read past EOF: no fault\n");
        } else {
            printf("read past EOF: fault at base%+ld\n", (long)(fault_addr - (uintptr_t)b));
        }
        printf("file sum %08x private sum %08x\n", sum(s, 3 * PG), sum(p, 2 * PG));
        munmap(b, 5 * PG);
        munmap(p, 2 * PG);
        munmap(s, 3 * PG);
        close(fd);
        unlink(path);
    }
    printf("failures %d\n", failures);
    return failures ? 1 : 0;
}
