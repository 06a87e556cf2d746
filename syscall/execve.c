/*
 * Guest execve/execveat, as qemu-user under binfmt_misc behaves but without
 * needing binfmt: a guest ELF, or a #! script whose interpreter (looked up
 * through the -L sysroot, as a chroot would) ends in one, is run by a fresh
 * copy of this runner started with the user's options.  Anything else (a
 * native program, a native interpreter, a missing or non-executable file)
 * is handed to the host kernel unchanged, so its errno is the kernel's own.
 * File descriptors need nothing: the guest's are the host's, and the host
 * honours O_CLOEXEC.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "syscall/execve.h"
#include "syscall/sys.h"
#include "translate/exec.h"

/* Linux's BINPRM_BUF_SIZE: how much of a file the kernel looks at (the
 * whole #! line must fit) */
#define EXEC_HDR_SIZE 256
/* Linux's BINPRM_MAX_RECURSION: a script's interpreter may itself be a
 * script this many times */
#define EXEC_MAX_DEPTH 4

extern char **environ;

/* the runner's own executable; written once by execve_init */
static char exec_runner_path[PATH_MAX];

void execve_init(void)
{
    ssize_t n = readlink("/proc/self/exe", exec_runner_path, sizeof(exec_runner_path) - 1);
    int logfd = sys_log_fd();

    exec_runner_path[n > 0 ? n : 0] = 0;
    if (logfd >= 0) {
        /* a native program must not inherit it; runners that the guest
         * starts open it again and append, so lines never overwrite */
        fcntl(logfd, F_SETFD, FD_CLOEXEC);
        fcntl(logfd, F_SETFL, fcntl(logfd, F_GETFL) | O_APPEND);
    }
}

/* A growing NULL-terminated array of strings (not owned). */
struct exec_vec {
    const char **v;
    size_t n, cap;
};

static int vec_push(struct exec_vec *x, const char *s)
{
    if (x->n + 2 > x->cap) {
        size_t cap = x->cap * 2 + 32;
        const char **v = realloc(x->v, cap * sizeof(*v));

        if (!v)
            return -ENOMEM;
        x->v = v;
        x->cap = cap;
    }
    x->v[x->n++] = s;
    x->v[x->n] = NULL;
    return 0;
}

/* guest memory is host memory: the strings are used in place, and a bad
 * string pointer gets the host execve's own EFAULT */
static int vec_push_guest(struct exec_vec *x, uint64_t array, size_t from)
{
    if (!array)
        return 0;
    for (size_t i = 0;; i++) {
        uint64_t p;

        if (guest_read(&p, array + 8 * i, 8))
            return -EFAULT;
        if (!p)
            return 0;
        if (i >= from && vec_push(x, g2h(p)))
            return -ENOMEM;
    }
}

/* The host file a guest path names, as the guest's openat finds it:
 * /proc/self/exe is the guest program, absolute paths are looked up in the
 * -L sysroot first. */
static const char *exec_host_path(const char *path, char *buf, size_t n)
{
    if (path_is_self_exe(path) && sys_state.img.exe_path[0])
        return sys_state.img.exe_path;
    return g2h(path_remap((uintptr_t)path, buf, n));
}

/*
 * Open a file the way execve would and read its first bytes into hdr
 * (EXEC_HDR_SIZE bytes, zero past the end of the file).  Returns the open
 * descriptor, or -1 whenever the kernel would refuse the file (missing,
 * not regular, not executable, noexec mount): then the host execve gives
 * the exact errno.
 */
