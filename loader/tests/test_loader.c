/*
 * loader tests: hand-made ELF files for every refusal, a hand-made static
 * image for mapping/bss/stack layout, and real riscv64 binaries built with
 * the cross compiler when it is installed.  Each load runs in a child
 * process, since a successful load maps memory at fixed addresses.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loader/loader.h"

static int n_test;
static int n_fail;

static void ok(int cond, const char *fmt, ...)
{
    va_list ap;

    n_test++;
    printf("%sok %d - ", cond ? "" : "not ", n_test);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!cond)
        n_fail++;
    fflush(stdout);
}

static char tmpdir[] = "/tmp/test_loader.XXXXXX";

/* ---- building ELF files ---- */

struct img {
    Elf64_Ehdr eh;
    Elf64_Phdr ph[4];
    unsigned char body[3 * 4096];
};

static void img_init(struct img *m, uint16_t machine)
{
    memset(m, 0, sizeof(*m));
    memcpy(m->eh.e_ident, ELFMAG, SELFMAG);
    m->eh.e_ident[EI_CLASS] = ELFCLASS64;
    m->eh.e_ident[EI_DATA] = ELFDATA2LSB;
    m->eh.e_ident[EI_VERSION] = EV_CURRENT;
    m->eh.e_type = ET_EXEC;
    m->eh.e_machine = machine;
    m->eh.e_version = EV_CURRENT;
    m->eh.e_entry = 0x400100;
    m->eh.e_phoff = offsetof(struct img, ph);
    m->eh.e_ehsize = sizeof(Elf64_Ehdr);
    m->eh.e_phentsize = sizeof(Elf64_Phdr);
    m->eh.e_phnum = 2;
    /* text: the first page of the file at 0x400000 */
    m->ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0,
                             .p_vaddr = 0x400000, .p_paddr = 0x400000, .p_filesz = 4096,
                             .p_memsz = 4096, .p_align = 4096 };
    /* data: 100 file bytes, then bss over three pages */
    m->ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = 8192,
                             .p_vaddr = 0x402000, .p_paddr = 0x402000, .p_filesz = 100,
                             .p_memsz = 3 * 4096 + 50, .p_align = 4096 };
    memset(m->body + 8192 - sizeof(m->eh) - sizeof(m->ph), 0xab, 4096);   /* data page */
}

static const char *write_file(const char *name, const void *data, size_t n)
{
    static char path[8][256];
    static int k;
    char *p = path[k++ % 8];
    int fd;

    snprintf(p, 256, "%s/%s", tmpdir, name);
    fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (fd < 0 || write(fd, data, n) != (ssize_t)n) {
        perror(p);
        exit(1);
    }
    close(fd);
    return p;
}

/* ---- running the loader in a child ---- */

struct result {
    int rc;
    char err[512];
    struct guest_image img;
    /* facts the child read from its own address space after loading */
    uint64_t argc, argv0_ok, env_ok, aux[64];
    unsigned naux;
    uint64_t sp_aligned, bss_zero, data_ok, text_ok, random_in_stack, execfn_ok;
};

static char *t_argv[] = { "prog", "arg one", NULL };
static char *t_envp[] = { "A=1", "HOME=/h", NULL };

