/*
 * The virtio-mmio transport, version 2 (virtio 1.2 spec, 4.2.2): the
 * register window, feature negotiation, queue setup and device status.
 *
 * Called on vCPU threads; every access takes the device lock, which the I/O
 * thread also holds while it works on the rings, so a driver reset waits for
 * a request in flight to finish instead of pulling the rings from under it.
 */
#include "hw/virtio/virtio.h"
#include "sysemu/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool virtio_has_feature(const struct virtio_dev *d, int bit)
{
    return d->guest_features >> bit & 1;
}

bool virtio_dev_broken(const struct virtio_dev *d)
{
    return d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET;
}

static void virtio_update_irq(struct virtio_dev *d)
{
    if (d->irq.set)
        d->irq.set(d->irq.opaque, d->isr != 0);
}

void virtio_dev_interrupt(struct virtio_dev *d, uint32_t bits)
{
    d->isr |= bits;
    virtio_update_irq(d);
}

void virtio_dev_error(struct virtio_dev *d, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    sysemu_log(LOG_GUEST_ERRORS, "%s: %s; device needs reset", d->ops->name, msg);
    if (virtio_dev_broken(d))
        return;
    /* 2.1.2: set DEVICE_NEEDS_RESET and, once the driver is up, tell it through a config change */
    d->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
    if (d->status & VIRTIO_STATUS_DRIVER_OK)
        virtio_dev_interrupt(d, VIRTIO_INT_CONFIG);
}

void virtio_dev_reset(struct virtio_dev *d)
{
    d->status = 0;
    d->isr = 0;
    d->guest_features = 0;
    d->host_features_sel = d->guest_features_sel = 0;
    d->queue_sel = 0;
    memset(d->vq, 0, sizeof(d->vq));
    __atomic_store_n(&d->pending, 0, __ATOMIC_RELAXED);
    if (d->ops->reset)
        d->ops->reset(d);
    virtio_update_irq(d);
}

static struct virtqueue *cur_vq(struct virtio_dev *d)
{
    return d->queue_sel < (uint32_t)d->ops->num_queues ? &d->vq[d->queue_sel] : NULL;
}

static uint64_t config_read(struct virtio_dev *d, uint64_t off, unsigned size)
{
    uint64_t v = 0;
    if (off + size > d->config_len)
        return 0;
    memcpy(&v, d->config + off, size);      /* little-endian host, little-endian config */
    return v;
}

uint64_t virtio_mmio_read(void *opaque, uint64_t off, unsigned size)
{
    struct virtio_dev *d = opaque;
    struct virtqueue *q;
    uint64_t v = 0;

    pthread_mutex_lock(&d->lock);
    if (off >= VIRTIO_MMIO_CONFIG) {
        v = config_read(d, off - VIRTIO_MMIO_CONFIG, size);
        goto out;
    }
    if (size != 4 || off % 4) {
        sysemu_log(LOG_GUEST_ERRORS, "%s: %u-byte read of register 0x%llx", d->ops->name, size,
                   (unsigned long long)off);
        goto out;
    }
    q = cur_vq(d);
    switch (off) {
    case VIRTIO_MMIO_MAGIC_VALUE: v = VIRTIO_MMIO_MAGIC; break;
    case VIRTIO_MMIO_VERSION: v = 2; break;
    case VIRTIO_MMIO_DEVICE_ID: v = d->ops->device_id; break;
    case VIRTIO_MMIO_VENDOR_ID: v = VIRTIO_MMIO_VENDOR; break;
    case VIRTIO_MMIO_DEVICE_FEATURES:
        v = d->host_features_sel < 2 ? (uint32_t)(d->host_features >> (32 * d->host_features_sel)) : 0;
        break;
    case VIRTIO_MMIO_QUEUE_NUM_MAX: v = q ? VIRTQ_MAX_SIZE : 0; break;
    case VIRTIO_MMIO_QUEUE_READY: v = q && q->ready; break;
    case VIRTIO_MMIO_INTERRUPT_STATUS: v = d->isr; break;
    case VIRTIO_MMIO_STATUS: v = d->status; break;
    case VIRTIO_MMIO_QUEUE_DESC_LOW: v = q ? (uint32_t)q->desc_gpa : 0; break;
    case VIRTIO_MMIO_QUEUE_DESC_HIGH: v = q ? q->desc_gpa >> 32 : 0; break;
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW: v = q ? (uint32_t)q->avail_gpa : 0; break;
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH: v = q ? q->avail_gpa >> 32 : 0; break;
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW: v = q ? (uint32_t)q->used_gpa : 0; break;
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH: v = q ? q->used_gpa >> 32 : 0; break;
    case VIRTIO_MMIO_SHM_LEN_LOW: case VIRTIO_MMIO_SHM_LEN_HIGH:
    case VIRTIO_MMIO_SHM_BASE_LOW: case VIRTIO_MMIO_SHM_BASE_HIGH:
        v = 0xffffffff;             /* no shared memory regions (4.2.2: length ~0 means none) */
        break;
    case VIRTIO_MMIO_CONFIG_GENERATION: v = d->config_generation; break;
    default:
        sysemu_log(LOG_GUEST_ERRORS, "%s: read of write-only or unknown register 0x%llx",
                   d->ops->name, (unsigned long long)off);
    }
out:
    pthread_mutex_unlock(&d->lock);
    return v;
}

