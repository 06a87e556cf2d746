/*
 * runtime-<arch>: run one foreign Linux program.  Option parsing follows
 * qemu-<arch> (single or double dash, options end at the program name);
 * every option also has a RUNTIME_* environment variable, as QEMU_* does.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader/loader.h"
#include "runtime/binfmt_flags.h"
#include "runtime/runtime.h"
#include "syscall/syscall.h"
#include "translate/exec.h"

#define RUNTIME_VERSION "0.1.0"

extern char **environ;

struct run_opts {
    const char *sysroot;
    const char *argv0;
    const char *cpu;
    const char *log_items;
    const char *log_file;
    size_t stack_size;
    bool strace;
    char **env;                 /* guest environment being built */
    size_t n_env, cap_env;
};

static const char *prog;       /* "runtime-riscv64" */

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void usage(FILE *f)
{
    fprintf(f,
        "usage: %s [options] program [arguments...]\n"
        "Run a Linux %s program on this host through a translating JIT.\n"
        "\n"
        "Options and equivalent environment variables:\n"
        "  -h, -help              print this help and exit\n"
        "  -version               print the version and exit\n"
        "  -L path                RUNTIME_LD_PREFIX    sysroot for the ELF interpreter and libraries\n"
        "  -E var=value           RUNTIME_SET_ENV      set a variable in the guest environment\n"
        "  -U var                 RUNTIME_UNSET_ENV    remove a variable from the guest environment\n"
        "  -0 argv0               RUNTIME_ARGV0        argv[0] the guest sees (default: program)\n"
        "  -cpu model             RUNTIME_CPU          CPU model (-cpu help lists them)\n"
        "  -s size                RUNTIME_STACK_SIZE   guest stack size (k/M/G suffixes; default 8M)\n"
        "  -strace                RUNTIME_STRACE       log every system call\n"
        "  -d item[,...]          RUNTIME_LOG          log in_asm,op,op_opt,out_asm,exec,unimp,\n"
        "                                              guest_errors,strace (-d help lists them)\n"
        "  -D logfile             RUNTIME_LOG_FILENAME write logs to logfile instead of stderr\n"
        "  -one-insn-per-tb       RUNTIME_ONE_INSN_PER_TB  one guest instruction per block\n"
        "  -tier auto|interp|jit  RUNTIME_TIER         interpret first then compile hot blocks\n"
        "                                              (auto), or use one tier only\n"
        "  -jit-threshold N       RUNTIME_JIT_THRESHOLD  interpreted runs before a block is\n"
        "                                              compiled (default %u)\n"
        "  -B address, -R size, -g port                not supported yet: refused with an error\n"
        "\n"
        "Example: %s -L /usr/%s-linux-gnu ./hello\n",
        prog, runtime_guest.name, exec_config.jit_threshold, prog, runtime_guest.name);
}

static const struct { const char *name; unsigned bit; const char *help; } log_items[] = {
    { "in_asm", LOG_IN_ASM, "guest instructions of each translated block" },
    { "op", LOG_OP, "IR of each block before optimisation" },
    { "op_opt", LOG_OP_OPT, "IR of each block after optimisation" },
    { "out_asm", LOG_OUT_ASM, "host code of each compiled block" },
    { "exec", LOG_EXEC, "each block as it runs (disables chaining)" },
    { "unimp", LOG_UNIMP, "unimplemented system calls and features" },
    { "guest_errors", LOG_GUEST_ERRORS, "guest misbehaviour" },
    { "strace", LOG_STRACE, "system calls (same as -strace)" },
};

static unsigned parse_log_items(const char *s)
{
    unsigned mask = 0;
    char *copy = strdup(s), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (!strcmp(tok, "help")) {
            printf("Log items (comma separated):\n");
            for (size_t i = 0; i < sizeof(log_items) / sizeof(log_items[0]); i++)
                printf("%-13s %s\n", log_items[i].name, log_items[i].help);
            exit(0);
        }
        size_t i;
        for (i = 0; i < sizeof(log_items) / sizeof(log_items[0]); i++)
            if (!strcmp(tok, log_items[i].name))
                break;
        if (i == sizeof(log_items) / sizeof(log_items[0]))
            die("-d %s: unknown log item (-d help lists them)", tok);
        mask |= log_items[i].bit;
    }
    free(copy);
    return mask;
}

