/*
 * qcow2 refcounts (spec "Host cluster management"): the refcount table and
 * blocks with entries of 1 to 64 bits, cluster allocation and freeing.
 * Blocks are loaded on demand and written back by qcow2_refcount_flush(),
 * which callers run before writing any L2/L1 entry that relies on them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imgutil/file.h"
#include "imgutil/qcow2/qcow2.h"

int qcow2_refcount_load(struct qcow2_state *s, struct blk_err *err)
{
    uint64_t cs = s->cluster_size;
    size_t bytes = (size_t)s->rt_clusters * cs;
    uint8_t *raw = malloc(bytes);
    if (!raw)
        return blk_err_set(err, -ENOMEM, "out of memory");
    int ret = file_pread(s->bs->fd, raw, bytes, s->rt_offset);
    if (ret < 0) {
        free(raw);
        return blk_err_set(err, ret, "could not read the refcount table: %s", strerror(-ret));
    }
    s->rt_entries = (uint32_t)(bytes / 8);
    s->rt = malloc(bytes);
    s->rb = calloc(s->rt_entries, sizeof(*s->rb));
    s->rb_dlo = calloc(s->rt_entries, sizeof(uint32_t));
    s->rb_dhi = calloc(s->rt_entries, sizeof(uint32_t));
    if (!s->rt || !s->rb || !s->rb_dlo || !s->rb_dhi) {
        free(raw);
        return blk_err_set(err, -ENOMEM, "out of memory");
    }
    for (uint32_t i = 0; i < s->rt_entries; i++) {
        uint64_t e = be64_get(raw + i * 8ull);
        s->rt[i] = e & QCOW2_REFT_MASK;
        if (e & (cs - 1) || s->rt[i] >= s->file_end) {
            free(raw);
            return blk_err_set(err, -EINVAL, "Refcount block offset %#" PRIx64
                               " (refcount table index %u) is %s", e, i,
                               e & (cs - 1) ? "not cluster aligned" : "past the end of the file");
        }
    }
    free(raw);
    return 0;
}

void qcow2_refcount_free_all(struct qcow2_state *s)
{
    if (s->rb)
        for (uint32_t i = 0; i < s->rt_entries; i++)
            free(s->rb[i]);
    free(s->rb);
    free(s->rb_dlo);
    free(s->rb_dhi);
    free(s->rt);
    s->rb = NULL;
    s->rt = NULL;
}

static int rb_load(struct qcow2_state *s, uint32_t ti, uint8_t **out)
{
    if (!s->rb[ti]) {
        uint8_t *b = malloc(s->cluster_size);
        if (!b)
            return -ENOMEM;
        if (s->rt[ti]) {
            int ret = file_pread(s->bs->fd, b, s->cluster_size, s->rt[ti]);
            if (ret < 0) {
                free(b);
                return ret;
            }
        } else {
            memset(b, 0, s->cluster_size);
        }
        s->rb[ti] = b;
    }
    *out = s->rb[ti];
    return 0;
}

static uint64_t rb_entry_get(const struct qcow2_state *s, const uint8_t *b, uint64_t i)
{
    switch (s->refcount_order) {
    case 0: case 1: case 2: {
        uint64_t bit = i << s->refcount_order;
        return (b[bit / 8] >> (bit % 8)) & s->refcount_max;
    }
    case 3: return b[i];
    case 4: return be16_get(b + i * 2);
    case 5: return be32_get(b + i * 4);
    default: return be64_get(b + i * 8);
    }
}

/* returns the byte that changed, for the dirty range */
static uint32_t rb_entry_set(const struct qcow2_state *s, uint8_t *b, uint64_t i, uint64_t v)
{
    switch (s->refcount_order) {
    case 0: case 1: case 2: {
        uint64_t bit = i << s->refcount_order;
        uint8_t mask = (uint8_t)(s->refcount_max << (bit % 8));
        b[bit / 8] = (uint8_t)((b[bit / 8] & ~mask) | ((v << (bit % 8)) & mask));
        return (uint32_t)(bit / 8);
    }
    case 3: b[i] = (uint8_t)v; return (uint32_t)i;
    case 4: be16_put(b + i * 2, (uint16_t)v); return (uint32_t)(i * 2);
    case 5: be32_put(b + i * 4, (uint32_t)v); return (uint32_t)(i * 4);
    default: be64_put(b + i * 8, v); return (uint32_t)(i * 8);
    }
}

