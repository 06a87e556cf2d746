/*
 * qcow2 in-place changes for `amend` and `rebase`: the backing file name,
 * lazy refcounts, the version (0.10 <-> 1.1) and the refcount width.
 * A new refcount width means new refcount structures: every count is read
 * through the old ones, then a table and blocks of the new width are written
 * to fresh clusters at the end of the file, describing themselves, and the
 * header is switched over last -- so an interruption leaves the old, still
 * valid structures in charge.  The old ones become free clusters.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imgutil/file.h"
#include "imgutil/qcow2/qcow2.h"

int qcow2_change_backing(struct blk_dev *bs, const char *file, const char *fmt,
                         struct blk_err *err)
{
    struct qcow2_state *s = bs->opaque;
    int ret = qcow2_header_write_exts(s, file, fmt, err);
    if (ret < 0)
        return ret;
    free(bs->backing_file);
    free(bs->backing_fmt);
    bs->backing_file = file ? strdup(file) : NULL;
    bs->backing_fmt = fmt ? strdup(fmt) : NULL;
    return 0;
}

/* one count of 8 bytes per cluster is kept in memory while rebuilding:
 * 1 GiB for an 8 TiB image of 64 KiB clusters */
#define REBUILD_MAX_CLUSTERS (1ull << 27)

static void rc_put(uint8_t *b, int order, uint64_t i, uint64_t v)
{
    if (order < 3) {
        uint64_t bit = i << order;
        b[bit / 8] |= (uint8_t)(v << (bit % 8));
    } else if (order == 3) {
        b[i] = (uint8_t)v;
    } else if (order == 4) {
        be16_put(b + i * 2, (uint16_t)v);
    } else if (order == 5) {
        be32_put(b + i * 4, (uint32_t)v);
    } else {
        be64_put(b + i * 8, v);
    }
}

static int sync_fd(int fd)
{
    return fdatasync(fd) < 0 ? -errno : 0;
}

