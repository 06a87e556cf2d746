/*
 * qcow2 data paths: read (through compressed clusters, zero clusters and
 * the backing file), write with copy-on-write and cluster allocation,
 * compressed writes, write-zeroes, discard and block status.  Every public
 * entry takes bs->lock; the *_locked helpers expect it held.
 *
 * Order of a write (the rule of qcow2.h): guest data into fresh clusters,
 * then the refcount blocks that account for them, then the L2 tables, then
 * L1; only after that the clusters the old entries held are released.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "imgutil/file.h"
#include "imgutil/qcow2/qcow2.h"

#define QCOW2_EXTL2_ALL_ALLOC 0xffffffffull
#define QCOW2_EXTL2_ALL_ZERO  0xffffffff00000000ull

static int read_compressed(struct qcow2_state *s, uint64_t e, uint8_t **out)
{
    uint64_t cs = s->cluster_size;
    if (s->dc_buf && s->dc_entry == e) {
        *out = s->dc_buf;
        return 0;
    }
    uint32_t x = 62 - (s->cluster_bits - 8);
    uint64_t coff = e & ((1ull << x) - 1);
    uint64_t nsec = ((e >> x) & ((1ull << (s->cluster_bits - 8)) - 1)) + 1;
    uint64_t csize = nsec * 512 - (coff & 511);
    if (coff >= s->file_end)
        return qcow2_corrupt(s, "compressed cluster descriptor %#" PRIx64 " points past the end "
                             "of the file", e);
    if (csize > s->file_end - coff)
        csize = s->file_end - coff;
    if (!s->dc_buf && !(s->dc_buf = malloc(cs)))
        return -ENOMEM;
    uint8_t *tmp = malloc(csize);
    if (!tmp)
        return -ENOMEM;
    int ret = file_pread(s->bs->fd, tmp, csize, coff);
    if (!ret) {
        s->dc_entry = ~0ull;
        ret = qcow2_decompress(s->compression_type, tmp, csize, s->dc_buf, cs);
        if (ret == -EIO)
            ret = qcow2_corrupt(s, "compressed cluster descriptor %#" PRIx64 " (host offset %#"
                                PRIx64 ") does not decompress", e, coff);
    }
    free(tmp);
    if (ret)
        return ret;
    s->dc_entry = e;
    *out = s->dc_buf;
    return 0;
}

int qcow2_read_locked(struct qcow2_state *s, uint64_t off, void *buf, size_t len)
{
    struct blk_dev *bs = s->bs;
    uint8_t *p = buf;
    while (len) {
        enum qcow2_kind k;
        uint64_t host, n;
        int ret = qcow2_map(s, off, len, &k, &host, &n);
        if (ret < 0)
            return ret;
        switch (k) {
        case QCOW2_UNALLOC:
            if (bs->backing && off < bs->backing->size) {
                uint64_t b = bs->backing->size - off < n ? bs->backing->size - off : n;
                ret = blk_read(bs->backing, off, p, b);
                if (ret < 0) {
                    if (bs->backing->io_err.msg[0])
                        bs->io_err = bs->backing->io_err;
                    return ret;
                }
                memset(p + b, 0, n - b);
            } else {
                memset(p, 0, n);
            }
            break;
        case QCOW2_ZERO:
            memset(p, 0, n);
            break;
        case QCOW2_NORMAL:
            /* a file may end inside its last cluster (the rest reads as zero),
             * never before a cluster it maps */
            if (((host + n - 1) & ~(s->cluster_size - 1)) >= s->file_end)
                return qcow2_corrupt(s, "data at host offset %#" PRIx64 " (guest offset %#"
                                     PRIx64 ") is past the end of the file", host, off);
            ret = file_pread(bs->fd, p, n, host);
            if (ret < 0)
                return ret;
            break;
        case QCOW2_COMPRESSED: {
            uint8_t *c = NULL;
            ret = read_compressed(s, host, &c);
            if (ret < 0)
                return ret;
            memcpy(p, c + (off & (s->cluster_size - 1)), n);
            break;
        }
        }
        p += n;
        off += n;
        len -= n;
    }
    return 0;
}