int qcow2_refcount_get(struct qcow2_state *s, uint64_t cluster, uint64_t *rc)
{
    uint64_t ti = cluster >> s->rb_bits;
    if (ti >= s->rt_entries || !s->rt[ti]) {
        *rc = 0;
        return 0;
    }
    uint8_t *b;
    int ret = rb_load(s, (uint32_t)ti, &b);
    if (ret < 0)
        return ret;
    *rc = rb_entry_get(s, b, cluster & ((1ull << s->rb_bits) - 1));
    return 0;
}

static void rb_mark(struct qcow2_state *s, uint32_t ti, uint32_t byte)
{
    uint32_t w = s->refcount_order > 3 ? 1u << (s->refcount_order - 3) : 1;
    if (s->rb_dlo[ti] >= s->rb_dhi[ti]) {
        s->rb_dlo[ti] = byte;
        s->rb_dhi[ti] = byte + w;
    } else {
        if (byte < s->rb_dlo[ti])
            s->rb_dlo[ti] = byte;
        if (byte + w > s->rb_dhi[ti])
            s->rb_dhi[ti] = byte + w;
    }
}

static int rt_write_entry(struct qcow2_state *s, uint32_t ti)
{
    uint8_t b[8];
    be64_put(b, s->rt[ti]);
    return file_pwrite(s->bs->fd, b, 8, s->rt_offset + ti * 8ull);
}

static void note_end(struct qcow2_state *s, uint64_t end)
{
    if (end > s->file_end)
        s->file_end = end;
}

/*
 * Grow the refcount table so that index `need` exists.  The new blocks and
 * the new table go to fresh clusters at p (beyond every covered cluster),
 * describing themselves; the header is switched over last, and the old table
 * freed after that.
 */
static int rt_grow(struct qcow2_state *s, uint64_t need)
{
    uint64_t cs = s->cluster_size, rbe = 1ull << s->rb_bits;
    uint64_t p = (s->file_end + cs - 1) / cs;
    if (p < (uint64_t)s->rt_entries * rbe)
        p = (uint64_t)s->rt_entries * rbe;
    uint64_t b = 1, t = 1;
    uint64_t want = need + 1 > s->rt_entries * 3ull / 2 ? need + 1 : s->rt_entries * 3ull / 2;
    for (;;) {
        uint64_t last = p + b + t - 1;
        uint64_t nb = last / rbe - p / rbe + 1;
        uint64_t entries = last / rbe + 1 > want ? last / rbe + 1 : want;
        uint64_t nt = (entries * 8 + cs - 1) / cs;
        if (nb == b && nt == t)
            break;
        b = nb;
        t = nt;
    }
    if (t * cs > QCOW2_MAX_RT_BYTES)
        return -EFBIG;
    uint32_t new_entries = (uint32_t)(t * cs / 8);
    uint8_t *blocks = calloc(b, cs);
    uint8_t *table = calloc(t, cs);
    uint64_t *nrt = calloc(new_entries, 8);
    uint8_t **nrb = calloc(new_entries, sizeof(*nrb));
    uint32_t *ndlo = calloc(new_entries, 4), *ndhi = calloc(new_entries, 4);
    int ret = -ENOMEM;
    if (!blocks || !table || !nrt || !nrb || !ndlo || !ndhi)
        goto fail;
    for (uint64_t x = p; x < p + b + t; x++)
        rb_entry_set(s, blocks + (x / rbe - p / rbe) * cs, x % rbe, 1);
    memcpy(nrt, s->rt, s->rt_entries * 8ull);
    for (uint64_t k = 0; k < b; k++)
        nrt[p / rbe + k] = (p + k) * cs;
    for (uint32_t i = 0; i < new_entries; i++)
        be64_put(table + i * 8ull, nrt[i]);
    ret = file_pwrite(s->bs->fd, blocks, b * cs, p * cs);
    if (!ret)
        ret = file_pwrite(s->bs->fd, table, t * cs, (p + b) * cs);
    if (!ret && fdatasync(s->bs->fd) < 0)
        ret = -errno;
    if (ret)
        goto fail;
    uint8_t h[12];
    be64_put(h, (p + b) * cs);
    be32_put(h + 8, (uint32_t)t);
    ret = file_pwrite(s->bs->fd, h, 12, 48);
    if (ret)
        goto fail;
    note_end(s, (p + b + t) * cs);

    uint64_t old_off = s->rt_offset, old_clusters = s->rt_clusters;
    memcpy(nrb, s->rb, s->rt_entries * sizeof(*nrb));
    memcpy(ndlo, s->rb_dlo, s->rt_entries * 4ull);
    memcpy(ndhi, s->rb_dhi, s->rt_entries * 4ull);
    for (uint64_t k = 0; k < b; k++) {
        nrb[p / rbe + k] = malloc(cs);
        if (nrb[p / rbe + k])
            memcpy(nrb[p / rbe + k], blocks + k * cs, cs);
    }
    free(s->rt);
    free(s->rb);
    free(s->rb_dlo);
    free(s->rb_dhi);
    s->rt = nrt;
    s->rb = nrb;
    s->rb_dlo = ndlo;
    s->rb_dhi = ndhi;
    s->rt_entries = new_entries;
    s->rt_offset = (p + b) * cs;
    s->rt_clusters = (uint32_t)t;
    free(blocks);
    free(table);
    /* the old table is no longer referenced: now it may be freed */
    return qcow2_refcount_update(s, old_off, old_clusters * cs, -1);
fail:
    free(blocks);
    free(table);
    free(nrt);
    free(nrb);
    free(ndlo);
    free(ndhi);
    return ret;
}

