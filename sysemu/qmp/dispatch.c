/*
 * Checking and running one QMP request, with QEMU's error texts for each
 * way a request can be wrong (qmp-spec: "execute" a string, "arguments" an
 * object, "id" any value and echoed, nothing else), and the negotiation
 * rule: until qmp_capabilities only it may run.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "sysemu/qmp/qmp.h"

json_t *qmp_error(const char *cls, const char *fmt, ...)
{
    char desc[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(desc, sizeof(desc), fmt, ap);
    va_end(ap);
    return json_pack("{s:{s:s,s:s}}", "error", "class", cls, "desc", desc);
}

static json_t *version_object(void)
{
    return json_pack("{s:{s:i,s:i,s:i},s:s}", "qemu", "micro", RUNTIME_SYSTEM_VERSION_MICRO,
                     "minor", RUNTIME_SYSTEM_VERSION_MINOR, "major", RUNTIME_SYSTEM_VERSION_MAJOR,
                     "package", RUNTIME_SYSTEM_PACKAGE);
}

json_t *qmp_version(void)
{
    return version_object();
}

json_t *qmp_greeting(void)
{
    return json_pack("{s:{s:o,s:[]}}", "QMP", "version", version_object(), "capabilities");
}

json_t *qmp_event_new(const char *name, const char *data_json)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    json_t *ev = json_pack("{s:{s:I,s:I},s:s}", "timestamp", "seconds", (json_int_t)tv.tv_sec,
                           "microseconds", (json_int_t)tv.tv_usec, "event", name);
    if (data_json) {
        json_t *data = json_loads(data_json, 0, NULL);
        json_object_set_new(ev, "data", data ? data : json_object());
    }
    return ev;
}

char *qmp_format(json_t *j)
{
    /* jansson without JSON_COMPACT separates with ", " and ": ", as QEMU does */
    char *s = json_dumps(j, JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    size_t n = strlen(s);
    s = realloc(s, n + 3);
    memcpy(s + n, "\r\n", 3);
    return s;
}

static const char *type_name(enum qmp_arg_type t)
{
    static const char *const names[] = { "string", "integer", "boolean", "array" };
    return names[t];
}

static bool type_ok(enum qmp_arg_type t, json_t *v)
{
    switch (t) {
    case QMP_STR:
        return json_is_string(v);
    case QMP_INT:
        return json_is_integer(v);
    case QMP_BOOL:
        return json_is_boolean(v);
    case QMP_ARRAY:
        return json_is_array(v);
    }
    return false;
}

/* the arguments against the command's schema, in schema order, then the leftovers */
static json_t *check_args(const struct qmp_command *c, json_t *args)
{
    int n = 0;
    for (; n < 3 && c->args[n].name; n++) {
        json_t *v = json_object_get(args, c->args[n].name);
        if (!v && !c->args[n].optional)
            return qmp_error("GenericError", "Parameter '%s' is missing", c->args[n].name);
        if (v && !type_ok(c->args[n].type, v))
            return qmp_error("GenericError", "Invalid parameter type for '%s', expected: %s",
                             c->args[n].name, type_name(c->args[n].type));
    }
    const char *key;
    json_t *v;
    json_object_foreach(args, key, v) {
        int i = 0;
        while (i < n && strcmp(c->args[i].name, key))
            i++;
        if (i == n)
            return qmp_error("GenericError", "Parameter '%s' is unexpected", key);
    }
    return NULL;
}

static json_t *run(struct qmp_ctx *q, json_t *req)
{
    json_t *execute = NULL, *args = NULL;
    const char *key;
    json_t *v;
    json_object_foreach(req, key, v) {
        if (!strcmp(key, "execute")) {
            if (!json_is_string(v))
                return qmp_error("GenericError", "QMP input member 'execute' must be a string");
            execute = v;
        } else if (!strcmp(key, "arguments")) {
            if (!json_is_object(v))
                return qmp_error("GenericError",
                                 "QMP input member 'arguments' must be an object");
            args = v;
        } else if (strcmp(key, "id")) {
            return qmp_error("GenericError", "QMP input member '%s' is unexpected", key);
        }
    }
    if (!execute)
        return qmp_error("GenericError", "QMP input lacks member 'execute'");
    const char *name = json_string_value(execute);
    const struct qmp_command *c = qmp_command_find(name);
    if (!c)
        return qmp_error("CommandNotFound", "The command %s has not been found", name);
    if (!q->negotiated && !c->before_negotiation)
        return qmp_error("CommandNotFound",
                         "Expecting capabilities negotiation with 'qmp_capabilities'");
    json_t *empty = NULL;
    if (!args)
        args = empty = json_object();
    json_t *err = check_args(c, args);
    if (err) {
        json_decref(empty);
        return err;
    }
    bool is_error = false;
    json_t *ret = c->run(q, args, &is_error);
    json_decref(empty);
    if (is_error)
        return ret;
    return json_pack("{s:o}", "return", ret ? ret : json_object());
}

json_t *qmp_dispatch(struct qmp_ctx *q, const char *text, size_t len)
{
    json_error_t jerr;
    json_t *req = json_loadb(text, len, JSON_DECODE_ANY, &jerr);
    if (!req)
        return qmp_error("GenericError", "JSON parse error, %s", jerr.text);
    json_t *resp;
    if (!json_is_object(req)) {
        resp = qmp_error("GenericError", "QMP input must be a JSON object");
    } else {
        resp = run(q, req);
        json_t *id = json_object_get(req, "id");
        if (id)
            json_object_set(resp, "id", id);
    }
    json_decref(req);
    return resp;
}
