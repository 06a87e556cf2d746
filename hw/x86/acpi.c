/*
 * ACPI tables for microvm (acpi.h): RSDP 2.0, XSDT, FADT 6.x, MADT, DSDT.
 * The FADT is a legacy (not hardware-reduced) one: the board's power-off
 * port 0x604 is a PM1a control block, so Linux's S5 write (SLP_TYP 5 |
 * SLP_EN) lands on hw/misc/pm_ctrl.c; SMI_CMD is 0, so ACPI counts as
 * already enabled and no SMI handshake is tried.  Facts from the ACPI 6.4
 * specification (chapters 5 and 20).  RUNTIME_SYSTEM_DUMP_ACPI=DIR writes
 * each table to DIR/NAME.dat for acpica-tools (rootfs-tests/acpi.bats).
 */
#include "hw/x86/acpi.h"
#include "hw/x86/acpi_aml.h"
#include "hw/x86/layout.h"
#include "hw/misc/pm_ctrl.h"
#include "hw/virtio/setup.h"
#include "hw/virtio/virtio.h"
#include "sysemu/machine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LAPIC_ADDR   0xfee00000u
#define IOAPIC_ADDR  0xfec00000u
#define SCI_IRQ      9

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static uint8_t checksum(const uint8_t *p, size_t n)
{
    uint8_t sum = 0;
    while (n--)
        sum += *p++;
    return -sum;
}

static void header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
    memcpy(t, sig, 4);
    put32(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, "RUNTME", 6);
    memcpy(t + 16, "MICROVM ", 8);
    put32(t + 24, 1);
    memcpy(t + 28, "RTIM", 4);
    put32(t + 32, 1);
    t[9] = 0;
    t[9] = checksum(t, len);
}

/* a Generic Address Structure for a system I/O port of width bits */
static void gas_io(uint8_t *g, uint16_t port, int bits)
{
    g[0] = 1;                       /* system I/O */
    g[1] = bits;
    g[2] = 0;
    g[3] = bits == 8 ? 1 : bits == 16 ? 2 : 3;  /* access size: byte, word, dword */
    put64(g + 4, port);
}

static size_t build_dsdt(const struct acpi_board *b, uint8_t *t, size_t room)
{
    struct aml root = { .len = 0 }, sb = { .len = 0 }, dev;

    /* \_S5: SLP_TYP 5 for PM1a and PM1b, as pm_ctrl.c decodes power-off */
    static const uint8_t s5[] = { 5, 5, 0, 0 };
    aml_name(&root, "\\_S5_");
    aml_package_ints(&root, s5, 4);

    /* COM1: IO(Decode16, 0x3f8, 0x3f8, 0, 8) and IRQNoFlags(){4} */
    static const uint8_t com1_crs[] = { 0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x00, 0x08,
                                        0x22, 0x10, 0x00, 0x79, 0x00 };
    dev = (struct aml){ .len = 0 };
    aml_name(&dev, "_HID");
    aml_eisaid(&dev, "PNP0501");
    aml_name(&dev, "_UID");
    aml_int(&dev, 1);
    aml_name(&dev, "_CRS");
    aml_buffer(&dev, com1_crs, sizeof(com1_crs));
    aml_device(&sb, "COM1", &dev);

    /* virtio-mmio: Memory32Fixed(ReadWrite, base, size) and
     * Interrupt(ResourceConsumer, Level, ActiveHigh, Exclusive){gsi}, as QEMU describes them */
    for (int i = 0; i < b->nvirtio; i++) {
        uint8_t crs[12 + 9 + 2] = { 0x86, 9, 0, 1 };
        put32(crs + 4, b->virtio_base[i]);
        put32(crs + 8, b->virtio_size);
        uint8_t *x = crs + 12;
        x[0] = 0x89, x[1] = 6, x[2] = 0;
        x[3] = 0x01;                /* consumer; level; active high; exclusive */
        x[4] = 1;
        put32(x + 5, b->virtio_irq[i]);
        crs[21] = 0x79, crs[22] = 0;
        char name[5];
        snprintf(name, sizeof(name), "VR%02d", i);
        dev = (struct aml){ .len = 0 };
        aml_name(&dev, "_HID");
        aml_string(&dev, "LNRO0005");
        aml_name(&dev, "_UID");
        aml_int(&dev, i);
        aml_name(&dev, "_CRS");
        aml_buffer(&dev, crs, sizeof(crs));
        aml_device(&sb, name, &dev);
    }
    aml_scope(&root, "\\_SB_", &sb);
    if (root.overflow || 36 + root.len > room)
        return 0;
    memcpy(t + 36, root.buf, root.len);
    header(t, "DSDT", 36 + root.len, 2);
    return 36 + root.len;
}

static size_t build_fadt(uint8_t *t, uint64_t facs, uint64_t dsdt)
{
    put32(t + 36, facs);            /* below 4 GiB: X_FIRMWARE_CTRL must then stay 0 */
    const size_t len = 276;
    t[45] = 0;                      /* preferred PM profile: unspecified */
    put16(t + 46, SCI_IRQ);
    put32(t + 56, X86_PM1_EVT_PORT);
    put32(t + 64, PM_CTRL_PORT);
    t[88] = X86_PM1_EVT_LEN;        /* status and enable, 2 bytes each */
    t[89] = 2;                      /* PM1_CNT_LEN */
    put16(t + 96, 101);             /* P_LVL2_LAT > 100: no C2 */
    put16(t + 98, 1001);            /* P_LVL3_LAT > 1000: no C3 */
    put16(t + 109, 1 << 2 | 1 << 3);    /* IAPC_BOOT_ARCH: no VGA, no MSI (there is no PCI) */
    put32(t + 112, 1 << 0 | 1 << 4 | 1 << 5);   /* WBINVD works; no fixed power or sleep button */
    t[131] = 4;                     /* FADT minor version: 6.4 */
    put32(t + 40, dsdt);
    put64(t + 140, dsdt);
    gas_io(t + 148, X86_PM1_EVT_PORT, 32);
    gas_io(t + 172, PM_CTRL_PORT, 16);
    memcpy(t + 268, "RUNTIME ", 8);
    header(t, "FACP", len, 6);
    return len;
}

