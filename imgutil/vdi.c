/*
 * The vdi format (VirtualBox), version 1.1, dynamic and static images.
 *
 * A 512-byte little-endian header (signature 0xbeda107f), a block map of
 * one 32-bit entry per 1 MiB block of the virtual disk, then the blocks.
 * An entry is the index of the block in the data area, 0xffffffff for a
 * block never written and 0xfffffffe for one discarded; both read as
 * zeroes.  A static image has every block allocated, in order, at creation.
 *
 * A new block is written whole (data and zeroes) at the end of the data
 * area, then the header's allocated count grows, then the map entry points
 * at it: stopped anywhere, the image may leak a block but never maps one
 * twice or maps one that holds garbage.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imgutil/blk.h"
#include "imgutil/file.h"
#include "imgutil/uuid.h"

#define VDI_SIGNATURE    0xbeda107fu
#define VDI_VERSION_1_1  0x00010001u
#define VDI_TYPE_DYNAMIC 1
#define VDI_TYPE_STATIC  2
#define VDI_UNALLOCATED  0xffffffffu
#define VDI_DISCARDED    0xfffffffeu
#define VDI_BLOCK_SIZE   (1u << 20)
/* QEMU keeps the whole block map in one request of at most 2 GiB - 512 */
#define VDI_BLOCKS_MAX   (0x7ffffe00u / 4)
#define VDI_TEXT         "<<< QEMU VM Virtual Disk Image >>>\n"

/* header field offsets */
#define H_SIGNATURE   0x40
#define H_VERSION     0x44
#define H_HEADER_SIZE 0x48
#define H_TYPE        0x4c
#define H_OFF_BMAP    0x154
#define H_OFF_DATA    0x158
#define H_SECTOR_SIZE 0x168
#define H_DISK_SIZE   0x170
#define H_BLOCK_SIZE  0x178
#define H_BLOCK_EXTRA 0x17c
#define H_BLOCKS      0x180
#define H_ALLOCATED   0x184
#define H_UUID_IMAGE  0x188
#define H_UUID_SNAP   0x198
#define H_UUID_LINK   0x1a8
#define H_UUID_PARENT 0x1b8

struct vdi {
    uint8_t hdr[512];
    uint32_t *bmap;             /* host byte order */
    uint32_t blocks, allocated;
    uint64_t off_bmap, off_data;
};

static uint32_t le32_get(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64_get(const uint8_t *p)
{
    return le32_get(p) | (uint64_t)le32_get(p + 4) << 32;
}

static void le32_put(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++, v >>= 8)
        p[i] = (uint8_t)v;
}

static void le64_put(uint8_t *p, uint64_t v)
{
    le32_put(p, (uint32_t)v);
    le32_put(p + 4, (uint32_t)(v >> 32));
}

static bool allocated(uint32_t e)
{
    return e < VDI_DISCARDED;
}

static int vdi_probe(const uint8_t *buf, size_t len)
{
    return len >= H_SIGNATURE + 4 && le32_get(buf + H_SIGNATURE) == VDI_SIGNATURE ? 100 : 0;
}

static bool uuid_is_null(const uint8_t *u)
{
    return buf_is_zero(u, 16);
}