int qcow2_mark_dirty(struct qcow2_state *s)
{
    if (s->autoclear && s->version >= 3) {
        /* spec "autoclear_features": software that modifies the image without
         * understanding them (bitmaps, raw external data) must clear them */
        uint8_t z[8] = { 0 };
        int ret = file_pwrite(s->bs->fd, z, 8, 88);
        if (ret)
            return ret;
        s->autoclear = 0;
    }
    if (!(s->compat & QCOW2_COMPAT_LAZY_REFCOUNTS) || (s->incompat & QCOW2_INCOMPAT_DIRTY))
        return 0;
    /* the dirty bit must be on disk before any refcount goes stale */
    int ret = qcow2_header_set_incompat(s, s->incompat | QCOW2_INCOMPAT_DIRTY);
    if (!ret && fdatasync(s->bs->fd) < 0)
        ret = -errno;
    if (!ret)
        s->dirty_set = true;
    return ret;
}

static bool entry_in_place(const struct qcow2_state *s, uint64_t e, uint64_t bm)
{
    if ((e & QCOW2_OFLAG_COMPRESSED) || !(e & QCOW2_OFFSET_MASK) || !(e & QCOW2_OFLAG_COPIED))
        return false;
    if (s->ext_l2)
        return (bm & QCOW2_EXTL2_ALL_ALLOC) == QCOW2_EXTL2_ALL_ALLOC;
    return !(e & QCOW2_OFLAG_ZERO);
}

/* write within one cluster */
static int write_cluster(struct qcow2_state *s, struct qcow2_l2_slot *t, uint64_t i,
                         uint64_t off, const uint8_t *buf, uint64_t n)
{
    struct blk_dev *bs = s->bs;
    uint64_t cs = s->cluster_size, co = off & (cs - 1), cstart = off - co;
    uint64_t e = qcow2_l2_entry(s, t, i), bm = qcow2_l2_bitmap(s, t, i);
    uint64_t base = e & QCOW2_OFFSET_MASK;
    if (entry_in_place(s, e, bm))
        return file_pwrite(bs->fd, buf, n, base + co);
    uint64_t vlen = bs->size - cstart < cs ? bs->size - cstart : cs;
    uint8_t *tmp = calloc(1, cs);
    if (!tmp)
        return -ENOMEM;
    int ret = 0;
    if (n < vlen)
        ret = qcow2_read_locked(s, cstart, tmp, vlen);
    if (ret) {
        free(tmp);
        return ret;
    }
    memcpy(tmp + co, buf, n);
    /* our own cluster (zero-flagged or partly allocated) is rewritten where it is */
    bool reuse = base && (e & QCOW2_OFLAG_COPIED) && !(e & QCOW2_OFLAG_COMPRESSED);
    uint64_t host = base;
    if (!reuse) {
        int64_t a = qcow2_alloc_clusters(s, 1);
        if (a < 0) {
            free(tmp);
            return (int)a;
        }
        host = (uint64_t)a;
    }
    ret = file_pwrite(bs->fd, tmp, (vlen + 511) & ~511ull, host);
    free(tmp);
    if (ret)
        return ret;
    qcow2_l2_set(s, t, i, host | QCOW2_OFLAG_COPIED, s->ext_l2 ? QCOW2_EXTL2_ALL_ALLOC : 0);
    if (!reuse)
        qcow2_free_later(s, e);
    return 0;
}

/* how many whole clusters from index i, within the table and len, need fresh clusters */
static uint64_t fresh_run(struct qcow2_state *s, struct qcow2_l2_slot *t, uint64_t i,
                          uint64_t clusters)
{
    uint64_t k = 0, ents = qcow2_l2_entries(s);
    while (k < clusters && i + k < ents) {
        uint64_t e = qcow2_l2_entry(s, t, i + k);
        if ((e & QCOW2_OFFSET_MASK) && (e & QCOW2_OFLAG_COPIED) &&
            !(e & QCOW2_OFLAG_COMPRESSED))
            break;
        k++;
    }
    return k;
}

