/*
 * qcow2 internal snapshots (spec "Snapshots"): reading the snapshot table,
 * create, apply and delete.  Creating shares the active tree (refcounts +1,
 * COPIED flags cleared); applying takes the snapshot's tree before the old
 * one is released; deleting unlinks the entry before releasing its clusters.  Entries are kept with their extra
 * data as read so the table can be rewritten without losing fields.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "imgutil/file.h"
#include "imgutil/qcow2/qcow2.h"

void qcow2_snapshots_free(struct qcow2_state *s)
{
    for (uint32_t i = 0; s->snaps && i < s->nb_snapshots; i++) {
        free(s->snaps[i].id);
        free(s->snaps[i].name);
        free(s->snaps[i].extra);
    }
    free(s->snaps);
    s->snaps = NULL;
}

int qcow2_snapshots_read(struct qcow2_state *s, struct blk_err *err)
{
    if (!s->nb_snapshots)
        return 0;
    s->snaps = calloc(s->nb_snapshots, sizeof(*s->snaps));
    if (!s->snaps)
        return blk_err_set(err, -ENOMEM, "out of memory");
    uint64_t off = s->snapshots_offset;
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        struct qcow2_snap *sn = &s->snaps[i];
        uint8_t h[40];
        if (off + 40 > s->file_end)
            return blk_err_set(err, -EINVAL, "snapshot table entry %u is past the end of the file", i);
        int ret = file_pread(s->bs->fd, h, 40, off);
        if (ret)
            return blk_err_set(err, ret, "could not read the snapshot table");
        sn->l1_offset = be64_get(h);
        sn->l1_size = be32_get(h + 8);
        uint16_t idlen = be16_get(h + 12), namelen = be16_get(h + 14);
        sn->date_sec = be32_get(h + 16);
        sn->date_nsec = be32_get(h + 20);
        sn->vm_clock_nsec = be64_get(h + 24);
        sn->vm_state_size = be32_get(h + 32);
        sn->extra_size = be32_get(h + 36);
        sn->icount = UINT64_MAX;
        if (sn->extra_size > 1024)
            return blk_err_set(err, -EINVAL, "snapshot %u has %u bytes of extra data", i,
                               sn->extra_size);
        uint64_t body = (uint64_t)sn->extra_size + idlen + namelen;
        if (off + 40 + body > s->file_end)
            return blk_err_set(err, -EINVAL, "snapshot table entry %u is past the end of the file", i);
        uint8_t *b = malloc(body + 1);
        if (!b)
            return blk_err_set(err, -ENOMEM, "out of memory");
        ret = file_pread(s->bs->fd, b, body, off + 40);
        if (ret) {
            free(b);
            return blk_err_set(err, ret, "could not read the snapshot table");
        }
        sn->extra = malloc(sn->extra_size + 1);
        memcpy(sn->extra, b, sn->extra_size);
        if (sn->extra_size >= 8)
            sn->vm_state_size = be64_get(b);
        if (sn->extra_size >= 16)
            sn->disk_size = be64_get(b + 8);
        else
            sn->disk_size = s->bs->size;
        if (sn->extra_size >= 24)
            sn->icount = be64_get(b + 16);
        sn->id = strndup((char *)b + sn->extra_size, idlen);
        sn->name = strndup((char *)b + sn->extra_size + idlen, namelen);
        free(b);
        if (sn->l1_offset & (s->cluster_size - 1) || (uint64_t)sn->l1_size * 8 > QCOW2_MAX_L1_BYTES ||
            sn->l1_offset + sn->l1_size * 8ull > s->file_end)
            return blk_err_set(err, -EINVAL, "snapshot %u has an invalid L1 table (offset %#"
                               PRIx64 ", %u entries)", i, sn->l1_offset, sn->l1_size);
        off += (40 + body + 7) & ~7ull;
    }
    return 0;
}

/* the refcount an L2 entry holds on its host cluster(s) */
static int entry_refcount(struct qcow2_state *s, uint64_t e, int addend)
{
    if (e & QCOW2_OFLAG_COMPRESSED) {
        uint32_t x = 62 - (s->cluster_bits - 8);
        uint64_t off = e & ((1ull << x) - 1);
        uint64_t nsec = ((e >> x) & ((1ull << (s->cluster_bits - 8)) - 1)) + 1;
        return qcow2_refcount_update(s, off & ~511ull, nsec * 512, addend);
    }
    uint64_t off = e & QCOW2_OFFSET_MASK;
    return off ? qcow2_refcount_update(s, off, s->cluster_size, addend) : 0;
}

/*
 * Add addend to the refcount of every L2 table and data cluster an L1 table
 * reaches, then set the COPIED flags of that tree from the new refcounts
 * (only the active tree's flags matter; snapshot tables are rewritten too,
 * harmlessly).  l1 is the table's content; it is updated in place.
 */
