/*
 * isa-debug-exit (debug_exit.h).
 */
#include "hw/misc/debug_exit.h"
#include "sysemu/machine.h"

static void debug_exit_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    machine_request_exit(opaque, (int)((val << 1) | 1) & 0xff);
}

static uint64_t debug_exit_read(void *opaque, uint64_t off, unsigned size)
{
    return ~0ull;
}

const struct mem_ops debug_exit_ops = { .read = debug_exit_read, .write = debug_exit_write };
