/*
 * The vhdx driver: reads and writes through the BAT of a dynamic or fixed
 * image.  A new payload block is placed at the next MiB boundary past the
 * end of the file, the file is extended (so the block reads as zeroes),
 * the data written, and only then the 8-byte BAT entry -- a single sector
 * write, so an interruption leaves the old entry or the new one and at
 * worst an unreferenced block.  QEMU routes BAT updates through the log;
 * ours leave the log empty, which every reader accepts (an active log
 * is replayed at open, log.c).  The first write
 * after open renews FileWriteGuid/DataWriteGuid in both headers (spec
 * 2.2.2.1), one header at a time.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imgutil/file.h"
#include "imgutil/vhdx/vhdx.h"

static int vhdx_probe(const uint8_t *buf, size_t len)
{
    return len >= 8 && !memcmp(buf, "vhdxfile", 8) ? 100 : 0;
}

static void vhdx_close(struct blk_dev *bs)
{
    struct vhdx_state *s = bs->opaque;
    if (s)
        free(s->bat);
    free(s);
    bs->opaque = NULL;
}

static int vhdx_open(struct blk_dev *bs, int flags, struct blk_err *err)
{
    struct vhdx_state *s = calloc(1, sizeof(*s));
    if (!s)
        return blk_err_set(err, -ENOMEM, "out of memory");
    bs->opaque = s;
    int ret = vhdx_read_metadata(bs, s, flags, err);
    if (ret < 0)
        vhdx_close(bs);
    return ret;
}

static int vhdx_read(struct blk_dev *bs, uint64_t off, void *vbuf, size_t len)
{
    struct vhdx_state *s = bs->opaque;
    uint8_t *buf = vbuf;
    int ret = 0;
    bs->io_err.msg[0] = 0;
    pthread_mutex_lock(&bs->lock);
    while (len && ret >= 0) {
        uint64_t blk = off / s->block_size, in = off % s->block_size;
        uint64_t n = s->block_size - in < len ? s->block_size - in : len;
        uint64_t e = s->bat[vhdx_bat_index(s, blk)];
        switch (VHDX_BAT_STATE(e)) {
        case VHDX_PB_FULLY_PRESENT:
        case VHDX_PB_PARTIALLY_PRESENT:
            ret = file_pread(bs->fd, buf, n, VHDX_BAT_OFF(e) + in);
            break;
        case VHDX_PB_NOT_PRESENT:
        case VHDX_PB_UNDEFINED:
        case VHDX_PB_ZERO:
        case VHDX_PB_UNMAPPED:
            memset(buf, 0, n);
            break;
        default:
            ret = blk_err_set(&bs->io_err, -EIO, "BAT entry for block %" PRIu64
                              " has an invalid state", blk);
        }
        off += n;
        buf += n;
        len -= n;
    }
    pthread_mutex_unlock(&bs->lock);
    return ret < 0 ? ret : 0;
}

static int renew_headers(struct blk_dev *bs, struct vhdx_state *s)
{
    vhdx_guid_random(s->hdr + 16);  /* FileWriteGuid */
    vhdx_guid_random(s->hdr + 32);  /* DataWriteGuid */
    int ret = vhdx_write_header(bs->fd, s);
    if (ret >= 0)
        ret = vhdx_write_header(bs->fd, s);
    if (ret >= 0)
        s->hdr_updated = true;
    return ret;
}

static int alloc_block(struct blk_dev *bs, struct vhdx_state *s, uint64_t blk,
                       uint64_t in, const uint8_t *data, uint64_t n)
{
    uint64_t at = (s->file_size + VHDX_MIB - 1) & ~(VHDX_MIB - 1);
    if (ftruncate(bs->fd, (off_t)(at + s->block_size)) < 0)
        return -errno;
    s->file_size = at + s->block_size;
    int ret = file_pwrite(bs->fd, data, n, at + in);
    if (ret < 0)
        return ret;
    uint64_t idx = vhdx_bat_index(s, blk);
    uint8_t b[8];
    le64_put(b, at | VHDX_PB_FULLY_PRESENT);
    if ((ret = file_pwrite(bs->fd, b, 8, s->bat_off + idx * 8)) < 0)
        return ret;
    s->bat[idx] = at | VHDX_PB_FULLY_PRESENT;
    return 0;
}

