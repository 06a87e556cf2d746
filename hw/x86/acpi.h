/*
 * ACPI tables for the microvm board (acpi.c): how Debian's kernel, which
 * has no virtio-mmio command-line devices, finds the virtio-mmio windows
 * (DSDT LNRO0005 devices) and powers off (FADT PM1a control at 0x604, \_S5).
 */
#ifndef HW_X86_ACPI_H
#define HW_X86_ACPI_H

#include <stddef.h>
#include <stdint.h>

/* the RSDP sits here: inside the legacy search area 0xe0000-0xfffff, which e820 marks reserved */
#define X86_ACPI_ADDR  0xe0000
#define X86_ACPI_SIZE  0x10000      /* up to the MP table at 0xf0000 */

/* the PM1a status and enable registers a legacy FADT must name: nothing
 * raises a fixed event here, so they read as zero and ignore writes (microvm.c) */
#define X86_PM1_EVT_PORT 0x600
#define X86_PM1_EVT_LEN  4

struct acpi_board {
    int ncpus;
    int nvirtio;
    uint64_t virtio_base[8];
    int virtio_irq[8];
    uint32_t virtio_size;
};

/* the tables into buf (X86_ACPI_SIZE bytes) as if buf were at guest-physical
 * addr; returns the bytes used, or 0 when they do not fit */
size_t acpi_build(const struct acpi_board *b, uint8_t *buf, uint64_t addr);

struct machine;
/* build them into guest RAM at X86_ACPI_ADDR; returns the RSDP address */
uint64_t x86_write_acpi(struct machine *m);

#endif
