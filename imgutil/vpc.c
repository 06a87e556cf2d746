/*
 * The vpc format (Microsoft VHD), fixed and dynamic disks.
 *
 * A fixed disk is the raw data followed by a 512-byte footer.  A dynamic
 * disk starts with a copy of the footer, then a 1 KiB dynamic header, the
 * block allocation table (BAT: big-endian sector numbers, 0xffffffff for
 * "not allocated"), the blocks (each a sector bitmap then block_size bytes)
 * and the footer at the end.  All fields are big-endian; checksums are the
 * one's complement of the byte sum with the checksum field taken as zero.
 *
 * Which size a reader believes depends on who wrote the image: Virtual PC
 * and QEMU's "qemu" creator use the CHS geometry, Hyper-V, disk2vhd,
 * XenServer and QEMU with force_size ("qem2") use current_size; a geometry
 * at the CHS maximum always means current_size.  We follow QEMU so both
 * tools see the same disk.
 *
 * Like QEMU we do not consult the per-block sector bitmap when reading (a
 * fixed or dynamic disk has no parent to fall through to) and set it all
 * ones when we allocate a block.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "imgutil/blk.h"
#include "imgutil/file.h"
#include "imgutil/uuid.h"

#define VHD_FOOTER_SIZE     512
#define VHD_DYN_HEADER_SIZE 1024
#define VHD_TYPE_FIXED      2
#define VHD_TYPE_DYNAMIC    3
#define VHD_TYPE_DIFF       4
#define VHD_BAT_FREE        0xffffffffu
#define VHD_BLOCK_SIZE      (2u << 20)
#define VHD_CHS_MAX         (65535ull * 16 * 255)
/* 2040 GiB: the largest disk QEMU and Hyper-V agree on */
#define VHD_MAX_SECTORS     0xff000000ull
/* seconds from the Unix epoch to 2000-01-01, VHD's epoch */
#define VHD_EPOCH           946684800

/* footer field offsets */
#define F_COOKIE      0
#define F_FEATURES    8
#define F_VERSION     12
#define F_DATA_OFFSET 16
#define F_TIMESTAMP   24
#define F_CREATOR_APP 28
#define F_CREATOR_VER 32
#define F_CREATOR_OS  36
#define F_ORIG_SIZE   40
#define F_CUR_SIZE    48
#define F_CYLS        56
#define F_HEADS       58
#define F_SECS        59
#define F_TYPE        60
#define F_CHECKSUM    64
#define F_UUID        68

/* dynamic header field offsets */
#define D_COOKIE      0
#define D_DATA_OFFSET 8
#define D_TABLE_OFF   16
#define D_VERSION     24
#define D_MAX_ENTRIES 28
#define D_BLOCK_SIZE  32
#define D_CHECKSUM    36

struct vpc {
    uint8_t footer[VHD_FOOTER_SIZE];
    bool fixed;
    uint32_t block_size, bitmap_size, entries;
    uint64_t bat_offset;
    uint32_t *bat;
    uint64_t free_off;          /* where the next block (and the footer) go */
};

static uint32_t vhd_checksum(const uint8_t *buf, size_t len, size_t csum_at)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < len; i++)
        if (i < csum_at || i >= csum_at + 4)
            sum += buf[i];
    return ~sum;
}

static int vpc_probe(const uint8_t *buf, size_t len)
{
    /* only a dynamic disk announces itself at offset 0; a fixed one is
     * raw data until its last sector, so it probes as raw (as with QEMU) */
    return len >= 8 && !memcmp(buf, "conectix", 8) ? 100 : 0;
}

