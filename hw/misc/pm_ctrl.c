/*
 * PM1a control: sleep-enable to S5 powers off (pm_ctrl.h).
 */
#include "hw/misc/pm_ctrl.h"
#include "sysemu/log.h"
#include "sysemu/machine.h"

#define SLP_EN (1u << 13)

static void pm_ctrl_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    if (off != 0 || !(val & SLP_EN))
        return;
    if (((val >> 10) & 7) == 5)
        machine_request_shutdown(opaque);
    else
        sysemu_log(LOG_UNIMP, "pm: sleep state %u is not supported, only S5 (off)", (unsigned)(val >> 10) & 7);
}

static uint64_t pm_ctrl_read(void *opaque, uint64_t off, unsigned size)
{
    return 0;
}

const struct mem_ops pm_ctrl_ops = { .read = pm_ctrl_read, .write = pm_ctrl_write };
