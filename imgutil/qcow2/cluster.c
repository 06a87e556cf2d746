/*
 * qcow2 guest-to-host mapping (spec "Cluster mapping"): the L1 table, a small
 * LRU cache of L2 tables with dirty ranges, standard and extended (subcluster)
 * L2 entries, and growing the L1 table.  Everything read from the file is
 * checked before use: an entry pointing outside the file or off a cluster
 * boundary is reported as corruption, never followed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imgutil/file.h"
#include "imgutil/qcow2/qcow2.h"

int qcow2_corrupt(struct qcow2_state *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->bs->io_err.msg, sizeof(s->bs->io_err.msg), fmt, ap);
    va_end(ap);
    return -EIO;
}

static int l2_slot_write(struct qcow2_state *s, struct qcow2_l2_slot *t)
{
    if (t->dirty_lo >= t->dirty_hi)
        return 0;
    uint32_t lo = t->dirty_lo & ~511u, hi = (t->dirty_hi + 511) & ~511u;
    if (hi > s->cluster_size)
        hi = (uint32_t)s->cluster_size;
    int ret = file_pwrite(s->bs->fd, t->table + lo, hi - lo, t->offset + lo);
    if (ret == 0)
        t->dirty_lo = t->dirty_hi = 0;
    return ret;
}

/* a slot to reuse, never `keep`; a dirty victim is written back (after the
 * refcounts it may depend on) */
static int l2_slot_take(struct qcow2_state *s, const struct qcow2_l2_slot *keep,
                        struct qcow2_l2_slot **out)
{
    struct qcow2_l2_slot *v = NULL;
    for (int i = 0; i < QCOW2_L2_CACHE; i++) {
        struct qcow2_l2_slot *t = &s->l2c[i];
        if (t == keep)
            continue;
        if (!t->offset) {
            v = t;
            break;
        }
        if (!v || t->lru < v->lru)
            v = t;
    }
    if (v->offset && v->dirty_lo < v->dirty_hi) {
        int ret = qcow2_refcount_flush(s);
        if (!ret)
            ret = l2_slot_write(s, v);
        if (ret)
            return ret;
    }
    if (!v->table && !(v->table = malloc(s->cluster_size)))
        return -ENOMEM;
    v->offset = 0;
    v->dirty_lo = v->dirty_hi = 0;
    *out = v;
    return 0;
}

static void l1_mark(struct qcow2_state *s, uint32_t i)
{
    if (s->l1_dirty_lo >= s->l1_dirty_hi) {
        s->l1_dirty_lo = i;
        s->l1_dirty_hi = i + 1;
    } else {
        if (i < s->l1_dirty_lo)
            s->l1_dirty_lo = i;
        if (i + 1 > s->l1_dirty_hi)
            s->l1_dirty_hi = i + 1;
    }
}

int qcow2_l2_get(struct qcow2_state *s, uint32_t l1i, bool alloc, struct qcow2_l2_slot **out)
{
    uint64_t cs = s->cluster_size;
    uint64_t e = s->l1[l1i], off = e & QCOW2_OFFSET_MASK;
    struct qcow2_l2_slot *t = NULL;
    int ret;

    if (!off) {
        *out = NULL;
        if (!alloc)
            return 0;
        int64_t n = qcow2_alloc_clusters(s, 1);
        if (n < 0)
            return (int)n;
        if ((ret = l2_slot_take(s, NULL, &t)))
            return ret;
        memset(t->table, 0, cs);
        t->offset = (uint64_t)n;
        t->dirty_lo = 0;
        t->dirty_hi = (uint32_t)cs;
        t->lru = ++s->lru_clock;
        s->l1[l1i] = (uint64_t)n | QCOW2_OFLAG_COPIED;
        l1_mark(s, l1i);
        *out = t;
        return 0;
    }
    if (off & (cs - 1))
        return qcow2_corrupt(s, "L2 table offset %#" PRIx64 " unaligned (L1 index: %#x)", off, l1i);
    if (off + cs > s->file_end)
        return qcow2_corrupt(s, "L2 table offset %#" PRIx64 " (L1 index: %#x) is past the end "
                             "of the file", off, l1i);
    for (int i = 0; i < QCOW2_L2_CACHE; i++)
        if (s->l2c[i].offset == off)
            t = &s->l2c[i];
    if (!t) {
        if ((ret = l2_slot_take(s, NULL, &t)))
            return ret;
        ret = file_pread(s->bs->fd, t->table, cs, off);
        if (ret)
            return ret;
        t->offset = off;
    }
    t->lru = ++s->lru_clock;
    if (alloc && !(e & QCOW2_OFLAG_COPIED)) {
        /* shared with a snapshot: copy the table before changing it */
        struct qcow2_l2_slot *n;
        int64_t no = qcow2_alloc_clusters(s, 1);
        if (no < 0)
            return (int)no;
        if ((ret = l2_slot_take(s, t, &n)))
            return ret;
        memcpy(n->table, t->table, cs);
        n->offset = (uint64_t)no;
        n->dirty_lo = 0;
        n->dirty_hi = (uint32_t)cs;
        n->lru = ++s->lru_clock;
        s->l1[l1i] = (uint64_t)no | QCOW2_OFLAG_COPIED;
        l1_mark(s, l1i);
        qcow2_free_later(s, off);
        t = n;
    }
    *out = t;
    return 0;
}