/* the CHS geometry of the VHD specification's appendix for total sectors */
static void vhd_geometry(uint64_t total, uint16_t *cyls, uint8_t *heads, uint8_t *secs)
{
    uint64_t cth;
    unsigned h, s;
    if (total > VHD_CHS_MAX)
        total = VHD_CHS_MAX;
    if (total >= 65535ull * 16 * 63) {
        s = 255;
        h = 16;
        cth = total / s;
    } else {
        s = 17;
        cth = total / s;
        h = (unsigned)((cth + 1023) / 1024);
        if (h < 4)
            h = 4;
        if (cth >= h * 1024ull || h > 16) {
            s = 31;
            h = 16;
            cth = total / s;
        }
        if (cth >= h * 1024ull) {
            s = 63;
            h = 16;
            cth = total / s;
        }
    }
    *cyls = (uint16_t)(cth / h);
    *heads = (uint8_t)h;
    *secs = (uint8_t)s;
}

/* the virtual size a footer describes, as QEMU reads it */
static uint64_t vhd_footer_size(const uint8_t *f)
{
    uint64_t chs = (uint64_t)be16_get(f + F_CYLS) * f[F_HEADS] * f[F_SECS];
    const char *app = (const char *)f + F_CREATOR_APP;
    bool use_size = !memcmp(app, "win ", 4) || !memcmp(app, "qem2", 4) ||
                    !memcmp(app, "d2v ", 4) || !memcmp(app, "CTXS", 4) ||
                    !memcmp(app, "tap\0", 4);
    if (use_size || chs == VHD_CHS_MAX)
        return be64_get(f + F_CUR_SIZE) / 512 * 512;
    return chs * 512;
}

static bool overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
    return a0 < b1 && b0 < a1;
}

static int vpc_read_bat(struct blk_dev *bs, struct vpc *s, uint64_t fsize, struct blk_err *err)
{
    uint8_t h[VHD_DYN_HEADER_SIZE];
    uint64_t hoff = be64_get(s->footer + F_DATA_OFFSET);
    if (hoff > fsize || fsize - hoff < sizeof(h))
        return blk_err_set(err, -EINVAL, "dynamic header offset %" PRIu64
                           " is past the end of the file", hoff);
    int ret = file_pread(bs->fd, h, sizeof(h), hoff);
    if (ret < 0)
        return blk_err_set(err, ret, "could not read the dynamic header: %s", strerror(-ret));
    if (memcmp(h + D_COOKIE, "cxsparse", 8))
        return blk_err_set(err, -EINVAL, "Invalid header magic");
    if (vhd_checksum(h, sizeof(h), D_CHECKSUM) != be32_get(h + D_CHECKSUM))
        return blk_err_set(err, -EINVAL, "Incorrect dynamic header checksum");
    s->block_size = be32_get(h + D_BLOCK_SIZE);
    if (s->block_size < 512 || (s->block_size & (s->block_size - 1)) ||
        s->block_size > (256u << 20))
        return blk_err_set(err, -EINVAL, "Invalid block size %" PRIu32, s->block_size);
    /* one bit per sector, padded to whole sectors */
    s->bitmap_size = ((s->block_size / 512 / 8) + 511) & ~511u;
    s->entries = be32_get(h + D_MAX_ENTRIES);
    s->bat_offset = be64_get(h + D_TABLE_OFF);
    if ((uint64_t)s->entries * s->block_size < bs->size)
        return blk_err_set(err, -EINVAL, "Page table too small (%" PRIu32
                           " blocks of %" PRIu32 " bytes for %" PRIu64 " bytes)",
                           s->entries, s->block_size, bs->size);
    uint64_t bat_len = (uint64_t)s->entries * 4;
    if (s->bat_offset > fsize || fsize - s->bat_offset < bat_len)
        return blk_err_set(err, -EINVAL, "BAT (%" PRIu32 " entries at %" PRIu64
                           ") is past the end of the file", s->entries, s->bat_offset);
    s->bat = malloc(bat_len ? bat_len : 1);
    if (!s->bat)
        return blk_err_set(err, -ENOMEM, "out of memory for a BAT of %" PRIu32 " entries",
                           s->entries);
    ret = file_pread(bs->fd, s->bat, bat_len, s->bat_offset);
    if (ret < 0)
        return blk_err_set(err, ret, "could not read the BAT: %s", strerror(-ret));
    /* blocks go after every piece of metadata, sector aligned */
    uint64_t meta_end = s->bat_offset + ((bat_len + 511) & ~511ull);
    if (hoff + sizeof(h) > meta_end)
        meta_end = hoff + sizeof(h);
    s->free_off = meta_end;
    for (uint32_t i = 0; i < s->entries; i++) {
        s->bat[i] = be32_get(&s->bat[i]);
        if (s->bat[i] == VHD_BAT_FREE)
            continue;
        uint64_t off = (uint64_t)s->bat[i] * 512;
        uint64_t end = off + s->bitmap_size + s->block_size;
        if (overlaps(off, end, 0, VHD_FOOTER_SIZE) ||
            overlaps(off, end, hoff, hoff + sizeof(h)) ||
            overlaps(off, end, s->bat_offset, s->bat_offset + bat_len))
            return blk_err_set(err, -EINVAL, "BAT entry %" PRIu32 " (sector %" PRIu32
                               ") overlaps the image metadata", i, s->bat[i]);
        if (end > fsize)
            return blk_err_set(err, -EINVAL, "BAT entry %" PRIu32 " (sector %" PRIu32
                               ") points past the end of the file; the image has been "
                               "truncated", i, s->bat[i]);
        if (end > s->free_off)
            s->free_off = end;
    }
    return 0;
}

