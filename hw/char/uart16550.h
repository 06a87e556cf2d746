/*
 * A 16550A UART (the PC's COM ports) on a chardev.
 */
#ifndef HW_CHAR_UART16550_H
#define HW_CHAR_UART16550_H

#include "hw/irq.h"
#include "sysemu/memory.h"

#include <stdint.h>

struct chardev;

struct uart16550 {
    struct chardev *chr;
    struct irq_line irq;
    uint8_t ier, lcr, mcr, lsr, msr, scr, fcr, dll, dlm;
    uint8_t rx[16];             /* the receive FIFO */
    int rx_head, rx_count;
    bool thr_int;               /* the "THR empty" interrupt is pending (cleared by reading IIR) */
};

extern const struct mem_ops uart16550_ops;
/* chr may be NULL (output dropped) */
void uart16550_init(struct uart16550 *u, struct chardev *chr, struct irq_line irq);

#endif
