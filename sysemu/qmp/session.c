/*
 * A QMP server on a chardev: a greeting on each new client, which starts
 * in capabilities-negotiation mode; its requests answered in order; the
 * machine's events sent to it once negotiated (QEMU sends none before).
 */
#include <stdlib.h>
#include <string.h>

#include "sysemu/qmp/qmp.h"

struct qmp_session {
    struct chardev *chr;
    struct qmp_ctx q;
    struct qmp_stream stream;
    bool connected;
};

static void send_json(struct qmp_session *s, json_t *j)
{
    char *text = qmp_format(j);
    chardev_write(s->chr, text, strlen(text));
    free(text);
}

static void on_text(void *opaque, const char *text, size_t len)
{
    struct qmp_session *s = opaque;
    json_t *resp = qmp_dispatch(&s->q, text, len);
    send_json(s, resp);
    json_decref(resp);
    if (s->q.after) {
        void (*after)(void *m) = s->q.after;
        s->q.after = NULL;
        after(s->q.m);
    }
}

static void on_read(void *opaque, const uint8_t *buf, size_t len)
{
    struct qmp_session *s = opaque;
    qmp_stream_feed(&s->stream, buf, len, on_text, s);
}

static void on_event(void *opaque, enum chardev_event ev)
{
    struct qmp_session *s = opaque;
    if (ev == CHARDEV_OPENED) {
        s->connected = true;
        s->q.negotiated = false;
        qmp_stream_reset(&s->stream);
        json_t *g = qmp_greeting();
        send_json(s, g);
        json_decref(g);
    } else if (ev == CHARDEV_CLOSED) {
        s->connected = false;
        s->q.negotiated = false;
        qmp_stream_reset(&s->stream);
    }
}

static void on_machine_event(void *opaque, const char *name, const char *data_json)
{
    struct qmp_session *s = opaque;
    if (!s->chr || !s->connected || !s->q.negotiated)
        return;
    json_t *ev = qmp_event_new(name, data_json);
    send_json(s, ev);
    json_decref(ev);
}

struct qmp_session *qmp_session_new(struct chardev *chr, const struct machine_control *ctl,
                                    void *m)
{
    struct qmp_session *s = calloc(1, sizeof(*s));
    s->q = (struct qmp_ctx){ .ctl = ctl, .m = m, .hmp = { .ctl = ctl, .m = m } };
    s->chr = chr;
    if (chardev_attach(chr, on_read, on_event, s) < 0 ||
        machine_event_listen(on_machine_event, s) < 0) {
        /* a session that cannot hear events is not kept half-working */
        free(s);
        return NULL;
    }
    return s;
}

void qmp_session_free(struct qmp_session *s)
{
    /* the event listener stays registered (control.h has no removal): keep
     * it harmless by detaching the chardev, and leak the small session */
    if (!s)
        return;
    s->chr = NULL;
    s->connected = false;
    qmp_stream_reset(&s->stream);
}
