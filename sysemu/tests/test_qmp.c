/*
 * QMP against a fake machine: the greeting, negotiation, every command's
 * answer and every error shape compared as JSON with QEMU's, events in
 * order with timestamps, and a session over a unix socket (split and
 * batched requests, quit answered before the machine goes, reconnect).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "sysemu/qmp/qmp.h"
#include "sysemu/tests/fake_machine.h"
#include "sysemu/tests/tap.h"

static struct fake fm = { .status = "prelaunch" };
static struct qmp_ctx q = { .ctl = &fake_ctl, .m = &fm, .hmp = { .ctl = &fake_ctl, .m = &fm } };

/* does request `in` get exactly `expect` (JSON, compared as values)? */
static int answers(const char *in, const char *expect)
{
    json_t *got = qmp_dispatch(&q, in, strlen(in));
    json_t *want = json_loads(expect, 0, NULL);
    int same = want && json_equal(got, want);
    if (!same) {
        char *g = json_dumps(got, 0);
        printf("# %s\n#   got:  %s\n#   want: %s\n", in, g, expect);
        free(g);
    }
    json_decref(got);
    json_decref(want);
    return same;
}

static void test_dispatch(void)
{
    ok(answers("{\"execute\": \"query-status\", \"id\": \"a1\"}",
               "{\"id\": \"a1\", \"error\": {\"class\": \"CommandNotFound\", \"desc\": "
               "\"Expecting capabilities negotiation with 'qmp_capabilities'\"}}"),
       "a command before negotiation: CommandNotFound, id echoed");
    ok(answers("{\"execute\": \"frob\"}", "{\"error\": {\"class\": \"CommandNotFound\", "
               "\"desc\": \"The command frob has not been found\"}}"),
       "an unknown command before negotiation: not found");
    ok(answers("{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"oob\"]}}",
               "{\"error\": {\"class\": \"GenericError\", \"desc\": "
               "\"Capability 'oob' not available\"}}") && !q.negotiated,
       "qmp_capabilities enabling oob: refused, still negotiating");
    ok(answers("{\"execute\": \"qmp_capabilities\", \"id\": 1}", "{\"return\": {}, \"id\": 1}") &&
       q.negotiated, "qmp_capabilities");
    ok(answers("{\"execute\": \"qmp_capabilities\"}",
               "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"Capabilities "
               "negotiation is already complete, command ignored\"}}"),
       "qmp_capabilities twice: CommandNotFound");
    char v[256];
    snprintf(v, sizeof(v), "{\"return\": {\"qemu\": {\"micro\": %d, \"minor\": %d, \"major\": %d}, "
             "\"package\": \"runtime-system\"}}", RUNTIME_SYSTEM_VERSION_MICRO,
             RUNTIME_SYSTEM_VERSION_MINOR, RUNTIME_SYSTEM_VERSION_MAJOR);
    ok(answers("{\"execute\": \"query-version\"}", v), "query-version");

    json_t *r = qmp_dispatch(&q, "{\"execute\":\"query-commands\"}", 28);
    json_t *list = json_object_get(r, "return");
    int found = 0;
    static const char *const want[] = {
        "qmp_capabilities", "query-version", "query-commands", "query-status", "query-cpus-fast",
        "query-block", "stop", "cont", "system_reset", "system_powerdown", "quit",
        "human-monitor-command",
    };
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
        for (size_t k = 0; k < 12; k++)
            found += !strcmp(json_string_value(json_object_get(e, "name")), want[k]);
    ok(json_array_size(list) == 12 && found == 12, "query-commands lists the 12 commands as {name}");
    json_decref(r);

    ok(answers("{\"execute\": \"query-status\"}", "{\"return\": {\"status\": \"prelaunch\", "
               "\"singlestep\": false, \"running\": false}}"), "query-status in prelaunch");
    ok(answers("{\"execute\": \"cont\"}", "{\"return\": {}}") && fm.conts == 1, "cont");
    ok(answers("{\"execute\": \"query-status\"}", "{\"return\": {\"status\": \"running\", "
               "\"singlestep\": false, \"running\": true}}"), "query-status running");
    ok(answers("{\"execute\": \"stop\"}", "{\"return\": {}}") && fm.stops == 1, "stop");
    ok(answers("{\"execute\": \"query-status\"}", "{\"return\": {\"status\": \"paused\", "
               "\"singlestep\": false, \"running\": false}}"), "query-status paused");
    ok(answers("{\"execute\": \"query-cpus-fast\"}",
               "{\"return\": [{\"thread-id\": 4242, \"props\": {\"core-id\": 0, \"thread-id\": 0, "
               "\"socket-id\": 0}, \"qom-path\": \"/machine/unattached/device[0]\", "
               "\"cpu-index\": 0, \"target\": \"x86_64\"}, {\"thread-id\": 4243, \"props\": "
               "{\"core-id\": 0, \"thread-id\": 0, \"socket-id\": 1}, \"qom-path\": "
               "\"/machine/unattached/device[1]\", \"cpu-index\": 1, \"target\": \"x86_64\"}]}"),
       "query-cpus-fast");
    r = qmp_dispatch(&q, "{\"execute\":\"query-block\"}", 25);
    json_t *b = json_array_get(json_object_get(r, "return"), 0);
    json_t *ins = json_object_get(b, "inserted");
    ok(!strcmp(json_string_value(json_object_get(b, "device")), "virtio0") &&
       json_is_false(json_object_get(b, "removable")) &&
       json_is_true(json_object_get(ins, "ro")) &&
       !strcmp(json_string_value(json_object_get(ins, "drv")), "raw") &&
       !strcmp(json_string_value(json_object_get(ins, "file")), "/tmp/disk.img") &&
       json_integer_value(json_object_get(json_object_get(ins, "image"), "virtual-size")) == 1 << 20,
       "query-block: device, inserted {ro, drv, file, image.virtual-size}");
    json_decref(r);
    ok(answers("{\"execute\": \"system_reset\"}", "{\"return\": {}}") && fm.resets == 1,
       "system_reset");
    ok(answers("{\"execute\": \"system_powerdown\"}", "{\"return\": {}}") && fm.powerdowns == 1,
       "system_powerdown");
    ok(answers("{\"execute\": \"human-monitor-command\", \"arguments\": "
               "{\"command-line\": \"info status\"}, \"id\": [1, 2]}",
               "{\"return\": \"VM status: paused\\r\\n\", \"id\": [1, 2]}"),
       "human-monitor-command returns HMP's text with \\r\\n, any id echoed");
    ok(answers("{\"execute\": \"human-monitor-command\", \"arguments\": "
               "{\"command-line\": \"info registers\", \"cpu-index\": 1}}",
               "{\"return\": \"RAX=0000000000000011 RBX=0000000000000000\\r\\n"
               "RIP=0000000000100010 RFL=00000002\\r\\n\"}"),
       "human-monitor-command with cpu-index");
    ok(answers("{\"execute\": \"human-monitor-command\"}", "{\"error\": {\"class\": "
               "\"GenericError\", \"desc\": \"Parameter 'command-line' is missing\"}}"),
       "a missing argument");
    ok(answers("{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": 3}}",
               "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Invalid parameter type for "
               "'command-line', expected: string\"}}"), "an argument of the wrong type");
    ok(answers("{\"execute\": \"stop\", \"arguments\": {\"now\": true}}", "{\"error\": {\"class\": "
               "\"GenericError\", \"desc\": \"Parameter 'now' is unexpected\"}}") && fm.stops == 1,
       "an unexpected argument, nothing done");
    ok(answers("{\"execute\": \"stop\", \"arguments\": [1]}", "{\"error\": {\"class\": "
               "\"GenericError\", \"desc\": \"QMP input member 'arguments' must be an object\"}}"),
       "arguments not an object");
    ok(answers("{\"execute\": 7, \"id\": 9}", "{\"id\": 9, \"error\": {\"class\": \"GenericError\", "
               "\"desc\": \"QMP input member 'execute' must be a string\"}}"),
       "execute not a string");
    ok(answers("{\"id\": \"x\"}", "{\"id\": \"x\", \"error\": {\"class\": \"GenericError\", "
               "\"desc\": \"QMP input lacks member 'execute'\"}}"), "no execute");
    ok(answers("{\"execute\": \"stop\", \"colour\": 1}", "{\"error\": {\"class\": "
               "\"GenericError\", \"desc\": \"QMP input member 'colour' is unexpected\"}}"),
       "an unexpected member");
    ok(answers("[1, 2]", "{\"error\": {\"class\": \"GenericError\", \"desc\": "
               "\"QMP input must be a JSON object\"}}"), "not an object");
    r = qmp_dispatch(&q, "{\"execute\": }", 13);
    const char *desc = json_string_value(json_object_get(json_object_get(r, "error"), "desc"));
    ok(desc && !strncmp(desc, "JSON parse error, ", 18) &&
       !strcmp(json_string_value(json_object_get(json_object_get(r, "error"), "class")),
               "GenericError"), "bad JSON: GenericError \"%s\"", desc);
    json_decref(r);
    fm.status = "shutdown";
    ok(answers("{\"execute\": \"cont\"}", "{\"error\": {\"class\": \"GenericError\", \"desc\": "
               "\"Resetting the Virtual Machine is required\"}}"), "cont after shutdown");
    fm.status = "paused";
    ok(answers("{\"execute\": \"quit\"}", "{\"return\": {}}") && fm.quits == 0 &&
       q.after == fake_ctl.quit, "quit answers before the machine quits");
    q.after = NULL;
    ok(answers("{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": \"quit\"}}",
               "{\"return\": \"\"}") && fm.quits == 0 && q.after == fake_ctl.quit,
       "human-monitor-command quit also answers before the machine quits");
    q.after = NULL;

    json_t *g = qmp_greeting();
    snprintf(v, sizeof(v), "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": %d, \"minor\": %d, "
             "\"major\": %d}, \"package\": \"runtime-system\"}, \"capabilities\": []}}",
             RUNTIME_SYSTEM_VERSION_MICRO, RUNTIME_SYSTEM_VERSION_MINOR,
             RUNTIME_SYSTEM_VERSION_MAJOR);
    json_t *gw = json_loads(v, 0, NULL);
    ok(json_equal(g, gw), "greeting");
    char *wire = qmp_format(g);
    ok(!strncmp(wire, "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": ", 38) &&
       !strcmp(wire + strlen(wire) - 2, "\r\n"), "wire form: QEMU's spacing, \\r\\n at the end");
    free(wire);
    json_decref(g);
    json_decref(gw);

    struct timeval before, after;
    gettimeofday(&before, NULL);
    json_t *ev = qmp_event_new("SHUTDOWN", "{\"guest\": true, \"reason\": \"guest-shutdown\"}");
    gettimeofday(&after, NULL);
    json_t *ts = json_object_get(ev, "timestamp");
    long long t = json_integer_value(json_object_get(ts, "seconds")) * 1000000LL +
                  json_integer_value(json_object_get(ts, "microseconds"));
    ok(t >= before.tv_sec * 1000000LL + before.tv_usec && t <= after.tv_sec * 1000000LL + after.tv_usec &&
       json_object_size(ts) == 2, "event timestamp {seconds, microseconds} is now");
    json_object_del(ev, "timestamp");
    gw = json_loads("{\"event\": \"SHUTDOWN\", \"data\": {\"guest\": true, \"reason\": "
                    "\"guest-shutdown\"}}", 0, NULL);
    ok(json_equal(ev, gw), "SHUTDOWN event with data");
    json_decref(ev);
    json_decref(gw);
    ev = qmp_event_new("STOP", NULL);
    ok(json_object_size(ev) == 2 && !json_object_get(ev, "data"), "STOP event has no data member");
    json_decref(ev);
}