static int finish_update(struct qcow2_state *s, int ret)
{
    int r2 = qcow2_meta_flush(s);
    if (!ret)
        ret = r2;
    if (!ret)
        ret = qcow2_free_pending(s);
    else
        s->n_pending = 0;   /* unreferenced now or never: leak, not corrupt */
    return ret;
}

int qcow2_write_locked(struct qcow2_state *s, uint64_t off, const void *buf, size_t len)
{
    struct blk_dev *bs = s->bs;
    uint64_t cs = s->cluster_size;
    const uint8_t *p = buf;
    int ret = qcow2_mark_dirty(s);
    bs->io_err.msg[0] = 0;
    while (!ret && len) {
        uint32_t l1i = (uint32_t)(off >> (s->cluster_bits + s->l2_bits));
        struct qcow2_l2_slot *t;
        ret = qcow2_l2_get(s, l1i, true, &t);
        if (ret)
            break;
        uint64_t i = (off >> s->cluster_bits) & (qcow2_l2_entries(s) - 1);
        uint64_t co = off & (cs - 1);
        uint64_t k = co ? 0 : fresh_run(s, t, i, len / cs);
        if (k >= 2) {
            int64_t a = qcow2_alloc_clusters(s, k);
            if (a < 0) {
                ret = (int)a;
                break;
            }
            ret = file_pwrite(bs->fd, p, k * cs, (uint64_t)a);
            if (ret)
                break;
            for (uint64_t j = 0; j < k; j++) {
                qcow2_free_later(s, qcow2_l2_entry(s, t, i + j));
                qcow2_l2_set(s, t, i + j, ((uint64_t)a + j * cs) | QCOW2_OFLAG_COPIED,
                             s->ext_l2 ? QCOW2_EXTL2_ALL_ALLOC : 0);
            }
            p += k * cs;
            off += k * cs;
            len -= k * cs;
            continue;
        }
        uint64_t n = cs - co < len ? cs - co : len;
        ret = write_cluster(s, t, i, off, p, n);
        p += n;
        off += n;
        len -= n;
    }
    return finish_update(s, ret);
}

static int set_entries(struct qcow2_state *s, uint64_t off, uint64_t len, bool zero)
{
    uint64_t cs = s->cluster_size;
    int ret = 0;
    while (!ret && len) {
        uint32_t l1i = (uint32_t)(off >> (s->cluster_bits + s->l2_bits));
        struct qcow2_l2_slot *t;
        bool need = zero || s->l1[l1i];
        if (!need)
            goto next;
        ret = qcow2_l2_get(s, l1i, true, &t);
        if (ret)
            break;
        uint64_t i = (off >> s->cluster_bits) & (qcow2_l2_entries(s) - 1);
        uint64_t e = qcow2_l2_entry(s, t, i);
        if (s->ext_l2)
            qcow2_l2_set(s, t, i, 0, zero ? QCOW2_EXTL2_ALL_ZERO : 0);
        else
            qcow2_l2_set(s, t, i, zero ? QCOW2_OFLAG_ZERO : 0, 0);
        qcow2_free_later(s, e);
next:
        off += cs;
        len -= cs;
    }
    return ret;
}

static int zero_bytes(struct qcow2_state *s, uint64_t off, uint64_t len)
{
    uint8_t *z = calloc(1, s->cluster_size);
    if (!z)
        return -ENOMEM;
    int ret = 0;
    while (!ret && len) {
        uint64_t n = s->cluster_size - (off & (s->cluster_size - 1));
        if (n > len)
            n = len;
        ret = qcow2_write_locked(s, off, z, n);
        off += n;
        len -= n;
    }
    free(z);
    return ret;
}

