/*
 * qcow2 header: parsing and validation of the fixed fields (spec "Header"),
 * the header extensions (kept byte for byte, known or not, so rewriting the
 * header never drops what another tool put there), and the backing name.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "imgutil/file.h"
#include "imgutil/qcow2/qcow2.h"

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return alen && blen && a < b + blen && b < a + alen;
}

int qcow2_header_parse(struct qcow2_state *s, const uint8_t *buf, uint64_t file_len,
                       struct blk_err *err)
{
    struct blk_dev *bs = s->bs;
    if (be32_get(buf) != QCOW2_MAGIC)
        return blk_err_set(err, -EINVAL, "Image is not in qcow2 format");
    s->version = be32_get(buf + 4);
    if (s->version < 2 || s->version > 3)
        return blk_err_set(err, -ENOTSUP, "Unsupported qcow2 version %u", s->version);
    s->cluster_bits = be32_get(buf + 20);
    if (s->cluster_bits < 9 || s->cluster_bits > 21)
        return blk_err_set(err, -EINVAL, "Unsupported cluster size: 2^%u", s->cluster_bits);
    s->cluster_size = 1ull << s->cluster_bits;
    uint64_t cs = s->cluster_size;

    uint64_t backing_off = be64_get(buf + 8);
    uint32_t backing_len = be32_get(buf + 16);
    bs->size = be64_get(buf + 24);
    uint32_t crypt = be32_get(buf + 32);
    s->l1_size = be32_get(buf + 36);
    s->l1_offset = be64_get(buf + 40);
    s->rt_offset = be64_get(buf + 48);
    s->rt_clusters = be32_get(buf + 56);
    s->nb_snapshots = be32_get(buf + 60);
    s->snapshots_offset = be64_get(buf + 64);

    if (s->version == 2) {
        s->header_length = 72;
        s->refcount_order = 4;
    } else {
        s->incompat = be64_get(buf + 72);
        s->compat = be64_get(buf + 80);
        s->autoclear = be64_get(buf + 88);
        s->refcount_order = be32_get(buf + 96);
        s->header_length = be32_get(buf + 100);
        if (s->header_length < 104 || s->header_length > cs)
            return blk_err_set(err, -EINVAL, "qcow2 header length %u out of range",
                               s->header_length);
        if (s->header_length > 104)
            s->compression_type = buf[104];
    }
    if (s->refcount_order > 6)
        return blk_err_set(err, -EINVAL,
                           "Reference count entry width too large; may not exceed 64 bits");
    s->refcount_bits = 1u << s->refcount_order;
    s->refcount_max = s->refcount_bits == 64 ? UINT64_MAX : (1ull << s->refcount_bits) - 1;

    if (s->incompat & ~QCOW2_INCOMPAT_KNOWN)
        return blk_err_set(err, -ENOTSUP, "Unsupported qcow2 feature(s): incompatible bits %#" PRIx64,
                           s->incompat & ~QCOW2_INCOMPAT_KNOWN);
    if (s->incompat & QCOW2_INCOMPAT_DATA_FILE)
        return blk_err_set(err, -ENOTSUP, "qcow2 images with an external data file are not supported");
    if (s->incompat & QCOW2_INCOMPAT_CORRUPT && !bs->read_only)
        return blk_err_set(err, -EACCES,
                           "qcow2: Image is corrupt; cannot be opened read/write");
    if (crypt)
        return blk_err_set(err, -ENOTSUP, "encrypted qcow2 images are not supported");
    bool has_ctype = s->incompat & QCOW2_INCOMPAT_COMPRESSION;
    if (s->compression_type > 1 || (s->compression_type != 0) != has_ctype)
        return blk_err_set(err, -EINVAL, "Invalid compression type %d", s->compression_type);
    if (s->compression_type == 1 && !qcow2_zstd_available())
        return blk_err_set(err, -ENOTSUP, "zstd compression is not supported by this build");

    s->ext_l2 = s->incompat & QCOW2_INCOMPAT_EXTL2;
    s->l2_entry_size = s->ext_l2 ? 16 : 8;
    s->l2_bits = s->cluster_bits - (s->ext_l2 ? 4 : 3);
    if (s->ext_l2 && s->cluster_bits < 14)
        return blk_err_set(err, -EINVAL, "Extended L2 entries need clusters of at least 16 KiB");
    s->sc_size = s->ext_l2 ? cs / QCOW2_SUBCLUSTERS : cs;
    s->rb_bits = s->cluster_bits + 3 - s->refcount_order;

    /* the virtual size must be addressable by an L1 table we accept */
    if (bs->size > (1ull << 62))
        return blk_err_set(err, -EFBIG, "Image size %" PRIu64 " is too large", bs->size);
    uint64_t per_l1 = cs << s->l2_bits;
    uint64_t need_l1 = (bs->size + per_l1 - 1) / per_l1;
    if ((uint64_t)s->l1_size * 8 > QCOW2_MAX_L1_BYTES)
        return blk_err_set(err, -EFBIG, "Active L1 table too large");
    if (s->l1_size < need_l1)
        return blk_err_set(err, -EINVAL, "L1 table of %u entries is too small for %" PRIu64
                           " bytes", s->l1_size, bs->size);
    if (s->l1_size && (s->l1_offset & (cs - 1)))
        return blk_err_set(err, -EINVAL, "L1 table offset %#" PRIx64 " is not cluster aligned",
                           s->l1_offset);
    if (s->l1_size && (s->l1_offset >= file_len || s->l1_offset + s->l1_size * 8ull > file_len))
        return blk_err_set(err, -EINVAL, "L1 table at %#" PRIx64 " is past the end of the file",
                           s->l1_offset);
    if (s->rt_offset & (cs - 1) || s->rt_offset == 0)
        return blk_err_set(err, -EINVAL, "Refcount table offset %#" PRIx64 " is invalid",
                           s->rt_offset);
    if ((uint64_t)s->rt_clusters * cs > QCOW2_MAX_RT_BYTES || s->rt_clusters == 0)
        return blk_err_set(err, -EINVAL, "Refcount table of %u clusters is out of range",
                           s->rt_clusters);
    if (s->rt_offset + s->rt_clusters * cs > file_len)
        return blk_err_set(err, -EINVAL, "Refcount table at %#" PRIx64 " is past the end of the file",
                           s->rt_offset);
    if (s->nb_snapshots > 65536)
        return blk_err_set(err, -EINVAL, "Too many snapshots (%u)", s->nb_snapshots);
    if (s->nb_snapshots && (s->snapshots_offset & (cs - 1) || s->snapshots_offset >= file_len))
        return blk_err_set(err, -EINVAL, "Snapshot table offset %#" PRIx64 " is invalid",
                           s->snapshots_offset);

    /* metadata that may never share clusters */
    uint64_t l1c = ((uint64_t)s->l1_size * 8 + cs - 1) & ~(cs - 1);
    uint64_t rtc = (uint64_t)s->rt_clusters * cs;
    if (ranges_overlap(0, cs, s->l1_offset, l1c))
        return blk_err_set(err, -EINVAL, "L1 table overlaps the image header");
    if (ranges_overlap(0, cs, s->rt_offset, rtc))
        return blk_err_set(err, -EINVAL, "refcount table overlaps the image header");
    if (ranges_overlap(s->l1_offset, l1c, s->rt_offset, rtc))
        return blk_err_set(err, -EINVAL, "refcount table overlaps the L1 table");

    /* header extensions, up to the backing name or the end of cluster 0 */
    uint64_t ext_end = backing_off && backing_off < cs ? backing_off : cs;
    uint64_t p = s->header_length;
    while (p + 8 <= ext_end) {
        uint32_t type = be32_get(buf + p), len = be32_get(buf + p + 4);
        p += 8;
        if (type == QCOW2_EXT_END)
            break;
        if (len > ext_end - p)
            return blk_err_set(err, -EINVAL, "header extension %#x of %u bytes is too large",
                               type, len);
        struct qcow2_ext *n = realloc(s->exts, (size_t)(s->n_exts + 1) * sizeof(*n));
        if (!n)
            return blk_err_set(err, -ENOMEM, "out of memory");
        s->exts = n;
        n[s->n_exts].type = type;
        n[s->n_exts].len = len;
        n[s->n_exts].data = malloc(len ? len : 1);
        memcpy(n[s->n_exts].data, buf + p, len);
        s->n_exts++;
        if (type == QCOW2_EXT_BACKING_FMT) {
            free(bs->backing_fmt);
            bs->backing_fmt = strndup((const char *)buf + p, len);
        }
        p += (len + 7) & ~7ull;
    }

    if (backing_off) {
        if (backing_len > 1023 || backing_off >= cs || backing_len > cs - backing_off)
            return blk_err_set(err, -EINVAL, "Backing file name too long");
        bs->backing_file = strndup((const char *)buf + backing_off, backing_len);
    }
    return 0;
}

