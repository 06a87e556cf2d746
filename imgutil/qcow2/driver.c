/*
 * The qcow2 driver: open (header, L1, refcount table, snapshots; a dirty
 * lazy-refcounts image is repaired before it is written), close (clears the
 * dirty bit we set), resize with preallocation, image creation, and the
 * `info` description.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imgutil/file.h"
#include "imgutil/qcow2/qcow2.h"

static int qcow2_probe(const uint8_t *buf, size_t len)
{
    return len >= 8 && be32_get(buf) == QCOW2_MAGIC && be32_get(buf + 4) >= 2 ? 100 : 0;
}

static void qcow2_free_state(struct qcow2_state *s)
{
    qcow2_l2_cache_drop(s);
    qcow2_refcount_free_all(s);
    qcow2_snapshots_free(s);
    for (int i = 0; i < s->n_exts; i++)
        free(s->exts[i].data);
    free(s->exts);
    free(s->l1);
    free(s->pending_free);
    free(s->dc_buf);
    free(s);
}

static int qcow2_open(struct blk_dev *bs, int flags, struct blk_err *err)
{
    struct qcow2_state *s = calloc(1, sizeof(*s));
    if (!s)
        return blk_err_set(err, -ENOMEM, "out of memory");
    s->bs = bs;
    bs->opaque = s;
    uint8_t *hdr = NULL;
    int ret;
    int64_t flen = file_size(bs->fd);
    if (flen < 0) {
        ret = blk_err_set(err, (int)flen, "could not get the file size");
        goto fail;
    }
    s->file_end = (uint64_t)flen;
    uint8_t first[32];
    if (flen < 72) {
        ret = blk_err_set(err, -EINVAL, "image is truncated: %" PRId64 " bytes is shorter than "
                          "a qcow2 header", flen);
        goto fail;
    }
    if ((ret = file_pread(bs->fd, first, sizeof(first), 0)))
        goto io_fail;
    uint32_t cb = be32_get(first + 20);
    if (be32_get(first) != QCOW2_MAGIC || cb < 9 || cb > 21) {
        ret = qcow2_header_parse(s, first, s->file_end, err);
        if (!ret)
            ret = blk_err_set(err, -EINVAL, "invalid qcow2 header");
        goto fail;
    }
    hdr = malloc(1ull << cb);
    if (!hdr) {
        ret = blk_err_set(err, -ENOMEM, "out of memory");
        goto fail;
    }
    if ((ret = file_pread(bs->fd, hdr, 1ull << cb, 0)))
        goto io_fail;
    if ((ret = qcow2_header_parse(s, hdr, s->file_end, err)))
        goto fail;

    if (s->l1_size) {
        uint8_t *raw = malloc(s->l1_size * 8ull);
        s->l1 = malloc(s->l1_size * 8ull);
        if (!raw || !s->l1) {
            free(raw);
            ret = blk_err_set(err, -ENOMEM, "out of memory");
            goto fail;
        }
        ret = file_pread(bs->fd, raw, s->l1_size * 8ull, s->l1_offset);
        for (uint32_t i = 0; !ret && i < s->l1_size; i++)
            s->l1[i] = be64_get(raw + i * 8ull);
        free(raw);
        if (ret)
            goto io_fail;
    }
    if ((ret = qcow2_refcount_load(s, err)))
        goto fail;
    if ((ret = qcow2_snapshots_read(s, err)))
        goto fail;
    if ((s->incompat & QCOW2_INCOMPAT_DIRTY) && !bs->read_only && !(flags & BLK_O_CHECK)) {
        /* refcounts may be stale after a crash with lazy_refcounts: rebuild */
        struct blk_check_result r;
        ret = qcow2_check(bs, &r, BLK_FIX_LEAKS | BLK_FIX_ERRORS);
        if (ret < 0 || r.corruptions > r.corruptions_fixed) {
            ret = blk_err_set(err, ret < 0 ? ret : -EIO,
                              "image is dirty and could not be repaired; run check -r all");
            goto fail;
        }
        if ((ret = qcow2_header_set_incompat(s, s->incompat & ~QCOW2_INCOMPAT_DIRTY)))
            goto io_fail;
    }
    free(hdr);
    return 0;
