/*
 * runtime-system: run a whole machine, with qemu-system-x86_64's options.
 *
 * Glue only: parse the command line, pick the board and the accelerator,
 * open the serial back-end, let the board load the kernel, start the vCPU
 * threads and run the main loop until the machine ends.  Every user error
 * is one line "runtime-system: ..." and exit status 1.
 */
#include "hostaccel/kvm/kvm.h"
#include "hw/board.h"
#include "hw/virtio/setup.h"
#include "sysemu/chardev/chardev.h"
#include "sysemu/chardev/registry.h"
#include "sysemu/log.h"
#include "sysemu/loop.h"
#include "sysemu/machine.h"
#include "sysemu/monitor/setup.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#define SYSTEM_VERSION "0.1.0"
static const char *prog = "runtime-system";

__attribute__((noreturn, format(printf, 1, 2)))
static void die_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void usage(void)
{
    printf("usage: %s [options]\n"
           "Run an x86-64 machine under KVM, with qemu-system-x86_64's options.\n\n"
           "  -M, -machine NAME[,accel=kvm|tcg]  board (-M help lists them; default microvm)\n"
           "  -accel kvm|tcg         accelerator (kvm; tcg is not yet supported for this board)\n"
           "  -cpu host|max          the CPU model: KVM's supported CPUID (the only one there is)\n"
           "  -m SIZE[K|M|G]         guest RAM (default 128M; a plain number is MiB)\n"
           "  -smp N[,cpus=N]        number of vCPUs (default 1)\n"
           "  -kernel FILE           a PVH ELF kernel or a Linux bzImage\n"
           "  -initrd FILE           initial ramdisk (PVH module / Linux initrd)\n"
           "  -append STRING         kernel command line\n"
           "  -drive file=F[,format=FMT][,if=virtio|none][,id=ID][,readonly=on][,snapshot=on]\n"
           "         [,cache=writeback|none|writethrough|directsync|unsafe][,serial=S]\n"
           "                         a virtio-blk disk on any image runtime-img reads\n"
           "  -netdev tap,id=N[,ifname=TAP|fd=FD][,script=no]   a network back-end, or\n"
           "  -netdev user,id=N[,hostfwd=tcp::HOSTPORT-:GUESTPORT]  user-mode networking (libslirp)\n"
           "  -device virtio-blk-device,drive=ID | virtio-net-device,netdev=N[,mac=MAC]\n"
           "  -device virtio-serial-device -device virtconsole,chardev=ID   a virtio console on a chardev\n"
           "  -chardev socket,id=ID,path=P[,server=on][,wait=off] | stdio|pty|null,id=ID | file,id=ID,path=P\n"
           "  -device virtio-rng-device[,rng=R]   entropy from getrandom(), or from\n"
           "  -object rng-random,id=R[,filename=F] (default /dev/urandom) | rng-builtin,id=R\n"
           "  -serial SPEC           COM1's back-end: stdio, file:PATH, pty, unix:PATH,server[,wait=off],\n"
           "                         null, none, mon:SPEC (shared with the monitor; C-a c switches)\n"
           "                         (default mon:stdio, or stdio with -monitor/-qmp)\n"
           "  -monitor SPEC          the human monitor on SPEC (same syntax)\n"
           "  -qmp SPEC              a QMP server on SPEC, e.g. unix:PATH,server,wait=off\n"
           "  -nographic             no display: COM1 on stdio (the only mode there is)\n"
           "  -S                     do not start the vCPUs until the monitor says cont\n"
           "  -no-reboot             exit instead of rebooting when the guest resets\n"
           "  -d ITEMS               log guest_errors,unimp to stderr (or -D FILE)\n"
           "  -D FILE                write the -d log to FILE\n"
           "  -h, -help, --help      this text\n"
           "  -version, --version    print the version\n"
           "\nExit status: 0 when the guest powers off (port 0x604) or the monitor quits;\n"
           "(v << 1) | 1 when it writes v to isa-debug-exit (port 0xf4); 1 on an error.\n", prog);
}

static uint64_t parse_size(const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v <= 0)
        die_usage("-m %s: not a memory size", s);
    uint64_t mul = 1 << 20;
    switch (*end) {
    case 'k': case 'K': mul = 1 << 10; end++; break;
    case 'm': case 'M': mul = 1 << 20; end++; break;
    case 'g': case 'G': mul = 1ull << 30; end++; break;
    case 't': case 'T': mul = 1ull << 40; end++; break;
    }
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end)
        die_usage("-m %s: not a memory size", s);
    return (uint64_t)(v * mul) & ~0xfffull;
}