/* 3.1.1 step 5: the device accepts the driver's features or leaves FEATURES_OK clear */
static bool features_ok(struct virtio_dev *d)
{
    if (d->guest_features & ~d->host_features) {
        sysemu_log(LOG_GUEST_ERRORS, "%s: driver accepted features 0x%llx the device does not offer",
                   d->ops->name, (unsigned long long)(d->guest_features & ~d->host_features));
        return false;
    }
    if (!virtio_has_feature(d, VIRTIO_F_VERSION_1)) {
        /* a version 2 MMIO device is a modern device: legacy drivers use version 1 windows */
        sysemu_log(LOG_GUEST_ERRORS, "%s: driver did not accept VIRTIO_F_VERSION_1", d->ops->name);
        return false;
    }
    return true;
}

static void status_write(struct virtio_dev *d, uint32_t val)
{
    if (val == 0) {
        virtio_dev_reset(d);
        return;
    }
    if ((val & VIRTIO_STATUS_FEATURES_OK) && !(d->status & VIRTIO_STATUS_FEATURES_OK) &&
        !features_ok(d))
        val &= ~VIRTIO_STATUS_FEATURES_OK;
    if ((val & VIRTIO_STATUS_DRIVER_OK) && !(val & VIRTIO_STATUS_FEATURES_OK)) {
        virtio_dev_error(d, "DRIVER_OK without FEATURES_OK");
        val &= ~VIRTIO_STATUS_DRIVER_OK;
    }
    /* the driver cannot set or clear DEVICE_NEEDS_RESET: only a reset clears it */
    d->status = (val & ~VIRTIO_STATUS_DEVICE_NEEDS_RESET) | (d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    if (d->status & VIRTIO_STATUS_DRIVER_OK) {
        /* buffers made available before DRIVER_OK are processed now (3.1.1 step 8) */
        __atomic_or_fetch(&d->pending, (1u << d->ops->num_queues) - 1, __ATOMIC_RELAXED);
        virtio_dev_kick(d);
    }
}

static void set_half(uint64_t *v, bool high, uint32_t val)
{
    *v = high ? (*v & 0xffffffffull) | (uint64_t)val << 32 : (*v & ~0xffffffffull) | val;
}

static void queue_write(struct virtio_dev *d, struct virtqueue *q, uint64_t off, uint32_t val)
{
    if (!q) {
        sysemu_log(LOG_GUEST_ERRORS, "%s: queue register 0x%llx written with QueueSel %u beyond the %d queues",
                   d->ops->name, (unsigned long long)off, d->queue_sel, d->ops->num_queues);
        return;
    }
    if (off != VIRTIO_MMIO_QUEUE_READY && q->ready) {
        /* 4.2.3.2: the driver must not change a live queue's setup */
        sysemu_log(LOG_GUEST_ERRORS, "%s: queue %u's register 0x%llx written while it is ready",
                   d->ops->name, d->queue_sel, (unsigned long long)off);
        return;
    }
    switch (off) {
    case VIRTIO_MMIO_QUEUE_NUM: q->num = val > 0xffff ? 0 : val; break;
    case VIRTIO_MMIO_QUEUE_DESC_LOW: case VIRTIO_MMIO_QUEUE_DESC_HIGH:
        set_half(&q->desc_gpa, off == VIRTIO_MMIO_QUEUE_DESC_HIGH, val);
        break;
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW: case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
        set_half(&q->avail_gpa, off == VIRTIO_MMIO_QUEUE_DRIVER_HIGH, val);
        break;
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW: case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        set_half(&q->used_gpa, off == VIRTIO_MMIO_QUEUE_DEVICE_HIGH, val);
        break;
    case VIRTIO_MMIO_QUEUE_READY:
        if (!val) {
            q->ready = false;
        } else if (!q->ready && virtq_map(d, q)) {
            q->ready = true;
            q->last_avail = q->used_idx = 0;
            q->signalled_valid = false;
        }
        break;
    }
}

void virtio_mmio_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    struct virtio_dev *d = opaque;

    pthread_mutex_lock(&d->lock);
    if (off >= VIRTIO_MMIO_CONFIG) {
        off -= VIRTIO_MMIO_CONFIG;
        if (d->ops->config_write && off + size <= d->config_len)
            d->ops->config_write(d, off, val, size);
        else
            sysemu_log(LOG_GUEST_ERRORS, "%s: write to read-only config space at 0x%llx",
                       d->ops->name, (unsigned long long)off);
        goto out;
    }
    if (size != 4 || off % 4) {
        sysemu_log(LOG_GUEST_ERRORS, "%s: %u-byte write to register 0x%llx", d->ops->name, size,
                   (unsigned long long)off);
        goto out;
    }
    switch (off) {
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL: d->host_features_sel = val; break;
    case VIRTIO_MMIO_DRIVER_FEATURES:
        if (d->status & VIRTIO_STATUS_FEATURES_OK)
            sysemu_log(LOG_GUEST_ERRORS, "%s: DriverFeatures written after FEATURES_OK", d->ops->name);
        else if (d->guest_features_sel < 2)
            set_half(&d->guest_features, d->guest_features_sel == 1, val);
        break;
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL: d->guest_features_sel = val; break;
    case VIRTIO_MMIO_QUEUE_SEL: d->queue_sel = val; break;
    case VIRTIO_MMIO_QUEUE_NUM:
    case VIRTIO_MMIO_QUEUE_READY:
    case VIRTIO_MMIO_QUEUE_DESC_LOW: case VIRTIO_MMIO_QUEUE_DESC_HIGH:
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW: case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW: case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        queue_write(d, cur_vq(d), off, val);
        break;
    case VIRTIO_MMIO_QUEUE_NOTIFY:
        /* the vCPU only marks the queue; the I/O thread does the work */
        if (val < (uint64_t)d->ops->num_queues) {
            __atomic_or_fetch(&d->pending, 1u << val, __ATOMIC_RELAXED);
            virtio_dev_kick(d);
        } else {
            sysemu_log(LOG_GUEST_ERRORS, "%s: notify for queue %llu of %d", d->ops->name,
                       (unsigned long long)val, d->ops->num_queues);
        }
        break;
    case VIRTIO_MMIO_INTERRUPT_ACK:
        d->isr &= ~val;
        virtio_update_irq(d);
        break;
    case VIRTIO_MMIO_STATUS: status_write(d, val); break;
    case VIRTIO_MMIO_SHM_SEL: break;
    default:
        sysemu_log(LOG_GUEST_ERRORS, "%s: write to read-only or unknown register 0x%llx",
                   d->ops->name, (unsigned long long)off);
    }
out:
    pthread_mutex_unlock(&d->lock);
}