static int rebuild_refcounts(struct qcow2_state *s, int order, struct blk_err *err)
{
    uint64_t cs = s->cluster_size;
    int64_t flen = file_size(s->bs->fd);
    uint64_t end = s->file_end > (uint64_t)flen ? s->file_end : (uint64_t)flen;
    uint64_t n = (end + cs - 1) / cs;
    if (n > REBUILD_MAX_CLUSTERS)
        return blk_err_set(err, -EFBIG, "an image of %" PRIu64 " clusters is too large to "
                           "change its refcount width", n);
    uint64_t *rc = calloc(n ? n : 1, sizeof(*rc));
    if (!rc)
        return blk_err_set(err, -ENOMEM, "out of memory");
    uint64_t max = order == 6 ? UINT64_MAX : (1ull << (1u << order)) - 1;
    int ret = 0;
    /* only where a refcount block exists: elsewhere every count is 0 */
    for (uint32_t ti = 0; ti < s->rt_entries && !ret; ti++) {
        if (!s->rt[ti])
            continue;
        uint64_t first = (uint64_t)ti << s->rb_bits, last = first + (1ull << s->rb_bits);
        for (uint64_t i = first; i < n && i < last && !ret; i++) {
            ret = qcow2_refcount_get(s, i, &rc[i]);
            if (ret < 0)
                blk_err_set(err, ret, "could not read the refcounts: %s", strerror(-ret));
        }
    }
    /* the old table and blocks are dropped with the switch */
    for (uint32_t i = 0; !ret && i < s->rt_clusters; i++)
        if ((s->rt_offset / cs) + i < n)
            rc[s->rt_offset / cs + i] = 0;
    for (uint32_t i = 0; !ret && i < s->rt_entries; i++)
        if (s->rt[i] && s->rt[i] / cs < n)
            rc[s->rt[i] / cs] = 0;
    for (uint64_t i = 0; !ret && i < n; i++)
        if (rc[i] > max)
            ret = blk_err_set(err, -EINVAL, "Cannot decrease refcount entry width to %u bits: "
                              "Cluster at offset %#" PRIx64 " has a refcount of %" PRIu64,
                              1u << order, i * cs, rc[i]);
    if (ret) {
        free(rc);
        return ret;
    }
    /* the new structures at n..: enough blocks to cover themselves too */
    uint64_t per_block = cs * 8 >> order, blocks = 0, table = 0, last;
    do {
        last = blocks + table;
        blocks = (n + blocks + table + per_block - 1) / per_block;
        table = (blocks * 8 + cs - 1) / cs;
    } while (blocks + table != last);
    uint64_t total = n + table + blocks;
    uint8_t *buf = calloc(1, cs), *tbl = calloc(table, cs);
    if (!buf || !tbl) {
        free(buf);
        free(tbl);
        free(rc);
        return blk_err_set(err, -ENOMEM, "out of memory");
    }
    for (uint64_t b = 0; b < blocks && !ret; b++) {
        memset(buf, 0, cs);
        for (uint64_t j = 0; j < per_block; j++) {
            uint64_t c = b * per_block + j;
            uint64_t v = c < n ? rc[c] : c < total ? 1 : 0;
            if (v)
                rc_put(buf, order, j, v);
        }
        uint64_t at = (n + table + b) * cs;
        be64_put(tbl + b * 8, at);
        ret = file_pwrite(s->bs->fd, buf, cs, at);
    }
    if (!ret)
        ret = file_pwrite(s->bs->fd, tbl, table * cs, n * cs);
    if (!ret)
        ret = sync_fd(s->bs->fd);
    if (!ret) {
        /* table offset, its size and the width change together: one write
         * inside the first sector */
        uint8_t h[52];
        ret = file_pread(s->bs->fd, h, sizeof(h), 48);
        if (!ret) {
            be64_put(h, n * cs);
            be32_put(h + 8, (uint32_t)table);
            be32_put(h + 48, (uint32_t)order);
            ret = file_pwrite(s->bs->fd, h, sizeof(h), 48);
        }
        if (!ret)
            ret = sync_fd(s->bs->fd);
    }
    free(buf);
    free(tbl);
    free(rc);
    if (ret)
        return blk_err_set(err, ret, "could not write the refcount structures: %s",
                           strerror(-ret));
    /* take the new structures into use */
    qcow2_refcount_free_all(s);
    s->file_end = total * cs;
    s->rt_offset = n * cs;
    s->rt_clusters = (uint32_t)table;
    s->refcount_order = (uint32_t)order;
    s->refcount_bits = 1u << order;
    s->refcount_max = max;
    s->rb_bits = s->cluster_bits + 3 - s->refcount_order;
    s->free_hint = 0;
    return qcow2_refcount_load(s, err);
}

/*
 * Version 2 has no zero flag.  In every L2 table -- the active ones and the
 * snapshots', each table once -- a zero entry becomes unallocated (reading
 * as zero without a backing file) or a cluster of zeroes: its own cluster
 * when nothing else references it, a new one otherwise.  Tables are patched
 * on disk directly (the cache is flushed and dropped first); new refcounts
 * reach the file before the tables that use them, and a shared cluster's
 * count drops only after the reference is gone.
 */
struct expand {
    struct qcow2_state *s;
    uint8_t *zero, *tbl;
    uint64_t *drop;             /* shared clusters one table stops using */
    uint64_t *done;             /* L2 tables already patched */
    size_t n_done, cap_done;
};

