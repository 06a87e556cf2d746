/*
 * -strace: symbolic names for the flag and number arguments strace shows
 * by name (open flags, mmap prot/flags, AT_* flags, signals, fcntl
 * commands, sigprocmask's how) and for errno values.  Guest values: the
 * asm-generic numbering, except arm64's O_* that differ (sys_state).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "syscall/strace.h"
#include "syscall/sys.h"

struct flag_name {
    uint64_t bit;
    const char *name;
};

/* print v as NAME|NAME|0xrest; "0" when nothing is set */
static void print_bits(FILE *f, uint64_t v, const struct flag_name *names, size_t n)
{
    bool any = false;

    for (size_t i = 0; i < n; i++)
        if (names[i].bit && (v & names[i].bit) == names[i].bit) {
            fprintf(f, "%s%s", any ? "|" : "", names[i].name);
            v &= ~names[i].bit;
            any = true;
        }
    if (v || !any)
        fprintf(f, any ? "|%#llx" : "%#llx", (unsigned long long)v);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void print_open_flags(FILE *f, uint64_t v)
{
    static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
    /* asm-generic (riscv64) values; arm64 moves four of them.  O_TMPFILE
     * includes O_DIRECTORY, so it comes first. */
    const bool arm = sys_state.arm_open_flags;
    const struct flag_name names[] = {
        { arm ? 010040000 : 010200000, "O_TMPFILE" },
        { 0100, "O_CREAT" },       { 0200, "O_EXCL" },       { 0400, "O_NOCTTY" },
        { 01000, "O_TRUNC" },      { 02000, "O_APPEND" },    { 04000, "O_NONBLOCK" },
        { 04010000, "O_SYNC" },    { 010000, "O_DSYNC" },    { 020000, "O_ASYNC" },
        { arm ? 0200000 : 040000, "O_DIRECT" },
        { arm ? 0400000 : 0100000, "O_LARGEFILE" },
        { arm ? 040000 : 0200000, "O_DIRECTORY" },
        { arm ? 0100000 : 0400000, "O_NOFOLLOW" },
        { 01000000, "O_NOATIME" }, { 02000000, "O_CLOEXEC" }, { 010000000, "O_PATH" },
    };

    fputs(acc[v & 3], f);
    v &= ~3ull;
    if (v) {
        fputc('|', f);
        print_bits(f, v, names, N(names));
    }
}

static void print_prot(FILE *f, uint64_t v)
{
    static const struct flag_name names[] = {
        { 1, "PROT_READ" }, { 2, "PROT_WRITE" }, { 4, "PROT_EXEC" },
        { 0x10, "PROT_BTI" }, { 0x20, "PROT_MTE" },
        { 0x01000000, "PROT_GROWSDOWN" }, { 0x02000000, "PROT_GROWSUP" },
    };
    if (!v)
        fputs("PROT_NONE", f);
    else
        print_bits(f, v, names, N(names));
}

static void print_map_flags(FILE *f, uint64_t v)
{
    static const char *const type[] = { "0", "MAP_SHARED", "MAP_PRIVATE", "MAP_SHARED_VALIDATE" };
    static const struct flag_name names[] = {
        { 0x10, "MAP_FIXED" },      { 0x20, "MAP_ANONYMOUS" },  { 0x100, "MAP_GROWSDOWN" },
        { 0x800, "MAP_DENYWRITE" }, { 0x1000, "MAP_EXECUTABLE" }, { 0x2000, "MAP_LOCKED" },
        { 0x4000, "MAP_NORESERVE" }, { 0x8000, "MAP_POPULATE" }, { 0x10000, "MAP_NONBLOCK" },
        { 0x20000, "MAP_STACK" },   { 0x40000, "MAP_HUGETLB" }, { 0x80000, "MAP_SYNC" },
        { 0x100000, "MAP_FIXED_NOREPLACE" },
    };
    fputs(type[v & 3], f);
    v &= ~3ull;
    if (v) {
        fputc('|', f);
        print_bits(f, v, names, N(names));
    }
}

static void print_at_flags(FILE *f, uint64_t v)
{
    static const struct flag_name names[] = {
        { 0x100, "AT_SYMLINK_NOFOLLOW" }, { 0x200, "AT_REMOVEDIR" },
        { 0x400, "AT_SYMLINK_FOLLOW" },   { 0x800, "AT_NO_AUTOMOUNT" },
        { 0x1000, "AT_EMPTY_PATH" },      { 0x2000, "AT_STATX_FORCE_SYNC" },
        { 0x4000, "AT_STATX_DONT_SYNC" },
    };
    if (!v)
        fputc('0', f);
    else
        print_bits(f, v, names, N(names));
}

static const char *const sig_names[] = {
    NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
    "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
    "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
    "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
};

static void print_signal(FILE *f, uint64_t v)
{
    int s = (int)v;

    if (s > 0 && s < (int)N(sig_names))
        fputs(sig_names[s], f);
    else if (s >= 32 && s <= 64)
        fprintf(f, "SIGRT_%d", s - 32);
    else
        fprintf(f, "%d", s);
}

static void print_fcntl_cmd(FILE *f, uint64_t v)
{
    static const char *const cmds[] = {
        "F_DUPFD", "F_GETFD", "F_SETFD", "F_GETFL", "F_SETFL", "F_GETLK", "F_SETLK",
        "F_SETLKW", "F_SETOWN", "F_GETOWN", "F_SETSIG", "F_GETSIG", NULL, NULL, NULL,
        "F_SETOWN_EX", "F_GETOWN_EX",
    };
    int c = (int)v;

    if (c >= 0 && c < (int)N(cmds) && cmds[c])
        fputs(cmds[c], f);
    else if (c == 1030)
        fputs("F_DUPFD_CLOEXEC", f);
    else if (c >= 36 && c <= 38)
        fputs(c == 36 ? "F_OFD_GETLK" : c == 37 ? "F_OFD_SETLK" : "F_OFD_SETLKW", f);
    else if (c == 1024 || c == 1025)
        fputs(c == 1024 ? "F_SETLEASE" : "F_GETLEASE", f);
    else if (c == 1031 || c == 1032)
        fputs(c == 1031 ? "F_SETPIPE_SZ" : "F_GETPIPE_SZ", f);
    else if (c == 1033 || c == 1034)
        fputs(c == 1033 ? "F_ADD_SEALS" : "F_GET_SEALS", f);
    else
        fprintf(f, "%d", c);
}

static void print_sigmask_how(FILE *f, uint64_t v)
{
    static const char *const how[] = { "SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK" };

    if (v < N(how))
        fputs(how[v], f);
    else
        fprintf(f, "%d", (int)v);
}

bool strace_symbolic(FILE *f, char kind, uint64_t v)
{
    switch (kind) {
    case 'O': print_open_flags(f, v); return true;
    case 'P': print_prot(f, v); return true;
    case 'M': print_map_flags(f, v); return true;
    case 'A': print_at_flags(f, v); return true;
    case 'S': print_signal(f, v); return true;
    case 'F': print_fcntl_cmd(f, v); return true;
    case 'H': print_sigmask_how(f, v); return true;
    default: return false;
    }
}

void strace_errno(FILE *f, int err)
{
    const char *name = strerrorname_np(err);

    if (err == -SYSCALL_RESTART)
        fputs(" = ? ERESTARTSYS (To be restarted)\n", f);
    else if (name)
        fprintf(f, " = -1 %s (%s)\n", name, strerror(err));
    else
        fprintf(f, " = -1 errno=%d (%s)\n", err, strerror(err));
}
