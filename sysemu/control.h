/*
 * The machine as the monitor sees it: what HMP and QMP may ask and order.
 *
 * The machine core fills one struct machine_control and hands it, with its
 * opaque machine pointer, to the monitor.  The monitor never includes the
 * machine's own headers, so a board under KVM and one under the JIT expose
 * the same surface.  Every callback is called on the main-loop thread.
 *
 * Events (SHUTDOWN, POWERDOWN, STOP, RESUME, RESET) flow the other way: the
 * machine calls machine_event() and every registered listener hears it, on
 * the main-loop thread as well (the machine defers events raised on vCPU
 * threads to the loop).
 */
#ifndef SYSEMU_CONTROL_H
#define SYSEMU_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpu_info {
    int index;              /* 0 .. cpu_count-1 */
    int thread_id;          /* host tid of the vCPU thread (QEMU's "thread-id") */
    const char *arch;       /* QEMU's target name: "x86", "riscv", "arm" */
    bool halted;
    uint64_t pc;            /* rip / pc, when the vCPU is stopped; 0 otherwise */
};

struct block_info {
    char device[32];        /* "virtio0" */
    char file[256];         /* the host file */
    const char *format;     /* "raw", "qcow2" */
    bool readonly;
    uint64_t size;          /* bytes */
};

struct machine_control {
    /* QEMU's RunState names: "prelaunch", "running", "paused", "shutdown", "internal-error" */
    const char *(*status)(void *m);
    bool (*running)(void *m);
    void (*stop)(void *m);
    void (*cont)(void *m);
    void (*system_reset)(void *m);
    void (*system_powerdown)(void *m);
    void (*quit)(void *m);
    int (*cpu_count)(void *m);
    /* 0, or -1 when i is out of range */
    int (*cpu_info)(void *m, int i, struct cpu_info *out);
    /* a text dump like QEMU's `info registers`; returns the length written (truncated to n-1) or -1 */
    int (*cpu_registers)(void *m, int i, char *buf, size_t n);
    /* fills up to max entries; returns the number of block devices */
    int (*block_list)(void *m, struct block_info *out, int max);
    /* `info mtree`: calls print once per line */
    void (*mtree)(void *m, void (*print)(void *opaque, const char *line), void *opaque);
    /* `info network`: text like QEMU's (one line per NIC and its back-end); returns the
     * length written or -1.  NULL when the machine does not report its network. */
    int (*net_info)(void *m, char *buf, size_t n);
    const char *machine_name;   /* "pc", ... */
};

/* event names are QMP's: "SHUTDOWN", "POWERDOWN", "STOP", "RESUME", "RESET" */
typedef void machine_event_fn(void *opaque, const char *name, const char *data_json);

/* register a listener (at most MACHINE_EVENT_LISTENERS); 0 or -1 when full */
#define MACHINE_EVENT_LISTENERS 8
int machine_event_listen(machine_event_fn *fn, void *opaque);
/* tell every listener; data_json is the event's "data" object, or NULL for {} */
void machine_event(const char *name, const char *data_json);

#endif