static int vpc_open(struct blk_dev *bs, int flags, struct blk_err *err)
{
    int64_t fsize = file_size(bs->fd);
    if (fsize < 0)
        return blk_err_set(err, (int)fsize, "could not get the file size: %s",
                           strerror((int)-fsize));
    struct vpc *s = calloc(1, sizeof(*s));
    if (!s)
        return blk_err_set(err, -ENOMEM, "out of memory");
    int ret;
    /* a dynamic disk's copy at 0 first, then a fixed disk's footer at the end */
    if (fsize < VHD_FOOTER_SIZE) {
        ret = blk_err_set(err, -EINVAL, "image is too short for a VHD footer");
        goto fail;
    }
    ret = file_pread(bs->fd, s->footer, VHD_FOOTER_SIZE, 0);
    if (ret == 0 && memcmp(s->footer, "conectix", 8))
        ret = file_pread(bs->fd, s->footer, VHD_FOOTER_SIZE, (uint64_t)fsize - VHD_FOOTER_SIZE);
    if (ret < 0) {
        blk_err_set(err, ret, "could not read the footer: %s", strerror(-ret));
        goto fail;
    }
    if (memcmp(s->footer, "conectix", 8)) {
        ret = blk_err_set(err, -EINVAL, "invalid VPC image (no \"conectix\" footer)");
        goto fail;
    }
    if (vhd_checksum(s->footer, VHD_FOOTER_SIZE, F_CHECKSUM) != be32_get(s->footer + F_CHECKSUM)) {
        ret = blk_err_set(err, -EINVAL, "Incorrect header checksum");
        goto fail;
    }
    uint32_t type = be32_get(s->footer + F_TYPE);
    if (type == VHD_TYPE_DIFF) {
        ret = blk_err_set(err, -ENOTSUP, "differencing VHD images are not supported");
        goto fail;
    }
    if (type != VHD_TYPE_FIXED && type != VHD_TYPE_DYNAMIC) {
        ret = blk_err_set(err, -EINVAL, "unknown VHD disk type %" PRIu32, type);
        goto fail;
    }
    s->fixed = type == VHD_TYPE_FIXED;
    bs->size = vhd_footer_size(s->footer);
    if (bs->size / 512 > VHD_MAX_SECTORS) {
        ret = blk_err_set(err, -EFBIG, "virtual size %" PRIu64 " is larger than the VHD "
                          "maximum of 2040 GiB", bs->size);
        goto fail;
    }
    if (s->fixed) {
        if (bs->size > (uint64_t)fsize - VHD_FOOTER_SIZE) {
            ret = blk_err_set(err, -EINVAL, "fixed VHD of %" PRIu64 " bytes is truncated "
                              "(file is %" PRId64 " bytes)", bs->size, fsize);
            goto fail;
        }
    } else {
        ret = vpc_read_bat(bs, s, (uint64_t)fsize, err);
        if (ret < 0)
            goto fail;
    }
    bs->opaque = s;
    return 0;
fail:
    free(s->bat);
    free(s);
    return ret;
}

