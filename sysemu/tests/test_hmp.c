/*
 * HMP against a fake machine: every command's text in QEMU's format, the
 * orders reaching the machine, and the interactive monitor on a unix
 * socket chardev (banner, "(qemu) " prompt, echo, line editing, "\r\n").
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sysemu/monitor/hmp.h"
#include "sysemu/monitor/monitor.h"
#include "sysemu/tests/fake_machine.h"
#include "sysemu/tests/tap.h"

static struct fake fm = { .status = "prelaunch" };
static struct hmp_ctx h = { .ctl = &fake_ctl, .m = &fm };

/* run a command line, return its output (static buffer) */
static const char *hmp(const char *line)
{
    static char *text;
    size_t size = 0;
    free(text);
    text = NULL;
    FILE *out = open_memstream(&text, &size);
    hmp_execute(&h, line, out);
    fclose(out);
    return text;
}

static void test_commands(void)
{
    ok(!strcmp(hmp("info status"), "VM status: paused (prelaunch)\n"), "info status in prelaunch");
    ok(!strcmp(hmp("c"), "") && fm.conts == 1, "c (cont's alias) resumes");
    ok(!strcmp(hmp("info status"), "VM status: running\n"), "info status running");
    ok(!strcmp(hmp("  stop  "), "") && fm.stops == 1, "stop, blanks around it ignored");
    ok(!strcmp(hmp("info status"), "VM status: paused\n"), "info status paused");
    ok(!strcmp(hmp("info cpus"), "* CPU #0: thread_id=4242\n  CPU #1: thread_id=4243\n"),
       "info cpus: QEMU's lines, '*' on the current CPU");
    ok(!strcmp(hmp("cpu 1"), "") && !strcmp(hmp("info cpus"),
       "  CPU #0: thread_id=4242\n* CPU #1: thread_id=4243\n"), "cpu 1 moves the '*'");
    ok(!strcmp(hmp("info registers"),
               "RAX=0000000000000011 RBX=0000000000000000\nRIP=0000000000100010 RFL=00000002\n"),
       "info registers dumps the current CPU");
    ok(!strcmp(hmp("cpu 7"), "invalid CPU index\n"), "cpu 7: invalid CPU index");
    hmp("cpu 0");
    const char *all = hmp("info registers -a");
    ok(strstr(all, "\nCPU#0\nRAX=0000000000000010") && strstr(all, "\nCPU#1\nRAX=0000000000000011"),
       "info registers -a dumps every CPU");
    ok(!strcmp(hmp("info block"), "virtio0 (#block0): /tmp/disk.img (raw, read-only)\n"
                                  "    Cache mode:       writeback\n"), "info block");
    ok(!strncmp(hmp("info network"), "virtio-net-device.0: index=0,type=nic", 37),
       "info network prints the machine's text");
    char v[64];
    snprintf(v, sizeof(v), "%d.%d.%d (runtime-system)\n", RUNTIME_SYSTEM_VERSION_MAJOR,
             RUNTIME_SYSTEM_VERSION_MINOR, RUNTIME_SYSTEM_VERSION_MICRO);
    ok(!strcmp(hmp("info version"), v), "info version: %.*s", (int)strlen(v) - 1, v);
    ok(!strcmp(hmp("info mtree"), "address-space: memory\n"
                                  "  0000000000000000-0000000007ffffff (prio 0, ram): ram\n"),
       "info mtree prints the machine's lines");
    ok(!strcmp(hmp("frobnicate now"), "unknown command: 'frobnicate'\n"),
       "unknown command, QEMU's message");
    ok(!strcmp(hmp("info frob"), "unknown command: 'info frob'\n"), "unknown info subcommand");
    ok(!strcmp(hmp("stop please"), "stop: extraneous characters at the end of line\n") &&
       fm.stops == 1, "arguments to an argument-less command are refused, nothing done");
    const char *help = hmp("help");
    ok(strstr(help, "cont|c  -- resume emulation\n") && strstr(help, "system_powerdown") &&
       strstr(help, "quit|q"), "help lists the commands");
    ok(!strcmp(hmp("help stop"), "stop|s  -- stop emulation\n"), "help CMD shows one");
    help = hmp("info");
    ok(strstr(help, "info status") && strstr(help, "info mtree") && strstr(help, "info registers"),
       "info alone lists the subcommands");
    hmp("system_reset");
    hmp("system_powerdown");
    ok(fm.resets == 1 && fm.powerdowns == 1, "system_reset and system_powerdown reach the machine");
    fm.status = "shutdown";
    ok(!strcmp(hmp("cont"), "Resetting the Virtual Machine is required\n") && fm.conts == 1,
       "cont after shutdown asks for a reset");
    fm.status = "paused";
    hmp("quit");
    ok(fm.quits == 1 && h.quitting, "quit reaches the machine and marks the monitor quitting");
    size_t n;
    char *crlf = hmp_crlf("a\nb\r\n", 5, &n);
    ok(!strcmp(crlf, "a\r\nb\r\n") && n == 6, "hmp_crlf: \\n -> \\r\\n, existing \\r\\n kept");
    free(crlf);
}