static int tree_refcount(struct qcow2_state *s, uint64_t *l1, uint32_t l1_size, int addend)
{
    uint64_t cs = s->cluster_size;
    uint8_t *t = malloc(cs);
    if (!t)
        return -ENOMEM;
    int ret = 0;
    for (uint32_t i = 0; i < l1_size && !ret; i++) {
        uint64_t l2 = l1[i] & QCOW2_OFFSET_MASK;
        if (!l2)
            continue;
        if (l2 & (cs - 1) || l2 + cs > s->file_end) {
            ret = qcow2_corrupt(s, "L2 table offset %#" PRIx64 " is invalid", l2);
            break;
        }
        if ((ret = file_pread(s->bs->fd, t, cs, l2)))
            break;
        bool changed = false;
        for (uint64_t j = 0; j < qcow2_l2_entries(s) && !ret; j++) {
            uint64_t e = be64_get(t + j * s->l2_entry_size), rc;
            if (!(e & (QCOW2_OFFSET_MASK | QCOW2_OFLAG_COMPRESSED)))
                continue;
            if (addend && (ret = entry_refcount(s, e, addend)))
                break;
            if (e & QCOW2_OFLAG_COMPRESSED)
                continue;
            if ((ret = qcow2_refcount_get(s, (e & QCOW2_OFFSET_MASK) >> s->cluster_bits, &rc)))
                break;
            uint64_t ne = rc == 1 ? e | QCOW2_OFLAG_COPIED : e & ~QCOW2_OFLAG_COPIED;
            if (ne != e) {
                be64_put(t + j * s->l2_entry_size, ne);
                changed = true;
            }
        }
        if (ret)
            break;
        if (addend && (ret = qcow2_refcount_update(s, l2, cs, addend)))
            break;
        uint64_t rc;
        if ((ret = qcow2_refcount_get(s, l2 >> s->cluster_bits, &rc)))
            break;
        /* refcounts first: a table written after them never claims more */
        if ((ret = qcow2_refcount_flush(s)))
            break;
        if (changed && rc && (ret = file_pwrite(s->bs->fd, t, cs, l2)))
            break;
        l1[i] = rc == 1 ? l1[i] | QCOW2_OFLAG_COPIED : l1[i] & ~QCOW2_OFLAG_COPIED;
    }
    free(t);
    return ret;
}

static int l1_read(struct qcow2_state *s, uint64_t off, uint32_t n, uint64_t **out)
{
    uint8_t *raw = malloc(n * 8ull + 8);
    uint64_t *l1 = malloc(n * 8ull + 8);
    int ret = raw && l1 ? file_pread(s->bs->fd, raw, n * 8ull, off) : -ENOMEM;
    for (uint32_t i = 0; !ret && i < n; i++)
        l1[i] = be64_get(raw + i * 8ull);
    free(raw);
    if (ret)
        free(l1);
    else
        *out = l1;
    return ret;
}

static int l1_write_to(struct qcow2_state *s, const uint64_t *l1, uint32_t n, uint64_t off)
{
    uint8_t *raw = malloc(n * 8ull + 8);
    if (!raw)
        return -ENOMEM;
    for (uint32_t i = 0; i < n; i++)
        be64_put(raw + i * 8ull, l1[i]);
    int ret = file_pwrite(s->bs->fd, raw, n * 8ull, off);
    free(raw);
    return ret;
}

static uint64_t snap_entry_size(const struct qcow2_snap *sn)
{
    return (40 + sn->extra_size + strlen(sn->id) + strlen(sn->name) + 7) & ~7ull;
}

/* write the snapshot table s->snaps[0..n) to new clusters and switch the
 * header to it; the old table is freed after the switch */