io_fail:
    ret = blk_err_set(err, ret, "could not read the image: %s", strerror(-ret));
fail:
    free(hdr);
    qcow2_free_state(s);
    bs->opaque = NULL;
    return ret;
}

static void qcow2_close(struct blk_dev *bs)
{
    struct qcow2_state *s = bs->opaque;
    if (!s)
        return;
    if (!bs->read_only) {
        int ret = qcow2_meta_flush(s);
        if (!ret && s->dirty_set && fdatasync(bs->fd) == 0)
            qcow2_header_set_incompat(s, s->incompat & ~QCOW2_INCOMPAT_DIRTY);
    }
    qcow2_free_state(s);
    bs->opaque = NULL;
}

/* allocate data clusters for every unallocated cluster of [from, to) */
static int qcow2_preallocate(struct qcow2_state *s, uint64_t from, uint64_t to,
                             enum blk_prealloc mode)
{
    uint64_t cs = s->cluster_size;
    uint64_t off = from & ~(cs - 1);
    int ret = 0;
    while (!ret && off < to) {
        uint32_t l1i = (uint32_t)(off >> (s->cluster_bits + s->l2_bits));
        struct qcow2_l2_slot *t;
        if ((ret = qcow2_l2_get(s, l1i, true, &t)))
            break;
        uint64_t i = (off >> s->cluster_bits) & (qcow2_l2_entries(s) - 1);
        uint64_t k = 0, ents = qcow2_l2_entries(s);
        while (i + k < ents && off + k * cs < to &&
               !(qcow2_l2_entry(s, t, i + k) & (QCOW2_OFFSET_MASK | QCOW2_OFLAG_COMPRESSED)))
            k++;
        if (!k) {
            off += cs;
            continue;
        }
        int64_t a = qcow2_alloc_clusters(s, k);
        if (a < 0)
            return (int)a;
        for (uint64_t j = 0; j < k; j++)
            qcow2_l2_set(s, t, i + j, ((uint64_t)a + j * cs) | QCOW2_OFLAG_COPIED,
                         s->ext_l2 ? 0xffffffffull : 0);
        if (mode == BLK_PREALLOC_FULL || mode == BLK_PREALLOC_FALLOC)
            ret = file_preallocate(s->bs->fd, (uint64_t)a, (uint64_t)a + k * cs, mode);
        off += k * cs;
    }
    if (!ret)
        ret = qcow2_meta_flush(s);
    if (!ret) {
        int64_t fl = file_size(s->bs->fd);
        if (fl >= 0 && (uint64_t)fl < s->file_end && ftruncate(s->bs->fd, (off_t)s->file_end) < 0)
            ret = -errno;
    }
    return ret;
}