static struct chardev_poll lp;

static int client_read(int fd, char *buf, size_t cap, const char *until)
{
    size_t len = 0;
    buf[0] = 0;
    for (int i = 0; i < 200 && !strstr(buf, until); i++) {
        chardev_poll_run(&lp, 5);
        ssize_t r = recv(fd, buf + len, cap - 1 - len, MSG_DONTWAIT);
        if (r > 0)
            len += r;
        buf[len] = 0;
    }
    return len;
}

static void serial_read(void *opaque, const uint8_t *buf, size_t len)
{
    strncat(opaque, (const char *)buf, len);
}

static void test_session(void)
{
    char dir[] = "/tmp/test_hmp.XXXXXX", spec[128], err[256], buf[4096];
    if (!mkdtemp(dir)) {
        ok(0, "temporary directory");
        return;
    }
    chardev_poll_init(&lp);
    snprintf(spec, sizeof(spec), "unix:%s/mon.sock,server=on,wait=off", dir);
    struct chardev *c = chardev_open(spec, "monitor0", &lp.loop, err, sizeof(err));
    struct monitor *mon = c ? monitor_new(c, &fake_ctl, &fm) : NULL;
    if (!ok(mon != NULL, "monitor on a unix server (%s)", c ? "" : err))
        return;
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/mon.sock", dir);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    client_read(fd, buf, sizeof(buf), "(qemu) ");
    ok(strstr(buf, " monitor - type 'help' for more information\r\n(qemu) ") != NULL,
       "banner and the (qemu) prompt on connect");
    fm.status = "paused";
    send(fd, "info stat", 9, 0);
    send(fd, "uz\x7fs\r\n", 6, 0);
    client_read(fd, buf, sizeof(buf), "(qemu) ");
    ok(!strcmp(buf, "info statuz\b \bs\r\nVM status: paused\r\n(qemu) "),
       "typed line echoed, backspace edits, output in \\r\\n, prompt again");
    send(fd, "\x1b[Ainfo cpus\n", 13, 0);
    client_read(fd, buf, sizeof(buf), "(qemu) ");
    ok(!strcmp(buf, "info cpus\r\n* CPU #0: thread_id=4242\r\n  CPU #1: thread_id=4243\r\n(qemu) "),
       "an arrow key's escape sequence is swallowed");
    close(fd);
    for (int i = 0; i < 5; i++)
        chardev_poll_run(&lp, 5);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    client_read(fd, buf, sizeof(buf), "(qemu) ");
    ok(strstr(buf, "(qemu) ") != NULL, "a reconnecting client gets a fresh banner and prompt");
    int quits = fm.quits;
    send(fd, "quit\r", 5, 0);
    client_read(fd, buf, sizeof(buf), "never");
    ok(!strcmp(buf, "quit\r\n") && fm.quits == quits + 1, "quit: echoed, no prompt after it");
    close(fd);
    chardev_close(c);
    monitor_free(mon);

    /* mon: muxed: the serial port has the input first, C-a c brings the monitor */
    snprintf(spec, sizeof(spec), "mon:unix:%s/mux.sock,server,wait=off", dir);
    c = chardev_open(spec, "serial0", &lp.loop, err, sizeof(err));
    char serial_in[64] = "";
    chardev_attach(c, serial_read, NULL, serial_in);
    mon = monitor_new(c, &fake_ctl, &fm);
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/mux.sock", dir);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    send(fd, "ls\r", 3, 0);
    client_read(fd, buf, sizeof(buf), "never");
    ok(!strcmp(serial_in, "ls\r") && !strstr(buf, "(qemu)"),
       "mon: the serial port has the input, the monitor stays quiet");
    send(fd, "\001c", 2, 0);
    client_read(fd, buf, sizeof(buf), "(qemu) ");
    ok(strstr(buf, "monitor - type 'help'") && strstr(buf, "(qemu) "),
       "C-a c: the monitor greets");
    send(fd, "info status\r", 12, 0);
    client_read(fd, buf, sizeof(buf), "VM status");
    ok(strstr(buf, "VM status: paused\r\n") && !strcmp(serial_in, "ls\r"),
       "the monitor answers, the serial port hears nothing");
    close(fd);
    for (int i = 0; i < 5; i++)
        chardev_poll_run(&lp, 5);
    chardev_close(c);
    monitor_free(mon);
    rmdir(dir);
}

int main(void)
{
    test_commands();
    test_session();
    return tap_done();
}
