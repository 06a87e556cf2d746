/*
 * Syscall layer behaviour through syscall_dispatch, with riscv64 numbers:
 * struct stat conversion, uname, /proc/self/exe, brk, sigaction layouts
 * per guest, aarch64 open flags, the runner's log fd, ioctl, -strace
 * output and unimplemented-syscall logging.
 */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "syscall/sys.h"
#include "syscall/target.h"
#include "translate/exec.h"

static int n_test, n_fail;

static void ok(int cond, const char *fmt, ...)
{
    va_list ap;

    n_test++;
    printf("%sok %d - ", cond ? "" : "not ", n_test);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    n_fail += !cond;
}

static int64_t call(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    uint64_t a[6] = { a0, a1, a2, a3, 0, 0 };

    return syscall_dispatch(NULL, nr, a);
}
#define P(x) ((uint64_t)(uintptr_t)(x))

/* asm-generic numbers */
enum { NR_openat = 56, NR_close = 57, NR_readlinkat = 78, NR_newfstatat = 79, NR_fstat = 80,
       NR_ioctl = 29, NR_fcntl = 25, NR_uname = 160, NR_brk = 214, NR_getpid = 172,
       NR_rt_sigaction = 134, NR_rt_sigprocmask = 135, NR_perf_event_open = 241, NR_write = 64 };

static struct guest_image img;

static void init(uint32_t arch, const char *machine)
{
    struct syscall_guest g = { machine, arch, NULL, 0, NULL };

    syscall_init(&g, &img);
}

static void test_stat_convert(void)
{
    struct stat h;
    struct guest_stat g;
    unsigned char *b = (unsigned char *)&g;

    memset(&h, 0, sizeof(h));
    h.st_dev = 0x1122334555667788ull;
    h.st_ino = 45;
    h.st_mode = 0100645;
    h.st_nlink = 3;
    h.st_uid = 1000;
    h.st_gid = 100;
    h.st_rdev = 0x0805;
    h.st_size = 0x123456789ll;
    h.st_blksize = 4096;
    h.st_blocks = 8;
    h.st_atim.tv_sec = 1700000000;
    h.st_atim.tv_nsec = 123;
    h.st_mtim.tv_sec = 1700000001;
    h.st_mtim.tv_nsec = 456;
    h.st_ctim.tv_sec = 1700000002;
    h.st_ctim.tv_nsec = 789;
    stat_to_guest(&g, &h);
    /* offsets from the riscv64/aarch64 uapi asm-generic/stat.h */
#define AT(off, type) (*(type *)(b + (off)))
    ok(AT(0, uint64_t) == 0x1122334555667788ull && AT(8, uint64_t) == 45,
       "stat: st_dev@0, st_ino@8");
    ok(AT(16, uint32_t) == 0100645 && AT(20, uint32_t) == 3,
       "stat: st_mode@16 before st_nlink@20 (x86-64 has them the other way round)");
    ok(AT(24, uint32_t) == 1000 && AT(28, uint32_t) == 100 && AT(32, uint64_t) == 0x0805,
       "stat: st_uid@24 st_gid@28 st_rdev@32");
    ok(AT(40, uint64_t) == 0 && AT(48, int64_t) == 0x123456789ll,
       "stat: __pad1@40 zero, st_size@48");
    ok(AT(56, int32_t) == 4096 && AT(60, int32_t) == 0 && AT(64, int64_t) == 8,
       "stat: st_blksize@56 is 32-bit, __pad2@60, st_blocks@64");
    ok(AT(72, int64_t) == 1700000000 && AT(80, uint64_t) == 123 &&
       AT(88, int64_t) == 1700000001 && AT(96, uint64_t) == 456 &&
       AT(104, int64_t) == 1700000002 && AT(112, uint64_t) == 789,
       "stat: times and nanoseconds @72..112");
#undef AT
}

