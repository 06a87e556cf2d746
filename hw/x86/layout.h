/*
 * Guest-physical layout of the x86 board and its boot structures.
 *
 *   0x000500  GDT for the boot processor (code 0x10, data 0x18)
 *   0x006000  hvm_start_info (PVH), its memory map and module list
 *   0x007000  boot_params, the Linux "zero page"
 *   0x009000  identity page tables for a 64-bit Linux entry (PML4, PDPT, 4 PDs)
 *   0x020000  kernel command line
 *   0x09fc00  ..0x100000 reserved (EBDA, VGA hole, BIOS area), as on a PC
 *   0x0f0000  the MultiProcessor floating pointer and table
 *   0x100000  the kernel
 *   low RAM   ends at 3 GiB at most; the rest of -m starts at 4 GiB
 *   initrd    at the top of low RAM, page-aligned
 */
#ifndef HW_X86_LAYOUT_H
#define HW_X86_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#define X86_GDT_ADDR       0x500
#define X86_START_INFO     0x6000
#define X86_MEMMAP_ADDR    0x6100
#define X86_MODLIST_ADDR   0x6800
#define X86_ZERO_PAGE      0x7000
#define X86_PAGE_TABLES    0x9000
#define X86_CMDLINE_ADDR   0x20000
#define X86_CMDLINE_MAX    0x10000
#define X86_LOW_RAM_END    0x9fc00
#define X86_KERNEL_ADDR    0x100000
#define X86_LOW_RAM_MAX    0xc0000000ull
#define X86_HIGH_RAM_BASE  0x100000000ull

enum { E820_RAM = 1, E820_RESERVED = 2 };

struct e820_entry {
    uint64_t addr, size;
    uint32_t type;
};

struct machine;
/* the machine's memory map as e820 entries; returns the count */
int x86_e820(struct machine *m, struct e820_entry *out, int max);
uint64_t x86_low_ram_size(struct machine *m);
/* the boot GDT at X86_GDT_ADDR; long64 picks a 64-bit code segment */
void x86_write_gdt(struct machine *m, int long64);

/* kernel loaders: 1 when the file is of their kind and was loaded, 0 when not theirs, -1 on error */
int x86_load_pvh(struct machine *m, const uint8_t *img, size_t len, char *err, size_t errlen);
int x86_load_bzimage(struct machine *m, const uint8_t *img, size_t len, char *err, size_t errlen);
/* the MultiProcessor table for the vCPUs of -smp (mptable.c) */
void x86_write_mptable(struct machine *m);
/* -initrd at the top of low RAM below max; 0 or -1 with err */
int x86_load_initrd(struct machine *m, uint64_t max, uint64_t *addr, uint64_t *size, char *err, size_t errlen);

#endif
