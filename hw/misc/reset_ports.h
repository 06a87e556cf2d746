/*
 * The PC's reset lines a kernel pulls when it reboots: the i8042 keyboard
 * controller's "pulse output line" command (0xfe to port 0x64) and the
 * reset control register at 0xcf9 (bit 2, "reset CPU").  Linux's reboot=
 * kbd and reboot=pci paths, and any test guest, end up here.  Only the
 * reset command of the i8042 exists: no keyboard, no mouse; its status
 * register reads "input buffer empty, no data" so a polling driver moves on.
 */
#ifndef HW_MISC_RESET_PORTS_H
#define HW_MISC_RESET_PORTS_H

#include "sysemu/memory.h"

extern const struct mem_ops i8042_ops;      /* ports 0x60-0x64 (a 5-byte region), opaque: the machine */
extern const struct mem_ops rcr_ops;        /* port 0xcf9, opaque: the machine */

#endif
