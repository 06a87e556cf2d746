/*
 * runtime-binfmt: register runtime-<arch> with binfmt_misc so that foreign
 * programs run by themselves, list and remove those handlers, or write
 * them as systemd binfmt.d files.  Nothing is written before every check
 * has passed, and a registration that fails half way is undone.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "binfmt/binfmt.h"

#define PROG "runtime-binfmt"
#define VERSION "0.1.0"
#define MAX_HANDLERS 256

enum binfmt_action { ACT_NONE, ACT_INSTALL, ACT_UNINSTALL, ACT_LIST, ACT_SYSTEMD };

struct binfmt_cli {
    enum binfmt_action action;
    const char *install, *uninstall;    /* guest lists */
    const char *runner_dir;             /* --path */
    const char *systemd_dir;            /* NULL: standard output */
    unsigned flags;
    bool replace;
};

static void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, PROG ": ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void usage(FILE *f)
{
    fprintf(f,
        "usage: " PROG " --install all|GUEST[,GUEST...] [--persistent] [--preserve-argv0]\n"
        "                      [--open-binary] [--credential] [--path DIR] [--replace]\n"
        "       " PROG " --uninstall all|GUEST[,GUEST...]\n"
        "       " PROG " --list\n"
        "       " PROG " --print-systemd [DIR] [--install GUESTS] [flag options] [--path DIR]\n"
        "Register the runtime runners with the kernel's binfmt_misc, so that programs\n"
        "for another architecture run directly, in chroots and containers too.\n"
        "\n"
        "  --install LIST        register runtime-GUEST for each guest (aarch64, riscv64, all)\n"
        "  --uninstall LIST      remove the runtime-GUEST handlers\n"
        "  --list                show every handler: state, flags, guest, interpreter\n"
        "  --print-systemd [DIR] write the registrations as binfmt.d files DIR/runtime-GUEST.conf\n"
        "                        (standard output without DIR) instead of registering\n"
        "  --persistent          F: open the runner now, so that it works where it is not\n"
        "                        visible (chroots, containers, other mount namespaces)\n"
        "  --preserve-argv0      P: the guest sees its original argv[0] (busybox symlinks)\n"
        "  --open-binary         O: the runner reads the program through a descriptor, so\n"
        "                        execute-only programs run\n"
        "  --credential          C (and O): setuid/setgid programs run with their owner's\n"
        "                        credentials; see the manual for what the runner then ignores\n"
        "  --path DIR            where runtime-GUEST are (default: beside " PROG ")\n"
        "  --replace             re-register our handler and disable any other handler for\n"
        "                        the same programs (for example qemu-aarch64)\n"
        "  -h, --help            print this help;  --version  print the version\n"
        "\n"
        "binfmt_misc is mounted at " BINFMT_DIR " if it is not.  Registering needs root.\n");
}

static unsigned arch_set(const char *opt, const char *list)
{
    unsigned set;
    char bad[64];

    if (binfmt_arch_list_parse(list, &set, bad, sizeof(bad))) {
        char known[128] = "";

        for (const struct binfmt_arch *a = binfmt_arches; a->name; a++)
            snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s",
                     a == binfmt_arches ? "" : ", ", a->name);
        fail("%s %s: unknown guest '%s' (known: %s, or all)", opt, list, bad, known);
    }
    return set;
}

/* the directory the runners are in, absolute */
static void runner_dir(const struct binfmt_cli *c, char *out, size_t n)
{
    char self[PATH_MAX];

    if (c->runner_dir) {
        if (!realpath(c->runner_dir, self))
            fail("--path %s: %s", c->runner_dir, strerror(errno));
    } else {
        ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);

        if (len <= 0)
            fail("cannot find where " PROG " is (/proc/self/exe); give --path DIR");
        self[len] = 0;
        dirname(self);
    }
    snprintf(out, n, "%s", self);
}

struct binfmt_plan {
    const struct binfmt_arch *arch;
    char interpreter[PATH_MAX];
    char line[BINFMT_REGISTER_MAX + 1];
};

