/*
 * The power-off path: the ACPI PM1a control register at port 0x604, where
 * QEMU's q35 and microvm put it.  A 16-bit write with SLP_EN (bit 13) and
 * SLP_TYP 5 (the S5 "soft off" value in QEMU's DSDT) turns the machine off
 * (ACPI 6.4, 4.8.3.2.1); status 0, SHUTDOWN event.  Linux reaches it
 * through ACPI; a test guest writes 0x2000 | 5 << 10 directly.
 */
#ifndef HW_MISC_PM_CTRL_H
#define HW_MISC_PM_CTRL_H

#include "sysemu/memory.h"

#define PM_CTRL_PORT 0x604
extern const struct mem_ops pm_ctrl_ops;        /* opaque: the struct machine */

#endif