static int expand_table(struct expand *x, uint64_t l2off)
{
    struct qcow2_state *s = x->s;
    uint64_t cs = s->cluster_size;
    for (size_t i = 0; i < x->n_done; i++)
        if (x->done[i] == l2off)
            return 0;
    if (x->n_done == x->cap_done) {
        size_t cap = x->cap_done ? 2 * x->cap_done : 64;
        uint64_t *d = realloc(x->done, cap * sizeof(*d));
        if (!d)
            return -ENOMEM;
        x->done = d;
        x->cap_done = cap;
    }
    x->done[x->n_done++] = l2off;
    if (l2off & (cs - 1) || l2off + cs > s->file_end)
        return qcow2_corrupt(s, "L2 table offset %#" PRIx64 " is invalid", l2off);
    int ret = file_pread(s->bs->fd, x->tbl, cs, l2off);
    uint64_t *drop = x->drop, n_drop = 0;
    bool changed = false;
    for (uint64_t i = 0; !ret && i < cs / 8; i++) {
        uint64_t e = be64_get(x->tbl + i * 8);
        if (!(e & QCOW2_OFLAG_ZERO) || (e & QCOW2_OFLAG_COMPRESSED))
            continue;
        uint64_t host = e & QCOW2_OFFSET_MASK, rc = 0, ne = 0;
        if (host && (ret = qcow2_refcount_get(s, host >> s->cluster_bits, &rc)) < 0)
            break;
        if (host && rc == 1) {
            ret = file_pwrite(s->bs->fd, x->zero, cs, host);
            ne = host | QCOW2_OFLAG_COPIED;
        } else {
            if (s->bs->backing_file) {
                int64_t a = qcow2_alloc_clusters(s, 1);
                if (a < 0) {
                    ret = (int)a;
                    break;
                }
                ret = file_pwrite(s->bs->fd, x->zero, cs, (uint64_t)a);
                ne = (uint64_t)a | QCOW2_OFLAG_COPIED;
            }
            if (host)
                drop[n_drop++] = host;
        }
        be64_put(x->tbl + i * 8, ne);
        changed = true;
    }
    if (!ret && changed && !(ret = qcow2_refcount_flush(s)) && !(ret = sync_fd(s->bs->fd)))
        ret = file_pwrite(s->bs->fd, x->tbl, cs, l2off);
    for (uint64_t k = 0; !ret && k < n_drop; k++)
        ret = qcow2_refcount_update(s, drop[k], cs, -1);
    return ret;
}

static int expand_l1(struct expand *x, const uint64_t *l1, uint32_t n)
{
    int ret = 0;
    for (uint32_t i = 0; !ret && i < n; i++)
        if (l1[i] & QCOW2_OFFSET_MASK)
            ret = expand_table(x, l1[i] & QCOW2_OFFSET_MASK);
    return ret;
}

static int expand_zero_clusters(struct qcow2_state *s, struct blk_err *err)
{
    uint64_t cs = s->cluster_size;
    struct expand x = { .s = s, .zero = calloc(1, cs), .tbl = malloc(cs), .drop = malloc(cs) };
    int ret = x.zero && x.tbl && x.drop ? qcow2_meta_flush(s) : -ENOMEM;
    if (!ret)
        qcow2_l2_cache_drop(s);
    if (!ret)
        ret = expand_l1(&x, s->l1, s->l1_size);
    for (uint32_t k = 0; !ret && k < s->nb_snapshots; k++) {
        const struct qcow2_snap *sn = &s->snaps[k];
        uint64_t bytes = (uint64_t)sn->l1_size * 8;
        uint8_t *raw = malloc(bytes ? bytes : 1);
        uint64_t *l1 = malloc(sn->l1_size * sizeof(*l1) + 1);
        ret = raw && l1 ? file_pread(s->bs->fd, raw, bytes, sn->l1_offset) : -ENOMEM;
        for (uint32_t i = 0; !ret && i < sn->l1_size; i++)
            l1[i] = be64_get(raw + i * 8ull);
        if (!ret)
            ret = expand_l1(&x, l1, sn->l1_size);
        free(raw);
        free(l1);
    }
    if (!ret)
        ret = qcow2_meta_flush(s);
    free(x.zero);
    free(x.tbl);
    free(x.drop);
    free(x.done);
    if (ret)
        return blk_err_set(err, ret, "could not expand zero clusters: %s", strerror(-ret));
    return 0;
}

/* version 3 snapshot entries carry at least vm_state_size_large and
 * disk_size as extra data; a version 2 table may have less */
static int snapshots_for_v3(struct qcow2_state *s, struct blk_err *err)
{
    bool need = false;
    for (uint32_t i = 0; i < s->nb_snapshots; i++)
        need |= s->snaps[i].extra_size < 16;
    if (!need)
        return 0;
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        struct qcow2_snap *sn = &s->snaps[i];
        if (sn->extra_size >= 16)
            continue;
        uint8_t *x = calloc(1, 16);
        if (!x)
            return blk_err_set(err, -ENOMEM, "out of memory");
        memcpy(x, sn->extra, sn->extra_size);
        if (sn->extra_size < 8)
            be64_put(x, sn->vm_state_size);
        /* a v2 snapshot records no disk size: it is the image's, as read */
        be64_put(x + 8, sn->disk_size);
        free(sn->extra);
        sn->extra = x;
        sn->extra_size = 16;
    }
    int ret = qcow2_snapshot_table_write(s);
    if (ret)
        return blk_err_set(err, ret, "could not rewrite the snapshot table: %s", strerror(-ret));
    return 0;
}