/* every selected guest's checked runner and registration line */
static int plan_build(const struct binfmt_cli *c, unsigned set, struct binfmt_plan *p)
{
    char dir[PATH_MAX], err[512];
    int n = 0;

    runner_dir(c, dir, sizeof(dir));
    for (unsigned i = 0; binfmt_arches[i].name; i++) {
        if (!(set & (1u << i)))
            continue;
        p[n].arch = &binfmt_arches[i];
        if ((size_t)snprintf(p[n].interpreter, sizeof(p[n].interpreter), "%s/runtime-%s", dir,
                             binfmt_arches[i].name) >= sizeof(p[n].interpreter))
            fail("--path %s: path too long", dir);
        if (binfmt_runner_check(p[n].interpreter, err, sizeof(err)))
            fail("%s: %s", p[n].interpreter, err);
        if (binfmt_entry_format(p[n].arch, p[n].interpreter, c->flags, p[n].line,
                                sizeof(p[n].line)) < 0)
            fail("%s: cannot be registered: the path is too long or holds every delimiter",
                 p[n].interpreter);
        n++;
    }
    return n;
}

static void fs_ready(void)
{
    char err[512];

    if (binfmt_fs_ensure(BINFMT_DIR, err, sizeof(err)))
        fail("%s", err);
}

static const char *write_error(int e)
{
    switch (-e) {
    case EACCES:
    case EPERM:
        return "permission denied (changing binfmt_misc handlers needs root)";
    case EROFS:
        return "read-only file system (binfmt_misc is mounted read-only)";
    default:
        return strerror(-e);
    }
}

/* check that register can be written before anything is */
static void register_writable(void)
{
    char path[PATH_MAX];
    FILE *f;

    snprintf(path, sizeof(path), "%s/register", BINFMT_DIR);
    f = fopen(path, "w");
    if (!f)
        fail("%s: %s", path, write_error(-errno));
    fclose(f);
}

static const struct binfmt_handler *handler_find(const struct binfmt_handler *h, int n,
                                                 const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(h[i].name, name))
            return &h[i];
    return NULL;
}

static int cmd_install(const struct binfmt_cli *c)
{
    static struct binfmt_plan plan[8];
    static struct binfmt_handler h[MAX_HANDLERS];
    /* what this run changed, to undo on failure */
    const char *registered[8], *disabled[MAX_HANDLERS];
    int n_reg = 0, n_dis = 0, n_plan, n_h, conflicts = 0;
    bool skip[8] = { false };
    char err[512], letters[8];

    /* privileges first: without them nothing else is worth reporting */
    fs_ready();
    register_writable();
    n_plan = plan_build(c, arch_set("--install", c->install), plan);
    n_h = binfmt_fs_handlers(BINFMT_DIR, h, MAX_HANDLERS, err, sizeof(err));
    if (n_h < 0)
        fail("%s", err);

    /* every conflict is reported before anything changes */
    for (int i = 0; i < n_plan; i++) {
        char ours[300];
        const struct binfmt_handler *own;
        unsigned want = c->flags & BINFMT_F_CREDENTIALS ? c->flags | BINFMT_F_OPEN_BINARY
                                                        : c->flags;

        snprintf(ours, sizeof(ours), "runtime-%s", plan[i].arch->name);
        own = handler_find(h, n_h, ours);
        if (own && !c->replace) {
            if (own->enabled && own->flags == want &&
                !strcmp(own->interpreter, plan[i].interpreter)) {
                printf("%s: already registered as asked\n", ours);
                skip[i] = true;
                continue;
            }
            binfmt_flags_string(own->flags, letters);
            fprintf(stderr, PROG ": %s: already registered (interpreter %s, flags '%s', %s); "
                    "--replace registers it again\n", ours, own->interpreter, letters,
                    own->enabled ? "enabled" : "disabled");
            conflicts++;
        }
        for (int j = 0; j < n_h; j++) {
            if (&h[j] == own || !h[j].enabled || !binfmt_handler_matches(&h[j], plan[i].arch))
                continue;
            if (c->replace)
                continue;
            fprintf(stderr, PROG ": %s: already handles %s programs (interpreter %s); "
                    "--replace disables it (or: echo 0 > %s/%s; echo -1 removes it)\n",
                    h[j].name, plan[i].arch->name, h[j].interpreter, BINFMT_DIR, h[j].name);
            conflicts++;
        }
    }
    if (conflicts)
        return 1;

    for (int i = 0; i < n_plan; i++) {
        char ours[300];
        int e = 0;

        if (skip[i])
            continue;
        snprintf(ours, sizeof(ours), "runtime-%s", plan[i].arch->name);
        if (handler_find(h, n_h, ours))
            e = binfmt_fs_write(BINFMT_DIR, ours, "-1");
        for (int j = 0; !e && j < n_h; j++) {
            if (!strcmp(h[j].name, ours) || !h[j].enabled ||
                !binfmt_handler_matches(&h[j], plan[i].arch))
                continue;
            e = binfmt_fs_write(BINFMT_DIR, h[j].name, "0");
            if (e) {
                snprintf(err, sizeof(err), "%s/%.255s: %.200s", BINFMT_DIR, h[j].name, write_error(e));
                break;
            }
            h[j].enabled = false;
            disabled[n_dis++] = h[j].name;
            printf("%s: disabled (it handled %s programs; echo 1 > %s/%s enables it again)\n",
                   h[j].name, plan[i].arch->name, BINFMT_DIR, h[j].name);
        }
        if (e && !err[0])
            snprintf(err, sizeof(err), "%s/%.64s: %.200s", BINFMT_DIR, ours, write_error(e));
        if (!e) {
            e = binfmt_fs_write(BINFMT_DIR, "register", plan[i].line);
            if (e)
                snprintf(err, sizeof(err), "%s/register: %.64s: %.200s", BINFMT_DIR, ours,
                         write_error(e));
        }
        if (e) {
            /* undo this run: nothing stays half-registered */
            for (int k = 0; k < n_reg; k++)
                binfmt_fs_write(BINFMT_DIR, registered[k], "-1");
            for (int k = 0; k < n_dis; k++)
                binfmt_fs_write(BINFMT_DIR, disabled[k], "1");
            fail("%s", err);
        }
        registered[n_reg++] = strdup(ours);
        binfmt_flags_string(c->flags, letters);
        printf("%s: registered %s (flags '%s')\n", ours, plan[i].interpreter, letters);
    }
    return 0;
}

