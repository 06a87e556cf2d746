/*
 * An interrupt line as a device sees it: the board wires it to the
 * accelerator's interrupt controller, the device only raises and lowers it.
 */
#ifndef HW_IRQ_H
#define HW_IRQ_H

struct irq_line {
    void (*set)(void *opaque, int irq, int level);
    void *opaque;
    int irq;
};

static inline void irq_set(const struct irq_line *l, int level)
{
    if (l->set)
        l->set(l->opaque, l->irq, level);
}

#endif
