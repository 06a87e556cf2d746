/*
 * The interactive human monitor on a chardev (-monitor SPEC, or the monitor
 * half of mon:stdio): a banner and QEMU's "(qemu) " prompt, which tools
 * scripting QEMU's monitor wait for, a line editor that echoes as QEMU's
 * readline does, and output lines ending in "\r\n".
 */
#ifndef SYSEMU_MONITOR_H
#define SYSEMU_MONITOR_H

#include "sysemu/chardev/chardev.h"
#include "sysemu/control.h"

#define MONITOR_PROMPT "(qemu) "

struct monitor;

/* attach a monitor to chr; NULL when chr is taken by another front-end */
struct monitor *monitor_new(struct chardev *chr, const struct machine_control *ctl, void *m);
void monitor_free(struct monitor *mon);

#endif
