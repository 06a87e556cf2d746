/*
 * qcow2 consistency check and repair (what `check` and the reopening of a
 * dirty lazy-refcounts image use): count every reference the metadata makes
 * (header, L1/L2 of the active state and of each snapshot, data and
 * compressed clusters, refcount structures, snapshot table), compare with
 * the stored refcounts, then verify the COPIED flags.  Messages go to stderr
 * in qemu-img's wording so scripts that grep them keep working.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imgutil/file.h"
#include "imgutil/qcow2/qcow2.h"

struct check_ctx {
    struct qcow2_state *s;
    struct blk_check_result *r;
    uint64_t *refs;
    uint64_t n;         /* clusters in refs */
};

static void ref_inc(struct check_ctx *c, uint64_t off, uint64_t len)
{
    struct qcow2_state *s = c->s;
    if (!len)
        return;
    uint64_t first = off >> s->cluster_bits, last = (off + len - 1) >> s->cluster_bits;
    if (last >= c->n) {
        fprintf(stderr, "ERROR: counting reference for region exceeding the end of the file by "
                "one cluster or more: offset 0x%" PRIx64 " size 0x%" PRIx64 "\n", off, len);
        c->r->corruptions++;
        return;
    }
    for (uint64_t k = first; k <= last; k++)
        c->refs[k]++;
}

static int walk_l2(struct check_ctx *c, uint64_t l2off, bool active, uint8_t *tbl)
{
    struct qcow2_state *s = c->s;
    uint64_t cs = s->cluster_size, next = 0;
    int ret = file_pread(s->bs->fd, tbl, cs, l2off);
    if (ret)
        return ret;
    for (uint64_t j = 0; j < qcow2_l2_entries(s); j++) {
        uint64_t e = be64_get(tbl + j * s->l2_entry_size);
        if (e & QCOW2_OFLAG_COMPRESSED) {
            uint32_t x = 62 - (s->cluster_bits - 8);
            uint64_t coff = e & ((1ull << x) - 1);
            uint64_t nsec = ((e >> x) & ((1ull << (s->cluster_bits - 8)) - 1)) + 1;
            ref_inc(c, coff & ~511ull, nsec * 512);
            if (active) {
                c->r->allocated_clusters++;
                c->r->compressed_clusters++;
                c->r->fragmented_clusters++;
            }
            next = 0;
            continue;
        }
        uint64_t ho = e & QCOW2_OFFSET_MASK;
        if (!ho)
            continue;
        if (ho & (cs - 1)) {
            fprintf(stderr, "ERROR offset=%" PRIx64 ": Cluster is not properly aligned; L2 entry "
                    "corrupted.\n", ho);
            c->r->corruptions++;
            continue;
        }
        ref_inc(c, ho, cs);
        if (active) {
            c->r->allocated_clusters++;
            if (next && ho != next)
                c->r->fragmented_clusters++;
            next = ho + cs;
        }
    }
    return 0;
}

static int walk_l1(struct check_ctx *c, const uint64_t *l1, uint32_t n, bool active)
{
    struct qcow2_state *s = c->s;
    uint64_t cs = s->cluster_size;
    uint8_t *tbl = malloc(cs);
    if (!tbl)
        return -ENOMEM;
    int ret = 0;
    for (uint32_t i = 0; i < n && !ret; i++) {
        uint64_t off = l1[i] & QCOW2_OFFSET_MASK;
        if (!off)
            continue;
        if (off & (cs - 1)) {
            fprintf(stderr, "ERROR l2_offset=%" PRIx64 ": Table is not cluster aligned; L1 entry "
                    "corrupted\n", off);
            c->r->corruptions++;
            continue;
        }
        if (off + cs > s->file_end) {
            ref_inc(c, off, cs);
            continue;
        }
        ref_inc(c, off, cs);
        ret = walk_l2(c, off, active, tbl);
    }
    free(tbl);
    return ret;
}

/* persistent dirty bitmaps (spec "Bitmaps extension"): while the autoclear
 * bit says they are valid, their directory, tables and data clusters are
 * referenced like any other metadata */