static int qcow2_zero_or_discard(struct blk_dev *bs, uint64_t off, uint64_t len, bool discard)
{
    struct qcow2_state *s = bs->opaque;
    uint64_t cs = s->cluster_size;
    pthread_mutex_lock(&bs->lock);
    int ret = qcow2_mark_dirty(s);
    /* whole clusters become zero/unallocated entries; the edges are written */
    uint64_t a = (off + cs - 1) & ~(cs - 1);
    uint64_t end = off + len, b = end & ~(cs - 1);
    if (end == bs->size)
        b = (end + cs - 1) & ~(cs - 1);
    bool v2_backed = s->version < 3 && bs->backing;
    if (a >= b || v2_backed) {
        if (!discard && !ret)
            ret = zero_bytes(s, off, len);
        pthread_mutex_unlock(&bs->lock);
        return ret;
    }
    if (!discard && !ret && off < a)
        ret = zero_bytes(s, off, a - off);
    if (!ret) {
        bool zero = !discard || bs->backing;
        if (s->version < 3)
            zero = false;
        ret = finish_update(s, set_entries(s, a, b - a, zero));
    }
    if (!discard && !ret && end > b)
        ret = zero_bytes(s, b, end - b);
    pthread_mutex_unlock(&bs->lock);
    return ret;
}

int qcow2_drv_write_zeroes(struct blk_dev *bs, uint64_t off, uint64_t len, bool may_unmap)
{
    return qcow2_zero_or_discard(bs, off, len, false);
}

int qcow2_drv_discard(struct blk_dev *bs, uint64_t off, uint64_t len)
{
    return qcow2_zero_or_discard(bs, off, len, true);
}

int qcow2_drv_read(struct blk_dev *bs, uint64_t off, void *buf, size_t len)
{
    pthread_mutex_lock(&bs->lock);
    bs->io_err.msg[0] = 0;
    int ret = qcow2_read_locked(bs->opaque, off, buf, len);
    pthread_mutex_unlock(&bs->lock);
    return ret;
}

int qcow2_drv_write(struct blk_dev *bs, uint64_t off, const void *buf, size_t len)
{
    pthread_mutex_lock(&bs->lock);
    int ret = qcow2_write_locked(bs->opaque, off, buf, len);
    pthread_mutex_unlock(&bs->lock);
    return ret;
}

long qcow2_drv_compress(struct blk_dev *bs, const void *src, size_t len,
                               void *dst, size_t cap)
{
    struct qcow2_state *s = bs->opaque;
    if (cap > s->cluster_size - 1)
        cap = s->cluster_size - 1;
    return qcow2_compress(s->compression_type, src, len, dst, cap);
}

int qcow2_drv_write_compressed(struct blk_dev *bs, uint64_t off, const void *data,
                                      size_t csize, const void *raw, size_t len)
{
    struct qcow2_state *s = bs->opaque;
    if (!csize)
        return qcow2_drv_write(bs, off, raw, len);
    if (off & (s->cluster_size - 1))
        return -EINVAL;
    pthread_mutex_lock(&bs->lock);
    int ret = qcow2_mark_dirty(s);
    struct qcow2_l2_slot *t = NULL;
    uint32_t l1i = (uint32_t)(off >> (s->cluster_bits + s->l2_bits));
    if (!ret)
        ret = qcow2_l2_get(s, l1i, true, &t);
    if (!ret) {
        int64_t host = qcow2_alloc_bytes(s, csize);
        uint32_t x = 62 - (s->cluster_bits - 8);
        if (host < 0)
            ret = (int)host;
        else if ((uint64_t)host >= 1ull << x)
            ret = -EFBIG;
        else
            ret = file_pwrite(bs->fd, data, csize, (uint64_t)host);
        if (!ret) {
            uint64_t i = (off >> s->cluster_bits) & (qcow2_l2_entries(s) - 1);
            uint64_t nsec = (((uint64_t)host + csize - 1) >> 9) - ((uint64_t)host >> 9);
            qcow2_free_later(s, qcow2_l2_entry(s, t, i));
            qcow2_l2_set(s, t, i, QCOW2_OFLAG_COMPRESSED | nsec << x | (uint64_t)host, 0);
        }
    }
    ret = finish_update(s, ret);
    pthread_mutex_unlock(&bs->lock);
    return ret;
}

