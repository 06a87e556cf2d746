/*
 * The qed format (QEMU Enhanced Disk), read only.
 *
 * A little-endian header in cluster 0, an L1 table and L2 tables of
 * table_size clusters each, 64-bit entries.  An L2 entry is a cluster's
 * offset in the file, 0 for a cluster this image does not hold (read from
 * the backing file, or zeroes) and 1 for a cluster that reads as zeroes.
 * QEMU itself deprecates writing qed, so runtime-img only reads it: every
 * open for writing and every create is refused with one line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imgutil/blk.h"
#include "imgutil/file.h"

#define QED_MAGIC           0x00444551u   /* "QED\0" read little-endian */
#define QED_F_BACKING_FILE  0x1
#define QED_F_NEED_CHECK    0x2
#define QED_F_BACKING_FORMAT_NO_PROBE 0x4
#define QED_FEATURES_KNOWN  0x7
#define QED_ZERO_CLUSTER    1
#define QED_MIN_CLUSTER     (4u << 10)
#define QED_MAX_CLUSTER     (64u << 20)
#define QED_MAX_TABLE       16u
#define QED_HEADER_LEN      64
#define QED_READ_ONLY       "qed images are read-only in runtime-img"

struct qed {
    uint32_t cluster_size, table_size, header_size;
    uint64_t features, l1_off;
    uint64_t table_entries;     /* entries per table */
    uint64_t fsize;
    uint64_t *l1;
};

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
    return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static bool pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

static int qed_probe(const uint8_t *buf, size_t len)
{
    return len >= 4 && rd32(buf) == QED_MAGIC ? 100 : 0;
}

/* a table or data offset must be cluster aligned and inside the file */
static bool qed_offset_ok(const struct qed *s, uint64_t off, uint64_t len)
{
    return off % s->cluster_size == 0 && off >= s->cluster_size &&
           off <= s->fsize && len <= s->fsize - off;
}

static int qed_parse_header(struct blk_dev *bs, struct qed *s, const uint8_t *h,
                            struct blk_err *err)
{
    if (rd32(h) != QED_MAGIC)
        return blk_err_set(err, -EINVAL, "Image not in QED format");
    s->cluster_size = rd32(h + 4);
    s->table_size = rd32(h + 8);
    s->header_size = rd32(h + 12);
    s->features = rd64(h + 16);
    uint64_t autoclear = rd64(h + 32);
    s->l1_off = rd64(h + 40);
    uint64_t image_size = rd64(h + 48);
    uint32_t bf_off = rd32(h + 56), bf_len = rd32(h + 60);
    (void)autoclear;            /* unknown autoclear bits only matter to writers */
    if (s->features & ~(uint64_t)QED_FEATURES_KNOWN)
        return blk_err_set(err, -ENOTSUP, "Unsupported QED features 0x%" PRIx64,
                           s->features & ~(uint64_t)QED_FEATURES_KNOWN);
    if (!pow2(s->cluster_size) || s->cluster_size < QED_MIN_CLUSTER ||
        s->cluster_size > QED_MAX_CLUSTER)
        return blk_err_set(err, -EINVAL, "invalid QED cluster size %" PRIu32, s->cluster_size);
    if (!pow2(s->table_size) || s->table_size > QED_MAX_TABLE)
        return blk_err_set(err, -EINVAL, "invalid QED table size %" PRIu32, s->table_size);
    if (!s->header_size || (uint64_t)s->header_size * s->cluster_size > s->fsize)
        return blk_err_set(err, -EINVAL, "invalid QED header size %" PRIu32 " clusters",
                           s->header_size);
    s->table_entries = (uint64_t)s->table_size * s->cluster_size / 8;
    /* the largest disk two table levels can address */
    uint64_t max = s->table_entries * s->table_entries * s->cluster_size;
    if (image_size % 512 || image_size > max)
        return blk_err_set(err, -EINVAL, "invalid QED image size %" PRIu64
                           " (at most %" PRIu64 " with these table sizes)", image_size, max);
    if (!qed_offset_ok(s, s->l1_off, (uint64_t)s->table_size * s->cluster_size))
        return blk_err_set(err, -EINVAL, "QED L1 table offset 0x%" PRIx64
                           " is unaligned or past the end of the file", s->l1_off);
    bs->size = image_size;
    if (s->features & QED_F_BACKING_FILE) {
        uint64_t hdr_bytes = (uint64_t)s->header_size * s->cluster_size;
        if (!bf_len || bf_len > 1023 || bf_off > hdr_bytes || bf_len > hdr_bytes - bf_off)
            return blk_err_set(err, -EINVAL, "invalid QED backing file name (offset %" PRIu32
                               ", length %" PRIu32 ")", bf_off, bf_len);
        char *name = calloc(1, bf_len + 1);
        if (!name)
            return blk_err_set(err, -ENOMEM, "out of memory");
        int ret = file_pread(bs->fd, name, bf_len, bf_off);
        if (ret < 0) {
            free(name);
            return blk_err_set(err, ret, "could not read the backing file name: %s",
                               strerror(-ret));
        }
        bs->backing_file = name;
        /* without NO_PROBE the backing file's format is probed, as QEMU does */
        if (s->features & QED_F_BACKING_FORMAT_NO_PROBE)
            bs->backing_fmt = strdup("raw");
    }
    return 0;
}

