/*
 * Split virtqueues (virtio 1.2 spec, 2.7): descriptor table, available and
 * used rings, chained and indirect descriptors, VIRTIO_F_EVENT_IDX.
 *
 * The rings live in guest RAM and the driver writes them concurrently, so
 * every value is read once into a local before it is checked and used, and
 * every index and address is checked against the queue size and RAM: a
 * malformed chain marks the device as needing a reset, it is never followed.
 */
#include "hw/virtio/virtio.h"

#include <string.h>

/* avail ring in 16-bit units: flags, idx, ring[num], used_event */
#define AVAIL_IDX           1
#define AVAIL_RING(i)       (2 + (i))
#define AVAIL_USED_EVENT(n) (2 + (n))
/* used ring: flags, idx (16-bit), {id, len}[num] (32-bit pairs), avail_event */
#define USED_IDX            1
#define USED_AVAIL_EVENT(n) (2 + 4 * (n))

bool virtq_map(struct virtio_dev *d, struct virtqueue *q)
{
    unsigned n = q->num;
    if (n == 0 || n > VIRTQ_MAX_SIZE || (n & (n - 1))) {
        virtio_dev_error(d, "queue size %u is not a power of two up to %u", n, VIRTQ_MAX_SIZE);
        return false;
    }
    /* 2.7.2: alignment of the three parts */
    if (q->desc_gpa % 16 || q->avail_gpa % 2 || q->used_gpa % 4) {
        virtio_dev_error(d, "misaligned rings (desc 0x%llx avail 0x%llx used 0x%llx)",
                         (unsigned long long)q->desc_gpa, (unsigned long long)q->avail_gpa,
                         (unsigned long long)q->used_gpa);
        return false;
    }
    q->desc = d->mem.ptr(d->mem.opaque, q->desc_gpa, 16ull * n);
    q->avail = d->mem.ptr(d->mem.opaque, q->avail_gpa, 6 + 2ull * n);
    q->used = d->mem.ptr(d->mem.opaque, q->used_gpa, 6 + 8ull * n);
    if (!q->desc || !q->avail || !q->used) {
        virtio_dev_error(d, "rings outside guest RAM (desc 0x%llx avail 0x%llx used 0x%llx, size %u)",
                         (unsigned long long)q->desc_gpa, (unsigned long long)q->avail_gpa,
                         (unsigned long long)q->used_gpa, n);
        q->desc = NULL;
        q->avail = q->used = NULL;
        return false;
    }
    return true;
}

unsigned virtq_avail(struct virtio_dev *d, struct virtqueue *q)
{
    if (!q->ready || virtio_dev_broken(d))
        return 0;
    /* acquire: the ring entries the driver wrote before idx are visible after it */
    uint16_t idx = __atomic_load_n(&q->avail[AVAIL_IDX], __ATOMIC_ACQUIRE);
    uint16_t n = idx - q->last_avail;
    if (n > q->num) {
        virtio_dev_error(d, "available index %u is %u ahead of %u, more than the %u entries",
                         idx, n, q->last_avail, q->num);
        return 0;
    }
    return n;
}

static bool add_buf(struct virtio_dev *d, struct virtq_elem *e, uint64_t addr, uint32_t len, bool write)
{
    if (e->n_in + e->n_out >= VIRTQ_MAX_SEGS) {
        virtio_dev_error(d, "chain longer than %d buffers", VIRTQ_MAX_SEGS);
        return false;
    }
    if (!write && e->n_in) {
        /* 2.7.4.2: device-writable descriptors come after the readable ones */
        virtio_dev_error(d, "device-readable buffer after a writable one");
        return false;
    }
    void *p = len ? d->mem.ptr(d->mem.opaque, addr, len) : NULL;
    if (len && !p) {
        virtio_dev_error(d, "buffer 0x%llx+0x%x outside guest RAM", (unsigned long long)addr, len);
        return false;
    }
    if (!len)
        return true;
    if (write) {
        e->in[e->n_in++] = (struct iovec){ p, len };
        e->in_len += len;
    } else {
        e->out[e->n_out++] = (struct iovec){ p, len };
        e->out_len += len;
    }
    return true;
}