static void test_fstat(void)
{
    struct guest_stat g;
    struct stat h;
    int fd = open("/proc/self/exe", O_RDONLY);

    fstat(fd, &h);
    memset(&g, 0xff, sizeof(g));
    ok(call(NR_fstat, (uint64_t)fd, P(&g), 0, 0) == 0 && g.st_ino == h.st_ino &&
       g.st_size == h.st_size && g.st_mode == h.st_mode && g.st_nlink == h.st_nlink,
       "fstat through dispatch fills the guest layout");
    memset(&g, 0xff, sizeof(g));
    ok(call(NR_newfstatat, (uint64_t)AT_FDCWD, P("/proc/self/exe"), P(&g), 0) == 0 &&
       g.st_ino == h.st_ino && g.st_blocks == h.st_blocks,
       "newfstatat through dispatch");
    ok(call(NR_fstat, (uint64_t)fd, 16, 0, 0) == -EFAULT, "fstat to a bad pointer is -EFAULT");
    ok(call(NR_newfstatat, (uint64_t)AT_FDCWD, P("/nonexistent/x"), P(&g), 0) == -ENOENT,
       "newfstatat of a missing file is -ENOENT");
    close(fd);
}

static void test_uname_exe(void)
{
    struct utsname u;
    char buf[4096];
    int64_t n;

    ok(call(NR_uname, P(&u), 0, 0, 0) == 0 && !strcmp(u.machine, "riscv64"),
       "uname machine is the guest's (%s)", u.machine);
    n = call(NR_readlinkat, (uint64_t)AT_FDCWD, P("/proc/self/exe"), P(buf), sizeof(buf));
    ok(n == (int64_t)strlen(img.exe_path) && !memcmp(buf, img.exe_path, (size_t)n),
       "readlinkat /proc/self/exe gives the guest program");
    n = call(NR_readlinkat, (uint64_t)AT_FDCWD, P("/proc/self/exe"), P(buf), 5);
    ok(n == 5 && !memcmp(buf, img.exe_path, 5), "readlinkat truncates to bufsiz");
    n = call(NR_openat, (uint64_t)AT_FDCWD, P("/proc/self/exe"), O_RDONLY, 0);
    ok(n >= 0 && read((int)n, buf, 4) == 4 && !memcmp(buf, "#!/b", 4),
       "openat /proc/self/exe opens the guest program");
    if (n >= 0)
        close((int)n);
}

static void test_brk(void)
{
    uint64_t start = img.brk_start, cur;
    unsigned char *p = (unsigned char *)(uintptr_t)start;

    cur = (uint64_t)call(NR_brk, 0, 0, 0, 0);
    ok(cur == start, "brk(0) is brk_start");
    ok((uint64_t)call(NR_brk, start + 100000, 0, 0, 0) == start + 100000,
       "brk grows by 100000");
    memset(p, 0x5a, 100000);
    ok(p[99999] == 0x5a, "grown brk memory is writable");
    ok((uint64_t)call(NR_brk, start + 10, 0, 0, 0) == start + 10, "brk shrinks");
    call(NR_brk, start + 100000, 0, 0, 0);
    ok(p[8192] == 0 && p[99999] == 0, "regrown brk pages read zero");
    ok((uint64_t)call(NR_brk, start + (2ull << 30), 0, 0, 0) == start + 100000,
       "brk beyond the reservation fails by returning the old break");
    ok((uint64_t)call(NR_brk, start - 4096, 0, 0, 0) == start + 100000,
       "brk below brk_start is refused");
}

static void test_sigaction(void)
{
    uint64_t act[4] = { 0x1234, 0x04000000, 0x5678, 0x2 }, old[4] = { 9, 9, 9, 9 };

    init(SCMP_ARCH_RISCV64, "riscv64");
    act[2] = 0x2;   /* riscv64: handler, flags, mask */
    ok(call(NR_rt_sigaction, 10, P(act), 0, 8) == 0, "rt_sigaction SIGUSR1 (riscv64)");
    ok(call(NR_rt_sigaction, 10, 0, P(old), 8) == 0 && old[0] == 0x1234 &&
       old[1] == 0x04000000 && old[2] == 0x2 && old[3] == 9,
       "riscv64 sigaction is 24 bytes: mask at 16, nothing written at 24");
    init(SCMP_ARCH_AARCH64, "aarch64");
    act[2] = 0x5678;
    act[3] = 0x4;
    call(NR_rt_sigaction, 12, P(act), 0, 8);
    memset(old, 0, sizeof(old));
    ok(call(NR_rt_sigaction, 12, 0, P(old), 8) == 0 && old[2] == 0x5678 && old[3] == 0x4,
       "aarch64 sigaction is 32 bytes: restorer at 16, mask at 24");
    ok(call(NR_rt_sigaction, 9, P(act), 0, 8) == -EINVAL, "SIGKILL cannot be caught");
    ok(call(NR_rt_sigaction, 10, P(act), 0, 16) == -EINVAL, "sigsetsize must be 8");
    {
        uint64_t set = (1ull << 9) | (1ull << 8), o = 7;

        ok(call(NR_rt_sigprocmask, SIG_SETMASK, P(&set), 0, 8) == 0 &&
           call(NR_rt_sigprocmask, SIG_BLOCK, 0, P(&o), 8) == 0 && o == (1ull << 9),
           "rt_sigprocmask keeps the mask, without SIGKILL");
    }
    init(SCMP_ARCH_RISCV64, "riscv64");
}