static int parse_int(const char *opt, const char *s, int min, int max)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < min || v > max)
        die_usage("%s %s: expected a number from %d to %d", opt, s, min, max);
    return v;
}

/* "-machine microvm,accel=kvm": the board name and its known properties */
static void parse_machine(const char *arg, const char **board, const char **accel)
{
    char *copy = strdup(arg), *save;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (!strncmp(t, "type=", 5))
            *board = t + 5;
        else if (!strncmp(t, "accel=", 6))
            *accel = t + 6;
        else if (!strchr(t, '='))
            *board = t;
        else
            die_usage("-machine %s: unknown property '%s'", arg, t);
    }
}

static struct machine machine;

static void quit_from_console(void)
{
    machine_shutdown(&machine, "host-ui", false, 0);
}

static void on_signal(void *opaque, int fd)
{
    struct signalfd_siginfo si;
    if (read(fd, &si, sizeof(si)) == sizeof(si))
        machine_shutdown(&machine, "host-signal", false, 0);
}

int main(int argc, char **argv)
{
    struct machine *m = &machine;
    const char *board_name = "microvm", *accel = "kvm";
    struct monitor_opts mo = { 0 };
    struct monitor_setup ms;
    char err[512];
    m->ram_size = 128ull << 20;
    m->smp = 1;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-')
            die_usage("%s: unexpected argument (options start with '-'; see --help)", a);
        const char *o = a + (a[1] == '-' ? 2 : 1);
#define ARG() (i + 1 < argc ? argv[++i] : (die_usage("%s needs an argument", a), ""))
        if (!strcmp(o, "h") || !strcmp(o, "help")) {
            usage();
            return 0;
        } else if (!strcmp(o, "version")) {
            printf("%s version %s (qemu-system-x86_64 compatible options)\n", prog, SYSTEM_VERSION);
            return 0;
        } else if (!strcmp(o, "M") || !strcmp(o, "machine")) {
            parse_machine(ARG(), &board_name, &accel);
        } else if (!strcmp(o, "accel")) {
            accel = ARG();
        } else if (!strcmp(o, "cpu")) {
            const char *s = ARG();
            if (!strcmp(s, "help")) {
                printf("Available CPUs:\n  host  KVM's supported CPUID of this host\n  max   the same\n");
                return 0;
            }
            char model[32];
            snprintf(model, sizeof(model), "%.*s", (int)strcspn(s, ","), s);
            if (strcmp(model, "host") && strcmp(model, "max"))
                die_usage("-cpu %s: unknown CPU model (host or max: the guest sees KVM's supported CPUID)", s);
            if (strchr(s, ','))
                die_usage("-cpu %s: CPU feature flags are not supported yet", s);
        } else if (!strcmp(o, "enable-kvm")) {
            accel = "kvm";
        } else if (!strcmp(o, "m")) {
            const char *s = ARG();
            m->ram_size = parse_size(!strncmp(s, "size=", 5) ? s + 5 : s);
        } else if (!strcmp(o, "smp")) {
            const char *s = ARG();
            m->smp = parse_int("-smp", !strncmp(s, "cpus=", 5) ? s + 5 : s, 1, MACHINE_MAX_CPUS);
        } else if (!strcmp(o, "kernel")) {
            m->kernel = ARG();
        } else if (!strcmp(o, "initrd")) {
            m->initrd = ARG();
        } else if (!strcmp(o, "append")) {
            m->append = ARG();
        } else if (!strcmp(o, "drive")) {
            if (virtio_opt_drive(ARG(), err, sizeof(err)) < 0)
                die_usage("%s", err);
        } else if (!strcmp(o, "netdev")) {
            if (virtio_opt_netdev(ARG(), err, sizeof(err)) < 0)
                die_usage("%s", err);
        } else if (!strcmp(o, "device")) {
            const char *s = ARG();
            int r = virtio_opt_device(s, err, sizeof(err));
            if (r < 0)
                die_usage("%s", err);
            if (r > 0)
                die_usage("-device %.*s: '%.*s' is not a valid device model name (virtio-blk-device, "
                          "virtio-net-device, virtio-serial-device, virtconsole, virtio-rng-device)", (int)strcspn(s, ","), s,
                          (int)strcspn(s, ","), s);
        } else if (!strcmp(o, "chardev")) {
            if (chardev_opt_add(ARG(), err, sizeof(err)) < 0)
                die_usage("%s", err);
        } else if (!strcmp(o, "object")) {
            const char *s = ARG();
            int r = virtio_opt_object(s, err, sizeof(err));
            if (r < 0)
                die_usage("%s", err);
            if (r > 0)
                die_usage("-object %s: unknown object type (rng-random, rng-builtin)", s);
        } else if (!strcmp(o, "serial")) {
            mo.serial = ARG();
        } else if (!strcmp(o, "monitor")) {
            mo.monitor = ARG();
        } else if (!strcmp(o, "qmp")) {
            if (monitor_opts_add_qmp(&mo, ARG(), err, sizeof(err)) < 0)
                die_usage("%s", err);
        } else if (!strcmp(o, "nographic")) {
            /* there is no display to turn off: COM1 goes to stdio already */
        } else if (!strcmp(o, "S")) {
            m->start_paused = true;
        } else if (!strcmp(o, "no-reboot")) {
            m->no_reboot = true;
        } else if (!strcmp(o, "d")) {
            const char *s = ARG();
            if (sysemu_log_parse(s) < 0)
                die_usage("-d %s: unknown log item (known: guest_errors, unimp)", s);
        } else if (!strcmp(o, "D")) {
            const char *s = ARG();
            if (sysemu_log_file(s) < 0)
                die_usage("-D %s: %s", s, strerror(errno));
        } else {
            die_usage("%s: unknown option (see --help)", a);
        }
#undef ARG
    }

    if (!strcmp(board_name, "help") || !strcmp(board_name, "?")) {
        board_list();
        return 0;
    }
    m->board = board_find(board_name);
    if (!m->board)
        die_usage("-M %s: unknown machine (-M help lists them)", board_name);
    if (!strcmp(accel, "tcg"))
        die_usage("-accel tcg: not yet supported for this board (%s runs under kvm only)", m->board->name);
    if (strcmp(accel, "kvm"))
        die_usage("-accel %s: unknown accelerator (kvm or tcg)", accel);
    m->accel = &kvm_accel;
    if (m->smp > m->board->max_cpus)
        die_usage("-smp %d: the %s board takes at most %d vCPUs", m->smp, m->board->name, m->board->max_cpus);
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    if (pages > 0 && m->ram_size > (uint64_t)pages * psize)
        die_usage("-m %llu MiB: more than the host's %llu MiB of memory", (unsigned long long)(m->ram_size >> 20),
                  (unsigned long long)((uint64_t)pages * psize >> 20));
    if (m->ram_size < (8 << 20))
        die_usage("-m %llu KiB: the %s board needs at least 8 MiB", (unsigned long long)(m->ram_size >> 10),
                  m->board->name);
    if (m->initrd && !m->kernel)
        die_usage("-initrd needs -kernel");
    if (m->append && !m->kernel)
        die_usage("-append needs -kernel");

    if (loop_init() < 0)
        die_usage("cannot set up the main loop: %s", strerror(errno));
    as_init(&m->mem, "memory");
    as_init(&m->io, "I/O");
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->cond, NULL);
    machine_control_ops.machine_name = m->board->name;

    if (monitor_setup_open(&ms, &mo, loop_chardev(), err, sizeof(err)) < 0)
        die_usage("%s", err);
    m->serial = ms.serial;
    chardev_set_quit_hook(quit_from_console);

    if (m->accel->init(m, err, sizeof(err)) < 0 || m->board->init(m, err, sizeof(err)) < 0 ||
        m->board->load(m, err, sizeof(err)) < 0) {
        chardev_term_restore();
        die_usage("%s", err);
    }
    /* after the board: the UART has the serial chardev's input first */
    if (monitor_setup_start(&ms, &machine_control_ops, m, err, sizeof(err)) < 0) {
        chardev_term_restore();
        die_usage("%s", err);
    }

    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);    /* vCPU threads inherit the mask: the loop takes them */
    int sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
    if (sfd >= 0)
        loop_watch(sfd, on_signal, NULL);

    m->state = m->start_paused ? RS_PRELAUNCH : RS_RUNNING;
    if (machine_start_vcpus(m, err, sizeof(err)) < 0) {
        chardev_term_restore();
        die_usage("%s", err);
    }
    int status = loop_run();
    virtio_devices_close();
    chardev_term_restore();
    return status;
}