static int cmd_uninstall(const struct binfmt_cli *c)
{
    static struct binfmt_handler h[MAX_HANDLERS];
    unsigned set = arch_set("--uninstall", c->uninstall);
    bool all = !strcmp(c->uninstall, "all");
    char err[512];
    int n_h, removed = 0;

    fs_ready();
    n_h = binfmt_fs_handlers(BINFMT_DIR, h, MAX_HANDLERS, err, sizeof(err));
    if (n_h < 0)
        fail("%s", err);
    for (unsigned i = 0; !all && binfmt_arches[i].name; i++) {
        char name[64];

        snprintf(name, sizeof(name), "runtime-%s", binfmt_arches[i].name);
        if ((set & (1u << i)) && !handler_find(h, n_h, name))
            fail("%s: not registered (nothing removed)", name);
    }
    for (unsigned i = 0; binfmt_arches[i].name; i++) {
        char name[64];
        int e;

        snprintf(name, sizeof(name), "runtime-%s", binfmt_arches[i].name);
        if (!(set & (1u << i)) || !handler_find(h, n_h, name))
            continue;
        e = binfmt_fs_write(BINFMT_DIR, name, "-1");
        if (e)
            fail("%s/%s: %s", BINFMT_DIR, name, write_error(e));
        printf("%s: removed\n", name);
        removed++;
    }
    if (!removed)
        printf("no runtime handler is registered\n");
    return 0;
}

static int handler_cmp(const void *a, const void *b)
{
    return strcmp(((const struct binfmt_handler *)a)->name,
                  ((const struct binfmt_handler *)b)->name);
}

static int cmd_list(void)
{
    static struct binfmt_handler h[MAX_HANDLERS];
    char err[512], path[PATH_MAX], status[32] = "";
    FILE *f;
    int n;

    fs_ready();
    snprintf(path, sizeof(path), "%s/status", BINFMT_DIR);
    if ((f = fopen(path, "r"))) {
        if (!fgets(status, sizeof(status), f))
            status[0] = 0;
        status[strcspn(status, "\n")] = 0;
        fclose(f);
    }
    n = binfmt_fs_handlers(BINFMT_DIR, h, MAX_HANDLERS, err, sizeof(err));
    if (n < 0)
        fail("%s", err);
    qsort(h, (size_t)n, sizeof(h[0]), handler_cmp);
    printf("binfmt_misc: %s, %d handler%s\n", status[0] ? status : "unknown", n,
           n == 1 ? "" : "s");
    if (!n)
        return 0;
    printf("%-20s %-8s %-5s %-8s %s\n", "NAME", "STATE", "FLAGS", "GUEST", "INTERPRETER");
    for (int i = 0; i < n; i++) {
        char letters[8], guests[64] = "";

        binfmt_flags_string(h[i].flags, letters);
        for (const struct binfmt_arch *a = binfmt_arches; a->name; a++)
            if (binfmt_handler_matches(&h[i], a))
                snprintf(guests + strlen(guests), sizeof(guests) - strlen(guests), "%s%s",
                         guests[0] ? "," : "", a->name);
        printf("%-20s %-8s %-5s %-8s %s\n", h[i].name, h[i].enabled ? "enabled" : "disabled",
               letters[0] ? letters : "-", guests[0] ? guests : "-", h[i].interpreter);
    }
    return 0;
}

