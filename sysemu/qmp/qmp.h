/*
 * QMP, QEMU's JSON machine protocol, in QEMU's wire shapes: the greeting,
 * capability negotiation, commands answered {"return": ...} or
 * {"error": {"class", "desc"}} with the request's "id" echoed, and events
 * {"timestamp": {...}, "event": NAME[, "data": {...}]}.  Messages end in
 * "\r\n" as QEMU's do.
 *
 * stream.c cuts the byte stream into JSON texts, dispatch.c checks a
 * request and runs it, commands.c holds the command table, session.c binds
 * a session to a chardev and to the machine's events.
 */
#ifndef SYSEMU_QMP_H
#define SYSEMU_QMP_H

#include <jansson.h>
#include <stdbool.h>

#include "sysemu/chardev/chardev.h"
#include "sysemu/control.h"
#include "sysemu/monitor/hmp.h"

/* one client's protocol state */
struct qmp_ctx {
    const struct machine_control *ctl;
    void *m;
    bool negotiated;
    struct hmp_ctx hmp;     /* for human-monitor-command */
    /* an action to run once the answer is out (quit must answer first) */
    void (*after)(void *m);
};

/* ---- stream.c ---- */
struct qmp_stream {
    char *buf;
    size_t len, cap;
    int depth;
    bool in_str, esc, scalar;
};
#define QMP_MAX_MESSAGE (1 << 20)
typedef void qmp_text_fn(void *opaque, const char *text, size_t len);
/* append bytes; calls emit once per complete top-level JSON text (or junk run) */
void qmp_stream_feed(struct qmp_stream *s, const uint8_t *buf, size_t len, qmp_text_fn *emit,
                     void *opaque);
void qmp_stream_reset(struct qmp_stream *s);

/* ---- dispatch.c ---- */
/* answer one JSON text; the caller json_decref()s the result */
json_t *qmp_dispatch(struct qmp_ctx *q, const char *text, size_t len);
json_t *qmp_error(const char *cls, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
json_t *qmp_greeting(void);
/* query-version's answer, also inside the greeting */
json_t *qmp_version(void);
/* an event object with the current time; data_json NULL: no "data" member, as QEMU sends STOP */
json_t *qmp_event_new(const char *name, const char *data_json);
/* the wire form: QEMU's spacing, "\r\n" at the end; malloc'ed */
char *qmp_format(json_t *j);

/* ---- commands.c ---- */
enum qmp_arg_type { QMP_STR, QMP_INT, QMP_BOOL, QMP_ARRAY };
struct qmp_arg {
    const char *name;
    enum qmp_arg_type type;
    bool optional;
};
struct qmp_command {
    const char *name;
    /* returns the "return" value, or an error made with qmp_error() (flag set) */
    json_t *(*run)(struct qmp_ctx *q, json_t *args, bool *is_error);
    struct qmp_arg args[3];
    bool before_negotiation;    /* allowed in capabilities-negotiation mode */
};
const struct qmp_command *qmp_command_find(const char *name);
extern const struct qmp_command qmp_commands[];
extern const int qmp_command_count;

/* ---- session.c ---- */
struct qmp_session;
/* serve QMP on chr (a greeting each time a client connects); NULL when chr is taken */
struct qmp_session *qmp_session_new(struct chardev *chr, const struct machine_control *ctl,
                                    void *m);
void qmp_session_free(struct qmp_session *s);

#endif