static int vdi_check_header(const uint8_t *h, uint64_t fsize, struct blk_err *err)
{
    uint32_t v = le32_get(h + H_VERSION);
    if (le32_get(h + H_SIGNATURE) != VDI_SIGNATURE)
        return blk_err_set(err, -EINVAL, "Image not in VDI format (bad signature %08" PRIx32 ")",
                           le32_get(h + H_SIGNATURE));
    if (v != VDI_VERSION_1_1)
        return blk_err_set(err, -ENOTSUP, "unsupported VDI image (version %" PRIu32 ".%" PRIu32 ")",
                           v >> 16, v & 0xffff);
    uint32_t type = le32_get(h + H_TYPE);
    if (type != VDI_TYPE_DYNAMIC && type != VDI_TYPE_STATIC)
        return blk_err_set(err, -ENOTSUP, "unsupported VDI image (image type %" PRIu32 ")", type);
    uint32_t ob = le32_get(h + H_OFF_BMAP), od = le32_get(h + H_OFF_DATA);
    if (ob % 512 || ob < 512)
        return blk_err_set(err, -EINVAL, "unsupported VDI image (block map offset 0x%" PRIx32 ")", ob);
    if (od % 512)
        return blk_err_set(err, -EINVAL, "unsupported VDI image (unaligned data offset 0x%" PRIx32 ")", od);
    if (le32_get(h + H_SECTOR_SIZE) != 512)
        return blk_err_set(err, -ENOTSUP, "unsupported VDI image (sector size %" PRIu32 " is not 512)",
                           le32_get(h + H_SECTOR_SIZE));
    if (le32_get(h + H_BLOCK_SIZE) != VDI_BLOCK_SIZE)
        return blk_err_set(err, -ENOTSUP, "unsupported VDI image (block size %" PRIu32
                           " is not %u)", le32_get(h + H_BLOCK_SIZE), VDI_BLOCK_SIZE);
    if (le32_get(h + H_BLOCK_EXTRA))
        return blk_err_set(err, -ENOTSUP, "unsupported VDI image (block extra %" PRIu32 ")",
                           le32_get(h + H_BLOCK_EXTRA));
    uint32_t blocks = le32_get(h + H_BLOCKS);
    if (blocks > VDI_BLOCKS_MAX)
        return blk_err_set(err, -ENOTSUP, "unsupported VDI image (too many blocks %" PRIu32
                           ", max is %u)", blocks, VDI_BLOCKS_MAX);
    uint64_t disk = le64_get(h + H_DISK_SIZE);
    if (disk > (uint64_t)blocks * VDI_BLOCK_SIZE)
        return blk_err_set(err, -ENOTSUP, "unsupported VDI image (disk size %" PRIu64
                           ", image bitmap has room for %" PRIu64 ")", disk,
                           (uint64_t)blocks * VDI_BLOCK_SIZE);
    if (!uuid_is_null(h + H_UUID_LINK))
        return blk_err_set(err, -ENOTSUP, "unsupported VDI image (non-NULL link UUID)");
    if (!uuid_is_null(h + H_UUID_PARENT))
        return blk_err_set(err, -ENOTSUP, "unsupported VDI image (non-NULL parent UUID)");
    if ((uint64_t)ob + (uint64_t)blocks * 4 > od)
        return blk_err_set(err, -EINVAL, "block map (%" PRIu32 " entries at 0x%" PRIx32
                           ") overlaps the data at 0x%" PRIx32, blocks, ob, od);
    if ((uint64_t)ob + (uint64_t)blocks * 4 > fsize)
        return blk_err_set(err, -EINVAL, "block map is past the end of the file; the image "
                           "has been truncated");
    return 0;
}

/* the map's entries: in range, inside the file, each block used once and
 * below the header's allocated count (a new block goes at that count).  A
 * count above what the map uses is only a leaked block, what an interrupted
 * allocation leaves: opened, like QEMU does. */
static int vdi_check_map(struct blk_dev *bs, struct vdi *s, uint64_t fsize, struct blk_err *err)
{
    uint8_t *used = calloc(s->blocks / 8 + 1, 1);
    if (!used)
        return blk_err_set(err, -ENOMEM, "out of memory");
    int ret = 0;
    for (uint32_t i = 0; i < s->blocks && !ret; i++) {
        uint32_t e = s->bmap[i];
        if (!allocated(e))
            continue;
        if (e >= s->blocks || e >= s->allocated)
            ret = blk_err_set(err, -EINVAL, "block map entry %" PRIu32 " is out of range (%"
                              PRIu32 ", image has %" PRIu32 " blocks, %" PRIu32 " allocated)",
                              i, e, s->blocks, s->allocated);
        else if (s->off_data + ((uint64_t)e + 1) * VDI_BLOCK_SIZE > fsize)
            ret = blk_err_set(err, -EINVAL, "block map entry %" PRIu32 " (block %" PRIu32
                              ") is past the end of the file; the image has been truncated",
                              i, e);
        else if (used[e / 8] & (1u << (e % 8)))
            ret = blk_err_set(err, -EINVAL, "block %" PRIu32 " is mapped twice", e);
        else
            used[e / 8] |= (uint8_t)(1u << (e % 8));
    }
    free(used);
    if (!ret && s->allocated > s->blocks)
        ret = blk_err_set(err, -EINVAL, "header counts %" PRIu32 " allocated blocks of %"
                          PRIu32, s->allocated, s->blocks);
    (void)bs;
    return ret;
}

