/*
 * An Intel MultiProcessor Specification 1.4 table (chapter 4): how a guest
 * without ACPI learns the processors of -smp, the I/O APIC and the routing
 * of the ISA interrupts.  Linux reads it (CONFIG_X86_MPPARSE) when it
 * finds no ACPI tables (acpi.c) or runs with acpi=off; the smp test guest
 * counts its processors from it.  The floating pointer sits at the start of
 * the BIOS area (0xf0000), which e820 marks reserved, the table after it.
 */
#include "hw/x86/layout.h"
#include "sysemu/machine.h"

#include <string.h>

#define MP_FLOAT_ADDR   0xf0000
#define MP_TABLE_ADDR   (MP_FLOAT_ADDR + 16)
#define LAPIC_ADDR      0xfee00000u
#define IOAPIC_ADDR     0xfec00000u

enum { MP_PROCESSOR, MP_BUS, MP_IOAPIC, MP_INTSRC, MP_LINTSRC };
enum { MP_INT, MP_NMI, MP_SMI, MP_EXTINT };

static uint8_t checksum(const uint8_t *p, size_t n)
{
    uint8_t sum = 0;
    while (n--)
        sum += *p++;
    return -sum;
}

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

static uint8_t *intsrc(uint8_t *e, uint8_t kind, uint8_t bus_irq, uint8_t apic, uint8_t pin)
{
    e[0] = apic == 0xff ? MP_LINTSRC : MP_INTSRC;
    e[1] = kind;
    put16(e + 2, 0);        /* polarity and trigger: as the bus says */
    e[4] = 0;               /* source bus: ISA */
    e[5] = bus_irq;
    e[6] = apic;
    e[7] = pin;
    return e + 8;
}

void x86_write_mptable(struct machine *m)
{
    uint8_t *base = as_ram_ptr(&m->mem, MP_FLOAT_ADDR, 0x10000);
    memset(base, 0, 0x10000);
    uint8_t *t = base + 16, *e = t + 44;
    int entries = 0;
    uint8_t ioapic_id = m->smp;

    for (int i = 0; i < m->smp; i++, entries++) {
        e[0] = MP_PROCESSOR;
        e[1] = i;                               /* local APIC id, as cpuid.c sets it */
        e[2] = 0x14;                            /* local APIC version (integrated) */
        e[3] = 1 | (i == 0 ? 2 : 0);            /* enabled, bootstrap processor */
        put32(e + 4, 0x600);                    /* family 6 */
        put32(e + 8, 0x201);                    /* FPU, APIC */
        e += 20;
    }
    e[0] = MP_BUS;
    memcpy(e + 2, "ISA   ", 6);
    e += 8, entries++;
    e[0] = MP_IOAPIC;
    e[1] = ioapic_id;
    e[2] = 0x11;                                /* I/O APIC version */
    e[3] = 1;                                   /* enabled */
    put32(e + 4, IOAPIC_ADDR);
    e += 8, entries++;
    /* ISA IRQs to I/O APIC pins 1:1, except the PIT (IRQ 0) on pin 2, as KVM's in-kernel I/O APIC has it */
    e = intsrc(e, MP_EXTINT, 0, ioapic_id, 0), entries++;
    for (int irq = 0; irq < 16; irq++) {
        if (irq == 2)
            continue;
        e = intsrc(e, MP_INT, irq, ioapic_id, irq == 0 ? 2 : irq), entries++;
    }
    /* the virtio-mmio lines on pins 16-23 (hw/x86/microvm.c): Linux maps an
     * interrupt only through an entry, as Firecracker's table does for them */
    for (int pin = 16; pin < 24; pin++)
        e = intsrc(e, MP_INT, pin, ioapic_id, pin), entries++;
    e = intsrc(e, MP_EXTINT, 0, 0xff, 0), entries++;    /* LINT0 of every CPU: the 8259 */
    e = intsrc(e, MP_NMI, 0, 0xff, 1), entries++;       /* LINT1: NMI */

    memcpy(t, "PCMP", 4);
    put16(t + 4, e - t);
    t[6] = 4;                                   /* spec revision 1.4 */
    memcpy(t + 8, "RUNTIME ", 8);
    memcpy(t + 16, "MICROVM     ", 12);
    put16(t + 34, entries);
    put32(t + 36, LAPIC_ADDR);
    t[7] = checksum(t, e - t);

    memcpy(base, "_MP_", 4);
    put32(base + 4, MP_TABLE_ADDR);
    base[8] = 1;                                /* length in 16-byte units */
    base[9] = 4;
    base[10] = checksum(base, 16);
}
