/*
 * 16550A UART (National Semiconductor PC16550D data sheet: register map,
 * IIR priorities).  Transmission is instantaneous: THR is always empty, so
 * a guest polling LSR never waits; received bytes go through the 16-byte
 * FIFO with the "data ready" interrupt.  Callbacks run under sysemu_lock.
 */
#include "hw/char/uart16550.h"
#include "sysemu/chardev/chardev.h"

#include <string.h>

enum { RBR = 0, IER = 1, IIR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };
#define LCR_DLAB 0x80
#define LSR_DR   0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define IER_RDI  0x01
#define IER_THRI 0x02
#define MCR_LOOP 0x10

static uint8_t uart_iir(struct uart16550 *u)
{
    uint8_t fifo = u->fcr & 1 ? 0xc0 : 0;
    if ((u->ier & IER_RDI) && u->rx_count)
        return fifo | 0x04;
    if ((u->ier & IER_THRI) && u->thr_int)
        return fifo | 0x02;
    return fifo | 0x01;     /* no interrupt pending */
}

static void uart_update_irq(struct uart16550 *u)
{
    irq_set(&u->irq, !(uart_iir(u) & 1));
}

static void uart_rx_push(struct uart16550 *u, uint8_t b)
{
    if (u->rx_count == (int)sizeof(u->rx)) {
        u->lsr |= 0x02;     /* overrun */
        return;
    }
    u->rx[(u->rx_head + u->rx_count++) % sizeof(u->rx)] = b;
    u->lsr |= LSR_DR;
}

static uint64_t uart_read(void *opaque, uint64_t off, unsigned size)
{
    struct uart16550 *u = opaque;
    uint8_t v = 0;
    switch (off) {
    case RBR:
        if (u->lcr & LCR_DLAB)
            return u->dll;
        if (u->rx_count) {
            v = u->rx[u->rx_head];
            u->rx_head = (u->rx_head + 1) % sizeof(u->rx);
            if (--u->rx_count == 0)
                u->lsr &= ~LSR_DR;
        }
        break;
    case IER:
        return u->lcr & LCR_DLAB ? u->dlm : u->ier;
    case IIR:
        v = uart_iir(u);
        if ((v & 0x0f) == 0x02)
            u->thr_int = false;
        break;
    case LCR: return u->lcr;
    case MCR: return u->mcr;
    case LSR:
        v = u->lsr | LSR_THRE | LSR_TEMT;
        u->lsr &= ~0x02;
        return v;
    case MSR:
        /* loopback wires RTS/DTR/OUT1/OUT2 to CTS/DSR/RI/DCD (Linux probes it that way) */
        if (u->mcr & MCR_LOOP)
            return (u->mcr & 0x0f) << 4;
        return 0xb0;    /* DCD, DSR, CTS */
    case SCR: return u->scr;
    }
    uart_update_irq(u);
    return v;
}

static void uart_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    struct uart16550 *u = opaque;
    uint8_t b = val;
    switch (off) {
    case RBR:
        if (u->lcr & LCR_DLAB) {
            u->dll = b;
            return;
        }
        if (u->mcr & MCR_LOOP)
            uart_rx_push(u, b);
        else if (u->chr)
            chardev_write(u->chr, &b, 1);
        u->thr_int = true;
        break;
    case IER:
        if (u->lcr & LCR_DLAB) {
            u->dlm = b;
            return;
        }
        /* enabling the THRE interrupt with THR empty raises it at once */
        if ((b & IER_THRI) && !(u->ier & IER_THRI))
            u->thr_int = true;
        u->ier = b & 0x0f;
        break;
    case IIR:
        u->fcr = b;
        if (b & 0x02) {
            u->rx_count = 0;
            u->lsr &= ~LSR_DR;
        }
        break;
    case LCR: u->lcr = b; return;
    case MCR: u->mcr = b & 0x1f; break;
    case SCR: u->scr = b; return;
    default: return;
    }
    uart_update_irq(u);
}

const struct mem_ops uart16550_ops = { .read = uart_read, .write = uart_write };

static void uart_chr_read(void *opaque, const uint8_t *buf, size_t len)
{
    struct uart16550 *u = opaque;
    sysemu_lock();
    for (size_t i = 0; i < len; i++)
        uart_rx_push(u, buf[i]);
    uart_update_irq(u);
    sysemu_unlock();
}

void uart16550_init(struct uart16550 *u, struct chardev *chr, struct irq_line irq)
{
    memset(u, 0, sizeof(*u));
    u->chr = chr;
    u->irq = irq;
    u->lsr = LSR_THRE | LSR_TEMT;
    if (chr)
        chardev_attach(chr, uart_chr_read, NULL, u);
}
