/*
 * Chardev back-ends driven through chardev_poll: file output, unix server
 * accept / one client at a time / reconnect, unix client, pty, the Ctrl-A
 * escape machine with two muxed front-ends, and the terminal put back after
 * stdio's raw mode, at close and on SIGTERM.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "sysemu/chardev/chardev.h"
#include "sysemu/tests/tap.h"

struct fe_log {
    char data[4096];
    size_t len;
    int opened, closed, focus_in, focus_out;
};

static void fe_read(void *opaque, const uint8_t *buf, size_t len)
{
    struct fe_log *l = opaque;
    memcpy(l->data + l->len, buf, len);
    l->len += len;
    l->data[l->len] = 0;
}

static void fe_event(void *opaque, enum chardev_event ev)
{
    struct fe_log *l = opaque;
    if (ev == CHARDEV_OPENED)
        l->opened++;
    else if (ev == CHARDEV_CLOSED)
        l->closed++;
    else if (ev == CHARDEV_FOCUS_IN)
        l->focus_in++;
    else
        l->focus_out++;
}

static char tmpdir[64];
static struct chardev_poll lp;

static char *slurp(const char *path)
{
    static char buf[4096];
    int fd = open(path, O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
    buf[n > 0 ? n : 0] = 0;
    if (fd >= 0)
        close(fd);
    return buf;
}

/* run the loop until cond or ~2 s */
#define POLL_UNTIL(cond) \
    for (int _i = 0; _i < 200 && !(cond); _i++) chardev_poll_run(&lp, 10)