static void child_inspect(struct result *r)
{
    uint64_t *sp = (uint64_t *)(uintptr_t)r->img.sp;
    char **argv = (char **)(sp + 1), **envp;
    uint64_t *aux;

    r->sp_aligned = (r->img.sp & 15) == 0;
    r->argc = sp[0];
    r->argv0_ok = r->argc == 2 && !strcmp(argv[0], "prog") && !strcmp(argv[1], "arg one") &&
                  argv[2] == NULL;
    envp = argv + r->argc + 1;
    r->env_ok = envp[0] && !strcmp(envp[0], "A=1") && envp[1] && !strcmp(envp[1], "HOME=/h") &&
                envp[2] == NULL;
    aux = (uint64_t *)(envp + 3);
    r->naux = 0;
    while (r->naux < 62) {
        r->aux[r->naux] = aux[r->naux];
        r->aux[r->naux + 1] = aux[r->naux + 1];
        r->naux += 2;
        if (aux[r->naux - 2] == AT_NULL)
            break;
    }
    for (unsigned i = 0; i < r->naux; i += 2) {
        if (r->aux[i] == AT_RANDOM)
            r->random_in_stack = r->aux[i + 1] >= r->img.sp &&
                                 r->aux[i + 1] + 16 <= r->img.stack_high;
        if (r->aux[i] == AT_EXECFN)
            r->execfn_ok = !strcmp((char *)(uintptr_t)r->aux[i + 1], "/the/execfn");
    }
}