static size_t parse_size(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    switch (*end) {
    case 'k': case 'K': v <<= 10; end++; break;
    case 'm': case 'M': v <<= 20; end++; break;
    case 'g': case 'G': v <<= 30; end++; break;
    default: break;
    }
    if (errno || end == s || *end || v == 0)
        die("%s %s: not a size", opt, s);
    return (size_t)v;
}

static void env_unset(struct run_opts *o, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < o->n_env; i++)
        if (!strncmp(o->env[i], name, len) && o->env[i][len] == '=') {
            memmove(&o->env[i], &o->env[i + 1], (o->n_env - i) * sizeof(char *));
            o->n_env--;
            return;
        }
}

static void env_set(struct run_opts *o, const char *assignment)
{
    const char *eq = strchr(assignment, '=');
    if (!eq)
        die("-E %s: expected var=value", assignment);
    char *name = strndup(assignment, (size_t)(eq - assignment));
    env_unset(o, name);
    free(name);
    if (o->n_env + 2 > o->cap_env) {
        o->cap_env = o->cap_env * 2 + 16;
        o->env = realloc(o->env, o->cap_env * sizeof(char *));
        if (!o->env)
            die("out of memory");
    }
    o->env[o->n_env++] = strdup(assignment);
    o->env[o->n_env] = NULL;
}

/* comma-separated lists in RUNTIME_SET_ENV / RUNTIME_UNSET_ENV, as QEMU's */
static void env_apply_list(struct run_opts *o, const char *list, bool set)
{
    char *copy = strdup(list), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
        set ? env_set(o, tok) : env_unset(o, tok);
    free(copy);
}

static void set_tier(const char *s)
{
    if (!strcmp(s, "auto"))
        exec_config.tier = EXEC_TIER_AUTO;
    else if (!strcmp(s, "interp"))
        exec_config.tier = EXEC_TIER_INTERP;
    else if (!strcmp(s, "jit"))
        exec_config.tier = EXEC_TIER_JIT;
    else
        die("-tier %s: expected auto, interp or jit", s);
}

static void check_cpu(const char *model)
{
    const char *const *m = runtime_guest.cpu_models;
    if (!strcmp(model, "help")) {
        printf("Available CPUs:\n");
        for (; *m; m++)
            printf("  %s\n", *m);
        exit(0);
    }
    for (; *m; m++)
        if (!strcmp(*m, model))
            return;
    die("-cpu %s: unknown CPU model (-cpu help lists them)", model);
}

/* Options that take an argument, in the order usage() lists them. */
static bool option_has_arg(const char *name)
{
    static const char *const with_arg[] = {
        "L", "E", "U", "0", "cpu", "s", "d", "D", "tier", "jit-threshold", "B", "R", "g",
        "seed", NULL,
    };
    for (const char *const *w = with_arg; *w; w++)
        if (!strcmp(name, *w))
            return true;
    return false;
}

