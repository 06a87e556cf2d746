/*
 * -serial/-monitor/-qmp to chardevs, the monitor and QMP sessions (see
 * setup.h for QEMU's defaults that this follows).
 */
#include <stdio.h>
#include <string.h>

#include "sysemu/monitor/monitor.h"
#include "sysemu/monitor/setup.h"
#include "sysemu/qmp/qmp.h"

int monitor_opts_add_qmp(struct monitor_opts *o, const char *spec, char *err, size_t errlen)
{
    if (o->n_qmp == MONITOR_MAX_QMP) {
        snprintf(err, errlen, "-qmp %s: at most %d QMP monitors", spec, MONITOR_MAX_QMP);
        return -1;
    }
    o->qmp[o->n_qmp++] = spec;
    return 0;
}

static bool is_none(const char *spec)
{
    return spec && !strcmp(spec, "none");
}

static bool uses_stdio(const char *spec)
{
    return spec && (!strcmp(spec, "stdio") || !strcmp(spec, "mon:stdio"));
}

int monitor_setup_open(struct monitor_setup *s, const struct monitor_opts *o,
                       struct chardev_loop *loop, char *err, size_t errlen)
{
    memset(s, 0, sizeof(*s));
    const char *serial = o->serial;
    if (!serial)
        serial = o->monitor || o->n_qmp ? "stdio" : "mon:stdio";
    int stdio_users = uses_stdio(serial) + uses_stdio(o->monitor);
    for (int i = 0; i < o->n_qmp; i++)
        stdio_users += uses_stdio(o->qmp[i]);
    if (stdio_users > 1) {
        /* QEMU's words for it */
        snprintf(err, errlen, "cannot use stdio by multiple character devices");
        return -1;
    }
    char e[256];
    if (!is_none(serial) && !(s->serial = chardev_open(serial, "serial0", loop, e, sizeof(e)))) {
        snprintf(err, errlen, "-serial %s: %s", serial, e);
        goto fail;
    }
    if (o->monitor && !is_none(o->monitor)) {
        if (!(s->hmp_chr = chardev_open(o->monitor, "compat_monitor0", loop, e, sizeof(e)))) {
            snprintf(err, errlen, "-monitor %s: %s", o->monitor, e);
            goto fail;
        }
    }
    for (int i = 0; i < o->n_qmp; i++) {
        char label[32];
        snprintf(label, sizeof(label), "compat_monitor%d", i + 1);
        if (!(s->qmp_chr[i] = chardev_open(o->qmp[i], label, loop, e, sizeof(e)))) {
            snprintf(err, errlen, "-qmp %s: %s", o->qmp[i], e);
            goto fail;
        }
        s->n_qmp = i + 1;
    }
    return 0;
fail:
    monitor_setup_close(s);
    return -1;
}

int monitor_setup_start(struct monitor_setup *s, const struct machine_control *ctl, void *m,
                        char *err, size_t errlen)
{
    if (s->serial && s->serial->mux && !(s->serial_hmp = monitor_new(s->serial, ctl, m))) {
        snprintf(err, errlen, "monitor: chardev '%s' has no room for the monitor", s->serial->label);
        return -1;
    }
    if (s->hmp_chr && !(s->hmp = monitor_new(s->hmp_chr, ctl, m))) {
        snprintf(err, errlen, "monitor: chardev '%s' is taken", s->hmp_chr->label);
        return -1;
    }
    for (int i = 0; i < s->n_qmp; i++)
        if (!(s->qmp[i] = qmp_session_new(s->qmp_chr[i], ctl, m))) {
            snprintf(err, errlen, "-qmp: cannot start a QMP session on '%s'", s->qmp_chr[i]->label);
            return -1;
        }
    return 0;
}

void monitor_setup_close(struct monitor_setup *s)
{
    for (int i = 0; i < s->n_qmp; i++) {
        qmp_session_free(s->qmp[i]);
        chardev_close(s->qmp_chr[i]);
    }
    chardev_close(s->hmp_chr);
    monitor_free(s->hmp);
    chardev_close(s->serial);
    monitor_free(s->serial_hmp);
    memset(s, 0, sizeof(*s));
}
