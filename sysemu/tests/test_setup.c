/*
 * -serial/-monitor/-qmp wiring: QEMU's -nographic defaults, the refusals
 * (stdio twice, too many -qmp, a bad spec named with its option), and a
 * full set-up whose monitor, QMP server and muxed serial port all answer.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sysemu/monitor/setup.h"
#include "sysemu/tests/fake_machine.h"
#include "sysemu/tests/tap.h"

static struct chardev_poll lp;

static int dial(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    return fd;
}

static void slurp(int fd, char *buf, size_t cap, const char *until)
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
}

static char serial_in[256];
static void uart_read(void *opaque, const uint8_t *buf, size_t len)
{
    strncat(serial_in, (const char *)buf, len);
}

int main(void)
{
    char err[256];
    struct monitor_setup s;
    struct monitor_opts o = { 0 };
    chardev_poll_init(&lp);

    ok(monitor_setup_open(&s, &o, &lp.loop, err, sizeof(err)) == 0 && s.serial && s.serial->mux &&
       !strcmp(s.serial->ops->name, "stdio"), "no options: serial on mon:stdio");
    monitor_setup_close(&s);
    o.monitor = "none";
    ok(monitor_setup_open(&s, &o, &lp.loop, err, sizeof(err)) == 0 && s.serial &&
       !s.serial->mux && !s.hmp_chr, "-monitor none: serial on plain stdio, no monitor");
    monitor_setup_close(&s);
    o = (struct monitor_opts){ .serial = "stdio", .monitor = "stdio" };
    ok(monitor_setup_open(&s, &o, &lp.loop, err, sizeof(err)) < 0 &&
       !strcmp(err, "cannot use stdio by multiple character devices"), "stdio twice: %s", err);
    o = (struct monitor_opts){ .serial = "none" };
    for (int i = 0; i < MONITOR_MAX_QMP; i++)
        monitor_opts_add_qmp(&o, "null", err, sizeof(err));
    ok(monitor_opts_add_qmp(&o, "null", err, sizeof(err)) < 0 && strstr(err, "at most"),
       "too many -qmp: %s", err);
    o = (struct monitor_opts){ .serial = "none", .qmp = { "unix:" }, .n_qmp = 1 };
    ok(monitor_setup_open(&s, &o, &lp.loop, err, sizeof(err)) < 0 &&
       !strncmp(err, "-qmp unix:: chardev 'compat_monitor1': unix: needs a path", 56),
       "a bad spec is named with its option: %s", err);

    char dir[] = "/tmp/test_setup.XXXXXX", mon[128], qmp[128], ser[128], buf[4096];
    if (!mkdtemp(dir))
        return tap_done();
    snprintf(mon, sizeof(mon), "unix:%s/hmp.sock,server,wait=off", dir);
    snprintf(qmp, sizeof(qmp), "unix:%s/qmp.sock,server=on,wait=off", dir);
    snprintf(ser, sizeof(ser), "mon:unix:%s/ser.sock,server,wait=off", dir);
    o = (struct monitor_opts){ .serial = ser, .monitor = mon, .qmp = { qmp }, .n_qmp = 1 };
    struct fake fm = { .status = "paused" };
    int r = monitor_setup_open(&s, &o, &lp.loop, err, sizeof(err));
    ok(r == 0, "serial, monitor and qmp on unix sockets (%s)", r ? err : "");
    if (r)
        return tap_done();
    chardev_attach(s.serial, uart_read, NULL, NULL);
    ok(monitor_setup_start(&s, &fake_ctl, &fm, err, sizeof(err)) == 0, "started");
    snprintf(mon, sizeof(mon), "%s/hmp.sock", dir);
    snprintf(qmp, sizeof(qmp), "%s/qmp.sock", dir);
    snprintf(ser, sizeof(ser), "%s/ser.sock", dir);
    int h = dial(mon), q = dial(qmp), t = dial(ser);
    slurp(h, buf, sizeof(buf), "(qemu) ");
    ok(strstr(buf, "(qemu) ") != NULL, "-monitor: prompt");
    slurp(q, buf, sizeof(buf), "\r\n");
    ok(!strncmp(buf, "{\"QMP\": ", 8), "-qmp: greeting");
    send(t, "hi\001c", 4, 0);
    slurp(t, buf, sizeof(buf), "(qemu) ");
    ok(!strcmp(serial_in, "hi") && strstr(buf, "(qemu) "),
       "mon: serial: bytes to the UART, C-a c to its own monitor");
    close(h);
    close(q);
    close(t);
    monitor_setup_close(&s);
    rmdir(dir);
    return tap_done();
}