static int qcow2_truncate(struct blk_dev *bs, uint64_t size, bool shrink,
                          enum blk_prealloc prealloc, struct blk_err *err)
{
    struct qcow2_state *s = bs->opaque;
    uint64_t cs = s->cluster_size;
    if (size % 512)
        return blk_err_set(err, -EINVAL, "The new size must be a multiple of 512");
    if (s->nb_snapshots && (s->version < 3 || size < bs->size))
        return blk_err_set(err, -ENOTSUP, "Can't resize an image which has snapshots");
    if (size < bs->size && !shrink)
        return blk_err_set(err, -EINVAL, "Use the --shrink option to perform a shrink operation.");
    if (size < bs->size && prealloc != BLK_PREALLOC_OFF)
        return blk_err_set(err, -ENOTSUP, "Preallocation can only be used for growing");
    pthread_mutex_lock(&bs->lock);
    int ret = qcow2_mark_dirty(s);
    if (!ret && size < bs->size) {
        /* drop every cluster wholly past the new end */
        uint64_t a = (size + cs - 1) & ~(cs - 1);
        uint64_t end = (bs->size + cs - 1) & ~(cs - 1);
        for (uint64_t off = a; !ret && off < end; off += cs) {
            uint32_t l1i = (uint32_t)(off >> (s->cluster_bits + s->l2_bits));
            if (!s->l1[l1i])
                continue;
            struct qcow2_l2_slot *t;
            if ((ret = qcow2_l2_get(s, l1i, true, &t)))
                break;
            uint64_t i = (off >> s->cluster_bits) & (qcow2_l2_entries(s) - 1);
            qcow2_free_later(s, qcow2_l2_entry(s, t, i));
            qcow2_l2_set(s, t, i, 0, 0);
        }
        int r2 = qcow2_meta_flush(s);
        ret = ret ? ret : r2;
        if (!ret)
            ret = qcow2_free_pending(s);
        /* the partial cluster at the new end must read as zero if grown again */
        if (!ret && size & (cs - 1)) {
            uint64_t keep = size, tail = a - size;
            uint64_t old = bs->size;
            if (a <= old) {
                uint8_t *z = calloc(1, tail);
                if (z)
                    ret = qcow2_write_locked(s, keep, z, tail);
                free(z);
            }
        }
    } else if (!ret) {
        uint64_t per_l1 = cs << s->l2_bits;
        ret = qcow2_l1_grow(s, (size + per_l1 - 1) / per_l1);
    }
    if (!ret) {
        uint8_t b[8];
        be64_put(b, size);
        if (!(ret = qcow2_meta_flush(s)))
            ret = file_pwrite(bs->fd, b, 8, 24);
    }
    if (!ret) {
        uint64_t old = bs->size;
        bs->size = size;
        if (prealloc != BLK_PREALLOC_OFF && size > old)
            ret = qcow2_preallocate(s, old, size, prealloc);
    }
    pthread_mutex_unlock(&bs->lock);
    if (ret == -EFBIG)
        return blk_err_set(err, ret, "Image size is too large for this cluster size");
    if (ret < 0)
        return blk_err_set(err, ret, "Could not resize image: %s", blk_strerror(bs, ret));
    return 0;
}

static const struct { uint8_t type, bit; const char *name; } qcow2_feature_names[] = {
    { 0, 0, "dirty bit" },
    { 0, 1, "corrupt bit" },
    { 0, 2, "external data file" },
    { 0, 3, "compression type" },
    { 0, 4, "extended L2 entries" },
    { 1, 0, "lazy refcounts" },
    { 2, 0, "bitmaps" },
    { 2, 1, "raw external data" },
};

static int qcow2_create(const char *filename, const struct blk_create_opts *o,
                        struct blk_err *err)
{
    uint64_t cs = o->cluster_size ? o->cluster_size : 65536;
    int compat = o->compat ? o->compat : 3;
    int rbits = o->refcount_bits ? o->refcount_bits : 16;
    if (cs < 512 || cs > (2u << 20) || (cs & (cs - 1)))
        return blk_err_set(err, -EINVAL, "Cluster size must be a power of two between 512 and 2048k");
    if (rbits > 64 || (rbits & (rbits - 1)))
        return blk_err_set(err, -EINVAL,
                           "Refcount width must be a power of two and may not exceed 64 bits");
    if (compat < 3) {
        if (rbits != 16)
            return blk_err_set(err, -EINVAL, "Different refcount widths than 16 bits require "
                               "compatibility level 1.1 or above (use compat=1.1 or greater)");
        if (o->lazy_refcounts)
            return blk_err_set(err, -EINVAL, "Lazy refcounts only supported with compatibility "
                               "level 1.1 and above (use compat=1.1 or greater)");
        if (o->extended_l2)
            return blk_err_set(err, -EINVAL, "Extended L2 entries are only supported with "
                               "compatibility level 1.1 and above (use compat=1.1 or greater)");
        if (o->compression_type)
            return blk_err_set(err, -EINVAL, "Non-zlib compression type is only supported with "
                               "compatibility level 1.1 and above (use compat=1.1 or greater)");
    }
    if (o->extended_l2 && cs < 16384)
        return blk_err_set(err, -EINVAL, "Extended L2 entries are only supported with cluster "
                           "sizes of at least 16384 bytes");
    if (o->compression_type == 1 && !qcow2_zstd_available())
        return blk_err_set(err, -ENOTSUP, "zstd compression is not supported by this build");
    if (o->backing_file && o->prealloc != BLK_PREALLOC_OFF && !o->extended_l2)
        return blk_err_set(err, -EINVAL, "Backing file and preallocation can only be used at "
                           "the same time if extended_l2 is on");
    if (o->size % 512)
        return blk_err_set(err, -EINVAL, "Image size must be a multiple of 512 bytes");
    if (o->backing_file && strlen(o->backing_file) > 1023)
        return blk_err_set(err, -EINVAL, "Backing file name too long");