static int vdi_open(struct blk_dev *bs, int flags, struct blk_err *err)
{
    int64_t fsize = file_size(bs->fd);
    if (fsize < 0)
        return blk_err_set(err, (int)fsize, "could not get the file size: %s",
                           strerror((int)-fsize));
    struct vdi *s = calloc(1, sizeof(*s));
    if (!s)
        return blk_err_set(err, -ENOMEM, "out of memory");
    int ret;
    if (fsize < 512) {
        ret = blk_err_set(err, -EINVAL, "image is too short for a VDI header");
        goto fail;
    }
    ret = file_pread(bs->fd, s->hdr, sizeof(s->hdr), 0);
    if (ret < 0) {
        blk_err_set(err, ret, "could not read the header: %s", strerror(-ret));
        goto fail;
    }
    ret = vdi_check_header(s->hdr, (uint64_t)fsize, err);
    if (ret < 0)
        goto fail;
    s->blocks = le32_get(s->hdr + H_BLOCKS);
    s->allocated = le32_get(s->hdr + H_ALLOCATED);
    s->off_bmap = le32_get(s->hdr + H_OFF_BMAP);
    s->off_data = le32_get(s->hdr + H_OFF_DATA);
    /* VBoxManage may write an odd size; the last partial sector is not ours */
    bs->size = le64_get(s->hdr + H_DISK_SIZE) / 512 * 512;
    s->bmap = malloc((size_t)s->blocks * 4 + 4);
    if (!s->bmap) {
        ret = blk_err_set(err, -ENOMEM, "out of memory for a block map of %" PRIu32 " entries",
                          s->blocks);
        goto fail;
    }
    ret = file_pread(bs->fd, s->bmap, (size_t)s->blocks * 4, s->off_bmap);
    if (ret < 0) {
        blk_err_set(err, ret, "could not read the block map: %s", strerror(-ret));
        goto fail;
    }
    for (uint32_t i = 0; i < s->blocks; i++)
        s->bmap[i] = le32_get((uint8_t *)&s->bmap[i]);
    /* check reports a bad map as corruption rather than refusing it */
    if (!(flags & BLK_O_CHECK)) {
        ret = vdi_check_map(bs, s, (uint64_t)fsize, err);
        if (ret < 0)
            goto fail;
    }
    bs->opaque = s;
    return 0;
fail:
    free(s->bmap);
    free(s);
    return ret;
}

static void vdi_close(struct blk_dev *bs)
{
    struct vdi *s = bs->opaque;
    free(s->bmap);
    free(s);
}

/* host offset of virtual off (0: reads as zero), *n bytes left in the block */
static uint64_t vdi_host(struct vdi *s, uint64_t off, uint64_t *n)
{
    uint64_t in = off % VDI_BLOCK_SIZE;
    *n = VDI_BLOCK_SIZE - in;
    uint32_t e = s->bmap[off / VDI_BLOCK_SIZE];
    if (!allocated(e))
        return 0;
    return s->off_data + (uint64_t)e * VDI_BLOCK_SIZE + in;
}

static int vdi_read(struct blk_dev *bs, uint64_t off, void *buf, size_t len)
{
    struct vdi *s = bs->opaque;
    uint8_t *p = buf;
    int ret = 0;
    pthread_mutex_lock(&bs->lock);
    while (len && ret == 0) {
        uint64_t n;
        uint64_t host = vdi_host(s, off, &n);
        if (n > len)
            n = len;
        if (host)
            ret = file_pread(bs->fd, p, n, host);
        else
            memset(p, 0, n);
        p += n;
        off += n;
        len -= n;
    }
    pthread_mutex_unlock(&bs->lock);
    return ret;
}

static int vdi_alloc(struct blk_dev *bs, struct vdi *s, uint64_t off, const uint8_t *data,
                     uint64_t n)
{
    uint32_t idx = (uint32_t)(off / VDI_BLOCK_SIZE);
    if (s->allocated >= s->blocks)
        return blk_err_set(&bs->io_err, -EIO, "no free block left in the image");
    uint32_t e = s->allocated;
    uint8_t *blk = calloc(1, VDI_BLOCK_SIZE);
    if (!blk)
        return -ENOMEM;
    memcpy(blk + off % VDI_BLOCK_SIZE, data, n);
    int ret = file_pwrite(bs->fd, blk, VDI_BLOCK_SIZE, s->off_data + (uint64_t)e * VDI_BLOCK_SIZE);
    free(blk);
    if (ret == 0 && fdatasync(bs->fd) < 0)
        ret = -errno;
    if (ret < 0)
        return ret;
    le32_put(s->hdr + H_ALLOCATED, e + 1);
    ret = file_pwrite(bs->fd, s->hdr + H_ALLOCATED, 4, H_ALLOCATED);
    if (ret == 0 && fdatasync(bs->fd) < 0)
        ret = -errno;
    if (ret < 0)
        return ret;
    s->allocated = e + 1;
    uint8_t le[4];
    le32_put(le, e);
    ret = file_pwrite(bs->fd, le, 4, s->off_bmap + (uint64_t)idx * 4);
    if (ret == 0)
        s->bmap[idx] = e;
    return ret;
}