static int snap_table_write(struct qcow2_state *s, uint32_t n)
{
    uint64_t bytes = 0;
    for (uint32_t i = 0; i < n; i++)
        bytes += snap_entry_size(&s->snaps[i]);
    uint64_t old_off = s->snapshots_offset, old_bytes = 0;
    for (uint32_t i = 0; i < s->nb_snapshots; i++)
        old_bytes += snap_entry_size(&s->snaps[i]);
    if (s->snap_old_bytes)
        old_bytes = s->snap_old_bytes;
    uint64_t off = 0;
    int ret = 0;
    if (n) {
        uint8_t *b = calloc(1, bytes);
        if (!b)
            return -ENOMEM;
        uint64_t p = 0;
        for (uint32_t i = 0; i < n; i++) {
            struct qcow2_snap *sn = &s->snaps[i];
            size_t il = strlen(sn->id), nl = strlen(sn->name);
            be64_put(b + p, sn->l1_offset);
            be32_put(b + p + 8, sn->l1_size);
            be16_put(b + p + 12, (uint16_t)il);
            be16_put(b + p + 14, (uint16_t)nl);
            be32_put(b + p + 16, sn->date_sec);
            be32_put(b + p + 20, sn->date_nsec);
            be64_put(b + p + 24, sn->vm_clock_nsec);
            be32_put(b + p + 32, (uint32_t)(sn->vm_state_size > UINT32_MAX ? 0 : sn->vm_state_size));
            be32_put(b + p + 36, sn->extra_size);
            memcpy(b + p + 40, sn->extra, sn->extra_size);
            memcpy(b + p + 40 + sn->extra_size, sn->id, il);
            memcpy(b + p + 40 + sn->extra_size + il, sn->name, nl);
            p += snap_entry_size(sn);
        }
        int64_t a = qcow2_alloc_clusters(s, (bytes + s->cluster_size - 1) / s->cluster_size);
        ret = a < 0 ? (int)a : file_pwrite(s->bs->fd, b, bytes, (uint64_t)a);
        free(b);
        if (!ret)
            ret = qcow2_refcount_flush(s);
        if (ret)
            return ret;
        off = (uint64_t)a;
    }
    if (fdatasync(s->bs->fd) < 0)
        return -errno;
    uint8_t h[12];
    be32_put(h, n);
    be64_put(h + 4, off);
    if ((ret = file_pwrite(s->bs->fd, h, 12, 60)))
        return ret;
    s->snapshots_offset = off;
    s->snap_old_bytes = bytes;
    if (old_off && old_bytes)
        ret = qcow2_refcount_update(s, old_off, old_bytes, -1);
    if (!ret)
        ret = qcow2_refcount_flush(s);
    return ret;
}

int qcow2_snapshot_table_write(struct qcow2_state *s)
{
    return snap_table_write(s, s->nb_snapshots);
}

static int snap_find(struct qcow2_state *s, const char *name)
{
    for (uint32_t i = 0; i < s->nb_snapshots; i++)
        if (!strcmp(s->snaps[i].id, name))
            return (int)i;
    for (uint32_t i = 0; i < s->nb_snapshots; i++)
        if (!strcmp(s->snaps[i].name, name))
            return (int)i;
    return -1;
}

static int snap_begin(struct blk_dev *bs)
{
    struct qcow2_state *s = bs->opaque;
    int ret = qcow2_mark_dirty(s);
    if (!ret)
        ret = qcow2_meta_flush(s);
    qcow2_l2_cache_drop(s);
    return ret;
}

int qcow2_snapshot_create(struct blk_dev *bs, const char *name, struct blk_err *err)
{
    struct qcow2_state *s = bs->opaque;
    if (strlen(name) > 65535)
        return blk_err_set(err, -EINVAL, "snapshot name too long");
    if (s->nb_snapshots >= 65536)
        return blk_err_set(err, -EFBIG, "too many snapshots");
    pthread_mutex_lock(&bs->lock);
    int ret = snap_begin(bs);
    unsigned long next_id = 1;
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        unsigned long id = strtoul(s->snaps[i].id, NULL, 10);
        if (id >= next_id)
            next_id = id + 1;
    }
    /* the snapshot's own L1 table: a copy of the active one */
    int64_t l1off = -ENOMEM;
    if (!ret) {
        uint64_t bytes = s->l1_size * 8ull;
        l1off = qcow2_alloc_clusters(s, bytes ? (bytes + s->cluster_size - 1) / s->cluster_size : 1);
        if (l1off < 0)
            ret = (int)l1off;
        else if (bytes)
            ret = l1_write_to(s, s->l1, s->l1_size, (uint64_t)l1off);
    }
    /* everything the active state reaches is now shared once more */
    if (!ret)
        ret = tree_refcount(s, s->l1, s->l1_size, +1);
    if (!ret)
        ret = qcow2_l1_write(s, 0, s->l1_size);
    struct qcow2_snap *n = ret ? NULL : realloc(s->snaps, (s->nb_snapshots + 1) * sizeof(*n));
    if (!ret && !n)
        ret = -ENOMEM;
    if (!ret) {
        s->snaps = n;
        struct qcow2_snap *sn = &n[s->nb_snapshots];
        memset(sn, 0, sizeof(*sn));
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        char idbuf[24];
        snprintf(idbuf, sizeof(idbuf), "%lu", next_id);
        sn->id = strdup(idbuf);
        sn->name = strdup(name);
        sn->l1_offset = (uint64_t)l1off;
        sn->l1_size = s->l1_size;
        sn->date_sec = (uint32_t)ts.tv_sec;
        sn->date_nsec = (uint32_t)ts.tv_nsec;
        sn->disk_size = bs->size;
        sn->icount = UINT64_MAX;
        sn->extra_size = 24;
        sn->extra = calloc(1, 24);
        be64_put(sn->extra + 8, bs->size);
        be64_put(sn->extra + 16, UINT64_MAX);
        ret = snap_table_write(s, s->nb_snapshots + 1);
        if (!ret)
            s->nb_snapshots++;
    }
    pthread_mutex_unlock(&bs->lock);
    if (ret)
        return blk_err_set(err, ret, "Could not create snapshot '%s': %s", name,
                           blk_strerror(bs, ret));
    return 0;
}