static struct result *run_load(const char *path, uint16_t machine, const char *sysroot,
                               int inspect_handmade)
{
    struct result *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
                            MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pid_t pid;

    memset(r, 0, sizeof(*r));
    pid = fork();
    if (pid == 0) {
        struct loader_opts o = {
            .sysroot = sysroot, .e_machine = machine, .platform = "testplat",
            .hwcap = 0x112d, .argc = 2, .argv = t_argv, .envp = t_envp,
            .execfn = "/the/execfn", .stack_size = 1 << 20,
        };

        r->rc = loader_load(path, &o, &r->img, r->err, sizeof(r->err));
        if (r->rc == 0) {
            child_inspect(r);
            if (inspect_handmade) {
                const unsigned char *d = (const unsigned char *)0x402000;
                int z = 1;

                r->text_ok = !memcmp((void *)0x400000, ELFMAG, SELFMAG);
                r->data_ok = d[0] == 0xab && d[99] == 0xab;
                /* file bytes after p_filesz on the same page, and later pages */
                for (unsigned i = 100; i < 3 * 4096 + 50; i++)
                    z &= d[i] == 0;
                r->bss_zero = z;
            }
        }
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    return r;
}

static void expect_error(const char *what, const char *path, uint16_t machine,
                         const char *needle)
{
    struct result *r = run_load(path, machine, NULL, 0);
    size_t plen = strlen(path);

    ok(r->rc == -1 && !strncmp(r->err, path, plen) && !strncmp(r->err + plen, ": ", 2) &&
       strstr(r->err, needle) && !strchr(r->err, '\n'),
       "%s -> \"%s\"", what, r->err);
}

static uint64_t aux_get(const struct result *r, uint64_t type, int *found)
{
    for (unsigned i = 0; i < r->naux; i += 2)
        if (r->aux[i] == type) {
            *found = 1;
            return r->aux[i + 1];
        }
    *found = 0;
    return 0;
}

/* ---- the tests ---- */

static void test_errors(void)
{
    struct img m;
    const char *p;
    char dir[300];

    snprintf(dir, sizeof(dir), "%s/missing", tmpdir);
    expect_error("missing file", dir, EM_RISCV, "No such file or directory");
    expect_error("directory", tmpdir, EM_RISCV, "is a directory");
    p = write_file("text", "#!/bin/sh\necho hi\n", 18);
    expect_error("not an ELF", p, EM_RISCV, "not an ELF file");

    img_init(&m, EM_RISCV);
    p = write_file("trunc_ehdr", &m, 40);
    expect_error("truncated ELF header", p, EM_RISCV, "truncated ELF header");

    img_init(&m, EM_RISCV);
    p = write_file("trunc_ph", &m, sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) + 8);
    expect_error("program headers past EOF", p, EM_RISCV, "program headers past the end");

    img_init(&m, EM_RISCV);
    m.eh.e_ident[EI_CLASS] = ELFCLASS32;
    p = write_file("class32", &m, sizeof(m));
    expect_error("32-bit ELF", p, EM_RISCV, "is a 32-bit ELF, not riscv64");

    img_init(&m, EM_RISCV);
    m.eh.e_ident[EI_DATA] = ELFDATA2MSB;
    p = write_file("bigendian", &m, sizeof(m));
    expect_error("big-endian ELF", p, EM_RISCV, "big-endian");

    img_init(&m, EM_X86_64);
    p = write_file("x86", &m, sizeof(m));
    expect_error("wrong machine", p, EM_RISCV, "is an ELF for x86-64, not riscv64");
    img_init(&m, EM_RISCV);
    p = write_file("rv_for_arm", &m, sizeof(m));
    expect_error("riscv64 ELF given to aarch64", p, EM_AARCH64,
                 "is an ELF for riscv64, not aarch64");

    img_init(&m, EM_RISCV);
    m.ph[1].p_vaddr = 0x400800;
    m.ph[1].p_offset = 0x800;
    p = write_file("overlap", &m, sizeof(m));
    expect_error("overlapping segments", p, EM_RISCV, "overlaps the previous one");

    img_init(&m, EM_RISCV);
    m.ph[1].p_memsz = 1ull << 41;
    p = write_file("huge", &m, sizeof(m));
    expect_error("segment > 1 TiB", p, EM_RISCV, "absurd size");

    img_init(&m, EM_RISCV);
    m.ph[1].p_vaddr = 0xfffffffffffff000ull;
    m.ph[1].p_offset = 0x2000;
    m.ph[1].p_memsz = 0x2000;
    p = write_file("wrap", &m, sizeof(m));
    expect_error("segment wrapping the address space", p, EM_RISCV, "absurd size");

    img_init(&m, EM_RISCV);
    m.ph[1].p_filesz = 0x3000;
    m.ph[1].p_memsz = 0x3000;
    p = write_file("pasteof", &m, sizeof(m));
    expect_error("segment file range past EOF", p, EM_RISCV, "past the end of the file");

    img_init(&m, EM_RISCV);
    m.ph[0].p_type = PT_NOTE;
    m.ph[1].p_type = PT_NOTE;
    p = write_file("noload", &m, sizeof(m));
    expect_error("no PT_LOAD", p, EM_RISCV, "no loadable segment");

    img_init(&m, EM_RISCV);
    m.eh.e_type = ET_REL;
    p = write_file("rel", &m, sizeof(m));
    expect_error("relocatable object", p, EM_RISCV, "is not an executable");

    /* a program linked where the runner itself lives */
    img_init(&m, EM_RISCV);
    {
        uint64_t here = (uint64_t)(uintptr_t)&test_errors & ~4095ull;

        m.ph[0].p_vaddr = m.ph[0].p_paddr = here;
        m.ph[1].p_vaddr = m.ph[1].p_paddr = here + 0x2000;
        m.eh.e_entry = here + 0x100;
    }
    p = write_file("clash", &m, sizeof(m));
    expect_error("segments over the runner's own memory", p, EM_RISCV,
                 "overlaps memory the runtime itself uses");

    img_init(&m, EM_RISCV);
    m.ph[2] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = 4000, .p_filesz = 20 };
    m.eh.e_phnum = 3;
    memcpy((unsigned char *)&m + 4000, "/nonexistent/ld.so", 19);
    p = write_file("nointerp", &m, sizeof(m));
    expect_error("missing PT_INTERP interpreter", p, EM_RISCV,
                 "interpreter /nonexistent/ld.so not found");
}