static int vdi_write(struct blk_dev *bs, uint64_t off, const void *buf, size_t len)
{
    struct vdi *s = bs->opaque;
    const uint8_t *p = buf;
    int ret = 0;
    pthread_mutex_lock(&bs->lock);
    while (len && ret == 0) {
        uint64_t n;
        uint64_t host = vdi_host(s, off, &n);
        if (n > len)
            n = len;
        if (host)
            ret = file_pwrite(bs->fd, p, n, host);
        else if (!buf_is_zero(p, n))  /* zeroes already read back as zero */
            ret = vdi_alloc(bs, s, off, p, n);
        p += n;
        off += n;
        len -= n;
    }
    pthread_mutex_unlock(&bs->lock);
    return ret;
}

static int vdi_write_zeroes(struct blk_dev *bs, uint64_t off, uint64_t len, bool may_unmap)
{
    struct vdi *s = bs->opaque;
    int ret = 0;
    pthread_mutex_lock(&bs->lock);
    while (len && ret == 0) {
        uint64_t n;
        uint64_t host = vdi_host(s, off, &n);
        if (n > len)
            n = len;
        if (host)
            ret = file_zero(bs->fd, host, n, may_unmap);
        off += n;
        len -= n;
    }
    pthread_mutex_unlock(&bs->lock);
    return ret;
}

static int vdi_flush(struct blk_dev *bs)
{
    return fdatasync(bs->fd) < 0 ? -errno : 0;
}

static int vdi_block_status(struct blk_dev *bs, uint64_t off, uint64_t len,
                            uint64_t *pnum, uint64_t *map)
{
    struct vdi *s = bs->opaque;
    pthread_mutex_lock(&bs->lock);
    uint64_t n;
    uint64_t host = vdi_host(s, off, &n);
    uint64_t done = n < len ? n : len;
    while (done < len) {
        uint64_t n2;
        uint64_t h2 = vdi_host(s, off + done, &n2);
        if (host ? h2 != host + done : h2 != 0)
            break;
        done += n2 < len - done ? n2 : len - done;
    }
    pthread_mutex_unlock(&bs->lock);
    *pnum = done;
    /* no backing file to fall through to: this layer decides the zeroes */
    if (!host)
        return BLK_ST_ALLOCATED | BLK_ST_ZERO;
    *map = host;
    /* a static image's blocks may still be holes in the file; QEMU looks
     * through to the file for them too */
    bool data;
    int ret = file_data_status(bs->fd, host, done, &data, pnum);
    if (ret < 0)
        return ret;
    if (*pnum > done)
        *pnum = done;
    return BLK_ST_ALLOCATED | BLK_ST_OFFSET | BLK_ST_DATA | (data ? 0 : BLK_ST_ZERO);
}

static uint64_t vdi_cluster_size(struct blk_dev *bs)
{
    return VDI_BLOCK_SIZE;
}

/* what qemu-img check reports for vdi: bad or shared map entries and a
 * wrong allocated count; there is nothing it repairs */
static int vdi_check(struct blk_dev *bs, struct blk_check_result *r, int fix)
{
    struct vdi *s = bs->opaque;
    memset(r, 0, sizeof(*r));
    if (fix)
        return -ENOTSUP;
    int64_t fsize = file_size(bs->fd);
    if (fsize < 0)
        return (int)fsize;
    uint32_t *owner = malloc((size_t)s->blocks * 4 + 4);
    if (!owner)
        return -ENOMEM;
    memset(owner, 0xff, (size_t)s->blocks * 4);
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->blocks; i++) {
        uint32_t e = s->bmap[i];
        if (!allocated(e))
            continue;
        if (e >= s->blocks) {
            fprintf(stderr, "ERROR: block index %" PRIu32 " too large, is %" PRIu32 "\n", i, e);
            r->corruptions++;
            continue;
        }
        n++;
        /* beyond QEMU's check: a block the file does not hold */
        if (s->off_data + ((uint64_t)e + 1) * VDI_BLOCK_SIZE > (uint64_t)fsize) {
            fprintf(stderr, "ERROR: block index %" PRIu32 " (block %" PRIu32 ") is past the "
                    "end of the file\n", i, e);
            r->corruptions++;
        }
        if (owner[e] != VDI_UNALLOCATED) {
            /* qemu-img names the block twice; the same line, so the outputs compare */
            fprintf(stderr, "ERROR: block index %" PRIu32 " also used by %" PRIu32 "\n", e, e);
            r->corruptions++;
        } else {
            owner[e] = i;
        }
    }
    free(owner);
    if (n != s->allocated) {
        fprintf(stderr, "ERROR: allocated blocks mismatch, is %" PRIu32 ", should be %" PRIu32
                "\n", n, s->allocated);
        r->corruptions++;
    }
    return 0;
}