static size_t build_madt(const struct acpi_board *b, uint8_t *t)
{
    uint8_t *e = t + 44;
    put32(t + 36, LAPIC_ADDR);
    put32(t + 40, 1);               /* PCAT_COMPAT: KVM's in-kernel 8259 pair is there, as QEMU's microvm says with its PIC */
    for (int i = 0; i < b->ncpus; i++, e += 8) {
        e[0] = 0, e[1] = 8;         /* processor local APIC */
        e[2] = i, e[3] = i;         /* ACPI processor UID, APIC id as cpuid.c sets it */
        put32(e + 4, 1);            /* enabled */
    }
    e[0] = 1, e[1] = 12, e[2] = b->ncpus, e[3] = 0;
    put32(e + 4, IOAPIC_ADDR);
    put32(e + 8, 0);                /* GSI base */
    e += 12;
    /* interrupt source overrides: the PIT on pin 2, the SCI level-triggered active high */
    e[0] = 2, e[1] = 10, e[2] = 0, e[3] = 0;
    put32(e + 4, 2);
    put16(e + 8, 0);
    e += 10;
    e[0] = 2, e[1] = 10, e[2] = 0, e[3] = SCI_IRQ;
    put32(e + 4, SCI_IRQ);
    put16(e + 8, 0x000d);           /* active high, level */
    e += 10;
    /* LINT1 of every processor: NMI */
    e[0] = 4, e[1] = 6, e[2] = 0xff;
    put16(e + 3, 0);
    e[5] = 1;
    e += 6;
    header(t, "APIC", e - t, 5);
    return e - t;
}

size_t acpi_build(const struct acpi_board *b, uint8_t *buf, uint64_t addr)
{
    memset(buf, 0, X86_ACPI_SIZE);
    /* the RSDP first, so it is on the 16-byte boundary the legacy search wants */
    size_t rsdp = 0, xsdt = 64, fadt = 128, facs = 448, madt = 512, dsdt = madt + 44 + 8 * (size_t)b->ncpus + 64;
    dsdt = (dsdt + 15) & ~(size_t)15;
    if (dsdt >= X86_ACPI_SIZE)
        return 0;
    size_t dlen = build_dsdt(b, buf + dsdt, X86_ACPI_SIZE - dsdt);
    if (!dlen)
        return 0;
    /* a legacy FADT needs a FACS (ACPICA's global lock lives there): 64-byte aligned, no checksum */
    memcpy(buf + facs, "FACS", 4);
    put32(buf + facs + 4, 64);
    buf[facs + 32] = 2;             /* version */
    build_fadt(buf + fadt, addr + facs, addr + dsdt);
    size_t mlen = build_madt(b, buf + madt);
    if (madt + mlen > dsdt)
        return 0;

    put64(buf + xsdt + 36, addr + fadt);
    put64(buf + xsdt + 44, addr + madt);
    header(buf + xsdt, "XSDT", 52, 1);

    uint8_t *r = buf + rsdp;
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "RUNTME", 6);
    r[15] = 2;                      /* revision: ACPI 2.0+ */
    put32(r + 20, 36);
    put64(r + 24, addr + xsdt);
    r[8] = checksum(r, 20);
    r[32] = checksum(r, 36);
    return dsdt + dlen;
}

static void dump(const char *dir, const uint8_t *buf, uint64_t addr)
{
    uint64_t x;
    memcpy(&x, buf + 24, 8);
    const uint8_t *xsdt = buf + (x - addr);
    const uint8_t *tabs[4] = { xsdt };
    int n = 1;
    for (int i = 0; i < 2; i++) {
        uint64_t a;
        memcpy(&a, xsdt + 36 + 8 * i, 8);
        tabs[n++] = buf + (a - addr);
    }
    uint64_t d;
    memcpy(&d, tabs[1] + 140, 8);
    tabs[n++] = buf + (d - addr);
    char path[4096];
    snprintf(path, sizeof(path), "%s/RSDP.dat", dir);
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(buf, 1, 36, f);
        fclose(f);
    }
    for (int i = 0; i < n; i++) {
        uint32_t len;
        memcpy(&len, tabs[i] + 4, 4);
        snprintf(path, sizeof(path), "%s/%.4s.dat", dir, (const char *)tabs[i]);
        f = fopen(path, "wb");
        if (!f || fwrite(tabs[i], 1, len, f) != len)
            fprintf(stderr, "runtime-system: RUNTIME_SYSTEM_DUMP_ACPI: cannot write %s\n", path);
        if (f)
            fclose(f);
    }
}

uint64_t x86_write_acpi(struct machine *m)
{
    struct acpi_board b = { .ncpus = m->smp, .virtio_size = VIRTIO_MMIO_SIZE };
    b.nvirtio = virtio_mmio_windows(b.virtio_base, b.virtio_irq, 8);
    uint8_t *buf = as_ram_ptr(&m->mem, X86_ACPI_ADDR, X86_ACPI_SIZE);
    if (!buf || !acpi_build(&b, buf, X86_ACPI_ADDR))
        return 0;
    const char *dir = getenv("RUNTIME_SYSTEM_DUMP_ACPI");
    if (dir && *dir)
        dump(dir, buf, X86_ACPI_ADDR);
    return X86_ACPI_ADDR;
}