int qcow2_refcount_set(struct qcow2_state *s, uint64_t cluster, uint64_t rc)
{
    uint64_t ti = cluster >> s->rb_bits;
    if (ti >= s->rt_entries || !s->rt[ti]) {
        if (rc == 0)
            return 0;
        return -EINVAL;     /* callers create blocks through allocation */
    }
    uint8_t *b;
    int ret = rb_load(s, (uint32_t)ti, &b);
    if (ret < 0)
        return ret;
    rb_mark(s, (uint32_t)ti, rb_entry_set(s, b, cluster & ((1ull << s->rb_bits) - 1), rc));
    if (rc == 0 && cluster < s->free_hint)
        s->free_hint = cluster;
    if (rc == 0 && s->cbyte && s->cbyte / s->cluster_size == cluster)
        s->cbyte = 0;
    return 0;
}

int qcow2_refcount_update(struct qcow2_state *s, uint64_t offset, uint64_t len, int delta)
{
    if (!len)
        return 0;
    uint64_t first = offset >> s->cluster_bits;
    uint64_t last = (offset + len - 1) >> s->cluster_bits;
    for (uint64_t c = first; c <= last; c++) {
        uint64_t rc;
        int ret = qcow2_refcount_get(s, c, &rc);
        if (ret < 0)
            return ret;
        if (delta < 0 && rc == 0)
            return qcow2_corrupt(s, "refcount of cluster %#" PRIx64 " would drop below zero",
                                 c << s->cluster_bits);
        if (delta > 0 && rc == s->refcount_max)
            return -ERANGE;
        if (delta > 0 && (c >> s->rb_bits >= s->rt_entries || !s->rt[c >> s->rb_bits]))
            return qcow2_corrupt(s, "cluster %#" PRIx64 " has no refcount block",
                                 c << s->cluster_bits);
        ret = qcow2_refcount_set(s, c, rc + (uint64_t)(int64_t)delta);
        if (ret < 0)
            return ret;
    }
    return 0;
}

/*
 * Create the refcount blocks for the table indexes in want[0..n).  The new
 * blocks go to free clusters from `pos` on (past the run being allocated);
 * a block whose own cluster lies in a range without a block adds that range
 * to the list, so every new cluster is accounted for by some block.  Blocks
 * reach the file before the table entries that point to them.
 */