static int exec_probe(int dirfd, const char *path, int flags, unsigned char *hdr)
{
    char proc[64];
    struct stat st;
    struct statvfs vfs;
    int fd;

    if (!path[0] && (flags & AT_EMPTY_PATH)) {
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", dirfd);
        fd = open(proc, O_RDONLY | O_CLOEXEC);
    } else {
        fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC |
                                 ((flags & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0));
    }
    if (fd < 0)
        return -1;
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    memset(hdr, 0, EXEC_HDR_SIZE);
    if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
        (fstatvfs(fd, &vfs) == 0 && (vfs.f_flag & ST_NOEXEC)) ||
        faccessat(AT_FDCWD, proc, X_OK, AT_EACCESS) || pread(fd, hdr, EXEC_HDR_SIZE, 0) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* an ELF executable for this runner's guest (64-bit little-endian) */
static bool exec_is_guest_elf(const unsigned char *h)
{
    unsigned type = h[16] | (unsigned)h[17] << 8, machine = h[18] | (unsigned)h[19] << 8;

    return !memcmp(h, ELFMAG, SELFMAG) && h[EI_CLASS] == ELFCLASS64 &&
           h[EI_DATA] == ELFDATA2LSB && (type == ET_EXEC || type == ET_DYN) &&
           machine == sys_state.guest.e_machine;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/*
 * Split a #! line as Linux does (fs/binfmt_script.c): the interpreter is
 * the first word after "#!"; everything after it up to the end of the
 * line, outer blanks trimmed, is one optional argument.  Only the first
 * EXEC_HDR_SIZE - 1 bytes count; a line longer than that is accepted only
 * when the interpreter's name ends inside them.  buf is modified; name
 * and arg point into it.  Returns false for what the kernel calls ENOEXEC.
 */
static bool shebang_parse(char *buf, char **name, char **arg)
{
    char *last = buf + EXEC_HDR_SIZE - 1;
    char *end = NULL, *p;

    for (p = buf; p < buf + EXEC_HDR_SIZE && *p; p++) {
        if (*p == '\n') {
            end = p;
            break;
        }
    }
    if (!end) {
        for (p = buf + 2; p <= last && is_blank(*p); p++)
            ;
        while (p <= last && *p && !is_blank(*p))
            p++;
        if (p > last)
            return false;       /* the interpreter's name was cut off */
        end = last;
    }
    while (is_blank(end[-1]))   /* stops at the '!' */
        end--;
    for (p = buf + 2; p < end && is_blank(*p); p++)
        ;
    if (p >= end)
        return false;
    *name = p;
    while (p < end && *p && !is_blank(*p))
        p++;
    *arg = NULL;
    if (p < end && *p) {
        char *q = p;

        while (q < end && is_blank(*q))
            q++;
        if (q < end)
            *arg = q;
    }
    *end = 0;
    *p = 0;
    return **name != 0;
}

/*
 * A path by which the new runner reaches the file open at fd: path itself
 * when it still names that file, else the directory of dirfd joined with
 * it, else (deleted, a memfd, unreachable) /proc/self/fd/N of a copy of fd
 * that survives the exec.
 */
static const char *exec_child_path(int fd, int dirfd, const char *path, char *buf, size_t n)
{
    struct stat want, got;
    const char *cand = path;
    char proc[64];
    int keep;

    if (fstat(fd, &want))
        return NULL;
    if (path[0] != '/' && dirfd != AT_FDCWD) {
        ssize_t len;

        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", dirfd);
        len = readlink(proc, buf, n - 1);
        cand = NULL;
        if (len > 0) {
            buf[len] = 0;
            if (path[0] && (size_t)len + 1 + strlen(path) < n)
                snprintf(buf + len, n - (size_t)len, "/%s", path);
            if (path[0] == 0 || strlen(buf) > (size_t)len)
                cand = buf;
        }
    }
    if (cand && cand[0] && !stat(cand, &got) && got.st_dev == want.st_dev &&
        got.st_ino == want.st_ino)
        return cand;
    keep = fcntl(fd, F_DUPFD, 3);
    if (keep < 0)
        return NULL;
    snprintf(buf, n, "/proc/self/fd/%d", keep);
    return buf;
}

/* The environment of a new runner: the guest's as given, then the
 * runner's own RUNTIME_* settings, which the guest never saw (the guest's
 * own come first, so they win).  -0/-E/-U are the first runner's alone. */
static int exec_env_build(struct exec_vec *env, uint64_t genvp)
{
    static const char *const not_inherited[] = {
        "RUNTIME_ARGV0=", "RUNTIME_SET_ENV=", "RUNTIME_UNSET_ENV=", "RUNTIME_LOG_APPEND=", NULL,
    };
    int err = vec_push_guest(env, genvp, 0);

    for (char **e = environ; !err && *e; e++) {
        const char *const *skip = not_inherited;

        if (strncmp(*e, "RUNTIME_", 8))
            continue;
        while (*skip && strncmp(*e, *skip, strlen(*skip)))
            skip++;
        if (!*skip)
            err = vec_push(env, *e);
    }
    /* the log is already open, and must not be truncated */
    if (!err && sys_log_fd() >= 0)
        err = vec_push(env, "RUNTIME_LOG_APPEND=1");
    return err;
}

/* -strace: the call line is complete before an exec that should succeed
 * (a failure's result then goes on the next line) */
static void exec_log_flush(void)
{
    if (exec_log_enabled(LOG_STRACE))
        strace_line_end("\n");
    if (exec_config.log)
        fflush(exec_config.log);
}

/*
 * Start the runner on prog: runner [user's options] -0 argv0 -- prog
 * lead... guest-argv[1..].  Returns only on failure.
 */
static int64_t exec_runner(const char *prog, const char *argv0, const char *const *lead,
                           size_t nlead, uint64_t gargv, uint64_t genvp)
{
    struct exec_vec argv = { 0 }, env = { 0 };
    int64_t err = 0;

    if (!exec_runner_path[0]) {
        exec_log(LOG_UNIMP, "execve: the runner's own path is unknown\n");
        return -ENOEXEC;
    }
    err = vec_push(&argv, exec_runner_path);
    for (char *const *o = sys_state.guest.runner_argv; !err && o && *o; o++)
        err = vec_push(&argv, *o);
    if (!err)
        err = vec_push(&argv, "-0");
    if (!err)
        err = vec_push(&argv, argv0);
    if (!err)
        err = vec_push(&argv, "--");
    if (!err)
        err = vec_push(&argv, prog);
    for (size_t i = 0; !err && i < nlead; i++)
        err = vec_push(&argv, lead[i]);
    if (!err)
        err = vec_push_guest(&argv, gargv, 1);
    if (!err)
        err = exec_env_build(&env, genvp);
    if (!err) {
        exec_log_flush();
        err = host_syscall6(SYS_execve, (uintptr_t)exec_runner_path, (uintptr_t)argv.v,
                            (uintptr_t)env.v, 0, 0, 0);
    }
    free(argv.v);
    free(env.v);
    return err;
}

/* the guest's argv[0] ("" when argv is empty, as Linux 5.18+ does) */
static int exec_guest_argv0(uint64_t gargv, const char **out)
{
    uint64_t p = 0;

    if (gargv && guest_read(&p, gargv, 8))
        return -EFAULT;
    *out = p ? g2h(p) : "";
    return 0;
}

static int64_t exec_guest(int dirfd, uint64_t gpath, uint64_t gargv, uint64_t genvp, int flags)
{
    char path[PATH_MAX], hbuf[PATH_MAX], ibuf[PATH_MAX], cbuf[PATH_MAX], fdname[PATH_MAX + 32];
    /* one header per level: names and arguments point into them */
    unsigned char hdr[EXEC_MAX_DEPTH + 1][EXEC_HDR_SIZE];
    const char *lead[2 * EXEC_MAX_DEPTH + 1];
    const char *hpath, *argv0, *filename, *prog;
    size_t nlead = 0;
    int64_t n = guest_read_str(path, gpath, sizeof(path));
    int fd, depth, err;

    if (n < 0)
        return n;
    if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
        return -EINVAL;
    hpath = exec_host_path(path, hbuf, sizeof(hbuf));
    fd = exec_probe(dirfd, hpath, flags, hdr[0]);
    if (fd < 0)
        goto host;
    err = exec_guest_argv0(gargv, &argv0);
    if (err) {
        close(fd);
        return err;
    }

    /* the script's name its interpreter gets, as the kernel spells it */
    filename = path;
    if (path[0] != '/' && dirfd != AT_FDCWD) {
        if (path[0])
            snprintf(fdname, sizeof(fdname), "/dev/fd/%d/%s", dirfd, path);
        else
            snprintf(fdname, sizeof(fdname), "/dev/fd/%d", dirfd);
        filename = fdname;
    }
    prog = hpath;
    for (depth = 0; depth <= EXEC_MAX_DEPTH; depth++) {
        char *name, *arg;

        if (exec_is_guest_elf(hdr[depth])) {
            /* inside a chroot the runner's own path may not exist: the
             * kernel's binfmt_misc handler (F flag) then starts the runner */
            if (access(exec_runner_path, X_OK)) {
                close(fd);
                goto host;
            }
            prog = exec_child_path(fd, depth ? AT_FDCWD : dirfd, prog, cbuf, sizeof(cbuf));
            close(fd);
            if (!prog)
                goto host;
            return exec_runner(prog, argv0, lead, nlead, gargv, genvp);
        }
        close(fd);
        if (memcmp(hdr[depth], "#!", 2)) {
            /* a native program, most likely: the host kernel runs it */
            exec_log_flush();
            break;
        }
        /* /dev/fd/N/name of a close-on-exec N: the interpreter could not
         * open it (the kernel's BINPRM_FLAGS_PATH_INACCESSIBLE) */
        if (!depth && filename == fdname && (fcntl(dirfd, F_GETFD) & FD_CLOEXEC))
            return -ENOENT;
        if (depth == EXEC_MAX_DEPTH || !shebang_parse((char *)hdr[depth], &name, &arg))
            break;
        /* argv becomes: name [arg] filename argv[1..] */
        memmove(&lead[arg ? 2 : 1], lead, nlead * sizeof(lead[0]));
        if (arg)
            lead[0] = arg;
        lead[arg ? 1 : 0] = filename;
        nlead += arg ? 2 : 1;
        argv0 = name;
        filename = name;
        /* the interpreter is found relative to the root and cwd, in the
         * sysroot first */
        prog = exec_host_path(name, ibuf, sizeof(ibuf));
        fd = exec_probe(AT_FDCWD, prog, 0, hdr[depth + 1]);
        if (fd < 0)
            break;
    }
host:
    return host_syscall6(SYS_execveat, (uint64_t)dirfd, (uintptr_t)hpath, gargv, genvp,
                         (uint64_t)flags, 0);
}

int64_t sys_execve(void *cpu, const uint64_t *a)
{
    (void)cpu;
    return exec_guest(AT_FDCWD, a[0], a[1], a[2], 0);
}

int64_t sys_execveat(void *cpu, const uint64_t *a)
{
    (void)cpu;
    return exec_guest((int)a[0], a[1], a[2], a[3], (int)a[4]);
}
