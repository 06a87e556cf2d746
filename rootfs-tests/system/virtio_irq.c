/*
 * virtio_irq: the virtio-blk completion interrupt end to end.  The guest
 * ("second": of the second virtio-blk device) routes I/O APIC pin 16 + the
 * device's slot (level-triggered, as the
 * virtio-mmio line is) to vector 0x30 on its local APIC, reads sector 0 and
 * sleeps in hlt until the interrupt; the handler acknowledges
 * InterruptStatus, then the local APIC (whose EOI also ends the level
 * interrupt at the I/O APIC).  Prints how many interrupts came and the
 * checksum of the sector, as virtio_blk does.
 */
#include "guest.h"
#include "virtio.h"

#define IOAPIC 0xfec00000ul
#define LAPIC  0xfee00000ul

static struct vq q0;
static uint8_t sector[512] __attribute__((aligned(512)));
static struct { uint32_t type, reserved; uint64_t sector; } hdr;
static uint8_t status;
static uint64_t idt[256 * 2] __attribute__((aligned(16)));
static struct vdev dev;
static volatile uint32_t irqs, isr_seen;

void virtio_irq_entry(void);
__asm__(
    "   .text\n"
    "virtio_irq_entry:\n"
    "   push %rax\n"
    "   push %rcx\n"
    "   push %rdx\n"
    "   push %rsi\n"
    "   push %rdi\n"
    "   push %r8\n"
    "   push %r9\n"
    "   push %r10\n"
    "   push %r11\n"
    "   call virtio_irq\n"
    "   pop %r11\n"
    "   pop %r10\n"
    "   pop %r9\n"
    "   pop %r8\n"
    "   pop %rdi\n"
    "   pop %rsi\n"
    "   pop %rdx\n"
    "   pop %rcx\n"
    "   pop %rax\n"
    "   iretq\n");

void virtio_irq(void)
{
    uint32_t isr = vr(&dev, 0x60);
    isr_seen |= isr;
    vw(&dev, 0x64, isr);                            /* the line drops */
    irqs++;
    *(volatile uint32_t *)(LAPIC + 0xb0) = 0;       /* EOI */
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
    *(volatile uint32_t *)IOAPIC = reg;
    *(volatile uint32_t *)(IOAPIC + 0x10) = v;
}

static uint32_t fnv1a(const uint8_t *p, int n)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

uint32_t guest_main(struct hvm_start_info *si)
{
    struct vdev *d = &dev;
    /* "second": the second virtio-blk device, so that its slot (and pin) is not 0 */
    int found = virtio_find(d, 2);
    if (found && cmdline_arg(si, "second"))
        found = virtio_find_from(d, 2, d->index + 1);
    if (!found) {
        puts_("virtio-blk: no device\n");
        return 1;
    }
    uint64_t h = (uint64_t)virtio_irq_entry;
    idt[0x30 * 2] = (h & 0xffff) | (uint64_t)0x08 << 16 | (uint64_t)0x8e << 40 | (h >> 16 & 0xffff) << 48;
    idt[0x30 * 2 + 1] = h >> 32;
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) i = { sizeof(idt) - 1, (uint64_t)idt };
    __asm__ volatile("lidt %0" ::"m"(i));
    outb(0x21, 0xff);                               /* the 8259s stay masked */
    outb(0xa1, 0xff);
    *(volatile uint32_t *)(LAPIC + 0xf0) = 0x1ff;   /* spurious vector 0xff, APIC software-enabled */
    uint32_t pin = 16 + d->index;
    ioapic_write(0x10 + 2 * pin + 1, 0);            /* destination: APIC id 0 */
    ioapic_write(0x10 + 2 * pin, 0x30 | 1 << 15);   /* vector 0x30, fixed, level, active high, unmasked */

    if (!virtio_negotiate(d, 0) || !virtio_queue(d, 0, &q0)) {
        puts_("virtio-blk: negotiation or queue set-up refused\n");
        return 2;
    }
    virtio_driver_ok(d);
    hdr.type = 0;
    hdr.sector = 0;
    status = 0xff;
    q0.desc[0] = (struct vq_desc){ (uintptr_t)&hdr, 16, 0, 0 };
    q0.desc[1] = (struct vq_desc){ (uintptr_t)sector, 512, 2, 0 };
    q0.desc[2] = (struct vq_desc){ (uintptr_t)&status, 1, 2, 0 };
    virtio_submit(d, 0, 3);
    /* sti; hlt is atomic with respect to interrupts: no wake-up is lost */
    while (!irqs)
        __asm__ volatile("sti; hlt; cli");
    puts_("slot ");
    put_dec(d->index);
    puts_(" irqs ");
    put_dec(irqs);
    puts_(" isr ");
    put_dec(isr_seen);
    puts_(" used ");
    put_dec(*(volatile uint16_t *)&q0.used_idx);
    puts_(" status ");
    put_dec(status);
    puts_(" sector0 fnv1a ");
    put_hex(fnv1a(sector, 512));
    puts_("\n");
    /* "debugexit": end through isa-debug-exit (status 1), which QEMU's microvm has
     * and its PM port does not, for the comparison with qemu-system-x86_64 */
    if (cmdline_arg(si, "debugexit"))
        return 0;
    poweroff();
}