int virtq_pop(struct virtio_dev *d, struct virtqueue *q, struct virtq_elem *e)
{
    if (virtio_dev_broken(d))
        return -1;
    if (!virtq_avail(d, q))
        return virtio_dev_broken(d) ? -1 : 0;

    uint16_t head = q->avail[AVAIL_RING(q->last_avail & (q->num - 1))];
    if (head >= q->num) {
        virtio_dev_error(d, "available ring names descriptor %u of %u", head, q->num);
        return -1;
    }
    e->head = head;
    e->n_in = e->n_out = 0;
    e->in_len = e->out_len = 0;

    const struct vring_desc *table = q->desc;
    unsigned size = q->num, i = head, seen = 0;
    bool indirect = false;
    for (;;) {
        struct vring_desc desc;
        memcpy(&desc, (const void *)&table[i], sizeof(desc));   /* one read of what the driver may change */
        if (++seen > size) {
            /* more descriptors than the table holds: the chain loops */
            virtio_dev_error(d, "descriptor chain from %u loops", head);
            return -1;
        }
        if (desc.flags & VRING_DESC_F_INDIRECT) {
            if (indirect || !virtio_has_feature(d, VIRTIO_F_INDIRECT_DESC) ||
                (desc.flags & VRING_DESC_F_NEXT)) {
                /* 2.7.5.3: no nesting, no NEXT beside INDIRECT, and only when negotiated */
                virtio_dev_error(d, "invalid indirect descriptor %u (flags 0x%x)", i, desc.flags);
                return -1;
            }
            if (desc.len == 0 || desc.len % 16 || desc.len / 16 > VIRTQ_MAX_SEGS) {
                virtio_dev_error(d, "indirect table of %u bytes", desc.len);
                return -1;
            }
            table = d->mem.ptr(d->mem.opaque, desc.addr, desc.len);
            if (!table || desc.addr % 8) {
                virtio_dev_error(d, "indirect table 0x%llx+0x%x outside guest RAM or misaligned",
                                 (unsigned long long)desc.addr, desc.len);
                return -1;
            }
            indirect = true;
            size = desc.len / 16;
            i = 0;
            seen = 0;
            continue;
        }
        if (!add_buf(d, e, desc.addr, desc.len, desc.flags & VRING_DESC_F_WRITE))
            return -1;
        if (!(desc.flags & VRING_DESC_F_NEXT))
            break;
        i = desc.next;
        if (i >= size) {
            virtio_dev_error(d, "descriptor %u of %u chained to %u", i, size, desc.next);
            return -1;
        }
    }
    q->last_avail++;
    return 1;
}

void virtq_unpop(struct virtqueue *q, unsigned n)
{
    q->last_avail -= n;
}

void virtq_fill(struct virtio_dev *d, struct virtqueue *q, uint16_t head, uint32_t written, unsigned i)
{
    if (!q->ready || virtio_dev_broken(d))
        return;
    volatile uint32_t *ring = (volatile uint32_t *)(q->used + 2);
    unsigned slot = (uint16_t)(q->used_idx + i) & (q->num - 1);
    ring[2 * slot] = head;
    ring[2 * slot + 1] = written;
}

void virtq_flush(struct virtio_dev *d, struct virtqueue *q, unsigned n)
{
    if (!q->ready || virtio_dev_broken(d))
        return;
    q->used_idx += n;
    /* release: the elements and the data written into the buffers before the index */
    __atomic_store_n(&q->used[USED_IDX], q->used_idx, __ATOMIC_RELEASE);
}

void virtq_push(struct virtio_dev *d, struct virtqueue *q, const struct virtq_elem *e, uint32_t written)
{
    virtq_fill(d, q, e->head, written, 0);
    virtq_flush(d, q, 1);
}

/* 2.7.10: does moving the index from old to new pass the driver's event index? */
static bool need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
    return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

void virtq_notify(struct virtio_dev *d, struct virtqueue *q)
{
    if (!q->ready || virtio_dev_broken(d))
        return;
    /* the used index store above must be visible before we read the driver's suppression state */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    bool send;
    if (virtio_has_feature(d, VIRTIO_F_EVENT_IDX)) {
        uint16_t event = q->avail[AVAIL_USED_EVENT(q->num)];
        send = !q->signalled_valid || need_event(event, q->used_idx, q->signalled_used);
        q->signalled_used = q->used_idx;
        q->signalled_valid = true;
    } else {
        send = !(q->avail[0] & VRING_AVAIL_F_NO_INTERRUPT);
    }
    if (send)
        virtio_dev_interrupt(d, VIRTIO_INT_VRING);
}

bool virtq_enable_notify(struct virtio_dev *d, struct virtqueue *q)
{
    if (!q->ready || virtio_dev_broken(d))
        return false;
    if (virtio_has_feature(d, VIRTIO_F_EVENT_IDX)) {
        q->used[USED_AVAIL_EVENT(q->num)] = q->last_avail;
        /* the event index must be visible before we look at avail->idx again, or a
         * buffer added in between would be neither seen nor kicked */
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    }
    return virtq_avail(d, q) != 0;
}

size_t iov_to_buf(const struct iovec *iov, int n, size_t skip, void *buf, size_t len)
{
    size_t done = 0;
    for (int i = 0; i < n && done < len; i++) {
        if (skip >= iov[i].iov_len) {
            skip -= iov[i].iov_len;
            continue;
        }
        size_t c = iov[i].iov_len - skip;
        if (c > len - done)
            c = len - done;
        memcpy((char *)buf + done, (char *)iov[i].iov_base + skip, c);
        done += c;
        skip = 0;
    }
    return done;
}

size_t iov_from_buf(const struct iovec *iov, int n, size_t skip, const void *buf, size_t len)
{
    size_t done = 0;
    for (int i = 0; i < n && done < len; i++) {
        if (skip >= iov[i].iov_len) {
            skip -= iov[i].iov_len;
            continue;
        }
        size_t c = iov[i].iov_len - skip;
        if (c > len - done)
            c = len - done;
        memcpy((char *)iov[i].iov_base + skip, (const char *)buf + done, c);
        done += c;
        skip = 0;
    }
    return done;
}