int qcow2_header_set_incompat(struct qcow2_state *s, uint64_t incompat)
{
    uint8_t b[8];
    if (s->version < 3)
        return 0;
    be64_put(b, incompat);
    int ret = file_pwrite(s->bs->fd, b, 8, 72);
    if (ret == 0)
        s->incompat = incompat;
    return ret;
}

/*
 * Rewrite the extension area and backing name of cluster 0: the extensions
 * we know are regenerated, every other one is written back unchanged.
 * With `fixed` (s->header_length bytes of new fixed fields) the whole header
 * goes out in one write, as a version change needs.
 */
int qcow2_header_write_exts(struct qcow2_state *s, const char *backing,
                            const char *backing_fmt, struct blk_err *err)
{
    return qcow2_header_write(s, NULL, backing, backing_fmt, err);
}

int qcow2_header_write(struct qcow2_state *s, const uint8_t *fixed, const char *backing,
                       const char *backing_fmt, struct blk_err *err)
{
    uint64_t cs = s->cluster_size;
    uint8_t *buf = calloc(1, cs);
    if (!buf)
        return blk_err_set(err, -ENOMEM, "out of memory");
    uint64_t p = s->header_length;
    int ret = -ENOSPC;
#define EXT_PUT(t, d, l) do {                                       \
        if (p + 8 + (((l) + 7) & ~7ull) + 8 > cs)                   \
            goto out;                                               \
        be32_put(buf + p, (t));                                     \
        be32_put(buf + p + 4, (uint32_t)(l));                       \
        memcpy(buf + p + 8, (d), (l));                              \
        p += 8 + (((l) + 7) & ~7ull);                               \
    } while (0)
    if (backing && backing_fmt)
        EXT_PUT(QCOW2_EXT_BACKING_FMT, backing_fmt, strlen(backing_fmt));
    for (int i = 0; i < s->n_exts; i++)
        if (s->exts[i].type != QCOW2_EXT_BACKING_FMT)
            EXT_PUT(s->exts[i].type, s->exts[i].data, s->exts[i].len);
#undef EXT_PUT
    p += 8;     /* end marker: already zero */
    uint64_t boff = 0;
    uint32_t blen = 0;
    if (backing) {
        blen = (uint32_t)strlen(backing);
        if (blen > 1023 || p + blen > cs)
            goto out;
        boff = p;
        memcpy(buf + p, backing, blen);
        p += blen;
    }
    if (fixed) {
        memcpy(buf, fixed, s->header_length);
        be64_put(buf + 8, boff);
        be32_put(buf + 16, blen);
        ret = file_pwrite(s->bs->fd, buf, p, 0);
        goto out;
    }
    ret = file_pwrite(s->bs->fd, buf + s->header_length, p - s->header_length,
                      s->header_length);
    if (ret == 0) {
        uint8_t h[12];
        be64_put(h, boff);
        be32_put(h + 8, blen);
        ret = file_pwrite(s->bs->fd, h, 12, 8);
    }
out:
    free(buf);
    if (ret == -ENOSPC)
        return blk_err_set(err, ret, "header extensions do not fit in the first cluster");
    if (ret < 0)
        return blk_err_set(err, ret, "could not write the header: %s", strerror(-ret));
    return 0;
}