/*
 * Whether data clusters may be holes in the file (metadata preallocation):
 * then block status asks the file where the zeroes are.  The test is QEMU's,
 * so `map` agrees with qemu-img's: more clusters in use than the file has
 * blocks for (with a margin of a ninth, at least two).
 */
static bool qcow2_sparse_data(struct qcow2_state *s)
{
    if (s->sparse_checked)
        return s->sparse_data;
    s->sparse_checked = true;
    struct stat st;
    if (fstat(s->bs->fd, &st) < 0)
        return false;
    uint64_t real = (uint64_t)st.st_blocks * 512 / s->cluster_size;
    uint64_t threshold = real * 10 / 9 > real + 2 ? real * 10 / 9 : real + 2;
    uint64_t n = (s->file_end + s->cluster_size - 1) >> s->cluster_bits, used = 0;
    for (uint64_t c = 0; c < n; c++) {
        uint64_t rc;
        if (qcow2_refcount_get(s, c, &rc) < 0)
            return false;
        if (rc && ++used > threshold) {
            s->sparse_data = true;
            break;
        }
    }
    return s->sparse_data;
}

int qcow2_drv_block_status(struct blk_dev *bs, uint64_t off, uint64_t len,
                                  uint64_t *pnum, uint64_t *map)
{
    struct qcow2_state *s = bs->opaque;
    enum qcow2_kind k;
    uint64_t host;
    pthread_mutex_lock(&bs->lock);
    bs->io_err.msg[0] = 0;
    int ret = qcow2_map(s, off, len, &k, &host, pnum);
    bool sparse = ret == 0 && k == QCOW2_NORMAL && qcow2_sparse_data(s);
    pthread_mutex_unlock(&bs->lock);
    if (ret < 0)
        return ret;
    switch (k) {
    case QCOW2_UNALLOC:
        *map = host;
        return (bs->backing ? 0 : BLK_ST_ZERO) | (host ? BLK_ST_OFFSET : 0);
    case QCOW2_ZERO:
        *map = host;
        return BLK_ST_ALLOCATED | BLK_ST_ZERO | (host ? BLK_ST_OFFSET : 0);
    case QCOW2_COMPRESSED: {
        uint32_t x = 62 - (s->cluster_bits - 8);
        if ((host & ((1ull << x) - 1)) >= s->file_end)
            return qcow2_corrupt(s, "compressed cluster descriptor %#" PRIx64 " points past "
                                 "the end of the file", host);
        return BLK_ST_ALLOCATED | BLK_ST_DATA | BLK_ST_COMPRESSED;
    }
    case QCOW2_NORMAL: {
        *map = host;
        if (((host + *pnum - 1) & ~(s->cluster_size - 1)) >= s->file_end)
            return qcow2_corrupt(s, "data at host offset %#" PRIx64 " (guest offset %#" PRIx64
                                 ") is past the end of the file", host, off);
        /* a hole in the image file under allocated data reads as zero */
        int st = BLK_ST_ALLOCATED | BLK_ST_DATA | BLK_ST_OFFSET;
        bool data;
        uint64_t fn;
        if (sparse &&
                   file_data_status(bs->fd, host, *pnum, &data, &fn) == 0) {
            *pnum = fn;
            if (!data)
                st |= BLK_ST_ZERO;
        }
        return st;
    }
    }
    return -EIO;
}

int qcow2_drv_flush(struct blk_dev *bs)
{
    pthread_mutex_lock(&bs->lock);
    int ret = qcow2_meta_flush(bs->opaque);
    if (!ret && fdatasync(bs->fd) < 0)
        ret = -errno;
    pthread_mutex_unlock(&bs->lock);
    return ret;
}