static void vpc_close(struct blk_dev *bs)
{
    struct vpc *s = bs->opaque;
    free(s->bat);
    free(s);
}

/* host offset of virtual off, 0 when its block is not allocated; *n the
 * bytes left in the block */
static uint64_t vpc_host(struct vpc *s, uint64_t off, uint64_t *n)
{
    uint64_t in = off % s->block_size;
    *n = s->block_size - in;
    uint32_t e = s->bat[off / s->block_size];
    if (e == VHD_BAT_FREE)
        return 0;
    return (uint64_t)e * 512 + s->bitmap_size + in;
}

static int vpc_read(struct blk_dev *bs, uint64_t off, void *buf, size_t len)
{
    struct vpc *s = bs->opaque;
    if (s->fixed)
        return file_pread(bs->fd, buf, len, off);
    uint8_t *p = buf;
    int ret = 0;
    pthread_mutex_lock(&bs->lock);
    while (len && ret == 0) {
        uint64_t n;
        uint64_t host = vpc_host(s, off, &n);
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

static int vpc_write_footer(struct blk_dev *bs, struct vpc *s)
{
    return file_pwrite(bs->fd, s->footer, VHD_FOOTER_SIZE, s->free_off);
}

/* Allocate the block of off and write data (n bytes at off) into it.  The
 * order keeps every interruption harmless: the block (bitmap, data and
 * zeroes) first, then the BAT entry that makes it visible, then the footer
 * at the new end (until then the copy at offset 0 describes the disk). */
static int vpc_alloc(struct blk_dev *bs, struct vpc *s, uint64_t off, const uint8_t *data,
                     uint64_t n)
{
    uint64_t idx = off / s->block_size;
    size_t blen = (size_t)s->bitmap_size + s->block_size;
    uint8_t *blk = calloc(1, blen);
    if (!blk)
        return -ENOMEM;
    memset(blk, 0xff, s->bitmap_size);
    memcpy(blk + s->bitmap_size + off % s->block_size, data, n);
    uint64_t at = s->free_off;
    int ret = file_pwrite(bs->fd, blk, blen, at);
    free(blk);
    if (ret == 0 && fdatasync(bs->fd) < 0)
        ret = -errno;
    if (ret < 0)
        return ret;
    uint8_t e[4];
    be32_put(e, (uint32_t)(at / 512));
    ret = file_pwrite(bs->fd, e, 4, s->bat_offset + idx * 4);
    if (ret == 0 && fdatasync(bs->fd) < 0)
        ret = -errno;
    if (ret < 0)
        return ret;
    s->bat[idx] = (uint32_t)(at / 512);
    s->free_off = at + blen;
    return vpc_write_footer(bs, s);
}

static int vpc_write(struct blk_dev *bs, uint64_t off, const void *buf, size_t len)
{
    struct vpc *s = bs->opaque;
    if (s->fixed)
        return file_pwrite(bs->fd, buf, len, off);
    const uint8_t *p = buf;
    int ret = 0;
    pthread_mutex_lock(&bs->lock);
    while (len && ret == 0) {
        uint64_t n;
        uint64_t host = vpc_host(s, off, &n);
        if (n > len)
            n = len;
        if (host)
            ret = file_pwrite(bs->fd, p, n, host);
        else if (!buf_is_zero(p, n))  /* zeroes already read back as zero */
            ret = vpc_alloc(bs, s, off, p, n);
        p += n;
        off += n;
        len -= n;
    }
    pthread_mutex_unlock(&bs->lock);
    return ret;
}

static int vpc_write_zeroes(struct blk_dev *bs, uint64_t off, uint64_t len, bool may_unmap)
{
    struct vpc *s = bs->opaque;
    if (s->fixed)
        return file_zero(bs->fd, off, len, may_unmap);
    int ret = 0;
    pthread_mutex_lock(&bs->lock);
    while (len && ret == 0) {
        uint64_t n;
        uint64_t host = vpc_host(s, off, &n);
        if (n > len)
            n = len;
        /* the block stays allocated: VHD has no way to give it back */
        if (host)
            ret = file_zero(bs->fd, host, n, may_unmap);
        off += n;
        len -= n;
    }
    pthread_mutex_unlock(&bs->lock);
    return ret;
}

static int vpc_flush(struct blk_dev *bs)
{
    return fdatasync(bs->fd) < 0 ? -errno : 0;
}

static int vpc_block_status(struct blk_dev *bs, uint64_t off, uint64_t len,
                            uint64_t *pnum, uint64_t *map)
{
    struct vpc *s = bs->opaque;
    if (s->fixed) {
        bool data;
        int ret = file_data_status(bs->fd, off, len, &data, pnum);
        if (ret < 0)
            return ret;
        *map = off;
        /* as QEMU reports it: the VHD layer calls it data, the file's
         * holes add "zero" */
        return BLK_ST_ALLOCATED | BLK_ST_OFFSET | BLK_ST_DATA | (data ? 0 : BLK_ST_ZERO);
    }
    pthread_mutex_lock(&bs->lock);
    uint64_t n;
    uint64_t host = vpc_host(s, off, &n);
    uint64_t done = n < len ? n : len;
    /* extend over following blocks in the same state (and, allocated,
     * contiguous in the file) */
    while (done < len) {
        uint64_t n2;
        uint64_t h2 = vpc_host(s, off + done, &n2);
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
    return BLK_ST_ALLOCATED | BLK_ST_DATA | BLK_ST_OFFSET;
}

static uint64_t vpc_cluster_size(struct blk_dev *bs)
{
    struct vpc *s = bs->opaque;
    return s->fixed ? 0 : s->block_size;
}

static void vhd_make_footer(uint8_t *f, uint64_t size, bool fixed, bool force_size,
                            uint16_t cyls, uint8_t heads, uint8_t secs)
{
    memset(f, 0, VHD_FOOTER_SIZE);
    memcpy(f + F_COOKIE, "conectix", 8);
    be32_put(f + F_FEATURES, 2);            /* "reserved", always set */
    be32_put(f + F_VERSION, 0x00010000);
    be64_put(f + F_DATA_OFFSET, fixed ? UINT64_MAX : VHD_FOOTER_SIZE);
    be32_put(f + F_TIMESTAMP, (uint32_t)(time(NULL) - VHD_EPOCH));
    /* "qemu" readers trust the geometry, "qem2" ones current_size */
    memcpy(f + F_CREATOR_APP, force_size ? "qem2" : "qemu", 4);
    be32_put(f + F_CREATOR_VER, 0x00050003);
    memcpy(f + F_CREATOR_OS, "Wi2k", 4);
    be64_put(f + F_ORIG_SIZE, size);
    be64_put(f + F_CUR_SIZE, size);
    be16_put(f + F_CYLS, cyls);
    f[F_HEADS] = heads;
    f[F_SECS] = secs;
    be32_put(f + F_TYPE, fixed ? VHD_TYPE_FIXED : VHD_TYPE_DYNAMIC);
    blk_uuid_generate(f + F_UUID);
    be32_put(f + F_CHECKSUM, vhd_checksum(f, VHD_FOOTER_SIZE, F_CHECKSUM));
}

static int vpc_create_dynamic(int fd, const uint8_t *footer, uint64_t size)
{
    uint32_t entries = (uint32_t)((size + VHD_BLOCK_SIZE - 1) / VHD_BLOCK_SIZE);
    uint64_t bat_off = VHD_FOOTER_SIZE + VHD_DYN_HEADER_SIZE;
    uint64_t bat_len = ((uint64_t)entries * 4 + 511) & ~511ull;
    uint8_t h[VHD_DYN_HEADER_SIZE] = { 0 };
    memcpy(h + D_COOKIE, "cxsparse", 8);
    /* all 64 bits set: the spec says 0xffffffff but Microsoft's tools want this */
    be64_put(h + D_DATA_OFFSET, UINT64_MAX);
    be64_put(h + D_TABLE_OFF, bat_off);
    be32_put(h + D_VERSION, 0x00010000);
    be32_put(h + D_MAX_ENTRIES, entries);
    be32_put(h + D_BLOCK_SIZE, VHD_BLOCK_SIZE);
    be32_put(h + D_CHECKSUM, vhd_checksum(h, sizeof(h), D_CHECKSUM));
    uint8_t *bat = malloc(bat_len ? bat_len : 1);
    if (!bat)
        return -ENOMEM;
    memset(bat, 0xff, bat_len);
    int ret = file_pwrite(fd, bat, bat_len, bat_off);
    free(bat);
    if (ret == 0)
        ret = file_pwrite(fd, h, sizeof(h), VHD_FOOTER_SIZE);
    if (ret == 0)
        ret = file_pwrite(fd, footer, VHD_FOOTER_SIZE, bat_off + bat_len);
    /* the copy at 0 last: until it is there the file is not a VHD */
    if (ret == 0)
        ret = file_pwrite(fd, footer, VHD_FOOTER_SIZE, 0);
    return ret;
}

static int vpc_create(const char *filename, const struct blk_create_opts *o,
                      struct blk_err *err)
{
    if (o->backing_file)
        return blk_err_set(err, -ENOTSUP, "Backing file not supported for file format 'vpc'");
    if (o->prealloc == BLK_PREALLOC_METADATA)
        return blk_err_set(err, -EINVAL, "Unsupported preallocation mode 'metadata'");
    uint64_t sectors = (o->size + 511) / 512;
    uint16_t cyls = 0;
    uint8_t heads = 0, secs = 0;
    if (o->force_size) {
        /* the size as given; the geometry only says "use current_size" */
        cyls = 65535;
        heads = 16;
        secs = 255;
    } else {
        /* the smallest geometry that holds the size: rounding up, never
         * truncating what convert copies in */
        uint64_t want = sectors < VHD_CHS_MAX ? sectors : VHD_CHS_MAX;
        for (uint64_t i = 0; want > (uint64_t)cyls * heads * secs; i++)
            vhd_geometry(want + i, &cyls, &heads, &secs);
    }
    if ((uint64_t)cyls * heads * secs != VHD_CHS_MAX)
        sectors = (uint64_t)cyls * heads * secs;
    if (sectors > VHD_MAX_SECTORS)
        return blk_err_set(err, -EFBIG, "The image size is too large for file format 'vpc'");
    uint64_t size = sectors * 512;
    uint8_t footer[VHD_FOOTER_SIZE];
    vhd_make_footer(footer, size, o->vpc_fixed, o->force_size, cyls, heads, secs);
    int fd = open(filename, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return blk_err_set(err, -errno, "Could not create '%s': %s", filename, strerror(errno));
    int ret;
    if (o->vpc_fixed) {
        ret = file_preallocate(fd, 0, size, o->prealloc);
        if (ret == 0)
            ret = file_pwrite(fd, footer, VHD_FOOTER_SIZE, size);
    } else {
        ret = vpc_create_dynamic(fd, footer, size);
    }
    if (ret == 0 && fsync(fd) < 0)
        ret = -errno;
    close(fd);
    if (ret < 0)
        return blk_err_set(err, ret, "Could not write the image: %s", strerror(-ret));
    return 0;
}

const struct blk_driver blk_vpc_driver = {
    .name = "vpc",
    .probe = vpc_probe,
    .open = vpc_open,
    .close = vpc_close,
    .read = vpc_read,
    .write = vpc_write,
    .write_zeroes = vpc_write_zeroes,
    .flush = vpc_flush,
    .block_status = vpc_block_status,
    .create = vpc_create,
    .cluster_size = vpc_cluster_size,
};