static int qed_open(struct blk_dev *bs, int flags, struct blk_err *err)
{
    if (flags & BLK_O_RDWR)
        return blk_err_set(err, -EROFS, QED_READ_ONLY);
    int64_t fsize = file_size(bs->fd);
    if (fsize < 0)
        return blk_err_set(err, (int)fsize, "could not get the file size: %s",
                           strerror((int)-fsize));
    if (fsize < QED_HEADER_LEN)
        return blk_err_set(err, -EINVAL, "image is too short for a QED header");
    struct qed *s = calloc(1, sizeof(*s));
    if (!s)
        return blk_err_set(err, -ENOMEM, "out of memory");
    s->fsize = (uint64_t)fsize;
    uint8_t h[QED_HEADER_LEN];
    int ret = file_pread(bs->fd, h, sizeof(h), 0);
    if (ret < 0) {
        blk_err_set(err, ret, "could not read the header: %s", strerror(-ret));
        goto fail;
    }
    ret = qed_parse_header(bs, s, h, err);
    if (ret < 0)
        goto fail;
    s->l1 = malloc(s->table_entries * 8);
    if (!s->l1) {
        ret = blk_err_set(err, -ENOMEM, "out of memory for the L1 table");
        goto fail;
    }
    ret = file_pread(bs->fd, s->l1, s->table_entries * 8, s->l1_off);
    if (ret < 0) {
        blk_err_set(err, ret, "could not read the L1 table: %s", strerror(-ret));
        goto fail;
    }
    for (uint64_t i = 0; i < s->table_entries; i++)
        s->l1[i] = rd64((uint8_t *)&s->l1[i]);
    bs->opaque = s;
    return 0;
fail:
    free(s->l1);
    free(s);
    return ret;
}

static void qed_close(struct blk_dev *bs)
{
    struct qed *s = bs->opaque;
    free(s->l1);
    free(s);
}

/* The L2 entry of the cluster holding off: 0, QED_ZERO_CLUSTER or a file
 * offset checked against the file; -EIO (reason in bs->io_err) otherwise. */
static int qed_lookup(struct blk_dev *bs, uint64_t off, uint64_t *entry)
{
    struct qed *s = bs->opaque;
    uint64_t cl = off / s->cluster_size;
    uint64_t l1i = cl / s->table_entries, l2i = cl % s->table_entries;
    uint64_t l2 = s->l1[l1i];
    *entry = 0;
    if (!l2)
        return 0;
    if (!qed_offset_ok(s, l2, (uint64_t)s->table_size * s->cluster_size))
        return blk_err_set(&bs->io_err, -EIO, "QED L2 table offset 0x%" PRIx64
                           " is invalid (L1 index %" PRIu64 ")", l2, l1i);
    uint8_t e[8];
    int ret = file_pread(bs->fd, e, 8, l2 + l2i * 8);
    if (ret < 0)
        return ret;
    *entry = rd64(e);
    if (*entry > QED_ZERO_CLUSTER && !qed_offset_ok(s, *entry, 0))
        return blk_err_set(&bs->io_err, -EIO, "QED data cluster offset 0x%" PRIx64
                           " is invalid (guest offset 0x%" PRIx64 ")", *entry, off);
    return 0;
}

