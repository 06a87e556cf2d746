/*
 * virtio-blk (virtio 1.2 spec, 5.2): one request queue served on the
 * device's I/O thread by imgutil's block layer, so every image format
 * runtime-img knows is a disk here.  Statuses follow QEMU's virtio-blk: a
 * request outside the disk, a write to a read-only drive or a failing image
 * answers IOERR; an unknown type, or discard/write-zeroes flags and segment
 * counts beyond what the config space offers, answer UNSUPP; a request
 * without its header or status byte is a broken driver (needs reset).
 */
#include "hw/virtio/blk.h"
#include "imgutil/blk.h"
#include "sysemu/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SECTOR 512
#define BLK_SIZE_MAX  (1u << 20)               /* bytes in one segment */
#define BLK_SEG_MAX   (VIRTQ_MAX_SIZE - 2)     /* header and status take two descriptors */
/* QEMU's BDRV_REQUEST_MAX_SECTORS: a request stays below 2 GiB */
#define BLK_MAX_DISCARD_SECTORS ((0x80000000u - SECTOR) / SECTOR)

struct blk_req_hdr {
    uint32_t type, reserved;
    uint64_t sector;
};

struct blk_dwz_seg {            /* a discard/write-zeroes range (5.2.6) */
    uint64_t sector;
    uint32_t num_sectors, flags;
};

static struct virtio_blk *to_blk(struct virtio_dev *d)
{
    return d->opaque;
}

static uint64_t blk_features(struct virtio_dev *d)
{
    struct virtio_blk *b = to_blk(d);
    uint64_t f = 1ull << VIRTIO_BLK_F_SIZE_MAX | 1ull << VIRTIO_BLK_F_SEG_MAX |
                 1ull << VIRTIO_BLK_F_BLK_SIZE | 1ull << VIRTIO_BLK_F_FLUSH |
                 1ull << VIRTIO_BLK_F_DISCARD | 1ull << VIRTIO_BLK_F_WRITE_ZEROES;
    if (b->readonly)
        f |= 1ull << VIRTIO_BLK_F_RO;
    return f;
}

static bool range_ok(struct virtio_blk *b, uint64_t sector, uint64_t len)
{
    uint64_t size = b->bs->size;
    return len % SECTOR == 0 && sector <= size / SECTOR && len <= size - sector * SECTOR;
}

/* run fn over the first len bytes of iov, at consecutive disk offsets from off */
static int blk_iov_rw(struct virtio_blk *b, const struct iovec *iov, int n, size_t skip, size_t len,
                      uint64_t off, bool write)
{
    for (int i = 0; i < n && len; i++) {
        if (skip >= iov[i].iov_len) {
            skip -= iov[i].iov_len;
            continue;
        }
        size_t c = iov[i].iov_len - skip;
        if (c > len)
            c = len;
        char *p = (char *)iov[i].iov_base + skip;
        int r = write ? blk_write(b->bs, off, p, c) : blk_read(b->bs, off, p, c);
        if (r < 0)
            return r;
        off += c;
        len -= c;
        skip = 0;
    }
    return 0;
}

static uint8_t blk_flush_status(struct virtio_blk *b)
{
    if (!drive_cache_flushes(b->cache))
        return VIRTIO_BLK_S_OK;
    return blk_flush(b->bs) < 0 ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
}

/* A raw image whose format was guessed must not become another format by a
 * guest write to sector 0, or the next probe would open it as that format
 * (with backing files the guest names): QEMU's rule for probed raw images. */
static bool blk_write_makes_format(struct virtio_blk *b, struct virtq_elem *e, uint64_t sector, size_t len)
{
    static const char *const formats[] = { "qcow2", "vmdk", "vhdx", "vpc", "vdi" };
    uint8_t first[SECTOR];
    if (!b->probed_raw || sector != 0 || len < SECTOR)
        return false;
    iov_to_buf(e->out, e->n_out, sizeof(struct blk_req_hdr), first, SECTOR);
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        const struct blk_driver *drv = blk_driver_find(formats[i]);
        if (drv && drv->probe && drv->probe(first, SECTOR) > 1) {
            sysemu_log(LOG_GUEST_ERRORS, "virtio-blk: write to sector 0 of a probed raw image refused: "
                       "it would make the image look like %s", formats[i]);
            return true;
        }
    }
    return false;
}