static int rb_create(struct qcow2_state *s, uint64_t *want, uint32_t n, uint32_t cap, uint64_t pos)
{
    uint64_t cs = s->cluster_size, mask = (1ull << s->rb_bits) - 1;
    uint8_t **blk = calloc(cap, sizeof(*blk));
    uint64_t *at = calloc(cap, sizeof(*at));
    int ret = blk && at ? 0 : -ENOMEM;
    for (uint32_t i = 0; i < n && !ret; i++) {
        if (!(blk[i] = calloc(1, cs))) {
            ret = -ENOMEM;
            break;
        }
        for (;;) {
            uint64_t rc;
            if ((ret = qcow2_refcount_get(s, pos, &rc)))
                break;
            bool taken = rc != 0;
            for (uint32_t k = 0; k < i && !taken; k++)
                taken = at[k] == pos;
            if (!taken)
                break;
            pos++;
        }
        if (ret)
            break;
        at[i] = pos++;
        uint64_t ti = at[i] >> s->rb_bits;
        if (ti >= s->rt_entries) {
            ret = -EAGAIN;      /* the table must grow first */
            break;
        }
        uint32_t k;
        for (k = 0; k < n; k++)
            if (want[k] == ti)
                break;
        if (k < n) {
            continue;           /* accounted for below, in a new block */
        } else if (s->rt[ti]) {
            ret = qcow2_refcount_set(s, at[i], 1);
        } else if (n < cap) {
            want[n++] = ti;     /* its range needs a block too */
        } else {
            ret = -EFBIG;
        }
    }
    /* every new block cluster lying in a new block's range is counted there */
    for (uint32_t i = 0; i < n && !ret; i++)
        for (uint32_t k = 0; k < n; k++)
            if (at[i] >> s->rb_bits == want[k])
                rb_entry_set(s, blk[k], at[i] & mask, 1);
    if (!ret)
        ret = qcow2_refcount_flush(s);
    for (uint32_t i = 0; i < n && !ret; i++) {
        ret = file_pwrite(s->bs->fd, blk[i], cs, at[i] * cs);
        note_end(s, (at[i] + 1) * cs);
    }
    for (uint32_t i = 0; i < n && !ret; i++) {
        free(s->rb[want[i]]);
        s->rb[want[i]] = blk[i];
        blk[i] = NULL;
        s->rt[want[i]] = at[i] * cs;
        ret = rt_write_entry(s, (uint32_t)want[i]);
    }
    for (uint32_t i = 0; blk && i < cap; i++)
        free(blk[i]);
    free(blk);
    free(at);
    return ret;
}

/* n contiguous free clusters, their refcounts set to 1 (in memory) */
int64_t qcow2_alloc_clusters(struct qcow2_state *s, uint64_t n)
{
    for (;;) {
        uint64_t c = s->free_hint, run = 0, start = c;
        bool seen_free = false;
        while (run < n) {
            uint64_t rc;
            int ret = qcow2_refcount_get(s, c, &rc);
            if (ret < 0)
                return ret;
            if (rc) {
                c++;
                run = 0;
                start = c;
                continue;
            }
            if (!seen_free) {
                s->free_hint = c;
                seen_free = true;
            }
            run++;
            c++;
        }
        /* ranges of the run that have no refcount block yet */
        uint64_t first = start >> s->rb_bits, last = (start + n - 1) >> s->rb_bits;
        if (last >= s->rt_entries) {
            int ret = rt_grow(s, last);
            if (ret < 0)
                return ret;
            continue;
        }
        uint32_t nm = 0, cap = (uint32_t)(last - first + 1) * 2 + 8;
        uint64_t *want = malloc(cap * sizeof(*want));
        if (!want)
            return -ENOMEM;
        for (uint64_t ti = first; ti <= last; ti++)
            if (!s->rt[ti])
                want[nm++] = ti;
        if (nm) {
            int ret = rb_create(s, want, nm, cap, start + n);
            free(want);
            if (ret == -EAGAIN) {
                ret = rt_grow(s, s->rt_entries);
            }
            if (ret < 0)
                return ret;
            continue;   /* the run is still free: blocks went past it */
        }
        free(want);
        for (uint64_t k = start; k < start + n; k++) {
            int ret = qcow2_refcount_set(s, k, 1);
            if (ret < 0)
                return ret;
        }
        note_end(s, (start + n) * s->cluster_size);
        return (int64_t)(start * s->cluster_size);
    }
}