uint64_t qcow2_l2_entry(const struct qcow2_state *s, const struct qcow2_l2_slot *t, uint64_t i)
{
    return be64_get(t->table + i * s->l2_entry_size);
}

uint64_t qcow2_l2_bitmap(const struct qcow2_state *s, const struct qcow2_l2_slot *t, uint64_t i)
{
    return s->ext_l2 ? be64_get(t->table + i * 16 + 8) : 0;
}

void qcow2_l2_set(struct qcow2_state *s, struct qcow2_l2_slot *t, uint64_t i,
                  uint64_t entry, uint64_t bitmap)
{
    uint32_t at = (uint32_t)(i * s->l2_entry_size);
    be64_put(t->table + at, entry);
    if (s->ext_l2)
        be64_put(t->table + at + 8, bitmap);
    if (t->dirty_lo >= t->dirty_hi) {
        t->dirty_lo = at;
        t->dirty_hi = at + s->l2_entry_size;
    } else {
        if (at < t->dirty_lo)
            t->dirty_lo = at;
        if (at + s->l2_entry_size > t->dirty_hi)
            t->dirty_hi = at + s->l2_entry_size;
    }
}

/* kind of one standard entry, or of subcluster sc of an extended one */
static int entry_kind(struct qcow2_state *s, uint64_t e, uint64_t bm, unsigned sc,
                      uint32_t l1i, uint64_t i, enum qcow2_kind *kind)
{
    if (e & QCOW2_OFLAG_COMPRESSED) {
        *kind = QCOW2_COMPRESSED;
        return 0;
    }
    uint64_t off = e & QCOW2_OFFSET_MASK;
    if (off & (s->cluster_size - 1))
        return qcow2_corrupt(s, "Cluster allocation offset %#" PRIx64 " unaligned (L1 index: %#x, "
                             "L2 index: %#" PRIx64 ")", off, l1i, i);
    if (s->ext_l2) {
        bool a = bm >> sc & 1, z = bm >> (32 + sc) & 1;
        if (a && z)
            return qcow2_corrupt(s, "subcluster %u of L2 entry %#" PRIx64 " is both allocated "
                                 "and zero", sc, i);
        if (a && !off)
            return qcow2_corrupt(s, "allocated subcluster %u of L2 entry %#" PRIx64
                                 " has no host cluster", sc, i);
        *kind = a ? QCOW2_NORMAL : z ? QCOW2_ZERO : QCOW2_UNALLOC;
        return 0;
    }
    if ((e & QCOW2_OFLAG_ZERO) && s->version >= 3)
        *kind = QCOW2_ZERO;
    else
        *kind = off ? QCOW2_NORMAL : QCOW2_UNALLOC;
    return 0;
}

int qcow2_map(struct qcow2_state *s, uint64_t off, uint64_t len, enum qcow2_kind *kind,
              uint64_t *host, uint64_t *pnum)
{
    uint64_t cs = s->cluster_size, ents = qcow2_l2_entries(s);
    uint32_t l1i = (uint32_t)(off >> (s->cluster_bits + s->l2_bits));
    uint64_t span_end = ((uint64_t)l1i + 1) << (s->cluster_bits + s->l2_bits);
    uint64_t max = span_end - off < len ? span_end - off : len;
    struct qcow2_l2_slot *t = NULL;
    *host = 0;
    if (l1i >= s->l1_size) {
        *kind = QCOW2_UNALLOC;
        *pnum = max;
        return 0;
    }
    int ret = qcow2_l2_get(s, l1i, false, &t);
    if (ret < 0)
        return ret;
    if (!t) {
        *kind = QCOW2_UNALLOC;
        *pnum = max;
        return 0;
    }
    uint64_t i = (off >> s->cluster_bits) & (ents - 1);
    uint64_t co = off & (cs - 1);
    uint64_t e = qcow2_l2_entry(s, t, i), bm = qcow2_l2_bitmap(s, t, i);
    unsigned sc = (unsigned)(co / s->sc_size);
    if ((ret = entry_kind(s, e, bm, sc, l1i, i, kind)) < 0)
        return ret;
    if (*kind == QCOW2_COMPRESSED) {
        *host = e;
        *pnum = cs - co < max ? cs - co : max;
        return 0;
    }
    uint64_t base = e & QCOW2_OFFSET_MASK;
    /* zero or unallocated (sub)clusters may still own a host cluster: QEMU
     * reports its offset, so do we */
    *host = base ? base + co : 0;
    /* grow the run over the following subclusters and clusters */
    uint64_t n = s->sc_size - (co & (s->sc_size - 1));
    uint64_t expect = base + co + n;
    for (;;) {
        if (n >= max)
            break;
        uint64_t noff = off + n;
        uint64_t ni = (noff >> s->cluster_bits) & (ents - 1);
        unsigned nsc = (unsigned)((noff & (cs - 1)) / s->sc_size);
        uint64_t ne = qcow2_l2_entry(s, t, ni), nbm = qcow2_l2_bitmap(s, t, ni);
        enum qcow2_kind nk;
        if (entry_kind(s, ne, nbm, nsc, l1i, ni, &nk) < 0) {
            s->bs->io_err.msg[0] = 0;   /* reported when that range is reached */
            break;
        }
        if (nk != *kind)
            break;
        uint64_t nbase = ne & QCOW2_OFFSET_MASK;
        if (!!nbase != !!base || (nbase && nbase + (noff & (cs - 1)) != expect))
            break;
        n += s->sc_size;
        expect += s->sc_size;
    }
    *pnum = n < max ? n : max;
    return 0;
}