static uint8_t blk_do_write(struct virtio_blk *b, struct virtq_elem *e, uint64_t sector)
{
    size_t len = e->out_len - sizeof(struct blk_req_hdr);
    if (b->readonly || !range_ok(b, sector, len) || blk_write_makes_format(b, e, sector, len))
        return VIRTIO_BLK_S_IOERR;
    if (blk_iov_rw(b, e->out, e->n_out, sizeof(struct blk_req_hdr), len, sector * SECTOR, true) < 0)
        return VIRTIO_BLK_S_IOERR;
    return drive_cache_writethrough(b->cache) ? blk_flush_status(b) : VIRTIO_BLK_S_OK;
}

static uint8_t blk_do_dwz(struct virtio_blk *b, struct virtq_elem *e, uint32_t type)
{
    struct blk_dwz_seg seg;
    size_t len = e->out_len - sizeof(struct blk_req_hdr);
    /* max_discard_seg and max_write_zeroes_seg are 1, as in QEMU */
    if (len != sizeof(seg))
        return VIRTIO_BLK_S_UNSUPP;
    iov_to_buf(e->out, e->n_out, sizeof(struct blk_req_hdr), &seg, sizeof(seg));
    bool discard = type == VIRTIO_BLK_T_DISCARD;
    if (seg.flags & ~(discard ? 0u : VIRTIO_BLK_WZ_UNMAP))
        return VIRTIO_BLK_S_UNSUPP;
    if (b->readonly || seg.num_sectors > BLK_MAX_DISCARD_SECTORS ||
        !range_ok(b, seg.sector, (uint64_t)seg.num_sectors * SECTOR))
        return VIRTIO_BLK_S_IOERR;
    uint64_t off = seg.sector * SECTOR, n = (uint64_t)seg.num_sectors * SECTOR;
    int r;
    if (discard) {
        r = blk_discard(b->bs, off, n);
        if (r == -ENOTSUP || r == -EOPNOTSUPP)
            r = 0;              /* a discard is a hint; a format without it keeps the data */
    } else {
        r = blk_write_zeroes(b->bs, off, n, seg.flags & VIRTIO_BLK_WZ_UNMAP);
    }
    if (r < 0)
        return VIRTIO_BLK_S_IOERR;
    return drive_cache_writethrough(b->cache) ? blk_flush_status(b) : VIRTIO_BLK_S_OK;
}

/* one request; returns the bytes written into the driver's buffers, or -1 when malformed */
static long blk_handle(struct virtio_blk *b, struct virtq_elem *e)
{
    struct blk_req_hdr h;
    if (e->out_len < sizeof(h) || e->in_len < 1) {
        virtio_dev_error(&b->vdev, "request without its header or status byte (%zu out, %zu in)",
                         e->out_len, e->in_len);
        return -1;
    }
    iov_to_buf(e->out, e->n_out, 0, &h, sizeof(h));
    size_t in_data = e->in_len - 1;         /* the status is the last writable byte */
    uint8_t st;
    size_t written = 0;
    b->requests++;
    switch (h.type) {
    case VIRTIO_BLK_T_IN:
        if (!range_ok(b, h.sector, in_data)) {
            st = VIRTIO_BLK_S_IOERR;
        } else if (blk_iov_rw(b, e->in, e->n_in, 0, in_data, h.sector * SECTOR, false) < 0) {
            st = VIRTIO_BLK_S_IOERR;
        } else {
            st = VIRTIO_BLK_S_OK;
            written = in_data;
        }
        break;
    case VIRTIO_BLK_T_OUT:
        st = blk_do_write(b, e, h.sector);
        break;
    case VIRTIO_BLK_T_FLUSH:
        st = blk_flush_status(b);
        break;
    case VIRTIO_BLK_T_GET_ID:
        written = in_data < sizeof(b->serial) ? in_data : sizeof(b->serial);
        iov_from_buf(e->in, e->n_in, 0, b->serial, written);
        st = VIRTIO_BLK_S_OK;
        break;
    case VIRTIO_BLK_T_DISCARD:
    case VIRTIO_BLK_T_WRITE_ZEROES:
        st = blk_do_dwz(b, e, h.type);
        break;
    default:
        sysemu_log(LOG_UNIMP, "virtio-blk: request type %u", h.type);
        st = VIRTIO_BLK_S_UNSUPP;
    }
    if (st != VIRTIO_BLK_S_OK)
        b->errors++;
    iov_from_buf(e->in, e->n_in, in_data, &st, 1);
    return written + 1;
}

