/*
 * A minimal virtio-mmio driver for the test guests: device lookup at the
 * microvm's windows, feature negotiation (VERSION_1 only), one split queue
 * and a synchronous request that polls the used ring in RAM (no interrupt
 * set-up, and polling memory costs no exit).  Written from the virtio 1.2
 * spec, sections 3.1.1, 4.2.3 and 2.7.13.
 */
#ifndef GUEST_VIRTIO_H
#define GUEST_VIRTIO_H

#include <stdint.h>

#define VIRTIO_MMIO_BASE 0xfeb00000ul
#define VIRTIO_MMIO_STEP 0x200
#define VQ_NUM 8

struct vq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

struct vq {
    struct vq_desc desc[VQ_NUM];
    uint16_t avail_flags, avail_idx, avail_ring[VQ_NUM], used_event;
    uint8_t pad[4096 - 16 * VQ_NUM - 6 - 2 * VQ_NUM];
    uint16_t used_flags, used_idx;
    struct { uint32_t id, len; } used_ring[VQ_NUM];
    uint16_t avail_event;
} __attribute__((aligned(4096)));

struct vdev {
    volatile uint32_t *r;       /* the register window */
    int index;
    struct vq *q[2];
    uint16_t seen[2];
};

static inline uint32_t vr(struct vdev *d, unsigned off) { return d->r[off / 4]; }
static inline void vw(struct vdev *d, unsigned off, uint32_t v) { d->r[off / 4] = v; }
#define barrier() __asm__ volatile("" ::: "memory")

/* the first window holding device `id`, from slot `from`; 0 when there is none.
 * 32 slots: QEMU's microvm has up to 24 windows and fills them from the top */
static inline int virtio_find_from(struct vdev *d, uint32_t id, int from)
{
    for (int i = from; i < 32; i++) {
        d->r = (volatile uint32_t *)(VIRTIO_MMIO_BASE + i * VIRTIO_MMIO_STEP);
        d->index = i;
        if (vr(d, 0) == 0x74726976 && vr(d, 4) == 2 && vr(d, 8) == id)
            return 1;
    }
    return 0;
}

static inline int virtio_find(struct vdev *d, uint32_t id)
{
    return virtio_find_from(d, id, 0);
}

/* reset, ACKNOWLEDGE, DRIVER, VERSION_1 (+ low features), FEATURES_OK; 1 when accepted */
static inline int virtio_negotiate(struct vdev *d, uint32_t low_features)
{
    vw(d, 0x70, 0);
    vw(d, 0x70, 1);
    vw(d, 0x70, 3);
    vw(d, 0x14, 1);
    if (!(vr(d, 0x10) & 1))     /* VERSION_1 is bit 32 */
        return 0;
    vw(d, 0x24, 0);
    vw(d, 0x20, low_features);
    vw(d, 0x24, 1);
    vw(d, 0x20, 1);
    vw(d, 0x70, 11);
    return (vr(d, 0x70) & 8) != 0;
}

static inline int virtio_queue(struct vdev *d, int i, struct vq *q)
{
    uint64_t a = (uint64_t)(uintptr_t)q;
    vw(d, 0x30, i);
    if (vr(d, 0x34) < VQ_NUM)
        return 0;
    vw(d, 0x38, VQ_NUM);
    vw(d, 0x80, (uint32_t)a);
    vw(d, 0x84, a >> 32);
    a += __builtin_offsetof(struct vq, avail_flags);
    vw(d, 0x90, (uint32_t)a);
    vw(d, 0x94, a >> 32);
    a = (uint64_t)(uintptr_t)&q->used_flags;
    vw(d, 0xa0, (uint32_t)a);
    vw(d, 0xa4, a >> 32);
    vw(d, 0x44, 1);
    d->q[i] = q;
    d->seen[i] = 0;
    return vr(d, 0x44) == 1;
}

static inline void virtio_driver_ok(struct vdev *d)
{
    vw(d, 0x70, 15);
}

/* make descriptors [0, n) a chain, publish it and notify */
static inline void virtio_submit(struct vdev *d, int qi, int n)
{
    struct vq *q = d->q[qi];
    for (int i = 0; i < n; i++) {
        q->desc[i].next = i + 1;
        if (i + 1 < n)
            q->desc[i].flags |= 1;
    }
    q->avail_ring[q->avail_idx % VQ_NUM] = 0;
    barrier();
    q->avail_idx++;
    barrier();
    vw(d, 0x50, qi);
}

/* spin on the used ring (RAM: no exits) until the next completion; its length */
static inline uint32_t virtio_wait(struct vdev *d, int qi)
{
    struct vq *q = d->q[qi];
    while (*(volatile uint16_t *)&q->used_idx == d->seen[qi])
        __asm__ volatile("pause");
    barrier();
    uint32_t len = q->used_ring[d->seen[qi] % VQ_NUM].len;
    d->seen[qi]++;
    vw(d, 0x64, vr(d, 0x60));   /* acknowledge the interrupt status */
    return len;
}

#endif