static int qed_read(struct blk_dev *bs, uint64_t off, void *buf, size_t len)
{
    struct qed *s = bs->opaque;
    uint8_t *p = buf;
    while (len) {
        uint64_t in = off % s->cluster_size;
        size_t n = s->cluster_size - in < len ? (size_t)(s->cluster_size - in) : len;
        uint64_t e;
        int ret = qed_lookup(bs, off, &e);
        if (ret < 0)
            return ret;
        if (e > QED_ZERO_CLUSTER) {
            ret = file_pread(bs->fd, p, n, e + in);
        } else if (e == 0 && bs->backing && off < bs->backing->size) {
            size_t b = bs->backing->size - off < n ? (size_t)(bs->backing->size - off) : n;
            ret = blk_read(bs->backing, off, p, b);
            memset(p + b, 0, n - b);
        } else {
            memset(p, 0, n);
        }
        if (ret < 0)
            return ret;
        p += n;
        off += n;
        len -= n;
    }
    return 0;
}

static int qed_block_status(struct blk_dev *bs, uint64_t off, uint64_t len,
                            uint64_t *pnum, uint64_t *map)
{
    struct qed *s = bs->opaque;
    uint64_t e0, done = 0;
    int ret = qed_lookup(bs, off, &e0);
    if (ret < 0)
        return ret;
    /* extend the run over clusters of the same kind (contiguous for data) */
    while (done < len) {
        uint64_t e;
        ret = qed_lookup(bs, off + done, &e);
        if (ret < 0)
            return ret;
        uint64_t step = ((off + done) / s->cluster_size - off / s->cluster_size) * s->cluster_size;
        bool same = e0 > QED_ZERO_CLUSTER ? e == e0 + step : e == e0;
        if (done && !same)
            break;
        uint64_t n = s->cluster_size - (off + done) % s->cluster_size;
        done += n < len - done ? n : len - done;
    }
    *pnum = done;
    if (e0 == QED_ZERO_CLUSTER)
        return BLK_ST_ALLOCATED | BLK_ST_ZERO;
    if (e0 == 0)
        return bs->backing ? 0 : BLK_ST_ZERO;
    *map = e0 + off % s->cluster_size;
    return BLK_ST_ALLOCATED | BLK_ST_OFFSET | BLK_ST_DATA;
}

static int qed_create(const char *filename, const struct blk_create_opts *o,
                      struct blk_err *err)
{
    (void)filename;
    (void)o;
    return blk_err_set(err, -ENOTSUP, "cannot create qed images: " QED_READ_ONLY);
}

static uint64_t qed_cluster_size(struct blk_dev *bs)
{
    return ((struct qed *)bs->opaque)->cluster_size;
}

static bool qed_is_dirty(struct blk_dev *bs)
{
    return ((struct qed *)bs->opaque)->features & QED_F_NEED_CHECK;
}

/* qemu-img check for qed: tables and clusters that point outside the file
 * or at the header are corruptions; nothing is repaired (read only) */
static int qed_check(struct blk_dev *bs, struct blk_check_result *r, int fix)
{
    struct qed *s = bs->opaque;
    memset(r, 0, sizeof(*r));
    if (fix)
        return -EROFS;
    r->has_clusters = true;
    r->total_clusters = (bs->size + s->cluster_size - 1) / s->cluster_size;
    uint64_t prev = 0;          /* host offset of the last data cluster seen */
    uint8_t *l2 = malloc(s->table_entries * 8);
    if (!l2)
        return -ENOMEM;
    for (uint64_t i = 0; i < s->table_entries; i++) {
        uint64_t t = s->l1[i];
        if (!t)
            continue;
        if (i * s->table_entries >= r->total_clusters ||
            !qed_offset_ok(s, t, (uint64_t)s->table_size * s->cluster_size)) {
            r->corruptions++;
            continue;
        }
        int ret = file_pread(bs->fd, l2, s->table_entries * 8, t);
        if (ret < 0) {
            r->check_errors++;
            continue;
        }
        for (uint64_t j = 0; j < s->table_entries; j++) {
            uint64_t e = rd64(l2 + j * 8);
            if (e <= QED_ZERO_CLUSTER)
                continue;
            if (i * s->table_entries + j >= r->total_clusters || !qed_offset_ok(s, e, 0)) {
                r->corruptions++;
                continue;
            }
            r->allocated_clusters++;
            /* as QEMU counts it: data not following the previous data cluster */
            if (prev && e != prev + s->cluster_size)
                r->fragmented_clusters++;
            prev = e;
        }
    }
    free(l2);
    /* qemu-img check reports no image end offset for qed */
    return 0;
}

const struct blk_driver blk_qed_driver = {
    .name = "qed",
    .probe = qed_probe,
    .open = qed_open,
    .close = qed_close,
    .read = qed_read,
    .block_status = qed_block_status,
    .create = qed_create,
    .check = qed_check,
    .cluster_size = qed_cluster_size,
    .supports_backing = true,
    .is_dirty = qed_is_dirty,
};
