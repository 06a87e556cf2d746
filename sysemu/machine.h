/*
 * The machine: configuration, address spaces, vCPU threads and run state.
 *
 * One struct machine per process.  The board (hw/) fills the address spaces
 * and the boot state; the accelerator (hostaccel/) runs the vCPUs.  Run
 * state changes (stop, cont, reset, powerdown, shutdown) are made on the
 * main-loop thread under m->lock; vCPU threads wait on m->cond while the
 * machine is not running, and are kicked out of the accelerator with a
 * signal (the accelerator's kick) when it stops.
 */
#ifndef SYSEMU_MACHINE_H
#define SYSEMU_MACHINE_H

#include "sysemu/control.h"
#include "sysemu/memory.h"
#include "sysemu/x86_boot.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define MACHINE_MAX_CPUS 64

enum run_state { RS_PRELAUNCH, RS_RUNNING, RS_PAUSED, RS_SHUTDOWN, RS_INTERNAL_ERROR };

/* what a vCPU's run step reports to its thread */
enum vcpu_exit {
    VCPU_CONTINUE,      /* an exit handled in place, or a kick: look at the run state again */
    VCPU_RESET,         /* the guest asked for a reset (triple fault, i8042, 0xcf9) */
    VCPU_SHUTDOWN,      /* the guest powered off */
    VCPU_ERROR,         /* the accelerator cannot go on; it printed why */
};

struct machine;

struct vcpu {
    struct machine *m;
    int index;
    pthread_t thread;
    pid_t tid;
    bool parked;                /* waiting in the machine's run-state loop */
    void (*work)(struct vcpu *v, void *arg);    /* run on this vCPU's thread (vcpu_run_on) */
    void *work_arg;
    void *accel;                /* the accelerator's per-vCPU state */
};

struct accel_ops {
    const char *name;
    /* create the VM; one error line into err on failure */
    int (*init)(struct machine *m, char *err, size_t errlen);
    /* map a RAM region into the guest (after init, before the vCPUs start) */
    int (*map_ram)(struct machine *m, struct mem_region *r, char *err, size_t errlen);
    int (*vcpu_init)(struct vcpu *v, char *err, size_t errlen);
    /* put the vCPU in its power-on state (m->boot for the boot processor) */
    int (*vcpu_reset)(struct vcpu *v);
    /* run until a kick, a guest request (m->held) or an exit that needs the thread; called without m->lock */
    enum vcpu_exit (*vcpu_run)(struct vcpu *v);
    /* make vcpu_run return soon; called with m->lock held, from any thread */
    void (*vcpu_kick)(struct vcpu *v);
    /* forget past kicks; called with m->lock held on the vCPU's thread right before vcpu_run, so
       that a kick after it (the run state seen under the same lock) is never lost */
    void (*vcpu_unkick)(struct vcpu *v);
    int (*vcpu_registers)(struct vcpu *v, char *buf, size_t n);
    bool (*vcpu_halted)(struct vcpu *v);
    uint64_t (*vcpu_pc)(struct vcpu *v);
    /* drive an interrupt line of the interrupt controller */
    void (*irq_line)(struct machine *m, int irq, int level);
    /* put the interrupt controllers and timers back in their power-on state */
    void (*reset)(struct machine *m);
};

struct board;
struct chardev;

struct machine {
    const struct board *board;
    const struct accel_ops *accel;
    void *accel_state;
    struct address_space mem, io;
    uint64_t ram_size;
    int smp;
    const char *kernel, *initrd, *append;
    bool no_reboot, start_paused;
    struct x86_boot boot;       /* the boot processor's entry state, set by the board's loader */

    pthread_mutex_t lock;
    pthread_cond_t cond;
    enum run_state state;
    bool quitting;
    bool held;                  /* a guest request (reset, power-off, exit) waits for the main loop */
    int exit_status;
    struct vcpu vcpus[MACHINE_MAX_CPUS];

    struct chardev *serial;     /* -serial: COM1's back-end, or NULL */
    void *board_state;
};

/* the run-state loop every vCPU thread runs; the accelerator's vcpu_run does the work */
int machine_start_vcpus(struct machine *m, char *err, size_t errlen);
/* stop the vCPUs for good and join their threads (at exit) */
void machine_join_vcpus(struct machine *m);

/* run-state changes, main-loop thread only */
void machine_stop(struct machine *m);
void machine_cont(struct machine *m);
void machine_reset(struct machine *m);
void machine_powerdown(struct machine *m);
/* end the run: SHUTDOWN event with reason, then the main loop returns status */
void machine_shutdown(struct machine *m, const char *reason, bool guest, int status);
const char *machine_state_name(struct machine *m);

/* from a vCPU thread: ask the main loop for a reset / power-off / a clean exit with status */
void machine_request_reset(struct machine *m);
void machine_request_shutdown(struct machine *m);
void machine_request_exit(struct machine *m, int status);

/* run fn on vCPU v's thread and wait for it (main-loop thread) */
void vcpu_run_on(struct vcpu *v, void (*fn)(struct vcpu *v, void *arg), void *arg);

/* the monitor's view of this machine */
extern struct machine_control machine_control_ops;    /* machine_name is set at start-up */

#endif