    uint8_t *buf = calloc(3, cs);
    if (!buf)
        return blk_err_set(err, -ENOMEM, "out of memory");
    uint32_t hlen = compat >= 3 ? 112 : 72;
    be32_put(buf, QCOW2_MAGIC);
    be32_put(buf + 4, compat >= 3 ? 3 : 2);
    be32_put(buf + 20, (uint32_t)__builtin_ctzll(cs));
    be64_put(buf + 48, cs);             /* refcount table: cluster 1 */
    be32_put(buf + 56, 1);
    if (compat >= 3) {
        uint64_t incompat = (o->compression_type ? QCOW2_INCOMPAT_COMPRESSION : 0) |
                            (o->extended_l2 ? QCOW2_INCOMPAT_EXTL2 : 0);
        be64_put(buf + 72, incompat);
        be64_put(buf + 80, o->lazy_refcounts ? QCOW2_COMPAT_LAZY_REFCOUNTS : 0);
        be32_put(buf + 96, (uint32_t)__builtin_ctz((unsigned)rbits));
        be32_put(buf + 100, hlen);
        buf[104] = (uint8_t)o->compression_type;
    }
    uint64_t p = hlen;
    if (o->backing_file && o->backing_fmt) {
        uint32_t l = (uint32_t)strlen(o->backing_fmt);
        be32_put(buf + p, QCOW2_EXT_BACKING_FMT);
        be32_put(buf + p + 4, l);
        memcpy(buf + p + 8, o->backing_fmt, l);
        p += 8 + ((l + 7) & ~7u);
    }
    if (compat >= 3) {
        size_t n = sizeof(qcow2_feature_names) / sizeof(qcow2_feature_names[0]);
        be32_put(buf + p, QCOW2_EXT_FEATURES);
        be32_put(buf + p + 4, (uint32_t)(n * 48));
        for (size_t i = 0; i < n; i++) {
            uint8_t *e = buf + p + 8 + i * 48;
            e[0] = qcow2_feature_names[i].type;
            e[1] = qcow2_feature_names[i].bit;
            strncpy((char *)e + 2, qcow2_feature_names[i].name, 46);
        }
        p += 8 + n * 48;
    }
    p += 8;     /* end of extensions */
    if (o->backing_file) {
        uint32_t l = (uint32_t)strlen(o->backing_file);
        if (p + l > cs) {
            free(buf);
            return blk_err_set(err, -EINVAL, "Backing file name too long");
        }
        be64_put(buf + 8, p);
        be32_put(buf + 16, l);
        memcpy(buf + p, o->backing_file, l);
    }
    /* cluster 1: refcount table -> cluster 2: refcounts of clusters 0..2 */
    be64_put(buf + cs, 2 * cs);

    for (int c = 0; c < 3; c++) {
        uint64_t bit = (uint64_t)c * (uint64_t)rbits;
        if (rbits < 8)
            buf[2 * cs + bit / 8] |= (uint8_t)(1u << (bit % 8));
        else
            buf[2 * cs + bit / 8 + (uint64_t)rbits / 8 - 1] = 1;
    }

