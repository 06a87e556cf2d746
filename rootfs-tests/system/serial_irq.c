/*
 * serial_irq: COM1 interrupts through KVM's in-kernel 8259 PIC.  The guest
 * remaps the PIC to vectors 0x20-0x2f, unmasks IRQ 4, enables the UART's
 * "transmitter empty" interrupt (which must fire at once: THR is empty) and
 * then its "data ready" interrupt, and sleeps in hlt; the handler drains the
 * receive FIFO.  Each received line is echoed in upper case; "q" ends the
 * run with the number of interrupts taken as the exit value.
 */
#include "guest.h"

#define COM1 0x3f8

static uint64_t idt[256 * 2] __attribute__((aligned(16)));
static volatile uint32_t irqs, thre_irqs, done;
static char line[64];
static uint32_t len;

void irq4_entry(void);
__asm__(
    "   .text\n"
    "irq4_entry:\n"
    "   push %rax\n"
    "   push %rcx\n"
    "   push %rdx\n"
    "   push %rsi\n"
    "   push %rdi\n"
    "   push %r8\n"
    "   push %r9\n"
    "   push %r10\n"
    "   push %r11\n"
    "   call irq4\n"
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

void irq4(void)
{
    irqs++;
    uint8_t iir = inb(COM1 + 2);
    if ((iir & 0x0f) == 0x02) {
        thre_irqs++;
        outb(COM1 + 1, 0x01);           /* from now on: data ready only */
    }
    while (inb(COM1 + 5) & 1) {
        char c = inb(COM1);
        if (c == 'q') {
            done = 1;
        } else if (c == '\n') {
            line[len] = 0;
            puts_("echo ");
            puts_(line);
            puts_("\n");
            len = 0;
        } else if (len < sizeof(line) - 1) {
            line[len++] = c >= 'a' && c <= 'z' ? c - 32 : c;
        }
    }
    outb(0x20, 0x20);                   /* EOI to the master PIC */
}

uint32_t guest_main(struct hvm_start_info *si)
{
    uint64_t h = (uint64_t)irq4_entry;
    idt[0x24 * 2] = (h & 0xffff) | (uint64_t)0x08 << 16 | (uint64_t)0x8e << 40 | (h >> 16 & 0xffff) << 48;
    idt[0x24 * 2 + 1] = h >> 32;
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) i = { sizeof(idt) - 1, (uint64_t)idt };
    __asm__ volatile("lidt %0" ::"m"(i));

    /* 8259: ICW1 edge+ICW4, ICW2 vector base, ICW3 cascade, ICW4 8086 mode; then masks */
    outb(0x20, 0x11), outb(0x21, 0x20), outb(0x21, 0x04), outb(0x21, 0x01);
    outb(0xa0, 0x11), outb(0xa1, 0x28), outb(0xa1, 0x02), outb(0xa1, 0x01);
    outb(0x21, 0xef);                   /* only IRQ 4 */
    outb(0xa1, 0xff);

    outb(COM1 + 4, 0x08);               /* MCR: OUT2 gates the IRQ on a PC */
    outb(COM1 + 1, 0x02);               /* IER: THR empty */
    puts_("ready\n");
    while (!done)
        __asm__ volatile("sti; hlt; cli");
    puts_("irqs ");
    put_dec(irqs);
    puts_(" thre ");
    put_dec(thre_irqs);
    puts_("\n");
    return thre_irqs == 1 ? 0 : 3;
}