int qcow2_snapshot_apply(struct blk_dev *bs, const char *name, struct blk_err *err)
{
    struct qcow2_state *s = bs->opaque;
    int k = snap_find(s, name);
    if (k < 0)
        return blk_err_set(err, -ENOENT, "Could not apply snapshot '%s': Can't find snapshot",
                           name);
    struct qcow2_snap *sn = &s->snaps[k];
    if (sn->disk_size != bs->size)
        return blk_err_set(err, -ENOTSUP, "Could not apply snapshot '%s': its disk size %" PRIu64
                           " differs from the image's (resizing on apply is not supported)",
                           name, sn->disk_size);
    pthread_mutex_lock(&bs->lock);
    uint64_t *snap_l1 = NULL;
    int ret = snap_begin(bs);
    if (!ret && sn->l1_size > s->l1_size)
        ret = qcow2_l1_grow(s, sn->l1_size);
    if (!ret)
        ret = l1_read(s, sn->l1_offset, sn->l1_size, &snap_l1);
    /* the snapshot's tree gains the active reference before the old one loses it */
    uint64_t *l1cpy = NULL;
    if (!ret)
        ret = tree_refcount(s, snap_l1, sn->l1_size, +1);
    if (!ret) {
        uint64_t *old = malloc(s->l1_size * 8ull + 8);
        l1cpy = old;
        if (!old)
            ret = -ENOMEM;
        else {
            memcpy(old, s->l1, s->l1_size * 8ull);
            memset(s->l1, 0, s->l1_size * 8ull);
            memcpy(s->l1, snap_l1, sn->l1_size * 8ull);
            ret = qcow2_l1_write(s, 0, s->l1_size);
        }
    }
    if (!ret)
        ret = tree_refcount(s, l1cpy, s->l1_size, -1);
    if (!ret)
        ret = tree_refcount(s, s->l1, s->l1_size, 0);
    if (!ret)
        ret = qcow2_l1_write(s, 0, s->l1_size);
    free(snap_l1);
    free(l1cpy);
    pthread_mutex_unlock(&bs->lock);
    if (ret)
        return blk_err_set(err, ret, "Could not apply snapshot '%s': %s", name,
                           blk_strerror(bs, ret));
    return 0;
}

int qcow2_snapshot_delete(struct blk_dev *bs, const char *name, struct blk_err *err)
{
    struct qcow2_state *s = bs->opaque;
    int k = snap_find(s, name);
    if (k < 0)
        return blk_err_set(err, -ENOENT, "Could not delete snapshot '%s': Can't find snapshot",
                           name);
    pthread_mutex_lock(&bs->lock);
    struct qcow2_snap gone = s->snaps[k];
    uint64_t *l1 = NULL;
    int ret = snap_begin(bs);
    if (!ret)
        ret = l1_read(s, gone.l1_offset, gone.l1_size, &l1);
    if (!ret) {
        /* the table stops naming it first; then its clusters are released */
        memmove(&s->snaps[k], &s->snaps[k + 1], (s->nb_snapshots - k - 1) * sizeof(*s->snaps));
        s->snaps[s->nb_snapshots - 1] = gone;
        ret = snap_table_write(s, s->nb_snapshots - 1);
        if (ret) {
            memmove(&s->snaps[k + 1], &s->snaps[k], (s->nb_snapshots - k - 1) * sizeof(*s->snaps));
            s->snaps[k] = gone;
        } else {
            s->nb_snapshots--;
            free(gone.id);
            free(gone.name);
            free(gone.extra);
        }
    }
    if (!ret)
        ret = tree_refcount(s, l1, gone.l1_size, -1);
    if (!ret && gone.l1_size)
        ret = qcow2_refcount_update(s, gone.l1_offset, gone.l1_size * 8ull, -1);
    if (!ret)
        ret = tree_refcount(s, s->l1, s->l1_size, 0);
    if (!ret)
        ret = qcow2_l1_write(s, 0, s->l1_size);
    if (!ret)
        ret = qcow2_refcount_flush(s);
    free(l1);
    pthread_mutex_unlock(&bs->lock);
    if (ret)
        return blk_err_set(err, ret, "Could not delete snapshot '%s': %s", name,
                           blk_strerror(bs, ret));
    return 0;
}
