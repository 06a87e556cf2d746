/*
 * The x86 boot processor's state at power-on, as a kernel loader asks for
 * it: the accelerator turns this into registers, segments and page tables.
 * A loader (hw/x86/) writes the tables it names into guest RAM itself.
 */
#ifndef SYSEMU_X86_BOOT_H
#define SYSEMU_X86_BOOT_H

#include <stdint.h>

enum x86_boot_mode {
    X86_BOOT_NONE,      /* not loaded */
    X86_BOOT_FLAT32,    /* protected mode, paging off, flat 4 GiB CS 0x10 / DS 0x18 (PVH, Linux 32-bit entry) */
    X86_BOOT_LONG64,    /* long mode with the identity page tables at cr3 (Linux 64-bit entry) */
};

struct x86_boot {
    enum x86_boot_mode mode;
    uint64_t rip;
    uint64_t rbx, rsi, rsp;
    uint64_t gdt_base;      /* a GDT in guest RAM with code at 0x10, data at 0x18 */
    uint16_t gdt_limit;
    uint64_t cr3;           /* LONG64 */
};

#endif
