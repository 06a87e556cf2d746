/*
 * /proc as a process sees itself: cmdline, environ, auxv, maps, stat and
 * cpuinfo must describe this program (not a runner around it).  Prints
 * only facts that hold on every architecture, so native and guest
 * outputs compare byte for byte.
 */
#include <ctype.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

extern char **environ;
static char data_var[64] = "data";

static size_t slurp(const char *path, char *buf, size_t n)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t got = 0;
    ssize_t k;

    if (fd < 0) {
        printf("open %s: failed\n", path);
        return 0;
    }
    while (got < n - 1 && (k = read(fd, buf + got, n - 1 - got)) > 0)
        got += (size_t)k;
    buf[got] = '\0';
    close(fd);
    return got;
}

struct map { uintptr_t lo, hi; char perms[5]; char name[256]; };
static struct map maps[4096];
static int nmaps;

static void maps_load(void)
{
    static char buf[1 << 20];
    char *save = NULL, *line;

    slurp("/proc/self/maps", buf, sizeof(buf));
    nmaps = 0;
    for (line = strtok_r(buf, "\n", &save); line && nmaps < 4096;
         line = strtok_r(NULL, "\n", &save)) {
        struct map *m = &maps[nmaps];
        int at = 0;

        m->name[0] = '\0';
        if (sscanf(line, "%lx-%lx %4s %*x %*s %*u %n", &m->lo, &m->hi, m->perms, &at) < 3)
            continue;
        if (at)
            snprintf(m->name, sizeof(m->name), "%s", line + at);
        nmaps++;
    }
}

static const struct map *maps_find(uintptr_t a)
{
    for (int i = 0; i < nmaps; i++)
        if (a >= maps[i].lo && a < maps[i].hi)
            return &maps[i];
    return NULL;
}

static void check_addr(const char *what, const void *p, char perm, int pos, const char *name)
{
    const struct map *m = maps_find((uintptr_t)p);

    printf("maps %s: %s", what, m ? "mapped" : "MISSING");
    if (m) {
        printf(" %s", m->perms[pos] == perm ? "perm-ok" : "perm-BAD");
        if (name)
            printf(" %s", strcmp(m->name, name) ? "name-BAD" : name);
    }
    printf("\n");
}

static void test_maps(void)
{
    int sorted = 1, runner = 0;
    char stackvar = 0;
    char *heap = malloc(100);
    long pg = sysconf(_SC_PAGESIZE);
    char *mm = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    maps_load();
    for (int i = 1; i < nmaps; i++)
        if (maps[i].lo < maps[i - 1].hi)
            sorted = 0;
    for (int i = 0; i < nmaps; i++)
        if (strstr(maps[i].name, "runtime-") || strstr(maps[i].name, "qemu-"))
            runner = 1;
    printf("maps sorted: %d, runner visible: %d\n", sorted, runner);
    check_addr("code", (void *)test_maps, 'x', 2, NULL);
    check_addr("data", data_var, 'w', 1, NULL);
    check_addr("stack", &stackvar, 'w', 1, "[stack]");
    check_addr("heap", heap, 'w', 1, "[heap]");
    check_addr("mmap", mm, 'w', 1, NULL);

    /* a hole in the middle of the mapping shows */
    munmap(mm + 2 * pg, pg);
    maps_load();
    printf("maps hole: before %s, hole %s, after %s\n", maps_find((uintptr_t)mm + pg) ? "mapped" : "gone",
           maps_find((uintptr_t)mm + 2 * pg) ? "MAPPED" : "gone",
           maps_find((uintptr_t)mm + 3 * pg) ? "mapped" : "gone");
    /* so does a protection change */
    mprotect(mm + 4 * pg, pg, PROT_READ);
    maps_load();
    {
        const struct map *m = maps_find((uintptr_t)mm + 4 * pg);
        printf("maps mprotect: %s\n", m ? m->perms : "MISSING");
    }
    munmap(mm, 8 * pg);
    maps_load();
    printf("maps after munmap: %s\n", maps_find((uintptr_t)mm + 5 * pg) ? "MAPPED" : "gone");
    free(heap);
}

static void test_cmdline(int argc, char **argv, const char *path)
{
    static char buf[65536];
    size_t n = slurp(path, buf, sizeof(buf)), off = 0;
    int same = 1;

    for (int i = 0; i < argc; i++) {
        size_t l = strlen(argv[i]) + 1;

        if (off + l > n || memcmp(buf + off, argv[i], l))
            same = 0;
        off += l;
    }
    printf("%s: %s argv (%d args)\n", path[6] == 's' ? "/proc/self/cmdline" : "/proc/PID/cmdline",
           same && off == n ? "equals" : "DIFFERS FROM", argc);
}

static void test_environ(void)
{
    static char buf[65536];
    size_t n = slurp("/proc/self/environ", buf, sizeof(buf));
    int found = 0;

    for (size_t off = 0; off < n; off += strlen(buf + off) + 1)
        if (!strcmp(buf + off, "ABI2_MARK=hello"))
            found = 1;
    printf("environ: ABI2_MARK %s\n", found ? "found" : "MISSING");
}

