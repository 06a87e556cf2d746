/*
 * Guest harness (aarch64, static): run one generated stream and print the
 * final architectural state as text so that two runners can be compared
 * with diff.
 *
 *   harness [-r REPEAT] STREAM_FILE
 *
 * STREAM_FILE is a struct dt_header followed by the stream's code.  The code
 * is copied to a fixed RWX mapping between a one-instruction prologue and a
 * tail that dumps x0..x30; register, flag and scratch-memory initial values
 * come from the header.  With -r the whole run (re-initialisation included)
 * is repeated, so a runner's hot tier sees the code; only the last run is
 * printed.  DIFFTEST_CORRUPT=N in the environment flips bit 0 of xN (N=31:
 * the memory checksum, N=32: v0) before printing: it exists to prove that
 * the driver notices a difference.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <ucontext.h>
#include <unistd.h>

#include "stream.h"

void difftest_enter(uint64_t scratch_base, void *code);

static uint64_t *ctx_slot(int off)
{
    return (uint64_t *)(uintptr_t)(DT_DATA_ADDR + off);
}

static void die(const char *what)
{
    fprintf(stderr, "harness: %s\n", what);
    exit(2);
}

static void *map_fixed(uint64_t addr, size_t len, int prot)
{
    void *p = mmap((void *)(uintptr_t)addr, len, prot,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED || (uint64_t)(uintptr_t)p != addr) {
        perror("harness: mmap at fixed address");
        exit(2);
    }
    return p;
}

static uint32_t *put32(uint32_t *p, uint32_t w)
{
    memcpy(p, &w, 4);
    return p + 1;
}

/* ldr/str Xt, [Xn, #off] (unsigned, scaled offset) and br Xn */
static uint32_t enc_ldr(int rt, int rn, int off)
{
    return 0xf9400000u | (uint32_t)(off / 8) << 10 | (uint32_t)rn << 5 | (uint32_t)rt;
}

static uint32_t enc_str(int rt, int rn, int off)
{
    return 0xf9000000u | (uint32_t)(off / 8) << 10 | (uint32_t)rn << 5 | (uint32_t)rt;
}

static void on_signal(int sig, siginfo_t *si, void *uc)
{
    ucontext_t *u = uc;
    uint64_t pc = u->uc_mcontext.pc;
    char msg[160];
    int n = snprintf(msg, sizeof(msg), "SIGNAL %d pc=0x%llx stream+0x%llx addr=%p\n", sig,
                     (unsigned long long)pc, (unsigned long long)(pc - DT_CODE_ADDR - 4),
                     si->si_addr);
    if (write(1, msg, (size_t)n) < 0)
        _exit(4);
    _exit(3);
}

static void install_handlers(void)
{
    static char altstack[65536];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
    if (sigaltstack(&ss, NULL))
        die("sigaltstack failed");
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    int sigs[] = { SIGILL, SIGSEGV, SIGBUS, SIGFPE, SIGTRAP };
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        if (sigaction(sigs[i], &sa, NULL))
            die("sigaction failed");
}

static struct dt_header *read_stream(const char *path, uint8_t **code, uint32_t *code_bytes)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st)) {
        perror(path);
        exit(2);
    }
    uint8_t *buf = malloc((size_t)st.st_size);
    if (!buf || read(fd, buf, (size_t)st.st_size) != st.st_size)
        die("cannot read the stream file");
    close(fd);
    struct dt_header *h = (struct dt_header *)buf;
    if ((size_t)st.st_size < sizeof(*h) || memcmp(h->magic, DT_MAGIC, sizeof(h->magic)))
        die("not a stream file");
    *code_bytes = (uint32_t)((size_t)st.st_size - sizeof(*h));
    if (*code_bytes % 4 || *code_bytes + 1024 > DT_CODE_BYTES)
        die("bad stream length");
    *code = buf + sizeof(*h);
    return h;
}

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

