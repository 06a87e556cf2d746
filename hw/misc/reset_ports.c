/*
 * i8042 reset and the 0xcf9 reset control register (reset_ports.h).
 */
#include "hw/misc/reset_ports.h"
#include "sysemu/log.h"
#include "sysemu/machine.h"

#define I8042_DATA    0x0       /* port 0x60 */
#define I8042_CMD     0x4       /* port 0x64 */
#define I8042_RESET   0xfe

static uint64_t i8042_read(void *opaque, uint64_t off, unsigned size)
{
    /* status: self-test passed (system flag), both buffers empty; data: nothing */
    return off == I8042_CMD ? 0x04 : 0x00;
}

static void i8042_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    if (off == I8042_CMD && (val & 0xff) == I8042_RESET)
        machine_request_reset(opaque);
    else if (off == I8042_CMD || off == I8042_DATA)
        sysemu_log(LOG_UNIMP, "i8042: %s 0x%02x ignored: only the reset command is modelled",
                   off == I8042_CMD ? "command" : "data", (unsigned)val & 0xff);
}

const struct mem_ops i8042_ops = { .read = i8042_read, .write = i8042_write };

static uint64_t rcr_read(void *opaque, uint64_t off, unsigned size)
{
    return 0;
}

static void rcr_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    if (val & 0x04)
        machine_request_reset(opaque);
}

const struct mem_ops rcr_ops = { .read = rcr_read, .write = rcr_write };