static void test_auxv(void)
{
    unsigned long buf[512];
    size_t n = slurp("/proc/self/auxv", (char *)buf, sizeof(buf)) / sizeof(buf[0]);
    int good = 1, ended = 0, pagesz = 0, phdr = 0;

    for (size_t i = 0; i + 1 < n; i += 2) {
        if (buf[i] == AT_NULL) {
            ended = i + 2 == n;
            break;
        }
        if (buf[i] == AT_PAGESZ)
            pagesz = buf[i + 1] == (unsigned long)sysconf(_SC_PAGESIZE);
        if (buf[i] == AT_PHDR)
            phdr = buf[i + 1] == getauxval(AT_PHDR);
#ifdef __x86_64__
        /* x86-64 glibc's getauxval(AT_HWCAP) answers its own HWCAP_X86_* bits */
        if (buf[i] == AT_HWCAP)
            continue;
#endif
        /* getauxval reads the copy on our stack: they must agree */
        if (buf[i] != AT_IGNORE && getauxval(buf[i]) != buf[i + 1] &&
            buf[i] != AT_SYSINFO_EHDR && buf[i] != AT_MINSIGSTKSZ)
            good = 0;
    }
    printf("auxv: agrees with getauxval %d, AT_NULL last %d, AT_PAGESZ %d, AT_PHDR %d\n",
           good, ended, pagesz, phdr);
}

static void test_stat(const char *argv0, const char *path)
{
    char buf[4096], comm[64], *p, *q;
    int field = 3, pid_ok, comm_ok;
    char state;
    unsigned long long v[64] = { 0 };
    const char *base = strrchr(argv0, '/') ? strrchr(argv0, '/') + 1 : argv0;
    char stackvar;
    const struct map *sm;

    slurp(path, buf, sizeof(buf));
    pid_ok = atoi(buf) == getpid();
    p = strchr(buf, '(');
    q = strrchr(buf, ')');
    if (!p || !q) {
        printf("stat: malformed\n");
        return;
    }
    snprintf(comm, sizeof(comm), "%.*s", (int)(q - p - 1), p + 1);
    comm_ok = !strncmp(comm, base, 15);
    state = q[2];
    for (p = strtok(q + 1, " \n"); p && field < 64; p = strtok(NULL, " \n"), field++)
        v[field] = strtoull(p, NULL, 10);
    maps_load();
    sm = maps_find((uintptr_t)&stackvar);
    printf("%s: pid %d comm %d ppid %d state %s startstack-in-stack %d "
           "argv0-in-args %d envp-in-env %d startcode<endcode %d\n",
           path[6] == 's' ? "/proc/self/stat" : "/proc/PID/stat", pid_ok, comm_ok,
           (pid_t)v[4] == getppid(), strchr("RSD", state) ? "ok" : "BAD",
           sm && v[28] >= sm->lo && v[28] < sm->hi,
           v[48] <= (uintptr_t)argv0 && (uintptr_t)argv0 < v[49],
           environ[0] && v[50] <= (uintptr_t)environ[0] && (uintptr_t)environ[0] < v[51],
           v[26] < v[27]);
}

static void test_cpuinfo(void)
{
    static char buf[1 << 18];
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN), procs = 0;
    int consistent = 1;
    char *p;

    slurp("/proc/cpuinfo", buf, sizeof(buf));
    for (p = buf; (p = strstr(p, "processor")); p++)
        if (p == buf || p[-1] == '\n')
            procs++;
#if defined(__aarch64__)
    {
        unsigned long hw = getauxval(AT_HWCAP);
        static const struct { unsigned long bit; const char *name; } f[] = {
            { HWCAP_FP, " fp" }, { HWCAP_ASIMD, " asimd" }, { HWCAP_AES, " aes" },
            { HWCAP_PMULL, " pmull" }, { HWCAP_SHA1, " sha1" }, { HWCAP_SHA2, " sha2" },
            { HWCAP_CRC32, " crc32" }, { HWCAP_ATOMICS, " atomics" }, { HWCAP_SVE, " sve" },
        };
        char *feat = strstr(buf, "Features\t:");
        char line[1024];

        if (!feat) {
            consistent = 0;
        } else {
            snprintf(line, sizeof(line), "%.*s ", (int)strcspn(feat + 10, "\n"), feat + 10);
            for (unsigned i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
                char word[32];

                snprintf(word, sizeof(word), "%s ", f[i].name);
                if (!!(hw & f[i].bit) != !!strstr(line, word))
                    consistent = 0;
            }
        }
    }
#elif defined(__riscv)
    {
        unsigned long hw = getauxval(AT_HWCAP);
        char *isa = strstr(buf, "isa\t\t: rv64");
        const char *letters = "imafdcv";

        if (!isa) {
            consistent = 0;
        } else {
            char ext[64];

            snprintf(ext, sizeof(ext), "%.*s", (int)strcspn(isa + 11, "_\n"), isa + 11);
            for (const char *c = letters; *c; c++)
                if (!!(hw & (1ul << (*c - 'a'))) != !!strchr(ext, *c))
                    consistent = 0;
        }
    }
#else
    consistent = strstr(buf, "flags\t\t:") != NULL;
#endif
    printf("cpuinfo: processors match sysconf %d, features match AT_HWCAP %d\n",
           procs == ncpu, consistent);
}

int main(int argc, char **argv)
{
    char path[64];

    setvbuf(stdout, NULL, _IONBF, 0);
    test_cmdline(argc, argv, "/proc/self/cmdline");
    snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)getpid());
    test_cmdline(argc, argv, path);
    test_environ();
    test_auxv();
    test_maps();
    test_stat(argv[0], "/proc/self/stat");
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)getpid());
    test_stat(argv[0], path);
    test_cpuinfo();
    return 0;
}