static int parse_args(int argc, char **argv, struct run_opts *o)
{
    int i;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || !a[1])
            break;
        if (!strcmp(a, "--"))
            return i + 1;
        const char *name = a + 1 + (a[1] == '-');
        const char *val = NULL;
        if (option_has_arg(name)) {
            if (i + 1 >= argc)
                die("option -%s needs an argument", name);
            val = argv[++i];
        }
        if (!strcmp(name, "h") || !strcmp(name, "help")) {
            usage(stdout);
            exit(0);
        } else if (!strcmp(name, "version")) {
            printf("%s version %s\n", prog, RUNTIME_VERSION);
            exit(0);
        } else if (!strcmp(name, "L")) {
            o->sysroot = val;
        } else if (!strcmp(name, "E")) {
            env_set(o, val);
        } else if (!strcmp(name, "U")) {
            env_unset(o, val);
        } else if (!strcmp(name, "0")) {
            o->argv0 = val;
        } else if (!strcmp(name, "cpu")) {
            o->cpu = val;
        } else if (!strcmp(name, "s")) {
            o->stack_size = parse_size("-s", val);
        } else if (!strcmp(name, "d")) {
            o->log_items = val;
        } else if (!strcmp(name, "D")) {
            o->log_file = val;
        } else if (!strcmp(name, "strace")) {
            o->strace = true;
        } else if (!strcmp(name, "one-insn-per-tb") || !strcmp(name, "singlestep")) {
            exec_config.max_insns = 1;
        } else if (!strcmp(name, "tier")) {
            set_tier(val);
        } else if (!strcmp(name, "jit-threshold")) {
            char *end;
            unsigned long n = strtoul(val, &end, 10);
            if (*end || end == val || n > 1000000000ul)
                die("-jit-threshold %s: not a count", val);
            exec_config.jit_threshold = (unsigned)n;
        } else if (!strcmp(name, "seed")) {
            /* accepted for QEMU compatibility: AT_RANDOM comes from getrandom */
        } else if (!strcmp(name, "B") || !strcmp(name, "R")) {
            die("-%s %s: a guest base other than 0 is not supported yet", name, val);
        } else if (!strcmp(name, "g")) {
            die("-g %s: the gdb stub is not supported yet", val);
        } else {
            die("unknown option '%s' (-help lists the options)", a);
        }
    }
    return i;
}

static void parse_env_vars(struct run_opts *o)
{
    const char *v;
    if ((v = getenv("RUNTIME_LD_PREFIX")))
        o->sysroot = v;
    if ((v = getenv("RUNTIME_SET_ENV")))
        env_apply_list(o, v, true);
    if ((v = getenv("RUNTIME_UNSET_ENV")))
        env_apply_list(o, v, false);
    if ((v = getenv("RUNTIME_ARGV0")))
        o->argv0 = v;
    if ((v = getenv("RUNTIME_CPU")))
        o->cpu = v;
    if ((v = getenv("RUNTIME_STACK_SIZE")))
        o->stack_size = parse_size("RUNTIME_STACK_SIZE", v);
    if (getenv("RUNTIME_STRACE"))
        o->strace = true;
    if ((v = getenv("RUNTIME_LOG")))
        o->log_items = v;
    if ((v = getenv("RUNTIME_LOG_FILENAME")))
        o->log_file = v;
    if (getenv("RUNTIME_ONE_INSN_PER_TB"))
        exec_config.max_insns = 1;
    if ((v = getenv("RUNTIME_TIER")))
        set_tier(v);
    if ((v = getenv("RUNTIME_JIT_THRESHOLD")))
        exec_config.jit_threshold = (unsigned)strtoul(v, NULL, 10);
}

/* p made absolute against the start-up directory, so that a guest chdir
 * does not move it */
static char *path_absolute(const char *p)
{
    char cwd[PATH_MAX];
    size_t n;
    char *out;

    if (p[0] == '/' || !p[0] || !getcwd(cwd, sizeof(cwd)))
        return strdup(p);
    n = strlen(cwd) + strlen(p) + 2;
    out = malloc(n);
    if (!out)
        die("out of memory");
    snprintf(out, n, "%s/%s", cwd, p);
    return out;
}

/*
 * The options a guest's execve gives the runner it starts for a guest
 * program: the user's, without -0 (the new program has its own argv[0])
 * and -E/-U (the guest passes its environment itself); -L and -D, from the
 * command line or RUNTIME_*, made absolute.
 */
static char **runner_opts_copy(int first, char **argv, const struct run_opts *o)
{
    char **v = calloc((size_t)first + 5, sizeof(*v));
    size_t n = 0;

    if (!v)
        die("out of memory");
    for (int i = 1; i < first; i++) {
        const char *name = argv[i] + 1 + (argv[i][1] == '-');
        bool has_arg = strcmp(argv[i], "--") && option_has_arg(name);

        if (!strcmp(argv[i], "--") || !strcmp(name, "0") || !strcmp(name, "E") ||
            !strcmp(name, "U") || !strcmp(name, "L") || !strcmp(name, "D")) {
            i += has_arg;
            continue;
        }
        v[n++] = argv[i];
        if (has_arg)
            v[n++] = argv[++i];
    }
    if (o->sysroot) {
        v[n++] = "-L";
        v[n++] = path_absolute(o->sysroot);
    }
    if (o->log_file) {
        v[n++] = "-D";
        v[n++] = path_absolute(o->log_file);
    }
    return v;
}