static int cmd_systemd(const struct binfmt_cli *c)
{
    static struct binfmt_plan plan[8];
    int n = plan_build(c, arch_set("--install", c->install ? c->install : "all"), plan);

    for (int i = 0; i < n; i++) {
        char path[PATH_MAX];
        FILE *f;

        if (!c->systemd_dir) {
            printf("%s\n", plan[i].line);
            continue;
        }
        snprintf(path, sizeof(path), "%s/runtime-%s.conf", c->systemd_dir, plan[i].arch->name);
        f = fopen(path, "w");
        if (!f)
            fail("%s: %s", path, strerror(errno));
        fprintf(f, "%s\n", plan[i].line);
        if (fclose(f))
            fail("%s: %s", path, strerror(errno));
        printf("%s: written\n", path);
    }
    return 0;
}

static void set_action(struct binfmt_cli *c, enum binfmt_action a)
{
    /* --install with --print-systemd only picks the guests to print */
    if (c->action == ACT_SYSTEMD && a == ACT_INSTALL)
        return;
    if (c->action == ACT_INSTALL && a == ACT_SYSTEMD) {
        c->action = a;
        return;
    }
    if (c->action != ACT_NONE && c->action != a)
        fail("--install, --uninstall, --list and --print-systemd go one at a time");
    c->action = a;
}

int main(int argc, char **argv)
{
    enum { O_INSTALL = 256, O_UNINSTALL, O_LIST, O_SYSTEMD, O_PATH, O_REPLACE, O_VERSION };
    static const struct option opts[] = {
        { "install", required_argument, NULL, O_INSTALL },
        { "uninstall", required_argument, NULL, O_UNINSTALL },
        { "list", no_argument, NULL, O_LIST },
        { "print-systemd", optional_argument, NULL, O_SYSTEMD },
        { "persistent", no_argument, NULL, 'F' },
        { "preserve-argv0", no_argument, NULL, 'P' },
        { "open-binary", no_argument, NULL, 'O' },
        { "credential", no_argument, NULL, 'C' },
        { "path", required_argument, NULL, O_PATH },
        { "replace", no_argument, NULL, O_REPLACE },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, O_VERSION },
        { NULL, 0, NULL, 0 },
    };
    struct binfmt_cli c = { 0 };
    int o;

    opterr = 0;
    while ((o = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
        switch (o) {
        case O_INSTALL:
            set_action(&c, ACT_INSTALL);
            c.install = optarg;
            break;
        case O_UNINSTALL:
            set_action(&c, ACT_UNINSTALL);
            c.uninstall = optarg;
            break;
        case O_LIST:
            set_action(&c, ACT_LIST);
            break;
        case O_SYSTEMD:
            set_action(&c, ACT_SYSTEMD);
            /* "--print-systemd DIR" as well as "--print-systemd=DIR" */
            if (!optarg && optind < argc && argv[optind][0] != '-')
                optarg = argv[optind++];
            c.systemd_dir = optarg;
            break;
        case 'F':
            c.flags |= BINFMT_F_FIX_BINARY;
            break;
        case 'P':
            c.flags |= BINFMT_F_PRESERVE_ARGV0;
            break;
        case 'O':
            c.flags |= BINFMT_F_OPEN_BINARY;
            break;
        case 'C':
            c.flags |= BINFMT_F_CREDENTIALS | BINFMT_F_OPEN_BINARY;
            break;
        case O_PATH:
            c.runner_dir = optarg;
            break;
        case O_REPLACE:
            c.replace = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case O_VERSION:
            printf(PROG " version " VERSION "\n");
            return 0;
        case ':':
            fail("option '%s' needs an argument (--help lists the options)",
                 argv[optind - 1]);
        default:
            fail("unknown option '%s' (--help lists the options)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        fail("unexpected argument '%s' (--help lists the options)", argv[optind]);
    switch (c.action) {
    case ACT_INSTALL:
        return cmd_install(&c);
    case ACT_UNINSTALL:
        return cmd_uninstall(&c);
    case ACT_LIST:
        return cmd_list();
    case ACT_SYSTEMD:
        return cmd_systemd(&c);
    default:
        usage(stderr);
        return 1;
    }
}
