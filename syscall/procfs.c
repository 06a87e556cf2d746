/*
 * /proc as the guest sees itself.  The host's /proc describes the runner:
 * its maps, auxv, command line and CPU.  openat of those files returns a
 * read-only snapshot (a memfd reopened O_RDONLY) generated from the
 * guest's state instead:
 *   /proc/{self,thread-self,PID,PID/task/TID}/{maps,auxv,cmdline,environ,stat}
 *   /proc/cpuinfo
 * Everything else under /proc is the host's, which is right for a guest
 * whose threads are host threads (status, fd/, limits, ...).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "syscall/sys.h"

#define AUXV_SAVED_MAX 64
#define AT_HWCAP_ 16
#define AT_HWCAP2_ 26
#define AT_EXECFN_ 31

/* written once by procfs_init, before the first guest instruction */
static uint64_t procfs_auxv[AUXV_SAVED_MAX * 2];
static size_t procfs_auxv_len;          /* bytes, AT_NULL pair included */
static const char *procfs_exe;          /* /proc/self/exe as the guest reads it */

/* ---- a growable text buffer ---- */

struct pbuf {
    char *p;
    size_t n, cap;
    bool oom;
};

static void pbuf_put(struct pbuf *b, const void *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        char *p;

        while (cap < b->n + n + 1)
            cap *= 2;
        p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

static void pbuf_printf(struct pbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void pbuf_printf(struct pbuf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n > 0)
        pbuf_put(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* the whole of a host file (the host's /proc files have no size) */
static int pbuf_slurp(struct pbuf *b, const char *path)
{
    char tmp[4096];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t k;

    if (fd < 0)
        return -errno;
    while ((k = read(fd, tmp, sizeof(tmp))) > 0)
        pbuf_put(b, tmp, (size_t)k);
    close(fd);
    return k < 0 ? -EIO : 0;
}

/* guest memory [lo, hi), as Linux reads mm->arg_start..arg_end */
static int pbuf_guest(struct pbuf *b, uint64_t lo, uint64_t hi)
{
    char tmp[4096];

    while (lo < hi) {
        size_t n = hi - lo < sizeof(tmp) ? hi - lo : sizeof(tmp);

        if (guest_read(tmp, lo, n))
            return -EFAULT;
        pbuf_put(b, tmp, n);
        lo += n;
    }
    return 0;
}

/* ---- the files ---- */

static uint64_t auxv_get(uint64_t type)
{
    for (size_t i = 0; i + 1 < procfs_auxv_len / 8; i += 2)
        if (procfs_auxv[i] == type)
            return procfs_auxv[i + 1];
    return 0;
}

static bool in_range(uint64_t lo, uint64_t hi, uint64_t rlo, uint64_t rhi)
{
    return rlo < rhi && lo >= rlo && hi <= rhi;
}

/* one maps line, in the kernel's format (the name starts at column 74) */
static void maps_line(struct pbuf *b, uint64_t lo, uint64_t hi, const char *perms,
                      unsigned long long off, const char *dev, const char *inode,
                      const char *name)
{
    char head[160];
    int n = snprintf(head, sizeof(head), "%08llx-%08llx %s %08llx %s %s ",
                     (unsigned long long)lo, (unsigned long long)hi, perms, off, dev, inode);

    if (n < 0)
        return;
    if (name && name[0]) {
        while (n < 73 && n < (int)sizeof(head) - 1)
            head[n++] = ' ';
        head[n] = '\0';
        pbuf_printf(b, "%s%s\n", head, name);
    } else {
        head[n - 1] = '\n';     /* the kernel ends a nameless line after the inode */
        pbuf_put(b, head, (size_t)n);
    }
}

static int gen_maps(struct pbuf *b)
{
    struct pbuf host = { 0 };
    struct vma_range *set;
    size_t nset = vma_snapshot(&set);
    const char *root = sys_state.guest.sysroot;
    size_t rootlen = root ? strlen(root) : 0;
    uint64_t heap_lo, heap_hi;
    char *line, *save = NULL;
    int err;

    mem_brk_range(&heap_lo, &heap_hi);
    err = pbuf_slurp(&host, "/proc/self/maps");
    if (err || host.oom) {
        free(set);
        free(host.p);
        return err ? err : -ENOMEM;
    }
    host.p[host.n] = '\0';
    for (line = strtok_r(host.p, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        unsigned long long lo, hi, off;
        char perms[8], dev[16], inode[24];
        int name_at = 0;
        const char *name;

        if (sscanf(line, "%llx-%llx %7s %llx %15s %23s %n", &lo, &hi, perms, &off, dev, inode,
                   &name_at) < 6)
            continue;
        name = name_at ? line + name_at : "";
        /* the host's own labels ([heap], [stack], [vdso]...) are the runner's */
        if (name[0] == '[')
            name = "";
        /* a file under -L is shown by its guest path */
        if (rootlen && !strncmp(name, root, rootlen) && name[rootlen] == '/')
            name += rootlen;
        for (size_t i = 0; i < nset + 1; i++) {
            /* the guest set, then the heap up to the current break */
            uint64_t slo = i < nset ? set[i].lo : heap_lo, shi = i < nset ? set[i].hi : heap_hi;
            uint64_t plo = lo > slo ? lo : slo, phi = hi < shi ? hi : shi;
            const char *label = name;

            if (plo >= phi)
                continue;
            if (in_range(plo, phi, heap_lo, heap_hi)) {
                if (i < nset)
                    continue;       /* shown once, from the heap entry */
                label = "[heap]";
            } else if (in_range(plo, phi, sys_state.img.stack_low, sys_state.img.stack_high)) {
                label = "[stack]";
            }
            maps_line(b, plo, phi, perms, off + (inode[0] != '0' ? plo - lo : 0), dev, inode,
                      label);
        }
    }
    free(set);
    free(host.p);
    return 0;
}

static int gen_auxv(struct pbuf *b)
{
    pbuf_put(b, procfs_auxv, procfs_auxv_len);
    return 0;
}

static int gen_cmdline(struct pbuf *b)
{
    return pbuf_guest(b, sys_state.img.arg_start, sys_state.img.arg_end);
}

static int gen_environ(struct pbuf *b)
{
    return pbuf_guest(b, sys_state.img.env_start, sys_state.img.env_end);
}

/*
 * The host's stat line (pid, state, times, counters are the guest's own:
 * same process) with the address fields that describe the runner's image
 * replaced by the guest's (proc(5) fields 26-28 and 45-51).
 */
static int gen_stat(struct pbuf *b, const char *host_path)
{
    struct pbuf host = { 0 };
    const struct guest_image *g = &sys_state.img;
    uint64_t heap_lo, heap_hi;
    char *p, *tok, *save = NULL;
    int err = pbuf_slurp(&host, host_path), field;

    if (err || host.oom || !host.n) {
        free(host.p);
        return err ? err : -ENOMEM;
    }
    mem_brk_range(&heap_lo, &heap_hi);
    host.p[host.n] = '\0';
    /* the comm may hold spaces and parentheses: fields restart after the last ')' */
    p = strrchr(host.p, ')');
    if (!p) {
        free(host.p);
        return -EIO;
    }
    pbuf_put(b, host.p, (size_t)(p + 1 - host.p));
    field = 3;
    for (tok = strtok_r(p + 1, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save), field++) {
        unsigned long long v;
        bool subst = true;

        switch (field) {
        case 26: case 45: v = g->prog_lo; break;        /* startcode, start_data */
        case 27: case 46: v = g->brk_start; break;      /* endcode, end_data */
        case 28: v = g->sp; break;                      /* startstack */
        case 47: v = heap_lo; break;                    /* start_brk */
        case 48: v = g->arg_start; break;
        case 49: v = g->arg_end; break;
        case 50: v = g->env_start; break;
        case 51: v = g->env_end; break;
        default: subst = false; v = 0; break;
        }
        if (subst)
            pbuf_printf(b, " %llu", v);
        else
            pbuf_printf(b, " %s", tok);
    }
    pbuf_put(b, "\n", 1);
    free(host.p);
    return 0;
}

/* riscv64: "rv64" and the single-letter extensions of AT_HWCAP, in the
 * canonical order of the ISA manual's naming chapter */
static void cpuinfo_riscv64(struct pbuf *b, long ncpu)
{
    static const char order[] = "imafdqlcbkjtpvh";
    uint64_t hw = auxv_get(AT_HWCAP_);
    char isa[64] = "rv64";
    size_t n = 4;

    for (const char *c = order; *c && n < sizeof(isa) - 1; c++)
        if (hw & (1ull << (*c - 'a')))
            isa[n++] = *c;
    isa[n] = '\0';
    for (long i = 0; i < ncpu; i++) {
        pbuf_printf(b, "processor\t: %ld\nhart\t\t: %ld\nisa\t\t: %s_zicsr_zifencei\n", i, i, isa);
        pbuf_printf(b, "mmu\t\t: sv39\nmvendorid\t: 0x0\nmarchid\t\t: 0x0\nmimpid\t\t: 0x0\n\n");
    }
}

/* arm64: the kernel's names of the AT_HWCAP and AT_HWCAP2 bits, in bit
 * order (arch/arm64/include/uapi/asm/hwcap.h) */
static const char *const arm64_hwcap_names[] = {
    "fp", "asimd", "evtstrm", "aes", "pmull", "sha1", "sha2", "crc32",
    "atomics", "fphp", "asimdhp", "cpuid", "asimdrdm", "jscvt", "fcma", "lrcpc",
    "dcpop", "sha3", "sm3", "sm4", "asimddp", "sha512", "sve", "asimdfhm",
    "dit", "uscat", "ilrcpc", "flagm", "ssbs", "sb", "paca", "pacg",
};
static const char *const arm64_hwcap2_names[] = {
    "dcpodp", "sve2", "sveaes", "svepmull", "svebitperm", "svesha3", "svesm4", "flagm2",
    "frint", "svei8mm", "svef32mm", "svef64mm", "svebf16", "i8mm", "bf16", "dgh",
    "rng", "bti", "mte", "ecv", "afp", "rpres", "mte3", "sme",
};

static void cpuinfo_aarch64(struct pbuf *b, long ncpu)
{
    uint64_t hw = auxv_get(AT_HWCAP_), hw2 = auxv_get(AT_HWCAP2_);
    char feat[512];
    size_t n = 0;

    feat[0] = '\0';
    for (unsigned i = 0; i < 32; i++)
        if (hw & (1ull << i))
            n += (size_t)snprintf(feat + n, sizeof(feat) - n, "%s%s", n ? " " : "",
                                  arm64_hwcap_names[i]);
    for (unsigned i = 0; i < sizeof(arm64_hwcap2_names) / sizeof(*arm64_hwcap2_names); i++)
        if (hw2 & (1ull << i) && n < sizeof(feat))
            n += (size_t)snprintf(feat + n, sizeof(feat) - n, "%s%s", n ? " " : "",
                                  arm64_hwcap2_names[i]);
    for (long i = 0; i < ncpu; i++) {
        pbuf_printf(b, "processor\t: %ld\nBogoMIPS\t: 50.00\nFeatures\t: %s\n", i, feat);
        pbuf_printf(b, "CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x0\n"
                       "CPU part\t: 0xd08\nCPU revision\t: 3\n\n");
    }
}

static int gen_cpuinfo(struct pbuf *b)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

    if (ncpu < 1)
        ncpu = 1;
    if (sys_state.guest.e_machine == 183 /* EM_AARCH64 */)
        cpuinfo_aarch64(b, ncpu);
    else
        cpuinfo_riscv64(b, ncpu);
    return 0;
}

/* ---- path matching ---- */

/* "123/" at *p naming this process or one of its threads; advances *p */
static bool pid_component_is_ours(const char **p)
{
    char *end;
    long v = strtol(*p, &end, 10);
    char task[64];

    if (end == *p || *end != '/' || v <= 0)
        return false;
    *p = end + 1;
    if (v == getpid())
        return true;
    snprintf(task, sizeof(task), "/proc/self/task/%ld", v);
    return access(task, F_OK) == 0;
}

enum procfs_file { PF_NONE, PF_MAPS, PF_AUXV, PF_CMDLINE, PF_ENVIRON, PF_STAT, PF_CPUINFO };

static enum procfs_file procfs_match(const char *path)
{
    static const struct { const char *name; enum procfs_file f; } leaves[] = {
        { "maps", PF_MAPS }, { "auxv", PF_AUXV }, { "cmdline", PF_CMDLINE },
        { "environ", PF_ENVIRON }, { "stat", PF_STAT },
    };
    const char *p;

    if (strncmp(path, "/proc/", 6))
        return PF_NONE;
    p = path + 6;
    if (!strcmp(p, "cpuinfo"))
        return PF_CPUINFO;
    if (!strncmp(p, "self/", 5))
        p += 5;
    else if (!strncmp(p, "thread-self/", 12))
        p += 12;
    else if (!pid_component_is_ours(&p))
        return PF_NONE;
    if (!strncmp(p, "task/", 5)) {
        p += 5;
        if (!pid_component_is_ours(&p))
            return PF_NONE;
    }
    for (unsigned i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++)
        if (!strcmp(p, leaves[i].name))
            return leaves[i].f;
    return PF_NONE;
}

/* a read-only fd holding b's bytes */
static int64_t procfs_fd(const struct pbuf *b, const char *name, uint64_t flags)
{
    char self[64];
    int mfd = memfd_create(name, MFD_CLOEXEC);
    size_t off = 0;
    int fd;

    if (mfd < 0)
        return -errno;
    while (off < b->n) {
        ssize_t k = write(mfd, b->p + off, b->n - off);

        if (k <= 0) {
            close(mfd);
            return -EIO;
        }
        off += (size_t)k;
    }
    /* a new open file description, read-only like the real /proc file */
    snprintf(self, sizeof(self), "/proc/self/fd/%d", mfd);
    fd = open(self, O_RDONLY | (flags & (O_CLOEXEC | O_NONBLOCK)));
    close(mfd);
    return fd < 0 ? -errno : fd;
}

bool procfs_open(const char *path, uint64_t host_flags, int64_t *ret)
{
    enum procfs_file f = procfs_match(path);
    struct pbuf b = { 0 };
    int err = 0;

    if (f == PF_NONE)
        return false;
    if ((host_flags & O_ACCMODE) != O_RDONLY) {
        *ret = -EACCES;
        return true;
    }
    if (host_flags & O_DIRECTORY) {
        *ret = -ENOTDIR;
        return true;
    }
    switch (f) {
    case PF_MAPS: err = gen_maps(&b); break;
    case PF_AUXV: err = gen_auxv(&b); break;
    case PF_CMDLINE: err = gen_cmdline(&b); break;
    case PF_ENVIRON: err = gen_environ(&b); break;
    case PF_STAT: err = gen_stat(&b, path); break;
    case PF_CPUINFO: err = gen_cpuinfo(&b); break;
    case PF_NONE: break;
    }
    if (!err && b.oom)
        err = -ENOMEM;
    *ret = err ? err : procfs_fd(&b, strrchr(path, '/') + 1, host_flags);
    free(b.p);
    return true;
}

/*
 * The program's path as the guest names it: under -L, without the sysroot
 * prefix (like the file names in maps), so that running or opening it
 * again finds the same file through the sysroot lookup.
 */
const char *procfs_exe_link(void)
{
    return procfs_exe ? procfs_exe : sys_state.img.exe_path;
}

static void procfs_exe_init(void)
{
    static char root[PATH_MAX];
    const char *exe = sys_state.img.exe_path;
    size_t n;

    procfs_exe = exe;
    if (!sys_state.guest.sysroot || !realpath(sys_state.guest.sysroot, root))
        return;
    n = strlen(root);
    if (n > 1 && !strncmp(exe, root, n) && exe[n] == '/')
        procfs_exe = exe + n;
}

void procfs_init(const struct guest_image *img)
{
    uint64_t pair[2];
    char execfn[256];
    const char *base;

    procfs_exe_init();

    procfs_auxv_len = 0;
    if (img->auxv) {
        for (size_t i = 0; i < AUXV_SAVED_MAX; i++) {
            if (guest_read(pair, img->auxv + i * 16, 16))
                break;
            procfs_auxv[2 * i] = pair[0];
            procfs_auxv[2 * i + 1] = pair[1];
            procfs_auxv_len += 16;
            if (pair[0] == 0)
                break;
        }
    }
    /* the host comm (ps, top, /proc/PID/comm and stat) names the guest program,
     * as the kernel takes it from the executed path */
    if (auxv_get(AT_EXECFN_) && guest_read_str(execfn, auxv_get(AT_EXECFN_), sizeof(execfn)) > 0) {
        base = strrchr(execfn, '/');
        prctl(PR_SET_NAME, (unsigned long)(base ? base + 1 : execfn), 0, 0, 0);
    }
}