int qcow2_l1_write(struct qcow2_state *s, uint32_t lo, uint32_t hi)
{
    if (lo >= hi)
        return 0;
    uint8_t *b = malloc((hi - lo) * 8ull);
    if (!b)
        return -ENOMEM;
    for (uint32_t i = lo; i < hi; i++)
        be64_put(b + (i - lo) * 8ull, s->l1[i]);
    int ret = file_pwrite(s->bs->fd, b, (hi - lo) * 8ull, s->l1_offset + lo * 8ull);
    free(b);
    return ret;
}

int qcow2_meta_flush(struct qcow2_state *s)
{
    int ret = qcow2_refcount_flush(s);
    for (int i = 0; i < QCOW2_L2_CACHE && !ret; i++)
        if (s->l2c[i].offset)
            ret = l2_slot_write(s, &s->l2c[i]);
    if (!ret && s->l1_dirty_lo < s->l1_dirty_hi) {
        ret = qcow2_l1_write(s, s->l1_dirty_lo, s->l1_dirty_hi);
        if (!ret)
            s->l1_dirty_lo = s->l1_dirty_hi = 0;
    }
    return ret;
}

void qcow2_l2_cache_drop(struct qcow2_state *s)
{
    for (int i = 0; i < QCOW2_L2_CACHE; i++) {
        free(s->l2c[i].table);
        s->l2c[i].table = NULL;
        s->l2c[i].offset = 0;
    }
}

/* a bigger L1 table in new clusters; the header switches to it in one write */
int qcow2_l1_grow(struct qcow2_state *s, uint64_t min_size)
{
    uint64_t cs = s->cluster_size;
    if (min_size <= s->l1_size)
        return 0;
    if (min_size * 8 > QCOW2_MAX_L1_BYTES)
        return -EFBIG;
    int ret = qcow2_meta_flush(s);
    if (ret)
        return ret;
    uint64_t nc = (min_size * 8 + cs - 1) / cs;
    uint64_t *nl1 = calloc(nc * cs / 8, 8);
    uint8_t *b = calloc(nc, cs);
    if (!nl1 || !b) {
        free(nl1);
        free(b);
        return -ENOMEM;
    }
    if (s->l1_size)
        memcpy(nl1, s->l1, s->l1_size * 8ull);
    for (uint64_t i = 0; i < s->l1_size; i++)
        be64_put(b + i * 8, nl1[i]);
    int64_t no = qcow2_alloc_clusters(s, nc);
    if (no < 0) {
        ret = (int)no;
        goto out;
    }
    if ((ret = file_pwrite(s->bs->fd, b, nc * cs, (uint64_t)no)))
        goto out;
    if ((ret = qcow2_refcount_flush(s)))
        goto out;
    if (fdatasync(s->bs->fd) < 0) {
        ret = -errno;
        goto out;
    }
    uint8_t h[12];
    be32_put(h, (uint32_t)min_size);
    be64_put(h + 4, (uint64_t)no);
    if ((ret = file_pwrite(s->bs->fd, h, 12, 36)))
        goto out;
    uint64_t old = s->l1_offset, old_len = s->l1_size * 8ull;
    free(s->l1);
    s->l1 = nl1;
    nl1 = NULL;
    s->l1_size = (uint32_t)min_size;
    s->l1_offset = (uint64_t)no;
    if (old && old_len)
        ret = qcow2_refcount_update(s, old, old_len, -1);
    if (!ret)
        ret = qcow2_refcount_flush(s);
out:
    free(nl1);
    free(b);
    return ret;
}
