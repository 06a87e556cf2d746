/*
 * The x86-64 board "microvm": RAM, the in-kernel interrupt controllers and
 * PIT of the accelerator, COM1 (16550A at 0x3f8, IRQ 4), isa-debug-exit at
 * 0xf4, the ACPI PM control port 0x604 for power-off, the i8042 and 0xcf9
 * reset lines, and the CMOS RTC at 0x70.  No PCI and no
 * firmware: the kernel is entered directly (PVH ELF or bzImage), as with
 * QEMU's machine of the same name.
 */
#include "hw/board.h"
#include "hw/char/uart16550.h"
#include "hw/misc/debug_exit.h"
#include "hw/misc/pm_ctrl.h"
#include "hw/virtio/setup.h"
#include "hw/misc/reset_ports.h"
#include "hw/rtc/mc146818.h"
#include "hw/x86/acpi.h"
#include "hw/x86/layout.h"
#include "sysemu/machine.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MICROVM_VIRTIO_BASE  0xfeb00000ull
#define MICROVM_VIRTIO_IRQ   16
#define MICROVM_VIRTIO_SLOTS 8

struct microvm {
    struct uart16550 com1;
    struct mc146818 rtc;
};

static void microvm_irq(void *opaque, int irq, int level)
{
    struct machine *m = opaque;
    m->accel->irq_line(m, irq, level);
}

static uint64_t pm_evt_read(void *opaque, uint64_t off, unsigned size)
{
    return 0;
}

static void pm_evt_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
}

/* PM1a status/enable (acpi.h): no fixed event is ever raised, so no status bit is set */
static const struct mem_ops pm_evt_ops = { .read = pm_evt_read, .write = pm_evt_write };

static int add_ram(struct machine *m, const char *name, uint64_t base, uint64_t size, char *err, size_t errlen)
{
    struct mem_region *r = as_add_ram(&m->mem, name, base, size);
    if (!r) {
        snprintf(err, errlen, "cannot allocate %llu MiB of guest RAM: %s", (unsigned long long)(size >> 20),
                 strerror(errno));
        return -1;
    }
    return m->accel->map_ram(m, r, err, errlen);
}

static int microvm_init(struct machine *m, char *err, size_t errlen)
{
    struct microvm *b = calloc(1, sizeof(*b));
    m->board_state = b;
    uint64_t low = x86_low_ram_size(m);
    if (add_ram(m, "ram-below-4g", 0, low, err, errlen) < 0)
        return -1;
    if (m->ram_size > low && add_ram(m, "ram-above-4g", X86_HIGH_RAM_BASE, m->ram_size - low, err, errlen) < 0)
        return -1;

    uart16550_init(&b->com1, m->serial, (struct irq_line){ microvm_irq, m, 4 });
    as_add_io(&m->io, "serial", 0x3f8, 8, &uart16550_ops, &b->com1);
    as_add_io(&m->io, "isa-debug-exit", 0xf4, 1, &debug_exit_ops, m);
    as_add_io(&m->io, "acpi-pm-cnt", PM_CTRL_PORT, 2, &pm_ctrl_ops, m);
    as_add_io(&m->io, "acpi-pm-evt", X86_PM1_EVT_PORT, X86_PM1_EVT_LEN, &pm_evt_ops, m);
    as_add_io(&m->io, "i8042", 0x60, 5, &i8042_ops, m);
    mc146818_init(&b->rtc);
    as_add_io(&m->io, "rtc", 0x70, 2, &mc146818_ops, &b->rtc);
    as_add_io(&m->io, "reset-control", 0xcf9, 1, &rcr_ops, m);
    /* -drive/-device virtio devices: 0x200-byte windows from MICROVM_VIRTIO_BASE,
     * interrupts on IOAPIC pins 16-23 (no ISA device shares them), announced
     * to Linux on its command line and in the DSDT (acpi.c) */
    if (virtio_mmio_attach(m, MICROVM_VIRTIO_BASE, MICROVM_VIRTIO_IRQ, MICROVM_VIRTIO_SLOTS, err, errlen) < 0 ||
        virtio_append_cmdline(m) < 0)
        return -1;
    return 0;
}

static int microvm_load(struct machine *m, char *err, size_t errlen)
{
    virtio_devices_reset();
    if (!m->kernel) {
        /* nothing to run: the vCPUs stay in their power-on wait (QEMU would run firmware here) */
        m->boot.mode = X86_BOOT_NONE;
        return 0;
    }
    int fd = open(m->kernel, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        snprintf(err, errlen, "%s: %s", m->kernel, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode) || st.st_size == 0) {
        snprintf(err, errlen, "%s: not a kernel image (%s)", m->kernel,
                 S_ISDIR(st.st_mode) ? "a directory" : "an empty or special file");
        close(fd);
        return -1;
    }
    uint8_t *img = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (img == MAP_FAILED) {
        snprintf(err, errlen, "%s: %s", m->kernel, strerror(errno));
        return -1;
    }
    x86_write_mptable(m);
    int r = x86_load_pvh(m, img, st.st_size, err, errlen);
    if (r == 0)
        r = x86_load_bzimage(m, img, st.st_size, err, errlen);
    if (r == 0) {
        snprintf(err, errlen, "%s: not a kernel this board can boot (neither a PVH ELF nor a Linux bzImage)",
                 m->kernel);
        r = -1;
    }
    munmap(img, st.st_size);
    return r < 0 ? -1 : 0;
}

const struct board board_microvm = {
    .name = "microvm",
    .desc = "x86-64 microvm: COM1, isa-debug-exit, PM power-off; PVH ELF or bzImage kernels",
    .arch = "x86",
    .max_cpus = MACHINE_MAX_CPUS,
    .init = microvm_init,
    .load = microvm_load,
};