static void test_flags(void)
{
    char dir[] = "/tmp/test_syscall.XXXXXX", f[64];
    int64_t fd;

    mkdtemp(dir);
    snprintf(f, sizeof(f), "%s/file", dir);
    close(open(f, O_CREAT | O_WRONLY, 0600));
    init(SCMP_ARCH_AARCH64, "aarch64");
    ok(call(NR_openat, (uint64_t)AT_FDCWD, P(f), ARM64_O_DIRECTORY, 0) == -ENOTDIR,
       "aarch64 O_DIRECTORY (040000) on a file is -ENOTDIR");
    fd = call(NR_openat, (uint64_t)AT_FDCWD, P(dir), ARM64_O_DIRECTORY, 0);
    ok(fd >= 0, "aarch64 O_DIRECTORY on a directory opens it");
    ok(fd >= 0 && (call(NR_fcntl, (uint64_t)fd, F_GETFL, 0, 0) & ARM64_O_DIRECTORY),
       "F_GETFL reports O_DIRECTORY in the aarch64 encoding");
    if (fd >= 0)
        close((int)fd);
    init(SCMP_ARCH_RISCV64, "riscv64");
    ok(call(NR_openat, (uint64_t)AT_FDCWD, P(f), 0200000, 0) == -ENOTDIR,
       "riscv64 O_DIRECTORY (0200000) on a file is -ENOTDIR");
    fd = call(NR_openat, (uint64_t)AT_FDCWD, P(f), 040000 /* O_DIRECT */, 0);
    ok(fd != -ENOTDIR, "riscv64 040000 is not O_DIRECTORY");
    if (fd >= 0)
        close((int)fd);
    unlink(f);
    rmdir(dir);
}

static void test_sysroot(void)
{
    char root[] = "/tmp/test_sysroot.XXXXXX", f[128], buf[8];
    struct syscall_guest g = { "riscv64", SCMP_ARCH_RISCV64, root, 0, NULL };
    struct guest_stat st;
    int64_t fd;

    mkdtemp(root);
    snprintf(f, sizeof(f), "%s/etc", root);
    mkdir(f, 0700);
    snprintf(f, sizeof(f), "%s/etc/only-in-sysroot", root);
    fd = open(f, O_CREAT | O_WRONLY, 0600);
    if (write((int)fd, "guest", 5) != 5)
        fd = -1;
    close((int)fd);
    syscall_init(&g, &img);
    fd = call(NR_openat, (uint64_t)AT_FDCWD, P("/etc/only-in-sysroot"), O_RDONLY, 0);
    ok(fd >= 0 && read((int)fd, buf, 5) == 5 && !memcmp(buf, "guest", 5),
       "-L: an absolute path present in the sysroot opens from there");
    if (fd >= 0)
        close((int)fd);
    ok(call(NR_newfstatat, (uint64_t)AT_FDCWD, P("/etc/only-in-sysroot"), P(&st), 0) == 0 &&
       st.st_size == 5, "-L: newfstatat sees the sysroot's file");
    fd = call(NR_openat, (uint64_t)AT_FDCWD, P("/proc/self/stat"), O_RDONLY, 0);
    ok(fd >= 0, "-L: paths absent from the sysroot fall back to the host's");
    if (fd >= 0)
        close((int)fd);
    unlink(f);
    snprintf(f, sizeof(f), "%s/etc", root);
    rmdir(f);
    rmdir(root);
    init(SCMP_ARCH_RISCV64, "riscv64");
}

