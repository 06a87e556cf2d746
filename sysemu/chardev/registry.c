/*
 * -chardev BACKEND,id=ID,...: QEMU's long spelling of a chardev, turned
 * into this module's short spec (chardev.h) and kept by id until a device
 * asks for it with chardev=ID; it is opened then, once the main loop exists.
 * The back-ends: socket (unix sockets only: path=, server=, wait=), stdio,
 * file (path=), pty, null.  TCP sockets (host=, port=) are refused by name.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysemu/chardev/chardev.h"
#include "sysemu/chardev/registry.h"

#define MAX_CHARDEVS 8

static struct named_chardev {
    char id[32];
    char *spec;
    struct chardev *chr;        /* opened on first use */
} named[MAX_CHARDEVS];
static int n_named;

static struct named_chardev *find(const char *id)
{
    for (int i = 0; i < n_named; i++)
        if (!strcmp(named[i].id, id))
            return &named[i];
    return NULL;
}

/* "on"/"off" and friends; a bare key means on */
static int opt_bool(const char *v, bool *out)
{
    if (!v || !strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true"))
        *out = true;
    else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false"))
        *out = false;
    else
        return -1;
    return 0;
}

int chardev_opt_add(const char *arg, char *err, size_t errlen)
{
    char *s = strdup(arg), *save = NULL;
    const char *backend = strtok_r(s, ",", &save), *id = NULL, *path = NULL;
    bool server = false, wait = true, bad = false;
    char spec[512];
    int ret = -1;
    if (n_named == MAX_CHARDEVS) {
        snprintf(err, errlen, "-chardev %s: more than %d chardevs", arg, MAX_CHARDEVS);
        goto out;
    }
    for (char *t; !bad && (t = strtok_r(NULL, ",", &save));) {
        char *v = strchr(t, '=');
        if (v)
            *v++ = 0;
        if (!strcmp(t, "id"))
            id = v;
        else if (!strcmp(t, "path"))
            path = v;
        else if (!strcmp(t, "server"))
            bad = opt_bool(v, &server) < 0;
        else if (!strcmp(t, "wait"))
            bad = opt_bool(v, &wait) < 0;
        else if (!strcmp(t, "nowait") && !v)
            wait = false;
        else if (!strcmp(t, "host") || !strcmp(t, "port")) {
            snprintf(err, errlen, "-chardev %s: TCP sockets are not supported (path=: a unix socket)", arg);
            goto out;
        } else {
            snprintf(err, errlen, "-chardev %s: unknown option '%s'", arg, t);
            goto out;
        }
        if (bad)
            snprintf(err, errlen, "-chardev %s: '%s' takes on or off, not '%s'", arg, t, v);
    }
    if (bad)
        goto out;
    if (!backend || !id || !*id) {
        snprintf(err, errlen, "-chardev %s: %s", arg, !backend ? "no back-end" : "Parameter 'id' is missing");
        goto out;
    }
    if (find(id)) {
        snprintf(err, errlen, "-chardev %s: attempt to add duplicate property '%s' to object (type 'container')",
                 arg, id);
        goto out;
    }
    bool needs_path = !strcmp(backend, "socket") || !strcmp(backend, "file");
    if (needs_path && !path) {
        snprintf(err, errlen, "-chardev %s: chardev: \"%s\" missing path= option", arg, backend);
        goto out;
    }
    if (!needs_path && path) {
        snprintf(err, errlen, "-chardev %s: the %s back-end takes no path=", arg, backend);
        goto out;
    }
    if ((server || !wait) && strcmp(backend, "socket")) {
        snprintf(err, errlen, "-chardev %s: server= and wait= are for socket only", arg);
        goto out;
    }
    if (!strcmp(backend, "socket"))
        snprintf(spec, sizeof(spec), "unix:%s%s%s", path, server ? ",server" : "", server && !wait ? ",wait=off" : "");
    else if (!strcmp(backend, "file"))
        snprintf(spec, sizeof(spec), "file:%s", path);
    else if (!strcmp(backend, "stdio") || !strcmp(backend, "pty") || !strcmp(backend, "null"))
        snprintf(spec, sizeof(spec), "%s", backend);
    else {
        snprintf(err, errlen, "-chardev %s: '%s' is not a valid char driver name (socket, stdio, file, pty, null)",
                 arg, backend);
        goto out;
    }
    struct named_chardev *n = &named[n_named++];
    snprintf(n->id, sizeof(n->id), "%s", id);
    n->spec = strdup(spec);
    ret = 0;
out:
    free(s);
    return ret;
}

bool chardev_opt_exists(const char *id)
{
    return find(id) != NULL;
}

struct chardev *chardev_by_id(const char *id, struct chardev_loop *loop, char *err, size_t errlen)
{
    struct named_chardev *n = find(id);
    if (!n) {
        snprintf(err, errlen, "chardev '%s' not found", id);
        return NULL;
    }
    if (!n->chr)
        n->chr = chardev_open(n->spec, n->id, loop, err, errlen);
    return n->chr;
}