/* ---- a session over a unix socket ---- */
static struct chardev_poll lp;

static int client_fd;
static char inbuf[65536];
static size_t inlen;

/* read one "\r\n"-terminated message from the client side */
static json_t *next_msg(void)
{
    for (int i = 0; i < 400; i++) {
        char *end = memmem(inbuf, inlen, "\r\n", 2);
        if (end) {
            json_t *j = json_loadb(inbuf, end - inbuf, 0, NULL);
            inlen -= end + 2 - inbuf;
            memmove(inbuf, end + 2, inlen);
            return j;
        }
        chardev_poll_run(&lp, 5);
        ssize_t r = recv(client_fd, inbuf + inlen, sizeof(inbuf) - inlen, MSG_DONTWAIT);
        if (r > 0)
            inlen += r;
    }
    return NULL;
}

static const char *event_of(json_t *j)
{
    return json_string_value(json_object_get(j, "event"));
}

static int connect_to(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    inlen = 0;
    return fd;
}

#define SEND(s) send(client_fd, s, strlen(s), 0)

static void test_session(void)
{
    char dir[] = "/tmp/test_qmp.XXXXXX", spec[128], path[100], err[256];
    if (!mkdtemp(dir))
        return;
    chardev_poll_init(&lp);
    snprintf(path, sizeof(path), "%s/qmp.sock", dir);
    snprintf(spec, sizeof(spec), "unix:%s,server,wait=off", path);
    struct chardev *c = chardev_open(spec, "qmp0", &lp.loop, err, sizeof(err));
    struct fake m2 = { .status = "prelaunch" };
    struct qmp_session *s = c ? qmp_session_new(c, &fake_ctl, &m2) : NULL;
    if (!ok(s != NULL, "QMP session on a unix server (%s)", c ? "" : err))
        return;
    client_fd = connect_to(path);
    json_t *j = next_msg();
    ok(json_object_get(j, "QMP") != NULL, "greeting on connect");
    json_decref(j);
    fm.status = "running";
    machine_event("STOP", NULL);    /* an event before negotiation is not sent */
    fm.status = "paused";
    /* one request in three pieces, then two requests in one write */
    SEND("{\"execute\": \"qmp_ca");
    chardev_poll_run(&lp, 5);
    SEND("pabilities\", \"id\": \"neg\"");
    chardev_poll_run(&lp, 5);
    SEND("}\n{\"execute\": \"query-status\", \"id\": 2}{\"execute\": \"cont\", \"id\": 3}");
    j = next_msg();
    ok(j && !strcmp(json_string_value(json_object_get(j, "id")), "neg") &&
       json_object_get(j, "return"), "a request split over three writes is answered");
    json_decref(j);
    j = next_msg();
    ok(j && json_integer_value(json_object_get(j, "id")) == 2 &&
       !strcmp(json_string_value(json_object_get(json_object_get(j, "return"), "status")),
               "prelaunch"), "no event before negotiation; batched requests answered in order");
    json_decref(j);
    j = next_msg();
    ok(j && !strcmp(event_of(j) ? event_of(j) : "", "RESUME"), "cont: RESUME event");
    json_decref(j);
    j = next_msg();
    ok(j && json_integer_value(json_object_get(j, "id")) == 3, "then cont's answer");
    json_decref(j);
    SEND("{\"execute\": \"stop\"} {\"execute\": \"system_powerdown\"} {\"execute\": \"quit\"}");
    /* the fake raises its events while the order runs, as vm_stop does */
    const char *seq[] = { "STOP", "return", "POWERDOWN", "return", "return", "SHUTDOWN" };
    int good = 0;
    char got[256] = "";
    for (int k = 0; k < 6; k++) {
        j = next_msg();
        const char *what = event_of(j) ? event_of(j) : json_object_get(j, "return") ? "return" : "?";
        good += !strcmp(what, seq[k]);
        strcat(got, what);
        strcat(got, " ");
        if (!strcmp(what, "SHUTDOWN"))
            good += !strcmp(json_string_value(json_object_get(json_object_get(j, "data"),
                                                              "reason")), "host-qmp-quit");
        json_decref(j);
    }
    ok(good == 7 && m2.quits == 1, "stop, system_powerdown, quit: events and answers in order (%s)",
       got);
    SEND("nonsense ");
    j = next_msg();
    ok(j && !strcmp(json_string_value(json_object_get(json_object_get(j, "error"), "class")),
                    "GenericError"), "junk at top level gets an error, not a hang");
    json_decref(j);
    close(client_fd);
    for (int k = 0; k < 5; k++)
        chardev_poll_run(&lp, 5);
    client_fd = connect_to(path);
    j = next_msg();
    json_decref(j);
    SEND("{\"execute\": \"query-status\"}");
    j = next_msg();
    ok(j && !strcmp(json_string_value(json_object_get(json_object_get(j, "error"), "class")),
                    "CommandNotFound"), "a new client gets a greeting and must negotiate again");
    json_decref(j);
    close(client_fd);
    for (int k = 0; k < 5; k++)
        chardev_poll_run(&lp, 5);
    chardev_close(c);
    qmp_session_free(s);
    rmdir(dir);
}

int main(void)
{
    test_dispatch();
    test_session();
    return tap_done();
}