    int fd = open(filename, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        int e = errno;
        free(buf);
        return blk_err_set(err, -e, "Could not create '%s': %s", filename, strerror(e));
    }
    int ret = file_pwrite(fd, buf, 3 * cs, 0);
    close(fd);
    free(buf);
    if (ret)
        return blk_err_set(err, ret, "Could not write '%s': %s", filename, strerror(-ret));

    struct blk_dev *bs = blk_open(filename, "qcow2", BLK_O_RDWR | BLK_O_NO_BACKING, err);
    if (!bs)
        return -EIO;
    ret = blk_truncate(bs, o->size, false, o->prealloc, err);
    blk_close(bs);
    return ret;
}

static void qcow2_info_json(struct blk_dev *bs, char *out, size_t cap)
{
    struct qcow2_state *s = bs->opaque;
    if (s->version < 3) {
        snprintf(out, cap, "\"compat\": \"0.10\", \"compression-type\": \"zlib\", "
                 "\"refcount-bits\": %u", s->refcount_bits);
        return;
    }
    snprintf(out, cap, "\"compat\": \"1.1\", \"compression-type\": \"%s\", "
             "\"lazy-refcounts\": %s, \"refcount-bits\": %u, \"corrupt\": %s, "
             "\"extended-l2\": %s",
             s->compression_type ? "zstd" : "zlib",
             s->compat & QCOW2_COMPAT_LAZY_REFCOUNTS ? "true" : "false",
             s->refcount_bits,
             s->incompat & QCOW2_INCOMPAT_CORRUPT ? "true" : "false",
             s->ext_l2 ? "true" : "false");
}

static uint64_t qcow2_cluster_size(struct blk_dev *bs)
{
    return ((struct qcow2_state *)bs->opaque)->cluster_size;
}

static bool qcow2_is_dirty(struct blk_dev *bs)
{
    return ((struct qcow2_state *)bs->opaque)->incompat & QCOW2_INCOMPAT_DIRTY;
}

static int qcow2_snapshot_list(struct blk_dev *bs, struct blk_snapshot **list)
{
    struct qcow2_state *s = bs->opaque;
    *list = calloc(s->nb_snapshots + 1, sizeof(**list));
    if (!*list)
        return -ENOMEM;
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        struct blk_snapshot *o = &(*list)[i];
        struct qcow2_snap *sn = &s->snaps[i];
        snprintf(o->id, sizeof(o->id), "%s", sn->id);
        snprintf(o->name, sizeof(o->name), "%s", sn->name);
        o->vm_state_size = sn->vm_state_size;
        o->date_sec = sn->date_sec;
        o->date_nsec = sn->date_nsec;
        o->vm_clock_nsec = sn->vm_clock_nsec;
        o->icount = sn->icount;
        o->disk_size = sn->disk_size;
    }
    return (int)s->nb_snapshots;
}

const struct blk_driver blk_qcow2_driver = {
    .name = "qcow2",
    .probe = qcow2_probe,
    .open = qcow2_open,
    .close = qcow2_close,
    .read = qcow2_drv_read,
    .write = qcow2_drv_write,
    .write_zeroes = qcow2_drv_write_zeroes,
    .discard = qcow2_drv_discard,
    .flush = qcow2_drv_flush,
    .block_status = qcow2_drv_block_status,
    .truncate = qcow2_truncate,
    .create = qcow2_create,
    .check = qcow2_check,
    .compress = qcow2_drv_compress,
    .write_compressed = qcow2_drv_write_compressed,
    .snapshot_list = qcow2_snapshot_list,
    .snapshot_create = qcow2_snapshot_create,
    .snapshot_apply = qcow2_snapshot_apply,
    .snapshot_delete = qcow2_snapshot_delete,
    .info_json = qcow2_info_json,
    .cluster_size = qcow2_cluster_size,
    .supports_backing = true,
    .is_dirty = qcow2_is_dirty,
    .change_backing = qcow2_change_backing,
    .amend = qcow2_amend,
    .measure_bitmaps = qcow2_measure_bitmaps,
};
