/*
 * vCPU threads and run-state changes (machine.h).
 *
 * A vCPU thread loops: wait while the machine is not running (doing any
 * work the main loop queued for it), then let the accelerator run the
 * guest until an exit it cannot handle in place.  The main loop changes the
 * state under m->lock and kicks every vCPU, then waits until all of them
 * are parked, so that after machine_stop() no guest code runs.
 */
#include "sysemu/machine.h"
#include "sysemu/loop.h"
#include "hw/board.h"

#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *const state_names[] = {
    [RS_PRELAUNCH] = "prelaunch", [RS_RUNNING] = "running", [RS_PAUSED] = "paused",
    [RS_SHUTDOWN] = "shutdown", [RS_INTERNAL_ERROR] = "internal-error",
};

const char *machine_state_name(struct machine *m)
{
    return state_names[m->state];
}

static void park_until_running(struct vcpu *v)
{
    struct machine *m = v->m;
    while ((m->state != RS_RUNNING || m->held || v->work) && !m->quitting) {
        if (v->work) {
            v->work(v, v->work_arg);
            v->work = NULL;
            pthread_cond_broadcast(&m->cond);
            continue;
        }
        v->parked = true;
        pthread_cond_broadcast(&m->cond);
        pthread_cond_wait(&m->cond, &m->lock);
    }
    v->parked = false;
}

static void vcpu_fatal(void *opaque)
{
    struct machine *m = opaque;
    if (m->state != RS_SHUTDOWN) {
        m->state = RS_INTERNAL_ERROR;
        machine_shutdown(m, "internal-error", false, 1);
    }
}

static void *vcpu_thread(void *arg)
{
    struct vcpu *v = arg;
    struct machine *m = v->m;
    v->tid = syscall(SYS_gettid);
    pthread_mutex_lock(&m->lock);
    for (;;) {
        park_until_running(v);
        if (m->quitting)
            break;
        m->accel->vcpu_unkick(v);
        pthread_mutex_unlock(&m->lock);
        enum vcpu_exit e = m->accel->vcpu_run(v);
        pthread_mutex_lock(&m->lock);
        switch (e) {
        case VCPU_CONTINUE:
            break;
        case VCPU_RESET:
            machine_request_reset(m);
            break;
        case VCPU_SHUTDOWN:
            machine_request_shutdown(m);
            break;
        case VCPU_ERROR:
            /* stop this vCPU here; the main loop ends the run */
            loop_call(vcpu_fatal, m);
            while (!m->quitting) {
                v->parked = true;
                pthread_cond_broadcast(&m->cond);
                pthread_cond_wait(&m->cond, &m->lock);
            }
            break;
        }
    }
    v->parked = true;
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->lock);
    return NULL;
}

int machine_start_vcpus(struct machine *m, char *err, size_t errlen)
{
    for (int i = 0; i < m->smp; i++) {
        struct vcpu *v = &m->vcpus[i];
        v->m = m;
        v->index = i;
        if (m->accel->vcpu_init(v, err, errlen) < 0)
            return -1;
        if (m->accel->vcpu_reset(v) < 0) {
            snprintf(err, errlen, "vCPU %d: cannot set its power-on state", i);
            return -1;
        }
    }
    for (int i = 0; i < m->smp; i++) {
        int e = pthread_create(&m->vcpus[i].thread, NULL, vcpu_thread, &m->vcpus[i]);
        if (e) {
            snprintf(err, errlen, "vCPU %d: cannot create its thread: %s", i, strerror(e));
            return -1;
        }
    }
    return 0;
}

static void kick_all(struct machine *m)
{
    for (int i = 0; i < m->smp; i++)
        m->accel->vcpu_kick(&m->vcpus[i]);
}

/* with m->lock held: wait until no vCPU runs guest code */
static void wait_parked(struct machine *m)
{
    for (;;) {
        bool all = true;
        for (int i = 0; i < m->smp; i++)
            all &= m->vcpus[i].parked;
        if (all)
            return;
        pthread_cond_wait(&m->cond, &m->lock);
    }
}

void machine_join_vcpus(struct machine *m)
{
    pthread_mutex_lock(&m->lock);
    m->quitting = true;
    kick_all(m);
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->lock);
    for (int i = 0; i < m->smp; i++) {
        if (m->vcpus[i].thread) {
            pthread_join(m->vcpus[i].thread, NULL);
            m->vcpus[i].thread = 0;     /* a second shutdown request must not join again */
        }
    }
}

void vcpu_run_on(struct vcpu *v, void (*fn)(struct vcpu *v, void *arg), void *arg)
{
    struct machine *m = v->m;
    pthread_mutex_lock(&m->lock);
    if (!v->thread || m->quitting) {
        fn(v, arg);     /* no thread yet (prelaunch set-up) or gone */
    } else {
        v->work_arg = arg;
        v->work = fn;
        m->accel->vcpu_kick(v);
        pthread_cond_broadcast(&m->cond);
        while (v->work)
            pthread_cond_wait(&m->cond, &m->lock);
    }
    pthread_mutex_unlock(&m->lock);
}