static int connect_unix(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int read_some(int fd, char *buf, size_t n)
{
    struct timeval tv = { 2, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ssize_t r = read(fd, buf, n - 1);
    buf[r > 0 ? r : 0] = 0;
    return r;
}

static void test_specs(void)
{
    char err[256], path[128];
    snprintf(path, sizeof(path), "%s/serial.log", tmpdir);
    char spec[160];
    snprintf(spec, sizeof(spec), "file:%s", path);
    struct chardev *c = chardev_open(spec, "serial0", &lp.loop, err, sizeof(err));
    ok(c != NULL, "file: opens (%s)", c ? "" : err);
    if (c) {
        chardev_write(c, "boot\n", 5);
        chardev_printf(c, "%s %d\n", "line", 2);
        ok(!strcmp(slurp(path), "boot\nline 2\n"), "file: output lands in the file");
        struct fe_log l1 = { 0 }, l2 = { 0 };
        ok(chardev_attach(c, fe_read, fe_event, &l1) == 0 &&
           chardev_attach(c, fe_read, fe_event, &l2) == -1,
           "a chardev without mon: takes one front-end only");
        chardev_close(c);
    }
    c = chardev_open("file:", "serial0", &lp.loop, err, sizeof(err));
    ok(!c && strstr(err, "needs a path"), "file: without a path is refused: %s", err);
    snprintf(spec, sizeof(spec), "file:%s/no/such/dir/x", tmpdir);
    c = chardev_open(spec, "serial0", &lp.loop, err, sizeof(err));
    ok(!c && strstr(err, "No such file"), "file: in a missing directory names the reason: %s", err);
    c = chardev_open("telnet:1234", "mon0", &lp.loop, err, sizeof(err));
    ok(!c && strstr(err, "unknown back-end 'telnet'"), "an unknown back-end is named: %s", err);
    c = chardev_open("unix:/tmp/x,server,colour=red", "mon0", &lp.loop, err, sizeof(err));
    ok(!c && strstr(err, "bad option 'colour=red'"), "an unknown unix option is named: %s", err);
    c = chardev_open("null", "null0", &lp.loop, err, sizeof(err));
    ok(c && chardev_write(c, "x", 1) == 1, "null swallows output");
    chardev_close(c);
}

static void test_unix_server(void)
{
    char err[256], path[128], spec[200], buf[256];
    snprintf(path, sizeof(path), "%s/qmp.sock", tmpdir);
    snprintf(spec, sizeof(spec), "unix:%s,server,wait=off", path);
    struct chardev *c = chardev_open(spec, "qmp0", &lp.loop, err, sizeof(err));
    if (!ok(c != NULL, "unix server opens without waiting (%s)", c ? "" : err))
        return;
    struct fe_log log = { 0 };
    chardev_attach(c, fe_read, fe_event, &log);
    ok(log.opened == 0, "no OPENED before a client connects");
    chardev_write(c, "lost", 4);    /* nobody there: dropped, not queued */

    int a = connect_unix(path);
    POLL_UNTIL(log.opened == 1);
    ok(a >= 0 && log.opened == 1, "first client: OPENED");
    write(a, "hello", 5);
    POLL_UNTIL(log.len == 5);
    ok(!strcmp(log.data, "hello"), "client bytes reach the front-end");
    chardev_write(c, "greet", 5);
    read_some(a, buf, sizeof(buf));
    ok(!strcmp(buf, "greet"), "front-end output reaches the client, earlier output dropped (got '%s')", buf);

    /* a second client waits while the first is served */
    int b = connect_unix(path);
    write(b, "second", 6);
    for (int i = 0; i < 10; i++)
        chardev_poll_run(&lp, 10);
    ok(log.opened == 1 && log.len == 5, "second client is not served while the first is connected");

    close(a);
    POLL_UNTIL(log.closed == 1 && log.opened == 2 && log.len == 11);
    ok(log.closed == 1, "first client hangs up: CLOSED");
    ok(log.opened == 2 && !strcmp(log.data, "hellosecond"),
       "then the waiting client is accepted (OPENED again) and its bytes arrive");
    chardev_write(c, "two", 3);
    read_some(b, buf, sizeof(buf));
    ok(!strcmp(buf, "two"), "output goes to the new client");
    close(b);
    POLL_UNTIL(log.closed == 2);

    /* reconnect after everyone left */
    int d = connect_unix(path);
    POLL_UNTIL(log.opened == 3);
    ok(log.closed == 2 && log.opened == 3, "a later client reconnects");
    close(d);
    POLL_UNTIL(log.closed == 3);
    chardev_close(c);
    ok(access(path, F_OK) != 0, "closing the server removes its socket file");
}

/* without wait=off the server blocks in open until the first client comes */
static void test_unix_wait(void)
{
    char err[256], path[100], spec[200], buf[64];
    snprintf(path, sizeof(path), "%s/wait.sock", tmpdir);
    snprintf(spec, sizeof(spec), "unix:%s,server", path);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = -1;
        for (int i = 0; i < 200 && fd < 0; i++) {
            usleep(10000);
            fd = connect_unix(path);
        }
        read_some(fd, buf, sizeof(buf));
        _exit(strcmp(buf, "first") != 0);
    }
    int saved = dup(2), devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 2);   /* the "waiting for connection" line */
    struct chardev *c = chardev_open(spec, "qmp0", &lp.loop, err, sizeof(err));
    dup2(saved, 2);
    close(saved);
    close(devnull);
    struct fe_log log = { 0 };
    if (c) {
        chardev_attach(c, fe_read, fe_event, &log);
        chardev_write(c, "first", 5);
    }
    int st = -1;
    waitpid(pid, &st, 0);
    ok(c && log.opened == 1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
       "unix server without wait=off: open returns with the first client connected");
    chardev_close(c);
    snprintf(spec, sizeof(spec), "unix:%s,server,nowait", path);
    c = chardev_open(spec, "qmp0", &lp.loop, err, sizeof(err));
    ok(c != NULL, "the older ',nowait' spelling is accepted");
    chardev_close(c);
}

/* a client that stops reading costs one CHARDEV_STALL_MS, not a hang */
static void test_unix_stall(void)
{
    char err[256], path[100], spec[200];
    snprintf(path, sizeof(path), "%s/stall.sock", tmpdir);
    snprintf(spec, sizeof(spec), "unix:%s,server,wait=off", path);
    struct chardev *c = chardev_open(spec, "qmp0", &lp.loop, err, sizeof(err));
    struct fe_log log = { 0 };
    chardev_attach(c, fe_read, fe_event, &log);
    int fd = connect_unix(path);
    POLL_UNTIL(log.opened == 1);
    static char chunk[65536];
    memset(chunk, 'x', sizeof(chunk));
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < 128; i++)     /* 8 MiB, far beyond the socket's buffers */
        chardev_write(c, chunk, sizeof(chunk));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    ok(c->stalled && s < 3.0, "8 MiB to a client that does not read: dropped after a stall (%.2f s)", s);
    /* the client drains what it has: output flows again */
    char buf[65536];
    while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
        ;
    chardev_write(c, "MARK", 4);
    ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
    buf[n > 0 ? n : 0] = 0;
    ok(!c->stalled && n == 4 && !strcmp(buf, "MARK"), "after the client drains, output flows again");
    close(fd);
    POLL_UNTIL(log.closed == 1);
    chardev_close(c);
}

