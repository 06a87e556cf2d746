/*
 * The driver side of virtio-mmio for the unit tests: a fake guest RAM
 * buffer, an interrupt line that counts, and the steps of the spec's driver
 * initialisation (3.1.1) and of making buffers available (2.7.13), written
 * from the spec, not from the device code, so that both can be wrong apart.
 */
#ifndef HW_VIRTIO_TESTS_DRIVER_H
#define HW_VIRTIO_TESTS_DRIVER_H

#include "hw/virtio/virtio.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RAM_BASE 0x100000ull            /* gpa 0 is outside RAM on purpose */
#define RAM_SIZE (8ull << 20)

static uint8_t *ram __attribute__((unused));
static int irq_level __attribute__((unused)), irq_raises __attribute__((unused));

static inline void *fake_ptr(void *opaque, uint64_t gpa, uint64_t len)
{
    if (gpa < RAM_BASE || gpa - RAM_BASE > RAM_SIZE || len > RAM_SIZE - (gpa - RAM_BASE))
        return NULL;
    return ram + (gpa - RAM_BASE);
}

static inline void fake_irq(void *opaque, int level)
{
    if (level && !__atomic_load_n(&irq_level, __ATOMIC_RELAXED))
        __atomic_add_fetch(&irq_raises, 1, __ATOMIC_RELAXED);
    __atomic_store_n(&irq_level, level, __ATOMIC_RELAXED);
}

static inline struct virtio_mem fake_mem(void)
{
    return (struct virtio_mem){ fake_ptr, NULL };
}

static inline struct virtio_irq fake_irq_line(void)
{
    return (struct virtio_irq){ fake_irq, NULL };
}

static inline void *gpa(uint64_t a)
{
    return ram + (a - RAM_BASE);
}

static inline uint32_t rd(struct virtio_dev *d, uint64_t off)
{
    return virtio_mmio_read(d, off, 4);
}

static inline void wr(struct virtio_dev *d, uint64_t off, uint32_t v)
{
    virtio_mmio_write(d, off, v, 4);
}

/* one queue as the driver keeps it */
struct drv_queue {
    int index;
    uint16_t num;
    uint64_t desc, avail, used;     /* gpas */
    uint16_t avail_idx, used_seen, next_desc;
};

static inline volatile uint16_t *avail_ring(struct drv_queue *q) { return gpa(q->avail); }
static inline volatile uint16_t *used_ring(struct drv_queue *q) { return gpa(q->used); }
static inline struct vring_desc *desc_table(struct drv_queue *q) { return gpa(q->desc); }

static inline uint64_t dev_features(struct virtio_dev *d)
{
    wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint64_t f = rd(d, VIRTIO_MMIO_DEVICE_FEATURES);
    wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    return f | (uint64_t)rd(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
}

/* 3.1.1 steps 1-6: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK; true when the device kept it */
static inline bool drv_negotiate(struct virtio_dev *d, uint64_t features)
{
    wr(d, VIRTIO_MMIO_STATUS, 0);
    wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
    wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(d, VIRTIO_MMIO_DRIVER_FEATURES, features >> 32);
    wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    return rd(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK;
}

/* lay queue i out at base (desc, avail, used back to back) and make it ready */
static inline bool drv_queue_setup(struct virtio_dev *d, struct drv_queue *q, int i, uint16_t num, uint64_t base)
{
    memset(q, 0, sizeof(*q));
    q->index = i;
    q->num = num;
    q->desc = base;
    q->avail = base + 16ull * num;
    q->used = (q->avail + 6 + 2ull * num + 3) & ~3ull;
    memset(gpa(base), 0, q->used + 6 + 8ull * num - base);
    wr(d, VIRTIO_MMIO_QUEUE_SEL, i);
    wr(d, VIRTIO_MMIO_QUEUE_NUM, num);
    wr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)q->desc);
    wr(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, q->desc >> 32);
    wr(d, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)q->avail);
    wr(d, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, q->avail >> 32);
    wr(d, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)q->used);
    wr(d, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, q->used >> 32);
    wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
    return rd(d, VIRTIO_MMIO_QUEUE_READY) == 1;
}

static inline void drv_ok(struct virtio_dev *d)
{
    wr(d, VIRTIO_MMIO_STATUS, rd(d, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

struct drv_buf {
    uint64_t addr;
    uint32_t len;
    bool write;             /* device-writable */
};

/* write a chain of n buffers into the descriptor table from slot `first`;
 * with `indirect`, into a table at indirect_gpa pointed to by one descriptor */
static inline uint16_t drv_chain(struct drv_queue *q, uint16_t first, const struct drv_buf *b, int n,
                          uint64_t indirect_gpa)
{
    struct vring_desc *t = indirect_gpa ? gpa(indirect_gpa) : desc_table(q);
    uint16_t base = indirect_gpa ? 0 : first;
    for (int i = 0; i < n; i++) {
        t[base + i] = (struct vring_desc){ b[i].addr, b[i].len,
                                           (b[i].write ? VRING_DESC_F_WRITE : 0) |
                                           (i + 1 < n ? VRING_DESC_F_NEXT : 0),
                                           (uint16_t)(base + i + 1) };
    }
    if (indirect_gpa)
        desc_table(q)[first] = (struct vring_desc){ indirect_gpa, 16u * n, VRING_DESC_F_INDIRECT, 0 };
    return first;
}

/* make the chain at head available (2.7.13) without notifying */
static inline void drv_publish(struct drv_queue *q, uint16_t head)
{
    volatile uint16_t *a = avail_ring(q);
    a[2 + (q->avail_idx & (q->num - 1))] = head;
    q->avail_idx++;
    __atomic_store_n(&a[1], q->avail_idx, __ATOMIC_RELEASE);
}

static inline void drv_notify(struct virtio_dev *d, struct drv_queue *q)
{
    wr(d, VIRTIO_MMIO_QUEUE_NOTIFY, q->index);
}

/* wait up to 5 s for the used index to reach `want`; false on time-out */
static inline bool drv_wait_used(struct drv_queue *q, uint16_t want)
{
    for (int i = 0; i < 5000; i++) {
        if (__atomic_load_n(&used_ring(q)[1], __ATOMIC_ACQUIRE) == want)
            return true;
        usleep(1000);
    }
    return false;
}

/* wait up to 5 s for a status bit (DEVICE_NEEDS_RESET) */
static inline bool drv_wait_status(struct virtio_dev *d, uint32_t bit)
{
    for (int i = 0; i < 5000; i++) {
        if (rd(d, VIRTIO_MMIO_STATUS) & bit)
            return true;
        usleep(1000);
    }
    return false;
}

/* the used element for the i-th completion: id and written length */
static inline void drv_used_elem(struct drv_queue *q, uint16_t i, uint32_t *id, uint32_t *len)
{
    volatile uint32_t *e = (volatile uint32_t *)(used_ring(q) + 2);
    *id = e[2 * (i & (q->num - 1))];
    *len = e[2 * (i & (q->num - 1)) + 1];
}

#endif