static int count_bitmaps(struct check_ctx *c)
{
    struct qcow2_state *s = c->s;
    if (!(s->autoclear & 1))
        return 0;
    const struct qcow2_ext *x = NULL;
    for (int i = 0; i < s->n_exts; i++)
        if (s->exts[i].type == 0x23852875u && s->exts[i].len >= 24)
            x = &s->exts[i];
    if (!x)
        return 0;
    uint32_t n = be32_get(x->data);
    uint64_t dsize = be64_get(x->data + 8), doff = be64_get(x->data + 16);
    if (dsize > (64u << 20) || doff + dsize > s->file_end) {
        fprintf(stderr, "ERROR bitmap directory at 0x%" PRIx64 " is out of range\n", doff);
        c->r->corruptions++;
        return 0;
    }
    ref_inc(c, doff, dsize);
    uint8_t *dir = malloc(dsize + 1);
    if (!dir)
        return -ENOMEM;
    int ret = file_pread(s->bs->fd, dir, dsize, doff);
    uint64_t p = 0;
    for (uint32_t i = 0; !ret && i < n && p + 24 <= dsize; i++) {
        uint64_t toff = be64_get(dir + p);
        uint32_t tsize = be32_get(dir + p + 8);
        uint16_t namelen = be16_get(dir + p + 18);
        uint32_t extra = be32_get(dir + p + 20);
        p += (24 + (uint64_t)extra + namelen + 7) & ~7ull;
        if (toff + tsize * 8ull > s->file_end || toff & (s->cluster_size - 1)) {
            fprintf(stderr, "ERROR bitmap table at 0x%" PRIx64 " is out of range\n", toff);
            c->r->corruptions++;
            continue;
        }
        ref_inc(c, toff, tsize * 8ull);
        uint8_t *t = malloc(tsize * 8ull + 8);
        if (!t) {
            ret = -ENOMEM;
            break;
        }
        ret = file_pread(s->bs->fd, t, tsize * 8ull, toff);
        for (uint32_t k = 0; !ret && k < tsize; k++) {
            uint64_t off = be64_get(t + k * 8ull) & QCOW2_OFFSET_MASK;
            if (off)
                ref_inc(c, off, s->cluster_size);
        }
        free(t);
    }
    free(dir);
    return ret;
}

static int count_refs(struct check_ctx *c)
{
    struct qcow2_state *s = c->s;
    uint64_t cs = s->cluster_size;
    ref_inc(c, 0, cs);
    ref_inc(c, s->l1_offset, s->l1_size * 8ull);
    int ret = walk_l1(c, s->l1, s->l1_size, true);
    uint64_t snap_bytes = 0;
    for (uint32_t i = 0; !ret && i < s->nb_snapshots; i++) {
        struct qcow2_snap *sn = &s->snaps[i];
        snap_bytes += (40 + sn->extra_size + strlen(sn->id) + strlen(sn->name) + 7) & ~7ull;
        ref_inc(c, sn->l1_offset, sn->l1_size * 8ull);
        uint64_t *l1 = malloc(sn->l1_size * 8ull + 8);
        uint8_t *raw = malloc(sn->l1_size * 8ull + 8);
        if (!l1 || !raw) {
            free(l1);
            free(raw);
            return -ENOMEM;
        }
        ret = file_pread(s->bs->fd, raw, sn->l1_size * 8ull, sn->l1_offset);
        for (uint32_t k = 0; k < sn->l1_size; k++)
            l1[k] = be64_get(raw + k * 8ull);
        if (!ret)
            ret = walk_l1(c, l1, sn->l1_size, false);
        free(l1);
        free(raw);
    }
    if (s->nb_snapshots)
        ref_inc(c, s->snapshots_offset, snap_bytes);
    if (!ret)
        ret = count_bitmaps(c);
    ref_inc(c, s->rt_offset, s->rt_clusters * cs);
    for (uint32_t i = 0; i < s->rt_entries; i++)
        if (s->rt[i])
            ref_inc(c, s->rt[i], cs);
    return ret;
}

static int compare_refs(struct check_ctx *c, int fix, uint64_t *highest)
{
    struct qcow2_state *s = c->s;
    uint64_t end = c->n;
    for (uint32_t i = 0; i < s->rt_entries; i++)
        if (s->rt[i] && ((uint64_t)(i + 1) << s->rb_bits) > end)
            end = (uint64_t)(i + 1) << s->rb_bits;
    /* repairs may allocate refcount blocks: only beyond everything in use */
    if (s->free_hint < c->n)
        s->free_hint = c->n;
    *highest = 0;
    bool any = false;
    for (uint64_t k = 0; k < end; k++) {
        uint64_t disk, want = k < c->n ? c->refs[k] : 0;
        int ret = qcow2_refcount_get(s, k, &disk);
        if (ret)
            return ret;
        if (disk || want) {
            *highest = k;
            any = true;
        }
        if (disk == want)
            continue;
        int64_t *fixed = NULL;
        if (disk > want && (fix & BLK_FIX_LEAKS))
            fixed = &c->r->leaks_fixed;
        else if (disk < want && (fix & BLK_FIX_ERRORS))
            fixed = &c->r->corruptions_fixed;
        fprintf(stderr, "%s cluster %" PRIu64 " refcount=%" PRIu64 " reference=%" PRIu64 "\n",
                fixed ? "Repairing" : disk < want ? "ERROR" : "Leaked", k, disk, want);
        if (fixed) {
            if (want > s->refcount_max) {
                c->r->corruptions++;
                continue;
            }
            uint64_t ti = k >> s->rb_bits;
            if (ti >= s->rt_entries || !s->rt[ti]) {
                /* no block yet: make one through an allocation and fix it up */
                int64_t a = qcow2_alloc_clusters(s, 1);
                if (a < 0)
                    return (int)a;
                ret = qcow2_refcount_set(s, (uint64_t)a >> s->cluster_bits, 0);
                if (ret)
                    return ret;
                if (ti >= s->rt_entries || !s->rt[ti]) {
                    c->r->corruptions++;
                    continue;
                }
            }
            ret = qcow2_refcount_set(s, k, want);
            if (ret)
                return ret;
            (*fixed)++;
            continue;
        }
        if (disk < want)
            c->r->corruptions++;
        else
            c->r->leaks++;
    }
    if (!any)
        *highest = 0;
    return qcow2_refcount_flush(s);
}