static void test_handmade(void)
{
    struct img m;
    const char *p;
    struct result *r;
    int f;

    img_init(&m, EM_RISCV);
    p = write_file("good", &m, sizeof(m));
    r = run_load(p, EM_RISCV, NULL, 1);
    ok(r->rc == 0, "hand-made static ELF loads (%s)", r->rc ? r->err : "ok");
    if (r->rc)
        return;
    ok(r->img.entry == 0x400100 && r->img.load_bias == 0, "entry 0x%llx, bias 0",
       (unsigned long long)r->img.entry);
    ok(r->text_ok, "text mapped from the file");
    ok(r->data_ok, "data bytes mapped from their file offset");
    ok(r->bss_zero, "bss zeroed: rest of the data page and the anonymous pages");
    ok(r->img.brk_start == 0x406000, "brk_start at page-aligned end (0x%llx)",
       (unsigned long long)r->img.brk_start);
    ok(r->sp_aligned, "sp is 16-byte aligned (0x%llx)", (unsigned long long)r->img.sp);
    ok(r->argv0_ok, "argc and argv strings");
    ok(r->env_ok, "envp strings and terminator");
    ok(aux_get(r, AT_PHDR, &f) == 0x400000 + offsetof(struct img, ph) && f,
       "AT_PHDR points at the program headers in memory");
    ok(aux_get(r, AT_PHENT, &f) == sizeof(Elf64_Phdr) && f, "AT_PHENT");
    ok(aux_get(r, AT_PHNUM, &f) == 2 && f, "AT_PHNUM");
    ok(aux_get(r, AT_PAGESZ, &f) == 4096 && f, "AT_PAGESZ");
    ok(aux_get(r, AT_BASE, &f) == 0 && f, "AT_BASE 0 for a static program");
    ok(aux_get(r, AT_ENTRY, &f) == 0x400100 && f, "AT_ENTRY");
    ok(aux_get(r, AT_HWCAP, &f) == 0x112d && f, "AT_HWCAP");
    aux_get(r, AT_HWCAP2, &f);
    ok(!f, "no AT_HWCAP2 when zero");
    ok(aux_get(r, AT_CLKTCK, &f) == 100 && f, "AT_CLKTCK");
    ok(aux_get(r, AT_UID, &f) == getuid() && f && aux_get(r, AT_EGID, &f) == getegid() && f,
       "AT_UID, AT_EGID");
    ok(r->random_in_stack, "AT_RANDOM points at 16 bytes on the stack");
    ok(r->execfn_ok, "AT_EXECFN names the execfn string");
    ok(aux_get(r, AT_PLATFORM, &f) != 0 && f, "AT_PLATFORM present");
    ok(r->naux >= 2 && r->aux[r->naux - 2] == AT_NULL, "auxv ends with AT_NULL");
    ok(!strcmp(r->img.exe_path, p), "exe_path is the absolute path (%s)", r->img.exe_path);
}

/* ET_DYN without PT_INTERP (static-pie): placed at the default bias */
static void test_handmade_dyn(void)
{
    struct img m;
    const char *p;
    struct result *r;
    int f;

    img_init(&m, EM_AARCH64);
    m.eh.e_type = ET_DYN;
    m.eh.e_entry = 0x100;
    m.ph[0].p_vaddr = m.ph[0].p_paddr = 0;
    m.ph[1].p_vaddr = m.ph[1].p_paddr = 0x2000;
    p = write_file("dyn", &m, sizeof(m));
    r = run_load(p, EM_AARCH64, NULL, 0);
    ok(r->rc == 0 && r->img.load_bias == LOADER_DYN_BASE_AARCH64 &&
       r->img.entry == LOADER_DYN_BASE_AARCH64 + 0x100 &&
       aux_get(r, AT_ENTRY, &f) == r->img.entry &&
       aux_get(r, AT_PHDR, &f) == LOADER_DYN_BASE_AARCH64 + offsetof(struct img, ph),
       "ET_DYN aarch64 image at the default bias 0x%llx (%s)",
       (unsigned long long)r->img.load_bias, r->err);
    ok(r->rc == 0 && r->img.brk_start == LOADER_DYN_BASE_AARCH64 + 0x6000 &&
       r->img.stack_high == LOADER_STACK_TOP_AARCH64 && r->sp_aligned && r->argv0_ok,
       "ET_DYN aarch64: brk_start and stack placement");
}