/* rewrite the fixed header for a new version, the extensions moved after
 * it and the backing name after them, in one write */
static int write_version(struct qcow2_state *s, uint32_t version, struct blk_err *err)
{
    uint8_t h[112] = { 0 };
    uint32_t len = version == 2 ? 72 : 112;
    int ret = file_pread(s->bs->fd, h, 72, 0);
    if (ret)
        return blk_err_set(err, ret, "could not read the header: %s", strerror(-ret));
    be32_put(h + 4, version);
    if (version == 3) {
        be64_put(h + 80, s->compat);
        be32_put(h + 96, s->refcount_order);
        be32_put(h + 100, len);
    }
    uint32_t old_len = s->header_length;
    s->header_length = len;
    ret = qcow2_header_write(s, h, s->bs->backing_file, s->bs->backing_fmt, err);
    if (ret) {
        s->header_length = old_len;
        return ret;
    }
    s->version = version;
    s->incompat = 0;
    s->autoclear = 0;
    return 0;
}

int qcow2_amend(struct blk_dev *bs, const struct blk_amend_opts *o, struct blk_err *err)
{
    struct qcow2_state *s = bs->opaque;
    uint32_t version = o->compat ? (uint32_t)o->compat : s->version;
    int rbits = o->refcount_bits ? o->refcount_bits : (int)s->refcount_bits;
    bool lazy = o->lazy_refcounts >= 0 ? o->lazy_refcounts
                : version >= 3 && (s->compat & QCOW2_COMPAT_LAZY_REFCOUNTS);
    if (version < 3 && lazy)
        return blk_err_set(err, -EINVAL, "Lazy refcounts only supported with compatibility "
                           "level 1.1 and above (use compat=1.1 or greater)");
    if (rbits <= 0 || rbits > 64 || (rbits & (rbits - 1)))
        return blk_err_set(err, -EINVAL, "Refcount width must be a power of two and may not "
                           "exceed 64 bits");
    if (version < 3 && rbits != 16)
        return blk_err_set(err, -EINVAL, "Refcount widths other than 16 bits require "
                           "compatibility level 1.1 or above (use compat=1.1 or greater)");
    if (version < 3 && (s->ext_l2 || s->compression_type))
        return blk_err_set(err, -ENOTSUP, "Cannot downgrade an image with %s",
                           s->ext_l2 ? "extended L2 entries" : "zstd compression");
    pthread_mutex_lock(&bs->lock);
    int ret = qcow2_meta_flush(s);
    if (ret) {
        pthread_mutex_unlock(&bs->lock);
        return blk_err_set(err, ret, "could not flush the image: %s", strerror(-ret));
    }
    if (version > s->version) {
        s->compat = 0;
        ret = snapshots_for_v3(s, err);
        if (!ret)
            ret = write_version(s, version, err);
    }
    if (!ret && rbits != (int)s->refcount_bits)
        ret = rebuild_refcounts(s, __builtin_ctz((unsigned)rbits), err);
    if (!ret && o->backing_set)
        ret = qcow2_change_backing(bs, o->backing_file, o->backing_fmt, err);
    if (!ret && version >= 3 && lazy != !!(s->compat & QCOW2_COMPAT_LAZY_REFCOUNTS)) {
        uint8_t b[8];
        uint64_t compat = (s->compat & ~QCOW2_COMPAT_LAZY_REFCOUNTS) |
                          (lazy ? QCOW2_COMPAT_LAZY_REFCOUNTS : 0);
        be64_put(b, compat);
        ret = file_pwrite(bs->fd, b, 8, 80);
        if (ret)
            blk_err_set(err, ret, "could not write the header: %s", strerror(-ret));
        else
            s->compat = compat;
    }
    if (!ret && version < s->version) {
        ret = expand_zero_clusters(s, err);
        if (!ret && !(ret = sync_fd(bs->fd))) {
            s->compat = 0;
            ret = write_version(s, version, err);
        }
    }
    pthread_mutex_unlock(&bs->lock);
    if (!ret && o->size && o->size != bs->size)
        ret = bs->drv->truncate(bs, o->size, true, BLK_PREALLOC_OFF, err);
    return ret;
}