static int check_copied(struct check_ctx *c, int fix)
{
    struct qcow2_state *s = c->s;
    uint64_t cs = s->cluster_size;
    uint8_t *tbl = malloc(cs);
    if (!tbl)
        return -ENOMEM;
    bool l1_changed = false;
    int ret = 0;
    for (uint32_t i = 0; i < s->l1_size && !ret; i++) {
        uint64_t e = s->l1[i], off = e & QCOW2_OFFSET_MASK, rc;
        if (!off || off & (cs - 1) || off + cs > s->file_end)
            continue;
        if ((ret = qcow2_refcount_get(s, off >> s->cluster_bits, &rc)))
            break;
        if ((rc == 1) != !!(e & QCOW2_OFLAG_COPIED)) {
            bool f = fix & BLK_FIX_ERRORS;
            fprintf(stderr, "%s OFLAG_COPIED L2 cluster: l1_index=%u l1_entry=%" PRIx64
                    " refcount=%" PRIu64 "\n", f ? "Repairing" : "ERROR", i, e, rc);
            if (f) {
                s->l1[i] = rc == 1 ? e | QCOW2_OFLAG_COPIED : e & ~QCOW2_OFLAG_COPIED;
                l1_changed = true;
                c->r->corruptions_fixed++;
            } else {
                c->r->corruptions++;
            }
        }
        if ((ret = file_pread(s->bs->fd, tbl, cs, off)))
            break;
        bool l2_changed = false;
        for (uint64_t j = 0; j < qcow2_l2_entries(s); j++) {
            uint64_t le = be64_get(tbl + j * s->l2_entry_size), ho = le & QCOW2_OFFSET_MASK;
            if ((le & QCOW2_OFLAG_COMPRESSED) || !ho || ho & (cs - 1))
                continue;
            if ((ret = qcow2_refcount_get(s, ho >> s->cluster_bits, &rc)))
                break;
            if ((rc == 1) == !!(le & QCOW2_OFLAG_COPIED))
                continue;
            bool f = fix & BLK_FIX_ERRORS;
            fprintf(stderr, "%s OFLAG_COPIED data cluster: l2_entry=%" PRIx64 " refcount=%"
                    PRIu64 "\n", f ? "Repairing" : "ERROR", le, rc);
            if (f) {
                be64_put(tbl + j * s->l2_entry_size,
                         rc == 1 ? le | QCOW2_OFLAG_COPIED : le & ~QCOW2_OFLAG_COPIED);
                l2_changed = true;
                c->r->corruptions_fixed++;
            } else {
                c->r->corruptions++;
            }
        }
        if (!ret && l2_changed)
            ret = file_pwrite(s->bs->fd, tbl, cs, off);
    }
    free(tbl);
    if (!ret && l1_changed)
        ret = qcow2_l1_write(s, 0, s->l1_size);
    return ret;
}

int qcow2_check(struct blk_dev *bs, struct blk_check_result *r, int fix)
{
    struct qcow2_state *s = bs->opaque;
    memset(r, 0, sizeof(*r));
    if (bs->read_only)
        fix = 0;
    int ret = bs->read_only ? 0 : qcow2_meta_flush(s);
    if (ret)
        return ret;
    qcow2_l2_cache_drop(s);
    struct check_ctx c = { .s = s, .r = r };
    c.n = (s->file_end + s->cluster_size - 1) >> s->cluster_bits;
    c.refs = calloc(c.n + 1, sizeof(*c.refs));
    if (!c.refs)
        return -ENOMEM;
    ret = count_refs(&c);
    uint64_t highest = 0;
    if (!ret)
        ret = compare_refs(&c, fix, &highest);
    if (!ret)
        ret = check_copied(&c, fix);
    free(c.refs);
    qcow2_l2_cache_drop(s);
    if (ret) {
        r->check_errors++;
        return ret;
    }
    r->has_clusters = true;
    r->total_clusters = (bs->size + s->cluster_size - 1) >> s->cluster_bits;
    r->image_end_offset = (highest + 1) << s->cluster_bits;
    if (fix && !r->corruptions && (s->incompat & QCOW2_INCOMPAT_DIRTY))
        ret = qcow2_header_set_incompat(s, s->incompat & ~QCOW2_INCOMPAT_DIRTY);
    return ret;
}