int main(int argc, char **argv)
{
    static char progname[64];
    snprintf(progname, sizeof(progname), "runtime-%s", runtime_guest.name);
    prog = progname;

    struct run_opts o = { 0 };
    for (char **e = environ; *e; e++)
        if (strncmp(*e, "RUNTIME_", 8))
            env_set(&o, *e);

    /* started by binfmt_misc: see binfmt_flags.h for the layout, and why
     * RUNTIME_* is ignored when the credentials changed */
    struct binfmt_start bs;
    binfmt_start_read(&bs);

    exec_config.guest = runtime_guest.desc;
    if (!bs.secure)
        parse_env_vars(&o);
    int first = bs.by_kernel ? 1 : parse_args(argc, argv, &o);
    /* "-cpu help" and "-d help" answer without a program */
    if (o.cpu)
        check_cpu(o.cpu);
    if (o.log_items)
        exec_config.log_mask |= parse_log_items(o.log_items);
    if (first >= argc) {
        usage(stderr);
        return 1;
    }
    if (o.strace)
        exec_config.log_mask |= LOG_STRACE;
    exec_config.log = stderr;
    if (o.log_file) {
        /* a runner started by a guest's execve shares its parent's log;
         * the descriptor sits high so the guest's own numbering is unchanged */
        int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC;
        int fd = open(o.log_file, flags | (getenv("RUNTIME_LOG_APPEND") ? 0 : O_TRUNC), 0644);
        if (fd < 0)
            die("%s: %s", o.log_file, strerror(errno));
        int high = fcntl(fd, F_DUPFD_CLOEXEC, 900);
        if (high >= 0) {
            close(fd);
            fd = high;
        }
        exec_config.log = fdopen(fd, "a");
        if (!exec_config.log)
            die("%s: %s", o.log_file, strerror(errno));
        setvbuf(exec_config.log, NULL, _IOLBF, 0);
    }

    const char *path = argv[first];
    char **guest_argv = &argv[first];
    int guest_argc = binfmt_start_guest_argv(&bs, argc - first, &guest_argv);
    if (o.argv0)
        guest_argv[0] = (char *)o.argv0;

    struct loader_opts lo = {
        .sysroot = o.sysroot,
        .e_machine = runtime_guest.e_machine,
        .platform = runtime_guest.platform,
        .hwcap = runtime_guest.hwcap ? runtime_guest.hwcap() : 0,
        .hwcap2 = runtime_guest.hwcap2 ? runtime_guest.hwcap2() : 0,
        .argc = guest_argc,
        .argv = guest_argv,
        .envp = o.env,
        .execfn = path,
        .stack_size = o.stack_size,
        .et_dyn_base = runtime_guest.et_dyn_base,
    };
    /* the code buffer first, so that the guest can never map over it */
    exec_init();
    syscall_snapshot_runner_memory();

    static struct guest_image img;
    char err[512], fdpath[64];
    if (loader_load(binfmt_start_load_path(&bs, path, fdpath, sizeof(fdpath)), &lo, &img, err,
                    sizeof(err)) < 0) {
        fprintf(stderr, "%s: %s\n", prog, err);
        return 1;
    }
    binfmt_start_finish(&bs, &img);

    struct syscall_guest sg = {
        .uname_machine = runtime_guest.name,
        .seccomp_arch = runtime_guest.seccomp_arch,
        .sysroot = o.sysroot,
        .e_machine = runtime_guest.e_machine,
        .runner_argv = runner_opts_copy(first, argv, &o),
    };
    syscall_init(&sg, &img);

    void *state = calloc(1, runtime_guest.desc->state_size);
    if (!state)
        die("out of memory");
    runtime_guest.cpu_init(state, &img);
    static struct exec_ctx ctx;
    exec_ctx_init(&ctx, state);
    runtime_guest.cpu_loop(&ctx);
}