static void blk_queue_notify(struct virtio_dev *d, int qi)
{
    struct virtio_blk *b = to_blk(d);
    struct virtqueue *q = &d->vq[qi];
    bool used = false;
    do {
        int r;
        while ((r = virtq_pop(d, q, d->elem)) > 0) {
            long n = blk_handle(b, d->elem);
            if (n < 0)
                return;
            virtq_push(d, q, d->elem, n);
            used = true;
        }
        if (r < 0)
            return;
    } while (virtq_enable_notify(d, q));
    if (used)
        virtq_notify(d, q);
}

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

static void blk_fill_config(struct virtio_blk *b)
{
    uint8_t *c = b->vdev.config;
    uint64_t cap = b->bs->size / SECTOR;
    memset(c, 0, sizeof(b->vdev.config));
    memcpy(c + VIRTIO_BLK_CFG_CAPACITY, &cap, 8);
    put32(c + VIRTIO_BLK_CFG_SIZE_MAX, BLK_SIZE_MAX);
    put32(c + VIRTIO_BLK_CFG_SEG_MAX, BLK_SEG_MAX);
    put32(c + VIRTIO_BLK_CFG_BLK_SIZE, SECTOR);
    put32(c + VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS, BLK_MAX_DISCARD_SECTORS);
    put32(c + VIRTIO_BLK_CFG_MAX_DISCARD_SEG, 1);
    put32(c + VIRTIO_BLK_CFG_DISCARD_ALIGN, 1);
    put32(c + VIRTIO_BLK_CFG_MAX_WZ_SECTORS, BLK_MAX_DISCARD_SECTORS);
    put32(c + VIRTIO_BLK_CFG_MAX_WZ_SEG, 1);
    c[VIRTIO_BLK_CFG_WZ_MAY_UNMAP] = 1;
    b->vdev.config_len = VIRTIO_BLK_CFG_LEN;
}

static const struct virtio_dev_ops virtio_blk_ops = {
    .name = "virtio-blk",
    .device_id = VIRTIO_ID_BLOCK,
    .num_queues = 1,
    .features = blk_features,
    .queue_notify = blk_queue_notify,
};

int virtio_blk_init(struct virtio_blk *b, struct blk_dev *bs, const struct drive_opts *o,
                    struct virtio_mem mem, struct virtio_irq irq)
{
    memset(b, 0, sizeof(*b));
    b->bs = bs;
    b->readonly = o->readonly;
    b->probed_raw = !o->format && !o->snapshot && !strcmp(bs->drv->name, "raw");
    b->cache = o->cache;
    if (o->serial)
        /* not NUL-terminated at 20 bytes, as the spec allows */
        memcpy(b->serial, o->serial, strnlen(o->serial, sizeof(b->serial)));
    blk_fill_config(b);
    return virtio_dev_init(&b->vdev, &virtio_blk_ops, b, mem, irq);
}

void virtio_blk_destroy(struct virtio_blk *b)
{
    virtio_dev_destroy(&b->vdev);
    if (b->bs) {
        if (!b->readonly)
            blk_flush(b->bs);
        blk_close(b->bs);
    }
    b->bs = NULL;
}
