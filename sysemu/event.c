/*
 * Machine events to monitor listeners (control.h).  Listeners are
 * registered at start-up, before any vCPU runs, and events are raised on the
 * main-loop thread, so the table needs no lock.
 */
#include "sysemu/control.h"

static struct {
    machine_event_fn *fn;
    void *opaque;
} listeners[MACHINE_EVENT_LISTENERS];
static int n_listeners;

int machine_event_listen(machine_event_fn *fn, void *opaque)
{
    if (n_listeners == MACHINE_EVENT_LISTENERS)
        return -1;
    listeners[n_listeners].fn = fn;
    listeners[n_listeners].opaque = opaque;
    n_listeners++;
    return 0;
}

void machine_event(const char *name, const char *data_json)
{
    for (int i = 0; i < n_listeners; i++)
        listeners[i].fn(listeners[i].opaque, name, data_json);
}