static int vdi_create(const char *filename, const struct blk_create_opts *o,
                      struct blk_err *err)
{
    if (o->backing_file)
        return blk_err_set(err, -ENOTSUP, "Backing file not supported for file format 'vdi'");
    if (o->prealloc == BLK_PREALLOC_METADATA)
        return blk_err_set(err, -EINVAL, "Unsupported preallocation mode: metadata");
    uint64_t size = (o->size + 511) / 512 * 512;
    if (size > (uint64_t)VDI_BLOCKS_MAX * VDI_BLOCK_SIZE)
        return blk_err_set(err, -ENOTSUP, "Unsupported VDI image size (size is 0x%" PRIx64
                           ", max supported is 0x%" PRIx64 ")", size,
                           (uint64_t)VDI_BLOCKS_MAX * VDI_BLOCK_SIZE);
    uint32_t blocks = (uint32_t)((size + VDI_BLOCK_SIZE - 1) / VDI_BLOCK_SIZE);
    uint64_t map_len = ((uint64_t)blocks * 4 + 511) / 512 * 512;
    uint64_t off_data = 512 + map_len;
    uint8_t h[512] = { 0 };
    memcpy(h, VDI_TEXT, sizeof(VDI_TEXT) - 1);
    le32_put(h + H_SIGNATURE, VDI_SIGNATURE);
    le32_put(h + H_VERSION, VDI_VERSION_1_1);
    le32_put(h + H_HEADER_SIZE, 0x180);     /* the 1.1 header after the text */
    le32_put(h + H_TYPE, o->vdi_static ? VDI_TYPE_STATIC : VDI_TYPE_DYNAMIC);
    le32_put(h + H_OFF_BMAP, 512);
    le32_put(h + H_OFF_DATA, (uint32_t)off_data);
    le32_put(h + H_SECTOR_SIZE, 512);
    le64_put(h + H_DISK_SIZE, size);
    le32_put(h + H_BLOCK_SIZE, VDI_BLOCK_SIZE);
    le32_put(h + H_BLOCKS, blocks);
    le32_put(h + H_ALLOCATED, o->vdi_static ? blocks : 0);
    blk_uuid_generate(h + H_UUID_IMAGE);
    blk_uuid_generate(h + H_UUID_SNAP);
    uint8_t *map = calloc(1, map_len ? map_len : 1);
    if (!map)
        return blk_err_set(err, -ENOMEM, "out of memory");
    for (uint32_t i = 0; i < blocks; i++)
        le32_put(map + (uint64_t)i * 4, o->vdi_static ? i : VDI_UNALLOCATED);
    int fd = open(filename, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        free(map);
        return blk_err_set(err, -errno, "Could not create '%s': %s", filename, strerror(errno));
    }
    int ret = file_pwrite(fd, map, map_len, 512);
    free(map);
    if (ret == 0 && o->vdi_static)
        ret = file_preallocate(fd, off_data, off_data + (uint64_t)blocks * VDI_BLOCK_SIZE,
                               o->prealloc);
    /* the header last: until it is there the file is not a VDI image */
    if (ret == 0)
        ret = file_pwrite(fd, h, sizeof(h), 0);
    if (ret == 0 && fsync(fd) < 0)
        ret = -errno;
    close(fd);
    if (ret < 0)
        return blk_err_set(err, ret, "Could not write the image: %s", strerror(-ret));
    return 0;
}

const struct blk_driver blk_vdi_driver = {
    .name = "vdi",
    .probe = vdi_probe,
    .open = vdi_open,
    .close = vdi_close,
    .read = vdi_read,
    .write = vdi_write,
    .write_zeroes = vdi_write_zeroes,
    .flush = vdi_flush,
    .block_status = vdi_block_status,
    .create = vdi_create,
    .check = vdi_check,
    .cluster_size = vdi_cluster_size,
};