static void test_logfd_ioctl(void)
{
    FILE *log = tmpfile();
    int lfd = fileno(log);
    unsigned char t[64];

    exec_config.log = log;
    ok(call(NR_close, (uint64_t)lfd, 0, 0, 0) == -EBADF && fcntl(lfd, F_GETFD) >= 0,
       "the guest cannot close the -D log fd");
    ok(call(24 /* dup3 */, 0, (uint64_t)lfd, 0, 0) == -EBADF, "nor dup3 over it");
    ok(call(NR_ioctl, (uint64_t)lfd, 0x5401, P(t), 0) == -ENOTTY,
       "TCGETS on a file passes through and gets -ENOTTY");
    ok(call(NR_ioctl, 0, 0x1234abcd, 0, 0) == -ENOTTY, "unknown ioctl is -ENOTTY");
    exec_config.log = NULL;
    fclose(log);
}

static void test_strace(void)
{
    FILE *log = tmpfile();
    char text[2048], want[256];
    size_t n;
    int pid = getpid();

    exec_config.log = log;
    exec_config.log_mask = LOG_STRACE | LOG_UNIMP;
    call(NR_getpid, 0, 0, 0, 0);
    call(NR_close, (uint64_t)-1, 0, 0, 0);
    call(NR_openat, (uint64_t)AT_FDCWD, P("/no\"such"), 0, 0);
    ok(call(NR_perf_event_open, 0, 0, 0, 0) == -ENOSYS, "unimplemented syscall is -ENOSYS");
    ok(call(277 /* seccomp */, 1, 0, 0, 0) == -EINVAL, "seccomp filters are refused with EINVAL");
    ok(call(167 /* prctl */, 22 /* PR_SET_SECCOMP */, 2, 0, 0) == -EINVAL,
       "PR_SET_SECCOMP is refused with EINVAL");
    ok(call(293 /* rseq */, 0, 0, 0, 0) == -ENOSYS, "rseq is -ENOSYS");
    call(NR_write, 1, P(""), 0, 0);
    exec_config.log_mask = 0;
    exec_config.log = NULL;
    fflush(log);
    rewind(log);
    n = fread(text, 1, sizeof(text) - 1, log);
    text[n] = 0;
    fclose(log);
    snprintf(want, sizeof(want), "%d getpid() = %d\n", pid, pid);
    ok(strstr(text, want) != NULL, "strace: \"PID getpid() = PID\" line");
    snprintf(want, sizeof(want), "%d close(-1) = -1 EBADF (Bad file descriptor)\n", pid);
    ok(strstr(text, want) != NULL, "strace: error return as -1 ENAME (strerror)");
    snprintf(want, sizeof(want), "%d openat(AT_FDCWD,\"/no\\\"such\",O_RDONLY,00) = -1 ENOENT", pid);
    ok(strstr(text, want) != NULL, "strace: quoted string and AT_FDCWD (%s)", want);
    ok(strstr(text, "Unsupported syscall: 241 (perf_event_open)") != NULL,
       "-d unimp names the missing syscall from libseccomp");
    ok(strstr(text, "perf_event_open(") != NULL, "strace prints unknown syscalls by name");
    ok(strstr(text, "seccomp: operation 1 refused") != NULL, "-d unimp logs the seccomp refusal");
    ok(strstr(text, "prctl: PR_SET_SECCOMP refused") != NULL, "-d unimp logs PR_SET_SECCOMP");
    ok(strstr(text, "Unsupported syscall: 293") == NULL, "rseq's ENOSYS is deliberate: not logged");
}

int main(void)
{
    char exe[] = "/tmp/test_syscall_exe.XXXXXX";
    int fd = mkstemp(exe);
    void *brk_area;

    printf("1..51\n");
    if (fd < 0 || write(fd, "#!/bin/true\n", 12) != 12)
        return 1;
    close(fd);
    snprintf(img.exe_path, sizeof(img.exe_path), "%s", exe);
    /* a free page-aligned address for the brk reservation */
    brk_area = mmap(NULL, 1ull << 31, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(brk_area, 1ull << 31);
    img.brk_start = (uint64_t)(uintptr_t)brk_area;
    init(SCMP_ARCH_RISCV64, "riscv64");

    test_stat_convert();
    test_fstat();
    test_uname_exe();
    test_brk();
    test_sigaction();
    test_flags();
    test_sysroot();
    test_logfd_ioctl();
    test_strace();
    unlink(exe);
    if (n_test != 51) {
        printf("# planned 51 tests, ran %d\n", n_test);
        n_fail++;
    }
    return n_fail != 0;
}
