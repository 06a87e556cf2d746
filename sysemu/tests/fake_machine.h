/*
 * A fake machine behind sysemu/control.h for the monitor and QMP tests: two
 * CPUs, one disk, a memory map, and the events a real machine raises for
 * each order (STOP, RESUME, RESET, POWERDOWN, SHUTDOWN) -- so the tests see
 * what the monitor side does with them, not what a board does.  Events go
 * through the machine's own listener table (sysemu/event.c).
 */
#ifndef SYSEMU_TESTS_FAKE_MACHINE_H
#define SYSEMU_TESTS_FAKE_MACHINE_H

#include <stdio.h>
#include <string.h>

#include "sysemu/control.h"

struct fake {
    const char *status;
    int stops, conts, resets, powerdowns, quits;
};

static const char *fake_status(void *m)
{
    return ((struct fake *)m)->status;
}

static bool fake_running(void *m)
{
    return !strcmp(((struct fake *)m)->status, "running");
}

static void fake_stop(void *m)
{
    struct fake *f = m;
    f->stops++;
    if (fake_running(m)) {
        f->status = "paused";
        machine_event("STOP", NULL);
    }
}

static void fake_cont(void *m)
{
    struct fake *f = m;
    f->conts++;
    if (!fake_running(m)) {
        f->status = "running";
        machine_event("RESUME", NULL);
    }
}

static void fake_reset(void *m)
{
    ((struct fake *)m)->resets++;
    machine_event("RESET", "{\"guest\": false, \"reason\": \"host-qmp-system-reset\"}");
}

static void fake_powerdown(void *m)
{
    ((struct fake *)m)->powerdowns++;
    machine_event("POWERDOWN", NULL);
}

static void fake_quit(void *m)
{
    ((struct fake *)m)->quits++;
    machine_event("SHUTDOWN", "{\"guest\": false, \"reason\": \"host-qmp-quit\"}");
}

static int fake_cpu_count(void *m)
{
    return 2;
}

static int fake_cpu_info(void *m, int i, struct cpu_info *out)
{
    if (i < 0 || i >= 2)
        return -1;
    *out = (struct cpu_info){ .index = i, .thread_id = 4242 + i, .arch = "x86", .halted = i == 1 };
    return 0;
}

static int fake_cpu_registers(void *m, int i, char *buf, size_t n)
{
    if (i < 0 || i >= 2)
        return -1;
    return snprintf(buf, n, "RAX=%016x RBX=0000000000000000\nRIP=%016x RFL=00000002", 0x10 + i,
                    0x100000 + 0x10 * i);
}

static int fake_block_list(void *m, struct block_info *out, int max)
{
    if (max > 0) {
        memset(out, 0, sizeof(*out));
        snprintf(out->device, sizeof(out->device), "virtio0");
        snprintf(out->file, sizeof(out->file), "/tmp/disk.img");
        out->format = "raw";
        out->readonly = true;
        out->size = 1 << 20;
    }
    return 1;
}

static void fake_mtree(void *m, void (*print)(void *opaque, const char *line), void *opaque)
{
    print(opaque, "address-space: memory");
    print(opaque, "  0000000000000000-0000000007ffffff (prio 0, ram): ram");
}

static int fake_net_info(void *m, char *buf, size_t n)
{
    return snprintf(buf, n, "virtio-net-device.0: index=0,type=nic,model=virtio-net-device,"
                            "macaddr=52:54:00:12:34:56\n \\ net0: index=0,type=user,net=10.0.2.0");
}

static const struct machine_control fake_ctl = {
    .status = fake_status,
    .running = fake_running,
    .stop = fake_stop,
    .cont = fake_cont,
    .system_reset = fake_reset,
    .system_powerdown = fake_powerdown,
    .quit = fake_quit,
    .cpu_count = fake_cpu_count,
    .cpu_info = fake_cpu_info,
    .cpu_registers = fake_cpu_registers,
    .block_list = fake_block_list,
    .mtree = fake_mtree,
    .net_info = fake_net_info,
    .machine_name = "fake",
};

#endif