int main(int argc, char **argv)
{
    int repeat = 1, opt;
    while ((opt = getopt(argc, argv, "r:")) != -1) {
        if (opt == 'r')
            repeat = atoi(optarg);
        else
            die("usage: harness [-r REPEAT] STREAM_FILE");
    }
    if (optind + 1 != argc || repeat < 1)
        die("usage: harness [-r REPEAT] STREAM_FILE");
    uint8_t *stream;
    uint32_t code_bytes;
    struct dt_header *h = read_stream(argv[optind], &stream, &code_bytes);

    uint8_t *code = map_fixed(DT_CODE_ADDR, DT_CODE_BYTES, PROT_READ | PROT_WRITE | PROT_EXEC);
    uint8_t *scratch = map_fixed(DT_DATA_ADDR, DT_DATA_BYTES, PROT_READ | PROT_WRITE);

    /* prologue: x30 carried the entry address; give it its initial value */
    uint32_t *p = put32((uint32_t *)code, enc_ldr(30, DT_REG_BASE, DT_X_INIT + 8 * 30));
    memcpy(p, stream, code_bytes);
    p = (uint32_t *)((uint8_t *)p + code_bytes);
    for (int r = 0; r < 31; r++)
        if (r != DT_REG_BASE)
            p = put32(p, enc_str(r, DT_REG_BASE, DT_X_DUMP + 8 * r));
    p = put32(p, enc_ldr(0, DT_REG_BASE, DT_EXIT_ADDR));
    p = put32(p, 0xd61f0000u);                                  /* br x0 */
    __builtin___clear_cache((char *)code, (char *)p);
    install_handlers();

    for (int i = 0; i < repeat; i++) {
        memcpy(scratch, h->scratch, DT_SCRATCH_BYTES);
        memcpy(ctx_slot(DT_X_INIT), h->x, sizeof(h->x));
        memcpy(ctx_slot(DT_V_INIT), h->v, sizeof(h->v));
        *ctx_slot(DT_NZCV_INIT) = h->nzcv;
        *ctx_slot(DT_FPCR_INIT) = h->fpcr;
        *ctx_slot(DT_FPSR_INIT) = h->fpsr;
        memset(ctx_slot(DT_X_DUMP), 0, 8 * 31);
        memset(ctx_slot(DT_V_DUMP), 0, 16 * 32);
        difftest_enter(DT_DATA_ADDR, code);
    }

    uint64_t x[31], v[32][2], mem = fnv1a(scratch, DT_SCRATCH_BYTES);
    memcpy(x, ctx_slot(DT_X_DUMP), sizeof(x));
    memcpy(v, ctx_slot(DT_V_DUMP), sizeof(v));
    const char *corrupt = getenv("DIFFTEST_CORRUPT");
    if (corrupt) {
        int n = atoi(corrupt);
        if (n >= 0 && n < 31)
            x[n] ^= 1;
        else if (n == 31)
            mem ^= 1;
        else if (n == 32)
            v[0][0] ^= 1;
    }
    printf("seed %llu items %u bytes %u\n", (unsigned long long)h->seed, h->n_items, code_bytes);
    for (int r = 0; r < 31; r++)
        if (r != DT_REG_BASE)
            printf("x%d 0x%016llx\n", r, (unsigned long long)x[r]);
    for (int r = 0; r < 32; r++)
        printf("v%d 0x%016llx%016llx\n", r, (unsigned long long)v[r][1],
               (unsigned long long)v[r][0]);
    printf("nzcv 0x%08llx\n", (unsigned long long)*ctx_slot(DT_NZCV_DUMP));
    printf("fpcr 0x%08llx\n", (unsigned long long)*ctx_slot(DT_FPCR_DUMP));
    printf("fpsr 0x%08llx\n", (unsigned long long)*ctx_slot(DT_FPSR_DUMP));
    printf("mem 0x%016llx\n", (unsigned long long)mem);
    printf("END\n");
    return 0;
}