static int write_range(struct blk_dev *bs, uint64_t off, const uint8_t *buf, uint64_t len,
                       bool zeroes)
{
    struct vhdx_state *s = bs->opaque;
    int ret = 0;
    bs->io_err.msg[0] = 0;
    pthread_mutex_lock(&bs->lock);
    if (!s->hdr_updated)
        ret = renew_headers(bs, s);
    while (len && ret >= 0) {
        uint64_t blk = off / s->block_size, in = off % s->block_size;
        uint64_t n = s->block_size - in < len ? s->block_size - in : len;
        uint64_t e = s->bat[vhdx_bat_index(s, blk)];
        unsigned st = VHDX_BAT_STATE(e);
        if (st == VHDX_PB_FULLY_PRESENT || st == VHDX_PB_PARTIALLY_PRESENT)
            ret = zeroes ? file_zero(bs->fd, VHDX_BAT_OFF(e) + in, n, false)
                         : file_pwrite(bs->fd, buf, n, VHDX_BAT_OFF(e) + in);
        else if (st > VHDX_PB_UNMAPPED)
            ret = blk_err_set(&bs->io_err, -EIO, "BAT entry for block %" PRIu64
                              " has an invalid state", blk);
        else if (!zeroes)
            ret = alloc_block(bs, s, blk, in, buf, n);
        off += n;
        if (buf)
            buf += n;
        len -= n;
    }
    pthread_mutex_unlock(&bs->lock);
    return ret < 0 ? ret : 0;
}

static int vhdx_write(struct blk_dev *bs, uint64_t off, const void *buf, size_t len)
{
    return write_range(bs, off, buf, len, false);
}

static int vhdx_write_zeroes(struct blk_dev *bs, uint64_t off, uint64_t len, bool may_unmap)
{
    return write_range(bs, off, NULL, len, true);
}

static int vhdx_flush(struct blk_dev *bs)
{
    return fdatasync(bs->fd) < 0 ? -errno : 0;
}

/* qemu-img 7.2 has no block status for vhdx: everything is allocated data */
static int vhdx_block_status(struct blk_dev *bs, uint64_t off, uint64_t len,
                             uint64_t *pnum, uint64_t *map)
{
    *pnum = len;
    return BLK_ST_ALLOCATED | BLK_ST_DATA;
}

static int vhdx_check(struct blk_dev *bs, struct blk_check_result *r, int fix)
{
    struct vhdx_state *s = bs->opaque;
    memset(r, 0, sizeof(*r));
    for (uint64_t i = 0; i < s->bat_n; i++) {
        if ((i + 1) % (s->chunk_ratio + 1) == 0)
            continue;
        unsigned st = VHDX_BAT_STATE(s->bat[i]);
        if (st == 4 || st == 5) {
            fprintf(stderr, "ERROR: VHDX BAT entry %" PRIu64 " has an invalid state %u\n",
                    i, st);
            r->corruptions++;
        } else if (vhdx_entry_past_eof(s, bs->size, i)) {
            fprintf(stderr, "ERROR: VHDX BAT entry %" PRIu64 " start offset %" PRIu64
                    " points after end of file (%" PRIu64 "). Image has probably been "
                    "truncated.\n", i, VHDX_BAT_OFF(s->bat[i]), s->file_size);
            r->corruptions++;
        }
    }
    /* as qemu-img: a log replayed at open counts as one corruption fixed */
    if (s->log_replayed && fix) {
        r->corruptions_fixed = 1;
        s->log_replayed = false;
    }
    return 0;
}

static uint64_t vhdx_cluster_size(struct blk_dev *bs)
{
    return ((struct vhdx_state *)bs->opaque)->block_size;
}

const struct blk_driver blk_vhdx_driver = {
    .name = "vhdx",
    .probe = vhdx_probe,
    .open = vhdx_open,
    .close = vhdx_close,
    .read = vhdx_read,
    .write = vhdx_write,
    .write_zeroes = vhdx_write_zeroes,
    .flush = vhdx_flush,
    .block_status = vhdx_block_status,
    .create = vhdx_create,
    .check = vhdx_check,
    .cluster_size = vhdx_cluster_size,
};
