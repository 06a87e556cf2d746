/*
 * The machine behind the monitor's struct machine_control (control.h).
 */
#include "hw/board.h"
#include "hw/virtio/setup.h"
#include "sysemu/machine.h"

#include <stdio.h>

static const char *mc_status(void *m) { return machine_state_name(m); }
static bool mc_running(void *m) { return ((struct machine *)m)->state == RS_RUNNING; }
static void mc_stop(void *m) { machine_stop(m); }
static void mc_cont(void *m) { machine_cont(m); }
static void mc_reset(void *m) { machine_reset(m); }
static void mc_powerdown(void *m) { machine_powerdown(m); }
static void mc_quit(void *m) { machine_shutdown(m, "host-qmp-quit", false, 0); }
static int mc_cpu_count(void *m) { return ((struct machine *)m)->smp; }

struct regs_req {
    char *buf;
    size_t n;
    int len;
    bool halted;
    uint64_t pc;
};

static void read_regs(struct vcpu *v, void *arg)
{
    struct regs_req *r = arg;
    if (r->buf)
        r->len = v->m->accel->vcpu_registers(v, r->buf, r->n);
    r->halted = v->m->accel->vcpu_halted(v);
    r->pc = v->m->accel->vcpu_pc(v);
}

static int mc_cpu_info(void *opaque, int i, struct cpu_info *out)
{
    struct machine *m = opaque;
    if (i < 0 || i >= m->smp)
        return -1;
    struct vcpu *v = &m->vcpus[i];
    struct regs_req r = { 0 };
    vcpu_run_on(v, read_regs, &r);
    *out = (struct cpu_info){
        .index = i, .thread_id = v->tid, .arch = m->board->arch, .halted = r.halted, .pc = r.pc,
    };
    return 0;
}

static int mc_cpu_registers(void *opaque, int i, char *buf, size_t n)
{
    struct machine *m = opaque;
    if (i < 0 || i >= m->smp)
        return -1;
    struct regs_req r = { .buf = buf, .n = n, .len = -1 };
    vcpu_run_on(&m->vcpus[i], read_regs, &r);
    return r.len;
}

static int mc_block_list(void *m, struct block_info *out, int max)
{
    return virtio_block_list(out, max);
}

static int mc_net_info(void *m, char *buf, size_t n)
{
    return virtio_net_info(buf, n);
}

static void mc_mtree(void *opaque, void (*print)(void *opaque, const char *line), void *arg)
{
    struct machine *m = opaque;
    as_print(&m->mem, print, arg);
    print(arg, "");
    as_print(&m->io, print, arg);
}

struct machine_control machine_control_ops = {
    .status = mc_status,
    .running = mc_running,
    .stop = mc_stop,
    .cont = mc_cont,
    .system_reset = mc_reset,
    .system_powerdown = mc_powerdown,
    .quit = mc_quit,
    .cpu_count = mc_cpu_count,
    .cpu_info = mc_cpu_info,
    .cpu_registers = mc_cpu_registers,
    .block_list = mc_block_list,
    .net_info = mc_net_info,
    .mtree = mc_mtree,
};