static void test_unix_client(void)
{
    char err[256], path[100], spec[200], buf[64];
    snprintf(path, sizeof(path), "%s/peer.sock", tmpdir);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    bind(l, (struct sockaddr *)&sa, sizeof(sa));
    listen(l, 1);
    snprintf(spec, sizeof(spec), "unix:%s", path);
    struct chardev *c = chardev_open(spec, "serial0", &lp.loop, err, sizeof(err));
    struct fe_log log = { 0 };
    if (!ok(c != NULL, "unix client connects (%s)", c ? "" : err))
        return;
    chardev_attach(c, fe_read, fe_event, &log);
    int s = accept(l, NULL, NULL);
    chardev_write(c, "up", 2);
    read_some(s, buf, sizeof(buf));
    write(s, "down", 4);
    POLL_UNTIL(log.len == 4);
    ok(log.opened == 1 && !strcmp(buf, "up") && !strcmp(log.data, "down"),
       "unix client: OPENED, bytes both ways");
    chardev_close(c);
    close(s);
    close(l);
    snprintf(spec, sizeof(spec), "unix:%s/nobody.sock", tmpdir);
    c = chardev_open(spec, "serial0", &lp.loop, err, sizeof(err));
    ok(!c && strstr(err, "No such file"), "unix client to a missing socket fails: %s", err);
}

static void test_pty(void)
{
    char err[256];
    /* the announcement goes to stderr: catch it */
    int pipefd[2], saved = dup(2);
    pipe(pipefd);
    dup2(pipefd[1], 2);
    struct chardev *c = chardev_open("pty", "serial0", &lp.loop, err, sizeof(err));
    dup2(saved, 2);
    close(pipefd[1]);
    char said[256] = "";
    read(pipefd[0], said, sizeof(said) - 1);
    close(pipefd[0]);
    if (!ok(c != NULL, "pty opens (%s)", c ? "" : err))
        return;
    const char *name = chardev_pty_name(c);
    char expect[128];
    snprintf(expect, sizeof(expect), "char device redirected to %s (label serial0)\n", name);
    ok(!strncmp(name, "/dev/pts/", 9) && !strcmp(said, expect), "pty announced like QEMU: %.*s",
       (int)strcspn(said, "\n"), said);
    struct fe_log log = { 0 };
    chardev_attach(c, fe_read, fe_event, &log);
    int s = open(name, O_RDWR | O_NOCTTY);
    struct termios tio;
    tcgetattr(s, &tio);
    cfmakeraw(&tio);
    tcsetattr(s, TCSANOW, &tio);
    write(s, "key", 3);
    POLL_UNTIL(log.len == 3);
    chardev_write(c, "tty", 3);
    char buf[16] = "";
    for (int i = 0; i < 100 && strlen(buf) < 3; i++) {
        struct timeval tv = { 0, 20000 };
        fd_set r;
        FD_ZERO(&r);
        FD_SET(s, &r);
        if (select(s + 1, &r, NULL, NULL, &tv) > 0)
            read(s, buf + strlen(buf), sizeof(buf) - 1 - strlen(buf));
    }
    ok(!strcmp(log.data, "key") && !strcmp(buf, "tty"), "pty: bytes both ways");
    close(s);
    chardev_close(c);
}

static int quits;
static void count_quit(void)
{
    quits++;
}