/*
 * size bytes for compressed data, packed right after the previous ones.  When
 * they do not fit in the current cluster they run on into the next one if
 * that is the cluster allocation gives us (the usual case: both at the end
 * of the file); each cluster the data touches holds one reference for it.
 */
int64_t qcow2_alloc_bytes(struct qcow2_state *s, uint64_t size)
{
    uint64_t cs = s->cluster_size;
    uint64_t used = s->cbyte & (cs - 1);
    if (s->cbyte && used && used + size <= cs) {
        uint64_t off = s->cbyte;
        int ret = qcow2_refcount_update(s, off, 1, +1);
        if (ret < 0)
            return ret;
        s->cbyte += size;
        note_end(s, s->cbyte);
        return (int64_t)off;
    }
    uint64_t cur = s->cbyte & ~(cs - 1);
    int64_t n = qcow2_alloc_clusters(s, 1);
    if (n < 0)
        return n;
    if (s->cbyte && used && (uint64_t)n == cur + cs) {
        uint64_t off = s->cbyte;
        int ret = qcow2_refcount_update(s, cur, 1, +1);
        if (ret < 0)
            return ret;
        s->cbyte += size;
        note_end(s, s->cbyte);
        return (int64_t)off;
    }
    s->cbyte = (uint64_t)n + size;
    note_end(s, s->cbyte);
    return n;
}

int qcow2_refcount_flush(struct qcow2_state *s)
{
    for (uint32_t i = 0; i < s->rt_entries; i++) {
        if (s->rb_dlo[i] >= s->rb_dhi[i])
            continue;
        /* whole 512-byte sectors, the unit a crash can tear */
        uint32_t lo = s->rb_dlo[i] & ~511u;
        uint32_t hi = (s->rb_dhi[i] + 511) & ~511u;
        if (hi > s->cluster_size)
            hi = (uint32_t)s->cluster_size;
        int ret = file_pwrite(s->bs->fd, s->rb[i] + lo, hi - lo, s->rt[i] + lo);
        if (ret < 0)
            return ret;
        s->rb_dlo[i] = s->rb_dhi[i] = 0;
    }
    return 0;
}

/* remember the clusters an L2 entry held; freed by qcow2_free_pending() */
void qcow2_free_later(struct qcow2_state *s, uint64_t e)
{
    if (!(e & QCOW2_OFLAG_COMPRESSED) && !(e & QCOW2_OFFSET_MASK))
        return;
    if (s->n_pending == s->cap_pending) {
        uint32_t cap = s->cap_pending ? s->cap_pending * 2 : 64;
        uint64_t *n = realloc(s->pending_free, cap * sizeof(*n));
        if (!n)
            return;     /* a leak, never a corruption */
        s->pending_free = n;
        s->cap_pending = cap;
    }
    s->pending_free[s->n_pending++] = e;
}

int qcow2_free_pending(struct qcow2_state *s)
{
    int ret = 0;
    for (uint32_t i = 0; i < s->n_pending && !ret; i++) {
        uint64_t e = s->pending_free[i];
        if (e & QCOW2_OFLAG_COMPRESSED) {
            uint32_t x = 62 - (s->cluster_bits - 8);
            uint64_t off = e & ((1ull << x) - 1);
            uint64_t nsec = ((e >> x) & ((1ull << (s->cluster_bits - 8)) - 1)) + 1;
            ret = qcow2_refcount_update(s, off & ~511ull, nsec * 512, -1);
        } else {
            ret = qcow2_refcount_update(s, e & QCOW2_OFFSET_MASK, s->cluster_size, -1);
        }
    }
    s->n_pending = 0;
    if (!ret)
        ret = qcow2_refcount_flush(s);
    return ret;
}