static int have(const char *cmd)
{
    char buf[300];

    snprintf(buf, sizeof(buf), "command -v %s >/dev/null 2>&1", cmd);
    return system(buf) == 0;
}

static void test_real(void)
{
    const char *src = "int main(void){return 0;}\n";
    char c[64], exe[64], pie[64], dyn[64], cmd[1200];
    struct result *r;
    int f, built;

    if (!have("riscv64-linux-gnu-gcc")) {
        for (int i = 0; i < 6; i++)
            ok(1, "# SKIP riscv64-linux-gnu-gcc not installed");
        return;
    }
    snprintf(c, sizeof(c), "%s/t.c", tmpdir);
    write_file("t.c", src, strlen(src));
    snprintf(exe, sizeof(exe), "%s/static", tmpdir);
    snprintf(pie, sizeof(pie), "%s/static-pie", tmpdir);
    snprintf(dyn, sizeof(dyn), "%s/dynamic", tmpdir);
    snprintf(cmd, sizeof(cmd),
             "riscv64-linux-gnu-gcc -O2 -static -o %s %s && "
             "riscv64-linux-gnu-gcc -O2 -o %s %s", exe, c, dyn, c);
    built = system(cmd) == 0;
    ok(built, "cross-compiled static and dynamic riscv64 programs");
    if (!built)
        return;
    /* Debian's cross libc has no rcrt1.o: static-pie may not link */
    snprintf(cmd, sizeof(cmd), "riscv64-linux-gnu-gcc -O2 -static-pie -o %s %s 2>/dev/null",
             pie, c);
    built = system(cmd) == 0;

    r = run_load(exe, EM_RISCV, NULL, 0);
    ok(r->rc == 0 && r->img.load_bias == 0 && r->argv0_ok && r->env_ok &&
       aux_get(r, AT_ENTRY, &f) == r->img.entry && r->img.phdr == aux_get(r, AT_PHDR, &f),
       "static riscv64: loads at its link address, entry = AT_ENTRY (%s)", r->err);

    if (!built) {
        ok(1, "# SKIP static-pie does not link with this cross toolchain");
    } else {
        r = run_load(pie, EM_RISCV, NULL, 0);
        ok(r->rc == 0 && r->img.load_bias == LOADER_DYN_BASE_RISCV64 &&
           r->img.entry >= LOADER_DYN_BASE_RISCV64 && aux_get(r, AT_BASE, &f) == 0,
           "static-pie riscv64: bias 0x%llx (%s)", (unsigned long long)r->img.load_bias,
           r->err);
    }

    r = run_load(dyn, EM_RISCV, "/usr/riscv64-linux-gnu", 0);
    ok(r->rc == 0 && aux_get(r, AT_BASE, &f) == LOADER_INTERP_BASE_RISCV64 &&
       r->img.entry > LOADER_INTERP_BASE_RISCV64 && aux_get(r, AT_ENTRY, &f) != r->img.entry,
       "dynamic riscv64 with -L: interpreter from the sysroot, entry is its entry (%s)",
       r->err);

    r = run_load(dyn, EM_RISCV, "/nonexistent-sysroot", 0);
    ok(r->rc == -1 && strstr(r->err, "not found in /nonexistent-sysroot"),
       "dynamic riscv64, interpreter in neither place -> \"%s\"", r->err);

    r = run_load(exe, EM_AARCH64, NULL, 0);
    ok(r->rc == -1 && strstr(r->err, "is an ELF for riscv64, not aarch64"),
       "real riscv64 binary refused by the aarch64 loader");
}

int main(void)
{
    char cmd[300];

    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    printf("1..49\n");
    test_errors();
    test_handmade();
    test_handmade_dyn();
    test_real();
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "# could not remove %s\n", tmpdir);
    return n_fail != 0;
}