static void test_mux(void)
{
    char err[256], path[128], spec[160];
    snprintf(path, sizeof(path), "%s/mux.out", tmpdir);
    snprintf(spec, sizeof(spec), "mon:file:%s", path);
    struct chardev *c = chardev_open(spec, "serial0", &lp.loop, err, sizeof(err));
    if (!ok(c != NULL, "mon:file: opens (%s)", c ? "" : err))
        return;
    struct fe_log mon = { 0 }, ser = { 0 };
    ok(chardev_attach(c, fe_read, fe_event, &ser) == 0 &&
       chardev_attach(c, fe_read, fe_event, &mon) == 1, "two front-ends attach to a mon: chardev");
    ok(ser.opened == 1 && mon.opened == 1 && !ser.focus_in && !mon.focus_in,
       "both see OPENED; the first attached (the serial port) has the input");
#define FEED(s) chardev_input(c, (const uint8_t *)(s), sizeof(s) - 1)
    FEED("ab");
    ok(!strcmp(ser.data, "ab") && mon.len == 0, "plain bytes go to the focused front-end");
    FEED("x\001cinfo");
    ok(!strcmp(ser.data, "abx") && !strcmp(mon.data, "info") && mon.focus_in == 1 &&
       ser.focus_out == 1, "C-a c switches to the monitor in the middle of a buffer");
    FEED("\001");
    FEED("c!");
    ok(!strcmp(ser.data, "abx!") && mon.focus_out == 1 && ser.focus_in == 1,
       "an escape split across two reads still switches back");
    FEED("\001\001z");
    ok(!strcmp(ser.data, "abx!\001z"), "C-a C-a sends one C-a");
    FEED("\001q-");
    ok(!strcmp(ser.data, "abx!\001z-"), "an unknown escape is dropped");
    FEED("\001h");
    ok(strstr(slurp(path), "C-a x    exit emulator") != NULL, "C-a h prints the escape help");
    chardev_set_quit_hook(count_quit);
    FEED("\001x");
    ok(quits == 1 && strstr(slurp(path), "QEMU: Terminated") != NULL,
       "C-a x says Terminated and quits");
    chardev_set_quit_hook(NULL);
    chardev_close(c);

    /* without mon: a file/socket chardev passes C-a through untouched */
    snprintf(spec, sizeof(spec), "file:%s", path);
    c = chardev_open(spec, "serial0", &lp.loop, err, sizeof(err));
    struct fe_log raw = { 0 };
    chardev_attach(c, fe_read, fe_event, &raw);
    FEED("\001x\001c");
    ok(raw.len == 4 && quits == 1, "without mon: escapes are plain bytes");
    chardev_close(c);
#undef FEED
}

/* stdio on a pty standing in for the user's terminal, in a child */
static void test_stdio_term(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    grantpt(m);
    unlockpt(m);
    char name[64];
    ptsname_r(m, name, sizeof(name));
    int s = open(name, O_RDWR | O_NOCTTY);
    struct termios before, during, after;
    tcgetattr(s, &before);
    int sync[2];
    pipe(sync);
    for (int round = 0; round < 2; round++) {
        pid_t pid = fork();
        if (pid == 0) {
            dup2(s, 0);
            char err[256];
            struct chardev_poll p;
            chardev_poll_init(&p);
            struct chardev *c = chardev_open("stdio", "serial0", &p.loop, err, sizeof(err));
            write(sync[1], "r", 1);
            usleep(200000);     /* parent samples the raw mode */
            if (round == 0) {
                chardev_close(c);
                _exit(0);
            }
            raise(SIGTERM);
            _exit(3);
        }
        char ch;
        read(sync[0], &ch, 1);
        usleep(50000);
        tcgetattr(s, &during);
        int st;
        waitpid(pid, &st, 0);
        tcgetattr(s, &after);
        if (round == 0)
            ok(!(during.c_lflag & (ICANON | ECHO | ISIG)) && (during.c_oflag & OPOST),
               "stdio on a terminal: raw input (no ICANON/ECHO/ISIG), output processing kept");
        ok(after.c_lflag == before.c_lflag && after.c_iflag == before.c_iflag,
           "terminal mode restored %s", round == 0 ? "at close" : "when killed by SIGTERM");
        if (round == 1)
            ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "the signal still ends the process");
    }
    close(s);
    close(m);
}

int main(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_chardev.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        printf("1..0 # SKIP no temporary directory\n");
        return 0;
    }
    chardev_poll_init(&lp);
    test_specs();
    test_unix_server();
    test_unix_wait();
    test_unix_stall();
    test_unix_client();
    test_pty();
    test_mux();
    test_stdio_term();
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        return 1;
    return tap_done();
}
