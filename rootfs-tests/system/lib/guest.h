/*
 * What the test guests share: port I/O, COM1 output, the exits, and the
 * PVH start info.  Guest code at CPL 0 under a software KVM (PVM) runs
 * ~1,700x slower than native, so these helpers do as little as they can.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdint.h>

struct hvm_start_info {
    uint32_t magic, version, flags, nr_modules;
    uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
    uint32_t memmap_entries, reserved;
};

struct hvm_modlist_entry {
    uint64_t paddr, size, cmdline_paddr, reserved;
};

struct hvm_memmap_table_entry {
    uint64_t addr, size;
    uint32_t type, reserved;
};

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

void puts_(const char *s);
void put_dec(uint32_t v);
void put_hex(uint32_t v);
__attribute__((noreturn)) void debug_exit(uint32_t v);
__attribute__((noreturn)) void poweroff(void);
/* the value of "key=" in the command line, or 0 */
const char *cmdline_arg(const struct hvm_start_info *si, const char *key);
uint32_t parse_dec(const char *s);

#endif