/* with m->lock held */
static void set_paused(struct machine *m, enum run_state to)
{
    m->state = to;
    kick_all(m);
    wait_parked(m);
}

void machine_stop(struct machine *m)
{
    pthread_mutex_lock(&m->lock);
    bool was = m->state == RS_RUNNING;
    if (was)
        set_paused(m, RS_PAUSED);
    pthread_mutex_unlock(&m->lock);
    if (was)
        machine_event("STOP", NULL);
}

void machine_cont(struct machine *m)
{
    pthread_mutex_lock(&m->lock);
    bool go = m->state == RS_PAUSED || m->state == RS_PRELAUNCH;
    if (go) {
        m->state = RS_RUNNING;
        pthread_cond_broadcast(&m->cond);
    }
    pthread_mutex_unlock(&m->lock);
    if (go)
        machine_event("RESUME", NULL);
}

static void reset_vcpu(struct vcpu *v, void *arg)
{
    v->m->accel->vcpu_reset(v);
}

static void do_reset(struct machine *m, const char *reason, bool guest)
{
    if (m->no_reboot) {
        machine_shutdown(m, reason, guest, 0);
        return;
    }
    pthread_mutex_lock(&m->lock);
    enum run_state before = m->state;
    if (before == RS_SHUTDOWN) {
        pthread_mutex_unlock(&m->lock);
        return;
    }
    set_paused(m, RS_PAUSED);
    m->held = false;
    pthread_mutex_unlock(&m->lock);

    char err[256];
    if (m->board->load(m, err, sizeof(err)) < 0)
        fprintf(stderr, "runtime-system: reset: %s\n", err);
    if (m->accel->reset)
        m->accel->reset(m);
    for (int i = 0; i < m->smp; i++)
        vcpu_run_on(&m->vcpus[i], reset_vcpu, NULL);
    char data[96];
    snprintf(data, sizeof(data), "{\"guest\": %s, \"reason\": \"%s\"}", guest ? "true" : "false", reason);
    machine_event("RESET", data);

    pthread_mutex_lock(&m->lock);
    m->state = before == RS_PRELAUNCH ? RS_PRELAUNCH : before;
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->lock);
}

void machine_reset(struct machine *m)
{
    do_reset(m, "host-qmp-system-reset", false);
}

void machine_powerdown(struct machine *m)
{
    /* the board has no ACPI to tell the guest, so the button turns the machine off, as a PSU would */
    machine_event("POWERDOWN", NULL);
    machine_shutdown(m, "host-qmp-system-powerdown", false, 0);
}

void machine_shutdown(struct machine *m, const char *reason, bool guest, int status)
{
    pthread_mutex_lock(&m->lock);
    /* the first way out wins: a power-off queued behind a debug-exit changes nothing */
    bool first = !m->quitting;
    if (!first) {
        pthread_mutex_unlock(&m->lock);
        return;
    }
    if (m->state != RS_INTERNAL_ERROR)
        m->state = RS_SHUTDOWN;
    m->exit_status = status;
    pthread_mutex_unlock(&m->lock);
    if (first && strcmp(reason, "internal-error")) {
        char data[96];
        snprintf(data, sizeof(data), "{\"guest\": %s, \"reason\": \"%s\"}", guest ? "true" : "false", reason);
        machine_event("SHUTDOWN", data);
    }
    machine_join_vcpus(m);
    loop_quit(status);
}

static void guest_reset(void *opaque) { do_reset(opaque, "guest-reset", true); }
static void guest_shutdown(void *opaque) { machine_shutdown(opaque, "guest-shutdown", true, 0); }

static struct {
    struct machine *m;
    int status;
} exit_req;

static void guest_exit(void *opaque)
{
    struct machine *m = exit_req.m;
    pthread_mutex_lock(&m->lock);
    bool first = !m->quitting;
    pthread_mutex_unlock(&m->lock);
    if (!first)
        return;
    machine_join_vcpus(m);
    loop_quit(exit_req.status);
}

/* the vCPUs stop at their next exit while the main loop acts on the request */
static void hold(struct machine *m)
{
    __atomic_store_n(&m->held, true, __ATOMIC_SEQ_CST);
}

void machine_request_reset(struct machine *m) { hold(m); loop_call(guest_reset, m); }
void machine_request_shutdown(struct machine *m) { hold(m); loop_call(guest_shutdown, m); }

void machine_request_exit(struct machine *m, int status)
{
    /* isa-debug-exit: the run ends at once with the guest's status, no event (as QEMU's exit()) */
    hold(m);
    exit_req.m = m;
    exit_req.status = status;
    loop_call(guest_exit, NULL);
}
