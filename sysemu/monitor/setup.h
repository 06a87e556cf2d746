/*
 * From runtime-system's -serial, -monitor and -qmp options to open chardevs
 * with the monitor and QMP attached, with QEMU's -nographic defaults: no
 * -serial means "mon:stdio" (the serial port and the monitor share the
 * terminal, Ctrl-A c switches), or "stdio" when -monitor or -qmp was given;
 * "none" disables one.
 *
 * Two steps, because on a shared (mon:) chardev the serial port must attach
 * first to get the input: monitor_setup_open() opens everything and hands
 * back the serial chardev for the UART; monitor_setup_start(), called once
 * the UART is attached, starts the monitor and the QMP servers.
 */
#ifndef SYSEMU_MONITOR_SETUP_H
#define SYSEMU_MONITOR_SETUP_H

#include "sysemu/chardev/chardev.h"
#include "sysemu/control.h"

#define MONITOR_MAX_QMP 4

struct monitor_opts {
    const char *serial;     /* -serial SPEC, NULL when not given */
    const char *monitor;    /* -monitor SPEC */
    const char *qmp[MONITOR_MAX_QMP];
    int n_qmp;
};

struct monitor_setup {
    struct chardev *serial;     /* NULL with -serial none */
    struct chardev *hmp_chr;    /* -monitor's chardev */
    struct chardev *qmp_chr[MONITOR_MAX_QMP];
    int n_qmp;
    struct monitor *hmp;
    struct monitor *serial_hmp; /* the monitor sharing a mon: serial chardev */
    struct qmp_session *qmp[MONITOR_MAX_QMP];
};

/* parse "-qmp SPEC" etc.: 0, or -1 with one line in err (too many -qmp) */
int monitor_opts_add_qmp(struct monitor_opts *o, const char *spec, char *err, size_t errlen);

/* open the chardevs; 0, or -1 with one line in err (nothing is left open) */
int monitor_setup_open(struct monitor_setup *s, const struct monitor_opts *o,
                       struct chardev_loop *loop, char *err, size_t errlen);
/* attach the monitor and QMP to their chardevs (after the UART attached to the serial one) */
int monitor_setup_start(struct monitor_setup *s, const struct machine_control *ctl, void *m,
                        char *err, size_t errlen);
void monitor_setup_close(struct monitor_setup *s);

#endif
