/*
 * isa-debug-exit, as QEMU has it: a write of v ends the run with status
 * (v << 1) | 1, so a test guest can report pass/fail through the exit code
 * (and status 0 stays reserved for a clean power-off).
 */
#ifndef HW_MISC_DEBUG_EXIT_H
#define HW_MISC_DEBUG_EXIT_H

#include "sysemu/memory.h"

extern const struct mem_ops debug_exit_ops;     /* opaque: the struct machine */

#endif
